"""Summaries: suppression, themes, determinism, provenance, versions and the secretariat's pages."""

from __future__ import annotations

import random

import numpy as np
import pytest
from babel import Locale
from scipy.optimize import linprog
from sqlalchemy import func, select
from summaries_fixtures import PLATFORMS, SCHOOLS, Seeded, secretariat_fixture, seeded_fixture  # noqa: F401

from consult.models import Submission, SubmissionStatus
from consult.moderation.models import ResponseVector
from consult.summaries import vectors
from consult.summaries.editing import SummaryEdits, ThemeEdit, edit_summary
from consult.summaries.generation import generate_summary
from consult.summaries.models import Summary, SummaryFrozen
from consult.summaries.regions import REGIONS, region_by_country, region_of
from consult.summaries.stats import (
    AGE_BAND_CODES,
    SMALL,
    STATUSES,
    WITHHELD,
    ResponseFacts,
    count_cells,
    published_language_codes,
    shape_statistics,
    share,
    suppress,
)
from consult.summaries.versions import SummaryRefused, publish_summary

# --- suppression ---------------------------------------------------------------------------


def _outsider_bounds(stats: dict) -> dict[str, tuple[float, float]]:
    """What someone holding only the published statistics can work out about each withheld count.

    Written independently of consult.summaries.stats: the sums are read off the published shape.
    """
    values: dict[str, object] = {}
    sums: list[tuple[str, list[str]]] = []
    scopes = {"all": stats["consultation"], **{f"q{k}": v for k, v in stats["questions"].items()}}
    for scope, block in scopes.items():
        for name in ("received", *STATUSES, "participants"):
            values[f"{scope}.{name}"] = block[name]
        for table in ("by_region", "by_age_band", "by_language"):
            for category, value in block[table].items():
                values[f"{scope}.{table}.{category}"] = value
        sums.append((f"{scope}.received", [f"{scope}.{s}" for s in STATUSES]))
        sums.append((f"{scope}.participants", [f"{scope}.by_region.{r}" for r in block["by_region"]]))
        sums.append((f"{scope}.participants", [f"{scope}.by_age_band.{b}" for b in block["by_age_band"]]))
        sums.append((f"{scope}.published", [f"{scope}.by_language.{lang}" for lang in block["by_language"]]))
    questions = [s for s in scopes if s != "all"]
    for name in ("received", *STATUSES, *(f"by_language.{lang}" for lang in published_language_codes())):
        sums.append((f"all.{name}", [f"{q}.{name}" for q in questions]))
    cross = stats["consultation"]["by_region_and_age_band"]
    for region, row in cross.items():
        for band, value in row.items():
            values[f"cross.{region}.{band}"] = value
        sums.append((f"all.by_region.{region}", [f"cross.{region}.{b}" for b in row]))
    for band in AGE_BAND_CODES:
        sums.append((f"all.by_age_band.{band}", [f"cross.{r}.{band}" for r in cross]))

    unknown = sorted(k for k, v in values.items() if isinstance(v, str))
    index = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for total, parts in sums:
        row, constant = np.zeros(len(unknown)), 0.0
        for key, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if key in index:
                row[index[key]] += sign
            else:
                constant -= sign * values[key]
        if row.any():
            rows.append(row)
            rhs.append(constant)
    bounds = [(0, 9) if values[k] == SMALL else (0, None) for k in unknown]
    result = {}
    for key, i in index.items():
        c = np.zeros(len(unknown))
        c[i] = 1
        low = linprog(c, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=np.array(rows) if rows else None, b_eq=rhs or None, bounds=bounds, method="highs")
        result[key] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return result


