"""Implementation details of minflask.cli that tests/test_cli.py leaves out:
click stays unimported until the command line is used, blueprint group
names, decorator forms, option types and the reloader fallback."""

from __future__ import annotations

import os
import subprocess
import sys
import typing as t

import click
import pytest
import werkzeug.serving
from click.testing import CliRunner

from minflask import Blueprint, Flask, current_app
from minflask.cli import (
    AppGroup,
    FlaskGroup,
    NoAppException,
    ScriptInfo,
    SeparatedPathType,
    find_app_by_string,
    find_best_app,
    run_command,
)


@pytest.fixture(autouse=True)
def _clean_flask_env() -> t.Iterator[None]:
    """FlaskGroup and --debug write FLASK_* variables; put them back."""
    saved = os.environ.copy()
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_click_is_not_imported_by_core_use() -> None:
    code = (
        "import sys, minflask, minflask.testing\n"
        "app = minflask.Flask('x')\n"
        "bp = minflask.Blueprint('bp', 'x')\n"
        "app.register_blueprint(bp)\n"
        "app.test_client().get('/')\n"
        "print('click' in sys.modules)\n"
        "app.cli\n"
        "print('click' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def test_flask_cli_runner_is_exported_lazily_from_testing() -> None:
    import minflask.testing

    runner_class = minflask.testing.FlaskCliRunner
    assert issubclass(runner_class, CliRunner)
    assert isinstance(Flask("x").test_cli_runner(), runner_class)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        minflask.testing.Nope  # noqa: B018


def test_app_and_blueprint_cli_are_cached_and_assignable() -> None:
    app = Flask("named")
    assert isinstance(app.cli, AppGroup)
    assert app.cli is app.cli
    assert app.cli.name == "named"
    replacement = AppGroup("other")
    app.cli = replacement
    assert app.cli is replacement

    bp = Blueprint("blue", __name__)
    assert "cli" not in vars(bp)
    assert bp.cli.name == "blue"


def test_blueprint_that_never_touched_cli_does_not_create_it() -> None:
    app = Flask("x")
    bp = Blueprint("quiet", __name__)
    app.register_blueprint(bp)
    assert "cli" not in vars(bp)
    assert "quiet" not in app.cli.commands


def test_nested_blueprint_group_uses_the_dotted_name() -> None:
    app = Flask("x")
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @child.cli.command("hello")
    def hello() -> None:
        click.echo("child hello")

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert "parent.child" in app.cli.commands
    assert "parent" not in app.cli.commands
    result = app.test_cli_runner().invoke(args=["parent.child", "hello"])
    assert result.output == "child hello\n"


def test_blueprint_registered_twice_under_two_names() -> None:
    app = Flask("x")
    bp = Blueprint("bp", __name__)

    @bp.cli.command("ping")
    def ping() -> None:
        click.echo("pong")

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bp", "ping"]).output == "pong\n"
    assert runner.invoke(args=["again", "ping"]).output == "pong\n"


def test_command_decorator_without_parentheses() -> None:
    app = Flask("bare")

    @app.cli.command
    def bare() -> None:
        click.echo(current_app.name)

    assert isinstance(bare, click.Command)
    assert app.test_cli_runner().invoke(args=["bare"]).output == "bare\n"


def test_subgroups_are_app_groups() -> None:
    app = Flask("x")

    @app.cli.group()
    def tools() -> None:
        pass

    assert type(tools) is AppGroup

    @tools.command(with_appcontext=False)
    def plain() -> None:
        click.echo(str(bool(current_app)))

    assert app.test_cli_runner().invoke(args=["tools", "plain"]).output == "False\n"


def test_flask_group_nested_in_a_plain_group() -> None:
    app = Flask("inner_app")
    outer = click.Group("outer")
    group = FlaskGroup(name="web", create_app=lambda: app)
    outer.add_command(group)

    @group.command()
    def who() -> None:
        click.echo(current_app.name)

    result = CliRunner().invoke(outer, ["web", "who"])
    assert result.output == "inner_app\n"


def test_debug_is_left_alone_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    # FLASK_DEBUG stays as the environment has it when neither the group
    # nor "run" gets --debug/--no-debug.
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = Flask("x")
    calls: list[dict[str, t.Any]] = []
    monkeypatch.setattr(
        werkzeug.serving, "run_simple", lambda *a, **kw: calls.append(kw)
    )
    result = CliRunner().invoke(FlaskGroup(create_app=lambda: app), ["run"])
    assert result.exit_code == 0, result.output
    assert os.environ["FLASK_DEBUG"] == "1"
    assert calls[0]["use_reloader"] is True
    assert " * Debug mode: on" in result.output


def test_find_app_by_string_rejects_non_literal_forms() -> None:
    class Module:
        __name__ = "mod"

        @staticmethod
        def factory(**kwargs: t.Any) -> Flask:
            return Flask("made")

    with pytest.raises(NoAppException, match="literal values"):
        find_app_by_string(Module, 'factory(**{"a": 1})')  # type: ignore[arg-type]
    with pytest.raises(NoAppException, match="simple name"):
        find_app_by_string(Module, "Module.factory()")  # type: ignore[arg-type]
    with pytest.raises(NoAppException, match="attribute name or function call"):
        find_app_by_string(Module, "1 + 2")  # type: ignore[arg-type]
    assert find_app_by_string(Module, "factory(a=[1, 2])").name == "made"  # type: ignore[arg-type]


def test_factory_with_required_keyword_only_argument() -> None:
    class Module:
        __name__ = "mod"

        @staticmethod
        def create_app(*, config: str) -> Flask:
            return Flask(config)

    with pytest.raises(NoAppException, match="could not call it without arguments"):
        find_best_app(Module)


def test_separated_path_type_splits_on_pathsep(tmp_path: t.Any) -> None:
    value = os.pathsep.join(["a.py", "b.py", "c.py"])
    assert SeparatedPathType().convert(value, None, None) == ["a.py", "b.py", "c.py"]
    ctx = run_command.make_context("run", ["--extra-files", value])
    assert ctx.params["extra_files"] == ["a.py", "b.py", "c.py"]


def test_reloader_child_serves_the_load_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the reloader's child a broken app must not end the process: the
    error is printed and every request raises it, until a reload fixes it."""

    def broken() -> Flask:
        raise RuntimeError("broken factory")

    served: list[t.Any] = []
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    monkeypatch.setattr(
        werkzeug.serving, "run_simple", lambda host, port, app, **kw: served.append(app)
    )
    result = CliRunner().invoke(FlaskGroup(create_app=broken), ["run"])
    assert result.exit_code == 0
    assert "RuntimeError: broken factory" in result.output
    # The banner is not repeated in the child process.
    assert "Serving" not in result.output
    with pytest.raises(RuntimeError, match="broken factory"):
        served[0]({}, lambda *a: None)


def test_script_info_splits_at_first_colon_not_a_windows_drive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    info = ScriptInfo(app_import_path="C:\\nowhere\\app.py:create_app")
    # The drive colon stays with the path (split there, the module is "C").
    with pytest.raises(NoAppException, match=r"Could not import 'C:\\\\nowhere"):
        info.load_app()
