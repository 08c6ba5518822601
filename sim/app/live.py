"""A scenario running live, week by week, for the app: the model and its tidy tables.

The app never reads the model's internals: each frame it takes the same tidy tables a run writes
(sim/experiments/tables.py: steps, agents, pairs, network) from the live model, and draws them.
A slider is one entry of SLIDERS: a dotted key as in `--set` (a trait's key names the strategy
of the scenario's leading focal group as `{strategy}`), or MIX, the share of the rest of the room
whose strategy pitches. Each slider offers only the values the scenario's configuration accepts
(`ranges`: e.g. open_coffee's circuit needs at least as many weeks between events as visits a
month, C5); a combination it still refuses is told in one plain sentence naming the slider
(`refusal`), never as a dotted key. What the audience reads for a scenario and its groups comes
from sim/display.py (`titles`, `lead_name`). Claims: C1 (units per focal group and the 1-vs-50
marks), C2 (where sales come from), C3-C4 (memory and trust per conversation), C5 (how often
members meet), C10 (who would refer whom), C11 (product lifetime).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl

from sim.errors import ConfigError
from sim.experiments.tables import model_tables
from sim.model import NetworkingModel
from sim.model.roster import resolve_traits
from sim.model.strategies import STRATEGIES
from sim.paths import available_scenarios
from sim.report.i18n import TEXT, number
from sim.scenario import Scenario, load_scenario

MIX = "mix"


@dataclass(frozen=True)
class Slider:
    key: str  # the dotted key it sets, or MIX
    label: str  # the i18n key of its label
    low: float
    high: float
    step: float

    @property
    def whole(self) -> bool:
        return float(self.step).is_integer()


SLIDERS = (
    Slider(MIX, "app_mix", 0.05, 0.95, 0.05),
    Slider("events.interval_weeks", "app_interval", 1, 8, 1),
    Slider("strategies.{strategy}.one_to_ones", "app_one_to_ones", 0, 8, 0.5),
    Slider("market.lifetime_weeks", "app_lifetime", 4, 520, 4),
    Slider("memory.half_life_weeks", "app_memory", 1, 26, 1),
    Slider("referrals.mention", "app_mention", 0.0, 0.3, 0.01),
    Slider("strategies.{strategy}.listening", "app_listening", 0.0, 1.0, 0.05),
    Slider("strategies.{strategy}.giving", "app_giving", 0.0, 1.0, 0.05),
)


def scenarios() -> list[str]:
    """The scenarios the app offers: those of one region (a world is a batch job)."""
    return [n for n in available_scenarios() if load_scenario(n).params.scene.regions == 1]


def lead_group(scn: Scenario):
    """The group whose traits the trait sliders show: the contrast's first, else the first
    focal group."""
    groups = scn.params.scene.groups
    lead = scn.contrast[0] if scn.contrast else next(g.name for g in groups if g.focal)
    return next(g for g in groups if g.name == lead)


def lead_strategy(scn: Scenario) -> str:
    """The strategy whose traits the trait sliders set (every group using it)."""
    return lead_group(scn).strategy


@lru_cache(maxsize=64)
def base_scenario(name: str) -> Scenario:
    """The scenario as written, read once (the files do not change while the app serves)."""
    return load_scenario(name)


def titles(names: list[str], lang: str) -> dict[str, str]:
    """{scenario: what an audience reads for it}, each title once (a clash keeps the name)."""
    out: dict[str, str] = {}
    for name in names:
        title = base_scenario(name).title(lang)
        out[name] = title if title not in out.values() else f"{title} ({name})"
    return out


def lead_name(scenario: str, lang: str) -> str:
    """What an audience reads for the lead group: its display name, else its strategy's
    members (sim/display.py)."""
    scn = base_scenario(scenario)
    return scn.group_names(lang)[lead_group(scn).name]


def _mixed(scn: Scenario) -> tuple[list, list]:
    """The share groups whose strategy pitches and those whose strategy never does."""
    shared = [g for g in scn.params.scene.groups if g.share is not None]
    pitch = [g for g in shared if STRATEGIES[g.strategy].classifier.pitches != "never"]
    return pitch, [g for g in shared if g not in pitch]


def offered(scn: Scenario) -> list[Slider]:
    """The sliders that apply to the scenario (the mix only where both kinds share the rest)."""
    return [s for s in SLIDERS if s.key != MIX or all(_mixed(scn))]


def defaults(scenario: str) -> dict[str, float]:
    """Each offered slider's value in the scenario's base."""
    return base_values(load_scenario(scenario))


def base_values(scn: Scenario) -> dict[str, float]:
    params, out = scn.params, {}
    dump = params.model_dump()
    for s in offered(scn):
        if s.key == MIX:
            out[s.key] = round(sum(g.share for g in _mixed(scn)[0]), 6)
            continue
        section, name, *trait = s.key.format(strategy=lead_strategy(scn)).split(".")
        if section == "strategies":  # the lead group's value, as the roster resolves it
            out[s.key] = resolve_traits(lead_group(scn), params)[trait[0]]
        else:
            out[s.key] = dump[section][name]
    return out


def overrides(scn: Scenario, settings: dict[str, float]) -> dict[str, object]:
    """The sliders moved away from the scenario's base, as its dotted keys (`--set`)."""
    whole, base = {s.key for s in SLIDERS if s.whole}, base_values(scn)
    out: dict[str, object] = {}
    for key, value in settings.items():
        if value == base.get(key):
            continue
        if key == MIX:
            out |= _mix_shares(scn, float(value))
        else:
            k = key.format(strategy=lead_strategy(scn))
            value = int(value) if key in whole and float(value).is_integer() else value
            out[k] = value
            out |= _own_values(scn, k, value)
    return out


