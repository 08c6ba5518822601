"""Plain per-agent Mesa models of the same chapter work, for `make bench` to compare against.

What an idiomatic Mesa 3.5 model of a referral chapter looks like (one `Agent` per member, state
in Python dicts, `model.agents.shuffle_do`): every week each attendee hears every other
attendee's presentation (memory), two rounds of open networking and one one-to-one
(conversations: memory and trust per pair, spaced, with lazy exponential decay). Two variants
share that chapter part:

- light (`ChapterModel`, the default): each member's 20 outside contacts have needs (one sector
  each, lifetime about three years); a member who hears of a need refers the chapter mate of
  that sector they remember and trust. About 0.13 needs per member-week: it does far less than
  the project's model (no market of outsiders, no referral chains beyond one hop, no pitches,
  strategies, fading trust or deep ties), so a comparison flatters it.
- equal work (`EqualWorkModel`, `--equal-work`): the project's `bni` scene's market. Members
  plus 20 outsiders per member (plain Python objects) on a small-world graph (members 50 social
  ties, outsiders 14, rewiring 0.1); every person needs every sector's product (the members not
  their own), the focal sector 0 lasting ~260 weeks, the others ~104 (sd 20 % of the mean):
  about 6 needs per member-week. A need is answered by a repeat purchase, by the buyer's own
  recall of a trusted chapter mate (degree 1), by a contact who refers the provider they have
  in mind and trust (degree 2) or by a contact of a contact (degree 3), else by the anonymous
  market (sim/model/market.py, sim/model/referrals.py). Still no pitches, strategies, fading
  trust, outcome evidence or deep ties.

Both use the same parameter values as `scenarios/bni.toml` and the defaults (sim/config.py).
Not a test: `python -m benchmarks.mesa_baseline MEMBERS WEEKS [--equal-work]` prints the wall
time and the counts as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import mesa

GAIN, HALF_LIFE, SPACING = 0.2, 6.0, 0.5  # memory (sim/config.py MemoryConfig)
PRESENTATION_GAIN, ESTABLISHED, TOP_OF_MIND = 0.05, 0.3, 0.5
TRUST_GAIN, REFER_LEVEL = 0.5, 0.8  # trust (TrustConfig)
CHAPTER, ROUNDS, SECTORS, ATTENDANCE = 30, 2, 30, 0.9
CONTACTS, LIFETIME, MENTION, RECOGNISE = 20, 156, 0.06, 0.5  # a member's outside contacts
# The equal-work variant: the scene (SceneConfig), market (MarketConfig), referrals
# (ReferralConfig) and the name level of memory (MemoryConfig); the tie's belief (TiesConfig).
OUTER_PER_MEMBER, MEMBER_TIES, OUTER_TIES, REWIRE = 20, 50, 14, 0.1
FOCAL_LIFETIME, OTHER_LIFETIME, SPREAD = 260, 104, 52 / 260  # sd: 20 % of the mean
CONVERT, BELIEF, REPEAT, NAME_LEVEL = 0.3, 1.0, 0.5, 0.5
FORWARD, MAX_DEGREE = 0.3, 3


class Member(mesa.Agent):
    """A chapter member: what they remember of and how much they trust each chapter mate."""

    contacts = CONTACTS  # outside contacts whose needs the member hears of

    def __init__(self, model: ChapterModel, chapter: int, sector: int):
        super().__init__(model)
        self.chapter, self.sector = chapter, sector
        self.memory: dict[int, float] = {}  # value right after the last contact
        self.last: dict[int, int] = {}  # week of the last contact
        self.meetings: dict[int, int] = {}
        self.positive: dict[int, float] = {}  # beta-reputation evidence
        self.referrals = 0
        # Week of each outside contact's next need (in the sector of a chapter mate).
        self.needs = [model.random.randrange(LIFETIME) for _ in range(self.contacts)]

    def recall(self, other: int) -> float:
        """Memory of `other` now, decayed since the last contact; spacing slows the decay."""
        if other not in self.memory:
            return 0.0
        half_life = HALF_LIFE * (1 + SPACING * (self.meetings[other] - 1))
        return self.memory[other] * 2 ** (-(self.model.week - self.last[other]) / half_life)

    def hear(self, other: int, gain: float) -> float:
        before = self.recall(other)
        self.memory[other] = before + gain * (1 - before)
        self.last[other] = self.model.week
        self.meetings.setdefault(other, 0)
        return before

    def converse(self, other: Member) -> None:
        before = self.hear(other.unique_id, GAIN)
        self.meetings[other.unique_id] += 1
        if before >= ESTABLISHED:
            self.positive[other.unique_id] = self.positive.get(other.unique_id, 0) + TRUST_GAIN

    def trust(self, other: int) -> float:
        return (self.positive.get(other, 0.0) + 1) / (self.positive.get(other, 0.0) + 2)

    def step(self) -> None:
        """One-to-one with the mate remembered best (a weighted draw), then this week's needs."""
        mates = [m for m in self.model.chapters[self.chapter] if m is not self]
        weights = [self.recall(m.unique_id) + 1e-9 for m in mates]
        partner = self.random.choices(mates, weights)[0]
        self.converse(partner)
        partner.converse(self)
        week = self.model.week
        for k, due in enumerate(self.needs):
            if due != week:
                continue
            self.needs[k] = week + max(1, round(self.random.gauss(LIFETIME, LIFETIME / 4)))
            if self.random.random() < MENTION:
                self.refer(self.random.randrange(SECTORS))

    def refer(self, sector: int) -> None:
        for mate in self.model.chapters[self.chapter]:
            if mate.sector != sector or mate is self:
                continue
            trusted = self.trust(mate.unique_id) >= REFER_LEVEL
            in_mind = self.recall(mate.unique_id) >= TOP_OF_MIND
            if trusted and in_mind and self.random.random() < RECOGNISE:
                self.referrals += 1


