"""Application and request contexts, the context proxies, ``g``, and the
helpers that carry a request context elsewhere (threads, streams)."""

from __future__ import annotations

import threading
import typing as t

import pytest

import minflask
from minflask import (
    Flask,
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from minflask.globals import app_ctx, request_ctx

NO_APP = "Working outside of application context."
NO_REQ = "Working outside of request context."


def _fresh_app(name: str) -> Flask:
    app = Flask(name)
    app.testing = True
    return app


# -- proxies without a context ---------------------------------------------


@pytest.mark.parametrize(
    "proxy", [current_app, g, app_ctx], ids=["current_app", "g", "app_ctx"]
)
def test_app_proxies_outside_context(proxy: t.Any) -> None:
    assert not proxy
    assert bool(proxy) is False
    with pytest.raises(RuntimeError) as exc_info:
        proxy.some_attribute  # noqa: B018
    message = str(exc_info.value)
    assert message.startswith(NO_APP)
    assert "outside of application context" in message
    assert "app.app_context()" in message


@pytest.mark.parametrize(
    "proxy", [request, session, request_ctx], ids=["request", "session", "request_ctx"]
)
def test_request_proxies_outside_context(proxy: t.Any) -> None:
    assert not proxy
    with pytest.raises(RuntimeError) as exc_info:
        proxy.some_attribute  # noqa: B018
    message = str(exc_info.value)
    assert message.startswith(NO_REQ)
    assert "outside of request context" in message


def test_request_proxy_outside_request_with_app_context(app: Flask) -> None:
    with app.app_context():
        assert current_app
        assert not request
        with pytest.raises(RuntimeError, match="outside of request context"):
            request.args  # noqa: B018
        with pytest.raises(RuntimeError, match="outside of request context"):
            session.get("x")


def test_proxy_setattr_outside_context_raises() -> None:
    with pytest.raises(RuntimeError, match="outside of application context"):
        g.value = 1


def test_has_context_helpers(app: Flask) -> None:
    assert not has_app_context()
    assert not has_request_context()
    with app.app_context():
        assert has_app_context()
        assert not has_request_context()
        with app.test_request_context():
            assert has_app_context()
            assert has_request_context()
        assert not has_request_context()
    assert not has_app_context()


# -- app context -----------------------------------------------------------


def test_app_context_with_block(app: Flask) -> None:
    with app.app_context() as ctx:
        assert ctx.app is app
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert current_app.name == app.name
        assert app_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert ctx.g is g._get_current_object()  # type: ignore[attr-defined]
    assert not current_app


def test_app_context_push_pop(app: Flask) -> None:
    ctx = app.app_context()
    ctx.push()
    try:
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    finally:
        ctx.pop()
    assert not has_app_context()


def test_app_context_pushed_twice_nests(app: Flask) -> None:
    ctx = app.app_context()
    with ctx:
        with ctx:
            assert has_app_context()
        assert has_app_context()
    assert not has_app_context()


def test_app_context_teardown_once_per_nested_push(app: Flask) -> None:
    calls: list[t.Any] = []

    @app.teardown_appcontext
    def teardown(exc: BaseException | None) -> None:
        calls.append(exc)

    ctx = app.app_context()
    with ctx:
        with ctx:
            pass
        assert calls == []
        assert has_app_context()
    assert calls == [None]


def test_repushing_current_contexts_in_view(app: Flask, client: t.Any) -> None:
    called: list[str] = []

    @app.teardown_request
    def teardown_request(exc: BaseException | None) -> None:
        called.append("request")

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        called.append("app")

    @app.route("/")
    def index() -> str:
        with app_ctx, request_ctx:
            pass
        # The inner pops were not the last: the request is still usable.
        assert request.environ["werkzeug.request"] is not None
        assert called == []
        return request.path

    assert client.get("/").data == b"/"
    assert called == ["request", "app"]


def test_pop_wrong_app_context(app: Flask) -> None:
    outer = app.app_context()
    inner = app.app_context()
    outer.push()
    inner.push()
    with pytest.raises(AssertionError):
        outer.pop()
    while has_app_context():
        app_ctx._get_current_object().pop()  # type: ignore[attr-defined]


def test_nested_app_contexts_of_two_apps(app: Flask) -> None:
    other = _fresh_app("other_app")
    with app.app_context():
        g.who = "first"
        with other.app_context():
            assert current_app.name == "other_app"
            assert "who" not in g
            g.who = "second"
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert g.who == "first"


def test_app_context_url_for_with_server_name(app: Flask) -> None:
    app.config.update(SERVER_NAME="example.org", PREFERRED_URL_SCHEME="https")

    @app.route("/page")
    def page() -> str:
        return ""

    with app.app_context():
        assert minflask.url_for("page") == "https://example.org/page"


def test_app_context_url_for_without_server_name(app: Flask) -> None:
    @app.route("/page")
    def page() -> str:
        return ""

    with app.app_context(), pytest.raises(RuntimeError, match="SERVER_NAME"):
        minflask.url_for("page")


# -- request context -------------------------------------------------------


def test_test_request_context_attributes(app: Flask) -> None:
    with app.test_request_context(
        "/hello?x=1",
        method="POST",
        data={"name": "value"},
        headers={"X-Custom": "yes"},
    ) as ctx:
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert ctx.request is request._get_current_object()  # type: ignore[attr-defined]
        assert request.path == "/hello"
        assert request.method == "POST"
        assert request.args["x"] == "1"
        assert request.form["name"] == "value"
        assert request.headers["X-Custom"] == "yes"
        assert request.url == "http://localhost/hello?x=1"


def test_test_request_context_json(app: Flask) -> None:
    with app.test_request_context("/", method="PUT", json={"a": [1, 2]}):
        assert request.is_json
        assert request.get_json() == {"a": [1, 2]}
        assert request.json == {"a": [1, 2]}


def test_test_request_context_uses_config(app: Flask) -> None:
    app.config.update(
        SERVER_NAME="example.com:8080",
        APPLICATION_ROOT="/root",
        PREFERRED_URL_SCHEME="https",
    )
    with app.test_request_context("/path"):
        assert request.url == "https://example.com:8080/root/path"
        assert request.script_root == "/root"


def test_test_request_context_subdomain(app: Flask) -> None:
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/", subdomain="api"):
        assert request.host == "api.example.com"


def test_request_context_from_environ(app: Flask) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/from-environ",
        "QUERY_STRING": "q=1",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
    }

    @app.route("/from-environ")
    def from_environ() -> str:
        return ""

    ctx = app.request_context(environ)
    ctx.push()
    try:
        assert request.path == "/from-environ"
        assert request.args["q"] == "1"
        assert request.endpoint == "from_environ"
    finally:
        ctx.pop()
    assert not has_request_context()


