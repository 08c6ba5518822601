"""Seating at club dinners: who shares a table with whom, round after round (claim C14).

Compares a seating program that avoids repeat table-mates (a social-golfer heuristic) with
free seating among friends and fixed tables; pair counts are sparse (never an n x n matrix).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

Familiarity = Callable[[np.ndarray, np.ndarray], np.ndarray]


def table_sizes(n_present: int, table_size: int) -> np.ndarray:
    """Sizes of ceil(n / table_size) tables, balanced (differing by at most 1), summing to n."""
    n_tables = -(-n_present // table_size)
    if n_tables == 0:
        return np.empty(0, dtype=np.int64)
    base, extra = divmod(n_present, n_tables)
    return np.full(n_tables, base, dtype=np.int64) + (np.arange(n_tables) < extra)


def pair_slots(sizes: np.ndarray) -> int:
    """Pairs seated together at tables of these sizes: the sum of C(size, 2)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def repeat_lower_bound(n_people: int, rounds_sizes: list[np.ndarray]) -> int:
    """Fewest repeated pair-meetings any seating plan can reach over these rounds.

    Pigeonhole: the rounds offer sum C(size, 2) pair-slots but only C(n, 2) distinct pairs exist,
    so at least the excess are repeats. Equivalently, a person meets s - 1 new people per round at
    tables of s, so at most (n - 1) / (s - 1) rounds can pass without any repeat: 16 people at
    4 tables of 4 get 5 such rounds (the affine plane of order 4), and the 6th forces 24 repeats.
    """
    total = sum(pair_slots(sizes) for sizes in rounds_sizes)
    return max(0, total - n_people * (n_people - 1) // 2)


def _table_pair_keys(tables: list[np.ndarray], n: int) -> np.ndarray:
    """Keys low * n + high of every pair sharing a table."""
    keys = []
    for table in tables:
        i, j = np.triu_indices(len(table), 1)
        a, b = np.asarray(table, dtype=np.int64)[i], np.asarray(table, dtype=np.int64)[j]
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    return np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)


