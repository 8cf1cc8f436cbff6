"""Flask-Migrate on minflask: ``init``, ``migrate``, ``upgrade`` and
``downgrade`` through the real ``minflask db`` console script, run in a
fresh project directory on an SQLite file, as its docs walk through it.

The app module does not call ``install_as_flask()``: the ``minflask``
command does, before it loads the app. Each run writes a report of where
its modules came from, to show that no real Flask module was imported.
"""

from __future__ import annotations

import json
import os
import sqlite3
import textwrap
from pathlib import Path

import pytest

from tests.ext_support import MINFLASK_SCRIPT, modules_from, real_flask_dir, run

APP = """
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from minflask import Flask

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///blog.db"
db = SQLAlchemy(app)
migrate = Migrate(app, db)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
{extra}

# -- the test's report: where this process's modules came from -----------------
import atexit, json, os, sys


@atexit.register
def _report():
    import flask, flask.globals, flask.cli, minflask

    with open(os.environ["EXT_REPORT"], "w") as f:
        json.dump({{
            "is_minflask": flask.Flask is minflask.Flask
            and flask.globals is minflask.globals and flask.cli is minflask.cli,
            "files": {{n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())}},
        }}, f)
"""


class Project:
    """A project directory and the ``minflask`` command run in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.report = root / "report.json"

    def write_app(self, extra: str = "") -> None:
        (self.root / "app.py").write_text(APP.format(extra=extra), "utf-8")

    def minflask(self, *args: str, ok: bool = True) -> tuple[int, str, str]:
        self.report.unlink(missing_ok=True)
        env = {**os.environ, "EXT_REPORT": str(self.report)}
        env.pop("FLASK_APP", None)
        done = run([str(MINFLASK_SCRIPT), "--app", "app", *args], self.root, env, 120)
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        self.check_report()
        return done.returncode, done.stdout, done.stderr

    def check_report(self) -> None:
        report = json.loads(self.report.read_text("utf-8"))
        assert report["is_minflask"] is True
        files = {n: f for n, f in report["files"].items() if f}
        assert "flask_migrate" in files and "alembic" in files
        assert modules_from(real_flask_dir(), files) == []

    def tables(self) -> dict[str, list[str]]:
        # Flask-SQLAlchemy 3 puts a relative SQLite path in the instance folder.
        with sqlite3.connect(self.root / "instance" / "blog.db") as db:
            names = [
                r[0]
                for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {
                n: [c[1] for c in db.execute(f"PRAGMA table_info({n})")] for n in names
            }


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    project.write_app()
    return project


def test_init_migrate_upgrade_downgrade(project: Project) -> None:
    _, out, _ = project.minflask("db", "init")
    assert (project.root / "migrations" / "env.py").is_file()
    assert "Please edit configuration/connection/logging settings" in out

    _, _, err = project.minflask("db", "migrate", "-m", "posts")
    assert "Detected added table 'post'" in err
    (first,) = (project.root / "migrations" / "versions").glob("*_posts.py")
    project.minflask("db", "upgrade")
    assert project.tables()["post"] == ["id", "title"]
    assert "alembic_version" in project.tables()

    # A model change: a new column, detected, applied and taken back.
    project.write_app("    body = db.Column(db.Text)\n")
    _, _, err = project.minflask("db", "migrate", "-m", "body")
    assert "Detected added column 'post.body'" in err
    project.minflask("db", "upgrade")
    assert project.tables()["post"] == ["id", "title", "body"]
    _, out, _ = project.minflask("db", "current")
    assert "(head)" in out

    project.minflask("db", "downgrade")
    assert project.tables()["post"] == ["id", "title"]
    _, out, _ = project.minflask("db", "current")
    assert out.split()[0] == first.name.split("_")[0]
    project.minflask("db", "downgrade", "base")
    assert "post" not in project.tables()


def test_broken_migrations_exit_with_the_extensions_message(project: Project) -> None:
    """Two migrations branching from the same parent (two developers'
    work merged), and an unknown target: Flask-Migrate's error, exit 1."""
    project.minflask("db", "init")
    project.minflask("db", "migrate", "-m", "posts")
    (migration,) = (project.root / "migrations" / "versions").glob("*_posts.py")
    source = migration.read_text("utf-8")
    revision = migration.name.split("_")[0]
    twin = project.root / "migrations" / "versions" / "f00dcafe_twin.py"
    twin.write_text(source.replace(revision, "f00dcafe"), "utf-8")

    code, out, err = project.minflask("db", "upgrade", ok=False)
    assert code == 1
    assert "Error: Multiple head revisions are present" in err
    assert "Traceback" not in err + out
    assert not (project.root / "instance" / "blog.db").exists() or (
        "post" not in project.tables()
    )

    twin.unlink()
    code, out, err = project.minflask("db", "upgrade", "c0ffee", ok=False)
    assert code == 1
    assert "Error: Can't locate revision identified by 'c0ffee'" in err
    assert "Traceback" not in err + out


def test_db_help_lists_the_extensions_commands(project: Project) -> None:
    _, out, _ = project.minflask("db", "--help")
    assert "Perform database migrations." in out
    for command in ("init", "migrate", "upgrade", "downgrade", "history"):
        assert f"  {command} " in out
    _, out, _ = project.minflask("--help")
    assert "  db " in out


def test_app_module_with_the_documented_line_works_the_same(tmp_path: Path) -> None:
    """docs/extensions.md's line at the top of the app module, and the
    ``flask`` import spelling extensions' docs use, change nothing."""
    project = Project(tmp_path)
    source = (
        APP.format(extra="")
        .replace(
            "from flask_migrate import Migrate",
            "import minflask\n\nminflask.install_as_flask()\n\nfrom flask_migrate import Migrate",
        )
        .replace("from minflask import Flask", "from flask import Flask")
    )
    (tmp_path / "app.py").write_text(textwrap.dedent(source), "utf-8")
    project.minflask("db", "init")
    project.minflask("db", "migrate", "-m", "posts")
    project.minflask("db", "upgrade")
    assert project.tables()["post"] == ["id", "title"]
