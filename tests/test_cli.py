"""The command line: app discovery, FlaskGroup options, dotenv files, custom
commands, and the run, shell and routes commands.

No test starts a server or an interactive shell: ``run_simple`` and
``code.interact`` are replaced by recorders. Fixture apps live in
``tests/cli_fixtures``, which every test puts on ``sys.path``.
"""

from __future__ import annotations

import code
import importlib.metadata
import inspect
import os
import platform
import readline
import ssl
import subprocess
import sys
import types
import typing as t
from pathlib import Path

import click
import pytest
import werkzeug
import werkzeug.serving
from click.testing import CliRunner, Result

import minflask.cli as cli_module
from minflask import Blueprint, Flask, current_app, g, has_app_context
from minflask.cli import (
    AppGroup,
    FlaskGroup,
    NoAppException,
    ScriptInfo,
    find_best_app,
    load_dotenv,
    locate_app,
    pass_script_info,
    prepare_import,
    with_appcontext,
)
from minflask.testing import FlaskCliRunner

PROG = "minflask"
LABEL = "minflask"
FIXTURES = Path(__file__).parent / "cli_fixtures"
DOTENV_DIR = FIXTURES / "dotenv_dir"
NO_APP_HINT = (
    f"Could not locate a Flask application. Use the '{PROG} --app' option,"
    " 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
    " current directory."
)


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> t.Iterator[None]:
    """Run in an empty folder with no FLASK_* variables and the fixture apps
    importable; afterwards restore the environment and forget fixture modules
    so the next test imports them afresh."""
    saved_env = os.environ.copy()
    for key in list(os.environ):
        if key.startswith(("FLASK_", "CLI_TEST_")) or key == "PYTHONSTARTUP":
            del os.environ[key]
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.chdir(tmp_path)
    modules_before = set(sys.modules)
    yield
    os.environ.clear()
    os.environ.update(saved_env)
    for name in set(sys.modules) - modules_before:
        path = getattr(sys.modules[name], "__file__", None) or ""
        if path.startswith((str(FIXTURES), str(tmp_path))):
            del sys.modules[name]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def main_cli() -> FlaskGroup:
    """The same kind of group the console script runs, fresh per test."""
    return FlaskGroup(name=PROG)


def group_for(app: Flask, **kwargs: t.Any) -> FlaskGroup:
    return FlaskGroup(create_app=lambda: app, **kwargs)


def lines(result: Result) -> list[str]:
    return [line.rstrip() for line in result.output.splitlines()]


# prepare_import


def test_prepare_import_plain_name_adds_cwd(tmp_path: Path) -> None:
    assert prepare_import("plain_app") == "plain_app"
    assert sys.path[0] == os.path.realpath(tmp_path)


def test_prepare_import_file_path_strips_suffix_and_adds_folder() -> None:
    assert prepare_import(str(FIXTURES / "by_path" / "hello_file.py")) == "hello_file"
    assert sys.path[0] == str(FIXTURES / "by_path")


def test_prepare_import_module_in_packages_gets_dotted_name() -> None:
    path = FIXTURES / "app_pkg" / "inner" / "deep.py"
    assert prepare_import(str(path)) == "app_pkg.inner.deep"
    assert sys.path[0] == str(FIXTURES)


def test_prepare_import_package_init_and_folder() -> None:
    assert prepare_import(str(FIXTURES / "app_pkg" / "__init__.py")) == "app_pkg"
    assert prepare_import(str(FIXTURES / "app_pkg" / "inner")) == "app_pkg.inner"


def test_prepare_import_relative_path_from_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert prepare_import("app_pkg/inner/deep.py") == "app_pkg.inner.deep"
    assert prepare_import("a.b.c") == "a.b.c"


def test_prepare_import_does_not_repeat_path_entry() -> None:
    prepare_import(str(FIXTURES / "by_path" / "hello_file.py"))
    size = len(sys.path)
    prepare_import(str(FIXTURES / "by_path" / "hello_file.py"))
    assert len(sys.path) == size
    assert sys.path[0] == str(FIXTURES / "by_path")


# locate_app and find_best_app


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("plain_app", None, "plain_app"),
        ("plain_app", "app", "plain_app"),
        ("application_app", None, "application_app"),
        ("single_other_name", None, "single_other_name"),
        ("factory_create", None, "factory_create"),
        ("factory_make", None, "factory_make"),
        ("app_pkg", None, "app_pkg"),
        ("app_pkg.inner.deep", None, "app_pkg.inner.deep"),
        ("factory_pkg", None, "factory_pkg"),
        ("factory_args", "create_app", "factory_args"),
        ("factory_args", "create_app()", "factory_args"),
        ("factory_args", "create_app('named')", "named"),
        ("factory_args", "needs_arg('from_cli')", "from_cli"),
    ],
)
def test_locate_app_finds(module: str, name: str | None, expected: str) -> None:
    app = locate_app(module, name)
    assert isinstance(app, Flask)
    assert app.name == expected


def test_locate_app_factory_literal_keyword_args() -> None:
    app = locate_app("factory_args", 'create_app("x", debug=True)')
    assert app is not None
    assert app.name == "x"
    assert app.config["FACTORY_DEBUG"] is True


def test_locate_app_factory_literal_containers() -> None:
    app = locate_app(
        "factory_args", "with_options(1, 'a', [1, 2], {'k': None}, flag=False, n=-3.5)"
    )
    assert app is not None
    assert app.config["ARGS"] == (1, "a", [1, 2], {"k": None})
    assert app.config["KWARGS"] == {"flag": False, "n": -3.5}


