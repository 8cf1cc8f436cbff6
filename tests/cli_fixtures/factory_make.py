"""A module with only a ``make_app`` factory."""

from __future__ import annotations

from minflask import Flask


def make_app() -> Flask:
    return Flask("factory_make")
