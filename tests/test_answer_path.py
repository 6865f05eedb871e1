"""The answer's POST stays lean: what it asks of the database, counted (a behaviour guard, not a timing)."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from consult import outbox
from consult.extensions import db as _db
from consult.models import Submission


@contextmanager
def statements_of(app):
    """The SQL statements the app's requests send, as (first word, statement), and the commits."""
    seen: list[tuple[str, str]] = []
    with app.app_context():
        engine = _db.engine

    def executed(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split(None, 1)[0].upper(), statement))

    def committed(conn):
        seen.append(("COMMIT", ""))

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)
        event.remove(engine, "commit", committed)


def _post(client, slug: str, text: str):
    return client.post(f"/consultations/{slug}/questions/1/responses", data={"body": text, "language": "en"})


def test_an_answer_is_taken_with_one_insert_and_one_commit(
    app, client, db, login, make_user, make_consultation, monkeypatch
):
    app.config["PUBLIC_STATE_SECONDS"] = 60  # as in production: the public state is read once a while, not per post
    asked = []  # the screening job the post asks for, kept here instead of run in the test's process
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: asked.append(name))
    slug = make_consultation(open=True).slug
    login(make_user())
    assert _post(client, slug, "The first answer reads the question once.").status_code == 303

    with statements_of(app) as seen:
        response = _post(client, slug, "Schools should teach online safety.")

    assert response.status_code == 303
    assert "Set-Cookie" not in response.headers  # the thanks is in the address: the session is not signed again
    kinds = [kind for kind, _statement in seen]
    # The account and its server-side session (as on any signed-in request), then the INSERT that also counts
    # the limit: on PostgreSQL through a function that first takes the lock keeping one participant's posts to
    # one question in turn (migration 0021), in the same statement. No screening, no audit, no second read of
    # the question while the public version is unchanged.
    assert kinds == ["SELECT", "SELECT", "INSERT", "COMMIT"], seen
    if db.engine.dialect.name == "postgresql":
        assert "consult_room_for_answer" in seen[-2][1]
    assert "submissions" in seen[-2][1]
    assert db.session.scalar(select(func.count(Submission.id))) == 2
    assert asked == ["screen_answers", "screen_answers"]
