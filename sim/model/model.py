"""The networking model: a Mesa Model whose step reads like the ODD process overview.

Each week (one step): (1) the scene's event format holds its event, if one is due:
conversations, pitches, memory and trust (C3-C5, C10, C12-C15); (2) the channels alongside it
run: closed circles, online posts (C15, C16); (3) members hold the one-to-ones their habit
schedules this week, with whom their strategy chooses (C5, C10); (4) the needs that arise this
week are answered by repeat purchase, recall, referral chains or the anonymous market, and the
outcomes of referred sales feed back into trust (C1, C2, C6, C7, C9); a seller at capacity
turns work away; (5) each strategy acts in any way of its own at the week's end (`week_end`:
e.g. introductions); (6) the observers record the week.

What members do is their strategy's decision (sim/model/strategies.py): the model asks each
strategy, for its own members at once, and never looks at which strategy it is. The members are
also Mesa agents (sim/model/agents.py): a view over the arrays, created on first use of
`agents`.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.config import Params
from sim.model import steps
from sim.model.agents import Member
from sim.model.conversations import PITCH_RULES
from sim.model.events import FOLLOW_UP_RULES, OneToOneHabit, unique_pairs
from sim.model.formats import FORMATS, channels_for
from sim.model.market import Market
from sim.model.memory import PairStore
from sim.model.observers import MODEL_REPORTERS, NetworkSnapshots, PairCurves
from sim.model.population import build_social_graph
from sim.model.referrals import AskGraph, Referrers, best_providers
from sim.model.roster import Members
from sim.model.strategies import STRATEGIES, trait_names


def by_strategy(code: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(strategy code, positions with it) for each code present, in code order."""
    return [(c, np.flatnonzero(code == c)) for c in np.flatnonzero(np.bincount(code))]


