"""Every deterministic formula of a week against a slow reference, on random inputs (C4-C10, C14).

The reference is the formula written out once more, value by value in plain Python,
from the docstrings of sim/model/memory.py and sim/model/referrals.py: memory now, trust now, a
conversation's updates, a tie's strength, the referral chance and a referral's conversion. Each
implementation the steps' table can choose (sim/model/steps.py: the numpy code and the compiled
one) must give it. Values built from a power of two are compared to within 4 units in the last
place (numpy's vectorised exp2 and the C library's pow may differ in the last bit, see
docs/measurements.md); every other value exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import Params
from sim.model import kernels, steps
from sim.model.memory import PairStore, Talk
from sim.model.referrals import Referrers

ULP = 4


@pytest.fixture(params=[False, True], ids=["numpy", "compiled"])
def side(request):
    """Each implementation of the steps in turn (the compiled one through numba)."""
    was = kernels.ENABLED
    kernels.use(request.param)
    yield steps.chosen()
    kernels.use(was)


def random_store(seed: int, n: int = 40, pairs: int = 600, trust_half_life: float = 52.0):
    """A store of random pairs with random state, at week 100."""
    rng = np.random.default_rng(seed)
    params = Params.model_validate({"trust": {"half_life_weeks": trust_half_life}})
    store = PairStore(n, params.memory, params.trust, params.ties)
    keys = np.unique(rng.integers(0, n * n, pairs))
    keys = keys[keys // n != keys % n]
    store.ensure(keys // n, keys % n)
    size = len(store)
    store.memory[:] = rng.random(size)
    store.last_week[:] = rng.integers(0, 101, size)
    store.meetings[:] = rng.integers(0, 30, size)
    store.most_meetings = int(store.meetings.max())  # kept by conversations, set by hand here
    store.positive[:] = rng.exponential(3.0, size) * np.where(rng.random(size) < 0.2, 40, 1)
    store.negative[:] = rng.exponential(1.0, size) * (rng.random(size) < 0.5)
    store.depth[:] = rng.exponential(5.0, size)
    store.evidence_week[:] = rng.integers(0, 101, size)
    return store, rng


def memory_reference(store: PairStore, slot: int, week: float) -> float:
    cfg = store.memory_cfg
    meetings = max(int(store.meetings[slot]), 1)
    half_life = cfg.half_life_weeks * (1.0 + cfg.spacing * (meetings - 1))
    return float(store.memory[slot]) * 2.0 ** (-(week - store.last_week[slot]) / half_life)


def fading_reference(store: PairStore, slot: int, week: float) -> float:
    half_life = store.trust_cfg.half_life_weeks
    return 1.0 if half_life == 0 else 2.0 ** (-(week - store.evidence_week[slot]) / half_life)


def trust_reference(store: PairStore, slot: int, week: float) -> float:
    left = fading_reference(store, slot, week)
    r, s = store.positive[slot] * left, store.negative[slot] * left
    return (r + 1.0) / (r + s + 2.0)


def assert_close(got, want) -> None:
    """Equal but for the last bits of a power of two: |got - want| <= ULP eps max(1, |want|)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    bound = ULP * np.finfo(float).eps * np.maximum(1.0, np.abs(want))
    assert np.all(np.abs(got - want) <= bound), np.max(np.abs(got - want) / bound)


@pytest.mark.parametrize("seed", range(3))
def test_memory_and_trust_now_are_the_formulas(side, seed):
    store, _ = random_store(seed, trust_half_life=(52.0, 0.0, 13.0)[seed])
    slots = np.arange(len(store))
    week = 100.0
    assert_close(
        side.memory_now(store, slots, week), [memory_reference(store, s, week) for s in slots]
    )
    assert_close(
        side.trust_now(store, slots, week), [trust_reference(store, s, week) for s in slots]
    )


def test_the_decay_tables_are_the_formulas_and_say_where_they_end():
    """The compiled kernels read decay from tables (sim/model/decay.py): each entry is
    2^(-gap / half-life after m meetings), and 2^(-gap / trust half-life) (1 where evidence
    never fades); they grow to what is asked, follow a change of configuration, and a pair
    beyond them, or a week that is not whole, is refused rather than read wrongly."""
    from sim.model.decay import DecayTables, whole_week

    params = Params.model_validate({"memory": {"spacing": 0.7}, "trust": {"half_life_weeks": 30}})
    tables = DecayTables()
    memory, fading = tables.cover(params.memory, params.trust, 100, 12)
    assert memory.shape[0] > 12 and memory.shape[1] > 100 and fading.size == memory.shape[1]
    cfg = params.memory
    for m in range(13):
        half_life = cfg.half_life_weeks * (1.0 + cfg.spacing * (max(m, 1) - 1))
        want = [2.0 ** (-g / half_life) for g in range(101)]
        assert_close(memory[m, :101], want)
    assert_close(fading[:101], [2.0 ** (-g / 30) for g in range(101)])
    assert tables.cover(params.memory, params.trust, 300, 40)[0].shape >= (41, 301)
    never = Params.model_validate({"trust": {"half_life_weeks": 0}}).trust
    assert (tables.cover(params.memory, never, 10, 1)[1] == 1.0).all()
    with pytest.raises(ValueError, match="whole number"):
        whole_week(2.5)
    was = kernels.ENABLED
    kernels.use(True)
    try:
        store, _ = random_store(4)
        store.most_meetings = 0  # as if no pair had met more than once: rows for 0 and 1
        with pytest.raises(ValueError, match="beyond them"):
            store._memory_at(np.arange(len(store)), 100)
    finally:
        kernels.use(was)


