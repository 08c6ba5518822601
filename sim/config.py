"""Validated configuration: every model parameter, its unit, default and range, in one place.

A scenario file (TOML) overrides these defaults and may define named variants that
override the scenario's base. Sources for each default are given in docs/model.md.
Bad input raises ConfigError, whose message is one line naming file, key and what is allowed.
"""

from __future__ import annotations

import copy
import hashlib
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class ConfigError(Exception):
    """A one-line, user-facing configuration error (exit status 2, no traceback)."""


class _Section(BaseModel):
    # strict: no silent coercion (true is not 1, "3" is not 3); ints are still accepted as floats
    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class SceneConfig(_Section):
    """Who is in the local networking scene and who lives around it (C1)."""

    members: int = Field(200, ge=4, le=1_000_000, description="members of the scene")
    sectors: int = Field(25, ge=2, le=1000, description="sectors (what members sell); 0 is focal")
    focal_direct: int = Field(3, ge=0, description="focal-sector sellers using `direct`")
    focal_relationship: int = Field(
        3, ge=0, description="focal-sector sellers using `relationship`"
    )
    relationship_share: float = Field(
        0.8, ge=0, le=1, description="share of the other members using `relationship`"
    )
    outer_per_member: float = Field(
        20.0, ge=0, le=1000, description="people outside the scene per member"
    )
    member_outer_ties: int = Field(
        50, ge=0, le=1500, description="social ties of a member (Dunbar 50)"
    )
    outer_ties: int = Field(
        14, ge=0, le=150, description="ties of an outsider (~Dunbar 15; odd rounds down)"
    )
    rewire: float = Field(0.1, ge=0, le=1, description="small-world rewiring probability")
    ask_specificity: float = Field(
        1.0,
        ge=0,
        le=1,
        description="how precisely members say whom they look for; scales referrals.recognise (C7)",
    )


class MemoryConfig(_Section):
    """Per-pair memory: rises with each conversation, fades with time since contact (C3, C5)."""

    gain: float = Field(
        0.2, gt=0, le=1, description="share of the gap to 1 closed per conversation"
    )
    half_life_weeks: float = Field(6.0, gt=0, le=520, description="half-life after one meeting")
    spacing: float = Field(
        0.5, ge=0, le=10, description="half-life grows by this fraction per extra meeting"
    )
    name_level: float = Field(0.5, gt=0, lt=1, description="remembers name and what you do")
    top_of_mind_level: float = Field(0.5, gt=0, lt=1, description="comes to mind for a referral")
    established_level: float = Field(
        0.3, ge=0, lt=1, description="memory needed before trust can grow"
    )


class TrustConfig(_Section):
    """Per-pair trust as a beta reputation (Josang & Ismail 2002); slow to grow, fast to break.

    Claims: C4, C10.
    """

    gain: float = Field(0.5, ge=0, le=10, description="positive evidence per good conversation")
    pitch_cost: float = Field(1.0, ge=0, le=20, description="negative evidence per pushy pitch")
    refer_level: float = Field(0.8, gt=0.5, lt=1, description="trust needed to refer someone")
    avoid_level: float = Field(0.3, gt=0, lt=0.5, description="below this, steer clear at events")


FORMATS = ("mixer", "chapter", "circuit", "dinner", "circle")


class EventsConfig(_Section):
    """The scene's event format, its rhythm and who attends (C5, C12-C15; sim/model/formats.py)."""

    format: Literal[FORMATS] = Field(  # type: ignore[valid-type]
        "mixer", description="mixer | chapter | circuit | dinner | circle (sim/model/formats.py)"
    )
    interval_weeks: int = Field(4, ge=1, le=520, description="weeks between events")
    count: int = Field(0, ge=0, description="events held in all; 0 = no limit")
    attendance: float = Field(0.6, gt=0, le=1, description="chance a member attends an event")
    conversations: int = Field(
        12, ge=2, le=100, description="conversations per attendee (odd rounds down)"
    )


class ChapterConfig(_Section):
    """A referral chapter (BNI-like, C12): closed, one seat per profession, weekly meetings."""

    size: int = Field(30, ge=4, le=100, description="members per chapter (members are split)")
    presentation_gain: float = Field(
        0.05, ge=0, le=1, description="memory gain from hearing a member's short presentation"
    )
    conversations: int = Field(
        2, ge=0, le=20, description="rounds of open networking per meeting (~2 talks each)"
    )
    one_to_ones: int = Field(
        1, ge=0, le=10, description="one-to-one meetings a member initiates per meeting"
    )


