#!/usr/bin/env python3
"""Set up and run the project on a machine that has only python3.

    python3 dev.py demo [ARGS...]   serve the demo app (ARGS go to ``python -m demo``)
    python3 dev.py test [ARGS...]   ruff, ruff format --check, mypy, then pytest ARGS
    python3 dev.py test --oldest [ARGS...]
                                    pytest ARGS against the oldest dependency
                                    versions pyproject.toml allows
    python3 dev.py bench [ARGS...]  benchmarks against Flask and Bottle (``-m benchmarks``)

The first run creates ``.venv`` and installs the project into it (editable,
with the ``dev`` extra). ``bench`` uses its own ``.venv-bench`` with the
``bench`` extra instead, so the benchmarks' Flask, Bottle and Falcon stay out of
``.venv``, where the tests must run without them (the Flask extensions the
tests verify bring the real Flask in as their dependency; tests/conftest.py
refuses any import of it). ``test --oldest`` uses ``.venv-oldest``,
installed with ``ci/oldest.txt`` as pip constraints (each dependency at
the lower bound pyproject.toml gives it); a plain ``test`` resolves the
newest versions when it installs. Later runs reinstall only when
pyproject.toml or the package version changed. Standard library only, on
purpose.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = "dev"
BENCH_VENV = ROOT / ".venv-bench"
BENCH_EXTRAS = "bench"
OLDEST_VENV = ROOT / ".venv-oldest"
OLDEST_CONSTRAINTS = ROOT / "ci" / "oldest.txt"
STAMP_NAME = ".dev-install-stamp"
USAGE = "usage: python3 dev.py {demo,test,bench} [ARGS...]"

# (what to show, venv executable, its arguments); run in order, stop at a failure.
CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ruff check .", "ruff", ("check", ".")),
    ("ruff format --check .", "ruff", ("format", "--check", ".")),
    ("mypy", "mypy", ()),
)


def say(message: str) -> None:
    """Print one progress line, flushed so it lands before child output."""
    print(f"dev.py: {message}", flush=True)


def venv_bin(venv: Path, name: str) -> Path:
    """Path of an executable inside ``venv``, on POSIX or Windows."""
    if os.name == "nt":
        return venv / "Scripts" / f"{name}.exe"
    return venv / "bin" / name


def package_version(root: Path) -> str:
    """The literal ``__version__`` in minflask/__init__.py, or "" if absent."""
    try:
        tree = ast.parse((root / "minflask" / "__init__.py").read_text("utf-8"))
    except (OSError, SyntaxError):
        return ""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
            )
            and isinstance(node.value, ast.Constant)
        ):
            return str(node.value.value)
    return ""


def install_stamp(
    root: Path, extras: str = EXTRAS, constraints: Path | None = None
) -> str:
    """Hash of everything that decides what an editable install contains.

    The version is part of it because installed metadata records the version
    at install time; a bump without a reinstall would leave it stale. So is
    the constraints file, when the install uses one.
    """
    digest = hashlib.sha256()
    digest.update((root / "pyproject.toml").read_bytes())
    digest.update(f"\0{extras}\0{package_version(root)}".encode())
    if constraints is not None:
        digest.update(b"\0" + constraints.read_bytes())
    return digest.hexdigest()


def needs_install(venv: Path, stamp: str) -> bool:
    """True unless ``venv`` holds a stamp equal to ``stamp``."""
    try:
        return (venv / STAMP_NAME).read_text("utf-8").strip() != stamp
    except OSError:
        return True


def create_venv(venv: Path) -> None:
    """Create ``venv`` with pip, removing a half-made one on failure."""
    say(f"creating {venv.name}")
    result = subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)])
    if result.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        raise SystemExit(
            "dev.py: could not create the virtual environment; on Debian or "
            "Ubuntu, install the python3-venv package first"
        )


def ensure_env(
    root: Path, venv: Path, extras: str = EXTRAS, constraints: Path | None = None
) -> None:
    """Make ``venv`` exist and hold an up-to-date install of the project
    (with ``constraints`` as pip constraints, if given)."""
    if not venv_bin(venv, "python").exists():
        create_venv(venv)
    stamp = install_stamp(root, extras, constraints)
    if not needs_install(venv, stamp):
        return
    if (venv / STAMP_NAME).exists():
        say("pyproject.toml or the version changed: reinstalling")
    else:
        say(f"installing minflask[{extras}] into {venv.name} (takes a minute)")
    command = [str(venv_bin(venv, "python")), "-m", "pip", "install", "--quiet"]
    if constraints is not None:
        command += ["--constraint", str(constraints)]
    code = subprocess.run([*command, "-e", f".[{extras}]"], cwd=root).returncode
    if code != 0:
        raise SystemExit(f"dev.py: pip install failed (exit {code})")
    (venv / STAMP_NAME).write_text(stamp + "\n", "utf-8")


def child_env(venv: Path) -> dict[str, str]:
    """The environment for tools: the venv's bin directory first on PATH."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join(
        [str(venv_bin(venv, "python").parent), env.get("PATH", "")]
    )
    return env


