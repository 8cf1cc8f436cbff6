"""A module holding its app under the name ``application``."""

from __future__ import annotations

from minflask import Flask

application = Flask("application_app")
