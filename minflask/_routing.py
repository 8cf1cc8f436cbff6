"""URL matching and building: Werkzeug's MapAdapter, with the compiled
router of :mod:`minflask._speedups.router` in front where it is installed.

:func:`match` returns what ``MapAdapter.match(return_rule=True)`` returns:
the compiled router answers a plain match or a plain 404,
``MapAdapter.match`` the rest (redirects, 405). :func:`build` is
``MapAdapter.build``, with its URL remembered where that is a pure
function of its inputs (``url_for``: a page often links to the same
places, on every request).
"""

from __future__ import annotations

import typing as t

from werkzeug.routing import Map, MapAdapter, Rule

try:
    from ._speedups import router as _router
except ImportError:  # pragma: no cover - the shortcuts package was removed
    _router = None  # type: ignore[assignment]


def watch(url_map: Map) -> None:
    """Let the compiled router follow the rules added to ``url_map`` from
    now on (a no-op without it). Call it on a new, empty map."""
    if _router is not None:
        _router.watch(url_map)


def needs_compiling(url_map: Map) -> bool:
    """Whether the next match of ``url_map`` compiles the router first
    (no match since rules were added). False without the compiled router,
    or for a map left to Werkzeug (whose own state is not public)."""
    if _router is None:
        return False
    state = _router.routes(url_map)
    if state is None or not state.known:
        return False
    return state.router is None or state.router.version != state.version


def match(
    adapter: MapAdapter,
    path_info: str | None = None,
    method: str | None = None,
    query_args: str | None = None,
) -> tuple[Rule, dict[str, t.Any]]:
    """``adapter.match(path_info, method, return_rule=True,
    query_args=query_args)`` (by default the adapter's own path, method
    and query): the compiled router answers a plain match or a plain 404,
    and ``MapAdapter.match`` everything else (redirects, 405, websocket
    mismatches), before any converter has run. A converter that rejects
    its value in a plain match raises the NotFound or MethodNotAllowed
    Werkzeug would raise."""
    path = adapter.path_info if path_info is None else path_info
    found = _compiled(adapter, path, method or adapter.default_method)
    if found is not None:
        return found
    rule, values = adapter.match(
        path_info, method, return_rule=True, query_args=query_args
    )
    return rule, t.cast("dict[str, t.Any]", values)


def match_request(
    bound: MapAdapter, path_info: str, method: str, query_string: str
) -> tuple[Rule, dict[str, t.Any]]:
    """:func:`match` for a request's raw WSGI path, method and query, on
    an adapter bound to its host, script root and scheme (the query is
    decoded only if Werkzeug answers: a redirect keeps it)."""
    path = path_info if path_info.isascii() else decode_wsgi(path_info)
    if _router is not None:
        found = _router.match_adapter(bound, path, method)
        if found is not None:
            return found
    rule, values = bound.match(
        path, method, return_rule=True, query_args=decode_wsgi(query_string)
    )
    return rule, t.cast("dict[str, t.Any]", values)


def _compiled(
    adapter: MapAdapter, path_info: str, method: str
) -> tuple[Rule, dict[str, t.Any]] | None:
    """The compiled router's plain match, or None if it has none."""
    if _router is None:
        return None
    return _router.match_adapter(adapter, path_info, method)


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
    with Werkzeug's converters (the compiled router knows which). The key
    holds every input the build reads: the map and its settings, how many
    rules it has had added (a new one may win), and the adapter's binding.
    """
    items = tuple(values.items())
    if _router is not None and type(adapter) is MapAdapter and type(endpoint) is str:
        for _, value in items:
            if type(value) is not str and type(value) is not int:
                break
        else:
            url_map = adapter.map
            version = _router.build_version(url_map, endpoint)
            if version is not None:
                key = (
                    endpoint,
                    items,
                    method,
                    url_scheme,
                    force_external,
                    url_map,
                    version,
                    url_map.host_matching,
                    url_map.sort_parameters,
                    url_map.sort_key,
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
