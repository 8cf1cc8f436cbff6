"""A small placeholder demo: a few routes that show minflask serving requests.

The full demo replaces this module later; ``create_app`` stays its entry point.
"""

from __future__ import annotations

from markupsafe import escape

from minflask import Flask, __version__

# Built once: the page never changes, so there is no reason to render it per request.
_HOME_PAGE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>minflask demo</title></head>
<body>
<h1>minflask demo</h1>
<p>Flask 3.1's API on bare Werkzeug and Jinja2. Try these routes:</p>
<ul>
  <li><a href="/hello/World">/hello/&lt;name&gt;</a>: a greeting</li>
  <li><a href="/api/info">/api/info</a>: a JSON response</li>
</ul>
</body>
</html>
"""


def create_app() -> Flask:
    """Build the demo application."""
    app = Flask(__name__)

    @app.get("/")
    def index() -> str:
        return _HOME_PAGE

    @app.get("/hello/<name>")
    def hello(name: str) -> str:
        return f"<h1>Hello, {escape(name)}!</h1>"

    @app.get("/api/info")
    def info() -> dict[str, object]:
        rules = sorted(rule.rule for rule in app.url_map.iter_rules())
        return {"name": "minflask", "version": __version__, "routes": rules}

    return app
