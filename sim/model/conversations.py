"""What happens when two members talk (C1, C3-C5, C10, C17): the pitches and their sales, then
memory and trust, and the curves of both by meeting.

`Scene.talk` (the model's `talk`) hands its unique pairs (a[k], b[k]) here. Each side decides
by their strategy whether to pitch the other; every pitch may close a sale (Market.pitch: its
own draws); a share `conversation.small_talk` of conversations are about other things and,
unless they count, leave no memory or trust behind (drawn after the sales); each remaining
conversation updates both directions of its pair (PairStore.converse) and is recorded in the
curves of memory and trust by meeting (observers.PairCurves).

Two implementations, chosen by sim/model/steps.py: `talk_numpy`, and `talk_compiled`, which
does the decisions, the counts, the pairs' updates and the curves in one compiled pass
(`talked`) where every strategy pitches by its classifier's rule (Strategy.pitch_rule: the
method's values, as data) and no small talk is drawn; the sales follow, with the same draws in
the same order. Elsewhere it is talk_numpy.

The week's one-to-ones (the model's `hold_one_to_ones`) are whom each member's habit and
strategy call (events.follow_up_pairs), then their talk: `one_to_ones_numpy`, and
`one_to_ones_compiled`, which weighs, races, makes the calls distinct pairs and talks them in
one compiled call (`called_and_talked`) where the follow-up and pitch rules are data. The same
values either way (tests/test_kernels.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

import numpy as np

from sim.model import events, kernels, pair_kernels
from sim.model.observers import MAX_TRACKED_MEETINGS
from sim.model.strategies import Pitching

if TYPE_CHECKING:
    from sim.config import ConversationConfig
    from sim.model.model import NetworkingModel

PITCH_RULES = get_args(Pitching)  # the classifier's pitch rules, coded by their index
WHEN_TRUSTED = PITCH_RULES.index("when trusted")
ALWAYS = PITCH_RULES.index("always")


def small_talk_drawn(cfg: ConversationConfig) -> bool:
    """Whether each conversation draws whether it is small talk (which then leaves no trace)."""
    return not cfg.small_talk_counts and cfg.small_talk > 0


def talk_numpy(model: NetworkingModel, a: np.ndarray, b: np.ndarray, depth: float) -> None:
    """The conversations of the unique pairs (a[k], b[k]), as the module docstring says."""
    week = model.week
    np.add.at(model.conversations, a, 1)
    np.add.at(model.conversations, b, 1)
    pitch_ab, pitch_ba = model.pitches(a, b), model.pitches(b, a)
    seller = np.concatenate([a[pitch_ab], b[pitch_ba]])
    buyer = np.concatenate([b[pitch_ab], a[pitch_ba]])
    np.add.at(model.pitches_made, seller, 1)
    model.market.pitch(model.rng, week, seller, buyer)
    talk = model.params.conversation
    if small_talk_drawn(talk):
        counts = model.rng.random(a.size) >= talk.small_talk
        a, b, pitch_ab, pitch_ba = a[counts], b[counts], pitch_ab[counts], pitch_ba[counts]
    listening = model.traits["listening"]
    slots = model.store.converse(a, b, week, listening, pitch_ab, pitch_ba, depth)
    model.curves.record(model.store, slots, model.group_of, week)


def talk_compiled(model: NetworkingModel, a: np.ndarray, b: np.ndarray, depth: float) -> None:
    """talk_numpy in one compiled pass (`talked`) and the sales after it, where the members'
    pitch rules are data and no small talk is drawn; else talk_numpy. The same values."""
    if not pitches_are_data(model):
        talk_numpy(model, a, b, depth)
        return
    store, week = model.store, model.week
    slots = store.ensure(np.concatenate([a, b]), np.concatenate([b, a]))
    before = store.memory_at(slots, week)
    trust = store.trust(slots, week) if model.pitches_when_trusted else before[:0]
    after, seller, buyer = talked((a, b, slots, before, trust), float(week), *_inputs(model, depth))
    store.conversed_at(slots, after, week)
    model.market.pitch(model.rng, week, seller, buyer)


def pitches_are_data(model: NetworkingModel) -> bool:
    """Whether `talked` can do the model's talk: pitch rules as data, no small talk drawn."""
    return model.pitch_rules is not None and not small_talk_drawn(model.params.conversation)