class NetworkingModel(mesa.Model):
    """A local networking scene, the people around it, and a market for what members sell."""

    def __init__(self, params: Params | None = None, rng=None, record_network: bool = False):
        super().__init__(rng=rng)
        self.params = params = params or Params()
        if params.scene.regions > 1:
            raise ValueError(
                f"a model is one region; these parameters have scene.regions = "
                f"{params.scene.regions}: build each region from params.for_region(r)"
            )
        self.week = 0
        self._create_members(Members(self.rng, params))
        self.social, self.n_persons = build_social_graph(self.rng, params.scene)
        self.ask = AskGraph(self.social, self.n_members)
        self.store = PairStore(self.n_members, params.memory, params.trust, params.ties)
        self.acquaintances_week = 0
        self.acquaintances_due = False  # a talk (or a touch with trust gain) since the last refresh
        referrers = Referrers(
            self.traits["ask_specificity"],
            self.traits["listening"],
            self.referral_drive,
            params.conversation,
            params.reputation,
            params.ties,
        )
        self.market = Market(
            self.rng,
            params.market,
            params.referrals,
            self.n_persons,
            self.sector,
            self.focal_product,
            referrers,
            self.traits["competence"],
            self.traits["pitch_close"],
            self.sector_lifetime,
            self.traits["capacity"],
        )
        self.format = FORMATS[params.events.format](self)
        self.channels = channels_for(self)
        self.habit = OneToOneHabit(self.rng, self.traits["one_to_ones"])
        self.one_to_ones_held = np.zeros(len(self.groups), dtype=np.int64)  # this week, by group
        self.one_to_ones_by_week: list[np.ndarray] = []  # (the steps table's one_to_ones)
        self.conversations = np.zeros(self.n_members, dtype=np.int64)
        self.pitches_made = np.zeros(self.n_members, dtype=np.int64)
        self.week_conversations = 0
        self.introductions = 0  # pairs who met through an introduction (`introduce`)
        self.curves = PairCurves(len(self.groups))
        self.network = NetworkSnapshots(params.run.network_every_weeks, params.run.weeks)
        self.record_network = record_network  # snapshots for the report's network view
        self.datacollector = mesa.DataCollector(
            model_reporters={**MODEL_REPORTERS, **self.format.reporters}
        )

    def _create_members(self, roster: Members) -> None:
        """Per-member arrays for the vectorised work, in roster order (their agents: `members`)."""
        self.groups = roster.groups
        self.group_of = roster.group_of
        self.n_members = roster.group_of.size
        self.sector = roster.sector
        self.focal_product = roster.focal_product
        self.sector_lifetime = roster.sector_lifetime
        self.focal = roster.focal
        used = list(dict.fromkeys(g.strategy for g in self.groups))
        self.strategies = [STRATEGIES[name]() for name in used]
        self.strategy_code = np.array([used.index(g.strategy) for g in self.groups])[self.group_of]
        self.traits = {name: roster.trait(name) for name in trait_names()}
        self.everyone = np.arange(self.n_members)
        self.members_by_strategy = by_strategy(self.strategy_code)
        # each member's follow-up rule as data (FOLLOW_UP_RULES' index), for the compiled
        # one-to-ones; None when a strategy decides by a method of its own
        rules = [type(strategy).follow_up_rule() for strategy in self.strategies]
        self.follow_up_rules = (
            None
            if None in rules
            else np.array([FOLLOW_UP_RULES.index(r) for r in rules], dtype=np.int8)[
                self.strategy_code
            ]
        )
        # each member's pitch rule as data (PITCH_RULES' index), for the compiled
        # conversations; None when a strategy decides by a method of its own
        pitch = [type(strategy).pitch_rule() for strategy in self.strategies]
        self.pitch_rules = (
            None
            if None in pitch
            else np.array([PITCH_RULES.index(r) for r in pitch], dtype=np.int8)[self.strategy_code]
        )
        self.pitches_when_trusted = "when trusted" in pitch  # (then `talked` reads trust)
        self._pairs_split: tuple[int, list] | None = None  # (store version, split of its pairs)
        self._members: list[Member] | None = None  # the agents, created on first use
        # each week's best providers' slots (member * sectors + sector), for the referral chains
        self._best_slots = np.empty(self.n_members * self.focal_product.size, dtype=np.int64)

    # --- the members as Mesa agents (sim/model/agents.py) ------------------------------------
    def members(self) -> list[Member]:
        """Every member's agent, in roster order (members()[i].index == i), created on first use:
        one Python object per member costs a large scene time and memory it rarely needs."""
        if self._members is None:
            self._members = [Member(self, index) for index in range(self.n_members)]
        return self._members

    @property
    def agents(self):
        """Mesa's AgentSet of all members (`select`, `groupby`, ...; created on first use)."""
        self.members()
        return super().agents

    @property
    def agents_by_type(self):
        self.members()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        self.members()
        return super().agent_types

    # --- the process overview ----------------------------------------------------------------
    def step(self) -> None:
        self.market.new_week(self.week)
        self.week_conversations = 0
        self.one_to_ones_held[:] = 0
        self.format.hold(self, self.week)
        for channel in self.channels:
            channel.hold(self, self.week)
        self.hold_one_to_ones()
        self.answer_needs()
        self.week_end()
        self.observe()
        self.week += 1

    def observe(self) -> None:
        self.datacollector.collect(self)
        self.one_to_ones_by_week.append(self.one_to_ones_held.copy())
        if self.record_network:
            self.network.observe(self.store, self.week)

    # --- strategies decide (sim/model/strategies.py) ------------------------------------------
    def ask_strategies(self, who: np.ndarray, decision: str, *arrays, dtype=float, **values):
        """Each member in `who` answers `decision` through their strategy, vectorised per
        strategy; `arrays` are aligned with `who` (and split the same way), `values` are shared."""
        if who.size == self.n_members and np.array_equal(who, self.everyone):
            split = self.members_by_strategy  # fixed: split once
        else:
            split = by_strategy(self.strategy_code[who])
        return self._answer(split, who.size, decision, arrays, dtype, values)

    def _answer(self, split: list, size: int, decision: str, arrays, dtype, values) -> np.ndarray:
        """out[rows] = strategy c's answer for rows, for each (c, rows) of `split`."""
        out = np.empty(size, dtype=dtype)
        for c, rows in split:
            method = getattr(self.strategies[c], decision)
            out[rows] = method(self, *(x[rows] for x in arrays), **values)
        return out

    def seek_known(self) -> np.ndarray:
        return self.ask_strategies(self.everyone, "seeks_known", self.everyone)

    def pitches(self, seller: np.ndarray, partner: np.ndarray) -> np.ndarray:
        return self.ask_strategies(seller, "pitches", seller, partner, dtype=bool)

    def referral_drive(self, referrer: np.ndarray, owes: np.ndarray) -> np.ndarray:
        return self.ask_strategies(referrer, "referral_drive", referrer, owes)

    def follow_up_weight(self, slots: np.ndarray, since_week: float) -> np.ndarray:
        if slots.size == len(self.store):  # every pair (sorted slots)
            # each strategy's method on its members' pairs, split once per insert
            if self._pairs_split is None or self._pairs_split[0] != self.store.version:
                split = by_strategy(self.strategy_code[self.store.src])
                self._pairs_split = (self.store.version, split)
            split = self._pairs_split[1]
            return self._answer(
                split, slots.size, "follow_up_weight", (slots,), float, {"since_week": since_week}
            )
        source = self.store.src[slots]
        return self.ask_strategies(source, "follow_up_weight", slots, since_week=since_week)

    def week_end(self) -> None:
        """(5) Each strategy acts in any way of its own, for its members at once (by default
        not at all: Strategy.week_end)."""
        for code, members in self.members_by_strategy:
            self.strategies[code].week_end(self, members)

    # --- contacts: called by the event formats and channels (see sim/model/scene.py) ----------
    def talk(self, a: np.ndarray, b: np.ndarray, depth: float = 1.0) -> None:
        """Conversations between the unique pairs (a[k], b[k]): pitches, then memory and trust
        (sim/model/conversations.py). A share `conversation.small_talk` of conversations are
        about other things than business; unless `small_talk_counts`, those leave no memory or
        trust behind (C17)."""
        self.week_conversations += int(a.size)
        steps.chosen().talk(self, a, b, depth)
        self.acquaintances_due = True

    def touch(self, src, dst, gain: float, trust_gain: float = 0.0, slots=None) -> None:
        """Light touches (a presentation heard, a post read) by src[k] of dst[k] (C12, C16)."""
        self.settle_acquaintances()  # a pending refresh sees memory as it was before the touch
        self.store.touch(self.store.ensure(src, dst, slots), self.week, gain, trust_gain)
        self.acquaintances_due = bool(trust_gain)

    def hold_one_to_ones(self) -> None:
        """The one-to-ones members' habits schedule this week; each member's strategy chooses
        whom, a direct seller the people first met since the format's last event (C5, C10;
        sim/model/conversations.py)."""
        if not self.habit.any:
            return
        counts = self.habit.counts(self.week)
        if not counts.any():
            return
        steps.chosen().one_to_ones(self, counts, self.format.follow_up_since(self.week))

    def held_one_to_ones(self, a: np.ndarray, b: np.ndarray) -> None:
        """Count the one-to-ones of the pairs (a[k], b[k]) by each side's group."""
        n_groups = self.one_to_ones_held.size
        self.one_to_ones_held += np.bincount(self.group_of[a], minlength=n_groups)
        self.one_to_ones_held += np.bincount(self.group_of[b], minlength=n_groups)

    def familiarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """How well each a[k] remembers b[k] now, in [0, 1] (0 for strangers)."""
        slots = self.store.find(a, b)
        out = np.zeros(slots.size)
        known = slots >= 0
        out[known] = self.store.memory_at(slots[known], self.week)
        return out

    def trust_in(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """How far each a[k] trusts b[k] now, in [0, 1] (0.5 for strangers; C5, C10)."""
        return self.store.trust_of(a, b, self.week)

    def contacts_of(self, member: int) -> np.ndarray:
        """The members `member` knows of, ascending: those met in a conversation or a light
        touch (the pairs they remember, however faintly)."""
        starts = self.store.starts()
        return self.store.targets()[starts[member] : starts[member + 1]].copy()

    def introduce(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """a[k] and b[k] meet because someone who knows both introduces them (a strategy's act,
        Strategy.week_end): a conversation of each distinct pair, as at an event, unless either
        avoids the other (C10). Returns the pairs (low, high) who met."""
        a, b = unique_pairs(
            np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), self.n_members
        )
        met = ~(self.store.avoided(a, b, self.week) | self.store.avoided(b, a, self.week))
        a, b = a[met], b[met]
        if a.size:
            self.talk(a, b)
            self.introductions += int(a.size)
        return a, b

    def units_sold(self) -> np.ndarray:
        """Units each member has sold so far (C1)."""
        sales, n = self.market.ledger.sales_arrays(), self.n_members
        return np.bincount(sales["seller"], sales["units"], minlength=n)[:n].astype(np.int64)

    def refresh_acquaintances(self) -> None:
        self.ask.refresh_acquaintances(self.store, self.week, self.params.memory.name_level)
        self.acquaintances_week = self.week
        self.acquaintances_due = False

    def settle_acquaintances(self) -> None:
        """The refresh a conversation (or a touch with trust gain) calls for, done once before
        the acquaintances are next read or memory next changes otherwise: the same graph as
        refreshing after every talk, as a refresh is a function of the week's memories."""
        if self.acquaintances_due:
            self.refresh_acquaintances()

    def answer_needs(self) -> None:
        """This week's needs go to whoever comes to mind and is trusted, along the network."""
        self.settle_acquaintances()
        if self.week - self.acquaintances_week >= self.params.events.interval_weeks:
            self.refresh_acquaintances()  # memories fade even when nobody meets (C5)
        trusted = steps.chosen().trusted(self.store, self.week)  # fades (C5), outcomes move it (C6)
        slots = self._best_slots
        best = best_providers(self.store, self.week, trusted, self.sector, self.n_sectors, slots)
        self.market.answer_needs(self.rng, self.week, best, self.ask, self.store, slots)

    @property
    def n_sectors(self) -> int:
        return self.focal_product.size

    def run(self) -> NetworkingModel:
        for _ in range(self.params.run.weeks):
            self.step()
        return self
