"""An app with custom commands on ``app.cli`` and on blueprints."""

from __future__ import annotations

import click

from minflask import Blueprint, Flask, current_app

app = Flask("commands_app")


@app.cli.command()
@click.argument("name", default="World")
def greet(name: str) -> None:
    """Greet someone from inside the app context."""
    click.echo(f"Hello {name} from {current_app.name}")


users = Blueprint("users", __name__)


@users.cli.command("create")
@click.argument("username")
def create_user(username: str) -> None:
    """Create a user (grouped under the blueprint's name)."""
    click.echo(f"created {username} in {current_app.name}")


app.register_blueprint(users)
