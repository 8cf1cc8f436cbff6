"""Werkzeug's stock error pages, rendered once instead of per request.

A 404 or 405 from routing becomes its response through Werkzeug: the
exception renders its HTML page, builds a response, and the response is
run through its WSGI processing and rebuilt as the app's response class
(what ``Response.force_type`` does). For an exception whose page comes from
Werkzeug's stock methods, the page depends only on its class, code and
description, and the processing changes nothing but adding the
Content-Length. :func:`stock_error_response` keeps each page once and makes
the same response directly; any other exception (or response class) gets
``None`` and goes Werkzeug's way.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException

from .memo import Memo

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..wrappers import Response

#: (class, code, description type, description) -> the encoded page and
#: its status line.
_pages: Memo[tuple[t.Any, ...], tuple[bytes, str]] = Memo(256)


def _stock_page(e: HTTPException) -> tuple[bytes, str] | None:
    cls = type(e)
    if (
        e.code is None
        or cls.get_body is not HTTPException.get_body
        or cls.get_description is not HTTPException.get_description
        or cls.name is not HTTPException.name
        or cls.get_response is not HTTPException.get_response
    ):
        return None
    description = e.description
    key = (cls, e.code, type(description), description)
    page = _pages.get(key)
    if page is None:
        from ..wrappers import status_line

        page = _pages.keep(key, (e.get_body().encode(), status_line(e.code)[0]))
    return page


def _plain_headers(headers: list[tuple[str, str]]) -> bool:
    """Whether Werkzeug's processing leaves these headers (plus a
    Content-Length) as they are: a content type, and nothing it rewrites."""
    has_type = False
    for key, _ in headers:
        key = key.lower()
        if key == "content-type":
            has_type = True
        elif key in ("location", "content-location", "content-length"):
            return False
    return has_type


def _stock_parts(
    cls: type[Response], e: HTTPException, environ: WSGIEnvironment
) -> tuple[bytes, str, list[tuple[str, str]]] | None:
    """The page, status line and headers (Content-Length still to add) of
    ``e``'s stock response as ``cls``; None when ``e`` or ``cls`` is not
    plain enough for them to be sent as they are."""
    if not cls._fast:
        return None
    page = _stock_page(e)
    if page is None:
        return None
    header_list = e.get_headers(environ, None)
    if not _plain_headers(header_list):
        return None
    return page[0], page[1], header_list


def stock_error_response(
    cls: type[Response], e: HTTPException, environ: WSGIEnvironment
) -> Response | None:
    """``cls.force_type(e.get_response(environ), environ)`` for a stock
    error page, in the state force_type leaves it (no ``cls.__init__``
    run); None when ``e`` or ``cls`` is not plain enough for that."""
    parts = _stock_parts(cls, e, environ)
    if parts is None:
        return None
    body, status, header_list = parts
    rv = cls.__new__(cls)
    # Recorded, as a plain response's are: the Headers object is made only
    # if something reads them (see minflask._speedups.response).
    rv._recorded = (*header_list, ("Content-Length", str(len(body))))
    rv._status_line_value, rv._status_code_value = status, e.code  # type: ignore[assignment]
    rv.direct_passthrough = False
    rv._built_plain = True
    # Werkzeug sends no body for HEAD; the page is a stream.
    rv.response = iter(() if environ["REQUEST_METHOD"] == "HEAD" else (body,))
    return rv


def answer_error(
    cls: type[Response],
    e: HTTPException,
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> list[bytes] | None:
    """What :func:`stock_error_response`'s response sends, without making
    it, for a request nothing else will see the response of; None (and
    nothing sent) for a HEAD request or where that function gives None."""
    if environ.get("REQUEST_METHOD") == "HEAD":
        return None
    parts = _stock_parts(cls, e, environ)
    if parts is None:
        return None
    body, status, header_list = parts
    header_list.append(("Content-Length", str(len(body))))
    start_response(status, header_list)
    return [body]
