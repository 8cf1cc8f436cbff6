"""The scenarios as Flask application code, written once.

Each factory takes the framework module (``minflask`` or ``flask``) and
builds the same app on it, so both run byte-for-byte the same user code.
Nothing here imports either framework.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar

SECRET_KEY = "benchmark secret key"
TEMPLATES = str(Path(__file__).resolve().parent / "templates")
USERS = [{"id": i, "name": f"user number {i}"} for i in range(20)]
ROUTE_COUNT = 200

F = TypeVar("F", bound=Callable[..., Any])


class FlaskApp(Protocol):
    """The part of ``Flask`` (either one) these factories use."""

    config: dict[str, Any]

    def route(self, rule: str, **options: Any) -> Callable[[F], F]: ...

    def post(self, rule: str, **options: Any) -> Callable[[F], F]: ...

    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: Any = None
    ) -> None: ...


def new_app(fw: ModuleType) -> FlaskApp:
    """An app as a real project would have it: a secret key set, templates here."""
    app: FlaskApp = fw.Flask(__name__, template_folder=TEMPLATES)
    app.config["SECRET_KEY"] = SECRET_KEY
    return app


def hello(fw: ModuleType) -> FlaskApp:
    """``/`` returns a short string; also serves the 404 scenario."""
    app = new_app(fw)

    @app.route("/")
    def index() -> str:
        return "Hello, World!"

    return app


def int_converter(fw: ModuleType) -> FlaskApp:
    """``/user/<int:id>``: one converter, the value used in the body."""
    app = new_app(fw)

    @app.route("/user/<int:id>")
    def user(id: int) -> str:
        return f"user {id}"

    return app


def json_dict(fw: ModuleType) -> FlaskApp:
    """A view returning a dict, which the framework serialises as JSON."""
    app = new_app(fw)

    @app.route("/api/item")
    def item() -> dict[str, Any]:
        return {
            "id": 42,
            "name": "widget",
            "tags": ["blue", "small"],
            "price": 9.5,
            "in_stock": True,
        }

    return app


def many_routes(fw: ModuleType) -> FlaskApp:
    """ROUTE_COUNT parameterised routes ``/r<i>/<int:id>``, one endpoint each."""
    app = new_app(fw)

    def make_view(i: int) -> Callable[[int], str]:
        def view(id: int) -> str:
            return f"route {i} id {id}"

        return view

    for i in range(ROUTE_COUNT):
        app.add_url_rule(f"/r{i}/<int:id>", endpoint=f"r{i}", view_func=make_view(i))
    return app


def form_post(fw: ModuleType) -> FlaskApp:
    """A POSTed urlencoded form read through ``request.form``, plus a query arg."""
    app = new_app(fw)
    request = fw.request

    @app.post("/form")
    def form() -> str:
        name, age = request.form["name"], request.form["age"]
        return f"{name} is {age} (page {request.args['page']})"

    return app


def session_counter(fw: ModuleType) -> FlaskApp:
    """Reads a count from the signed-cookie session and writes it back plus one."""
    app = new_app(fw)
    session = fw.session

    @app.route("/counter")
    def counter() -> str:
        count = session.get("count", 0) + 1
        session["count"] = count
        return f"count {count}"

    return app


def template(fw: ModuleType) -> FlaskApp:
    """users.html: extends base.html, loops over USERS, filters and url_for."""
    app = new_app(fw)
    render_template = fw.render_template

    @app.route("/users")
    def users() -> str:
        page: str = render_template("users.html", title="users", users=USERS)
        return page

    @app.route("/user/<int:id>")
    def user(id: int) -> str:
        return f"user {id}"

    return app
