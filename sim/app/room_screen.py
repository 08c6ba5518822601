"""The room's projector page, `/screen?key=...` (claims C1, C2, C5, C10, C11 are what its
results show): before a round the phones' address and its QR code large and who has joined
(their names in full, wrapping); during a round its progress, measured from the round itself;
after a round the results filling the screen under one compact line (sim/app/room_results.py,
the network beside them: sim/app/room_network.py).

The facilitator removes a participant (the small cross beside a name) and empties the room
(after a confirmation); both are kept in room.json. Names are text (solara.Text), never markup.
"""

from __future__ import annotations

import polars as pl
import segno
import solara

from sim.app import room, room_network, room_words
from sim.app.notes import Note
from sim.app.room_live import seen
from sim.app.room_results import BESIDE, Results, display_names
from sim.report.i18n import LANGUAGES, TEXT, number

STYLE = """
.room-screen{display:flex;flex-direction:column;height:100vh;box-sizing:border-box;
  padding:1vh 1.2vw;overflow:hidden;gap:1vh;color:#222}
.room-large{display:grid;grid-template-columns:minmax(0,44fr) minmax(0,56fr);gap:2.5vw;
  min-height:0;flex:1 1 0}
.room-title{display:block;font-size:4.4vh;font-weight:700}
.room-big{display:block;font-size:3.4vh}
.room-url{display:block;font-size:6.5vh;font-weight:700;color:#0b3d91;overflow-wrap:anywhere}
.room-qr svg{display:block;width:min(56vh,38vw);height:min(56vh,38vw)}
.room-head{display:flex;align-items:center;gap:1.6vw}
.room-head .room-qr svg{width:11vh;height:11vh}
.room-qr{flex-shrink:0}
.room-after{display:flex;flex-direction:column;flex:1 1 0;min-height:0;gap:1vh}
.room-head .room-url{font-size:3.4vh;white-space:nowrap}
.room-head .room-big{font-size:2.2vh}
.room-grow{flex:1 1 auto;min-width:0}
.room-side{display:flex;flex-direction:column;align-items:flex-end;gap:.4vh}
.room-people{display:flex;flex-wrap:wrap;gap:.8vh .6vw;align-content:flex-start;margin-top:1vh}
.room-person{display:inline-flex;align-items:center;gap:.2em;background:#eef3fa;
  border-radius:999px;padding:.15em .2em .15em .8em;font-size:3.4vh;color:#111;max-width:100%}
.room-person-name{overflow-wrap:anywhere}
.room-person .v-btn{min-width:0 !important;padding:0 .35em !important;font-size:2.6vh !important}
.room-screen .room-start{font-size:2.8vh !important;height:auto !important;
  padding:.45em 1.1em !important}
.room-progress{height:1.6vh;background:#e6e6e6;border-radius:1vh;overflow:hidden;margin:.6vh 0}
.room-progress-bar{height:100%;background:#e08a00}
.room-progress-text{display:block;font-size:3vh}
.room-head .room-progress-text{font-size:2.2vh}
.room-screen .netsim-note{font-size:2.2vh}
.room-confirm{position:fixed;top:30vh;left:50%;transform:translateX(-50%);z-index:1000;
  width:min(40em,90vw);background:#fff;border-radius:8px;padding:1.5em;
  box-shadow:0 8px 40px rgba(0,0,0,.35)}
.room-confirm .netsim-note{font-size:3vh}
"""


@solara.component
def Screen(lang: solara.Reactive):
    """The projector's page (the key checked by the caller)."""
    _, t = seen.value, TEXT[lang.value]
    done = [rnd for rnd in room.ROOM.rounds if rnd.status == "done"]
    with solara.Div(classes=["room-screen"]):
        solara.Style(STYLE)
        if done:
            AfterRound(done[-2:], lang)
            return
        with solara.Div(classes=["room-large"]):
            with solara.Div():
                solara.Text(t["room_title"], classes=["room-title"])
                Join(t, large=True)
            with solara.Div(style={"min-width": "0"}):
                with solara.Div(classes=["room-side"]):
                    Extras(lang, t)
                Start(lang.value)
                Joined(t)


@solara.component
def AfterRound(shown: list[room.Round], lang: solara.Reactive):
    """One compact line (QR code, address, the next round, who is in, language, emptying the
    room), then the results."""
    _, t = seen.value, TEXT[lang.value]
    names_open = solara.use_reactive(False)
    last = shown[-1]
    figure = solara.use_memo(
        lambda: network_figure(last, lang.value), dependencies=[id(last), lang.value]
    )
    network = solara.use_reactive(False)  # a large room: the network instead of the results
    beside = len(last.entries) <= BESIDE
    view = "both" if beside else "network" if network.value else "results"
    with solara.Div(classes=["room-after"]):
        Head(names_open, None if beside else network, lang)
        if names_open.value:
            Joined(t)
        Results(shown, figure, lang.value, view)