def _own_values(scn: Scenario, key: str, value) -> dict[str, object]:
    """A strategy's trait set for every group of it that sets the trait itself (a group's own
    value would otherwise stay)."""
    section, strategy, *trait = key.split(".")
    if section != "strategies":
        return {}
    return {
        f"scene.groups.{g.name}.{trait[0]}": value
        for g in scn.params.scene.groups
        if g.strategy == strategy and trait[0] in g.traits
    }


def _mix_shares(scn: Scenario, pitching: float) -> dict[str, float]:
    """Shares of the share groups with `pitching` among those who pitch, each side keeping its
    groups' proportions; the last share closes the sum to exactly 1."""
    shares: dict[str, float] = {}
    for side, total in zip(_mixed(scn), (pitching, 1.0 - pitching), strict=True):
        base = sum(g.share for g in side)
        shares |= {f"scene.groups.{g.name}.share": total * g.share / base for g in side}
    last = list(shares)[-1]
    shares[last] = 1.0 - sum(v for k, v in shares.items() if k != last)
    return shares


def grid(s: Slider) -> list[float]:
    """The values a slider can take, from its low end to its high end."""
    values = [round(s.low + i * s.step, 6) for i in range(round((s.high - s.low) / s.step) + 1)]
    return [int(v) for v in values] if s.whole else values


def problem(scenario: str, settings: dict[str, float]) -> str:
    """'' if the scenario accepts the settings, else the configuration's one-line reason."""
    try:
        load_scenario(scenario, overrides(base_scenario(scenario), settings))
    except ConfigError as err:
        return str(err)
    return ""


@lru_cache(maxsize=64)
def ranges(scenario: str) -> dict[str, tuple[float, float]]:
    """Each offered slider's ends where the configuration accepts it, the other sliders at the
    scenario's base: its own ends, each moved inwards to the first value the model allows
    (open_coffee's circuit: weeks between events at least its visits a month, C5)."""
    scn, out = base_scenario(scenario), {}
    base = base_values(scn)
    for s in offered(scn):
        values = grid(s)

        def fits(v, key=s.key):
            return not problem(scenario, base | {key: v})

        low = next((v for v in values if v <= base[s.key] and fits(v)), base[s.key])
        high = next((v for v in reversed(values) if v >= base[s.key] and fits(v)), base[s.key])
        out[s.key] = (low, high)
    return out


def slider_label(s: Slider, scenario: str, lang: str) -> str:
    """A slider's label as the audience reads it (the lead group by its display name)."""
    return TEXT[lang][s.label].format(who=lead_name(scenario, lang))


def shown_value(s: Slider, value: float, lang: str) -> str:
    return number(value, lang, 0 if s.whole else 2)


def refusal(scenario: str, key: str | None, value, lang: str) -> str:
    """One plain sentence for a setting the model refuses: the slider by its label and the
    value, and that the charts keep the last run it allowed (never a dotted key)."""
    t, s = TEXT[lang], next((s for s in SLIDERS if s.key == key), None)
    if s is None:
        return t["app_refused_any"]
    label = slider_label(s, scenario, lang)
    return t["app_refused"].format(slider=label, value=shown_value(s, value, lang))


class LiveRun:
    """One scenario with the sliders' settings, stepped week by week."""

    def __init__(self, scenario: str, settings: dict[str, float], seed: int):
        base = load_scenario(scenario)
        self.scenario = load_scenario(scenario, overrides(base, settings))  # ConfigError: shown
        params = self.scenario.params.for_region(0)
        self.model = NetworkingModel(params, rng=np.random.SeedSequence(seed), record_network=True)
        self.weeks = params.run.weeks

    @property
    def week(self) -> int:
        return self.model.week

    @property
    def done(self) -> bool:
        return self.model.week >= self.weeks

    def step(self, weeks: int = 1) -> None:
        for _ in range(min(weeks, self.weeks - self.model.week)):
            self.model.step()

    def tables(self) -> dict[str, pl.DataFrame]:
        return model_tables(self.model, 0, "live")


def start(scenario: str, settings: dict[str, float], seed: int) -> tuple[LiveRun | None, str]:
    """A new run, or None and the one-line reason it cannot start."""
    try:
        return LiveRun(scenario, settings, seed), ""
    except ConfigError as err:
        return None, str(err)
