"""The test client and the environ builder that knows the app's config.

``FlaskClient`` is Werkzeug's test client with three additions: requests
default to the app's SERVER_NAME, APPLICATION_ROOT and URL scheme; JSON is
encoded with the app's provider; and ``with client:`` keeps the contexts of
the last request active so tests can inspect ``request`` and ``g``.
"""

from __future__ import annotations

import typing as t
from contextlib import ExitStack, contextmanager
from copy import copy
from functools import cache
from urllib.parse import urlsplit

import werkzeug.test
from werkzeug.test import Client
from werkzeug.wrappers import Request as BaseRequest

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.test import TestResponse

    from ._cli_runner import FlaskCliRunner as FlaskCliRunner
    from .app import Flask
    from .sessions import SessionMixin


def __getattr__(name: str) -> t.Any:
    """``FlaskCliRunner`` is imported on first use: it needs click, which
    the test client does not."""
    if name == "FlaskCliRunner":
        from ._cli_runner import FlaskCliRunner

        globals()[name] = FlaskCliRunner
        return FlaskCliRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """Werkzeug's EnvironBuilder with a base URL taken from the app's
    ``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``."""

    def __init__(
        self,
        app: Flask,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            # AssertionError, as Flask raises: callers and tests expect it.
            raise AssertionError(
                'Cannot pass "subdomain" or "url_scheme" with "base_url".'
            )
        if base_url is None:
            host = app.config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            root = app.config["APPLICATION_ROOT"].lstrip("/")
            url = urlsplit(path)
            base_url = f"{url.scheme or url_scheme}://{url.netloc or host}/{root}"
            path = f"{url.path}?{url.query}" if url.query else url.path
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Encode ``json=`` data with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


class FlaskClient(Client):
    """Sends requests to the app without a server (``app.test_client()``).

    ``with client:`` keeps the last request's contexts pushed until the
    block ends (or the next request), so ``request``, ``session`` and ``g``
    can be inspected after the response.
    """

    application: Flask

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._new_contexts: list[t.ContextManager[t.Any]] = []
        self._context_stack = ExitStack()
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Werkzeug/{_werkzeug_version()}",
        }

    def _copy_environ(self, other: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        environ = {**self.environ_base, **other}
        if self.preserve_context:
            environ["werkzeug.debug.preserve_context"] = self._new_contexts.append
        return environ

    def _request_from_builder_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> BaseRequest:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base", {}))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request; takes the arguments of EnvironBuilder, or a
        ready EnvironBuilder, environ dict or Request."""
        first = args[0] if args else None
        if isinstance(first, werkzeug.test.EnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._copy_environ(builder.environ_base or {})
            request = builder.get_request()
        elif isinstance(first, dict):
            request = EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._copy_environ({})
            ).get_request()
        elif isinstance(first, BaseRequest):
            request = copy(first)
            request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)

        # Contexts kept from the previous request end when a new one starts.
        self._context_stack.close()
        response = super().open(
            request, buffered=buffered, follow_redirects=follow_redirects
        )
        response.json_module = self.application.json  # type: ignore[assignment]
        # Keep the contexts this request preserved: app context first, so
        # the request context reuses it.
        for cm in self._new_contexts:
            self._context_stack.enter_context(cm)
        self._new_contexts.clear()
        return response

    @contextmanager
    def session_transaction(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Iterator[SessionMixin]:
        """Open the session this client would send, let the block change
        it, then store it back in the client's cookies.

        Takes the arguments of :meth:`minflask.Flask.test_request_context`.
        """
        if self._cookies is None:
            raise TypeError(
                "Cookies are disabled. Create a client with 'use_cookies=True'."
            )
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)
        with ctx:
            session = app.session_interface.open_session(app, ctx.request)
        if session is None:
            raise RuntimeError("Session backend did not open a session.")
        yield session
        response = app.response_class()
        if app.session_interface.is_null_session(session):
            return
        with ctx:
            app.session_interface.save_session(app, session, response)
        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            response.headers.getlist("Set-Cookie"),
        )

    def __enter__(self) -> FlaskClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.preserve_context = False
        self._context_stack.close()


@cache
def _werkzeug_version() -> str:
    from importlib.metadata import version

    return version("werkzeug")
