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


def test_an_own_group_sets_the_lifetime_of_what_it_sells_and_only_an_own_group_may():
    """C11 per member: a group selling in sectors of its own may sell a consumable while the
    focal product stays durable; the buyers it locks out are locked for its own lifetime."""
    groups = [
        {"name": "rivals", "strategy": "direct", "count": 2, "focal": True},
        {"name": "caterer", "strategy": "relationship", "count": 1, "focal": True,
         "sector": "own", "lifetime_weeks": 4.0},
        {"name": "rest", "strategy": "relationship", "share": 1.0},
    ]  # fmt: skip
    params = apply_overrides(
        Params(), {"scene.members": 60, "scene.sectors": 8, "scene.groups": groups,
                   "run.weeks": 52}, "test"
    )  # fmt: skip
    model = NetworkingModel(params, rng=np.random.SeedSequence(3))
    caterer = int(model.sector[2])
    life = model.market.mean_lifetime
    assert life[caterer] == 4.0 and life[int(model.sector[0])] == params.market.lifetime_weeks
    assert np.sum(life == 4.0) == 1
    drawn = model.market.lifetime(np.random.default_rng(1), np.full(4000, caterer))
    assert abs(drawn.mean() - 4.0) < 0.5  # a purchase locks the buyer out for about 4 weeks
    with pytest.raises(ConfigError, match="lifetime_weeks needs sector 'own'"):
        apply_overrides(Params(), {"scene.groups.builders.lifetime_weeks": 4}, "test")


def test_the_attendance_trait_decides_who_comes_to_events():
    """C5: a member who never comes to an event meets nobody there; one who always comes is at
    every event. Without the trait, members come with events.attendance (the default)."""
    groups = [
        {"name": "never", "strategy": "relationship", "count": 5, "attendance": 0.0,
         "one_to_ones": 0},
        {"name": "always", "strategy": "relationship", "count": 5, "attendance": 1.0},
        {"name": "rest", "strategy": "relationship", "share": 1.0},
    ]  # fmt: skip
    params = apply_overrides(
        Params(), {"scene.members": 60, "scene.groups": groups, "run.weeks": 24,
                   "events.interval_weeks": 4}, "test"
    )  # fmt: skip
    model = NetworkingModel(params, rng=np.random.SeedSequence(5))
    assert model.traits["attendance"][10:].tolist() == [params.events.attendance] * 50
    met_by_never = []
    for _ in range(24):
        model.step()
        met_by_never.append(int(model.conversations[:5].sum()))
    assert met_by_never[-1] == 0  # nobody talks to them: they are never there
    assert np.all(model.conversations[5:10] > 0)
