"""Sessions: the dict-like ``session`` object and the interfaces that load
it from a request and store it in a response.

The default, :class:`SecureCookieSessionInterface`, keeps the whole session
in a cookie signed with the app's ``SECRET_KEY``: users can read it but not
change it. Set :attr:`minflask.Flask.session_interface` to use another store.

Server-side sessions keep the data in a store and only a signed random id in
the cookie: :class:`ServerSideSessionInterface` holds what all stores share,
and ``SESSION_TYPE`` ("cookie", "sqlite" or "redis") picks one per app. The
stores live in private modules, imported on first use.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
import threading
import time
import typing as t
from collections.abc import MutableMapping
from datetime import datetime, timedelta, timezone
from functools import cache

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict
from werkzeug.exceptions import ServiceUnavailable

from ._session_cookie import CookieCodec
from .json.tag import TaggedJSONSerializer

if t.TYPE_CHECKING:  # pragma: no cover
    from ._session_redis import RedisSessionInterface as RedisSessionInterface
    from ._session_sqlite import SqliteSessionInterface as SqliteSessionInterface
    from .app import Flask
    from .wrappers import Request, Response

__all__ = [
    "NullSession",
    "RedisSessionInterface",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "ServerSideSession",
    "ServerSideSessionInterface",
    "SessionInterface",
    "SessionMixin",
    "SessionStoreUnavailable",
    "SqliteSessionInterface",
    "session_json_serializer",
]

#: Distinct key sets whose serializers are kept per interface; past this the
#: cache starts over, so it cannot grow without bound.
_SERIALIZER_CACHE_SIZE = 8

#: The tagged JSON serializer the cookie session uses (public in Flask, so
#: extensions can sign data the same way the session does).
session_json_serializer = TaggedJSONSerializer()


class SessionMixin(MutableMapping[str, t.Any]):
    """Session attributes on top of a mutable mapping. The flags here are
    safe defaults for backends that do not track changes: assume every
    session is modified and accessed, so it is always saved."""

    @property
    def permanent(self) -> bool:
        """Whether the session outlives the browser session; stored in the
        session itself under ``_permanent``."""
        return self.get("_permanent", False)  # type: ignore[no-any-return]

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: Whether the backend created this session just now.
    new = False

    #: Whether the session changed. Mutating nested values is not noticed;
    #: set this to ``True`` yourself after doing so.
    modified = True

    #: Whether the session was used during the request, which makes the
    #: response depend on the ``Cookie`` header. The request context sets it
    #: each time ``session`` is reached through it.
    accessed = False


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """The session of :class:`SecureCookieSessionInterface`: a dict that
    records being changed (``modified``). Being read (``accessed``) is
    recorded by the request context, which hands the session out."""

    modified = False

    def __init__(
        self,
        initial: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
    ) -> None:
        def on_update(self: SecureCookieSession) -> None:
            self.modified = True

        super().__init__(initial, on_update)


class NullSession(SecureCookieSession):
    """The session used when none could be opened (no secret key): empty and
    readable, but every change raises :exc:`RuntimeError` explaining why."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set the"
            " secret_key on the application to something unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail


