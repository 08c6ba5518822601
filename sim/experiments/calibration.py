"""Calibration against published figures (`python -m sim calibrate`): figure, model, within?

Each entry names a published figure (docs/calibration.md), its source, the band the model
should fall in, the scenario variants that measure it and how (per replication, so each value
carries a 95 % CI), and which parameter, if any, was fitted to it. The claims' directions are
never a target: the bni variants' expected directions hold at any value of the fitted
parameters (docs/model.md, "Calibration"). Claims: C12 (BNI figures), C5 (ties fade), C3 and
C5 through the mixer's mixing (Ingram & Morris 2007).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from sim.experiments import tables
from sim.experiments.metrics import across_replications, per_replication
from sim.experiments.runner import run_scenario
from sim.paths import RESULTS_DIR
from sim.scenario import load_scenario

Measure = Callable[[dict[str, Path], dict[str, pl.DataFrame]], pl.DataFrame]


def _metric(per_rep: pl.DataFrame, variant: str, metric: str) -> pl.DataFrame:
    rows = per_rep.filter(pl.col("variant") == variant, pl.col("metric") == metric)
    return rows.select("replication", "value")


def _refs(variant: str) -> Measure:
    return lambda runs, per_rep: _metric(per_rep["bni"], variant, "referrals_per_member_year")


def _paired(variant: str, combine) -> Measure:
    """A per-replication comparison of a bni variant with the base (same seeds)."""

    def measure(runs, per_rep):
        base = _metric(per_rep["bni"], "base", "referrals_per_member_year")
        other = _metric(per_rep["bni"], variant, "referrals_per_member_year")
        both = base.join(other, on="replication", suffix="_v")
        return both.select(
            "replication", combine(pl.col("value"), pl.col("value_v")).alias("value")
        )

    return measure


def _mixer(column: Callable[[], pl.Expr]) -> Measure:
    """A mixer figure from the laptop run's weekly scene table (weeks with a mixer)."""

    def measure(runs, per_rep):
        scene = pl.read_parquet(runs["laptop"] / "scene.parquet")
        events = scene.filter(pl.col("variant") == "base", pl.col("mixer_guests") > 0)
        return events.group_by("replication").agg(column().alias("value"))

    return measure


@dataclass(frozen=True)
class Figure:
    id: str
    figure: str
    source: str
    published: str
    low: float | None  # the band the model's mean should fall in (None: not modelled)
    high: float | None
    measure: Measure | None
    fitted: str = ""  # the parameter fitted to this figure, if any
    unit: str = ""  # "%": the measure is a share, shown as a percentage


FIGURES = (
    Figure(
        "bni_referrals",
        "BNI referrals per member per year",
        "BNI 2016 and 2018 (~42); UK&I 2013 (~52)",
        "42-52",
        42 * 0.9,
        52 * 1.1,
        _refs("base"),
        "referrals.mention (0.1 -> 0.06)",
    ),
    Figure(
        "bni_fortnightly",
        "fewer referrals in fortnightly than in weekly chapters",
        "BNI 1986 (all chapters weekly from 1987)",
        "52 %",
        0.42,
        0.62,
        _paired("fortnightly", lambda base, other: 1 - other / base),
        "trust.half_life_weeks (never -> 39)",
        "%",
    ),
    Figure(
        "bni_size",
        "referrals per chapter, 30 members vs 15",
        "PRWeb 2005: chapters of 20+ pass ~3x those under 20",
        "~3x",
        2.0,
        4.0,
        _paired("small", lambda base, other: (30 * base) / (15 * other)),
    ),
    Figure(
        "mixer_encounters",
        "conversations per guest at a mixer of ~100",
        "Ingram & Morris 2007 (ASQ)",
        "~14",
        12.0,
        16.0,
        _mixer(lambda: (2 * pl.col("mixer_conversations") / pl.col("mixer_guests")).mean()),
        "events.conversations (12 -> 16 slots)",
    ),
    Figure(
        "mixer_known",
        "share of a guest's mixer conversations with people already known",
        "Ingram & Morris 2007 (ASQ): about half, though 95 % came to meet new people",
        "~50 %",
        0.4,
        0.6,
        _mixer(
            lambda: pl.col("mixer_known_conversations").sum() / pl.col("mixer_conversations").sum()
        ),
        unit="%",
    ),
    Figure(
        "referred_value",
        "referred customers' extra value",
        "Schmitt, Skiera & Van den Bulte 2011 (J. Marketing): >= 16 %, lower churn",
        ">= 16 %",
        None,
        None,
        None,
    ),
)
RUNS = {"bni": ("base", "fortnightly", "small"), "laptop": ("base",)}


def calibrate(
    replications: int = 20,
    out_dir: Path | None = None,
    workers: int | None = None,
    show_progress: bool = True,
) -> tuple[Path, pl.DataFrame]:
    """Run the calibration scenarios and return the folder and the table (also written to
    calibration.parquet there, beside the runs' own folders)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out_dir = Path(out_dir) if out_dir else RESULTS_DIR / f"calibration-{stamp}"
    runs, per_rep = {}, {}
    for name, variants in RUNS.items():
        scenario = load_scenario(name)
        scenario.variants = {v: scenario.variants[v] for v in variants}
        scenario.variant_info = {v: scenario.variant_info[v] for v in variants}
        folder = out_dir / name
        if (folder / "manifest.json").is_file():  # finished before a failure or a kill
            runs[name], per_rep[name] = folder, _finished(folder)
            continue
        result = run_scenario(
            scenario,
            replications,
            workers=workers,
            out_dir=folder,
            show_progress=show_progress,
        )
        runs[name], per_rep[name] = result.out_dir, result.per_replication
    rows = [_row(figure, runs, per_rep) for figure in FIGURES]
    table = pl.DataFrame(rows, infer_schema_length=None)
    tables.write_atomic(out_dir / "calibration.parquet", table.write_parquet)
    return out_dir, table


def _finished(folder: Path) -> pl.DataFrame:
    """A finished run's per-replication metrics, from its tables (a rerun of the same command
    uses the runs it already has)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    weeks = {v: info["params"]["run"]["weeks"] for v, info in manifest["variants"].items()}
    agents = pl.read_parquet(folder / "agents.parquet")
    return per_replication(agents, weeks, manifest.get("contrast"))


def _row(figure: Figure, runs, per_rep) -> dict:
    row = {
        "id": figure.id,
        "figure": figure.figure,
        "source": figure.source,
        "published": figure.published,
        "band_low": figure.low,
        "band_high": figure.high,
        "mean": None,
        "ci_low": None,
        "ci_high": None,
        "within": None,
        "fitted": figure.fitted,
        "unit": figure.unit,
    }
    if figure.measure is None:
        return row
    values = figure.measure(runs, per_rep).with_columns(pl.lit(figure.id).alias("id"))
    summary = across_replications(values, ["id"], "value").row(0, named=True)
    row.update({k: summary[k] for k in ("mean", "ci_low", "ci_high")})
    row["within"] = figure.low <= summary["mean"] <= figure.high
    return row
