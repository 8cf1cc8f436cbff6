"""Entry point: ``python -m benchmarks [OPTIONS]`` (or ``python3 dev.py bench``)."""

from __future__ import annotations

from benchmarks.cli import main

raise SystemExit(main())
