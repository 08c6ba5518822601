"""The compiled kernels (sim/model/kernels.py) give what the numpy code gives: the same pairs and
the same random stream afterwards, on random pair stores, with and without the dense slot index;
and a whole run is bit-identical either way."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import MemoryConfig, TiesConfig, TrustConfig
from sim.model import kernels, pair_kernels
from sim.model.events import follow_up_pairs, mingle
from sim.model.memory import PairStore
from sim.model.referrals import best_providers


@pytest.fixture(autouse=True)
def numpy_afterwards():
    """Each test leaves the process on the numpy code, as it found it."""
    yield
    kernels.use(False)


def random_store(
    seed: int, n: int, weeks: int, dense: bool, fade: float | None = None, depth: float = 1.0
) -> PairStore:
    """A store after a few weeks of random conversations of `depth`, some pushy (low trust:
    avoidance), trust evidence fading with half-life `fade` (0: never; None: the default).
    Each week's memory is read before its conversations, as a model's week does, so they
    write through the cache."""
    rng = np.random.default_rng(seed)
    trust = TrustConfig(pitch_cost=2.0)
    if fade is not None:
        trust = TrustConfig(pitch_cost=2.0, half_life_weeks=fade)
    store = PairStore(n, MemoryConfig(), trust, TiesConfig())
    if not dense:
        store.index = None  # lookups by binary search, as in scenes above DENSE_INDEX members
    pushy = rng.random(n) < 0.3
    for week in range(weeks):
        a, b = rng.integers(0, n, (2, 3 * n))
        keep = a < b
        key = np.unique(a[keep] * n + b[keep])
        a, b = key // n, key % n
        store.memory_everywhere(week)
        store.converse(a, b, week, rng.random(n), pushy[a], pushy[b], depth)
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
    everyone=st.booleans(),
)
def test_follow_up_kernel_equals_numpy(seed, n, weeks, most, dense, everyone):
    store = random_store(seed, n, weeks, dense)
    rng = np.random.default_rng(seed + 2)
    counts = rng.integers(0, most + 1, n)
    if everyone:  # every member calls someone: every pair asks
        counts = np.maximum(counts, 1)
    raw = rng.random(len(store))
    raw[rng.random(len(store)) < 0.3] = 0.0  # not wanted at all
    raw[rng.random(len(store)) < 0.1] = 1.0  # exact ties in the race (equal weights) are rare
    week = weeks + int(rng.integers(0, 30))
    assert_same_both_ways(lambda r: follow_up_pairs(r, store, counts, lambda s: raw[s], week))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 30),
    weeks=st.integers(0, 6),
    since=st.integers(0, 6),
    everyone=st.booleans(),
)
def test_follow_up_rules_give_the_strategies_weights(seed, n, weeks, since, everyone):
    """The compiled one-to-ones read each member's follow-up rule as data (the new faces met
    since the last event, or warm contacts): the same weights, so the same calls and the same
    random stream afterwards, as asking the default `follow_up_weight` of the strategies."""
    from types import SimpleNamespace

    from sim.model.events import FOLLOW_UP_RULES
    from sim.model.strategies import STRATEGIES

    store = random_store(seed, n, weeks, dense=bool(seed % 2))
    rng = np.random.default_rng(seed + 3)
    codes = rng.integers(0, 2, n).astype(np.int8)
    counts = rng.integers(1 if everyone else 0, 3, n)
    week = weeks + int(rng.integers(0, 20))
    kind = {
        code: next(c() for c in STRATEGIES.values() if c.follow_up_rule() == rule)
        for code, rule in enumerate(FOLLOW_UP_RULES)
    }
    scene = SimpleNamespace(store=store, week=week)

    def weight(slots):  # what the model asks each member's strategy
        rule = codes[store.src[slots]]
        out = np.empty(slots.size)
        for code, strategy in kind.items():
            out[rule == code] = strategy.follow_up_weight(scene, slots[rule == code], since)
        return out

    assert_same_both_ways(lambda r: follow_up_pairs(r, store, counts, weight, week, (codes, since)))
    kernels.use(False)
    ref = follow_up_pairs(np.random.default_rng(1), store, counts, weight, week)
    kernels.use(True)
    by_rules = follow_up_pairs(np.random.default_rng(1), store, counts, None, week, (codes, since))
    assert all(np.array_equal(x, y) for x, y in zip(ref, by_rules, strict=True))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 40), weeks=st.integers(0, 6))
def test_pairs_are_found_the_same_compiled(seed, n, weeks):
    """Without the dense index, pairs are found by a binary search among the source's own
    pairs when compiled, among all pairs in numpy: the same slots, -1 for pairs never met."""
    store = random_store(seed, n, weeks, dense=False)
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, (2, 3, 7))  # any shape, self-pairs and strangers included
    found = []
    for enabled in (True, False):
        kernels.use(enabled)
        found.append(store.find(src, dst))
    assert found[0].shape == src.shape and found[0].dtype == found[1].dtype
    np.testing.assert_array_equal(*found)
    known = found[0] >= 0
    assert (store.src[found[0][known]] == src[known]).all()
    assert (store.dst[found[0][known]] == dst[known]).all()


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
    inserted = pair_kernels.inserted(values, at, new)
    np.testing.assert_array_equal(inserted, np.insert(values, at, new))
    slots = np.arange(values.size, dtype=np.int64)
    expected = slots + np.searchsorted(at, slots, side="right")
    np.testing.assert_array_equal(pair_kernels.moved_sorted(slots, at), expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 40), weeks=st.integers(1, 6))
def test_dense_index_kept_across_inserts_equals_a_rebuild(seed, n, weeks):
    """After inserts (renewed for the members with new pairs only), the dense index holds every
    pair's place among its source's pairs and -1 elsewhere, as a rebuild from the sorted keys
    gives - either way; and the first slots kept over the inserts are a recount's."""
    indexes = []
    for enabled in (True, False):
        kernels.use(enabled)
        store = random_store(seed, n, weeks, dense=True)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(store.src, minlength=n), out=starts[1:])
        np.testing.assert_array_equal(store.starts(), starts)
        rebuilt = np.full(n * n, -1, dtype=store.index.dtype)
        rebuilt[store.keys] = np.arange(store.keys.size) - starts[store.src]
        np.testing.assert_array_equal(store.index, rebuilt)
        indexes.append(store.index)
    np.testing.assert_array_equal(*indexes)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 30),
    weeks=st.integers(0, 8),
    later=st.integers(0, 80),
    fade=st.sampled_from([0.0, 5.0, 39.0]),
)
def test_memory_and_trust_kernels_equal_numpy(seed, n, weeks, later, fade):
    """Every pair's memory and trust now (the week caches' pass), and a few pairs', bit for bit,
    with fading trust evidence and without (half-life 0)."""
    from sim.model.slots import ALL

    store = random_store(seed, n, weeks, dense=True)
    store.trust_cfg = TrustConfig(pitch_cost=2.0, half_life_weeks=fade)
    rng = np.random.default_rng(seed)
    heard = rng.integers(0, n, (2, n))  # light touches: pairs that never talked (0 meetings)
    store.touch(store.ensure(*heard[:, heard[0] != heard[1]]), weeks, 0.3, 0.2)
    slots = rng.integers(0, max(len(store), 1), 7)[: len(store)]
    week = weeks + later
    out = []
    for enabled in (True, False):
        kernels.use(enabled)
        out.append([f(s, week) for f in (store._memory_at, store._trust) for s in (ALL, slots)])
    for fast, slow in zip(*out, strict=True):
        assert fast.dtype == slow.dtype
        assert fast.tobytes() == slow.tobytes()


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 30),
    weeks=st.integers(1, 8),
    level=st.sampled_from([0.0, 0.2, 0.5]),
    dense=st.booleans(),
)
def test_acquaintances_are_the_same_compiled(seed, n, weeks, level, dense):
    """Whom each member remembers by name and whom they trust enough to refer, numpy (the
    remembered and trusted sets, refreshed incrementally) and in one compiled pass over every
    pair (pair_kernels.remembered_rows; the week's trust), refreshed in every week of random
    conversations, some pushy, and once more after memories and trust faded: the same rows and
    the same sets each time."""
    from sim.model import referrals

    found = []
    for compiled in (False, True):
        kernels.use(compiled)
        rng = np.random.default_rng(seed)
        store = PairStore(n, MemoryConfig(), TrustConfig(), TiesConfig())
        if not dense:
            store.index = None
        rows = []
        side = "compiled" if compiled else "numpy"
        refresh = getattr(referrals, f"acquaintances_{side}")
        trusted = getattr(referrals, f"trusted_{side}")
        for week in [*range(weeks), weeks + 30]:
            if week < weeks:
                a, b = rng.integers(0, n, (2, n))
                key = np.unique(np.minimum(a, b)[a != b] * n + np.maximum(a, b)[a != b])
                pushy = rng.random((2, key.size)) < 0.2
                store.converse(key // n, key % n, week, rng.random(n), *pushy)
            graph = refresh(store, week, level)
            rows.append((graph.indptr, graph.indices, store.remembered.slots))
            rows.append((trusted(store, week), store.evidenced.slots))
        found.append(rows)
    for slow, fast in zip(*found, strict=True):
        for x, y in zip(slow, fast, strict=True):
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert level > 0 or found[0][-2][1].size == len(store)  # level 0: every pair met


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 30),
    weeks=st.integers(1, 8),
    later=st.integers(0, 20),
    sectors=st.integers(1, 4),
    level=st.sampled_from([0.0, 0.3, None]),  # None: exactly one candidate's memory now
    ties=st.booleans(),
)
def test_best_providers_kernel_equals_numpy(seed, n, weeks, later, sectors, level, ties):
    """The provider each member has top of mind per sector (referrals.best_providers and
    pair_kernels.best_providers): the same table, exact ties (a pair's state copied to the next
    pair of the same member) going to the first slot both ways, a memory exactly at the
    top-of-mind level counting both ways."""
    store = random_store(seed, n, weeks, dense=True)
    rng = np.random.default_rng(seed)
    if ties and len(store) > 1:  # the week caches hold an earlier week: read anew below
        same = np.flatnonzero(store.src[1:] == store.src[:-1])
        for name in store.FIELDS:
            values = getattr(store, name)
            values[same + 1] = values[same]
    sector = rng.integers(0, sectors, n)
    candidates = np.flatnonzero(rng.random(len(store)) < 0.7)
    week = weeks + later
    if level is None:
        level = float(store.memory_at(candidates, week)[-1]) if candidates.size else 0.5
    store.memory_cfg = store.memory_cfg.model_copy(update={"top_of_mind_level": level})
    out, slots = [], []
    for enabled in (True, False):
        kernels.use(enabled)
        slots.append(np.full(n * sectors, -7, dtype=np.int64))
        out.append(best_providers(store, week, candidates, sector, sectors, slots[-1]))
        assert (best_providers(store, week, candidates, sector, sectors) == out[-1]).all()
    np.testing.assert_array_equal(out[0], out[1])
    np.testing.assert_array_equal(slots[0], slots[1])
    assert out[0].shape == (n, sectors)
    flat = out[0].ravel()  # each best provider's slot, as finding the pair gives it
    member = np.arange(flat.size) // sectors
    np.testing.assert_array_equal(slots[0], np.where(flat >= 0, store.find(member, flat), -1))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 30),
    weeks=st.integers(1, 8),
    fade=st.sampled_from([0.0, 5.0]),
    depth=st.sampled_from([1.0, 2.5]),
)
def test_conversations_update_the_store_the_same_compiled(seed, n, weeks, fade, depth):
    """PairStore.converse and its compiled updates (pair_kernels.conversed): after weeks of random
    conversations, some pushy, of `depth`, with trust evidence that fades or not, every pair's
    state and the week's cached memory are the same bit for bit."""
    stores = []
    for enabled in (False, True):
        kernels.use(enabled)
        store = random_store(seed, n, weeks, dense=True, fade=fade, depth=depth)
        stores.append((store, store.memory_everywhere(weeks - 1)))
    (slow, slow_now), (fast, fast_now) = stores
    assert slow.keys.tobytes() == fast.keys.tobytes() and slow_now.tobytes() == fast_now.tobytes()
    for name in PairStore.FIELDS:
        assert getattr(slow, name).tobytes() == getattr(fast, name).tobytes(), name


