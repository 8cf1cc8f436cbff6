"""``python -m benchmarks``: check, time, import, memory, then report.

Exit status: 0 when every scenario's response matched Flask's, 1 when one
differed (unless --allow-diff) or, with --check-targets, when a target
failed; 2 for a broken setup (an app that does not answer as expected).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from benchmarks.coldimport import measure_imports
from benchmarks.compare import response_diff
from benchmarks.memory import DEFAULT_TOLERANCE, measure_memory
from benchmarks.report import RunResult, ScenarioResult, render, write_json
from benchmarks.runner import Cell, run_rounds
from benchmarks.scenarios import (
    SCENARIOS,
    Scenario,
    build_app,
    load_framework,
    select,
)
from benchmarks.wsgi import Captured, Prepared, call, prepare

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "benchmarks" / "results.json"
DEFAULT_CHART = ROOT / "docs" / "benchmarks.png"
#: Where a --quick run writes its results and chart: git-ignored, so a short,
#: noisy run never replaces the committed chart in docs/.
QUICK_OUT = ROOT / "benchmarks" / "out"

#: (full run, --quick) defaults; an explicit option wins over either.
DEFAULTS = {
    "rounds": (9, 3),
    "seconds": (0.2, 0.05),
    "memory_requests": (1_000_000, 100_000),
    "import_runs": (15, 5),
}


class SetupError(Exception):
    """An app did not answer its scenario as expected: its timing would mean nothing."""


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Options, with the full-run or --quick defaults filled in."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minflask against Flask, Bottle, Falcon and bare Werkzeug.",
    )
    parser.add_argument("--quick", action="store_true", help="a short, noisier run")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (9; quick 3)")
    parser.add_argument(
        "--seconds", type=float, help="seconds per timed batch (0.2; quick 0.05)"
    )
    parser.add_argument(
        "--memory-requests",
        type=int,
        help="requests traced for memory growth (1,000,000; quick 100,000; 0 skips)",
    )
    parser.add_argument(
        "--memory-tolerance",
        type=int,
        default=DEFAULT_TOLERANCE,
        help=f"allowed growth in bytes (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        help="fresh interpreters per import statement (15; quick 5; 0 skips)",
    )
    parser.add_argument(
        "--scenarios",
        help="comma-separated subset: " + ",".join(s.name for s in SCENARIOS),
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="results file (benchmarks/results.json; quick benchmarks/out/)",
    )
    parser.add_argument(
        "--chart",
        type=Path,
        help="PNG chart path (docs/benchmarks.png; quick benchmarks/out/)",
    )
    parser.add_argument("--no-chart", action="store_true", help="do not draw the chart")
    parser.add_argument(
        "--allow-diff",
        action="store_true",
        help="exit 0 even if a response differs from Flask's",
    )
    parser.add_argument(
        "--check-targets",
        action="store_true",
        help="exit 1 if a target fails (or is not measured)",
    )
    args = parser.parse_args(argv)
    for name, (full, quick) in DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.json is None:
        args.json = QUICK_OUT / "results.json" if args.quick else DEFAULT_JSON
    if args.chart is None:
        args.chart = QUICK_OUT / "benchmarks.png" if args.quick else DEFAULT_CHART
    if args.rounds < 1 or args.seconds <= 0:
        parser.error("--rounds must be at least 1 and --seconds positive")
    return args


def say(message: str) -> None:
    """A progress line on stderr, so stdout holds only the report."""
    print(f"benchmarks: {message}", file=sys.stderr, flush=True)


def check_expected(scenario: Scenario, framework: str, response: Captured) -> None:
    """Raise SetupError unless ``response`` has the scenario's status and text."""
    text = response.body.decode("utf-8", "replace")
    if (
        response.status_code != scenario.expected_status
        or scenario.expected_text not in text
    ):
        raise SetupError(
            f"{framework} answered {scenario.name!r} with {response.status}, "
            f"expected {scenario.expected_status} and {scenario.expected_text!r} "
            f"in the body:\n{text[:500]}"
        )


def prepare_scenario(
    scenario: Scenario, modules: dict[str, ModuleType]
) -> tuple[ScenarioResult, list[Cell]]:
    """Build every framework's app, check each answer, compare minflask with Flask."""
    result = ScenarioResult(scenario)
    cells: list[Cell] = []
    answers: dict[str, Captured] = {}
    for framework in scenario.frameworks():
        prepared: Prepared = prepare(
            scenario, build_app(scenario, framework, modules[framework])
        )
        answers[framework] = call(prepared)
        check_expected(scenario, framework, answers[framework])
        cells.append(Cell(scenario, framework, prepared))
    result.diff = response_diff(answers["flask"], answers["minflask"])
    return result, cells


def publish(run: RunResult, args: argparse.Namespace) -> None:
    """Print the report, then write the results file and (unless --no-chart)
    the chart where ``args`` says."""
    print(render(run), flush=True)
    write_json(run, args.json)
    say(f"results written to {args.json}")
    if not args.no_chart:
        try:
            from benchmarks.chart import write_chart
        except ImportError as error:
            say(f"no chart ({error}); install the bench extra for matplotlib")
        else:
            write_chart(run, args.chart)
            say(f"chart written to {args.chart}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status is described in the module docstring."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        scenarios = select(args.scenarios)
    except ValueError as error:
        say(str(error))
        return 2
    names = {f for s in scenarios for f in s.frameworks()}
    modules = {name: load_framework(name) for name in names}
    started = time.perf_counter()

    results: list[ScenarioResult] = []
    cells: list[Cell] = []
    try:
        for scenario in scenarios:
            result, scenario_cells = prepare_scenario(scenario, modules)
            results.append(result)
            cells += scenario_cells
    except SetupError as error:
        say(str(error))
        return 2
    differing = [r.scenario.name for r in results if not r.identical]
    say(
        f"responses checked: {len(results) - len(differing)}/{len(results)} identical"
        + (f" (DIFF: {', '.join(differing)})" if differing else "")
    )

    say(f"timing {len(cells)} cells: {args.rounds} rounds of ~{args.seconds}s batches")
    run_rounds(
        cells,
        args.rounds,
        args.seconds,
        lambda done, total: say(f"round {done}/{total} done"),
    )
    for cell in cells:
        result = next(r for r in results if r.scenario is cell.scenario)
        result.rates[cell.framework] = cell.median_rate
        result.rounds[cell.framework] = cell.rates
        result.calls[cell.framework] = cell.calls

    run = RunResult(results, settings={k: getattr(args, k) for k in DEFAULTS})
    run.settings.update(quick=args.quick, memory_tolerance=args.memory_tolerance)
    if args.import_runs > 0:
        say(f"cold imports: {args.import_runs} runs each")
        run.imports = measure_imports(args.import_runs)
    if args.memory_requests > 0:
        say(f"memory: {args.memory_requests:,} traced requests to the hello app")
        hello = next(s for s in SCENARIOS if s.name == "hello")
        app = build_app(hello, "minflask", modules["minflask"])
        run.memory = measure_memory(
            prepare(hello, app),
            args.memory_requests,
            args.memory_tolerance,
            progress=lambda done, total, size: say(
                f"memory: {done:,}/{total:,} requests, {size:,} bytes traced"
            ),
        )

    publish(run, args)
    say(f"done in {time.perf_counter() - started:.0f} s")

    if run.has_diff() and not args.allow_diff:
        return 1
    if args.check_targets and any(t.verdict != "PASS" for t in run.targets()):
        return 1
    return 0
