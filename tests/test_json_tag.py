"""Tests for minflask.json.tag: tagged JSON round trips and custom tags."""

from __future__ import annotations

import typing as t
from datetime import datetime, timezone
from uuid import UUID

import pytest
from markupsafe import Markup

from minflask import Flask
from minflask.json.tag import (
    JSONTag,
    PassDict,
    PassList,
    TagBytes,
    TagDateTime,
    TagDict,
    TaggedJSONSerializer,
    TagMarkup,
    TagTuple,
    TagUUID,
)


class HTML:
    """Not Markup, but renders as HTML: stored through TagMarkup."""

    def __html__(self) -> str:
        return "<p>hi</p>"


@pytest.mark.parametrize(
    "value",
    [
        {" t": (1, 2, 3)},
        {" t__": b"a"},
        {" di": " di"},
        {"x": (1, 2, 3), "y": 4},
        (1, 2, 3),
        [(1, 2, 3)],
        b"\xff\x00bytes",
        [b"\xff"],
        Markup("<b>bold</b>"),
        UUID("12345678-1234-5678-1234-567812345678"),
        datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
        {"nested": [{"deep": (b"x", {" m": "no"})}]},
        {"a": 1, "b": [1, "two", None, True, 2.5]},
        "plain",
        42,
        None,
    ],
)
def test_round_trip(value: t.Any) -> None:
    s = TaggedJSONSerializer()
    assert s.loads(s.dumps(value)) == value


def test_round_trip_keeps_types() -> None:
    s = TaggedJSONSerializer()
    out = s.loads(s.dumps([(1,), b"b", Markup("<i>")]))
    assert type(out[0]) is tuple
    assert type(out[1]) is bytes
    assert type(out[2]) is Markup


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ((1, 2), '{" t":[1,2]}'),
        (b"\xff", '{" b":"/w=="}'),
        (Markup("<b>"), '{" m":"<b>"}'),
        (HTML(), '{" m":"<p>hi</p>"}'),
        (UUID(int=5), '{" u":"00000000000000000000000000000005"}'),
        (
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            '{" d":"Thu, 02 Jan 2020 03:04:05 GMT"}',
        ),
        ({" t": 1}, '{" di":{" t__":1}}'),
        ({" t__": 1}, '{" t__":1}'),
        ({"a": [1, {"b": 2}]}, '{"a":[1,{"b":2}]}'),
    ],
)
def test_dumps_format(value: t.Any, expected: str) -> None:
    assert TaggedJSONSerializer().dumps(value) == expected


def test_dumps_in_app_context_uses_app_provider() -> None:
    app = Flask(__name__)
    s = TaggedJSONSerializer()
    with app.app_context():
        assert s.dumps({"a": (1,)}) == '{"a":{" t":[1]}}'
        assert s.loads('{"a":{" t":[1]}}') == {"a": (1,)}


def test_html_object_comes_back_as_markup() -> None:
    s = TaggedJSONSerializer()
    out = s.loads(s.dumps(HTML()))
    assert out == Markup("<p>hi</p>")
    assert isinstance(out, Markup)


def test_naive_datetime_comes_back_as_utc() -> None:
    s = TaggedJSONSerializer()
    out = s.loads(s.dumps(datetime(2020, 1, 1, 12, 30, 15, 999)))
    # HTTP dates keep whole seconds and are UTC.
    assert out == datetime(2020, 1, 1, 12, 30, 15, tzinfo=timezone.utc)


def test_default_tag_order() -> None:
    s = TaggedJSONSerializer()
    assert [type(tag) for tag in s.order] == [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]
    assert set(s.tags) == {" di", " t", " b", " m", " u", " d"}


def test_untag_leaves_unknown_and_multi_key_objects() -> None:
    s = TaggedJSONSerializer()
    assert s.untag({"a": 1, "b": 2}) == {"a": 1, "b": 2}
    assert s.untag({" x": 1}) == {" x": 1}
    assert s.untag({" t": [1]}) == (1,)


def test_tag_passes_plain_values() -> None:
    s = TaggedJSONSerializer()
    assert s.tag(3) == 3
    assert s.tag("x") == "x"
    assert s.tag([(1,)]) == [{" t": [1]}]


class TagFoo(JSONTag):
    __slots__ = ()
    key = " f"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, Foo)

    def to_json(self, value: t.Any) -> t.Any:
        return self.serializer.tag(value.data)

    def to_python(self, value: t.Any) -> t.Any:
        return Foo(value)


class Foo:
    def __init__(self, data: t.Any) -> None:
        self.data = data


def test_custom_tag() -> None:
    s = TaggedJSONSerializer()
    s.register(TagFoo)
    assert s.order[-1].key == " f"
    text = s.dumps(Foo((1, b"x")))
    assert text == '{" f":{" t":[1,{" b":"eA=="}]}}'
    out = s.loads(text)
    assert isinstance(out, Foo)
    assert out.data == (1, b"x")
    # A dict that only looks like a Foo is escaped now that " f" is a tag.
    assert s.loads(s.dumps({" f": 1})) == {" f": 1}


def test_custom_tag_does_not_leak_to_other_serializers() -> None:
    s = TaggedJSONSerializer()
    s.register(TagFoo)
    assert " f" not in TaggedJSONSerializer().tags


def test_duplicate_tag_key() -> None:
    s = TaggedJSONSerializer()
    with pytest.raises(KeyError, match=r"Tag ' t' is already registered\."):
        s.register(TagTuple)
    count = len(s.order)
    s.register(TagTuple, force=True)
    assert len(s.order) == count + 1
    assert s.tags[" t"] is s.order[-1]


def test_register_index() -> None:
    class TagStr(JSONTag):
        __slots__ = ()
        key = " s"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, str)

        def to_json(self, value: t.Any) -> t.Any:
            return value.upper()

        def to_python(self, value: t.Any) -> t.Any:
            return value.lower()

    s = TaggedJSONSerializer()
    s.register(TagStr, index=0)
    assert isinstance(s.order[0], TagStr)
    assert s.dumps("abc") == '{" s":"ABC"}'
    assert s.loads('{" s":"ABC"}') == "abc"


def test_pass_tags_have_no_key() -> None:
    s = TaggedJSONSerializer()
    s.register(PassList)
    assert "" not in s.tags


def test_base_tag_is_abstract() -> None:
    tag = JSONTag(TaggedJSONSerializer())
    with pytest.raises(NotImplementedError):
        tag.check(1)
    with pytest.raises(NotImplementedError):
        tag.to_json(1)
    with pytest.raises(NotImplementedError):
        tag.to_python(1)
