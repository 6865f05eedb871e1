"""Participation statistics with small-cell suppression.

Every count that is published goes through :func:`suppress`: a count from 1 to 9 is shown as "<10"
(primary suppression), and further counts are withheld as "x" (secondary suppression) until no
withheld count can be worked out from the totals it adds up to — first line by line, then checked
against all the published tables at once with a linear program.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from .. import languages
from ..extensions import db
from ..models import AGE_BANDS, Consultation, Question, Submission, SubmissionStatus
from ..workshops.models import Workshop
from .regions import REGIONS, UNKNOWN, region_of

THRESHOLD = 10
SMALL = "<10"
WITHHELD = "x"
AGE_BAND_CODES = (*(code for code, *_rest in AGE_BANDS), UNKNOWN)
STATUSES = ("published", "rejected", "other")
# How an answer arrived: typed by a participant online, or handed in by a facilitator for a workshop's group.
CHANNELS = ("online", "workshop")


def published_language_codes() -> tuple[str, ...]:
    """The languages statistics count responses by, and "other" for the rest."""
    return (*languages.codes(), "other")


Key = tuple[Hashable, ...]
Constraint = tuple[Key, Sequence[Key]]  # total, parts
Published = int | str


@dataclass(frozen=True)
class ResponseFacts:
    """What statistics need of one response; never its text or its author's identity."""

    id: int
    question_id: int
    participant: str
    status: str  # one of STATUSES
    language: str
    age_band: str
    region: str
    channel: str = "online"  # one of CHANNELS
    workshop: int | None = None  # the Workshop a workshop answer came from
    group_size: int = 0  # that workshop's group, as its facilitator declared it


def public_status(status: SubmissionStatus, hidden: bool, has_text: bool) -> str:
    if status is SubmissionStatus.APPROVED and not hidden and has_text:
        return "published"
    if status is SubmissionStatus.REJECTED:
        return "rejected"
    return "other"  # waiting, with the safeguarding team, or taken down after reports


def response_facts(consultation: Consultation) -> list[ResponseFacts]:
    rows = db.session.execute(
        select(
            Submission.id,
            Submission.question_id,
            Submission.author_id,
            Submission.status,
            Submission.hidden_at,
            Submission.published_text.is_not(None),
            Submission.language,
            Submission.age_band,
            Submission.country,
            Submission.workshop_id,
            Workshop.group_size,
        )
        .join(Question)
        .outerjoin(Workshop, Workshop.id == Submission.workshop_id)
        # Taken back by its author: not counted, as if deleted (it is kept for the safeguarding team alone).
        .where(Question.consultation_id == consultation.id, Submission.withdrawn_at.is_(None))
        .order_by(Submission.id)
    ).all()
    return [
        ResponseFacts(
            id=row[0],
            question_id=row[1],
            # An erased account leaves no author: each of its responses counts as one participant.
            participant=f"u{row[2]}" if row[2] is not None else f"w{row[9]}" if row[9] is not None else f"s{row[0]}",
            status=public_status(row[3], row[4] is not None, bool(row[5])),
            language=row[6] if languages.supported(row[6]) else "other",
            age_band=row[7] if row[7] in AGE_BAND_CODES else UNKNOWN,
            region=region_of(row[8]),
            channel="workshop" if row[9] is not None else "online",
            workshop=row[9],
            group_size=row[10] or 0,
        )
        for row in rows
    ]


def first_by_participant(facts: Iterable[ResponseFacts]) -> dict[str, ResponseFacts]:
    """Each participant's first response. Participants are the young people who answered online: a workshop
    is a group of unknown make-up, never one young person, so its answers count in ``workshop_cells`` instead."""
    first: dict[str, ResponseFacts] = {}
    for fact in facts:  # in id order: a participant's age band and region as of their first response
        if fact.channel == "online":
            first.setdefault(fact.participant, fact)
    return first


def workshop_cells(facts: Iterable[ResponseFacts]) -> tuple[int, int]:
    """How many workshops the responses came from, and how many young people those groups held (as declared)."""
    sizes = {fact.workshop: fact.group_size for fact in facts if fact.channel == "workshop"}
    return len(sizes), sum(sizes.values())


