"""The claims atlas: one offline HTML page per exploration, where each claim holds and why.

Read from the saved `points.parquet`, `sensitivity.parquet`, `boundaries.parquet` and
`manifest.json` only (sim/experiments/discovery.py writes them). Per claim the registry measures
(C1, C2, C10, C12): what drives its measure (SALib's indices with 95 % intervals), where it
holds over its two most influential parameters with PRIM's box drawn on them, and the share of
the explored points where it holds. For a posterior exploration (`explore --posterior`) there
are no indices: per claim, the probability that it holds given the evidence (the share of the
posterior's draws where it holds, Wilson 95 % interval) in a sentence, and which mechanisms
decide it (PRIM's box, by name), in the words of sim/report/evidence.py (`sim claims` and the
workshop deck say the same). Same house style as the run report, English or Dutch. Every
string from a file is HTML-escaped.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from sim.experiments import claims
from sim.report.data import RunFolderError
from sim.report.evidence import deciders, deciding, parameter_name, post_sentence, posterior_quote
from sim.report.i18n import TEXT, number
from sim.report.page import PALETTE, STYLE, esc, section, table_html, titled_figure_html
from sim.report.verdict_text import TESTS
from sim.storage import write_atomic

PRIMARY = {"morris": "mu_star", "sobol": "ST", "lhs": "S1"}  # the index that ranks parameters
INDEX_LABEL = {"mu_star": "μ*", "ST": "ST", "S1": "S1"}
FILES = ("manifest.json", "points.parquet", "sensitivity.parquet", "boundaries.parquet")


class Atlas:
    def __init__(self, out_dir: Path, lang: str | None = None):
        out_dir = Path(out_dir)
        missing = [f for f in FILES if not (out_dir / f).is_file()]
        if missing:
            raise RunFolderError(
                f"{out_dir}: not a finished exploration (missing {', '.join(missing)}); run "
                "`python -m sim explore` (or --resume the folder) first"
            )
        self.manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        self.lang = lang or self.manifest.get("language") or "en"
        self.t = TEXT[self.lang]
        self.points = pl.read_parquet(out_dir / "points.parquet")
        self.sens = pl.read_parquet(out_dir / "sensitivity.parquet")
        self.bounds = pl.read_parquet(out_dir / "boundaries.parquet")
        self.design = self.manifest["design"]["design"]
        self.posterior = self.design == "posterior"
        self.index = PRIMARY.get(self.design, "S1")
        self.names = [p["key"] for p in self.manifest["parameters"]]

    def num(self, x, digits: int = 2) -> str:
        return number(x, self.lang, digits)

    def value(self, x) -> str:
        """A parameter's value with four significant digits, in the language's decimal mark."""
        text = "-" if x is None else f"{x:.4g}"
        return text.replace(".", ",") if self.lang == "nl" else text

    def metric_label(self, metric: str) -> str:
        name, _, group = metric.partition(".")
        label = self.t.get(f"metric_{name}", name)
        return f"{label}: {group}" if group else label

    def ranked(self, metric: str) -> pl.DataFrame:
        """The parameters by their primary index for a metric, strongest first."""
        return self.sens.filter(metric=metric, index=self.index).sort("value", descending=True)

    def styled(self, fig: go.Figure, title: str, name: str) -> str:
        return titled_figure_html(fig, title, name, self.lang, 420)

    # --- sections -------------------------------------------------------------------------
    def ranges(self) -> str:
        rows = [
            [esc(p["key"]), self.value(p["low"]), self.value(p["high"])]
            for p in self.manifest["parameters"]
        ]
        head = [self.t["atlas_parameter"], self.t["atlas_low"], self.t["atlas_high"]]
        return section("ranges", self.t["atlas_ranges"], table_html(head, rows), "")

    def box_text(self, rows: pl.DataFrame) -> str:
        first = rows.row(0, named=True)
        if first["held_points"] == 0:
            return esc(self.t["atlas_nowhere"])
        if first["held_points"] == first["points"]:
            return esc(self.t["atlas_everywhere"])
        limits = [
            f"{esc(r['parameter'])} {self.value(r['low'])} – {self.value(r['high'])}"
            for r in rows.filter(pl.col("restricted")).iter_rows(named=True)
        ]
        return "<br>".join(limits) or esc(self.t["atlas_no_restriction"])

    @property
    def evidence(self) -> str | None:
        """Whose figures a posterior exploration's inference fitted (e.g. "bni")."""
        return (self.manifest.get("posterior") or {}).get("evidence")

    def claim_rows(self, cells) -> list[list[str]]:
        """Per claim: its link and what it takes to hold, then `cells(its rows, the first)`."""
        return [
            [f'<a href="#{esc(claim)}">{esc(claim)}</a>',
             esc(TESTS.get(claim, {}).get(self.lang, "")), *cells(part, part.row(0, named=True))]
            for (claim,), part in self.bounds.group_by("claim", maintain_order=True)
        ]  # fmt: skip

    def summary(self) -> str:
        t = self.t
        if self.bounds.is_empty():
            return section("summary", t["atlas_summary"], f"<p>{esc(t['atlas_none'])}</p>", "")
        rows = self.claim_rows(
            lambda part, r: [
                f"{self.num(100 * r['share'], 0)} % ({self.num(100 * r['share_ci_low'], 0)}–"
                f"{self.num(100 * r['share_ci_high'], 0)} %), n = {r['points']}",
                self.box_text(part),
                self.num(r["coverage"]),
                self.num(r["density"]),
            ]
        )
        head = [
            t[k]
            for k in (
                "atlas_claim",
                "atlas_threshold",
                "atlas_share",
                "atlas_box",
                "atlas_coverage",
                "atlas_density",
            )
        ]
        return section(
            "summary", t["atlas_summary"], table_html(head, rows), t["atlas_summary_caption"]
        )

    def drivers(self, metric: str, claim: str) -> str:
        """Bars of the indices per parameter (Sobol': S1 and ST side by side), with CIs."""
        order = self.ranked(metric)["parameter"].to_list()
        fig = go.Figure()
        shown = ["S1", "ST"] if self.design == "sobol" else [self.index]
        for i, index in enumerate(shown):
            part = self.sens.filter(metric=metric, index=index)
            part = part.sort(pl.col("parameter").replace_strict(order, range(len(order))))
            half = (part["ci_high"] - part["value"]).to_list()
            fig.add_trace(
                go.Bar(
                    y=[esc(p) for p in part["parameter"]],
                    x=part["value"].to_list(),
                    orientation="h",
                    name=INDEX_LABEL[index],
                    marker_color=PALETTE[i],
                    error_x={"type": "data", "array": half, "visible": True},
                )
            )
        fig.update_yaxes(autorange="reversed")
        title = self.t["atlas_drivers"].format(metric=self.metric_label(metric))
        return self.styled(fig, title, f"{claim}-drivers")

    def where(self, claim: str, metric: str | None) -> str:
        """The points over the two most influential parameters; PRIM's box on them."""
        ranked = self.ranked(metric)["parameter"].to_list() if metric else []
        if self.posterior:  # the mechanisms that decide it first
            ranked = deciding(self.bounds.filter(claim=claim))
        x, y = (ranked + [n for n in self.names if n not in ranked])[:2]
        cells = (
            self.points.filter(pl.col(f"held.{claim}").is_not_null())
            .group_by(x, y)
            .agg(pl.len().alias("n"), pl.col(f"held.{claim}").mean().alias("share"))
            .sort(x, y)
        )
        fig = go.Figure(
            go.Scatter(
                x=cells[x].to_list(),
                y=cells[y].to_list(),
                mode="markers",
                text=[
                    self.t["atlas_cell"].format(n=n, share=self.num(100 * share, 0))
                    for n, share in cells.select("n", "share").iter_rows()
                ],
                hoverinfo="text",
                showlegend=False,
                marker={
                    "color": cells["share"].to_list(),
                    "cmin": 0,
                    "cmax": 1,
                    "colorscale": [[0, PALETTE[0]], [0.5, "#dddddd"], [1, PALETTE[1]]],
                    "size": (8 + 4 * cells["n"].sqrt()).to_list(),
                    "line": {"color": "#555", "width": 1},
                    "colorbar": {"title": esc(self.t["atlas_held"]), "tickformat": ".0%"},
                },
            )
        )
        box = self.bounds.filter(claim=claim, parameter=x).row(0, named=True)
        box_y = self.bounds.filter(claim=claim, parameter=y).row(0, named=True)
        if box["low"] is not None:
            fig.add_shape(
                type="rect",
                x0=box["low"],
                x1=box["high"],
                y0=box_y["low"],
                y1=box_y["high"],
                line={"color": "#222", "width": 2, "dash": "dash"},
            )
        fig.update_xaxes(title=esc(self.axis(x)))
        fig.update_yaxes(title=esc(self.axis(y)))
        return self.styled(fig, self.t["atlas_where"], f"{claim}-where")

    def claim(self, claim: str) -> str:
        rows = self.bounds.filter(claim=claim)
        first = rows.row(0, named=True)
        ev_metric = self.claim_metric(claim)
        figures = []
        if ev_metric:
            figures.append(self.drivers(ev_metric, claim))
        figures.append(self.where(claim, ev_metric))
        share = (
            f"<p><b>{esc(TESTS.get(claim, {}).get(self.lang, claim))}</b>: "
            f"{self.num(100 * first['share'], 0)} % "
            f"({self.num(100 * first['share_ci_low'], 0)}–"
            f"{self.num(100 * first['share_ci_high'], 0)} %)</p>"
        )
        body = share + '<div class="pair">' + "".join(figures) + "</div>"
        caption = self.t["atlas_claim_caption"].format(index=INDEX_LABEL[self.index])
        if not ev_metric:
            caption = self.t["atlas_no_measure"] + " " + caption
        return section(claim, claim, body, esc(caption))

    def axis(self, key: str) -> str:
        """A parameter on an axis: its key, or in a posterior's atlas its name in words."""
        return parameter_name(key, self.lang) if self.posterior else key

    # --- a posterior's atlas ----------------------------------------------------------------
    def post_summary(self) -> str:
        t = self.t
        if self.bounds.is_empty():
            return section("summary", t["atlas_summary"], f"<p>{esc(t['atlas_none'])}</p>", "")
        rows = self.claim_rows(
            lambda part, r: [
                f"{self.num(r['share'])} ({self.num(r['share_ci_low'])}–"
                f"{self.num(r['share_ci_high'])}), n = {r['points']}",
                esc(deciders(part, self.lang) or t["atlas_post_nothing"]),
                esc(post_sentence(r, self.evidence, self.lang)),
            ]
        )
        keys = ("claim", "threshold", "post_probability", "post_decides", "post_said")
        head = [t[f"atlas_{k}"] for k in keys]
        caption = t["atlas_post_summary_caption"]
        return section("summary", t["atlas_post_summary"], table_html(head, rows), caption)

    def post_claim(self, claim: str) -> str:
        rows = self.bounds.filter(claim=claim)
        quote = posterior_quote(rows, self.evidence)
        body = (
            f"<p><b>{esc(TESTS.get(claim, {}).get(self.lang, claim))}</b></p>"
            f"<p>{esc(quote[self.lang])}</p>{self.where(claim, None)}"
        )
        decided = "" if deciding(rows) else "_none"  # the axes are then any two mechanisms
        return section(claim, claim, body, esc(self.t[f"atlas_post_where_caption{decided}"]))

    def post_ranges(self) -> str:
        rows = [
            [esc(parameter_name(p["key"], self.lang)), self.value(p["low"]), self.value(p["high"])]
            for p in self.manifest["parameters"]
        ]
        head = [self.t[f"atlas_post_{k}"] for k in ("mechanism", "low", "high")]
        return section("ranges", self.t["atlas_post_ranges"], table_html(head, rows), "")

    def claim_metric(self, claim: str) -> str | None:
        """The claim's measure from the registry, if it was analysed at every point."""
        m = self.manifest
        metric = claims.measure_of(claim, m.get("contrast"), m.get("focal_groups") or [])
        return metric if metric in set(self.sens["metric"].to_list()) else None

    def metrics(self) -> str:
        t, rows = self.t, []
        for metric in self.sens["metric"].unique(maintain_order=True).to_list():
            top = self.ranked(metric).head(3).iter_rows(named=True)
            cells = [f"{esc(r['parameter'])} ({self.num(r['value'], 2)})" for r in top]
            rows.append([esc(self.metric_label(metric)), *cells, *[""] * (3 - len(cells))])
        head = [t[k] for k in ("atlas_metric", "atlas_first", "atlas_second", "atlas_third")]
        caption = t["atlas_metrics_caption"].format(index=INDEX_LABEL[self.index])
        return section("metrics", t["atlas_metrics"], table_html(head, rows), esc(caption))

    def render(self) -> str:
        t, m = self.t, self.manifest
        title = f"{t['atlas_title']}: {m['scenario']}"
        intro = t["atlas_post_intro" if self.posterior else "atlas_intro"].format(
            design=t[f"atlas_design_{self.design}"],
            points=number(m["points"], self.lang, 0),
            reps=number(m["design"]["replications"], self.lang, 0),
            params=len(self.names),
        )
        if self.posterior:  # a claim measured at no draw has no probability to say
            self.bounds = self.bounds.filter(pl.col("points") > 0)
        claims = self.bounds["claim"].unique(maintain_order=True).to_list()
        nav = " ".join(f'<a href="#{esc(c)}">{esc(c)}</a>' for c in claims)
        if self.posterior:
            body = self.post_summary() + "".join(self.post_claim(c) for c in claims)
            body += self.post_ranges()
        else:
            body = self.summary() + "".join(self.claim(c) for c in claims)
            body += self.metrics() + self.ranges()
        return (
            f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title><style>{STYLE}"
            ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}"
            "@media(max-width:900px){.pair{grid-template-columns:1fr}}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
            f"<h1>{esc(title)}</h1><p>{esc(m.get('description', ''))}</p>"
            f'<p class="caption">{esc(intro)}</p><nav>{nav}</nav>{body}'
            f"<footer>seed {esc(m['seed'])} · {esc(m.get('git_commit') or '')}</footer>"
            "</body></html>"
        )


def build_atlas(out_dir: Path, lang: str | None = None) -> Path:
    """Write atlas.html into the exploration folder (atomically) and return its path."""
    page = Atlas(out_dir, lang).render()
    path = Path(out_dir) / "atlas.html"
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path
