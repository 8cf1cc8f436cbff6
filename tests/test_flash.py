"""Tests for message flashing: ``flash`` and ``get_flashed_messages``, their
storage in the session, the per-request cache, and ``message_flashed``."""

from __future__ import annotations

import typing as t

import pytest
from markupsafe import Markup

import minflask
from minflask import (
    Flask,
    flash,
    get_flashed_messages,
    redirect,
    render_template_string,
    session,
    url_for,
)
from minflask.globals import request_ctx
from minflask.testing import FlaskClient


@pytest.fixture
def app(app: Flask) -> Flask:
    """The shared app plus views that flash, redirect and show messages."""

    @app.route("/")
    def index() -> str:
        return repr(get_flashed_messages(with_categories=True))

    @app.route("/add/<category>/<message>", methods=["POST"])
    def add(category: str, message: str) -> t.Any:
        flash(message, category)
        return redirect(url_for("index"))

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    return app


def cookie_header(response: t.Any) -> str:
    (header,) = response.headers.getlist("Set-Cookie")
    return t.cast(str, header)


def test_exported_from_package_and_helpers() -> None:
    assert minflask.flash is minflask.helpers.flash
    assert minflask.get_flashed_messages is minflask.helpers.get_flashed_messages


# -- storage -----------------------------------------------------------------------


def test_flash_stores_category_message_pairs(app: Flask) -> None:
    with app.test_request_context():
        flash("saved")
        flash("bad input", "error")
        assert session["_flashes"] == [("message", "saved"), ("error", "bad input")]
        assert session.modified


def test_flash_returns_none(app: Flask) -> None:
    with app.test_request_context():
        assert flash("hello") is None  # type: ignore[func-returns-value]


def test_get_flashed_messages_removes_them_from_session(app: Flask) -> None:
    with app.test_request_context():
        flash("one")
        flash("two", "info")
        assert get_flashed_messages() == ["one", "two"]
        assert "_flashes" not in session


def test_with_categories(app: Flask) -> None:
    with app.test_request_context():
        flash("one")
        flash("two", "info")
        assert get_flashed_messages(with_categories=True) == [
            ("message", "one"),
            ("info", "two"),
        ]
        # Positional arguments work as in Flask's signature.
        assert get_flashed_messages(True) == [("message", "one"), ("info", "two")]


def test_nothing_flashed_gives_empty_list(app: Flask) -> None:
    with app.test_request_context():
        assert get_flashed_messages() == []
        assert get_flashed_messages(with_categories=True) == []
        assert not session.modified


# -- the per-request cache ---------------------------------------------------------


def test_repeated_calls_return_the_same_messages(app: Flask) -> None:
    with app.test_request_context():
        assert request_ctx.flashes is None
        flash("one", "info")
        first = get_flashed_messages(with_categories=True)
        assert first == [("info", "one")]
        assert request_ctx.flashes == [("info", "one")]
        assert get_flashed_messages(with_categories=True) == first
        assert get_flashed_messages() == ["one"]
        assert get_flashed_messages() == ["one"]


def test_cache_is_per_request(app: Flask) -> None:
    with app.test_request_context():
        flash("one")
        assert get_flashed_messages() == ["one"]
    with app.test_request_context():
        assert request_ctx.flashes is None
        assert get_flashed_messages() == []


def test_flash_after_reading_waits_for_the_next_request(
    app: Flask, client: FlaskClient
) -> None:
    @app.route("/read-then-flash")
    def read_then_flash() -> str:
        before = get_flashed_messages()
        flash("late")
        after = get_flashed_messages()
        return repr((before, after))

    client.post("/add/message/early")
    assert client.get("/read-then-flash").data == b"(['early'], ['early'])"
    assert client.get("/").data == b"[('message', 'late')]"
    assert client.get("/").data == b"[]"


def test_flash_then_read_in_the_same_request(app: Flask, client: FlaskClient) -> None:
    @app.before_request
    def flash_first() -> None:
        if minflask.request.path == "/same":
            flash("from hook", "hook")

    @app.route("/same")
    def same() -> str:
        return repr(get_flashed_messages(with_categories=True))

    assert client.get("/same").data == b"[('hook', 'from hook')]"
    assert client.get("/").data == b"[]"


# -- category_filter ---------------------------------------------------------------


