"""Attribute reads through ``request``, ``session``, ``g`` and ``current_app``
in two Python calls instead of four.

The proxies are Werkzeug's :class:`~werkzeug.local.LocalProxy`. Reading
``request.form`` through one goes: the class's ``__getattr__`` (a lookup
descriptor), its bound function, the proxy's ``_get_current_object``, the
stack's ``top``, then the real ``getattr``. Views read the proxies all the
time, so :func:`attribute_proxy` makes a LocalProxy whose ``__getattr__`` is
one plain function doing the same: the stack's ``top`` (RuntimeError with
the proxy's message if nothing is pushed), its attribute ``name``, then the
attribute asked for. Every other operation (``bool``, ``repr``, ``==``,
``_get_current_object()`` ...) is LocalProxy's own, and the class keeps
LocalProxy's name, so even an unbound proxy's ``repr`` is unchanged.

Without this module, :mod:`minflask.globals` makes plain LocalProxy objects.
"""

from __future__ import annotations

import typing as t

from werkzeug.local import LocalProxy, LocalStack


def attribute_proxy(stack: LocalStack[t.Any], name: str | None, message: str) -> t.Any:
    """``LocalProxy(stack, name, unbound_message=message)`` with a one-call
    ``__getattr__`` for attribute reads."""
    if name is None:

        def __getattr__(self: LocalProxy[t.Any], attribute: str) -> t.Any:
            top = stack.top
            if top is None:
                raise RuntimeError(message)
            return getattr(top, attribute)

    else:

        def __getattr__(self: LocalProxy[t.Any], attribute: str) -> t.Any:
            top = stack.top
            if top is None:
                raise RuntimeError(message)
            return getattr(getattr(top, name), attribute)

    cls = type(
        "LocalProxy",
        (LocalProxy,),
        {"__slots__": (), "__getattr__": __getattr__, "__module__": __name__},
    )
    return cls(stack, name, unbound_message=message)
