"""The design of an exploration: which parameters vary, over which ranges, at which points.

A scenario's `[explore]` section (or a separate TOML file with one) names the uncertain
parameters and their ranges (`[explore.ranges]`, dotted keys as in `--set`), the design and its
size. Every range is checked against the configuration's own bounds (both ends are applied to the
scenario's base), so a range the model cannot take is refused before anything runs. The points
come from SALib: Morris trajectories for screening, Saltelli/Sobol' sequences for variance
decomposition, a Latin hypercube for an even cover of the space (analysed with RBD-FAST). A
range written with two integers varies a whole-number parameter (values are rounded). Claims:
all of those a scenario's metrics measure (C1, C2, C10, C12; sim/experiments/claims.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.config import Params
from sim.errors import ConfigError
from sim.fields import quoted
from sim.scenario import apply_overrides, flatten

Design = Literal["morris", "sobol", "lhs"]
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
            f"{source}: no [explore] section; add one (docs/explore.md) or give --ranges FILE"
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
