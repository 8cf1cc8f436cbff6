"""The request path's fast paths give exactly what the generic path gives.

Each fast path in minflask skips work Werkzeug or Flask would do only when
that work could not change the result. These tests pin that down by
comparing against the generic path (Werkzeug's own classes) for the cases
at the edges of each shortcut.
"""

from __future__ import annotations

import typing as t

import pytest
from markupsafe import Markup
from werkzeug.datastructures import Headers, WWWAuthenticate
from werkzeug.exceptions import (
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
)
from werkzeug.routing import (
    BaseConverter,
    Map,
    RequestRedirect,
    Rule,
    ValidationError,
)
from werkzeug.test import EnvironBuilder, create_environ
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response as WerkzeugResponse

import minflask
from minflask import Flask, _routing, abort, url_for
from minflask._speedups.router import match as compiled_match
from minflask.testing import FlaskClient
from minflask.wrappers import Response


class ReferenceResponse(WerkzeugResponse):
    """Werkzeug's generic path with minflask's defaults."""

    default_mimetype = "text/html"
    autocorrect_location_header = False


def wsgi_result(
    response: t.Any, method: str = "GET"
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, header list and body, as a WSGI server would see them."""
    environ = EnvironBuilder(method=method).get_environ()
    seen: dict[str, t.Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.update(status=status, headers=headers)

    app_iter = response(environ, start_response)
    try:
        body = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    return seen["status"], seen["headers"], body


def both(
    *args: t.Any, change: t.Callable[[t.Any], None] | None = None, **kwargs: t.Any
) -> tuple[t.Any, t.Any]:
    """The same response built by minflask and by the reference class,
    with ``change`` applied to each."""
    ours, reference = Response(*args, **kwargs), ReferenceResponse(*args, **kwargs)
    if change is not None:
        change(ours)
        change(reference)
    return ours, reference


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("Hello",), {}),
        ((b"bytes body",), {}),
        (("caf\u00e9",), {}),
        (("",), {}),
        (("created",), {"status": 201}),
        (("teapot",), {"status": 418}),
        (("odd",), {"status": 299}),
        (("gone",), {"status": "410 GONE"}),
        (("custom",), {"status": "299 Custom Reason"}),
        (("{}",), {"mimetype": "application/json"}),
        (("<x/>",), {"mimetype": "application/xml"}),
        (("plain",), {"mimetype": "text/plain"}),
        (("typed",), {"content_type": "text/csv; charset=latin-1"}),
        (("with headers",), {"headers": {"X-A": "1"}}),
        (("with list headers",), {"headers": [("X-B", "2")]}),
        ((["chunk", b"s"],), {}),
        ((None,), {}),
        ((bytearray(b"array"),), {}),
        ((b"passthrough",), {"direct_passthrough": True}),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_fresh_responses_match_werkzeug(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any], method: str
) -> None:
    ours, reference = both(*args, **kwargs)
    assert ours.status == reference.status
    assert ours.status_code == reference.status_code
    assert wsgi_result(ours, method) == wsgi_result(reference, method)


@pytest.mark.parametrize("code", [100, 101, 199, 204, 304, 200, 404, 500])
def test_status_changed_after_construction(code: int) -> None:
    def change(r: t.Any) -> None:
        r.status_code = code

    ours, reference = both("body", change=change)
    assert wsgi_result(ours) == wsgi_result(reference)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.headers.add("X-Extra", "1"),
        lambda r: r.headers.__setitem__("Location", "/a b"),
        lambda r: r.headers.__setitem__("Content-Location", "/\u00e9"),
        lambda r: r.headers.remove("Content-Length"),
        lambda r: r.set_data("replaced body"),
        lambda r: setattr(r, "data", b"via data"),
        lambda r: setattr(r, "response", ["str item"]),
        lambda r: setattr(r, "response", [b"a", b"b"]),
        lambda r: setattr(r, "response", iter([b"stream"])),
        lambda r: setattr(r, "mimetype", "text/plain"),
        lambda r: r.set_cookie("k", "v"),
        lambda r: r.vary.add("Cookie"),
        lambda r: setattr(r, "direct_passthrough", True),
        lambda r: r.freeze(),
        lambda r: (r.headers.remove("Content-Length"), r.headers.add("X-A", "1")),
        lambda r: (
            r.headers.remove("Content-Length"),
            setattr(r, "response", iter([b"no length"])),
        ),
        lambda r: setattr(r, "status", "99 ODD"),
        lambda r: setattr(r, "status", "0 NOTHING"),
        lambda r: r.headers.add("LOCATION", "/up"),
    ],
)
def test_responses_changed_after_construction(change: t.Any) -> None:
    ours, reference = both("original", change=change)
    assert wsgi_result(ours) == wsgi_result(reference)
    assert list(ours.headers.items()) == list(reference.headers.items())


def test_headers_built_on_access_are_a_plain_headers_object() -> None:
    ours, reference = both("Hello")
    assert type(ours.headers) is type(reference.headers)
    assert ours.headers == reference.headers
    assert ours.headers is ours.headers
    assert ours.content_length == 5
    assert ours.get_data() == b"Hello"


def test_headers_assigned_replace_the_recorded_ones() -> None:
    ours = Response("Hello")
    ours.headers = ReferenceResponse("x", headers={"X-Only": "1"}).headers
    _status, headers, body = wsgi_result(ours)
    assert ("X-Only", "1") in headers
    assert body == b"Hello"


def test_call_on_close_runs() -> None:
    closed: list[bool] = []
    ours = Response("Hello")
    ours.call_on_close(lambda: closed.append(True))
    assert wsgi_result(ours)[2] == b"Hello"
    assert closed == [True]


def test_class_defaults_are_read_per_response() -> None:
    class Plain(Response):
        default_mimetype = "text/plain"
        default_status = 202

    class NoType(Response):
        default_mimetype = None

    class NoLength(Response):
        automatically_set_content_length = False

    for cls, base in (
        (Plain, (ReferenceResponse, {"default_mimetype": "text/plain"})),
        (NoType, (ReferenceResponse, {"default_mimetype": None})),
        (NoLength, (ReferenceResponse, {"automatically_set_content_length": False})),
    ):
        reference_cls = type("Ref", (base[0],), dict(base[1]))
        if cls is Plain:
            reference_cls.default_status = 202
        assert wsgi_result(cls("body")) == wsgi_result(reference_cls("body"))


def test_subclass_overriding_a_skipped_step_takes_the_generic_path() -> None:
    class Tagged(Response):
        def get_wsgi_headers(self, environ: t.Any) -> t.Any:
            headers = super().get_wsgi_headers(environ)
            headers["X-Tagged"] = "yes"
            return headers

    class Upper(Response):
        def set_data(self, value: t.Any) -> None:
            super().set_data(value.upper())

    assert ("X-Tagged", "yes") in wsgi_result(Tagged("body"))[1]
    assert wsgi_result(Upper("body"))[2] == b"BODY"
    assert Response._fast and not Tagged._fast and not Upper._fast


# -- URL matching --------------------------------------------------------------


class CountingConverter(BaseConverter):
    """Accepts digits below 100; counts its to_python calls."""

    regex = r"\d+"
    calls = 0

    def to_python(self, value: str) -> int:
        type(self).calls += 1
        if int(value) >= 100:
            raise ValidationError()
        return int(value)


def _outcome(call: t.Callable[[], t.Any]) -> t.Any:
    try:
        rule, values = call()
    except HTTPException as e:
        valid = getattr(e, "valid_methods", None)
        return type(e), getattr(e, "new_url", None), valid and sorted(valid)
    return rule, values


def _watched(rules: list[Rule], **options: t.Any) -> Map:
    """A map the compiled router follows from the start, as an app's."""
    url_map = Map(**options)
    _routing.watch(url_map)
    for rule in rules:
        url_map.add(rule)
    return url_map


def _maps() -> list[tuple[Map, str | None]]:
    """Maps with the corners a faster matcher could get wrong."""
    plain = _watched(
        [
            Rule("/", endpoint="index"),
            Rule("/about", endpoint="about", methods=["GET"]),
            Rule("/about", endpoint="about_post", methods=["POST"]),
            Rule("/slash/", endpoint="slash"),
            Rule("/lax", endpoint="lax", strict_slashes=False),
            Rule("/user/new", endpoint="user_new"),
            Rule("/user/<name>", endpoint="user"),
            Rule("/user/<int:id>", endpoint="user_id", methods=["PUT"]),
            Rule("/user/<name>/posts/<int:n>/", endpoint="posts"),
            Rule("/page", endpoint="pages", defaults={"n": 1}),
            Rule("/page/<int:n>", endpoint="pages"),
            Rule("/old", endpoint="old", redirect_to="/about"),
            Rule("/old/<int:n>", endpoint="old_n", redirect_to="/page/<n>"),
            Rule("/alias", endpoint="about", alias=True),
            Rule("/built", endpoint="built", build_only=True),
            Rule("/ws", endpoint="ws", websocket=True),
            Rule("/files/<path:p>", endpoint="files"),
            Rule("/files/readme", endpoint="readme"),
            Rule("/dir/<path:p>/", endpoint="dir"),
            Rule("/f/<float:x>", endpoint="float"),
            Rule("/u/<uuid:u>", endpoint="uuid"),
            Rule("/any/<any(a, b):which>", endpoint="any"),
            Rule("/c/<count:n>", endpoint="count"),
            Rule("/c/<count:n>/x", endpoint="count_x", methods=["POST"]),
            Rule("/two/<a>-<int:b>.json", endpoint="two"),
            Rule("/signed/<int(signed=True):n>", endpoint="signed"),
        ],
        converters={"count": CountingConverter},
    )
    no_redirects = _watched(
        [Rule("/a", endpoint="a"), Rule("/a/<x>", endpoint="ax")],
        redirect_defaults=False,
        merge_slashes=False,
        strict_slashes=False,
    )
    subdomains = _watched(
        [
            Rule("/", endpoint="root"),
            Rule("/", endpoint="api_root", subdomain="api"),
            Rule("/x", endpoint="api_x", subdomain="api"),
            Rule("/<int:n>", endpoint="sub_n", subdomain="<sub>"),
        ]
    )
    hosts = _watched(
        [
            Rule("/", endpoint="a_root", host="a.test"),
            Rule("/", endpoint="b_root", host="b.test"),
            Rule("/<v>", endpoint="b_var", host="b.test"),
            Rule("/h", endpoint="any_host", host="<h>.test"),
        ],
        host_matching=True,
    )
    return [
        (plain, None),
        (no_redirects, None),
        (subdomains, None),
        (subdomains, "api"),
        (subdomains, "nope"),
        (hosts, None),
    ]


_PATHS = [
    "",
    "/",
    "//",
    "/about",
    "/about/",
    "//about",
    "/slash",
    "/slash/",
    "/lax",
    "/lax/",
    "/user/new",
    "/user/bob",
    "/user/7",
    "/user/bob/",
    "/user/bob/posts/3",
    "/user/bob/posts/3/",
    "/user//bob",
    "/page",
    "/page/1",
    "/page/2",
    "/old",
    "/old/4",
    "/alias",
    "/built",
    "/ws",
    "/files/readme",
    "/files/a/b/c",
    "/files/",
    "/dir/a/b",
    "/dir/a/b/",
    "/f/1.5",
    "/f/1",
    "/u/6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    "/u/nope",
    "/any/a",
    "/any/c",
    "/c/5",
    "/c/500",
    "/c/5/x",
    "/c/500/x",
    "/two/x-3.json",
    "/two/x-y.json",
    "/signed/-3",
    "/a",
    "/a/",
    "/a/b",
    "/x",
    "/3",
    "/h",
    "/missing",
    "/caf\u00e9",
]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "OPTIONS"])
@pytest.mark.parametrize("scheme", ["http", "ws"])
def test_matching_agrees_with_werkzeug(method: str, scheme: str) -> None:
    answered = 0
    for url_map, subdomain in _maps():
        for server_name in ("a.test", "b.test", "api.a.test"):
            for path in _PATHS:
                adapter = url_map.bind(
                    server_name,
                    subdomain=subdomain,
                    url_scheme=scheme,
                    path_info=path,
                    default_method=method,
                    query_args="q=1",
                )
                CountingConverter.calls = 0
                expected = _outcome(lambda a=adapter: a.match(return_rule=True))
                werkzeug_calls = CountingConverter.calls
                CountingConverter.calls = 0
                fast = _outcome(lambda a=adapter: _routing.match(a))
                assert fast == expected, (path, method, subdomain, server_name)
                # Converters run as often as in Werkzeug: at most once.
                assert CountingConverter.calls == werkzeug_calls, path
                domain = server_name
                if not url_map.host_matching and adapter.subdomain is not None:
                    domain = adapter.subdomain
                normal = f"/{path.lstrip('/')}" if path else ""
                try:
                    if compiled_match(url_map, domain, normal, method, scheme == "ws"):
                        answered += 1  # by the compiled router, not Werkzeug
                except HTTPException:
                    answered += 1
    # Few rules are websocket ones: most ws URLs are Werkzeug's to refuse.
    assert answered > (100 if scheme == "http" else 2)


