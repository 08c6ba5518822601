"""Scripted tests of needs, lockout, pitches and referral chains (C1, C2, C10, C11)."""

import numpy as np

from sim.config import MarketConfig, MemoryConfig, ReferralConfig, TrustConfig
from sim.market import CHANNELS, AskGraph, Market
from sim.memory import PairStore
from sim.population import Adjacency

CERTAIN = ReferralConfig(mention=1.0, recognise=1.0, forward=1.0)


def make_market(n_persons, member_sector, cfg=None, ref=CERTAIN, horizon=600):
    market = Market(
        np.random.default_rng(0),
        cfg or MarketConfig(extra_units_mean=0.0),
        ref,
        n_persons,
        np.asarray(member_sector),
        n_sectors=2,
        horizon_weeks=horizon,
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


def answer(market, ask, best, week=5):
    store = PairStore(2, MemoryConfig(), TrustConfig())
    market.answer_needs(np.random.default_rng(0), week, best, ask, store)
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
    """C7 hook: a provider whose ask specificity is 0 gets no referrals."""
    cfg = MarketConfig(referral_convert=1.0, repeat_purchase=0.0, extra_units_mean=0.0)
    market = make_market(4, [0, 1], cfg)
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))
    store = PairStore(2, MemoryConfig(), TrustConfig())
    best = np.array([[-1, -1], [0, -1]])
    market.answer_needs(
        np.random.default_rng(0), 5, best, chain([(3, 1)]), store, np.array([0.0, 1.0])
    )
    assert sales(market)["units"].size == 0 and market.needs_to_market == 1
