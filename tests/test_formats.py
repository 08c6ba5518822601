"""Scripted tests of the event formats and channels (C6, C9, C12-C17; sim/model/formats.py).

Each test sets up one situation and checks one mechanism: who meets whom in a chapter, a circuit,
at a dinner or in a circle, what online posts and small talk leave behind, and what a referral's
outcome does to trust. A final smoke test runs every format end to end.
"""

import numpy as np
import polars as pl
import pytest

from sim.claims_catalogue import ID as CLAIM_ID
from sim.config import (
    ConversationConfig,
    MarketConfig,
    MemoryConfig,
    ReferralConfig,
    ReputationConfig,
    TiesConfig,
    TrustConfig,
)
from sim.errors import ConfigError
from sim.model import NetworkingModel
from sim.model.formats import (
    FORMATS,
    Chapter,
    Circle,
    CircleChannel,
    Circuit,
    Dinner,
    Format,
    Online,
)
from sim.model.market import Market
from sim.model.memory import PairStore
from sim.model.population import Adjacency
from sim.model.referrals import AskGraph, Referrers
from sim.model.seating import repeat_lower_bound
from sim.scenario import load_scenario
from tests.conftest import small_params


def make_model(fmt, seed=1, **overrides):
    return NetworkingModel(small_params(**{"events.format": fmt, **overrides}), rng=seed)


def record_talks(model):
    """Replace model.talk by a wrapper that records (week, a, b, depth) of every call."""
    calls = []
    real = model.talk

    def talk(a, b, depth=1.0):
        calls.append((model.week, np.asarray(a).copy(), np.asarray(b).copy(), depth))
        real(a, b, depth=depth)

    model.talk = talk
    return calls


def one_to_one_weeks(model) -> list[int]:
    """The weeks so far in which members held one-to-ones."""
    return [week for week, held in enumerate(model.one_to_ones_by_week) if held.any()]


