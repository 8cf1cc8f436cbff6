"""What a run found, as a printed table, a JSON file and the list of targets."""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.coldimport import ImportResult
from benchmarks.memory import MemoryResult
from benchmarks.scenarios import FRAMEWORKS, LABELS, SCENARIOS, Scenario
from benchmarks.stats import (
    IMPORT_RATIO_MAX,
    Target,
    at_most,
    covered_geomean,
    falcon_targets,
    raised_targets,
    ratio,
    speed_targets,
)

ALL_NAMES = tuple(s.name for s in SCENARIOS)
BOTTLE_NAMES = tuple(s.name for s in SCENARIOS if s.bottle_target)
FALCON_NAMES = tuple(s.name for s in SCENARIOS if s.falcon is not None)
VERSIONED = (
    "minflask",
    "flask",
    "bottle",
    "falcon",
    "werkzeug",
    "jinja2",
    "itsdangerous",
)


@dataclass
class ScenarioResult:
    """One scenario's median rates per framework and its comparison with Flask."""

    scenario: Scenario
    rates: dict[str, float] = field(default_factory=dict)
    rounds: dict[str, list[float]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    diff: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """True when minflask answered exactly as Flask did."""
        return not self.diff

    def ratio_to(self, framework: str) -> float | None:
        """minflask's rate over ``framework``'s, None if either was not run."""
        return ratio(self.rates.get("minflask"), self.rates.get(framework))


@dataclass
class RunResult:
    """Everything one run measured; parts left None were skipped."""

    scenarios: list[ScenarioResult]
    settings: dict[str, Any]
    imports: ImportResult | None = None
    memory: MemoryResult | None = None

    def ratios(self, framework: str) -> dict[str, float]:
        """Per-scenario minflask/``framework`` ratios, for the scenarios it ran."""
        found = {r.scenario.name: r.ratio_to(framework) for r in self.scenarios}
        return {name: value for name, value in found.items() if value is not None}

    def geomeans(self) -> dict[str, float | None]:
        """Geometric means of the ratios over each target's scenario set."""
        return {
            "flask": covered_geomean(self.ratios("flask"), ALL_NAMES),
            "bottle": covered_geomean(self.ratios("bottle"), BOTTLE_NAMES),
            "falcon": covered_geomean(self.ratios("falcon"), FALCON_NAMES),
        }

    def targets(self) -> list[Target]:
        """Every target: speed, identical responses, import time, memory."""
        targets = speed_targets(
            self.ratios("flask"), self.ratios("bottle"), ALL_NAMES, BOTTLE_NAMES
        )
        if len(self.scenarios) < len(ALL_NAMES):
            # Say why a partial run has no verdict, rather than "not measured"
            # right after the ratios it did measure.
            ran = ", ".join(r.scenario.name for r in self.scenarios)
            why = f"needs every scenario it names; this run had {ran or 'none'}"
            targets = [
                replace(t, shown=why) if t.measured is None else t for t in targets
            ]
        same = sum(r.identical for r in self.scenarios)
        complete = len(self.scenarios) == len(ALL_NAMES)
        # A partial run cannot pass this target, but a difference fails it;
        # a clean partial run says what it did check, as the progress line did.
        checked = f"{same}/{len(self.scenarios)}"
        if not complete and not self.has_diff():
            checked += f" identical; the other {len(ALL_NAMES) - len(self.scenarios)}"
            checked += " scenarios were not run"
        targets.append(
            Target(
                "responses identical to Flask's in every scenario",
                float(same) if complete or self.has_diff() else None,
                complete and same == len(ALL_NAMES),
                checked,
            )
        )
        targets.append(
            at_most(
                f"import minflask <= {IMPORT_RATIO_MAX}x import flask (wall time)",
                self.imports.ratio if self.imports else None,
                IMPORT_RATIO_MAX,
            )
        )
        targets += falcon_targets(self.ratios("falcon"), FALCON_NAMES)
        targets += raised_targets(
            self.ratios("flask"), self.ratios("bottle"), ALL_NAMES, BOTTLE_NAMES
        )
        memory = self.memory
        targets.append(
            Target(
                "no traced memory growth on the hello app",
                float(memory.growth) if memory else None,
                memory is not None and memory.passed,
                f"{memory.growth / 1024:+,.1f} KiB over {memory.requests:,} requests"
                if memory
                else "",
            )
        )
        return targets

    def has_diff(self) -> bool:
        """True if any scenario's response differed from Flask's."""
        return any(not r.identical for r in self.scenarios)


def rate_cell(value: float | None) -> str:
    """A rate as thousands-separated requests per second, or a dash."""
    return "-" if value is None else f"{value:,.0f}"


def ratio_cell(value: float | None) -> str:
    """A ratio as ``4.21x``, or a dash."""
    return "-" if value is None else f"{value:.2f}x"


def table(results: Sequence[ScenarioResult]) -> list[str]:
    """The main table: rates per framework, the two ratios, OK/DIFF."""
    header = (
        f"{'scenario':<22}"
        + "".join(f"{LABELS[f]:>11}" for f in FRAMEWORKS)
        + f"{'m/Flask':>9}{'m/Bottle':>10}{'m/Falcon':>10}  identical"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        lines.append(
            f"{result.scenario.title:<22}"
            + "".join(f"{rate_cell(result.rates.get(f)):>11}" for f in FRAMEWORKS)
            + f"{ratio_cell(result.ratio_to('flask')):>9}"
            + f"{ratio_cell(result.ratio_to('bottle')):>10}"
            + f"{ratio_cell(result.ratio_to('falcon')):>10}"
            + f"  {'OK' if result.identical else 'DIFF'}"
        )
    return lines


def kib(size: float) -> str:
    """Bytes as KiB with one decimal."""
    return f"{size / 1024:,.1f} KiB"


def render(run: RunResult) -> str:
    """The whole printed report."""
    lines = ["", "requests/second, median of each cell's rounds", ""]
    lines += table(run.scenarios)
    means = run.geomeans()
    lines += [
        "",
        f"geometric mean minflask/Flask (all {len(ALL_NAMES)}): {ratio_cell(means['flask'])}",
        f"geometric mean minflask/Bottle ({', '.join(BOTTLE_NAMES)}): "
        f"{ratio_cell(means['bottle'])}",
        f"geometric mean minflask/Falcon ({', '.join(FALCON_NAMES)}): "
        f"{ratio_cell(means['falcon'])}",
    ]
    for result in run.scenarios:
        if result.diff:
            lines += ["", f"DIFF in {result.scenario.name!r}:", *result.diff]
    if run.imports is not None:
        med = run.imports.medians
        lines += [
            "",
            f"cold import, median of {run.imports.runs} fresh interpreters: "
            + ", ".join(
                f"{label} {seconds * 1000:.1f} ms" for label, seconds in med.items()
            ),
            f"  minflask/flask: {ratio_cell(run.imports.ratio)} wall time, "
            f"{ratio_cell(run.imports.net_ratio)} without interpreter start-up",
        ]
    if run.memory is not None:
        mem = run.memory
        lines += [
            "",
            f"memory, tracemalloc over {mem.requests:,} requests to minflask's hello app "
            f"after warm-up: start {kib(mem.start)}, end {kib(mem.end)}, "
            f"peak {kib(mem.peak)}, growth {mem.growth / 1024:+,.1f} KiB "
            f"(tolerance {kib(mem.tolerance)}): {'PASS' if mem.passed else 'FAIL'}",
        ]
    lines += ["", "targets (issues 6 and 17)"]
    for target in run.targets():
        lines.append(f"  {target.verdict:<4}  {target.label}: {target.display}")
    return "\n".join(lines)


def versions() -> dict[str, str]:
    """Installed versions of the frameworks and their building blocks."""
    found = {}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def as_json(run: RunResult) -> dict[str, Any]:
    """The run as plain data for the results file."""
    data: dict[str, Any] = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": versions(),
        "settings": run.settings,
        "scenarios": [
            {
                "name": r.scenario.name,
                "title": r.scenario.title,
                "request": f"{r.scenario.method} {r.scenario.path}"
                + (f"?{r.scenario.query}" if r.scenario.query else ""),
                "requests_per_second": r.rates,
                "rounds": r.rounds,
                "calls_per_batch": r.calls,
                "minflask_over_flask": r.ratio_to("flask"),
                "minflask_over_bottle": r.ratio_to("bottle"),
                "minflask_over_falcon": r.ratio_to("falcon"),
                "identical_to_flask": r.identical,
                "diff": r.diff,
            }
            for r in run.scenarios
        ],
        "geometric_means": run.geomeans(),
        "targets": [
            {"label": t.label, "measured": t.measured, "verdict": t.verdict}
            for t in run.targets()
        ],
    }
    if run.imports is not None:
        data["import"] = {
            "median_seconds": run.imports.medians,
            "runs": run.imports.runs,
            "ratio": run.imports.ratio,
            "ratio_without_startup": run.imports.net_ratio,
        }
    if run.memory is not None:
        mem = run.memory
        data["memory"] = {
            "requests": mem.requests,
            "checkpoints_bytes": mem.checkpoints,
            "start_bytes": mem.start,
            "end_bytes": mem.end,
            "peak_bytes": mem.peak,
            "growth_bytes": mem.growth,
            "tolerance_bytes": mem.tolerance,
            "passed": mem.passed,
        }
    return data


def write_json(run: RunResult, path: Path) -> None:
    """Write the results file, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_json(run), indent=2) + "\n", "utf-8")
