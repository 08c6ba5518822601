"""The workshop pack (make workshop): its scenarios answer every claim, a small pack is built
whole (runs, deck, handouts, guide and participants' sheets as PDF, pack.json), the deck tells
its story in Dutch without keys or thresholds and navigates with the keyboard in Debian's
chromium (speaker notes on N), the guide plans the room and has talking points, a room's rounds
become a slide, scenario text is escaped, a finished pack is never overwritten unasked."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.report.i18n import LANGUAGES, TEXT
from sim.scenario import load_scenario
from sim.workshop.content import CLAIMS, PACK
from sim.workshop.pack import build_pack
from sim.workshop.story import STORY
from tests.conftest import chromium_page

# the pack prints its sheets to PDF with chromium
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("workshop")]
HOSTILE = "<script>alert('pack')</script> & co"


def test_the_packs_scenarios_cite_every_claim_and_every_claim_has_its_text():
    cited = {c for name in PACK for c in load_scenario(name).claims}
    assert cited == set(CLAIMS)
    for lang in LANGUAGES:
        for claim in CLAIMS:
            for part in ("title", "claim", "q"):
                assert TEXT[lang][f"ws_{part}_{claim}"].strip()


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """A small Dutch pack of one hostile copy of the laptop scene: 26 weeks, 2 replications."""
    tmp = tmp_path_factory.mktemp("pack")
    source = Path(load_scenario("laptop").path).read_text(encoding="utf-8")
    hostile = tmp / "hostile.toml"
    hostile.write_text(
        source.replace('name = "laptop"', 'name = "hostile"').replace(
            'description = "', f'description = "{HOSTILE} ', 1
        ),
        encoding="utf-8",
    )
    out = tmp / "pack"
    build_pack(out, "nl", {"run.weeks": 26}, replications=2, workers=1, names=[str(hostile)])
    return out


# what a Dutch audience must never read: the scenario's keys (groups, variants, the scenario and
# its English description), thresholds and check marks
KEYS = ("builders", "pitchers", "other_pitchers", "others", "occasional", "one_off",
        "consumable", "no_conversion", "hostile", "Computer-shop", "Scenario ")  # fmt: skip
MARKS = ("≥", "✓", "✗", "duidelijk: ja", "95 %-BI")


def audience_text(page: str) -> str:
    """A page's text and its charts' labels, without the inlined plotly.js library and the
    charts' internal trace groups (never shown)."""
    page = re.sub(r"<head>.*?</head>", "", page, flags=re.S)
    return re.sub(r'"legendgroup":"[^"]*"', "", page)


def test_story_order_holds_every_claim_once():
    assert sorted(STORY, key=lambda c: int(c[1:])) == list(CLAIMS)


