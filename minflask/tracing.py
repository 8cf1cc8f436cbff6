"""Trace one request through an app: each step of its life, in order, timed.

:func:`trace_request` sends a request with the test client while a
:class:`Tracer` has instrumented that one app instance: its hook, view and
error-handler registries hold recording wrappers, its named dispatch
methods (``wsgi_app``, ``preprocess_request``, ``make_response``, ...) are
shadowed by instance attributes, its session interface and Jinja loader
record what they do, and a receiver listens to every signal (see
:mod:`minflask._trace_dispatch` and :mod:`minflask._trace_services`). The real dispatch code runs unchanged;
the wrappers only watch it. Everything is put back afterwards, also when
the request fails, so an app that is not being traced pays nothing.

The result is a :class:`Trace`: a list of :class:`Step` records, rendered
as text for people (:meth:`Trace.render_text`) or JSON for programs
(:meth:`Trace.render_json`). The ``minflask trace`` command prints it::

    trace = trace_request(app, "GET", "/stocks/", cookies={"session": "..."})
    print(trace.render_text())
"""

from __future__ import annotations

import json
import time
import typing as t
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType

from ._trace_describe import describe_exception, display_path
from ._trace_dispatch import (
    instrument_contexts,
    instrument_hooks,
    instrument_methods,
    instrument_views_and_handlers,
)
from ._trace_services import (
    connect_signals,
    instrument_session_interface,
    instrument_templates,
)

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask

__all__ = [
    "SIGNALS_NOTE",
    "Recording",
    "Step",
    "Trace",
    "Tracer",
    "display_path",
    "is_traced",
    "trace_request",
]

#: The recording of the current context. Wrappers installed on an app check
#: it, so requests in other threads record apart (or pass through unrecorded).
_ACTIVE: ContextVar[Recording | None] = ContextVar("minflask_tracer", default=None)

#: Apps with a tracer installed: a second one would wrap the wrappers.
_traced_apps: weakref.WeakSet[Flask] = weakref.WeakSet()

#: Applied in this order by :meth:`Tracer.install`; signals last, since
#: the template instrumentation registers signal handlers.
INSTRUMENTS: tuple[Callable[[Tracer], None], ...] = (
    instrument_methods,
    instrument_contexts,
    instrument_hooks,
    instrument_views_and_handlers,
    instrument_session_interface,
    instrument_templates,
    connect_signals,
)


#: Said with every trace: watching the signals changes what is sent.
SIGNALS_NOTE = (
    "the tracer listens to every signal, and the app sends a signal only"
    " when someone listens: a signal marked 'sent because the tracer"
    " listens' is not sent when the request is not traced."
)


# -- records -------------------------------------------------------------------


@dataclass
class Step:
    """One thing that happened: a span (with ``duration_us``) or an instant.

    ``start_us`` counts from the moment the app got the request; ``depth``
    is how many spans enclose the step; ``source`` is ``file.py:line`` of
    the code that ran, when known.
    """

    kind: str
    title: str
    start_us: float
    depth: int
    duration_us: float | None = None
    source: str | None = None
    details: dict[str, t.Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, t.Any]:
        """The step as JSON-ready data."""
        duration = self.duration_us
        return {
            "kind": self.kind,
            "title": self.title,
            "start_us": round(self.start_us, 1),
            "duration_us": None if duration is None else round(duration, 1),
            "depth": self.depth,
            "source": self.source,
            "details": self.details,
        }


