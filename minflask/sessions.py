"""Sessions: the dict-like ``session`` object and the interfaces that load
it from a request and store it in a response, as in Flask.

The default, :class:`SecureCookieSessionInterface`, keeps the whole session
in a cookie signed with the app's ``SECRET_KEY``: users can read it but not
change it. Set :attr:`minflask.Flask.session_interface` to use another store.

Server-side sessions (``SESSION_TYPE`` "sqlite" or "redis") keep the data in
a store and only a signed random id in the cookie. They live in
:mod:`minflask._server_session` and its stores, imported on first use; their
public names (:class:`ServerSideSessionInterface`,
:exc:`SessionStoreUnavailable`, the store classes, ...) stay reachable here.
"""

from __future__ import annotations

import hashlib
import importlib
import typing as t
from collections.abc import MutableMapping
from datetime import datetime, timezone
from functools import cache

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict
from werkzeug.wrappers import Response as _WerkzeugResponse

from ._cookie_codec import CookieCodec
from .json.tag import TaggedJSONSerializer

try:
    from ._speedups.sessions import lone_cookie_value, session_cookie_header
except ImportError:  # the plain road: request.cookies and set_cookie every time
    lone_cookie_value = None  # type: ignore[assignment]
    session_cookie_header = None  # type: ignore[assignment]

if t.TYPE_CHECKING:  # pragma: no cover
    from ._server_session import ServerSideSession as ServerSideSession
    from ._server_session import (
        ServerSideSessionInterface as ServerSideSessionInterface,
    )
    from ._server_session import SessionStoreUnavailable as SessionStoreUnavailable
    from ._server_session import UnavailableSession as UnavailableSession
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
    "UnavailableSession",
    "session_json_serializer",
]

#: The values ``SESSION_TYPE`` accepts.
SESSION_TYPES = ("cookie", "sqlite", "redis")

#: Server-side names reachable as ``minflask.sessions.<name>``, by module;
#: loaded on first access, so cookie-session apps never import them, nor
#: the stores' drivers (sqlite3, redis).
_SERVER_SIDE_NAMES = {
    "ServerSideSession": "._server_session",
    "ServerSideSessionInterface": "._server_session",
    "SessionStoreUnavailable": "._server_session",
    "UnavailableSession": "._server_session",
    "SqliteSessionInterface": "._session_sqlite",
    "RedisSessionInterface": "._session_redis",
}


def __getattr__(name: str) -> t.Any:
    """Import a server-side name on first access."""
    module = _SERVER_SIDE_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __package__), name)
    globals()[name] = value
    return value


#: Distinct key sets whose signers are kept per interface; past this the
#: cache starts over, so it cannot grow without bound.
_SIGNER_CACHE_SIZE = 8

_S = t.TypeVar("_S")

#: A signer cache's key: the secret key and the fallbacks, as a tuple.
_SignerCacheKey = tuple["str | bytes", tuple["str | bytes", ...]]


def _cached_signer(
    cache: dict[_SignerCacheKey, _S],
    app: Flask,
    build: t.Callable[[list[str | bytes]], _S],
) -> _S | None:
    """The signer for ``app``'s current keys from ``cache``, made by
    ``build(keys)`` the first time (keys oldest first: itsdangerous signs
    with the last, and every one verifies); ``None`` without a secret key.

    Both session interfaces keep their signers this way, so a key rotation
    (a new ``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS``) is noticed at once and
    the cache stays bounded.
    """
    secret_key = app.secret_key
    if not secret_key:
        return None
    fallbacks = app.config["SECRET_KEY_FALLBACKS"]
    cache_key = (secret_key, tuple(fallbacks) if fallbacks else ())
    signer = cache.get(cache_key)
    if signer is None:
        signer = build([*cache_key[1], secret_key])
        if len(cache) >= _SIGNER_CACHE_SIZE:
            cache.clear()
        cache[cache_key] = signer
    return signer


class _CookieOptions(t.TypedDict):
    """The session cookie's attributes besides its name, value and expiry."""

    domain: str | None
    path: str
    secure: bool
    httponly: bool
    samesite: str | None
    partitioned: bool


