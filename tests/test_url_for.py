"""URL building: url_for in request and app contexts, its special
arguments, blueprints, URL processors, build errors, and the cache of URL
adapter bind parameters behind it."""

from __future__ import annotations

import os
import typing as t

import pytest
from werkzeug.routing import BuildError, Rule

from minflask import (
    Blueprint,
    Flask,
    current_app,
    g,
    render_template_string,
    request,
    url_for,
)
from minflask.views import MethodView

HERE = os.path.dirname(__file__)


@pytest.fixture
def app(app: Flask) -> Flask:
    """The shared app with a few routes every test here builds URLs for."""

    @app.route("/")
    def index():
        return url_for("index")

    @app.route("/hello/<name>", methods=["POST"])
    def hello(name):
        return name

    @app.route("/ext")
    def ext():
        return url_for("index", _external=True)

    return app


def _app(**kwargs: t.Any) -> Flask:
    app = Flask("minflask_test", root_path=HERE, **kwargs)
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


# -- in a request ------------------------------------------------------------


def test_relative_in_request(app, req_ctx):
    assert url_for("index") == "/"
    assert url_for("hello", name="test x") == "/hello/test%20x"


def test_external_in_request(app, req_ctx):
    assert url_for("hello", name="test x", _external=True) == (
        "http://localhost/hello/test%20x"
    )
    assert url_for("index", _external=False) == "/"


def test_external_uses_request_host_and_scheme(app):
    with app.test_request_context(base_url="https://shop.test:8443"):
        assert url_for("index", _external=True) == "https://shop.test:8443/"
        assert url_for("index") == "/"


def test_in_view(app, client):
    assert client.get("/").data == b"/"
    assert client.get("/ext").data == b"http://localhost/"


def test_extra_values_go_to_query_string(app, req_ctx):
    assert url_for("index", page=2) == "/?page=2"
    assert url_for("index", q="x y", b=[1, 2]) == "/?q=x+y&b=1&b=2"
    assert url_for("hello", name="ann", lang="de") == "/hello/ann?lang=de"
    # None means "leave it out".
    assert url_for("index", a=None) == "/"


def test_anchor(app, req_ctx):
    assert url_for("index", _anchor="x y") == "/#x%20y"
    assert url_for("index", _anchor="a/b?c=d&e") == "/#a/b?c=d&e"
    assert url_for("index", _anchor="ü") == "/#%C3%BC"
    assert url_for("index", _anchor="top", page=1) == "/?page=1#top"
    assert url_for("index", _anchor="x", _external=True) == "http://localhost/#x"


def test_scheme_implies_external(app, req_ctx):
    assert url_for("index", _scheme="https") == "https://localhost/"
    assert url_for("index", _external=True, _scheme="https") == "https://localhost/"


def test_scheme_without_external_is_error(app, req_ctx):
    with pytest.raises(ValueError, match="_external"):
        url_for("index", _scheme="https", _external=False)


def test_alternating_schemes(app, req_ctx):
    assert url_for("index", _external=True) == "http://localhost/"
    assert url_for("index", _external=True, _scheme="https") == "https://localhost/"
    assert url_for("index", _external=True) == "http://localhost/"


def test_method_selects_rule(app, req_ctx):
    class MyView(MethodView):
        def get(self, id=None):
            return ""

        def post(self):
            return ""

    myview = MyView.as_view("myview")
    app.add_url_rule("/myview/", methods=["GET"], view_func=myview)
    app.add_url_rule("/myview/<int:id>", methods=["GET"], view_func=myview)
    app.add_url_rule("/myview/create", methods=["POST"], view_func=myview)

    assert url_for("myview", _method="GET") == "/myview/"
    assert url_for("myview", id=42, _method="GET") == "/myview/42"
    assert url_for("myview", _method="POST") == "/myview/create"
    with pytest.raises(BuildError):
        url_for("myview", _method="DELETE")


def test_value_named_self(app, req_ctx):
    @app.route("/self/<self>")
    def with_self(self):
        return ""

    assert url_for("with_self", self="2") == "/self/2"
    assert app.url_for("with_self", self="3") == "/self/3"


def test_app_url_for_directly_in_request(app, req_ctx):
    assert app.url_for("hello", name="x") == "/hello/x"
    assert app.url_for("index", _external=True) == "http://localhost/"


def test_script_name_prefix(app):
    with app.test_request_context(base_url="http://localhost/root"):
        assert url_for("index") == "/root/"
        assert url_for("hello", name="a") == "/root/hello/a"
        assert url_for("index", _external=True) == "http://localhost/root/"


