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


@pytest.fixture(autouse=True)
def numpy_afterwards():
    """Each test leaves the process on the numpy code, as it found it."""
    yield
    kernels.use(False)


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


def assert_same_both_ways(call):
    """`call(rng)` gives the same pairs and leaves the generator in the same state with the
    kernels as with numpy."""
    out = []
    for enabled in (True, False):
        kernels.use(enabled)
        rng = np.random.default_rng(99)
        out.append((call(rng), rng.bit_generator.state))
    (fast, state_fast), (slow, state_slow) = out
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    assert state_fast == state_slow


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
    store = random_store(seed, n, weeks, dense)
    rng = np.random.default_rng(seed + 1)
    present = np.flatnonzero(rng.random(n) < 0.8)
    seek = np.where(rng.random(n) < 0.3, rng.choice([0.0, 1.0], n), rng.random(n))
    venue = rng.integers(0, rooms, present.size) if rooms else None
    week = weeks + int(rng.integers(0, 30))
    assert_same_both_ways(lambda r: mingle(r, present, rounds, seek, store, week, venue))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 40),
    weeks=st.integers(0, 6),
    most=st.integers(0, 5),
    dense=st.booleans(),
)
def test_follow_up_kernel_equals_numpy(seed, n, weeks, most, dense):
    store = random_store(seed, n, weeks, dense)
    rng = np.random.default_rng(seed + 2)
    counts = rng.integers(0, most + 1, n)
    raw = rng.random(len(store))
    raw[rng.random(len(store)) < 0.3] = 0.0  # not wanted at all
    raw[rng.random(len(store)) < 0.1] = 1.0  # exact ties in the race (equal weights) are rare
    week = weeks + int(rng.integers(0, 30))
    assert_same_both_ways(lambda r: follow_up_pairs(r, store, counts, lambda s: raw[s], week))


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.integers(-50, 50), max_size=30),
    at=st.lists(st.integers(0, 30), max_size=10),
    dtype=st.sampled_from([np.int64, np.int32, np.float64]),
)
def test_insert_kernels_equal_numpy(values, at, dtype):
    """The pair store's insert: np.insert before sorted positions, and where sorted slots move."""
    kernels.use(True)
    values = np.asarray(values, dtype=dtype)
    at = np.sort(np.minimum(np.asarray(at, dtype=np.int64), values.size))
    new = np.arange(at.size, dtype=dtype) + 100
    np.testing.assert_array_equal(kernels.inserted(values, at, new), np.insert(values, at, new))
    slots = np.arange(values.size, dtype=np.int64)
    expected = slots + np.searchsorted(at, slots, side="right")
    np.testing.assert_array_equal(kernels.moved_sorted(slots, at), expected)


@pytest.mark.parametrize("scenario", ["bni", "open_coffee", "m4m"])
def test_a_run_is_bit_identical_with_or_without_kernels(scenario):
    """Sales, referrals and every pair's state after 40 weeks, kernels on and off."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario(scenario, {"run.weeks": 40}).params
    runs = []
    for enabled in (True, False):
        kernels.use(enabled)
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


def test_kernels_are_used_where_they_pay_and_numba_is_not_loaded_before(monkeypatch):
    """Numba's start-up (~2.5 s a process) is paid only by work that earns it back, or when
    NETSIM_KERNELS says so; a small run never imports numba."""
    import subprocess
    import sys

    monkeypatch.delenv("NETSIM_KERNELS", raising=False)
    assert not kernels.worth(kernels.WORTH_SECONDS / 2) and kernels.worth(kernels.WORTH_SECONDS)
    monkeypatch.setenv("NETSIM_KERNELS", "numpy")
    assert not kernels.worth(1e9)
    monkeypatch.setenv("NETSIM_KERNELS", "numba")
    assert kernels.worth(0.0)
    code = (
        "import sys, numpy as np\n"
        "from sim.experiments.execution import region_tables\n"
        "from sim.scenario import load_scenario\n"
        "p = load_scenario('laptop', {'run.weeks': 4}).params\n"
        "region_tables(p, np.random.SeedSequence(1), 0, 'base', 0)\n"
        "print('numba' in sys.modules)\n"
    )
    for setting, loaded in (("", "False"), ("numba", "True")):
        env = {k: v for k, v in __import__("os").environ.items() if k != "NETSIM_KERNELS"}
        env["NETSIM_KERNELS"] = setting
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
        )
        assert out.stdout.strip() == loaded, out.stderr[-2000:]


def test_a_big_run_asks_its_workers_for_the_kernels(monkeypatch, tmp_path):
    """The run machinery marks every task compiled when the plan's time per worker is worth it
    (here: a lowered threshold) and the tables do not change."""
    import polars as pl

    from sim.experiments import execution
    from sim.scenario import load_scenario

    monkeypatch.delenv("NETSIM_KERNELS", raising=False)
    params = {"base": load_scenario("laptop", {"run.weeks": 20}).params}
    seen = []
    real = execution.region_tables

    def spy(*args, **kwargs):
        seen.append(kwargs.get("compiled", args[6] if len(args) > 6 else False))
        return real(*args, **kwargs)

    monkeypatch.setattr(execution, "region_tables", spy)
    runs = {}
    for threshold in (1e9, 0.0):
        monkeypatch.setattr(kernels, "WORTH_SECONDS", threshold)
        out = tmp_path / f"t{threshold}"
        execution.execute(
            params, 2, 3, workers=1, out_dir=out, folder="x", source="t", show_progress=False
        ).publish()
        runs[threshold] = pl.read_parquet(out / "sales.parquet")
    assert seen == [False, False, True, True]
    assert runs[1e9].equals(runs[0.0]) and runs[1e9].height > 0