def test_request_context_matches_url(app: Flask) -> None:
    @app.route("/user/<int:uid>")
    def user(uid: int) -> str:
        return ""

    with app.test_request_context("/user/5"):
        assert request.endpoint == "user"
        assert request.view_args == {"uid": 5}
        assert request.url_rule is not None
        assert request.url_rule.rule == "/user/<int:uid>"
    with app.test_request_context("/missing"):
        assert request.url_rule is None
        assert request.routing_exception is not None
        assert request.routing_exception.code == 404


def test_request_context_pushes_app_context(app: Flask) -> None:
    assert not has_app_context()
    ctx = app.test_request_context()
    ctx.push()
    try:
        assert has_app_context()
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    finally:
        ctx.pop()
    assert not has_app_context()
    assert not has_request_context()


def test_request_context_reuses_same_app_context(app: Flask) -> None:
    with app.app_context() as actx:
        g.marker = "from app ctx"
        with app.test_request_context():
            assert app_ctx._get_current_object() is actx  # type: ignore[attr-defined]
            assert g.marker == "from app ctx"
            g.added = True
        # The request did not pop the app context it did not push.
        assert has_app_context()
        assert g.added is True


def test_request_context_of_other_app_pushes_its_own(app: Flask) -> None:
    other = _fresh_app("other_app")
    with other.app_context() as other_ctx:
        g.owner = "other"
        with app.test_request_context():
            assert current_app._get_current_object() is app  # type: ignore[attr-defined]
            assert app_ctx._get_current_object() is not other_ctx  # type: ignore[attr-defined]
            assert "owner" not in g
        assert current_app._get_current_object() is other  # type: ignore[attr-defined]
        assert app_ctx._get_current_object() is other_ctx  # type: ignore[attr-defined]
        assert g.owner == "other"


