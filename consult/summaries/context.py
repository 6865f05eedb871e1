"""What every input document says, whatever its format: header, abstract, method, key messages, tables, annex.

Every piece is read from a :class:`~consult.summaries.reading.SummaryView`, whose texts are the published
texts of responses that are approved and visible now; nothing else is ever read. Texts are in the current
locale: the caller chooses it (``force_locale``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from babel import Locale
from flask import current_app, has_request_context, url_for
from flask_babel import format_date, get_locale, ngettext, pgettext
from flask_babel import gettext as _

from ..consultations.content import meeting_title
from ..consultations.public_responses import PublicResponse
from ..i18n import count, current_language, language_name, percent
from .charts import age_band_name, chart_svg, text_alternative
from .models import Purpose
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
    """A published count as the document's locale writes it ("<10" and "x" as they are)."""
    return count(value)


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
    return [moderation, participants, languages, *_channel_tables(stats)]


def _channel_tables(stats: dict) -> list[Table]:
    """Workshops' answers beside the online ones, where there are any (summaries made before workshops have none)."""
    channels, workshops = stats.get("by_channel", {}), stats.get("workshops", {})
    if not channels.get("workshop"):
        return []
    rows = [
        [_("Online"), fmt(channels["online"])],
        [_("Workshops"), fmt(channels["workshop"])],
        [_("Workshop groups"), fmt(workshops.get("groups", ""))],
        [_("Young people in workshops, as their facilitators declared"), fmt(workshops.get("young_people", ""))],
    ]
    return [
        Table(
            _("Responses by channel (participants above are those who answered online)"),
            [_("Channel"), _("Responses")],
            rows,
        )
    ]


def suppression_note() -> str:
    return _(
        "Counts from 1 to 9 are shown as “%(small)s”; counts shown as “%(withheld)s” are withheld so that no "
        "small count can be worked out from a total. Percentages are given only where both counts are shown.",
        small=SMALL,
        withheld=WITHHELD,
    )


def _date(value: datetime | None) -> str:
    return format_date(value, "long") if value else ""


def _moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def meeting_text(view: SummaryView) -> str:
    meeting = view.consultation.meeting
    if meeting is None:
        return _("Not set")
    # In the document's language where the secretariat translated the title, as written otherwise.
    text = f"{meeting_title(meeting, current_language()).text}, {_date(meeting.starts_at)}"
    return f"{text}, {meeting.venue}" if meeting.venue else text


def original_language(view: SummaryView) -> str:
    """The consultation's own language, named in the document's language ("English", "anglais", "英语")."""
    code = view.consultation.source_language or "en"
    return Locale.parse(str(get_locale())).languages.get(code) or language_name(code)


def document_number(view: SummaryView) -> str:
    return view.document_number or _("to be assigned")


def header_block(view: SummaryView) -> list[str]:
    """The lines at the top right of an ITU document: its number, its date, the language it was drafted in."""
    when = view.summary.published_at or view.summary.created_at
    return [f"{_('Document')} {document_number(view)}", _date(when), f"{_('Original:')} {original_language(view)}"]


def marks(view: SummaryView) -> list[str]:
    """What every page says besides the number: "Draft" until published, "Interim update" for an interim one."""
    said = []
    if not view.summary.is_published:
        said.append(pgettext("document mark", "Draft"))
    if view.summary.purpose is Purpose.INTERIM:
        said.append(_("Interim update"))
    return said


PAGE, PAGES = 900000001, 900000002  # stand-ins for the page counters, which only the renderer knows


def page_of_pages() -> tuple[str, str, str]:
    """ "Page X of Y" in the document's language, as the text before, between and after the two numbers."""
    text = _("Page %(page)d of %(pages)d", page=PAGE, pages=PAGES)
    before, rest = text.split(str(PAGE), 1)
    between, after = rest.split(str(PAGES), 1)
    return before, between, after


def references(view: SummaryView) -> list[str]:
    return [_("Resolution 179 (Rev. Busan, 2014)"), meeting_text(view)]


def quote_url(view: SummaryView, response_id: int) -> str:
    """A quote's public permalink, absolute: it is printed, and a document outlives the request that made it."""
    values = {"slug": view.consultation.slug, "submission_id": response_id}
    if has_request_context():
        return url_for("consultations.public_response", _external=True, **values)
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build("consultations.public_response", values, force_external=True)


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
        "group": _("Council Working Group on Child Online Protection"),
        "meeting": meeting_text(view),
        "number": document_number(view),
        "marks": marks(view),
        "page_of": page_of_pages(),
        "source": _("CWG-COP secretariat, online youth consultation"),
        "action": _("The Group is invited to note this document."),
        "references": references(view),
        "quote_url": lambda response_id: quote_url(view, response_id),
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
