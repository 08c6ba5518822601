"""`sim infer`: ABC-SMC (pyabc) over the unmeasured mechanisms against BNI's published figures
(C12, C5): a tiny inference writes a weighted posterior and its manifest, the same seed gives the
same posterior, a stopped inference goes on from its database, bad input is one line."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from sim import cli
from sim.experiments.infer import PRIORS

pytestmark = pytest.mark.xdist_group("infer")
TINY = [
    *("--particles", "16", "--generations", "2", "--replications", "1", "--predictive", "4"),
    *("--set", "run.weeks=26", "--quiet"),
]


def sim(capsys, monkeypatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["sim", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as ended:
        code = ended.code or 0
    return code, capsys.readouterr().err.strip()


@pytest.fixture(scope="module")
def inferred(tmp_path_factory):
    out = tmp_path_factory.mktemp("infer") / "bni"
    monkey = pytest.MonkeyPatch()
    args = ["sim", "infer", "bni", *TINY, "--seed", "5", "--workers", "1", "--out", str(out)]
    monkey.setattr(sys, "argv", args)  # one worker: this process simulates every slot
    try:
        cli.main()
    except SystemExit as ended:
        assert not ended.code
    finally:
        monkey.undo()
    return out


def test_a_tiny_inference_writes_a_weighted_posterior_and_its_manifest(inferred):
    posterior = pl.read_parquet(inferred / "posterior.parquet")
    assert posterior.columns == [*PRIORS, "weight"] and posterior.height == 16
    assert posterior["weight"].sum() == pytest.approx(1.0) and posterior["weight"].min() >= 0
    for key, prior in PRIORS.items():  # every particle inside its prior's support
        assert posterior[key].min() >= prior.low and posterior[key].max() <= prior.high, key
    manifest = json.loads((inferred / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["sets"] == ["run.weeks=26"]
    page = (inferred / "posterior.html").read_text(encoding="utf-8")
    assert "referrals.mention" not in page and '<script src="http' not in page  # words, offline
    predictive = pl.read_parquet(inferred / "predictive.parquet")
    assert predictive.height == 4 * 3 and set(predictive["draw"]) == set(range(4))
    for row in predictive.iter_rows(named=True):  # each target against its published band
        assert row["low"] < row["observed"] < row["high"], row
        assert manifest["targets"][row["target"]]["observed"] == pytest.approx(row["observed"])
    eps = [g["epsilon"] for g in manifest["generations"]]
    assert len(eps) == 2 and eps[1] < eps[0]  # each generation accepts closer fits
    assert all(g["simulations"] >= 16 for g in manifest["generations"])
    assert set(manifest["targets"]) == {"bni_referrals", "bni_fortnightly", "bni_size"}
    assert [r["parameter"] for r in manifest["summary"]] == list(PRIORS)
    for row in manifest["summary"]:
        assert row["prior_low"] <= row["low"] <= row["median"] <= row["high"] <= row["prior_high"]
        assert 0 <= row["share_of_prior"] <= 1


def test_weighted_quantiles_are_those_of_the_weighted_sample():
    """Equal weights: the midpoint-rule quantiles of the sample; all weight on one value: it."""
    import numpy as np

    from sim.experiments.infer import weighted_quantiles

    x = np.array([4.0, 1.0, 3.0, 2.0])
    assert weighted_quantiles(x, np.ones(4), [0.125, 0.5, 0.875]).tolist() == [1.0, 2.5, 4.0]
    w = np.array([0.0, 0.0, 1.0, 0.0])
    assert weighted_quantiles(x, w, [0.05, 0.5, 0.95]).tolist() == [3.0, 3.0, 3.0]
    # weights 1/4 and 3/4: their midpoints 1/8 and 5/8; the median interpolates between them
    twice = weighted_quantiles(np.array([1.0, 2.0]), np.array([1.0, 3.0]), [0.5, 0.1, 0.9])
    assert twice.tolist() == [1.75, 1.0, 2.0]


@pytest.mark.slow  # two more inferences
def test_the_same_seed_gives_the_same_posterior_on_any_worker_count_or_cluster(
    inferred, tmp_path, capsys, monkeypatch
):
    """Particles are kept in the order of their slots, each slot seeded by its identity: two
    local workers and a Dask LocalCluster give the one-worker posterior and predictive checks."""
    for name, where in (("two", ["--workers", "2"]), ("cluster", ["--cluster", "local"])):
        out = tmp_path / name
        args = ["infer", "bni", *TINY, "--seed", "5", "--out", str(out), *where]
        assert sim(capsys, monkeypatch, *args)[0] == 0
        for table in ("posterior.parquet", "predictive.parquet"):
            assert pl.read_parquet(inferred / table).equals(pl.read_parquet(out / table)), name
        generations = (json.loads((p / "manifest.json").read_text()) for p in (inferred, out))
        assert next(generations)["generations"] == next(generations)["generations"]


def _generations_stored(db: Path) -> int:
    """Generations pyabc's database holds (read while another process writes it)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM populations WHERE t >= 0").fetchone()[0]
    except sqlite3.Error:  # the tables are not made yet
        return 0


