"""minflask: Flask's API on bare Werkzeug, Jinja2 and itsdangerous.

This module only re-exports the public names; each lives in the module that
owns its concern. It imports none of them up front: a name's module loads
the first time the name is looked up (``minflask.Flask``, ``from minflask
import request``), so ``import minflask`` costs next to nothing and a program
pays only for the parts it uses (no Jinja without templates, no click without
the command line, no test client outside tests). One function of its own,
:func:`install_as_flask`, lets Flask extensions find minflask as ``flask``.
"""

from __future__ import annotations

import sys as _sys
import typing as _t
from importlib import import_module as _import_module

__version__ = "0.1.0"

if _t.TYPE_CHECKING:  # pragma: no cover
    from . import json as json
    from .app import Flask as Flask
    from .blueprints import Blueprint as Blueprint
    from .config import Config as Config
    from .ctx import after_this_request as after_this_request
    from .ctx import copy_current_request_context as copy_current_request_context
    from .ctx import has_app_context as has_app_context
    from .ctx import has_request_context as has_request_context
    from .globals import current_app as current_app
    from .globals import g as g
    from .globals import request as request
    from .globals import session as session
    from .helpers import abort as abort
    from .helpers import flash as flash
    from .helpers import get_flashed_messages as get_flashed_messages
    from .helpers import get_template_attribute as get_template_attribute
    from .helpers import make_response as make_response
    from .helpers import redirect as redirect
    from .helpers import send_file as send_file
    from .helpers import send_from_directory as send_from_directory
    from .helpers import stream_with_context as stream_with_context
    from .helpers import url_for as url_for
    from .json import jsonify as jsonify
    from .signals import appcontext_popped as appcontext_popped
    from .signals import appcontext_pushed as appcontext_pushed
    from .signals import appcontext_tearing_down as appcontext_tearing_down
    from .signals import before_render_template as before_render_template
    from .signals import got_request_exception as got_request_exception
    from .signals import message_flashed as message_flashed
    from .signals import request_finished as request_finished
    from .signals import request_started as request_started
    from .signals import request_tearing_down as request_tearing_down
    from .signals import template_rendered as template_rendered
    from .templating import render_template as render_template
    from .templating import render_template_string as render_template_string
    from .templating import stream_template as stream_template
    from .templating import stream_template_string as stream_template_string
    from .wrappers import Request as Request
    from .wrappers import Response as Response

#: Public name -> the submodule that defines it (mirrors the block above).
_EXPORTS = {
    "Flask": "app",
    "Blueprint": "blueprints",
    "Config": "config",
    "after_this_request": "ctx",
    "copy_current_request_context": "ctx",
    "has_app_context": "ctx",
    "has_request_context": "ctx",
    "current_app": "globals",
    "g": "globals",
    "request": "globals",
    "session": "globals",
    "abort": "helpers",
    "flash": "helpers",
    "get_flashed_messages": "helpers",
    "get_template_attribute": "helpers",
    "make_response": "helpers",
    "redirect": "helpers",
    "send_file": "helpers",
    "send_from_directory": "helpers",
    "stream_with_context": "helpers",
    "url_for": "helpers",
    "jsonify": "json",
    "appcontext_popped": "signals",
    "appcontext_pushed": "signals",
    "appcontext_tearing_down": "signals",
    "before_render_template": "signals",
    "got_request_exception": "signals",
    "message_flashed": "signals",
    "request_finished": "signals",
    "request_started": "signals",
    "request_tearing_down": "signals",
    "template_rendered": "signals",
    "render_template": "templating",
    "render_template_string": "templating",
    "stream_template": "templating",
    "stream_template_string": "templating",
    "Request": "wrappers",
    "Response": "wrappers",
}

#: Submodules reachable as attributes, as after ``import flask`` (whose app
#: module imports them); each is imported when first reached.
_SUBMODULES = frozenset(
    {
        "app",
        "blueprints",
        "cli",
        "config",
        "ctx",
        "debughelpers",
        "globals",
        "helpers",
        "json",
        "logging",
        "scaffold",
        "sessions",
        "signals",
        "templating",
        "tracing",
        "typing",
        "wrappers",
    }
)

# ``from minflask import *`` needs the list, since the namespace starts empty.
__all__ = [*_EXPORTS, "json"]


def __getattr__(name: str) -> _t.Any:
    """Import the module behind a public name or submodule on first access."""
    if name in _SUBMODULES:
        return _import_module(f"{__name__}.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(f"{__name__}.{module}"), name)
    # Bound in the namespace, later look-ups skip this function. Not through
    # ``globals()``: in this package that name becomes the submodule.
    setattr(_sys.modules[__name__], name, value)
    return value


def install_as_flask() -> None:
    """Make ``import flask`` (and ``flask.<sub>``) give minflask in this
    process, so Flask extensions run unchanged; call it before importing any.

    Idempotent, and it imports no part of the API up front. Raises
    :class:`~minflask.flask_alias.FlaskAlreadyImportedError`, changing
    nothing, if the real Flask is already imported. See
    :mod:`minflask.flask_alias` and docs/extensions.md.
    """
    from .flask_alias import install

    install()


def __dir__() -> list[str]:
    """The loaded names plus every public one, loaded or not."""
    return sorted({*vars(_sys.modules[__name__]), *__all__})
