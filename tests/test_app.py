"""The live app (make app): its sliders map onto the scenario (untouched sliders = the base), the
strategy mix, bad values answered in one line, hostile text escaped in its charts, and in
Debian's chromium: it starts offline, steps, a slider change restarts the run and redraws the
charts, play advances, the language switch. For a Dutch room: scenarios and groups by
their display names in every chart, the units axis scaled to the data with C1's marks still
shown, sliders that offer only what the scenario accepts and a refusal that keeps the charts and
names the slider in a plain sentence, a legible network (C1, C5, C10)."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from sim.app import charts
from sim.app.live import (
    MIX,
    SLIDERS,
    LiveRun,
    base_scenario,
    base_values,
    defaults,
    lead_strategy,
    offered,
    overrides,
    ranges,
    refusal,
    scenarios,
    slider_label,
    start,
    titles,
)
from sim.model.strategies import STRATEGIES
from sim.report.i18n import TEXT
from sim.scenario import load_scenario
from tests.conftest import chromium_page

pytestmark = pytest.mark.xdist_group("app")


@pytest.mark.parametrize("name", scenarios())
def test_untouched_sliders_give_the_scenarios_base_and_sit_within_their_ranges(name):
    base = load_scenario(name)
    settings = defaults(name)
    assert overrides(base, settings) == {}
    assert load_scenario(name, overrides(base, settings)).params == base.params
    ends = {s.key: (s.low, s.high) for s in SLIDERS}
    moved = {k: ends[k][v != ends[k][1]] for k, v in settings.items()}  # each reaches the model
    assert base_values(load_scenario(name, overrides(base, moved))) == pytest.approx(moved)
    for s in SLIDERS:
        if s.key in settings:
            assert s.low <= settings[s.key] <= s.high, (name, s.key, settings[s.key])
    live, problem = start(name, settings, seed=1)
    assert problem == "" and live.week == 0
    live.step(2)
    assert live.week == 2 and live.tables()["steps"]["step"].max() == 1


def test_the_mix_sets_the_share_who_pitch_keeping_each_sides_proportions():
    base = load_scenario("four_sellers")
    live = LiveRun("four_sellers", defaults("four_sellers") | {MIX: 0.35}, seed=3)
    groups = [g for g in live.scenario.params.scene.groups if g.share is not None]
    pitch = [g.share for g in groups if STRATEGIES[g.strategy].classifier.pitches != "never"]
    assert sum(g.share for g in groups) == 1.0
    assert sum(pitch) == pytest.approx(0.35)
    more = LiveRun("four_sellers", defaults("four_sellers") | {MIX: 0.8}, seed=3)
    count = {
        run: run.tables()["agents"].filter(pl.col("strategy") == "direct").height
        for run in (live, more)
    }
    assert count[more] > count[live]  # more members pitch in the room
    assert base.params.scene.members == more.scenario.params.scene.members


def test_trait_sliders_set_the_lead_groups_strategy():
    salesman = load_scenario("salesman")
    lead = lead_strategy(salesman)
    first = salesman.contrast[0]  # the group the scenario expects to do better
    assert lead == next(g.strategy for g in salesman.params.scene.groups if g.name == first)
    key = "strategies.{strategy}.listening"
    live = LiveRun("salesman", defaults("salesman") | {key: 0.35}, seed=1)
    assert live.scenario.params.strategies[lead]["listening"] == 0.35


def test_a_value_the_scenario_cannot_take_is_one_line_not_a_crash():
    live, problem = start("laptop", defaults("laptop") | {"memory.half_life_weeks": 0}, seed=1)
    assert live is None
    assert "memory.half_life_weeks" in problem and "\n" not in problem
    said = refusal("laptop", "memory.half_life_weeks", 0, "nl")  # what the audience reads
    assert "Halfwaardetijd van het geheugen" in said and "memory." not in said


DOTTED = re.compile(r"[A-Za-z_]+\.[A-Za-z_{]|--set|[{}_]")  # a key, a command, a placeholder


def test_open_coffee_offers_only_the_weeks_between_events_its_circuit_allows():
    """open_coffee's members visit 3 events a month: 1 or 2 weeks between events is refused
    by the model, so the slider starts at 3; were it asked, the answer is a plain sentence."""
    key = "events.interval_weeks"
    assert ranges("open_coffee")[key] == (3, 8) and ranges("laptop")[key] == (1, 8)
    live, problem = start("open_coffee", defaults("open_coffee") | {key: 1}, seed=1)
    assert live is None and problem
    for lang, label in (("en", "Weeks between events"), ("nl", "Weken tussen bijeenkomsten")):
        said = refusal("open_coffee", key, 1, lang)
        assert label in said and not DOTTED.search(said), said


@pytest.mark.parametrize("name", scenarios())
def test_every_slider_at_its_ends_is_accepted_or_named_in_a_plain_sentence(name):
    """Each offered slider at the ends the app offers starts a run; at the slider's own ends
    (wider where the scenario narrows it) the app either runs or names the slider in one plain
    sentence in both languages (no dotted key, no command)."""
    base, allowed = defaults(name), ranges(name)
    for s in offered(base_scenario(name)):
        low, high = allowed[s.key]
        assert low <= base[s.key] <= high
        for value in (low, high):
            live, problem = start(name, base | {s.key: value}, seed=1)
            assert problem == "" and live is not None, (name, s.key, value, problem)
        for value in (s.low, s.high):
            live, problem = start(name, base | {s.key: value}, seed=1)
            if live is None:
                assert not low <= value <= high, (name, s.key, value)
                for lang in ("en", "nl"):
                    said = refusal(name, s.key, value, lang)
                    assert slider_label(s, name, lang) in said and not DOTTED.search(said)


def test_the_picker_and_the_slider_labels_use_display_names():
    for lang in ("en", "nl"):
        shown = titles(scenarios(), lang)
        assert len(set(shown.values())) == len(shown)
        assert all(shown[n].startswith(base_scenario(n).title(lang)) for n in shown)
    laptop = base_scenario("laptop")
    lead = laptop.group_names("nl")[laptop.contrast[0]]
    listening = next(s for s in SLIDERS if s.label == "app_listening")
    assert slider_label(listening, "laptop", "nl") == f"Luisteren ({lead})"


def visible_text(figure: dict) -> list[str]:
    """Every string of a chart an audience can read: names, labels, hover texts, notes."""
    out = [a["text"] for a in figure["layout"].get("annotations", [])]
    for trace in figure["data"]:
        out += [trace.get("name", ""), trace.get("hovertemplate", "")]
        out += [x for x in trace.get("x", []) if isinstance(x, str)] + trace.get("text", [])
    return out


@pytest.mark.parametrize("name", scenarios())
def test_every_chart_names_the_groups_as_the_audience_reads_them(name):
    live = LiveRun(name, defaults(name), seed=1)
    live.step(8)
    tables, scn = live.tables(), live.scenario
    focal = [g.name for g in scn.params.scene.groups if g.focal]
    for lang in ("en", "nl"):
        names = scn.group_names(lang)
        figures = [
            charts.units(tables, live.weeks, scn.contrast, lang, names),
            charts.sources(tables, lang, names),
            charts.network(tables, lang, names),
        ]
        assert [d["name"] for d in figures[0]["data"]] == [names[g] for g in focal]
        bars = figures[1]["data"][0]["x"]
        assert [b.replace("<br>", " ") for b in bars] == [names[g] for g in focal]
        legend = {d["name"] for d in figures[2]["data"]}
        assert legend >= {names[g] for g in focal} | {TEXT[lang]["app_other_members"]}
        member = next(d for d in figures[2]["data"] if d["name"] == names[focal[0]])
        assert member["text"][0].startswith(f"{names[focal[0]]} (")
        if lang == "nl":  # no group key anywhere (English words: safe to look for in Dutch)
            text = " ".join(t for f in figures for t in visible_text(f)).lower()
            keys = {g.name.lower() for g in scn.params.scene.groups}
            assert not [k for k in keys if k in text], (name, text[:300])


def steps_reaching(top: float) -> dict[str, pl.DataFrame]:
    """A steps table in which the builders reach `top` units per member and the pitchers 0.5."""
    rows = [
        {"step": w, "group": g, "strategy": s, "units_cum_per_seller": end * w / 99}
        for g, s, end in (("pitchers", "direct", 0.5), ("builders", "relationship", top))
        for w in range(100)
    ]
    return {"steps": pl.DataFrame(rows)}


def test_the_units_axis_follows_the_data_and_keeps_the_claims_marks_in_sight():
    """C1's 50 and 1: a dashed line within 1.5 times the data, else named with an arrow over
    the plot's top edge; the y axis runs to the data (and the lines drawn), not to 50."""
    names = {"pitchers": "Winkeliers die meteen verkopen", "builders": "Relatiebouwers"}
    low = charts.units(steps_reaching(15.0), 260, ["builders", "pitchers"], "nl", names)
    layout = low["layout"]
    assert layout["yaxis"]["range"][1] == pytest.approx(16.5)  # the data, not the claim's 50
    assert [s["y0"] for s in layout["shapes"]] == [1] and layout["shapes"][0]["line"]["dash"]
    arrow = next(a for a in layout["annotations"] if "↑" in a["text"])
    assert arrow["yref"] == "paper" and arrow["y"] == 1 and arrow["yanchor"] == "bottom"
    assert "50 voor Relatiebouwers" in arrow["text"] and layout["margin"]["t"] > 50
    near = charts.units(steps_reaching(40.0), 260, ["builders", "pitchers"], "nl", names)
    assert sorted(s["y0"] for s in near["layout"]["shapes"]) == [1, 50]
    assert near["layout"]["yaxis"]["range"][1] == pytest.approx(55.0)
    assert not any("↑" in a["text"] for a in near["layout"]["annotations"])
    other = charts.units(steps_reaching(15.0), 104, ["builders", "pitchers"], "nl", names)
    assert other["layout"]["shapes"] == [] and other["layout"]["annotations"] == []  # 2 years
    for lang in ("en", "nl"):
        assert "C1" in TEXT[lang]["app_marks"] and not DOTTED.search(
            TEXT[lang]["app_marks"].format(marks="")
        )


