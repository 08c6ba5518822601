"""Compiled referral chains (numba): a week's needs opened, answered by a repeat purchase or a
member's own recall (`open_needs`, as Market._open; C1, C5, C11), then passed along paths of
degree 2 and 3 (`refer_hops`; C2, C5, C7-C9, C13-C15), the same steps as Market._refer and
AskGraph.paths beside them; the work beyond a seller's capacity turned away (`_turn_away`, as
capacity.turn_away); finally bought, from the member who sold them or on the anonymous
market, each purchase locking the buyer out (`purchases`, as Market._purchases; C11). The
model calls the three as one (`answer_week`, as Market.answer_numpy): one call a week.

Like sim/model/kernels.py (whose `use` compiles this module too): plain Python until compiled,
the same random draws in the same order (geometric gaps for who hears of a need, one uniform
per candidate referral, one per need for the tie-break), the same floating-point operations, so
a run is bit-identical with or without it (tests/test_kernels.py). A strategy's referral drive
arrives as a table per member (owes 0 and 1), evaluated by the strategies once per week; what
needs an exp2 or a power (trust, tie strength, the understood ask) arrives computed by numpy,
per member and sector of the provider the member has in mind (Referrers.kernel_inputs).
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels
from sim.model.ledger import Answered, Chosen, Needs, Referrals

# The scalars the chains read, by position in one float array (Referrers.kernel_knobs).
KNOBS = (
    "recognise",  # referrals.recognise
    "understanding",  # ties.understanding
    "refer_level",  # trust.refer_level
    "belief",  # ties.belief
    "base",  # market.referral_convert
    "mention",  # referrals.mention
    "forward",  # referrals.forward
)
RECOGNISE, UNDERSTANDING, REFER_LEVEL, BELIEF, BASE, MENTION, FORWARD = range(len(KNOBS))


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


def _chances(cell, referrer, provider, cells, traits, knobs):
    """Referrers.chance for each referrer[c] and the provider they have in mind, from the values
    now of the pair in cell[c] (computed by numpy: Referrers.kernel_inputs). The arrays are
    taken out of their tuples once: reading them from a tuple per pair costs more (reference
    counts) than the arithmetic."""
    received, slot_of = cells.received, cells.slot
    strength_of, understood_of = cells.strength, cells.understood
    ask, drive, drive_owing = traits.ask, traits.drive, traits.drive_owing
    recognise, understanding = knobs[RECOGNISE], knobs[UNDERSTANDING]
    chance = np.empty(cell.size)
    for c in range(cell.size):
        f, r = cell[c], referrer[c]
        owes = min(received[slot_of[f]], 1)
        value = recognise * ask[provider[c]] * understood_of[f]
        if understanding != 0:
            value *= 1.0 + understanding * strength_of[f]
        value *= drive_owing[r] if owes else drive[r]
        chance[c] = min(value, 1.0)
    return chance


def _conversions(cell, cells, knobs):
    """Referrers.conversion for the pair in each cell (a judge and the provider they have in
    mind): base, up to (1 + belief) x base from the judge's conviction (trust now)."""
    trust_of = cells.trust
    refer_level, belief, base = knobs[REFER_LEVEL], knobs[BELIEF], knobs[BASE]
    out = np.full(cell.size, base)
    if belief == 0:
        return out
    for c in range(cell.size):
        conviction = min(max((trust_of[cell[c]] - refer_level) / (1.0 - refer_level), 0.0), 1.0)
        out[c] = min(base * (1.0 + belief * conviction), 1.0)
    return out


def _candidates(open_, k, middle, ref_m, person, sector, best):
    """The paths whose member has a provider for the need in mind, not the buyer or the middle:
    (need, provider, referrer, the referrer's cell referrer * sectors + sector)."""
    need = np.empty(k.size, dtype=np.int64)
    provider = np.empty(k.size, dtype=np.int64)
    referrer = np.empty(k.size, dtype=np.int64)
    cell = np.empty(k.size, dtype=np.int64)
    found = 0
    for i in range(k.size):
        j = open_[k[i]]
        p = best[ref_m[i], sector[j]]
        if p >= 0 and p != person[j] and p != middle[i]:
            need[found], provider[found], referrer[found] = j, p, ref_m[i]
            cell[found] = ref_m[i] * best.shape[1] + sector[j]
            found += 1
    return need[:found], provider[:found], referrer[:found], cell[:found]


