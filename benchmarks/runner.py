"""Timed runs: calibrated batches in interleaved rounds, medians kept.

Every (scenario, framework) pair is a cell. Each cell's batch size is
calibrated once so a batch takes about the requested time; then each round
runs one batch of every cell in turn (A B A B ...), so a slow moment of
the machine hits all frameworks alike instead of one of them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from benchmarks.scenarios import Scenario
from benchmarks.stats import median
from benchmarks.wsgi import Prepared, run_batch

#: The shortest batch calibration trusts: below this the timer's noise shows.
MIN_CALIBRATION_SECONDS = 0.01


@dataclass
class Cell:
    """One scenario on one framework: its prepared app and its measured rates."""

    scenario: Scenario
    framework: str
    prepared: Prepared
    calls: int = 0
    rates: list[float] = field(default_factory=list)

    @property
    def median_rate(self) -> float:
        """Requests per second, median over the rounds."""
        return median(self.rates)


def calibrate(prepared: Prepared, seconds: float) -> int:
    """Calls that take about ``seconds``; the doubling doubles as warm-up."""
    calls = 1
    target = max(seconds / 4, MIN_CALIBRATION_SECONDS)
    while True:
        elapsed = run_batch(prepared, calls)
        if elapsed >= target:
            return max(1, round(calls * seconds / elapsed))
        calls *= 2


def timed_batch(cell: Cell) -> float:
    """Run one batch of ``cell`` after a collection; return requests per second."""
    gc.collect()
    return cell.calls / run_batch(cell.prepared, cell.calls)


def run_rounds(
    cells: Sequence[Cell],
    rounds: int,
    seconds: float,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Calibrate every cell, then run ``rounds`` interleaved rounds, filling ``rates``."""
    for cell in cells:
        cell.calls = calibrate(cell.prepared, seconds)
    for done in range(1, rounds + 1):
        for cell in cells:
            cell.rates.append(timed_batch(cell))
        if progress is not None:
            progress(done, rounds)
