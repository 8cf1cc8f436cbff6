"""Is minflask's response the same as Flask's? Speed from changed behaviour does not count.

Compared: the status line, every header and the body. Ignored: the Date
header (a clock) and the value of each Set-Cookie (signed with a
timestamp); the cookie's name and attributes are still compared, and a
cookie on one side only is a difference. Headers are compared as a list
sorted by name, so the order of different headers does not matter but the
order of repeated ones does.
"""

from __future__ import annotations

import difflib

from benchmarks.wsgi import Captured

IGNORED_HEADERS = frozenset({"date"})


def mask_cookie(value: str) -> str:
    """A Set-Cookie value with the cookie's value replaced, attributes kept."""
    pair, sep, attributes = value.partition(";")
    name = pair.split("=", 1)[0]
    return f"{name}=<value>{sep}{attributes}"


def comparable_lines(response: Captured) -> list[str]:
    """The response as lines of text, with the ignored parts masked or dropped."""
    headers = []
    for name, value in response.headers:
        lowered = name.lower()
        if lowered in IGNORED_HEADERS:
            continue
        if lowered == "set-cookie":
            value = mask_cookie(value)
        headers.append((lowered, f"{name}: {value}"))
    headers.sort(key=lambda item: item[0])  # stable: repeated headers keep order
    # split, not splitlines: a missing or extra final newline must show.
    text = response.body.decode("utf-8", "backslashreplace").replace("\r", "\\r")
    body = text.split("\n")
    return [
        f"status {response.status}",
        *(line for _, line in headers),
        "",
        *body,
    ]


def response_diff(
    expected: Captured, actual: Captured, names: tuple[str, str] = ("flask", "minflask")
) -> list[str]:
    """Unified-diff lines from ``expected`` to ``actual``; empty when they match."""
    return list(
        difflib.unified_diff(
            comparable_lines(expected),
            comparable_lines(actual),
            fromfile=names[0],
            tofile=names[1],
            lineterm="",
        )
    )
