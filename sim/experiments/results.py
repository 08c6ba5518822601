"""Tidy results: polars tables from a finished model, Parquet written atomically, summaries.

Tables (every column documented in docs/results.md): sales, referrals, agents, steps, scene,
pairs. Outcomes per variant and strategy come with 95 % confidence intervals across
replications (C1, C2); each variant's expected direction is checked against the base.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from sim.model.market import CHANNELS
from sim.model.strategies import STRATEGY_NAMES

TABLES = ("sales", "referrals", "agents", "steps", "scene", "pairs", "network")


def _strategy_names(codes: np.ndarray) -> pl.Series:
    return pl.Series(codes).replace_strict(dict(enumerate(STRATEGY_NAMES)), return_dtype=pl.Utf8)


def model_tables(model, replication: int, variant: str) -> dict[str, pl.DataFrame]:
    """All tables of one finished replication, with `replication` and `variant` columns first."""
    sales = model.market.ledger.sales_arrays()
    refs = model.market.ledger.referral_arrays()
    n_members = model.n_members
    strat = model.strategy_code

    sales_df = pl.DataFrame(
        {
            "step": sales["step"].astype(np.int32),
            "seller": sales["seller"].astype(np.int32),
            "seller_strategy": _strategy_names(strat[sales["seller"]]),
            "seller_focal": model.focal[sales["seller"]],
            "buyer": sales["buyer"].astype(np.int32),
            "buyer_is_member": sales["buyer"] < n_members,
            "sector": sales["sector"].astype(np.int32),
            "channel": pl.Series(sales["channel"]).replace_strict(
                dict(enumerate(CHANNELS)), return_dtype=pl.Utf8
            ),
            "degree": sales["degree"].astype(np.int8),
            "units": sales["units"].astype(np.int32),
            "referrer": sales["referrer"].astype(np.int32),
        }
    )
    refs_df = pl.DataFrame(
        {
            "step": refs["step"].astype(np.int32),
            "referrer": refs["referrer"].astype(np.int32),
            "provider": refs["provider"].astype(np.int32),
            "provider_strategy": _strategy_names(strat[refs["provider"]]),
            "buyer": refs["buyer"].astype(np.int32),
            "sector": refs["sector"].astype(np.int32),
            "degree": refs["degree"].astype(np.int8),
            "converted": refs["converted"].astype(bool),
            "outcome": pl.Series(
                np.where(refs["converted"], np.where(refs["good"], "good", "bad"), "none")
            ).cast(pl.Utf8),
        }
    )
    agents_df = _agents(model, sales, refs)
    steps_df = _steps(model, sales_df)
    scene_df = pl.from_pandas(model.datacollector.get_model_vars_dataframe().reset_index(drop=True))
    scene_df = scene_df.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int32).alias("step"))
    scene_df = scene_df.select(["step", *[c for c in scene_df.columns if c != "step"]])
    pairs_df = _pairs(model)
    network_df = _network(model)
    out = {
        "sales": sales_df,
        "referrals": refs_df,
        "agents": agents_df,
        "steps": steps_df,
        "scene": scene_df,
        "pairs": pairs_df,
        "network": network_df,
    }
    return {
        name: df.select(
            pl.lit(replication, dtype=pl.Int32).alias("replication"),
            pl.lit(variant).alias("variant"),
            pl.all(),
        )
        for name, df in out.items()
    }


def _agents(model, sales: dict[str, np.ndarray], refs: dict[str, np.ndarray]) -> pl.DataFrame:
    n = model.n_members
    store = model.store
    slots = np.arange(len(store))
    target = store.targets()
    memory_now = store.memory_at(slots, model.week)
    trust = store.trust(slots)
    tcfg, mcfg = store.trust_cfg, store.memory_cfg

    def per_member(values, weights=None):
        return np.bincount(values, weights=weights, minlength=n)[:n]

    units_by_degree = {
        d: per_member(sales["seller"], sales["units"] * (sales["degree"] == d)) for d in (1, 2, 3)
    }
    return pl.DataFrame(
        {
            "member": np.arange(n, dtype=np.int32),
            "strategy": _strategy_names(model.strategy_code),
            "sector": model.sector.astype(np.int32),
            "focal": model.focal,
            "units": per_member(sales["seller"], sales["units"]).astype(np.int64),
            "sales": per_member(sales["seller"]).astype(np.int64),
            "units_degree1": units_by_degree[1].astype(np.int64),
            "units_degree2": units_by_degree[2].astype(np.int64),
            "units_degree3": units_by_degree[3].astype(np.int64),
            "referrals_given": per_member(refs["referrer"]).astype(np.int64),
            "referrals_received": per_member(refs["provider"]).astype(np.int64),
            "conversations": model.conversations,
            "pitches": model.pitches_made,
            "known_by": per_member(target, memory_now >= mcfg.name_level).astype(np.int64),
            "trusted_by": per_member(target, trust >= tcfg.refer_level).astype(np.int64),
            "avoided_by": per_member(target, trust < tcfg.avoid_level).astype(np.int64),
        }
    )


def _steps(model, sales_df: pl.DataFrame) -> pl.DataFrame:
    """Per week and strategy: units sold by the focal sellers, per seller and cumulative."""
    weeks = pl.DataFrame({"step": np.arange(model.week, dtype=np.int32)})
    frames = []
    for name, members in model.focal_of.items():
        sellers = max(members.size, 1)
        weekly = (
            sales_df.filter(pl.col("seller_focal") & (pl.col("seller_strategy") == name))
            .group_by("step")
            .agg(pl.col("units").sum().alias("units"), pl.len().alias("sales"))
        )
        frame = (
            weeks.join(weekly, on="step", how="left")
            .fill_null(0)
            .sort("step")
            .with_columns(
                pl.lit(name).alias("strategy"),
                pl.lit(members.size, dtype=pl.Int32).alias("sellers"),
                pl.col("units").cum_sum().alias("units_cum"),
            )
            .with_columns((pl.col("units_cum") / sellers).alias("units_cum_per_seller"))
        )
        frames.append(
            frame.select(
                "step", "strategy", "sellers", "units", "sales", "units_cum", "units_cum_per_seller"
            )
        )
    return pl.concat(frames).with_columns(pl.col("units", "sales", "units_cum").cast(pl.Int64))


def _pairs(model) -> pl.DataFrame:
    """Mean memory and trust right after the n-th conversation of a pair, by partner strategy."""
    store = model.store
    rows = []
    for code, name in enumerate(STRATEGY_NAMES):
        count = store.curve_count[code]
        for meetings in np.flatnonzero(count):
            rows.append(
                {
                    "partner_strategy": name,
                    "meetings": int(meetings),
                    "conversations": int(count[meetings]),
                    "memory_mean": float(store.curve_memory[code, meetings] / count[meetings]),
                    "trust_mean": float(store.curve_trust[code, meetings] / count[meetings]),
                }
            )
    schema = {
        "partner_strategy": pl.Utf8,
        "meetings": pl.Int32,
        "conversations": pl.Int64,
        "memory_mean": pl.Float64,
        "trust_mean": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def _network(model) -> pl.DataFrame:
    """Snapshots of trusted and avoided member pairs (first replication only; else empty)."""
    schema = {
        "step": pl.Int32,
        "src": pl.Int32,
        "dst": pl.Int32,
        "memory": pl.Float64,
        "trust": pl.Float64,
    }
    if not model.network_snapshots:
        return pl.DataFrame(schema=schema)
    columns = {k: np.concatenate([s[k] for s in model.network_snapshots]) for k in schema}
    return pl.DataFrame(columns).cast(schema)


# --- writing ----------------------------------------------------------------------------------
def write_atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename (never half a file)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_tables(out_dir: Path, tables: dict[str, pl.DataFrame]) -> None:
    for name, df in tables.items():
        write_atomic(out_dir / f"{name}.parquet", df.write_parquet)


def _json_safe(value: Any) -> Any:
    """Strict JSON: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_json(path: Path, payload: dict[str, Any]) -> None:
    text = json.dumps(_json_safe(payload), indent=2, allow_nan=False, default=str)
    write_atomic(path, lambda p: p.write_text(text + "\n", encoding="utf-8"))


