"""The market's record of what happened (C1, C2, C6): every sale (seller, buyer, channel, degree,
units, referrer, the lifetime that locks the buyer out) and every referral (converted or not,
good or not), appended week by week and turned into the run's tables at the end
(sim/experiments/tables.py)."""

from __future__ import annotations

import numpy as np


class Ledger:
    """Append-only record of sales and referrals, kept as lists of arrays until the end."""

    SALE_FIELDS = (
        "step",
        "seller",
        "buyer",
        "sector",
        "channel",
        "degree",
        "units",
        "referrer",
        "lifetime",
    )
    REFERRAL_FIELDS = (
        "step",
        "referrer",
        "provider",
        "buyer",
        "sector",
        "degree",
        "converted",
        "good",
    )

    def __init__(self) -> None:
        self.sales: dict[str, list[np.ndarray]] = {f: [] for f in self.SALE_FIELDS}
        self.referrals: dict[str, list[np.ndarray]] = {f: [] for f in self.REFERRAL_FIELDS}

    @staticmethod
    def _add(table: dict[str, list[np.ndarray]], **columns: np.ndarray) -> None:
        arrays = {k for k, v in columns.items() if isinstance(v, np.ndarray) and v.ndim}
        size = max((columns[k].size for k in arrays), default=1)
        if size == 0:
            return
        for name, values in columns.items():  # a scalar column: the same value on every row
            table[name].append(np.array(values) if name in arrays else np.full(size, values))

    def add_sales(self, **columns: np.ndarray) -> None:
        self._add(self.sales, **columns)

    def add_referrals(self, **columns: np.ndarray) -> None:
        self._add(self.referrals, **columns)

    @staticmethod
    def _stack(table: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
        return {
            k: (np.concatenate(v) if v else np.empty(0, dtype=np.int64)) for k, v in table.items()
        }

    def sales_arrays(self) -> dict[str, np.ndarray]:
        return self._stack(self.sales)

    def referral_arrays(self) -> dict[str, np.ndarray]:
        return self._stack(self.referrals)
