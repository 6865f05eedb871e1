"""The words of numbers in the six UN languages, for ``spoken_numbers.py``: each spelling with what it is worth.

Every spelling is looked up without its accents, harakat or hamza (``key``); Arabic "و" ("and") written onto a
number word is read as a connector ("خمسة وأربعين" = 45).
"""

from __future__ import annotations

import unicodedata

# (category, value, flags, words): every spelling, accents and hamza optional (see ``_key``).
LEXICON: tuple[tuple[str, int, str, str], ...] = (
    # English
    ("U", 0, "", "zero oh nought naught"),
    ("U", 0, "o", "o"),
    ("U", 1, "", "one"),
    ("U", 2, "", "two"),
    ("U", 3, "", "three"),
    ("U", 4, "", "four"),
    ("U", 5, "", "five"),
    ("U", 6, "", "six"),
    ("U", 7, "", "seven"),
    ("U", 8, "", "eight"),
    ("U", 9, "", "nine"),
    ("X", 10, "", "ten"),
    ("X", 11, "", "eleven"),
    ("X", 12, "", "twelve"),
    ("X", 13, "", "thirteen"),
    ("X", 14, "", "fourteen"),
    ("X", 15, "", "fifteen"),
    ("X", 16, "", "sixteen"),
    ("X", 17, "", "seventeen"),
    ("X", 18, "", "eighteen"),
    ("X", 19, "", "nineteen"),
    ("T", 20, "", "twenty"),
    ("T", 30, "", "thirty"),
    ("T", 40, "", "forty fourty"),
    ("T", 50, "", "fifty"),
    ("T", 60, "", "sixty"),
    ("T", 70, "", "seventy"),
    ("T", 80, "", "eighty"),
    ("T", 90, "", "ninety"),
    ("H", 100, "m", "hundred"),
    ("D", 2, "", "double doble"),
    ("D", 3, "", "triple"),
    # French
    ("U", 0, "", "zéro"),
    ("U", 1, "", "un une"),
    ("U", 2, "", "deux"),
    ("U", 3, "", "trois"),
    ("U", 4, "", "quatre"),
    ("U", 5, "", "cinq"),
    ("U", 6, "", "six"),
    ("U", 7, "", "sept"),
    ("U", 8, "", "huit"),
    ("U", 9, "", "neuf"),
    ("X", 10, "x", "dix"),
    ("X", 11, "", "onze"),
    ("X", 12, "", "douze"),
    ("X", 13, "", "treize"),
    ("X", 14, "", "quatorze"),
    ("X", 15, "", "quinze"),
    ("X", 16, "", "seize"),
    ("T", 20, "v", "vingt vingts"),
    ("T", 30, "", "trente"),
    ("T", 40, "", "quarante"),
    ("T", 50, "", "cinquante"),
    ("T", 60, "", "soixante"),
    ("T", 70, "", "septante"),
    ("T", 80, "", "huitante octante"),
    ("T", 90, "", "nonante"),
    ("H", 100, "m", "cent cents"),
    ("C", 0, "", "et"),
    # Spanish
    ("U", 0, "", "cero"),
    ("U", 1, "", "uno una"),
    ("U", 2, "", "dos"),
    ("U", 3, "", "tres"),
    ("U", 4, "", "cuatro"),
    ("U", 5, "", "cinco"),
    ("U", 6, "", "seis"),
    ("U", 7, "", "siete"),
    ("U", 8, "", "ocho"),
    ("U", 9, "", "nueve"),
    ("X", 10, "", "diez"),
    ("X", 11, "", "once"),
    ("X", 12, "", "doce"),
    ("X", 13, "", "trece"),
    ("X", 14, "", "catorce"),
    ("X", 15, "", "quince"),
    ("X", 16, "", "dieciséis"),
    ("X", 17, "", "diecisiete"),
    ("X", 18, "", "dieciocho"),
    ("X", 19, "", "diecinueve"),
    ("T", 20, "", "veinte"),
    ("N", 21, "", "veintiuno veintiún veintiuna"),
    ("N", 22, "", "veintidós"),
    ("N", 23, "", "veintitrés"),
    ("N", 24, "", "veinticuatro"),
    ("N", 25, "", "veinticinco"),
    ("N", 26, "", "veintiséis"),
    ("N", 27, "", "veintisiete"),
    ("N", 28, "", "veintiocho"),
    ("N", 29, "", "veintinueve"),
    ("T", 30, "", "treinta"),
    ("T", 40, "", "cuarenta"),
    ("T", 50, "", "cincuenta"),
    ("T", 60, "", "sesenta"),
    ("T", 70, "", "setenta"),
    ("T", 80, "", "ochenta"),
    ("T", 90, "", "noventa"),
    ("H", 100, "", "cien ciento"),
    ("H", 200, "", "doscientos doscientas"),
    ("H", 300, "", "trescientos trescientas"),
    ("H", 400, "", "cuatrocientos cuatrocientas"),
    ("H", 500, "", "quinientos quinientas"),
    ("H", 600, "", "seiscientos seiscientas"),
    ("H", 700, "", "setecientos setecientas"),
    ("H", 800, "", "ochocientos ochocientas"),
    ("H", 900, "", "novecientos novecientas"),
    ("C", 0, "", "y"),
    # Russian
    ("U", 0, "", "ноль нуль"),
    ("U", 1, "", "один одна одно"),
    ("U", 2, "", "два две"),
    ("U", 3, "", "три"),
    ("U", 4, "", "четыре"),
    ("U", 5, "", "пять"),
    ("U", 6, "", "шесть"),
    ("U", 7, "", "семь"),
    ("U", 8, "", "восемь"),
    ("U", 9, "", "девять"),
    ("X", 10, "", "десять"),
    ("X", 11, "", "одиннадцать"),
    ("X", 12, "", "двенадцать"),
    ("X", 13, "", "тринадцать"),
    ("X", 14, "", "четырнадцать"),
    ("X", 15, "", "пятнадцать"),
    ("X", 16, "", "шестнадцать"),
    ("X", 17, "", "семнадцать"),
    ("X", 18, "", "восемнадцать"),
    ("X", 19, "", "девятнадцать"),
    ("T", 20, "", "двадцать"),
    ("T", 30, "", "тридцать"),
    ("T", 40, "", "сорок"),
    ("T", 50, "", "пятьдесят"),
    ("T", 60, "", "шестьдесят"),
    ("T", 70, "", "семьдесят"),
    ("T", 80, "", "восемьдесят"),
    ("T", 90, "", "девяносто"),
    ("H", 100, "", "сто"),
    ("H", 200, "", "двести"),
    ("H", 300, "", "триста"),
    ("H", 400, "", "четыреста"),
    ("H", 500, "", "пятьсот"),
    ("H", 600, "", "шестьсот"),
    ("H", 700, "", "семьсот"),
    ("H", 800, "", "восемьсот"),
    ("H", 900, "", "девятьсот"),
    # Arabic (standard and spoken spellings; ة/ه, ى/ي and hamza are folded by ``_key``)
    ("U", 0, "", "صفر زيرو"),
    ("U", 1, "", "واحد واحدة"),
    ("U", 2, "", "اثنين اثنان اتنين اثنتان اثنتين تنين"),
    ("U", 3, "", "ثلاثة ثلاث تلاتة تلات"),
    ("U", 4, "", "أربعة أربع"),
    ("U", 5, "", "خمسة خمس"),
    ("U", 6, "", "ستة ست"),
    ("U", 7, "", "سبعة سبع"),
    ("U", 8, "", "ثمانية ثماني ثمان تمانية تماني تمن"),
    ("U", 9, "", "تسعة تسع"),
    ("X", 10, "", "عشرة عشر"),
    ("T", 20, "", "عشرين عشرون"),
    ("T", 30, "", "ثلاثين ثلاثون تلاتين"),
    ("T", 40, "", "أربعين أربعون"),
    ("T", 50, "", "خمسين خمسون"),
    ("T", 60, "", "ستين ستون"),
    ("T", 70, "", "سبعين سبعون"),
    ("T", 80, "", "ثمانين ثمانون تمانين"),
    ("T", 90, "", "تسعين تسعون"),
    ("H", 100, "m", "مئة مائة مية ميه"),
    ("H", 200, "", "مئتين مائتين مئتان مائتان ميتين"),
    ("H", 300, "", "ثلاثمئة ثلاثمائة تلتمية"),
    ("H", 400, "", "أربعمئة أربعمائة ربعمية"),
    ("H", 500, "", "خمسمئة خمسمائة خمسمية"),
    ("H", 600, "", "ستمئة ستمائة ستمية"),
    ("H", 700, "", "سبعمئة سبعمائة سبعمية"),
    ("H", 800, "", "ثمانمئة ثمانمائة تمنمية"),
    ("H", 900, "", "تسعمئة تسعمائة تسعمية"),
)

