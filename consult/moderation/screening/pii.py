"""Personal information: e-mail addresses, accounts and links; the rest from their own modules."""

from __future__ import annotations

import re
from functools import cache

from ... import languages
from .addresses import find_addresses, find_postcodes
from .base import HAN_RE, PRIORITY, WORD_RE, Candidate
from .lexicons import fold_entry, unspaced_words
from .names import find_names
from .normalise import View, normalise
from .numbers import find_numbers
from .patterns import Patterns, patterns
from .people import every_mention, find_people, no_one
from .schools import find_schools
from .spoken_numbers import find_spoken_phones

_URL_HINT_RE = re.compile(r"[A-Za-z0-9][.:/][A-Za-z]|\s(?:dot|punto|point|точка)\s", re.I)


def find_pii(view: View) -> list[Candidate]:
    p = patterns()
    text, folded = view.text, view.folded
    found: list[Candidate] = []
    at_words = p.at_words.opens(view)  # "name at gmail dot com"
    if at_words:
        for m in p.email_words.finditer(text):
            if p.email_words_spelled.search(m.group()):
                found.append(("email", m.start(), m.end()))
        found += [("email", m.start(), m.end()) for m in p.email_spoken.finditer(text)]
    if at_words or "@" in text:
        found += [("email", m.start(), m.end()) for m in p.email.finditer(text)]
        for m in p.email_provider.finditer(text):
            if p.email_cue.search(folded, max(0, m.start() - 40), m.start()):
                found.append(("email", m.start(), m.end()))
    if _URL_HINT_RE.search(text):
        found += _urls(text, p)
    found += _handles(view, p)
    numbers = find_numbers(view, p)
    if numbers:
        # "WhatsApp: 0052 55 8765 4321": the app's cue took the number's first group for a handle.
        phones = [(start, end) for kind, start, end in numbers if kind == "phone"]
        found = [
            (kind, start, end)
            for kind, start, end in found
            if kind != "social"
            or not all(c.isdigit() or c in " +-.()" for c in text[start:end])
            or not any(s <= start and end <= e for s, e in phones)
        ]
    found += numbers
    found += find_spoken_phones(view, p)  # "zero seven seven double nine…", "o7 seven 00 nine l2 3 four 5"
    addresses = find_addresses(view, p)
    found += addresses
    if addresses or p.postcode_cues.opens(view):
        found += find_postcodes(text, folded, addresses, p)
    if p.self_intros.opens(view):
        found += find_names(text, folded, p)
    found += find_people(view, p)
    if p.schools.opens(view):
        found += find_schools(text, folded, p)
    return found


_URL_TRAILING = ".,;:!?'\"»」』。，！？、"


#: The domains of governments, international bodies, universities and associations: their sites' home pages
#: are public. Only a bare host: a path can be someone's page ("scratch.mit.edu/users/…").
_PUBLIC_HOST_RE = re.compile(
    r"\.(?:int|gov|edu|mil|org|ngo|(?:gov|gob|gouv|go|govt|gv|gc|edu|ac|org)\.[a-z]{2,3}|gov\.[a-z]{2}|gouv\.fr)$"
)


def _urls(text: str, p: Patterns) -> list[Candidate]:
    found = []
    for m in p.url.finditer(text):
        url = m.group().rstrip(_URL_TRAILING)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_URL_TRAILING)
        host, _, rest = re.sub(r"^[a-z]+://", "", url.lower()).partition("/")
        host = re.sub(r"^(?:www\d?|m|mobile)\.", "", host.split(":")[0])
        if not rest.strip("/") and _PUBLIC_HOST_RE.search(host):
            continue  # "internet-signalement.gouv.fr", "www.itu.int": a public body's site, no one's page
        kind = "social" if host in p.social_hosts and rest.strip("/@?#") else "url"
        found.append((kind, m.start(), m.start() + len(url)))
    return found


_QUOTES_RE = re.compile('[「“"«『]')
_TIME_RE = re.compile(r"@\d{1,2}(?:[:h.]\d{2})?(?:am|pm|h)?$", re.I)
# A word joined by an underscore ("xX_Sultan_Xx", "mo7a_plays", "ТоПоР_228", "n.o.u.r.a_17"): in a young
# person's answer, a username whatever the words around it; ordinary writing in no language has one.
# Han characters are no part of one ("账号是dragon_fire_88").
_HANDLE_CHAR = rf"[^\W_{languages.HAN}]"
_UNDERSCORED_RE = re.compile(
    rf"(?<!{_HANDLE_CHAR}|[@#./_\-]){_HANDLE_CHAR}(?:{_HANDLE_CHAR}|\.)*_(?:{_HANDLE_CHAR}|[._])*{_HANDLE_CHAR}"
    rf"(?!{_HANDLE_CHAR}|[_@]|[.\-]{_HANDLE_CHAR})"
)
# ... but not a file's name ("report_final_v2.docx").
_FILE_NAME_RE = re.compile(
    r"\.(?:docx?|pdf|txt|rtf|odt|xlsx?|csv|pptx?|jpe?g|png|gif|webp|heic|mp[34]|mov|avi|zip|rar|exe|apk|py|js|html?)$",
    re.I,
)


