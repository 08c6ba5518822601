"""Compiled steps of the pair store (sim/model/memory.py, sim/model/slots.py; numba): new pairs
in its sorted arrays (`inserted`, `reindexed`, `moved_sorted`), its lazy decay for the week
caches (`decay_exponent`, `beta_trust`; C3-C5: one pass each instead of a dozen temporaries, the
exp2 left to numpy), a conversation's updates of its pairs (`conversed`; C3-C5, C10, C14) and
the provider each member has top of mind per sector (`best_providers`; C2, C5, C9). Below them,
the pair store's steps on the compiled side as sim/model/steps.py names them (`memory_compiled`,
`trust_compiled`, `conversed_compiled`: plain Python around the kernels).

As in sim/model/kernels.py, whose `use` compiles this module: plain Python until compiled, the
same floating-point operations as the numpy code beside them, so results are bit-identical
either way (tests/test_kernels.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.memory import PairStore, Talk


def inserted(values, at, new):
    """np.insert(values, at, new) for sorted `at`: the runs between insert positions are copied
    whole (a run per new value, not a test per element)."""
    out = np.empty(values.size + at.size, dtype=values.dtype)
    prev = 0
    for j in range(at.size):
        out[prev + j : at[j] + j] = values[prev : at[j]]
        out[at[j] + j] = new[j]
        prev = at[j]
    out[prev + at.size :] = values[prev:]
    return out


def reindexed(index, keys, starts, members):
    """PairStore's dense index after an insert, in place: the place of each pair of the
    `members` who have new pairs among their own, index[keys[j]] = j - starts[m] (the other
    members' pairs moved, but kept their places)."""
    for m in members:
        first = starts[m]
        for j in range(first, starts[m + 1]):
            index[keys[j]] = j - first


def moved_sorted(slots, at):
    """slots + searchsorted(at, slots, side="right") for sorted `slots` and `at`: a merge."""
    out = np.empty_like(slots)
    j = 0
    for i in range(slots.size):
        while j < at.size and at[j] <= slots[i]:
            j += 1
        out[i] = slots[i] + j
    return out


def decay_exponent(slots, every, last_week, meetings, half_life, spacing, week):
    """PairStore._memory_at's exponent -(week - last week) / half-life of `slots` (`every`: of
    every pair, slots unused) in one pass; numpy takes its exp2 (see the module's docstring)."""
    size = last_week.size if every else slots.size
    out = np.empty(size)
    for k in range(size):
        s = k if every else slots[k]
        lasting = half_life * (1.0 + spacing * (max(meetings[s], 1) - 1))
        out[k] = -(week - last_week[s]) / lasting
    return out


def beta_trust(slots, every, positive, negative, left):
    """PairStore._trust of `slots` (`every`: of every pair) from the evidence's share `left`
    (aligned with the result), in one pass."""
    size = positive.size if every else slots.size
    out = np.empty(size)
    for k in range(size):
        s = k if every else slots[k]
        r, q = positive[s] * left[k], negative[s] * left[k]
        out[k] = (r + 1.0) / (r + q + 2.0)
    return out


def conversed(slots, week, before, left, listening, pitched, pair, knobs):
    """PairStore.converse's updates of the (unique) pairs `slots` in one pass: the first
    meeting's week, the evidence settled by its share `left` (empty: it never fades), memory
    raised from `before` (now), the meeting counted, trust evidence and depth added. `pair`: the
    store's (memory, last_week, first_week, meetings, positive, negative, depth,
    evidence_week); `knobs`: ((1 - gain)^depth, established level, trust gain x depth, pitch
    cost, depth). Returns the memory after."""
    memory, last_week, first_week, meetings, positive, negative, depth_of, evidence_week = pair
    growth, established, trust_gain, pitch_cost, depth = knobs
    after = np.empty(slots.size)
    for k in range(slots.size):
        s = slots[k]
        if meetings[s] == 0:
            first_week[s] = week
        if left.size:
            positive[s] = positive[s] * left[k]
            negative[s] = negative[s] * left[k]
            depth_of[s] = depth_of[s] * left[k]
            evidence_week[s] = week
        after[k] = 1.0 - (1.0 - before[k]) * growth
        memory[s], last_week[s] = after[k], week
        meetings[s] += 1
        listened = before[k] >= established and not pitched[k]
        positive[s] += trust_gain * listening[k] * (1.0 if listened else 0.0)
        negative[s] += pitch_cost * (1.0 if pitched[k] else 0.0)
        depth_of[s] += depth
    return after


def best_providers(candidates, memory, trust, pair, member_sector, n_sectors, top_level, best):
    """PairStore.best_providers in one pass over the trusted slots `candidates`: best[src *
    n_sectors + sector of dst] (filled with -1) = the dst with the highest memory x trust now
    among those with memory at `top_level` or above (the first slot of exact ties; a group with
    a NaN score gets none), as min_per_group of the negated scores gives it. `memory`, `trust`:
    the candidates' now (aligned with them); `pair`: the store's (src, dst)."""
    pair_src, pair_dst = pair
    key = np.empty(best.size)
    poisoned = np.zeros(best.size, dtype=np.bool_)
    for i in range(candidates.size):
        s = candidates[i]
        if memory[i] >= top_level:
            g = pair_src[s] * n_sectors + member_sector[pair_dst[s]]
            score = -(memory[i] * trust[i])
            if np.isnan(score):
                poisoned[g] = True
            elif best[g] < 0 or score < key[g]:
                key[g], best[g] = score, pair_dst[s]
    for g in range(best.size):
        if poisoned[g]:
            best[g] = -1


INLINED = ()
COMPILED = (  # every function above, compiled by kernels.use(True)
    "inserted",
    "reindexed",
    "moved_sorted",
    "decay_exponent",
    "beta_trust",
    "conversed",
    "best_providers",
)


# --- the steps' compiled side (sim/model/steps.py): plain Python around the kernels above ---
_NONE = np.empty(0, dtype=np.int64)


def memory_compiled(store: PairStore, slots: np.ndarray | slice, week: float) -> np.ndarray:
    """memory.memory_numpy with its exponent in one pass (`decay_exponent`); exp2 and the
    product by numpy, as there."""
    cfg, every = store.memory_cfg, isinstance(slots, slice)  # WeekCache's ALL
    exponent = decay_exponent(
        _NONE if every else slots,
        every,
        store.last_week,
        store.meetings,
        float(cfg.half_life_weeks),
        float(cfg.spacing),
        float(week),
    )
    return np.multiply(store.memory[slots], np.exp2(exponent, out=exponent), out=exponent)


def trust_compiled(store: PairStore, slots: np.ndarray | slice, week: float) -> np.ndarray:
    """memory.trust_numpy in one pass (`beta_trust`) where evidence fades."""
    left = store.fading(slots, week)
    if not isinstance(left, np.ndarray):  # never fades (left 1.0): nothing to save
        r, s = store.positive[slots] * left, store.negative[slots] * left
        return (r + 1.0) / (r + s + 2.0)
    every = isinstance(slots, slice)  # WeekCache's ALL
    return beta_trust(_NONE if every else slots, every, store.positive, store.negative, left)


def conversed_compiled(store: PairStore, talk: Talk) -> np.ndarray:
    """memory.conversed_numpy in one compiled call (`conversed`): the same values."""
    slots, week, depth = talk.slots, talk.week, talk.depth
    fades = store.trust_cfg.half_life_weeks != 0
    left = store.fading(slots, week) if fades else np.empty(0)
    pair = tuple(getattr(store, name) for name in store.FIELDS if name != "received")
    cfg = store.memory_cfg, store.trust_cfg
    knobs = (talk.growth, cfg[0].established_level, cfg[1].gain * depth, cfg[1].pitch_cost, depth)
    return conversed(
        slots,
        float(week),
        talk.before,
        left,
        talk.listening,
        talk.pitched,
        pair,
        tuple(map(float, knobs)),
    )
