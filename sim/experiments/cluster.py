"""Where tasks run: in this process, in a local process pool, or on a Dask cluster.

Tasks are independent and carry their own seeds (sim/experiments/execution.py), so where they
run never changes a result. `completed` hands each task to a `concurrent.futures` executor and
yields the results as tasks finish:

- one worker: in this process, one after the other;
- several: a local pool of spawned processes (spawn, not fork: forking after polars' thread pool
  started can deadlock);
- `Where(cluster="local")`: a Dask `LocalCluster` of `workers` single-threaded worker processes
  on 127.0.0.1, started and stopped here;
- `Where(scheduler="tcp://host:port")`: a running Dask cluster (e.g. started with dask-jobqueue on
  Slurm; docs/performance.md). Its workers must import this package and write to the same
  output folder (a shared file system).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sim.errors import ConfigError


class _Lifeline:
    held = False


def hold_lifeline() -> None:
    """In a worker process (a local pool's or a Dask LocalCluster's): end it as soon as the
    process that started it is gone, so a killed command leaves no worker simulating and writing
    on. A thread waits on multiprocessing's parent sentinel (a pipe that closes when the parent
    dies, however it dies) and then ends the process. In the command's own process (one worker:
    the tasks run there) there is no parent to watch."""
    parent = multiprocessing.parent_process()
    if _Lifeline.held or parent is None:
        return
    _Lifeline.held = True

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="netsim-lifeline", daemon=True).start()


CONNECT_TIMEOUT = "10s"
# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap
# threshold: every numpy temporary above 128 KiB is then mapped and unmapped afresh. Measured on
# the laptop scene: a task took 3.2 s in such a worker against 1.8 s in a pool process. Local
# clusters start their workers without it; docs/performance.md says how for a running cluster.
TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


@dataclass(frozen=True)
class Where:
    """A Dask cluster to run on: `cluster="local"` starts one, `scheduler` names a running one."""

    cluster: str | None = None
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.cluster not in (None, "local"):
            raise ConfigError(f"--cluster '{self.cluster}': allowed: local")
        if self.cluster and self.scheduler:
            raise ConfigError("--cluster and --scheduler: give one of them, not both")
        if self.scheduler is not None and not self.scheduler.startswith(("tcp://", "tls://")):
            raise ConfigError(
                f"--scheduler '{self.scheduler[:80]}': give the scheduler's address, "
                "e.g. tcp://10.0.0.5:8786"
            )

    @property
    def dask(self) -> bool:
        return bool(self.cluster or self.scheduler)


def completed(
    fn: Callable[..., Any], items: Iterable, workers: int, where: Where | None = None, *args
) -> Iterator[tuple[Any, Any]]:
    """(item, fn(item, *args)) for every item, in the order they finish."""
    items = list(items)
    if (where is None or not where.dask) and workers <= 1:
        for item in items:
            yield item, fn(item, *args)
        return
    with executor(workers, where) as pool:
        futures = {pool.submit(fn, item, *args): item for item in items}
        for future in as_completed(futures):
            yield futures[future], future.result()


@contextmanager
def executor(workers: int, where: Where | None = None) -> Iterator[Executor]:
    """A `concurrent.futures` executor: a local process pool, or a Dask cluster's."""
    if where is None or not where.dask:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=max(1, workers), mp_context=spawn, initializer=hold_lifeline
        ) as pool:
            yield pool
        return
    with _dask_client(workers, where) as client:
        yield client.get_executor(pure=False)


@contextmanager
def _dask_client(workers: int, where: Where):
    import dask
    from distributed import Client, LocalCluster

    if where.cluster == "local":
        with (
            dask.config.set({TRIM: None}),  # glibc's own allocator settings (see NO_TRIM_NOTE)
            LocalCluster(
                n_workers=max(1, workers),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # the scheduler's HTTP endpoints always start: on a free loopback port, not on
                # 8787 (taken by another cluster: a warning), and without the dashboard
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
            ) as local,
            Client(local) as client,
        ):
            yield client
        return
    try:
        client = Client(where.scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        raise ConfigError(
            f"--scheduler {where.scheduler}: cannot reach the Dask scheduler ({err})"
        ) from None
    with client:
        yield client
