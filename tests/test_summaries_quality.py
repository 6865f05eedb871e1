"""Themes on real data: several Pol.is conversations poured into one question come out apart again.

The purity is the share of each theme's members that come from its dominant conversation, over all
themes; it is printed (``pytest -s``) as well as checked.
"""

from __future__ import annotations

import re
from collections import Counter

from conftest import DATA
from summaries_fixtures import secretariat_fixture  # noqa: F401

from consult.consultations.importers import import_polis
from consult.summaries.generation import generate_summary

CONVERSATIONS = (
    "vtaiwan.uberx",
    "london.youth.policing",
    "scoop-hivemind.ubi",
    "football-concussions",
    "brexit-consensus",
    "15-per-hour-seattle",
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_themes_separate_real_conversations_and_vtaiwan_gets_chinese_keywords(db, secretariat):
    for name in CONVERSATIONS:
        result = import_polis(DATA / "polis" / f"{name}.comments.csv", slug="mixed-polis", title="Mixed")
    db.session.commit()

    summary = generate_summary(result.consultation, secretariat)
    db.session.commit()

    themes = summary.content["questions"][0]["themes"]
    dominant_members, total = 0, 0
    report = []
    for theme in themes:
        sources = Counter(r["ref"].split(".comments#")[0] for r in theme["responses"])
        source, count = sources.most_common(1)[0]
        dominant_members += count
        total += theme["size"]
        report.append((theme["size"], source, round(count / theme["size"], 2), theme["keywords"][:5]))
    purity = dominant_members / total
    print(f"\npurity {purity:.3f} over {total} responses in {len(themes)} themes")
    for row in report:
        print("  ", *row)

    assert total == summary.parameters["responses_used"] > 300
    assert purity >= 0.9  # issue 13: answers of unrelated Pol.is conversations come apart again
    assert {source for _size, source, share, _kw in report if share >= 0.8} >= {
        "vtaiwan.uberx", "scoop-hivemind.ubi", "football-concussions", "brexit-consensus",
    }  # fmt: skip
    # Every theme has a label, a phrase its members wrote, never its keywords joined by commas.
    assert all(t["label"].strip() and t["label"] != ", ".join(t["keywords"][:3]) for t in themes)
    taiwan = [theme for theme, row in zip(themes, report, strict=True) if row[1] == "vtaiwan.uberx"]
    assert taiwan and all(sum(bool(CHINESE.search(word)) for word in t["keywords"]) >= 3 for t in taiwan)
