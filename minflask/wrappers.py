"""Request and Response: Werkzeug's wrappers plus what routing and config add.

The request learns its URL rule and view arguments from the request context
when the URL is matched; the limits on body size come from the app's config,
read only when a body is actually parsed.
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from werkzeug.datastructures import EnvironHeaders, Headers, ImmutableMultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property, get_content_type
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse
from werkzeug.wsgi import get_input_stream

from . import json
from ._forms import load_urlencoded_form
from ._request_body import ClientBody
from .globals import _app_ctx_stack

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from werkzeug.routing import Rule


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

    def __init__(
        self,
        environ: WSGIEnvironment,
        populate_request: bool = True,
        shallow: bool = False,
    ) -> None:
        """Werkzeug's constructor written out: the same attributes from the
        same environ values, without its keyword hand-off to the sans-IO
        base and four helper calls, as this runs for every request.
        (tests/test_fast_paths.py compares the result with Werkzeug's.)"""
        get = environ.get
        self.method = get("REQUEST_METHOD", "GET").upper()
        self.scheme = get("wsgi.url_scheme", "http")
        server_name = get("SERVER_NAME")
        if server_name is None:
            self.server = None
        else:
            try:
                port: int | None = int(get("SERVER_PORT"))  # type: ignore[arg-type]
            except (TypeError, ValueError):  # a unix socket
                port = None
            self.server = (server_name, port)
        # WSGI strings carry bytes as latin-1; non-ASCII ones are UTF-8 text.
        root_path = get("SCRIPT_NAME") or ""
        if not root_path.isascii():
            root_path = root_path.encode("latin1").decode(errors="replace")
        self.root_path = root_path.rstrip("/")
        path = get("PATH_INFO") or ""
        if not path.isascii():
            path = path.encode("latin1").decode(errors="replace")
        self.path = "/" + path.lstrip("/")
        self.query_string = get("QUERY_STRING", "").encode("latin1")
        # ``headers`` (a live view of the environ) is made on first use.
        self.remote_addr = get("REMOTE_ADDR")
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
        name = self.blueprint
        if name is None:
            return []
        return _blueprint_chain(name)

    @cached_property
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

    def close(self) -> None:
        """Close the uploaded files, if the body was parsed for any (most
        requests never parse one, and this runs after every request)."""
        if "files" in self.__dict__:
            super().close()

    def _load_form_data(self) -> None:
        """Parse the body once; in debug mode, also make a missing file that
        was sent as a plain form field explain the missing enctype."""
        parsed_before = "form" in self.__dict__
        if parsed_before or not load_urlencoded_form(self):
            super()._load_form_data()
        if (
            not parsed_before
            and _config_value("DEBUG")
            and self.mimetype != "multipart/form-data"
        ):
            from .debughelpers import explain_missing_files

            explain_missing_files(self)

    @cached_property
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


#: Blueprint name -> its chain, computed once per name. Names come from
#: the app's endpoints; the bound only guards against unusual callers.
_blueprint_chains: dict[str, tuple[str, ...]] = {}


def _blueprint_chain(name: str) -> list[str]:
    """``"a.b.c"`` -> ``["a.b.c", "a.b", "a"]``."""
    chain = _blueprint_chains.get(name)
    if chain is None:
        parts = name.split(".")
        chain = tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))
        if len(_blueprint_chains) < 1024:
            _blueprint_chains[name] = chain
    return list(chain)


#: ``code -> status line`` ("200 OK"), as Werkzeug's status setter makes it.
_status_lines: dict[int, str] = {}

#: ``(mimetype, status code) -> (Content-Type header or None, status line)``
#: for the fast path: what Werkzeug's constructor would compute for them.
_plain_heads: dict[tuple[str | None, int], tuple[tuple[str, str] | None, str]] = {}


