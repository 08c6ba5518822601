"""A posterior exploration's probabilities in words: per claim, how likely it holds given the
evidence (the share of the posterior's draws where it holds, with its Wilson 95 % interval) and
which mechanisms decide it, by their names (sim/report/verdict_text.py). The claims atlas, `python
-m sim claims` and the workshop deck say the same sentences. Claims: C1, C2, C10, C12 and every
claim the registry measures (sim/experiments/claims.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from sim.experiments.discovery import QP_DECIDES
from sim.report.atlas_text import EVIDENCE
from sim.report.data import base_digest
from sim.report.i18n import LANGUAGES, TEXT, number
from sim.report.verdict_text import PARAMETERS


def parameter_name(key: str, lang: str) -> str:
    """A mechanism as a sentence names it (sim/report/verdict_text.py), never its key."""
    if key in PARAMETERS:
        return PARAMETERS[key][0][lang]
    return key.rsplit(".", 1)[-1].replace("_", " ")


def post_sentence(row: dict, evidence: str | None, lang: str) -> str:
    """ "Given BNI's published figures, this holds with a probability of about 0.70 (between
    0.58 and 0.80).": a claim's first boundaries row (share and its Wilson interval)."""
    said = EVIDENCE.get(evidence, EVIDENCE[None])[lang]
    p, lo, hi = (number(row[k], lang, 2) for k in ("share", "share_ci_low", "share_ci_high"))
    key = "atlas_post_sentence"
    if row["held_points"] in (0, row["points"]):  # "about 0.00" says less than "none of 40"
        key = "atlas_post_none" if row["held_points"] == 0 else "atlas_post_all"
    return TEXT[lang][key].format(given=said, p=p, lo=lo, hi=hi, n=row["points"])


def deciding(rows: pl.DataFrame) -> list[str]:
    """The parameters that decide whether the claim holds: those PRIM's box restricts beyond
    chance (quasi-p-value below QP_DECIDES), the most certain first."""
    if "qp" not in rows.columns:  # an exploration analysed without the test
        return rows.filter(pl.col("restricted"))["parameter"].to_list()
    chosen = rows.filter(pl.col("restricted") & (pl.col("qp") < QP_DECIDES)).sort("qp")
    return chosen["parameter"].to_list()


def deciders(rows: pl.DataFrame, lang: str) -> str:
    """The mechanisms that decide whether the claim holds, in words."""
    names = [parameter_name(k, lang) for k in deciding(rows)]
    if len(names) > 1:
        names = [", ".join(names[:-1]), names[-1]]
    return TEXT[lang]["atlas_post_and"].join(names)


def posterior_quote(rows: pl.DataFrame, evidence: str | None, full=True) -> dict[str, str]:
    """A claim's probability given the evidence (and its direction's, when only its size is in
    doubt) and, when `full`, what decides it, in every language."""
    first = rows.row(0, named=True)
    out = {}
    for lang in LANGUAGES:
        t, names = TEXT[lang], deciders(rows, lang)
        said = post_sentence(first, evidence, lang)
        direction = first.get("direction_share")
        if direction is not None and direction - first["share"] >= 0.1:  # the size is in doubt
            key = "atlas_post_direction_all" if direction == 1 else "atlas_post_direction"
            key += "_never" if first["held_points"] == 0 else ""  # the size is not in doubt
            said += " " + t[key].format(p=number(direction, lang, 2))
        if full and 0 < first["held_points"] < first["points"]:
            more = t["atlas_post_depends"].format(names=names) if names else ""
            said += " " + (more or t["atlas_post_no_single"])
        out[lang] = said
    return out


def posterior_quotes(run_dir: Path, base_sha256: str, full=True) -> dict[str, dict[str, str]]:
    """Per claim, the quote of the newest finished posterior exploration of the run's scene and
    base beside it (results/<scenario>/explore-*), or {} when there is none."""
    for folder in sorted(Path(run_dir).parent.glob("explore-*"), reverse=True):
        try:
            m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if m["status"] != "complete" or m["experiment"]["base_sha256"] != base_sha256:
                continue
            if not (folder / "boundaries.parquet").is_file():
                continue
            if m["design"]["design"] != "posterior":
                continue  # a box: a verdict's `where` says it (sim/report/data.py)
            bounds = pl.read_parquet(folder / "boundaries.parquet")
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            continue
        evidence = (m.get("posterior") or {}).get("evidence")
        quotes = {
            claim: posterior_quote(rows, evidence, full)
            for (claim,), rows in bounds.group_by("claim", maintain_order=True)
            if rows["points"][0]  # measured at some draw
        }
        return quotes
    return {}


def with_posterior(found: list[dict], run, full=True) -> list[dict]:
    """A run's verdicts (sim/report/verdicts.py) with the probability given the evidence: each
    claim a finished posterior exploration beside the run measured gets `posterior` ({en, nl})
    and says it after its `where` (what the newest box exploration says, if any)."""
    quotes = posterior_quotes(run.out_dir, base_digest(run.params()), full)
    out = []
    for item in found:
        quote = quotes.get(item["claim"])
        if quote:
            where = item.get("where") or {}
            said = {lang: " ".join(filter(None, (where.get(lang), quote[lang]))) for lang in quote}
            item = {**item, "posterior": quote, "where": said}
        out.append(item)
    return out
