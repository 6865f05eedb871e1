"""``flask users safeguarding NAME --grant|--revoke``: who may read safeguarding escalations."""

from __future__ import annotations

import click
from flask import Flask

from ..audit_log import security_event
from ..auth.services import account_named
from ..extensions import db
from .safeguarding import NotEligible, set_safeguarding_permission


@click.command("safeguarding")
@click.argument("name")
@click.option("--grant/--revoke", "grant", default=None, help="Give or take away the permission.")
def safeguarding_command(name: str, grant: bool | None) -> None:
    """Let moderator or admin NAME read and act on safeguarding escalations, or stop them."""
    if grant is None:
        raise click.UsageError("say --grant or --revoke")
    user = account_named(name)
    try:
        set_safeguarding_permission(user, grant)
    except NotEligible as error:
        raise click.ClickException(
            f"{user.pseudonym!r} is a {user.role.value}; only moderators and admins can handle safeguarding"
        ) from error
    db.session.commit()
    security_event("permission_change", user=user, permission="safeguarding", granted=grant, via="cli")
    if grant:
        click.echo(f"{user.pseudonym!r} can now read and act on safeguarding escalations.")
    else:
        click.echo(f"{user.pseudonym!r} can no longer see safeguarding escalations.")


def register(app: Flask) -> None:
    # Joins the "users" group that consult.cli registers first.
    app.cli.commands["users"].add_command(safeguarding_command)