def _inputs(model: NetworkingModel, depth: float) -> tuple:
    """`talked`'s arguments after the talks and the week: the members' rules, listening and
    groups, the counts, the store's arrays, the knobs, the fading table and the curves."""
    store = model.store
    memory_cfg, trust_cfg = store.memory_cfg, store.trust_cfg
    knobs = (
        (1.0 - memory_cfg.gain) ** depth,
        memory_cfg.established_level,
        trust_cfg.gain * depth,
        trust_cfg.pitch_cost,
        depth,
        trust_cfg.refer_level,
        trust_cfg.half_life_weeks != 0,
    )
    curves = model.curves
    return (
        (model.pitch_rules, model.traits["listening"], model.group_of),
        (model.conversations, model.pitches_made),
        tuple(getattr(store, name) for name in store.FIELDS if name != "received"),
        tuple(map(float, knobs)),
        store.tables(model.week)[1],
        (curves.count.reshape(-1), curves.memory.reshape(-1), curves.trust.reshape(-1)),
    )


def one_to_ones_numpy(model: NetworkingModel, counts: np.ndarray, since: int) -> None:
    """The week's one-to-ones (Scene's habit: `counts[i]` calls by member i, to whom their
    strategy wants, events.follow_up_pairs; the people first met since the week `since` count
    as new faces), then their conversations (the model's talk)."""
    weight = lambda slots: model.follow_up_weight(slots, since)  # noqa: E731
    rules = None if model.follow_up_rules is None else (model.follow_up_rules, since)
    a, b = events.follow_up_pairs(model.rng, model.store, counts, weight, model.week, rules)
    model.held_one_to_ones(a, b)
    model.talk(a, b)


def one_to_ones_compiled(model: NetworkingModel, counts: np.ndarray, since: int) -> None:
    """one_to_ones_numpy in one compiled call (`called_and_talked`: the race, the calls made
    distinct, their conversations) and the sales after it, where the follow-up and pitch rules
    are data, no small talk is drawn and every call's pair exists both ways; the rest as there.
    The same draws, the same values."""
    store, week = model.store, model.week
    if model.follow_up_rules is None or not pitches_are_data(model) or len(store) == 0:
        one_to_ones_numpy(model, counts, since)
        return
    trust = store.trust_everywhere(week)
    memory = store.memory_everywhere(week)
    lookup = store.slot_index(), store.starts(), store.dst
    race = (counts.astype(np.int64), model.follow_up_rules, float(since), float(week))
    state = (store.src, store.first_week, store.meetings, trust, memory)
    avoid = float(store.trust_cfg.avoid_level)
    when_trusted = model.pitches_when_trusted
    a, b, slots, after, seller, buyer = called_and_talked(
        model.rng, race, lookup, state, avoid, when_trusted, _inputs(model, 1.0)
    )
    model.held_one_to_ones(a, b)
    if slots.size < 2 * a.size:  # a call's pair is new one way: the talk inserts it
        model.talk(a, b)
        return
    model.week_conversations += int(a.size)
    store.conversed_at(slots, after, week)
    model.market.pitch(model.rng, week, seller, buyer)
    model.acquaintances_due = True


def called_and_talked(rng, race, lookup, state, avoid_level, when_trusted, inputs):
    """The one-to-ones of a week and their conversations in one call: the callers' pairs
    weighed by their rules (kernels.rule_weights), the race (kernels.follow_up_race), the calls
    made distinct pairs (low, high) as events.unique_pairs, then `talked` on them. `race`:
    (counts, follow-up rules, since, week); `lookup`: the store's (index, starts, dst); `state`:
    its (src, first_week, meetings) and trust and memory now of every slot; `inputs`: `talked`'s
    after its first two. Returns (a, b, slots, memory after, seller, buyer); the slots are empty
    when a pair is missing one way (nothing is talked)."""
    counts, rules, since, week = race
    index, starts, pair_dst = lookup
    pair_src, first_week, meetings, trust, memory = state
    n = counts.size
    asks = np.empty(starts[n], dtype=np.int64)  # the callers' pair slots, in slot order
    size = 0
    for caller in range(n):
        if counts[caller] > 0:
            for s in range(starts[caller], starts[caller + 1]):
                asks[size] = s
                size += 1
    asks = asks[:size]
    wanted = kernels.rule_weights(
        asks, rules, since, pair_src, first_week, meetings, trust, memory, avoid_level
    )
    caller, contact = kernels.follow_up_race(
        rng, asks, wanted, pair_src, counts, n, lookup, trust, avoid_level
    )
    keys = np.empty(caller.size, dtype=np.int64)
    for c in range(caller.size):
        keys[c] = min(caller[c], contact[c]) * n + max(caller[c], contact[c])
    pairs = np.unique(keys)
    a, b = pairs // n, pairs % n
    m = a.size
    slots = np.empty(2 * m, dtype=np.int64)
    for k in range(m):
        slots[k] = kernels._find(a[k], b[k], n, index, starts, pair_dst)
        slots[m + k] = kernels._find(b[k], a[k], n, index, starts, pair_dst)
        if slots[k] < 0 or slots[m + k] < 0:
            none = np.empty(0, dtype=np.int64)
            return a, b, none, np.empty(0), none, none
    before = np.empty(2 * m)
    pitch_trust = np.empty(2 * m if when_trusted else 0)
    for j in range(2 * m):
        before[j] = memory[slots[j]]
        if when_trusted:
            pitch_trust[j] = trust[slots[j]]
    members, tally, pair, knobs, fading, curves = inputs
    talks = (a, b, slots, before, pitch_trust)
    after, seller, buyer = talked(talks, week, members, tally, pair, knobs, fading, curves)
    return a, b, slots, after, seller, buyer


