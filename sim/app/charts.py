"""The live app's charts, from the live model's tidy tables, in the report's style.

Each function takes the tables of sim/app/live.py and the language, loops over the groups in the
tables and returns a Plotly figure as a plain dict (sim/app/plotly_view.py draws it; building
plotly's validated objects would cost more than a week of the model). Given `names` ({group:
display name}, sim/display.py), a chart shows groups as the audience reads them, never their
keys. Claims: C1 (units, the y axis scaled to the data, the 1-vs-50 marks as dashed lines or an
arrow over the top edge), C2 (where sales come from, by degree), C3-C4 (memory and trust per
conversation), C10 (who would refer whom).
"""

from __future__ import annotations

import math
from collections import Counter

import polars as pl

from sim.display import wrapped
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


def shown(names: dict[str, str] | None, group: str) -> str:
    """What the audience reads for a group (its display name where given), escaped."""
    return esc((names or {}).get(group, group))


def claim_marks(contrast, weeks: int, names: dict[str, str] | None) -> list[tuple[str, str, int]]:
    """C1's five-year figures: (group, what the audience reads for it, units per member) for
    the contrast's better group (50) and its other (1); none on runs of another length."""
    if not contrast or weeks != 260:  # the essay's 50 and 1 are five-year figures
        return []
    roles = zip(contrast, ("better", "other"), strict=True)
    return [(g, shown(names, g), int(FIGURES[f"C1.{role}"].value)) for g, role in roles]


def units(
    tables: dict[str, pl.DataFrame], weeks: int, contrast, lang: str,
    names: dict[str, str] | None = None,
) -> dict:  # fmt: skip
    """Cumulative units per member of each focal group (by display name), the y axis scaled
    to the data; C1's marks (claim_marks) as dashed lines where they lie within 1.5 times the
    data, else named with an arrow over the plot's top edge (mark_layout)."""
    t, steps, data = TEXT[lang], tables["steps"], []
    colours = group_colours(steps.select("group", "strategy").unique(maintain_order=True).rows())
    for group, colour in colours.items():
        part, name = steps.filter(group=group), shown(names, group)
        data.append({
            "type": "scatter", "mode": "lines", "name": name,
            "x": (part["step"] + 1).to_list(), "y": part["units_cum_per_seller"].to_list(),
            "line": {"color": colour, "width": 3},
            "hovertemplate": f"{name}<br>{t['app_weeks']} %{{x}}: %{{y:.1f}} "
                             f"{t['app_per_member']}<extra></extra>",
        })  # fmt: skip
    top = float(steps["units_cum_per_seller"].max() or 0.0) if steps.height else 0.0
    marks = [(*m, colours.get(m[0], "#222")) for m in claim_marks(contrast, weeks, names)]
    axis = {"range": [0, weeks * 1.04], "title": {"text": t["app_weeks"]}, "gridcolor": "#eee"}
    # the legend under the plot: long display names beside it would squeeze the plot
    below = {"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"}
    layout = {"legend": below, "showlegend": True, **mark_layout(marks, top, weeks, t)}
    room = layout.pop("room")  # the words of marks above the data, between title and plot
    layout |= {"height": 420 + room, "margin": {"l": 55, "r": 20, "t": 50 + room, "b": 120}}
    fig = figure(data, t["app_units"], lang, xaxis=axis, **layout)
    fig["layout"]["title"] |= {"y": 1 - 12 / layout["height"], "yanchor": "top"}
    return fig


def mark_layout(marks: list, top: float, weeks: int, t: dict) -> dict:
    """The y axis from 0 to the data (and the marks near it), the marks within 1.5 times the
    data as dashed lines with their words, those further up named with an arrow (↑) over the
    plot's top edge (C1). A line's words sit above it at the right, or, high in the chart,
    below it at the left: rising cumulative lines leave the top left empty."""
    near = [m for m in marks if top > 0 and m[2] <= 1.5 * top]
    above = [m for m in marks if m not in near]
    high = max([top, *(m[2] for m in near)]) * 1.1 or 1.0
    shapes, notes = [], []
    for _, name, value, colour in near:
        shapes.append({
            "type": "line", "xref": "x", "yref": "y", "x0": 0, "x1": weeks, "y0": value,
            "y1": value, "line": {"color": colour, "width": 2, "dash": "dash"},
        })  # fmt: skip
        upper = value > 0.6 * high
        notes.append({
            "x": weeks * 0.02 if upper else weeks, "y": value, "xref": "x", "yref": "y",
            "xanchor": "left" if upper else "right", "align": "left" if upper else "right",
            "yanchor": "top" if upper else "bottom", "showarrow": False,
            "font": {"size": 13, "color": "#222"}, "bgcolor": "rgba(255,255,255,0.7)",
            "text": f"{t['app_claim']}: {t['app_mark_for'].format(value=value, name=name)}",
        })  # fmt: skip
    if above:  # over the plot's top edge, under the title: clear of the data
        said = "<br>".join(
            f"↑ {t['app_claim']}: {t['app_mark_for'].format(value=v, name=name)}"
            for _, name, v, _ in above
        )
        notes.append({
            "x": 1, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "right",
            "yanchor": "bottom", "showarrow": False, "align": "right", "yshift": 2,
            "font": {"size": 13, "color": "#222"}, "text": said,
        })  # fmt: skip
    yaxis = {"gridcolor": "#eee", "range": [0, high], "title": {"text": t["app_per_member"]}}
    return {"yaxis": yaxis, "shapes": shapes, "annotations": notes, "room": 18 * len(above)}


