"""Scripted tests of needs, lockout, pitches and referral chains (C1, C2, C10, C11)."""

import numpy as np
import pytest

from sim.config import (
    ConversationConfig,
    MarketConfig,
    MemoryConfig,
    ReferralConfig,
    ReputationConfig,
    TiesConfig,
    TrustConfig,
)
from sim.model.market import CHANNELS, Market
from sim.model.memory import PairStore
from sim.model.population import Adjacency
from sim.model.referrals import AskGraph, Referrers

CERTAIN = ReferralConfig(mention=1.0, recognise=1.0, forward=1.0)


def referrers(n=2, specificity=1.0, listening=1.0, giving=0.0, **conversation):
    """Scripted member traits: by default everyone listens fully and asks specifically; the
    referral drive is the basic strategies' (giving, and reciprocity once owed; C9)."""
    talk = ConversationConfig(small_talk=0.0, **conversation)

    def drive(referrer, owes):
        return (1.0 + giving) * (1.0 + talk.reciprocity * owes)

    return Referrers(
        np.full(n, specificity, dtype=float),
        np.full(n, listening, dtype=float),
        drive,
        talk,
        ReputationConfig(competence_mean=1.0),
        TiesConfig(),
    )


def make_market(n_persons, member_sector, cfg=None, ref=CERTAIN, traits=None):
    cfg = cfg or MarketConfig(extra_units_mean=0.0)
    n = len(member_sector)
    market = Market(
        np.random.default_rng(0),
        cfg,
        ref,
        n_persons,
        np.asarray(member_sector),
        focal_product=np.array([True, False]),
        referrers=traits or referrers(n),
        competence=np.ones(n),
        pitch_close=np.full(n, cfg.pitch_close),
    )
    market.schedule(np.arange(n_persons * 2), np.full(n_persons * 2, 10_000))  # nothing due
    return market


def sales(market):
    return market.ledger.sales_arrays()


def test_lockout_blocks_a_repeat_purchase_for_the_lifetime():
    """C11: after a sale the buyer cannot be sold the product again until it wears out."""
    cfg = MarketConfig(
        pitch_close=1.0,
        pull_forward_weeks=0,
        lifetime_weeks=260,
        lifetime_spread_weeks=0,
        extra_units_mean=0.0,
    )
    market = make_market(2, [0, 1], cfg)
    rng = np.random.default_rng(1)
    seller, buyer = np.array([0]), np.array([1])
    market.schedule(np.array([1 * 2 + 0]), np.array([0]))  # buyer's laptop is due now
    market.pitch(rng, 0, seller, buyer)
    assert sales(market)["units"].sum() == 1
    for week in range(1, 260):
        market.pitch(rng, week, seller, buyer)
    assert sales(market)["units"].sum() == 1
    market.pitch(rng, 260, seller, buyer)
    assert sales(market)["units"].sum() == 2


def test_a_pitch_pulls_a_purchase_forward_only_within_the_window():
    cfg = MarketConfig(pitch_close=1.0, pull_forward_weeks=52, extra_units_mean=0.0)
    market = make_market(2, [0, 1], cfg)
    rng = np.random.default_rng(1)
    market.schedule(np.array([2]), np.array([100]))  # need in 100 weeks: too far
    market.pitch(rng, 0, np.array([0]), np.array([1]))
    assert sales(market)["units"].size == 0
    market.pitch(rng, 48, np.array([0]), np.array([1]))  # 52 weeks ahead: pulled forward
    assert sales(market)["units"].size == 1
    assert sales(market)["degree"][0] == 1 and CHANNELS[sales(market)["channel"][0]] == "pitch"


def chain(edges, n_persons=4):
    src = np.array([e[0] for e in edges] + [e[1] for e in edges])
    dst = np.array([e[1] for e in edges] + [e[0] for e in edges])
    return AskGraph(Adjacency.from_edges(src, dst, n_persons), n_members=2)


def acquainted_store(meetings=5):
    """Members 0 and 1 have talked `meetings` times (so 1 knows 0's ask)."""
    store = PairStore(2, MemoryConfig(), TrustConfig(), TiesConfig())
    for week in range(meetings):
        no = np.array([False])
        store.converse(np.array([0]), np.array([1]), week, np.ones(2), no, no)
    return store


def answer(market, ask, best, week=5, store=None):
    market.answer_needs(np.random.default_rng(0), week, best, ask, store or acquainted_store())
    return sales(market)


