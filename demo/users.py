"""User accounts: validation, creation and password checks.

Shared by the auth views and the ``users`` CLI group so both apply the same
rules. Passwords are stored only as ``werkzeug.security`` hashes.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from minflask import current_app

from .db import get_db

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class EmailTaken(ValueError):
    """Raised when registering an email that already has an account."""


@dataclass(frozen=True)
class User:
    """The signed-in user as views and templates see it."""

    id: int
    email: str


def normalize_email(value: str) -> str:
    """Emails compare case-insensitively, so they are stored lowercased."""
    return value.strip().lower()


def email_error(email: str) -> str | None:
    """Why ``email`` (already normalized) is not acceptable, or None."""
    if not email:
        return "Enter your email address."
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        return "Enter a valid email address, like name@example.com."
    return None


def password_error(password: str) -> str | None:
    """Why ``password`` is not acceptable for a new account, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    return None


def hash_password(password: str) -> str:
    """A salted hash of ``password`` with the configured method."""
    return generate_password_hash(password, method=_method())


def _method() -> str:
    method: str = current_app.config["PASSWORD_HASH_METHOD"]
    return method


def create_user(email: str, password: str) -> int:
    """Store a new account and return its id; raises :class:`EmailTaken`."""
    db = get_db()
    try:
        with db:
            cur = db.execute(
                "INSERT INTO users (email, password_hash) VALUES (?, ?)",
                (email, hash_password(password)),
            )
    except sqlite3.IntegrityError:
        raise EmailTaken(f"An account for {email} already exists.") from None
    assert cur.lastrowid is not None
    return cur.lastrowid


def get_user(user_id: int) -> User | None:
    """The account with ``user_id``, or None if it no longer exists."""
    row = (
        get_db()
        .execute("SELECT id, email FROM users WHERE id = ?", (user_id,))
        .fetchone()
    )
    return None if row is None else User(row["id"], row["email"])


def authenticate(email: str, password: str) -> User | None:
    """The account if ``password`` matches, else None."""
    row = (
        get_db()
        .execute("SELECT id, email, password_hash FROM users WHERE email = ?", (email,))
        .fetchone()
    )
    if row is None:
        # Hash anyway, so a missing account answers as slowly as a wrong password.
        check_password_hash(_dummy_hash(_method()), password)
        return None
    if not check_password_hash(row["password_hash"], password):
        return None
    return User(row["id"], row["email"])


def list_users() -> list[tuple[User, int]]:
    """Every account with its number of holdings, oldest first."""
    rows = get_db().execute(
        "SELECT users.id, users.email, COUNT(holdings.id) AS holdings"
        " FROM users LEFT JOIN holdings ON holdings.user_id = users.id"
        " GROUP BY users.id ORDER BY users.id"
    )
    return [(User(row["id"], row["email"]), row["holdings"]) for row in rows]


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not the password of any account", method=method)
