"""Tests for class-based views: View, MethodView and as_view."""

from __future__ import annotations

import functools
import typing as t

import pytest
from werkzeug.http import parse_set_header

import minflask
from minflask.views import MethodView, View, http_method_funcs


@pytest.fixture
def app() -> minflask.Flask:
    app = minflask.Flask(__name__)
    app.testing = True
    return app


def allowed(app: minflask.Flask, path: str = "/") -> set[str]:
    """Return the methods an automatic OPTIONS response advertises."""
    response = app.test_client().options(path)
    assert response.status_code == 200
    return set(parse_set_header(response.headers["Allow"]))


def check_get_post(app: minflask.Flask) -> None:
    """Shared checks for a "/" view answering GET and POST with the verb."""
    client = app.test_client()
    assert client.get("/").data == b"GET"
    assert client.post("/").data == b"POST"
    assert client.put("/").status_code == 405
    assert allowed(app) == {"GET", "HEAD", "OPTIONS", "POST"}


# -- View ------------------------------------------------------------------


def test_basic_view(app: minflask.Flask) -> None:
    class Index(View):
        methods = ["GET", "POST"]

        def dispatch_request(self) -> str:
            return minflask.request.method

    app.add_url_rule("/", view_func=Index.as_view("index"))
    check_get_post(app)


def test_view_without_methods_uses_router_default(app: minflask.Flask) -> None:
    class Index(View):
        def dispatch_request(self) -> str:
            return "ok"

    app.add_url_rule("/", view_func=Index.as_view("index"))
    client = app.test_client()
    assert client.get("/").data == b"ok"
    assert client.post("/").status_code == 405
    assert allowed(app) == {"GET", "HEAD", "OPTIONS"}


def test_base_dispatch_request_not_implemented(app: minflask.Flask) -> None:
    app.add_url_rule("/", view_func=View.as_view("index"))
    with pytest.raises(NotImplementedError):
        app.test_client().get("/")


def test_url_variables_become_kwargs(app: minflask.Flask) -> None:
    class Hello(View):
        # URL variables widen the base signature, as in any Flask app.
        def dispatch_request(self, name: str, count: int) -> str:  # type: ignore[override]
            return f"{name}:{count + 1}"

    app.add_url_rule("/<name>/<int:count>", view_func=Hello.as_view("hello"))
    assert app.test_client().get("/ann/41").data == b"ann:42"


def test_class_args_passed_to_constructor(app: minflask.Flask) -> None:
    class Greet(View):
        def __init__(self, greeting: str, *, punct: str = ".") -> None:
            self.greeting = greeting
            self.punct = punct

        def dispatch_request(self) -> str:
            return self.greeting + self.punct

    app.add_url_rule("/", view_func=Greet.as_view("greet", "hello", punct="!"))
    assert app.test_client().get("/").data == b"hello!"


def test_view_function_attributes() -> None:
    class Index(View):
        """Index docs."""

        methods = ["GET", "PATCH"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return ""

    view = Index.as_view("the_index")
    assert view.__name__ == "the_index"
    assert view.__doc__ == "Index docs."
    assert view.__module__ == __name__
    assert view.view_class is Index  # type: ignore[attr-defined]
    assert view.methods == ["GET", "PATCH"]  # type: ignore[attr-defined]
    assert view.provide_automatic_options is False  # type: ignore[attr-defined]

    plain = View.as_view("plain")
    assert plain.methods is None  # type: ignore[attr-defined]
    assert plain.provide_automatic_options is None  # type: ignore[attr-defined]


def test_name_becomes_endpoint(app: minflask.Flask) -> None:
    class Index(View):
        def dispatch_request(self) -> str:
            return minflask.url_for("named")

    app.add_url_rule("/here", view_func=Index.as_view("named"))
    assert app.test_client().get("/here").data == b"/here"


def test_view_class_patching(app: minflask.Flask) -> None:
    class Broken(MethodView):
        def get(self) -> str:
            raise ZeroDivisionError

        def post(self) -> str:
            raise ZeroDivisionError

    class Fixed(Broken):
        def get(self) -> str:
            return "GET"

        def post(self) -> str:
            return "POST"

    view = Broken.as_view("index")
    view.view_class = Fixed  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view)
    check_get_post(app)


def test_new_instance_every_request(app: minflask.Flask) -> None:
    created: list[object] = []

    class Counter(View):
        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:
            return str(id(self))

    app.add_url_rule("/", view_func=Counter.as_view("counter"))
    assert created == []
    client = app.test_client()
    first = client.get("/").data
    second = client.get("/").data
    assert len(created) == 2
    assert first != second


