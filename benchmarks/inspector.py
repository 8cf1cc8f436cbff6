"""What the inspector costs per request: the same app called in-process,
with the inspector off (never switched on: nothing of it runs) and on
(every request traced and kept in the ring).

    .venv/bin/python -m benchmarks.inspector [--requests N] [--rounds R]

Runs in the dev venv (it needs only minflask). Each round calls each
variant N times, interleaved so a slower moment of the machine hits both;
the median round is reported. Routes: a plain-text hello, and a page that
reads the session and renders a template.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.test import EnvironBuilder

from minflask import Flask, render_template_string, session
from minflask.tracing import is_traced

WSGIApp = Callable[..., Iterable[bytes]]


def make_app(inspect: bool) -> Flask:
    """The measured app; with ``inspect``, the inspector is on."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "benchmark secret"
    app.debug = True

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    @app.route("/page/<int:n>")
    def page(n: int) -> str:
        visits = session.get("visits", 0)
        return render_template_string(
            "<p>page {{ n }}, {{ visits }} visits</p>", n=n, visits=visits
        )

    if inspect:
        from minflask.inspector import enable_inspector

        enable_inspector(app)
    return app


def _start_response(
    status: str, headers: list[tuple[str, str]], exc: Any = None
) -> Any:
    return lambda data: None


def call(app: WSGIApp, environ: dict[str, Any]) -> None:
    """One request, as a WSGI server makes it: iterate the body, close it."""
    body = app(dict(environ), _start_response)
    try:
        for _ in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def time_calls(app: WSGIApp, environ: dict[str, Any], n: int) -> float:
    """Microseconds per request over ``n`` calls."""
    start = time.perf_counter()
    for _ in range(n):
        call(app, environ)
    return (time.perf_counter() - start) / n * 1e6


def measure(path: str, requests: int, rounds: int) -> dict[str, float]:
    """Median µs per request, inspector off and on, for ``path``."""
    environ = EnvironBuilder(path=path).get_environ()
    apps = {"off": make_app(False), "on": make_app(True)}
    for app in apps.values():  # first requests: compile, switch aside
        for _ in range(50):
            call(app, environ)
    off = apps["off"]
    if "wsgi_app" in vars(off) or is_traced(off):
        raise SystemExit("the 'off' app runs inspector code: the comparison is void")
    samples: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            samples[name].append(time_calls(app, environ, requests))
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inspector")
    parser.add_argument("--requests", type=int, default=2_000, help="per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.rounds < 1:
        parser.error("--requests and --rounds must be at least 1")
    print("off: the class's wsgi_app serves, no tracer installed (checked)")
    print(f"{'route':<12} {'off µs/req':>11} {'on µs/req':>10} {'overhead':>10}")
    for path in ("/", "/page/7"):
        result = measure(path, args.requests, args.rounds)
        off, on = result["off"], result["on"]
        print(
            f"{path:<12} {off:>11.1f} {on:>10.1f} {on - off:>+9.1f}µs  (x{on / off:.1f})"
        )


if __name__ == "__main__":
    main()
