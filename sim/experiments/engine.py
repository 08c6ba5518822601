"""One engine for `run`, `sweep` and `explore`: independent tasks, a store, resume, failures.

Every design is a list of tasks, each with its own seed keyed by its identity (a region of a
replication of a variant for `run` and `sweep`, a replication at a point for `explore`). The
engine hands them to an executor (sim/experiments/cluster.py: this process, a local pool, a Dask
cluster) and keeps, for each finished task, one result file in a store folder: the worker writes
the task's own files first and its result file last (temporary name, then rename), so a task
with a result file is complete and one without is absent. Running the same tasks into the same
store skips the finished ones (resume after a kill); a task that raises is recorded with its
error and the others go on. A progress bar counts all tasks (finished ones included) and shows
the time left. A worker process ends with the process that started it
(cluster.hold_lifeline).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sim import storage
from sim.errors import WriteFailed
from sim.experiments import cluster


@dataclass(frozen=True)
class Failed:
    """A task's error, as text (a worker's exception does not stop the others)."""

    error: str
    refused: bool = False  # a write the system refused (the disk is full, ...)


class Store:
    """A folder of task results: `<key>.parquet`, complete or absent."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(".*.tmp-*"):  # half-written by a killed process
            stale.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.parquet"

    def done(self, key: str) -> bool:
        return self.path(key).is_file()

    def load(self, key: str) -> pl.DataFrame:
        return pl.read_parquet(self.path(key))

    def save(self, key: str, result: pl.DataFrame) -> None:
        storage.write_atomic(self.path(key), result.write_parquet)


def _guarded(task: Any, work: Callable, store: Store, *args) -> pl.DataFrame | Failed:
    """In the worker: the task's work (it writes its own files), then its result file."""
    cluster.hold_lifeline()  # a Dask worker's (a local pool's holds it from its start)
    try:
        result = work(task, *args)
        store.save(task.key, result)
        return result
    except WriteFailed as err:  # already in words: the file and why
        return Failed(str(err)[:2000], refused=True)
    except Exception as err:  # noqa: BLE001 - recorded; the other tasks go on
        return Failed(f"{type(err).__name__}: {err}"[:2000])


@dataclass
class Outcome:
    """The failures (task key -> error) and how many tasks ran now."""

    failed: dict[str, str]
    ran: int


def run_all(
    tasks: Sequence[Any],
    work: Callable,
    store: Store,
    *args,
    workers: int = 1,
    where: cluster.Where | None = None,
    label: str = "",
    show_progress: bool = True,
    on_result: Callable[[Any, pl.DataFrame], None] | None = None,
) -> Outcome:
    """Run `work(task, *args)` for every task without a result in the store. Tasks have a
    `key` (their identity as a file name). `on_result(task, result)` hears each result, those
    found finished first (read back from the store only then), then in the order tasks finish.
    WriteFailed when every task that ran failed to write (the disk is full, ...): nothing went
    on, and that is the one thing to put right."""
    outcome, refused = Outcome({}, 0), []
    finished = {task.key for task in tasks if store.done(task.key)}
    todo = [task for task in tasks if task.key not in finished]
    if on_result:
        for task in tasks:
            if task.key in finished:
                on_result(task, store.load(task.key))
    with _bar(show_progress, label, len(tasks), len(tasks) - len(todo)) as advance:
        for task, result in cluster.completed(_guarded, todo, workers, where, work, store, *args):
            outcome.ran += 1
            if isinstance(result, Failed):
                outcome.failed[task.key] = result.error
                refused += [result.error] * result.refused
            elif on_result:
                on_result(task, result)
            advance()
    if refused and len(refused) == outcome.ran:
        raise WriteFailed(refused[0])
    return outcome


class _bar:
    """A progress bar over all tasks, the finished ones counted, with the time left."""

    def __init__(self, show: bool, label: str, total: int, done: int):
        self.progress = Progress(
            TextColumn("[bold]simulating"),
            TextColumn(label, markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            disable=not show,
        )
        self.total, self.done = total, done

    def __enter__(self) -> Callable[[], None]:
        self.progress.__enter__()
        bar = self.progress.add_task("tasks", total=self.total, completed=self.done)
        return lambda: self.progress.advance(bar)

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)
