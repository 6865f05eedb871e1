"""What a reader sees of a version: its themes with the quotes' published texts, read again now.

Only responses still public appear: one taken down since the version was made is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..consultations.public_responses import PublicResponse
from ..models import Consultation
from .models import Summary
from .responses import attribution, public_responses


@dataclass(frozen=True)
class Quote:
    id: int
    text: str
    language: str
    # A human English rendering the secretariat entered (content: theme["english"][str(id)]), shown beside it.
    english: str | None = None


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

    def quote(theme: dict, response_id: int) -> Quote:
        english = (theme.get("english") or {}).get(str(response_id)) or None
        return Quote(response_id, texts[response_id].text, texts[response_id].language, english)

    questions = []
    for question in content["questions"]:
        views = [
            ThemeView(
                key=theme["key"],
                label=theme["label"],
                keywords=theme["keywords"],
                size=theme["size"],
                share=theme["share"],
                quotes=[quote(theme, q) for q in theme["quotes"] if q in texts],
                response_ids=[r["id"] for r in theme["responses"]],
                candidates=[quote(theme, q) for q in theme["candidates"] if q in texts] if with_candidates else [],
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
    )


def summary_json(summary: Summary) -> dict:
    """The machine-readable version: statistics, and themes with the ids (and refs) of all their members."""
    content = summary.content
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
        "questions": [
            {
                "question_id": q["question_id"],
                "position": q["position"],
                "stats": content["statistics"]["questions"].get(str(q["question_id"]), {}),
                "themes": [
                    {
                        "label": t["label"],
                        "keywords": t["keywords"],
                        "size": t["size"],
                        "share": t["share"],
                        "quotes": t["quotes"],
                        "responses": t["responses"],
                    }
                    for t in q["themes"]
                ],
            }
            for q in content["questions"]
        ],
    }
