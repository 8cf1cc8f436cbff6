"""Hostile request bodies are the client's fault: a 400 with a reason, never
a 500 (issue 14). JSON nested too deeply for the parser, and a body that
breaks while it is read (through the test client with a failing
``wsgi.input``, and through a real gunicorn, whose chunked-body errors come
from the server itself)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from minflask import Flask, request
from minflask.testing import FlaskClient
from tests.body_fixtures.wsgi import create_app

ROOT = Path(__file__).resolve().parent.parent
DEEP = b"[" * 1000 + b"]" * 1000


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# -- deeply nested JSON ------------------------------------------------------------


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_is_a_400_with_a_reason(
    client: FlaskClient, depth: int
) -> None:
    body = b"[" * depth + b"]" * depth
    response = client.post("/json", data=body, content_type="application/json")
    assert response.status_code == 400
    assert b"not valid JSON" in response.data


def test_deeply_nested_json_silent_is_none(client: FlaskClient) -> None:
    response = client.post("/silent", data=DEEP, content_type="application/json")
    assert (response.status_code, response.data) == (200, b"None")


def test_deeply_nested_json_reaches_on_json_loading_failed(app: Flask) -> None:
    seen: list[ValueError | None] = []

    class Request(app.request_class):  # type: ignore[name-defined,misc]
        def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
            seen.append(e)
            return {"fallback": True}

    app.request_class = Request
    response = app.test_client().post(
        "/json", data=DEEP, content_type="application/json"
    )
    assert response.json == {"json": {"fallback": True}}
    assert len(seen) == 1 and isinstance(seen[0], ValueError)
    assert "nested too deeply" in str(seen[0])


def test_deeply_nested_json_reason_in_debug(app: Flask) -> None:
    app.debug = True
    app.testing = True
    response = app.test_client().post(
        "/json", data=DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert b"nested too deeply" in response.data


def test_request_json_property_is_a_400_too(app: Flask) -> None:
    @app.post("/property")
    def property_view() -> str:
        return repr(request.json)

    response = app.test_client().post(
        "/property", data=DEEP, content_type="application/json"
    )
    assert response.status_code == 400


def test_nesting_the_parser_accepts_still_parses(client: FlaskClient) -> None:
    body = b"[" * 200 + b"]" * 200
    response = client.post("/json", data=body, content_type="application/json")
    assert response.status_code == 200


# -- a body that breaks while it is read -----------------------------------------------


class BrokenInput(io.RawIOBase):
    """A ``wsgi.input`` that gives ``good`` bytes, then raises ``error``."""

    def __init__(self, error: Exception, good: bytes = b"") -> None:
        super().__init__()
        self.error = error
        self.good = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        if self.good:
            n = min(len(buffer), len(self.good))
            buffer[:n], self.good = self.good[:n], self.good[n:]
            return n
        raise self.error


def broken(
    error: Exception, good: bytes = b"", *, chunked: bool = True
) -> dict[str, t.Any]:
    """Environ keys for a body that gives ``good``, then raises ``error``.
    Chunked, as gunicorn passes one: ``wsgi.input_terminated`` set, no
    length, so Werkzeug hands the server's stream out as it is; else with a
    ``Content-Length`` the body does not reach."""
    environ: dict[str, t.Any] = {"wsgi.input": BrokenInput(error, good)}
    if chunked:
        environ.update(
            {"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"}
        )
    else:
        environ["CONTENT_LENGTH"] = "200"
    return environ


class ChunkError(IOError):
    """Like gunicorn's InvalidChunkSize before 22: an IOError subclass."""


class ParseError(Exception):
    """Like gunicorn's InvalidChunkSize since 22: a plain Exception."""


ERRORS: list[Exception] = [
    ChunkError("Invalid chunk size: 'zz'"),
    ParseError("Invalid chunk size: 'zz'"),
    ConnectionResetError("reset by peer"),
    OSError("read failed"),
    TimeoutError("timed out"),
]
BODIES = {
    "/data": ("application/octet-stream", b"abcdef" * 10),
    "/limited": ("application/octet-stream", b"abcdef" * 10),
    "/form": ("application/x-www-form-urlencoded", b"a=1&b=2" * 10),
    "/json": ("application/json", b'{"a": [1, 2, 3], "b": "' + b"x" * 50 + b'"}'),
}


