"""Tests for minflask.sessions: the signed-cookie session end to end, the
session classes, and the interface hooks the app relies on."""

from __future__ import annotations

import hashlib
import time
import typing as t
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.http import parse_date

from minflask import Flask, session
from minflask.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
)
from minflask.testing import FlaskClient
from minflask.wrappers import Request, Response


@pytest.fixture
def app(app: Flask) -> Flask:
    """The shared app plus views that use the session in typical ways."""

    @app.route("/set/<key>/<value>")
    def set_value(key: str, value: str) -> str:
        session[key] = value
        return "set"

    @app.route("/get/<key>")
    def get_value(key: str) -> str:
        return repr(session.get(key))

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

    return app


def set_cookie_header(response: t.Any) -> str:
    (header,) = response.headers.getlist("Set-Cookie")
    return t.cast(str, header)


def cookie_expires(response: t.Any) -> datetime:
    header = set_cookie_header(response)
    part = next(p for p in header.split("; ") if p.startswith("Expires="))
    value = parse_date(part.partition("=")[2])
    assert value is not None
    return value


def session_cookie(client: FlaskClient, name: str = "session") -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None
    return cookie.value


# -- round trips through the test client ---------------------------------------


def test_round_trip(client: FlaskClient) -> None:
    rv = client.get("/set/name/ann")
    assert rv.data == b"set"
    header = set_cookie_header(rv)
    assert header.startswith("session=")
    assert "HttpOnly" in header
    assert "Path=/" in header
    assert "Expires" not in header  # a browser session by default
    assert rv.headers["Vary"] == "Cookie"
    assert client.get("/get/name").data == b"'ann'"
    assert client.get("/get/other").data == b"None"


def test_tagged_values_survive_round_trip(app: Flask, client: FlaskClient) -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    @app.route("/store")
    def store() -> str:
        session["data"] = {"t": (1, 2), "b": b"\x00\xff", "d": when}
        return ""

    @app.route("/load")
    def load() -> str:
        data = session["data"]
        assert data == {"t": (1, 2), "b": b"\x00\xff", "d": when}
        return type(data["t"]).__name__

    client.get("/store")
    assert client.get("/load").data == b"tuple"


def test_permanent_session_expires(app: Flask, client: FlaskClient) -> None:
    app.permanent_session_lifetime = timedelta(days=2)
    rv = client.get("/permanent")
    expected = datetime.now(timezone.utc) + timedelta(days=2)
    assert abs((cookie_expires(rv) - expected).total_seconds()) < 5
    assert client.get("/get/user").data == b"'ann'"


def test_permanent_session_lifetime_as_int(app: Flask, client: FlaskClient) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    rv = client.get("/permanent")
    expected = datetime.now(timezone.utc) + timedelta(seconds=60)
    assert abs((cookie_expires(rv) - expected).total_seconds()) < 5


def test_cookie_settings(app: Flask, client: FlaskClient) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )
    rv = client.get("/set/a/b", base_url="https://example.com")
    header = set_cookie_header(rv)
    assert header.startswith("sid=")
    assert "Domain=example.com" in header
    assert "Path=/app" in header
    assert "Secure" in header
    assert "SameSite=Lax" in header
    assert "Partitioned" in header
    assert "HttpOnly" not in header


def test_cookie_path_defaults_to_application_root(
    app: Flask, client: FlaskClient
) -> None:
    app.config["APPLICATION_ROOT"] = "/root"
    assert "Path=/root" in set_cookie_header(client.get("/set/a/b"))
    app.config["SESSION_COOKIE_PATH"] = "/explicit"
    assert "Path=/explicit" in set_cookie_header(client.get("/set/a/b"))


def test_samesite_strict(app: Flask, client: FlaskClient) -> None:
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    assert "SameSite=Strict" in set_cookie_header(client.get("/set/a/b"))


def test_samesite_invalid_raises(app: Flask, client: FlaskClient) -> None:
    app.config["SESSION_COOKIE_SAMESITE"] = "invalid"
    with pytest.raises(ValueError):
        client.get("/set/a/b")


