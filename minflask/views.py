"""Class-based views: :class:`View` and the per-method :class:`MethodView`.

:meth:`View.as_view` turns a class into an ordinary view function that can
be passed to ``add_url_rule``; everything the router needs (methods,
automatic OPTIONS) is read off the class once, when that function is made.
"""

from __future__ import annotations

import typing as t

from .globals import current_app, request

RouteCallable = t.Callable[..., t.Any]

#: Lower-case names of the handlers :class:`MethodView` dispatches to.
http_method_funcs = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


class View:
    """Base for class-based views; override :meth:`dispatch_request`.

    Register with ``app.add_url_rule(rule, view_func=MyView.as_view(name))``.
    Decorators on the class itself are not applied; list them in
    :attr:`decorators` instead.
    """

    #: Methods the view accepts; ``None`` uses the router's default (GET).
    methods: t.ClassVar[t.Collection[str] | None] = None

    #: Force automatic OPTIONS handling on or off; ``None`` uses the default.
    provide_automatic_options: t.ClassVar[bool | None] = None

    #: Decorators applied, first to last, to the function ``as_view`` makes.
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []

    #: Build a fresh instance per request. ``False`` shares one instance,
    #: which is cheaper but makes storing request data on ``self`` unsafe.
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> t.Any:
        """Handle the request; URL variables arrive as keyword arguments."""
        raise NotImplementedError()

    @classmethod
    def as_view(
        cls, name: str, *class_args: t.Any, **class_kwargs: t.Any
    ) -> RouteCallable:
        """Make a view function named ``name`` that runs this class.

        ``class_args`` and ``class_kwargs`` are passed to the constructor.
        """
        view: RouteCallable
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> t.Any:
                # Read ``view_class`` off the final (decorated) function so
                # reassigning that attribute after registration takes effect.
                self = view.view_class(  # type: ignore[attr-defined]
                    *class_args, **class_kwargs
                )
                return current_app.ensure_sync(self.dispatch_request)(**kwargs)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> t.Any:
                return current_app.ensure_sync(shared.dispatch_request)(**kwargs)

        if cls.decorators:
            # Decorators built on functools.wraps copy these, so set them first.
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)

        # The router and url_for introspect these attributes.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = (  # type: ignore[attr-defined]
            cls.provide_automatic_options
        )
        return view


class MethodView(View):
    """Dispatch each request to the method named after its HTTP verb.

    A ``get`` method serves GET (and HEAD when there is no ``head``), ``post``
    serves POST, and so on. :attr:`methods` is filled in from the handlers
    the class defines or inherits, unless the class sets it explicitly.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)

        if "methods" in cls.__dict__:
            return

        found: set[str] = set()
        for base in cls.__bases__:
            base_methods = getattr(base, "methods", None)
            if base_methods:
                found.update(base_methods)
        for func_name in http_method_funcs:
            if hasattr(cls, func_name):
                found.add(func_name.upper())

        # Leave ``None`` when nothing was found so the router default applies.
        if found:
            cls.methods = found

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        """Call the handler for the current request method."""
        method = request.method
        handler = getattr(self, method.lower(), None)

        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)

        if handler is None:
            raise AssertionError(f"Unimplemented method {method!r}")

        return current_app.ensure_sync(handler)(**kwargs)