def test_converters_run_once_per_request(app: Flask, client: FlaskClient) -> None:
    app.url_map.converters["count"] = CountingConverter

    @app.route("/c/<count:n>")
    def counted(n: int) -> str:
        return str(n)

    @app.route("/d/<count:n>")
    def redirecting(n: int) -> str:
        return str(n)

    app.add_url_rule("/e/<count:n>", "redirecting", redirect_to="/d/<n>")
    for url, status in (("/c/5", 200), ("/c/500", 404), ("/e/5", 308)):
        CountingConverter.calls = 0
        assert client.get(url).status_code == status
        assert CountingConverter.calls == 1, url


# -- HTTP errors as responses ----------------------------------------------------


class Custom(HTTPException):
    code = 418
    description = "<b>short</b> and stout"

    def get_headers(self, environ: t.Any = None, scope: t.Any = None) -> t.Any:
        return [*super().get_headers(environ, scope), ("X-Pot", "tea")]


class OwnPage(NotFound):
    def get_body(self, environ: t.Any = None, scope: t.Any = None) -> str:
        return "<p>own page</p>"


@pytest.mark.parametrize(
    "make",
    [
        lambda: NotFound(),
        lambda: NotFound("gone <away>"),
        lambda: MethodNotAllowed(valid_methods=["GET", "POST"]),
        lambda: Unauthorized(www_authenticate=WWWAuthenticate("basic")),
        lambda: RequestRedirect("/caf\u00e9 new"),
        lambda: InternalServerError(),
        lambda: Custom(),
        lambda: HTTPException("no code"),
        lambda: NotFound("line one\nline <two>"),
        lambda: NotFound(Markup("<em>marked up</em>")),
        lambda: NotFound("<em>marked up</em>"),
        lambda: BadRequestKeyError("missing"),
        lambda: OwnPage(),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_http_error_response_matches_force_type(
    app: Flask, make: t.Callable[[], HTTPException], method: str
) -> None:
    with app.test_request_context("/x", method=method) as ctx:
        environ = ctx.request.environ
        ours = app._http_exception_response(make())
        reference = app.response_class.force_type(make(), environ)  # type: ignore[arg-type]
        assert type(ours) is type(reference)
        assert ours.status == reference.status
        assert list(ours.headers.items()) == list(reference.headers.items())
        assert ours.is_streamed == reference.is_streamed
        assert ours.get_data() == reference.get_data()
        assert wsgi_result(ours, method) == wsgi_result(reference, method)


def test_http_errors_that_answer_differently_keep_the_generic_path(
    app: Flask, client: FlaskClient
) -> None:
    class Teapot(HTTPException):
        code = 418

        def __call__(self, environ: t.Any, start_response: t.Any) -> t.Any:
            start_response("418 I'M A TEAPOT", [("X-Own", "call")])
            return [b"own"]

    @app.route("/own")
    def own() -> t.Any:
        raise Teapot()

    @app.route("/given")
    def given() -> t.Any:
        abort(Response("given body", 409))

    response = client.get("/own")
    assert (response.status_code, response.data) == (418, b"own")
    assert response.headers["X-Own"] == "call"
    response = client.get("/given")
    assert (response.status_code, response.data) == (409, b"given body")


# -- request cookies ---------------------------------------------------------------


@pytest.mark.parametrize(
    "cookie",
    [
        None,
        "",
        "a=1",
        "a=1; b=2; a=3",
        'q="quoted \\\\"value"; empty=; =novalue; spaced = x ',
        "caf\u00c3\u00a9=\u00c3\u00a9t\u00c3\u00a9",
        "session=eyJuIjo1fQ.aaaa.bbbb",
    ],
)
def test_request_cookies_match_werkzeug(cookie: str | None) -> None:
    headers = {"Cookie": cookie} if cookie is not None else {}
    environ = EnvironBuilder(headers={**headers, "X-Other": "1"}).get_environ()
    ours = minflask.Request(environ).cookies
    reference = WerkzeugRequest(environ).cookies
    assert type(ours) is type(reference)
    assert list(ours.items(multi=True)) == list(reference.items(multi=True))


def test_request_cookies_from_replaced_headers() -> None:
    environ = EnvironBuilder(headers={"Cookie": "a=1"}).get_environ()
    request = minflask.Request(environ)
    request.headers = Headers([("Cookie", "b=2"), ("Cookie", "c=3")])  # type: ignore[assignment]
    assert request.cookies.to_dict() == {"b": "2", "c": "3"}


# -- the request object -------------------------------------------------------------


def _environs() -> list[dict[str, t.Any]]:
    plain = EnvironBuilder(path="/a/b", query_string="x=1&y=\u00e9").get_environ()
    odd = EnvironBuilder(
        path="/caf\u00e9//x/", base_url="http://h:8080/root/"
    ).get_environ()
    odd["PATH_INFO"] = "\u00c3\u00a9t\u00c3\u00a9\xff"  # UTF-8 as latin-1, one bad byte
    unix = dict(plain, SERVER_PORT="", REQUEST_METHOD="post")
    bare = {"wsgi.input": None}
    no_server = {k: v for k, v in plain.items() if k != "SERVER_NAME"}
    return [plain, odd, unix, bare, no_server]


@pytest.mark.parametrize("environ", _environs())
@pytest.mark.parametrize("kwargs", [{}, {"shallow": True}, {"populate_request": False}])
def test_request_attributes_match_werkzeug(
    environ: dict[str, t.Any], kwargs: dict[str, t.Any]
) -> None:
    ours_env, ref_env = dict(environ), dict(environ)
    ours = minflask.Request(ours_env, **kwargs)
    reference = WerkzeugRequest(ref_env, **kwargs)
    computed = ("headers", "scheme", "server", "root_path", "path")
    computed += ("query_string", "remote_addr")
    assert not set(computed) & vars(ours).keys()  # made on first read
    for name in computed:
        getattr(ours, name)
    assert ours.headers is ours.headers
    ours_vars, ref_vars = vars(ours), vars(reference)
    assert ours_vars.keys() == ref_vars.keys()
    for name, value in ref_vars.items():
        if name in ("headers", "environ"):
            assert type(ours_vars[name]) is type(value)
        else:
            assert ours_vars[name] == value, name
    assert ours.headers.environ is ours_env
    assert ("werkzeug.request" in ours_env) == ("werkzeug.request" in ref_env)
    assert ours_env.get("werkzeug.request", ours) is ours


def test_request_attributes_can_be_assigned_before_and_after_reading() -> None:
    request = minflask.Request(EnvironBuilder(path="/a").get_environ())
    request.path = "/b"
    assert request.path == "/b"
    assert request.scheme == "http"
    request.scheme = "https"
    assert request.scheme == "https"
    assert request.url == "https://localhost/b"


# -- the request's URL adapter ---------------------------------------------------


def _adapter_state(adapter: t.Any) -> dict[str, t.Any]:
    return {k: v for k, v in vars(adapter).items() if k != "map"}


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/x/caf\u00e9?q=\u00e9", {}),
        ("/", {"base_url": "https://example.test:8443/root/"}),
        ("/", {"method": "POST"}),
    ],
)
def test_deferred_url_adapter_equals_create_url_adapter(
    app: Flask, path: str, kwargs: dict[str, t.Any]
) -> None:
    with app.test_request_context(path, **kwargs) as ctx:
        made = app.create_url_adapter(ctx.request)
        assert ctx._url_parts is not None  # not made until asked for
        assert type(ctx.url_adapter) is type(made)
        assert _adapter_state(ctx.url_adapter) == _adapter_state(made)
        assert ctx.url_adapter is ctx.url_adapter


