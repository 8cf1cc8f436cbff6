"""``async def`` views, hooks and handlers, run without extra packages."""

from __future__ import annotations

import asyncio
import threading
import typing as t

import pytest
from werkzeug.exceptions import NotFound

import minflask
from minflask import Flask, g, request
from minflask.testing import FlaskClient
from minflask.views import MethodView, View


class AppError(Exception):
    pass


def test_async_view(app: Flask, client: FlaskClient) -> None:
    @app.route("/<name>")
    async def index(name: str) -> str:
        await asyncio.sleep(0)
        return f"hello {name}"

    rv = client.get("/world")
    assert rv.status_code == 200
    assert rv.data == b"hello world"


def test_async_view_return_forms(app: Flask, client: FlaskClient) -> None:
    @app.route("/tuple")
    async def as_tuple() -> t.Any:
        return {"ok": True}, 201, {"X-Async": "1"}

    @app.route("/response")
    async def as_response() -> minflask.Response:
        return minflask.make_response("made", 202)

    rv = client.get("/tuple")
    assert rv.status_code == 201
    assert rv.json == {"ok": True}
    assert rv.headers["X-Async"] == "1"
    rv = client.get("/response")
    assert rv.status_code == 202
    assert rv.data == b"made"


def test_async_view_post_data(app: Flask, client: FlaskClient) -> None:
    @app.post("/")
    async def index() -> t.Any:
        await asyncio.sleep(0)
        return {"form": request.form["a"], "json": request.args.get("q")}

    rv = client.post("/?q=1", data={"a": "b"})
    assert rv.json == {"form": "b", "json": "1"}


def test_request_and_g_inside_coroutines(app: Flask, client: FlaskClient) -> None:
    async def helper() -> str:
        await asyncio.sleep(0)
        # The proxies still work in a coroutine the view awaits.
        return f"{request.path}:{g.user}"

    @app.before_request
    def set_user() -> None:
        g.user = "alice"

    @app.route("/who")
    async def who() -> str:
        assert minflask.has_request_context()
        assert minflask.current_app._get_current_object() is app  # type: ignore[attr-defined]
        first = await helper()
        results = await asyncio.gather(helper(), helper())
        return "|".join([first, *results])

    assert client.get("/who").data == b"/who:alice|/who:alice|/who:alice"


def test_g_shared_between_sync_and_async(app: Flask, client: FlaskClient) -> None:
    @app.before_request
    async def async_before() -> None:
        g.steps = ["async before"]

    @app.route("/")
    def index() -> str:
        g.steps.append("sync view")
        return ""

    @app.after_request
    async def async_after(response: minflask.Response) -> minflask.Response:
        g.steps.append("async after")
        response.headers["X-Steps"] = ",".join(g.steps)
        return response

    assert client.get("/").headers["X-Steps"] == "async before,sync view,async after"


def test_async_before_request_short_circuits(app: Flask, client: FlaskClient) -> None:
    called: list[str] = []

    @app.before_request
    async def guard() -> str | None:
        if request.args.get("block"):
            return "blocked"
        return None

    @app.route("/")
    async def index() -> str:
        called.append("view")
        return "view"

    assert client.get("/?block=1").data == b"blocked"
    assert called == []
    assert client.get("/").data == b"view"
    assert called == ["view"]


def test_async_after_request(app: Flask, client: FlaskClient) -> None:
    @app.after_request
    async def add_header(response: minflask.Response) -> minflask.Response:
        await asyncio.sleep(0)
        response.headers["X-After"] = request.endpoint or ""
        return response

    @app.route("/")
    def index() -> str:
        return "x"

    assert client.get("/").headers["X-After"] == "index"


