"""Needs, lockout, pitches and referral chains (C1, C2, C5, C10, C11).

Every person owns each sector's product and needs a new one when it wears out (lifetime with
spread; a purchase locks the buyer out for a lifetime, C11). A need is answered, in this order, by
  repeat   - the seller who sold the last one, if the buyer goes back to them;
  recall   - a member who has a provider top of mind and trusted goes to them (degree 1);
  referral - a contact who has a provider top of mind and trusted, and recognises the need,
             refers them (degree 2); failing that the question may travel one more hop (degree 3);
  market   - otherwise the anonymous market.
A referral or recall converts with `referral_convert`, more often the more the referrer (or the
recalling buyer) trusts the provider (sim/model/referrals.py); a pitch closes with the
pitcher's small `pitch_close`, only for a buyer whose need is at most `pull_forward_weeks`
away (it pulls the purchase forward). Every purchase, by any channel (the anonymous market
too), locks the buyer out of that product for the lifetime drawn for it (C11): a pitch can pull
forward the replacement of a product owned since before the run, never of one bought during it.
Every sale answers exactly one need and records its degree from the seller: 1 = the seller met
the buyer, 2 = one person between, 3 = two between.

A member with a `capacity` turns work away once it would take them past it (sim/model/capacity.py):
a need turned away is bought on the anonymous market, so nothing is lost, and the buyer and the
referrer learn nothing of the seller from it (no trust evidence either way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model import referral_kernels, steps
from sim.model.capacity import Capacity
from sim.model.grouping import uniform_one_per_group
from sim.model.ledger import Answered, Chosen, Ledger, Needs
from sim.model.memory import PairStore
from sim.model.referrals import AskGraph, Referrers, Traits

if TYPE_CHECKING:
    from sim.config import MarketConfig, ReferralConfig

CHANNELS = ("pitch", "referral", "recall", "repeat")
PITCH, REFERRAL, RECALL, REPEAT = range(4)
NEVER = np.iinfo(np.int32).max  # a member supplies their own sector: no need ever arises


class Opened(NamedTuple):
    """Needs opened (Market._open): units, draws, whether answered yet, how."""

    units: np.ndarray
    needs: Needs
    decided: np.ndarray
    chosen: Chosen


class Market:
    """Each person's next need per sector (the week it falls due), and how it is answered."""

    def __init__(
        self,
        rng: np.random.Generator,
        cfg: MarketConfig,
        referrals: ReferralConfig,
        n_persons: int,
        member_sector: np.ndarray,
        focal_product: np.ndarray,
        referrers: Referrers,
        competence: np.ndarray,
        pitch_close: np.ndarray,
        sector_lifetime: np.ndarray | None = None,
        capacity: np.ndarray | None = None,
    ):
        """`focal_product[s]`: sector s sells the focal product (`lifetime_weeks`), unless
        `sector_lifetime[s]` sets its own (an 'own' group's `lifetime_weeks`; NaN: not); the
        members' mean `competence` (C6), `pitch_close` (NaN: never pitch) and `capacity`
        (units a year; 0: no limit) are traits."""
        self.cfg = cfg
        self.ref = referrals
        self.referrers = referrers
        self.n_persons = n_persons
        self.n_members = member_sector.size
        self.member_sector = member_sector
        self.n_sectors = n_sectors = focal_product.size
        self.pitch_close = pitch_close
        self.mean_lifetime = np.where(focal_product, cfg.lifetime_weeks, cfg.other_lifetime_weeks)
        if sector_lifetime is not None:
            own = ~np.isnan(sector_lifetime)
            self.mean_lifetime = np.where(own, sector_lifetime, self.mean_lifetime)
        self.relative_spread = cfg.lifetime_spread_weeks / cfg.lifetime_weeks
        # Per (person, sector), 9 bytes (weeks and members fit in int32): the week of the next
        # need, who sold the last one and at which degree, and the week until which a purchase
        # made during the run locks the buyer out (C11; -1: bought before the run).
        self.due = np.full(n_persons * n_sectors, NEVER, dtype=np.int32)
        self.last_seller = np.full(n_persons * n_sectors, -1, dtype=np.int32)
        self.last_degree = np.zeros(n_persons * n_sectors, dtype=np.int8)
        self.locked_until = np.full(n_persons * n_sectors, -1, dtype=np.int32)
        self.ledger = Ledger()
        self.needs_arisen = 0
        self.units_to_market = 0
        self.needs_to_market = 0
        self.week_units = np.zeros(self.n_members, dtype=np.int64)
        self.capacity = Capacity(self.n_members, capacity)
        self._own_products(rng)
        self.competence = self._competence(rng, competence, referrers.reputation.competence_sd)

    def _own_products(self, rng: np.random.Generator, chunk: int = 2**18) -> None:
        """Initial ownership: every product is of a uniformly random age (steady state); members
        never need their own sector's. Scheduled in chunks, so a world of millions of persons
        needs no temporaries the size of the whole market; chunks of 2 MiB temporaries, which
        stay in cache (2**22: 1.75x slower). The draws are the same whatever the chunk."""
        own = np.arange(self.n_members) * self.n_sectors + self.member_sector
        for start in range(0, self.due.size, chunk):
            flat = np.arange(start, min(start + chunk, self.due.size))
            lifetime = self.mean_lifetime[flat % self.n_sectors]
            first_due = np.floor(rng.random(flat.size) * lifetime).astype(np.int64)
            first_due[own[(own >= start) & (own < start + chunk)] - start] = NEVER
            self.schedule(flat, first_due)

    def new_week(self, week: int) -> None:
        """A new week: the sellers' room for it (their capacity, from last week's units on)."""
        self.capacity.new_week(week, self.week_units)
        self.week_units[:] = 0

    def _competence(self, rng: np.random.Generator, mean: np.ndarray, sd: float) -> np.ndarray:
        """Chance each member's sale turns out well: their mean, or beta-spread around it (C6)."""
        if sd == 0:
            return mean.astype(float)
        concentration = mean * (1 - mean) / sd**2 - 1
        a = mean * concentration
        return rng.beta(a, concentration - a, self.n_members)

    # --- scheduling -----------------------------------------------------------------------
    def lifetime(self, rng: np.random.Generator, sector: np.ndarray) -> np.ndarray:
        mean = self.mean_lifetime[sector]
        # = rng.normal(mean, mean * spread), draw for draw, without its broadcasting machinery
        draw = mean + (mean * self.relative_spread) * rng.standard_normal(mean.size)
        return np.maximum(1, np.round(draw)).astype(np.int64)

    def schedule(self, flat: np.ndarray, weeks: np.ndarray) -> None:
        self.due[flat] = weeks

    def due_now(self, week: int) -> np.ndarray:
        """Needs (flat person * sectors + sector) arising this week: one pass over the due
        weeks (int32 compares, well under a millisecond per million person-sectors), cheaper
        than keeping weekly buckets sorted as purchases reschedule needs."""
        return np.flatnonzero(self.due == week)

    def units(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Units per need: one, plus extra units for the customers who need more (C1)."""
        return 1 + rng.poisson(self.cfg.extra_units_mean, n)

    def _buy(self, rng: np.random.Generator, week: int, flat: np.ndarray) -> np.ndarray:
        """A purchase now: the product lasts a drawn lifetime, which locks the buyer out of it
        and schedules the next need (C11). Returns the lifetimes."""
        lifetime = self.lifetime(rng, flat % self.n_sectors)
        self.locked_until[flat] = week + lifetime
        self.schedule(flat, week + lifetime)
        return lifetime

    def _buy_from(self, rng, week, flat, seller, degree, units) -> np.ndarray:
        """Purchases from a member: bought (`_buy`), counted to the seller, remembered for a
        repeat purchase. Returns the lifetimes."""
        lifetime = self._buy(rng, week, flat)
        np.add.at(self.week_units, seller, units)
        self.last_seller[flat] = seller
        self.last_degree[flat] = degree
        return lifetime

    def _sell(self, rng, week, flat, seller, channel, degree, referrer, units) -> None:
        lifetime = self._buy_from(rng, week, flat, seller, degree, units)
        self._record_sales(week, flat, seller, channel, degree, referrer, units, lifetime)

    def _record_sales(self, week, flat, seller, channel, degree, referrer, units, lifetime):
        self.ledger.add_sales(
            step=week,
            seller=seller,
            buyer=flat // self.n_sectors,
            sector=flat % self.n_sectors,
            channel=channel,
            degree=degree,
            units=units,
            referrer=referrer,
            lifetime=lifetime,
        )

    # --- pitches at events (C10, C11) --------------------------------------------------------
    def pitch(self, rng: np.random.Generator, week: int, seller: np.ndarray, buyer: np.ndarray):
        """Each pitch may close a sale of the seller's product if the buyer is not locked out."""
        flat = buyer * self.n_sectors + self.member_sector[seller]
        open_window = (self.due[flat] - week) <= self.cfg.pull_forward_weeks
        open_window &= self.locked_until[flat] <= week
        closes = open_window & (rng.random(flat.size) < self.pitch_close[seller])
        idx = np.flatnonzero(closes)
        idx = idx[np.unique(flat[idx], return_index=True)[1]]  # one purchase per need
        if idx.size:
            units = self.units(rng, idx.size)
            fits = ~self.capacity.turn_away(seller[idx], units)  # at capacity: no order
            idx, units = idx[fits], units[fits]
            self.needs_arisen += idx.size
            self._sell(rng, week, flat[idx], seller[idx], PITCH, 1, -1, units)

    # --- needs and referral chains (C1, C2, C5) -----------------------------------------------
    def answer_needs(
        self,
        rng: np.random.Generator,
        week: int,
        best: np.ndarray,
        ask: AskGraph,
        store: PairStore,
        best_slots: np.ndarray | None = None,
    ) -> None:
        """Answer this week's needs: repeat, recall, referral by degree 2 then 3, else market.

        `best[m, s]` is the provider member m has top of mind and trusts for sector s, or -1;
        `best_slots` (flat), if given, the slot of each such pair (referrals.best_providers).
        The outcomes of recalled and referred sales move trust (C6).
        """
        flat = self.due_now(week)
        self.needs_arisen += flat.size
        if flat.size == 0:
            return
        units, luck, chosen, lifetime = steps.chosen().answer_needs(
            self, rng, week, flat, best, ask, store, best_slots
        )
        sold, lost = chosen.seller >= 0, chosen.seller < 0
        self.units_to_market += int(units[lost].sum())
        self.needs_to_market += int(lost.sum())
        self._record_sales(week, *(x[sold] for x in (flat, *chosen, units, lifetime)))
        good = sold & (luck < self.competence[np.maximum(chosen.seller, 0)])
        buyer = flat // self.n_sectors
        self._outcome_evidence(store, buyer, chosen, good, week)

    def answer_numpy(self, rng, week: int, flat: np.ndarray, best, ask: AskGraph, store, slots):
        """The needs `flat` opened, referred and bought (numpy; `slots` unused)."""
        units, needs, decided, chosen = self._open(rng, week, flat, best, store)
        self._refer(rng, week, needs, decided, chosen, best, ask, store)
        away = self.capacity.turn_away(chosen.seller, units)  # beyond capacity: to the market
        for column, none in zip(chosen, (-1, -1, 0, -1), strict=True):
            column[away] = none
        lifetime = self._purchases(rng, week, flat, units, chosen)
        return Answered(units, needs.luck, chosen, lifetime)

    def _purchases(self, rng, week: int, flat: np.ndarray, units: np.ndarray, chosen: Chosen):
        """The needs a member sold are bought from them, then the others on the anonymous
        market; every purchase locks the buyer out for the lifetime drawn for it (C11). Returns
        the lifetimes."""
        seller, degree = chosen.seller, chosen.degree
        sold, lost = seller >= 0, seller < 0
        lifetime = np.empty(flat.size, dtype=np.int64)
        lifetime[sold] = self._buy_from(
            rng, week, flat[sold], seller[sold], degree[sold], units[sold]
        )
        self.last_seller[flat[lost]] = -1
        lifetime[lost] = self._buy(rng, week, flat[lost])
        return lifetime

    def _open(self, rng, week: int, flat: np.ndarray, best: np.ndarray, store: PairStore):
        """The draws of the needs `flat` arising this week (Market.due_now), and those answered
        by a repeat purchase or a member's own recall (degree 1)."""
        n = flat.size
        person, sector = flat // self.n_sectors, flat % self.n_sectors
        units = self.units(rng, n)
        seller = np.full(n, -1, dtype=np.int64)
        channel = np.full(n, -1, dtype=np.int64)
        degree = np.zeros(n, dtype=np.int64)
        referrer = np.full(n, -1, dtype=np.int64)
        decided = np.zeros(n, dtype=bool)
        convert = rng.random(n)  # a referral or recall converts when below its chance
        luck = rng.random(n)  # a sale turns out well when luck < the seller's competence (C6)

        repeat = (self.last_seller[flat] >= 0) & (rng.random(n) < self.cfg.repeat_purchase)
        seller[repeat], channel[repeat] = self.last_seller[flat[repeat]], REPEAT
        degree[repeat] = self.last_degree[flat[repeat]]
        decided |= repeat

        member = np.flatnonzero(~decided & (person < self.n_members))
        known = best[person[member], sector[member]]
        recall, recalled = member[known >= 0], known[known >= 0]
        decided[recall] = True
        win = recall[convert[recall] < self._conversion(store, person[recall], recalled, week)]
        seller[win], channel[win], degree[win] = best[person[win], sector[win]], RECALL, 1
        needs = Needs(person, sector, convert, luck)
        return Opened(units, needs, decided, Chosen(seller, channel, degree, referrer))

    def answer_compiled(self, rng, week: int, flat, best, ask: AskGraph, store: PairStore, slots):
        """answer_numpy in one compiled call (referral_kernels.answer_week): the same draws, the
        same referrals, the same purchases; the strategies' drive is asked once for every
        member, the store's values now by Referrers.kernel_inputs (`slots`: the best providers'
        slots, or None)."""
        base, cap = self.cfg.referral_convert, self.capacity
        cells = self.referrers.kernel_inputs(store, week, best, slots)
        knobs = self.referrers.kernel_knobs(store, self.ref, base)
        everyone = np.arange(self.n_members)
        owes = np.zeros(self.n_members, dtype=np.int32)
        drive = (self.referrers.drive(everyone, owes), self.referrers.drive(everyone, owes + 1))
        traits = (self.referrers.ask_specificity, self.competence, *drive)
        traits = Traits(*(np.asarray(x, dtype=np.float64) for x in traits))
        furthest = self._degrees().stop - 1
        answered, referrals = referral_kernels.answer_week(
            rng,
            week,
            flat,
            (self.n_sectors, self.n_members, REPEAT, RECALL, REFERRAL),
            (float(self.cfg.extra_units_mean), float(self.cfg.repeat_purchase)),
            best,
            (furthest, ask.arrays(), cells, knobs, traits),
            (self.mean_lifetime, float(self.relative_spread)),
            (self.due, self.locked_until, self.last_seller, self.last_degree),
            (self.week_units, cap.room, cap.turned_away, cap.limited),
        )
        self.ledger.add_referrals(
            step=week,
            referrer=referrals.referrer,
            provider=referrals.provider,
            buyer=flat[referrals.need] // self.n_sectors,
            sector=flat[referrals.need] % self.n_sectors,
            degree=referrals.degree,
            converted=referrals.converted,
            good=referrals.good,
        )
        return answered

    def _degrees(self) -> range:
        """The degrees a referral can come from beyond a member's own recall (2, then 3)."""
        return range(2, min(self.ref.max_degree, 3) + 1)

    def _refer(self, rng, week, needs: Needs, decided, chosen: Chosen, best, ask, store):
        """Open needs travel along paths of degree 2, then 3, to a member who has a provider
        in mind and trusts them; one referral per need, uniformly among those who refer.
        Fills `decided` and `chosen` of the referred sales."""
        person, sector, convert, luck = needs
        seller, channel, degree, referrer = chosen
        for hops in self._degrees():
            open_ = np.flatnonzero(~decided)
            need_k, middle, ref_m = ask.paths(
                rng, person[open_], hops, self.ref.mention, self.ref.forward
            )
            need = open_[need_k]
            provider = best[ref_m, sector[need]]
            ok = (provider >= 0) & (provider != person[need]) & (provider != middle)
            need, provider, ref_m = need[ok], provider[ok], ref_m[ok]
            slots = store.find(ref_m, provider)
            chance = self.referrers.chance(store, slots, ref_m, provider, self.ref.recognise, week)
            ok = rng.random(need.size) < chance
            chosen = uniform_one_per_group(rng, need[ok])
            need, provider, ref_m = need[ok][chosen], provider[ok][chosen], ref_m[ok][chosen]
            decided[need] = True
            met = self._seller_met_buyer(store, provider, person[need])
            hop_degree = np.where(met, 1, hops)
            win = convert[need] < self._conversion(store, ref_m, provider, week)
            self.ledger.add_referrals(
                step=week,
                referrer=ref_m,
                provider=provider,
                buyer=person[need],
                sector=sector[need],
                degree=hop_degree,
                converted=win,
                good=win & (luck[need] < self.competence[provider]),
            )
            received = store.find(provider, ref_m)  # the provider now owes the referrer (C9)
            np.add.at(store.received, received[received >= 0], 1)
            seller[need[win]], channel[need[win]] = provider[win], REFERRAL
            degree[need[win]], referrer[need[win]] = hop_degree[win], ref_m[win]

    def _outcome_evidence(self, store, buyer, chosen: Chosen, good, week) -> None:
        """A recalled or referred sale that went well raises trust in the seller and the referrer;
        one that went badly costs both (C6). Only pairs that have met carry trust."""
        rep = self.referrers.reputation
        seller, channel, referrer = chosen.seller, chosen.channel, chosen.referrer
        sale = np.flatnonzero((channel == REFERRAL) | (channel == RECALL))
        if sale.size == 0:
            return
        pos = np.where(good[sale], rep.good_evidence, 0.0)
        neg = np.where(good[sale], 0.0, rep.bad_evidence)
        b, s, r = buyer[sale], seller[sale], referrer[sale]
        # (judge, judged): the buyer judges the seller and the referrer; the referrer hears back.
        # One call, in this order (a pair's evidence is settled once a week, then added to).
        judge, judged = np.concatenate((b, r, b)), np.concatenate((s, s, r))
        ok = (judge >= 0) & (judge < self.n_members) & (judged >= 0)
        pos, neg = np.tile(pos, 3)[ok], np.tile(neg, 3)[ok]
        store.add_evidence(judge[ok], judged[ok], pos, neg, week)

    def _conversion(self, store: PairStore, judge, provider, week: int) -> np.ndarray:
        return self.referrers.conversion(store, judge, provider, self.cfg.referral_convert, week)

    def _seller_met_buyer(self, store: PairStore, seller: np.ndarray, buyer: np.ndarray):
        met = np.zeros(seller.size, dtype=bool)
        is_member = buyer < self.n_members
        met[is_member] = store.find(seller[is_member], buyer[is_member]) >= 0
        return met
