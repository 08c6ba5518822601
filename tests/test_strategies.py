"""Scripted tests of each strategy, in the spirit of Axelrod's: a player meets scripted partners
and its exact decisions are checked (C1, C5, C9, C10). Plus the registry: a new strategy is one
class, and no module outside sim/model/strategies.py names a strategy."""

import re
from pathlib import Path

import numpy as np
import pytest
from pydantic import Field

from sim.config import Params
from sim.model import NetworkingModel
from sim.model.strategies import (
    STRATEGIES,
    Direct,
    Giver,
    Opportunist,
    Relationship,
    SeekingTraits,
    Strategy,
)
from sim.scenario import apply_overrides

PLAYER, PARTNER, OTHER = 0, 1, 2


def duo(strategy: str, **traits) -> NetworkingModel:
    """Member 0 plays `strategy` (with trait overrides); members 1-3 are plain builders."""
    groups = [
        {"name": "player", "strategy": strategy, "count": 1, **traits},
        {"name": "partners", "strategy": "relationship", "count": 3},
    ]
    overrides = {
        "scene.members": 4,
        "scene.sectors": 3,
        "scene.groups": groups,
        "conversation.small_talk": 0.0,
        "run.weeks": 100,
    }
    return NetworkingModel(apply_overrides(Params(), overrides, "test"), rng=1)


def play(model: NetworkingModel, weeks, partner: int = PARTNER) -> str:
    """The player and a partner talk once a week; 'P' where the player pitched, '.' if not."""
    moves = ""
    for week in weeks:
        model.week = week
        pitched = model.pitches(np.array([PLAYER]), np.array([partner]))[0]
        moves += "P" if pitched else "."
        model.talk(np.array([PLAYER]), np.array([partner]))
    return moves


def follow_up_weights(model, since_week: float) -> dict[int, float]:
    """The player's wish to meet each member it knows one-to-one."""
    slots = model.store.find(np.full(3, PLAYER), np.array([1, 2, 3]))
    known = slots >= 0
    weights = model.follow_up_weight(slots[known], since_week)
    return dict(zip(np.array([1, 2, 3])[known].tolist(), weights.tolist(), strict=True))


# --- Direct ----------------------------------------------------------------------------------
def test_a_direct_seller_pitches_every_conversation_and_never_seeks_known_faces():
    model = duo("direct")
    assert play(model, range(6)) == "PPPPPP"
    assert model.seek_known()[PLAYER] == 0.0
    assert model.store.avoided(np.array([PARTNER]), np.array([PLAYER]), model.week)[0]  # C10


def test_a_direct_seller_calls_only_people_first_met_since_the_last_event():
    """The Monday call (C10): a fresh contact yes, an older one no, however well remembered."""
    model = duo("direct")
    play(model, range(3), partner=PARTNER)  # weeks 0-2
    play(model, [8], partner=OTHER)  # met at the event of week 8
    weights = follow_up_weights(model, since_week=8)
    assert weights[OTHER] > 0 and weights[PARTNER] == 0


# --- Relationship ----------------------------------------------------------------------------
def test_a_builder_never_pitches_and_seeks_known_faces_by_its_known_share():
    model = duo("relationship", known_share=0.7)
    assert play(model, range(12)) == "." * 12
    assert model.seek_known()[PLAYER] == 0.7  # the group's own trait


def test_a_builder_has_coffee_with_the_best_remembered_and_not_with_those_it_avoids():
    """C5: follow-ups go to warm contacts in proportion to memory; never to an avoided one."""
    model = duo("relationship")
    play(model, range(0, 24, 4), partner=PARTNER)  # six talks
    play(model, [24], partner=OTHER)  # one talk
    weights = follow_up_weights(model, since_week=24)
    assert weights[PARTNER] > weights[OTHER] > 0
    model.store.add_evidence(np.array([PLAYER]), np.array([PARTNER]), 0.0, 50.0, model.week)
    assert follow_up_weights(model, since_week=24)[PARTNER] == 0


# --- Giver -----------------------------------------------------------------------------------
def test_a_giver_refers_as_readily_as_a_builder_who_owes_a_referral():
    """C9: giving first: the giver's drive to pass a need on does not wait for a referral
    received; a builder's drive rises only once owed (reciprocity 0.5)."""
    owes = np.array([0.0, 1.0])
    giver = duo("giver").referral_drive(np.array([PLAYER, PLAYER]), owes)
    builder = duo("relationship").referral_drive(np.array([PLAYER, PLAYER]), owes)
    assert builder.tolist() == [1.0, 1.5]  # giving 0: only reciprocity
    assert giver.tolist() == [3.0, 3.0]  # (1 + giving 1) x (1 + 0.5), owed or not
    assert duo("giver", giving=0.0).referral_drive(np.array([PLAYER]), owes[:1]).tolist() == [1.5]


def test_a_giver_behaves_like_a_builder_in_conversation():
    model = duo("giver")
    assert play(model, range(10)) == "." * 10
    assert model.seek_known()[PLAYER] == SeekingTraits().known_share


# --- Opportunist -----------------------------------------------------------------------------
def test_an_opportunist_pitches_whoever_trusts_him_and_so_loses_that_trust():
    """C1, C10: ten good weekly conversations bring the partner's trust to the refer level (nine
    if trust did not fade between them); he pitches, the pitch costs trust, and it takes nine
    more conversations to win it back."""
    model = duo("opportunist")
    assert play(model, range(30)) == "..........P.........P........."
    model = duo("opportunist")
    model.params.trust.half_life_weeks = 0
    assert play(model, range(30)) == ".........P.........P.........P"
    trust = model.store.trust_of(np.array([PARTNER]), np.array([PLAYER]), model.week)[0]
    assert trust < model.params.trust.refer_level


