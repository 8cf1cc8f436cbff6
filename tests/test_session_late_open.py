"""A session first opened after the view ran, while the store is down
(issue 14, point 1): in an error handler for another error (a 404 page
whose layout shows flashed messages), an ``after_request`` function, a
``teardown_request`` function, or a context processor rendering an error
page. The request keeps its own answer (a 404 stays a 404, the view's 200
goes out); the session reads as empty there.

Against real stores: Redis on a closed port, stopped, and hung with
SIGSTOP, an SQLite file that cannot be opened or is locked by another
connection. Each case runs
on both roads a request can take: the plain one of
:mod:`minflask._speedups.dispatch` and the named methods of ``app.py``,
and once in an interpreter where ``minflask._speedups`` cannot be imported.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import time
import typing as t
from pathlib import Path

import pytest

import minflask.app
from minflask import (
    Flask,
    flash,
    get_flashed_messages,
    render_template_string,
    session,
)
from minflask.sessions import SessionStoreUnavailable, SqliteSessionInterface
from tests.redis_server import RedisServer
from tests.redis_server import own_redis_server as own_redis_server
from tests.test_server_sessions import (
    close_store,
    iface,
    make_app,
    set_cookie_headers,
)
from tests.test_session_store_failures import LAYOUT, down_app, signed_cookie
from tests.test_speedups import run_python

OUTAGES = ["redis-closed-port", "redis-stopped", "sqlite-missing", "sqlite-locked"]

#: What LAYOUT shows with an empty session.
EMPTY_LAYOUT = "<p>flashes: []</p><p>user: None</p><main>{}</main>"


def store_ann(app: Flask) -> None:
    """Store a session under the id of :func:`signed_cookie`, so the store
    is known to work before it goes down."""
    interface = iface(app)
    interface.init_app(app)
    payload = interface.serializer.dumps({"user": "ann"})
    key = interface.key_prefix + "S" * 43
    assert interface.write_record(key, payload, 60, create=True)


@pytest.fixture(params=OUTAGES)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> t.Iterator[Flask]:
    """An app whose session store is down, and a client cookie naming a
    session, so opening it needs the store."""
    how = request.param
    blocker: sqlite3.Connection | None = None
    if how == "redis-closed-port":
        app = down_app("redis", tmp_path)
    elif how == "sqlite-missing":
        app = down_app("sqlite", tmp_path)
    elif how == "redis-stopped":
        server = request.getfixturevalue("own_redis_server")
        app = make_app("redis", tmp_path, TESTING=False, SESSION_REDIS_URL=server.url)
        store_ann(app)
        server.stop()
    else:
        app = make_app("sqlite", tmp_path, TESTING=False)
        app.session_interface = SqliteSessionInterface(
            tmp_path / "s.sqlite3", timeout=0.2
        )
        store_ann(app)
        app.session_interface.close()  # type: ignore[attr-defined]
        # In WAL mode readers pass a writer's lock; in exclusive locking mode
        # the lock keeps them out too, as a crashed or stuck process can.
        blocker = sqlite3.connect(tmp_path / "s.sqlite3", isolation_level=None)
        blocker.execute("PRAGMA locking_mode = EXCLUSIVE")
        blocker.execute("BEGIN EXCLUSIVE")
    yield app
    if blocker is not None:
        blocker.execute("ROLLBACK")
        blocker.close()
    close_store(app)


@pytest.fixture(params=["plain", "named"])
def road(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which request path a hookless app takes: the plain road, or (with
    the shortcut switched off) ``wsgi_app`` and its named methods."""
    if request.param == "named":
        monkeypatch.setattr(minflask.app, "_serve_plain", None)
    return t.cast(str, request.param)


def logged_in_client(app: Flask) -> t.Any:
    client = app.test_client()
    client.set_cookie("session", signed_cookie(app))
    return client


# -- (a) the error page of another error --------------------------------------------------


def test_404_page_with_a_layout_stays_a_404(
    app: Flask, road: str, caplog: pytest.LogCaptureFixture
) -> None:
    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        return render_template_string(LAYOUT, body="no such page"), 404

    with caplog.at_level(logging.WARNING):
        response = logged_in_client(app).get("/no/such/page")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == EMPTY_LAYOUT.format("no such page")
    assert set_cookie_headers(response) == []
    assert "after the answer was decided" in caplog.text


