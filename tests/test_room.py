"""The room (make room): what a phone sends is validated into the key of one plain sentence (in
English and Dutch, never pydantic's words), participants become focal members with their
product and habits, a round is a normal run folder, rounds with the same entries give the same
results (the room's seed), the last save wins in whatever order saves arrive, the facilitator
removes a participant and empties the room (kept in room.json), the time left is measured from
the round itself, a low result says why. In a browser: tests/test_room_browser.py."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.app import room_words
from sim.app.room import PRODUCTS, Entry, Room, check_entry, participant_group
from sim.app.room_progress import estimate
from sim.errors import ConfigError
from sim.model.strategies import STRATEGIES
from sim.report.i18n import TEXT

pytestmark = pytest.mark.xdist_group("room")
FIELDS = list(Entry.model_fields)
ANY = st.one_of(
    st.text(max_size=60), st.integers(-10**9, 10**9), st.floats(allow_nan=True),
    st.booleans(), st.none(), st.lists(st.integers(), max_size=3),
)  # fmt: skip
DEVELOPER = ("should", "Input", "String", "Value error", "_", "pydantic", "loc")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*FIELDS, "junk", "__class__"]), ANY, max_size=10))
def test_whatever_a_phone_sends_is_an_entry_or_the_key_of_one_plain_sentence(data):
    entry, problem = check_entry(data)
    if entry is None:
        for lang in ("en", "nl"):
            said = room_words.problem(problem, lang)
            assert problem in TEXT[lang] and "\n" not in said and len(said) < 200
            assert not any(word in said for word in DEVELOPER), said
    else:
        assert problem == "" and 1 <= len(entry.name) <= 30 and entry.product in PRODUCTS


@pytest.mark.parametrize(
    ("data", "en", "nl"),
    [
        ({"name": "A" * 31}, "Choose a first name of at most 30 characters.",
         "Kies een voornaam van hoogstens 30 tekens."),
        ({"name": "   "}, "Choose a first name, please.", "Vul alstublieft een voornaam in."),
        ({}, "Choose a first name, please.", "Vul alstublieft een voornaam in."),
        ({"name": "Ann", "product": "other", "lifetime_weeks": 0},
         "How long it lasts: at least 1 week and at most 1,040 weeks (20 years).",
         "Hoe lang het meegaat: minstens 1 week en hoogstens 1.040 weken (20 jaar)."),
        ({"name": "Ann", "lifetime_weeks": "soon"},
         "How long it lasts: at least 1 week and at most 1,040 weeks (20 years).",
         "Hoe lang het meegaat: minstens 1 week en hoogstens 1.040 weken (20 jaar)."),
    ],
)  # fmt: skip
def test_a_mistake_is_one_sentence_in_the_phones_language(data, en, nl):
    entry, problem = check_entry(data)
    assert entry is None
    assert room_words.problem(problem, "en") == en
    assert room_words.problem(problem, "nl") == nl


def test_a_participant_becomes_a_focal_member_with_their_product_and_habits(tmp_path):
    room = Room(tmp_path, 2, 1, {})
    pitches, builds = room.strategies()[True], room.strategies()[False]
    assert STRATEGIES[pitches].classifier.pitches != "never"
    assert STRATEGIES[builds].classifier.pitches == "never"
    entry = Entry(name="Ann", product="other", lifetime_weeks=26, price=250, capacity=12,
                  events=0.75, one_to_ones=3, pitches=True, listening=0.4, giving=0.6)  # fmt: skip
    group = participant_group("p01", entry, room.strategies())
    assert group == {
        "name": "p01", "strategy": pitches, "count": 1, "focal": True, "sector": "own",
        "lifetime_weeks": 26.0, "one_to_ones": 3, "capacity": 12, "listening": 0.4,
        "giving": 0.6, "attendance": 0.75,
    }  # fmt: skip
    caterer = participant_group("p02", Entry(name="B", product="catering"), room.strategies())
    lifetime, _, capacity = PRODUCTS["catering"]
    assert (caterer["lifetime_weeks"], caterer["capacity"]) == (lifetime, capacity)
    many = {f"k{i}": Entry(name=f"P{i}") for i in range(25)}
    for key in many:
        room.enter(key, many[key].model_dump())
    scn = room.scenario(many)  # 25 own sectors: the scene's sectors are raised to fit
    focal = [g for g in scn.params.scene.groups if g.focal]
    assert [g.name for g in focal] == [f"p{i:02d}" for i in range(1, 26)]
    assert scn.params.scene.sectors >= 27


def test_the_last_save_wins_in_whatever_order_the_saves_arrive(tmp_path):
    """A hundred saves of one phone, each with the number of its form's edit, reach the room
    from eight threads in a shuffled order: the room keeps the save of the last edit."""
    room = Room(tmp_path, 2, 1, {})
    saves = [(seq, {"name": f"Ann{seq}", "one_to_ones": seq % 9}) for seq in range(1, 101)]
    random.Random(5).shuffle(saves)
    start = threading.Barrier(8)

    def send(part):
        start.wait()
        for seq, data in part:
            assert room.enter("phone", data, seq) == ""

    threads = [threading.Thread(target=send, args=(saves[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert room.entries["phone"].name == "Ann100" and room.entries["phone"].one_to_ones == 1
    assert json.loads((tmp_path / "room.json").read_text())["participants"][0]["name"] == "Ann100"
    assert room.enter("phone", {"name": "Late"}, 99) == ""  # an older edit, arriving late
    assert room.entries["phone"].name == "Ann100"


def test_the_facilitator_removes_a_participant_and_empties_the_room(tmp_path):
    room = Room(tmp_path, 1, 3, {"run.weeks": 13}, workers=1)
    for key, name in (("a", "Ann"), ("b", "Bo"), ("c", "Cem")):
        room.enter(key, {"name": name})
    room.start_round()
    wait_for(room, 1)
    room.remove("p02")
    assert [e.name for _, e in room.joined()] == ["Ann", "Cem"]
    room.enter("d", {"name": "Dan"})  # a new participant gets a group of their own
    assert room.group("d") == "p04" and room.result(room.rounds[0], "b")["name"] == "Bo"
    saved = json.loads((tmp_path / "room.json").read_text())
    assert [(p["group"], p["name"]) for p in saved["participants"]] == [
        ("p01", "Ann"), ("p03", "Cem"), ("p04", "Dan"),
    ]  # fmt: skip
    assert saved["removed"] == [{"group": "p02", "session": "b"}]
    assert list(saved["rounds"][0]["entries"]) == ["p01", "p02", "p03"]
    again = Room(tmp_path, 1, 3, {"run.weeks": 13}, workers=1)  # the laptop restarts
    assert again.joined() == room.joined() and again.group("b") == "p02"
    assert again.result(again.rounds[0], "b") == room.result(room.rounds[0], "b")

    assert room.reset() == ""
    assert room.joined() == [] and room.rounds == []
    saved = json.loads((tmp_path / "room.json").read_text())
    assert saved["participants"] == saved["rounds"] == saved["removed"] == []
    kept = list(tmp_path.glob("before-reset-*"))
    assert len(kept) == 1 and (kept[0] / "round-1" / "manifest.json").is_file()
    room.enter("e", {"name": "Eva"})  # a new room: round 1 again, in a fresh folder
    assert room.group("e") == "p01" and room.start_round() == ""
    wait_for(room, 1)
    assert room.rounds[0].status == "done", room.rounds[0].error


def test_the_time_left_is_measured_from_the_rounds_own_histories():
    # two workers, ten histories; the first batch (two, with the workers' start-up) took 6 s
    assert estimate([(0.0, 0)], 10, 2, None) is None
    assert estimate([(0.0, 0), (5.0, 1), (6.0, 2)], 10, 2, None) is None  # start-up in it
    assert estimate([(0.0, 0), (6.0, 2), (8.0, 3)], 10, 2, None) is None  # one batch later
    # from the end of the first batch on: 2 s a history
    marks = [(0.0, 0), (5.0, 1), (6.0, 2), (8.0, 3), (10.0, 4)]
    assert estimate(marks, 10, 2, None) == pytest.approx(6 * 2.0)
    assert estimate(marks, 10, 2, 3.5) == pytest.approx(6 * 2.0 + 3.5)  # the measured tail
    assert estimate([(0.0, 0), (9.0, 10)], 10, 2, None) is None  # all in


def test_a_low_result_says_why_from_the_entry_and_the_rounds_metrics():
    def res(units, avoided=0.0, trusted=0.0, referred=0.0):
        return {"units": units, "avoided": avoided, "trusted": trusted, "referred": referred}

    def why(entry, r, lang="en", best=0.0):
        return room_words.reason(Entry(name="A", **entry), r, 260, best, lang)

    assert why({"events": 0.0, "one_to_ones": 4}, res(0)).startswith("Nobody knows you")
    assert why({"events": 0.0}, res(0), "nl").startswith("Niemand kent u")
    said = why({"pitches": True}, res(0.2, avoided=31.4, referred=0))
    assert said == (
        "You pitched in every conversation: about 31 members avoid you, and you were referred "
        "0 times."
    )
    assert why({"product": "furniture"}, res(1)).startswith("A piece of furniture lasts 10 years")
    assert why({"product": "catering"}, res(1000)).startswith("You were fully booked")
    assert why({"product": "insurance"}, res(1.5, trusted=0.2)).startswith("Nobody knows you well")
    assert why({}, res(40), best=60) == ""  # not low: nothing to explain
    assert why({"product": "consultancy"}, res(3, trusted=2), best=80).startswith(
        "You were referred"
    )
    for key in [k for k in TEXT["en"] if k.startswith(("room_why", "room_error"))]:
        assert "_" not in TEXT["en"][key] + TEXT["nl"][key] and TEXT["nl"][key] != TEXT["en"][key]


def wait_for(room: Room, rounds: int) -> None:
    deadline = time.monotonic() + 600
    while len(room.rounds) < rounds or room.running:
        assert time.monotonic() < deadline, "the round did not finish"
        time.sleep(0.2)


def test_rounds_are_normal_runs_and_the_same_entries_give_the_same_results(tmp_path):
    room = Room(tmp_path, 2, 7, {"run.weeks": 26}, workers=1)
    assert room.start_round() == "nobody has joined yet"
    assert room.enter("a", {"name": "Ann", "product": "catering"}) == ""
    assert room.enter("b", {"name": "<i>Bo</i>", "pitches": True}) == ""
    assert room.enter("c", {"name": "  "}) == "room_error_name"  # a sentence; not joined
    assert room.start_round() == ""
    wait_for(room, 1)
    assert room.start_round() == ""  # nothing changed: the same five years again
    wait_for(room, 2)
    first, second = room.rounds
    assert first.status == second.status == "done", (first.error, second.error)
    for rnd in room.rounds:
        for name in ("manifest.json", "report.html", "sales.parquet", "steps.parquet"):
            assert (rnd.folder / name).is_file()
    assert room.result(first, "a") == room.result(second, "a")
    ann = room.result(first, "a")
    assert ann["name"] == "Ann" and ann["n"] == 2 and 0 <= ann["low"] <= ann["units"] <= ann["high"]
    assert second.tail_s is not None and second.progress.done == 2
    saved = json.loads((tmp_path / "room.json").read_text())
    assert [p["name"] for p in saved["participants"]] == ["Ann", "<i>Bo</i>"]
    assert [r["status"] for r in saved["rounds"]] == ["done", "done"]

    # The laptop restarts: the room comes back from its folder, a phone finds its entry again.
    again = Room(tmp_path, 2, 7, {"run.weeks": 26}, workers=1)
    assert again.joined() == room.joined() and again.entries["b"].name == "<i>Bo</i>"
    assert [again.result(r, "a") for r in again.rounds] == [ann, ann]
    with pytest.raises(ConfigError, match="other settings"):
        Room(tmp_path, 3, 7, {"run.weeks": 26}, workers=1)


def test_a_round_cut_short_is_started_again_in_its_folder(tmp_path):
    from sim.app.room import Round

    room = Room(tmp_path, 2, 7, {})
    room.enter("a", {"name": "Ann"})
    room.rounds.append(Round(1, dict(room.entries), tmp_path / "round-1"))  # killed mid-run
    room._changed()
    again = Room(tmp_path, 2, 7, {})
    assert again.rounds == [] and list(again.entries) == ["a"]
    broken = {"replications": 2, "seed": 7, "set": {}, "participants": [{"group": "p01"}]}
    (tmp_path / "room.json").write_text(json.dumps(broken))
    with pytest.raises(ConfigError, match="not a room this version can read"):
        Room(tmp_path, 2, 7, {})


def test_one_replication_gives_a_result_without_an_interval(tmp_path):
    room = Room(tmp_path, 1, 3, {"run.weeks": 13}, workers=1)
    room.enter("a", {"name": "Ann"})
    room.start_round()
    wait_for(room, 1)
    ann = room.result(room.rounds[0], "a")
    assert ann["n"] == 1 and ann["low"] == ann["units"] == ann["high"]
