"""The learned tagger beside the personal-information rules: names, schools and addresses no cue word announces.

The rules find "my friend Sarah"; a young person who writes "me and Kwabena got hacked" uses no cue. The
tagger (``consult/moderation/screening/tagger.py``) reads each word with its neighbours, and its weights are
trained by ``flask screen train-tagger`` on the corpus's training splits only; ``bench/bench_pii.py`` prints
its figures on the held-out splits (the targets are checked in ``test_pii.py``).
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path

import pycrfsuite
import pytest

from consult.moderation.screening import screen, tagger_training, tagger_words
from consult.moderation.screening import tagger as tagger_module
from consult.moderation.screening.normalise import normalise
from consult.moderation.screening.people import no_one
from consult.moderation.screening.pii import resolve, rule_candidates, widen
from consult.moderation.screening.tagger_text import tokens as tokenise

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "pii_corpus.jsonl"


def corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def redacted(text: str, lang: str) -> str:
    return screen(text, lang).redacted


# Written for this test, after the tagger was trained: names in each language that no cue word announces.
NO_CUE = [
    ("honestly me and Oluwaseun both got the same scam dm on snap", "en", "Oluwaseun"),
    ("yesterday Thandiwe showed everyone my private story without asking", "en", "Thandiwe"),
    ("j'ai tout raconté à Maëlys et elle l'a répété à toute la classe", "fr", "Maëlys"),
    ("franchement Abdoulaye a partagé mon numéro dans le groupe du foot", "fr", "Abdoulaye"),
    ("ayer Yesenia subió una foto mía al grupo sin preguntarme", "es", "Yesenia"),
    ("вчера Прохор выложил наше видео в чат класса", "ru", "Прохор"),
    ("я всё рассказала Ульяне, а она разболтала всем", "ru", "Ульяне"),
    ("البارحة نشرت رغد صورتي في القروب بدون ما تسألني", "ar", "رغد"),
    ("昨天俊豪把我的照片发到了班群里", "zh", "俊豪"),
    ("上周末跟欧阳思琪一起去网吧，她的号被盗了", "zh", "欧阳思琪"),
]


def test_names_no_cue_word_announces_are_suggested_for_removal():
    """The rules find none of these; the tagger is no oracle (with the rules, 0.77 of the spans of
    ``heldout-3``), so most, not all, are asked for: a floor under today's 8 of 10."""
    missed = []
    for text, lang, name in NO_CUE:
        assert not any(text[s:e] == name for _, s, e in rule_candidates(text)), f"the rules alone find {name}"
        if name in redacted(text, lang):
            missed.append(name)
    assert len(missed) <= 4, missed


@pytest.mark.parametrize(
    "text, lang",
    [
        ("I will report it in May, Rose said it works", "en"),  # "Rose" is a name here: not asserted
        ("Taylor Swift and Cristiano Ronaldo get hate every day, imagine a normal kid", "en"),
        ("Вера в то, что платформы нас защитят, пропала", "ru"),
        ("la paz en internet depende de todos, no solo de la policía", "es"),
    ],
)
def test_public_figures_and_ordinary_words_are_left_alone(text, lang):
    result = screen(text, lang)
    kept = [span.text for span in result.pii if span.text != "Rose"]
    assert kept == [], kept


def test_the_tagger_never_takes_away_what_the_rules_find():
    for line in corpus():
        text = line["text"]
        spans = [(span.start, span.end) for span in screen(text, line["language"]).pii]
        # what the rules find, after the vetoes ``screen`` applies to everything (``people.no_one``: "历史老师")
        for _kind, start, end in no_one(text, resolve(rule_candidates(text))):
            assert all(
                any(s <= position < e for s, e in spans)
                for position in range(start, end)
                if not text[position].isspace()
            ), (text, text[start:end])


def test_the_tagger_widens_the_rules_spans_of_its_kind_and_leaves_the_others_as_they_are():
    text = "at 42 Elm Road, Leeds LS6 2AB with Sam Fox"
    rules = [("address", 3, 14), ("postcode", 22, 29), ("name", 35, 38)]
    # the tagger's address runs over the postcode: cut there, it widens the rules' address by ", Leeds"
    assert widen(rules, [("address", 3, 25)], text) == [("address", 3, 21), ("postcode", 22, 29), ("name", 35, 38)]
    # a name the rules cut short is widened; a run of digits alone is no name
    assert widen(rules, [("name", 35, 42), ("name", 0, 2)], text)[-1] == ("name", 35, 42)
    assert widen([], [("address", 6, 8)], "in 2024 42 of us") == []


