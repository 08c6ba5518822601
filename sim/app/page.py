"""`make app`: the live app (Solara). Pick a scenario, move the sliders, play five years.

A trainer's view of the model: sliders for the habits and circumstances a room talks about
(sim/app/live.py: SLIDERS), a scenario picker, a seed, play / step / reset, Dutch or English,
and four live charts in the report's style (sim/app/charts.py). Scenarios and groups are shown
by the names an audience reads (sim/display.py), in the chosen language. Each slider offers only
the values the scenario accepts (live.ranges); a combination the model still refuses keeps the
last run it allowed on screen, with one plain sentence beside the slider that caused it. Any
change of a setting starts the run again from week 0 with that setting. Every browser tab has
its own run (Solara's reactive variables live per connection; the run itself in the page's
memo). Served by sim/app/server.py. Claims: C1, C2, C3, C4, C5, C10 (see the charts).
"""

from __future__ import annotations

import asyncio
import time

import solara

from sim.app import charts
from sim.app.live import (
    SLIDERS,
    LiveRun,
    defaults,
    ranges,
    refusal,
    scenarios,
    shown_value,
    slider_label,
    start,
    titles,
)
from sim.app.notes import Note
from sim.app.plotly_view import PlotlyView
from sim.report.i18n import LANGUAGES, TEXT, number

FRAME_SECONDS = 0.05  # when playing, a week per frame and a frame every 0.05 s at most
FIRST = "laptop"
SCENARIOS = scenarios()  # read once: the files do not change while the app serves

scenario = solara.reactive(FIRST)
lang = solara.reactive("en")
seed = solara.reactive(1)
settings = solara.reactive(defaults(FIRST))
moved = solara.reactive(None)  # the key of the slider moved last (a refusal is told beside it)
playing = solara.reactive(False)
frame = solara.reactive(0)  # bumped after every step: the charts redraw
generation = solara.reactive(0)  # bumped by Reset: a new run with the same settings
STYLE = """
.netsim-week { font-size: 1.4rem; font-weight: 600; }
.netsim-caption { font-size: 0.95rem; color: #444; display: block; margin: 2px 8px 10px; }
div[style*="right: 0px; bottom: 0px; padding: 10px"] { display: none; }
"""  # (the last rule: Solara's banner, which would cover the network chart's corner)


def choose(name: str) -> None:
    scenario.value, settings.value, playing.value, moved.value = name, defaults(name), False, None


def pick(title: str) -> None:
    """The scenario picked by its title (in any language); the same one again changes nothing
    (the picker may repeat its value when the language changes)."""
    known = {t: name for code in LANGUAGES for name, t in titles(SCENARIOS, code).items()}
    name = known.get(title, scenario.value)
    if name != scenario.value:
        choose(name)


def move(key: str, value) -> None:
    settings.value, moved.value = {**settings.value, key: value}, key


def step(live: LiveRun | None) -> None:
    if live is not None and not live.done:
        live.step()
        frame.value += 1
    else:
        playing.value = False


@solara.component
def Slider(s, low, high, refused: str):
    """One slider within the values the scenario accepts; the sentence of a refusal under it."""
    value, whole = settings.value[s.key], s.whole
    label = slider_label(s, scenario.value, lang.value)
    solara.Text(f"{label}: {shown_value(s, value, lang.value)}")
    if whole:
        solara.SliderInt(
            "", value=int(value), min=int(low), max=int(high), step=int(s.step),
            on_value=lambda v: move(s.key, v),
        )  # fmt: skip
    else:
        solara.SliderFloat(
            "", value=float(value), min=low, max=high, step=s.step,
            on_value=lambda v: move(s.key, v), thumb_label=False,
        )  # fmt: skip
    if (low, high) != (s.low, s.high):  # narrowed to what the scenario accepts: say so
        ends = {k: shown_value(s, v, lang.value) for k, v in (("low", low), ("high", high))}
        solara.Text(TEXT[lang.value]["app_range"].format(**ends), classes=["netsim-caption"])
    if refused:
        Note(refused, "error")


@solara.component
def Controls(live: LiveRun | None, refused: str):
    t, names = TEXT[lang.value], titles(SCENARIOS, lang.value)
    with solara.ToggleButtonsSingle(value=lang):
        for code in LANGUAGES:
            solara.Button(TEXT[code]["app_language_name"], value=code)
    solara.Select(
        t["app_scenario"], values=list(names.values()), value=names[scenario.value],
        on_value=pick,
    )  # fmt: skip
    solara.InputInt(t["app_seed"], value=seed)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        label = t["app_pause"] if playing.value else t["app_play"]
        solara.Button(label, on_click=lambda: playing.set(not playing.value), color="primary")
        solara.Button(t["app_step"], on_click=lambda: step(live))
        solara.Button(t["app_reset"], on_click=lambda: generation.set(generation.value + 1))
    allowed = ranges(scenario.value)
    for s in SLIDERS:
        if s.key in settings.value:  # the sliders the scenario offers
            Slider(s, *allowed[s.key], refused if s.key == moved.value else "")


@solara.component
def Charts(live: LiveRun | None, refused: str):
    """The four charts of the run shown (the last the model allowed), groups by their names."""
    t = TEXT[lang.value]
    _ = frame.value  # redraw after every step
    if refused and moved.value not in settings.value:  # not a slider's: said above the charts
        Note(refused, "error")
    if live is None:
        return
    tables, names = live.tables(), live.scenario.group_names(lang.value)
    solara.Text(t["app_week"].format(week=live.week, weeks=live.weeks), classes=["netsim-week"])
    contrast = live.scenario.contrast if "C1" in live.scenario.claims else None
    marks = charts.claim_marks(contrast, live.weeks, None)
    said = ", ".join(t["app_mark_for"].format(value=v, name=names.get(g, g)) for g, _, v in marks)
    level = number(charts.REFERS, lang.value, 1)
    with solara.ColumnsResponsive(12, large=6):
        with solara.Column(gap="0px"):
            PlotlyView.element(figure=charts.units(tables, live.weeks, contrast, lang.value, names))
            if marks:
                solara.Text(t["app_marks"].format(marks=said), classes=["netsim-caption"])
        PlotlyView.element(figure=charts.sources(tables, lang.value, names))
        PlotlyView.element(figure=charts.memory_trust(tables, lang.value))
        with solara.Column(gap="0px"):
            PlotlyView.element(figure=charts.network(tables, lang.value, names))
            solara.Text(t["app_network_note"].format(level=level), classes=["netsim-caption"])


@solara.component
def Page():
    t = TEXT[lang.value]
    key = (scenario.value, tuple(sorted(settings.value.items())), seed.value, generation.value)
    live, problem = solara.use_memo(
        lambda: start(scenario.value, settings.value, abs(seed.value)), dependencies=list(key)
    )
    last = solara.use_ref(None)  # the last run the model allowed: kept on screen after a refusal
    if live is not None:
        last.current = live
    shown = live if live is not None else last.current
    key_moved = moved.value if moved.value in settings.value else None
    value = settings.value.get(key_moved)
    refused = refusal(scenario.value, key_moved, value, lang.value) if problem else ""

    async def play():
        while playing.value:
            began = time.perf_counter()
            step(shown)
            await asyncio.sleep(max(0.0, FRAME_SECONDS - (time.perf_counter() - began)))

    solara.lab.use_task(play, dependencies=[playing.value, shown])
    solara.Title(t["app_title"])
    solara.Style(STYLE)
    with solara.Columns([1, 3]):
        with solara.Card(t["app_title"]):
            Controls(shown, refused)
        with solara.Column():
            Charts(shown, refused)
