"""A module app for root_path and instance_path detection tests."""

from __future__ import annotations

from minflask import Flask

app = Flask(__name__)
