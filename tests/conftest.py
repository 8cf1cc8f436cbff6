"""Shared fixtures: an app in testing mode, its client, and contexts."""

from __future__ import annotations

import os
import sys
import typing as t

import pytest

from minflask import Flask, flask_alias
from minflask.testing import FlaskClient


class _RealFlaskGuard:
    """Refuses every import of the real Flask in the test process.

    pip installs Flask into .venv as a dependency of the extensions under
    test (the dev extra); nothing here may run it. While
    ``minflask.install_as_flask()`` is in force its finder, placed ahead of
    this one, answers every ``flask`` name, so this refusal never shows.
    Each refusal is also recorded, and fails the test that caused it even
    if something caught the ImportError.
    """

    refused: t.ClassVar[list[str]] = []

    @classmethod
    def find_spec(cls, fullname: str, path: t.Any = None, target: t.Any = None) -> None:
        if fullname == "flask" or fullname.startswith("flask."):
            cls.refused.append(fullname)
            raise ImportError(
                f"the test suite must not import the real Flask ({fullname!r}); "
                "call minflask.install_as_flask() first (the flask_alias "
                "fixture in tests/ext_support.py does)",
                name=fullname,
            )


sys.meta_path.insert(0, _RealFlaskGuard())


@pytest.fixture
def refused_flask_imports() -> t.Iterator[list[str]]:
    """The real-Flask imports refused during a test that provokes them on
    purpose; emptied afterwards, so they do not fail that test."""
    yield _RealFlaskGuard.refused
    _RealFlaskGuard.refused.clear()


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


@pytest.fixture(autouse=True)
def _no_leaked_flask_alias() -> t.Iterator[None]:
    """Undo ``install_as_flask()`` done by a test (directly, or by loading
    ``flask.commands`` plugins), so ``flask`` is unbound again after it."""
    before = flask_alias.is_installed()
    yield
    if not before and flask_alias.is_installed():
        flask_alias.uninstall()
    refused, _RealFlaskGuard.refused[:] = list(_RealFlaskGuard.refused), []
    assert refused == [], f"a test tried to import the real Flask (refused): {refused}"