@pytest.mark.parametrize("path", [*BODIES, "/multipart"])
@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_body_that_fails_mid_read_is_a_400(
    client: FlaskClient, path: str, error: Exception
) -> None:
    if path == "/multipart":
        path = "/form"
        content_type = "multipart/form-data; boundary=xyz"
        body = b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + b"1" * 99
    else:
        content_type, body = BODIES[path]
    response = client.post(
        path, content_type=content_type, environ_overrides=broken(error, body[:7])
    )
    assert response.status_code == 400
    if path != "/limited" or not isinstance(error, (OSError, ValueError)):
        assert b"could not be read" in response.data
    # else Werkzeug's limited stream answered first, with its own 400.
    # With a length (and with MAX_CONTENT_LENGTH) Werkzeug's own limited
    # stream already answers a read error with its 400 (ClientDisconnected).
    response = client.post(
        path,
        content_type=content_type,
        environ_overrides=broken(error, body[:7], chunked=False),
    )
    assert response.status_code == 400


def test_broken_body_reaches_a_400_handler(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(e: Exception) -> tuple[str, int]:
        return "bad body", 400

    response = app.test_client().post(
        "/data", environ_overrides=broken(ChunkError("bad chunk"))
    )
    assert (response.status_code, response.data) == (400, b"bad body")


def test_http_errors_from_the_stream_pass_unchanged(client: FlaskClient) -> None:
    """Werkzeug's limited stream raises its 413 (and its 400s) while the
    body is read: they are not rewritten."""
    environ = broken(RequestEntityTooLarge(), b"x" * 5)  # type: ignore[arg-type]
    assert client.post("/data", environ_overrides=environ).status_code == 413


def test_request_stream_read_by_the_view_gives_the_400(app: Flask) -> None:
    @app.post("/lines")
    def lines() -> str:
        return str(len(list(request.stream)))

    response = app.test_client().post(
        "/lines", environ_overrides=broken(ChunkError("bad chunk"), b"one\ntwo\n")
    )
    assert response.status_code == 400


def test_a_whole_body_still_reads(client: FlaskClient) -> None:
    assert client.post("/data", data=b"x" * 5000).data == b"data 5000"
    response = client.post("/form", data={"a": "1", "b": "2"})
    assert response.data == b"form ['a', 'b']"
    response = client.post(
        "/form",
        data={"f": (io.BytesIO(b"file"), "f.txt"), "a": "1"},
        content_type="multipart/form-data",
    )
    assert response.data == b"form ['a']"


# -- through a real gunicorn -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """gunicorn (gthread workers) serving tests/body_fixtures/wsgi.py on a
    loopback port. gunicorn is in the dev extra, so it is never skipped."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_port()
        self.log = tmp_path / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", "1", "--worker-class", "gthread", "--threads", "2",
                "--error-logfile", str(self.log),
                "tests.body_fixtures.wsgi:app",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.send(b"POST /data HTTP/1.1\r\nHost: t\r\n"
                             b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
                             ).startswith(b"HTTP/1.1 200"):  # fmt: skip
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")

    def send(self, raw: bytes) -> bytes:
        """Send ``raw`` and read the reply until the server closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(raw)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        return reply

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Gunicorn]:
    server = Gunicorn(tmp_path_factory.mktemp("gunicorn"))
    yield server
    server.stop()


MALFORMED_CHUNKS = {
    "bad chunk size": b"zz\r\nabc\r\n0\r\n\r\n",
    "chunk without its CRLF": b"3\r\nabcXY0\r\n\r\n",
    "second chunk bad": b"3\r\nabc\r\n-1\r\nabc\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("path", ["/data", "/limited", "/form", "/json"])
@pytest.mark.parametrize("body", MALFORMED_CHUNKS.values(), ids=MALFORMED_CHUNKS)
def test_gunicorn_malformed_chunked_body_is_a_400(
    gunicorn: Gunicorn, path: str, body: bytes
) -> None:
    content_type = BODIES[path][0]
    reply = gunicorn.send(
        f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]
    assert b"could not be read" in reply


def test_gunicorn_well_formed_chunked_body_reads(gunicorn: Gunicorn) -> None:
    reply = gunicorn.send(
        b"POST /data HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert reply.endswith(b"data 5")


def test_gunicorn_deeply_nested_json_is_a_400(gunicorn: Gunicorn) -> None:
    reply = gunicorn.send(
        b"POST /json HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(DEEP)}\r\nConnection: close\r\n\r\n".encode()
        + DEEP
    )
    assert reply.startswith(b"HTTP/1.1 400 ")


def test_stream_keeps_werkzeugs_behaviour(app: Flask) -> None:
    from minflask.wrappers import Request

    shallow = Request(
        {"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO()}, shallow=True
    )
    with pytest.raises(RuntimeError, match="shallow=True"):
        shallow.stream  # noqa: B018
    with app.test_request_context("/", method="POST", data=b"one\ntwo\n"):
        stream = request.stream
        assert list(stream) == [b"one\n", b"two\n"]
        assert stream.read() == b""
        assert stream.readable() and not stream.closed
