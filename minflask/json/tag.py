"""Compact tagged JSON for values plain JSON cannot hold.

The session cookie uses :class:`TaggedJSONSerializer` so tuples, bytes,
:class:`~markupsafe.Markup`, UUIDs and datetimes survive a round trip. A
tagged value is a one-key object such as ``{" t": [1, 2]}``; keys start with a
space so they rarely clash with real data, and :class:`TagDict` escapes the
dicts that would clash anyway.

Add a type by subclassing :class:`JSONTag` and calling
:meth:`TaggedJSONSerializer.register`.
"""

from __future__ import annotations

import typing as t
from base64 import b64decode, b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import http_date, parse_date

from ..json import _dumps_compact, loads

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]


class JSONTag:
    """Base class for one tagged type: how to recognise it, turn it into
    JSON-safe data, and turn that data back into the type."""

    __slots__ = ("serializer",)

    #: Marker key of the tagged object. Empty for "pass" tags, which only
    #: tag the items of a container and never wrap the container itself.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Whether this tag handles ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """Convert ``value`` to JSON-safe data, without the tag key."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """Rebuild the Python value from the data :meth:`to_json` made."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> dict[str, t.Any]:
        """Convert ``value`` and wrap it in an object under :attr:`key`."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """Escape a one-key dict whose key is a tag key, so it is not mistaken
    for a tagged value: the key gets a ``__`` suffix under the ``" di"`` tag."""

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: t.Any) -> t.Any:
        ((key, item),) = value.items()
        return {f"{key}__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Any:
        ((key, item),) = value.items()
        return {key[:-2]: item}


class PassDict(JSONTag):
    """Keep dicts as JSON objects, tagging their values."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        # JSON object keys are strings, so only the values need tagging.
        tag = self.serializer.tag
        return {key: tag(item) for key, item in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """Tuples become tagged lists (``" t"``) so they come back as tuples."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        return tuple(value)


class PassList(JSONTag):
    """Keep lists as JSON arrays, tagging their items."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Bytes become base64 text under ``" b"``."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        return b64decode(value)


class TagMarkup(JSONTag):
    """Objects with ``__html__`` (like :class:`~markupsafe.Markup`) are stored
    as their HTML under ``" m"`` and come back as ``Markup``."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        return Markup(value)


class TagUUID(JSONTag):
    """UUIDs are stored as their hex string under ``" u"``."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        return UUID(value)


class TagDateTime(JSONTag):
    """Datetimes are stored as an HTTP date under ``" d"`` (second precision,
    back as UTC-aware)."""

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        return parse_date(value)


#: Exact types JSON holds as they are, which no built-in tag claims.
_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


class TaggedJSONSerializer:
    """Serialize data to compact JSON, tagging the values JSON lacks.

    Tags are tried in :attr:`default_tags` order; the first whose ``check``
    accepts a value converts it.
    """

    __slots__ = ("_builtin_only", "order", "tags")

    #: Tag classes every new serializer starts with, in checking order.
    default_tags: list[type[JSONTag]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for cls in self.default_tags:
            self.register(cls)

    def register(
        self,
        tag_class: type[JSONTag],
        force: bool = False,
        index: int | None = None,
    ) -> None:
        """Add a tag. ``index`` places it in the checking order (default:
        last); a key already taken raises :exc:`KeyError` unless ``force``."""
        tag = tag_class(self)
        key = tag.key
        if key:
            if not force and key in self.tags:
                raise KeyError(f"Tag '{key}' is already registered.")
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)
        self._builtin_only = [type(tag) for tag in self.order] == _BUILTIN_TAGS

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` converted by the first tag that accepts it."""
        if self._builtin_only and len(self.order) == len(_BUILTIN_TAGS):
            # What the built-in tags do to plain values, dicts and lists,
            # without asking each of them in turn.
            kind = type(value)
            if kind in _PLAIN_TYPES:
                return value
            if kind is dict and (len(value) != 1 or next(iter(value)) not in self.tags):
                convert = self.tag
                return {key: convert(item) for key, item in value.items()}
            if kind is list:
                convert = self.tag
                return [convert(item) for item in value]
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Turn one tagged object back into its value; others pass through."""
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        # Innermost first, so a tag's to_python receives finished values.
        # Strings and numbers (most values) need no call to be scanned.
        scan = self._untag_scan
        if isinstance(value, dict):
            return self.untag(
                {k: v if type(v) in _PLAIN_TYPES else scan(v) for k, v in value.items()}
            )
        if isinstance(value, list):
            return [v if type(v) in _PLAIN_TYPES else scan(v) for v in value]
        return value

    def dumps(self, value: t.Any) -> str:
        """Tag ``value`` and serialize it to compact JSON."""
        return _dumps_compact(self.tag(value))

    def loads(self, value: str | bytes) -> t.Any:
        """Parse JSON and untag every tagged object in it."""
        return self._untag_scan(loads(value))


#: The built-in tags in their default order: while a serializer has exactly
#: these, :meth:`TaggedJSONSerializer.tag` may take its shortcuts.
_BUILTIN_TAGS: list[type[JSONTag]] = list(TaggedJSONSerializer.default_tags)
