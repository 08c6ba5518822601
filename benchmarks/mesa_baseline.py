"""A plain per-agent Mesa model of the same chapter work, for `make bench` to compare against.

What an idiomatic Mesa 3.5 model of a referral chapter looks like (one `Agent` per member, state
in Python dicts, `model.agents.shuffle_do`): every week each attendee hears every other
attendee's presentation (memory), two rounds of open networking and one one-to-one
(conversations: memory and trust per pair, spaced, with lazy exponential decay), and a referral
step: each member's contacts have needs (one sector each, lifetime about three years); a member
who hears of a need refers the chapter mate of that sector they remember and trust.

It does less than the project's model (no market of outsiders, no referral chains beyond one
hop, no pitches, strategies, fading trust or deep ties), so a comparison flatters it. It uses
the same parameter values as `scenarios/bni.toml` and the defaults (sim/config.py). Not a test:
`python -m benchmarks.mesa_baseline MEMBERS WEEKS` prints the wall time as JSON.
"""

from __future__ import annotations

import json
import math
import sys
import time

import mesa

GAIN, HALF_LIFE, SPACING = 0.2, 6.0, 0.5  # memory (sim/config.py MemoryConfig)
PRESENTATION_GAIN, ESTABLISHED, TOP_OF_MIND = 0.05, 0.3, 0.5
TRUST_GAIN, REFER_LEVEL = 0.5, 0.8  # trust (TrustConfig)
CHAPTER, ROUNDS, SECTORS, ATTENDANCE = 30, 2, 30, 0.9
CONTACTS, LIFETIME, MENTION, RECOGNISE = 20, 156, 0.06, 0.5  # a member's outside contacts


class Member(mesa.Agent):
    """A chapter member: what they remember of and how much they trust each chapter mate."""

    def __init__(self, model: ChapterModel, chapter: int, sector: int):
        super().__init__(model)
        self.chapter, self.sector = chapter, sector
        self.memory: dict[int, float] = {}  # value right after the last contact
        self.last: dict[int, int] = {}  # week of the last contact
        self.meetings: dict[int, int] = {}
        self.positive: dict[int, float] = {}  # beta-reputation evidence
        self.referrals = 0
        # Week of each outside contact's next need (in the sector of a chapter mate).
        self.needs = [model.random.randrange(LIFETIME) for _ in range(CONTACTS)]

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

    def __init__(self, members: int, seed: int = 1):
        super().__init__(rng=seed)
        self.week = 0
        chapters = math.ceil(members / CHAPTER)
        self.chapters: list[list[Member]] = [[] for _ in range(chapters)]
        for i in range(members):
            member = Member(self, i % chapters, (i // chapters) % SECTORS)
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


def main() -> None:
    members, weeks = int(sys.argv[1]), int(sys.argv[2])
    start = time.perf_counter()
    model = ChapterModel(members)
    for _ in range(weeks):
        model.step()
    wall = time.perf_counter() - start
    referrals = sum(m.referrals for m in model.agents)
    print(json.dumps({"members": members, "weeks": weeks, "wall_s": wall, "referrals": referrals}))


if __name__ == "__main__":
    main()
