"""Found without --app as ``app.py`` in the current folder."""

from __future__ import annotations

from minflask import Flask

app = Flask("cwd_app_only")
