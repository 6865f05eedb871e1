"""The classifier layer of screening, with the real sentence encoder: it catches disclosures written without
the lexicons' words in every language, its flags join the lexicons', its score orders the queue, every answer
records which model screened it, and its weights are reproduced by `flask screen train`."""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections import Counter
from dataclasses import replace

import pytest
from conftest import DATA, PROJECT
from sqlalchemy import select

from consult import languages, sentence_encoder
from consult.models import Priority, Role, Submission
from consult.moderation.models import ModerationEvent, ResponseVector
from consult.moderation.screening import evaluation, models, screen, screen_batch
from consult.moderation.screening.classifier import MODEL_FILE, Head, pieces_of, shipped
from consult.moderation.screening.ngrams import ngram_features
from consult.moderation.screening.training import (
    POLIS_CONVERSATIONS,
    POLIS_PER_CONVERSATION,
    choose_policy_threshold,
    choose_recall_threshold,
    fingerprint,
    polis_rows,
    read_corpus,
)

# The walk-through of the safeguarding issue: the lexicons let this one through in English.
GROOMING = {
    "en": "A man I met in a game keeps asking me to meet him alone and says not to tell my parents",
    "fr": "Un homme rencontré dans un jeu veut absolument me voir seule et me dit de ne rien dire à mes parents",
    "es": "Un hombre que conocí en un juego insiste en verme a solas y me dice que no les cuente nada a mis padres",
    "ru": "Мужчина из игры всё время зовёт встретиться наедине и говорит ничего не рассказывать родителям",
    "zh": "游戏里认识的一个男人一直要我单独见他，还说不要告诉我爸妈",
    "ar": "رجل تعرفت عليه في لعبة يطلب مني أن ألقاه وحدي ويقول لا تخبري والديك",
}
POLICY = "Companies should stop grooming on games and protect kids better."


def _post(client, consultation, text):
    return client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                       data={"body": text, "language": "auto"})  # fmt: skip


def test_the_classifier_alone_flags_the_same_disclosure_in_all_six_languages():
    screenings = screen_batch(list(GROOMING.values()), list(GROOMING))
    threshold = shipped().heads["safeguarding"].threshold

    assert {lang: s.scores["safeguarding"] >= threshold for lang, s in zip(GROOMING, screenings, strict=True)} == {
        lang: True for lang in GROOMING
    }
    assert all(s.result.flags == ["safeguarding"] and s.model == models(shipped()) for s in screenings)
    assert screen(GROOMING["en"], "en").flags == []  # the lexicons alone would have let it through


def test_policy_talk_about_the_same_harm_is_not_flagged():
    [screening] = screen_batch([POLICY], ["en"])
    assert screening.result.flags == []
    assert screening.scores["safeguarding"] < shipped().heads["safeguarding"].threshold


def test_a_flag_is_raised_when_either_layer_raises_it():
    texts = ["I want to die", GROOMING["en"], "Apps should be private by default."]
    model = shipped()
    deaf = replace(model, heads={name: replace(head, threshold=1.01) for name, head in model.heads.items()})
    eager = replace(model, heads={name: Head(head.weights, head.bias, 0.0) for name, head in model.heads.items()})

    lexicons_only = [s.result.flags for s in screen_batch(texts, ["en"] * 3, deaf)]
    both = [s.result.flags for s in screen_batch(texts, ["en"] * 3, eager)]

    assert lexicons_only == [["safeguarding"], [], []]  # the lexicons' own flag survives a silent classifier
    assert both == [["abuse", "safeguarding"]] * 3
    [screening] = screen_batch([GROOMING["en"]], ["en"], eager)
    assert screening.result.categories["safeguarding"] == ["classifier"]


def test_the_worker_screens_with_both_layers_stores_the_vector_and_the_model_version(
    client, db, login, make_user, make_consultation
):
    consultation = make_consultation()
    login(make_user())
    assert _post(client, consultation, GROOMING["en"]).status_code == 303

    submission = db.session.scalar(select(Submission))
    assert submission.flag_safeguarding and submission.priority == Priority.SAFEGUARDING
    assert submission.screening_model == models(shipped())
    assert submission.screening_score >= 1000 * shipped().heads["safeguarding"].threshold
    assert db.session.scalar(select(ModerationEvent.note)) == "safeguarding"
    stored = db.session.get(ResponseVector, (submission.id, sentence_encoder.MODEL_NAME))
    assert stored.text_hash == sentence_encoder.text_hash(GROOMING["en"]) and stored.language == "en"
    assert len(stored.vector) == 2 * sentence_encoder.DIMENSIONS  # float16


