"""The page for each front-end flavour, and the JSON endpoint it calls."""

from __future__ import annotations

from minflask import jsonify, render_template, request
from minflask.wrappers import Response

from . import app


@app.route("/", defaults={"flavour": "fetch"})
@app.route("/<any(xhr, jquery, fetch):flavour>")
def index(flavour: str) -> str:
    """Render the page that uses ``flavour`` to call ``/add``."""
    return render_template(f"{flavour}.html", flavour=flavour)


@app.route("/add", methods=["POST"])
def add() -> Response:
    """Sum the ``a`` and ``b`` form fields; missing or bad ones count as 0."""
    a = request.form.get("a", 0.0, type=float)
    b = request.form.get("b", 0.0, type=float)
    return jsonify(result=a + b)
