"""Chapters of a region: seats (sizes around chapter.size, one seat per profession) and visits
between chapters (sim/model/chapters.py, the Chapter format; C12)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import NetworkingModel
from sim.model.chapters import seat_order
from tests.conftest import small_params


def test_equal_chapters_without_spread():
    """cv = 0 deals the members round-robin over ceil(n / size) chapters, as always."""
    rng = np.random.default_rng(1)
    for n, size in [(30, 30), (61, 30), (200, 7)]:
        assert np.array_equal(seat_order(rng, n, size, 0.0), np.arange(n) % -(-n // size))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(4, 3000),
    size=st.integers(4, 60),
    cv=st.floats(0.05, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_spread_sizes_seat_everyone_in_chapters_of_at_least_four(n, size, cv, seed):
    chapter = seat_order(np.random.default_rng(seed), n, size, cv)
    sizes = np.bincount(chapter)
    assert chapter.size == n and sizes.sum() == n
    assert (sizes >= min(4, n)).all()  # no empty chapter, none below four
    assert sizes.max() <= 103  # at most 100, plus a remainder of fewer than four


def test_spread_sizes_average_the_chapter_size():
    sizes = np.bincount(seat_order(np.random.default_rng(3), 60_000, 30, 0.3))
    assert abs(sizes.mean() - 30) < 1.5  # rounding and the floor of four pull it a little down
    assert 0.2 < sizes.std() / sizes.mean() < 0.4


def test_one_seat_per_profession_as_far_as_chapters_allow():
    """Members dealt in order of profession: a profession repeats in a chapter only where that
    chapter has more seats than there are professions (the unavoidable repeats)."""
    n, professions = 3000, 40
    rng = np.random.default_rng(5)
    sector = np.arange(n) % professions
    chapter = np.empty(n, dtype=np.int64)
    chapter[np.lexsort((rng.random(n), sector))] = seat_order(rng, n, 30, 0.3)
    repeats = n - np.unique(chapter * professions + sector).size
    unavoidable = np.clip(np.bincount(chapter) - professions, 0, None).sum()
    assert repeats <= unavoidable + 0.01 * n


def cross_chapter_talks(visits: float) -> int:
    """Pairs of members of different chapters who have talked, after 20 weekly meetings."""
    params = small_params(
        **{
            "events.format": "chapter",
            "events.interval_weeks": 1,
            "scene.members": 60,
            "scene.sectors": 30,
            "chapter.size": 15,
            "chapter.visits": visits,
            "run.weeks": 20,
        }
    )
    model = NetworkingModel(params, rng=np.random.SeedSequence(4)).run()
    store, chapter = model.store, model.format.chapter_of
    talked = store.meetings > 0
    return int((chapter[store.sources()[talked]] != chapter[store.targets()[talked]]).sum())


def test_members_meet_other_chapters_only_as_visitors():
    """Closed chapters: without visits nobody ever talks across chapters; a visitor or substitute
    joins another chapter's open networking and talks there."""
    assert cross_chapter_talks(0.0) == 0
    assert cross_chapter_talks(0.1) > 0
