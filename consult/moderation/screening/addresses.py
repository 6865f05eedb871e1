"""Street addresses and postcodes."""

from __future__ import annotations

import re

from .base import Candidate, after_last
from .normalise import View
from .patterns import Patterns

_DIGIT_RE = re.compile(r"\d")


def find_addresses(view: View, p: Patterns) -> list[Candidate]:
    streets = [(kind, start, _with_units(view.text, end, p)) for kind, start, end in _streets(view, p)]
    return streets + _chains(view.text, streets, p)


def _chains(text: str, streets: list[Candidate], p: Patterns) -> list[Candidate]:
    """Parts of an address one after the other, at least two and one of them numbered: "Blk 7 Lot 12",
    "Résidence Al Amal, imm 5, appt 12", "д. 9, корп. 2, кв. 112", "عمارة ٩ شقة ١٢ بحي النخيل", or a street
    found otherwise with the estate or building beside it ("3 Mabini St., Barangay San Isidro")."""
    if not _DIGIT_RE.search(text):
        return []
    # "weak" parts (a name and a number: "Садовой 7") count only beside a part of another kind.
    parts = [(m.start(), m.end(), m.lastgroup) for m in p.address_part.finditer(text)]
    if not parts:
        return []
    parts += [(start, end, "numbered") for _, start, end in streets]
    parts.sort()
    found: list[Candidate] = []
    chain: list[tuple[int, int, str]] = []
    for start, end, group in parts:
        if chain and start < chain[-1][1]:  # overlapping parts ("Unit 4/22" and "22 Wattle St"): two parts
            chain.append((chain[-1][0], max(chain[-1][1], end), group))
            continue
        if chain and p.address_gap.match(text, chain[-1][1]).end() >= start:
            chain.append((start, end, group))
            continue
        found += _chain_span(chain)
        chain = [(start, end, group)]
    found += _chain_span(chain)
    return found


def _chain_span(chain: list[tuple[int, int, str]]) -> list[Candidate]:
    # A number after a comma ("extra": "Question 5, 6") carries a chain on but is not one of its two parts; a
    # "minor" part ("Gate 2", "#12") counts only beside a part led by an address word.
    groups = [group for _, _, group in chain if group != "extra"]
    if len(groups) >= 2 and ("numbered" in groups or ("named" in groups and {"weak", "minor"} & set(groups))):
        return [("address", chain[0][0], chain[-1][1])]
    return []


def _with_units(text: str, end: int, p: Patterns) -> int:
    """Where an address ends once its flat, floor or building is added: "Calle Mayor 3, 2ºB"."""
    for _ in range(3):
        m = p.unit.match(text, end)
        if not m:
            break
        end = m.end()
    return end


def _streets(view: View, p: Patterns) -> list[Candidate]:
    text, folded = view.text, view.folded
    found: list[Candidate] = []
    if not _DIGIT_RE.search(text):
        return found
    found += [("address", m.start(), m.end()) for m in p.street_glued.finditer(text)]
    found += [("address", m.start(), m.end()) for m in p.street_named.finditer(text)]
    for m in p.street_after.finditer(text):
        words = [*m.group("name").split(), m.group("kind")]
        capitalised = all(w[0].isupper() or w.lower() in p.connectors for w in words)
        if capitalised or p.home_cue.search(folded, max(0, m.start() - 30), m.start()):
            found.append(("address", m.start(), m.end()))
    if p.streets.opens(view):
        found += [("address", m.start(), m.end()) for m in p.street_before.finditer(text)]
        found += [("address", m.start(), m.end()) for m in p.street_number_first.finditer(text)]
        found += [("address", m.start(), m.end()) for m in p.street_numbered.finditer(text)]
        for m in p.street_zh.finditer(text):
            start = m.start() + after_last(m.group(), "在是住于於：:")
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


def find_postcodes(text: str, folded: str, addresses: list[Candidate], p: Patterns) -> list[Candidate]:
    found = []
    for m in p.postcode.finditer(text):
        cued = p.postcode_cue.search(folded, max(0, m.start() - 30), m.start())
        if len(m.group()) == 4 or ("-" in m.group() and len(m.group()) <= 8):
            # "2150", "00-950", "100-0001": as often a year, a count or part of a phone as a postcode
            if cued:
                found.append(("postcode", m.start(), m.end()))
            continue
        near_address = any(0 <= m.start() - end <= 40 or 0 <= start - m.end() <= 20 for _, start, end in addresses)
        if near_address or cued:
            found.append(("postcode", m.start(), m.end()))
    return found
