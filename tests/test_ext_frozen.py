"""Frozen-Flask on minflask: freezing a small site, its static files and
the pages a URL generator lists, into plain files."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from tests.ext_support import flask_alias as flask_alias

PRODUCTS = {1: "Teapot", 2: "Kettle", 3: "Mug"}


@pytest.fixture
def site(flask_alias: None, tmp_path: Path) -> t.Any:
    from flask_frozen import Freezer

    from minflask import Flask, abort, render_template_string, url_for

    root = tmp_path / "site"
    (root / "static" / "img").mkdir(parents=True)
    (root / "static" / "style.css").write_text("body { color: teal }\n")
    (root / "static" / "img" / "logo.svg").write_text("<svg/>\n")

    app = Flask("site", root_path=str(root))
    app.config["FREEZER_DESTINATION"] = str(tmp_path / "build")
    freezer = Freezer(app)
    layout = """<link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}">
<h1>{{ title }}</h1>{% for id, name in items %}
<a href="{{ url_for('product', id=id) }}">{{ name }}</a>{% endfor %}"""

    @app.route("/")
    def index() -> str:
        return render_template_string(layout, title="Shop", items=[(1, PRODUCTS[1])])

    @app.route("/product/<int:id>/")
    def product(id: int) -> str:
        if id not in PRODUCTS:
            abort(404)
        return render_template_string(layout, title=PRODUCTS[id], items=[])

    @app.route("/sitemap.xml")
    def sitemap() -> t.Any:
        urls = "".join(
            f"<url><loc>{url_for('product', id=i, _external=True)}</loc></url>"
            for i in PRODUCTS
        )
        return f"<urlset>{urls}</urlset>", {"Content-Type": "application/xml"}

    @freezer.register_generator
    def product_urls() -> t.Iterator[tuple[str, dict[str, int]]]:
        for id in PRODUCTS:
            yield "product", {"id": id}

    return app, freezer, tmp_path / "build"


def test_freeze_writes_pages_static_files_and_generated_urls(site: t.Any) -> None:
    _, freezer, build = site
    urls = freezer.freeze()
    assert {"/", "/product/1/", "/product/2/", "/product/3/", "/sitemap.xml"} <= set(
        urls
    )
    assert "/static/style.css" in urls and "/static/img/logo.svg" in urls

    index = (build / "index.html").read_text()
    assert '<link rel="stylesheet" href="/static/style.css">' in index
    assert '<a href="/product/1/">Teapot</a>' in index
    # Pages only the generator names (not linked from anywhere) are there too.
    assert "<h1>Mug</h1>" in (build / "product" / "3" / "index.html").read_text()
    assert (build / "static" / "style.css").read_text() == "body { color: teal }\n"
    assert (build / "static" / "img" / "logo.svg").read_text() == "<svg/>\n"
    sitemap = (build / "sitemap.xml").read_text()
    assert "<loc>http://localhost/product/2/</loc>" in sitemap
    files = sorted(
        p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file()
    )
    assert files == [
        "index.html",
        "product/1/index.html",
        "product/2/index.html",
        "product/3/index.html",
        "sitemap.xml",
        "static/img/logo.svg",
        "static/style.css",
    ]


def test_a_404_while_freezing_is_reported(site: t.Any) -> None:
    """A URL that answers 404 stops the freeze with Frozen-Flask's own
    error, or only warns when told to ignore it."""
    from flask_frozen import FrozenFlaskWarning

    app, freezer, build = site

    @freezer.register_generator
    def missing() -> t.Iterator[str]:
        yield "/product/99/"

    with pytest.raises(
        ValueError, match="Unexpected status '404 NOT FOUND' on URL /product/99/"
    ):
        freezer.freeze()
    app.config["FREEZER_IGNORE_404_NOT_FOUND"] = True
    with pytest.warns(
        FrozenFlaskWarning, match="Ignored '404 NOT FOUND' on URL /product/99/"
    ):
        freezer.freeze()
    # As Frozen-Flask does, the ignored page is written with the 404 body.
    assert "Not Found" in (build / "product" / "99" / "index.html").read_text()


def test_relative_urls(site: t.Any) -> None:
    """``FREEZER_RELATIVE_URLS`` rewrites links so the build opens from disk."""
    app, freezer, build = site
    app.config["FREEZER_RELATIVE_URLS"] = True
    freezer.freeze()
    page = (build / "product" / "2" / "index.html").read_text()
    assert 'href="../../static/style.css"' in page
