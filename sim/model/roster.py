"""Who is in the room: the roster of groups a scene is made of, and the members it expands to.

A scenario lists groups (`[[params.scene.groups]]`): each has a name, a strategy, a `count` of
members or a `share` of the members left over, whether it is `focal` (its sales are followed and
reported), where its members sell (`sector`) and trait overrides for that group only. Groups with
a count come first, in file order; the rest of `scene.members` is drawn among the share groups.
A trait is resolved as: the strategy's default, then `[params.strategies.<name>]`, then the
group's own value; a trait left at None takes the scene's parameter (e.g. `market.pitch_close`).
Claims: C1 (who sells what), C6-C10 (traits per member).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.fields import describe, quoted
from sim.model.strategies import STRATEGIES

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
NAME_HELP = "a letter, then letters, digits, _ or - (at most 40)"
STRUCTURE = (
    "name", "strategy", "count", "share", "focal", "sector", "circuit_policy", "lifetime_weeks"
)  # fmt: skip
Sector = Literal["focal", "own", "spread"]


class Group(BaseModel):
    """A group of members with one strategy; extra keys are trait overrides for this group."""

    model_config = ConfigDict(extra="allow", strict=True, validate_assignment=True)

    name: str = Field(pattern=NAME_PATTERN, max_length=40, description=NAME_HELP)
    strategy: str = Field(description="a strategy of sim/model/strategies.py")
    count: int | None = Field(None, ge=1, le=1_000_000, description="members in the group")
    share: float | None = Field(
        None, gt=0, le=1, description="share of the members left after the counted groups"
    )
    focal: bool = Field(False, description="its sales are followed and reported")
    sector: Sector | None = Field(
        None,
        description="focal: the focal product's sector, shared by all such groups (competitors); "
        "own: a sector of one's own, selling the focal product; spread: one of the other "
        "sectors, in turn. Default: focal for a focal group, else spread",
    )
    circuit_policy: Literal["anchor", "tour", "mixed"] | None = Field(
        None, description="at a circuit: default circuit.policy if focal, else anchor"
    )
    lifetime_weeks: float | None = Field(
        None,
        ge=1,
        le=2600,
        description="with sector 'own': the mean lifetime of what its members sell (C11); "
        "default market.lifetime_weeks",
    )

    @model_validator(mode="after")
    def _known_strategy_and_traits(self) -> Group:
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"group '{self.name}': unknown strategy '{self.strategy}'; allowed: "
                + ", ".join(STRATEGIES)
            )
        if (self.count is None) == (self.share is None):
            raise ValueError(
                f"group '{self.name}': give either count (members) or share (of the rest)"
            )
        if self.lifetime_weeks is not None and self.sector != "own":
            raise ValueError(
                f"group '{self.name}': lifetime_weeks needs sector 'own' (what its members "
                "sell); the shared products' lifetimes are market.lifetime_weeks"
            )
        if self.sector == "own" and self.count is None:
            raise ValueError(
                f"group '{self.name}': sector 'own' (a sector per member) needs a count, "
                "not a share"
            )
        traits = STRATEGIES[self.strategy].Traits
        try:
            traits.model_validate(self.traits)
        except ValidationError as err:
            raise ValueError(f"group '{self.name}': {trait_error(err, traits)}") from None
        return self

    @property
    def traits(self) -> dict[str, Any]:
        """The trait overrides given for this group."""
        return dict(self.model_extra or {})

    @property
    def where(self) -> Sector:
        return self.sector or ("focal" if self.focal else "spread")


def trait_error(err: ValidationError, traits: type[BaseModel]) -> str:
    """One line for the first problem with trait values: which trait, and what is allowed."""
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"'{key}' is not a trait of this strategy; allowed: " + ", ".join(
            traits.model_fields
        )
    info = traits.model_fields.get(key)
    allowed = describe(info) if info else ", ".join(traits.model_fields)
    got = quoted(first.get("input"))
    return f"trait '{key}' = {got} is invalid ({first['msg']}); allowed: {allowed}"


def check_roster(groups: list[Group], members: int, sectors: int, per_region: bool = False) -> None:
    """Rules across groups: unique names, counts and shares that fill the scene, enough sectors.

    With regions (`per_region`), `members` is one region's and the counts are per region."""
    names = [g.name for g in groups]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"scene.groups: two groups are named '{twice[0]}'; names must differ")
    if not groups:
        raise ValueError("scene.groups: the roster is empty; list at least one group")
    counted = sum(g.count or 0 for g in groups)
    shares = [g.share for g in groups if g.share is not None]
    where = f"a region's members ({members})" if per_region else f"scene.members ({members})"
    if counted > members:
        raise ValueError(f"scene.groups: the groups' counts add up to {counted}, more than {where}")
    if counted == members and shares:
        raise ValueError(
            f"scene.groups: the counted groups fill all of {where}, so no members are "
            "left for the groups with a share; lower a count or raise scene.members"
        )
    if counted < members and not shares:
        raise ValueError(
            f"scene.groups: {members - counted} of {where} belong to no group; "
            "add a group with a share, or set scene.members to the counts' sum"
        )
    if shares and abs(sum(shares) - 1.0) > 1e-9:
        raise ValueError(f"scene.groups: the shares add up to {sum(shares):g}; they must add to 1")
    needed = sector_layout(groups)[2]
    if needed > sectors:
        raise ValueError(
            f"scene.sectors ({sectors}) is too few for the roster: it needs {needed} (the focal "
            "sector, one per member of an 'own' group, and at least one more)"
        )


