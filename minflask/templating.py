"""Jinja templates: the environment bound to an app, the loader that searches
the app's and the blueprints' template folders, and the render functions.

This is the only minflask module that imports Jinja at its top; the app
reaches it through ``app.jinja_env``, created on first use, so apps that
never render a template never pay for importing Jinja.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Iterator, MutableMapping

from jinja2 import BaseLoader, TemplateNotFound, TemplatesNotFound
from jinja2 import Environment as BaseEnvironment
from jinja2 import Template as BaseTemplate
from jinja2.runtime import Context as BaseContext

from . import signals
from .globals import _request_ctx_stack, current_app
from .helpers import stream_with_context

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .scaffold import Scaffold

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]

#: What ``BaseLoader.get_source`` returns: source, filename, up-to-date check.
SourceTriple = tuple[str, str | None, Callable[[], bool] | None]

_BLUEPRINT_TEMPLATES_DOCS = "https://flask.palletsprojects.com/blueprints/#templates"


try:
    from ._speedups.templating import (
        REMEMBERED_FILTERS,
        Context,
        Template,
        dict_item_or_attribute,
    )
except ImportError:  # the plain road: Jinja's own context, template and filters
    Context = BaseContext  # type: ignore[misc,assignment]
    Template = BaseTemplate  # type: ignore[misc]
    dict_item_or_attribute = None  # type: ignore[assignment]
    REMEMBERED_FILTERS = {}


class Environment(BaseEnvironment):
    """A Jinja environment that knows its app (``self.app``); by default it
    loads templates through :meth:`~minflask.Flask.create_global_jinja_loader`.

    With :mod:`minflask._speedups.templating`, ``user.name`` on a dict (the
    usual template data) is looked up as a key at once: Jinja tries the
    attribute first, which for a dict only raises; and the ``title`` filter
    remembers what it made of a plain string.
    """

    context_class = Context
    template_class = Template

    def __init__(self, app: Flask, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app
        filters = self.filters
        for name, (builtin, remembered) in REMEMBERED_FILTERS.items():
            if filters.get(name) is builtin:
                filters[name] = remembered

    if dict_item_or_attribute is not None:
        # Jinja's ``getattr`` (the attribute, else the item, else undefined),
        # reading a plain dict's key first.
        getattr = dict_item_or_attribute

    def select_template(
        self,
        names: Iterable[str | BaseTemplate],
        parent: str | None = None,
        globals: MutableMapping[str, t.Any] | None = None,
    ) -> BaseTemplate:
        """Jinja's ``select_template``, with the folders searched added to
        the :class:`~jinja2.TemplatesNotFound` message."""
        try:
            return super().select_template(names, parent, globals)
        except TemplatesNotFound as e:
            loader = self.loader
            if not e.templates or not isinstance(loader, DispatchingJinjaLoader):
                raise
            names_tried = t.cast("list[str]", e.templates)
            message = f"{e.message}\n{loader.describe_search()}"
            raise TemplatesNotFound(names_tried, message) from None


class DispatchingJinjaLoader(BaseLoader):
    """Looks a template up in the app's template folder, then in each
    registered blueprint's, in registration order; the first match wins.

    With ``EXPLAIN_TEMPLATE_LOADING`` on, every loader is tried and the
    search is logged to ``app.logger``.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def get_source(self, environment: BaseEnvironment, template: str) -> SourceTriple:
        """The first loader's source for ``template``; TemplateNotFound
        (naming every folder searched) when none has it."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _owner, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise self._not_found(template)

    def _get_source_explained(
        self, environment: BaseEnvironment, template: str
    ) -> SourceTriple:
        """Try every loader (to report duplicates too), log, return the first match."""
        attempts: list[tuple[Scaffold, BaseLoader, SourceTriple | None]] = []
        for owner, loader in self._iter_loaders():
            try:
                found: SourceTriple | None = loader.get_source(environment, template)
            except TemplateNotFound:
                found = None
            attempts.append((owner, loader, found))
        _explain_attempts(self.app, template, attempts)
        for _owner, _loader, found in attempts:
            if found is not None:
                return found
        raise self._not_found(template)

    def _iter_loaders(self) -> Iterator[tuple[Scaffold, BaseLoader]]:
        """(owner, loader) pairs in search order; owners without a template
        folder are skipped."""
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader
        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def list_templates(self) -> list[str]:
        """Every template name any of the loaders knows, sorted, once each."""
        names: set[str] = set()
        for _owner, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return sorted(names)

    def describe_search(self) -> str:
        """Where templates are looked for, one line per loader, in order."""
        places = [
            f"  - {_describe_owner(owner)}: {_describe_loader(loader)}"
            for owner, loader in self._iter_loaders()
        ]
        if not places:
            return (
                "There was nowhere to look: neither the app nor any registered"
                " blueprint has a template folder."
            )
        return "Searched in this order:\n" + "\n".join(places)

    def _not_found(self, template: str) -> TemplateNotFound:
        # ``name`` stays the bare template name; the message starts with it.
        return TemplateNotFound(template, f"{template}\n{self.describe_search()}")


def _describe_owner(owner: Scaffold) -> str:
    """``application 'import.name'`` or ``blueprint 'name' (import.name)``."""
    from .blueprints import Blueprint

    if isinstance(owner, Blueprint):
        return f"blueprint {owner.name!r} ({owner.import_name})"
    return f"application {owner.import_name!r}"


def _describe_loader(loader: BaseLoader) -> str:
    """The folders a loader reads, or its class when it has none."""
    searchpath = getattr(loader, "searchpath", None)
    if searchpath:
        return ", ".join(str(path) for path in searchpath)
    package_name = getattr(loader, "package_name", None)
    if package_name is not None:  # a PackageLoader
        folder = getattr(loader, "package_path", "")
        return f"package {package_name!r}, folder {folder!r}"
    cls = type(loader)
    return f"a {cls.__module__}.{cls.__qualname__}"


def _explain_attempts(
    app: Flask,
    template: str,
    attempts: list[tuple[Scaffold, BaseLoader, SourceTriple | None]],
) -> None:
    """Log (at INFO, on ``app.logger``) each loader tried for ``template``,
    what it found, and a hint when the result looks wrong."""
    lines = [f"Locating template {template!r}:"]
    matches = 0
    for number, (owner, loader, found) in enumerate(attempts, start=1):
        lines.append(f"  {number:3}: trying loader of {_describe_owner(owner)}")
        where = _describe_loader(loader)
        lines.append(f"       {type(loader).__name__} reading {where}")
        if found is None:
            lines.append("       -> no match")
        else:
            matches += 1
            lines.append(f"       -> found ({found[1] or '<string>'!r})")
    if not attempts:
        lines.append("  No loaders: no template folder on the app or any blueprint.")

    if matches == 0:
        lines.append("Error: the template could not be found.")
    elif matches > 1:
        lines.append(
            "Warning: more than one loader has this template; the first one is used."
        )
    req_ctx = _request_ctx_stack.top
    blueprint = req_ctx.request.blueprint if req_ctx is not None else None
    if matches != 1 and blueprint is not None:
        lines.append(
            "  The template was looked up from an endpoint that belongs to the"
            f" blueprint {blueprint!r}. Is it in the right template folder?"
        )
        lines.append(f"  See {_BLUEPRINT_TEMPLATES_DOCS}")
    app.logger.info("\n".join(lines))


# -- rendering ---------------------------------------------------------------


def _render(app: Flask, template: BaseTemplate, context: dict[str, t.Any]) -> str:
    app.update_template_context(context)
    if signals.before_render_template.receivers:
        signals.before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    rv = template.render(context)
    if signals.template_rendered.receivers:
        signals.template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    return rv


def _stream(
    app: Flask, template: BaseTemplate, context: dict[str, t.Any]
) -> Iterator[str]:
    app.update_template_context(context)
    if signals.before_render_template.receivers:
        signals.before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        if signals.template_rendered.receivers:
            signals.template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    stream = generate()
    if _request_ctx_stack.top is not None:
        # Keep ``request``/``session`` usable while the response is sent.
        stream = stream_with_context(stream)
    return stream


def render_template(
    template_name_or_list: str | BaseTemplate | list[str | BaseTemplate],
    **context: t.Any,
) -> str:
    """Render a template by name with ``context`` plus the app's template
    context. Given a list, the first template that exists is used."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render a template given as source text (autoescaped)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.from_string(source)
    return _render(app, template, context)


def stream_template(
    template_name_or_list: str | BaseTemplate | list[str | BaseTemplate],
    **context: t.Any,
) -> Iterator[str]:
    """Like :func:`render_template`, but return an iterator of strings to
    stream as a response; the request context stays active while it runs."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> Iterator[str]:
    """Like :func:`render_template_string`, streamed (see :func:`stream_template`)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.from_string(source)
    return _stream(app, template, context)
