"""Blueprints: groups of routes and hooks registered on an app later.

A blueprint records what it is asked to do as *deferred functions*. When it
is registered, each runs with a :class:`BlueprintSetupState` that knows the
app, the URL prefix, the subdomain and the dotted name for this
registration, so one blueprint can be registered several times under
different names.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import cached_property

from .scaffold import (
    Scaffold,
    _endpoint_from_view_func,
    _sentinel,
    registering_decorator,
    setupmethod,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .cli import AppGroup

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]


class BlueprintSetupState:
    """One registration of a blueprint on an app: the values the deferred
    functions use to add their rules and hooks."""

    def __init__(
        self,
        blueprint: Blueprint,
        app: Flask,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        #: False when this blueprint was registered on the app before, so
        #: ``record_once`` functions can skip repeats.
        self.first_registration = first_registration

        subdomain = options.get("subdomain")
        self.subdomain: str | None = (
            blueprint.subdomain if subdomain is None else subdomain
        )
        url_prefix = options.get("url_prefix")
        self.url_prefix: str | None = (
            blueprint.url_prefix if url_prefix is None else url_prefix
        )
        self.name: str = options.get("name", blueprint.name)
        self.name_prefix: str = options.get("name_prefix", "")
        self.url_defaults: dict[str, t.Any] = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        **options: t.Any,
    ) -> None:
        """Add a rule to the app with this registration's prefix, subdomain,
        defaults and dotted endpoint name."""
        if self.url_prefix is not None:
            if rule:
                rule = f"{self.url_prefix.rstrip('/')}/{rule.lstrip('/')}"
            else:
                rule = self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = {**defaults, **options.pop("defaults")}
        full_endpoint = f"{self.name_prefix}.{self.name}.{endpoint}".lstrip(".")
        self.app.add_url_rule(
            rule, full_endpoint, view_func, defaults=defaults, **options
        )


class Blueprint(Scaffold):
    """A set of routes, hooks, templates and static files that can be
    registered on an app, once or several times, and nested in other
    blueprints."""

    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
    ) -> None:
        super().__init__(
            import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError(
                f"Blueprint name {name!r} may not contain a dot '.': dots"
                " separate nested blueprint names."
            )
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.deferred_functions: list[DeferredSetupFunction] = []
        self.url_values_defaults: dict[str, t.Any] = url_defaults or {}
        self.cli_group = cli_group
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    @cached_property
    def cli(self) -> AppGroup:
        """This blueprint's commands, added to ``app.cli`` on registration
        (see ``cli_group``); created on first use so click loads only then."""
        from .cli import AppGroup

        return AppGroup(self.name)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the"
                f" blueprint '{self.name}': it has already been registered at"
                " least once, and changes now would not apply consistently."
                " Set the blueprint up completely before registering it."
            )

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Like :meth:`record`, but only on the first registration on an app."""

        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(wrapper)

    def make_setup_state(
        self, app: Flask, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Create the state passed to deferred functions (overridable)."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one; its endpoints become
        ``this.child.view``. Options are those of ``Flask.register_blueprint``."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself.")
        self._blueprints.append((blueprint, options))

    def register(self, app: Flask, options: dict[str, t.Any]) -> None:
        """Called by ``Flask.register_blueprint``: merge this blueprint's
        hooks into the app and run the deferred functions."""
        name_prefix = options.get("name_prefix", "")
        self_name = options.get("name", self.name)
        name = f"{name_prefix}.{self_name}".lstrip(".")

        if name in app.blueprints:
            which = "this" if app.blueprints[name] is self else "a different"
            raise ValueError(
                f"The name {name!r} is already registered for {which} blueprint."
                " Pass 'name=' to register_blueprint to give it a unique name."
            )

        first_bp_registration = not any(bp is self for bp in app.blueprints.values())
        first_name_registration = name not in app.blueprints
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_bp_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        if first_bp_registration or first_name_registration:
            self._merge_blueprint_funcs(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._register_cli(app, options)

        for child, child_options in self._blueprints:
            self._register_child(app, state, name, child, child_options)

    def _register_child(
        self,
        app: Flask,
        state: BlueprintSetupState,
        name: str,
        child: Blueprint,
        child_options: dict[str, t.Any],
    ) -> None:
        """Register a nested blueprint under this registration's name,
        joining subdomains and URL prefixes."""
        options = dict(child_options)
        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = child.subdomain
        if subdomain is not None and state.subdomain is not None:
            options["subdomain"] = f"{subdomain}.{state.subdomain}"
        elif subdomain is not None or state.subdomain is not None:
            options["subdomain"] = subdomain or state.subdomain

        url_prefix = options.get("url_prefix")
        if url_prefix is None:
            url_prefix = child.url_prefix
        if url_prefix is not None and state.url_prefix is not None:
            options["url_prefix"] = (
                f"{state.url_prefix.rstrip('/')}/{url_prefix.lstrip('/')}"
            )
        elif url_prefix is not None:
            options["url_prefix"] = url_prefix
        elif state.url_prefix is not None:
            options["url_prefix"] = state.url_prefix

        options["name_prefix"] = name
        child.register(app, options)

    def _register_cli(self, app: Flask, options: dict[str, t.Any]) -> None:
        """Add this blueprint's commands to ``app.cli``: as a group named by
        ``cli_group`` (the registered name by default), or at the top level
        when ``cli_group`` is None. A blueprint without commands adds nothing."""
        cli: AppGroup | None = vars(self).get("cli")
        if cli is None or not cli.commands:
            return
        group = options.get("cli_group", self.cli_group)
        if group is None:
            app.cli.commands.update(cli.commands)
            return
        if group is _sentinel:
            prefix = options.get("name_prefix", "")
            group = f"{prefix}.{options.get('name', self.name)}".lstrip(".")
        cli.name = group
        app.cli.add_command(cli, group)

    def _merge_blueprint_funcs(self, app: Flask, name: str) -> None:
        """Copy this blueprint's scoped hooks into the app's registries,
        keyed by the registered dotted name."""

        def scoped(key: str | None) -> str:
            return name if key is None else f"{name}.{key}"

        # Functions from ``@bp.endpoint`` serve app rules by their bare name.
        app.view_functions.update(self.view_functions)
        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[scoped(key)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )
        for registry, target in (
            (self.before_request_funcs, app.before_request_funcs),
            (self.after_request_funcs, app.after_request_funcs),
            (self.teardown_request_funcs, app.teardown_request_funcs),
            (self.url_default_functions, app.url_default_functions),
            (self.url_value_preprocessors, app.url_value_preprocessors),
            (self.template_context_processors, app.template_context_processors),
        ):
            for key, funcs in registry.items():
                target.setdefault(scoped(key), []).extend(funcs)

    # -- registration on the app ------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a rule to add, prefixed and namespaced, on registration."""
        if endpoint and "." in endpoint:
            raise ValueError(f"'endpoint' {endpoint!r} may not contain a dot '.'.")
        name = getattr(view_func, "__name__", None)
        if name is not None and "." in name:
            raise ValueError(f"'view_func' name {name!r} may not contain a dot '.'.")
        self.record(
            lambda s: s.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )
        )

    @setupmethod
    def app_errorhandler(self, code: type[Exception] | int) -> t.Callable[[F], F]:
        """Like :meth:`errorhandler`, for every request of the app."""

        def decorator(f: F) -> F:
            def register(state: BlueprintSetupState) -> None:
                state.app.register_error_handler(code, f)

            self.record_once(register)
            return f

        return decorator

    @setupmethod
    def before_app_request(self, f: F) -> F:
        """Like :meth:`before_request`, for every request of the app."""
        self.record_once(lambda s: s.app.before_request_funcs[None].append(f))
        return f

    @setupmethod
    def after_app_request(self, f: F) -> F:
        """Like :meth:`after_request`, for every request of the app."""
        self.record_once(lambda s: s.app.after_request_funcs[None].append(f))
        return f

    @setupmethod
    def teardown_app_request(self, f: F) -> F:
        """Like :meth:`teardown_request`, for every request of the app."""
        self.record_once(lambda s: s.app.teardown_request_funcs[None].append(f))
        return f

    @setupmethod
    def app_context_processor(self, f: F) -> F:
        """Like :meth:`context_processor`, for every template of the app."""
        self.record_once(lambda s: s.app.template_context_processors[None].append(f))
        return f

    @setupmethod
    def app_template_filter(self, name: str | None = None) -> t.Callable[[F], F]:
        """Like :meth:`minflask.Flask.template_filter`, registered on the
        app with the blueprint."""
        return registering_decorator(self.add_app_template_filter, name)

    @setupmethod
    def add_app_template_filter(
        self, f: t.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Like :meth:`minflask.Flask.add_template_filter`, on registration."""
        self.record_once(lambda s: s.app.add_template_filter(f, name=name))

    @setupmethod
    def app_template_test(self, name: str | None = None) -> t.Callable[[F], F]:
        """Like :meth:`minflask.Flask.template_test`, registered on the app
        with the blueprint."""
        return registering_decorator(self.add_app_template_test, name)

    @setupmethod
    def add_app_template_test(
        self, f: t.Callable[..., bool], name: str | None = None
    ) -> None:
        """Like :meth:`minflask.Flask.add_template_test`, on registration."""
        self.record_once(lambda s: s.app.add_template_test(f, name=name))

    @setupmethod
    def app_template_global(self, name: str | None = None) -> t.Callable[[F], F]:
        """Like :meth:`minflask.Flask.template_global`, registered on the
        app with the blueprint."""
        return registering_decorator(self.add_app_template_global, name)

    @setupmethod
    def add_app_template_global(
        self, f: t.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Like :meth:`minflask.Flask.add_template_global`, on registration."""
        self.record_once(lambda s: s.app.add_template_global(f, name=name))

    @setupmethod
    def app_url_value_preprocessor(self, f: F) -> F:
        """Like :meth:`url_value_preprocessor`, for every request of the app."""
        self.record_once(lambda s: s.app.url_value_preprocessors[None].append(f))
        return f

    @setupmethod
    def app_url_defaults(self, f: F) -> F:
        """Like :meth:`url_defaults`, for every URL the app builds."""
        self.record_once(lambda s: s.app.url_default_functions[None].append(f))
        return f
