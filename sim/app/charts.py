"""The live app's charts, from the live model's tidy tables, in the report's style.

Each function takes the tables of sim/app/live.py and the language, loops over the groups in the
tables and returns a Plotly figure as a plain dict (sim/app/plotly_view.py draws it; building
plotly's validated objects would cost more than a week of the model). Claims: C1 (units, the
1-vs-50 marks), C2 (where sales come from, by degree), C3-C4 (memory and trust per
conversation), C10 (who would refer whom).
"""

from __future__ import annotations

import math

import polars as pl

from sim.experiments.claims import FIGURES
from sim.experiments.tables import weighted
from sim.report.i18n import TEXT, separators
from sim.report.page import PALETTE, esc, group_colours

MAX_NODES = 300  # members drawn on the network's circle
MAX_MEETINGS = 20  # conversations shown on the memory and trust chart
REFERS = 0.5  # trust from which an edge of the network is drawn


def figure(data: list[dict], title: str, lang: str, **layout) -> dict:
    return {
        "data": data,
        "layout": {
            "title": {"text": esc(title), "font": {"size": 18}},
            "separators": separators(lang),
            "template": {"layout": {"plot_bgcolor": "white", "paper_bgcolor": "white"}},
            "margin": {"l": 55, "r": 20, "t": 50, "b": 45},
            "font": {"size": 15},
            "height": 360,
            "uirevision": "keep",  # zoom and legend survive the weekly redraw
            "xaxis": {"gridcolor": "#eee"},
            "yaxis": {"gridcolor": "#eee", "rangemode": "tozero"},
            **layout,
        },
    }


def units(tables: dict[str, pl.DataFrame], weeks: int, contrast, lang: str) -> dict:
    """Cumulative units per member of each focal group; C1's marks at five years."""
    t, steps, data = TEXT[lang], tables["steps"], []
    colours = group_colours(steps.select("group", "strategy").unique(maintain_order=True).rows())
    for group, colour in colours.items():
        part = steps.filter(group=group)
        data.append({
            "type": "scatter", "mode": "lines", "name": esc(group),
            "x": (part["step"] + 1).to_list(), "y": part["units_cum_per_seller"].to_list(),
            "line": {"color": colour, "width": 3},
        })  # fmt: skip
    if contrast and weeks == 260:  # the essay's 50 and 1 are five-year figures
        for group, role in zip(contrast, ("better", "other"), strict=True):
            mark = int(FIGURES[f"C1.{role}"].value)
            data.append({
                "type": "scatter", "mode": "markers+text", "showlegend": False,
                "x": [weeks], "y": [mark], "textposition": "middle left",
                "text": [f"{t['app_claim']}: {esc(group)} {mark}"],
                "marker": {"symbol": "star", "size": 16, "color": "#222"},
            })  # fmt: skip
    axis = {"range": [0, weeks * 1.04], "title": {"text": t["app_weeks"]}, "gridcolor": "#eee"}
    return figure(data, t["app_units"], lang, xaxis=axis)


def sources(tables: dict[str, pl.DataFrame], lang: str) -> dict:
    """Units per member of each focal group by degree: sold to people met (1), to people one
    or two steps further (2, 3)."""
    agents = tables["agents"].filter(pl.col("focal"))
    per_group = agents.group_by("group", maintain_order=True).agg(
        pl.col(f"units_degree{d}").mean() for d in (1, 2, 3)
    )
    names = [esc(g) for g in per_group["group"]]
    data = [
        {"type": "bar", "name": str(d), "x": names, "y": per_group[f"units_degree{d}"].to_list(),
         "marker": {"color": PALETTE[d - 1]}}
        for d in (1, 2, 3)
    ]  # fmt: skip
    legend = {"title": {"text": TEXT[lang]["app_degree"]}, "traceorder": "normal"}
    return figure(data, TEXT[lang]["app_sources"], lang, barmode="stack", legend=legend)


def memory_trust(tables: dict[str, pl.DataFrame], lang: str) -> dict:
    """Mean memory and trust right after the n-th conversation of a pair (all partners)."""
    t = TEXT[lang]
    pairs = (
        tables["pairs"]
        .group_by("meetings")
        .agg(weighted("memory_mean"), weighted("trust_mean"))
        .filter(pl.col("meetings") <= MAX_MEETINGS)
        .sort("meetings")
    )
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": t[label],
         "x": pairs["meetings"].to_list(), "y": pairs[column].to_list(),
         "line": {"color": colour, "width": 3}}
        for column, label, colour in (
            ("memory_mean", "app_memory_line", PALETTE[2]),
            ("trust_mean", "app_trust_line", PALETTE[1]),
        )
    ]  # fmt: skip
    xaxis = {
        "title": {"text": t["app_conversation"]}, "gridcolor": "#eee",
        "range": [0.5, MAX_MEETINGS + 0.5], "tick0": 0, "dtick": 5,
    }  # fmt: skip
    yaxis = {"range": [0, 1], "gridcolor": "#eee"}
    return figure(data, t["app_memory_trust"], lang, xaxis=xaxis, yaxis=yaxis)


def circle(focal: list[bool]) -> tuple[list[float], list[float]]:
    """Members' places on a circle, the focal ones spread evenly among the others."""
    n, picked = len(focal), [i for i, f in enumerate(focal) if f]
    spots = {j * n // len(picked): i for j, i in enumerate(picked)} if picked else {}
    rest = iter(i for i, f in enumerate(focal) if not f)
    order = [spots[k] if k in spots else next(rest) for k in range(n)]
    x, y = [0.0] * n, [0.0] * n
    for k, i in enumerate(order):
        a = 2 * math.pi * k / n
        x[i], y[i] = round(math.cos(a), 4), round(math.sin(a), 4)
    return x, y


def network(tables: dict[str, pl.DataFrame], lang: str) -> dict:
    """The latest snapshot of who would refer whom: members on a circle, focal ones coloured."""
    agents, net = tables["agents"], tables["network"]
    if net.height:
        net = net.filter(pl.col("step") == net["step"].max(), pl.col("trust") >= REFERS)
    n = min(agents.height, MAX_NODES)
    groups, focal = agents["group"].to_list()[:n], agents["focal"].to_list()[:n]
    x, y = circle(focal)
    ex, ey = [], []
    edges = net.filter((pl.col("src") < n) & (pl.col("dst") < n)).select("src", "dst").rows()
    for src, dst in edges:
        ex += [x[src], x[dst], None]
        ey += [y[src], y[dst], None]
    kinds = zip(groups, agents["strategy"].to_list()[:n], focal, strict=True)
    colours = group_colours([(g, s) for g, s, f in kinds if f])
    colour = [colours[g] if f else "#999" for g, f in zip(groups, focal, strict=True)]
    data = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "hoverinfo": "skip",
         "line": {"width": 0.6, "color": "#bbb"}},
        {"type": "scatter", "mode": "markers", "x": x, "y": y, "hoverinfo": "text",
         "text": [esc(g) for g in groups],
         "marker": {"color": colour, "size": [12 if f else 5 for f in focal]}},
    ]  # fmt: skip
    hidden = {"visible": False}
    return figure(
        data, TEXT[lang]["app_network"], lang, showlegend=False,
        xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"},
    )  # fmt: skip
