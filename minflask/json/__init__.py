"""JSON helpers that defer to the current app's provider when there is one.

Inside an application context these go through ``current_app.json`` so the
app's settings apply; outside one they fall back to the standard library,
still able to serialize the extra types of :class:`DefaultJSONProvider`.
"""

from __future__ import annotations

import json as _json
import typing as t

from ..globals import _app_ctx_stack, current_app
from .provider import DefaultJSONProvider, _default

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response

__all__ = ["dump", "dumps", "jsonify", "load", "loads"]


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialize ``obj`` to a JSON string with ``app.json.dumps`` if available."""
    ctx = _app_ctx_stack.top
    if ctx is not None:
        return ctx.app.json.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def _dumps_compact(obj: t.Any) -> str:
    """``dumps(obj, separators=(",", ":"))``, through the default provider's
    reused encoder when that is the app's provider (the session cookie
    serializes this way on every save)."""
    ctx = _app_ctx_stack.top
    if ctx is None:
        return _json.dumps(obj, default=_default, separators=(",", ":"))
    provider = ctx.app.json
    if isinstance(provider, DefaultJSONProvider):
        return provider._dumps_compact(obj)
    return provider.dumps(obj, separators=(",", ":"))


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialize ``obj`` to the text file ``fp`` with ``app.json.dump`` if available."""
    ctx = _app_ctx_stack.top
    if ctx is not None:
        ctx.app.json.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Deserialize JSON text with ``app.json.loads`` if available."""
    ctx = _app_ctx_stack.top
    if ctx is not None:
        return ctx.app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Deserialize the contents of ``fp`` with ``app.json.load`` if available."""
    ctx = _app_ctx_stack.top
    if ctx is not None:
        return ctx.app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return an ``application/json`` response for the arguments.

    One positional argument is serialized as is, several as a list, keyword
    arguments as an object. Needs an app context; see ``app.json.response``.
    """
    return current_app.json.response(*args, **kwargs)


def __getattr__(name: str) -> t.Any:
    """``minflask.json.tag`` is reachable after ``import minflask``, as in
    Flask, but imported only when first used."""
    if name == "tag":
        import importlib

        return importlib.import_module(f"{__name__}.tag")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
