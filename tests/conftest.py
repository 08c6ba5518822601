"""Shared fixtures: small parameter sets that run in well under a second, and full scenario
runs simulated once per test worker (session scope: a worker that moves between test modules
keeps them; `make test` groups each scenario's tests on one worker with --dist loadgroup)."""

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from hypothesis import settings

from sim.config import Params
from sim.scenario import Scenario, apply_overrides, load_scenario

# Property tests: derandomized under CI (the same examples on every run, so CI is
# reproducible); locally each run draws new examples. HYPOTHESIS_PROFILE=ci|dev chooses.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)


def small_params(**overrides) -> Params:
    base = {
        "scene.members": 40,
        "scene.sectors": 5,
        "scene.outer_per_member": 10,
        "scene.member_outer_ties": 20,
        "run.weeks": 52,
    }
    base.update(overrides)
    return apply_overrides(Params(), base, "test")


@dataclass
class Finished:
    """A finished scenario run, kept light: its checks and metric summary; tables on disk."""

    scenario: Scenario
    checks: list[dict]
    summary: pl.DataFrame
    out_dir: Path

    def table(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.out_dir / f"{name}.parquet")

    def check(self, variant: str, metric: str) -> dict:
        return next(c for c in self.checks if c["variant"] == variant and c["metric"] == metric)

    def base(self) -> dict[str, dict]:
        return {r["metric"]: r for r in self.summary.filter(variant="base").to_dicts()}


@pytest.fixture(scope="session")
def finished_runs(tmp_path_factory):
    """finished_runs(name, replications, base_only=False): the scenario run once per worker."""
    from sim.experiments.runner import run_scenario

    cache: dict[tuple, Finished] = {}

    def get(name: str, replications: int, base_only: bool = False) -> Finished:
        key = (name, replications, base_only)
        if key not in cache:
            scenario = load_scenario(name)
            if base_only:
                scenario.variants = {"base": scenario.variants["base"]}
                scenario.variant_info = {"base": scenario.variant_info["base"]}
            out = tmp_path_factory.mktemp(name)
            result = run_scenario(
                scenario, replications=replications, workers=2, out_dir=out,
                show_progress=False, curves=False,
            )  # fmt: skip
            cache[key] = Finished(scenario, result.checks, result.summary, out)
        return cache[key]

    return get


# --- a page in Debian's chromium -----------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _browser_mark(request, monkeypatch):
    """`make test-fast` deselects the tests marked `browser`; a test that drives chromium
    without the mark fails, so the fast tier never needs the browser. (An environment variable:
    the test modules import this file again as tests.conftest, a second module.)"""
    if request.node.get_closest_marker("browser") is not None:
        monkeypatch.setenv("NETSIM_TEST_BROWSER", "1")
    else:
        monkeypatch.delenv("NETSIM_TEST_BROWSER", raising=False)


@contextmanager
def chromium_page(path: Path | str, width: int = 1280, height: int = 900):
    """The offline page at `path` (or an http URL on 127.0.0.1) in Debian's chromium: yields the
    page and the list its console errors and page errors are collected in; the browser closes
    afterwards."""
    from playwright.sync_api import sync_playwright

    assert os.environ.get("NETSIM_TEST_BROWSER"), "a test that drives chromium is marked browser"
    assert CHROMIUM, "Debian's chromium is missing: run `make test`, which installs it"
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            url = path if str(path).startswith("http://") else Path(path).resolve().as_uri()
            page.goto(url)
            yield page, errors
        finally:
            browser.close()
