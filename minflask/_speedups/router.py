"""URL matching compiled from a map's public rule data.

Werkzeug matches a URL by walking a state machine built from the rules: one
state per ``/``-separated part, the static transition tried first, then the
dynamic ones (regular expressions) in weight order, backtracking until a
state holds a rule for the method. :class:`Router` builds the same machine
itself, from what a rule says in public (its string, methods, defaults,
slashes, host or subdomain, websocket flag) and the converters its map
makes through ``Rule.get_converter``, and keeps two tables beside it:

* every URL made of static parts only, with the rule each method lands on:
  a dict lookup answers ``/`` or ``/about``;
* every state reached through static parts, so that ``/user/42`` starts at
  the state for ``/user`` and tries only the last part there.

It answers a plain match, and a plain 404: a URL no rule matches and no
rule refused for its method or websocket flag. Wherever Werkzeug would
redirect (a missing trailing slash, merged slashes, an alias,
``redirect_to``, defaults that point at another rule), answer 405 or
refuse a websocket, :meth:`Router.match` returns None before any
converter runs, and the caller asks ``MapAdapter.match``. A converter that
rejects its value (``ValidationError``) ends the match with the error
Werkzeug raises there, found by walking again and noting what each rule
tried refused, so a converter runs once per request either way.

The order of rules decides ties, and only the order they were added in is
Werkzeug's: :func:`watch` wraps a map's ``add`` to note it. A map that
already held rules when first seen is left to Werkzeug entirely.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    Map,
    MapAdapter,
    PathConverter,
    Rule,
    RuleFactory,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
    WebsocketMismatch,
    parse_converter_args,
)

from .memo import Memo

#: One token of a rule string: a slash, static text, or a variable
#: ``<converter(arguments):name>`` (converter and arguments optional).
_TOKEN = re.compile(
    r"(?P<slash>/)"
    r"|(?P<text>[^</]+)"
    r"|<(?:(?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>.*?)\))?:)?"
    r"(?P<var>[a-zA-Z_][a-zA-Z0-9_]*)>"
)

#: Werkzeug's converters: their ``to_url`` depends on the value alone.
PURE_CONVERTERS = frozenset(
    {
        UnicodeConverter,
        PathConverter,
        AnyConverter,
        IntegerConverter,
        FloatConverter,
        UUIDConverter,
    }
)


class _SlashRequired(Exception):
    """Only the URL with a trailing slash matches: Werkzeug redirects."""


class _Unsupported(Exception):
    """A rule this router cannot mirror: the whole map goes to Werkzeug."""


@dataclass(frozen=True)
class Part:
    """One ``/``-separated part of a rule: static text, or a regular
    expression whose groups ``_mf0``, ``_mf1``... hold the variables."""

    content: str
    final: bool  # consumes every remaining part (a converter matching "/")
    static: bool
    suffixed: bool  # final, and the rule ends in "/": may capture that slash
    weight: tuple[t.Any, ...]


@dataclass
class ParsedRule:
    """What matching and building need to know about one rule."""

    rule: Rule
    domain: list[Part]
    path: list[Part]
    converters: list[tuple[str, BaseConverter]]


def _parse(string: str, rule: Rule) -> t.Iterator[tuple[Part, list[tuple[str, t.Any]]]]:
    """The parts of ``string`` (a rule's path or domain), each with the
    converters of its variables, as Werkzeug splits and weighs them."""
    content = ""
    static = True
    final = False
    static_weights: list[tuple[int, int]] = []
    argument_weights: list[t.Any] = []
    variables: list[tuple[str, t.Any]] = []

    def weight() -> tuple[t.Any, ...]:
        return (
            -len(static_weights),
            tuple(static_weights),
            -len(argument_weights),
            tuple(argument_weights),
        )

    pos = 0
    while pos < len(string):
        token = _TOKEN.match(string, pos)
        if token is None:
            raise _Unsupported(string)
        pos = token.end()
        text, name, slash = token["text"], token["var"], token["slash"]
        if text is not None:
            static_weights.append((len(static_weights), -len(text)))
            content += text if static else re.escape(text)
        elif name is not None:
            if static:
                content = re.escape(content)
                static = False
            args, kwargs = parse_converter_args(token["args"] or "")
            converter = rule.get_converter(
                name, token["conv"] or "default", args, kwargs
            )
            if not converter.part_isolating:
                final = True
            content += f"(?P<_mf{len(variables)}>{converter.regex})"
            argument_weights.append(converter.weight)
            variables.append((name, converter))
        elif slash is not None and final:
            content += "/"
        else:
            if not static:
                content += r"\Z"
            yield Part(content, final, static, False, weight()), variables
            content, static, final = "", True, False
            static_weights, argument_weights, variables = [], [], []
    suffixed = final and content.endswith("/")
    if suffixed:
        content = content[:-1] + "(?<!/)(/?)"
    if not static:
        content += r"\Z"
    yield Part(content, final, static, suffixed, weight()), variables
    if suffixed:
        yield Part("", False, True, False, weight()), []


def parse_rule(rule: Rule) -> ParsedRule:
    """Split a bound rule into its domain and path parts, with converters
    made by the rule's own ``get_converter`` (so call it while the map's
    converters are the ones the rule was bound with)."""
    url_map = rule.map
    domain_rule = (rule.host if url_map.host_matching else rule.subdomain) or ""
    converters: list[tuple[str, BaseConverter]] = []
    domain: list[Part] = []
    if domain_rule:
        for part, variables in _parse(domain_rule, rule):
            domain.append(part)
            converters.extend(variables)
    else:
        domain.append(Part("", False, True, False, (0, (), 0, ())))
    string = rule.rule
    if rule.merge_slashes:
        string = re.sub("/{2,}", "/", string)
    path: list[Part] = []
    for part, variables in _parse(string, rule):
        path.append(part)
        converters.extend(variables)
    if len(domain) != 1:
        raise _Unsupported(domain_rule)
    return ParsedRule(rule, domain, path, converters)


def _identity(value: str) -> str:
    return value


def _to_python(converter: BaseConverter) -> t.Callable[[str], t.Any]:
    """The converter's ``to_python``, or a plain function equal to it for
    the two that do the least: the default string converter returns the
    value as is, an argument-free int converter calls ``int`` on digits."""
    cls = type(converter)
    if cls.to_python is BaseConverter.to_python:
        return _identity
    if cls is IntegerConverter:
        number = t.cast(IntegerConverter, converter)
        if not number.fixed_digits and number.min is None and number.max is None:
            return int
    return converter.to_python


class _Target:
    """A rule as the walk sees it."""

    __slots__ = (
        "converters",
        "defaults",
        "methods",
        "one",
        "plain",
        "rule",
        "strict_slashes",
        "websocket",
    )

    def __init__(self, parsed: ParsedRule, plain: bool) -> None:
        rule = parsed.rule
        self.rule = rule
        self.methods = rule.methods
        self.websocket = rule.websocket
        self.strict_slashes = rule.strict_slashes
        self.defaults = dict(rule.defaults) if rule.defaults else None
        self.converters = tuple(
            (str(name), _to_python(converter)) for name, converter in parsed.converters
        )
        #: Matching it cannot end in a redirect.
        self.plain = plain
        #: (name, to_python) of its only converter, if it has one.
        self.one = self.converters[0] if len(self.converters) == 1 else None

    def accepts(self, method: str, websocket: bool) -> bool:
        return self.websocket == websocket and (
            self.methods is None or method in self.methods
        )


class _Edge:
    """A dynamic transition."""

    __slots__ = ("final", "match", "names", "part", "state", "suffixed")

    def __init__(self, part: Part, state: _State) -> None:
        pattern = re.compile(part.content)
        self.part = part
        self.match = pattern.match
        self.names = tuple(
            sorted(
                (n for n in pattern.groupindex if n.startswith("_mf")),
                key=lambda n: int(n[3:]),
            )
        )
        self.final = part.final
        self.suffixed = part.suffixed
        self.state = state


#: (HTTP method -> outcome, other methods, the same for websockets)
_Table = tuple[dict[str, t.Any], t.Any, dict[str, t.Any], t.Any]


@dataclass
class _State:
    static: dict[str, _State] = field(default_factory=dict)
    dynamic: list[_Edge] = field(default_factory=list)
    rules: list[_Target] = field(default_factory=list)
    #: For a state reached through static parts only: what a URL ending
    #: here gets (see :meth:`Router._leaf_table`), and its dynamic
    #: transitions as (how to test a part, match, group names, what a URL
    #: ending there gets).
    leaf: _Table | None = None
    plan: tuple[tuple[str, t.Any, tuple[str, ...], _Table], ...] = ()


#: How a prefix state's plan tests a last part against a transition: its
#: regular expression, or, for the two commonest patterns (one variable
#: filling the part), a string check that accepts exactly the same parts
#: (``\d`` is Unicode's decimal digits, as ``str.isdecimal``; a last part
#: has no "/" and is not empty).
_REGEX, _DIGITS, _ANY = "regex", "digits", "any"
_WHOLE_PART = {
    r"(?P<_mf0>\d+)\Z": _DIGITS,
    r"(?P<_mf0>[^/]+)\Z": _ANY,
    r"(?P<_mf0>[^/]{1,})\Z": _ANY,
}

#: What a static URL's table says when the walk must go on (backtrack).
_WALK = object()
#: ... and when Werkzeug must answer (a redirect).
_ASK = object()

_Found = tuple[_Target, list[str]]


class Router:
    """The state machine of one map's rules, in the order they were added."""

    #: The number of rules added to the map when it was compiled.
    version = -1

    def __init__(self, url_map: Map, parsed: list[ParsedRule]) -> None:
        self.url_map = url_map
        self.redirect_defaults = url_map.redirect_defaults
        by_endpoint: dict[t.Any, list[Rule]] = {}
        for rule in url_map.iter_rules():
            by_endpoint.setdefault(rule.endpoint, []).append(rule)
        self.root = _State()
        for entry in parsed:
            rule = entry.rule
            if rule.build_only:
                continue
            plain = rule.redirect_to is None and not (
                rule.alias and self.redirect_defaults
            )
            if plain and self.redirect_defaults:
                # MapAdapter.match redirects to an earlier rule of the
                # endpoint that provides defaults for this one.
                for other in by_endpoint.get(rule.endpoint, ()):
                    if other is rule:
                        break
                    if other.provides_defaults_for(rule):
                        plain = False
                        break
            self._add(entry, _Target(entry, plain))
        self._sort(self.root)
        #: (domain, path) -> the state every static URL part leads to.
        self.states: dict[tuple[str, str], _State] = {}
        for domain, state in self.root.static.items():
            self._index(domain, state, [])
        #: (domain, path, method) -> (rule, defaults) for an HTTP request
        #: to a static URL that a rule listing the method answers plainly:
        #: what :meth:`match` finds there, in one look-up.
        self.static_http: dict[
            tuple[str, str, str], tuple[Rule, dict[str, t.Any] | None]
        ] = {}
        for (domain, path), state in self.states.items():
            http = state.leaf[0]  # type: ignore[index]
            for method, outcome in http.items():
                if type(outcome) is _Target:
                    self.static_http[(domain, path, method)] = (
                        outcome.rule,
                        outcome.defaults,
                    )

    def _add(self, entry: ParsedRule, target: _Target) -> None:
        state = self.root
        for part in [*entry.domain, *entry.path]:
            if part.static:
                state = state.static.setdefault(part.content, _State())
            else:
                for edge in state.dynamic:
                    if edge.part == part:
                        state = edge.state
                        break
                else:
                    new = _State()
                    state.dynamic.append(_Edge(part, new))
                    state = new
        state.rules.append(target)

    def _sort(self, state: _State) -> None:
        state.dynamic.sort(key=lambda edge: edge.part.weight)
        for child in state.static.values():
            self._sort(child)
        for edge in state.dynamic:
            self._sort(edge.state)

    def _index(self, domain: str, state: _State, parts: list[str]) -> None:
        for content, child in state.static.items():
            path = [*parts, content]
            self.states[(domain, "/".join(path))] = child
            child.leaf = self._leaf_table(child)
            child.plan = tuple(
                (
                    _WHOLE_PART.get(edge.part.content, _REGEX),
                    edge.match,
                    edge.names,
                    self._leaf_table(edge.state),
                )
                for edge in child.dynamic
            )
            self._index(domain, child, path)

    def _leaf_table(self, state: _State) -> _Table:
        """Per method (HTTP, then websocket), what a URL whose parts end at
        ``state`` gets: the target, _WALK (no rule here: the walk goes on)
        or _ASK (a redirect, or a rule that may redirect)."""
        methods: set[str] = set()
        slash = state.static.get("")
        for target in [*state.rules, *(slash.rules if slash else ())]:
            methods.update(target.methods or ())

        def outcome(method: str, websocket: bool) -> t.Any:
            try:
                found = self._leaf(state, [], method, websocket, None)
            except _SlashRequired:
                return _ASK
            if found is None:
                return _WALK
            return found[0] if found[0].plain else _ASK

        other = "\0other"  # no rule lists it: only methods=None rules accept
        return (
            {m: outcome(m, False) for m in methods},
            outcome(other, False),
            {m: outcome(m, True) for m in methods},
            outcome(other, True),
        )

    # -- the walk: Werkzeug's order ------------------------------------------

    @staticmethod
    def _leaf(
        state: _State,
        values: list[str],
        method: str,
        websocket: bool,
        seen: _Seen | None,
    ) -> _Found | None:
        for target in state.rules:
            if target.methods is not None and method not in target.methods:
                if seen is not None:
                    seen.methods.update(target.methods)
            elif target.websocket != websocket:
                if seen is not None:
                    seen.websocket = True
            else:
                return target, values
        slash = state.static.get("")
        if slash is not None:
            for target in slash.rules:
                if target.accepts(method, websocket):
                    if target.strict_slashes:
                        raise _SlashRequired
                    return target, values
        return None

    def _walk(
        self,
        state: _State,
        parts: list[str],
        i: int,
        values: list[str],
        method: str,
        websocket: bool,
        seen: _Seen | None,
    ) -> _Found | None:
        end = len(parts)
        if i == end:
            return self._leaf(state, values, method, websocket, seen)
        part = parts[i]
        child = state.static.get(part)
        if child is not None:
            found = self._walk(child, parts, i + 1, values, method, websocket, seen)
            if found is not None:
                return found
        for edge in state.dynamic:
            if edge.final:
                target, rest, rest_i = "/".join(parts[i:]), parts, end
            else:
                target, rest, rest_i = part, parts, i + 1
            m = edge.match(target)
            if m is None:
                continue
            if edge.suffixed and m.groups()[-1] == "/":
                rest, rest_i = [""], 0
            names = edge.names
            if len(names) == 1:
                groups = [*values, m.group(names[0])]
            else:
                groups = [*values, *m.group(*names)]
            found = self._walk(
                edge.state, rest, rest_i, groups, method, websocket, seen
            )
            if found is not None:
                return found
        if i + 1 == end and part == "":
            for lax in state.rules:
                if lax.strict_slashes:
                    continue
                if lax.methods is not None and method not in lax.methods:
                    if seen is not None:
                        seen.methods.update(lax.methods)
                elif lax.websocket != websocket:
                    if seen is not None:
                        seen.websocket = True
                else:
                    return lax, values
        return None

    # -- answering ---------------------------------------------------------

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]] | None:
        """The rule and arguments for a plain match; None where
        ``MapAdapter.match`` must answer. Raises NotFound for a plain 404,
        and NotFound or MethodNotAllowed when a converter rejects its
        value, as Werkzeug would."""
        found: _Found | None = None
        outcome: t.Any
        state = self.states.get((domain, path))
        if state is not None:
            # Every part static: the walk ends here first.
            http, http_other, ws, ws_other = state.leaf  # type: ignore[misc]
            if websocket:
                outcome = ws.get(method, ws_other)
            else:
                outcome = http.get(method, http_other)
            if outcome is _ASK:
                return None
            if outcome is not _WALK:
                defaults = outcome.defaults
                return outcome.rule, dict(defaults) if defaults else {}
        else:
            head, _, last = path.rpartition("/")
            state = self.states.get((domain, head))
            if state is not None and last:
                # All parts but the last static: the walk tries the last
                # one here first (it has no static transition for it, or
                # the whole path would be in ``states``).
                for kind, edge_match, names, table in state.plan:
                    if kind is _REGEX:
                        m = edge_match(last)
                        if m is None:
                            continue
                        if len(names) == 1:
                            raw = [m.group(names[0])]
                        else:
                            raw = list(m.group(*names))
                    elif kind is _DIGITS and not last.isdecimal():
                        continue
                    else:
                        raw = [last]  # the whole part is the one variable
                    if websocket:
                        outcome = table[2].get(method, table[3])
                    else:
                        outcome = table[0].get(method, table[1])
                    if outcome is _WALK:
                        continue
                    if outcome is _ASK:
                        return None
                    one = outcome.one
                    if one is not None:
                        # The common case, inline: one variable.
                        try:
                            single = {one[0]: one[1](raw[0])}
                        except ValidationError:
                            raise self._no_match(
                                domain, path, method, websocket
                            ) from None
                        if outcome.defaults:
                            single.update(outcome.defaults)
                        return outcome.rule, single
                    found = outcome, raw
                    break
        if found is None:
            seen = _Seen()
            try:
                parts = [domain, *path.split("/")]
                found = self._walk(self.root, parts, 0, [], method, websocket, seen)
            except _SlashRequired:
                return None
            if found is None:
                if (
                    seen.methods
                    or seen.websocket
                    or ("//" in path and self.url_map.merge_slashes)
                ):
                    return None  # a 405, websocket mismatch or redirect
                # No rule refused the method: Werkzeug's plain 404 (its
                # second try with merged slashes would walk the same path).
                raise NotFound()
        target, raw = found
        if not target.plain:
            return None
        values: dict[str, t.Any] = {}
        if target.converters:
            try:
                for (name, to_python), value in zip(target.converters, raw):  # noqa: B905
                    values[name] = to_python(value)
            except ValidationError:
                raise self._no_match(domain, path, method, websocket) from None
        if target.defaults:
            values.update(target.defaults)
        return target.rule, values

    def _no_match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> Exception:
        """The error Werkzeug raises when the rule the walk found has a
        converter that rejects its value: the walk is made again, noting
        what every rule tried before it refused."""
        seen = _Seen()
        parts = [domain, *path.split("/")]
        self._walk(self.root, parts, 0, [], method, websocket, seen)
        if seen.methods:
            return MethodNotAllowed(valid_methods=list(seen.methods))
        if seen.websocket:
            return WebsocketMismatch()
        return NotFound()