def pair_set(a, b):
    """Unordered pairs as a set of (low, high) tuples."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    return set(zip(low.tolist(), high.tolist(), strict=True))


def all_pairs_within(groups):
    out = set()
    for group in groups:
        g = sorted(int(x) for x in group)
        out |= {(g[i], g[j]) for i in range(len(g)) for j in range(i + 1, len(g))}
    return out


# --- Chapter (C12) ---------------------------------------------------------------------------

CHAPTER = {
    "scene.members": 24,
    "scene.sectors": 24,
    "scene.groups.pitchers.count": 1,
    "scene.groups.builders.count": 1,
    "chapter.size": 12,
}


def test_chapters_are_balanced_with_one_seat_per_profession():
    """C12: 24 members, chapters of 12: two chapters of 12, no profession twice in a chapter."""
    model = make_model("chapter", **CHAPTER)
    chapter_of = model.format.chapter_of
    assert np.bincount(chapter_of).tolist() == [12, 12]
    for c in range(2):
        sectors = model.sector[chapter_of == c]
        assert np.unique(sectors).size == sectors.size


def test_a_crowded_profession_is_spread_evenly_over_the_chapters():
    """C12: with more members of a profession than chapters, each chapter gets its share."""
    model = make_model(
        "chapter",
        **{**CHAPTER, "scene.members": 60, "scene.sectors": 6, "chapter.size": 12},
    )
    chapter_of = model.format.chapter_of
    chapters = 5
    sizes = np.bincount(chapter_of, minlength=chapters)
    assert sizes.size == chapters and sizes.max() - sizes.min() <= 1
    for sector in np.unique(model.sector):
        per_chapter = np.bincount(chapter_of[model.sector == sector], minlength=chapters)
        assert per_chapter.max() - per_chapter.min() <= 1


@pytest.mark.parametrize("compiled", [False, True])
def test_the_chapters_room_slots_kept_across_inserts_equal_a_lookup(compiled):
    """The chapter keeps its rooms' pair slots from week to week, moving them along when pairs
    are inserted (visitors meet new people every week) and looking up only the pairs not met
    yet: after every week they are what a fresh lookup finds."""
    from sim.model import kernels

    overrides = {
        **CHAPTER,
        **{"scene.members": 60, "chapter.visits": 0.2, "events.attendance": 0.7},
        "events.interval_weeks": 1,
    }
    kernels.use(compiled)
    try:
        model = make_model("chapter", **overrides)
        versions, missing = set(), False
        for _ in range(12):
            model.step()
            hearer, speaker, slots = model.format.room_pairs(model.store)
            assert np.array_equal(slots, model.store.find(hearer, speaker))
            versions.add(model.store.version)
            missing |= bool((slots < 0).any())
        assert len(versions) == 12 and missing  # inserts every week; absentees not met yet
    finally:
        kernels.use(False)


def test_a_chapter_meeting_lets_members_hear_everyone_of_their_own_chapter_only():
    """C12: each present member hears every other present member of the same chapter (a light
    touch: memory but no meeting, unless they also talked); nobody else enters their memory."""
    model = make_model("chapter", **CHAPTER, **{"chapter.presentation_gain": 0.1})
    absent = {3, 15}
    present = np.array([m for m in range(24) if m not in absent])
    model.format.attendees = lambda model: present
    calls = record_talks(model)
    model.step()
    talks = {}
    for _, a, b, _ in calls:
        for pair in pair_set(a, b):
            talks[pair] = talks.get(pair, 0) + 1
    chapter_of = model.format.chapter_of
    store = model.store
    heard_only = 0
    for i in range(24):
        for j in range(24):
            if i == j:
                continue
            slot = store.find(np.array([i]), np.array([j]))[0]
            same = chapter_of[i] == chapter_of[j] and i not in absent and j not in absent
            if not same:
                assert slot < 0, (i, j)
                continue
            assert slot >= 0 and store.memory_at(np.array([slot]), 0)[0] > 0
            talked = talks.get((min(i, j), max(i, j)), 0)
            assert store.meetings[slot] == talked
            if not talked:
                heard_only += 1
                assert store.memory[slot] == pytest.approx(0.1)
    assert heard_only > 0 and talks  # both presentations and conversations happened
    assert all(chapter_of[a] == chapter_of[b] for a, b in talks)


def test_chapter_members_hold_one_to_ones_by_their_habit_not_by_the_meetings():
    """C12, C5: in a chapter meeting every other week, members with a one-to-one a week (52 / 12
    a month) hold them in meeting weeks and between alike."""
    model = make_model(
        "chapter", **CHAPTER, **{"events.interval_weeks": 2, "scene.one_to_ones": 52 / 12}
    )
    for _ in range(12):
        model.step()
    weeks = one_to_one_weeks(model)
    assert {w for w in weeks if w % 2 == 0} and {w for w in weeks if w % 2 == 1}


# --- Circuit (C13) ---------------------------------------------------------------------------

CIRCUIT = {"circuit.locations": 10, "circuit.visits_per_month": 3}


def test_an_anchor_plans_the_same_locations_every_month():
    """C13: anchor (every non-focal regular, here also the focal sellers) never changes plans."""
    model = make_model("circuit", **CIRCUIT, **{"circuit.policy": "anchor"})
    fmt = model.format
    first = fmt.plan(0)
    assert first.shape == (40, 3)
    assert np.array_equal(first[:, 0], fmt.home)
    for month in range(1, 13):
        assert np.array_equal(fmt.plan(month), first)


def test_a_tourer_sees_every_location_within_locations_over_visits_months():
    """C13: with tour, a focal seller visits all 10 locations within ceil(10 / 3) = 4 months;
    the other members still anchor."""
    model = make_model("circuit", **CIRCUIT, **{"circuit.policy": "tour"})
    fmt = model.format
    months = -(-10 // 3)
    plans = [fmt.plan(month) for month in range(months)]
    for member in np.flatnonzero(model.focal):
        seen = set(np.concatenate([plan[member] for plan in plans]).tolist())
        assert seen == set(range(10))
    regular = np.flatnonzero(~model.focal)
    for plan in plans:
        assert np.array_equal(plan[regular], plans[0][regular])


def test_a_mixed_planner_goes_home_every_month_and_tours_with_the_other_visits():
    """C13: mixed keeps the home location as one visit each month; the other visits fall in the
    other weeks of the month and, within a year, reach every location meeting in those weeks."""
    model = make_model("circuit", **CIRCUIT, **{"circuit.policy": "mixed"})
    fmt = model.format
    focal = np.flatnonzero(model.focal)
    seen = {int(m): set() for m in focal}
    for month in range(12):
        plan = fmt.plan(month)
        assert np.array_equal(plan[focal, 0], fmt.home[focal])
        weeks = plan[focal] % 4
        assert all(len(set(w)) == 3 for w in weeks.tolist())  # three different weeks
        for m in focal:
            seen[int(m)] |= set(plan[m].tolist())
    for m, locations in seen.items():
        home = int(fmt.home[m])
        assert locations == {home} | {loc for loc in range(10) if loc % 4 != home % 4}


def test_circuit_conversations_happen_only_between_members_at_the_same_location():
    """C13: location l holds its event in the weeks l (mod events.interval_weeks); a member goes
    to the planned location open that week (at most one); conversations stay within it."""
    only_events = {"circuit.policy": "tour", "events.attendance": 1.0, "scene.one_to_ones": 0}
    model = make_model("circuit", **CIRCUIT, **only_events)
    fmt = model.format
    calls = record_talks(model)
    interval = model.params.events.interval_weeks
    venues_used = set()
    for _ in range(12):
        week = model.week
        model.step()
        plan = fmt.plan(week // interval)
        open_now = plan % interval == week % interval
        assert (open_now.sum(axis=1) <= 1).all()  # one event a week per member
        venue = np.where(open_now.any(axis=1), plan[np.arange(40), np.argmax(open_now, axis=1)], -1)
        week_calls = [c for c in calls if c[0] == week]
        assert len(week_calls) == 1
        _, a, b, _ = week_calls[0]
        assert np.all(venue[a] >= 0) and np.array_equal(venue[a], venue[b])
        venues_used |= set(venue[a].tolist())
    assert len(venues_used) >= 5  # events at many locations did take place


# --- Dinner (C14) ----------------------------------------------------------------------------


def record_tables(fmt):
    tables_per_dinner = []
    real = fmt.seating.seat

    def seat(*args, **kwargs):
        tables = real(*args, **kwargs)
        tables_per_dinner.append([np.asarray(t).copy() for t in tables])
        return tables

    fmt.seating.seat = seat
    return tables_per_dinner


def test_at_a_dinner_every_pair_at_a_table_talks_once_at_dinner_depth():
    """C14: one long conversation (depth dinner.depth) between every two people at a table,
    and none across tables."""
    model = make_model(
        "dinner",
        **{"dinner.table_size": 8, "dinner.depth": 2.5, "events.attendance": 0.8},
        **{"scene.one_to_ones": 0},  # only the dinner's conversations here
    )
    tables = record_tables(model.format)
    calls = record_talks(model)
    model.step()
    assert len(tables) == 1 and len(calls) == 1
    _, a, b, depth = calls[0]
    assert depth == 2.5
    expected = all_pairs_within(tables[0])
    assert len(expected) > 0 and a.size == len(expected)
    assert pair_set(a, b) == expected
    assert len(model.store) == 2 * len(expected)
    assert np.all(model.store.meetings == 1)


DINNERS = {
    "scene.members": 12,
    "dinner.table_size": 6,
    "dinner.season_dinners": 3,
    "events.interval_weeks": 1,
    "events.attendance": 1.0,
}


def test_seating_repeats_and_their_bound_reach_the_data_collector_and_reset_each_season():
    """C14: 12 diners at two fixed tables of 6: every dinner after a season's first repeats all
    30 table pairs; the pigeonhole bound is 3 * 30 - 66 = 24 by the third dinner; both columns
    start from zero again with each season of three dinners."""
    model = make_model("dinner", **DINNERS, **{"dinner.seating": "fixed"})
    fmt = model.format
    rounds, pairs, bounds = [], [], []
    for _ in range(7):
        model.step()
        rounds.append(len(fmt.log.rounds_sizes))
        pairs.append(fmt.log.repeats)
        bounds.append(repeat_lower_bound(12, fmt.log.rounds_sizes))
    assert rounds == [1, 2, 3, 1, 2, 3, 1]
    assert pairs == [0, 30, 60, 0, 30, 60, 0]
    assert bounds == [0, 0, 24, 0, 0, 24, 0]
    frame = model.datacollector.model_vars
    assert frame["seating_repeat_pairs"] == pairs
    assert frame["seating_repeat_bound"] == bounds


def test_fixed_tables_stay_the_same_and_rotation_repeats_far_less():
    """C14: over a season of five dinners, fixed seating puts the same people together every
    time; the rotation program repeats far fewer table pairs (the bound here is 0)."""
    overrides = {**DINNERS, "scene.members": 32, "dinner.table_size": 4, "dinner.season_dinners": 5}
    fixed = make_model("dinner", **overrides, **{"dinner.seating": "fixed"})
    tables = record_tables(fixed.format)
    for _ in range(5):
        fixed.step()
    first = sorted(tuple(sorted(t.tolist())) for t in tables[0])
    for later in tables[1:]:
        assert sorted(tuple(sorted(t.tolist())) for t in later) == first
    rotate = make_model("dinner", **overrides, **{"dinner.seating": "rotate"})
    for _ in range(5):
        rotate.step()
    assert fixed.format.log.repeats == 4 * 8 * 6  # four repeat dinners, 8 tables of 6 pairs
    assert repeat_lower_bound(32, rotate.format.log.rounds_sizes) == 0
    assert rotate.format.log.repeats < fixed.format.log.repeats / 4


# --- Circle (C15) ----------------------------------------------------------------------------


def test_a_circle_meets_the_same_few_people_for_deep_conversations():
    """C15: every meeting, every pair within each circle talks once at circle.depth; nobody
    talks across circles."""
    model = make_model(
        "circle",
        **{
            "scene.members": 30,
            "circle.size": 6,
            "circle.depth": 3.0,
            "events.interval_weeks": 2,
            "events.attendance": 1.0,
            "scene.one_to_ones": 0,  # only the circles' conversations here
        },
    )
    circle_of = model.format.circle_of
    assert np.bincount(circle_of).tolist() == [6] * 5
    expected = all_pairs_within([np.flatnonzero(circle_of == c) for c in range(5)])
    calls = record_talks(model)
    for _ in range(6):
        model.step()
    meetings = [c for c in calls if c[0] % 2 == 0]
    assert [c[0] for c in meetings] == [0, 2, 4]
    for _, a, b, depth in meetings:
        assert depth == 3.0
        assert pair_set(a, b) == expected
    assert all(depth == 1.0 for week, _, _, depth in calls if week % 2)  # one-to-ones between


def test_a_deep_conversation_builds_more_memory_and_trust_than_a_short_one():
    """C15: depth d counts as d short conversations; trust grows only once memory is
    established, so after the first talk neither pair has trust evidence."""
    stores = {}
    for depth in (1.0, 3.0):
        store = PairStore(2, MemoryConfig(), TrustConfig(), TiesConfig())
        a, b = np.array([0]), np.array([1])
        no_pitch, listens = np.zeros(1, bool), np.full(2, 0.9)
        store.converse(a, b, 0, listens, no_pitch, no_pitch, depth)
        assert store.positive[0] == 0.0
        assert store.memory[0] == pytest.approx(1 - 0.8**depth)
        store.converse(a, b, 1, listens, no_pitch, no_pitch, depth)
        stores[depth] = store
    short, deep = stores[1.0], stores[3.0]
    slot = np.array([0])
    assert deep.memory_at(slot, 1)[0] > short.memory_at(slot, 1)[0] + 0.2
    assert deep.trust(slot, 1)[0] > short.trust(slot, 1)[0]
    assert short.positive[0] == 0.0  # short: memory 0.18 < 0.3 at the second talk


def test_circles_alongside_the_main_format_keep_their_own_schedule():
    """C15, C16: circles (depth 3) meet at offset + k * interval weeks beside a monthly mixer;
    one-to-ones keep to the members' habit, in weeks with and without a mixer or circle."""
    model = make_model(
        "mixer",
        **{
            "circle.join": True,
            "circle.interval_weeks": 3,
            "circle.offset_weeks": 2,
            "circle.depth": 3.0,
            "events.interval_weeks": 4,
        },
    )
    channel = next(c for c in model.channels if isinstance(c, CircleChannel))
    talks = record_talks(model)
    for _ in range(16):
        model.step()
    circle_talks = [c for c in talks if c[3] == 3.0]
    assert [c[0] for c in circle_talks] == [2, 5, 8, 11, 14]
    for _, a, b, _ in circle_talks:
        assert np.array_equal(channel.circle_of[a], channel.circle_of[b])
    weeks = set(one_to_one_weeks(model))
    assert weeks & {0, 4, 8, 12} and weeks - {0, 4, 8, 12} - {2, 5, 8, 11, 14}


