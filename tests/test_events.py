"""Scripted tests of mingling and follow-ups (C5, C10). The strategies: tests/test_strategies.py."""

import numpy as np

from sim.config import MemoryConfig, TiesConfig, TrustConfig
from sim.model.events import follow_up_pairs, mingle
from sim.model.memory import PairStore


def converse(store, a, b, week, pitching=()):
    """Conversations between the pairs (a[k], b[k]); members in `pitching` pitch the other."""
    a, b = np.asarray(a), np.asarray(b)
    pitches = np.zeros(store.n, dtype=bool)
    pitches[list(pitching)] = True
    store.converse(a, b, week, np.full(store.n, 0.9), pitches[a], pitches[b])


def store_with(n, pairs, pitching=()):
    store = PairStore(n, MemoryConfig(), TrustConfig(), TiesConfig())
    converse(store, [p[0] for p in pairs], [p[1] for p in pairs], 0, pitching)
    return store


def builders_and_callers(store, seeks_known, week, since_week):
    """The follow-up rule of the two basic strategies, as a weight function of pair slots:
    builders (seeks_known) weigh warm contacts by memory, callers weigh people met since then."""

    def weight(slots):
        src = store.keys[slots] // store.n
        warm = store.trust(slots, week) >= store.trust_cfg.avoid_level
        fresh = (store.first_week[slots] >= since_week) & (store.meetings[slots] > 0)
        memory = store.memory_at(slots, week) + 1e-9
        return np.where(seeks_known[src], np.where(warm, memory, 0), np.where(fresh, 1.0, 0))

    return weight


def test_a_direct_seller_goes_from_new_face_to_new_face():
    """With plenty of strangers present, a seller with known share 0 meets nobody twice."""
    n = 200
    store = PairStore(n, MemoryConfig(), TrustConfig(), TiesConfig())
    rng = np.random.default_rng(3)
    share = np.zeros(n)
    a, b = mingle(rng, np.arange(n), 6, share, store, 0)
    converse(store, a, b, 0)
    a2, b2 = mingle(rng, np.arange(n), 6, share, store, 4)
    repeats = np.isin(a2 * n + b2, a * n + b).mean()
    assert repeats < 0.05


def test_a_relationship_builder_seeks_known_faces():
    n = 60
    store = store_with(n, [(0, k) for k in range(1, 6)])
    share = np.zeros(n)
    share[0] = 1.0
    a, b = mingle(np.random.default_rng(1), np.arange(n), 6, share, store, 1)
    partners_of_0 = set(b[a == 0].tolist()) | set(a[b == 0].tolist())
    assert {1, 2, 3, 4, 5} & partners_of_0


def test_an_avoider_declines_the_pitcher():
    """C10: member 1 was pitched twice by 0 and now refuses to talk to 0."""
    n = 2
    store = store_with(n, [(0, 1)], pitching=[0])
    converse(store, [0], [1], 4, pitching=[0])
    assert store.avoided(np.array([1]), np.array([0]), 4)[0]
    a, _ = mingle(np.random.default_rng(0), np.arange(n), 10, np.zeros(n), store, 8)
    assert a.size == 0


def test_follow_ups_keep_warm_contacts_warm_and_direct_sellers_call_fresh_contacts():
    n = 10
    store = store_with(n, [(0, 1), (0, 2), (5, 6)])  # met at the event of week 0
    converse(store, [0], [3], -8)  # 0 met 3 at an earlier event
    follow_ups = np.zeros(n, dtype=int)
    follow_ups[[0, 5]] = 1
    seeks_known = np.zeros(n, dtype=bool)
    seeks_known[0] = True
    weight = builders_and_callers(store, seeks_known, week=2, since_week=0)
    a, b = follow_up_pairs(np.random.default_rng(0), store, follow_ups, weight, 0)
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    assert (5, 6) in pairs  # the direct seller calls the contact made at the last event
    assert len([p for p in pairs if 0 in p]) == 1  # the builder has one one-to-one


def test_acquaintances_fade_from_the_ask_graph_after_events_stop():
    """C5: with no more events and no one-to-ones, members stop asking the members they no
    longer remember."""
    from sim.model import NetworkingModel
    from tests.conftest import small_params

    quiet = {"events.count": 12, "events.interval_weeks": 1, "scene.one_to_ones": 0}
    quiet["run.weeks"] = 120
    model = NetworkingModel(small_params(**quiet), rng=5)
    for _ in range(12):
        model.step()
    early = model.ask.acquaint.indices.size
    for _ in range(100):
        model.step()
    assert early > 0 and model.ask.acquaint.indices.size < early


def test_direct_sellers_call_only_people_first_met_at_the_last_event():
    n = 6
    store = store_with(n, [(0, 1)])  # met at week 0 ...
    converse(store, [0, 0], [1, 2], 4)  # ... and again at week 4, where 0 also met 2
    follow_ups = np.zeros(n, dtype=int)
    follow_ups[0] = 5
    weight = builders_and_callers(store, np.zeros(n, dtype=bool), week=6, since_week=4)
    a, b = follow_up_pairs(np.random.default_rng(0), store, follow_ups, weight, 0)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 2)]


def test_conversations_stay_within_a_venue():
    """At a circuit or in chapters, one call serves several rooms: nobody talks across rooms."""
    n = 40
    store = PairStore(n, MemoryConfig(), TrustConfig(), TiesConfig())
    room = np.arange(n) % 4
    a, b = mingle(np.random.default_rng(2), np.arange(n), 6, np.zeros(n), store, 0, room)
    assert a.size > 0 and np.array_equal(room[a], room[b])
