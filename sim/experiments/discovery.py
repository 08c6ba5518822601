"""What an exploration found: what drives each metric, and where in the space each claim holds.

Read from the tasks' files alone (`runs/`, sim/experiments/explore.py). Per point, each metric is
the mean over its replications with its 95 % interval; each claim is judged at each point by the
one registry (sim/experiments/claims.py), in its two parts, on those replications, and holds at a
point when it holds in full (its direction, and its size where the essay names a figure). Then:

- `sensitivity.parquet`: per metric and parameter, SALib's indices with 95 % intervals (SALib's
  bootstrap): Morris mu* (with mu and sigma), Sobol' S1 and ST, or RBD-FAST S1 for a Latin
  hypercube; none for a posterior design (its points are draws from a posterior, not a design
  these analyses can read: the file is written empty);
- `boundaries.parquet`: per claim, the share of the design's points where it holds (Wilson 95 %
  interval) and the box where it holds, found by PRIM (ema_workbench): on the peeling
  trajectory, the densest box that still covers 80 % of the points where the claim holds (for a
  posterior design the share is the probability that the claim holds given the evidence, and
  the box says which of the posterior's parameters decide it); `qp`: the quasi-p-value of the
  box's restriction of a parameter (PRIM's own test, the smaller of its two ends; below
  QP_DECIDES a parameter decides whether the claim holds);
- `points.parquet`: every point's parameter values, metric means and claims' verdicts (held.<claim>:
  in full; direction.<claim>, size.<claim>: the parts).

Claims: C1, C2, C10, C12 (those the registry measures from a run's metrics).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl

from sim.experiments import claims, tables
from sim.experiments.design import Plan
from sim.experiments.metrics import across_replications
from sim.scenario import Scenario

RUNS = "runs"  # the tasks' files, in the exploration's folder (sim/experiments/explore.py)
MIN_COVERAGE = 0.8  # the PRIM box kept covers at least this share of the points that hold
QP_DECIDES = 0.05  # a restriction this unlikely by chance decides (Bryant & Lempert's test)
HELD = "held."  # points.parquet: held.<claim> columns
PARTS = ("direction.", "size.")  # ... and direction.<claim>, size.<claim>
PRIMARY = ("morris", "sobol", "lhs")  # the designs SALib's analyses read (not "posterior")


def point_rows(out_dir: Path) -> pl.DataFrame:
    """Every replication's metrics at every point (point, replication, metric, value)."""
    return pl.read_parquet(out_dir / RUNS / "p*-r*.parquet").sort("point", "replication")


def point_means(rows: pl.DataFrame) -> pl.DataFrame:
    """Per point and metric: the mean over the replications (null where none defines it) and
    how many do."""
    return (
        rows.group_by("point", "metric")
        .agg(pl.col("value").mean().alias("mean"), pl.col("value").count().alias("n"))
        .sort("point", "metric")
    )


def analysed_metrics(scenario: Scenario, available: list[str]) -> list[str]:
    """The headline metrics: each focal group's units and indirect share, the contrast's
    ratio, the scene's metrics, and every claim's measure."""
    wanted = [f"units.{g}" for g in scenario.focal_groups]
    wanted += ["ratio", *(f"indirect_share.{g}" for g in scenario.focal_groups)]
    wanted += ["units_per_member", "referrals_per_member_year"]
    measures = (
        claims.measure_of(c, scenario.contrast, scenario.focal_groups) for c in claims.CLAIMS
    )
    wanted += [m for m in measures if m]
    return [m for m in dict.fromkeys(wanted) if m in available]


def evidence(scenario: Scenario, rows: pl.DataFrame, members: int) -> claims.Evidence:
    """A point's evidence from its replications' metrics (no memory curves: C3 and C4 are not
    judged at points)."""
    summary = across_replications(rows, ["metric"], "value")
    metrics = {r["metric"]: r for r in summary.to_dicts()}
    wide = rows.pivot(on="metric", index="replication", values="value").sort("replication")
    per_rep = {m: wide[m].cast(pl.Float64).fill_null(np.nan).to_numpy() for m in metrics}
    return claims.Evidence(
        metrics=metrics,
        contrast=scenario.contrast,
        focal_groups=scenario.focal_groups,
        members=members,
        per_rep=per_rep,
        weeks=scenario.params.run.weeks,
    )