@pytest.mark.parametrize(
    ("module", "name", "message"),
    [
        (
            "multi_app",
            None,
            "Detected multiple Flask applications in module 'multi_app'."
            " Use 'multi_app:name' to specify the correct one.",
        ),
        (
            "factory_needs_args",
            None,
            "Detected factory 'create_app' in module 'factory_needs_args', but could"
            " not call it without arguments. Use"
            " 'factory_needs_args:create_app(args)' to specify arguments.",
        ),
        (
            "no_app",
            None,
            "Failed to find Flask application or factory in module 'no_app'."
            " Use 'no_app:name' to specify one.",
        ),
        (
            "not_an_app",
            None,
            "Failed to find Flask application or factory in module 'not_an_app'."
            " Use 'not_an_app:name' to specify one.",
        ),
        (
            "not_an_app",
            "app",
            "A valid Flask application was not obtained from 'not_an_app:app'.",
        ),
        (
            "plain_app",
            "index",
            "A valid Flask application was not obtained from 'plain_app:index'.",
        ),
        (
            "factory_args",
            "returns_none()",
            "A valid Flask application was not obtained from"
            " 'factory_args:returns_none()'.",
        ),
        (
            "factory_args",
            "not_callable",
            "A valid Flask application was not obtained from"
            " 'factory_args:not_callable'.",
        ),
        (
            "factory_args",
            "needs_arg",
            "The factory 'needs_arg' in module 'factory_args' could not be called"
            " with the specified arguments.",
        ),
        (
            "factory_args",
            "needs_arg()",
            "The factory 'needs_arg()' in module 'factory_args' could not be called"
            " with the specified arguments.",
        ),
        (
            "factory_args",
            "missing",
            "Failed to find attribute 'missing' in 'factory_args'.",
        ),
        (
            "factory_args",
            "missing()",
            "Failed to find attribute 'missing' in 'factory_args'.",
        ),
        (
            "factory_args",
            "create_app(x)",
            "Failed to parse arguments as literal values: 'create_app(x)'.",
        ),
        (
            "factory_args",
            "create_app(1 + 2)",
            "Failed to parse arguments as literal values: 'create_app(1 + 2)'.",
        ),
        (
            "factory_args",
            "create_app(",
            "Failed to parse 'create_app(' as an attribute name or function call.",
        ),
        (
            "factory_args",
            "a.b",
            "Failed to parse 'a.b' as an attribute name or function call.",
        ),
        (
            "factory_args",
            "create_app()()",
            "Function reference must be a simple name: 'create_app()()'.",
        ),
        ("does_not_exist_mod", None, "Could not import 'does_not_exist_mod'."),
        ("does_not_exist_mod", "app", "Could not import 'does_not_exist_mod'."),
        ("app_pkg.nope", None, "Could not import 'app_pkg.nope'."),
    ],
)
def test_locate_app_errors(module: str, name: str | None, message: str) -> None:
    with pytest.raises(NoAppException) as exc_info:
        locate_app(module, name)
    assert str(exc_info.value) == message


def test_locate_app_missing_attribute_cause() -> None:
    with pytest.raises(NoAppException) as exc_info:
        locate_app("factory_args", "missing")
    assert isinstance(exc_info.value.__cause__, AttributeError)


def test_locate_app_shows_import_error_raised_inside_module() -> None:
    with pytest.raises(NoAppException) as exc_info:
        locate_app("import_error_app", None)
    message = str(exc_info.value)
    assert message.startswith(
        "While importing 'import_error_app', an ImportError was raised:\n\n"
        "Traceback (most recent call last):\n"
    )
    assert str(FIXTURES / "import_error_app.py") in message
    assert "No module named 'a_module_that_does_not_exist_anywhere'" in message
    assert "Could not import" not in message


def test_locate_app_raise_if_not_found() -> None:
    assert locate_app("does_not_exist_mod", None, raise_if_not_found=False) is None
    # A module that exists but breaks while importing is always reported.
    with pytest.raises(NoAppException, match="an ImportError was raised"):
        locate_app("import_error_app", None, raise_if_not_found=False)


def test_type_error_inside_factory_propagates() -> None:
    with pytest.raises(TypeError, match="bug inside the factory"):
        locate_app("factory_type_error", None)
    with pytest.raises(TypeError, match="bug inside the factory"):
        locate_app("factory_args", "raises_type_error()")


def test_no_app_exception_is_a_usage_error() -> None:
    assert issubclass(NoAppException, click.UsageError)


def module_with(name: str, **attrs: t.Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


def test_find_best_app_prefers_app_then_application() -> None:
    first, second, third = Flask("first"), Flask("second"), Flask("third")
    module = module_with("m", app=first, application=second, other=third)
    assert find_best_app(module) is first
    assert find_best_app(module_with("m", application=second, other=third)) is second


def test_find_best_app_single_instance_beats_factories() -> None:
    only = Flask("only")
    module = module_with("m", make_app=lambda: Flask("made"), other=only)
    assert find_best_app(module) is only


def test_find_best_app_calls_create_app_before_make_app() -> None:
    module = module_with(
        "m",
        app="not an app",
        create_app=lambda: Flask("created"),
        make_app=lambda: Flask("made"),
    )
    assert find_best_app(module).name == "created"
    assert (
        find_best_app(module_with("m", make_app=lambda: Flask("made"))).name == "made"
    )


def test_find_best_app_factory_with_only_optional_args() -> None:
    module = module_with("m", create_app=lambda **kwargs: Flask("kw"))
    assert find_best_app(module).name == "kw"


def test_find_best_app_factory_returning_non_app() -> None:
    with pytest.raises(NoAppException, match="Failed to find Flask application"):
        find_best_app(module_with("m", create_app=lambda: "nope"))


# ScriptInfo


def test_script_info_defaults() -> None:
    info = ScriptInfo()
    assert info.app_import_path is None
    assert info.create_app is None
    assert info.set_debug_flag is True
    assert info.data == {}


def test_script_info_caches_loaded_app() -> None:
    calls: list[int] = []

    def factory() -> Flask:
        calls.append(1)
        return Flask("made")

    info = ScriptInfo(create_app=factory)
    app = info.load_app()
    assert app.name == "made"
    assert info.load_app() is app
    assert calls == [1]


def test_script_info_create_app_wins_over_import_path() -> None:
    info = ScriptInfo(app_import_path="plain_app", create_app=lambda: Flask("made"))
    assert info.load_app().name == "made"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("plain_app", "plain_app"),
        ("plain_app:app", "plain_app"),
        (str(FIXTURES / "plain_app.py"), "plain_app"),
        ("app_pkg.inner.deep:application", "app_pkg.inner.deep"),
        ("factory_args:create_app('from_path')", "from_path"),
    ],
)
def test_script_info_import_paths(path: str, expected: str) -> None:
    info = ScriptInfo(app_import_path=path)
    assert info.app_import_path == path
    assert info.load_app().name == expected


def test_script_info_without_path_finds_wsgi_then_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES / "cwd_wsgi")
    assert ScriptInfo().load_app().name == "cwd_wsgi"


def test_script_info_without_path_finds_app_py(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "cwd_app_only")
    assert ScriptInfo().load_app().name == "cwd_app_only"


def test_script_info_nothing_to_load() -> None:
    with pytest.raises(NoAppException) as exc_info:
        ScriptInfo().load_app()
    assert str(exc_info.value) == NO_APP_HINT


def test_script_info_set_debug_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask("pre")
    assert app.debug is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    ScriptInfo(create_app=lambda: app, set_debug_flag=False).load_app()
    assert app.debug is False
    ScriptInfo(create_app=lambda: app).load_app()
    assert app.debug is True
    monkeypatch.setenv("FLASK_DEBUG", "0")
    ScriptInfo(create_app=lambda: app).load_app()
    assert app.debug is False


# FlaskGroup: options, help and errors


