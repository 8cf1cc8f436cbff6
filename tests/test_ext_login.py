"""Flask-Login 0.6.3 on minflask, the way its docs set it up: a user loader,
``login_required`` sending anonymous users to ``login_view``,
``login_user``/``logout_user``, the remember-me cookie and ``current_user``
in templates."""

from __future__ import annotations

import typing as t

import pytest

from tests.ext_support import flask_alias as flask_alias

USERS = {"alice": "wonderland", "bob": "builder"}


@pytest.fixture
def app(flask_alias: None) -> t.Any:
    from flask_login import (
        LoginManager,
        UserMixin,
        current_user,
        login_required,
        login_user,
        logout_user,
    )

    from minflask import (
        Flask,
        flash,
        redirect,
        render_template_string,
        request,
        url_for,
    )

    class User(UserMixin):
        def __init__(self, name: str) -> None:
            self.id = name

    app = Flask(__name__)
    app.config.update(SECRET_KEY="login tests", TESTING=True)
    login_manager = LoginManager(app)
    login_manager.login_view = "login"
    login_manager.login_message = "Please sign in first."

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return User(user_id) if user_id in USERS else None

    page = """
    {%- if current_user.is_authenticated -%}
      Signed in as {{ current_user.id }}
    {%- else -%}
      Anonymous
    {%- endif %}
    {% for m in get_flashed_messages() %}[{{ m }}]{% endfor %}"""

    @app.route("/")
    def index() -> str:
        return render_template_string(page)

    @app.route("/account")
    @login_required
    def account() -> str:
        return f"account of {current_user.id}"

    @app.route("/login", methods=["GET", "POST"])
    def login() -> t.Any:
        if request.method == "POST":
            name = request.form["name"]
            if USERS.get(name) != request.form["password"]:
                flash("Wrong name or password.")
                return render_template_string(page), 401
            login_user(User(name), remember="remember" in request.form)
            return redirect(request.args.get("next") or url_for("index"))
        return render_template_string(page)

    @app.route("/logout")
    @login_required
    def logout() -> t.Any:
        logout_user()
        return redirect(url_for("index"))

    return app


def test_login_required_redirects_to_login_view(app: t.Any) -> None:
    client = app.test_client()
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"
    assert "[Please sign in first.]" in client.get("/login").text


def test_login_then_logout(app: t.Any) -> None:
    client = app.test_client()
    assert client.get("/").text.startswith("Anonymous")
    bad = client.post("/login", data={"name": "alice", "password": "nope"})
    assert bad.status_code == 401 and "[Wrong name or password.]" in bad.text

    response = client.post(
        "/login?next=/account", data={"name": "alice", "password": "wonderland"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert client.get("/account").text == "account of alice"
    assert client.get("/").text.startswith("Signed in as alice")
    assert client.get_cookie("remember_token") is None

    assert client.get("/logout").headers["Location"] == "/"
    assert client.get("/").text.startswith("Anonymous")
    assert client.get("/account").status_code == 302


def test_remember_me_cookie_logs_in_a_new_session(app: t.Any) -> None:
    client = app.test_client()
    client.post("/login", data={"name": "bob", "password": "builder", "remember": "y"})
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.value.startswith("bob|")
    assert remember.http_only and remember.expires is not None

    # A browser restarted: the session cookie is gone, the remember one is not.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/account").text == "account of bob"
    # A forged remember cookie logs nobody in.
    forged = app.test_client()
    forged.set_cookie("remember_token", "alice|" + remember.value.split("|")[1])
    assert forged.get("/account").status_code == 302

    # Logging out clears the remember cookie as well.
    fresh.get("/logout")
    assert fresh.get_cookie("remember_token") is None
    assert fresh.get("/account").status_code == 302


def test_current_user_is_a_proxy_outside_views(app: t.Any) -> None:
    from flask_login import current_user

    with app.test_request_context("/"):
        assert current_user.is_anonymous and not current_user.is_authenticated


def test_signals_and_strong_session_protection(app: t.Any) -> None:
    """Flask-Login's blinker signals (on ``flask.signals.Namespace``) reach
    receivers, and ``session_protection = "strong"`` logs out a session
    whose client changed."""
    from flask_login import user_logged_in, user_logged_out

    events: list[tuple[str, str, str]] = []

    def logged_in(sender: t.Any, user: t.Any) -> None:
        events.append(("in", sender.name, user.id))

    def logged_out(sender: t.Any, user: t.Any) -> None:
        events.append(("out", sender.name, user.id))

    app.login_manager.session_protection = "strong"
    with (
        user_logged_in.connected_to(logged_in, app),
        user_logged_out.connected_to(logged_out, app),
    ):
        client = app.test_client()
        client.post("/login", data={"name": "alice", "password": "wonderland"})
        assert client.get("/account").text == "account of alice"
        client.get("/logout")
    assert events == [("in", app.name, "alice"), ("out", app.name, "alice")]

    client = app.test_client()
    headers = {"User-Agent": "browser one"}
    client.post("/login", data={"name": "bob", "password": "builder"}, headers=headers)
    assert client.get("/account", headers=headers).text == "account of bob"
    moved = client.get("/account", headers={"User-Agent": "someone else"})
    assert moved.status_code == 302