def _response_from_parts(
    cls: type[Response], body: t.Iterable[bytes], code: int, headers: Headers
) -> Response:
    """A ``cls`` response in the state ``Response.force_type`` leaves one it
    makes from a WSGI app's output: built by Werkzeug's base constructor
    from a body iterable, a status code and headers that have a content
    type, then given class ``cls`` (so no ``cls.__init__`` runs). Set up
    directly: for such arguments the constructor only assigns them."""
    rv = object.__new__(cls)
    rv.headers = headers
    _set_status(rv, code)
    rv.direct_passthrough = False
    rv._on_close = []
    rv.response = body
    return rv


def _set_status(response: Response, code: int) -> None:
    """``response.status = code`` as Werkzeug's setter does it, with each
    code's status line computed once."""
    line = _status_lines.get(code)
    if line is None:
        _WerkzeugResponse.status.fset(response, code)  # type: ignore[attr-defined]
        if 100 <= code < 600:
            _status_lines[code] = response._status
    else:
        response._status = line
        response._status_code = code


def _plain_head(mimetype: str | None, code: int) -> tuple[tuple[str, str] | None, str]:
    """The Content-Type header and status line Werkzeug's constructor gives a
    response with this mimetype and status code; kept for the next one."""
    content_type = None
    if mimetype is not None:
        content_type = ("Content-Type", get_content_type(mimetype, "utf-8"))
    probe = _WerkzeugResponse.__new__(_WerkzeugResponse)
    _set_status(probe, code)  # type: ignore[arg-type]
    head = (content_type, probe._status)
    if len(_plain_heads) < 256:
        _plain_heads[(mimetype, code)] = head
    return head


def _headers_from(pairs: t.Iterable[tuple[str, str]]) -> Headers:
    """``Headers(pairs)``: the same items, validated by ``Headers.add`` the
    same way, without ``extend``'s checks for mappings and multidicts."""
    headers = Headers()
    add = headers.add
    for key, value in pairs:
        add(key, value)
    return headers


