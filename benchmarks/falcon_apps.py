"""The scenarios Falcon can express, as Falcon application code.

Falcon is the speed peer: a framework users pick for speed, with a router
compiled to Python source. Each factory takes the ``falcon`` module, so
importing this file does not import Falcon. Falcon has no sessions and no
Jinja templates with ``url_for``, so those two scenarios are not here; its
404 page is its own (JSON), which the scenario's check accepts.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from benchmarks.apps import ROUTE_COUNT


def new_app(falcon: ModuleType) -> Any:
    """A fresh WSGI ``falcon.App`` answering text/html by default, as Flask does."""
    return falcon.App(media_type=falcon.MEDIA_HTML)


class _Hello:
    def on_get(self, req: Any, resp: Any) -> None:
        resp.text = "Hello, World!"


class _User:
    def on_get(self, req: Any, resp: Any, id: int) -> None:
        resp.text = f"user {id}"


class _Item:
    def __init__(self, falcon: ModuleType) -> None:
        self.json = falcon.MEDIA_JSON

    def on_get(self, req: Any, resp: Any) -> None:
        resp.content_type = self.json
        resp.media = {
            "id": 42,
            "name": "widget",
            "tags": ["blue", "small"],
            "price": 9.5,
            "in_stock": True,
        }


class _Numbered:
    def __init__(self, i: int) -> None:
        self.i = i

    def on_get(self, req: Any, resp: Any, id: int) -> None:
        resp.text = f"route {self.i} id {id}"


class _Form:
    def on_post(self, req: Any, resp: Any) -> None:
        form = req.get_media()
        page = req.get_param("page")
        resp.text = f"{form['name']} is {form['age']} (page {page})"


def hello(falcon: ModuleType) -> Any:
    """``/`` returns a short string; also serves the 404 scenario."""
    app = new_app(falcon)
    app.add_route("/", _Hello())
    return app


def int_converter(falcon: ModuleType) -> Any:
    """``/user/{id:int}``: Falcon's spelling of the int converter."""
    app = new_app(falcon)
    app.add_route("/user/{id:int}", _User())
    return app


def json_dict(falcon: ModuleType) -> Any:
    """A resource answering a dict as JSON (``resp.media``)."""
    app = new_app(falcon)
    app.add_route("/api/item", _Item(falcon))
    return app


def many_routes(falcon: ModuleType) -> Any:
    """ROUTE_COUNT parameterised routes ``/r<i>/{id:int}``."""
    app = new_app(falcon)
    for i in range(ROUTE_COUNT):
        app.add_route(f"/r{i}/{{id:int}}", _Numbered(i))
    return app


def form_post(falcon: ModuleType) -> Any:
    """A POSTed urlencoded form read through ``req.get_media()``, plus a query arg."""
    app = new_app(falcon)
    app.add_route("/form", _Form())
    return app
