"""The ``minflask`` command line: finding the app, ``run``, ``shell``,
``routes`` and the command groups apps and blueprints add.

It reads the same environment as Flask's command (``FLASK_APP``,
``FLASK_DEBUG``, ``FLASK_RUN_*``, ``.flaskenv`` and ``.env``), so a project
moves over without changing its deployment. click is imported here and only
here, so ``import minflask`` stays cheap.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import platform
import re
import sys
import traceback
import typing as t
from functools import update_wrapper
from operator import itemgetter
from types import ModuleType

import click
from click.core import ParameterSource

from . import __version__
from .app import Flask
from .globals import current_app
from .helpers import get_debug_flag, get_load_dotenv

if t.TYPE_CHECKING:  # pragma: no cover
    import ssl

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


class NoAppException(click.UsageError):
    """No application could be found or loaded from what the user gave."""


# -- finding the application -----------------------------------------------


def _accepts(func: t.Callable[..., t.Any], *args: t.Any, **kwargs: t.Any) -> bool:
    """Whether ``func`` can be called with these arguments.

    Checked before the call, so a TypeError raised inside a factory is
    never mistaken for a wrong call.
    """
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return False
    except ValueError:  # no signature available: let the call decide
        return True
    return True


def find_best_app(module: t.Any) -> Flask:
    """The app in ``module``: ``app`` or ``application``, else its only
    ``Flask`` instance, else what ``create_app()`` or ``make_app()`` returns."""
    for attr in ("app", "application"):
        app = getattr(module, attr, None)
        if isinstance(app, Flask):
            return app

    apps = [value for value in vars(module).values() if isinstance(value, Flask)]
    if len(apps) == 1:
        return apps[0]
    if apps:
        raise NoAppException(
            "Detected multiple Flask applications in module"
            f" '{module.__name__}'. Use '{module.__name__}:name' to specify the"
            " correct one."
        )

    for attr in ("create_app", "make_app"):
        factory = getattr(module, attr, None)
        if not inspect.isfunction(factory):
            continue
        if not _accepts(factory):
            raise NoAppException(
                f"Detected factory '{attr}' in module '{module.__name__}', but"
                " could not call it without arguments. Use"
                f" '{module.__name__}:{attr}(args)' to specify arguments."
            )
        app = factory()
        if isinstance(app, Flask):
            return app

    raise NoAppException(
        "Failed to find Flask application or factory in module"
        f" '{module.__name__}'. Use '{module.__name__}:name' to specify one."
    )


def _parse_app_name(app_name: str) -> tuple[str, list[t.Any], dict[str, t.Any]]:
    """Split ``name`` or ``name(literal, key=literal)`` into its parts."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        expr = None
    if isinstance(expr, ast.Name):
        return expr.id, [], {}
    if not isinstance(expr, ast.Call):
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        )
    if not isinstance(expr.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
    try:
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs = {}
        for keyword in expr.keywords:
            if keyword.arg is None:  # **mapping is not a literal argument
                raise ValueError(keyword)
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
    except (ValueError, TypeError, SyntaxError):
        raise NoAppException(
            f"Failed to parse arguments as literal values: {app_name!r}."
        ) from None
    return expr.func.id, args, kwargs


def find_app_by_string(module: ModuleType, app_name: str) -> Flask:
    """The app named by ``app_name`` in ``module``: an attribute, or a
    function called with the literal arguments given (``create_app("dev")``)."""
    name, args, kwargs = _parse_app_name(app_name)
    try:
        attr = getattr(module, name)
    except AttributeError as e:
        raise NoAppException(
            f"Failed to find attribute {name!r} in {module.__name__!r}."
        ) from e

    if inspect.isfunction(attr):
        if not _accepts(attr, *args, **kwargs):
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could"
                " not be called with the specified arguments."
            )
        app = attr(*args, **kwargs)
    else:
        app = attr

    if isinstance(app, Flask):
        return app
    raise NoAppException(
        "A valid Flask application was not obtained from"
        f" '{module.__name__}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file path or dotted name into a module name to import, putting
    the folder above its top-level package first on ``sys.path``."""
    path = os.path.realpath(path)
    base, ext = os.path.splitext(path)
    if ext == ".py":
        path = base
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts: list[str] = []
    # Climb while the folder is a package, so "pkg/sub/mod.py" imports as
    # "pkg.sub.mod" and relative imports inside it work.
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not name or not os.path.isfile(os.path.join(path, "__init__.py")):
            break

    if not sys.path or sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _shadowing_file(module_name: str) -> str | None:
    """A user file that ``--app`` names but that is hidden by this package
    (``minflask.py`` next to the app): ``import`` finds the package instead."""
    package = __name__.partition(".")[0]
    if module_name.partition(".")[0] != package:
        return None
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec(package)
    origin = spec.origin if spec is not None else None
    ours = os.path.dirname(os.path.abspath(__file__))
    if origin and os.path.dirname(os.path.abspath(origin)) != ours:
        return origin
    return None


def _module_missing(error: ImportError, module_name: str) -> bool:
    """Whether ``error`` says ``module_name`` itself (or a parent package of
    it) does not exist, rather than an import failing inside it."""
    missing = error.name
    if not isinstance(error, ModuleNotFoundError) or missing is None:
        return False
    return module_name == missing or module_name.startswith(f"{missing}.")


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Flask: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = ...
) -> Flask | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Flask | None:
    """Import ``module_name`` and find the app in it (see ``find_best_app``
    and ``find_app_by_string``). A missing module gives None when
    ``raise_if_not_found`` is false; an error inside the module always raises."""
    shadow = _shadowing_file(module_name)
    if shadow is not None:
        raise NoAppException(
            f"The app file {shadow!r} is named like the minflask package, so"
            f" importing {module_name!r} finds minflask itself. Rename the"
            " file (for example to 'app.py') and pass the new name to '--app'."
        )
    try:
        __import__(module_name)
    except ImportError as e:
        if not _module_missing(e, module_name):
            # The module exists but its own imports failed: that traceback
            # is what the user has to fix.
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was"
                f" raised:\n\n{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


# -- script info and app-context commands ----------------------------------


class ScriptInfo:
    """What the command line knows about the app to load: an import path or
    a factory. Passed to commands as the click context's ``obj``."""

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Flask] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        #: ``module:name`` or a file path, from ``--app`` or ``FLASK_APP``.
        self.app_import_path = app_import_path
        #: A function returning the app; wins over ``app_import_path``.
        self.create_app = create_app
        #: Free storage for commands and extensions.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        #: Whether ``.flaskenv`` and ``.env`` are loaded (off when
        #: ``FLASK_SKIP_DOTENV`` is set).
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self._loaded_app: Flask | None = None

    def load_app(self) -> Flask:
        """Load the app once (later calls return the same one), from the
        factory, the import path, or ``wsgi.py``/``app.py`` in the cwd."""
        if self._loaded_app is not None:
            return self._loaded_app

        app: Flask | None = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            # Split at the first colon that does not start a Windows path
            # ("C:\\project\\app.py:create_app").
            path, *name = re.split(r":(?![\\/])", self.app_import_path, maxsplit=1)
            app = locate_app(prepare_import(path), name[0] if name else None)
        else:
            for filename in ("wsgi.py", "app.py"):
                app = locate_app(prepare_import(filename), None, False)
                if app is not None:
                    break

        if app is None:
            raise NoAppException(
                "Could not locate a Flask application. Use the 'minflask --app'"
                " option, 'FLASK_APP' environment variable, or a 'wsgi.py' or"
                " 'app.py' file in the current directory."
            )
        if self.set_debug_flag:
            # Through the property, so everything tied to debug follows.
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


