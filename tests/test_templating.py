"""Tests for minflask.templating: rendering and streaming, autoescaping, the
template context and its processors, filters/tests/globals, the loader across
app and blueprint folders, auto-reload, load explanations and signals."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import typing as t

import pytest
import werkzeug.serving
from jinja2 import (
    DictLoader,
    FileSystemLoader,
    Template,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
)
from jinja2 import Environment as JinjaEnvironment
from markupsafe import Markup

from minflask import (
    Blueprint,
    Flask,
    before_render_template,
    flash,
    g,
    get_template_attribute,
    render_template,
    render_template_string,
    session,
    stream_template,
    stream_template_string,
    template_rendered,
)
from minflask.templating import Environment
from minflask.testing import FlaskClient
from minflask.wrappers import Request

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
APP_TEMPLATES = os.path.join(TESTS_DIR, "templates")
BP_ROOT = os.path.join(TESTS_DIR, "template_bp")
BP2_ROOT = os.path.join(TESTS_DIR, "template_bp2")


def make_bp(name: str = "tbp", root: str = BP_ROOT) -> Blueprint:
    """A blueprint whose template folder is ``<root>/templates``."""
    return Blueprint(name, __name__, root_path=root, template_folder="templates")


def reverse(value: str) -> str:
    return value[::-1]


def is_odd(value: int) -> bool:
    return value % 2 == 1


def answer() -> int:
    return 42


class TestRenderTemplate:
    def test_renders_file_from_app_folder(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> str:
            return render_template("hello.html", name="World")

        rv = client.get("/")
        assert rv.status_code == 200
        assert rv.data == b"Hello World!"
        assert rv.mimetype == "text/html"

    def test_returns_plain_str(self, app_ctx: t.Any) -> None:
        rv = render_template("hello.html", name="x")
        assert type(rv) is str
        assert rv == "Hello x!"

    def test_name_in_subfolder(self, app_ctx: t.Any) -> None:
        assert render_template("nested/deep.html", name="x") == "deep x"

    def test_list_renders_first_existing(self, app: Flask, client: FlaskClient) -> None:
        @app.context_processor
        def whiskey() -> dict[str, t.Any]:
            return {"user": "Jameson"}

        @app.route("/")
        def index() -> str:
            names: list[str | Template] = [
                "missing.xml",
                "processors.html",
                "hello.html",
            ]
            return render_template(names, scoped=23)

        assert client.get("/").data == b"Jameson|23|-"

    def test_tuple_of_names(self, app_ctx: t.Any) -> None:
        names = ("missing.html", "hello.html")
        rv = render_template(names, name="t")  # type: ignore[arg-type]
        assert rv == "Hello t!"

    def test_template_object_is_rendered_with_context(self, app: Flask) -> None:
        with app.app_context():
            template = app.jinja_env.from_string("{{ a }}-{{ config.TESTING }}")
            assert render_template(template, a=1) == "1-True"

    def test_missing_template(self, app_ctx: t.Any) -> None:
        with pytest.raises(TemplateNotFound) as exc_info:
            render_template("missing.html")
        assert exc_info.value.name == "missing.html"
        assert "missing.html" in str(exc_info.value)

    def test_none_of_the_list_found(self, app_ctx: t.Any) -> None:
        with pytest.raises(TemplatesNotFound) as exc_info:
            render_template(["a_missing.html", "b_missing.html"])
        exc = exc_info.value
        assert isinstance(exc, TemplateNotFound)
        assert exc.templates == ["a_missing.html", "b_missing.html"]
        assert exc.name == "b_missing.html"
        assert "a_missing.html" in str(exc)
        assert "b_missing.html" in str(exc)

    def test_empty_list(self, app_ctx: t.Any) -> None:
        with pytest.raises(TemplatesNotFound) as exc_info:
            render_template([])
        assert exc_info.value.templates == []
        assert exc_info.value.name is None

    def test_missing_template_propagates_when_testing(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> str:
            return render_template("missing.html")

        with pytest.raises(TemplateNotFound):
            client.get("/")

    def test_missing_template_is_500_when_not_testing(
        self, app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        app.testing = False

        @app.route("/")
        def index() -> str:
            return render_template("missing.html")

        caplog.set_level(logging.CRITICAL + 1)
        assert client.get("/").status_code == 500

    def test_no_template_folder(self) -> None:
        app = Flask("notemplates", root_path=TESTS_DIR, template_folder=None)
        assert app.jinja_loader is None
        with app.app_context(), pytest.raises(TemplateNotFound):
            render_template("hello.html")

    def test_custom_template_folder(self) -> None:
        folder = os.path.join("template_bp2", "templates")
        app = Flask("custom", root_path=TESTS_DIR, template_folder=folder)
        with app.app_context():
            assert render_template("bp2_only.html") == "from bp2"
            with pytest.raises(TemplateNotFound):
                render_template("hello.html")

    def test_app_jinja_loader(self, app: Flask) -> None:
        loader = app.jinja_loader
        assert isinstance(loader, FileSystemLoader)
        assert loader.searchpath == [APP_TEMPLATES]


def test_public_import_paths() -> None:
    from minflask import helpers, templating

    assert templating.render_template is render_template
    assert templating.render_template_string is render_template_string
    assert templating.stream_template is stream_template
    assert templating.stream_template_string is stream_template_string
    assert helpers.get_template_attribute is get_template_attribute


class TestRenderTemplateString:
    def test_renders_source_with_context(self, app_ctx: t.Any) -> None:
        rv = render_template_string("{{ a }}+{{ b }}={{ a + b }}", a=1, b=2)
        assert type(rv) is str
        assert rv == "1+2=3"

    def test_autoescapes(self, app_ctx: t.Any) -> None:
        assert render_template_string("{{ foo }}", foo="<test>") == "&lt;test&gt;"

    def test_markup_and_safe_pass_through(self, app_ctx: t.Any) -> None:
        source = "{{ marked }}|{{ raw|safe }}|{% autoescape false %}{{ raw }}{% endautoescape %}"
        rv = render_template_string(source, marked=Markup("<b>"), raw="<i>")
        assert rv == "<b>|<i>|<i>"

    def test_can_extend_file_templates(self, app_ctx: t.Any) -> None:
        source = '{% extends "base.html" %}{% block body %}{{ x }}{% endblock %}'
        rv = render_template_string(source, x="<i>")
        assert rv == "<title>Base</title><main>&lt;i&gt;</main>"

    def test_syntax_error(self, app_ctx: t.Any) -> None:
        with pytest.raises(TemplateSyntaxError):
            render_template_string("{% if %}")


class TestAutoescape:
    @pytest.mark.parametrize("ext", ["html", "htm", "xml", "xhtml", "svg"])
    def test_on_for_markup_extensions(self, app_ctx: t.Any, ext: str) -> None:
        assert render_template(f"escape.{ext}", text="<p>&") == "&lt;p&gt;&amp;"

    def test_off_for_txt(self, app_ctx: t.Any) -> None:
        assert render_template("escape.txt", text="<p>&") == "<p>&"

    def test_html_template_escaping(self, app: Flask, client: FlaskClient) -> None:
        text = "<p>Hello World!"

        @app.route("/")
        def index() -> str:
            return render_template("escaping.html", text=text, html=Markup(text))

        assert client.get("/").data.splitlines() == [
            b"&lt;p&gt;Hello World!",
            b"<p>Hello World!",
            b"<p>Hello World!",
            b"<p>Hello World!",
            b"&lt;p&gt;Hello World!",
            b"<p>Hello World!",
        ]

    def test_txt_template_no_escaping(self, app: Flask, client: FlaskClient) -> None:
        text = "<p>Hello World!"

        @app.route("/")
        def index() -> str:
            return render_template("escaping.txt", text=text, html=Markup(text))

        assert client.get("/").data.splitlines() == [
            b"<p>Hello World!",
            b"<p>Hello World!",
            b"<p>Hello World!",
            b"<p>Hello World!",
            b"&lt;p&gt;Hello World!",
            b"<p>Hello World!",
        ]

    @pytest.mark.parametrize(
        ("filename", "expected"),
        [
            (None, True),
            ("a.html", True),
            ("a.htm", True),
            ("a.xml", True),
            ("a.xhtml", True),
            ("dir/a.svg", True),
            ("a.txt", False),
            ("a.js", False),
            ("a.jinja", False),
            ("html", False),
        ],
    )
    def test_select_jinja_autoescape(
        self, app: Flask, filename: str | None, expected: bool
    ) -> None:
        assert app.select_jinja_autoescape(filename) is expected

    def test_select_jinja_autoescape_override(self) -> None:
        class TextEscapingFlask(Flask):
            def select_jinja_autoescape(self, filename: str | None) -> bool:
                return filename is not None and filename.endswith(".txt")

        app = TextEscapingFlask("textescape", root_path=TESTS_DIR)
        with app.app_context():
            assert render_template("escape.txt", text="<p>") == "&lt;p&gt;"
            assert render_template("escape.html", text="<p>") == "<p>"
            assert render_template_string("{{ text }}", text="<p>") == "<p>"

    def test_jinja_options_autoescape_wins(self) -> None:
        class NoEscapeFlask(Flask):
            jinja_options = {"autoescape": False}

        app = NoEscapeFlask("noescape", root_path=TESTS_DIR)
        with app.app_context():
            assert render_template("escape.html", text="<p>") == "<p>"
            assert render_template_string("{{ text }}", text="<p>") == "<p>"


class TestTemplateContext:
    def test_standard_context(self, app: Flask, client: FlaskClient) -> None:
        @app.route("/")
        def index() -> str:
            g.value = "gv"
            session["user"] = "ann"
            return render_template("context.html")

        assert client.get("/?q=query").data == b"test key|/|query|ann|gv|/"

    def test_globals_on_the_environment(self, app: Flask) -> None:
        env_globals = app.jinja_env.globals
        for name in (
            "url_for",
            "get_flashed_messages",
            "config",
            "request",
            "session",
            "g",
        ):
            assert name in env_globals
        assert env_globals["config"] is app.config

    def test_url_for_in_template(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("shop", __name__)

        @bp.route("/item/<int:id>")
        def item(id: int) -> str:
            source = (
                "{{ url_for('.item', id=2) }}|{{ url_for('static', filename='a.css') }}"
                "|{{ url_for('shop.item', id=3, _external=True) }}"
            )
            return render_template_string(source)

        app.register_blueprint(bp, url_prefix="/shop")
        assert client.get("/shop/item/1").data == (
            b"/shop/item/2|/static/a.css|http://localhost/shop/item/3"
        )

    def test_get_flashed_messages_in_template(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/add")
        def add() -> str:
            flash("saved")
            flash("<oops>", "error")
            return "added"

        @app.route("/show")
        def show() -> str:
            return render_template("flashes.html")

        client.get("/add")
        assert client.get("/show").data == b"message:saved;error:&lt;oops&gt;;"
        assert client.get("/show").data == b""

    def test_request_less_rendering(self, app: Flask) -> None:
        app.config["WORLD_NAME"] = "Special World"

        @app.context_processor
        def foo() -> dict[str, t.Any]:
            return {"foo": 42}

        with app.app_context():
            g.value = "gv"
            rv = render_template_string(
                "Hello {{ foo }} {{ config.WORLD_NAME }} {{ g.value }}"
            )
        assert rv == "Hello 42 Special World gv"

    def test_request_and_session_falsy_without_request(self, app_ctx: t.Any) -> None:
        source = "{% if request %}req{% else %}-{% endif %}|{% if session %}s{% else %}-{% endif %}"
        assert render_template_string(source) == "-|-"

    @pytest.mark.parametrize(
        "call",
        [
            lambda: render_template("hello.html"),
            lambda: render_template_string("x"),
            lambda: stream_template("hello.html"),
            lambda: stream_template_string("x"),
            lambda: get_template_attribute("macros.html", "greet"),
        ],
    )
    def test_outside_app_context(self, call: t.Callable[[], t.Any]) -> None:
        with pytest.raises(RuntimeError, match="application context"):
            call()

    def test_update_template_context_in_request(self, app: Flask) -> None:
        @app.context_processor
        def values() -> dict[str, t.Any]:
            return {"a": "processor", "b": "processor"}

        with app.test_request_context("/path"):
            context: dict[str, t.Any] = {"a": "explicit"}
            app.update_template_context(context)
            assert context["a"] == "explicit"
            assert context["b"] == "processor"
            assert "g" in context
            assert context["request"].path == "/path"

    def test_update_template_context_without_request(self, app: Flask) -> None:
        with app.app_context():
            context: dict[str, t.Any] = {}
            app.update_template_context(context)
            assert "g" in context
            assert "request" not in context


class TestContextProcessors:
    def test_app_processor(self, app: Flask, client: FlaskClient) -> None:
        @app.context_processor
        def inject_user() -> dict[str, t.Any]:
            return {"user": "ann"}

        @app.route("/")
        def index() -> str:
            return render_template("processors.html")

        assert client.get("/").data == b"ann|-|-"

    def test_decorator_returns_function(self, app: Flask) -> None:
        def inject() -> dict[str, t.Any]:
            return {}

        assert app.context_processor(inject) is inject

    def test_later_processor_wins(self, app: Flask) -> None:
        app.context_processor(lambda: {"user": "first", "scoped": "first"})
        app.context_processor(lambda: {"user": "second"})
        with app.app_context():
            assert render_template("processors.html") == "second|first|-"

    def test_explicit_kwargs_win(self, app: Flask, client: FlaskClient) -> None:
        @app.context_processor
        def inject() -> dict[str, t.Any]:
            return {"user": "processor", "scoped": "processor"}

        @app.route("/")
        def index() -> str:
            return render_template("processors.html", user="explicit")

        assert client.get("/").data == b"explicit|processor|-"

    def test_explicit_kwargs_shadow_globals(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> str:
            return render_template_string("{{ config }}|{{ g }}", config=42, g="mine")

        @app.route("/stream")
        def stream() -> t.Any:
            return stream_template_string("{{ config }}", config=42)

        assert client.get("/").data == b"42|mine"
        assert client.get("/stream").data == b"42"

    def test_processor_runs_on_every_render(self, app: Flask) -> None:
        calls: list[int] = []

        @app.context_processor
        def count() -> dict[str, t.Any]:
            calls.append(1)
            return {"user": len(calls)}

        with app.app_context():
            assert render_template("processors.html") == "1|-|-"
            assert render_template_string("{{ user }}") == "2"

    def test_blueprint_processor_only_for_its_requests(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("scopedbp", __name__)

        @bp.context_processor
        def scoped() -> dict[str, t.Any]:
            return {"scoped": "bp"}

        @bp.app_context_processor
        def everywhere() -> dict[str, t.Any]:
            return {"everywhere": "all"}

        @bp.route("/in")
        def inside() -> str:
            return render_template("processors.html")

        @app.route("/out")
        def outside() -> str:
            return render_template("processors.html")

        app.register_blueprint(bp, url_prefix="/bp")
        assert client.get("/bp/in").data == b"-|bp|all"
        assert client.get("/out").data == b"-|-|all"
        with app.app_context():
            assert render_template("processors.html") == "-|-|all"

    def test_blueprint_processor_overrides_app_processor(
        self, app: Flask, client: FlaskClient
    ) -> None:
        bp = Blueprint("overbp", __name__)
        app.context_processor(lambda: {"scoped": "app", "user": "app"})
        bp.context_processor(lambda: {"scoped": "bp"})

        @bp.route("/bp")
        def inside() -> str:
            return render_template("processors.html")

        @app.route("/app")
        def outside() -> str:
            return render_template("processors.html")

        app.register_blueprint(bp)
        assert client.get("/bp").data == b"app|bp|-"
        assert client.get("/app").data == b"app|app|-"

    def test_nested_blueprint_processors(self, app: Flask, client: FlaskClient) -> None:
        parent = Blueprint("parent", __name__)
        child = Blueprint("child", __name__)
        parent.context_processor(lambda: {"user": "parent", "scoped": "parent"})
        child.context_processor(lambda: {"scoped": "child"})

        @parent.route("/")
        def parent_view() -> str:
            return render_template("processors.html")

        @child.route("/")
        def child_view() -> str:
            return render_template("processors.html")

        parent.register_blueprint(child, url_prefix="/child")
        app.register_blueprint(parent, url_prefix="/parent")
        assert client.get("/parent/child/").data == b"parent|child|-"
        assert client.get("/parent/").data == b"parent|parent|-"


class TestTemplateFilters:
    def test_decorator_uses_function_name(self, app: Flask) -> None:
        @app.template_filter()
        def my_reverse(value: str) -> str:
            return value[::-1]

        assert app.jinja_env.filters["my_reverse"] is my_reverse
        with app.app_context():
            assert render_template_string('{{ "abc"|my_reverse }}') == "cba"

    def test_decorator_with_name(self, app: Flask) -> None:
        @app.template_filter("strrev")
        def my_reverse(value: str) -> str:
            return value[::-1]

        assert app.jinja_env.filters["strrev"] is my_reverse
        assert "my_reverse" not in app.jinja_env.filters
        with app.app_context():
            assert render_template_string('{{ "abc"|strrev }}') == "cba"

    def test_add_template_filter(self, app: Flask) -> None:
        app.add_template_filter(reverse)
        app.add_template_filter(reverse, "rev")
        assert app.jinja_env.filters["reverse"] is reverse
        assert app.jinja_env.filters["rev"] is reverse
        with app.app_context():
            assert render_template_string('{{ "ab"|reverse }}{{ "cd"|rev }}') == "badc"

    def test_added_after_environment_exists(self, app: Flask) -> None:
        with app.app_context():
            assert render_template_string("x") == "x"
            app.add_template_filter(reverse, "late")
            assert render_template_string('{{ "ab"|late }}') == "ba"

    def test_filter_output_is_escaped_unless_markup(self, app: Flask) -> None:
        app.add_template_filter(lambda v: f"<{v}>", "angle")
        app.add_template_filter(lambda v: Markup(f"<{v}>"), "safe_angle")
        with app.app_context():
            assert render_template_string('{{ "a"|angle }}{{ "b"|safe_angle }}') == (
                "&lt;a&gt;<b>"
            )


class TestTemplateTests:
    def test_decorator_uses_function_name(self, app: Flask) -> None:
        @app.template_test()
        def boolish(value: object) -> bool:
            return isinstance(value, bool)

        assert app.jinja_env.tests["boolish"] is boolish
        with app.app_context():
            source = "{{ 'yes' if v is boolish else 'no' }}"
            assert render_template_string(source, v=False) == "yes"
            assert render_template_string(source, v=0) == "no"

    def test_decorator_with_name(self, app: Flask) -> None:
        @app.template_test("oddish")
        def check(value: int) -> bool:
            return value % 2 == 1

        assert app.jinja_env.tests["oddish"] is check
        assert "check" not in app.jinja_env.tests
        with app.app_context():
            assert (
                render_template_string("{{ 3 is oddish }}{{ 4 is oddish }}")
                == "TrueFalse"
            )

    def test_add_template_test(self, app: Flask) -> None:
        app.add_template_test(is_odd)
        app.add_template_test(is_odd, "uneven")
        assert app.jinja_env.tests["is_odd"] is is_odd
        with app.app_context():
            assert (
                render_template_string("{{ 3 is is_odd }}{{ 2 is uneven }}")
                == "TrueFalse"
            )


class TestTemplateGlobals:
    def test_decorator_uses_function_name(self, app: Flask) -> None:
        @app.template_global()
        def get_stuff() -> int:
            return 42

        assert app.jinja_env.globals["get_stuff"] is get_stuff
        with app.app_context():
            assert render_template_string("{{ get_stuff() }}") == "42"

    def test_decorator_with_name(self, app: Flask) -> None:
        @app.template_global("stuff")
        def get_stuff() -> int:
            return 7

        assert "get_stuff" not in app.jinja_env.globals
        with app.app_context():
            assert render_template_string("{{ stuff() }}") == "7"

    def test_add_template_global(self, app: Flask) -> None:
        app.add_template_global(answer)
        app.add_template_global(answer, "the_answer")
        assert app.jinja_env.globals["answer"] is answer
        with app.app_context():
            assert (
                render_template_string("{{ answer() }}/{{ the_answer() }}") == "42/42"
            )


class TestBlueprintTemplateHelpers:
    def make_helper_bp(self) -> Blueprint:
        bp = Blueprint("helpers", __name__)

        @bp.app_template_filter()
        def my_reverse(value: str) -> str:
            return value[::-1]

        bp.app_template_filter("strrev")(reverse)
        bp.add_app_template_filter(reverse)
        bp.add_app_template_filter(reverse, "rev")

        @bp.app_template_test()
        def boolish(value: object) -> bool:
            return isinstance(value, bool)

        bp.app_template_test("oddish")(is_odd)
        bp.add_app_template_test(is_odd)
        bp.add_app_template_test(is_odd, "uneven")

        @bp.app_template_global()
        def get_stuff() -> int:
            return 42

        bp.app_template_global("stuff")(answer)
        bp.add_app_template_global(answer)
        bp.add_app_template_global(answer, "the_answer")
        return bp

    def check_registered(self, app: Flask) -> None:
        env = app.jinja_env
        for name in ("my_reverse", "strrev", "reverse", "rev"):
            assert name in env.filters
        for name in ("boolish", "oddish", "is_odd", "uneven"):
            assert name in env.tests
        for name in ("get_stuff", "stuff", "answer", "the_answer"):
            assert name in env.globals
        assert env.filters["rev"] is reverse
        with app.app_context():
            source = (
                '{{ "ab"|my_reverse }}{{ "cd"|strrev }}{{ "ef"|rev }}'
                "|{{ true is boolish }}{{ 3 is oddish }}{{ 2 is uneven }}"
                "|{{ get_stuff() }}{{ stuff() }}{{ the_answer() }}"
            )
            assert render_template_string(source) == "badcfe|TrueTrueFalse|424242"

    def test_registered_with_the_blueprint(self, app: Flask) -> None:
        bp = self.make_helper_bp()
        app.register_blueprint(bp)
        self.check_registered(app)

    def test_registered_into_existing_environment(self, app: Flask) -> None:
        bp = self.make_helper_bp()
        assert "my_reverse" not in app.jinja_env.filters
        assert "boolish" not in app.jinja_env.tests
        assert "get_stuff" not in app.jinja_env.globals
        app.register_blueprint(bp)
        self.check_registered(app)

    def test_decorators_return_function(self) -> None:
        bp = Blueprint("ret", __name__)
        assert bp.app_template_filter()(reverse) is reverse
        assert bp.app_template_test()(is_odd) is is_odd
        assert bp.app_template_global()(answer) is answer

    def test_filter_usable_from_app_view(self, app: Flask, client: FlaskClient) -> None:
        bp = Blueprint("fbp", __name__)
        bp.add_app_template_filter(reverse, "rev")

        @app.route("/")
        def index() -> str:
            return render_template_string("{{ value|rev }}", value="olleh")

        app.register_blueprint(bp)
        assert client.get("/").data == b"hello"


class TestSetupMethods:
    @pytest.mark.parametrize(
        ("method", "call"),
        [
            ("template_filter", lambda app: app.template_filter()(reverse)),
            ("add_template_filter", lambda app: app.add_template_filter(reverse)),
            ("template_test", lambda app: app.template_test()(is_odd)),
            ("add_template_test", lambda app: app.add_template_test(is_odd)),
            ("template_global", lambda app: app.template_global()(answer)),
            ("add_template_global", lambda app: app.add_template_global(answer)),
            ("context_processor", lambda app: app.context_processor(dict)),
        ],
    )
    def test_app_methods_refused_after_first_request(
        self,
        app: Flask,
        client: FlaskClient,
        method: str,
        call: t.Callable[[Flask], t.Any],
    ) -> None:
        @app.route("/")
        def index() -> str:
            return "ok"

        client.get("/")
        with pytest.raises(AssertionError, match=f"'{method}' can no longer be called"):
            call(app)

    @pytest.mark.parametrize(
        ("method", "call"),
        [
            ("app_template_filter", lambda bp: bp.app_template_filter()(reverse)),
            ("add_app_template_filter", lambda bp: bp.add_app_template_filter(reverse)),
            ("app_template_test", lambda bp: bp.app_template_test()(is_odd)),
            ("add_app_template_test", lambda bp: bp.add_app_template_test(is_odd)),
            ("app_template_global", lambda bp: bp.app_template_global()(answer)),
            ("add_app_template_global", lambda bp: bp.add_app_template_global(answer)),
            ("app_context_processor", lambda bp: bp.app_context_processor(dict)),
            ("context_processor", lambda bp: bp.context_processor(dict)),
        ],
    )
    def test_blueprint_methods_refused_after_registration(
        self, app: Flask, method: str, call: t.Callable[[Blueprint], t.Any]
    ) -> None:
        bp = Blueprint("late", __name__)
        app.register_blueprint(bp)
        with pytest.raises(AssertionError, match=f"'{method}' can no longer be called"):
            call(bp)


class TestJinjaEnvironment:
    def test_cached_and_bound_to_app(self, app: Flask) -> None:
        env = app.jinja_env
        assert app.jinja_env is env
        assert isinstance(env, Environment)
        assert isinstance(env, JinjaEnvironment)
        assert env.app is app

    def test_default_jinja_options(self) -> None:
        assert Flask.jinja_options == {}

    def test_jinja_options_on_subclass(self) -> None:
        class BracketFlask(Flask):
            jinja_options = {
                "trim_blocks": True,
                "variable_start_string": "[[",
                "variable_end_string": "]]",
            }

        app = BracketFlask("brackets", root_path=TESTS_DIR)
        assert app.jinja_env.trim_blocks is True
        with app.app_context():
            assert render_template_string("[[ x ]]{{ x }}", x="<") == "&lt;{{ x }}"

    def test_jinja_options_on_instance(self, app: Flask) -> None:
        app.jinja_options = {"extensions": ["jinja2.ext.do"], "trim_blocks": True}
        with app.app_context():
            source = "{% set items = [] %}{% do items.append(1) %}\n{{ items }}"
            assert render_template_string(source) == "[1]"

    def test_create_jinja_environment_override(self) -> None:
        class SiteFlask(Flask):
            def create_jinja_environment(self) -> Environment:
                env = super().create_jinja_environment()
                env.globals["site"] = "custom"
                return env

        app = SiteFlask("site", root_path=TESTS_DIR)
        with app.test_request_context("/x"):
            source = "{{ site }}|{{ request.path }}|{{ config.DEBUG }}"
            assert render_template_string(source) == "custom|/x|False"

    def test_jinja_environment_subclass(self) -> None:
        class CustomEnvironment(Environment):
            pass

        class CustomFlask(Flask):
            jinja_environment = CustomEnvironment

        app = CustomFlask("customenv", root_path=TESTS_DIR)
        assert isinstance(app.jinja_env, CustomEnvironment)
        with app.app_context():
            assert render_template("hello.html", name="env") == "Hello env!"

    def test_create_global_jinja_loader_override(self) -> None:
        class DictFlask(Flask):
            def create_global_jinja_loader(self) -> DictLoader:  # type: ignore[override]
                return DictLoader({"index.html": "Hello Custom {{ config.TESTING }}"})

        app = DictFlask("dictloader", root_path=TESTS_DIR)
        with app.app_context():
            assert render_template("index.html") == "Hello Custom False"
            with pytest.raises(TemplateNotFound):
                render_template("hello.html")

    def test_list_templates_covers_app_and_blueprints(self, app: Flask) -> None:
        app.register_blueprint(make_bp())
        app.register_blueprint(make_bp("tbp2", BP2_ROOT))
        names = app.jinja_env.list_templates()
        for name in (
            "hello.html",
            "nested/deep.html",
            "tbp/child.html",
            "bp2_only.html",
        ):
            assert name in names
        assert names.count("shared.html") == 1
        assert names.count("only_bp.html") == 1

    def test_tojson_filter(self, app_ctx: t.Any) -> None:
        rv = render_template_string("{{ data|tojson }}", data={"b": "<i>", "a": 1})
        assert rv == '{"a": 1, "b": "\\u003ci\\u003e"}'


class TestAutoReload:
    @pytest.mark.parametrize(
        ("debug", "setting", "expected"),
        [
            (False, None, False),
            (True, None, True),
            (False, False, False),
            (False, True, True),
            (True, False, False),
            (True, True, True),
        ],
    )
    def test_setting_and_debug(
        self, debug: bool, setting: bool | None, expected: bool
    ) -> None:
        app = Flask("reload", root_path=TESTS_DIR)
        app.config["DEBUG"] = debug
        app.config["TEMPLATES_AUTO_RELOAD"] = setting
        assert app.jinja_env.auto_reload is expected

    def test_default_setting_is_none(self, app: Flask) -> None:
        assert app.config["TEMPLATES_AUTO_RELOAD"] is None

    def test_follows_flask_debug_environment_variable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("FLASK_DEBUG", "1")
        app = Flask("envdebug", root_path=TESTS_DIR)
        assert app.jinja_env.auto_reload is True

    def test_follows_later_debug_change(self, app: Flask) -> None:
        assert app.jinja_env.auto_reload is False
        app.debug = True
        assert app.jinja_env.auto_reload is True
        app.debug = False
        assert app.jinja_env.auto_reload is False

    def test_explicit_setting_ignores_debug_change(self, app: Flask) -> None:
        app.config["TEMPLATES_AUTO_RELOAD"] = False
        assert app.jinja_env.auto_reload is False
        app.debug = True
        assert app.jinja_env.auto_reload is False

    def test_jinja_option_wins(self) -> None:
        class ReloadingFlask(Flask):
            jinja_options = {"auto_reload": True}

        app = ReloadingFlask("optreload", root_path=TESTS_DIR)
        assert app.jinja_env.auto_reload is True

    def test_debug_run(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **kw: None)
        monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
        app.run()
        assert not app.jinja_env.auto_reload
        app.run(debug=True)
        assert app.jinja_env.auto_reload

    @pytest.mark.parametrize(("setting", "expected"), [(True, "two"), (False, "one")])
    def test_changed_file_reloaded_only_when_enabled(
        self, tmp_path: t.Any, setting: bool, expected: str
    ) -> None:
        folder = tmp_path / "templates"
        folder.mkdir()
        page = folder / "page.html"
        page.write_text("one")
        app = Flask("reloadfile", root_path=str(tmp_path))
        app.config["TEMPLATES_AUTO_RELOAD"] = setting
        with app.app_context():
            assert render_template("page.html") == "one"
            page.write_text("two")
            mtime = os.path.getmtime(page) + 10
            os.utime(page, (mtime, mtime))
            assert render_template("page.html") == expected


class TestExplainTemplateLoading:
    def loading_records(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == app.name]

    def test_logs_every_loader_tried(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        app.register_blueprint(make_bp())
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.set_level(logging.INFO, logger=app.name)
        with app.app_context():
            assert render_template("only_bp.html") == "first blueprint"
        records = self.loading_records(app, caplog)
        assert len(records) == 1
        assert records[0].levelno == logging.INFO
        text = records[0].getMessage()
        assert "only_bp.html" in text
        assert "1: trying loader of application 'minflask_test'" in text
        assert f"2: trying loader of blueprint 'tbp' ({__name__})" in text
        assert APP_TEMPLATES in text
        assert os.path.join(BP_ROOT, "templates", "only_bp.html") in text
        assert "found" in text
        assert "Error" not in text

    def test_logs_missing_template(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.set_level(logging.INFO, logger=app.name)
        with app.app_context(), pytest.raises(TemplateNotFound):
            render_template("missing.html")
        records = self.loading_records(app, caplog)
        assert len(records) == 1
        text = records[0].getMessage()
        assert "missing.html" in text
        assert "trying loader of application 'minflask_test'" in text
        assert "Error: the template could not be found" in text

    def test_warns_when_several_loaders_match(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        app.register_blueprint(make_bp())
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.set_level(logging.INFO, logger=app.name)
        with app.app_context():
            assert render_template("shared.html") == "app shared"
        text = self.loading_records(app, caplog)[0].getMessage()
        assert os.path.join(APP_TEMPLATES, "shared.html") in text
        assert os.path.join(BP_ROOT, "templates", "shared.html") in text
        assert "Warning" in text

    def test_hints_at_blueprint_of_endpoint(
        self, app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        bp = make_bp()

        @bp.route("/missing")
        def missing() -> str:
            return render_template("missing.html")

        app.register_blueprint(bp)
        app.config["EXPLAIN_TEMPLATE_LOADING"] = True
        caplog.set_level(logging.INFO, logger=app.name)
        with pytest.raises(TemplateNotFound):
            client.get("/missing")
        text = "\n".join(r.getMessage() for r in self.loading_records(app, caplog))
        assert "trying loader of blueprint 'tbp'" in text
        assert "looked up from an endpoint that belongs to the blueprint 'tbp'" in text
        assert "See https://flask.palletsprojects.com/blueprints/#templates" in text

    def test_silent_by_default(
        self, app: Flask, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger=app.name)
        with app.app_context():
            render_template("hello.html")
            with pytest.raises(TemplateNotFound):
                render_template("missing.html")
        assert self.loading_records(app, caplog) == []


class TestSignals:
    def test_template_rendered(self, app: Flask, client: FlaskClient) -> None:
        @app.route("/")
        def index() -> str:
            return render_template("hello.html", name="sig")

        recorded: list[tuple[t.Any, t.Any, dict[str, t.Any]]] = []

        def record(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            recorded.append((sender, template, context))

        with template_rendered.connected_to(record, app):
            assert client.get("/").data == b"Hello sig!"
        assert len(recorded) == 1
        sender, template, context = recorded[0]
        assert sender is app
        assert template.name == "hello.html"
        assert context["name"] == "sig"
        assert "g" in context
        assert context["request"].path == "/"

    def test_before_render_template_can_change_context(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> str:
            return render_template("hello.html", name="before")

        recorded: list[tuple[t.Any, dict[str, t.Any]]] = []

        def record(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            context["name"] = "changed"
            recorded.append((template, context))

        with before_render_template.connected_to(record, app):
            rv = client.get("/")
        assert len(recorded) == 1
        assert recorded[0][0].name == "hello.html"
        assert recorded[0][1]["name"] == "changed"
        assert rv.data == b"Hello changed!"

    def test_order_and_string_templates(self, app: Flask) -> None:
        events: list[tuple[str, str | None]] = []

        def before(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            events.append(("before", template.name))

        def after(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            events.append(("rendered", template.name))

        with (
            before_render_template.connected_to(before, app),
            template_rendered.connected_to(after, app),
            app.app_context(),
        ):
            render_template_string("{{ 1 }}")
        assert events == [("before", None), ("rendered", None)]

    def test_only_for_the_connected_app(self, app: Flask) -> None:
        other = Flask("other", root_path=TESTS_DIR)
        recorded: list[t.Any] = []

        def record(sender: t.Any, **extra: t.Any) -> None:
            recorded.append(sender)

        with template_rendered.connected_to(record, other), app.app_context():
            render_template("hello.html")
        assert recorded == []

    def test_stream_template_signals(self, app: Flask) -> None:
        events: list[str] = []

        def before(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            events.append("before")

        def after(sender: t.Any, template: t.Any, context: dict[str, t.Any]) -> None:
            events.append("rendered")

        with (
            before_render_template.connected_to(before, app),
            template_rendered.connected_to(after, app),
            app.app_context(),
        ):
            stream = stream_template("stream.html", items=[1])
            assert events == ["before"]
            assert "".join(stream) == "[1]"
        assert events == ["before", "rendered"]


class TestStreaming:
    def test_stream_template(self, app_ctx: t.Any) -> None:
        stream = stream_template("stream.html", items=[1, 2, 3])
        assert not isinstance(stream, str)
        assert "".join(stream) == "[1][2][3]"

    def test_stream_template_string(self, app_ctx: t.Any) -> None:
        stream = stream_template_string(
            "{% for i in items %}{{ i }},{% endfor %}", items="a<"
        )
        assert "".join(stream) == "a,&lt;,"

    def test_missing_template_raises_on_call(self, app_ctx: t.Any) -> None:
        with pytest.raises(TemplateNotFound):
            stream_template("missing.html")

    def test_streamed_response(self, app: Flask, client: FlaskClient) -> None:
        @app.route("/")
        def index() -> t.Any:
            return app.response_class(stream_template("stream.html", items="abc"))

        rv = client.get("/")
        assert rv.status_code == 200
        assert rv.data == b"[a][b][c]"

    def test_request_context_kept_while_streaming(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> t.Any:
            g.value = "gv"
            session["user"] = "ann"
            source = "{{ request.args.q }}|{{ g.value }}|{{ session.user }}|{{ url_for('index') }}"
            return stream_template_string(source)

        rv = client.get("/?q=hi")
        assert rv.data == b"hi|gv|ann|/"

    def test_stream_template_in_request_context_from_view(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> t.Any:
            return app.response_class(stream_template("context.html"))

        rv = client.get("/?q=x")
        assert rv.data == b"test key|/|x|||/"


class TestGetTemplateAttribute:
    def test_macro(self, app_ctx: t.Any) -> None:
        greet = get_template_attribute("macros.html", "greet")
        rv = greet("World")
        assert rv == "Hi World!"
        assert isinstance(rv, Markup)

    def test_macro_escapes_arguments(self, app_ctx: t.Any) -> None:
        shout = get_template_attribute("macros.html", "shout")
        assert shout("<x>") == "<b>&lt;X&gt;</b>"

    def test_exported_variable(self, app_ctx: t.Any) -> None:
        assert get_template_attribute("macros.html", "answer") == 42

    def test_missing_attribute(self, app_ctx: t.Any) -> None:
        with pytest.raises(AttributeError):
            get_template_attribute("macros.html", "nope")

    def test_missing_template(self, app_ctx: t.Any) -> None:
        with pytest.raises(TemplateNotFound):
            get_template_attribute("missing.html", "greet")

    def test_imported_macro_sees_request_globals(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/here")
        def here() -> str:
            g.value = "gv"
            session["user"] = "ann"
            return render_template_string(
                '{% import "macros.html" as m %}{{ m.where() }}'
            )

        assert client.get("/here").data == b"/here|gv|ann"

    def test_blueprint_macro(self, app: Flask) -> None:
        app.register_blueprint(make_bp())
        with app.app_context():
            badge = get_template_attribute("bp_macros.html", "badge")
            assert badge("<") == "<span>&lt;</span>"


class TestBlueprintTemplates:
    @pytest.fixture
    def bp_app(self, app: Flask) -> Flask:
        """The app with two template blueprints and a view rendering any name."""
        bp = make_bp()

        @bp.route("/render/<path:name>")
        def render(name: str) -> str:
            return render_template(name, name="<n>", text="<t>")

        app.register_blueprint(bp, url_prefix="/tbp")
        app.register_blueprint(make_bp("tbp2", BP2_ROOT))
        return app

    def render(self, app: Flask, name: str) -> bytes:
        data: bytes = app.test_client().get(f"/tbp/render/{name}").data
        return data

    def test_extends_app_base(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "tbp/child.html") == (
            b"<title>Child</title><main>child &lt;n&gt;</main>"
        )

    def test_imports_app_macro(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "tbp/uses_app_macro.html") == b"Hi &lt;n&gt;!"

    def test_includes_app_template(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "tbp/includes_app.html") == b"<Hello &lt;n&gt;!>"

    def test_app_template_includes_blueprint_template(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "include_bp.html") == b"app[first blueprint]"
        with bp_app.app_context():
            assert render_template("include_bp.html") == "app[first blueprint]"

    def test_app_template_imports_blueprint_macro(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "import_bp_macro.html") == b"<span>&lt;t&gt;</span>"

    def test_app_folder_wins(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "shared.html") == b"app shared"

    def test_first_registered_blueprint_wins(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "only_bp.html") == b"first blueprint"

    def test_registration_order_decides(self, app: Flask) -> None:
        app.register_blueprint(make_bp("tbp2", BP2_ROOT))
        app.register_blueprint(make_bp())
        with app.app_context():
            assert render_template("only_bp.html") == "second blueprint"

    def test_template_only_in_later_blueprint(self, bp_app: Flask) -> None:
        assert self.render(bp_app, "bp2_only.html") == b"from bp2"

    def test_unregistered_blueprint_not_searched(self, app: Flask) -> None:
        make_bp()
        with app.app_context(), pytest.raises(TemplateNotFound):
            render_template("only_bp.html")

    def test_blueprint_registered_after_environment_exists(self, app: Flask) -> None:
        with app.app_context():
            assert render_template("hello.html", name="a") == "Hello a!"
            with pytest.raises(TemplateNotFound):
                render_template("only_bp.html")
        app.register_blueprint(make_bp())
        with app.app_context():
            assert render_template("only_bp.html") == "first blueprint"

    def test_blueprint_without_template_folder(self, app: Flask) -> None:
        plain = Blueprint("plain", __name__)
        assert plain.jinja_loader is None
        app.register_blueprint(plain)
        app.register_blueprint(make_bp())
        with app.app_context():
            assert render_template("only_bp.html") == "first blueprint"

    def test_blueprint_jinja_loader(self) -> None:
        loader = make_bp().jinja_loader
        assert isinstance(loader, FileSystemLoader)
        assert loader.searchpath == [os.path.join(BP_ROOT, "templates")]

    def test_nested_blueprint_folder(self, app: Flask) -> None:
        parent = Blueprint("parent", __name__)
        parent.register_blueprint(make_bp())
        app.register_blueprint(parent)
        with app.app_context():
            assert render_template("only_bp.html") == "first blueprint"


class TestLaziness:
    def test_template_without_session_sets_no_vary(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/login")
        def login() -> str:
            session["user"] = "ann"
            return "ok"

        @app.route("/")
        def index() -> str:
            return render_template("hello.html", name="x")

        client.get("/login")
        rv = client.get("/")
        assert rv.data == b"Hello x!"
        assert "Vary" not in rv.headers
        assert "Set-Cookie" not in rv.headers

    def test_template_reading_session_sets_vary(
        self, app: Flask, client: FlaskClient
    ) -> None:
        @app.route("/")
        def index() -> str:
            return render_template_string("{{ session.user }}")

        rv = client.get("/")
        assert rv.headers["Vary"] == "Cookie"


class TestMinflaskOnly:
    """minflask behaviour beyond Flask's: richer errors and lazy setup."""

    def test_template_not_found_names_searched_folders(self, app: Flask) -> None:
        app.register_blueprint(make_bp())
        with app.app_context(), pytest.raises(TemplateNotFound) as exc_info:
            render_template("missing.html")
        message = str(exc_info.value)
        assert exc_info.value.name == "missing.html"
        assert "missing.html" in message
        assert APP_TEMPLATES in message
        assert os.path.join(BP_ROOT, "templates") in message

    def test_session_not_opened_by_template_without_session(
        self, app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        interface = app.session_interface
        original = interface.open_session
        opened: list[str] = []

        def open_session(app: Flask, request: Request) -> t.Any:
            opened.append(request.path)
            return original(app, request)

        monkeypatch.setattr(interface, "open_session", open_session)

        @app.route("/plain")
        def plain() -> str:
            return render_template_string(
                "{{ request.path }}|{{ g.x }}|{{ config.TESTING }}"
            )

        @app.route("/reads")
        def reads() -> str:
            return render_template_string("{{ session.user }}")

        assert client.get("/plain").data == b"/plain||True"
        assert opened == []
        client.get("/reads")
        assert opened == ["/reads"]

    def test_environment_created_only_when_needed(self, app: Flask) -> None:
        app.template_filter()(reverse)
        app.template_test("oddish")(is_odd)
        app.template_global()(answer)
        app.add_template_filter(reverse, "rev")
        app.add_template_test(is_odd)
        app.add_template_global(answer, "the_answer")
        app.context_processor(lambda: {})
        bp = make_bp()
        bp.add_app_template_filter(reverse, "bp_rev")
        bp.add_app_template_test(is_odd, "bp_odd")
        bp.add_app_template_global(answer, "bp_answer")
        bp.app_context_processor(lambda: {})
        app.register_blueprint(bp)
        assert "jinja_env" not in vars(app)
        env = app.jinja_env
        assert {"reverse", "rev", "bp_rev"} <= set(env.filters)
        assert {"oddish", "is_odd", "bp_odd"} <= set(env.tests)
        assert {"answer", "the_answer", "bp_answer"} <= set(env.globals)

    def test_app_setup_does_not_import_jinja(self) -> None:
        code = textwrap.dedent(
            """
            import sys
            import minflask
            app = minflask.Flask("lazy")
            app.template_filter()(str)
            bp = minflask.Blueprint("bp", "lazy", template_folder="templates")
            bp.add_app_template_global(len)
            app.register_blueprint(bp)
            assert "jinja2" not in sys.modules, "jinja2 imported"
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


class TestTitleFilter:
    """The ``title`` filter answers exactly as Jinja's, however it is served."""

    @pytest.mark.parametrize(
        "value",
        [
            "user number 19",
            "hello-world (again) {x} [y] <z>",
            "ÉCOLE élève",
            "",
            "  spaced\tout\nlines  ",
            "x" * 500 + " tail",
            Markup("<b>bold words</b>"),
            42,
        ],
    )
    def test_same_as_jinja(self, app: Flask, value: t.Any) -> None:
        from jinja2.filters import do_title

        title = app.jinja_env.filters["title"]
        assert title(value) == do_title(value)
        assert title(value) == do_title(value)  # again, once remembered
        assert type(title(value)) is type(do_title(value))
        with app.test_request_context():
            page = render_template_string("{{ v|title }}", v=value)
        assert page == JinjaEnvironment(autoescape=True).from_string(
            "{{ v|title }}"
        ).render(v=value)

    def test_app_filter_wins(self, app: Flask) -> None:
        app.add_template_filter(str.upper, "title")
        with app.test_request_context():
            assert render_template_string("{{ 'ab cd'|title }}") == "AB CD"


class TestEscapedOutput:
    """Autoescaped output is MarkupSafe's escape, however it is served."""

    SOURCE = (
        "{% for v in values %}[{{ v }}]{% endfor %}"
        "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(values[0]) }}"
    )

    class Html:
        def __html__(self) -> str:
            return "<i>own html</i>"

    def values(self) -> list[t.Any]:
        return [
            "<b>bold</b> & 'quotes' \"too\"",
            "plain",
            "x<" * 200,  # longer than what is remembered
            Markup("<em>safe</em>"),
            42,
            None,
            self.Html(),
            "<b>bold</b> & 'quotes' \"too\"",  # again, once remembered
        ]

    def test_same_text_and_pieces_as_jinja(self, app: Flask) -> None:
        reference = JinjaEnvironment(autoescape=True).from_string(self.SOURCE)
        template = app.jinja_env.from_string(self.SOURCE)
        for _ in range(2):
            pieces = list(template.generate(values=self.values()))
            expected = list(reference.generate(values=self.values()))
            assert pieces == expected
            assert [type(p) for p in pieces] == [type(p) for p in expected]
        with app.test_request_context():
            page = render_template_string(self.SOURCE, values=self.values())
        assert page == reference.render(values=self.values())

    def test_not_escaped_without_autoescape(self, app: Flask) -> None:
        app.jinja_env.autoescape = False
        template = app.jinja_env.from_string("{{ v }}")
        assert template.render(v="<b>") == "<b>"


class TestAttributeLookup:
    """``x.name`` in a template: the attribute, else the item, else undefined,
    with the attribute asked once."""

    def test_attribute_item_undefined(self, app: Flask) -> None:
        asked: list[str] = []

        class Thing:
            plain = "attr"

            @property
            def broken(self) -> str:
                asked.append("broken")
                raise AttributeError("broken")

            def __getitem__(self, key: str) -> str:
                if key == "missing":
                    raise KeyError(key)
                return f"item {key}"

        source = "{{ t.plain }}|{{ t.broken }}|{{ t.other }}|{{ t.missing is defined }}"
        template = app.jinja_env.from_string(source)
        reference = JinjaEnvironment(autoescape=True).from_string(source)
        assert template.render(t=Thing()) == "attr|item broken|item other|False"
        assert asked == ["broken"]
        assert reference.render(t=Thing()) == template.render(t=Thing())
        assert template.render(t=42) == reference.render(t=42)
