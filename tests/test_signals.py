"""Tests for the blinker signals: the moment each is sent in the request and
context lifecycle, its sender (the app object itself) and its keyword
arguments, on success and error paths."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator
from contextlib import ExitStack

import blinker
import pytest
from jinja2 import Template

import minflask
from minflask import (
    Flask,
    abort,
    copy_current_request_context,
    has_app_context,
    has_request_context,
    request,
    stream_with_context,
)
from minflask import signals as signals_module
from minflask.helpers import flash, get_flashed_messages
from minflask.templating import render_template_string, stream_template_string
from minflask.testing import FlaskClient
from minflask.wrappers import Response

LIFECYCLE = (
    "appcontext_pushed",
    "request_started",
    "request_finished",
    "got_request_exception",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_popped",
)
ALL_SIGNALS = (
    *LIFECYCLE,
    "message_flashed",
    "template_rendered",
    "before_render_template",
)


class Boom(Exception):
    """An error no handler knows about."""


def describe(value: t.Any) -> str:
    """A short, comparable description of a signal argument."""
    if isinstance(value, BaseException):
        return f"{type(value).__name__}({value})"
    if isinstance(value, Response):
        return f"<{value.status_code} {value.get_data(as_text=True)}>"
    return repr(value)


Events = list[str]


@pytest.fixture
def events(app: Flask) -> Iterator[Events]:
    """Every lifecycle signal ``app`` sends, as "name key=value ..." strings.

    Each receiver also checks that the sender is the app object itself.
    """
    recorded: Events = []

    def receiver(name: str) -> t.Callable[..., None]:
        def receive(sender: t.Any, **kwargs: t.Any) -> None:
            assert sender is app
            assert type(sender) is Flask  # not the current_app proxy
            args = " ".join(f"{k}={describe(v)}" for k, v in sorted(kwargs.items()))
            recorded.append(f"{name} {args}".rstrip())

        return receive

    with ExitStack() as stack:
        for name in LIFECYCLE:
            signal = getattr(minflask, name)
            stack.enter_context(signal.connected_to(receiver(name), app))
        yield recorded


@pytest.fixture
def app(app: Flask) -> Flask:
    """The shared app plus views for the success and error paths."""

    @app.route("/")
    def index() -> str:
        return "ok"

    @app.route("/boom")
    def boom() -> str:
        raise Boom("view")

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.route("/handled")
    def handled() -> str:
        raise KeyError("key")

    @app.errorhandler(KeyError)
    def handle_key_error(e: KeyError) -> tuple[str, int]:
        return "handled", 400

    return app


@pytest.fixture
def quiet(app: Flask) -> Iterator[Flask]:
    """``app`` answering unhandled errors with a 500 instead of raising."""
    app.testing = False
    app.logger.disabled = True
    yield app
    app.logger.disabled = False


SUCCESS = [
    "appcontext_pushed",
    "request_started",
    "request_finished response=<200 ok>",
    "request_tearing_down exc=None",
    "appcontext_tearing_down exc=None",
    "appcontext_popped",
]


# -- the signal objects ------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SIGNALS)
def test_signal_objects(name: str) -> None:
    signal = getattr(signals_module, name)
    assert isinstance(signal, blinker.NamedSignal)
    assert signal.name == name.replace("_", "-")
    assert getattr(minflask, name) is signal


# -- the request lifecycle ---------------------------------------------------------


def test_successful_request(client: FlaskClient, events: Events) -> None:
    client.get("/")
    assert events == SUCCESS


def test_signal_context_state(app: Flask, client: FlaskClient) -> None:
    seen: list[tuple[t.Any, ...]] = []

    def pushed(sender: Flask) -> None:
        seen.append(("pushed", minflask.current_app.name, has_request_context()))

    def started(sender: Flask) -> None:
        seen.append(("started", request.path, request.endpoint))

    def request_down(sender: Flask, exc: t.Any) -> None:
        seen.append(("request_down", request.path))

    def app_down(sender: Flask, exc: t.Any) -> None:
        seen.append(("app_down", has_app_context(), has_request_context()))

    def popped(sender: Flask) -> None:
        seen.append(("popped", has_app_context()))

    with (
        minflask.appcontext_pushed.connected_to(pushed, app),
        minflask.request_started.connected_to(started, app),
        minflask.request_tearing_down.connected_to(request_down, app),
        minflask.appcontext_tearing_down.connected_to(app_down, app),
        minflask.appcontext_popped.connected_to(popped, app),
    ):
        client.get("/")
    assert seen == [
        # The app context is active, the request one not yet.
        ("pushed", "minflask_test", False),
        # The URL is matched before request_started.
        ("started", "/", "index"),
        ("request_down", "/"),
        # The request is gone when the app context tears down.
        ("app_down", True, False),
        ("popped", False),
    ]


def test_not_found(client: FlaskClient, events: Events) -> None:
    client.get("/missing")
    assert events[1] == "request_started"
    assert events[2].startswith("request_finished response=<404 ")
    assert events[3:] == SUCCESS[3:]


def test_http_exception_is_not_an_error(client: FlaskClient, events: Events) -> None:
    client.get("/forbidden")
    assert events[2].startswith("request_finished response=<403 ")
    assert "got_request_exception" not in " ".join(events)
    assert events[3:] == SUCCESS[3:]


def test_handled_exception(client: FlaskClient, events: Events) -> None:
    client.get("/handled")
    assert events == [
        "appcontext_pushed",
        "request_started",
        "request_finished response=<400 handled>",
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_unhandled_exception_propagating(client: FlaskClient, events: Events) -> None:
    with pytest.raises(Boom):
        client.get("/boom")
    assert events == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception exception=Boom(view)",
        "request_tearing_down exc=Boom(view)",
        "appcontext_tearing_down exc=Boom(view)",
        "appcontext_popped",
    ]


def test_unhandled_exception_500(quiet: Flask, events: Events) -> None:
    rv = quiet.test_client().get("/boom")
    assert rv.status_code == 500
    assert events[:3] == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception exception=Boom(view)",
    ]
    # The 500 page still goes out through request_finished.
    assert events[3].startswith("request_finished response=<500 <!doctype html>")
    assert events[4:] == [
        "request_tearing_down exc=Boom(view)",
        "appcontext_tearing_down exc=Boom(view)",
        "appcontext_popped",
    ]


def test_unhandled_exception_500_handler(quiet: Flask, events: Events) -> None:
    @quiet.errorhandler(500)
    def server_error(e: t.Any) -> tuple[str, int]:
        return f"custom {type(e.original_exception).__name__}", 500

    quiet.test_client().get("/boom")
    assert events == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception exception=Boom(view)",
        "request_finished response=<500 custom Boom>",
        "request_tearing_down exc=Boom(view)",
        "appcontext_tearing_down exc=Boom(view)",
        "appcontext_popped",
    ]


def test_500_handler_raising(quiet: Flask, events: Events) -> None:
    @quiet.errorhandler(500)
    def server_error(e: t.Any) -> str:
        raise RuntimeError("handler")

    with pytest.raises(RuntimeError, match="handler"):
        quiet.test_client().get("/boom")
    assert events == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception exception=Boom(view)",
        "request_tearing_down exc=Boom(view)",
        "appcontext_tearing_down exc=Boom(view)",
        "appcontext_popped",
    ]


def test_before_request_response(
    app: Flask, client: FlaskClient, events: Events
) -> None:
    @app.before_request
    def short_circuit() -> str:
        return "from hook"

    client.get("/")
    assert events[2] == "request_finished response=<200 from hook>"
    assert len(events) == 6


def test_request_finished_after_after_request(
    app: Flask, client: FlaskClient, events: Events
) -> None:
    @app.after_request
    def replace(response: Response) -> Response:
        return Response("replaced", status=201)

    client.get("/")
    assert events[2] == "request_finished response=<201 replaced>"


def test_after_request_raising(quiet: Flask, events: Events) -> None:
    @quiet.after_request
    def fail(response: Response) -> Response:
        raise Boom("after")

    rv = quiet.test_client().get("/")
    assert rv.status_code == 500
    # The hook fails again while finishing the 500 page, so no response is
    # reported as finished.
    assert events == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception exception=Boom(after)",
        "request_tearing_down exc=Boom(after)",
        "appcontext_tearing_down exc=Boom(after)",
        "appcontext_popped",
    ]


def test_request_started_receiver_raising(
    app: Flask, client: FlaskClient, events: Events
) -> None:
    def fail(sender: Flask) -> None:
        raise Boom("receiver")

    with (
        minflask.request_started.connected_to(fail, app),
        pytest.raises(Boom, match="receiver"),
    ):
        client.get("/")
    # The receiver's error is a request error like a view's.
    assert events[2:] == [
        "got_request_exception exception=Boom(receiver)",
        "request_tearing_down exc=Boom(receiver)",
        "appcontext_tearing_down exc=Boom(receiver)",
        "appcontext_popped",
    ]


def test_request_started_receiver_error_is_handled(
    app: Flask, client: FlaskClient
) -> None:
    def fail(sender: Flask) -> None:
        raise KeyError("from receiver")

    with minflask.request_started.connected_to(fail, app):
        rv = client.get("/")
    assert (rv.status_code, rv.data) == (400, b"handled")


def test_should_ignore_error_hides_exc_from_teardown(
    quiet: Flask, events: Events
) -> None:
    quiet.should_ignore_error = lambda error: True  # type: ignore[method-assign]
    quiet.test_client().get("/boom")
    assert events[2] == "got_request_exception exception=Boom(view)"
    assert events[4:] == [
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_teardown_functions_run_before_signals(
    app: Flask, client: FlaskClient, events: Events
) -> None:
    @app.teardown_request
    def request_down(exc: t.Any) -> None:
        events.append(f"teardown_request {describe(exc)}")

    @app.teardown_appcontext
    def app_down(exc: t.Any) -> None:
        events.append(f"teardown_appcontext {describe(exc)}")

    with pytest.raises(Boom):
        client.get("/boom")
    assert events[3:] == [
        "teardown_request Boom(view)",
        "request_tearing_down exc=Boom(view)",
        "teardown_appcontext Boom(view)",
        "appcontext_tearing_down exc=Boom(view)",
        "appcontext_popped",
    ]


def test_streamed_response(app: Flask, client: FlaskClient, events: Events) -> None:
    @app.route("/stream")
    def stream() -> t.Any:
        def generate() -> Iterator[str]:
            events.append(f"generating {request.path}")
            yield "a"
            yield "b"

        return stream_with_context(generate())

    assert client.get("/stream").data == b"ab"
    assert events == [
        "appcontext_pushed",
        "request_started",
        # stream_with_context pushes the same app context again.
        "appcontext_pushed",
        "generating /stream",
        "appcontext_popped",
        "request_finished response=<200 ab>",
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_client_preserving_context(client: FlaskClient, events: Events) -> None:
    with client:
        client.get("/")
        events.append("in with")
    assert events == [
        *SUCCESS,
        "appcontext_pushed",
        "in with",
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


# -- contexts without a request ----------------------------------------------------


def test_test_request_context(app: Flask, events: Events) -> None:
    with app.test_request_context("/"):
        events.append("inside")
    # No dispatch: no request_started or request_finished.
    assert events == [
        "appcontext_pushed",
        "inside",
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_exception_in_request_context(app: Flask, events: Events) -> None:
    with pytest.raises(Boom), app.test_request_context():
        raise Boom("block")
    assert events[1:3] == [
        "request_tearing_down exc=Boom(block)",
        "appcontext_tearing_down exc=Boom(block)",
    ]


def test_nested_app_contexts(app: Flask, events: Events) -> None:
    with app.app_context():
        with app.app_context():
            events.append("inner")
        with app.test_request_context():
            events.append("request")
    assert events == [
        "appcontext_pushed",
        "appcontext_pushed",
        "inner",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
        # The request reuses the active app context: nothing pushed.
        "request",
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_same_app_context_pushed_twice(app: Flask, events: Events) -> None:
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    events.append("one pop")
    ctx.pop()
    # Every push and pop is signalled; teardown only at the last pop.
    assert events == [
        "appcontext_pushed",
        "appcontext_pushed",
        "appcontext_popped",
        "one pop",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_app_context_pop_exceptions(app: Flask, events: Events) -> None:
    ctx = app.app_context()
    ctx.push()
    ctx.pop(Boom("explicit"))
    ctx = app.app_context()
    ctx.push()
    try:
        raise Boom("active")
    except Boom:
        ctx.pop()  # takes the exception being handled
    with pytest.raises(Boom), app.app_context():
        raise Boom("block")
    assert [e for e in events if "tearing" in e] == [
        "appcontext_tearing_down exc=Boom(explicit)",
        "appcontext_tearing_down exc=Boom(active)",
        "appcontext_tearing_down exc=Boom(block)",
    ]


def test_copied_request_context(app: Flask, events: Events) -> None:
    with app.test_request_context("/copied"):

        @copy_current_request_context
        def work() -> None:
            events.append(f"in copy {request.path}")

        work()
    # The copy tears down its request on exit; the app context is shared.
    assert events == [
        "appcontext_pushed",
        "in copy /copied",
        "request_tearing_down exc=None",
        "request_tearing_down exc=None",
        "appcontext_tearing_down exc=None",
        "appcontext_popped",
    ]


def test_appcontext_pushed_receiver_sets_g(app: Flask) -> None:
    def set_user(sender: Flask) -> None:
        minflask.g.user = "from signal"

    with minflask.appcontext_pushed.connected_to(set_user, app), app.app_context():
        assert minflask.g.user == "from signal"


# -- senders -----------------------------------------------------------------------


def test_sender_filters_receivers(app: Flask, events: Events) -> None:
    other = Flask("other_app")
    other.testing = True

    @other.route("/")
    def index() -> str:
        return "other"

    assert other.test_client().get("/").data == b"other"
    assert events == []


def test_receiver_for_any_sender(app: Flask, client: FlaskClient) -> None:
    senders: list[t.Any] = []
    with minflask.request_started.connected_to(lambda sender: senders.append(sender)):
        client.get("/")
    assert senders == [app]


def test_sender_of_a_subclass() -> None:
    class MyFlask(Flask):
        pass

    app = MyFlask("subclassed")
    app.testing = True

    @app.route("/")
    def index() -> str:
        return ""

    senders: list[t.Any] = []
    with (
        minflask.request_started.connected_to(lambda s: senders.append(s), app),
        minflask.appcontext_popped.connected_to(lambda s: senders.append(s), app),
    ):
        app.test_client().get("/")
    assert senders == [app, app]


# -- receivers ---------------------------------------------------------------------


@pytest.mark.parametrize("name", LIFECYCLE)
def test_async_receivers(app: Flask, quiet: Flask, name: str) -> None:
    seen: list[str] = []

    async def receive(sender: Flask, **kwargs: t.Any) -> None:
        seen.append(name)

    with getattr(minflask, name).connected_to(receive, app):
        app.test_client().get("/boom")
    assert seen == [name]


def test_disconnected_receiver_not_called(app: Flask, client: FlaskClient) -> None:
    seen: list[t.Any] = []

    def receive(sender: Flask, **kwargs: t.Any) -> None:
        seen.append(sender)

    minflask.request_finished.connect(receive, app)
    client.get("/")
    minflask.request_finished.disconnect(receive, app)
    client.get("/")
    assert seen == [app]


# -- nothing sent without receivers (a minflask design choice) ---------------------


@pytest.mark.parametrize("name", LIFECYCLE)
def test_no_send_without_receivers(
    quiet: Flask, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    signal = getattr(signals_module, name)
    assert not signal.receivers

    def fail(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError(f"{name} sent with no receivers")

    monkeypatch.setattr(signal, "send", fail)
    client = quiet.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/boom").status_code == 500


def test_flash_sends_nothing_without_receivers(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError("message_flashed sent with no receivers")

    monkeypatch.setattr(signals_module.message_flashed, "send", fail)
    with app.test_request_context():
        flash("quiet")
        assert get_flashed_messages() == ["quiet"]


def test_send_with_a_receiver_for_another_app(
    quiet: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Flask("other_app")
    sent: list[t.Any] = []
    original = signals_module.request_started.send

    def spy(*args: t.Any, **kwargs: t.Any) -> t.Any:
        sent.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(signals_module.request_started, "send", spy)
    with minflask.request_started.connected_to(lambda s: None, other):
        quiet.test_client().get("/")
    # A receiver exists, so the signal is sent; blinker filters by sender.
    assert sent == [quiet]


# -- template signals ----------------------------------------------------------------


@pytest.fixture
def rendered(app: Flask) -> Iterator[list[tuple[t.Any, ...]]]:
    """(signal, template, context) for every template ``app`` renders; the
    before_render_template receiver also changes ``name`` in the context."""
    recorded: list[tuple[t.Any, ...]] = []

    def before(sender: t.Any, template: Template, context: dict[str, t.Any]) -> None:
        assert sender is app
        recorded.append(("before", template, dict(context)))
        context["name"] = "changed"

    def after(sender: t.Any, template: Template, context: dict[str, t.Any]) -> None:
        assert sender is app
        recorded.append(("rendered", template, dict(context)))

    with (
        minflask.before_render_template.connected_to(before, app),
        minflask.template_rendered.connected_to(after, app),
    ):
        yield recorded


def test_template_signals(app: Flask, rendered: list[tuple[t.Any, ...]]) -> None:
    @app.context_processor
    def extra() -> dict[str, t.Any]:
        return {"extra": 42}

    with app.test_request_context("/page"):
        minflask.g.value = "on g"
        out = render_template_string("{{ name }} {{ extra }}", name="original")

    # The context change made by the before_render_template receiver shows.
    assert out == "changed 42"
    assert [r[0] for r in rendered] == ["before", "rendered"]
    (_, before_template, before_context), (_, template, context) = rendered
    assert isinstance(template, Template)
    assert template is before_template
    assert before_context["name"] == "original"
    assert context["name"] == "changed"
    assert context["extra"] == 42
    assert context["g"].value == "on g"
    assert context["request"].path == "/page"


def test_template_signals_from_a_view(
    app: Flask, client: FlaskClient, rendered: list[tuple[t.Any, ...]]
) -> None:
    @app.route("/render")
    def render() -> str:
        return render_template_string("<p>{{ name }}</p>", name="view")

    assert client.get("/render").data == b"<p>changed</p>"
    assert [r[0] for r in rendered] == ["before", "rendered"]
    assert rendered[1][2]["name"] == "changed"


def test_template_signals_without_request(
    app: Flask, rendered: list[tuple[t.Any, ...]]
) -> None:
    with app.app_context():
        assert render_template_string("{{ name }}", name="x") == "changed"
    context = rendered[1][2]
    assert "request" not in context
    assert "g" in context


def test_template_rendered_after_stream_is_consumed(
    app: Flask, rendered: list[tuple[t.Any, ...]]
) -> None:
    with app.test_request_context():
        stream = stream_template_string("a{{ name }}b", name="x")
        # Sent when streaming starts; rendered only once it is exhausted.
        assert [r[0] for r in rendered] == ["before"]
        assert "".join(stream) == "achangedb"
    assert [r[0] for r in rendered] == ["before", "rendered"]


def test_template_signals_filtered_by_sender(
    app: Flask, rendered: list[tuple[t.Any, ...]]
) -> None:
    other = Flask("other_app")
    with other.app_context():
        assert render_template_string("{{ name }}", name="x") == "x"
    assert rendered == []


@pytest.mark.parametrize("name", ["before_render_template", "template_rendered"])
def test_template_signals_not_sent_without_receivers(
    app: Flask, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError(f"{name} sent with no receivers")

    monkeypatch.setattr(getattr(signals_module, name), "send", fail)
    with app.test_request_context():
        assert render_template_string("{{ 1 + 1 }}") == "2"
        assert "".join(stream_template_string("{{ 2 + 2 }}")) == "4"
