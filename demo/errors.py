"""Error pages for people, error objects for API clients.

One handler for every HTTP error: under the API prefix it answers JSON
(``{"status": 404, "error": "Not Found", "message": "..."}``), elsewhere it
renders ``errors/<code>.html`` if there is one, else ``errors/error.html``.

The handler itself never fails: if building the answer raises (a template
is broken, an extension's context processor fails), the cause is logged and
the client gets a plain-text page with the right status instead of a 500.
(A session store that is down does not get here: in an error handler the
session reads as empty, so the page renders as usual, logged out.)
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException

from minflask import Flask, Response, current_app, jsonify, render_template, request


def error_response(status: int, name: str, message: str, **extra: t.Any) -> Response:
    """A JSON error body with ``status`` as the response status."""
    response = jsonify(status=status, error=name, message=message, **extra)
    response.status_code = status
    return response


def plain_error_page(e: HTTPException) -> Response:
    """The error as plain text: the fallback when the real page fails."""
    code = e.code or 500
    text = f"{code} {e.name}\n\n{e.description or e.name}\n"
    response = Response(text, code, mimetype="text/plain")
    _copy_headers(e, response)
    return response


def _copy_headers(e: HTTPException, response: Response) -> None:
    """Keep the headers the error defines (Allow on a 405, Retry-After on
    a 503), but not its content type."""
    for key, value in e.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value


def init_app(app: Flask, *, json_under: str) -> None:
    """Register the handler; paths under ``json_under`` get JSON errors."""
    prefix = json_under.rstrip("/")

    def render_error(e: HTTPException) -> Response:
        code = e.code or 500
        path = request.path
        if path == prefix or path.startswith(prefix + "/"):
            response = error_response(code, e.name, e.description or e.name)
        else:
            page = render_template(
                [f"errors/{code}.html", "errors/error.html"], error=e
            )
            response = Response(page, code, mimetype="text/html")
        _copy_headers(e, response)
        return response

    def handle_http_error(e: HTTPException) -> Response:
        try:
            return render_error(e)
        except Exception:
            current_app.logger.exception(
                "The %s error page failed; sending it as plain text", e.code
            )
            return plain_error_page(e)

    app.register_error_handler(HTTPException, handle_http_error)
