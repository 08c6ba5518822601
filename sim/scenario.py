"""Scenario files: a base (overrides of the defaults in sim/config.py) and named variants.

A scenario file (TOML) has a `[scenario]` head, `[params.*]` sections that override the defaults
(including the roster, `[[params.scene.groups]]`) and `[variants.<name>]` tables, each with
dotted-key overrides of the base (`set`) and the direction it expects each metric to move
(`expect`); an optional `[explore]` section holds the ranges `python -m sim explore` varies
(read by sim/experiments/design.py); an optional `[report.curves]` section holds the values of a
habit or parameter at which a run also draws the focal groups' units (the dose-response of C1).
Dotted keys reach every parameter: `market.pitch_close`, a group's value
`scene.groups.<group>.<key>`, a strategy's trait `strategies.<strategy>.<trait>`.
Bad input raises ConfigError, whose message is one line naming file, key and what is allowed.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim import display
from sim.claims_catalogue import CATALOGUE, ids_text, known_claim
from sim.config import Params
from sim.errors import ConfigError
from sim.fields import quoted
from sim.languages import LANGUAGES
from sim.overrides import (  # noqa: F401 - apply_overrides, flatten, parse_set_options: where callers find them
    allowed_for,
    apply_overrides,
    flatten,
    parse_set_options,
)
from sim.paths import resolve_scenario_path

Direction = Literal["lower", "higher", "same"]
NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"  # scenario and variant names: a slug, never a path
NAME_HELP = "a letter or digit, then letters, digits, _ or - (at most 64)"
CLAIM = Annotated[str, AfterValidator(known_claim)]  # a claim of sim/claims_catalogue.py
TEXT = r"^[^\x00-\x1f\x7f]*$"  # one line of text: no control characters
MAX_DEPTH = 6  # tables within tables in a scenario file (the deepest real key has 4 levels)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Variant(_Strict):
    description: str = Field("", max_length=500, pattern=TEXT)
    # what an audience reads for it (a verdict's sentence), per language: a few plain words
    display: dict[Literal[LANGUAGES], Annotated[str, Field(max_length=80, pattern=TEXT)]] = Field(  # type: ignore[valid-type]
        default_factory=dict
    )
    set: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Direction] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _dotted(cls, data: Any) -> Any:
        """`set = { events.count = 1 }` (unquoted) nests in TOML; read it as a dotted key."""
        if isinstance(data, dict):
            for key in ("set", "expect"):
                if isinstance(data.get(key), dict):
                    data = {**data, key: flatten(data[key])}
        return data


class ScenarioHead(_Strict):
    name: str | None = Field(None, pattern=NAME)
    description: str = Field(min_length=1, max_length=500, pattern=TEXT)
    claims: list[CLAIM] = Field(default_factory=list, max_length=len(CATALOGUE))
    language: Literal[LANGUAGES] = "en"  # type: ignore[valid-type]  # the report's default
    display: dict[str, Any] = Field(default_factory=dict)  # sim/display.py checks it
    contrast: list[Annotated[str, Field(max_length=40)]] | None = Field(
        None, min_length=2, max_length=2
    )

    @model_validator(mode="after")
    def _distinct(self) -> ScenarioHead:
        if len(set(self.claims)) < len(self.claims):
            raise ValueError("key 'scenario.claims': each claim once")
        if self.contrast and self.contrast[0] == self.contrast[1]:
            raise ValueError("key 'scenario.contrast': two different groups")
        return self


HEAD_HELP = (
    f"name ({NAME_HELP}), display (en and nl: what an audience reads), description (one line, "
    f"at most 500 characters), claims (claim IDs {ids_text()}, each once), language (en or nl: "
    "the report's default), contrast (two focal groups: "
    "the one expected to do better, then the other)"
)


class Scenario(BaseModel):
    name: str
    description: str
    claims: list[str]
    language: str
    contrast: list[str] | None
    variants: dict[str, Params]
    variant_info: dict[str, Variant]
    path: str
    sha256: str
    explore: dict[str, Any] | None = None  # the [explore] section as written (design.py reads it)
    curves: dict[str, list[Any]] = Field(default_factory=dict)  # [report.curves]: key -> values
    display: dict[str, str] = Field(default_factory=dict)  # what an audience reads (sim/display.py)
    group_display: dict[str, dict[str, str]] = Field(default_factory=dict)  # per group

    def title(self, lang: str) -> str:
        return display.scenario_title(self.name, self.display, lang)

    def group_names(self, lang: str, variant: str = "base") -> dict[str, str]:
        """{group: what an audience reads for it} of a variant's roster."""
        groups = [g.model_dump() for g in self.variants[variant].scene.groups]
        return display.group_names(groups, self.group_display, lang)

    @property
    def params(self) -> Params:
        """The base variant's parameters: the scenario as written (plus any --set)."""
        return self.variants["base"]

    @property
    def focal_groups(self) -> list[str]:
        """Names of the focal groups of all variants, in file order (the base's first)."""
        names = [g.name for p in self.variants.values() for g in p.scene.groups if g.focal]
        return list(dict.fromkeys(names))


