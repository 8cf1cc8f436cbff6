"""The reused compact encoder behind ``DefaultJSONProvider.response``: the
same text as ``json.dumps`` with the provider's settings, settings changed
between calls taking effect, and an overridden ``dumps`` still called."""

from __future__ import annotations

import datetime
import decimal
import json as stdlib_json
import random
import typing as t
import uuid

import pytest
from markupsafe import Markup

import minflask
from minflask.json.provider import DefaultJSONProvider, _default
from minflask.json.tag import JSONTag, TaggedJSONSerializer
from minflask.sessions import session_json_serializer

VALUES: list[t.Any] = [
    None,
    True,
    0,
    -17,
    2**70,
    1.5,
    float("inf"),
    "plain",
    'é ☃ \x00 "quoted" \\ </script>',
    [],
    {},
    [1, [2, [3, {"z": None}]]],
    {"b": 1, "a": {"d": [1, 2], "c": "x"}, "é": "ü"},
    {"when": datetime.date(2001, 2, 3), "n": decimal.Decimal("1.10")},
    {"id": uuid.UUID(int=7)},
    ("tuple", 1),
]


@pytest.fixture
def json_app() -> minflask.Flask:
    return minflask.Flask(__name__)


def body(app: minflask.Flask, value: t.Any) -> str:
    with app.app_context():
        return app.json.response(value).get_data(as_text=True)


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("sort_keys", [True, False])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_compact_body_matches_json_dumps(
    json_app: minflask.Flask, value: t.Any, sort_keys: bool, ensure_ascii: bool
) -> None:
    json_app.json.sort_keys = sort_keys  # type: ignore[attr-defined]
    json_app.json.ensure_ascii = ensure_ascii  # type: ignore[attr-defined]
    expected = stdlib_json.dumps(
        value,
        default=_default,
        sort_keys=sort_keys,
        ensure_ascii=ensure_ascii,
        separators=(",", ":"),
    )
    assert body(json_app, value) == expected + "\n"


def test_settings_changed_after_a_response_apply(json_app: minflask.Flask) -> None:
    data = {"b": "é", "a": datetime.date(2001, 2, 3)}
    assert body(json_app, data) == (
        '{"a":"Sat, 03 Feb 2001 00:00:00 GMT","b":"\\u00e9"}\n'
    )
    provider = t.cast(DefaultJSONProvider, json_app.json)
    provider.sort_keys = False
    provider.ensure_ascii = False
    provider.default = lambda o: "custom"  # type: ignore[method-assign]
    assert body(json_app, data) == '{"b":"é","a":"custom"}\n'
    del provider.sort_keys, provider.ensure_ascii, provider.default
    assert body(json_app, data) == (
        '{"a":"Sat, 03 Feb 2001 00:00:00 GMT","b":"\\u00e9"}\n'
    )


def test_subclass_settings_are_used() -> None:
    class Provider(DefaultJSONProvider):
        sort_keys = False

    app = minflask.Flask(__name__)
    app.json = Provider(app)
    assert body(app, {"b": 1, "a": 2}) == '{"b":1,"a":2}\n'


def test_overridden_dumps_is_called_for_compact_responses() -> None:
    calls: list[dict[str, t.Any]] = []

    class Provider(DefaultJSONProvider):
        def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
            calls.append(kwargs)
            return "OVERRIDDEN"

    app = minflask.Flask(__name__)
    app.json = Provider(app)
    assert body(app, {"a": 1}) == "OVERRIDDEN\n"
    assert calls == [{"separators": (",", ":")}]