class _HeadersOnAccess:
    """``Response.headers``, kept in the instance dict as usual, but made
    on first access for a response built by the fast path, which only
    records its two header values. Reading or assigning it marks the
    response as no longer *pristine*: only a pristine response is sent
    from the recorded values (see :meth:`Response.__call__`)."""

    def __get__(self, obj: Response | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        obj._pristine = False
        instance_vars = obj.__dict__
        headers = instance_vars.get("headers")
        if headers is None:
            headers = instance_vars["headers"] = Headers()
            # Filled in directly: the values were made by the fast path, so
            # Headers' per-item validation has nothing to check.
            headers._list.extend(obj._recorded)
        return headers

    def __set__(self, obj: Response, value: t.Any) -> None:
        obj._pristine = False
        obj.__dict__["headers"] = value


class Response(_WerkzeugResponse):
    """The response object used by default: HTML unless told otherwise.

    Most responses are a text or bytes body with the default headers. For
    those, construction skips Werkzeug's generic header handling and
    :meth:`__call__` sends them straight to the server; anything else (or a
    subclass that overrides the steps involved) takes Werkzeug's path, so
    the status, headers and body are the same either way.
    """

    default_mimetype: str | None = "text/html"
    autocorrect_location_header = False
    #: ``minflask.json``, so ``response.json`` uses the current app's provider.
    json_module: t.Any = json

    headers = _HeadersOnAccess()
    #: Set by the fast path: the response still has exactly the headers it
    #: recorded (``_recorded``) and nothing has read or replaced them.
    _pristine = False
    _recorded: tuple[tuple[str, str], ...] = ()

    #: Whether this class builds and sends plain responses by the fast path:
    #: false for subclasses that override a step it skips.
    _fast = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        base = Response
        cls._fast = all(
            getattr(cls, name) is getattr(base, name)
            for name in (
                "headers",
                "status",
                "_clean_status",
                "set_data",
                "get_wsgi_headers",
                "get_app_iter",
                "get_wsgi_response",
                "iter_encoded",
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
            (body_type is str or body_type is bytes)
            and headers is None
            and content_type is None
            and not direct_passthrough
            and self._fast
            and self.automatically_set_content_length
            and (status is None or type(status) is int)
        ):
            self._init_plain(response, status, mimetype)  # type: ignore[arg-type]
        else:
            super().__init__(
                response, status, headers, mimetype, content_type, direct_passthrough
            )

    def _init_plain(
        self, body: str | bytes, status: int | None, mimetype: str | None
    ) -> None:
        """What Werkzeug's constructor does for a str/bytes body, default
        headers and an int status, with the header values only recorded."""
        key = (
            self.default_mimetype if mimetype is None else mimetype,
            self.default_status if status is None else status,
        )
        head = _plain_heads.get(key)
        if head is None:
            head = _plain_head(*key)
        content_type, self._status = head
        self._status_code = key[1]
        self.direct_passthrough = False
        self._on_close = []
        data = body.encode() if type(body) is str else t.cast(bytes, body)
        self.response = [data]
        length = ("Content-Length", str(len(data)))
        self._recorded = (length,) if content_type is None else (content_type, length)
        self._pristine = True

    @property
    def _content_type(self) -> str | None:
        """The recorded Content-Type of a fast-path response (for peeking
        without building the headers)."""
        for key, value in self._recorded:
            if key == "Content-Type":
                return value
        return None

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Send the response as Werkzeug would, in one pass.

        Werkzeug copies the headers and checks them for ``Location``,
        ``Content-Location``, a status without a body and a missing
        ``Content-Length``; when none of those applies (nearly always) the
        copy equals the original, so it is skipped. A pristine fast-path
        response needs none of the checks: its headers are the two it
        recorded. A one-chunk body goes out as the list it is.
        """
        code = self._status_code
        body = self.response
        if (
            self._pristine
            and code >= 200
            and code != 204
            and code != 304
            and type(body) is list
            and len(body) == 1
            and type(body[0]) is bytes
            and not self._on_close
            and not self.direct_passthrough
            and environ.get("REQUEST_METHOD") != "HEAD"
        ):
            start_response(self._status, list(self._recorded))
            return body
        if (
            not self._fast
            or code < 200
            or code == 204
            or code == 304
            or environ.get("REQUEST_METHOD") == "HEAD"
        ):
            return super().__call__(environ, start_response)
        if self._pristine:
            wsgi_headers = list(self._recorded)
        else:
            wsgi_headers = self.headers.to_wsgi_list()
            if not self._headers_sendable(wsgi_headers):
                return super().__call__(environ, start_response)
        if (
            type(body) is list
            and len(body) == 1
            and type(body[0]) is bytes
            and not self._on_close
            and not self.direct_passthrough
        ):
            start_response(self._status, wsgi_headers)
            return body
        app_iter: t.Iterable[bytes]
        if self.direct_passthrough or self._on_close or hasattr(body, "close"):
            app_iter = self.get_app_iter(environ)
        else:
            # Closing the response would do nothing, so Werkzeug's wrapper
            # that closes it after the body is sent is left out.
            app_iter = self.iter_encoded()
        start_response(self._status, wsgi_headers)
        return app_iter

    def _headers_sendable(self, wsgi_headers: list[tuple[str, str]]) -> bool:
        """Whether Werkzeug's ``get_wsgi_headers`` would send these headers
        unchanged (the status is known to carry a body)."""
        has_length = False
        for key, _ in wsgi_headers:
            key = key.lower()
            if key == "content-length":
                has_length = True
            elif key == "location" or key == "content-location":
                return False
        return (
            has_length
            or not self.automatically_set_content_length
            or not self.is_sequence
        )

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """``MAX_COOKIE_SIZE`` of the active app, else Werkzeug's default."""
        value = _config_value("MAX_COOKIE_SIZE")
        if value is None:
            return super().max_cookie_size
        return int(value)
