"""An app file named like the framework package, which it shadows."""

from __future__ import annotations

from minflask import Flask

app = Flask("shadow")