def test_category_filter(app: Flask) -> None:
    with app.test_request_context():
        flash("a", "info")
        flash("b", "error")
        flash("c", "warning")
        flash("d", "error")
        assert get_flashed_messages(category_filter=["error"]) == ["b", "d"]
        assert get_flashed_messages(
            with_categories=True, category_filter=("error", "info")
        ) == [("info", "a"), ("error", "b"), ("error", "d")]
        assert get_flashed_messages(category_filter=["missing"]) == []
        # The filter applies to the cached messages; an empty one shows all.
        assert get_flashed_messages() == ["a", "b", "c", "d"]


def test_category_filter_still_consumes_every_message(
    app: Flask, client: FlaskClient
) -> None:
    @app.route("/errors")
    def errors() -> str:
        return repr(get_flashed_messages(category_filter=["error"]))

    client.post("/add/info/kept-out")
    client.post("/add/error/shown")
    assert client.get("/errors", follow_redirects=False).data == b"['shown']"
    # The filtered-out message was removed from the session too.
    assert client.get("/").data == b"[]"


# -- across requests ---------------------------------------------------------------


def test_messages_survive_redirect_and_show_once(client: FlaskClient) -> None:
    rv = client.post("/add/success/Posted", follow_redirects=True)
    assert rv.request.path == "/"
    assert rv.data == b"[('success', 'Posted')]"
    assert client.get("/").data == b"[]"


def test_messages_accumulate_until_read(client: FlaskClient) -> None:
    client.post("/add/info/one")
    client.post("/add/error/two")
    client.get("/plain")
    assert client.get("/").data == b"[('info', 'one'), ('error', 'two')]"
    assert client.get("/").data == b"[]"


def test_reading_deletes_the_emptied_cookie(client: FlaskClient) -> None:
    rv = client.post("/add/info/one")
    assert cookie_header(rv).startswith("session=")
    rv = client.get("/")
    header = cookie_header(rv)
    assert header.startswith("session=;")
    assert "Expires=Thu, 01 Jan 1970" in header
    assert client.get_cookie("session") is None


def test_reading_keeps_other_session_data(app: Flask, client: FlaskClient) -> None:
    @app.route("/login")
    def login() -> t.Any:
        session["user"] = "ann"
        flash("Welcome")
        return redirect("/")

    assert client.get("/login", follow_redirects=True).data == (
        b"[('message', 'Welcome')]"
    )
    with client.session_transaction() as sess:
        assert dict(sess) == {"user": "ann"}


def test_reading_nothing_only_varies_on_cookie(client: FlaskClient) -> None:
    rv = client.get("/")
    assert rv.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in rv.headers


def test_unused_flashing_leaves_the_session_alone(client: FlaskClient) -> None:
    rv = client.get("/plain")
    assert "Vary" not in rv.headers
    assert "Set-Cookie" not in rv.headers


def test_flashes_set_through_session_transaction(client: FlaskClient) -> None:
    with client.session_transaction() as sess:
        sess["_flashes"] = [("warning", "from test")]
    assert client.get("/").data == b"[('warning', 'from test')]"
    assert client.get("/").data == b"[]"


def test_message_types_survive_the_cookie(app: Flask, client: FlaskClient) -> None:
    @app.route("/typed")
    def typed() -> str:
        flash(Markup("<b>bold</b>"), "html")
        flash(42)  # type: ignore[arg-type]
        return ""

    @app.route("/check")
    def check() -> str:
        (html, number) = get_flashed_messages()
        assert isinstance(html, Markup)
        return repr((html, number))

    client.get("/typed")
    assert client.get("/check").data == b"(Markup('<b>bold</b>'), 42)"


def test_messages_are_per_client(app: Flask) -> None:
    first = app.test_client()
    second = app.test_client()
    first.post("/add/message/mine")
    assert second.get("/").data == b"[]"
    assert first.get("/").data == b"[('message', 'mine')]"


# -- in templates -----------------------------------------------------------------


def test_template_shows_messages_once(app: Flask, client: FlaskClient) -> None:
    @app.route("/page")
    def page() -> str:
        return render_template_string(
            "{% for category, message in get_flashed_messages(with_categories=true)"
            " %}[{{ category }}: {{ message }}]{% endfor %}"
        )

    client.post("/add/error/<bad>")
    # Messages are autoescaped like any other value.
    assert client.get("/page").data == b"[error: &lt;bad&gt;]"
    assert client.get("/page").data == b""