def _one_per_need(rng, n, need, provider, referrer, cell, cells, traits, knobs):
    """Which candidates refer (a draw against the chance each), then one per need, uniformly
    (grouping.uniform_one_per_group): the chosen candidates, in the order of the needs."""
    chance = _chances(cell, referrer, provider, cells, traits, knobs)
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


def refer_hops(rng, max_hops, needs, decided, graph, n_members, best, cells, traits, knobs):
    """Market._refer's hops 2..max_hops: marks the needs referred in `decided`, adds a referral
    to `received` of each provider-referrer pair, and returns the referrals in the ledger's
    order (ledger.Referrals)."""
    person, sector, convert, luck = needs
    index, starts, dst, received = cells.index, cells.starts, cells.dst, cells.received
    n = person.size
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
        need, provider, referrer, cell = _candidates(open_, k, middle, ref_m, person, sector, best)
        chosen = _one_per_need(rng, n, need, provider, referrer, cell, cells, traits, knobs)
        start = found
        conversion = _conversions(cell[chosen], cells, knobs)
        competence = traits.competence
        for i, c in enumerate(chosen):
            j, p, r = need[c], provider[c], referrer[c]
            decided[j] = True
            met = (
                person[j] < n_members
                and kernels._find(p, person[j], n_members, index, starts, dst) >= 0
            )
            win = convert[j] < conversion[i]
            hop_of[found], need_of[found], ref_of[found], prov_of[found] = hops, j, r, p
            degree[found] = 1 if met else hops
            converted[found] = win
            good[found] = win and luck[j] < competence[p]
            found += 1
        for i in range(start, found):  # the provider now owes the referrer (C9)
            slot = kernels._find(prov_of[i], ref_of[i], n_members, index, starts, dst)
            if slot >= 0:
                received[slot] += 1
    return Referrals(
        hop_of[:found],
        need_of[:found],
        ref_of[:found],
        prov_of[:found],
        degree[:found],
        converted[:found],
        good[:found],
    )


def open_needs(rng, flat, last_seller, last_degree, sizes, rates, best, cells, knobs):
    """Market._open: for the needs falling due this week (`flat`: Market.due_now, ascending
    person * sectors + sector, the one scan both paths use), their draws in the same order
    (units, convert, luck, repeat), the repeat purchases and the members' own recall (degree 1;
    conversion as _conversions). Returns (units, convert, luck, seller, channel, degree,
    decided)."""
    n_sectors, n_members, repeat_code, recall_code = sizes
    extra_units, repeat_purchase = rates
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
    conversion = _conversions(flat[recall], cells, knobs)  # the buyer's cell: flat
    for k in range(found):
        if convert[recall[k]] < conversion[k]:
            seller[recall[k]], channel[recall[k]], degree[recall[k]] = recalled[k], recall_code, 1
    return units, convert, luck, seller, channel, degree, decided


def _lifetimes(rng, week, flat, take, n_sectors, mean_lifetime, spread, due, locked_until, out):
    """Market._buy for the needs i with take[i]: a lifetime each, drawn in their order (as
    Market.lifetime: mean + mean x spread x a standard normal, rounded, at least a week), which
    locks the buyer out and schedules the next need (C11); written to out[i]."""
    for i in range(flat.size):
        if take[i]:
            mean = mean_lifetime[flat[i] % n_sectors]
            draw = mean + (mean * spread) * rng.standard_normal()
            out[i] = max(1.0, np.round(draw))
            locked_until[flat[i]] = week + out[i]
            due[flat[i]] = week + out[i]


