"""Giving way on a busy machine: the screening job waits while other processes keep the cores busy.

The worker's low CPU priority (``JOBS_NICENESS``) is not enough on a machine shared with the web server
and SQLite: a screening batch writes its results under the database's one write lock, and a worker at
niceness 19, starved by busy web workers, then holds that lock for hundreds of milliseconds while every
answer being posted waits for it (posting p99 417 ms against 171 ms with the worker stopped,
bench/bench_load.py). So, before each batch, the job looks at the machine for a moment: while the other
processes use more than ``JOBS_BUSY_SHARE`` of its cores, it waits, until the oldest answer waiting has
waited ``JOBS_YIELD_SECONDS``, and screens the backlog once the burst is over. A machine that is not that
busy sees no wait beyond the look (at 20 answers a second, 3-4 ms of web CPU each, every answer was screened
within 0.34 s, p95); a worker on a machine of its own only ever measures itself, which is left out. Linux
only (``/proc/stat``); elsewhere it never waits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

STAT = Path("/proc/stat")
#: How long the machine is watched before a batch: long enough for a steady reading, short beside a batch.
SAMPLE_SECONDS = 0.2


def cpu_seconds() -> tuple[float, float] | None:
    """All cores' busy and total time so far, in seconds; None where ``/proc/stat`` cannot be read."""
    try:
        fields = STAT.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    # user nice system idle iowait irq softirq; steal (a virtual machine's host running others) is left out of
    # both: it is time this machine did not have, busy or idle.
    ticks = [int(value) for value in fields[1:8]]
    idle = ticks[3] + ticks[4]
    hertz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hertz, sum(ticks) / hertz


def others_busy_share(sample: float = SAMPLE_SECONDS) -> float:
    """The share of the machine's CPU time other processes used during ``sample`` seconds (this one's own,
    all its threads, left out); 0 where it cannot be told."""
    before, own_before = cpu_seconds(), time.process_time()
    if before is None:
        return 0.0
    time.sleep(sample)
    after, own_after = cpu_seconds(), time.process_time()
    if after is None or after[1] <= before[1]:
        return 0.0
    busy = (after[0] - before[0]) - (own_after - own_before)
    return max(0.0, min(1.0, busy / (after[1] - before[1])))


def give_way(busy_share: float, longest: float, measure: Callable[[], float] = others_busy_share,
             clock: Callable[[], float] = time.monotonic) -> float:  # fmt: skip
    """Wait while the other processes keep more than ``busy_share`` of the machine busy, ``longest`` seconds
    at most; how long it waited. Each look takes ``SAMPLE_SECONDS``, so the wait is made of looks."""
    if longest <= 0 or busy_share >= 1:
        return 0.0
    began = clock()
    while clock() - began < longest and measure() > busy_share:
        pass
    return clock() - began
