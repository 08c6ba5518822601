"""The report's charts (Plotly), built from saved results through `sim.report.data` (C1-C4, C10).

Each chart function takes the page's `Report` (run, language, colours, labels) and returns a
figure and its caption. Every chart loops over the scenario's focal groups, in file order.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from sim.report import data
from sim.report.i18n import percent

CHANNEL_COLOURS = {"pitch": "#d95f02", "referral": "#1b9e77", "recall": "#7570b3", "repeat": "#999"}
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MAX_NETWORK_NODES = 300


def band(x: list, low, high, colour: str) -> go.Scatter:
    """A shaded 95 % CI band between `low` and `high` over `x` (no legend entry, no hover)."""
    return go.Scatter(
        x=list(x) + list(x)[::-1],
        y=list(high) + list(low)[::-1],
        fill="toself",
        fillcolor=colour,
        opacity=0.2,
        mode="lines",
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
    )


def headline(report) -> tuple[go.Figure, str]:
    """Cumulative units per member of each focal group with CI bands, C1's marks, crossover."""
    t, run = report.t, report.run
    bands = data.cumulative_units(run)
    fig = go.Figure()
    for i, variant in enumerate(run.variants):
        for group in run.focal_groups:
            b = bands.filter(variant=variant, group=group)
            if b.height == 0:
                continue
            label = f"{report.group_label(group)} · {report.variant_label(variant)}"
            visible = True if variant == "base" else "legendonly"
            week = [step + 1 for step in b["step"].to_list()]  # weeks 1..N on screen
            colour = report.colour(group)
            fig.add_trace(
                band(week, b["ci_low"], b["ci_high"], colour).update(
                    legendgroup=label, visible=visible
                )
            )
            line = {"color": colour, "dash": DASHES[i % len(DASHES)]}
            fig.add_trace(
                go.Scatter(
                    x=week,
                    y=b["mean"].to_list(),
                    name=label,
                    legendgroup=label,
                    line=line,
                    visible=visible,
                )
            )
    last = int(bands["step"].max()) + 1 if bands.height else 0
    for group, units in report.c1_marks().items():
        fig.add_trace(
            go.Scatter(
                x=[last],
                y=[units],
                mode="markers+text",
                marker={"symbol": "star", "size": 14, "color": report.colour(group)},
                text=[t["claim_mark"].format(n=units)],
                textposition="middle left",
                showlegend=False,
                hoverinfo="text",
            )
        )
    note = crossover_note(report, fig)
    fig.update_layout(
        xaxis_title=t["week"],
        yaxis_title=t["units_per_seller"],
        legend={"orientation": "h", "y": -0.22},
        height=560,
    )
    caption = t["headline_caption"].format(reps=report.reps)
    if report.c1_marks():
        caption += " " + t["headline_c1"]
    return fig, caption + " " + note


def curves(report) -> tuple[go.Figure, str] | None:
    """Units per member of each focal group against each habit of `[report.curves]`, with 95 %
    bands and C1's marks (the dose-response of C1); None if the run drew no curves."""
    from sim.report.verdict_text import HABITS
    from sim.report.verdicts import curve_title

    t, run, points = report.t, report.run, data.curve_points(report.run)
    keys = list(run.manifest.get("curves", {}))
    if points is None or not keys:
        return None
    titles = [curve_title(report, key) for key in keys]
    fig = make_subplots(rows=1, cols=len(keys), shared_yaxes=True, horizontal_spacing=0.06)
    for col, key in enumerate(keys, start=1):
        rows = points.filter(pl.col("parameter") == key)
        rows = rows.with_columns(pl.col("value").cast(pl.Float64)).sort("value")
        for group in run.focal_groups:
            line = rows.filter(pl.col("metric") == f"units.{group}")
            if line.height == 0:
                continue
            colour, x = report.colour(group), line["value"].to_list()
            fig.add_trace(band(x, line["ci_low"], line["ci_high"], colour), row=1, col=col)
            fig.add_trace(
                go.Scatter(x=x, y=line["mean"].to_list(), name=report.group_label(group),
                           mode="lines+markers", line={"color": colour}, legendgroup=group,
                           showlegend=col == 1),
                row=1, col=col,
            )  # fmt: skip
        percent_axis = HABITS.get(key, {}).get("kind") == "percent"
        fig.update_xaxes(title_text=titles[col - 1], tickformat=".0%" if percent_axis else None,
                         row=1, col=col)  # fmt: skip
    for group, units in report.c1_marks().items():
        fig.add_hline(y=units, line={"dash": "dash", "color": report.colour(group)},
                      annotation_text=t["claim_mark"].format(n=units),
                      annotation_position="top left")  # fmt: skip
    fig.update_layout(yaxis_title=t["units_per_seller"], height=520,
                      legend={"orientation": "h", "y": -0.25})  # fmt: skip
    caption = t["curves_caption"].format(years=report.years, reps=report.reps)
    return fig, caption + (" " + t["curves_marks"] if report.c1_marks() else "")


