"""Serve the demo app: ``python -m demo [--host HOST] [--port PORT] [--debug]``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from werkzeug.serving import run_simple

from . import create_app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line; defaults match the URL the README gives."""
    parser = argparse.ArgumentParser(
        prog="python -m demo", description="Serve the minflask demo app."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="reload on code changes and show the interactive debugger",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Build the app and serve it until interrupted."""
    args = parse_args(argv)
    app = create_app()
    app.debug = args.debug
    # With the reloader on, this module runs again in a child process that
    # Werkzeug marks with WERKZEUG_RUN_MAIN; print the address only once.
    if not os.environ.get("WERKZEUG_RUN_MAIN"):
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"minflask demo: http://{host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    run_simple(
        args.host, args.port, app, use_reloader=args.debug, use_debugger=args.debug
    )


if __name__ == "__main__":
    main()