#: Pass the :class:`ScriptInfo` as a command's first argument.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Run the command inside the app's context, loading the app first if
    no context is active. ``AppGroup`` commands get this automatically."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not current_app:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run in the app context, unless declared
    with ``with_appcontext=False``; its sub-groups are AppGroups too."""

    @t.overload
    def command(self, func: t.Callable[..., t.Any], /) -> click.Command: ...

    @t.overload
    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command]: ...

    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command] | click.Command:
        """Register a command, wrapped in :func:`with_appcontext` unless
        ``with_appcontext=False`` is passed."""
        wrap = kwargs.pop("with_appcontext", True)
        if len(args) == 1 and callable(args[0]) and not kwargs:
            # Used bare, as ``@app.cli.command``.
            return self.command(with_appcontext=wrap)(args[0])
        register = super().command(*args, **kwargs)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            command: click.Command = register(with_appcontext(f) if wrap else f)
            return command

        return decorator


# Sub-groups (``@app.cli.group()``) are AppGroups, also under a FlaskGroup.
AppGroup.group_class = AppGroup


# -- options of the top-level command --------------------------------------


def load_dotenv(
    path: str | os.PathLike[str] | None = None, load_defaults: bool = True
) -> bool:
    """Load ``.flaskenv`` then ``.env`` (searched from the cwd upwards) and
    then ``path`` into ``os.environ``; later files win, variables already
    set win over all. True when any variables were read.

    Without python-dotenv nothing is loaded and a hint is shown if such
    files exist.
    """
    try:
        import dotenv
    except ImportError:
        if path or os.path.isfile(".env") or os.path.isfile(".flaskenv"):
            click.secho(
                " * Tip: There are .env or .flaskenv files present. Install"
                " python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False

    values: dict[str, str | None] = {}
    if load_defaults:
        for name in (".flaskenv", ".env"):
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                values.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        values.update(dotenv.dotenv_values(path, encoding="utf-8"))

    for key, value in values.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value
    return bool(values)


def _env_file_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """Load the default dotenv files and ``--env-file``, before ``--app``
    reads ``FLASK_APP``."""
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.",
                ctx=ctx,
                param=param,
            ) from None
    defaults = ctx.ensure_object(ScriptInfo).load_dotenv_defaults
    if value is not None or defaults:
        load_dotenv(value, load_defaults=defaults)
    return value


def _set_app(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    """Store an explicit ``--debug``/``--no-debug`` in ``FLASK_DEBUG``, where
    the app and the ``run`` command read it; a default changes nothing."""
    source = ctx.get_parameter_source(param.name or "debug")
    if source not in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
        return None
    os.environ["FLASK_DEBUG"] = "1" if value else "0"
    return value


def get_version(
    ctx: click.Context, param: click.Parameter | None, value: t.Any
) -> None:
    """``--version``: print the minflask, Python and Werkzeug versions."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    click.echo(
        f"Python {platform.python_version()}\n"
        f"minflask {__version__}\n"
        f"Werkzeug {version('werkzeug')}",
        color=ctx.color,
    )
    ctx.exit()


