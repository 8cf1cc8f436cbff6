"""Jinja's per-render work, done the short way for the common shapes.

A render makes a context from the template's globals (a ChainMap of the
template's and the environment's dicts) and the values passed, then calls
functions (``url_for(...)``, ``loop.cycle(...)``) and looks up names on
dicts (``user.name``). Jinja does each generically. :class:`Template` and
:class:`Context` build the context from the two dicts at once and call a
plain function directly; :func:`dict_item_or_attribute` reads a dict's key
without first trying (and failing) the attribute. Each falls back to
Jinja's own code for any other shape, so renders are the same either way.

Autoescaped output goes through :func:`remembered_escape`, which keeps
what MarkupSafe's ``escape`` made of a short plain string (the same links,
classes and names are escaped on every render). :data:`REMEMBERED_FILTERS` maps Jinja's built-in filters that are pure,
costly functions of a plain string (``title``: a regex split and a join
per call) to versions that remember their results: a page titles the same
names on every render.

Without this module, :mod:`minflask.templating` uses Jinja's own
``Template`` and ``Context``.
"""

from __future__ import annotations

import typing as t
from collections import ChainMap
from collections.abc import Callable, Iterator
from types import FunctionType, MethodType

from jinja2 import Environment as BaseEnvironment
from jinja2 import Template as BaseTemplate
from jinja2.filters import do_title
from jinja2.runtime import Context as BaseContext
from jinja2.utils import internalcode
from markupsafe import Markup, escape

from .memo import Memo

#: Every attribute a plain ``dict`` has; any other name can only be a key.
_DICT_ATTRIBUTES = frozenset(dir(dict))


def _flat_globals(globals: t.Any) -> dict[str, t.Any] | None:
    """A template's globals (a ChainMap of two dicts: its own over the
    environment's) as one dict, as ``dict(globals)`` would make it; ``None``
    for any other shape."""
    if type(globals) is not ChainMap:
        return None
    maps = globals.maps
    if len(maps) != 2 or type(maps[0]) is not dict or type(maps[1]) is not dict:
        return None
    flat = maps[1].copy()
    flat.update(maps[0])
    return flat


class Template(BaseTemplate):
    """Jinja's template, building each render's context from the globals'
    two dicts directly rather than key by key through a ChainMap, and
    escaping output with :func:`remembered_escape`."""

    @classmethod
    def from_code(
        cls,
        environment: BaseEnvironment,
        code: t.Any,
        globals: t.MutableMapping[str, t.Any],
        uptodate: t.Callable[[], bool] | None = None,
    ) -> BaseTemplate:
        """Jinja's ``from_code``; then the compiled module's ``escape`` (the
        name its render functions call for every autoescaped output) is
        :func:`remembered_escape` if it was MarkupSafe's."""
        template = super().from_code(environment, code, globals, uptodate)
        namespace = getattr(template.root_render_func, "__globals__", None)
        if namespace is not None and namespace.get("escape") is escape:
            namespace["escape"] = remembered_escape
        return template

    def new_context(
        self,
        vars: dict[str, t.Any] | None = None,
        shared: bool = False,
        locals: t.Mapping[str, t.Any] | None = None,
    ) -> BaseContext:
        """Jinja's ``new_context`` for the plain case (not shared, no locals)."""
        flat = None if shared or locals else _flat_globals(self.globals)
        if flat is None:
            return super().new_context(vars, shared, locals)
        parent = dict(flat, **vars) if vars else flat
        return self.environment.context_class(
            self.environment, parent, self.name, self.blocks, globals=self.globals
        )


class Context(BaseContext):
    """Jinja's template context, with a shorter road for the calls templates
    make most (``url_for(...)``, ``loop.cycle(...)``): plain functions and
    bound methods that take no context, environment or eval context."""

    def __init__(
        self,
        environment: BaseEnvironment,
        parent: dict[str, t.Any],
        name: str | None,
        blocks: dict[str, Callable[[BaseContext], Iterator[str]]],
        globals: t.MutableMapping[str, t.Any] | None = None,
    ) -> None:
        chain = globals if type(globals) is ChainMap else None
        super().__init__(
            environment, parent, name, blocks, None if chain is not None else globals
        )
        if chain is not None:
            # set(chain) walks the ChainMap in Python; the union is the same.
            self.globals_keys = set().union(*chain.maps)

    @internalcode
    def call(
        self, obj: Callable[..., t.Any], /, *args: t.Any, **kwargs: t.Any
    ) -> t.Any:
        """Call ``obj`` as Jinja does. Only objects marked with Jinja's
        ``pass_*`` decorators get something injected, and a function or
        method without the mark is never one; those are called directly."""
        kind = type(obj)
        if kind is MethodType:
            # A bound method looks the mark up on its function; asking the
            # function directly gives the same answer without a slow miss.
            marked = hasattr(obj.__func__, "jinja_pass_arg")  # type: ignore[attr-defined]
        else:
            marked = kind is not FunctionType or hasattr(obj, "jinja_pass_arg")
        if marked:
            return super().call(obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return obj(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined(
                "value was undefined because a callable raised a"
                " StopIteration exception"
            )


def dict_item_or_attribute(env: BaseEnvironment, obj: t.Any, attribute: str) -> t.Any:
    """Jinja's ``getattr`` (the attribute, else the item, else undefined),
    going straight to the item when ``obj`` is a plain dict and
    ``attribute`` a name no dict has as an attribute."""
    if (
        type(obj) is dict
        and type(attribute) is str
        and attribute not in _DICT_ATTRIBUTES
    ):
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return env.undefined(obj=obj, name=attribute)
    # Jinja's own steps, without a second call: the attribute, else the item.
    try:
        return getattr(obj, attribute)
    except AttributeError:
        pass
    try:
        return obj[attribute]
    except (TypeError, LookupError, AttributeError):
        return env.undefined(obj=obj, name=attribute)


#: Escaped plain strings, as MarkupSafe's ``escape`` makes them.
_escaped: Memo[str, Markup] = Memo(2048)

#: Longer strings are escaped every time, so the memo stays small.
_ESCAPE_MAX_LENGTH = 128


def remembered_escape(s: t.Any, /) -> Markup:
    """:func:`markupsafe.escape`, its result remembered for a plain, short
    ``str`` (a pure function of it, and an immutable ``Markup``): a page
    escapes the same links, classes and names on every render."""
    if type(s) is str:
        markup = _escaped.get(s)
        if markup is None:
            markup = escape(s)
            if len(s) <= _ESCAPE_MAX_LENGTH:
                _escaped.keep(s, markup)
        return markup
    return escape(s)


#: Titles of plain strings, as Jinja's ``title`` filter makes them.
_titles: Memo[str, str] = Memo(1024)

#: Longer strings are titled every time, so the memo stays small.
_TITLE_MAX_LENGTH = 128


def remembered_title(s: t.Any) -> str:
    """Jinja's ``title`` filter (:func:`jinja2.filters.do_title`), its
    result remembered for a plain, short ``str``: for one, the filter's
    answer depends on nothing but the string."""
    if type(s) is str:
        title = _titles.get(s)
        if title is None:
            title = do_title(s)
            if len(s) <= _TITLE_MAX_LENGTH:
                _titles.keep(s, title)
        return title
    return do_title(s)


#: ``name -> (Jinja's built-in filter, the remembering version)``: a new
#: environment whose filter is still the built-in one gets the other.
REMEMBERED_FILTERS: dict[str, tuple[t.Callable[..., t.Any], t.Callable[..., t.Any]]] = {
    "title": (do_title, remembered_title),
}
