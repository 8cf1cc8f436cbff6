"""Regressions found by running Flask's own suite (blueprints, helpers, json,
signals, templating, testing, config, logging, async, request) on minflask."""

from __future__ import annotations

import asyncio
import contextvars
import typing as t

import pytest

import minflask
from minflask import Flask
from minflask.testing import FlaskClient

_marker: contextvars.ContextVar[str] = contextvars.ContextVar(
    "compat_ext_marker", default="untouched"
)


def test_async_view_context_vars_reach_sync_hooks(
    app: Flask, client: FlaskClient
) -> None:
    """A context variable set in an async view is seen by the sync
    after_request hook that runs next, as with a plain function call."""

    @app.route("/")
    async def index() -> str:
        _marker.set("from async view")
        return "ok"

    @app.after_request
    def tag(response: minflask.Response) -> minflask.Response:
        response.headers["X-Marker"] = _marker.get()
        return response

    def call() -> tuple[str, str]:
        rv = client.get("/")
        return rv.headers["X-Marker"], _marker.get()

    # Run in a copy so the variable does not leak into later tests; the
    # caller sees the value afterwards, just as after a sync call.
    assert contextvars.copy_context().run(call) == ("from async view",) * 2
    assert _marker.get() == "untouched"


def test_async_view_context_vars_kept_when_it_raises(
    app: Flask, client: FlaskClient
) -> None:
    """Variables set before an async view raises are visible to the error
    handler, so failing views behave like sync ones too."""

    @app.route("/")
    async def index() -> str:
        _marker.set("set before raising")
        raise LookupError("boom")

    @app.errorhandler(LookupError)
    def handle(e: LookupError) -> tuple[str, int]:
        return f"{_marker.get()}: {e}", 418

    rv = contextvars.copy_context().run(client.get, "/")
    assert rv.status_code == 418
    assert rv.data == b"set before raising: boom"


def test_ensure_sync_inside_running_loop_keeps_context_vars(app: Flask) -> None:
    """With a loop already running, the coroutine runs in a helper thread;
    what it sets still shows up for the caller afterwards."""

    async def setter(value: str) -> str:
        _marker.set(value)
        return value.upper()

    async def outer() -> tuple[str, str]:
        result = app.ensure_sync(setter)("threaded")
        return result, _marker.get()

    assert asyncio.run(outer()) == ("THREADED", "threaded")


def test_ensure_sync_inside_running_loop_reraises(app: Flask) -> None:
    async def failing() -> None:
        raise KeyError("inside thread")

    async def outer() -> None:
        app.ensure_sync(failing)()

    with pytest.raises(KeyError, match="inside thread"):
        asyncio.run(outer())


def _streaming_app(app: Flask, events: list[str]) -> None:
    """An async view that streams the session, g and the request path."""

    @app.teardown_request
    def request_down(exc: BaseException | None) -> None:
        events.append("teardown_request")

    @app.teardown_appcontext
    def app_down(exc: BaseException | None) -> None:
        events.append("teardown_appcontext")

    @app.route("/stream")
    async def stream() -> minflask.Response:
        minflask.session["who"] = "alice"
        minflask.g.count = 3

        @minflask.stream_with_context
        def generate() -> t.Iterator[str]:
            events.append("stream started")
            yield minflask.session["who"]
            yield f":{minflask.g.count}:{minflask.request.path}"
            events.append("stream finished")

        return minflask.Response(generate())


def test_stream_with_context_in_async_view(app: Flask, client: FlaskClient) -> None:
    """The stream still sees the request, session and g, and teardown runs
    once, after the stream is done."""
    events: list[str] = []
    _streaming_app(app, events)

    rv = client.get("/stream")
    assert rv.text == "alice:3:/stream"
    rv.close()
    assert events == [
        "stream started",
        "stream finished",
        "teardown_request",
        "teardown_appcontext",
    ]
    assert not minflask.has_request_context()
    assert not minflask.has_app_context()


def test_stream_with_context_in_async_view_closed_unread(
    app: Flask, client: FlaskClient
) -> None:
    """Closing the response without reading it still tears down."""
    events: list[str] = []
    _streaming_app(app, events)

    client.get("/stream").close()
    assert "stream finished" not in events
    assert events[-2:] == ["teardown_request", "teardown_appcontext"]
    assert not minflask.has_request_context()


def test_stream_with_context_in_async_view_preserved_by_client(
    app: Flask, client: FlaskClient
) -> None:
    """Inside ``with client:`` the contexts outlive the stream and are torn
    down when the block ends."""
    events: list[str] = []
    _streaming_app(app, events)

    with client:
        rv = client.get("/stream")
        assert rv.text == "alice:3:/stream"
        rv.close()
        assert "teardown_request" not in events
        assert minflask.request.path == "/stream"
    assert events[-2:] == ["teardown_request", "teardown_appcontext"]
    assert not minflask.has_request_context()


def test_session_json_serializer_is_the_cookie_serializer(
    app: Flask, client: FlaskClient
) -> None:
    """``minflask.sessions.session_json_serializer`` is public, as in Flask,
    and is what the cookie session uses to tag values like tuples."""
    from minflask.json.tag import TaggedJSONSerializer
    from minflask.sessions import SecureCookieSessionInterface, session_json_serializer

    assert isinstance(session_json_serializer, TaggedJSONSerializer)
    assert SecureCookieSessionInterface.serializer is session_json_serializer

    @app.route("/")
    def index() -> str:
        minflask.session["pair"] = (1, b"x")
        return ""

    cookie = client.get("/").headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert signer is not None
    assert signer.loads(cookie) == {"pair": (1, b"x")}
    assert session_json_serializer.loads(session_json_serializer.dumps((1,))) == (1,)
