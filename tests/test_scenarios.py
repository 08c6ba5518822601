"""The laptop scenario: headline claims (C1, C2) and the expected direction of each variant."""

import json
import math

import polars as pl
import pytest

from sim.experiments.tables import TABLES
from sim.scenario import load_scenario

pytestmark = pytest.mark.xdist_group("laptop")


@pytest.fixture
def laptop_run(finished_runs):
    """All laptop variants at full length, a few replications each."""
    return finished_runs("laptop", 4)


@pytest.fixture
def laptop_base(finished_runs):
    """The base variant with the default 20 replications, as `make run` would."""
    return finished_runs("laptop", 20, base_only=True).base()


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
                            "finding: with a monthly consumable the builders' referral flow "
                            "grows with need frequency (and referred customers re-buy), so the "
                            "ratio rises"
                        ),
                    )
                )
            yield pytest.param(variant, metric, direction, marks=marks, id=f"{variant}-{metric}")


@pytest.mark.parametrize(("variant", "metric", "direction"), list(expectation_cases()))
def test_variant_moves_in_the_expected_direction(laptop_run, variant, metric, direction):
    check = laptop_run.check(variant, metric)
    assert check["held"], check


def test_run_writes_every_table_and_a_manifest(laptop_run):
    result = laptop_run
    for name in TABLES:
        df = pl.read_parquet(result.out_dir / f"{name}.parquet")
        assert df.height > 0 and {"replication", "variant"} <= set(df.columns)
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    assert manifest["scenario_sha256"] and len(manifest["replication_seeds"]) == 4
    assert set(manifest["variants"]) == {"base", "one_off", "consumable", "no_conversion"}
    assert manifest["focal_groups"] == ["pitchers", "builders"]
    assert [g["name"] for g in manifest["groups"]] == [
        "pitchers",
        "builders",
        "others",
        "other_pitchers",
    ]
    assert manifest["metrics"]["base"]["units.builders"]["n"] == 4
    assert not list(result.out_dir.glob(".*tmp*"))


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: since the calibration against BNI's figures (unrenewed trust fades, fewer "
        "mentions) the laptop builder sells about 10 units in five years (10 replications: "
        "9.8, 95 % CI 7.9-11.7) against the pitcher's 0.5: the gap of C1 holds, the level of "
        "about fifty only in a weekly chapter (bni: 74.7)"
    ),
)
def test_laptop_relationship_builder_sells_about_fifty_direct_seller_single_digits(laptop_base):
    """C1: ~50 units in 5 years (95 % CI inside 35-65) against single digits; ratio >= 10."""
    builders, pitchers = laptop_base["units.builders"], laptop_base["units.pitchers"]
    assert builders["ci_low"] >= 35 and builders["ci_high"] <= 65, builders
    assert pitchers["mean"] < 10, pitchers
    assert builders["mean"] >= 10 * max(pitchers["mean"], 1e-9)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "finding: about 20 % of the builder's units come from people he met himself "
        "(recall by members and referrals to members), so degree 2-3 stays under 90 %"
    ),
)
def test_laptop_more_than_ninety_percent_of_builder_units_are_indirect(laptop_base):
    """C2: more than 90 % of the relationship builders' units come from degree 2 and 3."""
    assert laptop_base["indirect_share.builders"]["mean"] > 0.9


def test_laptop_builder_sells_at_least_ten_times_the_pitcher(laptop_base):
    """C1's gap, the robust figure: the builders' mean units at least 10x the pitchers'."""
    builders, pitchers = laptop_base["units.builders"], laptop_base["units.pitchers"]
    assert builders["mean"] >= 10 * max(pitchers["mean"], 1e-9), (builders, pitchers)
    assert pitchers["mean"] < 10


def test_summary_has_finite_confidence_intervals(laptop_base):
    assert all(math.isfinite(r["ci_low"]) for r in laptop_base.values())
