"""Memory and trust per directed pair of members: who remembers whom, and how much they trust them.

Memory (C3, C5) rises with every conversation by closing a share of the gap to 1 and fades
exponentially with the time since the last contact; its half-life grows with the number of
meetings (spacing), so well-known contacts cool slowly. Decay is computed lazily from the
last-contact week: nothing touches a pair between its conversations.

Trust (C4, C10) is a beta reputation (Josang & Ismail 2002): E = (r + 1) / (r + s + 2), with
positive evidence r gained only once memory is established and only from a partner who listens,
and negative evidence s from every pushy pitch. A pitch weighs more than a good conversation,
so trust breaks faster than it grows; below the avoidance level a member steers clear.

A tie's depth (C13-C15) is the conversation time the pair has shared, in short-conversation units.
Trust evidence and depth that are not renewed fade with one slow half-life (the beta
reputation's forgetting factor; Burt 2002 on the decay of business ties), also lazily: each pair
keeps the week its evidence was last brought up to date.

Pairs live in parallel numpy arrays sorted by the key src * n + dst (never an n x n matrix of
state). A scene of at most DENSE_INDEX members (a region, a mixer) also keeps each key's place
among its source's pairs in a flat n * n array (the slot is the source's first slot plus that
place), so finding a pair is one lookup instead of a binary search, and an insert renews the
places of the members who met someone new only, not of every pair after the first new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model import steps
from sim.model.decay import DecayTables, whole_week
from sim.model.grouping import distinct
from sim.model.slots import SlotSet, WeekCache, moved, spread

if TYPE_CHECKING:
    from sim.config import MemoryConfig, TiesConfig, TrustConfig


DENSE_INDEX = 2048  # members up to which pairs are found through an n * n int16 index (8 MiB)
INSERTS_LOGGED = 4  # the last inserts' positions, so that slots kept by others can follow them


class PairStore:
    """Directed-pair state in sorted arrays: memory, last contact, meetings, trust evidence."""

    def __init__(self, n_members: int, memory: MemoryConfig, trust: TrustConfig, ties: TiesConfig):
        self.n = n_members
        self.memory_cfg = memory
        self.trust_cfg = trust
        self.ties_cfg = ties
        self.keys = np.empty(0, dtype=np.int64)
        self.src = np.empty(0, dtype=np.int64)  # keys // n and keys % n, kept with the keys
        self.dst = np.empty(0, dtype=np.int64)
        # place of each key among its source's pairs (slot - starts[src]), -1 for pairs that
        # never met (small scenes only; see DENSE_INDEX: a place is below n, so int16 holds it)
        self.index = (
            np.full(n_members * n_members, -1, dtype=np.int16) if n_members <= DENSE_INDEX else None
        )
        self.version = 0  # how many times pairs were inserted (slots moved)
        self._inserts: list[tuple[int, np.ndarray]] = []  # (version made, positions), the last few
        self._starts: tuple[int, np.ndarray] | None = None  # (version, first slot per source)
        self.remembered = SlotSet()  # memory rose here since the last refresh
        self._memory_cache = WeekCache(self._memory_at)
        self._trust_cache = WeekCache(self._trust)
        self.evidenced = SlotSet()  # trust evidence was added here since the last refresh
        self.memory = np.empty(0, dtype=np.float64)  # value right after the last contact
        self.last_week = np.empty(0, dtype=np.float64)  # last conversation or light touch
        self.first_week = np.empty(0, dtype=np.float64)  # week of the first conversation
        self.meetings = np.empty(0, dtype=np.int32)  # conversations (light touches excluded)
        self.positive = np.empty(0, dtype=np.float64)  # beta evidence r
        self.negative = np.empty(0, dtype=np.float64)  # beta evidence s
        self.received = np.empty(0, dtype=np.int32)  # referrals src received from dst (C9)
        self.depth = np.empty(0, dtype=np.float64)  # shared conversation time (C13-C15)
        self.evidence_week = np.empty(0, dtype=np.float64)  # positive, negative, depth as of
        self.decay = DecayTables()  # for the compiled kernels (sim/model/decay.py)
        self.most_meetings = 0  # the highest meeting count of any pair (the tables' rows)

    FIELDS = (
        "memory",
        "last_week",
        "first_week",
        "meetings",
        "positive",
        "negative",
        "received",
        "depth",
        "evidence_week",
    )

    def __len__(self) -> int:
        return self.keys.size

    # --- lookup -------------------------------------------------------------------------
    def key(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        return np.asarray(src, dtype=np.int64) * self.n + np.asarray(dst, dtype=np.int64)

    def find(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Slot of each (src, dst) pair, or -1 where the two have never met."""
        keys = self.key(src, dst)
        if self.index is not None:
            return self._slots(np.asarray(src, dtype=np.int64), self.index[keys])
        if self.keys.size == 0:
            return np.full(keys.shape, -1, dtype=np.int64)
        return steps.chosen().find_sorted(self, keys)

    def ensure(self, src: np.ndarray, dst: np.ndarray, slots: np.ndarray | None = None):
        """Slots of (src, dst) pairs, inserting the missing ones (fresh: memory 0, no evidence).

        `slots`: their `find` result if the caller has it. Inserting moves slots: `version`
        counts the inserts, so a caller may keep slots while the version stays the same."""
        slots = self.find(src, dst) if slots is None else slots
        if (slots >= 0).all():
            return slots
        keys = self.key(src, dst)
        new = distinct(keys[slots < 0])
        at = np.searchsorted(self.keys, new)  # np.insert(old, at, new) keeps the keys sorted
        before, self.version = self.version, self.version + 1
        self._inserts = [*self._inserts[1 - INSERTS_LOGGED :], (self.version, at)]
        self._starts_after(new // self.n, before)
        self._memory_cache.shift(at, 0.0, before, self.version)
        self._trust_cache.shift(at, 0.5, before, self.version)
        self.remembered.shift(at, before, self.version)
        self.evidenced.shift(at, before, self.version)
        for name, fresh in (("keys", new), ("src", new // self.n), ("dst", new % self.n)):
            setattr(self, name, spread(getattr(self, name), at, fresh))
        for name in self.FIELDS:
            setattr(self, name, spread(getattr(self, name), at, 0))
        if self.index is None:
            return np.searchsorted(self.keys, keys)
        self._reindex(distinct(new // self.n))
        return self._slots(np.asarray(src, dtype=np.int64), self.index[keys])

    def _slots(self, src: np.ndarray, place: np.ndarray) -> np.ndarray:
        """Slots from the dense index's places of pairs of the sources `src` (-1 stays -1)."""
        return np.where(place >= 0, self.starts()[src] + place, -1)

    def _reindex(self, members: np.ndarray) -> None:
        """The dense index's places of every pair of the (sorted, distinct) `members` after an
        insert gave them new pairs; other members' pairs kept their places."""
        steps.chosen().reindex(self.index, self.keys, self.starts(), members)

    def _starts_after(self, new_src: np.ndarray, before: int) -> None:
        """Keep `starts` (if it was current) current over an insert of pairs of `new_src`."""
        if self._starts is not None and self._starts[0] == before:
            starts = self._starts[1].copy()  # a caller may hold the old array
            starts[1:] += np.cumsum(np.bincount(new_src, minlength=self.n))
            self._starts = (self.version, starts)

    def moved_since(self, slots: np.ndarray, version: int) -> np.ndarray | None:
        """Where the sorted `slots`, found at `version`, are now (inserts since moved them), or
        None when more inserts were made since than are logged (find them again). For callers
        that keep slots; the store's own caches and slot sets are moved at each insert instead
        (their `shift`), as they must never miss one."""
        since = [at for made, at in self._inserts if made > version]
        if len(since) != self.version - version:
            return None
        for at in since:
            slots = moved(slots, at, ordered=True)
        return slots

    def slot_index(self) -> np.ndarray:
        """The dense index (each pair's place among its source's pairs), or an empty array where
        pairs are found by binary search (the compiled kernels' convention)."""
        return self.index if self.index is not None else np.empty(0, dtype=np.int16)

    def starts(self) -> np.ndarray:
        """The first slot of each source member's pairs (n + 1 entries: member m's pairs are the
        slots starts[m] .. starts[m + 1] - 1, sorted by target), kept up to date over inserts.
        With the dense index's places, the lookup of pairs (`find`, kernels._find; a binary
        search among a member's pairs where there is no dense index)."""
        if self._starts is None or self._starts[0] != self.version:
            starts = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.src, minlength=self.n), out=starts[1:])
            self._starts = (self.version, starts)
        return self._starts[1]

    def sources(self) -> np.ndarray:
        """The member who remembers, per slot (kept with the keys: read, do not write)."""
        return self.src

    def targets(self) -> np.ndarray:
        """The member remembered, per slot."""
        return self.dst

    # --- state --------------------------------------------------------------------------
    def half_life(self, slots: np.ndarray) -> np.ndarray:
        cfg = self.memory_cfg
        meetings = np.maximum(self.meetings[slots], 1)
        return cfg.half_life_weeks * (1.0 + cfg.spacing * (meetings - 1))

    def memory_at(self, slots: np.ndarray, week: float) -> np.ndarray:
        """Memory now: the value after the last contact, decayed lazily since then (C5)."""
        if slots.size == 0:
            return np.empty(0)
        return self._memory_cache.get(self, slots, week)

    def _memory_at(self, slots: np.ndarray | slice, week: float) -> np.ndarray:
        return steps.chosen().memory_now(self, slots, week)

    def tables(self, week: float) -> tuple[np.ndarray, np.ndarray]:
        """The decay tables (memory, fading; sim/model/decay.py) reaching every pair at the
        whole week `week`, for the compiled kernels."""
        return self.decay.cover(
            self.memory_cfg, self.trust_cfg, whole_week(week), self.most_meetings
        )

    def memory_everywhere(self, week: float) -> np.ndarray:
        """Memory now of every slot (read only; for the compiled kernels)."""
        return self._memory_cache.every(self, week)

    def trust_everywhere(self, week: float) -> np.ndarray:
        """Trust now of every slot (read only; for the compiled kernels)."""
        return self._trust_cache.every(self, week)

    def fading(self, slots: np.ndarray, week: float) -> np.ndarray | float:
        """Share of a pair's trust evidence and depth left since it was last renewed."""
        half_life = self.trust_cfg.half_life_weeks
        if half_life == 0:
            return 1.0
        return np.exp2(-(week - self.evidence_week[slots]) / half_life)

    def settle(self, slots: np.ndarray, week: float) -> None:
        """Bring the pairs' evidence and depth up to `week` before adding to them."""
        if self.trust_cfg.half_life_weeks == 0:
            return
        left = self.fading(slots, week)
        for values in (self.positive, self.negative, self.depth):
            values[slots] = values[slots] * left
        self.evidence_week[slots] = week
        self._trust_cache.mark(slots)

    def trust(self, slots: np.ndarray, week: float) -> np.ndarray:
        """Beta-reputation expectation (r + 1) / (r + s + 2) now; 0.5 for a stranger.

        Evidence not renewed fades, so trust drifts back towards 0.5 (C5)."""
        return self._trust_cache.get(self, slots, week)

    def _trust(self, slots: np.ndarray | slice, week: float) -> np.ndarray:
        return steps.chosen().trust_now(self, slots, week)

    def trust_of(self, src: np.ndarray, dst: np.ndarray, week: float) -> np.ndarray:
        """Trust src has in dst now; 0.5 (no evidence) for pairs that never met."""
        slots = self.find(src, dst)
        out = np.full(slots.size, 0.5)
        met = slots >= 0
        out[met] = self.trust(slots[met], week)
        return out

    def strength(self, slots: np.ndarray, week: float) -> np.ndarray:
        """How deep each tie is now, in [0, 1]: 1 - 2^(-depth / ties.depth_half) (C14, C15)."""
        depth = self.depth[slots] * self.fading(slots, week)
        return 1.0 - np.exp2(-depth / self.ties_cfg.depth_half)

    # --- the submodel: one conversation ---------------------------------------------------
    def converse(
        self,
        a: np.ndarray,
        b: np.ndarray,
        week: float,
        listening: np.ndarray,
        pitch_ab: np.ndarray,
        pitch_ba: np.ndarray,
        depth: float = 1.0,
    ) -> np.ndarray:
        """Apply one conversation between each (a[k], b[k]) pair, both directions at once.

        `listening[i]` in [0, 1] is how well member i listens; `pitch_ab[k]` says a[k] pitched
        b[k] in this conversation (and `pitch_ba[k]` the reverse). A conversation of `depth` d
        (a dinner, a closed circle: C14, C15) counts as d short ones for memory and trust. Pairs
        must be unique. Returns the slots of the pairs (a, b), then (b, a).
        """
        src = np.concatenate([a, b])
        dst = np.concatenate([b, a])
        pitched = np.concatenate([pitch_ba, pitch_ab])  # the remembered member (dst) pitched
        slots = self.ensure(src, dst)
        before = self.memory_at(slots, week)  # (settling the evidence leaves memory as it is)
        growth = (1.0 - self.memory_cfg.gain) ** depth
        talk = Talk(slots, week, before, growth, listening[dst], pitched, depth)
        self.conversed_at(slots, steps.chosen().conversed(self, talk), week)
        return slots

    def conversed_at(self, slots: np.ndarray, after: np.ndarray, week: float) -> None:
        """The store's views after conversations updated the pairs `slots` (memory `after`):
        the meeting counts' maximum, the slot sets and the week caches (for `converse` and for
        a compiled pass that updates the pairs itself: sim/model/conversations.py)."""
        if slots.size:
            self.most_meetings = max(self.most_meetings, int(self.meetings[slots].max()))
        self.remembered.mark(slots)
        self.evidenced.mark(slots)
        self._memory_cache.put(self, slots, after, week)  # just met: no decay yet
        self._trust_cache.mark(slots)

    def touch(self, slots: np.ndarray, week: float, gain: float, trust_gain: float = 0.0) -> None:
        """A light touch without a conversation (a presentation heard, a post read; C12, C16).

        Memory closes `gain` of its gap to 1 and the fading clock restarts; the meeting count,
        on which the half-life grows, does not change. Trust evidence only once established.
        """
        before = steps.chosen().touched(self, slots, week, gain)
        self.remembered.mark(slots)
        if trust_gain:
            self.settle(slots, week)
            self.positive[slots] += trust_gain * (before >= self.memory_cfg.established_level)
            self.evidenced.mark(slots)
            self._trust_cache.mark(slots)

    def add_evidence(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        positive: np.ndarray,
        negative: np.ndarray,
        week: float,
    ) -> None:
        """Add trust evidence to the pairs that exist (a referral's outcome, C6); others skip."""
        slots = self.find(src, dst)
        known = slots >= 0
        self.settle(slots[known], week)
        np.add.at(self.positive, slots[known], np.broadcast_to(positive, src.shape)[known])
        np.add.at(self.negative, slots[known], np.broadcast_to(negative, src.shape)[known])
        self.evidenced.mark(slots[known])
        self._trust_cache.mark(slots[known])

    # --- derived views ------------------------------------------------------------------
    def avoided(self, src: np.ndarray, dst: np.ndarray, week: float) -> np.ndarray:
        """True where src's trust in dst is below the avoidance level now (C10)."""
        return self.trust_of(src, dst, week) < self.trust_cfg.avoid_level

    def trusted_slots(self, week: float, among: np.ndarray | None = None) -> np.ndarray:
        """Slots (of all, or `among`) whose trust is at or above the refer level now.

        Trust rises only when evidence is added; between times it only fades, so the slots still
        trusted are always among those trusted when evidence last changed."""
        slots = np.arange(self.keys.size) if among is None else among
        return slots[self.trust(slots, week) >= self.trust_cfg.refer_level]

    def trusted_now(self, week: float) -> np.ndarray:
        """Sorted slots whose trust is at or above the refer level now (incrementally)."""
        return self.evidenced.refresh(self, lambda slots: self.trusted_slots(week, slots))

    def remembered_now(self, week: float, level: float) -> np.ndarray:
        """Sorted slots whose memory is at or above `level` now (incrementally; one level per
        store, the name level)."""
        return self.remembered.refresh(
            self, lambda slots: slots[self.memory_at(slots, week) >= level]
        )


# --- the steps' two implementations (chosen by sim/model/steps.py) ------------------------------
class Talk(NamedTuple):
    """A round of conversations as PairStore.converse hands it to its updates: the (unique)
    pairs' slots, the week, each pair's memory before, (1 - gain)^depth, how well the
    remembered member (the pair's dst) listens, whether they pitched, the depth."""

    slots: np.ndarray
    week: float
    before: np.ndarray
    growth: float
    listening: np.ndarray
    pitched: np.ndarray
    depth: float


def find_sorted_numpy(store: PairStore, keys: np.ndarray) -> np.ndarray:
    """PairStore.find without the dense index: a binary search of the keys among all pairs."""
    pos = np.minimum(np.searchsorted(store.keys, keys), store.keys.size - 1)
    return np.where(store.keys[pos] == keys, pos, -1)


def reindexed_numpy(index, keys, starts, members) -> None:
    """The dense index's places of every pair of the (sorted, distinct) `members`, in place
    (PairStore._reindex; compiled: pair_kernels.reindexed)."""
    first, count = starts[members], starts[members + 1] - starts[members]
    slots = np.arange(count.sum()) + np.repeat(first - (np.cumsum(count) - count), count)
    index[keys[slots]] = slots - np.repeat(first, count)


def touched_numpy(store: PairStore, slots: np.ndarray, week: float, gain: float) -> np.ndarray:
    """PairStore.touch's memory of the (unique) pairs `slots`: `gain` of the gap to 1 closed,
    the fading clock restarted, the week's cached memory written through. Returns the memory
    before."""
    before = store.memory_at(slots, week)
    after = before + gain * (1.0 - before)
    store.memory[slots] = after
    store.last_week[slots] = week
    store._memory_cache.put(store, slots, after, week)  # touched now: no decay yet
    return before


def conversed_numpy(store: PairStore, talk: Talk) -> np.ndarray:
    """PairStore.converse's updates of its pairs: the first meeting's week, the evidence
    settled, memory raised, the meeting counted, trust evidence and depth added. Returns the
    memory after."""
    slots, week, depth = talk.slots, talk.week, talk.depth
    store.first_week[slots[store.meetings[slots] == 0]] = week
    store.settle(slots, week)
    after = 1.0 - (1.0 - talk.before) * talk.growth
    store.memory[slots] = after
    store.last_week[slots] = week
    store.meetings[slots] += 1
    established = talk.before >= store.memory_cfg.established_level
    good = store.trust_cfg.gain * depth * talk.listening * (established & ~talk.pitched)
    store.positive[slots] += good
    store.negative[slots] += store.trust_cfg.pitch_cost * talk.pitched
    store.depth[slots] += depth
    return after
