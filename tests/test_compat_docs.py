"""Behaviour the Flask 3.1 documentation promises, checked on minflask.

Each test follows a recipe or statement from Flask's narrative docs
(quickstart, templating, signals, error handling, views, contexts,
blueprints, async, extension development, the patterns pages) or from the
API reference for templating, sessions, flashing, signals and helpers.
The expected values were confirmed against Flask 3.1.3.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import threading
import typing as t
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from blinker import Namespace
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.local import LocalProxy
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.routing import BuildError, Rule
from werkzeug.test import Client
from werkzeug.utils import cached_property, import_string, secure_filename
from werkzeug.wrappers import Response as WerkzeugResponse

import minflask
from minflask import (
    Blueprint,
    Flask,
    abort,
    after_this_request,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    copy_current_request_context,
    current_app,
    flash,
    g,
    get_flashed_messages,
    get_template_attribute,
    got_request_exception,
    has_request_context,
    make_response,
    message_flashed,
    redirect,
    request,
    request_finished,
    request_started,
    request_tearing_down,
    send_file,
    send_from_directory,
    session,
    stream_with_context,
    template_rendered,
    url_for,
)
from minflask.sessions import NullSession, SessionInterface, SessionMixin
from minflask.templating import (
    render_template,
    render_template_string,
    stream_template,
    stream_template_string,
)
from minflask.views import MethodView, View

WSGIEnviron = dict[str, t.Any]
StartResponse = t.Callable[..., t.Any]
WSGIApp = t.Callable[[WSGIEnviron, StartResponse], t.Iterable[bytes]]


def _write(folder: Path, files: dict[str, str]) -> None:
    """Create ``files`` (relative name -> text) under ``folder``."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Flask:
    """An app rooted in a temporary folder with the templates and static
    files the documentation's examples use."""
    _write(
        tmp_path / "templates",
        {
            "hello.html": "{% if person %}Hello {{ person }}!{% else %}Hello, World!{% endif %}",
            "layout.html": (
                "{% for m in get_flashed_messages() %}<li>{{ m }}</li>{% endfor %}"
                "{% block body %}{% endblock %}"
            ),
            "index.html": '{% extends "layout.html" %}{% block body %}[{{ items|length }}]{% endblock %}',
            "_helpers.html": (
                "{% macro where() %}{{ request.path }} {{ config.DEBUG }}{% endmacro %}"
                "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}"
                "{% set answer = 42 %}"
            ),
            "uses_macro.html": (
                "{% from '_helpers.html' import where with context %}{{ where() }}"
            ),
            "esc.html": "{{ v }}",
            "esc.htm": "{{ v }}",
            "esc.xml": "{{ v }}",
            "esc.xhtml": "{{ v }}",
            "esc.svg": "{{ v }}",
            "esc.txt": "{{ v }}",
            "timeline.html": "{% for i in range(3) %}{{ i }}{{ request.path }};{% endfor %}",
        },
    )
    _write(tmp_path / "static", {"style.css": "body {}", "favicon.ico": "ICO"})
    app = Flask("docs_site", root_path=str(tmp_path))
    app.config.update(TESTING=True, SECRET_KEY="docs key")
    return app


# -- quickstart ---------------------------------------------------------------


def test_quickstart_converters_and_trailing_slashes(app: Flask) -> None:
    """Each converter parses its type, a slash rule redirects the bare URL
    (308), and a rule without a slash 404s when one is added."""

    @app.route("/post/<int:post_id>")
    def post(post_id: int) -> str:
        return f"{post_id!r}"

    @app.route("/f/<float:v>")
    def flt(v: float) -> str:
        return f"{v!r}"

    @app.route("/path/<path:subpath>")
    def sub(subpath: str) -> str:
        return subpath

    @app.route("/u/<uuid:u>")
    def uid(u: uuid.UUID) -> str:
        return type(u).__name__

    @app.route("/projects/")
    def projects() -> str:
        return "projects"

    @app.route("/about")
    def about() -> str:
        return "about"

    client = app.test_client()
    assert client.get("/post/3").data == b"3"
    assert client.get("/post/x").status_code == 404
    assert client.get("/f/1.5").data == b"1.5"
    assert client.get("/f/1").status_code == 404
    assert client.get("/path/a/b/c").data == b"a/b/c"
    assert client.get(f"/u/{uuid.UUID(int=1)}").data == b"UUID"
    rv = client.get("/projects")
    assert rv.status_code == 308
    assert rv.location == "http://localhost/projects/"
    assert client.get("/about/").status_code == 404


def test_quickstart_url_building(app: Flask) -> None:
    """Unknown arguments become the query string and values are quoted."""

    @app.route("/login")
    def login() -> str:
        return ""

    @app.route("/user/<username>")
    def profile(username: str) -> str:
        return ""

    with app.test_request_context():
        assert url_for("login", next="/") == "/login?next=/"
        assert url_for("profile", username="John Doe") == "/user/John%20Doe"
        assert url_for("static", filename="style.css") == "/static/style.css"


