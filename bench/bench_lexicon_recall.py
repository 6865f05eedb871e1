"""The lexicons alone on the rows they may be tuned on: ``.venv/bin/python bench/bench_lexicon_recall.py [-m] [-a]``.

Per language, how many safeguarding disclosures of the ``train`` and ``dev`` rows of
``tests/data/screening_corpus.jsonl`` the lexicons flag (recall), and how many policy, news, everyday, joke
and fiction rows they flag (false alarms). Held-out rows (``holdout-*``) are skipped unread: they measure a
finished change, never tune one (see ``tests/data/README.md``). ``-m`` lists the missed disclosures, ``-a``
the false alarms.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
CORPUS = PROJECT / "tests" / "data" / "screening_corpus.jsonl"


def main() -> None:
    from consult import languages
    from consult.moderation.screening import screen
    from consult.moderation.screening.training import HARD_NEGATIVES, read_corpus

    found, disclosures, alarms, talk = Counter(), Counter(), Counter(), Counter()
    missed, alarmed = [], []
    for row in read_corpus(CORPUS):
        if row.split not in ("train", "dev"):
            continue
        lang, flagged = row.lang, "safeguarding" in screen(row.text, row.lang).flags
        if row.labels["safeguarding"]:
            disclosures[lang] += 1
            found[lang] += flagged
            if not flagged:
                missed.append((lang, row.category, row.text))
        elif row.category in HARD_NEGATIVES:
            talk[lang] += 1
            alarms[lang] += flagged
            if flagged:
                alarmed.append((lang, row.category, row.text))
    for lang in languages.codes():
        print(f"{lang}: recall {found[lang]}/{disclosures[lang]}  false alarms {alarms[lang]}/{talk[lang]}")
    print(f"all: recall {found.total()}/{disclosures.total()}  false alarms {alarms.total()}/{talk.total()}")
    for flag, rows in (("-m", missed), ("-a", alarmed)):
        if flag in sys.argv:
            for lang, category, text in rows:
                print(flag, lang, category, text)


if __name__ == "__main__":
    main()
