"""How a need travels along the network to a provider (C2, C5, C7, C8, C9, C13-C15).

Whom a person with a need asks (`AskGraph`: their social ties, and for members also the members
they remember by name), and whether a contact who hears of the need passes it on to a provider
they have in mind and trust (`Referrers`: the provider's ask, the contact's listening, the
contact's strategy's drive to give, and how deep the contact's tie with the provider is), and
how often the referral then converts (the referrer's conviction); and which provider of each
sector a member has in mind and trusts (`best_providers`). The market (sim/model/market.py) uses
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model import pair_kernels, referral_kernels, steps
from sim.model.grouping import min_per_group
from sim.model.memory import PairStore
from sim.model.population import Adjacency, Contacts

if TYPE_CHECKING:
    from sim.config import ConversationConfig, ReferralConfig, ReputationConfig, TiesConfig


class Paths(NamedTuple):
    """Paths along which needs reach a member who may refer (AskGraph.paths): per path, the
    asker (an index into the people asking), the middle person (-1: none) and that member."""

    asker: np.ndarray
    middle: np.ndarray
    referrer: np.ndarray


class Traits(NamedTuple):
    """Per member, as the compiled referral chains read them by name (Market.answer_compiled):
    the ask's specificity, competence, and the strategy's drive to refer when owing nothing and
    when owing a referral."""

    ask: np.ndarray
    competence: np.ndarray
    drive: np.ndarray
    drive_owing: np.ndarray


class Cells(NamedTuple):
    """What the compiled referral chains read of the pairs, by name (`kernel_inputs`): the pair
    store's lookup (kernels._find) and referrals received, then values now per cell member *
    sectors + sector of the provider the member has top of mind for that sector (`best`): the
    cell's pair slot, trust, tie strength and how much of the provider's ask the member has
    understood. Every pair whose chance or conversion the chains need is such a cell: a
    referrer and the provider they have in mind, a buyer and the provider they recall."""

    index: np.ndarray
    starts: np.ndarray
    dst: np.ndarray
    received: np.ndarray
    slot: np.ndarray
    trust: np.ndarray
    strength: np.ndarray
    understood: np.ndarray


@dataclass(frozen=True)
class Referrers:
    """Per-member traits that decide whether a contact who hears of a need refers (C6-C9)."""

    ask_specificity: np.ndarray  # of the provider: how recognisable their ask is (C7)
    listening: np.ndarray  # of the referrer: how well they caught the provider's ask (C8)
    # drive(referrer, owes): how readily each referrer passes a need on; their strategy decides
    # (giving, C9; owes = 1 once the referrer has received a referral from the provider)
    drive: Callable[[np.ndarray, np.ndarray], np.ndarray]
    conversation: ConversationConfig
    reputation: ReputationConfig
    ties: TiesConfig
    buffers: list = field(default_factory=list)  # kernel_inputs' per-cell arrays, reused

    def chance(self, store: PairStore, slots, referrer, provider, recognise: float, week: float):
        """Chance the referrer recognises the need as the provider's and passes it on.

        The provider's ask is understood once the referrer, listening during the business part
        of their conversations, has caught it: 1 - (1 - listening * business share)^meetings.
        A deep tie recognises more of the provider's needs and is the one activated (Reagans &
        McEvily 2003; Brown & Reingen 1987): up to `1 + ties.understanding` times a tie at the
        name level. The referrer's strategy sets how readily they pass it on (`drive`: giving
        and reciprocity, C9).
        """
        met = slots >= 0
        received = np.where(met, store.received[np.where(met, slots, 0)], 0)
        understood = np.zeros(slots.size)
        understood[met] = self.understood(store, slots[met], referrer[met])
        owes = np.minimum(received, 1)
        chance = recognise * self.ask_specificity[provider] * understood
        if self.ties.understanding:
            strength = np.zeros(slots.size)
            strength[met] = store.strength(slots[met], week)
            chance *= 1.0 + self.ties.understanding * strength
        chance *= self.drive(referrer, owes)
        return np.minimum(chance, 1.0)

    def understood(self, store: PairStore, slots, referrer) -> np.ndarray:
        """How much of the provider's ask each referrer (the source of each met pair slot) has
        caught: 1 - (1 - listening x business share)^meetings. Only the business part of the
        counted conversations carries the ask: when small talk does not count, those
        conversations were never recorded, so every counted one was business."""
        talk = self.conversation
        business = 1.0 - talk.small_talk if talk.small_talk_counts else 1.0
        caught = self.listening[referrer] * business
        return 1.0 - (1.0 - caught) ** store.meetings[slots]

    def kernel_inputs(
        self, store: PairStore, week: float, best: np.ndarray, best_slots: np.ndarray | None = None
    ):
        """What the compiled referral chains read of the pairs this week: the pair store's
        lookup and `received`, then the slot, trust, tie strength and understood ask now of each
        member's top-of-mind provider per sector, `best`, per cell member * sectors + sector
        (`Cells`); the slots are `best_slots` where `best_providers` gave them, else found. The
        values come from the numpy code above - the kernels compute no exp2 or power, whose last
        bit differs between numpy (AVX-512) and numba on some CPUs - so chances and conversions
        are the same bit for bit. Only the cells with a provider are written (and read): the
        buffers are kept from week to week."""
        flat = best.ravel()
        cells = np.flatnonzero(flat >= 0)
        member = cells // best.shape[1]
        slots = store.find(member, flat[cells]) if best_slots is None else best_slots[cells]
        buffers = self._cells(flat.size)
        slot_of, trust_of, strength_of, understood_of = buffers
        slot_of[cells] = slots
        trust_of[cells] = store.trust(slots, week)
        understood_of[cells] = self.understood(store, slots, member)
        if self.ties.understanding:  # else the chains never read it
            strength_of[cells] = store.strength(slots, week)
        lookup = (store.slot_index(), store.starts(), store.dst)
        return Cells(*lookup, store.received, *buffers)

    def kernel_knobs(self, store: PairStore, ref: ReferralConfig, base: float) -> np.ndarray:
        """The scalars the compiled referral chains read, in the order of
        referral_kernels.KNOBS."""
        scalars = {
            "recognise": ref.recognise,
            "understanding": self.ties.understanding,
            "refer_level": store.trust_cfg.refer_level,
            "belief": self.ties.belief,
            "base": base,
            "mention": ref.mention,
            "forward": ref.forward,
        }
        return np.array([scalars[name] for name in referral_kernels.KNOBS], dtype=np.float64)

    def _cells(self, size: int) -> list[np.ndarray]:
        """The per-cell buffers of kernel_inputs (slot, trust, strength, understood)."""
        if not self.buffers or self.buffers[0].size != size:
            self.buffers[:] = [np.full(size, -1, dtype=np.int64)] + [
                np.zeros(size) for _ in range(3)
            ]
        return self.buffers

    def conversion(self, store: PairStore, judge, provider, base: float, week: float):
        """Chance a referral (or a recall) becomes a sale: `base` for a referrer who barely
        trusts the provider enough, up to `1 + ties.belief` times that from full conviction.

        The judge (the referrer, or the buyer who recalls the provider) pushes as hard as they
        trust: conviction is how far their trust lies above the refer level, on [0, 1]
        (Brown & Reingen 1987; Frenzen & Nakamoto 1993)."""
        if not self.ties.belief:
            return np.full(np.size(judge), base)
        refer = store.trust_cfg.refer_level
        trust = store.trust_of(judge, provider, week)
        conviction = np.clip((trust - refer) / (1.0 - refer), 0.0, 1.0)
        return np.minimum(base * (1.0 + self.ties.belief * conviction), 1.0)


class AskGraph:
    """Whom a person with a need asks: their social ties plus, for members, event acquaintances."""

    def __init__(self, social: Adjacency, n_members: int):
        self.social = social
        self.n_members = n_members
        self.social_members = social.restricted(n_members)
        self.acquaint = Adjacency(np.zeros(n_members + 1, dtype=np.int64), np.empty(0, np.int64))

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(indptr, indices) of the social ties, of those among members, and of the
        acquaintances: for the compiled referral chains."""
        graphs = (self.social, self.social_members, self.acquaint)
        return tuple(array for graph in graphs for array in (graph.indptr, graph.indices))

    def refresh_acquaintances(self, store: PairStore, week: float, level: float) -> None:
        """Members also ask the members they remember at the name level (refreshed per event)."""
        self.acquaint = steps.chosen().acquaintances(store, week, level)

    def neighbours(self, rows, members_only: bool, rng=None, p: float = 1.0) -> Contacts:
        """(k, neighbour) for every contact of rows[k] (social ties, and for members also the
        members they remember by name); with `rng`, each kept only with chance p."""
        graph = self.social_members if members_only else self.social
        is_member = np.flatnonzero(rows < self.n_members)
        if rng is None:
            owner, nbr = graph.expand(rows)
            a_owner, a_nbr = self.acquaint.expand(rows[is_member])
        else:
            owner, nbr = graph.sample(rng, rows, p)
            a_owner, a_nbr = self.acquaint.sample(rng, rows[is_member], p)
        return Contacts(np.concatenate([owner, is_member[a_owner]]), np.concatenate([nbr, a_nbr]))

    def paths(self, rng, people: np.ndarray, hops: int, mention: float, forward: float) -> Paths:
        """Paths along which a person's need reaches a member `hops - 1` links away.

        Each contact hears of the need with probability `mention`; for three hops that contact
        passes the question on with probability `forward`.
        """
        if hops == 2:
            k, ref_m = self.neighbours(people, True, rng, mention)
            return Paths(k, np.full(k.size, -1, dtype=np.int64), ref_m)
        k, middle = self.neighbours(people, False, rng, mention * forward)
        j, ref_m = self.neighbours(middle, members_only=True)
        k, middle = k[j], middle[j]
        not_back = ref_m != people[k]
        return Paths(k[not_back], middle[not_back], ref_m[not_back])


