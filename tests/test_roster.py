"""The roster: groups expand into members, sectors and traits as the scenario file says (C1)."""

import numpy as np
import pytest

from sim.config import Params
from sim.errors import ConfigError
from sim.model import NetworkingModel
from sim.model.roster import Members
from sim.scenario import apply_overrides, load_scenario


def members_of(groups, members=20, sectors=10, **more):
    overrides = {"scene.members": members, "scene.sectors": sectors, "scene.groups": groups}
    params = apply_overrides(Params(), {**overrides, **more}, "test")
    return Members(np.random.default_rng(0), params), params


def test_counted_groups_come_first_in_file_order_and_shares_split_the_rest():
    groups = [
        {"name": "a", "strategy": "direct", "count": 2},
        {"name": "rest_x", "strategy": "relationship", "share": 0.5},
        {"name": "b", "strategy": "giver", "count": 3},
        {"name": "rest_y", "strategy": "direct", "share": 0.5},
    ]
    roster, _ = members_of(groups, members=2000)
    assert roster.group_of[:5].tolist() == [0, 0, 2, 2, 2]
    rest = roster.group_of[5:]
    assert set(rest.tolist()) == {1, 3}
    assert abs(np.mean(rest == 1) - 0.5) < 0.05  # a random draw per member, by share


def test_sectors_focal_shared_own_and_spread():
    """focal: one shared sector (0); own: a sector each, selling the focal product; spread: the
    remaining sectors in turn."""
    groups = [
        {"name": "rivals", "strategy": "direct", "count": 2, "focal": True},
        {"name": "solo", "strategy": "relationship", "count": 2, "focal": True, "sector": "own"},
        {"name": "rest", "strategy": "relationship", "count": 6},
    ]
    roster, _ = members_of(groups, members=10, sectors=6)
    assert roster.sector.tolist() == [0, 0, 1, 2, 3, 4, 5, 3, 4, 5]
    assert roster.focal_product.tolist() == [True, True, True, False, False, False]
    assert roster.focal.tolist() == [True] * 4 + [False] * 6


def test_a_trait_comes_from_the_group_then_the_strategy_section_then_the_default():
    groups = [
        {"name": "g1", "strategy": "relationship", "count": 2, "listening": 0.5},
        {"name": "g2", "strategy": "relationship", "count": 2},
        {"name": "g3", "strategy": "direct", "count": 2},
        {"name": "g4", "strategy": "direct", "count": 2, "pitch_close": 0.02},
    ]
    more = {"strategies.relationship.listening": 0.7, "market.pitch_close": 0.004}
    roster, _ = members_of(groups, members=8, **more)
    assert roster.trait("listening").tolist() == [0.5, 0.5, 0.7, 0.7, 0.3, 0.3, 0.3, 0.3]
    pitch = roster.trait("pitch_close")
    assert np.isnan(pitch[:4]).all()  # builders do not pitch: no such trait
    assert pitch[4:].tolist() == [0.004, 0.004, 0.02, 0.02]  # None: the scene's value


def test_a_group_can_be_changed_by_a_dotted_key():
    base = load_scenario("salesman").params
    changed = apply_overrides(base, {"scene.groups.givers.strategy": "relationship"}, "test")
    assert [g.strategy for g in changed.scene.groups][:2] == ["direct", "relationship"]
    with pytest.raises(ConfigError, match="no group named 'nobody'"):
        apply_overrides(base, {"scene.groups.nobody.count": 2}, "test")


def test_salesman_sets_traits_on_its_focal_groups_only():
    """The scenario's question: three trained closers and three givers in a default scene."""
    model = NetworkingModel(load_scenario("salesman").params, rng=0)
    group = np.array([g.name for g in model.groups])[model.group_of]
    pitch, giving = model.traits["pitch_close"], model.traits["giving"]
    closers, givers = group == "closers", group == "givers"
    assert closers.sum() == 3 and givers.sum() == 3
    assert (pitch[closers] == 0.01).all() and (giving[givers] == 1.0).all()
    others = ~(closers | givers)
    assert (np.nan_to_num(pitch[others], nan=0.005) == 0.005).all()  # the market default
    assert (giving[others] == 0.0).all()
    assert {model.groups[g].strategy for g in model.group_of[others]} == {"relationship", "direct"}


def test_the_laptop_roster_matches_the_shorthand_it_replaced():
    """The default roster is the old laptop scene: 3 + 3 focal sellers in sector 0, the other
    members 80 % relationship, spread over the other sectors."""
    roster, _ = members_of([g.model_dump() for g in Params().scene.groups], members=200, sectors=25)
    assert (roster.sector[:6] == 0).all() and (roster.sector[6:] > 0).all()
    assert roster.focal[:6].all() and not roster.focal[6:].any()
