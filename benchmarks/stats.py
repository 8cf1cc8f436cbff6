"""Medians, ratios, geometric means and the issue's targets, as plain functions."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: The targets of issue 6 (ratios from one run on one machine).
FLASK_GEOMEAN_MIN = 4.0
FLASK_EACH_MIN = 1.5
BOTTLE_GEOMEAN_MIN = 1.0
IMPORT_RATIO_MAX = 0.5
#: The targets of issue 17: Falcon is the speed peer, over the scenarios it
#: runs; the Flask and Bottle targets are raised.
FALCON_GEOMEAN_MIN = 0.75
FALCON_FORM_MIN = 0.5
FLASK_GEOMEAN_MIN_17 = 5.0
FLASK_EACH_MIN_17 = 3.0
BOTTLE_GEOMEAN_MIN_17 = 1.3


def median(values: Sequence[float]) -> float:
    """The median; raises ValueError on no values."""
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def geometric_mean(values: Iterable[float]) -> float:
    """The geometric mean of positive values; raises ValueError on none."""
    logs = [math.log(v) for v in values]
    if not logs:
        raise ValueError("geometric mean of no values")
    return math.exp(math.fsum(logs) / len(logs))


def ratio(subject: float | None, baseline: float | None) -> float | None:
    """``subject / baseline``, or None when either side was not measured."""
    if subject is None or not baseline:
        return None
    return subject / baseline


@dataclass(frozen=True)
class Target:
    """One target line: what is required, what was measured, and the verdict."""

    label: str
    measured: float | None
    passed: bool
    shown: str = ""

    @property
    def display(self) -> str:
        """The measurement as the targets list prints it."""
        if self.measured is None:
            return self.shown or "not measured in this run"
        return self.shown or f"{self.measured:.2f}"

    @property
    def verdict(self) -> str:
        """PASS, FAIL, or SKIP when the run did not measure it."""
        if self.measured is None:
            return "SKIP"
        return "PASS" if self.passed else "FAIL"


def at_least(label: str, measured: float | None, minimum: float) -> Target:
    """A target met when ``measured >= minimum``."""
    return Target(label, measured, measured is not None and measured >= minimum)


def at_most(label: str, measured: float | None, maximum: float) -> Target:
    """A target met when ``measured <= maximum``."""
    return Target(label, measured, measured is not None and measured <= maximum)


def covered_geomean(ratios: Mapping[str, float], names: Sequence[str]) -> float | None:
    """Geometric mean of ``ratios`` over ``names``; None if any was not measured.

    A target stated over a set of scenarios must not pass on a subset.
    """
    if not names or any(name not in ratios for name in names):
        return None
    return geometric_mean(ratios[name] for name in names)


def _flask_bottle_targets(
    prefix: str,
    minimums: tuple[float, float, float],
    flask_ratios: Mapping[str, float],
    bottle_ratios: Mapping[str, float],
    all_names: Sequence[str],
    bottle_scope: str,
    bottle_names: Sequence[str],
) -> list[Target]:
    """The three Flask/Bottle targets at ``minimums`` (Flask geometric mean,
    Flask in every scenario, Bottle geometric mean), labelled with ``prefix``."""
    geomean_min, each_min, bottle_min = minimums
    complete = all(name in flask_ratios for name in all_names)
    lowest = min(flask_ratios.values()) if complete and flask_ratios else None
    return [
        at_least(
            f"{prefix}minflask/Flask geometric mean >= {geomean_min}",
            covered_geomean(flask_ratios, all_names),
            geomean_min,
        ),
        at_least(
            f"{prefix}minflask/Flask in every scenario >= {each_min}",
            lowest,
            each_min,
        ),
        at_least(
            f"{prefix}minflask/Bottle geometric mean >= {bottle_min}{bottle_scope}",
            covered_geomean(bottle_ratios, bottle_names),
            bottle_min,
        ),
    ]


def speed_targets(
    flask_ratios: Mapping[str, float],
    bottle_ratios: Mapping[str, float],
    all_names: Sequence[str],
    bottle_names: Sequence[str],
) -> list[Target]:
    """The dispatch targets from per-scenario minflask/Flask and minflask/Bottle ratios."""
    return _flask_bottle_targets(
        "",
        (FLASK_GEOMEAN_MIN, FLASK_EACH_MIN, BOTTLE_GEOMEAN_MIN),
        flask_ratios,
        bottle_ratios,
        all_names,
        f" ({', '.join(bottle_names)})",
        bottle_names,
    )


def falcon_targets(
    falcon_ratios: Mapping[str, float], falcon_names: Sequence[str]
) -> list[Target]:
    """The minflask/Falcon targets (issue 17): the geometric mean over every
    scenario Falcon runs, and the form post on its own."""
    return [
        at_least(
            f"minflask/Falcon geometric mean >= {FALCON_GEOMEAN_MIN}"
            f" ({', '.join(falcon_names)})",
            covered_geomean(falcon_ratios, falcon_names),
            FALCON_GEOMEAN_MIN,
        ),
        at_least(
            f"minflask/Falcon form post >= {FALCON_FORM_MIN}",
            falcon_ratios.get("form"),
            FALCON_FORM_MIN,
        ),
    ]


def raised_targets(
    flask_ratios: Mapping[str, float],
    bottle_ratios: Mapping[str, float],
    all_names: Sequence[str],
    bottle_names: Sequence[str],
) -> list[Target]:
    """Issue 17's raised Flask and Bottle targets, from the same ratios."""
    return _flask_bottle_targets(
        "issue 17: ",
        (FLASK_GEOMEAN_MIN_17, FLASK_EACH_MIN_17, BOTTLE_GEOMEAN_MIN_17),
        flask_ratios,
        bottle_ratios,
        all_names,
        "",
        bottle_names,
    )