def best_providers(
    store: PairStore,
    week: float,
    candidates: np.ndarray,
    member_sector: np.ndarray,
    n_sectors: int,
    slots: np.ndarray | None = None,
) -> np.ndarray:
    """best[m, s]: the provider of sector s that member m has top of mind and trusts most.

    -1 where m has none. `candidates` are the trusted slots (PairStore.trusted_now); memory is
    evaluated now, so a provider not met for a while drops out of mind (C5). `slots` (flat, one
    per member * sectors + sector), if given, receives the slot of each pair (m, best[m, s]), -1
    where there is none: what the compiled referral chains would otherwise look up
    (Referrers.kernel_inputs).
    """
    best = np.full(store.n * n_sectors, -1, dtype=np.int64)
    out = np.empty(0, dtype=np.int64) if slots is None else slots
    steps.chosen().best_providers(store, week, candidates, member_sector, n_sectors, best, out)
    return best.reshape(store.n, n_sectors)


def acquaintances_numpy(store: PairStore, week: float, level: float) -> Adjacency:
    """Whom each member remembers at `level` now, as rows (AskGraph.acquaint): the store's
    remembered set, refreshed incrementally (PairStore.remembered_now)."""
    slots = store.remembered_now(week, level)
    return Adjacency.from_sorted(store.src[slots], store.dst[slots], store.n)


