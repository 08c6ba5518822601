"""Metrics: one definition each, measured per replication, summarised across replications.

A metric is one entry of METRICS. It is computed per replication (one possible history) and then
summarised as a mean with a t-based 95 % confidence interval across replications
(`across_replications`, the one interval used everywhere). Names: a group metric is
`<metric>.<group>` for every focal group (e.g. `units.builders`); a scene metric is its bare name;
`ratio` compares the scenario's two contrast groups. Scenario files state the direction they
expect a metric to move against the base (`expect`); `check_expectations` judges it on the same
per-replication values, with paired differences (common random numbers). Claims: C1, C2, C10, C12.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import stats

Scope = Literal["group", "scene", "contrast"]


@dataclass(frozen=True)
class Metric:
    """A measure of one replication: per focal group, over the whole scene, or a contrast."""

    name: str
    scope: Scope
    description: str
    # group, scene: an aggregation over the agents rows (of the group, or all members);
    # contrast: a function of the contrast groups' units (better, other)
    value: Callable[..., pl.Expr]


def _mean(column: str) -> Callable[[], pl.Expr]:
    return lambda: pl.col(column).mean()


def _share(*degrees: int) -> Callable[[], pl.Expr]:
    """Share of the units sold at these degrees (null when no units were sold)."""

    def value() -> pl.Expr:
        part = pl.sum_horizontal(pl.col(f"units_degree{d}") for d in degrees).sum()
        return part / pl.col("units").sum()

    return value


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("units", "group", "units sold per member of the group (C1)", _mean("units")),
        Metric(
            "share_degree1",
            "group",
            "share of the group's units sold to people its members talked with (C2)",
            _share(1),
        ),
        Metric("share_degree2", "group", "share of units from one person between (C2)", _share(2)),
        Metric("share_degree3", "group", "share of units from two people between (C2)", _share(3)),
        Metric("indirect_share", "group", "share of units from degrees 2-3 (C2)", _share(2, 3)),
        Metric(
            "referrals_given",
            "group",
            "referrals given per member of the group (C9)",
            _mean("referrals_given"),
        ),
        Metric(
            "referrals_received",
            "group",
            "referrals received per member of the group (C9)",
            _mean("referrals_received"),
        ),
        Metric(
            "trusted_by",
            "group",
            "members who would refer a member of the group at the end (C4, C10)",
            _mean("trusted_by"),
        ),
        Metric(
            "avoided_by",
            "group",
            "members who avoid a member of the group at the end (C10)",
            _mean("avoided_by"),
        ),
        Metric("units_per_member", "scene", "units per member, all members (C12)", _mean("units")),
        Metric(
            "referrals_per_member_year",
            "scene",
            "referrals given per member per year, all members: a club's value (C12)",
            lambda: pl.col("referrals_given").sum() / pl.len() / (pl.col("weeks").first() / 52),
        ),
        Metric(
            "ratio",
            "contrast",
            "(units of the first contrast group + 1) / (units of the second + 1) (C1)",
            lambda better, other: (better + 1) / (other + 1),
        ),
    )
}


def by_scope(scope: Scope) -> list[Metric]:
    return [m for m in METRICS.values() if m.scope == scope]


def metric_problem(metric: str, params, contrast: list[str] | None) -> str | None:
    """Why `metric` cannot be measured for a variant with these params, or None if it can."""
    name, _, group = metric.partition(".")
    focal = [g.name for g in params.scene.groups if g.focal]
    known = METRICS.get(name)
    usage = (
        "allowed: "
        + ", ".join(f"{m}.<group>" for m, d in METRICS.items() if d.scope == "group")
        + ", "
        + ", ".join(m for m, d in METRICS.items() if d.scope != "group")
        + f" (focal groups: {', '.join(focal) or 'none'})"
    )
    if known is None or (known.scope == "group") != bool(group):
        return f"unknown metric '{metric}'; {usage}"
    if known.scope == "group" and group not in focal:
        return f"'{metric}': '{group}' is not a focal group; {usage}"
    if known.scope == "contrast" and not contrast:
        return f"'{metric}' needs [scenario] contrast = [better group, other group]"
    return None


def per_replication(
    agents: pl.DataFrame, weeks: dict[str, int], contrast: list[str] | None = None
) -> pl.DataFrame:
    """Every metric of every replication: a long table (variant, replication, metric, value).

    `weeks` is each variant's run length; a value that is undefined (a share of no units) is null.
    """
    agents = agents.with_columns(
        pl.col("variant").replace_strict(weeks, return_dtype=pl.Int64).alias("weeks")
    )
    keys = ["variant", "replication"]
    groups = (
        agents.filter(pl.col("focal"))
        .group_by([*keys, "group"], maintain_order=True)
        .agg(m.value().cast(pl.Float64).alias(m.name) for m in by_scope("group"))
        .unpivot(index=[*keys, "group"], variable_name="metric", value_name="value")
        .with_columns(pl.concat_str("metric", pl.lit("."), "group").alias("metric"))
        .drop("group")
    )
    scene = (
        agents.group_by(keys, maintain_order=True)
        .agg(m.value().cast(pl.Float64).alias(m.name) for m in by_scope("scene"))
        .unpivot(index=keys, variable_name="metric", value_name="value")
    )
    parts = [groups, scene]
    if contrast:
        units = (
            groups.filter(metric=f"units.{contrast[0]}")
            .drop("metric")
            .join(
                groups.filter(metric=f"units.{contrast[1]}").drop("metric"),
                on=keys,
                suffix="_other",
            )
        )
        parts += [
            units.select(
                *keys,
                pl.lit(m.name).alias("metric"),
                m.value(pl.col("value"), pl.col("value_other")).alias("value"),
            )
            for m in by_scope("contrast")
        ]
    return pl.concat(parts).with_columns(pl.col("value").fill_nan(None))


def across_replications(per_rep: pl.DataFrame, by: list[str], value: str) -> pl.DataFrame:
    """Mean and 95 % t-interval of `value` across replications, per group `by` (vectorised).

    `per_rep` has one row per replication and group. With one replication, or no spread, the
    interval has zero width. Nulls are left out (n counts the values used).
    """
    agg = (
        per_rep.drop_nulls(value)
        .group_by(by, maintain_order=True)
        .agg(
            pl.col(value).mean().alias("mean"),
            pl.col(value).std().fill_null(0.0).alias("sd"),
            pl.len().alias("n"),
        )
    )
    n = agg["n"].to_numpy()
    t = np.where(n > 1, stats.t.ppf(0.975, np.maximum(n - 1, 1)), 0.0)
    half = pl.Series(t * agg["sd"].to_numpy() / np.sqrt(n), dtype=pl.Float64)
    return agg.with_columns(
        (pl.col("mean") - half).alias("ci_low"), (pl.col("mean") + half).alias("ci_high")
    ).drop("sd")


def summarise(per_rep: pl.DataFrame) -> pl.DataFrame:
    """Per variant and metric: mean, 95 % CI and the number of replications that define it."""
    return across_replications(per_rep, ["variant", "metric"], "value")


def as_dict(summary: pl.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """{variant: {metric: {mean, ci_low, ci_high, n}}} (for manifest.json and the report)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for row in summary.to_dicts():
        out.setdefault(row["variant"], {})[row["metric"]] = {
            k: row[k] for k in ("mean", "ci_low", "ci_high", "n")
        }
    return out


