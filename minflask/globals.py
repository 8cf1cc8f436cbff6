"""The context stacks and the proxies that read from them.

Two stacks (:class:`werkzeug.local.LocalStack` subclasses) hold the active
application and request contexts. They are backed by context variables, so
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

T = t.TypeVar("T")


class _ContextStack(LocalStack[T]):
    """A LocalStack that keeps ``(top, rest)`` pairs in its context variable
    instead of a list: every request pushes and pops both stacks, and this
    way neither copies anything, and ``top`` is one lookup."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(ContextVar(name))

    def push(self, obj: T) -> None:  # type: ignore[override]
        """Put ``obj`` on top of the stack."""
        storage: t.Any = self._storage
        storage.set((obj, storage.get(None)))

    def pop(self) -> T | None:
        """Remove and return the top item (None if the stack is empty)."""
        storage: t.Any = self._storage
        node = storage.get(None)
        if node is None:
            return None
        storage.set(node[1])
        return node[0]  # type: ignore[no-any-return]

    @property
    def top(self) -> T | None:
        """The top item, or None if the stack is empty."""
        node: t.Any = self._storage.get(None)
        return None if node is None else node[0]

    def __release_local__(self) -> None:
        self._storage.set(None)  # type: ignore[arg-type]


_app_ctx_stack: LocalStack[AppContext] = _ContextStack("minflask.app_ctx_stack")
_request_ctx_stack: LocalStack[RequestContext] = _ContextStack(
    "minflask.request_ctx_stack"
)


def _proxy(stack: LocalStack[t.Any], name: str | None, message: str) -> t.Any:
    """A proxy to ``stack.top`` (or its attribute ``name``)."""
    return LocalProxy(stack, name, unbound_message=message)


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