class _Seen:
    """What the rules a walk tried and refused accepted instead."""

    __slots__ = ("methods", "websocket")

    def __init__(self) -> None:
        self.methods: set[str] = set()
        self.websocket = False


class _Listed(RuleFactory):
    """Rules already made by a factory, handed to ``Map.add`` in order."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules

    def get_rules(self, map: Map) -> t.Iterator[Rule]:
        return iter(self.rules)


class Routes:
    """A watched map's rules in the order they were added, and the router
    last compiled from them (stale once ``version`` has moved on)."""

    __slots__ = ("known", "parsed", "pure", "router", "version")

    def __init__(self, known: bool) -> None:
        #: False once the add order is unknown: Werkzeug answers everything.
        self.known = known
        self.parsed: list[ParsedRule] = []
        #: endpoint -> whether all its rules build URLs from values alone.
        self.pure: dict[t.Any, bool] = {}
        self.router: Router | None = None
        #: Rules added so far (part of url_for's cache key).
        self.version = 0

    def note(self, rule: Rule) -> None:
        """Parse a rule just added, with the converters it was bound with."""
        cls = type(rule)
        if cls.compile is not Rule.compile or cls.bind is not Rule.bind:
            raise _Unsupported(rule.rule)
        parsed = parse_rule(rule)
        self.parsed.append(parsed)
        pure = cls is Rule and all(
            type(converter) in PURE_CONVERTERS for _, converter in parsed.converters
        )
        self.pure[rule.endpoint] = self.pure.get(rule.endpoint, True) and pure

    def compiled(self, url_map: Map) -> Router | None:
        """The router for the rules added so far, compiled if it is not
        (None when the map is left to Werkzeug)."""
        router = self.router
        if (
            router is None
            or router.version != self.version
            or router.redirect_defaults != url_map.redirect_defaults
        ):
            if not self.known:
                return None
            # Read before the rules: a rule added meanwhile makes it stale.
            version = self.version
            try:
                router = Router(url_map, self.parsed)
            except Exception:
                # A rule shape this router does not mirror (for example
                # converter weights that do not compare): Werkzeug's alone.
                self.known = False
                return None
            router.version = version
            self.router = router
        return router


_ROUTES = "_minflask_routes"


def routes(url_map: Map) -> Routes | None:
    """The map's :class:`Routes` if :func:`watch` saw it from the start."""
    found: Routes | None = url_map.__dict__.get(_ROUTES)
    return found


