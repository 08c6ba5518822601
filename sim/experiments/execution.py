"""Running replications in worker processes, reproducibly, with nothing held in memory.

A task is one replication of one variant. Its seed comes from numpy's SeedSequence spawned in
the parent (replication i uses the same seed in every variant: common random numbers), so
results never depend on worker count or completion order. A worker writes its replication's
tables to `<out>/.parts/` as soon as it finishes (each file written to a temporary name and
renamed) and returns only the replication's metrics, so memory does not grow with the number of
replications; at the end the parts are concatenated lazily into one Parquet file per table.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sim.config import Params
from sim.errors import ConfigError
from sim.experiments import metrics, resources, tables
from sim.model import NetworkingModel
from sim.paths import RESULTS_DIR

PARTS = ".parts"


@dataclass(frozen=True)
class Task:
    """One replication of one variant (`order`: its place in the run, for the parts' names)."""

    order: int
    variant: str
    replication: int
    params_json: str
    seed: np.random.SeedSequence
    contrast: tuple[str, str] | None = None


def replication_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


def make_tasks(
    variants: dict[str, Params], replications: int, seed: int, contrast: list[str] | None = None
) -> list[Task]:
    """Every replication of every variant; replication i has the same seed in every variant."""
    seeds = replication_seeds(seed, replications)
    pairs = tuple(contrast) if contrast else None
    runs = [(name, p, i) for name, p in variants.items() for i in range(replications)]
    return [
        Task(order, name, i, p.model_dump_json(), seeds[i], pairs)
        for order, (name, p, i) in enumerate(runs)
    ]


@dataclass(frozen=True)
class Execution:
    """A finished execution: where its tables are, every replication's metrics, its plan."""

    out_dir: Path
    per_replication: pl.DataFrame
    plan: resources.Plan
    wall_seconds: float


def execute(
    variants: dict[str, Params],
    replications: int,
    seed: int,
    *,
    workers: int | None,
    out_dir: Path | None,
    folder: str,
    source: str,
    contrast: list[str] | None = None,
    show_progress: bool = True,
    max_memory: float | None = None,
    on_plan: Callable[[resources.Plan], None] | None = None,
) -> Execution:
    """Plan the run (ConfigError before anything is written if it cannot fit), then run every
    replication of every variant into `out_dir` (default results/<folder>/<stamp>)."""
    tasks = make_tasks(variants, replications, seed, contrast)
    wanted = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    plan = resources.plan(variants, replications, wanted, max_memory, source)
    if on_plan:
        on_plan(plan)
    out_dir = prepare_out_dir(out_dir, folder)
    start = time.perf_counter()
    per_rep = run_tasks(tasks, plan.workers, out_dir, plan.label(), show_progress)
    return Execution(out_dir, per_rep, plan, time.perf_counter() - start)


def run_replication(task: Task, parts: Path) -> pl.DataFrame:
    """One model run in a worker: its tables go to `parts`, its metrics come back."""
    params = Params.model_validate_json(task.params_json)
    # The network over time is kept for the first replication only (the report's slider).
    model = NetworkingModel(params, rng=task.seed, record_network=task.replication == 0).run()
    results = tables.model_tables(model, task.replication, task.variant)
    for name, df in results.items():
        tables.write_atomic(parts / f"{name}-{task.order:07d}.parquet", df.write_parquet)
    weeks = {task.variant: params.run.weeks}
    contrast = list(task.contrast) if task.contrast else None
    return metrics.per_replication(results["agents"], weeks, contrast)


def run_tasks(
    tasks: list[Task], workers: int, out_dir: Path, label: str = "", show_progress: bool = True
) -> pl.DataFrame:
    """Run the tasks on `workers` processes (1: in this process), write their tables into
    out_dir, and return every replication's metrics (variant, replication, metric, value)."""
    parts = out_dir / PARTS
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    done: dict[int, pl.DataFrame] = {}
    progress = Progress(
        TextColumn("[bold]simulating"),
        TextColumn(label, markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not show_progress,
        transient=False,
    )
    with progress:
        bar = progress.add_task("runs", total=len(tasks))
        if workers <= 1:
            for task in tasks:
                done[task.order] = run_replication(task, parts)
                progress.advance(bar)
        else:
            # spawn, not fork: forking after polars' thread pool started can deadlock.
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
                futures = {pool.submit(run_replication, t, parts): t.order for t in tasks}
                for future in as_completed(futures):
                    done[futures[future]] = future.result()
                    progress.advance(bar)
    combine_parts(parts, out_dir)
    return pl.concat([done[t.order] for t in tasks])


def combine_parts(parts: Path, out_dir: Path) -> None:
    """One Parquet file per table from the replications' parts, in task order, streamed (a
    format's own columns, e.g. seating in `scene`, are null for the others)."""
    for name in tables.TABLES:
        files = sorted(parts.glob(f"{name}-*.parquet"))
        frame = pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")
        tables.write_atomic(out_dir / f"{name}.parquet", frame.sink_parquet)
    shutil.rmtree(parts)


def default_out_dir(scenario_name: str) -> Path:
    """results/<scenario>/<UTC timestamp>, with a suffix if that folder already exists."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = RESULTS_DIR / scenario_name / stamp, 1
    while candidate.exists():
        n += 1
        candidate = RESULTS_DIR / scenario_name / f"{stamp}-{n}"
    return candidate


def prepare_out_dir(out_dir: Path | None, scenario_name: str) -> Path:
    """Create the output folder; ConfigError if it is a file or cannot be created."""
    path = Path(out_dir) if out_dir else default_out_dir(scenario_name)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(
            f"--out {path}: cannot create the output folder ({err.strerror})"
        ) from None
    return path
