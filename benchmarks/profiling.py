"""``python -m benchmarks.profiling``: cProfile over one scenario's request path.

Only the requests are profiled: the app is built and warmed up first, and
nothing else runs (no other framework, no cold-import subprocesses, no
memory check), so every line of the output is time spent serving the
scenario's request. minflask needs no bench extra; ``--framework flask`` or
``bottle`` needs ``.venv-bench`` (``python3 dev.py bench`` makes it).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from collections.abc import Sequence

from benchmarks.scenarios import FRAMEWORKS, SCENARIOS, build_app, load_framework
from benchmarks.wsgi import call, prepare, run_batch

SORT_KEYS = ("tottime", "cumtime", "ncalls")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profiling",
        description="Profile the request path of one benchmark scenario.",
    )
    parser.add_argument(
        "scenario", nargs="?", default="hello", choices=[s.name for s in SCENARIOS]
    )
    parser.add_argument("--framework", default="minflask", choices=FRAMEWORKS)
    parser.add_argument(
        "--requests", type=int, default=20_000, help="requests profiled (20,000)"
    )
    parser.add_argument("--sort", default="tottime", choices=SORT_KEYS)
    parser.add_argument("--limit", type=int, default=25, help="functions listed (25)")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.limit < 1:
        parser.error("--requests and --limit must be at least 1")
    return args


def profile_requests(
    scenario_name: str, framework: str, requests: int
) -> tuple[pstats.Stats, io.StringIO]:
    """Profile ``requests`` calls of the scenario's app after one warm-up call."""
    scenario = next(s for s in SCENARIOS if s.name == scenario_name)
    if framework not in scenario.frameworks():
        raise SystemExit(f"benchmarks: no {framework} app for {scenario_name!r}")
    app = build_app(scenario, framework, load_framework(framework))
    prepared = prepare(scenario, app)
    answer = call(prepared)  # warm-up: compiles the URL map, loads templates
    if answer.status_code != scenario.expected_status:
        raise SystemExit(
            f"benchmarks: {framework} answered {scenario_name!r} with "
            f"{answer.status}, expected {scenario.expected_status}"
        )
    profile = cProfile.Profile()
    profile.runcall(run_batch, prepared, requests)
    out = io.StringIO()
    return pstats.Stats(profile, stream=out), out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    stats, out = profile_requests(args.scenario, args.framework, args.requests)
    print(
        f"{args.framework}, scenario {args.scenario!r}: "
        f"{args.requests:,} requests profiled (after one warm-up request)"
    )
    stats.sort_stats(args.sort).print_stats(args.limit)
    print(out.getvalue().rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
