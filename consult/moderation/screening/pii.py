"""Personal information: e-mail addresses, accounts and links; the rest from their own modules."""

from __future__ import annotations

import re

from .addresses import find_addresses, find_postcodes
from .base import PRIORITY, Candidate
from .lexicons import fold_entry
from .names import find_names
from .normalise import View
from .numbers import find_numbers
from .patterns import Patterns, patterns
from .people import find_people
from .schools import find_schools

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
    if at_words or "@" in text:
        found += [("email", m.start(), m.end()) for m in p.email.finditer(text)]
        for m in p.email_provider.finditer(text):
            if p.email_cue.search(folded, max(0, m.start() - 40), m.start()):
                found.append(("email", m.start(), m.end()))
    if _URL_HINT_RE.search(text):
        found += _urls(text, p)
    found += _handles(view, p)
    found += find_numbers(view, p)
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


def _urls(text: str, p: Patterns) -> list[Candidate]:
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


def _handles(view: View, p: Patterns) -> list[Candidate]:
    text = view.text
    found = []
    if "@" in text:
        for m in p.handle_at.finditer(text):
            if not _TIME_RE.match(m.group()) and m.group()[1:].lower() not in p.handle_stop:
                found.append(("social", m.start(), m.end()))
    if "#" in text:
        found += [("social", m.start(), m.end()) for m in p.discord.finditer(text)]
    for m in p.usernames.matches(p.username_cued, view, text):
        handle = m.group("handle").rstrip(".-")
        if handle.lstrip("@").lower() not in p.handle_stop:
            found.append(("social", m.start("handle"), m.start("handle") + len(handle)))
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
        if group == "h6" and not any(c in "0123456789_." for c in handle):
            continue  # "Instagram, TikTok and Snapchat" is a list
        found.append(("social", start, end))
    return found


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best of overlapping candidates: by kind, then the longest."""
    chosen: list[Candidate] = []
    for kind, start, end in sorted(set(candidates), key=lambda c: (PRIORITY[c[0]], c[1] - c[2], c[1])):
        if end > start and all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: (c[1], c[2]))
