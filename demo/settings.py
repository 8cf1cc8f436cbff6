"""Default settings and the instance folder's secret key.

Config is layered in ``create_app``: these defaults, then the instance
folder's ``config.py``, then ``MINFLASK_DEMO_*`` environment variables, then
the test config. Only what is missing at the end falls back to generated values.
"""

from __future__ import annotations

import os
import secrets
import typing as t
from datetime import timedelta

#: The file in the instance folder that keeps the generated SECRET_KEY.
SECRET_KEY_FILE = "secret_key"

DEFAULTS: dict[str, t.Any] = {
    # None means "demo.sqlite3 in the instance folder", resolved in create_app.
    "DATABASE": None,
    # Sessions live server-side in SQLite next to the database: nothing to
    # start, and "log out everywhere" can really end them. Set
    # MINFLASK_DEMO_SESSION_TYPE=redis to share them between many processes.
    "SESSION_TYPE": "sqlite",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=7),
    # Lax keeps the cookie off cross-site POSTs: a second line behind CSRF tokens.
    "SESSION_COOKIE_SAMESITE": "Lax",
    # The largest request body, CSV uploads included; past it the app answers 413.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Fill a brand-new database with a sample user and holdings.
    "SAMPLE_DATA": True,
    # werkzeug.security's method; tests pick a fast one, production keeps this.
    "PASSWORD_HASH_METHOD": "scrypt",
}


def load_or_create_secret_key(instance_path: str) -> str:
    """The instance folder's secret key, created (mode 0600) on first use.

    Several processes may start at once (gunicorn workers), so the key is
    written to a private temporary file and linked into place: exactly one
    link wins, and every process then reads the same key.
    """
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race; use its key
    finally:
        os.unlink(tmp)
    return _read_key(path)


def _read_key(path: str) -> str:
    """The key stored at ``path``; an empty file is an error, not a weak key."""
    with open(path, encoding="ascii") as f:
        key = f.read().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it to generate a new key")
    return key
