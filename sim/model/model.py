"""The networking model: a Mesa Model whose step reads like the ODD process overview.

Each week (one step): (1) the scene's event format holds its event, or the one-to-ones between
events: conversations, pitches, memory and trust (C3-C5, C10, C12-C15); (2) the channels alongside
it run: closed circles, online posts (C15, C16); (3) the needs that arise this week are answered by
repeat purchase, recall, referral chains or the anonymous market, and the outcomes of referred
sales feed back into trust (C1, C2, C6, C7, C9); (4) the data collector records the week.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.config import Params
from sim.model.agents import Member
from sim.model.events import follow_up_pairs
from sim.model.formats import FORMATS, channels_for
from sim.model.market import AskGraph, Market, Referrers
from sim.model.memory import PairStore
from sim.model.population import build_social_graph
from sim.model.strategies import STRATEGIES, Direct, Relationship


def focal_units(model: NetworkingModel, strategy: str) -> int:
    """Units sold this week by the focal-sector sellers of one strategy."""
    return int(model.market.week_units[model.focal_of[strategy]].sum())


class NetworkingModel(mesa.Model):
    """A local networking scene, the people around it, and a market for what members sell."""

    def __init__(self, params: Params | None = None, rng=None, record_network: bool = False):
        super().__init__(rng=rng)
        self.record_network = record_network  # snapshots for the report's network view
        self.network_snapshots: list[dict[str, np.ndarray]] = []
        self.params = params = params or Params()
        scene = params.scene
        self.week = 0
        self.n_sectors = scene.sectors
        self._create_members(scene)
        self.social, self.n_persons = build_social_graph(self.rng, scene)
        self.ask = AskGraph(self.social, self.n_members)
        self.store = PairStore(self.n_members, params.memory, params.trust)
        self.trusted = np.empty(0, dtype=np.int64)
        self.acquaintances_week = 0
        self.market = Market(
            self.rng,
            params.market,
            params.referrals,
            self.n_persons,
            self.sector,
            self.n_sectors,
            params.run.weeks,
            Referrers(
                self.ask_specificity,
                self.listening,
                self.giving,
                params.conversation,
                params.reputation,
            ),
        )
        self.format = FORMATS[params.events.format](self)
        self.channels = channels_for(self)
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
                "seating_repeat_pairs": lambda m: m.format.repeat_pairs,
                "seating_repeat_bound": lambda m: m.format.repeat_bound,
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
        self.giving = np.array([m.giving for m in members])
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
        self.format.hold(self, self.week)
        for channel in self.channels:
            channel.hold(self, self.week)
        self.answer_needs()
        self.datacollector.collect(self)
        if self.record_network and self._snapshot_due():
            self.network_snapshots.append(self.network_snapshot())
        self.week += 1

    def _snapshot_due(self) -> bool:
        every, last = self.params.run.network_every_weeks, self.params.run.weeks - 1
        return self.week % every == every - 1 or self.week == last

    def network_snapshot(self) -> dict[str, np.ndarray]:
        """The directed pairs that matter for referrals now: trusted (would refer) or avoided."""
        store = self.store
        slots = np.arange(len(store))
        trust = store.trust(slots)
        cfg = store.trust_cfg
        keep = (trust >= cfg.refer_level) | (trust < cfg.avoid_level)
        return {
            "step": np.full(int(keep.sum()), self.week),
            "src": store.sources()[keep],
            "dst": store.targets()[keep],
            "memory": store.memory_at(slots[keep], self.week),
            "trust": trust[keep],
        }

    # --- contacts: called by the event formats and channels (sim/model/formats.py) ----------
    def talk(self, a: np.ndarray, b: np.ndarray, depth: float = 1.0) -> None:
        """Conversations between the unique pairs (a[k], b[k]): pitches, then memory and trust.

        A share `conversation.small_talk` of conversations are about other things than business;
        unless `small_talk_counts`, those leave no memory or trust behind (C17).
        """
        week = self.week
        self.week_conversations += int(a.size)
        np.add.at(self.conversations, a, 1)
        np.add.at(self.conversations, b, 1)
        seller = np.concatenate([a[self.pitches[a]], b[self.pitches[b]]])
        buyer = np.concatenate([b[self.pitches[a]], a[self.pitches[b]]])
        np.add.at(self.pitches_made, seller, 1)
        self.market.pitch(self.rng, week, seller, buyer)
        talk = self.params.conversation
        if not talk.small_talk_counts and talk.small_talk > 0:
            counts = self.rng.random(a.size) >= talk.small_talk
            a, b = a[counts], b[counts]
        self.store.converse(a, b, week, self.pitches, self.listening, self.strategy_code, depth)
        self.trust_changed()

    def touch(self, slots: np.ndarray, gain: float, trust_gain: float = 0.0) -> None:
        """Light touches (a presentation heard, a post read) on existing pair slots (C12, C16)."""
        self.store.touch(slots, self.week, gain, trust_gain)
        if trust_gain:
            self.trust_changed()

    def follow_up(self, since_week: float, counts: np.ndarray | None = None) -> None:
        """One-to-ones: builders' coffees with warm contacts, direct sellers' calls (C5, C10)."""
        counts = self.follow_ups if counts is None else counts
        self.talk(
            *follow_up_pairs(self.rng, self.store, self.week, since_week, counts, self.seeks_known)
        )

    def familiarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """How well each a[k] remembers b[k] now, in [0, 1] (0 for strangers)."""
        slots = self.store.find(a, b)
        out = np.zeros(slots.size)
        known = slots >= 0
        out[known] = self.store.memory_at(slots[known], self.week)
        return out

    def trust_changed(self) -> None:
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
        feedback = self.market.answer_needs(self.rng, self.week, best, self.ask, self.store)
        if feedback:
            self.trusted = self.store.trusted_slots()  # referral outcomes moved trust (C6)

    def run(self) -> NetworkingModel:
        for _ in range(self.params.run.weeks):
            self.step()
        return self