# --- summaries --------------------------------------------------------------------------------
def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval across replications (zero width for one value)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else math.nan
    if values.size < 2 or np.all(values == values[0]):
        return mean, mean, mean
    low, high = stats.t.interval(level, values.size - 1, loc=mean, scale=stats.sem(values))
    return mean, float(low), float(high)


def focal_per_replication(agents: pl.DataFrame) -> pl.DataFrame:
    """Per variant, replication and strategy: mean outcomes per focal seller."""
    return (
        agents.filter(pl.col("focal"))
        .group_by("variant", "replication", "strategy")
        .agg(
            pl.col("units").mean(),
            pl.col("units_degree1").sum().alias("d1"),
            pl.col("units_degree2").sum().alias("d2"),
            pl.col("units_degree3").sum().alias("d3"),
            pl.col("referrals_given").mean(),
            pl.col("referrals_received").mean(),
            pl.col("avoided_by").mean(),
        )
        .sort("variant", "strategy", "replication")
    )


def summarise(agents: pl.DataFrame) -> pl.DataFrame:
    """Per variant and strategy: units per focal seller with 95 % CI, degree shares, referrals."""
    per_rep = focal_per_replication(agents)
    rows = []
    for (variant, strategy), group in per_rep.group_by("variant", "strategy", maintain_order=True):
        mean, low, high = mean_ci(group["units"].to_numpy())
        d = np.array([group["d1"].sum(), group["d2"].sum(), group["d3"].sum()], dtype=float)
        share = d / d.sum() if d.sum() else np.full(3, math.nan)
        rows.append(
            {
                "variant": variant,
                "strategy": strategy,
                "replications": group.height,
                "units_mean": mean,
                "units_ci_low": low,
                "units_ci_high": high,
                "share_degree1": share[0],
                "share_degree2": share[1],
                "share_degree3": share[2],
                "referrals_given": float(group["referrals_given"].mean()),
                "referrals_received": float(group["referrals_received"].mean()),
                "avoided_by": float(group["avoided_by"].mean()),
            }
        )
    schema = {
        "variant": pl.Utf8,
        "strategy": pl.Utf8,
        "replications": pl.Int64,
        **{
            c: pl.Float64
            for c in (
                "units_mean",
                "units_ci_low",
                "units_ci_high",
                "share_degree1",
                "share_degree2",
                "share_degree3",
                "referrals_given",
                "referrals_received",
                "avoided_by",
            )
        },
    }
    return pl.DataFrame(rows, schema=schema)


