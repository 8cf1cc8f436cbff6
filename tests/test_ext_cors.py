"""Flask-CORS on minflask, as its docs configure it: ``CORS(app,
resources=...)`` for an API answering preflights and filtering origins,
and ``@cross_origin`` on a single view."""

from __future__ import annotations

import typing as t

import pytest

from tests.ext_support import flask_alias as flask_alias

GOOD = "https://shop.example"


@pytest.fixture
def app(flask_alias: None) -> t.Any:
    from flask_cors import CORS, cross_origin

    from minflask import Flask, jsonify, request

    app = Flask(__name__)
    CORS(
        app,
        resources={r"/api/*": {"origins": [GOOD, r"https://.*\.partner\.example"]}},
        supports_credentials=True,
        expose_headers=["X-Total"],
    )

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> t.Any:
        if request.method == "POST":
            return jsonify(created=request.get_json()["name"]), 201
        return jsonify(["tea", "cake"]), 200, {"X-Total": "2"}

    @app.get("/feed")
    @cross_origin(max_age=600)
    def feed() -> t.Any:
        return jsonify(news=[])

    @app.get("/private")
    def private() -> str:
        return "same origin only"

    return app


def test_preflight_from_an_allowed_origin(app: t.Any) -> None:
    response = app.test_client().options(
        "/api/items",
        headers={
            "Origin": GOOD,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == GOOD
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in response.headers["Vary"]


def test_simple_requests_and_origin_filtering(app: t.Any) -> None:
    client = app.test_client()
    ok = client.get("/api/items", headers={"Origin": GOOD})
    assert ok.json == ["tea", "cake"]
    assert ok.headers["Access-Control-Allow-Origin"] == GOOD
    assert ok.headers["Access-Control-Expose-Headers"] == "X-Total"

    partner = "https://eu.partner.example"
    posted = client.post(
        "/api/items", json={"name": "jam"}, headers={"Origin": partner}
    )
    assert posted.status_code == 201
    assert posted.headers["Access-Control-Allow-Origin"] == partner

    for origin in ("https://evil.example", "https://partner.example.evil.example"):
        refused = client.get("/api/items", headers={"Origin": origin})
        # The view still runs (CORS is the browser's check); no grant is sent.
        assert refused.status_code == 200
        assert "Access-Control-Allow-Origin" not in refused.headers
    preflight = client.options(
        "/api/items",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    # Routes outside the configured resources get no CORS headers at all.
    private = client.get("/private", headers={"Origin": GOOD})
    assert "Access-Control-Allow-Origin" not in private.headers


def test_cross_origin_decorator(app: t.Any) -> None:
    """Any origin is granted, by echoing it (Flask-CORS 6 sends ``*`` only
    with ``send_wildcard=True``)."""
    client = app.test_client()
    for origin in ("https://anyone.example", "http://localhost:5173"):
        response = client.get("/feed", headers={"Origin": origin})
        assert response.json == {"news": []}
        assert response.headers["Access-Control-Allow-Origin"] == origin
    preflight = client.options(
        "/feed",
        headers={
            "Origin": "https://anyone.example",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Max-Age"] == "600"
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://anyone.example"
    # Without an Origin header, ``always_send`` (on by default) grants all.
    assert client.get("/feed").headers["Access-Control-Allow-Origin"] == "*"


def test_error_responses_carry_the_grant_too(flask_alias: None) -> None:
    """Flask-CORS wraps the app's exception handlers (``intercept_exceptions``),
    so a 404, an ``abort(403)`` and an unhandled error are readable by the
    allowed origin as well."""
    from flask_cors import CORS

    from minflask import Flask, abort

    app = Flask(__name__)
    CORS(app, resources={r"/api/*": {"origins": [GOOD]}})

    @app.get("/api/secret")
    def secret() -> str:
        abort(403)

    @app.get("/api/broken")
    def broken() -> str:
        raise LookupError("bug")

    app.logger.disabled = True  # the 500's traceback is expected here
    client = app.test_client()
    for path, status in (
        ("/api/nope", 404),
        ("/api/secret", 403),
        ("/api/broken", 500),
    ):
        response = client.get(path, headers={"Origin": GOOD})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == GOOD
        other = client.get(path, headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers
