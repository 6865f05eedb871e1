"""One SQLite writer at a time, the next one woken the moment the last one commits.

SQLite lets one connection write at a time. A connection that finds the write lock taken does not
wait for it: SQLite's busy handler sleeps 1 ms, 2, 5, 10, 15, 20, 25... and tries again, so a post
that arrives while another commits sleeps longer than both writes take (an answer's insert and
commit cost about 0.3 ms). At the surge, with two web processes and a job worker writing, those
sleeps made the posting rate and its p99 (bench/bench_load.py).

So every connection of the app that is about to write first takes an advisory lock on a file beside
the database (flock), and lets it go when its transaction ends: the kernel wakes the next writer at
once, in the order they came. SQLite's own locking is unchanged and still what keeps the data right;
this only decides who waits, and how. A writer that does not take the lock (``sqlite3`` at the shell,
Huey's queue file, another program) is met by SQLite's busy handler as before.

A thread that already writes through one connection and writes through a second one meanwhile does
not take the lock again (it would wait on itself): SQLite answers the second as it always did.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
from pathlib import Path

# pysqlite begins a transaction of its own before these statements only (its default, "legacy",
# transaction control, which SQLAlchemy keeps): they are the ones that take SQLite's write lock.
_WRITES = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|WITH\b.*\b(?:INSERT|UPDATE|DELETE))\b", re.I | re.S)
_held = threading.local()


def lock_path(database: str) -> Path | None:
    """The lock file beside the database file at ``database``; None for a database in memory."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}-writer.lock")


class WriterConnection(sqlite3.Connection):
    """A ``sqlite3`` connection that takes the writers' lock before its first write of a transaction.

    Given to ``sqlite3.connect`` as its ``factory`` (``engine_options``)."""

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        self._lock_path = lock_path(os.fspath(database))
        self._lock_fd: int | None = None
        self._lock_pid = 0
        self._writing = False

    def _lock_file(self) -> int:
        # Its own open file: flock locks belong to an open file, so two connections of one process
        # (two threads of the job worker) wait for each other like two processes do. Opened again in a
        # child process, which would otherwise share the parent's open file and its lock.
        if self._lock_fd is None or self._lock_pid != os.getpid():
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._lock_pid = os.getpid()
        return self._lock_fd

    def cursor(self, factory=None):
        return super().cursor(factory or WriterCursor)

    def before_statement(self, sql: str) -> None:
        if self._writing or self._lock_path is None or not _WRITES.match(sql):
            return
        if getattr(_held, "writing", False):  # this thread writes through another connection already
            return
        fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
        self._writing = _held.writing = True

    def after_statement(self) -> None:
        if self._writing and not self.in_transaction:  # a write outside a transaction (autocommit) is done
            self._release()

    def _release(self) -> None:
        if self._writing:
            self._writing = _held.writing = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()
            if self._lock_fd is not None and self._lock_pid == os.getpid():
                os.close(self._lock_fd)
            self._lock_fd = None


class WriterCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection.after_statement()

    def executemany(self, sql, seq_of_parameters, /):
        self.connection.before_statement(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection.after_statement()