def test_nested_request_contexts_of_two_apps(app: Flask) -> None:
    other = _fresh_app("other_app")
    with app.test_request_context("/first"):
        with other.test_request_context("/second"):
            assert current_app.name == "other_app"
            assert request.path == "/second"
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert request.path == "/first"
    assert not has_app_context()


def test_request_context_manual_push_twice(app: Flask) -> None:
    ctx = app.test_request_context("/twice")
    ctx.push()
    ctx.push()
    ctx.pop()
    assert request.path == "/twice"
    ctx.pop()
    assert not has_request_context()
    assert not has_app_context()


def test_request_context_copy(app: Flask) -> None:
    with app.test_request_context("/orig?a=b") as ctx:
        copied = ctx.copy()
        assert copied is not ctx
        assert copied.request is ctx.request
    with copied:
        assert request.args["a"] == "b"


def test_request_context_repr(app: Flask) -> None:
    ctx = app.test_request_context("/r", method="POST")
    assert repr(ctx) == "<RequestContext 'http://localhost/r' [POST] of minflask_test>"


def test_session_in_request_context(app: Flask) -> None:
    with app.test_request_context():
        assert session.get("missing") is None
        session["k"] = "v"
        assert session["k"] == "v"


def test_context_popped_after_request(app: Flask, client: t.Any) -> None:
    seen: list[bool] = []

    @app.route("/")
    def index() -> str:
        seen.append(has_request_context() and has_app_context())
        return "ok"

    assert client.get("/").data == b"ok"
    assert seen == [True]
    assert not has_request_context()
    assert not has_app_context()