class SessionInterface:
    """How an app loads and stores sessions. Subclass it, implement
    :meth:`open_session` and :meth:`save_session`, and assign an instance to
    :attr:`minflask.Flask.session_interface`.

    The cookie settings come from the ``SESSION_COOKIE_*`` config keys; the
    helpers below read them so subclasses behave consistently.
    """

    #: Returned by :meth:`make_null_session` when no session can be opened.
    null_session_class: type[SecureCookieSession] = NullSession

    #: Whether the backend pickles sessions (informational, as in Flask).
    pickle_based = False

    def make_null_session(self, app: Flask) -> NullSession:
        """A session that explains on write why sessions are unavailable."""
        return self.null_session_class()  # type: ignore[return-value]

    def is_null_session(self, obj: object) -> bool:
        """Whether ``obj`` is a null session, which is never saved."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Flask) -> str:
        """``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: Flask) -> str | None:
        """``SESSION_COOKIE_DOMAIN``; ``None`` keeps the cookie on the exact host."""
        return app.config["SESSION_COOKIE_DOMAIN"]  # type: ignore[no-any-return]

    def get_cookie_path(self, app: Flask) -> str:
        """``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        config = app.config
        return config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: Flask) -> bool:
        """``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: Flask) -> bool:
        """``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: Flask) -> bool:
        """``SESSION_COOKIE_PARTITIONED``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """When a permanent session expires (now plus the app's
        ``permanent_session_lifetime``, UTC); ``None`` for a browser session."""
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Whether to send the cookie: the session changed, or it is permanent
        and ``SESSION_REFRESH_EACH_REQUEST`` renews its expiry every time."""
        return session.modified or (
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def should_open_for_save(self, app: Flask, request: Request) -> bool:
        """Whether a session the request never touched must still be opened
        so :meth:`save_session` can change the response. The base answer is
        always yes, so custom interfaces see every request, as in Flask."""
        return True

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """Load the request's session. ``None`` means sessions are
        unavailable and a null session is used instead."""
        raise NotImplementedError()

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        """Store ``session``, e.g. by setting a cookie on ``response``."""
        raise NotImplementedError()


class SecureCookieSessionInterface(SessionInterface):
    """Store the session in a cookie signed by :mod:`itsdangerous` with
    ``SECRET_KEY``; ``SECRET_KEY_FALLBACKS`` still verify older cookies."""

    #: Salt mixed into the key so these signatures are useless elsewhere.
    salt = "cookie-session"
    #: Hash for the signature.
    digest_method = staticmethod(hashlib.sha1)
    #: How itsdangerous derives the signing key from the secret.
    key_derivation = "hmac"
    #: Turns session data into the cookie payload and back.
    serializer = session_json_serializer
    session_class = SecureCookieSession

    #: True for subclasses that replace how sessions are loaded, saved or
    #: built; their untouched sessions are always opened, as in Flask.
    _custom_io = False

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        base = SecureCookieSessionInterface
        cls._custom_io = (
            cls.open_session is not base.open_session
            or cls.save_session is not base.save_session
            or cls.should_set_cookie is not base.should_set_cookie
            or cls.session_class is not base.session_class
        )

    def __init__(self) -> None:
        self._serializers: dict[
            tuple[str | bytes, tuple[str | bytes, ...]], URLSafeTimedSerializer
        ] = {}
        self._codecs: dict[int, tuple[URLSafeTimedSerializer, CookieCodec | None]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer that signs and checks cookies, or ``None`` without a
        secret key. Built once per set of keys, then reused."""
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"]
        cache_key = (secret_key, tuple(fallbacks) if fallbacks else ())
        try:
            cache = self._serializers
        except AttributeError:
            # A subclass __init__ that skips ours still gets a cache.
            cache = self._serializers = {}
        signer = cache.get(cache_key)
        if signer is None:
            # itsdangerous signs with the last key; the fallbacks only verify.
            keys = [*cache_key[1], secret_key]
            signer = URLSafeTimedSerializer(
                keys,
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            if len(cache) >= _SERIALIZER_CACHE_SIZE:
                cache.clear()
            cache[cache_key] = signer
        return signer

    def should_open_for_save(self, app: Flask, request: Request) -> bool:
        """Only a present cookie that may need its expiry refreshed matters:
        an untouched session is otherwise empty or unchanged, and ``Vary``
        is only added once it is accessed."""
        if self._custom_io:
            return True
        return (
            "HTTP_COOKIE" in request.environ
            and bool(app.config["SESSION_REFRESH_EACH_REQUEST"])
            and self.get_cookie_name(app) in request.cookies
        )

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Load the signed cookie; a missing, tampered or expired one gives a
        new empty session."""
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        codec = self._cookie_codec(signer)
        try:
            if codec is None:
                data = signer.loads(value, max_age=max_age)
            else:
                data = codec.loads(value, max_age)
        except BadSignature:
            return self.session_class()
        return self.session_class(data)

    def _cookie_codec(self, signer: URLSafeTimedSerializer) -> CookieCodec | None:
        """The one-pass codec doing what ``signer`` does to cookies (see
        :mod:`minflask._session_cookie`), or ``None`` to use ``signer``
        itself. Built once per serializer."""
        try:
            codecs = self._codecs
        except AttributeError:
            codecs = self._codecs = {}
        entry = codecs.get(id(signer))
        # The entry holds the serializer, so its id cannot be reused meanwhile.
        if entry is None or entry[0] is not signer:
            if len(codecs) >= _SERIALIZER_CACHE_SIZE:
                codecs.clear()
            entry = codecs[id(signer)] = (signer, CookieCodec.for_serializer(signer))
        return entry[1]

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        """Set, refresh or delete the cookie as the session requires."""
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)

        # Reading the session makes the response depend on the cookie.
        if session.accessed:
            _vary_on_cookie(response)

        if not session:
            # Emptied during the request: remove the cookie the client holds.
            if session.modified:
                response.delete_cookie(
                    name,
                    domain=domain,
                    path=path,
                    secure=secure,
                    partitioned=partitioned,
                    samesite=samesite,
                    httponly=httponly,
                )
                _vary_on_cookie(response)
            return

        if not self.should_set_cookie(app, session):
            return

        signer = self.get_signing_serializer(app)
        assert signer is not None
        # A plain copy: C speed, and the read is not the view's access.
        data = dict.copy(session) if isinstance(session, dict) else dict(session)
        codec = self._cookie_codec(signer)
        value = signer.dumps(data) if codec is None else codec.dumps(data)
        response.set_cookie(
            name,
            value,
            expires=self.get_expiration_time(app, session),
            httponly=httponly,
            domain=domain,
            path=path,
            secure=secure,
            partitioned=partitioned,
            samesite=samesite,
        )
        _vary_on_cookie(response)


def _vary_on_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")``, without parsing a header set when
    ``Vary`` is absent or already just ``Cookie`` (the usual cases)."""
    headers = response.headers
    vary = headers.get("Vary")
    if vary is None:
        headers["Vary"] = "Cookie"
    elif vary != "Cookie":
        response.vary.add("Cookie")


# -- server-side sessions ------------------------------------------------------

#: The values ``SESSION_TYPE`` accepts.
SESSION_TYPES = ("cookie", "sqlite", "redis")

#: How long an unused non-permanent server-side session is kept, unless
#: ``SESSION_IDLE_LIFETIME`` (a timedelta or seconds) says otherwise.
DEFAULT_IDLE_LIFETIME = timedelta(days=1)

#: Store classes reachable as ``minflask.sessions.<name>``, by module; their
#: drivers (sqlite3, redis) load only when one is used.
_STORE_MODULES = {
    "SqliteSessionInterface": "._session_sqlite",
    "RedisSessionInterface": "._session_redis",
}

# secrets.token_urlsafe(32): 256 random bits as 43 URL-safe base64 characters.
_SID_BYTES = 32
_SID_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")

_logger = logging.getLogger(__name__)

_P = t.ParamSpec("_P")
_R = t.TypeVar("_R")


def __getattr__(name: str) -> t.Any:
    """Import a store's interface class on first access."""
    module = _STORE_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __package__), name)
    globals()[name] = value
    return value