@dataclass
class Trace:
    """The life of one request: its steps in order, and the response."""

    method: str
    path: str
    steps: list[Step]
    total_us: float
    status: str | None = None
    status_code: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_size: int | None = None
    #: The exception that escaped the app (testing/debug mode lets it).
    error: BaseException | None = None
    #: Steps past :data:`MAX_STEPS`, counted but not kept.
    dropped_steps: int = 0

    def find(self, kind: str) -> list[Step]:
        """The steps of one kind, in order."""
        return [step for step in self.steps if step.kind == kind]

    @property
    def early_return(self) -> Step | None:
        """The ``before_request`` step whose value ended the request early."""
        for step in self.find("before_request"):
            if step.details.get("ended_request"):
                return step
        return None

    def to_dict(self) -> dict[str, t.Any]:
        """The trace as JSON-ready data (what ``--format json`` prints)."""
        early = self.early_return
        response = None
        if self.status is not None:
            response = {
                "status": self.status,
                "status_code": self.status_code,
                "headers": [list(pair) for pair in self.headers],
                "body_size": self.body_size,
            }
        return {
            "request": {"method": self.method, "path": self.path},
            "total_us": round(self.total_us, 1),
            "steps": [step.to_dict() for step in self.steps],
            "early_return": None if early is None else early.title,
            "response": response,
            "error": None if self.error is None else describe_exception(self.error),
            "dropped_steps": self.dropped_steps,
            "notes": [SIGNALS_NOTE],
        }

    def render_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def render_text(self) -> str:
        """A listing for people: one line per step, indented by nesting,
        with its start and duration in microseconds, then the response."""
        return "\n".join(_text_lines(self))


def _text_lines(trace: Trace) -> Iterator[str]:
    outcome = trace.status or "no response"
    if trace.error is not None:
        outcome = f"unhandled {type(trace.error).__name__}"
    yield f"{trace.method} {trace.path} -> {outcome}  ({trace.total_us:,.1f} µs)"
    yield ""
    yield f"{'start µs':>10} {'took µs':>10}  step"
    for step in trace.steps:
        took = "" if step.duration_us is None else f"{step.duration_us:,.1f}"
        indent = "  " * step.depth
        where = f"  [{step.source}]" if step.source else ""
        yield f"{step.start_us:>10,.1f} {took:>10}  {indent}{step.title}{where}"
        for key, value in step.details.items():
            yield f"{'':>22}{indent}    {key}: {_detail_text(value)}"
    early = trace.early_return
    if early is not None:
        yield ""
        yield f"ended early by {early.title}"
    if trace.status is not None:
        yield ""
        yield f"response: {trace.status}, body {trace.body_size or 0:,} bytes"
        for name, value in trace.headers:
            yield f"  {name}: {value}"
    if trace.error is not None:
        yield ""
        yield f"error: {describe_exception(trace.error)}"
    if trace.dropped_steps:
        yield ""
        yield f"{trace.dropped_steps:,} more steps were not kept (at most {MAX_STEPS:,})"
    yield ""
    yield f"note: {SIGNALS_NOTE}"


def _detail_text(value: t.Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v!r}" for k, v in value.items()) or "(none)"
    return str(value)


# -- recording -----------------------------------------------------------------------


class _Patches:
    """Changes made to live objects, each with its undo, undone in reverse."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def set_attr(self, obj: object, name: str, value: object) -> None:
        """Shadow ``obj.name`` with an instance attribute."""
        own = vars(obj)
        had, old = name in own, own.get(name)
        setattr(obj, name, value)

        def undo() -> None:
            if had:
                setattr(obj, name, old)
            elif vars(obj).get(name) is value:
                delattr(obj, name)

        self._undo.append(undo)

    def set_item(self, container: t.Any, key: t.Any, value: object) -> None:
        """Replace ``container[key]``, a dict value or a list element."""
        old = container[key]
        container[key] = value

        def undo() -> None:
            if isinstance(container, list):
                # By identity: the element may have moved since.
                for index, item in enumerate(container):
                    if item is value:
                        container[index] = old
            elif container.get(key) is value:
                container[key] = old

        self._undo.append(undo)

    def on_undo(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` when everything is undone."""
        self._undo.append(undo)

    def undo_all(self) -> None:
        """Undo everything; the first failure is raised after the rest ran."""
        failure: BaseException | None = None
        while self._undo:
            try:
                self._undo.pop()()
            except BaseException as e:  # the other undos must still run
                failure = failure or e
        if failure is not None:
            raise failure


