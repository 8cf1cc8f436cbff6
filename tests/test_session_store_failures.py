"""What an app does while its session store fails (issue 14, points 1-3):
a failed open is remembered for the rest of the request, a failed save
keeps the view's answer, and a circuit breaker stops requests from queueing
behind a store that hangs. Against real stores: an SQLite file that is
missing, locked or read-only, and a real redis-server that is stopped or
hung with SIGSTOP (tests/redis_server.py); plus a fake Redis that accepts
connections and never answers."""

from __future__ import annotations

import logging
import signal
import socket
import sqlite3
import statistics
import threading
import time
import typing as t
from pathlib import Path

import pytest
from werkzeug.wrappers import Response as WerkzeugResponse

from minflask import (
    Flask,
    flash,
    get_flashed_messages,
    redirect,
    render_template_string,
    session,
)
from minflask.sessions import (
    ServerSideSessionInterface,
    SessionStoreUnavailable,
    SqliteSessionInterface,
    UnavailableSession,
)
from minflask.signals import session_save_failed
from tests.redis_server import RedisServer
from tests.redis_server import own_redis_server as own_redis_server
from tests.test_server_sessions import close_store, iface, make_app, set_cookie_headers

#: A layout as any app has: flashed messages and who is logged in.
LAYOUT = (
    "<p>flashes: {{ get_flashed_messages() }}</p>"
    "<p>user: {{ session.get('user') }}</p>"
    "<main>{{ body }}</main>"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_failure_views(app: Flask, done: list[str]) -> None:
    """A 503 page rendered with the layout, and views that do their work
    before the session is saved."""

    @app.errorhandler(503)
    def unavailable(e: Exception) -> tuple[str, int]:
        return render_template_string(LAYOUT, body="try again soon"), 503

    @app.route("/add/<name>")
    def add(name: str) -> t.Any:
        done.append(name)
        flash(f"added {name}")
        return redirect("/")

    @app.route("/")
    def index() -> str:
        return render_template_string(LAYOUT, body="index")


def signed_cookie(app: Flask, sid: str = "S" * 43) -> str:
    """A well-signed id cookie, so opening the session reaches the store."""
    signer = iface(app).get_signer(app)
    assert signer is not None
    return signer.sign(sid).decode()


def down_app(kind: str, tmp_path: Path, **config: t.Any) -> Flask:
    """An app whose store cannot be reached: Redis on a closed port, or an
    SQLite file in a folder that does not exist."""
    if kind == "redis":
        config["SESSION_REDIS_URL"] = f"redis://127.0.0.1:{_free_port()}/0"
    else:
        config["SESSION_SQLITE_PATH"] = str(tmp_path / "missing" / "s.sqlite3")
    return make_app(kind, tmp_path, TESTING=False, **config)


def count_reads(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    interface = iface(app)
    interface.init_app(app)
    calls: list[str] = []
    for name in ("read_record", "write_record", "touch_record", "delete_record"):
        original = getattr(interface, name)

        def counted(
            *args: t.Any, _name: str = name, _original: t.Any = original, **kw: t.Any
        ) -> t.Any:
            calls.append(_name)
            return _original(*args, **kw)

        monkeypatch.setattr(interface, name, counted)
    return calls


# -- 1. a failed open is remembered for the rest of the request -----------------------


@pytest.mark.parametrize("kind", ["redis", "sqlite"])
def test_the_503_page_renders_its_layout_while_the_store_is_down(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = down_app(kind, tmp_path)
    add_failure_views(app, [])
    calls = count_reads(app, monkeypatch)
    client = app.test_client()
    client.set_cookie("session", signed_cookie(app))
    response = client.get("/get/user")
    assert response.status_code == 503
    assert response.data == (
        b"<p>flashes: []</p><p>user: None</p><main>try again soon</main>"
    )
    # One try at the store: the 503 page did not open the session again.
    assert calls == ["read_record"]
    assert set_cookie_headers(response) == []
    close_store(app)


def test_minimal_case_redis_on_a_closed_port_and_a_503_handler(
    tmp_path: Path,
) -> None:
    app = down_app("redis", tmp_path)

    @app.errorhandler(503)
    def unavailable(e: Exception) -> tuple[str, int]:
        return f"flashes {get_flashed_messages()}", 503

    client = app.test_client()
    client.set_cookie("session", signed_cookie(app))
    response = client.get("/get/user")
    assert (response.status_code, response.data) == (503, b"flashes []")
    close_store(app)


@pytest.mark.parametrize("kind", ["redis", "sqlite"])
def test_after_a_failed_open_reads_are_empty_and_writes_are_refused(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = down_app(kind, tmp_path, SESSION_STORE_COOLDOWN=0)
    seen: dict[str, t.Any] = {}

    @app.route("/careful")
    def careful() -> str:
        try:
            session.get("user")
        except SessionStoreUnavailable:
            seen["first"] = "raised"
        seen["second"] = dict(session)
        current = session._get_current_object()  # type: ignore[attr-defined]
        seen["type"] = isinstance(current, UnavailableSession) and "UnavailableSession"
        seen["flashes"] = get_flashed_messages()
        for name, write in [
            ("set", lambda: session.__setitem__("user", "ann")),
            ("clear", session.clear),
            ("flash", lambda: flash("hi")),
            ("permanent", lambda: setattr(session, "permanent", True)),
        ]:
            try:
                write()
            except SessionStoreUnavailable:
                seen[name] = "refused"
        return "handled"

    calls = count_reads(app, monkeypatch)
    client = app.test_client()
    client.set_cookie("session", signed_cookie(app))
    response = client.get("/careful")
    assert seen == {
        "first": "raised",
        "second": {},
        "flashes": [],
        "set": "refused",
        "clear": "refused",
        "flash": "refused",
        "permanent": "refused",
        "type": "UnavailableSession",
    }
    # The view handled it and answered; nothing was saved or tried again.
    assert (response.status_code, response.data) == (200, b"handled")
    assert calls == ["read_record"]
    assert set_cookie_headers(response) == []
    # The next request tries the store again (no cool-down configured).
    client.get("/careful")
    assert calls == ["read_record", "read_record"]
    close_store(app)


def test_a_write_refused_in_the_view_is_the_503(tmp_path: Path) -> None:
    app = down_app("sqlite", tmp_path)

    @app.route("/sign-in")
    def sign_in() -> str:
        try:
            session.get("user")
        except SessionStoreUnavailable:
            pass
        session["user"] = "ann"  # refused: raises the 503 again
        return "logged in"

    client = app.test_client()
    client.set_cookie("session", signed_cookie(app))
    response = client.get("/sign-in")
    assert response.status_code == 503
    assert b"session store is unavailable" in response.data


# -- 2. a failed save keeps the view's answer --------------------------------------------


class ReadOnlySqlite(SqliteSessionInterface):
    """An SQLite store on a database it may read but not write, as a file
    without write permission is (root ignores file modes, so the tests ask
    SQLite itself: every write fails with "attempt to write a readonly
    database")."""

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        conn.execute("PRAGMA query_only = ON")
        return conn


class Breakage:
    """Breaks a working store after the session was opened, the way each
    outage of the issue does, and mends it."""

    def __init__(self, how: str, app: Flask, tmp_path: Path) -> None:
        self.how = how
        self.app = app
        self.blocker: sqlite3.Connection | None = None
        self.redis: RedisServer | None = None

    def break_(self) -> None:
        interface = iface(self.app)
        if self.how == "sqlite-locked":
            self.blocker = sqlite3.connect(interface.path, isolation_level=None)  # type: ignore[attr-defined]
            self.blocker.execute("BEGIN EXCLUSIVE")
        elif self.how == "sqlite-readonly":
            interface.close()  # type: ignore[attr-defined]
            interface.__class__ = ReadOnlySqlite
        else:
            assert self.redis is not None
            self.redis.stop()

    def mend(self) -> None:
        interface = iface(self.app)
        if self.blocker is not None:
            self.blocker.execute("ROLLBACK")
            self.blocker.close()
            self.blocker = None
        elif self.how == "sqlite-readonly":
            interface.close()  # type: ignore[attr-defined]
            interface.__class__ = SqliteSessionInterface
        elif self.redis is not None and self.redis.process is None:
            self.redis.start()


OUTAGES = ["sqlite-locked", "sqlite-readonly", "redis-stopped"]


@pytest.fixture(params=OUTAGES)
def outage(
    request: pytest.FixtureRequest, tmp_path: Path
) -> t.Iterator[tuple[Flask, Breakage]]:
    how = request.param
    if how.startswith("sqlite"):
        app = make_app("sqlite", tmp_path, SESSION_STORE_COOLDOWN=0)
        app.session_interface = SqliteSessionInterface(
            tmp_path / "s.sqlite3", timeout=0.2
        )
    else:
        server = request.getfixturevalue("own_redis_server")
        app = make_app(
            "redis", tmp_path, SESSION_REDIS_URL=server.url, SESSION_STORE_COOLDOWN=0
        )
    breakage = Breakage(how, app, tmp_path)
    if how == "redis-stopped":
        breakage.redis = server
    yield app, breakage
    breakage.mend()
    close_store(app)


def test_a_completed_view_is_not_reported_failed_when_saving_fails(
    outage: tuple[Flask, Breakage], caplog: pytest.LogCaptureFixture
) -> None:
    app, breakage = outage
    done: list[str] = []
    add_failure_views(app, done)
    failures: list[dict[str, t.Any]] = []

    def on_failure(sender: Flask, **extra: t.Any) -> None:
        failures.append({"sender": sender, **extra})

    @app.route("/add-and-break/<name>")
    def add_and_break(name: str) -> t.Any:
        assert session["user"] == "ann"  # opened while the store worked
        breakage.break_()
        done.append(name)
        flash(f"added {name}")
        return redirect("/")

    client = app.test_client()
    client.get("/login/ann")
    cookie = client.get_cookie("session")
    assert cookie is not None

    with (
        session_save_failed.connected_to(on_failure, app),
        caplog.at_level(logging.WARNING),
    ):
        response = client.get("/add-and-break/apple")
    # The holding was added and the client is told so: a retry would add
    # it twice. Only the flash message is lost.
    assert done == ["apple"]
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert set_cookie_headers(response) == []
    assert client.get_cookie("session").value == cookie.value  # type: ignore[union-attr]
    assert "Session not saved" in caplog.text and "302 FOUND" in caplog.text
    assert len(failures) == 1
    failure = failures[0]
    assert failure["sender"] is app
    assert failure["response"] is not None and failure["response"].status_code == 302
    assert isinstance(failure["error"], SessionStoreUnavailable)
    assert failure["session"]["_flashes"] == [("message", "added apple")]

    # A new visitor: nothing to open, the save fails, the answer stays.
    with session_save_failed.connected_to(on_failure, app):
        response = app.test_client().get("/add/pear")
    assert done == ["apple", "pear"]
    assert response.status_code == 302
    assert set_cookie_headers(response) == []
    assert len(failures) == 2

    breakage.mend()
    if breakage.how == "redis-stopped":
        # Persistence is off: the restarted Redis lost the session.
        client.get("/login/ann")
    assert client.get("/add/cherry").status_code == 302
    assert b"added cherry" in client.get("/").data


def test_save_failure_without_receivers_only_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = down_app("sqlite", tmp_path)
    done: list[str] = []
    add_failure_views(app, done)
    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/add/x")
    assert (response.status_code, done) == (302, ["x"])
    assert "Session not saved (SQLite" in caplog.text


# -- 3. the circuit breaker ------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FlakyStore:
    """Replaces an interface's ``read_record``: fails while ``down``, and
    counts every call that reaches it."""

    def __init__(self, interface: ServerSideSessionInterface) -> None:
        self.calls = 0
        self.down = True
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self._read = interface.read_record
        interface.read_record = self.read  # type: ignore[method-assign]

    def read(self, key: str) -> t.Any:
        self.calls += 1
        self.entered.set()
        self.release.wait(10)
        if self.down:
            raise sqlite3.OperationalError("disk I/O error")
        return self._read(key)


@pytest.fixture
def breaker_app(tmp_path: Path) -> t.Iterator[tuple[Flask, FlakyStore, FakeClock]]:
    app = make_app("sqlite", tmp_path, TESTING=False, SESSION_STORE_COOLDOWN=5)
    client = app.test_client()
    client.get("/set/a/1")  # a stored session to open
    interface = iface(app)
    clock = FakeClock()
    interface._breaker.clock = clock  # type: ignore[attr-defined]
    store = FlakyStore(interface)
    app.config["_cookie"] = client.get_cookie("session").value  # type: ignore[union-attr]
    yield app, store, clock
    close_store(app)


def get_a(app: Flask) -> WerkzeugResponse:
    client = app.test_client()
    client.set_cookie("session", app.config["_cookie"])
    return client.get("/get/a")


def test_breaker_fails_fast_during_the_cool_down_then_probes(
    breaker_app: tuple[Flask, FlakyStore, FakeClock],
) -> None:
    app, store, clock = breaker_app
    assert get_a(app).status_code == 503
    assert store.calls == 1
    # Cool-down: answered at once, the store left alone, with Retry-After.
    for _ in range(5):
        response = get_a(app)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
    assert store.calls == 1
    clock.now += 4
    assert get_a(app).headers["Retry-After"] == "1"
    assert store.calls == 1
    # Cool-down over: one request probes, fails, and starts another.
    clock.now += 1.5
    assert get_a(app).status_code == 503
    assert store.calls == 2
    assert get_a(app).status_code == 503
    assert store.calls == 2
    # The store is back: the first request after the cool-down succeeds
    # and closes the breaker.
    store.down = False
    clock.now += 5
    assert get_a(app).data == b"'1'"
    assert get_a(app).data == b"'1'"
    assert store.calls == 4


def test_breaker_lets_one_probe_through_at_a_time(
    breaker_app: tuple[Flask, FlakyStore, FakeClock],
) -> None:
    app, store, clock = breaker_app
    assert get_a(app).status_code == 503
    clock.now += 6
    store.release.clear()
    store.entered.clear()
    results: list[int] = []
    probe = threading.Thread(target=lambda: results.append(get_a(app).status_code))
    probe.start()
    assert store.entered.wait(10)
    # While the probe hangs, everyone else is answered without the store.
    others = [get_a(app).status_code for _ in range(10)]
    assert others == [503] * 10
    assert store.calls == 2
    store.down = False
    store.release.set()
    probe.join(10)
    assert results == [200]
    assert get_a(app).status_code == 200


def test_breaker_covers_saving_too(
    breaker_app: tuple[Flask, FlakyStore, FakeClock],
) -> None:
    app, _store, _clock = breaker_app
    assert get_a(app).status_code == 503
    writes: list[str] = []
    interface = iface(app)
    original = interface.write_record

    def write(*args: t.Any, **kwargs: t.Any) -> bool:
        writes.append("write")
        return original(*args, **kwargs)

    interface.write_record = write  # type: ignore[method-assign]
    failures: list[Exception] = []

    def on_failure(sender: Flask, error: Exception, **extra: t.Any) -> None:
        failures.append(error)

    with session_save_failed.connected_to(on_failure, app):
        response = app.test_client().get("/set/b/2")
    assert response.status_code == 200
    assert writes == [] and len(failures) == 1
    assert set_cookie_headers(response) == []


def test_cool_down_zero_turns_the_breaker_off(
    breaker_app: tuple[Flask, FlakyStore, FakeClock],
) -> None:
    app, store, _clock = breaker_app
    iface(app).cooldown = 0
    for _ in range(3):
        assert get_a(app).status_code == 503
    assert store.calls == 3


@pytest.mark.parametrize("value", [-1, "soon", float("nan"), None, [1]])
def test_bad_cool_down_setting_is_refused(tmp_path: Path, value: t.Any) -> None:
    app = make_app("sqlite", tmp_path, SESSION_STORE_COOLDOWN=value)
    with pytest.raises(ValueError, match="SESSION_STORE_COOLDOWN must be a number"):
        app.session_interface  # noqa: B018


def test_bad_cool_down_argument_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cooldown must be 0 or more"):
        SqliteSessionInterface(tmp_path / "x.sqlite3", cooldown=-1)


def test_cool_down_from_config_and_constructor(tmp_path: Path) -> None:
    from datetime import timedelta

    app = make_app("sqlite", tmp_path, SESSION_STORE_COOLDOWN=timedelta(seconds=3))
    assert iface(app).cooldown == 3.0
    assert SqliteSessionInterface(tmp_path / "x.sqlite3", cooldown=0.5).cooldown == 0.5
    assert make_app("sqlite", tmp_path / "d").session_interface.cooldown == 1.0  # type: ignore[attr-defined]


# -- a hung store under load ------------------------------------------------------------------


class HungRedis:
    """A TCP server on 127.0.0.1 posing as Redis: it accepts connections
    and never answers. Counts the connections it accepted."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


CLIENTS = 20
REQUESTS_EACH = 15
PAUSE = 0.1


def load(app: Flask, cookie: str) -> tuple[list[int], list[float]]:
    """``CLIENTS`` threads, each sending ``REQUESTS_EACH`` requests that read
    the session, ``PAUSE`` seconds apart; their statuses and durations."""
    statuses: list[int] = []
    durations: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client_thread() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie)
        start.wait()
        for _ in range(REQUESTS_EACH):
            began = time.monotonic()
            status = client.get("/get/a").status_code
            took = time.monotonic() - began
            with lock:
                statuses.append(status)
                durations.append(took)
            time.sleep(PAUSE)

    threads = [threading.Thread(target=client_thread) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses, durations


def report(label: str, durations: list[float], contacts: int) -> str:
    ordered = sorted(durations)
    p90 = ordered[int(len(ordered) * 0.9)]
    return (
        f"{label}: {len(durations)} requests from {CLIENTS} clients, median"
        f" {statistics.median(ordered) * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms,"
        f" max {ordered[-1]:.3f} s; store reached {contacts} times"
    )


def test_hung_store_answers_every_client_503_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fake Redis that accepts and never answers (redis-py times out
    after 2 s): the first wave waits that out, then the breaker answers the
    rest without touching the store, bar one probe per cool-down."""
    hung = HungRedis()
    app = make_app(
        "redis",
        tmp_path,
        TESTING=False,
        SESSION_REDIS_URL=f"redis://127.0.0.1:{hung.port}/0",
    )
    reads = count_reads(app, pytest.MonkeyPatch())
    began = time.monotonic()
    statuses, durations = load(app, signed_cookie(app))
    elapsed = time.monotonic() - began
    hung.close()
    close_store(app)
    assert statuses == [503] * (CLIENTS * REQUESTS_EACH)
    assert max(durations) < 7
    # The first wave (one read per client), then at most one probe per
    # cool-down (1 s) for the rest of the run.
    assert 1 <= len(reads) <= CLIENTS + elapsed / 1.0 + 1
    assert len(hung.accepted) <= len(reads) + 1
    with capsys.disabled():
        print("\n" + report("hung fake Redis", durations, len(reads)))


def test_sigstopped_redis_answers_503_fast_and_recovers(
    own_redis_server: RedisServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real redis-server hung with SIGSTOP: every request a 503, none
    waiting past the client timeout; after SIGCONT, requests succeed again
    within the cool-down plus one round trip."""
    app = make_app(
        "redis", tmp_path, TESTING=False, SESSION_REDIS_URL=own_redis_server.url
    )
    client = app.test_client()
    client.get("/set/a/1")
    cookie = client.get_cookie("session").value  # type: ignore[union-attr]
    reads = count_reads(app, pytest.MonkeyPatch())
    process = own_redis_server.process
    assert process is not None
    process.send_signal(signal.SIGSTOP)
    try:
        began = time.monotonic()
        statuses, durations = load(app, cookie)
        elapsed = time.monotonic() - began
    finally:
        process.send_signal(signal.SIGCONT)
    resumed = time.monotonic()
    assert statuses == [503] * (CLIENTS * REQUESTS_EACH)
    assert max(durations) < 7
    assert 1 <= len(reads) <= CLIENTS + elapsed / 1.0 + 1
    # Back: requests succeed again once the cool-down allows a probe.
    recovered = None
    for _ in range(200):
        response = app.test_client()
        response.set_cookie("session", cookie)
        if response.get("/get/a").status_code == 200:
            recovered = time.monotonic() - resumed
            break
        time.sleep(0.05)
    close_store(app)
    assert recovered is not None and recovered < 5
    with capsys.disabled():
        print("\n" + report("SIGSTOPped redis-server", durations, len(reads)))
        print(f"first success {recovered:.3f} s after SIGCONT")