def sources(
    tables: dict[str, pl.DataFrame], lang: str, names: dict[str, str] | None = None
) -> dict:
    """Units per member of each focal group (by display name) by degree: sold to people met
    (1), to people one or two steps further (2, 3). Claim C2."""
    t, agents = TEXT[lang], tables["agents"].filter(pl.col("focal"))
    per_group = agents.group_by("group", maintain_order=True).agg(
        pl.col(f"units_degree{d}").mean() for d in (1, 2, 3)
    )
    width = max(10, 48 // max(per_group.height, 1))  # a bar's share of the chart, in letters
    labels = [wrapped(shown(names, g), width) for g in per_group["group"]]
    data = [
        {"type": "bar", "name": str(d), "x": labels, "y": per_group[f"units_degree{d}"].to_list(),
         "marker": {"color": PALETTE[d - 1]},
         "hovertemplate": f"%{{x}}<br>{t['app_degree']} {d}: %{{y:.1f}} "
                          f"{t['app_per_member']}<extra></extra>"}
        for d in (1, 2, 3)
    ]  # fmt: skip
    legend = {"title": {"text": t["app_degree"]}, "traceorder": "normal"}
    lines = 1 + max((label.count("<br>") for label in labels), default=0)  # names upright,
    margin = {"l": 55, "r": 20, "t": 50, "b": 30 + 19 * lines}  # over lines of their own
    return figure(
        data, t["app_sources"], lang, barmode="stack", legend=legend, margin=margin,
        height=300 + 19 * lines, xaxis={"tickangle": 0, "tickfont": {"size": 13}},
    )  # fmt: skip


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


def circle(focal: list[bool], start: float = 0.0) -> tuple[list[float], list[float]]:
    """Members' places on a circle from angle `start`, the focal ones spread evenly among the
    others."""
    n, picked = len(focal), [i for i, f in enumerate(focal) if f]
    spots = {j * n // len(picked): i for j, i in enumerate(picked)} if picked else {}
    rest = iter(i for i, f in enumerate(focal) if not f)
    order = [spots[k] if k in spots else next(rest) for k in range(n)]
    x, y = [0.0] * n, [0.0] * n
    for k, i in enumerate(order):
        a = 2 * math.pi * k / n + start
        x[i], y[i] = round(math.cos(a), 4), round(math.sin(a), 4)
    return x, y


def network(
    tables: dict[str, pl.DataFrame], lang: str, names: dict[str, str] | None = None
) -> dict:
    """The latest snapshot of who would refer whom (C10): members on a circle, a line where
    one of two would refer the other (trust at least REFERS); focal members large, in their
    group's colour with a dark rim, the others small and grey; on hover each member's group
    (display name) and how many would refer them. With `names`, a legend says all this."""
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
    t, legend = TEXT[lang], names is not None
    data = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "hoverinfo": "skip",
         "name": t["app_would_refer"], "showlegend": legend, "legendrank": 1000,
         "line": {"width": 0.6, "color": "#aaa"}},
    ]  # fmt: skip
    referred = Counter(dst for _, dst in edges)
    for rank, (key, colour) in enumerate([(None, "#999"), *colours.items()]):
        ids = [i for i in range(n) if (focal[i] and groups[i] == key) or not (focal[i] or key)]
        if ids:
            data.append(members(ids, groups, referred, names, key, colour, t) | {
                "showlegend": legend, "legendrank": rank or 999,
                "x": [x[i] for i in ids], "y": [y[i] for i in ids],
            })  # fmt: skip
    hidden = {"visible": False}
    place = {"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top"}
    return figure(
        data, t["app_network"], lang, showlegend=legend, legend=place,
        height=300 + 24 * len(data) if legend else 360,  # the circle keeps its size
        xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"},
    )  # fmt: skip


def members(ids, groups, referred, names, key, colour: str, t: dict) -> dict:
    """One marker trace of the network: a focal group (key) or the other members (None)."""
    followed = f" ({t['app_followed']})" if key else ""
    hover = [
        f"{shown(names, groups[i])}{followed}<br>{t['app_referred_by'].format(n=referred[i])}"
        for i in ids
    ]
    rim = {"width": 1.5, "color": "#222"} if key else {"width": 0}
    return {
        "type": "scatter", "mode": "markers", "hoverinfo": "text", "text": hover,
        "name": shown(names, key) if key else t["app_other_members"],
        "marker": {"color": colour, "size": 13 if key else 5, "line": rim},
    }  # fmt: skip
