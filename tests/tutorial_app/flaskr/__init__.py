"""Flaskr: a small blog in the shape of the Flask docs' tutorial.

It imports only from ``minflask``; swapping those imports for ``flask``
gives an app that runs on Flask unchanged.
"""

from __future__ import annotations

import os
import typing as t

from minflask import Flask


def create_app(
    test_config: dict[str, t.Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build and configure the app (the application factory pattern)."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
    )
    if test_config is None:
        # Deployment settings, such as a real SECRET_KEY, live in the instance.
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    @app.route("/hello")
    def hello() -> str:
        return "Hello, World!"

    from . import auth, blog, db

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)
    # The blog index is the site's front page: url_for("index") is "/".
    app.add_url_rule("/", endpoint="index")
    return app