def _talked_state(model) -> list[np.ndarray]:
    """What conversations change: every pair's state and the week's memory, the curves, the
    conversations and pitches counted, the sales."""
    store, curves, sales = model.store, model.curves, model.market.ledger.sales_arrays()
    arrays = [store.keys, *(getattr(store, name) for name in store.FIELDS)]
    arrays += [curves.count, curves.memory, curves.trust, model.conversations]
    return [*arrays, model.pitches_made, store.memory_everywhere(model.week), *sales.values()]


@pytest.mark.parametrize(
    ("scenario", "overrides"),
    [
        ("four_sellers", {}),  # every pitch rule: always, never, when trusted
        ("bni", {"trust.half_life_weeks": 0, "memory.gain": 0.4}),  # evidence that never fades
        ("laptop", {"conversation.small_talk_counts": False}),  # small talk drawn: numpy's way
    ],
)
def test_conversations_are_the_same_compiled(scenario, overrides):
    """The model's talk, numpy and in one compiled pass (conversations.talked): from the same
    state, batches of random unique pairs (new pairs among them) of two depths - every pair's
    state, the curves, the conversations and pitches counted, the sales and the generator
    afterwards are the same bit for bit; the pitch rules are read as data."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario(scenario, {"run.weeks": 12, **overrides}).params
    kept = []
    for compiled in (False, True):
        kernels.use(False)
        model = NetworkingModel(params, rng=np.random.SeedSequence(4)).run()
        kernels.use(compiled)
        pick = np.random.default_rng(8)
        for depth in (1.0, 2.5, 1.0):
            a, b = pick.integers(0, model.n_members, (2, 4 * model.n_members))
            key = np.unique(np.minimum(a, b)[a != b] * model.n_members + np.maximum(a, b)[a != b])
            model.talk(key // model.n_members, key % model.n_members, depth)
            model.week += 1
        kept.append(
            (_talked_state(model), model.rng.bit_generator.state, model.store.most_meetings)
        )
    (slow, slow_state, slow_most), (fast, fast_state, fast_most) = kept
    for x, y in zip(slow, fast, strict=True):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert slow_state == fast_state and slow_most == fast_most
    assert model.pitches_made.sum() > 0 and model.pitch_rules is not None


@pytest.mark.parametrize("one_way", [False, True])
@pytest.mark.parametrize(("scenario", "overrides"), [("four_sellers", {}), ("bni", {})])
def test_one_to_ones_are_the_same_compiled(scenario, overrides, one_way):
    """The week's one-to-ones, numpy and in one compiled call (conversations.called_and_talked:
    the race, the calls made distinct, their conversations), for several weeks from the same
    state, at a habit of one or two a week: the same pairs' state, curves, counts, one-to-ones
    by group, sales and generator afterwards. `one_way`: pairs remembered one way only (a light
    touch), so some calls' pairs are new the other way and the talk inserts them."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    over = {"run.weeks": 10, "scene.one_to_ones": 6.0, **overrides}
    params = load_scenario(scenario, over).params
    kept = []
    for compiled in (False, True):
        kernels.use(False)
        model = NetworkingModel(params, rng=np.random.SeedSequence(6)).run()
        if one_way:  # each member touches a few members they may not have met
            pick = np.random.default_rng(3)
            src = np.repeat(np.arange(model.n_members), 3)
            dst = pick.integers(0, model.n_members, src.size)
            keep = np.unique((src * model.n_members + dst)[src != dst])
            model.touch(keep // model.n_members, keep % model.n_members, 0.9)
        kernels.use(compiled)
        held = []
        for _ in range(4):
            model.one_to_ones_held[:] = 0
            model.hold_one_to_ones()
            held.append(model.one_to_ones_held.copy())
            model.week += 1
        state = [*_talked_state(model), *held]
        kept.append((state, model.rng.bit_generator.state, model.week_conversations))
    (slow, slow_state, slow_talks), (fast, fast_state, fast_talks) = kept
    for x, y in zip(slow, fast, strict=True):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert slow_state == fast_state and slow_talks == fast_talks > 0


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 30),
    weeks=st.integers(1, 6),
    share=st.sampled_from([0.1, 0.5, 1.0]),
    trust_gain=st.sampled_from([0.0, 0.3]),
)
def test_touches_update_the_store_the_same_compiled(seed, n, weeks, share, trust_gain):
    """PairStore.touch and its compiled pass (pair_kernels.touched), on a share of the pairs
    (few: numpy's way; a quarter or more: the pass) in the weeks after random conversations,
    with and without trust gained: every pair's state and the week's memory are the same."""
    stores = []
    for enabled in (False, True):
        kernels.use(enabled)
        store = random_store(seed, n, weeks, dense=True)
        rng = np.random.default_rng(seed + 1)
        for week in (weeks, weeks, weeks + 3):
            store.memory_everywhere(week)
            slots = np.flatnonzero(rng.random(len(store)) < share)
            store.touch(slots, week, 0.3, trust_gain)
        stores.append((store, store.memory_everywhere(weeks + 3)))
    (slow, slow_now), (fast, fast_now) = stores
    assert slow_now.tobytes() == fast_now.tobytes()
    for name in PairStore.FIELDS:
        assert getattr(slow, name).tobytes() == getattr(fast, name).tobytes(), name


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 6),
            st.one_of(st.floats(-5, 5), st.sampled_from([0.0, 1.0, np.inf, -np.inf, np.nan])),
        ),
        max_size=50,
    )
)
def test_smallest_per_group_and_add_per_cell_equal_numpy(rows):
    """min_per_group's compiled twin (exact ties, infinite keys, and a NaN, which numpy's
    minimum.at spreads to the whole group) and the curves' sums (np.add.at in order)."""
    from sim.model.grouping import min_per_group

    group = np.array([g for g, _ in rows], dtype=np.int64)
    key = np.array([k for _, k in rows], dtype=np.float64)
    kernels.use(False)  # (the fixture runs once for all of hypothesis's examples)
    with np.errstate(invalid="ignore"):  # a NaN key
        want = min_per_group(group, key)
    kernels.use(True)
    np.testing.assert_array_equal(min_per_group(group, key), want)
    sums = [np.zeros(7, dtype=np.int64), np.zeros(7), np.zeros(7)]
    kernels.add_per_cell(*sums, group, key, key[::-1].copy())
    expected = [np.zeros(7, dtype=np.int64), np.zeros(7), np.zeros(7)]
    with np.errstate(invalid="ignore"):  # inf + -inf
        for values, add in zip(expected, (1, key, key[::-1]), strict=True):
            np.add.at(values, group, add)
    for got, wanted in zip(sums, expected, strict=True):
        assert got.tobytes() == wanted.tobytes()


