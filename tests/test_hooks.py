"""Request hooks (before/after/teardown, URL value preprocessors), their
order across app and blueprints, and the lifecycle signals."""

from __future__ import annotations

import typing as t

import pytest

import minflask
from minflask import Blueprint, Flask, Response, abort, g, request


class Boom(Exception):
    """A distinct error type so tests can see exactly what was passed on."""


def _no_propagate(app: Flask) -> None:
    """Make unhandled errors become 500 responses instead of raising."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


# -- before_request ------------------------------------------------------------


def test_before_request_runs_in_order_before_view(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.before_request
    def first() -> None:
        calls.append("first")

    @app.before_request
    def second() -> None:
        calls.append("second")

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "ok"

    assert client.get("/").data == b"ok"
    assert calls == ["first", "second", "view"]


def test_before_request_return_value_ends_request(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.before_request
    def stop() -> tuple[str, int]:
        calls.append("stop")
        return "stopped", 403

    @app.before_request
    def never() -> None:
        calls.append("never")

    @app.after_request
    def after(response: Response) -> Response:
        calls.append("after")
        response.headers["X-After"] = "yes"
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        calls.append("teardown")

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "view"

    rv = client.get("/")
    assert rv.status_code == 403
    assert rv.data == b"stopped"
    assert rv.headers["X-After"] == "yes"
    assert calls == ["stop", "after", "teardown"]


def test_before_request_can_abort(app: Flask, client: t.Any) -> None:
    called: list[bool] = []

    @app.before_request
    def guard() -> None:
        if request.args.get("deny"):
            abort(401)

    @app.route("/")
    def index() -> str:
        called.append(True)
        return "ok"

    assert client.get("/?deny=1").status_code == 401
    assert called == []
    assert client.get("/").status_code == 200
    assert called == [True]


def test_before_request_runs_for_404(app: Flask, client: t.Any) -> None:
    calls: list[t.Any] = []

    @app.before_request
    def before() -> None:
        calls.append(request.endpoint)

    assert client.get("/nowhere").status_code == 404
    assert calls == [None]


def test_async_before_request(app: Flask, client: t.Any) -> None:
    @app.before_request
    async def before() -> None:
        g.value = "async"

    @app.route("/")
    def index() -> str:
        return t.cast(str, g.value)

    assert client.get("/").data == b"async"


# -- after_request ---------------------------------------------------------------


def test_after_request_reverse_order_and_modify(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.after_request
    def first(response: Response) -> Response:
        calls.append("first")
        response.headers["X-Order"] = response.headers.get("X-Order", "") + "1"
        return response

    @app.after_request
    def second(response: Response) -> Response:
        calls.append("second")
        response.headers["X-Order"] = response.headers.get("X-Order", "") + "2"
        return response

    @app.route("/")
    def index() -> str:
        return "ok"

    rv = client.get("/")
    assert calls == ["second", "first"]
    assert rv.headers["X-Order"] == "21"


def test_after_request_replaces_response(app: Flask, client: t.Any) -> None:
    @app.after_request
    def replace(response: Response) -> Response:
        return Response(f"replaced {response.status_code}", status=202)

    @app.route("/")
    def index() -> str:
        return "original"

    rv = client.get("/")
    assert rv.status_code == 202
    assert rv.data == b"replaced 200"


def test_after_request_runs_for_handled_error(app: Flask, client: t.Any) -> None:
    @app.errorhandler(Boom)
    def handle(e: Boom) -> tuple[str, int]:
        return "handled", 418

    @app.after_request
    def after(response: Response) -> Response:
        response.headers["X-After"] = str(response.status_code)
        return response

    @app.route("/")
    def index() -> str:
        raise Boom()

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.headers["X-After"] == "418"


def test_after_request_runs_on_500_response(app: Flask, client: t.Any) -> None:
    _no_propagate(app)

    @app.after_request
    def after(response: Response) -> Response:
        response.headers["X-After"] = str(response.status_code)
        return response

    @app.route("/")
    def index() -> str:
        raise Boom()

    rv = client.get("/")
    assert rv.status_code == 500
    assert rv.headers["X-After"] == "500"


def test_after_request_not_run_when_error_propagates(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.after_request
    def after(response: Response) -> Response:
        calls.append("after")
        return response

    @app.route("/")
    def index() -> str:
        raise Boom()

    with pytest.raises(Boom):
        client.get("/")
    assert calls == []


# -- teardown ------------------------------------------------------------------


def test_teardown_request_gets_none_normally(app: Flask, client: t.Any) -> None:
    seen: list[t.Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.route("/")
    def index() -> str:
        return "ok"

    client.get("/")
    assert seen == [None]


def test_teardown_request_reverse_order(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.teardown_request
    def first(exc: BaseException | None) -> None:
        calls.append("first")

    @app.teardown_request
    def second(exc: BaseException | None) -> None:
        calls.append("second")

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert calls == ["second", "first"]


def test_teardown_request_receives_propagated_exception(
    app: Flask, client: t.Any
) -> None:
    seen: list[t.Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.route("/")
    def index() -> str:
        raise Boom("bad")

    with pytest.raises(Boom) as exc_info:
        client.get("/")
    assert seen == [exc_info.value]


def test_teardown_request_receives_exception_after_500(
    app: Flask, client: t.Any
) -> None:
    _no_propagate(app)
    seen: list[t.Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.route("/")
    def index() -> str:
        raise Boom("bad")

    assert client.get("/").status_code == 500
    assert len(seen) == 1
    assert isinstance(seen[0], Boom)
    assert str(seen[0]) == "bad"


def test_teardown_gets_none_for_handled_errors(app: Flask, client: t.Any) -> None:
    seen: list[t.Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.errorhandler(Boom)
    def handle(e: Boom) -> str:
        return "handled"

    @app.route("/boom")
    def boom() -> str:
        raise Boom()

    @app.route("/abort")
    def aborting() -> str:
        abort(404)

    assert client.get("/boom").data == b"handled"
    assert client.get("/abort").status_code == 404
    assert seen == [None, None]


def test_teardown_request_runs_when_before_request_fails(
    app: Flask, client: t.Any
) -> None:
    seen: list[t.Any] = []

    @app.before_request
    def before() -> None:
        raise Boom()

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(type(exc))

    @app.route("/")
    def index() -> str:
        return ""

    with pytest.raises(Boom):
        client.get("/")
    assert seen == [Boom]


def test_teardown_request_in_test_request_context(app: Flask) -> None:
    seen: list[t.Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    with app.test_request_context():
        pass
    assert seen == [None]

    error = Boom()
    with pytest.raises(Boom), app.test_request_context():
        raise error
    assert seen == [None, error]


def test_teardown_appcontext(app: Flask, client: t.Any) -> None:
    calls: list[tuple[str, t.Any]] = []

    @app.teardown_appcontext
    def first(exc: BaseException | None) -> None:
        calls.append(("first", exc))

    @app.teardown_appcontext
    def second(exc: BaseException | None) -> None:
        calls.append(("second", exc))

    with app.app_context():
        pass
    assert calls == [("second", None), ("first", None)]

    calls.clear()
    error = Boom()
    with pytest.raises(Boom), app.app_context():
        raise error
    assert calls == [("second", error), ("first", error)]


def test_teardown_appcontext_receives_request_exception(
    app: Flask, client: t.Any
) -> None:
    _no_propagate(app)
    seen: list[t.Any] = []

    @app.teardown_appcontext
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.route("/ok")
    def ok() -> str:
        return ""

    @app.route("/fail")
    def fail() -> str:
        raise Boom()

    client.get("/ok")
    assert client.get("/fail").status_code == 500
    assert seen[0] is None
    assert isinstance(seen[1], Boom)


def test_teardown_request_before_teardown_appcontext(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.teardown_appcontext
    def app_teardown(exc: BaseException | None) -> None:
        calls.append("appcontext")

    @app.teardown_request
    def request_teardown(exc: BaseException | None) -> None:
        calls.append("request")

    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert calls == ["request", "appcontext"]


def test_teardown_request_error_still_pops_everything(app: Flask) -> None:
    calls: list[str] = []

    @app.teardown_request
    def failing(exc: BaseException | None) -> None:
        raise ZeroDivisionError

    @app.teardown_appcontext
    def app_teardown(exc: BaseException | None) -> None:
        calls.append("appcontext")

    with pytest.raises(ZeroDivisionError), app.test_request_context():
        pass
    assert calls == ["appcontext"]
    assert not minflask.has_request_context()
    assert not minflask.has_app_context()


def test_teardowns_all_get_the_original_exception(app: Flask, client: t.Any) -> None:
    _no_propagate(app)
    seen: list[type[BaseException] | None] = []

    def make_teardown() -> t.Callable[[BaseException | None], None]:
        def teardown(exc: BaseException | None) -> None:
            seen.append(type(exc) if exc is not None else None)
            # Handling another error here must not change what the next
            # teardown function receives.
            try:
                raise TypeError
            except TypeError:
                pass

        return teardown

    app.teardown_request(make_teardown())
    app.teardown_request(make_teardown())

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError

    assert client.get("/").status_code == 500
    assert seen == [ZeroDivisionError, ZeroDivisionError]


# -- url_value_preprocessor ------------------------------------------------------


def test_url_value_preprocessor_runs_before_before_request(
    app: Flask, client: t.Any
) -> None:
    calls: list[t.Any] = []

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        calls.append(("preprocess", endpoint, dict(values or {})))
        assert values is not None
        g.lang = values.pop("lang")

    @app.before_request
    def before() -> None:
        calls.append(("before", g.lang))

    @app.route("/<lang>/page")
    def page() -> str:
        calls.append("view")
        return t.cast(str, g.lang)

    assert client.get("/de/page").data == b"de"
    assert calls == [
        ("preprocess", "page", {"lang": "de"}),
        ("before", "de"),
        "view",
    ]


def test_url_value_preprocessor_on_404(app: Flask, client: t.Any) -> None:
    seen: list[t.Any] = []

    @app.url_value_preprocessor
    def record(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        seen.append((endpoint, values))

    assert client.get("/missing").status_code == 404
    assert seen == [(None, None)]


def test_url_value_preprocessor_with_url_defaults(app: Flask, client: t.Any) -> None:
    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if g.lang is not None and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values.setdefault("lang", g.lang)

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        g.lang = values.pop("lang", None) if values else None

    @app.route("/<lang>/")
    def index() -> str:
        return minflask.url_for("about")

    @app.route("/<lang>/about")
    def about() -> str:
        return minflask.url_for("other")

    @app.route("/other")
    def other() -> str:
        return minflask.url_for("about", lang="en")

    assert client.get("/de/").data == b"/de/about"
    assert client.get("/de/about").data == b"/other"
    assert client.get("/other").data == b"/en/about"


# -- blueprints ------------------------------------------------------------------


def _recording_blueprint(name: str, calls: list[str], **kwargs: t.Any) -> Blueprint:
    bp = Blueprint(name, __name__, **kwargs)

    @bp.url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        calls.append(f"{name}.preprocess")

    @bp.before_request
    def before() -> None:
        calls.append(f"{name}.before")

    @bp.after_request
    def after(response: Response) -> Response:
        calls.append(f"{name}.after")
        return response

    @bp.teardown_request
    def teardown(exc: BaseException | None) -> None:
        calls.append(f"{name}.teardown")

    return bp


def _record_app_hooks(app: Flask, calls: list[str]) -> None:
    @app.url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        calls.append("app.preprocess")

    @app.before_request
    def before() -> None:
        calls.append("app.before")

    @app.after_request
    def after(response: Response) -> Response:
        calls.append("app.after")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        calls.append("app.teardown")


def test_hook_order_app_and_blueprint(app: Flask, client: t.Any) -> None:
    calls: list[str] = []
    _record_app_hooks(app, calls)
    bp = _recording_blueprint("bp", calls, url_prefix="/bp")

    @bp.route("/")
    def index() -> str:
        calls.append("view")
        return ""

    app.register_blueprint(bp)

    client.get("/bp/")
    assert calls == [
        "app.preprocess",
        "bp.preprocess",
        "app.before",
        "bp.before",
        "view",
        "bp.after",
        "app.after",
        "bp.teardown",
        "app.teardown",
    ]


def test_hook_order_nested_blueprints(app: Flask, client: t.Any) -> None:
    calls: list[str] = []
    _record_app_hooks(app, calls)
    parent = _recording_blueprint("parent", calls, url_prefix="/parent")
    child = _recording_blueprint("child", calls, url_prefix="/child")

    @child.route("/")
    def index() -> str:
        calls.append("view")
        return ""

    parent.register_blueprint(child)
    app.register_blueprint(parent)

    client.get("/parent/child/")
    assert calls == [
        "app.preprocess",
        "parent.preprocess",
        "child.preprocess",
        "app.before",
        "parent.before",
        "child.before",
        "view",
        "child.after",
        "parent.after",
        "app.after",
        "child.teardown",
        "parent.teardown",
        "app.teardown",
    ]


def test_blueprint_hooks_only_for_its_routes(app: Flask, client: t.Any) -> None:
    calls: list[str] = []
    _record_app_hooks(app, calls)
    bp = _recording_blueprint("bp", calls, url_prefix="/bp")

    @bp.route("/")
    def bp_index() -> str:
        return ""

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return ""

    app.register_blueprint(bp)

    client.get("/")
    assert calls == [
        "app.preprocess",
        "app.before",
        "view",
        "app.after",
        "app.teardown",
    ]


def test_blueprint_app_wide_hooks(app: Flask, client: t.Any) -> None:
    calls: list[str] = []
    bp = Blueprint("bp", __name__)

    @bp.before_app_request
    def before() -> None:
        calls.append("before")

    @bp.after_app_request
    def after(response: Response) -> Response:
        calls.append("after")
        return response

    @bp.teardown_app_request
    def teardown(exc: BaseException | None) -> None:
        calls.append("teardown")

    @bp.app_url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        calls.append("preprocess")

    app.register_blueprint(bp)

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return ""

    client.get("/")
    assert calls == ["preprocess", "before", "view", "after", "teardown"]


def test_blueprint_before_request_short_circuit(app: Flask, client: t.Any) -> None:
    bp = Blueprint("bp", __name__)
    calls: list[str] = []

    @bp.before_request
    def stop() -> str:
        return "from blueprint"

    @bp.route("/bp")
    def bp_view() -> str:
        calls.append("bp_view")
        return ""

    @app.route("/")
    def index() -> str:
        return "app view"

    app.register_blueprint(bp)
    assert client.get("/bp").data == b"from blueprint"
    assert client.get("/").data == b"app view"
    assert calls == []


# -- signals ---------------------------------------------------------------------


def test_request_signals_order_and_arguments(app: Flask, client: t.Any) -> None:
    events: list[tuple[t.Any, ...]] = []

    def started(sender: t.Any, **kwargs: t.Any) -> None:
        events.append(("started", sender, kwargs, request.path))

    def finished(sender: t.Any, response: Response, **kwargs: t.Any) -> None:
        events.append(("finished", sender, kwargs, response.data))

    def tearing_down(sender: t.Any, **kwargs: t.Any) -> None:
        events.append(("tearing_down", sender, kwargs))

    @app.route("/")
    def index() -> str:
        events.append(("view",))
        return "body"

    with (
        minflask.request_started.connected_to(started, app),
        minflask.request_finished.connected_to(finished, app),
        minflask.request_tearing_down.connected_to(tearing_down, app),
    ):
        client.get("/")

    assert events == [
        ("started", app, {}, "/"),
        ("view",),
        ("finished", app, {}, b"body"),
        ("tearing_down", app, {"exc": None}),
    ]


def test_request_finished_receives_final_response(app: Flask, client: t.Any) -> None:
    responses: list[Response] = []

    @app.after_request
    def replace(response: Response) -> Response:
        return Response("from after_request")

    @app.route("/")
    def index() -> str:
        return "view"

    def finished(sender: t.Any, response: Response) -> None:
        responses.append(response)

    with minflask.request_finished.connected_to(finished, app):
        client.get("/")
    assert [r.data for r in responses] == [b"from after_request"]


def test_got_request_exception_signal(app: Flask, client: t.Any) -> None:
    _no_propagate(app)
    seen: list[tuple[t.Any, t.Any]] = []

    def record(sender: t.Any, exception: BaseException, **kwargs: t.Any) -> None:
        seen.append((sender, exception))

    @app.route("/")
    def index() -> str:
        raise Boom("signalled")

    with minflask.got_request_exception.connected_to(record, app):
        assert client.get("/").status_code == 500
    assert len(seen) == 1
    assert seen[0][0] is app
    assert isinstance(seen[0][1], Boom)
    assert str(seen[0][1]) == "signalled"


def test_got_request_exception_sent_when_propagating(app: Flask, client: t.Any) -> None:
    seen: list[t.Any] = []

    @app.route("/")
    def index() -> str:
        raise Boom()

    with (
        minflask.got_request_exception.connected_to(
            lambda sender, exception: seen.append(exception), app
        ),
        pytest.raises(Boom) as exc_info,
    ):
        client.get("/")
    assert seen == [exc_info.value]


def test_got_request_exception_not_sent_for_handled(app: Flask, client: t.Any) -> None:
    seen: list[t.Any] = []

    @app.errorhandler(Boom)
    def handle(e: Boom) -> str:
        return "handled"

    @app.route("/")
    def index() -> str:
        raise Boom()

    @app.route("/404")
    def not_found() -> str:
        abort(404)

    with minflask.got_request_exception.connected_to(
        lambda sender, exception: seen.append(exception), app
    ):
        assert client.get("/").data == b"handled"
        assert client.get("/404").status_code == 404
    assert seen == []


def test_request_tearing_down_receives_exception(app: Flask, client: t.Any) -> None:
    _no_propagate(app)
    seen: list[t.Any] = []

    @app.route("/")
    def index() -> str:
        raise Boom()

    with minflask.request_tearing_down.connected_to(
        lambda sender, exc: seen.append((sender, exc)), app
    ):
        client.get("/")
    assert len(seen) == 1
    assert seen[0][0] is app
    assert isinstance(seen[0][1], Boom)


def test_appcontext_signals(app: Flask) -> None:
    events: list[tuple[t.Any, ...]] = []

    def pushed(sender: t.Any, **kwargs: t.Any) -> None:
        events.append(("pushed", sender, kwargs, minflask.current_app.name))

    def tearing_down(sender: t.Any, **kwargs: t.Any) -> None:
        events.append(("tearing_down", sender, kwargs))

    def popped(sender: t.Any, **kwargs: t.Any) -> None:
        events.append(("popped", sender, kwargs))

    with (
        minflask.appcontext_pushed.connected_to(pushed, app),
        minflask.appcontext_tearing_down.connected_to(tearing_down, app),
        minflask.appcontext_popped.connected_to(popped, app),
        app.app_context(),
    ):
        events.append(("inside",))

    assert events == [
        ("pushed", app, {}, "minflask_test"),
        ("inside",),
        ("tearing_down", app, {"exc": None}),
        ("popped", app, {}),
    ]


def test_appcontext_pushed_can_set_g(app: Flask, client: t.Any) -> None:
    def set_user(sender: Flask, **kwargs: t.Any) -> None:
        g.user = "signal user"

    @app.route("/")
    def index() -> str:
        return t.cast(str, g.user)

    with minflask.appcontext_pushed.connected_to(set_user, app):
        assert client.get("/").data == b"signal user"


def test_appcontext_tearing_down_receives_exception(app: Flask) -> None:
    seen: list[t.Any] = []
    error = Boom()
    with (
        minflask.appcontext_tearing_down.connected_to(
            lambda sender, exc: seen.append(exc), app
        ),
        pytest.raises(Boom),
        app.app_context(),
    ):
        raise error
    assert seen == [error]


def test_full_lifecycle_signal_order(app: Flask, client: t.Any) -> None:
    events: list[str] = []

    def recorder(name: str) -> t.Callable[..., None]:
        def receive(sender: t.Any, **kwargs: t.Any) -> None:
            events.append(name)

        return receive

    receivers = {
        name: recorder(name)
        for name in (
            "appcontext_pushed",
            "request_started",
            "request_finished",
            "request_tearing_down",
            "appcontext_tearing_down",
            "appcontext_popped",
        )
    }

    @app.route("/")
    def index() -> str:
        return ""

    signals = [getattr(minflask, name) for name in receivers]
    for signal, receiver in zip(signals, receivers.values(), strict=True):
        signal.connect(receiver, app)
    try:
        client.get("/")
    finally:
        for signal, receiver in zip(signals, receivers.values(), strict=True):
            signal.disconnect(receiver, app)
    assert events == list(receivers)


def test_signals_filtered_by_sender(app: Flask) -> None:
    other = Flask("other_app")
    other.testing = True

    @other.route("/")
    def index() -> str:
        return ""

    seen: list[t.Any] = []
    with minflask.request_started.connected_to(lambda sender: seen.append(sender), app):
        other.test_client().get("/")
    assert seen == []


def test_async_signal_receiver(app: Flask, client: t.Any) -> None:
    seen: list[str] = []

    async def started(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append(request.path)

    @app.route("/")
    def index() -> str:
        return ""

    with minflask.request_started.connected_to(started, app):
        client.get("/")
    assert seen == ["/"]
