"""The urlencoded form's short road (minflask._speedups.forms): the body read
straight from ``wsgi.input``, ``files`` made on first access, the config
read once, and the proxies' direct attribute getters. Each edge is checked
against Werkzeug's own parsing, and the whole set of answers against
minflask with the shortcuts package blocked."""

from __future__ import annotations

import io
import json
import random
import typing as t

import pytest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest

from minflask import Flask, current_app, request, session
from minflask._speedups.forms import SPENT_BODY
from minflask.wrappers import Request
from tests.test_speedups import run_python

URLENCODED = "application/x-www-form-urlencoded"


class Input:
    """A server's input (``read`` only, as WSGI promises) that records the
    sizes asked of it, gives at most ``most`` bytes a read, and can raise
    ``error`` once ``data`` is used up."""

    def __init__(
        self, data: bytes, error: Exception | None = None, most: int = 1 << 30
    ) -> None:
        self.data = data
        self.error = error
        self.most = most
        self.asked: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        if not self.data and self.error is not None:
            raise self.error
        piece = self.data[: self.most if size < 0 else min(size, self.most)]
        self.data = self.data[len(piece) :]
        return piece


def environ_for(
    body: bytes,
    content_type: str | None = URLENCODED,
    length: str | None = "auto",
    stream: t.Any = None,
    **extra: t.Any,
) -> dict[str, t.Any]:
    environ = EnvironBuilder(method="POST", query_string="page=2").get_environ()
    environ.pop("CONTENT_TYPE", None)
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = io.BytesIO(body) if stream is None else stream
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if length is not None:
        environ["CONTENT_LENGTH"] = str(len(body)) if length == "auto" else length
    environ.update(extra)
    return environ


class PlainRequest(WerkzeugRequest):
    """Werkzeug's request as it is: the reference."""


def observe(req: WerkzeugRequest) -> t.Any:
    """What a view can see of the body after reading the form."""
    try:
        form = req.form
    except Exception as e:
        return ("error", type(e).__name__, getattr(e, "code", None))
    return (
        type(form).__name__,
        list(form.items(multi=True)),
        type(req.files).__name__,
        len(req.files),
        req.stream.read(),
        req.get_data(),
        req.data,
        req.stream.tell(),
    )


def both(body: bytes, **kwargs: t.Any) -> tuple[Request, t.Any]:
    """Our request after reading the form, and what it showed, checked
    equal to what Werkzeug's request shows for the same environ."""
    ours = Request(environ_for(body, **kwargs))
    seen = observe(ours)
    assert seen == observe(PlainRequest(environ_for(body, **kwargs))), body
    return ours, seen


# -- the road taken ---------------------------------------------------------


def test_plain_body_is_read_straight_from_the_input() -> None:
    stream = Input(b"name=Ada+Lovelace&age=36")
    req = Request(environ_for(stream.data, stream=stream))
    assert req.form.to_dict() == {"name": "Ada Lovelace", "age": "36"}
    assert stream.asked == [24]
    # No stream and no files were made for it.
    assert "stream" not in req.__dict__ and "files" not in req.__dict__
    assert req.__dict__[SPENT_BODY] == b"name=Ada+Lovelace&age=36"


@pytest.mark.parametrize(
    ("length", "extra"),
    [
        (None, {}),
        ("abc", {}),
        ("-3", {}),
        ("+3", {}),
        (" 3", {}),
        ("\u0663", {}),  # ARABIC-INDIC DIGIT THREE: a digit, not ASCII
        ("3", {"HTTP_TRANSFER_ENCODING": "chunked"}),
        (None, {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}),
        ("3", {"wsgi.input_terminated": True}),
    ],
)
def test_other_lengths_take_the_stream(
    length: str | None, extra: dict[str, t.Any]
) -> None:
    ours, _ = both(b"a=1", length=length, **extra)
    assert SPENT_BODY not in ours.__dict__
    assert "stream" in ours.__dict__


def test_charset_parameter_still_takes_the_short_road() -> None:
    for content_type in (
        f"{URLENCODED}; charset=UTF-8",
        "Application/X-WWW-Form-Urlencoded",
    ):
        ours, seen = both(b"a=%C3%A9", content_type=content_type)
        assert seen[1] == [("a", "é")]
        assert SPENT_BODY in ours.__dict__


