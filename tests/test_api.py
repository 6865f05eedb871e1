"""The read-only JSON API under /api/v1/: open data for everyone, approved texts only."""

from __future__ import annotations

from summaries_fixtures import SECRETS, Seeded, secretariat_fixture, seeded_fixture  # noqa: F401

from consult.models import ConsultationStatus
from consult.summaries.generation import generate_summary
from consult.summaries.versions import publish_summary


def test_consultations_lists_published_ones_only(client, make_consultation):
    public = make_consultation(open=True, title="Open one")
    make_consultation(open=True, title="Secret draft", status=ConsultationStatus.DRAFT)

    response = client.get("/api/v1/consultations")

    assert response.status_code == 200 and response.mimetype == "application/json"
    listed = response.json["consultations"]
    assert [c["slug"] for c in listed] == [public.slug]
    assert listed[0]["phase"] == "open" and listed[0]["summary_url"] is None
    assert listed[0]["responses_url"].endswith(f"/api/v1/consultations/{public.slug}/responses")


def test_one_consultation_with_its_questions(client, make_consultation):
    consultation = make_consultation(open=False, questions=2)
    data = client.get(f"/api/v1/consultations/{consultation.slug}").json
    assert [q["position"] for q in data["questions"]] == [1, 2]
    assert data["questions"][0]["prompt"] == "Question number 1?"
    assert data["summary_versions"] == []


def test_unknown_or_draft_consultations_are_json_404s(client, make_consultation):
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    for url in (
        "/api/v1/consultations/nope",
        f"/api/v1/consultations/{draft.slug}",
        f"/api/v1/consultations/{draft.slug}/responses",
        f"/api/v1/consultations/{draft.slug}/summary",
    ):
        response = client.get(url)  # fmt: skip
        assert response.status_code == 404 and response.json["error"]["status"] == 404, url


def test_responses_are_approved_ones_paginated_without_authors(client, seeded: Seeded):
    slug = seeded.consultation.slug
    first = client.get(f"/api/v1/consultations/{slug}/responses?per_page=10").json
    assert first["total"] == len(seeded.approved) and first["pages"] == 3 and first["page"] == 1
    assert first["previous"] is None and "page=2" in first["next"]
    ids = [r["id"] for r in first["responses"]]
    ids += [r["id"] for r in client.get(f"/api/v1/consultations/{slug}/responses?per_page=10&page=2").json["responses"]]
    last = client.get(f"/api/v1/consultations/{slug}/responses?per_page=10&page=3").json
    assert last["next"] is None
    ids += [r["id"] for r in last["responses"]]
    assert sorted(ids) == sorted(seeded.approved)
    item = first["responses"][0]
    assert set(item) == {"id", "question", "text", "language", "age_band", "region", "submitted_at", "published_at",
                         "endorsements", "channel"}  # fmt: skip
    assert first["licence"] == "CC BY 4.0"
    text = str(first) + str(last)
    assert not any(secret in text for secret in SECRETS.values())


def test_bad_pages_are_refused(client, seeded: Seeded):
    slug = seeded.consultation.slug
    assert client.get(f"/api/v1/consultations/{slug}/responses?page=0").status_code == 400
    assert client.get(f"/api/v1/consultations/{slug}/responses?page=²").status_code == 400
    assert client.get(f"/api/v1/consultations/{slug}/responses?per_page=-1").status_code == 400
    assert client.get(f"/api/v1/consultations/{slug}/responses?page=99").status_code == 404
    assert client.get(f"/api/v1/consultations/{slug}/responses?per_page=100000").json["per_page"] == 500


def test_the_summary_appears_once_published(client, db, seeded: Seeded):
    slug = seeded.consultation.slug
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    assert client.get(f"/api/v1/consultations/{slug}/summary").status_code == 404
    assert client.get(f"/api/v1/consultations/{slug}/summaries/1").status_code == 404

    publish_summary(summary, seeded.secretariat)
    db.session.commit()
    data = client.get(f"/api/v1/consultations/{slug}/summary").json
    assert data["version"] == 1 and data["status"] == "published"
    theme = data["questions"][0]["themes"][0]
    members = {r["id"] for r in theme["responses"]}
    assert theme["quotes"] and all(q["id"] in members and q["text"] for q in theme["quotes"])
    assert data["documents"]["docx"].endswith(f"/archive/{slug}/v1/document.docx")
    assert data["statistics"]["threshold"] == 10
    assert client.get(f"/api/v1/consultations/{slug}/summaries/1").json == data
    listed = client.get("/api/v1/consultations").json["consultations"][0]
    assert listed["summary_url"].endswith(f"/api/v1/consultations/{slug}/summary")


def test_the_api_needs_no_login_and_no_csrf(client, seeded: Seeded):
    response = client.get(f"/api/v1/consultations/{seeded.consultation.slug}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/consultations").status_code == 405


def test_the_api_has_a_front_door(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    index = response.get_json()
    assert index["licence"]["name"] and index["licence"]["url"].startswith("https://")
    assert index["endpoints"]["consultations"].endswith("/api/v1/consultations")
    assert client.get(index["endpoints"]["consultations"]).status_code == 200
    assert client.get("/api/v1").status_code in (200, 308)


def test_every_page_links_to_the_api_and_the_open_data(client):
    page = client.get("/privacy").text
    assert ('href="/api/v1/"' in page and 'href="/archive/"' in page) or 'href="/archive"' in page