_env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help="Read environment variables from this file; they win over .env and"
    " .flaskenv, and lose to variables already set. Needs python-dotenv.",
    is_eager=True,
    expose_value=False,
    callback=_env_file_callback,
)

_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    help="The app or app factory to load, as 'module:name'. The module is a"
    " dotted name or a file path; the name may be left out when it is 'app',"
    " 'application', 'create_app' or 'make_app', and may be 'factory(args)'"
    " to call a factory with literal arguments.",
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)

_debug_option = click.Option(
    ["--debug/--no-debug"],
    help="Turn debug mode on or off.",
    expose_value=False,
    callback=_set_debug,
)

version_option = click.Option(
    ["--version"],
    help="Show the minflask, Python and Werkzeug versions.",
    expose_value=False,
    callback=get_version,
    is_flag=True,
    is_eager=True,
)


class FlaskGroup(AppGroup):
    """The top-level command: the built-in commands, plugin commands from
    ``flask.commands`` entry points, and the loaded app's ``app.cli``.

    ``create_app`` replaces ``--app``; ``load_dotenv`` and
    ``set_debug_flag`` switch off reading dotenv files and ``FLASK_DEBUG``.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Flask] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params = list(extra.pop("params", None) or ())
        # The env file comes first so that FLASK_APP may be set there.
        params.extend((_env_file_option, _app_option, _debug_option))
        if add_version_option:
            params.append(version_option)
        # FLASK_APP, FLASK_DEBUG, FLASK_RUN_PORT, ... as with Flask's command.
        settings = dict(extra.get("context_settings") or {})
        settings.setdefault("auto_envvar_prefix", "FLASK")
        extra["context_settings"] = settings
        super().__init__(params=params, **extra)

        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self._plugins_loaded = False
        if add_default_commands:
            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)
            self.add_command(trace_command)

    def _load_plugin_commands(self) -> None:
        """Add the commands installed packages declare, on first need."""
        if self._plugins_loaded:
            return
        from importlib.metadata import entry_points

        plugins = list(entry_points(group="flask.commands"))
        if plugins:
            # They are Flask extensions' commands: their ``import flask``
            # must give minflask, never the Flask pip installed beside them.
            from .flask_alias import install

            install()
        for entry_point in plugins:
            self.add_command(entry_point.load(), entry_point.name)
        self._plugins_loaded = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A built-in or plugin command, else one from the app's ``cli``
        (resolved inside the app context, so option callbacks can use it)."""
        self._load_plugin_commands()
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command

        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None
        if not current_app or current_app._get_current_object() is not app:  # type: ignore[attr-defined]
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """All command names; a failure to load the app is printed, not
        raised, so ``--help`` still works."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        try:
            names.update(
                ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx)
            )
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the context with a fresh :class:`ScriptInfo` as ``obj``."""
        # Tells app.run() in the loaded module not to start a second server.
        os.environ["FLASK_RUN_FROM_CLI"] = "true"
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if (not args and self.no_args_is_help) or (
            len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        ):
            # Help exits before the other options are processed; read the
            # env files and FLASK_APP now so the app's commands get listed.
            _env_file_option.handle_parse_result(ctx, {}, [])
            _app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


