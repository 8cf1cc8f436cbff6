"""``minflask.install_as_flask()``: ``flask`` is minflask, module by module,
even though pip installed the real Flask into this environment; and the
ways a child process gets the same (docs/extensions.md)."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import minflask
from minflask.flask_alias import FLASK_VERSION, FlaskAlreadyImportedError
from tests.ext_support import (
    MINFLASK_SCRIPT,
    alias_module,
    modules_from,
    real_flask_dir,
    real_flask_modules,
    real_flask_public_names,
    run,
)
from tests.ext_support import flask_alias as flask_alias


def python(code: str, cwd: Path | None = None, **env: str) -> str:
    """Run ``code`` in a fresh interpreter; its stdout, or fail with stderr."""
    done = run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd or Path.cwd(),
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_real_flask_is_installed_beside_the_extensions() -> None:
    """The tests below mean something only with a real Flask to shadow."""
    assert importlib.metadata.version("flask").startswith("3.")
    assert (real_flask_dir() / "app.py").is_file()


def test_every_public_name_of_flask_is_minflasks_own(flask_alias: None) -> None:
    import flask

    names = real_flask_public_names()
    assert "Flask" in names and "request" in names
    for name in names:
        assert getattr(flask, name) is getattr(minflask, name), name
    namespace: dict[str, object] = {}
    exec("from flask import *", namespace)
    assert {k: v for k, v in namespace.items() if k != "__builtins__"} == {
        name: getattr(minflask, name) for name in minflask.__all__
    }


def test_every_module_of_flask_is_minflasks_own(flask_alias: None) -> None:
    """All of Flask's module paths, ``flask.sansio.*`` included."""
    modules = real_flask_modules()
    assert "flask.sansio.scaffold" in modules and "flask.json.tag" in modules
    modules.remove("flask")  # the package: a module of its own, see below
    for name in modules:
        module = importlib.import_module(name)
        assert module is importlib.import_module("minflask" + name[len("flask") :])
        assert sys.modules[name] is module
    import flask
    import flask.json.provider

    assert flask.globals is minflask.globals
    assert flask.json.provider is minflask.json.provider
    assert flask.sansio.app is minflask.sansio.app
    # minflask's modules keep their own identity.
    assert minflask.globals.__name__ == "minflask.globals"
    assert minflask.globals.__spec__ is not None
    assert minflask.globals.__spec__.name == "minflask.globals"


def test_sansio_names_and_app_base_class(flask_alias: None) -> None:
    from flask.sansio.app import App
    from flask.sansio.blueprints import Blueprint, BlueprintSetupState
    from flask.sansio.scaffold import Scaffold, _endpoint_from_view_func, setupmethod

    app = minflask.Flask(__name__)
    assert isinstance(app, App) and isinstance(app, Scaffold)
    assert issubclass(App, Scaffold)
    assert Blueprint is minflask.Blueprint
    assert BlueprintSetupState is minflask.blueprints.BlueprintSetupState
    assert setupmethod is minflask.scaffold.setupmethod

    def show_user() -> str:
        return "u"

    assert _endpoint_from_view_func(show_user) == "show_user"
    app.add_url_rule("/u", view_func=show_user)
    assert app.test_client().get("/u").data == b"u"


def test_version_is_flasks_with_its_deprecation_warning(flask_alias: None) -> None:
    import flask

    with pytest.warns(DeprecationWarning, match="__version__"):
        version = flask.__version__
    assert version == FLASK_VERSION
    assert tuple(int(p) for p in version.split(".")[:2]) == (3, 1)
    assert minflask.__version__ == importlib.metadata.version("minflask")
    assert minflask.__version__ != version


def test_missing_names_and_modules_say_minflask(flask_alias: None) -> None:
    import flask

    with pytest.raises(
        ModuleNotFoundError, match=re.escape("minflask has no module 'minflask.nope'")
    ):
        importlib.import_module("flask.nope")
    with pytest.raises(ModuleNotFoundError, match=re.escape("'flask.json.nope'")):
        importlib.import_module("flask.json.nope")
    # Private modules are not mapped: Flask 1's ``flask._compat`` is gone.
    with pytest.raises(
        ModuleNotFoundError, match=re.escape("minflask.install_as_flask()")
    ):
        importlib.import_module("flask._compat")
    with pytest.raises(ImportError, match="minflask"):
        exec("from flask import signals_available", {})
    with pytest.raises(AttributeError, match="minflask"):
        flask.install_as_flask  # noqa: B018
    # An optional import with a fallback, as extensions write them, works.
    try:
        from flask import _app_ctx_stack  # type: ignore[attr-defined]
    except ImportError:
        _app_ctx_stack = None
    assert _app_ctx_stack is None


