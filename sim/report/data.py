"""The numbers behind the report, from saved results only (never the live model): the run's
tables, and what lies beside and below its folder (its dose-response curves, an exploration of
its scene).

Every figure aggregates in two stages: first per replication (a replication is one possible
history), then across replications: mean and t-based 95 % confidence interval. Claims: C1
(cumulative units, crossover week), C2 (degrees and channels), C3-C4 (memory and trust by
conversation number), C10 (avoidance in the network). Every view loops over the scenario's focal
groups, in the order of the scenario file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from sim import display
from sim.experiments.metrics import across_replications
from sim.experiments.tables import TABLES
from sim.model.market import CHANNELS


@dataclass
class Run:
    """A finished run as saved on disk: its manifest and tables."""

    out_dir: Path
    manifest: dict[str, Any]
    tables: dict[str, pl.DataFrame]

    @property
    def variants(self) -> list[str]:
        return list(self.manifest["variants"])

    def params(self, variant: str = "base") -> dict[str, Any]:
        return self.manifest["variants"][variant]["params"]

    @property
    def focal_groups(self) -> list[str]:
        return self.manifest.get("focal_groups", [])

    @property
    def contrast(self) -> list[str] | None:
        return self.manifest.get("contrast")

    def groups(self, variant: str = "base") -> list[dict[str, Any]]:
        """The roster of a variant: name, strategy, count or share, focal, sector, traits."""
        return self.manifest["variants"][variant]["groups"]

    def title(self, lang: str) -> str:
        """The scenario as an audience reads it (sim/display.py)."""
        return display.scenario_title(self.manifest["scenario"], self.manifest.get("display"), lang)

    def group_names(self, lang: str) -> dict[str, str]:
        """{group: what an audience reads for it}, over the rosters of every variant."""
        roster = {g["name"]: g for v in self.variants for g in self.groups(v)}
        return display.group_names(
            list(roster.values()), self.manifest.get("group_display") or {}, lang
        )

    def variant_name(self, name: str, lang: str, base: str) -> str:
        shown = self.manifest["variants"].get(name, {}).get("display")
        return display.variant_name(name, shown, lang, base)


class RunFolderError(Exception):
    """The folder is not a finished run (one line, for the command line)."""


def load_run(out_dir: Path) -> Run:
    out_dir = Path(out_dir)
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.is_file():
        raise RunFolderError(f"{out_dir}: no manifest.json here; give a folder written by `run`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = {}
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        if not path.is_file():
            raise RunFolderError(f"{out_dir}: {name}.parquet is missing; rerun the scenario")
        tables[name] = pl.read_parquet(path)
    if "focal_groups" not in manifest:
        raise RunFolderError(f"{out_dir}: written by an older version; rerun the scenario")
    return Run(out_dir, manifest, tables)


# --- two-stage aggregation (per replication, then across_replications) -----------------------
def cumulative_units(run: Run) -> pl.DataFrame:
    """Cumulative units per member of each focal group by week, per variant, with CIs (C1)."""
    return cumulative_units_of(run.tables["steps"])


def cumulative_units_of(steps: pl.DataFrame) -> pl.DataFrame:
    """The same from a `steps` table (a run's, or a room round's)."""
    steps = steps.filter(pl.col("sellers") > 0)
    return across_replications(
        steps.select("variant", "group", "step", "replication", "units_cum_per_seller"),
        ["variant", "group", "step"],
        "units_cum_per_seller",
    ).sort("variant", "group", "step")


def crossover_weeks(steps: pl.DataFrame, contrast: list[str] | None) -> pl.DataFrame:
    """Per variant and replication: the first week the first contrast group's cumulative units
    per member exceed the second's (null if that never happens)."""
    empty = pl.DataFrame(
        schema={"variant": pl.Utf8, "replication": pl.Int32, "crossover_week": pl.Int32}
    )
    if not contrast:
        return empty
    better, other = contrast
    wide = (
        steps.filter(pl.col("sellers") > 0, pl.col("group").is_in(contrast))
        .pivot(on="group", index=["variant", "replication", "step"], values="units_cum_per_seller")
        .sort("variant", "replication", "step")
    )
    if not {better, other} <= set(wide.columns):
        return empty
    # Only variants with members in both groups can cross over.
    both = wide.drop_nulls([better, other])
    ahead = both.with_columns((pl.col(better) > pl.col(other)).alias("ahead"))
    first = (
        ahead.group_by("variant", "replication", maintain_order=True)
        .agg(pl.col("step").filter(pl.col("ahead")).min().alias("crossover_week"))
        .with_columns(pl.col("crossover_week").cast(pl.Int32))
    )
    return first


def crossover_summary(steps: pl.DataFrame, contrast: list[str] | None) -> pl.DataFrame:
    """Per variant: mean crossover week with CI over the replications that cross, and how many."""
    weeks = crossover_weeks(steps, contrast)
    crossed = weeks.drop_nulls("crossover_week").with_columns(pl.col("crossover_week") * 1.0)
    summary = across_replications(crossed, ["variant"], "crossover_week")
    counts = weeks.group_by("variant", maintain_order=True).agg(
        pl.len().alias("replications"),
        pl.col("crossover_week").is_not_null().sum().alias("crossed"),
    )
    return counts.join(summary, on="variant", how="left").drop("n")


def with_event_rows(run: Run, variant: str, agents: pl.DataFrame) -> pl.DataFrame:
    """The members whose sales and referrals are in the tables row by row: all, or those of the
    first `run.detail_regions` regions."""
    detail = run.params(variant)["run"].get("detail_regions", 0)
    return agents.filter(pl.col("region") < detail) if detail else agents


