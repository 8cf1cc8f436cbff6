"""Flask-Session 0.8 on minflask with ``SESSION_TYPE="redis"`` on a real
redis-server (tests/redis_server.py): two app instances, as behind a load
balancer, share one server-side session."""

from __future__ import annotations

import typing as t

import pytest

from tests.ext_support import flask_alias as flask_alias
from tests.redis_server import RedisServer
from tests.redis_server import redis_server as redis_server
from tests.redis_server import redis_url as redis_url


@pytest.fixture
def make_app(flask_alias: None, redis_url: str) -> t.Callable[[str], t.Any]:
    import redis
    from flask_session import Session

    from minflask import Flask, jsonify, request, session

    def create_app(name: str) -> t.Any:
        app = Flask(name)
        app.config.update(
            SECRET_KEY="shared secret",
            SESSION_TYPE="redis",
            SESSION_REDIS=redis.Redis.from_url(redis_url),
            SESSION_KEY_PREFIX="shop:",
        )
        Session(app)

        @app.post("/cart")
        def add() -> t.Any:
            cart = session.setdefault("cart", [])
            cart.append(request.form["item"])
            session.modified = True
            return jsonify(served_by=name, cart=cart)

        @app.get("/cart")
        def show() -> t.Any:
            return jsonify(served_by=name, cart=session.get("cart", []))

        @app.post("/checkout")
        def checkout() -> t.Any:
            session.clear()
            return jsonify(served_by=name, done=True)

        return app

    return create_app


def test_two_apps_share_one_redis_session(
    make_app: t.Callable[[str], t.Any], redis_server: RedisServer
) -> None:
    import redis

    one, two = make_app("one"), make_app("two")
    assert type(one.session_interface).__module__ == "flask_session.redis.redis"
    browser = one.test_client()
    assert browser.post("/cart", data={"item": "tea"}).json == {
        "served_by": "one",
        "cart": ["tea"],
    }
    cookie = browser.get_cookie("session")
    assert cookie is not None and cookie.http_only

    # The same browser reaches the second instance with the same cookie.
    other = two.test_client()
    other.set_cookie("session", cookie.value)
    assert other.get("/cart").json == {"served_by": "two", "cart": ["tea"]}
    assert other.post("/cart", data={"item": "cake"}).json["cart"] == ["tea", "cake"]
    assert browser.get("/cart").json == {"served_by": "one", "cart": ["tea", "cake"]}

    # The data lives in Redis under the configured prefix, not in the cookie.
    client = redis.Redis.from_url(redis_server.url)
    assert client.keys("shop:*") == [f"shop:{cookie.value}".encode()]
    assert b"cake" in client.get(f"shop:{cookie.value}")
    assert "cake" not in cookie.value

    # Clearing it on one instance ends it on both.
    assert other.post("/checkout").json == {"served_by": "two", "done": True}
    assert browser.get("/cart").json["cart"] == []
    assert client.keys("shop:*") == []


def test_a_stranger_cookie_gets_a_fresh_session(
    make_app: t.Callable[[str], t.Any],
) -> None:
    app = make_app("one")
    owner = app.test_client()
    owner.post("/cart", data={"item": "tea"})
    stranger = app.test_client()
    stranger.set_cookie("session", "not-a-session-id")
    assert stranger.get("/cart").json["cart"] == []
    assert owner.get("/cart").json["cart"] == ["tea"]