def test_an_edit_is_screened_again_by_the_classifier(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user())
    _post(client, consultation, POLICY)
    submission = db.session.scalar(select(Submission))
    assert not submission.flag_safeguarding and submission.screening_model == models(shipped())
    calm = submission.screening_score

    client.post(f"/responses/{submission.id}/edit", data={"body": GROOMING["en"], "language": "auto"})

    db.session.refresh(submission)
    assert submission.flag_safeguarding and submission.screening_score > calm
    stored = db.session.get(ResponseVector, (submission.id, sentence_encoder.MODEL_NAME))
    assert stored.text_hash == sentence_encoder.text_hash(GROOMING["en"])  # the old text's vector is gone


def test_within_a_priority_the_likelier_concern_comes_first_page_after_page(
    app, client, db, login, make_user, make_consultation, make_submission
):
    app.config["PENDING_PER_PAGE"] = 2
    consultation = make_consultation(open=True)
    question = consultation.questions[0]
    scores = {"calm": 40, "worrying": 910, "odd": 400, "also odd": 400, "flagged": 120}
    made = {}
    for body, score in scores.items():
        made[body] = make_submission(question, make_user(), body)
        made[body].screening_score = score
    made["flagged"].flag_abuse, made["flagged"].priority = True, Priority.FLAGGED
    db.session.commit()
    login(make_user(Role.MODERATOR))

    seen, url = [], f"/moderation/consultations/{consultation.slug}"
    while url:
        page = client.get(url).text
        seen += [int(n) for n in re.findall(r'id="submission-(\d+)"', page)]
        link = re.search(r'<a href="([^"]+)">Next page</a>', page)
        url = link.group(1).replace("&amp;", "&") if link else None

    order = ["flagged", "worrying", "odd", "also odd", "calm"]
    assert seen == [made[body].id for body in order]


def _train(runner, corpus, output):
    sentence_encoder._remembered.clear()  # encode again, as a fresh process would
    result = runner.invoke(
        args=["screen", "train", "--corpus", str(corpus), "--output", str(output), "--without-polis"]
    )
    assert result.exit_code == 0, result.output
    return output.read_bytes()


def test_training_is_reproducible_and_reads_no_held_out_row(runner, tmp_path):
    lines = (PROJECT / "tests/data/screening_corpus.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    training = [r for r in rows if r["split"] == "dev"]
    # A small corpus: every safeguarding and abuse row of two languages, as many clean ones, and a held-out
    # row that would change the weights if it were read.
    small = [r for r in training if r["lang"] in ("en", "fr") and (r["safeguarding"] or r["abuse"])]
    small += [r for r in training if r["lang"] in ("en", "fr") and not r["safeguarding"] and not r["abuse"]][:20]
    small[0] = {**small[0], "category": "grooming"}  # rows with and without a category are both read
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in small), encoding="utf-8")
    first = _train(runner, corpus, tmp_path / "first.json")
    second = _train(runner, corpus, tmp_path / "second.json")
    with corpus.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"text": "I want to die", "lang": "en", "safeguarding": False, "abuse": True,
                               "split": "holdout-9"}) + "\n")  # fmt: skip
    with_held_out = _train(runner, corpus, tmp_path / "third.json")

    assert first == second == with_held_out
    document = json.loads(first)
    assert document["version"].startswith("lr-") and document["trained_on"]["rows"] == len(small)
    assert set(document["heads"]) == {"abuse", "safeguarding"}
    # Two thresholds: watch catches every training positive out of fold, the flag is never below it.
    assert all(0 < head["watch"] <= head["threshold"] for head in document["heads"].values())
    assert all(figures["recall_at_watch"] == 1.0 for figures in document["cross_validated"].values())
    assert all(len(head["weights"]) == sentence_encoder.DIMENSIONS for head in document["heads"].values())


def test_the_shipped_model_was_trained_on_the_corpus_as_it_stands():
    """After the corpus changes, run `flask screen train` and commit the new model file."""
    shipped_document = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    rows = [row for row in read_corpus(PROJECT / "tests/data/screening_corpus.jsonl") if not row.held_out]
    rows += polis_rows(DATA / "polis")
    assert shipped_document["trained_on"]["sha256"] == fingerprint(rows)
    assert shipped_document["trained_on"]["polis"] == sorted(POLIS_CONVERSATIONS)
    assert shipped_document["version"] == shipped().version


