"""`python -m sim explore`: many points of the parameter space, each replicated, crash-proof.

A task is one replication at one point of the design (sim/experiments/design.py). In a box
design replication i has the same seed at every point, the seed `run` gives its replication i
(SeedSequence(master).spawn(R)[i], regions keyed under it): common random numbers, so points
differ by their parameters and not by their luck. A posterior design's points are independent
draws, each with seeds of its own (`point_seeds`). Either way a task's result depends only on
its identity (point, replication), never on worker count, order, executor or what ran before a
crash. Each finished
task writes its metrics to `runs/p<point>-r<replication>.parquet` (temporary name, then rename:
a file is complete or absent); re-running the same command on the same folder runs only the
tasks without a file. A task that fails is recorded with its error in the manifest and the rest
go on (a re-run retries it). At the end the points are analysed (sim/experiments/discovery.py)
and the claims atlas is written (sim/report/atlas.py). Claims: C1, C2, C10, C12 and every claim
measured by the registry in sim/experiments/claims.py. A posterior design (`--posterior DIR`)
records the inference folder and its posterior.parquet's SHA-256 in the manifest; a folder
begun with another posterior is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sim import storage
from sim.config import Params
from sim.errors import ConfigError, WriteFailed
from sim.experiments import cluster, engine, metrics, resources, tables
from sim.experiments.design import Plan
from sim.experiments.discovery import RUNS, analyse
from sim.experiments.execution import (
    compiled_as_planned,
    default_out_dir,
    region_seed,
    region_tables,
    replication_seeds,
)
from sim.experiments.runner import git_commit, versions
from sim.scenario import Scenario, apply_overrides

MANIFEST = "manifest.json"
KIND = "explore"


@dataclass(frozen=True)
class PointTask:
    """One replication at one point of the design."""

    point: int
    replication: int
    params_json: str
    seed: np.random.SeedSequence
    contrast: tuple[str, str] | None
    regions: int
    compiled: bool = False  # simulate with the compiled kernels (sim/model/kernels.py)

    @property
    def key(self) -> str:
        """Its file in runs/ (sim/experiments/engine.py writes it, last)."""
        return task_key(self.point, self.replication)


def task_key(point: int, replication: int) -> str:
    return f"p{point:06d}-r{replication:04d}"


def run_point(task: PointTask) -> pl.DataFrame:
    """One task in a worker: the replication's metrics (point, replication, metric, value)."""
    params = Params.model_validate_json(task.params_json)
    agents = [  # a replication's regions, one after the other
        region_tables(
            params,
            region_seed(task.seed, r, task.regions),
            task.replication,
            "point",
            r,
            compiled=task.compiled,
        )["agents"]
        for r in range(task.regions)
    ]
    contrast = list(task.contrast) if task.contrast else None
    rows = metrics.per_replication(pl.concat(agents), {"point": params.run.weeks}, contrast)
    return rows.select(
        pl.lit(task.point, pl.Int64).alias("point"),
        pl.col("replication").cast(pl.Int64),
        "metric",
        "value",
    )


@dataclass(frozen=True)
class Exploration:
    out_dir: Path
    tasks: int
    ran: int  # tasks run by this call (the others were found finished)
    failed: dict[str, str]  # "p<point>-r<replication>" -> error
    analysis: dict  # what discovery.analyse did (missing points, metrics analysed)
    task_seconds: float  # running the tasks
    wall_seconds: float  # and the analysis


def identity(scenario: Scenario, plan: Plan) -> dict:
    """What makes two explorations the same experiment: resuming needs all of it equal."""
    base = hashlib.sha256(scenario.params.model_dump_json().encode()).hexdigest()
    return {"scenario": scenario.name, "base_sha256": base, **plan.identity()}


def explore(
    scenario: Scenario,
    plan: Plan,
    *,
    workers: int | None = None,
    out_dir: Path | None = None,
    where: cluster.Where | None = None,
    show_progress: bool = True,
    max_memory: float | None = None,
    on_plan=None,
    overrides: list[str] | None = None,
) -> Exploration:
    """Run every task of the design that has no result yet in out_dir/runs/, then analyse.
    `overrides`: the --set options the scenario was loaded with (kept for --resume)."""
    ident = identity(scenario, plan)
    existed = out_dir is not None and Path(out_dir).exists()
    out_dir = claim_folder(out_dir, scenario.name, ident)
    fresh = not (out_dir / MANIFEST).is_file()  # a new exploration, not one resumed
    store = engine.Store(out_dir / RUNS)
    points = point_params(scenario, plan)
    contrast = tuple(scenario.contrast) if scenario.contrast else None
    tasks = [
        PointTask(p, i, params.model_dump_json(), seed, contrast, params.scene.regions)
        for p, params in enumerate(points)
        for i, seed in enumerate(point_seeds(plan, p))
    ]
    todo = sum(not store.done(t.key) for t in tasks)
    by_point = {f"p{p}": params for p, params in enumerate(points)}
    wanted = max(1, min(workers or os.cpu_count() or 1, todo))
    budget = resources.plan(by_point, plan.spec.replications, wanted, max_memory, scenario.path)
    if on_plan:
        on_plan(budget)
    tasks = compiled_as_planned(tasks, budget)
    about = (scenario, plan, ident, overrides or [])
    start = time.perf_counter()
    try:
        write_manifest(out_dir, about, len(tasks), {}, "running")
        outcome = engine.run_all(
            tasks,
            run_point,
            store,
            workers=budget.workers,
            where=where,
            show_progress=show_progress,
        )
    except (ConfigError, WriteFailed):  # an unreachable scheduler, a full disk before any
        # result: a new exploration leaves no folder, so the same command starts it again
        if fresh:
            forget_empty(out_dir, keep_folder=existed)
        raise
    failed, simulated = outcome.failed, time.perf_counter() - start
    found = analyse(scenario, plan, out_dir, [p.scene.members for p in points])
    status = "complete" if not failed else "failed tasks"
    write_manifest(out_dir, about, len(tasks), failed, status, found)
    wall = time.perf_counter() - start
    return Exploration(out_dir, len(tasks), outcome.ran, failed, found, simulated, wall)


