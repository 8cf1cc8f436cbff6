"""A plain app's request, with the same steps and fewer method hops.

:meth:`Flask.wsgi_app <minflask.app.Flask.wsgi_app>` spells the life of a
request out as short named methods, each one a place a subclass, the
tracer or a hook can step in. Most apps step in nowhere: no
``before_request``, ``after_request`` or URL value preprocessor is
registered, no subclass replaces a step, and nothing wraps ``wsgi_app``.
For such an app, :func:`serve` runs the same steps in one function: push
the context, call the view (or raise the routing error), ``make_response``,
the ``after_this_request`` callbacks, save the session, send, pop. The
contexts are made, pushed, matched and popped here too, as their own
methods would (the stacks through ``push``, ``pop`` and ``top`` only); a
pop with teardown functions or signal receivers to run, or after an
error, is ``RequestContext.pop``'s. Whatever
leaves that road (an automatic OPTIONS answer, a signal receiver for
``request_started``, an exception) goes through the app's own methods, so
the answer and every hook, handler and signal are exactly
:meth:`wsgi_app`'s.

Whether an app qualifies is checked on every request from a few attribute
reads, so registering a hook later, assigning middleware to
``app.wsgi_app`` or starting the tracer takes effect at once. (Which steps
the instance replaced is kept by ``Flask.__setattr__`` and
``__delattr__`` in ``app._shadowed_methods``; a write straight into
``app.__dict__`` goes unseen.)
"""

from __future__ import annotations

import inspect
import sys
import typing as t

from werkzeug.exceptions import HTTPException, NotFound

from .. import signals
from ..ctx import AppContext, RequestContext
from ..globals import _app_ctx_stack, _request_ctx_stack
from ..json.provider import DefaultJSONProvider
from ..wrappers import Request, Response
from .errors import answer_error
from .memo import Memo
from .response import answer, build_plain
from .router import match_adapter

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..app import Flask

_CO_COROUTINE = inspect.CO_COROUTINE
#: minflask's Request.close, which does nothing unless files were parsed.
_CLOSE = Request.close

#: The app methods this road stands in for; a subclass that overrides one
#: (or an instance that shadows one, as the tracer does) takes the full road.
_STEPS = frozenset(
    (
        "wsgi_app",
        "request_context",
        "full_dispatch_request",
        "preprocess_request",
        "dispatch_request",
        "finalize_request",
        "process_response",
        "ensure_sync",
        "should_ignore_error",
        "make_response",
        "_save_session",
        "app_context",
        "do_teardown_request",
        "do_teardown_appcontext",
        "create_url_adapter",
        "_bound_adapter",
        "raise_routing_exception",
        "handle_user_exception",
        "trap_http_exception",
        "handle_http_exception",
    )
)

#: The signals the plain road sends, or checks for receivers before
#: taking a shorter step.
_REQUEST_SIGNALS = (
    signals.appcontext_pushed,
    signals.request_started,
    signals.request_finished,
    signals.request_tearing_down,
    signals.appcontext_tearing_down,
    signals.appcontext_popped,
)

#: False until a receiver connects to one of them: until then one read
#: stands in for their six ``receivers`` checks. Set by blinker's own
#: ``receiver_connected`` signal of each, sent at the end of every
#: ``connect``; never set back (a receiver that leaves costs only the
#: checks again).
_heard = any(signal.receivers for signal in _REQUEST_SIGNALS)


def _note_receiver(signal: t.Any, **kwargs: t.Any) -> None:
    global _heard
    _heard = True


for _signal in _REQUEST_SIGNALS:
    _signal.receiver_connected.connect(_note_receiver)

#: App class -> whether it overrides none of the steps.
_plain_classes: Memo[type, bool] = Memo(256)


def _plain_class(cls: type) -> bool:
    from ..app import Flask

    plain = all(getattr(cls, name) is getattr(Flask, name) for name in _STEPS)
    return _plain_classes.keep(cls, plain)


