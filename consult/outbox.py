"""Work a request asks for, handed to the job queue only once its transaction has committed.

Services name the work ("screen the new answers") without knowing how it is done; the job engine
(``consult.jobs``, a higher layer) installs the dispatcher that turns a name into a queued job. A
transaction that rolls back asks for nothing. A queue that cannot be reached loses nothing either:
every job finds its work in the database, and the periodic sweep asks again for whatever waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "consult.outbox"
_log = logging.getLogger(__name__)
_dispatcher: Callable[[str, tuple], None] | None = None


def ask(session: Session, name: str, *args) -> None:
    """Queue the job ``name(*args)`` when ``session`` next commits (once, however often it is asked)."""
    wanted = session.info.setdefault(_KEY, [])
    if (name, args) not in wanted:
        wanted.append((name, args))


def set_dispatcher(dispatcher: Callable[[str, tuple], None] | None) -> None:
    global _dispatcher
    _dispatcher = dispatcher


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    wanted = session.info.pop(_KEY, None)
    if not wanted or _dispatcher is None:
        return
    for name, args in wanted:
        try:
            _dispatcher(name, args)
        except Exception:  # the answer is safe in the database; the sweep will ask again
            _log.exception("could not queue job %s", name)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
