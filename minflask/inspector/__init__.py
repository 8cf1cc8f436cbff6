"""The minflask inspector: every request the app serves, step by step, in
the browser at ``/_minflask/inspector``.

Switch it on with ``minflask run --debug --inspect`` or ``INSPECTOR = True``
in the config (before the first request), or call :func:`enable_inspector`.
It runs only in debug mode and answers loopback clients only. See
``docs/inspector.md``.
"""

from __future__ import annotations

from .recorder import (
    DEBUG_ONLY,
    DEFAULT_MAX_REQUESTS,
    URL_PREFIX,
    Entry,
    Inspector,
    enable_inspector,
)

__all__ = [
    "DEBUG_ONLY",
    "DEFAULT_MAX_REQUESTS",
    "URL_PREFIX",
    "Entry",
    "Inspector",
    "enable_inspector",
]
