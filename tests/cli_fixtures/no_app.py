"""A module with neither an app nor a factory."""

from __future__ import annotations

VALUE = 1
