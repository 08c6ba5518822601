"""Decay read from tables: memory's 2^(-gap / half-life) and the trust evidence's fading share
2^(-gap / trust half-life) for every whole number of weeks (C3-C5).

Weeks are whole numbers, so the gap since a pair's last contact (or since its evidence was last
brought up to date) is one of a few hundred values, and memory's half-life depends only on the
pair's meeting count. The tables hold the decay for each (meetings, gap) and each gap, computed
once by numpy from the same arguments the numpy code computes (-gap / half-life, with the
half-life as `PairStore.half_life` gives it), so a value read from them is the numpy code's, bit
for bit (numpy's exp2 gives the same bits for a value wherever it stands in an array). The
compiled side computes the pair store's memory and trust now (its week caches' passes:
pair_kernels.memory_tabled, trust_tabled) in one pass over the pairs with a lookup each, instead
of an exponent pass, numpy's exp2 and a product; compiled code may read them for any pair
(pair_kernels.memory_now, trust_now) without computing a power itself.

The tables grow as the run goes on (`cover`: doubling, so a run of w weeks builds them about
log2(w) times): a 260-week run with pairs met up to 500 times holds 1 MB. Below them, memory and
trust now as numpy computes them over any slots (`memory_numpy`, `trust_numpy`: the reference
side of sim/model/steps.py, which the tables' entries reproduce).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.config import MemoryConfig, TrustConfig
    from sim.model.memory import PairStore


class DecayTables:
    """memory[m, g] = 2^(-g / half-life after m meetings), fading[g] = 2^(-g / trust half-life)
    (1 when trust evidence never fades), for g = 0, 1, ... whole weeks."""

    def __init__(self) -> None:
        self.memory = np.ones((0, 0))
        self.fading = np.ones(0)
        self.key: tuple = ()  # the half-lives and spacing they were computed for

    def cover(
        self, memory: MemoryConfig, trust: TrustConfig, weeks: int, meetings: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The tables for these configurations, grown where needed to gaps 0 .. `weeks` and
        meeting counts 0 .. `meetings` (memory, fading)."""
        key = (memory.half_life_weeks, memory.spacing, trust.half_life_weeks)
        rows, columns = self.memory.shape if key == self.key else (0, 0)
        if meetings >= rows or weeks >= columns:
            rows = max(meetings + 1, 2 * rows, 16)
            columns = max(weeks + 1, 2 * columns, 64)
            # as PairStore.half_life: the count of at least one meeting, the same operations
            counts = np.maximum(np.arange(rows, dtype=np.int32), 1)
            half_life = memory.half_life_weeks * (1.0 + memory.spacing * (counts - 1))
            gap = np.arange(columns, dtype=np.float64)
            self.memory = np.exp2(-gap[np.newaxis, :] / half_life[:, np.newaxis])
            if trust.half_life_weeks == 0:  # evidence never fades
                self.fading = np.ones(columns)
            else:
                self.fading = np.exp2(-gap / trust.half_life_weeks)
            self.key = key
        return self.memory, self.fading


def whole_week(week: float) -> int:
    """`week` as a whole number; a ValueError for any other (the tables hold whole weeks)."""
    if float(week) != int(week):
        raise ValueError(f"decay tables: week {week} is not a whole number of weeks")
    return int(week)


# --- memory and trust now on the numpy side of sim/model/steps.py (the reference) -------------
def memory_numpy(store: PairStore, slots: np.ndarray | slice, week: float) -> np.ndarray:
    """Memory now of `slots` (a slice: WeekCache's ALL): the value after the last contact times
    2^(-elapsed / half-life)."""
    elapsed = week - store.last_week[slots]
    return store.memory[slots] * np.exp2(-elapsed / store.half_life(slots))


def trust_numpy(store: PairStore, slots: np.ndarray | slice, week: float) -> np.ndarray:
    """Trust now of `slots`: (r + 1) / (r + s + 2) of the evidence left after fading."""
    left = store.fading(slots, week)
    r, s = store.positive[slots] * left, store.negative[slots] * left
    return (r + 1.0) / (r + s + 2.0)