def test_application_root_used_by_test_client(app, client):
    app.config["APPLICATION_ROOT"] = "/app"
    assert client.get("/").data == b"/app/"
    assert client.get("/ext").data == b"http://localhost/app/"


# -- outside a request -------------------------------------------------------


def test_external_in_app_context_with_server_name(app):
    app.config["SERVER_NAME"] = "example.test"
    with app.app_context():
        assert url_for("index") == "http://example.test/"
        assert url_for("hello", name="a b") == "http://example.test/hello/a%20b"
        assert url_for("index", _external=False) == "/"
        assert url_for("index", _scheme="https") == "https://example.test/"
        assert url_for("index", _anchor="a b") == "http://example.test/#a%20b"


def test_application_root_and_preferred_scheme_outside_request(app):
    app.config.update(
        SERVER_NAME="example.test:8080",
        APPLICATION_ROOT="/app",
        PREFERRED_URL_SCHEME="https",
    )
    with app.app_context():
        assert url_for("index") == "https://example.test:8080/app/"
        assert url_for("index", _external=False) == "/app/"


def test_preferred_scheme_not_used_in_request(app):
    app.config["PREFERRED_URL_SCHEME"] = "https"
    with app.test_request_context(base_url="http://localhost"):
        assert url_for("index", _external=True) == "http://localhost/"


def test_app_context_without_server_name_is_runtime_error(app):
    with app.app_context(), pytest.raises(RuntimeError) as exc_info:
        url_for("index")
    message = str(exc_info.value)
    assert "SERVER_NAME" in message
    assert "APPLICATION_ROOT" in message
    assert "PREFERRED_URL_SCHEME" in message


def test_no_context_is_runtime_error(app):
    with pytest.raises(RuntimeError, match="application context"):
        url_for("index")


def test_app_url_for_without_any_context(app):
    app.config["SERVER_NAME"] = "example.test"
    assert app.url_for("index") == "http://example.test/"
    assert app.url_for("hello", name="x", _external=False) == "/hello/x"
    app.config["SERVER_NAME"] = None
    with pytest.raises(RuntimeError, match="SERVER_NAME"):
        app.url_for("index")


def test_dot_endpoint_outside_request_is_not_resolved(app):
    app.config["SERVER_NAME"] = "example.test"
    with app.app_context(), pytest.raises(BuildError):
        url_for(".index")


def test_url_for_in_other_apps_context():
    first = _app()
    first.config["SERVER_NAME"] = "first.test"
    second = _app()
    second.config["SERVER_NAME"] = "second.test"
    first.add_url_rule("/one", "one", lambda: "")
    second.add_url_rule("/two", "two", lambda: "")

    with first.app_context():
        assert url_for("one") == "http://first.test/one"
        with second.app_context():
            assert url_for("two") == "http://second.test/two"
            with pytest.raises(BuildError):
                url_for("one")
        # Called directly, an app builds with its own rules and config.
        assert second.url_for("two") == "http://second.test/two"
        assert current_app._get_current_object() is first


# -- blueprints --------------------------------------------------------------


def test_blueprint_relative_endpoint(app, client):
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.route("/")
    def index():
        return url_for(".item", id=3)

    @bp.route("/item/<int:id>")
    def item(id):
        return url_for(".index") + " " + url_for("index")

    app.register_blueprint(bp)
    assert client.get("/shop/").data == b"/shop/item/3"
    assert client.get("/shop/item/1").data == b"/shop/ /"


def test_relative_endpoint_in_app_view_means_app_endpoint(app, client):
    @app.route("/rel")
    def rel():
        return url_for(".hello", name="x")

    assert client.get("/rel").data == b"/hello/x"
    with app.test_request_context():
        assert url_for(".index") == "/"


def test_relative_endpoint_in_nested_blueprint(app, client):
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    @child.route("/")
    def index():
        return url_for(".other")

    @child.route("/other")
    def other():
        return ""

    @parent.route("/other")
    def parent_other():
        return ""

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/").data == b"/p/c/other"
    with app.test_request_context():
        assert url_for("parent.child.other") == "/p/c/other"
        assert url_for("parent.parent_other") == "/p/other"


def test_blueprint_registered_twice_builds_each_name(app):
    bp = Blueprint("bp", __name__)

    @bp.route("/")
    def index():
        return ""

    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="alt")
    with app.test_request_context():
        assert url_for("bp.index") == "/a/"
        assert url_for("alt.index") == "/b/"


