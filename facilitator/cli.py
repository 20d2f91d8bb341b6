"""Command-line tasks: `flask --app wsgi create-facilitator`, `flask --app wsgi purge`."""

from __future__ import annotations

import sys

import click
from flask import Flask

from .accounts import services
from .errors import DomainError
from .extensions import db
from .summaries.purge import purge_command


@click.command("create-facilitator")
@click.option("--email", prompt="E-mail", help="The facilitator's e-mail address.")
@click.option("--name", "display_name", prompt="Name", help="The name group members will see.")
@click.option(
    "--admin/--no-admin", default=None, help="Admin rights (the first facilitator is always an admin)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_facilitator_command(
    email: str, display_name: str, admin: bool | None, password_stdin: bool
) -> None:
    """Create a facilitator account (the first one becomes the admin)."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    is_admin = admin if admin is not None else not services.has_facilitators()
    try:
        facilitator = services.create_facilitator(email, display_name, password, is_admin=is_admin)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    role = "admin" if facilitator.is_admin else "facilitator"
    click.echo(f"Created {role} {facilitator.email}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_facilitator_command)
    app.cli.add_command(purge_command)
