"""The room (make room) in Debian's chromium (claims C1, C2, C5, C10, C11 are what it shows):
nothing covers a phone's Join button (Solara's banner is off) and the page is no wider than the
phone; a hundred quick saves from one phone keep the last; three participants join from three
browser contexts (a mistake in Dutch is a Dutch sentence), the facilitator removes a fourth,
runs a round, each phone shows its own result in words, the projector's results fit its screen
at 1280x720 and 1920x1080 with no folder on it, the room empties after a confirmation, and no
page logs an error. No fixed waits: every wait is for something on the page."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("room")]


def browser(p):
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def phone(browser_, url: str, errors: list[str], width: int = 390, height: int = 844):
    page = browser_.new_context(viewport={"width": width, "height": height}).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page


ON_TOP = """label => {
    const b = [...document.querySelectorAll('button')].find(e => e.textContent.trim() === label);
    if (!b) return false;
    const r = b.getBoundingClientRect();
    if (r.bottom > innerHeight || r.right > innerWidth || r.top < 0 || r.left < 0) return false;
    const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return b === e || b.contains(e);
}"""


def test_nothing_covers_the_join_button_on_a_phone(tmp_path):
    """Solara's banner is off: the element at the Join button's centre is the button, at
    360x640 and 390x844, and the page is no wider than the phone."""
    from playwright.sync_api import sync_playwright

    from sim.app.server import running

    args = ["--replications", "1", "--out", str(tmp_path / "room"), "--key", "K"]
    errors: list[str] = []
    with running("room", *args) as url, sync_playwright() as p:
        chromium = browser(p)
        try:
            for width, height in ((360, 640), (390, 844)):
                page = phone(chromium, url, errors, width, height)
                join = page.get_by_role("button", name="Join")
                page.wait_for_function("() => !document.querySelector('#loader-container')")
                join.scroll_into_view_if_needed()
                try:  # once the page has settled, the button is what is at its centre
                    page.wait_for_function(ON_TOP, arg="Join", timeout=10_000)
                except Exception:  # noqa: BLE001
                    pytest.fail(f"something covers Join at {width}x{height}")
                assert page.get_by_text("runs on Solara").count() == 0
                join.click(timeout=10_000)  # no name yet: a plain sentence
                page.get_by_text("Choose a first name, please.").wait_for(timeout=30_000)
                wide = page.evaluate("() => document.scrollingElement.scrollWidth")
                assert wide <= width, f"the page is {wide} px wide on a {width} px phone"
        finally:
            chromium.close()
    assert errors == []


def entry(out) -> dict:
    """The one participant's entry as the server saved it."""
    return json.loads((out / "room.json").read_text())["participants"][0]


