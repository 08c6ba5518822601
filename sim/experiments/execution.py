"""Running replications in worker processes, reproducibly, with nothing held in memory.

A task is one region of one replication of one variant (a scene without `scene.regions` is one
region). Its seed comes from numpy's SeedSequence: replication i's seed is spawned from the
master seed (the same in every variant: common random numbers) and region r's is keyed by
(i, r) under it, so results never depend on worker count, completion order or executor. Regions
do not exchange anything in the model (members meet only within their region), so they are
independent tasks. A worker writes its task's tables to `<out>/.parts/` as soon as it finishes
(each file written to a temporary name and renamed) and returns only the replication's metrics
(a region returns its members' rows; the parent measures a replication when all its regions are
in), so memory does not grow with the number of replications; at the end the parts are combined
lazily into one Parquet file per table (sim/experiments/tables.py: REGION_SUMS). Tasks go to a
`concurrent.futures` executor: this process, a local process pool, or a Dask cluster
(sim/experiments/cluster.py).
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sim.config import Params
from sim.errors import ConfigError
from sim.experiments import cluster, metrics, resources, tables
from sim.model import NetworkingModel
from sim.paths import RESULTS_DIR

PARTS = ".parts"


@dataclass(frozen=True)
class Task:
    """One region of one replication of one variant (`order`: its place in the run)."""

    order: int
    variant: str
    replication: int
    params_json: str
    seed: np.random.SeedSequence
    contrast: tuple[str, str] | None = None
    region: int = 0
    regions: int = 1


def replication_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


def region_seed(replication: np.random.SeedSequence, region: int, regions: int):
    """Region r's seed: the replication's own when there is one region, else keyed by (i, r)."""
    if regions == 1:
        return replication
    return np.random.SeedSequence(replication.entropy, spawn_key=(*replication.spawn_key, region))


def make_tasks(
    variants: dict[str, Params], replications: int, seed: int, contrast: list[str] | None = None
) -> list[Task]:
    """Every region of every replication of every variant; replication i has the same seed in
    every variant, and region r of it the same seed too."""
    seeds = replication_seeds(seed, replications)
    pairs = tuple(contrast) if contrast else None
    runs = [
        (name, p, i, r)
        for name, p in variants.items()
        for i in range(replications)
        for r in range(p.scene.regions)
    ]
    return [
        Task(
            order,
            name,
            i,
            p.model_dump_json(),
            region_seed(seeds[i], r, p.scene.regions),
            pairs,
            r,
            p.scene.regions,
        )
        for order, (name, p, i, r) in enumerate(runs)
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
    where: cluster.Where | None = None,
) -> Execution:
    """Plan the run (ConfigError before anything is written if it cannot fit), then run every
    task into `out_dir` (default results/<folder>/<stamp>), here or on a Dask cluster (`where`)."""
    tasks = make_tasks(variants, replications, seed, contrast)
    wanted = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    plan = resources.plan(variants, replications, wanted, max_memory, source)
    if on_plan:
        on_plan(plan)
    out_dir = prepare_out_dir(out_dir, folder)
    start = time.perf_counter()
    per_rep = run_tasks(tasks, plan.workers, out_dir, plan.label(), show_progress, where)
    return Execution(out_dir, per_rep, plan, time.perf_counter() - start)


def run_replication(task: Task, parts: Path) -> pl.DataFrame:
    """One model run (a region of a replication) in a worker: its tables go to `parts`; back
    come the replication's metrics, or, for one region of several, its members' rows."""
    params = Params.model_validate_json(task.params_json)
    # The network over time is kept for the first replication's first region (report slider).
    first = task.replication == 0 and task.region == 0
    model = NetworkingModel(params.for_region(task.region), rng=task.seed, record_network=first)
    results = tables.model_tables(model.run(), task.replication, task.variant, task.region)
    detail = params.run.detail_regions
    if detail and task.region >= detail:  # counted in agents, steps and scene; no rows
        for name in ("sales", "referrals"):
            results[name] = results[name].clear()
    for name, df in results.items():
        tables.write_atomic(parts / f"{name}-{task.order:07d}.parquet", df.write_parquet)
    # A model holds reference cycles (Mesa's agents and model): free it now, not at some later
    # collection, so a worker running hundreds of regions stays at one region's memory.
    del model
    gc.collect()
    if task.regions > 1:
        return results["agents"]
    return measure(task, params, results["agents"])


def measure(task: Task, params: Params, agents: pl.DataFrame) -> pl.DataFrame:
    """A replication's metrics from the rows of all its members."""
    contrast = list(task.contrast) if task.contrast else None
    return metrics.per_replication(agents, {task.variant: params.run.weeks}, contrast)


def run_tasks(
    tasks: list[Task],
    workers: int,
    out_dir: Path,
    label: str = "",
    show_progress: bool = True,
    where: cluster.Where | None = None,
) -> pl.DataFrame:
    """Run the tasks on `workers` processes (1: in this process) or on a Dask cluster, write
    their tables into out_dir, and return every replication's metrics (variant, replication,
    metric, value)."""
    parts = out_dir / PARTS
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    done: dict[tuple[str, int], pl.DataFrame] = {}
    regions: dict[tuple[str, int], dict[int, pl.DataFrame]] = {}
    progress = Progress(
        TextColumn("[bold]simulating"),
        TextColumn(label, markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not show_progress,
        transient=False,
    )
    with progress, _cleaned_on_refusal(out_dir):
        bar = progress.add_task("runs", total=len(tasks))
        for task, result in cluster.completed(run_replication, tasks, workers, where, parts):
            key = (task.variant, task.replication)
            if task.regions == 1:
                done[key] = result
            else:  # measured when the replication's last region is in, in region order
                regions.setdefault(key, {})[task.region] = result
                if len(regions[key]) == task.regions:
                    rows = regions.pop(key)
                    rows = pl.concat([rows[r] for r in range(task.regions)])
                    done[key] = measure(task, Params.model_validate_json(task.params_json), rows)
            progress.advance(bar)
    combine_parts(parts, out_dir, regions=max(t.regions for t in tasks))
    order = dict.fromkeys((t.variant, t.replication) for t in tasks)
    return pl.concat([done[key] for key in order])


@contextmanager
def _cleaned_on_refusal(out_dir: Path):
    """A run refused on the way (e.g. an unreachable cluster) leaves no parts, nor an empty
    output folder."""
    try:
        yield
    except ConfigError:
        shutil.rmtree(out_dir / PARTS, ignore_errors=True)
        if out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()
        raise


def combine_parts(parts: Path, out_dir: Path, regions: int = 1) -> None:
    """One Parquet file per table from the tasks' parts, in task order, streamed (a format's own
    columns, e.g. seating in `scene`, are null for the others). With regions, the weekly and
    per-conversation tables are summed over the regions of each replication."""
    for name in tables.TABLES:
        files = sorted(parts.glob(f"{name}-*.parquet"))
        frame = pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")
        if regions > 1:
            frame = tables.sum_regions(name, frame)
        tables.write_atomic(out_dir / f"{name}.parquet", frame.sink_parquet)
    shutil.rmtree(parts)


def default_out_dir(scenario_name: str, prefix: str = "") -> Path:
    """results/<scenario>/<prefix><UTC timestamp>, with a suffix if that folder exists."""
    stamp = prefix + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
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
