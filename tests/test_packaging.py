"""Packaging, the set-up commands and the placeholder demo app."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import dev
import minflask

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_DEPENDENCIES = (
    "werkzeug",
    "jinja2",
    "markupsafe",
    "itsdangerous",
    "click",
    "blinker",
)


def readme_commands() -> list[str]:
    """Commands (comments stripped) from README's fenced block of set-up commands."""
    text = (ROOT / "README.md").read_text("utf-8")
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
        commands = [line for line in lines if line.startswith("python3 dev.py")]
        if commands:
            return commands
    raise AssertionError("README has no fenced block of dev.py commands")


# -- distribution -------------------------------------------------------------


def test_version_matches_installed_distribution() -> None:
    assert minflask.__version__ == importlib.metadata.version("minflask")
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", minflask.__version__)


def test_py_typed_is_in_package_directory() -> None:
    assert importlib.resources.files("minflask").joinpath("py.typed").is_file()


def test_distribution_metadata() -> None:
    meta = importlib.metadata.metadata("minflask")
    assert meta["Requires-Python"] == ">=3.10"
    requires = importlib.metadata.requires("minflask") or []
    names = {re.split(r"[<>=!~ ;\[]", req, maxsplit=1)[0].lower() for req in requires}
    assert set(RUNTIME_DEPENDENCIES) <= names
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"dev", "dotenv", "bench", "redis"} <= extras
    scripts = importlib.metadata.entry_points(group="console_scripts", name="minflask")
    assert [ep.value for ep in scripts] == ["minflask.cli:main"]


def test_built_wheel_ships_package_data_only(tmp_path: Path) -> None:
    """A real (non-editable) wheel carries py.typed and subpackages, not demo or tests."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "minflask",
        src / "minflask",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    out = tmp_path / "dist"
    build = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    result = subprocess.run(
        [sys.executable, "-c", build, str(out)],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    wheel_name = result.stdout.strip().splitlines()[-1]
    assert wheel_name.startswith(f"minflask-{minflask.__version__}-")
    with zipfile.ZipFile(out / wheel_name) as wheel:
        names = set(wheel.namelist())
    assert "minflask/py.typed" in names
    assert "minflask/__init__.py" in names
    assert "minflask/json/__init__.py" in names
    # The stand-in flask package child processes find through PYTHONPATH.
    assert "minflask/_alias_path/flask/__init__.py" in names
    # The inspector's pages need their templates and static files.
    inspector = "minflask/inspector/"
    assert f"{inspector}templates/minflask_inspector/request.html" in names
    assert {
        f"{inspector}static/inspector.js",
        f"{inspector}static/inspector.css",
    } <= names
    assert not any(n.startswith(("demo/", "tests/")) or n == "dev.py" for n in names)


# -- set-up commands ---------------------------------------------------------------


def test_readme_gives_exactly_the_two_commands() -> None:
    assert readme_commands() == ["python3 dev.py demo", "python3 dev.py test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = ROOT / ".ci" / "run"
    lines = [line.strip() for line in ci.read_text("utf-8").splitlines()]
    assert readme_commands()[1] in lines
    assert "set -euo pipefail" in lines
    assert ci.stat().st_mode & stat.S_IXUSR


def test_ci_script_is_valid_bash() -> None:
    result = subprocess.run(
        ["bash", "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_dev_py_knows_the_readme_commands() -> None:
    # The set-up block has the two set-up commands; every other dev.py
    # command (bench) is shown somewhere else in the README.
    assert {cmd.split()[-1] for cmd in readme_commands()} <= set(dev.COMMANDS)
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in dev.COMMANDS:
        assert f"python3 dev.py {command}" in readme


@pytest.mark.parametrize("argv", [[], ["deploy"]])
def test_dev_py_rejects_unknown_commands(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert dev.main(argv) == 2
    assert capsys.readouterr().err.strip() == dev.USAGE


def test_dev_py_install_stamp_tracks_pyproject_and_version(tmp_path: Path) -> None:
    root, venv = tmp_path / "project", tmp_path / "venv"
    (root / "minflask").mkdir(parents=True)
    venv.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / "minflask" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    assert dev.package_version(root) == "1.0.0"

    stamp = dev.install_stamp(root)
    assert dev.needs_install(venv, stamp)  # no stamp written yet
    (venv / dev.STAMP_NAME).write_text(stamp + "\n")
    assert not dev.needs_install(venv, dev.install_stamp(root))

    (root / "minflask" / "__init__.py").write_text('__version__ = "1.0.1"\n')
    assert dev.needs_install(venv, dev.install_stamp(root))
    (root / "minflask" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (root / "pyproject.toml").write_text("[project]\nname = 'y'\n")
    assert dev.needs_install(venv, dev.install_stamp(root))


def test_dev_py_venv_bin_is_platform_specific(tmp_path: Path) -> None:
    expected = (
        tmp_path / "Scripts" / "ruff.exe"
        if os.name == "nt"
        else tmp_path / "bin" / "ruff"
    )
    assert dev.venv_bin(tmp_path, "ruff") == expected


# -- the demo's command line ------------------------------------------------


def test_demo_command_line_defaults_match_readme() -> None:
    from demo.__main__ import parse_args

    args = parse_args([])
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"http://{args.host}:{args.port}" in readme
    assert (args.host, args.port, args.debug) == ("127.0.0.1", 5000, False)
    args = parse_args(["--host", "0.0.0.0", "--port", "8080", "--debug"])
    assert (args.host, args.port, args.debug) == ("0.0.0.0", 8080, True)


def test_demo_command_line_rejects_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    from demo.__main__ import parse_args

    with pytest.raises(SystemExit) as exc:
        parse_args(["--port", "web"])
    assert exc.value.code == 2
    assert "invalid int value: 'web'" in capsys.readouterr().err


def test_submodules_are_attributes_after_import_but_load_lazily() -> None:
    """As after ``import flask``, ``minflask.templating`` etc. are reachable
    as attributes; Jinja and click still load only when those are used."""
    code = (
        "import sys, minflask\n"
        "heavy = [m for m in ('jinja2', 'click') if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
        "class S(dict, minflask.sessions.SessionMixin): pass\n"
        "assert minflask.templating.Environment.__module__ == 'minflask.templating'\n"
        "assert minflask.json.tag.TaggedJSONSerializer\n"
        "assert minflask.cli.FlaskGroup and minflask.typing and minflask.logging\n"
        "try:\n"
        "    minflask.no_such_thing\n"
        "except AttributeError as e:\n"
        "    assert 'no_such_thing' in str(e)\n"
        "else:\n"
        "    raise SystemExit('missing attribute did not raise')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