def points_table(scenario: Scenario, plan: Plan, rows: pl.DataFrame, members: list[int]):
    """One row per point: its parameter values, metric means and each claim's verdict (in full,
    and its direction and size)."""
    wide = point_means(rows).pivot(on="metric", index="point", values="mean").sort("point")
    values = pl.DataFrame(
        {name: plan.points[:, j] for j, name in enumerate(plan.names)}
    ).with_row_index("point")
    table = values.with_columns(pl.col("point").cast(pl.Int64)).join(wide, on="point", how="left")
    verdicts: dict[str, list] = {}
    focal, contrast = scenario.focal_groups, scenario.contrast
    measured_by = [c for c in claims.CLAIMS if claims.measure_of(c, contrast, focal)]
    for (point,), part in rows.group_by("point", maintain_order=True):
        ev = evidence(scenario, part.drop("point"), members[point])
        for cid in measured_by:  # (the memory curves of C3, C4 are not kept at points)
            verdict = claims.judge(cid, ev)
            parts = (claims.in_full(verdict), *(getattr(verdict, k[:-1], None) for k in PARTS))
            for column, value in zip((HELD, *PARTS), parts, strict=True):
                verdicts.setdefault(f"{column}{cid}", []).append(value)
    measured = [c.removeprefix(HELD) for c, v in verdicts.items()
                if c.startswith(HELD) and any(x is not None for x in v)]  # fmt: skip
    columns = [pl.Series(f"{HELD}{c}", verdicts[f"{HELD}{c}"], dtype=pl.Boolean) for c in measured]
    columns += [pl.Series(f"{p}{c}", verdicts[f"{p}{c}"], dtype=pl.Utf8) for p in PARTS
                for c in measured]  # fmt: skip
    return table.with_columns(columns)


def sensitivity(plan: Plan, points: pl.DataFrame, metric_names: list[str]) -> pl.DataFrame:
    """SALib's indices per metric and parameter (a metric undefined at some point is left out)."""
    from SALib.analyze import morris, rbd_fast, sobol

    spec, problem, seed = plan.spec, plan.problem, plan.design_seed
    rows = []
    for metric in metric_names if spec.design in PRIMARY else []:
        y = points[metric].cast(pl.Float64).to_numpy()
        if np.isnan(y).any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SALib's notes on sample sizes and constant outputs
            if spec.design == "morris":
                res = morris.analyze(
                    problem, plan.design_points, y, num_levels=spec.levels, seed=seed
                )
                indices = {"mu_star": "mu_star_conf", "sigma": None, "mu": None}
            elif spec.design == "sobol":
                res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
                indices = {"S1": "S1_conf", "ST": "ST_conf"}
            else:
                res = rbd_fast.analyze(problem, plan.design_points, y, seed=seed)
                indices = {"S1": "S1_conf"}
        for index, conf in indices.items():
            for j, name in enumerate(plan.names):
                value = float(res[index][j])
                half = float(res[conf][j]) if conf else None
                rows.append((metric, name, index, value, half))
    frame = pl.DataFrame(
        rows,
        schema={
            "metric": pl.Utf8,
            "parameter": pl.Utf8,
            "index": pl.Utf8,
            "value": pl.Float64,
            "half": pl.Float64,
        },
        orient="row",
    )
    return frame.select(
        "metric",
        "parameter",
        pl.lit(spec.design).alias("method"),
        "index",
        "value",
        (pl.col("value") - pl.col("half")).alias("ci_low"),
        (pl.col("value") + pl.col("half")).alias("ci_high"),
    )


