"""Attribute reads through ``request``, ``session``, ``g`` and ``current_app``
in one Python call (the stack's ``top``) instead of four.

The proxies are Werkzeug's :class:`~werkzeug.local.LocalProxy`. Reading
``request.form`` through one goes: the normal attribute look-up on the
proxy, which fails (an ``AttributeError`` made and cleared), the class's
``__getattr__`` (a lookup descriptor), its bound function, the proxy's
``_get_current_object``, the stack's ``top``, then the real ``getattr``.
Views read the proxies all the time, so :func:`attribute_proxy` makes a
LocalProxy that answers the same reads sooner:

- the attributes a view commonly reads (``request.form``, ``.args``,
  ``.method``... ``session.get``, ``current_app.config``: see
  ``_DIRECT``) are properties of the proxy's class whose getter is an
  :func:`operator.attrgetter` of ``stack.top.<name>.<attribute>``: the
  look-up itself finds them, and the only Python call left is the stack's
  public ``top``;
- any other attribute goes to a ``__getattr__`` that is one plain
  function: the stack's ``top``, its attribute ``name``, then the
  attribute asked for.

With nothing pushed, ``top`` is ``None``; the property's getter then
raises ``AttributeError``, which sends Python on to ``__getattr__``, which
raises the ``RuntimeError`` with the proxy's message, as LocalProxy does. A
missing attribute is the same ``AttributeError`` either way. Every other
operation (``bool``, ``repr``, ``==``, setting an attribute,
``_get_current_object()`` ...) is LocalProxy's own, and the class keeps
LocalProxy's name, so even an unbound proxy's ``repr`` is unchanged.

Without this module, :mod:`minflask.globals` makes plain LocalProxy objects.
"""

from __future__ import annotations

import typing as t
from operator import attrgetter

from werkzeug.local import LocalProxy, LocalStack

__all__ = ["attribute_proxy"]

#: Proxy (the context attribute it stands for) -> the attributes read
#: through a direct getter. Only names the real object always has: a
#: getter that raised ``AttributeError`` would be tried twice (the property,
#: then ``__getattr__``). ``g`` is left out: its attributes are the app's.
_DIRECT: dict[str | None, tuple[str, ...]] = {
    "request": (
        "accept_mimetypes",
        "args",
        "authorization",
        "blueprint",
        "blueprints",
        "content_length",
        "content_type",
        "cookies",
        "data",
        "endpoint",
        "environ",
        "files",
        "form",
        "full_path",
        "get_data",
        "get_json",
        "headers",
        "host",
        "is_json",
        "json",
        "method",
        "mimetype",
        "path",
        "query_string",
        "remote_addr",
        "stream",
        "url",
        "url_rule",
        "user_agent",
        "values",
        "view_args",
    ),
    "session": ("get", "modified", "permanent", "pop", "setdefault"),
    "app": ("config", "debug", "extensions", "logger", "name"),
}


def attribute_proxy(stack: LocalStack[t.Any], name: str | None, message: str) -> t.Any:
    """``LocalProxy(stack, name, unbound_message=message)`` with attribute
    reads in one Python call (the common ones) or two (any other)."""
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

    namespace: dict[str, t.Any] = {
        "__slots__": (),
        "__getattr__": __getattr__,
        "__module__": __name__,
        # Read by the getters below through the proxy's class.
        "_minflask_stack": stack,
    }
    for attribute in _DIRECT.get(name, ()):
        namespace[attribute] = property(
            attrgetter(f"_minflask_stack.top.{name}.{attribute}")
        )
    cls = type("LocalProxy", (LocalProxy,), namespace)
    return cls(stack, name, unbound_message=message)
