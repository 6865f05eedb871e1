"""Cleaning what people type: participants write plain text, staff a little HTML."""

from __future__ import annotations

import re
import unicodedata

import bleach
import bleach.linkifier
import regex
from markdown_it import MarkdownIt
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


def _without_invisible(text: str) -> str:
    # Most answers hold nothing to remove: str.isprintable() is False for every "Other" category
    # (Cc, Cf, Cs, Co, Cn), so a printable text is kept whole without a look at each character.
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "".join(c for c in text if not _is_removable(c))


# Every HTML element name (WHATWG, plus the obsolete ones browsers still honour). Only these
# count as markup, so "x<y and y>z" or "I <3 this" keep every word a young person wrote.
_HTML_ELEMENTS = (
    "a|abbr|acronym|address|applet|area|article|aside|audio|b|base|basefont|bdi|bdo|bgsound|big|blink|"
    "blockquote|body|br|button|canvas|caption|center|cite|code|col|colgroup|data|datalist|dd|del|details|"
    "dfn|dialog|dir|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|frame|frameset|"
    "h[1-6]|head|header|hgroup|hr|html|i|iframe|image|img|input|ins|isindex|kbd|keygen|label|legend|li|"
    "link|listing|main|map|mark|marquee|math|menu|menuitem|meta|meter|nav|nobr|noembed|noframes|"
    "noscript|object|ol|optgroup|option|output|p|param|picture|plaintext|pre|progress|q|rp|rt|ruby|s|"
    "samp|script|search|section|select|slot|small|source|span|strike|strong|style|sub|summary|sup|svg|"
    "table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul|var|video|wbr|xmp"
)
# MathML and SVG elements: browsers build them inside <math> and <svg>, and their leftovers
# ("<mglyph>", "<foreignObject>") must not reach a JSON or CSV reader who renders HTML.
_FOREIGN_ELEMENTS = (
    "maction|maligngroup|malignmark|menclose|merror|mfenced|mfrac|mglyph|mi|mlabeledtr|mlongdiv|mmultiscripts|"
    "mn|mo|mover|mpadded|mphantom|mprescripts|mroot|mrow|ms|mscarries|mscarry|msgroup|msline|mspace|msqrt|"
    "msrow|mstack|mstyle|msub|msubsup|msup|mtable|mtd|mtext|mtr|munder|munderover|semantics|annotation|"
    "annotation-xml|animate|animatemotion|animatetransform|animatecolor|circle|clippath|defs|desc|discard|"
    "ellipse|fe[a-z]+|filter|foreignobject|g|glyph|glyphref|altglyph|altglyphdef|altglyphitem|hatch|hatchpath|"
    "line|lineargradient|marker|mask|metadata|mpath|path|pattern|polygon|polyline|radialgradient|rect|set|stop|"
    "switch|symbol|text|textpath|tref|tspan|use|view|font-face|missing-glyph|cursor|solidcolor"
)
_ATTRIBUTES = r"(?:[^<>\"']|\"[^\"]*\"|'[^']*')*"
_HTML_TAG = re.compile(
    rf"<\s*/?\s*(?:{_HTML_ELEMENTS}|{_FOREIGN_ELEMENTS})(?=[\s/>]){_ATTRIBUTES}>"
    # Any other name is markup too when it looks like it: a bare or closing tag ("<foo>", "</foo>"), a
    # custom element (a hyphen), an attribute with a value, or a self-closing slash. Text such as
    # "x<y and y>z", "I <3 this" or "10<20" stays as typed.
    rf"|<\s*/?\s*[a-z][\w:-]*\s*>"
    rf"|<\s*[a-z][\w:]*-[\w:-]*(?=[\s/>]){_ATTRIBUTES}>"
    rf"|<\s*[a-z][\w:-]*\s+(?:[^<>\"'=]*=){_ATTRIBUTES}>"
    rf"|<\s*[a-z][\w:-]*(?:\s[^<>]*)?/\s*>"
    r"|<!--.*?-->|<!\w[^<>]*>|<\?[^<>]*\?>",
    re.IGNORECASE | re.DOTALL,
)


