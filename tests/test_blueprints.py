"""Blueprints: construction, registration (names, prefixes, subdomains,
defaults), nesting, static files, deferred setup, and hook scoping."""

from __future__ import annotations

import os
import typing as t

import pytest
from jinja2 import FileSystemLoader
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError, NotFound
from werkzeug.http import parse_cache_control_header
from werkzeug.routing import Rule

from minflask import Blueprint, Flask, abort, g, request, url_for
from minflask.blueprints import BlueprintSetupState
from minflask.testing import FlaskClient
from minflask.views import MethodView, View

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(TESTS_DIR, "bp_fixtures")


def endpoint_view() -> str:
    """A view answering with the matched endpoint."""
    return request.endpoint or ""


@pytest.fixture(autouse=True)
def _restore_logger(app: Flask) -> t.Iterator[None]:
    """Some tests silence the app logger; every test app shares it by name."""
    yield
    app.logger.disabled = False


@pytest.fixture
def sub_app(app: Flask) -> Flask:
    """The test app with subdomain matching on ``example.test``."""
    app.subdomain_matching = True
    app.config["SERVER_NAME"] = "example.test"
    return app


# -- construction --------------------------------------------------------


class TestConstruction:
    def test_defaults(self) -> None:
        bp = Blueprint("bp", __name__)
        assert bp.name == "bp"
        assert bp.import_name == __name__
        assert bp.root_path == TESTS_DIR
        assert bp.static_folder is None
        assert bp.static_url_path is None
        assert bp.has_static_folder is False
        assert bp.template_folder is None
        assert bp.jinja_loader is None
        assert bp.url_prefix is None
        assert bp.subdomain is None
        assert bp.url_values_defaults == {}
        assert bp.deferred_functions == []
        assert repr(bp) == "<Blueprint 'bp'>"

    def test_all_arguments(self) -> None:
        bp = Blueprint(
            "admin",
            "some.module",
            static_folder="static/",
            static_url_path="/assets/",
            template_folder="templates",
            url_prefix="/admin",
            subdomain="api",
            url_defaults={"lang": "en"},
            root_path=FIXTURES,
            cli_group="admin-cli",
        )
        assert bp.import_name == "some.module"
        assert bp.root_path == FIXTURES
        # The folder is resolved against root_path, trailing slash dropped.
        assert bp.static_folder == os.path.join(FIXTURES, "static")
        assert bp.has_static_folder is True
        assert bp.static_url_path == "/assets"
        assert bp.template_folder == "templates"
        assert bp.url_prefix == "/admin"
        assert bp.subdomain == "api"
        assert bp.url_values_defaults == {"lang": "en"}
        assert bp.cli_group == "admin-cli"

    def test_cli_group_none(self) -> None:
        assert Blueprint("bp", __name__, cli_group=None).cli_group is None

    def test_static_url_path_defaults_to_folder_name(self) -> None:
        bp = Blueprint("bp", __name__, static_folder="bp_fixtures/static")
        assert bp.static_folder == os.path.join(TESTS_DIR, "bp_fixtures", "static")
        assert bp.static_url_path == "/static"

    def test_static_folder_pathlike(self) -> None:
        import pathlib

        bp = Blueprint(
            "bp", __name__, root_path=FIXTURES, static_folder=pathlib.Path("static")
        )
        assert bp.static_folder == os.path.join(FIXTURES, "static")

    def test_jinja_loader_uses_template_folder(self) -> None:
        bp = Blueprint("bp", __name__, root_path=FIXTURES, template_folder="templates")
        loader = bp.jinja_loader
        assert isinstance(loader, FileSystemLoader)
        assert loader.searchpath == [os.path.join(FIXTURES, "templates")]
        assert "admin/page.html" in loader.list_templates()

    def test_open_resource_relative_to_root_path(self) -> None:
        bp = Blueprint("bp", __name__, root_path=FIXTURES)
        with bp.open_resource("secret.txt") as f:
            assert f.read() == b"not public\n"
        with bp.open_resource("secret.txt", "rt") as f:
            assert f.read() == "not public\n"
        with pytest.raises(ValueError):
            bp.open_resource("secret.txt", "w")

    def test_empty_name(self) -> None:
        with pytest.raises(ValueError, match="'name' may not be empty"):
            Blueprint("", __name__)

    @pytest.mark.parametrize("name", ["a.b", ".a", "a."])
    def test_dotted_name(self, name: str) -> None:
        with pytest.raises(ValueError, match="may not contain a dot"):
            Blueprint(name, __name__)


# -- endpoints and dots ----------------------------------------------------


