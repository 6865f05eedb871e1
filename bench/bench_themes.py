"""How well themes group answers by idea rather than by language: purity and languages per theme.

    .venv/bin/python bench/bench_themes.py [--before DIR] [--json]

Two sets, each grouped by ``consult.summaries.themes.build_themes`` as a summary does:
- ``own``: bench/data/children_online_six_languages.tsv, statements written for this project in
  Arabic, Chinese, English, French, Russian and Spanish on seven topics about children online
  (the same idea said in six languages should land in one theme);
- ``polis``: accepted statements of six unrelated Pol.is conversations poured into one question
  (real data from ../shared/data/polis/; Data was gathered using the Polis software
  (compdemocracy.org/polis) and is sub-licensed under CC BY 4.0 with Attribution to The
  Computational Democracy Project, https://github.com/compdemocracy/openData).
Purity: the share of each theme's members that share its dominant topic (or conversation), over all
themes. Languages: how many languages each theme holds; "3+ where possible" is the share of themes
of three members or more that hold at least three languages (the target asks for all of them).
With --before DIR (an older checkout), the same sets are grouped by that checkout's code too, and
both are printed side by side. Vectors are encoded once and kept in the temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
OWN = PROJECT / "bench" / "data" / "children_online_six_languages.tsv"
POLIS = Path(os.environ.get("CONSULT_SHARED_DIR", PROJECT.parent / "shared")) / "data" / "polis"
CONVERSATIONS = ("vtaiwan.uberx", "london.youth.policing", "scoop-hivemind.ubi", "football-concussions",
                 "brexit-consensus", "15-per-hour-seattle")  # fmt: skip
PER_CONVERSATION = 150


def own_set() -> list[tuple[str, str, str]]:
    rows = []
    for line in OWN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            topic, language, text = line.split("\t")
            rows.append((topic, language, text))
    return rows


def polis_set() -> list[tuple[str, str, str]]:
    rows = []
    for name in CONVERSATIONS:
        with (POLIS / f"{name}.comments.csv").open(encoding="utf-8", newline="") as handle:
            accepted = [r["comment-body"].strip() for r in csv.DictReader(handle)
                        if r["moderated"] != "-1" and r["comment-body"].strip()]  # fmt: skip
        language = "zh" if name.startswith("vtaiwan") else "en"
        rows.extend((name, language, text) for text in accepted[:PER_CONVERSATION])
    return rows


def vectors_of(texts: list[str]):
    """Unit sentence vectors (float16 round trip, as stored), computed once and kept in the temporary folder."""
    import numpy as np

    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"consult-bench-themes-{key}.npy"
    if path.exists():
        return np.load(path)
    sys.path.insert(0, str(PROJECT))
    from consult.summaries.vectors import encoder

    matrix = encoder().encode(texts).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix.astype(np.float16).astype(np.float32)
    np.save(path, matrix)
    return matrix


def measure(rows: list[tuple[str, str, str]], project: Path) -> dict:
    """Group ``rows`` with the code of ``project`` (in this process) and score the themes."""
    import time

    sys.path.insert(0, str(project))
    from consult.summaries import themes as theme_rules

    texts = [text for _topic, _language, text in rows]
    vectors = vectors_of(texts)
    languages = [language for _topic, language, _text in rows]
    started = time.perf_counter()
    built, _k = theme_rules.build_themes(list(range(1, len(rows) + 1)), texts, languages, vectors)
    seconds = time.perf_counter() - started
    dominant, spread, report = 0, [], []
    for theme in built:
        topics = Counter(rows[i - 1][0] for i in theme.members)
        langs = {rows[i - 1][1] for i in theme.members}
        topic, count = topics.most_common(1)[0]
        dominant += count
        if len(theme.members) >= 3:
            spread.append(len(langs))
        quote_langs = sorted({rows[i - 1][1] for i in theme.quotes})
        report.append({"size": len(theme.members), "topic": topic, "purity": round(count / len(theme.members), 2),
                       "languages": len(langs), "label": theme.label, "keywords": theme.keywords[:5],
                       "quote_languages": quote_langs})  # fmt: skip
    return {
        "purity": round(dominant / len(rows), 3),
        "themes": len(built),
        "languages_per_theme": round(sum(spread) / max(1, len(spread)), 2),
        "themes_with_3_languages": round(sum(n >= 3 for n in spread) / max(1, len(spread)), 2),
        "seconds": round(seconds, 3),
        "detail": report,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older checkout to compare with")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--step", choices=["own", "polis"], help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, default=PROJECT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        rows = own_set() if args.step == "own" else polis_set()
        print(json.dumps(measure(rows, args.project), ensure_ascii=False))
        return
    sides = {"after": PROJECT}
    if args.before:
        sides = {"before": args.before.resolve(), **sides}
    results: dict = {}
    for name in ("own", "polis"):
        for side, project in sides.items():
            # One process per side, so each imports its own checkout's consult package.
            done = subprocess.run([sys.executable, __file__, "--step", name, "--project", str(project)],
                                  check=True, capture_output=True, text=True)  # fmt: skip
            results.setdefault(name, {})[side] = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps({n: {s: {k: v for k, v in r.items() if k != "detail"} for s, r in by.items()}
                          for n, by in results.items()}))  # fmt: skip
        return
    for name, by_side in results.items():
        print(f"\n== {name} ==")
        print(f"{'':8} {'purity':>7} {'themes':>7} {'langs/theme':>12} {'3+ langs':>9} {'seconds':>8}")
        for side, r in by_side.items():
            print(f"{side:8} {r['purity']:>7.3f} {r['themes']:>7} {r['languages_per_theme']:>12} "
                  f"{r['themes_with_3_languages']:>9} {r['seconds']:>8}")  # fmt: skip
        for side, r in by_side.items():
            print(f"-- {side} themes")
            for t in r["detail"]:
                print(
                    f"   {t['size']:>4} {t['topic'][:22]:<22} {t['purity']:.2f} {t['languages']}L "
                    f"«{t['label']}» {', '.join(t['keywords'])} quotes:{','.join(t['quote_languages'])}"
                )


if __name__ == "__main__":
    main()
