"""Tests for the application logger, its default handler and stream proxy."""

from __future__ import annotations

import io
import logging
import sys
import typing as t
from types import SimpleNamespace

import pytest

import minflask
from minflask.logging import (
    create_logger,
    default_handler,
    has_level_handler,
    wsgi_errors_stream,
)


@pytest.fixture(autouse=True)
def isolated_logging(pytestconfig: pytest.Config) -> t.Iterator[None]:
    """Run each test with a bare root logger, then put everything back.

    pytest's logging plugin attaches capture handlers to the root logger for
    every test phase, which would make all loggers look handled; it is
    unregistered for the duration of the test.
    """
    plugin = pytestconfig.pluginmanager.unregister(name="logging-plugin")
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    saved_level = root.level
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    yield
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    if plugin is not None:
        pytestconfig.pluginmanager.register(plugin, "logging-plugin")


@pytest.fixture
def fresh_logger() -> t.Iterator[t.Callable[[str], logging.Logger]]:
    """Hand out loggers reset to a blank state, and reset them again after."""
    used: list[logging.Logger] = []

    def reset(logger: logging.Logger) -> None:
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True

    def make(name: str) -> logging.Logger:
        logger = logging.getLogger(name)
        reset(logger)
        used.append(logger)
        return logger

    yield make
    for logger in used:
        reset(logger)


@pytest.fixture
def app(fresh_logger: t.Callable[[str], logging.Logger]) -> minflask.Flask:
    fresh_logger("minflask_log_test")
    return minflask.Flask("minflask_log_test")


def handler_streams(logger: logging.Logger) -> list[t.Any]:
    return [getattr(h, "stream", None) for h in logger.handlers]


# -- wsgi_errors_stream and default_handler --------------------------------


def test_stream_is_stderr_outside_request(capsys: pytest.CaptureFixture[str]) -> None:
    # The proxy is resolved at use time, so it follows capsys's replacement.
    assert wsgi_errors_stream._get_current_object() is sys.stderr  # type: ignore[attr-defined]
    wsgi_errors_stream.write("to stderr\n")
    assert capsys.readouterr().err == "to stderr\n"


def test_stream_is_wsgi_errors_in_request(app: minflask.Flask) -> None:
    errors = io.StringIO()
    with app.test_request_context(errors_stream=errors):
        assert wsgi_errors_stream._get_current_object() is errors  # type: ignore[attr-defined]
        wsgi_errors_stream.write("to wsgi\n")
    assert errors.getvalue() == "to wsgi\n"


def test_default_handler_format() -> None:
    assert isinstance(default_handler, logging.StreamHandler)
    assert default_handler.stream is wsgi_errors_stream
    record = logging.LogRecord(
        "name", logging.WARNING, "/src/some_module.py", 1, "careful", None, None
    )
    formatted = default_handler.format(record)
    assert formatted.startswith("[")
    assert formatted.endswith("] WARNING in some_module: careful")


# -- has_level_handler -----------------------------------------------------


def test_has_level_handler_without_handlers(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    logger = fresh_logger("hlh.none")
    assert not has_level_handler(logger)


def test_has_level_handler_own_handler(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    logger = fresh_logger("hlh.own")
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    assert has_level_handler(logger)

    # A handler above the effective level does not count.
    handler.setLevel(logging.ERROR)
    assert not has_level_handler(logger)

    # Raising the logger's level to meet the handler makes it count again.
    logger.setLevel(logging.ERROR)
    assert has_level_handler(logger)


def test_has_level_handler_parent_handler(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    parent = fresh_logger("hlh.parent")
    child = fresh_logger("hlh.parent.child")
    parent.addHandler(logging.StreamHandler(io.StringIO()))
    assert has_level_handler(child)

    child.propagate = False
    assert not has_level_handler(child)


def test_has_level_handler_root_handler(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    logger = fresh_logger("hlh.rooted")
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(logging.CRITICAL)
    logging.getLogger().addHandler(handler)
    # Effective level is the root's WARNING, below the handler's CRITICAL.
    assert not has_level_handler(logger)
    handler.setLevel(logging.WARNING)
    assert has_level_handler(logger)


# -- create_logger / app.logger --------------------------------------------


def test_logger_name_and_identity(app: minflask.Flask) -> None:
    assert app.logger.name == "minflask_log_test"
    assert app.logger is logging.getLogger("minflask_log_test")
    # The lazily made logger is created once and then reused.
    assert app.logger is app.logger


def test_default_handler_added_when_unhandled(app: minflask.Flask) -> None:
    assert app.logger.handlers == [default_handler]
    assert app.logger.level == logging.NOTSET


def test_default_handler_skipped_when_handled(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    fresh_logger("minflask_log_handled")
    root_handler = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(root_handler)
    app = minflask.Flask("minflask_log_handled")
    assert default_handler not in app.logger.handlers
    assert app.logger.handlers == []


def test_debug_sets_debug_level(app: minflask.Flask) -> None:
    app.debug = True
    assert app.logger.level == logging.DEBUG
    assert app.logger.handlers == [default_handler]


def test_debug_keeps_explicit_level(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    logger = fresh_logger("minflask_log_level")
    logger.setLevel(logging.ERROR)
    app = minflask.Flask("minflask_log_level")
    app.debug = True
    assert app.logger.level == logging.ERROR


def test_create_logger_with_plain_object(
    fresh_logger: t.Callable[[str], logging.Logger],
) -> None:
    # Only ``name`` and ``debug`` are read, so a stand-in app is enough.
    fresh_logger("minflask_log_plain")
    stub = SimpleNamespace(name="minflask_log_plain", debug=False)
    logger = create_logger(stub)  # type: ignore[arg-type]
    assert logger.name == "minflask_log_plain"
    assert logger.level == logging.NOTSET
    assert logger.handlers == [default_handler]

    # A second call does not stack a second default handler.
    assert create_logger(stub) is logger  # type: ignore[arg-type]
    assert logger.handlers == [default_handler]


def test_logs_to_wsgi_errors_in_request(app: minflask.Flask) -> None:
    errors = io.StringIO()
    with app.test_request_context(errors_stream=errors):
        app.logger.error("in request")
    assert "ERROR in test_logging: in request" in errors.getvalue()


def test_logs_to_stderr_outside_request(
    app: minflask.Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    app.logger.warning("no request")
    err = capsys.readouterr().err
    assert "WARNING in test_logging: no request" in err


def test_debug_message_shown_only_in_debug(
    app: minflask.Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    app.debug = True
    app.logger.debug("details")
    assert "DEBUG in test_logging: details" in capsys.readouterr().err


def test_info_hidden_outside_debug(
    app: minflask.Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    app.logger.info("quiet")
    assert capsys.readouterr().err == ""


def test_unhandled_exception_logged(app: minflask.Flask) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("boom")

    errors = io.StringIO()
    response = app.test_client().get("/", errors_stream=errors)
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data
    logged = errors.getvalue()
    assert "Exception on / [GET]" in logged
    assert "Traceback (most recent call last):" in logged
    assert "ZeroDivisionError: boom" in logged


def test_handled_error_not_logged(app: minflask.Flask) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("boom")

    @app.errorhandler(ZeroDivisionError)
    def handle(error: ZeroDivisionError) -> tuple[str, int]:
        return "handled", 500

    errors = io.StringIO()
    response = app.test_client().get("/", errors_stream=errors)
    assert response.data == b"handled"
    assert errors.getvalue() == ""