@pytest.mark.parametrize(
    "content_type", [None, "", "text/plain", "multipart/form-data"]
)
def test_other_bodies_are_werkzeugs(content_type: str | None) -> None:
    ours, _ = both(b"a=1", content_type=content_type)
    assert SPENT_BODY not in ours.__dict__


def test_stream_made_first_is_the_one_read() -> None:
    req = Request(environ_for(b"a=1&b=2"))
    stream = req.stream
    assert req.form.to_dict() == {"a": "1", "b": "2"}
    assert req.stream is stream and stream.read() == b""
    assert SPENT_BODY not in req.__dict__


def test_data_first_then_form() -> None:
    req = Request(environ_for(b"a=1"))
    assert req.get_data() == b"a=1"
    assert req.form.to_dict() == {"a": "1"}
    assert req.get_data() == b"a=1" and req.data == b"a=1"


# -- what the request looks like afterwards --------------------------------


def test_stream_and_data_are_spent_afterwards() -> None:
    req, seen = both(b"a=1&b=2")
    assert seen[4:] == (b"", b"", b"", 7)
    stream = req.stream
    assert req.stream is stream
    assert stream.read() == b"" and stream.readline() == b"" and list(stream) == []
    assert req.get_data(as_text=True) == ""
    assert req.get_json(silent=True, force=True) is None
    # The server's input was read once, to its end.
    assert req.environ["wsgi.input"].read() == b""


def test_form_and_files_stay_the_same_objects() -> None:
    req = Request(environ_for(b"a=1"))
    form = req.form
    assert req.form is form and req.values["a"] == "1"
    files = req.files
    assert type(files) is ImmutableMultiDict and not files
    assert req.files is files and req.__dict__["files"] is files
    req._load_form_data()
    assert req.form is form and req.files is files


def test_files_first_then_form() -> None:
    req = Request(environ_for(b"a=1"))
    files = req.files
    assert not files and type(files) is ImmutableMultiDict
    assert req.form.to_dict() == {"a": "1"}
    assert req.files is files


def test_storage_class_is_used_for_form_and_files() -> None:
    class Mutable(Request):
        parameter_storage_class = MultiDict

    req = Mutable(environ_for(b"a=1&a=2"))
    assert type(req.form) is MultiDict and req.form.getlist("a") == ["1", "2"]
    assert type(req.files) is MultiDict and not req.files
    assert type(req.args) is MultiDict


def test_deleted_form_is_parsed_again_from_the_spent_stream() -> None:
    for cls in (Request, PlainRequest):
        req = cls(environ_for(b"a=1"))
        assert req.form.to_dict() == {"a": "1"}
        del req.form
        assert req.form.to_dict() == {}


def test_close_with_files_never_made() -> None:
    req = Request(environ_for(b"a=1"))
    req.form  # noqa: B018
    req.close()
    assert "files" not in req.__dict__


# -- the same pairs ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"&&",
        b"a=1&a=2&b=3&a=4",
        b"b=2&a=1&b=3",
        b"name=Ada+Lovelace&plus=%2B&sp=%20+%20",
        b"utf=%C3%A9%E2%98%83&raw=" + "é☃".encode(),
        b"bad=%FF%FE&half=%C3&pct=%&pct2=%%&odd=%G1",
        b"a+b=c+d&%41=%42&=&x&y=",
        b"not-utf8=\xff",
        b"semi=a;b&nul=%00",
        b"k=" + b"v" * 70_000,
        b"&".join(b"f%d=%d" % (i, i) for i in range(500)),
    ],
)
def test_pairs_are_werkzeugs(body: bytes) -> None:
    ours, _ = both(body)
    assert SPENT_BODY in ours.__dict__


def test_duplicate_keys_keep_their_order() -> None:
    _, seen = both(b"b=1&a=2&b=3&c=4&a=5")
    assert seen[1] == [("b", "1"), ("b", "3"), ("a", "2"), ("a", "5"), ("c", "4")]


def test_args_are_werkzeugs() -> None:
    environ = environ_for(b"")
    environ["QUERY_STRING"] = "page=2&q=a+b&q=%C3%A9&empty=&flag"
    ours, theirs = Request(environ), PlainRequest(environ)
    assert type(ours.args) is type(theirs.args) is ImmutableMultiDict
    assert list(ours.args.items(multi=True)) == list(theirs.args.items(multi=True))
    assert ours.args is ours.args


