"""Invariants on every scenario file and variant at small size (a few months, one replication).

Whatever the format, roster and habits: every need is answered exactly once (by a member's
sale or the anonymous market), every sale has a degree of 1-3, nobody sells to themselves, and
nobody buys a product again within its lifetime (C2, C11).
"""

import polars as pl
import pytest

from sim.experiments.tables import model_tables
from sim.model import NetworkingModel
from sim.paths import available_scenarios
from sim.scenario import apply_overrides, load_scenario
from tests.test_properties import repeat_within_lifetime

CASES = [
    (name, variant)
    for name in available_scenarios()
    for variant in load_scenario(name).variant_info
]


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_needs_sales_degrees_and_lockout_hold(name, variant):
    params = load_scenario(name).variants[variant]
    params = apply_overrides(params, {"run.weeks": 30}, "test").for_region(0)  # a region
    model = NetworkingModel(params, rng=7).run()
    market = model.market
    sales = model_tables(model, 0, variant)["sales"]
    assert market.needs_arisen == sales.height + market.needs_to_market
    assert sales["degree"].is_between(1, 3).all()
    assert (sales["seller"] != sales["buyer"]).all()
    assert sales.filter(pl.col("seller") >= model.n_members).height == 0
    assert repeat_within_lifetime(sales).height == 0