class CircuitConfig(_Section):
    """An open event circuit (Open Coffee, C13): many locations, each with monthly events."""

    locations: int = Field(35, ge=1, le=10_000, description="locations with their own event")
    visits_per_month: int = Field(3, ge=1, le=10, description="events a member plans a month")
    policy: Literal["anchor", "tour", "mixed"] = Field(
        "anchor", description="focal sellers' choice of locations: anchor | tour | mixed"
    )


class DinnerConfig(_Section):
    """A club dinner with tables (M4M-like, C14): a long conversation with one's table."""

    table_size: int = Field(8, ge=2, le=30, description="seats per table")
    seating: Literal["rotate", "free", "fixed"] = Field(
        "rotate", description="rotate | free | fixed (see sim/model/seating.py)"
    )
    season_dinners: int = Field(
        10, ge=1, le=520, description="dinners per season (the rotation program's horizon)"
    )
    depth: float = Field(
        2.0, ge=1, le=10, description="a dinner conversation counts as this many short ones"
    )


class CircleConfig(_Section):
    """Small closed circles (C15): the same few people, deep conversations, every time."""

    size: int = Field(6, ge=2, le=20, description="people per circle")
    depth: float = Field(
        3.0, ge=1, le=10, description="a circle conversation counts as this many short ones"
    )
    join: bool = Field(
        False, description="members also meet in circles besides the scene's format (C16)"
    )
    interval_weeks: int = Field(4, ge=1, le=520, description="weeks between circle meetings")
    offset_weeks: int = Field(2, ge=0, le=519, description="week of the first circle meeting")


class OnlineConfig(_Section):
    """Online posts (C16): a periodic light touch to everyone who knows the poster."""

    enabled: bool = Field(False, description="members post a newsletter, blog or social posts")
    posters: Literal["relationship", "focal", "all"] = Field(
        "relationship", description="who posts: relationship members | focal sellers | all"
    )
    interval_weeks: int = Field(2, ge=1, le=520, description="weeks between posts")
    reach: float = Field(0.3, ge=0, le=1, description="share of contacts who read a post")
    gain: float = Field(0.05, ge=0, le=1, description="memory gain from reading a post")
    trust_gain: float = Field(0.0, ge=0, le=10, description="trust evidence per post read")


class ConversationConfig(_Section):
    """Conversation habits shared by the scene (C8, C9, C17)."""

    small_talk: float = Field(
        0.3, ge=0, le=1, description="share of conversations about non-business topics"
    )
    small_talk_counts: bool = Field(
        True, description="small-talk conversations build memory and trust (C17)"
    )
    reciprocity: float = Field(
        0.5, ge=0, le=10, description="a received referral raises referring back by this share"
    )


class ReputationConfig(_Section):
    """Providers' competence and what a referral's outcome does to trust (C6)."""

    competence_mean: float = Field(
        0.9, gt=0, le=1, description="mean chance a provider's sale turns out well"
    )
    competence_sd: float = Field(
        0.0, ge=0, lt=0.5, description="spread of competence across providers (beta)"
    )
    good_evidence: float = Field(
        0.5, ge=0, le=20, description="trust evidence from a referral that went well"
    )
    bad_evidence: float = Field(
        2.0, ge=0, le=20, description="negative evidence from a referral that went badly"
    )

    @model_validator(mode="after")
    def _spread_fits_the_mean(self) -> ReputationConfig:
        mean, sd = self.competence_mean, self.competence_sd
        if sd > 0 and sd**2 >= mean * (1 - mean):
            raise ValueError(
                f"reputation.competence_sd ({sd}) must satisfy sd^2 < mean * (1 - mean) "
                f"= {mean * (1 - mean):.4g}"
            )
        return self


class StrategiesConfig(_Section):
    """Conversation behaviour of the two strategies (see sim/model/strategies.py)."""

    relationship_known_share: float = Field(
        0.5, ge=0, le=1, description="share of a builder's conversations sought with known people"
    )
    relationship_listening: float = Field(0.9, ge=0, le=1, description="how well a builder listens")
    direct_listening: float = Field(0.3, ge=0, le=1, description="how well a direct seller listens")
    relationship_follow_ups: int = Field(
        2, ge=0, le=100, description="one-to-ones with warm contacts between two events"
    )
    direct_follow_ups: int = Field(
        2, ge=0, le=100, description="sales calls to fresh contacts between two events"
    )
    relationship_giving: float = Field(
        0.0, ge=0, le=10, description="a giver looks for referrals: recognises (1 + giving)x (C9)"
    )
    direct_giving: float = Field(0.0, ge=0, le=10, description="giving of a direct seller (C9)")


