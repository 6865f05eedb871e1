"""What a reader sees of a version: its themes with the quotes' published texts, read again now.

Only responses still public appear: one taken down since the version was made is left out, the label
and keywords of its theme are withheld, and a published version says so (see removals.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _

from ..consultations.public_responses import PublicResponse
from ..i18n import percent
from ..models import Consultation
from .models import Summary
from .removals import REMOVED_NOTICE, removed_members
from .responses import attribution, public_responses


@dataclass(frozen=True)
class Quote:
    id: int
    text: str
    language: str
    english: str | None = None  # the secretariat's human translation, for readers of the English document


@dataclass
class ThemeView:
    key: str
    label: str
    keywords: list[str]
    size: int
    share: float
    quotes: list[Quote]
    response_ids: list[int]
    candidates: list[Quote] = field(default_factory=list)
    # A member was removed since: the label and keywords, computed from its words too, are not shown.
    withheld: bool = False
    # The theme's phrase in each language it holds (generation's), unless the secretariat wrote the label.
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The label to show: in the reader's (the document's) language where the theme holds answers in it;
        a neutral one, in the current locale, when the label is withheld."""
        if self.withheld:
            return _("Theme: %(size)d responses (%(share)s)", size=self.size, share=percent(self.share))
        locale = get_locale()
        return self.labels.get(locale.language if locale else "", self.label)


@dataclass
class QuestionView:
    id: int
    position: int
    prompt: str
    responses: int
    themes: list[ThemeView]
    statistics: dict


@dataclass
class SummaryView:
    consultation: Consultation
    summary: Summary
    intro: str
    key_messages: list[str]
    document_number: str
    statistics: dict
    questions: list[QuestionView]
    attribution: str | None
    annex: list[PublicResponse] | None = None
    removed: frozenset[int] = frozenset()

    @property
    def notice(self) -> str | None:
        """The mark of a published version that lost answers since, in the current locale; else None."""
        return str(REMOVED_NOTICE) if self.removed and self.summary.is_published else None


def _quote(response: PublicResponse, theme: dict) -> Quote:
    english = theme.get("english", {}).get(str(response.id))
    return Quote(response.id, response.text, response.language, english or None)


def summary_view(summary: Summary, with_annex: bool = False, with_candidates: bool = False) -> SummaryView:
    """The version with every quote's published text, read again now: only responses still public appear."""
    consultation = summary.consultation
    content = summary.content
    member_ids: list[int] = []
    quote_ids: list[int] = []
    for question in content["questions"]:
        for theme in question["themes"]:
            quote_ids.extend(theme["quotes"])
            if with_candidates:
                quote_ids.extend(theme["candidates"])
            if with_annex:
                member_ids.extend(r["id"] for r in theme["responses"])
    annex = public_responses(consultation, member_ids) if with_annex else None
    texts = {r.id: r for r in public_responses(consultation, quote_ids)}
    if annex is not None:
        texts.update((r.id, r) for r in annex)
    removed = frozenset(removed_members(summary))
    questions = []
    for question in content["questions"]:
        views = [
            ThemeView(
                key=theme["key"],
                label="" if _withheld(theme, removed) else theme["label"],
                keywords=[] if _withheld(theme, removed) else theme["keywords"],
                size=theme["size"],
                share=theme["share"],
                quotes=[_quote(texts[q], theme) for q in theme["quotes"] if q in texts],
                response_ids=[r["id"] for r in theme["responses"]],
                candidates=[_quote(texts[q], theme) for q in theme["candidates"] if q in texts]
                if with_candidates
                else [],
                withheld=_withheld(theme, removed),
                labels=_labels(theme),
            )
            for theme in question["themes"]
        ]
        stats = content["statistics"]["questions"].get(str(question["question_id"]), {})
        questions.append(
            QuestionView(
                question["question_id"], question["position"], question["prompt"], question["responses"], views, stats
            )
        )
    return SummaryView(
        consultation=consultation,
        summary=summary,
        intro=content.get("intro", ""),
        key_messages=list(content.get("key_messages", [])),
        document_number=content.get("document_number", ""),
        statistics=content["statistics"]["consultation"],
        questions=questions,
        attribution=attribution(consultation),
        annex=annex,
        removed=removed,
    )


def _labels(theme: dict) -> dict[str, str]:
    """Generation's phrase per language, while the label is still generation's own (not rewritten)."""
    if theme.get("label") != theme.get("auto_label", theme.get("label")):
        return {}
    return {code: phrase for code, phrase in (theme.get("labels") or {}).items() if phrase}


def _withheld(theme: dict, removed: frozenset[int]) -> bool:
    return bool(removed) and any(member["id"] in removed for member in theme["responses"])


def summary_json(summary: Summary) -> dict:
    """The machine-readable version: statistics, and themes with the ids (and refs) of all their members.

    A response removed since is left out of its theme, whose label and keywords are withheld (null, []).
    """
    content = summary.content
    removed = frozenset(removed_members(summary))
    return {
        "consultation": {"slug": summary.consultation.slug, "title": summary.consultation.title},
        "version": summary.version,
        "status": summary.status.value,
        "created_at": summary.created_at.isoformat(),
        "published_at": summary.published_at.isoformat() if summary.published_at else None,
        "parameters": summary.parameters,
        "intro": content.get("intro", ""),
        "key_messages": content.get("key_messages", []),
        "statistics": content["statistics"]["consultation"],
        "notice": str(REMOVED_NOTICE) if removed and summary.is_published else None,
        "questions": [
            {
                "question_id": q["question_id"],
                "position": q["position"],
                "stats": content["statistics"]["questions"].get(str(q["question_id"]), {}),
                "themes": [
                    {
                        "label": None if _withheld(t, removed) else t["label"],
                        "keywords": [] if _withheld(t, removed) else t["keywords"],
                        "withheld": _withheld(t, removed),
                        "size": t["size"],
                        "share": t["share"],
                        "quotes": [quote for quote in t["quotes"] if quote not in removed],
                        "responses": [member for member in t["responses"] if member["id"] not in removed],
                    }
                    for t in q["themes"]
                ],
            }
            for q in content["questions"]
        ],
    }
