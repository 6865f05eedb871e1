"""A learned tagger for the personal information that context reveals: people's names, schools, addresses.

The rules (``people.py``, ``schools.py``, ``addresses.py``) find what follows their cue words: "my friend
Sarah", "Mr. Kamau", "from Greenwood Academy". A writer who knows none of those cues ("me and Kwabena got
hacked", "рассказала всё Ксюше") slips past them. The tagger reads every word with its neighbours — the
word itself, its shape and script, its first and last letters, the two words on either side — and a
linear-chain conditional random field trained on the project's labelled lines (``tagger_training.py``,
``flask screen train-tagger``) says how likely the word belongs to a name, a school or an address, given
how likely its neighbours do: a name's second word is read with its first. Runs of words above the
threshold become candidates beside the rules' (the union: what either finds is suggested to the moderator).

Pure Python, no numpy: each word's score for each kind is a sum of the weights of its features, and the
chance that it belongs to one is read from those scores and the weights of one kind following another
(forward-backward over the line, four kinds), all read from a small JSON file in ``model/`` (gzipped)
whose version is a hash of what it holds.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .base import HAN_RE, Candidate
from .tagger_text import (
    NO_LEXICON,
    Lexicon,
    Token,
    famous_marks,
    folded,
    folded_words,
    gazetteer,
    name_forms,
    script,
    tokens,
)
from .tagger_text import (
    shape as form_of,
)

MODEL_FILE = Path(__file__).resolve().parent / "model" / "tagger.json.gz"
#: What the tagger finds (the rules find the rest: e-mails, phones, handles... by their form).
KINDS = ("name", "school", "address")
OUTSIDE = "O"

# What may sit inside a span between two tagged words ("Flat 4B, 112 Quarry Hill", "O'Brien", "Jean-Marc").
_JOINERS = frozenset(",.'-/№#°º")
#: Two spans of a school or an address this many words apart or fewer are one ("Mz. F Lt. 12 del
#: asentamiento Nueva Esperanza"): a place's name often holds a word the tagger is unsure of.
_GAP = 2
#: Two neighbouring words that both reach this share of the threshold start a span together.
PAIR = 0.8
#: A word listed beside a name is a name from this share of the threshold (``Tagger._listed``).
LIST = 0.3
_LIST_JOINERS = frozenset({",", "&", "and", "or", "et", "ou", "y", "e", "o", "u", "и", "или", "да", "و", "أو", "او"})
_SENTENCE_ENDS = frozenset(".!?…。！？؟;；")
#: Second halves of Arabic given names written as two words: "نور الهدى", "عز الدين", "عبد الله".
_NAME_SECOND_HALVES = frozenset({"الدين", "الهدى", "الله", "الرحمن", "الرحيم", "الاسلام", "الإسلام", "الزهراء",
                                 "الايمان", "الإيمان", "الحق", "النبي", "العابدين", "الملك", "الكريم", "العزيز",
                                 "الحسن", "الحسين", "النور", "الصباح", "الضحى"})  # fmt: skip
_PLACES = ("school", "address")


def token_features(
    words: list[Token],
    i: int,
    lexicon: Lexicon = NO_LEXICON,
    famous: list[bool] | None = None,
    texts: list[str] | None = None,
) -> list[str]:
    """The features of ``words[i]``: the word, its form, its neighbours, whether it is a common word or a
    name the lexicon knows. ``texts``: every word folded, when the caller reads a whole text."""
    texts = texts if texts is not None else folded_words(words)
    common = lexicon.common
    token = words[i].text
    word = texts[i]
    writing = script(token[0])
    shape = form_of(token)
    forms = name_forms(word, writing)
    features = [
        "bias",
        f"w={word}",
        f"shape={shape}",
        f"script={writing}",
        f"len={min(len(token), 12)}",
    ]
    if writing in ("latin", "cyrillic", "arabic", "other") and len(word) > 3:
        features += [f"p3={word[:3]}", f"s3={word[-3:]}", f"s2={word[-2:]}", f"s1={word[-1:]}"]
    stem = forms[1] if writing == "arabic" else word  # without its clitics
    if stem != word:
        features += [f"stem={stem}", f"clitic={word[: len(word) - len(stem)]}"]
    previous = texts[i - 1] if i > 0 else "<s>"
    if word in common:
        features += ["common", f"common,shape={shape}"]
        if i > 0 and previous in common:
            features.append("common,common-1")
    elif writing in ("latin", "cyrillic", "arabic"):
        features.append("rare-stem" if stem in common else f"rare,shape={shape}")
    if famous and famous[i]:
        features += ["famous", f"famous,shape={shape}"]
    if any(form in lexicon.stop for form in forms):
        features += ["stop", f"stop,shape={shape}"]
    names = gazetteer(forms, lexicon)
    features += [f"{name},shape={shape}" for name in names] + names
    if writing in ("latin", "cyrillic", "arabic"):
        tier = "frequent" if word in lexicon.frequent else "known" if word in lexicon.known else "rare"
        features += [f"tier={tier}", f"tier,shape={tier}|{shape}", f"tier,name={tier}|{bool(names)}"]
        if i > 0:
            features.append(f"tier,w-1={tier}|{previous}")
    if names and word in common:
        features.append("name,common")
    following = texts[i + 1] if i + 1 < len(words) else "</s>"
    before = texts[i - 2] if i > 1 else "<s>"
    after = texts[i + 2] if i + 2 < len(words) else "</s>"
    features += [
        f"w-1={previous}",
        f"w+1={following}",
        f"w-2={before}",
        f"w+2={after}",
        f"w-2,-1={before}|{previous}",
        f"w+1,+2={following}|{after}",
        f"w-1,shape={previous}|{shape}",
        f"shape,w+1={shape}|{following}",
        f"shape-1={form_of(words[i - 1].text) if i > 0 else '<s>'}",
        f"shape+1={form_of(words[i + 1].text) if i + 1 < len(words) else '</s>'}",
    ]
    if i > 0 and words[i - 1].end == words[i].start:
        features.append("glued-left")
    if i + 1 < len(words) and words[i].end == words[i + 1].start:
        features.append("glued-right")
    if writing == "han":
        features += [f"w-1,w={previous}{word}", f"w,w+1={word}{following}", f"w-2,w-1,w={before}{previous}{word}"]
    return features


@dataclass(frozen=True)
class Tagger:
    version: str
    classes: tuple[str, ...]  # OUTSIDE first, then KINDS
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    #: ``transitions[j][k]``: the weight of a word of class k after one of class j
    transitions: tuple[tuple[float, ...], ...]
    threshold: float  # a word is tagged when its chance of being outside falls below 1 - threshold
    #: a word next to a tagged one joins its span from this score (below the threshold)
    extend: float = 0.5
    lexicon: Lexicon = NO_LEXICON

    def probabilities(self, words: list[Token], famous: list[bool] | None = None) -> list[list[float]]:
        rows = []
        texts = folded_words(words)
        famous = famous if famous is not None else famous_marks(words, self.lexicon, texts)
        for i in range(len(words)):
            scores = list(self.intercepts)
            for feature in token_features(words, i, self.lexicon, famous, texts):
                weights = self.weights.get(feature)
                if weights is not None:
                    for k, weight in enumerate(weights):
                        scores[k] += weight
            rows.append(scores)
        return marginals(rows, self.transitions)

    def find(self, text: str) -> list[Candidate]:
        """Candidates (kind, start, end) in ``text``.

        A word at or above the threshold starts a span; the span then takes in its neighbours while they
        reach ``extend`` (the rest of "Flat 4B, 112 Quarry Hill Road" once "Quarry" is sure), across one
        joining mark at a time.
        """
        words = tokens(text)
        texts = folded_words(words)
        famous = famous_marks(words, self.lexicon, texts)
        rows = self.probabilities(words, famous)
        tagged = [1 - row[0] for row in rows]
        # A full stop joins only after an abbreviation or a number ("Mz. F Lt. 12", "St. Mary's"), never
        # after the last word of a sentence.
        joiner = [
            word.text in _JOINERS and (word.text != "." or (i > 0 and _abbreviation(words[i - 1].text)))
            for i, word in enumerate(words)
        ]
        ends = [word.text in _SENTENCE_ENDS and not joiner[i] for i, word in enumerate(words)]
        taken = [False] * len(words)
        found: list[Candidate] = []
        pair = PAIR * self.threshold
        for seed in sorted(range(len(words)), key=lambda i: -tagged[i]):
            # A span starts at a word of letters: a number alone ("12.05.2025") is no name nor place; or at
            # two words side by side that are both nearly sure ("وخالد الزعبي").
            if taken[seed] or not words[seed].text[0].isalpha():
                continue
            paired = tagged[seed] >= pair and any(
                0 <= j < len(words) and words[j].text[0].isalpha() and tagged[j] >= pair for j in (seed - 1, seed + 1)
            )
            if tagged[seed] < self.threshold and not paired:
                continue
            seed_kind = self.classes[max(range(1, len(rows[seed])), key=rows[seed].__getitem__)]
            # A place takes in its less sure words ("Road", "of", "12"); a name only nearly sure ones ("Mr" stays
            # out).
            extend = self.extend if seed_kind in _PLACES else pair
            first = last = seed
            while first > 0 and not taken[first - 1] and self._joins(first - 1, -1, tagged, joiner, extend, words):
                first -= 1
            while (
                last + 1 < len(words)
                and not taken[last + 1]
                and self._joins(last + 1, 1, tagged, joiner, extend, words)
            ):
                last += 1
            while joiner[first]:
                first += 1
            while joiner[last]:
                last -= 1
            if seed_kind in _PLACES:  # "la maison des jeunes Les Cigales": an article is no part of the place
                while first < seed and self._slight(texts[first], words[first].text):
                    first += 1
                while last > seed and self._slight(texts[last], words[last].text):
                    last -= 1
            for i in range(first, last + 1):
                taken[i] = True
            scores = [sum(rows[i][k] for i in range(first, last + 1)) for k in range(len(self.classes))]
            kind = self.classes[max(range(1, len(scores)), key=scores.__getitem__)]
            if kind == "name" and (
                self._no_one(words[first : last + 1], famous[first : last + 1])
                or self._construct(words, texts, first, last)
            ):
                continue
            if kind in _PLACES and self._no_place(words[first : last + 1], texts[first : last + 1]):
                continue
            found.append((kind, first, last))
        found += self._listed(words, texts, tagged, taken, famous, found)
        merged: list[tuple[str, int, int]] = []
        for kind, first, last in sorted(found, key=lambda c: c[1]):
            if (
                merged
                and kind in _PLACES
                and merged[-1][0] == kind
                and first - merged[-1][2] <= _GAP + 1
                and not any(ends[merged[-1][2] : first])
            ):
                merged[-1] = (kind, merged[-1][1], last)
            else:
                merged.append((kind, first, last))
        return [(kind, words[first].start, words[last].end) for kind, first, last in merged]

    def _listed(
        self,
        words: list[Token],
        texts: list[str],
        tagged: list[float],
        taken: list[bool],
        famous: list[bool],
        found: list[tuple[str, int, int]],
    ) -> list[tuple[str, int, int]]:
        """Names listed beside a name ("Даня, Глеб и Макс", "فرح وسارة ولمى", "Awa et Théo"): a word joined to a
        name by a comma or a word for "and"/"or" (or Arabic's "و" in front of it) is a name too once its own
        chance reaches ``LIST`` of the threshold, or, glued to "و", once what follows the "و" is a given name
        ("لريم ولمى")."""
        least = LIST * self.threshold
        added: list[tuple[str, int, int]] = []
        todo = [(first, last) for kind, first, last in found if kind == "name"]
        while todo:
            first, last = todo.pop()
            for i, step in ((last + 1, 1), (first - 1, -1)):
                if not 0 <= i < len(words):
                    continue
                glued = False
                if texts[i] in _LIST_JOINERS:
                    i += step
                elif step == 1 and words[i].text[0] == "و" and len(words[i].text) > 2:
                    glued = texts[i][1:] in self.lexicon.given
                else:
                    continue
                if (
                    0 <= i < len(words)
                    and not taken[i]
                    and words[i].text[0].isalpha()
                    and not HAN_RE.match(words[i].text)  # a Han name is read a character at a time
                    and (tagged[i] >= least or glued)
                    and not famous[i]
                    # "وسارة" is a place's word, "سارة" after "و" a name: a word whose every form names no one stays
                    and not all(form in self.lexicon.stop for form in name_forms(texts[i], script(words[i].text[0])))
                ):
                    taken[i] = True
                    added.append(("name", i, i))
                    todo.append((i, i))
        return added

    def _no_place(self, words: list[Token], texts: list[str]) -> bool:
        """Whether a run read as a school or an address names no place: Han characters, two or fewer ("乐部" of
        "俱乐部", "club"), or words all common or frequent ("مدرسة مشرف", "a school supervisor")."""
        letters = [i for i, word in enumerate(words) if word.text[0].isalpha()]
        if all(HAN_RE.match(words[i].text) for i in letters):
            return len(letters) <= 2
        return all(texts[i] in self.lexicon.common or texts[i] in self.lexicon.frequent for i in letters)

    def _slight(self, word: str, written: str) -> bool:
        """A short frequent word in lower case ("la", "de", "the", "на"): the edge of a place, never its name."""
        return len(word) <= 3 and written.islower() and word in self.lexicon.frequent

    def _no_one(self, words: list[Token], famous: list[bool]) -> bool:
        """Whether a run the tagger reads as a name is a public name or words that name no one ("Muslim"), or
        Arabic words (which have no capitals to tell a name) that are all frequent words and no given name:
        "يحب" ("loves") after "صديقي" ("my friend"), where a name often stands."""
        letters = [word for word in words if word.text[0].isalpha()]
        if all(famous) or all(folded(word.text) in self.lexicon.stop for word in letters):
            return True
        return all(self._plain_arabic(folded(word.text)) for word in letters)

    def _construct(self, words: list[Token], texts: list[str], first: int, last: int) -> bool:
        """Whether a lone Arabic word read as a name is the first noun of a construct ("نور الشمس", "وفاء
        الأصحاب", "وسام الشرف": the light of the sun, loyalty of friends, a medal of honour): the next word,
        one space on, is a frequent word with "ال" that is no family name ("مريم الحسن"), no nisba ending in
        "ي" ("منى الشربيني") and no second half of a given name ("نور الهدى", "عز الدين")."""
        following = last + 1
        if first != last or following >= len(words) or script(words[first].text[0]) != "arabic":
            return False
        after = texts[following]
        return (
            words[following].start - words[last].end == 1
            and after.startswith("ال")
            and len(after) > 3
            and not after.endswith(("ي", "ى"))
            and (after in self.lexicon.frequent or after in self.lexicon.known)
            and after not in self.lexicon.family
            and after not in _NAME_SECOND_HALVES
        )

    def _plain_arabic(self, word: str) -> bool:
        """A frequent Arabic word that is no given name (family names hold words too: "يحب" is one in Faker's)."""
        if script(word[0]) != "arabic" or word not in self.lexicon.frequent:
            return False
        return not any(form in self.lexicon.given for form in name_forms(word, "arabic"))

    @staticmethod
    def _joins(i: int, step: int, tagged: list[float], joiner: list[bool], extend: float, words: list[Token]) -> bool:
        if not joiner[i]:
            return words[i].text[0].isalnum() and tagged[i] >= extend
        beyond = i + step
        return 0 <= beyond < len(tagged) and not joiner[beyond] and tagged[beyond] >= extend


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(value - top) for value in values))


def marginals(scores: list[list[float]], transitions: tuple[tuple[float, ...], ...]) -> list[list[float]]:
    """Each word's chance of each class, over every labelling of the line (forward-backward, in logs):
    ``scores[i][k]`` is word i's own weight for class k, ``transitions[j][k]`` that of class k after j."""
    if not scores:
        return []
    classes = range(len(scores[0]))
    forward = [list(scores[0])]
    for row in scores[1:]:
        last = forward[-1]
        forward.append([row[k] + _logsumexp([last[j] + transitions[j][k] for j in classes]) for k in classes])
    backward = [[0.0] * len(scores[0])]  # built from the last word back, then turned round
    for row in reversed(scores[1:]):
        after = backward[-1]
        backward.append([_logsumexp([transitions[j][k] + row[k] + after[k] for k in classes]) for j in classes])
    backward.reverse()
    total = _logsumexp(forward[-1])
    return [[math.exp(f[k] + b[k] - total) for k in classes] for f, b in zip(forward, backward, strict=True)]


def _abbreviation(word: str) -> bool:
    return word.isdigit() or (word.isalpha() and len(word) <= 3 and not HAN_RE.match(word))


def tagger_from_document(document: dict) -> Tagger:
    return Tagger(
        version=document["version"],
        classes=tuple(document["classes"]),
        intercepts=tuple(document["intercepts"]),
        weights={feature: tuple(weights) for feature, weights in document["weights"].items()},
        threshold=document["threshold"],
        extend=document.get("extend", document["threshold"]),
        transitions=tuple(tuple(row) for row in document["transitions"]),
        lexicon=Lexicon(
            *(
                frozenset(document.get(key, ()))
                for key in ("common", "given", "family", "famous", "stop", "frequent", "known")
            )
        ),
    )


@cache
def shipped() -> Tagger | None:
    """The tagger in ``model/tagger.json``, or None before one was trained."""
    if not MODEL_FILE.exists():
        return None
    return tagger_from_document(read(MODEL_FILE))


def read(path: Path) -> dict:
    """A tagger's document, as ``tagger_training.write`` wrote it (gzipped JSON)."""
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


def find_tagged(text: str) -> list[Candidate]:
    tagger = shipped()
    return tagger.find(text) if tagger else []
