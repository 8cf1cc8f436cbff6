"""What an application and a blueprint share: route decorators, the
registries of hooks and error handlers, and static/template folders.

Every registry is keyed by *scope*: ``None`` for the app itself, or a
blueprint's dotted name once the blueprint's functions are merged into the
app. The app walks those scopes in one place (:mod:`minflask.app`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import typing as t
from collections import defaultdict
from datetime import timedelta
from functools import cached_property, update_wrapper

from werkzeug.exceptions import HTTPException, default_exceptions

from .globals import current_app

if t.TYPE_CHECKING:  # pragma: no cover
    from jinja2 import BaseLoader

    from .wrappers import Response

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
Scope = t.Optional[str]  # noqa: UP045 -- a runtime alias, so no PEP 604 on 3.9-style objects
ErrorSpec = dict[Scope, dict[int | None, dict[type[Exception], t.Callable[..., t.Any]]]]

#: Marks "argument not given" where None is a meaningful value.
_sentinel: t.Any = object()


def setupmethod(f: F) -> F:
    """Guard a registration method: it may not run once the object is live
    (an app that has served a request, a blueprint already registered)."""
    name = f.__name__

    def wrapper(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(name)
        return f(self, *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def registering_decorator(
    register: t.Callable[..., None], name: str | None
) -> t.Callable[[F], F]:
    """A decorator that hands the function to ``register`` (with ``name``)
    and returns it unchanged: the shape of ``@app.template_filter(name)``."""

    def decorator(f: F) -> F:
        register(f, name=name)
        return f

    return decorator


def _endpoint_from_view_func(view_func: t.Callable[..., t.Any] | None) -> str:
    """The default endpoint: the view function's name."""
    if view_func is None:
        raise TypeError("An endpoint name is needed when no view function is given.")
    return str(view_func.__name__)


