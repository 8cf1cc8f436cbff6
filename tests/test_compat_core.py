"""Regressions found by running Flask's own core tests against minflask:
``app.run`` port handling, the app being freed by refcounting alone, and
the debug-mode explanation for a file sent without the multipart enctype.
"""

from __future__ import annotations

import gc
import io
import typing as t
import weakref

import pytest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequestKeyError

from minflask import Flask, request
from minflask.debughelpers import DebugFilesKeyError
from minflask.testing import FlaskClient


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Replace Werkzeug's server with a recorder of (host, port)."""
    calls: list[tuple[str, int]] = []

    def fake_run_simple(host: str, port: int, *args: t.Any, **kw: t.Any) -> None:
        calls.append((host, port))

    monkeypatch.setattr("werkzeug.serving.run_simple", fake_run_simple)
    return calls


@pytest.mark.parametrize(
    ("host", "port", "server_name", "expected"),
    [
        ("localhost", 0, "localhost:8080", ("localhost", 0)),
        (None, 0, "example.org:8080", ("example.org", 0)),
        (None, None, "example.org:8080", ("example.org", 8080)),
        (None, None, "example.org:0", ("example.org", 0)),
        (None, None, "example.org", ("example.org", 5000)),
        (None, None, None, ("127.0.0.1", 5000)),
        ("0.0.0.0", 9000, "example.org:8080", ("0.0.0.0", 9000)),
    ],
)
def test_run_port_zero_is_not_replaced_by_server_name(
    app: Flask,
    served: list[tuple[str, int]],
    host: str | None,
    port: int | None,
    server_name: str | None,
    expected: tuple[str, int],
) -> None:
    app.config["SERVER_NAME"] = server_name
    app.run(host, port)
    assert served == [expected]


def test_run_accepts_port_as_text(app: Flask, served: list[tuple[str, int]]) -> None:
    app.run("localhost", "8123")  # type: ignore[arg-type]
    assert served == [("localhost", 8123)]


def test_new_app_is_freed_without_the_cycle_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        app = Flask(__name__)
        assert "static" in app.view_functions
        ref = weakref.ref(app)
        del app
        assert ref() is None
    finally:
        gc.enable()


def test_json_provider_holds_the_app_as_a_weak_proxy(app: Flask) -> None:
    proxy: t.Any = app.json._app
    assert type(proxy) in (weakref.ProxyType, weakref.CallableProxyType)
    assert proxy.name == app.name
    with app.app_context():
        assert app.json.response({"a": 1}).get_json() == {"a": 1}


def test_static_view_still_serves_after_weak_binding(client: FlaskClient) -> None:
    rv = client.get("/static/index.html")
    assert rv.status_code == 200
    assert rv.data.strip()
    rv.close()
    assert client.get("/static/missing.txt").status_code == 404


@pytest.fixture
def upload_app(app: Flask) -> Flask:
    """An app whose ``/upload`` view returns the name of file ``doc``."""

    @app.post("/upload")
    def upload() -> str:
        return request.files["doc"].filename or ""

    return app


def test_debug_explains_a_file_sent_as_a_form_field(upload_app: Flask) -> None:
    upload_app.debug = True
    client = upload_app.test_client()
    with pytest.raises(DebugFilesKeyError) as info:
        client.post("/upload", data={"doc": ["notes.txt", "more.txt"]})
    error = info.value
    assert isinstance(error, KeyError)
    assert isinstance(error, AssertionError)
    assert error.args == ("doc",)
    message = str(error)
    assert "'doc'" in message
    assert "'application/x-www-form-urlencoded'" in message
    assert "no file contents were transmitted" in message
    assert 'enctype="multipart/form-data"' in message
    assert message.endswith("This was submitted: 'notes.txt', 'more.txt'")


def test_debug_helper_still_answers_present_and_get_lookups(app: Flask) -> None:
    app.debug = True

    @app.post("/probe")
    def probe() -> str:
        files = request.files
        assert isinstance(files, ImmutableMultiDict)
        assert "doc" not in files
        assert files.get("doc") is None
        return "ok"

    assert app.test_client().post("/probe", data={"doc": "x.txt"}).text == "ok"


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"other": "x.txt"}},
        {"data": {"other": (io.BytesIO(b"x"), "x.txt")}},
        {"json": {"doc": "x.txt"}},
    ],
    ids=["key-not-in-form", "multipart", "json"],
)
def test_debug_keeps_plain_key_error_when_nothing_to_explain(
    upload_app: Flask, body: dict[str, t.Any]
) -> None:
    upload_app.debug = True
    with pytest.raises(BadRequestKeyError) as info:
        upload_app.test_client().post("/upload", **body)
    assert not isinstance(info.value, DebugFilesKeyError)


def test_without_debug_a_missing_file_is_a_400(upload_app: Flask) -> None:
    client = upload_app.test_client()
    rv = client.post("/upload", data={"doc": "notes.txt"})
    assert rv.status_code == 400
    sent = {"doc": (io.BytesIO(b"hello"), "notes.txt")}
    assert client.post("/upload", data=sent).text == "notes.txt"


def test_debug_multipart_upload_still_works(upload_app: Flask) -> None:
    upload_app.debug = True
    sent = {"doc": (io.BytesIO(b"hello"), "report.pdf")}
    assert upload_app.test_client().post("/upload", data=sent).text == "report.pdf"