def _new_session_id() -> str:
    """A fresh random session id (256 bits from :mod:`secrets`)."""
    # Imported here: it pulls in `random`, which cookie sessions never need.
    import secrets

    return secrets.token_urlsafe(_SID_BYTES)


def _seconds(value: timedelta | float) -> float:
    """A lifetime from config, given as a timedelta or as seconds."""
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
    client gets a 503 instead of a hang or a 500 page."""

    description = (
        "The session store is unavailable at the moment. Please try again in a"
        " little while."
    )


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

    def __init__(self, *, key_prefix: str | None = None) -> None:
        self._key_prefix_arg = key_prefix
        #: Prepended to the session id to make the store key.
        self.key_prefix = "session:" if key_prefix is None else key_prefix
        self._ready = False
        self._init_lock = threading.Lock()
        self._signers: dict[tuple[str | bytes, tuple[str | bytes, ...]], Signer] = {}

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
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"]
        cache_key = (secret_key, tuple(fallbacks) if fallbacks else ())
        signer = self._signers.get(cache_key)
        if signer is None:
            # Signs with the last key; all of them verify.
            signer = Signer(
                [*cache_key[1], secret_key],
                salt=self.salt,
                key_derivation=self.key_derivation,
                digest_method=self.digest_method,
            )
            if len(self._signers) >= _SERIALIZER_CACHE_SIZE:
                self._signers.clear()
            self._signers[cache_key] = signer
        return signer

    # -- the session interface ----------------------------------------------

    def should_open_for_save(self, app: Flask, request: Request) -> bool:
        """Never: a session the request did not touch costs no store trip
        (so it is not refreshed either)."""
        return False

    def open_session(self, app: Flask, request: Request) -> ServerSideSession | None:
        """Load the session the cookie names. A missing, tampered, malformed,
        unknown or expired id gives a new empty session; an unreachable
        store raises :exc:`SessionStoreUnavailable` (a 503)."""
        signer = self.get_signer(app)
        if signer is None:
            return None
        sid = self._sid_from_cookie(
            signer, request.cookies.get(self.get_cookie_name(app))
        )
        if sid is None:
            return self.session_class()
        self._ensure_ready(app)
        record = self._call(app, self.read_record, self.key_prefix + sid)
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
        then set or delete the cookie. If the store fails here, after the
        view has answered, the response is replaced by the 503."""
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
            self._answer_unavailable(app, response, error)
            return
        if stored:
            if session.modified or self.should_set_cookie(app, session):
                self._set_cookie(app, session, response)
        elif session.modified or not session.new:
            # Emptied, or ended elsewhere while this request ran.
            self._delete_cookie(app, response)

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

    def _set_cookie(
        self, app: Flask, session: ServerSideSession, response: Response
    ) -> None:
        signer = self.get_signer(app)
        assert signer is not None
        response.set_cookie(
            self.get_cookie_name(app),
            signer.sign(session.sid).decode("ascii"),
            expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")

    def _delete_cookie(self, app: Flask, response: Response) -> None:
        response.delete_cookie(
            self.get_cookie_name(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app),
            samesite=self.get_cookie_samesite(app),
            httponly=self.get_cookie_httponly(app),
        )
        response.vary.add("Cookie")

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
        """Run one store operation; an unreachable store is logged and
        raised as :exc:`SessionStoreUnavailable`."""
        try:
            return method(*args, **kwargs)
        except self.store_errors as e:
            logger = _logger if app is None else app.logger
            logger.error(
                "Session store unavailable (%s): %s: %s",
                self.describe_store(),
                type(e).__name__,
                e,
            )
            raise SessionStoreUnavailable() from e

    def _answer_unavailable(
        self, app: Flask, response: Response, error: SessionStoreUnavailable
    ) -> None:
        """Turn ``response`` into the app's answer to ``error`` (its 503
        handler, or the 503 page): saving runs after the view answered, so
        the answer built for a session that was not stored must not go out."""
        answer = app.make_response(app.handle_http_exception(error))
        body = response.response
        response.status = answer.status
        response.headers = answer.headers
        response.response = answer.response
        response.direct_passthrough = answer.direct_passthrough
        close = getattr(body, "close", None)
        if close is not None and body is not answer.response:
            close()


@cache
def _shared_cookie_interface() -> SecureCookieSessionInterface:
    """The signed-cookie interface all cookie-session apps share."""
    return SecureCookieSessionInterface()


def _interface_from_config(app: Flask) -> SessionInterface:
    """The interface ``SESSION_TYPE`` names, for an app that did not assign
    one; server-side ones are per app, set up from its config."""
    kind = app.config.get("SESSION_TYPE") or "cookie"
    if kind == "cookie":
        return _shared_cookie_interface()
    if kind not in SESSION_TYPES:
        valid = ", ".join(repr(k) for k in SESSION_TYPES)
        raise ValueError(f"Unknown SESSION_TYPE {kind!r}. Valid values: {valid}.")
    interface: ServerSideSessionInterface
    if kind == "sqlite":
        from ._session_sqlite import SqliteSessionInterface

        interface = SqliteSessionInterface()
    else:
        from ._session_redis import RedisSessionInterface

        interface = RedisSessionInterface()
    interface.init_app(app)
    return interface
