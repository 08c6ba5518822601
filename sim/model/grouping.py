"""Vectorised group-wise choices shared by events and the market (no Python loops over groups)."""

from __future__ import annotations

import numpy as np


def min_per_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Indices of the entry with the smallest key in each distinct group (O(n), no sort)."""
    if group.size == 0:
        return np.empty(0, dtype=np.int64)
    best = np.full(int(group.max()) + 1, np.inf)
    np.minimum.at(best, group, key)
    winners = np.flatnonzero(key == best[group])
    # Exact ties are (almost surely) absent for continuous keys; keep the first to be certain.
    _, first = np.unique(group[winners], return_index=True)
    return winners[first]


def top_k_per_group(group: np.ndarray, key: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Indices of the k[group] entries with the smallest key in each group."""
    order = np.lexsort((key, group))
    g = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    rank = np.arange(g.size) - np.repeat(starts, np.diff(np.r_[starts, g.size]))
    return order[rank < k[g]]


def weighted_one_per_group(rng: np.random.Generator, group: np.ndarray, weight: np.ndarray):
    """One entry per group, drawn in proportion to weight (an exponential race)."""
    return min_per_group(group, rng.exponential(size=group.size) / weight)


def uniform_one_per_group(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """One entry per group, uniformly at random."""
    return min_per_group(group, rng.random(group.size))


def pairs_within(members: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every unordered pair (a, b), a < b, of members sharing a group (a table, a circle).

    Cost is the sum of squared group sizes, never members squared.
    """
    order = np.lexsort((members, group))
    members, group = members[order], group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    ends = np.repeat(np.r_[starts[1:], group.size], np.diff(np.r_[starts, group.size]))
    later = ends - np.arange(group.size) - 1  # partners after each member in its group
    first = np.repeat(np.arange(group.size), later)
    offset = np.arange(first.size) - np.repeat(np.cumsum(later) - later, later)
    return members[first], members[first + 1 + offset]
