"""Personal information: e-mail addresses, accounts, links, numbers, addresses, names and schools."""

from __future__ import annotations

import re

from .base import HAN_RE, PRIORITY
from .lexicons import fold_entry
from .normalise import View
from .patterns import Patterns, patterns

_Candidate = tuple[str, int, int]  # kind, start, end in the normalised view


_URL_HINT_RE = re.compile(r"[A-Za-z0-9][.:/][A-Za-z]|\s(?:dot|punto|point|точка)\s", re.I)


def find_pii(view: View) -> list[_Candidate]:
    p = patterns()
    text, folded = view.text, view.folded
    found: list[_Candidate] = []
    at_words = p.at_words.opens(view)  # "name at gmail dot com"
    if at_words:
        for m in p.email_words.finditer(text):
            if p.email_words_spelled.search(m.group()):
                found.append(("email", m.start(), m.end()))
    if at_words or "@" in text:
        found += [("email", m.start(), m.end()) for m in p.email.finditer(text)]
        for m in p.email_provider.finditer(text):
            if p.email_cue.search(folded, max(0, m.start() - 40), m.start()):
                found.append(("email", m.start(), m.end()))
    if _URL_HINT_RE.search(text):
        found += _urls(text, p)
    found += _handles(view, p)
    found += _numbers(view, p)
    addresses = _addresses(view, p)
    found += addresses
    if addresses or p.postcode_cues.opens(view):
        found += _postcodes(text, folded, addresses, p)
    if p.self_intros.opens(view):
        found += _names(text, folded, p)
    if p.schools.opens(view):
        found += _schools(text, folded, p)
    return found


_URL_TRAILING = ".,;:!?'\"»」』。，！？、"


def _urls(text: str, p: Patterns) -> list[_Candidate]:
    found = []
    for m in p.url.finditer(text):
        url = m.group().rstrip(_URL_TRAILING)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_URL_TRAILING)
        host, _, rest = re.sub(r"^[a-z]+://", "", url.lower()).partition("/")
        host = re.sub(r"^(?:www\d?|m|mobile)\.", "", host.split(":")[0])
        kind = "social" if host in p.social_hosts and rest.strip("/@?#") else "url"
        found.append((kind, m.start(), m.start() + len(url)))
    return found


_TIME_RE = re.compile(r"@\d{1,2}(?:[:h.]\d{2})?(?:am|pm|h)?$", re.I)


def _handles(view: View, p: Patterns) -> list[_Candidate]:
    text = view.text
    found = []
    if "@" in text:
        for m in p.handle_at.finditer(text):
            if not _TIME_RE.match(m.group()) and m.group()[1:].lower() not in p.handle_stop:
                found.append(("social", m.start(), m.end()))
    if "#" in text:
        found += [("social", m.start(), m.end()) for m in p.discord.finditer(text)]
    if not p.platforms.opens(view):
        return found
    for m in p.handle_cued.finditer(text):
        group = m.lastgroup
        start, end = m.span(group)
        handle = m.group(group).lstrip("@").lower()
        if handle in p.handle_stop or not any(c.isalnum() for c in handle):
            continue
        handle_like = m.group(group).startswith("@") or any(c in "0123456789_." for c in handle)
        if group in ("h2", "h3") and not handle_like and len(handle) < 3:
            continue
        if group == "h1" and not handle_like and fold_entry(m.group("p1")) not in p.platform_short:
            continue  # "Instagram: bullying, ..." is a list, not an account
        if group == "h4" and not m.group("s4") and not any(c in "0123456789_-" for c in handle):
            continue  # "WeChat users"
        found.append(("social", start, end))
    return found


