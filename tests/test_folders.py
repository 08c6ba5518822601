"""A run folder is one consistent set: staged aside, published whole, never overwritten unasked,
resumed after a kill (sim/experiments/folders.py, sim/experiments/engine.py)."""

import json
import os
import signal
import subprocess
import sys
import time

import polars as pl
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ConfigError
from sim.experiments import folders
from sim.experiments.tables import TABLES

pytestmark = pytest.mark.xdist_group("folders")

SMALL = ["--set", "scene.members=40", "--set", "run.weeks=20", "--quiet", "--workers", "1"]


def run(out, *extra):
    result = CliRunner().invoke(app, ["run", "laptop", *SMALL, "--out", str(out), *extra])
    return result.exit_code, result.stderr.strip()


def manifest_seed(out) -> int:
    return json.loads((out / "manifest.json").read_text())["seed"]


def test_a_finished_run_is_not_overwritten_unless_told(tmp_path):
    out = tmp_path / "run"
    assert run(out, "--replications", "1", "--seed", "1") == (0, "")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, err = run(out, "--replications", "1", "--seed", "2")
    assert code == 2 and "holds a finished run; give --overwrite" in err and "\n" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # untouched
    assert run(out, "--replications", "1", "--seed", "2", "--overwrite")[0] == 0
    assert manifest_seed(out) == 2  # replaced whole: the tables are the new run's
    again = tmp_path / "again"
    assert run(again, "--replications", "1", "--seed", "2")[0] == 0
    for name in TABLES:
        assert pl.read_parquet(out / f"{name}.parquet").equals(
            pl.read_parquet(again / f"{name}.parquet"), null_equal=True
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "run"]  # nothing else left


def test_a_folder_holding_something_else_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    code, err = run(tmp_path, "--replications", "1")
    assert code == 2 and "holds something else" in err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_a_run_is_published_whole_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "run"
    assert run(out, "--replications", "2")[0] == 0
    names = {p.name for p in out.rglob("*")}
    assert not [n for n in names if ".tmp-" in n or n.endswith(".partial")]
    assert not (out / ".parts").exists() and not folders.staging_for(out).exists()
    assert {f"{t}.parquet" for t in TABLES} | {"manifest.json", "report.html"} <= names


def test_another_writer_and_other_settings_are_refused(tmp_path):
    out = tmp_path / "run"
    staging, resumed = folders.open_staging(out, {"a": 1})
    assert not resumed and staging.is_dir()
    assert folders.open_staging(out, {"a": 1}) == (staging, True)  # the same settings: resumed
    with pytest.raises(ConfigError, match="unfinished run with other settings"):
        folders.open_staging(out, {"a": 2})
    (staging / folders.LOCK).write_text("1")  # pid 1 is always alive
    with pytest.raises(ConfigError, match=r"another run \(process 1\) is writing it now"):
        folders.open_staging(out, {"a": 1})


def _command(out):
    return [sys.executable, "-m", "sim", "run", "laptop", *SMALL, "--set", "run.weeks=60",
            "--replications", "4", "--seed", "4", "--out", str(out)]  # fmt: skip


def test_a_killed_run_resumes_to_the_uninterrupted_tables(tmp_path):
    whole = tmp_path / "whole"
    assert CliRunner().invoke(app, _command(whole)[3:]).exit_code == 0  # uninterrupted, here
    cut = tmp_path / "cut"
    parts = folders.staging_for(cut) / ".parts"
    proc = subprocess.Popen(_command(cut), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and len(list(parts.glob("task-*.parquet"))) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    kept = len(list(parts.glob("task-*.parquet")))
    assert 3 <= kept < 16 and not cut.exists()  # nothing published from a killed run
    result = subprocess.run(_command(cut), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    note = f"resuming {cut}: {kept} of 16 tasks are done"  # 4 variants x 4
    assert "".join(note.split()) in "".join(result.stdout.split()), result.stdout  # any wrapping
    for name in TABLES:
        assert pl.read_parquet(whole / f"{name}.parquet").equals(
            pl.read_parquet(cut / f"{name}.parquet"), null_equal=True
        ), name
    old, new = (json.loads((d / "manifest.json").read_text()) for d in (whole, cut))
    assert old["metrics"] == new["metrics"]
    assert not folders.staging_for(cut).exists()


def test_a_failed_task_keeps_the_finished_ones_and_exits_1(tmp_path, monkeypatch):
    from sim.experiments import execution

    real = execution.NetworkingModel
    calls = {"n": 0}

    def flaky(params, rng=None, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(params, rng=rng, **kw)

    monkeypatch.setattr(execution, "NetworkingModel", flaky)
    out = tmp_path / "run"
    code, err = run(out, "--replications", "3")
    assert code == 1 and "1 of 12 tasks failed (first: task-0000001: RuntimeError: boom)" in err
    assert "run the same command to retry the rest" in err and not out.exists()
    monkeypatch.setattr(execution, "NetworkingModel", real)
    assert run(out, "--replications", "3")[0] == 0 and (out / "manifest.json").is_file()
