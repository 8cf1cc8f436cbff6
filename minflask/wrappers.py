"""Request and Response: Werkzeug's wrappers plus what routing and config add.

The request learns its URL rule and view arguments from the request context
when the URL is matched; the limits on body size come from the app's config,
read only when a body is actually parsed.
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from werkzeug.datastructures import (
    EnvironHeaders,
    FileStorage,
    Headers,
    ImmutableMultiDict,
    MultiDict,
)
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse
from werkzeug.wsgi import get_input_stream

from . import json
from ._request_body import ClientBody
from .globals import _app_ctx_stack

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Rule


try:
    from ._speedups.forms import SPENT_BODY as _SPENT_BODY
    from ._speedups.forms import load_urlencoded_form as _load_urlencoded_form
    from ._speedups.forms import query_args as _query_args
    from ._speedups.forms import shortcut_first as _shortcut_first
    from ._speedups.forms import spent_stream as _spent_stream
    from ._speedups.forms import stored_property as _stored_property
    from ._speedups.forms import urlencoded_form as _urlencoded_form
except ImportError:  # the plain road: Werkzeug's parsers and cached_property
    _SPENT_BODY = "_urlencoded_body"  # never set without the shortcuts
    _load_urlencoded_form = None  # type: ignore[assignment]
    _query_args = cached_property  # type: ignore[assignment,misc]
    _spent_stream = None  # type: ignore[assignment]
    _stored_property = cached_property  # type: ignore[assignment,misc]
    _urlencoded_form = None  # type: ignore[assignment]

    def _shortcut_first(shortcut: t.Any) -> t.Any:  # type: ignore[misc]
        return cached_property


def _config_value(key: str, default: t.Any = None) -> t.Any:
    """A config value of the active app, or ``default`` with no app context."""
    ctx = _app_ctx_stack.top
    return default if ctx is None else ctx.app.config[key]


class _EnvironHeadersOnAccess:
    """``Request.headers``: Werkzeug's ``EnvironHeaders`` view of the
    environ, made on first access and then stored on the request (where
    later lookups find it directly). Most requests never read a header
    through it, and making the view is a good part of a request object's
    cost."""

    def __get__(self, obj: Request | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        headers = obj.__dict__["headers"] = EnvironHeaders(obj.environ)
        return headers


def _wsgi_text(value: str) -> str:
    """A WSGI string as text: latin-1 carries the bytes, which are UTF-8."""
    if value.isascii():
        return value
    return value.encode("latin1").decode(errors="replace")


def _server(environ: WSGIEnvironment) -> tuple[str, int | None] | None:
    server_name = environ.get("SERVER_NAME")
    if server_name is None:
        return None
    try:
        port: int | None = int(environ.get("SERVER_PORT"))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # a unix socket
        port = None
    return (server_name, port)


def _scheme(environ: WSGIEnvironment) -> str:
    return environ.get("wsgi.url_scheme", "http")  # type: ignore[no-any-return]


def _root_path(environ: WSGIEnvironment) -> str:
    return _wsgi_text(environ.get("SCRIPT_NAME") or "").rstrip("/")


def _path(environ: WSGIEnvironment) -> str:
    return "/" + _wsgi_text(environ.get("PATH_INFO") or "").lstrip("/")


def _query_string(environ: WSGIEnvironment) -> bytes:
    return environ.get("QUERY_STRING", "").encode("latin1")  # type: ignore[no-any-return]


def _remote_addr(environ: WSGIEnvironment) -> str | None:
    return environ.get("REMOTE_ADDR")


class _FromEnviron:
    """One of the attributes Werkzeug's constructor sets from the environ
    (``path``, ``scheme`` ...), computed the same way on first read and
    stored on the request; an assignment stores the new value directly.
    Most requests read few of them, and computing all of them was most
    of a request object's cost."""

    def __init__(self, compute: t.Callable[[WSGIEnvironment], t.Any]) -> None:
        self.compute = compute
        self.name = compute.__name__.lstrip("_")

    def __get__(self, obj: Request | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj.environ)
        return value