def count_cells(question_ids: Sequence[int], facts: Sequence[ResponseFacts]) -> tuple[dict[Key, int], list[Constraint]]:
    """Every published count, keyed, and the sums that tie them together."""
    values: dict[Key, int] = Counter()
    constraints: list[Constraint] = []

    def add(key: Key, amount: int = 1) -> None:
        values[key] += amount

    by_question: dict[int, list[ResponseFacts]] = defaultdict(list)
    for fact in facts:
        by_question[fact.question_id].append(fact)

    # Moderation: questions x statuses, with both margins.
    for q in question_ids:
        for status in STATUSES:
            add(("status", q, status), 0)
        add(("received", q), 0)
        for fact in by_question[q]:
            add(("status", q, fact.status))
            add(("received", q))
        constraints.append((("received", q), [("status", q, s) for s in STATUSES]))
    for status in STATUSES:
        values[("status", None, status)] = sum(values[("status", q, status)] for q in question_ids)
        constraints.append((("status", None, status), [("status", q, status) for q in question_ids]))
    values[("received", None)] = len(facts)
    constraints.append((("received", None), [("received", q) for q in question_ids]))
    constraints.append((("received", None), [("status", None, s) for s in STATUSES]))

    # Received by channel: questions x channels, with both margins; and the workshops' groups, on their own.
    for q in question_ids:
        for channel in CHANNELS:
            add(("channel", q, channel), 0)
        for fact in by_question[q]:
            add(("channel", q, fact.channel))
        constraints.append((("received", q), [("channel", q, c) for c in CHANNELS]))
    for channel in CHANNELS:
        values[("channel", None, channel)] = sum(values[("channel", q, channel)] for q in question_ids)
        constraints.append((("channel", None, channel), [("channel", q, channel) for q in question_ids]))
    constraints.append((("received", None), [("channel", None, c) for c in CHANNELS]))
    values[("workshops", None)], values[("workshop_young_people", None)] = workshop_cells(facts)

    # Published responses by language: questions x languages, with both margins.
    language_codes = published_language_codes()
    for q in question_ids:
        for language in language_codes:
            add(("language", q, language), 0)
        for fact in by_question[q]:
            if fact.status == "published":
                add(("language", q, fact.language))
        constraints.append((("status", q, "published"), [("language", q, lang) for lang in language_codes]))
    for language in language_codes:
        values[("language", None, language)] = sum(values[("language", q, language)] for q in question_ids)
        constraints.append((("language", None, language), [("language", q, language) for q in question_ids]))
    constraints.append((("status", None, "published"), [("language", None, lang) for lang in language_codes]))

    # Participants by region and age band: the whole consultation as a cross table, each question by margin.
    people = first_by_participant(facts)
    values[("participants", None)] = len(people)
    for region in REGIONS:
        add(("region", None, region), 0)
        for band in AGE_BAND_CODES:
            add(("cross", region, band), 0)
    for band in AGE_BAND_CODES:
        add(("age_band", None, band), 0)
    for person in people.values():
        add(("cross", person.region, person.age_band))
        add(("region", None, person.region))
        add(("age_band", None, person.age_band))
    for region in REGIONS:
        constraints.append((("region", None, region), [("cross", region, band) for band in AGE_BAND_CODES]))
    for band in AGE_BAND_CODES:
        constraints.append((("age_band", None, band), [("cross", region, band) for region in REGIONS]))
    constraints.append((("participants", None), [("region", None, r) for r in REGIONS]))
    constraints.append((("participants", None), [("age_band", None, b) for b in AGE_BAND_CODES]))

    for q in question_ids:
        question_people = first_by_participant(by_question[q])
        values[("participants", q)] = len(question_people)
        for region in REGIONS:
            add(("region", q, region), 0)
        for band in AGE_BAND_CODES:
            add(("age_band", q, band), 0)
        for person in question_people.values():
            add(("region", q, person.region))
            add(("age_band", q, person.age_band))
        constraints.append((("participants", q), [("region", q, r) for r in REGIONS]))
        constraints.append((("participants", q), [("age_band", q, b) for b in AGE_BAND_CODES]))
    return dict(values), constraints


# --- suppression ---------------------------------------------------------------------------


def _complement(values: dict[Key, int], hidden: set[Key], members: Sequence[Key]) -> Key | None:
    """The count to withhold beside a lone withheld one: the smallest non-zero part, else anything left."""
    visible = [key for key in members if key not in hidden]
    if not visible:
        return None
    return min(visible, key=lambda key: (values[key] == 0, values[key], repr(key)))


