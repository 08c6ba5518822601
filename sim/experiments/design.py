"""The design of an exploration: which parameters vary, over which ranges, at which points.

A scenario's `[explore]` section (or a separate TOML file with one) names the uncertain
parameters and their ranges (`[explore.ranges]`, dotted keys as in `--set`), the design and its
size. Every range is checked against the configuration's own bounds (both ends are applied to the
scenario's base), so a range the model cannot take is refused before anything runs. The points
come from SALib: Morris trajectories for screening, Saltelli/Sobol' sequences for variance
decomposition, a Latin hypercube for an even cover of the space (analysed with RBD-FAST). A
range written with two integers varies a whole-number parameter (values are rounded).

The fourth design, `posterior` (`explore --posterior DIR`), takes its points from an inference
folder (`python -m sim infer`, sim/experiments/infer.py): draws from the posterior of the
mechanisms given the published figures, by weighted resampling of its particles with a stream
of their own (keyed by the master seed and a fixed tag), so the share of points where a claim
holds is the probability that it holds given that evidence. Claims: all of those a scenario's
metrics measure (C1, C2, C10, C12; sim/experiments/claims.py).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.config import Params
from sim.errors import ConfigError
from sim.fields import quoted
from sim.scenario import apply_overrides, flatten

Design = Literal["morris", "sobol", "lhs", "posterior"]
DESIGN_HELP = (
    "design (morris, sobol or lhs), samples (Morris: trajectories; Sobol: base samples, a power "
    "of 2; lhs: points), replications (per point), levels (Morris grid levels, even), ranges "
    "(a table: dotted key = [low, high])"
)


class ExploreSpec(BaseModel):
    """The `[explore]` section: what varies and how the space is sampled."""

    model_config = ConfigDict(extra="forbid", strict=True)

    design: Design = "morris"
    samples: int = Field(20, ge=2, le=100_000, description="trajectories, base samples or points")
    replications: int = Field(5, ge=1, le=10_000, description="replications per point")
    levels: int = Field(4, ge=2, le=20, multiple_of=2, description="Morris grid levels")
    ranges: dict[str, list[float | int]] = Field(min_length=2, max_length=100)


@dataclass(frozen=True)
class Plan:
    """A validated design: its spec, its points (rows: points, columns: parameters), its seed."""

    spec: ExploreSpec
    seed: int
    source: str

    @property
    def names(self) -> list[str]:
        return list(self.spec.ranges)

    @property
    def problem(self) -> dict[str, Any]:
        """The space in SALib's terms."""
        bounds = [[float(lo), float(hi)] for lo, hi in self.spec.ranges.values()]
        return {"num_vars": len(self.names), "names": self.names, "bounds": bounds}

    @property
    def whole(self) -> list[bool]:
        """Which parameters are whole numbers (a range given with two integers)."""
        return [all(type(v) is int for v in r) for r in self.spec.ranges.values()]

    @property
    def design_seed(self) -> int:
        """The design's own stream: the master seed's root state (replications use its
        children, sim/experiments/execution.py), so the design never shares their numbers."""
        return int(np.random.SeedSequence(self.seed).generate_state(1)[0])

    @cached_property
    def design_points(self) -> np.ndarray:
        """The design as SALib drew it (rows: points; the analyses take these)."""
        from SALib.sample import latin, morris, sobol

        spec, problem, seed = self.spec, self.problem, self.design_seed
        if spec.design == "morris":
            x = morris.sample(problem, spec.samples, num_levels=spec.levels, seed=seed)
        elif spec.design == "sobol":
            x = sobol.sample(problem, spec.samples, calc_second_order=False, seed=seed)
        else:
            x = latin.sample(problem, spec.samples, seed=seed)
        return x

    @cached_property
    def points(self) -> np.ndarray:
        """The values the model runs at: the design with whole-number parameters rounded."""
        x = self.design_points.copy()
        whole = np.array(self.whole)
        x[:, whole] = np.round(x[:, whole])
        return x

    def overrides(self, point: int) -> dict[str, Any]:
        """The point's values as `--set` overrides (whole numbers as int, others as float)."""
        row = self.points[point]
        return {
            name: int(v) if whole else float(v)
            for name, v, whole in zip(self.names, row, self.whole, strict=True)
        }

    def identity(self) -> dict[str, Any]:
        """What makes two explorations the same experiment (for resuming)."""
        return {**self.spec.model_dump(), "seed": self.seed}


