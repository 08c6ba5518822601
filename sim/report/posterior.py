"""The page of an inference: `posterior.html`, offline, English or Dutch (claims C12, C5).

Read from the inference folder's `posterior.parquet` (a row per particle, a `weight` summing to
1), `manifest.json` (priors, targets, generations, the 90 % summary) and, when there,
`predictive.parquet` (a row per posterior draw and BNI figure: the simulated value against the
published band); sim/experiments/infer.py writes them. The page says in words which mechanisms
the published figures pin down and which they leave at their prior, draws each marginal against
its prior, the strongest pairwise links, the posterior predictive check per figure and the
rounds of ABC-SMC. Same house style as the run report; plotly.js inlined once, so it opens with
no network. Every string from a file is HTML-escaped.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs

from sim.report.data import RunFolderError
from sim.report.i18n import LANGUAGES, number, separators
from sim.report.page import PALETTE, STYLE, esc, section, table_html
from sim.report.posterior_text import POSTERIOR, TARGETS
from sim.report.verdict_text import PARAMETERS
from sim.report.verdicts import digits, value_text
from sim.storage import write_atomic

FILES = ("manifest.json", "posterior.parquet")
PINNED, PRIOR = 0.5, 0.8  # share of the prior's width: below, pinned down; above, left at prior
BINS = 24
CSS = (
    ".grid{display:grid;grid-template-columns:repeat(3,1fr);gap:.8em}"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}"
    "@media(max-width:900px){.grid,.pair{grid-template-columns:1fr}}"
    ".lead p{font-size:1.08em;max-width:60em} .lead li{margin:.3em 0}"
    ".figure-text{margin:.2em 0 1.2em 0}"
)


def weighted_corr(columns: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The weighted correlation matrix of the columns (a constant column correlates with none)."""
    cov = np.cov(columns, rowvar=False, aweights=w)
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    return np.nan_to_num(corr)