# -- errors -----------------------------------------------------------------


def test_short_body_is_a_client_disconnect() -> None:
    stream = Input(b"a=1")
    _, seen = both(b"a=1", length="10", stream=None)
    assert seen == ("error", "ClientDisconnected", 400)
    req = Request(environ_for(b"a=1", length="10", stream=stream))
    with pytest.raises(ClientDisconnected):
        req.form  # noqa: B018
    assert stream.asked == [10, 7]


def test_body_in_pieces_is_joined() -> None:
    body = b"name=Ada+Lovelace&age=36"
    stream = Input(body, most=3)
    req = Request(environ_for(body, stream=stream))
    assert req.form.to_dict() == {"name": "Ada Lovelace", "age": "36"}
    assert stream.asked == [24, 21, 18, 15, 12, 9, 6, 3]
    assert req.stream.tell() == 24


def test_large_body_is_read_in_64k_pieces() -> None:
    body = b"k=" + b"v" * 150_000
    stream = Input(body)
    req = Request(environ_for(body, stream=stream))
    assert len(req.form["k"]) == 150_000
    assert stream.asked == [65_536, 65_536, 150_002 - 131_072]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError("reset"), ClientDisconnected),
        (ValueError("I/O operation on closed file"), ClientDisconnected),
        (RuntimeError("bad chunk"), BadRequest),
        (RequestEntityTooLarge(), RequestEntityTooLarge),
    ],
)
def test_input_errors(error: Exception, expected: type[Exception]) -> None:
    for cls in (Request, PlainRequest):
        req = cls(environ_for(b"a=1", length="8", stream=Input(b"a=1", error)))
        with pytest.raises(Exception) as info:
            req.form  # noqa: B018
        if cls is Request:
            assert type(info.value) is expected
            if expected is BadRequest:
                assert "could not be read" in str(info.value.description)
                assert info.value.__cause__ is error


