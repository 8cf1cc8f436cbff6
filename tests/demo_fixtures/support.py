"""Shared helpers for the demo's tests: an app on a temporary instance
folder, users, and form posts that carry the page's CSRF token."""

from __future__ import annotations

import html as html_lib
import re
import typing as t
from pathlib import Path

from werkzeug.test import TestResponse

from demo import create_app
from demo.db import get_db
from demo.users import create_user
from minflask import Flask
from minflask.testing import FlaskClient

PASSWORD = "correct horse battery"
#: Still salted and checked for real, just not slow on purpose.
FAST_HASH = "pbkdf2:sha256:1000"
ALICE = "alice@example.com"
BOB = "bob@example.com"

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(tmp_path: Path, **config: t.Any) -> Flask:
    """The demo in testing mode on ``tmp_path/instance``, empty unless
    ``SAMPLE_DATA=True`` is passed, with a fast password hash."""
    settings = {
        "TESTING": True,
        "SAMPLE_DATA": False,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        **config,
    }
    return create_app(settings, instance_path=str(tmp_path / "instance"))


def add_user(app: Flask, email: str = ALICE, password: str = PASSWORD) -> int:
    """Create an account directly in the database; return its id."""
    with app.app_context():
        return create_user(email, password)


def add_holding(app: Flask, user_id: int, symbol: str, shares: str, price: str) -> int:
    """Store a holding directly in the database; return its id."""
    with app.app_context():
        db = get_db()
        with db:
            cur = db.execute(
                "INSERT INTO holdings (user_id, symbol, shares, purchase_price)"
                " VALUES (?, ?, ?, ?)",
                (user_id, symbol, shares, price),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid


def holdings_of(app: Flask, user_id: int) -> list[tuple[str, str, str]]:
    """(symbol, shares, purchase_price) of the user's stored holdings, by id."""
    with app.app_context():
        rows = get_db().execute(
            "SELECT symbol, shares, purchase_price FROM holdings"
            " WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [tuple(row) for row in rows]


def token_from(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    match = _TOKEN.search(html)
    assert match is not None, "no csrf_token field in the page"
    return match.group(1)


def page_token(client: FlaskClient, url: str = "/auth/login") -> str:
    """The session's CSRF token, read from a page's form as a browser would."""
    return token_from(client.get(url).get_data(as_text=True))


def post_form(
    client: FlaskClient, url: str, data: dict[str, t.Any] | None = None, **kwargs: t.Any
) -> TestResponse:
    """POST ``data`` to ``url`` with the session's CSRF token added."""
    return client.post(
        url, data={"csrf_token": page_token(client), **(data or {})}, **kwargs
    )


def login(
    client: FlaskClient,
    email: str = ALICE,
    password: str = PASSWORD,
    *,
    next_url: str | None = None,
    **kwargs: t.Any,
) -> TestResponse:
    """Log in through the form (``kwargs`` go to ``client.post``)."""
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return post_form(client, "/auth/login", data, **kwargs)


def api_token(client: FlaskClient) -> str:
    """The CSRF token API clients send, from ``GET /api/me``."""
    token = client.get("/api/me").get_json()["csrf_token"]
    assert isinstance(token, str)
    return token


def flashes(response: TestResponse) -> list[tuple[str, str]]:
    """(category, text) of the flash messages rendered in a page."""
    html = response.get_data(as_text=True)
    found = re.findall(r'<li class="flash flash-(\w+)"[^>]*>(.*?)</li>', html, re.S)
    return [(category, html_lib.unescape(text.strip())) for category, text in found]
