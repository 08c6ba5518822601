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
from sim.scenario import load_scenario

pytestmark = pytest.mark.xdist_group("folders")

SMALL = ["--set", "scene.members=40", "--set", "run.weeks=20", "--quiet", "--workers", "1"]


def run(out, *extra):
    result = CliRunner().invoke(app, ["run", "laptop", *SMALL, "--out", str(out), *extra])
    return result.exit_code, result.stderr.strip()


def files(out) -> dict[str, bytes]:
    """Every file of a run folder (its curves/ too) and its bytes."""
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def manifest_seed(out) -> int:
    return json.loads((out / "manifest.json").read_text())["seed"]


def test_a_finished_run_is_not_overwritten_unless_told(tmp_path):
    out = tmp_path / "run"
    assert run(out, "--replications", "1", "--seed", "1") == (0, "")
    before = files(out)
    code, err = run(out, "--replications", "1", "--seed", "2")
    assert code == 2 and "holds a finished run; give --overwrite" in err and "\n" not in err
    assert files(out) == before  # untouched
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


def killed_when(command, parts, tasks: int) -> int:
    """Start `command`, kill it once `tasks` task results are in `parts`; how many were."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and len(list(parts.glob("task-*.parquet"))) < tasks:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    return len(list(parts.glob("task-*.parquet")))


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The run uninterrupted, here: its tables and its curves/ to compare with."""
    out = tmp_path_factory.mktemp("whole") / "run"
    assert CliRunner().invoke(app, _command(out)[3:]).exit_code == 0
    return out


def test_a_killed_run_resumes_to_the_uninterrupted_tables(tmp_path, whole):
    cut = tmp_path / "cut"
    tasks = len(load_scenario("laptop").variants) * 4  # 4 replications of every variant
    kept = killed_when(_command(cut), folders.staging_for(cut) / ".parts", 3)
    assert 3 <= kept < tasks and not cut.exists()  # nothing published from a killed run
    result = subprocess.run(_command(cut), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    note = f"resuming {cut}: {kept} of {tasks} tasks are done"
    assert "".join(note.split()) in "".join(result.stdout.split()), result.stdout  # any wrapping
    for name in TABLES:
        assert pl.read_parquet(whole / f"{name}.parquet").equals(
            pl.read_parquet(cut / f"{name}.parquet"), null_equal=True
        ), name
    old, new = (json.loads((d / "manifest.json").read_text()) for d in (whole, cut))
    assert old["metrics"] == new["metrics"]
    assert not folders.staging_for(cut).exists()


def test_a_run_killed_while_drawing_its_curves_resumes_them(tmp_path, whole):
    """The dose-response curves run after the variants, in the run's own staging folder: a kill
    there keeps the variants' tasks and the curves' finished points alike."""
    cut = tmp_path / "cut"
    curves = folders.staging_for(cut) / folders.staging_for(cut / "curves").name / ".parts"
    kept = killed_when(_command(cut), curves, 3)
    assert kept >= 3 and not cut.exists()
    result = subprocess.run(_command(cut), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    sweep = "curves/sweep.parquet"
    assert pl.read_parquet(whole / sweep).equals(pl.read_parquet(cut / sweep), null_equal=True)
    assert not list(cut.rglob(".parts")) and not list(cut.rglob("*.partial"))


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
    tasks = len(load_scenario("laptop").variants) * 3
    failed = f"1 of {tasks} tasks failed (first: task-0000001: RuntimeError: boom)"
    assert code == 1 and failed in err
    assert "run the same command to retry the rest" in err and not out.exists()
    monkeypatch.setattr(execution, "NetworkingModel", real)
    assert run(out, "--replications", "3")[0] == 0 and (out / "manifest.json").is_file()
