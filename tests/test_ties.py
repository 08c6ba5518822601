"""Scripted tests of deep ties (C13, C14, C15): two or three people, one mechanism each.

1. understanding: a deep tie recognises more of a provider's needs than a tie at the name level;
2. belief: a referral from a referrer who trusts the provider well above the gate converts more;
3. fading: trust evidence and depth that are not renewed halve every `trust.half_life_weeks`.
"""

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
from sim.model.market import Market
from sim.model.memory import PairStore
from sim.model.population import Adjacency
from sim.model.referrals import AskGraph, Referrers

PROVIDER, REFERRER, OTHER_PROVIDER, OUTSIDER = 0, 1, 2, 3
LISTENS = np.ones(3)
NO = np.zeros(1, dtype=bool)


def talks(store, a, b, weeks, depth=1.0):
    for week in weeks:
        store.converse(np.array([a]), np.array([b]), week, LISTENS, NO, NO, depth)


def referrers(ties: TiesConfig, n=3) -> Referrers:
    """Everyone listens fully and asks specifically; no small talk; no giving."""
    talk = ConversationConfig(small_talk=0.0)
    return Referrers(
        np.ones(n), np.ones(n), lambda r, owes: np.ones(np.size(r)), talk, ReputationConfig(), ties
    )


def store(ties=None, trust=None) -> PairStore:
    return PairStore(3, MemoryConfig(), trust or TrustConfig(), ties or TiesConfig())


def slot(store, src, dst):
    return store.find(np.array([src]), np.array([dst]))


# --- 1. understanding grows with depth -------------------------------------------------------
def deep_and_shallow(ties: TiesConfig) -> PairStore:
    """The referrer has talked 40 times with the provider, 4 times with the other provider;
    both ties are given the same trust evidence, so only their depth differs."""
    s = store(ties, TrustConfig(half_life_weeks=0))
    talks(s, REFERRER, PROVIDER, range(40))
    talks(s, REFERRER, OTHER_PROVIDER, range(4))
    for dst in (PROVIDER, OTHER_PROVIDER):
        at = slot(s, REFERRER, dst)
        s.positive[at], s.negative[at] = 20.0, 0.0
    return s


@pytest.mark.parametrize("understanding", [0.0, 1.0, 3.0])
def test_a_deep_tie_recognises_more_of_the_providers_needs(understanding):
    """Reagans & McEvily 2003: the referrer who knows the provider well spots more of the needs
    the provider serves; a tie at the name level gives the base rate."""
    ties = TiesConfig(understanding=understanding)
    s = deep_and_shallow(ties)
    providers = np.array([PROVIDER, OTHER_PROVIDER])
    referrer = np.full(2, REFERRER)
    chance = referrers(ties).chance(s, s.find(referrer, providers), referrer, providers, 0.2, 40)
    strength = s.strength(s.find(referrer, providers), 40)
    assert strength[0] > 0.9 > 0.4 > strength[1]  # 40 vs 4 conversations, half at 10
    assert chance.tolist() == pytest.approx((0.2 * (1 + understanding * strength)).tolist())
    if understanding:
        assert chance[0] > chance[1] > 0.2
    else:
        assert chance[0] == chance[1] == 0.2


def test_depth_saturates_and_counts_a_long_conversation_as_several():
    """A circle evening of depth 3 adds as much depth as three short conversations."""
    s = store(trust=TrustConfig(half_life_weeks=0))
    talks(s, REFERRER, PROVIDER, [0], depth=3.0)
    talks(s, REFERRER, OTHER_PROVIDER, [0, 1, 2])
    shared = s.find(np.array([REFERRER, REFERRER]), np.array([PROVIDER, OTHER_PROVIDER]))
    assert s.depth[shared].tolist() == [3.0, 3.0]
    talks(s, REFERRER, PROVIDER, range(1, 61))  # depth 63: six half-depths and more
    assert 0.98 < s.strength(shared[:1], 61)[0] < 1.0


# --- 2. strong ties are believed --------------------------------------------------------------
def referral_market(ties: TiesConfig, convert: float) -> Market:
    """Outsider 3 needs sector 0 now and asks member 1, who has provider 0 in mind."""
    market = Market(
        np.random.default_rng(0),
        MarketConfig(referral_convert=convert, repeat_purchase=0.0, extra_units_mean=0.0),
        ReferralConfig(mention=1.0, recognise=1.0, forward=0.0),
        4,
        np.array([0, 1, 2]),
        focal_product=np.array([True, False, False]),
        referrers=referrers(ties),
        competence=np.ones(3),
        pitch_close=np.full(3, np.nan),
    )
    market.schedule(np.arange(12), np.full(12, 10_000))  # nothing due ...
    market.schedule(np.array([OUTSIDER * 3 + 0]), np.array([50]))  # ... but 3's need, now
    return market


