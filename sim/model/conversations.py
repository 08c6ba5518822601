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
the same order. Elsewhere it is talk_numpy. The same values either way (tests/test_kernels.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

import numpy as np

from sim.model import pair_kernels
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
    rules = model.pitch_rules
    if rules is None or small_talk_drawn(model.params.conversation):
        talk_numpy(model, a, b, depth)
        return
    store, week = model.store, model.week
    slots = store.ensure(np.concatenate([a, b]), np.concatenate([b, a]))
    before = store.memory_at(slots, week)
    trust = store.trust(slots, week) if model.pitches_when_trusted else before[:0]
    _, fading = store.tables(week)
    memory_cfg, trust_cfg = store.memory_cfg, store.trust_cfg
    knobs = (
        (1.0 - memory_cfg.gain) ** depth,
        memory_cfg.established_level,
        trust_cfg.gain * depth,
        trust_cfg.pitch_cost,
        depth,
        trust_cfg.refer_level,
        store.trust_cfg.half_life_weeks != 0,
    )
    curves = model.curves
    after, seller, buyer = talked(
        (a, b, slots, before, trust),
        float(week),
        (rules, model.traits["listening"], model.group_of),
        (model.conversations, model.pitches_made),
        tuple(getattr(store, name) for name in store.FIELDS if name != "received"),
        tuple(map(float, knobs)),
        fading,
        (curves.count.reshape(-1), curves.memory.reshape(-1), curves.trust.reshape(-1)),
    )
    store.conversed_at(slots, after, week)
    model.market.pitch(model.rng, week, seller, buyer)


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
    memory, last_week, first_week, meetings, positive, negative, depth_of, evidence_week = pair
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
    columns = MAX_TRACKED_MEETINGS + 1  # PairCurves' columns: meetings 0 .. MAX_TRACKED
    after = np.empty(2 * m)
    for j in range(2 * m):
        s = slots[j]
        remembered = b[j] if j < m else a[j - m]
        if meetings[s] == 0:
            first_week[s] = week
        if fades:
            left = fading[int(week - evidence_week[s])]
            positive[s] = positive[s] * left
            negative[s] = negative[s] * left
            depth_of[s] = depth_of[s] * left
            evidence_week[s] = week
        after[j] = 1.0 - (1.0 - before[j]) * growth
        memory[s], last_week[s] = after[j], week
        meetings[s] += 1
        listened = before[j] >= established and not pitched[j]
        positive[s] += trust_gain * listening[remembered] * (1.0 if listened else 0.0)
        negative[s] += pitch_cost * (1.0 if pitched[j] else 0.0)
        depth_of[s] += depth
        cell = group_of[remembered] * columns + min(meetings[s], MAX_TRACKED_MEETINGS)
        count[cell] += 1
        memory_sum[cell] += memory[s]
        now = pair_kernels.trust_now(s, week, positive, negative, evidence_week, fading)
        trust_sum[cell] += now
    return after, seller[:pitches], buyer[:pitches]


INLINED = ("_pitches",)  # into their callers
COMPILED = ("_pitches", "talked")  # compiled by kernels.use(True)