# --- Online (C16) ----------------------------------------------------------------------------


def online_model(**overrides):
    """A model whose focal sellers (0-5) post every 2 weeks, read by everyone who met them: the
    `posts` trait is switched on for the pitchers (off by default) and off for the others."""
    base = {
        "online.enabled": True,
        "online.reach": 1.0,
        "scene.groups.pitchers.posts": True,
        "scene.groups.others.posts": False,
    }
    model = make_model("mixer", **{**base, **overrides})
    return model, next(c for c in model.channels if isinstance(c, Online))


def converse(model, a, b, week):
    no = np.zeros(len(a), dtype=bool)
    model.store.converse(np.array(a), np.array(b), week, np.full(model.n_members, 0.9), no, no)


def slot(model, src, dst):
    return int(model.store.find(np.array([src]), np.array([dst]))[0])


def test_a_post_touches_only_members_who_have_met_the_poster():
    """C16: a post reaches pairs whose target posts and who have talked (meetings > 0); the
    meeting count and trust do not change (online.trust_gain 0)."""
    model, online = online_model()
    converse(model, [10, 11], [0, 12], week=0)  # 10 met poster 0; 11 met non-poster 12
    model.store.ensure(np.array([13]), np.array([1]))  # 13 heard of poster 1, never talked
    meetings, positive = model.store.meetings.copy(), model.store.positive.copy()
    for week in (0, 1, 3):  # no post in week 0 or odd weeks
        model.week = week
        online.hold(model, week)
    assert np.all(model.store.last_week == 0)
    model.week = 2
    online.hold(model, 2)
    touched = {int(s) for s in np.flatnonzero(model.store.last_week == 2)}
    assert touched == {slot(model, 10, 0)}
    assert np.array_equal(model.store.meetings, meetings)
    assert np.array_equal(model.store.positive, positive)


