"""The scenarios Bottle can run faithfully, as Bottle application code.

Each factory takes the ``bottle`` module, so importing this file does not
import Bottle. Sessions and Jinja templates with ``url_for`` have no
faithful Bottle equivalent, so those scenarios are not here.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from benchmarks.apps import ROUTE_COUNT, F


class BottleApp(Protocol):
    """The part of ``bottle.Bottle`` these factories use."""

    def route(
        self, path: str, callback: Any = None, **options: Any
    ) -> Callable[[F], F]: ...

    def post(self, path: str, **options: Any) -> Callable[[F], F]: ...


def new_app(bottle: ModuleType) -> BottleApp:
    """A fresh Bottle app (not Bottle's global default one)."""
    app: BottleApp = bottle.Bottle()
    return app


def hello(bottle: ModuleType) -> BottleApp:
    """``/`` returns a short string; also serves the 404 scenario."""
    app = new_app(bottle)

    @app.route("/")
    def index() -> str:
        return "Hello, World!"

    return app


def int_converter(bottle: ModuleType) -> BottleApp:
    """``/user/<id:int>``: Bottle's spelling of the int converter."""
    app = new_app(bottle)

    @app.route("/user/<id:int>")
    def user(id: int) -> str:
        return f"user {id}"

    return app


def json_dict(bottle: ModuleType) -> BottleApp:
    """A view returning a dict, which Bottle serialises as JSON."""
    app = new_app(bottle)

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


def many_routes(bottle: ModuleType) -> BottleApp:
    """ROUTE_COUNT parameterised routes ``/r<i>/<id:int>``."""
    app = new_app(bottle)

    def make_view(i: int) -> Callable[[int], str]:
        def view(id: int) -> str:
            return f"route {i} id {id}"

        return view

    for i in range(ROUTE_COUNT):
        app.route(f"/r{i}/<id:int>", callback=make_view(i))
    return app


def form_post(bottle: ModuleType) -> BottleApp:
    """A POSTed urlencoded form read through ``request.forms``, plus a query arg."""
    app = new_app(bottle)
    request = bottle.request

    @app.post("/form")
    def form() -> str:
        name, age = request.forms["name"], request.forms["age"]
        return f"{name} is {age} (page {request.query['page']})"

    return app
