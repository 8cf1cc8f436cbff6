"""Flask-WTF on minflask, as its docs show it: a ``FlaskForm`` with CSRF on,
a POST without the token refused, ``CSRFProtect`` guarding a JSON view, and
a file upload field."""

from __future__ import annotations

import io
import re
import typing as t
from pathlib import Path

import pytest

from tests.ext_support import flask_alias as flask_alias


def token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


@pytest.fixture
def app(flask_alias: None, tmp_path: Path) -> t.Any:
    from flask_wtf import FlaskForm
    from flask_wtf.file import FileAllowed, FileField, FileRequired
    from werkzeug.utils import secure_filename
    from wtforms import StringField
    from wtforms.validators import DataRequired, Length

    from minflask import Flask, redirect, render_template_string, url_for

    class SignupForm(FlaskForm):
        name = StringField("Name", validators=[DataRequired(), Length(max=20)])

    class PhotoForm(FlaskForm):
        photo = FileField(
            validators=[FileRequired(), FileAllowed(["jpg", "png"], "Images only!")]
        )

    app = Flask(__name__)
    app.config.update(SECRET_KEY="wtf tests", UPLOADS=str(tmp_path))
    page = """<form method="post" enctype="multipart/form-data">
    {{ form.csrf_token }}
    {% for field in form if field.name != "csrf_token" %}{{ field() }}{% endfor %}
    </form>{% for name, errors in form.errors.items() %}
    <p>{{ name }}: {{ errors|join(", ") }}</p>{% endfor %}"""

    @app.route("/signup", methods=["GET", "POST"])
    def signup() -> t.Any:
        form = SignupForm()
        if form.validate_on_submit():
            return redirect(url_for("welcome", name=form.name.data))
        return render_template_string(page, form=form), 400 if form.errors else 200

    @app.route("/welcome/<name>")
    def welcome(name: str) -> str:
        return f"welcome {name}"

    @app.route("/photo", methods=["GET", "POST"])
    def photo() -> t.Any:
        form = PhotoForm()
        if form.validate_on_submit():
            upload = form.photo.data
            filename = secure_filename(upload.filename)
            upload.save(Path(app.config["UPLOADS"]) / filename)
            return f"saved {filename}"
        return render_template_string(page, form=form), 400 if form.errors else 200

    return app


def test_form_with_its_token_is_accepted(app: t.Any) -> None:
    client = app.test_client()
    form = client.get("/signup")
    assert form.status_code == 200
    token = token_in(form.text)
    response = client.post("/signup", data={"name": "ada", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/welcome/ada"


def test_post_without_or_with_a_wrong_token_is_refused(app: t.Any) -> None:
    client = app.test_client()
    client.get("/signup")
    missing = client.post("/signup", data={"name": "ada"})
    assert missing.status_code == 400
    assert "csrf_token: The CSRF token is missing." in missing.text
    wrong = client.post("/signup", data={"name": "ada", "csrf_token": "forged"})
    assert "csrf_token: The CSRF token is invalid." in wrong.text
    # Another browser's token is no good either: it is bound to the session.
    other = app.test_client()
    stolen = token_in(other.get("/signup").text)
    assert (
        client.post("/signup", data={"name": "a", "csrf_token": stolen}).status_code
        == 400
    )
    # Field validation still reports, beside a valid token.
    token = token_in(client.get("/signup").text)
    long = client.post("/signup", data={"name": "x" * 30, "csrf_token": token})
    assert long.status_code == 400 and "name: Field cannot be longer" in long.text


def test_file_field_saves_an_image_and_refuses_others(
    app: t.Any, tmp_path: Path
) -> None:
    client = app.test_client()
    token = token_in(client.get("/photo").text)
    saved = client.post(
        "/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(b"\x89PNG..."), "../cat.png")},
    )
    assert saved.text == "saved cat.png"
    assert (tmp_path / "cat.png").read_bytes() == b"\x89PNG..."

    refused = client.post(
        "/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(b"MZ"), "run.exe")},
    )
    assert refused.status_code == 400 and "photo: Images only!" in refused.text
    empty = client.post("/photo", data={"csrf_token": token})
    assert empty.status_code == 400 and "photo: This field is required." in empty.text


def test_csrf_protect_guards_a_json_view(flask_alias: None) -> None:
    from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

    from minflask import Flask, jsonify, request

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "csrf protect"
    csrf = CSRFProtect(app)

    @app.get("/token")
    def token() -> t.Any:
        return jsonify(token=generate_csrf())

    @app.post("/api/notes")
    def add_note() -> t.Any:
        return jsonify(saved=request.get_json()["text"]), 201

    @app.post("/webhook")
    @csrf.exempt
    def webhook() -> str:
        return "hooked"

    @app.errorhandler(CSRFError)
    def csrf_failed(e: CSRFError) -> t.Any:
        return jsonify(error=e.description), 400

    client = app.test_client()
    refused = client.post("/api/notes", json={"text": "hi"})
    assert refused.status_code == 400
    assert refused.json == {"error": "The CSRF token is missing."}

    value = client.get("/token").json["token"]
    accepted = client.post(
        "/api/notes", json={"text": "hi"}, headers={"X-CSRFToken": value}
    )
    assert accepted.status_code == 201 and accepted.json == {"saved": "hi"}
    assert client.post("/webhook").text == "hooked"
    # GET is not guarded; a token from another session is refused.
    other = app.test_client().get("/token").json["token"]
    stolen = client.post(
        "/api/notes", json={"text": "x"}, headers={"X-CSRFToken": other}
    )
    assert stolen.json == {"error": "The CSRF tokens do not match."}
