"""The inspector's recorder: one installed tracer, one recording per request,
the last requests kept in a bounded ring.

:class:`Inspector` installs a :class:`~minflask.tracing.Tracer` on the app
for good and wraps ``app.wsgi_app`` (the way WSGI middleware does). Each
request outside the inspector's own pages gets its own
:class:`~minflask.tracing.Recording` in a context variable, so requests
served at the same time by a threaded server record apart. What is kept
per request is bounded: at most ``MAX_STEPS`` steps, shortened header,
query and form values, a shortened traceback.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
import typing as t
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..tracing import Recording, Trace, Tracer, is_traced
from .masking import Masker

if t.TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from ..app import Flask

#: Where the inspector's pages live; requests to them are not recorded.
URL_PREFIX = "/_minflask/inspector"
#: Requests kept unless ``INSPECTOR_MAX_REQUESTS`` says otherwise.
DEFAULT_MAX_REQUESTS = 200
#: Longest header, query, form or session value kept (characters).
MAX_VALUE = 1_000
#: Most fields kept per header list, query or form.
MAX_FIELDS = 100
#: Longest traceback kept (characters).
MAX_TRACEBACK = 20_000
#: The environ key a replayed request carries: the id it replays.
REPLAY_KEY = "minflask.inspector.replay_of"
#: The key in ``app.extensions``.
EXTENSION_KEY = "minflask_inspector"

DEBUG_ONLY = (
    "The minflask inspector runs only in debug mode: it shows request"
    " headers, sessions, tracebacks and source code. Turn debug mode on"
    " ('minflask run --debug --inspect', or app.debug = True before the"
    " first request), or leave INSPECTOR off."
)


def shorten(value: str, limit: int = MAX_VALUE) -> str:
    """``value`` cut to ``limit`` characters, saying how long it was."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} characters in all)"


