"""Each claim of C1-C17 as the pack shows it: the restated claim, a question for the room, the
chart from a run made for the pack, and the model's verdict, read from saved runs only.

A claim is answered by the first of the pack's runs (PACK's order by default) that cites it and
measures it (the registry's judge or a variant citing it), else by the first that cites it. Its
chart is the report's own where the report has one (C1: how much contact it takes where the run
drew its dose-response curves, else the headline; C2 sources, C3-C4 memory and trust), else the
checks of the variants citing the claim (base against variant, 95 % intervals), else the claim's
measure across the variants. The verdict is the run's (sim/report/verdicts.py: its direction,
its size and its sentence), so the deck, the handouts and the guide say what the run folders,
the report and `python -m sim claims` say; where a finished posterior exploration of the run's
scene is beside it, the verdict also says how probable the claim is given the published figures
(sim/report/evidence.py `with_posterior`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from sim.claims_catalogue import CATALOGUE
from sim.display import wrapped
from sim.experiments import claims as claim_registry
from sim.report import charts, verdicts
from sim.report.data import load_run
from sim.report.evidence import with_posterior
from sim.report.i18n import TEXT
from sim.report.page import PALETTE, Report, esc

# the scenarios run for the pack, in the order a claim's answer is looked for: together they
# cite every claim C1-C17
PACK = ("laptop", "bni", "conversation", "m4m", "open_coffee", "circle", "three_ways")
CLAIMS = tuple(CATALOGUE)  # every claim of the catalogue, in its order
REPORT_CHARTS = {"C2": charts.sources, "C3": charts.memory_trust, "C4": charts.memory_trust}
REPORT_CHARTS["C1"] = lambda report: charts.curves(report) or charts.headline(report)


@dataclass
class Item:
    """One claim on a slide, a handout and in the guide (text is safe HTML)."""

    claim: str
    title: str
    statement: str
    question: str
    scenario: str | None  # the run's scenario (its key), None when no run of the pack cites it
    source: str  # "Simulated in: <the scenario's display name>" or "not measured"
    verdict: str  # the verdict's sentence (and where it holds)
    direction: str  # holds, fails, open; unmeasured: no run of the pack measures it
    size: str  # holds, fails, open, n/a
    figure: go.Figure | None
    reps: int = 0  # the run's replications (what the chart's bands are made of)
    contrast: tuple[tuple[str, float], ...] = ()  # (group's display name, units) of the contrast

    @property
    def measured(self) -> bool:
        return self.direction != "unmeasured"


def items(runs: dict[str, Path], lang: str) -> list[Item]:
    """C1-C17 from the pack's run folders ({scenario: folder}, in the order they answer)."""
    reports = {name: Report(load_run(path), lang) for name, path in runs.items()}
    return [item(claim, reports, lang) for claim in CLAIMS]


def item(claim: str, reports: dict[str, Report], lang: str) -> Item:
    t = TEXT[lang]
    texts = claim_texts(claim, lang)
    citing = [r for r in reports.values() if claim in r.run.manifest["claims"]]
    measured = [r for r in citing if verdicts.measured(r.verdicts[claim])]
    report = (measured or citing or [None])[0]  # the first run that measures it
    if report is None:
        unmeasured = t["ws_not_measured"]
        return Item(claim, texts["title"], texts["claim"], texts["q"], None, unmeasured,
                    unmeasured, "unmeasured", "n/a", None)  # fmt: skip
    # on a slide, the probability given the evidence without what decides it (the atlas says)
    found = with_posterior([report.verdicts[claim]], report.run, full=False)[0]
    m = report.run.manifest
    verdict = esc(found["sentence"][lang])
    direction = found["direction"] if report in measured else "unmeasured"
    if found.get("where"):
        verdict += f" {esc(found['where'][lang])}"
    source = t["ws_from"].format(scenario=esc(report.run.title(lang)))
    return Item(claim, texts["title"], texts["claim"], texts["q"], m["scenario"], source,
                verdict, direction, found["size"], figure(claim, report), report.reps,
                contrast_units(report))  # fmt: skip


def claim_texts(claim: str, lang: str) -> dict[str, str]:
    """The claim's title, restatement and question for the room: the workshop's own words, or
    for a claim without them the catalogue's statement and a question asking for a guess."""
    t = TEXT[lang]
    if f"ws_title_{claim}" in t:
        return {k: t[f"ws_{k}_{claim}"] for k in ("title", "claim", "q")}
    statement = esc(CATALOGUE[claim].statement[lang])
    return {"title": statement.split(":")[0], "claim": statement, "q": t["ws_q_any"]}


def contrast_units(report: Report) -> tuple[tuple[str, float], ...]:
    """The contrast's groups (display names) and their units per member in the base."""
    base = report.run.manifest.get("metrics", {}).get("base", {})
    pairs = [(g, (base.get(f"units.{g}") or {}).get("mean")) for g in report.run.contrast or ()]
    return tuple((report.group_label(g), x) for g, x in pairs if x is not None)


def figure(claim: str, report: Report) -> go.Figure | None:
    """The claim's chart from its run, in the report's style, or None."""
    if claim in REPORT_CHARTS:
        made = REPORT_CHARTS[claim](report)
        return report.styled(made[0]) if made else None
    cited = report.cited(claim)
    if cited:
        return report.styled(checks_chart(report, cited))
    run = report.run
    metric = claim_registry.measure_of(claim, run.contrast, run.focal_groups)
    return report.styled(measure_chart(report, metric)) if metric else None


def _bar(report: Report, variant: str, metric: str) -> tuple[float | None, float, float]:
    s = report.run.manifest.get("metrics", {}).get(variant, {}).get(metric) or {}
    mean = s.get("mean")
    if mean is None:
        return None, 0.0, 0.0
    return mean, mean - s.get("ci_low", mean), s.get("ci_high", mean) - mean


def checks_chart(report: Report, checks: list[dict]) -> go.Figure:
    """For each check citing the claim: the metric in the base and in the variant (95 % CI)."""
    fig, t = go.Figure(), report.t
    labels = [
        f"{wrapped(report.metric_label(c['metric']), 28)}<br>"
        f"{wrapped(report.variant_label(c['variant']), 28)}"
        for c in checks
    ]
    for i, side in enumerate(("base", "variant")):
        bars = [
            _bar(report, "base" if side == "base" else c["variant"], c["metric"]) for c in checks
        ]
        fig.add_trace(
            go.Bar(
                x=labels, y=[b[0] for b in bars], name=t["ws_base"] if i == 0 else t["variant"],
                marker_color="#999" if i == 0 else PALETTE[0],
                error_y={"type": "data", "symmetric": False, "array": [b[2] for b in bars],
                         "arrayminus": [b[1] for b in bars]},
            )
        )  # fmt: skip
    return fig.update_layout(barmode="group")


def measure_chart(report: Report, metric: str) -> go.Figure:
    """The claim's measure in every variant of its run (95 % CI)."""
    variants = report.run.variants
    bars = [_bar(report, v, metric) for v in variants]
    fig = go.Figure(
        go.Bar(
            x=[wrapped(report.variant_label(v), 22) for v in variants], y=[b[0] for b in bars],
            marker_color=PALETTE[1],
            error_y={"type": "data", "symmetric": False, "array": [b[2] for b in bars],
                     "arrayminus": [b[1] for b in bars]},
        )
    )  # fmt: skip
    return fig.update_layout(yaxis_title=wrapped(report.metric_label(metric), 30))
