"""Observation: what the model records for the results, kept out of the mechanisms.

Model reporters for Mesa's DataCollector (plain functions of the model, one row per week), the
memory and trust curves by conversation number (C3, C4) and snapshots of who would refer or
avoid whom (C10). The model calls these; mechanism modules only model.
"""

from __future__ import annotations

import numpy as np

from sim.model import steps
from sim.model.memory import PairStore

MAX_TRACKED_MEETINGS = 64  # meetings beyond this are pooled in the last bin of the curves


def conversations(model) -> int:
    return model.week_conversations


def needs_arisen(model) -> int:
    return model.market.needs_arisen


def needs_to_market(model) -> int:
    return model.market.needs_to_market


def units_to_market(model) -> int:
    return model.market.units_to_market


def known_pairs(model) -> int:
    return len(model.store)


def one_to_ones(model) -> int:
    """One-to-ones held this week (each counted once, though two members hold it)."""
    return int(model.one_to_ones_held.sum()) // 2


MODEL_REPORTERS = {
    f.__name__: f
    for f in (
        conversations,
        needs_arisen,
        needs_to_market,
        units_to_market,
        known_pairs,
        one_to_ones,
    )
}


class PairCurves:
    """Sums of memory and trust right after a pair's n-th conversation, by the partner's group."""

    def __init__(self, n_groups: int):
        shape = (n_groups, MAX_TRACKED_MEETINGS + 1)
        self.count = np.zeros(shape, dtype=np.int64)
        self.memory = np.zeros(shape)
        self.trust = np.zeros(shape)

    def record(self, store: PairStore, slots: np.ndarray, group_of: np.ndarray, week) -> None:
        """Record the pairs `slots` just after a conversation (memory is its fresh value)."""
        meet = np.minimum(store.meetings[slots], MAX_TRACKED_MEETINGS)
        cell = group_of[store.keys[slots] % store.n] * self.count.shape[1] + meet
        trust = store.trust(slots, week)
        # flat views: numpy's fast path of ufunc.at (a tuple index takes the slow one)
        flat = (self.count.reshape(-1), self.memory.reshape(-1), self.trust.reshape(-1))
        steps.chosen().add_per_cell(*flat, cell, store.memory[slots], trust)


def add_per_cell_numpy(count, first, second, cell, first_values, second_values) -> None:
    """np.add.at of 1, first_values and second_values at `cell` (PairCurves' sums; compiled:
    kernels.add_per_cell, the same additions in order)."""
    np.add.at(count, cell, 1)
    np.add.at(first, cell, first_values)
    np.add.at(second, cell, second_values)


class NetworkSnapshots:
    """Every `every` weeks (and in the last week): the pairs that matter for referrals now."""

    def __init__(self, every: int, weeks: int):
        self.every, self.last = every, weeks - 1
        self.snapshots: list[dict[str, np.ndarray]] = []

    def observe(self, store: PairStore, week: int) -> None:
        if week % self.every != self.every - 1 and week != self.last:
            return
        slots = np.arange(len(store))
        trust = store.trust(slots, week)
        cfg = store.trust_cfg
        keep = (trust >= cfg.refer_level) | (trust < cfg.avoid_level)  # would refer, or avoids
        self.snapshots.append(
            {
                "step": np.full(int(keep.sum()), week),
                "src": store.sources()[keep],
                "dst": store.targets()[keep],
                "memory": store.memory_at(slots[keep], week),
                "trust": trust[keep],
            }
        )
