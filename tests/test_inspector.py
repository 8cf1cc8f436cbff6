"""The inspector (``minflask.inspector``): switching it on and refusing to,
what it records and keeps, who may see it, which files it shows, masking,
replay and export. The browser side is in test_inspector_e2e.py."""

from __future__ import annotations

import gc
import json
import logging
import threading
import typing as t
import weakref
from pathlib import Path

import pytest
import werkzeug.serving
from click.testing import CliRunner

from minflask import Flask, render_template_string, request, session, signals
from minflask.cli import FlaskGroup
from minflask.inspector import DEBUG_ONLY, Inspector, enable_inspector
from minflask.inspector.masking import MASK
from minflask.tracing import SIGNALS_NOTE, is_traced, trace_request

API = "/_minflask/inspector/api"
SECRET = "the-very-secret-key-42"


def make_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET, **config)

    @app.route("/")
    def index() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return render_template_string("hi {{ name }}", name="you")

    @app.route("/items/<int:n>")
    def item(n: int) -> str:
        return f"item {n}"

    @app.post("/login")
    def login() -> str:
        return f"hello {request.form.get('email', '')}"

    @app.route("/boom")
    def boom() -> str:
        raise ValueError(f"broke with {SECRET}")

    @app.route("/many")
    def many() -> str:
        return "".join(render_template_string("x") for _ in range(1_000))

    return app


@pytest.fixture
def app() -> Flask:
    app = make_app()
    app.debug = True
    return app


@pytest.fixture(autouse=True)
def uninstall_inspectors() -> t.Iterator[None]:
    """Take every inspector a test started off its app afterwards: their
    signal receivers are global."""
    started: list[Inspector] = []
    real_init = Inspector.install

    def install(self: Inspector) -> None:
        real_init(self)
        started.append(self)

    Inspector.install = install  # type: ignore[method-assign]
    try:
        yield
    finally:
        Inspector.install = real_init  # type: ignore[method-assign]
        for inspector in started:
            if is_traced(inspector.app):
                inspector.uninstall()


@pytest.fixture
def inspector(app: Flask) -> Inspector:
    return enable_inspector(app)


def api(app: Flask, path: str, **kwargs: t.Any) -> t.Any:
    response = app.test_client().get(f"{API}{path}", **kwargs)
    assert response.status_code == 200, response.data
    return response.get_json()


def latest(app: Flask) -> dict[str, t.Any]:
    first = api(app, "/requests")["requests"][0]
    detail: dict[str, t.Any] = api(app, f"/requests/{first['id']}")
    return detail


# -- switching on -------------------------------------------------------------------


def test_enable_refuses_outside_debug_mode() -> None:
    app = make_app()
    with pytest.raises(RuntimeError, match="only in debug mode"):
        enable_inspector(app)
    assert not is_traced(app)
    assert app.test_client().get("/_minflask/inspector/").status_code == 404


def test_config_outside_debug_mode_logs_why_and_stays_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(INSPECTOR=True)
    with caplog.at_level(logging.ERROR):
        assert app.test_client().get("/items/1").data == b"item 1"
    assert DEBUG_ONLY in caplog.text
    assert not is_traced(app)
    assert app.test_client().get("/_minflask/inspector/").status_code == 404


def test_config_switches_it_on_at_the_first_request() -> None:
    app = make_app(INSPECTOR=True, INSPECTOR_MAX_REQUESTS=7)
    app.debug = True
    client = app.test_client()
    assert client.get("/items/3").status_code == 200
    listed = api(app, "/requests")
    assert listed["max_requests"] == 7
    (entry,) = listed["requests"]
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/items/3", 200)
    assert entry["endpoint"] == "item"
    assert entry["steps"] > 10
    assert client.get("/_minflask/inspector/").status_code == 200


def test_config_with_middleware_wrapped_before_the_first_request() -> None:
    app = make_app(INSPECTOR=True)
    app.debug = True
    seen: list[str] = []
    inner = app.wsgi_app

    def middleware(environ: t.Any, start_response: t.Any) -> t.Any:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    client = app.test_client()
    for n in range(3):
        assert client.get(f"/items/{n}").data == f"item {n}".encode()
    assert seen == ["/items/0", "/items/1", "/items/2"]
    # Switched on during the first request: the next ones are recorded.
    paths = [e["path"] for e in api(app, "/requests")["requests"]]
    assert paths == ["/items/2", "/items/1"]


def test_off_nothing_is_wrapped() -> None:
    app = make_app()
    app.debug = True
    views = dict(app.view_functions)
    receivers = dict(signals.request_started.receivers)
    assert app.test_client().get("/").status_code == 200
    # After the first request the switch has stepped aside: the class's
    # wsgi_app serves, no tracer, no receivers, the views as registered.
    assert "wsgi_app" not in vars(app)
    assert not is_traced(app)
    assert app.view_functions == views
    assert not any(
        name in vars(app)
        for name in ("request_context", "app_context", "dispatch_request")
    )
    assert "update" not in vars(app.url_map)
    assert signals.request_started.receivers == receivers


