"""The inference's page (`posterior.html`, C12, C5) on a hand-made inference folder: it is written,
works offline, speaks the language asked for, says in words which mechanism the figures pin
down and which they leave at its prior, shows no parameter keys, and renders in chromium."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import polars as pl
import pytest

from sim.experiments.infer import PRIORS, summary, targets
from sim.report import posterior
from sim.report.verdict_text import PARAMETERS
from tests.conftest import chromium_page

NARROW, WIDE = "referrals.mention", "ties.belief"
BANDS = {"bni_referrals": (37.8, 57.2), "bni_fortnightly": (0.42, 0.62), "bni_size": (2.0, 4.0)}


def inference_folder(path, particles: int = 300, draws: int = 60):
    """An inference folder: particles within the priors (one mechanism narrow, the rest wide,
    the half-life of trust following the mention chance), a predictive table, a manifest."""
    rng = np.random.default_rng(3)
    columns = {}
    for key, p in PRIORS.items():
        if p.log:
            columns[key] = np.exp(rng.uniform(np.log(p.low), np.log(p.high), particles))
        else:
            columns[key] = rng.uniform(p.low, p.high, particles)
    columns[NARROW] = np.clip(np.exp(rng.normal(np.log(0.06), 0.08, particles)), 0.01, 0.2)
    follow = np.log(columns[NARROW] / 0.06) * 6 + np.log(40) + rng.normal(0, 0.1, particles)
    columns["trust.half_life_weeks"] = np.clip(np.exp(follow), 16, 104)
    weight = rng.uniform(0.2, 1.0, particles)
    frame = pl.DataFrame(columns | {"weight": weight / weight.sum()})
    frame.write_parquet(path / "posterior.parquet")
    rows = []
    for target, (low, high) in BANDS.items():
        middle = (low + high) / 2
        values = rng.normal(middle, (high - low) / 3, draws)
        values[:2] = np.inf if target == "bni_size" else values[:2]
        rows += [
            {"draw": d, "target": target, "value": float(v), "observed": middle,
             "low": low, "high": high}
            for d, v in enumerate(values)
        ]  # fmt: skip
    pl.DataFrame(rows).write_parquet(path / "predictive.parquet")
    manifest = {
        "kind": "inference",
        "scenario": "scenarios/bni.toml",
        "settings": {"particles": particles, "generations": 3, "replications": 1, "seed": 7,
                     "workers": 1},
        "priors": {k: {**p.__dict__} for k, p in PRIORS.items()},
        "targets": {t: {"observed": m, "half_width": h} for t, (m, h) in targets().items()},
        "generations": [
            {"generation": g, "epsilon": e, "simulations": s}
            for g, e, s in ((0, 6.5, 300), (1, 2.4, 610), (2, 1.1, 1450))
        ],
        "summary": summary(frame),
        "status": "complete",
    }  # fmt: skip
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path):
    return inference_folder(tmp_path)


def paragraph(text: str, verdict: str) -> str:
    found = re.search(rf'<p class="verdict {verdict}">(.*?)</p>', text, flags=re.S)
    assert found, f"no sentence for {verdict}"
    return found[1]


def test_the_synthetic_folder_has_one_narrow_and_one_wide_parameter(folder):
    rows = {
        r["parameter"]: r for r in json.loads((folder / "manifest.json").read_text())["summary"]
    }
    assert rows[NARROW]["share_of_prior"] < 0.5 and rows[WIDE]["share_of_prior"] > 0.8


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_page_is_written_offline_and_in_its_language(folder, lang):
    path = posterior.write_page(folder, lang)
    assert path == folder / "posterior.html"
    text = path.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in text
    assert not re.search(r"<script[^>]*\bsrc=[\"']?https?:", text)  # plotly.js is inlined
    assert not re.search(r"<link[^>]*href=[\"']?https?:", text)
    words = {
        "en": ["What the figures say", "BNI referrals per member per year", "pin down"],
        "nl": ["Wat de cijfers zeggen", "doorverwijzingen per lid per jaar bij BNI",
               "tweewekelijks tegenover wekelijks", "een chapter van 30 tegenover 15", "vast"],
    }  # fmt: skip
    other = "en" if lang == "nl" else "nl"
    for word in words[lang]:
        assert word in text, word
    assert words[other][0] not in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_narrow_parameter_is_pinned_and_the_wide_left_at_its_prior(folder, lang):
    text = posterior.write_page(folder, lang).read_text(encoding="utf-8")
    pinned, prior = paragraph(text, "pinned"), paragraph(text, "prior")
    narrow, wide = (PARAMETERS[k][0][lang] for k in (NARROW, WIDE))
    assert narrow in pinned and narrow not in prior
    assert wide in prior and wide not in pinned
    # numbers with their interval said in words
    assert re.search(r"(about|zo'n) 6([.,]\d)? %, (between|tussen) \d", html.unescape(pinned))


def test_the_page_names_no_parameter_keys_and_escapes_the_manifest(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["scenario"] = "scenarios/<script>alert(1).toml"  # a file name holds no "/"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    text = posterior.write_page(folder).read_text(encoding="utf-8")
    body = text.split("</head>", 1)[1]
    for key in PRIORS:
        assert key not in body and key.replace(".", "__") not in body, key
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text


def test_the_predictive_check_counts_the_draws_within_the_band(folder):
    text = posterior.write_page(folder).read_text(encoding="utf-8")
    pred = pl.read_parquet(folder / "predictive.parquet").filter(pl.col("target") == "bni_size")
    within = pred.filter((pl.col("value") >= 2.0) & (pl.col("value") <= 4.0)).height
    assert f"Of 60 chapters simulated with values drawn from the result, {within} (" in text
    assert "In 2 of them the figure is undefined" in text


def test_without_a_predictive_table_the_page_still_builds(folder):
    (folder / "predictive.parquet").unlink()
    text = posterior.write_page(folder, "nl").read_text(encoding="utf-8")
    assert "nog geen gesimuleerde chapters" in text


def test_the_strongest_link_is_the_constructed_one(folder):
    page = posterior.Posterior(folder)
    r, a, b = page.strongest()[0]
    assert {a, b} == {NARROW, "trust.half_life_weeks"} and r > 0.5


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_page_renders_in_chromium_without_errors(folder, lang):
    path = posterior.write_page(folder, lang)
    expected = len(PRIORS) + len(posterior.Posterior(folder).strongest()) + 3
    with chromium_page(path) as (page, errors):
        page.wait_for_function(
            "n => { const d = [...document.querySelectorAll('.plotly-graph-div')];"
            " return d.length === n && d.every(g => g.querySelector('.main-svg')"
            " && g._fullLayout); }",
            arg=expected,
            timeout=30_000,
        )
        assert page.locator("#fig-marginal-0 .scatterlayer .trace").count() >= 2
        assert page.locator("#fig-check-0 .barlayer .point").count() > 0
    assert errors == []
