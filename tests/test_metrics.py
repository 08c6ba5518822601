"""The metric and claim registries on hand-made tables: one definition each (C1, C2, C10, C12)."""

import math

import polars as pl
import pytest

from sim.experiments import claims
from sim.experiments.metrics import METRICS, metric_problem, per_replication, summarise
from sim.report.i18n import TEXT
from sim.scenario import load_scenario


def agents(rows):
    """Hand-made agents rows: (replication, group, focal, units, d1, d2, d3, given, avoided)."""
    columns = [
        "replication",
        "group",
        "focal",
        "units",
        "units_degree1",
        "units_degree2",
        "units_degree3",
        "referrals_given",
        "avoided_by",
    ]
    return pl.DataFrame(rows, schema=columns, orient="row").with_columns(
        pl.lit("base").alias("variant"),
        pl.col("referrals_given").alias("referrals_received"),
        pl.lit(2).alias("trusted_by"),
    )


ROWS = [
    (0, "b", True, 10, 1, 2, 7, 52, 0),
    (0, "b", True, 20, 1, 4, 15, 0, 2),
    (0, "p", True, 1, 1, 0, 0, 0, 30),
    (0, "x", False, 5, 5, 0, 0, 52, 0),
    (1, "b", True, 0, 0, 0, 0, 26, 0),
    (1, "p", True, 3, 3, 0, 0, 0, 40),
    (1, "x", False, 1, 1, 0, 0, 0, 0),
]


@pytest.fixture
def per_rep():
    values = per_replication(agents(ROWS), {"base": 104}, contrast=["b", "p"])
    return {(r["replication"], r["metric"]): r["value"] for r in values.to_dicts()}


def test_group_metrics_are_per_member_means_and_shares_of_the_groups_units(per_rep):
    assert per_rep[(0, "units.b")] == 15 and per_rep[(1, "units.b")] == 0
    assert per_rep[(0, "indirect_share.b")] == pytest.approx(28 / 30)
    assert per_rep[(0, "share_degree1.b")] == pytest.approx(2 / 30)
    assert per_rep[(1, "indirect_share.b")] is None  # no units: a share is undefined, not 0
    assert per_rep[(0, "avoided_by.p")] == 30 and per_rep[(0, "trusted_by.b")] == 2
    assert (0, "units.x") not in per_rep  # only focal groups are measured per group


def test_scene_metrics_count_every_member(per_rep):
    assert per_rep[(0, "units_per_member")] == pytest.approx(36 / 4)
    assert per_rep[(0, "referrals_per_member_year")] == pytest.approx(104 / 4 / 2)  # 2 years


def test_the_ratio_compares_the_contrast_groups_replication_by_replication(per_rep):
    assert per_rep[(0, "ratio")] == pytest.approx(16 / 2)
    assert per_rep[(1, "ratio")] == pytest.approx(1 / 4)


def test_the_summary_leaves_undefined_replications_out():
    summary = summarise(per_replication(agents(ROWS), {"base": 104}, ["b", "p"]))
    share = summary.filter(metric="indirect_share.b").to_dicts()[0]
    assert share["n"] == 1 and share["mean"] == pytest.approx(28 / 30)


def test_every_metric_has_a_label_in_both_languages():
    for name in METRICS:
        assert f"metric_{name}" in TEXT["en"] and f"metric_{name}" in TEXT["nl"]


def test_metric_names_are_checked_against_the_roster():
    params = load_scenario("laptop").params
    assert metric_problem("units.builders", params, None) is None
    assert "not a focal group" in metric_problem("units.others", params, None)
    assert "unknown metric" in metric_problem("units", params, None)
    assert "contrast" in metric_problem("ratio", params, None)


def evidence(**metrics):
    return claims.Evidence(
        metrics={k: {"mean": v} for k, v in metrics.items()},
        contrast=["b", "p"],
        focal_groups=["p", "b"],
        members=200,
        name_level_at=6,
        refer_level_at=14,
    )


def test_a_claims_measure_is_a_metric_of_the_registry():
    assert claims.measure_of("C1", ["b", "p"], ["b", "p"]) == "ratio"
    assert claims.measure_of("C10", ["b", "p"], ["b", "p"]) == "avoided_by.p"
    assert claims.measure_of("C3", ["b", "p"], ["b", "p"]) is None  # curves, not a metric
    assert claims.judge("C1", evidence()) is None  # not measured: no units
    assert claims.judge("C14", evidence()) is None  # judged by the citing variants


def test_nan_means_not_measured():
    assert evidence(**{"units.b": math.nan}).mean("units.b") is None
