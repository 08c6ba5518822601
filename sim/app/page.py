"""`make app`: the live app (Solara). Pick a scenario, move the sliders, play five years.

A trainer's view of the model: sliders for the habits and circumstances a room talks about
(sim/app/live.py: SLIDERS), a scenario picker, a seed, play / step / reset, Dutch or English,
and four live charts in the report's style (sim/app/charts.py). Any change of a setting starts
the run again from week 0 with that setting. Every browser tab has its own run (Solara's
reactive variables live per connection; the run itself in the page's memo). Served by
sim/app/server.py. Claims: C1, C2, C3, C4, C10 (see the charts).
"""

from __future__ import annotations

import asyncio
import time

import solara

from sim.app import charts
from sim.app.live import SLIDERS, LiveRun, defaults, lead_label, scenarios, start
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
playing = solara.reactive(False)
frame = solara.reactive(0)  # bumped after every step: the charts redraw
generation = solara.reactive(0)  # bumped by Reset: a new run with the same settings


def choose(name: str) -> None:
    scenario.value, settings.value, playing.value = name, defaults(name), False


def move(key: str, value) -> None:
    settings.value = {**settings.value, key: value}


def step(live: LiveRun | None) -> None:
    if live is not None and not live.done:
        live.step()
        frame.value += 1
    else:
        playing.value = False


@solara.component
def Slider(s, t, who: str):
    value, whole = settings.value[s.key], s.whole
    shown = number(value, lang.value, 0 if whole else 2)
    solara.Text(f"{t[s.label].format(who=who)}: {shown}")
    if whole:
        solara.SliderInt(
            "", value=int(value), min=int(s.low), max=int(s.high), step=int(s.step),
            on_value=lambda v: move(s.key, v),
        )  # fmt: skip
    else:
        solara.SliderFloat(
            "", value=float(value), min=s.low, max=s.high, step=s.step,
            on_value=lambda v: move(s.key, v), thumb_label=False,
        )  # fmt: skip


@solara.component
def Controls(live: LiveRun | None):
    t = TEXT[lang.value]
    with solara.ToggleButtonsSingle(value=lang):
        for code in LANGUAGES:
            solara.Button(TEXT[code]["app_language_name"], value=code)
    solara.Select(t["app_scenario"], values=SCENARIOS, value=scenario.value, on_value=choose)
    solara.InputInt(t["app_seed"], value=seed)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        label = t["app_pause"] if playing.value else t["app_play"]
        solara.Button(label, on_click=lambda: playing.set(not playing.value), color="primary")
        solara.Button(t["app_step"], on_click=lambda: step(live))
        solara.Button(t["app_reset"], on_click=lambda: generation.set(generation.value + 1))
    who = lead_label(scenario.value, lang.value)
    for s in SLIDERS:
        if s.key in settings.value:  # the sliders the scenario offers
            Slider(s, t, who)


@solara.component
def Charts(live: LiveRun | None, problem: str):
    t = TEXT[lang.value]
    _ = frame.value  # redraw after every step
    if live is None:
        Note(problem, "error")
        return
    tables = live.tables()
    solara.Text(t["app_week"].format(week=live.week, weeks=live.weeks), classes=["netsim-week"])
    contrast = live.scenario.contrast if "C1" in live.scenario.claims else None
    with solara.ColumnsResponsive(12, large=6):
        PlotlyView.element(figure=charts.units(tables, live.weeks, contrast, lang.value))
        PlotlyView.element(figure=charts.sources(tables, lang.value))
        PlotlyView.element(figure=charts.memory_trust(tables, lang.value))
        PlotlyView.element(figure=charts.network(tables, lang.value))


@solara.component
def Page():
    t = TEXT[lang.value]
    key = (scenario.value, tuple(sorted(settings.value.items())), seed.value, generation.value)
    live, problem = solara.use_memo(
        lambda: start(scenario.value, settings.value, seed.value), dependencies=list(key)
    )

    async def play():
        while playing.value:
            began = time.perf_counter()
            step(live)
            await asyncio.sleep(max(0.0, FRAME_SECONDS - (time.perf_counter() - began)))

    solara.lab.use_task(play, dependencies=[playing.value, live])
    solara.Title(t["app_title"])
    solara.Style(".netsim-week { font-size: 1.4rem; font-weight: 600; }")
    with solara.Columns([1, 3]):
        with solara.Card(t["app_title"]):
            Controls(live)
        with solara.Column():
            Charts(live, problem)
