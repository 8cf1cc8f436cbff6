"""JSON providers: the pluggable object behind ``app.json``.

An application creates one provider from ``app.json_provider_class`` and
routes all JSON work through it, so swapping the provider (for orjson, say)
changes serialization everywhere at once.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date

# Importing any part of Werkzeug already loads werkzeug.http, so this is free.
from werkzeug.http import http_date

if t.TYPE_CHECKING:  # pragma: no cover
    from ..app import Flask
    from ..wrappers import Response


class JSONProvider:
    """Base class for JSON providers; subclasses implement ``dumps``/``loads``.

    The remaining methods are written in terms of those two, so a minimal
    provider only needs to override them.
    """

    def __init__(self, app: Flask) -> None:
        # A weak proxy, as Flask documents: the app owns the provider, and a
        # strong back-reference would keep the app alive until a gc pass.
        self._app: Flask = t.cast("Flask", weakref.proxy(app))

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialize ``obj`` and write it to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize a JSON string or bytes to Python data."""
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Read the whole of ``fp`` and deserialize it."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> t.Any:
        """Pick the value a response serializes: one arg, all args, or kwargs."""
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        if not args and not kwargs:
            return None
        if len(args) == 1:
            return args[0]
        return args or kwargs

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return an ``application/json`` response serializing the arguments.

        One positional argument is serialized as is, several as a list, and
        keyword arguments as an object; passing both is a :exc:`TypeError`.
        """
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """Convert the extra types Flask supports into JSON-serializable values."""
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)  # type: ignore[arg-type]
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class DefaultJSONProvider(JSONProvider):
    """Provider built on the standard library's :mod:`json`.

    Besides the usual types it serializes dates (as HTTP dates), decimals and
    UUIDs (as strings), dataclasses (as dicts) and objects with ``__html__``.
    """

    #: Called for objects :mod:`json` can't serialize; see :func:`_default`.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)
    #: Escape non-ASCII characters in the output.
    ensure_ascii: bool = True
    #: Sort object keys, which keeps output stable for caching and diffs.
    sort_keys: bool = True
    #: ``True`` for compact responses, ``False`` for indented ones, and
    #: ``None`` to indent only in debug mode.
    compact: bool | None = None
    #: Mimetype of responses built by :meth:`response`.
    mimetype: str = "application/json"

    #: The settings :meth:`_dumps_compact`'s encoder was built for, and it.
    _compact_encoder: tuple[tuple[t.Any, ...], json.JSONEncoder] | None = None

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj``, applying the provider's settings as defaults."""
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize with :func:`json.loads`."""
        return json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a JSON response, indented or compact per :attr:`compact`.

        The body ends with a newline so it displays cleanly in terminals.
        """
        if len(args) == 1 and not kwargs:  # the usual call, as prepared below
            obj = args[0]
        else:
            obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._body(obj), mimetype=self.mimetype)

    def _body(self, obj: t.Any) -> str:
        """The text :meth:`response` sends for ``obj``: indented or compact
        per :attr:`compact`, ending with a newline."""
        compact = self.compact
        if compact is False or (compact is None and self._app.debug):
            body = self.dumps(obj, indent=2)
        else:
            body = self._dumps_compact(obj)
        return f"{body}\n"

    def _dumps_compact(self, obj: t.Any) -> str:
        """``self.dumps(obj, separators=(",", ":"))``, with a reused encoder.

        :func:`json.dumps` builds a new encoder whenever an option is set, and
        ours always are; an encoder keeps no state between calls, so one per
        combination of settings gives the same text for less work. A
        :meth:`dumps` replaced by a subclass or on the instance is called as
        usual.
        """
        if type(self).dumps is not DefaultJSONProvider.dumps or "dumps" in vars(self):
            return self.dumps(obj, separators=(",", ":"))
        settings = (self.default, self.ensure_ascii, self.sort_keys)
        cached = self._compact_encoder
        if cached is None or cached[0] != settings:
            default, ensure_ascii, sort_keys = settings
            encoder = json.JSONEncoder(
                default=default,
                ensure_ascii=ensure_ascii,
                sort_keys=sort_keys,
                separators=(",", ":"),
            )
            cached = self._compact_encoder = (settings, encoder)
        return cached[1].encode(obj)
