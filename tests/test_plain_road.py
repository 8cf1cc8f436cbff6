"""The plain road (``minflask._speedups.dispatch.serve``) makes, pushes,
matches and pops the contexts itself: it must leave the same traces as
``wsgi_app``'s named methods, including when a view misuses the stacks."""

from __future__ import annotations

import typing as t

import pytest
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.test import create_environ

from minflask import Flask, g, request
from minflask.ctx import has_app_context, has_request_context
from minflask.globals import _app_ctx_stack, _request_ctx_stack
from minflask.signals import appcontext_popped


def make_app(road: str) -> Flask:
    app = Flask(f"plain_{road}")
    if road == "named":
        # Any hook takes the app off the plain road.
        app.before_request(lambda: None)
    return app


ROADS = ("plain", "named")


def call(app: Flask, path: str = "/", **kw: t.Any) -> tuple[str, bytes]:
    seen: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.append(status)

    body = b"".join(app(create_environ(path, **kw), start_response))
    return seen[0], body


@pytest.mark.parametrize("road", ROADS)
def test_contexts_are_gone_after_the_request(road: str) -> None:
    app = make_app(road)
    inside: list[t.Any] = []

    @app.route("/<int:n>")
    def view(n: int) -> str:
        g.n = n
        inside.append((request.path, g.n, has_app_context(), has_request_context()))
        return "ok"

    assert call(app, "/7") == ("200 OK", b"ok")
    assert inside == [("/7", 7, True, True)]
    assert _app_ctx_stack.top is None and _request_ctx_stack.top is None
    assert call(app, "/x")[0] == "404 NOT FOUND"
    assert _app_ctx_stack.top is None and _request_ctx_stack.top is None


@pytest.mark.parametrize("road", ROADS)
def test_an_active_app_context_of_the_same_app_is_reused(road: str) -> None:
    app = make_app(road)

    @app.route("/")
    def view() -> str:
        return g.get("outer", "none")

    with app.app_context():
        g.outer = "shared"
        assert call(app) == ("200 OK", b"shared")
        assert _app_ctx_stack.top is not None and _app_ctx_stack.top.app is app
    other = Flask("other")
    with other.app_context():
        g.outer = "not this app's"
        assert call(app) == ("200 OK", b"none")
        assert _app_ctx_stack.top.app is other  # type: ignore[union-attr]


@pytest.mark.parametrize("road", ROADS)
def test_a_view_that_leaves_an_app_context_pushed_is_caught(road: str) -> None:
    app = make_app(road)

    @app.route("/")
    def view() -> str:
        Flask("leaky").app_context().push()
        return "ok"

    with pytest.raises(AssertionError, match="Popped the wrong app context"):
        call(app)
    while _app_ctx_stack.top is not None:
        _app_ctx_stack.pop()


@pytest.mark.parametrize("road", ROADS)
def test_teardown_and_popped_receivers_run(road: str) -> None:
    app = make_app(road)
    torn: list[t.Any] = []
    app.teardown_request(lambda exc: torn.append(("request", exc)))
    app.teardown_appcontext(lambda exc: torn.append(("app", exc)))

    @app.route("/")
    def view() -> str:
        return "ok"

    def popped(sender: Flask, **kw: t.Any) -> None:
        torn.append(("popped", sender is app))

    assert call(app) == ("200 OK", b"ok")
    with appcontext_popped.connected_to(popped, app):
        assert call(app) == ("200 OK", b"ok")
    assert torn == [
        ("request", None),
        ("app", None),
        ("request", None),
        ("app", None),
        ("popped", True),
    ]


@pytest.mark.parametrize("road", ROADS)
def test_the_request_is_closed_and_freed(road: str) -> None:
    app = make_app(road)
    environ = create_environ(
        "/",
        method="POST",
        data=b"name=Ada",
        content_type="application/x-www-form-urlencoded",
    )

    @app.post("/")
    def view() -> str:
        return request.form["name"]

    body = b"".join(app(environ, lambda s, h: None))
    assert body == b"Ada"
    assert environ["werkzeug.request"] is None


@pytest.mark.parametrize("road", ROADS)
def test_a_404_meets_its_handler_trap_and_overrides(road: str) -> None:
    app = make_app(road)

    @app.route("/")
    def view() -> str:
        return "ok"

    stock = call(app, "/nowhere")
    assert stock[0] == "404 NOT FOUND" and b"Not Found" in stock[1]

    handled = make_app(road)
    handled.register_error_handler(404, lambda e: ("gone", 404))
    assert call(handled, "/nowhere") == ("404 NOT FOUND", b"gone")

    trapped = make_app(road)
    trapped.config["TRAP_HTTP_EXCEPTIONS"] = True
    trapped.testing = True
    with pytest.raises(NotFound):
        call(trapped, "/nowhere")

    class Teapot(Flask):
        def handle_http_exception(self, e: HTTPException) -> t.Any:
            return "teapot", 418

    assert call(Teapot("teapot"), "/nowhere") == ("418 I'M A TEAPOT", b"teapot")


@pytest.mark.parametrize(
    "step", ["wsgi_app", "make_response", "full_dispatch_request", "process_response"]
)
def test_a_step_replaced_on_the_instance_is_used_then_dropped(step: str) -> None:
    app = Flask("shadowed")
    app.add_url_rule("/", "index", lambda: "hello")
    assert call(app) == ("200 OK", b"hello")  # the first request: plain
    original = getattr(app, step)
    seen: list[str] = []

    def replaced(*args: t.Any, **kwargs: t.Any) -> t.Any:
        seen.append(step)
        return original(*args, **kwargs)

    setattr(app, step, replaced)
    assert step in app._shadowed_methods
    assert call(app) == ("200 OK", b"hello")
    assert seen == [step]
    delattr(app, step)
    assert step not in vars(app)
    assert "_shadowed_methods" not in vars(app)
    assert call(app) == ("200 OK", b"hello")
    assert seen == [step]


