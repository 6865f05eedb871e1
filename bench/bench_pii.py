"""Personal information beyond self-introductions: ``.venv/bin/python bench/bench_pii.py``.

Reads ``tests/data/pii_corpus.jsonl`` (each line: text, language, the spans of personal information
expected in it with their kinds, and a split) and prints, per language and split:

- span recall: the share of expected spans entirely covered by what the screening would redact;
- clean altered: the share of answers without personal information in which it would redact anything;
- extra spans: spans redacted in answers with personal information that cover none of the expected ones.

The rules are tuned on the "dev" splits only; the tagger beside them (``flask screen train-tagger``) learns from
"dev", "dev-2" and "train-pii"; the "heldout" splits measure both on writing they were not shaped by
("heldout-3", "heldout-4" and "heldout-5": three more writers' lines, kept apart from the start). Then, on real
Pol.is comments, the share of ordinary answers each would alter.
``--examples`` also prints the issue's examples and every miss and false alarm of the chosen split;
``--worst`` times the screening on pathological inputs (long runs a careless pattern backtracks on).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from consult.moderation.screening import redact, screen
from consult.moderation.screening.pii import resolve, rule_candidates

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "pii_corpus.jsonl"

#: The examples of issue 12, item 3, as (language, text).
ISSUE_EXAMPLES = (
    ("en", "my friend Sarah Jones from Greenwood Academy"),
    ("en", "Mr. Kamau at Starehe Boys Centre"),
    ("en", "I live at 5th Avenue 12, apartment 3"),
    ("ru", "мой друг Саша Петров"),
    ("es", "mi amiga Lucía"),
    ("fr", "mon prof M. Dupont"),
    ("zh", "我的朋友王小明"),
    ("ar", "صديقي أحمد"),
    ("fr", "je suis au lycée Victor Hugo"),
    ("ru", "я учусь в школа № 57"),
    ("es", "estudio en el Colegio San José"),
    ("zh", "我在北京市第四中学上学"),
    ("ar", "أدرس في مدرسة الأمل"),
    ("fr", "j'habite au 12 rue de Lyon"),
    ("ru", "я живу: ул. Ленина, д. 5, кв. 12"),
    ("es", "vivo en la Calle Mayor 3, 2ºB"),
    ("zh", "我住在朝阳区建国路88号"),
    ("ar", "أسكن في شارع الملك فهد ١٢"),
    ("en", "I don't think Will, May, Rose, Bill or Mark from China would mind."),
)


def read_corpus(path: Path = CORPUS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Score:
    spans: int = 0
    recalled: int = 0
    clean: int = 0
    altered: int = 0
    extra: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.recalled / self.spans if self.spans else 1.0

    @property
    def altered_share(self) -> float:
        return self.altered / self.clean if self.clean else 0.0


def covered(text: str, expected: str, redacted: list[tuple[int, int]]) -> bool:
    """Whether every visible character of ``expected`` (first found in ``text``) is redacted."""
    start = text.find(expected)
    if start < 0:
        raise ValueError(f"{expected!r} is not in {text!r}")
    return all(
        any(s <= position < e for s, e in redacted)
        for position in range(start, start + len(expected))
        if not text[position].isspace()
    )


#: "dev" to "dev-5" shape the rules or train the tagger; "heldout" and "heldout-2" measure them
#: ("-2": another writer's lines, dealt alternately into the two); "heldout-3" to "heldout-7" are five more
#: writers', never read to tune anything (see tests/data/README.md).
SPLITS = ("dev", "heldout", "dev-2", "heldout-2", "dev-3", "dev-4", "dev-5", "heldout-3", "heldout-4", "heldout-5",
          "heldout-6", "heldout-7")  # fmt: skip


def measure(lines: list[dict]) -> dict[tuple[str, str], Score]:
    """Scores keyed by (language, split), with ("all", split) for every language together."""
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    for line in lines:
        text = line["text"]
        found = screen(text, line["language"]).pii
        redacted = [(span.start, span.end) for span in found]
        for key in ((line["language"], line["split"]), ("all", line["split"])):
            score = scores[key]
            if not line["spans"]:
                score.clean += 1
                if found:
                    score.altered += 1
                    score.false_alarms.append(f"{text}  ->  {[(s.kind, s.text) for s in found]}")
                continue
            for expected in line["spans"]:
                score.spans += 1
                if covered(text, expected["text"], redacted):
                    score.recalled += 1
                else:
                    score.misses.append(f"{expected['kind']} {expected['text']!r} in: {text}")
            starts = [text.find(expected["text"]) for expected in line["spans"]]
            wanted = [(s, s + len(e["text"])) for s, e in zip(starts, line["spans"], strict=True)]
            score.extra += sum(not any(s < we and ws < e for ws, we in wanted) for s, e in redacted)
    return scores


def real_answers_altered(count: int) -> tuple[int, float, float, list[str]]:
    """Of ``count`` real Pol.is comments (adults' public opinions: no one's details, many public figures),
    the share the rules alone would alter and the share the rules with the tagger would, and examples."""
    from bench_false_alarms import sample

    texts = sample(count)
    by_rules = sum(bool(resolve(rule_candidates(text))) for text in texts)
    altered = [(text, screen(text).pii) for text in texts]
    examples = [f"{[s.text for s in spans]}  in: {text[:100]}" for text, spans in altered if spans][:12]
    return len(texts), by_rules / len(texts), sum(bool(spans) for _, spans in altered) / len(texts), examples


def youth_answers_altered() -> tuple[int, float, float]:
    """Of the screening corpus's held-out lines without personal information (young people's answers in
    the six languages, never read by the tagger's training), the shares the rules and both would alter."""

    corpus = CORPUS.parent / "screening_corpus.jsonl"
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [(row["text"], row["lang"]) for row in rows if not row["pii"] and row["split"].startswith("holdout")]
    by_rules = sum(bool(resolve(rule_candidates(text))) for text, _ in texts) / len(texts)
    return len(texts), by_rules, sum(bool(screen(text, lang).pii) for text, lang in texts) / len(texts)


