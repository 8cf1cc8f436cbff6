"""The shortcuts' one kind of cache.

Every shortcut that remembers something (a status line per code, an error
page per exception, whether a class overrides a step) keeps it in a
:class:`Memo`: a dict with one eviction rule. Keys come from the app's own
data (status codes, exception classes and descriptions, response and app
classes), so a memo normally fills once and stays; the limit only stops
input an app did not foresee from growing memory, by starting over.
"""

from __future__ import annotations

import typing as t

K = t.TypeVar("K")
V = t.TypeVar("V")


class Memo(dict[K, V]):
    """A dict of computed values that starts over at ``limit`` keys."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (clearing first when full); return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
