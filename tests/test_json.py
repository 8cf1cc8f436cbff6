"""Tests for minflask.json: the providers, the module helpers and app wiring."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import typing as t
import uuid

import pytest
from markupsafe import Markup
from werkzeug.wrappers import Response

import minflask
from minflask import json
from minflask.json.provider import DefaultJSONProvider, JSONProvider


class FakeApp:
    """Just the attributes a provider reads, so providers test in isolation."""

    class response_class(Response):
        default_mimetype = "text/html"

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug


def make_provider(
    cls: type[JSONProvider] = DefaultJSONProvider, debug: bool = False
) -> t.Any:
    app = FakeApp(debug)
    provider = cls(t.cast("minflask.Flask", app))
    # Providers hold their app weakly (as Flask's do): keep it alive here.
    provider.fake_app = app
    return provider


@dataclasses.dataclass
class Point:
    x: int
    y: list[str]


class HTMLThing:
    def __html__(self) -> str:
        return "<em>hi</em>"


class Upper(JSONProvider):
    """Minimal provider: only dumps/loads, everything else inherited."""

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return repr(obj).upper()

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return ("loaded", s, kwargs)


# -- DefaultJSONProvider.dumps / default ------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2020, 1, 2), '"Thu, 02 Jan 2020 00:00:00 GMT"'),
        (datetime.datetime(2020, 1, 2, 3, 4, 5), '"Thu, 02 Jan 2020 03:04:05 GMT"'),
        (
            datetime.datetime(
                2020,
                1,
                2,
                3,
                4,
                5,
                tzinfo=datetime.timezone(datetime.timedelta(hours=2)),
            ),
            '"Thu, 02 Jan 2020 01:04:05 GMT"',
        ),
        (decimal.Decimal("1.50"), '"1.50"'),
        (uuid.UUID(int=5), '"00000000-0000-0000-0000-000000000005"'),
        (Point(1, ["a"]), '{"x": 1, "y": ["a"]}'),
        (Markup("<b>x</b>"), '"<b>x</b>"'),
        (HTMLThing(), '"<em>hi</em>"'),
        (
            [decimal.Decimal("2"), {"k": uuid.UUID(int=0)}],
            '["2", {"k": "00000000-0000-0000-0000-000000000000"}]',
        ),
    ],
)
def test_default_types(value: t.Any, expected: str) -> None:
    assert make_provider().dumps(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), "Object of type object is not JSON serializable"),
        ({1, 2}, "Object of type set is not JSON serializable"),
        (datetime.time(1, 2), "Object of type time is not JSON serializable"),
        (b"raw", "Object of type bytes is not JSON serializable"),
    ],
)
def test_default_rejects_unknown_types(value: t.Any, message: str) -> None:
    with pytest.raises(TypeError) as exc_info:
        make_provider().dumps({"v": value})
    assert str(exc_info.value) == message


def test_default_rejects_dataclass_type() -> None:
    # The class itself is "a dataclass" but not an instance; asdict refuses it.
    with pytest.raises(TypeError, match="dataclass instances"):
        make_provider().dumps(Point)


def test_default_is_plain_function_on_class_and_instance() -> None:
    assert isinstance(DefaultJSONProvider.__dict__["default"], staticmethod)
    assert DefaultJSONProvider.default(decimal.Decimal("3")) == "3"
    assert make_provider().default(uuid.UUID(int=1)).endswith("0001")


def test_class_settings() -> None:
    assert DefaultJSONProvider.ensure_ascii is True
    assert DefaultJSONProvider.sort_keys is True
    assert DefaultJSONProvider.compact is None
    assert DefaultJSONProvider.mimetype == "application/json"


def test_sort_keys() -> None:
    provider = make_provider()
    assert provider.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    assert provider.dumps({"b": 1, "a": 2}, sort_keys=False) == '{"b": 1, "a": 2}'
    provider.sort_keys = False
    assert provider.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    # Instance settings don't leak to other providers.
    assert make_provider().dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_ensure_ascii() -> None:
    provider = make_provider()
    assert provider.dumps("é☃") == '"\\u00e9\\u2603"'
    provider.ensure_ascii = False
    assert provider.dumps("é☃") == '"é☃"'
    assert provider.dumps("é", ensure_ascii=True) == '"\\u00e9"'


def test_default_override() -> None:
    provider = make_provider()
    provider.default = lambda o: sorted(o)
    assert provider.dumps({3, 1, 2}) == "[1, 2, 3]"
    assert make_provider().dumps({1}, default=list) == "[1]"


def test_loads_and_load() -> None:
    provider = make_provider()
    assert provider.loads('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    assert provider.loads(b'{"a": true}') == {"a": True}
    assert provider.load(io.StringIO('[1, "x"]')) == [1, "x"]
    assert provider.load(io.BytesIO(b'{"\\u00e9": 1}')) == {"é": 1}
    assert provider.loads("1.5", parse_float=decimal.Decimal) == decimal.Decimal("1.5")
    with pytest.raises(ValueError):
        provider.loads("{not json")


def test_dump_writes_dumps_output() -> None:
    fp = io.StringIO()
    make_provider().dump({"b": datetime.date(2000, 1, 1), "a": 1}, fp, indent=1)
    assert fp.getvalue() == '{\n "a": 1,\n "b": "Sat, 01 Jan 2000 00:00:00 GMT"\n}'


# -- DefaultJSONProvider.response --------------------------------------------

DATA = {"b": [1, 2], "a": {"x": 1}}
COMPACT = '{"a":{"x":1},"b":[1,2]}\n'
PRETTY = '{\n  "a": {\n    "x": 1\n  },\n  "b": [\n    1,\n    2\n  ]\n}\n'


@pytest.mark.parametrize(
    ("compact", "debug", "expected"),
    [
        (None, False, COMPACT),
        (None, True, PRETTY),
        (True, True, COMPACT),
        (True, False, COMPACT),
        (False, False, PRETTY),
        (False, True, PRETTY),
    ],
)
def test_response_formatting(compact: bool | None, debug: bool, expected: str) -> None:
    provider = make_provider(debug=debug)
    provider.compact = compact
    rv = provider.response(DATA)
    assert isinstance(rv, FakeApp.response_class)
    assert rv.get_data(as_text=True) == expected
    assert rv.mimetype == "application/json"
    assert rv.status_code == 200


@pytest.mark.parametrize(
    ("args", "kwargs", "body"),
    [
        ((), {}, "null\n"),
        ((None,), {}, "null\n"),
        ((1,), {}, "1\n"),
        (([1, 2],), {}, "[1,2]\n"),
        ((1, "a", None), {}, '[1,"a",null]\n'),
        ((), {"b": 1, "a": [1, 2]}, '{"a":[1,2],"b":1}\n'),
    ],
)
def test_response_arguments(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any], body: str
) -> None:
    rv = make_provider().response(*args, **kwargs)
    assert rv.get_data(as_text=True) == body


def test_response_args_and_kwargs_is_error() -> None:
    with pytest.raises(TypeError) as exc_info:
        make_provider().response(1, a=2)
    assert (
        str(exc_info.value)
        == "app.json.response() takes either args or kwargs, not both"
    )


def test_response_uses_settings_and_mimetype() -> None:
    provider = make_provider()
    provider.sort_keys = False
    provider.ensure_ascii = False
    provider.mimetype = "application/vnd.api+json"
    rv = provider.response({"é": 1, "a": datetime.date(2001, 2, 3)})
    assert rv.get_data(as_text=True) == '{"é":1,"a":"Sat, 03 Feb 2001 00:00:00 GMT"}\n'
    assert rv.mimetype == "application/vnd.api+json"


def test_response_non_serializable_raises() -> None:
    with pytest.raises(
        TypeError, match=r"^Object of type object is not JSON serializable$"
    ):
        make_provider().response(value=object())


# -- JSONProvider base class -------------------------------------------------


def test_base_provider_is_abstract() -> None:
    provider = make_provider(JSONProvider)
    with pytest.raises(NotImplementedError):
        provider.dumps(1)
    with pytest.raises(NotImplementedError):
        provider.loads("1")


def test_base_provider_builds_on_dumps_and_loads() -> None:
    provider = make_provider(Upper)
    fp = io.StringIO()
    provider.dump({"a": "b"}, fp)
    assert fp.getvalue() == "{'A': 'B'}"
    assert provider.load(io.StringIO("text"), x=1) == ("loaded", "text", {"x": 1})
    assert provider.load(io.BytesIO(b"raw")) == ("loaded", b"raw", {})


def test_base_provider_response() -> None:
    provider = make_provider(Upper)
    rv = provider.response("x", "y")
    # No trailing newline and a fixed mimetype: those are DefaultJSONProvider's.
    assert rv.get_data(as_text=True) == "('X', 'Y')"
    assert rv.mimetype == "application/json"
    assert provider.response(a=1).get_data(as_text=True) == "{'A': 1}"
    assert provider.response().get_data(as_text=True) == "NONE"
    with pytest.raises(TypeError, match="either args or kwargs, not both"):
        provider.response(1, a=1)


def test_prepare_response_obj() -> None:
    provider = make_provider(JSONProvider)
    assert provider._prepare_response_obj((), {}) is None
    assert provider._prepare_response_obj((5,), {}) == 5
    assert provider._prepare_response_obj((1, 2), {}) == (1, 2)
    assert provider._prepare_response_obj((), {"a": 1}) == {"a": 1}


# -- module helpers outside an app context -----------------------------------


def test_module_helpers_without_app() -> None:
    # Plain stdlib json plus the extra types; no key sorting.
    assert json.dumps({"b": 1, "a": datetime.date(2020, 1, 2)}) == (
        '{"b": 1, "a": "Thu, 02 Jan 2020 00:00:00 GMT"}'
    )
    assert json.dumps("é") == '"\\u00e9"'
    assert json.dumps({1}, default=list) == "[1]"
    with pytest.raises(
        TypeError, match=r"^Object of type object is not JSON serializable$"
    ):
        json.dumps(object())
    fp = io.StringIO()
    json.dump({"b": decimal.Decimal("1"), "a": 2}, fp)
    assert fp.getvalue() == '{"b": "1", "a": 2}'
    assert json.loads('{"a": 1}') == {"a": 1}
    assert json.loads(b"[1]") == [1]
    assert json.load(io.StringIO("[true]")) == [True]


def test_jsonify_without_app_context() -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        json.jsonify(1)


# -- integration with Flask --------------------------------------------------


@pytest.fixture
def app() -> minflask.Flask:
    return minflask.Flask(__name__)


def test_app_has_default_provider(app: minflask.Flask) -> None:
    assert minflask.Flask.json_provider_class is DefaultJSONProvider
    assert type(app.json) is DefaultJSONProvider
    # Each app gets its own provider so settings don't leak between apps.
    assert minflask.Flask(__name__).json is not app.json


def test_custom_provider_class() -> None:
    class MyProvider(DefaultJSONProvider):
        sort_keys = False

        @staticmethod
        def default(o: t.Any) -> t.Any:
            if isinstance(o, set):
                return sorted(o)
            return DefaultJSONProvider.default(o)

    class MyFlask(minflask.Flask):
        json_provider_class = MyProvider

    app = MyFlask(__name__)
    assert isinstance(app.json, MyProvider)

    @app.route("/")
    def index() -> t.Any:
        return json.jsonify(b={3, 1}, a=decimal.Decimal("1.0"))

    rv = app.test_client().get("/")
    assert rv.data == b'{"b":[1,3],"a":"1.0"}\n'

    with app.app_context():
        assert json.dumps({"s": {2, 1}}) == '{"s": [1, 2]}'


def test_replacing_app_json_instance(app: minflask.Flask) -> None:
    app.json = Upper(app)
    with app.app_context():
        assert json.dumps([1]) == "[1]"
        assert json.loads("x") == ("loaded", "x", {})
        assert json.jsonify("a").get_data(as_text=True) == "'A'"


def test_jsonify_in_view(app: minflask.Flask) -> None:
    @app.route("/kw")
    def kw() -> t.Any:
        return minflask.jsonify(name="é", when=datetime.date(2020, 1, 2))

    @app.route("/args")
    def args() -> t.Any:
        return minflask.jsonify(1, "two")

    client = app.test_client()
    rv = client.get("/kw")
    assert rv.status_code == 200
    assert rv.content_type == "application/json"
    assert rv.data == b'{"name":"\\u00e9","when":"Thu, 02 Jan 2020 00:00:00 GMT"}\n'
    assert rv.get_json() == {"name": "é", "when": "Thu, 02 Jan 2020 00:00:00 GMT"}
    assert client.get("/args").data == b'[1,"two"]\n'
    assert minflask.jsonify is json.jsonify


def test_view_returning_dict_and_list(app: minflask.Flask) -> None:
    @app.route("/dict")
    def as_dict() -> t.Any:
        return {"b": 1, "a": uuid.UUID(int=1)}

    @app.route("/list")
    def as_list() -> t.Any:
        return [1, "x", None]

    client = app.test_client()
    rv = client.get("/dict")
    assert rv.content_type == "application/json"
    assert rv.data == b'{"a":"00000000-0000-0000-0000-000000000001","b":1}\n'
    rv = client.get("/list")
    assert rv.content_type == "application/json"
    assert rv.data == b'[1,"x",null]\n'


def test_app_json_settings_apply_to_views(app: minflask.Flask) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.route("/")
    def index() -> t.Any:
        return {"b": 1, "a": 2}

    client = app.test_client()
    assert client.get("/").data == b'{"b":1,"a":2}\n'
    app.debug = True
    assert client.get("/").data == b'{\n  "b": 1,\n  "a": 2\n}\n'
    app.json.compact = True  # type: ignore[attr-defined]
    assert client.get("/").data == b'{"b":1,"a":2}\n'


def test_module_helpers_inside_app_context(app: minflask.Flask) -> None:
    with app.app_context():
        # The app's provider sorts keys; the stdlib fallback doesn't.
        assert json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
        fp = io.StringIO()
        json.dump({"b": 1, "a": 2}, fp)
        assert fp.getvalue() == '{"a": 2, "b": 1}'
        assert json.loads(b'{"a": 1}') == {"a": 1}
        assert json.load(io.BytesIO(b"[1]")) == [1]
        rv = json.jsonify()
        assert rv.get_data(as_text=True) == "null\n"
        assert isinstance(rv, app.response_class)
    # Popping the context restores the fallback.
    assert json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
