"""A package exposing a ``create_app`` factory."""

from __future__ import annotations

from minflask import Flask


def create_app() -> Flask:
    return Flask("factory_pkg")
