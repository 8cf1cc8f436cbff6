"""A shorter road to ``request.form`` for urlencoded bodies.

Werkzeug reads every form body through a generic parser object: it builds
the parser, dispatches on the mimetype, wraps the server's input in a
``LimitedStream`` and hands the body to :func:`urllib.parse.parse_qsl`.
For ``application/x-www-form-urlencoded``, what browsers send for ordinary
forms, all of that comes down to reading ``Content-Length`` bytes, decoding
them as UTF-8 and splitting them into pairs. :func:`urlencoded_form` does
only that, with the same results:

- the same bytes: read straight from ``wsgi.input`` in the pieces
  ``LimitedStream.readall`` asks for, through ``read`` (the method WSGI
  promises; LimitedStream prefers ``readinto`` when the input has one,
  for the same sizes), when ``request.stream`` was never made and the
  body has a plain
  Content-Length; else ``request.get_data(cache=False)`` (the data an
  earlier ``get_data()`` cached, else the limited ``request.stream``);
- the same errors: 413 over ``max_content_length`` before reading, Werkzeug's
  ``ClientDisconnected`` (400) for a body shorter than Content-Length or an
  input that raises ``OSError``/``ValueError``, ``ClientBody``'s 400 for
  anything else the input raises; a 413 for a Content-Length over
  ``max_form_memory_size`` where the installed Werkzeug's parser gives one
  for urlencoded bodies (3.1.0 does, 3.1.9 leaves that limit and
  ``MAX_FORM_PARTS`` to multipart bodies: asked of the parser once);
- the same pairs (``+`` as space, ``%XX`` decoded, invalid UTF-8 escapes
  kept percent-encoded), an empty form when the body is not UTF-8;
- the same request afterwards: ``request.stream`` is an exhausted stream
  (made on first access by :func:`spent_stream`), so ``get_data()`` and
  ``data`` are ``b""``; ``files`` is left for ``Request.files`` to make
  (always empty for such a body) on first access.

The config (``MAX_CONTENT_LENGTH``, ``DEBUG``) is read once per parse, from
one look-up of the app context. Without this module, every form body goes
through Werkzeug's parser.
"""

from __future__ import annotations

import typing as t
from io import BytesIO
from urllib.parse import unquote

# Registers the "werkzeug.url_quote" codec error handler used below.
import werkzeug.urls  # noqa: F401
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    RequestEntityTooLarge,
)
from werkzeug.formparser import FormDataParser
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wsgi import LimitedStream

from .._request_body import ClientBody, unreadable_body
from ..globals import _app_ctx_stack
from .memo import Memo

__all__ = [
    "load_urlencoded_form",
    "parse_urlencoded",
    "query_args",
    "shortcut_first",
    "spent_stream",
    "split_urlencoded",
    "stored_property",
    "urlencoded_form",
    "urlencoded_storage",
]

_T = t.TypeVar("_T")

_URLENCODED = "application/x-www-form-urlencoded"

#: Request class -> what it keeps of Werkzeug's form parsing and of
#: minflask's ``Request`` (the flags below), found once per class.
_traits: Memo[type, int] = Memo(256)

#: The class reaches the urlencoded parser as Werkzeug's ``Request`` does
#: (nothing on the way overridden), so the short road gives its result.
_PARSES = 1
#: ... and reads the body through minflask's ``Request.stream``,
_OUR_STREAM = 2
#: ... loads form data with minflask's ``Request._load_form_data``,
_OUR_LOADING = 4
#: ... and takes ``max_content_length`` from minflask's property.
_OUR_LIMIT = 8

#: Where the short road leaves the body it read from ``wsgi.input``, so the
#: request's ``stream`` can be made exhausted (:func:`spent_stream`).
SPENT_BODY = "_urlencoded_body"


