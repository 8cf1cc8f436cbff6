"""An app module that calls ``app.run()`` without a ``__main__`` guard."""

from __future__ import annotations

from minflask import Flask

app = Flask("calls_run_app")
app.run()
