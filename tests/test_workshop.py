"""The workshop pack (make workshop): its scenarios answer every claim, a small pack is built
whole (runs, deck, handouts and guide as PDF, pack.json), the deck navigates with the keyboard
in Debian's chromium, scenario text is escaped, a finished pack is never overwritten unasked
(issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.report.i18n import LANGUAGES, TEXT
from sim.scenario import load_scenario
from sim.workshop.content import CLAIMS, PACK
from sim.workshop.pack import build_pack
from tests.conftest import chromium_page

pytestmark = pytest.mark.xdist_group("workshop")
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


def test_a_small_pack_is_written_whole(pack):
    for name in ("deck.html", "handouts.html", "guide.html", "pack.json"):
        assert (pack / name).is_file()
    for name in ("handouts.pdf", "guide.pdf"):
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
    assert "<script>alert(" not in deck and "&lt;script&gt;alert(" in deck
    assert TEXT["nl"]["ws_not_measured"] in deck  # C12 is bni's: not in this pack, and said so
    guide = (pack / "guide.html").read_text(encoding="utf-8")
    assert TEXT["nl"]["ws_guide_title"] in guide and "<script>alert(" not in guide


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
        page.keyboard.press("ArrowRight")
        page.keyboard.press(" ")
        at("#3.0")  # C1's slide: its claim, nothing revealed yet
        c1 = page.locator("#C1")
        assert "current" in (c1.get_attribute("class") or "")
        question = c1.locator(".question")
        assert question.evaluate("e => getComputedStyle(e).visibility") == "hidden"
        page.keyboard.press("ArrowRight")
        at("#3.1")
        assert question.evaluate("e => getComputedStyle(e).visibility") == "visible"
        page.keyboard.press("ArrowRight")
        at("#3.2")  # the chart, drawn from the pack's run
        assert c1.locator(".main-svg").count() >= 1
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        at("#3.0")
        page.keyboard.press("ArrowLeft")
        at("#2.0")
        page.keyboard.press("End")
        at(f"#{len(CLAIMS) + 4}.0")
        page.keyboard.press("ArrowLeft")
        at(f"#{len(CLAIMS) + 3}.0")  # the summary: every claim with its verdict
        assert page.locator("#summary tr").count() == len(CLAIMS)
        page.keyboard.press("Home")
        at("#1.0")
        assert errors == []