def across_replications(per_rep: pl.DataFrame, by: list[str], value: str) -> pl.DataFrame:
    """Mean and 95 % t-interval of `value` across replications, per group `by` (vectorised).

    `per_rep` has one row per replication and group. With one replication, or no spread, the
    interval has zero width (as mean_ci).
    """
    agg = per_rep.group_by(by, maintain_order=True).agg(
        pl.col(value).mean().alias("mean"),
        pl.col(value).std().fill_null(0.0).alias("sd"),
        pl.len().alias("n"),
    )
    n = agg["n"].to_numpy()
    t = np.where(n > 1, stats.t.ppf(0.975, np.maximum(n - 1, 1)), 0.0)
    half = pl.Series(t * agg["sd"].to_numpy() / np.sqrt(n))
    return agg.with_columns(
        (pl.col("mean") - half).alias("ci_low"), (pl.col("mean") + half).alias("ci_high")
    ).drop("sd")


SCENE_METRICS = ("units_per_member", "referrals_per_member_year")


def scene_per_replication(agents: pl.DataFrame, scene: pl.DataFrame) -> pl.DataFrame:
    """Per variant and replication, over all members: units per member and referrals given per
    member per year (C12: the club's value is the referrals it passes)."""
    weeks = scene.group_by("variant", "replication").agg(pl.len().alias("weeks"))
    return (
        agents.group_by("variant", "replication")
        .agg(
            pl.col("units").mean().alias("units_per_member"),
            (pl.col("referrals_given").sum() / pl.len()).alias("referrals_per_member"),
        )
        .join(weeks, on=["variant", "replication"])
        .select(
            "variant",
            "replication",
            "units_per_member",
            (pl.col("referrals_per_member") / (pl.col("weeks") / 52)).alias(
                "referrals_per_member_year"
            ),
        )
    )


def scene_summary(agents: pl.DataFrame, scene: pl.DataFrame) -> pl.DataFrame:
    """Per variant: the scene metrics' mean and 95 % CI across replications."""
    per_rep = scene_per_replication(agents, scene)
    out = per_rep.group_by("variant", maintain_order=True).agg(pl.len().alias("replications"))
    for metric in SCENE_METRICS:
        band = across_replications(per_rep, ["variant"], metric).select(
            "variant",
            pl.col("mean").alias(metric),
            pl.col("ci_low").alias(f"{metric}_ci_low"),
            pl.col("ci_high").alias(f"{metric}_ci_high"),
        )
        out = out.join(band, on="variant", maintain_order="left")
    order = {v: i for i, v in enumerate(agents["variant"].unique(maintain_order=True))}
    return out.sort(pl.col("variant").replace_strict(order, return_dtype=pl.Int64))


