"""Cleaning what people type: participants write plain text, staff a little HTML."""

from __future__ import annotations

import html
import re
import unicodedata

import bleach
import bleach.linkifier
from markupsafe import Markup

# Joiners stay: emoji sequences and several scripts need them.
_KEEP_FORMAT = {"\u200c", "\u200d"}
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_SPACES_BEFORE_NEWLINE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def _is_removable(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in "\n\t"
    if category == "Cf":
        return char not in _KEEP_FORMAT
    return category in ("Cs", "Co", "Cn")


def clean_plain_text(value: str | None) -> str:
    """Plain text as a participant meant it: no markup, NFC, no invisible controls.

    Markup is removed rather than escaped, so "<b>hi</b>" becomes "hi" while a
    lone "<3" survives; the result is escaped again wherever it is shown.
    """
    if not value:
        return ""
    text = _LINE_BREAKS.sub("\n", value)
    text = html.unescape(bleach.clean(text, tags=[], attributes={}, strip=True, strip_comments=True))
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if not _is_removable(c))
    text = _SPACES_BEFORE_NEWLINE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_single_line(value: str | None) -> str:
    """Like clean_plain_text, with every run of whitespace folded into one space."""
    return " ".join(clean_plain_text(value).split())


DESCRIPTION_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "a"})


def _https_links_only(tag: str, name: str, value: str) -> bool:
    return tag == "a" and name == "href" and value.lower().startswith("https://")


def _link_attributes(attrs: dict, new: bool = False) -> dict | None:
    if new and not attrs.get((None, "href"), "").lower().startswith("https://"):
        return None  # bare "http://..." text stays text
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


def sanitise_description(value: str | None) -> str:
    """The small HTML allowlist of consultation descriptions, with safe links."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value))
    text = "".join(c for c in text if not _is_removable(c))
    cleaned = bleach.clean(
        text,
        tags=DESCRIPTION_TAGS,
        attributes=_https_links_only,
        protocols={"https"},
        strip=True,
        strip_comments=True,
    )
    linker = bleach.linkifier.Linker(callbacks=[_link_attributes], skip_tags={"pre"}, parse_email=False)
    return linker.linkify(cleaned).strip()


def description_markup(value: str | None) -> Markup:
    """Stored descriptions are sanitised on write; sanitise again on read to be safe."""
    return Markup(sanitise_description(value))  # noqa: S704 - bleach allowlist above


def pseudonym_key(pseudonym: str) -> str:
    """Two pseudonyms are the same when they differ only in case, width or spacing."""
    return " ".join(unicodedata.normalize("NFKC", pseudonym).casefold().split())
