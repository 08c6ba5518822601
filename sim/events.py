"""Events and who talks to whom there (C3, C5, C10).

The core format is the repeated open mixer: every `interval_weeks` each member attends with some
probability and talks in rounds. In each round every attendee approaches one other attendee:
with the strategy's known share, someone they already know (chosen in proportion to how well they
remember them, never someone they avoid); otherwise a new face. No conversation happens when
either avoids the other (trust below the avoidance level, C10). Each pair talks at most
once per event. Cost grows with attendees x rounds, not with members squared.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from sim.config import EventsConfig
from sim.grouping import top_k_per_group, weighted_one_per_group
from sim.memory import PairStore

NEW_FACE_TRIES = 3  # draws an attendee makes to find someone they have not met yet


def unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct unordered pairs (low, high) among (a[k], b[k]), without self-pairs."""
    keep = a != b
    low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    unique = np.unique(low.astype(np.int64) * n + high)
    return unique // n, unique % n


class Mixer:
    """A repeated open networking event (default: monthly, ~12 conversations each)."""

    name: ClassVar[str] = "mixer"
    description: ClassVar[str] = "a repeated open event; members mingle in rounds of conversations"
    claims: ClassVar[tuple[str, ...]] = ("C3", "C5", "C10")

    def __init__(self, cfg: EventsConfig):
        self.cfg = cfg
        self.held = 0

    def is_event_week(self, week: int) -> bool:
        limit_reached = self.cfg.count > 0 and self.held >= self.cfg.count
        return not limit_reached and week % self.cfg.interval_weeks == 0

    def attendees(self, rng: np.random.Generator, n_members: int) -> np.ndarray:
        self.held += 1
        return np.flatnonzero(rng.random(n_members) < self.cfg.attendance)

    def conversations(
        self,
        rng: np.random.Generator,
        present: np.ndarray,
        known_share: np.ndarray,
        store: PairStore,
        week: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Unique conversation pairs (a < b) among the attendees `present` at this event."""
        if present.size < 2:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        is_present = np.zeros(store.n, dtype=bool)
        is_present[present] = True
        # Known attendees each attendee could seek out: remembered, present, not avoided.
        slots = np.arange(len(store))
        src, dst = store.sources(), store.targets()
        ok = is_present[src] & is_present[dst]
        ok[ok] &= store.trust(slots[ok]) >= store.trust_cfg.avoid_level
        k_src, k_dst = src[ok], dst[ok]
        k_weight = store.memory_at(slots[ok], week) + 1e-9

        pairs_a: list[np.ndarray] = []
        pairs_b: list[np.ndarray] = []
        for _ in range(self.cfg.conversations // 2):
            wants_known = rng.random(present.size) < known_share[present]
            target = np.full(present.size, -1, dtype=np.int64)
            if wants_known.any() and k_src.size:
                target = self._pick_known(rng, present, wants_known, k_src, k_dst, k_weight)
            need_new = target < 0
            target[need_new] = self._pick_new_face(rng, present[need_new], present, store)
            a, b = present, target
            valid = (b >= 0) & (a != b)
            a, b = a[valid], b[valid]
            declined = store.avoided(b, a) | store.avoided(a, b)  # neither seeks out the other
            pairs_a.append(a[~declined])
            pairs_b.append(b[~declined])
        return unique_pairs(np.concatenate(pairs_a), np.concatenate(pairs_b), store.n)

    @staticmethod
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

    @staticmethod
    def _pick_new_face(rng, seekers, present, store: PairStore) -> np.ndarray:
        """A random attendee the seeker has not met, after a few tries; else whoever was drawn."""
        choice = present[rng.integers(0, present.size, seekers.size)]
        for _ in range(NEW_FACE_TRIES - 1):
            met = (store.find(seekers, choice) >= 0) | (choice == seekers)
            if not met.any():
                break
            choice[met] = present[rng.integers(0, present.size, int(met.sum()))]
        return choice


class FollowUps:
    """One-to-one contacts between events, halfway between two events (C5, C10).

    A member who seeks known people (relationship) meets contacts drawn in proportion to how well
    they remember them, keeping the warmest warm; a direct seller calls people met at the last
    event to pitch again (the Monday call). A contact who avoids the caller declines.
    """

    name: ClassVar[str] = "follow_ups"
    claims: ClassVar[tuple[str, ...]] = ("C5", "C10")

    def __init__(self, cfg: EventsConfig):
        self.cfg = cfg

    def is_due(self, week: int, last_event_week: int | None) -> bool:
        if last_event_week is None or self.cfg.interval_weeks < 2:
            return False
        return week - last_event_week == self.cfg.interval_weeks // 2

    def pairs(
        self,
        rng: np.random.Generator,
        store: PairStore,
        week: float,
        last_event_week: int,
        follow_ups: np.ndarray,
        seeks_known: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Unique pairs (low, high) meeting one-to-one this round."""
        if len(store) == 0 or not follow_ups.any():
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        slots = np.arange(len(store))
        src, dst = store.sources(), store.targets()
        warm = seeks_known[src] & (store.trust(slots) >= store.trust_cfg.avoid_level)
        first_met = (store.last_week == last_event_week) & (store.meetings == 1)
        fresh = ~seeks_known[src] & first_met
        ok = (warm | fresh) & (follow_ups[src] > 0)
        weight = np.where(warm[ok], store.memory_at(slots[ok], week), 1.0) + 1e-9
        race = rng.exponential(size=weight.size) / weight
        chosen = top_k_per_group(src[ok], race, follow_ups)
        caller, contact = src[ok][chosen], dst[ok][chosen]
        accepted = ~store.avoided(contact, caller)
        return unique_pairs(caller[accepted], contact[accepted], store.n)
