"""A tiny app that reads its request body each way a view can, served by
gunicorn in tests/test_hostile_bodies.py (chunked-body errors come from the
server, not from the test client)."""

from __future__ import annotations

import typing as t

from minflask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/data")
    def data() -> str:
        return f"data {len(request.data)}"

    @app.post("/limited")
    def limited() -> str:
        # With a limit, Werkzeug reads the body through its LimitedStream.
        request.max_content_length = 10_000
        return f"data {len(request.data)}"

    @app.post("/form")
    def form() -> str:
        return f"form {sorted(request.form)}"

    @app.post("/json")
    def json_body() -> dict[str, t.Any]:
        return {"json": request.get_json(force=True)}

    @app.post("/silent")
    def silent() -> str:
        return repr(request.get_json(silent=True))

    return app


app = create_app()
