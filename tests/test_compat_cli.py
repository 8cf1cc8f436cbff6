"""CLI behaviour checked while running Flask 3.1.3's own CLI tests against
minflask: options read from ``FLASK_*`` variables, which ``--debug`` wins,
the ``FLASK_RUN_FROM_CLI`` marker, ``--cert`` without ``ssl``, and help
texts that render cleanly in a terminal.

No server is started: ``run_simple`` is replaced by a recorder.
"""

from __future__ import annotations

import os
import sys
import typing as t

import click
import pytest
from click.testing import CliRunner

from minflask import Blueprint, Flask, current_app
from minflask.cli import FlaskGroup, run_command, shell_command

_TOUCHED_ENV = ("FLASK_DEBUG", "FLASK_RUN_FROM_CLI", "FLASK_APP")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start without the variables the command line writes, and have them
    removed again afterwards even though the CLI sets them directly."""
    for key in _TOUCHED_ENV:
        # setenv records the original state, so teardown restores it.
        monkeypatch.setenv(key, "placeholder")
        monkeypatch.delenv(key)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, t.Any]]:
    """Replace Werkzeug's server with a recorder of its keyword arguments."""
    calls: list[dict[str, t.Any]] = []

    def fake_run_simple(host: str, port: int, app: t.Any, **kwargs: t.Any) -> None:
        calls.append({"host": host, "port": port, **kwargs})

    monkeypatch.setattr("werkzeug.serving.run_simple", fake_run_simple)
    return calls


@pytest.fixture
def greeting_app() -> Flask:
    """An app with one command of its own and one in a blueprint group."""
    app = Flask("greeting_app")

    @app.cli.command()
    @click.option("--name", default="nobody")
    def greet(name: str) -> None:
        click.echo(f"greet {name} from {current_app.name}")

    tools = Blueprint("tools", __name__)

    @tools.cli.command("hello")
    @click.option("--name", default="nobody")
    def hello(name: str) -> None:
        click.echo(f"hello {name}")

    app.register_blueprint(tools)
    return app


def test_app_command_option_from_prefixed_env_var(greeting_app: Flask) -> None:
    group = FlaskGroup(create_app=lambda: greeting_app)
    result = CliRunner().invoke(group, ["greet"], env={"FLASK_GREET_NAME": "ada"})
    assert result.exit_code == 0, result.output
    assert result.output == "greet ada from greeting_app\n"


def test_blueprint_group_option_env_var_includes_group_name(
    greeting_app: Flask,
) -> None:
    group = FlaskGroup(create_app=lambda: greeting_app)
    env = {"FLASK_TOOLS_HELLO_NAME": "grace", "FLASK_HELLO_NAME": "wrong"}
    result = CliRunner().invoke(group, ["tools", "hello"], env=env)
    assert result.output == "hello grace\n"


def test_command_line_option_beats_env_var(greeting_app: Flask) -> None:
    group = FlaskGroup(create_app=lambda: greeting_app)
    result = CliRunner().invoke(
        group, ["greet", "--name", "linus"], env={"FLASK_GREET_NAME": "ada"}
    )
    assert result.output == "greet linus from greeting_app\n"


def test_app_cli_alone_has_no_env_prefix(greeting_app: Flask) -> None:
    # Only the top-level FlaskGroup sets the FLASK prefix; the bare app
    # group that the test runner invokes does not read the variable.
    result = greeting_app.test_cli_runner().invoke(
        args=["greet"], env={"FLASK_GREET_NAME": "ada"}
    )
    assert result.output == "greet nobody from greeting_app\n"


def test_building_the_context_marks_run_from_cli() -> None:
    assert "FLASK_RUN_FROM_CLI" not in os.environ
    FlaskGroup(create_app=lambda: Flask("marker")).make_context("prog", ["routes"])
    assert os.environ["FLASK_RUN_FROM_CLI"] == "true"


@pytest.mark.parametrize(
    ("args", "env", "debug"),
    [
        (["run", "--no-debug"], {"FLASK_DEBUG": "1"}, False),
        (["run"], {"FLASK_RUN_DEBUG": "1"}, True),
        (["run"], {"FLASK_DEBUG": "0", "FLASK_RUN_DEBUG": "1"}, True),
        (["--no-debug", "run", "--debug"], {}, True),
        (["--debug", "run", "--no-debug"], {}, False),
    ],
)
def test_run_debug_option_given_last_wins(
    served: list[dict[str, t.Any]], args: list[str], env: dict[str, str], debug: bool
) -> None:
    app = Flask("debug_app")
    result = CliRunner().invoke(FlaskGroup(create_app=lambda: app), args, env=env)
    assert result.exit_code == 0, result.output
    assert app.debug is debug
    assert f"Debug mode: {'on' if debug else 'off'}" in result.output
    assert served[0]["use_reloader"] is debug
    assert served[0]["use_debugger"] is debug


def test_cert_option_without_ssl_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a real certificate")
    monkeypatch.setitem(sys.modules, "ssl", None)
    with pytest.raises(click.BadParameter) as info:
        run_command.make_context("run", ["--cert", str(cert)])
    assert info.value.format_message() == (
        "Invalid value for '--cert': Using \"--cert\" requires Python to be"
        " compiled with SSL support."
    )


def test_run_help_keeps_option_names_whole() -> None:
    result = CliRunner().invoke(run_command, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    key_line = next(line for line in result.output.splitlines() if "--key" in line)
    assert key_line.rstrip().endswith("'--cert'.")
    # click wraps at hyphens; no line may end in the middle of an option.
    assert not any(line.rstrip().endswith("'--") for line in result.output.splitlines())


def test_shell_help_is_plain_text() -> None:
    result = CliRunner().invoke(shell_command, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    assert "``" not in result.output
    assert "'app' and 'g'" in " ".join(result.output.split())