def test_real_polis_statements_are_read_as_negatives_from_the_training_conversations_only():
    rows = polis_rows(DATA / "polis")
    again = polis_rows(DATA / "polis")

    assert [row.text for row in rows] == [row.text for row in again]  # the same sample every time
    by_conversation = Counter(row.group.split(":")[1] for row in rows)
    assert set(by_conversation) == set(POLIS_CONVERSATIONS)
    assert max(by_conversation.values()) == POLIS_PER_CONVERSATION  # march-on has 2,162: it is sampled
    assert all(row.category == "opinion" and not any(row.labels.values()) and not row.held_out for row in rows)
    with (DATA / "polis" / "march-on.operation-marchin-orders.comments.csv").open(encoding="utf-8") as file:
        rejected = {item["comment-body"].strip() for item in csv.DictReader(file) if item["moderated"] == "-1"}
    assert rejected and not rejected & {row.text for row in rows}


def test_training_without_the_shared_polis_data_says_how_to_go_on(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("consult.moderation.cli.polis_directory", lambda: None)

    result = runner.invoke(args=["screen", "train", "--output", str(tmp_path / "model.json")])

    assert result.exit_code == 2 and "CONSULT_SHARED_DIR" in result.output and "--without-polis" in result.output
    assert not (tmp_path / "model.json").exists()


@pytest.mark.parametrize("lang", sorted(GROOMING))
def test_flask_screen_reports_each_layers_verdict(runner, tmp_path, lang):
    source = tmp_path / "answers.jsonl"
    source.write_text(json.dumps({"text": GROOMING[lang], "lang": lang}, ensure_ascii=False) + "\n", encoding="utf-8")

    result = runner.invoke(args=["screen", str(source)])

    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["flags"] == ["safeguarding"] and line["model"] == models(shipped())
    assert set(line["scores"]) == {"abuse", "safeguarding"}
    assert line["scores"]["safeguarding"] >= shipped().heads["safeguarding"].threshold
    assert line["scores"]["abuse"] < shipped().heads["abuse"].threshold


def test_flask_screen_evaluate_reports_each_layer_per_language_and_category(runner, tmp_path):
    rows = [
        {"text": text, "lang": lang, "safeguarding": True, "abuse": False, "split": "holdout-3", "category": "grooming"}
        for lang, text in GROOMING.items()
    ]
    rows += [{"text": POLICY, "lang": "en", "safeguarding": False, "abuse": False, "split": "holdout-3",
              "category": "policy"}]  # fmt: skip
    lines = (PROJECT / "tests/data/screening_corpus.jsonl").read_text(encoding="utf-8").splitlines()
    training = [json.loads(line) for line in lines if line.strip()]
    rows += [r for r in training if r["split"] == "dev" and r["lang"] == "en"]
    rows[-1] = {key: value for key, value in rows[-1].items() if key != "category"}  # a row without one
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    result = runner.invoke(args=["screen", "evaluate", "--corpus", str(corpus), "--json", "--without-polis"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    held_out = figures["held_out"]
    assert figures["model"] == shipped().version and held_out["splits"] == ["holdout-3"]
    safeguarding = held_out["heads"]["safeguarding"]
    assert safeguarding["lexicons"]["by_language"]["en"]["recall"] == 0.0  # the walk-through's miss
    assert {lang: cell["recall"] for lang, cell in safeguarding["union"]["by_language"].items()} == {
        lang: 1.0 for lang in GROOMING
    }
    assert held_out["by_category"]["grooming"]["union"] == 1.0
    assert {lang: cell["recall"] for lang, cell in safeguarding["watch"]["by_language"].items()} == {
        lang: 1.0 for lang in GROOMING
    }
    # Flagged by neither layer; at watch (every training disclosure caught) some policy talk is read first.
    assert held_out["policy_flagged"] | {"watch": None} == {"basis": "category policy", "rows": 1, "lexicons": 0.0,
                                                            "classifier": 0.0, "union": 0.0, "watch": None}  # fmt: skip
    assert figures["watch"]["safeguarding"] <= figures["thresholds"]["safeguarding"]
    cross_validated = figures["cross_validated"]
    assert cross_validated["splits"] == ["dev"] and cross_validated["rows"] == len(rows) - 7
    assert "uncategorised:safeguarding" in cross_validated["by_category"]  # rows without a category


def test_ngrams_are_the_same_buckets_in_every_process_and_weigh_one_in_all():
    features = ngram_features("He HITS me", bits=13)
    again = ngram_features("he hits me", bits=13)
    assert features == again and features  # case folded; CRC-32, not the salted hash()
    assert zlib.crc32(b" me") & 8191 in features
    assert abs(sum(value * value for value in features.values()) - 1) < 1e-9
    assert ngram_features("!!! 🙂", bits=13) == {}
    with pytest.raises(ValueError, match="pass texts"):
        shipped().scores([[0.0] * sentence_encoder.DIMENSIONS], ["en"])  # the n-grams cannot be guessed


def test_the_safeguarding_flag_lets_through_at_most_the_chosen_share_of_policy_talk():
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    policy = [True] * 10
    lexicons = [False] * 9 + [True]  # the lexicons flag one already: one more may be flagged for 0.2
    threshold = choose_policy_threshold(scores, policy, lexicons, share=0.2)
    assert sum(score >= threshold for score in scores[:9]) == 1 and 0.8 < threshold <= 0.800001
    assert choose_policy_threshold(scores, policy, [True] * 10, share=0.2) == 1.0  # nothing left to flag
    assert shipped().heads["safeguarding"].ngram_weights and not shipped().heads["abuse"].ngram_weights


def test_a_disclosure_inside_a_long_opinion_is_read_on_its_own():
    opinion = (
        "Companies should stop grooming on games and protect kids better. Moderators need training and "
        "reporting buttons must be easy to find. Parents also need to learn what their children play."
    )
    told = f"{opinion} {GROOMING['en']}."
    calm, worried = screen_batch([opinion, told], ["en", "en"])
    head = shipped().heads["safeguarding"]

    assert "safeguarding" not in calm.result.flags and calm.scores["safeguarding"] < head.threshold
    assert worried.result.flags == ["safeguarding"]
    assert head.talk_weights and len(head.talk_weights) == sentence_encoder.DIMENSIONS  # the talk discount
    assert worried.vector.tolist() == sentence_encoder.encode([told])[0].tolist()  # the whole text's is stored


def test_a_text_is_cut_into_at_most_six_pieces_at_sentence_ends_in_every_script():
    assert pieces_of("I want to die") == [] and pieces_of("Version 3.5 is out. ok") == ["Version 3.5 is out.", "ok"]
    assert pieces_of("平台应该做更多。他让我别告诉爸妈！好怕") == ["平台应该做更多。", "他让我别告诉爸妈！", "好怕"]
    assert pieces_of("هل هذا صحيح؟ لا أعرف") == ["هل هذا صحيح؟", "لا أعرف"]
    assert pieces_of("first line\nsecond line") == ["first line", "second line"]
    many = pieces_of(" ".join(f"Sentence number {n}." for n in range(13)))
    assert len(many) == 5 and many[0] == "Sentence number 0. Sentence number 1. Sentence number 2."


def test_the_safeguarding_flag_catches_the_chosen_share_of_every_languages_disclosures():
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.05, 0.4, 0.3]
    labels = [True] * 6 + [False] * 2
    langs = ["en"] * 5 + ["fr"] * 3
    lexicons = [False] * 8
    assert choose_recall_threshold(scores, labels, langs, lexicons, 1.0) == 0.05  # the French one decides
    assert choose_recall_threshold(scores, labels, langs, lexicons, 0.8) == 0.05  # one of one may not be missed
    assert choose_recall_threshold(scores, labels, langs, [False] * 5 + [True] + [False] * 2, 1.0) == 0.5


def test_evaluation_reads_each_row_as_the_worker_would(tmp_path, monkeypatch):
    """The worker centres an answer's vector on the language detected in it, the participant's own a hint
    only: Arabizi is read as Latin-script writing. Evaluation must read the corpus's rows the same way, or
    its figures describe another screening than the one that runs."""
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        {"text": "el teacher said the password lazem yb2a strong w fih numbers", "lang": "ar", "split": "holdout-3"},
        {"text": "لا أحد يشرح لنا أين نحفظ كلمة السر", "lang": "ar", "split": "holdout-3"},
    ]
    corpus.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    rows = read_corpus(corpus)
    worker = [languages.detect(line["text"], line["lang"]).language for line in lines]
    assert worker == ["en", "ar"]
    read_as = []
    classifier = shipped()
    real_read = type(classifier).read

    def read(self, texts, langs, vectors):
        read_as.append(list(langs))
        return real_read(self, texts, langs, vectors)

    monkeypatch.setattr(type(classifier), "read", read)
    monkeypatch.setattr(evaluation, "out_of_fold", lambda rows, vectors, head: [])
    evaluation.evaluate(rows, classifier, sentence_encoder.encode([row.text for row in rows]))
    assert read_as[0] == worker
