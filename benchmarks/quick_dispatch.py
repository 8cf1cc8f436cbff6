"""Interim dispatch check: hello and /user/<int:id> on minflask, Flask, Bottle.

In-process WSGI calls on a prebuilt environ, best of five rounds each; the
full interleaved benchmark suite comes with the performance issue. Needs
the ``bench`` extra::

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/quick_dispatch.py
"""

from __future__ import annotations

import time
import typing as t

import bottle  # type: ignore[import-untyped]
import flask
from werkzeug.test import EnvironBuilder

import minflask

ROUNDS = 5
CALLS = 20_000


def make_flask_style(module: t.Any) -> t.Any:
    """The same two views on minflask or Flask."""
    app = module.Flask(__name__)
    app.config["SECRET_KEY"] = "bench"

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    @app.route("/user/<int:id>")
    def user(id: int) -> str:
        return f"user {id}"

    return app


def make_bottle() -> t.Any:
    app = bottle.Bottle()

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    @app.route("/user/<id:int>")
    def user(id: int) -> str:
        return f"user {id}"

    return app


def start_response(status: str, headers: list[t.Any], exc_info: t.Any = None) -> None:
    pass


def requests_per_second(app: t.Any, path: str) -> float:
    """Best rate over ROUNDS rounds of CALLS requests, body read and closed."""
    environ = EnvironBuilder(path=path).get_environ()
    best = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            body = app(dict(environ), start_response)
            for _ in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()
        best = max(best, CALLS / (time.perf_counter() - start))
    return best


def main() -> None:
    apps = {
        "minflask": make_flask_style(minflask),
        "flask": make_flask_style(flask),
        "bottle": make_bottle(),
    }
    print(f"{'path':<10} {'minflask':>10} {'flask':>10} {'bottle':>10}  m/f   m/b")
    for path in ("/", "/user/42"):
        rate = {name: requests_per_second(app, path) for name, app in apps.items()}
        print(
            f"{path:<10} {rate['minflask']:>10,.0f} {rate['flask']:>10,.0f}"
            f" {rate['bottle']:>10,.0f}  {rate['minflask'] / rate['flask']:.2f}"
            f"  {rate['minflask'] / rate['bottle']:.2f}"
        )


if __name__ == "__main__":
    main()