def acquaintances_compiled(store: PairStore, week: float, level: float) -> Adjacency:
    """acquaintances_numpy in one pass over every pair's memory now
    (pair_kernels.remembered_rows): the same rows; the store's remembered set becomes the slots
    the pass found, as a refresh leaves it."""
    memory = store.memory_everywhere(week)
    slots, indptr, indices = pair_kernels.remembered_rows(
        memory, float(level), store.starts(), store.dst
    )
    store.remembered.found(store, slots)
    return Adjacency(indptr, indices)


def trusted_numpy(store: PairStore, week: float) -> np.ndarray:
    """The sorted slots whose trust is at the refer level now: the store's trusted set,
    refreshed incrementally (PairStore.trusted_now)."""
    return store.trusted_now(week)


def trusted_compiled(store: PairStore, week: float) -> np.ndarray:
    """trusted_numpy in one pass over the week's trust of every pair (kept current by the
    compiled steps): the same slots; the store's trusted set becomes them, as a refresh leaves
    it."""
    slots = np.flatnonzero(store.trust_everywhere(week) >= store.trust_cfg.refer_level)
    store.evidenced.found(store, slots)
    return slots


def best_providers_numpy(store: PairStore, week, candidates, member_sector, n_sectors, best, out):
    """best_providers into the flat `best` (filled with -1): the highest memory x trust per
    group member * sectors + sector by min_per_group of the negated scores; their slots into
    `out` unless it is empty."""
    if out.size:
        out[:] = -1
    memory, level = store.memory_at(candidates, week), store.memory_cfg.top_of_mind_level
    in_mind = memory >= level
    slots = candidates[in_mind]
    if slots.size:
        src, dst = store.src[slots], store.dst[slots]
        group = src * n_sectors + member_sector[dst]
        score = memory[in_mind] * store.trust(slots, week)
        top = min_per_group(group, -score)  # exact ties: the first slot (lowest dst)
        best[group[top]] = dst[top]
        if out.size:
            out[group[top]] = slots[top]


def best_providers_compiled(
    store: PairStore, week, candidates, member_sector, n_sectors, best, out
):
    """best_providers_numpy in one pass (pair_kernels.best_providers)."""
    memory, level = store.memory_at(candidates, week), store.memory_cfg.top_of_mind_level
    trust, pair = store.trust(candidates, week), (store.src, store.dst)
    sectors = member_sector, n_sectors
    pair_kernels.best_providers(candidates, memory, trust, pair, *sectors, level, best, out)