class stored_property(t.Generic[_T]):
    """Werkzeug's ``cached_property`` for the request's ``form``, ``args``,
    ``stream`` and ``cookies``, without the Python call on every later
    read: computed on first access and kept in the instance ``__dict__``,
    as Werkzeug keeps it, where attribute lookup finds it directly (this
    descriptor defines no ``__set__``). Setting or deleting the attribute
    sets or deletes that entry, as with Werkzeug's."""

    def __init__(self, fget: t.Callable[[t.Any], _T]) -> None:
        self.fget = fget
        self.__name__ = fget.__name__
        self.__doc__ = fget.__doc__
        self.__module__ = fget.__module__

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> stored_property[_T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        value = obj.__dict__[self.__name__] = self.fget(obj)
        return value


class _ShortcutFirst(stored_property[_T]):
    """A :class:`stored_property` whose first read asks ``shortcut(obj)``
    and keeps its answer; ``fget``'s when the shortcut answers ``None``."""

    def __init__(
        self, shortcut: t.Callable[[t.Any], t.Any], fget: t.Callable[[t.Any], _T]
    ) -> None:
        super().__init__(fget)
        self.shortcut = shortcut

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        value = self.shortcut(obj)
        if value is None:
            value = self.fget(obj)
        obj.__dict__[self.__name__] = value
        return value


def shortcut_first(
    shortcut: t.Callable[[t.Any], t.Any],
) -> t.Callable[[t.Callable[[t.Any], _T]], stored_property[_T]]:
    """Decorate a request property whose value ``shortcut(request)`` gives
    when it can (``None`` when not): the property's own code runs only
    then, and no extra Python call is made when it need not."""

    def decorate(fget: t.Callable[[t.Any], _T]) -> stored_property[_T]:
        return _ShortcutFirst(shortcut, fget)

    return decorate


class query_args(stored_property[_T]):
    """``Request.args`` as Werkzeug makes it, in its descriptor: the query
    string decoded as UTF-8 (a UnicodeDecodeError as there), split by
    :func:`parse_urlencoded` into the request's ``parameter_storage_class``
    and kept in the request's ``__dict__``. (The decorated function is the
    plain road, and the docstring.)"""

    def __get__(self, obj: t.Any, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        own = _environ_query.get(type(obj))
        if own is None:
            own = _environ_query.keep(type(obj), _query_from_environ(type(obj)))
        if not own or "query_string" in obj.__dict__:
            text = obj.query_string.decode()
        else:
            # ``query_string.decode()`` without making ``query_string``:
            # the WSGI string carries the bytes as latin-1.
            text = obj.environ.get("QUERY_STRING", "")
            if not text.isascii():
                text = text.encode("latin1").decode()
        storage = obj.parameter_storage_class
        args = obj.__dict__[self.__name__] = (
            urlencoded_storage(storage, text) if text else storage()
        )
        return args


def urlencoded_storage(storage: type[MultiDict[str, t.Any]], text: str) -> t.Any:
    """``storage(parse_urlencoded(text))``. For Werkzeug's own ``MultiDict``
    and ``ImmutableMultiDict``, made from :func:`split_urlencoded`'s lists
    through the classes' public pickle protocol (``__setstate__`` takes
    what ``__getstate__`` gives: each key's list of values), which skips
    the constructor's generic walk over a mapping-or-iterable: about 0.25
    µs of each one. That road is taken only if a probe at import finds it
    gives the constructor's result (:func:`_restorable`)."""
    if storage in _RESTORABLE:
        made = storage.__new__(storage)
        made.__setstate__(split_urlencoded(text))
        return made
    return storage(parse_urlencoded(text))


def split_urlencoded(text: str) -> dict[str, list[str]]:
    """:func:`parse_urlencoded`'s pairs, each name's values in a list, the
    names in the order they first came."""
    if "+" in text:
        text = text.replace("+", " ")
    escaped = "%" in text
    if not escaped and "&" not in text:  # one field, as most query strings
        name, _, value = text.partition("=")
        return {name: [value]} if text else {}
    lists: dict[str, list[str]] = {}
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if escaped:
            if "%" in name:
                name = unquote(name, "utf-8", "werkzeug.url_quote")
            if "%" in value:
                value = unquote(value, "utf-8", "werkzeug.url_quote")
        found = lists.get(name)
        if found is None:
            lists[name] = [value]
        else:
            found.append(value)
    return lists


def _restorable(cls: type[MultiDict[t.Any, t.Any]]) -> bool:
    """Whether ``cls`` made through ``__setstate__`` from
    :func:`split_urlencoded`'s lists equals ``cls`` made by its constructor
    from the pairs, in every public view of it."""
    text = "b=1&a=2&b=3&c=&a=4"
    try:
        made = cls.__new__(cls)
        made.__setstate__(split_urlencoded(text))
    except Exception:
        return False
    reference = cls(parse_urlencoded(text))
    return (
        type(made) is type(reference)
        and made == reference
        and list(made.items(multi=True)) == list(reference.items(multi=True))
        and list(made.lists()) == list(reference.lists())
        and made.to_dict() == reference.to_dict()
        and [made[k] for k in made] == [reference[k] for k in reference]
    )


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """Split urlencoded ``text`` into ``(name, value)`` pairs as
    ``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``
    does, calling :func:`~urllib.parse.unquote` only for escaped parts."""
    # "+" means a space in names and values alike, and never separates.
    if "+" in text:
        text = text.replace("+", " ")
    pairs = []
    if "%" not in text:
        for field in text.split("&"):
            if field:
                name, _, value = field.partition("=")
                pairs.append((name, value))
        return pairs
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "%" in name:
            name = unquote(name, "utf-8", "werkzeug.url_quote")
        if "%" in value:
            value = unquote(value, "utf-8", "werkzeug.url_quote")
        pairs.append((name, value))
    return pairs


def _memory_limits_urlencoded() -> bool:
    """Whether Werkzeug's form parser refuses an urlencoded body longer than
    ``max_form_memory_size`` (Werkzeug 3.1.0 does, 3.1.9 does not):
    asked of the parser itself, once."""
    parser = FormDataParser(max_form_memory_size=1)
    try:
        parser.parse(BytesIO(b"a=1"), _URLENCODED, 3, {})
    except RequestEntityTooLarge:
        return True
    return False


_MEMORY_LIMITS_URLENCODED = _memory_limits_urlencoded()

#: The storage classes :func:`urlencoded_storage` may fill through
#: ``__setstate__``: those for which the probe found it exact.
_RESTORABLE = frozenset(
    cls for cls in (MultiDict, ImmutableMultiDict) if _restorable(cls)
)


def urlencoded_form(
    request: _WerkzeugRequest, loading: bool = False
) -> MultiDict[str, str] | None:
    """``request.form`` for an urlencoded body, parsed as Werkzeug parses it
    and stored in the request's ``__dict__``; ``None``, having read nothing,
    for any other body or a class that changes how forms are parsed.

    ``Request.form`` asks this first (:func:`shortcut_first`), and takes
    the full road (``_load_form_data``) on ``None``: so does this for a
    class with its own ``_load_form_data`` and in debug mode (which
    explains missing files there). ``loading`` is set when called from
    ``_load_form_data``.
    """
    environ = request.environ
    content_type = environ.get("CONTENT_TYPE")
    if content_type != _URLENCODED and (
        not content_type or request.mimetype != _URLENCODED
    ):
        return None
    cls = type(request)
    traits = _traits.get(cls)
    if traits is None:
        traits = _traits.keep(cls, _traits_of(cls))
    if not traits or not (loading or traits & _OUR_LOADING):
        return None
    ctx = _app_ctx_stack.top
    config = None if ctx is None else ctx.app.config
    if not loading and config is not None and config["DEBUG"]:
        return None
    if _MEMORY_LIMITS_URLENCODED:
        memory = request.max_form_memory_size
        announced = request.content_length
        if memory is not None and announced is not None and announced > memory:
            raise RequestEntityTooLarge()

    d = request.__dict__
    size = environ.get("CONTENT_LENGTH")
    if (
        traits & _OUR_STREAM
        and "stream" not in d
        and SPENT_BODY not in d  # read before, and the form deleted since
        and size
        and size.isdigit()
        and size.isascii()
        and not request.shallow
        and "HTTP_TRANSFER_ENCODING" not in environ
        and "wsgi.input_terminated" not in environ
    ):
        # The checks and reads of ``Request.stream`` + ``get_data()``.
        length = int(size)
        if traits & _OUR_LIMIT:
            limit = request._max_content_length  # type: ignore[attr-defined]
            if limit is None and config is not None:
                limit = config["MAX_CONTENT_LENGTH"]
        else:
            limit = request.max_content_length
        if limit is not None and length > limit:
            raise RequestEntityTooLarge()
        raw = environ["wsgi.input"]
        # LimitedStream's first read, then the rest if the input gave less.
        try:
            data = raw.read(length if length < _PIECE else _PIECE) if length else b""
        except Exception as e:
            raise _client_error(e)  # noqa: B904 (chained as LimitedStream's)
        if len(data) != length:
            data = _read_rest(raw, length, data)
        d[SPENT_BODY] = data
    else:
        data = request.get_data(cache=False)

    storage: type[MultiDict[str, t.Any]] = request.parameter_storage_class
    try:
        form = urlencoded_storage(storage, data.decode()) if data else storage()
    except ValueError:  # e.g. a body that is not UTF-8: no form, as Werkzeug
        form = storage()
    d["form"] = form
    return form


def load_urlencoded_form(request: _WerkzeugRequest) -> bool:
    """Parse ``request``'s urlencoded body into ``form`` as Werkzeug's form
    loading would (``files``, always empty then, is made on first access).

    Returns ``False``, having done nothing, for any other body, or when the
    request's class changes how forms are parsed; the caller then takes
    Werkzeug's road.
    """
    return urlencoded_form(request, loading=True) is not None


def _traits_of(cls: type) -> int:
    """The ``_PARSES``... flags of a request class: 0 if it does not reach
    the urlencoded parser the way Werkzeug's ``Request`` does."""
    from ..wrappers import Request as ours

    base = _WerkzeugRequest
    if not (
        cls.form_data_parser_class is FormDataParser  # type: ignore[attr-defined]
        and cls.make_form_data_parser is base.make_form_data_parser  # type: ignore[attr-defined]
        and cls.want_form_data_parsed is base.want_form_data_parsed  # type: ignore[attr-defined]
        and cls.get_data in (base.get_data, ours.get_data)  # type: ignore[attr-defined]
        and cls.stream in (base.stream, ours.stream)  # type: ignore[attr-defined]
    ):
        return 0
    traits = _PARSES
    if cls.stream is ours.stream:  # type: ignore[attr-defined]
        traits |= _OUR_STREAM
    if cls._load_form_data is ours._load_form_data:  # type: ignore[attr-defined]
        traits |= _OUR_LOADING
    if cls.max_content_length is ours.max_content_length:  # type: ignore[attr-defined]
        traits |= _OUR_LIMIT
    return traits


#: LimitedStream.readall reads a sized body in pieces of this size.
_PIECE = 64 * 1024


def _read_rest(raw: t.Any, length: int, data: bytes) -> bytes:
    """The rest of a ``length``-byte body after its first read gave
    ``data``: pieces of at most 64 KiB asked of ``raw.read``, as
    ``LimitedStream.readall`` asks them (of ``readinto`` when the input has
    it: the same sizes), until ``length`` bytes came. An empty read is
    LimitedStream's ``ClientDisconnected``."""
    pieces = [data]
    remaining = length - len(data)
    while data and remaining > 0:
        try:
            data = raw.read(_PIECE if remaining > _PIECE else remaining)
        except Exception as e:
            raise _client_error(e)  # noqa: B904 (chained as LimitedStream's)
        pieces.append(data)
        remaining -= len(data)
    if not data:
        raise ClientDisconnected()
    return b"".join(pieces)


def _client_error(error: Exception) -> Exception:
    """What ``ClientBody(LimitedStream(...)).read()`` raises when the
    server's input raises ``error``: LimitedStream's ``ClientDisconnected``
    for ``OSError``/``ValueError``, an HTTP error as it is, else
    ``ClientBody``'s 400 (the input's error as its cause)."""
    if isinstance(error, (OSError, ValueError)):
        return ClientDisconnected()
    if isinstance(error, HTTPException):
        return error
    bad = unreadable_body(error)
    bad.__cause__ = error
    return bad


def spent_stream(body: bytes) -> ClientBody:
    """``request.stream`` after the short road read ``body``: what it is
    after Werkzeug's parse, the body's ``LimitedStream`` read to its end."""
    stream = LimitedStream(BytesIO(body), len(body))
    stream.exhaust()
    return ClientBody(t.cast("t.IO[bytes]", stream))


#: Request class -> whether its ``query_string`` is minflask's, computed
#: from the environ's ``QUERY_STRING`` on first read (see ``query_args``).
_environ_query: Memo[type, bool] = Memo(256)


def _query_from_environ(cls: type) -> bool:
    from ..wrappers import Request as ours

    for klass in cls.__mro__:
        if "query_string" in vars(klass):
            return vars(klass)["query_string"] is vars(ours)["query_string"]
    return False
