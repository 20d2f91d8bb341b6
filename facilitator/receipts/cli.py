"""`flask --app wsgi receipts ...`: the receipt signing key (docs/receipts.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from . import keys

receipts_cli = AppGroup("receipts", help="Attendance receipts: the key that signs them.")


def _fail_on_key_problem(action):
    try:
        return action()
    except keys.ReceiptKeyProblem as problem:
        raise click.ClickException(str(problem)) from problem


@receipts_cli.command("create-key")
def create_key_command() -> None:
    """Make the signing key file if there is none (it is also made on first use)."""
    app = current_app
    made = _fail_on_key_problem(lambda: keys.ensure_key_file(app))
    current = _fail_on_key_problem(lambda: keys.public_keys(app)[0])
    if keys.uses_configured_key(app):
        click.echo(f"Receipts are signed with the key in RECEIPT_SIGNING_KEY (id {current.kid}).")
    elif made:
        path = keys.key_dir(app) / keys.KEY_FILE
        click.echo(f"Made a new receipt signing key (id {current.kid}) in {path}.")
    else:
        click.echo(f"There is a receipt signing key already (id {current.kid}); nothing changed.")


@receipts_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Start signing with a new key; receipts signed with the old one still verify."""
    app = current_app
    old, new = _fail_on_key_problem(lambda: keys.rotate(app))
    new_id = keys.key_id(new.public_key())
    retired = keys.key_dir(app) / keys.RETIRED_DIR
    click.echo(f"Kept the public key of {old.kid} in {retired}, so its receipts still verify.")
    if keys.uses_configured_key(app):
        click.echo(
            f"Put this new key (id {new_id}) in RECEIPT_SIGNING_KEY and restart the server; until then "
            "the old key goes on signing:"
        )
        click.echo(keys.raw_private_base64(new))
    else:
        click.echo(f"New receipts are signed with {new_id}.")


@receipts_cli.command("public-keys")
def public_keys_command() -> None:
    """Print every public key receipts may be signed with (as /receipts/public-keys serves them)."""
    for key in _fail_on_key_problem(lambda: keys.public_keys(current_app)):
        click.echo(f"# {key.kid} ({'current' if key.current else 'retired'})")
        click.echo(key.pem, nl=False)
