"""Who talks to whom at an open event, and one-to-ones as a habit (C3, C5, C10).

Mingling: attendees talk in rounds. In each round every attendee approaches one other attendee:
with the chance their strategy gives, someone they already know (chosen in proportion to how well
they remember them, never someone they avoid); otherwise a new face. No conversation happens when
either avoids the other (trust below the avoidance level, C10). Each pair talks at most
once per event. Cost grows with attendees x rounds, not with members squared. When and where
events happen is the event format's business (sim/model/formats.py).

One-to-ones: each member holds them at their own monthly rate (the trait `one_to_ones`), on a
regular schedule of their own whatever the events (`OneToOneHabit`); whom is their strategy's
decision (`follow_up_pairs`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import numpy as np

from sim.model import kernels, steps
from sim.model.grouping import Pairs, distinct, top_k_per_group, weighted_one_per_group
from sim.model.memory import PairStore
from sim.model.strategies import FollowingUp

NEW_FACE_TRIES = 3  # draws an attendee makes to find someone they have not met yet
# the classifier's follow-up rules (strategies.Classifier.follows_up), as codes 0 and 1
FOLLOW_UP_RULES = get_args(FollowingUp)
WEEKS_PER_MONTH = 52 / 12


class OneToOneHabit:
    """How many one-to-ones each member starts in a week: a regular schedule at their rate.

    A member with r one-to-ones a month holds r / (52 / 12) a week on average: in week w, the
    whole numbers passed by rate * w + phase between w and w + 1, so 4 a month is one in 12 of
    every 13 weeks, 0.5 a month one every 8 or 9 weeks, 8 a month one or two every week. Each
    member's phase is drawn once (uniform), so members' weeks are spread over the calendar and
    no week of an event cycle gathers them; events do not move them (C5).
    """

    def __init__(self, rng: np.random.Generator, per_month: np.ndarray):
        self.rate = np.asarray(per_month, dtype=float) / WEEKS_PER_MONTH
        self.phase = rng.random(self.rate.size)
        self.any = bool(self.rate.any())

    def counts(self, week: int) -> np.ndarray:
        """One-to-ones each member starts in `week` (0, 1, or more at a high rate)."""
        start = np.floor(self.rate * week + self.phase)
        return (np.floor(self.rate * (week + 1) + self.phase) - start).astype(np.int64)


def unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> Pairs:
    """Distinct unordered pairs (low, high) among (a[k], b[k]), without self-pairs."""
    keep = a != b
    low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    unique = distinct(low.astype(np.int64) * n + high)
    return Pairs(unique // n, unique % n)


def mingle(
    rng: np.random.Generator,
    present: np.ndarray,
    rounds: int,
    seek_known: np.ndarray,
    store: PairStore,
    week: float,
    venue: np.ndarray | None = None,
) -> Pairs:
    """Unique conversation pairs (a < b) among the attendees `present` after `rounds` rounds.

    `seek_known[i]` is member i's chance per round to approach someone known (their strategy
    decides); `present` is sorted; `venue[k]` (default: all in one room) is where present[k] is, and
    conversations stay within a venue (one call serves all locations of a circuit or chapters).
    """
    if present.size < 2 or rounds < 1:
        return Pairs(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    at = np.full(store.n, -1, dtype=np.int64)
    at[present] = 0 if venue is None else venue
    talks = steps.chosen().mingle_rounds(rng, present, rounds, seek_known, store, week, at)
    return unique_pairs(talks.a, talks.b, store.n)


def mingle_numpy(rng, present, rounds: int, seek_known, store: PairStore, week, at) -> Pairs:
    """mingle's rounds (`at`: each member's room, -1: absent), before the pairs are made unique:
    the known faces from one pass over the pairs (memory and trust now), each round's draws
    vectorised."""
    # Known attendees each attendee could seek out: remembered, in the same room, not avoided.
    slots = np.arange(len(store))
    src, dst = store.sources(), store.targets()
    ok = (at[src] >= 0) & (at[src] == at[dst])
    ok[ok] &= store.trust(slots[ok], week) >= store.trust_cfg.avoid_level
    k_src, k_dst = src[ok], dst[ok]
    k_weight = store.memory_at(slots[ok], week) + 1e-9

    pairs_a: list[np.ndarray] = []
    pairs_b: list[np.ndarray] = []
    for _ in range(rounds):
        wants_known = rng.random(present.size) < seek_known[present]
        target = np.full(present.size, -1, dtype=np.int64)
        if wants_known.any() and k_src.size:
            target = _pick_known(rng, present, wants_known, k_src, k_dst, k_weight)
        need_new = target < 0
        target[need_new] = _pick_new_face(rng, present[need_new], present, at, store)
        a, b = present, target
        valid = (b >= 0) & (a != b)
        a, b = a[valid], b[valid]
        declined = store.avoided(b, a, week) | store.avoided(a, b, week)  # neither seeks out
        pairs_a.append(a[~declined])
        pairs_b.append(b[~declined])
    return Pairs(np.concatenate(pairs_a), np.concatenate(pairs_b))


def mingle_compiled(rng, present, rounds: int, seek_known, store: PairStore, week, at) -> Pairs:
    """mingle_numpy in one compiled call (kernels.mingle_rounds; the same draws, the same
    pairs)."""
    talks = kernels.mingle_rounds(
        rng,
        np.asarray(present, dtype=np.int64),
        int(rounds),
        np.asarray(seek_known, dtype=np.float64),
        at,
        store.starts(),
        store.dst,
        store.trust_everywhere(week),
        store.memory_everywhere(week),
        float(store.trust_cfg.avoid_level),
        store.n,
        store.slot_index(),
        NEW_FACE_TRIES,
    )
    return Pairs(*talks)


def _pick_known(rng, present, wants_known, k_src, k_dst, k_weight) -> np.ndarray:
    """For attendees seeking a known face: one known attendee, drawn in proportion to memory.

    Returns, per position in `present`, the chosen member or -1 (nobody known is present).
    """
    is_seeker = np.zeros(int(max(k_src.max(), present.max())) + 1, dtype=bool)
    is_seeker[present[wants_known]] = True
    seeking = is_seeker[k_src]
    c_src, c_dst = k_src[seeking], k_dst[seeking]
    chosen = weighted_one_per_group(rng, c_src, k_weight[seeking])
    target = np.full(present.size, -1, dtype=np.int64)
    target[np.searchsorted(present, c_src[chosen])] = c_dst[chosen]
    return target


def _pick_new_face(rng, seekers, present, at, store: PairStore) -> np.ndarray:
    """A random attendee in the seeker's room not met yet, after a few tries; else whoever."""
    room = at[present]
    order = np.argsort(room, kind="stable")
    by_room, room = present[order], room[order]
    lo = np.searchsorted(room, at[seekers], side="left")
    width = np.searchsorted(room, at[seekers], side="right") - lo

    def draw(k: np.ndarray) -> np.ndarray:
        return by_room[lo[k] + (rng.random(k.size) * width[k]).astype(np.int64)]

    choice = draw(np.arange(seekers.size))
    for _ in range(NEW_FACE_TRIES - 1):
        met = np.flatnonzero((store.find(seekers, choice) >= 0) | (choice == seekers))
        if not met.size:
            break
        choice[met] = draw(met)
    return choice


