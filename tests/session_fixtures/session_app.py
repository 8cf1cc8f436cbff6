"""A small app on a server-side session store, configured from the
environment (``SESSION_TYPE``, ``SESSION_SQLITE_PATH``, ``SESSION_REDIS_URL``)
so several server processes can share one store."""

from __future__ import annotations

import os

from minflask import Flask, session


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="cross-process test key",
        SESSION_TYPE=os.environ["SESSION_TYPE"],
        SESSION_SQLITE_PATH=os.environ.get("SESSION_SQLITE_PATH"),
        SESSION_REDIS_URL=os.environ.get("SESSION_REDIS_URL"),
    )

    @app.route("/login/<user>")
    def login(user: str) -> str:
        app.session_interface.regenerate(session)  # type: ignore[attr-defined]
        session["user"] = user
        return str(session.sid)  # type: ignore[attr-defined]

    @app.route("/whoami")
    def whoami() -> str:
        return f"{session.get('user', 'anonymous')} pid={os.getpid()}"

    @app.route("/revoke/<sid>")
    def revoke(sid: str) -> str:
        return str(app.session_interface.revoke(sid))  # type: ignore[attr-defined]

    return app