class SeasonLog:
    """How often each unordered pair sat at the same table this season (a sparse counter)."""

    def __init__(self, n: int):
        self.n = n
        self.reset()

    def reset(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)  # sorted, low * n + high
        self.values = np.empty(0, dtype=np.int64)
        self.repeats = 0  # repeated pair-meetings this season
        self.rounds_sizes: list[np.ndarray] = []

    def counts(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Times each (a[k], b[k]) sat together this season; 0 for pairs that never did."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        if self.keys.size == 0:
            return np.zeros(keys.shape, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        return np.where(self.keys[pos] == keys, self.values[pos], 0)

    def add_tables(self, tables: list[np.ndarray]) -> int:
        """Record one round of tables; return how many of its pairs had already sat together."""
        new = _table_pair_keys(tables, self.n)
        seen = self.counts(new // self.n, new % self.n)
        repeats = int(np.count_nonzero(seen))
        keys, inverse = np.unique(np.concatenate([self.keys, new]), return_inverse=True)
        weights = np.concatenate([self.values, np.ones(new.size, dtype=np.int64)])
        self.keys = keys
        self.values = np.bincount(inverse, weights=weights, minlength=keys.size).astype(np.int64)
        self.repeats += repeats
        self.rounds_sizes.append(np.array([len(t) for t in tables], dtype=np.int64))
        return repeats


def _split(order: np.ndarray, sizes: np.ndarray) -> list[np.ndarray]:
    return np.split(order, np.cumsum(sizes)[:-1]) if sizes.size else []


class Seating:
    """Base class: a name, a plain-words description, claim IDs and a `seat` method."""

    name: ClassVar[str]
    description: ClassVar[str]
    claims: ClassVar[tuple[str, ...]] = ("C14",)

    def __init__(self, n_members: int, table_size: int, rng: np.random.Generator):
        self.n_members = n_members
        self.table_size = table_size

    def seat(
        self,
        rng: np.random.Generator,
        present: np.ndarray,
        table_size: int,
        log: SeasonLog,
        familiarity: Familiarity,
    ) -> list[np.ndarray]:
        """Tables (arrays of member ids) seating every present member exactly once."""
        raise NotImplementedError


class Rotate(Seating):
    """Greedy seating that avoids earlier table-mates, improved by swaps (social-golfer heuristic).

    The cost of a round is the sum, over pairs sharing a table, of how often the pair already
    sat together this season. Each person (in random order) takes the open table with the least
    cost; then random swaps between tables are tried, each involving someone who has a repeat
    at their table, and kept when the cost does not rise (sideways moves cross plateaus).
    Weighting by the count, not just whether a pair met, spreads the unavoidable repeats over
    many pairs instead of seating a few pairs together nearly every time.
    """

    name = "rotate"
    description = "a seating program that avoids putting the same people together again"
    tries_per_person = 50
    max_tries = 2000

    def seat(self, rng, present, table_size, log, familiarity):
        present = np.asarray(present, dtype=np.int64)
        p, sizes = present.size, table_sizes(present.size, table_size)
        if sizes.size <= 1:
            return _split(rng.permutation(present), sizes)
        # Earlier co-seatings among the present, as local neighbour lists (CSR, both directions).
        local = np.full(log.n, -1, dtype=np.int64)
        local[present] = np.arange(p)
        i, j = local[log.keys // log.n], local[log.keys % log.n]
        both = (i >= 0) & (j >= 0)
        src = np.concatenate([i[both], j[both]])
        dst = np.concatenate([j[both], i[both]])
        w = np.concatenate([log.values[both], log.values[both]])
        order = np.argsort(src, kind="stable")
        nbr, nbr_w = dst[order], w[order]
        start = np.searchsorted(src[order], np.arange(p + 1))
        pair_count = dict(zip((src * p + dst).tolist(), w.tolist(), strict=True))
        # load[x, t]: earlier co-seatings of x with the people now at table t.
        load = np.zeros((p, sizes.size), dtype=np.int64)
        table = np.empty(p, dtype=np.int64)
        free = sizes.copy()
        for x in rng.permutation(p):
            cost = np.where(free > 0, load[x], np.iinfo(np.int64).max)
            best = np.flatnonzero(cost == cost.min())
            t = best[rng.integers(best.size)]
            table[x], free[t] = t, free[t] - 1
            load[nbr[start[x] : start[x + 1]], t] += nbr_w[start[x] : start[x + 1]]
        self._improve(rng, table, load, nbr, nbr_w, start, pair_count)
        return [present[table == t] for t in range(sizes.size)]

    def _improve(self, rng, table, load, nbr, nbr_w, start, pair_count) -> None:
        """Local search by swaps, in place on `table` and `load`."""
        p = table.size
        everyone = np.arange(p)
        stuck = np.flatnonzero(load[everyone, table] > 0)
        tries = min(self.max_tries, self.tries_per_person * p)
        draws = rng.random((tries, 2))
        for u, v in draws:
            if stuck.size == 0:
                return
            x, y = int(stuck[int(u * stuck.size)]), int(v * p)
            a, b = table[x], table[y]
            if a == b:
                continue
            delta = load[x, b] - load[x, a] + load[y, a] - load[y, b]
            delta -= 2 * pair_count.get(x * p + y, 0)
            if delta > 0:
                continue
            nx, wx = nbr[start[x] : start[x + 1]], nbr_w[start[x] : start[x + 1]]
            ny, wy = nbr[start[y] : start[y + 1]], nbr_w[start[y] : start[y + 1]]
            load[nx, a] -= wx
            load[nx, b] += wx
            load[ny, b] -= wy
            load[ny, a] += wy
            table[x], table[y] = b, a
            stuck = np.flatnonzero(load[everyone, table] > 0)


class Free(Seating):
    """Each person, in random order, joins the open table where they know the sitters best."""

    name = "free"
    description = "people join tables where they already know people"
    noise = 1e-6  # breaks ties at random, e.g. between empty tables

    def seat(self, rng, present, table_size, log, familiarity):
        present = np.asarray(present, dtype=np.int64)
        sizes = table_sizes(present.size, table_size)
        order = rng.permutation(present)
        table = np.empty(present.size, dtype=np.int64)
        free = sizes.copy()
        for k, x in enumerate(order):
            known = familiarity(np.full(k, x), order[:k])
            score = np.bincount(table[:k], weights=known, minlength=sizes.size)
            score = score + self.noise * rng.random(sizes.size)
            t = int(np.argmax(np.where(free > 0, score, -np.inf)))
            table[k], free[t] = t, free[t] - 1
        return [order[table == t] for t in range(sizes.size)]


class Fixed(Seating):
    """Everyone has a home table, drawn once; absent members leave empty seats."""

    name = "fixed"
    description = "the same tables every time"

    def __init__(self, n_members: int, table_size: int, rng: np.random.Generator):
        super().__init__(n_members, table_size, rng)
        sizes = table_sizes(n_members, table_size)
        self.home = np.repeat(np.arange(sizes.size), sizes)[rng.permutation(n_members)]

    def seat(self, rng, present, table_size, log, familiarity):
        """Home tables of the present; a lone diner joins the smallest other occupied table."""
        present = np.sort(np.asarray(present, dtype=np.int64))
        home = self.home[present]
        tables = [present[home == t] for t in np.unique(home)]
        tables.sort(key=len)
        while len(tables) > 1 and len(tables[0]) == 1:
            lone = tables.pop(0)
            tables[0] = np.concatenate([tables[0], lone])
            tables.sort(key=len)
        return tables


SEATING: dict[str, type[Seating]] = {cls.name: cls for cls in (Rotate, Free, Fixed)}
