"""``flask.sansio.blueprints``: :class:`Blueprint` and
:class:`BlueprintSetupState`, re-exported from :mod:`minflask.blueprints`."""

from __future__ import annotations

from ..blueprints import Blueprint as Blueprint
from ..blueprints import BlueprintSetupState as BlueprintSetupState

__all__ = ["Blueprint", "BlueprintSetupState"]
