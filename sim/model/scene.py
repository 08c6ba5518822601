"""What event formats, channels and strategies may read and call on the model (a Protocol).

A format decides when members meet and who meets whom; a strategy decides what its members do
in a conversation and between events. Both act only through this interface, never on the
model's other internals, so either can be swapped or added without touching the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sim.config import Params
    from sim.model.memory import PairStore
    from sim.model.roster import Group


class Scene(Protocol):
    """The model as formats, channels and strategies see it."""

    rng: np.random.Generator  # the replication's only source of randomness
    params: Params  # the resolved configuration (read only)
    week: int  # the current week (0-based)
    n_members: int
    sector: np.ndarray  # what each member sells
    groups: list[Group]  # the roster
    group_of: np.ndarray  # each member's group (index into groups)
    traits: dict[str, np.ndarray]  # per-member trait values (NaN where a strategy lacks one)
    store: PairStore  # memory and trust per pair: read, never written directly

    def seek_known(self) -> np.ndarray:
        """Per member: the chance, each round of an event, to approach someone already known."""
        ...

    def talk(self, a: np.ndarray, b: np.ndarray, depth: float = 1.0) -> None:
        """Conversations between the unique pairs (a[k], b[k]) (pitches, memory, trust)."""
        ...

    def touch(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        gain: float,
        trust_gain: float = 0.0,
        slots: np.ndarray | None = None,
    ) -> None:
        """A light touch: src[k] hears or reads something of dst[k] without a conversation.

        `slots`: the pairs' slots if the caller already looked them up (store.find, -1 for pairs
        that never met), so a format that touches the same pairs every week need not search."""
        ...

    def familiarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """How well each a[k] remembers b[k] now, in [0, 1] (0 for strangers)."""
        ...