def test_a_contact_who_reads_posts_remembers_the_poster_better():
    """C16: after 20 weeks a reader of fortnightly posts still remembers the poster; a contact
    met on the same day who reads nothing has mostly forgotten. Fading restarts at each post."""
    model, online = online_model()
    converse(model, [10, 11], [0, 12], week=0)
    reader, other = np.array([slot(model, 10, 0)]), np.array([slot(model, 11, 12)])
    assert model.store.memory[reader] == model.store.memory[other]  # the same start
    for week in range(1, 21):
        model.week = week
        online.hold(model, week)
    reader, other = np.array([slot(model, 10, 0)]), np.array([slot(model, 11, 12)])
    assert model.store.memory_at(reader, 20)[0] > 5 * model.store.memory_at(other, 20)[0]
    half_life = model.params.memory.half_life_weeks  # one meeting: the base half-life
    assert model.store.memory_at(reader, 20 + half_life)[0] == pytest.approx(
        model.store.memory_at(reader, 20)[0] / 2
    )


def test_a_post_gives_trust_only_with_trust_gain_and_established_memory():
    """C16: with online.trust_gain > 0, a read post adds trust evidence once memory is
    established; a barely remembered poster gains none."""
    model, online = online_model(**{"online.trust_gain": 0.5})
    converse(model, [10, 11], [0, 1], week=0)
    for week in (0, 1):
        converse(model, [10], [0], week=week)  # 10 knows poster 0 well, 11 barely knows 1
    known, barely = slot(model, 10, 0), slot(model, 11, 1)
    store = model.store
    before = store.positive * store.fading(np.arange(len(store)), 2)  # evidence fades (C5)
    model.week = 2
    online.hold(model, 2)
    gained = model.store.positive - before
    assert gained[known] == pytest.approx(0.5)
    assert gained[barely] == 0.0


