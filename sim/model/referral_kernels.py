"""Compiled referral chains (numba): a week's needs opened, answered by a repeat purchase or a
member's own recall (`open_needs`, as Market._open; C1, C5, C11), then passed along paths of
degree 2 and 3 (`refer_hops`; C2, C5, C7-C9, C13-C15), the same steps as Market._refer and
AskGraph.paths beside them.

Like sim/model/kernels.py (whose `use` compiles this module too): plain Python until compiled,
the same random draws in the same order (geometric gaps for who hears of a need, one uniform
per candidate referral, one per need for the tie-break), the same floating-point operations, so
a run is bit-identical with or without it (tests/test_kernels.py). A strategy's referral drive
arrives as a table per member (owes 0 and 1), evaluated by the strategies once per week.
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels

# The scalars the chains read, by position in one float array (Referrers.knobs builds it).
KNOBS = (
    "recognise",  # referrals.recognise
    "business",  # the share of counted conversations that were about business
    "understanding",  # ties.understanding
    "depth_half",  # ties.depth_half
    "fade_half",  # trust.half_life_weeks (0: evidence never fades)
    "refer_level",  # trust.refer_level
    "belief",  # ties.belief
    "base",  # market.referral_convert
    "week",
    "mention",  # referrals.mention
    "forward",  # referrals.forward
)
RECOGNISE, BUSINESS, UNDERSTANDING, DEPTH_HALF, FADE_HALF = range(5)
REFER_LEVEL, BELIEF, BASE, WEEK, MENTION, FORWARD = range(5, len(KNOBS))
# Per-member arrays, by position: listening, the ask's specificity, competence, and the
# strategy's drive to refer when owing nothing and when owing a referral (Market._refer_compiled).
LISTENING, ASK, COMPETENCE, DRIVE, DRIVE_OWING = range(5)
# The pair store's arrays, by position (PairStore.arrays_for_referrals gives them in this order).
INDEX, KEYS, MEETINGS, RECEIVED, DEPTH, EVIDENCE_WEEK, POSITIVE, NEGATIVE = range(8)


def _positions(rng, total, p):
    """population.bernoulli_positions: successes among `total` trials, as geometric gaps drawn
    in the same chunks."""
    if p <= 0 or total == 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(total)
    out = np.empty(16, dtype=np.int64)
    found = 0
    last = -1
    while last < total:
        expected = (total - last) * p
        for _ in range(int(expected + 5 * np.sqrt(expected) + 16)):
            last += rng.geometric(p)
            if last < total:
                if found == out.size:
                    out = np.concatenate((out, np.empty(out.size, dtype=np.int64)))
                out[found] = last
                found += 1
    return out[:found]


def _contacts(rng, sampled, p, indptr, indices, rows):
    """Adjacency.sample (`sampled`: each kept with chance p) or Adjacency.expand: (k, neighbour)
    for the neighbours of rows[k]."""
    ends = np.empty(rows.size, dtype=np.int64)
    total = 0
    for k in range(rows.size):
        total += indptr[rows[k] + 1] - indptr[rows[k]]
        ends[k] = total
    position = _positions(rng, total, p) if sampled else np.arange(total)
    owner = np.empty(position.size, dtype=np.int64)
    nbr = np.empty(position.size, dtype=np.int64)
    k = 0
    for i in range(position.size):
        while ends[k] <= position[i]:
            k += 1
        first = ends[k] - (indptr[rows[k] + 1] - indptr[rows[k]])
        owner[i] = k
        nbr[i] = indices[indptr[rows[k]] + position[i] - first]
    return owner, nbr


def _neighbours(rng, sampled, p, graph_ptr, graph_idx, acq_ptr, acq_idx, rows, n_members):
    """AskGraph.neighbours: social ties, then for members the members they remember by name."""
    owner, nbr = _contacts(rng, sampled, p, graph_ptr, graph_idx, rows)
    is_member = np.flatnonzero(rows < n_members)
    a_owner, a_nbr = _contacts(rng, sampled, p, acq_ptr, acq_idx, rows[is_member])
    return np.concatenate((owner, is_member[a_owner])), np.concatenate((nbr, a_nbr))


def _paths(rng, hops, people, graph, n_members, mention, forward):
    """AskGraph.paths: (index into people, middle person or -1, member who may refer)."""
    social_ptr, social_idx, members_ptr, members_idx, acq_ptr, acq_idx = graph
    if hops == 2:
        k, ref_m = _neighbours(
            rng, True, mention, members_ptr, members_idx, acq_ptr, acq_idx, people, n_members
        )
        return k, np.full(k.size, -1, dtype=np.int64), ref_m
    k, middle = _neighbours(
        rng, True, mention * forward, social_ptr, social_idx, acq_ptr, acq_idx, people, n_members
    )
    j, ref_m = _neighbours(
        rng, False, 0.0, members_ptr, members_idx, acq_ptr, acq_idx, middle, n_members
    )
    k, middle = k[j], middle[j]
    back = ref_m != people[k]
    return k[back], middle[back], ref_m[back]


def _chances(referrer, provider, n_members, store, traits, knobs, week):
    """Referrers.chance for each pair (referrer[c], provider[c]), met or never met. The arrays
    are taken out of their tuples once: reading them from a tuple per pair costs more (reference
    counts) than the arithmetic."""
    index, keys, meetings = store[INDEX], store[KEYS], store[MEETINGS]
    received, depth, evidence_week = store[RECEIVED], store[DEPTH], store[EVIDENCE_WEEK]
    listening, ask = traits[LISTENING], traits[ASK]
    drive, drive_owing = traits[DRIVE], traits[DRIVE_OWING]
    business, recognise, understanding = knobs[BUSINESS], knobs[RECOGNISE], knobs[UNDERSTANDING]
    depth_half, fade_half = knobs[DEPTH_HALF], knobs[FADE_HALF]
    chance = np.empty(referrer.size)
    for c in range(referrer.size):
        r, p = referrer[c], provider[c]
        slot = kernels._find(r, p, n_members, index, keys)
        met = meetings[slot] if slot >= 0 else 0
        owes = min(received[slot], 1) if slot >= 0 else 0
        caught = listening[r] * business
        understood = 1.0 - (1.0 - caught) ** np.float64(met)
        value = recognise * ask[p] * understood
        if understanding != 0:
            strength = 0.0
            if slot >= 0:
                shared = depth[slot] * kernels._left(evidence_week[slot], fade_half, week)
                strength = 1.0 - np.exp2(-shared / depth_half)
            value *= 1.0 + understanding * strength
        value *= drive_owing[r] if owes else drive[r]
        chance[c] = min(value, 1.0)
    return chance


def _conversions(judge, provider, n_members, store, knobs, week):
    """Referrers.conversion for each pair: base, up to (1 + belief) x base from the judge's
    conviction (trust computed here, PairStore._trust's formula, 0.5 for a pair that never met,
    for the few pairs that need it rather than for every pair of the store)."""
    index, keys, evidence_week = store[INDEX], store[KEYS], store[EVIDENCE_WEEK]
    positive, negative = store[POSITIVE], store[NEGATIVE]
    refer_level, belief, base = knobs[REFER_LEVEL], knobs[BELIEF], knobs[BASE]
    out = np.full(judge.size, base)
    if belief == 0:
        return out
    for c in range(judge.size):
        slot = kernels._find(judge[c], provider[c], n_members, index, keys)
        trust = 0.5
        if slot >= 0:
            left = kernels._left(evidence_week[slot], knobs[FADE_HALF], week)
            trust = kernels._trust_of(positive[slot], negative[slot], left)
        conviction = min(max((trust - refer_level) / (1.0 - refer_level), 0.0), 1.0)
        out[c] = min(base * (1.0 + belief * conviction), 1.0)
    return out


def _candidates(open_, k, middle, ref_m, person, sector, best):
    """The paths whose member has a provider for the need in mind, not the buyer or the middle:
    (need, provider, referrer)."""
    need = np.empty(k.size, dtype=np.int64)
    provider = np.empty(k.size, dtype=np.int64)
    referrer = np.empty(k.size, dtype=np.int64)
    found = 0
    for i in range(k.size):
        j = open_[k[i]]
        p = best[ref_m[i], sector[j]]
        if p >= 0 and p != person[j] and p != middle[i]:
            need[found], provider[found], referrer[found] = j, p, ref_m[i]
            found += 1
    return need[:found], provider[:found], referrer[:found]


def _one_per_need(rng, n, n_members, need, provider, referrer, store, traits, knobs, week):
    """Which candidates refer (a draw against the chance each), then one per need, uniformly
    (grouping.uniform_one_per_group): the chosen candidates, in the order of the needs."""
    chance = _chances(referrer, provider, n_members, store, traits, knobs, week)
    refers = np.empty(need.size, dtype=np.bool_)
    for c in range(need.size):
        refers[c] = rng.random() < chance[c]
    smallest = np.full(n, np.inf)
    chosen = np.full(n, -1, dtype=np.int64)
    for c in range(need.size):
        if refers[c]:
            key = rng.random()
            if key < smallest[need[c]]:  # strictly: the first of exact ties
                smallest[need[c]], chosen[need[c]] = key, c
    return chosen[chosen >= 0]


def refer_hops(rng, max_hops, needs, decided, graph, n_members, best, store, traits, knobs):
    """Market._refer's hops 2..max_hops: marks the needs referred in `decided`, adds a referral
    to `received` of each provider-referrer pair, and returns the referrals in the ledger's
    order: (hop, need, referrer, provider, degree, converted, good)."""
    person, sector, convert, luck = needs
    index, keys, received = store[INDEX], store[KEYS], store[RECEIVED]
    n, week = person.size, knobs[WEEK]
    hop_of = np.empty(2 * n, dtype=np.int64)
    need_of = np.empty(2 * n, dtype=np.int64)
    ref_of = np.empty(2 * n, dtype=np.int64)
    prov_of = np.empty(2 * n, dtype=np.int64)
    degree = np.empty(2 * n, dtype=np.int64)
    converted = np.empty(2 * n, dtype=np.bool_)
    good = np.empty(2 * n, dtype=np.bool_)
    found = 0
    for hops in range(2, max_hops + 1):
        open_ = np.flatnonzero(~decided)
        k, middle, ref_m = _paths(
            rng, hops, person[open_], graph, n_members, knobs[MENTION], knobs[FORWARD]
        )
        need, provider, referrer = _candidates(open_, k, middle, ref_m, person, sector, best)
        chosen = _one_per_need(
            rng, n, n_members, need, provider, referrer, store, traits, knobs, week
        )
        start = found
        conversion = _conversions(referrer[chosen], provider[chosen], n_members, store, knobs, week)
        competence = traits[COMPETENCE]
        for i, c in enumerate(chosen):
            j, p, r = need[c], provider[c], referrer[c]
            decided[j] = True
            met = person[j] < n_members and kernels._find(p, person[j], n_members, index, keys) >= 0
            win = convert[j] < conversion[i]
            hop_of[found], need_of[found], ref_of[found], prov_of[found] = hops, j, r, p
            degree[found] = 1 if met else hops
            converted[found] = win
            good[found] = win and luck[j] < competence[p]
            found += 1
        for i in range(start, found):  # the provider now owes the referrer (C9)
            slot = kernels._find(prov_of[i], ref_of[i], n_members, index, keys)
            if slot >= 0:
                received[slot] += 1
    return (
        hop_of[:found],
        need_of[:found],
        ref_of[:found],
        prov_of[:found],
        degree[:found],
        converted[:found],
        good[:found],
    )


def _due(due, week):
    """Market.due_now: the flat (person, sector) positions whose next need falls due now."""
    n = 0
    for f in range(due.size):
        n += due[f] == week
    flat = np.empty(n, dtype=np.int64)
    k = 0
    for f in range(due.size):
        if due[f] == week:
            flat[k] = f
            k += 1
    return flat


def open_needs(rng, week, due, last_seller, last_degree, sizes, rates, best, store, knobs):
    """Market._open: the needs falling due this week (ascending flat person * sectors + sector),
    their draws in the same order (units, convert, luck, repeat), the repeat purchases and the
    members' own recall (degree 1; conversion as _conversions). Returns (flat, units, convert,
    luck, seller, channel, degree, decided)."""
    n_sectors, n_members, repeat_code, recall_code = sizes
    extra_units, repeat_purchase = rates
    flat = _due(due, week)
    n = flat.size
    units = np.empty(n, dtype=np.int64)
    for i in range(n):
        units[i] = 1 + rng.poisson(extra_units)
    convert, luck, again = np.empty(n), np.empty(n), np.empty(n)
    for draws in (convert, luck, again):
        for i in range(n):
            draws[i] = rng.random()
    seller = np.full(n, -1, dtype=np.int64)
    channel = np.full(n, -1, dtype=np.int64)
    degree = np.zeros(n, dtype=np.int64)
    decided = np.zeros(n, dtype=np.bool_)
    recall = np.empty(n, dtype=np.int64)
    recalled = np.empty(n, dtype=np.int64)
    found = 0
    for i in range(n):
        person, sector = flat[i] // n_sectors, flat[i] % n_sectors
        if last_seller[flat[i]] >= 0 and again[i] < repeat_purchase:
            seller[i], channel[i], degree[i] = (
                last_seller[flat[i]],
                repeat_code,
                last_degree[flat[i]],
            )
            decided[i] = True
        elif person < n_members and best[person, sector] >= 0:
            recall[found], recalled[found] = i, best[person, sector]
            decided[i] = True
            found += 1
    recall, recalled = recall[:found], recalled[:found]
    conversion = _conversions(flat[recall] // n_sectors, recalled, n_members, store, knobs, week)
    for k in range(found):
        if convert[recall[k]] < conversion[k]:
            seller[recall[k]], channel[recall[k]], degree[recall[k]] = recalled[k], recall_code, 1
    return flat, units, convert, luck, seller, channel, degree, decided


INLINED = ()  # (kernels.py's per-pair helpers are inlined into these)
COMPILED = (  # every function above, compiled by kernels.use(True)
    "_positions",
    "_contacts",
    "_neighbours",
    "_paths",
    "_chances",
    "_conversions",
    "_candidates",
    "_one_per_need",
    "refer_hops",
    "_due",
    "open_needs",
)
