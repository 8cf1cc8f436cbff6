"""SQLite through the standard library: one connection per request on ``g``.

The connection opens on first use in a request and closes when the app
context ends, so requests that never touch the database never open it.
"""

from __future__ import annotations

import os
import sqlite3
import time

from werkzeug.security import generate_password_hash

from minflask import Flask, current_app, g

#: Bumped when schema.sql changes; stored in SQLite's ``user_version``.
#: schema.sql only adds tables (CREATE ... IF NOT EXISTS), so running it
#: again upgrades an older database in place. 2 added ``ended_signins``.
SCHEMA_VERSION = 2

#: Dropped by ``init-db``, children first.
TABLES = ("ended_signins", "signins", "holdings", "users")

#: The sample account a new database starts with (documented in the README).
SAMPLE_EMAIL = "demo@example.com"
SAMPLE_PASSWORD = "minflask-demo"
SAMPLE_HOLDINGS = (
    ("AAPL", "10", "150.25"),
    ("MSFT", "4", "310.10"),
    ("VTI", "12.5", "201.40"),
)


def connect(path: str, *, autocommit: bool = False) -> sqlite3.Connection:
    """Open the database with rows as mappings and foreign keys enforced."""
    # The 5 s timeout is SQLite's busy wait when another process writes.
    conn = sqlite3.connect(
        path, timeout=5.0, isolation_level=None if autocommit else "DEFERRED"
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def get_db() -> sqlite3.Connection:
    """This request's connection, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    conn: sqlite3.Connection = g.db
    return conn


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection, if this context opened one."""
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    """Close connections after each context and create the schema if new."""
    app.teardown_appcontext(close_db)
    path = app.config["DATABASE"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with app.open_resource("schema.sql", "r") as f:
        schema = f.read()
    sample = app.config["SAMPLE_DATA"]
    prepare(path, schema, sample=sample, hash_method=app.config["PASSWORD_HASH_METHOD"])


def prepare(
    path: str,
    schema: str,
    *,
    sample: bool,
    reset: bool = False,
    hash_method: str = "scrypt",
) -> bool:
    """Create the schema in a new (or, with ``reset``, emptied) database and
    optionally the sample data. True if it did anything.

    Runs under ``BEGIN IMMEDIATE`` so that processes starting together (the
    reloader, gunicorn workers) create and fill the database exactly once.
    """
    conn = connect(path, autocommit=True)
    try:
        if not reset and _user_version(conn) == SCHEMA_VERSION:
            return False
        _use_wal(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if reset:
                for table in TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
            elif _user_version(conn) == SCHEMA_VERSION:
                conn.execute("ROLLBACK")  # another process got here first
                return False
            # An older schema is upgraded, and keeps its data: no sample.
            brand_new = reset or _user_version(conn) == 0
            for statement in schema.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if sample and brand_new:
                _insert_sample(conn, hash_method)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return True
    finally:
        conn.close()


def _use_wal(conn: sqlite3.Connection, patience: float = 5.0) -> None:
    """Switch the file to WAL, which lets readers and one writer work at once
    (the mode persists in the file).

    The switch needs the file to itself, and SQLite reports "database is
    locked" at once, without its busy wait, while another process starting
    up holds it; so wait here, as the busy timeout would.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _user_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def _insert_sample(conn: sqlite3.Connection, hash_method: str) -> None:
    password_hash = generate_password_hash(SAMPLE_PASSWORD, method=hash_method)
    cur = conn.execute(
        "INSERT INTO users (email, password_hash) VALUES (?, ?)",
        (SAMPLE_EMAIL, password_hash),
    )
    conn.executemany(
        "INSERT INTO holdings (user_id, symbol, shares, purchase_price)"
        " VALUES (?, ?, ?, ?)",
        [(cur.lastrowid, *row) for row in SAMPLE_HOLDINGS],
    )


def sample_user_exists() -> bool:
    """Whether the sample account is still there (to print its login)."""
    row = get_db().execute("SELECT 1 FROM users WHERE email = ?", (SAMPLE_EMAIL,))
    return row.fetchone() is not None
