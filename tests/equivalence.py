"""Distributional equivalence: the model now against a reference sample of the model as it was.

A step whose new implementation draws its random numbers differently (a faster draw, a compiled
week) gives other results seed by seed, so it cannot be checked bit for bit; it is checked by
its outcomes' distributions instead. The reference is kept here only, as data: each scenario's
outcomes over REFERENCE_SEEDS replications of the model as it was (tests/golden/equivalence.json,
with the commit they came from). The check runs the model now over as many other seeds and
asks, per outcome, whether the 90 % confidence interval of the difference of the means (Welch)
lies within the outcome's margin, stated here beforehand: two one-sided tests (TOST) at 5 %.

The outcomes are those the claims rest on: units sold per member by strategy (C1), referrals
per member-year (C12), the share of units sold through others (C2), the members avoiding each
member by strategy (C10), and conversations per member-week. `python -m tests.equivalence
--write` replaces the reference with the model as it is now: do that only when a model change
is meant to change these distributions, and say so in the commit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from scipy import stats

REFERENCE = Path(__file__).parent / "golden" / "equivalence.json"
REFERENCE_SEEDS = 30
REFERENCE_KEY, CHECK_KEY = 7001, 7002  # SeedSequence([key, k]): the reference's and the check's

# The scenes: a mixer (laptop, whole) and chapters (bni with ten chapters of 30, two years).
SCENES = {
    "laptop": ("laptop", {}),
    "chapters": ("bni", {"scene.members": 300, "run.weeks": 104}),
}


@dataclass(frozen=True)
class Margin:
    """How far the mean of an outcome may move and still count as the same: `relative` times
    the reference's mean, at least `absolute`."""

    relative: float
    absolute: float

    def of(self, reference_mean: float) -> float:
        return max(self.relative * abs(reference_mean), self.absolute)


# Stated before any comparison: a twentieth of the mean for counts and rates (far finer than
# any claim reads: C1's smallest contrast is fivefold), at least half a unit or member; two
# points for a share.
MARGINS = {
    "units": Margin(0.05, 0.5),
    "avoided_by": Margin(0.05, 0.5),
    "referrals_per_member_year": Margin(0.05, 0.5),
    "indirect_share": Margin(0.0, 0.02),
    "conversations_per_member_week": Margin(0.05, 0.05),
}


def margin_for(outcome: str) -> Margin:
    return MARGINS[outcome.split(".")[0]]


def outcomes(scenario: str, overrides: dict, seed) -> dict[str, float]:
    """One replication's outcomes (by strategy: each strategy present in the scene)."""
    from sim.experiments.tables import model_tables
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario(scenario, overrides).params
    model = NetworkingModel(params, rng=seed).run()
    agents = model_tables(model, 0, "base")["agents"]
    members, years = agents.height, params.run.weeks / 52
    units = agents["units"].sum()
    out = {
        "referrals_per_member_year": agents["referrals_given"].sum() / members / years,
        "indirect_share": (agents["units_degree2"].sum() + agents["units_degree3"].sum())
        / max(units, 1),
        "conversations_per_member_week": agents["conversations"].sum() / members / params.run.weeks,
    }
    by = agents.group_by("strategy").agg(pl.col("units").mean(), pl.col("avoided_by").mean())
    for row in by.to_dicts():
        out[f"units.{row['strategy']}"] = row["units"]
        out[f"avoided_by.{row['strategy']}"] = row["avoided_by"]
    return {k: float(v) for k, v in out.items()}


def sample(scene: str, key: int, n: int = REFERENCE_SEEDS) -> dict[str, list[float]]:
    """n replications' outcomes, seeds SeedSequence([key, k]), k < n."""
    scenario, overrides = SCENES[scene]
    runs = [outcomes(scenario, overrides, np.random.SeedSequence([key, k])) for k in range(n)]
    return {name: [run[name] for run in runs] for name in runs[0]}


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reference_mean: float
    now_mean: float
    low: float  # the 90 % interval of now - reference
    high: float
    margin: float

    @property
    def equivalent(self) -> bool:
        return -self.margin < self.low and self.high < self.margin

    def __str__(self) -> str:
        return (
            f"{self.outcome}: {self.reference_mean:.4g} -> {self.now_mean:.4g}, difference in "
            f"[{self.low:.3g}, {self.high:.3g}], margin {self.margin:.3g}"
        )


def tost(outcome: str, reference: list[float], now: list[float]) -> Verdict:
    """The 90 % Welch interval of mean(now) - mean(reference) against the outcome's margin."""
    a, b = np.asarray(now, dtype=float), np.asarray(reference, dtype=float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    diff, se = a.mean() - b.mean(), np.sqrt(va + vb)
    if se == 0:
        low = high = diff
    else:
        df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
        half = stats.t.ppf(0.95, df) * se
        low, high = diff - half, diff + half
    margin = margin_for(outcome).of(b.mean())
    return Verdict(outcome, float(b.mean()), float(a.mean()), float(low), float(high), margin)


def reference() -> dict:
    return json.loads(REFERENCE.read_text())


def compare(scene: str, now: dict[str, list[float]]) -> list[Verdict]:
    """Every outcome of the reference against the model now."""
    ref = reference()["scenes"][scene]
    return [tost(name, values, now[name]) for name, values in ref.items()]


def write() -> None:
    """The reference from the model as it is now (and the commit it is at)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    scenes = {scene: sample(scene, REFERENCE_KEY) for scene in SCENES}
    data = {"commit": commit, "seeds": REFERENCE_SEEDS, "key": REFERENCE_KEY, "scenes": scenes}
    REFERENCE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        for scene in SCENES:
            for verdict in compare(scene, sample(scene, CHECK_KEY)):
                print(scene, "same" if verdict.equivalent else "DIFFERENT", verdict)
