"""Tidy results: polars tables from a finished model (written atomically: sim/storage.py).

Tables (every column documented in docs/results.md): sales, referrals, agents, steps, scene,
pairs, network. Members are named by their group and strategy; the metrics computed from these
tables are in sim/experiments/metrics.py. In a scene of several regions, members and persons are
numbered within their region (the `region` column of the per-member and per-event tables), and
the weekly and per-conversation tables are summed over the regions (REGION_SUMS).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sim.model.market import CHANNELS
from sim.model.strategies import trait_names
from sim.storage import write_atomic, write_json  # noqa: F401 - the writers, where callers find them

TABLES = ("sales", "referrals", "agents", "steps", "scene", "pairs", "network")
REGIONAL = ("sales", "referrals", "agents", "network")  # rows of one region: a `region` column


def _names(model, members: np.ndarray) -> dict[str, pl.Series]:
    """The group and strategy of each member in `members`, as text columns."""
    return _group_names(model, model.group_of[members])


def _group_names(model, group: np.ndarray, prefix: str = "") -> dict[str, pl.Series]:
    """The name and strategy of each group index in `group`, as text columns."""
    return {
        f"{prefix}group": pl.Series([g.name for g in model.groups], dtype=pl.Utf8)[group],
        f"{prefix}strategy": pl.Series([g.strategy for g in model.groups], dtype=pl.Utf8)[group],
    }


def model_tables(model, replication: int, variant: str, region: int = 0) -> dict[str, pl.DataFrame]:
    """All tables of one finished replication (or region of one), with `replication` and
    `variant` columns first, then `region` in the tables of REGIONAL."""
    sales = model.market.ledger.sales_arrays()
    refs = model.market.ledger.referral_arrays()
    n_members = model.n_members
    seller = _names(model, sales["seller"])
    provider = _names(model, refs["provider"])

    sales_df = pl.DataFrame(
        {
            "step": sales["step"].astype(np.int32),
            "seller": sales["seller"].astype(np.int32),
            "seller_group": seller["group"],
            "seller_strategy": seller["strategy"],
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
            "lifetime": sales["lifetime"].astype(np.int32),
        }
    )
    refs_df = pl.DataFrame(
        {
            "step": refs["step"].astype(np.int32),
            "referrer": refs["referrer"].astype(np.int32),
            "provider": refs["provider"].astype(np.int32),
            "provider_group": provider["group"],
            "provider_strategy": provider["strategy"],
            "buyer": refs["buyer"].astype(np.int32),
            "sector": refs["sector"].astype(np.int32),
            "degree": refs["degree"].astype(np.int8),
            "converted": refs["converted"].astype(bool),
            "outcome": _outcomes(refs["converted"], refs["good"]),
        }
    )
    agents_df = _agents(model, sales, refs)
    steps_df = _steps(model, sales)
    reported = model.datacollector.model_vars
    scene_df = pl.DataFrame({"step": np.arange(model.week, dtype=np.int32), **reported})
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
            *([pl.lit(region, dtype=pl.Int32).alias("region")] if name in REGIONAL else []),
            pl.all(),
        )
        for name, df in out.items()
    }


OUTCOMES = ("none", "bad", "good")  # a referral not converted; converted, the sale bad or good


def _outcomes(converted: np.ndarray, good: np.ndarray) -> pl.Series:
    """Each referral's outcome as text, mapped from codes by polars: a numpy array of text took
    polars 40 ms to convert for a bni_world region's ~280,000 referrals (half its tables)."""
    code = converted.astype(np.int8) * (1 + good.astype(np.int8))
    return pl.Series(code).replace_strict(dict(enumerate(OUTCOMES)), return_dtype=pl.Utf8)


def weighted(column: str) -> pl.Expr:
    """The mean of a per-row mean over rows weighted by their conversations."""
    total = (pl.col(column) * pl.col("conversations")).sum() / pl.col("conversations").sum()
    return total.alias(column)


# How the regions' rows of the weekly and per-conversation tables add up to the scene's: the
# keys of a row, and the columns that are not summed (computed from the sums).
REGION_SUMS: dict[str, tuple[list[str], dict[str, pl.Expr]]] = {
    "steps": (
        ["replication", "variant", "step", "group", "strategy"],
        {"units_cum_per_seller": pl.col("units_cum").sum() / pl.col("sellers").sum()},
    ),
    "scene": (["replication", "variant", "step"], {}),
    "pairs": (
        ["replication", "variant", "partner_group", "partner_strategy", "meetings"],
        {"memory_mean": weighted("memory_mean"), "trust_mean": weighted("trust_mean")},
    ),
}


def sum_regions(name: str, frame: pl.LazyFrame) -> pl.LazyFrame:
    """The scene's rows of table `name` from its regions' rows (other tables pass through)."""
    if name not in REGION_SUMS:
        return frame
    keys, derived = REGION_SUMS[name]
    columns = frame.collect_schema().names()
    aggregate = [
        derived[c].alias(c) if c in derived else pl.col(c).sum() for c in columns if c not in keys
    ]
    return frame.group_by(keys, maintain_order=True).agg(aggregate).select(columns)


