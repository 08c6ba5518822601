"""How much memory and time a run will take, estimated before anything runs.

From the model's data layout: the market keeps, for every person and sector, the week of the next
need, the last seller and the lockout (`PERSON_SECTOR_BYTES` with the temporaries of building
them); the pair store keeps every pair that has met (`PAIR_BYTES` with a conversation round's
temporaries); the ledger of sales and referrals grows with the needs (`NEED_BYTES`); the
interpreter and libraries take `BASE_BYTES` (and numba `KERNEL_BYTES` where the workers compile).
Time is a cost per week and per event, per conversation, per need, and a weekly pass over the
pairs that have met. The coefficients are the least upper envelope of single replications
measured on this project's 2-core machine (laptop 200-30,000 members, chapters, a bni_world
region, circuit, dinner; docs/performance.md). The counts of conversations and pairs come from
each format's schedule (upper estimates).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace

from sim.config import Params
from sim.errors import ConfigError
from sim.model import kernels
from sim.model.memory import DENSE_INDEX
from sim.model.roster import resolve_traits

BASE_BYTES = 315e6  # Python, numpy, polars, Mesa in a worker, and a task's tables being built
KERNEL_BYTES = 270e6  # numba and LLVM compiling the kernels (half that once its cache has them)
PERSON_SECTOR_BYTES = 30  # market arrays per person and sector, with their temporaries
PAIR_BYTES = 166  # pair store per directed pair, with a conversation round's temporaries
NEED_BYTES = 16  # the ledger of sales and referrals, per need that arises (busy chapters)
PARENT_BYTES = 480e6  # the parent: libraries, metrics, combining the tables (bni_world: 445 MiB)


# Time: the least upper envelope of 11 cases measured with the numpy code, x 1.25 for a busy
# machine (`make bench ARGS="--fit"` measures and fits them again: benchmarks/estimate_fit.py;
# docs/performance.md; the cases against their estimates: docs/measurements.md). An envelope
# shares the cost out among correlated terms as the cases allow: read the sum, not a term. The
# compiled kernels took 34-86 % of it in those cases (most in
# small dinners and big chapters, least in a bni_world region): no one share bounds them all, so a
# compiled run is estimated as a numpy one plus numba's start-up.
SECONDS_PER = {  # seconds per unit of each of time_terms(params)
    "week": 2.63e-3,  # the week's fixed work: needs, strategies, observers
    "event": 0.0,  # an event's fixed work (rounds, one-to-ones): within the others at this fit
    "conversation": 2.04e-6,
    "need": 1.10e-6,
    # Each week passes over all pairs (memory and trust in the rounds and one-to-ones); per pair
    # that pass gets slower as the arrays outgrow the caches: per pair-week x sqrt(pairs / 1e6).
    "pair_week": 3.89e-8,
}
SECONDS_PER_RUN = 0.3  # writing a task's tables (measured <= 0.2 s: a region, 10,000 members)
KERNEL_START_SECONDS = 2.5  # a worker's first compiled call loads numba and the kernels
UNIQUE_SHARE = 0.45  # share of a member's conversations that are with someone new (measured)
WARN_SECONDS = 180


@dataclass(frozen=True)
class Estimate:
    """One replication: peak resident memory of its process (bytes) and time on one core."""

    peak_bytes: float
    seconds: float
    conversations: float
    pairs: float


def events(params: Params, interval: int) -> float:
    """Events of the main format over the run (every `interval` weeks, at most events.count)."""
    held = params.run.weeks / interval
    return min(held, params.events.count) if params.events.count else held


def conversations_per_event(params: Params) -> float:
    """Conversations an attending member has at one event of the scene's format."""
    fmt, ev = params.events.format, params.events
    per_format = {
        "mixer": ev.conversations / 2,
        "circuit": ev.conversations / 2,
        "chapter": params.chapter.conversations,
        "dinner": (params.dinner.table_size - 1) / 2,
        "circle": (params.circle.size - 1) / 2,
    }
    return per_format.get(fmt, ev.conversations / 2)


def one_to_ones(params: Params) -> float:
    """Mean one-to-ones a member starts a week (the roster's habits, per month)."""
    groups = params.scene.groups
    weights = [g.count or g.share * params.scene.members for g in groups]
    values = [resolve_traits(g, params)["one_to_ones"] for g in groups]
    per_month = sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights)
    return per_month * 12 / 52


