"""Build and send a plain response without Werkzeug's generic steps.

Most views return a str (or a dict turned into JSON bytes): a one-chunk
body, the default headers and a status code. For those, Werkzeug's
constructor builds a ``Headers`` object and validates two values, and its
``__call__`` copies the headers, checks them for ``Location``, a body-less
status and a missing ``Content-Length``, then wraps the body in a closing
iterator. None of that changes anything for such a response, so
:func:`build_plain` only records the two header values and :func:`send`
hands them and the body to the server. Both work from public data (the
response's ``status``, ``headers``, ``response`` and minflask's own
close callbacks); anything else goes to Werkzeug's own code, so the status
line, headers and body are byte for byte the same either way.

Without this module, :class:`minflask.wrappers.Response` is Werkzeug's
response plus minflask's defaults.
"""

from __future__ import annotations

import typing as t

from werkzeug.utils import get_content_type
from werkzeug.wrappers import Response as _WerkzeugResponse

from .memo import Memo

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..wrappers import Response

#: ``(mimetype, code) -> (Content-Type header or None, status line)``: what
#: Werkzeug's constructor computes for them, per response classes' defaults
#: and views' status codes.
_heads: Memo[tuple[str | None, int], tuple[tuple[str, str] | None, str]] = Memo(512)


def _head(mimetype: str | None, code: int) -> tuple[tuple[str, str] | None, str]:
    from ..wrappers import status_line

    content_type = None
    if mimetype is not None:
        content_type = ("Content-Type", get_content_type(mimetype, "utf-8"))
    return _heads.keep((mimetype, code), (content_type, status_line(code)[0]))


def build_plain(
    response: Response, body: str | bytes, status: int | None, mimetype: str | None
) -> None:
    """Set ``response`` up as Werkzeug's constructor would for a str/bytes
    body, default headers and an int (or no) status, recording the
    Content-Type and Content-Length values instead of building headers."""
    code = response.default_status if status is None else status
    key = (response.default_mimetype if mimetype is None else mimetype, code)
    head = _heads.get(key) or _head(*key)
    content_type, response._status_line_value = head
    response._status_code_value = code
    response.direct_passthrough = False
    response._built_plain = True
    data: bytes = body.encode() if type(body) is str else body  # type: ignore[assignment]
    response.response = [data]
    if response.automatically_set_content_length:
        length = ("Content-Length", str(len(data)))
        response._recorded = (
            (length,) if content_type is None else (content_type, length)
        )
    elif content_type is not None:
        response._recorded = (content_type,)


#: ``(mimetype, code) -> (Content-Type header or None, status line)`` for
#: :func:`answer`, or None for a code whose response has no body.
_answers: Memo[tuple[str | None, int], tuple[tuple[str, str] | None, str] | None] = (
    Memo(512)
)


def _answer_head(
    mimetype: str | None, code: int
) -> tuple[tuple[str, str] | None, str] | None:
    head = None if code < 200 or code == 204 or code == 304 else _head(mimetype, code)
    return _answers.keep((mimetype, code), head)


def answer(
    cls: type[Response],
    body: str,
    mimetype: str | None,
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> list[bytes] | None:
    """What ``Response(body, mimetype=mimetype)(environ, start_response)``
    sends, for ``cls``, minflask's own :class:`~minflask.wrappers.Response`,
    with its default status, without making the response object; None (and
    nothing sent) where that response would not go out plainly: a HEAD
    request or a default status without a body."""
    if environ.get("REQUEST_METHOD") == "HEAD":
        return None
    key = (cls.default_mimetype if mimetype is None else mimetype, cls.default_status)
    head: t.Any = _answers.get(key, False)
    if head is False:
        head = _answer_head(*key)
    if head is None:
        return None
    content_type, status = head
    data = body.encode()
    if cls.automatically_set_content_length:
        length = ("Content-Length", str(len(data)))
        headers = [length] if content_type is None else [content_type, length]
    else:
        headers = [] if content_type is None else [content_type]
    start_response(status, headers)
    return [data]


def send(
    response: Response, environ: WSGIEnvironment, start_response: StartResponse
) -> t.Iterable[bytes]:
    """``Response.__call__``: send the response as Werkzeug would, in one
    pass when its own processing would change nothing."""
    # The status as recorded by minflask's Response (a Werkzeug response
    # given this class has none: Werkzeug's road then).
    code = response.__dict__.get("_status_code_value")
    if (
        code is None
        or not response._fast
        or code < 200
        or code == 204
        or code == 304
        or environ.get("REQUEST_METHOD") == "HEAD"
        or response.direct_passthrough
        or response._closers
    ):
        return _WerkzeugResponse.__call__(response, environ, start_response)
    body = response.response
    if "headers" not in response.__dict__ and response._built_plain:
        # Pristine: the recorded values are all the headers there are.
        wsgi_headers = list(response._recorded)
        if not response.automatically_set_content_length and type(body) is not list:
            return _WerkzeugResponse.__call__(response, environ, start_response)
    else:
        wsgi_headers = response.headers.to_wsgi_list()
        if not _sendable(response, wsgi_headers):
            return _WerkzeugResponse.__call__(response, environ, start_response)
    status = response.__dict__["_status_line_value"]
    if type(body) is list and len(body) == 1 and type(body[0]) is bytes:
        start_response(status, wsgi_headers)
        return body
    if hasattr(body, "close"):
        app_iter = response.get_app_iter(environ)
    else:
        # Closing the response would do nothing, so Werkzeug's wrapper
        # that closes it after the body is sent is left out.
        app_iter = response.iter_encoded()
    start_response(status, wsgi_headers)
    return app_iter


def _sendable(response: Response, wsgi_headers: list[tuple[str, str]]) -> bool:
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
        or not response.automatically_set_content_length
        or not response.is_sequence
    )
