"""A factory-built app shaped like Flask's tutorial: instance-relative
config, an SQLite connection kept on ``g`` and an ``init-db`` command."""

from __future__ import annotations

import os
import typing as t

from minflask import Flask, g


def create_app(
    test_config: t.Mapping[str, t.Any] | None = None,
    instance_path: str | None = None,
) -> Flask:
    """Build the app; ``test_config`` replaces the instance ``config.py``."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "journal.sqlite"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import db

    db.init_app(app)

    @app.route("/entries")
    def entries() -> dict[str, t.Any]:
        rows = db.get_db().execute("SELECT body FROM entry ORDER BY id").fetchall()
        return {"entries": [row["body"] for row in rows], "same": g.db is db.get_db()}

    return app