def _suppress_lines(values: dict[Key, int], constraints: Sequence[Constraint], hidden: set[Key]) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in constraints:
            members = [*parts, total]  # parts before the total: withhold a detail rather than a sum
            if sum(key in hidden for key in members) == 1:
                extra = _complement(values, hidden, members)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def recoverable(
    published: dict[Key, Published], constraints: Sequence[Constraint], threshold: int = THRESHOLD
) -> dict[Key, tuple[float, float]]:
    """The withheld counts an outsider could pin down from what is published: key -> (lowest, highest).

    Bounds come from a linear program over every published sum at once: "<10" means 0..9, "x" means
    any count from 0.
    """
    import numpy as np
    from scipy.optimize import linprog

    unknown = sorted((key for key, value in published.items() if isinstance(value, str)), key=repr)
    if not unknown:
        return {}
    index = {key: i for i, key in enumerate(unknown)}
    rows, rhs = [], []
    for total, parts in constraints:
        row = np.zeros(len(unknown))
        constant = 0.0
        for key, sign in [(total, -1.0), *((part, 1.0) for part in parts)]:
            value = published[key]
            if isinstance(value, str):
                row[index[key]] += sign
            else:
                constant -= sign * value
        if row.any():
            rows.append(row)
            rhs.append(constant)
    bounds = [(0, threshold - 1) if published[key] == SMALL else (0, None) for key in unknown]
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    pinned = {}
    for key, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if low.status == 0 and high.status == 0 and -high.fun - low.fun < 1 - 1e-9:
            pinned[key] = (low.fun, -high.fun)
    return pinned


def suppress(
    values: dict[Key, int], constraints: Sequence[Constraint], threshold: int = THRESHOLD
) -> dict[Key, Published]:
    """Counts as they may be published: small ones as "<10", and enough others as "x" to protect them."""
    hidden = {key for key, value in values.items() if 0 < value < threshold}
    while True:
        _suppress_lines(values, constraints, hidden)
        published = _label(values, hidden, threshold)
        pinned = recoverable(published, constraints, threshold)
        if not pinned:
            return published
        before = len(hidden)
        for key in sorted(pinned, key=repr):
            # Withhold one more count in the sum that pins this one down best.
            lines = [[*parts, total] for total, parts in constraints if key == total or key in parts]
            lines.sort(key=lambda members: (sum(m not in hidden for m in members), repr(members)))
            for members in lines:
                extra = _complement(values, hidden, members)
                if extra is not None:
                    hidden.add(extra)
                    break
        if len(hidden) == before:
            # Every sum around the pinned counts is withheld already: withhold the smallest count left.
            visible = [key for key in values if key not in hidden and values[key]]
            if not visible:
                return published
            hidden.add(min(visible, key=lambda key: (values[key], repr(key))))


def _label(values: dict[Key, int], hidden: set[Key], threshold: int) -> dict[Key, Published]:
    return {
        key: (SMALL if 0 < value < threshold else WITHHELD) if key in hidden else value for key, value in values.items()
    }


# --- the published shape -------------------------------------------------------------------


def share(part: Published, total: Published) -> float | None:
    """A percentage, only where both counts are published (so it cannot reveal a withheld one)."""
    if isinstance(part, int) and isinstance(total, int) and total > 0:
        return round(100 * part / total, 1)
    return None


def consultation_statistics(consultation: Consultation) -> dict:
    """The published statistics of a consultation and of each of its questions (suppressed)."""
    question_ids = [q.id for q in consultation.questions]
    values, constraints = count_cells(question_ids, response_facts(consultation))
    published = suppress(values, constraints)
    return shape_statistics(question_ids, published)


def shape_statistics(question_ids: Sequence[int], published: dict[Key, Published]) -> dict:
    language_codes = published_language_codes()

    def block(q: int | None) -> dict:
        return {
            "received": published[("received", q)],
            "published": published[("status", q, "published")],
            "rejected": published[("status", q, "rejected")],
            "other": published[("status", q, "other")],
            "participants": published[("participants", q)],
            "by_region": {r: published[("region", q, r)] for r in REGIONS},
            "by_age_band": {b: published[("age_band", q, b)] for b in AGE_BAND_CODES},
            "by_language": {lang: published[("language", q, lang)] for lang in language_codes},
            "by_channel": {c: published[("channel", q, c)] for c in CHANNELS},
        }

    overall = block(None)
    overall["workshops"] = {"groups": published[("workshops", None)],
                            "young_people": published[("workshop_young_people", None)]}  # fmt: skip
    overall["by_region_and_age_band"] = {r: {b: published[("cross", r, b)] for b in AGE_BAND_CODES} for r in REGIONS}
    overall["threshold"] = THRESHOLD
    return {"consultation": overall, "questions": {str(q): block(q) for q in question_ids}}
