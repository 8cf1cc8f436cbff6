"""What ``import minflask`` loads, and that the lazy names behave like
their eager counterparts. Werkzeug loads the normal way: minflask imports
only the Werkzeug submodules it uses, when it first uses them, and never
changes how Werkzeug's own package module loads."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import minflask

# Flask 3.1's public namespace (``dir(flask)`` without submodules and the
# ``annotations``/``t`` leftovers), written out so no test imports Flask.
FLASK_PUBLIC_NAMES = [
    "Blueprint",
    "Config",
    "Flask",
    "Request",
    "Response",
    "abort",
    "after_this_request",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "copy_current_request_context",
    "current_app",
    "flash",
    "g",
    "get_flashed_messages",
    "get_template_attribute",
    "got_request_exception",
    "has_app_context",
    "has_request_context",
    "jsonify",
    "make_response",
    "message_flashed",
    "redirect",
    "render_template",
    "render_template_string",
    "request",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "send_file",
    "send_from_directory",
    "session",
    "stream_template",
    "stream_template_string",
    "stream_with_context",
    "template_rendered",
    "url_for",
]

# Submodules ``import flask`` leaves reachable as attributes.
FLASK_SUBMODULES = [
    "app",
    "blueprints",
    "cli",
    "config",
    "ctx",
    "globals",
    "helpers",
    "json",
    "logging",
    "sessions",
    "signals",
    "templating",
    "typing",
    "wrappers",
]


def run_python(code: str, cwd: Path | None = None) -> str:
    """Run ``code`` in a fresh interpreter; its stdout, or fail with stderr."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# -- the public namespace --------------------------------------------------


@pytest.mark.parametrize("name", FLASK_PUBLIC_NAMES)
def test_every_flask_public_name_imports_from_minflask(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from minflask import {name}", namespace)
    assert namespace[name] is getattr(minflask, name)
    assert name in dir(minflask)


@pytest.mark.parametrize("name", FLASK_SUBMODULES)
def test_flask_submodules_are_attributes(name: str) -> None:
    module = getattr(minflask, name)
    assert isinstance(module, types.ModuleType)
    assert module.__name__ == f"minflask.{name}"


def test_names_come_from_their_modules() -> None:
    from minflask import app, globals, helpers, json, templating, wrappers

    assert minflask.Flask is app.Flask
    assert minflask.request is globals.request
    assert minflask.url_for is helpers.url_for
    assert minflask.jsonify is json.jsonify
    assert minflask.render_template is templating.render_template
    assert minflask.Response is wrappers.Response


def test_type_checkers_see_the_same_names_as_runtime() -> None:
    """The TYPE_CHECKING imports in __init__ mirror the lazy table."""
    tree = ast.parse(Path(minflask.__file__ or "").read_text("utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    )
    seen = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names:
            assert alias.asname == alias.name
            seen[alias.name] = node.module or alias.name
    assert seen == {**minflask._EXPORTS, "json": "json"}
    assert sorted(seen) == sorted(minflask.__all__)


def test_star_import_gives_the_public_api() -> None:
    namespace: dict[str, object] = {}
    exec("from minflask import *", namespace)
    del namespace["__builtins__"]
    assert sorted(namespace) == sorted([*FLASK_PUBLIC_NAMES, "json"])
    assert namespace["json"] is minflask.json


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(
        AttributeError, match="module 'minflask' has no attribute 'nope'"
    ):
        minflask.nope  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'nope'"):
        exec("from minflask import nope", {})


# -- what importing costs ---------------------------------------------------

NOT_AT_IMPORT = ["werkzeug.routing", "werkzeug.local", "blinker", "markupsafe"]
# Werkzeug's package module imports its development server and test client
# (werkzeug.serving, werkzeug.test, http.server ...) whenever any Werkzeug
# submodule is imported; minflask leaves that as Werkzeug does it, so those
# are not listed here.
NOT_FOR_AN_APP = [
    "jinja2",
    "click",
    "itsdangerous",
    "asyncio",
    "minflask.templating",
    "minflask.cli",
    "minflask.sessions",
    "minflask.testing",
]


# The session interface (itsdangerous) may load with the first request.
NOT_AFTER_A_REQUEST = [
    name for name in NOT_FOR_AN_APP if name not in {"itsdangerous", "minflask.sessions"}
]


def test_import_minflask_loads_no_dependency() -> None:
    out = run_python(
        f"""
        import sys, minflask
        print(sorted(m for m in sys.modules if m.startswith("minflask")))
        print([m for m in {NOT_AT_IMPORT + NOT_FOR_AN_APP!r} if m in sys.modules])
        """
    )
    assert out.splitlines() == ["['minflask']", "[]"]


def test_importing_minflask_leaves_werkzeug_loading_alone() -> None:
    """No stand-in module: after an app is made, ``werkzeug`` in sys.modules
    is the package module its own import created, with its names bound."""
    out = run_python(
        """
        import sys, minflask
        app = minflask.Flask("x")
        werkzeug = sys.modules["werkzeug"]
        print(type(werkzeug.__loader__).__name__, "__getattr__" in vars(werkzeug))
        print(sorted(n for n in ("run_simple", "Client", "Request", "Response")
                     if n in vars(werkzeug)))
        """
    )
    assert out.splitlines() == [
        "SourceFileLoader False",
        "['Client', 'Request', 'Response', 'run_simple']",
    ]


def test_an_app_and_a_request_load_no_server_templates_cli_or_test_client() -> None:
    """Routes, a blueprint, a JSON view and a request through ``wsgi_app``
    need none of these; the session machinery may load with the request."""
    out = run_python(
        f"""
        import sys, minflask
        app = minflask.Flask(__name__)
        app.add_url_rule("/", "index", lambda: {{"ok": True}})
        bp = minflask.Blueprint("bp", __name__, url_prefix="/bp")
        bp.add_url_rule("/<int:n>", "n", lambda n: str(n))
        app.register_blueprint(bp)
        early = [m for m in {NOT_FOR_AN_APP!r} if m in sys.modules]
        environ = {{
            "REQUEST_METHOD": "GET", "PATH_INFO": "/bp/7", "SERVER_NAME": "x",
            "SERVER_PORT": "80", "wsgi.url_scheme": "http",
            "wsgi.input": __import__("io").BytesIO(),
        }}
        status = []
        body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        late = [m for m in {NOT_AFTER_A_REQUEST!r} if m in sys.modules]
        print(early, late, status, body)
        """
    )
    assert out.split("\n")[0] == "[] [] ['200 OK'] b'7'"
