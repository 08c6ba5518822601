"""Compiled steps of the pair store (sim/model/memory.py, sim/model/slots.py; numba): new pairs
in its sorted arrays (`inserted`, `reindexed`, `moved_sorted`), its lazy decay for the week
caches (`memory_tabled`, `trust_tabled`; C3-C5: one pass each, the decay read from tables numpy
computed, sim/model/decay.py), a conversation's updates of its pairs (`conversed`; C3-C5, C10,
C14) and the provider each member has top of mind per sector (`best_providers`; C2, C5, C9).
Below them, the pair store's steps on the compiled side as sim/model/steps.py names them
(`find_sorted_compiled`, `memory_compiled`, `trust_compiled`, `conversed_compiled`: plain Python
around the kernels).

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


def memory_now(s, week, memory, last_week, meetings, table):
    """Memory of slot s at `week` (decay.memory_numpy's value): the value after its last
    contact times the decay table's entry for its meetings and whole weeks since
    (sim/model/decay.py); a ValueError where the tables do not reach."""
    gap = week - last_week[s]
    g = int(gap)
    if g != gap or g < 0 or g >= table.shape[1] or meetings[s] >= table.shape[0]:
        raise ValueError("decay tables: a pair's weeks or meetings are beyond them")
    return memory[s] * table[meetings[s], g]


def trust_now(s, week, positive, negative, evidence_week, fading):
    """Trust of slot s at `week` (decay.trust_numpy's value): (r + 1) / (r + s + 2) of the
    evidence left by the fading table's entry for the whole weeks since it was brought up to
    date; a ValueError where the table does not reach."""
    gap = week - evidence_week[s]
    g = int(gap)
    if g != gap or g < 0 or g >= fading.size:
        raise ValueError("decay tables: a pair's weeks are beyond them")
    r, q = positive[s] * fading[g], negative[s] * fading[g]
    return (r + 1.0) / (r + q + 2.0)


def memory_tabled(slots, every, week, memory, last_week, meetings, table):
    """PairStore._memory_at of `slots` (`every`: of every pair, slots unused) in one pass (a
    loop per case: a choice inside the loop would keep it from being vectorised)."""
    if every:
        out = np.empty(last_week.size)
        for s in range(out.size):
            out[s] = memory_now(s, week, memory, last_week, meetings, table)
        return out
    out = np.empty(slots.size)
    for k in range(slots.size):
        out[k] = memory_now(slots[k], week, memory, last_week, meetings, table)
    return out


def trust_tabled(slots, every, week, positive, negative, evidence_week, fading):
    """PairStore._trust of `slots` (`every`: of every pair, slots unused) in one pass."""
    if every:
        out = np.empty(positive.size)
        for s in range(out.size):
            out[s] = trust_now(s, week, positive, negative, evidence_week, fading)
        return out
    out = np.empty(slots.size)
    for k in range(slots.size):
        out[k] = trust_now(slots[k], week, positive, negative, evidence_week, fading)
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


def remembered_rows(memory, level, starts, dst):
    """The slots whose memory now (`memory`, of every slot) is at `level` or above, in slot
    order, and as rows by source member: (slots, indptr, the rows' members) - the store's
    remembered set and the acquaintances' Adjacency.from_sorted, in one pass."""
    n = starts.size - 1
    slots = np.empty(memory.size, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    found = 0
    for m in range(n):
        for s in range(starts[m], starts[m + 1]):
            if memory[s] >= level:
                slots[found] = s
                found += 1
        indptr[m + 1] = found
    return slots[:found], indptr, dst[slots[:found]]


def touched(slots, week, gain, now, memory, last_week):
    """memory.touched_numpy in one pass: `now` is the week's memory of every slot (the week
    cache's own array, current: written through, as its `put`). Returns the memory before."""
    before = np.empty(slots.size)
    for k in range(slots.size):
        s = slots[k]
        before[k] = now[s]
        after = before[k] + gain * (1.0 - before[k])
        memory[s], last_week[s], now[s] = after, week, after
    return before


def best_providers(
    candidates, memory, trust, pair, member_sector, n_sectors, top_level, best, best_slot
):
    """PairStore.best_providers in one pass over the trusted slots `candidates`: best[src *
    n_sectors + sector of dst] (filled with -1) = the dst with the highest memory x trust now
    among those with memory at `top_level` or above (the first slot of exact ties; a group with
    a NaN score gets none), as min_per_group of the negated scores gives it, and best_slot[...]
    its slot (where best_slot has that size, else not written). `memory`, `trust`: the
    candidates' now (aligned with them); `pair`: the store's (src, dst)."""
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
                if best_slot.size:
                    best_slot[g] = s
    for g in range(best.size):
        if poisoned[g]:
            best[g] = -1
    if best_slot.size:
        for g in range(best.size):
            if best[g] < 0:
                best_slot[g] = -1


INLINED = ("memory_now", "trust_now")  # into their callers
COMPILED = (  # every function above, compiled by kernels.use(True)
    "inserted",
    "reindexed",
    "moved_sorted",
    "memory_now",
    "trust_now",
    "memory_tabled",
    "trust_tabled",
    "conversed",
    "remembered_rows",
    "touched",
    "best_providers",
)


# --- the steps' compiled side (sim/model/steps.py): plain Python around the kernels above ---
_NONE = np.empty(0, dtype=np.int64)


def memory_compiled(store: PairStore, slots: np.ndarray | slice, week: float) -> np.ndarray:
    """decay.memory_numpy in one pass, its decay read from the tables (`memory_tabled`)."""
    every = isinstance(slots, slice)  # WeekCache's ALL
    table, _ = store.tables(week)
    pair = store.memory, store.last_week, store.meetings, table
    return memory_tabled(_NONE if every else slots, every, float(week), *pair)


def trust_compiled(store: PairStore, slots: np.ndarray | slice, week: float) -> np.ndarray:
    """decay.trust_numpy in one pass, its fading read from the table (`trust_tabled`)."""
    every = isinstance(slots, slice)  # WeekCache's ALL
    _, fading = store.tables(week)
    evidence = store.positive, store.negative, store.evidence_week, fading
    return trust_tabled(_NONE if every else slots, every, float(week), *evidence)


def find_sorted_compiled(store: PairStore, keys: np.ndarray) -> np.ndarray:
    """memory.find_sorted_numpy by a binary search among each source's own pairs
    (kernels.find_each): the same slots."""
    from sim.model import kernels

    flat = keys.ravel()
    return kernels.find_each(flat // store.n, flat % store.n, store.starts(), store.dst).reshape(
        keys.shape
    )


def touched_compiled(store: PairStore, slots: np.ndarray, week: float, gain: float) -> np.ndarray:
    """memory.touched_numpy in one compiled pass (`touched`) where the touch reaches a quarter
    of the pairs or more (the week's memory of every pair is then read anyway, as WeekCache.get
    does); else as there. The same values."""
    if slots.size * 4 < len(store):
        from sim.model.memory import touched_numpy

        return touched_numpy(store, slots, week, gain)
    now = store.memory_everywhere(week)
    return touched(slots, float(week), float(gain), now, store.memory, store.last_week)


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