# -- run -------------------------------------------------------------------


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Print which app is served and whether debug mode is on (not again
    in the reloader's child process)."""
    from werkzeug.serving import is_running_from_reloader

    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving minflask app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


# ParamType is generic only in newer click releases.
class CertParamType(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """``--cert``: a certificate file, ``adhoc``, or the import path of an
    ``ssl.SSLContext``."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        try:
            import ssl
        except ImportError:
            raise click.BadParameter(
                'Using "--cert" requires Python to be compiled with SSL support.',
                ctx,
                param,
            ) from None

        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            value = click.STRING(value, param, ctx)
            if value.lower() == "adhoc":
                try:
                    importlib.import_module("cryptography")
                except ImportError:
                    raise click.BadParameter(
                        "Using ad-hoc certificates requires the cryptography library.",
                        ctx,
                        param,
                    ) from None
                return "adhoc"

            from werkzeug.utils import import_string

            obj = import_string(value, silent=True)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _validate_key(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """Check ``--key`` against ``--cert`` and combine both into the
    ``cert`` parameter as ``(cert, key)``."""
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    ssl_context: type[ssl.SSLContext] | None
    try:
        from ssl import SSLContext as ssl_context
    except ImportError:
        ssl_context = None
    is_context = ssl_context is not None and isinstance(cert, ssl_context)

    if value is not None:
        if is_adhoc:
            raise click.BadParameter(
                'When "--cert" is "adhoc", "--key" is not used.', ctx, param
            )
        if is_context:
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.',
                ctx,
                param,
            )
        if not cert:
            raise click.BadParameter('"--cert" must also be specified.', ctx, param)
        ctx.params["cert"] = cert, value
    elif cert and not (is_adhoc or is_context):
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


class SeparatedPathType(click.Path):
    """Several paths in one value, separated by ``os.pathsep`` (":" or ";")."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        convert = super().convert
        return [convert(item, param, ctx) for item in self.split_envvar_value(value)]


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, help="The port to bind to.")
@click.option(
    "--cert",
    type=CertParamType(),
    is_eager=True,
    help="A certificate file for HTTPS, 'adhoc', or an SSLContext import path.",
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The key file that goes with '--cert'.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Restart when code changes. On by default in debug mode.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Show the interactive debugger on errors. On by default in debug mode.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    help="Handle each request in its own thread.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help="More files whose changes restart the server, separated by"
    f" {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="fnmatch patterns of files whose changes do not restart the server,"
    f" separated by {os.path.pathsep!r}.",
)
@click.option(
    "--inspect",
    is_flag=True,
    default=False,
    help="Record every request and show it at /_minflask/inspector"
    " (debug mode only; also on with INSPECTOR = True in the config).",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: t.Any,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
    inspect: bool = False,
) -> None:
    """Run the development server.

    It is meant for working on the app, not for production: deploy with a
    WSGI server instead. '--debug' turns on the reloader and the debugger.
    """
    from werkzeug.serving import is_running_from_reloader, run_simple

    app: t.Any
    try:
        app = info.load_app()
    except Exception as e:
        if not is_running_from_reloader():
            raise e from None
        # In the reloader's child, keep serving so a fixed file is picked up:
        # show the error now and answer every request with it.
        traceback.print_exc()
        error = e

        def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
            raise error from None

    debug = get_debug_flag()
    if inspect or getattr(app, "config", {}).get("INSPECTOR"):
        _start_inspector(app, debug)
    show_server_banner(debug, info.app_import_path)
    run_simple(
        host,
        port,
        app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


run_command.params.insert(0, _debug_option)


def _start_inspector(app: t.Any, debug: bool) -> None:
    """``run --inspect``: start the inspector now, or refuse and say why."""
    from .inspector.recorder import DEBUG_ONLY, URL_PREFIX, enable_inspector

    if not hasattr(app, "extensions"):  # the app failed to load: shown already
        return
    if not (debug or app.debug):
        raise click.UsageError(DEBUG_ONLY)
    app.debug = True
    app.config["INSPECTOR"] = True
    enable_inspector(app)
    click.echo(f" * Inspector: {URL_PREFIX}/ (this machine only)")


# -- shell and routes ------------------------------------------------------


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Start an interactive Python shell inside the app's context.

    The names the app's shell context processors return are predefined
    ('app' and 'g' at least), handy for quick management tasks.
    """
    import code

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}

    # Run PYTHONSTARTUP as the plain interpreter would.
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup) as f:
            exec(compile(f.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())

    # Tab completion over the shell's names, where readline exists.
    interactive_hook = getattr(sys, "__interactivehook__", None)
    if interactive_hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            readline.set_completer(Completer(namespace).complete)
        interactive_hook()

    code.interact(banner=banner, local=namespace)


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help="Column to sort by; 'match' keeps the order in which the rules are matched.",
)
@click.option("--all-methods", is_flag=True, help="Include HEAD and OPTIONS.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """List the app's URL rules with their endpoints and methods."""
    rules = list(current_app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return

    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    by_host = current_app.url_map.host_matching
    domains = [(rule.host if by_host else rule.subdomain) or "" for rule in rules]
    has_domain = any(domains)

    headers = ["Endpoint", "Methods"]
    columns = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if by_host else "Subdomain")
        columns.append("domain")
    headers.append("Rule")
    columns.append("rule")

    rows = []
    for rule, domain in zip(rules, domains, strict=True):
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - hidden))]
        if has_domain:
            row.append(domain)
        row.append(rule.rule)
        rows.append(row)
    if sort in columns:  # "match", or "domain" without the column: rule order
        rows.sort(key=itemgetter(columns.index(sort)))

    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    rows[:0] = [headers, ["-" * width for width in widths]]
    for row in rows:
        click.echo(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
        )


