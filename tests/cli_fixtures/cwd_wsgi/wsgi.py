"""Found without --app: ``wsgi.py`` wins over ``app.py``."""

from __future__ import annotations

from minflask import Flask

app = Flask("cwd_wsgi")