def test_install_is_idempotent(flask_alias: None) -> None:
    import flask

    finders = list(sys.meta_path)
    minflask.install_as_flask()
    minflask.install_as_flask()
    assert sys.meta_path == finders
    import flask as again

    assert again is flask
    assert alias_module.is_installed()


def test_uninstall_leaves_flask_unbound(refused_flask_imports: list[str]) -> None:
    minflask.install_as_flask()
    import flask.globals

    assert flask.globals is minflask.globals
    alias_module.uninstall()
    assert not alias_module.is_installed()
    assert not [n for n in sys.modules if n == "flask" or n.startswith("flask.")]
    # The test suite's guard now refuses the real Flask again.
    with pytest.raises(ImportError, match="must not import the real Flask"):
        importlib.import_module("flask")
    assert refused_flask_imports == ["flask"]


def test_installing_imports_nothing_and_keeps_import_minflask_lazy() -> None:
    out = python(
        """
        import sys, minflask
        before = set(sys.modules)
        minflask.install_as_flask()
        import flask
        print(sorted(set(sys.modules) - before))
        from flask import request
        print("minflask.globals" in sys.modules, request is minflask.request)
        """
    )
    assert out.splitlines() == ["['flask', 'minflask.flask_alias']", "True True"]


def test_install_after_the_real_flask_was_imported_changes_nothing() -> None:
    out = python(
        """
        import sys, flask, minflask
        real, finders = flask, list(sys.meta_path)
        try:
            minflask.install_as_flask()
        except minflask.flask_alias.FlaskAlreadyImportedError as e:
            print(e)
        print(sys.modules["flask"] is real, sys.meta_path == finders)
        import flask.globals
        print(flask.globals is not minflask.globals)
        """
    )
    message, unchanged, still_real = out.splitlines()
    assert f"(from {real_flask_dir() / '__init__.py'})" in message
    assert "call minflask.install_as_flask() before importing flask or any" in message
    assert (unchanged, still_real) == ("True True", "True")
    assert issubclass(FlaskAlreadyImportedError, RuntimeError)


