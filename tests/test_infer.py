"""`sim infer`: ABC-SMC (pyabc) over the unmeasured mechanisms against BNI's published figures
(C12, C5): a tiny inference writes a weighted posterior and its manifest, the same seed gives the
same posterior, a stopped inference goes on from its database, bad input is one line."""

import json
import sys

import polars as pl
import pytest

from sim import cli
from sim.experiments.infer import PRIORS

pytestmark = pytest.mark.xdist_group("infer")
TINY = ["--particles", "16", "--generations", "2", "--replications", "1", "--set", "run.weeks=26"]


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
    monkey.setattr(sys, "argv", ["sim", "infer", "bni", *TINY, "--seed", "5", "--out", str(out)])
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


@pytest.mark.slow  # a second inference
def test_the_same_seed_gives_the_same_posterior(inferred, tmp_path, capsys, monkeypatch):
    out = tmp_path / "again"
    assert sim(capsys, monkeypatch, "infer", "bni", *TINY, "--seed", "5", "--out", str(out))[0] == 0
    first, again = (pl.read_parquet(p / "posterior.parquet") for p in (inferred, out))
    assert first.equals(again)


@pytest.mark.slow  # two more
def test_a_stopped_inference_goes_on_from_its_database(tmp_path, capsys, monkeypatch):
    """One generation done (as if killed after it): --resume adds the missing one, keeping it."""
    out = tmp_path / "cut"
    one = [*TINY[:2], "--generations", "1", *TINY[4:], "--seed", "6", "--out", str(out)]
    assert sim(capsys, monkeypatch, "infer", "bni", *one)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    first = manifest["generations"][0]
    manifest["settings"]["generations"], manifest["status"] = 2, "running"
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert sim(capsys, monkeypatch, "infer", "--resume", str(out))[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["generations"]) == 2
    assert manifest["generations"][0] == first


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["laptop"], "give a chapter scenario with the variants base, fortnightly and small"),
        ([], "give a scenario, or --resume FOLDER"),
        (["--resume", "/nonexistent/x"], "no inference here"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, monkeypatch, args, said):
    code, err = sim(capsys, monkeypatch, "infer", *args, "--particles", "4")
    assert code == 2 and said in err and "\n" not in err and "Traceback" not in err, err
