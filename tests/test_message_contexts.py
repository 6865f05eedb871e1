"""One English word, several meanings: each screen shows the word its language needs.

"Closed" is a consultation (feminine in French) or a safeguarding case; "Approved" is one decision in
the audit trail or a column counting answers; "Other" is an action or a group of languages.
"""

from __future__ import annotations

import pytest
from summaries_fixtures import Seeded, secretariat_fixture, seeded_fixture  # noqa: F401

from consult.models import Role
from consult.moderation.models import RejectReason
from consult.moderation.safeguarding import SafeguardingAction, record_safeguarding_action, reject_escalated
from consult.moderation.services import approve_submission, escalate_submission
from consult.summaries.documents import render_document
from consult.summaries.generation import generate_summary
from consult.summaries.reading import summary_view
from consult.summaries.versions import publish_summary


@pytest.fixture
def staff(db, make_user, login):
    """``staff(role, language)``: a signed-in staff member who reads the site in that language."""

    def make(role: Role = Role.MODERATOR, language: str = "fr", *, safeguards: bool = False):
        user = make_user(role)
        user.locale = language
        user.can_safeguard = safeguards
        db.session.commit()
        login(user)
        return user

    return make


def test_a_closed_consultation_and_a_closed_safeguarding_case_read_differently(
    db, client, make_user, make_consultation, make_submission, staff
):
    closed = make_consultation(open=False)
    case = make_submission(make_consultation(open=True).questions[0], make_user(), "I need help.")
    team = staff(safeguards=True)
    escalate_submission(case, team, "Needs the team.")
    record_safeguarding_action(case, team, SafeguardingAction.HELPLINE, "Called the helpline.")
    reject_escalated(case, team, RejectReason.OTHER, "Kept private.")
    db.session.commit()

    badge = client.get(f"/consultations/{closed.slug}").text
    heading = client.get(f"/safeguarding/submissions/{case.id}").text
    home = client.get("/").text

    assert '<p class="status status-closed">Clôturée</p>' in badge
    assert '<h2 id="closed-heading">Dossier clos</h2>' in heading
    assert '<h2 id="closed-heading">Clôturées</h2>' in home


def test_the_audit_trail_names_a_decision_and_the_dashboard_counts_decisions(
    db, client, make_user, make_consultation, make_submission, staff
):
    consultation = make_consultation(open=True)
    answer = make_submission(consultation.questions[0], make_user(), "Teach us about privacy.")
    moderator = staff()
    approve_submission(answer, moderator)
    db.session.commit()

    trail = client.get(f"/moderation/consultations/{consultation.slug}/audit").text
    dashboard = client.get(f"/moderation/consultations/{consultation.slug}/dashboard").text

    assert "<td>Approuvée</td>" in trail  # one answer was approved
    assert '<th scope="col">Approuvées</th>' in dashboard  # how many answers each moderator approved
    assert '<th scope="col">Approuvée</th>' not in dashboard


def test_a_response_waits_while_the_secretariat_counts_those_waiting(
    db, client, make_user, make_consultation, make_submission, staff
):
    consultation = make_consultation(open=True)
    answer = make_submission(consultation.questions[0], make_user(), "Ask before sharing photos.")

    staff(Role.MODERATOR, "ru")
    status = client.get(f"/moderation/submissions/{answer.id}").text
    staff(Role.SECRETARIAT, "ru")
    dashboard = client.get("/secretariat/").text

    assert "Ожидает проверки" in status  # this one answer
    assert '<th scope="col">Ожидают проверки</th>' in dashboard  # the answers waiting, counted
    assert "<td>Открыта</td>" in dashboard  # the consultation (feminine) is open


def test_other_is_an_action_on_one_screen_and_languages_on_another(
    app, db, client, seeded: Seeded, secretariat, make_user, make_consultation, make_submission, staff
):
    summary = publish_summary(generate_summary(seeded.consultation, secretariat), secretariat)
    db.session.commit()
    with app.test_request_context():
        document = render_document(summary_view(summary, with_annex=True), "md", language="fr").decode()

    case = make_submission(make_consultation(open=True).questions[0], make_user(), "Please help me.")
    team = staff(safeguards=True)
    escalate_submission(case, team, "Needs the team.")
    db.session.commit()
    form = client.get(f"/safeguarding/submissions/{case.id}").text

    assert "| Autres langues |" in document
    assert '">Autre action</label>' in form  # the team's choice among the actions it records