def boundaries(plan: Plan, points: pl.DataFrame) -> pl.DataFrame:
    """Per claim and parameter: the share of points where the claim holds and its PRIM box."""
    from scipy.stats import binomtest

    rows = []
    for column in [c for c in points.columns if c.startswith(HELD)]:
        held = points[column]
        known = held.is_not_null().to_numpy()
        y = held.fill_null(False).to_numpy()[known]
        k, n = int(y.sum()), int(known.sum())
        ci = binomtest(k, n).proportion_ci(method="wilson") if n else None
        box = _prim_box(plan, plan.points[known], y)
        claim = column.removeprefix(HELD)
        direction = (points[f"{PARTS[0]}{claim}"] == "holds").fill_null(False).to_numpy()
        for j, name in enumerate(plan.names):
            lo, hi = plan.problem["bounds"][j]
            low, high = box["limits"][j] if box else (None, None)
            rows.append(
                {
                    "claim": claim,
                    "points": n,
                    "held_points": k,
                    "share": k / n if n else None,
                    "direction_share": direction[known].mean() if n else None,
                    "share_ci_low": ci.low if ci else None,
                    "share_ci_high": ci.high if ci else None,
                    "coverage": box["coverage"] if box else None,
                    "density": box["density"] if box else None,
                    "mass": box["mass"] if box else None,
                    "parameter": name,
                    "low": low,
                    "high": high,
                    "restricted": bool(box) and (low > lo or high < hi),
                    "qp": (box.get("qp") or {}).get(name) if box else None,
                }
            )
    return pl.DataFrame(rows, infer_schema_length=None)


def _prim_box(plan: Plan, x: np.ndarray, y: np.ndarray) -> dict | None:
    """PRIM's box for the points where y holds; the whole space if it holds everywhere, None
    if nowhere."""
    bounds = plan.problem["bounds"]
    if not y.any():
        return None
    if y.all():
        return {"coverage": 1.0, "density": 1.0, "mass": 1.0, "limits": bounds}
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench: optional engines not installed
        from ema_workbench.analysis import prim

        frame = pd.DataFrame(x, columns=plan.names)
        box = prim.Prim(frame, y.astype(int), mass_min=0.05).find_box()
        trajectory = box.peeling_trajectory
        wide = trajectory[trajectory["coverage"] >= MIN_COVERAGE]
        chosen = int(wide["density"].idxmax()) if len(wide) else 0
        box.select(chosen)
        stats = trajectory.iloc[chosen]
        limits = box.box_lim
        qp = box.inspect(chosen, style="data")[0][1]  # per restricted parameter: low, high
    return {
        "coverage": float(stats["coverage"]),
        "density": float(stats["density"]),
        "mass": float(stats["mass"]),
        "limits": [(float(limits[n].iloc[0]), float(limits[n].iloc[1])) for n in plan.names],
        "qp": {n: float(np.nanmin(r.to_numpy()[2:4].astype(float))) for n, r in qp.iterrows()},
    }


def analyse(scenario: Scenario, plan: Plan, out_dir: Path, members: list[int]) -> dict:
    """Write points, sensitivity and boundaries; returns what is missing, if anything."""
    rows = point_rows(out_dir)
    missing = sorted(set(range(len(plan.points))) - set(rows["point"].unique().to_list()))
    if missing:
        return {"missing_points": missing}
    points = points_table(scenario, plan, rows, members)
    wanted = analysed_metrics(scenario, rows["metric"].unique().to_list())
    tables.write_atomic(out_dir / "points.parquet", points.write_parquet)
    sens = sensitivity(plan, points, wanted)
    tables.write_atomic(out_dir / "sensitivity.parquet", sens.write_parquet)
    tables.write_atomic(out_dir / "boundaries.parquet", boundaries(plan, points).write_parquet)
    if plan.spec.design not in PRIMARY:
        return {"missing_points": [], "metrics": wanted, "sensitivity": "skipped (posterior)"}
    skipped = [m for m in wanted if m not in set(sens["metric"].to_list())]
    return {"missing_points": [], "metrics": wanted, "undefined_somewhere": skipped}
