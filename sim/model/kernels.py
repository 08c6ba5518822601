"""Compiled week kernels (numba): the same steps as the numpy code they stand beside, faster.

A kernel does one step of a week in one call instead of dozens of numpy calls, draws the same
random numbers in the same order from the same `np.random.Generator` (numba draws them one at a
time; numpy's vectorised draws give the same values), and does the same floating-point
operations, so a run gives bit-identical results with or without it (tested: tests/test_kernels.py
runs both on random stores). The numpy code stays the reference and the fallback; which of the
two runs is chosen in one place, sim/model/steps.py (step by step: its table).

Kernels compute no exp2, exp or power of model values: numpy's vectorised versions on CPUs with
AVX-512 and numba's (the C library's) differ in the last bit for a few percent of inputs, which
would break that identity. Memory and trust now are read from decay tables numpy computes
(sim/model/decay.py; the week caches' passes, pair_kernels.memory_tabled and trust_tabled); the
values that need more - tie strength now, how much of an ask a referrer has understood - come
from the numpy code (Referrers.kernel_inputs) as arrays per member and sector. (Random draws are
not affected: numpy's generators call the C library one value at a time, as numba does.)

Numba costs a process about 2.5 s before the first kernel runs (importing it, then its first
call; measured on the 2-core machine of docs/measurements.md), and the kernels save ~10-30 % of a
model's time, so they are used only where that pays: a run or exploration whose estimated work
is at least WORTH_SECONDS per worker (`worth`; the run machinery decides per task), or when
`NETSIM_KERNELS=numba` says so (`NETSIM_KERNELS=numpy`: never). Until then numba is not even
imported: the functions below are plain Python, compiled by `use(True)`.

Pairs are found through the pair store's dense index where it has one, else by a binary search
among the source member's own pairs (`_find`; PairStore.starts gives where they begin).

Kernels: `mingle_rounds` (the rounds of an open event's conversations; C3, C5, C10),
`follow_up_race` (whom members call for one-to-ones; C5, C10; how much they want each one is
their strategies' decision, one numpy method each: sim/model/strategies.py, or, for strategies
that follow up by their classifier's rule, `rule_weights`: the same values from the rule as
data), `find_each` (pairs found without the dense index), `smallest_per_group`
(grouping.min_per_group), `add_per_cell` (the memory and trust curves' sums) and, when a model
is built, `distinct_rows` (the social graph's rows; population.Adjacency.from_edges). The pair
store's own kernels (inserts, lazy decay, a conversation's updates) are in
sim/model/pair_kernels.py, the referral chains' in sim/model/referral_kernels.py, a batch of
conversations' in sim/model/conversations.py; `use` compiles all four modules.
"""

from __future__ import annotations

import os
import sys

import numpy as np

ENABLED = False  # whether the model calls the kernels now (see `use`)
WORTH_SECONDS = 60.0  # a worker's estimated simulating time from which compiling pays


def setting() -> str:
    """NETSIM_KERNELS: "numba" (always compile), "numpy" (never) or "" (when worth it)."""
    value = os.environ.get("NETSIM_KERNELS", "").strip().lower()
    return value if value in ("numba", "numpy") else ""


def worth(seconds_per_worker: float) -> bool:
    """Whether a worker with this much estimated simulating time should use the kernels."""
    if setting():
        return setting() == "numba"
    return seconds_per_worker >= WORTH_SECONDS


def use(on: bool) -> None:
    """Use the kernels from now on in this process (compiling them first: numba's disk cache
    makes that a load after the first time) or the numpy code. Results are the same."""
    global ENABLED
    if on and not ENABLED:
        _compile()
    ENABLED = on


def modules() -> tuple:
    """The modules whose COMPILED functions `use(True)` compiles: this one, the pair store's
    (sim/model/pair_kernels.py), the referral chains' (sim/model/referral_kernels.py) and the
    conversations' (sim/model/conversations.py)."""
    from sim.model import conversations, pair_kernels, referral_kernels

    return (sys.modules[__name__], pair_kernels, referral_kernels, conversations)


def _compile() -> None:
    """Replace the plain functions of `modules()` by their compiled versions (once)."""
    import numba

    for module in modules():
        space = vars(module)
        for name in module.COMPILED:
            if not isinstance(space[name], numba.core.dispatcher.Dispatcher):
                # small per-pair helpers are inlined: a call passing tuples of arrays costs
                # more than their arithmetic (reference counts)
                inline = "always" if name in module.INLINED else "never"
                space[name] = numba.njit(cache=True, nogil=True, inline=inline)(space[name])


INLINED = ("_find", "_avoids", "_known_face")  # into their callers


