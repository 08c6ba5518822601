"""Inference (`python -m sim infer`): which values of the mechanisms that no source pins down
are plausible given the published figures, by approximate Bayesian computation (pyabc's ABC-SMC).

The parameters and their priors are `PRIORS` (the ranges docs/model.md documents, uniform or
log-uniform where a range spans orders of magnitude). The targets are the BNI figures of the
calibration table (sim/experiments/calibration.py: referrals per member-year, fortnightly
against weekly, a chapter of 30 against 15; C12, C5), each a summary statistic: the figure's
own measure of the calibration table, on the metric registry's `referrals_per_member_year`,
averaged over the replications, its distance scaled by its published band's half-width. A
particle's simulations use seeds derived from the run's seed and the particle's own values, so
the same seed and settings give the same posterior with one worker.
The population history is pyabc's database in the output folder (`abc.db`); `--resume` goes on
from its last generation. Outputs: posterior.parquet (a row per particle of the last generation:
its parameters and a `weight` summing to 1) and manifest.json. Claims: C12, C5.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from sim import storage
from sim.errors import ConfigError
from sim.experiments import metrics
from sim.experiments.calibration import FIGURES
from sim.experiments.execution import region_seed, region_tables
from sim.experiments.runner import git_commit, versions
from sim.scenario import Scenario, apply_overrides


@dataclass(frozen=True)
class Prior:
    """A parameter's prior: uniform on [low, high], or log-uniform where `log`."""

    low: float
    high: float
    log: bool = False
    source: str = ""


PRIORS: dict[str, Prior] = {
    "referrals.mention": Prior(0.01, 0.2, True, "word of mouth per tie 0.005-0.07 a period"),
    "trust.half_life_weeks": Prior(16, 104, True, "bridging ties ~16 weeks to friends' 2 years"),
    "ties.understanding": Prior(0.0, 3.0, False, "no source: direction only"),
    "ties.belief": Prior(0.0, 3.0, False, "no source: direction only"),
    "ties.depth_half": Prior(3.0, 50.0, True, "no source gives the shape"),
    "market.referral_convert": Prior(0.3, 0.6, False, "P(referral -> sale) 0.3-0.6"),
}
TARGETS = ("bni_referrals", "bni_fortnightly", "bni_size")
VARIANTS = ("base", "fortnightly", "small")


def safe(key: str) -> str:
    """A parameter's name in pyabc's database (no dots)."""
    return key.replace(".", "__")


def targets() -> dict[str, tuple[float, float]]:
    """Each target: (the middle of its published band, its half-width)."""
    bands = {f.id: (f.low, f.high) for f in FIGURES if f.id in TARGETS}
    return {t: ((bands[t][0] + bands[t][1]) / 2, (bands[t][1] - bands[t][0]) / 2) for t in TARGETS}


class Simulator:
    """The model as pyabc sees it: parameter values in, summary statistics out (picklable)."""

    def __init__(self, scenario: Scenario, replications: int, seed: int):
        self.base = {v: scenario.variants[v] for v in VARIANTS}
        self.replications, self.seed = replications, seed

    def __call__(self, values) -> dict[str, float]:
        overrides = {key: float(values[safe(key)]) for key in PRIORS}
        entropy = hashlib.sha256(json.dumps(overrides, sort_keys=True).encode()).digest()
        root = np.random.SeedSequence([self.seed, int.from_bytes(entropy[:8], "little")])
        params = {v: apply_overrides(self.base[v], overrides, "infer") for v in VARIANTS}
        per_rep = []
        for r, seed in enumerate(root.spawn(self.replications)):
            for v in VARIANTS:  # the same seed for each variant: paired, as in a run
                agents = region_tables(params[v], region_seed(seed, 0, 1), r, v, 0)["agents"]
                per_rep.append(metrics.per_replication(agents, {v: params[v].run.weeks}))
        tables = {"bni": pl.concat(per_rep)}
        return {f.id: _mean(f.measure({}, tables)) for f in FIGURES if f.id in TARGETS}


def _mean(rows: pl.DataFrame) -> float:
    """A figure's mean over the replications, as the calibration measures it; a figure that
    is undefined in some replication (no referrals to compare with) is infinitely far."""
    value = rows["value"].cast(pl.Float64).mean()
    return float(value) if value is not None and np.isfinite(value) else float("inf")


@dataclass(frozen=True)
class Settings:
    particles: int = 200
    generations: int = 8
    replications: int = 1
    seed: int = 1
    workers: int = 1


def abc_for(scenario: Scenario, s: Settings):
    """pyabc's ABCSMC for the scenario's figures (the sampler: one process, or `workers`)."""
    import pyabc

    priors = pyabc.Distribution(
        **{
            safe(k): pyabc.RV("loguniform", p.low, p.high)
            if p.log
            else pyabc.RV("uniform", p.low, p.high - p.low)
            for k, p in PRIORS.items()
        }
    )
    weights = {t: 1.0 / half for t, (_, half) in targets().items()}
    if s.workers > 1:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=s.workers)
    else:
        sampler = pyabc.sampler.SingleCoreSampler()
    return pyabc.ABCSMC(
        Simulator(scenario, s.replications, s.seed),
        priors,
        pyabc.PNormDistance(p=2, fixed_weights=weights),
        population_size=s.particles,
        sampler=sampler,
    )


