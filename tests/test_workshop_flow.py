"""A whole workshop in Dutch, as a trainer runs it: a small Dutch pack, the deck opened, the room
started, twenty phones joining (names refused in plain Dutch, rapid saves, a reload), two rounds,
the projector's results on one screen, the pack rebuilt with the room's slide, no console
errors and no English on a Dutch page (claims C1, C2, C5, C10, C11 in the room; C1-C17 in the
deck)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from sim.report.i18n import TEXT
from sim.workshop.pack import build_pack
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("flow")]

PHONES = 20
# English words a Dutch page must not show (the pages' own words; names are the participants')
ENGLISH = ("Join", "Save my", "You sold", "Round ", "In the room", "units", "builders",
           "pitchers", "Start round", "histories", "between", "Remove")  # fmt: skip


def no_english(text: str, where: str) -> None:
    for word in ENGLISH:
        assert not re.search(rf"\b{re.escape(word)}", text), (where, word)


def phone(browser, url: str, errors: list[str]):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.get_by_role("button", name="Nederlands").click()
    return page


def join(page, name: str, pitches: bool = False) -> None:
    page.get_by_label("Uw voornaam").fill(name)
    if pitches:
        page.get_by_role("button", name="Ik pitch", exact=True).click()
    page.get_by_role("button", name="Meedoen").click()
    page.get_by_text(f"U doet mee als {name}.").wait_for(timeout=120_000)


def play_round(screen, number: int) -> None:
    screen.get_by_role("button", name=f"Start ronde {number}").click()
    screen.get_by_text(f"Ronde {number} klaar").wait_for(timeout=600_000)


def test_a_whole_workshop_in_dutch(tmp_path):
    from playwright.sync_api import sync_playwright

    from sim.app.server import running
    from sim.cli import app as cli

    pack = tmp_path / "pack"
    build_pack(pack, "nl", {"run.weeks": 26}, replications=2, workers=1, names=["laptop"])
    out = tmp_path / "room"
    args = ["--replications", "2", "--set", "run.weeks=26", "--out", str(out), "--key", "K"]
    errors: list[str] = []
    with running("room", *args) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            deck = browser.new_page(viewport={"width": 1280, "height": 720})
            deck.on("pageerror", lambda e: errors.append(str(e)))
            deck.goto(pack.joinpath("deck.html").resolve().as_uri())
            deck.keyboard.press("ArrowRight")
            deck.wait_for_function("() => location.hash === '#2.0'")  # the guess
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda e: errors.append(str(e)))
            screen.goto(url + "screen?key=K")
            screen.get_by_role("button", name="Nederlands").click()
            phones = [phone(browser, url, errors) for _ in range(PHONES)]
            first = phones[0]
            first.get_by_label("Uw voornaam").fill("A" * 31)  # refused in plain Dutch
            first.get_by_role("button", name="Meedoen").click()
            first.get_by_text(TEXT["nl"]["room_error_name_long"]).wait_for(timeout=60_000)
            for i, page in enumerate(phones):
                join(page, f"Deelnemer {i + 1:02d} van der Berghe", pitches=i % 4 == 0)
            screen.get_by_text(f"In de zaal ({PHONES})").wait_for(timeout=120_000)
            play_round(screen, 1)
            rapid = phones[1]  # rapid saves: the last one counts
            slider = rapid.get_by_role("slider").nth(1)
            for k in range(10):
                slider.focus()
                rapid.keyboard.press("End" if k % 2 == 0 else "Home")
                rapid.get_by_role("button", name="Bewaar mijn gewoonten").click()
            slider.focus()
            rapid.keyboard.press("End")
            rapid.get_by_role("button", name="Bewaar mijn gewoonten").click()
            rapid.get_by_text(TEXT["nl"]["room_saved"]).wait_for(timeout=60_000)
            phones[2].reload()  # a reload keeps the entry
            phones[2].get_by_role("button", name="Nederlands").click()
            phones[2].get_by_text("U doet mee als Deelnemer 03").wait_for(timeout=60_000)
            play_round(screen, 2)
            for page in phones[:3]:
                page.get_by_text("Ronde 2: u verkocht").wait_for(timeout=120_000)
                no_english(page.inner_text("body"), "phone")
            results = screen.locator(".room-results")
            results.wait_for(timeout=60_000)
            box = results.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 721, box
            assert screen.evaluate("() => document.scrollingElement.scrollHeight") <= 721
            no_english(screen.inner_text("body"), "projector")
        finally:
            browser.close()
    saved = json.loads((out / "room.json").read_text(encoding="utf-8"))
    assert saved["participants"][1]["one_to_ones"] == 8  # the last of the rapid saves
    result = CliRunner().invoke(
        cli, ["workshop", "--lang", "nl", "--out", str(pack), "--room", str(out)]
    )
    assert result.exit_code == 0, result.output
    rebuilt = (pack / "deck.html").read_text(encoding="utf-8")
    assert 'id="room"' in rebuilt and "Deelnemer 20 van der Berghe" in rebuilt
    assert errors == []