def watch(url_map: Map) -> Routes:
    """Note the rules added to ``url_map`` from now on (idempotent).

    A map that already holds rules cannot be matched here (the order they
    were added in is not public): it stays with ``MapAdapter.match``.
    """
    state = routes(url_map)
    if state is not None:
        return state
    state = Routes(known=next(url_map.iter_rules(), None) is None)
    original_add = url_map.add

    def add(rulefactory: RuleFactory) -> None:
        if (
            isinstance(rulefactory, Rule)
            and type(rulefactory).get_rules is Rule.get_rules
        ):
            rules = [rulefactory]
        else:
            rules = list(rulefactory.get_rules(url_map))
            rulefactory = _Listed(rules)
        try:
            original_add(rulefactory)
            if state.known:
                try:
                    for rule in rules:
                        state.note(rule)
                except Exception:
                    # A rule Werkzeug accepts but this router does not
                    # mirror (a host with a slash, a Rule class compiling
                    # its own way).
                    state.known = False
        except BaseException:
            state.known = False  # which of the rules were added is unclear
            raise
        finally:
            # Last: a router compiled from fewer rules is now stale.
            state.version += 1

    add.__doc__ = original_add.__doc__
    url_map.__dict__["add"] = add
    url_map.__dict__[_ROUTES] = state
    return state


