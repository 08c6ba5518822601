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

from sim.config import Params
from sim.experiments import metrics, tables
from sim.model import NetworkingModel
from sim.model.roster import resolve_traits
from sim.model.strategies import STRATEGIES
from sim.paths import RESULTS_DIR
from sim.scenario import ConfigError, Scenario, apply_overrides


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
    return tables.model_tables(model, task.replication, task.variant)


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
    """One table per kind; a format's own columns (e.g. seating in `scene`) are null elsewhere."""
    return {name: pl.concat([p[name] for p in parts], how="diagonal") for name in tables.TABLES}


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
    per_replication: pl.DataFrame  # variant, replication, metric, value
    summary: pl.DataFrame  # variant, metric, mean, n, ci_low, ci_high
    checks: list[dict]
    wall_seconds: float


def measure(scenario: Scenario, agents: pl.DataFrame) -> pl.DataFrame:
    """Every metric of every replication (sim/experiments/metrics.py)."""
    weeks = {name: params.run.weeks for name, params in scenario.variants.items()}
    return metrics.per_replication(agents, weeks, scenario.contrast)


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
    results = combine(run_tasks(tasks, workers, show_progress))
    wall = time.perf_counter() - start
    tables.write_tables(out_dir, results)
    per_rep = measure(scenario, results["agents"])
    summary = metrics.summarise(per_rep)
    checks = metrics.check_expectations(scenario, per_rep)
    seeds = replication_seeds(seed, replications)
    tables.write_json(
        out_dir / "manifest.json",
        {
            "scenario": scenario.name,
            "description": scenario.description,
            "claims": scenario.claims,
            "language": scenario.language,
            "contrast": scenario.contrast,
            "focal_groups": scenario.focal_groups,
            "groups": roster(scenario.params),
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
                    "groups": roster(params),
                    "params": params.model_dump(),
                }
                for name, params in scenario.variants.items()
            },
            "metrics": metrics.as_dict(summary),
            "expectations": checks,
            "versions": _versions(),
            "git_commit": _git_commit(),
            "tables": {name: df.height for name, df in results.items()},
        },
    )
    return RunResult(out_dir, results, per_rep, summary, checks, wall)


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
    ci_high, n): the units of every focal group and the scene metrics, also written to
    `sweep.parquet` there.
    """
    replications = replications or scenario.params.run.replications
    seed = scenario.params.run.seed if seed is None else seed
    seeds = replication_seeds(seed, replications)
    points = []
    for key, values in grid.items():
        for value in values:
            params = apply_overrides(scenario.params, {key: value}, f"--param {key}")
            points.append((key, value, f"{key}={value}", params))
    out_dir = prepare_out_dir(out_dir, f"{scenario.name}-sweep")
    tasks = [
        Task(label, i, params.model_dump_json(), seeds[i])
        for _, _, label, params in points
        for i in range(replications)
    ]
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    results = combine(run_tasks(tasks, workers, show_progress))
    weeks = {label: params.run.weeks for _, _, label, params in points}
    per_rep = metrics.per_replication(results["agents"], weeks)
    shown = [f"units.{g}" for g in scenario.focal_groups]
    shown += [m.name for m in metrics.by_scope("scene")]
    summary = metrics.summarise(per_rep.filter(pl.col("metric").is_in(shown)))
    labels = pl.DataFrame(
        [(label, key, str(value)) for key, value, label, _ in points],
        schema={"variant": pl.Utf8, "parameter": pl.Utf8, "value": pl.Utf8},
        orient="row",
    )
    point = {label: i for i, label in enumerate(weeks)}
    metric = {m: i for i, m in enumerate(shown)}
    sweep = (
        labels.join(summary, on="variant", how="left")
        .sort(
            pl.col("variant").replace_strict(point, return_dtype=pl.Int64),
            pl.col("metric").replace_strict(metric, default=len(metric), return_dtype=pl.Int64),
        )
        .select("parameter", "value", "metric", "mean", "ci_low", "ci_high", "n")
    )
    tables.write_atomic(out_dir / "sweep.parquet", sweep.write_parquet)
    return out_dir, sweep
