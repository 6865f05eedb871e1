"""Themes people can read: ideas grouped across languages, labels that are phrases, keywords without
function words in every language, quotes drawn from several languages and regions.

The evaluation set (bench/data/children_online_six_languages.tsv) holds statements written for this
project in the six UN languages on seven topics about children online; ``bench/bench_themes.py``
prints the same figures, before and after a change.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from consult.languages import ARABIC_MARKS
from consult.summaries.keywords import Tokeniser, key_phrase, stopwords
from consult.summaries.themes import build_themes, choose_quotes
from consult.summaries.vectors import encoder

EVALUATION_SET = Path(__file__).resolve().parents[1] / "bench" / "data" / "children_online_six_languages.tsv"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MARKS = re.compile(f"[{ARABIC_MARKS}]")  # Arabic vowel marks, left out of a word before it is counted


@pytest.fixture(scope="module")
def evaluation():
    rows = [line.split("\t") for line in EVALUATION_SET.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip
    texts = [text for _topic, _language, text in rows]
    vectors = encoder().encode(texts).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    languages = [language for _topic, language, _text in rows]
    themes, _k = build_themes(list(range(len(rows))), texts, languages, vectors, language="en")
    return rows, themes


def test_the_same_idea_in_six_languages_lands_in_one_theme(evaluation):
    rows, themes = evaluation
    assert {language for _topic, language, _text in rows} == {"ar", "zh", "en", "fr", "ru", "es"}
    dominant = sum(Counter(rows[i][0] for i in theme.members).most_common(1)[0][1] for theme in themes)
    purity = dominant / len(rows)
    print(f"\npurity {purity:.3f} in {len(themes)} themes")
    assert purity >= 0.8
    for theme in themes:
        if len(theme.members) >= 3:
            assert len({rows[i][1] for i in theme.members}) >= 3, theme.label


def test_a_label_is_a_phrase_a_participant_wrote_in_the_documents_language(evaluation):
    rows, themes = evaluation
    for theme in themes:
        assert theme.label.strip()
        assert theme.language == "en" and theme.label == theme.labels["en"]
        assert set(theme.labels) == {rows[i][1] for i in theme.members}
        for language, phrase in theme.labels.items():
            written = [rows[i][2] for i in theme.members if rows[i][1] == language]
            # Taken from one of the theme's answers in that language, never keywords joined by commas.
            assert any(phrase[1:] in text for text in written), (language, phrase)
            if language != "zh":
                assert 2 <= len(phrase.split()) <= 12, phrase
            assert not re.fullmatch(r"\w+(, \w+)+", phrase)


def test_keywords_leave_out_each_languages_function_words(evaluation):
    rows, themes = evaluation
    seen = set()
    for theme in themes:
        for language, words in theme.keywords_by_language.items():
            seen.add(language)
            members = [MARKS.sub("", rows[i][2]) for i in theme.members if rows[i][1] == language]
            for word in words:
                assert word.casefold() not in stopwords(language), (language, word)
                assert any(word in text for text in members), (language, word)
                if language == "zh":
                    assert CHINESE.search(word) and len(word) >= 2, word
    assert seen == {"ar", "zh", "en", "fr", "ru", "es"}


def test_chinese_is_cut_into_words_without_function_words():
    terms = [term for term, _form in Tokeniser().terms("网络欺凌对孩子伤害很大，平台应该尽快删除侮辱性的评论。", "zh")]
    assert {"网络", "欺凌", "孩子", "平台", "删除", "评论"} <= set(terms)
    assert not {"的", "很", "应该", "对"} & set(terms)


def test_a_key_phrase_is_the_clause_that_names_the_theme():
    text = "Honestly I do not know, but apps collect far too much personal data about children."
    phrase = key_phrase(text, "en", {"data": 1.0, "personal": 0.8, "collect": 0.5}, Tokeniser())
    assert phrase == "But apps collect far too much personal data about children"


def test_an_answer_of_symbols_alone_still_gives_a_label():
    assert key_phrase("👍👍 !!!", "en", {}, Tokeniser()) == "👍👍 !!!"
    assert key_phrase("网络欺凌对孩子伤害很大", "zh", {"欺凌": 1.0}, Tokeniser()) == "网络欺凌对孩子伤害很大"


def test_quotes_come_from_several_languages_and_regions():
    # Six English answers from Europe nearest the centre, then one answer in each of three other
    # languages, a little farther; no two of them alike.
    axes = np.eye(10)
    vectors = np.array([axes[0] + (0.9 if i < 6 else 1.0) * axes[i + 1] for i in range(9)])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"Answer number {i} says something readable about the theme." for i in range(9)]
    languages = ["en"] * 6 + ["fr", "ar", "zh"]
    regions = ["europe"] * 6 + ["africa", "arab_states", "asia_pacific"]
    nearest_only, _ = choose_quotes(list(range(9)), texts, vectors, 3)
    diverse, candidates = choose_quotes(list(range(9)), texts, vectors, 3, languages, regions)
    assert {languages[i] for i in nearest_only} == {"en"}
    assert len({languages[i] for i in diverse}) == 3 and len({regions[i] for i in diverse}) == 3
    assert diverse[0] == nearest_only[0]  # the most representative answer still comes first
    assert not set(candidates) & set(diverse)


def test_a_theme_reads_in_the_documents_language_unless_the_secretariat_wrote_its_label(app):
    from flask_babel import force_locale

    from consult.summaries.reading import ThemeView, _labels

    generated = {"label": "apps should verify age", "auto_label": "apps should verify age",
                 "labels": {"en": "apps should verify age", "fr": "les applis devraient vérifier l'âge"}}  # fmt: skip
    rewritten = {**generated, "label": "Age checks in apps"}
    with app.test_request_context():
        theme = ThemeView("t1", generated["label"], [], 3, 50.0, [], [1, 2, 3], labels=_labels(generated))
        with force_locale("fr"):
            assert theme.title == "les applis devraient vérifier l'âge"
        with force_locale("zh"):  # no answer in Chinese: the theme's own label
            assert theme.title == "apps should verify age"
        edited = ThemeView("t1", rewritten["label"], [], 3, 50.0, [], [1, 2, 3], labels=_labels(rewritten))
        with force_locale("fr"):
            assert edited.title == "Age checks in apps"
