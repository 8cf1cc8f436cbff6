"""Error pages for people, error objects for API clients.

One handler for every HTTP error: under the API prefix it answers JSON
(``{"status": 404, "error": "Not Found", "message": "..."}``), elsewhere it
renders ``errors/<code>.html`` if there is one, else ``errors/error.html``.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import HTTPException

from minflask import Flask, Response, jsonify, render_template, request


def error_response(status: int, name: str, message: str, **extra: t.Any) -> Response:
    """A JSON error body with ``status`` as the response status."""
    response = jsonify(status=status, error=name, message=message, **extra)
    response.status_code = status
    return response


def init_app(app: Flask, *, json_under: str) -> None:
    """Register the handler; paths under ``json_under`` get JSON errors."""
    prefix = json_under.rstrip("/")

    def handle_http_error(e: HTTPException) -> t.Any:
        code = e.code or 500
        path = request.path
        if path == prefix or path.startswith(prefix + "/"):
            response = error_response(code, e.name, e.description or e.name)
            # Keep the headers the error defines, e.g. Allow on a 405.
            for key, value in e.get_headers():
                if key.lower() != "content-type":
                    response.headers[key] = value
            return response
        page = render_template([f"errors/{code}.html", "errors/error.html"], error=e)
        return (
            page,
            code,
            [h for h in e.get_headers() if h[0].lower() != "content-type"],
        )

    app.register_error_handler(HTTPException, handle_http_error)