def serve(
    app: Flask, environ: WSGIEnvironment, start_response: StartResponse
) -> t.Iterable[bytes]:
    """``app.wsgi_app(environ, start_response)``, for a plain app in one
    function; any other app is handed to ``app.wsgi_app``."""
    plain = _plain_classes.get(type(app))
    if plain is None:
        plain = _plain_class(type(app))
    if (
        not plain
        or app.before_request_funcs
        or app.url_value_preprocessors
        or app.after_request_funcs
        or (app._shadowed_methods and not app._shadowed_methods.isdisjoint(_STEPS))
    ):
        return app.wsgi_app(environ, start_response)

    # RequestContext(app, environ), with the adapter deferred as its
    # constructor defers it for the app's own create_url_adapter.
    request = app.request_class(environ)
    request.json_module = app.json
    ctx = RequestContext.__new__(RequestContext)
    ctx.app = app
    ctx.request = request
    ctx._after_request_functions = []
    pushed: list[AppContext | None] = []
    ctx._pushed_app_ctxs = pushed
    path = environ.get("PATH_INFO", "/")
    try:
        bound = app._bound_adapter(request)
        ctx._url_parts = (
            bound,
            path,
            request.method,
            environ.get("QUERY_STRING", ""),
        )
    except HTTPException as e:
        bound = None
        request.routing_exception = e
    app_ctx: AppContext | None = None
    error: BaseException | None = None
    try:
        try:
            # ctx.push(): an app context unless this app's is active.
            top = _app_ctx_stack.top
            if top is None or top.app is not app:
                app_ctx = AppContext.__new__(AppContext)
                app_ctx.app = app
                app_ctx.g = app.app_ctx_globals_class()
                _app_ctx_stack.push(app_ctx)
                app_ctx._push_count = 1
                if _heard and signals.appcontext_pushed.receivers:
                    signals.appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)
            pushed.append(app_ctx)
            _request_ctx_stack.push(ctx)
            if bound is not None:
                found = None
                if path.isascii():
                    try:
                        found = match_adapter(bound, path, request.method)
                    except HTTPException as e:
                        request.routing_exception = e
                if found is not None:
                    request.url_rule, request.view_args = found
                elif request.routing_exception is None:
                    ctx.match_request()
            if not app._got_first_request:
                app._got_first_request = True
            rule: t.Any = request.url_rule
            if (_heard and signals.request_started.receivers) or (
                request.method == "OPTIONS"
                and getattr(rule, "provide_automatic_options", False)
            ):
                response = app.full_dispatch_request()
            else:
                missing = request.routing_exception
                if (
                    missing is not None
                    and type(missing) is NotFound
                    and not app.error_handler_spec
                    and not app.config["TRAP_HTTP_EXCEPTIONS"]
                ):
                    # What handle_user_exception gives for a plain 404 that
                    # no handler and no TRAP_* setting claims: the error.
                    rv: t.Any = missing
                else:
                    try:
                        if missing is not None:
                            app.raise_routing_exception(request)
                        view = app.view_functions[rule.endpoint]
                        code = getattr(view, "__code__", None)
                        if code is None or code.co_flags & _CO_COROUTINE:
                            view = app.ensure_sync(view)
                        rv = view(**request.view_args)  # type: ignore[arg-type]
                    except Exception as e:
                        ctx._dispatch_done = True
                        rv = app.handle_user_exception(e)
                ctx._dispatch_done = True
                rv_type = type(rv)
                routing_error = missing is not None and rv is missing
                if (
                    (rv_type is str or rv_type is dict or routing_error)
                    and app.response_class is Response
                    and not ctx._after_request_functions
                    and ctx._opened_session is None
                    and not (_heard and signals.request_finished.receivers)
                    and not app.session_interface.should_open_for_save(app, request)
                ):
                    # Nothing will see the response as an object: send what
                    # make_response(rv) would, without making it.
                    if rv_type is str:
                        sent = answer(Response, rv, None, environ, start_response)
                    elif routing_error:  # its stock page
                        sent = answer_error(Response, rv, environ, start_response)
                    else:
                        provider = app.json
                        if type(provider) is DefaultJSONProvider and (
                            "response" not in provider.__dict__
                        ):
                            sent = answer(
                                Response,
                                provider._body(rv),
                                provider.mimetype,
                                environ,
                                start_response,
                            )
                        else:
                            sent = None
                    if sent is not None:
                        return sent
                if type(rv) is str and app.response_class is Response:
                    # make_response(rv) is Response(rv): built directly.
                    response = Response.__new__(Response)
                    build_plain(response, rv, None, None)
                elif type(rv) is dict:
                    response = app.json.response(rv)  # as make_response does
                else:
                    response = app.make_response(rv)
                for func in ctx._after_request_functions:
                    response = app.ensure_sync(func)(response)
                # app._save_session(ctx, response):
                interface = app.session_interface
                session = ctx._opened_session
                if session is None and interface.should_open_for_save(app, request):
                    session = ctx._open_session()
                if session is not None and not interface.is_null_session(session):
                    interface.save_session(app, session, response)
                if signals.request_finished.receivers:
                    signals.request_finished.send(
                        app, _async_wrapper=app.ensure_sync, response=response
                    )
        except Exception as e:
            error = e
            response = app.handle_exception(e)
        except BaseException:
            error = sys.exc_info()[1]
            raise
        return response(environ, start_response)
    finally:
        preserve = environ.get("werkzeug.debug.preserve_context")
        if preserve is not None:
            preserve(_app_ctx_stack.top)
            preserve(_request_ctx_stack.top)
        if error is not None and app.should_ignore_error(error):
            error = None
        if (
            error is None
            and len(pushed) == 1
            and not app.teardown_request_funcs
            and not app.teardown_appcontext_funcs
            and not (
                _heard
                and (
                    signals.request_tearing_down.receivers
                    or signals.appcontext_tearing_down.receivers
                    or signals.appcontext_popped.receivers
                )
            )
        ):
            _pop_quietly(ctx, request, pushed)
        else:
            ctx.pop(error)


def _pop_quietly(
    ctx: RequestContext, request: Request, pushed: list[AppContext | None]
) -> None:
    """``ctx.pop(None)`` when no teardown function or signal receiver would
    run: close the request, pop both contexts, the same checks."""
    try:
        if request.__dict__.get("files") or type(request).close is not _CLOSE:
            request.close()
    finally:
        popped = _request_ctx_stack.pop()
        app_ctx = pushed.pop()
        if popped is not None:
            popped.request.environ["werkzeug.request"] = None
        if app_ctx is not None:
            app_popped = _app_ctx_stack.pop()
            app_ctx._push_count -= 1
            if app_popped is not app_ctx:
                raise AssertionError(
                    f"Popped the wrong app context: {app_popped!r} instead of"
                    f" {app_ctx!r}."
                )
    if popped is not ctx:
        raise AssertionError(
            f"Popped the wrong request context: {popped!r} instead of {ctx!r}."
        )
