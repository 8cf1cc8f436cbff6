"""The minflask demo: a small multi-user stock portfolio.

``create_app`` below wires everything; each module holds one concern:
settings (config defaults, secret key), db (SQLite per request), users and
auth (accounts, login), signins and account (server-side sessions and "log
out everywhere"), portfolio and stocks (holdings and their pages),
csv_import, api (JSON), csrf, errors, cli (custom commands).
"""

from __future__ import annotations

import os
import typing as t
from collections.abc import Mapping

from minflask import Flask, Response, g, redirect, render_template, url_for

from . import account, api, auth, cli, csrf, db, errors, stocks
from .settings import DEFAULTS, load_or_create_secret_key

#: Environment variable naming the instance folder (default: ./instance).
INSTANCE_PATH_ENV = "MINFLASK_DEMO_INSTANCE_PATH"

# Pages use only their own stylesheet and images, and no scripts at all.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(
    test_config: Mapping[str, t.Any] | None = None,
    *,
    instance_path: str | None = None,
) -> Flask:
    """Build the app. Config comes from :data:`~demo.settings.DEFAULTS`, the
    instance folder's ``config.py``, ``MINFLASK_DEMO_*`` environment variables
    and finally ``test_config``, each overriding the one before."""
    instance_path = instance_path or os.environ.get(INSTANCE_PATH_ENV)
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="MINFLASK_DEMO")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["DATABASE"]:
        app.config["DATABASE"] = os.path.join(app.instance_path, "demo.sqlite3")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)

    db.init_app(app)
    # auth first: its hook puts the user on g before the CSRF check can fail,
    # so even an error page knows who is logged in.
    for blueprint in (auth.bp, account.bp, stocks.bp, api.bp):
        app.register_blueprint(blueprint)
    csrf.init_app(app, self_checking={api.bp.name})
    errors.init_app(app, json_under=api.bp.url_prefix or "/api")
    cli.init_app(app)
    app.add_url_rule("/", view_func=index)
    app.after_request(add_security_headers)
    return app


def index() -> t.Any:
    """The front page for visitors; signed-in users go to their holdings."""
    if g.user is not None:
        return redirect(url_for("stocks.index"))
    return render_template("index.html")


def add_security_headers(response: Response) -> Response:
    """Defence in depth for every response: no framing, no sniffing, no
    resources from elsewhere."""
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