def test_async_after_this_request(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    async def index() -> str:
        @minflask.after_this_request
        async def add_header(response: minflask.Response) -> minflask.Response:
            response.headers["X-This"] = "yes"
            return response

        return "x"

    assert client.get("/").headers["X-This"] == "yes"


def test_async_error_handler(app: Flask, client: FlaskClient) -> None:
    @app.errorhandler(AppError)
    async def handle(e: AppError) -> tuple[str, int]:
        await asyncio.sleep(0)
        return f"handled {e} at {request.path}", 418

    @app.errorhandler(404)
    async def not_found(e: NotFound) -> tuple[str, int]:
        return "async 404", 404

    @app.route("/fail")
    async def fail() -> str:
        raise AppError("boom")

    rv = client.get("/fail")
    assert rv.status_code == 418
    assert rv.data == b"handled boom at /fail"
    assert client.get("/missing").data == b"async 404"


def test_async_500_handler(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(500)
    async def server_error(e: t.Any) -> tuple[str, int]:
        return f"async 500 for {type(e.original_exception).__name__}", 500

    @app.route("/")
    async def index() -> str:
        raise ZeroDivisionError()

    assert client.get("/").data == b"async 500 for ZeroDivisionError"


def test_async_view_exception_propagates(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    async def index() -> str:
        await asyncio.sleep(0)
        raise AppError("from coroutine")

    with pytest.raises(AppError, match="from coroutine"):
        client.get("/")


def test_async_view_abort(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    async def index() -> str:
        minflask.abort(403)

    assert client.get("/").status_code == 403


def test_async_teardown_functions(app: Flask, client: FlaskClient) -> None:
    seen: list[tuple[str, BaseException | None]] = []

    @app.teardown_request
    async def teardown_request(exc: BaseException | None) -> None:
        await asyncio.sleep(0)
        seen.append(("request", exc))

    @app.teardown_appcontext
    async def teardown_appcontext(exc: BaseException | None) -> None:
        seen.append(("appcontext", exc))

    @app.route("/")
    async def index() -> str:
        return "x"

    @app.route("/fail")
    def fail() -> str:
        raise AppError()

    client.get("/")
    assert seen == [("request", None), ("appcontext", None)]
    seen.clear()
    with pytest.raises(AppError):
        client.get("/fail")
    assert [kind for kind, _ in seen] == ["request", "appcontext"]
    assert all(isinstance(exc, AppError) for _, exc in seen)


def test_async_blueprint_hooks(app: Flask, client: FlaskClient) -> None:
    bp = minflask.Blueprint("bp", __name__, url_prefix="/bp")
    order: list[str] = []

    @bp.before_request
    async def bp_before() -> None:
        order.append("before")

    @bp.after_request
    async def bp_after(response: minflask.Response) -> minflask.Response:
        order.append("after")
        return response

    @bp.errorhandler(AppError)
    async def bp_handler(e: AppError) -> str:
        order.append("handler")
        return "bp handled"

    @bp.route("/")
    async def bp_index() -> str:
        order.append("view")
        raise AppError()

    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"bp handled"
    assert order == ["before", "view", "handler", "after"]


def test_async_method_view(app: Flask, client: FlaskClient) -> None:
    class Items(MethodView):
        async def get(self, item_id: int) -> str:
            await asyncio.sleep(0)
            return f"get {item_id}"

        async def post(self, item_id: int) -> tuple[str, int]:
            return f"post {item_id} {request.form['v']}", 201

        def delete(self, item_id: int) -> str:
            return f"delete {item_id}"

    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    assert client.get("/items/1").data == b"get 1"
    rv = client.post("/items/2", data={"v": "x"})
    assert rv.status_code == 201
    assert rv.data == b"post 2 x"
    assert client.delete("/items/3").data == b"delete 3"
    assert client.head("/items/4").status_code == 200
    assert client.put("/items/5").status_code == 405


def test_async_view_class(app: Flask, client: FlaskClient) -> None:
    class Greeting(View):
        def __init__(self, greeting: str) -> None:
            self.greeting = greeting

        async def dispatch_request(self, name: str) -> str:
            return f"{self.greeting}, {name}"

    app.add_url_rule("/<name>", view_func=Greeting.as_view("greet", "Hi"))
    assert client.get("/bob").data == b"Hi, bob"


def test_async_signal_receiver(app: Flask, client: FlaskClient) -> None:
    received: list[str] = []

    async def on_started(sender: Flask, **extra: t.Any) -> None:
        received.append(request.path)

    @app.route("/")
    def index() -> str:
        return ""

    with minflask.request_started.connected_to(on_started, app):
        client.get("/")
    assert received == ["/"]


def test_async_copy_current_request_context(app: Flask, client: FlaskClient) -> None:
    results: list[str] = []

    @app.route("/")
    def index() -> str:
        @minflask.copy_current_request_context
        async def background() -> None:
            results.append(request.args["v"])

        thread = threading.Thread(target=background)
        thread.start()
        thread.join()
        return ""

    client.get("/?v=copied")
    assert results == ["copied"]


# -- ensure_sync and async_to_sync ---------------------------------------


def test_ensure_sync_returns_sync_functions_unchanged(app: Flask) -> None:
    def sync_func() -> str:
        return "sync"

    assert app.ensure_sync(sync_func) is sync_func


def test_ensure_sync_wraps_coroutine_functions(app: Flask) -> None:
    async def async_func(a: int, b: int = 0) -> int:
        await asyncio.sleep(0)
        return a + b

    wrapped = app.ensure_sync(async_func)
    assert wrapped is not async_func
    assert wrapped(1, b=2) == 3
    assert wrapped(5) == 5


def test_ensure_sync_bound_method(app: Flask) -> None:
    class Thing:
        async def method(self) -> str:
            return "method"

    assert app.ensure_sync(Thing().method)() == "method"


def test_async_to_sync(app: Flask) -> None:
    async def double(x: int) -> int:
        return x * 2

    assert app.async_to_sync(double)(21) == 42


def test_async_to_sync_raises(app: Flask) -> None:
    async def fail() -> None:
        raise AppError("async failure")

    with pytest.raises(AppError, match="async failure"):
        app.async_to_sync(fail)()


def test_async_to_sync_keeps_context(app: Flask) -> None:
    async def read() -> str:
        return f"{request.path} {g.value}"

    with app.test_request_context("/ctx"):
        g.value = "kept"
        assert app.ensure_sync(read)() == "/ctx kept"


def test_ensure_sync_override(client: FlaskClient) -> None:
    """Subclasses may route coroutine functions through their own runner."""
    wrapped: list[str] = []

    class MyFlask(Flask):
        def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            wrapped.append(getattr(func, "__name__", "?"))
            return super().ensure_sync(func)

    app = MyFlask(__name__)

    @app.route("/")
    async def index() -> str:
        return "custom"

    assert app.test_client().get("/").data == b"custom"
    assert "index" in wrapped


# -- a running event loop in the calling thread ----------------------------


def test_async_view_called_from_running_loop(app: Flask) -> None:
    @app.route("/")
    async def index() -> str:
        await asyncio.sleep(0)
        return f"inside {request.path} {g.get('flag')}"

    @app.before_request
    def flag() -> None:
        g.flag = "set"

    async def main() -> bytes:
        # A synchronous call into the app while this thread runs a loop.
        return app.test_client().get("/").data

    assert asyncio.run(main()) == b"inside / set"


def test_async_hooks_called_from_running_loop(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[str] = []

    @app.before_request
    async def before() -> None:
        seen.append("before")

    @app.errorhandler(AppError)
    async def handle(e: AppError) -> tuple[str, int]:
        return "handled", 400

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        seen.append("teardown")

    @app.route("/")
    async def index() -> str:
        raise AppError()

    async def main() -> int:
        return app.test_client().get("/").status_code

    assert asyncio.run(main()) == 400
    assert seen == ["before", "teardown"]


def test_async_exception_from_running_loop(app: Flask) -> None:
    @app.route("/")
    async def index() -> str:
        raise AppError("through the helper thread")

    async def main() -> None:
        app.test_client().get("/")

    with pytest.raises(AppError, match="through the helper thread"):
        asyncio.run(main())


def test_async_to_sync_inside_running_loop_keeps_context(app: Flask) -> None:
    async def read() -> str:
        return request.path

    async def main() -> str:
        with app.test_request_context("/loop"):
            return t.cast(str, app.ensure_sync(read)())

    assert asyncio.run(main()) == "/loop"


def test_many_async_requests(app: Flask, client: FlaskClient) -> None:
    """Each request gets its own loop; nothing leaks between them."""

    @app.route("/<int:n>")
    async def index(n: int) -> str:
        await asyncio.sleep(0)
        return str(n * n)

    for n in range(20):
        assert client.get(f"/{n}").data == str(n * n).encode()


def test_async_requests_in_threads(app: Flask) -> None:
    @app.route("/<int:n>")
    async def index(n: int) -> str:
        await asyncio.sleep(0.01)
        return f"{n}:{request.view_args['n']}"  # type: ignore[index]

    results: dict[int, bytes] = {}

    def worker(n: int) -> None:
        results[n] = app.test_client().get(f"/{n}").data

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"{n}:{n}".encode() for n in range(8)}