class _Span:
    """The ``with`` block of a step that lasts: timed, and deepens nesting."""

    def __init__(self, recording: Recording, step: Step) -> None:
        self.recording = recording
        self.step = step

    def __enter__(self) -> Step:
        self.recording.depth += 1
        return self.step

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.recording.depth -= 1
        self.step.duration_us = self.recording.now() - self.step.start_us
        if exc is not None:
            self.step.details["raised"] = describe_exception(exc)


#: Steps kept per request; past this they are counted, not kept, so a view
#: that renders a template in a long loop cannot grow memory without bound.
MAX_STEPS = 2_000


class Recording:
    """The steps of one request (or one traced block) as they happen.

    Each request has its own: the tracer's wrappers find it through a
    context variable, so requests served at the same time in other threads
    record into their own recordings.
    """

    def __init__(self, tracer: Tracer, max_steps: int = MAX_STEPS) -> None:
        self.tracer = tracer
        self.steps: list[Step] = []
        self.depth = 0
        self.max_steps = max_steps
        #: Steps not kept because :attr:`max_steps` was reached.
        self.dropped = 0
        #: Scratch space for instruments, per request (e.g. open templates).
        self.scratch: dict[str, t.Any] = {}
        #: What a watcher such as the inspector asked to keep besides the
        #: steps (request, session and template panels); None: nothing.
        self.panels: dict[str, t.Any] | None = None
        self._t0 = time.perf_counter_ns()

    def now(self) -> float:
        """Microseconds since the recording's clock started."""
        return (time.perf_counter_ns() - self._t0) / 1000

    def restart_clock(self) -> None:
        """Count from now."""
        self._t0 = time.perf_counter_ns()

    def add(self, step: Step) -> Step:
        """Keep ``step``, unless the recording is full."""
        if len(self.steps) < self.max_steps:
            self.steps.append(step)
        else:
            self.dropped += 1
        return step

    def start(self) -> t.Any:
        """Make this the recording of the current context; returns the token
        for :meth:`stop`."""
        return _ACTIVE.set(self)

    def stop(self, token: t.Any) -> None:
        """Stop recording in the current context."""
        try:
            _ACTIVE.reset(token)
        except ValueError:  # ended in another context than it started in
            _ACTIVE.set(None)

    def to_trace(self, method: str, path: str) -> Trace:
        """The steps as a :class:`Trace`, timed from the app's first step."""
        offset = self.steps[0].start_us if self.steps else 0.0
        for step in self.steps:
            step.start_us -= offset
        trace = Trace(method.upper(), path, self.steps, self.now() - offset)
        trace.dropped_steps = self.dropped
        return trace


