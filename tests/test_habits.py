"""One-to-ones as a habit (sim/model/events.py: OneToOneHabit) and a capacity per seller
(sim/model/capacity.py): exact rules, and what a run shows of them (C5, C10, C1)."""

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiments.tables import model_tables
from sim.model import NetworkingModel, kernels, referral_kernels
from sim.model.capacity import UNLIMITED, WINDOW_WEEKS, turn_away
from sim.model.events import WEEKS_PER_MONTH, OneToOneHabit
from sim.scenario import load_scenario
from tests.conftest import small_params


# --- the habit ------------------------------------------------------------------------------
@given(
    per_month=st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=20),
    weeks=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_a_habit_holds_its_rate_whatever_the_week(per_month, weeks, seed):
    """Over any stretch of weeks a member holds rate x weeks one-to-ones, give or take one, and
    never a negative number in a week."""
    habit = OneToOneHabit(np.random.default_rng(seed), np.array(per_month))
    counts = np.array([habit.counts(w) for w in range(weeks)])
    assert (counts >= 0).all()
    expected = np.array(per_month) / WEEKS_PER_MONTH * weeks
    assert np.all(np.abs(counts.sum(axis=0) - expected) <= 1 + 1e-9)


def test_four_a_month_is_about_one_a_week_and_half_a_month_one_every_two_months():
    habit = OneToOneHabit(np.random.default_rng(1), np.array([4.0, 0.5, 8.0, 0.0]))
    counts = np.array([habit.counts(w) for w in range(104)])
    weekly, rare, busy, never = counts.T
    assert weekly.sum() in (95, 96, 97) and weekly.max() == 1
    gaps = np.diff(np.flatnonzero(weekly))
    assert gaps.max() <= 2  # about weekly: never more than a week skipped
    assert rare.sum() in (11, 12, 13) and np.diff(np.flatnonzero(rare)).min() >= 8
    assert set(busy.tolist()) <= {1, 2} and never.sum() == 0


def held_by_week(params, seed=3) -> np.ndarray:
    """One-to-ones held each week in a run (the scene table's one_to_ones)."""
    model = NetworkingModel(params, rng=np.random.SeedSequence(seed)).run()
    return model_tables(model, 0, "base")["scene"]["one_to_ones"].to_numpy()


def test_weekly_events_keep_the_one_to_ones():
    """Events every week leave the habit as it is: one-to-ones every week."""
    held = held_by_week(small_params(**{"events.interval_weeks": 1, "scene.one_to_ones": 4.0}))
    assert (held[4:] > 0).all()


def test_no_week_of_a_monthly_cycle_gathers_the_one_to_ones():
    """With a monthly event, each week of the four holds about a quarter of the one-to-ones
    (none more than half): members' weeks are spread over the calendar, not after events."""
    params = small_params(**{"events.interval_weeks": 4, "run.weeks": 104})
    held = held_by_week(params)
    by_week_of_cycle = np.array([held[k::4].sum() for k in range(4)])
    shares = by_week_of_cycle / by_week_of_cycle.sum()
    assert shares.max() <= 0.5 and shares.min() >= 0.15, shares


def test_the_steps_table_counts_the_one_to_ones_a_group_held():
    """steps.one_to_ones: one-to-ones held that week by members of the focal group, each member
    of a pair counted for their own group; the scene's total counts each one once."""
    params = load_scenario("laptop", {"run.weeks": 30, "scene.members": 60}).params
    model = NetworkingModel(params, rng=np.random.SeedSequence(4)).run()
    tables = model_tables(model, 0, "base")
    per_group = np.array(model.one_to_ones_by_week)
    assert per_group.sum() == 2 * tables["scene"]["one_to_ones"].sum() > 0
    steps = tables["steps"]
    for index, group in enumerate(model.groups):
        if group.focal:
            mine = steps.filter(group=group.name).sort("step")["one_to_ones"].to_numpy()
            assert np.array_equal(mine, per_group[:, index])
    builders = steps.filter(group="builders")["one_to_ones"].sum()
    pitchers = steps.filter(group="pitchers")["one_to_ones"].sum()
    assert builders > pitchers  # a one-to-one a week against two a month