def point_seeds(plan: Plan, point: int) -> list[np.random.SeedSequence]:
    """The replications' seeds at a point. A box design gives every point the same ones
    (common random numbers: points differ by their parameters, not their luck). A posterior
    design draws particles with replacement, so a point's seeds are keyed by the point too: a
    particle drawn twice is two simulations, and the draws are independent."""
    if plan.spec.design == "posterior":
        return np.random.SeedSequence([plan.seed, point]).spawn(plan.spec.replications)
    return replication_seeds(plan.seed, plan.spec.replications)


def point_params(scenario: Scenario, plan: Plan) -> list[Params]:
    return [
        apply_overrides(scenario.params, plan.overrides(p), f"explore point {p}")
        for p in range(len(plan.points))
    ]


def claim_folder(out_dir: Path | None, name: str, ident: dict) -> Path:
    """The output folder: new, or one holding this same exploration (then it resumes). A folder
    holding anything else, or another exploration, is refused (nothing in it is touched)."""
    path = Path(out_dir) if out_dir else default_out_dir(name, "explore-")
    manifest = path / MANIFEST
    if path.is_dir() and any(path.iterdir()):
        if not manifest.is_file():
            raise ConfigError(f"--out {path}: the folder holds something else; choose another")
        old = read_manifest(path).get("experiment", {})
        differ = [k for k in sorted(set(old) | set(ident)) if old.get(k) != ident.get(k)]
        if "posterior_sha256" in differ:
            raise ConfigError(
                f"--out {path}: the folder explores another posterior (its posterior.parquet "
                "differs); explore this one into another folder"
            )
        if differ:
            raise ConfigError(
                f"--out {path}: the folder holds another exploration ({', '.join(differ)} "
                "differ); resume it with its own settings or choose another folder"
            )
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(
            f"--out {path}: cannot create the folder ({storage.reason(err)})"
        ) from None
    return path


def forget_empty(folder: Path, keep_folder: bool) -> None:
    """Remove what a new exploration wrote before it got any result: its manifest, its empty
    runs/ and (unless the folder was there before) the folder itself if now empty."""
    runs = folder / RUNS
    if runs.is_dir() and any(runs.iterdir()):
        return
    (folder / MANIFEST).unlink(missing_ok=True)
    for empty in (runs,) if keep_folder else (runs, folder):
        try:
            empty.rmdir()
        except OSError:  # not empty (something of the user's) or already gone
            return


def read_manifest(folder: Path) -> dict:
    """An exploration folder's manifest; ConfigError if the folder holds none."""
    try:
        found = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ConfigError(f"{folder}: no exploration here (no readable {MANIFEST})") from None
    if not isinstance(found, dict) or found.get("kind") != KIND:
        raise ConfigError(f"{folder}: the folder holds a run, not an exploration")
    return found


def write_manifest(out_dir, about, total, failed, status, analysis=None) -> None:
    """The exploration's identity, design, seeds, versions and tasks done/failed."""
    scenario, plan, ident, overrides = about
    done = len(list((out_dir / RUNS).glob("p*-r*.parquet")))
    tables.write_json(
        out_dir / MANIFEST,
        {
            "kind": KIND,
            "status": status,
            "experiment": ident,
            "scenario": scenario.name,
            "description": scenario.description,
            "language": scenario.language,
            "claims": scenario.claims,
            "contrast": scenario.contrast,
            "focal_groups": scenario.focal_groups,
            "scenario_file": scenario.path,
            "scenario_sha256": scenario.sha256,
            "set": overrides,
            "design": plan.spec.model_dump(),
            "parameters": [
                {"key": k, "low": lo, "high": hi, "whole": w}
                for (k, (lo, hi)), w in zip(plan.spec.ranges.items(), plan.whole, strict=True)
            ],
            "points": len(plan.points),
            "posterior": plan.posterior.record() if getattr(plan, "posterior", None) else None,
            "seed": plan.seed,
            "design_seed": plan.design_seed,
            "replication_seeds": [
                {"entropy": str(s.entropy), "spawn_key": list(s.spawn_key)}
                for s in point_seeds(plan, 0)
            ],  # a posterior design's are point 0's (each point has its own)
            "tasks": {"total": total, "done": done, "failed": len(failed)},
            "failed": [{"task": k, "error": v} for k, v in failed.items()],
            "analysis": analysis,
            "updated_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "versions": versions(),
            "git_commit": git_commit(),
        },
    )
