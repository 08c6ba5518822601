"""When the system refuses a write (the disk is full, a read-only file system, a mount point)
or the command is killed: one line on stderr naming the file and the reason, exit status 1 (2
for a bad --out), never a traceback, and the same command again recovers. Disk-full is simulated
in this process: os.replace (every file is written to a temporary name, then renamed:
sim/storage.py) or polars' writer raises as the system would."""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from sim import cli, storage
from sim.errors import WriteFailed
from sim.experiments import folders

pytestmark = pytest.mark.xdist_group("faults")

TINY = ["--set", "scene.members=40", "--set", "run.weeks=20", "--quiet", "--workers", "1"]
RUN = ["run", "laptop", *TINY, "--replications", "1", "--no-curves"]
SWEEP = ["sweep", "laptop", "--param", "events.attendance=0.4,0.8", *TINY, "--replications", "1"]
EXPLORE = ["explore", "laptop", *TINY, "--samples", "2", "--replications", "1", "--seed", "3"]
REAL_REPLACE = os.replace


def sim(capsys, monkeypatch, *args: str) -> tuple[int, str]:
    """`python -m sim ARGS` in this process: its exit status and its stderr."""
    monkeypatch.setattr(sys, "argv", ["sim", *args])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    return ended.value.code, capsys.readouterr().err.strip()


def one_line(err: str) -> str:
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err
    return err


def refuse(monkeypatch, match, code: int = errno.ENOSPC) -> None:
    """The system refuses to rename anything onto a path `match(dst)` accepts."""

    def replace(src, dst, *args, **kwargs):
        if match(Path(src), Path(dst)):
            raise OSError(code, os.strerror(code), str(src))
        return REAL_REPLACE(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def named(name: str):
    return lambda src, dst: dst.name == name


def test_a_refused_write_names_the_file_and_the_reason_in_words(tmp_path):
    target = tmp_path / "x.json"

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteFailed, match=f"^cannot write {target}: the disk is full$"):
        storage.write_atomic(target, full)

    def polars_full(path):
        raise pl.exceptions.ComputeError("failed to write: No space left on device (os error 28)")

    with pytest.raises(WriteFailed, match="the disk is full"):
        storage.write_atomic(target, polars_full)

    def read_only(path):
        raise OSError(errno.EROFS, "Read-only file system")

    with pytest.raises(WriteFailed, match="the file system is read-only"):
        storage.write_atomic(target, read_only)
    with pytest.raises(ZeroDivisionError):  # not a refusal of the system: a bug, raised as is
        storage.write_atomic(target, lambda path: 1 / 0)
    assert list(tmp_path.iterdir()) == []  # no temporary file left


def test_a_parquet_footer_cut_short_on_a_full_disk_is_a_full_disk(tmp_path, monkeypatch):
    def cut_short(path):
        raise pl.exceptions.ComputeError("parquet: File out of specification: Invalid thrift")

    monkeypatch.setattr(storage, "FULL_BYTES", 1 << 62)  # the disk has less room than this
    with pytest.raises(WriteFailed, match="the disk is full"):
        storage.write_atomic(tmp_path / "x.parquet", cut_short)
    monkeypatch.setattr(storage, "FULL_BYTES", 0)  # room enough: polars' own error, as it is
    with pytest.raises(pl.exceptions.ComputeError):
        storage.write_atomic(tmp_path / "x.parquet", cut_short)


@pytest.mark.parametrize(
    ("where", "match"),
    [
        ("a task's table", lambda src, dst: dst.parent.name == ".parts"),
        (
            "the combined table",
            lambda src, dst: dst.name == "sales.parquet" and ".parts" not in str(dst),
        ),
        ("the manifest", named("manifest.json")),
        ("the report", named("report.html")),
    ],
)
def test_a_full_disk_during_a_run_is_one_line_and_the_same_command_finishes_it(
    tmp_path, capsys, monkeypatch, where, match
):
    out = tmp_path / "run"
    refuse(monkeypatch, match)
    code, err = sim(capsys, monkeypatch, *RUN, "--out", str(out))
    assert code == 1 and "the disk is full" in one_line(err), (where, err)
    assert "cannot write" in err and "run the same command" in err
    assert not out.exists()  # never published half: not without its report either
    monkeypatch.setattr(os, "replace", REAL_REPLACE)
    assert sim(capsys, monkeypatch, *RUN, "--out", str(out)) == (0, "")
    assert (out / "report.html").is_file() and (out / "manifest.json").is_file()