def sector_layout(groups: list[Group]) -> tuple[bool, int, int]:
    """(uses the shared focal sector, members with a sector of their own, sectors needed)."""
    shared = any(g.where == "focal" for g in groups)
    own = sum(g.count or 0 for g in groups if g.where == "own")
    spread = any(g.where == "spread" for g in groups)
    return shared, own, int(shared) + own + int(spread)


class Members:
    """The members a roster expands to: per member its group, sector and resolved traits."""

    def __init__(self, rng: np.random.Generator, params) -> None:
        groups = params.scene.groups
        self.groups = groups
        self.group_of = self._draw_groups(rng, groups, params.scene.members)
        self.sector, self.focal_product = self._sectors(groups, params.scene.sectors)
        self.sector_lifetime = self._lifetimes(groups, params.scene.sectors)
        self.focal = np.array([g.focal for g in groups], dtype=bool)[self.group_of]
        self.group_traits = [resolve_traits(g, params) for g in groups]

    @staticmethod
    def _draw_groups(rng, groups: list[Group], members: int) -> np.ndarray:
        """Counted groups in file order; each remaining member draws a share group."""
        counted = [np.full(g.count, i) for i, g in enumerate(groups) if g.count]
        rest = members - sum(g.count or 0 for g in groups)
        share_groups = np.array([i for i, g in enumerate(groups) if g.share], dtype=np.int64)
        bounds = np.cumsum([groups[i].share for i in share_groups])
        draw = np.searchsorted(bounds, rng.random(rest), side="right")
        drawn = share_groups[np.minimum(draw, share_groups.size - 1)] if rest else []
        return np.concatenate([*counted, np.asarray(drawn, dtype=np.int64)]).astype(np.int64)

    def _sectors(self, groups: list[Group], n_sectors: int) -> tuple[np.ndarray, np.ndarray]:
        """Each member's sector, and which sectors sell the focal product.

        The shared focal sector is 0 (when any group uses it), then one sector per member of an
        'own' group, then the 'spread' members go round the remaining sectors in turn.
        """
        shared, own, _ = sector_layout(groups)
        where = np.array([g.where for g in groups])[self.group_of]
        sector = np.zeros(self.group_of.size, dtype=np.int64)
        own_members = np.flatnonzero(where == "own")
        sector[own_members] = int(shared) + np.arange(own_members.size)
        first = int(shared) + own
        spread = np.flatnonzero(where == "spread")
        sector[spread] = first + np.arange(spread.size) % max(n_sectors - first, 1)
        focal_product = np.zeros(n_sectors, dtype=bool)
        focal_product[: int(shared) + own] = True
        return sector, focal_product

    def _lifetimes(self, groups: list[Group], n_sectors: int) -> np.ndarray:
        """Per sector, the mean lifetime its 'own' group set (NaN: the market's default)."""
        lifetime = np.full(n_sectors, np.nan)
        own = np.array([g.lifetime_weeks or np.nan for g in groups])[self.group_of]
        sellers = np.array([g.where == "own" for g in groups], dtype=bool)[self.group_of]
        lifetime[self.sector[sellers]] = own[sellers]
        return lifetime

    def trait(self, name: str) -> np.ndarray:
        """Per-member values of a trait; NaN for members whose strategy lacks it."""
        values = [t.get(name, np.nan) for t in self.group_traits]
        return np.array(values, dtype=float)[self.group_of]


def resolve_traits(group: Group, params) -> dict[str, Any]:
    """The group's traits: strategy default <- [params.strategies.<name>] <- the group's own;
    a trait left at None takes the scene's parameter named in its field metadata."""
    traits = STRATEGIES[group.strategy].Traits
    values = traits().model_dump()
    values.update(params.strategies.get(group.strategy, {}))
    values.update(group.traits)
    for name, info in traits.model_fields.items():
        if values[name] is None:
            section, key = info.json_schema_extra["scene_default"].split(".")
            values[name] = getattr(getattr(params, section), key)
    return values
