"""The app that ``.flaskenv`` names through ``FLASK_APP``."""

from __future__ import annotations

import os

from minflask import Flask

app = Flask("dotenv_app")
app.config["SEEN_SHARED"] = os.environ.get("CLI_TEST_SHARED")
