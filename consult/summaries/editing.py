"""Editing a version: the secretariat's changes make a new version; the one edited never changes."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..models import User
from ..text import clean_plain_text, clean_single_line
from .models import Summary
from .removals import removed_members, without_removed
from .themes import theme_share
from .versions import SummaryRefused, new_version

MAX_QUOTES = 5
MAX_KEY_MESSAGES = 12
MAX_ENGLISH = 2000  # a quote's English rendering; quotes themselves are at most a response long
# Set on a theme once the secretariat has read its label (kept, or written anew) on the edit page;
# publishing warns about every theme whose label nobody has.
LABEL_REVIEWED = "label_reviewed"


@dataclass
class ThemeEdit:
    label: str | None = None
    quotes: list[int] | None = None  # the quotes to show, in order; None keeps them
    merge_into: str | None = None  # the key of another theme of the same question
    reviewed: bool | None = None  # the label was read and kept; None leaves it as it was
    english: dict[int, str] | None = None  # a quote's human English rendering, by response id; "" removes it


@dataclass
class SummaryEdits:
    intro: str | None = None
    key_messages: list[str] | None = None
    document_number: str | None = None
    themes: dict[str, ThemeEdit] = field(default_factory=dict)


def _merge_keywords(first: list[str], second: list[str], limit: int = 8) -> list[str]:
    """Both themes' keywords, alternating, best first, without repeats."""
    merged: list[str] = []
    for n in range(max(len(first), len(second))):
        for words in (first, second):
            if n < len(words) and words[n] not in merged:
                merged.append(words[n])
    return merged[:limit]


def _set_english(theme: dict, renderings: dict[int, str]) -> None:
    members = {r["id"] for r in theme["responses"]}
    english = dict(theme.get("english", {}))
    for response_id, text in renderings.items():
        if response_id not in members:
            raise SummaryRefused(_l("A quote must be one of the theme's own responses."))
        text = clean_plain_text(text)
        if len(text) > MAX_ENGLISH:
            raise SummaryRefused(_l("An English rendering is at most %(n)d characters long.", n=MAX_ENGLISH))
        if text:
            english[str(response_id)] = text  # JSON keys are strings
        else:
            english.pop(str(response_id), None)
    theme["english"] = english


def apply_edits(content: dict, edits: SummaryEdits) -> dict:
    """A copy of ``content`` with the edits applied; SummaryRefused says what cannot be done.

    Staff text is cleaned as every other text is (no markup, no invisible controls, NFC).
    """
    content = copy.deepcopy(content)
    if edits.intro is not None:
        content["intro"] = clean_plain_text(edits.intro)
    if edits.document_number is not None:
        content["document_number"] = clean_single_line(edits.document_number)
    if edits.key_messages is not None:
        messages = [m for m in map(clean_plain_text, edits.key_messages) if m]
        if len(messages) > MAX_KEY_MESSAGES:
            raise SummaryRefused(_l("Write at most %(n)d key messages.", n=MAX_KEY_MESSAGES))
        content["key_messages"] = messages
    for question in content["questions"]:
        by_key = {theme["key"]: theme for theme in question["themes"]}
        for key, edit in edits.themes.items():
            theme = by_key.get(key)
            if theme is None:
                continue
            label = clean_single_line(edit.label or "")
            if label and label != theme["label"]:
                theme["label"], theme[LABEL_REVIEWED] = label, True  # written by the secretariat: reviewed
            elif edit.reviewed is not None:
                theme[LABEL_REVIEWED] = edit.reviewed
            if edit.english is not None:
                _set_english(theme, edit.english)
            if edit.quotes is not None:
                members = {r["id"] for r in theme["responses"]}
                quotes = list(dict.fromkeys(edit.quotes))
                if any(quote not in members for quote in quotes):
                    raise SummaryRefused(_l("A quote must be one of the theme's own responses."))
                if len(quotes) > MAX_QUOTES:
                    raise SummaryRefused(_l("Choose at most %(n)d quotes for a theme.", n=MAX_QUOTES))
                theme["candidates"] = [c for c in theme["quotes"] + theme["candidates"] if c not in quotes]
                theme["quotes"] = quotes
        merges = {key: edit.merge_into for key, edit in edits.themes.items() if edit.merge_into and key in by_key}
        for source in sorted(merges):
            target = merges[source]
            seen = {source}
            while target in merges and target not in seen:  # follow chains: a into b, b into c
                seen.add(target)
                target = merges[target]
            if target in seen or target not in by_key:
                raise SummaryRefused(_l("A theme can only be merged into another theme of the same question."))
            into, merged = by_key[target], by_key[source]
            into["responses"] = sorted(into["responses"] + merged["responses"], key=lambda r: r["id"])
            into["size"] = len(into["responses"])
            into["keywords"] = _merge_keywords(into["keywords"], merged["keywords"])
            into["quotes"] = (into["quotes"] + merged["quotes"])[:MAX_QUOTES]
            into["candidates"] = [c for c in into["candidates"] + merged["candidates"] if c not in into["quotes"]]
            into["english"] = merged.get("english", {}) | into.get("english", {})
        question["themes"] = [theme for theme in question["themes"] if theme["key"] not in merges]
        for theme in question["themes"]:
            theme["share"] = theme_share(theme["size"], question["responses"])
        question["themes"].sort(key=lambda theme: -theme["size"])
    return content


def edit_summary(base: Summary, author: User | None, edits: SummaryEdits) -> Summary:
    """A new version: ``base`` with the secretariat's edits. ``base`` itself never changes.

    Responses removed since ``base`` was made are left out, and the keywords and labels of their
    questions' themes computed again, so that no removed answer's words survive in the new version.
    """
    removed = removed_members(base)
    content = without_removed(copy.deepcopy(base.content), base.consultation, removed) if removed else base.content
    content = apply_edits(content, edits)
    parameters = dict(base.parameters, edited_from=base.version)
    if removed:
        parameters["responses_removed"] = len(removed)  # or published again in other words
    return new_version(base.consultation, author, "edited", content, parameters, based_on=base)
