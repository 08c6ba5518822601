"""Networking strategies, one class each, in the spirit of Axelrod's strategy classes.

A strategy is behaviour. Each class answers, in a few small methods the model calls, the
questions a member faces: whom to approach at an event (`seeks_known`), whether to pitch the
person in front of them (`pitches`), whom to meet one-to-one
(`follow_up_weight`) and how readily to pass on a referral (`referral_drive`). The methods are
vectorised: they answer for an array of the strategy's members at once.

A strategy's traits (listening, giving, ...) are a pydantic model with defaults and ranges; a
scenario's roster may override them per group (`[[params.scene.groups]]`) or for everyone using
the strategy (`[params.strategies.<name>]`). A trait left at None takes the scene's value (see
`scene_default`). Claims: C1, C5, C8, C9, C10.

Adding a strategy is adding one class here (it registers itself) plus its scripted test. This is
the only module that names a strategy.

A strategy may also act in a way of its own once a week (`week_end`: e.g. introduce two of its
contacts to each other), through the model's small public interface (`Scene`, `introduce`,
`trust_in`, `contacts_of`): a new kind of decision is one class too.

The classifier is data the decisions follow: by default each method does what the classifier
says (`seeks_known`, `pitches`, `follows_up`), so a strategy of a known kind writes no method,
and one that decides otherwise overrides the method (and says so in its classifier). Each
decision has one implementation, these numpy methods, in small runs and in large ones, with two
exceptions of form, not of content: the compiled one-to-ones (sim/model/events.py) read the
`follows_up` rule as data for the strategies that keep the default `follow_up_weight`
(`follow_up_rule`) and compute its weight in the same pass as the draw, and the compiled
conversations (sim/model/conversations.py) read the `pitches` rule as data when every strategy
keeps the default `pitches` (`pitch_rule`), the same values as the methods give; a strategy with
a method of its own is asked, in every run. A decision may
read anything the scene offers, every trait of its members included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sim.model.model import NetworkingModel
    from sim.model.scene import Scene

STRATEGIES: dict[str, type[Strategy]] = {}


def scene_default(key: str) -> dict:
    """Field metadata: a trait left at None takes the scene's parameter `key` (dotted)."""
    return {"scene_default": key}


