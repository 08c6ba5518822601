"""`make room`: the room's pages (Solara). `/` is a participant's page (a phone): a first name,
what they sell and their habits, then their own result after each round. `/screen?key=...` is
the projector's: the join address and its QR code, who has joined, the facilitator's button to
start a round, and the room's charts (units per participant and round with 95 % CIs, the last
round's curves and its network with the participants in colour).

Every page reads the one Room of the server (sim/app/room.py) and redraws when its version
changes. Whatever a participant typed is shown as text (solara.Text) or escaped in a chart.
Claims: C1, C2, C5, C10, C11.
"""

from __future__ import annotations

import asyncio

import polars as pl
import segno
import solara

from sim.app import charts, room
from sim.app.notes import Note
from sim.app.plotly_view import PlotlyView
from sim.report.data import cumulative_units_of
from sim.report.i18n import LANGUAGES, TEXT, number, percent
from sim.report.page import PALETTE, esc

lang = solara.reactive("en")
seen = solara.reactive(-1)  # the room's version this page shows (per browser tab)


def use_version() -> int:
    """The room's version, polled twice a second in the page's event loop; every component that
    shows the room reads `seen`, so it redraws when the room changed."""

    async def watch():
        while True:
            if room.ROOM.version != seen.value:
                seen.value = room.ROOM.version
            await asyncio.sleep(0.5)

    solara.lab.use_task(watch, dependencies=[], prefer_threaded=False)
    return seen.value


@solara.component
def Languages():
    with solara.ToggleButtonsSingle(value=lang):
        for code in LANGUAGES:
            solara.Button(TEXT[code]["app_language_name"], value=code)


@solara.component
def Bare(children=[]):  # noqa: B006 (Solara's layout signature)
    solara.Style(".netsim-big { font-size: 1.3rem; } .netsim-huge { font-size: 2.2rem; }")
    with solara.Column(style={"padding": "12px", "max-width": "1400px", "margin": "auto"}):
        solara.Column(children=children)


# --- a participant's page --------------------------------------------------------------------
@solara.component
def Join():
    t, key = TEXT[lang.value], solara.get_session_id()
    use_version()
    mine = room.ROOM.entries.get(key)
    form = solara.use_reactive(
        (mine or room.Entry(name="-")).model_dump() | ({} if mine else {"name": ""})
    )
    problem = solara.use_reactive("")

    def put(name):
        return lambda value: form.set({**form.value, name: value})

    Languages()
    solara.Text(t["room_title"], classes=["netsim-huge"])
    Form(form.value, put, t)
    label = t["room_save"] if mine else t["room_join"]
    solara.Button(
        label, color="primary", on_click=lambda: problem.set(room.ROOM.enter(key, form.value))
    )
    if problem.value:
        Note(problem.value, "error")
    if mine:
        Results(key, t)


@solara.component
def Form(values: dict, put, t: dict):
    names = {t[f"room_product_{k}"]: k for k in room.PRODUCTS}
    solara.InputText(t["room_name"], value=values["name"], on_value=put("name"))
    shown = next(n for n, k in names.items() if k == values["product"])
    solara.Select(t["room_product"], values=list(names), value=shown,
                  on_value=lambda n: put("product")(names[n]))  # fmt: skip
    if values["product"] == "other":
        solara.InputFloat(
            t["room_lifetime"], value=values["lifetime_weeks"], on_value=put("lifetime_weeks")
        )
        solara.InputFloat(t["room_price"], value=values["price"], on_value=put("price"))
        solara.InputInt(t["room_capacity"], value=values["capacity"], on_value=put("capacity"))
    solara.Text(t["room_events"].format(share=percent(values["events"], lang.value)))
    solara.SliderFloat("", value=values["events"], min=0, max=1, step=0.25, on_value=put("events"))
    solara.Text(t["room_one_to_ones"].format(n=values["one_to_ones"]))
    solara.SliderInt("", value=values["one_to_ones"], min=0, max=8, on_value=put("one_to_ones"))
    with solara.ToggleButtonsSingle(value=values["pitches"], on_value=put("pitches")):
        solara.Button(t["room_builder_me"], value=False)
        solara.Button(t["room_pitcher_me"], value=True)
    for field in ("listening", "giving"):
        solara.Text(t[f"room_{field}"].format(x=number(values[field], lang.value, 2)))
        solara.SliderFloat("", value=values[field], min=0, max=1, step=0.1, on_value=put(field))


@solara.component
def Results(key: str, t: dict):
    _ = seen.value  # redraw when the room changes
    me = room.ROOM.entries[key]
    solara.Text(t["room_in"].format(name=me.name), classes=["netsim-big"])
    for rnd in reversed(room.ROOM.rounds):
        if rnd.status == "running":
            Note(t["room_wait"].format(n=rnd.number))
        mine = room.ROOM.result(rnd, key)
        if mine is None or mine["units"] is None:
            continue
        num = lambda x, d=1: number(x, lang.value, d)  # noqa: E731
        Note(t["room_result"].format(
            n=rnd.number, units=num(mine["units"]), low=num(mine["low"]),
            high=num(mine["high"]), revenue=f"€ {num(mine['revenue'], 0)}",
        ), "success")  # fmt: skip
        shares = {f"d{d}": percent(mine[f"degree{d}"], lang.value) for d in (1, 2, 3)}
        solara.Text(t["room_sources"].format(**shares))
        solara.Text(t["room_avoided"].format(n=num(mine["avoided"] or 0.0, 0)))