def test_bad_ring_size_is_refused(app: Flask) -> None:
    app.config["INSPECTOR_MAX_REQUESTS"] = "lots"
    with pytest.raises(ValueError, match="INSPECTOR_MAX_REQUESTS"):
        enable_inspector(app)
    app.config["INSPECTOR_MAX_REQUESTS"] = 0
    with pytest.raises(ValueError, match="at least 1"):
        enable_inspector(app)


def test_enable_twice_gives_the_same_inspector(
    inspector: Inspector, app: Flask
) -> None:
    assert enable_inspector(app) is inspector


def test_a_one_off_trace_is_refused_while_inspecting(
    inspector: Inspector, app: Flask
) -> None:
    with pytest.raises(RuntimeError, match="already being traced"):
        trace_request(app, "GET", "/")


def fake_run_simple(monkeypatch: pytest.MonkeyPatch) -> list[t.Any]:
    calls: list[t.Any] = []
    monkeypatch.setattr(
        werkzeug.serving, "run_simple", lambda *a, **k: calls.append((a, k))
    )
    return calls


def test_run_inspect_refuses_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_run_simple(monkeypatch)
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")
    app = make_app()
    result = CliRunner().invoke(
        FlaskGroup(create_app=lambda: app), ["run", "--inspect"]
    )
    assert result.exit_code == 2
    assert "only in debug mode" in result.output
    assert calls == []
    assert not is_traced(app)


def test_run_inspect_in_debug_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_run_simple(monkeypatch)
    # '--debug' and 'run' set these for the process: put them back after.
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")
    app = make_app()
    result = CliRunner().invoke(
        FlaskGroup(create_app=lambda: app), ["--debug", "run", "--inspect"]
    )
    assert result.exit_code == 0, result.output
    assert "/_minflask/inspector/" in result.output
    assert len(calls) == 1
    assert is_traced(app)
    assert app.test_client().get("/items/2").status_code == 200
    assert api(app, "/requests")["requests"][0]["path"] == "/items/2"


