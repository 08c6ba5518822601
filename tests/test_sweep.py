"""Sweeps with variants (the boundary of a claim), the sweep report, and calibration (C12-C15)."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.calibration import FIGURES, calibrate
from sim.paths import ROOT
from sim.scenario import load_scenario
from tests.conftest import chromium_page

pytestmark = pytest.mark.xdist_group("sweep")
HOSTILE = "<script>alert('x')</script>"
EXPECTED = {  # the laptop variants' expectations: how many each states
    name: len(info.expect) for name, info in load_scenario("laptop").variant_info.items()
    if info.expect
}  # fmt: skip


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    """A small laptop scene swept over attendance, its variants run at every point."""
    source = tmp_path_factory.mktemp("scenario") / "hostile.toml"
    text = (ROOT / "scenarios" / "laptop.toml").read_text(encoding="utf-8")
    hostile = text.replace("(C5: repetition", f"(C5: {HOSTILE} repetition", 1)
    assert hostile != text
    source.write_text(hostile, encoding="utf-8")
    out = tmp_path_factory.mktemp("sweep")
    args = ["sweep", str(source), "--param", "events.attendance=0.4,0.8", "--variants"]
    args += ["--replications", "2", "--workers", "1", "--quiet", "--out", str(out)]
    args += ["--set", "run.weeks=30", "--set", "scene.members=40"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return out, result.stdout


def test_a_sweep_with_variants_checks_every_expectation_at_every_point(sweep_dir):
    out, stdout = sweep_dir
    checks = pl.read_parquet(out / "checks.parquet")
    expected = EXPECTED  # expectations per variant
    assert checks.height == 2 * sum(expected.values())
    assert set(checks["value"]) == {"0.4", "0.8"}
    assert {"held", "clear", "base_mean", "variant_mean", "expected"} <= set(checks.columns)
    sweep = pl.read_parquet(out / "sweep.parquet")
    assert set(sweep["variant"]) == {"base", *expected}
    one = sweep.filter(variant="one_off", value="0.4", metric="units.builders")
    check = checks.filter(variant="one_off", value="0.4", metric="units.builders").row(
        0, named=True
    )
    assert one["mean"][0] == pytest.approx(check["variant_mean"])
    assert "Expectations at each point" in stdout and "sweep.html" in stdout
    about = json.loads((out / "sweep.json").read_text())
    assert about["grid"] == {"events.attendance": ["0.4", "0.8"]} and about["replications"] == 2


@pytest.mark.browser
def test_the_sweep_report_renders_in_chromium_and_escapes_file_text(sweep_dir):
    page_html = (sweep_dir[0] / "sweep.html").read_text(encoding="utf-8")
    assert HOSTILE not in page_html and "&lt;script&gt;" in page_html
    with chromium_page(sweep_dir[0] / "sweep.html") as (page, errors):
        page.wait_for_function(
            "() => { const d = [...document.querySelectorAll('.plotly-graph-div')];"
            f" return d.length === {sum(EXPECTED.values())}"
            " && d.every(g => g.querySelector('.main-svg')"
            " && g._fullLayout); }",
            timeout=30_000,
        )
        assert page.locator("h2").first.inner_text() == "events.attendance"
        assert page.locator("table tbody tr").count() == 2  # one row per value
    assert errors == []


@pytest.mark.slow
def test_calibration_measures_every_published_figure(tmp_path):
    """Two replications: every modelled figure gets a finite mean inside its CI; the figure the
    model has no mechanism for says so instead of a number."""
    out, table = calibrate(replications=2, out_dir=tmp_path / "cal", workers=2, show_progress=False)
    assert table["id"].to_list() == [f.id for f in FIGURES]
    for row in table.to_dicts():
        if row["id"] == "referred_value":
            assert row["mean"] is None and row["within"] is None
            continue
        assert math.isfinite(row["mean"]) and row["ci_low"] <= row["mean"] <= row["ci_high"]
        assert row["within"] == (row["band_low"] <= row["mean"] <= row["band_high"])
    assert (out / "calibration.parquet").exists()
    assert (out / "bni" / "manifest.json").exists() and (out / "laptop" / "scene.parquet").exists()
