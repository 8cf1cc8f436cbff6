"""Routing: registering rules, methods, automatic HEAD/OPTIONS, converters,
redirects, subdomain and host matching, trusted hosts and setup guards."""

from __future__ import annotations

import os
import typing as t
import uuid

import pytest
from werkzeug.routing import BaseConverter, Rule, Submount

from minflask import Blueprint, Flask, request, url_for
from minflask.views import MethodView, View

HERE = os.path.dirname(__file__)


def _app(**kwargs: t.Any) -> Flask:
    """A fresh testing app, for tests that need constructor options."""
    app = Flask("minflask_test", root_path=HERE, **kwargs)
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


# -- registration ------------------------------------------------------------


def test_route_registers_view_under_function_name(app, client):
    @app.route("/")
    def index():
        return "index"

    assert client.get("/").data == b"index"
    assert app.view_functions["index"] is index
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "index")
    assert rule.rule == "/"


def test_route_returns_function_unchanged(app):
    def view():
        return ""

    assert app.route("/")(view) is view


def test_route_custom_endpoint(app, client):
    @app.route("/foo/")
    def foo():
        return request.endpoint

    @app.route("/bar/", endpoint="bar")
    def for_bar():
        return request.endpoint

    @app.route("/bar/123", endpoint="123")
    def for_bar_123():
        return request.endpoint

    assert client.get("/foo/").data == b"foo"
    assert client.get("/bar/").data == b"bar"
    assert client.get("/bar/123").data == b"123"
    assert "for_bar" not in app.view_functions
    with app.test_request_context():
        assert url_for("123") == "/bar/123"


def test_add_url_rule_positional_endpoint_and_view(app, client):
    def index():
        return request.method

    def more():
        return request.method

    app.add_url_rule("/", "index", index)
    app.add_url_rule("/more", "more", more, methods=["GET", "POST"])

    assert client.get("/").data == b"GET"
    rv = client.post("/")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS"]
    assert client.post("/more").data == b"POST"
    assert client.get("/more").data == b"GET"
    rv = client.delete("/more")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_add_url_rule_endpoint_defaults_to_view_name(app, client):
    def hello():
        return "hi"

    app.add_url_rule("/hello", view_func=hello)
    assert app.view_functions["hello"] is hello
    assert client.get("/hello").data == b"hi"


def test_add_url_rule_uses_rule_class(app):
    class MyRule(Rule):
        pass

    app.url_rule_class = MyRule
    app.add_url_rule("/", "index", lambda: "")
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "index")
    assert type(rule) is MyRule


def test_add_url_rule_passes_rule_options(app, client):
    app.add_url_rule("/", "index", lambda: request.url_rule.rule, merge_slashes=False)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "index")
    assert rule.merge_slashes is False


def test_endpoint_decorator_with_werkzeug_rules(app, client):
    app.url_map.add(
        Submount("/foo", [Rule("/bar", endpoint="bar"), Rule("/", endpoint="index")])
    )

    @app.endpoint("bar")
    def bar():
        return "bar"

    @app.endpoint("index")
    def index():
        return "index"

    assert client.get("/foo/").data == b"index"
    assert client.get("/foo/bar").data == b"bar"


def test_view_functions_set_directly_for_werkzeug_rules(app, client):
    app.url_map.add(Rule("/raw", endpoint="raw"))
    app.view_functions["raw"] = lambda: "raw"
    assert client.get("/raw").data == b"raw"
    # A plain Werkzeug rule has no method list, so OPTIONS reaches the view.
    assert client.options("/raw").data == b"raw"


def test_add_url_rule_without_view_then_endpoint(app, client):
    app.add_url_rule("/late", endpoint="late")

    @app.endpoint("late")
    def late():
        return "late"

    assert client.get("/late").data == b"late"


def test_endpoint_decorator_returns_function(app):
    def f():
        return ""

    assert app.endpoint("x")(f) is f


def test_overwriting_endpoint_with_other_function_fails(app):
    @app.route("/a")
    def index():
        return "a"

    def other():
        return "b"

    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/b", "index", other)

    with pytest.raises(AssertionError, match="function: index"):

        @app.route("/c", endpoint="index")
        def another():
            return "c"