#: What ``Response.set_cookie`` is unless a response class replaces it.
_WERKZEUG_SET_COOKIE = _WerkzeugResponse.set_cookie

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

    def _cookie_options(self, app: Flask) -> _CookieOptions:
        """The attributes every session cookie this interface sets or deletes
        carries, from the ``get_cookie_*`` methods (so overriding one of them
        changes both). The one place both session interfaces read them."""
        return {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
            "partitioned": self.get_cookie_partitioned(app),
        }

    def _set_session_cookie(
        self, app: Flask, session: SessionMixin, response: Response, value: str
    ) -> None:
        """Send ``value`` as the session cookie, expiring with ``session``."""
        name = self.get_cookie_name(app)
        expires = self.get_expiration_time(app, session)
        options = self._cookie_options(app)
        header = None
        if (
            expires is None
            and session_cookie_header is not None
            and type(response).set_cookie is _WERKZEUG_SET_COOKIE
        ):
            # The header set_cookie would add, from a template per setting.
            header = session_cookie_header(
                name, value, options, response.max_cookie_size
            )
        if header is None:
            response.set_cookie(name, value, expires=expires, **options)
        else:
            response.headers.add("Set-Cookie", header)
        _vary_on_cookie(response)

    def _delete_session_cookie(self, app: Flask, response: Response) -> None:
        """Tell the client to drop its session cookie."""
        response.delete_cookie(self.get_cookie_name(app), **self._cookie_options(app))
        _vary_on_cookie(response)

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
        self._serializers: dict[_SignerCacheKey, URLSafeTimedSerializer] = {}
        self._codecs: dict[int, tuple[URLSafeTimedSerializer, CookieCodec | None]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer that signs and checks cookies, or ``None`` without a
        secret key. Built once per set of keys, then reused."""
        try:
            cache = self._serializers
        except AttributeError:
            # A subclass __init__ that skips ours still gets a cache.
            cache = self._serializers = {}
        return _cached_signer(cache, app, self._make_serializer)

    def _make_serializer(self, keys: list[str | bytes]) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            keys,  # type: ignore[arg-type]
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

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
        name = self.get_cookie_name(app)
        value = None
        if lone_cookie_value is not None:
            # The cookie from a Cookie header that holds nothing else.
            value = lone_cookie_value(request, name)
        if value is None:
            value = request.cookies.get(name)
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
        :mod:`minflask._cookie_codec`), or ``None`` to use ``signer``
        itself. Built once per serializer."""
        try:
            codecs = self._codecs
        except AttributeError:
            codecs = self._codecs = {}
        entry = codecs.get(id(signer))
        # The entry holds the serializer, so its id cannot be reused meanwhile.
        if entry is None or entry[0] is not signer:
            if len(codecs) >= _SIGNER_CACHE_SIZE:
                codecs.clear()
            entry = codecs[id(signer)] = (signer, CookieCodec.for_serializer(signer))
        return entry[1]

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        """Set, refresh or delete the cookie as the session requires."""
        # Reading the session makes the response depend on the cookie.
        if session.accessed:
            _vary_on_cookie(response)

        if not session:
            # Emptied during the request: remove the cookie the client holds.
            if session.modified:
                self._delete_session_cookie(app, response)
            return

        if not self.should_set_cookie(app, session):
            return

        signer = self.get_signing_serializer(app)
        assert signer is not None
        # A plain copy: C speed, and the read is not the view's access.
        data = dict.copy(session) if isinstance(session, dict) else dict(session)
        codec = self._cookie_codec(signer)
        value = signer.dumps(data) if codec is None else codec.dumps(data)
        self._set_session_cookie(app, session, response, value)


def _vary_on_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")``, without parsing a header set when
    ``Vary`` is absent or already just ``Cookie`` (the usual cases)."""
    headers = response.headers
    # getlist, not get: Headers.get raises (and catches) an HTTP exception
    # for a missing header, a costly miss on every session save.
    present = headers.getlist("Vary")
    vary = present[0] if present else None
    if vary is None:
        headers.add("Vary", "Cookie")
    elif vary != "Cookie":
        response.vary.add("Cookie")


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
