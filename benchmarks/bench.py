"""`make bench`: conversations per second and peak memory (laptop, 10,000 members, formats), the
cost per member-week as chapters grow (and from the first to the last year of a run), the whole
BNI world (`sim run bni_world`: time, peak memory of all its processes, run folder size; skip
with `--no-world`), each phase of a chapter week against its limit (benchmarks/phases.py;
`--phases`: only those), this project against plain per-agent Mesa models on equal work and the
lighter chapter model (benchmarks/versus.py; `--versus`: only those), laptop replications per
second and a laptop task's time outside the model (benchmarks/task_cost.py; `--tasks`: only
that), the seating program's time per round, how fast the command line answers bad input, and
the compiled kernels against the numpy code, their share of a week and a region's week as fixed
+ per-member cost (benchmarks/kernel_cases.py; `--kernels`: only those); last, the scale goals
against these figures (benchmarks/goals.py). `--workshop`: the live app's frame rate
(benchmarks/workshop.py). `--fit`: measure and refit the run's time estimate
(benchmarks/estimate_fit.py).

Each model case runs in a fresh process so its peak resident memory is its own. Not a test:
figures depend on the machine; record them in notes, never assert on them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import kernel_cases, phases, task_cost, versus
from benchmarks.goals import goal_lines

CASES = {
    "laptop (200 members, 5 years)": ("laptop", {}),
    "synthetic (10,000 members, 5 years)": ("laptop", {"scene.members": 10_000}),
    "chapters (10,000 members in chapters of 30, weekly, 5 years)": (
        "bni",
        {"scene.members": 10_000, "scene.sectors": 30},
    ),
    "circuit (700 members, 35 locations, 5 years)": ("open_coffee", {}),
}


def one(scenario: str, overrides: dict) -> dict:
    import numpy as np

    from sim.experiments.resources import estimate
    from sim.model import NetworkingModel, kernels
    from sim.scenario import load_scenario

    params = load_scenario(scenario, overrides).params
    guess = estimate(params, kernels.ENABLED)
    if kernels.ENABLED:  # each kernel's first call loads it (~1-2 s): outside the clock
        small = load_scenario(scenario, {**overrides, "scene.members": 60, "run.weeks": 3})
        NetworkingModel(small.params, rng=np.random.SeedSequence(0)).run()
    start = time.perf_counter()
    model = NetworkingModel(params, rng=np.random.SeedSequence(1))
    built = time.perf_counter()
    years = []  # seconds per 52 weeks simulated
    for week in range(params.run.weeks):
        if week % 52 == 0:
            years.append(0.0)
        tick = time.perf_counter()
        model.step()
        years[-1] += time.perf_counter() - tick
    wall = time.perf_counter() - start
    conversations = int(model.conversations.sum() // 2)
    return {
        "members": model.n_members,
        "persons": model.n_persons,
        "weeks": params.run.weeks,
        "build_s": round(built - start, 2),
        "wall_s": round(wall, 2),
        "conversations": conversations,
        "conversations_per_s": round(conversations / wall),
        "pairs": len(model.store),
        "needs": model.market.needs_arisen,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "estimate_mib": round(guess.peak_bytes / 2**20),
        "estimate_s": round(guess.seconds, 1),
        "year_s": [round(y, 2) for y in years],
        "member_week_us": round(
            1e6 * (wall - (built - start)) / model.n_members / params.run.weeks, 1
        ),
    }


SCALE = (1_000, 10_000, 100_000)  # members in chapters of 30 (the world run adds 340,000)


def in_fresh_process(*args: str, kernels: str = "numpy") -> dict:
    """A case in a fresh process, with the numpy code or (`kernels="numba"`) the compiled
    kernels, loaded when the process starts - before the case's clock runs."""
    import os

    env = {**os.environ, "NETSIM_KERNELS": kernels}
    out = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout)


def chapters_case(members: int, weeks: int) -> tuple[str, dict]:
    """Chapters of 30, one seat per profession (the scale and versus-Mesa cases)."""
    return ("bni", {"scene.members": members, "scene.sectors": 30, "run.weeks": weeks})


def chapters(members: int, weeks: int, kernels: str = "numpy") -> dict:
    case = chapters_case(members, weeks)
    return in_fresh_process("benchmarks.bench", "--case", json.dumps(case), kernels=kernels)


