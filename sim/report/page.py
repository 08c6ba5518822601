"""The interactive report: one self-contained, offline HTML file per run (C1-C4, C10, all claims).

Built from the saved Parquet tables and manifest only (`sim.report.data`), never from the live
model. plotly.js is inlined once in the page head and every figure is embedded without it, so
the file opens with no network. Every string from a scenario file is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import cached_property
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from sim.experiments.results import scene_summary, summarise, write_atomic
from sim.report import data
from sim.report.i18n import TEXT, number, percent, separators

COLOURS = {"direct": "#d95f02", "relationship": "#1b9e77"}
CHANNEL_COLOURS = {"pitch": "#d95f02", "referral": "#1b9e77", "recall": "#7570b3", "repeat": "#999"}
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
C1_CLAIM = {"direct": 1, "relationship": 50}  # the essay's units in five years (C1)
MAX_NETWORK_NODES = 300


class Report:
    """Sections of the report for one run, in one language."""

    def __init__(self, run: data.Run, lang: str):
        self.run = run
        self.lang = lang
        self.t = TEXT[lang]
        self.reps = run.manifest["replications"]
        self.weeks = run.params()["run"]["weeks"]
        self.years = number(self.weeks / 52, lang, 0 if self.weeks % 52 == 0 else 1)

    @cached_property
    def curve(self) -> pl.DataFrame:
        """Memory and trust by conversation number (base), shared by a chart and two claims."""
        return data.pair_curves(self.run)

    def conversations_to(self, column: str, level: float) -> int | None:
        return data.first_meeting_reaching(self.curve, column, level)

    def num(self, x, digits: int = 1) -> str:
        return number(x, self.lang, digits)

    def strategy_label(self, strategy: str) -> str:
        return self.t[f"strategy_{strategy}"]

    def styled(self, fig: go.Figure) -> go.Figure:
        return fig.update_layout(
            separators=separators(self.lang),
            template="plotly_white",
            margin={"l": 60, "r": 20, "t": 30, "b": 60},
            font={"size": 15},
        )

    def figure_html(self, fig: go.Figure, name: str) -> str:
        return self.styled(fig).to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"fig-{name}",
            config={"displaylogo": False, "responsive": True},
        )

    # --- sections --------------------------------------------------------------------------
    def headline(self) -> str:
        fig, caption = self.headline_figure()
        title = self.t["headline"].format(years=self.years)
        return section("headline", title, self.figure_html(fig, "headline"), caption)

    def headline_figure(self) -> tuple[go.Figure, str]:
        """Cumulative units per focal seller with CI bands, C1's marks and the crossover (C1)."""
        t = self.t
        bands = data.cumulative_units(self.run)
        fig = go.Figure()
        for i, variant in enumerate(self.run.variants):
            for strategy in ("direct", "relationship"):
                b = bands.filter(variant=variant, strategy=strategy)
                if b.height == 0:
                    continue
                label = f"{self.strategy_label(strategy)} · {variant}"
                visible = True if variant == "base" else "legendonly"
                week = [step + 1 for step in b["step"].to_list()]  # weeks 1..N on screen
                fig.add_trace(
                    band(week, b["ci_low"], b["ci_high"], COLOURS[strategy]).update(
                        legendgroup=label, visible=visible
                    )
                )
                fig.add_trace(
                    go.Scatter(
                        x=week,
                        y=b["mean"].to_list(),
                        name=label,
                        legendgroup=label,
                        line={"color": COLOURS[strategy], "dash": DASHES[i % len(DASHES)]},
                        visible=visible,
                    )
                )
        last = int(bands["step"].max()) + 1 if bands.height else 0
        # C1's numbers are for five years: mark them only on a five-year run that addresses C1.
        marked = "C1" in self.run.manifest.get("claims", []) and self.weeks == 260
        for strategy, units in C1_CLAIM.items() if marked else ():
            fig.add_trace(
                go.Scatter(
                    x=[last],
                    y=[units],
                    mode="markers+text",
                    marker={"symbol": "star", "size": 14, "color": COLOURS[strategy]},
                    text=[t["claim_mark"].format(n=units)],
                    textposition="middle left",
                    showlegend=False,
                    hoverinfo="text",
                )
            )
        crossover = data.crossover_summary(self.run.tables["steps"]).filter(variant="base")
        note = t["crossover_na"]
        if crossover.height:
            row = crossover.to_dicts()[0]
            for key in ("mean", "ci_low", "ci_high"):  # step 0 is week 1 on screen
                row[key] = None if row[key] is None else row[key] + 1
            if row["crossed"]:
                note = t["crossover"].format(
                    week=self.num(row["mean"], 0),
                    low=self.num(row["ci_low"], 0),
                    high=self.num(row["ci_high"], 0),
                    crossed=row["crossed"],
                    reps=row["replications"],
                )
                fig.add_vrect(x0=row["ci_low"], x1=row["ci_high"], fillcolor="#888", opacity=0.15)
                fig.add_vline(
                    x=row["mean"],
                    line={"color": "#555", "dash": "dot"},
                    annotation_text=t["crossover_label"],
                    annotation_position="top right",
                )
            else:
                note = t["crossover_none"]
        fig.update_layout(
            xaxis_title=t["week"],
            yaxis_title=t["units_per_seller"],
            legend={"orientation": "h", "y": -0.22},
            height=560,
        )
        caption = t["headline_caption"].format(reps=self.reps)
        if marked:
            caption += " " + t["headline_c1"]
        return fig, caption + " " + note

    def sources(self) -> str:
        made = self.sources_figure()
        if made is None:
            return ""
        fig, caption = made
        return section("sources", self.t["sources"], self.figure_html(fig, "sources"), caption)

    def sources_figure(self) -> tuple[go.Figure, str] | None:
        """Units per focal seller by degree and channel (C2); None without focal sellers."""
        t = self.t
        table = data.sales_sources(self.run)
        strategies = table["strategy"].unique(maintain_order=True).to_list()
        if not strategies:
            return None
        fig = make_subplots(
            rows=1,
            cols=len(strategies),
            subplot_titles=[self.strategy_label(s) for s in strategies],
            shared_yaxes=True,
        )
        for col, strategy in enumerate(strategies, start=1):
            for channel, colour in CHANNEL_COLOURS.items():
                rows = table.filter(strategy=strategy, channel=channel)
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
        builder = table.filter(strategy="relationship")
        total = builder["mean"].sum()
        share = builder.filter(pl.col("degree") > 1)["mean"].sum() / total if total else math.nan
        return fig, t["sources_caption"].format(share=percent(share, self.lang), years=self.years)

    def memory_trust(self) -> str:
        fig, caption = self.memory_trust_figure()
        body = self.figure_html(fig, "memory_trust")
        return section("memory_trust", self.t["memory_trust"], body, caption)

    def memory_trust_figure(self) -> tuple[go.Figure, str]:
        """Mean memory and trust after a pair's n-th conversation, with the two levels (C3, C4)."""
        t = self.t
        curve = self.curve
        params = self.run.params()
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
        name_n = self.conversations_to("memory", name_level)
        trust_n = self.conversations_to("trust", refer_level)
        caption = t["memory_trust_caption"].format(
            name_n=name_n if name_n is not None else "-",
            trust_n=trust_n if trust_n is not None else "-",
        )
        return fig, caption

    def network(self) -> str:
        t = self.t
        snaps = data.network_snapshots(self.run)
        agents = self.run.tables["agents"].filter(variant="base", replication=0).sort("member")
        if snaps.height == 0 or agents.height == 0:
            return ""
        nodes = network_nodes(agents, snaps)
        refer = self.run.params()["trust"]["refer_level"]
        pos = network_layout(nodes, snaps, refer)
        weeks = snaps["step"].unique().sort().to_list()
        # One slider step per snapshot week; a step restyles the traces in place ("restyle",
        # not "animate": an interrupted animation rejects a promise and logs a page error).
        per_week = [network_traces(nodes, snaps.filter(step=w), pos, refer, self) for w in weeks]
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
        return section(
            "network", t["network"], self.figure_html(fig, "network"), t["network_caption"]
        )

    def variants(self) -> str:
        t = self.t
        agents, scene = self.run.tables["agents"], self.run.tables["scene"]
        focal = summarise(agents)
        whole = {r["variant"]: r for r in scene_summary(agents, scene).to_dicts()}
        checks: dict[str, list[dict]] = {}
        for c in self.run.manifest.get("expectations", []):
            checks.setdefault(c["variant"], []).append(c)
        head = [t["variant"], t["builder_units"], t["direct_units"], t["units_per_member"]]
        head += [t["referrals_per_member_year"], f"{t['expected']} → {t['happened']}"]
        rows = []
        for variant in self.run.variants:
            units = {}
            for strategy in ("relationship", "direct"):
                r = focal.filter(variant=variant, strategy=strategy).to_dicts()
                units[strategy] = (
                    self.ci(r[0]["units_mean"], r[0]["units_ci_low"], r[0]["units_ci_high"])
                    if r
                    else "-"
                )
            w = whole.get(variant, {})
            per_member = [
                self.ci(w.get(m), w.get(f"{m}_ci_low"), w.get(f"{m}_ci_high"))
                for m in ("units_per_member", "referrals_per_member_year")
            ]
            expectation = "<br>".join(self.check_text(c) for c in checks.get(variant, [])) or "-"
            description = self.run.manifest["variants"][variant].get("description", "")
            name = f"<b>{esc(variant)}</b><br><small>{esc(description)}</small>"
            cells = [name, units["relationship"], units["direct"], *per_member, expectation]
            rows.append(cells)
        return section("variants", t["variants"], table_html(head, rows), t["variants_caption"])

    def claims(self) -> str:
        t = self.t
        rows = [
            [esc(claim), *claim_measurement(claim, self)] for claim in self.run.manifest["claims"]
        ]
        body = table_html([t["claim"], t["measured"], t["held"]], rows)
        return section("claims", t["claims"], body, t["claims_caption"])

    def about(self) -> str:
        t, m = self.t, self.run.manifest
        versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in m.get("versions", {}).items())
        facts = [
            (t["description"], esc(m.get("description", ""))),
            (t["claims_addressed"], esc(", ".join(m.get("claims", [])))),
            (t["seed"], esc(m.get("seed"))),
            (t["replications"], esc(m.get("replications"))),
            (t["wall"], f"{self.num(m.get('wall_seconds'))} {t['seconds']}"),
            (t["created"], esc(m.get("created_utc", ""))),
            (t["versions"], versions),
            ("git", esc(m.get("git_commit") or "-")),
        ]
        seeds = ", ".join(esc(s["spawn_key"]) for s in m.get("replication_seeds", []))
        params = esc(json.dumps(self.run.params(), indent=2))
        body = "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
        body += f"<details><summary>SeedSequence spawn keys</summary><p>{seeds}</p></details>"
        body += f"<details><summary>{t['parameters']}</summary><pre>{params}</pre></details>"
        return section("about", t["about"], body, "")

    # --- helpers ---------------------------------------------------------------------------
    def ci(self, mean, low, high) -> str:
        if mean is None or (isinstance(mean, float) and math.isnan(mean)):
            return "-"
        half = (high - low) / 2 if low is not None and high is not None else math.nan
        return f"{self.num(mean)} ± {self.num(half)}"

    def check_text(self, check: dict) -> str:
        mark = {True: "✓", False: "✗", None: "–"}[check["held"]]
        clear = {True: self.t["yes"], False: self.t["no"], None: "-"}[check.get("clear")]
        return (
            f"{esc(self.t.get('metric_' + check['metric'], check['metric']))}: "
            f"{self.t[check['expected']]} {mark} "
            f"<small>({self.t['clear']}: {clear})</small>"
        )


