"""A project's own management script: a FlaskGroup named ``cli``."""

from __future__ import annotations

import click

from minflask import Flask, current_app
from minflask.cli import FlaskGroup


def create_app() -> Flask:
    app = Flask("custom_script")
    app.add_url_rule("/custom", "custom", lambda: "custom")
    return app


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """Management script for the custom application."""


@cli.command()
def hello() -> None:
    """Print the loaded app's name."""
    click.echo(f"hello from {current_app.name}")