# -- Vary and deletion ------------------------------------------------------------


def test_vary_when_read(client: FlaskClient) -> None:
    rv = client.get("/get/missing")
    assert rv.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in rv.headers


@pytest.mark.parametrize(
    "read",
    [
        lambda s: "a" in s,
        len,
        list,
        bool,
        lambda s: s.keys(),
        lambda s: s.items(),
        lambda s: s.values(),
        lambda s: s.permanent,
        lambda s: s == {},
        repr,
    ],
)
def test_vary_when_only_keys_are_read(
    app: Flask, client: FlaskClient, read: t.Callable[[t.Any], object]
) -> None:
    @app.route("/peek")
    def peek() -> str:
        read(session)
        return ""

    client.get("/set/a/b")
    rv = client.get("/peek")
    assert rv.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in rv.headers


def test_no_vary_when_untouched(client: FlaskClient) -> None:
    rv = client.get("/untouched")
    assert "Vary" not in rv.headers
    assert "Set-Cookie" not in rv.headers
    client.get("/set/a/b")
    rv = client.get("/untouched")
    assert "Vary" not in rv.headers
    assert "Set-Cookie" not in rv.headers


def test_vary_merges_with_existing_header(app: Flask, client: FlaskClient) -> None:
    @app.route("/vary")
    def vary() -> t.Any:
        session.get("x")
        return "", {"Vary": "Accept-Encoding"}

    assert client.get("/vary").headers["Vary"] == "Accept-Encoding, Cookie"


def test_clear_deletes_cookie(app: Flask, client: FlaskClient) -> None:
    app.config.update(SESSION_COOKIE_DOMAIN="example.com", SESSION_COOKIE_PATH="/")
    base = "http://example.com"
    client.get("/set/a/b", base_url=base)
    assert client.get_cookie("session", domain="example.com") is not None
    rv = client.get("/clear", base_url=base)
    header = set_cookie_header(rv)
    assert header.startswith("session=;")
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header
    assert "Max-Age=0" in header
    assert "Domain=example.com" in header
    assert rv.headers["Vary"] == "Cookie"
    assert client.get_cookie("session", domain="example.com") is None
    assert client.get("/get/a", base_url=base).data == b"None"


def test_clear_of_empty_session_without_cookie_still_deletes(
    client: FlaskClient,
) -> None:
    # clear() on an empty CallbackDict still counts as a change, as in Flask.
    rv = client.get("/clear")
    assert "Max-Age=0" in set_cookie_header(rv)


def test_emptied_by_delete_deletes_cookie(app: Flask, client: FlaskClient) -> None:
    @app.route("/pop")
    def pop() -> str:
        return repr(session.pop("a", None))

    client.get("/set/a/b")
    rv = client.get("/pop")
    assert rv.data == b"'b'"
    assert "Max-Age=0" in set_cookie_header(rv)


# -- bad cookies --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["garbage", "a.b.c", "...", "eyJ4IjoxfQ", "\x00", "%%%"],
)
def test_garbage_cookie_gives_empty_session(client: FlaskClient, value: str) -> None:
    client.set_cookie("session", value)
    rv = client.get("/get/name")
    assert rv.status_code == 200
    assert rv.data == b"None"


def test_tampered_cookie_gives_empty_session(client: FlaskClient) -> None:
    client.get("/set/name/ann")
    value = session_cookie(client)
    payload, sep, rest = value.partition(".")
    client.set_cookie("session", payload + "x" + sep + rest)
    rv = client.get("/get/name")
    assert rv.status_code == 200
    assert rv.data == b"None"


def test_truncated_cookie_gives_empty_session(client: FlaskClient) -> None:
    client.get("/set/name/ann")
    value = session_cookie(client)
    client.set_cookie("session", value[:-3])
    rv = client.get("/get/name")
    assert (rv.status_code, rv.data) == (200, b"None")