def test_blueprint_url_defaults(app):
    bp = Blueprint("foo", __name__)

    @bp.url_defaults
    def bp_defaults(endpoint, values):
        values["page"] = "login"

    @bp.route("/<page>")
    def view(page):
        return ""

    app.register_blueprint(bp)

    values: dict[str, t.Any] = {}
    app.inject_url_defaults("foo.view", values)
    assert values == {"page": "login"}
    with app.test_request_context("/somepage"):
        assert url_for("foo.view") == "/login"
        # Blueprint defaults do not apply to the app's own endpoints.
        assert url_for("index") == "/"


def test_url_defaults_order_app_then_blueprints(app):
    calls: list[str] = []
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @app.url_defaults
    def app_defaults(endpoint, values):
        calls.append("app")

    @parent.url_defaults
    def parent_defaults(endpoint, values):
        calls.append("parent")

    @child.url_defaults
    def child_defaults(endpoint, values):
        calls.append("child")

    @child.route("/x")
    def x():
        return ""

    parent.register_blueprint(child, url_prefix="/c")
    app.register_blueprint(parent, url_prefix="/p")
    with app.test_request_context():
        assert url_for("parent.child.x") == "/p/c/x"
    assert calls == ["app", "parent", "child"]


# -- URL processors ----------------------------------------------------------


def test_language_code_pattern(app, client):
    @app.url_defaults
    def add_language_code(endpoint, values):
        if g.lang_code is not None and app.url_map.is_endpoint_expecting(
            endpoint, "lang_code"
        ):
            values.setdefault("lang_code", g.lang_code)

    @app.url_value_preprocessor
    def pull_lang_code(endpoint, values):
        g.lang_code = values.pop("lang_code", None)

    @app.route("/<lang_code>/")
    def lang_index():
        return url_for("about")

    @app.route("/<lang_code>/about")
    def about():
        return url_for("something_else")

    @app.route("/foo")
    def something_else():
        return url_for("about", lang_code="en")

    assert client.get("/de/").data == b"/de/about"
    assert client.get("/de/about").data == b"/foo"
    assert client.get("/foo").data == b"/en/about"


def test_url_value_preprocessor_runs_before_before_request(app, client):
    order: list[str] = []

    @app.url_value_preprocessor
    def pull(endpoint, values):
        order.append(f"pre {endpoint} {values}")
        values["name"] = values["name"].upper()

    @app.before_request
    def before():
        order.append(f"before {request.view_args}")

    @app.route("/shout/<name>")
    def shout(name):
        return name

    assert client.get("/shout/hi").data == b"HI"
    assert order == ["pre shout {'name': 'hi'}", "before {'name': 'HI'}"]


def test_url_defaults_fill_values(app):
    @app.route("/tenant/<tenant>/home")
    def home(tenant):
        return ""

    @app.url_defaults
    def tenant_default(endpoint, values):
        values.setdefault("tenant", "acme")

    with app.test_request_context():
        assert url_for("home") == "/tenant/acme/home"
        assert url_for("home", tenant="other") == "/tenant/other/home"
        # Unused defaults become query arguments.
        assert url_for("index") == "/?tenant=acme"


# -- build errors ------------------------------------------------------------


def test_build_error_unknown_endpoint(app, req_ctx):
    with pytest.raises(BuildError, match="Could not build url for endpoint 'spam'"):
        url_for("spam")


def test_build_error_missing_values(app, req_ctx):
    with pytest.raises(BuildError) as exc_info:
        url_for("hello")
    assert exc_info.value.endpoint == "hello"
    assert "name" in str(exc_info.value)


def test_build_error_handler_returning_url(app):
    with app.test_request_context(), pytest.raises(BuildError):
        url_for("spam")

    def handler(error, endpoint, values):
        return "/test_handler/"

    app.url_build_error_handlers.append(handler)
    with app.test_request_context():
        assert url_for("spam") == "/test_handler/"
    app.config["SERVER_NAME"] = "example.test"
    with app.app_context():
        assert url_for("spam") == "/test_handler/"