class MarketConfig(_Section):
    """Needs, lifetimes and lockout, pitches and conversion (C1, C10, C11)."""

    lifetime_weeks: float = Field(260, gt=0, le=2600, description="focal product lifetime")
    lifetime_spread_weeks: float = Field(52, ge=0, le=1000, description="sd of the lifetime")
    other_lifetime_weeks: float = Field(104, gt=0, le=2600, description="other sectors' lifetime")
    extra_units_mean: float = Field(
        0.2, ge=0, le=20, description="extra units per need beyond the first (cross-selling)"
    )
    pitch_close: float = Field(0.005, ge=0, le=1, description="chance a pitch closes a sale")
    pull_forward_weeks: float = Field(
        52, ge=0, le=2600, description="a pitch can pull a need forward by at most this"
    )
    referral_convert: float = Field(
        0.45, ge=0, le=1, description="chance a referral becomes a sale"
    )
    repeat_purchase: float = Field(
        0.5, ge=0, le=1, description="chance a past customer buys again from the same seller"
    )


class ReferralConfig(_Section):
    """How a need travels along the network to a provider (C2, C5, C7)."""

    mention: float = Field(
        0.1, ge=0, le=1, description="chance a person with a need asks a given contact about it"
    )
    recognise: float = Field(
        0.5, ge=0, le=1, description="chance a contact recognises a need as fitting the provider"
    )
    forward: float = Field(
        0.3, ge=0, le=1, description="chance a contact passes the question one hop further"
    )
    max_degree: int = Field(3, ge=1, le=3, description="furthest degree a referral can come from")


class RunConfig(_Section):
    weeks: int = Field(260, ge=1, le=5200, description="time steps (weeks)")
    replications: int = Field(20, ge=1, le=100_000)
    seed: int = Field(20261122, ge=0)
    network_every_weeks: int = Field(
        26, ge=1, le=5200, description="weeks between snapshots of the network (report slider)"
    )


class Params(_Section):
    """All model parameters (the resolved configuration of one variant)."""

    scene: SceneConfig = SceneConfig()
    memory: MemoryConfig = MemoryConfig()
    trust: TrustConfig = TrustConfig()
    events: EventsConfig = EventsConfig()
    chapter: ChapterConfig = ChapterConfig()
    circuit: CircuitConfig = CircuitConfig()
    dinner: DinnerConfig = DinnerConfig()
    circle: CircleConfig = CircleConfig()
    online: OnlineConfig = OnlineConfig()
    conversation: ConversationConfig = ConversationConfig()
    reputation: ReputationConfig = ReputationConfig()
    strategies: StrategiesConfig = StrategiesConfig()
    market: MarketConfig = MarketConfig()
    referrals: ReferralConfig = ReferralConfig()
    run: RunConfig = RunConfig()

    @model_validator(mode="after")
    def _visits_fit_in_the_month(self) -> Params:
        visits, weeks = self.circuit.visits_per_month, self.events.interval_weeks
        if self.events.format == "circuit" and visits > weeks:
            raise ValueError(
                f"circuit.visits_per_month ({visits}) must be at most events.interval_weeks "
                f"({weeks}): a member goes to one event a week"
            )
        return self

    @model_validator(mode="after")
    def _focal_sellers_fit_in_the_scene(self) -> Params:
        focal = self.scene.focal_direct + self.scene.focal_relationship
        if focal > self.scene.members:
            raise ValueError(
                f"scene.members ({self.scene.members}) must be at least focal_direct + "
                f"focal_relationship ({focal})"
            )
        return self


Direction = Literal["lower", "higher", "same"]
METRICS = (
    "relationship_units",
    "direct_units",
    "ratio",
    "indirect_share",
    "direct_avoided_by",
    "units_per_member",
    "referrals_per_member_year",
)


class Variant(_Section):
    description: str = ""
    set: dict[str, Any] = Field(default_factory=dict)
    expect: dict[Literal[METRICS], Direction] = Field(default_factory=dict)  # type: ignore[valid-type]


LANGUAGES = ("en", "nl")


class ScenarioHead(_Section):
    name: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    description: str = Field(min_length=1)
    claims: list[str] = Field(default_factory=list)
    language: Literal[LANGUAGES] = "en"  # type: ignore[valid-type]  # the report's default


