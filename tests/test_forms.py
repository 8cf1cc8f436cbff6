"""The urlencoded form shortcut (minflask._speedups.forms) against Werkzeug's own
form parser: the same ``form``, ``files``, ``stream`` and ``get_data()``
for crafted and random bodies, the same errors, and Werkzeug's road for
everything else."""

from __future__ import annotations

import io
import random
import typing as t
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest

from minflask import Flask, request
from minflask._speedups.forms import (
    load_urlencoded_form,
    parse_urlencoded,
    urlencoded_storage,
)
from minflask.wrappers import Request

URLENCODED = "application/x-www-form-urlencoded"


def environ_for(
    body: bytes,
    content_type: str | None = URLENCODED,
    content_length: int | None = -1,
    **extra: t.Any,
) -> dict[str, t.Any]:
    environ = EnvironBuilder(method="POST", input_stream=io.BytesIO(body)).get_environ()
    environ.pop("CONTENT_TYPE", None)
    environ.pop("CONTENT_LENGTH", None)
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if content_length is not None:
        length = len(body) if content_length == -1 else content_length
        environ["CONTENT_LENGTH"] = str(length)
    environ.update(extra)
    return environ


def outcome(request: WerkzeugRequest) -> t.Any:
    """Everything a view can observe after reading the form."""
    try:
        form = request.form
    except Exception as e:
        return ("error", type(e))
    rest = request.stream.read()
    return (
        type(form),
        list(form.items(multi=True)),
        type(request.files),
        list(request.files.items(multi=True)),
        rest,
        request.get_data(),
    )


class PlainRequest(WerkzeugRequest):
    """Werkzeug's request with our limits: the reference for each case."""

    max_content_length = None


def compare(body: bytes, **kwargs: t.Any) -> t.Any:
    ours = Request(environ_for(body, **kwargs))
    reference = PlainRequest(environ_for(body, **kwargs))
    reference.max_form_memory_size = ours.max_form_memory_size
    reference.max_form_parts = ours.max_form_parts
    expected = outcome(reference)
    assert outcome(ours) == expected, body
    return expected


CRAFTED = [
    b"",
    b"&",
    b"&&&",
    b"=",
    b"==",
    b"a",
    b"a=",
    b"=b",
    b"a=b",
    b"a=b=c",
    b"a=1&a=2&b=3",
    b"a=1&&b=2&",
    b"name=Ada+Lovelace&age=36",
    b"a+b=c+d",
    b"%41=%42",
    b"%2B=%2b&plus=+%2B+",
    b"sp%20ace=%20",
    b"utf=%C3%A9%E2%98%83",
    b"bad=%FF%FE",
    b"half=%C3",
    b"mixed=%C3%A9%FF%C3",
    b"broken=%G1%1&pct=%&pct2=%%",
    b"semi=a;b&c=d",
    "raw=é☃".encode(),
    b"nul=%00&ctl=\x01",
    b"k=" + b"v" * 10000,
    b"&".join(b"f%d=%d" % (i, i) for i in range(300)),
]


@pytest.mark.parametrize("body", CRAFTED)
def test_crafted_bodies(body: bytes) -> None:
    compare(body)


@pytest.mark.parametrize("body", CRAFTED)
def test_parse_urlencoded_matches_parse_qsl(body: bytes) -> None:
    text = body.decode(errors="replace")
    expected = parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    assert parse_urlencoded(text) == expected


class _OwnStorage(ImmutableMultiDict[str, str]):
    pass


@pytest.mark.parametrize("storage", [ImmutableMultiDict, MultiDict, _OwnStorage])
@pytest.mark.parametrize("body", [*CRAFTED, b"a=1&b=2&a=3&b&a", b"x=%41&%41=y&x=+&=&&"])
def test_storage_made_from_lists_equals_the_constructors(
    storage: type[MultiDict[str, str]], body: bytes
) -> None:
    text = body.decode(errors="replace")
    made = urlencoded_storage(storage, text)
    reference = storage(
        parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    )
    assert type(made) is storage
    assert list(made.items(multi=True)) == list(reference.items(multi=True))
    assert list(made.lists()) == list(reference.lists())
    assert made == reference
    if storage is ImmutableMultiDict:
        with pytest.raises(TypeError):
            made.add("new", "value")  # type: ignore[misc]
        assert hash(made) == hash(reference)
    elif storage is MultiDict:
        made.add("new", "value")
        assert made.getlist("new") == ["value"]


def test_random_bodies_make_the_same_storage() -> None:
    rng = random.Random(20261204)
    alphabet = "ab=&%+2F41é "
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        for storage in (ImmutableMultiDict, MultiDict):
            made = urlencoded_storage(storage, text)  # type: ignore[type-var]
            reference = storage(
                parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
            )
            assert list(made.items(multi=True)) == list(reference.items(multi=True)), (
                text
            )


