"""The interactive report: one self-contained, offline HTML file per run (C1-C4, C10, all claims).

Built from the saved Parquet tables and manifest only (`sim.report.data`), never from the live
model. plotly.js is inlined once in the page head and every figure is embedded without it, so
the file opens with no network. Every string from a scenario file is HTML-escaped. Sections
loop over the scenario's focal groups; the claims' verdicts, in words, are sim/report/verdicts.py's
(the same the command line, the workshop pack and the atlas show).
"""

from __future__ import annotations

import html
import json
import math
from functools import cached_property
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from sim.experiments import claims as claim_registry
from sim.experiments.claims import FIGURES, Evidence
from sim.model.strategies import STRATEGIES
from sim.report import charts, data, verdicts
from sim.report.i18n import TEXT, number, percent, separators
from sim.report.verdict_text import VERDICT
from sim.storage import write_atomic

PALETTE = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666")


def group_colours(groups) -> dict[str, str]:
    """A colour for each (group, strategy) of `groups`, in their order, that a strategy keeps in
    every report and view: its place among the registered strategies (sim/model/strategies.py)
    picks it, so relationship builders look alike in every scenario whatever the roster's order.
    A second group of the same strategy takes the first colour that none of these groups' own
    strategies has."""
    groups, registered = list(groups), list(STRATEGIES)  # (read twice: any iterable will do)
    own = {s: PALETTE[registered.index(s) % len(PALETTE)] for _, s in groups if s in registered}
    spare = [c for c in PALETTE if c not in own.values()]
    out: dict[str, str] = {}
    for group, strategy in groups:
        if group in out:
            continue
        colour = own.get(strategy)
        if colour is None or colour in out.values():
            colour = spare.pop(0) if spare else "#999"
        out[group] = colour
    return out


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

    @cached_property
    def evidence(self) -> Evidence:
        """What the claims registry judges: base metrics, contrast, curve levels."""
        return verdicts.evidence(self.run, self.curve)

    @cached_property
    def verdicts(self) -> dict[str, dict]:
        """Each claim the run cites: its two-part verdict and sentences (by claim)."""
        return {v["claim"]: v for v in verdicts.verdicts(self.run, self.evidence)}

    # --- groups: order, colour, label ------------------------------------------------------
    def group_order(self) -> list[str]:
        """Focal groups first (file order), then the others of the base roster."""
        others = [g["name"] for g in self.run.groups() if g["name"] not in self.run.focal_groups]
        return [*self.run.focal_groups, *others]

    @cached_property
    def colours(self) -> dict[str, str]:
        """Each group's colour, by its strategy (`group_colours`), focal groups first."""
        strategy = {g["name"]: g["strategy"] for g in self.run.groups()}
        return group_colours([(g, strategy.get(g)) for g in self.group_order()])

    def colour(self, group: str) -> str:
        return self.colours.get(group, "#999")

    def group_label(self, group: str) -> str:
        """What an audience reads for the group: its display name (sim/display.py)."""
        return self.safe(self.names.get(group, group))

    @cached_property
    def names(self) -> dict[str, str]:
        return self.run.group_names(self.lang)

    def variant_label(self, variant: str) -> str:
        return self.safe(self.run.variant_name(variant, self.lang, self.t["sweep_base"]))

    def contrast_labels(self) -> dict[str, str]:
        better, other = self.run.contrast or ("-", "-")
        return {"better": self.group_label(better), "other": self.group_label(other)}

    def c1_marks(self) -> dict[str, int]:
        """C1's units in five years at the contrast groups, on a five-year run that claims C1."""
        run = self.run
        if "C1" not in run.manifest.get("claims", []) or self.weeks != 260 or not run.contrast:
            return {}
        better, other = (int(FIGURES[f"C1.{k}"].value) for k in ("better", "other"))
        return {run.contrast[0]: better, run.contrast[1]: other}

    # --- formatting ------------------------------------------------------------------------
    def num(self, x, digits: int = 1) -> str:
        return number(x, self.lang, digits)

    @staticmethod
    def safe(text) -> str:
        return esc(text)

    def ci(self, summary: dict | None) -> str:
        if not summary or summary.get("mean") is None:
            return "-"
        low, high = summary.get("ci_low"), summary.get("ci_high")
        half = (high - low) / 2 if low is not None and high is not None else math.nan
        if summary.get("n", 2) < 2:  # one replication: no interval (not one of zero width)
            return f"{self.num(summary['mean'])} (n=1)"
        return f"{self.num(summary['mean'])} ± {self.num(half)}"

    def metric_label(self, metric: str) -> str:
        name, _, group = metric.partition(".")
        label = self.t.get(f"metric_{name}", name)
        return f"{label}: {self.group_label(group)}" if group else label

    def check_text(self, check: dict) -> str:
        """What the variant was expected to do to a metric, and what it did, in words."""
        how = VERDICT[self.lang][f"check_{claim_registry.check_status(check)}"]
        return f"{self.metric_label(check['metric'])}: {self.t[check['expected']]} — {how}"

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
        fig, caption = charts.headline(self)
        title = self.t["headline"].format(years=self.years)
        return section("headline", title, self.figure_html(fig, "headline"), caption)

    def sources(self) -> str:
        made = charts.sources(self)
        if made is None:
            return ""
        fig, caption = made
        return section("sources", self.t["sources"], self.figure_html(fig, "sources"), caption)

    def memory_trust(self) -> str:
        fig, caption = charts.memory_trust(self)
        body = self.figure_html(fig, "memory_trust")
        return section("memory_trust", self.t["memory_trust"], body, caption)

    def curves(self) -> str:
        """The dose-response curves of the run's `[report.curves]`, if it drew any (C1)."""
        made = charts.curves(self)
        if made is None:
            return ""
        fig, caption = made
        return section("curves", self.t["curves"], self.figure_html(fig, "curves"), caption)

    def network(self) -> str:
        fig = charts.network(self)
        if fig is None:
            return ""
        body = self.figure_html(fig, "network")
        return section("network", self.t["network"], body, self.t["network_caption"])

    def variants(self) -> str:
        """Every variant: units of each focal group, the scene metrics, the expectations."""
        t, manifest = self.t, self.run.manifest
        metrics = manifest.get("metrics", {})
        checks: dict[str, list[dict]] = {}
        for c in manifest.get("expectations", []):
            checks.setdefault(c["variant"], []).append(c)
        columns = [f"units.{g}" for g in self.run.focal_groups]
        columns += ["units_per_member", "referrals_per_member_year"]
        head = [t["variant"], *(self.metric_label(c) for c in columns)]
        head.append(f"{t['expected']} → {t['happened']}")
        rows = []
        for variant in self.run.variants:
            values = [self.ci(metrics.get(variant, {}).get(c)) for c in columns]
            expectation = "<br>".join(self.check_text(c) for c in checks.get(variant, [])) or "-"
            description = manifest["variants"][variant].get("description", "")
            name = f"<b>{self.variant_label(variant)}</b>"
            name += f"<br><small>{esc(description)}</small>" if self.lang == "en" else ""
            rows.append([name, *values, expectation])
        return section("variants", t["variants"], table_html(head, rows), t["variants_caption"])

    def claims(self) -> str:
        """Each claim: its direction and size in words, and what the model says."""
        t = self.t
        rows = [self.claim_row(v) for v in self.verdicts.values()]
        body = table_html([t["claim"], t["direction"], t["size"], t["model_says"]], rows)
        return section("claims", t["claims"], body, t["claims_caption"])

    def claim_row(self, verdict: dict) -> list[str]:
        words = VERDICT[self.lang]
        text = esc(verdict["sentence"][self.lang])
        measured = verdicts.measured(verdict)
        if verdict.get("where"):
            text += f"<br><small>{esc(verdict['where'][self.lang])}</small>"
        return [
            f"<b>{esc(verdict['claim'])}</b>",
            status_badge(verdict["direction"] if measured else "unmeasured", words),
            status_badge(verdict["size"], words),
            text,
        ]

    def cited(self, claim: str) -> list[dict]:
        """The expectation checks of the variants whose description cites the claim."""
        return verdicts.cited(self.run, claim)

    def roster(self) -> str:
        """The base roster: each group, its strategy, its size and its resolved traits."""
        t = self.t
        head = [t["group"], t["strategy"], t["members_col"], t["focal"], t["traits"]]
        rows = []
        for g in self.run.groups():
            size = str(g["count"]) if g["count"] else f"{percent(g['share'], self.lang)} *"
            traits = ", ".join(f"{esc(k)} {esc(v)}" for k, v in g["traits"].items())
            cls = STRATEGIES.get(g["strategy"])
            strategy = esc(cls.labels.get(self.lang, cls.name) if cls else g["strategy"])
            if self.lang == "en":
                strategy += f"<br><small>{esc(g['strategy_description'])}</small>"
            focal = t["yes"] if g["focal"] else t["no"]
            name = f"<b>{self.group_label(g['name'])}</b>"
            rows.append([name, strategy, size, focal, f"<small>{traits}</small>"])
        return section("roster", t["roster"], table_html(head, rows), t["roster_caption"])

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


