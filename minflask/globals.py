"""The context stacks and the proxies that read from them.

Two :class:`werkzeug.local.LocalStack` objects hold the active application
and request contexts; minflask uses them through their public ``push``,
``pop`` and ``top`` only. They are backed by context variables, so
each thread and each asyncio task sees its own contexts. The proxies below
look at the top of a stack on every use; with nothing pushed they are falsy
and raise a :class:`RuntimeError` that says which context is missing.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

from werkzeug.local import LocalProxy, LocalStack

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with app.app_context(). See the documentation for more information.\
"""

_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Consult the documentation on testing for
information about how to avoid this problem.\
"""

_app_ctx_stack: LocalStack[AppContext] = LocalStack(
    ContextVar("minflask.app_ctx_stack")
)
_request_ctx_stack: LocalStack[RequestContext] = LocalStack(
    ContextVar("minflask.request_ctx_stack")
)


def _proxy(stack: LocalStack[t.Any], name: str | None, message: str) -> t.Any:
    """A proxy to ``stack.top`` (or its attribute ``name``)."""
    if _attribute_proxy is not None:
        return _attribute_proxy(stack, name, message)
    return LocalProxy(stack, name, unbound_message=message)


try:
    from ._speedups.proxies import attribute_proxy as _attribute_proxy
except ImportError:  # the plain road: Werkzeug's LocalProxy as it is
    _attribute_proxy = None  # type: ignore[assignment]


app_ctx: AppContext = _proxy(_app_ctx_stack, None, _no_app_msg)
current_app: Flask = _proxy(_app_ctx_stack, "app", _no_app_msg)
g: _AppCtxGlobals = _proxy(_app_ctx_stack, "g", _no_app_msg)

request_ctx: RequestContext = _proxy(_request_ctx_stack, None, _no_req_msg)
request: Request = _proxy(_request_ctx_stack, "request", _no_req_msg)
session: SessionMixin = _proxy(_request_ctx_stack, "session", _no_req_msg)


class _StackVar:
    """Flask keeps its contexts in context variables named ``_cv_app`` and
    ``_cv_request``; code written against Flask sometimes reads them. This
    answers ``.get()`` from the matching stack, read-only."""

    def __init__(self, stack: LocalStack[t.Any], name: str) -> None:
        self._stack = stack
        self.name = name

    def get(self, *default: t.Any) -> t.Any:
        """The active context; ``default`` (or LookupError) when none is."""
        top = self._stack.top
        if top is not None:
            return top
        if default:
            return default[0]
        raise LookupError(self.name)


_cv_app = _StackVar(_app_ctx_stack, "minflask.app_ctx")
_cv_request = _StackVar(_request_ctx_stack, "minflask.request_ctx")
