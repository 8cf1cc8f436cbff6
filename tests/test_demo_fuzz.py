"""A bounded fuzz of the demo (issue 14): a few thousand random hostile
requests, from a fixed seed, against the demo app in-process, as an
anonymous visitor and as a logged-in user with (mostly) the right CSRF
token. Bad methods, paths, query strings, headers, Hosts, content types and
bodies (deep JSON, absurd decimals, malformed multipart and CSV, bodies
that break mid-read). Nothing may escape the WSGI call and no answer may be
a 5xx: bad input gets a 4xx.

To replay one failure, the assertion message lists the request numbers;
``FUZZ_ONLY=<n>`` runs the same sequence but checks only request ``n``.
"""

from __future__ import annotations

import io
import json
import os
import random
import typing as t
from pathlib import Path

from werkzeug.test import EnvironBuilder, run_wsgi_app

from minflask import Flask
from tests.demo_fixtures.support import add_holding, add_user, login
from tests.demo_fixtures.support import make_app as make_demo

SEED = 20141407
REQUESTS = 3000

METHODS = [
    *["GET"] * 6, *["POST"] * 6, "PUT", "PUT", "DELETE", "DELETE",
    "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO",
    "GET2", "M-SEARCH",
]  # fmt: skip

ROUTES = [
    "/", "/auth/login", "/auth/register", "/auth/logout", "/stocks/",
    "/stocks/add", "/stocks/{id}/edit", "/stocks/{id}/delete", "/stocks/import",
    "/api/me", "/api/stocks", "/api/stocks/{id}", "/account/",
    "/account/logout-everywhere", "/static/style.css", "/static/{junk}",
]  # fmt: skip

IDS = [
    "1", "2", "0", "-1", "007", str(2**63 - 1), str(2**63), str(2**64),
    "9" * 40, "1e5", "0x10", "abc", "%31", "1.0", " 1", "١٢",
]  # fmt: skip

JUNK_PATHS = [
    "/../../etc/passwd", "//", "/%00", "/stocks/%ff%fe", "/%2e%2e/%2e%2e",
    "/stocks//", "/api/", "/api/stocks/", "/auth/login/", "/static/../app.py",
    "/static/%2e%2e/secret", "/\u00e9t\u00e9", "/stocks/\ud800".encode(
        "utf-8", "surrogatepass"
    ).decode("latin-1"),
    "/a" * 3000, "/stocks/1/edit/extra", "/api/stocks/1;drop", "/index.php",
]  # fmt: skip

#: Hosts Werkzeug accepts, plus two it rejects (a 400 whose error page
#: cannot build URLs; demo/errors.py then answers in plain text).
HOSTS = [
    "localhost", "localhost", "example.com", "127.0.0.1:5000", "[::1]:8080",
    "xn--bcher-kva.example", "EXAMPLE.COM.", "a-b.c-d.example:65535",
    "a..b", "h" * 300,
]  # fmt: skip

DECIMALS = [
    "1", "12.50", "0", "-1", "1e3", "1E+999999", "0E-999999999", "0E-10000000",
    "NaN", "sNaN", "Infinity", "-0", "1_000", "\uff11\uff12", "0x1p3", "1" * 400,
    "0." + "0" * 200 + "1", "", " ", "1,5", "\u0000", "12.123456789",
]  # fmt: skip

SYMBOLS = ["AAPL", "brk.b", "", "A" * 40, "<script>", "'; DROP TABLE", "ÄÖÜ", "\x00"]

CONTENT_TYPES = [
    None, "application/json", "application/json; charset=latin-1",
    "application/x-www-form-urlencoded", "multipart/form-data",
    "multipart/form-data; boundary=", "multipart/form-data; boundary=zz",
    "text/csv", "text/plain", "application/xml", "image/png",
    "application/json; charset=utf-16", "garbage", "*/*",
    "application/x-www-form-urlencoded; charset=utf-32",
]  # fmt: skip


class BreakingInput(io.RawIOBase):
    """A ``wsgi.input`` that gives part of the body, then fails, as a
    server's does for a malformed chunked body or a reset connection."""

    def __init__(self, data: bytes, error: Exception) -> None:
        super().__init__()
        self.data = data
        self.error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        if not self.data:
            raise self.error
        n = min(len(buffer), len(self.data))
        buffer[:n], self.data = self.data[:n], self.data[n:]
        return n