def _find(a, b, n, index, starts, dst):
    """Slot of the pair (a, b) or -1 (PairStore.find for one pair): a's first slot plus the
    pair's place among a's own pairs (slots starts[a] .. starts[a + 1] - 1, sorted by target;
    PairStore.starts), read from the dense index or found by a binary search among them."""
    if index.size:
        place = index[a * n + b]
        return starts[a] + place if place >= 0 else -1
    lo, end = starts[a], starts[a + 1]
    hi = end
    while lo < hi:
        mid = (lo + hi) // 2
        if dst[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < end and dst[lo] == b else -1


def find_each(src, dst, starts, pair_dst):
    """The slot of each pair (src[k], dst[k]) or -1, by a binary search among the source's own
    pairs (`_find` without the dense index; PairStore.find)."""
    out = np.empty(src.size, dtype=np.int64)
    none = np.empty(0, dtype=np.int16)
    for k in range(src.size):
        out[k] = _find(src[k], dst[k], 0, none, starts, pair_dst)
    return out


def _avoids(a, b, n, index, starts, dst, trust, avoid_level):
    """True when a's trust in b is below the avoidance level (0.5 for strangers)."""
    slot = _find(a, b, n, index, starts, dst)
    value = 0.5 if slot < 0 else trust[slot]
    return value < avoid_level


def _rooms(present, at):
    """`present` stably sorted by room, and each room's first position in that order."""
    rooms = at[present]
    count = np.zeros(rooms.max() + 2, dtype=np.int64)
    for room in rooms:
        count[room + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    by_room = np.empty(present.size, dtype=np.int64)
    for member in present:
        by_room[fill[at[member]]] = member
        fill[at[member]] += 1
    return by_room, start


def mingle_rounds(
    rng,
    present,
    rounds,
    seek_known,
    at,
    starts,
    dst,
    trust,
    memory,
    avoid_level,
    n,
    index,
    tries,
):
    """The conversations of `rounds` rounds among `present` (see events.mingle), before they are
    made unique: (a, b) per conversation in the order the numpy code finds them.

    `trust`, `memory`: every pair slot's value now; `at[m]`: member m's room, -1 if absent;
    `index`, `starts`, `dst`: the pair store's lookup (`_find`); `tries`: draws for a new face.
    A seeker's known faces are their own pairs (slots starts[a] ..), visited in slot order as
    the numpy code's race draws them: `present` is sorted, and so are the slots by source."""
    by_room, start = _rooms(present, at)
    out_a = np.empty(rounds * present.size, dtype=np.int64)
    out_b = np.empty(rounds * present.size, dtype=np.int64)
    talks = 0
    target = np.empty(present.size, dtype=np.int64)
    wants = np.empty(present.size, dtype=np.bool_)
    for _ in range(rounds):
        for k in range(present.size):
            wants[k] = rng.random() < seek_known[present[k]]
            target[k] = -1
        for k in range(present.size):
            if wants[k]:
                target[k] = _known_face(
                    rng, present[k], at, starts, dst, trust, memory, avoid_level
                )
        _new_faces(rng, present, target, at, by_room, start, n, index, starts, dst, tries)
        for k in range(present.size):
            a, b = present[k], target[k]
            if b < 0 or a == b:
                continue
            if _avoids(b, a, n, index, starts, dst, trust, avoid_level):
                continue
            if _avoids(a, b, n, index, starts, dst, trust, avoid_level):
                continue
            out_a[talks], out_b[talks] = a, b
            talks += 1
    return out_a[:talks], out_b[:talks]


def _known_face(rng, a, at, starts, dst, trust, memory, avoid_level):
    """Whom `a` seeks out among the known faces in their room who they do not avoid: an
    exponential race weighted by memory (+1e-9), one draw per such face in slot order; -1 if
    there is none."""
    room = at[a]
    best, face = np.inf, -1
    for slot in range(starts[a], starts[a + 1]):
        if at[dst[slot]] == room and trust[slot] >= avoid_level:
            key = rng.exponential() / (memory[slot] + 1e-9)
            if key < best:
                best, face = key, dst[slot]
    return face


def _new_faces(rng, present, target, at, by_room, start, n, index, starts, dst, tries):
    """Where target < 0: a random attendee of the seeker's room, drawn again (up to `tries`
    draws in all) while it is someone met before or the seeker."""
    seekers = np.flatnonzero(target < 0)
    for k in seekers:
        room = at[present[k]]
        width = start[room + 1] - start[room]
        target[k] = by_room[start[room] + np.int64(rng.random() * width)]
    for _ in range(tries - 1):
        again = []
        for k in seekers:
            seeker = present[k]
            if target[k] == seeker or _find(seeker, target[k], n, index, starts, dst) >= 0:
                again.append(k)
        if len(again) == 0:
            break
        for k in again:
            room = at[present[k]]
            width = start[room + 1] - start[room]
            target[k] = by_room[start[room] + np.int64(rng.random() * width)]


def follow_up_race(rng, asks, wanted, pair_src, counts, n, lookup, trust, avoid_level):
    """One-to-ones (see events.follow_up_pairs): each source calls its counts[src] pairs with the
    smallest exponential race time / wanted (the pairs `asks`, sorted, with wanted > 0; one draw
    per such pair in slot order; the first of exact ties); a contact who avoids the caller
    declines. Returns (caller, contact). `pair_src`: the store's source per slot; `lookup`: its
    (index, starts, dst) for `_find`."""
    index, starts, pair_dst = lookup
    size = 0
    for j in range(asks.size):
        size += wanted[j] > 0
    src = np.empty(size, dtype=np.int64)
    dst = np.empty(size, dtype=np.int64)
    race = np.empty(size)
    size = 0
    for j in range(asks.size):
        if wanted[j] > 0:
            src[size], dst[size] = pair_src[asks[j]], pair_dst[asks[j]]
            race[size] = rng.exponential() / wanted[j]
            size += 1
    caller = np.empty(size, dtype=np.int64)
    contact = np.empty(size, dtype=np.int64)
    taken = np.zeros(size, dtype=np.bool_)  # scratch of _smallest
    chosen = np.empty(size, dtype=np.int64)
    calls = 0
    start = 0
    while start < size:
        end = start
        while end < size and src[end] == src[start]:
            end += 1
        for c in range(_smallest(race, start, end, counts[src[start]], taken, chosen)):
            j = chosen[c]  # ascending slots, as the numpy code returns them
            if not _avoids(dst[j], src[j], n, index, starts, pair_dst, trust, avoid_level):
                caller[calls], contact[calls] = src[j], dst[j]
                calls += 1
        start = end
    return caller[:calls], contact[:calls]


def rule_weights(asks, rules, since, pair_src, first_week, meetings, trust, memory, avoid_level):
    """Strategy.follow_up_weight's default for the pair slots `asks` (each source's
    classifier rule, events.FOLLOW_UP_RULES: 0, the people first met since the week `since`, all
    alike; 1, warm contacts by memory now, 0 for one avoided), the same values as the method.
    `trust`, `memory`: every slot's now."""
    out = np.empty(asks.size)
    for j in range(asks.size):
        s = asks[j]
        if rules[pair_src[s]] == 0:
            out[j] = 1.0 + 1e-9 if first_week[s] >= since and meetings[s] > 0 else 0.0
        else:
            out[j] = memory[s] + 1e-9 if trust[s] >= avoid_level else 0.0
    return out


def _smallest(key, start, end, k, taken, out):
    """The sorted positions of the k smallest finite keys in key[start:end] (first of exact
    ties), written to `out`; returns how many. `taken`: scratch flags, False, left False."""
    for _ in range(k):
        best, at = np.inf, -1
        for j in range(start, end):
            if not taken[j - start] and key[j] < best:
                best, at = key[j], j
        if at < 0:
            break
        taken[at - start] = True
    found = 0
    for j in range(start, end):
        if taken[j - start]:
            out[found] = j
            found += 1
            taken[j - start] = False
    return found


def smallest_per_group(group, key):
    """grouping.min_per_group in one pass: per distinct group, in the groups' order, the index
    of its smallest key (the first of exact ties; a group with a NaN key has none, as there)."""
    size = group.max() + 1
    first = np.full(size, -1, dtype=np.int64)
    best = np.empty(size)
    poisoned = np.zeros(size, dtype=np.bool_)
    for i in range(group.size):
        g = group[i]
        if np.isnan(key[i]):
            poisoned[g] = True
        elif first[g] < 0 or key[i] < best[g]:
            best[g], first[g] = key[i], i
    out = np.empty(size, dtype=np.int64)
    found = 0
    for g in range(size):
        if first[g] >= 0 and not poisoned[g]:
            out[found] = first[g]
            found += 1
    return out[:found]


def add_per_cell(count, first, second, cell, first_values, second_values):
    """np.add.at of 1, first_values and second_values at `cell` (the same additions, in order)."""
    for i in range(cell.size):
        count[cell[i]] += 1
        first[cell[i]] += first_values[i]
        second[cell[i]] += second_values[i]


def distinct_rows(src, dst, n_rows):
    """population.Adjacency.from_edges' rows without sorting every edge at once: a counting sort
    by row, then each row's neighbours sorted and deduplicated. Returns (indptr, indices); the
    indices have the dtype of `dst`. The same arrays as the numpy code's (sorted distinct keys)."""
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    for e in range(src.size):
        indptr[src[e] + 1] += 1
    for r in range(n_rows):
        indptr[r + 1] += indptr[r]
    fill = indptr[:-1].copy()
    indices = np.empty(src.size, dtype=dst.dtype)
    for e in range(src.size):
        indices[fill[src[e]]] = dst[e]
        fill[src[e]] += 1
    kept = 0
    for r in range(n_rows):
        row = indices[indptr[r] : indptr[r + 1]]
        row.sort()
        indptr[r] = kept
        for j in range(row.size):
            if j == 0 or row[j] != row[j - 1]:
                indices[kept] = row[j]
                kept += 1
    indptr[n_rows] = kept
    return indptr, indices[:kept]  # (a view: duplicates are few, a copy would double the peak)


COMPILED = (  # every function above, compiled by `use(True)`
    "_find",
    "find_each",
    "_avoids",
    "_rooms",
    "mingle_rounds",
    "_known_face",
    "_new_faces",
    "follow_up_race",
    "rule_weights",
    "_smallest",
    "smallest_per_group",
    "add_per_cell",
    "distinct_rows",
)