def scale() -> None:
    """Cost per member-week as the chapters grow (one year each), and within a 5-year run."""
    for members in SCALE:
        r = chapters(members, 52)
        print(
            f"scale: {members:,} members in chapters of 30, 52 weeks: {r['member_week_us']} µs "
            f"per member-week (build {r['build_s']} s, peak {r['peak_rss_mib']} MiB)"
        )
    region = ("bni_world", {"scene.members": 1_000, "scene.regions": 1})
    r = in_fresh_process("benchmarks.bench", "--case", json.dumps(region))
    print(
        f"scale: one region of bni_world alone (1,000 members, 260 weeks): {r['member_week_us']}"
        " µs per member-week (compare the world's figure below)"
    )
    r = chapters(10_000, 260)
    first, last = r["year_s"][0], r["year_s"][-1]
    print(
        f"scale: 10,000 members over 5 years: {first} s in year 1, {last} s in year 5 "
        f"({last / first:.2f}x)"
    )


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants now (Linux /proc)."""
    parent, rss = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(stat.parent.name)
        parent[pid], rss[pid] = int(fields[1]), int(fields[21]) * resource.getpagesize()
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(rss.get(pid, 0) for pid in tree)


def world(workers: int = 2, sets: tuple[str, ...] = ()) -> dict:
    """`sim run bni_world` as a user runs it: wall time (simulation and report), the peak of all
    its processes' memory together (sampled twice a second), the run folder's size, and the cost
    per member-week (core-seconds of simulation / member-weeks). Returns the printed line, the
    figures it is made of (minutes in all and member-weeks are None when the run failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "world"
        command = [sys.executable, "-m", "sim", "run", "bni_world", "--quiet"]
        command += ["--out", str(out), "--workers", str(workers)]
        command += [arg for key_value in sets for arg in ("--set", key_value)]
        start, peak = time.perf_counter(), 0
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.5)
        wall = time.perf_counter() - start
        if proc.returncode:
            failed = f"world: failed\n{proc.stderr.read().decode()[-2000:]}"
            return {"line": failed, "minutes": None, "member_weeks": None}
        manifest = json.loads((out / "manifest.json").read_text())
        folder = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    params = manifest["variants"]["base"]["params"]
    scene, weeks = params["scene"], params["run"]["weeks"]
    simulated = manifest["wall_seconds"]
    figures = {
        "members": scene["members"],
        "regions": scene["regions"],
        "weeks": weeks,
        "minutes": wall / 60,
        "simulating_minutes": simulated / 60,
        "peak_gib": peak / 2**30,
        "folder_mb": folder / 1e6,
        "us_per_member_week": 1e6 * simulated * workers / scene["members"] / weeks,
        "member_weeks": scene["members"] * weeks,
    }
    line = (
        f"world: bni_world, {scene['members']:,} members in {scene['regions']} regions x {weeks} "
        f"weeks on {workers} workers: {wall / 60:.1f} min in all ({simulated / 60:.1f} min "
        f"simulating), peak {figures['peak_gib']:.2f} GiB, run folder {folder / 1e6:.0f} MB, "
        f"{figures['us_per_member_week']:.1f} µs per member-week (core time)"
    )
    return {"line": line, **figures}


def laptop_throughput(replications: int = 200, workers: int = 2) -> float:
    """Laptop base replications per second through the run machinery (tables written; the
    compiled kernels where `sim run` would use them)."""
    import tempfile
    from pathlib import Path

    from sim.experiments import resources
    from sim.experiments.execution import compiled_as_planned, make_tasks, run_tasks
    from sim.scenario import load_scenario

    params = load_scenario("laptop", {}).params
    tasks = make_tasks({"base": params}, replications, seed=1)
    # compiled as `sim run` would: when the estimate gives a worker enough work to pay
    tasks = compiled_as_planned(tasks, resources.plan({"base": params}, replications, workers))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run_tasks(tasks, workers, Path(tmp), show_progress=False)
        return replications / (time.perf_counter() - start)


