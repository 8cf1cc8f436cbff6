"""The tutorial-style blog in tests/tutorial_app, driven end to end through
the test client: templates, sessions, flashing, blueprints and ``g``
working together as in the Flask docs' tutorial."""

from __future__ import annotations

import os
import sqlite3
import typing as t

import pytest
from tutorial_app.flaskr import create_app
from tutorial_app.flaskr.db import get_db, init_db
from werkzeug.security import generate_password_hash

from minflask import Flask, g, session
from minflask.testing import FlaskClient

# Hashing is deliberately slow: hash the fixture users' passwords once.
PASSWORD_HASHES = {name: generate_password_hash(name) for name in ("test", "other")}


@pytest.fixture
def app(tmp_path: t.Any) -> Flask:
    """The blog with a fresh database holding two users and one post."""
    app = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "flaskr.sqlite")},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        init_db()
        db = get_db()
        db.executemany(
            "INSERT INTO user (username, password) VALUES (?, ?)",
            list(PASSWORD_HASHES.items()),
        )
        db.execute(
            "INSERT INTO post (title, body, author_id, created)"
            " VALUES ('test title', 'test\nbody', 1, '2018-01-01 00:00:00')"
        )
        db.commit()
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AuthActions:
    """Log the test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = "test", password: str = "test") -> t.Any:
        return self._client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self) -> t.Any:
        return self._client.get("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def query(app: Flask, sql: str, *args: t.Any) -> list[sqlite3.Row]:
    with app.app_context():
        return get_db().execute(sql, args).fetchall()


# -- the factory and the database ----------------------------------------------------


def test_config(tmp_path: t.Any) -> None:
    instance = str(tmp_path / "instance")
    assert not create_app(instance_path=instance).testing
    assert create_app({"TESTING": True}, instance_path=instance).testing
    # The instance folder was made, and its config.py is read when present.
    assert os.path.isdir(instance)
    with open(os.path.join(instance, "config.py"), "w") as f:
        f.write("SECRET_KEY = 'from instance'\n")
    app = create_app(instance_path=instance)
    assert app.config["SECRET_KEY"] == "from instance"
    assert app.config["DATABASE"] == os.path.join(instance, "flaskr.sqlite")


def test_hello(client: FlaskClient) -> None:
    assert client.get("/hello").data == b"Hello, World!"


def test_db_kept_on_g_and_closed_at_teardown(app: Flask) -> None:
    with app.app_context():
        db = get_db()
        assert get_db() is db
        assert g.db is db
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_db_closed_after_each_request(app: Flask, client: FlaskClient) -> None:
    connections: list[sqlite3.Connection] = []

    @app.after_request
    def keep(response: t.Any) -> t.Any:
        if "db" in g:
            connections.append(g.db)
        return response

    client.get("/")
    (db,) = connections
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")


# -- registration ---------------------------------------------------------------------


def test_register(app: Flask, client: FlaskClient) -> None:
    page = client.get("/auth/register")
    assert page.status_code == 200
    assert b"<title>Register - Flaskr</title>" in page.data
    assert b'<form method="post">' in page.data

    rv = client.post("/auth/register", data={"username": "a", "password": "a"})
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/auth/login"
    (user,) = query(app, "SELECT * FROM user WHERE username = 'a'")
    assert user["password"] != "a"  # stored hashed

    # The success message survives the redirect and is shown once.
    page = client.get("/auth/login")
    assert (
        b'<div class="flash success">Registration complete. Please log in.</div>'
        in page.data
    )
    assert b"Registration complete" not in client.get("/auth/login").data


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", b"Username is required."),
        ("a", "", b"Password is required."),
        ("test", "test", b"User test is already registered."),
    ],
)
def test_register_validate_input(
    client: FlaskClient, username: str, password: str, message: bytes
) -> None:
    rv = client.post(
        "/auth/register", data={"username": username, "password": password}
    )
    assert rv.status_code == 200
    assert b'<div class="flash error">' + message + b"</div>" in rv.data
    # The form keeps what was typed.
    assert f'id="username" value="{username}"'.encode() in rv.data
    # Flashed and shown in the same request: gone on the next one.
    assert message not in client.get("/auth/register").data


def test_register_missing_field_is_400(client: FlaskClient) -> None:
    rv = client.post("/auth/register", data={"username": "a"})
    assert rv.status_code == 400


# -- logging in and out ---------------------------------------------------------------


def test_login(client: FlaskClient, auth: AuthActions) -> None:
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert b"<title>Log In - Flaskr</title>" in page.data

    rv = auth.login()
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/"
    assert rv.headers["Set-Cookie"].startswith("session=")

    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "test"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("a", "test", b"Incorrect username."),
        ("test", "a", b"Incorrect password."),
    ],
)
def test_login_validate_input(
    client: FlaskClient,
    auth: AuthActions,
    username: str,
    password: str,
    message: bytes,
) -> None:
    rv = auth.login(username, password)
    assert rv.status_code == 200
    assert b'<div class="flash error">' + message + b"</div>" in rv.data
    with client:
        page = client.get("/")
        assert "user_id" not in session
        assert g.user is None
    assert message not in page.data


def test_logout(client: FlaskClient, auth: AuthActions) -> None:
    auth.login()
    with client:
        rv = auth.logout()
        assert rv.status_code == 302
        assert rv.headers["Location"] == "/"
        assert "user_id" not in session
    # The emptied session's cookie is deleted.
    assert client.get_cookie("session") is None
    assert b"Log In" in client.get("/").data


# -- the blog -------------------------------------------------------------------------


def test_index(client: FlaskClient, auth: AuthActions) -> None:
    page = client.get("/").data
    assert b"<title>Posts - Flaskr</title>" in page
    assert b'<a href="/auth/login">Log In</a>' in page
    assert b'<a href="/auth/register">Register</a>' in page
    assert b'<link rel="stylesheet" href="/static/style.css">' in page
    assert b"Edit" not in page

    auth.login()
    page = client.get("/").data
    assert b'<a href="/auth/logout">Log Out</a>' in page
    assert b'<span class="user">test</span>' in page
    assert b"<h1>test title</h1>" in page
    assert b"by test on 2018-01-01" in page
    assert b"test\nbody" in page
    assert b'href="/1/update"' in page
    assert b'href="/create"' in page


def test_static_file(client: FlaskClient) -> None:
    rv = client.get("/static/style.css")
    assert rv.status_code == 200
    assert rv.mimetype == "text/css"
    rv.close()


def test_index_when_empty(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        get_db().execute("DELETE FROM post")
        get_db().commit()
    assert b'<p class="empty">No posts yet.</p>' in client.get("/").data


@pytest.mark.parametrize("path", ["/create", "/1/update", "/1/delete"])
def test_login_required(client: FlaskClient, path: str) -> None:
    rv = client.post(path)
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/auth/login"


def test_author_required(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    with app.app_context():
        get_db().execute("UPDATE post SET author_id = 2 WHERE id = 1")
        get_db().commit()

    auth.login()
    # Someone else's post can be neither edited nor deleted.
    assert client.post("/1/update").status_code == 403
    assert client.post("/1/delete").status_code == 403
    assert client.get("/1/update").status_code == 403
    # Nor is it offered for editing.
    assert b'href="/1/update"' not in client.get("/").data
    assert len(query(app, "SELECT * FROM post")) == 1


@pytest.mark.parametrize("path", ["/2/update", "/2/delete"])
def test_exists_required(client: FlaskClient, auth: AuthActions, path: str) -> None:
    auth.login()
    rv = client.post(path)
    assert rv.status_code == 404
    assert b"Post id 2 doesn&#39;t exist." in rv.data


def test_create(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.login()
    page = client.get("/create")
    assert page.status_code == 200
    assert b"<title>New Post - Flaskr</title>" in page.data

    rv = client.post("/create", data={"title": "created", "body": ""})
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/"
    rows = query(app, "SELECT title, author_id FROM post ORDER BY id")
    assert [tuple(row) for row in rows] == [("test title", 1), ("created", 1)]


def test_update(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.login()
    page = client.get("/1/update")
    assert page.status_code == 200
    assert b'<title>Edit "test title" - Flaskr</title>' in page.data
    assert b'value="test title"' in page.data
    assert b'action="/1/delete"' in page.data

    rv = client.post("/1/update", data={"title": "updated", "body": "new body"})
    assert rv.headers["Location"] == "/"
    (post,) = query(app, "SELECT title, body FROM post WHERE id = 1")
    assert tuple(post) == ("updated", "new body")


@pytest.mark.parametrize("path", ["/create", "/1/update"])
def test_create_update_validate(
    app: Flask, client: FlaskClient, auth: AuthActions, path: str
) -> None:
    auth.login()
    rv = client.post(path, data={"title": "", "body": "kept body"})
    assert rv.status_code == 200
    assert b'<div class="flash error">Title is required.</div>' in rv.data
    assert b">kept body</textarea>" in rv.data
    (post,) = query(app, "SELECT title FROM post")
    assert post["title"] == "test title"


def test_delete(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.login()
    rv = client.post("/1/delete")
    assert rv.headers["Location"] == "/"
    assert query(app, "SELECT * FROM post WHERE id = 1") == []
    page = client.get("/").data
    assert b'<div class="flash success">Post deleted.</div>' in page
    assert b"Post deleted." not in client.get("/").data


def test_delete_needs_post(client: FlaskClient, auth: AuthActions) -> None:
    auth.login()
    assert client.get("/1/delete").status_code == 405


def test_output_is_escaped(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.login()
    client.post("/create", data={"title": "<script>alert(1)</script>", "body": "a & b"})
    page = client.get("/").data
    assert b"<script>" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert b"a &amp; b" in page


# -- a whole visit --------------------------------------------------------------------


def test_full_journey(app: Flask, client: FlaskClient) -> None:
    """Sign up, log in, write, edit and delete a post, then log out."""
    credentials = {"username": "ann", "password": "s3cret"}
    rv = client.post("/auth/register", data=credentials, follow_redirects=True)
    assert rv.request.path == "/auth/login"
    assert b"Registration complete. Please log in." in rv.data

    rv = client.post(
        "/auth/register", data=credentials, follow_redirects=True
    )  # twice: refused
    assert b"User ann is already registered." in rv.data

    rv = client.post("/auth/login", data={"username": "ann", "password": "wrong"})
    assert b"Incorrect password." in rv.data

    rv = client.post("/auth/login", data=credentials, follow_redirects=True)
    assert rv.request.path == "/"
    assert b'<span class="user">ann</span>' in rv.data

    rv = client.post(
        "/create", data={"title": "", "body": "draft"}, follow_redirects=True
    )
    assert b"Title is required." in rv.data
    rv = client.post(
        "/create", data={"title": "Ann's post", "body": "Hi"}, follow_redirects=True
    )
    assert b"<h1>Ann&#39;s post</h1>" in rv.data
    ((post_id,),) = query(app, "SELECT id FROM post WHERE title = ?", "Ann's post")
    assert f'href="/{post_id}/update"'.encode() in rv.data
    # The other user's post is listed but not editable by ann.
    assert b"<h1>test title</h1>" in rv.data
    assert b'href="/1/update"' not in rv.data
    assert client.post("/1/delete").status_code == 403

    rv = client.post(
        f"/{post_id}/update",
        data={"title": "Edited", "body": "Hello"},
        follow_redirects=True,
    )
    assert b"<h1>Edited</h1>" in rv.data

    rv = client.post(f"/{post_id}/delete", follow_redirects=True)
    assert b"Post deleted." in rv.data
    assert b"<h1>Edited</h1>" not in rv.data
    assert client.post(f"/{post_id}/update").status_code == 404

    rv = client.get("/auth/logout", follow_redirects=True)
    assert b'<a href="/auth/login">Log In</a>' in rv.data
    assert client.get("/create").headers["Location"] == "/auth/login"