def defined(x) -> bool:
    """A number that was measured (the manifest stores undefined metrics as null or NaN)."""
    return x is not None and not (isinstance(x, float) and math.isnan(x))


# --- claims: what each measures --------------------------------------------------------------
def claim_measurement(claim: str, report: Report) -> list[str]:
    """[what was measured, held mark] for one claim, from the base and the variant checks."""
    t, run = report.t, report.run
    metrics = run.manifest.get("metrics", {}).get("base", {})
    params = run.params()
    mark = {True: "✓", False: "✗", None: "–"}
    if claim == "C1":
        rel, direct = metrics.get("relationship_units"), metrics.get("direct_units")
        if defined(rel) and defined(direct):
            held = rel >= 10 * max(direct, 1e-9)
            text = f"{report.num(rel)} vs {report.num(direct)} (≥ 10x)"
            return [text, mark[held]]
    if claim == "C2" and defined(share := metrics.get("indirect_share")):
        return [f"{percent(share, report.lang)} (> 90 %)", mark[share > 0.9]]
    if claim in ("C3", "C4"):
        name_n = report.conversations_to("memory", params["memory"]["name_level"])
        trust_n = report.conversations_to("trust", params["trust"]["refer_level"])
        if claim == "C3":
            held = None if name_n is None else name_n >= 5
            return [f"{t['name_level']}: {name_n or '-'} (5-6)", mark[held]]
        held = None if name_n is None or trust_n is None else trust_n > name_n
        return [f"{t['refer_level']}: {trust_n or '-'} > {name_n or '-'}", mark[held]]
    if claim == "C10" and defined(avoided := metrics.get("direct_avoided_by")):
        members = params["scene"]["members"]
        text = f"{t['avoids']}: {report.num(avoided, 0)} / {members}"
        return [text, mark[avoided > members / 4]]
    if claim == "C12" and defined(refs := metrics.get("referrals_per_member_year")):
        return [f"{report.num(refs)} (BNI ~42, ×½-×2)", mark[21 <= refs <= 84]]
    # Otherwise: the expectations of the variants whose description cites the claim.
    cites = re.compile(rf"\b{re.escape(claim)}\b")
    cited = [
        c
        for c in run.manifest.get("expectations", [])
        if cites.search(run.manifest["variants"][c["variant"]].get("description", ""))
    ]
    if not cited:
        return [t["not_measured"], "–"]
    held = all(c["held"] for c in cited) if all(c["held"] is not None for c in cited) else None
    return ["<br>".join(report.check_text(c) for c in cited), mark[held]]


