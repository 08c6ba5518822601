"""Writing files: atomically (a file is whole or absent), and failures said in words.

Every file the simulator writes (tables, manifests, reports, atlases, workshop packs) goes through
`write_atomic`: written to a temporary name in the same folder, then renamed. A write that fails
(the disk is full, the file system is read-only, no permission, ...) raises WriteFailed naming
the file and the reason in words; the command line prints it as one line (exit status 1). An
error of polars' writers carries the system's error number in its text ("os error 28"): it is
read the same way; one that does not (a Parquet footer cut short) is a full disk when the disk
has (all but) no room left.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from sim.errors import WriteFailed

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EBUSY: "the folder is in use (a mount point?)",
    errno.EXDEV: "it is on another file system",
    errno.ENOENT: "the folder no longer exists",
    errno.ENOTDIR: "a part of the path is a file",
    errno.EISDIR: "it is a folder",
    errno.EIO: "the disk reported an input/output error",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EMFILE: "too many files are open",
}
FULL_BYTES = 1 << 20  # a write that fails with less free than this: the disk is full
OS_ERROR = re.compile(r"os error (\d+)")  # how Rust (polars) names a system error


def error_number(err: BaseException) -> int | None:
    """The system error number behind an exception (an OSError, or polars' text), else None."""
    if isinstance(err, OSError) and err.errno is not None:
        return err.errno
    found = OS_ERROR.search(str(err))
    return int(found.group(1)) if found else None


def reason(err: BaseException) -> str:
    """Why a file operation failed, in words."""
    code = error_number(err)
    if code in REASONS:
        return REASONS[code]
    if code is not None:
        return os.strerror(code).lower()
    return str(err)[:200] or type(err).__name__


def write_atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename (never half a file).
    WriteFailed (the file and the reason in words) when the system refuses."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except Exception as err:
        if error_number(err) is not None:
            raise WriteFailed(f"cannot write {path}: {reason(err)}") from err
        if _full(path.parent):  # polars may name only its own trouble ("Invalid thrift")
            raise WriteFailed(f"cannot write {path}: {REASONS[errno.ENOSPC]}") from err
        raise
    finally:
        with contextlib.suppress(OSError):  # a full disk may refuse even this
            tmp.unlink(missing_ok=True)


def _full(folder: Path) -> bool:
    """Whether the disk holding `folder` is (all but) full: less than FULL_BYTES free."""
    try:
        disk = os.statvfs(folder)
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize < FULL_BYTES


def _json_safe(value: Any) -> Any:
    """Strict JSON: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_part(path: Path, frame) -> None:
    """A run's own intermediate table (a task's part of one of the run's tables, combined by the
    same run into the table it publishes), atomically: Parquet compressed with lz4 and without
    column statistics, which writes and reads back faster than the default (zstd, with
    statistics) that the published tables keep."""
    write_atomic(path, lambda p: frame.write_parquet(p, compression="lz4", statistics=False))


def write_json(path: Path, payload: dict[str, Any]) -> None:
    text = json.dumps(_json_safe(payload), indent=2, allow_nan=False, default=str)
    write_atomic(path, lambda p: p.write_text(text + "\n", encoding="utf-8"))