# --- Small talk (C17) ------------------------------------------------------------------------


def test_small_talk_that_does_not_count_leaves_no_memory_but_is_still_a_conversation():
    """C17: with small_talk 1 and small_talk_counts false, conversations are counted but leave
    no memory or trust behind; when small talk counts, the same conversations are remembered."""
    a, b = np.array([6, 7]), np.array([8, 9])
    for counts in (False, True):
        model = make_model(
            "mixer",
            **{"conversation.small_talk": 1.0, "conversation.small_talk_counts": counts},
        )
        model.talk(a, b)
        assert model.week_conversations == 2
        assert model.conversations[[6, 7, 8, 9]].tolist() == [1, 1, 1, 1]
        if counts:
            assert len(model.store) == 4 and np.all(model.store.memory > 0)
        else:
            assert len(model.store) == 0


def test_half_small_talk_leaves_about_half_the_conversations_remembered():
    """C17: small_talk 0.5, not counting: about half of 200 conversations are stored."""
    model = make_model(
        "mixer",
        **{
            "scene.members": 400,
            "conversation.small_talk": 0.5,
            "conversation.small_talk_counts": False,
        },
    )
    a, b = np.arange(0, 200), np.arange(200, 400)
    model.talk(a, b)
    assert model.week_conversations == 200
    assert 0.35 < len(model.store) / 400 < 0.65