def test_help_without_app_lists_commands_and_hint(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    result = runner.invoke(main_cli, ["--help"])
    assert result.exit_code == 0
    assert f"Error: {NO_APP_HINT}" in result.stderr
    assert f"Usage: {PROG} [OPTIONS] COMMAND [ARGS]..." in result.output
    for text in ("-A, --app IMPORT", "-e, --env-file FILE", "--debug / --no-debug"):
        assert text in result.output
    assert "--version" in result.output
    for command in ("routes", "run", "shell"):
        assert f"  {command} " in result.output


def test_help_with_broken_app_shows_the_error(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    result = runner.invoke(main_cli, ["--app", "no_app", "--help"])
    assert result.exit_code == 0
    assert (
        "Error: Failed to find Flask application or factory in module 'no_app'."
        in result.stderr
    )
    assert "Commands:" in result.output


def test_help_survives_an_exception_in_the_factory(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    result = runner.invoke(main_cli, ["--app", "factory_type_error", "--help"])
    assert result.exit_code == 0
    assert "Traceback (most recent call last):" in result.stderr
    assert "TypeError: bug inside the factory" in result.stderr
    assert "Commands:" in result.output
    result = runner.invoke(main_cli, ["--app", "factory_type_error", "routes"])
    assert result.exit_code == 1
    assert isinstance(result.exception, TypeError)


def test_builtin_command_wins_over_app_command(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    app = Flask("clash", static_folder=None)

    @app.cli.command("routes")
    def own_routes() -> None:
        click.echo("the app's own routes")

    assert runner.invoke(group_for(app), ["routes"]).output == (
        "No routes were registered.\n"
    )
    assert app.test_cli_runner().invoke(args=["routes"]).output == (
        "the app's own routes\n"
    )


def test_help_with_app_lists_its_commands(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    result = runner.invoke(main_cli, ["--app", "commands_app", "--help"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "  greet " in result.output
    assert "  users" in result.output
    assert "  routes " in result.output


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(group_for(Flask("x")), [])
    assert result.exit_code == 2
    assert "Usage:" in result.output
    assert "Commands:" in result.output


def test_version_output(runner: CliRunner, main_cli: FlaskGroup) -> None:
    result = runner.invoke(main_cli, ["--version"])
    assert result.exit_code == 0
    assert set(lines(result)) == {
        f"Python {platform.python_version()}",
        f"{LABEL} {importlib.metadata.version(PROG)}",
        f"Werkzeug {importlib.metadata.version('werkzeug')}",
    }
    assert result.stderr == ""


def test_version_option_can_be_disabled(runner: CliRunner) -> None:
    result = runner.invoke(
        group_for(Flask("x"), add_version_option=False), ["--version"]
    )
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_default_commands_can_be_disabled(runner: CliRunner) -> None:
    group = group_for(Flask("x"), add_default_commands=False)
    result = runner.invoke(group, ["--help"])
    assert result.exit_code == 0
    assert "routes" not in result.output
    assert runner.invoke(group, ["routes"]).exit_code == 2


def test_unknown_command(runner: CliRunner, main_cli: FlaskGroup) -> None:
    result = runner.invoke(main_cli, ["--app", "plain_app", "nope"])
    assert result.exit_code == 2
    assert "Error: No such command 'nope'." in result.output


def test_command_without_app_fails_with_hint(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    result = runner.invoke(main_cli, ["routes"])
    assert result.exit_code == 2
    assert f"Usage: {PROG} routes [OPTIONS]" in result.output
    assert f"Error: {NO_APP_HINT}" in result.output


def test_import_error_in_app_is_shown(runner: CliRunner, main_cli: FlaskGroup) -> None:
    result = runner.invoke(main_cli, ["--app", "import_error_app", "routes"])
    assert result.exit_code == 2
    assert "Error: While importing 'import_error_app', an ImportError was raised" in (
        result.output
    )
    assert "Traceback (most recent call last):" in result.output
    assert "ModuleNotFoundError: No module named" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--app", "by_path/hello_file.py", "routes"],
        ["--app", "by_path/hello_file", "routes"],
        ["--app", str(FIXTURES / "by_path" / "hello_file.py"), "routes"],
        ["-A", "by_path/hello_file.py", "routes"],
    ],
)
def test_app_given_as_file_path(
    runner: CliRunner,
    main_cli: FlaskGroup,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    monkeypatch.chdir(FIXTURES)
    result = runner.invoke(main_cli, args)
    assert result.exit_code == 0, result.output
    assert "/hello" in result.output


@pytest.mark.parametrize(
    "target",
    [
        "app_pkg",
        "app_pkg.inner.deep",
        "app_pkg/inner/deep.py",
        "factory_pkg",
        'factory_args:create_app("cli_made", debug=True)',
    ],
)
def test_app_given_as_package_or_dotted_path(
    runner: CliRunner,
    main_cli: FlaskGroup,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
) -> None:
    monkeypatch.chdir(FIXTURES)
    result = runner.invoke(main_cli, ["--app", target, "routes"])
    assert result.exit_code == 0, result.output
    assert "/static/<path:filename>" in result.output


def test_app_file_path_with_attribute_name(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    target = f"{FIXTURES / 'by_path' / 'hello_file.py'}:app"
    result = runner.invoke(main_cli, ["--app", target, "routes"])
    assert result.exit_code == 0, result.output
    assert "/hello" in result.output


def test_app_factory_argument_containing_colon(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    @main_cli.command("name")
    def name() -> None:
        click.echo(current_app.name)

    result = runner.invoke(
        main_cli, ["--app", "factory_args:create_app('a:b')", "name"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "a:b\n"


def test_app_run_call_in_module_is_ignored(
    runner: CliRunner, main_cli: FlaskGroup, run_calls: list[dict[str, t.Any]]
) -> None:
    result = runner.invoke(main_cli, ["--app", "calls_run_app", "routes"])
    assert result.exit_code == 0, result.output
    assert run_calls == []
    assert (
        f" * Ignoring a call to 'app.run()' that would block the current '{PROG}'"
        " CLI command." in result.output
    )
    assert "/static/<path:filename>" in result.output


def test_app_from_flask_app_env_var(runner: CliRunner, main_cli: FlaskGroup) -> None:
    result = runner.invoke(main_cli, ["greet"], env={"FLASK_APP": "commands_app"})
    assert result.exit_code == 0, result.output
    assert result.output == "Hello World from commands_app\n"


def test_app_option_beats_env_var(runner: CliRunner, main_cli: FlaskGroup) -> None:
    result = runner.invoke(
        main_cli, ["--app", "commands_app", "greet", "Ann"], env={"FLASK_APP": "no_app"}
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Hello Ann from commands_app\n"


def test_app_file_shadowing_the_package(
    runner: CliRunner, main_cli: FlaskGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    result = runner.invoke(main_cli, ["--app", f"shadow/{PROG}.py", "routes"])
    assert result.exit_code == 2
    assert f"Error: The app file '{FIXTURES / 'shadow' / PROG}.py'" in result.output
    assert "Rename the file" in result.output


def test_custom_script_module_with_cli_group(runner: CliRunner) -> None:
    import custom_script  # type: ignore[import-not-found]

    result = runner.invoke(custom_script.cli, ["hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello from custom_script\n"
    result = runner.invoke(custom_script.cli, ["routes"])
    assert "/custom" in result.output
    help_result = runner.invoke(custom_script.cli, ["--help"])
    assert "Management script for the custom application." in help_result.output


def debug_reporter() -> click.Command:
    @click.command("report-debug")
    @with_appcontext
    def report() -> None:
        click.echo(f"{os.environ.get('FLASK_DEBUG')} {current_app.debug}")

    return report


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--debug"], {}, "1 True"),
        (["--no-debug"], {}, "0 False"),
        (["--no-debug"], {"FLASK_DEBUG": "1"}, "0 False"),
        (["--debug"], {"FLASK_DEBUG": "0"}, "1 True"),
        ([], {"FLASK_DEBUG": "1"}, "1 True"),
    ],
)
def test_debug_option_sets_env_and_app(
    runner: CliRunner, args: list[str], env: dict[str, str], expected: str
) -> None:
    os.environ.update(env)
    group = group_for(Flask("dbg"))
    group.add_command(debug_reporter())
    result = runner.invoke(group, [*args, "report-debug"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{expected}\n"


def test_group_without_debug_flag_leaves_app_alone(runner: CliRunner) -> None:
    app = Flask("pre")
    group = group_for(app, set_debug_flag=False)
    group.add_command(debug_reporter())
    result = runner.invoke(group, ["--debug", "report-debug"])
    assert result.output == "1 False\n"


# dotenv files


def env_snapshot() -> dict[str, str | None]:
    names = ("SHARED", "FLASKENV_ONLY", "ENV_ONLY", "PRESET", "QUOTED", "CUSTOM_ONLY")
    return {name: os.environ.get(f"CLI_TEST_{name}") for name in names}


def test_load_dotenv_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOTENV_DIR / "sub")  # the files are found in a parent folder
    os.environ["CLI_TEST_PRESET"] = "from-environment"
    assert load_dotenv() is True
    assert env_snapshot() == {
        "SHARED": "from-env",
        "FLASKENV_ONLY": "from-flaskenv",
        "ENV_ONLY": "from-env",
        "PRESET": "from-environment",
        "QUOTED": "two words",
        "CUSTOM_ONLY": None,
    }
    assert os.environ["FLASK_APP"] == "dotenv_app"


def test_load_dotenv_path_beats_default_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    assert load_dotenv("custom.env") is True
    snapshot = env_snapshot()
    assert snapshot["SHARED"] == "from-custom"
    assert snapshot["CUSTOM_ONLY"] == "from-custom"
    assert snapshot["ENV_ONLY"] == "from-env"


def test_load_dotenv_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    assert load_dotenv(DOTENV_DIR / "custom.env", load_defaults=False) is True
    snapshot = env_snapshot()
    assert snapshot["SHARED"] == "from-custom"
    assert snapshot["ENV_ONLY"] is None
    assert "FLASK_APP" not in os.environ


def test_load_dotenv_missing_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    assert load_dotenv("missing.env", load_defaults=False) is False
    assert env_snapshot()["SHARED"] is None
    assert load_dotenv("missing.env") is True
    assert env_snapshot()["SHARED"] == "from-env"


def test_load_dotenv_without_files() -> None:
    assert load_dotenv() is False
    assert "FLASK_APP" not in os.environ


def test_group_loads_dotenv_app_and_values(
    runner: CliRunner, main_cli: FlaskGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOTENV_DIR)

    @main_cli.command("seen")
    def seen() -> None:
        click.echo(f"{current_app.name} {current_app.config['SEEN_SHARED']}")

    result = runner.invoke(main_cli, ["seen"])
    assert result.exit_code == 0, result.output
    assert result.output == "dotenv_app from-env\n"


def test_group_env_file_option(
    runner: CliRunner, main_cli: FlaskGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    os.environ["CLI_TEST_SHARED"] = "from-environment"
    result = runner.invoke(main_cli, ["-e", "custom.env", "routes"])
    assert result.exit_code == 0, result.output
    snapshot = env_snapshot()
    assert snapshot["SHARED"] == "from-environment"
    assert snapshot["CUSTOM_ONLY"] == "from-custom"
    assert snapshot["ENV_ONLY"] == "from-env"


def test_group_env_file_from_env_var(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    group = group_for(Flask("x"), load_dotenv=False)
    result = runner.invoke(group, ["routes"], env={"FLASK_ENV_FILE": "custom.env"})
    assert result.exit_code == 0, result.output
    assert env_snapshot()["SHARED"] == "from-custom"


def test_group_env_file_must_exist(runner: CliRunner, main_cli: FlaskGroup) -> None:
    result = runner.invoke(main_cli, ["--env-file", "nope.env", "routes"])
    assert result.exit_code == 2
    assert "Invalid value for '-e' / '--env-file'" in result.output
    assert "'nope.env' does not exist" in result.output


def test_group_with_load_dotenv_false_still_reads_env_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    group = group_for(Flask("x"), load_dotenv=False)
    group.add_command(debug_reporter())
    assert runner.invoke(group, ["report-debug"]).exit_code == 0
    assert env_snapshot()["SHARED"] is None
    assert runner.invoke(group, ["-e", "custom.env", "report-debug"]).exit_code == 0
    assert env_snapshot()["SHARED"] == "from-custom"
    assert env_snapshot()["ENV_ONLY"] is None


def test_skip_dotenv_env_var(
    runner: CliRunner, main_cli: FlaskGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    result = runner.invoke(
        main_cli, ["--app", "plain_app", "routes"], env={"FLASK_SKIP_DOTENV": "1"}
    )
    assert result.exit_code == 0
    assert env_snapshot()["SHARED"] is None


def test_hint_when_python_dotenv_is_missing(
    runner: CliRunner, main_cli: FlaskGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOTENV_DIR)
    monkeypatch.setitem(sys.modules, "dotenv", None)  # makes "import dotenv" fail
    result = runner.invoke(main_cli, ["--app", "plain_app", "routes"])
    assert result.exit_code == 0
    assert "python-dotenv" in result.stderr
    assert ".env" in result.stderr
    assert env_snapshot()["SHARED"] is None
    result = runner.invoke(main_cli, ["-e", "custom.env", "routes"])
    assert result.exit_code == 2
    assert "python-dotenv must be installed to load an env file." in result.output


def test_no_hint_without_files_when_dotenv_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    assert load_dotenv() is False
    assert capsys.readouterr().err == ""


# app.cli, AppGroup, blueprints and helpers


def test_app_cli_is_a_lazy_app_group() -> None:
    app = Flask("named_app")
    assert isinstance(app.cli, AppGroup)
    assert app.cli.name == "named_app"
    assert app.cli is app.cli
    replacement = AppGroup("other")
    app.cli = replacement
    assert app.cli is replacement


def test_blueprint_cli_is_named_after_blueprint() -> None:
    bp = Blueprint("admin", __name__)
    assert isinstance(bp.cli, AppGroup)
    assert bp.cli.name == "admin"


def test_app_cli_commands_run_in_app_context() -> None:
    app = Flask("ctx_app")

    @app.cli.command()
    @click.argument("who", default="you")
    def hello(who: str) -> None:
        g.value = who
        click.echo(f"hello {who} from {current_app.name} {g.value}")

    runner = app.test_cli_runner()
    result = runner.invoke(args=["hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello you from ctx_app you\n"
    assert runner.invoke(args=["hello", "Bo"]).output == "hello Bo from ctx_app Bo\n"
    assert not has_app_context()


def test_nested_app_groups_push_context() -> None:
    app = Flask("nested")
    tools = AppGroup("tools")

    @tools.command()
    def inner() -> None:
        click.echo(f"inner {current_app.name}")

    @tools.group()
    def deeper() -> None:
        pass

    @deeper.command()
    def deepest() -> None:
        click.echo(f"deepest {current_app.name}")

    assert isinstance(deeper, AppGroup)
    app.cli.add_command(tools)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tools", "inner"]).output == "inner nested\n"
    assert (
        runner.invoke(args=["tools", "deeper", "deepest"]).output == "deepest nested\n"
    )


def test_app_group_command_without_app_context() -> None:
    app = Flask("x")

    @app.cli.command(with_appcontext=False)
    def bare() -> None:
        click.echo(str(has_app_context()))

    assert app.test_cli_runner().invoke(args=["bare"]).output == "False\n"


def test_with_appcontext_on_plain_click_command() -> None:
    app = Flask("plain_cmd")

    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(current_app.name)

    @click.command()
    def no_context() -> None:
        click.echo(str(has_app_context()))

    runner = app.test_cli_runner()
    assert runner.invoke(show).output == "plain_cmd\n"
    assert runner.invoke(no_context).output == "False\n"


def test_with_appcontext_reuses_pushed_context() -> None:
    outer = Flask("outer")
    inner = Flask("inner")

    @inner.cli.command()
    def who() -> None:
        click.echo(current_app.name)

    with outer.app_context():
        result = inner.test_cli_runner().invoke(args=["who"])
    assert result.output == "outer\n"


def test_pass_script_info() -> None:
    app = Flask("info_app")

    @click.command()
    @pass_script_info
    def info(script_info: ScriptInfo) -> None:
        click.echo(f"{type(script_info).__name__} {script_info.load_app().name}")

    assert app.test_cli_runner().invoke(info).output == "ScriptInfo info_app\n"


def blueprint_with_command(name: str, command: str, **kwargs: t.Any) -> Blueprint:
    bp = Blueprint(name, __name__, **kwargs)

    @bp.cli.command(command)
    def run_it() -> None:
        click.echo(f"{name}:{command} in {current_app.name}")

    return bp


def test_blueprint_commands_grouped_by_name() -> None:
    app = Flask("bp_app")
    app.register_blueprint(blueprint_with_command("users", "create"))
    result = app.test_cli_runner().invoke(args=["users", "create"])
    assert result.exit_code == 0, result.output
    assert result.output == "users:create in bp_app\n"


def test_blueprint_cli_group_none_merges_into_app() -> None:
    app = Flask("bp_app")
    app.register_blueprint(blueprint_with_command("merged", "top", cli_group=None))
    assert "merged" not in app.cli.commands
    result = app.test_cli_runner().invoke(args=["top"])
    assert result.output == "merged:top in bp_app\n"


def test_blueprint_custom_cli_group() -> None:
    app = Flask("bp_app")
    app.register_blueprint(blueprint_with_command("named", "go", cli_group="custom"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["custom", "go"]).output == "named:go in bp_app\n"
    assert runner.invoke(args=["named", "go"]).exit_code == 2


def test_blueprint_cli_group_given_at_registration() -> None:
    app = Flask("bp_app")
    app.register_blueprint(blueprint_with_command("bp_a", "go"), cli_group="override")
    app.register_blueprint(blueprint_with_command("bp_b", "merged"), cli_group=None)
    assert sorted(app.cli.commands) == ["merged", "override"]


def test_nested_blueprint_group_uses_dotted_name() -> None:
    app = Flask("bp_app")
    parent = blueprint_with_command("parent", "top")
    parent.register_blueprint(blueprint_with_command("child", "kid"))
    app.register_blueprint(parent)
    assert sorted(app.cli.commands) == ["parent", "parent.child"]
    result = app.test_cli_runner().invoke(args=["parent.child", "kid"])
    assert result.output == "child:kid in bp_app\n"


def test_blueprint_group_follows_registered_name() -> None:
    app = Flask("bp_app")
    app.register_blueprint(blueprint_with_command("orig", "go"), name="renamed")
    assert list(app.cli.commands) == ["renamed"]
    result = app.test_cli_runner().invoke(args=["renamed", "go"])
    assert result.output == "orig:go in bp_app\n"


def test_blueprint_without_commands_adds_no_group() -> None:
    app = Flask("bp_app")
    app.register_blueprint(Blueprint("quiet", __name__))
    assert app.cli.commands == {}


def test_app_and_blueprint_commands_through_app_option(
    runner: CliRunner, main_cli: FlaskGroup
) -> None:
    result = runner.invoke(
        main_cli, ["--app", "commands_app", "users", "create", "amy"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "created amy in commands_app\n"


def test_plugin_commands_from_entry_points(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    @click.command("plugged")
    def plugged() -> None:
        click.echo("from plugin")

    class FakeEntryPoint:
        name = "plugged"

        def load(self) -> click.Command:
            return plugged

    groups: list[str] = []

    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        groups.append(group)
        return [FakeEntryPoint()]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    group = group_for(Flask("x"), add_default_commands=False)
    result = runner.invoke(group, ["plugged"])
    assert result.output == "from plugin\n"
    assert set(groups) == {"flask.commands"}
    assert "plugged" in runner.invoke(group, ["--help"]).output


# routes


def routes_app() -> Flask:
    app = Flask("routes_app")
    app.add_url_rule("/zeta", "aaa_zeta", lambda: "", methods=["POST", "GET"])
    app.add_url_rule("/alpha/<int:id>", "mmm_alpha", lambda id: "", methods=["PUT"])
    app.add_url_rule("/beta", "bbb_beta", lambda: "", methods=["DELETE", "PATCH"])
    return app


def endpoints(result: Result) -> list[str]:
    return [line.split()[0] for line in lines(result)[2:]]


def test_routes_table(runner: CliRunner) -> None:
    result = runner.invoke(group_for(routes_app()), ["routes"])
    assert result.exit_code == 0
    assert result.output == (
        "Endpoint   Methods        Rule                   \n"
        "---------  -------------  -----------------------\n"
        "aaa_zeta   GET, POST      /zeta                  \n"
        "bbb_beta   DELETE, PATCH  /beta                  \n"
        "mmm_alpha  PUT            /alpha/<int:id>        \n"
        "static     GET            /static/<path:filename>\n"
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("endpoint", ["aaa_zeta", "bbb_beta", "mmm_alpha", "static"]),
        ("methods", ["bbb_beta", "static", "aaa_zeta", "mmm_alpha"]),
        ("rule", ["mmm_alpha", "bbb_beta", "static", "aaa_zeta"]),
        ("match", ["static", "aaa_zeta", "mmm_alpha", "bbb_beta"]),
        ("domain", ["static", "aaa_zeta", "mmm_alpha", "bbb_beta"]),
    ],
)
def test_routes_sort(runner: CliRunner, sort: str, expected: list[str]) -> None:
    result = runner.invoke(group_for(routes_app()), ["routes", "--sort", sort])
    assert result.exit_code == 0
    assert endpoints(result) == expected


def test_routes_sort_by_shown_methods(runner: CliRunner) -> None:
    app = Flask("m", static_folder=None)
    app.add_url_rule("/x", "x", lambda: "", methods=["GET", "POST"])
    no_options = {"provide_automatic_options": False}
    app.add_url_rule("/y", "y", lambda: "", methods=["GET", "PATCH"], **no_options)
    app.add_url_rule("/z", "z", lambda: "", methods=["GET"], **no_options)
    group = group_for(app)
    result = runner.invoke(group, ["routes", "-s", "methods"])
    assert endpoints(result) == ["z", "y", "x"]
    result = runner.invoke(group, ["routes", "-s", "methods", "--all-methods"])
    assert endpoints(result) == ["z", "x", "y"]
    assert lines(result)[3] == "x         GET, HEAD, OPTIONS, POST  /x"


def test_routes_sort_short_option_and_bad_value(runner: CliRunner) -> None:
    group = group_for(routes_app())
    assert endpoints(runner.invoke(group, ["routes", "-s", "rule"]))[0] == "mmm_alpha"
    result = runner.invoke(group, ["routes", "--sort", "bogus"])
    assert result.exit_code == 2
    assert "Invalid value for '--sort' / '-s'" in result.output


def test_routes_all_methods(runner: CliRunner) -> None:
    group = group_for(routes_app())
    plain = runner.invoke(group, ["routes"]).output
    assert "HEAD" not in plain
    assert "OPTIONS" not in plain
    result = runner.invoke(group, ["routes", "--all-methods"])
    rows = lines(result)
    assert rows[2] == "aaa_zeta   GET, HEAD, OPTIONS, POST  /zeta"
    assert rows[3] == "bbb_beta   DELETE, OPTIONS, PATCH    /beta"
    assert rows[5] == "static     GET, HEAD, OPTIONS        /static/<path:filename>"


def test_routes_subdomain_column(runner: CliRunner) -> None:
    app = Flask("sd", static_folder=None)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/a", "a", lambda: "")
    app.add_url_rule("/b", "b", lambda: "", subdomain="api")
    app.add_url_rule("/c", "c", lambda: "", subdomain="admin")
    result = runner.invoke(group_for(app), ["routes"])
    assert lines(result) == [
        "Endpoint  Methods  Subdomain  Rule",
        "--------  -------  ---------  ----",
        "a         GET                 /a",
        "b         GET      api        /b",
        "c         GET      admin      /c",
    ]
    by_domain = runner.invoke(group_for(app), ["routes", "--sort", "domain"])
    assert endpoints(by_domain) == ["a", "c", "b"]


def test_routes_host_column(runner: CliRunner) -> None:
    app = Flask("h", host_matching=True, static_host="static.test")
    app.add_url_rule("/a", "a", lambda: "", host="one.test")
    app.add_url_rule("/b", "b", lambda: "", host="<name>.test")
    result = runner.invoke(group_for(app), ["routes"])
    assert lines(result) == [
        "Endpoint  Methods  Host         Rule",
        "--------  -------  -----------  -----------------------",
        "a         GET      one.test     /a",
        "b         GET      <name>.test  /b",
        "static    GET      static.test  /static/<path:filename>",
    ]
    by_domain = runner.invoke(group_for(app), ["routes", "--sort", "domain"])
    assert endpoints(by_domain) == ["b", "a", "static"]


def test_routes_none_registered(runner: CliRunner) -> None:
    result = runner.invoke(group_for(Flask("empty", static_folder=None)), ["routes"])
    assert result.exit_code == 0
    assert result.output == "No routes were registered.\n"


def test_routes_blueprint_endpoints(runner: CliRunner) -> None:
    app = Flask("bp_routes", static_folder=None)
    bp = Blueprint("shop", __name__, url_prefix="/shop")
    bp.add_url_rule("/items", "items", lambda: "")
    app.register_blueprint(bp)
    assert lines(runner.invoke(group_for(app), ["routes"]))[2] == (
        "shop.items  GET      /shop/items"
    )


# run


@pytest.fixture
def run_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, t.Any]]:
    """Record run_simple's arguments, by name, instead of serving."""
    signature = inspect.signature(werkzeug.serving.run_simple)
    calls: list[dict[str, t.Any]] = []

    def fake_run_simple(*args: t.Any, **kwargs: t.Any) -> None:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        calls.append(dict(bound.arguments))

    monkeypatch.setattr(werkzeug.serving, "run_simple", fake_run_simple)
    monkeypatch.setattr(werkzeug, "run_simple", fake_run_simple)
    if hasattr(cli_module, "run_simple"):
        monkeypatch.setattr(cli_module, "run_simple", fake_run_simple)
    return calls


def invoke_run(runner: CliRunner, *args: str, **kwargs: t.Any) -> Result:
    return runner.invoke(
        FlaskGroup(name=PROG), ["--app", "plain_app", "run", *args], **kwargs
    )


def test_run_defaults(runner: CliRunner, run_calls: list[dict[str, t.Any]]) -> None:
    result = invoke_run(runner)
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        f" * Serving {LABEL} app 'plain_app'",
        " * Debug mode: off",
    ]
    (call,) = run_calls
    assert call["hostname"] == "127.0.0.1"
    assert call["port"] == 5000
    assert isinstance(call["application"], Flask)
    assert call["application"].name == "plain_app"
    assert call["use_reloader"] is False
    assert call["use_debugger"] is False
    assert call["threaded"] is True
    assert call["ssl_context"] is None
    assert not call["extra_files"]
    assert not call["exclude_patterns"]


def test_run_passes_the_loaded_app(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    app = Flask("given")
    assert runner.invoke(group_for(app), ["run"]).exit_code == 0
    assert run_calls[0]["application"] is app


def test_run_options(runner: CliRunner, run_calls: list[dict[str, t.Any]]) -> None:
    result = invoke_run(
        runner,
        "--host",
        "0.0.0.0",
        "--port",
        "8123",
        "--reload",
        "--debugger",
        "--without-threads",
    )
    assert result.exit_code == 0, result.output
    call = run_calls[0]
    assert (call["hostname"], call["port"]) == ("0.0.0.0", 8123)
    assert call["use_reloader"] is True
    assert call["use_debugger"] is True
    assert call["threaded"] is False


def test_run_short_options(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    assert invoke_run(runner, "-h", "1.2.3.4", "-p", "9").exit_code == 0
    assert (run_calls[0]["hostname"], run_calls[0]["port"]) == ("1.2.3.4", 9)


def test_run_host_and_port_from_env(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    env = {"FLASK_RUN_HOST": "10.0.0.1", "FLASK_RUN_PORT": "7000"}
    assert invoke_run(runner, env=env).exit_code == 0
    assert (run_calls[0]["hostname"], run_calls[0]["port"]) == ("10.0.0.1", 7000)


def test_run_other_options_from_env(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    env = {"FLASK_RUN_RELOAD": "true", "FLASK_RUN_EXTRA_FILES": "c.txt"}
    assert invoke_run(runner, env=env).exit_code == 0
    assert run_calls[0]["use_reloader"] is True
    assert run_calls[0]["extra_files"] == ["c.txt"]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--debug"], {}),
        ([], {"FLASK_DEBUG": "1"}),
    ],
)
def test_run_debug_enables_reloader_and_debugger(
    runner: CliRunner,
    run_calls: list[dict[str, t.Any]],
    args: list[str],
    env: dict[str, str],
) -> None:
    result = invoke_run(runner, *args, env=env)
    assert result.exit_code == 0, result.output
    assert " * Debug mode: on" in lines(result)
    assert run_calls[0]["use_reloader"] is True
    assert run_calls[0]["use_debugger"] is True


def test_run_debug_from_group_option(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    result = runner.invoke(
        FlaskGroup(name=PROG), ["--debug", "--app", "plain_app", "run"]
    )
    assert " * Debug mode: on" in lines(result)
    assert run_calls[0]["use_debugger"] is True


def test_run_debug_without_reloader_or_debugger(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    result = invoke_run(runner, "--debug", "--no-reload", "--no-debugger")
    assert result.exit_code == 0
    assert " * Debug mode: on" in lines(result)
    assert run_calls[0]["use_reloader"] is False
    assert run_calls[0]["use_debugger"] is False


def test_run_extra_files_and_exclude_patterns(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    result = invoke_run(
        runner,
        "--reload",
        "--extra-files",
        os.pathsep.join(["a.txt", "b.txt"]),
        "--exclude-patterns",
        os.pathsep.join(["*.tmp", "build/*"]),
    )
    assert result.exit_code == 0, result.output
    assert run_calls[0]["extra_files"] == ["a.txt", "b.txt"]
    assert run_calls[0]["exclude_patterns"] == ["*.tmp", "build/*"]


def test_run_bad_port(runner: CliRunner, run_calls: list[dict[str, t.Any]]) -> None:
    result = invoke_run(runner, "--port", "notanumber")
    assert result.exit_code == 2
    assert "Invalid value for '--port' / '-p'" in result.output
    assert run_calls == []


def test_run_without_app(runner: CliRunner, run_calls: list[dict[str, t.Any]]) -> None:
    result = runner.invoke(FlaskGroup(name=PROG), ["--app", "no_app", "run"])
    assert result.exit_code == 2
    assert "Failed to find Flask application or factory" in result.output
    assert run_calls == []


def test_run_in_reloader_child_serves_the_load_error(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    result = runner.invoke(
        FlaskGroup(name=PROG),
        ["--app", "no_app", "run"],
        env={"WERKZEUG_RUN_MAIN": "true"},
    )
    assert result.exit_code == 0, result.output
    assert "Serving" not in result.output  # the parent process printed it
    assert "Failed to find Flask application or factory" in result.stderr
    application = run_calls[0]["application"]
    with pytest.raises(NoAppException, match="in module 'no_app'"):
        application({}, lambda *args: None)


@pytest.fixture
def cert_files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "cert.pem").write_text("cert")
    (tmp_path / "key.pem").write_text("key")
    return str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")


def test_run_cert_and_key(
    runner: CliRunner, run_calls: list[dict[str, t.Any]], cert_files: tuple[str, str]
) -> None:
    result = invoke_run(runner, "--cert", "cert.pem", "--key", "key.pem")
    assert result.exit_code == 0, result.output
    assert run_calls[0]["ssl_context"] == cert_files
    run_calls.clear()
    assert invoke_run(runner, "--key", "key.pem", "--cert", "cert.pem").exit_code == 0
    assert run_calls[0]["ssl_context"] == cert_files


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--key", "key.pem"],
            "Invalid value for '--key': \"--cert\" must also be specified.",
        ),
        (
            ["--cert", "cert.pem"],
            "Invalid value for '--key': Required when using \"--cert\".",
        ),
        (
            ["--cert", "missing.pem"],
            "Invalid value for '--cert': File 'missing.pem' does not exist.",
        ),
        (
            ["--cert", "ssl_context_mod:context", "--key", "key.pem"],
            "Invalid value for '--key': When \"--cert\" is an SSLContext object,"
            ' "--key" is not used.',
        ),
        (
            ["--cert", "ssl_context_mod:not_a_context"],
            "Invalid value for '--cert': File 'ssl_context_mod:not_a_context' does"
            " not exist.",
        ),
    ],
)
def test_run_cert_errors(
    runner: CliRunner,
    run_calls: list[dict[str, t.Any]],
    cert_files: tuple[str, str],
    args: list[str],
    message: str,
) -> None:
    result = invoke_run(runner, *args)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.output
    assert run_calls == []


def test_run_cert_ssl_context_object(
    runner: CliRunner, run_calls: list[dict[str, t.Any]]
) -> None:
    assert invoke_run(runner, "--cert", "ssl_context_mod:context").exit_code == 0
    import ssl_context_mod  # type: ignore[import-not-found]

    assert isinstance(ssl_context_mod.context, ssl.SSLContext)
    assert run_calls[0]["ssl_context"] is ssl_context_mod.context


def test_run_adhoc_cert(
    runner: CliRunner,
    run_calls: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
    cert_files: tuple[str, str],
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", types.ModuleType("cryptography"))
    assert invoke_run(runner, "--cert", "adhoc").exit_code == 0
    assert run_calls[0]["ssl_context"] == "adhoc"
    result = invoke_run(runner, "--cert", "adhoc", "--key", "key.pem")
    assert result.exit_code == 2
    assert (
        'Error: Invalid value for \'--key\': When "--cert" is "adhoc", "--key" is'
        " not used." in result.output
    )


def test_run_adhoc_cert_needs_cryptography(
    runner: CliRunner,
    run_calls: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    result = invoke_run(runner, "--cert", "adhoc")
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--cert': Using ad-hoc certificates requires the"
        " cryptography library." in result.output
    )
    assert run_calls == []


# shell


@pytest.fixture
def interact_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> t.Iterator[list[dict[str, t.Any]]]:
    """Record what the shell would start, checked from inside the call."""
    calls: list[dict[str, t.Any]] = []

    def fake_interact(
        banner: str | None = None, local: t.Any = None, **kw: t.Any
    ) -> None:
        local["g"].probe = "set through the shell's g"
        calls.append(
            {
                "banner": banner,
                "local": dict(local),
                "in_context": has_app_context(),
                "probe": g.probe,
                "app": current_app._get_current_object(),  # type: ignore[attr-defined]
            }
        )

    monkeypatch.setattr(code, "interact", fake_interact)
    # Stands in for site's readline setup, which would touch ~/.python_history.
    monkeypatch.setattr(
        sys, "__interactivehook__", lambda: calls.append({"hook": True}), raising=False
    )
    completer = readline.get_completer()
    yield calls
    readline.set_completer(completer)


def shell_app() -> Flask:
    app = Flask("shell_app")

    @app.shell_context_processor
    def extras() -> dict[str, t.Any]:
        return {"answer": 42}

    return app


def test_shell_banner_and_namespace(
    runner: CliRunner, interact_calls: list[dict[str, t.Any]]
) -> None:
    app = shell_app()
    result = runner.invoke(group_for(app), ["shell"])
    assert result.exit_code == 0, result.output
    hook, call = interact_calls
    assert hook == {"hook": True}
    assert call["banner"] == (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: shell_app\n"
        f"Instance: {app.instance_path}"
    )
    assert call["in_context"] is True
    assert call["app"] is app
    assert call["local"]["app"] is app
    assert call["local"]["answer"] == 42
    assert call["probe"] == "set through the shell's g"
    assert not has_app_context()


def test_shell_tab_completion_knows_the_namespace(
    runner: CliRunner, interact_calls: list[dict[str, t.Any]]
) -> None:
    assert runner.invoke(group_for(shell_app()), ["shell"]).exit_code == 0
    completer = readline.get_completer()
    assert completer is not None
    assert completer("answ", 0) == "answer"


def test_shell_context_processor_can_override(
    runner: CliRunner, interact_calls: list[dict[str, t.Any]]
) -> None:
    app = shell_app()
    app.shell_context_processor(lambda: {"app": "replaced"})
    runner.invoke(group_for(app), ["shell"])
    assert interact_calls[-1]["local"]["app"] == "replaced"


def test_shell_runs_pythonstartup(
    runner: CliRunner, interact_calls: list[dict[str, t.Any]], tmp_path: Path
) -> None:
    startup = tmp_path / "startup.py"
    startup.write_text("from_startup = 'yes'\n")
    result = runner.invoke(
        group_for(shell_app()), ["shell"], env={"PYTHONSTARTUP": str(startup)}
    )
    assert result.exit_code == 0, result.output
    assert interact_calls[-1]["local"]["from_startup"] == "yes"


# FlaskCliRunner


def test_test_cli_runner_invokes_app_cli() -> None:
    app = Flask("runner_app")

    @app.cli.command("hi")
    @click.option("--loud", is_flag=True)
    def hi(loud: bool) -> None:
        click.echo("HI" if loud else "hi")

    runner = app.test_cli_runner()
    assert isinstance(runner, FlaskCliRunner)
    assert runner.app is app
    assert runner.invoke(args=["hi"]).output == "hi\n"
    assert runner.invoke(args=["hi", "--loud"]).output == "HI\n"
    assert runner.invoke(hi, ["--loud"]).output == "HI\n"


def test_test_cli_runner_custom_command_and_kwargs() -> None:
    app = Flask("runner_app")

    @click.command()
    @click.option("--name", prompt=True)
    @with_appcontext
    def ask(name: str) -> None:
        click.echo(f"{name} {os.environ.get('CLI_TEST_SHARED')} {current_app.name}")

    result = app.test_cli_runner().invoke(
        ask, input="Zed\n", env={"CLI_TEST_SHARED": "via-env"}
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Zed via-env runner_app\n")


def test_test_cli_runner_with_explicit_obj() -> None:
    app = Flask("runner_app")
    other = Flask("other_app")

    @app.cli.command()
    def who() -> None:
        click.echo(current_app.name)

    result = app.test_cli_runner().invoke(
        args=["who"], obj=ScriptInfo(create_app=lambda: other)
    )
    assert result.output == "other_app\n"


def test_test_cli_runner_class_attribute() -> None:
    class CustomRunner(FlaskCliRunner):
        pass

    app = Flask("runner_app")
    app.test_cli_runner_class = CustomRunner
    runner = app.test_cli_runner()
    assert type(runner) is CustomRunner
    assert runner.app is app


def test_test_cli_runner_reports_exceptions() -> None:
    app = Flask("runner_app")

    @app.cli.command()
    def boom() -> None:
        raise ValueError("boom")

    result = app.test_cli_runner().invoke(args=["boom"])
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError)
    assert not has_app_context()


# the installed program


def run_program(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    return subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_python_dash_m_help(tmp_path: Path) -> None:
    done = run_program(sys.executable, "-m", PROG, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Usage: python -m {PROG} [OPTIONS] COMMAND [ARGS]..." in done.stdout
    assert "Commands:" in done.stdout
    assert "Could not locate a Flask application" in done.stderr


def test_python_dash_m_with_app() -> None:
    done = run_program(
        sys.executable, "-m", PROG, "--app", "plain_app", "routes", cwd=FIXTURES
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split() == ["Endpoint", "Methods", "Rule"]


def test_console_script_routes_and_version() -> None:
    script = Path(sys.executable).with_name(PROG)
    assert script.exists()
    done = run_program(str(script), "--app", "plain_app", "routes", cwd=FIXTURES)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split() == ["index", "GET", "/"]
    done = run_program(str(script), "--version", cwd=FIXTURES)
    version = f"{LABEL} {importlib.metadata.version(PROG)}"
    assert version in done.stdout.splitlines()


def test_console_script_names_a_shadowing_app_file() -> None:
    script = Path(sys.executable).with_name(PROG)
    done = run_program(str(script), "--app", PROG, "routes", cwd=FIXTURES / "shadow")
    assert done.returncode == 2
    assert f"Error: The app file '{FIXTURES / 'shadow' / PROG}.py'" in done.stderr


def test_console_script_reports_missing_app(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name(PROG)
    done = run_program(str(script), "routes", cwd=tmp_path)
    assert done.returncode == 2
    assert f"Error: {NO_APP_HINT}" in done.stderr


# minflask's own promise, beyond Flask's behaviour: the command line costs
# nothing until it is used.


def test_click_is_imported_only_when_the_cli_is_used(tmp_path: Path) -> None:
    script = (
        "import sys, minflask, minflask.testing\n"
        "app = minflask.Flask('x')\n"
        "bp = minflask.Blueprint('b', 'x')\n"
        "app.register_blueprint(bp)\n"
        "app.test_client().get('/')\n"
        "print('click' in sys.modules, 'cli' in vars(app), 'cli' in vars(bp))\n"
        "app.test_cli_runner()\n"
        "print('click' in sys.modules)\n"
    )
    done = run_program(sys.executable, "-c", script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False", "True"]
