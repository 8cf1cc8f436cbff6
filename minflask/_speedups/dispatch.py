"""A plain app's request, with the same steps and fewer method hops.

:meth:`Flask.wsgi_app <minflask.app.Flask.wsgi_app>` spells the life of a
request out as short named methods, each one a place a subclass, the
tracer or a hook can step in. Most apps step in nowhere: no
``before_request``, ``after_request`` or URL value preprocessor is
registered, no subclass replaces a step, and nothing wraps ``wsgi_app``.
For such an app, :func:`serve` runs the same steps in one function: push
the context, call the view (or raise the routing error), ``make_response``,
the ``after_this_request`` callbacks, save the session, send, pop. Whatever
leaves that road (an automatic OPTIONS answer, a signal receiver for
``request_started``, an exception) goes through the app's own methods, so
the answer and every hook, handler and signal are exactly
:meth:`wsgi_app`'s.

Whether an app qualifies is checked on every request from a few attribute
reads, so registering a hook later, assigning middleware to
``app.wsgi_app`` or starting the tracer takes effect at once.
"""

from __future__ import annotations

import inspect
import sys
import typing as t

from .. import signals
from ..ctx import RequestContext
from ..globals import _app_ctx_stack, _request_ctx_stack
from ..wrappers import Response
from .memo import Memo
from .response import build_plain

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..app import Flask

_CO_COROUTINE = inspect.CO_COROUTINE

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
    )
)

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
        or not _STEPS.isdisjoint(app.__dict__)
    ):
        return app.wsgi_app(environ, start_response)

    ctx = RequestContext(app, environ)
    error: BaseException | None = None
    try:
        try:
            ctx.push()
            app._got_first_request = True
            request = ctx.request
            rule: t.Any = request.url_rule
            if signals.request_started.receivers or (
                request.method == "OPTIONS"
                and getattr(rule, "provide_automatic_options", False)
            ):
                response = app.full_dispatch_request()
            else:
                try:
                    if request.routing_exception is not None:
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
        ctx.pop(error)