def test_polars_refusing_to_combine_the_tables_is_one_line(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    real = pl.LazyFrame.sink_parquet

    def full(self, path, *args, **kwargs):
        if ".parts" in str(path):  # the tasks' own tables are written
            return real(self, path, *args, **kwargs)
        raise pl.exceptions.ComputeError("failed to write: No space left on device (os error 28)")

    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", full)
    code, err = sim(capsys, monkeypatch, *RUN, "--out", str(out))
    assert code == 1 and "sales.parquet: the disk is full" in one_line(err)
    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", real)
    assert sim(capsys, monkeypatch, *RUN, "--out", str(out))[0] == 0


def test_a_refused_publish_keeps_the_results_for_the_same_command(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    refuse(monkeypatch, lambda src, dst: dst == out, errno.EBUSY)
    code, err = sim(capsys, monkeypatch, *RUN, "--out", str(out))
    assert code == 1 and f"cannot publish the results as {out}" in one_line(err)
    assert "(a mount point?)" in err and folders.staging_for(out).is_dir()
    monkeypatch.setattr(os, "replace", REAL_REPLACE)
    assert sim(capsys, monkeypatch, *RUN, "--out", str(out)) == (0, "")
    assert (out / "report.html").is_file() and not folders.staging_for(out).exists()


def test_a_mount_point_as_out_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    out = tmp_path / "mnt"
    out.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == out or real(p))
    code, err = sim(capsys, monkeypatch, *RUN, "--out", str(out))
    assert code == 2 and "is a mount point" in one_line(err) and f"--out {out / 'run'}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnt"] and not any(out.iterdir())


def test_a_read_only_out_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    code, err = sim(capsys, monkeypatch, *RUN, "--out", str(tmp_path / "run"))
    assert code == 2 and "cannot create the output folder (the file system is read-only)" in (
        one_line(err)
    )


def test_a_sweep_whose_page_was_not_written_writes_it_when_run_again(tmp_path, capsys, monkeypatch):
    out = tmp_path / "sweep"
    refuse(monkeypatch, named("sweep.html"))
    code, err = sim(capsys, monkeypatch, *SWEEP, "--out", str(out))
    assert code == 1 and f"cannot write {out / 'sweep.html'}: the disk is full" in one_line(err)
    monkeypatch.setattr(os, "replace", REAL_REPLACE)
    assert sim(capsys, monkeypatch, *SWEEP, "--out", str(out)) == (0, "")
    assert (out / "sweep.html").is_file()


@pytest.mark.parametrize("name", ["atlas.html", "manifest.json"])
def test_a_full_disk_at_the_end_of_an_exploration_is_one_line(tmp_path, capsys, monkeypatch, name):
    out = tmp_path / "explore"
    finished = lambda: any((out / "runs").glob("p*.parquet"))  # noqa: E731 - at the end
    refuse(monkeypatch, lambda src, dst: dst.name == name and finished())
    code, err = sim(capsys, monkeypatch, *EXPLORE, "--out", str(out))
    assert code == 1 and f"{name}: the disk is full" in one_line(err)
    monkeypatch.setattr(os, "replace", REAL_REPLACE)
    assert sim(capsys, monkeypatch, *EXPLORE, "--out", str(out)) == (0, "")
    assert (out / "atlas.html").is_file()