class Traits(BaseModel):
    """Traits every member has, whatever their strategy."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    listening: float = Field(
        0.9, ge=0, le=1, description="how well the member listens to the other's story (C8)"
    )
    giving: float = Field(
        0.0, ge=0, le=10, description="how actively they look for referrals to give (C9)"
    )
    one_to_ones: float | None = Field(
        None,
        ge=0,
        le=60,
        description="one-to-ones they hold a month, their habit whatever the events (C5); "
        "default scene.one_to_ones",
        json_schema_extra=scene_default("scene.one_to_ones"),
    )
    capacity: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description="units they can deliver in any 52 weeks; 0 = no limit (work beyond it is "
        "turned away and bought elsewhere)",
    )
    posts: bool = Field(True, description="posts online when the scene has online posts (C16)")
    ask_specificity: float | None = Field(
        None,
        ge=0,
        le=1,
        description="how precisely they say whom they look for (C7); default scene.ask_specificity",
        json_schema_extra=scene_default("scene.ask_specificity"),
    )
    competence: float | None = Field(
        None,
        gt=0,
        le=1,
        description="mean chance their sale turns out well (C6); default "
        "reputation.competence_mean",
        json_schema_extra=scene_default("reputation.competence_mean"),
    )
    attendance: float | None = Field(
        None,
        ge=0,
        le=1,
        description="chance they come to an event they could go to (C5); default events.attendance",
        json_schema_extra=scene_default("events.attendance"),
    )


class SeekingTraits(Traits):
    """Traits of strategies that meet known people again at events."""

    known_share: float = Field(
        0.5, ge=0, le=1, description="share of conversations sought with people already known"
    )


class PitchingTraits(Traits):
    """Traits of strategies that pitch their product in conversations."""

    pitch_close: float | None = Field(
        None,
        ge=0,
        le=1,
        description="chance a pitch closes a sale (C10); default market.pitch_close",
        json_schema_extra=scene_default("market.pitch_close"),
    )


Pitching = Literal["always", "never", "when trusted"]
FollowingUp = Literal["new faces", "warm contacts"]


@dataclass(frozen=True)
class Classifier:
    """What kind of player a strategy is, in named facts its behaviour bears out (as Axelrod's
    classifier; tests/test_classifier.py checks every registered strategy against them).

    - `seeks_known`: at events it also approaches people it already knows (else new faces only);
    - `pitches`: whom it pitches in a conversation: `always` anyone, `never` no one, `when
      trusted` only a partner whose trust in it has reached the refer level (C1, C10);
    - `follows_up`: whom its one-to-ones go to: `new faces` (only people first met since the
      last event: the Monday call, C10) or `warm contacts` (known contacts it does not avoid, C5);
    - `gives_first`: it refers as readily as if every provider had already referred to it (C9).
    """

    seeks_known: bool
    pitches: Pitching
    follows_up: FollowingUp
    gives_first: bool = False

    def __post_init__(self) -> None:
        for field, allowed in (("pitches", Pitching), ("follows_up", FollowingUp)):
            if getattr(self, field) not in get_args(allowed):
                raise ValueError(f"classifier {field}: one of {', '.join(get_args(allowed))}")


class Strategy:
    """Base class: a name, a plain description, claim IDs, a classifier, traits and behaviour."""

    name: ClassVar[str]
    description: ClassVar[str]
    claims: ClassVar[tuple[str, ...]]
    classifier: ClassVar[Classifier]
    labels: ClassVar[dict[str, str]]  # what the report calls a member using it, per language
    plurals: ClassVar[dict[str, str]] = {}  # a group of them, where a scenario names it not
    Traits: ClassVar[type[Traits]] = Traits

    def __init_subclass__(cls, **kwargs) -> None:
        """Registers a strategy that names itself; refuses a name taken by another class, and
        traits that drop a trait of the parent strategy (its inherited decisions read them: a
        member without one would read NaN)."""
        super().__init_subclass__(**kwargs)
        parent = next(b for b in cls.__mro__[1:] if issubclass(b, Strategy))
        dropped = sorted(set(parent.Traits.model_fields) - set(cls.Traits.model_fields))
        if dropped:
            raise TypeError(
                f"strategy {cls.__name__}: its Traits lack {', '.join(dropped)} of "
                f"{parent.__name__}.Traits, which its inherited decisions read; derive them from "
                f"{parent.__name__}.Traits"
            )
        seeks = getattr(cls, "classifier", None) and cls.classifier.seeks_known
        if (
            seeks
            and cls.seeks_known is Strategy.seeks_known
            and "known_share" not in cls.Traits.model_fields
        ):
            raise TypeError(
                f"strategy {cls.__name__}: its classifier seeks known faces, which the default "
                "seeks_known reads from the trait known_share; derive its Traits from "
                "SeekingTraits or write its own seeks_known"
            )
        if "name" in cls.__dict__:
            taken = STRATEGIES.get(cls.name)
            if taken is not None and taken.__qualname__ != cls.__qualname__:
                where = f"{taken.__module__}.{taken.__qualname__}"
                raise ValueError(f"strategy name {cls.name!r} is taken by {where}")
            STRATEGIES[cls.name] = cls

    def __repr__(self) -> str:
        return f"<strategy {self.name!r}>"

    def seeks_known(self, scene: Scene, members: np.ndarray) -> np.ndarray:
        """Chance, in each round of an event, that each member approaches someone they know:
        by default, as the classifier says, their trait `known_share`, or never."""
        if self.classifier.seeks_known:
            return scene.traits["known_share"][members]
        return np.zeros(members.size)

    def pitches(self, scene: Scene, seller: np.ndarray, partner: np.ndarray) -> np.ndarray:
        """Whether seller[k] pitches their product to partner[k] in their conversation now: by
        default, as the classifier says, always, never, or when the partner's trust in the
        seller has reached the level at which they would refer him (C1, C10)."""
        rule = self.classifier.pitches
        if rule == "when trusted":
            store = scene.store
            return store.trust_of(partner, seller, scene.week) >= store.trust_cfg.refer_level
        return np.full(seller.size, rule == "always")

    def follow_up_weight(self, scene: Scene, slots: np.ndarray, since_week: float) -> np.ndarray:
        """How much each member (the pair's source) wants a one-to-one with the pair's target.

        `slots` are pairs of the pair store; 0 means not at all. Contacts are drawn in proportion
        to the weight, as many as the member's one-to-one habit holds this week. By default, as
        the classifier says: the people first met since `since_week` (the last event), all
        alike (the Monday call, C10), or warm contacts by how well they are remembered (C5).
        """
        if self.classifier.follows_up == "new faces":
            store = scene.store
            fresh = (store.first_week[slots] >= since_week) & (store.meetings[slots] > 0)
            return np.where(fresh, 1.0 + 1e-9, 0.0)
        return warm_contacts(scene, slots)

    @classmethod
    def follow_up_rule(cls) -> str | None:
        """The classifier's `follows_up` when the strategy follows up by it (the default
        `follow_up_weight`), else None: the one decision the compiled one-to-ones read as data
        (sim/model/events.py) instead of asking the method."""
        return (
            cls.classifier.follows_up if cls.follow_up_weight is Strategy.follow_up_weight else None
        )

    @classmethod
    def pitch_rule(cls) -> str | None:
        """The classifier's `pitches` when the strategy pitches by it (the default `pitches`),
        else None: read as data by the compiled conversations (sim/model/conversations.py)."""
        return cls.classifier.pitches if cls.pitches is Strategy.pitches else None

    def referral_drive(self, scene: Scene, referrer: np.ndarray, owes: np.ndarray) -> np.ndarray:
        """How readily each referrer passes on a need that fits a provider they trust (C9).

        Giving multiplies it; having received a referral from that provider (`owes`, 0 or 1)
        raises it by `conversation.reciprocity`.
        """
        giving = scene.traits["giving"][referrer]
        return (1.0 + giving) * (1.0 + scene.params.conversation.reciprocity * owes)

    def week_end(self, model: NetworkingModel, members: np.ndarray) -> None:
        """A decision of a kind the four above do not cover, taken once a week for all the
        strategy's `members` (sorted) at once: the model calls it after the week's needs are
        answered, before the week is recorded, strategy by strategy in the order their groups
        first appear in the roster. It acts through the model's public interface (the `Scene`
        protocol, plus `introduce`, `trust_in`, `contacts_of`; docs/extending.md, "A new kind of
        decision") and draws any randomness from `model.rng`. By default it does nothing."""


