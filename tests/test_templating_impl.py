"""Edge cases of minflask.templating's own design: laziness (of the Jinja
environment and of the session), and the not-found / explain messages."""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound, TemplatesNotFound

from minflask import Blueprint, Flask, session
from minflask.globals import _request_ctx_stack
from minflask.templating import render_template, render_template_string


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """An app folder and a blueprint folder, each with a template."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text(
        "<h1>{% block title %}{% endblock %}</h1>"
    )
    (tmp_path / "bp" / "templates").mkdir(parents=True)
    (tmp_path / "bp" / "templates" / "page.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}'
    )
    return tmp_path


def make_app(folders: Path) -> tuple[Flask, Blueprint]:
    app = Flask("tplapp", root_path=str(folders))
    app.config.update(TESTING=True, SECRET_KEY="k")
    bp = Blueprint("shop", "tplapp.shop", root_path=str(folders / "bp"))
    bp.template_folder = "templates"
    return app, bp


def test_registering_filters_does_not_create_the_environment(folders: Path) -> None:
    app, bp = make_app(folders)

    @app.template_filter("rev")
    def rev(s: str) -> str:
        return s[::-1]

    @bp.app_template_test()
    def short(s: str) -> bool:
        return len(s) < 3

    app.register_blueprint(bp)
    assert "jinja_env" not in vars(app)
    # Registered after the environment exists: applied to it directly.
    assert app.jinja_env.filters["rev"] is rev
    app.add_template_global(len, name="size")
    with app.app_context():
        out = render_template_string(
            "{{ 'abc'|rev }}{{ 'ab' is short }}{{ size('xy') }}"
        )
    assert out == "cbaTrue2"


def test_debug_setter_follows_only_an_unset_auto_reload(folders: Path) -> None:
    app, _ = make_app(folders)
    assert app.jinja_env.auto_reload is False
    app.debug = True
    assert app.jinja_env.auto_reload is True
    pinned, _ = make_app(folders)
    pinned.config["TEMPLATES_AUTO_RELOAD"] = False
    pinned.debug = True
    assert pinned.jinja_env.auto_reload is False


def test_rendering_opens_the_session_only_when_the_template_reads_it(
    folders: Path,
) -> None:
    app, _ = make_app(folders)
    opened: list[bool] = []

    @app.route("/<source>")
    def view(source: str) -> str:
        rv = render_template_string("{{ session.get('x') }}" if source == "s" else "-")
        ctx = _request_ctx_stack.top
        assert ctx is not None
        opened.append(ctx._opened_session is not None)
        return rv

    client = app.test_client()
    plain = client.get("/plain")
    assert plain.data == b"-" and "Vary" not in plain.headers
    reads = client.get("/s")
    assert reads.data == b"None" and reads.headers["Vary"] == "Cookie"
    assert opened == [False, True]


def test_explicit_values_beat_context_processors(folders: Path) -> None:
    app, _ = make_app(folders)
    app.context_processor(lambda: {"title": "processor", "session": "shadow"})
    with app.test_request_context():
        assert render_template_string("{{ title }}") == "processor"
        assert render_template_string("{{ title }}", title="mine") == "mine"
        session["user"] = "ann"
        assert render_template_string("{{ session }}") == "shadow"


def test_blueprint_template_extends_app_template(folders: Path) -> None:
    app, bp = make_app(folders)
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template("page.html", title="<Hi>") == "<h1>&lt;Hi&gt;</h1>"


def test_template_not_found_names_every_folder(folders: Path) -> None:
    app, bp = make_app(folders)
    app.register_blueprint(bp)
    app.register_blueprint(Blueprint("bare", "bare"))  # no folder: not searched
    with app.app_context():
        with pytest.raises(TemplateNotFound) as info:
            render_template("nope.html")
        assert info.value.name == "nope.html"
        assert str(info.value).splitlines() == [
            "nope.html",
            "Searched in this order:",
            f"  - application 'tplapp': {folders / 'templates'}",
            f"  - blueprint 'shop' (tplapp.shop): {folders / 'bp' / 'templates'}",
        ]
        with pytest.raises(TemplatesNotFound) as many:
            render_template(["a.html", "b.html"])
        assert many.value.templates == ["a.html", "b.html"]
        message = str(many.value)
        assert message.startswith("none of the templates given were found: a.html")
        assert str(folders / "bp" / "templates") in message


def test_template_not_found_without_any_folder() -> None:
    app = Flask("bare_app", template_folder=None)
    with app.app_context(), pytest.raises(TemplateNotFound) as info:
        render_template("x.html")
    assert str(info.value) == (
        "x.html\nThere was nowhere to look: neither the app nor any"
        " registered blueprint has a template folder."
    )


def test_explain_template_loading(
    folders: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, bp = make_app(folders)

    @bp.route("/missing")
    def missing() -> str:
        return render_template("nope.html")

    app.register_blueprint(bp)
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="tplapp"):
        with pytest.raises(TemplateNotFound):
            client.get("/missing")
        with app.app_context():
            render_template("base.html")
    found_none, found = (t.cast(str, r.msg) for r in caplog.records)
    assert "1: trying loader of application 'tplapp'" in found_none
    assert "2: trying loader of blueprint 'shop' (tplapp.shop)" in found_none
    assert "Error: the template could not be found." in found_none
    assert "belongs to the blueprint 'shop'" in found_none
    assert (
        "-> found" in found
        and "Error" not in found
        and "blueprint 'shop'." not in found
    )


def test_async_context_processor_runs_without_extra_packages(folders: Path) -> None:
    app, bp = make_app(folders)

    @app.context_processor
    async def site() -> dict[str, str]:
        return {"site": "Shop"}

    @bp.context_processor
    async def section() -> dict[str, str]:
        return {"section": "cart"}

    @bp.route("/cart")
    def cart() -> str:
        return render_template_string("{{ site }}/{{ section }}")

    @app.route("/home")
    def home() -> str:
        return render_template_string("{{ site }}/{{ section|default('-') }}")

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/cart").text == "Shop/cart"
    assert client.get("/home").text == "Shop/-"