def _agents(model, sales: dict[str, np.ndarray], refs: dict[str, np.ndarray]) -> pl.DataFrame:
    n = model.n_members
    store = model.store
    slots = np.arange(len(store))
    target = store.targets()
    memory_now = store.memory_at(slots, model.week)
    trust = store.trust(slots, model.week)
    tcfg, mcfg = store.trust_cfg, store.memory_cfg

    def per_member(values, weights=None):
        return np.bincount(values, weights=weights, minlength=n)[:n]

    units_by_degree = {
        d: per_member(sales["seller"], sales["units"] * (sales["degree"] == d)) for d in (1, 2, 3)
    }
    members = np.arange(n)
    traits = {name: model.traits[name] for name in trait_names()}
    traits["competence"] = model.market.competence  # as drawn (C6), not only its mean
    return pl.DataFrame(
        {
            "member": members.astype(np.int32),
            **_names(model, members),
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
            "turned_away": model.market.capacity.turned_away.copy(),
            "known_by": per_member(target, memory_now >= mcfg.name_level).astype(np.int64),
            "trusted_by": per_member(target, trust >= tcfg.refer_level).astype(np.int64),
            "avoided_by": per_member(target, trust < tcfg.avoid_level).astype(np.int64),
            **{name: pl.Series(v, dtype=pl.Float64).fill_nan(None) for name, v in traits.items()},
        }
    )


def _steps(model, sales: dict[str, np.ndarray]) -> pl.DataFrame:
    """Per week and focal group: units sold by the group, per member and cumulative, and the
    one-to-ones its members held (counted with numpy: about a sixth of the time polars'
    filters, groups and joins took for a laptop replication)."""
    weeks = model.week
    held = np.array(model.one_to_ones_by_week, dtype=np.int64).reshape(-1, len(model.groups))
    seller_group = model.group_of[sales["seller"]]
    blocks = []
    for index, group in enumerate(model.groups):
        if not group.focal:
            continue
        sellers = int(np.count_nonzero(model.group_of == index))
        mine = seller_group == index
        step = sales["step"][mine]
        units = np.bincount(step, sales["units"][mine], weeks)[:weeks]
        cumulative = np.cumsum(units.astype(np.int64))
        blocks.append(
            {
                "step": np.arange(weeks),
                "group": np.full(weeks, index),  # the group's index; its names below
                "sellers": np.full(weeks, sellers),
                "units": units.astype(np.int64),
                "sales": np.bincount(step, minlength=weeks)[:weeks],
                "units_cum": cumulative,
                # times the reciprocal, as polars divides by a number: the same bits
                "units_cum_per_seller": cumulative * (1.0 / max(sellers, 1)),
                "one_to_ones": held[:weeks, index],
            }
        )
    if not blocks:
        return pl.DataFrame(schema=STEPS_SCHEMA)
    columns = {name: np.concatenate([block[name] for block in blocks]) for name in blocks[0]}
    names = _group_names(model, columns.pop("group"))
    return pl.DataFrame({**columns, **names}, schema_overrides=STEPS_SCHEMA).select(*STEPS_SCHEMA)


STEPS_SCHEMA = {
    "step": pl.Int32,
    "group": pl.Utf8,
    "strategy": pl.Utf8,
    "sellers": pl.Int32,
    "units": pl.Int64,
    "sales": pl.Int64,
    "units_cum": pl.Int64,
    "units_cum_per_seller": pl.Float64,
    "one_to_ones": pl.Int64,
}


def _pairs(model) -> pl.DataFrame:
    """Mean memory and trust right after the n-th conversation of a pair, by partner group."""
    curves = model.curves
    group, meetings = np.nonzero(curves.count)
    count = curves.count[group, meetings]
    return pl.DataFrame(
        {
            **_group_names(model, group, prefix="partner_"),
            "meetings": meetings.astype(np.int32),
            "conversations": count.astype(np.int64),
            "memory_mean": curves.memory[group, meetings] / count,
            "trust_mean": curves.trust[group, meetings] / count,
        },
        schema={
            "partner_group": pl.Utf8,
            "partner_strategy": pl.Utf8,
            "meetings": pl.Int32,
            "conversations": pl.Int64,
            "memory_mean": pl.Float64,
            "trust_mean": pl.Float64,
        },
    )


def _network(model) -> pl.DataFrame:
    """Snapshots of trusted and avoided member pairs (first replication only; else empty)."""
    schema = {
        "step": pl.Int32,
        "src": pl.Int32,
        "dst": pl.Int32,
        "memory": pl.Float64,
        "trust": pl.Float64,
    }
    snapshots = model.network.snapshots
    if not snapshots:
        return pl.DataFrame(schema=schema)
    columns = {k: np.concatenate([s[k] for s in snapshots]) for k in schema}
    return pl.DataFrame(columns).cast(schema)