def test_context_popped_after_propagated_error(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        client.get("/")
    assert not has_request_context()
    assert not has_app_context()


# -- g -----------------------------------------------------------------------


def test_g_methods(app: Flask, app_ctx: t.Any) -> None:
    assert g.get("foo") is None
    assert g.get("foo", "bar") == "bar"
    assert "foo" not in g
    g.foo = "bar"
    assert "foo" in g
    assert g.get("foo") == "bar"

    assert g.setdefault("cake", "lie") == "lie"
    assert g.setdefault("cake", "truth") == "lie"
    assert g.cake == "lie"
    assert g.setdefault("none") is None
    assert "none" in g

    assert g.pop("cake") == "lie"
    with pytest.raises(KeyError):
        g.pop("cake")
    assert g.pop("cake", "default") == "default"
    assert g.pop("cake", None) is None

    assert list(g) == ["foo", "none"]
    assert sorted(iter(g)) == ["foo", "none"]
    assert repr(g) == "<minflask.g of 'minflask_test'>"


def test_g_attribute_access(app_ctx: t.Any) -> None:
    with pytest.raises(AttributeError):
        g.missing  # noqa: B018
    g.value = 42
    assert getattr(g, "value") == 42  # noqa: B009
    del g.value
    assert not hasattr(g, "value")
    with pytest.raises(AttributeError):
        del g.value


def test_g_is_per_app_context(app: Flask) -> None:
    with app.app_context():
        g.value = 1
        assert g.value == 1
    with app.app_context():
        assert "value" not in g


def test_g_shared_between_request_and_app_context(app: Flask) -> None:
    @app.before_request
    def set_g() -> None:
        g.user = "alice"

    @app.route("/")
    def index() -> str:
        return t.cast(str, g.user)

    client = app.test_client()
    assert client.get("/").data == b"alice"
    with app.test_request_context():
        assert "user" not in g


def test_g_visible_in_teardown_appcontext(app: Flask) -> None:
    seen: list[t.Any] = []

    @app.teardown_appcontext
    def teardown(exc: BaseException | None) -> None:
        seen.append(g.get("db"))

    @app.route("/")
    def index() -> str:
        g.db = "connection"
        return ""

    app.test_client().get("/")
    assert seen == ["connection"]


def test_app_ctx_globals_class_override(app: Flask) -> None:
    class CustomGlobals(minflask.ctx._AppCtxGlobals):
        answer = 42

    app.app_ctx_globals_class = CustomGlobals
    with app.app_context():
        assert isinstance(g._get_current_object(), CustomGlobals)  # type: ignore[attr-defined]
        assert g.answer == 42


# -- threads -----------------------------------------------------------------


def test_contexts_are_per_thread(app: Flask) -> None:
    seen: dict[str, bool] = {}

    def probe() -> None:
        seen["app"] = has_app_context()
        seen["request"] = has_request_context()

    with app.test_request_context():
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
    assert seen == {"app": False, "request": False}


def test_concurrent_requests_are_isolated(app: Flask) -> None:
    count = 8
    barrier = threading.Barrier(count, timeout=10)

    @app.route("/<int:n>")
    def view(n: int) -> str:
        g.n = n
        # Every thread is inside its request before any of them answers.
        barrier.wait()
        return f"{request.view_args['n']}-{g.n}-{request.args['q']}"

    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            client = app.test_client()
            results[n] = client.get(f"/{n}?q={n * 10}").get_data(as_text=True)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == {n: f"{n}-{n}-{n * 10}" for n in range(count)}


# -- after_this_request ------------------------------------------------------


def test_after_this_request(app: Flask, client: t.Any) -> None:
    calls: list[str] = []

    @app.route("/")
    def index() -> str:
        @after_this_request
        def add_header(response: minflask.Response) -> minflask.Response:
            calls.append("after_this_request")
            response.headers["X-Foo"] = "a header"
            return response

        calls.append("view")
        return "body"

    rv = client.get("/")
    assert rv.headers["X-Foo"] == "a header"
    assert calls == ["view", "after_this_request"]
    # Registered for one request only.
    calls.clear()
    client.get("/")
    assert calls == ["view", "after_this_request"]


def test_after_this_request_replaces_response(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        after_this_request(lambda response: minflask.Response("replaced", 201))
        return "original"

    rv = client.get("/")
    assert rv.status_code == 201
    assert rv.data == b"replaced"


def test_after_this_request_from_before_request(app: Flask, client: t.Any) -> None:
    @app.before_request
    def before() -> None:
        @after_this_request
        def tag(response: minflask.Response) -> minflask.Response:
            response.headers["X-Before"] = "1"
            return response

    @app.route("/")
    def index() -> str:
        return ""

    assert client.get("/").headers["X-Before"] == "1"


def test_after_this_request_runs_before_after_request(
    app: Flask, client: t.Any
) -> None:
    order: list[str] = []

    @app.after_request
    def after(response: minflask.Response) -> minflask.Response:
        order.append("after_request")
        return response

    @app.route("/")
    def index() -> str:
        after_this_request(lambda r: order.append("after_this_request") or r)
        return ""

    client.get("/")
    assert order == ["after_this_request", "after_request"]


def test_after_this_request_outside_request(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="request context"):
        after_this_request(lambda r: r)
    with app.app_context(), pytest.raises(RuntimeError, match="request context"):
        after_this_request(lambda r: r)


# -- copy_current_request_context ---------------------------------------------


def test_copy_current_request_context_in_thread(app: Flask, client: t.Any) -> None:
    results: dict[str, t.Any] = {}

    @app.route("/")
    def index() -> str:
        g.value = "from view"

        @copy_current_request_context
        def background() -> str:
            results["path"] = request.path
            results["arg"] = request.args["x"]
            results["app"] = current_app.name
            results["has_request"] = has_request_context()
            return "returned"

        thread = threading.Thread(target=lambda: results.update(rv=background()))
        thread.start()
        thread.join()
        return "ok"

    assert client.get("/?x=42").data == b"ok"
    assert results == {
        "path": "/",
        "arg": "42",
        "app": "minflask_test",
        "has_request": True,
        "rv": "returned",
    }


def test_copy_current_request_context_keeps_function_metadata(
    app: Flask,
) -> None:
    def documented() -> None:
        """Docstring."""

    with app.test_request_context():
        wrapped = copy_current_request_context(documented)
    assert wrapped.__name__ == "documented"
    assert wrapped.__doc__ == "Docstring."


def test_copy_current_request_context_shares_session(app: Flask) -> None:
    with app.test_request_context():
        session["user"] = "bob"

        @copy_current_request_context
        def read_session() -> t.Any:
            return session.get("user")

        result: list[t.Any] = []
        thread = threading.Thread(target=lambda: result.append(read_session()))
        thread.start()
        thread.join()
    assert result == ["bob"]


def test_copy_current_request_context_outside_request() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        copy_current_request_context(lambda: None)


# -- stream_with_context -------------------------------------------------------


def test_stream_with_context_generator(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> minflask.Response:
        def generate() -> t.Iterator[str]:
            yield "Hello "
            yield request.args["name"]
            yield "!"

        return minflask.Response(stream_with_context(generate()))

    rv = client.get("/?name=World")
    assert rv.data == b"Hello World!"


def test_stream_with_context_decorator(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> minflask.Response:
        @stream_with_context
        def generate(prefix: str) -> t.Iterator[str]:
            yield prefix
            yield request.args["name"]

        return minflask.Response(generate("Hi "))

    assert client.get("/?name=you").data == b"Hi you"


def test_stream_with_context_keeps_g(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> minflask.Response:
        g.greeting = "kept"

        def generate() -> t.Iterator[str]:
            yield g.greeting
            yield current_app.name

        return minflask.Response(stream_with_context(generate()))

    assert client.get("/").data == b"keptminflask_test"


def test_without_stream_with_context_request_is_gone(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> minflask.Response:
        def generate() -> t.Iterator[str]:
            yield "x"
            yield request.path

        return minflask.Response(generate())

    rv = client.get("/")
    with pytest.raises(RuntimeError, match="outside of request context"):
        rv.get_data()


def test_stream_with_context_teardown_after_stream(app: Flask, client: t.Any) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> minflask.Response:
        def generate() -> t.Iterator[str]:
            events.append("streaming")
            yield "data"
            events.append("streamed")

        return minflask.Response(stream_with_context(generate()))

    rv = client.get("/")
    assert rv.data == b"data"
    rv.close()
    assert events[-1] == "teardown"
    assert events.index("streaming") < events.index("streamed")
    assert not has_request_context()
    assert not has_app_context()


def test_stream_with_context_closes_generator(app: Flask, client: t.Any) -> None:
    closed: list[bool] = []

    @app.route("/")
    def index() -> minflask.Response:
        def generate() -> t.Iterator[str]:
            try:
                yield "first"
                yield "second"
            finally:
                closed.append(True)

        return minflask.Response(stream_with_context(generate()))

    rv = client.get("/", buffered=False)
    iterator = iter(rv.response)
    assert next(iterator) == b"first"
    rv.close()
    assert closed == [True]


def test_stream_with_context_outside_request() -> None:
    def generate() -> t.Iterator[str]:
        yield "x"

    with pytest.raises(RuntimeError, match="request context"):
        stream_with_context(generate())


def test_flask_private_context_vars_answer_get() -> None:
    """``_cv_app``/``_cv_request`` read like Flask's context variables."""
    from minflask.globals import _cv_app, _cv_request

    app = Flask("cvapp")
    assert _cv_app.get(None) is None
    with pytest.raises(LookupError):
        _cv_request.get()
    with app.test_request_context() as ctx:
        assert _cv_request.get() is ctx
        assert _cv_app.get(None).app is app
    assert _cv_request.get(None) is None


def test_hand_built_response_json_uses_app_provider() -> None:
    """A response made by hand parses JSON with the current app's provider."""
    from minflask import Response
    from minflask.json.provider import DefaultJSONProvider

    class Loud(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return {"loaded_by": "app", **super().loads(s, **kwargs)}

    app = Flask("jsonapp")
    app.json = Loud(app)
    rv = Response('{"a": 1}', mimetype="application/json")
    assert rv.get_json() == {"a": 1}
    with app.app_context():
        assert rv.get_json() == {"loaded_by": "app", "a": 1}
