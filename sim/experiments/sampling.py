"""Where the inference's simulations run, in an order that never changes its result (C12, C5).

pyabc's ABC-SMC (sim/experiments/infer.py) hands its sampler `simulate_one`: draw a particle,
simulate it, accept it or not. Its parallel samplers keep particles in the order they finish, so
the posterior depends on the worker count and on luck. `OrderedSampler` is a pyabc sampler that
gives each evaluation a slot (0, 1, 2, ... within a generation), seeds numpy's and Python's
global generators for that slot from `SeedSequence([seed, generation, calibration, slot])` (pyabc
draws particles from them), runs slots in batches on this process, a local pool or a Dask
cluster (sim/experiments/cluster.py), and keeps the results in slot order until the population
is full; results past the last needed slot are dropped. So the same seed gives the same
posterior on one worker, two, a LocalCluster or a running scheduler, and a resumed inference
the same as one never stopped. A progress bar shows the generation, its acceptance threshold,
the accepted particles and the time left.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from concurrent.futures import Executor

import cloudpickle
import numpy as np
import pyabc
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sim.experiments import cluster

_LOADED: dict[str, object] = {}  # in a worker: the last simulate_one, by its digest
_TURN = threading.Lock()  # the global generators are the process's: one slot at a time


def simulate_slot(blob: bytes, digest: str, key: tuple[int, ...]):
    """In a worker: pyabc's simulate_one with the global generators seeded for this slot. A
    Dask worker with several threads runs its slots one after the other (the seeding and the
    draws must not interleave); start such workers with one thread each to use every core."""
    cluster.hold_lifeline()
    with _TURN:
        if digest not in _LOADED:
            _LOADED.clear()
            _LOADED[digest] = cloudpickle.loads(blob)
        state = np.random.SeedSequence(key).generate_state(2)
        np.random.seed(int(state[0]))
        random.seed(int(state[1]))
        return _LOADED[digest]()


class OrderedSampler(pyabc.sampler.Sampler):
    """Fixed slots, kept in order: the same particles whatever runs them."""

    def __init__(self, seed: int, workers: int = 1, pool: Executor | None = None):
        super().__init__()
        self.seed, self.workers, self.pool = seed, max(1, workers), pool
        self.progress: Progress | None = None
        self.generations = 0  # the whole run's, for the progress bar
        self.rate = 0.5  # the last generation's acceptance rate: sizes the next batches

    def sample_until_n_accepted(
        self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
    ):
        blob = cloudpickle.dumps(simulate_one)
        digest = hashlib.sha256(blob).hexdigest()
        sample, slot, accepted = self._create_empty_sample(), 0, 0
        label = self._label(t, all_accepted, ana_vars)
        with Bar(self.progress, label, n) as advance:
            while accepted < n and slot < max_eval:
                size = self._batch(n - accepted, all_accepted)
                keys = [(self.seed, t + 1, int(all_accepted), s) for s in range(slot, slot + size)]
                for particle in self._map(blob, digest, keys):
                    sample.append(particle)
                    slot += 1
                    if particle.accepted:
                        accepted += 1
                        advance()
                    if accepted == n or slot >= max_eval:
                        break  # later slots are dropped: the result never depends on batches
        self.nr_evaluations_ = slot
        if not all_accepted:  # drawing from the prior accepts all: no rate for a generation
            self.rate = max(accepted / max(slot, 1), 0.02)
        sample.ok = accepted == n
        return sample

    def _batch(self, missing: int, all_accepted: bool) -> int:
        """Enough slots for the missing particles at the last rate, a whole round of workers."""
        expected = missing if all_accepted else math.ceil(missing / self.rate)
        return self.workers * max(1, math.ceil(min(expected, 4 * missing) / self.workers))

    def _map(self, blob: bytes, digest: str, keys: list[tuple]):
        """The slots' particles, in slot order; slots not yet started when the caller stops
        (the population is full, or a simulation failed) are cancelled."""
        if self.pool is None:
            yield from (simulate_slot(blob, digest, key) for key in keys)
            return
        futures = [self.pool.submit(simulate_slot, blob, digest, key) for key in keys]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def _label(self, t: int, calibrating: bool, ana_vars) -> str:
        if calibrating:
            return "drawing from the prior"
        where = f"generation {t + 1}/{self.generations}" if self.generations else f"gen {t + 1}"
        try:
            return f"{where}, threshold {float(ana_vars.eps(t)):.3g}"
        except (AttributeError, TypeError, ValueError):
            return where


class Bar:
    """A generation's bar in the inference's progress display (or nothing when quiet)."""

    def __init__(self, progress: Progress | None, label: str, total: int):
        self.progress, self.label, self.total = progress, label, total

    def __enter__(self):
        if self.progress is None:
            return lambda: None
        task = self.progress.add_task(self.label, total=self.total)
        self.task = task
        return lambda: self.progress.advance(task)

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.remove_task(self.task)


def progress_display(show: bool) -> Progress:
    """The bar: generation, threshold, particles accepted of those wanted, time spent and left."""
    return Progress(
        TextColumn("[bold]inferring"),
        TextColumn("{task.description}", markup=False),
        BarColumn(bar_width=16),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        disable=not show,
    )