def test_quickstart_return_values_become_responses(app: Flask) -> None:
    """Strings, dicts, lists, generators, tuples and WSGI callables each
    turn into the response the quickstart describes."""

    def wsgi(environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        start_response("203 Non-Authoritative", [("Content-Type", "text/plain")])
        return [b"from wsgi"]

    def gen() -> t.Iterator[str | bytes]:
        yield "a"
        yield b"b"

    views: dict[str, t.Callable[[], t.Any]] = {
        "dict": lambda: {"a": 1},
        "list": lambda: [1, "x"],
        "gen": gen,
        "status": lambda: ("x", 201),
        "headers": lambda: ("x", {"X-A": "1"}),
        "both": lambda: ("x", 202, [("X-B", "2")]),
        "wsgi": lambda: wsgi,
    }
    for name, func in views.items():
        app.add_url_rule(f"/{name}", name, func)

    client = app.test_client()
    assert client.get("/dict").json == {"a": 1}
    assert client.get("/list").mimetype == "application/json"
    rv = client.get("/gen")
    assert rv.is_streamed
    assert rv.data == b"ab"
    assert client.get("/status").status_code == 201
    assert client.get("/headers").headers["X-A"] == "1"
    rv = client.get("/both")
    assert (rv.status_code, rv.headers["X-B"]) == (202, "2")
    rv = client.get("/wsgi")
    assert (rv.status_code, rv.data, rv.mimetype) == (203, b"from wsgi", "text/plain")


def test_quickstart_method_shortcuts_head_and_options(app: Flask) -> None:
    """``app.get``/``app.post`` split one URL by method; HEAD and OPTIONS
    are answered automatically and other methods get 405 with Allow."""

    @app.get("/login")
    def login_get() -> str:
        return "form"

    @app.post("/login")
    def login_post() -> str:
        return "posted"

    client = app.test_client()
    assert client.post("/login").data == b"posted"
    rv = client.head("/login")
    assert (rv.status_code, rv.data, rv.content_length) == (200, b"", 4)
    allow = set(client.options("/login").headers["Allow"].split(", "))
    assert allow == {"GET", "HEAD", "POST", "OPTIONS"}
    rv = client.put("/login")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == allow


def test_quickstart_session_login_logout(app: Flask) -> None:
    """The sessions example: login stores the name, logout pops it and the
    cookie is deleted."""

    @app.route("/")
    def index() -> str:
        if "username" in session:
            return f"Logged in as {session['username']}"
        return "You are not logged in"

    @app.route("/login", methods=["POST"])
    def login() -> t.Any:
        session["username"] = request.form["username"]
        return redirect(url_for("index"))

    @app.route("/logout")
    def logout() -> t.Any:
        session.pop("username", None)
        return redirect(url_for("index"))

    client = app.test_client()
    rv = client.post("/login", data={"username": "joe"})
    assert (rv.status_code, rv.location) == (302, "/")
    assert client.get("/").data == b"Logged in as joe"
    rv = client.get("/logout")
    assert "session=;" in rv.headers["Set-Cookie"]
    assert client.get("/").data == b"You are not logged in"
    # A missing form key is a 400, not a KeyError escaping the app.
    assert client.post("/login", data={}).status_code == 400


# -- templating ---------------------------------------------------------------


def test_autoescape_follows_the_template_extension(site: Flask) -> None:
    """Autoescaping is on for .html, .htm, .xml, .xhtml and .svg templates
    and for every string template, and off for other extensions."""
    with site.app_context():
        for ext in ("html", "htm", "xml", "xhtml", "svg"):
            assert render_template(f"esc.{ext}", v="<a>") == "&lt;a&gt;", ext
        assert render_template("esc.txt", v="<a>") == "<a>"
        assert render_template_string("{{ v }}", v="<a>") == "&lt;a&gt;"
        assert render_template_string("{{ v }}", v=Markup("<a>")) == "<a>"
        assert render_template_string("{{ v|safe }}", v="<a>") == "<a>"
        source = "{% autoescape false %}{{ v }}{% endautoescape %}"
        assert render_template_string(source, v="<a>") == "<a>"
    assert site.select_jinja_autoescape(None) is True
    assert site.select_jinja_autoescape("page.txt") is False


def test_standard_context_in_templates_and_macros(site: Flask) -> None:
    """config, request, session, g, url_for and get_flashed_messages are
    available; a macro imported "with context" sees the request."""

    @site.route("/hello/")
    @site.route("/hello/<name>")
    def hello(name: str | None = None) -> str:
        g.who = "gee"
        session["s"] = "sess"
        return render_template_string(
            "{{ config.SECRET_KEY }}|{{ request.path }}|{{ session.s }}|"
            "{{ g.who }}|{{ url_for('hello', name='a b') }}|"
            "{{ get_flashed_messages() }}"
        )

    @site.route("/macro")
    def macro() -> str:
        return render_template("uses_macro.html")

    client = site.test_client()
    assert client.get("/hello/").data == b"docs key|/hello/|sess|gee|/hello/a%20b|[]"
    assert client.get("/macro").data == b"/macro False"


def test_filters_tests_globals_and_context_processors(app: Flask) -> None:
    """Both ways of registering a filter work, decorator names default to
    the function name, and explicit render arguments beat a context
    processor's values."""

    @app.template_filter("reverse")
    def reverse_filter(s: str) -> str:
        return s[::-1]

    def shout(s: str) -> str:
        return s.upper()

    app.jinja_env.filters["shout"] = shout

    @app.template_test()
    def is_even(n: int) -> bool:
        return n % 2 == 0

    @app.template_global()
    def double(n: int) -> int:
        return 2 * n

    @app.context_processor
    def utility_processor() -> dict[str, t.Any]:
        def format_price(amount: float, currency: str = "€") -> str:
            return f"{amount:.2f}{currency}"

        return {"format_price": format_price, "user": "from processor"}

    source = (
        "{% for x in items|reverse %}{{ x }}{% endfor %} {{ 'a'|shout }} "
        "{{ 4 is is_even }} {{ double(3) }} {{ format_price(0.333) }} {{ user }}"
    )
    with app.test_request_context():
        rv = render_template_string(source, items=[1, 2, 3], user="explicit")
    assert rv == "321 A True 6 0.33€ explicit"


def test_stream_template_keeps_the_request(site: Flask) -> None:
    """stream_template returns a streamed response body that can still
    read the request, because it applies stream_with_context."""

    @site.get("/timeline")
    def timeline() -> t.Any:
        return stream_template("timeline.html")

    @site.get("/string")
    def string() -> t.Any:
        return stream_template_string("{{ request.args.q }}!")

    client = site.test_client()
    rv = client.get("/timeline")
    assert rv.is_streamed
    assert rv.data == b"0/timeline;1/timeline;2/timeline;"
    assert client.get("/string?q=hi").data == b"hi!"


def test_get_template_attribute_exports_macros_and_variables(site: Flask) -> None:
    with site.app_context():
        hello = get_template_attribute("_helpers.html", "hello")
        assert hello("World") == "Hello World!"
        assert get_template_attribute("_helpers.html", "answer") == 42
        with pytest.raises(AttributeError):
            get_template_attribute("_helpers.html", "missing")


def test_render_template_accepts_template_objects_and_lists(site: Flask) -> None:
    """A Template object or a list (first existing name wins) may be given;
    an all-missing list raises TemplatesNotFound listing the names."""
    from jinja2 import TemplatesNotFound

    with site.app_context():
        compiled = site.jinja_env.from_string("T{{ v }}")
        assert render_template(compiled, v=1) == "T1"
        assert render_template(["nope.html", "esc.txt"], v="<") == "<"
        assert "".join(stream_template(["nope.html", compiled], v=2)) == "T2"
        with pytest.raises(TemplatesNotFound) as exc_info:
            render_template(["a.html", "b.html"])
    assert exc_info.value.templates == ["a.html", "b.html"]


# -- signals ------------------------------------------------------------------


@contextmanager
def captured_templates(app: Flask) -> t.Iterator[list[tuple[t.Any, dict[str, t.Any]]]]:
    """The signals page's recorder of rendered templates and contexts."""
    recorded: list[tuple[t.Any, dict[str, t.Any]]] = []

    def record(
        sender: Flask, template: t.Any, context: dict[str, t.Any], **extra: t.Any
    ) -> None:
        recorded.append((template, context))

    template_rendered.connect(record, app)
    try:
        yield recorded
    finally:
        template_rendered.disconnect(record, app)


def test_captured_templates_recipe(site: Flask) -> None:
    @site.route("/")
    def index() -> str:
        return render_template("index.html", items=list(range(10)))

    with captured_templates(site) as templates:
        rv = site.test_client().get("/")
    assert rv.status_code == 200
    assert len(templates) == 1
    template, context = templates[0]
    assert template.name == "index.html"
    assert len(context["items"]) == 10
    assert {"g", "request", "items"} <= set(context)
    # Other apps' renders are not recorded by a receiver bound to ``site``.
    other = Flask("other")
    with captured_templates(site) as templates, other.app_context():
        render_template_string("x")
    assert templates == []


def test_connected_to_and_connect_via(app: Flask) -> None:
    recorded: list[str] = []

    def record(sender: Flask, template: t.Any, context: dict[str, t.Any]) -> None:
        recorded.append(f"temporary {template.name}")

    with app.test_request_context():
        with template_rendered.connected_to(record, app):
            render_template_string("x")
        render_template_string("y")

        @template_rendered.connect_via(app)
        def when_rendered(sender: Flask, template: t.Any, **extra: t.Any) -> None:
            recorded.append(f"via {sender is app}")

        render_template_string("z")
    # connect_via holds the receiver strongly; disconnect it from every
    # sender so later tests see no receiver.
    template_rendered.disconnect(when_rendered)
    assert id(when_rendered) not in template_rendered.receivers
    assert recorded == ["temporary None", "via True"]


def test_custom_namespace_signal() -> None:
    my_signals = Namespace()
    model_saved = my_signals.signal("model-saved")
    seen: list[object] = []

    class Model:
        def save(self) -> None:
            model_saved.send(self)

    def on_saved(sender: object, **extra: t.Any) -> None:
        seen.append(sender)

    model_saved.connect(on_saved)
    model = Model()
    model.save()
    assert model_saved.name == "model-saved"
    assert seen == [model]


def test_core_signal_order_and_arguments(app: Flask) -> None:
    """Signals interleave with the hooks in the documented order and carry
    the documented keyword arguments; ``g`` set in request_started is
    still there in request_finished."""
    log: list[str] = []

    def started(sender: Flask, **extra: t.Any) -> None:
        g.started = True
        log.append(f"started {request.path}")

    def finished(sender: Flask, response: t.Any, **extra: t.Any) -> None:
        log.append(f"finished {response.status_code} {g.started}")

    def tearing(sender: Flask, **extra: t.Any) -> None:
        log.append(f"tearing {sorted(extra)}")

    @app.before_request
    def before() -> None:
        log.append("before_request")

    @app.after_request
    def after(response: t.Any) -> t.Any:
        log.append("after_request")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        log.append("teardown_request")

    @app.route("/")
    def index() -> str:
        log.append("view")
        return "ok"

    with (
        request_started.connected_to(started, app),
        request_finished.connected_to(finished, app),
        request_tearing_down.connected_to(tearing, app),
    ):
        app.test_client().get("/")
    assert log == [
        "started /",
        "before_request",
        "view",
        "after_request",
        "finished 200 True",
        "teardown_request",
        "tearing ['exc']",
    ]


def test_got_request_exception_only_for_unhandled(app: Flask) -> None:
    """Not sent for HTTP errors or handled exceptions; sent when the error
    handler itself raises, and in debug mode before propagating."""
    app.testing = False
    seen: list[str] = []

    def record(sender: Flask, exception: BaseException, **extra: t.Any) -> None:
        seen.append(repr(exception))

    @app.route("/http")
    def http() -> t.NoReturn:
        abort(403)

    @app.route("/handled")
    def handled() -> t.NoReturn:
        raise KeyError("handled")

    @app.route("/rehandled")
    def rehandled() -> t.NoReturn:
        raise LookupError("first")

    @app.errorhandler(KeyError)
    def on_key(e: KeyError) -> tuple[str, int]:
        return "key", 409

    @app.errorhandler(LookupError)
    def on_lookup(e: LookupError) -> t.NoReturn:
        raise ValueError("from handler")

    client = app.test_client()
    with got_request_exception.connected_to(record, app):
        assert client.get("/http").status_code == 403
        assert client.get("/handled").status_code == 409
        assert seen == []
        assert client.get("/rehandled").status_code == 500
        assert seen == ["ValueError('from handler')"]
        app.debug = True
        with pytest.raises(ValueError, match="from handler"):
            client.get("/rehandled")
    assert len(seen) == 2


def test_teardown_signals_receive_the_exception(app: Flask) -> None:
    seen: list[tuple[str, str]] = []

    def on_request(
        sender: Flask, exc: BaseException | None = None, **extra: t.Any
    ) -> None:
        seen.append(("request", repr(exc)))

    def on_app(sender: Flask, exc: BaseException | None = None, **extra: t.Any) -> None:
        seen.append(("app", repr(exc)))

    with (
        request_tearing_down.connected_to(on_request, app),
        appcontext_tearing_down.connected_to(on_app, app),
    ):
        with pytest.raises(ZeroDivisionError), app.app_context():
            raise ZeroDivisionError("z")
        with pytest.raises(IndexError), app.test_request_context():
            raise IndexError("i")
    assert seen == [
        ("app", "ZeroDivisionError('z')"),
        ("request", "IndexError('i')"),
        ("app", "IndexError('i')"),
    ]


def test_appcontext_pushed_user_set_recipe(app: Flask) -> None:
    @contextmanager
    def user_set(app: Flask, user: str) -> t.Iterator[None]:
        def handler(sender: Flask, **kwargs: t.Any) -> None:
            g.user = user

        with appcontext_pushed.connected_to(handler, app):
            yield

    @app.route("/users/me")
    def me() -> str:
        return f"username={g.user}"

    with user_set(app, "john"):
        assert app.test_client().get("/users/me").data == b"username=john"


def test_before_render_template_can_change_the_context(app: Flask) -> None:
    def tweak(
        sender: Flask, template: t.Any, context: dict[str, t.Any], **extra: t.Any
    ) -> None:
        context["x"] = "changed"

    with before_render_template.connected_to(tweak, app), app.app_context():
        assert render_template_string("{{ x }}", x="original") == "changed"


def test_message_flashed_and_async_receivers(app: Flask) -> None:
    """message_flashed carries message and category; coroutine receivers
    are run through the app's ensure_sync."""
    recorded: list[tuple[str, str]] = []
    started: list[str] = []

    def record(sender: Flask, message: str, category: str, **extra: t.Any) -> None:
        recorded.append((message, category))

    async def on_start(sender: Flask, **extra: t.Any) -> None:
        await asyncio.sleep(0)
        started.append(request.path)

    @app.route("/")
    def index() -> str:
        flash("hi", "info")
        flash("there")
        return ""

    with (
        message_flashed.connected_to(record, app),
        request_started.connected_to(on_start, app),
    ):
        app.test_client().get("/")
    assert recorded == [("hi", "info"), ("there", "message")]
    assert started == ["/"]


# -- error handling -----------------------------------------------------------


def test_error_handler_lookup_rules(app: Flask) -> None:
    """Codes and classes are interchangeable, the most specific class wins,
    a custom HTTPException subclass carries its own code, and the 500
    handler gets an InternalServerError wrapping the original error."""
    app.testing = False

    class InsufficientStorage(HTTPException):
        code = 507
        description = "Not enough storage space."

    @app.errorhandler(400)
    def bad_request(e: HTTPException) -> tuple[str, int]:
        return "bad request!", 400

    @app.errorhandler(ConnectionError)
    def connection(e: ConnectionError) -> tuple[str, int]:
        return f"ConnectionError {type(e).__name__}", 500

    @app.errorhandler(ConnectionRefusedError)
    def refused(e: ConnectionRefusedError) -> tuple[str, int]:
        return "refused", 500

    @app.errorhandler(InternalServerError)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        original = type(e.original_exception).__name__
        return f"{type(e).__name__} {original}", 500

    app.register_error_handler(InsufficientStorage, lambda e: (e.description, 507))

    errors: dict[str, BaseException] = {
        "form": KeyError("x"),
        "refused": ConnectionRefusedError(),
        "aborted": ConnectionAbortedError(),
        "storage": InsufficientStorage(),
        "zero": ZeroDivisionError(),
    }

    def raiser() -> t.NoReturn:
        raise errors[request.endpoint or ""]

    @app.route("/form")
    def form() -> str:
        return request.form["missing"]

    for name in errors:
        if name != "form":
            app.add_url_rule(f"/{name}", name, raiser)

    client = app.test_client()
    assert client.get("/form").data == b"bad request!"
    assert client.get("/refused").data == b"refused"
    assert client.get("/aborted").data == b"ConnectionError ConnectionAbortedError"
    rv = client.get("/storage")
    assert (rv.status_code, rv.data) == (507, b"Not enough storage space.")
    assert client.get("/zero").data == b"InternalServerError ZeroDivisionError"


def test_register_error_handler_rejects_bad_keys(app: Flask) -> None:
    with pytest.raises(ValueError, match="'999' is not a recognized HTTP error code"):
        app.register_error_handler(999, lambda e: "")
    with pytest.raises(TypeError, match="is an instance, not a class"):
        app.register_error_handler(NotFound(), lambda e: "")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'int' is not a subclass of Exception"):
        app.register_error_handler(int, lambda e: "")  # type: ignore[arg-type]


def test_generic_http_exception_handler_as_json(app: Flask) -> None:
    """The JSON error recipe keeps the status and the Allow header of a
    routing 405 while replacing the body."""

    @app.errorhandler(HTTPException)
    def handle_exception(e: HTTPException) -> t.Any:
        response = e.get_response()
        response.data = minflask.json.dumps({"code": e.code, "name": e.name})
        response.content_type = "application/json"
        return response

    @app.route("/x", methods=["POST"])
    def x() -> str:
        return "x"

    client = app.test_client()
    rv = client.get("/x")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert rv.json == {"code": 405, "name": "Method Not Allowed"}
    assert client.get("/nothing").json == {"code": 404, "name": "Not Found"}


def test_blueprint_404_handler_only_for_its_own_aborts(app: Flask) -> None:
    """Routing 404s go to the app's handler; a blueprint's 404 handler runs
    only when one of its views aborts."""
    blog = Blueprint("blog", __name__)

    @blog.errorhandler(404)
    def blog_missing(e: HTTPException) -> tuple[str, int]:
        return "blog 404", 404

    @blog.route("/blog/post")
    def post() -> t.NoReturn:
        abort(404)

    app.register_blueprint(blog)

    @app.errorhandler(404)
    def page_not_found(e: HTTPException) -> tuple[str, int]:
        if request.path.startswith("/blog/"):
            return "blog space 404", 404
        return "site 404", 404

    client = app.test_client()
    assert client.get("/blog/post").data == b"blog 404"
    assert client.get("/blog/unknown").data == b"blog space 404"
    assert client.get("/unknown").data == b"site 404"


def test_api_error_recipes(app: Flask) -> None:
    class InvalidAPIUsage(Exception):
        status_code = 400

        def __init__(
            self,
            message: str,
            status_code: int | None = None,
            payload: dict[str, t.Any] | None = None,
        ) -> None:
            super().__init__()
            self.message = message
            if status_code is not None:
                self.status_code = status_code
            self.payload = payload

        def to_dict(self) -> dict[str, t.Any]:
            rv = dict(self.payload or ())
            rv["message"] = self.message
            return rv

    @app.errorhandler(InvalidAPIUsage)
    def invalid_api_usage(e: InvalidAPIUsage) -> tuple[t.Any, int]:
        return minflask.jsonify(e.to_dict()), e.status_code

    @app.errorhandler(404)
    def resource_not_found(e: HTTPException) -> tuple[t.Any, int]:
        return minflask.jsonify(error=str(e)), 404

    @app.route("/api/user")
    def user_api() -> t.NoReturn:
        user_id = request.args.get("user_id")
        if not user_id:
            raise InvalidAPIUsage("No user id provided!")
        raise InvalidAPIUsage("No such user!", status_code=404, payload={"id": user_id})

    @app.route("/cheese")
    def cheese() -> t.NoReturn:
        abort(404, description="Resource not found")

    client = app.test_client()
    rv = client.get("/api/user")
    assert (rv.status_code, rv.json) == (400, {"message": "No user id provided!"})
    rv = client.get("/api/user?user_id=4")
    assert (rv.status_code, rv.json) == (404, {"id": "4", "message": "No such user!"})
    assert client.get("/cheese").json == {"error": "404 Not Found: Resource not found"}


# -- class-based views --------------------------------------------------------


def test_view_instances_arguments_and_decorators(app: Flask) -> None:
    """as_view passes extra arguments to the class, init_every_request=False
    builds one instance, and decorators apply first to last."""
    created: list[str] = []
    calls: list[str] = []

    class ListView(View):
        def __init__(self, items: list[int], label: str) -> None:
            created.append(label)
            self.items = items
            self.label = label

        def dispatch_request(self) -> str:
            return f"{self.label} {self.items}"

    class SharedListView(ListView):
        init_every_request = False

    def tag(name: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
        def decorator(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            @functools.wraps(f)
            def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
                calls.append(name)
                return f(*args, **kwargs)

            return wrapper

        return decorator

    class Decorated(View):
        decorators = [tag("cache"), tag("login")]

        def dispatch_request(self) -> str:
            return "decorated"

    app.add_url_rule("/users/", view_func=ListView.as_view("users", [1, 2], "users"))
    app.add_url_rule(
        "/stories/", view_func=SharedListView.as_view("stories", [7], "stories")
    )
    view = Decorated.as_view("decorated")
    app.add_url_rule("/d", view_func=view)
    assert created == ["stories"]

    client = app.test_client()
    for _ in range(2):
        assert client.get("/users/").data == b"users [1, 2]"
        assert client.get("/stories/").data == b"stories [7]"
    assert created == ["stories", "users", "users"]
    assert client.get("/d").data == b"decorated"
    assert calls == ["login", "cache"]
    assert (view.__name__, view.view_class) == ("decorated", Decorated)  # type: ignore[attr-defined]


def test_method_view_dispatch_and_methods(app: Flask) -> None:
    class ItemAPI(MethodView):
        def get(self, id: int) -> str:
            return f"get {id}"

        def patch(self, id: int) -> t.Any:
            return {"id": id, "with": request.json}

        def delete(self, id: int) -> tuple[str, int]:
            return "", 204

    class GroupAPI(MethodView):
        def get(self) -> str:
            return "list"

        def post(self) -> t.Any:
            return request.json

    class Extended(GroupAPI):
        def put(self) -> str:
            return "put"

    assert ItemAPI.methods == {"GET", "PATCH", "DELETE"}
    assert Extended.methods == {"GET", "POST", "PUT"}
    app.add_url_rule("/items/<int:id>", view_func=ItemAPI.as_view("item"))
    app.add_url_rule("/items/", view_func=Extended.as_view("group"))

    client = app.test_client()
    assert client.get("/items/3").data == b"get 3"
    assert client.patch("/items/3", json={"a": 1}).json == {"id": 3, "with": {"a": 1}}
    assert client.delete("/items/3").status_code == 204
    assert client.post("/items/", json=[1]).json == [1]
    assert client.put("/items/").data == b"put"
    rv = client.delete("/items/")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "OPTIONS",
    }


def test_view_methods_attribute_and_url_override(app: Flask) -> None:
    class MyView(View):
        methods = ["GET", "POST"]

        def dispatch_request(self) -> str:
            return request.method

    app.add_url_rule("/my-view", view_func=MyView.as_view("my-view"))
    app.add_url_rule("/other", view_func=MyView.as_view("other"), methods=["PUT"])
    client = app.test_client()
    assert client.post("/my-view").data == b"POST"
    assert client.put("/other").data == b"PUT"
    assert client.post("/other").status_code == 405


# -- application and request contexts -----------------------------------------


def test_g_resource_with_teardown_and_local_proxy(app: Flask) -> None:
    """get_db caches on g, teardown_appcontext closes it once per context,
    and a LocalProxy over get_db behaves like current_app does."""
    opened: list[int] = []
    closed: list[int] = []

    class Connection:
        def __init__(self) -> None:
            self.id = len(opened) + 1
            opened.append(self.id)

        def close(self) -> None:
            closed.append(self.id)

    def get_db() -> Connection:
        if "db" not in g:
            g.db = Connection()
        return t.cast(Connection, g.db)

    @app.teardown_appcontext
    def teardown_db(exception: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is not None:
            db.close()

    db = t.cast(Connection, LocalProxy(get_db))

    @app.route("/")
    def index() -> str:
        return f"{get_db().id} {db.id}"

    with app.app_context():
        assert db.id == 1
    assert app.test_client().get("/").data == b"2 2"
    assert app.test_client().get("/").data == b"3 3"
    assert (opened, closed) == ([1, 2, 3], [1, 2, 3])


def test_working_outside_context_messages(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        current_app.name  # noqa: B018
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        request.path  # noqa: B018
    with app.test_request_context(
        "/make_report/2017", query_string={"format": "short"}
    ):
        assert (request.path, request.args["format"]) == ("/make_report/2017", "short")


def test_test_client_with_block_defers_teardown(app: Flask) -> None:
    log: list[str] = []

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    @app.teardown_request
    def show_teardown(exception: BaseException | None) -> None:
        log.append("teardown")

    with app.test_request_context():
        log.append("in block")
    assert log == ["in block", "teardown"]
    with app.test_client() as client:
        client.get("/")
        # The request's own teardown has run, but a copy of its context
        # stays pushed until the block ends, then is torn down too.
        assert request.path == "/"
        assert log == ["in block", "teardown", "teardown"]
    assert log == ["in block", "teardown", "teardown", "teardown"]
    assert not has_request_context()


def test_before_request_return_short_circuits(app: Flask) -> None:
    log: list[str] = []

    @app.before_request
    def first() -> str | None:
        log.append("first")
        return "short" if request.args.get("stop") else None

    @app.before_request
    def second() -> None:
        log.append("second")

    @app.route("/")
    def index() -> str:
        log.append("view")
        return "view"

    @app.after_request
    def after(response: t.Any) -> t.Any:
        log.append("after")
        return response

    assert app.test_client().get("/?stop=1").data == b"short"
    assert log == ["first", "after"]


def test_copy_current_request_context_carries_the_session(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        session["user"] = "sess-user"
        out: list[tuple[str, str]] = []

        @copy_current_request_context
        def work() -> None:
            out.append((request.path, session["user"]))

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        return repr(out)

    assert app.test_client().get("/").data == b"[('/', 'sess-user')]"


def test_proxies_are_falsy_outside_their_context(app: Flask) -> None:
    assert not request
    assert not current_app
    assert not has_request_context()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "1.2.3.4"}):
        assert request and current_app
        assert request.remote_addr == "1.2.3.4"


# -- blueprints ---------------------------------------------------------------


def test_blueprint_prefixes_names_and_relative_endpoints(app: Flask) -> None:
    simple_page = Blueprint("simple_page", __name__)

    @simple_page.route("/", defaults={"page": "index"})
    @simple_page.route("/<page>")
    def show(page: str) -> str:
        return f"{page} {url_for('.show', page='x')} {request.blueprint}"

    app.register_blueprint(simple_page, url_prefix="/pages")
    app.register_blueprint(simple_page, url_prefix="/more", name="more")
    with pytest.raises(ValueError, match="'simple_page' is already registered"):
        app.register_blueprint(simple_page, url_prefix="/again")

    rules = {(r.rule, r.endpoint) for r in app.url_map.iter_rules()}
    assert ("/pages/<page>", "simple_page.show") in rules
    assert ("/more/", "more.show") in rules
    client = app.test_client()
    assert client.get("/pages/").data == b"index /pages/x simple_page"
    assert client.get("/more/a").data == b"a /more/x more"
    with app.test_request_context(), pytest.raises(BuildError):
        url_for(".show", page="x")


def test_nested_blueprints(app: Flask) -> None:
    """Children take the parent's name and prefix, parent hooks and error
    handlers apply to them, and subdomains nest child.parent."""
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")
    log: list[str] = []

    @child.route("/create")
    def create() -> str:
        return f"{url_for('parent.child.create')} {request.blueprints}"

    @child.route("/zero")
    def zero() -> str:
        return str(1 / 0)

    @parent.before_request
    def before() -> None:
        log.append(request.endpoint or "")

    @parent.errorhandler(ZeroDivisionError)
    def zero_handler(e: ZeroDivisionError) -> tuple[str, int]:
        return "parent handled", 500

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = app.test_client()
    assert client.get("/parent/child/create").data == (
        b"/parent/child/create ['parent.child', 'parent']"
    )
    assert client.get("/parent/child/zero").data == b"parent handled"
    assert log == ["parent.child.create", "parent.child.zero"]

    sub_app = Flask("subdomains", subdomain_matching=True)
    sub_app.config["SERVER_NAME"] = "domain.tld"
    outer = Blueprint("outer", __name__, subdomain="parent")
    inner = Blueprint("inner", __name__, subdomain="child")
    inner.add_url_rule("/create", "create", lambda: "made")
    outer.register_blueprint(inner)
    sub_app.register_blueprint(outer)
    with sub_app.app_context():
        url = url_for("outer.inner.create", _external=True)
    assert url == "http://child.parent.domain.tld/create"
    rv = sub_app.test_client().get("/create", base_url="http://child.parent.domain.tld")
    assert rv.data == b"made"


def test_blueprint_templates_and_static_files(tmp_path: Path) -> None:
    """The app's template folder wins over blueprints', the first
    registered blueprint wins among blueprints, and a blueprint static
    folder is served under its prefix."""
    _write(tmp_path / "templates", {"over.html": "app"})
    _write(tmp_path / "a" / "templates", {"same.html": "a", "over.html": "a over"})
    _write(tmp_path / "b" / "templates", {"same.html": "b"})
    _write(tmp_path / "a" / "static", {"a.css": "a{}"})
    app = Flask("bp_templates", root_path=str(tmp_path))
    first = Blueprint(
        "a",
        __name__,
        root_path=str(tmp_path / "a"),
        template_folder="templates",
        static_folder="static",
    )
    second = Blueprint(
        "b", __name__, root_path=str(tmp_path / "b"), template_folder="templates"
    )
    app.register_blueprint(second)
    app.register_blueprint(first, url_prefix="/admin")
    with app.test_request_context():
        assert render_template("same.html") == "b"
        assert render_template("over.html") == "app"
        assert url_for("a.static", filename="a.css") == "/admin/static/a.css"
    rv = app.test_client().get("/admin/static/a.css")
    assert rv.data == b"a{}"
    rv.close()
    with first.open_resource("static/a.css") as f:
        assert f.read() == b"a{}"


# -- async --------------------------------------------------------------------


def test_async_views_hooks_and_ensure_sync_decorator(app: Flask) -> None:
    """async def views, hooks, handlers and MethodView methods run, and an
    extension decorator can wrap async views with ensure_sync."""

    def extension(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(func)
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return "ext:" + current_app.ensure_sync(func)(*args, **kwargs)

        return wrapper

    @app.before_request
    async def before() -> None:
        g.before = "before"

    @app.route("/get-data")
    async def get_data() -> t.Any:
        await asyncio.sleep(0)
        return {"path": request.path, "before": g.before}

    @app.route("/ext")
    @extension
    async def wrapped() -> str:
        return "inner"

    @app.route("/boom")
    async def boom() -> str:
        raise LookupError("async boom")

    @app.errorhandler(LookupError)
    async def handled(e: LookupError) -> tuple[str, int]:
        return f"handled {e}", 418

    class Async(MethodView):
        async def get(self) -> str:
            return "async get"

    app.add_url_rule("/mv", view_func=Async.as_view("mv"))
    client = app.test_client()
    assert client.get("/get-data").json == {"path": "/get-data", "before": "before"}
    assert client.get("/ext").data == b"ext:inner"
    assert client.get("/boom").data == b"handled async boom"
    assert client.get("/mv").data == b"async get"


def test_async_background_tasks_are_cancelled(app: Flask) -> None:
    """Tasks still pending when an async view returns are cancelled, as the
    async page warns."""
    outcome: list[str] = []

    @app.route("/")
    async def spawn() -> str:
        async def background() -> None:
            try:
                await asyncio.sleep(0.05)
                outcome.append("finished")
            except asyncio.CancelledError:
                outcome.append("cancelled")
                raise

        asyncio.get_running_loop().create_task(background())
        await asyncio.sleep(0)
        return "spawned"

    assert app.test_client().get("/").data == b"spawned"
    assert outcome == ["cancelled"]


# -- extension development ----------------------------------------------------


class HelloExtension:
    """A small extension built the way the extension guide recommends."""

    def __init__(self, app: Flask | None = None) -> None:
        self.opened: list[str] = []
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.config.setdefault("HELLO_DB_URL", "memory://")
        app.extensions["hello"] = self
        app.before_request(self._before)
        app.teardown_appcontext(self._teardown)
        bp = Blueprint("hello", __name__, url_prefix="/hello")
        bp.add_url_rule("/", "index", self._index)
        app.register_blueprint(bp)

    def _before(self) -> None:
        g._hello = SimpleNamespace(user_id=request.args.get("uid", type=int))

    def _teardown(self, exc: BaseException | None) -> None:
        g.pop("_hello_db", None)

    def _index(self) -> str:
        ext = current_app.extensions["hello"]
        return f"{ext is self} {g._hello.user_id} {self.get_db()}"

    def get_db(self) -> str:
        if "_hello_db" not in g:
            url = current_app.config["HELLO_DB_URL"]
            self.opened.append(url)
            g._hello_db = url
        return t.cast(str, g._hello_db)

    def login_required(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(func)
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if g._hello.user_id is None:
                return "denied", 401
            return current_app.ensure_sync(func)(*args, **kwargs)

        return wrapper


def test_extension_pattern_serves_several_apps() -> None:
    hello = HelloExtension()

    def create_app(**config: t.Any) -> Flask:
        app = Flask("ext_app")
        app.config.update(config)
        hello.init_app(app)

        @app.route("/secret")
        @hello.login_required
        async def secret() -> str:
            return f"secret {hello.get_db()} {hello.get_db()}"

        return app

    one = create_app(HELLO_DB_URL="sqlite://one")
    two = create_app()
    for app in (one, two):
        client = app.test_client()
        assert client.get("/secret").status_code == 401
        url = app.config["HELLO_DB_URL"]
        assert client.get("/secret?uid=1").data == f"secret {url} {url}".encode()
        assert client.get("/hello/?uid=7").data == f"True 7 {url}".encode()
    assert hello.opened == ["sqlite://one"] * 2 + ["memory://"] * 2
    assert one.extensions["hello"] is two.extensions["hello"] is hello


# -- patterns -----------------------------------------------------------------


def test_dispatching_by_prefix_subdomain_and_path(app: Flask) -> None:
    """DispatcherMiddleware mounts an app under a prefix (url_for includes
    it); the subdomain and path dispatchers from the docs work too."""

    @app.route("/where")
    def where() -> str:
        return f"{request.script_root}|{url_for('where')}"

    frontend = Flask("frontend")
    frontend.add_url_rule("/", "hello", lambda: "front")
    combined = Client(DispatcherMiddleware(frontend, {"/backend": app}))
    assert combined.get("/").data == b"front"
    assert combined.get("/backend/where").data == b"/backend|/backend/where"

    def create_app(user: str) -> Flask:
        user_app = Flask(f"user_{user}")
        user_app.add_url_rule("/", "index", lambda: f"hi {user} {request.script_root}")
        return user_app

    instances: dict[str, WSGIApp] = {}

    def by_subdomain(
        environ: WSGIEnviron, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        host = environ["HTTP_HOST"].split(":")[0]
        subdomain = host[: -len("example.com")].rstrip(".")
        if subdomain not in instances:
            instances[subdomain] = (
                create_app(subdomain) if subdomain == "bob" else NotFound()
            )
        return instances[subdomain](environ, start_response)

    subdomains = Client(by_subdomain)
    assert subdomains.get("/", headers={"Host": "bob.example.com"}).data == b"hi bob "
    assert subdomains.get("/", headers={"Host": "eve.example.com"}).status_code == 404

    from wsgiref.util import shift_path_info

    def by_path(
        environ: WSGIEnviron, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        prefix = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
        if prefix == "alice":
            shift_path_info(environ)
            return create_app(prefix)(environ, start_response)
        return frontend(environ, start_response)

    paths = Client(by_path)
    assert paths.get("/alice/").data == b"hi alice /alice"
    assert paths.get("/").data == b"front"


def test_deferred_cookie_from_before_request(app: Flask) -> None:
    @app.before_request
    def detect_user_language() -> None:
        language = request.cookies.get("user_lang")
        if language is None:
            language = request.accept_languages.best_match(["en", "de"]) or "en"

            @after_this_request
            def remember_language(response: t.Any) -> t.Any:
                response.set_cookie("user_lang", language)
                return response

        g.language = language

    @app.route("/")
    def index() -> str:
        return t.cast(str, g.language)

    client = app.test_client()
    rv = client.get("/", headers={"Accept-Language": "de"})
    assert (rv.data, rv.headers["Set-Cookie"]) == (b"de", "user_lang=de; Path=/")
    rv = client.get("/")
    assert (rv.data, "Set-Cookie" in rv.headers) == (b"de", False)


def test_favicon_redirect_rule_and_send_from_directory(site: Flask) -> None:
    with site.test_request_context():
        target = url_for("static", filename="favicon.ico")
    site.add_url_rule("/favicon.ico", endpoint="favicon", redirect_to=target)

    @site.route("/icon.ico")
    def icon() -> t.Any:
        return send_from_directory(
            Path(site.root_path) / "static",
            "favicon.ico",
            mimetype="image/vnd.microsoft.icon",
        )

    client = site.test_client()
    rv = client.get("/favicon.ico")
    assert (rv.status_code, rv.location) == (308, "http://localhost/static/favicon.ico")
    rv = client.get("/icon.ico")
    assert (rv.data, rv.mimetype) == (b"ICO", "image/vnd.microsoft.icon")
    rv.close()


def test_file_upload_pattern(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path)

    @app.route("/", methods=["GET", "POST"])
    def upload_file() -> t.Any:
        if request.method == "POST":
            if "file" not in request.files:
                flash("No file part")
                return redirect(request.url)
            file = request.files["file"]
            if file.filename == "":
                flash("No selected file")
                return redirect(request.url)
            filename = secure_filename(file.filename or "")
            file.save(Path(app.config["UPLOAD_FOLDER"]) / filename)
            return redirect(url_for("download_file", name=filename))
        return repr(get_flashed_messages())

    @app.route("/uploads/<name>")
    def download_file(name: str) -> t.Any:
        return send_from_directory(app.config["UPLOAD_FOLDER"], name)

    app.add_url_rule("/cdn/<name>", endpoint="cdn_file", build_only=True)
    client = app.test_client()
    assert client.post("/").location == "http://localhost/"
    assert client.get("/").data == b"['No file part']"
    client.post("/", data={"file": (io.BytesIO(b"x"), "")})
    assert client.get("/").data == b"['No selected file']"
    rv = client.post("/", data={"file": (io.BytesIO(b"hello"), "../../etc/a.txt")})
    assert rv.location == "/uploads/etc_a.txt"
    rv = client.get("/uploads/etc_a.txt")
    assert rv.data == b"hello"
    rv.close()
    assert client.get("/uploads/..%2Fsecret").status_code == 404
    assert client.get("/cdn/x").status_code == 404
    with app.test_request_context():
        assert url_for("cdn_file", name="a b") == "/cdn/a%20b"


def test_max_content_length_gives_413(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.route("/", methods=["POST"])
    def upload() -> str:
        return str(len(request.get_data()))

    client = app.test_client()
    assert client.post("/", data=b"x" * 50).data == b"50"
    assert client.post("/", data=b"x" * 101).status_code == 413


def test_flashing_pattern_with_categories_and_filters(site: Flask) -> None:
    @site.route("/")
    def index() -> str:
        return render_template("index.html", items=[])

    @site.route("/login", methods=["POST"])
    def login() -> t.Any:
        if request.form["password"] != "secret":
            flash("Invalid password provided", "error")
            flash(Markup("<b>bold</b>"), "warning")
            return render_template_string(
                "{% for c, m in get_flashed_messages(with_categories=true) %}"
                "{{ c }}:{{ m }};{% endfor %}|"
                "{{ get_flashed_messages(category_filter=['error']) }}"
            )
        flash("You were successfully logged in")
        return redirect(url_for("index"))

    client = site.test_client()
    rv = client.post("/login", data={"password": "x"})
    assert rv.data == (
        b"error:Invalid password provided;warning:<b>bold</b>;|"
        b"[&#39;Invalid password provided&#39;]"
    )
    client.post("/login", data={"password": "secret"})
    assert client.get("/").data == b"<li>You were successfully logged in</li>[0]"
    assert client.get("/").data == b"[0]"


def test_get_flashed_messages_within_one_request(app: Flask) -> None:
    """Messages leave the session on the first call but later calls in the
    same request return them again; new flashes wait for the next one."""
    with app.test_request_context():
        flash("x", "cat")
        flash("y")
        assert get_flashed_messages(with_categories=True) == [
            ("cat", "x"),
            ("message", "y"),
        ]
        assert "_flashes" not in session
        assert get_flashed_messages(category_filter=["cat"]) == ["x"]
        flash("z")
        assert get_flashed_messages() == ["x", "y"]
        assert session["_flashes"] == [("message", "z")]


def test_lazy_views_and_method_override_middleware(app: Flask) -> None:
    class LazyView:
        def __init__(self, import_name: str) -> None:
            self.__module__, self.__name__ = import_name.rsplit(".", 1)
            self.import_name = import_name

        @cached_property
        def view(self) -> t.Callable[..., t.Any]:
            return t.cast(t.Callable[..., t.Any], import_string(self.import_name))

        def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
            return self.view(*args, **kwargs)

    app.add_url_rule("/base/<path:p>", view_func=LazyView("posixpath.basename"))

    class HTTPMethodOverrideMiddleware:
        allowed_methods = frozenset(
            ["GET", "HEAD", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"]
        )
        bodyless_methods = frozenset(["GET", "HEAD", "OPTIONS", "DELETE"])

        def __init__(self, wsgi_app: WSGIApp) -> None:
            self.app = wsgi_app

        def __call__(
            self, environ: WSGIEnviron, start_response: StartResponse
        ) -> t.Iterable[bytes]:
            method = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").upper()
            if method in self.allowed_methods:
                environ["REQUEST_METHOD"] = method
            if method in self.bodyless_methods:
                environ["CONTENT_LENGTH"] = "0"
            return self.app(environ, start_response)

    app.wsgi_app = HTTPMethodOverrideMiddleware(app.wsgi_app)  # type: ignore[method-assign]

    @app.route("/m", methods=["POST", "PATCH", "DELETE"])
    def m() -> str:
        return f"{request.method}:{request.get_data()!r}"

    # The endpoint is the lazy view's __name__; the import waits for a request.
    assert "basename" in app.view_functions
    client = app.test_client()
    assert client.get("/base/a/b.txt").data == b"b.txt"
    override = {"X-HTTP-Method-Override": "PATCH"}
    assert client.post("/m", data="body", headers=override).data == b"PATCH:b'body'"
    override = {"X-HTTP-Method-Override": "DELETE"}
    assert client.post("/m", data="body", headers=override).data == b"DELETE:b''"


def test_json_requests_and_tojson(app: Flask) -> None:
    """request.json needs the JSON content type (415 otherwise) and valid
    JSON (400); |tojson escapes HTML-sensitive characters."""

    @app.post("/user/<int:id>")
    def user_update(id: int) -> t.Any:
        return {"id": id, "got": request.json}

    client = app.test_client()
    assert client.post("/user/3", json={"a": 1}).json == {"id": 3, "got": {"a": 1}}
    assert client.post("/user/3", data='{"a": 1}').status_code == 415
    bad = client.post("/user/3", data="{bad", content_type="application/json")
    assert bad.status_code == 400
    with app.test_request_context():
        rendered = render_template_string(
            "{{ data|tojson }} {{ request.script_root|tojson }}",
            data={"h": "</script>&'"},
        )
    assert rendered == '{"h": "\\u003c/script\\u003e\\u0026\\u0027"} ""'


def test_request_checksum_stream_wrapper(app: Flask) -> None:
    class ChecksumCalcStream:
        def __init__(self, stream: t.BinaryIO) -> None:
            self._stream = stream
            self._hash = hashlib.sha1()

        def read(self, size: int) -> bytes:
            rv = self._stream.read(size)
            self._hash.update(rv)
            return rv

        def readline(self, size_hint: int) -> bytes:
            rv = self._stream.readline(size_hint)
            self._hash.update(rv)
            return rv

    @app.route("/special-api", methods=["POST"])
    def special_api() -> str:
        stream = ChecksumCalcStream(request.environ["wsgi.input"])
        request.environ["wsgi.input"] = stream
        form = request.form
        return f"{stream._hash.hexdigest()} {sorted(form)}"

    body = b"a=1&b=2"
    rv = app.test_client().post(
        "/special-api", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert rv.data == f"{hashlib.sha1(body).hexdigest()} ['a', 'b']".encode()


def test_single_page_app_catch_all(tmp_path: Path) -> None:
    _write(tmp_path / "app", {"index.html": "<html>SPA</html>", "main.js": "js"})
    app = Flask(
        "spa", root_path=str(tmp_path), static_folder="app", static_url_path="/app"
    )

    @app.route("/heartbeat")
    def heartbeat() -> t.Any:
        return minflask.jsonify({"status": "healthy"})

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def catch_all(path: str) -> t.Any:
        return app.send_static_file("index.html")

    client = app.test_client()
    assert client.get("/heartbeat").json == {"status": "healthy"}
    for url in ("/", "/deep/client/route", "/app/index.html"):
        rv = client.get(url)
        assert rv.data == b"<html>SPA</html>", url
        rv.close()
    rv = client.get("/app/main.js")
    assert rv.data == b"js"
    rv.close()


def test_streaming_patterns(app: Flask) -> None:
    """A generator plus headers streams as-is; request access inside the
    generator needs stream_with_context, wrapped or as a decorator."""

    @app.route("/large.csv")
    def generate_large_csv() -> t.Any:
        def generate() -> t.Iterator[str]:
            for row in (["0", "x"], ["1", "y"]):
                yield f"{','.join(row)}\n"

        return generate(), {"Content-Type": "text/csv"}

    @app.route("/stream")
    def streamed_response() -> t.Any:
        def generate() -> t.Iterator[str]:
            yield "<p>Hello "
            yield escape(request.args["name"])
            yield "!</p>"

        return stream_with_context(generate())

    @app.route("/decorated")
    def decorated() -> t.Any:
        g.extra = "g kept"

        @stream_with_context
        def generate() -> t.Iterator[str]:
            yield request.args["name"]
            yield f" {g.extra}"

        # The decorator form returns a function; its annotation does not say so.
        return minflask.Response(generate())  # type: ignore[operator]

    @app.route("/bare")
    def bare() -> t.Any:
        def generate() -> t.Iterator[str]:
            yield request.args["name"]

        return generate()

    client = app.test_client()
    rv = client.get("/large.csv")
    assert (rv.data, rv.mimetype) == (b"0,x\n1,y\n", "text/csv")
    assert client.get("/stream?name=<b>").data == b"<p>Hello &lt;b&gt;!</p>"
    assert client.get("/decorated?name=n").data == b"n g kept"
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        client.get("/bare?name=n")
    with pytest.raises(RuntimeError, match="stream_with_context"):
        stream_with_context(iter(["x"]))


def test_subclassing_request_class() -> None:
    from werkzeug.datastructures import ImmutableMultiDict

    class MyRequest(minflask.Request):
        parameter_storage_class = ImmutableMultiDict  # type: ignore[assignment]

    class MyFlask(Flask):
        request_class = MyRequest

    app = MyFlask("subclassed")

    @app.route("/")
    def index() -> str:
        current = request._get_current_object()  # type: ignore[attr-defined]
        return f"{type(current).__name__} {request.args.getlist('b')}"

    assert app.test_client().get("/?b=1&a=2&b=3").data == b"MyRequest ['1', '3']"


def test_url_processors_for_app_and_blueprint(app: Flask) -> None:
    @app.url_defaults
    def add_language_code(endpoint: str, values: dict[str, t.Any]) -> None:
        if "lang_code" in values or not g.get("lang_code"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = g.lang_code

    @app.url_value_preprocessor
    def pull_lang_code(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        if endpoint and endpoint.startswith("frontend."):
            return
        g.lang_code = values.pop("lang_code", None) if values else None

    @app.route("/<lang_code>/")
    def index() -> str:
        return f"{g.lang_code} {url_for('about')} {url_for('index', lang_code='fr')}"

    @app.route("/<lang_code>/about")
    def about() -> str:
        return "about"

    bp = Blueprint("frontend", __name__, url_prefix="/bp/<lang_code>")

    @bp.url_defaults
    def bp_defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang_code", g.lang_code)

    @bp.url_value_preprocessor
    def bp_pull(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        g.lang_code = values.pop("lang_code") if values else None

    @bp.route("/")
    def bp_index() -> str:
        return f"bp {g.lang_code} {url_for('.bp_index')}"

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/en/").data == b"en /en/about /fr/"
    assert client.get("/bp/it/").data == b"bp it /bp/it/"


def test_view_decorator_patterns(site: Flask) -> None:
    """login_required redirects with next=, templated() renders dicts and
    passes anything else through, app.endpoint binds a bare Rule."""

    def login_required(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(f)
        def decorated_function(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if request.args.get("user") is None:
                return redirect(url_for("login", next=request.url))
            return f(*args, **kwargs)

        return decorated_function

    def templated(template: str | None = None) -> t.Callable[..., t.Any]:
        def decorator(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            @functools.wraps(f)
            def decorated_function(*args: t.Any, **kwargs: t.Any) -> t.Any:
                name = template or f"{(request.endpoint or '').replace('.', '/')}.html"
                ctx = f(*args, **kwargs)
                if ctx is None:
                    ctx = {}
                elif not isinstance(ctx, dict):
                    return ctx
                return render_template(name, **ctx)

            return decorated_function

        return decorator

    @site.route("/login")
    def login() -> str:
        return request.args["next"]

    @site.route("/secret")
    @login_required
    def secret() -> str:
        return "secret"

    @site.route("/hello")
    @templated()
    def hello() -> dict[str, str]:
        return {"person": "P"}

    @site.route("/raw")
    @templated("hello.html")
    def raw() -> tuple[str, int]:
        return "raw", 201

    site.url_map.add(Rule("/ep", endpoint="ep_index"))

    @site.endpoint("ep_index")
    def my_index() -> str:
        return "Hello world"

    client = site.test_client()
    assert client.get("/secret").location == "/login?next=http://localhost/secret"
    assert client.get("/secret?user=u").data == b"secret"
    assert client.get("/hello").data == b"Hello P!"
    rv = client.get("/raw")
    assert (rv.status_code, rv.data) == (201, b"raw")
    assert client.get("/ep").data == b"Hello world"


def test_package_pattern_resources(tmp_path: Path) -> None:
    """An app named after a package finds templates, static files and
    resources relative to that package's folder."""
    _write(
        tmp_path / "templates",
        {
            "layout.html": "<title>{% block title %}{% endblock %}</title>",
            "page.html": '{% extends "layout.html" %}{% block title %}Index{% endblock %}',
        },
    )
    _write(tmp_path, {"schema.sql": "create table t (x);"})
    app = Flask("yourapplication", root_path=str(tmp_path))
    with app.app_context():
        assert render_template("page.html") == "<title>Index</title>"
    with app.open_resource("schema.sql", "r") as f:
        assert f.read() == "create table t (x);"
    with app.open_resource("schema.sql") as f:
        assert f.read() == b"create table t (x);"
    with pytest.raises(ValueError, match="only be opened for reading"):
        app.open_resource("schema.sql", "w")


# -- API reference: sessions --------------------------------------------------


def test_session_mutations_need_modified(app: Flask) -> None:
    @app.route("/set")
    def set_() -> str:
        session["objects"] = [1]
        return f"{session.modified} {session.new} {session.permanent}"

    @app.route("/append")
    def append() -> str:
        session["objects"].append(2)
        return str(session.modified)

    @app.route("/mark")
    def mark() -> str:
        session["objects"].append(3)
        session.modified = True
        return ""

    @app.route("/get")
    def get() -> str:
        return repr(session["objects"])

    client = app.test_client()
    assert client.get("/set").data == b"True False False"
    rv = client.get("/append")
    assert (rv.data, "Set-Cookie" in rv.headers) == (b"False", False)
    assert client.get("/get").data == b"[1]"
    assert "Set-Cookie" in client.get("/mark").headers
    assert client.get("/get").data == b"[1, 3]"


def test_session_tagged_values_round_trip(app: Flask) -> None:
    from datetime import datetime, timezone

    values: dict[str, t.Any] = {
        "t": (1, 2),
        "b": b"\xff",
        "m": Markup("<b>"),
        "u": uuid.UUID(int=5),
        "d": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "nested": {" t": 1, "x": [(1,)]},
    }

    @app.route("/set")
    def set_() -> str:
        session.update(values)
        return ""

    @app.route("/get")
    def get() -> str:
        return repr(
            all(
                session[k] == v and type(session[k]) is type(v)
                for k, v in values.items()
            )
        )

    client = app.test_client()
    client.get("/set")
    assert client.get("/get").data == b"True"


def test_permanent_session_and_lifetime(app: Flask) -> None:
    from datetime import timedelta

    @app.route("/")
    def index() -> str:
        session.permanent = True
        session["a"] = 1
        return ""

    @app.route("/noop")
    def noop() -> str:
        return ""

    assert app.permanent_session_lifetime == timedelta(days=31)
    app.config["PERMANENT_SESSION_LIFETIME"] = 3600
    assert app.permanent_session_lifetime == timedelta(seconds=3600)
    client = app.test_client()
    assert "Expires=" in client.get("/").headers["Set-Cookie"]
    # A permanent session is re-sent on every request unless disabled.
    assert "Set-Cookie" in client.get("/noop").headers
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert "Set-Cookie" not in client.get("/noop").headers


def test_session_cookie_settings_apply_to_set_and_delete(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/p",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
    )

    @app.route("/p/set")
    def set_() -> str:
        session["a"] = 1
        return ""

    @app.route("/p/del")
    def delete() -> str:
        session.pop("a")
        return ""

    client = app.test_client()
    cookie = client.get("/p/set", base_url="https://example.com").headers["Set-Cookie"]
    for part in (
        "Domain=example.com",
        "Secure",
        "HttpOnly",
        "Path=/p",
        "SameSite=Strict",
        "Partitioned",
    ):
        assert part in cookie
    gone = client.get("/p/del", base_url="https://example.com").headers["Set-Cookie"]
    assert gone.startswith("session=; Domain=example.com; Expires=Thu, 01 Jan 1970")
    assert "Partitioned" in gone
    app.config.update(SESSION_COOKIE_PATH=None, APPLICATION_ROOT="/root")
    assert app.session_interface.get_cookie_path(app) == "/root"


def test_null_session_without_secret_key() -> None:
    """Reading works on the empty null session; writing explains that the
    secret key is missing."""
    app = Flask("no_key")
    app.testing = True

    @app.route("/read")
    def read() -> str:
        return f"{type(session._get_current_object()).__name__} {session.get('x')}"  # type: ignore[attr-defined]

    @app.route("/write")
    def write() -> str:
        session["x"] = 1
        return ""

    client = app.test_client()
    assert client.get("/read").data == b"NullSession None"
    with pytest.raises(RuntimeError, match="no secret key was set"):
        client.get("/write")
    null = NullSession()
    operations: list[t.Callable[[], object]] = [
        lambda: null.pop("a"),
        lambda: null.update(a=1),
        null.clear,
    ]
    for operation in operations:
        with pytest.raises(RuntimeError, match="session is unavailable"):
            operation()


def test_custom_session_interface(app: Flask) -> None:
    """A dict+SessionMixin session from a custom interface is used, and an
    open_session returning None falls back to the null session."""

    class Session(dict[str, t.Any], SessionMixin):
        pass

    store: dict[str, dict[str, t.Any]] = {}

    class MySessionInterface(SessionInterface):
        def open_session(self, app: Flask, request: minflask.Request) -> Session | None:
            if request.args.get("fail"):
                return None
            return Session(store.get(request.cookies.get("sid", ""), {}))

        def save_session(
            self, app: Flask, session: SessionMixin, response: t.Any
        ) -> None:
            store["1"] = dict(session)
            response.set_cookie("sid", "1")

    app.session_interface = MySessionInterface()

    @app.route("/")
    def index() -> str:
        session["n"] = session.get("n", 0) + 1
        return f"{session['n']} {type(session._get_current_object()).__name__}"  # type: ignore[attr-defined]

    client = app.test_client()
    assert client.get("/").data == b"1 Session"
    assert client.get("/").data == b"2 Session"
    with pytest.raises(RuntimeError, match="no secret key"):
        client.get("/?fail=1")


def test_secret_key_fallbacks_read_old_cookies(app: Flask) -> None:
    @app.route("/set")
    def set_() -> str:
        session["v"] = "val"
        return ""

    @app.route("/get")
    def get() -> str:
        return str(session.get("v"))

    client = app.test_client()
    client.get("/set")
    app.secret_key = "rotated"
    assert client.get("/get").data == b"None"
    app.config["SECRET_KEY_FALLBACKS"] = ["test key"]
    assert client.get("/get").data == b"val"


# -- API reference: helpers ---------------------------------------------------


def test_make_response_forms(app: Flask) -> None:
    with app.test_request_context():
        empty = make_response()
        assert (empty.status_code, empty.data) == (200, b"")
        rv = make_response("x", 201, {"X-A": "b"})
        assert (rv.status_code, rv.headers["X-A"]) == (201, "b")
        assert make_response(("y", {"X-B": "c"})).headers["X-B"] == "c"
        assert make_response({"a": 1}).mimetype == "application/json"
        assert make_response(rv) is rv
        assert isinstance(rv, minflask.Response)


def test_after_this_request_runs_before_app_hooks(app: Flask) -> None:
    @app.after_request
    def app_after(response: t.Any) -> t.Any:
        response.headers["X-Order"] = response.headers.get("X-Order", "") + "app"
        return response

    @app.route("/")
    def index() -> str:
        @after_this_request
        def add_header(response: t.Any) -> t.Any:
            response.headers["X-Foo"] = "Parachute"
            response.headers["X-Order"] = "view-"
            return response

        return "Hello World!"

    rv = app.test_client().get("/")
    assert (rv.headers["X-Foo"], rv.headers["X-Order"]) == ("Parachute", "view-app")


def test_send_file_documented_options(site: Flask) -> None:
    path = Path(site.root_path) / "static" / "style.css"

    def fetch(**kwargs: t.Any) -> t.Any:
        with site.test_request_context(headers=kwargs.pop("headers", {})):
            rv = send_file(**kwargs)
            rv.direct_passthrough = False
            return rv

    rv = fetch(path_or_file=str(path))
    assert rv.headers["Cache-Control"] == "no-cache"
    assert rv.headers["Content-Disposition"] == "inline; filename=style.css"
    assert rv.get_etag()[0]
    rv.close()
    rv = fetch(
        path_or_file=str(path),
        as_attachment=True,
        download_name="naïve.css",
        max_age=10,
    )
    assert rv.headers["Content-Disposition"] == (
        "attachment; filename=naive.css; filename*=UTF-8''na%C3%AFve.css"
    )
    assert rv.headers["Cache-Control"] == "public, max-age=10"
    rv.close()
    rv = fetch(path_or_file=io.BytesIO(b"data"), download_name="d.json")
    assert (rv.mimetype, rv.data) == ("application/json", b"data")
    rv = fetch(path_or_file=str(path), headers={"Range": "bytes=0-3"})
    assert (rv.status_code, rv.data) == (206, b"body")
    rv.close()
    with pytest.raises(ValueError, match="binary mode"):
        fetch(path_or_file=io.StringIO("text"), mimetype="text/plain")
    with pytest.raises(TypeError, match="Unable to detect the MIME type"):
        fetch(path_or_file=io.BytesIO(b"x"))
    site.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    rv = fetch(path_or_file=str(path))
    assert rv.headers["Cache-Control"] == "public, max-age=60"
    rv.close()
    site.config["USE_X_SENDFILE"] = True
    rv = fetch(path_or_file=str(path))
    assert (rv.headers["X-Sendfile"], rv.data) == (str(path), b"")


def test_send_from_directory_is_relative_to_root_path(site: Flask) -> None:
    @site.route("/files/<path:name>")
    def files(name: str) -> t.Any:
        return send_from_directory("static", name, as_attachment=True)

    client = site.test_client()
    rv = client.get("/files/style.css")
    assert rv.headers["Content-Disposition"] == "attachment; filename=style.css"
    rv.close()
    assert client.get("/files/../templates/hello.html").status_code == 404
    assert client.get("/files/missing.css").status_code == 404


def test_abort_and_redirect_with_and_without_an_app(app: Flask) -> None:
    """abort raises the HTTPException for a code or wraps a response, and
    goes through app.aborter when an app is active; redirect uses the
    Response class given only when no app is active."""
    with pytest.raises(HTTPException) as exc_info:
        abort(WerkzeugResponse("teapot", 418))
    assert exc_info.value.response is not None
    assert exc_info.value.response.status_code == 418
    with pytest.raises(HTTPException) as exc_info:
        abort(400, "custom description")
    assert (exc_info.value.code, exc_info.value.description) == (
        400,
        "custom description",
    )
    with pytest.raises(LookupError, match="no exception for 999"):
        abort(999)

    class Plain(WerkzeugResponse):
        pass

    assert type(redirect("/x", 301, Response=Plain)) is Plain
    assert redirect("/x").status_code == 302

    def custom_aborter(code: int, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(f"custom abort {code}")

    app.aborter = custom_aborter  # type: ignore[assignment]
    with app.app_context():
        assert type(redirect("/x", 307, Response=Plain)) is app.response_class
        with pytest.raises(RuntimeError, match="custom abort 404"):
            abort(404)


def test_url_for_documented_arguments(app: Flask) -> None:
    @app.route("/u/<int:id>", methods=["GET", "POST"])
    def item(id: int) -> str:
        return ""

    with app.test_request_context("/", base_url="https://example.org/sub"):
        assert (
            url_for("item", id=3, q="a b", _anchor="frag x")
            == "/sub/u/3?q=a+b#frag%20x"
        )
        assert url_for("item", id=3, _external=True) == "https://example.org/sub/u/3"
        assert url_for("item", id=3, _method="POST") == "/sub/u/3"
        assert url_for("static", filename="a b.css") == "/sub/static/a%20b.css"
    with app.app_context(), pytest.raises(RuntimeError, match="SERVER_NAME"):
        url_for("item", id=1)
    app.config["SERVER_NAME"] = "srv.test"
    with app.app_context():
        # Outside a request, URLs are external unless asked otherwise.
        assert url_for("item", id=5) == "http://srv.test/u/5"
        assert url_for("item", id=5, _external=False) == "/u/5"
