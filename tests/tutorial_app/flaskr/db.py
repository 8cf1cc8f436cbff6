"""The SQLite connection: one per app context, kept on ``g`` and closed at
teardown."""

from __future__ import annotations

import sqlite3
import typing as t

from minflask import Flask, current_app, g


def get_db() -> sqlite3.Connection:
    """The connection for this app context, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return t.cast(sqlite3.Connection, g.db)


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection if this app context opened one."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    """Drop and recreate the tables from schema.sql."""
    with current_app.open_resource("schema.sql") as f:
        get_db().executescript(f.read().decode("utf8"))


def init_app(app: Flask) -> None:
    """Register the database teardown with ``app``."""
    app.teardown_appcontext(close_db)
