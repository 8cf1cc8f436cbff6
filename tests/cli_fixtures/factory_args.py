"""Factories called by name, with and without literal arguments."""

from __future__ import annotations

import typing as t

from minflask import Flask

not_callable = 42
not_an_app = "a string"


def create_app(name: str = "factory_args", debug: bool = False) -> Flask:
    app = Flask(name)
    app.config["FACTORY_DEBUG"] = debug
    return app


def with_options(*args: t.Any, **kwargs: t.Any) -> Flask:
    app = Flask("with_options")
    app.config["ARGS"] = args
    app.config["KWARGS"] = kwargs
    return app


def needs_arg(required: str) -> Flask:
    return Flask(required)


def raises_type_error() -> Flask:
    raise TypeError("bug inside the factory")


def returns_none() -> None:
    return None