def test_the_report_command_says_a_full_disk_in_one_line(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    assert sim(capsys, monkeypatch, *RUN, "--out", str(out))[0] == 0
    capsys.readouterr()
    refuse(monkeypatch, named("report.html"), errno.EACCES)
    code, err = sim(capsys, monkeypatch, "report", str(out))
    assert code == 1 and f"cannot write {out / 'report.html'}: permission denied" in one_line(err)


# --- a killed command leaves no worker behind -------------------------------------------------
def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {seconds} s")
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
@pytest.mark.parametrize("where", [[], ["--cluster", "local"]], ids=["pool", "dask"])
def test_a_killed_run_leaves_no_worker_alive(tmp_path, where):
    if where:
        pytest.importorskip("distributed")
    out = tmp_path / "run"
    command = [sys.executable, "-m", "sim", *RUN, "--replications", "6", "--workers", "2"]
    parent = subprocess.Popen(
        [*command, *where, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parts = folders.staging_for(out) / ".parts"
    try:
        # several tasks done: every worker has taken one (and holds its lifeline)
        wait_for(lambda: len(list(parts.glob("task-*"))) >= 4, 300, "four finished tasks")
        workers = children(parent.pid)
        assert workers
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), 30, "end of the workers")


# --- `validate` checks what `explore` checks; words, not a library's ---------------------------
def scenario_file(tmp_path, old: str = "", new: str = "", prefix: bytes = b"") -> str:
    text = (Path(__file__).parents[1] / "scenarios" / "laptop.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "s.toml"
    path.write_bytes(prefix + text.replace(old, new, 1).encode("utf-8"))
    return str(path)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('design = "morris"', 'design = "nope"', "key 'explore.design' = 'nope' is invalid"),
        ("[0.5, 2.0]", "[2.0, 0.5]", "give [low, high] with low < high"),
        ("[0.5, 2.0]", "[nan, 2.0]", "give [low, high] with low < high"),
    ],
)
def test_validate_refuses_an_explore_section_that_explore_refuses(
    tmp_path, capsys, monkeypatch, old, new, said
):
    path = scenario_file(tmp_path, old, new)
    code, err = sim(capsys, monkeypatch, "validate", path)
    assert code == 2 and said in one_line(err) and path in err
    assert sim(capsys, monkeypatch, "explore", path, "--quiet") == (code, err)


def test_one_range_is_refused_in_words(tmp_path, capsys, monkeypatch):
    lines = Path(scenario_file(tmp_path)).read_text(encoding="utf-8").split("\n")
    first = lines.index("[explore.ranges]") + 1
    end = lines.index("", first)  # the section's ranges end at a blank line: keep the first
    path = tmp_path / "one.toml"
    path.write_text("\n".join(lines[: first + 1] + lines[end:]), encoding="utf-8")
    code, err = sim(capsys, monkeypatch, "validate", str(path))
    assert code == 2 and "key 'explore.ranges' names only one parameter" in one_line(err)
    assert "an exploration varies at least two" in err and "Dictionary" not in err


def test_a_byte_order_mark_is_read_past(tmp_path, capsys, monkeypatch):
    path = scenario_file(tmp_path, prefix=b"\xef\xbb\xbf")
    code, _ = sim(capsys, monkeypatch, "validate", path)
    assert code == 0 and capsys.readouterr().err == ""


def test_a_tiny_lifetime_refused_for_memory_names_the_lifetime(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    code, err = sim(
        capsys, monkeypatch, *RUN, "--set", "market.lifetime_weeks=1e-5", "--out", str(out)
    )
    assert code == 2 and "needs that arise" in one_line(err)
    assert (
        "raise market.lifetime_weeks (now 1e-05 weeks" in err
        and not tmp_path.joinpath("run").exists()
    )


def test_calibration_run_again_uses_the_runs_it_already_has(tmp_path):
    """A failed or killed `sim calibrate` is finished by the same command: a run already
    published gives the same per-replication metrics read back from its tables."""
    from sim.experiments.calibration import _finished
    from sim.experiments.runner import run_scenario
    from sim.scenario import apply_overrides, load_scenario

    scenario = load_scenario("laptop")
    scenario.variants = {v: scenario.variants[v] for v in list(scenario.variants)[:2]}
    for v, params in scenario.variants.items():
        scenario.variants[v] = apply_overrides(
            params, {"scene.members": 40, "run.weeks": 20}, "test"
        )
    ran = run_scenario(scenario, 2, 5, workers=1, out_dir=tmp_path / "laptop",
                       show_progress=False, curves=False)  # fmt: skip
    again = _finished(tmp_path / "laptop")
    key = ["variant", "replication", "metric"]
    assert again.sort(key).equals(ran.per_replication.sort(key))
    assert again.height > 0


def test_a_full_disk_before_an_exploration_starts_leaves_no_folder(tmp_path, capsys, monkeypatch):
    """The first manifest refused: nothing is left behind, so the same command starts anew."""
    out = tmp_path / "explore"
    refuse(monkeypatch, named("manifest.json"))
    code, err = sim(capsys, monkeypatch, *EXPLORE, "--out", str(out))
    assert code == 1 and "manifest.json: the disk is full" in one_line(err)
    assert not out.exists()
    monkeypatch.setattr(os, "replace", REAL_REPLACE)
    assert sim(capsys, monkeypatch, *EXPLORE, "--out", str(out)) == (0, "")
    assert (out / "atlas.html").is_file()