def check_expectations(scenario, per_rep: pl.DataFrame) -> list[dict[str, Any]]:
    """Compare each variant with the base in the direction the scenario expects.

    `held` compares the means across replications; the difference variant - base is also taken
    replication by replication (replication i shares its seed across variants), and `clear` says
    whether its 95 % CI excludes zero (a definite sign, whichever it is; for `same`: whether it
    lies within 10 % of the base), null with fewer than two replications. So held with clear is
    a clear effect as expected, not held with clear a clear effect the other way, and not clear
    is noise-level. `held` is null where a metric is undefined (e.g. a share of no units).
    """
    means = {(r["variant"], r["metric"]): r["mean"] for r in summarise(per_rep).to_dicts()}
    checks = []
    for variant, info in scenario.variant_info.items():
        for metric, direction in info.expect.items():
            got = means.get((variant, metric), math.nan)
            ref = means.get(("base", metric), math.nan)
            if math.isnan(got) or math.isnan(ref):
                held = None
            elif direction == "lower":
                held = got < ref
            elif direction == "higher":
                held = got > ref
            else:
                held = math.isclose(got, ref, rel_tol=0.1)
            low, high = paired_difference(per_rep, variant, metric)
            if math.isnan(low):
                clear = None
            elif direction == "same":
                clear = abs(low) <= 0.1 * abs(ref) and abs(high) <= 0.1 * abs(ref)
            else:
                clear = low > 0 or high < 0
            checks.append(
                {
                    "variant": variant,
                    "metric": metric,
                    "expected": direction,
                    "base": ref,
                    "value": got,
                    "held": held if held is None else bool(held),
                    "difference_ci_low": low,
                    "difference_ci_high": high,
                    "clear": clear if clear is None else bool(clear),
                }
            )
    return checks


def paired_difference(per_rep: pl.DataFrame, variant: str, metric: str) -> tuple[float, float]:
    """95 % CI of the mean of (variant - base) over replications that define both."""
    rows = per_rep.filter(metric=metric)
    pairs = (
        rows.filter(variant=variant)
        .join(rows.filter(variant="base"), on="replication", suffix="_base")
        .drop_nulls(["value", "value_base"])
        .select("replication", (pl.col("value") - pl.col("value_base")).alias("difference"))
    )
    if pairs.height < 2:
        return math.nan, math.nan  # no interval from a single replication
    band = across_replications(pairs.with_columns(pl.lit(0).alias("all")), ["all"], "difference")
    return band["ci_low"][0], band["ci_high"][0]