# --- Reputation (C6) and reciprocity (C9) ----------------------------------------------------


def scripted_referral(competence, convert=1.0):
    """Outsider 3 asks member 1, who trusts and refers provider 0 (members 0, 1 have met)."""
    talk = ConversationConfig(small_talk=0.0)
    traits = Referrers(
        np.ones(2),
        np.ones(2),
        lambda referrer, owes: 1.0 + talk.reciprocity * owes,
        talk,
        ReputationConfig(good_evidence=0.5, bad_evidence=2.0),
        TiesConfig(),
    )
    market = Market(
        np.random.default_rng(0),
        MarketConfig(referral_convert=convert, repeat_purchase=0.0, extra_units_mean=0.0),
        ReferralConfig(mention=1.0, recognise=1.0, forward=0.0),
        4,
        np.array([0, 1]),
        focal_product=np.array([True, False]),
        referrers=traits,
        competence=np.full(2, competence),
        pitch_close=np.full(2, np.nan),
    )
    market.schedule(np.arange(8), np.full(8, 10_000))  # nothing due ...
    market.schedule(np.array([3 * 2 + 0]), np.array([5]))  # ... but 3's sector-0 need, now
    ask = AskGraph(Adjacency.from_edges(np.array([3, 1]), np.array([1, 3]), 4), n_members=2)
    store = PairStore(2, MemoryConfig(), TrustConfig(half_life_weeks=0), TiesConfig())  # no fading
    for week in range(5):
        no = np.zeros(1, dtype=bool)
        store.converse(np.array([0]), np.array([1]), week, np.ones(2), no, no)
    before = {name: getattr(store, name).copy() for name in ("positive", "negative", "received")}
    best = np.array([[-1, -1], [0, -1]])  # member 1 has provider 0 in mind for sector 0
    market.answer_needs(np.random.default_rng(0), 5, best, ask, store)
    ref_to_prov, prov_to_ref = slot_of(store, 1, 0), slot_of(store, 0, 1)
    delta = {name: getattr(store, name) - before[name] for name in before}
    return market, delta, ref_to_prov, prov_to_ref


