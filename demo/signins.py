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

from itsdangerous import BadSignature

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
    def device(self) -> str:
        """The browser and system, like "Firefox on Windows"."""
        return describe_user_agent(self.user_agent)

    @property
    def since(self) -> str:
        """When it started, to the minute: "31 Jan 2025, 09:15 UTC"."""
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
    how many were still alive. Only call it when :func:`revocable`.

    The ended ids are kept for a lifetime in ``ended_signins``, so that a
    browser still sending one is told why it has to log in again.
    """
    revoke = current_app.session_interface.revoke  # type: ignore[attr-defined]
    db = get_db()
    rows = db.execute("SELECT sid FROM signins WHERE user_id = ?", (user.id,))
    sids = [row["sid"] for row in rows.fetchall()]
    ended = sum(1 for sid in sids if revoke(sid))
    now = _now()
    forgotten = now - current_app.permanent_session_lifetime
    with db:
        db.execute("DELETE FROM signins WHERE user_id = ?", (user.id,))
        db.execute("DELETE FROM ended_signins WHERE ended_at < ?", (_iso(forgotten),))
        db.executemany(
            "INSERT OR REPLACE INTO ended_signins (sid, ended_at) VALUES (?, ?)",
            [(sid, _iso(now)) for sid in sids],
        )
    _fresh_session()
    return ended


def ended_elsewhere() -> bool:
    """Whether this request's cookie names a session that :func:`end_all`
    ended ("log out everywhere" in another browser), not one that simply
    expired or never existed.

    The store answers an ended id with a new empty session; the id the
    browser sent is read back from the signed cookie.
    """
    interface = current_app.session_interface
    get_signer = getattr(interface, "get_signer", None)
    if get_signer is None or not getattr(session, "new", False):
        return False
    cookie = request.cookies.get(interface.get_cookie_name(current_app))
    signer = get_signer(current_app)
    if not cookie or signer is None:
        return False
    try:
        sid = signer.unsign(cookie).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return False
    row = get_db().execute("SELECT 1 FROM ended_signins WHERE sid = ?", (sid,))
    return row.fetchone() is not None


def list_signins(user: User) -> list[Signin]:
    """The user's recorded sessions: this one first, then the most recently
    used."""
    rows = get_db().execute(
        "SELECT sid, created_at, last_seen, user_agent FROM signins"
        " WHERE user_id = ? ORDER BY last_seen DESC, created_at DESC",
        (user.id,),
    )
    return sorted((Signin(*row) for row in rows), key=lambda s: not s.is_current)


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
    """A stored moment as people write it: "4 Dec 2026, 20:59 UTC"."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


# (marker in the User-Agent, name shown), first match wins. The order
# matters: Edge and Opera also say "Chrome", Chrome also says "Safari",
# and every browser on an iPhone or iPad is Safari underneath.
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "Python requests"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str) -> str:
    """A User-Agent header as a person would name the device: "Chrome on
    Linux", "Safari on iPhone", "Firefox"; "Unknown browser" if nothing is
    recognised. Deliberately small: it only has to tell sessions apart."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if system is None:
        return browser or "Unknown browser"
    return f"{browser or 'A browser'} on {system}"
