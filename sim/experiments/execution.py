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
lazily into one Parquet file per table (sim/experiments/tables.py: REGION_SUMS). Tasks go
through the engine shared with `explore` (sim/experiments/engine.py: a result file per finished
task, resume, failures recorded) to a `concurrent.futures` executor: this process, a local
process pool, or a Dask cluster (sim/experiments/cluster.py). A run is written into a staging
folder and published whole (sim/experiments/folders.py).
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from sim import storage
from sim.config import Params
from sim.errors import ConfigError, TasksFailed
from sim.experiments import cluster, engine, folders, metrics, resources, tables
from sim.model import NetworkingModel, kernels
from sim.paths import RESULTS_DIR

PARTS = folders.PARTS


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
    compiled: bool = False  # simulate with the compiled kernels (sim/model/kernels.py)

    @property
    def key(self) -> str:
        """The task's result file in the store (sim/experiments/engine.py)."""
        return f"task-{self.order:07d}"


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
    """A finished execution: its tables in `staging` (published to `out_dir` by `publish`),
    every replication's metrics, its plan."""

    out_dir: Path
    staging: Path
    per_replication: pl.DataFrame
    plan: resources.Plan
    wall_seconds: float

    def publish(self) -> None:
        """The staging folder, complete with what the caller added, becomes out_dir whole."""
        folders.publish(self.staging, self.out_dir)


def compiled_as_planned(tasks: list, plan: resources.Plan) -> list:
    """The tasks marked to simulate with the compiled kernels if the plan says so (their work
    earns back numba's start-up: kernels.worth; NETSIM_KERNELS overrides), else as they are.
    Results are the same."""
    return [replace(task, compiled=True) for task in tasks] if plan.compiled else tasks


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
    overwrite: bool = False,
) -> Execution:
    """Plan the run (ConfigError before anything is written if it cannot fit), then run every
    task (here or on a Dask cluster: `where`) into the staging folder of `out_dir` (default
    results/<folder>/<stamp>; sim/experiments/folders.py). A staging folder left by a killed
    run of the same settings is resumed: its finished tasks are kept."""
    tasks = make_tasks(variants, replications, seed, contrast)
    wanted = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    plan = resources.plan(variants, replications, wanted, max_memory, source)
    out_dir = Path(out_dir) if out_dir else default_out_dir(folder)
    ident = folders.identity(variants, replications, seed, source, {"contrast": contrast})
    staging, resumed = folders.open_staging(out_dir, ident, overwrite)
    if resumed:
        kept = len(list((staging / PARTS).glob("task-*.parquet")))
        note = f"resuming {out_dir}: {kept} of {len(tasks)} tasks are done"
        plan = replace(plan, notes=(*plan.notes, note))
    if on_plan:
        on_plan(plan)
    tasks = compiled_as_planned(tasks, plan)
    start = time.perf_counter()
    try:
        per_rep = run_tasks(tasks, plan.workers, staging, plan.label(), show_progress, where)
    except ConfigError:
        folders.discard_if_empty(staging)
        raise
    return Execution(out_dir, staging, per_rep, plan, time.perf_counter() - start)


def run_replication(task: Task, parts: Path) -> pl.DataFrame:
    """One model run (a region of a replication) in a worker: its tables go to `parts`; back
    come the replication's metrics, or, for one region of several, its members' rows."""
    params = Params.model_validate_json(task.params_json)
    # The network over time is kept for the first replication's first region (report slider).
    first = task.replication == 0 and task.region == 0
    results = region_tables(
        params, task.seed, task.replication, task.variant, task.region, first, task.compiled
    )
    detail = params.run.detail_regions
    if detail and task.region >= detail:  # counted in agents, steps and scene; no rows
        for name in ("sales", "referrals"):
            results[name] = results[name].clear()
    for name, df in results.items():
        storage.write_part(parts / f"{name}-{task.order:07d}.parquet", df)
    if task.regions > 1:
        return results["agents"]
    return measure(task, params, results["agents"])


