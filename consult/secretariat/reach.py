"""Reach while the window is open: who has taken part so far, by region, age band, language and hour.

Computed from counts the database already holds (the answers' language, age band and country, and the
time they arrived); nothing is tracked and no analytics service is asked. Every count goes through the
summary's small-cell suppression (``summaries.stats.suppress``): a count from 1 to 9 shows as "<10",
and others are withheld where they would let one work it out. Shares are computed from the true counts
only to say that a region or age band is under-represented; no share is shown for a withheld cell.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Consultation, ConsultationStatus, Question, Submission, SubmissionStatus
from ..summaries.regions import REGIONS
from ..summaries.stats import (
    AGE_BAND_CODES,
    CHANNELS,
    Published,
    first_by_participant,
    published_language_codes,
    response_facts,
    share,
    suppress,
    workshop_cells,
)

DIMENSIONS = ("region", "age_band", "language")
MODERATION = ("pending", "approved", "rejected")


@dataclass(frozen=True)
class Row:
    code: str
    participants: Published
    answers: Published
    previous_share: float | None  # of participants, in the previous consultation (published counts only)
    under_represented: bool


@dataclass(frozen=True)
class Reach:
    consultation: Consultation
    previous: Consultation | None
    participants: Published
    answers: Published
    tables: dict[str, list[Row]]
    hours: list[tuple[int, Published]]
    under_share: float
    minimum: int
    by_channel: dict[str, Published]  # answers: online, and handed in for workshops
    workshop_groups: Published
    workshop_young_people: Published  # as the facilitators declared; never among the participants


def _codes(dimension: str) -> tuple[str, ...]:
    return {"region": REGIONS, "age_band": AGE_BAND_CODES, "language": published_language_codes()}[dimension]


def _counts(consultation: Consultation) -> tuple[dict, list]:
    """The counts (participants and answers per dimension and code, answers per hour) and the sums tying them."""
    facts = response_facts(consultation)
    first = first_by_participant(facts)  # a participant's region and age band: those of their first answer
    values: dict[tuple, int] = Counter()
    constraints: list = []
    values[("participants",)] = len(first)  # online: a workshop is a group, counted on its own below
    values[("answers",)] = len(facts)
    for channel in CHANNELS:
        values[("answers", "channel", channel)] = sum(fact.channel == channel for fact in facts)
    constraints.append((("answers",), [("answers", "channel", c) for c in CHANNELS]))
    values[("workshops",)], values[("workshop_young_people",)] = workshop_cells(facts)
    for dimension in DIMENSIONS:
        codes = _codes(dimension)
        for code in codes:
            values[("participants", dimension, code)] += 0
            values[("answers", dimension, code)] += 0
        for fact in first.values():
            values[("participants", dimension, getattr(fact, dimension))] += 1
        for fact in facts:
            values[("answers", dimension, getattr(fact, dimension))] += 1
        constraints.append((("participants",), [("participants", dimension, c) for c in codes]))
        constraints.append((("answers",), [("answers", dimension, c) for c in codes]))
    window = _window_hours(consultation)
    hours = _arrival_hours(consultation, window)
    for hour in range(window):
        values[("hour", hour)] = hours.get(hour, 0)
    constraints.append((("answers",), [("hour", h) for h in range(window)]))
    return values, constraints


def _window_hours(consultation: Consultation) -> int:
    return max(1, int(-(-(consultation.closes_at - consultation.opens_at).total_seconds() // 3600)))


def _arrival_hours(consultation: Consultation, window: int) -> Counter:
    times: list[datetime] = db.session.scalars(
        select(Submission.created_at).join(Question).where(Question.consultation_id == consultation.id)
    ).all()
    last = window - 1
    return Counter(min(last, max(0, int((t - consultation.opens_at).total_seconds() // 3600))) for t in times)


def previous_consultation(consultation: Consultation) -> Consultation | None:
    """The last published consultation that closed before this one opened: what "last time" means."""
    return db.session.scalar(
        select(Consultation)
        .where(Consultation.status == ConsultationStatus.PUBLISHED, Consultation.closes_at <= consultation.opens_at,
               Consultation.id != consultation.id)
        .order_by(Consultation.closes_at.desc())
        .limit(1)
    )  # fmt: skip


def _shares(published: dict, dimension: str) -> dict[str, float]:
    """Each code's share of the participants, where both counts are published (as the summary's shares)."""
    total = published[("participants",)]
    found = {code: share(published[("participants", dimension, code)], total) for code in _codes(dimension)}
    return {code: value for code, value in found.items() if value is not None}


def reach(consultation: Consultation) -> Reach:
    config = current_app.config
    under_share, minimum = config["REACH_UNDER_SHARE"], config["REACH_MINIMUM_PARTICIPANTS"]
    values, constraints = _counts(consultation)
    published = suppress(dict(values), constraints)
    previous = previous_consultation(consultation)
    before: dict[str, dict[str, float]] = {}
    if previous is not None:
        previous_values, previous_constraints = _counts(previous)
        previous_published = suppress(dict(previous_values), previous_constraints)
        before = {dimension: _shares(previous_published, dimension) for dimension in DIMENSIONS}
    total = values[("participants",)]
    tables = {}
    for dimension in DIMENSIONS:
        rows = []
        for code in _codes(dimension):
            true_count = values[("participants", dimension, code)]
            # Outreach needs the signal early, but not from a handful of first arrivals; "not known" and
            # "other" are not audiences one can reach out to.
            watched = dimension != "language" and code not in ("unknown", "other")
            under = watched and total >= minimum and true_count < under_share * total
            rows.append(Row(code, published[("participants", dimension, code)], published[("answers", dimension, code)],
                            before.get(dimension, {}).get(code), under))  # fmt: skip
        tables[dimension] = rows
    hours = [(hour, published[("hour", hour)]) for hour in range(_window_hours(consultation))]
    return Reach(consultation, previous, published[("participants",)], published[("answers",)], tables, hours,
                 under_share, minimum, {c: published[("answers", "channel", c)] for c in CHANNELS},
                 published[("workshops",)], published[("workshop_young_people",)])  # fmt: skip


def _moderation(consultation: Consultation) -> Counter:
    statuses = db.session.scalars(
        select(Submission.status).join(Question).where(Question.consultation_id == consultation.id)
    ).all()
    named = {SubmissionStatus.APPROVED: "approved", SubmissionStatus.REJECTED: "rejected"}
    # Waiting, with the safeguarding team, or taken down and waiting again: all still "pending" a final word.
    return Counter(named.get(status, "pending") for status in statuses)


def stats_json(consultation: Consultation, public: bool) -> dict:
    """`flask consultations stats SLUG --json`: moderation figures and reach, suppressed with --public."""
    values, constraints = _counts(consultation)
    moderation = _moderation(consultation)
    for status in MODERATION:
        values[("moderation", status)] = moderation[status]
    # The three add up to the answers (by_channel), so a "<10" among them is protected like any other cell.
    constraints.append((("answers",), [("moderation", status) for status in MODERATION]))
    counts: dict = suppress(dict(values), constraints) if public else dict(values)
    return {
        **{status: counts[("moderation", status)] for status in MODERATION},
        # Young people who answered online; a workshop's group is counted under "workshops", never as one of them.
        "participants": counts[("participants",)],
        "by_channel": {channel: counts[("answers", "channel", channel)] for channel in CHANNELS},
        "workshops": {"groups": counts[("workshops",)], "young_people": counts[("workshop_young_people",)]},
        "by_region": {code: counts[("participants", "region", code)] for code in REGIONS},
        "by_age_band": {code: counts[("participants", "age_band", code)] for code in AGE_BAND_CODES},
        "by_language": {code: counts[("answers", "language", code)] for code in published_language_codes()},
        "suppressed": public,
    }
