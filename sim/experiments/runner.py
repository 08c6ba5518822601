"""Run a scenario: every variant x replication, in worker processes, reproducibly.

Replication seeds come from numpy.random.SeedSequence(seed).spawn(n) in the parent; replication
i uses the same seed in every variant (common random numbers), so variants differ only by their
parameters, and results never depend on worker count or completion order.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import polars as pl
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sim.config import ConfigError, Params, Scenario, apply_overrides
from sim.experiments import results
from sim.model import NetworkingModel

RESULTS_DIR = Path(__file__).resolve().parents[2] / "results"


@dataclass(frozen=True)
class Task:
    variant: str
    replication: int
    params_json: str
    seed: np.random.SeedSequence


def run_replication(task: Task) -> dict[str, pl.DataFrame]:
    """One model run: the unit of work sent to a worker process."""
    params = Params.model_validate_json(task.params_json)
    # The network over time is kept for the first replication only (the report's slider).
    model = NetworkingModel(params, rng=task.seed, record_network=task.replication == 0).run()
    return results.model_tables(model, task.replication, task.variant)


def replication_seeds(seed: int, n: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


def make_tasks(scenario: Scenario, replications: int, seed: int) -> list[Task]:
    seeds = replication_seeds(seed, replications)
    return [
        Task(name, i, params.model_dump_json(), seeds[i])
        for name, params in scenario.variants.items()
        for i in range(replications)
    ]


def run_tasks(tasks: list[Task], workers: int, show_progress: bool = True):
    """Run tasks on `workers` processes (1 = in this process); results in task order."""
    done: dict[int, dict[str, pl.DataFrame]] = {}
    progress = Progress(
        TextColumn("[bold]simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not show_progress,
        transient=False,
    )
    with progress:
        bar = progress.add_task("runs", total=len(tasks))
        if workers <= 1:
            for i, task in enumerate(tasks):
                done[i] = run_replication(task)
                progress.advance(bar)
        else:
            # spawn, not fork: forking after polars' thread pool started can deadlock.
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
                futures = {pool.submit(run_replication, t): i for i, t in enumerate(tasks)}
                for future in as_completed(futures):
                    done[futures[future]] = future.result()
                    progress.advance(bar)
    return [done[i] for i in range(len(tasks))]


def combine(parts: list[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    return {name: pl.concat([p[name] for p in parts]) for name in results.TABLES}


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


def _git_commit() -> str | None:
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


def _versions() -> dict[str, str]:
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
    tables: dict[str, pl.DataFrame]
    summary: pl.DataFrame
    scene_summary: pl.DataFrame
    checks: list[dict]
    wall_seconds: float


def run_scenario(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    out_dir: Path | None = None,
    show_progress: bool = True,
) -> RunResult:
    """Run all variants and replications, write Parquet tables and manifest.json to out_dir.

    With workers > 1 the replications run in spawned processes, so a script that calls this must
    do so under `if __name__ == "__main__":` (the standard multiprocessing rule).
    """
    replications = replications or scenario.params.run.replications
    seed = scenario.params.run.seed if seed is None else seed
    out_dir = prepare_out_dir(out_dir, scenario.name)
    start = time.perf_counter()
    tasks = make_tasks(scenario, replications, seed)
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    tables = combine(run_tasks(tasks, workers, show_progress))
    wall = time.perf_counter() - start
    results.write_tables(out_dir, tables)
    summary = results.summarise(tables["agents"])
    scene_summary = results.scene_summary(tables["agents"], tables["scene"])
    metrics = results.variant_metrics(summary, scene_summary)
    checks = results.check_expectations(scenario, metrics, results.replication_metrics(tables))
    seeds = replication_seeds(seed, replications)
    results.write_json(
        out_dir / "manifest.json",
        {
            "scenario": scenario.name,
            "description": scenario.description,
            "claims": scenario.claims,
            "language": scenario.language,
            "scenario_file": scenario.path,
            "scenario_sha256": scenario.sha256,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "seed": seed,
            "replications": replications,
            "replication_seeds": [
                {"entropy": str(s.entropy), "spawn_key": list(s.spawn_key)} for s in seeds
            ],
            "workers": workers,
            "wall_seconds": round(wall, 3),
            "variants": {
                name: {
                    "description": scenario.variant_info[name].description,
                    "set": scenario.variant_info[name].set,
                    "expect": scenario.variant_info[name].expect,
                    "params": params.model_dump(),
                }
                for name, params in scenario.variants.items()
            },
            "metrics": metrics,
            "expectations": checks,
            "versions": _versions(),
            "git_commit": _git_commit(),
            "tables": {name: df.height for name, df in tables.items()},
        },
    )
    return RunResult(out_dir, tables, summary, scene_summary, checks, wall)


SWEEP_METRICS = (
    "relationship_units",
    "direct_units",
    "units_per_member",
    "referrals_per_member_year",
)


def run_sweep(
    scenario: Scenario,
    grid: dict[str, list],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    out_dir: Path | None = None,
    show_progress: bool = True,
) -> tuple[Path, pl.DataFrame]:
    """One-at-a-time sensitivity sweep of the scenario's base: each key over its values, the
    others at the base. Same replication seeds at every point (common random numbers).

    Returns the output folder and a tidy table (parameter, value, metric, mean, ci_low,
    ci_high), also written to `sweep.parquet` there.
    """
    replications = replications or scenario.params.run.replications
    seed = scenario.params.run.seed if seed is None else seed
    seeds = replication_seeds(seed, replications)
    points = []
    for key, values in grid.items():
        for value in values:
            params = apply_overrides(scenario.params, {key: value}, f"--param {key}")
            points.append((key, value, params))
    out_dir = prepare_out_dir(out_dir, f"{scenario.name}-sweep")
    tasks = [
        Task(f"{key}={value}", i, params.model_dump_json(), seeds[i])
        for key, value, params in points
        for i in range(replications)
    ]
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    tables = combine(run_tasks(tasks, workers, show_progress))
    per_rep = results.focal_per_replication(tables["agents"])
    scene = {
        r["variant"]: r for r in results.scene_summary(tables["agents"], tables["scene"]).to_dicts()
    }
    rows = []
    for key, value, _ in points:
        label = f"{key}={value}"
        for metric in SWEEP_METRICS:
            strategy = {"relationship_units": "relationship", "direct_units": "direct"}.get(metric)
            if strategy:
                units = per_rep.filter(variant=label, strategy=strategy)["units"].to_numpy()
                mean, low, high = results.mean_ci(units)
            else:
                row = scene[label]
                mean, low, high = row[metric], row[f"{metric}_ci_low"], row[f"{metric}_ci_high"]
            rows.append(
                {
                    "parameter": key,
                    "value": str(value),
                    "metric": metric,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    sweep = pl.DataFrame(rows).fill_nan(None)  # undefined (e.g. no focal seller): null
    results.write_atomic(out_dir / "sweep.parquet", sweep.write_parquet)
    return out_dir, sweep
