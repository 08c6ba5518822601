"""One-at-a-time sensitivity sweep of a scenario's base (`python -m sim sweep`).

Each key takes each of its values while the others stay at the base; every point uses the same
replication seeds (common random numbers), so points differ only by the swept value. Claims: any
(where does a claim hold and where does it break, one parameter at a time).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sim.experiments import metrics, tables
from sim.experiments.execution import execute
from sim.scenario import Scenario, apply_overrides


def run_sweep(
    scenario: Scenario,
    grid: dict[str, list],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    out_dir: Path | None = None,
    show_progress: bool = True,
    max_memory: float | None = None,
) -> tuple[Path, pl.DataFrame]:
    """Returns the output folder and a tidy table (parameter, value, metric, mean, ci_low,
    ci_high, n): the units of every focal group and the scene metrics, also written to
    `sweep.parquet` there."""
    replications = replications or scenario.params.run.replications
    seed = scenario.params.run.seed if seed is None else seed
    points = {}
    for key, values in grid.items():
        for value in values:
            label = f"{key}={value}"
            points[label] = (key, value, apply_overrides(scenario.params, {key: value}, label))
    run = execute(
        {label: p[2] for label, p in points.items()},
        replications,
        seed,
        workers=workers,
        out_dir=out_dir,
        folder=f"{scenario.name}-sweep",
        source=scenario.path,
        show_progress=show_progress,
        max_memory=max_memory,
    )
    out_dir, per_rep = run.out_dir, run.per_replication
    shown = [f"units.{g}" for g in scenario.focal_groups]
    shown += [m.name for m in metrics.by_scope("scene")]
    summary = metrics.summarise(per_rep.filter(pl.col("metric").is_in(shown)))
    labels = pl.DataFrame(
        [(label, key, str(value)) for label, (key, value, _) in points.items()],
        schema={"variant": pl.Utf8, "parameter": pl.Utf8, "value": pl.Utf8},
        orient="row",
    )
    order = {label: i for i, label in enumerate(points)}
    rank = {m: i for i, m in enumerate(shown)}
    sweep = (
        labels.join(summary, on="variant", how="left")
        .sort(
            pl.col("variant").replace_strict(order, return_dtype=pl.Int64),
            pl.col("metric").replace_strict(rank, default=len(rank), return_dtype=pl.Int64),
        )
        .select("parameter", "value", "metric", "mean", "ci_low", "ci_high", "n")
    )
    tables.write_atomic(out_dir / "sweep.parquet", sweep.write_parquet)
    return out_dir, sweep
