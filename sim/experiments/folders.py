"""A run folder is one consistent set: written aside, published whole, never overwritten unasked.

A run (or sweep) is written into a staging folder beside its output folder, `.<name>.partial`,
holding the run's identity (`identity.json`: scenario, every variant's parameters, replications,
seed) and a lock naming the writing process. Only when every table and the manifest are in
place is it renamed to the output folder, so a reader sees either the whole new run or whatever
was there before, never a mix. A killed run leaves its staging folder; the same command with the
same `--out` resumes it (the finished tasks are kept, sim/experiments/engine.py). A finished run
folder is replaced only with `--overwrite`; a folder holding anything else is refused, and so is
a mount point (it cannot be renamed: give a folder inside it). A staging folder the system
refuses to rename stays as it was, and the same command publishes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from sim import storage
from sim.config import Params
from sim.errors import ConfigError, WriteFailed

IDENTITY = "identity.json"
LOCK = "writer.pid"
PARTS = ".parts"  # the tasks' results and tables (sim/experiments/execution.py)
FINISHED = ("manifest.json", "sweep.json", "pack.json")  # a finished run's, sweep's, pack's


def staging_for(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.partial"


def identity(
    variants: dict[str, Params], replications: int, seed: int, source: str, extra=None
) -> dict:
    """What makes two runs the same: resuming needs all of it equal."""
    digest = {
        name: hashlib.sha256(p.model_dump_json().encode()).hexdigest()
        for name, p in variants.items()
    }
    return {"source": source, "variants": digest, "replications": replications, "seed": seed} | (
        extra or {}
    )


def open_staging(out_dir: Path, ident: dict, overwrite: bool = False) -> tuple[Path, bool]:
    """The staging folder for out_dir (created, or found with the same identity: resumed).
    Returns it and whether it resumes. ConfigError, nothing touched, when out_dir holds a
    finished run (without `overwrite`) or anything else, or another run is being written."""
    _check_target(out_dir, overwrite)
    staging = staging_for(out_dir)
    resumed = False
    if staging.is_dir():
        _check_lock(staging, out_dir)
        found = _read_identity(staging)
        if found == ident:
            resumed = True
        elif overwrite or found is None:
            shutil.rmtree(staging)
        else:
            raise ConfigError(
                f"--out {out_dir}: an unfinished run with other settings is in {staging}; run "
                "its command again to finish it, or give --overwrite to discard it"
            )
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(
            f"--out {out_dir}: cannot create the output folder ({storage.reason(err)})"
        ) from None
    storage.write_atomic(staging / LOCK, lambda p: p.write_text(str(os.getpid())))
    storage.write_json(staging / IDENTITY, ident)
    return staging, resumed


def _check_target(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir}: cannot create the output folder (it is a file)")
    if os.path.ismount(out_dir):  # a mount point cannot be renamed: the run could not publish
        raise ConfigError(
            f"--out {out_dir}: the folder is a mount point, which a run cannot replace whole; "
            f"give a folder inside it, e.g. --out {out_dir / 'run'}"
        )
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if not any((out_dir / name).is_file() for name in FINISHED):
        raise ConfigError(f"--out {out_dir}: the folder holds something else; choose another")
    if not overwrite:
        raise ConfigError(
            f"--out {out_dir}: the folder holds a finished run; give --overwrite to replace it, "
            "or choose another folder"
        )


def _check_lock(staging: Path, out_dir: Path) -> None:
    try:
        pid = int((staging / LOCK).read_text())
    except (OSError, ValueError):
        return
    if pid != os.getpid() and _alive(pid):
        raise ConfigError(f"--out {out_dir}: another run (process {pid}) is writing it now")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_identity(staging: Path) -> dict | None:
    try:
        return json.loads((staging / IDENTITY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def publish(staging: Path, out_dir: Path) -> None:
    """Rename the finished staging folder to out_dir (replacing what was there, whole), then
    remove the tasks' parts it was combined from. WriteFailed, the staging folder kept as it was
    (the same command resumes it), when the system refuses the rename."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    try:
        if out_dir.exists():
            os.replace(out_dir, old)
        try:
            os.replace(staging, out_dir)
        except OSError:
            if old.exists():
                os.replace(old, out_dir)
            raise
    except OSError as err:
        raise WriteFailed(
            f"cannot publish the results as {out_dir}: {storage.reason(err)}; they are kept in "
            f"{staging}"
        ) from err
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(out_dir / PARTS, ignore_errors=True)
    for left in out_dir.glob(".*.partial"):  # a part not finished (a resume that skipped it)
        shutil.rmtree(left, ignore_errors=True)
    for name in (LOCK, IDENTITY):
        (out_dir / name).unlink(missing_ok=True)


def discard_if_empty(staging: Path) -> None:
    """A run refused on the way (before any task finished) leaves nothing behind."""
    finished = staging / PARTS
    if finished.is_dir() and any(finished.glob("task-*.parquet")):
        return
    shutil.rmtree(staging, ignore_errors=True)