# --- the capacity ---------------------------------------------------------------------------
@given(
    seller=st.lists(st.integers(-1, 5), max_size=40),
    data=st.data(),
)
@settings(max_examples=100, deadline=None)
def test_turning_work_away_is_one_rule_in_numpy_and_in_the_loop(seller, data):
    """capacity.turn_away and the compiled path's loop (run here as plain Python) agree on which
    sales are turned away, what room is left and the units each seller turned away."""
    n = len(seller)
    units = np.array(data.draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)), np.int64)
    room = np.array(data.draw(st.lists(st.integers(0, 8), min_size=6, max_size=6)), np.int64)
    seller = np.array(seller, dtype=np.int64)
    room[5] = UNLIMITED  # a seller without a capacity
    results = []
    for rule in (turn_away, referral_kernels._turn_away):
        left, away = room.copy(), np.zeros(6, dtype=np.int64)
        results.append((rule(seller.copy(), units, left, away), left, away))
    (mask_a, left_a, away_a), (mask_b, left_b, away_b) = results
    assert np.array_equal(mask_a, mask_b) and np.array_equal(left_a, left_b)
    assert np.array_equal(away_a, away_b) and not mask_a[seller == 5].any()
    for s in range(5):  # the sales kept fit in the room, in order: a prefix of the seller's
        mine = np.flatnonzero(seller == s)
        kept = mine[~mask_a[mine]]
        assert units[kept].sum() <= room[s] and np.array_equal(kept, mine[: kept.size])


def busy_room(capacity: int, compiled: bool, seed: int = 3):
    """The room scene with a builder of a monthly product who has many one-to-ones, and a
    pitcher who closes often: both have far more work than `capacity` a year."""
    kernels.use(compiled)
    overrides = {
        "scene.groups.example_builder.capacity": capacity,
        "scene.groups.example_builder.lifetime_weeks": 4.0,
        "scene.groups.example_builder.one_to_ones": 8,
        "scene.groups.example_pitcher.capacity": capacity,
        "scene.groups.example_pitcher.lifetime_weeks": 4.0,
        "market.pitch_close": 0.2,
        "reputation.competence_mean": 1.0,  # every sale goes well: no bad news to learn
        "run.weeks": 156,
    }
    params = load_scenario("room", overrides).params
    return NetworkingModel(params, rng=np.random.SeedSequence(seed))


@pytest.mark.parametrize("compiled", [False, True])
def test_no_seller_ever_sells_more_than_their_capacity_in_any_52_weeks(compiled):
    model = busy_room(6, compiled).run()
    tables = model_tables(model, 0, "base")
    agents = tables["agents"].filter(pl.col("focal"))
    assert (agents["turned_away"] > 0).all()  # the limit binds
    for group in agents["group"]:
        sold = tables["sales"].filter(seller_group=group)
        weekly = np.bincount(sold["step"].to_numpy(), sold["units"].to_numpy(), minlength=156)
        windows = np.convolve(weekly, np.ones(WINDOW_WEEKS, dtype=int), mode="valid")
        assert windows.max() <= 6 and weekly.sum() > 6, group


def test_work_turned_away_is_bought_on_the_market_and_costs_no_trust():
    """Nothing is lost: every need is a sale or goes to the market; and the buyers and the
    referrers of work turned away learn nothing bad (every sale here goes well)."""
    model = busy_room(6, compiled=False)
    bad = []
    real = model.store.add_evidence

    def add_evidence(judge, judged, positive, negative, week):
        bad.append(float(np.sum(negative)))
        return real(judge, judged, positive, negative, week)

    model.store.add_evidence = add_evidence
    model.run()
    sales = model.market.ledger.sales_arrays()
    assert model.market.capacity.turned_away.sum() > 0
    assert model.market.needs_arisen == sales["units"].size + model.market.needs_to_market
    assert sum(bad) == 0.0


def test_without_a_capacity_nothing_is_turned_away():
    model = NetworkingModel(small_params(), rng=np.random.SeedSequence(1)).run()
    cap = model.market.capacity
    assert not cap.limited and cap.recent is None and cap.turned_away.sum() == 0