def test_a_hundred_quick_saves_from_one_phone_keep_the_last(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from sim.app.server import running

    out = tmp_path / "room"
    errors: list[str] = []
    with running("room", "--out", str(out), "--key", "K") as url, sync_playwright() as p:
        chromium = browser(p)
        try:
            page = phone(chromium, url, errors)
            name = page.get_by_label("Your first name")
            name.fill("Ann")
            page.get_by_role("button", name="Join").click()
            page.get_by_text("You are in as Ann.").wait_for(timeout=30_000)
            save = page.get_by_role("button", name="Save my habits")
            said = page.get_by_text("Saved: your habits count from the next round.")
            slider = page.get_by_role("slider").nth(1)  # one-to-ones a month
            for i in range(30):  # each save is the one applied, however soon after an edit
                slider.focus()
                page.keyboard.press("End" if i % 2 else "Home")
                expect(said).to_be_hidden()  # the edit is in: not saved yet
                save.click()
                said.wait_for()
                assert entry(out)["one_to_ones"] == (8 if i % 2 else 0), i
            for i in range(70):  # quicker than the page answers
                name.fill(f"Ann{i}")
                if i == 69:
                    page.get_by_role("button", name="I pitch", exact=True).click()
                save.click()
            # A busy server may get the last keystrokes after the click (the browser sends a
            # field's changes one at a time, a click at once): the phone then says so, and one
            # more press saves them. Either way the server ends with what the phone shows.
            unsaved = page.get_by_text("Not saved yet")
            shown = page.get_by_text("You are in as Ann69.")
            expect(shown.or_(unsaved)).to_be_visible(timeout=30_000)
            if unsaved.is_visible():
                save.click()
            try:
                shown.wait_for(timeout=30_000)
            except Exception:  # noqa: BLE001 - say what the server kept
                pytest.fail(f"the server kept {entry(out)}, the phone shows {name.input_value()}")
            said.wait_for()
            assert name.input_value() == "Ann69"
        finally:
            chromium.close()
    assert (entry(out)["name"], entry(out)["pitches"], entry(out)["one_to_ones"]) == (
        "Ann69",
        True,
        8,
    )
    assert errors == []


def test_three_phones_a_round_and_the_projector(tmp_path):
    from playwright.sync_api import sync_playwright

    from sim.app.server import running

    names = ["Ann", "<b>Bob</b>", "Chantal van der Berghe-Smit"]
    out = tmp_path / "room"
    args = ["--replications", "2", "--set", "run.weeks=26", "--out", str(out), "--key", "K"]
    args += ["--workers", "1"]  # a tiny round runs faster in the server's own process
    errors: list[str] = []
    with running("room", *args) as url, sync_playwright() as p:
        chromium = browser(p)
        try:
            phones = [join(chromium, url, errors, name, i) for i, name in enumerate(names)]
            extra = join(chromium, url, errors, "Zed", 3)
            screen = phone(chromium, url + "screen?key=wrong", errors, 1280, 720)
            screen.get_by_text("This page is the facilitator's").wait_for(timeout=60_000)
            screen.goto(url + "screen?key=K")
            screen.get_by_text("In the room (4)").wait_for(timeout=60_000)
            screen.get_by_role("button", name="Remove Zed").click()
            screen.get_by_text("In the room (3)").wait_for(timeout=30_000)
            people = screen.locator(".netsim-person").all_inner_texts()
            assert [n.splitlines()[0] for n in people] == names  # in full, as text
            extra.get_by_role("button", name="Join").wait_for()  # Zed's phone may join again
            screen.get_by_role("button", name="Start round 1").click()
            screen.get_by_text("Round 1 done").wait_for(timeout=300_000)
            for page, name in zip(phones, names, strict=True):
                page.get_by_text("Round 1: you sold").wait_for(timeout=60_000)
                assert page.get_by_text(f"You are in as {name}").count() == 1
                assert page.locator("b", has_text="Bob").count() == 0  # typed text stays text
            screen.wait_for_function(
                "() => document.querySelectorAll('.netsim-chart[data-drawn]').length === 1",
                timeout=60_000,
            )
            assert screen.get_by_text("saved in").count() == 0  # no folder on the screen
            for width, height in ((1280, 720), (1920, 1080)):
                screen.set_viewport_size({"width": width, "height": height})
                fits_the_screen(screen, width, height)
            empty_the_room(screen)
        finally:
            chromium.close()
    kept = list(out.glob("before-reset-*"))
    assert len(kept) == 1 and (kept[0] / "round-1" / "report.html").is_file()
    saved = json.loads((out / "room.json").read_text())
    assert saved["participants"] == saved["rounds"] == []
    assert errors == []


def join(chromium, url: str, errors: list[str], name: str, i: int):
    page = phone(chromium, url, errors)
    if i == 0:  # in Dutch, a mistake is a Dutch sentence
        page.get_by_role("button", name="Nederlands").click()
        page.get_by_label("Uw voornaam").fill("A" * 31)
        page.get_by_role("button", name="Meedoen").click()
        page.get_by_text("Kies een voornaam van hoogstens 30 tekens.").wait_for(timeout=60_000)
        page.get_by_role("button", name="English").click()
    page.get_by_label("Your first name").fill(name)
    if i == 1:
        page.get_by_role("button", name="I pitch", exact=True).click()
    page.get_by_role("button", name="Join").click()
    page.get_by_text(f"You are in as {name}").wait_for(timeout=60_000)
    return page


def fits_the_screen(screen, width: int, height: int) -> None:
    """The results and every row of them lie within the viewport: nothing to scroll."""
    screen.wait_for_function(  # the new size, the page's styles applied, the loader gone
        f"""() => window.innerWidth === {width} && !document.querySelector('#loader-container')
            && getComputedStyle(document.querySelector('.room-results')).containerType === 'size'"""
    )
    boxes = [screen.locator(".room-results").bounding_box()]
    boxes += [row.bounding_box() for row in screen.locator(".room-row").all()]
    assert len(boxes) == 4
    for box in boxes:
        assert box["height"] > 0 and box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1, box
    assert screen.evaluate("() => document.scrollingElement.scrollHeight") <= height + 1


def empty_the_room(screen) -> None:
    from playwright.sync_api import expect

    empty = screen.get_by_role("button", name="Empty the room", exact=True)
    yes = screen.get_by_role("button", name="Yes, empty the room")
    empty.click()
    expect(yes).to_be_visible()  # asked first
    screen.get_by_role("button", name="Cancel").click()
    expect(yes).to_be_hidden()  # nothing happened
    assert screen.get_by_text("In the room (3)").count() == 1
    empty.click()
    yes.click()
    screen.get_by_text("In the room (0)").wait_for(timeout=30_000)
