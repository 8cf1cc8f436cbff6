"""The per-context SQLite connection and the command that builds the tables."""

from __future__ import annotations

import sqlite3

import click

from minflask import Flask, current_app, g


def get_db() -> sqlite3.Connection:
    """Open the connection once per app context and reuse it."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db  # type: ignore[no-any-return]


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection, if this context opened one."""
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_db() -> None:
    """Run the schema that ships inside the package."""
    with current_app.open_resource("schema.sql") as f:
        get_db().executescript(f.read().decode("utf8"))


@click.command("init-db")
def init_db_command() -> None:
    """Drop and recreate the tables."""
    # Looked up at call time, so tests can monkeypatch ``init_db``.
    init_db()
    click.echo("Initialized the database.")


def init_app(app: Flask) -> None:
    """Close the connection with the app context and add ``init-db``."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
