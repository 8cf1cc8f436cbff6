"""The application: a WSGI callable, and the life of one request.

Read :meth:`Flask.wsgi_app` first. Each arrow of a request is one short
method below it, in order::

    wsgi_app -> request_context().push() -> full_dispatch_request
        preprocess_request      url_value_preprocessors, before_request
        dispatch_request        the view (or the routing error)
        handle_user_exception   an error handler, when something raised
        finalize_request        make_response, process_response (after_request,
                                session save), request_finished
    handle_exception            the 500 path for anything unhandled
    ctx.pop()                   teardown_request, teardown_appcontext

Hooks are scoped: ``None`` for the app, then the request's blueprints.
:func:`minflask.wrappers.scope_order` is the one place that order is
decided; steps that run from the inside out walk it backwards.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import os
import sys
import threading
import typing as t
import weakref
from collections.abc import Iterator
from datetime import timedelta
from functools import cached_property
from types import TracebackType
from urllib.parse import quote as _url_quote

from werkzeug.datastructures import Headers, ImmutableDict
from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
)
from werkzeug.routing import BuildError, Map, MapAdapter, RequestRedirect, Rule
from werkzeug.routing.exceptions import RoutingException
from werkzeug.utils import redirect as _werkzeug_redirect
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wsgi import get_host

from . import _routing, signals
from ._trace_switch import first_request_switch
from .config import Config, ConfigAttribute
from .ctx import AppContext, RequestContext, _AppCtxGlobals, _sentinel
from .globals import (
    _app_ctx_stack,
    _no_req_msg,
    _request_ctx_stack,
    g,
    request,
    session,
)
from .helpers import get_debug_flag
from .json.provider import DefaultJSONProvider, JSONProvider
from .sansio.app import App
from .scaffold import (
    _endpoint_from_view_func,
    find_install_prefix,
    find_package_folder,
    registering_decorator,
    setupmethod,
)
from .wrappers import Request, Response, scope_order

try:
    from ._speedups.errors import stock_error_response as _stock_error_response
except ImportError:  # the plain road: Werkzeug renders every error page
    _stock_error_response = None  # type: ignore[assignment]

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ._cli_runner import FlaskCliRunner
    from .blueprints import Blueprint
    from .cli import AppGroup
    from .sessions import SessionInterface
    from .templating import DispatchingJinjaLoader, Environment
    from .testing import FlaskClient

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
_CO_COROUTINE = inspect.CO_COROUTINE

_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"

#: The request's spine: the app methods a request passes through, in the
#: order it meets them (see the module docstring). The tracer and the
#: inspector instrument exactly these names; renaming or removing one of
#: them must update this tuple, and the tracer fails loudly if it does not.
DISPATCH_STEPS: tuple[str, ...] = (
    "wsgi_app",
    "full_dispatch_request",
    "preprocess_request",
    "dispatch_request",
    "make_default_options_response",
    "handle_user_exception",
    "handle_http_exception",
    "handle_exception",
    "finalize_request",
    "make_response",
    "process_response",
    "update_template_context",
    "do_teardown_request",
    "do_teardown_appcontext",
)

#: Distinct bind parameters kept per app; past this the cache starts over,
#: so a flood of made-up Host headers cannot grow memory.
_ADAPTER_CACHE_SIZE = 256


def _make_timedelta(value: t.Any) -> timedelta:
    """Config may hold the session lifetime as seconds or a timedelta."""
    if value is None or isinstance(value, timedelta):
        return value  # type: ignore[return-value]
    return timedelta(seconds=value)


class _DefaultSessionInterface:
    """Default for ``Flask.session_interface``: on an app's first use, the
    interface its ``SESSION_TYPE`` names (the shared signed-cookie one
    unless set), then kept on that app. On the class, the cookie interface.
    Assigning on an app or a subclass replaces it as usual."""

    _lock = threading.Lock()

    def __get__(self, obj: Flask | None, owner: type | None = None) -> SessionInterface:
        from .sessions import _interface_from_config, _shared_cookie_interface

        if obj is None:
            return _shared_cookie_interface()
        # Stored in the instance dict, which wins over this non-data
        # descriptor: later lookups are plain attribute reads.
        with self._lock:
            interface = obj.__dict__.get("session_interface")
            if interface is None:
                interface = _interface_from_config(obj)
                obj.__dict__["session_interface"] = interface
        return interface


class _DefaultJinjaEnvironment:
    """Class-level default for ``Flask.jinja_environment``:
    :class:`minflask.templating.Environment`, imported on first access so
    that importing minflask does not import Jinja."""

    def __get__(self, obj: object, owner: type | None = None) -> type[Environment]:
        from .templating import Environment

        return Environment


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """Add ``g`` and ``request`` to the template context when their contexts
    are active. ``session`` stays a Jinja global (the proxy), so rendering
    opens the session only if the template actually reads it."""
    rv: dict[str, t.Any] = {}
    app_ctx = _app_ctx_stack.top
    if app_ctx is not None:
        rv["g"] = app_ctx.g
    req_ctx = _request_ctx_stack.top
    if req_ctx is not None:
        rv["request"] = req_ctx.request
    return rv


class Flask(App):
    """The WSGI application: the central registry of views, hooks, config
    and blueprints, and the code that runs each request through them.

    ``import_name`` is usually ``__name__``; it locates ``root_path``, the
    base of the ``static`` and ``templates`` folders.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    aborter_class = Aborter
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    url_rule_class = Rule
    url_map_class = Map
    test_client_class: type[FlaskClient] | None = None
    test_cli_runner_class: type[t.Any] | None = None
    jinja_options: dict[str, t.Any] = {}
    jinja_environment: type[Environment] = _DefaultJinjaEnvironment()  # type: ignore[assignment]
    session_interface: SessionInterface = _DefaultSessionInterface()  # type: ignore[assignment,unused-ignore]

    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute["str | bytes | None"]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME", get_converter=_make_timedelta
    )

    default_config = ImmutableDict(
        {
            "DEBUG": None,
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": None,
            "SECRET_KEY": None,
            "SECRET_KEY_FALLBACKS": None,
            "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
            "USE_X_SENDFILE": False,
            "TRUSTED_HOSTS": None,
            "SERVER_NAME": None,
            "APPLICATION_ROOT": "/",
            "SESSION_COOKIE_NAME": "session",
            "SESSION_COOKIE_DOMAIN": None,
            "SESSION_COOKIE_PATH": None,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": False,
            "SESSION_COOKIE_PARTITIONED": False,
            "SESSION_COOKIE_SAMESITE": None,
            "SESSION_REFRESH_EACH_REQUEST": True,
            "MAX_CONTENT_LENGTH": None,
            "MAX_FORM_MEMORY_SIZE": 500_000,
            "MAX_FORM_PARTS": 1_000,
            "SEND_FILE_MAX_AGE_DEFAULT": None,
            "TRAP_BAD_REQUEST_ERRORS": None,
            "TRAP_HTTP_EXCEPTIONS": False,
            "EXPLAIN_TEMPLATE_LOADING": False,
            "PREFERRED_URL_SCHEME": "http",
            "TEMPLATES_AUTO_RELOAD": None,
            "MAX_COOKIE_SIZE": 4093,
            "PROVIDE_AUTOMATIC_OPTIONS": True,
        }
    )

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute."
                " A relative path was given instead."
            )
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()
        self.json: JSONProvider = self.json_provider_class(self)

        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        self.teardown_appcontext_funcs: list[t.Callable[..., t.Any]] = []
        self.shell_context_processors: list[t.Callable[[], dict[str, t.Any]]] = []
        self.blueprints: dict[str, Blueprint] = {}
        self.extensions: dict[str, t.Any] = {}
        self.url_map = self.url_map_class(host_matching=host_matching)
        _routing.watch(self.url_map)
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False
        # INSPECTOR in the config switches the inspector on at the first
        # request: this shim steps aside then (see minflask._trace_switch).
        self.wsgi_app = first_request_switch(self)  # type: ignore[method-assign]
        # Environ values and SERVER_NAME -> an adapter bound to them.
        self._bind_cache: dict[tuple[t.Any, ...], MapAdapter] = {}
        # url_for's inputs -> the URL (see minflask._routing.build).
        self._url_build_cache: dict[tuple[t.Any, ...], str] = {}
        self.template_context_processors[None].append(_default_template_ctx_processor)
        # Filters, tests and globals registered through the app; kept here
        # so registering them does not create the Jinja environment.
        self._jinja_items: dict[str, dict[str, t.Any]] = {
            "filters": {},
            "tests": {},
            "globals": {},
        }

        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise AssertionError(
                    "Invalid static_host/host_matching combination: pass"
                    " static_host exactly when host_matching is on."
                )
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=_static_view_for(self),
            )

    #: Whether request contexts may defer making their URL adapter: true
    #: unless a subclass replaces :meth:`create_url_adapter`.
    _url_adapter_deferred = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._url_adapter_deferred = cls.create_url_adapter is Flask.create_url_adapter

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the"
                " application: it has already handled its first request, and"
                " changes now would not apply consistently. Register views,"
                " hooks and blueprints before the app starts serving."
            )

    # -- identity, config, logging ----------------------------------------

    @cached_property
    def name(self) -> str:  # type: ignore[override]
        """The import name, or the script's name when run as ``__main__``."""
        if self.import_name == "__main__":
            filename = getattr(sys.modules["__main__"], "__file__", None)
            if filename is None:
                return "__main__"
            return str(os.path.splitext(os.path.basename(filename))[0])
        return self.import_name

    @cached_property
    def cli(self) -> AppGroup:
        """The app's command group, merged into the ``minflask`` command;
        created on first use so that apps which never use it skip click."""
        from .cli import AppGroup

        return AppGroup(self.name)

    @cached_property
    def logger(self) -> logging.Logger:
        """The ``logging.Logger`` named after the app (see minflask.logging)."""
        from .logging import create_logger

        return create_logger(self)

    @property
    def debug(self) -> bool:
        """Debug mode (the ``DEBUG`` config key)."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None and "jinja_env" in vars(self):
            vars(self)["jinja_env"].auto_reload = value

    @property
    def propagate_exceptions(self) -> bool:
        """``PROPAGATE_EXCEPTIONS``, defaulting to on in testing/debug mode."""
        value = self.config["PROPAGATE_EXCEPTIONS"]
        if value is not None:
            return bool(value)
        return bool(self.testing or self.debug)

    def make_config(self, instance_relative: bool = False) -> Config:
        """The config object, seeded with ``default_config`` and
        ``FLASK_DEBUG``, relative to the root or the instance folder."""
        root = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root, defaults)

    def make_aborter(self) -> Aborter:
        """The object :func:`minflask.abort` calls."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """``instance`` beside the package, or ``<prefix>/var/<name>-instance``
        when the package is installed under ``sys.prefix``."""
        package_folder = find_package_folder(self.import_name)
        prefix = find_install_prefix(package_folder)
        if prefix is not None:
            return os.path.join(prefix, "var", f"{self.name}-instance")
        return os.path.join(package_folder, "instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.Any]:
        """Open a file in the instance folder, in any mode."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- registration ----------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register ``rule`` for ``endpoint`` (default: the view's name).

        Methods default to the view's ``methods`` attribute or GET; HEAD
        comes with GET and OPTIONS is answered automatically unless turned
        off. Reusing an endpoint for a different function is an error.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        method_set = {m.upper() for m in methods}
        method_set.update(getattr(view_func, "required_methods", ()))

        if provide_automatic_options is None:
            provide_automatic_options = getattr(
                view_func, "provide_automatic_options", None
            )
        if provide_automatic_options is None:
            provide_automatic_options = "OPTIONS" not in method_set and bool(
                self.config["PROVIDE_AUTOMATIC_OPTIONS"]
            )
        if provide_automatic_options:
            method_set.add("OPTIONS")

        rule_obj = self.url_rule_class(rule, methods=method_set, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        _routing.watch(self.url_map)  # in case url_map was replaced
        self.url_map.add(rule_obj)
        if view_func is not None:
            existing = self.view_functions.get(endpoint)
            if existing is not None and existing != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing endpoint"
                    f" function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register ``blueprint``; options (``url_prefix``, ``subdomain``,
        ``url_defaults``, ``name``) override the blueprint's own."""
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    @setupmethod
    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(exc)`` when the app context is popped."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(self, f: F) -> F:
        """Add the dict ``f()`` returns to the ``shell`` command's namespace."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """Names available in the interactive shell."""
        namespace: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            namespace.update(processor())
        return namespace

    # -- templates ---------------------------------------------------------

    @cached_property
    def jinja_env(self) -> Environment:
        """The app's Jinja environment, created by
        :meth:`create_jinja_environment` on first use."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Build the Jinja environment from ``jinja_options``, with
        autoescaping by :meth:`select_jinja_autoescape`, auto-reload from
        ``TEMPLATES_AUTO_RELOAD`` (None follows debug mode), the template
        globals, and the filters/tests/globals registered on the app."""
        from .helpers import get_flashed_messages

        options = dict(self.jinja_options)
        options.setdefault("autoescape", self.select_jinja_autoescape)
        if "auto_reload" not in options:
            auto_reload = self.config["TEMPLATES_AUTO_RELOAD"]
            options["auto_reload"] = self.debug if auto_reload is None else auto_reload
        env = self.jinja_environment(self, **options)
        # The context processor adds request/session/g per render; the
        # proxies here serve imported templates, which do not get it.
        env.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            request=request,
            session=session,
            g=g,
        )
        env.policies["json.dumps_function"] = self.json.dumps
        for kind, items in self._jinja_items.items():
            getattr(env, kind).update(items)
        return env

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """The environment's loader: the app's template folder, then each
        blueprint's. Override to load templates differently."""
        from .templating import DispatchingJinjaLoader

        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether to autoescape a template: yes for template strings (no
        filename) and for .html, .htm, .xml, .xhtml and .svg files."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add the context processors' values to ``context`` in place: the
        app's, then those of the request's blueprints, outermost first.
        Values already in ``context`` (passed to render) are kept."""
        req_ctx = _request_ctx_stack.top
        scopes = scope_order(None)
        if req_ctx is not None:
            scopes = req_ctx.request._scope_order
        explicit = context.copy()
        registry = self.template_context_processors
        for scope in scopes:
            for func in registry.get(scope, ()):
                context.update(self.ensure_sync(func)())
        context.update(explicit)

    def _add_jinja_item(self, kind: str, name: str, value: t.Any) -> None:
        """Record a filter/test/global; apply it now if the env exists."""
        self._jinja_items[kind][name] = value
        env = vars(self).get("jinja_env")
        if env is not None:
            getattr(env, kind)[name] = value

    @setupmethod
    def template_filter(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register the decorated function as a Jinja filter, named
        ``name`` or after the function."""
        return registering_decorator(self.add_template_filter, name)

    @setupmethod
    def add_template_filter(
        self, f: t.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja filter (see :meth:`template_filter`)."""
        self._add_jinja_item("filters", name or f.__name__, f)

    @setupmethod
    def template_test(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register the decorated function as a Jinja test (``is name``),
        named ``name`` or after the function."""
        return registering_decorator(self.add_template_test, name)

    @setupmethod
    def add_template_test(
        self, f: t.Callable[..., bool], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja test (see :meth:`template_test`)."""
        self._add_jinja_item("tests", name or f.__name__, f)

    @setupmethod
    def template_global(self, name: str | None = None) -> t.Callable[[F], F]:
        """Make the decorated function available in every template, named
        ``name`` or after the function."""
        return registering_decorator(self.add_template_global, name)

    @setupmethod
    def add_template_global(
        self, f: t.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a template global (see :meth:`template_global`)."""
        self._add_jinja_item("globals", name or f.__name__, f)

    # -- async -------------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Return ``func`` if it is synchronous, else a wrapper that runs the
        coroutine function to completion with :meth:`async_to_sync`."""
        code = getattr(func, "__code__", None)
        if code is not None:
            is_async = bool(code.co_flags & _CO_COROUTINE)
        else:
            is_async = inspect.iscoroutinefunction(func)
        return self.async_to_sync(func) if is_async else func

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Wrap a coroutine function so a synchronous caller can call it.

        It runs on a fresh asyncio event loop in this thread, with a copy of
        the current context so the context proxies work inside it. When a
        loop is already running here, it runs in a helper thread instead.
        Context variables it sets (pushed contexts included) are then set in
        the caller's context too, as if it had been a plain call.
        """

        import asyncio  # only apps with async views pay for importing it

        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            final: list[contextvars.Context] = []
            coro = _capture_context(func(*args, **kwargs), final)
            try:
                try:
                    asyncio.get_running_loop()
                except RuntimeError:
                    return asyncio.run(coro)
                return _run_in_thread(coro)
            finally:
                if final:
                    _adopt_context(final[0])

        wrapper.__name__ = getattr(func, "__name__", "wrapper")
        wrapper.__wrapped__ = func  # type: ignore[attr-defined]
        return wrapper

    # -- URLs --------------------------------------------------------------

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """The URL adapter for ``request``, or, outside a request, one bound
        to ``SERVER_NAME`` (None if that is not set).

        Host and binding values depend only on a few environ values and the
        config, so they are computed once per distinct combination and
        cached (:meth:`_bound_adapter`); per request only the cheap adapter
        object is made.
        """
        if request is None:
            server_name = self.config["SERVER_NAME"]
            if server_name is None:
                return None
            return self.url_map.bind(
                server_name,
                script_name=self.config["APPLICATION_ROOT"],
                url_scheme=self.config["PREFERRED_URL_SCHEME"],
            )

        environ = request.environ
        return _routing.adapter_for(
            self._bound_adapter(request),
            # The raw path, not request.path: an empty PATH_INFO must still
            # redirect to the trailing-slash URL, as Werkzeug's binding does.
            environ.get("PATH_INFO", "/"),
            request.method,
            environ.get("QUERY_STRING", ""),
        )

    def _bound_adapter(self, request: Request) -> MapAdapter:
        """An adapter bound to the request's host, script root and scheme,
        shared by every request with the same ones (use it only through
        :func:`minflask._routing.adapter_for` or with an explicit path and
        method). Raises SecurityError (a 400) for an untrusted host."""
        environ = request.environ
        config = self.config
        trusted_hosts = config["TRUSTED_HOSTS"]
        if trusted_hosts is not None:
            request.trusted_hosts = trusted_hosts
        scheme = environ["wsgi.url_scheme"]
        if "HTTP_UPGRADE" in environ:
            scheme = _websocket_scheme(environ, scheme)
        config_server_name = config["SERVER_NAME"]
        # Everything the host and Werkzeug's binding are computed from (the
        # server's name and port only stand in for a missing Host header).
        host = environ.get("HTTP_HOST")
        if host is None:
            key: tuple[t.Any, ...] = (
                None,
                environ.get("SERVER_NAME"),
                environ.get("SERVER_PORT"),
                scheme,
                environ.get("SCRIPT_NAME", ""),
                config_server_name,
            )
        else:
            key = (host, scheme, environ.get("SCRIPT_NAME", ""), config_server_name)
        if request.trusted_hosts is not None:
            # Outside TRUSTED_HOSTS or the request class's own list: checked
            # every time.
            get_host(environ, request.trusted_hosts)
        bound = self._bind_cache.get(key)
        if bound is None:
            bound = self._bind_parameters(environ, config_server_name)
            if len(self._bind_cache) >= _ADAPTER_CACHE_SIZE:
                self._bind_cache.clear()
            self._bind_cache[key] = bound
        return bound

    def _bind_parameters(
        self, environ: WSGIEnvironment, server_name: str | None
    ) -> MapAdapter:
        """Let Werkzeug bind to this environ once; keep its adapter."""
        subdomain: str | None = None
        if self.url_map.host_matching:
            # SERVER_NAME would replace the real host and break matching.
            server_name = None
        elif not self.subdomain_matching:
            # Without subdomain matching every request is on the default one.
            subdomain = self.url_map.default_subdomain or ""
        return self.url_map.bind_to_environ(
            environ, server_name=server_name, subdomain=subdomain
        )

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Run the ``url_defaults`` functions for ``endpoint``'s scopes."""
        registry = self.url_default_functions
        if not registry:
            return  # none registered anywhere
        for scope in scope_order(endpoint):
            for func in registry.get(scope, ()):
                func(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Give ``url_build_error_handlers`` a chance; re-raise if none
        returns a URL."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build a URL for ``endpoint`` with ``values`` as rule arguments;
        unknown arguments go to the query string.

        In a request, URLs are relative unless ``_external``; ``.name`` is
        relative to the current blueprint. Outside a request they are
        external and need ``SERVER_NAME``.
        """
        req_ctx = _request_ctx_stack.top
        hostless = False
        if req_ctx is not None:
            url_adapter = req_ctx.url_adapter
            if endpoint[:1] == ".":
                blueprint = req_ctx.request.blueprint
                endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
            if _external is None:
                _external = _scheme is not None
            if url_adapter is None:
                # The request's Host was rejected: relative URLs still work
                # (an error page links home); external ones need a host.
                url_adapter = self._adapter_without_host(req_ctx.request)
                hostless = self.config["SERVER_NAME"] is None
                if hostless and _external:
                    raise _host_rejected(req_ctx.request)
        else:
            app_ctx = _app_ctx_stack.top
            if app_ctx is not None and app_ctx.app is self:
                url_adapter = app_ctx.url_adapter
            else:
                url_adapter = self.create_url_adapter(None)
            if url_adapter is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request without"
                    " 'SERVER_NAME' configured. Also configure"
                    " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")

        self.inject_url_defaults(endpoint, values)
        try:
            # url_adapter.build(...), remembered where that is exact.
            rv = _routing.build(
                self._url_build_cache,
                url_adapter,
                endpoint,
                values,
                _method,
                _scheme,
                _external,
            )
        except BuildError as error:
            values.update(
                _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external
            )
            return self.handle_url_build_error(error, endpoint, values)
        if hostless and (rv[:1] != "/" or rv[:2] == "//"):
            # On another subdomain or host: only an external URL would do.
            raise _host_rejected(req_ctx.request)  # type: ignore[union-attr]
        if _anchor is not None:
            rv = f"{rv}#{_url_quote(_anchor, safe=_ANCHOR_SAFE)}"
        return rv

    def _adapter_without_host(self, request: Request) -> MapAdapter:
        """An adapter for a request whose Host was rejected: bound to
        ``SERVER_NAME`` if set (else to no usable host), the request's
        script root and scheme, and the default subdomain."""
        environ = request.environ
        return self.url_map.bind(
            self.config["SERVER_NAME"] or "invalid",
            script_name=_routing.decode_wsgi(environ.get("SCRIPT_NAME", "")),
            subdomain=None
            if self.url_map.host_matching
            else self.url_map.default_subdomain or "",
            url_scheme=environ.get("wsgi.url_scheme", "http"),
        )

    def redirect(self, location: str, code: int = 302) -> BaseResponse:
        """A redirect response made with this app's response class."""
        return _werkzeug_redirect(location, code=code, Response=self.response_class)

    # -- replaced steps ------------------------------------------------------

    #: The names of this class's methods that the instance has replaced
    #: with an attribute of its own (middleware assigned to
    #: ``app.wsgi_app``, the tracer's wrappers), kept current by
    #: ``__setattr__`` and ``__delattr__`` so the shortcuts can tell from
    #: one read whether a step of the request was replaced.
    _shadowed_methods: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: t.Any) -> None:
        super().__setattr__(name, value)
        if inspect.isfunction(getattr(type(self), name, None)):
            self.__dict__["_shadowed_methods"] = self._shadowed_methods | {name}

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        if name in self._shadowed_methods:
            left = self._shadowed_methods - {name}
            if left:
                self.__dict__["_shadowed_methods"] = left
            else:  # the instance is as its class made it again
                del self.__dict__["_shadowed_methods"]

    # -- the life of a request --------------------------------------------

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """The WSGI entry point; calls :meth:`wsgi_app` so middleware can
        wrap that while keeping a reference to the app. (With the
        shortcuts, a plain app's request takes the same steps in one
        function: see :mod:`minflask._speedups.dispatch`.)"""
        if _serve_plain is not None:
            return _serve_plain(self, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def wsgi_app(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Handle one request: push its context, dispatch, answer, pop."""
        ctx = self.request_context(environ)
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            return response(environ, start_response)
        finally:
            preserve = environ.get("werkzeug.debug.preserve_context")
            if preserve is not None:
                preserve(_app_ctx_stack.top)
                preserve(_request_ctx_stack.top)
            if error is not None and self.should_ignore_error(error):
                error = None
            ctx.pop(error)

    def full_dispatch_request(self) -> Response:
        """Pre-process, dispatch, handle errors, and finalize the response."""
        if not self._got_first_request:
            self._got_first_request = True
        try:
            if signals.request_started.receivers:
                signals.request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            _request_ctx_stack.top._dispatch_done = True  # type: ignore[union-attr]
            rv = self.handle_user_exception(e)
        _request_ctx_stack.top._dispatch_done = True  # type: ignore[union-attr]
        return self.finalize_request(rv)

    def preprocess_request(self) -> t.Any:
        """Run ``url_value_preprocessors`` then ``before_request`` functions;
        the first non-None value a before_request returns ends the request."""
        if not self.url_value_preprocessors and not self.before_request_funcs:
            return None  # nothing registered anywhere
        req = _request_ctx_stack.top.request  # type: ignore[union-attr]
        scopes = req._scope_order
        for scope in scopes:
            for func in self.url_value_preprocessors.get(scope, ()):
                func(req.endpoint, req.view_args)
        for scope in scopes:
            for func in self.before_request_funcs.get(scope, ()):
                rv = self.ensure_sync(func)()
                if rv is not None:
                    return rv
        return None

    def dispatch_request(self) -> t.Any:
        """Call the matched view with its URL arguments and return what it
        returns; raise the routing error if matching failed."""
        req = _request_ctx_stack.top.request  # type: ignore[union-attr]
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule: t.Any = req.url_rule
        # Rules added straight to url_map (Werkzeug rules) lack the flag.
        if req.method == "OPTIONS" and getattr(
            rule, "provide_automatic_options", False
        ):
            return self.make_default_options_response()
        view = self.view_functions[rule.endpoint]
        return self.ensure_sync(view)(**req.view_args)  # type: ignore[arg-type]

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the 404, 405 or redirect found while matching.

        In debug mode a 301/302 redirect of a request with a body is an
        error instead: the client would resend it as a GET and drop the body.
        """
        exc = request.routing_exception
        if (
            isinstance(exc, RequestRedirect)
            and self.debug
            and exc.code not in (307, 308)
            and request.method not in ("GET", "HEAD", "OPTIONS")
        ):
            raise AssertionError(
                f"A {request.method} request was sent to '{request.url}', but"
                f" routing redirected it to the canonical URL '{exc.new_url}'"
                f" with status {exc.code}, so the client would drop the request"
                " body. Send the request to the canonical URL instead, or use"
                " a 307/308 redirect. This check only runs in debug mode."
            )
        raise exc  # type: ignore[misc]

    def make_default_options_response(self) -> Response:
        """The automatic OPTIONS answer: an empty 200 with ``Allow``."""
        adapter = _request_ctx_stack.top.url_adapter  # type: ignore[union-attr]
        rv = self.response_class()
        rv.allow.update(adapter.allowed_methods())  # type: ignore[union-attr]
        return rv

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Turn ``rv`` into a response and run the after-request steps.

        On the error path (``from_error_handler``) a failure here is logged
        rather than raised, so the 500 response still goes out.
        """
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if signals.request_finished.receivers:
                signals.request_finished.send(
                    self, _async_wrapper=self.ensure_sync, response=response
                )
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception(
                "Request finalizing failed with an error while handling an error"
            )
        return response

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` callbacks, then ``after_request``
        functions innermost blueprint first (each in reverse registration
        order), then save the session if it was opened."""
        ctx = _request_ctx_stack.top
        assert ctx is not None
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)
        registry = self.after_request_funcs
        if registry:  # else nothing was registered anywhere
            for scope in reversed(ctx.request._scope_order):
                for func in reversed(registry.get(scope, ())):
                    response = self.ensure_sync(func)(response)
        self._save_session(ctx, response)
        return response

    def _save_session(self, ctx: RequestContext, response: Response) -> None:
        """Save the session through the session interface, if opened."""
        interface = self.session_interface
        session = ctx._opened_session
        if session is None:
            # Never touched: open it now only if saving could still change
            # the response (a permanent cookie refreshed on every request).
            if not interface.should_open_for_save(self, ctx.request):
                return
            session = ctx._open_session()
        if not interface.is_null_session(session):
            interface.save_session(self, session, response)

    def make_response(self, rv: t.Any) -> Response:
        """Convert a view's return value into a response object.

        Accepted: a response object; str or bytes (the body); a dict or list
        (JSON); an iterator of str/bytes (streamed); any WSGI callable; or a
        tuple ``(body, status)``, ``(body, headers)`` or
        ``(body, status, headers)`` of those.
        """
        # The most common return values, which the checks below would
        # only pass along to the same calls.
        if type(rv) is str:
            return self.response_class(rv)
        if type(rv) is dict:
            return self.json.response(rv)
        status = headers = None
        if isinstance(rv, tuple):
            if len(rv) == 3:
                rv, status, headers = rv
            elif len(rv) == 2:
                if isinstance(rv[1], (Headers, dict, tuple, list)):
                    rv, headers = rv
                else:
                    rv, status = rv
            else:
                raise TypeError(
                    f"The view function for {self._endpoint_name()} did not"
                    " return a valid response tuple. The tuple must have the"
                    " form (body, status, headers), (body, status), or"
                    " (body, headers)."
                )

        if rv is None:
            raise TypeError(
                f"The view function for {self._endpoint_name()} did not return"
                " a valid response: it returned None or ended without a return"
                " statement. Return a string, dict, list, tuple, Response or"
                " WSGI callable."
            )

        if not isinstance(rv, self.response_class):
            if isinstance(rv, (str, bytes, bytearray, Iterator)):
                # Status and headers go in at construction so the response
                # sees them when it sets its own defaults.
                rv = self.response_class(rv, status=status, headers=headers)  # type: ignore[arg-type]
                status = headers = None
            elif isinstance(rv, (dict, list)):
                rv = self.json.response(rv)
            elif (
                isinstance(rv, HTTPException)
                and rv.response is None
                and type(rv).__call__ is HTTPException.__call__
            ):
                rv = self._http_exception_response(rv)
            elif isinstance(rv, BaseResponse) or callable(rv):
                try:
                    rv = self.response_class.force_type(rv, request.environ)
                except TypeError as e:
                    raise TypeError(
                        f"{e}\nThe view function for {self._endpoint_name()}"
                        " did not return a valid response. The return type must"
                        " be a string, dict, list, tuple with headers or status,"
                        " Response instance, or WSGI callable, but it was a"
                        f" {type(rv).__name__}."
                    ).with_traceback(sys.exc_info()[2]) from None
            else:
                raise TypeError(
                    f"The view function for {self._endpoint_name()} did not"
                    " return a valid response. The return type must be a"
                    " string, dict, list, tuple with headers or status,"
                    " Response instance, or WSGI callable, but it was a"
                    f" {type(rv).__name__}."
                )

        response: Response = rv
        if status is not None:
            if isinstance(status, (str, bytes, bytearray)):
                response.status = status  # type: ignore[assignment]
            else:
                response.status_code = status
        if headers:
            response.headers.update(headers)
        return response

    def _http_exception_response(self, e: HTTPException) -> Response:
        """What ``force_type(e, environ)`` makes of an HTTP error: the
        response Werkzeug builds for it, passed through its WSGI processing,
        as this app's response class."""
        environ = _request_ctx_stack.top.request.environ  # type: ignore[union-attr]
        if _stock_error_response is not None:
            stock = _stock_error_response(self.response_class, e, environ)
            if stock is not None:
                return stock
        wsgi_iter, status, wsgi_headers = e.get_response(environ).get_wsgi_response(
            environ
        )
        rv = BaseResponse(wsgi_iter, status, Headers(wsgi_headers))
        rv.__class__ = self.response_class
        return rv  # type: ignore[return-value]

    def _endpoint_name(self) -> str:
        ctx = _request_ctx_stack.top
        endpoint = ctx.request.endpoint if ctx is not None else None
        return repr(endpoint)

    # -- errors ------------------------------------------------------------

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> t.Callable[..., t.Any] | None:
        """The handler for ``e``: by status code before catch-all, the
        blueprints (innermost first) before the app, then the most
        specific exception class."""
        spec = self.error_handler_spec
        if not spec:
            return None  # no handler registered anywhere
        exc_class, code = self._get_exc_class_and_code(type(e))
        codes = (code, None) if code is not None else (None,)
        for c in codes:
            for scope in (*blueprints, None):
                by_code = spec.get(scope)
                if not by_code:
                    continue
                handlers = by_code.get(c)
                if not handlers:
                    continue
                for cls in exc_class.__mro__:
                    handler = handlers.get(cls)
                    if handler is not None:
                        return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should propagate like any error instead
        of becoming its response (``TRAP_*`` config, debug mode)."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if (
            trap_bad_request is None
            and isinstance(e, BadRequestKeyError)
            and self.debug
        ):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def handle_http_exception(self, e: HTTPException) -> t.Any:
        """The registered handler's result for ``e``, or ``e`` itself (an
        HTTPException is a valid response)."""
        if e.code is None or isinstance(e, RoutingException):
            # Redirects from routing and code-less proxy exceptions are
            # answers in themselves, not errors to handle.
            return e
        if not self.error_handler_spec:
            return e  # no handler registered anywhere
        handler = self._find_error_handler(e, _request_blueprints())
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Handle an exception raised by a hook or view: HTTP errors get
        their handler or default page; other errors their handler, or are
        re-raised to :meth:`handle_exception`."""
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._find_error_handler(e, _request_blueprints())
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)

    def handle_exception(self, e: Exception) -> Response:
        """The 500 path for an unhandled exception: send
        ``got_request_exception``, re-raise when propagating (testing or
        debug), else log it and answer with the 500 handler or page."""
        exc_info = sys.exc_info()
        if signals.got_request_exception.receivers:
            signals.got_request_exception.send(
                self, _async_wrapper=self.ensure_sync, exception=e
            )
        if self.propagate_exceptions:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: t.Any = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error, _request_blueprints())
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(
        self,
        exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None],
    ) -> None:
        """Log an unhandled exception to ``app.logger``."""
        self.logger.error(
            f"Exception on {request.path} [{request.method}]", exc_info=exc_info
        )

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Hide ``error`` from teardown functions when True."""
        return False

    # -- teardown ----------------------------------------------------------

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:
        """Run ``teardown_request`` functions, innermost blueprint first."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        registry = self.teardown_request_funcs
        if registry:
            for scope in reversed(_request_ctx().request._scope_order):
                for func in reversed(registry.get(scope, ())):
                    self.ensure_sync(func)(exc)
        if signals.request_tearing_down.receivers:
            signals.request_tearing_down.send(
                self, _async_wrapper=self.ensure_sync, exc=exc
            )

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:
        """Run ``teardown_appcontext`` functions in reverse order."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_appcontext_funcs):
            self.ensure_sync(func)(exc)
        if signals.appcontext_tearing_down.receivers:
            signals.appcontext_tearing_down.send(
                self, _async_wrapper=self.ensure_sync, exc=exc
            )

    # -- contexts and testing ---------------------------------------------

    def app_context(self) -> AppContext:
        """A new app context: ``with app.app_context(): ...``."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """A request context for a WSGI environ (wsgi_app uses this)."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """A request context for a made-up request, built with the
        arguments of :class:`minflask.testing.EnvironBuilder`."""
        from .testing import EnvironBuilder

        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> FlaskClient:
        """A client that sends requests to this app without a server."""
        cls = self.test_client_class
        if cls is None:
            from .testing import FlaskClient

            cls = FlaskClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> FlaskCliRunner:
        """A runner for this app's commands (``runner.invoke(args=[...])``)."""
        cls = self.test_cli_runner_class
        if cls is None:
            from ._cli_runner import FlaskCliRunner

            cls = FlaskCliRunner
        return cls(self, **kwargs)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the app with Werkzeug's development server.

        Defaults come from ``SERVER_NAME`` then 127.0.0.1:5000. Not for
        production; use a WSGI server such as gunicorn there.
        """
        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
            # The command line already serves this app (in the reloader's
            # child too): a module-level app.run() must not start another.
            from werkzeug.serving import is_running_from_reloader

            if not is_running_from_reloader():
                print(
                    " * Ignoring a call to 'app.run()' that would block the"
                    " current 'minflask' CLI command.\n   Only call 'app.run()'"
                    " in an 'if __name__ == \"__main__\"' guard."
                )
            return

        from . import cli
        from .helpers import get_load_dotenv

        if get_load_dotenv(load_dotenv):
            cli.load_dotenv()
            if "FLASK_DEBUG" in os.environ:
                self.debug = get_debug_flag()
        if debug is not None:
            self.debug = bool(debug)
        server_name = self.config.get("SERVER_NAME")
        sn_host = sn_port = None
        if server_name:
            sn_host, _, sn_port = server_name.partition(":")
        host = host or sn_host or "127.0.0.1"
        # An explicit port 0 (pick a free port) must win over SERVER_NAME.
        if port is None:
            port = int(sn_port) if sn_port else 5000
        port = int(port)
        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        options.setdefault("threaded", True)
        cli.show_server_banner(self.debug, self.name)

        from werkzeug.serving import run_simple

        try:
            run_simple(host, port, self, **options)
        finally:
            self._got_first_request = False


def _static_view_for(app: Flask) -> t.Callable[..., Response]:
    """The ``static`` view. It holds the app weakly, so the app's own view
    table does not keep it alive in a reference cycle."""
    app_ref = weakref.ref(app)

    def static(filename: str) -> Response:
        return app_ref().send_static_file(filename)  # type: ignore[union-attr]

    return static


def _request_ctx() -> RequestContext:
    """The active request context, with the proxies' error outside one."""
    ctx = _request_ctx_stack.top
    if ctx is None:
        raise RuntimeError(_no_req_msg)
    return ctx


def _request_blueprints() -> list[str]:
    """``request.blueprints`` of the active request: its scopes from the
    innermost blueprint out, without the app."""
    return _request_ctx().request.blueprints


def _host_rejected(request: Request) -> RuntimeError:
    """The error for an external URL asked for in a request whose Host
    header was rejected."""
    reason = request.routing_exception
    why = f" ({reason})" if reason is not None else ""
    return RuntimeError(
        "Cannot build an external URL for this request: its Host header was"
        f" rejected{why}, so the URL's host is unknown. Build a relative URL,"
        " or set 'SERVER_NAME' to the application's own host."
    )


def _websocket_scheme(environ: WSGIEnvironment, scheme: str) -> str:
    """ws/wss for a WebSocket upgrade request, as Werkzeug's binding does."""
    connection = environ.get("HTTP_CONNECTION", "").lower().split(",")
    if any(v.strip() == "upgrade" for v in connection) and (
        environ.get("HTTP_UPGRADE", "").lower() == "websocket"
    ):
        return "wss" if scheme == "https" else "ws"
    return scheme


def _run_in_thread(coro: t.Coroutine[t.Any, t.Any, t.Any]) -> t.Any:
    """Run a coroutine on a new loop in a helper thread, with this thread's
    context, and wait for it: used when a loop already runs here."""
    import asyncio

    context = contextvars.copy_context()
    result: list[t.Any] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(context.run(asyncio.run, coro))
        except BaseException as e:  # handed back to the caller below
            failure.append(e)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


async def _capture_context(
    coro: t.Coroutine[t.Any, t.Any, t.Any], final: list[contextvars.Context]
) -> t.Any:
    """Await ``coro``, then keep a copy of the task's context in ``final``
    (the task runs in its own copy, so its changes would otherwise be lost)."""
    try:
        return await coro
    finally:
        final.append(contextvars.copy_context())


def _adopt_context(context: contextvars.Context) -> None:
    """Give each variable in ``context`` the same value in the current
    context, so a stream primed in an async view keeps its contexts."""
    for var, value in context.items():
        if var.get(_sentinel) is not value:
            var.set(value)


try:
    from ._speedups.dispatch import serve as _serve_plain
except ImportError:  # the plain road: every request through wsgi_app
    _serve_plain = None  # type: ignore[assignment]
