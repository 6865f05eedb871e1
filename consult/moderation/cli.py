"""``flask screen [FILE]``: run the intake screening over JSON lines, one result per line.

Each input line is ``{"text": "...", "lang": "fr"}`` (``lang`` optional); each output line is
``{"pii": [{"kind", "start", "end", "text"}], "redacted": "...", "flags": [...]}``, in UTF-8.
A line that cannot be read is reported on standard error with its number and skipped; the
command then exits with status 1, after screening every other line.
"""

from __future__ import annotations

import json

import click
from flask import Flask

from .screening import screen


class BadLine(ValueError):
    """An input line that is not a screening request."""


def _request(raw: bytes, number: int) -> tuple[str, str | None]:
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise BadLine(f"not UTF-8 ({error.reason} at byte {error.start})") from error
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"not JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(item, dict):
        raise BadLine(f'expected an object like {{"text": "..."}}, got {type(item).__name__}')
    text, lang = item.get("text"), item.get("lang")
    if not isinstance(text, str):
        raise BadLine('"text" is missing or not a string')
    if lang is not None and not isinstance(lang, str):
        raise BadLine('"lang" must be a string such as "fr", or left out')
    return text, lang


@click.command("screen")
@click.argument("file", type=click.File("rb"), default="-")
def screen_command(file) -> None:
    """Screen the JSON lines of FILE (standard input by default) for personal information,
    abuse and safeguarding cues, writing one JSON line per input line."""
    bad = 0
    for number, raw in enumerate(file, start=1):
        if not raw.strip():
            continue
        try:
            text, lang = _request(raw, number)
        except BadLine as error:
            bad += 1
            click.echo(f"line {number}: {error}", err=True)
            continue
        result = screen(text, lang)
        output = {
            "pii": [{"kind": s.kind, "start": s.start, "end": s.end, "text": s.text} for s in result.pii],
            "redacted": result.redacted,
            "flags": result.flags,
        }
        click.echo(json.dumps(output, ensure_ascii=False).encode("utf-8"))
    if bad:
        click.echo(f"{bad} line{'s' if bad > 1 else ''} could not be screened", err=True)
        raise click.exceptions.Exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(screen_command, "screen")