def crossover_note(report, fig: go.Figure) -> str:
    """Mark the week the first contrast group overtakes the second (base); say it in words."""
    t, run = report.t, report.run
    crossover = data.crossover_summary(run.tables["steps"], run.contrast).filter(variant="base")
    if not crossover.height:
        return t["crossover_na"]
    row = crossover.to_dicts()[0]
    if not row["crossed"]:
        return t["crossover_none"].format(**report.contrast_labels())
    for key in ("mean", "ci_low", "ci_high"):  # step 0 is week 1 on screen
        row[key] = None if row[key] is None else row[key] + 1
    fig.add_vrect(x0=row["ci_low"], x1=row["ci_high"], fillcolor="#888", opacity=0.15)
    fig.add_vline(
        x=row["mean"],
        line={"color": "#555", "dash": "dot"},
        annotation_text=t["crossover_label"],
        annotation_position="top right",
    )
    return t["crossover"].format(
        week=report.num(row["mean"], 0),
        low=report.num(row["ci_low"], 0),
        high=report.num(row["ci_high"], 0),
        crossed=row["crossed"],
        reps=row["replications"],
        **report.contrast_labels(),
    )


def sources(report) -> tuple[go.Figure, str] | None:
    """Units per member of each focal group by degree and channel (C2); None without groups."""
    t = report.t
    table = data.sales_sources(report.run)
    groups = table["group"].unique(maintain_order=True).to_list()
    if not groups:
        return None
    fig = make_subplots(
        rows=1,
        cols=len(groups),
        subplot_titles=[report.group_label(g) for g in groups],
        shared_yaxes=True,
    )
    for col, group in enumerate(groups, start=1):
        for channel, colour in CHANNEL_COLOURS.items():
            rows = table.filter(group=group, channel=channel)
            fig.add_trace(
                go.Bar(
                    x=[f"{t['degree']} {d}" for d in rows["degree"]],
                    y=rows["mean"].to_list(),
                    name=t[f"channel_{channel}"],
                    marker_color=colour,
                    legendgroup=channel,
                    showlegend=col == 1,
                    customdata=list(zip(rows["ci_low"], rows["ci_high"], strict=True)),
                    hovertemplate="%{y:.1f} (95 %: %{customdata[0]:.1f}-%{customdata[1]:.1f})",
                ),
                row=1,
                col=col,
            )
    fig.update_layout(barmode="stack", yaxis_title=t["units"])
    shares = []
    for group in groups:
        part = table.filter(group=group)
        total = part["mean"].sum()
        share = part.filter(pl.col("degree") > 1)["mean"].sum() / total if total else math.nan
        shares.append(f"{report.group_label(group)}: {percent(share, report.lang)}")
    caption = t["sources_caption"].format(shares="; ".join(shares), years=report.years)
    return fig, caption


def memory_trust(report) -> tuple[go.Figure, str]:
    """Mean memory and trust after a pair's n-th conversation, with the two levels (C3, C4)."""
    t = report.t
    curve = report.curve
    params = report.run.params()
    name_level = params["memory"]["name_level"]
    refer_level = params["trust"]["refer_level"]
    fig = go.Figure()
    for column, colour in (("memory", "#7570b3"), ("trust", "#1b9e77")):
        x = curve["meetings"].to_list()
        fig.add_trace(band(x, curve[f"{column}_low"], curve[f"{column}_high"], colour))
        fig.add_trace(
            go.Scatter(x=x, y=curve[column].to_list(), name=t[column], line={"color": colour})
        )
    fig.add_hline(y=name_level, line={"dash": "dash", "color": "#7570b3"})
    fig.add_hline(y=refer_level, line={"dash": "dot", "color": "#1b9e77"})
    fig.add_annotation(x=1, y=name_level, text=t["name_level"], showarrow=False, yshift=10)
    fig.add_annotation(x=1, y=refer_level, text=t["refer_level"], showarrow=False, yshift=10)
    fig.update_layout(
        xaxis_title=t["conversation_number"], yaxis={"range": [0, 1]}, legend={"x": 0.8}
    )
    evidence = report.evidence
    caption = t["memory_trust_caption"].format(
        name_n=evidence.name_level_at or "-", trust_n=evidence.refer_level_at or "-"
    )
    return fig, caption