def test_a_small_pack_is_written_whole(pack):
    for name in ("deck.html", "handouts.html", "guide.html", "participants.html", "pack.json"):
        assert (pack / name).is_file()
    for name in ("handouts.pdf", "guide.pdf", "participants.pdf"):
        data = (pack / name).read_bytes()
        assert data.startswith(b"%PDF") and b"/MediaBox [0 0 595" in data  # A4 pages
    meta = json.loads((pack / "pack.json").read_text())
    assert (
        meta["kind"] == "workshop"
        and meta["lang"] == "nl"
        and meta["runs"] == {"hostile": "runs/hostile"}
    )
    run = pack / "runs" / "hostile"
    assert (run / "manifest.json").is_file() and (run / "report.html").is_file()
    assert not list(pack.parent.glob(".*partial*"))
    deck = (pack / "deck.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in deck
    # C12 is bni's: not in this pack, said once on the summary, and no slide of its own
    assert deck.count("Niet gemeten in dit pakket: ") == 1 and 'id="C12"' not in deck
    guide = (pack / "guide.html").read_text(encoding="utf-8")
    assert TEXT["nl"]["ws_guide_title"] in guide and "<script>alert(" not in guide


@pytest.mark.parametrize("name", ["deck.html", "guide.html", "handouts.html", "participants.html"])
def test_dutch_pages_show_no_keys_thresholds_or_marks(pack, name):
    text = audience_text((pack / name).read_text(encoding="utf-8"))
    for word in KEYS:
        assert not re.search(rf"\b{re.escape(word)}", text), (name, word)
    for mark in MARKS:
        assert mark not in text, (name, mark)


def test_the_deck_tells_one_story_with_notes_and_timing(pack):
    deck = (pack / "deck.html").read_text(encoding="utf-8")
    order = re.findall(r'<section class="slide" id="([^"]+)"', deck)
    claims = [k for k in order if re.fullmatch(r"C\d+", k)]
    assert order[:3] == ["title", "guess", "read"]
    assert order[-4:] == ["takeaway", "monday", "summary", "close"]
    assert claims == [c for c in STORY if c in claims]  # meeting → ... → the laptop
    assert claims[-1] == "C1" and "C3" in claims  # the laptop scene measures both
    assert deck.count('<aside class="notes">') == len(order)
    assert deck.count('<div class="cue">') == len(order) and "minuut 65-72" in deck
    assert TEXT["nl"]["ws_takeaway_holds"] in deck or TEXT["nl"]["ws_takeaway_open"] in deck


def test_the_guide_plans_ninety_minutes_with_the_room_and_talking_points(pack):
    guide = (pack / "guide.html").read_text(encoding="utf-8")
    t = TEXT["nl"]
    for key in ("ws_prep_network", "ws_g_room1", "ws_g_room2_ask", "ws_g_break", "ws_tp_C1",
                "ws_against_body", "ws_notes_title"):  # fmt: skip
        assert t[key].split("{")[0][:40] in guide, key
    assert "82-90" in guide and t["ws_tp_C12"] not in guide  # talking points of measured claims
    deck = (pack / "deck.html").read_text(encoding="utf-8")
    slides = len(re.findall(r'<section class="slide"', deck))
    said = re.findall(r"dia(?:'s)? ([\d, ]+)", html.unescape(guide))
    shown = [int(n) for numbers in said for n in numbers.split(",")]
    assert shown and max(shown) <= slides  # no slide the pack cannot fill


def test_a_finished_pack_is_refused_without_overwrite(pack):
    from sim.cli import app

    before = (pack / "deck.html").stat().st_mtime_ns
    result = CliRunner().invoke(app, ["workshop", "--scenarios", "laptop", "--out", str(pack)])
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert (pack / "deck.html").stat().st_mtime_ns == before


def test_the_deck_navigates_forward_and_back_with_the_keyboard(pack):
    with chromium_page(pack / "deck.html", 1280, 720) as (page, errors):
        page.wait_for_function("() => location.hash === '#1.0'")

        def at(where: str) -> None:
            page.wait_for_function(f"() => location.hash === '{where}'", timeout=10_000)

        assert page.locator("html").get_attribute("lang") == "nl"
        n = page.evaluate("[...document.querySelectorAll('.slide')].findIndex(s => s.id == 'C1')")
        last = page.locator(".slide").count()
        page.goto(page.url.split("#")[0] + f"#{n + 1}.0")
        page.reload()
        at(f"#{n + 1}.0")  # C1's slide: its claim, nothing revealed yet
        c1 = page.locator("#C1")
        assert "current" in (c1.get_attribute("class") or "")
        question = c1.locator(".question")
        assert question.evaluate("e => getComputedStyle(e).visibility") == "hidden"
        page.keyboard.press("ArrowRight")
        at(f"#{n + 1}.1")
        assert question.evaluate("e => getComputedStyle(e).visibility") == "visible"
        page.keyboard.press("ArrowRight")
        at(f"#{n + 1}.2")  # the chart, drawn from the pack's run
        assert c1.locator(".main-svg").count() >= 1
        notes = c1.locator(".notes")
        assert not notes.is_visible()
        page.keyboard.press("n")
        notes.wait_for(state="visible")  # the speaker notes: the claim's talking point
        assert TEXT["nl"]["ws_tp_C1"][:40] in notes.inner_text()
        page.keyboard.press("n")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        at(f"#{n + 1}.0")
        page.keyboard.press("ArrowLeft")
        at(f"#{n}.{page.locator('.slide').nth(n - 1).locator('.step').count()}")
        page.keyboard.press("End")
        at(f"#{last}.0")
        page.keyboard.press("ArrowLeft")
        at(f"#{last - 1}.0")  # the summary: every measured claim with its verdict
        assert page.locator("#summary tr").count() == page.locator(".slide[id^=C]").count()
        page.keyboard.press("Home")
        at("#1.0")
        assert errors == []


@pytest.fixture(scope="module")
def room_folder(tmp_path_factory):
    """A room of three (a hostile name among them) that played two short rounds; one changed
    her habits in between."""
    import time

    from sim.app.room import Room

    folder = tmp_path_factory.mktemp("room")
    room = Room(folder, 2, 3, {"run.weeks": 26}, workers=1)
    people = {"a": {"name": "Ann", "product": "catering"},
              "b": {"name": "<script>Bo", "pitches": True},
              "c": {"name": "Cas", "product": "laptop", "one_to_ones": 0}}  # fmt: skip
    for key, data in people.items():
        assert room.enter(key, data) == ""
    deadline = time.monotonic() + 600
    for number, change in ((1, None), (2, {**people["c"], "one_to_ones": 8, "events": 1.0})):
        if change:
            assert room.enter("c", change) == ""
        assert room.start_round() == ""
        while len(room.rounds) < number or room.running:
            assert time.monotonic() < deadline, "the round did not finish"
            time.sleep(0.2)
        assert room.rounds[-1].status == "done", room.rounds[-1].error
    return folder


def test_a_room_becomes_a_slide_of_the_rebuilt_pack(pack, room_folder, tmp_path):
    from sim.cli import app

    copy = tmp_path / "pack"
    shutil.copytree(pack, copy)
    runs_before = (copy / "runs" / "hostile" / "manifest.json").read_bytes()
    result = CliRunner().invoke(
        app, ["workshop", "--lang", "nl", "--out", str(copy), "--room", str(room_folder)]
    )
    assert result.exit_code == 0, result.output
    assert (copy / "runs" / "hostile" / "manifest.json").read_bytes() == runs_before  # no run
    deck = (copy / "deck.html").read_text(encoding="utf-8")
    order = re.findall(r'<section class="slide" id="([^"]+)"', deck)
    assert order.index("room") == order.index("takeaway") - 1  # the room's rounds, then the answer
    room = deck[deck.index('id="room"') : deck.index('id="takeaway"')]
    assert (
        "Ann" in room and "Cas" in room and "<script>Bo" not in deck and "&lt;script&gt;Bo" in room
    )
    assert "Tussen de rondes veranderden 1 van de 3 deelnemers hun gewoonten" in room
    assert TEXT["nl"]["room_product_catering"] in room and TEXT["nl"]["room_product_laptop"] in room
    assert json.loads((copy / "pack.json").read_text())["room"] == str(room_folder)
    guide = (copy / "guide.html").read_text(encoding="utf-8")
    assert TEXT["nl"]["ws_room_title"] in guide  # its speaker notes, numbered
    with chromium_page(copy / "deck.html", 1280, 720) as (page, errors):
        page.goto(page.url.split("#")[0] + f"#{order.index('room') + 1}.0")
        page.reload()
        page.locator("#room .main-svg").first.wait_for()
        box = page.locator("#room .chart").bounding_box()
        assert box and box["y"] + box["height"] <= 720 and box["height"] > 150
        assert errors == []


def test_a_folder_that_is_not_a_room_is_one_line(pack, tmp_path):
    from sim.cli import app

    result = CliRunner().invoke(app, ["workshop", "--out", str(pack), "--room", str(tmp_path)])
    assert result.exit_code == 2 and "--room" in result.stderr and "Traceback" not in result.output