class Posterior:
    def __init__(self, out_dir: Path, lang: str | None = "en"):
        out_dir, lang = Path(out_dir), lang or "en"
        if lang not in LANGUAGES:
            raise ValueError(f"language {lang!r}: allowed: {', '.join(LANGUAGES)}")
        missing = [f for f in FILES if not (out_dir / f).is_file()]
        if missing:
            raise RunFolderError(f"{out_dir}: not an inference (missing {', '.join(missing)})")
        self.lang, self.t = lang, POSTERIOR[lang]
        self.manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        self.posterior = pl.read_parquet(out_dir / "posterior.parquet")
        predictive = out_dir / "predictive.parquet"
        self.predictive = pl.read_parquet(predictive) if predictive.is_file() else None
        self.priors = self.manifest["priors"]
        self.keys = [k for k in self.priors if k in self.posterior.columns]
        self.summary = {r["parameter"]: r for r in self.manifest.get("summary", [])}
        self.w = self.posterior["weight"].to_numpy().astype(float)

    # --- words -----------------------------------------------------------------------------
    def name(self, key: str) -> str:
        return PARAMETERS[key][0][self.lang] if key in PARAMETERS else key.rpartition(".")[2]

    def value(self, key: str, x: float) -> str:
        kind = PARAMETERS[key][1] if key in PARAMETERS else "number"
        return value_text(kind, float(x), self.lang)

    def target_value(self, target: str, x: float) -> str:
        kind = TARGETS[target]["kind"]
        if kind == "percent":
            return f"{number(100 * x, self.lang, 0)} %"
        return number(x, self.lang, 0 if kind == "number" else digits(round(x, 1)))

    def band(self, target: str, low: float, high: float) -> str:
        words = TARGETS[target]["band"][self.lang]
        return words.format(lo=self.target_value(target, low), hi=self.target_value(target, high))

    def listing(self, items: list[str]) -> str:
        if len(items) == 1:
            return items[0]
        return f"{', '.join(items[:-1])} {self.t['and']} {items[-1]}"

    # --- the lead --------------------------------------------------------------------------
    def lead(self) -> str:
        t, m = self.t, self.manifest
        items = []
        for target, about in m.get("targets", {}).items():
            if target in TARGETS:
                mid, half = about["observed"], about["half_width"]
                said = t["figure_item"].format(
                    phrase=TARGETS[target]["phrase"][self.lang],
                    published=TARGETS[target]["published"][self.lang],
                    band=self.band(target, mid - half, mid + half),
                )
                items.append(f"<li>{esc(said)}</li>")
        rounds = m.get("generations", [])
        tried = t["tried"].format(
            sims=number(sum(g["simulations"] for g in rounds), self.lang, 0),
            rounds=number(len(rounds), self.lang, 0),
            particles=number(self.posterior.height, self.lang, 0),
        )
        body = f"<p>{esc(t['intro'].format(n=len(self.keys)))}</p><ul>{''.join(items)}</ul>"
        body += f"<p>{esc(tried)}</p>" + self.verdicts()
        status = m.get("status")
        if status in ("running", "stopped"):
            body += f'<p class="caption">{esc(t[status])}</p>'
        return f'<section id="lead" class="lead"><h2>{esc(t["lead"])}</h2>{body}</section>'

    def verdicts(self) -> str:
        """Which parameters the figures pin down, narrow, or leave at their prior, in words."""
        groups: dict[str, list[str]] = {"pinned": [], "narrowed": [], "prior": []}
        for key in self.keys:
            row = self.summary.get(key)
            if row is None:
                continue
            share = row["share_of_prior"]
            verdict = "pinned" if share < PINNED else "prior" if share > PRIOR else "narrowed"
            words = self.t["anywhere" if verdict == "prior" else "about"].format(
                x=self.value(key, row["median"]),
                lo=self.value(key, row["low"]),
                hi=self.value(key, row["high"]),
            )
            groups[verdict].append(f"{self.name(key)} ({words})")
        sentences = {v: self.t[v].format(list=self.listing(i)) for v, i in groups.items() if i}
        return "".join(f'<p class="verdict {v}">{esc(s)}</p>' for v, s in sentences.items())

    # --- marginals -------------------------------------------------------------------------
    def scale(self, key: str, x):
        return np.log10(x) if self.priors[key]["log"] else np.asarray(x, dtype=float)

    def unscale(self, key: str, x):
        return 10 ** np.asarray(x) if self.priors[key]["log"] else np.asarray(x)

    def styled(self, fig: go.Figure, title: str, name: str, height: int) -> str:
        """A figure in the house style (sim/report/page.py's titled figures), its title wrapped
        to the width of a column of the grid."""
        lines = "<br>".join(esc(line) for line in textwrap.wrap(title, 42))
        fig.update_layout(
            title={"text": lines, "font": {"size": 15}},
            separators=separators(self.lang),
            template="plotly_white",
            margin={"l": 50, "r": 15, "t": 70 if "<br>" in lines else 50, "b": 50},
            font={"size": 13},
            height=height,
            showlegend=False,
        )
        config = {"displaylogo": False, "responsive": True}
        return fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{name}",
                           config=config)  # fmt: skip

    def axis(self, fig: go.Figure, key: str, which: str = "x") -> None:
        """The parameter's axis over its prior's range: logarithmic, ticked at 1, 2 and 5 of
        each power of ten, for a log-uniform prior."""
        prior = self.priors[key]
        span = [float(v) for v in self.scale(key, [prior["low"], prior["high"]])]
        update = fig.update_xaxes if which == "x" else fig.update_yaxes
        if not prior["log"]:
            update(type="linear", range=span)
            return
        ticks = [m * 10.0**k for k in range(math.floor(span[0]), math.ceil(span[1]) + 1)
                 for m in (1, 2, 5)]  # fmt: skip
        ticks = [v for v in ticks if prior["low"] * 0.999 <= v <= prior["high"] * 1.001]
        update(type="log", range=span, tickvals=ticks, tickformat="~g")

    def marginal(self, i: int, key: str) -> str:
        """The weighted histogram of the posterior (density on the axis's scale), the prior's
        flat density dashed, the 90 % interval shaded and the median drawn."""
        prior = self.priors[key]
        lo, hi = (float(v) for v in self.scale(key, [prior["low"], prior["high"]]))
        edges = np.linspace(lo, hi, BINS + 1)
        x = self.scale(key, self.posterior[key].to_numpy())
        density, _ = np.histogram(np.clip(x, lo, hi), edges, weights=self.w, density=True)
        xs = self.unscale(key, edges).tolist()
        fig = go.Figure()
        row = self.summary.get(key)
        if row:
            fig.add_vrect(x0=row["low"], x1=row["high"], fillcolor="#999", opacity=0.18,
                          line_width=0, layer="below")  # fmt: skip
            fig.add_vline(x=row["median"], line={"color": "#555", "width": 1})
        fig.add_trace(go.Scatter(
            x=xs, y=[*density.tolist(), float(density[-1])], line_shape="hv", fill="tozeroy",
            line={"color": PALETTE[1]}, name=esc(self.t["after"]), hoverinfo="skip"))  # fmt: skip
        flat = 1 / (hi - lo)
        fig.add_trace(go.Scatter(
            x=[xs[0], xs[-1]], y=[flat, flat], mode="lines", name=esc(self.t["before"]),
            line={"color": "#333", "dash": "dash"}, hoverinfo="skip"))  # fmt: skip
        self.axis(fig, key)
        fig.update_yaxes(title=esc(self.t["density"]), rangemode="tozero", showticklabels=False)
        return self.styled(fig, self.name(key), f"marginal-{i}", 300)

    def marginals(self) -> str:
        body = '<div class="grid">' + "".join(self.marginal(i, k) for i, k in enumerate(self.keys))
        return section(
            "marginals", self.t["marginals"], body + "</div>", esc(self.t["marginals_caption"])
        )

    # --- pairs -----------------------------------------------------------------------------
    def strongest(self) -> list[tuple[float, str, str]]:
        """The two or three pairs of parameters with the strongest weighted correlation, on
        the priors' scales (a third only if its link is not weak)."""
        if len(self.keys) < 2 or self.posterior.height < 3:
            return []
        columns = np.column_stack([self.scale(k, self.posterior[k].to_numpy()) for k in self.keys])
        corr = weighted_corr(columns, self.w)
        n = len(self.keys)
        pairs = sorted(
            (
                (float(corr[i, j]), self.keys[i], self.keys[j])
                for i in range(n)
                for j in range(i + 1, n)
            ),
            key=lambda p: -abs(p[0]),
        )
        return pairs[:3] if len(pairs) > 2 and abs(pairs[2][0]) >= 0.3 else pairs[:2]

    def contour(self, a: str, b: str) -> go.Contour | None:
        """Rings of the weighted density of the pair (a kernel estimate on the axes' scales)."""
        from scipy.stats import gaussian_kde

        x = self.scale(a, self.posterior[a].to_numpy())
        y = self.scale(b, self.posterior[b].to_numpy())
        try:
            kde = gaussian_kde(np.vstack([x, y]), weights=self.w)
        except (np.linalg.LinAlgError, ValueError):
            return None  # a degenerate sample (too few particles, or on a line)
        pad_x, pad_y = 0.15 * np.ptp(x), 0.15 * np.ptp(y)  # the grid over the particles
        gx = np.linspace(x.min() - pad_x, x.max() + pad_x, 50)
        gy = np.linspace(y.min() - pad_y, y.max() + pad_y, 50)
        xx, yy = np.meshgrid(gx, gy)
        z = kde(np.vstack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
        return go.Contour(
            x=self.unscale(a, gx).tolist(), y=self.unscale(b, gy).tolist(), z=z.tolist(),
            contours={"coloring": "lines"}, ncontours=6, showscale=False, hoverinfo="skip",
            colorscale=[[0, "#bbb"], [1, "#333"]], line={"width": 1},
        )  # fmt: skip

    def pair(self, j: int, r: float, a: str, b: str) -> str:
        w = self.w / self.w.max() if self.w.max() > 0 else self.w
        fig = go.Figure()
        fig.add_trace(go.Scatter(
            x=self.posterior[a].to_list(), y=self.posterior[b].to_list(), mode="markers",
            marker={"size": (3 + 14 * np.sqrt(w)).tolist(), "color": PALETTE[1], "opacity": 0.4,
                    "line": {"width": 0}}, hoverinfo="skip"))  # fmt: skip
        ring = self.contour(a, b)
        if ring is not None:  # the rings over the dots
            fig.add_trace(ring)
        self.axis(fig, a, "x")
        self.axis(fig, b, "y")
        fig.update_xaxes(title={"text": esc(self.name(a)), "font": {"size": 12}})
        fig.update_yaxes(title={"text": esc(self.name(b)), "font": {"size": 12}})
        strength = "strong" if abs(r) >= 0.5 else "clear" if abs(r) >= 0.3 else "weak"
        sentence = self.t["pair"].format(
            a=self.name(a)[:1].upper() + self.name(a)[1:], b=self.name(b),
            strength=self.t[strength], r=number(r, self.lang, 2),
            how=self.t["pair_none" if strength == "weak" else "pair_up" if r > 0 else "pair_down"],
        )  # fmt: skip
        chart = self.styled(fig, "", f"pair-{j}", 420)
        return f'<div>{chart}<p class="figure-text">{esc(sentence)}</p></div>'

    def pairs(self) -> str:
        pairs = self.strongest()
        if not pairs:
            return ""
        body = '<div class="pair">' + "".join(self.pair(j, *p) for j, p in enumerate(pairs))
        return section("pairs", self.t["pairs"], body + "</div>", esc(self.t["pairs_caption"]))

    # --- the posterior predictive check ----------------------------------------------------
    def check(self, i: int, target: str, rows: pl.DataFrame) -> str:
        """The simulated figure's distribution over the draws, the published band shaded and
        its middle dashed; a sentence with how many draws land within the band."""
        first = rows.row(0, named=True)
        low, high, middle = first["low"], first["high"], first["observed"]
        values = rows["value"].cast(pl.Float64).to_numpy()
        finite = values[np.isfinite(values)]
        within = int(((finite >= low) & (finite <= high)).sum())
        factor = 100.0 if TARGETS[target]["kind"] == "percent" else 1.0
        fig = go.Figure()
        fig.add_vrect(x0=factor * low, x1=factor * high, fillcolor=PALETTE[1], opacity=0.25,
                      line_width=0, layer="below")  # fmt: skip
        fig.add_vline(x=factor * middle, line={"color": "#333", "dash": "dash"})
        if finite.size:
            span = [min(finite.min(), low), max(finite.max(), high)]
            counts, edges = np.histogram(finite, np.linspace(*span, BINS + 1))
            fig.add_trace(go.Bar(
                x=(factor * (edges[:-1] + edges[1:]) / 2).tolist(), y=counts.tolist(),
                width=float(factor * (edges[1] - edges[0])), marker_color=PALETTE[2],
                opacity=0.8, hoverinfo="y"))  # fmt: skip
        fig.update_xaxes(
            title={"text": esc(TARGETS[target]["axis"][self.lang]), "font": {"size": 12}}
        )
        fig.update_yaxes(title=esc(self.t["chapters"]))
        n = len(values)
        text = self.t["check"].format(
            n=number(n, self.lang, 0), k=number(within, self.lang, 0),
            share=f"{number(100 * within / n if n else 0, self.lang, 0)} %",
            band=self.band(target, low, high),
        )  # fmt: skip
        if n - finite.size:
            text += " " + self.t["undefined"].format(m=number(n - finite.size, self.lang, 0))
        chart = self.styled(fig, TARGETS[target]["name"][self.lang], f"check-{i}", 340)
        return f'<div>{chart}<p class="figure-text">{esc(text)}</p></div>'

    def checks(self) -> str:
        t, pred = self.t, self.predictive
        if pred is None or pred.is_empty():
            return section("checks", t["checks"], f"<p>{esc(t['no_checks'])}</p>", "")
        parts = [
            self.check(i, target, pred.filter(pl.col("target") == target))
            for i, target in enumerate(TARGETS)
            if target in set(pred["target"].to_list())
        ]
        body = '<div class="grid">' + "".join(parts) + "</div>"
        return section("checks", t["checks"], body, esc(t["checks_caption"]))

    # --- rounds ----------------------------------------------------------------------------
    def generations(self) -> str:
        t, rounds = self.t, self.manifest.get("generations", [])
        if not rounds:
            return ""
        rows = [
            [str(g["generation"] + 1), number(g["epsilon"], self.lang, 2),
             number(g["simulations"], self.lang, 0),
             number(g.get("effective_particles", float("nan")), self.lang, 0)]
            for g in rounds
        ]  # fmt: skip
        total = number(sum(g["simulations"] for g in rounds), self.lang, 0)
        rows.append([f"<b>{esc(t['total'])}</b>", "", f"<b>{total}</b>", ""])
        heads = [esc(t[k]) for k in ("round", "limit", "simulations", "effective")]
        table = table_html(heads, rows)
        return section("generations", t["generations"], table, esc(t["generations_caption"]))

    def render(self) -> str:
        m, t = self.manifest, self.t
        scenario = (m.get("title") or {}).get(self.lang) or Path(str(m.get("scenario", ""))).stem
        title = f"{t['title']}: {scenario}" if scenario else t["title"]
        settings = m.get("settings", {})
        body = self.lead() + self.marginals() + self.pairs() + self.checks() + self.generations()
        footer = " · ".join(
            esc(part) for part in (f"seed {settings.get('seed', '-')}", m.get("git_commit")) if part
        )
        return (
            f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title><style>{STYLE}{CSS}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
            f"<h1>{esc(title)}</h1>{body}<footer>{footer}</footer></body></html>"
        )


def write_page(out_dir: Path, lang: str | None = "en") -> Path:
    """Write posterior.html into the inference folder (atomically) and return its path."""
    page = Posterior(out_dir, lang).render()
    path = Path(out_dir) / "posterior.html"
    write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path