def test_create_url_adapter_overrides_are_used() -> None:
    calls: list[str] = []

    class Custom(Flask):
        def create_url_adapter(self, request: t.Any) -> t.Any:
            calls.append("subclass")
            return super().create_url_adapter(request)

    custom = Custom("custom")
    custom.add_url_rule("/", "index", lambda: "ok")
    assert custom.test_client().get("/").data == b"ok"
    assert calls == ["subclass"]

    patched = Flask("patched")
    patched.add_url_rule("/", "index", lambda: "ok")
    original = patched.create_url_adapter

    def instance_override(request: t.Any) -> t.Any:
        calls.append("instance")
        return original(request)

    patched.create_url_adapter = instance_override  # type: ignore[method-assign]
    assert patched.test_client().get("/").data == b"ok"
    assert calls == ["subclass", "instance"]


def test_url_adapter_can_be_replaced(app: Flask) -> None:
    with app.test_request_context("/") as ctx:
        ctx.url_adapter = None
        assert ctx.url_adapter is None
        assert ctx._url_parts is None


def test_untrusted_host_is_a_400_without_an_adapter(app: Flask) -> None:
    app.config["TRUSTED_HOSTS"] = ["good.test"]
    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    assert client.get("/", base_url="http://good.test").status_code == 200
    response = client.get("/", base_url="http://evil.test")
    assert response.status_code == 400
    with app.test_request_context("/", base_url="http://evil.test") as ctx:
        assert ctx.url_adapter is None
        assert ctx.request.routing_exception is not None


