"""minflask's Jinja environment takes shortcuts for ``dict.key`` lookups and
plain function calls; every template must still render exactly as with
Jinja's own Environment and Context."""

from __future__ import annotations

import traceback
import typing as t

import pytest
from jinja2 import (
    DictLoader,
    StrictUndefined,
    Undefined,
    UndefinedError,
    pass_context,
    pass_environment,
    pass_eval_context,
)
from jinja2 import Environment as JinjaEnvironment
from jinja2.runtime import Context as JinjaContext

from minflask import Flask, render_template_string
from minflask.templating import Context, Environment, Template


class Attrs:
    name = "attr name"

    def __getitem__(self, key: str) -> str:
        return f"item {key}"


class DictWithAttr(dict[str, t.Any]):
    name = "class attribute"


class CallableWithContext:
    @pass_context
    def __call__(self, context: t.Any, suffix: str) -> str:
        return f"{context.get('who')}{suffix}"


def stop() -> t.NoReturn:
    raise StopIteration


@pass_context
def from_context(context: t.Any, name: str) -> t.Any:
    return context.get(name)


@pass_environment
def env_type(environment: t.Any) -> str:
    return type(environment).__name__.replace("Environment", "Env")


@pass_eval_context
def autoescaping(eval_ctx: t.Any) -> bool:
    return bool(eval_ctx.autoescape)


def echo(*args: t.Any, **kwargs: t.Any) -> str:
    return repr((args, sorted(kwargs.items())))


class Methods:
    def shout(self, text: str, **kwargs: t.Any) -> str:
        return text.upper() + repr(sorted(kwargs))

    @pass_context
    def who(self, context: t.Any, suffix: str) -> str:
        return f"{context.get('who')}{suffix}"

    @pass_environment
    def env(self, environment: t.Any) -> bool:
        return environment is not None


CONTEXT: dict[str, t.Any] = {
    "user": {"name": "Ann", "id": 1, "items": "a key named items", "get": 2},
    "empty": {},
    "nested": {"a": {"b": {"c": "deep"}}},
    "obj": Attrs(),
    "sub": DictWithAttr(name="key"),
    "numbers": {1: "one"},
    "lst": [1, 2, 3],
    "who": "me",
    "callable_obj": CallableWithContext(),
    "from_context": from_context,
    "env_type": env_type,
    "autoescaping": autoescaping,
    "echo": echo,
    "methods": Methods(),
    "stop": stop,
    "builtin_len": len,
}

TEMPLATES = [
    "{{ user.name }} {{ user.id }} {{ nested.a.b.c }}",
    "[{{ user.missing }}][{{ empty.x }}][{{ numbers.one }}]",
    "{{ user.items }}|{{ user.get }}|{{ user.keys }}",
    "{{ user.__class__ }} {{ user.__doc__ is string }}",
    "{{ obj.name }} {{ obj.other }}",
    "{{ sub.name }} {{ sub.other }}",
    "{{ lst.append }} {{ lst.missing }}",
    "{{ callable_obj('!') }}",
    "{% for x in lst %}{{ from_context('x') }}{{ loop.cycle('a', 'b') }}{% endfor %}",
    "{% set who = 'set' %}{{ from_context('who') }}",
    "{% block b %}{% set who = 'in block' %}{{ from_context('who') }}{% endblock %}",
    "{{ env_type() }} {{ autoescaping() }}",
    "{{ echo(1, 'a', self=1, obj=2, x=none) }}",
    "{{ methods.shout('hi', obj=1, text2=2) }}",
    "{{ methods.who('?') }} {{ methods.env() }}",
    "{% for x in lst %}{% set who = x %}{{ methods.who(x) }}{% endfor %}",
    "[{{ stop() }}]",
    "{{ builtin_len(lst) }} {{ range(3)|list }} {{ dict(a=1) }}",
    "{% macro m(x) %}<{{ x }}{{ caller() }}>{% endmacro %}{% call m(1) %}c{% endcall %}",
]


def jinja_reference(**options: t.Any) -> JinjaEnvironment:
    return JinjaEnvironment(loader=DictLoader({}), **options)


@pytest.fixture
def env(app: Flask) -> Environment:
    return app.jinja_env


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_renders_as_jinja(env: Environment, source: str, autoescape: bool) -> None:
    env.autoescape = autoescape
    expected = (
        jinja_reference(autoescape=autoescape).from_string(source).render(CONTEXT)
    )
    rendered = env.from_string(source).render(CONTEXT)
    # The environment's class name shows up in one template; align it.
    assert rendered.replace("Env Env", "Env") == expected.replace("Env Env", "Env")


def test_context_class_is_used(env: Environment) -> None:
    assert env.context_class is Context
    assert env.template_class is Template
    assert type(env.from_string("x")) is Template
    assert issubclass(Context, JinjaContext)
    template = env.from_string("{{ from_context('x') }}")
    assert isinstance(template.new_context({}), Context)