#: Chinese numerals, read digit by digit in phone numbers (十, 百 are not: "一五一十", "十分" stay prose).
HAN_DIGITS = {
    **dict.fromkeys("零〇○洞", 0),
    **dict.fromkeys("一幺壹", 1),
    **dict.fromkeys("二两兩贰貳", 2),
    **dict.fromkeys("三叁參", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆陸", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}


def key(word: str) -> str:
    """A word as the lexicon spells it: lower case, no accents, harakat or hamza, ة as ه and ى as ي."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\u0640")
    return bare.replace("ة", "ه").replace("ى", "ي")


def _build_words() -> dict[str, tuple[str, int, str]]:
    words: dict[str, tuple[str, int, str]] = {}
    for category, value, flags, spellings in LEXICON:
        for spelling in spellings.split():
            entry = (category, value, flags)
            words.setdefault(spelling, entry)
            words.setdefault(key(spelling), entry)
    return words


_WORDS = _build_words()


def lookup(letters: str) -> tuple[str, int, str] | None:
    lowered = letters.lower()
    entry = _WORDS.get(lowered)
    if entry is not None or lowered.isascii():
        return entry
    folded = key(lowered)
    entry = _WORDS.get(folded)
    if entry is None and folded.startswith("و") and len(folded) > 3:
        # Arabic joins "and" to the next word: "خمسة وأربعين" (45), "مئة وخمسة" (105).
        inner = _WORDS.get(folded[1:])
        if inner is not None and inner[0] in "UXTH":
            entry = (inner[0], inner[1], inner[2] + "a")
    return entry
