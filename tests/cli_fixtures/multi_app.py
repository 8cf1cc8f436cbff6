"""A module holding two apps, neither named ``app``: discovery must refuse."""

from __future__ import annotations

from minflask import Flask

first = Flask("multi_first")
second = Flask("multi_second")
