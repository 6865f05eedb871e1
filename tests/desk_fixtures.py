"""A moderation queue for the desk's tests: two plain answers, and one of every kind that must be opened to be
decided (the list never decides it, bulk approval never offers it)."""

from __future__ import annotations

from test_moderation import _flag  # flags as screening or readers would have raised them

from consult import clock


def desk_answers(db, make_user, make_consultation, make_submission):
    """The open consultation, its two plain answers, and the others by kind (committed)."""
    consultation = make_consultation(open=True)
    question = consultation.questions[0]

    def answer(body, **kwargs):
        return make_submission(question, make_user(), body, **kwargs)

    plain = [answer("Plain answer one"), answer("Plain answer two")]
    pii = _flag(db, answer("My number is 0712 345 678"), pii=True)
    grooming = _flag(db, answer("A man I met in a game keeps asking me to meet him alone"), safeguarding=True)
    reported = _flag(db, answer("Taken down after reports"), reported=True)
    reported.hidden_at = clock.utcnow()
    unscreened = answer("Just arrived", screened=False)
    db.session.commit()
    return consultation, plain, {"pii": pii, "safeguarding": grooming, "reported": reported, "unscreened": unscreened}
