"""Error handlers, propagation and trapping config, abort and the aborter."""

from __future__ import annotations

import logging
import typing as t

import pytest
from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
)

import minflask
from minflask import Flask, abort, request
from minflask.testing import FlaskClient


class ParentError(Exception):
    pass


class ChildError(ParentError):
    pass


class GrandchildError(ChildError):
    pass


class MyNotFound(NotFound):
    description = "custom not found"


# -- registration --------------------------------------------------------


def test_errorhandler_by_code(app: Flask, client: FlaskClient) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        assert isinstance(e, NotFound)
        return f"missing: {e.code}", 404

    rv = client.get("/nowhere")
    assert rv.status_code == 404
    assert rv.data == b"missing: 404"


def test_errorhandler_by_class(app: Flask, client: FlaskClient) -> None:
    @app.errorhandler(ParentError)
    def handle(e: ParentError) -> tuple[str, int]:
        return f"handled {type(e).__name__}: {e}", 409

    @app.route("/")
    def index() -> str:
        raise ParentError("boom")

    rv = client.get("/")
    assert rv.status_code == 409
    assert rv.data == b"handled ParentError: boom"


def test_errorhandler_returns_the_function(app: Flask) -> None:
    def handler(e: Exception) -> str:
        return "x"

    assert app.errorhandler(ValueError)(handler) is handler


def test_register_error_handler(app: Flask, client: FlaskClient) -> None:
    app.register_error_handler(403, lambda e: ("no entry", 403))
    app.register_error_handler(KeyError, lambda e: ("key error", 400))

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.route("/key")
    def key() -> str:
        raise KeyError("k")

    assert client.get("/forbidden").data == b"no entry"
    rv = client.get("/key")
    assert rv.status_code == 400
    assert rv.data == b"key error"


def test_handler_for_code_also_handles_its_class(
    app: Flask, client: FlaskClient
) -> None:
    """Registering for 403 is the same as registering for Forbidden."""
    app.register_error_handler(Forbidden, lambda e: ("by class", 403))

    @app.route("/")
    def index() -> str:
        abort(403)

    assert client.get("/").data == b"by class"


def test_register_unknown_code_is_value_error(app: Flask) -> None:
    with pytest.raises(ValueError, match="999"):
        app.register_error_handler(999, lambda e: "")
    with pytest.raises(ValueError):
        app.errorhandler(999)(lambda e: "")


def test_register_instance_is_type_error(app: Flask) -> None:
    with pytest.raises(TypeError, match="instance"):
        app.register_error_handler(ValueError("x"), lambda e: "")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        app.errorhandler(NotFound())(lambda e: "")  # type: ignore[arg-type]


def test_register_non_exception_class_is_value_error(app: Flask) -> None:
    with pytest.raises(ValueError, match="not a subclass of Exception"):
        app.register_error_handler(str, lambda e: "")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        app.register_error_handler(object, lambda e: "")  # type: ignore[arg-type]


