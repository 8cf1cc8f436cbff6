"""Server-side sessions: the data in a store, only a signed random id in the
cookie. :class:`ServerSideSessionInterface` holds what every store shares;
the stores themselves (:mod:`minflask._session_sqlite`,
:mod:`minflask._session_redis`) implement four record operations.

A store can fail. What the app sees then (see ``docs/sessions.md``):

- opening the session while the view (or a before_request hook) runs
  raises :exc:`SessionStoreUnavailable` (a 503), once: the rest of the
  request (the 503 page, a layout that shows flashed messages) gets an
  empty :class:`UnavailableSession`. Opening it once the answer is decided
  (an error handler, after_request, teardown) gives that session at once
  (the request context decides: ``RequestContext._open_session``);
- saving it after the view answered is logged, signalled
  (:data:`minflask.signals.session_save_failed`) and skipped: the view's
  response goes out without the session change;
- after a failure the store is left alone for ``SESSION_STORE_COOLDOWN``
  seconds (every request that needs it gets its 503 at once), then one
  request probes it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import time
import typing as t
from datetime import timedelta

from itsdangerous import BadSignature, Signer
from werkzeug.datastructures import CallbackDict
from werkzeug.exceptions import ServiceUnavailable

from . import signals
from .globals import _request_ctx_stack
from .sessions import (
    NullSession,
    SessionInterface,
    SessionMixin,
    _cached_signer,
    _SignerCacheKey,
    session_json_serializer,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .wrappers import Request, Response

__all__ = [
    "ServerSideSession",
    "ServerSideSessionInterface",
    "SessionStoreUnavailable",
    "UnavailableSession",
]

#: How long an unused non-permanent server-side session is kept, unless
#: ``SESSION_IDLE_LIFETIME`` (a timedelta or seconds) says otherwise.
DEFAULT_IDLE_LIFETIME = timedelta(days=1)

#: Seconds a failed store is left alone, unless ``SESSION_STORE_COOLDOWN``
#: says otherwise.
DEFAULT_STORE_COOLDOWN = 1.0

#: The environ key marking a request whose session could not be opened.
_FAILED_OPEN_KEY = "minflask.session_store_unavailable"

# secrets.token_urlsafe(32): 256 random bits as 43 URL-safe base64 characters.
_SID_BYTES = 32
_SID_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")

_logger = logging.getLogger("minflask.sessions")

_P = t.ParamSpec("_P")
_R = t.TypeVar("_R")


def _new_session_id() -> str:
    """A fresh random session id (256 bits from :mod:`secrets`)."""
    # Imported here: it pulls in `random`, which cookie sessions never need.
    import secrets

    return secrets.token_urlsafe(_SID_BYTES)


def _seconds(value: timedelta | float) -> float:
    """A duration from config, given as a timedelta or as seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class ServerSideSession(CallbackDict[str, t.Any], SessionMixin):
    """The session of a server-side store: a dict that records being changed,
    plus ``sid``, the random id under which the store keeps it."""

    modified = False

    def __init__(
        self,
        initial: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
        sid: str | None = None,
        new: bool = True,
        expires_at: float | None = None,
    ) -> None:
        def on_update(self: ServerSideSession) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        #: The unsigned random id; the cookie carries it signed.
        self.sid = _new_session_id() if sid is None else sid
        #: True while nothing is stored under ``sid`` (fresh or regenerated).
        self.new = new
        # When the stored copy expires (epoch seconds), as read at open.
        self._expires_at = expires_at


class SessionStoreUnavailable(ServiceUnavailable):
    """The session store could not be reached. The cause is logged; the
    client gets a 503 instead of a hang or a 500 page. While the store is
    left alone after a failure, ``retry_after`` says for how long."""

    description = (
        "The session store is unavailable at the moment. Please try again in a"
        " little while."
    )


