"""A package holding its app in ``__init__``."""

from __future__ import annotations

from minflask import Flask

app = Flask("app_pkg")
