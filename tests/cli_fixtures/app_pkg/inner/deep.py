"""An app in a module nested two packages deep."""

from __future__ import annotations

from minflask import Flask

application = Flask("app_pkg.inner.deep")
