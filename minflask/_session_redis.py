"""The Redis session store: sessions shared by any number of processes and
machines, expired by Redis itself (key TTLs).

``redis`` is an optional dependency (``pip install minflask[redis]``),
imported when an interface is created, never at ``import minflask``.
"""

from __future__ import annotations

import typing as t

from ._server_session import ServerSideSessionInterface

if t.TYPE_CHECKING:  # pragma: no cover
    import redis

    from .app import Flask

__all__ = ["RedisSessionInterface"]

#: Where sessions go when neither ``SESSION_REDIS`` nor ``SESSION_REDIS_URL``
#: is set.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _import_redis() -> t.Any:
    """The redis package, or an ImportError that says how to install it."""
    try:
        import redis
    except ImportError as e:
        raise ImportError(
            "Redis sessions (SESSION_TYPE='redis') need the redis package:"
            " pip install minflask[redis]",
            name="redis",
        ) from e
    return redis


class RedisSessionInterface(ServerSideSessionInterface):
    """Server-side sessions in Redis: ``client``, else ``SESSION_REDIS`` (a
    ready client), else a client for ``url`` or ``SESSION_REDIS_URL``.

    Clients made here give up on a socket after ``socket_timeout`` seconds
    and retry a dropped connection once, at once: an unreachable Redis
    gives a 503 quickly, and a restarted one is simply reconnected. A client
    you pass keeps its own settings.
    """

    def __init__(
        self,
        client: redis.Redis | None = None,
        *,
        url: str | None = None,
        key_prefix: str | None = None,
        socket_timeout: float = 2.0,
        cooldown: float | None = None,
    ) -> None:
        super().__init__(key_prefix=key_prefix, cooldown=cooldown)
        self._redis = _import_redis()
        self.store_errors = (self._redis.RedisError,)
        self._client_arg = client
        self._url_arg = url
        #: The client in use (set at init when not given).
        self.client: redis.Redis | None = client
        self.socket_timeout = socket_timeout

    def _configure(self, app: Flask) -> None:
        if self._client_arg is not None:
            return
        client = app.config.get("SESSION_REDIS")
        if client is None:
            url = (
                self._url_arg
                or app.config.get("SESSION_REDIS_URL")
                or DEFAULT_REDIS_URL
            )
            client = self._make_client(url)
        self.client = client

    def _make_client(self, url: str) -> redis.Redis:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        retry = Retry(NoBackoff(), 1, supported_errors=(self._redis.ConnectionError,))
        return self._redis.Redis.from_url(  # type: ignore[no-any-return]
            url,
            socket_timeout=self.socket_timeout,
            socket_connect_timeout=self.socket_timeout,
            retry=retry,
        )

    def describe_store(self) -> str:
        # Host, port and db only: the URL may hold a password.
        kwargs = getattr(
            getattr(self.client, "connection_pool", None), "connection_kwargs", {}
        )
        where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        return f"Redis {where} db {kwargs.get('db', 0)}"

    @property
    def _client(self) -> redis.Redis:
        client = self.client
        assert client is not None, "init_app() sets the client"
        return client

    def read_record(self, key: str) -> tuple[str | bytes, float | None] | None:
        # One round trip for the data and its remaining lifetime.
        pipe = self._client.pipeline(transaction=False)
        pipe.get(key)
        pipe.pttl(key)
        payload, pttl = pipe.execute()
        if payload is None:
            return None
        return payload, (self._now() + pttl / 1000 if pttl >= 0 else None)

    def write_record(self, key: str, payload: str, ttl: float, *, create: bool) -> bool:
        ms = max(1, int(ttl * 1000))
        if create:
            self._client.set(key, payload, px=ms)
            return True
        return bool(self._client.set(key, payload, px=ms, xx=True))

    def touch_record(self, key: str, ttl: float) -> bool:
        return bool(self._client.pexpire(key, max(1, int(ttl * 1000))))

    def delete_record(self, key: str) -> bool:
        return bool(self._client.delete(key))
