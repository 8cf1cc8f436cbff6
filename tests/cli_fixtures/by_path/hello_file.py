"""An app found by its file path; its folder is not a package."""

from __future__ import annotations

from minflask import Flask

app = Flask("hello_file")


@app.route("/hello")
def hello() -> str:
    return "Hello from a file"