class Tracer:
    """Records the steps of requests to one app while installed.

    ``with tracer.tracing(): ...`` installs the instrumentation, records
    what runs in that block (in this thread or task only), and removes the
    instrumentation again, however the block ends. A tracer that stays
    installed (the inspector's) starts one :class:`Recording` per request.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        #: Undoable changes made to the app while installed.
        self.patches = _Patches()
        #: Extra work for some signals, by signal name (templates use it).
        self.signal_handlers: dict[str, Callable[[Mapping[str, t.Any]], None]] = {}
        #: The recording of the last :meth:`tracing` block.
        self.recording = Recording(self)

    @property
    def steps(self) -> list[Step]:
        """The steps of the current recording, else of the last block."""
        return self.current().steps

    def current(self) -> Recording:
        """The recording of the current context, else the last block's."""
        recording = _ACTIVE.get()
        if recording is not None and recording.tracer is self:
            return recording
        return self.recording

    def now(self) -> float:
        """Microseconds on the current recording's clock."""
        return self.current().now()

    def restart_clock(self) -> None:
        """Count the current recording from now."""
        self.current().restart_clock()

    def active(self) -> bool:
        """Whether this tracer records in the current context."""
        recording = _ACTIVE.get()
        return recording is not None and recording.tracer is self

    def event(
        self, kind: str, title: str, source: str | None = None, **details: t.Any
    ) -> Step:
        """Record an instant step."""
        recording = self.current()
        step = Step(
            kind, title, recording.now(), recording.depth, None, source, details
        )
        return recording.add(step)

    def span(self, kind: str, title: str, source: str | None = None) -> _Span:
        """Record a step lasting until the ``with`` block ends; steps inside
        it nest one level deeper."""
        recording = self.current()
        step = Step(kind, title, recording.now(), recording.depth, 0.0, source)
        return _Span(recording, recording.add(step))

    def describe(self, step: Step, describe: Callable[[], None]) -> None:
        """Run a description; a failure is noted on the step, never raised
        into the app."""
        try:
            describe()
        except Exception as e:
            step.details["trace note"] = f"could not describe: {e!r}"

    def install(self) -> None:
        """Instrument the app; on failure, undo what was done and raise."""
        if self.app in _traced_apps:
            name = self.app.import_name
            raise RuntimeError(f"The app {name!r} is already being traced.")
        _traced_apps.add(self.app)
        self.patches.on_undo(lambda: _traced_apps.discard(self.app))
        try:
            for instrument in INSTRUMENTS:
                instrument(self)
        except BaseException:
            self.patches.undo_all()
            raise

    def uninstall(self) -> None:
        """Remove every wrapper and receiver: the app is as it was."""
        self.patches.undo_all()

    def tracing(self) -> _Tracing:
        """``with tracer.tracing(): ...``: install, record, uninstall."""
        return _Tracing(self)


def is_traced(app: Flask) -> bool:
    """Whether a tracer is installed on ``app`` (a trace or the inspector)."""
    return app in _traced_apps


class _Tracing:
    """The ``with`` block of :meth:`Tracer.tracing`."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer
        self._token: t.Any = None

    def __enter__(self) -> Tracer:
        self.tracer.install()
        self.tracer.recording = Recording(self.tracer)
        self._token = self.tracer.recording.start()
        return self.tracer

    def __exit__(self, *exc_info: object) -> None:
        self.tracer.recording.stop(self._token)
        self.tracer.uninstall()


# -- running a request ---------------------------------------------------------------


def trace_request(
    app: Flask,
    method: str = "GET",
    path: str = "/",
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    cookies: Mapping[str, str] | None = None,
    **request_options: t.Any,
) -> Trace:
    """Send one request to ``app`` with its test client; return the trace.

    ``request_options`` go to the test client (``data=``, ``json=``,
    ``query_string=``, ...); ``cookies`` are sent in a ``Cookie`` header.
    An exception the app lets escape (testing or debug mode) is kept on
    :attr:`Trace.error`, not raised. The app should serve nothing else
    meanwhile: its hooks are swapped for the length of the trace.
    """
    if isinstance(headers, Mapping):
        header_list = list(headers.items())
    else:
        header_list = list(headers or ())
    if cookies:
        pairs = "; ".join(f"{name}={value}" for name, value in cookies.items())
        header_list.append(("Cookie", pairs))
    client = app.test_client(use_cookies=False)
    tracer = Tracer(app)
    error: Exception | None = None
    response: t.Any = None
    body = b""
    with tracer.tracing():
        tracer.restart_clock()
        try:
            response = client.open(
                path, method=method, headers=header_list, **request_options
            )
            try:
                body = response.get_data()
            finally:
                response.close()
        except Exception as e:
            error = e
            tracer.event("error", f"unhandled {describe_exception(e)} left the app")
    # Count from the moment the app got the request, not from building it.
    trace = tracer.recording.to_trace(method, path)
    trace.error = error
    if response is not None:
        trace.status = response.status
        trace.status_code = response.status_code
        trace.headers = list(response.headers.items())
        trace.body_size = len(body)
    return trace
