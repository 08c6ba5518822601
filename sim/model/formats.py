"""Event formats: when members meet, whom they meet and how deeply (C5, C12-C16).

Each format is one class, in the spirit of Axelrod's strategies: a name, a plain-words
description, the claim IDs it implements and one method, `meet(model, week)`, that makes an event's
contacts happen through the model's `talk` (conversations) and `touch` (a light touch without a
conversation). Formats see the model only through the `Scene` protocol (sim/model/scene.py). The
scene has one main format (`events.format`); members' one-to-ones are a habit of their own,
whatever the format (sim/model/events.py: OneToOneHabit); a format says only since when a
contact counts as newly met (`follow_up_since`: the Monday call of a direct seller, C10).
Closed circles alongside the main format (`circle.join`) and online posts (`online.enabled`)
are channels (C16). A format may add columns to the weekly `scene` table (`reporters`).

Adding a format is adding one class here (defining it registers it in FORMATS, as strategies
register themselves) plus its scripted test; `events.format` then accepts its name. A class
defined with `channel=True` runs alongside the main format and is not one itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from sim.model.chapters import seat_order
from sim.model.events import mingle
from sim.model.grouping import pairs_within
from sim.model.scene import Scene
from sim.model.seating import SEATING, SeasonLog, repeat_lower_bound


def balanced_groups(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Group of each of n members: ceil(n / size) groups whose sizes differ by at most one."""
    groups = max(1, -(-n // size))
    return rng.permutation(n) % groups


FORMATS: dict[str, type[Format]] = {}  # events.format -> its class, in the order defined


class Format:
    """Base class: a schedule (every `events.interval_weeks`, at most `events.count` events).

    A subclass that sets its own `name` registers itself in FORMATS, unless it is defined with
    `channel=True` (it then runs beside the main format, `channels_for`)."""

    name: ClassVar[str]
    description: ClassVar[str]
    claims: ClassVar[tuple[str, ...]]
    reporters: ClassVar[dict[str, Callable]] = {}  # extra weekly columns: name -> f(model)

    def __init_subclass__(cls, channel: bool = False, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__ and not channel:
            taken = FORMATS.get(cls.name)
            if taken is not None and taken.__qualname__ != cls.__qualname__:
                where = f"{taken.__module__}.{taken.__qualname__}"
                raise ValueError(f"format name {cls.name!r} is taken by {where}")
            FORMATS[cls.name] = cls

    def __init__(self, model: Scene):
        self.cfg = model.params.events
        self.held = 0
        self.last_event_week: int | None = None

    def is_event_week(self, week: int) -> bool:
        limit_reached = self.cfg.count > 0 and self.held >= self.cfg.count
        return not limit_reached and week % self.cfg.interval_weeks == 0

    def hold(self, model: Scene, week: int) -> None:
        """This week's event, if one is due."""
        if self.is_event_week(week):
            self.held += 1
            self.meet(model, week)
            self.last_event_week = week

    def follow_up_since(self, week: int) -> int:
        """Direct sellers call the people they first met since this week (the last event)."""
        return 0 if self.last_event_week is None else self.last_event_week

    def attendees(self, model: Scene) -> np.ndarray:
        """Members present at an event, each with the probability of their `attendance` trait
        (default `events.attendance`)."""
        return np.flatnonzero(model.rng.random(model.n_members) < model.traits["attendance"])

    def meet(self, model: Scene, week: int) -> None:
        raise NotImplementedError


class Mixer(Format):
    """Everyone meets at one repeated open event and mingles in rounds of short conversations.

    The weekly `scene` table gets the guests of this week's mixer, their conversations there
    and how many of those were with someone already met (Ingram & Morris 2007: do people mix?).
    """

    name = "mixer"
    description = "one repeated open event where members mingle in short conversations"
    claims = ("C3", "C5", "C10")
    reporters: ClassVar[dict[str, Callable]] = {
        "mixer_guests": lambda m: m.format.guests.get(m.week, 0),
        "mixer_conversations": lambda m: m.format.talks.get(m.week, 0),
        "mixer_known_conversations": lambda m: m.format.known.get(m.week, 0),
    }

    def __init__(self, model: Scene):
        super().__init__(model)
        self.guests: dict[int, int] = {}
        self.talks: dict[int, int] = {}
        self.known: dict[int, int] = {}

    def meet(self, model: Scene, week: int) -> None:
        present = self.attendees(model)
        rounds = self.cfg.conversations // 2
        a, b = mingle(model.rng, present, rounds, model.seek_known(), model.store, week)
        slots = model.store.find(a, b)
        met = slots >= 0
        met[met] = model.store.meetings[slots[met]] > 0
        self.guests = {week: int(present.size)}
        self.talks = {week: int(a.size)}
        self.known = {week: int(met.sum())}
        model.talk(a, b)


class Chapter(Format):
    """A closed referral chapter: presentations heard by all, then a few talks (one-to-ones
    between members are their habit, as in every format).

    Members are split into chapters of about `chapter.size` (sizes spread by `chapter.size_cv`),
    spreading each profession over the chapters (one seat per profession when there are enough
    chapters). With `chapter.visits`, an attending member now and then goes to another chapter
    of the region instead (a visitor or a substitute): they miss their own chapter's
    presentations and join the other chapter's open networking. Claims: C12.
    """

    name = "chapter"
    description = "a closed referral chapter: everyone presents, then a few talks"
    claims = ("C12", "C5", "C9")

    def __init__(self, model: Scene):
        super().__init__(model)
        self.chapter_cfg = cfg = model.params.chapter
        n = model.n_members
        by_profession = np.lexsort((model.rng.random(n), model.sector))
        self.chapter_of = np.empty(n, dtype=np.int64)
        self.chapter_of[by_profession] = seat_order(model.rng, n, cfg.size, cfg.size_cv)
        self.chapters = int(self.chapter_of.max()) + 1
        self._room: tuple[np.ndarray, np.ndarray] | None = None  # (hearer, speaker): fixed
        self._room_slots: tuple[int, np.ndarray] | None = None  # (store version, their slots)

    def meet(self, model: Scene, week: int) -> None:
        present = self.attendees(model)
        room = self.chapter_of[present]
        away = self.visitors(model, present)
        if away.size:  # to one of the other chapters, uniformly
            room[away] = (
                room[away] + model.rng.integers(1, self.chapters, away.size)
            ) % self.chapters
        # Every attendee hears every other attendee's short presentation: a light touch.
        hearer, speaker, slots = self.room_pairs(model.store)
        here = np.zeros(model.n_members, dtype=bool)
        here[present] = True
        here[present[away]] = False  # visitors are away: they join another chapter's talks
        here = here[hearer] & here[speaker]
        gain = self.chapter_cfg.presentation_gain
        model.touch(hearer[here], speaker[here], gain, slots=slots[here])
        rounds = self.chapter_cfg.conversations
        seek = model.seek_known()
        model.talk(*mingle(model.rng, present, rounds, seek, model.store, week, room))

    def visitors(self, model: Scene, present: np.ndarray) -> np.ndarray:
        """Positions in `present` of members visiting another chapter of the region this week
        (a visitor or substitute, with chance `chapter.visits`; none when there is one chapter).
        """
        if self.chapter_cfg.visits <= 0 or self.chapters < 2:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(model.rng.random(present.size) < self.chapter_cfg.visits)

    def room_pairs(self, store) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every directed pair of members of the same chapter, in key order, and its slot (-1:
        not met yet). Chapters are fixed: the slots are kept, moved along when pairs are
        inserted, and only those not met yet are looked up again."""
        if self._room is None:
            a, b = pairs_within(np.arange(self.chapter_of.size), self.chapter_of)
            hearer, speaker = np.concatenate([a, b]), np.concatenate([b, a])
            order = np.argsort(store.key(hearer, speaker))  # slots ascend with the keys
            self._room = (hearer[order], speaker[order])
        hearer, speaker = self._room
        if self._room_slots is None:
            self._room_slots = (store.version, store.find(hearer, speaker))
        version, slots = self._room_slots
        if version != store.version:
            met = slots >= 0
            now = store.moved_since(slots[met], version)
            if now is None:
                slots = store.find(hearer, speaker)
            else:
                slots[met] = now
                new = np.flatnonzero(~met)
                slots[new] = store.find(hearer[new], speaker[new])
            self._room_slots = (store.version, slots)
        return hearer, speaker, slots


class Circuit(Format):
    """An open event circuit: many locations, each with a monthly event and its own regulars.

    Every member plans `circuit.visits_per_month` events a month, in different weeks, and
    attends each with `events.attendance`. Each group visits by its `circuit_policy` (default:
    `circuit.policy` for focal groups, `anchor` for the regulars): `anchor` (a home location and
    the next ones, every month the same), `tour` (the next locations in turn, seeing each once in
    about locations / visits months) or `mixed` (home every month, touring with the other
    visits). Claims: C13.
    """

    name = "circuit"
    description = "many open events at different locations; anchor at one or tour them all"
    claims = ("C13", "C5")

    def __init__(self, model: Scene):
        super().__init__(model)
        self.circuit_cfg = cfg = model.params.circuit
        n = model.n_members
        self.home = model.rng.permutation(n) % cfg.locations
        policies = [g.circuit_policy or (cfg.policy if g.focal else "anchor") for g in model.groups]
        self.policy = np.array(policies, dtype="<U6")[model.group_of]

    def is_event_week(self, week: int) -> bool:
        """Some location holds its event every week; `events.count` limits the weeks."""
        return self.cfg.count == 0 or self.held < self.cfg.count

    def plan(self, month: int) -> np.ndarray:
        """Locations each member plans to visit in `month` (members x visits_per_month).

        Location l meets in week l mod `interval_weeks` of the month. Plans walk through the
        locations week by week (position p: week p mod weeks, then the next location meeting
        that week), so a month's visits fall in different weeks: `anchor` visits the positions
        from home on, every month the same; `tour` moves on by `visits_per_month` positions a
        month and so meets every location in turn; `mixed` goes home and tours with the other
        visits through the weeks other than home's.
        """
        cfg, weeks = self.circuit_cfg, self.cfg.interval_weeks
        visit = np.arange(cfg.visits_per_month)
        home = self.home[:, None]
        anchor = self._location(home + visit)
        tour = self._location(home + month * cfg.visits_per_month + visit)
        # mixed: visit j >= 1 goes in a week other than home's, rotating over the other weeks,
        # and to the next location meeting in that week each time.
        step = month * (cfg.visits_per_month - 1) + visit - 1  # the n-th touring visit
        other_weeks = max(weeks - 1, 1)
        week = (home + 1 + step % other_weeks) % weeks
        row = step // other_weeks + home // weeks  # how often that week was toured before
        mixed = np.where(visit == 0, home, self._location(week + weeks * row))
        plans = {"anchor": anchor, "tour": tour, "mixed": mixed}
        out = np.empty((home.size, visit.size), dtype=np.int64)
        for policy, locations in plans.items():
            rows = self.policy == policy
            out[rows] = locations[rows]
        return out

    def _location(self, position: np.ndarray) -> np.ndarray:
        """The location at a position of the week-by-week walk (see plan)."""
        weeks, locations = self.cfg.interval_weeks, self.circuit_cfg.locations
        week = position % weeks
        per_week = np.maximum(-(-(locations - week) // weeks), 1)  # locations meeting that week
        return (week + weeks * ((position // weeks) % per_week)) % locations

    def meet(self, model: Scene, week: int) -> None:
        """Each member at the location of their plan that meets this week, if they come."""
        interval = self.cfg.interval_weeks
        plan = self.plan(week // interval)
        open_now = plan % interval == week % interval  # location l holds its event in week l
        comes = model.rng.random(model.n_members) < model.traits["attendance"]
        goes = open_now.any(axis=1) & comes
        present = np.flatnonzero(goes)
        where = plan[present, np.argmax(open_now[present], axis=1)]  # one event a week
        rounds = self.cfg.conversations // 2
        seek = model.seek_known()
        model.talk(*mingle(model.rng, present, rounds, seek, model.store, week, where))

    def follow_up_since(self, week: int) -> int:
        return week - self.cfg.interval_weeks  # people first met during the past month


class Dinner(Format):
    """A club dinner: members seated at tables for one long conversation with their table.

    Seating by `dinner.seating` (sim/model/seating.py). The weekly `scene` table gets the
    repeated table pairs this season and their pigeonhole lower bound (C14).
    """

    name = "dinner"
    description = "a club dinner at tables; seats rotated, chosen freely or fixed"
    claims = ("C14",)
    reporters: ClassVar[dict[str, Callable]] = {
        "seating_repeat_pairs": lambda m: m.format.log.repeats,
        "seating_repeat_bound": lambda m: repeat_lower_bound(
            m.n_members, m.format.log.rounds_sizes
        ),
    }

    def __init__(self, model: Scene):
        super().__init__(model)
        self.dinner_cfg = cfg = model.params.dinner
        self.seating = SEATING[cfg.seating](model.n_members, cfg.table_size, model.rng)
        self.log = SeasonLog(model.n_members)

    def meet(self, model: Scene, week: int) -> None:
        cfg = self.dinner_cfg
        if (self.held - 1) % cfg.season_dinners == 0:
            self.log.reset()  # a new season: the rotation program starts over
        present = self.attendees(model)
        tables = self.seating.seat(model.rng, present, cfg.table_size, self.log, model.familiarity)
        self.log.add_tables(tables)
        if not tables:
            return
        seat = np.concatenate(tables)
        table = np.repeat(np.arange(len(tables)), [t.size for t in tables])
        model.talk(*pairs_within(seat, table), depth=cfg.depth)


class Circle(Format):
    """Small closed circles: the same few people every time, deep conversations (C15)."""

    name = "circle"
    description = "small closed circles of the same few people, meeting for deep conversations"
    claims = ("C15",)

    def __init__(self, model: Scene):
        super().__init__(model)
        self.circle_cfg = model.params.circle
        self.circle_of = balanced_groups(model.rng, model.n_members, self.circle_cfg.size)

    def meet(self, model: Scene, week: int) -> None:
        present = self.attendees(model)
        a, b = pairs_within(present, self.circle_of[present])
        model.talk(a, b, depth=self.circle_cfg.depth)


class CircleChannel(Circle, channel=True):
    """Closed circles alongside the scene's main format, on their own schedule (C15, C16)."""

    name = "circle_channel"

    def is_event_week(self, week: int) -> bool:
        cfg = self.circle_cfg
        return week >= cfg.offset_weeks and (week - cfg.offset_weeks) % cfg.interval_weeks == 0


class Online:
    """Posts (newsletter, blog, social media): a light touch to everyone who knows the poster.

    Every `online.interval_weeks` each poster (a member whose `posts` trait is on) reaches a share
    `online.reach` of the members who have met them: their memory of the poster is refreshed a
    little (slower fading), with little or no trust (C16).
    """

    name = "online"
    description = "regular posts that keep a member in mind of everyone they have met"
    claims = ("C16", "C5")

    def __init__(self, model: Scene):
        self.cfg = model.params.online
        self.posts = model.traits["posts"] > 0

    def hold(self, model: Scene, week: int) -> None:
        if week == 0 or week % self.cfg.interval_weeks:
            return
        store = model.store
        readers = self.posts[store.targets()] & (store.meetings > 0)
        readers &= model.rng.random(len(store)) < self.cfg.reach
        read = np.flatnonzero(readers)
        src, dst = store.sources()[read], store.targets()[read]
        model.touch(src, dst, self.cfg.gain, self.cfg.trust_gain)


def channels_for(model: Scene) -> list:
    """The channels running alongside the main format, per the configuration (C16)."""
    out: list = []
    if model.params.circle.join:
        out.append(CircleChannel(model))
    if model.params.online.enabled:
        out.append(Online(model))
    return out
