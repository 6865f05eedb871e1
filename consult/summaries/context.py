"""What every input document says, whatever its format: header, abstract, method, key messages, tables, annex.

Every piece is read from a :class:`~consult.summaries.reading.SummaryView`, whose texts are the published
texts of responses that are approved and visible now; nothing else is ever read. Texts are in the current
locale: the caller chooses it (``force_locale``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext

from ..consultations.public_responses import PublicResponse
from ..i18n import language_name, percent
from .charts import age_band_name, chart_svg, text_alternative
from .reading import SummaryView
from .regions import REGIONS, region_label
from .removals import WITHHELD_NOTE
from .responses import LICENCE_NOTE
from .stats import AGE_BAND_CODES, SMALL, WITHHELD, published_language_codes, share


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]


def fmt(value) -> str:
    return str(value)


def _pct(part, total) -> str:
    value = share(part, total)
    return "" if value is None else percent(value)


def language_label(code: str) -> str:
    return pgettext("language group", "Other") if code == "other" else language_name(code)


def statistics_tables(view: SummaryView) -> list[Table]:
    stats = view.statistics
    moderation = Table(
        _("Responses and moderation"),
        [
            _("Question"),
            _("Received"),
            pgettext("count column", "Published"),
            pgettext("count column", "Rejected"),
            _("Other (waiting, under review or taken down)"),
        ],
        [
            [
                _("Question %(n)d", n=q.position),
                *(fmt(q.statistics.get(k, "")) for k in ("received", "published", "rejected", "other")),
            ]
            for q in view.questions
        ]
        + [[_("All questions"), *(fmt(stats[k]) for k in ("received", "published", "rejected", "other"))]],
    )
    cross = stats["by_region_and_age_band"]
    participants = Table(
        _("Participants by ITU region and age band"),
        [_("Region"), *(age_band_name(b) for b in AGE_BAND_CODES), _("Total")],
        [[region_label(r), *(fmt(cross[r][b]) for b in AGE_BAND_CODES), fmt(stats["by_region"][r])] for r in REGIONS]
        + [[_("Total"), *(fmt(stats["by_age_band"][b]) for b in AGE_BAND_CODES), fmt(stats["participants"])]],
    )
    languages = Table(
        _("Published responses by language"),
        [_("Language"), _("Responses"), _("Share")],
        [
            [
                language_label(lang),
                fmt(stats["by_language"][lang]),
                _pct(stats["by_language"][lang], stats["published"]),
            ]
            for lang in published_language_codes()
        ]
        + [[_("Total"), fmt(stats["published"]), ""]],
    )
    return [moderation, participants, languages]


def suppression_note() -> str:
    return _(
        "Counts from 1 to 9 are shown as “%(small)s”; counts shown as “%(withheld)s” are withheld so that no "
        "small count can be worked out from a total. Percentages are given only where both counts are shown.",
        small=SMALL,
        withheld=WITHHELD,
    )


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def header_block(view: SummaryView) -> list[tuple[str, str]]:
    consultation = view.consultation
    meeting = consultation.meeting
    meeting_text = f"{meeting.title}, {_date(meeting.starts_at)}" if meeting else _("Not set")
    if meeting and meeting.venue:
        meeting_text += f", {meeting.venue}"
    when = view.summary.published_at or view.summary.created_at
    return [
        (_("Meeting"), meeting_text),
        (_("Document"), view.document_number or _("to be assigned")),
        (_("Date"), _date(when)),
        (_("Source"), _("Online youth consultation")),
        (_("Title"), document_title(view)),
    ]


def document_title(view: SummaryView) -> str:
    return _("Summary of the online youth consultation “%(title)s”", title=view.consultation.title)


def abstract(view: SummaryView) -> str:
    if view.intro:
        return view.intro
    stats = view.statistics
    return ngettext(
        "Young people answered %(num)d question in an online consultation held before the meeting. ",
        "Young people answered %(num)d questions in an online consultation held before the meeting. ",
        len(view.questions),
    ) + _(
        "This contribution summarises the %(published)s responses that moderators published, from %(participants)s "
        "participants, grouped into themes with representative quotes, and gives participation statistics.",
        published=fmt(stats["published"]),
        participants=fmt(stats["participants"]),
    )


def method(view: SummaryView) -> list[str]:
    consultation, stats, parameters = view.consultation, view.statistics, view.summary.parameters
    return [
        _(
            "The consultation was open from %(opens)s to %(closes)s. %(participants)s participants sent "
            "%(received)s responses; moderators published %(published)s and rejected %(rejected)s, and %(other)s "
            "were not published (still waiting, under review or taken down).",
            opens=_moment(consultation.opens_at),
            closes=_moment(consultation.closes_at),
            participants=fmt(stats["participants"]),
            received=fmt(stats["received"]),
            published=fmt(stats["published"]),
            rejected=fmt(stats["rejected"]),
            other=fmt(stats["other"]),
        ),
        _(
            "Every response was checked by a moderator before publication; only published responses, in their "
            "published (redacted) form, are used here. Themes were found offline: each published response was turned "
            "into a multilingual sentence vector (%(model)s), so that the same idea in different languages lands "
            "together, and the responses to each question were grouped with %(method)s (seed %(seed)s). Keywords "
            "are the terms most typical of a theme. The secretariat reviewed the themes and quotes.",
            model=parameters.get("model", ""),
            method=parameters.get("clustering", ""),
            seed=parameters.get("seed", ""),
        ),
        suppression_note(),
    ]


def key_messages(view: SummaryView) -> list[str]:
    if view.key_messages:
        return view.key_messages
    messages = []
    for question in view.questions:
        for theme in question.themes[:3]:
            messages.append(
                _(
                    "Question %(n)d: %(label)s (%(share)s of its published responses).",
                    n=question.position,
                    label=theme.title,
                    share=percent(theme.share),
                )
            )
    return messages


def document_context(view: SummaryView) -> dict:
    return {
        "view": view,
        "suppression_note": suppression_note(),
        "annex": by_question(view),
        "header": header_block(view),
        "title": document_title(view),
        "abstract": abstract(view),
        "method": method(view),
        "key_messages": key_messages(view),
        "tables": statistics_tables(view),
        "chart_svg": chart_svg(view.statistics),
        "chart_alt": text_alternative(view.statistics),
        "licence_note": str(LICENCE_NOTE),
        "notice": view.notice,
        "withheld_note": str(WITHHELD_NOTE),
    }


def by_question(view: SummaryView) -> list[tuple[int, str, list[PublicResponse]]]:
    grouped: dict[int, list[PublicResponse]] = {}
    for response in view.annex or []:
        grouped.setdefault(response.question_id, []).append(response)
    return [(q.position, q.prompt, grouped.get(q.id, [])) for q in view.questions]
