"""The screening job gives way on a busy machine (consult/jobs/machine.py): it waits while other processes keep
the cores busy, never longer than configured, and counts only the others' work, not its own."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time

import pytest

from consult.jobs import machine, tasks
from consult.jobs.queue import huey


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def looks(readings, clock: Clock, step: float = 0.2):
    """A measure that returns the given busy shares in turn, each look taking ``step`` seconds."""
    values = iter(readings)
    seen: list[float] = []

    def measure() -> float:
        clock.now += step
        seen.append(next(values))
        return seen[-1]

    return measure, seen


def test_it_waits_while_the_machine_is_busy_and_goes_on_once_it_is_not():
    clock = Clock()
    measure, seen = looks([0.95, 0.9, 0.8, 0.3, 0.99], clock)
    waited = machine.give_way(0.75, 20, measure, clock)
    assert seen == [0.95, 0.9, 0.8, 0.3]  # stopped looking at the first quiet moment
    assert waited == pytest.approx(0.8)


def test_a_machine_that_stays_busy_delays_screening_only_so_long():
    clock = Clock()
    measure, seen = looks(itertools.repeat(1.0), clock)
    assert machine.give_way(0.75, 5, measure, clock) == pytest.approx(5.0)
    assert len(seen) == 25


def test_a_quiet_machine_costs_one_look_and_a_zero_limit_none():
    clock = Clock()
    measure, seen = looks([0.1], clock)
    assert machine.give_way(0.75, 20, measure, clock) == pytest.approx(0.2)
    measure, seen = looks([1.0], clock)
    assert machine.give_way(0.75, 0, measure, clock) == 0.0 and seen == []


needs_proc = pytest.mark.skipif(machine.cpu_seconds() is None, reason="no /proc/stat: not Linux")


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@needs_proc
def test_another_process_at_work_makes_the_machine_busy_but_its_own_work_does_not():
    cores = os.cpu_count() or 1
    child = subprocess.Popen(
        [sys.executable, "-c", "import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass"]
    )
    try:
        time.sleep(0.3)
        others = machine.others_busy_share(0.5)
    finally:
        child.wait(timeout=10)
    spinner = threading.Thread(target=_spin, args=(1.5,))
    spinner.start()
    try:
        time.sleep(0.3)
        itself = machine.others_busy_share(0.5)
    finally:
        spinner.join()
    assert others >= 0.7 / cores  # one core of the machine's, taken by another process
    assert itself < others  # the worker's own threads are left out


def test_the_screening_job_gives_way_before_it_reads_the_backlog_and_no_answer_waits_longer_than_allowed(
    app, db, make_user, make_consultation, make_submission, frozen_clock, monkeypatch
):
    calls = []
    monkeypatch.setattr(huey, "immediate", False)
    monkeypatch.setattr(machine, "give_way", lambda share, longest: calls.append((share, round(longest, 3))) or 0.0)
    monkeypatch.setattr(tasks.arrivals, "screen_arrivals", lambda batch: calls.append("screened") or 0)
    app.config.update(JOBS_BUSY_SHARE=0.6, JOBS_YIELD_SECONDS=7.0)
    with app.app_context():
        tasks.screen_answers.call_local()  # nothing waits: the whole allowance
    make_submission(make_consultation().questions[0], make_user(), "waiting", screened=False)
    frozen_clock.advance(seconds=5)
    with app.app_context():
        tasks.screen_answers.call_local()  # the oldest answer has waited 5 s of its 7
    frozen_clock.advance(seconds=10)
    with app.app_context():
        tasks.screen_answers.call_local()  # it has waited longer than allowed: no wait at all
    assert calls == [(0.6, 7.0), "screened", (0.6, 2.0), "screened", (0.6, -8.0), "screened"]