# --- network helpers ----------------------------------------------------------------------
def network_nodes(agents: pl.DataFrame, snaps: pl.DataFrame) -> pl.DataFrame:
    """Members to draw: all of them in a small scene, else focal sellers and the best connected."""
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
    focal pushy seller to that seller (C10)."""
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
    # Who avoids a focal pushy seller (C10): light red lines to that seller, named in hovers.
    focal_direct = nodes.filter(pl.col("focal") & (pl.col("strategy") == "direct"))["member"]
    avoiding = shown.filter(pl.col("trust") < refer, pl.col("dst").is_in(focal_direct.to_list()))
    traces.append(lines(avoiding, t["avoids"], "rgba(214,39,40,0.25)", 1))
    by_avoider = avoiding.group_by("src").agg(pl.col("dst").sort())
    avoids = dict(zip(by_avoider["src"].to_list(), by_avoider["dst"].to_list(), strict=True))
    for strategy in ("relationship", "direct"):
        group = nodes.filter(strategy=strategy)
        ids = group["member"].to_list()
        hover = [
            f"#{m}"
            + (f" · {t['avoids']} #" + ", #".join(map(str, avoids[m])) if m in avoids else "")
            for m in ids
        ]
        marker = {
            "color": COLOURS[strategy],
            "size": [14 if focal else 8 for focal in group["focal"]],
            "line": {"width": 0.5, "color": "white"},
        }
        traces.append(
            go.Scatter(
                x=[pos[m][0] for m in ids],
                y=[pos[m][1] for m in ids],
                mode="markers",
                name=report.strategy_label(strategy),
                marker=marker,
                text=hover,
                hoverinfo="text",
            )
        )
    return traces


def band(x: list, low, high, colour: str) -> go.Scatter:
    """A shaded 95 % CI band between `low` and `high` over `x` (no legend entry, no hover)."""
    return go.Scatter(
        x=list(x) + list(x)[::-1],
        y=list(high) + list(low)[::-1],
        fill="toself",
        fillcolor=colour,
        opacity=0.2,
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
    )


# --- page ------------------------------------------------------------------------------------
def esc(value) -> str:
    return html.escape(str(value), quote=True)


def section(anchor: str, title: str, body: str, caption: str) -> str:
    caption_html = f'<p class="caption">{caption}</p>' if caption else ""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{body}{caption_html}</section>'


def table_html(head: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already safe HTML (callers escape user strings)."""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:auto;
padding:1.5em;color:#222;line-height:1.45}
h1{font-size:1.9em;margin-bottom:.2em} h2{margin-top:2em;border-bottom:2px solid #eee}
.caption{color:#444;font-size:1.02em;max-width:60em}
table{border-collapse:collapse;width:100%;font-size:.95em}
th,td{border-bottom:1px solid #ddd;padding:.4em .5em;text-align:left;vertical-align:top}
th{background:#f6f6f6} dt{font-weight:600} dd{margin:0 0 .6em 0}
pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.85em}
nav a{margin-right:1em} footer{margin-top:3em;color:#666;font-size:.9em}
"""


def render(run: data.Run, lang: str) -> str:
    report = Report(run, lang)
    t, m = report.t, run.manifest
    sections = [
        report.headline(),
        report.sources(),
        report.memory_trust(),
        report.network(),
        report.variants(),
        report.claims(),
        report.about(),
    ]
    anchors = [
        (a, t[a].format(years=report.years))
        for a in ("headline", "sources", "memory_trust", "network", "variants", "claims", "about")
    ]
    nav = " ".join(f'<a href="#{a}">{esc(label)}</a>' for a, label in anchors)
    title = f"{t['title']}: {m['scenario']}"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f"<h1>{esc(title)}</h1><p>{esc(m.get('description', ''))}</p>"
        f"<p>{esc(t['claims_addressed'])}: {esc(', '.join(m.get('claims', [])))}</p>"
        f"<nav>{nav}</nav>{''.join(sections)}"
        "<footer>FILE_SIZE</footer></body></html>"
    )


def build_report(out_dir: Path, lang: str | None = None) -> Path:
    """Write report.html into the run folder (atomically) and return its path."""
    run = data.load_run(out_dir)
    lang = lang or run.manifest.get("language") or "en"
    page = render(run, lang)
    size = len(page.encode("utf-8"))
    page = page.replace(
        "FILE_SIZE", esc(TEXT[lang]["file_size"].format(size=human_size(size, lang)))
    )
    path = Path(out_dir) / "report.html"
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path


def human_size(size: int, lang: str) -> str:
    return f"{number(size / 1e6, lang, 1)} MB"