def test_same_function_registered_twice_is_fine(app, client):
    def index():
        return request.path

    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/again", view_func=index)
    app.add_url_rule("/", view_func=index)
    assert client.get("/").data == b"/"
    assert client.get("/again").data == b"/again"


def test_two_routes_stacked_on_one_function(app, client):
    @app.route("/", defaults={"page": 1})
    @app.route("/page/<int:page>")
    def pages(page):
        return str(page)

    assert client.get("/").data == b"1"
    assert client.get("/page/5").data == b"5"


def test_nonascii_rule(app, client):
    @app.route("/киртест")
    def index():
        return "ok"

    assert client.get("/киртест").data == b"ok"
    with app.test_request_context():
        assert url_for("index") == "/%D0%BA%D0%B8%D1%80%D1%82%D0%B5%D1%81%D1%82"


# -- methods -----------------------------------------------------------------


def test_methods_given_as_string_raise_type_error(app):
    with pytest.raises(TypeError, match="list of strings"):
        app.add_url_rule("/", methods="GET POST", endpoint="test")

    with pytest.raises(TypeError, match="list of strings"):

        @app.route("/", methods="POST")
        def index():
            return ""


def test_methods_are_uppercased(app, client):
    @app.route("/", methods=["post", "Put"])
    def index():
        return request.method

    assert client.post("/").data == b"POST"
    assert client.put("/").data == b"PUT"
    rv = client.get("/")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["OPTIONS", "POST", "PUT"]


def test_methods_accept_any_iterable(app, client):
    @app.route("/", methods=("GET", "POST"))
    def index():
        return request.method

    @app.route("/set", methods={"PATCH"})
    def other():
        return request.method

    assert client.post("/").data == b"POST"
    assert client.patch("/set").data == b"PATCH"


def test_default_method_is_get_with_head(app, client):
    @app.route("/")
    def index():
        return "x"

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "index")
    assert rule.methods == {"GET", "HEAD", "OPTIONS"}
    assert client.head("/").status_code == 200


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_method_route_decorators(app, client, method):
    method_route = getattr(app, method)
    client_method = getattr(client, method)

    @method_route("/")
    def hello():
        return request.method

    assert client_method("/").data == method.upper().encode()
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "hello")
    expected = {method.upper(), "OPTIONS"}
    if method == "get":
        expected.add("HEAD")
    assert rule.methods == expected
    other = "post" if method != "post" else "get"
    rv = getattr(client, other)("/")
    assert rv.status_code == 405


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_method_route_rejects_methods_argument(app, method):
    with pytest.raises(TypeError, match="'route' decorator"):
        getattr(app, method)("/", methods=["GET", "POST"])


def test_method_route_keeps_other_options(app, client):
    @app.post("/items/<int:id>", endpoint="create", strict_slashes=False)
    def make(id):
        return str(id)

    assert client.post("/items/3").data == b"3"
    assert "create" in app.view_functions


def test_view_methods_attribute(app, client):
    def index():
        return request.method

    index.methods = ["POST", "PUT"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index)
    assert client.post("/").data == b"POST"
    assert client.put("/").data == b"PUT"
    assert client.get("/").status_code == 405


def test_explicit_methods_override_view_attribute(app, client):
    def index():
        return request.method

    index.methods = ["POST"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index, methods=["GET"])
    assert client.get("/").data == b"GET"
    assert client.post("/").status_code == 405


def test_view_required_methods_attribute(app, client):
    def index():
        return request.method

    index.required_methods = ["DELETE"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index, methods=["GET"])
    assert client.get("/").data == b"GET"
    assert client.delete("/").data == b"DELETE"
    assert client.post("/").status_code == 405


def test_method_view_methods_are_used(app, client):
    class Items(MethodView):
        def get(self):
            return "list"

        def post(self):
            return "created"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    assert client.get("/items").data == b"list"
    assert client.post("/items").data == b"created"
    rv = client.delete("/items")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_class_view_methods_attribute(app, client):
    class Echo(View):
        methods: t.ClassVar[list[str]] = ["GET", "PUT"]

        def dispatch_request(self):
            return request.method

    app.add_url_rule("/", view_func=Echo.as_view("echo"))
    assert client.put("/").data == b"PUT"
    assert client.post("/").status_code == 405


