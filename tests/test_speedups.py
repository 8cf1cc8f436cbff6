"""minflask without ``minflask._speedups``: correct, only slower.

Every shortcut is imported in one place inside ``try/except ImportError``
with the plain code beside it. These tests make the whole package
unimportable in a fresh interpreter (a meta-path finder that refuses it)
and check that the framework still answers exactly as with the shortcuts:
the same status, headers and body for a representative set of requests,
and the request-path test modules pass as they are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

#: Put first in a child interpreter: ``minflask._speedups`` (and anything
#: under it) cannot be imported there, as if the package were deleted.
BLOCKER = """
import sys

class _NoSpeedups:
    def find_spec(self, name, path=None, target=None):
        if name == "minflask._speedups" or name.startswith("minflask._speedups."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoSpeedups())
"""

#: A representative set of requests: plain and JSON bodies, converters,
#: 404/405/redirects, HEAD, OPTIONS, hooks and blueprints, forms (the
#: urlencoded shortcut and multipart), sessions, templates, streaming,
#: error handlers, call_on_close and a response subclass.
REQUESTS = """
import io, json, sys
import minflask
from minflask import Blueprint, Flask, Response, render_template_string, request, session

app = Flask("speedups_probe")
app.config["SECRET_KEY"] = "probe"
closed = []

@app.route("/")
def index():
    return "Hello, World!"

@app.route("/user/<int:id>")
def user(id):
    return f"user {id}"

@app.route("/api")
def api():
    return {"id": 42, "tags": ["a", "b"], "ok": True}

@app.route("/list")
def as_list():
    return [1, 2, 3]

@app.route("/bytes")
def as_bytes():
    return b"\\x00raw", 201, {"X-Extra": "1"}

@app.route("/form", methods=["POST"])
def form():
    files = sorted(request.files)
    return f"{request.form.to_dict(flat=False)} {request.args.get('page')} {files}"

@app.route("/data", methods=["POST"])
def data():
    cached = request.get_data()
    return f"{cached!r} {request.form.to_dict()}"

@app.route("/count")
def count():
    session["n"] = session.get("n", 0) + 1
    return f"count {session['n']}"

@app.route("/tpl")
def tpl():
    users = [{"id": i, "name": f"user {i}"} for i in range(3)]
    return render_template_string(
        "{% for u in users %}<a href='{{ url_for('user', id=u.id) }}'>"
        "{{ u.name|title }}</a>{{ loop.cycle('a', 'b') }}{% endfor %}",
        users=users,
    )

@app.route("/stream")
def stream():
    return (c for c in ["a", "b", "c"])

@app.route("/closing")
def closing():
    rv = Response("bye")
    rv.call_on_close(lambda: closed.append("closed"))
    return rv

@app.route("/status")
def status():
    return "teapot", "418 I'M A TEAPOT"

@app.route("/empty")
def empty():
    return "", 204

@app.route("/moved")
def moved():
    return minflask.redirect("/")

@app.route("/boom")
def boom():
    raise ValueError("boom")

@app.route("/slash/")
def slash():
    return "slash"

@app.errorhandler(ValueError)
def value_error(e):
    return f"handled {e}", 500

class Custom(Response):
    default_mimetype = "text/plain"

@app.route("/custom")
def custom():
    return Custom("custom body", headers={"X-Custom": "yes"})

bp = Blueprint("bp", "speedups_probe", url_prefix="/bp")

@bp.before_request
def bp_before():
    request.environ["probe.before"] = "yes"

@bp.after_request
def bp_after(response):
    response.headers["X-Bp"] = request.environ.get("probe.before", "no")
    return response

@bp.route("/<name>")
def hello_bp(name):
    return f"bp {name}"

app.register_blueprint(bp)

client = app.test_client()
results = []

def record(label, rv):
    rv.close()
    results.append([label, rv.status, sorted(
        (k, v if k != "Set-Cookie" else v.split(";", 1)[1]) for k, v in rv.headers.items()
    ), rv.get_data().decode("latin1")])

for label, kwargs in [
    ("hello", dict(path="/")),
    ("int", dict(path="/user/7")),
    ("json", dict(path="/api")),
    ("list", dict(path="/list")),
    ("bytes", dict(path="/bytes")),
    ("404", dict(path="/missing")),
    ("405", dict(path="/", method="POST")),
    ("head", dict(path="/", method="HEAD")),
    ("options", dict(path="/", method="OPTIONS")),
    ("redirect-slash", dict(path="/slash")),
    ("form", dict(path="/form?page=2", method="POST", data={"a": "1 2", "b": "x"})),
    ("form-raw", dict(path="/form", method="POST", data=b"a=%E2%82%AC+x&b=&&c",
        content_type="application/x-www-form-urlencoded")),
    ("form-not-utf8", dict(path="/form", method="POST", data=b"a=\\xff",
        content_type="application/x-www-form-urlencoded")),
    ("multipart", dict(path="/form", method="POST",
        data={"a": "1", "f": (io.BytesIO(b"file"), "f.txt")})),
    ("data-then-form", dict(path="/data", method="POST", data={"a": "1"})),
    ("session-1", dict(path="/count")),
    ("session-2", dict(path="/count")),
    ("template", dict(path="/tpl")),
    ("stream", dict(path="/stream")),
    ("closing", dict(path="/closing")),
    ("status", dict(path="/status")),
    ("204", dict(path="/empty")),
    ("redirect", dict(path="/moved")),
    ("handler", dict(path="/boom")),
    ("custom", dict(path="/custom")),
    ("blueprint", dict(path="/bp/ada")),
    ("blueprint-404", dict(path="/bp/")),
]:
    record(label, client.open(**kwargs))