def test_dumps_replaced_on_the_instance_is_called(
    json_app: minflask.Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert body(json_app, {"a": 1}) == '{"a":1}\n'
    monkeypatch.setattr(json_app.json, "dumps", lambda obj, **kwargs: repr(kwargs))
    assert body(json_app, {"a": 1}) == "{'separators': (',', ':')}\n"
    with json_app.app_context():
        session_text = session_json_serializer.dumps({"a": 1})
    assert session_text == "{'separators': (',', ':')}"


def test_unserializable_value_still_raises_and_encoder_recovers(
    json_app: minflask.Flask,
) -> None:
    with pytest.raises(TypeError, match=r"^Object of type object is not JSON"):
        body(json_app, {"a": [object()]})
    # A failed encode leaves nothing behind for the next one.
    shared = [1, 2]
    assert body(json_app, {"x": shared, "y": shared}) == '{"x":[1,2],"y":[1,2]}\n'


def test_circular_reference_still_detected(json_app: minflask.Flask) -> None:
    loop: list[t.Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        body(json_app, loop)


def test_view_returning_dict_debug_and_not(json_app: minflask.Flask) -> None:
    @json_app.route("/")
    def index() -> dict[str, t.Any]:
        return {"b": [1], "a": None}

    client = json_app.test_client()
    assert client.get("/").data == b'{"a":null,"b":[1]}\n'
    json_app.debug = True
    assert client.get("/").data == b'{\n  "a": null,\n  "b": [\n    1\n  ]\n}\n'


# -- TaggedJSONSerializer shortcuts ----------------------------------------------


def random_value(rng: random.Random, depth: int = 0) -> t.Any:
    """Nested data of every kind the session serializer handles."""
    leaves: list[t.Callable[[], t.Any]] = [
        lambda: rng.choice(["", "a", "é", " t", " di", "x" * 5]),
        lambda: rng.randint(-(2**70), 2**70),
        lambda: rng.random(),
        lambda: rng.choice([True, False, None]),
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(4))),
        lambda: Markup("<b>%s</b>") % rng.choice(["x", "<y>"]),
        lambda: uuid.UUID(int=rng.randrange(2**128)),
        lambda: datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
    ]
    if depth >= 3 or rng.random() < 0.4:
        return rng.choice(leaves)()
    kind = rng.choice(["dict", "list", "tuple", "tagkey"])
    items = [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == "list":
        return items
    if kind == "tuple":
        return tuple(items)
    if kind == "tagkey":  # a one-key dict whose key is a tag: escaped
        return {
            rng.choice([" t", " b", " di", " m", " u", " d"]): random_value(
                rng, depth + 1
            )
        }
    return {f"k{i}": item for i, item in enumerate(items)}


def test_shortcuts_tag_like_the_tags_themselves() -> None:
    rng = random.Random(7)
    fast = TaggedJSONSerializer()
    slow = TaggedJSONSerializer()
    slow._builtin_only = False  # every value asks each tag in turn
    for _ in range(500):
        value = random_value(rng)
        text = fast.dumps(value)
        assert text == slow.dumps(value)
        assert fast.loads(text) == slow.loads(text) == value


class TagShout(JSONTag):
    """Claims plain strings, which the built-in tags never do."""

    __slots__ = ()
    key = " s"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, str)

    def to_json(self, value: t.Any) -> t.Any:
        return value.upper()

    def to_python(self, value: t.Any) -> t.Any:
        return value.lower()


def test_registered_tag_for_plain_values_is_used() -> None:
    serializer = TaggedJSONSerializer()
    serializer.register(TagShout, index=0)
    assert serializer.dumps({"a": ["x", 1]}) == '{"a":[{" s":"X"},1]}'
    assert serializer.loads('{"a":[{" s":"X"},1]}') == {"a": ["x", 1]}


def test_tag_added_to_order_directly_is_used() -> None:
    serializer = TaggedJSONSerializer()
    shout = TagShout(serializer)
    serializer.tags[shout.key] = shout
    serializer.order.insert(0, shout)
    assert serializer.dumps({"a": "x"}) == '{"a":{" s":"X"}}'


def test_subclass_with_own_default_tags() -> None:
    class Serializer(TaggedJSONSerializer):
        __slots__ = ()
        default_tags = [TagShout, *TaggedJSONSerializer.default_tags]

    assert Serializer().dumps(["x"]) == '[{" s":"X"}]'