@pytest.mark.parametrize("seed", range(3))
def test_a_conversation_updates_its_pairs_by_the_formulas(side, seed):
    store, rng = random_store(10 + seed)
    slots = np.sort(rng.choice(len(store), 200, replace=False))
    week, depth = 100.0, (1.0, 3.0, 0.5)[seed]
    before = np.array([memory_reference(store, s, week) for s in slots])
    old = {name: getattr(store, name).copy() for name in PairStore.FIELDS}
    growth = (1.0 - store.memory_cfg.gain) ** depth
    listening, pitched = rng.random(slots.size), rng.random(slots.size) < 0.3
    after = side.conversed(store, Talk(slots, week, before, growth, listening, pitched, depth))
    mem, trust = store.memory_cfg, store.trust_cfg
    for k, s in enumerate(slots):
        left = 2.0 ** (-(week - old["evidence_week"][s]) / trust.half_life_weeks)
        good = trust.gain * depth * listening[k] * (before[k] >= mem.established_level)
        good *= not pitched[k]
        assert after[k] == 1.0 - (1.0 - before[k]) * growth == store.memory[s]
        assert store.last_week[s] == week == store.evidence_week[s]
        assert store.meetings[s] == old["meetings"][s] + 1
        first = week if old["meetings"][s] == 0 else old["first_week"][s]
        assert store.first_week[s] == first
        assert_close(store.positive[s], old["positive"][s] * left + good)
        assert_close(store.negative[s], old["negative"][s] * left + trust.pitch_cost * pitched[k])
        assert_close(store.depth[s], old["depth"][s] * left + depth)


def test_a_ties_strength_is_the_formula():
    store, _ = random_store(20)
    slots, week = np.arange(len(store)), 100.0
    half = store.ties_cfg.depth_half
    want = [
        1.0 - 2.0 ** (-(store.depth[s] * fading_reference(store, s, week)) / half) for s in slots
    ]
    assert_close(store.strength(slots, week), want)


def referrers_for(store: PairStore, rng, understanding: float, belief: float, small_talk: float):
    params = Params.model_validate(
        {
            "ties": {"understanding": understanding, "belief": belief},
            "conversation": {"small_talk": small_talk, "small_talk_counts": True},
        }
    )
    store.ties_cfg = params.ties
    drive_of = rng.random(store.n) * 2
    return Referrers(
        ask_specificity=rng.random(store.n),
        listening=rng.random(store.n),
        drive=lambda referrer, owes: drive_of[referrer] * (1.0 + 0.5 * owes),
        conversation=params.conversation,
        reputation=params.reputation,
        ties=params.ties,
    ), drive_of


@pytest.mark.parametrize("understanding, belief", [(0.0, 0.0), (1.5, 2.0), (3.0, 0.7)])
def test_the_referral_chance_and_conversion_are_the_formulas(understanding, belief):
    """chance = min(1, recognise x ask x (1 - (1 - listening x business)^meetings)
    x (1 + understanding x strength) x drive(owes)); conversion = min(1, base x (1 + belief x
    clip((trust - refer) / (1 - refer), 0, 1))); strangers (no pair) have understood nothing."""
    store, rng = random_store(30)
    store.received[:] = rng.integers(0, 3, len(store))
    referrers, drive_of = referrers_for(store, rng, understanding, belief, small_talk=0.25)
    referrer, provider = rng.integers(0, store.n, (2, 500))
    provider = np.where(provider == referrer, (provider + 1) % store.n, provider)
    slots, week, recognise = store.find(referrer, provider), 100.0, 0.5
    chance = referrers.chance(store, slots, referrer, provider, recognise, week)
    conversion = referrers.conversion(store, referrer, provider, 0.3, week)
    refer = store.trust_cfg.refer_level
    for k, (r, p, s) in enumerate(zip(referrer, provider, slots, strict=True)):
        if s < 0:
            assert chance[k] == 0.0
            assert conversion[k] == 0.3  # a stranger's trust, 0.5, is below the refer level
            continue
        understood = 1.0 - (1.0 - referrers.listening[r] * 0.75) ** int(store.meetings[s])
        depth = store.depth[s] * fading_reference(store, s, week)
        strength = 1.0 - 2.0 ** (-depth / store.ties_cfg.depth_half)
        owes = min(int(store.received[s]), 1)
        want = recognise * referrers.ask_specificity[p] * understood
        want *= 1.0 + understanding * strength if understanding else 1.0
        want = min(want * drive_of[r] * (1.0 + 0.5 * owes), 1.0)
        assert_close(chance[k], want)
        conviction = min(max((trust_reference(store, s, week) - refer) / (1.0 - refer), 0.0), 1.0)
        assert_close(conversion[k], min(0.3 * (1.0 + belief * conviction), 1.0))