def test_init_every_request_false_shares_instance(app: minflask.Flask) -> None:
    created: list[object] = []

    class Counter(View):
        init_every_request = False

        def __init__(self, start: int) -> None:
            created.append(self)
            self.count = start

        def dispatch_request(self) -> str:
            self.count += 1
            return str(self.count)

    view = Counter.as_view("counter", 10)
    # The single instance exists as soon as the view function does.
    assert len(created) == 1
    app.add_url_rule("/", view_func=view)
    client = app.test_client()
    assert client.get("/").data == b"11"
    assert client.get("/").data == b"12"
    assert len(created) == 1


def test_decorators_applied_in_order(app: minflask.Flask) -> None:
    def tag(label: str) -> t.Callable[[t.Any], t.Any]:
        def decorator(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            @functools.wraps(f)
            def wrapper(**kwargs: t.Any) -> str:
                return f"{label}({f(**kwargs)})"

            return wrapper

        return decorator

    class Index(View):
        decorators = [tag("inner"), tag("outer")]

        def dispatch_request(self) -> str:
            return "body"

    view = Index.as_view("index")
    app.add_url_rule("/", view_func=view)
    assert app.test_client().get("/").data == b"outer(inner(body))"
    # Attributes land on the outermost function the router sees.
    assert view.__name__ == "index"
    assert view.view_class is Index  # type: ignore[attr-defined]
    assert view.__wrapped__.__wrapped__.__name__ == "index"  # type: ignore[attr-defined]


def test_decorator_can_short_circuit(app: minflask.Flask) -> None:
    def deny(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        def wrapper(**kwargs: t.Any) -> t.Any:
            if minflask.request.args.get("ok") != "1":
                return "denied", 403
            return f(**kwargs)

        return wrapper

    class Secret(View):
        decorators = [deny]

        def dispatch_request(self) -> str:
            return "secret"

    app.add_url_rule("/", view_func=Secret.as_view("secret"))
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 403
    assert response.data == b"denied"
    assert client.get("/?ok=1").data == b"secret"


def test_provide_automatic_options_false(app: minflask.Flask) -> None:
    class Index(View):
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return "x"

    app.add_url_rule("/", view_func=Index.as_view("index"))
    assert app.test_client().options("/").status_code == 405


def test_async_dispatch_request(app: minflask.Flask) -> None:
    class Index(View):
        async def dispatch_request(self, name: str) -> str:  # type: ignore[override]
            return f"async {name}"

    app.add_url_rule("/<name>", view_func=Index.as_view("index"))
    assert app.test_client().get("/view").data == b"async view"


# -- MethodView ------------------------------------------------------------


def test_method_view(app: minflask.Flask) -> None:
    class Index(MethodView):
        def get(self) -> str:
            return "GET"

        def post(self) -> str:
            return "POST"

    assert Index.methods == {"GET", "POST"}
    app.add_url_rule("/", view_func=Index.as_view("index"))
    check_get_post(app)


def test_method_view_all_handler_names() -> None:
    def handler(self: MethodView) -> str:
        return ""

    namespace = {name: handler for name in http_method_funcs}
    Every = t.cast(type[MethodView], type("Every", (MethodView,), namespace))
    assert Every.methods == {
        "GET",
        "POST",
        "PUT",
        "DELETE",
        "PATCH",
        "HEAD",
        "OPTIONS",
        "TRACE",
    }


def test_method_view_without_handlers_keeps_none() -> None:
    class Empty(MethodView):
        def helper(self) -> None:
            pass

    assert MethodView.methods is None
    assert Empty.methods is None


def test_method_view_inheritance(app: minflask.Flask) -> None:
    class Index(MethodView):
        def get(self) -> str:
            return "GET"

        def post(self) -> str:
            return "POST"

    class BetterIndex(Index):
        def delete(self) -> str:
            return "DELETE"

    assert Index.methods == {"GET", "POST"}
    assert BetterIndex.methods == {"GET", "POST", "DELETE"}
    app.add_url_rule("/", view_func=BetterIndex.as_view("index"))
    client = app.test_client()
    assert client.get("/").data == b"GET"
    assert client.delete("/").data == b"DELETE"
    assert allowed(app) == {"DELETE", "GET", "HEAD", "OPTIONS", "POST"}


def test_method_view_multiple_inheritance(app: minflask.Flask) -> None:
    class GetView(MethodView):
        def get(self) -> str:
            return "GET"

    class DeleteView(MethodView):
        def delete(self) -> str:
            return "DELETE"

    class Both(GetView, DeleteView):
        pass

    assert Both.methods == {"GET", "DELETE"}
    app.add_url_rule("/", view_func=Both.as_view("index"))
    client = app.test_client()
    assert client.get("/").data == b"GET"
    assert client.delete("/").data == b"DELETE"
    assert allowed(app) == {"DELETE", "GET", "HEAD", "OPTIONS"}


def test_methods_from_base_without_handler_are_kept() -> None:
    class Base(MethodView):
        methods: t.ClassVar[t.Collection[str] | None] = ["PUT"]

    class Child(Base):
        def get(self) -> str:
            return ""

    assert Base.methods == ["PUT"]
    assert Child.methods == {"PUT", "GET"}


def test_explicit_methods_restrict_inherited_handlers(app: minflask.Flask) -> None:
    class GetView(MethodView):
        def get(self) -> str:
            return "GET"

    class PostView(MethodView):
        def post(self) -> str:
            return "POST"

    class OnlyGet(GetView, PostView):
        methods = ["GET"]

    assert OnlyGet.methods == ["GET"]
    app.add_url_rule("/", view_func=OnlyGet.as_view("index"))
    client = app.test_client()
    assert client.get("/").data == b"GET"
    assert client.post("/").status_code == 405


def test_head_falls_back_to_get(app: minflask.Flask) -> None:
    calls: list[str] = []

    class Index(MethodView):
        def get(self) -> minflask.Response:
            calls.append(minflask.request.method)
            return minflask.Response("body", headers={"X-Method": "GET"})

    app.add_url_rule("/", view_func=Index.as_view("index"))
    response = app.test_client().head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-Method"] == "GET"
    assert response.headers["Content-Length"] == "4"
    assert calls == ["HEAD"]


def test_explicit_head_handler_wins(app: minflask.Flask) -> None:
    class Index(MethodView):
        def get(self) -> str:
            return "GET"

        def head(self) -> minflask.Response:
            return minflask.Response("", headers={"X-Method": "HEAD"})

    app.add_url_rule("/", view_func=Index.as_view("index"))
    response = app.test_client().head("/")
    assert response.headers["X-Method"] == "HEAD"


def test_unimplemented_method_asserts(app: minflask.Flask) -> None:
    class Index(MethodView):
        methods = ["GET", "POST"]

        def get(self) -> str:
            return "GET"

    app.add_url_rule("/", view_func=Index.as_view("index"))
    client = app.test_client()
    assert client.get("/").data == b"GET"
    with pytest.raises(AssertionError, match=r"^Unimplemented method 'POST'$"):
        client.post("/")


def test_method_view_dispatch_directly(app: minflask.Flask) -> None:
    class Item(MethodView):
        def put(self, item_id: int) -> str:
            return f"put {item_id}"

    with app.test_request_context("/", method="PUT"):
        assert Item().dispatch_request(item_id=3) == "put 3"
    with (
        app.test_request_context("/", method="PATCH"),
        pytest.raises(AssertionError, match="Unimplemented method 'PATCH'"),
    ):
        Item().dispatch_request(item_id=3)


def test_method_view_url_variables(app: minflask.Flask) -> None:
    class Item(MethodView):
        def get(self, item_id: int) -> str:
            return f"get {item_id}"

        def delete(self, item_id: int) -> str:
            return f"delete {item_id}"

    app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))
    client = app.test_client()
    assert client.get("/items/5").data == b"get 5"
    assert client.delete("/items/7").data == b"delete 7"


def test_method_view_async_handlers(app: minflask.Flask) -> None:
    class Index(MethodView):
        async def get(self) -> str:
            return "async GET"

        async def post(self) -> str:
            return "async POST"

    app.add_url_rule("/", view_func=Index.as_view("index"))
    client = app.test_client()
    assert client.get("/").data == b"async GET"
    assert client.post("/").data == b"async POST"
    # HEAD reuses the async ``get`` too.
    assert client.head("/").status_code == 200


def test_method_view_on_blueprint(app: minflask.Flask) -> None:
    class Index(MethodView):
        def get(self) -> str:
            return minflask.url_for("bp.index")

    bp = minflask.Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/", view_func=Index.as_view("index"))
    app.register_blueprint(bp)
    assert app.test_client().get("/bp/").data == b"/bp/"