# -- url_for's remembered URLs -------------------------------------------------------


class CountingToUrl(BaseConverter):
    """A converter whose URLs depend on state outside the value."""

    prefix = "a"

    def to_url(self, value: t.Any) -> str:
        return f"{type(self).prefix}{value}"


def _url_app() -> Flask:
    app = Flask("urls")
    app.config["SERVER_NAME"] = "example.test"
    app.url_map.converters["counting"] = CountingToUrl
    for rule, endpoint in (
        ("/user/<int:id>", "user"),
        ("/page/<name>", "page"),
        ("/files/<path:p>", "files"),
        ("/c/<counting:v>", "counting"),
        ("/", "index"),
    ):
        app.add_url_rule(rule, endpoint, lambda **kw: "")
    return app


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("user", {"id": 7}),
        ("user", {"id": 7, "q": "x y", "n": 3}),
        ("user", {"id": True}),
        ("user", {"id": 7.0}),
        ("page", {"name": "caf\u00e9 / ?"}),
        ("page", {"name": "a", "_external": True}),
        ("page", {"name": "a", "_external": True, "_scheme": "https"}),
        ("files", {"p": "a/b c"}),
        ("index", {"_anchor": "top part"}),
        ("index", {"_method": "GET"}),
        ("index", {"next": None}),
    ],
)
def test_remembered_urls_equal_fresh_ones(
    endpoint: str, values: dict[str, t.Any]
) -> None:
    app = _url_app()
    for base_url in ("http://example.test/", "https://api.example.test/root/"):
        with app.test_request_context("/", base_url=base_url):
            first = app.url_for(endpoint, **values)
            second = app.url_for(endpoint, **values)
            app._url_build_cache.clear()
            fresh = app.url_for(endpoint, **values)
        assert first == second == fresh


