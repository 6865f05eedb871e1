"""SQLite writers queue on the lock file and are woken when the one before them commits."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from conftest import test_config as config_for

from consult import create_app
from consult.sqlite_writer import WriterConnection, lock_path


# Statements through a cursor, as SQLAlchemy sends them (sqlite3's Connection.execute shortcut runs
# its cursor's statement in C, past any subclass).
def _connect(path, **kwargs) -> sqlite3.Connection:
    # busy_timeout 0: SQLite alone would refuse a second writer at once ("database is locked").
    connection = sqlite3.connect(path, timeout=0, check_same_thread=False, **kwargs)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "writers.db")
    setup = _connect(path)
    setup.cursor().execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, body TEXT)")
    setup.commit()
    setup.close()
    return path


def test_a_second_writer_waits_for_the_first_to_commit_instead_of_failing(database):
    first, second = _connect(database, factory=WriterConnection), _connect(database, factory=WriterConnection)
    first.cursor().execute("INSERT INTO answers (body) VALUES ('first')")  # the write lock is now the first's
    written = threading.Event()

    def write_second():
        second.cursor().execute("INSERT INTO answers (body) VALUES ('second')")
        second.commit()
        written.set()

    thread = threading.Thread(target=write_second)
    thread.start()
    assert not written.wait(0.3), "the second writer went on while the first still wrote"
    first.commit()
    thread.join(5)
    assert written.is_set()
    rows = first.cursor().execute("SELECT body FROM answers ORDER BY id").fetchall()
    assert rows == [("first",), ("second",)]


def test_readers_never_wait_for_a_writer(database):
    first, reader = _connect(database, factory=WriterConnection), _connect(database, factory=WriterConnection)
    first.cursor().execute("INSERT INTO answers (body) VALUES ('not yet committed')")
    assert reader.cursor().execute("SELECT count(*) FROM answers").fetchone() == (0,)
    first.rollback()  # a rollback lets the next writer in too
    reader.cursor().execute("INSERT INTO answers (body) VALUES ('after the rollback')")
    reader.commit()
    assert first.cursor().execute("SELECT body FROM answers").fetchall() == [("after the rollback",)]


def test_one_thread_writing_through_two_connections_does_not_wait_on_itself(database):
    first, second = _connect(database, factory=WriterConnection), _connect(database, factory=WriterConnection)
    first.cursor().execute("INSERT INTO answers (body) VALUES ('first')")
    # SQLite answers the second connection as it always did, at once (busy_timeout 0), never a hang.
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.cursor().execute("INSERT INTO answers (body) VALUES ('second')")
    first.commit()
    second.rollback()
    second.cursor().execute("INSERT INTO answers (body) VALUES ('second')")
    second.commit()
    assert first.cursor().execute("SELECT count(*) FROM answers").fetchone() == (2,)


def test_a_closed_connection_lets_the_next_writer_in(database):
    first, second = _connect(database, factory=WriterConnection), _connect(database, factory=WriterConnection)
    first.cursor().execute("INSERT INTO answers (body) VALUES ('lost with its connection')")
    done = threading.Event()
    thread = threading.Thread(
        target=lambda: (second.cursor().execute("DELETE FROM answers"), second.commit(), done.set())
    )
    thread.start()
    first.close()
    thread.join(5)
    assert done.is_set()


def test_a_write_outside_a_transaction_lets_the_next_writer_in_at_once(database):
    autocommit = _connect(database, factory=WriterConnection, isolation_level=None)
    autocommit.cursor().execute("INSERT INTO answers (body) VALUES ('committed as it ran')")
    other = _connect(database, factory=WriterConnection)
    done = threading.Event()
    thread = threading.Thread(
        target=lambda: (other.cursor().execute("DELETE FROM answers"), other.commit(), done.set())
    )
    thread.start()
    thread.join(5)
    assert done.is_set(), "the autocommitted write kept the writers' lock"
    autocommit.close()


def test_a_database_in_memory_has_no_lock_file():
    assert lock_path(":memory:") is None
    assert lock_path("") is None
    assert str(lock_path("/srv/consult/instance/consult.db")) == "/srv/consult/instance/consult.db-writer.lock"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_app_writes_through_the_lock_on_sqlite_unless_turned_off(tmp_path, enabled):
    from consult.extensions import db

    config = config_for(f"sqlite:///{tmp_path / 'app.db'}", tmp_path)
    app = create_app({**config, "SQLITE_WRITER_LOCK": enabled, "JOBS_DATABASE": str(tmp_path / "jobs.db")})
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            assert isinstance(raw.driver_connection, WriterConnection) is enabled
        finally:
            raw.close()