def explore_machinery(tasks: int = 40, thousand: int = 1000) -> None:
    """The explore engine: time per task against plain run replications (the same laptop base
    on 2 workers), Dask's overhead over the local pool, and 1,000 laptop replications."""
    import tempfile
    from pathlib import Path

    from sim.experiments.cluster import Where
    from sim.experiments.design import load_plan
    from sim.experiments.explore import explore
    from sim.scenario import load_scenario

    scenario = load_scenario("laptop", {})
    # a Morris design whose ranges are one value wide: every point is the base
    ranges = {"market.pitch_close": [0.005, 0.0050001], "trust.gain": [0.5, 0.5000001]}
    section = {"samples": 2, "replications": tasks // 6, "ranges": ranges}
    plan = load_plan(section, scenario.params, 1, "bench")
    n = len(plan.points) * plan.spec.replications
    timings = {}
    for name, where in (("pool", None), ("dask", Where(cluster="local"))):
        with tempfile.TemporaryDirectory() as tmp:
            found = explore(
                scenario, plan, workers=2, out_dir=Path(tmp), where=where, show_progress=False
            )
            timings[name] = found.task_seconds
    run_rate = laptop_throughput(n)
    print(
        f"explore: {n} laptop tasks on 2 workers: {timings['pool'] / n:.2f} s per task "
        f"(a run replication, tables written: {1 / run_rate:.2f} s); Dask LocalCluster "
        f"{timings['dask']:.1f} s vs local pool {timings['pool']:.1f} s "
        f"({timings['dask'] / timings['pool'] - 1:+.0%}, cluster start-up included)"
    )
    start = time.perf_counter()
    rate = laptop_throughput(thousand)
    print(
        f"laptop: {thousand:,} replications in {time.perf_counter() - start:.0f} s on 2 workers "
        f"({rate:.2f} per second)"
    )


def seating_round_ms(rounds: int = 8) -> float:
    """Median milliseconds to seat 40 people at tables of 8 with the rotation program (C14)."""
    import numpy as np

    from sim.model.seating import Rotate, SeasonLog

    rng = np.random.default_rng(0)
    policy, log = Rotate(40, 8, rng), SeasonLog(40)
    spent = []
    for _ in range(rounds):
        start = time.perf_counter()
        tables = policy.seat(rng, np.arange(40), 8, log, lambda a, b: np.zeros(len(a)))
        spent.append(time.perf_counter() - start)
        log.add_tables(tables)
    return 1000 * float(np.median(spent))


def command_seconds(*args: str, repeats: int = 3) -> float:
    """Best wall time of `python -m sim ARGS` (a warm start: the best of a few)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> str:
    """What the figures below were measured on: the CPU, its cores, and whether numpy computes
    exp2 and powers with its AVX-512 routines (docs/measurements.md: they differ from the C
    library's in the last bit, and run at another speed)."""
    import os

    import numpy as np

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    features = getattr(np._core._multiarray_umath, "__cpu_features__", {})
    avx512 = any(features.get(name) for name in ("AVX512F", "AVX512_SKX", "AVX512_ICL"))
    return f"machine: {cpu}, {os.cpu_count()} cores, numpy {np.__version__} AVX-512: {avx512}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--no-world", action="store_true", help="skip the BNI world run")
    parser.add_argument(
        "--explore", action="store_true", help="only the explore engine's cases (~20 min)"
    )
    parser.add_argument(
        "--workshop", action="store_true", help="only the live app's frame rate (~1 min)"
    )
    parser.add_argument(
        "--kernels", action="store_true", help="only the compiled kernels' cases (~1 min)"
    )
    parser.add_argument(
        "--fit", action="store_true", help="measure and refit the time estimate (~3 min)"
    )
    parser.add_argument("--phases", action="store_true", help="only the phases (~2 min)")
    parser.add_argument("--versus", action="store_true", help="only the Mesa comparisons (~8 min)")
    parser.add_argument(
        "--tasks", action="store_true", help="only a laptop task's time outside the model (~15 s)"
    )
    parser.add_argument("--lockstep", help=argparse.SUPPRESS)
    parser.add_argument("--share", help=argparse.SUPPRESS)
    parser.add_argument("--region-cost", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workshop:
        from benchmarks import workshop

        workshop.main()
        return
    if args.case:
        print(json.dumps(one(*json.loads(args.case))))
        return
    if args.lockstep:
        print(json.dumps(kernel_cases.lockstep(args.lockstep)))
        return
    if args.share:
        print(json.dumps(kernel_cases.kernel_share(*json.loads(args.share))))
        return
    if args.region_cost:
        print(json.dumps(kernel_cases.region_cost()))
        return
    if args.kernels:
        kernel_cases.main()
        return
    if args.phases:
        phases.main()
        return
    if args.versus:
        versus.main()
        return
    if args.tasks:
        task_cost.main()
        return
    if args.explore:
        explore_machinery()
        return
    if args.fit:
        from benchmarks import estimate_fit

        estimate_fit.main()
        return
    print(machine())
    for name, case in CASES.items():
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench", "--case", json.dumps(case)],
            capture_output=True,
            text=True,
        )
        if out.returncode:
            print(f"{name}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(out.stdout)
        print(
            f"{name}: {r['wall_s']} s (estimated {r['estimate_s']} s) for "
            f"{r['conversations']:,} conversations ({r['conversations_per_s']:,}/s), "
            f"{r['needs']:,} needs, {r['pairs']:,} pairs, {r['persons']:,} persons, "
            f"peak {r['peak_rss_mib']} MiB (estimated {r['estimate_mib']} MiB)"
        )
    scale()
    shares = kernel_cases.main()
    world_run = None if args.no_world else world()
    if world_run:
        print(world_run["line"])
    phased = phases.main()
    compared = versus.main()
    per_s = laptop_throughput()
    print(f"laptop: {per_s:.1f} replications per second on 2 workers")
    task = task_cost.main()
    print(f"seating: a rotation round of 40 at tables of 8 in {seating_round_ms():.1f} ms")
    print(f"command line: `sim run nope` answers in {command_seconds('run', 'nope'):.2f} s")
    print(f"command line: `sim --help` answers in {command_seconds('--help'):.2f} s")
    print("\n".join(goal_lines(world_run, compared, per_s, shares, phased, task)))


if __name__ == "__main__":
    main()