class ParseException(Exception):
    """Like gunicorn's chunked-body errors."""


def deep_json(rng: random.Random) -> bytes:
    depth = rng.choice([50, 999, 1000, 5000, 100_000])
    opener, closer = rng.choice([(b"[", b"]"), (b'{"a":', b"}")])
    return opener * depth + b"1" + closer * depth


def holding_json(rng: random.Random) -> bytes:
    body: dict[str, t.Any] = {
        "symbol": rng.choice(SYMBOLS),
        "shares": rng.choice([*DECIMALS, 1, 2.5, -3, 10**40, 1e308, True, None]),
        "purchase_price": rng.choice([*DECIMALS, 150, 0.1, [], {}]),
    }
    if rng.random() < 0.3:
        del body[rng.choice(list(body))]
    if rng.random() < 0.2:
        return json.dumps([body]).encode()
    return json.dumps(body).encode()


def form_fields(rng: random.Random, token: str | None) -> dict[str, str]:
    fields = {
        "symbol": rng.choice(SYMBOLS),
        "shares": rng.choice(DECIMALS),
        "purchase_price": rng.choice(DECIMALS),
        "email": rng.choice(["alice@example.com", "x", "@", "a" * 500 + "@b.c", ""]),
        "password": rng.choice(["correct horse battery", "", "x" * 2000]),
        "next": rng.choice(["/stocks/", "//evil.example", "https://evil.example/", ""]),
    }
    for name in rng.sample(list(fields), rng.randrange(len(fields))):
        del fields[name]
    if token is not None:
        fields["csrf_token"] = token
    return fields


def csv_body(rng: random.Random) -> bytes:
    rows = ["symbol,shares,purchase_price"]
    for _ in range(rng.randrange(6)):
        rows.append(
            ",".join(
                rng.choice([rng.choice(SYMBOLS), rng.choice(DECIMALS), '"', '"a""b'])
                for _ in range(rng.randrange(1, 5))
            )
        )
    text = "\n".join(rows)
    if rng.random() < 0.2:
        return text.encode("utf-16")
    return text.encode("utf-8", "surrogatepass")


def multipart_body(rng: random.Random, token: str | None, boundary: str) -> bytes:
    parts = []
    if token is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"'
            f"\r\n\r\n{token}\r\n".encode()
        )
    filename = rng.choice(["h.csv", "h.txt", "../../h.csv", "", "h\x00.csv", "é.csv"])
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file";'
        f' filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + csv_body(rng)
        + b"\r\n"
    )
    body = b"".join(parts)
    if rng.random() < 0.8:
        body += f"--{boundary}--\r\n".encode()
    if rng.random() < 0.2:
        body = body[: rng.randrange(len(body) + 1)]
    return body


def random_body(
    rng: random.Random, content_type: str | None, token: str | None
) -> tuple[bytes, str | None]:
    """A body and the content type to send it with."""
    kind = rng.random()
    if kind < 0.25:
        return holding_json(rng), content_type or "application/json"
    if kind < 0.35:
        return deep_json(rng), "application/json"
    if kind < 0.55:
        from urllib.parse import urlencode

        return urlencode(form_fields(rng, token)).encode(), (
            "application/x-www-form-urlencoded"
        )
    if kind < 0.7:
        boundary = rng.choice(["zz", "----x", "a" * 70, "b\x7f"])
        return multipart_body(rng, token, boundary), (
            f"multipart/form-data; boundary={boundary}"
        )
    if kind < 0.8:
        size = rng.choice([0, 1, 100, 4000, 300_000])
        return rng.randbytes(size), content_type
    if kind < 0.9:
        return rng.choice(
            [b"{", b"[1,", b"\xff\xfe", b'{"a": NaN}', b'"\\ud800"', b"1" * 5000, b"%"]
        ), content_type
    return b"", content_type


