"""The market's record of what happened (C1, C2, C6): every sale (seller, buyer, channel, degree,
units, referrer, the lifetime that locks the buyer out) and every referral (converted or not,
good or not), appended week by week and turned into the run's tables at the end
(sim/experiments/tables.py). `Needs`, `Chosen`, `Referrals` and `Answered` are how the market's
steps (numpy and compiled: sim/model/referral_kernels.py) hand each other a week's needs and
how they were answered, as the ledger records them."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Chosen(NamedTuple):
    """How each need is answered: the seller (-1: the anonymous market), the channel (-1: none),
    the degree from the seller, the referrer (-1: none)."""

    seller: np.ndarray
    channel: np.ndarray
    degree: np.ndarray
    referrer: np.ndarray


class Needs(NamedTuple):
    """The needs being answered: buyer, sector, and the draws against a referral's or recall's
    chance to convert and against the seller's competence (a sale that turns out well)."""

    person: np.ndarray
    sector: np.ndarray
    convert: np.ndarray
    luck: np.ndarray


class Referrals(NamedTuple):
    """The referrals made (the compiled chains, referral_kernels.refer_hops): per referral its
    hop (2, 3), the need (index into the week's needs), referrer, provider, degree from the
    provider, whether it converted, whether the sale went well."""

    hop: np.ndarray
    need: np.ndarray
    referrer: np.ndarray
    provider: np.ndarray
    degree: np.ndarray
    converted: np.ndarray
    good: np.ndarray


class Answered(NamedTuple):
    """A week's needs answered (the step answer_needs): units, luck, how, lifetimes bought."""

    units: np.ndarray
    luck: np.ndarray
    chosen: Chosen
    lifetime: np.ndarray


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