def test_an_opportunist_never_pitches_a_stranger():
    model = duo("opportunist")
    assert not model.pitches(np.array([PLAYER]), np.array([OTHER]))[0]


# --- a new kind of decision: week_end ---------------------------------------------------------
def test_a_strategy_acts_at_the_weeks_end_for_its_own_members_only():
    """The model calls week_end once a week per strategy, with that strategy's members, after
    the week's needs are answered and before the week is recorded; the default does nothing."""
    calls = []

    class Noter(Relationship):
        name = "noter_for_test"
        description = "notes when he is asked to act"
        labels = {"en": "noter", "nl": "noteerder"}

        def week_end(self, model, members):
            recorded = len(model.one_to_ones_by_week)  # weeks the observers recorded
            calls.append((model.week, members.tolist(), recorded))

    try:
        model = duo("noter_for_test")
        for _ in range(3):
            model.step()
        assert calls == [(0, [PLAYER], 0), (1, [PLAYER], 1), (2, [PLAYER], 2)]
        assert Strategy.week_end(Relationship(), model, np.arange(4)) is None
    finally:
        del STRATEGIES["noter_for_test"]


def test_an_introduction_is_a_conversation_unless_either_avoids_the_other():
    """model.introduce: strangers introduced meet (both remember the other, each pair once however
    often named); a pair where one avoids the other does not meet (C10)."""
    model = duo("relationship")
    one, two, three = np.array([1]), np.array([2]), np.array([3])
    assert model.familiarity(one, two)[0] == 0
    a, b = model.introduce(np.array([1, 2, 1]), np.array([2, 1, 2]))
    assert (a.tolist(), b.tolist()) == ([1], [2]) and model.introductions == 1
    assert model.familiarity(one, two)[0] > 0 and model.familiarity(two, one)[0] > 0
    assert model.conversations.tolist() == [0, 1, 1, 0]
    model.talk(one, three)
    model.store.add_evidence(three, one, 0.0, 50.0, model.week)  # 3 avoids 1 since
    a, b = model.introduce(one, three)
    assert a.size == 0 and model.introductions == 1
    assert model.conversations.tolist() == [0, 2, 1, 1]  # the talk only
    assert model.contacts_of(1).tolist() == [2, 3] and model.trust_in(one, two)[0] >= 0.5


# --- the registry ----------------------------------------------------------------------------
def test_every_strategy_says_what_it_does():
    for cls in STRATEGIES.values():
        assert cls.name and cls.description and cls.claims and cls.classifier
        assert {"en", "nl"} <= set(cls.labels)
    assert [Direct, Relationship, Giver, Opportunist] == [
        STRATEGIES[n] for n in list(STRATEGIES)[:4]
    ]


def test_a_new_strategy_is_one_class():
    """Defining the class registers it: a roster can use it and its traits at once."""

    class Listener(Relationship):
        """Builds relationships and listens above all (C8)."""

        name = "listener_for_test"
        description = "builds relationships and listens above all"
        claims = ("C8",)
        labels = {"en": "listener", "nl": "luisteraar"}

        class Traits(SeekingTraits):
            listening: float = Field(1.0, ge=0, le=1)

    try:
        model = duo("listener_for_test", known_share=0.9)
        assert isinstance(model.strategies[0], Listener)
        assert model.traits["listening"][PLAYER] == 1.0 and model.seek_known()[PLAYER] == 0.9
        assert play(model, range(3)) == "..."
    finally:
        del STRATEGIES["listener_for_test"]


def test_no_module_outside_strategies_names_a_strategy():
    """Behaviour and views loop over the registry; only sim/model/strategies.py says 'direct'."""
    sim = Path(__file__).resolve().parent.parent / "sim"
    names = "|".join(re.escape(n) for n in STRATEGIES)
    quoted = re.compile(rf"[\"']({names})[\"']")
    offenders = [
        f"{path.relative_to(sim)}: {match.group(0)}"
        for path in sim.rglob("*.py")
        if path.name != "strategies.py"
        for match in quoted.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_every_strategy_runs_a_whole_scene(strategy):
    """Each strategy as the whole scene for a year: its decisions fit the model's arrays."""
    overrides = {
        "scene.members": 40,
        "scene.groups": [{"name": "all", "strategy": strategy, "share": 1.0}],
        "run.weeks": 52,
    }
    model = NetworkingModel(apply_overrides(Params(), overrides, "test"), rng=3).run()
    assert model.conversations.sum() > 0
    assert isinstance(model.strategies[0], Strategy)


def test_a_derived_strategy_keeps_its_parents_traits_and_a_name_is_taken_once():
    """Traits that drop a parent's trait are refused when the class is defined (its inherited
    decisions would read NaN for it), and so is a second class with a taken name."""
    from sim.model.strategies import STRATEGIES, PitchingTraits, Relationship, Strategy

    with pytest.raises(TypeError, match="lack known_share of Giver.Traits"):

        class Forgetful(STRATEGIES["giver"]):
            class Traits(PitchingTraits):
                pass

    with pytest.raises(ValueError, match="'relationship' is taken"):

        class Impostor(Relationship):
            name = "relationship"

    assert STRATEGIES["relationship"] is Relationship
    assert all(issubclass(s, Strategy) for s in STRATEGIES.values())
    assert repr(Relationship()) == "<strategy 'relationship'>"