def test_cookie_from_other_key_gives_empty_session(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/set/name/ann")
    app.secret_key = "another key"
    assert client.get("/get/name").data == b"None"


def test_expired_cookie_gives_empty_session(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=30)
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now - 60)
    client.get("/permanent")
    monkeypatch.undo()
    rv = client.get("/get/user")
    assert (rv.status_code, rv.data) == (200, b"None")
    # Within the lifetime the same kind of cookie still loads.
    client.get("/permanent")
    assert client.get("/get/user").data == b"'ann'"


def test_bad_cookie_untouched_does_not_change_response(client: FlaskClient) -> None:
    client.set_cookie("session", "garbage")
    rv = client.get("/untouched")
    assert "Set-Cookie" not in rv.headers
    assert "Vary" not in rv.headers


# -- key rotation ------------------------------------------------------------------


def test_secret_key_fallbacks(app: Flask, client: FlaskClient) -> None:
    app.secret_key = "old"
    client.get("/set/name/ann")
    old_cookie = session_cookie(client)

    app.secret_key = "new"
    app.config["SECRET_KEY_FALLBACKS"] = ["older", "old"]
    assert client.get("/get/name").data == b"'ann'"

    client.get("/set/name/bob")
    new_cookie = session_cookie(client)
    assert new_cookie != old_cookie
    new_only = URLSafeTimedSerializer(
        "new",
        salt="cookie-session",
        serializer=SecureCookieSessionInterface.serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    assert new_only.loads(new_cookie) == {"name": "bob"}

    # Once the old key is dropped, its cookies stop loading.
    app.config["SECRET_KEY_FALLBACKS"] = []
    client.set_cookie("session", old_cookie)
    assert client.get("/get/name").data == b"None"


def test_signing_serializer_keys(app: Flask) -> None:
    interface = SecureCookieSessionInterface()
    app.secret_key = "new"
    app.config["SECRET_KEY_FALLBACKS"] = ["b", "a"]
    signer = interface.get_signing_serializer(app)
    assert signer is not None
    # The signing key is last; fallbacks keep their configured order.
    assert signer.secret_keys == [b"b", b"a", b"new"]
    assert signer.secret_key == b"new"
    assert signer.salt == b"cookie-session"


def test_signing_serializer_is_cached_until_keys_change(app: Flask) -> None:
    interface = SecureCookieSessionInterface()
    first = interface.get_signing_serializer(app)
    assert first is not None
    assert interface.get_signing_serializer(app) is first
    other = Flask("other")
    other.secret_key = app.secret_key
    assert interface.get_signing_serializer(other) is first

    app.secret_key = "changed"
    changed = interface.get_signing_serializer(app)
    assert changed is not first
    assert changed is not None
    assert changed.secret_key == b"changed"

    app.config["SECRET_KEY_FALLBACKS"] = ["test key"]
    rotated = interface.get_signing_serializer(app)
    assert rotated is not changed
    assert rotated is not None
    assert rotated.secret_keys == [b"test key", b"changed"]


def test_signing_serializer_cache_is_bounded(app: Flask) -> None:
    interface = SecureCookieSessionInterface()
    for i in range(50):
        app.secret_key = f"key {i}"
        signer = interface.get_signing_serializer(app)
        assert signer is not None
        assert signer.secret_key == f"key {i}".encode()
    assert len(interface._serializers) <= 8


def test_signing_serializer_without_key(app: Flask) -> None:
    app.secret_key = None
    assert SecureCookieSessionInterface().get_signing_serializer(app) is None
    app.secret_key = ""
    assert SecureCookieSessionInterface().get_signing_serializer(app) is None


def test_subclass_skipping_init_still_caches(app: Flask) -> None:
    class Interface(SecureCookieSessionInterface):
        def __init__(self) -> None:
            pass

    interface = Interface()
    first = interface.get_signing_serializer(app)
    assert first is not None
    assert interface.get_signing_serializer(app) is first


# -- no secret key -------------------------------------------------------------------


@pytest.fixture
def keyless(app: Flask) -> Flask:
    app.secret_key = None
    return app


def test_no_secret_key_reading_works(keyless: Flask) -> None:
    client = keyless.test_client()
    rv = client.get("/get/name")
    assert (rv.status_code, rv.data) == (200, b"None")
    assert "Set-Cookie" not in rv.headers
    assert "Vary" not in rv.headers  # null sessions are never saved


def test_no_secret_key_writing_raises(keyless: Flask) -> None:
    client = keyless.test_client()
    with pytest.raises(RuntimeError) as info:
        client.get("/set/name/ann")
    message = str(info.value)
    assert "session is unavailable because no secret key was set" in message
    assert "Set the secret_key on the application" in message


def test_no_secret_key_writing_is_500_outside_testing(keyless: Flask) -> None:
    keyless.testing = False
    rv = keyless.test_client().get("/set/name/ann")
    assert rv.status_code == 500


def test_no_secret_key_session_is_null(keyless: Flask) -> None:
    with keyless.test_request_context():
        assert isinstance(session._get_current_object(), NullSession)  # type: ignore[attr-defined]
        assert keyless.session_interface.is_null_session(session)


def test_null_session_methods() -> None:
    s = NullSession()
    assert s.get("x") is None
    assert dict(s) == {}
    assert not s.permanent
    calls: list[t.Callable[[], object]] = [
        lambda: s.__setitem__("a", 1),
        lambda: s.__delitem__("a"),
        s.clear,
        lambda: s.pop("a"),
        s.popitem,
        lambda: s.update(a=1),
        lambda: s.setdefault("a", 1),
        lambda: setattr(s, "permanent", True),
    ]
    for call in calls:
        with pytest.raises(RuntimeError, match="no secret key was set"):
            call()


# -- lazy opening and refresh -------------------------------------------------------


def test_untouched_permanent_session_is_refreshed(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.permanent_session_lifetime = timedelta(hours=1)
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now - 100)
    client.get("/permanent")
    monkeypatch.undo()
    old_cookie = session_cookie(client)

    rv = client.get("/untouched")
    assert rv.data == b"untouched"
    header = set_cookie_header(rv)
    assert header.startswith("session=")
    expected = datetime.now(timezone.utc) + timedelta(hours=1)
    assert abs((cookie_expires(rv) - expected).total_seconds()) < 5
    assert rv.headers["Vary"] == "Cookie"
    # Same data, newer timestamp.
    assert session_cookie(client) != old_cookie
    assert client.get("/get/user").data == b"'ann'"


def test_untouched_permanent_session_without_refresh(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/permanent")
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    rv = client.get("/untouched")
    assert "Set-Cookie" not in rv.headers
    assert "Vary" not in rv.headers
    rv = client.get("/get/user")
    assert rv.data == b"'ann'"
    assert "Set-Cookie" not in rv.headers
    assert rv.headers["Vary"] == "Cookie"


def test_read_permanent_session_is_refreshed(client: FlaskClient) -> None:
    client.get("/permanent")
    rv = client.get("/get/user")
    assert set_cookie_header(rv).startswith("session=")


def test_non_permanent_session_is_not_refreshed(client: FlaskClient) -> None:
    client.get("/set/a/b")
    assert "Set-Cookie" not in client.get("/get/a").headers
    assert "Set-Cookie" not in client.get("/untouched").headers


def count_opens(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    interface = SecureCookieSessionInterface()
    calls: list[int] = []
    original = interface.open_session

    def open_session(app: Flask, request: Request) -> t.Any:
        calls.append(1)
        return original(app, request)

    monkeypatch.setattr(interface, "open_session", open_session)
    app.session_interface = interface
    return calls


def test_untouched_session_is_not_opened_without_cookie(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_opens(app, monkeypatch)
    client.get("/untouched")
    client.set_cookie("other", "x")
    client.get("/untouched")
    assert calls == []
    client.get("/get/a")
    assert calls == [1]


def test_untouched_session_is_opened_for_refresh(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_opens(app, monkeypatch)
    client.get("/set/a/b")
    assert calls == [1]
    client.get("/untouched")
    assert calls == [1, 1]
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client.get("/untouched")
    assert calls == [1, 1]


def test_should_open_for_save(app: Flask) -> None:
    interface = SecureCookieSessionInterface()
    with app.test_request_context():
        from minflask import request

        assert not interface.should_open_for_save(app, request)
    with app.test_request_context(headers={"Cookie": "other=1"}):
        assert not interface.should_open_for_save(app, request)
    with app.test_request_context(headers={"Cookie": "session=1"}):
        assert interface.should_open_for_save(app, request)
        app.config["SESSION_REFRESH_EACH_REQUEST"] = False
        assert not interface.should_open_for_save(app, request)


def test_should_open_for_save_custom_subclass(app: Flask) -> None:
    class Custom(SecureCookieSessionInterface):
        def open_session(self, app: Flask, request: Request) -> t.Any:
            return super().open_session(app, request)

    class OtherSession(SecureCookieSession):
        pass

    class CustomSession(SecureCookieSessionInterface):
        session_class = OtherSession

    class Plain(SecureCookieSessionInterface):
        salt = "other"

    with app.test_request_context():
        from minflask import request

        assert Custom().should_open_for_save(app, request)
        assert CustomSession().should_open_for_save(app, request)
        assert not Plain().should_open_for_save(app, request)


def test_subclass_overriding_save_sees_every_request(
    app: Flask, client: FlaskClient
) -> None:
    class Stamping(SecureCookieSessionInterface):
        def save_session(
            self, app: Flask, session: SessionMixin, response: Response
        ) -> None:
            response.headers["X-Saved"] = "yes"
            super().save_session(app, session, response)

    app.session_interface = Stamping()
    assert client.get("/untouched").headers["X-Saved"] == "yes"


# -- modification tracking ------------------------------------------------------------


def test_nested_mutation_needs_modified(app: Flask, client: FlaskClient) -> None:
    @app.route("/init")
    def init() -> str:
        session["items"] = []
        return ""

    @app.route("/append")
    def append() -> str:
        session["items"].append(1)
        return ""

    @app.route("/append-marked")
    def append_marked() -> str:
        session["items"].append(2)
        session.modified = True
        return ""

    @app.route("/items")
    def items() -> str:
        return repr(session["items"])

    client.get("/init")
    rv = client.get("/append")
    assert "Set-Cookie" not in rv.headers
    assert client.get("/items").data == b"[]"
    rv = client.get("/append-marked")
    assert "Set-Cookie" in rv.headers
    assert client.get("/items").data == b"[2]"


def test_secure_cookie_session_flags() -> None:
    # The object tracks changes only; reads are recorded by the request
    # context that hands it out (see test_session_accessed_only_via_context).
    s = SecureCookieSession({"a": 1})
    assert (s.modified, s.accessed) == (False, False)
    for read in (lambda s: s["a"], lambda s: s.get("b"), len, iter, dict):
        read(s)
    assert (s.modified, s.accessed) == (False, False)

    s = SecureCookieSession()
    assert s.setdefault("a", 3) == 3
    assert s.modified

    s = SecureCookieSession()
    s["a"] = 1
    assert s.modified

    s = SecureCookieSession([("a", 1)])
    del s["a"]
    assert s.modified

    s = SecureCookieSession()
    s.permanent = True
    assert s.permanent is True
    assert s["_permanent"] is True
    assert s.modified


def test_session_mixin_defaults() -> None:
    class Plain(dict[str, t.Any], SessionMixin):
        pass

    s = Plain()
    assert s.new is False
    assert s.modified is True
    assert s.accessed is False
    assert s.permanent is False
    s.permanent = 1  # type: ignore[assignment]
    assert s["_permanent"] is True
    assert s.permanent is True


# -- the base interface ------------------------------------------------------------------


def test_session_interface_defaults(app: Flask) -> None:
    interface = SessionInterface()
    assert interface.null_session_class is NullSession
    assert interface.pickle_based is False
    null = interface.make_null_session(app)
    assert isinstance(null, NullSession)
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())
    assert interface.get_cookie_name(app) == "session"
    assert interface.get_cookie_domain(app) is None
    assert interface.get_cookie_path(app) == "/"
    assert interface.get_cookie_httponly(app) is True
    assert interface.get_cookie_secure(app) is False
    assert interface.get_cookie_samesite(app) is None
    assert interface.get_cookie_partitioned(app) is False
    with app.test_request_context():
        from minflask import request

        assert interface.should_open_for_save(app, request)
        with pytest.raises(NotImplementedError):
            interface.open_session(app, request)
    with pytest.raises(NotImplementedError):
        interface.save_session(app, SecureCookieSession(), Response())


def test_get_expiration_time(app: Flask) -> None:
    interface = SessionInterface()
    s = SecureCookieSession()
    assert interface.get_expiration_time(app, s) is None
    s.permanent = True
    app.permanent_session_lifetime = timedelta(minutes=5)
    expires = interface.get_expiration_time(app, s)
    assert expires is not None
    assert expires.tzinfo is not None
    expected = datetime.now(timezone.utc) + timedelta(minutes=5)
    assert abs((expires - expected).total_seconds()) < 5


def test_should_set_cookie(app: Flask) -> None:
    interface = SessionInterface()
    s = SecureCookieSession({"a": 1})
    assert not interface.should_set_cookie(app, s)
    s.modified = True
    assert interface.should_set_cookie(app, s)
    s = SecureCookieSession({"_permanent": True})
    assert interface.should_set_cookie(app, s)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert not interface.should_set_cookie(app, s)


def test_secure_cookie_interface_attributes() -> None:
    interface = SecureCookieSessionInterface()
    assert interface.salt == "cookie-session"
    assert interface.digest_method().name == "sha1"
    assert interface.key_derivation == "hmac"
    assert interface.session_class is SecureCookieSession
    assert interface.pickle_based is False


def test_default_interface_is_secure_cookie(app: Flask) -> None:
    assert isinstance(app.session_interface, SecureCookieSessionInterface)


class DictInterface(SessionInterface):
    """A server-side store keyed by a fixed cookie, to test custom backends."""

    def __init__(self) -> None:
        self.store: dict[str, dict[str, t.Any]] = {}
        self.opened = 0

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession:
        self.opened += 1
        sid = request.cookies.get("sid", "")
        return SecureCookieSession(self.store.get(sid, {}))

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        if session.modified:
            self.store["1"] = dict(session)
            response.set_cookie("sid", "1")


def test_custom_interface(app: Flask, client: FlaskClient) -> None:
    interface = DictInterface()
    app.session_interface = interface
    client.get("/set/a/b")
    assert interface.store == {"1": {"a": "b"}}
    assert client.get("/get/a").data == b"'b'"
    client.get("/untouched")
    # The base class opens even untouched sessions, as Flask always does.
    assert interface.opened == 3


def test_open_session_returning_none_gives_null_session(
    app: Flask, client: FlaskClient
) -> None:
    class NoSessions(SessionInterface):
        def open_session(self, app: Flask, request: Request) -> None:
            return None

    app.session_interface = NoSessions()
    assert client.get("/get/a").data == b"None"
    with pytest.raises(RuntimeError, match="secret_key"):
        client.get("/set/a/b")


# -- cookie size ----------------------------------------------------------------------


def test_max_cookie_size_warning(app: Flask, client: FlaskClient) -> None:
    @app.route("/big")
    def big() -> str:
        # Random-looking data, so the signer's compression cannot shrink it.
        session["data"] = [hashlib.sha256(bytes([i])).hexdigest() for i in range(4)]
        return ""

    app.config["MAX_COOKIE_SIZE"] = 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.get("/set/a/b")  # small enough: no warning

    with pytest.warns(UserWarning, match="'session' cookie is too large"):
        client.get("/big")

    app.config["MAX_COOKIE_SIZE"] = 0  # zero turns the check off
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.get("/big")


def test_default_max_cookie_size_warning(app: Flask, client: FlaskClient) -> None:
    @app.route("/huge")
    def huge() -> str:
        session["data"] = [hashlib.sha256(bytes([i])).hexdigest() for i in range(80)]
        return ""

    with pytest.warns(UserWarning, match="too large"):
        client.get("/huge")


# -- session_transaction ----------------------------------------------------------------


def test_session_transaction(client: FlaskClient) -> None:
    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["name"] = "ann"
    assert client.get("/get/name").data == b"'ann'"

    with client.session_transaction() as sess:
        assert sess["name"] == "ann"
        sess["name"] = "bob"
    assert client.get("/get/name").data == b"'bob'"


def test_session_transaction_sees_view_changes(client: FlaskClient) -> None:
    client.get("/set/a/b")
    with client.session_transaction() as sess:
        assert sess["a"] == "b"


def test_session_transaction_permanent(app: Flask, client: FlaskClient) -> None:
    with client.session_transaction() as sess:
        sess["x"] = 1
        sess.permanent = True
    assert client.get("/get/x").data == b"1"


def test_session_transaction_without_cookies(app: Flask) -> None:
    client = app.test_client(use_cookies=False)
    with (
        pytest.raises(TypeError, match="Cookies are disabled"),
        client.session_transaction(),
    ):
        pass


def test_session_transaction_without_secret_key(keyless: Flask) -> None:
    client = keyless.test_client()
    with (
        pytest.raises(RuntimeError, match="Session backend did not open a session"),
        client.session_transaction(),
    ):
        pass


def test_session_accessed_only_via_context(app: Flask) -> None:
    """After a request, the context's session says whether the view used it:
    saving the cookie does not count as a use."""
    from minflask.globals import request_ctx

    @app.route("/store")
    def store_value() -> str:
        session["v"] = 1
        return ""

    @app.route("/nothing")
    def nothing() -> str:
        return ""

    client = app.test_client()
    client.get("/store")
    with client:
        rv = client.get("/nothing")
        assert "Vary" not in rv.headers
        opened = request_ctx._session  # type: ignore[attr-defined]
        assert dict(opened) == {"v": 1}
        assert (opened.accessed, opened.modified) == (False, False)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"SESSION_COOKIE_DOMAIN": ".Example.COM:8080", "SESSION_COOKIE_SECURE": True},
        {"SESSION_COOKIE_PATH": "/a b;c/ü", "SESSION_COOKIE_HTTPONLY": False},
        {"SESSION_COOKIE_SAMESITE": "lax", "SESSION_COOKIE_PARTITIONED": True},
        {"SESSION_COOKIE_NAME": "my_session", "SESSION_COOKIE_SAMESITE": "None"},
        {"APPLICATION_ROOT": "/app", "SESSION_COOKIE_DOMAIN": "localhost"},
    ],
)
def test_session_cookie_header_is_set_cookies(
    app: Flask, client: FlaskClient, settings: dict[str, t.Any]
) -> None:
    """Whichever road writes it, the session's Set-Cookie header is what
    Werkzeug's set_cookie writes for the same value and settings."""
    app.config.update(settings)

    @app.route("/write")
    def write() -> str:
        session["n"] = session.get("n", 0) + 1
        return "ok"

    for _ in range(2):  # the first request also builds what is kept
        rv = client.get("/write")
        (header,) = rv.headers.getlist("Set-Cookie")
        name = app.config["SESSION_COOKIE_NAME"]
        value = header.partition(";")[0].partition("=")[2]
        expected = Response()
        expected.set_cookie(
            name,
            value,
            **app.session_interface._cookie_options(app),  # type: ignore[attr-defined]
        )
        assert header == expected.headers["Set-Cookie"]
        assert rv.headers["Vary"] == "Cookie"
