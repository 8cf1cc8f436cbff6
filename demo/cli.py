"""Custom ``minflask --app demo`` commands: ``init-db`` on the app, and the
``users`` group, which comes from a blueprint (``cli_group="users"``)."""

from __future__ import annotations

import click

from minflask import Blueprint, Flask, current_app
from minflask.cli import with_appcontext

from . import db
from .users import (
    EmailTaken,
    create_user,
    email_error,
    list_users,
    normalize_email,
    password_error,
)

#: A blueprint with no routes: it only carries the ``users`` command group.
users = Blueprint("users", __name__, cli_group="users")
users.cli.help = "Create and list user accounts."


@click.command("init-db")
@click.option("--sample/--no-sample", default=False, help="Add the sample account.")
@click.confirmation_option(prompt="Delete every account and holding?")
@with_appcontext
def init_db_command(sample: bool) -> None:
    """Empty the database and create the tables again."""
    with current_app.open_resource("schema.sql", "r") as f:
        schema = f.read()
    db.prepare(
        current_app.config["DATABASE"],
        schema,
        sample=sample,
        reset=True,
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    click.echo("Initialized the database.")
    if sample:
        click.echo(f"Sample login: {db.SAMPLE_EMAIL} / {db.SAMPLE_PASSWORD}")


@users.cli.command("create")
@click.argument("email")
@click.password_option(help="The new account's password (prompted if omitted).")
def create_user_command(email: str, password: str) -> None:
    """Create an account for EMAIL."""
    email = normalize_email(email)
    problem = email_error(email)
    if problem:
        raise click.BadParameter(problem, param_hint="EMAIL")
    problem = password_error(password)
    if problem:
        raise click.BadParameter(problem, param_hint="'--password'")
    try:
        user_id = create_user(email, password)
    except EmailTaken as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Created user {user_id}: {email}")


@users.cli.command("list")
def list_users_command() -> None:
    """Show every account and its number of holdings."""
    for user, holdings in list_users():
        noun = "holding" if holdings == 1 else "holdings"
        click.echo(f"{user.id:>5}  {user.email}  ({holdings} {noun})")


def init_app(app: Flask) -> None:
    """Add the commands to the app's ``minflask`` CLI."""
    app.cli.add_command(init_db_command)
    app.register_blueprint(users)
