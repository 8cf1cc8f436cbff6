"""The one-pass session cookie codec (minflask._cookie_codec) against
itsdangerous itself: the same cookie for the same data, key and time, and
the same verdict (data, bad signature, bad payload) on any cookie, valid,
tampered or forged."""

from __future__ import annotations

import hashlib
import random
import time
import typing as t
import uuid
import zlib
from datetime import datetime, timezone

import pytest
from itsdangerous import (
    BadPayload,
    BadSignature,
    Signer,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)
from itsdangerous.encoding import base64_encode
from markupsafe import Markup

from minflask import Flask
from minflask._cookie_codec import CookieCodec
from minflask.sessions import SecureCookieSessionInterface, session_json_serializer

NOW = 1_700_000_000

DATA: list[dict[str, t.Any]] = [
    {},
    {"count": 1},
    {"count": 2**64, "f": 1.25, "n": None, "b": False},
    {"name": 'Zoë ☃ \x00 "q" </script>'},
    {"long": "abc" * 200},  # compresses
    {"v": "ccccccccccc7z"},  # compresses by exactly one byte: not worth it
    {"csrf_token": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    {"_permanent": True, "user_id": 7, "_flashes": [("message", "Saved")]},
    {"bytes": b"\x00\xff", "markup": Markup("<b>x</b>"), "uuid": uuid.UUID(int=5)},
    {"when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)},
    {" t": "looks like a tag", "nested": {" di": {"x": [1, (2, 3)]}}},
]

SIGNER_KWARGS: list[dict[str, t.Any]] = [
    {"key_derivation": "hmac", "digest_method": hashlib.sha1},  # Flask's
    {"key_derivation": "concat", "digest_method": hashlib.sha256},
    {"key_derivation": "django-concat", "digest_method": hashlib.sha1},
    {"key_derivation": "none", "digest_method": hashlib.sha512},
    {},
]


def make_serializer(
    keys: t.Any = "secret", **signer_kwargs: t.Any
) -> URLSafeTimedSerializer:
    if not signer_kwargs:
        signer_kwargs = SIGNER_KWARGS[0]
    return URLSafeTimedSerializer(
        keys,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs=signer_kwargs,
    )


def make_codec(serializer: URLSafeTimedSerializer) -> CookieCodec:
    codec = CookieCodec.for_serializer(serializer)
    assert codec is not None
    return codec


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> t.Callable[[int], None]:
    """Set the clock both implementations read."""

    def set_time(now: int) -> None:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)

    set_time(NOW)
    return set_time


def verdict(load: t.Callable[[], t.Any]) -> t.Any:
    """What a load ends in: the data, or the kind of error."""
    try:
        return ("data", load())
    except BadSignature:
        return ("bad signature",)
    except BadPayload:
        return ("bad payload",)
    except Exception as e:
        return ("error", type(e))


def assert_same_verdict(
    serializer: URLSafeTimedSerializer,
    codec: CookieCodec,
    cookie: str,
    max_age: int | None = 3600,
) -> t.Any:
    expected = verdict(lambda: serializer.loads(cookie, max_age=max_age))
    assert verdict(lambda: codec.loads(cookie, max_age)) == expected, cookie
    return expected


# -- writing ---------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("signer_kwargs", SIGNER_KWARGS)
def test_same_cookie_as_itsdangerous(
    data: dict[str, t.Any], signer_kwargs: dict[str, t.Any]
) -> None:
    serializer = make_serializer(["old", "secret"], **signer_kwargs)
    codec = make_codec(serializer)
    cookie = codec.dumps(data)
    assert cookie == serializer.dumps(data)
    assert serializer.loads(cookie) == codec.loads(cookie) == data


def test_compressed_payload_is_marked(frozen: t.Callable[[int], None]) -> None:
    serializer = make_serializer()
    cookie = make_codec(serializer).dumps({"long": "abc" * 200})
    assert cookie.startswith(".")
    assert cookie == serializer.dumps({"long": "abc" * 200})


def test_compression_must_save_two_bytes(frozen: t.Callable[[int], None]) -> None:
    text = b'{"v":"ccccccccccc7z"}'
    assert len(zlib.compress(text)) == len(text) - 1
    serializer = make_serializer()
    cookie = make_codec(serializer).dumps({"v": "ccccccccccc7z"})
    assert not cookie.startswith(".")
    assert cookie == serializer.dumps({"v": "ccccccccccc7z"})


def test_timestamp_follows_patched_clock(frozen: t.Callable[[int], None]) -> None:
    serializer = make_serializer()
    codec = make_codec(serializer)
    for now in (0, 1, 255, 256, NOW, 2**40):
        frozen(now)
        assert codec.dumps({"a": 1}) == serializer.dumps({"a": 1})


def test_real_clock_is_used() -> None:
    serializer = make_serializer()
    cookie = make_codec(serializer).dumps({"a": 1})
    _, timestamp = serializer.loads(cookie, return_timestamp=True)
    assert abs(timestamp.timestamp() - time.time()) < 5


# -- reading ---------------------------------------------------------------------


def test_reads_cookies_signed_with_any_key(frozen: t.Callable[[int], None]) -> None:
    serializer = make_serializer(["oldest", "old", "new"])
    codec = make_codec(serializer)
    for key in ("oldest", "old", "new"):
        cookie = make_serializer(key).dumps({"k": key})
        assert codec.loads(cookie, 60) == {"k": key}
    with pytest.raises(BadSignature):
        codec.loads(make_serializer("other").dumps({"k": 1}), 60)


def test_age_limits(frozen: t.Callable[[int], None]) -> None:
    serializer = make_serializer()
    codec = make_codec(serializer)
    cookie = codec.dumps({"a": 1})
    frozen(NOW + 60)
    assert codec.loads(cookie, 60) == {"a": 1}
    assert codec.loads(cookie, None) == {"a": 1}
    frozen(NOW + 61)
    for max_age in (60, 0, -1):
        assert assert_same_verdict(serializer, codec, cookie, max_age) == (
            "bad signature",
        )
    frozen(NOW - 1)  # signed in the future
    assert assert_same_verdict(serializer, codec, cookie, 60) == ("bad signature",)
    assert codec.loads(cookie, None) == {"a": 1}


def forged(serializer: URLSafeTimedSerializer, payload: bytes, stamp: bytes) -> str:
    """A correctly signed cookie around any payload and timestamp bytes."""
    signer = serializer.make_signer()
    value = payload + b"." + stamp
    return (value + b"." + signer.get_signature(value)).decode()


def stamp(now: int) -> bytes:
    return base64_encode(now.to_bytes(16, "big").lstrip(b"\x00"))


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(
    ("payload", "when", "expected"),
    [
        (base64_encode(b'{"a":1}'), stamp(NOW), ("data", {"a": 1})),
        (base64_encode(b"{not json"), stamp(NOW), ("bad payload",)),
        (base64_encode(b"\xff\xfe"), stamp(NOW), ("bad payload",)),
        (b"." + base64_encode(b"not zlib"), stamp(NOW), ("bad payload",)),
        (b"!!!!!", stamp(NOW), ("bad payload",)),
        (b"a", stamp(NOW), ("bad payload",)),
        (base64_encode(b'{"a":1}'), b"", ("bad signature",)),
        (base64_encode(b'{"a":1}'), b"x", ("bad signature",)),
        (base64_encode(b'{"a":1}'), stamp(2**80), ("bad signature",)),
        # Nine bytes, even with a leading zero, are not a timestamp.
        (
            base64_encode(b'{"a":1}'),
            base64_encode(NOW.to_bytes(9, "big")),
            ("bad signature",),
        ),
        (base64_encode(b'{"a":1}'), stamp(NOW - 10**6), ("bad signature",)),
    ],
)
def test_forged_cookies(payload: bytes, when: bytes, expected: t.Any) -> None:
    serializer = make_serializer()
    codec = make_codec(serializer)
    cookie = forged(serializer, payload, when)
    assert assert_same_verdict(serializer, codec, cookie) == expected


@pytest.mark.usefixtures("frozen")
def test_absurd_timestamps_fail_alike() -> None:
    serializer = make_serializer()
    codec = make_codec(serializer)
    payload = base64_encode(b'{"a":1}')
    for when in (2**62, 2**64 - 1, 10**13):
        cookie = forged(serializer, payload, stamp(when))
        for max_age in (None, 60, 2**70):
            outcome = assert_same_verdict(serializer, codec, cookie, max_age)
            assert outcome[0] != "data"
    # A payload with no timestamp part at all.
    cookie = serializer.make_signer().get_signature(b"abc").decode()
    assert_same_verdict(serializer, codec, f"abc.{cookie}")


@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(
    "cookie",
    [
        "",
        ".",
        "..",
        "...",
        "no-dots-at-all",
        "eyJhIjoxfQ.ZVU",
        "eyJhIjoxfQ.ZVU.",
        "eyJhIjoxfQ.ZVU.bad sig",
        "eyJhIjoxfQ.ZVU.a",
        "eyJhIjoxfQ.ZVU.abc=",
        "ü.ö.ä",
    ],
)
def test_malformed_cookies(cookie: str) -> None:
    serializer = make_serializer()
    assert assert_same_verdict(serializer, make_codec(serializer), cookie) == (
        "bad signature",
    )


@pytest.mark.usefixtures("frozen")
def test_randomly_tampered_cookies_get_the_same_verdict() -> None:
    rng = random.Random(20240601)
    serializer = make_serializer(["old", "new"])
    codec = make_codec(serializer)
    alphabet = "ABCxyz019-_.=+/ ~ü"
    loaded = 0
    for data in DATA * 30:
        cookie = serializer.dumps(data)
        chars = list(cookie)
        for _ in range(rng.randint(0, 3)):
            position = rng.randrange(len(chars) + 1)
            action = rng.choice(("replace", "insert", "delete"))
            if action == "insert" or not chars:
                chars.insert(position, rng.choice(alphabet))
            elif position < len(chars):
                if action == "replace":
                    chars[position] = rng.choice(alphabet)
                else:
                    del chars[position]
        outcome = assert_same_verdict(serializer, codec, "".join(chars))
        loaded += outcome[0] == "data"
    # Some survive (untouched, or junk the base64 decoder skips), most not.
    assert 0 < loaded < len(DATA) * 30


# -- which serializers it takes on -------------------------------------------------


class Serializer(URLSafeTimedSerializer):
    pass


class MySigner(TimestampSigner):
    pass


@pytest.mark.parametrize(
    "serializer",
    [
        Serializer("k", salt="s", serializer=session_json_serializer),
        URLSafeTimedSerializer("k", salt="s", signer=MySigner),
        URLSafeTimedSerializer(
            "k", salt="s", fallback_signers=[{"digest_method": "x"}]
        ),
        URLSafeTimedSerializer("k", salt="s", serializer_kwargs={"sort_keys": True}),
        URLSafeTimedSerializer("k", salt="s", signer_kwargs={"sep": "~"}),
        URLSafeTimedSerializer("k", salt="s", signer_kwargs={"key_derivation": "?"}),
        URLSafeSerializer("k", salt="s"),
        TimestampSigner("k"),
        Signer("k"),
        None,
    ],
)
def test_declines_what_it_does_not_reproduce(serializer: t.Any) -> None:
    assert CookieCodec.for_serializer(serializer) is None


def test_declines_a_serializer_that_does_not_round_trip() -> None:
    class Lossy:
        @staticmethod
        def dumps(obj: t.Any) -> str:
            return "{}"

        @staticmethod
        def loads(text: str) -> t.Any:
            return {}

    serializer = URLSafeTimedSerializer("k", salt="s", serializer=Lossy)
    assert CookieCodec.for_serializer(serializer) is None


# -- in the session interface --------------------------------------------------------


def test_app_cookie_is_itsdangerous_cookie(
    app: Flask, frozen: t.Callable[[int], None]
) -> None:
    app.config["SECRET_KEY_FALLBACKS"] = ["older"]

    @app.route("/")
    def index() -> str:
        from minflask import session

        session["count"] = session.get("count", 0) + 1
        return str(session["count"])

    client = app.test_client()
    assert client.get("/").data == b"1"
    cookie = client.get_cookie("session")
    assert cookie is not None
    reference = URLSafeTimedSerializer(
        ["older", app.secret_key],
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    with app.app_context():
        assert cookie.value == reference.dumps({"count": 1})
    assert client.get("/").data == b"2"


def test_interface_keeps_one_codec_per_serializer(app: Flask) -> None:
    interface = SecureCookieSessionInterface()
    serializer = interface.get_signing_serializer(app)
    assert serializer is not None
    codec = interface._cookie_codec(serializer)
    assert codec is not None
    assert interface._cookie_codec(serializer) is codec
    app.secret_key = "another key"
    other = interface.get_signing_serializer(app)
    assert other is not None
    assert interface._cookie_codec(other) is not codec


def test_interface_with_custom_serializer_uses_itsdangerous(app: Flask) -> None:
    class Interface(SecureCookieSessionInterface):
        def get_signing_serializer(self, app: Flask) -> t.Any:
            return Serializer(
                app.secret_key, salt="x", serializer=session_json_serializer
            )

    app.session_interface = Interface()

    @app.route("/")
    def index() -> str:
        from minflask import session

        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    client = app.test_client()
    assert client.get("/").data == b"1"
    assert client.get("/").data == b"2"
    cookie = client.get_cookie("session")
    assert cookie is not None
    with app.app_context():
        assert Serializer(
            app.secret_key, salt="x", serializer=session_json_serializer
        ).loads(cookie.value) == {"n": 2}


def test_forged_bad_payload_is_a_server_error_as_in_flask(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        from minflask import session

        return repr(dict(session))

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    app.testing = False
    client = app.test_client()
    client.set_cookie(
        "session", forged(serializer, base64_encode(b"{no"), stamp(int(time.time())))
    )
    assert client.get("/").status_code == 500
    client.set_cookie("session", "tampered.cookie.value")
    assert client.get("/").data == b"{}"


@pytest.mark.parametrize(
    "existing",
    [None, "", "Cookie", "cookie", "Accept-Encoding", "Accept-Encoding,Origin", "*"],
)
def test_vary_on_cookie_matches_header_set(existing: str | None) -> None:
    from minflask.sessions import _vary_on_cookie
    from minflask.wrappers import Response

    def fresh() -> Response:
        response = Response("body")
        if existing is not None:
            response.headers["Vary"] = existing
        return response

    ours, werkzeugs = fresh(), fresh()
    for _ in range(2):
        _vary_on_cookie(ours)
        werkzeugs.vary.add("Cookie")
        assert ours.headers.to_wsgi_list() == werkzeugs.headers.to_wsgi_list()


def test_interface_subclass_skipping_init_still_uses_codec(app: Flask) -> None:
    class Interface(SecureCookieSessionInterface):
        def __init__(self) -> None:
            pass

    app.session_interface = Interface()

    @app.route("/")
    def index() -> str:
        from minflask import session

        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    client = app.test_client()
    assert [client.get("/").data for _ in range(3)] == [b"1", b"2", b"3"]
    assert app.session_interface._codecs  # type: ignore[attr-defined]


@pytest.mark.parametrize("digest", [hashlib.sha1, hashlib.sha256, hashlib.sha512])
@pytest.mark.parametrize("key_length", [0, 1, 20, 64, 128, 129, 300])
def test_padded_hmac_is_hmac_digest(
    digest: t.Callable[..., t.Any], key_length: int
) -> None:
    import hmac

    from minflask._speedups.cookie_codec import PaddedHMAC

    rng = random.Random(key_length)
    key = bytes(rng.randrange(256) for _ in range(key_length))
    padded = PaddedHMAC.for_key(key, digest)
    assert padded is not None
    for size in (0, 1, 63, 64, 65, 1000):
        message = bytes(rng.randrange(256) for _ in range(size))
        assert padded.digest(message) == hmac.digest(key, message, digest)


def test_padded_hmac_declines_what_is_not_hashlib() -> None:
    from minflask._speedups.cookie_codec import PaddedHMAC

    assert PaddedHMAC.for_key(b"key", lambda *args: None) is None
    assert PaddedHMAC.for_key(b"key", "sha1") is None  # type: ignore[arg-type]


def test_short_payloads_never_compress_enough() -> None:
    """The codec skips zlib below SHORTEST_COMPRESSIBLE bytes because zlib
    could never save the two bytes it must: checked on the inputs most
    likely to compress (runs, repeats) and on random ones."""
    from minflask._speedups.cookie_codec import SHORTEST_COMPRESSIBLE

    rng = random.Random(7)
    samples = [b""]
    for length in range(1, SHORTEST_COMPRESSIBLE):
        samples.append(b"a" * length)
        samples.append(b"ab" * (length // 2) + b"a" * (length % 2))
        samples.append(b'{"' + b"x" * max(0, length - 2))
        samples.extend(
            bytes(rng.choice(b'ab{}:,"0') for _ in range(length)) for _ in range(300)
        )
    for data in samples:
        assert len(data) < SHORTEST_COMPRESSIBLE
        assert not len(zlib.compress(data)) < len(data) - 1, data


def test_lone_cookie_value_is_what_parsing_gives() -> None:
    """Where the shortcut answers, its answer is request.cookies' own, on
    generated Cookie headers full of the characters the parser cares about."""
    from werkzeug.test import create_environ

    from minflask._speedups.sessions import lone_cookie_value
    from minflask.wrappers import Request

    rng = random.Random(17)
    alphabet = 'ab.-_=; \t"\\,session'
    headers = [
        "",
        "session=abc.DEF-_0",
        "session=abc; other=1",
        "session= abc",
        "session=abc ",
        'session="abc"',
        "session=",
        "sessionx=abc",
        "session=abc=def",
        "other=1",
    ]
    headers += ["session=" + "".join(rng.choices(alphabet, k=8)) for _ in range(500)]
    headers += ["".join(rng.choices(alphabet, k=12)) for _ in range(500)]
    headers += ["session=" + "".join(rng.choices("aZ09._-", k=9)) for _ in range(99)]
    answered = 0
    for name in ("session", "ses sion", 'a"b'):
        for header in headers:
            environ = create_environ(headers={"Cookie": header} if header else None)
            value = lone_cookie_value(Request(environ), name)
            if value is not None:
                answered += 1
                assert value == (Request(environ).cookies.get(name) or ""), header
    assert answered > 50


def test_lone_cookie_value_leaves_other_requests_alone() -> None:
    from werkzeug.datastructures import Headers
    from werkzeug.test import create_environ

    from minflask._speedups.sessions import lone_cookie_value
    from minflask.wrappers import Request

    environ = create_environ(headers={"Cookie": "session=abc"})
    request = Request(environ)
    assert lone_cookie_value(request, "session") == "abc"
    request.headers = Headers({"Cookie": "session=xyz"})  # replaced headers
    assert lone_cookie_value(request, "session") is None
    parsed = Request(environ)
    assert parsed.cookies["session"] == "abc"
    assert lone_cookie_value(parsed, "session") is None  # already parsed

    class OwnCookies(Request):
        @property
        def cookies(self) -> t.Any:  # type: ignore[override]
            return {"session": "mine"}

    assert lone_cookie_value(OwnCookies(environ), "session") is None
