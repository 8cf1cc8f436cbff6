"""``flask.sansio.app``: :class:`App`, the base class of :class:`~minflask.Flask`."""

from __future__ import annotations

from ..scaffold import Scaffold


class App(Scaffold):
    """The base class of :class:`minflask.Flask`, as Flask 3.1's sans-IO app.

    minflask keeps the app's behaviour in ``Flask`` itself; this class exists
    so that code written for Flask (``isinstance(app, App)``, annotations
    imported from ``flask.sansio.app``) holds for a minflask app.
    """