# --- the projector's page -------------------------------------------------------------------
@solara.component
def Screen():
    t = TEXT[lang.value]
    use_version()
    if solara.use_router().search != f"key={room.ROOM.key}":
        Note(t["room_facilitator_only"], "error")
        return
    Languages()
    solara.Text(t["room_title"], classes=["netsim-huge"])
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Text(t["room_join_here"], classes=["netsim-big"])
            solara.Text(room.ROOM.join_url, classes=["netsim-huge"])
            qr = segno.make(room.ROOM.join_url).svg_inline(scale=6)  # our own address only
            solara.HTML(tag="div", unsafe_innerHTML=qr)
        with solara.Column():
            Joined(t)
            Rounds(t)
    Charts(t)


@solara.component
def Joined(t: dict):
    _ = seen.value  # redraw when the room changes
    people = room.ROOM.joined()
    solara.Text(t["room_joined"].format(n=len(people)), classes=["netsim-big"])
    if not people:
        solara.Text(t["room_nobody"])
    for _, entry in people:
        how = t["room_pitcher"] if entry.pitches else t["room_builder"]
        solara.Text(
            f"{entry.name}: {t['room_product_' + entry.product]}, {how}", classes=["netsim-person"]
        )


@solara.component
def Rounds(t: dict):
    _ = seen.value  # redraw when the room changes
    r = room.ROOM
    start = t["room_start"].format(n=len(r.rounds) + 1)
    solara.Button(
        start, color="primary", disabled=r.running or not r.entries, on_click=r.start_round
    )
    for rnd in reversed(r.rounds):
        s = number(rnd.seconds or rnd.estimate_s or 0, lang.value, 0)
        if rnd.status == "running":
            reps = r.replications or r.base.params.run.replications
            Note(t["room_running"].format(n=rnd.number, reps=reps, s=s))
        elif rnd.status == "failed":
            Note(t["room_failed"].format(n=rnd.number, error=rnd.error), "error")
        else:
            Note(t["room_done"].format(n=rnd.number, s=s, folder=str(rnd.folder)), "success")


@solara.component
def Charts(t: dict):
    _ = seen.value  # redraw when the room changes
    done = [rnd for rnd in room.ROOM.rounds if rnd.status == "done"]
    if done:
        RoundCharts(done, t)


@solara.component
def RoundCharts(done: list[room.Round], t: dict):
    last = done[-1]
    tables = solara.use_memo(lambda: last_tables(last), dependencies=[last.number])
    with solara.ColumnsResponsive(12, large=6):
        PlotlyView.element(figure=units_by_round(done, t))
        PlotlyView.element(figure=curves(tables, last.number, t))
    PlotlyView.element(figure=network(tables, last.number, t))


def last_tables(rnd: room.Round) -> dict[str, pl.DataFrame]:
    """The round's steps (for the curves) and its first replication's agents and network, with
    the participants' names in place of their groups."""
    names = shown_names(rnd)
    read = {n: pl.read_parquet(rnd.folder / f"{n}.parquet") for n in ("steps", "agents", "network")}
    first = {n: df.filter(pl.col("replication") == 0) for n, df in read.items() if n != "steps"}
    agents = first["agents"].with_columns(pl.col("group").replace(names))
    return {"steps": read["steps"], "agents": agents, "network": first["network"], "names": names}


def shown_names(rnd: room.Round) -> dict[str, str]:
    """{group: name} of a round's participants; a name given twice gets its group beside it."""
    names = {room.ROOM.group(k): e.name for k, e in rnd.entries.items()}
    twice = {n for n in names.values() if list(names.values()).count(n) > 1}
    return {g: f"{n} ({g})" if n in twice else n for g, n in names.items()}


def units_by_round(done: list[room.Round], t: dict) -> dict:
    """Per participant, the units of each round with their 95 % CI: round 1 against round 2."""
    data = []
    for i, rnd in enumerate(done):
        rows = [room.ROOM.result(rnd, k) for k in rnd.entries]
        data.append({
            "type": "bar", "name": t["room_round"].format(n=rnd.number),
            "x": [esc(shown_names(rnd)[r["group"]]) for r in rows], "y": [r["units"] for r in rows],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            "error_y": {"type": "data", "symmetric": False,
                        "array": [r["high"] - r["units"] for r in rows],
                        "arrayminus": [r["units"] - r["low"] for r in rows]},
        })  # fmt: skip
    return charts.figure(data, t["room_units_chart"], lang.value, barmode="group")


def curves(tables: dict, number_: int, t: dict) -> dict:
    """The round's cumulative units per participant over the weeks (mean over replications)."""
    frame = cumulative_units_of(tables["steps"]).filter(pl.col("variant") == "base")
    data = []
    for i, (group, name) in enumerate(tables["names"].items()):
        part = frame.filter(pl.col("group") == group)
        data.append({
            "type": "scatter", "mode": "lines", "name": esc(name),
            "x": (part["step"] + 1).to_list(), "y": part["mean"].to_list(),
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 3},
        })  # fmt: skip
    return charts.figure(data, t["room_curves_chart"].format(n=number_), lang.value)


def network(tables: dict, number_: int, t: dict) -> dict:
    fig = charts.network(tables, lang.value)
    fig["layout"]["title"]["text"] = esc(t["room_network_chart"].format(n=number_))
    fig["layout"]["height"] = 520
    return fig


routes = [
    solara.Route(path="/", component=Join, layout=Bare),
    solara.Route(path="screen", component=Screen),
]