# --- page ------------------------------------------------------------------------------------
def esc(value) -> str:
    return html.escape(str(value), quote=True)


def titled_figure_html(fig: go.Figure, title: str, name: str, lang: str, height: int) -> str:
    """A figure with its title in the house style (sweep and atlas pages), as a div."""
    fig.update_layout(
        title={"text": esc(title), "font": {"size": 16}},
        separators=separators(lang),
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        font={"size": 14},
        height=height,
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{name}")


def status_badge(status: str, words: dict[str, str]) -> str:
    """A verdict part as a coloured word (holds, does not hold, not settled, no figure)."""
    return f'<span class="status {status.replace("/", "")}">{esc(words["status_" + status])}</span>'


def section(anchor: str, title: str, body: str, caption: str) -> str:
    caption_html = f'<p class="caption">{caption}</p>' if caption else ""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{body}{caption_html}</section>'


def table_html(head: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already safe HTML (callers escape user strings)."""
    th = "".join(f"<th>{h}</th>" for h in head)
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
.status{display:inline-block;padding:.1em .5em;border-radius:.8em;color:#fff;white-space:nowrap}
.status.holds{background:#1b6e20}.status.fails{background:#a4161a}.status.open{background:#666}
.status.na,.status.unmeasured{background:#999}
"""
SECTIONS = (
    "headline", "claims", "curves", "sources", "memory_trust", "network", "variants", "roster"
)  # fmt: skip


def render(run: data.Run, lang: str) -> str:
    """The page without its footer (the footer states the file's size, known only after)."""
    report = Report(run, lang)
    t, m = report.t, run.manifest
    sections = [getattr(report, name)() for name in SECTIONS] + [report.about()]
    anchors = [
        (a, t[a].format(years=report.years))
        for a, html_ in zip((*SECTIONS, "about"), sections, strict=True)
        if html_
    ]
    nav = " ".join(f'<a href="#{a}">{esc(label)}</a>' for a, label in anchors)
    title = f"{t['title']}: {run.title(lang)}"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f"<h1>{esc(title)}</h1><p>{esc(m.get('description', '')) if lang == 'en' else ''}</p>"
        f"<p>{esc(t['claims_addressed'])}: {esc(', '.join(m.get('claims', [])))}</p>"
        f"<nav>{nav}</nav>{''.join(sections)}"
    )


def build_report(out_dir: Path, lang: str | None = None) -> Path:
    """Write report.html into the run folder (atomically) and return its path."""
    run = data.load_run(out_dir)
    lang = lang or run.manifest.get("language") or "en"
    page = render(run, lang)
    closing = "</footer></body></html>"
    size = len(page.encode("utf-8")) + len("<footer>") + len(closing) + 40  # footer text: ~40
    footer = esc(TEXT[lang]["file_size"].format(size=human_size(size, lang)))
    page += f"<footer>{footer}{closing}"
    path = Path(out_dir) / "report.html"
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path


def human_size(size: int, lang: str) -> str:
    return f"{number(size / 1e6, lang, 1)} MB"