def first_region(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of region 0 (the whole scene when it has no regions; older runs have no column)."""
    return frame.filter(pl.col("region") == 0) if "region" in frame.columns else frame


def sales_sources(run: Run, variant: str = "base") -> pl.DataFrame:
    """Units per member of each focal group by degree (1-3) and channel, with CIs (C2)."""
    agents = run.tables["agents"].filter(pl.col("variant") == variant, pl.col("focal"))
    agents = with_event_rows(run, variant, agents)
    sellers = agents.group_by("replication", "group").agg(pl.len().alias("sellers"))
    grid = (
        sellers.select("replication", "group")
        .join(pl.DataFrame({"degree": [1, 2, 3]}, schema={"degree": pl.Int8}), how="cross")
        .join(pl.DataFrame({"channel": list(CHANNELS)}), how="cross")
    )
    sold = (
        run.tables["sales"]
        .filter(pl.col("variant") == variant, pl.col("seller_focal"))
        .group_by("replication", pl.col("seller_group").alias("group"), "degree", "channel")
        .agg(pl.col("units").sum())
    )
    per_rep = (
        grid.join(sold, on=["replication", "group", "degree", "channel"], how="left")
        .fill_null(0)
        .join(sellers, on=["replication", "group"])
        .with_columns((pl.col("units") / pl.col("sellers")).alias("units_per_seller"))
    )
    order = {g: i for i, g in enumerate(run.focal_groups)}
    return across_replications(per_rep, ["group", "degree", "channel"], "units_per_seller").sort(
        pl.col("group").replace_strict(order, default=len(order), return_dtype=pl.Int64),
        "degree",
        "channel",
    )


MIN_CONVERSATIONS = 20  # a replication's mean at a conversation number needs this many


def pair_curves(run: Run, variant: str = "base", max_meetings: int = 40) -> pl.DataFrame:
    """Mean memory and trust right after a pair's n-th conversation, with CIs (C3, C4).

    A conversation number is shown only where every replication has at least
    MIN_CONVERSATIONS such conversations (a few long-lived pairs make a noisy tail).
    """
    pairs = run.tables["pairs"].filter(
        pl.col("variant") == variant, pl.col("meetings") <= max_meetings
    )
    replications = pairs["replication"].n_unique()
    per_rep = pairs.group_by("replication", "meetings").agg(
        pl.col("conversations").sum().alias("count"),
        (
            (pl.col("memory_mean") * pl.col("conversations")).sum() / pl.col("conversations").sum()
        ).alias("memory"),
        (
            (pl.col("trust_mean") * pl.col("conversations")).sum() / pl.col("conversations").sum()
        ).alias("trust"),
    )
    enough = (
        per_rep.filter(pl.col("count") >= MIN_CONVERSATIONS)
        .group_by("meetings")
        .len()
        .filter(pl.col("len") == replications)["meetings"]
    )
    per_rep = per_rep.filter(pl.col("meetings").is_in(enough.to_list()))
    memory = across_replications(per_rep, ["meetings"], "memory").rename(
        {"mean": "memory", "ci_low": "memory_low", "ci_high": "memory_high"}
    )
    trust = across_replications(per_rep, ["meetings"], "trust").rename(
        {"mean": "trust", "ci_low": "trust_low", "ci_high": "trust_high"}
    )
    return memory.join(trust.drop("n"), on="meetings").sort("meetings")


def first_meeting_reaching(curve: pl.DataFrame, column: str, level: float) -> int | None:
    """The first conversation number at which the mean reaches `level` (None if never)."""
    hit = curve.filter(pl.col(column) >= level)
    return int(hit["meetings"].min()) if hit.height else None


def network_snapshots(run: Run, variant: str = "base") -> pl.DataFrame:
    """Trusted and avoided pairs at the snapshot weeks of the first replication (C10)."""
    return run.tables["network"].filter(pl.col("variant") == variant).sort("step", "src", "dst")


# --- what lies beside and below a run folder: its curves, an exploration of its scene -------
def curve_points(run: Run) -> pl.DataFrame | None:
    """The run's dose-response curves (`curves/sweep.parquet`), or None."""
    path = Path(run.out_dir) / "curves" / "sweep.parquet"
    return pl.read_parquet(path) if path.is_file() else None


def exploration(run: Run) -> pl.DataFrame | None:
    """The boundaries of the newest finished box exploration of this run's scene and base
    (beside the run: results/<scenario>/explore-*), with each parameter's explored range; or
    None. A posterior exploration is not one (`sim claims` quotes its probabilities)."""
    base = base_digest(run.params())
    found = []
    for folder in Path(run.out_dir).parent.glob("explore-*"):
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("status") == "complete" and (folder / "boundaries.parquet").is_file():
            found.append((folder.name, folder, manifest))
    for _, folder, manifest in sorted(found, reverse=True):
        if manifest["experiment"].get("base_sha256") != base or _posterior(manifest):
            continue  # a posterior's draws are not a box: claims say their probability
        ranges = pl.DataFrame(
            [(p["key"], p["low"], p["high"]) for p in manifest["parameters"]],
            schema={"parameter": pl.Utf8, "range_low": pl.Float64, "range_high": pl.Float64},
            orient="row",
        )
        return pl.read_parquet(folder / "boundaries.parquet").join(ranges, on="parameter")
    return None


def _posterior(manifest: dict) -> bool:
    return (manifest.get("design") or {}).get("design") == "posterior"


def base_digest(params: dict[str, Any]) -> str:
    """The digest explore.identity gives the base's parameters (`Run.params()`)."""
    from sim.config import Params

    dumped = Params.model_validate(params).model_dump_json()
    return hashlib.sha256(dumped.encode()).hexdigest()