def test_a_refused_setting_keeps_the_last_runs_charts_and_names_the_slider():
    """The page itself (rendered in Python): with the model refusing a setting the four charts
    stay, and the sentence beside the slider says which one."""
    import ipyvuetify as v
    import solara

    from sim.app import page
    from sim.app.plotly_view import PlotlyView

    _, rc = solara.render(page.Page(), handle_error=False)
    try:
        page.choose("open_coffee")
        figures = [w.figure for w in rc.find(PlotlyView).widgets]
        page.move("events.interval_weeks", 1)  # as if the slider could go there
        assert [w.figure for w in rc.find(PlotlyView).widgets] == figures  # the same run's
        notes = [
            w.children[0] for w in rc.find(v.Html).widgets if "netsim-error" in (w.class_ or "")
        ]
        assert len(notes) == 1 and "Weeks between events" in notes[0]
        assert not DOTTED.search(notes[0])
        page.move("events.interval_weeks", 4)
        assert not [w for w in rc.find(v.Html).widgets if "netsim-error" in (w.class_ or "")]
    finally:
        page.choose(page.FIRST)
        rc.close()


def test_charts_escape_the_scenarios_text():
    live = LiveRun("laptop", defaults("laptop"), seed=2)
    live.step(30)
    hostile = "<img src=x onerror=alert(1)>"
    tables = {
        name: df.with_columns(pl.lit(hostile).alias("group")) if "group" in df.columns else df
        for name, df in live.tables().items()
    }
    figures = [
        charts.units(tables, live.weeks, [hostile, "b"], "en"),
        charts.sources(tables, "en"),
        charts.memory_trust(tables, "nl"),
        charts.network(tables, "en"),
    ]
    text = json.dumps(figures)
    assert "<img" not in text and "&lt;img" in text
    assert figures[2]["layout"]["separators"] == ",."


