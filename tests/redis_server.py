"""Fixtures that run a real ``redis-server`` (Debian's package) on a free
loopback port with persistence off, and stop it afterwards.

pytest only honours ``pytest_plugins`` in the root conftest, so a test module
imports the fixtures it uses instead::

    from tests.redis_server import redis_url as redis_url

Without the binary those tests skip, saying why; under ``CI=true`` they fail
instead, because CI must run them for real.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import typing as t
from pathlib import Path

import pytest

#: How long a starting server may take to answer PING.
START_TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process bound to 127.0.0.1. :meth:`stop` and
    :meth:`start` again keep the port, so clients can reconnect."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self, *words: str) -> bytes:
        """Send one inline command and return the raw first reply line."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as sock:
            sock.sendall(" ".join(words).encode() + b"\r\n")
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply.strip()

    def ping(self) -> bool:
        try:
            return self.command("PING") == b"+PONG"
        except OSError:
            return False

    def flush(self) -> None:
        assert self.command("FLUSHALL") == b"+OK"

    def start(self) -> None:
        """Start on the current port, or on a free one the first time (a
        port taken in the meantime is retried with another)."""
        fixed = self.port != 0
        for _ in range(1 if fixed else 3):
            if not fixed:
                self.port = _free_port()
            if self._try_start():
                return
        log = (self.workdir / "redis.log").read_text(errors="replace")
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n{log}")

    def _try_start(self) -> bool:
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.workdir),
            "--logfile", str(self.workdir / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                return False
            if self.ping():
                return True
            time.sleep(0.02)
        self.stop()
        return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _redis_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is not None:
        return binary
    reason = (
        "redis-server is not on PATH (Debian package 'redis-server'); the"
        " Redis session tests need a real server"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires them to run.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[RedisServer]:
    """A server shared by the whole test session; use :func:`redis_url` to
    get it emptied first."""
    server = RedisServer(_redis_binary(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of the shared server, emptied for this test."""
    if not redis_server.ping():
        redis_server.start()
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def own_redis_server(tmp_path: Path) -> t.Iterator[RedisServer]:
    """A server for this test alone, which it may stop and start again."""
    server = RedisServer(_redis_binary(), tmp_path)
    server.start()
    yield server
    server.stop()