def test_register_after_first_request_fails(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    with pytest.raises(AssertionError, match="register_error_handler"):
        app.register_error_handler(ValueError, lambda e: "")


# -- which handler wins --------------------------------------------------


def test_most_specific_class_wins(app: Flask, client: FlaskClient) -> None:
    @app.errorhandler(ParentError)
    def parent(e: Exception) -> str:
        return "parent"

    @app.errorhandler(ChildError)
    def child(e: Exception) -> str:
        return "child"

    @app.errorhandler(Exception)
    def anything(e: Exception) -> str:
        return "exception"

    @app.route("/<kind>")
    def raise_(kind: str) -> str:
        raise {
            "parent": ParentError,
            "child": ChildError,
            "grandchild": GrandchildError,
            "other": RuntimeError,
        }[kind]()

    assert client.get("/parent").data == b"parent"
    assert client.get("/child").data == b"child"
    # Nearest registered ancestor in the MRO.
    assert client.get("/grandchild").data == b"child"
    assert client.get("/other").data == b"exception"


def test_registration_order_does_not_matter(app: Flask, client: FlaskClient) -> None:
    app.register_error_handler(ChildError, lambda e: "child")
    app.register_error_handler(ParentError, lambda e: "parent")

    @app.route("/")
    def index() -> str:
        raise GrandchildError()

    assert client.get("/").data == b"child"


def test_handler_reregistration_replaces(app: Flask, client: FlaskClient) -> None:
    app.register_error_handler(ParentError, lambda e: "first")
    app.register_error_handler(ParentError, lambda e: "second")

    @app.route("/")
    def index() -> str:
        raise ParentError()

    assert client.get("/").data == b"second"


def test_code_handler_beats_class_handler(app: Flask, client: FlaskClient) -> None:
    """Handlers registered by status code are looked up before handlers for
    exceptions without a code, even a more specific-looking class."""

    @app.errorhandler(HTTPException)
    def http(e: HTTPException) -> str:
        return "http"

    @app.errorhandler(404)
    def not_found(e: NotFound) -> str:
        return "404"

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    assert client.get("/missing").data == b"404"
    assert client.get("/forbidden").data == b"http"


def test_code_handler_beats_exception_handler(app: Flask, client: FlaskClient) -> None:
    app.register_error_handler(Exception, lambda e: ("exception", 500))
    app.register_error_handler(404, lambda e: ("not found", 404))
    rv = client.get("/missing")
    assert rv.status_code == 404
    assert rv.data == b"not found"


def test_http_exception_subclass_with_same_code(
    app: Flask, client: FlaskClient
) -> None:
    """A subclass keeps its parent's code; the MRO decides within a code."""

    @app.errorhandler(404)
    def generic(e: NotFound) -> str:
        return "generic"

    @app.errorhandler(MyNotFound)
    def custom(e: MyNotFound) -> str:
        return f"custom: {e.description}"

    @app.route("/custom")
    def custom_view() -> str:
        raise MyNotFound()

    assert client.get("/missing").data == b"generic"
    assert client.get("/custom").data == b"custom: custom not found"


def test_http_exception_handler_catches_all_http_errors(
    app: Flask, client: FlaskClient
) -> None:
    @app.errorhandler(HTTPException)
    def handle(e: HTTPException) -> tuple[str, int]:
        return f"{e.code} {e.name}", t.cast(int, e.code)

    @app.route("/abort/<int:code>")
    def do_abort(code: int) -> str:
        abort(code)

    @app.route("/post-only", methods=["POST"])
    def post_only() -> str:
        return ""

    assert client.get("/missing").data == b"404 Not Found"
    rv = client.get("/post-only")
    assert rv.status_code == 405
    assert rv.data == b"405 Method Not Allowed"
    assert client.get("/abort/400").data == b"400 Bad Request"
    assert client.get("/abort/418").data == b"418 I'm a teapot"
    assert client.get("/abort/503").status_code == 503


def test_exception_handler_also_catches_http_exceptions(
    app: Flask, client: FlaskClient
) -> None:
    """As Flask's docs warn, a handler for Exception sees HTTP errors too."""
    seen: list[Exception] = []

    @app.errorhandler(Exception)
    def handle(e: Exception) -> tuple[str, int]:
        seen.append(e)
        if isinstance(e, HTTPException):
            return e.name, t.cast(int, e.code)
        return "error", 500

    assert client.get("/missing").data == b"Not Found"
    assert isinstance(seen[0], NotFound)


def test_exception_handler_can_pass_http_exceptions_through(
    app: Flask, client: FlaskClient
) -> None:
    """Returning the HTTPException gives its normal error page."""

    @app.errorhandler(Exception)
    def handle(e: Exception) -> t.Any:
        if isinstance(e, HTTPException):
            return e
        return "error", 500

    rv = client.get("/missing")
    assert rv.status_code == 404
    assert b"<title>404 Not Found</title>" in rv.data


def test_routing_redirect_is_not_an_error(app: Flask, client: FlaskClient) -> None:
    """The strict-slashes redirect is an HTTPException but never reaches
    handlers, even a catch-all one."""
    app.register_error_handler(Exception, lambda e: ("caught", 500))
    app.register_error_handler(HTTPException, lambda e: ("caught", 500))

    @app.route("/folder/")
    def folder() -> str:
        return "folder"

    rv = client.get("/folder")
    assert rv.status_code == 308
    assert rv.headers["Location"].endswith("/folder/")


def test_blueprint_handler_beats_app_handler(app: Flask, client: FlaskClient) -> None:
    bp = minflask.Blueprint("bp", __name__, url_prefix="/bp")

    @bp.errorhandler(ParentError)
    def bp_handler(e: Exception) -> str:
        return "bp"

    @bp.route("/")
    def bp_index() -> str:
        raise ParentError()

    @app.errorhandler(ParentError)
    def app_handler(e: Exception) -> str:
        return "app"

    @app.route("/")
    def index() -> str:
        raise ParentError()

    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"bp"
    assert client.get("/").data == b"app"


def test_blueprint_falls_back_to_app_handler(app: Flask, client: FlaskClient) -> None:
    bp = minflask.Blueprint("bp", __name__)

    @bp.errorhandler(KeyError)
    def bp_handler(e: Exception) -> str:
        return "bp"

    @bp.route("/bp")
    def bp_index() -> str:
        raise ParentError()

    app.register_error_handler(ParentError, lambda e: "app")
    app.register_blueprint(bp)
    assert client.get("/bp").data == b"app"


def test_blueprint_code_handler_beats_app_class_handler(
    app: Flask, client: FlaskClient
) -> None:
    bp = minflask.Blueprint("bp", __name__)

    @bp.errorhandler(403)
    def bp_403(e: Exception) -> str:
        return "bp 403"

    @bp.route("/bp")
    def bp_index() -> str:
        abort(403)

    app.register_error_handler(Forbidden, lambda e: "app forbidden")
    app.register_blueprint(bp)
    assert client.get("/bp").data == b"bp 403"


def test_app_errorhandler_from_blueprint(app: Flask, client: FlaskClient) -> None:
    bp = minflask.Blueprint("bp", __name__)

    @bp.app_errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return "app-wide 404", 404

    app.register_blueprint(bp)
    assert client.get("/missing").data == b"app-wide 404"


# -- errors inside handlers, the 500 path --------------------------------


def test_error_in_handler_propagates_when_testing(
    app: Flask, client: FlaskClient
) -> None:
    @app.errorhandler(ParentError)
    def handle(e: Exception) -> str:
        raise RuntimeError("handler failed")

    @app.route("/")
    def index() -> str:
        raise ParentError()

    with pytest.raises(RuntimeError, match="handler failed"):
        client.get("/")


def test_error_in_handler_becomes_500(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    originals: list[BaseException | None] = []

    @app.errorhandler(ParentError)
    def handle(e: Exception) -> str:
        raise RuntimeError("handler failed")

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        originals.append(e.original_exception)
        return "500 handler", 500

    @app.route("/")
    def index() -> str:
        raise ParentError()

    rv = client.get("/")
    assert rv.status_code == 500
    assert rv.data == b"500 handler"
    assert isinstance(originals[0], RuntimeError)


def test_abort_in_handler_is_not_handled_again(app: Flask, client: FlaskClient) -> None:
    """An HTTPException raised by an error handler is not sent through the
    handlers again: it is an unhandled error, so a 500."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(ParentError)
    def handle(e: Exception) -> str:
        abort(403)

    @app.route("/")
    def index() -> str:
        raise ParentError()

    assert client.get("/").status_code == 500


def test_error_in_500_handler_propagates(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(500)
    def server_error(e: Exception) -> str:
        raise ValueError("500 handler failed")

    @app.route("/")
    def index() -> str:
        raise ParentError()

    with pytest.raises(ValueError, match="500 handler failed"):
        client.get("/")


def test_internal_server_error_handler_gets_original(
    app: Flask, client: FlaskClient
) -> None:
    app.testing = False
    seen: list[InternalServerError] = []

    @app.errorhandler(InternalServerError)
    def handle(e: InternalServerError) -> tuple[str, int]:
        seen.append(e)
        return f"wrapped {type(e.original_exception).__name__}", 500

    @app.route("/")
    def index() -> str:
        raise KeyError("x")

    @app.route("/abort")
    def do_abort() -> str:
        abort(500)

    rv = client.get("/")
    assert rv.status_code == 500
    assert rv.data == b"wrapped KeyError"
    assert isinstance(seen[0], InternalServerError)
    assert isinstance(seen[0].original_exception, KeyError)

    # A 500 raised on purpose has no original exception.
    assert client.get("/abort").data == b"wrapped NoneType"
    assert seen[1].original_exception is None


def test_500_handler_by_code_receives_unhandled(
    app: Flask, client: FlaskClient
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(500)
    def handle(e: InternalServerError) -> tuple[str, int]:
        return repr(e.original_exception), 500

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("bad math")

    assert client.get("/").data == b"ZeroDivisionError('bad math')"


def test_unhandled_exception_default_page_and_log(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False

    @app.route("/boom")
    def boom() -> str:
        raise ZeroDivisionError("bad math")

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        rv = client.get("/boom")
    assert rv.status_code == 500
    assert b"<title>500 Internal Server Error</title>" in rv.data
    assert rv.mimetype == "text/html"
    records = [r for r in caplog.records if r.name == app.logger.name]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    assert "Exception on /boom [GET]" in record.getMessage()
    assert record.exc_info is not None
    assert record.exc_info[0] is ZeroDivisionError


def test_handled_exception_is_not_logged(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False
    app.register_error_handler(ZeroDivisionError, lambda e: ("handled", 400))

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert client.get("/").status_code == 400
    assert not [r for r in caplog.records if r.name == app.logger.name]


def test_after_request_runs_on_error_response(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.after_request
    def add_header(response: minflask.Response) -> minflask.Response:
        response.headers["X-After"] = "yes"
        return response

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    rv = client.get("/")
    assert rv.status_code == 500
    assert rv.headers["X-After"] == "yes"
    assert client.get("/missing").headers["X-After"] == "yes"


def test_got_request_exception_signal(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    received: list[tuple[Flask, Exception]] = []

    def record(sender: Flask, exception: Exception, **extra: t.Any) -> None:
        received.append((sender, exception))

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with minflask.got_request_exception.connected_to(record, app):
        client.get("/")
    assert received[0][0] is app
    assert isinstance(received[0][1], ZeroDivisionError)


# -- PROPAGATE_EXCEPTIONS and the TRAP_* settings --------------------------


def _raising_app(app: Flask) -> Flask:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("bad math")

    return app


@pytest.mark.parametrize(
    ("propagate", "testing", "debug", "raises"),
    [
        (None, True, False, True),
        (None, False, True, True),
        (None, False, False, False),
        (True, False, False, True),
        (False, True, False, False),
        (False, False, True, False),
    ],
)
def test_propagate_exceptions(
    app: Flask,
    propagate: bool | None,
    testing: bool,
    debug: bool,
    raises: bool,
) -> None:
    app.config.update(PROPAGATE_EXCEPTIONS=propagate, TESTING=testing, DEBUG=debug)
    _raising_app(app)
    client = app.test_client()
    if raises:
        with pytest.raises(ZeroDivisionError, match="bad math"):
            client.get("/")
    else:
        assert client.get("/").status_code == 500


def test_propagated_exception_still_runs_teardown(
    app: Flask, client: FlaskClient
) -> None:
    torn_down: list[BaseException | None] = []
    app.teardown_request(torn_down.append)
    _raising_app(app)
    with pytest.raises(ZeroDivisionError):
        client.get("/")
    assert isinstance(torn_down[0], ZeroDivisionError)


def test_http_exceptions_are_not_propagated(app: Flask, client: FlaskClient) -> None:
    """In testing mode an abort is still a normal error response."""

    @app.route("/")
    def index() -> str:
        abort(404)

    assert client.get("/").status_code == 404


def test_trap_http_exceptions(app: Flask, client: FlaskClient) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.route("/")
    def index() -> str:
        abort(404)

    with pytest.raises(NotFound):
        client.get("/")
    with pytest.raises(NotFound):
        client.get("/missing")


def test_trap_http_exceptions_without_propagation_is_500(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(TRAP_HTTP_EXCEPTIONS=True, PROPAGATE_EXCEPTIONS=False)
    originals: list[BaseException | None] = []

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        originals.append(e.original_exception)
        return "trapped", 500

    @app.route("/")
    def index() -> str:
        abort(403)

    assert client.get("/").data == b"trapped"
    assert isinstance(originals[0], Forbidden)


def test_trapped_http_exception_still_reaches_its_handler(
    app: Flask, client: FlaskClient
) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    app.register_error_handler(404, lambda e: ("handled", 404))
    assert client.get("/missing").data == b"handled"


def test_trap_bad_request_errors(app: Flask, client: FlaskClient) -> None:
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True

    @app.route("/abort")
    def do_abort() -> str:
        abort(400)

    @app.route("/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.route("/key", methods=["POST"])
    def key() -> str:
        return request.form["missing"]

    with pytest.raises(BadRequest):
        client.get("/abort")
    with pytest.raises(BadRequestKeyError):
        client.post("/key")
    # Only bad requests are trapped.
    assert client.get("/forbidden").status_code == 403


def test_bad_request_key_error_is_400_by_default(
    app: Flask, client: FlaskClient
) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.form["missing"]

    rv = client.post("/", data={"other": "x"})
    assert rv.status_code == 400
    assert b"missing" not in rv.data


def test_bad_request_key_error_trapped_in_debug(
    app: Flask, client: FlaskClient
) -> None:
    app.debug = True

    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.form["missing"]

    with pytest.raises(KeyError) as exc_info:
        client.post("/")
    assert isinstance(exc_info.value, BadRequestKeyError)
    assert exc_info.value.args[0] == "missing"


def test_bad_request_key_error_shown_in_debug_when_not_trapped(
    app: Flask, client: FlaskClient
) -> None:
    """With trapping off, debug mode still names the missing key."""
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)

    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.form["missing"]

    rv = client.post("/")
    assert rv.status_code == 400
    assert b"KeyError" in rv.data
    assert b"missing" in rv.data


def test_plain_bad_request_not_trapped_in_debug(
    app: Flask, client: FlaskClient
) -> None:
    app.debug = True

    @app.route("/")
    def index() -> str:
        abort(400)

    assert client.get("/").status_code == 400


def test_trap_http_exception_method(app: Flask) -> None:
    assert not app.trap_http_exception(NotFound())
    assert not app.trap_http_exception(BadRequestKeyError("k"))
    app.debug = True
    assert app.trap_http_exception(BadRequestKeyError("k"))
    assert not app.trap_http_exception(BadRequest())
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    assert app.trap_http_exception(BadRequest())
    assert not app.trap_http_exception(NotFound())
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    assert app.trap_http_exception(NotFound())


# -- abort ---------------------------------------------------------------


def test_abort_with_code(app: Flask, client: FlaskClient) -> None:
    @app.route("/<int:code>")
    def index(code: int) -> str:
        abort(code)

    rv = client.get("/401")
    assert rv.status_code == 401
    assert b"<title>401 Unauthorized</title>" in rv.data
    assert client.get("/410").status_code == 410


def test_abort_with_description(app: Flask, client: FlaskClient) -> None:
    @app.route("/keyword")
    def keyword() -> str:
        abort(404, description="No such widget.")

    @app.route("/positional")
    def positional() -> str:
        abort(403, "Not yours.")

    rv = client.get("/keyword")
    assert rv.status_code == 404
    assert b"No such widget." in rv.data
    rv = client.get("/positional")
    assert rv.status_code == 403
    assert b"Not yours." in rv.data


def test_abort_description_reaches_handler(app: Flask, client: FlaskClient) -> None:
    app.register_error_handler(404, lambda e: (e.description, 404))

    @app.route("/")
    def index() -> str:
        abort(404, description="gone fishing")

    assert client.get("/").data == b"gone fishing"


def test_abort_with_response(app: Flask, client: FlaskClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(minflask.Response("custom body", status=418))

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.data == b"custom body"


def test_abort_with_response_skips_handlers(app: Flask, client: FlaskClient) -> None:
    """The response-carrying HTTPException has no code, so no handler runs."""
    app.register_error_handler(HTTPException, lambda e: ("handler", 500))

    @app.route("/")
    def index() -> str:
        abort(minflask.Response("direct", status=202))

    rv = client.get("/")
    assert rv.status_code == 202
    assert rv.data == b"direct"


def test_abort_unknown_code(app: Flask) -> None:
    with app.app_context(), pytest.raises(LookupError):
        abort(999)


def test_abort_without_app_context() -> None:
    with pytest.raises(NotFound):
        abort(404)
    with pytest.raises(Forbidden) as exc_info:
        abort(403, description="outside")
    assert exc_info.value.description == "outside"


def test_abort_uses_app_aborter(app: Flask) -> None:
    class PaymentError(HTTPException):
        code = 900
        description = "pay up"

    app.aborter.mapping[900] = PaymentError
    with app.app_context(), pytest.raises(PaymentError):
        abort(900)
    # Without the app, Werkzeug's own aborter does not know the code.
    with pytest.raises(LookupError):
        abort(900)


def test_custom_aborter_class(client: FlaskClient) -> None:
    class TeapotError(HTTPException):
        code = 418
        description = "short and stout"

    class MyAborter(Aborter):
        def __init__(self) -> None:
            super().__init__(extra={418: TeapotError})

    class MyFlask(Flask):
        aborter_class = MyAborter

    app = MyFlask(__name__)
    app.testing = True

    @app.route("/")
    def index() -> str:
        abort(418)

    assert isinstance(app.aborter, MyAborter)
    rv = app.test_client().get("/")
    assert rv.status_code == 418
    assert b"short and stout" in rv.data


def test_make_aborter_override() -> None:
    class GoneForGood(HTTPException):
        code = 410
        description = "gone for good"

    class MyFlask(Flask):
        def make_aborter(self) -> Aborter:
            return Aborter(extra={410: GoneForGood})

    app = MyFlask(__name__)
    with app.app_context(), pytest.raises(GoneForGood):
        abort(410)


def test_http_exception_handler_receives_routing_exception(
    app: Flask, client: FlaskClient
) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> str:
        assert request.routing_exception is e
        return "same"

    assert client.get("/missing").data == b"same"


# -- more precedence and failure paths -------------------------------------


def test_multiple_inheritance_follows_mro(app: Flask, client: FlaskClient) -> None:
    class E1(Exception):
        pass

    class E2(Exception):
        pass

    class E3(E1, E2):
        pass

    app.register_error_handler(E2, lambda e: "E2")
    app.register_error_handler(Exception, lambda e: "Exception")

    @app.route("/<name>")
    def raise_(name: str) -> str:
        raise {"E1": E1, "E2": E2, "E3": E3}[name]()

    assert client.get("/E1").data == b"Exception"
    assert client.get("/E2").data == b"E2"
    assert client.get("/E3").data == b"E2"


def test_base_exception_is_not_handled(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_error_handler(Exception, lambda e: "handled")

    @app.route("/")
    def index() -> str:
        raise KeyboardInterrupt()

    with pytest.raises(KeyboardInterrupt):
        client.get("/")


def test_before_request_runs_before_routing_errors(
    app: Flask, client: FlaskClient
) -> None:
    @app.before_request
    def before() -> None:
        minflask.g.marker = "set"

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return minflask.g.marker, 404

    assert client.get("/missing").data == b"set"


@pytest.mark.parametrize("trigger", ["before", "after"])
def test_error_in_hooks_reaches_500_handler(
    app: Flask, client: FlaskClient, trigger: str
) -> None:
    app.testing = False

    @app.before_request
    def before() -> None:
        if trigger == "before":
            raise ZeroDivisionError()

    @app.after_request
    def after(response: minflask.Response) -> minflask.Response:
        if trigger == "after":
            raise ZeroDivisionError()
        return response

    @app.route("/")
    def index() -> str:
        return "ok"

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        return "server error page", 500

    rv = client.get("/")
    assert rv.status_code == 500
    assert rv.data == b"server error page"


def test_error_in_after_request_on_error_path_is_logged(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False

    @app.after_request
    def after(response: minflask.Response) -> minflask.Response:
        raise ZeroDivisionError("after failed")

    @app.route("/")
    def index() -> str:
        return "ok"

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        rv = client.get("/")
    assert rv.status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.name == app.logger.name]
    assert len(messages) == 2
    assert messages[0] == "Exception on / [GET]"


def test_bad_request_key_error_description_in_debug(
    app: Flask, client: FlaskClient
) -> None:
    @app.route("/key")
    def key() -> str:
        return request.form["missing_key"]

    rv = client.get("/key")
    assert rv.status_code == 400
    assert b"missing_key" not in rv.data

    app.debug = True
    with pytest.raises(KeyError) as exc_info:
        client.get("/key")
    assert isinstance(exc_info.value, BadRequest)
    assert "missing_key" in exc_info.value.get_description()


# -- which errors reach generic handlers ------------------------------------


@pytest.fixture
def generic_app(app: Flask) -> Flask:
    """Routes that fail in the four ways a 500 can come about."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/custom")
    def custom() -> str:
        raise ParentError()

    @app.route("/error")
    def error() -> str:
        raise KeyError()

    @app.route("/abort")
    def do_abort() -> str:
        abort(500)

    @app.route("/raise")
    def do_raise() -> str:
        raise InternalServerError()

    return app


def _describe(e: Exception) -> str:
    original = getattr(e, "original_exception", None)
    if original is not None:
        return f"wrapped {type(original).__name__}"
    return f"direct {type(e).__name__}"


@pytest.mark.parametrize("key", [InternalServerError, 500])
def test_500_handler_by_class_or_code(
    generic_app: Flask, client: FlaskClient, key: t.Any
) -> None:
    """InternalServerError and 500 are the same key; the handler only ever
    sees InternalServerError, wrapping the unhandled error if any."""

    @generic_app.errorhandler(key)
    def handle(e: Exception) -> str:
        assert isinstance(e, InternalServerError)
        return _describe(e)

    assert client.get("/custom").data == b"wrapped ParentError"
    assert client.get("/error").data == b"wrapped KeyError"
    assert client.get("/abort").data == b"direct InternalServerError"
    assert client.get("/raise").data == b"direct InternalServerError"


def test_generic_http_handler_sees_wrapped_500s(
    generic_app: Flask, client: FlaskClient
) -> None:
    @generic_app.errorhandler(HTTPException)
    def handle(e: HTTPException) -> str:
        assert isinstance(e, HTTPException)
        return str(e.code)

    assert client.get("/error").data == b"500"
    assert client.get("/abort").data == b"500"
    assert client.get("/not-found").data == b"404"


def test_generic_exception_handler_sees_everything_directly(
    generic_app: Flask, client: FlaskClient
) -> None:
    generic_app.register_error_handler(Exception, _describe)
    assert client.get("/custom").data == b"direct ParentError"
    assert client.get("/error").data == b"direct KeyError"
    assert client.get("/abort").data == b"direct InternalServerError"
    assert client.get("/not-found").data == b"direct NotFound"


def test_blueprint_500_handler(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    bp = minflask.Blueprint("bp", __name__, url_prefix="/bp")

    @bp.errorhandler(500)
    def bp_500(e: InternalServerError) -> tuple[str, int]:
        return f"bp {_describe(e)}", 500

    @bp.route("/error")
    def bp_error() -> str:
        raise KeyError()

    @app.errorhandler(500)
    def app_500(e: InternalServerError) -> tuple[str, int]:
        return f"app {_describe(e)}", 500

    @app.route("/error")
    def app_error() -> str:
        raise InternalServerError()

    app.register_blueprint(bp)
    assert client.get("/bp/error").data == b"bp wrapped KeyError"
    assert client.get("/error").data == b"app direct InternalServerError"


def test_log_exception_override(client: FlaskClient) -> None:
    logged: list[t.Any] = []

    class MyFlask(Flask):
        def log_exception(self, exc_info: t.Any) -> None:
            logged.append(exc_info)

    app = MyFlask(__name__)

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    assert app.test_client().get("/").status_code == 500
    assert logged[0][0] is ZeroDivisionError