def _pairs(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    kept = []
    for index, (name, value) in enumerate(items):
        if index >= MAX_FIELDS:
            kept.append(("…", "more fields not kept"))
            break
        kept.append((shorten(str(name), 200), shorten(str(value))))
    return kept


def environ_headers(environ: WSGIEnvironment) -> list[tuple[str, str]]:
    """The request headers, as the client sent them (names title-cased)."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key
        else:
            continue
        headers.append((name.replace("_", "-").title(), str(value)))
    return headers


@dataclass
class Entry:
    """One recorded request: its trace and the panels around it."""

    id: int
    started: float
    trace: Trace
    remote_addr: str
    query_string: str
    #: As sent, for replaying; never shown (the shown copy is masked).
    raw_headers: list[tuple[str, str]]
    panels: dict[str, t.Any]
    status_code: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body_size: int = 0
    done: bool = False
    replay_of: int | None = None


class Inspector:
    """Records every request the app serves into a ring of recent ones."""

    def __init__(self, app: Flask, max_requests: int = DEFAULT_MAX_REQUESTS) -> None:
        if max_requests < 1:
            raise ValueError(
                f"INSPECTOR_MAX_REQUESTS must be at least 1, not {max_requests!r}."
            )
        self.app = app
        self.max_requests = max_requests
        self.tracer = Tracer(app)
        self.entries: deque[Entry] = deque(maxlen=max_requests)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._inner: WSGIApplication | None = None
        self._masked_keys: tuple[t.Any, ...] = ()
        self._masker = Masker(())
        #: The inspector's pages: a small minflask app of its own.
        self.pages = _pages_app(self)

    @property
    def masker(self) -> Masker:
        """Masks this app's secrets; follows changes to its secret keys."""
        config = self.app.config
        keys = (config.get("SECRET_KEY"), *(config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys != self._masked_keys:
            self._masker = Masker(keys)
            self._masked_keys = keys
        return self._masker

    # -- switching on ---------------------------------------------------------------

    def install(self) -> None:
        """Instrument the app and start recording its requests."""
        handlers = self.tracer.signal_handlers
        self.tracer.install()
        handlers.setdefault("got_request_exception", self._on_exception)
        handlers.setdefault("request_tearing_down", self._on_teardown)
        inner = self.app.wsgi_app
        self._inner = inner
        self.tracer.patches.set_attr(self.app, "wsgi_app", self.wsgi_app)

    def uninstall(self) -> None:
        """Stop recording and take every wrapper off the app."""
        self.tracer.uninstall()
        self._inner = None

    # -- the ring ------------------------------------------------------------------------

    def _keep(self, entry_args: dict[str, t.Any]) -> Entry:
        with self._lock:
            entry = Entry(id=next(self._ids), **entry_args)
            self.entries.append(entry)
        return entry

    def snapshot(self) -> list[Entry]:
        """The kept requests, oldest first."""
        with self._lock:
            return list(self.entries)

    def get(self, entry_id: int) -> Entry | None:
        """The kept request with this id, if it is still in the ring."""
        with self._lock:
            for entry in self.entries:
                if entry.id == entry_id:
                    return entry
        return None

    def clear(self) -> None:
        """Forget every kept request."""
        with self._lock:
            self.entries.clear()

    # -- recording ---------------------------------------------------------------------

    def wsgi_app(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """The app's WSGI callable, recording each request but the
        inspector's own."""
        inner = self._inner
        assert inner is not None, "the inspector is not installed"
        path = environ.get("PATH_INFO") or "/"
        if path == URL_PREFIX or path.startswith(f"{URL_PREFIX}/"):
            # Served by the inspector's own app: the app's hooks (a login
            # wall, CSRF checks, headers) and its URL map stay out of it.
            return self.pages(environ, start_response)
        recording = Recording(self.tracer)
        recording.panels = {"request": self._request_panel(environ)}
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        trace = Trace(method, path, recording.steps, 0.0)
        replay_of = environ.get(REPLAY_KEY)
        entry = self._keep(
            {
                "started": time.time(),
                "trace": trace,
                "remote_addr": str(environ.get("REMOTE_ADDR") or ""),
                "query_string": str(environ.get("QUERY_STRING") or ""),
                "raw_headers": environ_headers(environ),
                "panels": recording.panels,
                "replay_of": replay_of if isinstance(replay_of, int) else None,
            }
        )

        def recording_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
        ) -> t.Any:
            trace.status = status
            entry.status_code = trace.status_code = _status_code(status)
            entry.response_headers = _pairs(headers)
            trace.headers = list(entry.response_headers)
            return start_response(status, headers, exc_info)

        token = recording.start()
        recording.restart_clock()
        try:
            body = inner(environ, recording_start_response)
        except BaseException as e:
            trace.error = e
            self._note_error(recording, e)
            self._finish(entry, recording)
            raise
        finally:
            recording.stop(token)
        # Until the server closes the body (a test client may never do so).
        trace.total_us = recording.now()
        trace.dropped_steps = recording.dropped
        return _RecordedBody(
            body, recording, lambda size: self._finish(entry, recording, size)
        )

    def _finish(
        self, entry: Entry, recording: Recording, body_size: int | None = None
    ) -> None:
        if body_size is not None:
            entry.body_size = body_size
        trace = entry.trace
        trace.total_us = recording.now()
        trace.dropped_steps = recording.dropped
        trace.body_size = entry.body_size
        entry.done = True

    def _request_panel(self, environ: WSGIEnvironment) -> dict[str, t.Any]:
        query = parse_qsl(
            str(environ.get("QUERY_STRING") or ""), keep_blank_values=True
        )
        return {
            "headers": _pairs(environ_headers(environ)),
            "query": _pairs(query),
            "form": [],
            "files": [],
            "content_length": environ.get("CONTENT_LENGTH") or None,
            "endpoint": None,
            "blueprint": None,
        }

    def _on_teardown(self, kwargs: Mapping[str, t.Any]) -> None:
        """At teardown, while the request is still there: its endpoint and
        the form, if the app parsed it (the inspector never reads a body
        the app did not)."""
        from ..globals import request_ctx

        panels = self.tracer.current().panels
        if panels is None:
            return
        panel = panels["request"]
        request = request_ctx.request
        panel["endpoint"] = request.endpoint
        panel["blueprint"] = request.blueprint
        cached = vars(request)
        if "form" in cached:
            panel["form"] = _pairs(request.form.items(multi=True))
        if "files" in cached:
            panel["files"] = [
                f"{name}: {storage.filename!r} ({storage.mimetype})"
                for name, storage in request.files.items(multi=True)
            ][:MAX_FIELDS]

    def _on_exception(self, kwargs: Mapping[str, t.Any]) -> None:
        error = kwargs.get("exception")
        if isinstance(error, BaseException):
            self._note_error(self.tracer.current(), error)

    def _note_error(self, recording: Recording, error: BaseException) -> None:
        if recording.panels is None or "error" in recording.panels:
            return
        text = "".join(
            traceback.format_exception(type(error), error, error.__traceback__)
        )
        recording.panels["error"] = {
            "exception": shorten(f"{type(error).__name__}: {error}", 2_000),
            "traceback": shorten(text, MAX_TRACEBACK),
        }


def _pages_app(inspector: Inspector) -> Flask:
    """The app serving the inspector's blueprint."""
    import os

    from ..app import Flask
    from .views import make_blueprint

    pages = Flask("minflask.inspector", root_path=os.path.dirname(__file__))
    pages.register_blueprint(make_blueprint(inspector))
    return pages


def _status_code(status: str) -> int | None:
    try:
        return int(status.split(None, 1)[0])
    except (ValueError, IndexError):
        return None


class _RecordedBody:
    """The response body, recorded while the server reads and closes it."""

    def __init__(
        self,
        body: Iterable[bytes],
        recording: Recording,
        finish: Callable[[int], None],
    ) -> None:
        self.body = body
        self.recording = recording
        self.finish = finish
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        iterator = iter(self.body)
        while True:
            token = self.recording.start()
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            finally:
                self.recording.stop(token)
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        token = self.recording.start()
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.recording.stop(token)
            self.finish(self.size)


def enable_inspector(app: Flask) -> Inspector:
    """Switch the inspector on for ``app``: register its pages and start
    recording. Raises RuntimeError outside debug mode, or when a trace is
    running on the app; returns the running inspector if there is one."""
    running = app.extensions.get(EXTENSION_KEY)
    if isinstance(running, Inspector):
        return running
    if not app.debug:
        raise RuntimeError(DEBUG_ONLY)
    if is_traced(app):
        raise RuntimeError(
            f"The app {app.import_name!r} is being traced; start the inspector"
            " before or after the trace, not during it."
        )
    max_requests = app.config.get("INSPECTOR_MAX_REQUESTS", DEFAULT_MAX_REQUESTS)
    if isinstance(max_requests, bool) or not isinstance(max_requests, int):
        raise ValueError(
            "INSPECTOR_MAX_REQUESTS must be a whole number of requests,"
            f" not {max_requests!r}."
        )
    inspector = Inspector(app, max_requests)
    app.config["INSPECTOR"] = True
    app.extensions[EXTENSION_KEY] = inspector
    inspector.install()
    return inspector


def switch_on_from_config(app: Flask) -> Inspector | None:
    """Start the inspector because ``INSPECTOR`` is set in the config, at
    the first request; outside debug mode, log why it does not start."""
    if not app.debug:
        app.logger.error("INSPECTOR is set, but the inspector is off. %s", DEBUG_ONLY)
        return None
    if is_traced(app):  # a one-off trace (minflask trace) is running: stay off
        return None
    return enable_inspector(app)