def referral_sold(ties: TiesConfig, evidence: float, seed: int, convert=0.5) -> bool:
    s = store(ties, TrustConfig(half_life_weeks=0))
    talks(s, REFERRER, PROVIDER, range(0, 50, 5))
    at = slot(s, REFERRER, PROVIDER)
    s.positive[at], s.negative[at] = evidence, 0.0
    ask = AskGraph(Adjacency.from_edges(np.array([3, 1]), np.array([1, 3]), 4), n_members=3)
    best = np.full((3, 3), -1)
    best[REFERRER, 0] = PROVIDER
    market = referral_market(ties, convert)
    market.answer_needs(np.random.default_rng(seed), 50, best, ask, s)
    return market.ledger.sales_arrays()["seller"].size == 1


def test_a_referrer_who_trusts_the_provider_deeply_pushes_harder():
    """Brown & Reingen 1987: a referral from a strong tie sways the buyer more. At the gate
    (trust 0.8: r = 3) half of the referrals convert; from full conviction (trust ~1) all do."""
    ties = TiesConfig(belief=1.0)
    at_gate = [referral_sold(ties, 3.0, seed) for seed in range(40)]
    convinced = [referral_sold(ties, 1e6, seed) for seed in range(40)]
    assert all(convinced)
    assert 0.2 < np.mean(at_gate) < 0.8
    without_belief = [referral_sold(TiesConfig(belief=0.0), 1e6, seed) for seed in range(40)]
    assert without_belief == at_gate  # same draws: only conviction made the difference


def test_conversion_rises_with_conviction_above_the_gate():
    ties = TiesConfig(belief=1.0)
    s = store(ties, TrustConfig(half_life_weeks=0))
    talks(s, REFERRER, PROVIDER, [0])
    talks(s, REFERRER, OTHER_PROVIDER, [0])
    for dst, r in ((PROVIDER, 3.0), (OTHER_PROVIDER, 8.0)):  # trust 0.8 and 0.9
        s.positive[slot(s, REFERRER, dst)] = r
    judge, provider = np.full(2, REFERRER), np.array([PROVIDER, OTHER_PROVIDER])
    chance = referrers(ties).conversion(s, judge, provider, 0.3, 1)
    assert chance.tolist() == pytest.approx([0.3, 0.3 * 1.5])


# --- 3. depth and trust fade unless renewed ---------------------------------------------------
def test_trust_not_renewed_fades_and_a_renewed_tie_keeps_it():
    """Burt 2002: business ties decay without contact. Twenty weekly talks build trust above
    the refer level; after that, evidence halves every half-life, so trust drifts back towards
    0.5 and drops below the gate; a pair that keeps talking every eight weeks keeps it."""
    half_life = TrustConfig().half_life_weeks
    lapsed, kept, never = store(), store(), store(trust=TrustConfig(half_life_weeks=0))
    for s in (lapsed, kept, never):
        talks(s, REFERRER, PROVIDER, range(20))
    talks(kept, REFERRER, PROVIDER, range(27, 300, 8))
    here = slot(lapsed, REFERRER, PROVIDER)
    r0, depth0 = lapsed.positive[here][0], lapsed.depth[here][0]
    assert lapsed.fading(here, 19 + half_life)[0] == pytest.approx(0.5)
    assert lapsed.trust(here, 19)[0] >= TrustConfig().refer_level
    expected = (r0 / 2 + 1) / (r0 / 2 + 2)
    assert lapsed.trust(here, 19 + half_life)[0] == pytest.approx(expected)
    assert lapsed.strength(here, 300)[0] < 1 - 2 ** (-depth0 / 10)
    refer = TrustConfig().refer_level
    assert lapsed.trust(here, 300)[0] < refer
    assert kept.trust(here, 300)[0] >= refer
    assert never.trust(here, 300)[0] == pytest.approx(never.trust(here, 19)[0])


def test_a_pitchers_bad_name_fades_too():
    """C10 with fading: the pitched member avoids the pitcher, but not forever."""
    s = store()
    for week in (0, 1):
        s.converse(np.array([REFERRER]), np.array([PROVIDER]), week, LISTENS, NO, ~NO)
    pitched, pitcher = np.array([REFERRER]), np.array([PROVIDER])
    assert s.avoided(pitched, pitcher, 1)[0]
    assert not s.avoided(pitched, pitcher, 1 + 3 * TrustConfig().half_life_weeks)[0]