@pytest.mark.parametrize(
    "source",
    [
        "{{ user.missing }}",
        "{{ empty.x }}",
        "{{ lst.missing }}",
        "{{ user.missing.deeper }}",
    ],
)
def test_strict_undefined_errors_match(app: Flask, source: str) -> None:
    app.jinja_options = {"undefined": StrictUndefined}
    reference = jinja_reference(undefined=StrictUndefined).from_string(source)
    with pytest.raises(UndefinedError) as expected:
        reference.render(CONTEXT)
    with pytest.raises(UndefinedError) as raised:
        app.jinja_env.from_string(source).render(CONTEXT)
    assert str(raised.value) == str(expected.value)


def test_getattr_undefined_carries_object_and_name(env: Environment) -> None:
    value = env.getattr({"a": 1}, "b")
    assert isinstance(value, Undefined)
    assert value._undefined_obj == {"a": 1}
    assert value._undefined_name == "b"
    assert env.getattr({"a": 1}, "a") == 1
    data = {"items": 1}
    assert env.getattr(data, "items") == data.items


def test_render_template_string_in_request(app: Flask) -> None:
    @app.route("/u/<int:id>")
    def user(id: int) -> str:
        return str(id)

    with app.test_request_context("/"):
        out = render_template_string(
            "{% for u in users %}{{ url_for('user', id=u.id) }} {% endfor %}",
            users=[{"id": 1}, {"id": 2}],
        )
    assert out == "/u/1 /u/2 "


def test_error_in_called_function_traceback_hides_the_shortcut(app: Flask) -> None:
    def boom() -> str:
        raise ValueError("boom")

    with app.app_context(), pytest.raises(ValueError, match="boom") as info:
        render_template_string("line one\n{{ boom() }}", boom=boom)
    frames = traceback.extract_tb(info.tb)
    assert not any(
        f.filename.endswith("templating.py") and f.name == "call" for f in frames
    )
    assert any(f.filename == "<template>" and f.lineno == 2 for f in frames)


LIBRARY = {
    "base.html": "<title>{% block title %}{{ site }}{% endblock %}</title>{% block body %}{% endblock %}",
    "macros.html": "{% macro greet(n) %}hi {{ n }} from {{ site }}{% endmacro %}{% set shared = 1 %}",
    "page.html": (
        "{% extends 'base.html' %}{% import 'macros.html' as m %}"
        "{% from 'macros.html' import greet %}"
        "{% block title %}{{ super() }}:{{ title }}{% endblock %}"
        "{% block body %}{{ m.greet(who) }}|{{ greet('x') }}|{{ m.shared }}"
        "{% include 'part.html' %}{% with who='inner' %}{% include 'part.html' %}{% endwith %}"
        "{% for i in range(2) %}{% include 'part.html' %}{% endfor %}{% endblock %}"
    ),
    "part.html": "[{{ who }} {{ site }} {{ i is defined }}]",
}


def library_envs(app: Flask) -> tuple[Environment, JinjaEnvironment]:
    ours = Environment(app, loader=DictLoader(LIBRARY))
    reference = JinjaEnvironment(loader=DictLoader(LIBRARY))
    for env in (ours, reference):
        env.globals["site"] = "S"
    return ours, reference


def test_inheritance_imports_includes_render_as_jinja(app: Flask) -> None:
    ours, reference = library_envs(app)
    context = {"title": "T", "who": "ann"}
    expected = reference.get_template("page.html").render(context)
    assert "hi ann from S" in expected
    assert ours.get_template("page.html").render(context) == expected
    # Template-level globals sit over the environment's, under the render's.
    for env in (ours, reference):
        env.get_template("part.html", globals={"site": "T", "who": "g"})
    for who in ({}, {"who": "v"}):
        assert ours.get_template("part.html").render(who) == reference.get_template(
            "part.html"
        ).render(who)


def test_new_context_matches_jinja(app: Flask) -> None:
    ours, reference = library_envs(app)
    for env in (ours, reference):
        env.globals["zz"] = "last"
    template_globals = {"site": "local", "extra": 1}
    ours_t = ours.get_template("part.html", globals=dict(template_globals))
    reference_t = reference.get_template("part.html", globals=dict(template_globals))
    for render_vars in (None, {}, {"who": "x", "site": "render"}):
        a = ours_t.new_context(None if render_vars is None else dict(render_vars))
        b = reference_t.new_context(None if render_vars is None else dict(render_vars))
        assert list(a.parent.items()) == list(b.parent.items())
        assert a.globals_keys == b.globals_keys
        assert a.get_all() == b.get_all()
    # Non-string keys fail as in Jinja.
    with pytest.raises(TypeError, match="keywords must be strings"):
        ours_t.new_context({1: "x"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="keywords must be strings"):
        reference_t.new_context({1: "x"})  # type: ignore[dict-item]
    # Shared and local contexts take Jinja's own road.
    for options in ({"shared": True}, {"locals": {"x": 1}}):
        a = ours_t.new_context({"who": "s"}, **options)
        b = reference_t.new_context({"who": "s"}, **options)
        assert list(a.parent.items()) == list(b.parent.items())
        assert a.globals_keys == b.globals_keys


def test_environment_global_added_later_is_seen(app: Flask) -> None:
    ours, _ = library_envs(app)
    template = ours.get_template("part.html")
    assert template.render() == "[ S False]"
    ours.globals["site"] = "changed"
    ours.globals["who"] = "global who"
    assert template.render() == "[global who changed False]"
