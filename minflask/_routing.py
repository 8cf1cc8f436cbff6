"""URL matching with Werkzeug's rules and state machine, in fewer steps.

Werkzeug compiles an app's rules into a state machine once, and matches a
URL by walking it: at each ``/``-separated part the static transition first,
then the dynamic ones (regular expressions) in weight order, backtracking
until a state has a rule for the method. That search is exactly what we
want; the walk itself spends most of its time on bookkeeping (compiling
each pattern again through ``re``'s cache, sorting group names, slicing
lists) rather than on matching.

:func:`match` walks the same machine in the same order with that
bookkeeping done once per pattern, and returns what
``MapAdapter.match(return_rule=True)`` returns, raising the same 404, 405
or websocket error. Where Werkzeug would redirect (a missing trailing
slash, merged slashes, aliases, ``redirect_to``, a rule whose defaults
point at another URL) it returns None before any converter has run, and
the caller lets ``MapAdapter.match`` answer, so converters with side
effects still run once.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import ValidationError, WebsocketMismatch

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import MapAdapter, Rule

#: A dynamic part's pattern -> (compiled pattern, its converter group names
#: in argument order). Patterns come from registered rules only.
_patterns: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {}


class _GiveUp(Exception):
    """Werkzeug would redirect here: leave this URL to ``MapAdapter.match``."""


def _no_match_error(seen: list[t.Collection[str] | None]) -> Exception:
    """The error ``MapAdapter.match`` raises when nothing matched, from what
    the failed candidates recorded (their methods, or None for a websocket
    mismatch), as Werkzeug's matcher records it."""
    methods: set[str] = set()
    websocket_mismatch = False
    for entry in seen:
        if entry is None:
            websocket_mismatch = True
        else:
            methods.update(entry)
    if methods:
        return MethodNotAllowed(valid_methods=list(methods))
    if websocket_mismatch:
        return WebsocketMismatch()
    return NotFound()


def _first_rule(
    rules: list[Rule],
    method: str,
    websocket: bool,
    seen: list[t.Collection[str] | None],
    lax_only: bool,
) -> Rule | None:
    """The first rule that accepts the method and websocket flag."""
    for rule in rules:
        if lax_only and rule.strict_slashes:
            continue
        if rule.methods is not None and method not in rule.methods:
            seen.append(rule.methods)
        elif rule.websocket != websocket:
            seen.append(None)
        else:
            return rule
    return None


def _walk(
    state: t.Any,
    parts: list[str],
    i: int,
    values: list[str],
    method: str,
    websocket: bool,
    seen: list[t.Collection[str] | None],
) -> tuple[Rule, list[str]] | None:
    """Match ``parts[i:]`` from ``state``, in Werkzeug's order."""
    end = len(parts)
    # Through states with nothing to try after their static transition,
    # go straight on instead of recursing: no way back is needed.
    while i < end and not state.dynamic and (i + 1 < end or parts[i]):
        state = state.static.get(parts[i])
        if state is None:
            return None
        i += 1
    if i == end:
        rule = _first_rule(state.rules, method, websocket, seen, False)
        if rule is not None:
            return rule, values
        slash = state.static.get("")
        if slash is not None:
            # Only the URL with a trailing slash matches: a redirect.
            for rule in slash.rules:
                if rule.websocket == websocket and (
                    rule.methods is None or method in rule.methods
                ):
                    if rule.strict_slashes:
                        raise _GiveUp
                    return rule, values
        return None

    part = parts[i]
    following = state.static.get(part)
    if following is not None:
        found = _walk(following, parts, i + 1, values, method, websocket, seen)
        if found is not None:
            return found
    for test_part, following in state.dynamic:
        target, rest, rest_i = part, parts, i + 1
        if test_part.final:
            # Consumes every remaining part (the path converter).
            target, rest_i = "/".join(parts[i:]), end
        pattern, names = _pattern(test_part.content)
        m = pattern.match(target)
        if m is not None:
            if test_part.suffixed and m.groups()[-1] == "/":
                rest, rest_i = [""], 0
            groups = [m.group(n) for n in names]
            found = _walk(
                following, rest, rest_i, values + groups, method, websocket, seen
            )
            if found is not None:
                return found
    if i + 1 == end and part == "":
        rule = _first_rule(state.rules, method, websocket, seen, True)
        if rule is not None:
            return rule, values
    return None


def _pattern(content: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The compiled pattern and converter group names of a dynamic part."""
    entry = _patterns.get(content)
    if entry is None:
        pattern = re.compile(content)
        names = sorted(
            (n for n in pattern.groupindex if n.startswith("__werkzeug_")),
            key=lambda n: int(n[11:]),
        )
        entry = _patterns[content] = (pattern, tuple(names))
    return entry


def match(adapter: MapAdapter) -> tuple[Rule, dict[str, t.Any]] | None:
    """``adapter.match(return_rule=True)`` for the adapter's own path and
    method, or None where that would redirect (see the module docstring).
    Raises the same NotFound, MethodNotAllowed or WebsocketMismatch."""
    url_map = adapter.map
    url_map.update()
    root = getattr(url_map._matcher, "_root", None)
    if root is None:  # a matcher of another shape: no shortcut
        return None

    domain = adapter.server_name
    if not url_map.host_matching and adapter.subdomain is not None:
        domain = adapter.subdomain
    path = adapter.path_info
    path = f"/{path.lstrip('/')}" if path else ""
    parts = [domain, *path.split("/")]
    seen: list[t.Collection[str] | None] = []
    try:
        found = _walk(
            root, parts, 0, [], adapter.default_method.upper(), adapter.websocket, seen
        )
    except _GiveUp:
        return None
    if found is None:
        if url_map._matcher.merge_slashes and "//" in path:
            return None  # matched again with merged slashes, maybe redirected
        raise _no_match_error(seen)

    rule, raw_values = found
    if (
        rule.redirect_to is not None
        or (rule.alias and url_map.redirect_defaults)
        or (
            url_map.redirect_defaults
            and url_map._rules_by_endpoint[rule.endpoint][0] is not rule
        )
    ):
        return None  # may redirect: decided by Werkzeug after conversion
    values: dict[str, t.Any] = {}
    converters = rule._converters
    if converters:
        for name, raw in zip(converters, raw_values, strict=False):
            try:
                values[str(name)] = converters[name].to_python(raw)
            except ValidationError:
                raise _no_match_error(seen) from None
    if rule.defaults:
        values.update(rule.defaults)
    return rule, values
