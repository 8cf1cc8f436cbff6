"""CSRF protection: a per-session token that every unsafe request must echo.

Forms send it in a hidden field named ``csrf_token`` (``{{ csrf_field() }}``
in templates/_forms.html); API clients send it in the ``X-CSRF-Token`` header.
Another site can make a browser send our cookie, but it cannot read the
token, and it cannot set a custom header on a cross-origin request without a
CORS preflight, which this app never grants. A missing or wrong token is a 400.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from minflask import Flask, abort, request, session

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_SESSION_KEY = "_csrf_token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """This session's token, created on first use (a template global)."""
    token = session.get(_SESSION_KEY)
    if token is None:
        token = session[_SESSION_KEY] = secrets.token_urlsafe(32)
    return str(token)


def protect() -> None:
    """Abort with 400 unless an unsafe request carries the session's token."""
    if request.method not in _UNSAFE_METHODS or request.url_rule is None:
        return  # safe methods change nothing; unknown URLs get their 404/405
    sent = request.headers.get(HEADER) or request.form.get(FIELD)
    expected = session.get(_SESSION_KEY)
    # Compared as bytes: compare_digest rejects non-ASCII str with a TypeError.
    if (
        not sent
        or not expected
        or not hmac.compare_digest(sent.encode(), str(expected).encode())
    ):
        abort(400, "The CSRF token is missing or does not match this session.")


def init_app(app: Flask, *, self_checking: Iterable[str] = ()) -> None:
    """Check every unsafe request, except in the blueprints named in
    ``self_checking``, which call :func:`protect` themselves (the API does,
    after its 401 check, so an anonymous client learns it must log in)."""
    skip = frozenset(self_checking)

    def check_token() -> None:
        if request.blueprint not in skip:
            protect()

    app.before_request(check_token)
    app.add_template_global(csrf_token)
