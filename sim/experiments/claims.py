"""The claims a run can test, and when each holds: one registry of measures and thresholds.

Each entry reads the evidence of a finished run (the base's metric summary, the scenario's
contrast groups, the memory and trust curves) and returns what it measured and whether the claim
held, or None when the run does not measure it. A claim without an entry (or not measured by its
entry) is judged by the scenario's variants whose description cites it. Views (the report, later
the atlas) only render verdicts. Claims: C1-C4, C10, C12; the rest through their variants.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

C1_UNITS = {"better": 50, "other": 1}  # the essay's units in five years, for the chart's marks
C1_FLOOR = 35  # C1 holds from 70 % of the essay's 50 units (the explore issue's threshold)


@dataclass(frozen=True)
class Evidence:
    """What a finished run offers to judge a claim (from its manifest and saved tables)."""

    metrics: dict[str, dict[str, Any]]  # the base's {metric: {mean, ci_low, ci_high, n}}
    contrast: list[str] | None  # [group expected to do better, the other]
    focal_groups: list[str]
    members: int
    name_level_at: int | None = None  # first conversation at which memory reaches the name level
    refer_level_at: int | None = None  # ... and trust the refer level

    def mean(self, metric: str) -> float | None:
        value = (self.metrics.get(metric) or {}).get("mean")
        return None if value is None or value != value else value  # NaN: not measured


@dataclass(frozen=True)
class Verdict:
    """A claim's measurement: named values (for the text), the threshold, and whether it held."""

    values: dict[str, Any]
    threshold: str
    held: bool | None


@dataclass(frozen=True)
class Claim:
    id: str
    threshold: str
    judge: Callable[[Evidence], Verdict | None] = field(repr=False)
    # the metric that measures it (what the atlas asks "what drives it" of), if one does
    metric: Callable[[Evidence], str | None] = field(repr=False, default=lambda e: None)


def _c1(e: Evidence) -> Verdict | None:
    if not e.contrast:
        return None
    better, other = (e.mean(f"units.{g}") for g in e.contrast)
    if better is None or other is None:
        return None
    values = {"better": e.contrast[0], "other": e.contrast[1], "a": better, "b": other}
    held = better >= 10 * max(other, 1e-9) and better >= C1_FLOOR
    return Verdict(values, f"≥ 10x, ≥ {C1_FLOOR}", held)


def _better(e: Evidence) -> str | None:
    """The group C2 is about: the better contrast group, else the first focal group."""
    return (e.contrast or e.focal_groups or [None])[0]


def _c2(e: Evidence) -> Verdict | None:
    group = _better(e)
    share = e.mean(f"indirect_share.{group}")
    if share is None:
        return None
    return Verdict({"group": group, "share": share}, "> 90 %", share > 0.9)


def _c3(e: Evidence) -> Verdict | None:
    n = e.name_level_at
    return Verdict({"n": n}, "5-6", None if n is None else n >= 5)


def _c4(e: Evidence) -> Verdict | None:
    name, trust = e.name_level_at, e.refer_level_at
    held = None if name is None or trust is None else trust > name
    return Verdict({"trust_n": trust, "name_n": name}, ">", held)


def _c10(e: Evidence) -> Verdict | None:
    group = e.contrast[1] if e.contrast else None
    avoided = e.mean(f"avoided_by.{group}")
    if avoided is None:
        return None
    values = {"group": group, "avoided": avoided, "members": e.members}
    return Verdict(values, "> 1/4", avoided > e.members / 4)


def _c12(e: Evidence) -> Verdict | None:
    refs = e.mean("referrals_per_member_year")
    if refs is None:
        return None
    return Verdict({"refs": refs}, "BNI ~42, ×½-×2", 21 <= refs <= 84)


CLAIMS: dict[str, Claim] = {
    c.id: c
    for c in (
        Claim(
            "C1",
            f"the better contrast group sells at least 10x the other and {C1_FLOOR} units",
            _c1,
            lambda e: "ratio" if e.contrast else None,
        ),
        Claim(
            "C2",
            "more than 90 % of the better group's units from degrees 2-3",
            _c2,
            lambda e: f"indirect_share.{_better(e)}" if _better(e) else None,
        ),
        Claim("C3", "mean memory reaches the name level at conversation 5 or later", _c3),
        Claim("C4", "trust reaches the refer level after memory reaches the name level", _c4),
        Claim(
            "C10",
            "more than a quarter of the members avoid the other contrast group",
            _c10,
            lambda e: f"avoided_by.{e.contrast[1]}" if e.contrast else None,
        ),
        Claim(
            "C12",
            "21-84 referrals per member per year (BNI: ~42)",
            _c12,
            lambda e: "referrals_per_member_year",
        ),
    )
}


def measure_of(claim: str, contrast: list[str] | None, focal_groups: list[str]) -> str | None:
    """The metric that measures a claim in a scenario with these groups (None: no one metric)."""
    entry = CLAIMS.get(claim)
    return entry.metric(Evidence({}, contrast, focal_groups, 0)) if entry else None


def judge(claim: str, evidence: Evidence) -> Verdict | None:
    """The claim's verdict from its registry entry, or None (then see `cited_checks`)."""
    entry = CLAIMS.get(claim)
    return entry.judge(evidence) if entry else None


def cited_checks(claim: str, checks: list[dict], descriptions: dict[str, str]) -> list[dict]:
    """The expectation checks of the variants whose description cites the claim (e.g. "C14")."""
    cites = re.compile(rf"\b{re.escape(claim)}\b")
    return [c for c in checks if cites.search(descriptions.get(c["variant"], ""))]


def held_by_checks(checks: list[dict]) -> bool | None:
    """All cited checks held (True), one did not (False), or some are undefined (None)."""
    if not checks or any(c["held"] is None for c in checks):
        return None
    return all(c["held"] for c in checks)