def test_405_has_allow_header_for_all_matching_rules(app, client):
    @app.get("/thing")
    def read():
        return "r"

    @app.put("/thing")
    def write():
        return "w"

    rv = client.post("/thing")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "PUT"]
    assert client.put("/thing").data == b"w"
    assert client.get("/thing").data == b"r"


def test_unknown_url_is_404(app, client):
    @app.route("/")
    def index():
        return ""

    assert client.get("/missing").status_code == 404
    assert client.post("/missing").status_code == 404


def test_405_and_404_reach_error_handlers(app, client):
    @app.route("/")
    def index():
        return ""

    @app.errorhandler(405)
    def not_allowed(e):
        return f"nope {sorted(e.valid_methods)}", 405

    @app.errorhandler(404)
    def not_found(e):
        return "missing", 404

    rv = client.post("/")
    assert rv.status_code == 405
    assert rv.data == b"nope ['GET', 'HEAD', 'OPTIONS']"
    rv = client.get("/nothing")
    assert rv.data == b"missing"


# -- automatic HEAD and OPTIONS ----------------------------------------------


def test_head_runs_get_view_without_body(app, client):
    calls = []

    @app.route("/")
    def index():
        calls.append(request.method)
        return "Hello World"

    rv = client.head("/")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "11"
    assert calls == ["HEAD"]


def test_head_not_added_without_get(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return ""

    assert client.head("/").status_code == 405


def test_automatic_options(app, client):
    @app.route("/", methods=["GET", "POST"])
    def index():
        raise AssertionError("the view is not called for OPTIONS")

    rv = client.open("/", method="OPTIONS")
    assert rv.status_code == 200
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert rv.data == b""


def test_automatic_options_on_multiple_rules(app, client):
    @app.route("/", methods=["GET", "POST"])
    def index():
        return ""

    @app.route("/", methods=["PUT"])
    def index_put():
        return ""

    rv = client.open("/", method="OPTIONS")
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "POST", "PUT"]


def test_automatic_options_skips_before_request_view(app, client):
    @app.route("/")
    def index():
        return "view"

    @app.after_request
    def mark(response):
        response.headers["X-After"] = "yes"
        return response

    rv = client.options("/")
    assert rv.headers["X-After"] == "yes"
    assert rv.data == b""


def test_explicit_options_method_disables_automatic_options(app, client):
    @app.route("/options", methods=["options"])
    def options():
        return "custom options"

    rv = client.open("/options", method="OPTIONS")
    assert rv.status_code == 200
    assert rv.data == b"custom options"


def test_provide_automatic_options_kwarg_false(app, client):
    def index():
        return request.method

    def more():
        return request.method

    app.add_url_rule("/", view_func=index, provide_automatic_options=False)
    app.add_url_rule(
        "/more",
        view_func=more,
        methods=["GET", "POST"],
        provide_automatic_options=False,
    )
    assert client.get("/").data == b"GET"
    rv = client.post("/")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD"]
    assert client.open("/", method="OPTIONS").status_code == 405
    rv = client.head("/")
    assert rv.status_code == 200
    assert not rv.data
    rv = client.delete("/more")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD", "POST"]
    assert client.open("/more", method="OPTIONS").status_code == 405


def test_provide_automatic_options_kwarg_true_with_options_method(app, client):
    def index():
        return "view"

    app.add_url_rule(
        "/", view_func=index, methods=["GET", "OPTIONS"], provide_automatic_options=True
    )
    rv = client.options("/")
    assert rv.data == b""
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS"]


def test_provide_automatic_options_through_route(app, client):
    @app.route("/", provide_automatic_options=False)
    def index():
        return ""

    assert client.options("/").status_code == 405


def test_provide_automatic_options_view_attribute(client):
    app = _app()

    def index():
        return "Hello World!"

    index.provide_automatic_options = False  # type: ignore[attr-defined]
    app.route("/")(index)
    assert app.test_client().open("/", method="OPTIONS").status_code == 405

    app = _app()

    def index2():
        return "Hello World!"

    index2.provide_automatic_options = True  # type: ignore[attr-defined]
    app.route("/", methods=["OPTIONS"])(index2)
    rv = app.test_client().open("/", method="OPTIONS")
    assert sorted(rv.allow) == ["OPTIONS"]
    assert rv.data == b""


def test_provide_automatic_options_kwarg_beats_attribute(app, client):
    def index():
        return "view"

    index.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index, provide_automatic_options=True)
    rv = client.options("/")
    assert rv.status_code == 200
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS"]