#: A number of four digits or fewer, or with thousands marks: a count ("mon compte a 12 400 abonnés", "3.400
#: suscriptores"), never an account (QQ numbers have five digits or more).
_COUNT_RE = re.compile(r"\d{1,4}|\d{1,3}(?:[.,  ]\d{3})+")


#: A Nintendo Switch friend code: "SW-4821-3390-1175".
_FRIEND_CODE_RE = re.compile(r"(?<![\w-])SW-\d{4}-\d{4}-\d{4}(?![\w-])", re.I)
#: A gamer tag: one word with capitals inside it at least twice and digits ("xXDarkNinjaXx2010"), where an
#: app or a game is named. Not "iPhone13", "McDonald's", "PS5".
_TAG_RE = re.compile(
    r"(?<![\w@#./-])(?=\w{0,31}\d\w{0,31}\d)(?=\w{0,31}[a-z][A-Z]\w{0,31}[a-z][A-Z])\w{8,32}(?![\w@-])"
)


def _handles(view: View, p: Patterns) -> list[Candidate]:
    text = view.text
    found = [("social", m.start(), m.end()) for m in _FRIEND_CODE_RE.finditer(text)] if "-" in text else []
    if "@" in text:
        for m in p.handle_at.finditer(text):
            if not _TIME_RE.match(m.group()) and m.group()[1:].lower() not in p.handle_stop:
                found.append(("social", m.start(), m.end()))
    if "#" in text:
        found += [("social", m.start(), m.end()) for m in p.discord.finditer(text)]
    if "_" in text:
        for m in _UNDERSCORED_RE.finditer(text):
            word = m.group()
            if (
                sum(c.isalpha() for c in word) >= 2
                and word.lower() not in p.handle_stop
                and not _FILE_NAME_RE.search(word)
            ):
                found.append(("social", m.start(), m.end()))
    for m in p.usernames.matches(p.username_cued, view, text):
        handle = m.group("handle").rstrip(".-")
        if handle.lstrip("@").lower() not in p.handle_stop:
            found.append(("social", m.start("handle"), m.start("handle") + len(handle)))
    if _QUOTES_RE.search(text):
        for m in p.handle_quoted.finditer(text):
            if m.group("handle").lower() not in p.handle_stop:
                found.append(("social", m.start("handle"), m.end("handle")))
    if "@" in text and p.platforms.opens(view):
        for m in p.handle_at_han.finditer(text):
            # "@甜甜的小橘子", "@momo的碎碎念"; not "@我", "@我学校的官号", "@everyone发…"
            name = m.group()[1:]
            latin = re.match(r"[A-Za-z0-9_]*", name).group().lower()
            if len(name) >= 3 and name[0] not in "我你他她它咱" and latin not in p.handle_stop:
                found.append(("social", m.start(), m.end()))
    if "id" in view.folded and HAN_RE.search(text):
        for m in p.handle_id_han.finditer(text):
            if m.group("handle").lower() not in p.handle_stop:
                found.append(("social", m.start("handle"), m.end("handle")))
    if p.platforms.opens(view):
        found += _cued_handles(text, p)
        found += [("social", m.start(), m.end()) for m in _TAG_RE.finditer(text)]
    return [(kind, start, end) for kind, start, end in found if not _COUNT_RE.fullmatch(text[start:end])]


def _cued_handles(text: str, p: Patterns) -> list[Candidate]:
    found = []
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
        if group == "h6" and not any(c in "0123456789_." for c in handle):
            continue  # "Instagram, TikTok and Snapchat" is a list
        found.append(("social", start, end))
    return found


def in_original(view: View) -> list[Candidate]:
    """``find_pii``'s candidates, with offsets into the text as the participant wrote it."""
    return [(kind, *view.original(start, end)) for kind, start, end in find_pii(view)]


def rule_candidates(text: str) -> list[Candidate]:
    """The rules' personal information in ``text`` (offsets in it), before overlaps are resolved: what
    ``screen`` joins the tagger's to."""
    return in_original(normalise(text))