def _without_markup(text: str) -> str:
    # Repeat until stable, so "<scr<b>ipt>" cannot reassemble into a tag.
    for _attempt in range(10):
        stripped = _HTML_TAG.sub("", text)
        if stripped == text:
            break
        text = stripped
    return text


def clean_plain_text(value: str | None) -> str:
    """Plain text as a participant meant it: no markup, NFC, no invisible controls.

    HTML tags and comments are removed, while "<3", "a < b" and "&lt;" stay exactly as
    typed; the text is escaped again wherever it is shown.
    """
    if not value:
        return ""
    text = _without_invisible(_LINE_BREAKS.sub("\n", value))
    text = _without_markup(text)
    text = _without_invisible(unicodedata.normalize("NFC", text))
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
    text = _without_invisible(unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value)))
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


# CommonMark with inline HTML kept (descriptions written in HTML stay as they were); what it makes goes
# through the same allowlist as hand-written HTML, so only bold, italics, lists and https links survive.
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).disable(
    ["code", "fence", "blockquote", "hr", "heading", "lheading", "image", "backticks"]
)


def description_from_markdown(value: str | None) -> str:
    """A description as written at save time (a small Markdown subset or HTML), rendered and sanitised once."""
    if not value or not value.strip():
        return ""
    return sanitise_description(_MARKDOWN.render(_LINE_BREAKS.sub("\n", value)))


def description_markup(value: str | None) -> Markup:
    """Stored descriptions are sanitised on write; sanitise again on read to be safe."""
    return Markup(sanitise_description(value))  # noqa: S704  # nosec B704 - bleach allowlist above


def pseudonym_key(pseudonym: str) -> str:
    """Two pseudonyms are the same when they differ only in case, width or spacing."""
    return " ".join(unicodedata.normalize("NFKC", pseudonym).casefold().split())


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets an apostrophe before it.

    Behind any white space too (ideographic or em spaces as well as " "), which some spreadsheets trim.
    """
    if value.lstrip().startswith(_FORMULA_START) or value.startswith(_FORMULA_START):
        return "'" + value
    return value


# One extended grapheme cluster (UAX #29) is what a reader sees as one character: "é" typed as e + accent, a
# family emoji joined by ZWJs, a flag. A cluster longer than this many code points counts as one more character
# for each such run: no script or emoji needs that many (the longest emoji are ten), but stacked combining marks
# ("Zalgo" text) would otherwise fit any number of code points into one "character". static/answer.js counts alike.
CODE_POINTS_PER_CHARACTER = 16
_GRAPHEME = regex.compile(r"\X")
# The code points that can join a neighbour into one cluster (UAX #29's rules GB3 to GB13 need one of them):
# without any, each code point is a character. Most answers have none (even Arabic and Chinese ones), and
# looking for them among a text's distinct characters is some twenty times faster than splitting it with \X.
_JOINING = regex.compile(
    r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=Regional_Indicator}"
    r"\p{GCB=L}\p{GCB=V}\p{GCB=T}]"
)


def character_count(text: str) -> int:
    """The length of ``text`` as a reader counts it: user-perceived characters (grapheme clusters)."""
    if text.isascii() and "\r" not in text:  # every ASCII character but CR LF is a cluster of its own
        return len(text)
    if _JOINING.search("".join(set(text))) is None:
        return len(text)
    return sum(-(-len(cluster) // CODE_POINTS_PER_CHARACTER) for cluster in _GRAPHEME.findall(text))


def length_over(text: str, limit: int) -> int | None:
    """``text``'s length in characters (``character_count``) when it is over ``limit``, else None. A cluster
    is never less than one code point, so a text with no more code points than the limit is not counted."""
    if len(text) <= limit:
        return None
    length = character_count(text)
    return length if length > limit else None
