"""`make bench`'s cost of a task outside the model: laptop replications run as `sim run` runs
them (sim/experiments/execution.py: a task's parameters read, its model built and run, its
tables made and written to the run's parts, its metrics measured, the model's memory
collected), in this process, with the model's own time (building it, running it) timed around
its calls; the rest of each task's wall time is what the machinery adds. Its parts are timed
the same way: the tables (sim/experiments/tables.py), the files (sim/storage.py), the rest.

Not a test: figures depend on the machine; record them in notes, never assert on them.
`python -m benchmarks.task_cost` prints the figures.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from pathlib import Path

GOAL_OUTSIDE_MS = 30.0  # a laptop task's time outside the model
TASKS, WARM = 20, 2


@contextlib.contextmanager
def timing(spent: dict[str, list[float]]):
    """Add the wall time of the model's building and running, the tables and the files to
    spent[key][0] while inside; everything put back afterwards."""
    from benchmarks.phases import timed
    from sim import storage
    from sim.experiments import tables
    from sim.model import NetworkingModel

    hooks = {
        (NetworkingModel, "__init__"): "build",
        (NetworkingModel, "run"): "run",
        (tables, "model_tables"): "tables",
        (storage, "write_atomic"): "files",
    }
    saved = {}
    try:
        for (owner, name), key in hooks.items():
            saved[owner, name] = getattr(owner, name)
            setattr(owner, name, timed(saved[owner, name], spent[key], time.perf_counter))
        yield spent
    finally:
        for (owner, name), function in saved.items():
            setattr(owner, name, function)


def measure(
    tasks: int = TASKS, compiled: bool = True, overrides: dict | None = None, warm: int = WARM
) -> dict:
    """Per task of the laptop scene (with `overrides`), in ms: its wall time, the model's (built,
    run), and outside it (in all; the tables, the files, the rest). `warm` tasks (imports,
    numba's first calls) are run before and not counted."""
    from sim.experiments.execution import make_tasks, run_tasks
    from sim.model import kernels
    from sim.scenario import load_scenario

    params = load_scenario("laptop", overrides or {}).params
    planned = make_tasks({"base": params}, tasks, seed=1)
    planned = [dataclasses.replace(task, compiled=compiled) for task in planned]
    was = kernels.ENABLED
    try:
        if warm:
            with tempfile.TemporaryDirectory() as tmp:
                run_tasks(planned[:warm], 1, Path(tmp), show_progress=False)
        spent = {key: [0.0] for key in ("build", "run", "tables", "files")}
        with tempfile.TemporaryDirectory() as tmp, timing(spent):
            tick = time.perf_counter()
            run_tasks(planned, 1, Path(tmp), show_progress=False)
            wall = time.perf_counter() - tick
    finally:
        kernels.use(was)
    ms = {key: 1e3 * total / tasks for key, (total,) in spent.items()}
    outside = 1e3 * wall / tasks - ms["build"] - ms["run"]
    rest = outside - ms["tables"] - ms["files"]
    return {
        "tasks": tasks,
        "compiled": compiled,
        "task_ms": 1e3 * wall / tasks,
        "model_ms": ms["build"] + ms["run"],
        "outside_ms": outside,
        "tables_ms": ms["tables"],
        "files_ms": ms["files"],
        "rest_ms": rest,
    }


def line(r: dict) -> str:
    return (
        f"tasks: a laptop task {r['task_ms']:.0f} ms, of which the model {r['model_ms']:.0f} ms"
        f" and outside it {r['outside_ms']:.1f} ms (tables {r['tables_ms']:.1f}, files"
        f" {r['files_ms']:.1f}, metrics and the rest {r['rest_ms']:.1f}; {r['tasks']} tasks"
        f" in one process, {'compiled' if r['compiled'] else 'numpy'})"
    )


def goal_line(r: dict, verdict) -> str:
    """The per-task goal: `verdict` of how far the figure is from it (>= 1: short)."""
    return (
        f"goals: a laptop task spends {r['outside_ms']:.1f} ms outside the model, goal <="
        f" {GOAL_OUTSIDE_MS:.0f}: {verdict(r['outside_ms'] / GOAL_OUTSIDE_MS)}"
    )


def main() -> dict:
    r = measure()
    print(line(r))
    return r


if __name__ == "__main__":
    main()
