"""Application and request contexts, and the helpers that use them.

An :class:`AppContext` makes ``current_app`` and ``g`` available; a
:class:`RequestContext` adds ``request`` and ``session``, pushing an app
context first when the right one is not active. Both are kept on the
LocalStacks in :mod:`minflask.globals`.

Work a request may never need is deferred: the session is opened on first
touch, and an app context builds its URL adapter only when ``url_for`` asks.
"""

from __future__ import annotations

import sys
import typing as t
from functools import update_wrapper
from types import TracebackType

from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from . import _routing, signals
from .globals import _app_ctx_stack, _request_ctx_stack

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .sessions import SessionMixin
    from .wrappers import Request

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

# Tells ``pop`` to take the exception from ``sys.exc_info()``.
_sentinel: t.Any = object()


class _AppCtxGlobals:
    """The ``g`` object: a namespace for data that lives as long as the app
    context, with a few dict-like helpers."""

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """The attribute ``name``, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove and return ``name``; KeyError without a default."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return ``name``, setting it to ``default`` first if missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _app_ctx_stack.top
        if ctx is not None:
            return f"<minflask.g of '{ctx.app.name}'>"
        return object.__repr__(self)


class AppContext:
    """Binds an application to the current thread or task: ``current_app``
    and ``g`` point at it while it is pushed."""

    _url_adapter: MapAdapter | None = None
    _adapter_built = False
    #: Pushes not yet popped: teardown runs only when the last one pops.
    _push_count = 0

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.g: _AppCtxGlobals = app.app_ctx_globals_class()

    @property
    def url_adapter(self) -> MapAdapter | None:
        """An adapter bound to SERVER_NAME, built on first use (None when
        SERVER_NAME is not set)."""
        if not self._adapter_built:
            self._url_adapter = self.app.create_url_adapter(None)
            self._adapter_built = True
        return self._url_adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value
        self._adapter_built = True

    def push(self) -> None:
        """Make this context the active one."""
        _app_ctx_stack.push(self)
        self._push_count += 1
        if signals.appcontext_pushed.receivers:
            signals.appcontext_pushed.send(
                self.app, _async_wrapper=self.app.ensure_sync
            )

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Deactivate this context; the last pop of a context pushed more
        than once also runs the teardown functions."""
        try:
            if self._push_count == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            popped = _app_ctx_stack.pop()
            self._push_count -= 1
        if popped is not self:
            raise AssertionError(
                f"Popped the wrong app context: {popped!r} instead of {self!r}."
            )
        if signals.appcontext_popped.receivers:
            signals.appcontext_popped.send(
                self.app, _async_wrapper=self.app.ensure_sync
            )

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)


