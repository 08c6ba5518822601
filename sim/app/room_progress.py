"""How far a room round is, and how long it still takes, measured from the round itself
(claims C1, C2, C5, C10, C11 are what the round shows; this only says when).

A round runs its histories (replications) in worker processes; each finished one leaves its
result file in the run's staging folder (sim/experiments/folders.py, engine.py), so counting
those files tells how many are done without touching the runner. The time left is measured,
not guessed: the time per history is measured from the end of the first batch (one history per
worker) on, once another batch is in (the workers' start-up, a few seconds, stays out of it).
The time after the last history (the tables, the report) is the previous round's, measured the
same way; a first round has none.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sim.experiments import folders

POLL_S = 0.25  # how often the watcher counts the finished histories


@dataclass
class Progress:
    """A round's histories: how many are done, when, and the time left."""

    total: int  # histories (replications) in the round
    regions: int = 1  # tasks per history
    tail: float | None = None  # seconds after the last history, measured in an earlier round
    workers: int = 1
    parts: Path | None = None  # where the finished tasks' files appear
    marks: list[tuple[float, int]] = field(default_factory=list)  # (time, done): first = start
    ended: float | None = None  # when the run had every history and its tables
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, folder: Path, workers: int) -> None:
        """The histories start now (a resumed round counts those already done as done)."""
        self.parts = folders.staging_for(Path(folder)) / folders.PARTS
        self.workers = max(1, workers)
        with self.lock:
            self.marks = [(time.monotonic(), self.count())]

    def count(self) -> int:
        if self.parts is None or not self.parts.is_dir():
            return 0
        return min(self.total, len(list(self.parts.glob("task-*.parquet"))) // self.regions)

    @property
    def done(self) -> int:
        return self.marks[-1][1] if self.marks else 0

    @property
    def started(self) -> bool:
        return bool(self.marks)

    def heard(self, now: float, done: int) -> bool:
        """A new count: True if it changed (a page should redraw)."""
        with self.lock:
            if not self.marks or done <= self.done:
                return False
            self.marks.append((now, done))
            return True

    def finished(self) -> None:
        """The run is back with its tables: every history is done."""
        now = time.monotonic()
        self.heard(now, self.total)
        self.ended = now

    def tail_seconds(self) -> float | None:
        """This round's time from its last history to now (its end)."""
        with self.lock:
            last = next((t for t, d in self.marks if d >= self.total), None)
        return None if last is None else time.monotonic() - last

    def seconds_left(self) -> float | None:
        """The time left when the last history came in, or None while the first batch runs."""
        with self.lock:
            marks = list(self.marks)
        return estimate(marks, self.total, self.workers, self.tail)


def estimate(
    marks: list[tuple[float, int]], total: int, workers: int, tail: float | None
) -> float | None:
    """Seconds left after the last mark: the histories left at the measured time per history,
    plus the measured tail (if any). The time per history is measured from the end of the
    first batch (one history per worker) on, so the workers' start-up is not in it; None until
    a second batch is in."""
    if len(marks) < 2 or marks[-1][1] >= total:
        return None
    (_, d0), (t_last, d_last) = marks[0], marks[-1]
    batch = min(workers, total - d0)
    first = next(((t, d) for t, d in marks if d - d0 >= batch), None)
    if first is None or d_last - first[1] < batch:
        return None
    t1, d1 = first
    per = (t_last - t1) / (d_last - d1)
    return per * (total - d_last) + (tail or 0.0)


def watch(room, rnd) -> None:
    """Count the round's finished histories until it ends; each new one redraws the pages."""
    progress = rnd.progress
    while rnd.status == "running" and progress.ended is None:
        if progress.heard(time.monotonic(), progress.count()):
            with room.lock:
                room.version += 1
        time.sleep(POLL_S)


def rounded_seconds(seconds: float) -> int:
    """A time left as said on the screen: whole seconds, at least one."""
    return max(1, math.ceil(seconds))
