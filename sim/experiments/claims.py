"""The claims a run can test, each judged in two parts: its direction and its size.

**Direction**: does the claim's comparison go the way the essay says (relationship builders
sell more than direct sellers, most of it comes through others, ...)? It holds when the 95 %
interval of the comparison lies on the claim's side, fails when it lies on the other side, and
is open when it spans both (the difference could be chance). Comparisons of two groups use the
paired difference across replications (replication i has the same seed for both: common random
numbers).

**Size**: where the essay names a figure (C1's fifty against one, C2's more than ninety percent,
C3's five or six conversations, ...), does the model's figure agree with it? The essay's figures
are a practitioner's round numbers, so each is read as a band (`Figure`: the figure with a
tolerance for its wording, documented in docs/claims.md), and the size holds when the model's
95 % interval reaches into that band. Where the essay names no figure the size is `n/a`.

Each registry entry reads the evidence of a finished run (the base's metric summary and its
per-replication values, the scenario's contrast groups, the memory and trust curves) and returns
the two statuses and the numbers behind them (`Verdict.values`), or None when the run does not
measure it. A claim without an entry is judged by the scenario's variants whose description
cites it (`by_checks`): its direction holds when every cited variant moved clearly as expected.
Words for a room are made from verdicts by sim/report/verdicts.py.

Every claim a scenario may cite is one entry of the catalogue (`CATALOGUE`, sim/claims_catalogue.py:
its ID and statement, re-exported here); a measured entry of `CLAIMS` names a claim of it. Claims:
C1-C4, C10, C12 measured here; the rest through their variants.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats

from sim.claims_catalogue import CATALOGUE

Status = Literal["holds", "fails", "open", "n/a"]
WEEKS_OF_THE_ESSAY = 260  # the essays' figures for C1 are over five years


@dataclass(frozen=True)
class Figure:
    """A figure the essay names: the values it says (`said`, a range: "five or six", "more
    than ninety percent") and the band of model values that agree with it once its wording is
    allowed for (`low`-`high`)."""

    value: float
    said: tuple[float, float]
    low: float
    high: float = math.inf

    def status(self, low: float | None, high: float | None) -> Status:
        """holds if the interval [low, high] reaches into the band, fails if not, open if
        there is no interval."""
        if low is None or high is None or math.isnan(low) or math.isnan(high):
            return "open"
        return "holds" if high >= self.low and low <= self.high else "fails"

    def exact(self, low: float, high: float) -> bool:
        """The interval reaches what the essay says itself, without the tolerance."""
        return high >= self.said[0] and low <= self.said[1]


# The essays' figures and how each is read (docs/claims.md gives the reasons in full).
FIGURES: dict[str, Figure] = {
    "C1.better": Figure(50, (50, 50), 40, 60),  # "about fifty": a round figure, ±20 %
    "C1.other": Figure(1, (1, 1), 0.5, 1.5),  # "one laptop": whatever rounds to one
    "C2": Figure(0.9, (0.9, 1.0), 0.85, 1.0),  # "more than ninety percent": 5 points less
    "C3": Figure(5.5, (5, 6), 4, 7),  # "five or six conversations": one either way
    "C4": Figure(7, (7, math.inf), 7),  # "five or six are likely not enough": seven or more
    "C12": Figure(42, (42, 52), 34, 62),  # BNI's published 42-52 a year, ±20 %
}


@dataclass(frozen=True)
class Evidence:
    """What a finished run (or a point of an exploration) offers to judge a claim."""

    metrics: dict[str, dict[str, Any]]  # the base's {metric: {mean, ci_low, ci_high, n}}
    contrast: list[str] | None  # [group expected to do better, the other]
    focal_groups: list[str]
    members: int
    name_level_at: int | None = None  # first conversation at which memory reaches the name level
    refer_level_at: int | None = None  # ... and trust the refer level
    per_rep: dict[str, np.ndarray] = field(default_factory=dict)  # metric -> by replication
    weeks: int = WEEKS_OF_THE_ESSAY

    def mean(self, metric: str) -> float | None:
        value = (self.metrics.get(metric) or {}).get("mean")
        return None if value is None or value != value else value  # NaN: not measured

    def interval(self, metric: str) -> tuple[float, float] | None:
        """The metric's 95 % interval across replications (its mean at both ends after one)."""
        row = self.metrics.get(metric) or {}
        mean, low, high = row.get("mean"), row.get("ci_low"), row.get("ci_high")
        if mean is None or mean != mean:
            return None
        if low is None or high is None or low != low or high != high:
            return mean, mean
        return low, high

    def difference(self, a: str, b: str) -> tuple[float, float, float] | None:
        """Mean and 95 % interval of (a - b) across the replications that measure both; with
        one replication (or none kept) the difference of the means at all three."""
        x, y = self.per_rep.get(a), self.per_rep.get(b)
        if x is not None and y is not None:
            keep = ~(np.isnan(x) | np.isnan(y))
            d = x[keep] - y[keep]
            if d.size >= 2:
                half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
                return float(d.mean()), float(d.mean() - half), float(d.mean() + half)
        ma, mb = self.mean(a), self.mean(b)
        return None if ma is None or mb is None else (ma - mb, ma - mb, ma - mb)


@dataclass(frozen=True)
class Verdict:
    """A claim's two-part verdict and the numbers behind it (for the words)."""

    claim: str
    direction: Status
    size: Status
    values: dict[str, Any]


def side(low: float, high: float, at: float = 0.0) -> Status:
    """holds if [low, high] lies above `at`, fails if below, open if it spans it."""
    if low > at:
        return "holds"
    if high < at:
        return "fails"
    return "open"


def _contrast(e: Evidence) -> tuple[str, str] | None:
    return (e.contrast[0], e.contrast[1]) if e.contrast else None


def _compare(e: Evidence, claim: str, metric: str, better: str, other: str):
    """Direction and values of `metric` for `better` against `other` (paired)."""
    a, b = f"{metric}.{better}", f"{metric}.{other}"
    diff = e.difference(a, b)
    if diff is None:
        return None
    values = {"better": better, "other": other, "a": e.mean(a), "b": e.mean(b)}
    values |= {"a_ci": e.interval(a), "b_ci": e.interval(b), "difference": diff}
    return side(diff[1], diff[2]), values


def _c1(e: Evidence) -> Verdict | None:
    pair = _contrast(e)
    compared = pair and _compare(e, "C1", "units", *pair)
    if not compared:
        return None
    direction, values = compared
    size: Status = "n/a"
    if e.weeks == WEEKS_OF_THE_ESSAY:
        better, other = FIGURES["C1.better"], FIGURES["C1.other"]
        parts = (better.status(*values["a_ci"]), other.status(*values["b_ci"]))
        size = "fails" if "fails" in parts else ("open" if "open" in parts else "holds")
        values["exact"] = better.exact(*values["a_ci"]) and other.exact(*values["b_ci"])
    return Verdict("C1", direction, size, values)


def _better(e: Evidence) -> str | None:
    """The group C2 is about: the contrast's better group (a scene without a contrast names no
    networker who "does it right")."""
    return e.contrast[0] if e.contrast else None


def _c2(e: Evidence) -> Verdict | None:
    group = _better(e)
    band = e.interval(f"indirect_share.{group}") if group else None
    if band is None:
        return None
    values = {"group": group, "share": e.mean(f"indirect_share.{group}"), "ci": band}
    values["exact"] = FIGURES["C2"].exact(*band)
    return Verdict("C2", side(*band, at=0.5), FIGURES["C2"].status(*band), values)


def _c3(e: Evidence) -> Verdict:
    n = e.name_level_at
    direction: Status = "open" if n is None else ("holds" if n > 1 else "fails")
    size = "open" if n is None else FIGURES["C3"].status(n, n)
    exact = n is not None and FIGURES["C3"].exact(n, n)
    return Verdict("C3", direction, size, {"n": n, "exact": exact})


def _c4(e: Evidence) -> Verdict:
    name, trust = e.name_level_at, e.refer_level_at
    if name is None or trust is None:
        direction: Status = "open"
    else:
        direction = "holds" if trust > name else "fails"
    size = "open" if trust is None else FIGURES["C4"].status(trust, trust)
    return Verdict("C4", direction, size, {"trust_n": trust, "name_n": name, "exact": True})


def _c10(e: Evidence) -> Verdict | None:
    pair = _contrast(e)
    compared = pair and _compare(e, "C10", "avoided_by", pair[1], pair[0])
    if not compared:
        return None
    direction, values = compared
    return Verdict("C10", direction, "n/a", values | {"members": e.members})


def _c12(e: Evidence) -> Verdict | None:
    band = e.interval("referrals_per_member_year")
    if band is None:
        return None
    values = {"refs": e.mean("referrals_per_member_year"), "refs_ci": band}
    values["exact"] = FIGURES["C12"].exact(*band)
    pair = _contrast(e)
    compared = pair and _compare(e, "C12", "units", *pair)
    direction: Status = "open"
    if compared:
        direction, more = compared
        values |= more
    return Verdict("C12", direction, FIGURES["C12"].status(*band), values)


@dataclass(frozen=True)
class Claim:
    id: str
    judge: Callable[[Evidence], Verdict | None] = field(repr=False)
    # the metric that measures it (what the atlas asks "what drives it" of), if one does
    metric: Callable[[Evidence], str | None] = field(repr=False, default=lambda e: None)

    def __post_init__(self) -> None:
        if self.id not in CATALOGUE:
            raise ValueError(f"claim {self.id}: not in the catalogue (sim/claims_catalogue.py)")


CLAIMS: dict[str, Claim] = {
    c.id: c
    for c in (
        Claim("C1", _c1, lambda e: "ratio" if e.contrast else None),
        Claim("C2", _c2, lambda e: f"indirect_share.{_better(e)}" if _better(e) else None),
        Claim("C3", _c3),
        Claim("C4", _c4),
        Claim("C10", _c10, lambda e: f"avoided_by.{e.contrast[1]}" if e.contrast else None),
        Claim("C12", _c12, lambda e: "referrals_per_member_year"),
    )
}


def measure_of(claim: str, contrast: list[str] | None, focal_groups: list[str]) -> str | None:
    """The metric that measures a claim in a scenario with these groups (None: no one metric)."""
    entry = CLAIMS.get(claim)
    return entry.metric(Evidence({}, contrast, focal_groups, 0)) if entry else None


def judge(claim: str, evidence: Evidence) -> Verdict | None:
    """The claim's verdict from its registry entry, or None (then see `by_checks`)."""
    entry = CLAIMS.get(claim)
    return entry.judge(evidence) if entry else None


def in_full(verdict: Verdict | None) -> bool | None:
    """The whole claim holds: its direction, and its size where it names one (False where
    either fails or is open; None: not measured)."""
    if verdict is None:
        return None
    return verdict.direction == "holds" and verdict.size in ("holds", "n/a")


def cited_checks(claim: str, checks: list[dict], descriptions: dict[str, str]) -> list[dict]:
    """The expectation checks of the variants whose description cites the claim (e.g. "C14")."""
    cites = re.compile(rf"\b{re.escape(claim)}\b")
    return [c for c in checks if cites.search(descriptions.get(c["variant"], ""))]


def check_status(check: dict) -> Status:
    """One expectation check: moved clearly as expected (holds), clearly the other way
    (fails), or not clearly (open)."""
    if check["held"] is None or check.get("clear") is None:
        return "open"
    if check["clear"]:
        return "holds" if check["held"] else "fails"
    return "open"


def by_checks(claim: str, checks: list[dict]) -> Verdict | None:
    """A claim judged by the checks of the variants citing it: its direction holds when every
    one moved clearly as expected, fails when one moved clearly the other way; no size."""
    if not checks:
        return None
    statuses = [check_status(c) for c in checks]
    direction: Status = "fails" if "fails" in statuses else (
        "holds" if all(s == "holds" for s in statuses) else "open"
    )  # fmt: skip
    return Verdict(claim, direction, "n/a", {"checks": checks})
