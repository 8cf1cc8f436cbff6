"""The demo's JSON API: session-cookie auth (401 without it), the
X-CSRF-Token header on unsafe methods, JSON bodies, and JSON errors."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from werkzeug.test import TestResponse

from minflask import Flask
from minflask.testing import FlaskClient
from tests.demo_fixtures.support import (
    ALICE,
    BOB,
    add_holding,
    add_user,
    api_token,
    holdings_of,
    login,
    make_app,
)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def alice(app: Flask) -> int:
    return add_user(app)


@pytest.fixture
def client(app: Flask, alice: int) -> FlaskClient:
    """Logged in as alice."""
    client = app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture
def headers(client: FlaskClient) -> dict[str, str]:
    """The CSRF header an API client sends with unsafe requests."""
    return {"X-CSRF-Token": api_token(client)}


NEW = {"symbol": "nvda", "shares": 3, "purchase_price": "120.5"}


def assert_json_error(
    response: TestResponse, status: int, message: str = ""
) -> dict[str, t.Any]:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body: dict[str, t.Any] = response.get_json()
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert message in body["message"]
    return body


# -- authentication and CSRF -------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/me"),
        ("GET", "/api/stocks"),
        ("POST", "/api/stocks"),
        ("GET", "/api/stocks/1"),
        ("PUT", "/api/stocks/1"),
        ("DELETE", "/api/stocks/1"),
    ],
)
def test_anonymous_requests_get_401_json(app: Flask, method: str, url: str) -> None:
    response = app.test_client().open(url, method=method, json=NEW)
    assert_json_error(response, 401, "Log in first")


def test_me_gives_the_user_and_the_csrf_token(client: FlaskClient) -> None:
    body = client.get("/api/me").get_json()
    assert body["email"] == ALICE and body["id"] == 1
    page = client.get("/stocks/").get_data(as_text=True)
    assert f'<meta name="csrf-token" content="{body["csrf_token"]}">' in page


@pytest.mark.parametrize("token", [None, "", "wrong", "ü"])
def test_unsafe_requests_need_the_csrf_header(
    app: Flask, client: FlaskClient, alice: int, token: str | None
) -> None:
    holding_id = add_holding(app, alice, "AAPL", "1", "1")
    headers = {} if token is None else {"X-CSRF-Token": token}
    for method, url in [
        ("POST", "/api/stocks"),
        ("PUT", f"/api/stocks/{holding_id}"),
        ("DELETE", f"/api/stocks/{holding_id}"),
    ]:
        response = client.open(url, method=method, json=NEW, headers=headers)
        assert_json_error(response, 400, "CSRF token")
    assert holdings_of(app, alice) == [("AAPL", "1", "1")]


def test_csrf_token_in_a_form_field_also_counts(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    # One rule for every unsafe request: the token, in the header or the field.
    response = client.post(
        "/api/stocks", data={"csrf_token": headers["X-CSRF-Token"], **NEW}
    )
    assert_json_error(response, 415, "Content-Type")


# -- the endpoints ----------------------------------------------------------------


def test_list_stocks(app: Flask, client: FlaskClient, alice: int) -> None:
    add_holding(app, alice, "MSFT", "4", "310.1")
    add_holding(app, alice, "AAPL", "10", "150.25")
    bob = add_user(app, BOB)
    add_holding(app, bob, "TSLA", "1", "1")
    response = client.get("/api/stocks")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {
        "stocks": [
            {
                "id": 2,
                "symbol": "AAPL",
                "shares": "10",
                "purchase_price": "150.25",
                "cost_basis": "1502.50",
            },
            {
                "id": 1,
                "symbol": "MSFT",
                "shares": "4",
                "purchase_price": "310.10",
                "cost_basis": "1240.40",
            },
        ],
        "total_cost_basis": "2742.90",
    }


def test_create_returns_201_with_location(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    response = client.post("/api/stocks", json=NEW, headers=headers)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/stocks/1"
    expected = {
        "id": 1,
        "symbol": "NVDA",
        "shares": "3",
        "purchase_price": "120.50",
        "cost_basis": "361.50",
    }
    assert response.get_json() == expected
    assert client.get(response.headers["Location"]).get_json() == expected
    assert holdings_of(app, alice) == [("NVDA", "3", "120.5")]


def test_creating_a_symbol_already_held_merges_it_as_the_pages_do(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    holding_id = add_holding(app, alice, "NVDA", "1", "100")
    response = client.post("/api/stocks", json=NEW, headers=headers)
    assert response.status_code == 200  # nothing new was created
    assert response.headers["Location"] == f"/api/stocks/{holding_id}"
    # 100 + 3 x 120.50 = 461.50 paid over 4 shares.
    assert response.get_json() == {
        "id": holding_id,
        "symbol": "NVDA",
        "shares": "4",
        "purchase_price": "115.375",
        "cost_basis": "461.50",
    }
    assert holdings_of(app, alice) == [("NVDA", "4", "115.375")]


def test_a_merge_past_the_share_limit_is_a_json_422(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    add_holding(app, alice, "NVDA", "999999999", "1")
    response = client.post("/api/stocks", json=NEW, headers=headers)
    assert_json_error(response, 422, "a holding can have at most 1,000,000,000")
    assert holdings_of(app, alice) == [("NVDA", "999999999", "1")]


def test_replacing_into_a_symbol_held_elsewhere_is_422(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    add_holding(app, alice, "AAPL", "10", "150")
    msft = add_holding(app, alice, "MSFT", "1", "300")
    response = client.put(
        f"/api/stocks/{msft}",
        json={"symbol": "aapl", "shares": "1", "purchase_price": "300"},
        headers=headers,
    )
    body = assert_json_error(response, 422, "Some fields are invalid.")
    assert body["fields"] == {"symbol": "You already hold AAPL in another holding."}
    assert holdings_of(app, alice) == [("AAPL", "10", "150"), ("MSFT", "1", "300")]


def test_create_with_invalid_fields_is_422_with_a_message_per_field(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/stocks",
        json={"symbol": "", "shares": True, "purchase_price": -1},
        headers=headers,
    )
    body = assert_json_error(response, 422, "Some fields are invalid.")
    assert body["fields"] == {
        "symbol": "Use 1 to 10 letters, digits, dots or hyphens, like AAPL or BRK.B.",
        "shares": "Enter a number, like 12 or 12.50.",
        "purchase_price": "Enter zero or more.",
    }
    assert holdings_of(app, alice) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ('{"symbol": "X",', "application/json", 400, "not valid JSON"),
        ("[1, 2]", "application/json", 400, "must be a JSON object"),
        ('"AAPL"', "application/json", 400, "must be a JSON object"),
        ("symbol=X", "application/x-www-form-urlencoded", 415, "application/json"),
        ('{"symbol": "X"}', "text/plain", 415, "application/json"),
    ],
)
def test_bad_bodies_get_json_errors(
    client: FlaskClient,
    headers: dict[str, str],
    body: str,
    content_type: str,
    status: int,
    message: str,
) -> None:
    response = client.post(
        "/api/stocks", data=body, content_type=content_type, headers=headers
    )
    assert_json_error(response, status, message)


def test_replace_stock(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    holding_id = add_holding(app, alice, "AAPL", "10", "150")
    response = client.put(
        f"/api/stocks/{holding_id}",
        json={"symbol": "AAPL", "shares": "12.5", "purchase_price": 149.99},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.get_json()["cost_basis"] == "1874.88"
    assert holdings_of(app, alice) == [("AAPL", "12.5", "149.99")]


def test_replace_needs_every_field(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    holding_id = add_holding(app, alice, "AAPL", "10", "150")
    response = client.put(
        f"/api/stocks/{holding_id}", json={"shares": "1"}, headers=headers
    )
    body = assert_json_error(response, 422)
    assert set(body["fields"]) == {"symbol", "purchase_price"}
    assert holdings_of(app, alice) == [("AAPL", "10", "150")]


def test_delete_stock(
    app: Flask, client: FlaskClient, alice: int, headers: dict[str, str]
) -> None:
    holding_id = add_holding(app, alice, "AAPL", "10", "150")
    response = client.delete(f"/api/stocks/{holding_id}", headers=headers)
    assert response.status_code == 204 and response.data == b""
    assert_json_error(client.get(f"/api/stocks/{holding_id}"), 404)


def test_another_users_stock_is_404_for_every_method(
    app: Flask, client: FlaskClient, headers: dict[str, str]
) -> None:
    bob = add_user(app, BOB)
    theirs = add_holding(app, bob, "TSLA", "1", "200")
    url = f"/api/stocks/{theirs}"
    assert_json_error(client.get(url), 404, f"There is no holding {theirs}")
    assert_json_error(client.put(url, json=NEW, headers=headers), 404)
    assert_json_error(client.put(url, json={}, headers=headers), 404)
    assert_json_error(client.delete(url, headers=headers), 404)
    assert holdings_of(app, bob) == [("TSLA", "1", "200")]


def test_unknown_api_url_and_wrong_method_are_json(client: FlaskClient) -> None:
    assert_json_error(client.get("/api/nothing"), 404)
    assert_json_error(client.get("/api"), 404)
    response = client.patch("/api/stocks")
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_oversized_body_is_413_json(
    app: Flask, client: FlaskClient, headers: dict[str, str]
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post(
        "/api/stocks", json={**NEW, "note": "x" * 200}, headers=headers
    )
    assert_json_error(response, 413)


def test_api_errors_do_not_leak_into_pages(client: FlaskClient) -> None:
    response = client.get("/apiary")
    assert response.status_code == 404 and response.mimetype == "text/html"