@pytest.mark.slow  # one more, in two parts
def test_a_killed_inference_resumes_to_the_posterior_of_one_never_stopped(inferred, tmp_path):
    """Killed once its first generation is stored: --resume adds the second, and the posterior
    and predictive checks are those of the inference that never stopped (the same seed)."""
    cut = tmp_path / "cut"
    command = [sys.executable, "-m", "sim", "infer", "bni", *TINY, "--seed", "5", "--out", str(cut)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if _generations_stored(cut / "abc.db") >= 1:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert _generations_stored(cut / "abc.db") == 1  # killed between the two generations
    assert json.loads((cut / "manifest.json").read_text())["status"] == "running"
    assert not (cut / "posterior.parquet").exists()
    again = [sys.executable, "-m", "sim", "infer", "--resume", str(cut), "--quiet"]
    result = subprocess.run(again, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((cut / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["generations"]) == 2
    for table in ("posterior.parquet", "predictive.parquet"):
        assert pl.read_parquet(inferred / table).equals(pl.read_parquet(cut / table)), table


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["laptop"], "give a chapter scenario with the variants base, fortnightly and small"),
        ([], "give a scenario, or --resume FOLDER"),
        (["laptop", "--resume", "/nonexistent/x"], "no inference here"),
        (["--resume", "/nonexistent/x"], "no inference here"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, monkeypatch, args, said):
    code, err = sim(capsys, monkeypatch, "infer", *args, "--particles", "4")
    assert code == 2 and said in err and "\n" not in err and "Traceback" not in err, err


@pytest.mark.slow  # four small inferences
def test_values_simulated_at_known_parameters_fall_inside_their_intervals(tmp_path):
    """Simulation-based calibration at a small size: four parameter sets drawn from the prior,
    their figures simulated and inferred back as if published, by one generation of 30
    particles (rejection: equal weights). The known values fall inside the posterior's 90 %
    intervals most of the time: a biased posterior, or one far too narrow, falls short of three
    in four (measured here: 19 of 24; the empirical 5-95 % range of 30 particles covers about
    87 % even when exact). At this size the figures say little, so this checks the machinery,
    not how much the figures pin down: the larger checks in docs/evidence.md measure that, and
    the next test that the figures do move with the mechanisms."""
    from sim.cli_options import load
    from sim.experiments.infer import Settings, calibration_check

    scenario = load("bni", ["run.weeks=26"])
    rows = calibration_check(scenario, Settings(30, 1, 1, 11, 1, 1), 4, tmp_path)
    assert rows.height == 4 * len(PRIORS) and (tmp_path / "check.parquet").is_file()
    assert set(rows["case"]) == set(range(4))
    assert rows["inside"].mean() >= 0.75, rows


def test_the_figures_move_with_the_mechanism_they_pin_down():
    """What makes a mechanism identifiable: the chance a contact mentions a need, from the low to
    the high end of its prior, several times multiplies the referrals a member passes (the same
    seed, every other mechanism in the middle of its prior)."""
    from sim.cli_options import load
    from sim.experiments.infer import Simulator

    middle = {k: (p.low * p.high) ** 0.5 if p.log else (p.low + p.high) / 2
              for k, p in PRIORS.items()}  # fmt: skip
    simulator = Simulator(load("bni", ["run.weeks=52"]), 1, 3)
    few, many = (simulator.statistics({**middle, "referrals.mention": m}, 7) for m in (0.02, 0.15))
    assert many["bni_referrals"] > 3 * few["bni_referrals"] > 0, (few, many)
