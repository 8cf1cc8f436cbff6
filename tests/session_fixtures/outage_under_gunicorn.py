"""Measure the demo under gunicorn while its Redis session store hangs.

The issue-14 scenario, by hand (a measurement, not a test): the demo under
gunicorn (4 gthread workers of 4 threads) with Redis sessions, a user
logged in, then ``redis-server`` stopped with SIGSTOP while 20 clients
each load ``/stocks/`` 15 times, 0.1 s apart. Prints the statuses and
latencies, then how long after SIGCONT the first page loads again.
Everything listens on 127.0.0.1; every loop is bounded.

    .venv/bin/python tests/session_fixtures/outage_under_gunicorn.py
    .venv/bin/python tests/session_fixtures/outage_under_gunicorn.py --cooldown 0

(``--cooldown 0`` turns the circuit breaker off, for comparison.)
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct horse battery"
CLIENTS = 20
REQUESTS_EACH = 15
PAUSE = 0.1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(
    port: int, method: str, path: str, body: str | None = None, **headers: str
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def log_in(port: int) -> str:
    """Log in through the form as a browser would; the session cookie."""
    response, page = request(port, "GET", "/auth/login")
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    form = {"csrf_token": match.group(1).decode(), "email": "a@example.com"}
    response, _ = request(
        port,
        "POST",
        "/auth/login",
        urlencode({**form, "password": PASSWORD}),
        Cookie=cookie,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 302, response.status
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def load(port: int, cookie: str) -> list[tuple[str, float]]:
    results: list[tuple[str, float]] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(REQUESTS_EACH):
            began = time.monotonic()
            try:
                status = str(request(port, "GET", "/stocks/", Cookie=cookie)[0].status)
            except OSError as e:
                status = type(e).__name__
            with lock:
                results.append((status, time.monotonic() - began))
            time.sleep(PAUSE)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cooldown", default="1", help="SESSION_STORE_COOLDOWN")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="minflask-outage-"))
    redis_port, port = free_port(), free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MINFLASK_DEMO_INSTANCE_PATH": str(workdir / "instance"),
        "MINFLASK_DEMO_SESSION_TYPE": "redis",
        "MINFLASK_DEMO_SESSION_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "MINFLASK_DEMO_SESSION_STORE_COOLDOWN": args.cooldown,
    }
    subprocess.run(
        [sys.executable, "-m", "minflask", "--app", "demo", "users", "create",
         "a@example.com", "--password", PASSWORD],
        env=env, cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--threads", "4",
         "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
         "demo:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                request(port, "GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        cookie = log_in(port)
        redis.send_signal(signal.SIGSTOP)
        try:
            results = load(port, cookie)
        finally:
            redis.send_signal(signal.SIGCONT)
        resumed = time.monotonic()
        durations = sorted(took for _, took in results)
        statuses: dict[str, int] = {}
        for status, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        print(
            f"cool-down {args.cooldown} s, SIGSTOPped Redis, {CLIENTS} clients:"
            f" {len(results)} requests, statuses {statuses}, median"
            f" {statistics.median(durations) * 1000:.1f} ms, p90"
            f" {durations[int(len(durations) * 0.9)] * 1000:.1f} ms,"
            f" max {durations[-1]:.2f} s"
        )
        for _ in range(400):
            if request(port, "GET", "/stocks/", Cookie=cookie)[0].status == 200:
                print(f"first 200 {time.monotonic() - resumed:.2f} s after SIGCONT")
                break
            time.sleep(0.05)
        else:
            print("no 200 within 20 s of SIGCONT")
    finally:
        gunicorn.terminate()
        gunicorn.wait(15)
        redis.terminate()
        redis.wait(10)


if __name__ == "__main__":
    main()