class TestEndpoints:
    def test_dotted_endpoint_in_route(self) -> None:
        bp = Blueprint("bp", __name__)
        with pytest.raises(ValueError, match=r"'endpoint'.*may not contain a dot"):
            bp.route("/", endpoint="a.b")(endpoint_view)
        with pytest.raises(ValueError, match=r"'endpoint'.*may not contain a dot"):
            bp.add_url_rule("/", endpoint="a.b")

    def test_dotted_view_function_name(self) -> None:
        bp = Blueprint("bp", __name__)

        def view() -> str:
            return ""

        view.__name__ = "a.b"
        with pytest.raises(
            ValueError, match=r"'view_func' name.*may not contain a dot"
        ):
            bp.add_url_rule("/", view_func=view)
        with pytest.raises(ValueError, match="may not contain a dot"):
            bp.route("/")(view)
        # Nothing was recorded by the failed calls.
        assert bp.deferred_functions == []

    def test_endpoints_are_prefixed_with_the_name(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)
        bp.route("/foo")(endpoint_view)
        bp.route("/bar", endpoint="bar")(endpoint_view)
        bp.add_url_rule("/num", "123", endpoint_view)
        app.register_blueprint(bp, url_prefix="/py")
        app.add_url_rule("/", view_func=endpoint_view)
        assert client.get("/").data == b"endpoint_view"
        assert client.get("/py/foo").data == b"bp.endpoint_view"
        assert client.get("/py/bar").data == b"bp.bar"
        assert client.get("/py/num").data == b"bp.123"
        assert set(app.view_functions) >= {"bp.endpoint_view", "bp.bar", "bp.123"}

    def test_method_shortcuts(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__)

        @bp.get("/r")
        def read() -> str:
            return "get"

        @bp.post("/r")
        def create() -> str:
            return "post"

        @bp.delete("/r")
        def remove() -> str:
            return "delete"

        app.register_blueprint(bp)
        assert client.get("/r").data == b"get"
        assert client.post("/r").data == b"post"
        assert client.delete("/r").data == b"delete"
        assert client.put("/r").status_code == 405

    def test_endpoint_decorator_registers_on_app(
        self, app: Flask, client: FlaskClient
    ) -> None:
        app.url_map.add(Rule("/foo", endpoint="bar"))
        bp = Blueprint("bp", __name__)

        @bp.endpoint("bar")
        def foobar() -> str:
            return request.endpoint or ""

        app.register_blueprint(bp, url_prefix="/bp_prefix")
        assert client.get("/foo").data == b"bar"
        assert client.get("/bp_prefix/bar").status_code == 404

    def test_endpoint_decorator_in_nested_blueprint(self, app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)

        @child.endpoint("child_end")
        def child_view() -> str:
            return "child"

        parent.register_blueprint(child)
        app.register_blueprint(parent)
        app.register_blueprint(parent, name="again")
        # The name is used as given, with no blueprint prefix.
        assert app.view_functions["child_end"] is child_view
        assert "parent.child.child_end" not in app.view_functions

    def test_route_defaults(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__)

        @bp.route("/", defaults={"page": 1})
        @bp.route("/page/<int:page>")
        def something(page: int) -> str:
            return str(page)

        app.register_blueprint(bp)
        assert client.get("/").data == b"1"
        assert client.get("/page/2").data == b"2"

    def test_dotted_names_url_for_both_ways(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("test", __name__)

        @app.route("/")
        def app_index() -> str:
            return url_for("test.index")

        @bp.route("/test/")
        def index() -> str:
            return url_for("app_index")

        app.register_blueprint(bp)
        assert client.get("/").data == b"/test/"
        assert client.get("/test/").data == b"/"

    def test_relative_url_for(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__, url_prefix="/bp")

        @bp.route("/")
        def index() -> str:
            return url_for(".other", x=1)

        @bp.route("/other")
        def other() -> str:
            return url_for(".index")

        @app.route("/")
        def index_app() -> str:
            # Outside a blueprint, '.name' is the app's own endpoint.
            return url_for(".index_app")

        app.register_blueprint(bp)
        assert client.get("/bp/").data == b"/bp/other?x=1"
        assert client.get("/bp/other").data == b"/bp/"
        assert client.get("/").data == b"/"

    def test_relative_url_for_uses_registered_name(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.route("/")
        def index() -> str:
            return url_for(".index")

        app.register_blueprint(bp, url_prefix="/one")
        app.register_blueprint(bp, url_prefix="/two", name="two")
        assert client.get("/one/").data == b"/one/"
        assert client.get("/two/").data == b"/two/"


# -- register_blueprint options -------------------------------------------


class TestRegistrationOptions:
    @pytest.mark.parametrize(
        ("prefix", "rule", "url"),
        [
            ("", "/", "/"),
            ("/", "", "/"),
            ("/", "/", "/"),
            ("/foo", "", "/foo"),
            ("/foo/", "", "/foo/"),
            ("", "/bar", "/bar"),
            ("/foo/", "/bar", "/foo/bar"),
            ("/foo/", "bar", "/foo/bar"),
            ("/foo", "/bar", "/foo/bar"),
            ("/foo/", "//bar", "/foo/bar"),
            ("/foo//", "/bar", "/foo/bar"),
        ],
    )
    def test_prefix_slashes(
        self, app: Flask, client: FlaskClient, prefix: str, rule: str, url: str
    ) -> None:
        bp = Blueprint("test", __name__, url_prefix=prefix)

        @bp.route(rule)
        def index() -> tuple[str, int]:
            return "", 204

        app.register_blueprint(bp)
        assert client.get(url).status_code == 204

    def test_url_prefix_override(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__, url_prefix="/own")
        bp.route("/v")(endpoint_view)
        app.register_blueprint(bp, url_prefix="/given")
        assert client.get("/given/v").data == b"bp.endpoint_view"
        assert client.get("/own/v").status_code == 404

    def test_empty_url_prefix_override_wins(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__, url_prefix="/own")
        bp.route("/v")(endpoint_view)
        app.register_blueprint(bp, url_prefix="")
        assert client.get("/v").status_code == 200
        assert client.get("/own/v").status_code == 404

    def test_name_override(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__)
        bp.route("/v")(endpoint_view)
        app.register_blueprint(bp, name="renamed")
        assert client.get("/v").data == b"renamed.endpoint_view"
        assert app.blueprints == {"renamed": bp}
        assert "bp.endpoint_view" not in app.view_functions

    def test_blueprint_url_defaults(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("test", __name__)

        @bp.route("/foo", defaults={"baz": 42})
        def foo(bar: int, baz: int) -> str:
            return f"{bar}/{baz:d}"

        @bp.route("/bar")
        def bar(bar: int) -> str:
            return str(bar)

        app.register_blueprint(bp, url_prefix="/1", url_defaults={"bar": 23})
        app.register_blueprint(
            bp, name="test2", url_prefix="/2", url_defaults={"bar": 19}
        )
        assert client.get("/1/foo").data == b"23/42"
        assert client.get("/2/foo").data == b"19/42"
        assert client.get("/1/bar").data == b"23"
        assert client.get("/2/bar").data == b"19"

    def test_constructor_url_defaults_merged_with_options(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__, url_defaults={"a": "ctor", "b": "ctor"})

        @bp.route("/", defaults={"c": "rule"})
        def show(a: str, b: str, c: str) -> str:
            return f"{a} {b} {c}"

        app.register_blueprint(bp, url_defaults={"b": "option"})
        assert client.get("/").data == b"ctor option rule"
        # Building a URL for the endpoint needs none of the defaulted values.
        with app.test_request_context():
            assert url_for("bp.show") == "/"

    def test_route_defaults_override_blueprint_defaults(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__, url_defaults={"page": 1})

        @bp.route("/", defaults={"page": 5})
        def index(page: int) -> str:
            return str(page)

        app.register_blueprint(bp)
        assert client.get("/").data == b"5"

    def test_subdomain(self, sub_app: Flask) -> None:
        bp = Blueprint("bp", __name__, subdomain="api")
        bp.route("/")(endpoint_view)
        sub_app.register_blueprint(bp)
        client = sub_app.test_client()
        rv = client.get("/", base_url="http://api.example.test")
        assert rv.data == b"bp.endpoint_view"
        assert client.get("/", base_url="http://example.test").status_code == 404
        with sub_app.test_request_context():
            assert url_for("bp.endpoint_view") == "http://api.example.test/"

    def test_subdomain_override(self, sub_app: Flask) -> None:
        bp = Blueprint("bp", __name__, subdomain="api")
        bp.route("/")(endpoint_view)
        sub_app.register_blueprint(bp, subdomain="admin")
        client = sub_app.test_client()
        assert client.get("/", base_url="http://admin.example.test").status_code == 200
        assert client.get("/", base_url="http://api.example.test").status_code == 404

    def test_rule_subdomain_option_wins(self, sub_app: Flask) -> None:
        bp = Blueprint("bp", __name__, subdomain="api")
        bp.route("/", subdomain="static")(endpoint_view)
        sub_app.register_blueprint(bp)
        client = sub_app.test_client()
        assert client.get("/", base_url="http://static.example.test").status_code == 200
        assert client.get("/", base_url="http://api.example.test").status_code == 404


# -- registering once, twice, under names --------------------------------


class TestNames:
    def test_same_blueprint_same_name(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)
        app.register_blueprint(bp)
        with pytest.raises(
            ValueError, match="'bp' is already registered for this blueprint"
        ):
            app.register_blueprint(bp)

    def test_different_blueprint_same_name(self, app: Flask) -> None:
        app.register_blueprint(Blueprint("bp", __name__))
        with pytest.raises(
            ValueError, match="'bp' is already registered for a different blueprint"
        ):
            app.register_blueprint(Blueprint("bp", __name__))

    def test_unique_names(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)
        bp2 = Blueprint("bp", __name__)
        app.register_blueprint(bp)
        app.register_blueprint(bp, name="again")
        with pytest.raises(ValueError, match="name="):
            app.register_blueprint(bp2)
        app.register_blueprint(bp2, name="alt")
        assert app.blueprints == {"bp": bp, "again": bp, "alt": bp2}

    def test_failed_registration_adds_nothing(self, app: Flask) -> None:
        first = Blueprint("bp", __name__)
        second = Blueprint("bp", __name__)
        second.route("/second")(endpoint_view)
        app.register_blueprint(first)
        with pytest.raises(ValueError):
            app.register_blueprint(second)
        assert app.blueprints == {"bp": first}
        assert "bp.endpoint_view" not in app.view_functions

    def test_registered_twice_endpoints_for_both(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)
        bp.route("/")(endpoint_view)
        app.register_blueprint(bp, url_prefix="/a")
        app.register_blueprint(bp, url_prefix="/b", name="alt")
        assert client.get("/a/").data == b"bp.endpoint_view"
        assert client.get("/b/").data == b"alt.endpoint_view"
        with app.test_request_context():
            assert url_for("bp.endpoint_view") == "/a/"
            assert url_for("alt.endpoint_view") == "/b/"

    def test_registered_twice_hooks_scoped_per_name(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)
        seen: list[tuple[str, str | None]] = []

        @bp.before_request
        def before() -> None:
            seen.append(("before", request.blueprint))

        @bp.after_request
        def after(response: t.Any) -> t.Any:
            seen.append(("after", request.blueprint))
            return response

        @bp.route("/")
        def index() -> str:
            return request.blueprint or ""

        @bp.route("/error")
        def error() -> str:
            abort(403)

        @bp.errorhandler(403)
        def forbidden(e: Exception) -> tuple[str, int]:
            return f"handled by {request.blueprint}", 403

        @app.route("/")
        def app_index() -> str:
            return "app"

        app.register_blueprint(bp, url_prefix="/a")
        app.register_blueprint(bp, url_prefix="/b", name="alt")

        assert client.get("/a/").data == b"bp"
        assert seen == [("before", "bp"), ("after", "bp")]
        seen.clear()
        assert client.get("/b/").data == b"alt"
        assert seen == [("before", "alt"), ("after", "alt")]
        seen.clear()
        assert client.get("/").data == b"app"
        assert seen == []
        assert client.get("/a/error").data == b"handled by bp"
        assert client.get("/b/error").data == b"handled by alt"
        assert client.get("/b/error").status_code == 403

    def test_renaming_nested(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__)
        bp2 = Blueprint("bp2", __name__)
        bp.get("/")(endpoint_view)
        bp2.get("/")(endpoint_view)

        @bp.get("/error")
        def error() -> str:
            abort(403)

        @bp.errorhandler(403)
        def forbidden(_: Exception) -> tuple[str, int]:
            return "Error", 403

        bp.register_blueprint(bp2, url_prefix="/a", name="sub")
        app.register_blueprint(bp, url_prefix="/a")
        app.register_blueprint(bp, url_prefix="/b", name="alt")
        assert client.get("/a/").data == b"bp.endpoint_view"
        assert client.get("/b/").data == b"alt.endpoint_view"
        assert client.get("/a/a/").data == b"bp.sub.endpoint_view"
        assert client.get("/b/a/").data == b"alt.sub.endpoint_view"
        assert client.get("/a/error").data == b"Error"
        assert client.get("/b/error").data == b"Error"
        assert list(app.blueprints) == ["bp", "bp.sub", "alt", "alt.sub"]

    def test_blueprints_and_iter_blueprints(self, app: Flask) -> None:
        assert app.blueprints == {}
        assert list(app.iter_blueprints()) == []
        one = Blueprint("one", __name__)
        two = Blueprint("two", __name__)
        child = Blueprint("child", __name__)
        two.register_blueprint(child)
        app.register_blueprint(two)
        app.register_blueprint(one)
        app.register_blueprint(one, name="uno")
        assert app.blueprints == {
            "two": two,
            "two.child": child,
            "one": one,
            "uno": one,
        }
        assert list(app.iter_blueprints()) == [two, child, one, one]

    def test_blueprint_on_two_apps(self) -> None:
        bp = Blueprint("bp", __name__)
        bp.route("/")(endpoint_view)
        first = Flask(__name__, static_folder=None)
        second = Flask(__name__, static_folder=None)
        first.register_blueprint(bp, url_prefix="/1")
        second.register_blueprint(bp, url_prefix="/2")
        assert first.test_client().get("/1/").data == b"bp.endpoint_view"
        assert second.test_client().get("/2/").data == b"bp.endpoint_view"
        assert second.test_client().get("/1/").status_code == 404


# -- nesting ---------------------------------------------------------------


class TestNesting:
    def test_self_registration(self) -> None:
        bp = Blueprint("bp", __name__)
        with pytest.raises(ValueError, match="Cannot register a blueprint on itself"):
            bp.register_blueprint(bp)

    def test_nested_endpoints_and_request_blueprints(
        self, app: Flask, client: FlaskClient
    ) -> None:
        parent = Blueprint("parent", __name__, url_prefix="/parent")
        child = Blueprint("child", __name__, url_prefix="/child")
        grandchild = Blueprint("grandchild", __name__, url_prefix="/grandchild")

        def describe() -> str:
            return (
                f"{request.endpoint} {request.blueprint} {','.join(request.blueprints)}"
            )

        parent.add_url_rule("/", "index", describe)
        child.add_url_rule("/", "index", describe)
        grandchild.add_url_rule("/", "index", describe)
        app.add_url_rule("/", "index", describe)
        child.register_blueprint(grandchild)
        parent.register_blueprint(child)
        app.register_blueprint(parent)

        assert client.get("/").data == b"index None "
        assert client.get("/parent/").data == b"parent.index parent parent"
        assert client.get("/parent/child/").data == (
            b"parent.child.index parent.child parent.child,parent"
        )
        assert client.get("/parent/child/grandchild/").data == (
            b"parent.child.grandchild.index parent.child.grandchild"
            b" parent.child.grandchild,parent.child,parent"
        )
        with app.test_request_context():
            assert (
                url_for("parent.child.grandchild.index") == "/parent/child/grandchild/"
            )

    def test_nested_relative_url_for(self, app: Flask, client: FlaskClient) -> None:
        parent = Blueprint("parent", __name__, url_prefix="/p")
        child = Blueprint("child", __name__, url_prefix="/c")

        @parent.route("/x")
        def x() -> str:
            return "parent x"

        @child.route("/x")
        def x_child() -> str:
            return url_for(".y") + " " + url_for("parent.x")

        @child.route("/y")
        def y() -> str:
            return ""

        parent.register_blueprint(child)
        app.register_blueprint(parent)
        assert client.get("/p/c/x").data == b"/p/c/y /p/x"

    @pytest.mark.parametrize(
        ("parent_init", "child_init", "parent_registration", "child_registration"),
        [
            ("/parent", "/child", None, None),
            ("/parent", None, None, "/child"),
            (None, None, "/parent", "/child"),
            ("/other", "/something", "/parent", "/child"),
            ("/parent/", "/child/", None, None),
        ],
    )
    def test_nesting_url_prefixes(
        self,
        app: Flask,
        client: FlaskClient,
        parent_init: str | None,
        child_init: str | None,
        parent_registration: str | None,
        child_registration: str | None,
    ) -> None:
        parent = Blueprint("parent", __name__, url_prefix=parent_init)
        child = Blueprint("child", __name__, url_prefix=child_init)

        @child.route("/")
        def index() -> str:
            return "index"

        parent.register_blueprint(child, url_prefix=child_registration)
        app.register_blueprint(parent, url_prefix=parent_registration)
        assert client.get("/parent/child/").data == b"index"

    def test_child_prefix_only(self, app: Flask, client: FlaskClient) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__, url_prefix="/child")
        child.route("/")(endpoint_view)
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        assert client.get("/child/").data == b"parent.child.endpoint_view"

    def test_parent_prefix_only(self, app: Flask, client: FlaskClient) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        child.route("/c")(endpoint_view)
        parent.register_blueprint(child)
        app.register_blueprint(parent, url_prefix="/p")
        assert client.get("/p/c").data == b"parent.child.endpoint_view"

    def test_parent_url_defaults_do_not_reach_children(self, app: Flask) -> None:
        parent = Blueprint("parent", __name__, url_defaults={"x": 1})
        child = Blueprint("child", __name__)
        child.route("/c")(endpoint_view)
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        (rule,) = [
            r for r in app.url_map.iter_rules() if r.endpoint.startswith("parent.")
        ]
        assert not rule.defaults

    def test_nesting_subdomains(self, sub_app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        child.route("/child/")(endpoint_view)
        parent.register_blueprint(child)
        sub_app.register_blueprint(parent, subdomain="api")
        client = sub_app.test_client()
        rv = client.get("/child/", base_url="http://api.example.test")
        assert rv.data == b"parent.child.endpoint_view"
        assert client.get("/child/", base_url="http://example.test").status_code == 404

    def test_child_and_parent_subdomain(self, sub_app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__, subdomain="api")
        child.route("/")(endpoint_view)
        parent.register_blueprint(child)
        sub_app.register_blueprint(parent, subdomain="parent")
        client = sub_app.test_client()
        assert (
            client.get("/", base_url="http://api.parent.example.test").status_code
            == 200
        )
        assert client.get("/", base_url="http://parent.example.test").status_code == 404
        assert client.get("/", base_url="http://api.example.test").status_code == 404

    def test_child_subdomain_only(self, sub_app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        child.route("/")(endpoint_view)
        parent.register_blueprint(child, subdomain="kid")
        sub_app.register_blueprint(parent)
        client = sub_app.test_client()
        assert client.get("/", base_url="http://kid.example.test").status_code == 200
        assert client.get("/", base_url="http://example.test").status_code == 404

    def test_nested_registration_does_not_touch_the_app_until_parent_is_registered(
        self, app: Flask
    ) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        child.route("/")(endpoint_view)
        parent.register_blueprint(child)
        assert app.blueprints == {}
        assert "parent.child.endpoint_view" not in app.view_functions
        # The child is not registered yet, so it can still be set up.
        child.route("/late")(endpoint_view)
        app.register_blueprint(parent)
        assert app.url_map.bind("").match("/late") == ("parent.child.endpoint_view", {})


# -- static files ------------------------------------------------------------


class TestStatic:
    def make(self, app: Flask, **kwargs: t.Any) -> Blueprint:
        bp = Blueprint(
            "bp", __name__, root_path=FIXTURES, static_folder="static", **kwargs
        )
        app.register_blueprint(bp)
        return bp

    def test_serves_files(self, app: Flask, client: FlaskClient) -> None:
        self.make(app, url_prefix="/bp")
        rv = client.get("/bp/static/hello.txt")
        assert rv.status_code == 200
        assert rv.data == b"hello from the blueprint\n"
        assert rv.mimetype == "text/plain"
        rv.close()
        rv = client.get("/bp/static/css/site.css")
        assert rv.status_code == 200
        assert rv.mimetype == "text/css"
        rv.close()
        assert client.get("/bp/static/missing.txt").status_code == 404

    @pytest.mark.parametrize(
        "url",
        [
            "/bp/static/../secret.txt",
            "/bp/static/%2e%2e/secret.txt",
            "/bp/static/..%2fsecret.txt",
            "/bp/static/css/../../secret.txt",
        ],
    )
    def test_traversal_is_404(self, app: Flask, client: FlaskClient, url: str) -> None:
        self.make(app, url_prefix="/bp")
        rv = client.get(url)
        assert rv.status_code == 404
        assert b"not public" not in rv.data

    def test_custom_static_url_path(self, app: Flask, client: FlaskClient) -> None:
        self.make(app, url_prefix="/bp", static_url_path="/assets")
        assert client.get("/bp/assets/hello.txt").status_code == 200
        assert client.get("/bp/static/hello.txt").status_code == 404
        with app.test_request_context():
            assert url_for("bp.static", filename="hello.txt") == "/bp/assets/hello.txt"

    def test_url_for_static(self, app: Flask) -> None:
        self.make(app, url_prefix="/bp")
        with app.test_request_context():
            assert (
                url_for("bp.static", filename="css/site.css")
                == "/bp/static/css/site.css"
            )

    def test_static_with_renamed_registration(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = self.make(app, url_prefix="/one")
        app.register_blueprint(bp, url_prefix="/two", name="two")
        assert client.get("/two/static/hello.txt").status_code == 200
        with app.test_request_context():
            assert (
                url_for("two.static", filename="hello.txt") == "/two/static/hello.txt"
            )

    def test_app_static_route_takes_precedence(
        self, client: FlaskClient, app: Flask
    ) -> None:
        # Without a url_prefix both rules are '/static/<path:filename>'; the
        # app's was added first and wins, and tests/static does not exist.
        self.make(app)
        assert client.get("/static/hello.txt").status_code == 404

    def test_no_static_route_without_folder(self, app: Flask) -> None:
        app.register_blueprint(Blueprint("bp", __name__, url_prefix="/bp"))
        assert "bp.static" not in app.view_functions
        assert not any(r.endpoint == "bp.static" for r in app.url_map.iter_rules())

    def test_send_static_file_without_folder(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)
        with app.test_request_context(), pytest.raises(RuntimeError):
            bp.send_static_file("hello.txt")

    def test_send_file_max_age_config(self, app: Flask, client: FlaskClient) -> None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
        self.make(app, url_prefix="/bp")
        rv = client.get("/bp/static/hello.txt")
        assert parse_cache_control_header(rv.headers["Cache-Control"]).max_age == 60
        rv.close()

    def test_get_send_file_max_age_override(self, app: Flask) -> None:
        class MyBlueprint(Blueprint):
            def get_send_file_max_age(self, filename: str | None) -> int | None:
                return 100

        bp = MyBlueprint("bp", __name__, root_path=FIXTURES, static_folder="static")
        app.register_blueprint(bp)
        with app.test_request_context():
            app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
            rv = bp.send_static_file("hello.txt")
            assert (
                parse_cache_control_header(rv.headers["Cache-Control"]).max_age == 100
            )
            rv.close()


# -- deferred setup ------------------------------------------------------------


class TestRecord:
    def test_record_runs_on_every_registration(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__, url_prefix="/own", subdomain="own")
        states: list[BlueprintSetupState] = []
        bp.record(states.append)
        app.register_blueprint(bp, url_prefix="/a", url_defaults={"x": 1})
        app.register_blueprint(bp, name="b", subdomain="s")
        first, second = states
        assert first.app is app
        assert first.blueprint is bp
        assert first.first_registration is True
        assert first.name == "bp"
        assert first.url_prefix == "/a"
        assert first.subdomain == "own"
        assert first.url_defaults == {"x": 1}
        assert first.options == {"url_prefix": "/a", "url_defaults": {"x": 1}}
        assert second.first_registration is False
        assert second.name == "b"
        assert second.url_prefix == "/own"
        assert second.subdomain == "s"
        assert second.url_defaults == {}

    def test_record_once(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)
        calls: list[tuple[Flask, bool]] = []
        bp.record_once(lambda s: calls.append((s.app, s.first_registration)))
        app.register_blueprint(bp)
        app.register_blueprint(bp, name="again")
        assert calls == [(app, True)]
        # First registration on another app counts again.
        other = Flask(__name__, static_folder=None)
        other.register_blueprint(bp)
        assert calls == [(app, True), (other, True)]

    def test_record_returns_none(self) -> None:
        bp = Blueprint("bp", __name__)
        assert bp.record(lambda s: None) is None
        assert bp.record_once(lambda s: None) is None
        assert len(bp.deferred_functions) == 2

    def test_state_add_url_rule(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__, url_defaults={"who": "bp"})

        def hello(who: str) -> str:
            return f"hello {who} {request.endpoint}"

        bp.record(lambda s: s.add_url_rule("/hello", view_func=hello))
        bp.record(lambda s: s.add_url_rule("", "root", hello, defaults={"who": "root"}))
        app.register_blueprint(bp, url_prefix="/p")
        assert client.get("/p/hello").data == b"hello bp bp.hello"
        assert client.get("/p").data == b"hello root bp.root"

    def test_make_setup_state_override(self, app: Flask, client: FlaskClient) -> None:
        class VersionedState(BlueprintSetupState):
            def add_url_rule(
                self,
                rule: str,
                endpoint: str | None = None,
                view_func: t.Callable[..., t.Any] | None = None,
                **options: t.Any,
            ) -> None:
                super().add_url_rule(
                    "/v" + str(self.options["version"]) + rule,
                    endpoint,
                    view_func,
                    **options,
                )

        made: list[bool] = []

        class VersionedBlueprint(Blueprint):
            def make_setup_state(
                self,
                app: Flask,
                options: dict[str, t.Any],
                first_registration: bool = False,
            ) -> BlueprintSetupState:
                made.append(first_registration)
                return VersionedState(self, app, options, first_registration)

        bp = VersionedBlueprint("api", __name__)
        bp.route("/users")(endpoint_view)
        app.register_blueprint(bp, version=1)
        app.register_blueprint(bp, version=2, name="api2")
        assert made == [True, False]
        assert client.get("/v1/users").data == b"api.endpoint_view"
        assert client.get("/v2/users").data == b"api2.endpoint_view"
        assert client.get("/users").status_code == 404


class TestSetupFinished:
    @pytest.mark.parametrize(
        "call",
        [
            lambda bp: bp.route("/late"),
            lambda bp: bp.add_url_rule("/late", "late", endpoint_view),
            lambda bp: bp.get("/late"),
            lambda bp: bp.before_request(endpoint_view),
            lambda bp: bp.after_request(endpoint_view),
            lambda bp: bp.teardown_request(endpoint_view),
            lambda bp: bp.errorhandler(404),
            lambda bp: bp.register_error_handler(404, endpoint_view),
            lambda bp: bp.url_defaults(endpoint_view),
            lambda bp: bp.url_value_preprocessor(endpoint_view),
            lambda bp: bp.context_processor(endpoint_view),
            lambda bp: bp.record(endpoint_view),
            lambda bp: bp.record_once(endpoint_view),
            lambda bp: bp.register_blueprint(Blueprint("late", __name__)),
            lambda bp: bp.before_app_request(endpoint_view),
            lambda bp: bp.app_errorhandler(500),
            lambda bp: bp.endpoint("late"),
        ],
    )
    def test_setup_method_after_registration(
        self, app: Flask, call: t.Callable[[Blueprint], t.Any]
    ) -> None:
        bp = Blueprint("bp", __name__)
        app.register_blueprint(bp)
        with pytest.raises(
            AssertionError, match="can no longer be called on the blueprint 'bp'"
        ):
            call(bp)

    def test_message_names_the_method(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)
        app.register_blueprint(bp)
        with pytest.raises(AssertionError, match="The setup method 'before_request'"):
            bp.before_request(endpoint_view)

    def test_nested_child_is_finished_with_its_parent(self, app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        with pytest.raises(AssertionError, match="blueprint 'child'"):
            child.route("/late")

    def test_register_blueprint_after_first_request(
        self, app: Flask, client: FlaskClient
    ) -> None:
        app.route("/")(endpoint_view)
        client.get("/")
        with pytest.raises(AssertionError, match="'register_blueprint'"):
            app.register_blueprint(Blueprint("bp", __name__))


# -- blueprint-scoped hooks -----------------------------------------------


class TestScopedHooks:
    def test_request_hooks_only_for_blueprint_requests(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        calls: list[str] = []

        @bp.before_request
        def before() -> None:
            calls.append("before")

        @bp.after_request
        def after(response: t.Any) -> t.Any:
            calls.append("after")
            response.headers["X-BP"] = "yes"
            return response

        @bp.teardown_request
        def teardown(exc: BaseException | None) -> None:
            calls.append(f"teardown {exc!r}")

        bp.route("/")(endpoint_view)
        app.route("/")(endpoint_view)
        app.register_blueprint(bp)

        rv = client.get("/")
        assert rv.data == b"endpoint_view"
        assert "X-BP" not in rv.headers
        assert calls == []
        rv = client.get("/bp/")
        assert rv.headers["X-BP"] == "yes"
        assert calls == ["before", "after", "teardown None"]
        calls.clear()
        # An unknown URL under the prefix belongs to no blueprint.
        assert client.get("/bp/nope").status_code == 404
        assert calls == []

    def test_before_request_return_short_circuits(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.before_request
        def stop() -> str:
            return "stopped"

        @bp.route("/")
        def index() -> str:
            raise AssertionError("the view must not run")

        app.register_blueprint(bp)
        assert client.get("/").data == b"stopped"

    def test_url_processors(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("frontend", __name__, url_prefix="/<lang_code>")

        @bp.url_defaults
        def add_language_code(endpoint: str, values: dict[str, t.Any]) -> None:
            values.setdefault("lang_code", g.lang_code)

        @bp.url_value_preprocessor
        def pull_lang_code(
            endpoint: str | None, values: dict[str, t.Any] | None
        ) -> None:
            assert values is not None
            g.lang_code = values.pop("lang_code")

        @bp.route("/")
        def index() -> str:
            return url_for(".about")

        @bp.route("/about")
        def about() -> str:
            return url_for(".index")

        @app.route("/<lang_code>/app")
        def app_view(lang_code: str) -> str:
            # Blueprint preprocessors do not run here, so the value stays.
            return f"{lang_code} {'lang_code' in g}"

        app.register_blueprint(bp)
        assert client.get("/de/").data == b"/de/about"
        assert client.get("/de/about").data == b"/de/"
        assert client.get("/fr/app").data == b"fr False"

    def test_url_defaults_only_for_blueprint_endpoints(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)
        calls: list[str] = []

        @bp.url_defaults
        def defaults(endpoint: str, values: dict[str, t.Any]) -> None:
            calls.append(endpoint)

        bp.route("/")(endpoint_view)
        app.route("/app")(endpoint_view)
        app.register_blueprint(bp)
        with app.test_request_context():
            url_for("endpoint_view")
            assert calls == []
            url_for("bp.endpoint_view")
            assert calls == ["bp.endpoint_view"]

    def test_nested_callback_order(self, app: Flask, client: FlaskClient) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        log: list[str] = []

        def hooks(scope: t.Any, name: str) -> None:
            for i in (1, 2):

                def pre(endpoint: str | None, values: t.Any, i: int = i) -> None:
                    log.append(f"{name} preprocess {i}")

                def before(i: int = i) -> None:
                    log.append(f"{name} before {i}")

                def after(response: t.Any, i: int = i) -> t.Any:
                    log.append(f"{name} after {i}")
                    return response

                def teardown(exc: t.Any, i: int = i) -> None:
                    log.append(f"{name} teardown {i}")

                scope.url_value_preprocessor(pre)
                scope.before_request(before)
                scope.after_request(after)
                scope.teardown_request(teardown)

        hooks(app, "app")
        hooks(parent, "parent")
        hooks(child, "child")

        @child.route("/")
        def index() -> str:
            log.append("view")
            return "ok"

        parent.register_blueprint(child, url_prefix="/child")
        app.register_blueprint(parent, url_prefix="/parent")
        assert client.get("/parent/child/").data == b"ok"
        assert log == [
            "app preprocess 1",
            "app preprocess 2",
            "parent preprocess 1",
            "parent preprocess 2",
            "child preprocess 1",
            "child preprocess 2",
            "app before 1",
            "app before 2",
            "parent before 1",
            "parent before 2",
            "child before 1",
            "child before 2",
            "view",
            "child after 2",
            "child after 1",
            "parent after 2",
            "parent after 1",
            "app after 2",
            "app after 1",
            "child teardown 2",
            "child teardown 1",
            "parent teardown 2",
            "parent teardown 1",
            "app teardown 2",
            "app teardown 1",
        ]

    def test_nested_hooks_share_g_with_teardown(
        self, app: Flask, client: FlaskClient
    ) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)

        def add(scope: t.Any, label: str) -> None:
            def before() -> None:
                g.setdefault("seen", []).append(label)

            def teardown(exc: BaseException | None) -> None:
                # Teardowns run in reverse, so each finds its own entry last.
                assert g.seen.pop() == label

            scope.before_request(before)
            scope.teardown_request(teardown)

        for scope, name in ((app, "app"), (parent, "parent"), (child, "child")):
            add(scope, f"{name}_1")
            add(scope, f"{name}_2")

        @child.route("/a")
        def a() -> str:
            return ", ".join(g.seen)

        parent.register_blueprint(child)
        app.register_blueprint(parent)
        assert (
            client.get("/a").data
            == b"app_1, app_2, parent_1, parent_2, child_1, child_2"
        )

    def test_after_request_can_change_the_response(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.after_request
        def after(response: t.Any) -> t.Any:
            response.data += b"|after"
            return response

        @bp.route("/bp")
        def view() -> str:
            return "request"

        app.register_blueprint(bp)
        assert client.get("/bp").data == b"request|after"

    def test_inject_url_defaults(self, app: Flask) -> None:
        bp = Blueprint("foo", __name__)

        @bp.url_defaults
        def bp_defaults(endpoint: str, values: dict[str, t.Any]) -> None:
            values["page"] = "login"

        @bp.route("/<page>")
        def view(page: str) -> str:
            return page

        app.register_blueprint(bp)
        values: dict[str, t.Any] = {}
        app.inject_url_defaults("foo.view", values)
        assert values == {"page": "login"}
        other: dict[str, t.Any] = {}
        app.inject_url_defaults("view", other)
        assert other == {}
        with app.test_request_context("/somepage"):
            assert url_for("foo.view") == "/login"

    def test_nested_url_defaults_order(self, app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        order: list[str] = []
        app.url_defaults(lambda e, v: order.append("app"))
        parent.url_defaults(lambda e, v: order.append("parent"))
        child.url_defaults(lambda e, v: order.append("child"))
        child.route("/")(endpoint_view)
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        with app.test_request_context():
            assert url_for("parent.child.endpoint_view") == "/"
        assert order == ["app", "parent", "child"]

    def test_parent_hooks_skip_for_parent_only_request(
        self, app: Flask, client: FlaskClient
    ) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        log: list[str] = []

        @parent.before_request
        def parent_before() -> None:
            log.append("parent")

        @child.before_request
        def child_before() -> None:
            log.append("child")

        parent.route("/p")(endpoint_view)
        child.route("/c")(endpoint_view)
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        assert client.get("/p").data == b"parent.endpoint_view"
        assert log == ["parent"]
        log.clear()
        assert client.get("/c").data == b"parent.child.endpoint_view"
        assert log == ["parent", "child"]

    def test_teardown_receives_the_error(self, app: Flask) -> None:
        app.config["PROPAGATE_EXCEPTIONS"] = False
        bp = Blueprint("bp", __name__)
        seen: list[t.Any] = []

        @bp.teardown_request
        def teardown(exc: BaseException | None) -> None:
            seen.append(exc)

        @bp.route("/")
        def boom() -> str:
            raise KeyError("boom")

        app.register_blueprint(bp)
        app.logger.disabled = True
        assert app.test_client().get("/").status_code == 500
        assert len(seen) == 1 and isinstance(seen[0], KeyError)

    def test_context_processors_registered_by_scope(self, app: Flask) -> None:
        bp = Blueprint("bp", __name__)

        @bp.context_processor
        def local() -> dict[str, t.Any]:
            return {"answer": 42}

        @bp.app_context_processor
        def everywhere() -> dict[str, t.Any]:
            return {"notanswer": 43}

        app.register_blueprint(bp)
        app.register_blueprint(bp, name="alt")
        assert local in app.template_context_processors["bp"]
        assert local in app.template_context_processors["alt"]
        assert local not in app.template_context_processors[None]
        assert everywhere not in app.template_context_processors["bp"]
        assert app.template_context_processors[None].count(everywhere) == 1

    def test_hooks_registered_in_the_blueprint_registries(self) -> None:
        bp = Blueprint("bp", __name__)
        bp.before_request(endpoint_view)
        bp.after_request(endpoint_view)
        bp.teardown_request(endpoint_view)
        bp.url_defaults(endpoint_view)
        bp.url_value_preprocessor(endpoint_view)
        assert bp.before_request_funcs[None] == [endpoint_view]
        assert bp.after_request_funcs[None] == [endpoint_view]
        assert bp.teardown_request_funcs[None] == [endpoint_view]
        assert bp.url_default_functions[None] == [endpoint_view]
        assert bp.url_value_preprocessors[None] == [endpoint_view]


# -- app-wide hooks from a blueprint -----------------------------------------


class TestAppHooks:
    def test_app_request_hooks(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__)
        log: list[str] = []

        @bp.before_app_request
        def before() -> None:
            log.append(f"before {request.endpoint}")

        @bp.after_app_request
        def after(response: t.Any) -> t.Any:
            log.append("after")
            return response

        @bp.teardown_app_request
        def teardown(exc: BaseException | None) -> None:
            log.append("teardown")

        app.route("/")(endpoint_view)
        app.register_blueprint(bp)
        # Registering twice must not run the app-wide hooks twice.
        app.register_blueprint(bp, name="again")
        assert client.get("/").data == b"endpoint_view"
        assert log == ["before endpoint_view", "after", "teardown"]
        log.clear()
        assert client.get("/missing").status_code == 404
        assert log == ["before None", "after", "teardown"]

    def test_app_hooks_return_the_function(self) -> None:
        bp = Blueprint("bp", __name__)
        for method in (
            bp.before_app_request,
            bp.after_app_request,
            bp.teardown_app_request,
            bp.app_url_value_preprocessor,
            bp.app_url_defaults,
            bp.app_context_processor,
        ):
            assert method(endpoint_view) is endpoint_view
        assert bp.app_errorhandler(404)(endpoint_view) is endpoint_view

    def test_app_hooks_ordered_with_app_own(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)
        log: list[str] = []
        app.before_request(lambda: log.append("app"))
        bp.before_app_request(lambda: log.append("bp-app"))
        bp.before_request(lambda: log.append("bp"))
        bp.route("/")(endpoint_view)
        app.register_blueprint(bp)
        client.get("/")
        assert log == ["app", "bp-app", "bp"]

    def test_app_url_processors(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("test", __name__)

        @bp.app_url_defaults
        def add_language_code(endpoint: str, values: dict[str, t.Any]) -> None:
            values.setdefault("lang_code", g.lang_code)

        @bp.app_url_value_preprocessor
        def pull_lang_code(
            endpoint: str | None, values: dict[str, t.Any] | None
        ) -> None:
            assert values is not None
            g.lang_code = values.pop("lang_code")

        @app.route("/<lang_code>/")
        def index() -> str:
            return url_for("about")

        @app.route("/<lang_code>/about")
        def about() -> str:
            return url_for("index")

        app.register_blueprint(bp)
        assert client.get("/de/").data == b"/de/about"
        assert client.get("/de/about").data == b"/de/"

    def test_app_errorhandler(self, app: Flask, client: FlaskClient) -> None:
        errors = Blueprint("errors", __name__)

        @errors.app_errorhandler(403)
        def forbidden(e: Exception) -> tuple[str, int]:
            return "you shall not pass", 403

        @errors.app_errorhandler(NotFound)
        def not_found(e: Exception) -> tuple[str, int]:
            return f"not found ({request.blueprint})", 404

        @app.route("/forbidden")
        def app_forbidden() -> str:
            abort(403)

        forbidden_bp = Blueprint("forbidden_bp", __name__)

        @forbidden_bp.route("/nope-bp")
        def bp_forbidden() -> str:
            abort(403)

        app.register_blueprint(errors)
        app.register_blueprint(errors, name="again")
        app.register_blueprint(forbidden_bp)
        assert client.get("/forbidden").data == b"you shall not pass"
        assert client.get("/nope-bp").data == b"you shall not pass"
        assert client.get("/forbidden").status_code == 403
        rv = client.get("/nope")
        assert rv.status_code == 404
        assert rv.data == b"not found (None)"
        assert app.error_handler_spec[None][403][type(abort_exc(403))] is forbidden


def abort_exc(code: int) -> HTTPException:
    """The exception ``abort(code)`` raises."""
    try:
        abort(code)
    except HTTPException as e:
        return e
    raise AssertionError("abort did not raise")


# -- error handlers ------------------------------------------------------------


class MyError(Exception):
    pass


class MySubError(MyError):
    pass


class TestErrorHandlers:
    def test_blueprint_specific_http_errors(
        self, app: Flask, client: FlaskClient
    ) -> None:
        frontend = Blueprint("frontend", __name__)
        backend = Blueprint("backend", __name__)
        sideend = Blueprint("sideend", __name__)

        @frontend.errorhandler(403)
        def frontend_forbidden(e: Exception) -> tuple[str, int]:
            return "frontend says no", 403

        @frontend.route("/frontend-no")
        def frontend_no() -> str:
            abort(403)

        @backend.errorhandler(403)
        def backend_forbidden(e: Exception) -> tuple[str, int]:
            return "backend says no", 403

        @backend.route("/backend-no")
        def backend_no() -> str:
            abort(403)

        @sideend.route("/what-is-a-sideend")
        def sideend_no() -> str:
            abort(403)

        @app.errorhandler(403)
        def app_forbidden(e: Exception) -> tuple[str, int]:
            return "application itself says no", 403

        app.register_blueprint(frontend)
        app.register_blueprint(backend)
        app.register_blueprint(sideend)
        assert client.get("/frontend-no").data == b"frontend says no"
        assert client.get("/backend-no").data == b"backend says no"
        assert client.get("/what-is-a-sideend").data == b"application itself says no"

    def test_blueprint_specific_exceptions(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(MyError)
        def bp_handler(e: Exception) -> str:
            return f"bp {type(e).__name__}"

        @app.errorhandler(MyError)
        def app_handler(e: Exception) -> str:
            return f"app {type(e).__name__}"

        @bp.route("/error")
        def bp_error() -> str:
            raise MyError()

        @bp.route("/sub")
        def bp_sub() -> str:
            raise MySubError()

        @app.route("/error")
        def app_error() -> str:
            raise MySubError()

        app.register_blueprint(bp, url_prefix="/bp")
        assert client.get("/bp/error").data == b"bp MyError"
        assert client.get("/bp/sub").data == b"bp MySubError"
        assert client.get("/error").data == b"app MySubError"

    def test_register_error_handler(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("bp", __name__)
        bp.register_error_handler(MyError, lambda e: ("registered", 418))

        @bp.route("/")
        def index() -> str:
            raise MyError()

        app.register_blueprint(bp)
        rv = client.get("/")
        assert rv.status_code == 418
        assert rv.data == b"registered"

    def test_unhandled_blueprint_error_propagates(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(MyError)
        def handler(e: Exception) -> str:
            return "handled"

        @app.route("/")
        def index() -> str:
            raise MyError()

        app.register_blueprint(bp)
        with pytest.raises(MyError):
            client.get("/")

    def test_unknown_url_under_prefix_goes_to_app_handler(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__, url_prefix="/bp")

        @bp.errorhandler(404)
        def bp_404(e: Exception) -> tuple[str, int]:
            return "bp 404", 404

        @bp.route("/missing")
        def missing() -> str:
            abort(404)

        @app.errorhandler(404)
        def app_404(e: Exception) -> tuple[str, int]:
            return f"app 404 blueprint={request.blueprint}", 404

        app.register_blueprint(bp)
        assert client.get("/bp/missing").data == b"bp 404"
        rv = client.get("/bp/unknown")
        assert rv.status_code == 404
        assert rv.data == b"app 404 blueprint=None"

    def test_405_under_blueprint_goes_to_app_handler(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(405)
        def bp_405(e: Exception) -> tuple[str, int]:
            return "bp 405", 405

        bp.route("/only-get")(endpoint_view)
        app.register_blueprint(bp)
        rv = client.post("/only-get")
        assert rv.status_code == 405
        assert rv.data != b"bp 405"

    def test_code_handler_before_class_handler(
        self, app: Flask, client: FlaskClient
    ) -> None:
        # Status-code handlers are searched (blueprint, then app) before
        # handlers registered for exception classes.
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(HTTPException)
        def bp_http(e: Exception) -> tuple[str, int]:
            return "bp http", 500

        @app.errorhandler(404)
        def app_404(e: Exception) -> tuple[str, int]:
            return "app 404", 404

        @bp.route("/x")
        def x() -> str:
            abort(404)

        @bp.route("/y")
        def y() -> str:
            abort(403)

        app.register_blueprint(bp)
        assert client.get("/x").data == b"app 404"
        assert client.get("/y").data == b"bp http"

    def test_http_exception_class_handlers(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(HTTPException)
        def bp_default(e: Exception) -> str:
            assert isinstance(e, NotFound)
            return "bp-default"

        @bp.errorhandler(Forbidden)
        def bp_forbidden(e: Exception) -> str:
            assert isinstance(e, Forbidden)
            return "bp-forbidden"

        @bp.route("/undefined")
        def bp_undefined() -> str:
            raise NotFound()

        @bp.route("/forbidden")
        def bp_forbidden_view() -> str:
            raise Forbidden()

        @app.errorhandler(HTTPException)
        def app_default(e: Exception) -> str:
            assert isinstance(e, NotFound)
            return "default"

        @app.errorhandler(Forbidden)
        def app_forbidden(e: Exception) -> str:
            return "forbidden"

        @app.route("/forbidden")
        def forbidden() -> str:
            raise Forbidden()

        @app.route("/slash/")
        def slash() -> str:
            return "slash"

        app.register_blueprint(bp, url_prefix="/bp")
        assert client.get("/bp/undefined").data == b"bp-default"
        assert client.get("/bp/forbidden").data == b"bp-forbidden"
        assert client.get("/undefined").data == b"default"
        assert client.get("/forbidden").data == b"forbidden"
        # The redirect that adds a trailing slash is not an error to handle.
        assert client.get("/slash", follow_redirects=True).data == b"slash"

    def test_raised_internal_server_error(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(500)
        def bp_handler(e: Exception) -> str:
            return "bp-error"

        @bp.route("/error")
        def bp_view() -> str:
            raise InternalServerError()

        @app.errorhandler(500)
        def app_handler(e: Exception) -> str:
            return "app-error"

        @app.route("/error")
        def app_view() -> str:
            raise InternalServerError()

        app.register_blueprint(bp, url_prefix="/bp")
        assert client.get("/error").data == b"app-error"
        assert client.get("/bp/error").data == b"bp-error"

    def test_nested_error_handlers(self, app: Flask, client: FlaskClient) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        grandchild = Blueprint("grandchild", __name__)

        @parent.errorhandler(403)
        def forbidden(e: Exception) -> tuple[str, int]:
            return "Parent no", 403

        @parent.route("/")
        def parent_index() -> str:
            return "Parent yes"

        @parent.route("/no")
        def parent_no() -> str:
            abort(403)

        @child.route("/no")
        def child_no() -> str:
            abort(403)

        @grandchild.errorhandler(403)
        def grandchild_forbidden(e: Exception) -> tuple[str, int]:
            return "Grandchild no", 403

        @grandchild.route("/no")
        def grandchild_no() -> str:
            abort(403)

        child.register_blueprint(grandchild, url_prefix="/grandchild")
        parent.register_blueprint(child, url_prefix="/child")
        app.register_blueprint(parent, url_prefix="/parent")

        assert client.get("/parent/").data == b"Parent yes"
        assert client.get("/parent/no").data == b"Parent no"
        assert client.get("/parent/child/no").data == b"Parent no"
        assert client.get("/parent/child/grandchild/no").data == b"Grandchild no"

    def test_handler_for_500_in_blueprint(
        self, app: Flask, client: FlaskClient
    ) -> None:
        app.config["PROPAGATE_EXCEPTIONS"] = False
        app.logger.disabled = True
        bp = Blueprint("bp", __name__)

        @bp.errorhandler(500)
        def server_error(e: Exception) -> tuple[str, int]:
            original = getattr(e, "original_exception", None)
            return f"bp 500 {type(original).__name__}", 500

        @bp.route("/")
        def boom() -> str:
            raise ZeroDivisionError()

        @app.route("/app")
        def app_boom() -> str:
            raise ZeroDivisionError()

        app.register_blueprint(bp, url_prefix="/bp")
        assert client.get("/bp/").data == b"bp 500 ZeroDivisionError"
        rv = client.get("/app")
        assert rv.status_code == 500
        assert b"bp 500" not in rv.data


# -- class-based views ----------------------------------------------------


class TestClassBasedViews:
    def test_view(self, app: Flask, client: FlaskClient) -> None:
        class Hello(View):
            methods = ["GET", "POST"]

            def dispatch_request(self, name: str) -> str:
                return f"{request.method} {name} {request.endpoint}"

        bp = Blueprint("bp", __name__, url_prefix="/bp")
        bp.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
        app.register_blueprint(bp)
        assert client.get("/bp/hello/ann").data == b"GET ann bp.hello"
        assert client.post("/bp/hello/bob").data == b"POST bob bp.hello"
        assert client.put("/bp/hello/bob").status_code == 405
        with app.test_request_context():
            assert url_for("bp.hello", name="x") == "/bp/hello/x"

    def test_method_view(self, app: Flask, client: FlaskClient) -> None:
        class Items(MethodView):
            def get(self) -> str:
                return f"list {request.blueprint}"

            def post(self) -> tuple[str, int]:
                return "created", 201

        bp = Blueprint("api", __name__)
        bp.add_url_rule("/items", view_func=Items.as_view("items"))
        app.register_blueprint(bp, url_prefix="/v1")
        app.register_blueprint(bp, url_prefix="/v2", name="api2")
        assert client.get("/v1/items").data == b"list api"
        assert client.get("/v2/items").data == b"list api2"
        rv = client.post("/v1/items")
        assert (rv.status_code, rv.data) == (201, b"created")
        assert client.delete("/v1/items").status_code == 405
        assert sorted(client.options("/v1/items").allow) == [
            "GET",
            "HEAD",
            "OPTIONS",
            "POST",
        ]

    def test_dotted_view_name_rejected(self) -> None:
        class Hello(View):
            def dispatch_request(self) -> str:
                return ""

        bp = Blueprint("bp", __name__)
        with pytest.raises(ValueError, match="may not contain a dot"):
            bp.add_url_rule("/", view_func=Hello.as_view("a.b"))