def conversations(params: Params) -> float:
    """All conversations of one replication (an upper estimate from the schedule)."""
    members, ev = params.scene.members, params.events
    interval = ev.interval_weeks
    attending = members * ev.attendance
    if ev.format == "circuit":
        attending *= params.circuit.visits_per_month
        interval = 1  # some location meets every week, each member a few times a month
        attending /= ev.interval_weeks
    talk = events(params, interval) * attending * conversations_per_event(params)
    talk += params.run.weeks * members * one_to_ones(params)
    if params.circle.join:
        meetings = params.run.weeks / params.circle.interval_weeks
        talk += meetings * attending * (params.circle.size - 1) / 2
    return talk


def pairs(params: Params, talk: float) -> float:
    """Directed pairs that will have met by the end (an upper estimate)."""
    members = params.scene.members
    new_faces = UNIQUE_SHARE * 2 * talk / members  # each conversation has two sides
    chapter = params.chapter
    reach = {
        # everyone hears everyone's presentation (a spread of sizes adds pairs: E[size^2] /
        # E[size]); a visit adds the open networking of another chapter: in each round an
        # attendee approaches one and is approached by about one, both directions remembered
        "chapter": (chapter.size - 1) * (1 + chapter.size_cv**2)
        + 4 * chapter.conversations * chapter.visits * params.events.attendance * params.run.weeks,
        "circle": params.circle.size - 1,
        "circuit": 1.5 * (params.circuit.visits_per_month + 1) * members / params.circuit.locations,
    }.get(params.events.format, new_faces)
    if params.circle.join:
        reach += params.circle.size - 1
    return members * min(members - 1, reach)


def needs(params: Params) -> float:
    """Needs that arise over the run: every person's product of every sector wears out."""
    scene, market = params.scene, params.market
    persons = scene.members * (1 + scene.outer_per_member)
    focal = 1 + sum(g.count or 0 for g in scene.groups if g.where == "own")  # focal product
    per_week = persons * (
        focal / market.lifetime_weeks + (scene.sectors - focal) / market.other_lifetime_weeks
    )
    return per_week * params.run.weeks


def time_terms(params: Params) -> dict[str, float]:
    """What a replication's time grows with, one entry per cost in `SECONDS_PER` (the fit in
    benchmarks/estimate_fit.py regresses measured times on these)."""
    talk = conversations(params)
    met = pairs(params, talk)
    pair_weeks = met / 2 * params.run.weeks  # pairs grow through the run: half on average
    return {
        "week": params.run.weeks,
        "event": events(params, params.events.interval_weeks),
        "conversation": talk,
        "need": needs(params),
        "pair_week": pair_weeks * math.sqrt(met / 2 / 1e6),
    }


def estimate(params: Params, compiled: bool = False) -> Estimate:
    """One replication's peak memory and time (an upper estimate of either: numba's memory
    counted when `compiled`)."""
    scene = params.scene
    persons = scene.members * (1 + scene.outer_per_member)
    talk = conversations(params)
    met = pairs(params, talk)
    peak = BASE_BYTES + PERSON_SECTOR_BYTES * persons * scene.sectors + PAIR_BYTES * met
    peak += NEED_BYTES * needs(params) + KERNEL_BYTES * compiled
    if scene.members <= DENSE_INDEX:  # the pair store's dense index, n x n int16
        peak += 2 * scene.members**2
    terms = time_terms(params)
    seconds = SECONDS_PER_RUN + sum(SECONDS_PER[name] * terms[name] for name in SECONDS_PER)
    return Estimate(peak, seconds, talk, met)


@dataclass(frozen=True)
class Plan:
    """The run as it will go: workers, its peak memory and its time, whether its workers use the
    compiled kernels, and what to tell the user."""

    workers: int
    peak_bytes: float
    seconds: float
    notes: tuple[str, ...]
    compiled: bool = False

    def label(self) -> str:
        return f"(est. {duration(self.seconds)}, peak {size(self.peak_bytes)})"


