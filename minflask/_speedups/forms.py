"""A shorter road to ``request.form`` for urlencoded bodies.

Werkzeug reads every form body through a generic parser object: it builds
the parser, dispatches on the mimetype and hands the body to
:func:`urllib.parse.parse_qsl`. For ``application/x-www-form-urlencoded``,
what browsers send for ordinary forms, all of that comes down to reading
the body, decoding it as UTF-8 and splitting it into pairs.
:func:`load_urlencoded_form` does only that, with the same results: the
same bytes (``request.get_data(cache=False)``: the data an earlier
``get_data()`` cached, else the limited ``request.stream``), the same pairs (``+`` as space, ``%XX`` decoded, invalid UTF-8
escapes kept percent-encoded), an empty form when the body is not UTF-8, and
Werkzeug's 413/400 errors from the stream itself.

Without this module, every form body goes through Werkzeug's parser.
"""

from __future__ import annotations

import typing as t
from urllib.parse import unquote

# Registers the "werkzeug.url_quote" codec error handler used below.
import werkzeug.urls  # noqa: F401
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wsgi import LimitedStream

from .._request_body import ClientBody
from .memo import Memo

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.datastructures import MultiDict

__all__ = ["load_urlencoded_form", "parse_urlencoded", "stored_property"]

_T = t.TypeVar("_T")

_URLENCODED = "application/x-www-form-urlencoded"

#: Request class -> whether it parses forms as Werkzeug's own does (nothing
#: on the way overridden), so the short road gives the same result.
_standard_parsing: Memo[type, int] = Memo(256)

#: ``_parses_like_werkzeug``'s answer for a class that also reads the body
#: through minflask's ``Request.stream``.
_OUR_STREAM = 2


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


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """Split urlencoded ``text`` into ``(name, value)`` pairs as
    ``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``
    does, calling :func:`~urllib.parse.unquote` only for escaped parts."""
    pairs = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "%" in name:
            name = unquote(name, "utf-8", "werkzeug.url_quote")
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = unquote(value, "utf-8", "werkzeug.url_quote")
        pairs.append((name, value))
    return pairs


def load_urlencoded_form(request: _WerkzeugRequest) -> bool:
    """Parse ``request``'s urlencoded body into ``form`` and ``files`` as
    Werkzeug's form loading would.

    Returns ``False``, having done nothing, for any other body, or when the
    request's class changes how forms are parsed; the caller then takes
    Werkzeug's road.
    """
    content_type = request.environ.get("CONTENT_TYPE")
    if not content_type or (
        content_type != _URLENCODED and request.mimetype != _URLENCODED
    ):
        return False
    cls = type(request)
    standard = _standard_parsing.get(cls)
    if standard is None:
        standard = _standard_parsing.keep(cls, _parses_like_werkzeug(cls))
    if not standard:
        return False

    storage: type[MultiDict[str, t.Any]] = request.parameter_storage_class
    if standard is _OUR_STREAM and "stream" not in request.__dict__:
        data = _read_sized_body(request)
    else:
        data = request.get_data(cache=False)
    try:
        form = storage(parse_urlencoded(data.decode()))
        files = storage()
    except ValueError:  # e.g. a body that is not UTF-8: no form, as Werkzeug
        form, files = storage(), storage()
    request.__dict__.update(form=form, files=files)
    return True


def _parses_like_werkzeug(cls: type) -> int:
    """Whether ``cls`` reaches the urlencoded parser the way Werkzeug's
    ``Request`` does: 0 if not, ``_OUR_STREAM`` if it also reads the body
    through minflask's own ``Request.stream``, 1 otherwise."""
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
    return _OUR_STREAM if cls.stream is ours.stream else 1  # type: ignore[attr-defined]


#: Werkzeug's LimitedStream reads a sized body in pieces of this size.
_PIECE = 64 * 1024


def _read_sized_body(request: _WerkzeugRequest) -> bytes:
    """``request.get_data(cache=False)`` for a request whose ``stream``
    (minflask's) was never made: for a plain Content-Length body, the
    stream is made as that property makes it (the 413 check first) and
    read in the pieces ``LimitedStream.readall`` reads, so the server's
    input sees the same reads and every error is the same. The request
    keeps the exhausted stream, as after ``get_data``."""
    environ = request.environ
    size = environ.get("CONTENT_LENGTH")
    if (
        request.shallow
        or not size
        or not size.isdigit()
        or not size.isascii()
        or "HTTP_TRANSFER_ENCODING" in environ
        or "wsgi.input_terminated" in environ
    ):
        return request.get_data(cache=False)
    raw = environ["wsgi.input"]
    length = int(size)
    limit = request.max_content_length
    if limit is not None and length > limit:
        raise RequestEntityTooLarge()
    body = ClientBody(t.cast("t.IO[bytes]", LimitedStream(raw, length)))
    request.__dict__["stream"] = body
    if length <= _PIECE:
        data = body.read(length)
        if len(data) == length:
            return data
    else:
        data = b""
    pieces = [data]
    remaining = length - len(data)
    while remaining:
        piece = body.read(min(remaining, _PIECE))
        pieces.append(piece)
        remaining -= len(piece)
    return b"".join(pieces)
