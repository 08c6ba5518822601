"""Scripted tests of the memory and trust submodel (C3, C4, C5, C10)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import MemoryConfig, TiesConfig, TrustConfig
from sim.model.memory import INSERTS_LOGGED, PairStore

A, B = np.array([0]), np.array([1])
LISTENS = np.array([0.9, 0.9])
NO_PITCH = np.array([False, False])
B_PITCHES = np.array([False, True])


def talk(store, week, pitches=NO_PITCH):
    """A and B talk; `pitches[i]` says member i pitches the other."""
    store.converse(A, B, week, LISTENS, pitches[A], pitches[B])


def memory_of_a(store, week):
    return float(store.memory_at(store.find(A, B), week)[0])


def trust_of_a(store, week):
    return float(store.trust_of(A, B, week)[0])


def test_name_sticks_after_five_or_six_monthly_conversations_not_after_two():
    """C3: with default parameters and a monthly cadence, the name level is passed at 5-6."""
    store = PairStore(2, MemoryConfig(), TrustConfig(), TiesConfig())
    level = MemoryConfig().name_level
    passed_at = None
    for n in range(1, 11):
        talk(store, week=4 * (n - 1))
        if n <= 2:
            assert memory_of_a(store, 4 * (n - 1)) < level
        if passed_at is None and memory_of_a(store, 4 * (n - 1)) >= level:
            passed_at = n
    assert passed_at in (5, 6)


def test_memory_fades_lazily_with_a_half_life_that_grows_with_meetings():
    """C5: memory halves after one half-life; a pair that met more often fades more slowly."""
    cfg = MemoryConfig()
    once = PairStore(2, cfg, TrustConfig(), TiesConfig())
    talk(once, week=0)
    m0 = memory_of_a(once, 0)
    assert memory_of_a(once, cfg.half_life_weeks) == pytest.approx(m0 / 2)
    often = PairStore(2, cfg, TrustConfig(), TiesConfig())
    for week in range(0, 40, 4):
        talk(often, week)
    fade_once = memory_of_a(once, 0 + 26) / memory_of_a(once, 0)
    fade_often = memory_of_a(often, 36 + 26) / memory_of_a(often, 36)
    assert fade_often > fade_once


def test_trust_lags_memory():
    """C4: trust reaches the refer level later than memory reaches the name level."""
    store = PairStore(2, MemoryConfig(), TrustConfig(), TiesConfig())
    name_at = trust_at = None
    for n in range(1, 40):
        week = 4 * (n - 1)
        talk(store, week)
        if name_at is None and memory_of_a(store, week) >= MemoryConfig().name_level:
            name_at = n
        if trust_at is None and trust_of_a(store, week) >= TrustConfig().refer_level:
            trust_at = n
    assert name_at is not None and trust_at is not None
    assert trust_at > name_at


def test_no_trust_before_memory_is_established():
    store = PairStore(2, MemoryConfig(established_level=0.3), TrustConfig(), TiesConfig())
    talk(store, 0)  # memory before this conversation was 0: no trust evidence yet
    assert trust_of_a(store, 0) == pytest.approx(0.5)


def test_a_pitch_lowers_trust_faster_than_a_conversation_raises_it():
    """C4, C10: one pitch costs more trust than one good conversation adds."""
    store = PairStore(2, MemoryConfig(), TrustConfig(), TiesConfig())
    for week in range(0, 40, 4):
        talk(store, week)
    before = trust_of_a(store, 40)
    talk(store, 40)
    gain = trust_of_a(store, 40) - before
    then = trust_of_a(store, 44)
    talk(store, 44, pitches=B_PITCHES)
    loss = then - trust_of_a(store, 44)
    assert loss > gain > 0


def test_repeated_pitches_make_a_stranger_avoid_the_pitcher():
    """C10: a member who is pitched again and again steers clear of the pitcher."""
    store = PairStore(2, MemoryConfig(), TrustConfig(), TiesConfig())
    talk(store, 0, pitches=B_PITCHES)
    talk(store, 4, pitches=B_PITCHES)
    assert store.avoided(A, B, 4)[0]
    assert not store.avoided(B, A, 4)[0]


def test_pairs_are_stored_sparsely_in_sorted_order():
    store = PairStore(1000, MemoryConfig(), TrustConfig(), TiesConfig())
    a = np.array([999, 3, 500])
    b = np.array([0, 998, 2])
    no = np.zeros(3, dtype=bool)
    store.converse(a, b, 0, np.ones(1000), no, no)
    assert len(store) == 6
    assert np.all(np.diff(store.keys) > 0)
    assert store.find(np.array([3, 7]), np.array([998, 8])).tolist()[1] == -1


def test_incremental_trusted_and_remembered_sets_equal_a_full_recount_every_week():
    """The slot sets kept incrementally (only contact can newly pass a level) are exactly what
    a pass over every pair gives, week by week, in a scene with pitches, posts and fading."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario(
        "three_ways",
        {"run.weeks": 40, "online.enabled": True, "online.trust_gain": 0.2, "circle.join": True},
    ).params
    model = NetworkingModel(params, rng=np.random.SeedSequence(3))
    level = params.memory.name_level
    checked = 0
    for _ in range(params.run.weeks):
        model.step()
        store, week = model.store, model.week
        every = np.arange(len(store))
        assert np.array_equal(store.trusted_now(week), store.trusted_slots(week))
        remembered = every[store.memory_at(every, week) >= level]
        assert np.array_equal(store.remembered_now(week, level), remembered)
        checked += remembered.size
    assert checked > 0 and store.trusted_now(model.week).size > 0


