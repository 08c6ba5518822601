"""The compiled kernels (sim/model/kernels.py) give what the numpy code gives: the same pairs and
the same random stream afterwards, on random pair stores, with and without the dense slot index;
and a whole run is bit-identical either way."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import MemoryConfig, TiesConfig, TrustConfig
from sim.model import kernels
from sim.model.events import follow_up_pairs, mingle
from sim.model.memory import PairStore

pytestmark = pytest.mark.skipif(kernels.numba is None, reason="numba is not installed")


def random_store(seed: int, n: int, weeks: int, dense: bool) -> PairStore:
    """A store after a few weeks of random conversations, some pushy (low trust: avoidance)."""
    rng = np.random.default_rng(seed)
    store = PairStore(n, MemoryConfig(), TrustConfig(pitch_cost=2.0), TiesConfig())
    if not dense:
        store.index = None  # lookups by binary search, as in scenes above DENSE_INDEX members
    pushy = rng.random(n) < 0.3
    for week in range(weeks):
        a, b = rng.integers(0, n, (2, 3 * n))
        keep = a < b
        key = np.unique(a[keep] * n + b[keep])
        a, b = key // n, key % n
        store.converse(a, b, week, rng.random(n), pushy[a], pushy[b])
    return store


def both_ways(monkeypatch, call):
    """`call(rng)` with the kernels and with numpy: both results and the generators' states."""
    out = []
    for enabled in (True, False):
        monkeypatch.setattr(kernels, "ENABLED", enabled)
        rng = np.random.default_rng(99)
        out.append((call(rng), rng.bit_generator.state))
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 40),
    weeks=st.integers(0, 6),
    rounds=st.integers(0, 4),
    rooms=st.integers(0, 4),
    dense=st.booleans(),
)
def test_mingle_kernel_equals_numpy(seed, n, weeks, rounds, rooms, dense):
    monkeypatch = pytest.MonkeyPatch()
    store = random_store(seed, n, weeks, dense)
    rng = np.random.default_rng(seed + 1)
    present = np.flatnonzero(rng.random(n) < 0.8)
    seek = np.where(rng.random(n) < 0.3, rng.choice([0.0, 1.0], n), rng.random(n))
    venue = rng.integers(0, rooms, present.size) if rooms else None
    week = weeks + int(rng.integers(0, 30))
    with monkeypatch.context():
        (fast, state_fast), (slow, state_slow) = both_ways(
            monkeypatch, lambda r: mingle(r, present, rounds, seek, store, week, venue)
        )
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    assert state_fast == state_slow


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 40),
    weeks=st.integers(0, 6),
    most=st.integers(0, 5),
    dense=st.booleans(),
)
def test_follow_up_kernel_equals_numpy(seed, n, weeks, most, dense):
    monkeypatch = pytest.MonkeyPatch()
    store = random_store(seed, n, weeks, dense)
    rng = np.random.default_rng(seed + 2)
    counts = rng.integers(0, most + 1, n)
    raw = rng.random(len(store))
    raw[rng.random(len(store)) < 0.3] = 0.0  # not wanted at all
    raw[rng.random(len(store)) < 0.1] = 1.0  # exact ties in the race (equal weights) are rare
    week = weeks + int(rng.integers(0, 30))
    with monkeypatch.context():
        (fast, state_fast), (slow, state_slow) = both_ways(
            monkeypatch, lambda r: follow_up_pairs(r, store, counts, lambda s: raw[s], week)
        )
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    assert state_fast == state_slow


@pytest.mark.parametrize("scenario", ["bni", "open_coffee", "m4m"])
def test_a_run_is_bit_identical_with_or_without_kernels(monkeypatch, scenario):
    """Sales, referrals and every pair's state after 40 weeks, kernels on and off."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario(scenario, {"run.weeks": 40}).params
    runs = []
    for enabled in (True, False):
        monkeypatch.setattr(kernels, "ENABLED", enabled)
        model = NetworkingModel(params, rng=np.random.SeedSequence(5)).run()
        sales = model.market.ledger.sales_arrays()
        runs.append((sales, model.store))
    (sales_a, store_a), (sales_b, store_b) = runs
    assert sales_a.keys() == sales_b.keys() and sales_a["units"].size > 0
    for name in sales_a:
        np.testing.assert_array_equal(sales_a[name], sales_b[name])
    np.testing.assert_array_equal(store_a.keys, store_b.keys)
    for name in store_a.FIELDS:
        np.testing.assert_array_equal(getattr(store_a, name), getattr(store_b, name))