def test_a_sale_through_two_intermediaries_is_degree_three():
    """C2: buyer 3 asks outsider 2, who asks member 1, who trusts provider 0."""
    cfg = MarketConfig(referral_convert=1.0, repeat_purchase=0.0, extra_units_mean=0.0)
    market = make_market(4, [0, 1], cfg)
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))
    best = np.array([[-1, -1], [0, -1]])  # member 1 has provider 0 in mind for sector 0
    sold = answer(market, chain([(3, 2), (2, 1)]), best)
    assert sold["seller"].tolist() == [0] and sold["buyer"].tolist() == [3]
    assert sold["degree"].tolist() == [3] and sold["referrer"].tolist() == [1]
    assert CHANNELS[sold["channel"][0]] == "referral"


def test_a_sale_through_one_intermediary_is_degree_two():
    cfg = MarketConfig(referral_convert=1.0, repeat_purchase=0.0, extra_units_mean=0.0)
    market = make_market(4, [0, 1], cfg)
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))
    best = np.array([[-1, -1], [0, -1]])
    sold = answer(market, chain([(3, 1)]), best)
    assert sold["degree"].tolist() == [2]


def test_nobody_in_mind_means_the_need_goes_to_the_market():
    market = make_market(4, [0, 1], MarketConfig(referral_convert=1.0, extra_units_mean=0.0))
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))
    best = np.full((2, 2), -1)
    sold = answer(market, chain([(3, 2), (2, 1)]), best)
    assert sold["units"].size == 0
    assert market.needs_to_market == 1 and market.needs_arisen == 1


def test_the_question_travels_no_further_than_max_degree():
    ref = ReferralConfig(mention=1.0, recognise=1.0, forward=1.0, max_degree=2)
    cfg = MarketConfig(referral_convert=1.0, repeat_purchase=0.0, extra_units_mean=0.0)
    market = make_market(4, [0, 1], cfg, ref=ref)
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))
    sold = answer(market, chain([(3, 2), (2, 1)]), np.array([[-1, -1], [0, -1]]))
    assert sold["units"].size == 0


def test_a_vague_ask_is_never_recognised():
    """C7: a provider whose ask specificity is 0 gets no referrals."""
    cfg = MarketConfig(referral_convert=1.0, repeat_purchase=0.0, extra_units_mean=0.0)
    market = make_market(4, [0, 1], cfg, traits=referrers(specificity=0.0))
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))
    answer(market, chain([(3, 1)]), np.array([[-1, -1], [0, -1]]))
    assert sales(market)["units"].size == 0 and market.needs_to_market == 1


def referral_rate(traits, store, needs=400, recognise=0.3):
    """Share of needs of outsiders (all asking member 1, who trusts provider 0) referred to 0."""
    ref = ReferralConfig(mention=1.0, recognise=recognise, forward=0.0)
    cfg = MarketConfig(referral_convert=1.0, repeat_purchase=0.0, extra_units_mean=0.0)
    n_persons = needs + 2
    market = make_market(n_persons, [0, 1], cfg, ref=ref, traits=traits)
    buyers = np.arange(2, n_persons)
    market.schedule(buyers * 2, np.full(needs, 5))
    ask = AskGraph(
        Adjacency.from_edges(
            np.r_[buyers, np.ones(needs, int)], np.r_[np.ones(needs, int), buyers], n_persons
        ),
        n_members=2,
    )
    best = np.array([[-1, -1], [0, -1]])
    market.answer_needs(np.random.default_rng(0), 5, best, ask, store)
    return sales(market)["units"].size / needs


def test_a_talker_who_did_not_listen_cannot_refer():
    """C8: member 1 never caught 0's ask (listening 0), so never recognises a need as 0's."""
    assert referral_rate(referrers(listening=0.0), acquainted_store()) == 0.0
    assert referral_rate(referrers(listening=1.0), acquainted_store()) > 0.2


def test_listening_is_caught_over_more_conversations():
    """C8: with half attention, the ask is understood more often after more conversations."""
    once = referral_rate(referrers(listening=0.5), acquainted_store(1))
    often = referral_rate(referrers(listening=0.5), acquainted_store(6))
    assert often > once + 0.1


def test_a_giver_passes_more_referrals():
    """C9: a member who looks for referrals to give recognises (1 + giving) times as often."""
    taker = referral_rate(referrers(giving=0.0), acquainted_store())
    giver = referral_rate(referrers(giving=1.0), acquainted_store())
    assert giver > 1.6 * taker


def test_a_received_referral_is_returned_more_readily():
    """C9 reciprocity: once 1 has received a referral from 0, 1 refers to 0 more often."""
    store = acquainted_store()
    before = referral_rate(referrers(reciprocity=1.0), store)
    store.received[store.find(np.array([1]), np.array([0]))] += 1
    after = referral_rate(referrers(reciprocity=1.0), store)
    assert after > 1.6 * before