OPS = st.lists(
    st.tuples(
        st.sampled_from(["converse", "touch", "evidence"]),
        st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), min_size=1, max_size=8),
        st.integers(0, 2),  # weeks that pass first
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(OPS)
def test_lookups_and_kept_values_equal_a_recount_after_every_insert(ops):
    """The dense slot index finds what a binary search finds, and the values and slot sets kept
    across inserts (moved along, not recomputed) equal a pass over every pair, op by op; so do
    slots kept from earlier ops and moved along (`moved_since`) while the inserts are logged."""
    memory, trust = MemoryConfig(gain=0.6), TrustConfig(gain=3.0)  # sets fill in a few ops
    stores = [PairStore(12, memory, trust, TiesConfig()) for _ in range(2)]
    assert stores[0].index is not None
    stores[1].index = None  # this one searches the sorted keys
    listening = np.linspace(0.2, 1.0, 12)
    level = memory.name_level
    week, kept = 0, []  # (version, src, dst, slots) of every pair after each op
    for kind, pairs, weeks in ops:
        week += weeks
        low = np.array(sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b}))
        if low.size == 0:
            continue
        a, b = low[:, 0], low[:, 1]
        pitched = (a + b) % 3 == 0
        for store in stores:
            if kind == "converse":
                store.converse(a, b, week, listening, pitched, ~pitched)
            elif kind == "touch":
                store.touch(store.ensure(a, b), week, 0.3, trust_gain=0.5 * (week % 2))
            else:
                store.add_evidence(a, b, np.where(pitched, 0.0, 1.0), 0.5, week)
            every = np.arange(len(store))
            assert np.array_equal(store.memory_at(every, week), store._memory_at(every, week))
            assert np.array_equal(store.trust(every, week), store._trust(every, week))
            assert np.array_equal(store.trusted_now(week), store.trusted_slots(week))
            remembered = every[store._memory_at(every, week) >= level]
            assert np.array_equal(store.remembered_now(week, level), remembered)
        found, searched = (
            store.find(np.repeat(np.arange(12), 12), np.tile(np.arange(12), 12)) for store in stores
        )
        assert np.array_equal(found, searched)
        store = stores[0]
        for version, src, dst, slots in kept:
            now = store.moved_since(slots, version)
            assert (now is None) == (store.version - version > INSERTS_LOGGED)
            assert now is None or np.array_equal(now, store.find(src, dst))
        kept.append((store.version, store.src.copy(), store.dst.copy(), np.arange(len(store))))
        for name in ("keys", *PairStore.FIELDS):
            assert np.array_equal(getattr(stores[0], name), getattr(stores[1], name))
