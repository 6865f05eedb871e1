"""Handing the outbox's asks to the queue from a thread of the web process, many asks to one job.

During the surge every answer's POST asks for ``screen_answers``, and one such job screens every answer
waiting when it runs. So a POST does not queue the job itself: it leaves its ask here and answers at
once; a thread of the process waits ``linger`` seconds for more asks, then queues each job asked for
once. An ask made before the thread takes the waiting asks is served by the job queued after that, which
reads the database after the answer's commit; an ask made after is taken on the next round: none is
missed, and a POST never waits on the queue's storage (a SQLite file, or a Redis round trip).

An ask still waiting when the process is killed is lost like any job lost with a process: the answer
is safe in the database, and the periodic sweep asks again. At a normal exit (a CLI command) what waits
is queued before the process ends.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

_log = logging.getLogger(__name__)


class Handover:
    """A dispatcher for ``consult.outbox.set_dispatcher`` that queues from a thread, coalescing asks."""

    def __init__(self, send: Callable[[str, tuple], None], linger: float) -> None:
        self.send, self.linger = send, linger
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._wanted: dict[tuple[str, tuple], None] = {}  # an ordered set: one job per name and arguments
        self._thread: threading.Thread | None = None
        self._pid = 0
        atexit.register(self.flush)

    def __call__(self, name: str, args: tuple) -> None:
        with self._lock:
            self._wanted[(name, args)] = None
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                # Started in the process that asks: a thread does not survive gunicorn's fork.
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="consult-job-handover", daemon=True)
                self._thread.start()
        self._wake.set()

    def _take(self) -> list[tuple[str, tuple]]:
        with self._lock:
            self._wake.clear()
            wanted, self._wanted = list(self._wanted), {}
        return wanted

    def _queue(self, wanted: list[tuple[str, tuple]]) -> None:
        for name, args in wanted:
            try:
                self.send(name, args)
            except Exception:  # the work is safe in the database; the sweep will ask again
                _log.exception("could not queue job %s", name)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.linger)  # the asks of the posts arriving meanwhile ride on the same job
            self._queue(self._take())

    def flush(self) -> None:
        """Queue what waits now, in this thread (at exit, and for tests)."""
        self._queue(self._take())
