"""The test client, the app-aware EnvironBuilder, and testing mode."""

from __future__ import annotations

import io
import typing as t

import pytest
from werkzeug.datastructures import Headers

import minflask
from minflask import Flask, Response, g, redirect, request, session, url_for
from minflask.json.provider import DefaultJSONProvider
from minflask.testing import EnvironBuilder, FlaskClient


@pytest.fixture
def echo_app(app: Flask) -> Flask:
    """An app whose ``/echo`` view reports what it received as JSON."""

    @app.route("/echo", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
    def echo() -> dict[str, t.Any]:
        return {
            "method": request.method,
            "args": request.args.to_dict(flat=False),
            "form": request.form.to_dict(flat=False),
            "json": request.get_json(silent=True),
            "data": request.get_data(as_text=True) if not request.form else "",
            "content_type": request.content_type,
        }

    return app


# -- HTTP methods and bodies -------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_method_shortcuts(echo_app: Flask, client: FlaskClient, method: str) -> None:
    rv = getattr(client, method)("/echo")
    assert rv.status_code == 200
    assert rv.json["method"] == method.upper()


def test_head(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return "a body"

    rv = client.head("/")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "6"


def test_options(echo_app: Flask, client: FlaskClient) -> None:
    @echo_app.route("/auto", methods=["GET", "POST"])
    def auto() -> str:
        return ""

    rv = client.options("/echo")
    assert rv.status_code == 200
    assert rv.json["method"] == "OPTIONS"
    rv = client.options("/auto")
    assert rv.status_code == 200
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_open_with_method(echo_app: Flask, client: FlaskClient) -> None:
    assert client.open("/echo", method="PATCH").json["method"] == "PATCH"


def test_json_argument(echo_app: Flask, client: FlaskClient) -> None:
    rv = client.post("/echo", json={"a": [1, 2], "b": None})
    assert rv.json["json"] == {"a": [1, 2], "b": None}
    assert rv.json["content_type"] == "application/json"
    assert rv.get_json() == rv.json
    assert rv.is_json


def test_json_encoded_with_app_provider(app: Flask, client: FlaskClient) -> None:
    class Point:
        def __init__(self, x: int, y: int) -> None:
            self.x, self.y = x, y

    class PointProvider(DefaultJSONProvider):
        @staticmethod
        def default(o: t.Any) -> t.Any:
            if isinstance(o, Point):
                return [o.x, o.y]
            return DefaultJSONProvider.default(o)

    app.json = PointProvider(app)

    @app.post("/")
    def index() -> str:
        return request.get_data(as_text=True)

    rv = client.post("/", json={"p": Point(1, 2)})
    assert minflask.json.loads(rv.data) == {"p": [1, 2]}


def test_response_json_decoded_with_app_provider(
    app: Flask, client: FlaskClient
) -> None:
    class TaggingProvider(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return {"decoded_by": "app", "value": super().loads(s, **kwargs)}

    app.json = TaggingProvider(app)

    @app.route("/")
    def index() -> dict[str, int]:
        return {"a": 1}

    rv = client.get("/")
    assert rv.json == {"decoded_by": "app", "value": {"a": 1}}


def test_response_json_not_json(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return "plain"

    rv = client.get("/")
    assert rv.get_json(silent=True) is None
    assert rv.json is None


def test_data_dict_is_form(echo_app: Flask, client: FlaskClient) -> None:
    rv = client.post("/echo", data={"name": "value", "multi": ["a", "b"]})
    assert rv.json["form"] == {"name": ["value"], "multi": ["a", "b"]}
    assert rv.json["content_type"] == "application/x-www-form-urlencoded"


def test_data_str_is_body(echo_app: Flask, client: FlaskClient) -> None:
    rv = client.post("/echo", data="raw text", content_type="text/plain")
    assert rv.json["data"] == "raw text"
    assert rv.json["content_type"] == "text/plain"
    rv = client.put("/echo", data=b"raw bytes")
    assert rv.json["data"] == "raw bytes"


def test_file_upload(app: Flask, client: FlaskClient) -> None:
    @app.post("/upload")
    def upload() -> dict[str, t.Any]:
        file = request.files["file"]
        return {
            "filename": file.filename,
            "content": file.read().decode(),
            "field": request.form["field"],
            "content_type": request.mimetype,
        }

    rv = client.post(
        "/upload",
        data={"file": (io.BytesIO(b"file contents"), "hello.txt"), "field": "x"},
    )
    assert rv.json == {
        "filename": "hello.txt",
        "content": "file contents",
        "field": "x",
        "content_type": "multipart/form-data",
    }


def test_query_string(echo_app: Flask, client: FlaskClient) -> None:
    rv = client.get("/echo", query_string={"a": "1", "b": ["2", "3"]})
    assert rv.json["args"] == {"a": ["1"], "b": ["2", "3"]}
    rv = client.get("/echo", query_string="x=y")
    assert rv.json["args"] == {"x": ["y"]}
    rv = client.get("/echo?in=path")
    assert rv.json["args"] == {"in": ["path"]}


def test_headers(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return request.headers.get("X-Test", "missing")

    assert client.get("/", headers={"X-Test": "dict"}).data == b"dict"
    assert client.get("/", headers=[("X-Test", "list")]).data == b"list"
    assert client.get("/", headers=Headers({"X-Test": "obj"})).data == b"obj"
    assert client.get("/").data == b"missing"


def test_default_remote_addr_and_user_agent(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> dict[str, t.Any]:
        return {"addr": request.remote_addr, "agent": request.user_agent.string}

    rv = client.get("/")
    assert rv.json == {
        "addr": "127.0.0.1",
        "agent": f"Werkzeug/{_werkzeug_version()}",
    }


def test_environ_base_overrides(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return f"{request.remote_addr} {request.user_agent.string}"

    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    client.environ_base["HTTP_USER_AGENT"] = "Custom/1.0"
    assert client.get("/").data == b"10.0.0.1 Custom/1.0"
    rv = client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert rv.data == b"10.0.0.2 Custom/1.0"
    rv = client.get("/", environ_overrides={"REMOTE_ADDR": "10.0.0.3"})
    assert rv.data == b"10.0.0.3 Custom/1.0"


def _werkzeug_version() -> str:
    from importlib.metadata import version

    return version("werkzeug")


# -- redirects ---------------------------------------------------------------------


def test_follow_redirects(app: Flask, client: FlaskClient) -> None:
    @app.route("/start")
    def start() -> Response:
        return redirect(url_for("middle"))  # type: ignore[return-value]

    @app.route("/middle")
    def middle() -> Response:
        return redirect("/end", code=301)  # type: ignore[return-value]

    @app.route("/end")
    def end() -> str:
        return "arrived"

    rv = client.get("/start")
    assert rv.status_code == 302
    assert rv.location == "/middle"

    rv = client.get("/start", follow_redirects=True)
    assert rv.status_code == 200
    assert rv.data == b"arrived"
    assert rv.request.path == "/end"
    assert [r.status_code for r in rv.history] == [302, 301]
    assert [r.request.path for r in rv.history] == ["/start", "/middle"]


# -- cookies -----------------------------------------------------------------------


def test_cookies_persist_across_requests(app: Flask, client: FlaskClient) -> None:
    @app.route("/set")
    def set_cookie() -> Response:
        rv = Response("set")
        rv.set_cookie("flavor", "oatmeal")
        return rv

    @app.route("/get")
    def get_cookie() -> str:
        return request.cookies.get("flavor", "none")

    assert client.get("/get").data == b"none"
    client.get("/set")
    cookie = client.get_cookie("flavor")
    assert cookie is not None
    assert cookie.value == "oatmeal"
    assert client.get("/get").data == b"oatmeal"


def test_client_set_and_delete_cookie(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return request.cookies.get("name", "none")

    client.set_cookie("name", "value")
    assert client.get_cookie("name").value == "value"  # type: ignore[union-attr]
    assert client.get("/").data == b"value"
    client.delete_cookie("name")
    assert client.get_cookie("name") is None
    assert client.get("/").data == b"none"


def test_session_cookie_persists(app: Flask, client: FlaskClient) -> None:
    @app.route("/login")
    def login() -> str:
        session["user"] = "alice"
        return ""

    @app.route("/whoami")
    def whoami() -> str:
        return t.cast(str, session.get("user", "anonymous"))

    assert client.get("/whoami").data == b"anonymous"
    client.get("/login")
    assert client.get_cookie("session") is not None
    assert client.get("/whoami").data == b"alice"
    # A fresh client has its own, empty cookie jar.
    assert app.test_client().get("/whoami").data == b"anonymous"


def test_use_cookies_false(app: Flask) -> None:
    @app.route("/set")
    def set_cookie() -> Response:
        rv = Response("set")
        rv.set_cookie("flavor", "oatmeal")
        return rv

    @app.route("/get")
    def get_cookie() -> str:
        return request.cookies.get("flavor", "none")

    client = app.test_client(use_cookies=False)
    assert "flavor=oatmeal" in client.get("/set").headers["Set-Cookie"]
    assert client.get("/get").data == b"none"
    with pytest.raises(TypeError, match="Cookies are disabled"):
        client.get_cookie("flavor")
    with (
        pytest.raises(TypeError, match="Cookies are disabled"),
        client.session_transaction(),
    ):
        pass


def test_session_transaction(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return t.cast(str, session.get("value", "none"))

    with client.session_transaction() as sess:
        sess["value"] = "from transaction"
    assert client.get("/").data == b"from transaction"
    with client.session_transaction() as sess:
        assert sess["value"] == "from transaction"


# -- preserving the request context ---------------------------------------------


def test_with_client_keeps_request_context(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        g.value = "kept"
        session["user"] = "bob"
        return "ok"

    with client:
        rv = client.get("/?q=search")
        assert rv.data == b"ok"
        assert request.args["q"] == "search"
        assert request.path == "/"
        assert g.value == "kept"
        assert session["user"] == "bob"
        assert minflask.has_request_context()
    assert not minflask.has_request_context()
    assert not minflask.has_app_context()


def test_with_client_next_request_replaces_context(
    app: Flask, client: FlaskClient
) -> None:
    torn_down: list[str] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        torn_down.append(request.path)

    @app.route("/<name>")
    def view(name: str) -> str:
        return name

    with client:
        client.get("/first")
        assert request.path == "/first"
        client.get("/second")
        assert request.path == "/second"
        assert "/first" in torn_down
    assert "/second" in torn_down
    assert not minflask.has_request_context()


def test_without_with_client_context_is_gone(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.args  # noqa: B018


def test_with_client_no_request_leaves_no_context(client: FlaskClient) -> None:
    with client:
        assert not minflask.has_request_context()
    assert not minflask.has_app_context()


def test_nested_with_client_raises(client: FlaskClient) -> None:
    with (
        client,
        pytest.raises(RuntimeError, match="Cannot nest client invocations"),
        client,
    ):
        pass
    # The failed nesting did not leave the client in a broken state.
    with client:
        pass


# -- client.open with ready-made requests ---------------------------------------


def test_open_environ_builder(echo_app: Flask, client: FlaskClient) -> None:
    builder = EnvironBuilder(echo_app, "/echo", method="POST", json={"x": 1})
    try:
        rv = client.open(builder)
    finally:
        builder.close()
    assert rv.json["method"] == "POST"
    assert rv.json["json"] == {"x": 1}


def test_open_environ_builder_gets_client_defaults(
    app: Flask, client: FlaskClient
) -> None:
    @app.route("/")
    def index() -> str:
        return t.cast(str, request.remote_addr)

    builder = EnvironBuilder(app, "/")
    try:
        assert client.open(builder).data == b"127.0.0.1"
    finally:
        builder.close()


def test_open_environ_dict(echo_app: Flask, client: FlaskClient) -> None:
    builder = EnvironBuilder(echo_app, "/echo", method="PUT", query_string="a=b")
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    rv = client.open(environ)
    assert rv.json["method"] == "PUT"
    assert rv.json["args"] == {"a": ["b"]}


def test_open_request_object(echo_app: Flask, client: FlaskClient) -> None:
    builder = EnvironBuilder(echo_app, "/echo", method="DELETE")
    try:
        req = builder.get_request()
    finally:
        builder.close()
    assert client.open(req).json["method"] == "DELETE"


# -- EnvironBuilder ---------------------------------------------------------------


def test_environ_builder_defaults(app: Flask) -> None:
    builder = EnvironBuilder(app)
    try:
        assert builder.base_url == "http://localhost/"
        assert builder.path == "/"
        assert builder.url_scheme == "http"
    finally:
        builder.close()


def test_environ_builder_uses_config(app: Flask) -> None:
    app.config.update(
        SERVER_NAME="example.com:8080",
        APPLICATION_ROOT="/app",
        PREFERRED_URL_SCHEME="https",
    )
    builder = EnvironBuilder(app, "/path?x=1")
    try:
        assert builder.base_url == "https://example.com:8080/app/"
        assert builder.path == "/path"
        assert builder.query_string == "x=1"
        environ = builder.get_environ()
    finally:
        builder.close()
    assert environ["HTTP_HOST"] == "example.com:8080"
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/path"
    assert environ["wsgi.url_scheme"] == "https"


def test_environ_builder_subdomain_and_scheme(app: Flask) -> None:
    builder = EnvironBuilder(app, subdomain="api", url_scheme="https")
    try:
        assert builder.base_url == "https://api.localhost/"
    finally:
        builder.close()
    app.config["SERVER_NAME"] = "example.com"
    builder = EnvironBuilder(app, subdomain="api")
    try:
        assert builder.base_url == "http://api.example.com/"
    finally:
        builder.close()


def test_environ_builder_full_url_path(app: Flask) -> None:
    app.config["SERVER_NAME"] = "example.com"
    builder = EnvironBuilder(app, "https://other.org/some/path?a=b")
    try:
        assert builder.base_url == "https://other.org/"
        assert builder.path == "/some/path"
        assert builder.query_string == "a=b"
    finally:
        builder.close()


def test_environ_builder_base_url(app: Flask) -> None:
    builder = EnvironBuilder(app, "/p", base_url="http://example.org/root/")
    try:
        assert builder.base_url == "http://example.org/root/"
        assert builder.path == "/p"
    finally:
        builder.close()


@pytest.mark.parametrize("option", [{"subdomain": "api"}, {"url_scheme": "https"}])
def test_environ_builder_base_url_conflict(app: Flask, option: dict[str, str]) -> None:
    with pytest.raises(
        AssertionError, match='Cannot pass "subdomain" or "url_scheme" with "base_url"'
    ):
        EnvironBuilder(app, base_url="http://example.com", **option)


def test_environ_builder_json_dumps_uses_app(app: Flask) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]
    builder = EnvironBuilder(app, json={"b": 1, "a": 2})
    try:
        assert builder.input_stream is not None
        assert builder.input_stream.read() == b'{"b": 1, "a": 2}'
    finally:
        builder.close()
    assert EnvironBuilder(app).json_dumps({"z": 1, "a": 2}) == '{"z": 1, "a": 2}'


def test_client_subdomain_request(app: Flask) -> None:
    app.config["SERVER_NAME"] = "example.com"
    app.url_map.default_subdomain = ""
    app.subdomain_matching = True

    @app.route("/", subdomain="api")
    def api_index() -> str:
        return "api"

    @app.route("/")
    def index() -> str:
        return "main"

    client = app.test_client()
    assert client.get("/", subdomain="api").data == b"api"
    assert client.get("/").data == b"main"


def test_client_application_root(app: Flask) -> None:
    app.config["APPLICATION_ROOT"] = "/prefix"

    @app.route("/page")
    def page() -> str:
        return f"{request.script_root} {request.path} {url_for('page')}"

    assert app.test_client().get("/page").data == b"/prefix /page /prefix/page"


def test_client_preferred_url_scheme(app: Flask) -> None:
    app.config["PREFERRED_URL_SCHEME"] = "https"

    @app.route("/")
    def index() -> str:
        return request.scheme

    assert app.test_client().get("/").data == b"https"


# -- test_request_context -----------------------------------------------------------


def test_test_request_context_arguments(app: Flask) -> None:
    with app.test_request_context(
        "/path",
        method="PATCH",
        json={"k": "v"},
        headers={"Authorization": "Bearer token"},
        query_string={"page": "2"},
    ):
        assert request.method == "PATCH"
        assert request.path == "/path"
        assert request.get_json() == {"k": "v"}
        assert request.headers["Authorization"] == "Bearer token"
        assert request.args["page"] == "2"


def test_test_request_context_form_and_files(app: Flask) -> None:
    with app.test_request_context(
        "/", method="POST", data={"f": (io.BytesIO(b"abc"), "a.txt"), "x": "y"}
    ):
        assert request.form["x"] == "y"
        assert request.files["f"].filename == "a.txt"
        assert request.files["f"].read() == b"abc"


# -- client class and testing mode -------------------------------------------------


def test_test_client_class_override(app: Flask) -> None:
    class CustomClient(FlaskClient):
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            self.extra = kwargs.pop("extra", None)
            super().__init__(*args, **kwargs)

    app.test_client_class = CustomClient

    @app.route("/")
    def index() -> str:
        return "ok"

    client = app.test_client(extra="value")
    assert isinstance(client, CustomClient)
    assert client.extra == "value"
    assert client.application is app
    assert client.get("/").data == b"ok"


def test_test_client_returns_flask_client(app: Flask) -> None:
    client = app.test_client()
    assert type(client) is FlaskClient
    assert client.application is app


def test_testing_propagates_exceptions(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("from view")

    assert app.testing is True
    with pytest.raises(ZeroDivisionError, match="from view"):
        app.test_client().get("/")


def test_not_testing_returns_500(app: Flask) -> None:
    app.testing = False

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError

    assert app.config["TESTING"] is False
    rv = app.test_client().get("/")
    assert rv.status_code == 500
    assert b"Internal Server Error" in rv.data


@pytest.mark.parametrize("propagate", [None, True, False])
@pytest.mark.parametrize("testing", [True, False])
@pytest.mark.parametrize("debug", [True, False])
def test_exception_propagation_matrix(
    app: Flask, debug: bool, testing: bool, propagate: bool | None
) -> None:
    app.config.update(DEBUG=debug, TESTING=testing, PROPAGATE_EXCEPTIONS=propagate)

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError

    client = app.test_client()
    should_raise = propagate if propagate is not None else (testing or debug)
    if should_raise:
        with pytest.raises(ZeroDivisionError):
            client.get("/")
    else:
        assert client.get("/").status_code == 500


def test_propagate_exceptions_config_wins(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError

    assert app.test_client().get("/").status_code == 500

    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=True)
    with pytest.raises(ZeroDivisionError):
        app.test_client().get("/")


def test_testing_attribute_mirrors_config(app: Flask) -> None:
    app.testing = False
    assert app.config["TESTING"] is False
    app.config["TESTING"] = True
    assert app.testing is True


def test_http_errors_not_propagated_in_testing(app: Flask) -> None:
    @app.route("/")
    def index() -> str:
        minflask.abort(403)

    assert app.test_client().get("/").status_code == 403
    assert app.test_client().get("/missing").status_code == 404