def network(report) -> go.Figure | None:
    """Who would refer whom, and who avoids a focal member, over time (a slider; C10)."""
    t = report.t
    snaps = data.network_snapshots(report.run)
    agents = report.run.tables["agents"].filter(variant="base", replication=0)
    agents = data.first_region(agents).sort("member")  # the network is kept for region 0
    if snaps.height == 0 or agents.height == 0:
        return None
    nodes = network_nodes(agents, snaps)
    refer = report.run.params()["trust"]["refer_level"]
    pos = network_layout(nodes, snaps, refer)
    weeks = snaps["step"].unique().sort().to_list()
    # One slider step per snapshot week; a step restyles the traces in place ("restyle",
    # not "animate": an interrupted animation rejects a promise and logs a page error).
    per_week = [network_traces(nodes, snaps.filter(step=w), pos, refer, report) for w in weeks]
    fig = go.Figure(data=per_week[0])
    steps = []
    for w, traces in zip(weeks, per_week, strict=True):
        columns = {
            key: [list(getattr(tr, key) or []) for tr in traces] for key in ("x", "y", "text")
        }
        steps.append({"label": str(w + 1), "method": "restyle", "args": [columns]})
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        height=650,
        sliders=[{"active": 0, "currentvalue": {"prefix": f"{t['week']} "}, "steps": steps}],
    )
    return fig


def network_nodes(agents: pl.DataFrame, snaps: pl.DataFrame) -> pl.DataFrame:
    """Members to draw: all of them in a small scene, else focal members and the best connected."""
    if agents.height <= MAX_NETWORK_NODES:
        return agents
    last = snaps.filter(step=snaps["step"].max())
    degree = (
        pl.concat([last.select(m=pl.col("src")), last.select(m=pl.col("dst"))]).group_by("m").len()
    )
    ranked = (
        agents.join(degree, left_on="member", right_on="m", how="left")
        .fill_null(0)
        .sort(["focal", "len"], descending=True)
    )
    return ranked.head(MAX_NETWORK_NODES).sort("member")


def network_layout(nodes: pl.DataFrame, snaps: pl.DataFrame, refer: float) -> dict:
    """Fixed positions (spring layout of every trusted tie ever seen), the same in every frame."""
    import networkx as nx

    graph = nx.Graph()
    members = set(nodes["member"].to_list())
    graph.add_nodes_from(members)
    ties = snaps.filter(
        pl.col("src").is_in(members), pl.col("dst").is_in(members), pl.col("trust") >= refer
    )
    graph.add_edges_from(zip(ties["src"].to_list(), ties["dst"].to_list(), strict=True))
    spread = 3.0 / max(graph.number_of_nodes(), 1) ** 0.5  # looser than networkx's default
    layout = nx.spring_layout(graph, k=spread, seed=0, iterations=100)
    return {m: (round(float(x), 3), round(float(y), 3)) for m, (x, y) in layout.items()}


def network_traces(nodes, snap, pos, refer: float, report) -> list[go.Scatter]:
    """Trusted ties as grey lines (darker = more trust); light red lines from members who avoid a
    focal member to that member (C10); one marker trace per group, focal members large."""
    t = report.t
    members = set(nodes["member"].to_list())
    shown = snap.filter(pl.col("src").is_in(members), pl.col("dst").is_in(members))

    def lines(edges: pl.DataFrame, name: str, colour: str, width: float) -> go.Scatter:
        x, y = [], []
        for a, b in zip(edges["src"].to_list(), edges["dst"].to_list(), strict=True):
            x += [pos[a][0], pos[b][0], None]
            y += [pos[a][1], pos[b][1], None]
        line = {"color": colour, "width": width}
        return go.Scatter(x=x, y=y, mode="lines", name=name, hoverinfo="skip", line=line)

    trusted = shown.filter(pl.col("trust") >= refer)
    traces = [
        lines(trusted.filter(pl.col("trust") < 0.9), t["trusted"], "#ccc", 1),
        lines(trusted.filter(pl.col("trust") >= 0.9), f"{t['trusted']} (≥ 0.9)", "#777", 1.5),
    ]
    focal = nodes.filter(pl.col("focal"))["member"].to_list()
    avoiding = shown.filter(pl.col("trust") < refer, pl.col("dst").is_in(focal))
    traces.append(lines(avoiding, t["avoids"], "rgba(214,39,40,0.25)", 1))
    by_avoider = avoiding.group_by("src").agg(pl.col("dst").sort())
    avoids = dict(zip(by_avoider["src"].to_list(), by_avoider["dst"].to_list(), strict=True))
    for group in report.group_order():
        members_of = nodes.filter(group=group)
        ids = members_of["member"].to_list()
        hover = [
            f"#{m}"
            + (f" · {t['avoids']} #" + ", #".join(map(str, avoids[m])) if m in avoids else "")
            for m in ids
        ]
        marker = {
            "color": report.colour(group),
            "size": [14 if f else 8 for f in members_of["focal"]],
            "line": {"width": 0.5, "color": "white"},
        }
        traces.append(
            go.Scatter(
                x=[pos[m][0] for m in ids],
                y=[pos[m][1] for m in ids],
                mode="markers",
                name=report.group_label(group),
                marker=marker,
                text=hover,
                hoverinfo="text",
            )
        )
    return traces