def test_sampled_neighbours_keep_each_contact_independently_with_the_chance_given():
    """Who hears of a need: each (need, contact) pair is kept with chance p, independently,
    drawn without listing the others (geometric gaps); p = 1 keeps every contact."""
    from sim.model.population import bernoulli_positions

    rng = np.random.default_rng(5)
    src = rng.integers(0, 300, 6000)
    dst = rng.integers(0, 300, 6000)
    graph = Adjacency.undirected(src, dst, 300)
    rows = np.arange(300).repeat(20)  # 20 needs per person
    owner, nbr = graph.expand(rows)
    everything = set(zip(owner.tolist(), nbr.tolist(), strict=True))
    k, kept = graph.sample(rng, rows, 1.0)
    assert set(zip(k.tolist(), kept.tolist(), strict=True)) == everything
    shares = []
    for _ in range(20):
        k, kept = graph.sample(rng, rows, 0.06)
        pairs = list(zip(k.tolist(), kept.tolist(), strict=True))
        assert len(set(pairs)) == len(pairs) and set(pairs) <= everything
        shares.append(len(pairs) / len(everything))
    sd = np.sqrt(0.06 * 0.94 / len(everything) / 20)
    assert abs(np.mean(shares) - 0.06) < 4 * sd
    position = bernoulli_positions(rng, 1000, 0.5)
    assert np.all(np.diff(position) > 0) and position.min() >= 0 and position.max() < 1000
    assert bernoulli_positions(rng, 0, 0.5).size == 0


class EagerAcquaintances:
    """The model as it was: the ask graph rebuilt right after every talk (and every touch with
    trust gain), instead of once before the referral chains read it."""

    def talk(self, *args, **kwargs):
        super().talk(*args, **kwargs)
        self.refresh_acquaintances()

    def touch(self, src, dst, gain, trust_gain=0.0, slots=None):
        super().touch(src, dst, gain, trust_gain, slots)
        if trust_gain:
            self.refresh_acquaintances()


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # a mixer, talks only
        {"online.enabled": True, "circle.join": True},  # posts (touches) between two talks
        {"online.enabled": True, "online.trust_gain": 0.5, "online.interval_weeks": 1},
        {"events.format": "chapter", "scene.members": 90},  # presentations, talks, one-to-ones
    ],
)
def test_acquaintances_rebuilt_before_use_are_those_rebuilt_after_every_talk(overrides):
    """The referral chains see, each week, the same acquaintances (and so make the same sales
    and referrals) as when the ask graph was rebuilt after every talk (C2, C5)."""
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario("three_ways", {"run.weeks": 30, **overrides}).params
    eager_model = type("Eager", (EagerAcquaintances, NetworkingModel), {})
    graphs, ledgers = [], []
    for cls in (NetworkingModel, eager_model):
        model = cls(params, rng=np.random.SeedSequence(3))
        seen = []
        answer = model.market.answer_needs

        def recorded(rng, week, best, ask, store, slots=None, answer=answer, seen=seen):
            seen.append((ask.acquaint.indptr.copy(), ask.acquaint.indices.copy()))
            answer(rng, week, best, ask, store, slots)

        model.market.answer_needs = recorded
        model.run()
        graphs.append(seen)
        ledgers.append(model.market.ledger.referral_arrays())
    (lazy, eager), (lazy_refs, eager_refs) = graphs, ledgers
    assert len(lazy) == len(eager) == 30
    assert sum(g[1].size for g in lazy) > 0  # acquaintances were made
    for week, ((ptr_a, ind_a), (ptr_b, ind_b)) in enumerate(zip(lazy, eager, strict=True)):
        np.testing.assert_array_equal(ptr_a, ptr_b, err_msg=f"week {week}")
        np.testing.assert_array_equal(ind_a, ind_b, err_msg=f"week {week}")
    for name in lazy_refs:
        np.testing.assert_array_equal(lazy_refs[name], eager_refs[name], err_msg=name)


@pytest.mark.parametrize("chunk", [1, 7, 64, 2**18])
def test_initial_ownership_is_the_same_whatever_the_chunk(chunk):
    """Market._own_products draws each person-sector's first need in chunks (to bound its
    temporaries): the chunk's size changes neither the draws nor the weeks (nor members' own
    sectors, never due)."""
    market = make_market(57, [0, 1, 1])
    rng = np.random.default_rng(4)
    market._own_products(rng, chunk=2**22)
    want, after = market.due.copy(), rng.random()
    rng = np.random.default_rng(4)
    market._own_products(rng, chunk=chunk)
    np.testing.assert_array_equal(market.due, want)
    assert rng.random() == after
    assert (want[[0, 3, 5]] == want.max()).all() and (want[[1, 2, 4]] < want.max()).all()