def test_build_error_handler_gets_error_endpoint_and_values(app):
    seen: list[t.Any] = []

    @app.url_build_error_handlers.append
    def handler(error, endpoint, values):
        seen.append((type(error), endpoint, dict(values)))
        return "handled"

    with app.test_request_context():
        assert url_for("/") == "handled"
        assert url_for("missing", a=1, _anchor="x") == "handled"
    assert seen[0] == (
        BuildError,
        "/",
        {"_external": False, "_anchor": None, "_method": None, "_scheme": None},
    )
    assert seen[1][2] == {
        "a": 1,
        "_external": False,
        "_anchor": "x",
        "_method": None,
        "_scheme": None,
    }


def test_build_error_handler_returning_none_reraises(app, req_ctx):
    app.url_build_error_handlers.append(lambda error, endpoint, values: None)
    with pytest.raises(BuildError, match="spam"):
        url_for("spam")


def test_build_error_handler_reraise(app, req_ctx):
    def handler_raises_build_error(error, endpoint, values):
        raise error

    app.url_build_error_handlers.append(handler_raises_build_error)
    with pytest.raises(BuildError):
        url_for("not.existing")


def test_build_error_handler_raising_new_build_error(app, req_ctx):
    def first(error, endpoint, values):
        raise BuildError("replacement", values, None)

    def second(error, endpoint, values):
        assert error.endpoint == "replacement"
        raise error

    app.url_build_error_handlers.extend([first, second])
    with pytest.raises(BuildError) as exc_info:
        url_for("spam")
    assert exc_info.value.endpoint == "replacement"


def test_build_error_handler_chain_falls_through(app, req_ctx):
    def declines(error, endpoint, values):
        raise error

    def answers(error, endpoint, values):
        return f"/fallback/{endpoint}"

    app.url_build_error_handlers.extend([declines, answers])
    assert url_for("spam") == "/fallback/spam"


def test_handle_url_build_error_reraises_given_error(app):
    with app.test_request_context():
        try:
            url_for("spam")
        except BuildError as err:
            error = err
    try:
        raise RuntimeError("BuildError is not the current exception.")
    except RuntimeError:
        with pytest.raises(BuildError) as exc_info:
            app.handle_url_build_error(error, "spam", {})
    assert exc_info.value is error


# -- URL adapter cache -------------------------------------------------------


def test_requests_to_different_hosts_build_own_urls(app, client):
    for _ in range(2):
        assert client.get("/ext", "http://a.test/").data == b"http://a.test/"
        assert client.get("/ext", "http://b.test:8000/").data == b"http://b.test:8000/"


def test_requests_with_different_script_roots(app, client):
    for _ in range(2):
        assert client.get("/ext", "http://localhost/one").data == (
            b"http://localhost/one/"
        )
        assert client.get("/ext", "http://localhost/two").data == (
            b"http://localhost/two/"
        )
        assert client.get("/ext").data == b"http://localhost/"


def test_requests_with_different_schemes(app, client):
    for _ in range(2):
        assert client.get("/ext", "https://localhost/").data == b"https://localhost/"
        assert client.get("/ext", "http://localhost/").data == b"http://localhost/"


def test_websocket_and_http_requests_to_same_host(app, client):
    app.url_map.add(Rule("/ws", endpoint="ws", websocket=True))
    app.view_functions["ws"] = lambda: url_for("ws", _external=True)
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket"}
    for _ in range(2):
        assert client.get("/ws", headers=upgrade).data == b"ws://localhost/ws"
        assert client.get("/").data == b"/"
        assert client.get("/ws").status_code == 400
        assert client.get("/", headers=upgrade).status_code == 400
        rv = client.get("/ws", "https://localhost/", headers=upgrade)
        assert rv.data == b"wss://localhost/ws"


def test_same_host_different_paths_match_each(app, client):
    @app.route("/here/<x>")
    def here(x):
        return request.path + " " + url_for("here", x=x, _external=True)

    assert client.get("/here/1").data == b"/here/1 http://localhost/here/1"
    assert client.get("/here/2").data == b"/here/2 http://localhost/here/2"
    assert client.post("/hello/z").data == b"z"


def test_server_name_change_after_requests(app, client):
    app.config["SERVER_NAME"] = "first.test"
    assert client.get("/ext", "http://other.test/").data == b"http://first.test/"
    app.config["SERVER_NAME"] = "second.test"
    assert client.get("/ext", "http://other.test/").data == b"http://second.test/"
    app.config["SERVER_NAME"] = None
    assert client.get("/ext", "http://other.test/").data == b"http://other.test/"


def test_server_name_change_outside_request(app):
    app.config["SERVER_NAME"] = "first.test"
    with app.app_context():
        assert url_for("index") == "http://first.test/"
    app.config["SERVER_NAME"] = "second.test"
    with app.app_context():
        assert url_for("index") == "http://second.test/"


