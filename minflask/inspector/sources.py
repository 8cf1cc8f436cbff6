"""Which source files the inspector may show: those under the app's root
and the minflask package, named as the tracer names them (``minflask/app.py``,
``demo/auth.py``). Anything else, including ``..`` and encoded forms, is
refused."""

from __future__ import annotations

import os
import typing as t

from .._trace_describe import display_path

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask

#: File types shown: code and templates, never data or config secrets.
SHOWN_SUFFIXES = (".py", ".html", ".htm", ".xml", ".txt", ".jinja", ".jinja2", ".j2")
#: Lines shown on each side of the recorded line.
CONTEXT_LINES = 12
#: Largest file shown (bytes).
MAX_FILE_SIZE = 2_000_000

_MINFLASK_DIR = os.path.realpath(os.path.dirname(os.path.dirname(__file__)))


def allowed_folders(app: Flask) -> list[str]:
    """The folders whose files may be shown."""
    return [_MINFLASK_DIR, os.path.realpath(app.root_path)]


def _bases(folder: str) -> list[str]:
    """Folders a tracer-style path under ``folder`` may be relative to."""
    probe = os.path.join(folder, "__init__.py")
    shown = display_path(probe)
    if os.path.isabs(shown):
        return [os.path.dirname(folder)]
    depth = len(shown.split(os.sep)) - 1
    base = folder
    for _ in range(depth):
        base = os.path.dirname(base)
    return [base]


def resolve_source(app: Flask, name: str) -> str | None:
    """The real path of ``name`` if it may be shown, else None."""
    if not name or "\0" in name or "%" in name or "\\" in name:
        return None
    if os.path.isabs(name) or name.startswith("~"):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    if not name.endswith(SHOWN_SUFFIXES):
        return None
    folders = allowed_folders(app)
    for folder in folders:
        for base in _bases(folder):
            path = os.path.realpath(os.path.join(base, *parts))
            inside = any(
                os.path.commonpath([path, allowed]) == allowed for allowed in folders
            )
            if inside and os.path.isfile(path):
                return path
    return None


def is_shown(app: Flask, source: str | None) -> bool:
    """Whether the ``file:line`` a step recorded can be opened."""
    if not source:
        return False
    name, _, line = source.rpartition(":")
    return line.isdigit() and resolve_source(app, name) is not None


def read_lines(path: str, line: int) -> tuple[int, list[str]]:
    """The lines around ``line`` (1-based): the first line's number, and
    the lines. Raises ValueError for a file too large or not text."""
    if os.path.getsize(path) > MAX_FILE_SIZE:
        raise ValueError("the file is too large to show")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    first = max(1, line - CONTEXT_LINES)
    last = min(len(lines), line + CONTEXT_LINES)
    return first, lines[first - 1 : last]