def load_plan(section: dict[str, Any] | None, base: Params, seed: int, source: str) -> Plan:
    """Validate an `[explore]` section against the config's bounds; ConfigError otherwise."""
    if not section:
        raise ConfigError(
            f"{source}: no [explore] section; add one (docs/explore.md), give --ranges FILE, "
            "or draw the points from an inference with --posterior DIR"
        )
    section = {**section, "ranges": _ranges(section.get("ranges"), source)}
    try:
        spec = ExploreSpec.model_validate(section)
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(["explore", *(str(p) for p in first["loc"][:1])])
        message = first["msg"].removeprefix("Value error, ")
        got = quoted(first.get("input"))
        raise ConfigError(
            f"{source}: key '{key}' = {got} is invalid ({message}); allowed: {DESIGN_HELP}"
        ) from None
    if spec.design == "sobol" and spec.samples & (spec.samples - 1):
        raise ConfigError(
            f"{source}: key 'explore.samples' = {spec.samples}: the Sobol' design needs a power "
            "of 2 (e.g. 64, 128, 256)"
        )
    if spec.design == "posterior":
        raise ConfigError(
            f"{source}: key 'explore.design' = 'posterior' needs --posterior DIR (a folder "
            "written by `python -m sim infer`); allowed here: morris, sobol or lhs"
        )
    for key, bounds in spec.ranges.items():
        _check_range(base, key, bounds, source)
    return Plan(spec, seed, source)


def _ranges(ranges: Any, source: str) -> Any:
    """`[explore.ranges]` with dotted keys, whether quoted or nested in the TOML."""
    if not isinstance(ranges, dict):
        raise ConfigError(
            f"{source}: key 'explore.ranges' must be a table of dotted key = [low, high] "
            '(e.g. "market.referral_convert" = [0.1, 0.6])'
        )
    return flatten(ranges)


def _check_range(base: Params, key: str, bounds: list, source: str) -> None:
    where = f"{source} [explore.ranges]"
    if len(bounds) != 2 or not bounds[0] < bounds[1] or not all(map(math.isfinite, bounds)):
        raise ConfigError(
            f"{where}: key '{key}' = {quoted(bounds)}: give [low, high] with low < high "
            "(finite numbers)"
        )
    for value in bounds:  # the config's own bounds: each end must be a valid setting
        apply_overrides(base, {key: value}, where)


# --- the posterior design -----------------------------------------------------------------
POSTERIOR = "posterior.parquet"  # an inference folder's particles and weights
POSTERIOR_TAG = 0x706F7374  # "post": the draws' stream, apart from the replications' (0, 1, ...)
DEFAULT_DRAWS = 100  # points drawn from the posterior when --samples is not given
DEFAULT_REPLICATIONS = 5  # per point, when the scenario has no [explore] section to say


@dataclass(frozen=True)
class Posterior:
    """An inference folder's posterior: its particles (rows) over its parameters, their weights
    (summing to 1), the file's SHA-256 and the scenario the inference fitted."""

    folder: str
    sha256: str
    names: list[str]
    values: np.ndarray
    weights: np.ndarray
    evidence: str | None  # the inference's scenario (e.g. "bni"): whose figures

    def record(self) -> dict[str, Any]:
        """What the exploration's manifest says of it."""
        return {
            "folder": self.folder,
            "sha256": self.sha256,
            "particles": len(self.weights),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class PosteriorPlan(Plan):
    """Points drawn from a posterior: each sets all its parameters (the rest at the base)."""

    posterior: Posterior | None = None

    @property
    def design_seed(self) -> int:
        return int(self.stream().generate_state(1)[0])

    def stream(self) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(POSTERIOR_TAG,))

    @cached_property
    def draws(self) -> np.ndarray:
        """Which particle each point is: weighted resampling, with replacement."""
        rng = np.random.default_rng(self.stream())
        w = self.posterior.weights
        return rng.choice(len(w), size=self.spec.samples, replace=True, p=w)

    @cached_property
    def design_points(self) -> np.ndarray:
        return self.posterior.values[self.draws]

    def identity(self) -> dict[str, Any]:
        return {**super().identity(), "posterior_sha256": self.posterior.sha256}


