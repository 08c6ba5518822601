"""The model's distributions against its reference (tests/equivalence.py), and the frequencies of
its random mechanisms against their laws, whichever implementation draws them (C1, C2, C5, C10,
C12).

Mechanism frequencies (chi-squared, 0.1 %): a one-to-one goes to each contact in proportion to
the caller's weight, two one-to-ones to each pair of contacts as two draws without replacement
would; in an event's round, a member seeking a known face picks each known attendee in
proportion to how well they remember them. Each draw is made many times from one seeded
generator, so the tests are deterministic; a uniform choice, or one ignoring a weight, fails.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from sim.config import MemoryConfig, TiesConfig, TrustConfig
from sim.model import kernels, steps
from sim.model.events import follow_up_pairs
from sim.model.memory import PairStore
from tests import equivalence

P_MIN = 1e-3


@pytest.fixture(params=[False, True], ids=["numpy", "compiled"])
def compiled(request):
    was = kernels.ENABLED
    kernels.use(request.param)
    yield request.param
    kernels.use(was)


def caller_and_contacts(contacts: int, talks: np.ndarray | None = None) -> PairStore:
    """Member 0 has met members 1..contacts (and they 0) at week 10, talks[k] times with member
    k + 1 (default once each), so that 0 remembers them unequally."""
    n = contacts + 3  # two strangers besides
    store = PairStore(n, MemoryConfig(), TrustConfig(), TiesConfig())
    talks = np.ones(contacts, dtype=np.int64) if talks is None else talks
    listening = np.full(n, 0.9)
    for times in range(1, int(talks.max()) + 1):
        others = np.flatnonzero(talks >= times) + 1
        no = np.zeros(others.size, dtype=bool)
        store.converse(np.zeros(others.size, dtype=np.int64), others, 10.0, listening, no, no)
    return store


def one_to_ones(store: PairStore, weights: np.ndarray, calls: int, draws: int, seed: int):
    """`draws` weeks in which member 0 starts `calls` one-to-ones weighted by `weights` (per
    contact 1..): the partners each week."""
    counts = np.zeros(store.n, dtype=np.int64)
    counts[0] = calls
    wanted = np.zeros(store.n)
    wanted[1 : weights.size + 1] = weights

    def weight(slots):
        return np.where(store.sources()[slots] == 0, wanted[store.targets()[slots]], 0.0)

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draws):
        a, b = follow_up_pairs(rng, store, counts, weight, 11.0)
        out.append(tuple(sorted(b[a == 0].tolist())))
    return out


def test_a_one_to_one_goes_to_each_contact_in_proportion_to_the_weight(compiled):
    weights = np.array([1.0, 2.0, 3.0, 4.0, 0.5, 6.0, 0.0, 2.5])
    store = caller_and_contacts(weights.size)
    chosen = one_to_ones(store, weights, 1, 6_000, seed=5)
    assert all(len(c) == 1 for c in chosen)
    observed = np.bincount([c[0] for c in chosen], minlength=weights.size + 1)[1:]
    assert observed[weights == 0].sum() == 0  # a weight of 0: never
    expected = weights / weights.sum() * len(chosen)
    keep = weights > 0
    assert stats.chisquare(observed[keep], expected[keep]).pvalue > P_MIN
    uniform = np.full(keep.sum(), len(chosen) / keep.sum())
    assert stats.chisquare(observed[keep], uniform).pvalue < P_MIN  # the test tells


def test_two_one_to_ones_go_to_a_pair_as_two_draws_without_replacement(compiled):
    weights = np.array([1.0, 2.0, 4.0, 0.5, 3.0, 1.5])
    store = caller_and_contacts(weights.size)
    chosen = one_to_ones(store, weights, 2, 8_000, seed=6)
    assert all(len(c) == 2 for c in chosen)
    total = weights.sum()
    pairs = list(itertools.combinations(range(1, weights.size + 1), 2))
    law = []
    for i, j in pairs:
        wi, wj = weights[i - 1], weights[j - 1]
        law.append(wi / total * wj / (total - wi) + wj / total * wi / (total - wj))
    index = {pair: k for k, pair in enumerate(pairs)}
    observed = np.bincount([index[c] for c in chosen], minlength=len(pairs))
    assert stats.chisquare(observed, np.array(law) * len(chosen)).pvalue > P_MIN
    # drawing the pair with chances proportional to the product of weights is another law
    product = np.array([weights[i - 1] * weights[j - 1] for i, j in pairs])
    wrong = product / product.sum() * len(chosen)
    assert stats.chisquare(observed, wrong).pvalue < P_MIN


def test_a_member_seeking_a_known_face_picks_in_proportion_to_memory(compiled):
    store = caller_and_contacts(6, np.array([5, 1, 3, 2, 8, 1]))
    contacts = np.arange(1, 7)
    memory = store.memory_at(store.find(np.zeros(6, dtype=np.int64), contacts), 10.0)
    assert np.unique(memory).size == 5
    present = np.arange(store.n)  # the strangers too: they are not known, never sought
    seek = np.zeros(store.n)
    seek[0] = 1.0
    at = np.zeros(store.n, dtype=np.int64)
    rng = np.random.default_rng(7)
    picks = []
    for _ in range(4_000):
        talks = steps.chosen().mingle_rounds(rng, present, 1, seek, store, 10.0, at)
        picks.extend(talks.b[talks.a == 0].tolist())
    observed = np.bincount(picks, minlength=store.n)
    assert observed[0] == 0 and observed[memory.size + 1 :].sum() == 0
    observed = observed[1 : memory.size + 1]
    expected = (memory + 1e-9) / (memory + 1e-9).sum() * observed.sum()
    assert stats.chisquare(observed, expected).pvalue > P_MIN
    uniform = np.full(memory.size, observed.sum() / memory.size)
    assert stats.chisquare(observed, uniform).pvalue < P_MIN  # the test tells


def test_the_equivalence_interval_holds_a_same_law_and_rejects_a_shifted_one():
    rng = np.random.default_rng(3)
    a, b = rng.normal(50, 2, 30), rng.normal(50, 2, 30)
    same = equivalence.tost("units.x", list(b), list(a))  # (reference, now)
    assert same.equivalent and same.margin == pytest.approx(0.05 * b.mean())
    shifted = equivalence.tost("units.x", list(b), list(a + 3.5))  # 7 %: beyond the margin
    assert not shifted.equivalent and shifted.low > 0
    wide = equivalence.tost("units.x", list(b), list(rng.normal(50, 20, 30)))
    assert not wide.equivalent  # too few replications to tell: not called the same
    constant = equivalence.tost("indirect_share", [0.5] * 30, [0.5] * 30)
    assert constant.equivalent and (constant.low, constant.high) == (0.0, 0.0)


@pytest.mark.slow
@pytest.mark.parametrize("scene", sorted(equivalence.SCENES))
def test_the_model_is_distributed_as_its_reference(scene):
    """Over 30 seeds the model now and the reference (30 other seeds) agree on every outcome
    within its margin (TOST at 5 %)."""
    now = equivalence.sample(scene, equivalence.CHECK_KEY)
    verdicts = equivalence.compare(scene, now)
    assert len(verdicts) >= 6
    assert all(v.equivalent for v in verdicts), "\n".join(map(str, verdicts))


@pytest.mark.slow
def test_the_check_tells_a_changed_mechanism_apart():
    """A model whose people mention their needs half as often again is not the reference: the
    referrals per member-year fall outside their margin (the check has the power to see it)."""
    scenario, overrides = equivalence.SCENES["chapters"]
    changed = {**overrides, "referrals.mention": 0.09}
    runs = [
        equivalence.outcomes(scenario, changed, np.random.SeedSequence([1, k])) for k in range(10)
    ]
    values = [run["referrals_per_member_year"] for run in runs]
    reference = equivalence.reference()["scenes"]["chapters"]["referrals_per_member_year"]
    verdict = equivalence.tost("referrals_per_member_year", reference, values)
    assert not verdict.equivalent and verdict.low > verdict.margin, verdict