@settings(max_examples=100, deadline=None)
@given(
    edges=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 2**31 + 5)), max_size=60),
    rows=st.integers(10, 14),
    wide=st.booleans(),
)
def test_the_social_graphs_rows_are_the_same_compiled(edges, rows, wide):
    """Adjacency.from_edges by the compiled counting sort: the same indptr and indices (values
    and dtype: int32 unless a neighbour needs int64) as sorting the keys - duplicate edges, empty
    rows, and rows at the end without edges included."""
    from sim.model.population import Adjacency

    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b if wide else b % 40 for _, b in edges], dtype=np.int64)
    kernels.use(False)
    want = Adjacency.from_edges(src, dst, rows)
    kernels.use(True)
    got = Adjacency.from_edges(src, dst, rows)
    for name in ("indptr", "indices"):
        assert getattr(got, name).dtype == getattr(want, name).dtype
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))


RUNS = [
    ("bni", {}),
    ("laptop", {}),
    ("open_coffee", {}),
    ("m4m", {}),  # pitches only: no referrals in 40 weeks
    ("four_sellers", {}),  # every strategy's referral drive, givers' included
    # the referral chains' branches: degree 2 only, no conviction, evidence that never fades
    ("bni", {"referrals.max_degree": 2, "ties.belief": 0, "trust.half_life_weeks": 0}),
    ("bni", {"ties.understanding": 0, "conversation.small_talk_counts": False}),
    # sellers at capacity: work turned away, at events and in the needs answered
    (
        "room",
        {
            "scene.groups.example_builder.capacity": 3,
            "scene.one_to_ones": 8,
            "scene.groups.example_pitcher.capacity": 1,
            "market.pitch_close": 0.2,
            "scene.groups.example_builder.lifetime_weeks": 8.0,
        },
    ),
]


