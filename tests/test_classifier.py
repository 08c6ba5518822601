"""Every registered strategy does what its classifier says, in a scripted situation (C1, C5,
C9, C10; sim/model/strategies.py: `Classifier`), as Axelrod's classifier is tested.

One member plays the strategy among three builders. It meets a partner who comes to trust it
(and whom it trusts), a member it comes to distrust, and a member it first meets at the last
event; the test then asks whom it pitches, whom it approaches at an event, whom it wants to
meet one-to-one and how readily it refers. A strategy added to the registry is checked here
without a new test.
"""

from dataclasses import FrozenInstanceError

import numpy as np
import pytest

from sim.model import NetworkingModel
from sim.model.strategies import STRATEGIES, Classifier, Relationship
from tests.test_strategies import duo

PLAYER, PARTNER, NEW, DISTRUSTED = 0, 1, 2, 3
LAST_EVENT = 8


def scene(strategy: str) -> NetworkingModel:
    """Member 0 plays `strategy`; members 1-3 are builders. Nothing has happened yet."""
    return duo(strategy)


def behaviour(strategy: str) -> dict:
    """What the player does in the scripted situation, in the classifier's terms."""
    model = scene(strategy)
    one = np.array([PLAYER])
    model.week = 0
    pitches_stranger = bool(model.pitches(one, np.array([NEW]))[0])
    model.talk(np.array([PLAYER, PLAYER]), np.array([PARTNER, DISTRUSTED]))
    src, dst = np.array([PARTNER, PLAYER, PLAYER]), np.array([PLAYER, PARTNER, DISTRUSTED])
    model.store.add_evidence(src, dst, np.array([50.0, 50, 0]), np.array([0.0, 0, 50]), 0)
    model.week = LAST_EVENT
    pitches_trusted = bool(model.pitches(one, np.array([PARTNER]))[0])
    model.talk(one, np.array([NEW]))
    model.week = LAST_EVENT + 1
    others = np.array([PARTNER, NEW, DISTRUSTED])
    weight = model.follow_up_weight(model.store.find(np.full(3, PLAYER), others), LAST_EVENT)
    drive = model.referral_drive(np.array([PLAYER, PLAYER]), np.array([0.0, 1.0]))
    pitches = {(True, True): "always", (False, False): "never", (False, True): "when trusted"}
    warm = weight[0] > 0 and weight[2] == 0
    new = weight[1] > 0 and weight[0] == 0 and weight[2] == 0
    return {
        "seeks_known": bool(model.seek_known()[PLAYER] > 0),
        "pitches": pitches.get((pitches_stranger, pitches_trusted), "pitches strangers only"),
        "follows_up": "new faces" if new else ("warm contacts" if warm else "someone else"),
        "gives_first": bool(drive[0] == drive[1]),
    }


def mismatches(strategy: str) -> dict:
    """Each fact of the strategy's classifier its behaviour contradicts: {fact: (says, does)}."""
    says = vars(STRATEGIES[strategy].classifier)
    does = behaviour(strategy)
    return {fact: (says[fact], does[fact]) for fact in says if says[fact] != does[fact]}


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_a_strategy_does_what_its_classifier_says(strategy):
    assert isinstance(STRATEGIES[strategy].classifier, Classifier)
    assert mismatches(strategy) == {}


def test_the_situation_tells_the_kinds_of_player_apart():
    """The script separates the registered kinds: a pitcher who calls new faces, builders who
    keep warm contacts warm, a giver who gives first, an opportunist who pitches the trusted."""
    assert behaviour("direct") == {
        "seeks_known": False, "pitches": "always", "follows_up": "new faces", "gives_first": False,
    }  # fmt: skip
    assert behaviour("relationship") == {
        "seeks_known": True, "pitches": "never", "follows_up": "warm contacts",
        "gives_first": False,
    }  # fmt: skip
    assert behaviour("giver")["gives_first"] and behaviour("opportunist")["pitches"] == (
        "when trusted"
    )


def test_a_classifier_that_misdescribes_its_strategy_is_caught():
    """A builder that pitches everyone but keeps its parent's classifier ("never") fails."""

    class Pushy(Relationship):
        name = "pushy_builder"
        description = "builds relationships, yet pitches everyone"
        claims = ("C10",)
        labels = {"en": "pushy builder", "nl": "opdringerige bouwer"}

        def pitches(self, scene, seller, partner):
            return np.ones(seller.size, dtype=bool)

    try:
        assert mismatches("pushy_builder") == {"pitches": ("never", "always")}
    finally:
        del STRATEGIES["pushy_builder"]


def test_a_classifier_is_typed_and_frozen():
    kind = Classifier(seeks_known=True, pitches="never", follows_up="warm contacts")
    assert kind.gives_first is False
    with pytest.raises(FrozenInstanceError):
        kind.pitches = "always"  # type: ignore[misc]
    with pytest.raises(ValueError, match="classifier pitches: one of always, never"):
        Classifier(seeks_known=True, pitches="sometimes", follows_up="warm contacts")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="classifier follows_up"):
        Classifier(seeks_known=True, pitches="never", follows_up="everyone")  # type: ignore[arg-type]


def test_a_strategy_that_writes_no_decision_does_what_its_classifier_says():
    """The classifier is data the default decisions follow: a strategy that only declares one
    (a pitcher who also meets known faces and keeps warm contacts warm) behaves as it says,
    and the compiled one-to-ones and conversations read its follow-up and pitch rules; one
    that writes its own weight and pitches is asked instead; one that seeks known faces
    without the trait they are read from is refused."""
    from sim.model.strategies import PitchingTraits, SeekingTraits, Strategy

    class Declared(Strategy):
        name = "declared_for_test"
        description = "pitches everyone, meets known faces, keeps warm contacts warm"
        claims = ("C10",)
        classifier = Classifier(seeks_known=True, pitches="always", follows_up="warm contacts")
        labels = {"en": "declared", "nl": "verklaard"}

        class Traits(SeekingTraits, PitchingTraits):
            pass

    class Own(Declared):
        name = "own_for_test"

        def follow_up_weight(self, scene, slots, since_week):
            return np.ones(slots.size)

        def pitches(self, scene, seller, partner):
            return np.zeros(seller.size, dtype=bool)

    try:
        assert mismatches("declared_for_test") == {}
        assert Declared.follow_up_rule() == "warm contacts" and Own.follow_up_rule() is None
        assert Relationship.follow_up_rule() == "warm contacts"
        assert Declared.pitch_rule() == "always" and Own.pitch_rule() is None
        with pytest.raises(TypeError, match="known_share"):

            class Unseeing(Strategy):
                classifier = Classifier(seeks_known=True, pitches="never", follows_up="new faces")
    finally:
        del STRATEGIES["declared_for_test"], STRATEGIES["own_for_test"]