def match(
    url_map: Map, domain: str, path: str, method: str, websocket: bool
) -> tuple[Rule, dict[str, t.Any]] | None:
    """The map's plain match (see :meth:`Router.match`), or None."""
    state: Routes | None = url_map.__dict__.get(_ROUTES)
    router = None if state is None else state.compiled(url_map)
    if router is None:
        return None
    return router.match(domain, path, method, websocket)


_MATCH = MapAdapter.match

#: adapter -> (its map, the map's Routes, the domain part it matches in,
#: whether it is a websocket adapter), or None for an adapter this module
#: does not match for. An adapter's binding is fixed when it is made, and
#: the app keeps one per binding, so this fills once per binding.
_bindings: Memo[MapAdapter, tuple[Map, Routes, str, bool] | None] = Memo(256)


def _binding(adapter: MapAdapter) -> tuple[Map, Routes, str, bool] | None:
    url_map = adapter.map
    state: Routes | None = url_map.__dict__.get(_ROUTES)
    if type(adapter).match is not _MATCH or state is None:
        return _bindings.keep(adapter, None)
    domain = adapter.server_name
    if not url_map.host_matching and adapter.subdomain is not None:
        domain = adapter.subdomain
    return _bindings.keep(adapter, (url_map, state, domain, adapter.websocket))