def run_demo(args: Sequence[str]) -> int:
    """Serve the demo; on POSIX the server replaces this process."""
    argv = [str(venv_bin(VENV, "python")), "-m", "demo", *args]
    say("starting the demo (Ctrl+C to stop)")
    if os.name == "posix":
        # exec, so a signal sent to this process reaches the server directly.
        os.chdir(ROOT)
        os.execve(argv[0], argv, child_env(VENV))
    return subprocess.run(argv, cwd=ROOT, env=child_env(VENV)).returncode


def run_tests(args: Sequence[str]) -> int:
    """Lint, format check, type check, then pytest; first failure wins."""
    env = child_env(VENV)
    steps = [
        *((label, [str(venv_bin(VENV, exe)), *rest]) for label, exe, rest in CHECKS),
        ("pytest", [str(venv_bin(VENV, "pytest")), *args]),
    ]
    for label, argv in steps:
        say(f"running {label}")
        code = subprocess.run(argv, cwd=ROOT, env=env).returncode
        if code != 0:
            say(f"{label} failed (exit {code})")
            return code
    say("all checks passed")
    return 0


def run_oldest_tests(args: Sequence[str]) -> int:
    """pytest in the venv that holds the oldest allowed dependencies.

    Lint, format and type checks are about the code, not the dependency
    versions, and the normal ``test`` run does them; this run is pytest.
    """
    python = str(venv_bin(OLDEST_VENV, "python"))
    say(f"running pytest against the oldest dependencies ({OLDEST_CONSTRAINTS.name})")
    subprocess.run(
        [python, "-m", "pip", "list", "--disable-pip-version-check"], cwd=ROOT
    )
    argv = [str(venv_bin(OLDEST_VENV, "pytest")), *args]
    code = subprocess.run(argv, cwd=ROOT, env=child_env(OLDEST_VENV)).returncode
    say("all checks passed" if code == 0 else f"pytest failed (exit {code})")
    return code


def run_bench(args: Sequence[str]) -> int:
    """Run the benchmarks (``python -m benchmarks ARGS``) in the bench venv."""
    argv = [str(venv_bin(BENCH_VENV, "python")), "-m", "benchmarks", *args]
    say("running the benchmarks (a few minutes; --quick for a short run)")
    return subprocess.run(argv, cwd=ROOT, env=child_env(BENCH_VENV)).returncode


# command -> (what runs it, the venv it runs in, the extra installed there)
COMMANDS: dict[str, tuple[Callable[[Sequence[str]], int], Path, str]] = {
    "demo": (run_demo, VENV, EXTRAS),
    "test": (run_tests, VENV, EXTRAS),
    "bench": (run_bench, BENCH_VENV, BENCH_EXTRAS),
}


def main(argv: Sequence[str]) -> int:
    """Dispatch ``argv`` (without the program name) to a command."""
    if not argv or argv[0] not in COMMANDS:
        print(USAGE, file=sys.stderr)
        return 2
    if argv[0] == "test" and argv[1:2] == ["--oldest"]:
        ensure_env(ROOT, OLDEST_VENV, EXTRAS, OLDEST_CONSTRAINTS)
        return run_oldest_tests(argv[2:])
    command, venv, extras = COMMANDS[argv[0]]
    ensure_env(ROOT, venv, extras)
    return command(argv[1:])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