def joined(text: str, ruled: list[Candidate], tagged: list[Candidate]) -> list[Candidate]:
    """The rules' candidates and the tagger's, as ``screen`` suggests them: the best of overlapping rules, widened
    by the tagger, less names in a title or a subject, with every mention of a name found."""
    return every_mention(text, no_one(text, widen(resolve(ruled), tagged, text)))


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best of overlapping candidates: by kind, then the longest."""
    chosen: list[Candidate] = []
    for kind, start, end in sorted(set(candidates), key=lambda c: (PRIORITY[c[0]], c[1] - c[2], c[1])):
        if end > start and all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: (c[1], c[2]))


#: Kinds whose rules start a span where the name starts: a learned span widens them forwards only.
_RULE_STARTS = frozenset({"name", "school"})


def widen(chosen: list[Candidate], extra: list[Candidate], text: str) -> list[Candidate]:
    """``chosen`` (not overlapping) with what ``extra`` adds: the part of an extra candidate that overlaps a
    chosen one of another kind is cut away (the chosen one stands as it is); what is left widens the chosen
    candidates of its kind it touches, or stands alone if it holds a letter."""
    spans = sorted(chosen, key=lambda c: c[1])
    for kind, start, end in extra:
        pieces = [(start, end)]
        for other, s, e in spans:
            if other != kind:
                pieces = [piece for a, b in pieces for piece in ((a, min(b, s)), (max(a, e), b)) if piece[0] < piece[1]]
        for a, b in pieces:
            a, b = _trimmed(text, a, b)
            if kind == "school":
                b = _school_end(text, a, b)
            if b <= a:
                continue
            same = [c for c in spans if c[0] == kind and c[1] <= b and a <= c[2]]
            if same:
                spans = [c for c in spans if c not in same]
                # Never back over the words a rule started after: its cue ("للمعلمة سارة", "to the teacher
                # Sara") or what comes before a school's first word ("service pédiatrie de l'hôpital X").
                first = min(c[1] for c in same)
                spans.append((kind, first if kind in _RULE_STARTS else min(a, first), max(b, *(c[2] for c in same))))
            elif _stands_alone(kind, text[a:b]):
                spans.append((kind, a, b))
            spans.sort(key=lambda c: c[1])
    return spans


def _stands_alone(kind: str, found: str) -> bool:
    """Whether a learned candidate is worth suggesting on its own: a school or an address of two words at
    least ("high" or "中" alone is none) and, in Chinese, more than a kind of school with words any school
    has ("俱乐部", "附近那所高中": ``_generic_han``), a name of letters (a single Han character is a surname
    only beside a title, which the rules find)."""
    words = WORD_RE.findall(found)
    han = HAN_RE.findall(found)
    if not any(ch.isalpha() for ch in found):
        return False
    if kind == "school" and len(han) == len(found) and _generic_han(found):
        return False
    if kind in ("school", "address"):
        return len(words) + len(han) - sum(bool(HAN_RE.search(w)) for w in words) >= 2
    return len(han) != 1 or len(words) > 1


@cache
def _school_kinds_han() -> tuple[str, ...]:
    """The rules' kinds of school in Chinese ("中学", "俱乐部"), longest first."""
    return tuple(sorted(set(unspaced_words("school_suffix")), key=len, reverse=True))


def _generic_han(found: str) -> bool:
    """Whether Han text is a kind of school and nothing but words every school has before it (the rules'
    ``school_generic``: "附近", "那所", "我们")."""
    suffixes, generic = _school_kinds_han(), patterns().school_generic
    kind = next((suffix for suffix in suffixes if found.endswith(suffix)), None)
    if kind is None:
        return False
    rest = found[: -len(kind)]
    # Whether ``rest`` is made of generic words end to end (they are short: try each split point).
    reachable = [True] + [False] * len(rest)
    for end in range(1, len(rest) + 1):
        reachable[end] = any(reachable[start] and rest[start:end] in generic for start in range(max(0, end - 4), end))
    return reachable[-1]


def _school_end(text: str, start: int, end: int) -> int:
    """Where a school written in Han characters ends: at its kind ("彩虹补习班"), not one or two characters on
    ("彩虹补习班补" of "…补英语"), which a tagger reading a character at a time may take in."""
    found = text[start:end]
    if not found or not all(HAN_RE.match(character) for character in found):
        return end
    kind_ends = [found.rfind(kind) + len(kind) for kind in _school_kinds_han() if kind in found]
    last = max(kind_ends, default=0)
    return start + last if last and len(found) - last <= 2 else end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without the spaces and punctuation at either end."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end