def test_provide_automatic_options_config_off(app, client):
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False

    @app.route("/")
    def index():
        return "x"

    def forced():
        return "y"

    app.add_url_rule("/forced", view_func=forced, provide_automatic_options=True)

    rv = client.options("/")
    assert rv.status_code == 405
    assert sorted(rv.allow) == ["GET", "HEAD"]
    rv = client.options("/forced")
    assert rv.status_code == 200
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS"]


def test_provide_automatic_options_config_read_at_registration(app, client):
    @app.route("/")
    def index():
        return "x"

    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    assert client.options("/").status_code == 200


def test_automatic_options_in_blueprint(app, client):
    bp = Blueprint("bp", __name__)

    @bp.route("/", methods=["GET", "PUT"])
    def index():
        return ""

    app.register_blueprint(bp, url_prefix="/bp")
    rv = client.options("/bp/")
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "PUT"]


# -- converters --------------------------------------------------------------


def test_string_converter_default_and_explicit(app, client):
    @app.route("/a/<name>")
    def a(name):
        return f"{type(name).__name__}:{name}"

    @app.route("/b/<string(length=2):code>")
    def b(code):
        return code

    assert client.get("/a/hello world").data == b"str:hello world"
    assert client.get("/a/x/y").status_code == 404
    assert client.get("/b/de").data == b"de"
    assert client.get("/b/deu").status_code == 404


def test_int_converter(app, client):
    @app.route("/n/<int:n>")
    def n(n):
        return repr(n)

    @app.route("/s/<int(signed=True):n>")
    def s(n):
        return repr(n)

    @app.route("/r/<int(min=1, max=9):n>")
    def r(n):
        return repr(n)

    assert client.get("/n/42").data == b"42"
    assert client.get("/n/-1").status_code == 404
    assert client.get("/n/abc").status_code == 404
    assert client.get("/n/1.5").status_code == 404
    assert client.get("/s/-7").data == b"-7"
    assert client.get("/r/9").data == b"9"
    assert client.get("/r/10").status_code == 404
    with app.test_request_context():
        assert url_for("n", n=7) == "/n/7"
        assert url_for("s", n=-7) == "/s/-7"


def test_float_converter(app, client):
    @app.route("/f/<float:x>")
    def f(x):
        return repr(x)

    assert client.get("/f/1.5").data == b"1.5"
    assert client.get("/f/1").status_code == 404
    with app.test_request_context():
        assert url_for("f", x=2.25) == "/f/2.25"


def test_path_converter(app, client):
    @app.route("/files/<path:p>")
    def files(p):
        return p

    assert client.get("/files/a/b/c.txt").data == b"a/b/c.txt"
    with app.test_request_context():
        assert url_for("files", p="x/y z") == "/files/x/y%20z"


def test_uuid_converter(app, client):
    @app.route("/u/<uuid:u>")
    def u(u):
        return type(u).__name__ + ":" + str(u)

    value = uuid.UUID("7eb41166-9ebf-4d26-b771-ea3f54f8b383")
    assert client.get(f"/u/{value}").data == f"UUID:{value}".encode()
    assert client.get("/u/not-a-uuid").status_code == 404
    with app.test_request_context():
        assert url_for("u", u=value) == f"/u/{value}"


def test_any_converter(app, client):
    @app.route("/<any(about, help, 'contact us'):page>")
    def page(page):
        return page

    assert client.get("/about").data == b"about"
    assert client.get("/help").data == b"help"
    assert client.get("/contact us").data == b"contact us"
    assert client.get("/other").status_code == 404


def test_custom_converter(app, client):
    class ListConverter(BaseConverter):
        def to_python(self, value: str) -> list[str]:
            return value.split(",")

        def to_url(self, value: t.Any) -> str:
            base_to_url = super().to_url
            return ",".join(base_to_url(x) for x in value)

    app.url_map.converters["list"] = ListConverter

    @app.route("/<list:args>")
    def index(args):
        return "|".join(args)

    assert client.get("/1,2,3").data == b"1|2|3"
    with app.test_request_context():
        assert url_for("index", args=[4, 5, 6]) == "/4,5,6"
        assert url_for("index", args=["a b", "c"]) == "/a%20b,c"