def _tiny_corpus() -> list[dict]:
    lines = []
    people = ["Amara", "Bilal", "Chioma", "Dmitri", "Esperanza", "Farida", "Goran", "Hana", "Ikenna", "Jelena"]
    for n, person in enumerate(people):
        lines.append({"text": f"yesterday {person} told me about the scam", "language": "en",
                      "spans": [{"text": person, "kind": "name"}], "split": "train-pii"})  # fmt: skip
        lines.append({"text": f"my school had {n + 2} talks about the scam", "language": "en", "spans": [],
                      "split": "train-pii"})  # fmt: skip
    return lines


def test_training_is_deterministic_and_never_reads_a_held_out_line():
    names = (frozenset({"amara", "bilal", "kofi"}), frozenset({"mensah"}))
    held_out = {"text": "yesterday Kofi told me", "language": "en", "spans": [{"text": "Kofi", "kind": "name"}]}
    first = tagger_training.train([*_tiny_corpus(), {**held_out, "split": "heldout-3"}],
                                  names=names)  # fmt: skip
    changed = {**held_out, "text": "Kofi Kofi Kofi", "split": "heldout-3"}
    second = tagger_training.train([*_tiny_corpus(), changed], names=names)
    assert first == second
    assert first["trained_on"]["lines"] == 20 and first["version"].startswith("tag-")


def test_a_trained_file_is_what_screening_reads(tmp_path, monkeypatch):
    document = tagger_training.train(
        _tiny_corpus(), names=(frozenset({"kwame"}), frozenset()), public=["Kwame Nkrumah"]
    )
    path = tmp_path / "tagger.json.gz"
    tagger_training.write(document, path)
    tagger = tagger_module.tagger_from_document(tagger_module.read(path))
    assert tagger.version == document["version"] and "kwame nkrumah" in tagger.lexicon.famous
    monkeypatch.setattr(tagger_module, "shipped", lambda: tagger)
    text = "yesterday Kwame told me about it"
    found = [text[s:e] for _, s, e in tagger_module.find_tagged(text)]
    assert found == ["Kwame"]


def test_the_shipped_tagger_was_trained_on_the_training_splits_only():
    document = tagger_module.read(tagger_module.MODEL_FILE)
    assert document["trained_on"]["splits"] == list(tagger_training.TRAINING_SPLITS)
    assert not any(split.startswith("heldout") for split in document["trained_on"]["splits"])
    training = [line for line in corpus() if line["split"] in tagger_training.TRAINING_SPLITS]
    assert document["trained_on"]["lines"] == len(training)
    # After a change to the training lines, `flask screen train-tagger` must be run and its file committed.
    assert document["trained_on"]["sha256"] == tagger_training.fingerprint(training)


def _read_with(text: str, chances: dict[str, float]):
    """What a tagger finds in ``text`` if each word's chance of naming someone were ``chances`` (0.01 elsewhere)."""
    words = tagger_module.tokens(text)
    rows = [[1 - chances.get(word.text, 0.01), chances.get(word.text, 0.01), 0.0, 0.0] for word in words]
    replay = tagger_training._Replay(rows, 0.9, 0.225, tagger_module.shipped().lexicon)
    return [text[start:end] for _, start, end in replay.find(text)]


@pytest.mark.parametrize(
    "text, sure, listed",
    [
        ("Awa et Théo ont créé un faux compte", ["Awa"], "Théo"),
        ("Даня, Глеб и Макс играли в роблокс", ["Даня", "Глеб"], "Макс"),
        ("Kofi, Ama and Yaw got the same message", ["Kofi"], "Yaw"),
        ("حكت ريم أو سارة عن الرسائل", ["ريم"], "سارة"),
    ],
)
def test_a_name_listed_beside_a_sure_name_is_a_name_too(text, sure, listed):
    """A word joined to a name by a comma, "and" or "or" is taken from a lower chance
    (``tagger.LIST`` of the threshold, along the whole list); the same chance with no sure name beside it, or a
    chance below that share, starts nothing."""
    unsure = [word.text for word in tagger_module.tokens(text) if word.text not in sure and word.text[0].isupper()]
    chances = {**{word: 0.95 for word in sure}, **{word: 0.35 for word in unsure}, listed: 0.35}
    assert listed in _read_with(text, chances)
    assert listed not in _read_with(text, {listed: 0.35})
    assert listed not in _read_with(text, {**chances, listed: 0.2})


