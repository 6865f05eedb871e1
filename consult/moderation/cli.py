"""``flask screen [FILE]``: run the intake screening over JSON lines, one result per line; ``flask screen
train`` and ``flask screen evaluate``: the classifier layer's weights and its figures.

Each input line is ``{"text": "...", "lang": "fr"}`` (``lang`` optional); each output line is
``{"pii": [{"kind", "start", "end", "text"}], "redacted": "...", "flags": [...], "scores": {"abuse": p,
"safeguarding": p}, "watch": false, "model": "lr-..."}``, in UTF-8: the same screening as the job worker's,
both layers, ``flags`` their union, ``scores`` the classifier's probabilities, ``watch`` whether the
safeguarding head reads a possible disclosure (kept from bulk approval even when below the flag). A line
that cannot be read is reported on standard error with its number and skipped; the command then exits
with status 1, after screening every other line.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask

from .screening import screen_batch, tagger, tagger_training, tagger_words
from .screening.classifier import MODEL_FILE, from_document
from .screening.evaluation import evaluate, report_lines
from .screening.training import (
    FALSE_ALARM_SHARE,
    FLAG_RECALL,
    POLICY_TALK_SHARE,
    Row,
    polis_directory,
    polis_rows,
    read_corpus,
    train,
    write,
)

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT / "tests" / "data" / "screening_corpus.jsonl"
PII_CORPUS = PROJECT / "tests" / "data" / "pii_corpus.jsonl"
PUBLIC_NAMES = PROJECT / "tests" / "data" / "public_names.json"
PLACES = PROJECT / "tests" / "data" / "places.json"
#: GeoNames' towns (``tests/data/geonames_places.py`` writes it): a run of words that is a place names no one.
GEONAMES_PLACES = PROJECT / "tests" / "data" / "places_geonames.json"
GIVEN_NAMES = PROJECT / "tests" / "data" / "given_names.json"
BATCH = 128


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


class _ScreenGroup(click.Group):
    """``flask screen [FILE]`` screens, as it always has; ``flask screen train|evaluate`` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["file", *args]
        return super().parse_args(ctx, args)


@click.group("screen", cls=_ScreenGroup)
def screen_command() -> None:
    """Screen answers (FILE, or standard input, as JSON lines); train and evaluate the classifier layer."""


@screen_command.command("file")
@click.argument("file", type=click.File("rb"), default="-")
def screen_file(file) -> None:
    """Screen the JSON lines of FILE (standard input by default) for personal information,
    abuse and safeguarding cues, writing one JSON line per input line."""
    bad, waiting = 0, []
    for number, raw in enumerate(file, start=1):
        if not raw.strip():
            continue
        try:
            waiting.append(_request(raw, number))
        except BadLine as error:
            bad += 1
            click.echo(f"line {number}: {error}", err=True)
            continue
        if len(waiting) == BATCH:
            _screen_and_print(waiting)
            waiting = []
    _screen_and_print(waiting)
    if bad:
        click.echo(f"{bad} line{'s' if bad > 1 else ''} could not be screened", err=True)
        raise click.exceptions.Exit(1)


def _screen_and_print(requests: list[tuple[str, str | None]]) -> None:
    if not requests:
        return
    texts, langs = [text for text, _lang in requests], [lang for _text, lang in requests]
    for screening in screen_batch(texts, langs):
        result = screening.result
        output = {
            "pii": [{"kind": s.kind, "start": s.start, "end": s.end, "text": s.text} for s in result.pii],
            "redacted": result.redacted,
            "flags": result.flags,
            "scores": {head: round(score, 4) for head, score in sorted(screening.scores.items())},
            "watch": screening.watch,
            "model": screening.model,
        }
        click.echo(json.dumps(output, ensure_ascii=False).encode("utf-8"))


def _polis_options(command):
    """``--polis DIRECTORY`` and ``--without-polis``: the real Pol.is statements read as negatives beside the corpus."""
    command = click.option("--without-polis", is_flag=True, help="read the corpus alone")(command)
    return click.option(
        "--polis", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
        help="the shared Pol.is conversations (default: $CONSULT_SHARED_DIR/data/polis or ../shared/data/polis)",
    )(command)  # fmt: skip


def _with_polis(rows: list[Row], polis: Path | None, without: bool) -> list[Row]:
    if without:
        return rows
    directory = polis or polis_directory()
    if directory is None:
        raise click.UsageError(
            "the shared Pol.is conversations were not found: set CONSULT_SHARED_DIR, pass --polis, or --without-polis"
        )
    return rows + polis_rows(directory)


def _corpus_option(default: Path, help: str):
    return click.option(
        "--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=default,
        show_default=True, help=help,
    )  # fmt: skip


