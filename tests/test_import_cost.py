"""What ``import minflask`` loads, and that the lazy names and the deferred
Werkzeug package module behave like their eager counterparts."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import textwrap
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import minflask
from minflask._lazy_werkzeug import install, reexported_names

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
NOT_FOR_AN_APP = [
    "jinja2",
    "click",
    "itsdangerous",
    "werkzeug.serving",
    "werkzeug.test",
    "http.server",
    "ssl",
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
    assert out.splitlines() == ["['minflask', 'minflask._lazy_werkzeug']", "[]"]


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


# -- the deferred werkzeug package module ------------------------------------

PLAIN_WERKZEUG = """
import json, sys, werkzeug
print(json.dumps({
    "file": werkzeug.__file__, "path": list(werkzeug.__path__),
    "spec": [werkzeug.__spec__.name, werkzeug.__spec__.origin],
    "package": werkzeug.__package__, "cached": werkzeug.__cached__,
    "loader": type(werkzeug.__loader__).__name__,
    "vars": sorted(vars(werkzeug)),
}))
"""


def test_werkzeug_module_matches_a_plain_import() -> None:
    out = run_python(
        "import minflask; minflask.Flask('x')\n"
        "import sys\n"
        "assert 'werkzeug.serving' not in sys.modules\n"
        "import werkzeug\n"
        "assert 'werkzeug.serving' not in sys.modules\n"
        "werkzeug.Response\n"
        "assert '__getattr__' not in vars(werkzeug)\n"
        "assert '__dir__' not in vars(werkzeug)\n" + PLAIN_WERKZEUG
    )
    plain = run_python(PLAIN_WERKZEUG)
    import json

    deferred, expected = json.loads(out), json.loads(plain)
    # A plain import leaves what werkzeug/__init__.py imported as attributes;
    # the deferred one has those plus what minflask imported before.
    assert set(expected.pop("vars")) <= set(deferred.pop("vars"))
    assert deferred == expected


def test_werkzeug_public_names_resolve_after_import_minflask() -> None:
    out = run_python(
        """
        import minflask
        app = minflask.Flask("x")
        import werkzeug
        from werkzeug import Client, Request, Response, run_simple
        import werkzeug.serving, werkzeug.test, werkzeug.wrappers
        assert run_simple is werkzeug.run_simple is werkzeug.serving.run_simple
        assert Client is werkzeug.test.Client
        assert Request is werkzeug.wrappers.Request
        assert Response is werkzeug.wrappers.Response
        assert issubclass(minflask.Response, Response)
        print("ok")
        """
    )
    assert out == "ok\n"


@pytest.mark.parametrize(
    "access",
    [
        "werkzeug.run_simple",
        "werkzeug.Client",
        "werkzeug.Request",
        "werkzeug.Response",
        "dir(werkzeug)",
        "exec('from werkzeug import *', {})",
        "hasattr(werkzeug, '__all__')",
    ],
)
def test_each_public_look_up_runs_the_package_code(access: str) -> None:
    out = run_python(
        f"""
        import sys, minflask, minflask.wrappers, werkzeug
        before = "werkzeug.serving" in sys.modules
        {access}
        print(before, "werkzeug.serving" in sys.modules, "run_simple" in vars(werkzeug))
        """
    )
    assert out == "False True True\n"


def test_star_import_and_dir_list_the_public_names() -> None:
    out = run_python(
        """
        import minflask, werkzeug
        names = {}
        exec("from werkzeug import *", names)
        wanted = {"run_simple", "Client", "Request", "Response"}
        print(wanted <= set(names), wanted <= set(dir(werkzeug)))
        """
    )
    assert out == "True True\n"


def test_werkzeug_submodule_attributes_and_missing_names() -> None:
    out = run_python(
        """
        import sys, minflask, werkzeug
        print(werkzeug.exceptions.NotFound.code, werkzeug.serving.__name__)
        try:
            werkzeug.no_such_name
        except AttributeError as e:
            print(e)
        print("werkzeug.test" in sys.modules)
        """
    )
    assert out.splitlines() == [
        "404 werkzeug.serving",
        "module 'werkzeug' has no attribute 'no_such_name'",
        "False",
    ]


def test_werkzeug_reload_works_before_and_after_loading() -> None:
    out = run_python(
        """
        import importlib, minflask, werkzeug
        assert importlib.reload(werkzeug) is werkzeug
        print(werkzeug.Response.__name__)
        assert importlib.reload(werkzeug) is werkzeug
        print(werkzeug.run_simple.__name__)
        """
    )
    assert out.split() == ["Response", "run_simple"]


def test_werkzeug_already_imported_is_left_alone() -> None:
    out = run_python(
        """
        import werkzeug, minflask
        minflask.Flask("x")
        print("run_simple" in vars(werkzeug), "__getattr__" in vars(werkzeug))
        """
    )
    assert out == "True False\n"


def test_threads_racing_for_werkzeug_names_get_the_same_objects() -> None:
    out = run_python(
        """
        import threading, minflask, werkzeug
        start = threading.Barrier(8)
        seen = []
        def grab():
            start.wait()
            from werkzeug import Client, run_simple
            seen.append((Client, run_simple))
        threads = [threading.Thread(target=grab) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(len(seen), len(set(seen)))
        """
    )
    assert out == "8 1\n"


# -- the mechanism, on a package made for the test ----------------------------


@pytest.mark.parametrize(
    ("source", "names"),
    [
        (
            "from .serving import run_simple as run_simple\n"
            "from .test import Client as Client  # noqa: F401\n",
            {"run_simple", "Client"},
        ),
        ("\n# just a comment\nfrom .a import b\n", {"b"}),
        ("", set()),
    ],
)
def test_reexported_names_of_plain_reexports(source: str, names: set[str]) -> None:
    assert reexported_names(source) == frozenset(names)


@pytest.mark.parametrize(
    "source",
    [
        '"""Docstring."""\nfrom .a import b as b\n',
        "from .a import b as b\nVERSION = '1'\n",
        "from .a import (\n    b,\n)\n",
        "from a import b as b\n",
        "import os\n",
        "from .a import b, c\n",
        "from .a import b as c.d\n",
        "from .a import *\n",
    ],
)
def test_reexported_names_refuses_anything_else(source: str) -> None:
    assert reexported_names(source) is None


@pytest.fixture
def pkg_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``lazypkg`` whose __init__ re-exports from a submodule that
    records each run of it (and whether the package looked loaded then)."""
    root = tmp_path / "lazypkg"
    root.mkdir()
    (root / "__init__.py").write_text(
        "from .heavy import thing as thing\nfrom .light import value as value\n"
    )
    (root / "heavy.py").write_text(
        "import pathlib, lazypkg\n"
        "runs = pathlib.Path(lazypkg.__path__[0]).parent / 'runs'\n"
        "with runs.open('a') as f:\n"
        "    print('heavy', hasattr(lazypkg, 'thing'), file=f)\n"
        "thing = object()\n"
    )
    (root / "light.py").write_text("from . import helper\nvalue = helper.VALUE\n")
    (root / "helper.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield root
    for name in [name for name in sys.modules if name.split(".")[0] == "lazypkg"]:
        del sys.modules[name]


def runs(root: Path) -> list[str]:
    """What lazypkg.heavy recorded, one line per time it ran."""
    path = root.parent / "runs"
    return path.read_text().splitlines() if path.exists() else []


def installed() -> types.ModuleType:
    """install() lazypkg, which must take the deferred path."""
    module = install("lazypkg")
    assert module is not None
    return module


def test_submodules_import_without_running_the_package(pkg_root: Path) -> None:
    module = installed()
    assert module is sys.modules["lazypkg"]
    assert module.__file__ == str(pkg_root / "__init__.py")
    assert list(module.__path__) == [str(pkg_root)]
    assert module.__spec__ is not None and module.__spec__.name == "lazypkg"
    light = importlib.import_module("lazypkg.light")
    assert light.value == 42
    assert module.light is light
    assert runs(pkg_root) == []
    assert "thing" not in vars(module)


def test_first_reexported_name_runs_the_package_once(pkg_root: Path) -> None:
    module = installed()
    thing = importlib.import_module("lazypkg").thing

    # During the run the package is partial, as during a normal import.
    assert runs(pkg_root) == ["heavy False"]
    assert module.thing is thing
    assert module.value == 42
    assert "__getattr__" not in vars(module)
    assert runs(pkg_root) == ["heavy False"]


def test_value_assigned_before_the_run_is_kept(pkg_root: Path) -> None:
    module = installed()
    mine = object()
    vars(module)["thing"] = mine  # what ``module.thing = mine`` does
    assert module.value == 42
    assert module.thing is mine
    assert runs(pkg_root) == ["heavy True"]


def test_unknown_attribute_imports_nothing(pkg_root: Path) -> None:
    module = installed()
    with pytest.raises(AttributeError, match="module 'lazypkg' has no attribute 'x'"):
        module.x  # noqa: B018
    with pytest.raises(AttributeError):
        module.__version__  # noqa: B018
    assert runs(pkg_root) == []
    assert module.helper.VALUE == 42
    assert runs(pkg_root) == []


def test_failed_package_code_is_retried(pkg_root: Path) -> None:
    heavy = pkg_root / "heavy.py"
    good = heavy.read_text()
    heavy.write_text("raise ImportError('heavy is broken')\n")
    module = installed()
    with pytest.raises(ImportError, match="heavy is broken"):
        module.thing  # noqa: B018
    assert "lazypkg.heavy" not in sys.modules
    heavy.write_text(good)
    assert module.thing is sys.modules["lazypkg.heavy"].thing
    assert "__getattr__" not in vars(module)


def test_package_with_other_code_is_imported_normally(pkg_root: Path) -> None:
    init = pkg_root / "__init__.py"
    init.write_text("from .heavy import thing as thing\nVERSION = 1\n")
    assert install("lazypkg") is None
    assert "lazypkg" not in sys.modules
    assert importlib.import_module("lazypkg").VERSION == 1
    assert runs(pkg_root) == ["heavy False"]


def test_install_twice_or_missing_package_does_nothing(pkg_root: Path) -> None:
    first = installed()
    assert install("lazypkg") is None
    assert sys.modules["lazypkg"] is first
    assert install("no_such_package_for_minflask") is None


def test_concurrent_first_use_runs_the_package_once(pkg_root: Path) -> None:
    module = installed()
    start = threading.Barrier(6)
    got: list[object] = []

    def grab() -> None:
        start.wait()
        got.append(module.thing)

    threads = [threading.Thread(target=grab) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 6 and len(set(map(id, got))) == 1
    assert runs(pkg_root) == ["heavy False"]