def test_subdomain_matching_hosts_cached_separately():
    app = _app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", subdomain="<user>")
    def user(user):
        return user + " " + url_for("user", user=user, _external=True)

    client = app.test_client()
    for _ in range(2):
        assert client.get("/", "http://ann.example.test/").data == (
            b"ann http://ann.example.test/"
        )
        assert client.get("/", "http://bob.example.test/").data == (
            b"bob http://bob.example.test/"
        )


def test_adapter_cache_stays_bounded(app, client):
    from minflask.app import _ADAPTER_CACHE_SIZE

    for i in range(_ADAPTER_CACHE_SIZE * 3):
        host = f"h{i}.test"
        rv = client.get("/ext", headers={"Host": host})
        assert rv.data == f"http://{host}/".encode()
        assert len(app._bind_cache) <= _ADAPTER_CACHE_SIZE
    # Hosts evicted earlier still work.
    assert client.get("/ext", headers={"Host": "h0.test"}).data == b"http://h0.test/"


def test_untrusted_host_is_not_cached(app, client):
    app.config["TRUSTED_HOSTS"] = ["good.test"]
    assert client.get("/ext", "http://good.test/").data == b"http://good.test/"
    assert client.get("/ext", "http://evil.test/").status_code == 400
    assert all(key[0] != "evil.test" for key in app._bind_cache)


# -- a request whose Host was rejected ------------------------------------------

REJECTED_HOSTS = ["a..b", "h" * 4000]


@pytest.mark.parametrize("host", REJECTED_HOSTS)
def test_relative_url_for_works_in_the_400_page_of_a_rejected_host(app, host):
    @app.errorhandler(400)
    def bad_request(error):
        return render_template_string(
            "bad host, go <a href='{{ url_for('index') }}'>home</a>"
        ), 400

    rv = app.test_client().get("/", headers={"Host": host})
    assert rv.status_code == 400
    assert rv.data == b"bad host, go <a href='/'>home</a>"


@pytest.mark.parametrize("host", REJECTED_HOSTS)
def test_external_url_for_with_a_rejected_host_says_why(app, host):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # let the 500 handler answer
    seen: list[BaseException] = []

    @app.errorhandler(400)
    def bad_request(error):
        return url_for("index", _external=True)

    @app.errorhandler(500)
    def server_error(error):
        seen.append(error.original_exception)
        return f"failed, see {url_for('hello', name='x')}", 500

    rv = app.test_client().get("/", headers={"Host": host})
    assert rv.status_code == 500
    assert rv.data == b"failed, see /hello/x"
    (error,) = seen
    assert isinstance(error, RuntimeError)
    assert "Host header was rejected" in str(error)
    assert "400 Bad Request" in str(error)


def test_untrusted_host_error_page_builds_relative_urls(app, client):
    app.config["TRUSTED_HOSTS"] = ["good.test"]

    @app.errorhandler(400)
    def bad_request(error):
        return f"{type(error).__name__} {url_for('hello', name='ann', q=1)}", 400

    rv = client.get("/", "http://evil.test/")
    assert rv.status_code == 400
    assert rv.data == b"SecurityError /hello/ann?q=1"


def test_rejected_host_keeps_the_script_root_and_uses_server_name(app):
    @app.errorhandler(400)
    def bad_request(error):
        return f"{url_for('index')} {url_for('index', _external=True)}", 400

    client = app.test_client()
    overrides = {"HTTP_HOST": "evil.test", "SCRIPT_NAME": "/root"}
    app.config.update(SERVER_NAME="example.test", TRUSTED_HOSTS=["example.test"])
    rv = client.get("/", environ_overrides=overrides)
    assert rv.status_code == 400
    # SERVER_NAME is the app's own host: external URLs can use it.
    assert rv.data == b"/root/ http://example.test/root/"


def test_rejected_host_refuses_urls_on_other_subdomains(app):
    app.add_url_rule("/api", "api", lambda: "api", subdomain="api")
    seen: list[BaseException] = []

    @app.errorhandler(400)
    def bad_request(error):
        try:
            return url_for("api")
        except RuntimeError as e:
            seen.append(e)
            return url_for("index"), 400

    rv = app.test_client().get("/", headers={"Host": "a..b"})
    assert rv.data == b"/"
    assert "Host header was rejected" in str(seen[0])
