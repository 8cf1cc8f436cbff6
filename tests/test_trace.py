"""``minflask.tracing`` and the ``minflask trace`` command: the steps a trace
records for requests down each branch of dispatch, its JSON shape, that the
instrumentation leaves nothing behind, and traces of demo requests through
the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from minflask import (
    Blueprint,
    Flask,
    abort,
    after_this_request,
    render_template,
    render_template_string,
    session,
    signals,
    stream_with_context,
)
from minflask.cli import FlaskGroup
from minflask.cli import cli as main_cli
from minflask.tracing import Step, Trace, Tracer, display_path, trace_request
from tests.demo_fixtures.support import add_user, login, make_app

HERE = Path(__file__).parent
FIXTURES = HERE / "trace_fixtures"
REPO = HERE.parent
#: How traces name this module's functions and files.
MOD = __name__
SRC = display_path(__file__) + ":"


def titles(trace: Trace, kind: str) -> list[str]:
    return [step.title for step in trace.find(kind)]


def step_of(trace: Trace, kind: str, text: str = "") -> Step:
    """The first step of ``kind`` whose title contains ``text``."""
    for step in trace.find(kind):
        if text in step.title:
            return step
    raise AssertionError(f"no {kind} step with {text!r}: {titles(trace, kind)}")


def position(trace: Trace, step: Step) -> int:
    return next(i for i, s in enumerate(trace.steps) if s is step)


def hook_steps(trace: Trace) -> list[str]:
    """(kind, title) of the hook steps, in order, as 'kind title'."""
    kinds = {
        "url_value_preprocessor",
        "before_request",
        "view",
        "after_request",
        "teardown_request",
        "teardown_appcontext",
    }
    return [f"{s.kind} {s.title}" for s in trace.steps if s.kind in kinds]


# -- URL matching ----------------------------------------------------------------


def test_matched_rule_endpoint_and_view_args(app: Flask) -> None:
    @app.route("/user/<int:user_id>")
    def user(user_id: int) -> str:
        return f"user {user_id}"

    trace = trace_request(app, "GET", "/user/7")
    match = step_of(trace, "match")
    assert match.title == (
        "match URL /user/7 -> rule '/user/<int:user_id>', endpoint 'user'"
    )
    assert match.details["view args"] == {"user_id": 7}
    assert match.details["methods"] == ["GET", "HEAD", "OPTIONS"]
    assert match.duration_us is not None and match.duration_us >= 0
    view = step_of(trace, "view")
    assert view.title.startswith(f"view 'user': {MOD}.")
    assert view.source is not None and view.source.startswith(SRC)
    assert view.details["returned"] == "str (6 chars) 'user 7'"
    assert trace.status_code == 200
    assert trace.body_size == 6


def test_redirect_to_the_slash_url(app: Flask) -> None:
    app.add_url_rule("/docs/", "docs", lambda: "docs")
    trace = trace_request(app, "GET", "/docs")
    match = step_of(trace, "match")
    assert match.title == "match URL /docs -> 308 redirect to http://localhost/docs/"
    assert "strict_slashes" in match.details["why"]
    assert trace.find("view") == []
    handled = step_of(trace, "call", "handle_http_exception(RequestRedirect)")
    assert "it is its own response" in handled.details["returned"]
    assert trace.status_code == 308
    assert ("Location", "http://localhost/docs/") in trace.headers


def test_method_not_allowed_lists_the_allowed_methods(app: Flask) -> None:
    app.add_url_rule("/only-get", "only_get", lambda: "x")
    trace = trace_request(app, "POST", "/only-get")
    match = step_of(trace, "match")
    assert match.title == "match URL /only-get -> 405: POST not allowed"
    assert match.details["allowed methods"] == ["GET", "HEAD", "OPTIONS"]
    assert step_of(trace, "call", "app.dispatch_request()").details["raised"] == (
        "MethodNotAllowed (405 Method Not Allowed)"
    )
    assert trace.find("view") == []
    assert trace.status_code == 405


def test_not_found(app: Flask) -> None:
    trace = trace_request(app, "GET", "/nowhere")
    assert step_of(trace, "match").title == "match URL /nowhere -> 404: no rule matches"
    make = step_of(trace, "call", "make_response")
    assert make.details["conversion"] == (
        "NotFound (an HTTPException) -> its error page (force_type), 404 NOT FOUND"
    )
    assert trace.status == "404 NOT FOUND"


def test_untrusted_host_still_gets_its_400(app: Flask) -> None:
    app.config["TRUSTED_HOSTS"] = ["example.com"]
    app.add_url_rule("/", "index", lambda: "hi")
    trace = trace_request(app, "GET", "/")
    created = step_of(trace, "context", "create request context")
    assert (
        created.details["url adapter"] == "not built: SecurityError (400 Bad Request)"
    )
    assert trace.find("match") == []
    assert trace.status_code == 400
    assert trace.error is None


def test_automatic_options(app: Flask) -> None:
    app.add_url_rule("/thing", "thing", lambda: "x", methods=["GET", "PUT"])
    trace = trace_request(app, "OPTIONS", "/thing")
    assert trace.find("view") == []
    options = step_of(trace, "call", "make_default_options_response")
    assert options.details["returned"] == "Response 200 OK"
    allow = dict(trace.headers)["Allow"]
    assert set(allow.split(", ")) == {"GET", "HEAD", "OPTIONS", "PUT"}


# -- hooks -------------------------------------------------------------------------


def test_before_request_ending_the_request_early(app: Flask) -> None:
    calls: list[str] = []

    @app.before_request
    def gate() -> t.Any:
        return "stopped here", 403

    @app.before_request
    def never() -> None:
        calls.append("never")

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "index"

    trace = trace_request(app, "GET", "/")
    early = trace.early_return
    assert early is not None
    assert early.title.startswith(f"before_request {MOD}.")
    assert "gate [app]: ENDED THE REQUEST EARLY" in early.title
    assert early.details["returned"] == "tuple ('stopped here', 403)"
    # The rest of the chain and the view never ran; the response did.
    assert calls == []
    assert len(trace.find("before_request")) == 1
    assert trace.find("view") == []
    preprocess = step_of(trace, "call", "preprocess_request")
    assert preprocess.details["returned"].endswith(": the view is skipped")
    assert step_of(trace, "call", "make_response").details["conversion"] == (
        "tuple (body, status): str -> text/html; charset=utf-8 response, 403 FORBIDDEN"
    )
    assert trace.status_code == 403
    assert "ended early by before_request" in trace.render_text()


def test_blueprint_scoped_hooks_in_dispatch_order(app: Flask) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    def make(name: str) -> dict[str, t.Callable[..., t.Any]]:
        def pull(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
            if values is not None:
                values.pop("lang", None)

        def before() -> None:
            pass

        def after(response: t.Any) -> t.Any:
            return response

        def teardown(exc: BaseException | None) -> None:
            pass

        for func in (pull, before, after, teardown):
            func.__qualname__ = f"{name}_{func.__name__}"
        return {"pull": pull, "before": before, "after": after, "teardown": teardown}

    for target, name in ((app, "app"), (parent, "parent"), (child, "child")):
        hooks = make(name)
        target.url_value_preprocessor(hooks["pull"])
        target.before_request(hooks["before"])
        target.after_request(hooks["after"])
        target.teardown_request(hooks["teardown"])

    @child.route("/<lang>/page")
    def page() -> str:
        return "page"

    parent.register_blueprint(child)
    app.register_blueprint(parent)

    trace = trace_request(app, "GET", "/p/c/en/page")
    assert trace.status_code == 200
    mod = MOD
    app_s, parent_s, child_s = (
        "[app]",
        "[blueprint 'parent']",
        "[blueprint 'parent.child']",
    )
    assert hook_steps(trace) == [
        f"url_value_preprocessor url_value_preprocessor {mod}.app_pull {app_s}",
        f"url_value_preprocessor url_value_preprocessor {mod}.parent_pull {parent_s}",
        f"url_value_preprocessor url_value_preprocessor {mod}.child_pull {child_s}",
        f"before_request before_request {mod}.app_before {app_s}",
        f"before_request before_request {mod}.parent_before {parent_s}",
        f"before_request before_request {mod}.child_before {child_s}",
        f"view view 'parent.child.page': {mod}.test_blueprint_scoped_hooks_in_dispatch_order.<locals>.page",
        f"after_request after_request {mod}.child_after {child_s}",
        f"after_request after_request {mod}.parent_after {parent_s}",
        f"after_request after_request {mod}.app_after {app_s}",
        f"teardown_request teardown_request {mod}.child_teardown {child_s}",
        f"teardown_request teardown_request {mod}.parent_teardown {parent_s}",
        f"teardown_request teardown_request {mod}.app_teardown {app_s}",
    ]
    first_pull = step_of(trace, "url_value_preprocessor")
    assert first_pull.details == {
        "endpoint": "parent.child.page",
        "view args now": {},
    }


def test_hooks_are_seen_in_an_app_that_has_served_requests(app: Flask) -> None:
    # Guards against dispatch caches (say, hook chains precomputed per
    # blueprint) that would hide the tracer's wrappers from the real path.
    bp = Blueprint("warm", __name__)
    bp.before_request(lambda: None)
    bp.after_request(lambda r: r)
    bp.teardown_request(lambda e: None)
    bp.url_value_preprocessor(lambda e, v: None)
    bp.add_url_rule("/warm", "page", lambda: "warm")
    bp.register_error_handler(404, lambda e: ("bp 404", 404))
    bp.add_url_rule("/warm/missing", "missing", lambda: abort(404))
    app.register_blueprint(bp)
    app.before_request(lambda: None)
    app.teardown_appcontext(lambda e: None)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/warm").status_code == 200
        assert client.get("/warm/missing").status_code == 404

    trace = trace_request(app, "GET", "/warm")
    kinds = [s.kind for s in trace.steps if "<lambda>" in s.title]
    assert kinds == [
        "url_value_preprocessor",
        "before_request",
        "before_request",
        "view",
        "after_request",
        "teardown_request",
        "teardown_appcontext",
    ]
    trace = trace_request(app, "GET", "/warm/missing")
    assert step_of(trace, "error_handler").title.endswith(
        "<lambda> [blueprint 'warm', 404]"
    )


def test_after_this_request_and_after_request_returning_a_new_response(
    app: Flask,
) -> None:
    @app.after_request
    def replace(response: t.Any) -> t.Any:
        return app.response_class("replaced")

    @app.route("/")
    def index() -> str:
        @after_this_request
        def once(response: t.Any) -> t.Any:
            return response

        return "original"

    trace = trace_request(app, "GET", "/")
    once = step_of(trace, "after_this_request")
    assert once.title.endswith(".once")
    assert once.details["returned"] == "the same response"
    replaced = step_of(trace, "after_request")
    assert replaced.details["returned"] == "a new Response 200 OK"
    assert position(trace, once) < position(trace, replaced)
    assert trace.body_size == len("replaced")


# -- errors --------------------------------------------------------------------------


def test_error_handler_with_the_exception_that_chose_it(app: Flask) -> None:
    @app.errorhandler(ValueError)
    def on_value_error(e: ValueError) -> t.Any:
        return f"handled {e}", 418

    @app.route("/")
    def index() -> str:
        raise ValueError("bad input")

    trace = trace_request(app, "GET", "/")
    view = step_of(trace, "view")
    assert view.details["raised"] == "ValueError: bad input"
    user = step_of(trace, "call", "handle_user_exception(ValueError)")
    assert user.details["exception"] == "ValueError: bad input"
    assert user.details["raised at"].startswith(SRC)
    handler = step_of(trace, "error_handler")
    assert handler.title.endswith(".on_value_error [app, ValueError]")
    assert handler.details["chosen for"] == "ValueError: bad input"
    assert handler.details["returned"] == "tuple ('handled bad input', 418)"
    assert position(trace, view) < position(trace, handler)
    assert trace.status_code == 418


def test_blueprint_error_handler_for_an_aborted_request(app: Flask) -> None:
    bp = Blueprint("shop", __name__)

    @bp.errorhandler(404)
    def missing(e: Exception) -> t.Any:
        return "no such item", 404

    @bp.route("/item/<int:n>")
    def item(n: int) -> str:
        abort(404)

    app.register_blueprint(bp)
    trace = trace_request(app, "GET", "/item/3")
    handler = step_of(trace, "error_handler")
    assert handler.title.endswith(".missing [blueprint 'shop', 404]")
    assert handler.details["chosen for"] == "NotFound (404 Not Found)"
    # The line that called abort(), not Werkzeug's raise.
    assert handler.details["raised at"].startswith(SRC)
    assert step_of(trace, "call", "handle_http_exception").details["returned"] == (
        "tuple ('no such item', 404)"
    )
    assert trace.body_size == len("no such item")


def test_unhandled_exception_takes_the_500_path(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[str] = []

    @app.route("/")
    def index() -> str:
        raise KeyError("k")

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(type(exc).__name__)

    trace = trace_request(app, "GET", "/")
    assert trace.error is None
    handled = step_of(trace, "call", "handle_exception(KeyError)")
    assert handled.details["propagate"] == "no: logged, answered with a 500"
    assert step_of(trace, "signal", "got_request_exception").details["exception"] == (
        "KeyError: 'k'"
    )
    assert step_of(trace, "teardown_request").details["exc"] == "KeyError: 'k'"
    assert seen == ["KeyError"]
    assert trace.status_code == 500


def test_exception_escaping_in_testing_mode_is_kept_on_the_trace(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        return str(1 / 0)

    trace = trace_request(app, "GET", "/")
    assert isinstance(trace.error, ZeroDivisionError)
    assert trace.status is None
    handled = step_of(trace, "call", "handle_exception(ZeroDivisionError)")
    assert handled.details["propagate"] == "yes: re-raised (testing or debug mode)"
    assert handled.details["raised"] == "ZeroDivisionError: division by zero"
    assert trace.steps[-1].title == (
        "unhandled ZeroDivisionError: division by zero left the app"
    )
    assert trace.to_dict()["error"] == "ZeroDivisionError: division by zero"
    assert (
        trace.render_text()
        .splitlines()[0]
        .startswith("GET / -> unhandled ZeroDivisionError")
    )


# -- responses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rv", "conversion"),
    [
        ({"a": 1}, "dict -> JSON response (app.json.response), 200 OK"),
        ([1, 2], "list -> JSON response (app.json.response), 200 OK"),
        (b"raw", "bytes -> text/html; charset=utf-8 response, 200 OK"),
        (
            ("made", 201),
            "tuple (body, status): str -> text/html; charset=utf-8 response, 201 CREATED",
        ),
        (
            ("h", {"X-A": "1"}),
            "tuple (body, headers): str -> text/html; charset=utf-8 response, 200 OK",
        ),
        (
            ("h", 202, {"X-A": "1"}),
            "tuple (body, status, headers): str -> text/html; charset=utf-8 response, 202 ACCEPTED",
        ),
    ],
)
def test_make_response_conversions(app: Flask, rv: t.Any, conversion: str) -> None:
    app.add_url_rule("/", "index", lambda: rv)
    trace = trace_request(app, "GET", "/")
    assert step_of(trace, "call", "make_response").details["conversion"] == conversion


def test_response_object_returned_as_is(app: Flask) -> None:
    app.add_url_rule(
        "/", "index", lambda: app.response_class("r", mimetype="text/plain")
    )
    trace = trace_request(app, "GET", "/")
    assert step_of(trace, "call", "make_response").details["conversion"] == (
        "Response returned as is, 200 OK"
    )


def test_streamed_response_is_sent_after_the_context_is_gone(app: Flask) -> None:
    @app.route("/plain")
    def plain() -> t.Any:
        def generate() -> t.Iterator[str]:
            yield "one "
            yield "two"

        return generate()

    @app.route("/with-context")
    def with_context() -> t.Any:
        def generate() -> t.Iterator[str]:
            yield "a"
            yield "b"

        return stream_with_context(generate())

    trace = trace_request(app, "GET", "/plain")
    assert step_of(trace, "call", "make_response").details["conversion"] == (
        "generator -> streamed response, 200 OK"
    )
    teardown = step_of(trace, "call", "do_teardown_request")
    chunks = trace.find("body")
    assert [c.title for c in chunks] == [
        "body chunk 1: 4 bytes",
        "body chunk 2: 3 bytes",
        "close response body (2 chunks, 7 bytes)",
    ]
    # A plain generator runs after wsgi_app ended the request.
    assert position(trace, teardown) < position(trace, chunks[0])
    assert trace.body_size == 7

    trace = trace_request(app, "GET", "/with-context")
    first_chunk = step_of(trace, "body", "body chunk 1")
    teardown = step_of(trace, "call", "do_teardown_request")
    # stream_with_context keeps the contexts until the generator is done.
    assert position(trace, first_chunk) < position(trace, teardown)
    pops = titles(trace, "context").count("pop request context")
    assert pops == 2
    assert trace.body_size == 2


# -- templates ----------------------------------------------------------------------------


def test_templates_rendered_with_the_loader_that_found_them() -> None:
    app = Flask("trace_templates", root_path=str(FIXTURES))
    bp = Blueprint("pages", __name__, template_folder=str(FIXTURES / "bp_templates"))

    @bp.route("/bp")
    def from_blueprint() -> str:
        return render_template("trace_bp.html", name="x")

    app.register_blueprint(bp)

    @app.route("/app")
    def from_app() -> str:
        return render_template("trace_app.html", name="y")

    trace = trace_request(app, "GET", "/app")
    created = step_of(trace, "template_env")
    load = step_of(trace, "template_load", "'trace_app.html'")
    folder = display_path(str(FIXTURES / "templates"))
    assert load.details["found by"] == (
        f"application 'trace_templates' loader, folder {folder}"
    )
    rendered = step_of(trace, "template", "render template 'trace_app.html'")
    assert rendered.details == {
        "found by": load.details["found by"],
        "file": f"{folder}/trace_app.html",
        "source": "loaded and compiled in this request",
    }
    assert rendered.duration_us is not None
    before = step_of(trace, "signal", "before_render_template")
    assert before.details["template"] == "trace_app.html"
    assert before.details["context"] == ["g", "name", "request"]
    assert (
        position(trace, created)
        < position(trace, load)
        < position(trace, before)
        < position(trace, rendered)
        < position(trace, step_of(trace, "signal", "template_rendered"))
    )
    processor = step_of(trace, "context_processor")
    assert processor.title.endswith("_default_template_ctx_processor [app]")
    assert processor.details["adds"] == ["g", "request"]

    trace = trace_request(app, "GET", "/bp")
    assert trace.find("template_env") == []
    rendered = step_of(trace, "template", "'trace_bp.html'")
    bp_folder = display_path(str(FIXTURES / "bp_templates"))
    assert rendered.details["found by"] == (
        f"blueprint 'pages' loader, folder {bp_folder}"
    )

    # Compiled once: the next render comes from Jinja's cache.
    trace = trace_request(app, "GET", "/bp")
    assert trace.find("template_load") == []
    assert step_of(trace, "template").details["source"] == (
        "compiled earlier, from the environment's cache"
    )


def test_template_that_does_not_exist(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        return render_template(["missing.html", "context.html"])

    app.config["PROPAGATE_EXCEPTIONS"] = False
    trace = trace_request(app, "GET", "/")
    loads = trace.find("template_load")
    assert [s.title for s in loads] == [
        "load and compile template 'missing.html'",
        "load and compile template 'context.html'",
    ]
    assert loads[0].details["raised"].startswith("TemplateNotFound")
    assert step_of(trace, "template").title == "render template 'context.html'"


# -- sessions ------------------------------------------------------------------------------


def session_app(app: Flask) -> Flask:
    @app.route("/set")
    def set_value() -> str:
        session["color"] = "blue"
        return "set"

    @app.route("/get")
    def get_value() -> str:
        return str(session.get("color"))

    @app.route("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.route("/untouched")
    def untouched() -> str:
        return "untouched"

    return app


def session_cookie(trace: Trace) -> str:
    value = next(v for k, v in trace.headers if k == "Set-Cookie")
    return value.split(";")[0].partition("=")[2]


def test_cookie_session_written_read_and_deleted(app: Flask) -> None:
    session_app(app)
    trace = trace_request(app, "GET", "/set")
    opened = step_of(trace, "session", "open_session")
    assert opened.title == "SecureCookieSessionInterface.open_session()"
    assert opened.details["cookie"] == "'session' not sent"
    saved = step_of(trace, "session", "save_session")
    assert saved.details["session"] == (
        "SecureCookieSession: keys [color]; modified, accessed"
    )
    assert saved.details["cookie"] == "'session' written"
    # Opened lazily, inside the view that touched it.
    assert opened.depth > step_of(trace, "view").depth
    cookie = session_cookie(trace)

    trace = trace_request(app, "GET", "/get", cookies={"session": cookie})
    opened = step_of(trace, "session", "open_session")
    assert opened.details["cookie"] == "'session' sent: read"
    assert opened.details["session"] == "SecureCookieSession: keys [color]"
    assert step_of(trace, "session", "save_session").details["cookie"] == (
        "unchanged (no Set-Cookie)"
    )
    assert trace.body_size == len("blue")

    trace = trace_request(app, "GET", "/clear", cookies={"session": cookie})
    assert step_of(trace, "session", "save_session").details["cookie"] == (
        "'session' deleted"
    )

    trace = trace_request(app, "GET", "/untouched")
    assert [s.title for s in trace.find("session")] == [
        "SecureCookieSessionInterface.should_open_for_save()"
    ]
    assert trace.find("session")[0].details["returned"] == (
        "False: the view never touched the session; nothing to save"
    )

    trace = trace_request(app, "GET", "/get", cookies={"session": "tampered"})
    assert step_of(trace, "session", "open_session").details["result"] == (
        "empty (cookie unreadable, expired or empty)"
    )


def test_sqlite_store_session(app: Flask, tmp_path: Path) -> None:
    app.config.update(
        SESSION_TYPE="sqlite", SESSION_SQLITE_PATH=str(tmp_path / "s.sqlite3")
    )
    session_app(app)
    trace = trace_request(app, "GET", "/set")
    saved = step_of(trace, "session", "SqliteSessionInterface.save_session()")
    assert saved.details["cookie"] == "'session' written"
    assert "new" in saved.details["session"]
    write = step_of(trace, "session_store", "write_record")
    assert write.title == "SqliteSessionInterface.write_record()"
    assert write.details["key"].startswith("session:")
    assert write.details["key"].endswith("…")
    assert write.details["result"] == "True"
    assert write.depth == saved.depth + 1
    cookie = session_cookie(trace)

    trace = trace_request(app, "GET", "/get", cookies={"session": cookie})
    opened = step_of(trace, "session", "open_session")
    assert opened.details["cookie"] == "'session' sent: read"
    assert opened.details["session"].startswith("ServerSideSession: keys [color]; sid ")
    assert step_of(trace, "session_store", "read_record").details["result"] == "found"
    assert trace.body_size == len("blue")

    trace = trace_request(app, "GET", "/get", cookies={"session": cookie + "x"})
    assert trace.find("session_store") == []
    opened = step_of(trace, "session", "open_session")
    assert opened.details["result"] == "the cookie named no stored session: a new one"


# -- signals and contexts ----------------------------------------------------------------


def test_contexts_and_signals_in_order(app: Flask) -> None:
    received: list[str] = []

    def listener(sender: Flask, **kwargs: t.Any) -> None:
        received.append("mine")

    app.add_url_rule("/", "index", lambda: "hi")
    with signals.request_started.connected_to(listener, app):
        trace = trace_request(app, "GET", "/")
    contexts = titles(trace, "context")
    assert contexts == [
        "create request context",
        "push request context",
        "push app context",
        "pop request context",
        "pop app context",
    ]
    assert step_of(trace, "context", "create").details["request"] == (
        "GET http://localhost/"
    )
    assert titles(trace, "signal") == [
        "signal appcontext_pushed",
        "signal request_started",
        "signal request_finished",
        "signal request_tearing_down",
        "signal appcontext_tearing_down",
        "signal appcontext_popped",
    ]
    started = step_of(trace, "signal", "request_started")
    assert started.details["receivers"] == "1 other receiver(s)"
    assert step_of(trace, "signal", "appcontext_popped").details["receivers"] == (
        "no other receivers: sent because the tracer listens"
    )
    assert received == ["mine"]


def test_active_app_context_is_reused(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "hi")
    with app.app_context():
        trace = trace_request(app, "GET", "/")
    assert "push app context" not in titles(trace, "context")


def test_async_view_and_hook(app: Flask) -> None:
    @app.before_request
    async def check() -> None:
        return None

    @app.route("/")
    async def index() -> str:
        return "async"

    trace = trace_request(app, "GET", "/")
    assert step_of(trace, "view").details["returned"] == "str (5 chars) 'async'"
    assert step_of(trace, "before_request").details["returned"] == (
        "None: the request goes on"
    )
    assert trace.body_size == 5


def test_requests_in_other_threads_are_not_recorded(app: Flask) -> None:
    other: list[int] = []

    @app.route("/other")
    def other_view() -> str:
        return "other"

    @app.route("/")
    def index() -> str:
        def send() -> None:
            other.append(app.test_client().get("/other").status_code)

        thread = threading.Thread(target=send)
        thread.start()
        thread.join()
        return "index"

    trace = trace_request(app, "GET", "/")
    assert other == [200]
    assert [s.title.split(":")[0] for s in trace.find("view")] == ["view 'index'"]
    assert len(trace.find("match")) == 1


# -- the instrumentation leaves nothing behind ----------------------------------------------


def snapshot(app: Flask) -> dict[str, t.Any]:
    """Identities of everything a tracer may touch."""
    registries = {
        name: {
            scope: (id(funcs), [id(f) for f in funcs])
            for scope, funcs in getattr(app, name).items()
        }
        for name in (
            "before_request_funcs",
            "after_request_funcs",
            "teardown_request_funcs",
            "url_value_preprocessors",
            "template_context_processors",
        )
    }
    errors = {
        (scope, code, cls): id(handler)
        for scope, by_code in app.error_handler_spec.items()
        for code, by_class in by_code.items()
        for cls, handler in by_class.items()
    }
    # First: the first read stores the app's interface on it.
    interface = app.session_interface
    jinja = vars(app).get("jinja_env")
    return {
        # _shadowed_methods is derived from the others: compared by value.
        "app": {
            k: v if k == "_shadowed_methods" else id(v) for k, v in vars(app).items()
        },
        "registries": registries,
        "views": {k: id(v) for k, v in app.view_functions.items()},
        "errors": errors,
        "teardown_appcontext": [id(f) for f in app.teardown_appcontext_funcs],
        "interface": dict(vars(interface)),
        "loader": None if jinja is None else dict(vars(jinja.loader)),
        "signals": {
            name: dict(getattr(signals, name).receivers)
            for name in ("request_started", "template_rendered", "appcontext_pushed")
        },
    }


def busy_app(app: Flask, tmp_path: Path) -> Flask:
    app.config.update(
        SESSION_TYPE="sqlite", SESSION_SQLITE_PATH=str(tmp_path / "s.sqlite3")
    )
    bp = Blueprint("bp", __name__)
    bp.before_request(lambda: None)
    bp.after_request(lambda r: r)
    bp.teardown_request(lambda e: None)
    bp.url_value_preprocessor(lambda e, v: None)
    bp.register_error_handler(404, lambda e: ("bp 404", 404))

    @bp.route("/page")
    def page() -> str:
        session["n"] = 1
        return render_template_string("{{ session.n }}")

    @bp.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    app.before_request(lambda: None)
    app.teardown_appcontext(lambda e: None)
    app.register_error_handler(ValueError, lambda e: "v")
    return app


def test_instrumentation_is_removed_afterwards(app: Flask, tmp_path: Path) -> None:
    busy_app(app, tmp_path)
    # Served once first: a first request sets state of its own (the
    # Jinja environment, the session store's setup) that is no residue.
    assert app.test_client().get("/page").status_code == 200
    before = snapshot(app)
    methods = {name: getattr(type(app), name) for name in ("wsgi_app", "make_response")}

    trace = trace_request(app, "GET", "/page")
    assert trace.status_code == 200
    assert snapshot(app) == before
    trace = trace_request(app, "GET", "/boom")
    assert isinstance(trace.error, RuntimeError)
    assert snapshot(app) == before
    for name, func in methods.items():
        assert getattr(app, name).__func__ is func
        assert name not in vars(app)

    # The app serves as before, recording nothing.
    client = app.test_client()
    assert client.get("/page").status_code == 200
    assert client.get("/nope").status_code == 404
    assert snapshot(app) == before


def test_removed_even_when_a_base_exception_escapes(app: Flask) -> None:
    class Stop(BaseException):
        pass

    @app.route("/")
    def index() -> str:
        raise Stop()

    app.test_client().get("/missing")
    before = snapshot(app)
    with pytest.raises(Stop):
        trace_request(app, "GET", "/")
    assert snapshot(app) == before
    assert app.test_client().get("/missing").status_code == 404


def test_jinja_environment_created_during_a_trace_is_left_clean(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: render_template("context.html"))
    assert "jinja_env" not in vars(app)
    trace_request(app, "GET", "/")
    assert "create_jinja_environment" not in vars(app)
    assert "load" not in vars(app.jinja_env.loader)


def test_middleware_on_wsgi_app_is_kept(app: Flask) -> None:
    inner = app.wsgi_app

    def middleware(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        environ["HTTP_X_MIDDLEWARE"] = "yes"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    app.add_url_rule("/", "index", lambda: "hi")
    trace = trace_request(app, "GET", "/")
    assert trace.steps[0].title == "app.wsgi_app(): GET /"
    assert trace.steps[0].source is not None
    assert app.wsgi_app is middleware


def test_one_tracer_per_app(app: Flask) -> None:
    before = snapshot(app)
    tracer = Tracer(app)
    with tracer.tracing(), pytest.raises(RuntimeError, match="already being traced"):
        Tracer(app).install()
    assert snapshot(app) == before
    # Usable again once the first one is gone.
    app.add_url_rule("/", "index", lambda: "hi")
    assert trace_request(app, "GET", "/").status_code == 200


def test_tracing_imports_without_click() -> None:
    code = "import sys, minflask.tracing; print('click' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- output ---------------------------------------------------------------------------------


def test_json_shape(app: Flask) -> None:
    app.before_request(lambda: "early")
    trace = trace_request(app, "POST", "/anything", json={"a": 1})
    data = json.loads(trace.render_json())
    assert set(data) == {
        "request",
        "total_us",
        "steps",
        "early_return",
        "response",
        "error",
        "dropped_steps",
        "notes",
    }
    assert data["request"] == {"method": "POST", "path": "/anything"}
    assert data["dropped_steps"] == 0
    assert any("sent because the tracer listens" in note for note in data["notes"])
    assert data["early_return"].startswith(f"before_request {MOD}.")
    assert data["error"] is None
    assert data["response"] == {
        "status": "200 OK",
        "status_code": 200,
        "headers": [
            ["Content-Type", "text/html; charset=utf-8"],
            ["Content-Length", "5"],
        ],
        "body_size": 5,
    }
    for step in data["steps"]:
        assert set(step) == {
            "kind",
            "title",
            "start_us",
            "duration_us",
            "depth",
            "source",
            "details",
        }
        assert isinstance(step["start_us"], float)
    assert data["steps"][0]["start_us"] == 0.0
    assert data["steps"][0]["kind"] == "call"
    starts = [step["start_us"] for step in data["steps"]]
    assert starts == sorted(starts)
    assert data["total_us"] >= data["steps"][0]["duration_us"]


def test_text_rendering(app: Flask) -> None:
    app.add_url_rule("/", "index", lambda: "hi")
    text = trace_request(app, "GET", "/").render_text()
    lines = text.splitlines()
    assert lines[0].startswith("GET / -> 200 OK  (")
    assert lines[0].endswith(" µs)")
    assert lines[2].split() == ["start", "µs", "took", "µs", "step"]
    wsgi = lines[3]
    assert wsgi.split()[0] == "0.0"
    assert wsgi.endswith(
        "app.wsgi_app(): GET /  [minflask/app.py:" + wsgi.rsplit(":", 1)[1]
    )
    assert "      match URL / -> rule '/', endpoint 'index'" in text
    assert "response: 200 OK, body 2 bytes" in text
    assert "  Content-Length: 2" in text


# -- the command line ---------------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # FlaskGroup sets this on each run; recorded here so it is undone.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")
    return CliRunner()


@pytest.fixture
def demo_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path)
    add_user(app)
    return app


def demo_group(tmp_path: Path) -> FlaskGroup:
    """The minflask command with a factory making a fresh demo app on the
    same instance folder (database and session store) as ``demo_app``."""
    return FlaskGroup(name="minflask", create_app=lambda: make_app(tmp_path))


def test_demo_trace_logged_out(
    runner: CliRunner, demo_app: Flask, tmp_path: Path
) -> None:
    result = runner.invoke(demo_group(tmp_path), ["trace", "GET", "/stocks/"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("GET /stocks/ -> 302 FOUND  (")
    expected_in_order = [
        "app.wsgi_app(): GET /stocks/  [minflask/app.py:",
        "match URL /stocks/ -> rule '/stocks/', endpoint 'stocks.index'",
        "before_request demo.auth.load_logged_in_user [app]  [demo/auth.py:",
        "SqliteSessionInterface.open_session()",
        "cookie: 'session' not sent",
        "before_request demo.csrf.init_app.<locals>.check_token [app]",
        "view 'stocks.index': demo.stocks.index  [demo/stocks.py:",
        "conversion: Response returned as is, 302 FOUND",
        "after_request demo.add_security_headers [app]",
        "SqliteSessionInterface.save_session()",
        "teardown_appcontext demo.db.close_db",
        "response: 302 FOUND",
        "  Location: /auth/login?next=/stocks/",
    ]
    positions = [out.index(text) for text in expected_in_order]
    assert positions == sorted(positions)


def test_demo_trace_logged_in_with_a_session_cookie(
    runner: CliRunner, demo_app: Flask, tmp_path: Path
) -> None:
    client = demo_app.test_client()
    assert login(client).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None

    result = runner.invoke(
        demo_group(tmp_path),
        ["trace", "GET", "/stocks/", "--cookie", f"session={cookie.value}"],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    expected_in_order = [
        "GET /stocks/ -> 200 OK",
        "cookie: 'session' sent: read",
        "SqliteSessionInterface.read_record()",
        "result: found",
        "view 'stocks.index': demo.stocks.index",
        "load and compile template 'stocks/index.html'",
        "found by: application 'demo' loader, folder demo/templates",
        "signal before_render_template",
        "render template 'stocks/index.html'",
        "file: demo/templates/stocks/index.html",
        "load and compile template 'base.html'",
        "signal template_rendered",
        "conversion: str -> text/html; charset=utf-8 response, 200 OK",
        "response: 200 OK",
    ]
    positions = [out.index(text) for text in expected_in_order]
    assert positions == sorted(positions)


def test_demo_through_the_app_option(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("MINFLASK_DEMO_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("MINFLASK_DEMO_SAMPLE_DATA", "false")
    result = runner.invoke(
        main_cli, ["--app", "demo", "trace", "/stocks/", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["request"] == {"method": "GET", "path": "/stocks/"}
    assert data["response"]["status_code"] == 302
    assert ["Location", "/auth/login?next=/stocks/"] in data["response"]["headers"]
    views = [s for s in data["steps"] if s["kind"] == "view"]
    assert [v["title"] for v in views] == ["view 'stocks.index': demo.stocks.index"]


def test_option_values_reach_the_view(runner: CliRunner) -> None:
    app = Flask("echo2")
    seen: dict[str, t.Any] = {}

    @app.route("/echo", methods=["POST", "PUT"])
    def echo() -> str:
        from minflask import request

        seen.update(
            method=request.method,
            form=request.form.to_dict(),
            json=request.get_json(silent=True),
            header=request.headers.get("X-Thing"),
            cookies=request.cookies.to_dict(),
        )
        return "ok"

    group = FlaskGroup(create_app=lambda: app)
    args = ["trace", "/echo", "-d", "a=1&b=2", "-H", "X-Thing: yes"]
    args += ["--cookie", "c=3", "--cookie", "d=4"]
    assert runner.invoke(group, args).exit_code == 0
    assert seen == {
        "method": "POST",
        "form": {"a": "1", "b": "2"},
        "json": None,
        "header": "yes",
        "cookies": {"c": "3", "d": "4"},
    }
    seen.clear()
    args = ["trace", "PUT", "/echo", "--json", '{"x": [1, 2]}']
    assert runner.invoke(group, args).exit_code == 0
    assert seen["method"] == "PUT"
    assert seen["json"] == {"x": [1, 2]}
    assert seen["form"] == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["trace", "/", "--data", "a", "--json", "1"],
            "Send either '--data' or '--json', not both.",
        ),
        (
            ["trace", "/", "--json", "GET"],
            "'--json' sends a JSON request body; for JSON output use '--format json'.",
        ),
        (
            ["trace", "/", "-H", "no colon"],
            "'no colon' is not of the form 'NAME: VALUE'.",
        ),
        (["trace", "/", "--cookie", "nokey"], "'nokey' is not of the form NAME=VALUE."),
        (["trace", "GET", "/", "extra"], "Give at most a METHOD and a PATH."),
        (["trace", "G-T", "/"], "'G-T' is not an HTTP method."),
        (["trace", "/", "--format", "xml"], "'xml' is not one of 'text', 'json'."),
        (["trace"], "Missing argument '[METHOD] PATH'."),
    ],
)
def test_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    app = Flask("usage")
    result = runner.invoke(FlaskGroup(create_app=lambda: app), args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_escaped_exception_exits_with_1(runner: CliRunner) -> None:
    app = Flask("failing")
    app.testing = True

    @app.route("/")
    def index() -> str:
        raise LookupError("gone")

    result = runner.invoke(FlaskGroup(create_app=lambda: app), ["trace", "/"])
    assert result.exit_code == 1
    assert result.stdout.startswith("GET / -> unhandled LookupError")
    assert "error: LookupError: gone" in result.stdout
    assert "Traceback (most recent call last):" in result.stderr


def test_help(runner: CliRunner) -> None:
    group = FlaskGroup(name="minflask", create_app=lambda: Flask("help"))
    result = runner.invoke(group, ["--help"])
    assert "  trace   " in result.output
    assert "Trace one request through the app." in result.output
    result = runner.invoke(group, ["trace", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: minflask trace [OPTIONS] [METHOD] PATH")
    for text in (
        "--json JSON",
        "--format [text|json]",
        "-H, --header 'NAME: VALUE'",
        "--cookie NAME=VALUE",
        "-d, --data BODY",
    ):
        assert text in result.output


def test_the_tracer_instruments_the_spine_the_app_declares(app: Flask) -> None:
    from minflask import _trace_dispatch
    from minflask.app import DISPATCH_STEPS

    assert _trace_dispatch.TRACED_METHODS is DISPATCH_STEPS
    trace = trace_request(app, "GET", "/")
    seen = {step.title.split("(")[0] for step in trace.steps}
    assert "app.full_dispatch_request" in seen
    assert "app.finalize_request" in seen


def test_a_spine_name_the_app_lacks_fails_loudly(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minflask import _trace_dispatch

    monkeypatch.setattr(
        _trace_dispatch, "TRACED_METHODS", (*_trace_dispatch.TRACED_METHODS, "gone")
    )
    with pytest.raises(RuntimeError, match="DISPATCH_STEPS names 'gone'"):
        trace_request(app, "GET", "/")
