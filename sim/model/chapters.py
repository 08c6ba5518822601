"""Chapters of a region: who takes which seat, and who visits another chapter (C12).

A region's members are dealt over its chapters in order of profession, so that each chapter has
one seat per profession (BNI's rule) while the chapters outnumber a profession's members. Chapter
sizes are equal or drawn around `chapter.size` (BNI c.2025: 340,000 members in 11,200 chapters,
about 30 each). Visitors and substitutes (sim/model/formats.py, Chapter) join the open
networking of another chapter of their region.
"""

from __future__ import annotations

import numpy as np


def seat_order(rng: np.random.Generator, n: int, size: int, cv: float) -> np.ndarray:
    """The chapter of each of n seats, dealt so that every chapter's seats are spread evenly over
    the order (a chapter of size s has a seat about every n / s places), so members taking the
    seats in order of profession get one seat per profession in each chapter as long as a
    chapter has no more seats than there are professions.

    cv = 0: ceil(n / size) chapters of equal size (within one). cv > 0: sizes drawn from a gamma
    distribution with mean `size` and coefficient of variation cv, at least 4 and at most 100,
    until the members are seated (the last chapter takes the rest, joining the one before when
    fewer than 4 remain).
    """
    if cv <= 0:
        return np.arange(n) % max(1, -(-n // size))
    shape = 1 / cv**2
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < n:
        draw = rng.gamma(shape, size / shape, max(4, 2 * n // size))
        sizes = np.r_[sizes, np.clip(np.rint(draw), 4, 100).astype(np.int64)]
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    sizes[-1] = n - sizes[:-1].sum()
    if sizes[-1] < 4 and sizes.size > 1:
        sizes = np.r_[sizes[:-2], sizes[-2] + sizes[-1]]
    chapter = np.repeat(np.arange(sizes.size), sizes)
    seat = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    spread = (seat + 0.5) / sizes[chapter]  # each chapter's seats evenly over the order
    return chapter[np.lexsort((chapter, spread))]