@pytest.mark.parametrize("query", [*CRAFTED, b"", b"a=1&a=2&b", b"\xff=1"])
def test_args_match_werkzeug(query: bytes) -> None:
    """``request.args`` from the shortcut equals Werkzeug's own parsing,
    including a query that is not UTF-8 (the same error either way)."""
    environ = EnvironBuilder().get_environ()
    environ["QUERY_STRING"] = query.decode("latin1")
    ours, theirs = Request(environ), WerkzeugRequest(environ)
    try:
        expected = list(theirs.args.items(multi=True))
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            ours.args  # noqa: B018
        return
    assert list(ours.args.items(multi=True)) == expected
    assert type(ours.args) is type(theirs.args)


def test_args_follow_an_assigned_or_overridden_query_string() -> None:
    environ = EnvironBuilder(query_string="a=1").get_environ()
    assigned = Request(environ)
    assigned.query_string = b"a=2&b=%C3%A9"
    assert list(assigned.args.items(multi=True)) == [("a", "2"), ("b", "\u00e9")]

    class Fixed(Request):
        @property  # type: ignore[override]
        def query_string(self) -> bytes:
            return b"fixed=yes"

    assert Fixed(environ).args.to_dict() == {"fixed": "yes"}

    class Sub(Request):
        pass

    assert Sub(environ).args.to_dict() == {"a": "1"}
    non_ascii = dict(environ, QUERY_STRING="x=\u00c3\u00a9")  # UTF-8 as latin-1
    assert Request(non_ascii).args.to_dict() == {"x": "\u00e9"}


def test_random_bodies() -> None:
    rng = random.Random(31337)
    pieces = [
        "a",
        "b",
        "é",
        "=",
        "&",
        "+",
        "%",
        "%2",
        "%41",
        "%C3",
        "%A9",
        "%FF",
        ";",
        " ",
    ]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        body = text.encode()
        if rng.random() < 0.1:
            body += bytes([rng.randrange(128, 256)])  # not UTF-8
        compare(body)


def test_invalid_utf8_body_gives_empty_form() -> None:
    assert compare(b"a=1&b=\xff")[1] == []


def test_content_type_with_parameters() -> None:
    expected = compare(b"a=1", content_type=f"{URLENCODED}; charset=UTF-8")
    assert expected[1] == [("a", "1")]
    compare(b"a=1", content_type="Application/X-WWW-Form-Urlencoded")


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "application/json", "application/x-url-encoded"],
)
def test_other_bodies_take_werkzeugs_road(content_type: str | None) -> None:
    request = Request(environ_for(b"a=1", content_type=content_type))
    assert load_urlencoded_form(request) is False
    assert "form" not in request.__dict__
    compare(b"a=1", content_type=content_type)


def test_multipart_still_parsed() -> None:
    builder = EnvironBuilder(
        method="POST", data={"a": "1", "f": (io.BytesIO(b"x"), "f.txt")}
    )
    environ = builder.get_environ()
    request = Request(environ)
    assert load_urlencoded_form(request) is False
    assert request.form["a"] == "1"
    assert request.files["f"].read() == b"x"


def test_no_content_length_reads_nothing() -> None:
    assert compare(b"a=1", content_length=None)[1] == []


def test_short_content_length_truncates() -> None:
    assert compare(b"a=1&b=2", content_length=3)[1] == [("a", "1")]


def test_long_content_length_is_a_client_disconnect() -> None:
    assert compare(b"a=1", content_length=10) == ("error", ClientDisconnected)


@pytest.mark.parametrize("value", ["abc", "-5", "1e3"])
def test_odd_content_length_values(value: str) -> None:
    ours = Request(environ_for(b"a=1", content_length=None, CONTENT_LENGTH=value))
    reference = PlainRequest(
        environ_for(b"a=1", content_length=None, CONTENT_LENGTH=value)
    )
    assert outcome(ours) == outcome(reference)


def test_input_terminated_stream() -> None:
    expected = compare(
        b"a=1&b=2", content_length=None, **{"wsgi.input_terminated": True}
    )
    assert expected[1] == [("a", "1"), ("b", "2")]


def test_closed_input_is_a_client_disconnect() -> None:
    def closed() -> io.BytesIO:
        stream = io.BytesIO(b"a=1")
        stream.close()
        return stream

    ours = Request(environ_for(b"a=1", **{"wsgi.input": closed()}))
    reference = PlainRequest(environ_for(b"a=1", **{"wsgi.input": closed()}))
    assert outcome(ours) == outcome(reference) == ("error", ClientDisconnected)


def test_get_data_before_form() -> None:
    for cls in (Request, PlainRequest):
        req = cls(environ_for(b"a=1&b=2"))
        assert req.get_data() == b"a=1&b=2"
        assert list(req.form.items(multi=True)) == [("a", "1"), ("b", "2")]
        assert req.get_data() == b"a=1&b=2"


def test_form_parsed_once() -> None:
    req = Request(environ_for(b"a=1"))
    form = req.form
    req._load_form_data()
    assert req.form is form


