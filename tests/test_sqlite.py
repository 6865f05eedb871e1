"""SQLite as the app runs it: durable settings, and writers that take turns instead of failing or sleeping."""

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from consult.sqlite import QueuedConnection, WriterQueue


@pytest.fixture
def database(tmp_path) -> str:
    path = str(tmp_path / "queue.db")
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE answers (body TEXT)")
    return path


def _connect(path: str, busy_timeout_ms: int = 0) -> QueuedConnection:
    connection = sqlite3.connect(path, factory=QueuedConnection, check_same_thread=False)
    # No patience of SQLite's own: a writer that found the lock taken would fail at once.
    connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    return connection


def test_a_commit_is_durable_on_either_database(app, db):
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            # Each commit waits for the log to reach the disk: no acknowledged answer is lost.
            assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
            return

        def pragma(name: str):
            return connection.execute(text(f"PRAGMA {name}")).scalar()

        # NORMAL in WAL mode: a commit survives the crash of any process, the log being the kernel's once
        # COMMIT returns (a kill -9 loses no acknowledged answer; bench/bench_load.py checks it).
        assert (pragma("journal_mode"), pragma("synchronous")) == ("wal", 1)
        assert (pragma("foreign_keys"), pragma("busy_timeout")) == (1, 5000)
        assert isinstance(connection.connection.dbapi_connection, QueuedConnection)


def test_a_second_writer_waits_for_the_first_to_commit_instead_of_failing(database):
    first, second = _connect(database), _connect(database)
    first.execute("INSERT INTO answers VALUES ('first')")  # holds the write lock until it commits
    outcome = {}

    def write() -> None:
        try:
            second.execute("INSERT INTO answers VALUES ('second')")
            second.commit()
            outcome["second"] = "written"
        except sqlite3.OperationalError as error:  # "database is locked", without the queue
            outcome["second"] = str(error)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.3)
    assert "second" not in outcome  # waiting its turn
    first.commit()
    writer.join(5)
    assert outcome == {"second": "written"}
    assert [row[0] for row in first.execute("SELECT body FROM answers ORDER BY rowid")] == ["first", "second"]


def test_readers_never_wait_for_a_writer(database):
    writer, reader = _connect(database), _connect(database)
    writer.execute("INSERT INTO answers VALUES ('not yet committed')")
    began = time.monotonic()
    assert reader.execute("SELECT count(*) FROM answers").fetchone() == (0,)
    reader.execute("SELECT count(*) FROM answers").fetchall()
    assert time.monotonic() - began < 0.2
    writer.rollback()
    reader.execute("INSERT INTO answers VALUES ('now')")  # the rollback gave the turn back
    reader.commit()


def test_processes_take_turns_and_one_that_waited_too_long_goes_on_without_its_turn(database):
    # Two queues on one file stand for two processes: the turn between processes is an flock.
    here, elsewhere = WriterQueue(f"{database}-writers", patience=0.2), WriterQueue(f"{database}-writers")
    assert elsewhere.take()
    began = time.monotonic()
    assert not here.take()  # SQLite's busy handler then decides, as without the queue
    assert 0.2 <= time.monotonic() - began < 1
    elsewhere.give_back()
    assert here.take()
    here.give_back()


def test_a_writer_killed_with_its_turn_does_not_stop_the_others(database):
    holder = subprocess.Popen(  # nosec B603
        [sys.executable, "-c", (
            "import sqlite3, sys, time\n"
            "from consult.sqlite import QueuedConnection\n"
            f"c = sqlite3.connect({database!r}, factory=QueuedConnection)\n"
            "c.execute(\"INSERT INTO answers VALUES ('killed before its commit')\")\n"
            "print('writing', flush=True)\n"
            "time.sleep(60)\n"
        )],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "writing"
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        survivor = _connect(database, busy_timeout_ms=5000)
        began = time.monotonic()
        survivor.execute("INSERT INTO answers VALUES ('after the kill')")
        survivor.commit()
        assert time.monotonic() - began < 1  # the kernel gave the killed process's turn back
        assert [row[0] for row in survivor.execute("SELECT body FROM answers")] == ["after the kill"]
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        holder.stdout.close()
