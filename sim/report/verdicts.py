"""Every claim a run cites, judged in two parts (sim/experiments/claims.py) and said in words.

This is what `python -m sim claims RUN_DIR` prints and what every view reads: the terminal
summary, the report, the workshop deck, handouts and guide, and the atlas. A verdict is
`{claim, direction, size, sentence: {en, nl}, where?: {en, nl}}`: the direction and size each
`holds`, `fails` or `open` (size also `n/a`), one plain sentence per language naming the numbers
with their 95 % intervals in words, and, where an exploration of the same scene exists beside
the run, where in it the claim holds in full (PRIM's box in words). C1's sentence also says how
much contact the essay's fifty takes when the run drew dose-response curves (`curves/`).
Everything is read from the run folder alone.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sim.experiments import claims as registry
from sim.experiments.metrics import per_replication
from sim.model.strategies import STRATEGIES
from sim.report import data
from sim.report.i18n import LANGUAGES, number, percent
from sim.report.verdict_text import HABITS, PARAMETERS, VERDICT


# --- evidence from a run folder -----------------------------------------------------------
def evidence(run: data.Run, curve: pl.DataFrame | None = None) -> registry.Evidence:
    """What the registry judges: the base's metric summary and per-replication values, the
    contrast, the memory and trust curves' levels (`curve`: data.pair_curves, if at hand)."""
    params = run.params()
    curve = data.pair_curves(run) if curve is None else curve
    base = run.tables["agents"].filter(pl.col("variant") == "base")
    rows = per_replication(base, {"base": params["run"]["weeks"]}, run.contrast)
    wide = rows.pivot(on="metric", index="replication", values="value").sort("replication")
    return registry.Evidence(
        metrics=run.manifest.get("metrics", {}).get("base", {}),
        contrast=run.contrast,
        focal_groups=run.focal_groups,
        members=params["scene"]["members"],
        name_level_at=data.first_meeting_reaching(curve, "memory", params["memory"]["name_level"]),
        refer_level_at=data.first_meeting_reaching(curve, "trust", params["trust"]["refer_level"]),
        per_rep={
            m: wide[m].cast(pl.Float64).fill_null(np.nan).to_numpy()
            for m in wide.columns
            if m != "replication"
        },  # fmt: skip
        weeks=params["run"]["weeks"],
    )


def judged(run: data.Run, ev: registry.Evidence) -> dict[str, registry.Verdict | None]:
    """Each claim the run cites: the registry's verdict, else its citing variants'."""
    out = {}
    for claim in run.manifest.get("claims", []):
        verdict = registry.judge(claim, ev)
        out[claim] = verdict or registry.by_checks(claim, cited(run, claim))
    return out


def cited(run: data.Run, claim: str) -> list[dict]:
    descriptions = {n: v.get("description", "") for n, v in run.manifest["variants"].items()}
    return registry.cited_checks(claim, run.manifest.get("expectations", []), descriptions)


def verdicts(run: data.Run, ev: registry.Evidence | None = None) -> list[dict[str, Any]]:
    """The verdicts of every claim the run cites, as `python -m sim claims --json` gives them
    (`ev`: the run's evidence, if at hand)."""
    out = []
    box, words = data.exploration(run), Words(run)
    for claim, verdict in judged(run, ev or evidence(run)).items():
        item: dict[str, Any] = {
            "claim": claim,
            "direction": verdict.direction if verdict else "open",
            "size": verdict.size if verdict else "n/a",
            "sentence": {lang: words.sentence(claim, verdict, lang) for lang in LANGUAGES},
        }
        where = words.where(box, claim) if box is not None else None
        if where:
            item["where"] = where
        out.append(item)
    return out


def load(run_dir: Path) -> list[dict[str, Any]]:
    return verdicts(data.load_run(run_dir))


def measured(verdict: dict[str, Any]) -> bool:
    """Whether the run measures the claim at all (else its sentence says it does not)."""
    return verdict["sentence"]["en"] != VERDICT["en"]["not_measured"]