def match_adapter(
    adapter: MapAdapter, path_info: str, method: str
) -> tuple[Rule, dict[str, t.Any]] | None:
    """:func:`match` for what ``adapter.match(path_info, method)`` would
    match: the adapter's domain part, the path and method normalized as
    Werkzeug does. None also for an adapter class with its own ``match``."""
    binding = _bindings[adapter] if adapter in _bindings else _binding(adapter)
    if binding is None:
        return None
    url_map, state, domain, websocket = binding
    router = state.router
    if (
        router is None
        or router.version != state.version
        or router.redirect_defaults != url_map.redirect_defaults
    ):
        router = state.compiled(url_map)
        if router is None:
            return None
    if path_info[:1] != "/" or path_info[1:2] == "/":
        path_info = f"/{path_info.lstrip('/')}" if path_info else ""
    method = method.upper()
    if not websocket:
        found = router.static_http.get((domain, path_info, method))
        if found is not None:
            rule, defaults = found
            return rule, dict(defaults) if defaults else {}
    return router.match(domain, path_info, method, websocket)


def build_version(url_map: Map, endpoint: str) -> int | None:
    """The number of rules added to the map so far, if every rule for
    ``endpoint`` builds its URL from the values alone (Werkzeug's Rule and
    converters); None if that is not known."""
    state: Routes | None = url_map.__dict__.get(_ROUTES)
    if state is None or not state.known or not state.pure.get(endpoint, False):
        return None
    return state.version
