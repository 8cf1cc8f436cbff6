"""Serve the demo: ``python -m demo [--host HOST] [--port PORT] [--debug]``.

Werkzeug's development server, for trying the app on your machine. For
production use a WSGI server such as gunicorn (see the README).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from werkzeug.serving import run_simple

from minflask import Flask

from . import create_app, db


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
    parser.add_argument(
        "--inspect",
        action="store_true",
        help="record every request at /_minflask/inspector (needs --debug)",
    )
    return parser.parse_args(argv)


def session_store(app: Flask) -> str:
    """The session store in use, as the interface (not the config) says."""
    if hasattr(app.session_interface, "revoke"):
        return f"{app.config['SESSION_TYPE']} (server-side)"
    return "signed cookies"


def banner(app: Flask, host: str, port: int) -> str:
    """What to tell the person who started the server."""
    shown_host = f"[{host}]" if ":" in host else host
    lines = [
        f"minflask demo: http://{shown_host}:{port}/ (Ctrl+C to stop)",
        f"  data and sessions: {app.instance_path}",
        f"  sessions: {session_store(app)}",
    ]
    with app.app_context():
        if db.sample_user_exists():
            lines.append(f"  sample login: {db.SAMPLE_EMAIL} / {db.SAMPLE_PASSWORD}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Build the app and serve it until interrupted."""
    args = parse_args(argv)
    app = create_app()
    app.debug = args.debug
    if args.inspect:
        from minflask.inspector import DEBUG_ONLY, enable_inspector

        if not args.debug:
            raise SystemExit(f"--inspect: {DEBUG_ONLY}")
        enable_inspector(app)
    # With the reloader on, this module runs again in a child process that
    # Werkzeug marks with WERKZEUG_RUN_MAIN; print the banner only once.
    if not os.environ.get("WERKZEUG_RUN_MAIN"):
        print(banner(app, args.host, args.port), flush=True)
        if args.inspect:
            print(f"  inspector: http://{args.host}:{args.port}/_minflask/inspector/")
    run_simple(
        args.host,
        args.port,
        app,
        use_reloader=args.debug,
        use_debugger=args.debug,
        threaded=True,
    )


if __name__ == "__main__":
    main()
