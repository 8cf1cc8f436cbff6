"""Shared pieces of the Flask-extension tests (tests/test_ext_*.py).

Each test installs the alias with the :func:`flask_alias` fixture, imports
its extension only then (never at module level: the real-Flask guard in
conftest.py refuses ``import flask`` without the alias), and ends by
calling :func:`assert_runs_on_minflask`: ``flask`` is minflask, and no
module of the real Flask distribution, which pip installed beside the
extensions, was ever imported.

Import the fixture into a test module as
``from tests.ext_support import flask_alias as flask_alias``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

import minflask
from minflask import flask_alias as alias_module

#: The ``minflask`` console script of this environment.
MINFLASK_SCRIPT = Path(sys.executable).with_name("minflask")


def real_flask_dir() -> Path:
    """The installed real Flask package's directory, found through its
    distribution metadata without importing it."""
    dist = importlib.metadata.distribution("flask")
    init = next(f for f in dist.files or () if str(f) == "flask/__init__.py")
    return Path(str(dist.locate_file(init))).resolve().parent


def real_flask_public_names() -> list[str]:
    """The names the real ``flask/__init__.py`` binds, read from its source."""
    tree = ast.parse((real_flask_dir() / "__init__.py").read_text("utf-8"))
    return sorted(
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
    )


def real_flask_modules() -> list[str]:
    """Every module of the real Flask package, as ``flask.x.y`` names."""
    root = real_flask_dir()
    names = []
    for file in sorted(root.rglob("*.py")):
        parts = file.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("flask", *parts)))
    return names


def modules_from(directory: Path, modules: dict[str, t.Any]) -> list[str]:
    """Names in ``modules`` (a ``sys.modules``) whose file lies in ``directory``."""
    found = []
    for name, module in list(modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve().is_relative_to(directory):
            found.append(name)
    return sorted(found)


def assert_runs_on_minflask() -> None:
    """``flask`` is minflask, name by name and module by module, and no
    module of the real Flask was imported in this process."""
    import flask

    for name in ("Flask", "Blueprint", "request", "session", "current_app", "g"):
        assert getattr(flask, name) is getattr(minflask, name), name
    for sub in ("app", "globals", "ctx", "sessions", "signals", "templating"):
        module = importlib.import_module(f"flask.{sub}")
        assert module is importlib.import_module(f"minflask.{sub}"), sub
    assert modules_from(real_flask_dir(), dict(sys.modules)) == []


@pytest.fixture
def flask_alias() -> t.Iterator[None]:
    """``flask`` is minflask for this test (conftest undoes it afterwards)."""
    minflask.install_as_flask()
    yield
    assert_runs_on_minflask()


def run(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion (bounded), capturing text output."""
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


__all__ = [
    "MINFLASK_SCRIPT",
    "alias_module",
    "assert_runs_on_minflask",
    "flask_alias",
    "modules_from",
    "real_flask_dir",
    "real_flask_modules",
    "real_flask_public_names",
    "run",
]
