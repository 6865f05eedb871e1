"""Reach while the window is open: the secretariat sees who is missing in time to reach out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from consult import clock
from consult.models import Role, SubmissionStatus
from consult.secretariat.reach import _counts, reach
from consult.summaries.stats import recoverable


def _take_part(make_user, make_submission, question, country: str, age_band: str = "16-17", language: str = "en",
               status=SubmissionStatus.PENDING):  # fmt: skip
    author = make_user(country=country, age_band=age_band)
    return make_submission(question, author, "Schools should teach online safety.", status=status, language=language)


@pytest.fixture
def europe_heavy(make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    question = consultation.questions[0]
    for n in range(40):
        _take_part(make_user, make_submission, question, "FR", "18-24" if n % 2 else "16-17", "fr")
    _take_part(make_user, make_submission, question, "KE", "13-15", "en")
    return consultation


def _row(page: str, label: str) -> str:
    start = page.index(f">{label}<")
    return page[start : page.index("</tr>", start)]


def test_the_live_panel_shows_who_is_missing_while_the_window_is_open(client, login, make_user, europe_heavy):
    login(make_user(Role.SECRETARIAT))
    response = client.get(f"/secretariat/consultations/{europe_heavy.id}/reach")

    assert response.status_code == 200
    assert response.headers["Refresh"] == "120"  # refreshes itself while open
    page = response.text
    assert "Participants so far: 41" in page
    assert "Under-represented now" in _row(page, "Africa")
    assert "Under-represented now" in _row(page, "Americas")
    assert "Under-represented now" not in _row(page, "Europe")
    assert "&lt;10" in _row(page, "Africa")  # one participant is a small cell, as in the summary


def test_no_small_count_can_be_worked_out_from_the_others(europe_heavy):
    values, constraints = _counts(europe_heavy)
    figures = reach(europe_heavy)
    published = {("participants",): figures.participants, ("answers",): figures.answers}
    for dimension, rows in figures.tables.items():
        for row in rows:
            published[("participants", dimension, row.code)] = row.participants
            published[("answers", dimension, row.code)] = row.answers
    for hour, count in figures.hours:
        published[("hour", hour)] = count
    for channel, count in figures.by_channel.items():
        published[("answers", "channel", channel)] = count
    published[("workshops",)] = figures.workshop_groups
    published[("workshop_young_people",)] = figures.workshop_young_people
    assert set(published) == set(values)
    assert not recoverable(published, constraints)
    assert published[("participants", "region", "africa")] == "<10"


def test_nobody_is_under_represented_among_the_first_few(client, login, make_user, make_consultation,
                                                           make_submission):  # fmt: skip
    consultation = make_consultation(open=True)
    for _n in range(3):
        _take_part(make_user, make_submission, consultation.questions[0], "FR")
    login(make_user(Role.SECRETARIAT))
    page = client.get(f"/secretariat/consultations/{consultation.id}/reach").text
    assert "<strong>Under-represented now</strong>" not in page


def test_the_panel_compares_with_the_previous_consultation(client, login, make_user, make_consultation,
                                                           make_submission):  # fmt: skip
    earlier = make_consultation(open=False, opens_at=clock.utcnow() - timedelta(days=30))
    for _n in range(12):
        _take_part(make_user, make_submission, earlier.questions[0], "KE", status=SubmissionStatus.APPROVED)
    current = make_consultation(open=True)
    _take_part(make_user, make_submission, current.questions[0], "FR")
    login(make_user(Role.SECRETARIAT))

    page = client.get(f"/secretariat/consultations/{current.id}/reach").text

    assert "Share of participants last time" in page
    assert "100" in _row(page, "Africa")  # every participant of the previous one was in Africa


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MODERATOR])
def test_only_the_secretariat_sees_the_live_panel(client, login, make_user, europe_heavy, role):
    login(make_user(role))
    assert client.get(f"/secretariat/consultations/{europe_heavy.id}/reach").status_code == 403


def test_the_public_sees_the_suppressed_figures_only_after_closing(app, client, db, europe_heavy, frozen_clock):
    frozen_clock.set(europe_heavy.opens_at + timedelta(hours=2))
    assert client.get(f"/consultations/{europe_heavy.slug}/reach").status_code == 404  # still open

    frozen_clock.set(europe_heavy.closes_at)
    response = client.get(f"/consultations/{europe_heavy.slug}/reach")

    assert response.status_code == 200
    assert "Refresh" not in response.headers
    page = response.text
    assert "Participants so far: 41" in page and "&lt;10" in _row(page, "Africa")
    assert "Under-represented" not in page and "Outreach" not in page


def test_flask_consultations_stats(runner, db, make_user, make_submission, europe_heavy):
    approved = _take_part(make_user, make_submission, europe_heavy.questions[1], "BR", status=SubmissionStatus.APPROVED)
    assert approved.country == "BR"

    exact = json.loads(runner.invoke(args=["consultations", "stats", europe_heavy.slug, "--json"]).output)
    public = json.loads(runner.invoke(args=["consultations", "stats", europe_heavy.slug, "--json", "--public"]).output)

    assert exact["pending"] == 41 and exact["approved"] == 1 and exact["rejected"] == 0
    assert exact["participants"] == 42
    assert exact["by_channel"] == {"online": 42, "workshop": 0}
    assert exact["by_region"]["europe"] == 40 and exact["by_region"]["africa"] == 1
    assert exact["by_age_band"]["13-15"] == 1
    assert public["approved"] == "<10" and public["by_region"]["africa"] == "<10"
    assert public["pending"] != 41 or public["by_channel"]["online"] != 42  # the "<10" cannot be subtracted out
    assert runner.invoke(args=["consultations", "stats", "no-such-consultation", "--json"]).exit_code != 0
