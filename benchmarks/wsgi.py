"""Calling a WSGI app in-process, the one way both checks and timings do it.

An environ is built once per (scenario, framework); every call gets a
fresh shallow copy of it (apps may store things in the environ) and, for a
POST, a fresh ``wsgi.input``. The body is iterated to the end and
``close()`` called, as a WSGI server would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from werkzeug.test import EnvironBuilder

from benchmarks.scenarios import Scenario

WSGIApp = Callable[..., Iterable[bytes]]


@dataclass
class Captured:
    """What one call answered: the status line, the header list and the body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_code(self) -> int:
        """The numeric status, from the status line."""
        return int(self.status.split(None, 1)[0])

    def header_values(self, name: str) -> list[str]:
        """All values of header ``name`` (case-insensitive), in order."""
        lowered = name.lower()
        return [value for key, value in self.headers if key.lower() == lowered]


@dataclass
class Prepared:
    """An app and the environ (and POST body) it is called with."""

    app: WSGIApp
    environ: dict[str, Any]
    body: bytes | None = None


def build_environ(scenario: Scenario, cookie: str | None = None) -> dict[str, Any]:
    """The scenario's request as a WSGI environ, with ``cookie`` as Cookie header."""
    headers = [("Cookie", cookie)] if cookie else []
    builder = EnvironBuilder(
        path=scenario.path,
        method=scenario.method,
        query_string=scenario.query or None,
        data=scenario.form,
        content_type=(
            "application/x-www-form-urlencoded" if scenario.form is not None else None
        ),
        headers=headers,
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def fresh_environ(prepared: Prepared) -> dict[str, Any]:
    """A copy of the prebuilt environ, with unread input for a POST."""
    environ = prepared.environ.copy()
    if prepared.body is not None:
        environ["wsgi.input"] = BytesIO(prepared.body)
    return environ


def call(prepared: Prepared) -> Captured:
    """Answer one request and capture status, headers and the whole body."""
    seen: list[Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        seen[:] = [status, list(headers)]
        return _write

    result = prepared.app(fresh_environ(prepared), start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Captured(seen[0], seen[1], body)


def cookie_from(response: Captured) -> str:
    """The ``name=value`` pairs of a response's Set-Cookie headers, as a Cookie header.

    Raises ValueError if the response set no cookie.
    """
    pairs = [value.split(";", 1)[0] for value in response.header_values("Set-Cookie")]
    if not pairs:
        raise ValueError(f"expected a Set-Cookie header, got {response.headers!r}")
    return "; ".join(pairs)


def prepare(scenario: Scenario, app: WSGIApp) -> Prepared:
    """Prebuild the environ for ``app``; for a session scenario, with its own cookie."""
    prepared = Prepared(app, build_environ(scenario), scenario.form)
    if scenario.session:
        cookie = cookie_from(call(prepared))
        prepared = Prepared(app, build_environ(scenario, cookie), scenario.form)
    return prepared


def _write(data: bytes) -> None:
    """The legacy ``write`` callable: nothing here uses it."""


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Callable[[bytes], None]:
    """The timed loop's start_response: accept and drop."""
    return _write


def run_batch(prepared: Prepared, calls: int) -> float:
    """Seconds taken by ``calls`` requests, each on a fresh environ, body drained.

    The loop inlines ``fresh_environ`` and ``call`` so the harness adds as
    little as possible to every framework's time.
    """
    app, copy, body, start_response = (
        prepared.app,
        prepared.environ.copy,
        prepared.body,
        _start_response,
    )
    started = time.perf_counter()
    for _ in range(calls):
        environ = copy()
        if body is not None:
            environ["wsgi.input"] = BytesIO(body)
        result = app(environ, start_response)
        for _chunk in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return time.perf_counter() - started