def get_root_path(import_name: str) -> str:
    """The folder holding the module or package ``import_name``; the
    working directory when it cannot be found (an interactive session)."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None) if module is not None else None
    if filename is not None:
        return str(os.path.dirname(os.path.abspath(filename)))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.loader is None:
        return os.getcwd()
    if spec.origin is not None and spec.has_location:
        return os.path.dirname(os.path.abspath(spec.origin))
    __import__(import_name)
    filename = getattr(sys.modules[import_name], "__file__", None)
    if filename is None:
        raise RuntimeError(
            f"No root path can be found for {import_name!r}: it is a namespace"
            " package or was loaded without a file. Pass 'root_path' explicitly."
        )
    return str(os.path.dirname(os.path.abspath(filename)))


def find_package_folder(import_name: str) -> str:
    """The folder holding the top-level package or module of
    ``import_name`` (for a namespace package, the portion holding this
    module); the working directory when it cannot be located."""
    top_level = import_name.partition(".")[0]
    try:
        spec = importlib.util.find_spec(top_level)
    except (ImportError, ValueError):  # ValueError: __main__ without a spec
        return os.getcwd()
    if spec is None:
        return os.getcwd()
    locations = list(spec.submodule_search_locations or ())
    if not locations:
        if spec.origin is None or not spec.has_location:
            return os.getcwd()
        return os.path.dirname(os.path.abspath(spec.origin))
    location = locations[0]
    if len(locations) > 1 and top_level != import_name:
        # A namespace package spread over several folders: use the one that
        # holds the module itself.
        module_root = get_root_path(import_name)
        for candidate in locations:
            if os.path.commonpath([candidate, module_root]) == candidate:
                location = candidate
                break
    return os.path.dirname(os.path.abspath(location))


def find_install_prefix(package_folder: str) -> str | None:
    """The install prefix: ``sys.prefix`` when ``package_folder`` lies inside
    it, else the prefix a ``site-packages`` folder was installed under
    (``--user``, ``--prefix``, ``--target``); None when not installed."""
    prefix = os.path.abspath(sys.prefix)
    if os.path.commonpath([prefix, package_folder]) == prefix:
        return prefix
    head, tail = os.path.split(package_folder)
    if tail.lower() != "site-packages":
        return None
    parent, folder = os.path.split(head)
    if folder.lower() == "lib":
        return parent
    if os.path.basename(parent).lower() == "lib":
        return os.path.dirname(parent)
    return head


class Scaffold:
    """Common base of :class:`~minflask.Flask` and :class:`~minflask.Blueprint`."""

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(import_name)
        self.root_path = root_path

        self.view_functions: dict[str, t.Callable[..., t.Any]] = {}
        self.error_handler_spec: ErrorSpec = defaultdict(lambda: defaultdict(dict))
        self.before_request_funcs: dict[Scope, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self.after_request_funcs: dict[Scope, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self.teardown_request_funcs: dict[Scope, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self.template_context_processors: dict[
            Scope, list[t.Callable[[], dict[str, t.Any]]]
        ] = defaultdict(list)
        self.url_value_preprocessors: dict[Scope, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )
        self.url_default_functions: dict[Scope, list[t.Callable[..., t.Any]]] = (
            defaultdict(list)
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    # -- folders ---------------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """Absolute path of the static folder, or None."""
        if self._static_folder is None:
            return None
        return os.path.join(self.root_path, self._static_folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is set."""
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """URL prefix of the static route; defaults to the folder's name."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self._static_folder is not None:
            basename = os.path.basename(self._static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache max-age for ``send_file``: ``SEND_FILE_MAX_AGE_DEFAULT``
        (None means conditional requests only)."""
        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """Serve a file from the static folder (the ``static`` view)."""
        from .helpers import send_from_directory

        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static files.")
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(
            t.cast(str, self.static_folder), filename, max_age=max_age
        )

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A loader for ``template_folder``, or None without one."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.Any]:
        """Open a file relative to ``root_path`` for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- routes ----------------------------------------------------------

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[F], F]:
        if "methods" in options:
            raise TypeError(
                f"'{method.lower()}' already sets the method; use the 'route'"
                " decorator to pass 'methods'."
            )
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[F], F]:
        """Decorate a view function to register it for ``rule``; options are
        those of :meth:`add_url_rule`."""

        def decorator(f: F) -> F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a URL rule (see :meth:`minflask.Flask.add_url_rule`)."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Register the decorated function as the view for ``endpoint``,
        for rules added without a view function."""

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- hooks -----------------------------------------------------------

    @setupmethod
    def before_request(self, f: F) -> F:
        """Run ``f()`` before each request; a non-None return value is used
        as the response and the view is skipped."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each request; it must return a response.
        Registered functions run in reverse order."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when the request context is popped, even after an
        unhandled error (``exc`` is then that error, else None)."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: F) -> F:
        """Register a function whose returned dict is added to every
        template's context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: F) -> F:
        """Run ``f(endpoint, view_args)`` before the before_request hooks;
        it may change ``view_args`` in place."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: F) -> F:
        """Run ``f(endpoint, values)`` when building URLs; it may fill in
        ``values`` in place."""
        self.url_default_functions[None].append(f)
        return f

    # -- errors ----------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[F], F]:
        """Register the decorated function to handle an HTTP status code or
        an exception class (and its subclasses)."""

        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self,
        code_or_exception: type[Exception] | int,
        f: t.Callable[..., t.Any],
    ) -> None:
        """Non-decorator form of :meth:`errorhandler`."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        """Resolve a handler key to (exception class, HTTP code or None),
        with a clear error for anything that cannot be handled."""
        exc_class: type[Exception]
        if isinstance(exc_class_or_code, int):
            try:
                exc_class = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code."
                    " Use a subclass of HTTPException with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers can only"
                " be registered for exception classes or HTTP error codes."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
            name = getattr(exc_class, "__name__", repr(exc_class))
            raise ValueError(
                f"'{name}' is not a subclass of Exception. Handlers can only be"
                " registered for exception classes or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None
