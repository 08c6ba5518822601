"""Inference (`python -m sim infer`): which values of the mechanisms that no source pins down
are plausible given the published figures, by approximate Bayesian computation (pyabc's ABC-SMC).

The parameters and their priors are `PRIORS` (the ranges docs/model.md documents, uniform or
log-uniform where a range spans orders of magnitude). The targets are the BNI figures of the
calibration table (sim/experiments/calibration.py: referrals per member-year, fortnightly
against weekly, a chapter of 30 against 15; C12, C5), each a summary statistic: the figure's
own measure of the calibration table, on the metric registry's `referrals_per_member_year`,
averaged over the replications, its distance scaled by its published band's half-width. A
particle's simulations use seeds derived from the run's seed and the particle's own values, and
the sampler (sim/experiments/sampling.py) keeps particles in the order of their seeded slots, so
the same seed and settings give the same posterior on any number of workers or a Dask cluster.
The population history is pyabc's database in the output folder (`abc.db`); `--resume` goes on
from its last generation. Outputs: posterior.parquet (a row per particle of the last generation:
its parameters and a `weight` summing to 1), predictive.parquet (the targets re-simulated at
posterior draws), manifest.json and posterior.html (sim/report/posterior.py). `calibration_check`
infers back values drawn from the prior (`--check`). Claims: C12, C5.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from sim import storage
from sim.errors import ConfigError
from sim.experiments import cluster, metrics
from sim.experiments.calibration import FIGURES
from sim.experiments.execution import region_seed, region_tables
from sim.experiments.runner import git_commit, versions
from sim.experiments.sampling import Bar, OrderedSampler, progress_display
from sim.languages import LANGUAGES
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
PREDICTIVE_TAG = 2**40  # keys the predictive draws' seeds apart from the particles'
CHECK_TAG = 2**41  # and the calibration check's


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
        """pyabc's model: a particle's statistics, its seeds keyed by its own values."""
        overrides = {key: float(values[safe(key)]) for key in PRIORS}
        entropy = hashlib.sha256(json.dumps(overrides, sort_keys=True).encode()).digest()
        return self.statistics(overrides, int.from_bytes(entropy[:8], "little"))

    def statistics(self, overrides: dict[str, float], key: int) -> dict[str, float]:
        """The targets' figures at these values, the seeds from the run's seed and `key`."""
        root = np.random.SeedSequence([self.seed, key])
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
    particles: int = 150
    generations: int = 6
    replications: int = 1
    seed: int = 1
    workers: int = 1
    predictive: int = 50  # posterior draws simulated for the predictive checks


def abc_for(scenario: Scenario, s: Settings, sampler):
    """pyabc's ABCSMC for the scenario's figures; distances scaled by the published bands."""
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
    return pyabc.ABCSMC(
        Simulator(scenario, s.replications, s.seed),
        priors,
        pyabc.PNormDistance(p=2, fixed_weights=weights),
        population_size=s.particles,
        sampler=sampler,
    )


def infer(
    scenario: Scenario,
    s: Settings,
    out_dir: Path,
    sets: list[str],
    resume: bool = False,
    where: cluster.Where | None = None,
    show_progress: bool = False,
) -> Path:
    """Run (or go on with) the inference into out_dir; write posterior.parquet, its predictive
    checks, manifest.json and posterior.html. `sets` are the command line's --set options (kept
    in the manifest for a resume); `where` a Dask cluster (else `s.workers` local processes)."""
    db = _checked_folder(scenario, out_dir, resume)
    about = {"scenario": scenario.path, "sets": sets, "settings": s.__dict__}
    about["title"] = {lang: scenario.title(lang) for lang in LANGUAGES}  # what a page calls it
    write_manifest(out_dir, about, [], "running")
    sampler = OrderedSampler(s.seed, s.workers)
    with _pool(s.workers, where) as sampler.pool, progress_display(show_progress) as bar:
        sampler.progress, sampler.generations = bar, s.generations
        abc = abc_for(scenario, s, sampler)
        if resume:
            done = abc.load(f"sqlite:///{db}", 1).max_t + 1  # generations finished before
        else:
            abc.new(f"sqlite:///{db}", {t: mid for t, (mid, _) in targets().items()})
            done = 0
        history = abc.history
        if s.generations > done:
            history = abc.run(max_nr_populations=s.generations - done)
        posterior = write_outputs(out_dir, about, history)
        if not (out_dir / "predictive.parquet").exists() or s.generations > done:
            with Bar(bar, "predictive check", s.predictive) as advance:
                write_predictive(out_dir, scenario, s, posterior, sampler.pool, advance)
    from sim.report import posterior as page

    page.write_page(out_dir, scenario.language)
    return out_dir


def _checked_folder(scenario: Scenario, out_dir: Path, resume: bool) -> Path:
    """The inference's database in out_dir, after refusing what cannot work (one line)."""
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
    return db


