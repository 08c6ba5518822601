"""The report: CI and crossover on hand-made tables, escaping, and the page in a real browser.

The browser test opens report.html from disk in headless Chromium (Playwright driving Debian's
`chromium`, which `make test` installs where missing), waits for every figure to render, fails
on any console or page error, moves the network slider, and checks both languages.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import polars as pl
import pytest
from scipy import stats

from sim.experiments.metrics import across_replications
from sim.experiments.runner import run_scenario
from sim.report.data import crossover_summary, crossover_weeks
from sim.report.page import build_report
from sim.scenario import load_scenario
from tests.conftest import CHROMIUM, chromium_page

HOSTILE = "<script>alert('x')</script>"
HOSTILE_NAME = "<script>alert(1)"  # a file name cannot hold "/"


# --- the numbers ------------------------------------------------------------------------------
def test_confidence_interval_is_the_t_interval_across_replications():
    per_rep = pl.DataFrame({"group": ["a", "a", "a", "b"], "value": [1.0, 2.0, 3.0, 5.0]})
    out = {r["group"]: r for r in across_replications(per_rep, ["group"], "value").to_dicts()}
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)  # sd of 1, 2, 3 is 1
    assert out["a"]["mean"] == pytest.approx(2.0)
    assert out["a"]["ci_low"] == pytest.approx(2.0 - half)
    assert out["a"]["ci_high"] == pytest.approx(2.0 + half)
    assert out["b"]["ci_low"] == out["b"]["ci_high"] == 5.0  # one replication: no width


def steps_table(rows):
    """Hand-made steps: (variant, replication, group, step, units_cum_per_seller)."""
    return pl.DataFrame(
        rows,
        schema=["variant", "replication", "group", "step", "units_cum_per_seller"],
        orient="row",
    ).with_columns(pl.lit(1).alias("sellers"))


CONTRAST = ["builders", "pitchers"]


def test_crossover_is_the_first_week_the_builder_is_strictly_ahead():
    direct = [0, 1, 1, 1, 1]
    builder = [0, 0, 1, 2, 3]  # equal in week 2, ahead from week 3
    never = [0, 0, 0, 0, 0]
    rows = [("base", 0, "pitchers", w, v) for w, v in enumerate(direct)]
    rows += [("base", 0, "builders", w, v) for w, v in enumerate(builder)]
    rows += [("base", 1, "pitchers", w, v) for w, v in enumerate(direct)]
    rows += [("base", 1, "builders", w, v) for w, v in enumerate(never)]
    weeks = crossover_weeks(steps_table(rows), CONTRAST).sort("replication")
    assert weeks["crossover_week"].to_list() == [3, None]
    summary = crossover_summary(steps_table(rows), CONTRAST).to_dicts()[0]
    assert summary["crossed"] == 1 and summary["replications"] == 2
    assert summary["mean"] == summary["ci_low"] == summary["ci_high"] == 3


def test_no_crossover_where_a_variant_lacks_one_of_the_strategies():
    rows = [("base", 0, "builders", w, w) for w in range(4)]
    rows += [("other", 0, "pitchers", w, 0) for w in range(4)]
    rows += [("other", 0, "builders", w, w) for w in range(4)]
    weeks = crossover_weeks(steps_table(rows), CONTRAST)
    assert weeks["variant"].to_list() == ["other"] and weeks["crossover_week"].to_list() == [1]


def test_crossover_with_spread_has_a_t_interval():
    rows = []
    for rep, cross in enumerate([2, 4, 6]):
        rows += [("base", rep, "pitchers", w, 1) for w in range(8)]
        rows += [("base", rep, "builders", w, 2 if w >= cross else 0) for w in range(8)]
    summary = crossover_summary(steps_table(rows), CONTRAST).to_dicts()[0]
    half = stats.t.ppf(0.975, 2) * 2 / math.sqrt(3)
    assert summary["mean"] == pytest.approx(4)
    assert summary["ci_high"] - summary["ci_low"] == pytest.approx(2 * half)


# --- a small run ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A short laptop-like run whose scenario text and a variant name are hostile HTML."""
    folder = tmp_path_factory.mktemp("scenario")
    path = folder / f"{HOSTILE_NAME}.toml"  # no `name` key: the scenario is named after the file
    path.write_text(
        f"""
[scenario]
description = "{HOSTILE} & friends FILE_SIZE"
display = {{ en = "Shown {HOSTILE}", nl = "Getoond {HOSTILE}" }}
claims = ["C1", "C2", "C3", "C4", "C5", "C10"]
contrast = ["builders", "pitchers"]

[params.scene]
members = 60
outer_per_member = 10

[params.run]
weeks = 104
network_every_weeks = 13

[variants.once]
description = "events happen once <img src=x onerror=alert(1)> {HOSTILE} (C5)"
display = {{ en = "Once {HOSTILE}", nl = "Eenmalig {HOSTILE}" }}
set = {{ "events.count" = 1 }}
expect = {{ "units.builders" = "lower" }}

[report.curves]
one_to_ones = [0, 4]
""",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("run")
    scenario = load_scenario(str(path))
    run_scenario(scenario, replications=3, workers=2, out_dir=out, show_progress=False)
    return out


def test_user_strings_are_escaped(small_run):
    text = build_report(small_run, "en").read_text(encoding="utf-8")
    assert HOSTILE not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&amp; friends FILE_SIZE</p>" in text and "This file:" in text  # not a placeholder
    # a scenario named after its file gets a slug of the file name, never markup or a path;
    # an audience reads its display name, escaped
    assert HOSTILE_NAME not in text
    assert "<title>Networking simulation report: Shown &lt;script" in text


def test_the_report_is_one_offline_file_with_plotly_inlined_once(small_run):
    text = build_report(small_run, "en").read_text(encoding="utf-8")
    head, body = text.split("</head>", 1)
    assert head.count("<script") == 1 and "plotly.js v" in head  # the library, once, inline
    assert "plotly.js v" not in body and "<script src" not in body
    assert 'src="http' not in body and 'href="http' not in body  # nothing fetched from the web
    assert body.count('class="plotly-graph-div"') == 5  # the dose-response curves too


def test_numbers_follow_the_language(small_run):
    english = build_report(small_run, "en").read_text(encoding="utf-8")
    dutch = build_report(small_run, "nl").read_text(encoding="utf-8")
    assert '<html lang="nl">' in dutch and "Verkochte stuks over 2 jaar" in dutch
    assert '"separators":",."' in dutch and '"separators":".,"' in english
    seed = load_scenario("laptop").params.run.seed
    assert f"{seed:,}".replace(",", ".") not in dutch  # seeds are identifiers, not numbers


def test_report_command_rejects_a_folder_that_is_not_a_run(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "manifest.json" in result.stderr
    result = CliRunner().invoke(app, ["report", str(tmp_path), "--lang", "fr"])
    assert result.exit_code == 2 and "allowed: en, nl" in result.stderr


# --- in a real browser --------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_renders_in_chromium_without_errors_and_the_slider_moves(small_run, lang):
    path = build_report(small_run, lang)
    with chromium_page(path) as (page, errors):
        page.wait_for_function(
            "() => { const d = [...document.querySelectorAll('.plotly-graph-div')];"
            " return d.length === 5 && d.every(g => g.querySelector('.main-svg')"
            " && g._fullLayout); }",
            timeout=30_000,
        )
        assert page.locator("html").get_attribute("lang") == lang
        heading = {"en": "Units sold over 2 years", "nl": "Verkochte stuks over 2 jaar"}
        assert page.locator("#headline h2").inner_text() == heading[lang]

        # Move the slider by clicking the far end of its rail, as a user would.
        rail = page.locator("#fig-network .slider-rail-touch-rect").first
        rail.scroll_into_view_if_needed()
        box = rail.bounding_box()
        before = page.evaluate("document.getElementById('fig-network')._fullLayout")
        assert before["sliders"][0]["active"] == 0
        edges_before = page.evaluate(
            "document.getElementById('fig-network').data.map(t => t.x.length)"
        )
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
        page.wait_for_function(
            "document.getElementById('fig-network')._fullLayout.sliders[0].active > 0"
        )
        # the network of a later week is drawn: wait until the traces' edges differ
        page.wait_for_function(
            "before => JSON.stringify(document.getElementById('fig-network').data"
            ".map(t => t.x.length)) !== JSON.stringify(before)",
            arg=edges_before,
        )
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_claims_are_verdicts_in_words_and_the_curves_a_chart(small_run, lang):
    """The claims section: each claim's direction and size as words, its sentence, no check
    marks or thresholds; the dose-response chart: each focal group's units at each value."""
    from sim.report.verdicts import load

    path = build_report(small_run, lang)
    text = path.read_text(encoding="utf-8")
    claims_html = text.split('<section id="claims">', 1)[1].split("</section>", 1)[0]
    assert not re.search(r"[✓✗≥≤]", claims_html)
    for verdict in load(small_run):
        assert html.escape(verdict["sentence"][lang], quote=True) in claims_html
    with chromium_page(path) as (page, errors):
        page.wait_for_function("() => document.getElementById('fig-curves')?._fullLayout")
        rows = page.locator("#claims tbody tr")
        assert rows.count() == 6 and rows.first.locator(".status").count() == 2
        traces = page.evaluate(
            "document.getElementById('fig-curves').data.filter(t => t.mode === 'lines+markers')"
            ".map(t => t.x.length)"
        )
        assert traces == [2, 2]  # pitchers and builders, at 0 and 4 one-to-ones a month
    assert errors == []


def test_cumulative_band_contains_its_mean(small_run):
    from sim.report.data import cumulative_units, load_run

    bands = cumulative_units(load_run(small_run))
    assert bands.height > 0
    assert (bands["ci_low"] <= bands["mean"] + 1e-12).all()
    assert (bands["mean"] <= bands["ci_high"] + 1e-12).all()
    assert np.all(np.diff(bands.filter(variant="base", group="builders")["mean"]) >= 0)


@pytest.mark.browser
def test_figures_are_exported_as_png_with_debian_chromium(small_run):
    """`make figures`: kaleido renders the headline charts in Debian's chromium (no download)."""
    from sim.report.figures import export_figures

    assert CHROMIUM, "Debian's chromium is missing: run `make test`, which installs it"
    paths = export_figures(small_run, "nl")
    assert [p.name for p in paths] == ["headline.png", "sources.png", "memory_trust.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def test_sources_add_up_to_the_units_per_focal_seller(small_run):
    """The sources chart splits each focal seller's units; its parts sum to their mean."""
    from sim.report.data import load_run, sales_sources

    run = load_run(small_run)
    parts = sales_sources(run).group_by("group").agg(pl.col("mean").sum())
    agents = run.tables["agents"].filter(variant="base", focal=True)
    assert set(parts["group"]) == {"pitchers", "builders"}
    for group, total in zip(parts["group"], parts["mean"], strict=True):
        expected = agents.filter(group=group)["units"].mean()
        assert total == pytest.approx(expected), group


def test_a_strategy_keeps_its_colour_whatever_the_rosters_order():
    """Builders look alike in every report and app view (laptop lists its pitchers first,
    bni_world its builders): a group's colour follows its strategy; a second group of the same
    strategy takes a colour that none of the groups' own strategies has."""
    from sim.model.strategies import STRATEGIES
    from sim.report.page import PALETTE, group_colours

    builder, seller = list(STRATEGIES)[1], list(STRATEGIES)[0]
    laptop = group_colours([("pitchers", seller), ("builders", builder)])
    world = group_colours([("builders", builder), ("pitchers", seller)])
    assert laptop == world
    assert laptop["builders"] != laptop["pitchers"]
    twins = group_colours([("a", builder), ("b", builder), ("c", seller)])
    assert twins["a"] == laptop["builders"] and twins["c"] == laptop["pitchers"]
    assert twins["b"] in PALETTE and twins["b"] not in (twins["a"], twins["c"])
    many = group_colours([(f"g{i}", builder) for i in range(len(PALETTE) + 1)])
    assert set(many.values()) == {*PALETTE, "#999"}  # the palette's colours, then grey
    assert many[f"g{len(PALETTE)}"] == "#999"
