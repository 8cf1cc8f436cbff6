"""``flask.sansio.scaffold``: what an app and a blueprint share, re-exported
from :mod:`minflask.scaffold`, where it lives."""

from __future__ import annotations

from ..scaffold import Scaffold as Scaffold
from ..scaffold import _endpoint_from_view_func as _endpoint_from_view_func
from ..scaffold import setupmethod as setupmethod

__all__ = ["Scaffold", "_endpoint_from_view_func", "setupmethod"]
