"""The inspector's pages and its JSON API, as one blueprint.

Everything is served to loopback clients only; anyone else (or a request
that came through a proxy) gets a 404, as if nothing were there.
"""

from __future__ import annotations

import ipaddress
import json
import typing as t

from werkzeug.exceptions import BadRequest, NotFound

from ..blueprints import Blueprint
from ..globals import request
from ..templating import render_template
from ..wrappers import Response
from .recorder import REPLAY_KEY, URL_PREFIX, Entry, Inspector
from .sources import is_shown, read_lines, resolve_source

#: The pages load their own script, style and JSON, nothing else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
    " img-src 'self' data:; base-uri 'none'; form-action 'self';"
    " frame-ancestors 'none'"
)
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded")


def is_loopback(remote_addr: str | None) -> bool:
    """Whether the client is this machine."""
    if not remote_addr:
        return False
    try:
        return ipaddress.ip_address(remote_addr.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def make_blueprint(inspector: Inspector) -> Blueprint:
    """The blueprint serving ``inspector``'s pages under :data:`URL_PREFIX`."""
    bp = Blueprint(
        "minflask_inspector",
        __name__,
        url_prefix=URL_PREFIX,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    app = inspector.app

    @bp.before_request
    def local_only() -> None:
        if not is_loopback(request.remote_addr) or any(
            name in request.headers for name in _PROXY_HEADERS
        ):
            raise NotFound()

    @bp.after_request
    def no_cache(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def find(entry_id: int) -> Entry:
        entry = inspector.get(entry_id)
        if entry is None:
            raise NotFound(
                f"Request #{entry_id} is not kept any more: the inspector keeps"
                f" the last {inspector.max_requests}."
            )
        return entry

    def summary(entry: Entry) -> dict[str, t.Any]:
        trace = entry.trace
        panel = entry.panels.get("request", {})
        return {
            "id": entry.id,
            "started": entry.started,
            "method": trace.method,
            "path": inspector.masker.text(trace.path),
            "query": inspector.masker.data(
                [[k, inspector.masker.field(k, v)] for k, v in panel.get("query", [])]
            ),
            "status": entry.status_code,
            "endpoint": panel.get("endpoint"),
            "blueprint": panel.get("blueprint"),
            "total_us": round(trace.total_us, 1),
            "steps": len(trace.steps),
            "done": entry.done,
            "error": "error" in entry.panels,
            "replay_of": entry.replay_of,
        }

    def detail(entry: Entry) -> dict[str, t.Any]:
        trace = entry.trace
        panels = entry.panels
        req = panels.get("request", {})
        steps = []
        for step in list(trace.steps):
            data = inspector.masker.data(step.to_dict())
            data["viewable"] = is_shown(app, step.source)
            steps.append(data)
        return {
            **summary(entry),
            "steps": steps,
            "step_count": len(steps),
            "dropped_steps": trace.dropped_steps,
            "remote_addr": entry.remote_addr,
            "request": {
                "headers": [
                    [n, inspector.masker.header(n, v)]
                    for n, v in req.get("headers", [])
                ],
                "query": [
                    [n, inspector.masker.field(n, v)] for n, v in req.get("query", [])
                ],
                "form": [
                    [n, inspector.masker.field(n, v)] for n, v in req.get("form", [])
                ],
                "files": req.get("files", []),
                "content_length": req.get("content_length"),
            },
            "response": {
                "status": trace.status,
                "headers": [
                    [n, inspector.masker.header(n, v)]
                    for n, v in entry.response_headers
                ],
                "body_size": entry.body_size if entry.done else None,
            },
            "session_before": inspector.masker.data(panels.get("session_before")),
            "session_after": inspector.masker.data(panels.get("session_after")),
            "templates": inspector.masker.data(panels.get("templates", [])),
            "signals": [
                inspector.masker.data(
                    {"name": s.title.removeprefix("signal "), **s.details}
                )
                for s in trace.steps
                if s.kind == "signal"
            ],
            "error": inspector.masker.data(panels.get("error")),
            "replayable": trace.method in ("GET", "HEAD"),
        }

    def as_json(data: t.Any, status: int = 200) -> Response:
        return Response(
            json.dumps(data, ensure_ascii=False, default=str),
            status=status,
            mimetype="application/json",
        )

    @bp.get("/")
    def index() -> str:
        return render_template(
            "minflask_inspector/index.html", max_requests=inspector.max_requests
        )

    @bp.get("/requests/<int:entry_id>")
    def request_page(entry_id: int) -> str:
        find(entry_id)
        return render_template("minflask_inspector/request.html", entry_id=entry_id)

    @bp.get("/api/requests")
    def api_list() -> Response:
        return as_json(
            {
                "max_requests": inspector.max_requests,
                "requests": [summary(e) for e in reversed(inspector.snapshot())],
            }
        )

    @bp.get("/api/requests/<int:entry_id>")
    def api_detail(entry_id: int) -> Response:
        return as_json(detail(find(entry_id)))

    @bp.get("/api/requests/<int:entry_id>/export")
    def api_export(entry_id: int) -> Response:
        entry = find(entry_id)
        data = inspector.masker.data(entry.trace.to_dict())
        response = as_json(data)
        response.data = json.dumps(data, indent=2, ensure_ascii=False).encode()
        response.headers["Content-Disposition"] = (
            f'attachment; filename="minflask-trace-{entry.id}.json"'
        )
        return response

    @bp.post("/api/requests/<int:entry_id>/replay")
    def api_replay(entry_id: int) -> Response:
        if request.headers.get("X-Minflask-Inspector") != "replay":
            raise BadRequest(
                "Replay needs the header 'X-Minflask-Inspector: replay' (sent by"
                " the inspector page; it keeps other sites from replaying)."
            )
        entry = find(entry_id)
        if entry.trace.method not in ("GET", "HEAD"):
            raise BadRequest(
                f"Only GET and HEAD requests are replayed, not {entry.trace.method}:"
                " replaying could change data."
            )
        client = app.test_client(use_cookies=False)
        headers = [
            (name, value)
            for name, value in entry.raw_headers
            if name.lower() not in ("host", "content-length")
        ]
        response = client.open(
            entry.trace.path,
            method=entry.trace.method,
            query_string=entry.query_string,
            headers=headers,
            environ_overrides={REPLAY_KEY: entry.id},
            environ_base={"REMOTE_ADDR": entry.remote_addr or "127.0.0.1"},
        )
        response.close()
        replays = [e for e in inspector.snapshot() if e.replay_of == entry.id]
        if not replays:
            return as_json({"error": "the replay was not recorded"}, 500)
        return as_json({"id": replays[-1].id, "replay_of": entry.id})

    @bp.get("/api/source")
    def api_source() -> Response:
        name = request.args.get("file", "")
        line = request.args.get("line", "")
        path = resolve_source(app, name)
        if path is None or not line.isdigit():
            raise NotFound(
                "Only source files under the app's root folder and the minflask"
                " package can be shown."
            )
        try:
            first, lines = read_lines(path, int(line))
        except (OSError, ValueError, UnicodeDecodeError) as e:
            raise NotFound(f"The file cannot be shown: {e}") from None
        return as_json(
            {
                "file": name,
                "line": int(line),
                "first": first,
                "lines": [inspector.masker.text(text) for text in lines],
            }
        )

    return bp