_DIGIT_RE = re.compile(r"\d")
_SEQUENTIAL = "01234567890 9876543210"
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_DATE_RE = re.compile(r"(\d{1,4})[./\- ](\d{1,2})[./\- ](\d{1,4})")
_THOUSANDS_RE = re.compile(r"[1-9]\d{0,2}(?:[ .]\d{3})+")
_MONEY_BEFORE_RE = re.compile(r"(?:[$€£¥₽]|usd|eur|gbp|rs\.?|руб\.?)\s*$", re.I)
_QUANTITY_AFTER_RE = re.compile(
    r"\s*(?:%|‰|percent|per cent|pour ?cent|por ?ciento|процент|[$€£¥₽]|euros?|dollars?|usd|eur|"
    r"dólares|pesos|рубл|ريال|دولار|元|块|人|个|名|次|km|kg|mb|gb|ms)",
    re.I,
)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _numbers(view: View, p: Patterns) -> list[_Candidate]:
    text, folded = view.text, view.folded
    found: list[_Candidate] = []
    if not _DIGIT_RE.search(text):
        return found
    for m in p.iban.finditer(text):
        compact = m.group().replace(" ", "").upper()
        rearranged = compact[4:] + compact[:4]
        if 15 <= len(compact) <= 34 and int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1:
            found.append(("iban", m.start(), m.end()))
    found += [("id", m.start(), m.end()) for m in p.china_id.finditer(text)]
    if p.id_cues.opens(view):
        for m in p.id_cued.finditer(text):
            start, end = _trim_id(text, *m.span("id"))
            if end and sum(c.isdigit() for c in text[start:end]) >= 5:
                found.append(("id", start, end))
    for m in p.number.finditer(text):
        raw = m.group()
        start = m.start()
        if raw.startswith("(") and ")" not in raw:
            raw, start = raw[1:], start + 1
        kind = _number_kind(text, folded, raw, start, p)
        if kind:
            found.append((kind, start, start + len(raw)))
    return found


def _trim_id(text: str, start: int, end: int) -> tuple[int, int]:
    """Keep the words of an identity number, stop at the first ordinary word."""
    kept = start
    for word in re.finditer(r"\S+", text[start:end]):
        token = word.group()
        if any(c.isdigit() for c in token) or (token.isupper() and len(token) <= 3):
            kept = start + word.end()
        else:
            break
    return (start, kept) if kept > start else (0, 0)


def _number_kind(text: str, folded: str, raw: str, start: int, p: Patterns) -> str | None:
    digits = re.sub(r"\D", "", raw)
    count = len(digits)
    if count < 6:
        return None
    international = raw.startswith(("+", "00"))
    if (
        13 <= count <= 19
        and _luhn(digits)
        and re.fullmatch(r"\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?|\d{4}[ -]?\d{6}[ -]?\d{5}|\d{13,19}", raw)
    ):
        return "card"
    if re.fullmatch(r"\d{3}-\d{2}-\d{4}", raw):
        return "id"
    if count > 15:
        return "id" if raw.isdigit() and count <= 20 else None
    if _DATE_RE.fullmatch(raw) and _plausible_date(*_DATE_RE.fullmatch(raw).groups()):
        return None
    groups = [g for g in re.split(r"[ \-.()/]+", raw.strip("+() ")) if g]
    if all(_YEAR_RE.fullmatch(g) or (k and len(g) == 2) for k, g in enumerate(groups)) and len(groups) > 1:
        return None  # 2019-2020, 2019/20
    cue = bool(p.phone_cue.search(folded, max(0, start - 40), start))
    if count < 7 or (count == 7 and not (international or cue)):
        return None
    if not (international or cue):
        if digits in _SEQUENTIAL or len(set(digits)) == 1:
            return None  # "12345678", "00000000": placeholders and passwords, not numbers
        after = text[start + len(raw) : start + len(raw) + 12]
        if (
            _THOUSANDS_RE.fullmatch(raw)
            or re.fullmatch(r"\d+[.,]\d+", raw)
            or "/" in raw
            or len(groups) > 6
            or sum(len(g) == 1 for g in groups) > 1
            or (digits.endswith("0000") and not digits.startswith("0"))
            or _MONEY_BEFORE_RE.search(text[max(0, start - 6) : start])
            or _QUANTITY_AFTER_RE.match(after)
        ):
            return None
    return "phone"


