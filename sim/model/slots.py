"""Incremental views of the pair store (sim/model/memory.py), so a week never rebuilds what
only a few pairs changed (C3-C5: who is remembered by name and who trusted enough to refer; the
memory and trust every pass of a week reads).

`SlotSet`: the slots passing a test only contact can newly pass, refreshed from the last set and
the slots marked since. `WeekCache`: a value of every pair at one week, recomputed where marked.
Inserting pairs moves slots (`moved`, `spread`: np.insert in one pass where compiled). The
store's own views (these) are moved by the store at every insert (`shift`); a caller outside it
that keeps slots between weeks (a chapter's room pairs) asks `PairStore.moved_since` when it
next reads them, which replays the last few inserts' positions through the same `moved`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import pair_kernels, steps

if TYPE_CHECKING:
    from sim.model.memory import PairStore


class SlotSet:
    """The slots that pass a test which only contact can newly pass (memory at the name level,
    trust at the refer level: both only fade while nothing happens), kept up to date
    incrementally: a refresh re-tests the last set and the slots marked since, never the whole
    store, unless pairs were inserted (slots moved) in between."""

    def __init__(self) -> None:
        self.slots = np.empty(0, dtype=np.int64)
        self.version = -1  # the store's version when last refreshed
        self.marked: list[np.ndarray] = []

    def mark(self, slots: np.ndarray) -> None:
        self.marked.append(np.asarray(slots, dtype=np.int64))

    def refresh(self, store: PairStore, keep) -> np.ndarray:
        """`keep(candidates)`: the sorted candidate slots that pass the test now."""
        if self.version != store.version:
            candidates = np.arange(len(store))
        else:
            candidates = union([self.slots, *self.marked], len(store))
        self.slots = keep(candidates)
        self.version, self.marked = store.version, []
        return self.slots

    def found(self, store: PairStore, slots: np.ndarray) -> None:
        """The sorted slots that pass the test now, found by a pass over every pair: the set as
        `refresh` would leave it."""
        self.slots, self.version, self.marked = slots, store.version, []

    def shift(self, at: np.ndarray, before: int, after: int) -> None:
        """Pairs were inserted before the sorted positions `at` (see PairStore.ensure): move the
        slots along; new pairs pass neither test (no memory, trust 0.5 < refer level)."""
        if self.version == before:
            self.slots = moved(self.slots, at, ordered=True)
            if self.marked:  # a refresh reads only their union: move it as one sorted list
                self.marked = [moved(union(self.marked), at, ordered=True)]
            self.version = after


ALL = slice(None)  # every slot: `compute` reads the arrays themselves, not gathered copies


class WeekCache:
    """A value of every pair at one week (memory, trust), kept while the week and the slots
    last: recomputed only where a pair's state changed since (`mark`), so the several passes of
    a week over all pairs (networking rounds, one-to-ones, who is remembered) compute it once.
    Values are computed by the same function either way, so results do not depend on it."""

    def __init__(self, compute) -> None:
        self.compute = compute
        self.values: np.ndarray | None = None
        self.key: tuple | None = None  # (week, store version) of the values
        self.dirty: list[np.ndarray] = []

    def mark(self, slots: np.ndarray) -> None:
        if self.values is not None:
            self.dirty.append(slots)

    def put(self, store: PairStore, slots: np.ndarray, values: np.ndarray, week: float) -> None:
        """The slots' state just changed to `values` at `week` (what `compute` gives them now,
        bit for bit: a memory renewed this week has not decayed): write them through."""
        if self.key == (week, store.version):
            self.values[slots] = values
        # else the values are recomputed whole when next read

    def get(self, store: PairStore, slots: np.ndarray, week: float) -> np.ndarray:
        if self.key != (week, store.version) and slots.size * 4 < len(store):
            return self.compute(slots, week)  # a few pairs: not worth a pass over all
        return self.every(store, week)[slots]

    def every(self, store: PairStore, week: float) -> np.ndarray:
        """The value of every slot at `week` (the cache's own array: read, never write)."""
        if self.key != (week, store.version):
            self.values = self.compute(ALL, week)  # views of the arrays, no gathers
            self.key, self.dirty = (week, store.version), []
        elif self.dirty:
            self._clean(week)
        return self.values

    def _clean(self, week: float) -> None:
        changed = np.concatenate(self.dirty)
        self.values[changed] = self.compute(changed, week)
        self.dirty = []

    def shift(self, at: np.ndarray, fresh: float, before: int, after: int) -> None:
        """Pairs were inserted before the sorted positions `at` (see PairStore.ensure): keep the
        values, adding the new pairs' (`fresh`: what `compute` gives a pair never met). Slots
        marked since are moved along, still to be recomputed when next read: at the week of the
        values, which may be past (then the reader's new week recomputes every value)."""
        if self.values is None or self.key is None or self.key[1] != before:
            return
        if self.dirty:
            self.dirty = [moved(np.concatenate(self.dirty), at)]
        self.values = spread(self.values, at, fresh)
        self.key = (self.key[0], after)


def union(lists: list[np.ndarray], size: int | None = None) -> np.ndarray:
    """The sorted union of slot lists, without a sort (`size`: above every slot)."""
    if size is None:
        size = max(int(slots.max(initial=-1)) for slots in lists) + 1
    member = np.zeros(size, dtype=bool)
    for slots in lists:
        member[slots] = True
    return np.flatnonzero(member)


def moved(slots: np.ndarray, at: np.ndarray, ordered: bool = False) -> np.ndarray:
    """Where `slots` (`ordered`: sorted) are after np.insert(..., at, ...) with sorted `at`."""
    if ordered:  # (compiled: a merge, pair_kernels.moved_sorted)
        return steps.chosen().moved_sorted(slots, at)
    return moved_numpy(slots, at)


def moved_numpy(slots: np.ndarray, at: np.ndarray) -> np.ndarray:
    """`moved` by numpy (the step moved_sorted; any order of `slots`)."""
    return slots + np.searchsorted(at, slots, side="right")


def spread(values: np.ndarray, at: np.ndarray, fill) -> np.ndarray:
    """np.insert(values, at, fill) for sorted `at`: `fill` (one value, or one per position) goes
    before each position, the old values move up (compiled: one pass, no mask)."""
    return steps.chosen().spread(values, at, fill)


def spread_numpy(values: np.ndarray, at: np.ndarray, fill) -> np.ndarray:
    """`spread` by numpy's insert."""
    return np.insert(values, at, fill)


def spread_compiled(values: np.ndarray, at: np.ndarray, fill) -> np.ndarray:
    """`spread` by pair_kernels.inserted: the runs between insert positions copied whole."""
    new = np.broadcast_to(np.asarray(fill, dtype=values.dtype), at.shape)
    return pair_kernels.inserted(values, at, np.ascontiguousarray(new))
