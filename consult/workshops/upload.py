"""A workshop's answers as a CSV file: read every row, and either all of them or a report of each bad one.

Columns ``question,body,language,age_band,country,group_size``, UTF-8 (a byte-order mark is allowed).
``question`` is the question's number as the consultation's page shows it (1 for the first): the number a
facilitator sees on the page, where an id would have to be looked up. Rows that share a country and a
group size are one group (one ``Workshop``); its age bands are those its rows name.

Nothing is written here: the caller hands the rows to ``services.record_workshop`` only when no row is bad,
in one transaction, so a file with one bad row imports nothing.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import languages
from ..i18n import country_choices
from ..models import AGE_BANDS, Consultation
from ..text import clean_plain_text, length_over, neutralise
from .services import MAX_ANSWERS, MAX_GROUP_SIZE, Group, WorkshopAnswer

COLUMNS = ("question", "body", "language", "age_band", "country", "group_size")
MAX_BYTES = 200 * 1024  # under the requests' own limit (MAX_CONTENT_LENGTH), with room for the form
_ECHO = 40  # characters of a bad value the report shows


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1; 0 for the file as a whole
    column: str
    message: object  # a lazily translated string
    value: str = ""  # what the row held, neutralised for spreadsheets; escaped wherever it is shown

    def __str__(self) -> str:
        where = f"row {self.row}, {self.column}" if self.row else "file"
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}: {self.message}{shown}"


@dataclass(frozen=True)
class ReadFile:
    groups: list[tuple[Group, list[WorkshopAnswer]]]
    errors: list[RowError]


def _echo(value: str) -> str:
    value = " ".join(value.split())
    return neutralise(value[:_ECHO] + ("…" if len(value) > _ECHO else ""))


def read_workshop_csv(data: bytes, consultation: Consultation) -> ReadFile:
    """Every row of ``data`` checked against ``consultation``; errors for every bad row, or the groups."""
    if len(data) > MAX_BYTES:
        return ReadFile([], [RowError(0, "", _l("The file is larger than %(size)d kB.", size=MAX_BYTES // 1024))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ReadFile([], [RowError(0, "", _l("The file is not UTF-8 text."))])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return ReadFile([], [RowError(0, "", _l("The file is not a valid CSV file."))])
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows or tuple(cell.strip().lower() for cell in rows[0]) != COLUMNS:
        return ReadFile([], [RowError(1, "", _l("The first row must name the columns: %(columns)s.",
                                                columns=",".join(COLUMNS)))])  # fmt: skip
    if len(rows) == 1:
        return ReadFile([], [RowError(0, "", _l("The file holds no answers."))])
    if len(rows) - 1 > MAX_ANSWERS:
        return ReadFile([], [RowError(0, "", _l("At most %(count)d answers at a time.", count=MAX_ANSWERS))])
    questions = {str(q.position): q for q in consultation.questions}
    countries = {code for code, _name in country_choices("en")}
    bands = allowed_age_bands()
    errors: list[RowError] = []
    read: list[tuple[tuple[str, int], WorkshopAnswer]] = []
    for number, row in enumerate(rows[1:], start=2):
        found, answer = _check_row(number, row, questions, countries, bands)
        errors.extend(found)
        if answer is not None:
            read.append(answer)
    if errors:
        return ReadFile([], errors)
    return ReadFile(_grouped(read), [])


def _check_row(number: int, row: list[str], questions: dict, countries: set[str], bands: tuple[str, ...]):
    """Every problem of one row, or the answer it holds with its group's key (country, size)."""
    if len(row) != len(COLUMNS):
        return [RowError(number, "", _l("This row has %(found)d columns, not %(expected)d.", found=len(row),
                                        expected=len(COLUMNS)))], None  # fmt: skip
    cells = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
    found: list[RowError] = []

    def bad(column: str, message) -> None:
        found.append(RowError(number, column, message, _echo(cells[column])))

    question = questions.get(cells["question"].lstrip("0") or "0")
    if question is None:
        bad("question", _l("Not the number of a question of this consultation."))
    body = clean_plain_text(row[1])
    if not body:
        bad("body", _l("The answer is empty."))
    elif question is not None and length_over(body, question.max_length):
        bad("body", _l("The answer is longer than %(max)d characters.", max=question.max_length))
    if not languages.supported(cells["language"]):
        bad("language", _l("Not a language code this site supports."))
    if cells["age_band"] not in bands:
        bad("age_band", _l("Not one of the age bands %(bands)s.", bands=", ".join(bands)))
    country = cells["country"].upper()
    if country not in countries:
        bad("country", _l("Not a two-letter country code."))
    size = cells["group_size"]
    if not (size.isascii() and size.isdigit() and 1 <= int(size) <= MAX_GROUP_SIZE):
        bad("group_size", _l("Not a whole number from 1 to %(max)d.", max=MAX_GROUP_SIZE))
    if found:
        return found, None
    return [], ((country, int(size)), WorkshopAnswer(question, body, cells["language"], cells["age_band"]))


def allowed_age_bands() -> tuple[str, ...]:
    """The age bands a workshop may declare: those of the young people the site is for (MIN_AGE to MAX_AGE)."""
    low, high = current_app.config["MIN_AGE"], current_app.config["MAX_AGE"]
    return tuple(code for code, start, end, _label in AGE_BANDS if start <= high and (end is None or end >= low))


def _grouped(read: list[tuple[tuple[str, int], WorkshopAnswer]]) -> list[tuple[Group, list[WorkshopAnswer]]]:
    by_group: dict[tuple[str, int], list[WorkshopAnswer]] = {}
    for key, answer in read:
        by_group.setdefault(key, []).append(answer)
    groups = []
    for (country, size), answers in by_group.items():
        named = {a.age_band for a in answers}
        bands = tuple(code for code, *_rest in AGE_BANDS if code in named)
        # The group's language: the one most of its answers are in.
        language = Counter(a.language for a in answers).most_common(1)[0][0]
        groups.append((Group(size, bands, country, language), answers))
    return groups
