"""One-at-a-time sensitivity sweep of a scenario's base (`python -m sim sweep`).

The one-at-a-time design of the same engine as `run` and `explore` (sim/experiments/engine.py):
each point is a variant of the run machinery, so a sweep resumes, publishes its folder whole and
runs on the same executors.

Each key takes each of its values while the others stay at the base; every point uses the same
replication seeds (common random numbers), so points differ only by the swept value. A key is a
dotted parameter key, or a bare trait name set for every focal group at once (their habit: the
dose-response curves a run draws for its report, `[report.curves]`). With
`variants`, the scenario's variants run at every point too and their expectations are checked
there: the value at which a claim flips is its boundary (C13-C15 and any claim a variant tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from sim.experiments import cluster, metrics, tables
from sim.experiments.execution import execute
from sim.scenario import Scenario, apply_overrides, curve_overrides


def run_sweep(
    scenario: Scenario,
    grid: dict[str, list],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    out_dir: Path | None = None,
    show_progress: bool = True,
    max_memory: float | None = None,
    variants: bool = False,
    overwrite: bool = False,
    where: cluster.Where | None = None,
) -> tuple[Path, pl.DataFrame, pl.DataFrame | None]:
    """Returns the output folder, a tidy table (parameter, value, variant, metric, mean, ci_low,
    ci_high, n): the units of every focal group, the scene metrics and the metrics the variants
    expect to move (written to `sweep.parquet`), and with `variants` the expectation checks at
    each point (parameter, value, the columns of `metrics.check_expectations` with its base and
    value renamed base_mean and variant_mean; written to `checks.parquet`). `sweep.json`
    describes the sweep for its report (sim/report/sweep_page.py)."""
    replications = replications or scenario.params.run.replications
    seed = scenario.params.run.seed if seed is None else seed
    names = ["base"] + [v for v, i in scenario.variant_info.items() if i.expect and variants]
    points = {}  # label -> (key, value, variant)
    runs = {}
    for key, values in grid.items():
        for value in values:
            for name in names:
                label = f"{key}={value}" + ("" if name == "base" else f"@{name}")
                params = scenario.variants[name]
                runs[label] = apply_overrides(params, curve_overrides(params, key, value), label)
                points[label] = (key, str(value), name)
    run = execute(
        runs,
        replications,
        seed,
        workers=workers,
        out_dir=out_dir,
        folder=f"{scenario.name}-sweep",
        source=scenario.path,
        contrast=scenario.contrast,
        show_progress=show_progress,
        max_memory=max_memory,
        overwrite=overwrite,
        where=where,
    )
    out_dir, per_rep = run.staging, run.per_replication
    labels = pl.DataFrame(
        [(label, *point) for label, point in points.items()],
        schema={"label": pl.Utf8, "parameter": pl.Utf8, "point": pl.Utf8, "variant": pl.Utf8},
        orient="row",
    )
    per_point = per_rep.rename({"variant": "label"}).join(labels, on="label")
    checks = _checks_per_point(scenario, per_point) if len(names) > 1 else None
    if checks is not None:
        tables.write_atomic(out_dir / "checks.parquet", checks.write_parquet)
    sweep = _summary(scenario, per_point, list(points), checks is not None)
    tables.write_atomic(out_dir / "sweep.parquet", sweep.write_parquet)
    about = {
        "scenario": scenario.name,
        "description": scenario.description,
        "language": scenario.language,
        "grid": {key: [str(v) for v in values] for key, values in grid.items()},
        "replications": replications,
        "seed": seed,
        "variants": {n: scenario.variant_info[n].description for n in names if n != "base"},
    }
    text = json.dumps(about, indent=2, ensure_ascii=False)
    tables.write_atomic(out_dir / "sweep.json", lambda p: p.write_text(text, encoding="utf-8"))
    run.publish()
    return run.out_dir, sweep, checks


def _summary(scenario: Scenario, per_point: pl.DataFrame, order: list[str], expected: bool):
    shown = [f"units.{g}" for g in scenario.focal_groups]
    shown += [m.name for m in metrics.by_scope("scene")]
    if expected:  # and the metrics the variants expect to move
        shown += [m for i in scenario.variant_info.values() for m in i.expect if m not in shown]
    rank = {m: i for i, m in enumerate(dict.fromkeys(shown))}
    keys = ["label", "parameter", "point", "variant"]
    summary = metrics.summarise(
        per_point.filter(pl.col("metric").is_in(shown)).drop("variant").rename({"label": "variant"})
    ).rename({"variant": "label"})
    return (
        summary.join(per_point.select(keys).unique(), on="label")
        .sort(
            pl.col("label").replace_strict({k: i for i, k in enumerate(order)}),
            pl.col("metric").replace_strict(rank, default=len(rank), return_dtype=pl.Int64),
        )
        .select(
            "parameter",
            pl.col("point").alias("value"),
            "variant",
            "metric",
            "mean",
            "ci_low",
            "ci_high",
            "n",
        )
    )


def _checks_per_point(scenario: Scenario, per_point: pl.DataFrame) -> pl.DataFrame:
    """Each variant's expectation checked against the base at the same point of the sweep."""
    rows = []
    for (key, value), point in per_point.group_by("parameter", "point", maintain_order=True):
        for check in metrics.check_expectations(scenario, point.drop("label", "point")):
            means = {"base_mean": check.pop("base"), "variant_mean": check.pop("value")}
            rows.append({"parameter": key, "value": value, **check, **means})
    return pl.DataFrame(rows)
