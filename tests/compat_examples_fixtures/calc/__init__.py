"""A one-module app that adds two numbers, shaped like Flask's JavaScript
example: a module-level app whose views live in a sibling module."""

from __future__ import annotations

from minflask import Flask

app = Flask(__name__)

from . import views  # noqa: E402  (views register on the app above)