def near_valid(rng: random.Random, token: str) -> tuple[str, str, bytes, str | None]:
    """A request a real client of the demo sends, with hostile values in
    its fields: method, path, body, content type."""
    from urllib.parse import urlencode

    holding_id = rng.choice(["1", "2", "3", *IDS])
    fields = {
        "symbol": rng.choice(["AAPL", "MSFT", *SYMBOLS]),
        "shares": rng.choice(["1", "2.5", *DECIMALS]),
        "purchase_price": rng.choice(["150", "99.99", *DECIMALS]),
        "csrf_token": token,
    }
    form = "application/x-www-form-urlencoded"
    choice = rng.randrange(8)
    if choice == 0:
        return "POST", "/api/stocks", holding_json(rng), "application/json"
    if choice == 1:
        path = f"/api/stocks/{holding_id}"
        return (
            rng.choice(["PUT", "GET", "DELETE"]),
            path,
            holding_json(rng),
            ("application/json"),
        )
    if choice == 2:
        return "POST", "/stocks/add", urlencode(fields).encode(), form
    if choice == 3:
        path = f"/stocks/{holding_id}/{rng.choice(['edit', 'delete'])}"
        return "POST", path, urlencode(fields).encode(), form
    if choice == 4:
        boundary = "fuzzboundary"
        return (
            "POST",
            "/stocks/import",
            multipart_body(rng, token, boundary),
            (f"multipart/form-data; boundary={boundary}"),
        )
    if choice == 5:
        return "POST", "/auth/login", urlencode(form_fields(rng, token)).encode(), form
    if choice == 6:
        return (
            "POST",
            "/auth/register",
            urlencode(form_fields(rng, token)).encode(),
            (form),
        )
    path = rng.choice(["/", "/stocks/", "/stocks/add", "/account/", "/api/stocks"])
    return "GET", path, b"", None