def warm_contacts(scene: Scene, slots: np.ndarray) -> np.ndarray:
    """Weight of known contacts by how well they are remembered; 0 for those one avoids (C5)."""
    store = scene.store
    warm = store.trust(slots, scene.week) >= store.trust_cfg.avoid_level
    return np.where(warm, store.memory_at(slots, scene.week) + 1e-9, 0.0)


class Direct(Strategy):
    """Goes from new face to new face, pitches in every conversation, calls back to pitch again."""

    name = "direct"
    description = "goes from new face to new face and pitches in every conversation"
    claims = ("C1", "C10", "C11")
    classifier = Classifier(seeks_known=False, pitches="always", follows_up="new faces")
    labels: ClassVar[dict[str, str]] = {"en": "direct seller", "nl": "harde verkoper"}
    plurals: ClassVar[dict[str, str]] = {"en": "direct sellers", "nl": "harde verkopers"}

    class Traits(PitchingTraits):
        listening: float = Field(0.3, ge=0, le=1, description="talks more than listens (C8)")
        posts: bool = Field(False, description="posts online when the scene has online posts")


class Relationship(Strategy):
    """Meets known contacts again as well as new people, listens, keeps warm contacts warm."""

    name = "relationship"
    description = "meets known contacts again and new people, listens, never pitches"
    claims = ("C1", "C2", "C3", "C4", "C5")
    classifier = Classifier(seeks_known=True, pitches="never", follows_up="warm contacts")
    labels: ClassVar[dict[str, str]] = {"en": "relationship builder", "nl": "relatiebouwer"}
    plurals: ClassVar[dict[str, str]] = {"en": "relationship builders", "nl": "relatiebouwers"}
    Traits = SeekingTraits


class Giver(Relationship):
    """Builds relationships and gives first: refers others as if they had already given to him."""

    name = "giver"
    description = "builds relationships and looks first for what he can do for others (givers gain)"
    claims = ("C9", "C12")
    classifier = Classifier(
        seeks_known=True, pitches="never", follows_up="warm contacts", gives_first=True
    )
    labels: ClassVar[dict[str, str]] = {"en": "giver", "nl": "gever"}
    plurals: ClassVar[dict[str, str]] = {"en": "givers", "nl": "gevers"}

    class Traits(Relationship.Traits):
        giving: float = Field(
            1.0, ge=0, le=10, description="looks for referrals to give: spots (1 + giving)x (C9)"
        )

    def referral_drive(self, scene, referrer, owes):
        """Gives first: as ready to refer anyone as others are to return a referral (C9)."""
        return super().referral_drive(scene, referrer, np.ones_like(owes))


class Opportunist(Relationship):
    """Builds relationships, then pitches everyone who already trusts him ("the cherry on the cake"
    turned into a habit)."""

    name = "opportunist"
    description = "builds relationships but pitches anyone who already trusts him"
    claims = ("C1", "C10")
    classifier = Classifier(seeks_known=True, pitches="when trusted", follows_up="warm contacts")
    labels: ClassVar[dict[str, str]] = {"en": "opportunist", "nl": "opportunist"}
    plurals: ClassVar[dict[str, str]] = {"en": "opportunists", "nl": "opportunisten"}

    class Traits(Relationship.Traits, PitchingTraits):
        pass


def trait_names() -> list[str]:
    """Every trait of every registered strategy, in a stable order (for tables and docs)."""
    names: dict[str, None] = {}
    for cls in STRATEGIES.values():
        names.update(dict.fromkeys(cls.Traits.model_fields))
    return list(names)


# The roster a scene has when a scenario names none: the laptop scene of claim C1. Groups with a
# `count` come first (in this order), the rest of `scene.members` is split by `share`.
DEFAULT_ROSTER: tuple[dict, ...] = (
    {"name": "pitchers", "strategy": "direct", "count": 3, "focal": True},
    {"name": "builders", "strategy": "relationship", "count": 3, "focal": True},
    {"name": "others", "strategy": "relationship", "share": 0.8},
    {"name": "other_pitchers", "strategy": "direct", "share": 0.2},
)
