"""The members of the networking scene as Mesa agents (C1).

A member sells one sector's product and follows one strategy. Per-pair state (memory, trust)
and the people outside the scene live in numpy arrays held by the model, not on agents.
"""

from __future__ import annotations

import mesa

from sim.model.strategies import Strategy


class Member(mesa.Agent):
    """A member of the local networking scene: a sector, a strategy and conversation traits."""

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        sector: int,
        strategy: Strategy,
        focal: bool,
        ask_specificity: float = 1.0,
    ):
        super().__init__(model)
        self.index = index  # row in the model's per-member arrays and the pair store
        self.sector = sector
        self.strategy = strategy
        self.focal = focal  # a seller in the focal sector whose outcomes the scenario compares
        self.known_share = strategy.known_share()
        self.pitches = strategy.pitches()
        self.listening = strategy.listening()
        self.follow_ups = strategy.follow_ups()
        self.giving = strategy.giving()
        self.ask_specificity = ask_specificity  # how recognisable their ask is to contacts (C7)