def _plausible_date(first: str, second: str, third: str) -> bool:
    if len(first) == 4:
        year, month, day = first, second, third
    else:
        day, month, year = first, second, third
        if int(day) <= 12 < int(month):
            day, month = month, day  # month/day/year
    return len(year) in (2, 4) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _addresses(view: View, p: Patterns) -> list[_Candidate]:
    text, folded = view.text, view.folded
    found: list[_Candidate] = []
    if not _DIGIT_RE.search(text):
        return found
    found += [("address", m.start(), m.end()) for m in p.street_glued.finditer(text)]
    for m in p.street_after.finditer(text):
        words = [*m.group("name").split(), m.group("kind")]
        capitalised = all(w[0].isupper() or w.lower() in p.connectors for w in words)
        if capitalised or p.home_cue.search(folded, max(0, m.start() - 30), m.start()):
            found.append(("address", m.start(), m.end()))
    if p.streets.opens(view):
        found += [("address", m.start(), m.end()) for m in p.street_before.finditer(text)]
        found += [("address", m.start(), m.end()) for m in p.street_number_first.finditer(text)]
        for m in p.street_zh.finditer(text):
            start = m.start() + _after_last(m.group(), "在是住于於：:")
            found.append(("address", start, m.end()))
    if not p.address_cues.opens(view):
        return found
    for m in p.address_cued.finditer(folded):
        # "my address is ...": up to the end of the clause, if it looks like an address.
        clause = re.match(r"[^\n.;!?。！？]{4,80}", text[m.end() :])
        if clause and re.search(r"\d", clause.group()):
            # Up to its last word with a digit, leaving a postcode at the end to its own span.
            words_with_digits = [w for w in re.finditer(r"\S+", clause.group()) if re.search(r"\d", w.group())]
            value = clause.group()[: words_with_digits[-1].end()].rstrip(" ,")
            postcode = p.postcode.search(value, len(value) - 9)
            if postcode and postcode.end() == len(value) and postcode.start() > 0:
                found.append(("postcode", m.end() + postcode.start(), m.end() + postcode.end()))
                value = value[: postcode.start()].rstrip(" ,")
            found.append(("address", m.end(), m.end() + len(value)))
    return found


def _after_last(value: str, characters: str) -> int:
    return max((value.rfind(c) + 1 for c in characters), default=0)


def _postcodes(text: str, folded: str, addresses: list[_Candidate], p: Patterns) -> list[_Candidate]:
    found = []
    for m in p.postcode.finditer(text):
        near_address = any(0 <= m.start() - end <= 40 or 0 <= start - m.end() <= 20 for _, start, end in addresses)
        if near_address or p.postcode_cue.search(folded, max(0, m.start() - 30), m.start()):
            found.append(("postcode", m.start(), m.end()))
    return found


_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'\-]*")


def _names(text: str, folded: str, p: Patterns) -> list[_Candidate]:
    found = []
    for regex, weak in ((p.self_intro, False), (p.self_intro_weak, True)):
        for m in regex.finditer(folded):
            span = _capture_name(text, m.end(), p, weak=weak)
            if span:
                found.append(("name", *span))
    for m in p.self_intro_full.finditer(folded):
        span = _capture_full_name(text, m.end(), p)
        if span:
            found.append(("name", *span))
    return found


def _capture_full_name(text: str, pos: int, p: Patterns) -> tuple[int, int] | None:
    """After "I'm", "soy", "я", "我是": a name only if it looks like a full one.

    Two capitalised words ("I'm Jordan Smith", not "I'm Muslim"), or in Chinese a common
    surname and one or two characters standing alone ("我是张伟，", not "我是学生").
    """
    pos = re.compile(r"[ \t]*[,:，：]?[ \t]*").match(text, pos).end()
    if pos < len(text) and HAN_RE.match(text[pos]):
        if text[pos] not in p.surnames_han:
            return None
        end = pos + 1
        while end < len(text) and end - pos < 3 and HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
            end += 1
        alone = end == len(text) or not HAN_RE.match(text[end]) or text[end] in p.name_stop_han
        return (pos, end) if end - pos >= 2 and alone else None
    words: list[tuple[int, int]] = []
    cursor = pos
    while len(words) < 3:
        m = _NAME_WORD_RE.match(text, cursor)
        if not m:
            break
        word = m.group().rstrip("'-")
        key = fold_entry(word)
        if not word[0].isupper() or key in p.name_stop or key in p.not_a_name:
            break
        words.append((m.start(), m.start() + len(word)))
        after = m.start() + len(word)
        if not re.match(r"[ \t](?=[^\W\d_])", text[after : after + 2]):
            break
        cursor = after + 1
    return (words[0][0], words[-1][1]) if len(words) >= 2 else None