def follow_up_pairs(
    rng: np.random.Generator,
    store: PairStore,
    counts: np.ndarray,
    weight: Callable[[np.ndarray], np.ndarray],
    week: float,
    rules: tuple[np.ndarray, float] | None = None,
) -> Pairs:
    """One-to-one contacts (C5, C10): unique pairs (low, high) meeting now.

    Member i starts `counts[i]` contacts among the people they have met. `weight(slots)` (the
    member's strategy) says how much the source of each pair slot wants to meet its target (0:
    not at all); contacts are drawn in proportion to it. A contact who avoids the caller declines.
    `rules`: (each member's FOLLOW_UP_RULES code, the week since which people count as new
    faces) when every member's strategy follows up by its classifier's rule: the compiled race
    then computes the same weights itself (kernels.rule_weights) instead of asking `weight`.
    """
    if len(store) == 0 or not counts.any():
        return Pairs(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    src = store.sources()
    asks = np.arange(src.size) if counts.min() > 0 else np.flatnonzero(counts[src] > 0)
    calls = steps.chosen().follow_up_race(rng, store, asks, weight, counts, week, rules)
    return unique_pairs(calls.a, calls.b, store.n)


def follow_up_numpy(rng, store: PairStore, asks, weight, counts, week, rules) -> Pairs:
    """follow_up_pairs' race (caller, contact) among the pair slots `asks`, before the pairs
    are made unique: an exponential race time / wanted (`weight(asks)`; `rules` unused) per pair
    wanted, each source's counts[src] smallest (top_k_per_group), those whose contact does not
    avoid the caller."""
    src, dst = store.sources(), store.targets()
    wanted = weight(asks)
    ok = wanted > 0
    race = rng.exponential(size=int(ok.sum())) / wanted[ok]
    chosen = top_k_per_group(src[asks[ok]], race, counts)
    caller, contact = src[asks[ok]][chosen], dst[asks[ok]][chosen]
    accepted = ~store.avoided(contact, caller, week)
    return Pairs(caller[accepted], contact[accepted])


def follow_up_compiled(rng, store: PairStore, asks, weight, counts, week, rules) -> Pairs:
    """follow_up_numpy in one compiled call (kernels.follow_up_race; the same draws), the
    weights from the members' `rules` where given (kernels.rule_weights: the values
    Strategy.follow_up_weight gives), else from `weight`."""
    trust = store.trust_everywhere(week)
    avoid_level = float(store.trust_cfg.avoid_level)
    if rules is None:
        wanted = np.asarray(weight(asks), dtype=np.float64)
    else:
        codes, since = rules
        pair = store.sources(), store.first_week, store.meetings
        memory = store.memory_everywhere(week)
        wanted = kernels.rule_weights(asks, codes, float(since), *pair, trust, memory, avoid_level)
    calls = kernels.follow_up_race(
        rng,
        asks,
        wanted,
        store.sources(),
        counts.astype(np.int64),
        store.n,
        (store.slot_index(), store.starts(), store.dst),
        trust,
        avoid_level,
    )
    return Pairs(*calls)