def slot_of(store, src, dst):
    return int(store.find(np.array([src]), np.array([dst]))[0])


def test_a_badly_served_referral_costs_the_referrer_trust_in_the_provider():
    """C6: provider 0 (competence ~0) serves the referred buyer badly: the referrer's trust in
    0 gets bad_evidence (2) of negative evidence and no positive evidence."""
    market, delta, ref_to_prov, _ = scripted_referral(competence=1e-9)
    assert market.ledger.sales_arrays()["seller"].tolist() == [0]
    assert delta["negative"][ref_to_prov] == pytest.approx(2.0)
    assert delta["positive"][ref_to_prov] == 0.0


def test_a_well_served_referral_raises_the_referrer_trust_in_the_provider():
    """C6: provider 0 (competence 1) serves the buyer well: good_evidence (0.5) of positive."""
    market, delta, ref_to_prov, _ = scripted_referral(competence=1.0)
    assert market.ledger.referral_arrays()["good"].tolist() == [True]
    assert delta["positive"][ref_to_prov] == pytest.approx(0.5)
    assert delta["negative"][ref_to_prov] == 0.0


def test_an_unconverted_referral_moves_no_trust():
    """C6: only a sale has an outcome; a referral that did not convert changes no evidence."""
    market, delta, _, _ = scripted_referral(competence=1e-9, convert=0.0)
    assert market.ledger.referral_arrays()["converted"].tolist() == [False]
    assert not delta["positive"].any() and not delta["negative"].any()


def test_the_ledger_records_a_badly_served_referral_as_not_good():
    """C6: the referrals ledger's `good` says how the referred sale turned out."""
    market, _, _, _ = scripted_referral(competence=1e-9)
    refs = market.ledger.referral_arrays()
    assert refs["converted"].tolist() == [True]
    assert refs["good"].tolist() == [False]


def test_a_passed_referral_is_owed_by_the_provider():
    """C9: when 1 refers a buyer to 0, 0's pair with 1 records one referral received."""
    _, delta, ref_to_prov, prov_to_ref = scripted_referral(competence=1.0)
    assert delta["received"][prov_to_ref] == 1
    assert delta["received"][ref_to_prov] == 0


# --- Whole model -----------------------------------------------------------------------------

CHANNELS_ON = {"online.enabled": True, "circle.join": True}
RUNS = [(name, {}) for name in FORMATS] + [(name, CHANNELS_ON) for name in FORMATS]
RUNS += [("dinner", {"dinner.seating": "free"}), ("dinner", {"dinner.seating": "fixed"})]


def run_30_weeks(fmt, overrides, seed):
    return make_model(fmt, seed=seed, **{"run.weeks": 30, **overrides}).run()


@pytest.mark.parametrize(("fmt", "overrides"), RUNS, ids=[f"{f}-{o}" for f, o in RUNS])
def test_every_format_runs_conserves_needs_and_repeats_for_a_seed(fmt, overrides):
    """Every need that arose is answered once: sales by members plus needs to the market;
    the same seed gives the same run."""
    model = run_30_weeks(fmt, overrides, seed=3)
    market = model.market
    sales = market.ledger.sales_arrays()
    assert market.needs_arisen == sales["units"].size + market.needs_to_market
    assert market.needs_arisen > 0 and model.conversations.sum() > 0
    again = run_30_weeks(fmt, overrides, seed=3)
    for name, column in sales.items():
        assert np.array_equal(column, again.market.ledger.sales_arrays()[name]), name
    assert np.array_equal(model.store.keys, again.store.keys)
    assert np.array_equal(model.store.memory, again.store.memory)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame.equals(again.datacollector.get_model_vars_dataframe())
    assert len(frame) == 30


