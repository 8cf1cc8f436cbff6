"""Ignored while ``wsgi.py`` sits next to it."""

from __future__ import annotations

from minflask import Flask

app = Flask("cwd_app_shadowed")