def load_posterior(folder: Path, base: Params) -> Posterior:
    """An inference folder's posterior, each column checked as a parameter of the base;
    ConfigError (one line: what, and what is allowed) otherwise."""
    import polars as pl

    path = Path(folder) / POSTERIOR
    where = f"--posterior {folder}"
    if not path.is_file():
        raise ConfigError(
            f"{where}: no {POSTERIOR} here; give a folder written by `python -m sim infer`"
        )
    try:
        raw = path.read_bytes()
        frame = pl.read_parquet(raw)
    except Exception as err:  # noqa: BLE001 - any unreadable file is one line
        raise ConfigError(f"{where}: {POSTERIOR} cannot be read ({type(err).__name__})") from None
    names = [c for c in frame.columns if c != "weight"]
    if "weight" not in frame.columns or len(names) < 2:
        raise ConfigError(
            f"{where}: {POSTERIOR} needs a 'weight' column and at least two parameter columns "
            f"(dotted keys, as `--set` takes them); it has {', '.join(frame.columns) or 'none'}"
        )
    weights = _weights(frame["weight"], where)
    values = _values(frame, names, weights, base, where)
    return Posterior(
        str(Path(folder).resolve()),
        hashlib.sha256(raw).hexdigest(),
        names,
        values,
        weights,
        _evidence(Path(folder)),
    )


def _weights(column, where: str) -> np.ndarray:
    w = column.cast(float, strict=False).to_numpy()
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ConfigError(
            f"{where}: {POSTERIOR} column 'weight' must hold finite weights >= 0, not all 0"
        )
    return w / w.sum()


def _values(frame, names: list[str], weights: np.ndarray, base: Params, where: str):
    """The particles' values (rows) per parameter; every value a valid setting of the base."""
    source = f"{where}/{POSTERIOR}"
    columns = []
    for name in names:
        x = frame[name].cast(float, strict=False).to_numpy()
        if not np.isfinite(x).all():
            raise ConfigError(f"{source}: column '{name}' must hold finite numbers")
        for value in (x.min(), x.max()):  # the configuration's own bounds
            apply_overrides(base, {name: float(value)}, source)
        columns.append(x)
    return np.column_stack(columns)


def _evidence(folder: Path) -> str | None:
    """The scenario the inference fitted (its manifest's `scenario`, a name or path)."""
    import json

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return Path(str(manifest["scenario"])).stem or None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def posterior_plan(
    post: Posterior, samples: int | None, replications: int | None, seed: int, source: str
) -> PosteriorPlan:
    """The posterior design: `samples` draws (default DEFAULT_DRAWS), each `replications` times;
    its ranges are the lowest and highest values drawn (where PRIM looks)."""
    names = post.names
    section = {
        "design": "posterior",
        "samples": samples or DEFAULT_DRAWS,
        "replications": replications or DEFAULT_REPLICATIONS,
        "ranges": {n: [float(post.values[:, j].min()), float(post.values[:, j].max())]
                   for j, n in enumerate(names)},
    }  # fmt: skip
    try:
        spec = ExploreSpec.model_validate(section)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0])
        raise ConfigError(
            f"--{key} {quoted(first.get('input'))} is invalid ({first['msg']}); allowed: "
            "--samples 2 to 100000 draws from the posterior, --replications 1 to 10000"
        ) from None
    drawn = PosteriorPlan(spec, seed, source, post).design_points  # the draws need no ranges
    ranges = {n: [float(drawn[:, j].min()), float(drawn[:, j].max())] for j, n in enumerate(names)}
    return PosteriorPlan(spec.model_copy(update={"ranges": ranges}), seed, source, post)