def _pitches(rule, trust, j, refer_level):
    """Whether a member of pitch rule `rule` pitches a partner whose trust in them is trust[j]
    (read only for "when trusted"; Strategy.pitches' default)."""
    if rule == WHEN_TRUSTED:
        return trust[j] >= refer_level
    return rule == ALWAYS


def talked(talks, week, members, tally, pair, knobs, fading, curves):
    """talk_numpy's counts, pitch decisions, updates of the pairs and curves in one pass.

    `talks`: (a, b, the slots of (a, b) then (b, a), their memory now, their trust now: empty
    where no rule reads it); `members`: each member's pitch rule (PITCH_RULES' index),
    listening and group; `tally`: the conversations and pitches made per member (added to);
    `pair`: the store's arrays as pair_kernels.conversed takes them; `knobs`: ((1 - gain)^depth,
    established level, trust gain x depth, pitch cost, depth, refer level, whether evidence
    fades: 1 or 0); `fading`: the fading table (sim/model/decay.py); `curves`: PairCurves' flat
    sums (added to). Returns (memory after per slot, seller, buyer): the pitches, a's to b's
    first, as talk_numpy's."""
    a, b, slots, before, trust = talks
    rules, listening, group_of = members
    conversations, pitches_made = tally
    memory, _, _, meetings, positive, negative, _, evidence_week = pair
    growth, established, trust_gain, pitch_cost, depth, refer_level, fades = knobs
    count, memory_sum, trust_sum = curves
    m = a.size
    pitched = np.empty(2 * m, dtype=np.bool_)  # per slot: its remembered member pitched
    seller = np.empty(2 * m, dtype=np.int64)
    buyer = np.empty(2 * m, dtype=np.int64)
    pitches = 0
    for side in range(2):
        for k in range(m):
            me, partner = (a[k], b[k]) if side == 0 else (b[k], a[k])
            if side == 0:
                conversations[a[k]] += 1
                conversations[b[k]] += 1
            j = k if side == 1 else m + k  # the slot (partner, me): the partner's trust in me
            pitched[j] = _pitches(rules[me], trust, j, refer_level)
            if pitched[j]:
                seller[pitches], buyer[pitches] = me, partner
                pitches_made[me] += 1
                pitches += 1
    remembered = np.concatenate((b, a))  # per slot: the pair's dst
    heard = np.empty(2 * m)
    left = np.empty(2 * m if fades else 0)  # the share of each pair's evidence left
    for j in range(2 * m):
        heard[j] = listening[remembered[j]]
        if fades:
            left[j] = fading[int(week - evidence_week[slots[j]])]
    update = (growth, established, trust_gain, pitch_cost, depth)
    after = pair_kernels.conversed(slots, week, before, left, heard, pitched, pair, update)
    columns = MAX_TRACKED_MEETINGS + 1  # PairCurves' columns: meetings 0 .. MAX_TRACKED
    for j in range(2 * m):
        s = slots[j]
        cell = group_of[remembered[j]] * columns + min(meetings[s], MAX_TRACKED_MEETINGS)
        count[cell] += 1
        memory_sum[cell] += memory[s]
        now = pair_kernels.trust_now(s, week, positive, negative, evidence_week, fading)
        trust_sum[cell] += now
    return after, seller[:pitches], buyer[:pitches]


INLINED = ("_pitches",)  # into their callers
COMPILED = ("_pitches", "talked", "called_and_talked")  # compiled by kernels.use(True)
