"""The laptop scenario: headline claims (C1, C2) and the expected direction of each variant."""

import json
import math

import polars as pl
import pytest

from sim.experiments.tables import TABLES
from sim.report.verdict_text import VERDICT
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
                            "C11 finding: with a monthly consumable the builders' referral flow "
                            "grows with need frequency (and referred customers re-buy), so the "
                            "ratio rises (20 replications: 31 to 597 times)"
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
    assert set(manifest["variants"]) == {
        "base", "occasional", "one_off", "consumable", "no_conversion"
    }  # fmt: skip
    assert manifest["focal_groups"] == ["pitchers", "builders"]
    assert [g["name"] for g in manifest["groups"]] == [
        "pitchers",
        "builders",
        "others",
        "other_pitchers",
    ]
    assert manifest["metrics"]["base"]["units.builders"]["n"] == 4
    assert not list(result.out_dir.glob(".*tmp*"))


@pytest.fixture
def laptop_verdicts(finished_runs):
    """The claims' verdicts of the base with the default 20 replications."""
    from sim.report.verdicts import load

    return {v["claim"]: v for v in load(finished_runs("laptop", 20, base_only=True).out_dir)}


def test_laptop_c1_builders_sell_clearly_more_and_about_the_essays_fifty(laptop_verdicts):
    """C1 in the essay's scene (the builder at every event, a one-to-one a week): the direction
    (paired 95 % interval above zero) and the size (fifty against one, within the tolerance
    for the essay's round figures) both hold; said in both languages."""
    c1 = laptop_verdicts["C1"]
    assert (c1["direction"], c1["size"]) == ("holds", "holds"), c1["sentence"]["en"]
    assert "fifty" in c1["sentence"]["en"] and "vijftig" in c1["sentence"]["nl"]


def test_laptop_c2_most_builder_units_come_through_others(laptop_verdicts):
    """C2: most of the builders' units come from degrees 2-3 (direction); finding: about 85 %,
    under the essay's ninety but within the five points its round figure allows (size)."""
    c2 = laptop_verdicts["C2"]
    assert (c2["direction"], c2["size"]) == ("holds", "holds"), c2["sentence"]["en"]
    assert VERDICT["en"]["C2_size_close"] in c2["sentence"]["en"]  # within its tolerance


def test_laptop_builder_sells_at_least_ten_times_the_pitcher(laptop_base):
    """C1's gap, the robust figure: the builders' mean units at least 10x the pitchers'."""
    builders, pitchers = laptop_base["units.builders"], laptop_base["units.pitchers"]
    assert builders["mean"] >= 10 * max(pitchers["mean"], 1e-9), (builders, pitchers)
    assert pitchers["mean"] < 10


def test_summary_has_finite_confidence_intervals(laptop_base):
    assert all(math.isfinite(r["ci_low"]) for r in laptop_base.values())
