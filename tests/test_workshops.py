"""Classrooms without devices: a facilitator hands in a group's answers, screened and moderated as any."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from test_answer_path import statements_of

from consult.domain import Invalid
from consult.models import Priority, Role, Submission, SubmissionStatus, User
from consult.moderation.events import text_hash
from consult.retention import PURGED_TEXT, purge
from consult.summaries.context import statistics_tables
from consult.summaries.generation import generate_summary
from consult.summaries.opendata import render_csv
from consult.summaries.reading import summary_view
from consult.summaries.stats import consultation_statistics
from consult.text import clean_plain_text
from consult.workshops.models import Workshop
from consult.workshops.services import Group, WorkshopAnswer, record_workshop

DISCLOSURE = "My stepdad hits me when he drinks and I am scared to go home tonight."
HEADER = "question,body,language,age_band,country,group_size\n"


@pytest.fixture
def facilitator(make_user):
    return make_user(Role.FACILITATOR, pseudonym="Ms Facilitator")


def _form(**overrides) -> dict:
    data = {"group_size": "24", "age_bands": ["13-15"], "country": "KE", "language": "en", "consented": "y",
            "no_names": "y", "answers-0": "More lessons about staying safe online.\n\nFilters that work.",
            "answers-1": "", "answers-2": "Teachers who listen."}  # fmt: skip
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _workshop_answers(db) -> list[Submission]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Submission).where(Submission.workshop_id.is_not(None)).order_by(Submission.id))
    )


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- who may hand in a workshop ------------------------------------------------------------------------


def test_a_facilitator_hands_in_a_groups_answers_owned_by_no_one(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    login(facilitator)

    response = client.post(f"/workshops/{consultation.slug}/answers", data=_form())

    assert response.status_code == 303
    answers = _workshop_answers(db)
    assert [a.body for a in answers] == ["More lessons about staying safe online.", "Filters that work.",
                                         "Teachers who listen."]  # fmt: skip
    assert {(a.author_id, a.status, a.country, a.age_band) for a in answers} == {
        (None, SubmissionStatus.PENDING, "KE", "13-15")}  # fmt: skip
    assert all(a.screened_at is not None for a in answers)  # the same screening job as online answers
    workshop = db.session.scalar(select(Workshop))
    assert (workshop.facilitator_id, workshop.group_size, workshop.age_band_codes, workshop.via) == (
        facilitator.id, 24, ["13-15"], "form")  # fmt: skip
    assert workshop.attested_at is not None
    page = client.get("/workshops").text
    assert "Thank you: 3 answers were handed in." in page
    assert "Filters that work." not in page and "Kenya" in page  # the list says how many and where, not what
    # Nobody in the group got an account, and the facilitator answered nothing of their own.
    assert _count(db, User) == 1


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MODERATOR, Role.SECRETARIAT])
def test_only_facilitators_hand_in_workshops(client, db, login, make_user, make_consultation, role):
    consultation = make_consultation(open=True)
    login(make_user(role))

    assert client.get("/workshops").status_code == 403
    assert client.post(f"/workshops/{consultation.slug}/answers", data=_form()).status_code == 403
    upload = {"file": (io.BytesIO((HEADER + "1,Safer apps,en,13-15,KE,20\n").encode()), "w.csv"),
              "consented": "y", "no_names": "y"}  # fmt: skip
    assert client.post(f"/workshops/{consultation.slug}/upload", data=upload).status_code == 403
    assert _count(db, Submission) == 0


def test_anonymous_visitors_are_asked_to_log_in(client, db, make_consultation):
    consultation = make_consultation(open=True)
    response = client.post(f"/workshops/{consultation.slug}/answers", data=_form())
    assert response.status_code == 302 and "/login" in response.location
    assert _count(db, Submission) == 0


def test_a_facilitator_cannot_moderate(client, db, login, facilitator, make_consultation, make_submission, make_user):
    consultation = make_consultation(open=True)
    waiting = make_submission(consultation.questions[0], make_user(), "Teach us about privacy.")
    login(facilitator)

    assert client.get("/moderation/").status_code == 403
    assert client.get(f"/moderation/submissions/{waiting.id}").status_code == 403
    decided = client.post(f"/moderation/submissions/{waiting.id}/approve",
                          data={"seen": text_hash(waiting.body), "version": "as_written"})  # fmt: skip
    assert decided.status_code == 403
    db.session.expire_all()
    assert db.session.get(Submission, waiting.id).status is SubmissionStatus.PENDING


def test_a_revoked_facilitator_hands_in_nothing_more(app, client, db, login, make_user, facilitator, make_consultation,
                                                     caplog):  # fmt: skip
    consultation = make_consultation(open=True)
    secretariat = make_user(Role.SECRETARIAT)
    login(secretariat)
    caplog.set_level(logging.INFO, logger="consult.security")
    assert client.post(f"/secretariat/facilitators/{facilitator.id}/revoke").status_code == 303
    assert "Revoked" in client.get("/secretariat/facilitators").text
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "consult.security"]
    assert {"event": "facilitator_revoked", "subject_id": facilitator.id, "via": "web"}.items() <= events[-1].items()

    other = app.test_client()
    other.post("/login", data={"username": facilitator.pseudonym, "password": facilitator.password})
    assert other.post(f"/workshops/{consultation.slug}/answers", data=_form()).status_code in (302, 303)
    assert _count(db, Submission) == 0


def test_the_secretariat_grants_the_role_with_a_new_account(app, client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(Role.SECRETARIAT))

    weak = client.post("/secretariat/facilitators", data={"name": "Mr Teacher", "password": "password"})
    assert weak.status_code == 422 and 'role="alert"' in weak.text
    granted = client.post("/secretariat/facilitators", data={"name": "Mr Teacher", "password": "chalk and board 9"})
    assert granted.status_code == 303
    assert "Mr Teacher" in client.get("/secretariat/facilitators").text

    teacher = app.test_client()
    teacher.post("/login", data={"username": "Mr Teacher", "password": "chalk and board 9"})
    assert teacher.post(f"/workshops/{consultation.slug}/answers", data=_form()).status_code == 303


def test_the_secretariat_cannot_turn_another_account_into_a_facilitator(client, db, login, make_user):
    login(make_user(Role.SECRETARIAT))
    moderator = make_user(Role.MODERATOR, pseudonym="Mod One")

    response = client.post("/secretariat/facilitators", data={"name": "Mod One", "password": ""})

    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, moderator.id).role is Role.MODERATOR


def test_the_cli_revokes_and_grants_again(app, db, runner, facilitator):
    assert runner.invoke(args=["users", "facilitator", facilitator.pseudonym, "--revoke"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, facilitator.id).active is False
    result = runner.invoke(args=["users", "facilitator", facilitator.pseudonym])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, facilitator.id).active is True


# --- the form ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consented": None}, "Confirm that the young people agreed to take part."),
        ({"no_names": None}, "Confirm that no names are included."),
        ({"age_bands": None}, "Choose at least one age band."),
        ({"age_bands": ["25+"]}, "not a valid choice"),  # workshops are for the young people the site is for
        ({"group_size": "0"}, "Number must be between 1 and 200."),
        ({"country": ""}, "This field is required."),
        ({"answers-0": "", "answers-2": ""}, "Write at least one answer."),
        ({"answers-2": "x" * 1001}, "One answer is 1001 characters long; the limit is 1000."),
    ],
)
def test_the_form_refuses_clearly_and_keeps_what_was_typed(client, db, login, facilitator, make_consultation,
                                                            overrides, message):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)

    response = client.post(f"/workshops/{consultation.slug}/answers", data=_form(**overrides))

    assert response.status_code == 422
    assert message in response.text
    if overrides.get("answers-0") is None:
        assert "More lessons about staying safe online." in response.text
    assert _count(db, Submission) == 0 and _count(db, Workshop) == 0


FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one character, seven code points


def test_answers_are_measured_in_characters_as_online_answers_are(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True, questions=1, max_length=100)
    login(facilitator)

    typed = client.post(f"/workshops/{consultation.slug}/answers", data=_form(**{"answers-0": FAMILY * 100,
                        "answers-1": None, "answers-2": None}))  # fmt: skip
    uploaded = _upload(client, consultation, f"{HEADER}1,{FAMILY * 100},en,16-17,KE,20\n")
    too_long = _upload(client, consultation, f"{HEADER}1,{FAMILY * 101},en,16-17,KE,20\n")

    assert (typed.status_code, uploaded.status_code) == (303, 303)
    assert [a.body for a in _workshop_answers(db)] == [FAMILY * 100] * 2
    assert too_long.status_code == 422 and "The answer is longer than 100 characters." in too_long.text


def test_a_closed_consultation_takes_no_workshop(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=False)
    login(facilitator)
    assert client.get(f"/workshops/{consultation.slug}/answers").status_code == 404
    assert client.post(f"/workshops/{consultation.slug}/answers", data=_form()).status_code == 404
    assert _count(db, Submission) == 0


def test_the_form_is_in_the_readers_language(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(Role.FACILITATOR, locale="fr"))
    page = client.get(f"/workshops/{consultation.slug}/answers").text
    assert "Kenya" in page and "Pays de l’atelier" in page


# --- screening, moderation and the public label --------------------------------------------------------


def test_a_disclosure_in_a_workshop_answer_is_flagged_like_any_other(client, db, login, facilitator,
                                                                     make_consultation):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)

    client.post(f"/workshops/{consultation.slug}/answers", data=_form(**{"answers-0": DISCLOSURE, "answers-2": ""}))

    (answer,) = _workshop_answers(db)
    assert answer.flag_safeguarding and answer.priority == Priority.SAFEGUARDING
    assert answer.status is SubmissionStatus.PENDING and answer.published_text is None


def test_published_workshop_answers_say_where_the_workshop_was(app, client, db, login, facilitator, make_user,
                                                               make_consultation):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)
    client.post(f"/workshops/{consultation.slug}/answers", data=_form(**{"answers-2": ""}))
    first, _second = _workshop_answers(db)
    moderator = make_user(Role.MODERATOR)
    login(moderator)
    approved = client.post(f"/moderation/submissions/{first.id}/approve",
                           data={"seen": text_hash(first.body), "version": "as_written"})  # fmt: skip
    assert approved.status_code == 303
    client.post("/logout")

    page = client.get(f"/consultations/{consultation.slug}").text
    assert "More lessons about staying safe online." in page and "Filters that work." not in page
    assert "From a workshop in <bdi>Kenya</bdi>" in page
    assert facilitator.pseudonym not in page and "Former participant" not in page
    assert (
        "From a workshop in <bdi>Kenya</bdi>"
        in client.get(f"/consultations/{consultation.slug}/responses/{first.id}").text
    )
    client.post("/language", data={"lang": "fr"})
    assert "Réponse d’un atelier — <bdi>Kenya</bdi>" in client.get(f"/consultations/{consultation.slug}").text


# --- statistics ----------------------------------------------------------------------------------------


def test_statistics_count_workshop_answers_as_their_own_channel(app, client, db, login, runner, facilitator, make_user,
                                                                make_consultation, make_submission):  # fmt: skip
    consultation = make_consultation(open=True)
    for n in range(12):
        make_submission(consultation.questions[0], make_user(), f"Online idea {n}", status=SubmissionStatus.APPROVED)
    login(facilitator)
    client.post(f"/workshops/{consultation.slug}/answers", data=_form())
    for answer in _workshop_answers(db):
        answer.status, answer.published_text = SubmissionStatus.APPROVED, answer.body
    db.session.commit()

    stats = json.loads(runner.invoke(args=["consultations", "stats", consultation.slug, "--json"]).output)
    assert stats["by_channel"] == {"online": 12, "workshop": 3}
    assert stats["participants"] == 12  # a group of 24 is not one young person, nor 24 accounts
    assert stats["workshops"] == {"groups": 1, "young_people": 24}
    public = json.loads(runner.invoke(args=["consultations", "stats", consultation.slug, "--json", "--public"]).output)
    assert public["by_channel"]["workshop"] == "<10" and public["workshops"]["groups"] == "<10"
    assert public["by_channel"]["online"] != 12  # else 15 - 12 would give the workshop's 3 away

    summary = consultation_statistics(consultation)["consultation"]
    assert summary["received"] == 15 and summary["participants"] == 12
    assert summary["by_channel"]["workshop"] == "<10"
    assert summary["workshops"]["young_people"] == 24

    rows = render_csv(consultation).decode().splitlines()
    assert rows[1].endswith(",channel")
    assert sum(row.endswith(",workshop") for row in rows) == 3 and sum(row.endswith(",online") for row in rows) == 12
    api = client.get(f"/api/v1/consultations/{consultation.slug}/responses?per_page=50").json["responses"]
    assert sorted(r["channel"] for r in api) == ["online"] * 12 + ["workshop"] * 3

    login(make_user(Role.SECRETARIAT))
    reach = client.get(f"/secretariat/consultations/{consultation.id}/reach").text
    assert "Answers from workshops: &lt;10, from &lt;10 groups of 24 young people in all" in reach


# --- CSV -----------------------------------------------------------------------------------------------


def _upload(client, consultation, text: str | bytes, **overrides):
    raw = text.encode() if isinstance(text, str) else text
    data = {"file": (io.BytesIO(raw), "workshop.csv"), "consented": "y", "no_names": "y", **overrides}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"/workshops/{consultation.slug}/upload", data=data, content_type="multipart/form-data")


def test_a_csv_upload_imports_every_row_in_groups(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    login(facilitator)
    rows = ("1,Safer apps for everyone,en,13-15,KE,20\n2,Des cours sur la vie privée,fr,16-17,KE,20\n"
            "03,\"Line one\nline two\",en,16-17,sn,12\n")  # fmt: skip

    response = _upload(client, consultation, "\ufeff" + HEADER + rows)

    assert response.status_code == 303
    answers = _workshop_answers(db)
    assert [(a.question.position, a.body, a.language, a.age_band, a.country) for a in answers] == [
        (1, "Safer apps for everyone", "en", "13-15", "KE"), (2, "Des cours sur la vie privée", "fr", "16-17", "KE"),
        (3, "Line one\nline two", "en", "16-17", "SN")]  # fmt: skip
    groups = db.session.scalars(select(Workshop).order_by(Workshop.id)).all()
    assert [(w.country, w.group_size, w.age_bands, w.via) for w in groups] == [
        ("KE", 20, "13-15 16-17", "csv"), ("SN", 12, "16-17", "csv")]  # fmt: skip


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    login(facilitator)
    rows = ("1,Good row,en,13-15,KE,20\n9,No such question,en,13-15,KE,20\n1,,xx,u13,ZZ,0\n"
            "1,=HYPERLINK(\"http://evil\"),en,13-15,KE,many\n1,too,few\n")  # fmt: skip

    response = _upload(client, consultation, HEADER + rows)

    assert response.status_code == 422
    assert _count(db, Submission) == 0 and _count(db, Workshop) == 0
    page = response.text
    assert "Nothing was imported" in page
    for expected in ("Not the number of a question of this consultation.", "The answer is empty.",
                     "Not a language code this site supports.", "Not one of the age bands",
                     "Not a two-letter country code.", "Not a whole number from 1 to 200.",
                     "This row has 3 columns, not 6."):  # fmt: skip
        assert expected in page, expected
    cells = _table_cells(page)
    assert cells[0][:2] == ["3", "question"]
    assert {tuple(row[:2]) for row in cells} >= {("4", "body"), ("4", "language"), ("4", "age_band"),
                                                ("4", "country"), ("4", "group_size"), ("5", "group_size"),
                                                ("6", "—")}  # fmt: skip
    assert "'many" not in page and "&#39;many" not in page  # only what a spreadsheet would run is neutralised


def test_an_echoed_value_cannot_run_as_a_spreadsheet_formula(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    login(facilitator)
    response = _upload(client, consultation, HEADER + "=1+1,Fine,en,13-15,KE,@SUM(A1)\n")
    cells = _table_cells(response.text)
    assert [row[3] for row in cells] == ["'=1+1", "'@SUM(A1)"]


def test_the_report_is_in_the_readers_language(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(Role.FACILITATOR, locale="fr"))
    response = _upload(client, consultation, HEADER + "1,Bien,en,13-15,ZZ,20\n")
    assert response.status_code == 422 and "Rien n’a été importé" in response.text


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "The first row must name the columns"),
        (b"question,text\n1,hello\n", "The first row must name the columns"),
        (HEADER.encode(), "The file holds no answers."),
        ((HEADER + "1,caf\xe9,en,13-15,KE,20\n").encode("latin-1"), "The file is not UTF-8 text."),
        ((HEADER + "1,x,en,13-15,KE,20\n" * 501).encode(), "At most 500 answers at a time."),
        (HEADER.encode() + b"1," + b"x" * 210_000 + b",en,13-15,KE,20\n", "The file is larger than 200 kB."),
    ],
)
def test_files_refused_as_a_whole(client, db, login, facilitator, make_consultation, content, problem):
    consultation = make_consultation(open=True)
    login(facilitator)
    response = _upload(client, consultation, content)
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        assert problem in response.text
    assert _count(db, Submission) == 0


def test_the_upload_needs_the_attestation(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    login(facilitator)
    response = _upload(client, consultation, HEADER + "1,Fine,en,13-15,KE,20\n", no_names=None)
    assert response.status_code == 422 and "Confirm that no names are included." in response.text
    assert _count(db, Submission) == 0


def test_the_cli_imports_a_workshop_all_or_nothing(app, db, runner, tmp_path, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,Good,en,13-15,KE,20\n1,Bad,en,13-15,KE,-3\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(
        "\ufeff" + HEADER + "1,Good,en,13-15,KE,20\n2," + DISCLOSURE + ",en,16-17,KE,20\n", encoding="utf-8"
    )
    args = ["consultations", "import", "--format", "workshop", "--slug", consultation.slug]

    refused = runner.invoke(args=[*args, "--facilitator", facilitator.pseudonym, "--attest", str(bad)])
    assert refused.exit_code != 0
    assert "row 3, group_size: Not a whole number from 1 to 200." in refused.output
    assert _count(db, Submission) == 0
    not_attested = runner.invoke(args=[*args, "--facilitator", facilitator.pseudonym, str(good)], input="n\n")
    assert not_attested.exit_code != 0 and "attestation is required" in not_attested.output
    assert _count(db, Submission) == 0

    # The bare command of the issue asks for whose workshop it was, and for the attestation.
    result = runner.invoke(args=[*args, str(good)], input=f"{facilitator.pseudonym}\ny\n")

    assert result.exit_code == 0, result.output
    assert "2 workshop answers from 1 group(s)" in result.output
    answers = _workshop_answers(db)
    assert [a.author_id for a in answers] == [None, None]
    assert answers[1].flag_safeguarding  # screened as any online answer


def test_naughty_strings_in_a_csv_are_stored_as_online_answers_are_and_escaped(
    client, db, login, facilitator, make_consultation, naughty_strings
):
    consultation = make_consultation(open=True, questions=1, max_length=1000)
    login(facilitator)
    kept = [s for s in naughty_strings if clean_plain_text(s) and len(clean_plain_text(s)) <= 1000]
    for start in range(0, len(kept), 400):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER.strip().split(","))
        for text in kept[start : start + 400]:
            writer.writerow(["1", text, "en", "16-17", "KE", "20"])
        assert _upload(client, consultation, buffer.getvalue()).status_code == 303

    answers = _workshop_answers(db)
    assert [a.body for a in answers] == [clean_plain_text(s) for s in kept]
    client.post("/logout")
    own_scripts = client.get(f"/consultations/{consultation.slug}?page=1").text.lower().count("<script")
    for answer in answers:
        answer.status, answer.published_text = SubmissionStatus.APPROVED, answer.body
    db.session.commit()
    page = client.get(f"/consultations/{consultation.slug}?page=1").text
    assert "From a workshop in" in page
    assert page.lower().count("<script") == own_scripts


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _table_cells(page: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(page)
    return parser.rows


# --- owned by no one: participants' pages, downloads, deletion and retention ---------------------------


def test_no_participant_ever_meets_a_workshop_answer_as_their_own(client, db, login, facilitator, make_user,
                                                                   make_consultation):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)
    client.post(f"/workshops/{consultation.slug}/answers", data=_form())
    answer = _workshop_answers(db)[0]
    assert client.get(f"/responses/{answer.id}/edit").status_code == 403  # nor the facilitator: no one's answer

    login(make_user())
    assert client.get("/account/data.json").get_json()["answers"] == []
    assert "More lessons about staying safe online." not in client.get(f"/consultations/{consultation.slug}").text
    assert client.get(f"/responses/{answer.id}/edit").status_code == 404
    assert client.post(f"/responses/{answer.id}/withdraw").status_code == 404
    assert _workshop_answers(db)[0].withdrawn_at is None


def test_the_groups_answers_outlive_the_facilitators_account(client, db, login, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    login(facilitator)
    client.post(f"/workshops/{consultation.slug}/answers", data=_form())
    client.post("/logout")

    db.session.delete(db.session.get(User, facilitator.id))
    db.session.commit()

    assert len(_workshop_answers(db)) == 3
    assert db.session.scalar(select(Workshop.facilitator_id)) is None


def test_retention_forgets_a_rejected_workshop_answer_as_any_other(client, db, login, facilitator, make_consultation,
                                                                   frozen_clock):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)
    client.post(f"/workshops/{consultation.slug}/answers", data=_form(**{"answers-2": ""}))
    rejected, approved = _workshop_answers(db)
    rejected.status = SubmissionStatus.REJECTED
    approved.status, approved.published_text = SubmissionStatus.APPROVED, approved.body
    db.session.commit()

    purge(frozen_clock.now + timedelta(days=400), 365)
    db.session.commit()

    rejected, approved = _workshop_answers(db)
    assert rejected.body == PURGED_TEXT and approved.published_text == "Filters that work."


def test_moderators_see_that_an_answer_came_from_a_workshop(client, db, login, facilitator, make_user,
                                                           make_consultation):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)
    client.post(
        f"/workshops/{consultation.slug}/answers", data=_form(**{"answers-0": "Filters that work.", "answers-2": ""})
    )
    (answer,) = _workshop_answers(db)
    login(make_user(Role.MODERATOR))

    queue = client.get(f"/moderation/consultations/{consultation.slug}").text
    item = client.get(f"/moderation/submissions/{answer.id}").text

    for page in (queue, item):
        assert "From a workshop in <bdi>" in page


def test_the_safeguarding_team_sees_who_handed_in_a_workshop_disclosure(client, db, login, facilitator, make_user,
                                                                        make_consultation):  # fmt: skip
    consultation = make_consultation(open=True)
    login(facilitator)
    client.post(f"/workshops/{consultation.slug}/answers", data=_form(**{"answers-0": DISCLOSURE, "answers-2": ""}))
    (answer,) = _workshop_answers(db)
    team = make_user(Role.MODERATOR)
    team.can_safeguard = True
    db.session.commit()
    login(team)
    escalated = client.post(f"/moderation/submissions/{answer.id}/escalate",
                            data={"seen": text_hash(answer.body), "note": "Disclosure in a class"})  # fmt: skip
    assert escalated.status_code == 303

    page = client.get(f"/safeguarding/submissions/{answer.id}").text

    assert "From a workshop, handed in by <bdi>Ms Facilitator</bdi>" in page
    assert "deleted their account" not in page


def _escalated_workshop_answers(db, question, facilitators) -> None:
    """One escalated answer from a workshop of each facilitator (None: an account since erased)."""
    for facilitator in facilitators:
        workshop = Workshop(consultation_id=question.consultation_id, group_size=20, age_bands="16-17",
                            country="KE", language="en", attested_at=question.consultation.opens_at, via="form",
                            facilitator_id=facilitator.id if facilitator else None)  # fmt: skip
        db.session.add(workshop)
        db.session.flush()
        db.session.add(Submission(question_id=question.id, workshop_id=workshop.id, body=DISCLOSURE, language="en",
                                  country="KE", status=SubmissionStatus.ESCALATED))  # fmt: skip
    db.session.commit()


def test_the_safeguarding_queue_reads_the_workshops_of_its_answers_at_once(app, client, db, login, make_user,
                                                                           make_consultation):  # fmt: skip
    question = make_consultation(open=True).questions[0]
    team = make_user(Role.MODERATOR)
    team.can_safeguard = True
    db.session.commit()
    login(team)
    _escalated_workshop_answers(db, question, [make_user(Role.FACILITATOR, pseudonym="Ms Facilitator"), None])
    with statements_of(app) as seen:
        page = client.get("/safeguarding/").text
    few = [kind for kind, _statement in seen if kind == "SELECT"]
    _escalated_workshop_answers(db, question, [make_user(Role.FACILITATOR) for _ in range(3)] + [None])
    with statements_of(app) as seen:
        more = client.get("/safeguarding/").text
    many = [kind for kind, _statement in seen if kind == "SELECT"]

    # Two answers or six, from as many workshops: the page reads as often (no query per answer).
    assert len(many) == len(few), seen
    assert "From a workshop, handed in by <bdi>Ms Facilitator</bdi>" in page
    assert page.count("From a workshop, handed in by a former staff member") == 1
    assert more.count("From a workshop, handed in by") == 6


def test_the_input_document_counts_workshops_as_their_own_channel(app, db, make_user, make_consultation,
                                                                   make_submission, frozen_clock):  # fmt: skip
    consultation = make_consultation(open=False, questions=1)
    question = consultation.questions[0]
    for n in range(12):
        make_submission(question, make_user(), f"Safer apps for everyone, idea {n}", status=SubmissionStatus.APPROVED)
    facilitator = make_user(Role.FACILITATOR)
    workshop = Workshop(consultation_id=consultation.id, facilitator_id=facilitator.id, group_size=30,
                        age_bands="13-15", country="GH", language="en", attested_at=frozen_clock.now,
                        via="csv")  # fmt: skip
    db.session.add(workshop)
    db.session.flush()
    for n in range(11):
        db.session.add(Submission(question_id=question.id, workshop_id=workshop.id, body=f"Workshop idea {n}",
                                  published_text=f"Workshop idea {n}", language="en", country="GH",
                                  status=SubmissionStatus.APPROVED))  # fmt: skip
    db.session.commit()
    summary = generate_summary(consultation, make_user(Role.SECRETARIAT))
    db.session.commit()

    with app.test_request_context():
        tables = {table.title: table.rows for table in statistics_tables(summary_view(summary))}

    (channels,) = [rows for title, rows in tables.items() if title.startswith("Responses by channel")]
    assert channels == [["Online", "12"], ["Workshops", "11"], ["Workshop groups", "<10"],
                        ["Young people in workshops, as their facilitators declared", "30"]]  # fmt: skip
    participants = tables["Participants by ITU region and age band"]
    assert participants[-1][-1] == "12"  # the online participants; a workshop of 30 is not one of them


def test_the_service_itself_refuses_a_workshop_without_the_attestation(app, db, facilitator, make_consultation):
    consultation = make_consultation(open=True)
    answer = WorkshopAnswer(consultation.questions[0], "Safer apps", "en")
    with app.test_request_context(), pytest.raises(Invalid):
        record_workshop(facilitator, consultation, Group(20, ("13-15",), "KE", "en"), [answer], attested=False,
                        via="form")  # fmt: skip
    db.session.rollback()
    assert _count(db, Workshop) == 0
