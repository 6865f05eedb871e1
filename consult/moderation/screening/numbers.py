"""Numbers that are personal information: phones, payment cards, IBANs, identity numbers."""

from __future__ import annotations

import re

from .base import Candidate
from .normalise import View
from .patterns import Patterns

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


def find_numbers(view: View, p: Patterns) -> list[Candidate]:
    text, folded = view.text, view.folded
    found: list[Candidate] = []
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
    international = raw.lstrip("(").startswith(("+", "00"))
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
    cue = p.phone_cued(folded, start)
    if count < 7 or (count == 7 and not (international or cue)):
        return None
    if not international and _THOUSANDS_RE.fullmatch(raw) and digits.endswith("000"):
        return None  # "the number of reports rose to 1 200 000": an amount, even after "number"
    if _toll_free(digits, international):
        return None  # a helpline's or a company's free number ("0800 1111", "1-800-668-6868"): public
    if not (international or cue) and re.fullmatch(r"\d{4}-\d{4}-\d{4}|\d{5}-\d{3}", raw):
        return None  # a game's map code ("4821-7730-1169"), a Brazilian postcode ("01310-100"): no phone
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


#: Free numbers belong to helplines and companies, never to a young person: 1-800 and its family (North
#: America, with the 1 written: Indian mobiles also start with 8), 1800 and 1300 (Australia), 0800 (Europe,
#: Latin America, Africa), 8-800 and 8-801 (Russia, Belarus, Kazakhstan), nine digits after 800 (Chile, Italy)
#: or 900 (Spain). Not 0808: a free number in the UK, a mobile's prefix in Nigeria.
_TOLL_FREE_RE = re.compile(r"1(?:8(?:00|33|44|55|66|77|88)\d{7}|[38]00\d{6})|0800\d{4,7}|8(?:800|801)\d{7}|[89]00\d{6}")
#: The same with a country code: +1 800, +7 800, +44 800, +33 800, +34 900...
_TOLL_FREE_INTERNATIONAL_RE = re.compile(
    r"1(?:8(?:00|33|44|55|66|77|88)\d{7})|7800\d{7}|(?:44|33|39|61|27|234)0?800\d{4,7}|34900\d{6}"
)


def _toll_free(digits: str, international: bool) -> bool:
    if international:
        return bool(_TOLL_FREE_INTERNATIONAL_RE.fullmatch(digits[2:] if digits.startswith("00") else digits))
    return bool(_TOLL_FREE_RE.fullmatch(digits))


def _plausible_date(first: str, second: str, third: str) -> bool:
    if len(first) == 4:
        year, month, day = first, second, third
    else:
        day, month, year = first, second, third
        if int(day) <= 12 < int(month):
            day, month = month, day  # month/day/year
    return len(year) in (2, 4) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31
