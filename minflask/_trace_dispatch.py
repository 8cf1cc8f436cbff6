"""How a :class:`~minflask.tracing.Tracer` watches the dispatch path.

Each ``instrument_*`` function puts recording wrappers on one part of the
app through ``tracer.patches``, which undoes them all afterwards: the named
dispatch methods (shadowed by instance attributes), the contexts a request
creates, and the hook, view and error-handler registries (elements swapped
in place). A wrapper records only while its tracer is active in the current
context; otherwise it just calls through. The services the app calls out
to (sessions, templates, signals) are watched by :mod:`._trace_services`.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import update_wrapper

from ._trace_describe import (
    describe_conversion,
    describe_exception,
    describe_match,
    describe_value,
    exception_details,
    qualified_name,
    scope_label,
    source_of,
)
from .app import DISPATCH_STEPS
from .globals import _request_ctx_stack

if t.TYPE_CHECKING:  # pragma: no cover
    from .ctx import AppContext, RequestContext
    from .tracing import Step, Tracer

Args = tuple[t.Any, ...]
Describe = Callable[["Step", Args, t.Any], None]

#: App methods shown as spans: the spine the app declares.
TRACED_METHODS = DISPATCH_STEPS

#: Body chunks recorded one by one; the rest are only counted.
_MAX_CHUNK_STEPS = 20


def traced_function(
    tracer: Tracer,
    func: Callable[..., t.Any],
    kind: str,
    title: str,
    describe: Describe,
    *,
    via_ensure_sync: bool = True,
) -> Callable[..., t.Any]:
    """A stand-in for ``func`` in a registry that records each call.

    The app calls it through ``ensure_sync``, and it is synchronous, so it
    applies ``ensure_sync`` to ``func`` itself: async functions still run.
    """
    app = tracer.app
    source = source_of(func)

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        call = app.ensure_sync(func) if via_ensure_sync else func
        if not tracer.active():
            return call(*args, **kwargs)
        with tracer.span(kind, title, source) as step:
            rv = call(*args, **kwargs)
            tracer.describe(step, lambda: describe(step, args, rv))
        return rv

    return update_wrapper(wrapper, func)


# -- the named dispatch methods ------------------------------------------------------


class _MethodDescription(t.NamedTuple):
    before: Callable[[Tracer, Step, Args], None]
    after: Callable[[Tracer, Step, Args, t.Any], None]


def instrument_methods(tracer: Tracer) -> None:
    """Shadow each method in :data:`TRACED_METHODS` with a span."""
    for name in TRACED_METHODS:
        original = getattr(tracer.app, name, None)
        if not callable(original):
            raise RuntimeError(
                f"minflask.app.DISPATCH_STEPS names {name!r}, but the app has"
                " no such method: update DISPATCH_STEPS to the app's spine."
            )
        wrapper = _method_wrapper(tracer, name, original)
        tracer.patches.set_attr(tracer.app, name, wrapper)


def _method_wrapper(
    tracer: Tracer, name: str, original: Callable[..., t.Any]
) -> Callable[..., t.Any]:
    source = source_of(original)
    description = _METHOD_DESCRIPTIONS.get(name, _PLAIN)

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not tracer.active():
            return original(*args, **kwargs)
        with tracer.span("call", f"app.{name}()", source) as step:
            tracer.describe(step, lambda: description.before(tracer, step, args))
            rv = original(*args, **kwargs)
            tracer.describe(step, lambda: description.after(tracer, step, args, rv))
        if name == "wsgi_app":
            return _TracedBody(tracer, rv)
        return rv

    return wrapper


def _nothing(*args: t.Any) -> None:
    pass


def _before_wsgi(tracer: Tracer, step: Step, args: Args) -> None:
    environ = args[0]
    step.title += f": {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


def _after_preprocess(tracer: Tracer, step: Step, args: Args, rv: t.Any) -> None:
    step.details["returned"] = (
        "None: dispatch to the view"
        if rv is None
        else f"{describe_value(rv)}: the view is skipped"
    )


def _after_returning(tracer: Tracer, step: Step, args: Args, rv: t.Any) -> None:
    step.details["returned"] = describe_value(rv)


def _before_exception(tracer: Tracer, step: Step, args: Args) -> None:
    error = args[0]
    step.title = step.title.replace("()", f"({type(error).__name__})")
    step.details.update(exception_details(error))


def _after_http_exception(tracer: Tracer, step: Step, args: Args, rv: t.Any) -> None:
    step.details["returned"] = (
        "the exception itself: it is its own response (no handler applies)"
        if rv is args[0]
        else describe_value(rv)
    )


def _before_handle_exception(tracer: Tracer, step: Step, args: Args) -> None:
    _before_exception(tracer, step, args)
    step.details["propagate"] = (
        "yes: re-raised (testing or debug mode)"
        if tracer.app.propagate_exceptions
        else "no: logged, answered with a 500"
    )


def _before_make_response(tracer: Tracer, step: Step, args: Args) -> None:
    step.details["rv"] = describe_value(args[0])


def _after_make_response(tracer: Tracer, step: Step, args: Args, rv: t.Any) -> None:
    step.details["conversion"] = describe_conversion(args[0], rv)


def _before_process_response(tracer: Tracer, step: Step, args: Args) -> None:
    """Wrap this request's ``after_this_request`` callbacks before they run.

    The list belongs to this request's context, so the wrappers are put in
    place without an undo: the list goes away with the request.
    """
    ctx = _request_ctx_stack.top
    if ctx is None:
        return
    funcs = ctx.after_request_functions
    for index, func in enumerate(funcs):
        title = f"after_this_request {qualified_name(func)}"
        funcs[index] = traced_function(
            tracer, func, "after_this_request", title, _describe_after
        )


def _after_process_response(tracer: Tracer, step: Step, args: Args, rv: t.Any) -> None:
    step.details["response"] = describe_value(rv)


def _before_teardown(tracer: Tracer, step: Step, args: Args) -> None:
    step.details["exc"] = describe_exception(args[0] if args else None)


_PLAIN = _MethodDescription(_nothing, _nothing)
_METHOD_DESCRIPTIONS = {
    "wsgi_app": _MethodDescription(_before_wsgi, _nothing),
    "preprocess_request": _MethodDescription(_nothing, _after_preprocess),
    "dispatch_request": _MethodDescription(_nothing, _after_returning),
    "make_default_options_response": _MethodDescription(_nothing, _after_returning),
    "handle_user_exception": _MethodDescription(_before_exception, _after_returning),
    "handle_http_exception": _MethodDescription(
        _before_exception, _after_http_exception
    ),
    "handle_exception": _MethodDescription(_before_handle_exception, _after_returning),
    "finalize_request": _MethodDescription(_before_make_response, _after_returning),
    "make_response": _MethodDescription(_before_make_response, _after_make_response),
    "process_response": _MethodDescription(
        _before_process_response, _after_process_response
    ),
    "do_teardown_request": _MethodDescription(_before_teardown, _nothing),
    "do_teardown_appcontext": _MethodDescription(_before_teardown, _nothing),
}


class _TracedBody:
    """The WSGI body the app returned, recording each chunk and the close
    (where a streamed response may end its contexts)."""

    def __init__(self, tracer: Tracer, body: Iterable[bytes]) -> None:
        self.tracer = tracer
        self.body = body
        self.chunks = 0
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.chunks += 1
            self.size += len(chunk)
            if self.chunks <= _MAX_CHUNK_STEPS and self.tracer.active():
                title = f"body chunk {self.chunks}: {len(chunk):,} bytes"
                self.tracer.event("body", title)
            yield chunk

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if not self.tracer.active():
            if close is not None:
                close()
            return
        title = f"close response body ({self.chunks} chunks, {self.size:,} bytes)"
        with self.tracer.span("body", title):
            if close is not None:
                close()


# -- contexts and URL matching ----------------------------------------------------------


def instrument_contexts(tracer: Tracer) -> None:
    """Record creating, pushing and popping contexts, and the URL match."""
    app = tracer.app
    make_request_ctx, make_app_ctx = app.request_context, app.app_context
    source = source_of(make_request_ctx)

    def request_context(environ: t.Any) -> RequestContext:
        if not tracer.active():
            return make_request_ctx(environ)
        with tracer.span("context", "create request context", source) as step:
            ctx = make_request_ctx(environ)
            # Guarded: with a host outside TRUSTED_HOSTS even reading the
            # URL raises, and the app must still answer its 400.
            tracer.describe(step, lambda: _describe_new_request(step, ctx))
            tracer.describe(step, lambda: _instrument_request_ctx(tracer, ctx))
        return ctx

    def app_context() -> AppContext:
        ctx = make_app_ctx()
        if tracer.active():
            try:
                _instrument_app_ctx(tracer, ctx)
            except Exception as e:  # traced less, but the request goes on
                tracer.event("context", f"app context not traceable: {e!r}")
        return ctx

    tracer.patches.set_attr(app, "request_context", request_context)
    tracer.patches.set_attr(app, "app_context", app_context)
    _instrument_url_map(tracer)


def _instrument_url_map(tracer: Tracer) -> None:
    """Record the map's public ``update()``: matching calls it, and it
    re-sorts and compiles the rules when they changed since the last match
    (most of the time of an app's first request)."""
    url_map = tracer.app.url_map
    update = url_map.update
    source = source_of(update)

    def traced_update() -> None:
        if not tracer.active():
            return update()
        title = "url_map.update(): compile the rules if they changed"
        with tracer.span("url_map", title, source):
            return update()

    tracer.patches.set_attr(url_map, "update", traced_update)


def _describe_new_request(step: Step, ctx: RequestContext) -> None:
    error = ctx.request.routing_exception
    if error is not None:
        step.details["url adapter"] = f"not built: {describe_exception(error)}"
    step.details["request"] = f"{ctx.request.method} {ctx.request.url}"


def _instrument_request_ctx(tracer: Tracer, ctx: RequestContext) -> None:
    """Shadow the context's methods; the context is this request's own, so
    there is nothing to undo."""
    push, pop, match = ctx.push, ctx.pop, ctx.match_request
    matched = False

    def traced_push() -> None:
        with tracer.span("context", "push request context", source_of(push)):
            push()
            if not matched and ctx.url_adapter is not None:
                # Matched without calling match_request(): read the outcome.
                _record_match(tracer, ctx, None)

    def traced_pop(*args: t.Any) -> None:
        with tracer.span("context", "pop request context", source_of(pop)):
            pop(*args)

    def traced_match() -> None:
        nonlocal matched
        matched = True
        with tracer.span("match", "match URL") as step:
            match()
        _record_match(tracer, ctx, step)

    ctx.push = traced_push  # type: ignore[method-assign]
    ctx.pop = traced_pop  # type: ignore[method-assign,assignment]
    ctx.match_request = traced_match  # type: ignore[method-assign]


def _record_match(tracer: Tracer, ctx: RequestContext, step: Step | None) -> None:
    try:
        title, details = describe_match(ctx.request)
    except Exception as e:  # never let describing break the request
        title, details = "match URL", {"trace note": f"could not describe: {e!r}"}
    if step is None:
        tracer.event("match", title, None, **details)
    else:
        step.title = title
        step.details.update(details)


def _instrument_app_ctx(tracer: Tracer, ctx: AppContext) -> None:
    push, pop = ctx.push, ctx.pop

    def traced_push() -> None:
        with tracer.span("context", "push app context", source_of(push)):
            push()

    def traced_pop(*args: t.Any) -> None:
        with tracer.span("context", "pop app context", source_of(pop)):
            pop(*args)

    ctx.push = traced_push  # type: ignore[method-assign]
    ctx.pop = traced_pop  # type: ignore[method-assign,assignment]


# -- hooks, views and error handlers ------------------------------------------------------


def instrument_hooks(tracer: Tracer) -> None:
    """Wrap every function in the hook registries, keeping their scopes."""
    app = tracer.app
    _wrap_scoped(
        tracer,
        app.url_value_preprocessors,
        "url_value_preprocessor",
        _describe_url_value_preprocessor,
        via_ensure_sync=False,  # the app calls these directly
    )
    _wrap_scoped(tracer, app.before_request_funcs, "before_request", _describe_before)
    _wrap_scoped(tracer, app.after_request_funcs, "after_request", _describe_after)
    _wrap_scoped(
        tracer, app.teardown_request_funcs, "teardown_request", _describe_teardown
    )
    _wrap_scoped(
        tracer,
        app.template_context_processors,
        "context_processor",
        _describe_context_processor,
    )
    funcs = app.teardown_appcontext_funcs
    for index, func in enumerate(funcs):
        title = f"teardown_appcontext {qualified_name(func)}"
        wrapper = traced_function(
            tracer, func, "teardown_appcontext", title, _describe_teardown
        )
        tracer.patches.set_item(funcs, index, wrapper)


def _wrap_scoped(
    tracer: Tracer,
    registry: Mapping[str | None, list[Callable[..., t.Any]]],
    kind: str,
    describe: Describe,
    *,
    via_ensure_sync: bool = True,
) -> None:
    """Wrap each function of a registry keyed by scope (app or blueprint)."""
    for scope, funcs in registry.items():
        for index, func in enumerate(funcs):
            title = f"{kind} {qualified_name(func)} [{scope_label(scope)}]"
            wrapper = traced_function(
                tracer, func, kind, title, describe, via_ensure_sync=via_ensure_sync
            )
            tracer.patches.set_item(funcs, index, wrapper)


def instrument_views_and_handlers(tracer: Tracer) -> None:
    """Wrap every view function and every registered error handler."""
    app = tracer.app
    for endpoint, view in list(app.view_functions.items()):
        title = f"view {endpoint!r}: {qualified_name(view)}"
        wrapper = traced_function(tracer, view, "view", title, _describe_view)
        tracer.patches.set_item(app.view_functions, endpoint, wrapper)
    for scope, by_code in app.error_handler_spec.items():
        for code, by_class in by_code.items():
            for cls, handler in list(by_class.items()):
                key = cls.__name__ if code is None else str(code)
                title = (
                    f"error handler {qualified_name(handler)}"
                    f" [{scope_label(scope)}, {key}]"
                )
                wrapper = traced_function(
                    tracer, handler, "error_handler", title, _describe_handler
                )
                tracer.patches.set_item(by_class, cls, wrapper)


def _describe_url_value_preprocessor(step: Step, args: Args, rv: t.Any) -> None:
    endpoint, values = args
    step.details["endpoint"] = endpoint
    step.details["view args now"] = dict(values or {})


def _describe_before(step: Step, args: Args, rv: t.Any) -> None:
    if rv is None:
        step.details["returned"] = "None: the request goes on"
        return
    step.details["returned"] = describe_value(rv)
    step.details["ended_request"] = True
    step.title += ": ENDED THE REQUEST EARLY (the view is skipped)"


def _describe_view(step: Step, args: Args, rv: t.Any) -> None:
    req_ctx = _request_ctx_stack.top
    if req_ctx is not None:
        step.details["view args"] = dict(req_ctx.request.view_args or {})
    step.details["returned"] = describe_value(rv)


def _describe_after(step: Step, args: Args, rv: t.Any) -> None:
    step.details["returned"] = (
        "the same response" if rv is args[0] else f"a new {describe_value(rv)}"
    )


def _describe_teardown(step: Step, args: Args, rv: t.Any) -> None:
    step.details["exc"] = describe_exception(args[0] if args else None)


def _describe_context_processor(step: Step, args: Args, rv: t.Any) -> None:
    step.details["adds"] = sorted(rv) if isinstance(rv, Mapping) else describe_value(rv)


def _describe_handler(step: Step, args: Args, rv: t.Any) -> None:
    details = exception_details(args[0])
    step.details["chosen for"] = details.pop("exception")
    step.details.update(details)
    step.details["returned"] = describe_value(rv)
