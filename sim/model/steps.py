"""Which implementation of each step of a week runs: the numpy code or its compiled twin.

This is the one place that chooses. Every step with two implementations is a field of `Steps`,
and `TABLE` is their table: per step, its numpy function, its compiled function (the kernels of
sim/model/kernels.py, pair_kernels.py and referral_kernels.py, through a thin adapter where the
arguments differ) and the test of tests/test_kernels.py that checks the two equal, bit for bit
(whole runs too: test_a_run_is_bit_identical_with_or_without_kernels). A module that runs a step
calls `chosen().<step>(...)` and never branches on the choice itself. `chosen` gives the
compiled steps while `kernels.use(True)` is in force (the run machinery decides per task;
NETSIM_KERNELS=numba switches them on at import, below), else the numpy ones; each side is built
once per process. Results, and so every claim's verdict (C1-C17), are the same either way. A
strategy's decisions have one implementation, its numpy methods (sim/model/strategies.py), in
every run; the compiled one-to-ones read the follow-up rule, and the compiled conversations the
pitch rule, of strategies that keep the default method as data (the method's values:
Strategy.follow_up_rule, Strategy.pitch_rule).
tests/test_steps.py checks the table against `Steps`, the functions and the tests, and that no
other module reads `kernels.ENABLED`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import NamedTuple

from sim.model import kernels


class Step(NamedTuple):
    """One row of TABLE: the step, its two implementations ("module.function", relative to
    sim.model) and the test of tests/test_kernels.py that checks them equal."""

    name: str
    numpy: str
    compiled: str
    test: str


TABLE = (
    Step(
        "moved_sorted",
        "slots.moved_numpy",
        "pair_kernels.moved_sorted",
        "test_insert_kernels_equal_numpy",
    ),
    Step(
        "spread", "slots.spread_numpy", "slots.spread_compiled", "test_insert_kernels_equal_numpy"
    ),
    Step(
        "find_sorted",
        "memory.find_sorted_numpy",
        "pair_kernels.find_sorted_compiled",
        "test_pairs_are_found_the_same_compiled",
    ),
    Step(
        "reindex",
        "memory.reindexed_numpy",
        "pair_kernels.reindexed",
        "test_dense_index_kept_across_inserts_equals_a_rebuild",
    ),
    Step(
        "memory_now",
        "decay.memory_numpy",
        "pair_kernels.memory_compiled",
        "test_memory_and_trust_kernels_equal_numpy",
    ),
    Step(
        "trust_now",
        "decay.trust_numpy",
        "pair_kernels.trust_compiled",
        "test_memory_and_trust_kernels_equal_numpy",
    ),
    Step(
        "touched",
        "memory.touched_numpy",
        "pair_kernels.touched_compiled",
        "test_touches_update_the_store_the_same_compiled",
    ),
    Step(
        "conversed",
        "memory.conversed_numpy",
        "pair_kernels.conversed_compiled",
        "test_conversations_update_the_store_the_same_compiled",
    ),
    Step(
        "distinct_rows",
        "population.distinct_rows_numpy",
        "population.distinct_rows_compiled",
        "test_the_social_graphs_rows_are_the_same_compiled",
    ),
    Step(
        "min_per_group",
        "grouping.min_per_group_numpy",
        "grouping.min_per_group_compiled",
        "test_smallest_per_group_and_add_per_cell_equal_numpy",
    ),
    Step(
        "add_per_cell",
        "observers.add_per_cell_numpy",
        "kernels.add_per_cell",
        "test_smallest_per_group_and_add_per_cell_equal_numpy",
    ),
    Step(
        "acquaintances",
        "referrals.acquaintances_numpy",
        "referrals.acquaintances_compiled",
        "test_acquaintances_are_the_same_compiled",
    ),
    Step(
        "trusted",
        "referrals.trusted_numpy",
        "referrals.trusted_compiled",
        "test_acquaintances_are_the_same_compiled",
    ),
    Step(
        "best_providers",
        "referrals.best_providers_numpy",
        "referrals.best_providers_compiled",
        "test_best_providers_kernel_equals_numpy",
    ),
    Step(
        "mingle_rounds",
        "events.mingle_numpy",
        "events.mingle_compiled",
        "test_mingle_kernel_equals_numpy",
    ),
    Step(
        "follow_up_race",
        "events.follow_up_numpy",
        "events.follow_up_compiled",
        "test_follow_up_kernel_equals_numpy",
    ),
    Step(
        "talk",
        "conversations.talk_numpy",
        "conversations.talk_compiled",
        "test_conversations_are_the_same_compiled",
    ),
    Step(
        "one_to_ones",
        "conversations.one_to_ones_numpy",
        "conversations.one_to_ones_compiled",
        "test_one_to_ones_are_the_same_compiled",
    ),
    Step(
        "answer_needs",
        "market.Market.answer_numpy",
        "market.Market.answer_compiled",
        "test_a_weeks_needs_are_answered_the_same_way_compiled",
    ),
)


@dataclass(frozen=True)
class Steps:
    """One implementation of every step (the arguments as the numpy function's docstring says)."""

    compiled: bool  # whether these are the compiled steps
    moved_sorted: Callable  # slots.moved of sorted slots
    spread: Callable  # slots.spread: np.insert before sorted positions
    find_sorted: Callable  # PairStore.find where there is no dense index
    reindex: Callable  # PairStore's dense index after an insert
    memory_now: Callable  # PairStore's memory now (the week cache's values)
    trust_now: Callable  # PairStore's trust now
    touched: Callable  # PairStore.touch's memory: a light touch
    conversed: Callable  # PairStore.converse's updates of its pairs
    distinct_rows: Callable  # population.Adjacency.from_edges' rows
    min_per_group: Callable  # grouping.min_per_group
    add_per_cell: Callable  # observers.PairCurves' sums
    acquaintances: Callable  # AskGraph's acquaintances: whom each member remembers by name
    trusted: Callable  # the pairs trusted enough to refer now
    best_providers: Callable  # referrals.best_providers
    mingle_rounds: Callable  # events.mingle's rounds
    follow_up_race: Callable  # events.follow_up_pairs' race
    talk: Callable  # the model's talk: pitches, sales, memory and trust, curves
    one_to_ones: Callable  # the week's one-to-ones: whom each member calls, then the talk
    answer_needs: Callable  # Market.answer_needs' draws and choices


def resolve(path: str) -> Callable:
    """The function a TABLE entry names ("module.function" or "module.Class.function")."""
    module, *names = path.split(".")
    found = importlib.import_module(f"sim.model.{module}")
    for name in names:
        found = getattr(found, name)
    return found


def build(compiled: bool) -> Steps:
    """The steps of one side of TABLE (the compiled side only once numba compiled the kernels:
    `kernels.use(True)` replaces their plain functions)."""
    side = {step.name: resolve(step.compiled if compiled else step.numpy) for step in TABLE}
    return Steps(compiled=compiled, **side)


_BUILT: dict[bool, Steps] = {}


def chosen() -> Steps:
    """The steps this process runs now: compiled while `kernels.use(True)` is in force."""
    on = kernels.ENABLED
    if on not in _BUILT:
        _BUILT[on] = build(on)
    return _BUILT[on]


def names() -> tuple[str, ...]:
    """The steps, as Steps' fields (without `compiled`)."""
    return tuple(f.name for f in fields(Steps) if f.name != "compiled")


# NETSIM_KERNELS=numba: compiled from the first import of a module that runs steps (here, not in
# kernels.py, which the kernel modules import: compiling them while one is half imported fails)
if kernels.setting() == "numba":
    kernels.use(True)
