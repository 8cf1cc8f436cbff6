"""The application object itself: identity, config defaults, run(), WSGI."""

from __future__ import annotations

import typing as t
from datetime import timedelta

import pytest

import minflask
from minflask import Flask, g

FLASK_DEFAULTS: dict[str, t.Any] = {
    "DEBUG": False,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "USE_X_SENDFILE": False,
    "TRUSTED_HOSTS": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_REFRESH_EACH_REQUEST": True,
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRAP_HTTP_EXCEPTIONS": False,
    "EXPLAIN_TEMPLATE_LOADING": False,
    "PREFERRED_URL_SCHEME": "http",
    "TEMPLATES_AUTO_RELOAD": None,
    "MAX_COOKIE_SIZE": 4093,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
}


def test_config_defaults_are_flasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = Flask(__name__)
    assert dict(app.config) == FLASK_DEFAULTS


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("0", False), ("no", False)]
)
def test_flask_debug_env_sets_debug(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", value)
    assert Flask(__name__).debug is expected


def test_config_attributes_forward_to_config(app: Flask) -> None:
    app.secret_key = "other"
    assert app.config["SECRET_KEY"] == "other"
    app.testing = False
    assert app.config["TESTING"] is False
    app.debug = True
    assert app.config["DEBUG"] is True
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)


def test_name_import_name_and_extensions(app: Flask) -> None:
    assert app.name == "minflask_test"
    assert app.import_name == "minflask_test"
    assert app.extensions == {}
    assert repr(app) == "<Flask 'minflask_test'>"


def test_version_is_exposed() -> None:
    assert isinstance(minflask.__version__, str)
    assert minflask.__version__.count(".") >= 1


def test_root_path_from_import_name() -> None:
    app = Flask(__name__)
    assert app.root_path == str(__import__("pathlib").Path(__file__).parent)


def test_relative_instance_path_is_rejected() -> None:
    with pytest.raises(ValueError, match="must be absolute"):
        Flask(__name__, instance_path="relative/path")


def test_static_host_needs_host_matching() -> None:
    with pytest.raises(AssertionError, match="static_host"):
        Flask(__name__, static_host="example.com")


def test_wsgi_app_can_be_wrapped_by_middleware(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        return "inner"

    seen: list[str] = []
    inner = app.wsgi_app

    def middleware(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    response = app.test_client().get("/")
    assert response.data == b"inner"
    assert seen == ["/"]


def test_shell_context(app: Flask) -> None:
    @app.shell_context_processor
    def extra() -> dict[str, t.Any]:
        return {"answer": 42}

    with app.app_context():
        namespace = app.make_shell_context()
    assert namespace["app"] is app
    assert namespace["g"] is g
    assert namespace["answer"] == 42


def test_run_passes_options_to_run_simple(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[t.Any, ...]] = []

    def fake_run_simple(host: str, port: int, application: t.Any, **kw: t.Any) -> None:
        calls.append((host, port, application, kw))

    monkeypatch.setattr("werkzeug.serving.run_simple", fake_run_simple)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    app.run()
    app.run(host="0.0.0.0", port=8080, debug=True, threaded=False)
    assert calls[0][:3] == ("127.0.0.1", 5000, app)
    assert calls[0][3] == {
        "use_reloader": False,
        "use_debugger": False,
        "threaded": True,
    }
    assert calls[1][:2] == ("0.0.0.0", 8080)
    assert calls[1][3] == {
        "use_reloader": True,
        "use_debugger": True,
        "threaded": False,
    }
    assert app.debug is True


def test_run_uses_server_name(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(
        "werkzeug.serving.run_simple",
        lambda host, port, application, **kw: calls.append((host, port)),
    )
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    app.config["SERVER_NAME"] = "example.test:4000"
    app.run()
    assert calls == [("example.test", 4000)]


def test_run_is_skipped_under_the_cli(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *a, **kw: calls.append(1))
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    app.run()
    assert calls == []


def test_run_resets_first_request_flag(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def serve(host: str, port: int, application: Flask, **kw: t.Any) -> None:
        application.test_client().get("/")
        assert application._got_first_request

    monkeypatch.setattr("werkzeug.serving.run_simple", serve)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    app.run()
    assert not app._got_first_request


def test_public_names_are_exported() -> None:
    names = {
        "Flask", "Blueprint", "Config", "Request", "Response", "current_app", "g",
        "request", "session", "abort", "after_this_request",
        "copy_current_request_context", "has_app_context", "has_request_context",
        "jsonify", "make_response", "redirect", "send_file", "send_from_directory",
        "stream_with_context", "url_for", "json", "request_started",
        "request_finished", "got_request_exception", "request_tearing_down",
        "appcontext_pushed", "appcontext_popped", "appcontext_tearing_down",
        "template_rendered", "before_render_template", "message_flashed",
    }  # fmt: skip
    missing = {name for name in names if not hasattr(minflask, name)}
    assert not missing
