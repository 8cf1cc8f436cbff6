"""Request and Response objects, body limits, and converting view return
values into responses."""

from __future__ import annotations

import io
import typing as t

import pytest
from werkzeug.datastructures import Headers
from werkzeug.exceptions import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
)
from werkzeug.routing import Rule

import minflask
from minflask import Flask, request
from minflask.testing import FlaskClient

# -- routing information on the request ----------------------------------


def test_request_routing_attributes(app: Flask, client: FlaskClient) -> None:
    seen: dict[str, t.Any] = {}

    @app.route("/user/<int:user_id>", endpoint="user")
    def user(user_id: int) -> str:
        seen.update(
            endpoint=request.endpoint,
            view_args=request.view_args,
            url_rule=request.url_rule,
            routing_exception=request.routing_exception,
            blueprint=request.blueprint,
            blueprints=request.blueprints,
        )
        return ""

    client.get("/user/7")
    assert seen["endpoint"] == "user"
    assert seen["view_args"] == {"user_id": 7}
    assert isinstance(seen["url_rule"], Rule)
    assert seen["url_rule"].rule == "/user/<int:user_id>"
    assert seen["routing_exception"] is None
    assert seen["blueprint"] is None
    assert seen["blueprints"] == []


def test_request_routing_attributes_on_404(app: Flask, client: FlaskClient) -> None:
    seen: dict[str, t.Any] = {}

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        seen.update(
            endpoint=request.endpoint,
            view_args=request.view_args,
            url_rule=request.url_rule,
            routing_exception=request.routing_exception,
            blueprint=request.blueprint,
            blueprints=request.blueprints,
        )
        return "", 404

    client.get("/missing")
    assert seen["endpoint"] is None
    assert seen["view_args"] is None
    assert seen["url_rule"] is None
    assert isinstance(seen["routing_exception"], NotFound)
    assert seen["blueprint"] is None
    assert seen["blueprints"] == []


def test_routing_exception_405(app: Flask) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return ""

    with app.test_request_context("/"):
        assert isinstance(request.routing_exception, MethodNotAllowed)
        assert request.url_rule is None


def test_request_blueprint_attributes(app: Flask, client: FlaskClient) -> None:
    parent = minflask.Blueprint("parent", __name__, url_prefix="/parent")
    child = minflask.Blueprint("child", __name__, url_prefix="/child")
    seen: list[tuple[t.Any, ...]] = []

    def record() -> str:
        seen.append((request.endpoint, request.blueprint, request.blueprints))
        return ""

    parent.add_url_rule("/", "index", record)
    child.add_url_rule("/", "index", record)
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    client.get("/parent/")
    client.get("/parent/child/")
    assert seen[0] == ("parent.index", "parent", ["parent"])
    assert seen[1] == ("parent.child.index", "parent.child", ["parent.child", "parent"])


def test_request_outside_context_raises() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        request.method  # noqa: B018


# -- JSON bodies ---------------------------------------------------------


@pytest.fixture
def echo_json(app: Flask) -> Flask:
    @app.post("/json")
    def json_view() -> t.Any:
        return {"value": request.get_json(), "is_json": request.is_json}

    return app


def test_get_json(echo_json: Flask, client: FlaskClient) -> None:
    rv = client.post("/json", json={"a": [1, 2]})
    assert rv.json == {"value": {"a": [1, 2]}, "is_json": True}


def test_get_json_wrong_content_type_is_415(
    echo_json: Flask, client: FlaskClient
) -> None:
    rv = client.post("/json", data='{"a": 1}', content_type="text/plain")
    assert rv.status_code == 415
    assert b"application/json" in rv.data


def test_get_json_malformed_is_400(app: Flask, client: FlaskClient) -> None:
    @app.post("/json")
    def json_view() -> t.Any:
        return {"value": request.get_json()}

    rv = client.post("/json", data="{not json", content_type="application/json")
    assert rv.status_code == 400


def test_get_json_malformed_description_in_debug(app: Flask) -> None:
    """In debug mode the 400's description says why decoding failed."""
    app.debug = True
    with (
        app.test_request_context(
            "/", method="POST", data="{not json", content_type="application/json"
        ),
        pytest.raises(BadRequest) as exc_info,
    ):
        request.get_json()
    description = t.cast(str, exc_info.value.description)
    assert "Failed to decode JSON object" in description