@pytest.mark.parametrize(("scenario", "overrides"), RUNS)
def test_a_run_is_bit_identical_with_or_without_kernels(scenario, overrides):
    """Sales, referrals and every pair's state after 40 weeks, kernels on and off."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario(scenario, {"run.weeks": 40, **overrides}).params
    runs = []
    for enabled in (True, False):
        kernels.use(enabled)
        model = NetworkingModel(params, rng=np.random.SeedSequence(5)).run()
        ledger = model.market.ledger
        rows = {f"sales.{k}": v for k, v in ledger.sales_arrays().items()}
        rows |= {f"referrals.{k}": v for k, v in ledger.referral_arrays().items()}
        runs.append((rows, model.store))
    (rows_a, store_a), (rows_b, store_b) = runs
    assert rows_a.keys() == rows_b.keys()
    assert rows_a["sales.units"].size > 0
    assert rows_a["referrals.provider"].size > 0 or scenario == "m4m"
    for name in rows_a:
        np.testing.assert_array_equal(rows_a[name], rows_b[name], err_msg=name)
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


def test_the_plan_says_whether_workers_compile_and_costs_that_way(monkeypatch):
    """The plan compiles when the numpy estimate earns numba's start-up back, and then counts
    the compiled time, numba's start-up and its memory; numpy when numba alone would not fit."""
    from sim.experiments import resources
    from sim.scenario import load_scenario

    monkeypatch.delenv("NETSIM_KERNELS", raising=False)
    variants = {"base": load_scenario("laptop", {"run.weeks": 20}).params}
    numpy_plan = resources.plan(variants, 2, 1, limit=8e9)
    assert not numpy_plan.compiled
    assert numpy_plan.seconds == pytest.approx(2 * resources.estimate(variants["base"]).seconds)
    monkeypatch.setattr(kernels, "WORTH_SECONDS", 0.0)
    compiled = resources.plan(variants, 2, 1, limit=8e9)
    assert compiled.compiled
    fast = resources.estimate(variants["base"], compiled=True)
    assert compiled.seconds == pytest.approx(2 * fast.seconds + resources.KERNEL_START_SECONDS)
    assert compiled.peak_bytes == pytest.approx(numpy_plan.peak_bytes + resources.KERNEL_BYTES)
    tight = numpy_plan.peak_bytes + resources.KERNEL_BYTES / 2  # numpy fits, numba does not
    assert not resources.plan(variants, 2, 1, limit=tight).compiled
    monkeypatch.setenv("NETSIM_KERNELS", "numpy")
    assert not resources.plan(variants, 2, 1, limit=8e9).compiled


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


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    members=st.integers(1, 12),
    outsiders=st.integers(0, 30),
    hops=st.sampled_from([2, 3]),
    mention=st.sampled_from([0.0, 0.05, 0.4, 1.0]),
    forward=st.sampled_from([0.3, 1.0]),
)
def test_referral_paths_kernel_equals_numpy(seed, members, outsiders, hops, mention, forward):
    """Who hears of a need, and through whom (AskGraph.paths): the same paths, the same draws."""
    from sim.model import referral_kernels
    from sim.model.population import Adjacency
    from sim.model.referrals import AskGraph

    rng = np.random.default_rng(seed)
    n = members + outsiders
    src, dst = rng.integers(0, n, (2, 3 * n))
    social = Adjacency.undirected(src[src != dst], dst[src != dst], n)
    ask = AskGraph(social, members)
    known = np.unique(rng.integers(0, members * members, 2 * members))
    a, b = known // members, known % members
    ask.acquaint = Adjacency.from_sorted(a[a != b], b[a != b], members)
    people = rng.integers(0, n, int(rng.integers(0, 20)))
    kernels.use(True)
    fast = np.random.default_rng(seed + 1)
    got = referral_kernels._paths(fast, hops, people, ask.arrays(), members, mention, forward)
    slow = np.random.default_rng(seed + 1)
    want = ask.paths(slow, people, hops, mention, forward)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    assert fast.bit_generator.state == slow.bit_generator.state


