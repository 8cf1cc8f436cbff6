"""Shared fixtures: an app in testing mode, its client, and contexts."""

from __future__ import annotations

import os
import typing as t

import pytest

from minflask import Flask
from minflask.testing import FlaskClient


@pytest.fixture
def app() -> Flask:
    """A fresh app rooted in the tests folder, in testing mode."""
    app = Flask("minflask_test", root_path=os.path.dirname(__file__))
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask) -> t.Iterator[t.Any]:
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def req_ctx(app: Flask) -> t.Iterator[t.Any]:
    with app.test_request_context() as ctx:
        yield ctx


@pytest.fixture(autouse=True)
def _no_leaked_contexts() -> t.Iterator[None]:
    """Fail the test that leaves a request or app context pushed, and clean
    up so the leak does not spread to later tests."""
    from minflask.globals import _app_ctx_stack, _request_ctx_stack

    yield
    leaked: list[t.Any] = []
    while _request_ctx_stack.top is not None:
        leaked.append(_request_ctx_stack.pop())
    while _app_ctx_stack.top is not None:
        leaked.append(_app_ctx_stack.pop())
    assert leaked == [], f"contexts left pushed: {leaked}"
