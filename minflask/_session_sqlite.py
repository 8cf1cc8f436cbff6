"""The SQLite session store: sessions in one file, shared by the threads and
processes of one machine, with nothing to run beside the app.

Connections are pooled (one in use per thread at a time) and open the file
in WAL mode with a busy timeout, so readers never wait for the writer and
writers wait their turn instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import time
import typing as t
import weakref
from collections import deque

from ._server_session import ServerSideSessionInterface

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask

__all__ = ["SqliteSessionInterface"]

#: Idle connections kept per interface; more are opened under load and
#: closed when they come back.
_POOL_SIZE = 8

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS minflask_sessions ("
    " id TEXT PRIMARY KEY, data TEXT NOT NULL, expires REAL NOT NULL"
    ") WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS minflask_sessions_expires"
    " ON minflask_sessions (expires)",
)
_READ = "SELECT data, expires FROM minflask_sessions WHERE id = ? AND expires > ?"
_CREATE = (
    "INSERT OR REPLACE INTO minflask_sessions (id, data, expires) VALUES (?, ?, ?)"
)
_UPDATE = (
    "UPDATE minflask_sessions SET data = ?, expires = ? WHERE id = ? AND expires > ?"
)
_TOUCH = "UPDATE minflask_sessions SET expires = ? WHERE id = ? AND expires > ?"
_DELETE = "DELETE FROM minflask_sessions WHERE id = ?"
_DELETE_EXPIRED = "DELETE FROM minflask_sessions WHERE expires <= ?"

# Interfaces alive in this process, so a forked child drops their pools.
_live: weakref.WeakSet[SqliteSessionInterface] = weakref.WeakSet()
# Connections a child inherited: never used, never closed (closing one could
# checkpoint or remove the parent's WAL files), only kept from the collector.
_inherited: list[sqlite3.Connection] = []


def _forget_pools_after_fork() -> None:
    for interface in list(_live):
        _inherited.extend(interface._idle)
        interface._idle = deque()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools_after_fork)


class SqliteSessionInterface(ServerSideSessionInterface):
    """Server-side sessions in an SQLite file: ``path``, else
    ``SESSION_SQLITE_PATH`` (relative to the instance folder), else
    ``sessions.sqlite3`` in the instance folder (created when missing).
    ``timeout`` bounds the wait for a busy database, in seconds.

    Expired rows are skipped when read and deleted in bulk at most once per
    :attr:`cleanup_interval` seconds, during a write.
    """

    store_errors = (sqlite3.Error, OSError)
    #: Seconds between bulk deletions of expired rows (per process).
    cleanup_interval = 300.0

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        key_prefix: str | None = None,
        timeout: float = 5.0,
        cooldown: float | None = None,
    ) -> None:
        super().__init__(key_prefix=key_prefix, cooldown=cooldown)
        if path is not None and os.fspath(path) == ":memory:":
            raise ValueError(
                "SqliteSessionInterface needs a file: each pooled connection"
                " would get its own ':memory:' database."
            )
        self._path_arg = None if path is None else os.fspath(path)
        #: The database file (set from the config at init when not given).
        self.path = self._path_arg or ""
        self.timeout = timeout
        self._make_folder = False
        self._idle: deque[sqlite3.Connection] = deque()
        self._next_cleanup = 0.0
        _live.add(self)

    def _configure(self, app: Flask) -> None:
        if self._path_arg is not None:
            return
        path = app.config.get("SESSION_SQLITE_PATH")
        # Only the default location's folder is made: an explicit path in a
        # missing folder is a mistake to report, not to paper over.
        self._make_folder = not path
        # A relative path is in the instance folder, whatever the cwd.
        self.path = os.path.join(app.instance_path, path or "sessions.sqlite3")
        self.close()

    def describe_store(self) -> str:
        return f"SQLite {self.path}"

    # -- connections ----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._make_folder:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        # Autocommit: each statement is its own short transaction.
        conn = sqlite3.connect(
            self.path,
            timeout=self.timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            self._use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                conn.execute(statement)
        except BaseException:
            conn.close()
            raise
        return conn

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Put the file in WAL mode (it stays so), unless it already is.

        Switching needs the file to itself, and SQLite answers "database is
        locked" at once, without its busy wait, when another connection is
        opening it at the same moment; so wait up to the timeout here.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _run(self, sql: str, params: tuple[t.Any, ...]) -> tuple[t.Any, int]:
        """Run one statement on a pooled connection: the first row it gives
        (or None) and the count of rows it changed. A failed connection is
        closed, not pooled, so the next use starts afresh."""
        try:
            conn = self._idle.pop()
        except IndexError:
            conn = self._connect()
        try:
            cursor = conn.execute(sql, params)
            result = cursor.fetchone(), cursor.rowcount
        except BaseException:
            conn.close()
            raise
        if len(self._idle) < _POOL_SIZE:
            self._idle.append(conn)
        else:
            conn.close()
        return result

    def close(self) -> None:
        """Close the pooled connections (new ones open on the next use)."""
        while self._idle:
            self._idle.pop().close()

    # -- records ------------------------------------------------------------------

    def read_record(self, key: str) -> tuple[str | bytes, float | None] | None:
        row = self._run(_READ, (key, self._now()))[0]
        return None if row is None else (row[0], row[1])

    def write_record(self, key: str, payload: str, ttl: float, *, create: bool) -> bool:
        now = self._now()
        if now >= self._next_cleanup:
            self._next_cleanup = now + self.cleanup_interval
            self.delete_expired()
        if create:
            self._run(_CREATE, (key, payload, now + ttl))
            return True
        return self._run(_UPDATE, (payload, now + ttl, key, now))[1] > 0

    def touch_record(self, key: str, ttl: float) -> bool:
        now = self._now()
        return self._run(_TOUCH, (now + ttl, key, now))[1] > 0

    def delete_record(self, key: str) -> bool:
        return self._run(_DELETE, (key,))[1] > 0

    def delete_expired(self) -> int:
        """Delete every expired row now; return how many went."""
        return self._run(_DELETE_EXPIRED, (self._now(),))[1]