# --- dotted overrides ----------------------------------------------------------------------
# --- files ---------------------------------------------------------------------------------
def read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        raw_bytes = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the file ({err.strerror})") from None
    try:
        return tomllib.loads(raw_bytes.decode("utf-8-sig")), raw_bytes  # a BOM is skipped
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: malformed TOML ({err})") from None
    except RecursionError:
        raise ConfigError(
            f"{path}: tables or arrays nested too deeply (at most {MAX_DEPTH} levels)"
        ) from None


def check_shape(doc: dict[str, Any], source: str) -> None:
    """No empty table (a forgotten or misspelt section) and no nesting beyond MAX_DEPTH."""
    stack: list[tuple[str, Any, int]] = [(k, v, 1) for k, v in doc.items()]
    while stack:
        key, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ConfigError(
                f"{source}: key {quoted(key)} is nested too deeply (at most {MAX_DEPTH} levels "
                "of tables and arrays)"
            )
        if isinstance(value, dict):
            if not value:
                raise ConfigError(
                    f"{source}: key {quoted(key)} is an empty table; give its keys or remove it"
                )
            stack += [(f"{key}.{k}", v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(f"{key}[{i}]", v, depth + 1) for i, v in enumerate(value)]


def stem_name(path: Path) -> str:
    """The file's name as a scenario name when [scenario] has none: a slug, never a path."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_-")[:64]
    return slug or "scenario"


def load_scenario(name_or_path: str, extra_overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, validate and resolve a scenario file (and optional --set overrides) into Params."""
    path = resolve_scenario_path(name_or_path)
    doc, raw_bytes = read_toml(path)
    check_shape(doc, str(path))
    allowed_top = {"scenario", "params", "variants", "explore", "report"}
    for key, value in doc.items():
        if key not in allowed_top:
            raise ConfigError(
                f"{path}: unknown key '{key}'; allowed: {', '.join(sorted(allowed_top))}"
            )
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: key '{key}' must be a table ([{key}])")
    try:
        head = ScenarioHead.model_validate(doc.get("scenario", {}))
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(["scenario", *(str(p) for p in first["loc"])])
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule across keys names its key
            raise ConfigError(f"{path}: {message}") from None
        raise ConfigError(
            f"{path}: key '{key}' is invalid ({message}); allowed: {HEAD_HELP}"
        ) from None
    params_doc = doc.get("params", {})
    for section, table in params_doc.items():
        if not isinstance(table, dict):
            raise ConfigError(
                f"{path}: key 'params.{section}' must be a table; allowed: {allowed_for(section)}"
            )
    group_display = display.take_group_displays(params_doc, str(path))
    base = written = apply_overrides(Params(), flatten(params_doc), str(path))
    if extra_overrides:  # --set changes the base; each variant's own settings still apply on top
        base = apply_overrides(base, extra_overrides, "--set")
    variants: dict[str, Params] = {"base": base}
    info: dict[str, Variant] = {"base": Variant(description="the scenario as written")}
    for vname, vdoc in doc.get("variants", {}).items():
        if vname == "base":
            raise ConfigError(f"{path}: key 'variants.base' is reserved for the scenario itself")
        if not re.match(NAME, vname):
            raise ConfigError(
                f"{path}: variant name {quoted(vname)} is not allowed; allowed: {NAME_HELP}"
            )
        try:
            variant = Variant.model_validate(vdoc)
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(["variants", vname, *(str(p) for p in first["loc"])])
            raise ConfigError(
                f"{path}: key '{key}' is invalid ({first['msg']}); allowed: description (string), "
                "display (en and nl: a few words each), set (table of dotted keys), expect "
                "(metric = lower|higher|same)"
            ) from None
        variants[vname] = apply_overrides(base, variant.set, f"{path} [variants.{vname}]")
        info[vname] = variant
        changes = {m for m, d in variant.expect.items() if d != "same"}
        if changes and apply_overrides(written, variant.set, str(path)) == written:
            raise ConfigError(
                f"{path}: key 'variants.{vname}.expect': the variant changes nothing against "
                f"the base, yet expects {', '.join(sorted(changes))} to move; set what differs"
            )
    scenario = Scenario(
        name=head.name or stem_name(path),
        description=head.description,
        claims=head.claims,
        language=head.language,
        contrast=head.contrast,
        variants=variants,
        variant_info=info,
        path=str(path),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        explore=doc.get("explore"),
        curves=read_curves(doc.get("report", {}), base, str(path)),
        display=display.checked(head.display, f"{path}: scenario") if head.display else {},
        group_display=group_display,
    )
    check_metrics(scenario, str(path))
    return scenario


CURVES_HELP = (
    "curves = a table of key = [values]: a trait of the focal groups (e.g. one_to_ones) or a "
    "dotted parameter key (e.g. market.referral_convert), each with 2 to 12 distinct numbers"
)


def curve_overrides(base: Params, key: str, value: Any) -> dict[str, Any]:
    """The dotted overrides of one point of a curve: a bare trait name is set for every focal
    group (their habit, whatever each had), a dotted key as it is."""
    if "." in key:
        return {key: value}
    return {f"scene.groups.{g.name}.{key}": value for g in base.scene.groups if g.focal}


def read_curves(report: dict[str, Any], base: Params, source: str) -> dict[str, list[float]]:
    """The `[report.curves]` section, every point checked as a variant of the base would be."""
    unknown = set(report) - {"curves"}
    if unknown:
        raise ConfigError(f"{source}: unknown key 'report.{sorted(unknown)[0]}'; allowed: curves")
    curves = report.get("curves", {})
    if not isinstance(curves, dict):
        raise ConfigError(f"{source}: key 'report.curves' is invalid; allowed: {CURVES_HELP}")
    for key, values in curves.items():
        numbers = isinstance(values, list) and all(type(v) in (int, float) for v in values)
        if not numbers or not 2 <= len(values) <= 12 or len(set(values)) < len(values):
            raise ConfigError(
                f"{source}: key 'report.curves.{key}' is invalid; allowed: {CURVES_HELP}"
            )
        if not any(g.focal for g in base.scene.groups) and "." not in key:
            raise ConfigError(f"{source}: key 'report.curves.{key}': the scene has no focal group")
        for value in values:
            apply_overrides(base, curve_overrides(base, key, value), f"{source} [report.curves]")
    return {key: list(values) for key, values in curves.items()}


def check_metrics(scenario: Scenario, source: str) -> None:
    """The contrast names two focal groups; every expected metric exists for its variant."""
    from sim.experiments.metrics import metric_problem  # polars: only once the file parsed

    for name in scenario.contrast or ():
        for vname, params in scenario.variants.items():
            if name not in [g.name for g in params.scene.groups if g.focal]:
                raise ConfigError(
                    f"{source}: key 'scenario.contrast': '{name}' is not a focal group of "
                    f"variant '{vname}'; focal groups: {', '.join(scenario.focal_groups) or '-'}"
                )
    for vname, info in scenario.variant_info.items():
        for metric in info.expect:
            for params in (scenario.params, scenario.variants[vname]):
                problem = metric_problem(metric, params, scenario.contrast)
                if problem:
                    raise ConfigError(f"{source}: key 'variants.{vname}.expect': {problem}")