def region_tables(
    params: Params,
    seed,
    replication: int,
    variant: str,
    region: int,
    network: bool = False,
    compiled: bool = False,
) -> dict[str, pl.DataFrame]:
    """One region of a replication simulated here (run's and explore's tasks): its tidy tables,
    `compiled`: with the compiled kernels (the same tables, faster once numba is loaded).
    A model holds reference cycles (Mesa's agents and model): it is freed at once, not at some
    later collection, so a worker running hundreds of regions stays at one region's memory."""
    kernels.use(compiled)
    with _collected():
        model = NetworkingModel(params.for_region(region), rng=seed, record_network=network)
        results = tables.model_tables(model.run(), replication, variant, region)
        del model
    return results


class _Models:
    """Models being simulated in this process (threads of a Dask worker may run several)."""

    alive = 0
    lock = threading.Lock()


@contextlib.contextmanager
def _collected():
    """Collect the model's cycles when it is done. What lived before it (modules, caches: some
    200,000 objects) is frozen first so that the collection scans only the model's objects
    (0.12 s less per region) - unless another thread's model is alive (a multi-threaded Dask
    worker): frozen, its cycles would never be collected."""
    with _Models.lock:
        if _Models.alive == 0:
            gc.freeze()
        _Models.alive += 1
    try:
        yield
    finally:
        with _Models.lock:
            _Models.alive -= 1
        gc.collect()


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
    """Run the tasks without a result in out_dir/.parts (all, unless resuming) on `workers`
    processes (1: in this process) or a Dask cluster, combine their tables into out_dir, and
    return every replication's metrics (variant, replication, metric, value). TasksFailed if
    any task raised (its error named; the finished tasks stay in .parts for a re-run)."""
    store = engine.Store(out_dir / PARTS)
    done: dict[tuple[str, int], pl.DataFrame] = {}
    regions: dict[tuple[str, int], dict[int, pl.DataFrame]] = {}

    def collect(task: Task, result: pl.DataFrame) -> None:
        key = (task.variant, task.replication)
        if task.regions == 1:
            done[key] = result
            return
        regions.setdefault(key, {})[task.region] = result  # measured when all regions are in
        if len(regions[key]) == task.regions:
            rows = regions.pop(key)
            rows = pl.concat([rows[r] for r in range(task.regions)])
            done[key] = measure(task, Params.model_validate_json(task.params_json), rows)

    outcome = engine.run_all(
        tasks,
        run_replication,
        store,
        store.folder,
        workers=workers,
        where=where,
        label=label,
        show_progress=show_progress,
        on_result=collect,
    )
    if outcome.failed:
        key, error = next(iter(outcome.failed.items()))
        raise TasksFailed(
            f"{len(outcome.failed)} of {len(tasks)} tasks failed (first: {key}: {error}); the "
            f"{len(tasks) - len(outcome.failed)} finished are kept"
        )
    combine_parts(store.folder, out_dir, regions=max(t.regions for t in tasks))
    order = dict.fromkeys((t.variant, t.replication) for t in tasks)
    return pl.concat([done[key] for key in order])


def combine_parts(parts: Path, out_dir: Path, regions: int = 1) -> None:
    """One Parquet file per table from the tasks' parts, in task order, streamed (a format's own
    columns, e.g. seating in `scene`, are null for the others). With regions, the weekly and
    per-conversation tables are summed over the regions of each replication. The parts stay
    until the folder is published (folders.publish), so a run killed after this still finds
    every task done when it resumes."""
    for name in tables.TABLES:
        files = sorted(parts.glob(f"{name}-*.parquet"))
        frame = pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")
        if regions > 1:
            frame = tables.sum_regions(name, frame)
        storage.write_atomic(out_dir / f"{name}.parquet", frame.sink_parquet)


def default_out_dir(scenario_name: str, prefix: str = "") -> Path:
    """results/<scenario>/<prefix><UTC timestamp>, with a suffix if that folder exists."""
    stamp = prefix + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = RESULTS_DIR / scenario_name / stamp, 1
    while candidate.exists():
        n += 1
        candidate = RESULTS_DIR / scenario_name / f"{stamp}-{n}"
    return candidate
