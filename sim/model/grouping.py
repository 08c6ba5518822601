"""Vectorised group-wise choices shared by events and the market (no Python loops over groups)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model import kernels, steps


class Pairs(NamedTuple):
    """Pairs of members, (a[k], b[k]) each: conversations, calls, a table's pairs."""

    a: np.ndarray
    b: np.ndarray


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, as np.unique, by a plain sort (numpy 2.5's hashing np.unique is
    about 40x slower on the large integer keys used here)."""
    values = np.sort(values)
    if values.size < 2:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def min_per_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Indices of the entry with the smallest key in each distinct group (O(n), no sort)."""
    if group.size == 0:
        return np.empty(0, dtype=np.int64)
    return steps.chosen().min_per_group(group, key)


def min_per_group_numpy(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """min_per_group of a non-empty group by numpy's minimum.at."""
    size = int(group.max()) + 1
    best = np.full(size, np.inf)
    np.minimum.at(best, group, key)
    winners = np.flatnonzero(key == best[group])
    # Exact ties are (almost surely) absent for continuous keys; keep the first to be certain:
    # the smallest winning index of each group, in the order of the groups (as np.unique's
    # return_index, without its sort).
    first = np.full(size, group.size)
    np.minimum.at(first, group[winners], winners)
    return first[first < group.size]


def min_per_group_compiled(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """min_per_group of a non-empty group in one pass (kernels.smallest_per_group)."""
    return kernels.smallest_per_group(group, np.asarray(key, dtype=np.float64))


def top_k_per_group(group: np.ndarray, key: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Indices of the k[group] entries with the smallest key in each group, in ascending order.

    `group` must be sorted (contiguous groups, as the sources of a pair store's slots are).
    O(n x max k) with no sort: k rounds, each taking the smallest remaining key of every group.
    """
    if group.size == 0:
        return np.empty(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    segment = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, group.size]))
    wanted = k[group[starts]]
    key = np.asarray(key, dtype=float).copy()
    chosen = []
    for rank in range(int(wanted.max(initial=0))):
        smallest = np.minimum.reduceat(key, starts)
        hit = np.flatnonzero(key == smallest[segment])
        hit = hit[np.r_[True, np.diff(segment[hit]) != 0]]  # the first of exact ties
        hit = hit[(wanted[segment[hit]] > rank) & np.isfinite(key[hit])]
        chosen.append(hit)
        key[hit] = np.inf
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.int64)


def weighted_one_per_group(rng: np.random.Generator, group: np.ndarray, weight: np.ndarray):
    """One entry per group, drawn in proportion to weight (an exponential race)."""
    return min_per_group(group, rng.exponential(size=group.size) / weight)


def uniform_one_per_group(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """One entry per group, uniformly at random."""
    return min_per_group(group, rng.random(group.size))


def pairs_within(members: np.ndarray, group: np.ndarray) -> Pairs:
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
    return Pairs(members[first], members[first + 1 + offset])