def test_int_and_bool_and_str_values_are_told_apart() -> None:
    app = _url_app()
    with app.test_request_context("/"):
        urls = [app.url_for("page", name=v) for v in (1, True, "1", 1, True)]
    assert urls == ["/page/1", "/page/True", "/page/1", "/page/1", "/page/True"]


def test_urls_from_other_converters_are_built_every_time() -> None:
    app = _url_app()
    with app.test_request_context("/"):
        assert app.url_for("counting", v=1) == "/c/a1"
        CountingToUrl.prefix = "b"
        try:
            assert app.url_for("counting", v=1) == "/c/b1"
        finally:
            CountingToUrl.prefix = "a"


def test_remembered_urls_follow_new_rules_and_map_settings() -> None:
    app = _url_app()
    with app.test_request_context("/"):
        assert app.url_for("page", name="a", z=1, b=2) == "/page/a?z=1&b=2"
        app.url_map.sort_parameters = True
        assert app.url_for("page", name="a", z=1, b=2) == "/page/a?b=2&z=1"
        assert app.url_for("user", id=3) == "/user/3"
        # A more specific rule for the endpoint, added later, wins as in Werkzeug.
        app.url_map.add(Rule("/u/<int:id>", endpoint="user"))
        fresh = app.url_map.bind("example.test").build("user", {"id": 3})
        assert app.url_for("user", id=3) == fresh


