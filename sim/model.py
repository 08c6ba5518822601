"""The networking model: a Mesa Model whose step reads like the ODD process overview.

Each week (one step): (1) if it is an event week, members meet at the mixer, direct sellers pitch
and memory and trust are updated for every conversation; (2) the needs that arise this week are
answered by repeat purchase, recall, referral chains or the anonymous market; (3) the data
collector records the week. Claims: C1-C5, C10, C11 (see docs/model.md).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents import Member
from sim.config import Params
from sim.events import FollowUps, Mixer
from sim.market import AskGraph, Market
from sim.memory import PairStore
from sim.population import build_social_graph
from sim.strategies import STRATEGIES, Direct, Relationship


def focal_units(model: NetworkingModel, strategy: str) -> int:
    """Units sold this week by the focal-sector sellers of one strategy."""
    return int(model.market.week_units[model.focal_of[strategy]].sum())


class NetworkingModel(mesa.Model):
    """A local networking scene, the people around it, and a market for what members sell."""

    def __init__(self, params: Params | None = None, rng=None):
        super().__init__(rng=rng)
        self.params = params = params or Params()
        scene = params.scene
        self.week = 0
        self.n_sectors = scene.sectors
        self._create_members(scene)
        self.social, self.n_persons = build_social_graph(self.rng, scene)
        self.ask = AskGraph(self.social, self.n_members)
        self.store = PairStore(self.n_members, params.memory, params.trust)
        self.trusted = np.empty(0, dtype=np.int64)
        self.mixer = Mixer(params.events)
        self.follow_up_round = FollowUps(params.events)
        self.last_event_week: int | None = None
        self.acquaintances_week = 0
        self.market = Market(
            self.rng,
            params.market,
            params.referrals,
            self.n_persons,
            self.sector,
            self.n_sectors,
            params.run.weeks,
        )
        self.conversations = np.zeros(self.n_members, dtype=np.int64)
        self.pitches_made = np.zeros(self.n_members, dtype=np.int64)
        self.week_conversations = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "conversations": "week_conversations",
                "needs_arisen": lambda m: m.market.needs_arisen,
                "needs_to_market": lambda m: m.market.needs_to_market,
                "units_to_market": lambda m: m.market.units_to_market,
                "known_pairs": lambda m: len(m.store),
                "units_direct": lambda m: focal_units(m, Direct.name),
                "units_relationship": lambda m: focal_units(m, Relationship.name),
            }
        )

    def _create_members(self, scene) -> None:
        """Focal sellers first (sector 0, direct then relationship), then the rest of the scene."""
        n_focal = scene.focal_direct + scene.focal_relationship
        self.n_members = scene.members  # config guarantees members >= focal sellers
        others = self.n_members - n_focal
        other_rel = self.rng.random(others) < scene.relationship_share
        names = (
            [Direct.name] * scene.focal_direct
            + [Relationship.name] * scene.focal_relationship
            + [Relationship.name if r else Direct.name for r in other_rel]
        )
        sectors = [0] * n_focal + [1 + i % (scene.sectors - 1) for i in range(others)]
        strategies = {name: cls(self.params.strategies) for name, cls in STRATEGIES.items()}
        for index, (name, sector) in enumerate(zip(names, sectors, strict=True)):
            Member(
                self,
                index,
                sector,
                strategies[name],
                focal=index < n_focal,
                ask_specificity=scene.ask_specificity,
            )
        members = sorted(self.agents_by_type[Member], key=lambda m: m.index)
        self.members = members
        self.sector = np.array([m.sector for m in members], dtype=np.int64)
        self.strategy_code = np.array([m.strategy.code for m in members], dtype=np.int64)
        self.known_share = np.array([m.known_share for m in members])
        self.pitches = np.array([m.pitches for m in members], dtype=bool)
        self.listening = np.array([m.listening for m in members])
        self.follow_ups = np.array([m.follow_ups for m in members], dtype=np.int64)
        self.ask_specificity = np.array([m.ask_specificity for m in members])
        self.seeks_known = np.array([m.strategy.classifier["seeks_known"] for m in members])
        self.focal = np.array([m.focal for m in members], dtype=bool)
        self.focal_of = {
            name: np.flatnonzero(self.focal & (self.strategy_code == cls.code))
            for name, cls in STRATEGIES.items()
        }

    # --- the process overview ----------------------------------------------------------------
    def step(self) -> None:
        self.market.week_units[:] = 0
        self.week_conversations = 0
        if self.mixer.is_event_week(self.week):
            self.hold_event()
        elif self.follow_up_round.is_due(self.week, self.last_event_week):
            self.hold_follow_ups()
        self.answer_needs()
        self.datacollector.collect(self)
        self.week += 1

    def hold_event(self) -> None:
        """Members meet: conversations, pitches (C10, C11), memory and trust updates (C3-C5)."""
        present = self.mixer.attendees(self.rng, self.n_members)
        a, b = self.mixer.conversations(self.rng, present, self.known_share, self.store, self.week)
        self.last_event_week = self.week
        self.talk(a, b)

    def hold_follow_ups(self) -> None:
        """Between events: builders' coffee one-to-ones, direct sellers' sales calls (C5, C10)."""
        a, b = self.follow_up_round.pairs(
            self.rng,
            self.store,
            self.week,
            self.last_event_week,
            self.follow_ups,
            self.seeks_known,
        )
        self.talk(a, b)

    def talk(self, a: np.ndarray, b: np.ndarray) -> None:
        """Conversations between the unique pairs (a[k], b[k]): pitches, then memory and trust."""
        week = self.week
        self.week_conversations += int(a.size)
        np.add.at(self.conversations, a, 1)
        np.add.at(self.conversations, b, 1)
        seller = np.concatenate([a[self.pitches[a]], b[self.pitches[b]]])
        buyer = np.concatenate([b[self.pitches[a]], a[self.pitches[b]]])
        np.add.at(self.pitches_made, seller, 1)
        self.market.pitch(self.rng, week, seller, buyer)
        self.store.converse(a, b, week, self.pitches, self.listening, self.strategy_code)
        self.trusted = self.store.trusted_slots()
        self.refresh_acquaintances()

    def refresh_acquaintances(self) -> None:
        self.ask.refresh_acquaintances(self.store, self.week, self.params.memory.name_level)
        self.acquaintances_week = self.week

    def answer_needs(self) -> None:
        """This week's needs go to whoever comes to mind and is trusted, along the network."""
        if self.week - self.acquaintances_week >= self.params.events.interval_weeks:
            self.refresh_acquaintances()  # memories fade even when nobody meets (C5)
        best = self.store.best_providers(self.week, self.trusted, self.sector, self.n_sectors)
        self.market.answer_needs(
            self.rng, self.week, best, self.ask, self.store, self.ask_specificity
        )

    def run(self) -> NetworkingModel:
        for _ in range(self.params.run.weeks):
            self.step()
        return self
