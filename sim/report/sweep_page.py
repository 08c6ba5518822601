"""The sweep report: one offline HTML page per sweep folder, where each expectation holds.

Read from the saved `sweep.parquet`, `checks.parquet` and `sweep.json` only (never the model).
Per swept parameter: for each variant expectation (C13-C15 and every claim a variant tests) the
base and the variant at every value, with 95 % CIs, and whether the expectation held there; a
sweep of the base alone shows the base's metrics. Every string from a file is HTML-escaped.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from sim.report.i18n import TEXT, number
from sim.report.page import PALETTE, STYLE, esc, section, table_html, titled_figure_html
from sim.storage import write_atomic


class SweepReport:
    def __init__(self, out_dir: Path, lang: str | None = None):
        out_dir = Path(out_dir)
        self.about = json.loads((out_dir / "sweep.json").read_text(encoding="utf-8"))
        self.lang = lang or self.about.get("language") or "en"
        self.t = TEXT[self.lang]
        self.sweep = pl.read_parquet(out_dir / "sweep.parquet")
        checks = out_dir / "checks.parquet"
        self.checks = pl.read_parquet(checks) if checks.exists() else None

    def metric_label(self, metric: str) -> str:
        name, _, group = metric.partition(".")
        label = self.t.get(f"metric_{name}", name)
        return f"{label}: {group}" if group else label

    def figure(self, rows: pl.DataFrame, title: str, name: str) -> str:
        """Mean and 95 % CI per value, one trace per variant (the base first)."""
        fig = go.Figure()
        for i, (variant, part) in enumerate(rows.group_by("variant", maintain_order=True)):
            label = self.t["sweep_base"] if variant[0] == "base" else variant[0]
            fig.add_trace(
                go.Scatter(
                    x=part["value"].to_list(),
                    y=part["mean"].to_list(),
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": (part["ci_high"] - part["mean"]).to_list(),
                        "arrayminus": (part["mean"] - part["ci_low"]).to_list(),
                    },
                    mode="lines+markers",
                    name=label,
                    line={"color": PALETTE[i % len(PALETTE)]},
                )
            )
        fig.update_xaxes(type="category")
        return titled_figure_html(fig, title, name, self.lang, 360)

    def verdict(self, check: dict) -> str:
        if check["held"] is None:
            return "–"
        mark = "✓" if check["held"] else "✗"
        return mark if check["clear"] else f"({mark})"

    def parameter(self, index: int, key: str) -> str:
        rows = self.sweep.filter(pl.col("parameter") == key)
        figures = []
        if self.checks is None:
            for j, metric in enumerate(rows["metric"].unique(maintain_order=True)):
                part = rows.filter(pl.col("metric") == metric)
                figures.append(self.figure(part, self.metric_label(metric), f"{index}-{j}"))
            return section(f"p{index}", key, "".join(figures), "")
        checks = self.checks.filter(pl.col("parameter") == key)
        cases = checks.select("variant", "metric", "expected").unique(maintain_order=True).rows()
        head = [esc(key)]
        for j, (variant, metric, expected) in enumerate(cases):
            part = rows.filter(
                pl.col("variant").is_in(["base", variant]), pl.col("metric") == metric
            )
            title = f"{variant}: {self.metric_label(metric)} ({self.t[expected]})"
            figures.append(self.figure(part, title, f"{index}-{j}"))
            head.append(esc(title))
        table = []
        for value, group in checks.group_by("value", maintain_order=True):
            verdicts = {(r["variant"], r["metric"]): self.verdict(r) for r in group.to_dicts()}
            table.append([esc(value[0])] + [verdicts.get((v, m), "–") for v, m, _ in cases])
        body = "".join(figures) + table_html(head, table)
        return section(f"p{index}", key, body, self.t["sweep_marks"])

    def render(self) -> str:
        t, about = self.t, self.about
        title = f"{t['sweep_title']}: {about['scenario']}"
        intro = t["sweep_intro"].format(reps=number(about["replications"], self.lang, 0))
        keys = list(about["grid"])
        nav = " ".join(f'<a href="#p{i}">{esc(k)}</a>' for i, k in enumerate(keys))
        variants = "".join(
            f"<li><b>{esc(name)}</b>: {esc(text)}</li>" for name, text in about["variants"].items()
        )
        sections = "".join(self.parameter(i, key) for i, key in enumerate(keys))
        return (
            f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title><style>{STYLE}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
            f"<h1>{esc(title)}</h1><p>{esc(about['description'])}</p>"
            f'<p class="caption">{esc(intro)}</p><ul>{variants}</ul><nav>{nav}</nav>{sections}'
            f"<footer>seed {esc(about['seed'])}</footer></body></html>"
        )


def build_sweep_report(out_dir: Path, lang: str | None = None) -> Path:
    """Write sweep.html into the sweep folder (atomically) and return its path."""
    page = SweepReport(out_dir, lang).render()
    path = Path(out_dir) / "sweep.html"
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path
