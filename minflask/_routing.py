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

:func:`build` remembers the URLs ``MapAdapter.build`` made (``url_for``:
a page often links to the same places, on every request), where that is a
pure function of its inputs.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import MapAdapter, Rule, ValidationError, WebsocketMismatch
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import Map

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


def _leaf(
    state: t.Any,
    values: list[str],
    method: str,
    websocket: bool,
    seen: list[t.Collection[str] | None],
) -> tuple[Rule, list[str]] | None:
    """The match at ``state`` once every part is used, as Werkzeug decides it."""
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
        return _leaf(state, values, method, websocket, seen)

    part = parts[i]
    following = state.static.get(part)
    if following is not None:
        found = _walk(following, parts, i + 1, values, method, websocket, seen)
        if found is not None:
            return found
    for pattern, one_name, names, final, suffixed, following in _dynamic(state):
        target, rest, rest_i = part, parts, i + 1
        if final:
            # Consumes every remaining part (the path converter).
            target, rest_i = "/".join(parts[i:]), end
        m = pattern.match(target)
        if m is not None:
            if suffixed and m.groups()[-1] == "/":
                rest, rest_i = [""], 0
            if one_name is not None:
                groups = [*values, m.group(one_name)]
            else:
                groups = [*values, *(m.group(n) for n in names)]
            if rest_i == len(rest):
                found = _leaf(following, groups, method, websocket, seen)
            else:
                found = _walk(following, rest, rest_i, groups, method, websocket, seen)
            if found is not None:
                return found
    if i + 1 == end and part == "":
        rule = _first_rule(state.rules, method, websocket, seen, True)
        if rule is not None:
            return rule, values
    return None


def _dynamic(state: t.Any) -> list[tuple[t.Any, ...]]:
    """A state's dynamic transitions, in order, as (compiled pattern, its
    converter group name if it has just one, all of them, final, suffixed,
    next state); kept on the state and remade when it gains transitions
    (the only time they reorder)."""
    transitions = state.dynamic
    cached = state.__dict__.get("_minflask_dynamic")
    if cached is not None and cached[0] == len(transitions):
        return cached[1]  # type: ignore[no-any-return]
    compiled = []
    for test_part, following in transitions:
        pattern, names = _pattern(test_part.content)
        one_name = names[0] if len(names) == 1 else None
        compiled.append(
            (pattern, one_name, names, test_part.final, test_part.suffixed, following)
        )
    state.__dict__["_minflask_dynamic"] = (len(transitions), compiled)
    return compiled


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


class _Index:
    """What :func:`match` keeps per map, on Werkzeug's matcher object, and
    drops when rules are added (when the map asks to be updated).

    ``states``: ``(domain, path) -> state`` for every state reached from the
    root through static transitions alone: where a URL without variable
    parts ends, and where one whose last part is variable continues. The
    walk would reach either first, as it tries static transitions first.
    A table missing later rules would still be right (states are never
    replaced; new rules join the existing states' lists): it would only
    miss new paths, which the walk finds.

    ``hits``: ``(domain, path, method, websocket) -> (rule, number of rules
    for its endpoint)`` for URLs that matched a plain converter-free rule
    through ``states``: the match is a pure function of that key while the
    endpoint gains no rule (which could make it redirect).
    """

    __slots__ = ("hits", "root", "states")

    def __init__(self, root: t.Any) -> None:
        self.root = root
        self.hits: dict[tuple[str, str, str, bool], tuple[Rule, int]] = {}
        self.states: dict[tuple[str, str], t.Any] = {}

        def visit(state: t.Any, domain: str, parts: list[str]) -> None:
            self.states[(domain, "/".join(parts))] = state
            for part, following in state.static.items():
                if "/" not in part:
                    visit(following, domain, [*parts, part])

        for domain, state in root.static.items():
            visit(state, domain, [])


#: At most this many URLs are remembered per map in ``_Index.hits``.
_HITS_SIZE = 1024


def _index(url_map: Map) -> _Index | None:
    """The map's index, made (again) when missing or when rules were added;
    None for a matcher of another shape than Werkzeug's state machine."""
    matcher = url_map._matcher
    matcher_vars = vars(matcher)
    if url_map._remap:  # rules were added: let Werkzeug re-sort, re-index
        url_map.update()
        matcher_vars.pop("_minflask_index", None)
    index: _Index | None = matcher_vars.get("_minflask_index")
    if index is None:
        root = getattr(matcher, "_root", None)
        if root is None:
            return None
        index = matcher_vars["_minflask_index"] = _Index(root)
    return index


def _remember(
    index: _Index, key: tuple[str, str, str, bool], url_map: Map, rule: Rule
) -> None:
    """Keep a static match in ``index.hits`` if nothing could make it
    redirect: not an alias, no ``redirect_to``, first rule of its endpoint."""
    rules = url_map._rules_by_endpoint[rule.endpoint]
    if (
        rules[0] is rule
        and rule.redirect_to is None
        and not rule.alias
        and len(index.hits) < _HITS_SIZE
    ):
        index.hits[key] = (rule, len(rules))