class Request(_WerkzeugRequest):
    """The request object used by default in minflask.

    ``url_rule``, ``view_args`` and ``routing_exception`` are filled in by
    the request context when the URL is matched.
    """

    #: ``minflask.json`` (the current app's provider); the request context
    #: sets the app's provider itself on each request it creates.
    json_module: t.Any = json

    #: The matched rule, or None before matching or when matching failed.
    url_rule: Rule | None = None
    #: Arguments captured from the URL, or None if matching failed.
    view_args: dict[str, t.Any] | None = None
    #: The 404/405/redirect raised while matching, re-raised at dispatch.
    routing_exception: HTTPException | None = None

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    headers = _EnvironHeadersOnAccess()
    scheme = _FromEnviron(_scheme)
    server = _FromEnviron(_server)
    root_path = _FromEnviron(_root_path)
    path = _FromEnviron(_path)
    query_string = _FromEnviron(_query_string)
    remote_addr = _FromEnviron(_remote_addr)

    def __init__(
        self,
        environ: WSGIEnvironment,
        populate_request: bool = True,
        shallow: bool = False,
    ) -> None:
        """Werkzeug's constructor, with the attributes it computes from the
        environ (``path``, ``scheme``, ``server``, ``root_path``,
        ``query_string``, ``remote_addr`` and ``headers``) computed the
        same way on first read instead, as most requests read few of them.
        Only ``method`` is set here, as every request is routed by it.
        (tests/test_fast_paths.py compares the result with Werkzeug's.)"""
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.environ = environ
        self.shallow = shallow
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    @property
    def max_content_length(self) -> int | None:
        """Body size limit: set per request, else ``MAX_CONTENT_LENGTH``."""
        if self._max_content_length is not None:
            return self._max_content_length
        value: int | None = _config_value("MAX_CONTENT_LENGTH")
        return value

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """Limit for non-file form fields: per request, else config."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        value: int | None = _config_value(
            "MAX_FORM_MEMORY_SIZE", _WerkzeugRequest.max_form_memory_size
        )
        return value

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """Limit on multipart form parts: per request, else config."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        value: int | None = _config_value(
            "MAX_FORM_PARTS", _WerkzeugRequest.max_form_parts
        )
        return value

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule, or None."""
        rule = self.url_rule
        return None if rule is None else rule.endpoint

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint that owns the endpoint, or None."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and its parents, innermost first."""
        return list(self._scope_order[:0:-1])  # type: ignore[arg-type]

    @property
    def _scope_order(self) -> tuple[str | None, ...]:
        """:func:`scope_order` of the matched endpoint: the app, then its
        blueprints from the outermost in."""
        rule = self.url_rule
        return scope_order(None if rule is None else rule.endpoint)

    @_stored_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The cookies sent with the request. Read from the environ's
        ``HTTP_COOKIE``, where a WSGI server puts them, rather than by
        Werkzeug's walk through every header to collect ``Cookie`` ones."""
        headers = self.__dict__.get("headers")
        if headers is not None and (
            type(headers) is not EnvironHeaders or headers.environ is not self.environ
        ):
            return super().cookies
        return parse_cookie(  # type: ignore[return-value]
            self.environ.get("HTTP_COOKIE", ""), cls=self.dict_storage_class
        )

    @_query_args
    def args(self) -> MultiDict[str, str]:
        """Werkzeug's ``args``: the parsed query string (split by
        :class:`minflask._speedups.forms.query_args` when the shortcuts are
        there)."""
        return super().args

    @_shortcut_first(_urlencoded_form)
    def form(self) -> ImmutableMultiDict[str, str]:
        """Werkzeug's ``form``: the parsed form fields of the body (an
        urlencoded one parsed by
        :func:`minflask._speedups.forms.urlencoded_form` when the shortcuts
        are there)."""
        self._load_form_data()
        return self.form

    @_stored_property
    def files(self) -> ImmutableMultiDict[str, FileStorage]:
        """Werkzeug's ``files``: the uploaded files of a multipart body,
        empty for any other. The urlencoded shortcut leaves it to be made
        here, on first access."""
        self._load_form_data()
        files = self.__dict__.get("files")
        if files is None:
            files = self.parameter_storage_class()
        return files  # type: ignore[return-value]

    def close(self) -> None:
        """Close the uploaded files, if the body was parsed for any (most
        requests never parse one, and this runs after every request)."""
        if self.__dict__.get("files"):
            super().close()

    def _load_form_data(self) -> None:
        """Parse the body once; in debug mode, also make a missing file that
        was sent as a plain form field explain the missing enctype."""
        parsed_before = "form" in self.__dict__
        if (
            parsed_before
            or _load_urlencoded_form is None
            or not _load_urlencoded_form(self)
        ):
            super()._load_form_data()
        if (
            not parsed_before
            and _config_value("DEBUG")
            and self.mimetype != "multipart/form-data"
        ):
            from .debughelpers import explain_missing_files

            explain_missing_files(self)

    @_stored_property
    def stream(self) -> t.IO[bytes]:
        """Werkzeug's guarded input stream, wrapped in
        :class:`~minflask._request_body.ClientBody`: a body that breaks
        while it is read (a malformed chunked body, a dropped connection)
        is the client's fault and a 400, for ``data``, ``form`` and JSON
        alike."""
        if self.shallow:
            raise RuntimeError(
                "This request was created with 'shallow=True': reading from the"
                " input stream is disabled."
            )
        if _spent_stream is not None and _SPENT_BODY in self.__dict__:
            # The form shortcut read the body: the stream is at its end.
            return _spent_stream(self.__dict__[_SPENT_BODY])  # type: ignore[return-value]
        raw = get_input_stream(self.environ, max_content_length=self.max_content_length)
        return ClientBody(raw)  # type: ignore[return-value]

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> t.Any | None:
        """Werkzeug's :meth:`~werkzeug.wrappers.Request.get_json`, plus: a
        body nested too deeply for the parser (which raises
        :exc:`RecursionError`, not :exc:`ValueError`) is malformed JSON
        too, so it reaches :meth:`on_json_loading_failed` (a 400), and
        ``silent=True`` gives ``None``."""
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            # The body is not cached as parsed: a later call fails the same way.
            if silent:
                return None
            return self.on_json_loading_failed(
                ValueError("The JSON body is nested too deeply to parse.")
            )

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Raise the 400 for a malformed JSON body. The description says the
        body is not valid JSON; the parser's own message (line, column) is
        added only in debug mode, so it is not sent to clients otherwise."""
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as detailed:
            ctx = _app_ctx_stack.top
            if ctx is not None and ctx.app.debug:
                raise
            raise BadRequest(
                "The request body could not be parsed: it is not valid JSON."
            ) from detailed


#: Endpoint -> the scopes of its hooks (see :func:`scope_order`). Keys
#: are the app's endpoints; the bound only guards against unusual callers.
_scope_orders: dict[str | None, tuple[str | None, ...]] = {}


def scope_order(endpoint: str | None) -> tuple[str | None, ...]:
    """The scopes whose hooks, handlers and processors apply to
    ``endpoint``, outermost first: the app (``None``), then each blueprint
    from the outermost down to the one that owns the endpoint.
    ``"a.b.view"`` -> ``(None, "a", "a.b")``.

    This is the one place the order is decided: steps that run from the
    inside out (after_request, teardown, error handlers) walk it backwards.
    """
    order = _scope_orders.get(endpoint)
    if order is None:
        order = (None,)
        if endpoint is not None and "." in endpoint:
            parts = endpoint.split(".")[:-1]
            order += tuple(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        # The shortcuts' rule (minflask._speedups.memo): start over when full.
        if len(_scope_orders) >= 4096:
            _scope_orders.clear()
        _scope_orders[endpoint] = order
    return order


def status_line(value: str | int | HTTPStatus) -> tuple[str, int]:
    """``(status line, code)`` for a status given as a code, an
    ``HTTPStatus`` or a line, as Werkzeug's ``Response.status`` setter
    makes them: a bare code gets its reason phrase in capitals (``UNKNOWN``
    if it has none), a line without a number gets code 0, and an empty one
    is a ValueError."""
    if isinstance(value, (int, HTTPStatus)):
        code = int(value)
    else:
        value = value.strip()
        if not value:
            raise ValueError("Empty status argument")
        number, space, _ = value.partition(" ")
        try:
            code = int(number)
        except ValueError:
            return f"0 {value}", 0
        if space:
            return value, code
    reason = HTTP_STATUS_CODES.get(code)
    return f"{code} {'UNKNOWN' if reason is None else reason.upper()}", code


class _HeadersOnAccess:
    """``Response.headers`` of a response that only recorded its header
    values (see :mod:`minflask._speedups.response`): a ``Headers`` made
    from them on first access and stored in the instance dict, where later
    look-ups and assignments go directly. While ``headers`` is not in the
    instance dict, such a response is *pristine* and may be sent from the
    recorded values."""

    def __get__(self, obj: Response | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        # add() pair by pair: what Headers(pairs) ends up doing, without
        # its generic walk over a mapping-or-iterable (half the cost).
        headers = obj.__dict__["headers"] = Headers()
        for key, value in obj._recorded:
            headers.add(key, value)
        return headers


class Response(_WerkzeugResponse):
    """The response object used by default: HTML unless told otherwise.

    Werkzeug's response, with three pieces of state kept here rather than in
    Werkzeug's private attributes, so the request path's shortcuts
    (:mod:`minflask._speedups.response`) can build and send a plain response
    from public data: the status (:func:`status_line`), the ``call_on_close``
    callbacks, and headers that may be only recorded until first read.
    """

    default_mimetype: str | None = "text/html"
    autocorrect_location_header = False
    #: ``minflask.json``, so ``response.json`` uses the current app's provider.
    json_module: t.Any = json

    headers = _HeadersOnAccess()
    #: The header values recorded by the shortcuts, until ``headers`` is made.
    _recorded: tuple[tuple[str, str], ...] = ()
    #: Functions added by :meth:`call_on_close`.
    _closers: tuple[t.Callable[[], t.Any], ...] = ()
    #: Built by the shortcut, which does not run Werkzeug's constructor.
    _built_plain = False

    #: Whether this class may be built and sent by the shortcuts: false for
    #: subclasses that override a step they skip.
    _fast = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        base = Response
        cls._fast = all(
            getattr(cls, name) is getattr(base, name)
            for name in (
                "headers",
                "status",
                "status_code",
                "set_data",
                "get_wsgi_headers",
                "get_app_iter",
                "get_wsgi_response",
                "iter_encoded",
                "call_on_close",
                "close",
            )
        )

    def __init__(
        self,
        response: t.Iterable[bytes] | bytes | t.Iterable[str] | str | None = None,
        status: int | str | HTTPStatus | None = None,
        headers: t.Mapping[str, str | t.Iterable[str]]
        | t.Iterable[tuple[str, str]]
        | None = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        body_type = type(response)
        if (
            _build_plain is not None
            and (body_type is str or body_type is bytes)
            and headers is None
            and content_type is None
            and not direct_passthrough
            and self._fast
            and (status is None or type(status) is int)
        ):
            _build_plain(self, response, status, mimetype)  # type: ignore[arg-type]
        else:
            super().__init__(
                response, status, headers, mimetype, content_type, direct_passthrough
            )

    @property
    def status_code(self) -> int:
        """The HTTP status code as a number."""
        try:
            return self._status_code_value
        except AttributeError:  # a Werkzeug response given this class
            return super().status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self.status = code

    @property
    def status(self) -> str:
        """The HTTP status line, such as ``"200 OK"``."""
        try:
            return self._status_line_value
        except AttributeError:  # a Werkzeug response given this class
            return super().status

    @status.setter
    def status(self, value: str | int | HTTPStatus) -> None:
        self._status_line_value, self._status_code_value = status_line(value)

    _status_line_value: str
    _status_code_value: int

    def call_on_close(self, func: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Call ``func`` when the response is closed; returns ``func``."""
        self._closers = (*self._closers, func)
        return func

    def close(self) -> None:
        """Close the body if it can be closed, then run the ``call_on_close``
        functions (those of a Werkzeug response given this class too)."""
        if not self._built_plain:
            super().close()
        elif hasattr(self.response, "close"):
            self.response.close()
        for func in self._closers:
            func()

    @property
    def _content_type(self) -> str | None:
        """The Content-Type, read without building recorded headers."""
        if self._built_plain and "headers" not in self.__dict__:
            for key, value in self._recorded:
                if key == "Content-Type":
                    return value
            return None
        found: str | None = self.headers.get("Content-Type")
        return found

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """``MAX_COOKIE_SIZE`` of the active app, else Werkzeug's default."""
        value = _config_value("MAX_COOKIE_SIZE")
        if value is None:
            return super().max_cookie_size
        return int(value)


try:
    from ._speedups.response import build_plain as _build_plain
    from ._speedups.response import send as _send
except ImportError:  # the plain road: Werkzeug's constructor and __call__
    _build_plain = None  # type: ignore[assignment]
else:
    Response.__call__ = _send  # type: ignore[method-assign,assignment]
