"""A module holding its app under the conventional name ``app``."""

from __future__ import annotations

from minflask import Flask

app = Flask("plain_app")


@app.route("/")
def index() -> str:
    return "plain"