#: Inputs that make a careless pattern backtrack: long runs of what a name, a street or a school may hold.
PATHOLOGICAL = ("A-", "A'", "Aa-", "a_", "St ", "ул. А", "مدرسة ال", "فوج 3 ", "PS 1 ", "学校", "@a.", "1, ")


def worst_cases(lengths: tuple[int, int] = (1000, 4000)) -> list[tuple[str, float, float]]:
    """``screen`` on each pathological fragment repeated to each length (ms, best of 3): the second time
    over the first should stay near the ratio of the lengths (linear), far from its square."""
    screen("warm up")
    rows = []
    for fragment in PATHOLOGICAL:
        times = []
        for length in lengths:
            text = fragment * (length // len(fragment))
            best = min(_timed(text) for _ in range(3))
            times.append(best * 1000)
        rows.append((fragment, *times))
    return rows


def _timed(text: str) -> float:
    start = time.perf_counter()
    screen(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", choices=SPLITS, help="print the issue's examples and the misses")
    parser.add_argument("--real", type=int, default=2000, help="real Pol.is comments to measure false alarms on")
    parser.add_argument("--worst", action="store_true", help="time screening on pathological inputs instead")
    args = parser.parse_args()
    if args.worst:
        print("fragment   1,000 chars   4,000 chars   ratio (linear: 4, quadratic: 16)")
        for fragment, short, long in worst_cases():
            print(f"{fragment!r:10} {short:9.1f} ms {long:10.1f} ms {long / short:8.1f}")
        return

    scores = measure(read_corpus())
    print("split     lang  spans  recall  clean  altered  extra")
    for split in SPLITS:
        for lang in ("en", "fr", "es", "ru", "ar", "zh", "all"):
            s = scores[(lang, split)]
            print(f"{split:9s} {lang:4s} {s.spans:6d} {s.recall:7.3f} {s.clean:6d} {s.altered_share:8.3f} {s.extra:6d}")
    count, by_rules, by_both = youth_answers_altered()
    print(f"\nYoung people's answers without personal information (screening corpus, held out, {count}):")
    print(f"  altered by the rules {by_rules:.3f}, with the tagger {by_both:.3f}")
    if args.real:
        count, by_rules, by_both, examples = real_answers_altered(args.real)
        print(f"\nReal answers (Pol.is, {count}): altered by the rules {by_rules:.3f}, with the tagger {by_both:.3f}")
        print("  (Data gathered using the Polis software, compdemocracy.org/polis, sub-licensed under CC BY 4.0")
        print("  with Attribution to The Computational Democracy Project.)")
        print(*examples, sep="\n  ") if args.examples else None
    if args.examples:
        print("\nThe issue's examples:")
        for lang, text in ISSUE_EXAMPLES:
            print(f"  {lang}  {redact(text, screen(text, lang).pii, '[…]')}")
        everything = scores[("all", args.examples)]
        print(f"\nMissed in {args.examples}:", *everything.misses, sep="\n  ")
        print(f"\nClean answers altered in {args.examples}:", *everything.false_alarms, sep="\n  ")


if __name__ == "__main__":
    main()
