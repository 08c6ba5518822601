"""Validated configuration: every model parameter, its unit, default and range, in one place.

`Params` is the resolved configuration of one run. Scenario files (sim/scenario.py) override its
defaults; sources for each default are in docs/model.md. The event formats and strategies are
validated against their registries (sim/model/formats.py, sim/model/strategies.py), so adding
one never touches this file.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from sim.config_formats import (  # the event formats' sections (re-exported here)
    ChapterConfig,
    CircleConfig,
    CircuitConfig,
    DinnerConfig,
    EventsConfig,
    OnlineConfig,
    _Section,
)
from sim.model.roster import Group, check_roster, resolve_traits, trait_error
from sim.model.strategies import DEFAULT_ROSTER, STRATEGIES

__all__ = ["ChapterConfig", "CircleConfig", "CircuitConfig", "DinnerConfig", "EventsConfig"]
__all__ += ["OnlineConfig", "Params"]


class SceneConfig(_Section):
    """Who is in the local networking scene and who lives around it (C1)."""

    members: int = Field(200, ge=4, le=1_000_000, description="members of the scene")
    sectors: int = Field(25, ge=2, le=1000, description="sectors (what members sell); 0 is focal")
    groups: list[Group] = Field(
        default_factory=lambda: [Group.model_validate(g) for g in DEFAULT_ROSTER],
        description="the roster: groups of members with a strategy (sim/model/roster.py)",
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
    regions: int = Field(
        1,
        ge=1,
        le=10_000,
        description="independent regions the members are split into (sizes differ by at most "
        "one); members meet only within their region, so each region is a model run of its own "
        "and a group's count is per region",
    )
    ask_specificity: float = Field(
        1.0,
        ge=0,
        le=1,
        description="how precisely members say whom they look for; scales referrals.recognise (C7)",
    )
    one_to_ones: float = Field(
        2.0,
        ge=0,
        le=60,
        description="one-to-ones a member holds a month, whatever the events: the scene's habit "
        "(a group's or strategy's one_to_ones trait overrides it; C5)",
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

    @model_validator(mode="after")
    def _in_mind_means_remembered(self) -> MemoryConfig:
        if self.top_of_mind_level < self.name_level:
            raise ValueError(
                f"memory.top_of_mind_level ({self.top_of_mind_level}) must be at least "
                f"memory.name_level ({self.name_level}): who comes to mind is remembered by name"
            )
        return self


class TrustConfig(_Section):
    """Per-pair trust as a beta reputation (Josang & Ismail 2002); slow to grow, fast to break.

    Claims: C4, C10.
    """

    gain: float = Field(0.5, ge=0, le=10, description="positive evidence per good conversation")
    pitch_cost: float = Field(1.0, ge=0, le=20, description="negative evidence per pushy pitch")
    refer_level: float = Field(0.8, gt=0.5, lt=1, description="trust needed to refer someone")
    avoid_level: float = Field(0.3, gt=0, lt=0.5, description="below this, steer clear at events")
    half_life_weeks: float = Field(
        39.0,
        ge=0,
        le=5200,
        description="trust evidence not renewed halves in this time (Burt 2002); 0 = never fades",
    )


class TiesConfig(_Section):
    """Deep ties: how well two members know each other changes what they do for each other.

    A tie's depth is the conversation time the two have shared (in short-conversation units;
    a dinner or a circle evening counts as several), fading with trust. Claims: C13, C14, C15.
    """

    depth_half: float = Field(
        10.0,
        gt=0,
        le=1000,
        description="shared conversations at which a tie is half as deep as it gets",
    )
    understanding: float = Field(
        1.0,
        ge=0,
        le=10,
        description="a deep tie recognises up to 1 + this times the needs a name-level one does",
    )
    belief: float = Field(
        1.0,
        ge=0,
        le=10,
        description="a referral from full conviction converts up to 1 + this times more often",
    )


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
        0.3,
        ge=0,
        le=1,
        description="chance a referral becomes a sale when the referrer barely trusts enough",
    )
    repeat_purchase: float = Field(
        0.5, ge=0, le=1, description="chance a past customer buys again from the same seller"
    )


class ReferralConfig(_Section):
    """How a need travels along the network to a provider (C2, C5, C7)."""

    mention: float = Field(
        0.06, ge=0, le=1, description="chance a person with a need asks a given contact about it"
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
    replications: int = Field(20, ge=1, le=10_000)
    seed: int = Field(20261122, ge=0, le=2**63 - 1)
    network_every_weeks: int = Field(
        26, ge=1, le=5200, description="weeks between snapshots of the network (report slider)"
    )
    detail_regions: int = Field(
        0,
        ge=0,
        le=10_000,
        description="regions whose sales and referrals are written row by row (0: all); the "
        "agents, steps, scene and pairs tables always cover every region",
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
    ties: TiesConfig = TiesConfig()
    strategies: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="trait overrides for everyone using a strategy: strategies.<name>.<trait>",
    )
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

    @field_validator("strategies")
    @classmethod
    def _known_strategies_and_traits(cls, value: dict[str, dict[str, Any]]):
        for name, traits in value.items():
            if name not in STRATEGIES:
                raise ValueError(f"unknown strategy '{name}'; allowed: {', '.join(STRATEGIES)}")
            if not isinstance(traits, dict):
                raise ValueError(f"strategies.{name} must be a table of traits")
            kind = STRATEGIES[name].Traits
            try:
                kind.model_validate(traits)
            except ValidationError as err:
                raise ValueError(f"strategies.{name}: {trait_error(err, kind)}") from None
        return value

    @model_validator(mode="after")
    def _groups_fit_in_the_scene(self) -> Params:
        """A chapter, a table or a circle cannot be larger than the scene (or region) it is part
        of."""
        members, fmt = min(self.region_sizes()), self.events.format
        where = (
            f"scene.members ({members})"
            if self.scene.regions == 1
            else f"the smallest region ({members} members)"
        )
        if members < 4:
            raise ValueError(
                f"scene.regions ({self.scene.regions}) leaves {members} members per region; a "
                "region needs at least 4 (fewer regions or more scene.members)"
            )
        sizes = {
            "chapter.size": (self.chapter.size, fmt == "chapter"),
            "dinner.table_size": (self.dinner.table_size, fmt == "dinner"),
            "circle.size": (self.circle.size, fmt == "circle" or self.circle.join),
        }
        for key, (size, used) in sizes.items():
            if used and size > members:
                raise ValueError(
                    f"{key} ({size}) must be at most {where}: a group of the scene cannot be "
                    "larger than the scene"
                )
        return self

    @model_validator(mode="after")
    def _roster_fills_the_scene(self) -> Params:
        for members in sorted(set(self.region_sizes())):
            check_roster(self.scene.groups, members, self.scene.sectors, self.scene.regions > 1)
        return self

    def region_sizes(self) -> list[int]:
        """Members of each region (scene.regions of them, sizes differing by at most one)."""
        base, extra = divmod(self.scene.members, self.scene.regions)
        return [base + (r < extra) for r in range(self.scene.regions)]

    def for_region(self, region: int) -> Params:
        """The parameters of one region's model run: its members, and no further regions."""
        if self.scene.regions == 1:
            return self
        scene = self.scene.model_copy(update={"members": self.region_sizes()[region], "regions": 1})
        return self.model_copy(update={"scene": scene})

    @model_validator(mode="after")
    def _competence_spread_fits_every_group(self) -> Params:
        sd = self.reputation.competence_sd
        for group in self.scene.groups if sd > 0 else ():
            mean = resolve_traits(group, self)["competence"]
            if sd**2 >= mean * (1 - mean):
                raise ValueError(
                    f"reputation.competence_sd ({sd}) must satisfy sd^2 < mean * (1 - mean) = "
                    f"{mean * (1 - mean):.4g} for group '{group.name}' (competence {mean})"
                )
        return self
