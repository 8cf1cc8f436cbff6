"""Server-side sessions: the SQLite and Redis stores end to end (each test
runs on both), choosing a store with SESSION_TYPE, and what happens when a
store is unreachable. Redis tests use a real redis-server (tests/redis_server.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import typing as t
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from itsdangerous import Signer
from markupsafe import Markup
from werkzeug.http import parse_date

from minflask import Flask, session
from minflask.sessions import (
    SecureCookieSessionInterface,
    ServerSideSession,
    ServerSideSessionInterface,
    SessionStoreUnavailable,
)
from minflask.testing import FlaskClient
from tests.redis_server import RedisServer
from tests.redis_server import own_redis_server as own_redis_server
from tests.redis_server import redis_server as redis_server
from tests.redis_server import redis_url as redis_url

TESTS = Path(__file__).parent
STORES = ["sqlite", "redis"]
SID = re.compile(r"[A-Za-z0-9_-]{43}")


def make_app(kind: str, tmp_path: Path, **config: t.Any) -> Flask:
    """An app on store ``kind`` with views that use the session typically."""
    app = Flask(
        "server_sessions_test",
        root_path=str(TESTS),
        instance_path=str(tmp_path / "instance"),
    )
    app.config.update(TESTING=True, SECRET_KEY="test key", SESSION_TYPE=kind)
    app.config.update(config)

    @app.route("/set/<key>/<value>")
    def set_value(key: str, value: str) -> str:
        session[key] = value
        return "set"

    @app.route("/get/<key>")
    def get_value(key: str) -> str:
        return repr(session.get(key))

    @app.route("/sid")
    def sid() -> str:
        return t.cast(str, session.sid)  # type: ignore[attr-defined]

    @app.route("/permanent")
    def make_permanent() -> str:
        session["user"] = "ann"
        session.permanent = True
        return "permanent"

    @app.route("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.route("/untouched")
    def untouched() -> str:
        return "untouched"

    @app.route("/login/<user>")
    def login(user: str) -> str:
        app.session_interface.regenerate(session)  # type: ignore[attr-defined]
        session["user"] = user
        return t.cast(str, session.sid)  # type: ignore[attr-defined]

    @app.route("/revoke/<sid>")
    def revoke(sid: str) -> str:
        return str(app.session_interface.revoke(sid))  # type: ignore[attr-defined]

    return app


@pytest.fixture(params=STORES)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> t.Iterator[Flask]:
    """The test app on each store in turn."""
    kind = request.param
    config: dict[str, t.Any] = {}
    if kind == "redis":
        config["SESSION_REDIS_URL"] = request.getfixturevalue("redis_url")
    else:
        config["SESSION_SQLITE_PATH"] = str(tmp_path / "sessions.sqlite3")
    app = make_app(kind, tmp_path, **config)
    yield app
    close_store(app)


def close_store(app: Flask) -> None:
    interface = app.__dict__.get("session_interface")
    if interface is None:
        return
    client = getattr(interface, "client", None)
    if client is not None:
        client.close()
    if hasattr(interface, "close"):
        interface.close()


def iface(app: Flask) -> ServerSideSessionInterface:
    interface = app.session_interface
    assert isinstance(interface, ServerSideSessionInterface)
    return interface


def stored(app: Flask, sid: str) -> dict[str, t.Any] | None:
    """What the store holds for ``sid``, decoded; None when nothing."""
    interface = iface(app)
    interface.init_app(app)
    record = interface.read_record(interface.key_prefix + sid)
    return None if record is None else interface.serializer.loads(record[0])


def stored_expiry(app: Flask, sid: str) -> float:
    interface = iface(app)
    record = interface.read_record(interface.key_prefix + sid)
    assert record is not None and record[1] is not None
    return record[1]


def cookie_value(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def sid_of(client: FlaskClient) -> str:
    sid, _, signature = cookie_value(client).rpartition(".")
    assert SID.fullmatch(sid) and signature
    return sid


def set_cookie_headers(response: t.Any) -> list[str]:
    return t.cast(list[str], response.headers.getlist("Set-Cookie"))


def is_deletion(header: str) -> bool:
    return header.startswith("session=;") and "Max-Age=0" in header


def count_store_calls(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each store operation the interface performs, by name."""
    interface = iface(app)
    calls: list[str] = []
    for name in ("read_record", "write_record", "touch_record", "delete_record"):
        original = getattr(interface, name)

        def counted(
            *args: t.Any,
            _name: str = name,
            _original: t.Any = original,
            **kwargs: t.Any,
        ) -> t.Any:
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(interface, name, counted)
    return calls


