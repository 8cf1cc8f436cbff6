"""Which browsers a user is signed in on, so they can all be signed out.

With a server-side session store (SESSION_TYPE "sqlite" or "redis") the
cookie holds only a session id (``session.sid``). At login the id is renewed
(``regenerate``, against session fixation) and recorded here; "log out
everywhere" hands every recorded id to ``session_interface.revoke``. Signed
cookie sessions have no server state to revoke, so there the feature is off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from minflask import current_app, request, session

from .db import get_db
from .users import User

#: How stale a signin's ``last_seen`` may get: it is written at most this
#: often, so an active session costs one UPDATE an hour, not one per request.
SEEN_INTERVAL = timedelta(hours=1)
_SEEN_KEY = "_seen"


@dataclass(frozen=True)
class Signin:
    """One recorded session of a user."""

    sid: str
    created_at: str
    last_seen: str
    user_agent: str

    @property
    def since(self) -> str:
        """When it started, to the minute: "2025-01-31 09:15 UTC"."""
        return _minutes(self.created_at)

    @property
    def active(self) -> str:
        """When it was last used, give or take :data:`SEEN_INTERVAL`."""
        return _minutes(self.last_seen)

    @property
    def is_current(self) -> bool:
        """Whether this is the session of the request being handled."""
        return self.sid == getattr(session, "sid", None)


def revocable() -> bool:
    """Whether the session store can end sessions from the server."""
    return hasattr(current_app.session_interface, "revoke")


def start(user: User) -> None:
    """Sign ``user`` in: a fresh, permanent session under a new id."""
    _fresh_session()
    session["user_id"] = user.id
    session.permanent = True
    sid = getattr(session, "sid", None)
    if sid is None:
        return
    session[_SEEN_KEY] = int(time.time())
    now = _now()
    # A session unused for a whole lifetime has expired in the store, even
    # if each request renewed it; only such rows can be forgotten safely.
    dead = now - current_app.permanent_session_lifetime - SEEN_INTERVAL
    db = get_db()
    with db:
        db.execute(
            "DELETE FROM signins WHERE user_id = ? AND last_seen < ?",
            (user.id, _iso(dead)),
        )
        db.execute(
            "INSERT OR REPLACE INTO signins"
            " (sid, user_id, created_at, last_seen, user_agent)"
            " VALUES (?, ?, ?, ?, ?)",
            (sid, user.id, _iso(now), _iso(now), request.user_agent.string[:200]),
        )


def touch() -> None:
    """Record that this signed-in session is in use, at most once an hour."""
    sid = getattr(session, "sid", None)
    if sid is None:
        return
    now = time.time()
    if now - session.get(_SEEN_KEY, 0) < SEEN_INTERVAL.total_seconds():
        return
    session[_SEEN_KEY] = int(now)
    db = get_db()
    with db:
        db.execute(
            "UPDATE signins SET last_seen = ? WHERE sid = ?", (_iso(_now()), sid)
        )


def end_current() -> None:
    """Sign out this browser: forget its id and clear the session."""
    sid = getattr(session, "sid", None)
    if sid is not None:
        db = get_db()
        with db:
            db.execute("DELETE FROM signins WHERE sid = ?", (sid,))
    _fresh_session()


def end_all(user: User) -> int:
    """Revoke every recorded session of ``user``, this one included; return
    how many were still alive. Only call it when :func:`revocable`."""
    revoke = current_app.session_interface.revoke  # type: ignore[attr-defined]
    db = get_db()
    rows = db.execute("SELECT sid FROM signins WHERE user_id = ?", (user.id,))
    ended = 0
    for row in rows.fetchall():
        if revoke(row["sid"]):
            ended += 1
    with db:
        db.execute("DELETE FROM signins WHERE user_id = ?", (user.id,))
    _fresh_session()
    return ended


def list_signins(user: User) -> list[Signin]:
    """The user's recorded sessions, most recently used first."""
    rows = get_db().execute(
        "SELECT sid, created_at, last_seen, user_agent FROM signins"
        " WHERE user_id = ? ORDER BY last_seen DESC, created_at DESC",
        (user.id,),
    )
    return [Signin(*row) for row in rows]


def _fresh_session() -> None:
    """Empty the session and, with a server-side store, move it to a new id:
    the old id is dropped (or already revoked) and must never come back."""
    session.clear()
    regenerate = getattr(current_app.session_interface, "regenerate", None)
    if regenerate is not None:
        regenerate(session)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    """Stored form: ISO 8601 in UTC, which sorts and compares as text."""
    return moment.isoformat(timespec="seconds")


def _minutes(iso: str) -> str:
    return f"{iso[:16].replace('T', ' ')} UTC"