def test_too_large_body_is_413(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def index() -> str:
        return repr(list(request.form.items()))

    client = app.test_client()
    assert client.post("/", data={"a": "1"}).status_code == 200
    rv = client.post("/", data={"a": "x" * 20})
    assert rv.status_code == 413
    assert rv.status_code == RequestEntityTooLarge.code


def test_form_parts_limit_does_not_apply_to_urlencoded(app: Flask) -> None:
    # Werkzeug applies it to multipart bodies only. (MAX_FORM_MEMORY_SIZE
    # depends on the Werkzeug release: see tests/test_form_fast_road.py.)
    app.config["MAX_FORM_PARTS"] = 1

    @app.post("/")
    def index() -> str:
        return ",".join(request.form)

    rv = app.test_client().post("/", data={"a": "x" * 50, "b": "2", "c": "3"})
    assert rv.status_code == 200
    assert rv.data == b"a,b,c"


def test_view_sees_same_form_as_werkzeug(app: Flask) -> None:
    @app.post("/form")
    def form() -> str:
        return repr(
            (
                list(request.form.items(multi=True)),
                type(request.form).__name__,
                len(request.files),
                request.get_data(),
                request.args["page"],
            )
        )

    rv = app.test_client().post(
        "/form?page=2",
        data=b"name=Ada+Lovelace&age=36&x=%FF&x=2",
        content_type=URLENCODED,
    )
    assert (
        rv.data
        == repr(
            (
                [("name", "Ada Lovelace"), ("age", "36"), ("x", "%FF"), ("x", "2")],
                "ImmutableMultiDict",
                0,
                b"",
                "2",
            )
        ).encode()
    )


class MutableFormRequest(Request):
    parameter_storage_class = MultiDict


def test_parameter_storage_class_is_used() -> None:
    req = MutableFormRequest(environ_for(b"a=1&a=2"))
    assert type(req.form) is MultiDict
    assert req.form.getlist("a") == ["1", "2"]
    assert type(req.files) is MultiDict


class CustomParser(FormDataParser):
    def parse(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        stream, _form, files = super().parse(*args, **kwargs)
        return stream, ImmutableMultiDict([("custom", "yes")]), files


class CustomParserRequest(Request):
    form_data_parser_class = CustomParser


class CustomMakeParserRequest(Request):
    def make_form_data_parser(self) -> FormDataParser:
        return CustomParser()


@pytest.mark.parametrize("cls", [CustomParserRequest, CustomMakeParserRequest])
def test_custom_parsing_takes_werkzeugs_road(cls: type[Request]) -> None:
    req = cls(environ_for(b"a=1"))
    assert load_urlencoded_form(req) is False
    assert list(req.form.items()) == [("custom", "yes")]


def test_debug_mode_still_explains_missing_files(app: Flask) -> None:
    app.debug = True

    @app.post("/")
    def index() -> str:
        return request.files["f"].filename or ""

    client = app.test_client()
    with pytest.raises(KeyError, match='add enctype="multipart/form-data"'):
        client.post("/", data=b"f=report.pdf", content_type=URLENCODED)


class TricklingInput:
    """A server's input that hands out at most ``most`` bytes per read and
    records the size of every read asked of it."""

    def __init__(self, data: bytes, most: int) -> None:
        self.data = data
        self.most = most
        self.asked: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        piece = self.data[: min(size, self.most)]
        self.data = self.data[len(piece) :]
        return piece


class TricklingInputInto(TricklingInput):
    """The same, with ``readinto`` (which LimitedStream prefers)."""

    def readinto(self, buffer: t.Any) -> int:
        piece = self.read(len(buffer))
        buffer[: len(piece)] = piece
        return len(piece)


@pytest.mark.parametrize("readinto", [True, False])
@pytest.mark.parametrize("size", [0, 10, 65_536, 70_000, 200_000])
@pytest.mark.parametrize("most", [7, 50_000, 1_000_000])
def test_the_server_input_sees_the_same_reads(
    size: int, most: int, readinto: bool
) -> None:
    body = b"k=" + b"v" * (size - 2) if size else b""
    kind = TricklingInputInto if readinto else TricklingInput
    inputs = [kind(body, most) for _ in range(2)]
    ours = Request(environ_for(body, **{"wsgi.input": inputs[0]}))
    reference = PlainRequest(environ_for(body, **{"wsgi.input": inputs[1]}))
    assert outcome(ours) == outcome(reference)
    assert inputs[0].asked == inputs[1].asked
    assert ours.stream.tell() == reference.stream.tell() == size


@pytest.mark.parametrize("name", ["form", "args", "stream", "cookies"])
def test_stored_attributes_behave_like_werkzeugs(name: str) -> None:
    """Computed once, then the same object; setting replaces it, deleting
    computes it afresh, as Werkzeug's cached_property does."""
    for cls in (Request, PlainRequest):
        req = cls(environ_for(b"a=1", QUERY_STRING="q=2", HTTP_COOKIE="c=3"))
        first = getattr(req, name)
        assert getattr(req, name) is first
        assert req.__dict__[name] is first
        replacement = object()
        setattr(req, name, replacement)
        assert getattr(req, name) is replacement
        delattr(req, name)
        assert name not in req.__dict__
    assert Request(environ_for(b"a=1")).form.to_dict() == {"a": "1"}
    assert Request(environ_for(b"", QUERY_STRING="q=2")).args.to_dict() == {"q": "2"}