def test_instance_attributes_that_are_not_methods_are_not_shadows() -> None:
    app = Flask("not_shadowed")
    app.add_url_rule("/", "index", lambda: "hello")
    call(app)
    app.something_of_an_extension = object()  # type: ignore[attr-defined]
    app.debug = False
    assert "_shadowed_methods" not in vars(app)


def _sent(app: Flask, path: str, **kw: t.Any) -> tuple[str, list[t.Any], bytes]:
    seen: list[t.Any] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen[:] = [status, headers]

    body = b"".join(app(create_environ(path, **kw), start_response))
    return seen[0], seen[1], body


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_dict_sent_without_a_response_object_is_make_responses(
    debug: bool, method: str
) -> None:
    app = Flask("json_direct")
    app.debug = debug
    data = {"b": [1, 2.5, None], "a": "\u00e9t\u00e9 <b>", "n": {"x": True}}
    app.add_url_rule("/", "index", lambda: data, methods=["GET"])
    with app.test_request_context(method=method):
        expected = app.make_response(data)
    status, headers, body = _sent(app, "/", method=method)
    assert status == expected.status == "200 OK"
    assert headers == expected.headers.to_wsgi_list()
    assert body == (b"" if method == "HEAD" else expected.get_data())
    assert body.endswith(b"\n") or method == "HEAD"
    if debug and method == "GET":
        assert b'\n  "a"' in body  # indented, keys sorted


def test_a_dict_still_meets_after_this_request_and_a_custom_provider() -> None:
    from minflask import after_this_request
    from minflask.json.provider import DefaultJSONProvider

    class Loud(DefaultJSONProvider):
        def _body(self, obj: t.Any) -> str:
            return super()._body(obj).upper()

    app = Flask("json_custom")
    app.json = Loud(app)
    seen: list[str] = []

    @app.route("/")
    def index() -> dict[str, str]:
        return {"k": "v"}

    @app.route("/hooked")
    def hooked() -> dict[str, str]:
        @after_this_request
        def note(response: t.Any) -> t.Any:
            seen.append(response.mimetype)
            return response

        return {"k": "v"}

    assert _sent(app, "/")[2] == b'{"K":"V"}\n'
    app.json = DefaultJSONProvider(app)
    assert _sent(app, "/hooked")[2] == b'{"k":"v"}\n'
    assert seen == ["application/json"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE"])
@pytest.mark.parametrize("path", ["/missing", "/only-post", "/"])
def test_routing_errors_sent_without_a_response_object(method: str, path: str) -> None:
    def build(hooked: bool) -> Flask:
        app = Flask(f"errors_{hooked}")
        app.add_url_rule("/only-post", "p", lambda: "posted", methods=["POST"])
        app.add_url_rule("/", "index", lambda: "hello", methods=["GET"])
        if hooked:  # the named methods' road, for reference
            app.before_request(lambda: None)
        return app

    plain = _sent(build(False), path, method=method)
    named = _sent(build(True), path, method=method)
    assert plain == named
    if path == "/missing":
        assert plain[0] == "404 NOT FOUND"
    elif (path, method) != ("/", "GET") and (path, method) != ("/", "HEAD"):
        assert plain[0] == "405 METHOD NOT ALLOWED"


def test_a_view_returning_none_is_still_an_error_on_the_plain_road() -> None:
    app = Flask("returns_none")
    app.add_url_rule("/", "index", lambda: None)
    status, _, body = _sent(app, "/")
    assert status == "500 INTERNAL SERVER ERROR"
    assert b"Internal Server Error" in body


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("default_status", 204),
        ("default_status", 201),
        ("default_mimetype", "text/plain"),
        ("default_mimetype", None),
        ("automatically_set_content_length", False),
    ],
)
def test_a_str_sent_directly_follows_the_response_class_defaults(
    monkeypatch: pytest.MonkeyPatch, attribute: str, value: t.Any
) -> None:
    from minflask.wrappers import Response

    def build(hooked: bool) -> Flask:
        app = Flask(f"defaults_{hooked}")
        app.add_url_rule("/", "index", lambda: "body")
        if hooked:
            app.before_request(lambda: None)
        return app

    monkeypatch.setattr(Response, attribute, value)
    assert _sent(build(False), "/") == _sent(build(True), "/")


def test_receivers_connected_after_quiet_requests_hear_every_signal() -> None:
    """Until a receiver connects, one flag stands in for the six signals'
    receiver checks: a receiver connected later, in a process that has
    never had one, must still get every signal of the next request."""
    from tests.test_speedups import run_python

    out = run_python(
        """
        from werkzeug.test import create_environ
        from minflask import Flask, signals
        from minflask._speedups import dispatch

        app = Flask("quiet")
        app.add_url_rule("/", "index", lambda: "hello")

        def serve():
            return b"".join(app(create_environ("/"), lambda s, h: None))

        assert serve() == b"hello" and serve() == b"hello"
        print("heard before:", dispatch._heard)
        heard = []
        names = (
            "appcontext_pushed", "request_started", "request_finished",
            "request_tearing_down", "appcontext_tearing_down",
            "appcontext_popped",
        )
        receivers = {}
        for name in names:
            def receiver(sender, _name=name, **kwargs):
                heard.append(_name)
            receivers[name] = receiver
            getattr(signals, name).connect(receiver)
        assert serve() == b"hello"
        print("heard:", sorted(heard) == sorted(names), sorted(heard))
        """,
        blocked=False,
    )
    assert "heard before: False" in out
    assert "heard: True" in out