def test_urls_outside_a_request_and_per_host() -> None:
    app = _url_app()
    with app.app_context():
        assert app.url_for("user", id=1) == "http://example.test/user/1"
    with app.test_request_context("/", base_url="http://sub.example.test/"):
        assert app.url_for("user", id=1, _external=True) == (
            "http://example.test/user/1"
        )


def test_matching_follows_rules_added_later() -> None:
    url_map = _watched(
        [
            Rule("/page/<int:n>", endpoint="page"),
            Rule("/about", endpoint="about", methods=["GET"]),
        ]
    )

    def both(path: str, method: str = "GET") -> tuple[t.Any, t.Any]:
        adapter = url_map.bind("a.test", path_info=path, default_method=method)
        return _outcome(lambda: _routing.match(adapter)), _outcome(
            lambda: adapter.match(return_rule=True)
        )

    fast, full = both("/page/1")
    assert fast == full
    assert compiled_match(url_map, "", "/page/1", "GET", False) is not None
    # A rule giving the endpoint's defaults, added later, sorts first: now
    # Werkzeug redirects /page/1 to /page, and the router lets it.
    url_map.add(Rule("/page", endpoint="page", defaults={"n": 1}))
    assert compiled_match(url_map, "", "/page/1", "GET", False) is None
    fast, full = both("/page/1")
    assert fast == full
    assert full[0] is RequestRedirect
    fast, full = both("/page/2")  # not the default: no redirect
    assert fast == full
    assert full[0].rule == "/page/<int:n>"
    # A rule that takes over a method of a URL is followed at once.
    assert both("/about", "POST")[0][0] is MethodNotAllowed
    url_map.add(Rule("/about", endpoint="about_post", methods=["POST"]))
    fast, full = both("/about", "POST")
    assert fast == full
    assert fast[0].endpoint == "about_post"


