"""Networking strategies, one class each (in the spirit of Axelrod's strategy classes).

A strategy decides how a member spends conversations at an event: how many are sought with
people already known, whether the member pitches, how well they listen and how actively they look
for referrals to give. Claims: C1, C8, C9, C10.
Adding a strategy means adding one class here and naming it in STRATEGIES.
"""

from __future__ import annotations

from typing import ClassVar

from sim.config import StrategiesConfig


class Strategy:
    """Base class: a name, a plain-words description, claim IDs and a classifier."""

    name: ClassVar[str]
    code: ClassVar[int]
    description: ClassVar[str]
    claims: ClassVar[tuple[str, ...]]
    classifier: ClassVar[dict[str, object]]

    def __init__(self, cfg: StrategiesConfig):
        self.cfg = cfg

    def known_share(self) -> float:
        """Share of conversations the member seeks with people they already know."""
        raise NotImplementedError

    def pitches(self) -> bool:
        """Whether every conversation is used to pitch the member's product."""
        raise NotImplementedError

    def listening(self) -> float:
        """How well the member listens to the other's story, in [0, 1]."""
        raise NotImplementedError

    def follow_ups(self) -> int:
        """One-to-one contacts the member initiates between two events."""
        raise NotImplementedError

    def giving(self) -> float:
        """How actively the member looks for referrals to give (C9); 0 = not at all."""
        raise NotImplementedError


class Direct(Strategy):
    """Goes from new face to new face, pitches in every conversation, calls back to pitch again."""

    name = "direct"
    code = 0
    description = "goes from new face to new face and pitches in every conversation"
    claims = ("C1", "C10", "C11")
    classifier: ClassVar[dict[str, object]] = {"seeks_known": False, "pitches": True}

    def known_share(self) -> float:
        return 0.0

    def pitches(self) -> bool:
        return True

    def listening(self) -> float:
        return self.cfg.direct_listening

    def follow_ups(self) -> int:
        """The Monday call: a sales pitch to people just met at the last event (C10)."""
        return self.cfg.direct_follow_ups

    def giving(self) -> float:
        return self.cfg.direct_giving


class Relationship(Strategy):
    """Splits conversations between known and new people, listens, keeps warm contacts warm."""

    name = "relationship"
    code = 1
    description = "meets known contacts again and new people, listens, never pitches"
    claims = ("C1", "C2", "C3", "C4", "C5")
    classifier: ClassVar[dict[str, object]] = {"seeks_known": True, "pitches": False}

    def known_share(self) -> float:
        return self.cfg.relationship_known_share

    def pitches(self) -> bool:
        return False

    def listening(self) -> float:
        return self.cfg.relationship_listening

    def follow_ups(self) -> int:
        """Coffee one-to-ones with the contacts remembered best, to keep them warm (C5)."""
        return self.cfg.relationship_follow_ups

    def giving(self) -> float:
        """Gives first: looks for referrals for the people they know (C9)."""
        return self.cfg.relationship_giving


STRATEGIES: dict[str, type[Strategy]] = {cls.name: cls for cls in (Direct, Relationship)}
STRATEGY_NAMES: tuple[str, ...] = tuple(sorted(STRATEGIES, key=lambda n: STRATEGIES[n].code))
