"""SQLite as consult uses it: its settings on every connection, and a queue for its one writer at a time.

SQLite lets one transaction write at a time. A connection that finds the write lock taken waits in
SQLite's busy handler, which sleeps in steps (1, 2, 5, 10 ... 100 ms) and looks again: under a surge of
answers (two web processes of several threads each, and the job worker) the lock is often free long before
a waiting writer wakes, and the writer that arrived last may get it first. Here a writing connection
first queues for its turn (``WriterQueue``): inside a process on a lock that wakes the next thread at once,
between processes on an ``flock`` of a file beside the database, which the kernel releases even when the
process is killed. Only then does it take SQLite's own lock, which stays what keeps the data correct: a
connection that waited too long for its turn goes on without it and meets SQLite's busy handler as before.

A turn is taken before the statement that opens a write transaction (INSERT, UPDATE, DELETE, a
SAVEPOINT: with Python's sqlite3, reads open no transaction) and given back once the transaction
has been committed or rolled back, so the reads before it never wait and nobody waits on a reader.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

BUSY_TIMEOUT_MS = 5000
# Migrations' DDL takes no turn: it runs alone, and SQLite's busy handler still orders it.
_OPENS_A_WRITE = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def configure(connection: sqlite3.Connection) -> None:
    """WAL for concurrent readers, foreign keys enforced, and patience under write load.

    ``synchronous=NORMAL`` in WAL mode syncs the log at checkpoints, not at each commit: a committed
    transaction survives the crash of any process (the log is in the operating system's hands once
    ``COMMIT`` returns), though not a power cut of the machine. PostgreSQL is the choice where that matters.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class WriterQueue:
    """Turns to write one database file: one thread of one process at a time."""

    def __init__(self, path: str, patience: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.path, self.patience = path, patience
        self._reset()

    def _reset(self) -> None:
        self._turn = threading.Lock()
        self._fd: int | None = None

    def take(self) -> bool:
        """Wait for the turn; False when it did not come within ``patience`` (go on without it)."""
        deadline = time.monotonic() + self.patience
        if not self._turn.acquire(timeout=self.patience):
            return False
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            pause = 0.0005
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    # Another process writes; its turn lasts a commit, so look again soon.
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
        except OSError:  # no lock file (a read-only directory): SQLite's own lock is enough
            pass
        self._turn.release()
        return False

    def give_back(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._turn.release()


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(database: str) -> WriterQueue:
    with _queues_lock:
        found = _queues.get(database)
        if found is None:
            found = _queues[database] = WriterQueue(f"{database}-writers")
        return found


def _after_fork() -> None:
    # A child shares its parent's open lock file, hence its flock: it opens its own.
    for found in _queues.values():
        found._reset()


os.register_at_fork(after_in_child=_after_fork)


class QueuedCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before(sql)
        return super().executemany(sql, parameters)


class QueuedConnection(sqlite3.Connection):
    """A connection that waits for its turn before it writes: ``sqlite3.connect(path, factory=...)``."""

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        path = os.fspath(database)
        in_memory = path in ("", ":memory:") or path.startswith("file:")
        # One lock file per database, however each process spells its path.
        self._queue = None if in_memory else writer_queue(os.path.abspath(path))
        self._has_turn = False

    def before(self, sql: str) -> None:
        opens_a_write = not self._has_turn and not self.in_transaction and self._queue is not None
        if opens_a_write and sql.lstrip()[:9].upper().startswith(_OPENS_A_WRITE):
            self._has_turn = self._queue.take()

    def _end_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            self._queue.give_back()

    def cursor(self, factory=QueuedCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):
        self.before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.before(sql)
        return super().executemany(sql, parameters)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()