def test_get_json_malformed_outside_debug(app: Flask) -> None:
    """Outside debug mode the 400 still says the body is not JSON, but the
    parser's details stay out of it (they are kept as the cause)."""
    with (
        app.test_request_context(
            "/", method="POST", data="{not json", content_type="application/json"
        ),
        pytest.raises(BadRequest) as exc_info,
    ):
        request.get_json()
    description = t.cast(str, exc_info.value.description)
    assert "not valid JSON" in description
    assert "Failed to decode" not in description
    cause = exc_info.value.__cause__
    assert isinstance(cause, BadRequest)
    assert "Failed to decode JSON object" in t.cast(str, cause.description)


def test_get_json_malformed_response_outside_debug(
    app: Flask, client: FlaskClient
) -> None:
    @app.post("/json")
    def json_view() -> t.Any:
        return {"value": request.get_json()}

    rv = client.post("/json", data="[1,", content_type="application/json")
    assert rv.status_code == 400
    assert b"not valid JSON" in rv.data
    assert b"Failed to decode" not in rv.data


def test_get_json_silent(app: Flask) -> None:
    with app.test_request_context(
        "/", method="POST", data="{not json", content_type="application/json"
    ):
        assert request.get_json(silent=True) is None
    with app.test_request_context(
        "/", method="POST", data='{"a": 1}', content_type="text/plain"
    ):
        assert request.get_json(silent=True) is None
        assert request.is_json is False


def test_get_json_force(app: Flask) -> None:
    with app.test_request_context(
        "/", method="POST", data='{"a": 1}', content_type="text/plain"
    ):
        assert request.get_json(force=True) == {"a": 1}


def test_get_json_cache(app: Flask) -> None:
    with app.test_request_context("/", method="POST", json={"a": 1}):
        first = request.get_json()
        assert request.get_json() is first
        assert request.json is first
    with app.test_request_context("/", method="POST", json={"a": 1}):
        assert request.get_json(cache=False) == {"a": 1}
        # Nothing was kept, and the body has been consumed.
        assert request.get_json(silent=True) is None


def test_request_json_property_errors(app: Flask) -> None:
    with (
        app.test_request_context("/", method="POST", data="x"),
        pytest.raises(UnsupportedMediaType),
    ):
        request.json  # noqa: B018


