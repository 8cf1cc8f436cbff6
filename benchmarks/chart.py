"""The PNG chart for the docs: requests/second per scenario, one bar per framework.

matplotlib is imported here only, with the Agg backend, so nothing else in
the harness needs it (or a display).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from benchmarks.report import RunResult
from benchmarks.scenarios import FRAMEWORKS, LABELS

COLOURS = {
    "minflask": "#2b6cb0",
    "flask": "#9b9b9b",
    "bottle": "#d69e2e",
    "falcon": "#805ad5",
    "werkzeug": "#68a063",
}


def write_chart(run: RunResult, path: Path) -> None:
    """Draw grouped horizontal bars (thousands of req/s) and save them to ``path``."""
    # By name: an optional dependency, absent (and unstubbed) in the dev venv.
    matplotlib = importlib.import_module("matplotlib")
    matplotlib.use("Agg")
    plt = importlib.import_module("matplotlib.pyplot")

    results = run.scenarios
    present = [f for f in FRAMEWORKS if any(f in r.rates for r in results)]
    height = 0.8 / len(present)
    figure, axes = plt.subplots(figsize=(9, 1.1 + 0.75 * len(results)))
    for slot, framework in enumerate(present):
        positions, widths = [], []
        for row, result in enumerate(results):
            if framework in result.rates:
                positions.append(row + (slot - (len(present) - 1) / 2) * height)
                widths.append(result.rates[framework] / 1000)
        bars = axes.barh(
            positions,
            widths,
            height=height,
            color=COLOURS[framework],
            label=LABELS[framework],
        )
        if framework == "minflask":
            labels = [
                ""
                if r.ratio_to("flask") is None
                else f"{r.ratio_to('flask'):.1f}x Flask"
                for r in results
            ]
            axes.bar_label(bars, labels=labels, padding=3, fontsize=8)
    axes.set_yticks(range(len(results)), [r.scenario.title for r in results])
    axes.invert_yaxis()
    axes.set_xlabel("thousand requests/second (in-process WSGI, median of rounds)")
    means = run.geomeans()
    title = "minflask against Flask, Bottle, Falcon and bare Werkzeug"
    if means["flask"] is not None:
        title += f"\ngeometric mean {means['flask']:.2f}x Flask"
        if means["bottle"] is not None:
            title += f", {means['bottle']:.2f}x Bottle"
    if run.settings.get("quick"):
        title += " (quick run: noisy)"
    axes.set_title(title, fontsize=11)
    axes.legend(loc="lower right", fontsize=8)
    axes.margins(x=0.15)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