def match(
    adapter: MapAdapter, path_info: str | None = None, method: str | None = None
) -> tuple[Rule, dict[str, t.Any]] | None:
    """``adapter.match(path_info, method, return_rule=True)`` (by default
    the adapter's own path and method), or None where that would redirect
    (see the module docstring). Raises the same NotFound, MethodNotAllowed
    or WebsocketMismatch."""
    url_map = adapter.map
    index = _index(url_map)
    if index is None:
        return None
    domain = adapter.server_name
    if not url_map.host_matching and adapter.subdomain is not None:
        domain = adapter.subdomain
    path = adapter.path_info if path_info is None else path_info
    path = f"/{path.lstrip('/')}" if path else ""
    method = (method or adapter.default_method).upper()
    websocket = adapter.websocket
    key = (domain, path, method, websocket)
    hit = index.hits.get(key)
    if hit is not None:
        known, rule_count = hit
        if len(url_map._rules_by_endpoint[known.endpoint]) == rule_count:
            return known, dict(known.defaults) if known.defaults else {}

    seen: list[t.Collection[str] | None] = []
    found: tuple[Rule, list[str]] | None = None
    parts = [domain, *path.split("/")]
    try:
        state = index.states.get((domain, path))
        if state is not None:
            # Every part is static: the walk would end in this state first.
            static_rule = _first_rule(state.rules, method, websocket, seen, False)
            if static_rule is not None:
                found = static_rule, []
                _remember(index, key, url_map, static_rule)
        else:
            state = index.states.get((domain, path.rpartition("/")[0]))
            if state is not None:
                # All parts but the last are static: the walk would first
                # try the last one from this state.
                found = _walk(state, parts, len(parts) - 1, [], method, websocket, seen)
        if found is None:
            seen.clear()
            found = _walk(index.root, parts, 0, [], method, websocket, seen)
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
        # Plain zip, as Werkzeug's (strict=False costs a keyword call here).
        for name, raw in zip(converters, raw_values):  # noqa: B905
            try:
                values[name] = converters[name].to_python(raw)
            except ValidationError:
                raise _no_match_error(seen) from None
    if rule.defaults:
        values.update(rule.defaults)
    return rule, values


def adapter_for(
    bound: MapAdapter, path_info: str, method: str, query_string: str
) -> MapAdapter:
    """A request's adapter: ``bound`` (an adapter bound to its host, script
    root and scheme) for the request's raw WSGI path, method and query."""
    return MapAdapter(
        bound.map,
        bound.server_name,
        bound.script_name,
        bound.subdomain,
        bound.url_scheme,
        decode_wsgi(path_info),
        method,
        decode_wsgi(query_string),
    )


def decode_wsgi(value: str) -> str:
    """A WSGI environ string (UTF-8 bytes held as latin-1) as real text."""
    if value.isascii():
        return value
    return value.encode("latin1").decode(errors="replace")


#: Werkzeug's converters: their ``to_url`` depends on the value alone.
_PURE_CONVERTERS = frozenset(
    {
        UnicodeConverter,
        PathConverter,
        AnyConverter,
        IntegerConverter,
        FloatConverter,
        UUIDConverter,
    }
)

#: URLs kept per app before its build cache starts over.
_BUILD_CACHE_SIZE = 2048


def build(
    cache: dict[tuple[t.Any, ...], str],
    adapter: MapAdapter,
    endpoint: str,
    values: dict[str, t.Any],
    method: str | None,
    url_scheme: str | None,
    force_external: bool,
) -> str:
    """``adapter.build(endpoint, values, method=..., url_scheme=...,
    force_external=...)``, remembered in ``cache``.

    The URL is remembered only when it depends on nothing but the key: a
    plain MapAdapter, values that are ``str`` or ``int`` (immutable, and
    never equal across the two types), and rules of Werkzeug's own class
    with Werkzeug's converters. The key holds every input the build reads:
    the map and its query-sorting settings, the number of rules for the
    endpoint (it grows when one is added), and the adapter's binding.
    """
    items = tuple(values.items())
    if type(adapter) is MapAdapter and type(endpoint) is str:
        for _, value in items:
            if type(value) is not str and type(value) is not int:
                break
        else:
            url_map = adapter.map
            rules = url_map._rules_by_endpoint.get(endpoint, ())
            key = (
                endpoint,
                items,
                method,
                url_scheme,
                force_external,
                url_map,
                url_map.sort_parameters,
                url_map.sort_key,
                len(rules),
                adapter.server_name,
                adapter.script_name,
                adapter.subdomain,
                adapter.url_scheme,
                adapter.default_method,
            )
            url = cache.get(key)
            if url is None:
                url = adapter.build(
                    endpoint,
                    values,
                    method=method,
                    url_scheme=url_scheme,
                    force_external=force_external,
                )
                if all(_builds_purely(rule) for rule in rules):
                    if len(cache) >= _BUILD_CACHE_SIZE:
                        cache.clear()
                    cache[key] = url
            return url
    return adapter.build(
        endpoint,
        values,
        method=method,
        url_scheme=url_scheme,
        force_external=force_external,
    )


def _builds_purely(rule: Rule) -> bool:
    """Whether ``rule`` builds URLs from its values alone."""
    return type(rule) is Rule and all(
        type(converter) in _PURE_CONVERTERS for converter in rule._converters.values()
    )
