"""What a seller can deliver: a capacity per member, and the work turned away beyond it (C1).

A member with a `capacity` (the trait: units they can deliver in any 52 weeks; 0, the default:
no limit) has room each week for their capacity less the units they sold in the 51 weeks
before. The week's sales are taken in order (sim/model/market.py: pitches at events first, then
the needs answered), and from the first sale that does not fit, the seller takes no more that
week (`turn_away`). The market buys the work turned away on the anonymous market (nothing is
lost), and nobody learns anything of the seller from it: no source says a full diary costs
trust. So no member ever sells more than their capacity in any 52 weeks.
"""

from __future__ import annotations

import numpy as np

WINDOW_WEEKS = 52  # a capacity is per year: units sold in any 52 consecutive weeks
UNLIMITED = np.iinfo(np.int64).max // 4  # the room of a seller without a capacity


def turn_away(seller: np.ndarray, units: np.ndarray, room: np.ndarray, away: np.ndarray):
    """The sales seller[i] (>= 0; -1: none) of units[i] that their seller has no room for.

    Taken in order, seller by seller: a sale fits while the seller's units so far this week stay
    within `room`; from the first that does not, the seller takes no more this week (room 0).
    Updates `room` and `away` (units turned away, per member); returns the mask of sales turned
    away. The compiled twin is referral_kernels._turn_away (the same rule, loop by loop)."""
    sold = np.flatnonzero(seller >= 0)
    out = np.zeros(seller.size, dtype=bool)
    if sold.size == 0:
        return out
    who, size = seller[sold], units[sold]
    order = np.argsort(who, kind="stable")
    who_sorted, size_sorted = who[order], size[order]
    total = np.cumsum(size_sorted)
    first = np.flatnonzero(np.r_[True, who_sorted[1:] != who_sorted[:-1]])
    before = np.repeat(total[first] - size_sorted[first], np.diff(np.r_[first, who.size]))
    fits = np.empty(who.size, dtype=bool)
    fits[order] = total - before <= room[who_sorted]
    np.subtract.at(room, who[fits], size[fits])
    room[who[~fits]] = 0
    np.add.at(away, who[~fits], size[~fits])
    out[sold[~fits]] = True
    return out


class Capacity:
    """Each member's room this week (UNLIMITED without a capacity), the units they turned away,
    and, when anyone has a capacity, the units each sold in each of the last 52 weeks."""

    def __init__(self, n_members: int, capacity: np.ndarray | None = None):
        cap = np.zeros(n_members) if capacity is None else np.nan_to_num(capacity)
        self.capacity = cap.astype(np.int64)
        self.limited = bool((self.capacity > 0).any())  # else nothing is ever turned away
        self.room = np.full(n_members, UNLIMITED, dtype=np.int64)
        self.turned_away = np.zeros(n_members, dtype=np.int64)
        self.recent = np.zeros((WINDOW_WEEKS, n_members), np.int64) if self.limited else None

    def new_week(self, week: int, last_week_units: np.ndarray) -> None:
        """Last week's units enter the 52-week window, the week 52 weeks ago leaves it, and each
        limited seller's room this week is their capacity less what they sold in the 51 weeks
        before (so no 52 weeks ever hold more than the capacity)."""
        if self.recent is None:
            return
        if week > 0:
            self.recent[(week - 1) % WINDOW_WEEKS] = last_week_units
        self.recent[week % WINDOW_WEEKS] = 0
        sold = self.recent.sum(axis=0)
        self.room[:] = np.where(self.capacity > 0, self.capacity - sold, UNLIMITED)

    def turn_away(self, seller: np.ndarray, units: np.ndarray) -> np.ndarray:
        """The sales (seller[i], units[i]) turned away now (`turn_away`), none without a
        capacity."""
        if not self.limited:
            return np.zeros(seller.size, dtype=bool)
        return turn_away(seller, units, self.room, self.turned_away)
