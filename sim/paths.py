"""Where things live: the scenario files and the results folder (no heavy imports here, so the
command line can answer a wrong name at once)."""

from __future__ import annotations

from pathlib import Path

from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
RESULTS_DIR = ROOT / "results"


def available_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_scenario_path(name_or_path: str) -> Path:
    """A scenario name (a file in scenarios/) or a path to a .toml file; ConfigError if none."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ConfigError(f"{name_or_path}: no such scenario file")
        return path
    candidate = SCENARIO_DIR / f"{name_or_path}.toml"
    if not candidate.is_file():
        raise ConfigError(
            f"unknown scenario '{name_or_path}'; available: {', '.join(available_scenarios())}"
        )
    return candidate