def test_custom_converter_with_arguments_and_validation(app, client):
    class EvenConverter(BaseConverter):
        regex = r"\d+"

        def __init__(self, url_map: t.Any, scale: int = 1) -> None:
            super().__init__(url_map)
            self.scale = scale

        def to_python(self, value: str) -> int:
            number = int(value)
            if number % 2:
                from werkzeug.routing import ValidationError

                raise ValidationError()
            return number * self.scale

        def to_url(self, value: t.Any) -> str:
            return str(value // self.scale)

    app.url_map.converters["even"] = EvenConverter

    @app.route("/<even(scale=10):n>")
    def index(n):
        return repr(n)

    assert client.get("/4").data == b"40"
    assert client.get("/3").status_code == 404
    with app.test_request_context():
        assert url_for("index", n=60) == "/6"


def test_unknown_converter_fails_at_registration(app):
    with pytest.raises(LookupError):
        app.add_url_rule("/<nope:x>", "x", lambda x: x)


# -- redirects and slashes ---------------------------------------------------


def test_trailing_slash_redirect_is_308(app, client):
    @app.route("/foo/")
    def foo():
        return "foo"

    rv = client.get("/foo")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/foo/"
    assert client.get("/foo/").data == b"foo"


def test_trailing_slash_redirect_keeps_query_string(app, client):
    @app.route("/foo/")
    def foo():
        return request.args["q"]

    rv = client.get("/foo?q=a+b&x=1")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/foo/?q=a+b&x=1"
    assert client.get("/foo?q=hi", follow_redirects=True).data == b"hi"


def test_trailing_slash_redirect_keeps_method_and_body(app, client):
    @app.route("/user/", methods=["GET", "POST"])
    def user():
        return request.form["status"]

    rv = client.post("/user", data={"status": "ok"}, follow_redirects=True)
    assert rv.data == b"ok"
    assert rv.request.path == "/user/"


def test_trailing_slash_redirect_under_script_root(app, client):
    @app.route("/foo/")
    def foo():
        return ""

    rv = client.get("/foo", base_url="http://localhost/app")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/app/foo/"


def test_trailing_slash_redirect_keeps_non_ascii_query(app, client):
    @app.route("/foo/")
    def foo():
        return request.args["q"]

    rv = client.get("/foo?q=%C3%BC&x=%20")
    assert rv.headers["Location"] == "http://localhost/foo/?q=%C3%BC&x=%20"
    rv = client.get("/foo?q=ü")
    assert rv.headers["Location"] == "http://localhost/foo/?q=%C3%BC"
    assert client.get("/foo?q=ü", follow_redirects=True).text == "ü"


def test_empty_path_under_script_root_redirects_to_slash(app, client):
    @app.route("/")
    def index():
        return "index"

    rv = client.get("", base_url="http://localhost/app")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/app/"
    assert client.get("/", base_url="http://localhost/app").data == b"index"


def test_no_slash_rule_does_not_match_with_slash(app, client):
    @app.route("/foo")
    def foo():
        return ""

    assert client.get("/foo/").status_code == 404


def test_strict_slashes_false(app, client):
    @app.route("/foo/", strict_slashes=False)
    def foo():
        return "foo"

    @app.route("/bar", strict_slashes=False)
    def bar():
        return "bar"

    assert client.get("/foo").data == b"foo"
    assert client.get("/foo/").data == b"foo"
    assert client.get("/bar/").data == b"bar"


def test_url_map_strict_slashes_false(app, client):
    app.url_map.strict_slashes = False

    @app.route("/foo/")
    def foo():
        return "foo"

    assert client.get("/foo").status_code == 200


def test_redirect_to_string(app, client):
    app.add_url_rule("/old", "old", redirect_to="/new")

    @app.route("/new")
    def new():
        return "new"

    rv = client.get("/old")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/new"
    assert client.get("/old", follow_redirects=True).data == b"new"


def test_redirect_to_with_arguments(app, client):
    app.add_url_rule("/old/<int:id>", "old", redirect_to="/items/<id>")
    app.add_url_rule(
        "/older/<name>",
        "older",
        redirect_to=lambda adapter, name: f"/people/{name.upper()}",
    )

    rv = client.get("/old/5")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/items/5"
    rv = client.get("/older/ann")
    assert rv.headers["Location"] == "http://localhost/people/ANN"


def test_redirect_to_through_route(app, client):
    @app.route("/old", redirect_to="/target")
    def old():
        raise AssertionError("not called")

    assert client.get("/old").headers["Location"] == "http://localhost/target"


def test_defaults_passed_to_view(app, client):
    @app.route("/", defaults={"page": 1, "flag": "x"})
    def index(page, flag):
        return f"{page}{flag}"

    assert client.get("/").data == b"1x"


def test_default_values_redirect_to_short_rule(app, client):
    @app.route("/page/", defaults={"n": 1})
    @app.route("/page/<int:n>")
    def page(n):
        return str(n)

    assert client.get("/page/").data == b"1"
    assert client.get("/page/2").data == b"2"
    rv = client.get("/page/1")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/page/"
    with app.test_request_context():
        assert url_for("page") == "/page/"
        assert url_for("page", n=1) == "/page/"
        assert url_for("page", n=3) == "/page/3"


def test_redirect_in_debug_discarding_body_is_error(app, client, monkeypatch):
    from werkzeug.routing import RequestRedirect

    app.config["DEBUG"] = True

    @app.route("/user/", methods=["GET", "POST"])
    def user():
        return request.form["status"]

    rv = client.post("/user", data={"status": "success"}, follow_redirects=True)
    assert rv.data == b"success"

    monkeypatch.setattr(RequestRedirect, "code", 301)
    with client, pytest.raises(AssertionError) as exc_info:
        client.post("/user", data={"status": "error"}, follow_redirects=True)

    assert "canonical URL 'http://localhost/user/'" in str(exc_info.value)
    # A GET loses nothing, so it is still redirected.
    assert app.test_client().get("/user").status_code == 301


def test_redirect_with_old_code_outside_debug_is_allowed(app, client, monkeypatch):
    from werkzeug.routing import RequestRedirect

    @app.route("/user/", methods=["POST"])
    def user():
        return ""

    monkeypatch.setattr(RequestRedirect, "code", 301)
    assert client.post("/user").status_code == 301


# -- request attributes ------------------------------------------------------


def test_request_routing_attributes(app, client):
    @app.route("/item/<int:id>", endpoint="item")
    def view(id):
        rule = request.url_rule
        return f"{request.endpoint} {rule.rule} {request.view_args}"

    assert client.get("/item/3").data == b"item /item/<int:id> {'id': 3}"


def test_routing_exception_kept_on_request(app):
    @app.route("/")
    def index():
        return ""

    with app.test_request_context("/nope"):
        assert request.url_rule is None
        assert request.routing_exception.code == 404
    with app.test_request_context("/", method="POST"):
        assert request.routing_exception.code == 405


# -- subdomains --------------------------------------------------------------


def test_subdomain_basic_support():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "localhost.localdomain"
    client = app.test_client()

    @app.route("/")
    def normal_index():
        return "normal index"

    @app.route("/", subdomain="test")
    def test_index():
        return "test index"

    assert client.get("/", "http://localhost.localdomain/").data == b"normal index"
    assert client.get("/", "http://test.localhost.localdomain/").data == b"test index"
    assert client.get("/", "http://other.localhost.localdomain/").status_code == 404


def test_subdomain_variable():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "localhost.localdomain:3000"
    client = app.test_client()

    @app.route("/", subdomain="<user>")
    def index(user):
        return f"index for {user}"

    rv = client.get("/", "http://mitsuhiko.localhost.localdomain:3000/")
    assert rv.data == b"index for mitsuhiko"
    with app.test_request_context(base_url="http://ann.localhost.localdomain:3000"):
        assert url_for("index", user="bob") == "http://bob.localhost.localdomain:3000/"
        assert url_for("index", user="ann") == "/"


def test_subdomain_from_client_argument():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", subdomain="api")
    def api():
        return request.host

    assert app.test_client().get("/", subdomain="api").data == b"api.example.test"


def test_url_map_default_subdomain():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.url_map.default_subdomain = "www"

    @app.route("/")
    def index():
        return "www"

    @app.route("/", subdomain="api")
    def api():
        return "api"

    client = app.test_client()
    assert client.get("/", "http://www.example.test/").data == b"www"
    assert client.get("/", "http://api.example.test/").data == b"api"
    assert client.get("/", "http://example.test/").status_code == 404


def test_subdomain_matching_needs_server_name_host():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "localhost.localdomain:3000"

    @app.route("/")
    def index():
        return "", 204

    client = app.test_client()
    with pytest.warns(UserWarning, match="server name"):
        assert client.get("/", "http://127.0.0.1:3000/").status_code == 404
    assert client.get("/", "http://www.localhost.localdomain:3000/").status_code == 404
    assert client.get("/", "http://localhost.localdomain:3000/").status_code == 204


def test_server_name_without_subdomain_matching_routes_any_host(app, client):
    app.config["SERVER_NAME"] = "localhost.localdomain:3000"

    @app.route("/")
    def index():
        return request.host

    @app.route("/", subdomain="api")
    def api():
        return "api"

    rv = client.get("/", "http://127.0.0.1:3000/")
    assert rv.status_code == 200
    assert rv.data == b"127.0.0.1:3000"
    assert client.get("/", "http://www.localhost.localdomain:3000/").status_code == 200
    assert client.get("/", "http://other.test/").data == b"other.test"
    # Subdomain rules never match without subdomain matching.
    rv = client.get("/", "http://api.localhost.localdomain:3000/")
    assert rv.data == b"api.localhost.localdomain:3000"


def test_server_name_subdomain_changes_take_effect():
    app = _app(subdomain_matching=True)
    client = app.test_client()

    @app.route("/")
    def index():
        return "default"

    @app.route("/", subdomain="foo")
    def subdomain():
        return "subdomain"

    app.config["SERVER_NAME"] = "dev.local:5000"
    assert client.get("/").data == b"default"
    assert client.get("/", "http://dev.local:5000").data == b"default"
    assert client.get("/", "https://dev.local:5000").data == b"default"

    app.config["SERVER_NAME"] = "dev.local"
    assert client.get("/", "https://dev.local").data == b"default"
    with pytest.warns(UserWarning):
        assert client.get("/", "http://foo.localhost").status_code == 404
    assert client.get("/", "http://foo.dev.local").data == b"subdomain"


@pytest.mark.parametrize(
    ("subdomain_matching", "host_matching", "expect_base", "expect_abc", "expect_xyz"),
    [
        (False, False, "default", "default", "default"),
        (True, False, "default", "abc", "<invalid>"),
        (False, True, "default", "abc", "default"),
    ],
)
def test_server_name_matching(
    subdomain_matching, host_matching, expect_base, expect_abc, expect_xyz
):
    app = _app(
        subdomain_matching=subdomain_matching,
        host_matching=host_matching,
        **({"static_host": "example.test"} if host_matching else {}),
    )
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", defaults={"name": "default"}, host="<name>")
    @app.route("/", subdomain="<name>", host="<name>.example.test")
    def index(name: str) -> str:
        return name

    client = app.test_client()
    assert client.get(base_url="http://example.test").text == expect_base
    assert client.get(base_url="http://abc.example.test").text == expect_abc
    if subdomain_matching:
        with pytest.warns(UserWarning):
            rv = client.get(base_url="http://xyz.other.test")
    else:
        rv = client.get(base_url="http://xyz.other.test")
    assert rv.text == expect_xyz


def test_blueprint_subdomain():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    bp = Blueprint("admin", __name__, subdomain="admin")

    @bp.route("/")
    def index():
        return "admin"

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/", "http://admin.example.test/").data == b"admin"
    assert client.get("/", "http://example.test/").status_code == 404


# -- hosts -------------------------------------------------------------------


def test_host_matching():
    app = _app(host_matching=True, static_folder=None)

    @app.route("/", host="a.test")
    def a():
        return "a"

    @app.route("/", host="b.test")
    def b():
        return "b"

    @app.route("/", host="<user>.people.test")
    def person(user):
        return user

    client = app.test_client()
    assert client.get("/", "http://a.test/").data == b"a"
    assert client.get("/", "http://b.test/").data == b"b"
    assert client.get("/", "http://ann.people.test/").data == b"ann"
    assert client.get("/", "http://c.test/").status_code == 404
    with app.test_request_context(base_url="http://a.test"):
        assert url_for("a") == "/"
        assert url_for("b") == "http://b.test/"
        assert url_for("person", user="bo") == "http://bo.people.test/"


def test_host_matching_ignores_server_name():
    app = _app(host_matching=True, static_folder=None)
    app.config["SERVER_NAME"] = "main.test"

    @app.route("/", host="other.test")
    def other():
        return "other"

    client = app.test_client()
    assert client.get("/", "http://other.test/").data == b"other"


def test_static_host(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "index.html").write_text("<p>hi</p>")
    app = Flask(
        __name__, root_path=str(tmp_path), host_matching=True, static_host="static.test"
    )
    client = app.test_client()
    rv = client.get("http://static.test/static/index.html")
    assert rv.status_code == 200
    rv.close()
    assert client.get("http://other.test/static/index.html").status_code == 404
    with app.test_request_context():
        rv = url_for("static", filename="index.html", _external=True)
        assert rv == "http://static.test/static/index.html"


def test_static_host_requires_host_matching():
    with pytest.raises(AssertionError):
        Flask(__name__, static_host="example.com")
    with pytest.raises(AssertionError):
        Flask(__name__, host_matching=True)
    # Without a static folder there is no static route needing a host.
    Flask(__name__, host_matching=True, static_folder=None)


# -- trusted hosts -----------------------------------------------------------


def test_trusted_hosts(app, client):
    app.config["TRUSTED_HOSTS"] = ["good.test", ".trusted.test"]

    @app.route("/")
    def index():
        return request.host

    assert client.get("/", "http://good.test/").data == b"good.test"
    assert client.get("/", "http://a.trusted.test/").data == b"a.trusted.test"
    assert client.get("/", "http://trusted.test/").data == b"trusted.test"
    assert client.get("/", "http://evil.test/").status_code == 400
    assert client.get("/", "http://good.test.evil/").status_code == 400


def test_trusted_hosts_error_reaches_handler(app, client):
    app.config["TRUSTED_HOSTS"] = ["good.test"]

    @app.route("/")
    def index():
        return "ok"

    @app.errorhandler(400)
    def bad(e):
        return "bad host", 400

    rv = client.get("/", "http://evil.test/")
    assert rv.status_code == 400
    assert rv.data == b"bad host"


def test_trusted_hosts_in_test_request_context(app):
    app.config["TRUSTED_HOSTS"] = ["good.test"]
    with app.test_request_context(base_url="http://good.test"):
        assert request.host == "good.test"
    from werkzeug.exceptions import SecurityError

    with app.test_request_context(base_url="http://evil.test"):
        assert isinstance(request.routing_exception, SecurityError)
        with pytest.raises(SecurityError):
            _ = request.host


def test_trusted_hosts_on_request_class(app, client):
    class TrustingRequest(app.request_class):
        trusted_hosts = ["good.test"]

    app.request_class = TrustingRequest

    @app.route("/")
    def index():
        return request.host

    assert client.get("/", "http://good.test/").data == b"good.test"
    assert client.get("/", "http://evil.test/").status_code == 400


def test_trusted_hosts_config_overrides_request_class(app, client):
    class TrustingRequest(app.request_class):
        trusted_hosts = ["good.test"]

    app.request_class = TrustingRequest
    app.config["TRUSTED_HOSTS"] = ["other.test"]

    @app.route("/")
    def index():
        return request.host

    assert client.get("/", "http://other.test/").data == b"other.test"
    assert client.get("/", "http://good.test/").status_code == 400


# -- setup guard -------------------------------------------------------------


def test_no_setup_after_first_request(app, client):
    app.debug = True

    @app.route("/")
    def index():
        return "Awesome"

    assert client.get("/").data == b"Awesome"

    with pytest.raises(AssertionError) as exc_info:
        app.add_url_rule("/foo", endpoint="late")
    assert "setup method 'add_url_rule'" in str(exc_info.value)

    with pytest.raises(AssertionError, match="setup method 'route'"):
        app.route("/bar")

    with pytest.raises(AssertionError, match="setup method 'get'"):
        app.get("/bar")

    with pytest.raises(AssertionError, match="setup method 'endpoint'"):
        app.endpoint("late")

    with pytest.raises(AssertionError, match="setup method 'url_defaults'"):
        app.url_defaults(lambda endpoint, values: None)


def test_setup_allowed_before_first_request_in_context(app):
    with app.test_request_context():
        pass

    @app.route("/")
    def index():
        return ""

    assert "index" in app.view_functions
