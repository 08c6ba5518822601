"""The room's network on the projector (claim C10; C2 is why it matters): who would refer whom
at the end of a round's first history, the members on a circle, a line where one would refer the
other (trust at least REFERS), the participants large and named beside their dot (escaped: a
name is text, never markup), coloured by whether they pitch or build relationships.

A Plotly figure as a plain dict for sim/app/plotly_view.py; it fills its box on the screen
(no fixed height: the box's CSS gives it).
"""

from __future__ import annotations

import math

import polars as pl

from sim.app.charts import circle
from sim.display import wrapped
from sim.report.i18n import TEXT, separators
from sim.report.page import esc

REFERS = 0.5  # trust from which a line is drawn (as the live app's network)
PITCH, BUILD, OTHER = "#c0392b", "#1f5fa8", "#9a9a9a"


def label_side(x: float, y: float) -> str:
    """Where a name goes beside its dot: outside the circle."""
    vertical = "top" if y > 0.5 else "bottom" if y < -0.5 else "middle"
    horizontal = "right" if x > 0.2 else "left" if x < -0.2 else "center"
    return f"{vertical} {horizontal}"


def figure(tables: dict, names: dict[str, str], pitches: dict[str, bool], number_: int,
           lang: str, font: int = 18) -> dict:  # fmt: skip
    """tables: the round's `agents` and `network` (first history); names: {group: name};
    pitches: {group: whether they pitch}."""
    t, agents, net = TEXT[lang], tables["agents"], tables["network"]
    if net.height:
        net = net.filter(pl.col("step") == net["step"].max(), pl.col("trust") >= REFERS)
    groups = agents["group"].to_list()
    focal = [g in names for g in groups]
    x, y = circle(focal, math.pi / 2)  # the first participant at the top
    ex, ey = [], []
    edges = net.select("src", "dst").rows()
    for src, dst in edges:
        if src < len(x) and dst < len(x):
            ex += [x[src], x[dst], None]
            ey += [y[src], y[dst], None]
    referred: dict[int, int] = {}
    for _, dst in edges:
        referred[dst] = referred.get(dst, 0) + 1
    data = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "hoverinfo": "skip",
         "showlegend": False, "line": {"width": 0.6, "color": "#bbb"}},
        {"type": "scatter", "mode": "markers", "name": t["room_network_other"],
         "x": [x[i] for i, f in enumerate(focal) if not f],
         "y": [y[i] for i, f in enumerate(focal) if not f],
         "hoverinfo": "skip", "marker": {"color": OTHER, "size": 5}},
    ]  # fmt: skip
    rim = {"width": 1.5, "color": "#222"}
    for pitching, colour, key in ((False, BUILD, "build"), (True, PITCH, "pitch")):
        ids = [i for i, g in enumerate(groups) if g in names and pitches.get(g) == pitching]
        trace = participants(ids, groups, names, referred, x, y, t, font)
        marker = {"color": colour, "size": 16, "line": rim}
        data.append(trace | {"name": t[f"room_network_{key}"], "marker": marker})
    return {"data": data, "layout": layout(t, number_, lang, font)}


def layout(t: dict, number_: int, lang: str, font: int) -> dict:
    """The title with the colours' key under it; the circle keeps its shape (no legend)."""
    key = (
        f"<span style='color:{BUILD}'>●</span> {esc(t['room_builder'])}   "
        f"<span style='color:{PITCH}'>●</span> {esc(t['room_pitcher'])}"
    )
    title = f"{esc(t['room_network_chart'].format(n=number_))}<br><sup>{key}</sup>"
    axis = {"visible": False, "constrain": "domain"}
    return {
        "title": {"text": title, "font": {"size": font + 4}},
        "separators": separators(lang), "font": {"size": font},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 70, "b": 10}, "autosize": True,
        "showlegend": False, "uirevision": "keep",
        "xaxis": {**axis, "range": [-2.2, 2.2]},
        "yaxis": {**axis, "range": [-1.3, 1.45], "scaleanchor": "x"},
    }  # fmt: skip


def participants(ids, groups, names, referred, x, y, t: dict, font: int) -> dict:
    """One marker trace of participants, each named beside their dot."""
    said = [wrapped(esc(names[groups[i]]), 14) for i in ids]
    return {
        "type": "scatter", "mode": "markers+text", "x": [x[i] for i in ids],
        "y": [y[i] for i in ids], "text": said, "hoverinfo": "text",
        "textposition": [label_side(x[i], y[i]) for i in ids],
        "textfont": {"size": font, "color": "#111"}, "cliponaxis": False,
        "hovertext": [t["room_network_refer"].format(name=s, n=referred.get(i, 0))
                      for s, i in zip(said, ids, strict=True)],
    }  # fmt: skip