@solara.component
def Head(names_open: solara.Reactive, network: solara.Reactive | None, lang: solara.Reactive):
    _, t, r = seen.value, TEXT[lang.value], room.ROOM
    with solara.Div(classes=["room-head"]):
        Join(t, large=False)
        with solara.Div(classes=["room-grow"]):
            Start(lang.value)
        with solara.Div(classes=["room-side"]):
            with solara.Row(style={"align-items": "center"}):
                if network is not None:
                    label = t["room_show_results" if network.value else "room_show_network"]
                    solara.Button(label, text=True, on_click=lambda: network.set(not network.value))
                solara.Button(t["room_joined"].format(n=len(r.keys)), text=True,
                              on_click=lambda: names_open.set(not names_open.value))  # fmt: skip
            Extras(lang, t)


@solara.component
def Join(t: dict, large: bool):
    """The phones' address and its QR code (our own address only: safe as markup)."""
    url = room.ROOM.join_url
    qr = solara.use_memo(lambda: segno.make(url).svg_inline(scale=1, omitsize=True), [url])
    flow = {"display": "flex", "gap": "1.2vw", "flex-direction": "column" if large else "row",
            "align-items": "flex-start" if large else "center"}  # fmt: skip
    with solara.Div(style=flow):
        if not large:
            solara.HTML(tag="div", unsafe_innerHTML=qr, classes=["room-qr"])
        with solara.Div():
            solara.Text(t["room_join_here"], classes=["room-big"])
            solara.Text(url, classes=["room-url"])
        if large:
            solara.HTML(tag="div", unsafe_innerHTML=qr, classes=["room-qr"])


@solara.component
def Joined(t: dict):
    """Who is in the room: the count and the names in full, each with a cross to remove."""
    _ = seen.value
    people = room.ROOM.joined()
    solara.Text(t["room_joined"].format(n=len(people)), classes=["room-big"])
    if not people:
        solara.Text(t["room_nobody"], classes=["room-big"])
    with solara.Div(classes=["room-people"]):
        for group, entry in people:
            said = t["room_remove"].format(name=entry.name)
            with solara.Div(classes=["room-person", "netsim-person"]):
                solara.Text(entry.name, classes=["room-person-name"])
                solara.Button(
                    "\u00d7", text=True, on_click=lambda g=group: room.ROOM.remove(g),
                    attributes={"aria-label": said, "title": said},
                )  # fmt: skip


@solara.component
def Start(lang: str):
    """The button for the next round, or the running round's progress; how the last went."""
    _, t, r = seen.value, TEXT[lang], room.ROOM
    rnd = r.rounds[-1] if r.rounds else None
    if rnd is not None and rnd.status == "running":
        p = rnd.progress
        share = 100 * p.done / p.total if p is not None and p.total else 0
        with solara.Div(classes=["room-progress"]):
            solara.Div(classes=["room-progress-bar"], style={"width": f"{share:.0f}%"})
        solara.Text(room_words.progress(rnd, lang), classes=["room-progress-text"])
        return
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        label = t["room_start"].format(n=len(r.rounds) + 1)
        solara.Button(label, color="primary", disabled=not r.entries, on_click=r.start_round,
                      classes=["room-start"])  # fmt: skip
        if rnd is not None and rnd.status == "failed":
            Note(t["room_failed"].format(n=rnd.number), "error")
        elif rnd is not None:
            s = number(rnd.seconds or 0, lang, 0)
            Note(t["room_done"].format(n=rnd.number, s=s, total=r.histories), "success")


@solara.component
def Extras(lang: solara.Reactive, t: dict):
    """The language, and emptying the room (asked first)."""
    _, r = seen.value, room.ROOM
    asking = solara.use_reactive(False)
    with solara.Row(style={"align-items": "center"}):
        with solara.ToggleButtonsSingle(value=lang):
            for code in LANGUAGES:
                solara.Button(TEXT[code]["app_language_name"], value=code, text=True)
        solara.Button(t["room_reset"], text=True, disabled=r.running,
                      on_click=lambda: asking.set(True))  # fmt: skip
    if asking.value:  # over the page: nothing under the pointer moves
        with solara.Div(classes=["room-confirm"]):
            Note(t["room_reset_ask"], "error")
            with solara.Row(style={"justify-content": "flex-end"}):
                solara.Button(t["room_reset_yes"], color="error",
                              on_click=lambda: (r.reset(), asking.set(False)))  # fmt: skip
                solara.Button(t["room_cancel"], on_click=lambda: asking.set(False))


def network_figure(rnd: room.Round, lang: str) -> dict:
    """The network of the round's first history, the participants named."""
    read = {n: pl.read_parquet(rnd.folder / f"{n}.parquet") for n in ("agents", "network")}
    tables = {n: df.filter(pl.col("replication") == 0) for n, df in read.items()}
    said = display_names(rnd.entries)
    shown = {room.ROOM.group(k): name for k, name in said.items()}
    pitches = {room.ROOM.group(k): e.pitches for k, e in rnd.entries.items()}
    return room_network.figure(tables, shown, pitches, rnd.number, lang)