def purchases(rng, week, flat, seller, degree, units, lifetime_of, market, week_units):
    """Market._purchases: the needs sold by a member (seller >= 0) are bought from them, then
    the others on the anonymous market, the lifetimes drawn in that order. `lifetime_of`:
    (sector means, relative spread); `market`: its (due, locked_until, last_seller,
    last_degree). Returns the lifetime of each need (the ledger keeps the sold ones')."""
    mean_lifetime, spread = lifetime_of
    due, locked_until, last_seller, last_degree = market
    n_sectors = mean_lifetime.size
    sold = seller >= 0
    lifetime = np.zeros(flat.size, dtype=np.int64)
    _lifetimes(rng, week, flat, sold, n_sectors, mean_lifetime, spread, due, locked_until, lifetime)
    for i in range(flat.size):
        if sold[i]:
            week_units[seller[i]] += units[i]
            last_seller[flat[i]], last_degree[flat[i]] = seller[i], degree[i]
        else:
            last_seller[flat[i]] = -1
    _lifetimes(
        rng, week, flat, ~sold, n_sectors, mean_lifetime, spread, due, locked_until, lifetime
    )
    return lifetime


def _turn_away(seller, units, room, away):
    """capacity.turn_away, loop by loop: a sale fits while the seller's room holds its units;
    from the first that does not, the seller takes no more this week (room 0)."""
    out = np.zeros(seller.size, dtype=np.bool_)
    for i in range(seller.size):
        s = seller[i]
        if s < 0:
            continue
        if units[i] <= room[s]:
            room[s] -= units[i]
        else:
            room[s] = 0
            away[s] += units[i]
            out[i] = True
    return out


def answer_week(rng, week, flat, sizes, rates, best, chains, lifetime_of, market, sellers):
    """Market.answer_needs' draws and choices in one call, in the numpy code's order: the needs
    `flat` opened (`open_needs`), passed along the chains (`refer_hops`), the referred sales
    taken, the work beyond a seller's capacity turned away (`_turn_away`, when `sellers`' flag
    says anyone has one), and every need bought (`purchases`). `sellers`: (units this week,
    room, units turned away, per member; whether anyone has a capacity). `sizes`: (sectors,
    members, and the channel codes repeat, recall, referral); `chains`: (the furthest degree,
    the ask graph, referrals.Cells, the knobs, referrals.Traits). Returns the needs answered
    (ledger.Answered) and the referrals as refer_hops returns them."""
    n_sectors, n_members, repeat_code, recall_code, referral_code = sizes
    max_hops, graph, cells, knobs, traits = chains
    codes = (n_sectors, n_members, repeat_code, recall_code)
    last_seller, last_degree = market[2], market[3]
    units, convert, luck, seller, channel, degree, decided = open_needs(
        rng, flat, last_seller, last_degree, codes, rates, best, cells, knobs
    )
    needs = Needs(flat // n_sectors, flat % n_sectors, convert, luck)
    referrals = refer_hops(
        rng, max_hops, needs, decided, graph, n_members, best, cells, traits, knobs
    )
    need_of, ref_m, provider = referrals.need, referrals.referrer, referrals.provider
    hop_degree, win = referrals.degree, referrals.converted
    referrer = np.full(flat.size, -1, dtype=np.int64)
    for i in range(need_of.size):
        if win[i]:
            j = need_of[i]
            seller[j], channel[j] = provider[i], referral_code
            degree[j], referrer[j] = hop_degree[i], ref_m[i]
    week_units, room, away, limited = sellers
    if limited:
        turned = _turn_away(seller, units, room, away)
        for j in range(flat.size):
            if turned[j]:
                seller[j], channel[j], degree[j], referrer[j] = -1, -1, 0, -1
    lifetime = purchases(rng, week, flat, seller, degree, units, lifetime_of, market, week_units)
    return Answered(units, luck, Chosen(seller, channel, degree, referrer), lifetime), referrals


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
    "open_needs",
    "_lifetimes",
    "purchases",
    "_turn_away",
    "answer_week",
)