def test_a_given_name_glued_to_and_after_a_name_is_a_name_however_unsure_the_tagger():
    """Arabic writes "and" on the word ("لريم ولمى", "to Reem and Lama"): what follows the "و" is a given name,
    so it is listed beside the sure name even below ``tagger.LIST``; a word that is no given name is not."""
    text = "حكيت لريم ولمى عن الحساب"
    assert _read_with(text, {"لريم": 0.95, "ولمى": 0.1}) == ["لريم", "ولمى"]
    assert _read_with("حكيت لريم وقلت لها", {"لريم": 0.95, "وقلت": 0.1}) == ["لريم"]


@pytest.mark.parametrize(
    ("plain", "written"),
    [
        # A vowel mark, a shadda or a tanwin sends the text through normalisation; the tagger must still read
        # its letters as written ("سلمى", not the folded "سلمي" the rules match on).
        ("أرسلت سلمى صورتي للجروب كله", "أرسلتْ سلمى صورتي للجروب كلّه"),
        ("بعت الصورة لسلمى بالغلط وهي نزلتها على الجروب", "بعتّ الصورة لسلمى بالغلط وهي نزلتها على الجروب"),
        ("أخبرت منى وهدى بأن الرسائل تأتي من رقم مجهول", "أخبرتُ منى وهدى بأن الرسائل تأتي من رقم مجهول فوراً"),
    ],
)
def test_a_name_is_found_whether_or_not_the_writer_added_vowel_marks(plain, written):
    names = [span.text for span in screen(plain, "ar").pii]
    assert names, plain
    assert [span.text for span in screen(written, "ar").pii] == names


def test_the_tagger_reads_letters_and_punctuation_as_written_and_the_rules_their_folded_form():
    view = normalise("أخبرتُ منى، ثم ليلى，والسلام")
    assert view.written == "أخبرت منى، ثم ليلى，والسلام"  # the damma gone, "ى" and "，" as written
    assert view.text == "اخبرت مني، ثم ليلي,والسلام"  # the rules' view: folded letters, NFKC's comma
    assert len(view.written) == len(view.text) == len(view.starts)


def test_each_words_chance_is_read_over_every_labelling_of_its_line():
    """Forward-backward, as the tagger reads a line, gives what summing over every labelling of it gives:
    a word's chance of being a name depends on whether its neighbours are (a surname after a given name)."""
    rng = random.Random(7)
    scores = [[rng.uniform(-3, 3) for _ in range(4)] for _ in range(5)]
    transitions = tuple(tuple(rng.uniform(-3, 3) for _ in range(4)) for _ in range(4))
    totals, whole = [[0.0] * 4 for _ in scores], 0.0
    for labels in itertools.product(range(4), repeat=len(scores)):
        weight = math.exp(sum(scores[i][label] for i, label in enumerate(labels))
                          + sum(transitions[a][b] for a, b in itertools.pairwise(labels)))  # fmt: skip
        whole += weight
        for i, label in enumerate(labels):
            totals[i][label] += weight
    read = tagger_module.marginals(scores, transitions)
    assert _flat(read) == pytest.approx([total / whole for row in totals for total in row], abs=1e-9)
    alone = tagger_module.marginals(scores, tuple((0.0,) * 4 for _ in range(4)))
    assert max(abs(a - b) for a, b in zip(read[2], alone[2], strict=True)) > 0.05  # the neighbours count


def test_the_tagger_reads_a_trained_random_field_as_crfsuite_does(tmp_path):
    """The weights written for the pure-Python tagger give the chances crfsuite itself gives."""
    lexicon = tagger_words.lexicon_for([], (frozenset({"amara", "bilal"}), frozenset({"mensah"})), [])
    trainer = pycrfsuite.Trainer(verbose=False)
    lines = _tiny_corpus()
    for line in lines:
        trainer.append(*tagger_training._sequence(line, lexicon))
    trainer.set_params({"c1": 0.0, "c2": 0.1, "max_iterations": 50, "feature.possible_transitions": True})
    path = str(tmp_path / "tiny.crfsuite")
    trainer.train(path)
    tagger = tagger_training.read_crfsuite(path, 0.5, 0.2, lexicon)
    reference = pycrfsuite.Tagger()
    reference.open(path)
    for line in [*lines, {"text": "yesterday Mensah told me about the scam", "spans": []}]:
        features, _ = tagger_training._sequence(line, lexicon)
        reference.set(features)
        read = tagger.probabilities(tokenise(line["text"]))
        expected = [[reference.marginal(kind, i) if kind in reference.labels() else 0.0
                     for kind in tagger_training.CLASSES] for i in range(len(features))]  # fmt: skip
        assert _flat(read) == pytest.approx(_flat(expected), abs=0.01)  # weights are written to 3 decimals


def _flat(rows: list[list[float]]) -> list[float]:
    return [value for row in rows for value in row]
