"""Bare-Werkzeug reference apps: what the building blocks cost on their own.

A Werkzeug ``Request``, a ``MapAdapter`` cached per (host, script name,
scheme) and a response written straight to ``start_response``. No
contexts, hooks or response objects: a ceiling, not a framework.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader
from werkzeug.exceptions import HTTPException
from werkzeug.http import dump_cookie
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.wrappers import Request

from benchmarks.apps import ROUTE_COUNT, SECRET_KEY, TEMPLATES, USERS

#: (status line, headers, body) as a view hands it back.
Reply = tuple[str, list[tuple[str, str]], bytes]
View = Callable[..., Reply]
StartResponse = Callable[..., Any]


def reply(body: str, content_type: str = "text/html; charset=utf-8") -> Reply:
    """A 200 reply with the two headers every response needs."""
    data = body.encode()
    headers = [("Content-Type", content_type), ("Content-Length", str(len(data)))]
    return "200 OK", headers, data


class BareApp:
    """A WSGI app from (rule, endpoint, view) triples, views called with the request."""

    def __init__(self, routes: Iterable[tuple[Rule, View]]) -> None:
        routes = list(routes)
        self.url_map = Map([rule for rule, _ in routes])
        self.views = {rule.endpoint: view for rule, view in routes}
        self.adapters: dict[tuple[str, str, str], MapAdapter] = {}

    def adapter(self, environ: dict[str, Any]) -> MapAdapter:
        """The adapter for this host, script name and scheme, built once."""
        key = (
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ["wsgi.url_scheme"],
        )
        adapter = self.adapters.get(key)
        if adapter is None:
            adapter = self.adapters[key] = self.url_map.bind_to_environ(environ)
        return adapter

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        adapter = self.adapter(environ)
        request = Request(environ)
        try:
            endpoint, values = adapter.match(request.path, request.method)
        except HTTPException as error:
            return error(environ, start_response)
        status, headers, body = self.views[endpoint](request, adapter, **values)
        start_response(status, headers)
        return [body]


def hello() -> BareApp:
    """``/`` returns a short string; also serves the 404 scenario."""
    return BareApp(
        [(Rule("/", endpoint="index"), lambda request, adapter: reply("Hello, World!"))]
    )


def int_converter() -> BareApp:
    """``/user/<int:id>`` with Werkzeug's own converter."""

    def user(request: Request, adapter: MapAdapter, id: int) -> Reply:
        return reply(f"user {id}")

    return BareApp([(Rule("/user/<int:id>", endpoint="user"), user)])


def json_dict() -> BareApp:
    """The JSON scenario's dict, dumped compact with sorted keys as Flask does."""

    def item(request: Request, adapter: MapAdapter) -> Reply:
        data = {
            "id": 42,
            "name": "widget",
            "tags": ["blue", "small"],
            "price": 9.5,
            "in_stock": True,
        }
        body = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
        return reply(body, "application/json")

    return BareApp([(Rule("/api/item", endpoint="item"), item)])


def many_routes() -> BareApp:
    """ROUTE_COUNT parameterised routes ``/r<i>/<int:id>``."""

    def make_view(i: int) -> View:
        def view(request: Request, adapter: MapAdapter, id: int) -> Reply:
            return reply(f"route {i} id {id}")

        return view

    return BareApp(
        (Rule(f"/r{i}/<int:id>", endpoint=f"r{i}"), make_view(i))
        for i in range(ROUTE_COUNT)
    )


def form_post() -> BareApp:
    """The POSTed form and query argument, read from the Werkzeug request."""

    def form(request: Request, adapter: MapAdapter) -> Reply:
        name, age = request.form["name"], request.form["age"]
        return reply(f"{name} is {age} (page {request.args['page']})")

    return BareApp([(Rule("/form", endpoint="form", methods=["POST"]), form)])


def session_counter() -> BareApp:
    """The signed-cookie counter with one itsdangerous serializer for the app."""
    serializer = URLSafeTimedSerializer(
        SECRET_KEY,
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )

    def counter(request: Request, adapter: MapAdapter) -> Reply:
        data: dict[str, Any] = {}
        raw = request.cookies.get("session")
        if raw:
            try:
                data = serializer.loads(raw)
            except BadSignature:
                data = {}
        count = data.get("count", 0) + 1
        data["count"] = count
        status, headers, body = reply(f"count {count}")
        cookie = dump_cookie("session", serializer.dumps(data), httponly=True, path="/")
        headers += [("Vary", "Cookie"), ("Set-Cookie", cookie)]
        return status, headers, body

    return BareApp([(Rule("/counter", endpoint="counter"), counter)])


def template() -> BareApp:
    """users.html rendered by a plain Jinja environment; url_for is adapter.build."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    page = env.get_template("users.html")

    def users(request: Request, adapter: MapAdapter) -> Reply:
        def url_for(endpoint: str, **values: Any) -> str:
            return adapter.build(endpoint, values)

        return reply(page.render(title="users", users=USERS, url_for=url_for))

    def user(request: Request, adapter: MapAdapter, id: int) -> Reply:
        return reply(f"user {id}")

    return BareApp(
        [
            (Rule("/users", endpoint="users"), users),
            (Rule("/user/<int:id>", endpoint="user"), user),
        ]
    )