def _capture_name(text: str, pos: int, p: Patterns, *, weak: bool, max_words: int = 4) -> tuple[int, int] | None:
    pos = re.compile(r"[ \t]*[:：,\-]?[ \t]*").match(text, pos).end()
    if pos < len(text) and HAN_RE.match(text[pos]):
        end = pos
        while end < len(text) and end - pos < 4 and HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
            end += 1
        return (pos, end) if end > pos else None
    words: list[tuple[int, int]] = []
    capitalised = False
    cursor = pos
    while len(words) < max_words:
        m = _NAME_WORD_RE.match(text, cursor)
        if not m:
            break
        word = m.group().rstrip("'-")
        key = fold_entry(word)
        # Arabic joins "and" to the next word: "ورقمي" is "and my number".
        if key in p.name_stop or (key[:1] == "و" and key[1:] in p.name_stop):
            break
        if not words:
            capitalised = word[0].isupper()
            if weak and word[0].islower():
                return None  # Arabic and Chinese have no case: never lower case
        elif capitalised and not word[0].isupper() and key not in p.connectors:
            break
        elif key[:1] == "و":
            break  # "نور وأبي": a second word joined to "and" starts a new clause
        elif not capitalised and len(words) >= 3:
            break
        words.append((m.start(), m.start() + len(word)))
        after = m.start() + len(word)
        if not re.match(r"[ \t](?=[^\W\d_])", text[after : after + 2]):
            break
        cursor = after + 1
    while words and fold_entry(text[words[-1][0] : words[-1][1]]) in p.connectors:
        words.pop()
    return (words[0][0], words[-1][1]) if words else None


def _schools(text: str, folded: str, p: Patterns) -> list[_Candidate]:
    found: list[_Candidate] = []

    def cued(start: int) -> bool:
        sentence_start = max(text.rfind(c, 0, start) for c in ".!?\n。！？")
        return bool(p.school_cue.search(folded, max(sentence_start + 1, start - 60), start))

    def add(kind_word: str, start: int, end: int, name_words: list[str]) -> None:
        named = [w for w in name_words if fold_entry(w) not in p.school_generic and fold_entry(w) not in p.connectors]
        if not any(c.isalpha() for w in named for c in w):
            return  # "the local high school", "161 high-wealth"
        if fold_entry(kind_word) in p.school_needs_cue and not cued(start):
            return
        found.append(("school", start, end))

    for m in p.school_after.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        # Drop sentence openers and generic words in front of the name ("Yesterday St Mary's...").
        while words and fold_entry(words[0].group()) in p.school_generic:
            words.pop(0)
        if words:
            add(m.group("kind"), m.start("name") + words[0].start(), m.end(), [w.group() for w in words])
    for m in p.school_before.finditer(text):
        add(m.group("kind"), m.start(), m.end(), m.group("name").split())
    found += [("school", m.start(), m.end()) for m in p.school_number.finditer(text)]
    for m in p.school_han.finditer(text):
        cut = _after_last(m.group("name"), p.school_trim_han)
        prefix = m.group("name")[cut:]
        if len(prefix) >= 2 and prefix not in p.school_generic:
            add(m.group("kind"), m.start() + cut, m.end(), [prefix])
    for m in p.school_cued_after.finditer(text):
        words = m.group("name").split()
        if not all(fold_entry(w) in p.school_generic for w in words[:-1]) and len(words) > 1:
            found.append(("school", *m.span("name")))
    for m in p.school_cued_before.finditer(text):
        start = m.start("name")
        end = _capture_name(text, start + len(m.group("name").split()[0]) + 1, p, weak=False)
        if end:
            found.append(("school", start, end[1]))
    for m in p.school_capture.finditer(folded):
        han = p.school_han.match(text, m.end())
        span = han.span() if han else _capture_name(text, m.end(), p, weak=True, max_words=5)
        if span:
            found.append(("school", *span))
    return found


def resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the best of overlapping candidates: by kind, then the longest."""
    chosen: list[_Candidate] = []
    for kind, start, end in sorted(set(candidates), key=lambda c: (PRIORITY[c[0]], c[1] - c[2], c[1])):
        if end > start and all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: (c[1], c[2]))