class RequestContext:
    """Everything about one request: the request object, its URL adapter,
    its session and the ``after_this_request`` callbacks.

    Pushing it also pushes an app context when the active one belongs to
    another app or there is none; popping it pops that app context too.
    """

    #: Flashed messages taken from the session, once read.
    flashes: list[tuple[str, str]] | None = None
    _opened_session: SessionMixin | None = None
    #: Set once the request's own dispatch (before_request hooks and the
    #: view) has returned or raised; see :meth:`_store_failure_raises`.
    _dispatch_done = False
    _url_adapter: MapAdapter | None = None
    #: With the app's own create_url_adapter, the adapter is made on first
    #: use from these (bound adapter, raw path, method, raw query): most
    #: requests are matched without it.
    _url_parts: tuple[MapAdapter, str, str, str] | None = None

    def __init__(
        self,
        app: Flask,
        environ: dict[str, t.Any],
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
        request.json_module = app.json
        self.request: Request = request
        try:
            if app._url_adapter_deferred and "create_url_adapter" not in vars(app):
                environ = request.environ
                self._url_parts = (
                    app._bound_adapter(request),
                    environ.get("PATH_INFO", "/"),
                    request.method,
                    environ.get("QUERY_STRING", ""),
                )
            else:
                self._url_adapter = app.create_url_adapter(request)
        except HTTPException as e:
            request.routing_exception = e
        if session is not None:
            self._opened_session = session
        self._after_request_functions: list[t.Callable[..., t.Any]] = []
        # One entry per push: the app context pushed along with it, if any.
        self._pushed_app_ctxs: list[AppContext | None] = []

    @property
    def after_request_functions(self) -> list[t.Callable[..., t.Any]]:
        """This request's ``after_this_request`` callbacks, in the order they
        run: the list itself, so tools (the tracer) may wrap its items."""
        return self._after_request_functions

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The request's URL adapter (from ``app.create_url_adapter``), or
        None when the request's host or binding was rejected."""
        parts = self._url_parts
        if parts is not None:
            self._url_parts = None
            self._url_adapter = _routing.adapter_for(*parts)
        return self._url_adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_parts = None
        self._url_adapter = value

    @property
    def session(self) -> SessionMixin:
        """The session, opened through the app's session interface on first
        use, so a request that never touches it never reads the cookie.

        Any use marks it accessed (the response then varies on Cookie),
        even one that only asks ``in`` or ``len``.
        """
        session = self._opened_session
        if session is None:
            session = self._open_session()
        session.accessed = True
        return session

    @session.setter
    def session(self, value: SessionMixin | None) -> None:
        self._opened_session = value

    @property
    def _session(self) -> SessionMixin:
        """Flask's private name for the session object, kept for code that
        inspects it: opens the session if needed without marking it accessed."""
        session = self._opened_session
        return self._open_session() if session is None else session

    @_session.setter
    def _session(self, value: SessionMixin | None) -> None:
        self._opened_session = value

    def _store_failure_raises(self) -> bool:
        """Whether a session store that cannot be reached fails the request
        now (``SessionStoreUnavailable``, a 503).

        Only while the request's own dispatch runs (before_request hooks,
        the view) and a view is to answer it: the view cannot do its work.
        Once the answer is decided (routing failed with a 404 or 405, the
        view returned or raised, so an error handler, after_request or
        teardown is running) the store must not change it.
        """
        return not self._dispatch_done and self.request.routing_exception is None

    def _open_session(self) -> SessionMixin:
        """Open the session (a null one if the interface gives none).

        When the store cannot be reached after the answer is decided (see
        :meth:`_store_failure_raises`), the session reads as an empty
        ``UnavailableSession`` instead of raising, and that is logged.
        """
        interface = self.app.session_interface
        try:
            session = interface.open_session(self.app, self.request)
        except Exception as e:
            if self._store_failure_raises():
                raise
            from ._server_session import SessionStoreUnavailable, UnavailableSession

            if not isinstance(e, SessionStoreUnavailable):
                raise
            self.app.logger.warning(
                "Session store unavailable after the answer was decided (%s):"
                " the session reads as empty for the rest of the request.",
                "routing failed"
                if not self._dispatch_done
                else "error handler, after_request or teardown",
            )
            session = UnavailableSession()
        if session is None:
            session = interface.make_null_session(self.app)
        self._opened_session = session
        return session

    def copy(self) -> RequestContext:
        """A new context for the same request object and session, for use in
        another thread or greenlet."""
        return self.__class__(
            self.app,
            environ=self.request.environ,
            request=self.request,
            session=self._opened_session,
        )

    def match_request(self) -> None:
        """Match the URL; a routing error is kept and raised at dispatch."""
        parts = self._url_parts
        found: t.Any
        try:
            # The adapter's match; with the deferred adapter, matched on the
            # bound one with the request's path, method and query instead.
            if parts is not None:
                found = _routing.match_request(*parts)
            else:
                found = _routing.match(self.url_adapter)  # type: ignore[arg-type]
        except HTTPException as e:
            self.request.routing_exception = e
            return
        self.request.url_rule, self.request.view_args = found

    def push(self) -> None:
        """Activate the request, and an app context for it if needed."""
        app_ctx = _app_ctx_stack.top
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
            self._pushed_app_ctxs.append(app_ctx)
        else:
            self._pushed_app_ctxs.append(None)
        _request_ctx_stack.push(self)
        has_adapter = self._url_parts is not None or self._url_adapter is not None
        if has_adapter and self.request.url_rule is None:
            self.match_request()

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Run teardown_request functions (on the last pop only), deactivate
        the request, and pop the app context pushed with it."""
        last_pop = len(self._pushed_app_ctxs) == 1
        try:
            if last_pop:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self._dispatch_done = True
                self.app.do_teardown_request(exc)
                self.request.close()
        finally:
            popped = _request_ctx_stack.pop()
            app_ctx = self._pushed_app_ctxs.pop() if self._pushed_app_ctxs else None
            if last_pop and popped is not None:
                # Break the environ <-> request cycle so refcounting frees it.
                popped.request.environ["werkzeug.request"] = None
            if app_ctx is not None:
                app_ctx.pop(exc)
        if popped is not self:
            raise AssertionError(
                f"Popped the wrong request context: {popped!r} instead of {self!r}."
            )

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )


def has_app_context() -> bool:
    """Whether an application context is active."""
    return _app_ctx_stack.top is not None


def has_request_context() -> bool:
    """Whether a request context is active."""
    return _request_ctx_stack.top is not None


def after_this_request(f: F) -> F:
    """Run ``f(response)`` after this request only; it may return a new
    response. Raises RuntimeError outside a request."""
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' needs an active request context; call it"
            " from a view function or a before_request hook."
        )
    ctx._after_request_functions.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """Wrap ``f`` so it runs inside a copy of the current request context,
    for example in a background thread. Raises RuntimeError outside one."""
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' needs an active request context;"
            " call it from a view function."
        )
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]