def _checked_write(name: str) -> t.Any:
    """``CallbackDict``'s method ``name``, run only once
    :meth:`UnavailableSession._check_write` allows it."""
    write = getattr(CallbackDict, name)

    def method(self: UnavailableSession, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_write()
        return write(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


class UnavailableSession(NullSession):
    """The session for the rest of a request whose session could not be
    opened: empty, so an error page (flashed messages, a layout reading
    ``session``) renders, and never saved.

    While the request's own dispatch runs (``before_request`` hooks, the
    view), every change raises :exc:`SessionStoreUnavailable`, like the open
    did: a write that cannot be stored (a logout, a login) must not look as
    if it worked. Once the answer is decided (an error handler,
    ``after_request``, teardown, or a URL that matched no view) a change is
    kept for the rest of the request, never stored, and logged, as when
    saving fails; see ``RequestContext._store_failure_raises``.
    """

    _warned = False

    def _check_write(self) -> None:
        ctx = _request_ctx_stack.top
        if ctx is None or ctx._store_failure_raises():
            raise SessionStoreUnavailable()
        if not self._warned:
            self._warned = True
            ctx.app.logger.warning(
                "Session change not stored (the session store is unavailable):"
                " it lasts for the rest of this request only."
            )

    __setitem__ = _checked_write("__setitem__")
    __delitem__ = _checked_write("__delitem__")
    clear = _checked_write("clear")
    pop = _checked_write("pop")
    popitem = _checked_write("popitem")
    update = _checked_write("update")
    setdefault = _checked_write("setdefault")


class _CircuitBreaker:
    """Remembers that a store failed, so requests stop waiting on it.

    Closed (the store answers): every call goes through. A failure opens
    it for ``cooldown`` seconds, during which calls are refused at once.
    After that the first call is let through as a probe while the others
    are still refused; its success closes the breaker, its failure opens
    it again. Shared by the threads of one process.
    """

    def __init__(self) -> None:
        #: The clock the cool-down is measured on (tests replace it).
        self.clock: t.Callable[[], float] = time.monotonic
        self._lock = threading.Lock()
        #: When the cool-down ends (on :attr:`clock`); None while closed.
        self._open_until: float | None = None
        self._probing = False

    def refuse(self, cooldown: float) -> float | None:
        """``None`` if a call may go to the store now, else the seconds
        until one may (at least a second while a probe is out)."""
        if self._open_until is None:  # closed: the usual case, no lock taken
            return None
        with self._lock:
            if self._open_until is None:
                return None
            now = self.clock()
            if now < self._open_until:
                return self._open_until - now
            if self._probing:
                return max(cooldown, 1.0)
            self._probing = True
            return None

    def succeeded(self) -> None:
        if self._open_until is not None:
            with self._lock:
                self._open_until = None
                self._probing = False

    def failed(self, cooldown: float) -> bool:
        """Start (or restart) the cool-down; return whether the breaker was
        closed until now."""
        with self._lock:
            was_closed = self._open_until is None
            if cooldown > 0:
                self._open_until = self.clock() + cooldown
            self._probing = False
            return was_closed


class ServerSideSessionInterface(SessionInterface):
    """Keep the session's data in a store and only a signed random id in the
    cookie, so data never reaches the client and a session can be ended
    server-side (:meth:`revoke`).

    Subclasses implement the four ``*_record`` methods for one store and
    list in :attr:`store_errors` the exceptions meaning it is unreachable.
    Settings not given to the constructor come from the config of the first
    app that uses the interface (:meth:`init_app`).
    """

    session_class = ServerSideSession
    #: Turns session data into the stored text and back (tagged JSON).
    serializer = session_json_serializer
    #: Salt of the id's signature, so it is useless as any other signature.
    salt = "minflask.server-session"
    digest_method = staticmethod(hashlib.sha256)
    key_derivation = "hmac"
    #: An unchanged session's stored expiry is pushed back at most this
    #: often (seconds, capped at half its lifetime): reading rarely writes.
    touch_interval = 60.0
    #: Exceptions from the store that mean it cannot be reached (-> 503).
    store_errors: tuple[type[BaseException], ...] = ()

    def __init__(
        self, *, key_prefix: str | None = None, cooldown: float | None = None
    ) -> None:
        self._key_prefix_arg = key_prefix
        #: Prepended to the session id to make the store key.
        self.key_prefix = "session:" if key_prefix is None else key_prefix
        if cooldown is not None and not cooldown >= 0:
            raise ValueError(f"cooldown must be 0 or more seconds, not {cooldown!r}.")
        self._cooldown_arg = cooldown
        #: Seconds the store is left alone after a failure (0: never).
        self.cooldown = DEFAULT_STORE_COOLDOWN if cooldown is None else cooldown
        self._ready = False
        self._init_lock = threading.Lock()
        self._signers: dict[_SignerCacheKey, Signer] = {}
        self._breaker = _CircuitBreaker()

    # -- the store: implemented per backend --------------------------------

    def describe_store(self) -> str:
        """Where the data lives, for log messages."""
        return type(self).__name__

    def read_record(self, key: str) -> tuple[str | bytes, float | None] | None:
        """The stored text and its expiry (epoch seconds, ``None`` if it has
        none) for ``key``, or ``None`` when nothing unexpired is stored."""
        raise NotImplementedError()

    def write_record(self, key: str, payload: str, ttl: float, *, create: bool) -> bool:
        """Store ``payload`` for ``ttl`` seconds. With ``create`` False only
        replace an existing unexpired record (one revoked meanwhile stays
        gone); return whether it was stored."""
        raise NotImplementedError()

    def touch_record(self, key: str, ttl: float) -> bool:
        """Make an existing record expire ``ttl`` seconds from now; return
        whether one existed."""
        raise NotImplementedError()

    def delete_record(self, key: str) -> bool:
        """Delete the record; return whether one existed."""
        raise NotImplementedError()

    def _configure(self, app: Flask) -> None:
        """Read the store's own settings from ``app.config``; no I/O."""

    def _now(self) -> float:
        """The time expiry is measured in (epoch seconds); tests replace it."""
        return time.time()

    # -- setup -------------------------------------------------------------

    def init_app(self, app: Flask) -> None:
        """Take the settings the constructor was not given from
        ``app.config``. Done on first use; call it to :meth:`revoke`
        outside an app context before any request."""
        with self._init_lock:
            self._init_locked(app)

    def _init_locked(self, app: Flask) -> None:
        if self._key_prefix_arg is None:
            self.key_prefix = app.config.get("SESSION_KEY_PREFIX", "session:")
        if self._cooldown_arg is None:
            value = app.config.get("SESSION_STORE_COOLDOWN", DEFAULT_STORE_COOLDOWN)
            try:
                cooldown = _seconds(value)
            except (TypeError, ValueError):
                cooldown = math.nan
            if not cooldown >= 0:  # also refuses NaN
                raise ValueError(
                    "SESSION_STORE_COOLDOWN must be a number of seconds (0 or"
                    f" more) or a timedelta, not {value!r}."
                )
            self.cooldown = cooldown
        self._configure(app)
        self._ready = True

    def _ensure_ready(self, app: Flask) -> None:
        if not self._ready:
            with self._init_lock:
                if not self._ready:
                    self._init_locked(app)

    def get_signer(self, app: Flask) -> Signer | None:
        """The signer of the id cookie, or ``None`` without a secret key;
        ``SECRET_KEY_FALLBACKS`` still verify. Built once per set of keys."""
        return _cached_signer(self._signers, app, self._make_signer)

    def _make_signer(self, keys: list[str | bytes]) -> Signer:
        return Signer(
            keys,  # type: ignore[arg-type]
            salt=self.salt,
            key_derivation=self.key_derivation,
            digest_method=self.digest_method,
        )

    # -- the session interface ----------------------------------------------

    def is_null_session(self, obj: object) -> bool:
        """Null sessions (no secret key) and unavailable ones (the store
        failed to open it) are never saved."""
        return isinstance(obj, (self.null_session_class, UnavailableSession))

    def should_open_for_save(self, app: Flask, request: Request) -> bool:
        """Never: a session the request did not touch costs no store trip
        (so it is not refreshed either)."""
        return False

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """Load the session the cookie names. A missing, tampered, malformed,
        unknown or expired id gives a new empty session.

        An unreachable store raises :exc:`SessionStoreUnavailable` (a 503),
        and is remembered: opening again in the same request (the 503 page,
        a layout that shows flashed messages) gives an
        :class:`UnavailableSession` without trying the store again.
        """
        signer = self.get_signer(app)
        if signer is None:
            return None
        if request.environ.get(_FAILED_OPEN_KEY):
            return UnavailableSession()
        sid = self._sid_from_cookie(
            signer, request.cookies.get(self.get_cookie_name(app))
        )
        if sid is None:
            return self.session_class()
        self._ensure_ready(app)
        try:
            record = self._call(app, self.read_record, self.key_prefix + sid)
        except SessionStoreUnavailable:
            request.environ[_FAILED_OPEN_KEY] = True
            raise
        if record is None:
            return self.session_class()
        payload, expires_at = record
        try:
            data = self.serializer.loads(payload)
        except Exception as e:
            app.logger.warning(
                "Unreadable session data in %s: %s", self.describe_store(), e
            )
            return self.session_class()
        if not isinstance(data, dict):
            return self.session_class()
        return self.session_class(data, sid=sid, new=False, expires_at=expires_at)

    def _sid_from_cookie(self, signer: Signer, value: str | None) -> str | None:
        """The id in a cookie value, if the signature holds and it is well
        formed."""
        if not value:
            return None
        try:
            sid = signer.unsign(value).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None
        return sid if _SID_PATTERN.fullmatch(sid) else None

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        """Write, touch or delete the stored copy as the session requires,
        then set or delete the cookie.

        Saving runs after the view answered, so a store failure here does
        not turn that answer into an error (the work it reports is done):
        the response goes out as it is, without the session change, and the
        failure is logged and sent as
        :data:`~minflask.signals.session_save_failed`.
        """
        if not isinstance(session, ServerSideSession):
            raise TypeError(
                f"{type(self).__name__} saves ServerSideSession objects, not"
                f" {type(session).__name__}."
            )
        if session.accessed:
            response.vary.add("Cookie")
        self._ensure_ready(app)
        try:
            stored = self._sync_store(app, session)
        except SessionStoreUnavailable as error:
            self._save_failed(app, session, response, error)
            return
        if stored:
            if session.modified or self.should_set_cookie(app, session):
                signer = self.get_signer(app)
                assert signer is not None
                value = signer.sign(session.sid).decode("ascii")
                self._set_session_cookie(app, session, response, value)
        elif session.modified or not session.new:
            # Emptied, or ended elsewhere while this request ran.
            self._delete_session_cookie(app, response)

    def _sync_store(self, app: Flask, session: ServerSideSession) -> bool:
        """Bring the store in line with ``session``; return whether a record
        for it now exists (and the cookie should stay)."""
        key = self.key_prefix + session.sid
        if not session:
            if session.modified and not session.new:
                self._call(app, self.delete_record, key)
            return False
        lifetime = self._lifetime(app, session)
        if session.modified or session.new:
            payload = self.serializer.dumps(dict.copy(session))
            create = session.new
            stored = self._call(
                app, self.write_record, key, payload, lifetime, create=create
            )
            if stored:
                session.new = False
            return stored
        if self._should_touch(app, session, lifetime):
            return self._call(app, self.touch_record, key, lifetime)
        return True

    def _lifetime(self, app: Flask, session: SessionMixin) -> float:
        """Seconds the stored copy lives: the permanent lifetime, or the idle
        one for a browser session."""
        if session.permanent:
            return app.permanent_session_lifetime.total_seconds()
        return _seconds(app.config.get("SESSION_IDLE_LIFETIME", DEFAULT_IDLE_LIFETIME))

    def _should_touch(
        self, app: Flask, session: ServerSideSession, lifetime: float
    ) -> bool:
        """Whether an unchanged session's expiry is due to move: permanent
        ones follow ``SESSION_REFRESH_EACH_REQUEST``, browser sessions
        always slide; either way at most once per :attr:`touch_interval`."""
        if session.permanent and not app.config["SESSION_REFRESH_EACH_REQUEST"]:
            return False
        expires_at = session._expires_at
        if expires_at is None:
            return True
        slack = min(self.touch_interval, lifetime / 2)
        return expires_at - self._now() < lifetime - slack

    # -- ending sessions ------------------------------------------------------

    def regenerate(self, session: SessionMixin) -> None:
        """Give ``session`` a new id now and drop what was stored under the
        old one; its data is written under the new id when the response is
        saved, with a new cookie. Call it at login, against session fixation."""
        if not isinstance(session, ServerSideSession):
            raise TypeError(
                f"regenerate() needs a ServerSideSession, not {type(session).__name__}."
            )
        if not session.new:
            app = self._app_for_call()
            self._call(app, self.delete_record, self.key_prefix + session.sid)
        session.sid = _new_session_id()
        session.new = True
        session._expires_at = None
        session.modified = True

    def revoke(self, sid: str) -> bool:
        """End the session stored under ``sid`` (e.g. "log out everywhere"):
        its next request starts a new empty session. Return whether a
        session was stored under it."""
        app = self._app_for_call()
        return self._call(app, self.delete_record, self.key_prefix + sid)

    def _app_for_call(self) -> Flask | None:
        """The current app, if any, set up first: regenerate and revoke are
        called from views and scripts rather than by the request cycle."""
        from .globals import _app_ctx_stack

        ctx = _app_ctx_stack.top
        app = None if ctx is None else ctx.app
        if not self._ready:
            if app is None:
                raise RuntimeError(
                    f"{type(self).__name__} has no settings yet: use it inside an"
                    " app context, or call init_app(app) first."
                )
            self._ensure_ready(app)
        return app

    # -- failure -----------------------------------------------------------------

    def _call(
        self,
        app: Flask | None,
        method: t.Callable[_P, _R],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _R:
        """Run one store operation through the circuit breaker. An
        unreachable store is logged and raised as
        :exc:`SessionStoreUnavailable`; so is any call during the cool-down
        after a failure, without touching the store."""
        breaker = self._breaker
        wait = breaker.refuse(self.cooldown)
        if wait is not None:
            raise SessionStoreUnavailable(retry_after=math.ceil(wait))
        logger = _logger if app is None else app.logger
        try:
            result = method(*args, **kwargs)
        except self.store_errors as e:
            first = breaker.failed(self.cooldown)
            logger.error(
                "Session store unavailable (%s): %s: %s%s",
                self.describe_store(),
                type(e).__name__,
                e,
                f"; leaving it alone for {self.cooldown:g} s"
                if first and self.cooldown
                else "",
            )
            retry = math.ceil(self.cooldown) if self.cooldown else None
            raise SessionStoreUnavailable(retry_after=retry) from e
        except BaseException:
            # The store answered (the error is elsewhere): not an outage.
            breaker.succeeded()
            raise
        breaker.succeeded()
        return result

    def _save_failed(
        self,
        app: Flask,
        session: ServerSideSession,
        response: Response,
        error: SessionStoreUnavailable,
    ) -> None:
        """Report a session that could not be saved; ``response`` (the view's
        answer) goes out unchanged, without a new session cookie."""
        app.logger.warning(
            "Session not saved (%s): the %s response goes out without the"
            " session change.",
            self.describe_store(),
            response.status,
        )
        if signals.session_save_failed.receivers:
            signals.session_save_failed.send(
                app,
                _async_wrapper=app.ensure_sync,
                session=session,
                response=response,
                error=error,
            )
