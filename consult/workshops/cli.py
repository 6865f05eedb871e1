"""`flask consultations import FILE --format workshop --slug SLUG` and `flask users facilitator NAME [--revoke]`."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from ..auth.services import account_named
from ..domain import DomainError
from ..extensions import db
from ..models import Consultation, Role
from .services import grant_facilitator, record_workshop, revoke_facilitator
from .upload import MAX_BYTES, read_workshop_csv


def import_workshop(file: Path, slug: str | None, facilitator: str | None, attest: bool) -> None:
    """Import a workshop's CSV into the open consultation SLUG, all rows or none; one commit."""
    if not slug:
        raise click.UsageError("--slug is required with --format workshop")
    # Asked when not given, so that the bare command works at a terminal and a script says both up front.
    facilitator = facilitator or click.prompt("Facilitator account (whose workshop it was)")
    if not attest and not click.confirm(
        "Does the facilitator attest that the young people agreed to take part and that no names are included?"
    ):
        raise click.ClickException("nothing imported: the facilitator's attestation is required (--attest)")
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"No consultation {slug!r}.")
    user = account_named(facilitator)
    if file.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{file.name} is larger than {MAX_BYTES // 1024} kB: split it")
    found = read_workshop_csv(file.read_bytes(), consultation)
    if found.errors:
        lines = "\n".join(f"  {error}" for error in found.errors)
        raise click.ClickException(f"{file.name}: nothing imported, {len(found.errors)} problem(s):\n{lines}")
    try:
        for group, answers in found.groups:
            record_workshop(user, consultation, group, answers, attested=True, via="csv")
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(f"nothing imported: {refused.message}") from refused
    db.session.commit()
    count = sum(len(answers) for _group, answers in found.groups)
    click.echo(f"{consultation.slug}: {count} workshop answers from {len(found.groups)} group(s) imported, waiting "
               f"for screening and moderation.")  # fmt: skip


@click.command("facilitator")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Stop NAME from handing in workshops (the account can no longer sign in).")
def facilitator_command(name: str, revoke: bool):
    """Make the facilitator account NAME able to hand in workshops again, or --revoke it.

    A new facilitator account is made with `flask users create NAME --role facilitator`.
    """
    user = account_named(name)
    try:
        if revoke:
            revoke_facilitator(user, via="cli")
        else:
            if user.role is not Role.FACILITATOR:
                raise click.ClickException(f"{user.pseudonym!r} is {user.role.value}, not a facilitator")
            grant_facilitator(name, None, via="cli")
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(str(refused.message)) from refused
    db.session.commit()
    click.echo(f"{user.pseudonym!r} {'can no longer' if revoke else 'can'} hand in workshops.")