def test_the_minflask_command_refuses_a_process_with_real_flask(
    tmp_path: Path,
) -> None:
    done = run(
        [sys.executable, "-c", "import flask, minflask.cli; minflask.cli.main()"],
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: the real Flask package is already imported")
    assert "Traceback" not in done.stderr


# -- child processes ---------------------------------------------------------

CHILD_CHECK = """
import json, sys
import flask, flask.globals, minflask
print(json.dumps({
    "is_minflask": flask.Flask is minflask.Flask
    and flask.globals is minflask.globals,
    "files": {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())},
}))
"""


def check_child(stdout: str) -> None:
    import json

    report = json.loads(stdout.strip().splitlines()[-1])
    assert report["is_minflask"] is True
    files = {n: f for n, f in report["files"].items() if f}
    assert modules_from(real_flask_dir(), files) == []


def test_python_m_flask_alias_prints_the_directory_for_pythonpath(
    tmp_path: Path,
) -> None:
    directory = python("from minflask.flask_alias import main; main([])").strip()
    cli = run([sys.executable, "-m", "minflask.flask_alias"], cwd=tmp_path)
    assert cli.returncode == 0 and cli.stdout.strip() == directory
    assert directory == alias_module.path()
    assert (Path(directory) / "flask" / "__init__.py").is_file()
    usage = run([sys.executable, "-m", "minflask.flask_alias", "--bogus"], tmp_path)
    assert usage.returncode == 2 and "PYTHONPATH" in usage.stderr

    out = python(CHILD_CHECK, cwd=tmp_path, PYTHONPATH=directory)
    check_child(out)


def test_child_pythonpath_puts_the_stand_in_first_once() -> None:
    first = alias_module.path()
    assert alias_module.child_pythonpath(None) == first
    joined = alias_module.child_pythonpath(os.pathsep.join(["/a", first, "/b"]))
    assert joined == os.pathsep.join([first, "/a", "/b"])
    assert alias_module.child_pythonpath(joined) == joined


def test_stand_in_without_minflask_says_what_to_do(tmp_path: Path) -> None:
    """A Python that cannot import minflask (another environment) gets a
    clear error from the stand-in, not the real Flask in disguise."""
    done = run(
        [sys.executable, "-S", "-c", "import flask"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": alias_module.path()},
    )
    assert done.returncode == 1
    assert "cannot import minflask" in done.stderr
    assert "take that directory off PYTHONPATH" in done.stderr


def write_app(directory: Path, body: str) -> None:
    (directory / "app.py").write_text(textwrap.dedent(body), "utf-8")


def test_minflask_command_gives_its_children_minflask(tmp_path: Path) -> None:
    """A command that starts ``python`` (as tools do) and the ``flask``
    console script pip installed: both run on minflask."""
    write_app(
        tmp_path,
        f"""
        import subprocess, sys
        import click
        from minflask import Flask

        app = Flask(__name__)

        @app.cli.command("child")
        def child():
            code = {CHILD_CHECK!r}
            done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, timeout=60)
            click.echo(done.stdout + done.stderr)
        """,
    )
    done = run([str(MINFLASK_SCRIPT), "--app", "app", "child"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    check_child(done.stdout)

    # ``flask --version`` from inside: the real console script, minflask's CLI.
    write_app(
        tmp_path,
        """
        import subprocess, sys
        from pathlib import Path
        import click
        from minflask import Flask

        app = Flask(__name__)

        @app.cli.command("child")
        def child():
            script = Path(sys.executable).with_name("flask")
            done = subprocess.run([str(script), "--version"], capture_output=True,
                                  text=True, timeout=60)
            click.echo(done.stdout + done.stderr)
        """,
    )
    done = run([str(MINFLASK_SCRIPT), "--app", "app", "child"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"minflask {minflask.__version__}" in done.stdout
    assert "Flask 3" not in done.stdout


def test_python_m_flask_runs_the_minflask_command(tmp_path: Path) -> None:
    done = run(
        [sys.executable, "-m", "flask", "--version"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": alias_module.path()},
    )
    assert done.returncode == 0, done.stderr
    assert f"minflask {minflask.__version__}" in done.stdout


# -- flask.commands entry points -----------------------------------------------

PLUGIN = """
import click
from flask import current_app
from flask.cli import with_appcontext


@click.group()
def greet():
    \"\"\"A Flask extension's command group.\"\"\"


@greet.command()
@with_appcontext
def hello():
    import flask, minflask
    click.echo(f"hello from {current_app.name} on "
               f"{'minflask' if flask.Flask is minflask.Flask else 'Flask'}")
"""


def make_plugin(directory: Path) -> None:
    """A package registering ``greet`` under ``flask.commands``, as
    Flask extensions do, importable through PYTHONPATH."""
    (directory / "mf_greet_ext.py").write_text(PLUGIN, "utf-8")
    dist = directory / "mf_greet_ext-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mf-greet-ext\n")
    (dist / "entry_points.txt").write_text(
        "[flask.commands]\ngreet = mf_greet_ext:greet\n", "utf-8"
    )


def test_entry_point_commands_run_on_minflask(tmp_path: Path) -> None:
    plugins = tmp_path / "site"
    plugins.mkdir()
    make_plugin(plugins)
    project = tmp_path / "project"
    project.mkdir()
    write_app(project, "from minflask import Flask\n\napp = Flask('shop')\n")
    env = {**os.environ, "PYTHONPATH": str(plugins)}
    done = run([str(MINFLASK_SCRIPT), "--app", "app", "greet", "hello"], project, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello from shop on minflask\n"
    listing = run([str(MINFLASK_SCRIPT), "--app", "app", "--help"], project, env)
    assert "greet" in listing.stdout and "A Flask extension's command group." in (
        listing.stdout
    )


def test_custom_flask_group_installs_the_alias_before_plugins(
    tmp_path: Path,
) -> None:
    """A project's own management script (``FlaskGroup(create_app=...)``)
    loads plugins on minflask too, without calling install_as_flask()."""
    plugins = tmp_path / "site"
    plugins.mkdir()
    make_plugin(plugins)
    (tmp_path / "manage.py").write_text(
        textwrap.dedent(
            """
            import sys
            from minflask import Flask
            from minflask.cli import FlaskGroup

            cli = FlaskGroup(create_app=lambda: Flask("managed"))
            print("flask" in sys.modules)
            cli.main(["greet", "hello"])
            """
        ),
        "utf-8",
    )
    done = run(
        [sys.executable, "manage.py"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(plugins)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "False\nhello from managed on minflask\n"


def test_no_plugins_means_no_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    """A FlaskGroup with nothing under ``flask.commands`` leaves ``flask``
    alone (only the ``minflask`` script installs it unconditionally)."""
    from click.testing import CliRunner

    from minflask.cli import FlaskGroup

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [])
    group = FlaskGroup(create_app=lambda: minflask.Flask("x"))
    result = CliRunner().invoke(group, ["routes"])
    assert result.exit_code == 0, result.output
    assert not alias_module.is_installed()


def test_warning_filter_sees_extension_frames(flask_alias: None) -> None:
    """The warning is attributed to the caller, as Flask's is."""
    import flask

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        flask.__version__  # noqa: B018
    assert caught[0].filename == __file__


# -- servers ---------------------------------------------------------------------


def test_gunicorn_config_file_installs_the_alias_for_its_workers(
    tmp_path: Path,
) -> None:
    """docs/extensions.md's gunicorn.conf.py: gunicorn reads it in the
    master, and the forked workers that import the app inherit the alias."""
    import json
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = doc_listing("# gunicorn.conf.py")
    assert 'bind = "127.0.0.1:8000"' in config and "workers = 2" in config
    config = config.replace(":8000", f":{port}")
    (tmp_path / "gunicorn.conf.py").write_text(config, "utf-8")
    write_app(
        tmp_path,
        """
        import sys
        import flask, flask.globals, minflask
        from flask_login import LoginManager

        app = minflask.Flask(__name__)
        LoginManager(app)

        @app.get("/")
        def report():
            return {
                "is_minflask": flask.Flask is minflask.Flask
                and flask.globals is minflask.globals,
                "files": {n: getattr(m, "__file__", None)
                          for n, m in list(sys.modules.items())},
            }
        """,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "app:app"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/", timeout=5
                ) as r:
                    body = r.read()
                break
            except OSError:
                assert server.poll() is None, server.stderr and server.stderr.read()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.1)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    check_child(json.dumps(json.loads(body)))


# -- the listings of docs/extensions.md, run as a project ---------------------------


def doc_listing(first_line: str) -> str:
    """The python listing of docs/extensions.md that starts with ``first_line``."""
    text = (Path(__file__).parent.parent / "docs" / "extensions.md").read_text("utf-8")
    for block in re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        if block.startswith(first_line + "\n"):
            return str(block)
    raise AssertionError(f"docs/extensions.md has no listing starting {first_line!r}")


def test_documented_app_module_and_conftest_work_under_pytest(
    tmp_path: Path,
) -> None:
    (tmp_path / "shop.py").write_text(doc_listing("# shop.py"), "utf-8")
    (tmp_path / "conftest.py").write_text(doc_listing("# conftest.py"), "utf-8")
    (tmp_path / "test_shop.py").write_text(
        textwrap.dedent(
            """
            import sys

            import flask
            import minflask
            from flask_login import UserMixin, current_user, login_user

            from shop import db, login_manager


            class User(UserMixin):
                id = "7"


            def test_extensions_run_on_minflask(app):
                assert flask.Flask is minflask.Flask
                assert app.extensions["sqlalchemy"] is db
                login_manager.user_loader(lambda user_id: User())

                @app.get("/me")
                def me():
                    return current_user.id

                @app.post("/login")
                def login():
                    login_user(User())
                    return "in"

                with app.app_context():
                    db.create_all()
                client = app.test_client()
                assert client.post("/login").text == "in"
                assert client.get("/me").text == "7"
                real = [n for n, m in list(sys.modules.items())
                        if "site-packages/flask/" in (getattr(m, "__file__", "") or "")]
                assert real == []
            """
        ),
        "utf-8",
    )
    done = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "FLASK_SECRET_KEY": "from the environment"},
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