@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize("overrides", [run[1] for run in RUNS if run[0] == "bni"])
def test_referral_chance_and_conversion_kernels_equal_numpy(overrides, dense):
    """A referrer's chance to pass a need on to the provider they have in mind, and that
    referral's chance to convert, cell by cell, exactly as Referrers.chance and
    Referrers.conversion give them (pairs found through the dense index or by binary search)."""
    from sim.model import NetworkingModel, referral_kernels
    from sim.model.referrals import Traits
    from sim.scenario import load_scenario

    kernels.use(False)
    # recognising few needs: chances below the cap of 1, so that they tell pairs apart
    params = load_scenario("bni", {"run.weeks": 40, "referrals.recognise": 0.1, **overrides})
    params = params.params
    model = NetworkingModel(params, rng=np.random.SeedSequence(3)).run()
    store, referrers, week = model.store, model.market.referrers, model.week + 7
    if not dense:
        store.index = None  # found by binary search, as in scenes above DENSE_INDEX members
    best = best_providers(store, week, store.trusted_now(week), model.sector, model.n_sectors)
    rng = np.random.default_rng(0)
    cell = rng.choice(np.flatnonzero(best.ravel() >= 0), 400)
    referrer, provider = cell // model.n_sectors, best.ravel()[cell]
    store.received[store.find(referrer[:50], provider[:50])] += 1  # some owe a referral
    slots = store.find(referrer, provider)
    recognise, base = params.referrals.recognise, params.market.referral_convert
    chance = referrers.chance(store, slots, referrer, provider, recognise, week)
    conversion = referrers.conversion(store, referrer, provider, base, week)
    assert np.unique(chance).size > 2 and chance.max() < 1
    kernels.use(True)
    everyone, owes = np.arange(model.n_members), np.zeros(model.n_members, dtype=np.int32)
    traits = (referrers.ask_specificity, model.market.competence)
    drive = (referrers.drive(everyone, owes), referrers.drive(everyone, owes + 1))
    traits = Traits(*(np.asarray(x, dtype=np.float64) for x in (*traits, *drive)))
    cells = referrers.kernel_inputs(store, week, best)
    knobs = referrers.kernel_knobs(store, params.referrals, base)
    got = referral_kernels._chances(cell, referrer, provider, cells, traits, knobs)
    assert got.tobytes() == chance.tobytes()
    got = referral_kernels._conversions(cell, cells, knobs)
    assert got.tobytes() == np.broadcast_to(conversion, referrer.shape).tobytes()