def advance(app: Flask, seconds: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let ``seconds`` pass for the store: SQLite's clock is faked, Redis
    expires keys in real time."""
    interface = iface(app)
    if app.config["SESSION_TYPE"] == "redis":
        time.sleep(seconds)
        return
    now = interface._now() + seconds
    monkeypatch.setattr(interface, "_now", lambda: now)


# -- round trips ---------------------------------------------------------------


def test_round_trip(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/set/color/teal")
    (header,) = set_cookie_headers(response)
    assert "HttpOnly" in header and "Expires" not in header
    assert response.headers["Vary"] == "Cookie"
    assert client.get("/get/color").data == b"'teal'"
    sid = sid_of(client)
    assert client.get("/sid").data.decode() == sid
    assert stored(app, sid) == {"color": "teal"}
    # Only the signed id travels: no data in the cookie.
    assert "teal" not in cookie_value(client)


def test_cookie_is_the_id_signed_with_the_secret_key(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    signer = Signer(
        "test key",
        salt="minflask.server-session",
        key_derivation="hmac",
        digest_method=hashlib.sha256,
    )
    assert signer.unsign(cookie_value(client)).decode() == sid_of(client)


def test_ids_are_random_and_long(app: Flask) -> None:
    sids = set()
    for _ in range(5):
        client = app.test_client()
        client.get("/set/a/1")
        sids.add(sid_of(client))
    # 43 URL-safe base64 characters: 256 bits.
    assert len(sids) == 5


def test_data_is_tagged_json_not_pickle(app: Flask) -> None:
    @app.route("/tagged")
    def tagged() -> str:
        session["tuple"] = (1, 2)
        session["bytes"] = b"\x00\xff"
        session["markup"] = Markup("<b>x</b>")
        session["when"] = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
        return ""

    @app.route("/types")
    def types() -> str:
        return " ".join(
            type(session[k]).__name__ for k in ("tuple", "bytes", "markup", "when")
        )

    client = app.test_client()
    client.get("/tagged")
    assert client.get("/types").data == b"tuple bytes Markup datetime"
    interface = iface(app)
    record = interface.read_record(interface.key_prefix + sid_of(client))
    assert record is not None
    payload = record[0]
    raw = json.loads(payload)
    assert raw["tuple"] == {" t": [1, 2]}
    assert interface.pickle_based is False


def test_session_transaction(app: Flask) -> None:
    client = app.test_client()
    with client.session_transaction() as sess:
        assert isinstance(sess, ServerSideSession)
        sess["user"] = "bob"
    assert client.get("/get/user").data == b"'bob'"
    with client.session_transaction() as sess:
        assert sess["user"] == "bob"
        assert sess.sid == sid_of(client)  # type: ignore[attr-defined]


def test_key_prefix(app: Flask, tmp_path: Path) -> None:
    app.config["SESSION_KEY_PREFIX"] = "myapp:"
    client = app.test_client()
    client.get("/set/a/1")
    interface = iface(app)
    assert interface.key_prefix == "myapp:"
    sid = sid_of(client)
    assert interface.read_record("myapp:" + sid) is not None
    assert interface.read_record("session:" + sid) is None


def test_without_secret_key_the_session_is_null(app: Flask) -> None:
    app.config["SECRET_KEY"] = None
    client = app.test_client()
    assert client.get("/get/a").data == b"None"
    with pytest.raises(RuntimeError, match="secret key"):
        client.get("/set/a/b")


def test_save_rejects_other_session_types(app: Flask) -> None:
    from minflask.sessions import SecureCookieSession

    with (
        app.test_request_context(),
        pytest.raises(TypeError, match="ServerSideSession"),
    ):
        iface(app).save_session(app, SecureCookieSession(), app.response_class())


# -- store round trips only when needed -------------------------------------------


def test_untouched_session_costs_no_store_call(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    calls = count_store_calls(app, monkeypatch)
    response = client.get("/untouched")
    assert calls == []
    assert set_cookie_headers(response) == []
    assert "Vary" not in response.headers
    # Even a permanent session is left alone when the view ignores it.
    client.get("/permanent")
    calls.clear()
    assert set_cookie_headers(client.get("/untouched")) == []
    assert calls == []


def test_reading_costs_one_read_and_no_write(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    calls = count_store_calls(app, monkeypatch)
    response = client.get("/get/a")
    assert response.data == b"'1'"
    assert calls == ["read_record"]
    assert set_cookie_headers(response) == []
    assert response.headers["Vary"] == "Cookie"


def test_new_session_read_without_cookie_costs_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_store_calls(app, monkeypatch)
    response = app.test_client().get("/get/a")
    assert response.data == b"None"
    assert calls == []
    assert set_cookie_headers(response) == []


def test_change_writes_once(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    calls = count_store_calls(app, monkeypatch)
    client.get("/set/a/1")
    assert calls == ["write_record"]
    calls.clear()
    client.get("/set/b/2")
    assert calls == ["read_record", "write_record"]
    assert stored(app, sid_of(client)) == {"a": "1", "b": "2"}


def test_nested_mutation_needs_modified(app: Flask) -> None:
    @app.route("/nested")
    def nested() -> str:
        session.setdefault("items", []).append(1)
        return ""

    @app.route("/nested-marked")
    def nested_marked() -> str:
        session["items"].append(2)
        session.modified = True
        return ""

    client = app.test_client()
    client.get("/nested")
    client.get("/nested")  # the append to the loaded list is not noticed
    assert stored(app, sid_of(client)) == {"items": [1]}
    client.get("/nested-marked")
    assert stored(app, sid_of(client)) == {"items": [1, 2]}


# -- lifetime ---------------------------------------------------------------------


def test_permanent_session_lifetime_in_cookie_and_store(app: Flask) -> None:
    app.permanent_session_lifetime = timedelta(minutes=10)
    client = app.test_client()
    response = client.get("/permanent")
    (header,) = set_cookie_headers(response)
    expires_part = next(p for p in header.split("; ") if p.startswith("Expires="))
    expires = parse_date(expires_part.partition("=")[2])
    assert expires is not None
    expected = datetime.now(timezone.utc) + timedelta(minutes=10)
    assert abs((expires - expected).total_seconds()) < 5
    assert abs(stored_expiry(app, sid_of(client)) - (time.time() + 600)) < 5


def test_browser_session_has_idle_lifetime_in_store(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    # Default: a day without use.
    assert abs(stored_expiry(app, sid_of(client)) - (time.time() + 86400)) < 5
    app.config["SESSION_IDLE_LIFETIME"] = timedelta(minutes=3)
    client.get("/set/a/2")
    assert abs(stored_expiry(app, sid_of(client)) - (time.time() + 180)) < 5
    app.config["SESSION_IDLE_LIFETIME"] = 90
    client.get("/set/a/3")
    assert abs(stored_expiry(app, sid_of(client)) - (time.time() + 90)) < 5


def test_permanent_session_expires_in_store(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=1)
    client = app.test_client()
    client.get("/permanent")
    value = cookie_value(client)
    sid = sid_of(client)
    advance(app, 1.2, monkeypatch)
    assert stored(app, sid) is None
    # The browser would have dropped the cookie; send it anyway.
    client.set_cookie("session", value)
    assert client.get("/get/user").data == b"None"


def test_browser_session_expires_when_idle(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["SESSION_IDLE_LIFETIME"] = 1
    client = app.test_client()
    client.get("/set/a/1")
    advance(app, 1.2, monkeypatch)
    assert client.get("/get/a").data == b"None"


def test_use_keeps_a_browser_session_alive(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["SESSION_IDLE_LIFETIME"] = 1
    client = app.test_client()
    client.get("/set/a/1")
    written = iface(app)._now()
    calls = count_store_calls(app, monkeypatch)
    # Read at once: the expiry is fresh, nothing is written.
    assert client.get("/get/a").data == b"'1'"
    assert calls == ["read_record"]
    calls.clear()
    for _ in range(2):
        advance(app, 0.6, monkeypatch)
        assert client.get("/get/a").data == b"'1'"
        # More than half the lifetime went by: the expiry moves.
        assert calls == ["read_record", "touch_record"]
        calls.clear()
    # Alive 1.2 s after a write that gave it 1 s, until 1 s after last use.
    now = iface(app)._now()
    assert now - written >= 1.2
    assert abs(stored_expiry(app, sid_of(client)) - (now + 1)) < 0.2


def test_permanent_session_refreshed_on_use(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=1)
    client = app.test_client()
    client.get("/permanent")
    value = cookie_value(client)
    calls = count_store_calls(app, monkeypatch)
    advance(app, 0.6, monkeypatch)
    # The cookie's own Expires has whole seconds: send it by hand.
    client.set_cookie("session", value)
    response = client.get("/get/user")
    assert response.data == b"'ann'"
    assert calls == ["read_record", "touch_record"]
    # The cookie is re-sent with a new expiry, as for cookie sessions.
    (header,) = set_cookie_headers(response)
    assert header.startswith(f"session={value};")
    advance(app, 0.6, monkeypatch)
    client.set_cookie("session", value)
    assert client.get("/get/user").data == b"'ann'"


def test_permanent_session_not_refreshed_when_disabled(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=1)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client = app.test_client()
    client.get("/permanent")
    value = cookie_value(client)
    calls = count_store_calls(app, monkeypatch)
    advance(app, 0.6, monkeypatch)
    client.set_cookie("session", value)
    response = client.get("/get/user")
    assert response.data == b"'ann'"
    assert calls == ["read_record"]
    assert set_cookie_headers(response) == []
    advance(app, 0.6, monkeypatch)
    client.set_cookie("session", value)
    assert client.get("/get/user").data == b"None"


def test_touch_interval_limits_refresh_writes(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    client.get("/permanent")  # lifetime 31 days: the 60 s interval applies
    calls = count_store_calls(app, monkeypatch)
    client.get("/get/user")
    assert calls == ["read_record"]
    calls.clear()
    if app.config["SESSION_TYPE"] == "redis":
        monkeypatch.setattr(iface(app), "touch_interval", 0.5)
    advance(app, 61 if app.config["SESSION_TYPE"] == "sqlite" else 0.6, monkeypatch)
    client.get("/get/user")
    assert calls == ["read_record", "touch_record"]


# -- ending sessions -------------------------------------------------------------------


def test_clear_deletes_record_and_cookie(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    sid = sid_of(client)
    calls = count_store_calls(app, monkeypatch)
    response = client.get("/clear")
    assert calls == ["read_record", "delete_record"]
    (header,) = set_cookie_headers(response)
    assert is_deletion(header)
    assert stored(app, sid) is None
    assert client.get_cookie("session") is None


def test_clear_of_a_new_session_only_deletes_the_cookie(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_store_calls(app, monkeypatch)
    response = app.test_client().get("/clear")
    (header,) = set_cookie_headers(response)
    assert is_deletion(header)
    assert calls == []


def test_regenerate_gives_a_new_id_and_drops_the_old(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/cart/3")
    old_value = cookie_value(client)
    old_sid = sid_of(client)
    new_sid = client.get("/login/ann").data.decode()
    assert SID.fullmatch(new_sid) and new_sid != old_sid
    assert sid_of(client) == new_sid
    assert stored(app, old_sid) is None
    assert stored(app, new_sid) == {"cart": "3", "user": "ann"}
    # The old cookie now opens nothing.
    other = app.test_client()
    other.set_cookie("session", old_value)
    assert other.get("/get/user").data == b"None"


def test_regenerate_changes_sid_at_once(app: Flask) -> None:
    @app.route("/regen-twice")
    def regen_twice() -> str:
        first = session.sid  # type: ignore[attr-defined]
        app.session_interface.regenerate(session)  # type: ignore[attr-defined]
        return str(first != session.sid)  # type: ignore[attr-defined]

    client = app.test_client()
    client.get("/set/a/1")
    assert client.get("/regen-twice").data == b"True"
    assert client.get("/get/a").data == b"'1'"


def test_regenerate_of_new_session_deletes_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_store_calls(app, monkeypatch)
    client = app.test_client()
    sid = client.get("/login/ann").data.decode()
    assert calls == ["write_record"]
    assert stored(app, sid) == {"user": "ann"}


def test_regenerate_needs_a_server_side_session(app: Flask) -> None:
    from minflask.sessions import SecureCookieSession

    with pytest.raises(TypeError, match="ServerSideSession"):
        iface(app).regenerate(SecureCookieSession())


def test_revoke(app: Flask) -> None:
    client = app.test_client()
    client.get("/login/ann")
    sid = sid_of(client)
    other = app.test_client()
    assert other.get(f"/revoke/{sid}").data == b"True"
    assert stored(app, sid) is None
    assert client.get("/get/user").data == b"None"
    assert other.get(f"/revoke/{sid}").data == b"False"
    assert other.get("/revoke/no-such-session").data == b"False"


def test_revoke_from_a_script(app: Flask) -> None:
    client = app.test_client()
    client.get("/login/ann")
    sid = sid_of(client)
    with app.app_context():
        assert iface(app).revoke(sid) is True
    assert client.get("/get/user").data == b"None"


def test_revoke_before_any_use_needs_settings(app: Flask) -> None:
    interface = type(iface(app))()
    with pytest.raises(RuntimeError, match="init_app"):
        interface.revoke("x")
    with app.app_context():
        assert interface.revoke("x") is False
    interface.init_app(app)
    assert interface.revoke("x") is False
    close_store_interface(interface)


def close_store_interface(interface: t.Any) -> None:
    if getattr(interface, "client", None) is not None:
        interface.client.close()
    if hasattr(interface, "close"):
        interface.close()


def test_session_revoked_during_request_stays_ended(app: Flask) -> None:
    """A request that was running when its session was revoked must not
    store it again on the way out."""

    @app.route("/revoke-self-then-write")
    def revoke_self_then_write() -> str:
        app.session_interface.revoke(session.sid)  # type: ignore[attr-defined]
        session["late"] = "write"
        return ""

    @app.route("/revoke-self-then-read")
    def revoke_self_then_read() -> str:
        app.session_interface.revoke(session.sid)  # type: ignore[attr-defined]
        return repr(session.get("user"))

    client = app.test_client()
    client.get("/permanent")
    sid = sid_of(client)
    response = client.get("/revoke-self-then-write")
    assert stored(app, sid) is None
    (header,) = set_cookie_headers(response)
    assert is_deletion(header)

    client.get("/set/user/bob")
    sid = sid_of(client)
    assert client.get("/revoke-self-then-read").data == b"'bob'"
    assert stored(app, sid) is None
    assert client.get("/get/user").data == b"None"


# -- bad ids ---------------------------------------------------------------------------


def test_tampered_id_gives_new_session(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    value = cookie_value(client)
    sid, _, signature = value.rpartition(".")
    # Change leading characters: a base64 string's last character may carry
    # unused bits, so changing it can leave the decoded bytes as they were.
    other_sid = ("A" if sid[0] != "A" else "B") + sid[1:]
    other_signature = ("xx" if signature[:2] != "xx" else "yy") + signature[2:]
    calls = count_store_calls(app, monkeypatch)
    for bad in (f"{other_sid}.{signature}", f"{sid}.{other_signature}"):
        client.set_cookie("session", bad)
        assert client.get("/get/a").data == b"None"
    # A bad signature is caught before the store is asked.
    assert calls == []


def test_id_signed_with_another_key_gives_new_session(app: Flask) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    app.config["SECRET_KEY"] = "another key"
    assert client.get("/get/a").data == b"None"


def test_secret_key_fallbacks(app: Flask) -> None:
    client = app.test_client()
    client.get("/permanent")
    old_value = cookie_value(client)
    app.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["test key"])
    response = client.get("/get/user")
    assert response.data == b"'ann'"
    # The refreshed cookie is signed with the new key.
    new_value = cookie_value(client)
    assert new_value != old_value and new_value.split(".")[0] == old_value.split(".")[0]
    app.config["SECRET_KEY_FALLBACKS"] = None
    assert client.get("/get/user").data == b"'ann'"


@pytest.mark.parametrize(
    "sid",
    ["short", "../../etc/passwd" + "x" * 27, "a" * 42 + ".", "a" * 44, "", "é" * 43],
)
def test_well_signed_but_malformed_id_gives_new_session(
    app: Flask, monkeypatch: pytest.MonkeyPatch, sid: str
) -> None:
    interface = iface(app)
    signer = interface.get_signer(app)
    assert signer is not None
    calls = count_store_calls(app, monkeypatch)
    client = app.test_client()
    client.set_cookie("session", signer.sign(sid).decode())
    assert client.get("/get/a").data == b"None"
    assert calls == []


@pytest.mark.parametrize("value", ["garbage", "a.b.c", ".", "x" * 3000, "%00%ff"])
def test_garbage_cookie_gives_new_session(app: Flask, value: str) -> None:
    client = app.test_client()
    client.set_cookie("session", value)
    assert client.get("/get/a").data == b"None"
    client.get("/set/a/1")
    assert client.get("/get/a").data == b"'1'"


def test_unknown_id_gives_new_session_with_a_fresh_id(app: Flask) -> None:
    """A valid-looking id the store does not know is not adopted: the new
    session gets its own id (no fixation through a planted cookie)."""
    interface = iface(app)
    signer = interface.get_signer(app)
    assert signer is not None
    planted = "P" * 43
    client = app.test_client()
    client.set_cookie("session", signer.sign(planted).decode())
    assert client.get("/get/a").data == b"None"
    client.get("/set/a/1")
    assert sid_of(client) != planted
    assert stored(app, planted) is None


def test_unreadable_stored_data_gives_new_session(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    interface = iface(app)
    key = interface.key_prefix + sid_of(client)
    interface.write_record(key, "{not json", 60, create=False)
    with caplog.at_level(logging.WARNING):
        assert client.get("/get/a").data == b"None"
    assert "Unreadable session data" in caplog.text
    interface.write_record(key, "[1, 2]", 60, create=False)
    assert client.get("/get/a").data == b"None"


# -- concurrency -----------------------------------------------------------------------------


def test_concurrent_requests_from_threads(app: Flask) -> None:
    errors: list[BaseException] = []
    shared = app.test_client()
    shared.get("/set/shared/yes")
    shared_cookie = cookie_value(shared)

    def worker(n: int) -> None:
        try:
            client = app.test_client()
            reader = app.test_client()
            reader.set_cookie("session", shared_cookie)
            for i in range(15):
                client.get(f"/set/n/{n}-{i}")
                assert client.get("/get/n").data == f"'{n}-{i}'".encode()
                assert reader.get("/get/shared").data == b"'yes'"
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# -- choosing the store ---------------------------------------------------------------------


def test_default_is_the_shared_cookie_interface(tmp_path: Path) -> None:
    first = Flask("a", instance_path=str(tmp_path))
    second = Flask("b", instance_path=str(tmp_path))
    assert isinstance(first.session_interface, SecureCookieSessionInterface)
    assert first.session_interface is second.session_interface
    assert Flask.session_interface is first.session_interface
    second.config["SESSION_TYPE"] = "cookie"
    assert second.session_interface is first.session_interface


def test_server_side_interface_per_app_kept_after_first_use(tmp_path: Path) -> None:
    from minflask.sessions import SqliteSessionInterface

    first = make_app("sqlite", tmp_path / "a")
    second = make_app("sqlite", tmp_path / "b")
    interface = first.session_interface
    assert isinstance(interface, SqliteSessionInterface)
    assert first.session_interface is interface
    assert second.session_interface is not interface
    # Chosen on first use: later config changes do not swap it.
    first.config["SESSION_TYPE"] = "cookie"
    assert first.session_interface is interface
    assert isinstance(Flask("c").session_interface, SecureCookieSessionInterface)


def test_assigned_interface_is_kept(tmp_path: Path) -> None:
    from minflask.sessions import SqliteSessionInterface

    app = make_app("redis", tmp_path)
    mine = SqliteSessionInterface(tmp_path / "mine.sqlite3")
    app.session_interface = mine
    assert app.session_interface is mine
    client = app.test_client()
    client.get("/set/a/1")
    assert client.get("/get/a").data == b"'1'"
    assert stored(app, sid_of(client)) == {"a": "1"}

    class CookieApp(Flask):
        session_interface = SecureCookieSessionInterface()

    sub = CookieApp("sub")
    sub.config["SESSION_TYPE"] = "sqlite"
    assert sub.session_interface is CookieApp.session_interface
    mine.close()


def test_unknown_session_type(tmp_path: Path) -> None:
    app = make_app("memcached", tmp_path)
    message = (
        "Unknown SESSION_TYPE 'memcached'. Valid values: 'cookie', 'sqlite', 'redis'."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        app.session_interface  # noqa: B018
    with pytest.raises(ValueError, match="Valid values"):
        app.test_client().get("/get/a")


def test_redis_type_without_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    app = make_app("redis", tmp_path)
    with pytest.raises(ImportError, match=re.escape("pip install minflask[redis]")):
        app.session_interface  # noqa: B018
    from minflask.sessions import RedisSessionInterface

    with pytest.raises(ImportError, match=re.escape("pip install minflask[redis]")):
        RedisSessionInterface()


def test_drivers_load_lazily() -> None:
    code = (
        "import sys, minflask, minflask.sessions\n"
        "loaded = [m for m in ('redis', 'sqlite3') if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
        "app = minflask.Flask('x')\n"
        "app.config['SECRET_KEY'] = 'k'\n"
        "@app.route('/')\n"
        "def index():\n"
        "    minflask.session['a'] = 1\n"
        "    return ''\n"
        "assert app.test_client().get('/').status_code == 200\n"
        "assert minflask.sessions.RedisSessionInterface.__name__\n"
        "loaded = [m for m in ('redis', 'sqlite3') if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
        "assert minflask.sessions.SqliteSessionInterface.__name__\n"
        "assert 'sqlite3' in sys.modules and 'redis' not in sys.modules\n"
        "try:\n"
        "    minflask.sessions.NoSuchStore\n"
        "except AttributeError as e:\n"
        "    assert 'NoSuchStore' in str(e)\n"
        "else:\n"
        "    raise SystemExit('missing attribute did not raise')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- SQLite specifics ----------------------------------------------------------------------


def test_sqlite_default_path_is_in_the_instance_folder(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)
    client = app.test_client()
    client.get("/set/a/1")
    path = tmp_path / "instance" / "sessions.sqlite3"
    assert iface(app).path == str(path)  # type: ignore[attr-defined]
    assert path.exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        (count,) = conn.execute("SELECT count(*) FROM minflask_sessions").fetchone()
    assert count == 1
    close_store(app)


def test_sqlite_relative_path_is_in_the_instance_folder(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path, SESSION_SQLITE_PATH="store.db")
    (tmp_path / "instance").mkdir()
    client = app.test_client()
    client.get("/set/a/1")
    assert iface(app).path == str(tmp_path / "instance" / "store.db")  # type: ignore[attr-defined]
    assert client.get("/get/a").data == b"'1'"
    close_store(app)


def test_sqlite_busy_database_waits_the_timeout_then_keeps_the_response(
    tmp_path: Path,
) -> None:
    from minflask.sessions import SqliteSessionInterface

    path = tmp_path / "busy.sqlite3"
    app = make_app("sqlite", tmp_path)
    app.session_interface = SqliteSessionInterface(path, timeout=0.3, cooldown=0)
    client = app.test_client()
    client.get("/set/a/1")
    cookie = cookie_value(client)
    conn = iface(app)._idle[0]  # type: ignore[attr-defined]
    assert conn.execute("PRAGMA busy_timeout").fetchone() == (300,)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        # WAL: readers go on while another process writes...
        assert client.get("/get/a").data == b"'1'"
        # ...and a writer waits for the busy timeout, then gives up: the
        # view's answer still goes out, without the session change.
        started = time.monotonic()
        response = client.get("/set/a/2")
        assert 0.25 < time.monotonic() - started < 3
        assert (response.status_code, response.data) == (200, b"set")
        assert set_cookie_headers(response) == []
        assert cookie_value(client) == cookie
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert client.get("/get/a").data == b"'1'"
    assert client.get("/set/a/3").status_code == 200
    assert client.get("/get/a").data == b"'3'"
    close_store(app)


def test_sqlite_memory_database_is_refused() -> None:
    from minflask.sessions import SqliteSessionInterface

    with pytest.raises(ValueError, match="needs a file"):
        SqliteSessionInterface(":memory:")


def test_sqlite_expired_rows_are_cleaned_up_in_bulk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app("sqlite", tmp_path, SESSION_IDLE_LIFETIME=10)
    interface = iface(app)
    for _ in range(3):
        app.test_client().get("/set/a/1")
    path = Path(interface.path)  # type: ignore[attr-defined]

    def rows() -> int:
        with sqlite3.connect(path) as conn:
            return int(
                conn.execute("SELECT count(*) FROM minflask_sessions").fetchone()[0]
            )

    assert rows() == 3
    runs: list[int] = []
    original = interface.delete_expired  # type: ignore[attr-defined]
    monkeypatch.setattr(
        interface, "delete_expired", lambda: runs.append(original()) or runs[-1]
    )
    advance(app, 20, monkeypatch)
    # Within the interval since the first write's cleanup: none yet.
    app.test_client().get("/set/a/1")
    assert runs == [] and rows() == 4
    advance(app, 300, monkeypatch)
    app.test_client().get("/set/a/1")
    assert runs == [4]
    assert rows() == 1
    close_store(app)


def test_sqlite_pool_connections_are_reused(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)
    interface = iface(app)
    opened: list[object] = []
    original = interface._connect  # type: ignore[attr-defined]

    def connect() -> t.Any:
        conn = original()
        opened.append(conn)
        return conn

    interface._connect = connect  # type: ignore[attr-defined]
    client = app.test_client()
    for i in range(20):
        client.get(f"/set/a/{i}")
    assert len(opened) == 1
    close_store(app)


def test_sqlite_unreachable_file_is_503(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "no-such-folder" / "sessions.sqlite3"
    app = make_app(
        "sqlite", tmp_path, SESSION_SQLITE_PATH=str(missing), SESSION_STORE_COOLDOWN=0
    )
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        # A new session fails when saved, after the view answered: the
        # answer goes out, without a session cookie.
        response = client.get("/set/a/1")
    assert (response.status_code, response.data) == (200, b"set")
    assert set_cookie_headers(response) == []
    assert "Session store unavailable (SQLite" in caplog.text
    assert "Session not saved (SQLite" in caplog.text
    assert str(missing) in caplog.text
    # A session named by a cookie fails when opened, in the view: a 503.
    signer = iface(app).get_signer(app)
    assert signer is not None
    client.set_cookie("session", signer.sign("S" * 43).decode())
    response = client.get("/get/a")
    assert response.status_code == 503
    assert b"session store is unavailable" in response.data
    assert not missing.parent.exists()
    # The app recovers once the folder exists.
    missing.parent.mkdir()
    assert client.get("/set/a/2").status_code == 200
    assert client.get("/get/a").data == b"'2'"
    close_store(app)


def test_sqlite_store_that_is_a_folder_is_not_a_500(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path, SESSION_SQLITE_PATH=str(tmp_path), TESTING=False)
    client = app.test_client()
    # Saving fails after the view: its answer goes out, without a cookie.
    response = client.get("/set/a/1")
    assert response.status_code == 200
    assert set_cookie_headers(response) == []
    # Opening fails in the view: a 503.
    signer = iface(app).get_signer(app)
    assert signer is not None
    client.set_cookie("session", signer.sign("S" * 43).decode())
    assert client.get("/get/a").status_code == 503


def test_sqlite_two_interfaces_share_one_file(tmp_path: Path) -> None:
    """Two apps (as two workers would) on one file see each other's writes."""
    path = str(tmp_path / "shared.sqlite3")
    first = make_app("sqlite", tmp_path / "1", SESSION_SQLITE_PATH=path)
    second = make_app("sqlite", tmp_path / "2", SESSION_SQLITE_PATH=path)
    client = first.test_client()
    client.get("/login/ann")
    value = cookie_value(client)
    other = second.test_client()
    other.set_cookie("session", value)
    assert other.get("/get/user").data == b"'ann'"
    close_store(first)
    close_store(second)


# -- Redis specifics -----------------------------------------------------------------------


def test_redis_keys_expire_by_ttl(redis_url: str, tmp_path: Path) -> None:
    import redis

    app = make_app("redis", tmp_path, SESSION_REDIS_URL=redis_url)
    client = app.test_client()
    client.get("/permanent")
    probe = redis.Redis.from_url(redis_url)
    key = "session:" + sid_of(client)
    ttl = probe.ttl(key)
    assert 31 * 86400 - 5 < ttl <= 31 * 86400  # type: ignore[operator]
    assert probe.keys("*") == [key.encode()]
    probe.close()
    close_store(app)


def test_redis_ready_client(redis_url: str, tmp_path: Path) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    app = make_app("redis", tmp_path, SESSION_REDIS=client)
    assert iface(app).client is client  # type: ignore[attr-defined]
    test_client = app.test_client()
    test_client.get("/set/a/1")
    assert test_client.get("/get/a").data == b"'1'"
    client.close()


def test_redis_default_url(tmp_path: Path) -> None:
    app = make_app("redis", tmp_path)
    kwargs = iface(app).client.connection_pool.connection_kwargs  # type: ignore[attr-defined]
    assert (kwargs["host"], kwargs["port"], kwargs.get("db", 0)) == (
        "127.0.0.1",
        6379,
        0,
    )
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 2.0
    assert iface(app).describe_store() == "Redis 127.0.0.1:6379 db 0"
    close_store(app)


def test_redis_untouched_session_sends_no_command(
    redis_url: str, tmp_path: Path
) -> None:
    """Counted by the server itself, not by wrapping the interface."""
    import redis

    app = make_app("redis", tmp_path, SESSION_REDIS_URL=redis_url)
    client = app.test_client()
    client.get("/set/a/1")
    probe = redis.Redis.from_url(redis_url)

    def processed() -> int:
        return int(probe.info("stats")["total_commands_processed"])

    before = processed()
    for _ in range(5):
        client.get("/untouched")
    assert processed() == before + 1  # the INFO call itself
    client.get("/get/a")
    # GET and PTTL, pipelined in one round trip, plus INFO.
    assert processed() == before + 4
    probe.close()
    close_store(app)


def test_redis_down_is_503_quickly_and_recovers(
    own_redis_server: RedisServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app("redis", tmp_path, SESSION_REDIS_URL=own_redis_server.url)

    @app.errorhandler(503)
    def unavailable(e: Exception) -> tuple[str, int]:
        return "try later", 503

    client = app.test_client()
    client.get("/login/ann")
    assert client.get("/get/user").data == b"'ann'"

    own_redis_server.stop()
    with caplog.at_level(logging.ERROR):
        started = time.monotonic()
        response = client.get("/get/user")
        assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.data == b"try later"
    assert "Session store unavailable (Redis 127.0.0.1:" in caplog.text
    # A new session fails on save, after the view ran: the view's answer
    # goes out without a session cookie (the breaker answers at once now).
    fresh = app.test_client()
    started = time.monotonic()
    response = fresh.get("/set/a/1")
    assert time.monotonic() - started < 3
    assert (response.status_code, response.data) == (200, b"set")
    assert set_cookie_headers(response) == []
    # Revoking while down raises the same 503 error.
    with app.app_context(), pytest.raises(SessionStoreUnavailable):
        iface(app).revoke("x")

    own_redis_server.start()
    time.sleep(iface(app).cooldown)
    # Persistence is off: the old session is gone, the app works again.
    assert client.get("/get/user").data == b"None"
    client.get("/login/bob")
    assert client.get("/get/user").data == b"'bob'"
    close_store(app)


def test_redis_unreachable_from_the_start_is_503(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app(
        "redis",
        tmp_path,
        SESSION_REDIS_URL=f"redis://127.0.0.1:{port}/0",
        TESTING=False,
    )
    client = app.test_client()
    started = time.monotonic()
    response = client.get("/set/a/1")
    assert time.monotonic() - started < 3
    assert (response.status_code, response.data) == (200, b"set")
    assert set_cookie_headers(response) == []
    signer = iface(app).get_signer(app)
    assert signer is not None
    client.set_cookie("session", signer.sign("S" * 43).decode())
    response = client.get("/get/a")
    assert response.status_code == 503
    assert b"session store is unavailable" in response.data
    close_store(app)


# -- across processes --------------------------------------------------------------------------


class Server:
    """A session_fixtures/serve.py process and a tiny HTTP client for it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(TESTS / "session_fixtures" / "serve.py")],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **env},
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def get(self, path: str, cookie: str | None = None) -> tuple[str, str | None]:
        """The body and the session cookie set, if any."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(
                "GET", path, headers={"Cookie": f"session={cookie}"} if cookie else {}
            )
            response = conn.getresponse()
            body = response.read().decode()
            assert response.status == 200, body
            set_cookie = response.getheader("Set-Cookie")
        finally:
            conn.close()
        value = None
        if set_cookie:
            value = set_cookie.split(";", 1)[0].partition("=")[2]
        return body, value

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(params=STORES)
def two_servers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> t.Iterator[tuple[Server, Server]]:
    env = {"SESSION_TYPE": request.param, "PYTHONPATH": str(TESTS.parent)}
    if request.param == "redis":
        env["SESSION_REDIS_URL"] = request.getfixturevalue("redis_url")
    else:
        env["SESSION_SQLITE_PATH"] = str(tmp_path / "shared.sqlite3")
    servers: list[Server] = []
    try:
        servers.append(Server(env))
        servers.append(Server(env))
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


def test_two_processes_share_sessions(two_servers: tuple[Server, Server]) -> None:
    one, two = two_servers
    sid, cookie = one.get("/login/ann")
    assert cookie is not None and cookie.startswith(f"{sid}.")
    who_one, _ = one.get("/whoami", cookie)
    who_two, _ = two.get("/whoami", cookie)
    assert who_one.startswith("ann pid=") and who_two.startswith("ann pid=")
    assert who_one != who_two  # two processes answered
    assert two.get(f"/revoke/{sid}")[0] == "True"
    assert one.get("/whoami", cookie)[0].startswith("anonymous")
    assert two.get("/whoami", cookie)[0].startswith("anonymous")
    assert one.get(f"/revoke/{sid}")[0] == "False"


def test_missing_redis_server_skips_but_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests import redis_server as plugin

    monkeypatch.setattr(plugin.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="redis-server is not on PATH"):
        plugin._redis_binary()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires them to run"):
        plugin._redis_binary()