def random_headers(rng: random.Random, csrf: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if csrf is not None and rng.random() < 0.8:
        headers["X-CSRF-Token"] = csrf if rng.random() < 0.9 else csrf[:-1] + "é"
    choices: list[tuple[str, t.Callable[[], str]]] = [
        ("Accept", lambda: rng.choice(["*/*", "application/json", "text/html;q=x"])),
        (
            "Cookie",
            lambda: rng.choice(["session=", "session=a.b.c", "=;;;", "x" * 5000]),
        ),
        ("Accept-Language", lambda: "en;q=2," * rng.randrange(50)),
        ("If-Modified-Since", lambda: rng.choice(["yesterday", "Mon, 99 Foo 0000"])),
        ("Range", lambda: rng.choice(["bytes=0-0", "bytes=9-1", "bytes=-", "lines=1"])),
        ("X-Forwarded-For", lambda: "1.2.3.4, " * rng.randrange(20)),
        ("Referer", lambda: rng.choice(["//evil", "javascript:alert(1)"])),
        ("Authorization", lambda: rng.choice(["Basic !!!", "Bearer", "Digest x="])),
        ("Content-Encoding", lambda: rng.choice(["gzip", "br", "identity"])),
        ("Origin", lambda: rng.choice(["null", "http://evil.example"])),
    ]
    for name, value in rng.sample(choices, rng.randrange(4)):
        headers[name] = value()
    return headers


def random_path(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(JUNK_PATHS)
    route = rng.choice(ROUTES)
    return route.replace("{id}", rng.choice(IDS)).replace(
        "{junk}", rng.choice(["x.css", "../x", "%00", "a" * 300])
    )


def random_query(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return ""
    pairs = [
        rng.choice(["next", "email", "page", "a", "", "%zz", "next[]"])
        + "="
        + rng.choice(["/stocks/", "//evil", "%ff", "1" * 3000, "", "\x00", "a&b"])
        for _ in range(rng.randrange(1, 4))
    ]
    return "&".join(pairs)


def wsgi_str(text: str) -> str:
    """``text`` as a server puts it in the environ: its UTF-8 bytes as
    latin-1 characters."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


class Fuzzer:
    def __init__(self, app: Flask, seed: int) -> None:
        self.app = app
        self.rng = random.Random(seed)
        self.cookie = ""
        self.csrf = ""

    def log_in(self) -> None:
        client = self.app.test_client()
        assert login(client).status_code == 302
        cookie = client.get_cookie("session")
        assert cookie is not None
        self.cookie = cookie.value
        self.csrf = client.get("/api/me").get_json()["csrf_token"]

    def environ(self, number: int) -> tuple[dict[str, t.Any], str]:
        """A random request's environ and a line describing it."""
        rng = self.rng
        if number % 250 == 0:
            self.log_in()
        logged_in = rng.random() < 0.6
        token = self.csrf if logged_in and rng.random() < 0.85 else None
        if rng.random() < 0.4:
            # Nearly right: a real route, method and body, one field hostile.
            logged_in, token = True, self.csrf
            method, path, body, content_type = near_valid(rng, token)
            query, headers, host = "", {"X-CSRF-Token": token}, "localhost"
        else:
            method = rng.choice(METHODS)
            path = random_path(rng)
            query = random_query(rng)
            content_type = rng.choice(CONTENT_TYPES)
            body = b""
            if method not in ("GET", "HEAD") or rng.random() < 0.1:
                body, content_type = random_body(rng, content_type, token)
            headers = random_headers(rng, token)
            host = rng.choice(HOSTS)
        builder = EnvironBuilder(
            path="/",
            method=method,
            data=body,
            content_type=content_type,
            headers=headers,
        )
        environ = builder.get_environ()
        builder.close()
        environ.update(
            PATH_INFO=wsgi_str(path),
            QUERY_STRING=wsgi_str(query),
            HTTP_HOST=wsgi_str(host),
            SERVER_NAME="localhost",
        )
        if logged_in:
            cookie = f"session={self.cookie}"
            environ["HTTP_COOKIE"] = (
                cookie if "Cookie" not in headers else f"{cookie}; {headers['Cookie']}"
            )
        mode = rng.random()
        if body and mode < 0.08:
            # Chunked, as gunicorn passes it, breaking partway.
            environ["wsgi.input"] = BreakingInput(
                body[: rng.randrange(len(body))],
                rng.choice([ParseException("bad chunk"), OSError("reset")]),
            )
            environ["wsgi.input_terminated"] = True
            environ["HTTP_TRANSFER_ENCODING"] = "chunked"
            environ.pop("CONTENT_LENGTH", None)
        elif body and mode < 0.12:
            # A Content-Length that lies, either way.
            environ["CONTENT_LENGTH"] = str(
                rng.choice([len(body) * 2, max(0, len(body) - 3), 10**12])
            )
        elif mode < 0.14:
            environ["CONTENT_LENGTH"] = rng.choice(["-1", "abc", "1e3", " 5"])
        line = (
            f"{method} {path[:80]!r}?{query[:40]!r} Host={host[:30]!r}"
            f" type={content_type!r} body={body[:60]!r}... ({len(body)} bytes)"
            f" logged_in={logged_in} csrf={token is not None} mode={mode:.2f}"
        )
        return environ, line


def test_random_hostile_requests_never_get_a_5xx(tmp_path: Path) -> None:
    app = make_demo(tmp_path, TESTING=False, MAX_CONTENT_LENGTH=256 * 1024)
    alice = add_user(app)
    for symbol in ("AAPL", "MSFT"):
        add_holding(app, alice, symbol, "1", "100")
    fuzzer = Fuzzer(app, SEED)
    only = os.environ.get("FUZZ_ONLY")
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for number in range(REQUESTS):
        environ, line = fuzzer.environ(number)
        if only is not None and number != int(only):
            continue
        try:
            body_iter, status, _headers = run_wsgi_app(app, environ, buffered=True)
            b"".join(body_iter)
            if hasattr(body_iter, "close"):
                body_iter.close()
        except Exception as e:
            failures.append(f"#{number} escaped {type(e).__name__}: {e}\n  {line}")
            continue
        code = int(status.split()[0])
        statuses[code] = statuses.get(code, 0) + 1
        if code >= 500:
            failures.append(f"#{number} answered {status}\n  {line}")
    print(
        f"\nfuzz: {REQUESTS} requests, seed {SEED}, statuses {sorted(statuses.items())}"
    )
    assert not failures, (
        f"{len(failures)} of {REQUESTS} requests (seed {SEED}) failed:\n"
        + "\n".join(failures[:15])
    )
    if only is None:
        # The fuzz reached the app's real answers, not only its front door.
        assert {200, 302, 400, 404, 405, 422} <= set(statuses), statuses
        assert sum(statuses.values()) == REQUESTS