@contextmanager
def _pool(workers: int, where: cluster.Where | None):
    """No pool for one local worker (this process simulates), else the cluster's executor."""
    if (where is None or not where.dask) and workers <= 1:
        yield None
        return
    with cluster.executor(workers, where) as pool:
        yield pool


def write_predictive(
    out_dir: Path, scenario: Scenario, s: Settings, posterior, pool, advance=lambda: None
) -> None:
    """The targets simulated at `s.predictive` draws from the posterior (weighted resampling,
    fresh seeds), each against its published band: predictive.parquet."""
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, PREDICTIVE_TAG]))
    w = posterior["weight"].to_numpy()
    rows = rng.choice(posterior.height, size=s.predictive, p=w / w.sum())
    draws = [{k: float(posterior[k][int(i)]) for k in PRIORS} for i in rows]
    simulator = Simulator(scenario, s.replications, s.seed)
    keys = [PREDICTIVE_TAG + d for d in range(len(draws))]
    if pool is None:
        done = (simulator.statistics(d, k) for d, k in zip(draws, keys, strict=True))
    else:
        done = pool.map(simulator.statistics, draws, keys)
    figures = []
    for stats in done:
        figures.append(stats)
        advance()
    bands = {f.id: (f.low, f.high) for f in FIGURES if f.id in TARGETS}
    frame = pl.DataFrame(
        [
            {"draw": d, "target": t, "value": value, "observed": sum(bands[t]) / 2,
             "low": bands[t][0], "high": bands[t][1]}
            for d, stats in enumerate(figures)
            for t, value in stats.items()
        ]
    )  # fmt: skip
    storage.write_atomic(out_dir / "predictive.parquet", frame.write_parquet)


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


def write_outputs(out_dir: Path, about: dict, history) -> pl.DataFrame:
    frame, w = history.get_distribution(m=0, t=history.max_t)
    posterior = pl.DataFrame(
        {key: frame[safe(key)].to_numpy() for key in PRIORS} | {"weight": w / w.sum()}
    )
    storage.write_atomic(out_dir / "posterior.parquet", posterior.write_parquet)
    pops = history.get_all_populations()
    generations = [
        {"generation": int(r.t), "epsilon": float(r.epsilon), "simulations": int(r.samples),
         "effective_particles": _effective(history.get_distribution(m=0, t=int(r.t))[1])}
        for r in pops.itertuples()
        if r.t >= 0
    ]  # fmt: skip
    done = len(generations) >= about["settings"]["generations"]
    about = {**about, "summary": summary(posterior)}
    write_manifest(out_dir, about, generations, "complete" if done else "stopped")
    return posterior


def _effective(w: np.ndarray) -> float:
    """Kish's effective sample size of importance weights: how many equal particles they are
    worth (few, and the posterior's intervals come out too narrow)."""
    return float(w.sum() ** 2 / (w**2).sum())


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


def calibration_check(
    scenario: Scenario, s: Settings, cases: int, folder: Path, where=None, show_progress=False
) -> pl.DataFrame:
    """Simulation-based calibration: `cases` parameter sets drawn from the prior, each one's
    figures simulated (a seed of its own) and inferred back as if they were the published ones;
    a row per case and parameter: the true value, the posterior's 90 % interval, inside or not.
    A case whose figures are undefined at its values (no referrals at all) is drawn again.
    Writes check.parquet into `folder` (with each case's database)."""
    rng = np.random.default_rng(np.random.SeedSequence([s.seed, CHECK_TAG]))
    simulator, rows, case = Simulator(scenario, s.replications, s.seed + 1), [], 0
    sampler = OrderedSampler(s.seed, s.workers)
    folder.mkdir(parents=True, exist_ok=True)
    with _pool(s.workers, where) as sampler.pool, progress_display(show_progress) as bar:
        sampler.progress, sampler.generations = bar, s.generations
        while case < cases:
            truth = {k: _draw(p, rng) for k, p in PRIORS.items()}
            observed = simulator.statistics(truth, CHECK_TAG + case)
            if not all(np.isfinite(v) for v in observed.values()):
                continue
            sampler.seed = s.seed + case
            abc = abc_for(scenario, replace(s, seed=s.seed + case), sampler)
            abc.new(f"sqlite:///{folder / f'check-{case}.db'}", observed)
            frame, w = abc.run(max_nr_populations=s.generations).get_distribution(m=0)
            for key in PRIORS:
                low, high = weighted_quantiles(frame[safe(key)].to_numpy(), w, [0.05, 0.95])
                rows.append({"case": case, "parameter": key, "truth": truth[key], "low": low,
                             "high": high, "inside": bool(low <= truth[key] <= high)})  # fmt: skip
            case += 1
    table = pl.DataFrame(rows)
    storage.write_atomic(folder / "check.parquet", table.write_parquet)
    return table


def _draw(prior: Prior, rng: np.random.Generator) -> float:
    if prior.log:
        return float(np.exp(rng.uniform(np.log(prior.low), np.log(prior.high))))
    return float(rng.uniform(prior.low, prior.high))
