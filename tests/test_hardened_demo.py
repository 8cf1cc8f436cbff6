"""The demo's own holes from issue 14, point 7: huge holding ids, decimals
written with absurd exponents, and an error handler that must never fail
(a dead session store, a rejected Host, a broken error template)."""

from __future__ import annotations

import io
import logging
import os
import typing as t
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader

from minflask import Flask
from minflask.testing import FlaskClient
from tests.demo_fixtures.support import (
    add_holding,
    add_user,
    api_token,
    flashes,
    holdings_of,
    login,
    page_token,
    post_form,
)
from tests.demo_fixtures.support import make_app as make_demo

#: Past SQLite's integers (2**63 - 1) and far past them.
HUGE_IDS = [2**63, 2**63 + 1, 10**30, 2**64 * 1000]
ABSURD = ["0E-10000000", "0E-999999999", "1E-999999999", "0.0000" + "0" * 30]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_demo(tmp_path)


@pytest.fixture
def alice(app: Flask) -> int:
    return add_user(app)


@pytest.fixture
def client(app: Flask, alice: int) -> FlaskClient:
    client = app.test_client()
    assert login(client).status_code == 302
    return client


# -- holding ids past SQLite's integers -------------------------------------------------------


@pytest.mark.parametrize("holding_id", HUGE_IDS)
def test_huge_holding_id_is_a_404_everywhere(
    client: FlaskClient, holding_id: int
) -> None:
    headers = {"X-CSRF-Token": api_token(client)}
    token = page_token(client, "/stocks/add")
    answers = {
        "api get": client.get(f"/api/stocks/{holding_id}"),
        "api put": client.put(
            f"/api/stocks/{holding_id}",
            json={"symbol": "A", "shares": 1, "purchase_price": 1},
            headers=headers,
        ),
        "api delete": client.delete(f"/api/stocks/{holding_id}", headers=headers),
        "edit page": client.get(f"/stocks/{holding_id}/edit"),
        "edit post": client.post(
            f"/stocks/{holding_id}/edit",
            data={"csrf_token": token, "symbol": "A", "shares": "1"},
        ),
        "delete": client.post(
            f"/stocks/{holding_id}/delete", data={"csrf_token": token}
        ),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(
        answers, 404
    )
    assert answers["api get"].get_json()["status"] == 404


def test_largest_sqlite_id_is_an_ordinary_unknown_holding(
    client: FlaskClient,
) -> None:
    response = client.get(f"/api/stocks/{2**63 - 1}")
    assert response.status_code == 404
    assert "no holding" in response.get_json()["message"]


def test_ids_in_range_still_work(app: Flask, client: FlaskClient, alice: int) -> None:
    holding_id = add_holding(app, alice, "AAPL", "1", "2")
    assert client.get(f"/api/stocks/{holding_id}").get_json()["symbol"] == "AAPL"
    assert client.get(f"/stocks/{holding_id}/edit").status_code == 200


# -- decimals written with absurd exponents -----------------------------------------------------


@pytest.mark.parametrize("value", ABSURD)
@pytest.mark.parametrize("field", ["shares", "purchase_price"])
def test_absurd_decimal_in_the_api_is_a_422(
    app: Flask, client: FlaskClient, alice: int, value: str, field: str
) -> None:
    body = {"symbol": "AMP", "shares": "1", "purchase_price": "1", field: value}
    response = client.post(
        "/api/stocks", json=body, headers={"X-CSRF-Token": api_token(client)}
    )
    assert response.status_code == 422
    message = response.get_json()["fields"][field]
    assert "decimal places" in message or "more than zero" in message
    assert holdings_of(app, alice) == []


def test_the_issues_58_byte_request(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    body = b'{"symbol":"AMP","shares":1,"purchase_price":"0E-10000000"}'
    assert len(body) == 58
    response = client.post(
        "/api/stocks",
        data=body,
        content_type="application/json",
        headers={"X-CSRF-Token": api_token(client)},
    )
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "purchase_price": "Use at most 4 decimal places."
    }
    assert len(response.data) < 1000
    assert holdings_of(app, alice) == []


@pytest.mark.parametrize("value", ABSURD)
def test_absurd_decimal_in_the_form_is_a_form_error(
    app: Flask, client: FlaskClient, alice: int, value: str
) -> None:
    response = post_form(
        client,
        "/stocks/add",
        {"symbol": "AMP", "shares": "1", "purchase_price": value},
    )
    assert response.status_code == 422
    assert "Use at most 4 decimal places." in response.get_data(as_text=True)
    assert len(response.data) < 100_000
    assert holdings_of(app, alice) == []


def test_absurd_decimal_in_a_csv_imports_nothing(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    csv = b"symbol,shares,purchase_price\nAAPL,1,150\nAMP,1,0E-999999999\n"
    response = post_form(
        client,
        "/stocks/import",
        {"file": (io.BytesIO(csv), "holdings.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    messages = [text for _, text in flashes(response)]
    assert any("Row 3" in m and "decimal places" in m for m in messages), messages
    assert holdings_of(app, alice) == []


def test_ordinary_trailing_zeros_are_still_accepted(
    app: Flask, client: FlaskClient, alice: int
) -> None:
    response = client.post(
        "/api/stocks",
        json={"symbol": "AMP", "shares": "1.000000", "purchase_price": "150.25000"},
        headers={"X-CSRF-Token": api_token(client)},
    )
    assert response.status_code == 201
    assert holdings_of(app, alice) == [("AMP", "1.000000", "150.25000")]


# -- an error handler that never fails ------------------------------------------------------------


def kill_session_store(app: Flask) -> None:
    """Make the SQLite session file unopenable: closed, and a folder where
    the file was."""
    interface = app.session_interface
    interface.close()  # type: ignore[attr-defined]
    path = Path(interface.path)  # type: ignore[attr-defined]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.mkdir(path)


def test_dead_store_gives_the_503_page_with_its_layout(
    app: Flask, client: FlaskClient
) -> None:
    kill_session_store(app)
    response = client.get("/stocks/")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Service Unavailable" in html and "<nav" in html
    # The API says the same in JSON.
    response = client.get("/api/stocks")
    assert response.status_code == 503
    assert response.get_json()["status"] == 503


@pytest.mark.parametrize("path", ["/no/such/page", "/static/nothing-here.css"])
def test_dead_store_404_of_a_logged_in_user_is_the_normal_404_page(
    app: Flask, client: FlaskClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A page that does not exist is a 404 while the store is down, with
    the demo's own 404 page, not a 503 or the plain-text fallback: on an
    unrouted URL the user loader reads an empty session; the static view
    raises its 404 before reading it, then the page's layout reads it."""
    app.view_functions["static"] = lambda filename: app.aborter(404)  # type: ignore[misc]
    kill_session_store(app)
    with caplog.at_level(logging.WARNING):
        response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Not Found" in html and "<nav" in html
    # Shown as logged out: the session read as empty.
    assert "Log in" in html
    assert "error page failed" not in caplog.text
    assert "the session reads as empty" in caplog.text


def test_broken_error_template_falls_back_to_plain_text(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"errors/404.html": "{{ error.code / 0 }}"}),
            t.cast(t.Any, app.jinja_env.loader),
        ]
    )
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "ZeroDivisionError" in caplog.text


def test_plain_fallback_keeps_the_errors_headers(app: Flask) -> None:
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"errors/error.html": "{% include 'missing.html' %}"}),
            t.cast(t.Any, app.jinja_env.loader),
        ]
    )
    response = app.test_client().delete("/")
    assert response.status_code == 405
    assert response.mimetype == "text/plain"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("host", ["a..b", "h" * 4000])
def test_rejected_host_is_a_400_not_a_500(app: Flask, host: str) -> None:
    client = app.test_client()
    for url in ("/", "/stocks/", "/api/stocks", "/no/such/page"):
        response = client.get(url, headers={"Host": host})
        assert response.status_code == 400, (url, host)
