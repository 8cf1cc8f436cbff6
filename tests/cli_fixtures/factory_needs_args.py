"""A module whose ``create_app`` cannot be called without arguments."""

from __future__ import annotations

from minflask import Flask


def create_app(config_name: str) -> Flask:
    return Flask(config_name)
