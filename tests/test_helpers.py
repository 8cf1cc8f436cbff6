"""Helper functions (make_response, redirect, jsonify, send_file,
send_from_directory), static files, resources and instance/root paths."""

from __future__ import annotations

import io
import os
import sys
import typing as t
from datetime import timedelta

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError

import minflask
from minflask import Flask, request
from minflask.testing import FlaskClient

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(TESTS_DIR, "fixture_files")
STATIC = os.path.join(TESTS_DIR, "static")


def _read(*parts: str) -> bytes:
    with open(os.path.join(TESTS_DIR, *parts), "rb") as f:
        return f.read()


# -- make_response -------------------------------------------------------


def test_make_response_no_args(req_ctx: t.Any) -> None:
    rv = minflask.make_response()
    assert isinstance(rv, minflask.Response)
    assert rv.status_code == 200
    assert rv.get_data() == b""
    assert rv.mimetype == "text/html"


def test_make_response_one_arg(req_ctx: t.Any) -> None:
    rv = minflask.make_response("hello")
    assert rv.get_data() == b"hello"
    rv = minflask.make_response({"a": 1})
    assert rv.mimetype == "application/json"
    assert rv.get_json() == {"a": 1}
    # A single tuple argument is unpacked like a view's return value.
    rv = minflask.make_response(("nope", 404))
    assert rv.status_code == 404


def test_make_response_many_args(req_ctx: t.Any) -> None:
    rv = minflask.make_response("missing", 404, {"X-Test": "1"})
    assert rv.status_code == 404
    assert rv.headers["X-Test"] == "1"
    assert rv.get_data() == b"missing"
    rv = minflask.make_response("teapot", 418)
    assert rv.status_code == 418


def test_make_response_response_identity(req_ctx: t.Any) -> None:
    response = minflask.Response("x")
    assert minflask.make_response(response) is response