# --- in a real browser --------------------------------------------------------------------------
@pytest.mark.browser
def test_the_app_starts_offline_steps_and_a_slider_change_redraws_the_charts():
    from sim.app.server import running

    with running("app") as url, chromium_page(url, 1400, 1000) as (page, errors):
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url),
        )
        page.wait_for_function(
            "() => document.querySelectorAll('.netsim-chart[data-drawn]').length === 4",
            timeout=120_000,
        )

        def drawn() -> list[int]:
            return page.eval_on_selector_all(
                ".netsim-chart", "els => els.map(e => +e.dataset.drawn)"
            )

        def week_is(n: int) -> None:
            page.wait_for_function(
                # (the week's line is redrawn now and then: absent for a moment, not an error)
                f"() => document.querySelector('.netsim-week')?.innerText.startsWith('Week {n} ')",
                timeout=60_000,
            )

        week_is(0)
        for _ in range(3):
            page.get_by_role("button", name="Step a week").click()
        week_is(3)
        before = drawn()

        # A slider moved with the keyboard, as a user would: the run starts again with it.
        lifetime = page.locator("[role=slider]").nth(3)
        assert lifetime.get_attribute("aria-valuenow") == "260"
        lifetime.focus()
        lifetime.press("ArrowRight")
        page.get_by_text("Product lifetime (weeks): 264").wait_for(timeout=60_000)
        week_is(0)
        page.wait_for_function(
            f"() => +document.querySelector('.netsim-chart')?.dataset.drawn > {before[0]}",
            timeout=60_000,
        )

        page.get_by_role("button", name="Play").click()
        page.wait_for_function(
            "() => +document.querySelector('.netsim-week')?.innerText.split(' ')[1] >= 10",
            timeout=120_000,
        )
        page.get_by_role("button", name="Pause").click()
        # the restart and the weeks played redrew the units chart (a busy browser may draw
        # several weeks at once, so no count of frames is asserted)
        page.wait_for_function(
            f"() => +document.querySelector('.netsim-chart')?.dataset.drawn >= {before[0] + 2}",
            timeout=60_000,
        )
        assert min(drawn()) >= 1

        page.get_by_role("button", name="Nederlands", exact=True).click()
        page.get_by_text("Aandeel van de rest van de zaal dat pitcht: 0,20").wait_for(
            timeout=60_000
        )
        page.wait_for_function(  # the week line follows the language (it may redraw later)
            "() => / van 260$/.test(document.querySelector('.netsim-week')?.innerText ?? '')",
            timeout=60_000,
        )
        assert errors == [] and outside == []