def test_get_json_uses_app_provider(app: Flask) -> None:
    class Provider(minflask.json.provider.DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return {"loaded_by": "custom"}

    app.json = Provider(app)
    with app.test_request_context("/", method="POST", json={"a": 1}):
        assert request.get_json() == {"loaded_by": "custom"}


# -- body size limits ----------------------------------------------------


@pytest.fixture
def body_app(app: Flask) -> Flask:
    @app.post("/form")
    def form() -> str:
        return str(len(request.form))

    @app.post("/data")
    def data() -> str:
        return str(len(request.get_data()))

    return app


def test_max_content_length(body_app: Flask, client: FlaskClient) -> None:
    body_app.config["MAX_CONTENT_LENGTH"] = 10
    assert client.post("/data", data="x" * 10).data == b"10"
    assert client.post("/data", data="x" * 11).status_code == 413
    assert client.post("/form", data={"a": "x" * 20}).status_code == 413
    assert client.post("/form", data={"a": "x"}).data == b"1"


def test_max_content_length_none(body_app: Flask, client: FlaskClient) -> None:
    assert client.post("/data", data="x" * 100_000).data == b"100000"


def test_max_content_length_per_request(body_app: Flask, client: FlaskClient) -> None:
    body_app.config["MAX_CONTENT_LENGTH"] = 10

    @body_app.post("/upload")
    def upload() -> str:
        request.max_content_length = 1000
        return str(len(request.get_data()))

    @body_app.post("/strict")
    def strict() -> str:
        request.max_content_length = 5
        return str(len(request.get_data()))

    assert client.post("/upload", data="x" * 500).data == b"500"
    assert client.post("/strict", data="x" * 6).status_code == 413


def test_max_content_length_reads_config(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 123
    with app.test_request_context():
        assert request.max_content_length == 123
        request.max_content_length = 7
        assert request.max_content_length == 7


def test_limits_follow_context_and_overrides(app: Flask) -> None:
    app.config.update(MAX_CONTENT_LENGTH=100, MAX_FORM_MEMORY_SIZE=50, MAX_FORM_PARTS=3)
    req = minflask.Request({})
    # No app context: Werkzeug's defaults.
    assert req.max_content_length is None
    assert req.max_form_memory_size == 500_000
    assert req.max_form_parts == 1_000
    with app.app_context():
        assert req.max_content_length == 100
        assert req.max_form_memory_size == 50
        assert req.max_form_parts == 3
    req.max_content_length = 90
    req.max_form_memory_size = 30
    req.max_form_parts = 4
    assert (req.max_content_length, req.max_form_memory_size, req.max_form_parts) == (
        90,
        30,
        4,
    )
    with app.app_context():
        assert req.max_content_length == 90
        assert req.max_form_memory_size == 30
        assert req.max_form_parts == 4


def test_413_handler(body_app: Flask, client: FlaskClient) -> None:
    body_app.config["MAX_CONTENT_LENGTH"] = 50
    body_app.register_error_handler(413, lambda e: ("too big", 413))
    rv = client.post("/form", data={"myfile": "foo" * 50})
    assert rv.status_code == 413
    assert rv.data == b"too big"


def test_untrusted_host_in_test_request_context(app: Flask) -> None:
    """The context still pushes; the 400 waits as the routing exception."""
    app.config["TRUSTED_HOSTS"] = ["example.test"]
    with app.test_request_context(base_url="http://evil.test"):
        assert isinstance(request.routing_exception, BadRequest)
        assert request.routing_exception.code == 400


def test_max_form_memory_size(body_app: Flask, client: FlaskClient) -> None:
    # The limit applies to non-file fields of multipart bodies, as Flask
    # documents (Werkzeug >= 3.1.9 no longer applies it to urlencoded ones).
    body_app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    small = {"a": "x" * 200, "f": (io.BytesIO(b"y"), "f.txt")}
    assert client.post("/form", data=small).data == b"1"
    big = {"a": "x" * 2000, "f": (io.BytesIO(b"y"), "f.txt")}
    assert client.post("/form", data=big).status_code == 413


def test_max_form_memory_size_default(app: Flask) -> None:
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 500_000
    assert app.config["MAX_FORM_PARTS"] == 1_000
    with app.test_request_context():
        assert request.max_form_memory_size == 500_000
        assert request.max_form_parts == 1_000


def test_max_form_parts(body_app: Flask, client: FlaskClient) -> None:
    body_app.config["MAX_FORM_PARTS"] = 3
    files = {"f": (io.BytesIO(b"y"), "f.txt")}
    assert client.post("/form", data={"a": "1", **files}).data == b"1"
    data: dict[str, t.Any] = {f"k{i}": "v" for i in range(5)}
    data["f"] = (io.BytesIO(b"y"), "f.txt")
    assert client.post("/form", data=data).status_code == 413


def test_form_limits_per_request(body_app: Flask, client: FlaskClient) -> None:
    body_app.config.update(MAX_FORM_MEMORY_SIZE=10, MAX_FORM_PARTS=2)

    @body_app.post("/relaxed")
    def relaxed() -> str:
        request.max_form_memory_size = 100_000
        request.max_form_parts = 100
        return str(len(request.form))

    data: dict[str, t.Any] = {f"k{i}": "v" * 50 for i in range(5)}
    data["f"] = (io.BytesIO(b"y"), "f.txt")
    assert client.post("/relaxed", data=data).data == b"5"


# -- trusted hosts -------------------------------------------------------


def test_trusted_hosts(app: Flask, client: FlaskClient) -> None:
    app.config["TRUSTED_HOSTS"] = ["example.test", ".sub.example.test"]

    @app.route("/")
    def index() -> str:
        return request.host

    assert client.get("/", base_url="http://example.test").data == b"example.test"
    assert client.get("/", base_url="http://a.sub.example.test").status_code == 200
    assert client.get("/", base_url="http://evil.test").status_code == 400
    assert client.get("/", base_url="http://localhost").status_code == 400


def test_trusted_hosts_unset_allows_any(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return request.host

    assert client.get("/", base_url="http://anything.test").data == b"anything.test"


def test_trusted_hosts_handler_sees_400(app: Flask, client: FlaskClient) -> None:
    app.config["TRUSTED_HOSTS"] = ["example.test"]
    app.register_error_handler(400, lambda e: ("untrusted host", 400))
    rv = client.get("/", base_url="http://evil.test")
    assert rv.data == b"untrusted host"


# -- Response ------------------------------------------------------------


def test_response_defaults() -> None:
    rv = minflask.Response("hello")
    assert rv.status_code == 200
    assert rv.mimetype == "text/html"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"


def test_app_response_class(app: Flask) -> None:
    assert app.response_class is minflask.Response
    assert app.request_class is minflask.Request


def test_custom_response_class(app: Flask, client: FlaskClient) -> None:
    class TextResponse(minflask.Response):
        default_mimetype = "text/plain"

    app.response_class = TextResponse

    @app.route("/")
    def index() -> str:
        return "plain"

    rv = client.get("/")
    assert rv.mimetype == "text/plain"


def test_custom_request_class(app: Flask, client: FlaskClient) -> None:
    class MyRequest(minflask.Request):
        marker = "mine"

    app.request_class = MyRequest

    @app.route("/")
    def index() -> str:
        assert isinstance(request._get_current_object(), MyRequest)  # type: ignore[attr-defined]
        return request.marker  # type: ignore[attr-defined, no-any-return]

    assert client.get("/").data == b"mine"


# -- make_response: return value conversions ------------------------------


def _respond(app: Flask, rv: t.Any) -> t.Any:
    """The test client's response for a view that returns ``rv``."""

    @app.route("/")
    def index() -> t.Any:
        return rv

    return app.test_client().get("/")


def test_str(app: Flask) -> None:
    rv = _respond(app, "héllo")
    assert rv.status_code == 200
    assert rv.mimetype == "text/html"
    assert rv.data == "héllo".encode()


def test_bytes(app: Flask) -> None:
    rv = _respond(app, b"\x00raw")
    assert rv.data == b"\x00raw"
    assert rv.mimetype == "text/html"


def test_dict_is_json(app: Flask) -> None:
    rv = _respond(app, {"a": 1})
    assert rv.mimetype == "application/json"
    assert rv.json == {"a": 1}


def test_list_is_json(app: Flask) -> None:
    rv = _respond(app, [1, "two"])
    assert rv.mimetype == "application/json"
    assert rv.json == [1, "two"]


def test_tuple_body_status(app: Flask) -> None:
    rv = _respond(app, ("created", 201))
    assert rv.status_code == 201
    assert rv.data == b"created"


def test_tuple_status_string(app: Flask) -> None:
    rv = _respond(app, ("odd", "299 Odd Status"))
    assert rv.status_code == 299
    assert rv.status == "299 Odd Status"
    rv = _respond(Flask(__name__), ("teapot", "418"))
    assert rv.status_code == 418


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Foo": "bar"},
        [("X-Foo", "bar")],
        Headers({"X-Foo": "bar"}),
    ],
)
def test_tuple_body_headers(app: Flask, headers: t.Any) -> None:
    rv = _respond(app, ("body", headers))
    assert rv.status_code == 200
    assert rv.headers["X-Foo"] == "bar"
    assert rv.data == b"body"


def test_tuple_body_status_headers(app: Flask) -> None:
    rv = _respond(app, ("body", 404, {"X-Foo": "bar"}))
    assert rv.status_code == 404
    assert rv.headers["X-Foo"] == "bar"


def test_tuple_headers_replace_content_type(app: Flask) -> None:
    rv = _respond(app, ("a,b", {"Content-Type": "text/csv"}))
    assert rv.headers["Content-Type"] == "text/csv"
    assert len(rv.headers.getlist("Content-Type")) == 1


def test_tuple_dict_with_status(app: Flask) -> None:
    rv = _respond(app, ({"error": "nope"}, 400, [("X-Err", "1")]))
    assert rv.status_code == 400
    assert rv.json == {"error": "nope"}
    assert rv.headers["X-Err"] == "1"


def test_response_passed_through(app: Flask) -> None:
    response = minflask.Response("orig", status=200, headers={"X-A": "1"})
    rv = _respond(app, response)
    assert rv.data == b"orig"
    assert rv.headers["X-A"] == "1"


def test_response_with_status_and_headers_applied(app: Flask) -> None:
    response = minflask.Response("orig", headers={"X-A": "1"})
    rv = _respond(app, (response, 202, {"X-B": "2"}))
    assert rv.status_code == 202
    assert rv.headers["X-A"] == "1"
    assert rv.headers["X-B"] == "2"
    assert rv.data == b"orig"


def test_make_response_returns_same_response_object(app: Flask) -> None:
    response = app.response_class("x")
    with app.test_request_context():
        assert app.make_response(response) is response
        assert app.make_response((response, 201)) is response
    assert response.status_code == 201


def test_werkzeug_response_converted(app: Flask) -> None:
    from werkzeug.wrappers import Response as WerkzeugResponse

    with app.test_request_context():
        rv = app.make_response(WerkzeugResponse("wz", status=203))
    assert isinstance(rv, minflask.Response)
    assert rv.status_code == 203
    assert rv.get_data() == b"wz"


def test_wsgi_callable(app: Flask) -> None:
    def wsgi_app(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        start_response("201 CREATED", [("X-Wsgi", "yes")])
        return [b"from ", b"wsgi ", environ["PATH_INFO"].encode()]

    rv = _respond(app, wsgi_app)
    assert rv.status_code == 201
    assert rv.headers["X-Wsgi"] == "yes"
    assert rv.data == b"from wsgi /"


def test_generator_is_streamed(app: Flask) -> None:
    progress: list[str] = []

    def generate() -> t.Iterator[str]:
        progress.append("started")
        yield "a"
        yield "b"

    with app.test_request_context():
        rv = app.make_response(generate())
    # Converted without running the generator: the body is produced lazily.
    assert progress == []
    assert rv.is_streamed
    assert rv.get_data() == b"ab"
    assert progress == ["started"]


def test_generator_view(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> t.Any:
        return (str(i) for i in range(3))

    rv = client.get("/")
    assert rv.status_code == 200
    assert rv.data == b"012"


def test_generator_with_status_and_headers(app: Flask) -> None:
    rv = _respond(app, ((c for c in "xyz"), 206, {"X-G": "1"}))
    assert rv.status_code == 206
    assert rv.headers["X-G"] == "1"
    assert rv.data == b"xyz"


def test_none_is_type_error(app: Flask, client: FlaskClient) -> None:
    @app.route("/nothing")
    def nothing() -> None:
        pass

    with pytest.raises(TypeError) as exc_info:
        client.get("/nothing")
    message = str(exc_info.value)
    assert "nothing" in message
    assert "returned None" in message


def test_none_in_tuple_is_type_error(app: Flask, client: FlaskClient) -> None:
    @app.route("/none-tuple")
    def none_tuple() -> t.Any:
        return None, 404

    with pytest.raises(TypeError, match="none_tuple"):
        client.get("/none-tuple")


@pytest.mark.parametrize("rv", [("body",), ("body", 200, {}, "extra")])
def test_wrong_tuple_length(app: Flask, rv: tuple[t.Any, ...]) -> None:
    with pytest.raises(TypeError, match="tuple must have the form"):
        _respond(app, rv)


@pytest.mark.parametrize(("rv", "name"), [(True, "bool"), (42, "int"), (1.5, "float")])
def test_unsupported_type(app: Flask, rv: t.Any, name: str) -> None:
    with pytest.raises(TypeError) as exc_info:
        _respond(app, rv)
    assert f"it was a {name}" in str(exc_info.value)


def test_view_returning_headers_only_list(app: Flask) -> None:
    """A bare list is a JSON body, not headers."""
    rv = _respond(app, [("X-Foo", "bar")])
    assert rv.json == [["X-Foo", "bar"]]


def test_bad_wsgi_callable(app: Flask) -> None:
    with pytest.raises(TypeError, match="it was a function"):
        _respond(app, lambda: None)


def test_returned_http_exception_is_a_response(app: Flask) -> None:
    rv = _respond(app, NotFound())
    assert rv.status_code == 404
    assert b"<title>404 Not Found</title>" in rv.data


def test_response_headers_replace(app: Flask) -> None:
    response = minflask.Response("hi", 404, {"Content-Type": "text/html"})
    rv = _respond(app, (response, {"Content-Type": "text/plain"}))
    assert rv.status_code == 404
    assert rv.headers["Content-Type"] == "text/plain"
    assert rv.headers.getlist("Content-Type") == ["text/plain"]


def test_response_status_override(app: Flask) -> None:
    rv = _respond(app, (app.response_class("Hello world", 400), 500))
    assert rv.status_code == 500


def test_make_response_with_response_instance(app: Flask) -> None:
    with app.test_request_context():
        rv = minflask.make_response(minflask.jsonify({"msg": "W00t"}), 400)
        assert rv.status_code == 400
        assert rv.mimetype == "application/json"
        assert rv.get_json() == {"msg": "W00t"}

        rv = minflask.make_response(minflask.Response(""), 400, [("X-Foo", "bar")])
        assert rv.status_code == 400
        assert rv.headers["X-Foo"] == "bar"

        rv = minflask.make_response(
            minflask.Response("", headers={"Content-Type": "text/html"}),
            [("X-Foo", "bar"), ("Content-Type", "text/plain")],
        )
        assert rv.status_code == 200
        assert rv.headers["X-Foo"] == "bar"
        assert rv.headers["Content-Type"] == "text/plain"


def test_make_response_generator(app: Flask) -> None:
    with app.test_request_context():
        rv = minflask.make_response(c for c in "Hello")
    assert rv.status_code == 200
    assert rv.get_data() == b"Hello"
    assert rv.mimetype == "text/html"
