"""Members as Mesa agents (sim/model/agents.py): a live view over the model's arrays, created on
first use, that says what the arrays say and keeps nothing of its own; and docs/agents.md's
notebook runs as written, cell after cell (C1, C5, C10)."""

import re
from pathlib import Path

import numpy as np
import pytest

import sim.model.model as model_module
from sim.config import Params
from sim.experiments.tables import model_tables
from sim.model import NetworkingModel
from sim.model.agents import Member
from sim.scenario import apply_overrides

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "agents.md"
CELLS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def scene(weeks: int = 40, seed: int = 4) -> NetworkingModel:
    groups = [
        {"name": "pitchers", "strategy": "direct", "count": 3, "focal": True},
        {"name": "givers", "strategy": "giver", "count": 4, "focal": True, "giving": 2.0},
        {"name": "others", "strategy": "relationship", "share": 1.0},
    ]
    overrides = {"scene.members": 50, "scene.groups": groups, "run.weeks": weeks}
    return NetworkingModel(apply_overrides(Params(), overrides, "test"), rng=seed)


def test_the_notebook_runs_cell_after_cell():
    assert len(CELLS) >= 3
    space: dict = {}
    for cell in CELLS:
        exec(cell, space)  # noqa: S102 - the guide's own examples
    assert space["first"].units == space["model"].units_sold()[space["first"].index]


def test_agents_are_made_on_first_use_and_looking_changes_nothing(monkeypatch):
    made = []

    class Counted(Member):
        def __init__(self, model, index):
            made.append(index)
            super().__init__(model, index)

    monkeypatch.setattr(model_module, "Member", Counted)
    looked, unseen = scene(weeks=1), scene(weeks=1)
    assert made == []
    assert [m.index for m in looked.agents] == list(range(50)) == made
    assert looked.agents_by_type[Counted] and looked.agent_types == [Counted]
    assert looked.members()[7] is looked.agents.to_list()[7] and len(made) == 50  # made once
    for model in (looked, unseen):
        for _ in range(30):
            model.step()
    for name in looked.store.FIELDS:
        np.testing.assert_array_equal(getattr(looked.store, name), getattr(unseen.store, name))


def test_an_agent_says_what_the_arrays_say():
    model = scene().run()
    agents = model_tables(model, 0, "base")["agents"]
    members = model.members()
    assert [m.units for m in members] == agents["units"].to_list()
    assert [m.conversations for m in members] == agents["conversations"].to_list()
    assert [m.pitches for m in members] == agents["pitches"].to_list()
    giver = model.agents.select(lambda m: m.group_name == "givers").to_list()[0]
    assert giver.strategy_name == "giver" and giver.focal and giver.giving == 2.0
    assert giver.traits["known_share"] == model.traits["known_share"][giver.index]
    assert giver.traits["posts"] is True and isinstance(giver.capacity, int)
    contacts = giver.contacts()
    assert [m.index for m in contacts] == model.store.dst[model.store.src == giver.index].tolist()
    other = np.array([m.index for m in contacts])
    me = np.full(other.size, giver.index)
    memory = [giver.memory_of(m) for m in contacts]
    trust = [giver.trust_in(m) for m in contacts]
    np.testing.assert_array_equal(memory, model.store.memory_at(model.store.find(me, other), 40))
    np.testing.assert_array_equal(trust, model.store.trust_of(me, other, 40))
    assert len(set(trust)) > 1 and max(memory) > 0
    stranger = next(m for m in members if m.index not in set(other) and m is not giver)
    assert giver.memory_of(stranger) == 0 and giver.trust_in(stranger.index) == 0.5


def test_groups_and_strategies_select_their_members():
    model = scene(weeks=1)
    by_group = model.agents.groupby("group_name").count()
    assert by_group["pitchers"] == 3 and by_group["givers"] == 4
    assert sum(by_group.values()) == 50
    builders = model.agents.select(lambda m: m.strategy_name == "relationship")
    assert sorted(m.index for m in builders) == np.flatnonzero(model.group_of == 2).tolist()


def test_an_agent_keeps_no_state_of_its_own():
    """A trait set on an agent, or a note, would be read by nothing: refused, and the agent
    follows a change to the model's arrays at once."""
    model = scene(weeks=1)
    member = model.members()[5]
    for name in ("listening", "wealth"):
        with pytest.raises(AttributeError, match="view over the model's arrays"):
            setattr(member, name, 0.5)
    with pytest.raises(AttributeError):
        member.pitch_close  # noqa: B018 - a builder has no pitch close rate
    model.traits["listening"][5] = 0.25
    assert member.listening == 0.25
