"""A module whose ``create_app`` raises a TypeError of its own."""

from __future__ import annotations

from minflask import Flask


def create_app() -> Flask:
    raise TypeError("bug inside the factory")