def test_404_raised_by_a_before_request_hook_stays_a_404(app: Flask) -> None:
    @app.before_request
    def only_known() -> None:
        from minflask import abort

        abort(404)

    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        return render_template_string(LAYOUT, body="gone"), 404

    response = logged_in_client(app).get("/get/user")
    assert (response.status_code, response.get_data(as_text=True)) == (
        404,
        EMPTY_LAYOUT.format("gone"),
    )


def test_500_page_with_a_layout_stays_a_500(app: Flask, road: str) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise ValueError("boom")

    @app.errorhandler(500)
    def server_error(e: Exception) -> tuple[str, int]:
        return render_template_string(LAYOUT, body="sorry"), 500

    response = logged_in_client(app).get("/boom")
    assert (response.status_code, response.get_data(as_text=True)) == (
        500,
        EMPTY_LAYOUT.format("sorry"),
    )


def test_an_error_page_that_flashes_still_goes_out(app: Flask, road: str) -> None:
    """A write after the view ran is kept for the rest of the request and
    never stored: the page shows it, the client gets no cookie."""

    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        flash("that page is gone")
        return f"404 {get_flashed_messages()} {dict(session)}", 404

    response = logged_in_client(app).get("/no/such/page")
    assert (response.status_code, response.get_data(as_text=True)) == (
        404,
        "404 ['that page is gone'] {}",
    )
    assert set_cookie_headers(response) == []


# -- (b) after_request ------------------------------------------------------------------------


def test_after_request_reading_the_session_keeps_the_views_answer(
    app: Flask,
) -> None:
    seen: list[t.Any] = []

    @app.route("/work")
    def work() -> str:
        return "done"

    @app.after_request
    def note_user(response: t.Any) -> t.Any:
        seen.append(session.get("user"))
        return response

    response = logged_in_client(app).get("/work")
    assert (response.status_code, response.data) == (200, b"done")
    assert seen == [None]
    assert set_cookie_headers(response) == []


def test_after_request_writing_the_session_keeps_the_views_answer(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @app.route("/work")
    def work() -> str:
        return "done"

    @app.after_request
    def count_visits(response: t.Any) -> t.Any:
        session["visits"] = session.get("visits", 0) + 1
        response.headers["X-Visits"] = str(session["visits"])
        return response

    with caplog.at_level(logging.WARNING):
        response = logged_in_client(app).get("/work")
    assert (response.status_code, response.data) == (200, b"done")
    assert response.headers["X-Visits"] == "1"
    assert set_cookie_headers(response) == []
    assert "not stored" in caplog.text


def test_after_this_request_reading_the_session(app: Flask, road: str) -> None:
    from minflask import after_this_request

    @app.route("/work")
    def work() -> str:
        @after_this_request
        def tag(response: t.Any) -> t.Any:
            response.headers["X-User"] = repr(session.get("user"))
            return response

        return "done"

    response = logged_in_client(app).get("/work")
    assert (response.status_code, response.data) == (200, b"done")
    assert response.headers["X-User"] == "None"


# -- (c) teardown_request ---------------------------------------------------------------------


def test_teardown_reading_the_session_does_not_escape(app: Flask, road: str) -> None:
    seen: list[t.Any] = []

    @app.route("/work")
    def work() -> str:
        return "done"

    @app.teardown_request
    def audit(exc: BaseException | None) -> None:
        seen.append(dict(session))
        session["audited"] = True  # kept for this request only

    response = logged_in_client(app).get("/work")
    assert (response.status_code, response.data) == (200, b"done")
    assert seen == [{}]


# -- (d) a context processor on an error page ----------------------------------------------------


def test_context_processor_on_an_error_page(app: Flask, road: str) -> None:
    @app.context_processor
    def current_user() -> dict[str, t.Any]:
        return {"user": session.get("user", "guest")}

    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        return render_template_string("404 for {{ user }}"), 404

    response = logged_in_client(app).get("/no/such/page")
    assert (response.status_code, response.data) == (404, b"404 for guest")


# -- during dispatch the rule is unchanged: a 503 ------------------------------------------------


def test_a_view_reading_the_session_still_gets_the_503(app: Flask, road: str) -> None:
    @app.errorhandler(503)
    def unavailable(e: Exception) -> tuple[str, int]:
        flash("kept, never stored")
        return render_template_string(LAYOUT, body="try again"), 503

    response = logged_in_client(app).get("/get/user")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == (
        "<p>flashes: [&#39;kept, never stored&#39;]</p><p>user: None</p>"
        "<main>try again</main>"
    )
    assert set_cookie_headers(response) == []


def test_before_request_reading_the_session_still_gets_the_503(app: Flask) -> None:
    @app.before_request
    def load_user() -> None:
        session.get("user")

    response = logged_in_client(app).get("/get/user")
    assert response.status_code == 503


# -- a URL that matched no view: its answer is decided by routing ----------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/no/such/page", 404), ("DELETE", "/get/user", 405)],
)
def test_a_hook_that_loads_the_user_keeps_routings_answer(
    app: Flask, method: str, path: str, status: int
) -> None:
    """The usual app: a before_request hook loads the user from the session
    on every request, and the error page shows it. A missing page stays
    a 404 (a wrong method a 405) while the store is down."""
    from minflask import g

    @app.before_request
    def load_user() -> None:
        g.user = session.get("user")
        session.setdefault("seen", True)  # kept for this request, not stored

    @app.errorhandler(404)
    @app.errorhandler(405)
    def error_page(e: t.Any) -> tuple[str, int]:
        page = render_template_string(LAYOUT, body=f"{e.code} for {g.user}")
        return page, e.code

    response = logged_in_client(app).open(path, method=method)
    assert (response.status_code, response.get_data(as_text=True)) == (
        status,
        EMPTY_LAYOUT.format(f"{status} for None"),
    )
    assert set_cookie_headers(response) == []