def test_over_max_content_length_is_413_before_reading(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 5
    stream = Input(b"a=123456")
    with app.app_context():
        req = Request(environ_for(stream.data, stream=stream))
        with pytest.raises(RequestEntityTooLarge):
            req.form  # noqa: B018
    assert stream.asked == []

    @app.post("/")
    def index() -> str:
        return repr(request.form.to_dict())

    client = app.test_client()
    assert client.post("/", data={"a": "1"}).status_code == 200
    assert client.post("/", data={"a": "123456"}).status_code == 413


def test_per_request_limit_wins(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 5

    @app.post("/")
    def index() -> str:
        request.max_content_length = 100
        return repr(request.form.to_dict())

    @app.post("/tight")
    def tight() -> str:
        request.max_content_length = 2
        return repr(request.form.to_dict())

    client = app.test_client()
    assert client.post("/", data={"a": "123456"}).data == b"{'a': '123456'}"
    app.config["MAX_CONTENT_LENGTH"] = None
    assert client.post("/tight", data={"a": "1"}).status_code == 413


def test_own_max_content_length_property_is_used(app: Flask) -> None:
    class Strict(Request):
        @property
        def max_content_length(self) -> int | None:
            return 3

    app.request_class = Strict

    @app.post("/")
    def index() -> str:
        return repr(request.form.to_dict())

    client = app.test_client()
    assert client.post("/", data={"a": "1"}).status_code == 200
    assert client.post("/", data={"a": "12"}).status_code == 413


def _werkzeug_refuses_long_urlencoded(limit: int, body: bytes) -> bool:
    """Whether Werkzeug's own Request (no minflask) answers this urlencoded
    body with a 413 under ``max_form_memory_size=limit``."""
    reference = WerkzeugRequest(environ_for(body))
    reference.max_form_memory_size = limit
    try:
        reference.form  # noqa: B018
    except RequestEntityTooLarge:
        return True
    return False


@pytest.mark.parametrize("limit", [4, 64])
def test_form_memory_limit_on_urlencoded_is_werkzeugs(app: Flask, limit: int) -> None:
    # Werkzeug 3.1.0 refuses an urlencoded body over max_form_memory_size;
    # 3.1.9 applies that limit (and MAX_FORM_PARTS) to multipart only.
    app.config.update(MAX_FORM_MEMORY_SIZE=limit, MAX_FORM_PARTS=1)
    body = b"a=" + b"x" * 20 + b"&b=2"

    @app.post("/")
    def index() -> str:
        return repr(request.form.to_dict())

    rv = app.test_client().post(
        "/", data=body, content_type="application/x-www-form-urlencoded"
    )
    refused = _werkzeug_refuses_long_urlencoded(limit, body)
    assert refused == (limit == 4 and _parser_limits_urlencoded())
    if refused:
        assert rv.status_code == 413
    else:
        assert rv.status_code == 200
        assert rv.data == repr({"a": "x" * 20, "b": "2"}).encode()


def _parser_limits_urlencoded() -> bool:
    try:
        FormDataParser(max_form_memory_size=1).parse(
            io.BytesIO(b"a=1"), "application/x-www-form-urlencoded", 3, {}
        )
    except RequestEntityTooLarge:
        return True
    return False


def test_no_app_context_means_no_limit() -> None:
    req = Request(environ_for(b"a=" + b"x" * 1000))
    assert len(req.form["a"]) == 1000


def test_shallow_request_refuses_the_body() -> None:
    req = Request(environ_for(b"a=1"), shallow=True)
    with pytest.raises(RuntimeError, match="shallow"):
        req.form  # noqa: B018


# -- the full road where it is asked for ----------------------------------------


def test_own_load_form_data_is_called(app: Flask) -> None:
    calls: list[str] = []

    class Loading(Request):
        def _load_form_data(self) -> None:
            calls.append("load")
            super()._load_form_data()

    req = Loading(environ_for(b"a=1"))
    assert req.form.to_dict() == {"a": "1"}
    assert calls == ["load"]
    assert SPENT_BODY in req.__dict__  # its super() still took the short road


def test_debug_mode_parses_the_same(app: Flask) -> None:
    app.debug = True
    with app.app_context():
        req = Request(environ_for(b"a=1&f=x.pdf"))
        assert req.form.to_dict() == {"a": "1", "f": "x.pdf"}
        with pytest.raises(KeyError, match="enctype"):
            req.files["f"]
        assert req.stream.read() == b""


# -- the proxies' direct getters --------------------------------------------


def test_proxy_getters_read_the_current_objects(app: Flask) -> None:
    from minflask._speedups.proxies import _DIRECT

    with app.test_request_context(
        "/p?x=1", method="POST", data={"a": "1"}, headers={"X-Test": "yes"}
    ):
        real = request._get_current_object()
        for name in _DIRECT["request"]:
            if name in ("json",):
                continue
            assert getattr(request, name) == getattr(real, name), name
        assert request.form is real.form and request.args is real.args
        assert session.get("missing", 3) == 3
        assert current_app.config is app.config and current_app.name == app.name
        # Writes go to the request, not the proxy's class.
        request.max_content_length = 7
        assert real.max_content_length == 7
    for name in _DIRECT["request"]:
        assert hasattr(Request, name) or name in real.__dict__, name


def test_unbound_proxy_getters_raise_the_context_error() -> None:
    for read in (
        lambda: request.form,
        lambda: request.method,
        lambda: session.get,
        lambda: current_app.config,
    ):
        with pytest.raises(RuntimeError, match="Working outside of") as info:
            read()
        assert info.value.__context__ is None


def test_proxy_getter_on_a_request_without_the_attribute(app: Flask) -> None:
    with app.test_request_context("/"):
        del request._get_current_object().__dict__["method"]
        with pytest.raises(AttributeError, match="method"):
            request.method  # noqa: B018


# -- the same answers without the shortcuts -----------------------------------------

PROBE = """
import io, json
from minflask import Flask, request

app = Flask("form_probe")

@app.post("/form")
def form():
    first = request.form
    files = request.files
    return json.dumps([
        type(first).__name__, list(first.items(multi=True)), request.form is first,
        type(files).__name__, len(files), request.files is files,
        request.args.get("page"), request.stream.read().decode("latin1"),
        request.get_data().decode("latin1"), request.data.decode("latin1"),
    ])

@app.post("/big")
def big():
    return json.dumps([len(request.form["k"]), request.get_data().decode()])

@app.post("/files-first")
def files_first():
    files = request.files
    return json.dumps([len(files), request.form.to_dict(), request.files is files])

class Input:
    def __init__(self, data, error=None):
        self.data, self.error = data, error
    def read(self, size=-1):
        if not self.data and self.error is not None:
            raise self.error
        piece = self.data if size < 0 else self.data[:size]
        self.data = self.data[len(piece):]
        return piece

client = app.test_client()
U = "application/x-www-form-urlencoded"
cases = [
    dict(path="/form?page=2", data=b"name=Ada+Lovelace&age=36", content_type=U),
    dict(path="/form", data=b"b=1&a=2&b=3&x=%C3%A9%FF+%2B&&=&k", content_type=U),
    dict(path="/form", data="raw=é☃".encode(), content_type=U + "; charset=utf-8"),
    dict(path="/form", data=b"a=\\xff", content_type=U),
    dict(path="/big", data=b"k=" + b"v" * 70000, content_type=U),
    dict(path="/form", data=b"a=1", content_type="text/plain"),
    dict(path="/form", data={"a": "1", "f": (io.BytesIO(b"x"), "f.txt")}),
    dict(path="/files-first", data=b"a=1", content_type=U),
    dict(path="/form", content_type=U, environ_overrides={
        "wsgi.input": io.BytesIO(b"a=1"), "CONTENT_LENGTH": "9"}),
    dict(path="/form", content_type=U, environ_overrides={
        "wsgi.input": Input(b"a=1", OSError("x")), "CONTENT_LENGTH": "8"}),
    dict(path="/form", content_type=U, environ_overrides={
        "wsgi.input": Input(b"a=1", KeyError("x")), "CONTENT_LENGTH": "8"}),
    dict(path="/form", content_type=U, environ_overrides={
        "wsgi.input": io.BytesIO(b"a=1"), "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input_terminated": True, "CONTENT_LENGTH": ""}),
]
out = []
for kwargs in cases:
    rv = client.post(**kwargs)
    out.append([rv.status, rv.get_data().decode("latin1")])
app.config["MAX_CONTENT_LENGTH"] = 4
rv = client.post("/form", data=b"a=12345", content_type=U)
out.append([rv.status, rv.get_data().decode("latin1")])
app.config["MAX_CONTENT_LENGTH"] = None
app.debug = True
rv = client.post("/form", data=b"a=1", content_type=U)
out.append([rv.status, rv.get_data().decode("latin1")])
print(json.dumps(out))
"""


def test_same_answers_without_the_shortcuts() -> None:
    fast = json.loads(run_python(PROBE, blocked=False))
    plain = json.loads(run_python(PROBE, blocked=True))
    assert fast == plain
    assert [status for status, _ in fast] == [
        *["200 OK"] * 8,
        "400 BAD REQUEST",
        "400 BAD REQUEST",
        "400 BAD REQUEST",
        "200 OK",
        "413 REQUEST ENTITY TOO LARGE",
        "200 OK",
    ]
    first = json.loads(fast[0][1])
    assert first == [
        "ImmutableMultiDict",
        [["name", "Ada Lovelace"], ["age", "36"]],
        True,
        "ImmutableMultiDict",
        0,
        True,
        "2",
        "",
        "",
        "",
    ]


class ParserRoadRequest(Request):
    """minflask's request with the short road declined (its parser class is
    not Werkzeug's own): Werkzeug's parser over ``ClientBody``, the road
    minflask takes without the shortcuts."""

    form_data_parser_class = type("Parser", (FormDataParser,), {})


def test_random_bodies_lengths_and_inputs_match_the_parser_road() -> None:
    rng = random.Random(1717)
    pieces = ["a", "é", "=", "&", "+", "%", "%2", "%41", "%C3", "%FF", " ", "\\xff"]
    errors: list[type[Exception] | None] = [None, None, OSError, ValueError, KeyError]
    for _ in range(600):
        body = "".join(rng.choice(pieces) for _ in range(rng.randrange(10))).encode()
        if rng.random() < 0.1:
            body += b"\xff"
        length = rng.choice(
            ["auto", "auto", str(len(body) + rng.randrange(-3, 4)), "0", "x", None]
        )
        if length is not None and length.lstrip("-").isdigit() and int(length) < 0:
            length = "0"
        most = rng.choice([1, 2, 5, 1 << 20])
        error = rng.choice(errors)
        seen = []
        for cls in (Request, ParserRoadRequest):
            stream = Input(body, None if error is None else error("gone"), most=most)
            req = cls(environ_for(body, length=length, stream=stream))
            seen.append((observe(req), stream.asked))
        assert seen[0] == seen[1], (body, length, most, error)