# --- words ---------------------------------------------------------------------------------
class Words:
    """Sentences for one run's verdicts, in either language."""

    def __init__(self, run: data.Run):
        self.run = run
        self.weeks = run.params()["run"]["weeks"]
        self.strategy = {g["name"]: g["strategy"] for g in run.groups()}

    def who(self, group: str, lang: str) -> str:
        """'a relationship builder' / 'een relatiebouwer': a member of the group."""
        cls = STRATEGIES.get(self.strategy.get(group, ""))
        label = cls.labels[lang] if cls else group
        if lang == "nl":
            return f"een {label}"
        return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"

    @staticmethod
    def units(x: float | None, lang: str) -> str:
        return number(x, lang, 0 if x is not None and (abs(x) >= 10 or x == 0) else 1)

    def around(self, x, ci, lang: str, fmt=None) -> str:
        """'52 (between 46 and 58)', or the figure alone when there is no interval."""
        fmt = fmt or self.units
        if ci is None or ci[0] == ci[1]:
            return fmt(x, lang)
        low, high = max(ci[0], 0.0), ci[1]
        words = VERDICT[lang]["between"]
        return words.format(x=fmt(x, lang), lo=fmt(low, lang), hi=fmt(high, lang))

    def fields(self, v: registry.Verdict, lang: str) -> dict[str, str]:
        """The placeholders a claim's sentence may use, from its verdict's values."""
        t, values = VERDICT[lang], v.values
        out = {"status": t[v.direction if v.direction != "n/a" else "open"]}
        out["years"] = number(self.weeks / 52, lang, 0 if self.weeks % 52 == 0 else 1)
        for key in ("better", "other"):
            if values.get(key):
                out[key] = self.who(values[key], lang)
        if values.get("group"):  # the one group a claim is about (C2)
            out["better"] = self.who(values["group"], lang)
        better = out.get("better", "")
        out["Better"] = better[:1].upper() + better[1:]
        diff = values.get("difference")
        single = diff is not None and diff[1] == diff[2]  # one replication: no interval
        out["clearly"] = "" if single else t["clearly"]
        if "a" in values:
            out["a"] = self.around(values["a"], values.get("a_ci"), lang)
            out["b"] = self.around(values["b"], values.get("b_ci"), lang)
            a, b = values["a"] or 0.0, values["b"] or 0.0
            shown = b > 0 and a > 2 * b
            out["times"] = t["times"].format(t=number(a / b, lang, 0)) if shown else ""
        if "share" in values:
            out["share"] = self.around(values["share"], values["ci"], lang, percent)
        if "refs" in values:
            out["refs"] = self.around(values["refs"], values["refs_ci"], lang, self.units)
        out |= {k: str(values[k]) for k in ("n", "trust_n", "name_n") if values.get(k)}
        return out

    def sentence(self, claim: str, v: registry.Verdict | None, lang: str) -> str:
        t = VERDICT[lang]
        if v is None:
            return t["not_measured"]
        if "checks" in v.values:
            return self.by_checks(v, lang)
        f = self.fields(v, lang)
        first = t.get(f"{claim}_{v.direction}", t["generic"])  # a claim without words of its own
        if claim == "C12" and "a" not in v.values:
            first = t["C12_alone"]
        parts = [first.format(**f)]
        if v.size in ("holds", "fails"):
            parts.append(self.size(claim, v, lang, f))
        if claim == "C1":
            parts.append(self.needs(v, lang))
        if not f["clearly"]:
            parts.append(t["single"])
        return " ".join(p for p in parts if p)

    def size(self, claim: str, v: registry.Verdict, lang: str, f: dict[str, str]) -> str:
        """The size in words: what the essay says met, met within its wording's tolerance
        (close), or missed."""
        t = VERDICT[lang]
        if v.size == "holds":
            key = f"{claim}_size_{'holds' if v.values.get('exact') else 'close'}"
            return t.get(key, t["generic_size_holds"]).format(**f)
        if claim != "C1":
            return t.get(f"{claim}_size_fails", t["generic_size_fails"]).format(**f)
        better, other = registry.FIGURES["C1.better"], registry.FIGURES["C1.other"]
        said = []
        if better.status(*v.values["a_ci"]) == "fails":
            said.append(t["C1_size_high" if v.values["a_ci"][0] > better.high else "C1_size_low"])
        if other.status(*v.values["b_ci"]) == "fails":
            said.append(t["C1_size_other"])
        return " ".join(s.format(**f) for s in said)

    def needs(self, v: registry.Verdict, lang: str) -> str:
        """How much of a habit the essay's fifty takes, from the run's dose-response curves:
        where the builders' mean reaches fifty, between the two values that straddle it (linear),
        and the nearest value measured."""
        curve = habit_curve(self.run, v.values["better"])
        if curve is None:
            return ""
        key, points = curve
        habit, t = HABITS[key], VERDICT[lang]
        fifty = registry.FIGURES["C1.better"].value
        reach = next((i for i, p in enumerate(points) if p["mean"] >= fifty), None)
        point = points[-1 if reach is None else reach]
        figure = self.around(point["mean"], (point["ci_low"], point["ci_high"]), lang)
        shown = habit["value"][lang].format(v=habit_value(key, point["value"], lang))
        if reach is None:
            return t["C1_never"].format(value=shown, a=figure)
        if reach == 0:  # the least of the habit is already enough
            return t["C1_even"].format(value=shown, a=figure)
        low = points[reach - 1]
        share = (fifty - low["mean"]) / (point["mean"] - low["mean"])
        at = low["value"] + share * (point["value"] - low["value"])
        nearest = min((low, point), key=lambda p: abs(p["value"] - at))
        figure = self.around(nearest["mean"], (nearest["ci_low"], nearest["ci_high"]), lang)
        phrase = habit["needs"][lang].format(v=habit_value(key, at, lang))
        near = habit_value(key, nearest["value"], lang)
        return t["C1_needs"].format(better=self.who(v.values["better"], lang), habit=phrase,
                                    value=near, a=figure)  # fmt: skip

    def by_checks(self, v: registry.Verdict, lang: str) -> str:
        """Each citing variant in a sentence: what moved, and whether as the claim expects."""
        t, by_variant = VERDICT[lang], {}
        for c in v.values["checks"]:
            by_variant.setdefault(c["variant"], []).append(c)
        said = []
        for variant, checks in by_variant.items():
            statuses = [registry.check_status(c) for c in checks]
            how = "fails" if "fails" in statuses else (
                "holds" if all(s == "holds" for s in statuses) else "open"
            )  # fmt: skip
            moves = t["and"].join(self.moves(c, lang) for c in checks)
            said.append(t["check"].format(variant=self.variant(variant, lang), moves=moves,
                                          how=t[f"check_{how}"]))  # fmt: skip
        return ". ".join(said) + ". " + t["checks_end"].format(status=t[v.direction])

    def moves(self, c: dict, lang: str) -> str:
        """'what a relationship builder sells falls from 49 to 11'."""
        t = VERDICT[lang]
        if c["metric"] == "ratio" and self.run.contrast:
            return self.lead(c["variant"], lang)
        fmt = percent if c["metric"].startswith("indirect_share") else self.units
        base, value = c["base"], c["value"]
        if base is None or value is None or math.isnan(base) or math.isnan(value):
            moved = t["check_stays"].format(value="-")
        elif c["expected"] == "same" or fmt(base, lang) == fmt(value, lang):
            moved = t["check_stays"].format(value=fmt(value, lang))
        else:
            key = "check_falls" if value < base else "check_rises"
            moved = t[key].format(base=fmt(base, lang), value=fmt(value, lang))
        return f"{self.metric(c['metric'], lang)} {moved}"

    def lead(self, variant: str, lang: str) -> str:
        """How many times as much the contrast's first group sells as the second, in the base
        and then in the variant (the plain ratio of the means, as C1's sentence says it)."""
        t, (better, other) = VERDICT[lang], self.run.contrast
        metrics = self.run.manifest.get("metrics", {})

        who = {"better": self.who(better, lang), "other": self.who(other, lang)}

        def times(name: str) -> tuple[str | None, str]:  # (the ratio, else None; in words)
            a, b = ((metrics.get(name, {}).get(f"units.{g}") or {}).get("mean") or 0.0
                    for g in (better, other))  # fmt: skip
            if a > 0 and b > 0:
                x = number(a / b, lang, 0 if a / b >= 10 else 1)
                return x, t["ratio_times"].format(x=x, **who)
            if a == 0 and b == 0:
                return None, t["ratio_none"]
            return None, t["ratio_zero"].format(who=self.who(better if a == 0 else other, lang))

        (x, first), (y, second) = times("base"), times(variant)
        if x is not None:  # the variant's figure, or what it is when it is no ratio
            return t["m_ratio"].format(x=x, y=y if y is not None else second, **who)
        return t["ratio_then"].format(first=first, second=second)

    def variant(self, name: str, lang: str) -> str:
        return self.run.variant_name(name, lang, base=name)

    def metric(self, metric: str, lang: str) -> str:
        t, (name, _, group) = VERDICT[lang], metric.partition(".")
        contrast = self.run.contrast or ["", ""]
        words = {"who": self.who(group, lang) if group else ""}
        words |= {"better": self.who(contrast[0], lang), "other": self.who(contrast[1], lang)}
        return t.get(f"m_{name}", name).format(**words)

    # --- where it holds (an exploration of the same scene) --------------------------------
    def where(self, box: pl.DataFrame, claim: str) -> dict[str, str] | None:
        """Where the claim holds in the exploration beside the run: the share of its points
        where the direction holds (when the claim has a size of its own), and where it holds in
        full, with PRIM's box in words."""
        rows = box.filter(pl.col("claim") == claim)
        if rows.is_empty():
            return None
        first = rows.row(0, named=True)
        limits = list(rows.filter(pl.col("restricted")).iter_rows(named=True))
        direction = first.get("direction_share")
        out = {}
        both = direction is not None and direction != first["share"]  # a size of its own
        for lang in LANGUAGES:
            t = VERDICT[lang]
            key = "where_both" if both else "where"
            if first["held_points"] == 0:
                key += "_nowhere"
            elif first["held_points"] == first["points"]:
                key += "_everywhere"
            conditions = t["and"].join(self.condition(r, lang) for r in limits)
            out[lang] = t[key].format(
                share=percent(first["share"], lang),
                direction=percent(direction, lang) if both else "",
                conditions=conditions,
            )
        return out

    def condition(self, row: dict, lang: str) -> str:
        t, key = VERDICT[lang], row["parameter"]
        name, kind = self.parameter(key, lang)
        lo, hi = (value_text(kind, row[k], lang) for k in ("low", "high"))
        if row["low"] <= row["range_low"]:
            return t["at_most"].format(name=name, high=hi)
        if row["high"] >= row["range_high"]:
            return t["at_least"].format(name=name, low=lo)
        return t["within"].format(name=name, low=lo, high=hi)

    def parameter(self, key: str, lang: str) -> tuple[str, str]:
        """What a parameter is called in a sentence, and how its values read."""
        if key in PARAMETERS:
            words, kind = PARAMETERS[key]
            return words[lang], kind
        parts = key.split(".")
        trait = parts[-1]
        if trait in HABITS and parts[0] in ("scene", "strategies"):
            group = parts[2] if parts[0] == "scene" else None
            who = self.who(group, lang) if group else self.strategy_member(parts[1], lang)
            return HABITS[trait]["name"][lang].format(who=who), HABITS[trait]["kind"]
        return trait.replace("_", " "), "number"

    def strategy_member(self, strategy: str, lang: str) -> str:
        group = next((g for g, s in self.strategy.items() if s == strategy), strategy)
        return self.who(group, lang)