# -- without minflask._speedups -----------------------------------------------------------------


def test_late_opens_without_the_speedups(tmp_path: Path) -> None:
    out = run_python(
        f"""
        import sys
        from minflask import Flask, render_template_string, session
        assert "minflask._speedups" not in sys.modules
        app = Flask("no_speedups")
        app.config.update(
            SECRET_KEY="k",
            SESSION_TYPE="sqlite",
            SESSION_SQLITE_PATH={str(tmp_path / "missing" / "s.sqlite3")!r},
        )

        @app.route("/work")
        def work():
            return "done"

        @app.after_request
        def tag(response):
            response.headers["X-User"] = repr(session.get("user"))
            return response

        @app.errorhandler(404)
        def not_found(e):
            return render_template_string("{{{{ get_flashed_messages() }}}}"), 404

        signer = app.session_interface.get_signer(app)
        client = app.test_client()
        client.set_cookie("session", signer.sign("S" * 43).decode())
        for path in ("/work", "/missing"):
            r = client.get(path)
            print(r.status_code, r.get_data(as_text=True), r.headers["X-User"])
        """,
        blocked=True,
    )
    assert out.splitlines() == ["200 done None", "404 [] None"]


def test_code_in_a_test_request_context_counts_as_a_view(app: Flask) -> None:
    """Outside a dispatch, as in a test or a script, reading the session
    raises as in a view; the teardown when the context ends does not."""
    seen: list[t.Any] = []

    @app.teardown_request
    def audit(exc: BaseException | None) -> None:
        seen.append(dict(session))

    cookie = f"session={signed_cookie(app)}"
    ctx = app.test_request_context("/get/user", headers={"Cookie": cookie})
    with ctx, pytest.raises(SessionStoreUnavailable):
        session.get("user")
    with app.test_request_context("/get/user", headers={"Cookie": cookie}):
        pass
    assert seen == [{}, {}]


def test_a_streamed_body_reading_the_session(app: Flask, road: str) -> None:
    """A generator kept in the request context runs after the view
    returned, while the response is sent: the body still goes out."""
    from minflask import stream_with_context

    @app.route("/stream")
    def stream() -> t.Any:
        def body() -> t.Iterator[str]:
            yield "hello "
            yield repr(session.get("user"))

        return stream_with_context(body())

    response = logged_in_client(app).get("/stream")
    assert (response.status_code, response.data) == (200, b"hello None")


def test_a_hung_redis_still_gives_the_404_page(
    own_redis_server: RedisServer, tmp_path: Path
) -> None:
    """Redis hung with SIGSTOP: the 404 page's read waits out the client
    timeout once, then the page renders as a 404."""
    app = make_app(
        "redis", tmp_path, TESTING=False, SESSION_REDIS_URL=own_redis_server.url
    )
    store_ann(app)

    @app.errorhandler(404)
    def not_found(e: Exception) -> tuple[str, int]:
        return render_template_string(LAYOUT, body="no such page"), 404

    process = own_redis_server.process
    assert process is not None
    process.send_signal(signal.SIGSTOP)
    try:
        began = time.monotonic()
        response = logged_in_client(app).get("/no/such/page")
        took = time.monotonic() - began
    finally:
        process.send_signal(signal.SIGCONT)
    close_store(app)
    assert (response.status_code, response.get_data(as_text=True)) == (
        404,
        EMPTY_LAYOUT.format("no such page"),
    )
    assert took < 7
