"""The laptop scenario: headline claims (C1, C2) and the expected direction of each variant."""

import json
import math

import polars as pl
import pytest

from sim.config import load_scenario
from sim.experiments.results import TABLES, check_expectations, summarise, variant_metrics
from sim.experiments.runner import run_scenario


@pytest.fixture(scope="module")
def laptop_run(tmp_path_factory):
    """All laptop variants at full length, a few replications each."""
    out = tmp_path_factory.mktemp("laptop")
    scenario = load_scenario("laptop")
    return scenario, run_scenario(
        scenario, replications=4, workers=2, out_dir=out, show_progress=False
    )


@pytest.fixture(scope="module")
def laptop_base(tmp_path_factory):
    """The base variant with the default 20 replications, as `make run` would."""
    scenario = load_scenario("laptop")
    scenario.variants = {"base": scenario.variants["base"]}
    scenario.variant_info = {"base": scenario.variant_info["base"]}
    out = tmp_path_factory.mktemp("laptop_base")
    return run_scenario(scenario, workers=2, out_dir=out, show_progress=False)


def expectation_cases():
    scenario = load_scenario("laptop")
    for variant, info in scenario.variant_info.items():
        for metric, direction in info.expect.items():
            marks = []
            if (variant, metric) == ("consumable", "ratio"):
                marks.append(
                    pytest.mark.xfail(
                        strict=True,
                        reason=(
                            "finding: with a monthly consumable the builder's referral flow grows "
                            "with "
                            "need frequency (and referred customers re-buy), so the ratio rises"
                        ),
                    )
                )
            yield pytest.param(variant, metric, direction, marks=marks, id=f"{variant}-{metric}")


@pytest.mark.parametrize(("variant", "metric", "direction"), list(expectation_cases()))
def test_variant_moves_in_the_expected_direction(laptop_run, variant, metric, direction):
    scenario, result = laptop_run
    checks = check_expectations(scenario, variant_metrics(result.summary))
    check = next(c for c in checks if c["variant"] == variant and c["metric"] == metric)
    assert check["held"], check


def test_run_writes_every_table_and_a_manifest(laptop_run):
    _, result = laptop_run
    for name in TABLES:
        df = pl.read_parquet(result.out_dir / f"{name}.parquet")
        assert df.height > 0 and {"replication", "variant"} <= set(df.columns)
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    assert manifest["scenario_sha256"] and len(manifest["replication_seeds"]) == 4
    assert set(manifest["variants"]) == {"base", "one_off", "consumable", "no_conversion"}
    assert not list(result.out_dir.glob(".*tmp*"))


def test_laptop_relationship_builder_sells_about_fifty_direct_seller_single_digits(laptop_base):
    """C1: ~50 units in 5 years (95 % CI inside 35-65) against single digits; ratio >= 10."""
    rows = {r["strategy"]: r for r in laptop_base.summary.to_dicts()}
    rel, direct = rows["relationship"], rows["direct"]
    assert rel["units_ci_low"] >= 35 and rel["units_ci_high"] <= 65, rel
    assert direct["units_mean"] < 10, direct
    assert rel["units_mean"] >= 10 * max(direct["units_mean"], 1e-9)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: about 12-16 % of the builder's units come from people he met himself "
        "(recall by members and referrals to members), so degree 2-3 stays just under 90 %"
    ),
)
def test_laptop_more_than_ninety_percent_of_builder_units_are_indirect(laptop_base):
    """C2: more than 90 % of the relationship builder's units come from degree 2 and 3."""
    rel = next(r for r in laptop_base.summary.to_dicts() if r["strategy"] == "relationship")
    assert rel["share_degree2"] + rel["share_degree3"] > 0.9


def test_summary_has_finite_confidence_intervals(laptop_base):
    summary = summarise(laptop_base.tables["agents"])
    assert all(math.isfinite(x) for x in summary["units_ci_low"])