class ChapterModel(mesa.Model):
    """Chapters of 30 members, one seat per profession, meeting weekly."""

    member_type = Member

    def __init__(self, members: int, seed: int = 1):
        super().__init__(rng=seed)
        self.week = 0
        chapters = math.ceil(members / CHAPTER)
        self.chapters: list[list[Member]] = [[] for _ in range(chapters)]
        for i in range(members):
            member = self.member_type(self, i % chapters, (i // chapters) % SECTORS)
            self.chapters[member.chapter].append(member)

    def step(self) -> None:
        for chapter in self.chapters:
            present = [m for m in chapter if self.random.random() < ATTENDANCE]
            for hearer in present:
                for speaker in present:
                    if hearer is not speaker:
                        hearer.hear(speaker.unique_id, PRESENTATION_GAIN)
            for _ in range(ROUNDS):
                for member in present:
                    partner = self.random.choice(present)
                    if partner is not member:
                        member.converse(partner)
                        partner.converse(member)
        self.agents.shuffle_do("step")
        self.week += 1


class Outsider:
    """Someone around the chapter who never attends: social ties and needs, no agent step."""

    __slots__ = ("sector", "ties", "member_ties")

    def __init__(self) -> None:
        self.sector = -1  # sells nothing: needs every sector
        self.ties: list = []
        self.member_ties: list = []


class NetworkMember(Member):
    """A member of the equal-work model: social ties, and the provider of each sector they have
    in mind and trust. Their needs are the model's (one per sector), not outside contacts'."""

    contacts = 0

    def __init__(self, model: ChapterModel, chapter: int, sector: int):
        super().__init__(model, chapter, sector)
        self.ties: list = []
        self.member_ties: list = []

    def provider(self, sector: int) -> NetworkMember | None:
        """The chapter mate of `sector` top of mind and trusted enough to refer, best first
        (memory x trust), or None."""
        best, score = None, 0.0
        for mate in self.model.seats[self.chapter].get(sector, ()):
            if mate is self:
                continue
            memory, trust = self.recall(mate.unique_id), self.trust(mate.unique_id)
            if memory >= TOP_OF_MIND and trust >= REFER_LEVEL and memory * trust > score:
                best, score = mate, memory * trust
        return best

    def conversion(self, provider: NetworkMember) -> float:
        """Chance a referral (or recall) by this member becomes a sale: more, the more they
        trust the provider beyond the refer level (Referrers.conversion)."""
        trust = self.trust(provider.unique_id)
        conviction = min(max((trust - REFER_LEVEL) / (1 - REFER_LEVEL), 0.0), 1.0)
        return min(CONVERT * (1 + BELIEF * conviction), 1.0)


def small_world(model: mesa.Model, members: list, outsiders: list) -> None:
    """Social ties: outsiders on a ring, each tied to the OUTER_TIES // 2 next ones, a tie
    rewired to a random outsider with chance REWIRE (Watts-Strogatz); each member tied to
    MEMBER_TIES outsiders around a home on the ring (sim/model/population.py)."""
    rng, n, half = model.random, len(outsiders), OUTER_TIES // 2
    edges = []
    for i, person in enumerate(outsiders):
        for step in range(1, half + 1):
            j = rng.randrange(n) if rng.random() < REWIRE else (i + step) % n
            if j != i:
                edges.append((person, outsiders[j]))
    window = max(MEMBER_TIES, OUTER_TIES)
    for member in members:
        home = rng.randrange(n)
        for _ in range(MEMBER_TIES):
            edges.append((member, outsiders[(home + rng.randint(-window, window)) % n]))
    for a, b in edges:
        a.ties.append(b)
        b.ties.append(a)
    for person in members + outsiders:
        person.ties = list(dict.fromkeys(person.ties))  # duplicates dropped, order kept
        person.member_ties = [p for p in person.ties if isinstance(p, NetworkMember)]


class EqualWorkModel(ChapterModel):
    """The chapters of ChapterModel in a world of outsiders with the project's needs and
    referral chains: as many needs per member-week as the `bni` scene."""

    member_type = NetworkMember

    def __init__(self, members: int, seed: int = 1):
        super().__init__(members, seed)
        self.members = sorted(self.agents, key=lambda m: m.unique_id)
        self.outsiders = [Outsider() for _ in range(round(members * OUTER_PER_MEMBER))]
        self.seats: list[dict[int, list[NetworkMember]]] = [{} for _ in self.chapters]
        for m in self.members:
            self.seats[m.chapter].setdefault(m.sector, []).append(m)
        small_world(self, self.members, self.outsiders)
        self.calendar: dict[int, list[tuple]] = {}  # week -> the (person, sector) needs due
        self.last_seller: dict[tuple, tuple[NetworkMember, int]] = {}
        self.acquainted: dict[NetworkMember, list[NetworkMember]] = {}  # this week's
        self.needs = self.sales = self.recalls = 0
        self.by_degree = {1: 0, 2: 0, 3: 0}
        for person in self.members + self.outsiders:
            for sector in range(SECTORS):  # each product of a uniformly random age
                if sector != person.sector:
                    due = int(self.random.random() * self.mean_lifetime(sector))
                    self.calendar.setdefault(due, []).append((person, sector))

    @staticmethod
    def mean_lifetime(sector: int) -> int:
        return FOCAL_LIFETIME if sector == 0 else OTHER_LIFETIME

    def step(self) -> None:
        """This week's needs are answered, then the chapters meet (ChapterModel.step)."""
        self.acquainted.clear()
        for person, sector in self.calendar.pop(self.week, []):
            self.answer(person, sector)
        super().step()

    def contacts(self, person, members_only: bool) -> list:
        """Whom `person` asks: social ties (only the members among them, if members_only), and
        for a member also the chapter mates they remember by name (AskGraph.neighbours)."""
        ties = person.member_ties if members_only else person.ties
        if not isinstance(person, NetworkMember):
            return ties
        if person not in self.acquainted:
            mates = self.chapters[person.chapter]
            known = [m for m in mates if person.recall(m.unique_id) >= NAME_LEVEL]
            self.acquainted[person] = known
        return ties + self.acquainted[person]

    def answer(self, person, sector: int) -> None:
        """A need: a repeat purchase, the buyer's own recall (degree 1), a referral (degree 2,
        then 3), else the anonymous market (Market.answer_numpy). It is bought either way, so
        the next need of that product is scheduled now."""
        self.needs += 1
        mean = self.mean_lifetime(sector)
        lifetime = max(1, round(self.random.gauss(mean, mean * SPREAD)))
        self.calendar.setdefault(self.week + lifetime, []).append((person, sector))
        last = self.last_seller.pop((person, sector), None)
        if last is not None and self.random.random() < REPEAT:
            self.sell(person, sector, *last)
            return
        if isinstance(person, NetworkMember) and (provider := person.provider(sector)):
            self.recalls += 1
            if self.random.random() < person.conversion(provider):
                self.sell(person, sector, provider, 1)
            return
        for hops in range(2, MAX_DEGREE + 1):
            found = self.referrers(person, sector, hops)
            if found:
                referrer, provider = self.random.choice(found)
                met = isinstance(person, NetworkMember) and person.unique_id in provider.memory
                degree = 1 if met else hops
                self.by_degree[degree] += 1
                referrer.referrals += 1
                if self.random.random() < referrer.conversion(provider):
                    self.sell(person, sector, provider, degree)
                return

    def referrers(self, person, sector: int, hops: int) -> list[tuple]:
        """(referrer, provider) of every member `hops - 1` links away who hears of the need,
        has a provider of it in mind and trusted, and recognises it (AskGraph.paths)."""
        rng, found = self.random, []
        if hops == 2:  # each contact hears of it with chance MENTION
            paths = [(None, c) for c in self.contacts(person, True) if rng.random() < MENTION]
        else:  # ... and passes the question on with chance FORWARD
            middles = [c for c in self.contacts(person, False) if rng.random() < MENTION * FORWARD]
            paths = [(c, r) for c in middles for r in self.contacts(c, True) if r is not person]
        for middle, referrer in paths:
            provider = referrer.provider(sector)
            if provider is None or provider is person or provider is middle:
                continue
            if rng.random() < RECOGNISE:
                found.append((referrer, provider))
        return found

    def sell(self, buyer, sector: int, seller: NetworkMember, degree: int) -> None:
        self.sales += 1
        self.last_seller[(buyer, sector)] = (seller, degree)


def run(members: int, weeks: int, equal_work: bool = False) -> dict:
    """One run: its wall time and counts (for equal work also its needs and referral chains)."""
    start = time.perf_counter()
    model = (EqualWorkModel if equal_work else ChapterModel)(members)
    for _ in range(weeks):
        model.step()
    wall = time.perf_counter() - start
    referrals = sum(m.referrals for m in model.agents)
    result = {"members": members, "weeks": weeks, "wall_s": wall, "referrals": referrals}
    if equal_work:
        result |= {
            "needs": model.needs,
            "needs_per_member_week": model.needs / (members * weeks),
            "referrals_by_degree": model.by_degree,
            "recalls": model.recalls,
            "sales": model.sales,
            "persons": len(model.members) + len(model.outsiders),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("members", type=int)
    parser.add_argument("weeks", type=int)
    parser.add_argument("--equal-work", action="store_true", help="the bni scene's needs")
    args = parser.parse_args()
    print(json.dumps(run(args.members, args.weeks, args.equal_work)))


if __name__ == "__main__":
    main()