app.config["MAX_CONTENT_LENGTH"] = 4
record("413", client.post("/form", data={"long": "value"}))
results.append(["closed", closed])
results.append(["speedups", sorted(m for m in sys.modules if m.startswith("minflask._speedups"))])
print(json.dumps(results))
"""


def run_python(code: str, *, blocked: bool) -> str:
    """Run ``code`` in a fresh interpreter (with the blocker first when
    ``blocked``); its stdout, or fail with its stderr."""
    source = (BLOCKER if blocked else "") + textwrap.dedent(code)
    # One hash seed for both sides: the Allow header lists a set's items.
    # FLASK_* variables that earlier tests in this process set stay out.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["PYTHONHASHSEED"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_blocker_really_blocks() -> None:
    out = run_python(
        """
        try:
            import minflask._speedups
        except ImportError as e:
            print("blocked", e.name)
        """,
        blocked=True,
    )
    assert out.split() == ["blocked", "minflask._speedups"]


def test_answers_are_the_same_without_the_shortcuts() -> None:
    fast = json.loads(run_python(REQUESTS, blocked=False))
    plain = json.loads(run_python(REQUESTS, blocked=True))
    # The shortcuts were in use on one side and absent on the other ...
    assert fast[-1][1] and "minflask._speedups.response" in fast[-1][1]
    assert plain[-1] == ["speedups", []]
    # ... and every answer is the same, byte for byte.
    assert plain[:-1] == fast[:-1]
    by_label = {row[0]: row for row in fast[:-1]}
    assert by_label["hello"][1:] == [
        "200 OK",
        [["Content-Length", "13"], ["Content-Type", "text/html; charset=utf-8"]],
        "Hello, World!",
    ]
    assert by_label["404"][1] == "404 NOT FOUND"
    assert fast[-2] == ["closed", ["closed"]]


#: Test modules for the request path, run unchanged without the shortcuts.
#: (Modules that test a shortcut against Werkzeug directly are left out:
#: test_forms, test_fast_paths and test_templating_fast.)
REQUEST_PATH_TESTS = [
    "test_app.py",
    "test_wrappers.py",
    "test_errors.py",
    "test_hooks.py",
    "test_blueprints.py",
    "test_templating.py",
    "test_json.py",
    "test_sessions.py",
    "test_contexts.py",
    "test_testing.py",
    "test_compat_core.py",
    "test_plain_road.py",
]


def test_request_path_tests_pass_without_the_shortcuts() -> None:
    code = (
        "import sys, pytest\n"
        f"args = {[str(TESTS / name) for name in REQUEST_PATH_TESTS]!r}\n"
        "code = pytest.main([*args, '-q', '-x', '-p', 'no:cacheprovider'])\n"
        "assert 'minflask._speedups' not in sys.modules\n"
        "print('exit', int(code))\n"
    )
    out = run_python(code, blocked=True)
    assert out.strip().splitlines()[-1] == "exit 0", out[-3000:]


def test_proxies_answer_as_werkzeugs_local_proxy() -> None:
    """The proxies' one-call attribute read gives what LocalProxy gives,
    bound or not; everything else is LocalProxy's own."""
    from werkzeug.local import LocalProxy

    from minflask import Flask, g, request
    from minflask.globals import _app_ctx_stack, _no_req_msg, _request_ctx_stack

    plain_request = LocalProxy(
        _request_ctx_stack, "request", unbound_message=_no_req_msg
    )
    plain_g = LocalProxy(_app_ctx_stack, "g", unbound_message="no app")
    assert isinstance(request, LocalProxy)
    assert repr(request) == repr(plain_request) == "<LocalProxy unbound>"
    assert not request and not plain_request
    for proxy in (request, plain_request):
        with pytest.raises(RuntimeError, match="Working outside of request context"):
            proxy.form  # noqa: B018
    app = Flask("proxies")
    with app.test_request_context("/?a=1"):
        assert request.args == plain_request.args
        assert request.__class__ is plain_request.__class__
        assert repr(request) == repr(plain_request)
        g.user = "ada"
        assert plain_g.user == g.user == "ada"
        assert g.get("user") == "ada" and "user" in g
        for proxy in (g, plain_g):
            with pytest.raises(AttributeError, match="missing"):
                proxy.missing  # noqa: B018
        assert request._get_current_object() is plain_request._get_current_object()