def test_make_response_in_view(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> minflask.Response:
        response = minflask.make_response("with cookie")
        response.set_cookie("name", "value")
        return response

    rv = client.get("/")
    assert rv.data == b"with cookie"
    assert "name=value" in rv.headers["Set-Cookie"]


def test_make_response_uses_response_class(app: Flask) -> None:
    class MyResponse(minflask.Response):
        pass

    app.response_class = MyResponse
    with app.test_request_context():
        assert isinstance(minflask.make_response(), MyResponse)
        assert isinstance(minflask.make_response("x"), MyResponse)


def test_make_response_outside_context() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        minflask.make_response("x")


# -- redirect ------------------------------------------------------------


def test_redirect_default_302(req_ctx: t.Any) -> None:
    rv = minflask.redirect("/target")
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/target"
    assert isinstance(rv, minflask.Response)


@pytest.mark.parametrize("code", [301, 303, 307, 308])
def test_redirect_code(req_ctx: t.Any, code: int) -> None:
    rv = minflask.redirect("https://example.com/", code=code)
    assert rv.status_code == code
    assert rv.headers["Location"] == "https://example.com/"


def test_redirect_from_view(app: Flask, client: FlaskClient) -> None:
    @app.route("/old")
    def old() -> t.Any:
        return minflask.redirect(minflask.url_for("new"))

    @app.route("/new")
    def new() -> str:
        return "new"

    rv = client.get("/old")
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/new"
    assert client.get("/old", follow_redirects=True).data == b"new"


def test_redirect_uses_app_redirect(app_ctx: t.Any) -> None:
    calls: list[tuple[str, int]] = []

    class MyFlask(Flask):
        def redirect(self, location: str, code: int = 302) -> t.Any:
            calls.append((location, code))
            return super().redirect(location, code)

    app = MyFlask(__name__)
    with app.app_context():
        rv = minflask.redirect("/x", 307)
    assert calls == [("/x", 307)]
    assert rv.status_code == 307


def test_app_redirect(app: Flask) -> None:
    rv = app.redirect("/somewhere", 301)
    assert isinstance(rv, app.response_class)
    assert rv.status_code == 301
    assert rv.headers["Location"] == "/somewhere"


def test_redirect_without_app_context() -> None:
    rv = minflask.redirect("/plain")
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/plain"


# -- jsonify -------------------------------------------------------------


def test_jsonify(app_ctx: t.Any) -> None:
    rv = minflask.jsonify({"a": 1})
    assert rv.mimetype == "application/json"
    assert rv.get_json() == {"a": 1}
    assert minflask.jsonify(a=1, b=[2]).get_json() == {"a": 1, "b": [2]}
    assert minflask.jsonify(1, 2, 3).get_json() == [1, 2, 3]
    assert minflask.jsonify().get_json() is None
    assert minflask.jsonify("text").get_json() == "text"


def test_jsonify_args_and_kwargs_is_type_error(app_ctx: t.Any) -> None:
    with pytest.raises(TypeError):
        minflask.jsonify({"a": 1}, b=2)


def test_jsonify_with_status(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> t.Any:
        return minflask.jsonify(error="nope"), 400

    rv = client.get("/")
    assert rv.status_code == 400
    assert rv.json == {"error": "nope"}


# -- send_file -----------------------------------------------------------


@pytest.fixture
def file_app(app: Flask) -> Flask:
    """Routes that send fixture files in various ways."""

    @app.route("/hello")
    def hello() -> t.Any:
        return minflask.send_file(os.path.join(FIXTURES, "hello.txt"))

    @app.route("/relative")
    def relative() -> t.Any:
        # Relative paths are resolved against the app's root_path.
        return minflask.send_file("fixture_files/data.json")

    @app.route("/attachment")
    def attachment() -> t.Any:
        return minflask.send_file(
            os.path.join(FIXTURES, "hello.txt"), as_attachment=True
        )

    return app


def test_send_file_path(file_app: Flask, client: FlaskClient) -> None:
    rv = client.get("/hello")
    assert rv.status_code == 200
    assert rv.data == _read("fixture_files", "hello.txt")
    assert rv.mimetype == "text/plain"
    assert rv.headers["Content-Length"] == str(len(rv.data))
    assert "Last-Modified" in rv.headers
    assert rv.headers["Content-Disposition"] == "inline; filename=hello.txt"
    rv.close()


def test_send_file_relative_to_root_path(file_app: Flask, client: FlaskClient) -> None:
    rv = client.get("/relative")
    assert rv.mimetype == "application/json"
    assert rv.data == _read("fixture_files", "data.json")
    rv.close()


def test_send_file_as_attachment(file_app: Flask, client: FlaskClient) -> None:
    rv = client.get("/attachment")
    assert rv.headers["Content-Disposition"] == "attachment; filename=hello.txt"
    rv.close()


def test_send_file_download_name(req_ctx: t.Any) -> None:
    rv = minflask.send_file(
        os.path.join(FIXTURES, "hello.txt"),
        as_attachment=True,
        download_name="report.csv",
    )
    assert rv.headers["Content-Disposition"] == "attachment; filename=report.csv"
    # The mimetype follows the download name.
    assert rv.mimetype == "text/csv"
    rv.close()


def test_send_file_non_ascii_download_name(req_ctx: t.Any) -> None:
    rv = minflask.send_file(
        io.BytesIO(b"x"), as_attachment=True, download_name="Ñandú.txt"
    )
    disposition = rv.headers["Content-Disposition"]
    assert "filename=Nandu.txt" in disposition
    assert "filename*=UTF-8''%C3%91and%C3%BA.txt" in disposition


def test_send_file_object(req_ctx: t.Any) -> None:
    rv = minflask.send_file(io.BytesIO(b"in memory"), download_name="memo.txt")
    rv.direct_passthrough = False
    assert rv.get_data() == b"in memory"
    assert rv.mimetype == "text/plain"
    assert "Content-Disposition" in rv.headers
    assert rv.headers["Content-Disposition"].startswith("inline")


def test_send_file_object_explicit_mimetype(req_ctx: t.Any) -> None:
    rv = minflask.send_file(io.BytesIO(b"{}"), mimetype="application/json")
    rv.direct_passthrough = False
    assert rv.mimetype == "application/json"
    assert rv.get_data() == b"{}"


def test_send_file_object_needs_a_type(req_ctx: t.Any) -> None:
    with pytest.raises(TypeError, match="download_name"):
        minflask.send_file(io.BytesIO(b"data"))


@pytest.mark.parametrize(
    ("name", "mimetype"),
    [
        ("hello.txt", "text/plain"),
        ("data.json", "application/json"),
        ("style.css", "text/css"),
        ("index.html", "text/html"),
        ("archive.unknownext", "application/octet-stream"),
    ],
)
def test_send_file_mimetype_guessing(req_ctx: t.Any, name: str, mimetype: str) -> None:
    rv = minflask.send_file(io.BytesIO(b""), download_name=name)
    assert rv.mimetype == mimetype


def test_send_file_mimetype_override(req_ctx: t.Any) -> None:
    rv = minflask.send_file(
        os.path.join(FIXTURES, "hello.txt"), mimetype="application/x-custom"
    )
    assert rv.mimetype == "application/x-custom"
    rv.close()


def test_send_file_etag_304(file_app: Flask, client: FlaskClient) -> None:
    rv = client.get("/hello")
    etag = rv.headers["ETag"]
    rv.close()
    assert etag
    rv = client.get("/hello", headers={"If-None-Match": etag})
    assert rv.status_code == 304
    assert rv.data == b""
    rv = client.get("/hello", headers={"If-None-Match": '"other"'})
    assert rv.status_code == 200
    rv.close()


def test_send_file_if_modified_since_304(file_app: Flask, client: FlaskClient) -> None:
    rv = client.get("/hello")
    last_modified = rv.headers["Last-Modified"]
    rv.close()
    rv = client.get("/hello", headers={"If-Modified-Since": last_modified})
    assert rv.status_code == 304


def test_send_file_range_206(file_app: Flask, client: FlaskClient) -> None:
    content = _read("fixture_files", "hello.txt")
    rv = client.get("/hello", headers={"Range": "bytes=0-4"})
    assert rv.status_code == 206
    assert rv.data == content[:5]
    assert rv.headers["Content-Range"] == f"bytes 0-4/{len(content)}"
    assert rv.headers["Accept-Ranges"] == "bytes"
    rv.close()


def test_send_file_unsatisfiable_range_416(
    file_app: Flask, client: FlaskClient
) -> None:
    rv = client.get("/hello", headers={"Range": "bytes=1000-2000"})
    assert rv.status_code == 416
    rv.close()


def test_send_file_not_conditional(req_ctx: t.Any) -> None:
    rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"), conditional=False)
    assert "Accept-Ranges" not in rv.headers
    assert rv.status_code == 200
    rv.close()


def test_send_file_no_etag(req_ctx: t.Any) -> None:
    rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"), etag=False)
    assert "ETag" not in rv.headers
    rv.close()
    rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"), etag="custom")
    assert rv.headers["ETag"] == '"custom"'
    rv.close()


def test_send_file_max_age_default_none(req_ctx: t.Any) -> None:
    rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"))
    assert rv.cache_control.no_cache
    assert rv.cache_control.max_age is None
    assert rv.expires is None
    rv.close()


def test_send_file_max_age_argument(req_ctx: t.Any) -> None:
    rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"), max_age=60)
    assert rv.cache_control.max_age == 60
    assert rv.cache_control.public
    assert rv.expires is not None
    rv.close()


@pytest.mark.parametrize("value", [3600, timedelta(hours=1)])
def test_send_file_max_age_config(app: Flask, value: int | timedelta) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = value
    with app.test_request_context():
        rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"))
        assert rv.cache_control.max_age == 3600
        assert rv.cache_control.public
        rv.close()
        # An explicit max_age wins over the config.
        rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"), max_age=5)
        assert rv.cache_control.max_age == 5
        rv.close()


def test_send_file_missing_path(req_ctx: t.Any) -> None:
    with pytest.raises(FileNotFoundError):
        minflask.send_file(os.path.join(FIXTURES, "missing.txt"))


def test_send_file_outside_request() -> None:
    with pytest.raises(RuntimeError):
        minflask.send_file(os.path.join(FIXTURES, "hello.txt"))


def test_use_x_sendfile(app: Flask) -> None:
    app.config["USE_X_SENDFILE"] = True
    with app.test_request_context():
        rv = minflask.send_file(os.path.join(FIXTURES, "hello.txt"))
    assert rv.headers["X-Sendfile"] == os.path.join(FIXTURES, "hello.txt")
    assert rv.get_data() == b""


# -- send_from_directory -------------------------------------------------


def test_send_from_directory(req_ctx: t.Any) -> None:
    rv = minflask.send_from_directory(FIXTURES, "hello.txt")
    rv.direct_passthrough = False
    assert rv.get_data() == _read("fixture_files", "hello.txt")
    assert rv.mimetype == "text/plain"
    rv.close()


def test_send_from_directory_subfolder(req_ctx: t.Any) -> None:
    rv = minflask.send_from_directory(STATIC, "sub/nested.txt")
    rv.direct_passthrough = False
    assert rv.get_data() == b"nested file\n"
    rv.close()


def test_send_from_directory_relative_directory(req_ctx: t.Any) -> None:
    """A relative directory is resolved against the app's root_path."""
    rv = minflask.send_from_directory("fixture_files", "data.json")
    assert rv.mimetype == "application/json"
    rv.close()


@pytest.mark.parametrize(
    "path",
    [
        "../fixture_files/hello.txt",
        "sub/../../fixture_files/hello.txt",
        "/etc/passwd",
        "missing.txt",
        "sub",
    ],
)
def test_send_from_directory_404(req_ctx: t.Any, path: str) -> None:
    with pytest.raises(NotFound):
        minflask.send_from_directory(STATIC, path)


def test_send_from_directory_traversal_in_view(app: Flask, client: FlaskClient) -> None:
    @app.route("/files/<path:name>")
    def files(name: str) -> t.Any:
        return minflask.send_from_directory(STATIC, name)

    assert client.get("/files/style.css").status_code == 200
    assert client.get("/files/..%2Ffixture_files%2Fhello.txt").status_code == 404
    assert client.get("/files/missing.css").status_code == 404


def test_send_from_directory_kwargs(req_ctx: t.Any) -> None:
    rv = minflask.send_from_directory(
        FIXTURES, "hello.txt", as_attachment=True, download_name="greeting.txt"
    )
    assert rv.headers["Content-Disposition"] == "attachment; filename=greeting.txt"
    rv.close()


# -- static files --------------------------------------------------------


def test_static_route(app: Flask, client: FlaskClient) -> None:
    assert app.static_folder == STATIC
    assert app.static_url_path == "/static"
    rv = client.get("/static/style.css")
    assert rv.status_code == 200
    assert rv.mimetype == "text/css"
    assert rv.data == _read("static", "style.css")
    rv.close()
    rv = client.get("/static/sub/nested.txt")
    assert rv.data == b"nested file\n"
    rv.close()


def test_static_route_missing_and_traversal(app: Flask, client: FlaskClient) -> None:
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/../fixture_files/hello.txt").status_code == 404
    assert client.get("/static/..%2Fconftest.py").status_code == 404


def test_static_url_for(app: Flask) -> None:
    with app.test_request_context():
        assert minflask.url_for("static", filename="style.css") == "/static/style.css"
        assert (
            minflask.url_for("static", filename="sub/nested.txt")
            == "/static/sub/nested.txt"
        )
        assert (
            minflask.url_for("static", filename="style.css", _external=True)
            == "http://localhost/static/style.css"
        )


def test_static_conditional(app: Flask, client: FlaskClient) -> None:
    rv = client.get("/static/index.html")
    etag = rv.headers["ETag"]
    rv.close()
    assert (
        client.get("/static/index.html", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_static_max_age_config(app: Flask, client: FlaskClient) -> None:
    rv = client.get("/static/style.css")
    assert rv.cache_control.max_age is None
    assert rv.cache_control.no_cache
    rv.close()
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 120
    rv = client.get("/static/style.css")
    assert rv.cache_control.max_age == 120
    assert rv.cache_control.public
    rv.close()


def test_custom_static_url_path() -> None:
    app = Flask(__name__, static_url_path="/assets", root_path=TESTS_DIR)
    assert app.static_url_path == "/assets"
    client = app.test_client()
    rv = client.get("/assets/style.css")
    assert rv.status_code == 200
    rv.close()
    assert client.get("/static/style.css").status_code == 404
    with app.test_request_context():
        assert minflask.url_for("static", filename="a.css") == "/assets/a.css"


def test_empty_static_url_path() -> None:
    app = Flask(__name__, static_url_path="", root_path=TESTS_DIR)
    rv = app.test_client().get("/style.css")
    assert rv.status_code == 200
    rv.close()
    with app.test_request_context():
        assert minflask.url_for("static", filename="a.css") == "/a.css"


def test_custom_static_folder() -> None:
    app = Flask(__name__, static_folder="fixture_files", root_path=TESTS_DIR)
    assert app.static_folder == FIXTURES
    # The URL path defaults to the folder's name.
    assert app.static_url_path == "/fixture_files"
    rv = app.test_client().get("/fixture_files/hello.txt")
    assert rv.data == _read("fixture_files", "hello.txt")
    rv.close()


def test_absolute_static_folder() -> None:
    app = Flask(
        __name__, static_folder=FIXTURES, static_url_path="/f", root_path="/nowhere"
    )
    assert app.static_folder == FIXTURES
    rv = app.test_client().get("/f/hello.txt")
    assert rv.status_code == 200
    rv.close()


def test_static_folder_none_means_no_route() -> None:
    app = Flask(__name__, static_folder=None, root_path=TESTS_DIR)
    assert app.static_folder is None
    assert app.static_url_path is None
    assert not app.has_static_folder
    assert "static" not in app.view_functions
    assert all(rule.endpoint != "static" for rule in app.url_map.iter_rules())
    assert app.test_client().get("/static/style.css").status_code == 404
    with app.test_request_context():
        with pytest.raises(BuildError):
            minflask.url_for("static", filename="style.css")
        with pytest.raises(RuntimeError, match="static_folder"):
            app.send_static_file("style.css")


def test_static_folder_setter(app: Flask) -> None:
    app.static_folder = "fixture_files/"
    assert app.static_folder == FIXTURES
    app.static_url_path = "/files/"
    assert app.static_url_path == "/files"


def test_send_static_file(app: Flask) -> None:
    with app.test_request_context():
        rv = app.send_static_file("index.html")
        rv.direct_passthrough = False
        assert rv.get_data() == _read("static", "index.html")
        assert rv.mimetype == "text/html"
        rv.close()
        with pytest.raises(NotFound):
            app.send_static_file("missing.html")
        with pytest.raises(NotFound):
            app.send_static_file("../conftest.py")


def test_get_send_file_max_age_override(client: FlaskClient) -> None:
    class CachingFlask(Flask):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            if filename is not None and filename.endswith(".css"):
                return 600
            return super().get_send_file_max_age(filename)

    app = CachingFlask(__name__, root_path=TESTS_DIR)
    client = app.test_client()
    rv = client.get("/static/style.css")
    assert rv.cache_control.max_age == 600
    rv.close()
    rv = client.get("/static/index.html")
    assert rv.cache_control.max_age is None
    rv.close()
    # send_file asks the same method, with the file's name.
    with app.test_request_context():
        rv = minflask.send_file(os.path.join(STATIC, "style.css"))
        assert rv.cache_control.max_age == 600
        rv.close()


def test_get_send_file_max_age_values(app: Flask) -> None:
    with app.app_context():
        assert app.get_send_file_max_age("x.txt") is None
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=2)
        assert app.get_send_file_max_age("x.txt") == 120
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 30
        assert app.get_send_file_max_age(None) == 30


# -- resources and paths -------------------------------------------------


def test_open_resource_binary(app: Flask) -> None:
    with app.open_resource("fixture_files/resource.txt") as f:
        assert f.read() == "resource text: café\n".encode()


@pytest.mark.parametrize("mode", ["r", "rt"])
def test_open_resource_text(app: Flask, mode: str) -> None:
    with app.open_resource("fixture_files/resource.txt", mode, encoding="utf-8") as f:
        assert f.read() == "resource text: café\n"


def test_open_resource_encoding(app: Flask) -> None:
    with app.open_resource("fixture_files/resource.txt", "r", encoding="latin-1") as f:
        assert f.read() == "resource text: cafÃ©\n"


@pytest.mark.parametrize("mode", ["w", "wb", "a", "ab", "r+", "rb+", "x", "w+"])
def test_open_resource_write_modes(app: Flask, mode: str) -> None:
    with pytest.raises(ValueError, match="reading"):
        app.open_resource("fixture_files/resource.txt", mode)


def test_open_resource_missing(app: Flask) -> None:
    with pytest.raises(FileNotFoundError):
        app.open_resource("fixture_files/missing.txt")


def test_open_instance_resource(tmp_path: t.Any) -> None:
    app = Flask(__name__, instance_path=str(tmp_path))
    with app.open_instance_resource("notes.txt", "w") as f:
        f.write("instance café")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "instance café"
    with app.open_instance_resource("notes.txt", "a") as f:
        f.write("!")
    with app.open_instance_resource("notes.txt") as f:
        assert f.read() == "instance café!".encode()
    with app.open_instance_resource("notes.txt", "r") as f:
        assert f.read() == "instance café!"
    with app.open_instance_resource("notes.txt", "wb") as f:
        f.write(b"bytes")
    assert (tmp_path / "notes.txt").read_bytes() == b"bytes"


def test_instance_path_absolute(tmp_path: t.Any) -> None:
    app = Flask(__name__, instance_path=str(tmp_path))
    assert app.instance_path == str(tmp_path)


def test_instance_path_relative_is_value_error() -> None:
    with pytest.raises(ValueError, match="absolute"):
        Flask(__name__, instance_path="instance")


def test_instance_relative_config(tmp_path: t.Any) -> None:
    (tmp_path / "settings.py").write_text("FROM_INSTANCE = 'yes'\n")
    app = Flask(__name__, instance_path=str(tmp_path), instance_relative_config=True)
    assert app.config.root_path == str(tmp_path)
    assert app.config.from_pyfile("settings.py")
    assert app.config["FROM_INSTANCE"] == "yes"


def test_config_relative_to_root_path_by_default(tmp_path: t.Any) -> None:
    app = Flask(__name__, instance_path=str(tmp_path), root_path=TESTS_DIR)
    assert app.config.root_path == TESTS_DIR


@pytest.fixture
def fixture_modules(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    """Make the fixture app modules importable, and forget them afterwards."""
    monkeypatch.syspath_prepend(FIXTURES)
    yield
    for name in ("mf_rootmod", "mf_rootpkg"):
        sys.modules.pop(name, None)


def test_root_path_for_module(fixture_modules: None) -> None:
    import mf_rootmod  # type: ignore[import-not-found]

    app = mf_rootmod.app
    assert app.root_path == FIXTURES
    assert app.static_folder == os.path.join(FIXTURES, "static")
    assert app.instance_path == os.path.join(FIXTURES, "instance")


def test_root_path_for_package(fixture_modules: None) -> None:
    import mf_rootpkg  # type: ignore[import-not-found]

    app = mf_rootpkg.app
    package_dir = os.path.join(FIXTURES, "mf_rootpkg")
    assert app.root_path == package_dir
    # The instance folder sits next to the package, not inside it.
    assert app.instance_path == os.path.join(FIXTURES, "instance")


def test_root_path_for_unimported_module(fixture_modules: None) -> None:
    """The module is found on sys.path without being imported."""
    app = Flask("mf_rootmod")
    assert app.root_path == FIXTURES
    app = Flask("mf_rootpkg")
    assert app.root_path == os.path.join(FIXTURES, "mf_rootpkg")


def test_root_path_for_this_module() -> None:
    assert Flask(__name__).root_path == TESTS_DIR


def test_root_path_explicit() -> None:
    app = Flask(__name__, root_path="/some/where")
    assert app.root_path == "/some/where"
    assert app.static_folder == os.path.join("/some/where", "static")


def test_root_path_unknown_module_is_cwd() -> None:
    assert Flask("mf_no_such_module_here").root_path == os.getcwd()


def test_helpers_resolve_current_app(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> t.Any:
        assert minflask.current_app._get_current_object() is app  # type: ignore[attr-defined]
        return minflask.send_from_directory(app.static_folder, request.args["name"])

    rv = client.get("/?name=style.css")
    assert rv.status_code == 200
    rv.close()


# -- instance path detection ---------------------------------------------

_APP_SOURCE = "from minflask import Flask\n\napp = Flask(__name__)\n"


@pytest.fixture
def module_dir(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[t.Any]:
    """A folder on sys.path for throwaway app modules, forgotten afterwards."""
    folder = tmp_path / "modules"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    # Only the throwaway modules: anything else imported meanwhile stays.
    for name in [name for name in sys.modules if name.startswith("mf_")]:
        del sys.modules[name]


def _import_app(name: str) -> Flask:
    import importlib

    return t.cast(Flask, importlib.import_module(name).app)


def test_instance_path_uninstalled_module(module_dir: t.Any) -> None:
    (module_dir / "mf_inst_mod.py").write_text(_APP_SOURCE)
    app = _import_app("mf_inst_mod")
    assert app.instance_path == str(module_dir / "instance")


def test_instance_path_uninstalled_package(module_dir: t.Any) -> None:
    (module_dir / "mf_inst_pkg").mkdir()
    (module_dir / "mf_inst_pkg" / "__init__.py").write_text(_APP_SOURCE)
    (module_dir / "mf_inst_pkg" / "sub.py").write_text(_APP_SOURCE)
    assert _import_app("mf_inst_pkg").instance_path == str(module_dir / "instance")
    # A submodule's app shares the top-level package's instance folder.
    sub = _import_app("mf_inst_pkg.sub")
    assert sub.instance_path == str(module_dir / "instance")
    assert sub.root_path == str(module_dir / "mf_inst_pkg")


def test_instance_path_namespace_package(
    module_dir: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A namespace package split over two projects: the instance folder is
    in the project that holds the app's module."""
    projects = []
    for part in ("one", "two"):
        project = module_dir.parent / f"project-{part}"
        (project / "mf_ns" / part).mkdir(parents=True)
        (project / "mf_ns" / part / "__init__.py").write_text(_APP_SOURCE)
        monkeypatch.syspath_prepend(str(project))
        projects.append(project)
    app = _import_app("mf_ns.two")
    assert app.instance_path == str(projects[1] / "instance")
    assert app.root_path == str(projects[1] / "mf_ns" / "two")


def test_instance_path_installed_under_prefix(
    module_dir: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = module_dir.parent / "prefix"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = prefix / "lib" / version / "site-packages"
    (site_packages / "mf_site_pkg").mkdir(parents=True)
    (site_packages / "mf_site_mod.py").write_text(_APP_SOURCE)
    (site_packages / "mf_site_pkg" / "__init__.py").write_text(_APP_SOURCE)
    monkeypatch.syspath_prepend(str(site_packages))
    monkeypatch.setattr(sys, "prefix", str(prefix))
    var = prefix / "var"
    assert _import_app("mf_site_mod").instance_path == str(var / "mf_site_mod-instance")
    assert _import_app("mf_site_pkg").instance_path == str(var / "mf_site_pkg-instance")


def test_instance_path_main_module(
    module_dir: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``__main__`` (a script) without an import spec: the working directory."""
    import types

    main = types.ModuleType("__main__")
    main.__file__ = str(module_dir / "script.py")
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.chdir(module_dir.parent)
    app = Flask("__main__")
    assert app.instance_path == str(module_dir.parent / "instance")
    assert app.name == "script"


def test_static_route_with_host_matching() -> None:
    app = Flask(__name__, host_matching=True, static_host="example.test")
    rv = app.test_client().get("http://example.test/static/index.html")
    assert rv.status_code == 200
    assert rv.data.strip() == b"<h1>Hello World!</h1>"
    rv.close()
    with app.test_request_context():
        url = minflask.url_for("static", filename="index.html", _external=True)
    assert url == "http://example.test/static/index.html"


@pytest.mark.parametrize(
    "kwargs", [{"static_host": "example.test"}, {"host_matching": True}]
)
def test_static_host_requires_host_matching(kwargs: dict[str, t.Any]) -> None:
    with pytest.raises(AssertionError):
        Flask(__name__, **kwargs)


def test_host_matching_without_static_folder() -> None:
    app = Flask(__name__, host_matching=True, static_folder=None)
    assert "static" not in app.view_functions


def test_send_from_directory_follows_root_path_changes(app: Flask) -> None:
    app.root_path = FIXTURES
    with app.test_request_context():
        rv = minflask.send_from_directory("mf_rootpkg", "__init__.py")
        rv.direct_passthrough = False
        assert b"package app" in rv.get_data()
        rv.close()