@screen_command.command("train")
@_corpus_option(CORPUS, "labelled JSON lines; held-out splits (holdout*) are never read")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=MODEL_FILE, show_default=True)
@click.option(
    "--policy-talk",
    type=click.FloatRange(0, 1),
    default=POLICY_TALK_SHARE,
    show_default=True,
    help="the safeguarding flag's threshold: at most this share of the training rows' policy talk flagged "
    "(grouped CV, with the lexicons)",
)
@click.option(
    "--flag-recall",
    type=click.FloatRange(0, 1),
    default=FLAG_RECALL,
    show_default=True,
    help="the safeguarding flag's threshold: the highest that flags at least this share of the training "
    "disclosures of every language (grouped CV, with the lexicons), unless --policy-talk asks for higher",
)
@click.option(
    "--abuse-false-alarms",
    type=click.FloatRange(0, 1),
    default=FALSE_ALARM_SHARE["abuse"],
    show_default=True,
    help="the abuse flag's threshold: at most this share of its negative training rows flagged (grouped CV)",
)
@_polis_options
def train_command(
    corpus: Path,
    output: Path,
    policy_talk: float,
    flag_recall: float,
    abuse_false_alarms: float,
    polis: Path | None,
    without_polis: bool,
) -> None:
    """Train the classifier layer on the corpus's training rows (and real Pol.is statements as negatives) and
    write its weights (deterministic)."""
    where = corpus.resolve()
    source = where.relative_to(PROJECT).as_posix() if where.is_relative_to(PROJECT) else where.name
    rows = _with_polis(read_corpus(corpus), polis, without_polis)
    document = train(rows, source=source, false_alarms={"abuse": abuse_false_alarms},
                     policy_talk=policy_talk, flag_recall=flag_recall)  # fmt: skip
    write(document, output)
    click.echo(f"{document['version']}: {document['trained_on']['rows']} training rows -> {output}")
    for head, figures in document["cross_validated"].items():
        thresholds = document["heads"][head]
        click.echo(
            f"  {head}: watch {thresholds['watch']:.4f} (cross-validated recall {figures['recall_at_watch']:.3f}, "
            f"negatives {figures['negatives_watched']}); flag {thresholds['threshold']:.4f} (recall "
            f"{figures['recall']:.3f}, negatives {figures['negatives_flagged']}, "
            f"policy talk {figures['policy_flagged']}, with the lexicons {figures['policy_flagged_with_lexicons']})"
        )


@screen_command.command("evaluate")
@click.option(
    "--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=CORPUS, show_default=True
)
@click.option(
    "--model",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=MODEL_FILE,
    show_default=True,
    help="a classifier file written by `flask screen train`",
)
@click.option("--json", "as_json", is_flag=True, help="one JSON object instead of tables")
@_polis_options
def evaluate_command(corpus: Path, model: Path, as_json: bool, polis: Path | None, without_polis: bool) -> None:
    """Precision and recall of the lexicons, the classifier and their union: on the held-out splits, and
    cross-validated on the training rows (the Pol.is statements among them, as in training); the share of
    policy talk flagged."""
    rows = _with_polis(read_corpus(corpus), polis, without_polis)
    figures = evaluate(rows, from_document(json.loads(model.read_text(encoding="utf-8"))))
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    else:
        for line in report_lines(figures):
            click.echo(line)


@screen_command.command("train-tagger")
@_corpus_option(
    PII_CORPUS, f"labelled JSON lines; only the splits {', '.join(tagger_training.TRAINING_SPLITS)} are read"
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=tagger.MODEL_FILE, show_default=True)
def train_tagger_command(corpus: Path, output: Path) -> None:
    """Train the personal-information tagger (names, schools, addresses) and write its weights (deterministic)."""
    where = corpus.resolve()
    source = where.relative_to(PROJECT).as_posix() if where.is_relative_to(PROJECT) else where.name
    lines = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    ordinary = tagger_words.ordinary_texts(CORPUS, PROJECT / "translations")
    public = [
        name
        for path in (PUBLIC_NAMES, PLACES, GEONAMES_PLACES)
        for names in json.loads(path.read_text(encoding="utf-8")).values()
        if isinstance(names, list)  # places_geonames.json names its source beside the lists
        for name in names
    ]
    given = [name for names in json.loads(GIVEN_NAMES.read_text(encoding="utf-8")).values() for name in names]
    document = tagger_training.train(lines, ordinary, public=public, given=given, source=source)
    tagger_training.write(document, output)
    figures = document["training"]["cross_validated"]
    click.echo(
        f"{document['version']}: {document['trained_on']['lines']} training lines, {len(document['weights'])} "
        f"features, threshold {document['threshold']} -> {output}"
    )
    for layer in ("rules", "union"):
        click.echo(
            f"  cross-validated, {layer}: span recall {figures[layer]['recall']:.3f} of {figures[layer]['spans']}, "
            f"clean lines altered {figures[layer]['altered']:.3f} of {figures[layer]['clean']}"
        )


def register(app: Flask) -> None:
    app.cli.add_command(screen_command, "screen")
