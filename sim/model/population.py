"""The people around the scene: a static social graph of members and outsiders (C1, C2).

Outsiders (customers, friends, colleagues who never attend events) are array rows, not agents.
They form a small-world graph (a ring lattice with rewiring); each member's ties cluster around a
home position on that ring, so a member's contacts partly know each other. Tie counts follow
Dunbar's layers (docs/calibration.md). Persons 0..members-1 are members, the rest outsiders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model import kernels, steps
from sim.model.grouping import distinct

if TYPE_CHECKING:
    from sim.config import SceneConfig


class Contacts(NamedTuple):
    """Contacts of a list of rows: (owner[i], person[i]), owner an index into the rows."""

    owner: np.ndarray
    person: np.ndarray


@dataclass(frozen=True)
class Adjacency:
    """Compressed sparse rows: the neighbours of row r are indices[indptr[r]:indptr[r + 1]]."""

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_edges(cls, src: np.ndarray, dst: np.ndarray, n_rows: int) -> Adjacency:
        """From edges in any order, duplicates dropped (keys built and sorted in place, so a
        world of a hundred million edges needs about three copies of them, not ten)."""
        width = int(dst.max(initial=0)) + 1
        return steps.chosen().distinct_rows(src, dst, n_rows, width)

    @classmethod
    def undirected(cls, src: np.ndarray, dst: np.ndarray, n_rows: int) -> Adjacency:
        """Both directions of each edge (src[k], dst[k]), duplicates dropped."""
        return cls.from_edges(np.concatenate([src, dst]), np.concatenate([dst, src]), n_rows)

    def restricted(self, below: int) -> Adjacency:
        """The same rows, keeping only the neighbours numbered below `below` (the members)."""
        keep = self.indices < below
        rows = np.repeat(np.arange(self.indptr.size - 1, dtype=np.int32), np.diff(self.indptr))
        return Adjacency.from_sorted(rows[keep], self.indices[keep], self.indptr.size - 1)

    @classmethod
    def from_sorted(cls, src: np.ndarray, dst: np.ndarray, n_rows: int) -> Adjacency:
        """From distinct edges already sorted by (src, dst), e.g. a pair store's keys: O(edges)."""
        counts = np.bincount(src, minlength=n_rows)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(indptr, np.asarray(dst))

    def sample(self, rng: np.random.Generator, rows: np.ndarray, p: float):
        """Like `expand`, keeping each (k, neighbour) pair independently with chance p, without
        listing the pairs that are not kept (a need heard of by a few of many contacts)."""
        deg = self.degree(rows)
        ends = np.cumsum(deg)
        position = bernoulli_positions(rng, int(ends[-1]) if ends.size else 0, p)
        owner = np.searchsorted(ends, position, side="right")
        offset = position - (ends[owner] - deg[owner])
        return Contacts(owner, self.indices[self.indptr[rows[owner]] + offset].astype(np.int64))

    def degree(self, rows: np.ndarray) -> np.ndarray:
        return self.indptr[rows + 1] - self.indptr[rows]

    def expand(self, rows: np.ndarray) -> Contacts:
        """For each position k in `rows`, pairs (k, neighbour) of every neighbour of rows[k]."""
        deg = self.degree(rows)
        owner = np.repeat(np.arange(rows.size), deg)
        if owner.size == 0:
            return Contacts(owner, np.empty(0, dtype=np.int64))
        starts = np.repeat(self.indptr[rows], deg)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(deg) - deg, deg)
        return Contacts(owner, self.indices[starts + offset].astype(np.int64))


def bernoulli_positions(rng: np.random.Generator, total: int, p: float) -> np.ndarray:
    """Sorted positions in [0, total) of the successes of `total` independent trials of chance
    p, drawn as geometric gaps: O(successes) instead of one draw per trial."""
    if p <= 0 or total == 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(total)
    found: list[np.ndarray] = []
    last = -1
    while last < total:
        expected = (total - last) * p
        gaps = rng.geometric(p, size=int(expected + 5 * np.sqrt(expected) + 16))
        positions = last + np.cumsum(gaps)
        found.append(positions)
        last = int(positions[-1])
    positions = np.concatenate(found)
    return positions[positions < total]


def narrowest(bound: int) -> type:
    """int32 for person numbers below 2^31 (half the memory of a world's graph), else int64."""
    return np.int32 if bound < 2**31 else np.int64


class SocialGraph(NamedTuple):
    """The undirected social graph over members and outsiders, and the person count."""

    graph: Adjacency
    n_persons: int


def build_social_graph(rng: np.random.Generator, cfg: SceneConfig) -> SocialGraph:
    """Return the undirected social graph over members and outsiders, and the person count."""
    n_members = cfg.members
    n_outer = int(round(n_members * cfg.outer_per_member))
    n_persons = n_members + n_outer
    src_parts: list[np.ndarray] = []
    dst_parts: list[np.ndarray] = []
    half = cfg.outer_ties // 2
    person = narrowest(n_persons)
    if n_outer > 1 and half > 0:
        left = np.repeat(np.arange(n_outer, dtype=person), half)
        right = (left + np.tile(np.arange(1, half + 1, dtype=person), n_outer)) % n_outer
        rewired = rng.random(right.size) < cfg.rewire
        right[rewired] = rng.integers(0, n_outer, int(rewired.sum()))
        keep = left != right
        src_parts.append(left[keep] + n_members)
        dst_parts.append(right[keep] + n_members)
    if n_outer > 0 and cfg.member_outer_ties > 0:
        home = rng.integers(0, n_outer, n_members)
        window = max(cfg.member_outer_ties, cfg.outer_ties)
        offsets = rng.integers(-window, window + 1, size=(n_members, cfg.member_outer_ties))
        friends = (home[:, None] + offsets) % n_outer
        src_parts.append(np.repeat(np.arange(n_members, dtype=person), cfg.member_outer_ties))
        dst_parts.append((friends.ravel() + n_members).astype(person))
    src = np.concatenate(src_parts) if src_parts else np.empty(0, dtype=person)
    dst = np.concatenate(dst_parts) if dst_parts else np.empty(0, dtype=person)
    del src_parts, dst_parts
    return SocialGraph(Adjacency.undirected(src, dst, n_persons), n_persons)


def distinct_rows_numpy(src: np.ndarray, dst: np.ndarray, n_rows: int, width: int) -> Adjacency:
    """Adjacency.from_edges by sorting the keys src * width + dst once (`width`: above every
    dst)."""
    keys = src.astype(np.int64)
    keys *= width
    keys += dst
    keys = distinct(keys)
    indptr = np.searchsorted(keys, np.arange(n_rows + 1, dtype=np.int64) * width)
    keys %= width
    return Adjacency(indptr.astype(np.int64), keys.astype(narrowest(width)))


def distinct_rows_compiled(src: np.ndarray, dst: np.ndarray, n_rows: int, width: int) -> Adjacency:
    """distinct_rows_numpy's rows by a counting sort (kernels.distinct_rows; sorting the keys is
    ~1/3 of a build)."""
    dst = dst.astype(narrowest(width), copy=False)
    return Adjacency(*kernels.distinct_rows(src, dst, n_rows))
