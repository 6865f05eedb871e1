"""The secretariat's way from a generated version to a published one: every page leads on, drafts stay private,
publishing is confirmed after warnings, and a quote can carry a human English rendering."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
from summaries_fixtures import Seeded, secretariat_fixture, seeded_fixture  # noqa: F401

from consult import clock, outbox
from consult.jobs import tasks
from consult.models import ConsultationTranslation, QuestionTranslation, Role
from consult.summaries.editing import LABEL_REVIEWED, SummaryEdits, ThemeEdit, apply_edits, edit_summary
from consult.summaries.generation import generate_summary
from consult.summaries.models import Purpose
from consult.summaries.versions import new_version, version
from consult.summaries.work import RENDER_JOB

FORMATS = ("md", "pdf", "docx")
CONFIRMED = {"confirm": "yes"}


@pytest.fixture
def asked(monkeypatch):
    """The jobs asked for after each commit, instead of running them: a queue nobody serves yet."""
    calls: list[tuple[str, tuple]] = []
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: calls.append((name, args)))
    return calls


def _draft(db, seeded: Seeded, **edits):
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    if edits:
        summary = edit_summary(summary, seeded.secretariat, SummaryEdits(**edits))
    db.session.commit()
    return summary


def _themes(summary) -> list[dict]:
    return [theme for question in summary.content["questions"] for theme in question["themes"]]


def _hrefs(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


# --- no dead end ---------------------------------------------------------------------------


def test_after_generating_the_review_page_leads_to_edit_publish_versions_and_the_draft_documents(
    client, db, login, seeded: Seeded
):
    slug = seeded.consultation.slug
    login(seeded.secretariat)
    generated = client.get(client.post(f"/summaries/{slug}/generate", data={}).location)
    assert generated.status_code == 303

    review = client.get(generated.location)

    assert "Version 1 generated. Review it, edit it, then publish it." in review.text
    links = _hrefs(review.text)
    assert {f"/summaries/{slug}/v1/edit", f"/summaries/{slug}/v1/publish", f"/summaries/{slug}/"} <= links
    assert {f"/summaries/{slug}/v1/document.{name}" for name in FORMATS} <= links
    assert {f"/summaries/{slug}/v1/document.pdf?lang={code}" for code in ("ar", "zh", "en", "fr", "ru", "es")} <= links
    assert not any(link.startswith("/archive/") for link in links)  # a draft has no public address yet


def test_the_introduction_shows_once(client, db, login, seeded: Seeded):
    summary = _draft(db, seeded, intro="A singular introduction by the secretariat.")
    login(seeded.secretariat)
    page = client.get(f"/summaries/{seeded.consultation.slug}/v{summary.version}").text
    assert page.count("A singular introduction by the secretariat.") == 1


def test_each_page_after_an_action_links_onward(client, db, login, seeded: Seeded):
    slug = seeded.consultation.slug
    summary = _draft(db, seeded)
    login(seeded.secretariat)
    n = summary.version

    edit = client.get(f"/summaries/{slug}/v{n}/edit")
    assert {f"/summaries/{slug}/v{n}", f"/summaries/{slug}/"} <= _hrefs(edit.text)
    saved = client.post(f"/summaries/{slug}/v{n}/edit", data={"document_number": "CWG-COP-99/1"})
    assert saved.status_code == 303 and saved.location.endswith(f"/summaries/{slug}/v{n + 1}")
    confirm = client.get(f"/summaries/{slug}/v{n + 1}/publish")
    assert {f"/summaries/{slug}/v{n + 1}", f"/summaries/{slug}/"} <= _hrefs(confirm.text)
    published = client.post(f"/summaries/{slug}/v{n + 1}/publish", data=CONFIRMED)
    assert published.status_code == 303 and published.location.endswith(f"/summaries/{slug}/v{n + 1}")
    after = client.get(published.location)
    assert f"Version {n + 1} is published; its address will not change." in after.text
    links = _hrefs(after.text)
    assert {f"/archive/{slug}/v{n + 1}", f"/summaries/{slug}/v{n + 1}/edit", f"/summaries/{slug}/"} <= links
    assert f"/summaries/{slug}/v{n + 1}/publish" not in links
    manage = client.get(f"/summaries/{slug}/")
    assert {f"/summaries/{slug}/v{n}/publish", f"/archive/{slug}/v{n + 1}"} <= _hrefs(manage.text)


# --- drafts are the secretariat's only -------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "participant", "moderator", "secretariat", "admin"])
def test_every_draft_route_is_for_the_secretariat_only(client, db, login, make_user, seeded: Seeded, asked, who):
    summary = _draft(db, seeded)
    slug, n = seeded.consultation.slug, summary.version
    if who != "anonymous":
        login(seeded.secretariat if who == "secretariat" else make_user(Role(who)))
    staff = who in ("secretariat", "admin")
    routes = {
        f"/summaries/{slug}/v{n}": 200,
        f"/summaries/{slug}/v{n}/edit": 200,
        f"/summaries/{slug}/v{n}/publish": 200,
        **{f"/summaries/{slug}/v{n}/document.{name}": 202 for name in FORMATS},  # asked of the job worker
        **{f"/summaries/{slug}/v{n}/document.{name}?lang=ar": 202 for name in FORMATS},
    }
    for url, status in routes.items():
        response = client.get(url)
        if staff:
            assert response.status_code == status, url
        elif who == "anonymous":
            assert response.status_code == 302 and "/login" in response.location, url
        else:
            assert response.status_code == 403, url
    for name in FORMATS:  # never in the public archive, whoever asks
        assert client.get(f"/archive/{slug}/v{n}/document.{name}").status_code == 404
    assert client.get(f"/archive/{slug}/v{n}").status_code == 404
    posted = client.post(f"/summaries/{slug}/v{n}/publish", data=CONFIRMED)
    assert posted.status_code == (303 if staff else 302 if who == "anonymous" else 403)
    db.session.expire_all()
    assert version(seeded.consultation, n).is_published is staff
    assert {name for name, _args in asked} == ({RENDER_JOB} if staff else set())


def test_a_drafts_preview_is_rendered_by_a_job_and_never_served_as_the_published_document(
    client, db, login, seeded: Seeded, asked
):
    summary = _draft(db, seeded)
    slug, n = seeded.consultation.slug, summary.version
    login(seeded.secretariat)
    url = f"/summaries/{slug}/v{n}/document.md"

    waiting = client.get(url)

    assert waiting.status_code == 202 and "The document is being prepared" in waiting.text
    assert waiting.headers["Refresh"] == "5" and waiting.headers["Cache-Control"] == "no-store"
    assert f'href="/summaries/{slug}/v{n}"' in waiting.text  # back to the review page meanwhile
    assert [name for name, _args in asked] == [RENDER_JOB]
    tasks.render_documents.call_local(asked[0][1][0])
    draft = client.get(url)
    assert draft.status_code == 200
    assert draft.headers["Content-Disposition"] == f'attachment; filename="{slug}-summary-v{n}-draft.md"'

    assert client.post(f"/summaries/{slug}/v{n}/publish", data=CONFIRMED).status_code == 303
    public = client.get(f"/archive/{slug}/v{n}/document.md")
    assert public.status_code == 202  # drawn again for the published version: the draft's copy is not it
    assert 'href="/archive/' in public.text
    tasks.render_documents.call_local(asked[-1][1][0])
    assert client.get(f"/archive/{slug}/v{n}/document.md").status_code == 200


# --- publishing: confirmation, warnings, and the rule of the open consultation ----------------


def test_publishing_asks_for_confirmation_and_warns_about_what_is_missing(client, db, login, seeded: Seeded):
    summary = _draft(db, seeded)
    slug, n = seeded.consultation.slug, summary.version
    login(seeded.secretariat)

    confirm = client.get(f"/summaries/{slug}/v{n}/publish")

    page = confirm.text
    assert confirm.status_code == 200 and f"Publish version {n}?" in page
    assert "There is no document number: the document will say “to be assigned”." in page
    assert "The consultation belongs to no meeting" in page
    themes = _themes(summary)
    assert f"{len(themes)} theme labels have not been reviewed" in page and themes[0]["label"] in page
    assert "not translated into: العربية, 中文, français, русский, español" in page
    assert "have no English rendering" in page or "has no English rendering" in page
    assert 'method="post"' in page and 'name="confirm"' in page  # a form: works without JavaScript

    sent_elsewhere = client.post(f"/summaries/{slug}/v{n}/publish", data={})
    assert sent_elsewhere.status_code == 303 and sent_elsewhere.location.endswith(f"/summaries/{slug}/v{n}/publish")
    db.session.expire_all()
    assert not version(seeded.consultation, n).is_published  # not without the confirmation page

    assert client.post(f"/summaries/{slug}/v{n}/publish", data=CONFIRMED).status_code == 303
    db.session.expire_all()
    assert version(seeded.consultation, n).is_published


def test_with_everything_in_place_there_is_nothing_to_warn_about(client, db, login, make_meeting, seeded: Seeded):
    consultation = seeded.consultation
    consultation.meeting = make_meeting()
    for language in ("ar", "zh", "fr", "ru", "es"):
        db.session.add(ConsultationTranslation(consultation_id=consultation.id, language=language, title="T"))
        for question in consultation.questions:
            db.session.add(QuestionTranslation(question_id=question.id, language=language, prompt="P"))
    db.session.commit()
    summary = _draft(db, seeded)
    slug = consultation.slug
    login(seeded.secretariat)
    form = {"document_number": "CWG-COP-99/1"}
    for theme in _themes(summary):
        form[f"reviewed-{theme['key']}"] = "1"
        form[f"quote-{theme['key']}"] = [str(q) for q in theme["quotes"]]
        form.update({f"english-{theme['key']}-{q}": f"English of R{q}" for q in theme["quotes"]})
    saved = client.post(f"/summaries/{slug}/v{summary.version}/edit", data=form)
    assert saved.status_code == 303

    page = client.get(f"/summaries/{slug}/v{summary.version + 1}/publish").text

    assert "Nothing is missing." in page and "Before you publish" not in page


def test_publishing_with_csrf_on_works_from_the_confirmation_page_only(app, client, db, login, seeded: Seeded):
    summary = _draft(db, seeded)
    slug, n = seeded.consultation.slug, summary.version
    login(seeded.secretariat)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/summaries/{slug}/v{n}/publish").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    forged = client.post(f"/summaries/{slug}/v{n}/publish", data=CONFIRMED)
    db.session.expire_all()
    assert forged.status_code == 400 and not version(seeded.consultation, n).is_published

    sent = client.post(f"/summaries/{slug}/v{n}/publish", data={**CONFIRMED, "csrf_token": token})
    db.session.expire_all()
    assert sent.status_code == 303 and version(seeded.consultation, n).is_published


def test_the_input_document_waits_for_the_close_while_an_interim_update_may_be_published(
    client, db, login, seeded: Seeded
):
    consultation = seeded.consultation
    summary = _draft(db, seeded)
    consultation.closes_at = clock.utcnow() + timedelta(hours=2)  # open again, for two more hours
    db.session.commit()
    slug, n = consultation.slug, summary.version
    login(seeded.secretariat)

    page = client.get(f"/summaries/{slug}/v{n}/publish").text
    refused = client.post(f"/summaries/{slug}/v{n}/publish", data=CONFIRMED)

    refusal = "can be published only once the consultation has closed"
    assert refusal in page and 'name="confirm"' not in page  # no button to press
    assert refused.status_code == 409 and refusal in refused.text
    db.session.expire_all()
    assert not version(consultation, n).is_published

    interim = new_version(consultation, seeded.secretariat, "edited", summary.content, {}, purpose=Purpose.INTERIM)
    db.session.commit()
    assert "This version is an interim update" in client.get(f"/summaries/{slug}/v{interim.version}/publish").text
    assert client.post(f"/summaries/{slug}/v{interim.version}/publish", data=CONFIRMED).status_code == 303
    db.session.expire_all()
    assert version(consultation, interim.version).is_published


# --- reviewed labels -------------------------------------------------------------------------


def test_a_label_counts_as_reviewed_once_ticked_or_rewritten_and_merging_keeps_the_target(db, seeded: Seeded):
    summary = _draft(db, seeded)
    content = summary.content
    first, second = content["questions"][0]["themes"][:2]
    assert not first.get(LABEL_REVIEWED) and not second.get(LABEL_REVIEWED)

    kept = apply_edits(content, SummaryEdits(themes={first["key"]: ThemeEdit(label=first["label"])}))
    ticked = apply_edits(content, SummaryEdits(themes={first["key"]: ThemeEdit(label=first["label"], reviewed=True)}))
    rewritten = apply_edits(content, SummaryEdits(themes={first["key"]: ThemeEdit(label="Safer schools")}))
    untouched = copy.deepcopy(ticked)
    unticked = apply_edits(untouched, SummaryEdits(themes={first["key"]: ThemeEdit(reviewed=False)}))
    merged = apply_edits(ticked, SummaryEdits(themes={second["key"]: ThemeEdit(merge_into=first["key"])}))

    def theme(of: dict, key: str) -> dict:
        return next(t for q in of["questions"] for t in q["themes"] if t["key"] == key)

    assert not theme(kept, first["key"]).get(LABEL_REVIEWED)
    assert theme(ticked, first["key"])[LABEL_REVIEWED] is True
    assert theme(rewritten, first["key"])[LABEL_REVIEWED] is True
    assert theme(unticked, first["key"])[LABEL_REVIEWED] is False
    assert theme(merged, first["key"])[LABEL_REVIEWED] is True


def test_the_edit_page_records_which_labels_were_reviewed(client, db, login, seeded: Seeded):
    summary = _draft(db, seeded)
    slug = seeded.consultation.slug
    first, second = _themes(summary)[:2]
    login(seeded.secretariat)
    page = client.get(f"/summaries/{slug}/v{summary.version}/edit").text
    assert f'name="reviewed-{first["key"]}"' in page

    client.post(f"/summaries/{slug}/v{summary.version}/edit", data={f"reviewed-{first['key']}": "1"})

    edited = version(seeded.consultation, summary.version + 1)
    reviewed = {theme["key"]: bool(theme.get(LABEL_REVIEWED)) for theme in _themes(edited)}
    assert reviewed[first["key"]] and not reviewed[second["key"]]
    again = client.get(f"/summaries/{slug}/v{edited.version}/edit").text
    assert re.search(rf'name="reviewed-{first["key"]}" value="1" checked', again)
    assert not re.search(rf'name="reviewed-{second["key"]}" value="1" checked', again)


# --- a quote's English rendering -------------------------------------------------------------


def test_the_secretariat_adds_an_english_rendering_shown_beside_the_original(client, db, login, seeded: Seeded):
    summary = _draft(db, seeded)
    slug = seeded.consultation.slug
    login(seeded.secretariat)
    page = client.get(f"/summaries/{slug}/v{summary.version}/edit").text
    names = re.findall(r'<textarea id="(english-[^"]+)"', page)
    assert names  # a field for each quote not written in English
    theme_key, response_id = re.fullmatch(r"english-(.+)-(\d+)", names[0]).groups()
    theme = next(t for t in _themes(summary) if t["key"] == theme_key)

    saved = client.post(
        f"/summaries/{slug}/v{summary.version}/edit",
        data={names[0]: "  Schools should teach us <b>online</b> safety.  ", f"quote-{theme_key}": theme["quotes"]},
    )

    assert saved.status_code == 303
    edited = version(seeded.consultation, summary.version + 1)
    assert next(t for t in _themes(edited) if t["key"] == theme_key)["english"] == {
        response_id: "Schools should teach us online safety."  # cleaned as every text is
    }
    review = client.get(f"/summaries/{slug}/v{edited.version}").text
    blockquote = re.search(
        rf'<blockquote lang="([a-z]+)" dir="auto">[^<]*<span class="meta">\(R{response_id}\)', review
    )
    assert blockquote and blockquote.group(1) != "en"
    assert '<span lang="en" dir="ltr">Schools should teach us online safety.</span>' in review
    assert client.post(f"/summaries/{slug}/v{edited.version}/publish", data=CONFIRMED).status_code == 303
    assert "Schools should teach us online safety." in client.get(f"/archive/{slug}/v{edited.version}").text


def test_an_english_rendering_too_long_or_of_another_response_is_refused_and_kept_as_typed(
    client, db, login, seeded: Seeded
):
    summary = _draft(db, seeded)
    slug, n = seeded.consultation.slug, summary.version
    theme = _themes(summary)[0]
    login(seeded.secretariat)
    field = re.search(r'<textarea id="(english-[^"]+)"', client.get(f"/summaries/{slug}/v{n}/edit").text).group(1)
    too_long = "Safe " * 500

    long = client.post(f"/summaries/{slug}/v{n}/edit", data={field: too_long})
    stranger = client.post(
        f"/summaries/{slug}/v{n}/edit", data={f"english-{theme['key']}-{seeded.unpublished[0]}": "x"}
    )
    garbage = client.post(f"/summaries/{slug}/v{n}/edit", data={f"english-{theme['key']}-abc": "x"})

    assert long.status_code == 422 and "at most 2000 characters" in long.text
    assert too_long.strip() in long.text  # what was typed is given back
    assert stranger.status_code == 422 and "one of the theme" in stranger.text
    assert garbage.status_code == 422
    assert version(seeded.consultation, n + 1) is None