NEEDS = [
    {},
    {"market.extra_units_mean": 0.0, "market.repeat_purchase": 1.0},
    {"market.extra_units_mean": 12.0, "ties.belief": 0.0},  # numpy's other Poisson method
    {"market.extra_units_mean": 3.0, "market.repeat_purchase": 0.0},
]


@pytest.mark.parametrize("overrides", NEEDS)
def test_a_weeks_needs_are_answered_the_same_way_compiled(overrides):
    """Market.answer_needs, numpy and in one compiled call (referral_kernels.answer_week), for
    ten weeks from the same state: the same repeat purchases, recalls, referrals and purchases
    - every market array, the ledger's rows, the store's evidence and referrals received, the
    counts - and the generator left in the same state."""
    from sim.model import NetworkingModel
    from sim.model.market import RECALL, REFERRAL, REPEAT
    from sim.scenario import load_scenario

    params = load_scenario("bni", {"run.weeks": 100, **overrides}).params
    models = []
    for compiled in (False, True):
        kernels.use(False)
        model = NetworkingModel(params, rng=np.random.SeedSequence(5)).run()
        kernels.use(compiled)
        for _ in range(10):
            model.answer_needs()
            model.week += 1
        models.append(model)
    kept = []
    for model in models:
        market, store = model.market, model.store
        arrays = [market.due, market.locked_until, market.last_seller, market.last_degree]
        arrays += [market.week_units, store.positive, store.negative, store.received]
        arrays += list(market.ledger.sales_arrays().values())
        arrays += list(market.ledger.referral_arrays().values())
        counts = (market.needs_arisen, market.units_to_market, market.needs_to_market)
        kept.append((arrays, counts, model.rng.bit_generator.state))
    (slow, slow_counts, slow_state), (fast, fast_counts, fast_state) = kept
    for a, b in zip(slow, fast, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert slow_counts == fast_counts and slow_state == fast_state
    channel = models[0].market.ledger.sales_arrays()["channel"]
    assert (channel == RECALL).any() and (channel == REFERRAL).any()
    if "market.repeat_purchase" in overrides:  # always, or never, back to the last seller
        assert (channel == REPEAT).any() == (overrides["market.repeat_purchase"] > 0)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(0, 60),
    sold_share=st.floats(0.0, 1.0),
    spread=st.sampled_from([0.0, 0.2, 3.0]),  # 3.0: many draws below a week (at least one)
)
def test_a_weeks_purchases_are_the_same_compiled(seed, size, sold_share, spread):
    """Market._purchases and its compiled twin (referral_kernels.purchases): sold needs bought
    from their seller, the others on the market - the same lifetimes, lockouts, next needs,
    last sellers and degrees, units, and the generator left in the same state."""
    from sim.config import ConversationConfig, MarketConfig, ReferralConfig, ReputationConfig
    from sim.model import referral_kernels
    from sim.model.ledger import Chosen
    from sim.model.market import Market
    from sim.model.referrals import Referrers

    draw = np.random.default_rng(seed)
    n_members, n_persons, n_sectors = 8, 30, 5
    cfg = MarketConfig(lifetime_weeks=50.0, lifetime_spread_weeks=50.0 * spread)
    flat = np.sort(draw.choice(n_persons * n_sectors, size, replace=False))
    sold = draw.random(size) < sold_share
    seller = np.where(sold, draw.integers(0, n_members, size), -1)
    chosen = Chosen(seller, draw.integers(0, 4, size), draw.integers(1, 4, size), seller - 1)
    units = draw.integers(1, 4, size)
    before = draw.integers(-1, n_members, n_persons * n_sectors)  # who sold the last ones
    out = []
    for compiled in (False, True):
        kernels.use(compiled)
        rng = np.random.default_rng(seed)
        configs = (ConversationConfig(), ReputationConfig(), TiesConfig())
        referrers = Referrers(np.ones(n_members), np.ones(n_members), None, *configs)
        market = Market(
            rng,
            cfg,
            ReferralConfig(),
            n_persons,
            np.arange(n_members) % n_sectors,
            np.arange(n_sectors) < 2,
            referrers,
            np.full(n_members, 0.9),
            np.full(n_members, 0.01),
        )
        market.last_seller[:] = before
        kept = [market.due, market.locked_until, market.last_seller, market.last_degree]
        if compiled:
            lifetime = referral_kernels.purchases(
                rng,
                7,
                flat,
                chosen.seller,
                chosen.degree,
                units,
                (market.mean_lifetime, float(market.relative_spread)),
                tuple(kept),
                market.week_units,
            )
        else:
            lifetime = market._purchases(rng, 7, flat, units, chosen)
        out.append(([*kept, market.week_units, lifetime], rng.bit_generator.state))
    (slow, slow_state), (fast, fast_state) = out
    for a, b in zip(slow, fast, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert slow_state == fast_state
    assert (market.week_units > 0).sum() == np.unique(seller[sold]).size
    assert (market.locked_until[flat] > 7).all() and (market.last_seller[flat] == seller).all()


def test_a_strategys_decisions_are_its_own_methods_with_or_without_kernels():
    """A strategy has one implementation of each decision, whatever the run's size: a weight
    that reads a trait of the member, beside a built-in strategy and one that changes its
    parent's weight, gives the same run with the kernels as without."""
    from sim.model import NetworkingModel
    from sim.model.strategies import STRATEGIES, Relationship, warm_contacts
    from sim.scenario import load_scenario

    class Keen(Relationship):
        name = "keen_for_test"
        description = "calls warm contacts, the keener the more he seeks known faces"
        labels = {"en": "keen", "nl": "gretig"}

        def follow_up_weight(self, scene, slots, since_week):
            share = scene.traits["known_share"][scene.store.src[slots]]
            return warm_contacts(scene, slots) * (1.0 + share)

    class Coolest(Relationship):
        name = "coolest_for_test"
        description = "calls the contacts remembered least"
        labels = {"en": "cooler", "nl": "koeler"}

        def follow_up_weight(self, scene, slots, since_week):
            return 1.0 / (1e-3 + super().follow_up_weight(scene, slots, since_week))

    try:
        groups = [
            {"name": "builders", "strategy": "relationship", "share": 0.4, "focal": True},
            {"name": "keen", "strategy": "keen_for_test", "share": 0.3, "known_share": 0.9},
            {"name": "pitchers", "strategy": "coolest_for_test", "share": 0.3, "focal": True},
        ]
        over = {"run.weeks": 30, "scene.groups": groups, "scene.one_to_ones": 8}  # each week
        params = load_scenario("laptop", over).params
        runs = []
        for enabled in (True, False):
            kernels.use(enabled)
            runs.append(NetworkingModel(params, rng=np.random.SeedSequence(2)).run().store)
        assert runs[0].meetings.sum() > 0
        for name in runs[0].FIELDS:
            np.testing.assert_array_equal(getattr(runs[0], name), getattr(runs[1], name))
    finally:
        del STRATEGIES["keen_for_test"], STRATEGIES["coolest_for_test"]