def test_maps_with_rules_before_watching_are_left_to_werkzeug() -> None:
    url_map = Map([Rule("/a", endpoint="a")])
    _routing.watch(url_map)  # the order the rule was added in is unknown
    url_map.add(Rule("/b", endpoint="b"))
    assert compiled_match(url_map, "", "/b", "GET", False) is None
    adapter = url_map.bind("a.test", path_info="/b")
    assert _routing.match(adapter)[0].endpoint == "b"


def test_bound_adapters_follow_the_host_header_or_the_server_name() -> None:
    app = Flask("hosts")
    app.add_url_rule("/", "index", lambda: url_for("index", _external=True))

    def external(host: str | None, server_name: str) -> bytes:
        environ = create_environ("/", "http://ignored.test/")
        environ["SERVER_NAME"] = server_name
        if host is None:  # the server's name and port are the host then
            del environ["HTTP_HOST"]
        else:
            environ["HTTP_HOST"] = host
        return b"".join(app(environ, lambda status, headers: None))

    assert external("a.test", "x.test") == b"http://a.test/"
    assert external("a.test", "y.test") == b"http://a.test/"
    assert external("b.test", "y.test") == b"http://b.test/"
    assert external(None, "x.test") == b"http://x.test/"
    assert external(None, "y.test") == b"http://y.test/"