def plan(
    variants: dict[str, Params],
    replications: int,
    workers: int,
    limit: float | None = None,
    source: str = "the run",
) -> Plan:
    """Fit the run to the memory: fewer workers when needed, refused when one replication alone
    would not fit (ConfigError naming what to change). `limit` defaults to the memory available.
    The workers compile when the estimate gives each enough work to earn numba's start-up back
    (kernels.worth); its start-up and memory are then added (the time stays an upper one)."""
    available = limit if limit is not None else available_bytes()
    fitted = _fit(variants, replications, workers, available, limit is not None, source)
    compiled = kernels.worth(fitted.seconds)
    if compiled:
        try:
            fitted = _fit(
                variants, replications, workers, available, limit is not None, source, True
            )
            fitted = replace(fitted, seconds=fitted.seconds + KERNEL_START_SECONDS)
        except ConfigError:  # numba's own memory is what does not fit: stay with numpy
            compiled = False
    notes = list(fitted.notes)
    if fitted.seconds > WARN_SECONDS:
        notes.append(
            f"this run will take up to about {duration(fitted.seconds)} on {fitted.workers} "
            f"worker{'s' * (fitted.workers > 1)}; fewer replications (--replications) or members "
            "make it shorter"
        )
    return replace(fitted, notes=tuple(notes), compiled=compiled)


def _fit(variants, replications, workers, available, limited, source, compiled=False) -> Plan:
    """As many of `workers` as the memory holds, their peak and their time (seconds per worker)."""
    which = "--max-memory" if limited else "available memory"
    # A task is one region of a replication (region 0 is the largest); regions run one by one.
    each = {name: estimate(p.for_region(0), compiled) for name, p in variants.items()}
    regions = {name: p.scene.regions for name, p in variants.items()}
    name, biggest = max(each.items(), key=lambda item: item[1].peak_bytes)
    task = "region" if max(regions.values()) > 1 else "replication"
    if PARENT_BYTES + biggest.peak_bytes > available:
        raise ConfigError(
            f"{source}: one {task} needs about {size(biggest.peak_bytes)} of memory "
            f"{_cause(variants[name].for_region(0), biggest)}, more than the {size(available)} "
            f"of {which}; {_remedy(variants[name].for_region(0), biggest)}"
        )
    notes = []
    fit = int((available - PARENT_BYTES) // biggest.peak_bytes)
    if fit < workers:
        notes.append(
            f"{workers} workers would need {size(PARENT_BYTES + workers * biggest.peak_bytes)}"
            f" of memory; using {fit} (the {which} is {size(available)})"
        )
        workers = fit
    seconds = sum(e.seconds * regions[name] for name, e in each.items()) * replications / workers
    return Plan(workers, PARENT_BYTES + workers * biggest.peak_bytes, seconds, tuple(notes))


def _parts(params: Params, est: Estimate) -> dict[str, float]:
    """A replication's memory by what takes it: the market's arrays, the pairs, the needs."""
    scene = params.scene
    persons = scene.members * (1 + scene.outer_per_member)
    return {
        "market": PERSON_SECTOR_BYTES * persons * scene.sectors,
        "pairs": PAIR_BYTES * est.pairs,
        "needs": NEED_BYTES * needs(params),
    }


def _cause(params: Params, est: Estimate) -> str:
    parts = _parts(params, est)
    most = max(parts, key=parts.__getitem__)
    return {
        "market": "(the market's arrays for every person and sector)",
        "pairs": f"({est.pairs:,.0f} pairs that meet)",
        "needs": f"({needs(params):,.0f} needs that arise: every product wears out and is bought "
        "again)",
    }[most]


def _remedy(params: Params, est: Estimate) -> str:
    """What to change: the settings behind the largest part of the memory."""
    parts = _parts(params, est)
    most = max(parts, key=parts.__getitem__)
    if most == "needs":
        market = params.market
        key, weeks = ("market.lifetime_weeks", market.lifetime_weeks)
        if market.other_lifetime_weeks < weeks:
            key, weeks = ("market.other_lifetime_weeks", market.other_lifetime_weeks)
        return f"raise {key} (now {weeks:g} weeks: how long a product lasts), or lower run.weeks"
    if most == "pairs":
        return "lower scene.members, or the conversations a member has (events, one-to-ones)"
    return "lower scene.members, scene.outer_per_member or scene.sectors"


def available_bytes() -> float:
    """Memory available now (Linux: MemAvailable), else the machine's physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def parse_size(text: str) -> float:
    """'8G', '500M', '1.5GB' or a number of bytes; ConfigError otherwise."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)B?\s*", text.upper())
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"--max-memory '{text[:40]}': give a size such as 8G or 500M")
    return float(match.group(1)) * 1024 ** "BKMGT".index(match.group(2) or "B")


def size(bytes_: float) -> str:
    return f"{bytes_ / 1e9:.1f} GB" if bytes_ >= 1e9 else f"{bytes_ / 1e6:.0f} MB"


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