# -- who may look -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/_minflask/inspector/",
        f"{API}/requests",
        f"{API}/source?file=minflask/app.py&line=1",
    ],
)
@pytest.mark.parametrize(
    "addr", ["10.0.0.1", "192.168.1.20", "2001:db8::1", "", "junk"]
)
def test_other_clients_get_a_404(inspector: Inspector, path: str, addr: str) -> None:
    client = inspector.app.test_client()
    assert client.get(path, environ_base={"REMOTE_ADDR": addr}).status_code == 404
    assert client.get(path, environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_a_request_through_a_proxy_gets_a_404(inspector: Inspector) -> None:
    client = inspector.app.test_client()
    headers = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/_minflask/inspector/", headers=headers).status_code == 404


def test_inspector_pages_are_not_recorded_nor_in_the_url_map(
    inspector: Inspector, app: Flask
) -> None:
    client = app.test_client()
    client.get("/items/1")
    for _ in range(3):
        client.get(f"{API}/requests")
    assert [e["path"] for e in api(app, "/requests")["requests"]] == ["/items/1"]
    assert not any(r.rule.startswith("/_minflask") for r in app.url_map.iter_rules())


# -- source files --------------------------------------------------------------------


def source(app: Flask, query: str) -> int:
    return app.test_client().get(f"{API}/source?{query}").status_code


def test_sources_under_minflask_and_the_app_are_shown(
    inspector: Inspector, app: Flask
) -> None:
    data = api(app, "/source?file=minflask/app.py&line=5")
    assert data["first"] == 1
    assert data["line"] == 5
    here = Path(__file__).name
    own = api(app, f"/source?file=tests/{here}&line=1")
    assert own["lines"][0].startswith('"""The inspector')
    # Every step with a file the inspector may show is marked so.
    app.test_client().get("/items/1")
    steps = latest(app)["steps"]
    viewable = [s["source"] for s in steps if s["viewable"]]
    assert any(s.startswith("minflask/app.py:") for s in viewable)
    assert any(s.split(":")[0].endswith(here) for s in viewable)


@pytest.mark.parametrize(
    "query",
    [
        "file=../etc/passwd&line=1",
        "file=minflask/../../etc/passwd&line=1",
        "file=minflask/..%2F..%2Fetc%2Fpasswd&line=1",
        "file=minflask%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd&line=1",
        "file=minflask/%252e%252e/app.py&line=1",
        "file=%2Fetc%2Fpasswd&line=1",
        "file=/etc/passwd&line=1",
        "file=~/.bashrc&line=1",
        "file=minflask\\..\\..\\etc\\passwd&line=1",
        "file=werkzeug/routing/map.py&line=1",
        "file=minflask/./app.py&line=1",
        "file=minflask//app.py&line=1",
        "file=minflask/app.py%00.py&line=1",
        "file=minflask/py.typed&line=1",
        "file=minflask/nothing.py&line=1",
        "file=minflask/app.py&line=x",
        "file=&line=1",
    ],
)
def test_sources_outside_the_allowed_folders_are_refused(
    inspector: Inspector, app: Flask, query: str
) -> None:
    assert source(app, query) == 404


def test_a_symlink_out_of_the_app_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 1\n")
    (root / "link.py").symlink_to(outside)
    (root / "inside.py").write_text("x = 1\n")
    app = Flask("pkg", root_path=str(root))
    app.debug = True
    enable_inspector(app)
    from minflask.inspector.sources import resolve_source

    assert resolve_source(app, "link.py") is None
    assert resolve_source(app, "pkg/link.py") is None


# -- what is kept ------------------------------------------------------------------------


def test_the_ring_stays_bounded_over_ten_thousand_requests(app: Flask) -> None:
    app.config["INSPECTOR_MAX_REQUESTS"] = 50
    inspector = enable_inspector(app)
    client = app.test_client()
    client.get("/items/0").close()
    patches_after_first = len(inspector.tracer.patches._undo)
    first = weakref.ref(inspector.snapshot()[0].trace)
    for n in range(1, 10_000):
        response = client.get(f"/items/{n}")
        response.close()
    kept = inspector.snapshot()
    assert len(kept) == 50
    assert [e.trace.path for e in kept] == [f"/items/{n}" for n in range(9_950, 10_000)]
    assert kept[-1].id == 10_000
    # Nothing else grows per request: no undo kept for per-request objects,
    # and a request pushed out of the ring is freed, steps and all.
    assert len(inspector.tracer.patches._undo) == patches_after_first
    gc.collect()
    assert first() is None


def test_large_values_are_cut_and_steps_are_capped(
    inspector: Inspector, app: Flask
) -> None:
    big = "x" * 100_000
    app.test_client().post("/login", data={"email": big, "note": big})
    form = dict(latest(app)["request"]["form"])
    assert len(form["email"]) < 1_100
    assert form["email"].endswith("(100,000 characters in all)")
    app.test_client().get("/many")
    detail = latest(app)
    assert detail["step_count"] == 2_000
    assert detail["dropped_steps"] > 0


def test_concurrent_requests_record_apart(inspector: Inspector, app: Flask) -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            client = app.test_client()
            barrier.wait()
            for i in range(25):
                assert client.get(f"/items/{n * 100 + i}").status_code == 200
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = inspector.snapshot()
    assert len(entries) == 200
    for entry in entries:
        titles = [s.title for s in entry.trace.steps]
        assert titles[0] == f"app.wsgi_app(): GET {entry.trace.path}"
        views = [s for s in entry.trace.steps if s.kind == "view"]
        assert len(views) == 1
        assert views[0].details["view args"] == {
            "n": int(entry.trace.path.split("/")[-1])
        }


def test_panels(inspector: Inspector, app: Flask) -> None:
    client = app.test_client()
    client.get("/?q=1&api_key=abc")
    detail = latest(app)
    assert detail["status"] == 200
    assert detail["request"]["query"] == [["q", "1"], ["api_key", MASK]]
    assert detail["session_before"]["keys"] == []
    assert detail["session_after"]["values"] == {"visits": "1"}
    assert detail["templates"] == [
        {"name": None, "context_keys": ["g", "name", "request"]}
    ]
    names = [s["name"] for s in detail["signals"]]
    assert "request_started" in names and "template_rendered" in names
    assert detail["error"] is None
    # Set-Cookie shows the cookie's name, never its value.
    cookies = [v for n, v in detail["response"]["headers"] if n == "Set-Cookie"]
    assert cookies and all(v.startswith(f"session={MASK}") for v in cookies)


def test_server_side_sessions_show_id_and_keys_only(tmp_path: Path) -> None:
    app = make_app(SESSION_TYPE="sqlite", SESSION_SQLITE_PATH=str(tmp_path / "s.db"))
    app.debug = True
    enable_inspector(app)
    client = app.test_client()
    client.get("/")
    client.get("/")
    after = latest(app)["session_after"]
    assert after["keys"] == ["visits"]
    assert after["values"] is None
    assert after["sid"]


def test_errors_and_their_traceback_are_kept(inspector: Inspector, app: Flask) -> None:
    with pytest.raises(ValueError):
        app.test_client().get("/boom")
    detail = latest(app)
    assert detail["error"]["exception"].startswith("ValueError: broke with")
    assert "raise ValueError" in detail["error"]["traceback"]
    assert SECRET not in json.dumps(detail)
    assert "(SECRET_KEY)" in detail["error"]["traceback"]


# -- secrets --------------------------------------------------------------------------------


def test_secrets_are_masked(inspector: Inspector, app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("theme", "dark-and-secret")
    client.post(
        "/login",
        data={"email": "a@example.com", "password": "hunter2", "csrf_token": "tok123"},
        headers={"Authorization": "Bearer abc.def", "X-Note": f"key {SECRET}"},
    )
    detail = latest(app)
    text = json.dumps(detail)
    for secret in ("hunter2", "tok123", "abc.def", "dark-and-secret", SECRET):
        assert secret not in text
    form = dict(detail["request"]["form"])
    assert form == {"email": "a@example.com", "password": MASK, "csrf_token": MASK}
    headers = dict(detail["request"]["headers"])
    assert headers["Authorization"] == MASK
    assert headers["Cookie"] == f"theme={MASK}"
    export = app.test_client().get(f"{API}/requests/{detail['id']}/export")
    assert "hunter2" not in export.get_data(as_text=True)
    assert SECRET not in export.get_data(as_text=True)


# -- replay and export -------------------------------------------------------------------------


def test_export_is_the_trace_json(inspector: Inspector, app: Flask) -> None:
    app.test_client().get("/items/5")
    entry_id = latest(app)["id"]
    response = app.test_client().get(f"{API}/requests/{entry_id}/export")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    inspector.uninstall()
    expected = trace_request(app, "GET", "/items/5").to_dict()
    assert set(data) == set(expected)
    assert (
        data["request"] == expected["request"] == {"method": "GET", "path": "/items/5"}
    )
    assert [s["title"] for s in data["steps"]][:3] == [
        s["title"] for s in expected["steps"]
    ][:3]
    assert data["notes"] == [SIGNALS_NOTE]


def test_replay_a_get(inspector: Inspector, app: Flask) -> None:
    client = app.test_client()
    client.get("/items/9?x=1")
    original = latest(app)
    response = client.post(
        f"{API}/requests/{original['id']}/replay",
        headers={"X-Minflask-Inspector": "replay"},
    )
    assert response.status_code == 200, response.data
    replay_id = response.get_json()["id"]
    again = api(app, f"/requests/{replay_id}")
    assert again["replay_of"] == original["id"]
    assert (again["method"], again["path"], again["status"]) == ("GET", "/items/9", 200)
    assert again["request"]["query"] == [["x", "1"]]


def test_replay_refuses_other_methods_and_cross_site_posts(
    inspector: Inspector, app: Flask
) -> None:
    client = app.test_client()
    client.post("/login", data={"email": "a"})
    entry_id = latest(app)["id"]
    url = f"{API}/requests/{entry_id}/replay"
    refused = client.post(url, headers={"X-Minflask-Inspector": "replay"})
    assert refused.status_code == 400
    assert b"Only GET and HEAD" in refused.data
    assert client.post(url).status_code == 400
    assert client.post(f"{API}/requests/999999/replay").status_code in (400, 404)
    assert client.get(f"{API}/requests/999999").status_code == 404


def test_masking_keeps_lists_of_names_and_follows_the_secret_key(
    inspector: Inspector, app: Flask
) -> None:
    masker = inspector.masker
    assert masker.data(["csrf_token", "form"]) == ["csrf_token", "form"]
    assert masker.data(["X-Csrf-Token", "abc"]) == ["X-Csrf-Token", MASK]
    assert masker.data(["Set-Cookie", "s=1; Path=/"]) == [
        "Set-Cookie",
        f"s={MASK}; Path=/",
    ]
    assert masker.data({"password": "x", "nested": {"api_key": 3}}) == {
        "password": MASK,
        "nested": {"api_key": MASK},
    }
    app.config["SECRET_KEY"] = "a-new-secret-value"
    app.config["SECRET_KEY_FALLBACKS"] = [SECRET]
    text = inspector.masker.text(f"new a-new-secret-value old {SECRET}")
    assert "a-new-secret-value" not in text and SECRET not in text


def test_demo_inspect_needs_debug(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import demo
    from demo.__main__ import main as demo_main

    monkeypatch.setenv(demo.INSTANCE_PATH_ENV, str(tmp_path / "instance"))
    with pytest.raises(SystemExit, match="--inspect: The minflask inspector runs only"):
        demo_main(["--inspect"])


def test_the_overhead_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.inspector import main as bench_main

    bench_main(["--requests", "3", "--rounds", "1"])
    out = capsys.readouterr().out
    assert "no tracer installed (checked)" in out
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["/", "/page/7"]
