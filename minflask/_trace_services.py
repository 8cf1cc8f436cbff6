"""How a :class:`~minflask.tracing.Tracer` watches the services a request
calls out to: the session interface (and its store), the Jinja environment
and loader, and the signals. Like :mod:`._trace_dispatch`, every wrapper goes
on through ``tracer.patches`` and records only while its tracer is active.
"""

from __future__ import annotations

import os
import typing as t
from collections.abc import Callable, Mapping

from . import signals
from ._trace_describe import (
    describe_cookie_change,
    describe_session,
    describe_session_open,
    describe_signal_kwargs,
    describe_store_call,
    display_path,
    peek_set_cookies,
    short_id,
    source_of,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from jinja2 import BaseLoader, Template

    from .tracing import Step, Tracer

Args = tuple[t.Any, ...]

#: The signals listened to, by their name in minflask.signals.
SIGNAL_NAMES = (
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_pushed",
    "appcontext_popped",
    "appcontext_tearing_down",
    "before_render_template",
    "template_rendered",
    "message_flashed",
)

_SESSION_METHODS = ("open_session", "save_session", "should_open_for_save")
_STORE_METHODS = ("read_record", "write_record", "touch_record", "delete_record")
_SESSION_ID_METHODS = ("regenerate", "revoke")


# -- sessions -------------------------------------------------------------------------------


def instrument_session_interface(tracer: Tracer) -> None:
    """Record opening and saving the session and each store operation.

    The interface may be shared with other apps (the cookie one is), so
    the wrappers go on it only for the trace and record only when active.
    """
    # Reading it makes the app pick its interface from SESSION_TYPE now,
    # as its first request would.
    interface = tracer.app.session_interface
    label = type(interface).__name__
    for name in (*_SESSION_METHODS, *_STORE_METHODS, *_SESSION_ID_METHODS):
        original = getattr(interface, name, None)
        if callable(original):
            wrapper = _session_wrapper(tracer, interface, label, name, original)
            tracer.patches.set_attr(interface, name, wrapper)


def _session_wrapper(
    tracer: Tracer,
    interface: t.Any,
    label: str,
    name: str,
    original: Callable[..., t.Any],
) -> Callable[..., t.Any]:
    kind = "session_store" if name in _STORE_METHODS else "session"
    source = source_of(original)

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not tracer.active():
            return original(*args, **kwargs)
        with tracer.span(kind, f"{label}.{name}()", source) as step:
            before: list[str] = []
            if name == "save_session":
                # As handed over: saving may clear flags such as ``new``.
                tracer.describe(step, lambda: _before_save(step, args, before))
            rv = original(*args, **kwargs)
            tracer.describe(
                step,
                lambda: _describe_session_call(interface, name, step, args, rv, before),
            )
            panels = tracer.current().panels
            if panels is not None and name in ("open_session", "save_session"):
                session = rv if name == "open_session" else args[1]
                key = "session_before" if name == "open_session" else "session_after"
                tracer.describe(
                    step, lambda: panels.__setitem__(key, snapshot_session(session))
                )
        return rv

    return wrapper


def snapshot_session(session: t.Any) -> dict[str, t.Any]:
    """What the inspector shows of a session: its type and flags, and for a
    cookie session its values (shortened); a server-side session (one with
    a ``sid``) shows its id and keys only."""
    if session is None:
        return {"type": None, "keys": [], "values": None, "sid": None}
    keys = sorted(str(key) for key in dict.keys(session))
    flags = ("new", "modified", "permanent")
    sid = getattr(session, "sid", None)
    snapshot: dict[str, t.Any] = {
        "type": type(session).__name__,
        "keys": keys,
        "flags": [flag for flag in flags if getattr(session, flag, False) is True],
        "sid": short_id(sid) if isinstance(sid, str) else None,
        "values": None,
    }
    if not isinstance(sid, str):
        snapshot["values"] = {
            str(key): _short_repr(value) for key, value in dict.items(session)
        }
    return snapshot


def _short_repr(value: t.Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else f"{text[:200]}… ({len(text):,} chars)"


def _before_save(step: Step, args: Args, cookies: list[str]) -> None:
    step.details["session"] = describe_session(args[1])
    cookies.extend(peek_set_cookies(args[2]))


def _describe_session_call(
    interface: t.Any,
    name: str,
    step: Step,
    args: Args,
    rv: t.Any,
    cookies_before: list[str],
) -> None:
    details = step.details
    if name == "open_session":
        details.update(describe_session_open(interface, args[0], args[1], rv))
    elif name == "save_session":
        app, _, response = args
        details["cookie"] = describe_cookie_change(
            interface, app, response, cookies_before
        )
    elif name == "should_open_for_save":
        outcome = "it is opened now to be saved" if rv else "nothing to save"
        details["returned"] = f"{rv}: the view never touched the session; {outcome}"
    elif name in _STORE_METHODS:
        details.update(describe_store_call(interface, name, str(args[0]), rv))
    elif name == "regenerate":
        details["session"] = describe_session(args[0])
    elif name == "revoke":
        details["sid"] = short_id(str(args[0]))
        details["result"] = str(rv)


# -- templates ---------------------------------------------------------------------------------


def instrument_templates(tracer: Tracer) -> None:
    """Record the Jinja environment's creation, each template loaded and
    compiled (and by which loader), and each render."""
    app = tracer.app

    def started(kwargs: Mapping[str, t.Any]) -> None:
        template = kwargs["template"]
        scratch = tracer.current().scratch
        rendering = scratch.setdefault("rendering", {})
        loaded = scratch.setdefault("loaded", set())
        rendering[id(template)] = _template_step(tracer, template, loaded)
        panels = tracer.current().panels
        if panels is not None:
            context = kwargs.get("context") or {}
            panels.setdefault("templates", []).append(
                {"name": template.name, "context_keys": sorted(map(str, context))}
            )

    def finished(kwargs: Mapping[str, t.Any]) -> None:
        rendering = tracer.current().scratch.get("rendering", {})
        step = rendering.pop(id(kwargs["template"]), None)
        if step is not None:
            step.duration_us = tracer.now() - step.start_us

    tracer.signal_handlers["before_render_template"] = started
    tracer.signal_handlers["template_rendered"] = finished

    env = vars(app).get("jinja_env")
    if env is not None:
        _wrap_loader(tracer, env.loader)
        return
    create = app.create_jinja_environment

    def create_jinja_environment() -> t.Any:
        if not tracer.active():
            return create()
        title = "create the Jinja environment (first template of this app)"
        with tracer.span("template_env", title, source_of(create)):
            env = create()
        _wrap_loader(tracer, env.loader)
        return env

    tracer.patches.set_attr(app, "create_jinja_environment", create_jinja_environment)


def _wrap_loader(tracer: Tracer, loader: BaseLoader | None) -> None:
    """Record each template the environment loads and compiles; templates in
    Jinja's cache skip the loader."""
    if loader is None:
        return
    load = loader.load
    source = source_of(load)

    def traced_load(environment: t.Any, name: str, globals: t.Any = None) -> t.Any:
        if not tracer.active():
            return load(environment, name, globals)
        title = f"load and compile template {name!r}"
        with tracer.span("template_load", title, source) as step:
            template = load(environment, name, globals)
            tracer.current().scratch.setdefault("loaded", set()).add(name)
            tracer.describe(
                step,
                lambda: step.details.__setitem__(
                    "found by", template_owner(tracer.app, template.filename)
                ),
            )
        return template

    tracer.patches.set_attr(loader, "load", traced_load)


def _template_step(tracer: Tracer, template: Template, loaded: set[str]) -> Step:
    if template.name is None:
        return tracer.event("template", "render a template string")
    step = tracer.event("template", f"render template {template.name!r}")
    step.details["found by"] = template_owner(tracer.app, template.filename)
    if template.filename is not None:
        step.details["file"] = display_path(template.filename)
        step.details["source"] = (
            "loaded and compiled in this request"
            if template.name in loaded
            else "compiled earlier, from the environment's cache"
        )
    return step


def template_owner(app: t.Any, filename: str | None) -> str:
    """Which loader holds ``filename``: the app's or a blueprint's template
    folder, looked at in the order the app's loader searches them."""
    if filename is None:
        return "a template string"
    owners = [(f"application {app.import_name!r}", app.jinja_loader)]
    for blueprint in app.iter_blueprints():
        owners.append((f"blueprint {blueprint.name!r}", blueprint.jinja_loader))
    path = os.path.abspath(filename)
    for owner, loader in owners:
        for folder in getattr(loader, "searchpath", None) or ():
            if path.startswith(os.path.abspath(folder) + os.sep):
                return f"{owner} loader, folder {display_path(folder)}"
    return f"{type(app.jinja_env.loader).__name__} ({display_path(path)})"


# -- signals ------------------------------------------------------------------------------------


def connect_signals(tracer: Tracer) -> None:
    """Listen to every signal the app sends while tracing."""
    for name in SIGNAL_NAMES:
        signal = getattr(signals, name)
        receiver = _signal_receiver(tracer, name, signal)
        # For any sender, filtered in the receiver: blinker keeps a receiver
        # connected for one sender in ``receivers`` after disconnecting it,
        # and the app checks ``receivers`` to decide whether to send.
        signal.connect(receiver, weak=False)
        tracer.patches.on_undo(
            lambda s=signal, r=receiver: s.disconnect(r)  # type: ignore[misc]
        )


def _signal_receiver(tracer: Tracer, name: str, signal: t.Any) -> Callable[..., None]:
    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        if sender is not tracer.app or not tracer.active():
            return
        others = len(signal.receivers) - 1
        listeners = (
            f"{others} other receiver(s)"
            if others
            else "no other receivers: sent because the tracer listens"
        )
        step = tracer.event("signal", f"signal {name}", None, receivers=listeners)
        tracer.describe(
            step, lambda: step.details.update(describe_signal_kwargs(kwargs))
        )
        handler = tracer.signal_handlers.get(name)
        if handler is not None:
            tracer.describe(step, lambda: handler(kwargs))

    return receiver