def infer(scenario: Scenario, s: Settings, out_dir: Path, sets: list[str], resume=False) -> Path:
    """Run (or go on with) the inference into out_dir; write posterior.parquet, manifest.json.
    `sets` are the command line's --set options (kept in the manifest for a resume)."""
    if any(v not in scenario.variants for v in VARIANTS):
        raise ConfigError(
            f"infer: {scenario.name}: the published figures it is fitted to are BNI's; give "
            "a chapter scenario with the variants base, fortnightly and small (e.g. bni)"
        )
    db = out_dir / "abc.db"
    if db.exists() and not resume:
        raise ConfigError(f"--out {out_dir}: holds an inference; go on with --resume {out_dir}")
    if resume and not db.exists():
        raise ConfigError(f"--resume {out_dir}: no inference here (no abc.db)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        why = storage.reason(err)
        raise ConfigError(f"--out {out_dir}: cannot create the folder ({why})") from None
    about = {"scenario": scenario.path, "sets": sets, "settings": s.__dict__}
    write_manifest(out_dir, about, [], "running")
    np.random.seed(s.seed)  # pyabc draws its particles from numpy's global generator
    abc = abc_for(scenario, s)
    if resume:
        done = abc.load(f"sqlite:///{db}", 1).max_t + 1  # generations finished before
    else:
        abc.new(f"sqlite:///{db}", {t: mid for t, (mid, _) in targets().items()})
        done = 0
    history = abc.history
    if s.generations > done:
        history = abc.run(max_nr_populations=s.generations - done)
    write_outputs(out_dir, about, history)
    return out_dir


def resumed(out_dir: Path) -> tuple[str, list[str], Settings]:
    """The scenario, --set options and settings of the inference in out_dir."""
    try:
        about = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        return about["scenario"], about["sets"], Settings(**about["settings"])
    except (OSError, ValueError, KeyError, TypeError):
        why = "no readable manifest.json"
        raise ConfigError(f"--resume {out_dir}: no inference here ({why})") from None


def weighted_quantiles(x: np.ndarray, w: np.ndarray, q: list[float]) -> np.ndarray:
    """Quantiles of x under weights w (the weighted empirical distribution, midpoint rule)."""
    x, w = x[w > 0], w[w > 0]  # a particle of no weight is not in the distribution
    order = np.argsort(x)
    x, w = x[order], w[order] / w.sum()
    cumulative = np.cumsum(w) - w / 2
    return np.interp(q, cumulative, x)


def summary(posterior: pl.DataFrame) -> list[dict]:
    """Per parameter: the posterior's weighted median and 90 % interval, and how much of the
    prior's width (on its own scale: log for a log-uniform prior) the interval still spans."""
    w = posterior["weight"].to_numpy()
    rows = []
    for key, prior in PRIORS.items():
        low, median, high = weighted_quantiles(posterior[key].to_numpy(), w, [0.05, 0.5, 0.95])
        scale = np.log if prior.log else (lambda v: v)
        share = (scale(high) - scale(low)) / (scale(prior.high) - scale(prior.low))
        rows.append({"parameter": key, "median": float(median), "low": float(low),
                     "high": float(high), "prior_low": prior.low, "prior_high": prior.high,
                     "share_of_prior": float(share)})  # fmt: skip
    return rows


def write_outputs(out_dir: Path, about: dict, history) -> None:
    frame, w = history.get_distribution(m=0, t=history.max_t)
    posterior = pl.DataFrame(
        {key: frame[safe(key)].to_numpy() for key in PRIORS} | {"weight": w / w.sum()}
    )
    storage.write_atomic(out_dir / "posterior.parquet", posterior.write_parquet)
    pops = history.get_all_populations()
    generations = [
        {"generation": int(r.t), "epsilon": float(r.epsilon), "simulations": int(r.samples)}
        for r in pops.itertuples()
        if r.t >= 0
    ]
    done = len(generations) >= about["settings"]["generations"]
    about = {**about, "summary": summary(posterior)}
    write_manifest(out_dir, about, generations, "complete" if done else "stopped")


def write_manifest(out_dir: Path, about: dict, generations: list, status: str) -> None:
    manifest = {
        "kind": "inference",
        **about,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "priors": {k: {**p.__dict__} for k, p in PRIORS.items()},
        "targets": {t: {"observed": m, "half_width": h} for t, (m, h) in targets().items()},
        "generations": generations,
        "status": status,
        "git_commit": git_commit(),
        "versions": versions(),
    }
    storage.write_json(out_dir / "manifest.json", manifest)
