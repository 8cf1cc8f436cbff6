"""The demo's command line: ``minflask --app demo init-db`` and the
``users`` group (through app.test_cli_runner() and the real console script),
and ``python -m demo`` (arguments, banner, and a real server process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import demo
from demo import __main__ as demo_main
from demo import db
from minflask import Flask
from tests.demo_fixtures.support import (
    ALICE,
    PASSWORD,
    add_holding,
    add_user,
    login,
    make_app,
)

ROOT = Path(demo.__file__).resolve().parent.parent


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


def user_emails(app: Flask) -> list[str]:
    with app.app_context():
        rows = db.get_db().execute("SELECT email FROM users ORDER BY id")
        return [row["email"] for row in rows]


# -- init-db -----------------------------------------------------------------------


def test_init_db_empties_the_database(app: Flask) -> None:
    alice = add_user(app)
    add_holding(app, alice, "AAPL", "1", "1")
    result = app.test_cli_runner().invoke(args=["init-db", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output == "Initialized the database.\n"
    assert user_emails(app) == []


def test_init_db_with_sample_prints_the_login(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["init-db", "--yes", "--sample"])
    assert result.exit_code == 0, result.output
    assert f"Sample login: {db.SAMPLE_EMAIL} / {db.SAMPLE_PASSWORD}" in result.output
    assert user_emails(app) == [db.SAMPLE_EMAIL]
    assert (
        login(app.test_client(), db.SAMPLE_EMAIL, db.SAMPLE_PASSWORD).status_code == 302
    )


def test_init_db_asks_first_and_keeps_data_on_no(app: Flask) -> None:
    add_user(app)
    result = app.test_cli_runner().invoke(args=["init-db"], input="n\n")
    assert result.exit_code == 1
    assert "Delete every account and holding? [y/N]" in result.output
    assert "Aborted!" in result.output
    assert user_emails(app) == [ALICE]


# -- users create / list -----------------------------------------------------------


def test_users_create_with_option_then_log_in(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "New@Example.com", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created user 1: new@example.com\n"
    assert login(app.test_client(), "new@example.com").status_code == 302


def test_users_create_prompts_for_the_password_twice(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "p@example.com"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    assert user_emails(app) == ["p@example.com"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["not-an-email", "--password", PASSWORD],
            2,
            "Invalid value for EMAIL: Enter a valid email",
        ),
        (
            ["s@example.com", "--password", "short"],
            2,
            "Invalid value for '--password': Use at least 8",
        ),
        (
            [ALICE, "--password", PASSWORD],
            1,
            f"Error: An account for {ALICE} already exists.",
        ),
    ],
)
def test_users_create_errors(
    app: Flask, args: list[str], code: int, message: str
) -> None:
    add_user(app)
    result = app.test_cli_runner().invoke(args=["users", "create", *args])
    assert result.exit_code == code
    assert message in result.output
    assert user_emails(app) == [ALICE]


def test_users_list(app: Flask) -> None:
    alice = add_user(app)
    add_user(app, "bob@example.com")
    add_holding(app, alice, "AAPL", "1", "1")
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert result.output == (
        "    1  alice@example.com  (1 holding)\n    2  bob@example.com  (0 holdings)\n"
    )


def test_the_minflask_command_finds_the_demo_commands(tmp_path: Path) -> None:
    env = {**os.environ, "MINFLASK_DEMO_INSTANCE_PATH": str(tmp_path / "inst")}
    env["MINFLASK_DEMO_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    command = [sys.executable, "-m", "minflask", "--app", "demo"]
    run = subprocess.run(
        [*command, "users", "create", "cli@example.com", "--password", PASSWORD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Created user 2: cli@example.com\n"  # after the sample user
    listed = subprocess.run(
        [*command, "users", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "demo@example.com" in listed.stdout and "cli@example.com" in listed.stdout


# -- python -m demo ----------------------------------------------------------------


def test_banner_prints_url_store_and_sample_login(tmp_path: Path) -> None:
    app = make_app(tmp_path, SAMPLE_DATA=True)
    text = demo_main.banner(app, "127.0.0.1", 5000)
    assert "minflask demo: http://127.0.0.1:5000/" in text
    assert "sessions: sqlite (server-side)" in text
    assert f"sample login: {db.SAMPLE_EMAIL} / {db.SAMPLE_PASSWORD}" in text
    assert app.instance_path in text
    assert "http://[::1]:8000/" in demo_main.banner(app, "::1", 8000)


def test_banner_leaves_out_a_deleted_sample_and_names_cookie_sessions(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, SESSION_TYPE="cookie")
    text = demo_main.banner(app, "127.0.0.1", 5000)
    assert "sample login" not in text
    assert "sessions: signed cookies" in text


@pytest.mark.parametrize(
    ("argv", "debug"), [([], False), (["--debug", "--port", "8001"], True)]
)
def test_main_runs_werkzeug_with_reloader_and_debugger_only_in_debug(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    debug: bool,
) -> None:
    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setenv(demo.INSTANCE_PATH_ENV, str(tmp_path))
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    monkeypatch.setattr(demo_main, "run_simple", lambda *a, **k: calls.append((a, k)))
    demo_main.main(argv)
    (((host, port, app), options),) = calls
    assert (host, port) == ("127.0.0.1", 8001 if debug else 5000)
    assert isinstance(app, Flask) and app.debug is debug
    assert options == {"use_reloader": debug, "use_debugger": debug, "threaded": True}
    assert f"http://127.0.0.1:{port}/" in capsys.readouterr().out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[str], timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: bytes = response.read()
                return body
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "demo", "--host", "127.0.0.1", "--port", "{port}"],
        ["-m", "minflask", "--app", "demo", "run", "--port", "{port}"],
    ],
    ids=["python -m demo", "minflask --app demo run"],
)
def test_real_server_serves_the_demo(tmp_path: Path, command: list[str]) -> None:
    port = free_port()
    env = {**os.environ, demo.INSTANCE_PATH_ENV: str(tmp_path / "inst")}
    env.pop("WERKZEUG_RUN_MAIN", None)
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, *(arg.format(port=port) for arg in command)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        body = wait_for(f"http://127.0.0.1:{port}/", process)
        assert b"Know what your portfolio cost you." in body
        css = wait_for(f"http://127.0.0.1:{port}/static/style.css", process)
        assert b".flash-success" in css
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "inst" / "demo.sqlite3").is_file()
    if command[1] == "demo":
        output = log.read_text()
        assert f"minflask demo: http://127.0.0.1:{port}/" in output
        assert f"sample login: {db.SAMPLE_EMAIL} / {db.SAMPLE_PASSWORD}" in output