def _random_facts(seed: int, n: int, question_ids: list[int]) -> list[ResponseFacts]:
    rng = random.Random(seed)
    people = [(f"u{i}", rng.choice((*REGIONS[:3], "cis")), rng.choice(AGE_BAND_CODES[1:4])) for i in range(n // 2)]
    facts = []
    for i in range(n):
        person = rng.choice(people)
        status = rng.choices(STATUSES, weights=[8, 2, 1])[0]
        language = rng.choices(["en", "fr", "ar", "zh"], weights=[10, 3, 1, 1])[0]
        facts.append(ResponseFacts(i + 1, rng.choice(question_ids), person[0], status, language, person[2], person[1]))
    return facts


@pytest.mark.parametrize("seed", range(12))
def test_no_small_count_can_be_recovered_from_the_published_statistics(seed):
    question_ids = [1, 2, 3]
    values, constraints = count_cells(question_ids, _random_facts(seed, 60 + 15 * seed, question_ids))
    stats = shape_statistics(question_ids, suppress(values, constraints))

    published = {key: value for key, value in suppress(values, constraints).items()}
    for key, true in values.items():
        shown = published[key]
        if 0 < true < 10:
            assert shown == SMALL, (key, true, shown)  # every small count is "<10"
        elif shown == SMALL:
            pytest.fail(f"{key}: {true} shown as <10")
        elif shown != WITHHELD:
            assert shown == true
    bounds = _outsider_bounds(stats)
    assert any(v == SMALL for v in published.values()), "the data should have small cells to protect"
    for key, (low, high) in bounds.items():
        assert high - low >= 1 - 1e-9, f"{key} can be worked out: between {low} and {high}"


def test_a_lone_small_cell_is_protected_by_withholding_a_second_one():
    values, constraints = count_cells([1], [])
    # 40 participants in Africa aged 16-17, 3 in CIS aged 16-17.
    facts = [ResponseFacts(i, 1, f"u{i}", "published", "en", "16-17", "africa") for i in range(40)]
    facts += [ResponseFacts(100 + i, 1, f"v{i}", "published", "en", "16-17", "cis") for i in range(3)]
    values, constraints = count_cells([1], facts)
    published = suppress(values, constraints)

    assert published[("region", None, "cis")] == SMALL
    assert published[("region", None, "africa")] == WITHHELD  # else 43 - 40 gives the 3 away
    assert published[("participants", None)] == 43
    assert share(published[("region", None, "africa")], published[("participants", None)]) is None


def test_a_handful_of_participants_shows_nothing_but_small_counts():
    facts = [ResponseFacts(i, 1, f"u{i}", "published", "fr", "13-15", "europe") for i in range(4)]
    values, constraints = count_cells([1], facts)
    published = suppress(values, constraints)
    assert published[("participants", None)] == SMALL
    assert published[("received", 1)] == SMALL
    assert all(value in (0, SMALL, WITHHELD) for value in published.values())


def test_every_country_has_one_of_the_six_itu_regions_kept_as_data():
    countries = [code for code in Locale("en").territories if len(code) == 2 and code.isalpha()]
    mapping = region_by_country()
    assert {region_of(c) for c in ("KE", "NG", "ZA")} == {"africa"}
    assert {region_of(c) for c in ("EG", "SA", "MA", "AE")} == {"arab_states"}
    assert {region_of(c) for c in ("BR", "US", "MX")} == {"americas"}
    assert {region_of(c) for c in ("CN", "IN", "AU")} == {"asia_pacific"}
    assert {region_of(c) for c in ("RU", "KZ", "UZ")} == {"cis"}
    assert {region_of(c) for c in ("FR", "DE", "UA")} == {"europe"}
    assert region_of(None) == region_of("ZZ") == region_of("AQ") == "unknown"
    assert set(mapping.values()) == set(REGIONS) - {"unknown"}
    unmapped = {c for c in countries if c not in mapping}
    assert unmapped <= {"AQ", "BV", "GS", "HM", "TF", "AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA",
                        "UN", "XA", "XB", "XK", "ZZ"}  # fmt: skip


def test_generated_statistics_are_published_suppressed(db, seeded: Seeded):
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    overall = summary.content["statistics"]["consultation"]
    assert overall["received"] in (32, WITHHELD)
    assert overall["published"] in (25, WITHHELD)
    assert overall["rejected"] == overall["other"] == SMALL  # 2 rejected; 2 waiting, 2 escalated, 1 taken down
    assert overall["by_region"]["africa"] in (SMALL, WITHHELD)
    assert overall["threshold"] == 10


# --- themes --------------------------------------------------------------------------------


def _themes(summary: Summary, position: int = 1) -> list[dict]:
    return next(q for q in summary.content["questions"] if q["position"] == position)["themes"]


def test_the_same_idea_in_six_languages_lands_in_the_same_theme(db, seeded: Seeded):
    q1 = seeded.consultation.questions[0]
    summary = generate_summary(seeded.consultation, seeded.secretariat, {q1.id: 2})
    texts = dict(db.session.execute(select(Submission.id, Submission.published_text)).all())
    theme_of = {texts[r["id"]]: n for n, theme in enumerate(_themes(summary)) for r in theme["responses"]}

    assert len({theme_of[text] for text in SCHOOLS.values()}) == 1
    assert len({theme_of[text] for text in PLATFORMS.values()}) == 1
    assert theme_of[SCHOOLS["ar"]] != theme_of[PLATFORMS["ar"]]


def test_the_same_input_gives_the_same_summary_and_vectors_are_computed_once(db, seeded: Seeded, monkeypatch):
    first = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    stored = db.session.scalar(select(func.count()).select_from(ResponseVector))
    assert stored == len(seeded.approved)  # only approved responses get a vector

    def no_encoding(*args, **kwargs):
        raise AssertionError("a stored vector was computed again")

    monkeypatch.setattr(vectors, "encoder", no_encoding)
    second = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()

    assert second.version == first.version + 1
    assert second.content == first.content
    assert second.parameters == first.parameters
    assert first.parameters["model"] == vectors.MODEL_NAME
    assert first.parameters["responses_used"] == len(seeded.approved)


def test_a_new_redaction_gets_a_new_vector(db, seeded: Seeded):
    generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    submission = db.session.get(Submission, seeded.approved[0])
    submission.published_text = "Something else entirely about video games."
    db.session.commit()
    old = db.session.get(ResponseVector, (submission.id, vectors.MODEL_NAME)).text_hash

    generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ResponseVector, (submission.id, vectors.MODEL_NAME)).text_hash != old


def test_every_quote_is_an_approved_member_of_its_theme_and_themes_cover_exactly_the_approved(db, seeded: Seeded):
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    statuses = dict(db.session.execute(select(Submission.id, Submission.status)).all())
    for question in seeded.consultation.questions:
        themes = _themes(summary, question.position)
        members = [r["id"] for theme in themes for r in theme["responses"]]
        approved_here = db.session.scalars(
            select(Submission.id).where(
                Submission.question_id == question.id,
                Submission.status == SubmissionStatus.APPROVED,
                Submission.hidden_at.is_(None),
            )
        ).all()
        assert sorted(members) == sorted(approved_here)  # each approved response in exactly one theme
        for theme in themes:
            ids = {r["id"] for r in theme["responses"]}
            assert 1 <= len(theme["quotes"]) <= 5
            assert len(theme["quotes"]) == len(set(theme["quotes"]))
            assert set(theme["quotes"]) <= ids
            assert theme["keywords"] and theme["label"]
            assert theme["size"] == len(ids)
            assert all(statuses[q] is SubmissionStatus.APPROVED for q in theme["quotes"])
    assert not set(seeded.unpublished) & {
        r["id"] for q in summary.content["questions"] for t in q["themes"] for r in t["responses"]
    }


def test_chinese_keywords_come_out_as_words(db, seeded: Seeded):
    from consult.summaries.keywords import Tokeniser

    terms = [term for term, _form in Tokeniser().terms("我觉得计程车司机的服务很好，我們應該保護兒童", "zh")]
    assert {"计程车", "司机", "服务"} <= set(terms)  # whole words, from the segmenter's dictionary
    assert not {"的", "很", "我觉得", "我們", "應該"} & set(terms)  # function words and single characters


# --- versions ------------------------------------------------------------------------------


def test_editing_makes_a_new_version_and_a_published_version_is_frozen(db, seeded: Seeded):
    generated = generate_summary(seeded.consultation, seeded.secretariat, {seeded.consultation.questions[0].id: 3})
    db.session.commit()
    themes = _themes(generated)
    first, second = themes[0], themes[1]
    keep = first["quotes"][:1]

    edits = SummaryEdits(
        intro="What young people told us.",
        key_messages=["Teach online safety at school.", "", "Make platforms act faster."],
        document_number="CWG-COP-24/7",
        themes={first["key"]: ThemeEdit(label="Learning to be safe", quotes=keep),
                second["key"]: ThemeEdit(merge_into=first["key"])},
    )  # fmt: skip
    edited = edit_summary(generated, seeded.secretariat, edits)
    db.session.commit()

    assert edited.version == generated.version + 1 and edited.based_on_id == generated.id
    assert edited.kind == "edited" and edited.created_by_name == "Sam Secretariat"
    assert edited.parameters["edited_from"] == generated.version
    assert edited.content["intro"] == "What young people told us."
    assert edited.content["key_messages"] == ["Teach online safety at school.", "Make platforms act faster."]
    merged = next(t for t in _themes(edited) if t["key"] == first["key"])
    assert merged["label"] == "Learning to be safe"
    assert merged["size"] == first["size"] + second["size"]
    assert second["key"] not in {t["key"] for t in _themes(edited)}
    assert merged["quotes"][0] == keep[0]
    db.session.refresh(generated)
    assert _themes(generated)[0]["label"] == first["label"]  # the base version is unchanged

    publish_summary(edited, seeded.secretariat)
    db.session.commit()
    assert edited.published_by_name == "Sam Secretariat" and edited.published_at is not None
    edited.content = {**edited.content, "intro": "changed"}
    with pytest.raises(SummaryFrozen):
        db.session.commit()
    db.session.rollback()

    again = edit_summary(edited, seeded.secretariat, SummaryEdits(intro="Second thoughts."))
    db.session.commit()
    assert again.version == edited.version + 1 and not again.is_published
    with pytest.raises(SummaryRefused):
        publish_summary(edited, seeded.secretariat)


def test_a_quote_must_belong_to_its_theme(db, seeded: Seeded):
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    themes = _themes(summary)
    stranger = themes[1]["responses"][0]["id"]
    with pytest.raises(SummaryRefused):
        edit_summary(summary, seeded.secretariat, SummaryEdits(themes={themes[0]["key"]: ThemeEdit(quotes=[stranger])}))
    with pytest.raises(SummaryRefused):
        unpublished = ThemeEdit(quotes=seeded.unpublished[:1])
        edit_summary(summary, seeded.secretariat, SummaryEdits(themes={themes[0]["key"]: unpublished}))


# --- the secretariat's pages ---------------------------------------------------------------


def test_the_secretariat_generates_edits_and_publishes_from_the_web(client, db, login, seeded: Seeded):
    slug = seeded.consultation.slug
    login(seeded.secretariat)

    page = client.get(f"/summaries/{slug}/")
    assert page.status_code == 200 and "Generate" in page.text
    response = client.post(f"/summaries/{slug}/generate", data={"themes": "2"})
    assert response.status_code == 303 and response.location.endswith(f"/summaries/{slug}/generating/1")
    done = client.get(response.location)  # the job ran at once (immediate mode): the page leads to the version
    assert done.status_code == 303 and done.location.endswith(f"/summaries/{slug}/v1")
    review = client.get(f"/summaries/{slug}/v1")
    assert "Draft version 1" in review.text

    summary = db.session.scalar(select(Summary))
    key = _themes(summary)[0]["key"]
    form = client.get(f"/summaries/{slug}/v1/edit")
    assert form.status_code == 200 and f'name="label-{key}"' in form.text
    saved = client.post(
        f"/summaries/{slug}/v1/edit",
        data={"intro": "Hello", "key_messages": "One\nTwo", "document_number": "CWG-COP-1/1",
              f"label-{key}": "Renamed theme", f"quote-{key}": [str(_themes(summary)[0]["quotes"][0])]},
    )  # fmt: skip
    assert saved.status_code == 303 and saved.location.endswith(f"/summaries/{slug}/v2")
    bad = client.post(f"/summaries/{slug}/v2/edit", data={f"add-{key}": "R999999"})
    assert bad.status_code == 422 and "one of the theme" in bad.text

    assert client.get(f"/archive/{slug}/v2").status_code == 404  # a draft is not public
    published = client.post(f"/summaries/{slug}/v2/publish", data={"confirm": "yes"})
    assert published.status_code == 303
    public = client.get(f"/archive/{slug}/v2")
    assert public.status_code == 200 and "Renamed theme" in public.text
    again = client.post(f"/summaries/{slug}/v2/publish", data={"confirm": "yes"})
    assert again.status_code == 409 and "already published" in again.text  # refused politely


def test_only_the_secretariat_manages_summaries(client, login, make_user, seeded: Seeded):
    slug = seeded.consultation.slug
    assert client.get(f"/summaries/{slug}/").status_code == 302  # to the login page
    login(make_user())
    assert client.get(f"/summaries/{slug}/").status_code == 403
    assert client.post(f"/summaries/{slug}/generate").status_code == 403
