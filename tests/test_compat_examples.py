"""Flask's example projects and the code in its testing, CLI, shell, config,
logging and server docs, re-enacted against minflask.

The apps under tests/compat_examples_fixtures are written in the shape of
Flask's JavaScript example (``calc``) and tutorial (``journal``); the rest
builds small apps inline, one per documented recipe.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import logging
import logging.config
import os
import sqlite3
import sys
import typing as t
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from compat_examples_fixtures.calc import app as calc_app
from compat_examples_fixtures.journal import create_app
from compat_examples_fixtures.journal import db as journal_db

import minflask.logging as mf_logging
from minflask import (
    Blueprint,
    Config,
    Flask,
    after_this_request,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    session,
    template_rendered,
    url_for,
)
from minflask.cli import AppGroup, FlaskGroup, with_appcontext
from minflask.testing import FlaskClient, FlaskCliRunner

# -- the JavaScript example: a module-level app with views in a sibling module


@pytest.fixture
def calc() -> t.Iterator[Flask]:
    calc_app.testing = True
    yield calc_app
    calc_app.testing = False


@pytest.mark.parametrize(
    ("path", "template"),
    [("/", "fetch.html"), ("/xhr", "xhr.html"), ("/jquery", "jquery.html")],
)
def test_calc_page_renders_the_flavour_template(
    calc: Flask, path: str, template: str
) -> None:
    seen: list[tuple[str | None, str]] = []

    def record(sender: Flask, template: t.Any, context: dict[str, t.Any]) -> None:
        seen.append((template.name, context["flavour"]))

    with template_rendered.connected_to(record, calc):
        response = calc.test_client().get(path)
    assert response.status_code == 200
    # base.html is pulled in by ``extends``: only the named template is sent.
    assert seen == [(template, template.partition(".")[0])]
    assert b'data-url="/add"' in response.data


def test_calc_default_flavour_url_redirects_to_the_bare_route(calc: Flask) -> None:
    # "/fetch" is what "/" builds with its defaults, so routing redirects.
    seen: list[t.Any] = []
    with template_rendered.connected_to(lambda *a, **k: seen.append(k), calc):
        response = calc.test_client().get("/fetch")
        assert response.status_code == 308
        assert response.location == "http://localhost/"
        assert calc.test_client().get("/fetch", follow_redirects=True).text
    assert [kw["context"]["flavour"] for kw in seen] == ["fetch"]


def test_calc_unknown_flavour_is_404_and_renders_nothing(calc: Flask) -> None:
    seen: list[t.Any] = []
    with template_rendered.connected_to(lambda *a, **k: seen.append(k), calc):
        response = calc.test_client().get("/plain")
    assert response.status_code == 404
    assert seen == []


@pytest.mark.parametrize(
    ("a", "b", "result"),
    [(2, 3, 5), (2.5, 3, 5.5), (2, None, 2), (2, "b", 2), ("x", "y", 0)],
)
def test_calc_add_converts_or_defaults(
    calc: Flask, a: t.Any, b: t.Any, result: float
) -> None:
    response = calc.test_client().post("/add", data={"a": a, "b": b})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"result": result}


def test_calc_add_only_accepts_post(calc: Flask) -> None:
    response = calc.test_client().get("/add")
    assert response.status_code == 405
    assert sorted(response.headers["Allow"].split(", ")) == ["OPTIONS", "POST"]


# -- the tutorial: factory, instance folder, per-context db, init-db command


@pytest.fixture
def journal(tmp_path: Path) -> Flask:
    return create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "test.sqlite")},
        instance_path=str(tmp_path / "instance"),
    )


def test_factory_reads_instance_config_unless_given_test_config(
    tmp_path: Path,
) -> None:
    instance = tmp_path / "instance"
    plain = create_app(instance_path=str(instance))
    assert not plain.testing
    assert instance.is_dir()  # the factory creates it
    assert plain.config["DATABASE"] == str(instance / "journal.sqlite")
    assert plain.config["SECRET_KEY"] == "dev"

    (instance / "config.py").write_text("SECRET_KEY = 'from instance'\n")
    assert create_app(instance_path=str(instance)).secret_key == "from instance"
    tested = create_app({"TESTING": True}, instance_path=str(instance))
    assert tested.testing and tested.secret_key == "dev"


def test_init_db_command_runs_the_packaged_schema(journal: Flask) -> None:
    # As ``flask --app journal init-db`` runs it: FlaskGroup pushes the app
    # context even for a plain click command.
    runner = journal.test_cli_runner()
    assert isinstance(runner, FlaskCliRunner)
    result = runner.invoke(FlaskGroup(create_app=lambda: journal), ["init-db"])
    assert result.exit_code == 0, result.output
    assert result.output == "Initialized the database.\n"
    conn = sqlite3.connect(journal.config["DATABASE"])
    conn.execute("INSERT INTO entry (body) VALUES ('hello')")
    conn.commit()
    conn.close()
    response = journal.test_client().get("/entries")
    assert response.json == {"entries": ["hello"], "same": True}


def test_plain_click_command_on_app_cli_has_no_app_context(journal: Flask) -> None:
    # app.cli is an AppGroup: only its own ``command`` decorator (or
    # with_appcontext) pushes a context; FlaskGroup pushes one for all.
    result = journal.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert "application context" in str(result.exception)


def test_with_appcontext_gives_a_plain_command_the_app(journal: Flask) -> None:
    @click.command("where")
    @with_appcontext
    def where() -> None:
        click.echo(current_app.name)

    journal.cli.add_command(where)
    result = journal.test_cli_runner().invoke(args=["where"])
    assert result.output == "compat_examples_fixtures.journal\n"


def test_init_db_command_looks_up_the_function_at_call_time(
    journal: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(journal_db, "init_db", lambda: calls.append("called"))
    result = journal.test_cli_runner().invoke(args=["init-db"])
    assert "Initialized" in result.output
    assert calls == ["called"]


def test_db_is_reused_within_a_context_and_closed_after(journal: Flask) -> None:
    with journal.app_context():
        conn = journal_db.get_db()
        assert journal_db.get_db() is conn
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        conn.execute("SELECT 1")


def test_open_resource_is_read_only_and_relative_to_the_package(
    journal: Flask,
) -> None:
    with journal.open_resource("schema.sql") as f:
        assert f.read().startswith(b"DROP TABLE")
    with journal.open_resource("schema.sql", "r") as f:
        assert f.read().startswith("DROP TABLE")
    for mode in ("w", "rb+", "a"):
        with pytest.raises(ValueError, match="only be opened for reading"):
            journal.open_resource("schema.sql", mode)


# -- CLI commands in tests (docs/testing.rst, docs/cli.rst)


@pytest.fixture
def cli_app() -> Flask:
    app = Flask("cli_docs")
    app.extensions["events"] = []

    @app.teardown_appcontext
    def record_teardown(exc: BaseException | None) -> None:
        app.extensions["events"].append(("teardown", type(exc).__name__))

    @app.cli.command("hello")
    @click.option("--name", default="World")
    def hello_command(name: str) -> None:
        click.echo(f"Hello, {name}!")

    @app.cli.command("fail")
    def fail() -> None:
        raise RuntimeError("command failed")

    @app.cli.command("detached", with_appcontext=False)
    def detached() -> None:
        click.echo(f"request={has_request_context()} g={bool(g)}")
        g.get("anything")  # needs an app context

    return app


def test_runner_invokes_commands_from_a_string_or_a_list(cli_app: Flask) -> None:
    runner = cli_app.test_cli_runner()
    assert runner.invoke(args="hello").output == "Hello, World!\n"
    result = runner.invoke(args=["hello", "--name", "Flask"])
    assert result.output == "Hello, Flask!\n"
    assert cli_app.extensions["events"] == [
        ("teardown", "NoneType"),
        ("teardown", "NoneType"),
    ]


def test_runner_command_error_reaches_teardown_and_result(cli_app: Flask) -> None:
    result = cli_app.test_cli_runner().invoke(args=["fail"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert str(result.exception) == "command failed"
    assert cli_app.extensions["events"] == [("teardown", "RuntimeError")]


def test_command_without_app_context(cli_app: Flask) -> None:
    result = cli_app.test_cli_runner().invoke(args=["detached"])
    assert result.output == "request=False g=False\n"
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert "application context" in str(result.exception)
    assert cli_app.extensions["events"] == []


def test_app_group_subcommands_get_an_app_context() -> None:
    app = Flask("grouped")
    user_cli = AppGroup("user")

    @user_cli.command("create")
    @click.argument("name")
    def create_user(name: str) -> None:
        click.echo(f"created {name} in {app.name}: {g.get('x', 'fresh')}")

    app.cli.add_command(user_cli)
    result = app.test_cli_runner().invoke(args=["user", "create", "demo"])
    assert result.output == "created demo in grouped: fresh\n"


def make_wiki() -> Flask:
    app = Flask("wiki")

    @app.cli.command("ping")
    def ping() -> None:
        click.echo(f"pong from {app.name}")

    return app


@click.group(cls=FlaskGroup, create_app=make_wiki)
def wiki_cli() -> None:
    """Management script for the wiki."""


def test_custom_script_built_on_flask_group() -> None:
    runner = CliRunner()
    assert runner.invoke(wiki_cli, ["ping"]).output == "pong from wiki\n"
    help_text = runner.invoke(wiki_cli, ["--help"]).output
    assert "Management script for the wiki." in help_text
    listed = help_text.partition("Commands:\n")[2].split("\n")
    # Flask's defaults plus minflask's own `trace`.
    assert [line.split()[0] for line in listed if line] == [
        "ping",
        "routes",
        "run",
        "shell",
        "trace",
    ]


def test_plugin_commands_come_from_installed_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mf_plugin_demo.py").write_text(
        "import click\n\n"
        "@click.command()\n"
        "def cli():\n"
        '    """Says where it came from."""\n'
        '    click.echo("from the plugin")\n'
    )
    dist = tmp_path / "mf_plugin_demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mf-plugin-demo\n")
    (dist / "entry_points.txt").write_text(
        "[flask.commands]\nmy-command = mf_plugin_demo:cli\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "mf_plugin_demo", raising=False)

    group = FlaskGroup(create_app=make_wiki)
    result = CliRunner().invoke(group, ["my-command"])
    assert result.output == "from the plugin\n"
    assert (
        "my-command  Says where it came from."
        in CliRunner().invoke(group, ["--help"]).output
    )
    sys.modules.pop("mf_plugin_demo", None)


def test_blueprint_commands_nest_under_their_cli_group() -> None:
    app = Flask("school")
    for name, group in (("students", "students"), ("teachers", "other")):
        bp = Blueprint(name, __name__, cli_group=group)

        @bp.cli.command("create")
        @click.argument("who")
        def create(who: str, name: str = name) -> None:
            click.echo(f"{name}: {who}")

        app.register_blueprint(bp)
    flat = Blueprint("flat", __name__, cli_group=None)
    flat.cli.command("top")(lambda: click.echo("merged"))
    app.register_blueprint(flat)

    runner = app.test_cli_runner()
    assert runner.invoke(args=["students", "create", "alice"]).output == (
        "students: alice\n"
    )
    assert runner.invoke(args=["other", "create", "bob"]).output == "teachers: bob\n"
    assert runner.invoke(args=["top"]).output == "merged\n"
    assert runner.invoke(args=["teachers", "create", "x"]).exit_code == 2


# -- the test client recipes of docs/testing.rst


@pytest.fixture
def docs_app() -> Flask:
    app = Flask("testing_docs")
    app.config.update(TESTING=True, SECRET_KEY="docs")

    @app.post("/user/<int:id>/edit")
    def edit_user(id: int) -> dict[str, t.Any]:
        picture = request.files["picture"]
        return {
            "id": id,
            "name": request.form["name"],
            "filename": picture.filename,
            "type": picture.content_type,
            "size": len(picture.read()),
        }

    @app.get("/logout")
    def logout() -> t.Any:
        session.clear()
        return redirect(url_for("index"))

    @app.get("/index")
    def index() -> str:
        return "index"

    @app.post("/auth/login")
    def login() -> str:
        session["user_id"] = 1
        return "logged in"

    @app.get("/users/me")
    def me() -> dict[str, t.Any]:
        return {"username": "flask" if session.get("user_id") == 1 else None}

    @app.before_request
    def load_user() -> None:
        if request.headers.get("X-Auth-Token") == "1":
            g.user = "Flask"

    return app


def test_uploaded_files_are_closed_and_tuple_sets_name_and_type(
    docs_app: Flask, tmp_path: Path
) -> None:
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"\x89PNG fake")
    handle = picture.open("rb")
    client = docs_app.test_client()
    response = client.post(
        "/user/2/edit", data={"name": "Flask", "theme": "dark", "picture": handle}
    )
    assert response.json == {
        "id": 2,
        "name": "Flask",
        "filename": str(picture),
        "type": "image/png",
        "size": 9,
    }
    assert handle.closed

    renamed = (picture.open("rb"), "me.jpg", "image/jpeg")
    response = client.post("/user/3/edit", data={"name": "x", "picture": renamed})
    assert response.json is not None
    assert (response.json["filename"], response.json["type"]) == (
        "me.jpg",
        "image/jpeg",
    )


def test_follow_redirects_records_history(docs_app: Flask) -> None:
    response = docs_app.test_client().get("/logout", follow_redirects=True)
    assert len(response.history) == 1
    assert response.history[0].status_code == 302
    assert response.request.path == "/index"
    assert response.text == "index"


def test_with_client_keeps_session_until_block_ends(docs_app: Flask) -> None:
    client = docs_app.test_client()
    with client:
        client.post("/auth/login", data={"username": "flask"})
        assert session["user_id"] == 1
        assert request.path == "/auth/login"
        nested = pytest.raises(RuntimeError, match="Cannot nest client invocations")
        with nested, client:
            pass
    assert not has_request_context()
    with pytest.raises(RuntimeError, match="outside of request context"):
        session.get("user_id")


def test_session_transaction_is_saved_for_the_next_request(docs_app: Flask) -> None:
    client = docs_app.test_client()
    assert client.get("/users/me").json == {"username": None}
    with client.session_transaction() as sess:
        sess["user_id"] = 1
    assert client.get("/users/me").json == {"username": "flask"}


def test_session_transaction_needs_cookies(docs_app: Flask) -> None:
    client = FlaskClient(docs_app, use_cookies=False)
    disabled = pytest.raises(TypeError, match="Cookies are disabled")
    with disabled, client.session_transaction():
        pass


def test_preprocess_request_in_a_test_request_context(docs_app: Flask) -> None:
    with docs_app.test_request_context("/user/2/edit", headers={"X-Auth-Token": "1"}):
        assert "user" not in g
        assert docs_app.preprocess_request() is None
        assert g.user == "Flask"


# -- docs/shell.rst: driving a request by hand


def test_manual_request_lifecycle_from_the_shell() -> None:
    app = Flask("shell_docs")
    app.secret_key = "shell"
    calls: list[str] = []

    @app.before_request
    def before() -> None:
        calls.append("before")
        session["seen"] = True

        @after_this_request
        def tag(response: t.Any) -> t.Any:
            response.headers["X-Tagged"] = "yes"
            return response

    @app.after_request
    def after(response: t.Any) -> t.Any:
        calls.append("after")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        calls.append(f"teardown {exc!r}")

    ctx = app.test_request_context()
    ctx.push()
    try:
        assert app.preprocess_request() is None
        response = app.process_response(app.response_class())
        assert repr(response) == "<Response 0 bytes [200 OK]>"
        assert response.headers["X-Tagged"] == "yes"
        assert "session=" in response.headers["Set-Cookie"]
        assert calls == ["before", "after"]
    finally:
        ctx.pop()
    assert calls == ["before", "after", "teardown None"]


def test_preprocess_request_hands_back_a_hook_response() -> None:
    app = Flask("shell_docs_stop")
    app.before_request(lambda: "stopped early")
    with app.test_request_context():
        assert app.preprocess_request() == "stopped early"


# -- docs/config.rst


def test_default_settings_then_envvar_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "mf_cfg_docs_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "default_settings.py").write_text(
        "DEBUG = False\nSECRET_KEY = 'default'\nlowercase = 'ignored'\n"
    )
    settings = tmp_path / "settings.cfg"
    settings.write_text("SECRET_KEY = '192b9bdd'\nother = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("MF_APP_SETTINGS", str(settings))

    app = Flask("cfg_docs", root_path=str(tmp_path))
    app.config.from_object("mf_cfg_docs_app.default_settings")
    assert app.config.from_envvar("MF_APP_SETTINGS") is True
    assert app.config["SECRET_KEY"] == "192b9bdd"
    assert app.config["DEBUG"] is False
    assert "lowercase" not in app.config and "other" not in app.config

    monkeypatch.delenv("MF_APP_SETTINGS")
    assert app.config.from_envvar("MF_APP_SETTINGS", silent=True) is False
    with pytest.raises(RuntimeError, match="'MF_APP_SETTINGS' is not set"):
        app.config.from_envvar("MF_APP_SETTINGS")
    for name in list(sys.modules):
        if name.startswith("mf_cfg_docs_app"):
            del sys.modules[name]


def test_from_file_text_and_binary_loaders(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"SECRET_KEY": "json", "lower": 1}')
    config = Config(str(tmp_path))
    assert config.from_file("config.json", load=json.load) is True
    assert config["SECRET_KEY"] == "json" and "lower" not in config

    modes: list[str] = []

    def load_bytes(f: t.IO[bytes]) -> t.Any:
        modes.append(f.mode)
        return json.loads(f.read().decode())

    assert config.from_file("config.json", load=load_bytes, text=False)
    assert modes == ["rb"]
    assert config.from_file("missing.json", load=json.load, silent=True) is False
    with pytest.raises(FileNotFoundError, match="Unable to load configuration file"):
        config.from_file("missing.json", load=json.load)


def test_from_prefixed_env_parses_json_and_nests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key in list(os.environ):
        if key.startswith("FLASK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FLASK_SECRET_KEY", "5f352379324c22463451387a0aec5d2f")
    monkeypatch.setenv("FLASK_MAIL_ENABLED", "false")
    monkeypatch.setenv("FLASK_MYAPI__credentials__username", "user123")
    monkeypatch.setenv("FLASK_PORTS", "[80, 443]")
    monkeypatch.setenv("FLASK_NAME", "not json")
    config = Config(str(tmp_path), {"MYAPI": {"url": "x"}})
    assert config.from_prefixed_env() is True
    assert config["SECRET_KEY"] == "5f352379324c22463451387a0aec5d2f"
    assert config["MAIL_ENABLED"] is False
    assert config["MYAPI"] == {"url": "x", "credentials": {"username": "user123"}}
    assert config["PORTS"] == [80, 443]
    assert config["NAME"] == "not json"

    monkeypatch.setenv("MYAPP_PORTS", "[1]")
    config.from_prefixed_env("MYAPP", loads=str)
    assert config["PORTS"] == "[1]"


class BaseConfig:
    TESTING = False
    DB_SERVER = "192.168.1.56"

    @property
    def DATABASE_URI(self) -> str:
        return f"mysql://user@{self.DB_SERVER}/foo"


class ProductionConfig(BaseConfig):
    DB_SERVER = "192.168.19.32"


def test_config_classes_need_an_instance_for_properties(tmp_path: Path) -> None:
    config = Config(str(tmp_path))
    config.from_object(ProductionConfig)
    assert isinstance(config["DATABASE_URI"], property)
    config.from_object(ProductionConfig())
    assert config.get("DATABASE_URI") == "mysql://user@192.168.19.32/foo"
    assert config["TESTING"] is False


def test_instance_relative_config_and_instance_resources(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "application.cfg").write_text("FROM_INSTANCE = 'yes'\n")
    app = Flask(
        "cfg_instance",
        root_path=str(tmp_path / "root"),
        instance_path=str(instance),
        instance_relative_config=True,
    )
    assert app.config.root_path == str(instance)
    assert app.config.from_pyfile("application.cfg", silent=True) is True
    assert app.config.from_pyfile("absent.cfg", silent=True) is False
    assert app.config["FROM_INSTANCE"] == "yes"
    with app.open_instance_resource("application.cfg") as f:
        assert f.read() == b"FROM_INSTANCE = 'yes'\n"
    with app.open_instance_resource("notes.txt", "w") as f:
        f.write("writable")
    assert (instance / "notes.txt").read_text() == "writable"
    with pytest.raises(ValueError, match="must be absolute"):
        Flask("cfg_relative", instance_path="relative/instance")


def module_in(folder: Path, name: str) -> None:
    """Write an importable empty module ``name`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text("")
    importlib.invalidate_caches()


@pytest.mark.parametrize(
    "site",
    ["lib/python3.11/site-packages", "Lib/site-packages", "site-packages"],
)
def test_instance_folder_of_a_package_installed_outside_sys_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: str
) -> None:
    # pip install --user / --prefix / --target: a site-packages folder that
    # is not under sys.prefix still names the prefix the package went to.
    prefix = tmp_path / "prefix"
    module_in(prefix / site, "mf_user_installed")
    monkeypatch.syspath_prepend(str(prefix / site))
    app = Flask("mf_user_installed", root_path=str(tmp_path))
    assert app.instance_path == str(prefix / "var" / "mf_user_installed-instance")


def test_instance_folder_of_a_package_under_sys_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    folder = tmp_path / "deeper" / "lib" / "python3.11" / "site-packages"
    module_in(folder, "mf_prefix_installed")
    monkeypatch.syspath_prepend(str(folder))
    app = Flask("mf_prefix_installed", root_path=str(tmp_path))
    # Anything inside sys.prefix uses sys.prefix itself.
    assert app.instance_path == str(tmp_path / "var" / "mf_prefix_installed-instance")


def test_instance_folder_of_an_uninstalled_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_in(tmp_path / "project", "mf_not_installed")
    monkeypatch.syspath_prepend(str(tmp_path / "project"))
    app = Flask("mf_not_installed", root_path=str(tmp_path))
    assert app.instance_path == str(tmp_path / "project" / "instance")


# -- docs/logging.rst


@contextmanager
def bare_root_logger() -> t.Iterator[None]:
    """An unconfigured root logger, as in a fresh process: pytest's log
    capture puts a handler on the root while a test runs, which would keep
    apps from adding their default handler."""
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


def logging_app(name: str) -> Flask:
    app = Flask(name)

    @app.post("/login")
    def login() -> str:
        app.logger.info("%s failed to log in", request.form["username"])
        return "no"

    @app.get("/boom")
    def boom() -> str:
        raise ValueError("boom")

    return app


def test_dict_config_with_the_wsgi_errors_stream() -> None:
    with bare_root_logger():
        logging.config.dictConfig(
            {
                "version": 1,
                "disable_existing_loggers": False,
                "formatters": {"default": {"format": "%(levelname)s: %(message)s"}},
                "handlers": {
                    "wsgi": {
                        "class": "logging.StreamHandler",
                        "stream": "ext://minflask.logging.wsgi_errors_stream",
                        "formatter": "default",
                    }
                },
                "root": {"level": "INFO", "handlers": ["wsgi"]},
            }
        )
        app = logging_app("mf_dictconfig_app")
        # The root logger already handles INFO, so the app adds no handler.
        assert app.logger.handlers == []
        client = app.test_client()
        errors = io.StringIO()
        client.post("/login", data={"username": "bob"}, errors_stream=errors)
        assert errors.getvalue() == "INFO: bob failed to log in\n"

        errors = io.StringIO()
        assert client.get("/boom", errors_stream=errors).status_code == 500
    assert errors.getvalue().startswith("ERROR: Exception on /boom [GET]\n")
    assert errors.getvalue().rstrip().endswith("ValueError: boom")


class RequestFormatter(logging.Formatter):
    """Adds the request's URL and client address, or None outside one."""

    def format(self, record: logging.LogRecord) -> str:
        if has_request_context():
            record.url = request.url
            record.remote_addr = request.remote_addr
        else:
            record.url = None
            record.remote_addr = None
        return super().format(record)


def test_request_formatter_and_an_error_only_handler() -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    mail = Collect(level=logging.ERROR)
    mail.setFormatter(RequestFormatter("%(remote_addr)s %(url)s %(message)s"))
    with bare_root_logger():
        app = logging_app("mf_formatter_app")
        assert app.logger.handlers == [mf_logging.default_handler]
        app.logger.addHandler(mail)
        app.logger.removeHandler(mf_logging.default_handler)
        client = app.test_client()
        assert client.get("/boom?x=1").status_code == 500
        client.post("/login", data={"username": "amy"})  # INFO: filtered out
        app.logger.error("outside")
    # The logged exception's traceback follows the formatted first line.
    assert [record.partition("\n")[0] for record in records] == [
        "127.0.0.1 http://localhost/boom?x=1 Exception on /boom [GET]",
        "None None outside",
    ]
    assert records[0].endswith("ValueError: boom")


def test_debug_app_logger_defaults_to_debug_level() -> None:
    with bare_root_logger():
        app = Flask("mf_debug_logger")
        app.debug = True
        assert app.logger.level == logging.DEBUG
        quiet = Flask("mf_quiet_logger")
        assert quiet.logger.level == logging.NOTSET
        assert quiet.logger.handlers == [mf_logging.default_handler]


def test_default_handler_writes_to_the_request_errors_stream() -> None:
    errors = io.StringIO()
    with bare_root_logger():
        app = Flask("mf_errors_stream_app")
        with app.test_request_context(errors_stream=errors):
            app.logger.warning("careful")
    assert errors.getvalue().endswith("WARNING in test_compat_examples: careful\n")
