"""The room (make room): what a phone sends is validated into one plain line, participants
become focal members with their product and habits, a round is a normal run folder, rounds
with the same entries give the same results (the room's seed), and in Debian's chromium three
participants join from three browser contexts, the facilitator runs a round, each phone shows
its own result and the projector lists all three (issue 13)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.app.room import PRODUCTS, Entry, Room, check_entry, participant_group
from sim.errors import ConfigError
from sim.model.strategies import STRATEGIES

pytestmark = pytest.mark.xdist_group("room")
FIELDS = list(Entry.model_fields)
ANY = st.one_of(
    st.text(max_size=60), st.integers(-10**9, 10**9), st.floats(allow_nan=True),
    st.booleans(), st.none(), st.lists(st.integers(), max_size=3),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*FIELDS, "junk", "__class__"]), ANY, max_size=10))
def test_whatever_a_phone_sends_is_an_entry_or_one_plain_line(data):
    entry, problem = check_entry(data)
    if entry is None:
        assert problem and "\n" not in problem and len(problem) < 300
    else:
        assert problem == "" and 1 <= len(entry.name) <= 30 and entry.product in PRODUCTS


def test_a_participant_becomes_a_focal_member_with_their_product_and_habits(tmp_path):
    room = Room(tmp_path, 2, 1, {})
    pitches, builds = room.strategies()[True], room.strategies()[False]
    assert STRATEGIES[pitches].classifier["pitches"] != "never"
    assert STRATEGIES[builds].classifier["pitches"] == "never"
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
    assert room.enter("c", {"name": "  "}).startswith("name:")  # a plain line; not joined
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


# --- in a real browser --------------------------------------------------------------------------
def test_three_participants_join_from_phones_and_get_their_own_result(tmp_path):
    from playwright.sync_api import sync_playwright

    from sim.app.server import running
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    names = ["Ann", "<b>Bob</b>", "Cem"]
    out = tmp_path / "room"
    args = ["--replications", "2", "--set", "run.weeks=26", "--out", str(out), "--key", "K"]
    args += ["--workers", "1"]  # a tiny round runs faster in the server's own process
    with running("room", *args) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        errors: list[str] = []
        try:
            phones = []
            for i, name in enumerate(names):
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(url)
                page.get_by_role("button", name="Join").click()  # no name yet: a plain message
                page.get_by_text("name:").wait_for(timeout=60_000)
                page.get_by_label("Your first name").fill(name)
                if i == 1:
                    page.get_by_role("button", name="I pitch", exact=True).click()
                page.get_by_role("button", name="Join").click()
                page.get_by_text(f"You are in as {name}").wait_for(timeout=60_000)
                phones.append(page)
            screen = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            screen.on("pageerror", lambda e: errors.append(str(e)))
            screen.goto(url + "screen?key=wrong")
            screen.get_by_text("This page is the facilitator's").wait_for(timeout=60_000)
            screen.goto(url + "screen?key=K")
            screen.get_by_text("In the room (3)").wait_for(timeout=60_000)
            assert screen.locator(".netsim-person").all_inner_texts()[1].startswith("<b>Bob</b>")
            screen.get_by_role("button", name="Start round 1").click()
            screen.get_by_text("Round 1: done").wait_for(timeout=300_000)
            for page, name in zip(phones, names, strict=True):
                page.get_by_text("Round 1: you sold").wait_for(timeout=60_000)
                assert page.get_by_text(f"You are in as {name}").count() == 1
                assert page.locator("b", has_text="Bob").count() == 0  # typed text stays text
            screen.wait_for_function(
                "() => document.querySelectorAll('.netsim-chart[data-drawn]').length === 3",
                timeout=60_000,
            )
        finally:
            browser.close()
    assert (out / "round-1" / "manifest.json").is_file()
    assert (out / "round-1" / "report.html").is_file()
    saved = json.loads((out / "room.json").read_text())
    assert [p["name"] for p in saved["participants"]] == names
    assert [p["pitches"] for p in saved["participants"]] == [False, True, False]
    assert errors == []