def value_text(kind: str, value: float, lang: str) -> str:
    """A parameter's or habit's value as a sentence says it: 30 %, 4.5 %, 39 weeks, 0.75, 4.3."""
    if kind == "percent":
        return f"{number(100 * value, lang, digits(100 * value))} %"
    if kind == "weeks":
        return f"{number(value, lang, 0)} {'weken' if lang == 'nl' else 'weeks'}"
    return number(value, lang, digits(value))


def digits(value: float) -> int:
    """Decimals that show two significant digits (none for a whole number or from 10 on)."""
    value = abs(float(value))
    if value.is_integer() or value >= 10:
        return 0
    return 1 if value >= 1 else 2


def habit_value(key: str, value: float, lang: str) -> str:
    return value_text(str(HABITS[key]["kind"]), float(value), lang)


# --- curves and explorations beside the run ------------------------------------------------
def curve_title(report, key: str) -> str:
    """What a curve's axis shows: a habit's words, a parameter's, else its key."""
    if key in HABITS:
        return str(HABITS[key]["axis"][report.lang])
    if key in PARAMETERS:
        return PARAMETERS[key][0][report.lang]
    return key


def habit_curve(run: data.Run, group: str) -> tuple[str, list[dict]] | None:
    """The first habit curve of the run (one with words, HABITS): its key and, by value, the
    group's units (mean, ci_low, ci_high)."""
    points = data.curve_points(run)
    if points is None:
        return None
    for key in run.manifest.get("curves", {}):
        if key not in HABITS:
            continue
        rows = points.filter(pl.col("parameter") == key, pl.col("metric") == f"units.{group}")
        rows = rows.with_columns(pl.col("value").cast(pl.Float64)).sort("value")
        if rows.height:
            return key, rows.to_dicts()
    return None