class Scenario(_Section):
    name: str
    description: str
    claims: list[str] = Field(default_factory=list)
    language: str = "en"
    variants: dict[str, Params]
    variant_info: dict[str, Variant]
    path: str
    sha256: str

    @property
    def params(self) -> Params:
        """The base variant's parameters: the scenario as written (plus any --set)."""
        return self.variants["base"]


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _allowed_for(key: str) -> str:
    """Describe what a dotted key accepts, from the pydantic field definition."""
    section, _, name = key.partition(".")
    sections = Params.model_fields
    if section not in sections:
        return "sections: " + ", ".join(sections)
    fields = sections[section].annotation.model_fields  # type: ignore[union-attr]
    if name not in fields:
        return f"keys in [{section}]: " + ", ".join(fields)
    info = fields[name]
    bounds = [f"{m.__class__.__name__.lower()} {_bound(m)}" for m in info.metadata]
    kind = getattr(info.annotation, "__name__", str(info.annotation))
    text = kind + (" " + ", ".join(bounds) if bounds else "")
    return f"{text} ({info.description})" if info.description else text


def _bound(meta: Any) -> Any:
    for attr in ("ge", "gt", "le", "lt"):
        if hasattr(meta, attr):
            return getattr(meta, attr)
    return meta


def apply_overrides(base: Params, overrides: dict[str, Any], source: str) -> Params:
    """Return base with dotted-key overrides applied and validated; ConfigError on bad input."""
    tree = base.model_dump()
    for key, value in overrides.items():
        section, _, name = key.partition(".")
        if section in tree and not name:
            raise ConfigError(
                f"{source}: '{key}' is a section, not a value; allowed: {_allowed_for(key + '.?')}"
            )
        if section not in tree or not name or name not in tree[section]:
            raise ConfigError(f"{source}: unknown key '{key}'; allowed: {_allowed_for(key)}")
        tree[section][name] = value
    try:
        return Params.model_validate(tree)
    except ValidationError as err:
        first = err.errors()[0]
        if not first["loc"]:  # a cross-field rule
            raise ConfigError(f"{source}: {first['msg'].removeprefix('Value error, ')}") from None
        key = ".".join(str(p) for p in first["loc"])
        got = first.get("input")
        raise ConfigError(
            f"{source}: key '{key}' = {got!r} is invalid ({first['msg']}); "
            f"allowed: {_allowed_for(key)}"
        ) from None


def parse_set_options(items: list[str], source: str = "--set") -> dict[str, Any]:
    """Parse `key=value` strings, reading the value as TOML (so 3, 0.5, true, "x" work)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{source}: '{item}' is not key=value (e.g. market.pitch_close=0.01)")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[key.strip()] = value
    return out


def available_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_scenario_path(name_or_path: str) -> Path:
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


def load_scenario(name_or_path: str, extra_overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, validate and resolve a scenario file (and optional --set overrides) into Params."""
    path = resolve_scenario_path(name_or_path)
    raw_bytes = path.read_bytes()
    try:
        doc = tomllib.loads(raw_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: malformed TOML ({err})") from None
    doc = copy.deepcopy(doc)
    allowed_top = {"scenario", "params", "variants"}
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
        key = "scenario." + ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{path}: key '{key}' is invalid ({first['msg']}); allowed: name (letters, digits, "
            f"_ and -), description (a one-line string), claims (a list of claim IDs), "
            f"language (en or nl: the report's default)"
        ) from None
    params_doc = doc.get("params", {})
    for section, table in params_doc.items():
        if not isinstance(table, dict):
            raise ConfigError(
                f"{path}: key 'params.{section}' must be a table; allowed: {_allowed_for(section)}"
            )
    base = apply_overrides(Params(), _flatten(params_doc), str(path))
    if extra_overrides:  # --set changes the base; each variant's own settings still apply on top
        base = apply_overrides(base, extra_overrides, "--set")
    variants: dict[str, Params] = {"base": base}
    info: dict[str, Variant] = {"base": Variant(description="the scenario as written")}
    for vname, vdoc in doc.get("variants", {}).items():
        if vname == "base":
            raise ConfigError(f"{path}: key 'variants.base' is reserved for the scenario itself")
        try:
            variant = Variant.model_validate(vdoc)
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(["variants", vname, *(str(p) for p in first["loc"])])
            raise ConfigError(
                f"{path}: key '{key}' is invalid ({first['msg']}); allowed: description (string), "
                f"set (table of dotted keys), expect (metric = lower|higher|same; metrics: "
                f"{', '.join(METRICS)})"
            ) from None
        variants[vname] = apply_overrides(base, variant.set, f"{path} [variants.{vname}]")
        info[vname] = variant
    return Scenario(
        name=head.name or path.stem,
        description=head.description,
        claims=head.claims,
        language=head.language,
        variants=variants,
        variant_info=info,
        path=str(path),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
    )
