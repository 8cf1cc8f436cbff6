"""A module whose ``app`` is not a Flask application."""

from __future__ import annotations

app = "not a Flask application"