def test_view_and_template_share_the_messages(app: Flask, client: FlaskClient) -> None:
    @app.route("/both")
    def both() -> str:
        in_view = get_flashed_messages()
        return render_template_string(
            "{{ in_view }} {{ get_flashed_messages(category_filter=['info']) }}",
            in_view=in_view,
        )

    client.post("/add/info/one")
    client.post("/add/error/two")
    assert client.get("/both").data == b"[&#39;one&#39;, &#39;two&#39;] [&#39;one&#39;]"


def test_flash_from_template_rendered_in_same_request(
    app: Flask, client: FlaskClient
) -> None:
    @app.route("/form")
    def form() -> str:
        flash("Invalid input.", "error")
        return render_template_string(
            "{% for m in get_flashed_messages() %}<p>{{ m }}</p>{% endfor %}"
        )

    assert client.get("/form").data == b"<p>Invalid input.</p>"
    assert client.get("/").data == b"[]"


# -- errors ------------------------------------------------------------------------


def test_flash_outside_request_context(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        flash("nope")
    with (
        app.app_context(),
        pytest.raises(RuntimeError, match="Working outside of request context"),
    ):
        flash("nope")


def test_get_flashed_messages_outside_request_context(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        get_flashed_messages()
    with (
        app.app_context(),
        pytest.raises(RuntimeError, match="Working outside of request context"),
    ):
        get_flashed_messages(with_categories=True)


def test_no_secret_key(app: Flask) -> None:
    app.config["SECRET_KEY"] = None
    with app.test_request_context():
        # Reading works on the null session; writing needs a key.
        assert get_flashed_messages() == []
        with pytest.raises(RuntimeError, match="no secret key was set"):
            flash("needs a key")


def test_no_secret_key_in_a_view_is_500(app: Flask) -> None:
    app.config.update(SECRET_KEY=None, TESTING=False)
    app.logger.disabled = True
    try:
        rv = app.test_client().post("/add/message/x")
    finally:
        app.logger.disabled = False
    assert rv.status_code == 500


# -- the message_flashed signal ----------------------------------------------------


def test_message_flashed_signal(app: Flask) -> None:
    seen: list[tuple[t.Any, dict[str, t.Any]]] = []

    def record(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append((sender, kwargs))

    with (
        minflask.message_flashed.connected_to(record, app),
        app.test_request_context(),
    ):
        flash("hello")
        flash("careful", "warning")
        # Reading does not send the signal.
        get_flashed_messages()

    assert seen == [
        (app, {"message": "hello", "category": "message"}),
        (app, {"message": "careful", "category": "warning"}),
    ]
    # The real app object, not the current_app proxy.
    assert type(seen[0][0]) is Flask


def test_message_flashed_sent_after_storing(app: Flask) -> None:
    stored: list[t.Any] = []

    def record(sender: Flask, message: str, category: str) -> None:
        stored.append(list(session["_flashes"]))

    with (
        minflask.message_flashed.connected_to(record, app),
        app.test_request_context(),
    ):
        flash("first")
    assert stored == [[("message", "first")]]


def test_message_flashed_filtered_by_sender(app: Flask) -> None:
    other = Flask("other_app")
    other.secret_key = "other"
    seen: list[t.Any] = []
    with (
        minflask.message_flashed.connected_to(
            lambda sender, **kw: seen.append(kw), other
        ),
        app.test_request_context(),
    ):
        flash("not for other")
    assert seen == []


def test_message_flashed_through_client(app: Flask, client: FlaskClient) -> None:
    seen: list[tuple[str, str]] = []

    def record(sender: Flask, message: str, category: str) -> None:
        seen.append((category, message))

    with minflask.message_flashed.connected_to(record, app):
        client.post("/add/success/Saved", follow_redirects=True)
    assert seen == [("success", "Saved")]


def test_message_flashed_async_receiver(app: Flask) -> None:
    seen: list[str] = []

    async def record(sender: Flask, message: str, category: str) -> None:
        seen.append(message)

    with (
        minflask.message_flashed.connected_to(record, app),
        app.test_request_context(),
    ):
        flash("async")
    assert seen == ["async"]
