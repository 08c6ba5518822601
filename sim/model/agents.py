"""The members of the networking scene as Mesa agents (C1).

A member belongs to one group of the roster, sells one sector's product, follows its group's
strategy and has that group's traits. Per-pair state (memory, trust) and the people outside the
scene live in numpy arrays held by the model, not on agents.
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.model.roster import Group
from sim.model.strategies import Strategy


class Member(mesa.Agent):
    """A member of the local networking scene: a group, a sector, a strategy and traits."""

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        group: Group,
        sector: int,
        strategy: Strategy,
        traits: dict[str, Any],
    ):
        super().__init__(model)
        self.index = index  # row in the model's per-member arrays and the pair store
        self.group = group
        self.sector = sector
        self.strategy = strategy
        self.focal = group.focal  # its sales are followed and reported
        self.traits = traits
