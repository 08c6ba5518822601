"""The members of the networking scene as Mesa agents: a live view over the model's arrays (C1).

A member belongs to one group of the roster, sells one sector's product, follows its group's
strategy and has that group's traits (C8, C9). All of that, and everything a member comes to
know - how well they remember another member and how far they trust them (C5, C10), what they
have sold (C1, C2) - lives in the model's arrays: per member (group, sector, traits), per pair
(the pair store) and in the market's ledger. A `Member` holds only its row in those arrays and
reads them when asked, so it always says what the model says now and cannot drift from it.
State put on an agent is seen by nothing: the model works on the arrays, for all members at
once (sim/model/model.py); a new kind of decision is a strategy's hook (`Strategy.week_end`).

The model creates its members' agents on first use of `model.agents` (or `agents_by_type`),
in roster order: a run that never asks for them (a replication, a region of a large scene)
does not pay for one Python object per member. docs/agents.md shows them in use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model.model import NetworkingModel
    from sim.model.roster import Group
    from sim.model.strategies import Strategy


class Member(mesa.Agent):
    """A member of the local networking scene, read from the model's arrays at row `index`.

    Its traits are attributes too (`member.listening`): those of its strategy's `Traits`."""

    model: NetworkingModel

    def __init__(self, model: NetworkingModel, index: int):
        super().__init__(model)
        self.index = index  # row in the model's per-member arrays and the pair store

    def __repr__(self) -> str:
        return f"Member({self.index}, {self.group_name!r}, {self.strategy_name!r})"

    # --- who they are ---------------------------------------------------------------------
    @property
    def group(self) -> Group:
        """Their group of the scenario's roster."""
        return self.model.groups[self.model.group_of[self.index]]

    @property
    def group_name(self) -> str:
        return self.group.name

    @property
    def strategy(self) -> Strategy:
        """Their strategy (sim/model/strategies.py): what they decide."""
        return self.model.strategies[self.model.strategy_code[self.index]]

    @property
    def strategy_name(self) -> str:
        return self.strategy.name

    @property
    def sector(self) -> int:
        """The sector whose product they sell."""
        return int(self.model.sector[self.index])

    @property
    def focal(self) -> bool:
        """Whether their sales are followed and reported (their group is focal)."""
        return bool(self.model.focal[self.index])

    @property
    def traits(self) -> dict[str, Any]:
        """Their strategy's traits and their values (as `model.traits` holds them now)."""
        return {name: self._trait(name) for name in self.strategy.Traits.model_fields}

    def _trait(self, name: str) -> Any:
        value = self.model.traits[name][self.index]
        kind = self.strategy.Traits.model_fields[name].annotation
        return bool(value) if kind is bool else int(value) if kind is int else float(value)

    def __setattr__(self, name: str, value: Any) -> None:
        """Only Mesa's own attributes and the index: anything else set here would be seen by
        nothing (the model reads its arrays), so it is refused with where it belongs."""
        if name == "index" and "index" in self.__dict__:
            raise AttributeError("a Member's index is its row for good: model.members()[i]")
        if name in _OWN or name.startswith("_"):
            super().__setattr__(name, value)
            return
        raise AttributeError(
            f"a Member is a view over the model's arrays and keeps no state of its own: "
            f"{name!r} is not read from it (a trait is in model.traits[name][member.index]; "
            f"a decision is its strategy's, sim/model/strategies.py)"
        )

    def __getattr__(self, name: str) -> Any:
        """A trait of their strategy, as an attribute (`member.giving`)."""
        model = self.__dict__.get("model")
        if name.startswith("_") or model is None or name not in self.strategy.Traits.model_fields:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self._trait(name)

    # --- what they know -------------------------------------------------------------------
    def memory_of(self, other: Member | int) -> float:
        """How well they remember `other` now, in [0, 1] (0 if they never met; C5)."""
        return float(self.model.familiarity(np.array([self.index]), np.array([_row(other)]))[0])

    def trust_in(self, other: Member | int) -> float:
        """How far they trust `other` now, in [0, 1] (0.5 if they never met; C5, C10)."""
        return float(self.model.trust_in(np.array([self.index]), np.array([_row(other)]))[0])

    def contacts(self) -> list[Member]:
        """The members they have met (conversations or light touches), by index."""
        members = self.model.members()
        return [members[k] for k in self.model.contacts_of(self.index).tolist()]

    # --- what they did --------------------------------------------------------------------
    @property
    def units(self) -> int:
        """Units they have sold so far (C1)."""
        return int(self.model.units_sold()[self.index])

    @property
    def conversations(self) -> int:
        """Conversations they have had so far."""
        return int(self.model.conversations[self.index])

    @property
    def pitches(self) -> int:
        """Pitches they have made so far (C10)."""
        return int(self.model.pitches_made[self.index])


_OWN = ("model", "unique_id", "pos", "index")  # set by mesa.Agent and Member.__init__


def _row(member: Member | int) -> int:
    return member.index if isinstance(member, Member) else int(member)