def variant_metrics(
    summary: pl.DataFrame, scene: pl.DataFrame | None = None
) -> dict[str, dict[str, float]]:
    """Per variant the metrics that scenario files state expectations about (config.METRICS)."""
    out: dict[str, dict[str, float]] = {}
    scene_rows = {r["variant"]: r for r in scene.to_dicts()} if scene is not None else {}
    for variant in summary["variant"].unique(maintain_order=True):
        rows = {r["strategy"]: r for r in summary.filter(pl.col("variant") == variant).to_dicts()}
        whole = scene_rows.get(variant, {})
        rel = rows.get("relationship", {}).get("units_mean", math.nan)
        direct = rows.get("direct", {}).get("units_mean", math.nan)
        indirect = 1.0 - rows.get("relationship", {}).get("share_degree1", math.nan)
        out[variant] = {
            "relationship_units": rel,
            "direct_units": direct,
            # Add-one ratio: defined when the direct seller sells nothing (or nobody sells).
            "ratio": (rel + 1.0) / (direct + 1.0),
            "raw_ratio": rel / direct if direct else math.inf if rel > 0 else math.nan,
            "indirect_share": indirect,
            "direct_avoided_by": rows.get("direct", {}).get("avoided_by", math.nan),
            "units_per_member": whole.get("units_per_member", math.nan),
            "referrals_per_member_year": whole.get("referrals_per_member_year", math.nan),
        }
    return out


def replication_metrics(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per variant and replication, one column per metric of config.METRICS.

    Replication i shares its seed across variants (common random numbers), so differences
    between variants can be taken replication by replication (paired).
    """
    focal = focal_per_replication(tables["agents"])

    def of(strategy: str, column: str, name: str) -> pl.DataFrame:
        return focal.filter(strategy=strategy).select(
            "variant", "replication", pl.col(column).cast(pl.Float64).alias(name)
        )

    keys = tables["agents"].select("variant", "replication").unique(maintain_order=True)
    indirect = focal.filter(strategy="relationship").select(
        "variant",
        "replication",
        ((pl.col("d2") + pl.col("d3")) / (pl.col("d1") + pl.col("d2") + pl.col("d3")))
        .cast(pl.Float64)
        .alias("indirect_share"),
    )
    scene = scene_per_replication(tables["agents"], tables["scene"])
    wide = keys
    for part in (
        of("relationship", "units", "relationship_units"),
        of("direct", "units", "direct_units"),
        of("direct", "avoided_by", "direct_avoided_by"),
        indirect,
        scene,
    ):
        wide = wide.join(part, on=["variant", "replication"], how="left")
    return wide.with_columns(
        ((pl.col("relationship_units") + 1) / (pl.col("direct_units") + 1)).alias("ratio")
    )


def check_expectations(
    scenario, metrics: dict[str, dict[str, float]], per_replication: pl.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Compare each variant's metrics with the base against the direction the scenario expects.

    `held` compares the means (for `ratio`: the ratio of the mean units). With `per_replication`
    (see replication_metrics) each check also gets the 95 % CI of the paired difference
    variant - base and `clear`: whether that CI excludes zero, i.e. the difference has a
    definite sign, whichever it is (for `same`: whether it lies within 10 % of the base); null
    with fewer than two replications. So held with clear is a clear effect as expected, not
    held with clear a clear effect the other way, and not clear is noise-level.
    """
    base = metrics.get("base", {})
    checks = []
    for variant, info in scenario.variant_info.items():
        for metric, direction in info.expect.items():
            got = metrics.get(variant, {}).get(metric, math.nan)
            ref = base.get(metric, math.nan)
            if math.isnan(got) or math.isnan(ref):
                held = None  # undefined: e.g. no focal seller of a strategy
            elif direction == "lower":
                held = got < ref
            elif direction == "higher":
                held = got > ref
            else:
                held = math.isclose(got, ref, rel_tol=0.1)
            low, high = _paired_difference(per_replication, variant, metric)
            if math.isnan(low):
                clear = None
            elif direction == "same":
                clear = abs(low) <= 0.1 * abs(ref) and abs(high) <= 0.1 * abs(ref)
            else:
                clear = low > 0 or high < 0  # the difference has a definite sign
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


def _paired_difference(per_replication, variant: str, metric: str) -> tuple[float, float]:
    if per_replication is None or metric not in per_replication.columns:
        return math.nan, math.nan
    pairs = (
        per_replication.filter(variant=variant)
        .select("replication", pl.col(metric).alias("v"))
        .join(
            per_replication.filter(variant="base").select("replication", pl.col(metric).alias("b")),
            on="replication",
        )
        .drop_nulls()
        .filter(pl.col("v").is_finite() & pl.col("b").is_finite())
    )
    if pairs.height < 2:
        return math.nan, math.nan  # no interval from a single replication
    _, low, high = mean_ci((pairs["v"] - pairs["b"]).to_numpy())
    return low, high