def test_the_format_classes_say_what_they_do():
    for cls in (*FORMATS.values(), CircleChannel, Online):
        assert cls.name and cls.description and cls.claims
        assert all(CLAIM_ID.match(c) for c in cls.claims), cls.name
    for name, cls in FORMATS.items():
        assert issubclass(cls, Format) and cls.name == name
        assert small_params(**{"events.format": name}).events.format == name
    assert FORMATS["chapter"] is Chapter and FORMATS["circuit"] is Circuit
    assert FORMATS["dinner"] is Dinner and FORMATS["circle"] is Circle
    assert CircleChannel.name not in FORMATS  # a channel runs beside the main format


@pytest.fixture
def registry_kept():
    """The format registry as it was, after a test that defines a format of its own."""
    before = dict(FORMATS)
    yield
    FORMATS.clear()
    FORMATS.update(before)


def test_a_format_defined_anywhere_registers_itself_and_a_scenario_may_name_it(
    registry_kept, tmp_path
):
    with pytest.raises(ConfigError, match="unknown format 'pairs'"):
        small_params(**{"events.format": "pairs"})

    class Pairs(Format):
        """Attendees meet in pairs once an event (a test's own format)."""

        name = "pairs"
        description = "attendees pair off once"
        claims = ("C3",)

        def meet(self, model, week):
            order = model.rng.permutation(self.attendees(model))
            half = order.size // 2
            model.talk(order[:half], order[half : 2 * half])

    class Quiet(Pairs, channel=True):
        name = "quiet"

    assert FORMATS["pairs"] is Pairs and "quiet" not in FORMATS
    with pytest.raises(ValueError, match="'chapter' is taken by sim.model.formats.Chapter"):

        class Impostor(Pairs):
            name = "chapter"

    assert FORMATS["chapter"] is Chapter
    path = tmp_path / "pairs.toml"
    path.write_text('[scenario]\ndescription = "x"\n[params.events]\nformat = "pairs"\n')
    assert load_scenario(str(path)).params.events.format == "pairs"
    with pytest.raises(ConfigError, match="unknown format 'quiet'"):
        small_params(**{"events.format": "quiet"})
    model = make_model("pairs", **{"run.weeks": 9}).run()
    assert isinstance(model.format, Pairs) and model.format.held == 3
    assert model.conversations.sum() > 0


def test_every_planned_circuit_visit_happens_when_everyone_attends(monkeypatch):
    """C13: with attendance 1, each member goes to visits_per_month events a month, whichever
    policy; a visit that falls in the same week as another is not dropped."""
    import sim.model.formats

    attended = []
    real_mingle = sim.model.formats.mingle

    def mingle(rng, present, *args, **kwargs):
        attended.append(present.copy())
        return real_mingle(rng, present, *args, **kwargs)

    monkeypatch.setattr(sim.model.formats, "mingle", mingle)
    for policy in ("anchor", "tour", "mixed"):
        attended.clear()
        model = make_model(
            "circuit",
            **{
                "scene.members": 40,
                "scene.groups.pitchers.count": 2,
                "scene.groups.builders.count": 2,
                "circuit.locations": 7,
                "circuit.visits_per_month": 3,
                "circuit.policy": policy,
                "events.attendance": 1.0,
            },
        )
        for _ in range(8):  # two months
            model.step()
        per_member = np.bincount(np.concatenate(attended), minlength=model.n_members)
        assert (per_member == 2 * 3).all(), (policy, per_member)


def test_the_mixer_records_its_guests_and_the_talks_between_people_who_had_met():
    """Ingram & Morris 2007 (do people mix?): at the first mixer nobody has met anyone; later
    mixers count the conversations between members who had already talked."""
    from sim.experiments.tables import model_tables
    from tests.conftest import small_params

    model = NetworkingModel(small_params(**{"run.weeks": 13}), rng=np.random.SeedSequence(5))
    scene = model_tables(model.run(), 0, "base")["scene"].sort("step")
    events = scene.filter(pl.col("mixer_guests") > 0)
    assert events["step"].to_list() == [0, 4, 8, 12]  # monthly, as configured
    assert events["mixer_known_conversations"][0] == 0
    assert 0 < events["mixer_known_conversations"][-1] <= events["conversations"][-1]
    assert scene.filter(pl.col("mixer_guests") == 0)["mixer_known_conversations"].sum() == 0
