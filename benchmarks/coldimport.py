"""Cold import: wall time of a fresh interpreter importing each framework.

Each statement runs in a new ``python -c`` process; the statements take
turns (pass, minflask, flask, pass, ...) and the median of each is kept.
``pass`` is the interpreter's own start-up, reported so the import's own
share can be read off too. The target is on ``import minflask``, which binds
names on first use; creating an app (which imports the Werkzeug parts it
needs) is timed beside it, so nobody mistakes one for the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.stats import median, ratio

STATEMENTS = {
    "python -c pass": "pass",
    "import minflask": "import minflask",
    "import flask": "import flask",
    "minflask app": "from minflask import Flask; Flask('x')",
    "flask app": "from flask import Flask; Flask('x')",
}

#: Children may write bytecode caches even where the caller's environment
#: says not to (PYTHONDONTWRITEBYTECODE): pip-installed Flask ships compiled
#: caches, and an editable minflask recompiled on every start would be
#: measured against Flask's, not against itself.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def time_statement(code: str, python: str = sys.executable) -> float:
    """Seconds for a fresh interpreter to run ``code`` and exit.

    Raises RuntimeError with the child's stderr if it fails.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, env=CHILD_ENV
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"`python -c {code!r}` failed:\n{done.stderr}")
    return elapsed


@dataclass(frozen=True)
class ImportResult:
    """Median wall times (seconds) per statement, and the ratios that matter."""

    medians: dict[str, float]
    runs: int

    @property
    def ratio(self) -> float | None:
        """import minflask / import flask, whole interpreter wall time."""
        return ratio(self.medians["import minflask"], self.medians["import flask"])

    @property
    def net_ratio(self) -> float | None:
        """The same with the bare interpreter's start-up taken off both sides."""
        base = self.medians["python -c pass"]
        return ratio(
            self.medians["import minflask"] - base, self.medians["import flask"] - base
        )


def measure_imports(
    runs: int, labels: Sequence[str] = tuple(STATEMENTS)
) -> ImportResult:
    """Median of ``runs`` interleaved cold runs per statement, after one unmeasured run.

    The unmeasured run writes any missing bytecode caches, which a user's
    second start would find too.
    """
    times: dict[str, list[float]] = {label: [] for label in labels}
    for label in labels:
        time_statement(STATEMENTS[label])
    for _ in range(runs):
        for label in labels:
            times[label].append(time_statement(STATEMENTS[label]))
    return ImportResult({label: median(t) for label, t in times.items()}, runs)