@pytest.mark.browser
def test_in_dutch_the_charts_show_display_names_and_open_coffee_keeps_its_charts():
    """In chromium, in Dutch: the picker shows scenario titles, no chart shows a group key, the
    network says what a line means; open_coffee's weeks between events stop at 3, where the
    charts stay and no refusal is shown (C1, C5, C10)."""
    from playwright.sync_api import expect

    from sim.app.server import running

    laptop, coffee = base_scenario("laptop"), base_scenario("open_coffee")
    with running("app") as url, chromium_page(url, 1280, 720) as (page, errors):
        four = "() => document.querySelectorAll('.netsim-chart[data-drawn]').length === 4"
        page.wait_for_function(four, timeout=120_000)
        page.get_by_role("button", name="Nederlands", exact=True).click()
        page.get_by_text("Week 0 van 260").wait_for(timeout=60_000)
        for _ in range(3):
            page.get_by_role("button", name="Eén week verder").click()
        page.get_by_text("Week 3 van 260").wait_for(timeout=60_000)
        expect_texts(page, laptop)
        assert page.locator(".v-select").first.inner_text().endswith(laptop.title("nl"))
        page.get_by_text("Een lijn verbindt twee leden").wait_for(timeout=60_000)

        page.locator(".v-select").first.click()
        page.locator(".v-overlay .v-list-item", has_text=coffee.title("nl")).click()
        page.get_by_text("In dit scenario van 3 tot 8").wait_for(timeout=60_000)
        interval = page.locator("[role=slider]").nth(1)
        expect(interval).to_have_attribute("aria-valuemin", "3", timeout=60_000)
        interval.focus()
        interval.press("Home")
        page.get_by_text("Weken tussen bijeenkomsten: 3").wait_for(timeout=60_000)
        page.get_by_role("button", name="Eén week verder").click()
        page.get_by_text("Week 1 van 260").wait_for(timeout=60_000)
        page.wait_for_function(four, timeout=60_000)
        expect_texts(page, coffee)
        assert page.locator(".netsim-error").count() == 0
        assert errors == []


def expect_texts(page, scn) -> None:
    """The charts' text (legends, labels, notes) holds the Dutch display name of the scenario's
    first focal group and none of its group keys."""
    shown = scn.group_names("nl")[next(g.name for g in scn.params.scene.groups if g.focal)]
    page.wait_for_function(
        "name => [...document.querySelectorAll('.netsim-chart')]"
        ".some(c => c.textContent.includes(name))",
        arg=shown, timeout=60_000,
    )  # fmt: skip
    text = " ".join(
        page.eval_on_selector_all(".netsim-chart", "els => els.map(e => e.textContent)")
    )
    keys = [g.name for g in scn.params.scene.groups if g.name.lower() in text.lower()]
    assert keys == [], (keys, text[:400])
