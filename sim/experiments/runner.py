"""Run a scenario: every variant x replication, in worker processes, reproducibly.

Replication seeds come from numpy.random.SeedSequence(seed).spawn(n) in the parent; replication
i uses the same seed in every variant (common random numbers), so variants differ only by their
parameters, and results never depend on worker count or completion order. Before anything runs
the run's memory and time are estimated (sim/experiments/resources.py): too big is refused with
one line, a long run is announced. Tables go to disk as replications finish; the manifest holds
the parameters, roster, seeds, versions and every metric's summary. A scenario with
`[report.curves]` also runs each curve's points (a sweep of the base with the same seeds and
replications, sim/experiments/sweep.py) into the run's `curves/` folder: the report's
dose-response chart (C1).
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import polars as pl

from sim import storage
from sim.config import Params
from sim.experiments import cluster, metrics, resources, tables
from sim.experiments.execution import execute, replication_seeds
from sim.experiments.sweep import run_sweep
from sim.model.roster import resolve_traits
from sim.model.strategies import STRATEGIES
from sim.scenario import Scenario

CURVES = "curves"  # a run's sub-folder with its [report.curves] sweep


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    names = ["mesa", "numpy", "polars", "pydantic", "scipy", "netsim"]
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


@dataclass
class RunResult:
    out_dir: Path
    per_replication: pl.DataFrame  # variant, replication, metric, value
    summary: pl.DataFrame  # variant, metric, mean, n, ci_low, ci_high
    checks: list[dict]
    wall_seconds: float
    plan: resources.Plan


def roster(params: Params) -> list[dict]:
    """The groups of a variant with their resolved traits (for the manifest and the report)."""
    return [
        {
            "name": g.name,
            "strategy": g.strategy,
            "strategy_description": STRATEGIES[g.strategy].description,
            "count": g.count,
            "share": g.share,
            "focal": g.focal,
            "sector": g.where,
            "traits": resolve_traits(g, params),
        }
        for g in params.scene.groups
    ]


def run_scenario(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    out_dir: Path | None = None,
    show_progress: bool = True,
    max_memory: float | None = None,
    on_plan=None,
    where: cluster.Where | None = None,
    overwrite: bool = False,
    curves: bool = True,
    before_publish: Callable[[Path], object] | None = None,
) -> RunResult:
    """Run all variants and replications, write Parquet tables and manifest.json to out_dir.

    ConfigError (nothing written) when one replication would not fit in `max_memory` (default:
    the memory available). `on_plan(plan)` hears the plan before the run starts. With workers >
    1 the replications run in spawned processes (or on a Dask cluster: `where`), so a script
    that calls this must do so under `if __name__ == "__main__":` (the standard multiprocessing
    rule). The run folder appears whole at the end (sim/experiments/folders.py): a finished
    folder is replaced only with `overwrite`; the same `out_dir` after a kill resumes.
    `curves`: also draw the scenario's dose-response curves (`[report.curves]`), if it has any.
    `before_publish(folder)` adds to the finished staging folder (the command line's report), so
    the folder is never published without it; if it fails, the same command finishes the run.
    """
    replications = replications or scenario.params.run.replications
    seed = scenario.params.run.seed if seed is None else seed
    start = time.perf_counter()
    run = execute(
        scenario.variants,
        replications,
        seed,
        workers=workers,
        out_dir=out_dir,
        folder=scenario.name,
        source=scenario.path,
        contrast=scenario.contrast,
        show_progress=show_progress,
        max_memory=max_memory,
        on_plan=on_plan,
        where=where,
        overwrite=overwrite,
    )
    folder = run.staging / CURVES
    if curves and scenario.curves and not (folder / "sweep.json").is_file():  # done: resumed
        run_sweep(
            scenario, scenario.curves, replications, seed, workers, folder, show_progress,
            max_memory, where=where,
        )  # fmt: skip
    summary = metrics.summarise(run.per_replication)
    checks = metrics.check_expectations(scenario, run.per_replication)
    write_manifest(
        run.staging, scenario, replications, seed, run.plan, time.perf_counter() - start,
        summary, checks,
    )  # fmt: skip
    if before_publish:
        before_publish(run.staging)
    run.publish()
    wall = time.perf_counter() - start  # the variants and the curves
    return RunResult(run.out_dir, run.per_replication, summary, checks, wall, run.plan)


def write_manifest(out_dir, scenario, replications, seed, run_plan, wall, summary, checks):
    seeds = replication_seeds(seed, replications)
    counts = {
        name: pl.scan_parquet(out_dir / f"{name}.parquet").select(pl.len()).collect().item()
        for name in tables.TABLES
    }
    storage.write_json(
        out_dir / "manifest.json",
        {
            "scenario": scenario.name,
            "description": scenario.description,
            "display": scenario.display,
            "group_display": scenario.group_display,
            "claims": scenario.claims,
            "language": scenario.language,
            "contrast": scenario.contrast,
            "focal_groups": scenario.focal_groups,
            "curves": scenario.curves if (out_dir / CURVES).is_dir() else {},
            "groups": roster(scenario.params),
            "scenario_file": scenario.path,
            "scenario_sha256": scenario.sha256,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "seed": seed,
            "replications": replications,
            "replication_seeds": [
                {"entropy": str(s.entropy), "spawn_key": list(s.spawn_key)} for s in seeds
            ],
            "workers": run_plan.workers,
            "estimate": {"peak_bytes": run_plan.peak_bytes, "seconds": run_plan.seconds},
            "wall_seconds": round(wall, 3),
            "variants": {
                name: {
                    "description": scenario.variant_info[name].description,
                    "display": scenario.variant_info[name].display,
                    "set": scenario.variant_info[name].set,
                    "expect": scenario.variant_info[name].expect,
                    "groups": roster(params),
                    "params": params.model_dump(),
                }
                for name, params in scenario.variants.items()
            },
            "metrics": metrics.as_dict(summary),
            "expectations": checks,
            "versions": versions(),
            "git_commit": git_commit(),
            "tables": counts,
        },
    )