# -- trace -----------------------------------------------------------------


def _split_pairs(
    values: t.Iterable[str], separator: str, form: str, option: str
) -> list[tuple[str, str]]:
    """``"Name: value"`` / ``"name=value"`` options as (name, value) pairs."""
    pairs = []
    for value in values:
        name, found, rest = value.partition(separator)
        if not found or not name.strip():
            raise click.BadParameter(
                f"{value!r} is not of the form {form}.", param_hint=option
            )
        pairs.append((name.strip(), rest.strip()))
    return pairs


@click.command("trace", short_help="Trace one request through the app.")
@click.argument("target", nargs=-1, required=True, metavar="[METHOD] PATH")
@click.option(
    "--data",
    "-d",
    metavar="BODY",
    help="Send BODY as the request body, form-encoded unless a Content-Type"
    " header says otherwise.",
)
@click.option(
    "--json",
    "json_body",
    metavar="JSON",
    help="Send JSON text as the request body (Content-Type: application/json)."
    " For JSON output use '--format json'.",
)
@click.option(
    "--header",
    "-H",
    "headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Add a request header. Repeatable.",
)
@click.option(
    "--cookie",
    "cookies",
    multiple=True,
    metavar="NAME=VALUE",
    help="Send a cookie, e.g. a session cookie copied from a browser. Repeatable.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="'text' to read, 'json' for programs.",
)
@pass_script_info
def trace_command(
    info: ScriptInfo,
    target: tuple[str, ...],
    data: str | None,
    json_body: str | None,
    headers: tuple[str, ...],
    cookies: tuple[str, ...],
    output_format: str,
) -> None:
    """Send one request to the app in-process and show its life, step by
    step: URL match, contexts, hooks, view, response conversion, session,
    templates, signals and teardown, each with its start and duration in
    microseconds.

    PATH may carry a query string. METHOD defaults to GET, or POST when a
    body is given. The request runs through the real app, so it has the
    effects a browser's request would have. The exit code is 1 when an
    exception escaped the app (testing or debug mode lets it).
    """
    import json

    from .tracing import trace_request

    if len(target) > 2:
        raise click.UsageError("Give at most a METHOD and a PATH.")
    method = target[0].upper() if len(target) == 2 else None
    path = target[-1]
    if method is not None and not method.isalpha():
        raise click.BadParameter(f"{target[0]!r} is not an HTTP method.")
    if data is not None and json_body is not None:
        raise click.UsageError("Send either '--data' or '--json', not both.")
    header_list = _split_pairs(headers, ":", "'NAME: VALUE'", "'--header'")
    cookie_map = dict(_split_pairs(cookies, "=", "NAME=VALUE", "'--cookie'"))
    body = data
    content_type = "application/x-www-form-urlencoded"
    if json_body is not None:
        try:
            json.loads(json_body)
        except ValueError as e:
            raise click.BadParameter(
                f"not valid JSON ({e}). '--json' sends a JSON request body;"
                " for JSON output use '--format json'.",
                param_hint="'--json'",
            ) from None
        body, content_type = json_body, "application/json"
    if body is not None and not any(
        name.lower() == "content-type" for name, _ in header_list
    ):
        header_list.append(("Content-Type", content_type))

    trace = trace_request(
        info.load_app(),
        method or ("GET" if body is None else "POST"),
        path,
        headers=header_list,
        cookies=cookie_map,
        data=body,
    )
    if output_format == "json":
        click.echo(trace.render_json())
    else:
        click.echo(trace.render_text())
    if trace.error is not None:
        if output_format == "text":
            lines = traceback.format_exception(
                type(trace.error), trace.error, trace.error.__traceback__
            )
            click.echo("".join(lines), err=True, nl=False)
        raise SystemExit(1)


cli = FlaskGroup(
    name="minflask",
    help="""Run commands for a minflask application.

    Name the app with the '--app' option or the 'FLASK_APP' environment
    variable, or put it in 'wsgi.py' or 'app.py' in the current directory.
    """,
)


def main() -> None:
    """The ``minflask`` console script and ``python -m minflask``.

    Before anything else it makes ``flask`` resolve to minflask, so the app
    and its Flask extensions, and their commands (``minflask db upgrade``),
    run on minflask even where pip installed the real Flask too; and it
    puts the alias's stand-in first on ``PYTHONPATH`` so Python processes
    started from here get minflask for ``flask`` as well.
    """
    from .flask_alias import FlaskAlreadyImportedError, child_pythonpath, install

    try:
        install()
    except FlaskAlreadyImportedError as e:
        raise SystemExit(f"Error: {e}") from None
    os.environ["PYTHONPATH"] = child_pythonpath(os.environ.get("PYTHONPATH"))
    cli.main()
