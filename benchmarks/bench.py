"""`make bench`: conversations per second and peak memory (laptop, 10,000 members, formats), the
cost per member-week as chapters grow (and from the first to the last year of a run), the whole
BNI world (`sim run bni_world`: time, peak memory of all its processes, run folder size; skip
with `--no-world`), each phase of a chapter week against its limit (benchmarks/phases.py;
`--phases`: only those), this project against plain per-agent Mesa models on equal work and the
lighter chapter model (benchmarks/versus.py; `--versus`: only those), laptop replications per
second and a laptop task's time outside the model (benchmarks/task_cost.py; `--tasks`: only
that), the seating program's time per round, how fast the command line answers bad input, and
the compiled kernels against the numpy code, their share of a week and a region's week as fixed
+ per-member cost (`--kernels`: only those); last, the scale goals against these figures
(goal_lines). `--workshop`: the live app's frame rate (benchmarks/workshop.py). `--fit`: measure
and refit the run's time estimate (benchmarks/estimate_fit.py).

Each model case runs in a fresh process so its peak resident memory is its own. Not a test:
figures depend on the machine; record them in notes, never assert on them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import phases, task_cost, versus

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
# The scale goals (docs/measurements.md, "The scale goals")
GOAL_WORLD_MIN, GOAL_LAPTOP_PER_S, GOAL_WORKERS = 5.0, 10.0, 2


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


def lockstep(scenario: str) -> dict:
    """One model stepped with the compiled kernels and one without, in alternating weeks of one
    process (CPU time of each; both give the same model, checked), after a warm-up."""
    import numpy as np

    from sim.model import NetworkingModel, kernels
    from sim.scenario import load_scenario

    params = load_scenario(scenario, {}).params
    if params.scene.regions > 1:
        params = params.for_region(0)
    kernels.use(True)
    NetworkingModel(params, rng=np.random.SeedSequence(2)).run()  # loads every kernel
    models = {on: NetworkingModel(params, rng=np.random.SeedSequence(1)) for on in (True, False)}
    seconds = dict.fromkeys(models, 0.0)
    for _ in range(params.run.weeks):
        for on, model in models.items():
            kernels.use(on)
            tick = time.process_time()
            model.step()
            seconds[on] += time.process_time() - tick
    if not np.array_equal(models[True].store.memory, models[False].store.memory):
        raise RuntimeError("the kernels changed the model")
    return {"compiled_s": round(seconds[True], 2), "numpy_s": round(seconds[False], 2)}


@contextlib.contextmanager
def compiled_and_frozen(warm_up):
    """The compiled kernels on and loaded (`warm_up()`: a model run that calls each), then the
    objects alive so far frozen out of the garbage collector's way, as a run's task does
    (execution._collected: no full collection mid-call); afterwards both as they were."""
    from sim.model import kernels

    was = kernels.ENABLED
    kernels.use(True)
    try:
        warm_up()
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
    finally:
        kernels.use(was)


def kernel_share(scenario: str, overrides: dict) -> dict:
    """How much of a compiled model's week is spent inside the compiled calls (each function
    the model calls from Python, timed around the call; what they call within is compiled
    already): what compiling the whole week could reach at most with the kernels as they are."""
    import numpy as np

    from sim.model import NetworkingModel, kernels
    from sim.scenario import load_scenario

    params = load_scenario(scenario, overrides).params
    if params.scene.regions > 1:
        params = params.for_region(0)
    inside = [0.0]

    def timed(kernel):
        def call(*args):
            tick = time.perf_counter()
            try:
                return kernel(*args)
            finally:
                inside[0] += time.perf_counter() - tick

        return call

    def warm_up() -> None:  # built and run with the kernels on: loads every one
        NetworkingModel(params, rng=np.random.SeedSequence(2)).run()

    with compiled_and_frozen(warm_up):
        compiled = {
            (module, name): getattr(module, name)
            for module in kernels.modules()
            for name in module.COMPILED
        }
        for (module, name), kernel in compiled.items():
            setattr(module, name, timed(kernel))
        try:
            model = NetworkingModel(params, rng=np.random.SeedSequence(1))
            tick = time.perf_counter()
            model.run()
            week = (time.perf_counter() - tick) / params.run.weeks
        finally:  # the kernels themselves back
            for (module, name), kernel in compiled.items():
                setattr(module, name, kernel)
    return {
        "week_ms": round(1e3 * week, 2),
        "kernels_ms": round(1e3 * inside[0] / params.run.weeks, 2),
        "members": model.n_members,
        "weeks": params.run.weeks,
    }


NUMBA_START = """
import time
import numpy as np
start = time.perf_counter()
from sim.model import kernels, pair_kernels
kernels.use(True)
pair_kernels.moved_sorted(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
print(round(time.perf_counter() - start, 2))
"""


REGION_SIZES = (125, 250, 500, 1_000)  # members of one bni_world region (region_cost)
REGION_WEEKS, REGION_ROUNDS = 104, 3


def fixed_and_per_member(points) -> tuple[float, float]:
    """The least-squares line through (members, ms a week): (fixed ms, µs per member)."""
    import numpy as np

    members, ms = np.array(points, dtype=float).T
    slope, fixed = np.polyfit(members, ms, 1)
    return float(fixed), float(1e3 * slope)


def region_cost(sizes=REGION_SIZES, weeks: int = REGION_WEEKS, rounds: int = REGION_ROUNDS):
    """A bni_world region's week, compiled, at a few sizes, in this process: each size once a
    round, the order alternating (up, down, up), CPU time, the median per size. Returns the
    points (members, ms a week)."""
    import numpy as np

    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    def params(members: int, weeks: int):
        case = {"scene.members": members, "scene.regions": 1, "run.weeks": weeks}
        return load_scenario("bni_world", case).params

    def warm_up() -> None:  # built and run with the kernels on: loads every one
        NetworkingModel(params(sizes[0], 3), rng=np.random.SeedSequence(0)).run()

    ms = {members: [] for members in sizes}
    with compiled_and_frozen(warm_up):
        for r in range(rounds):
            for members in sizes if r % 2 == 0 else sizes[::-1]:
                model = NetworkingModel(params(members, weeks), rng=np.random.SeedSequence(1 + r))
                tick = time.process_time()
                model.run()
                ms[members].append(1e3 * (time.process_time() - tick) / weeks)
    return {"points": [(members, float(np.median(ms[members]))) for members in sizes]}


def kernel_cases() -> dict:
    """The compiled kernels against the numpy code (sim/model/kernels.py), a region's week as
    fixed + per-member cost, and numba's start-up. Returns the compiled calls' shares (region,
    laptop, mesa: kernel_share's figures)."""
    for scenario in ("bni_world", "laptop"):
        r = in_fresh_process("benchmarks.bench", "--lockstep", scenario)
        print(
            f"kernels: {scenario} (one region), {r['numpy_s']} s with numpy, {r['compiled_s']} s "
            f"compiled ({r['numpy_s'] / r['compiled_s']:.2f}x; the same model)"
        )
    cases = {  # the world's region, the laptop, and the chapters of the comparison with Mesa
        "region": ("a bni_world region", ("bni_world", {})),
        "laptop": ("a laptop replication", ("laptop", {})),
        "mesa": (
            "the chapters compared with Mesa (1,000 members, 52 weeks)",
            chapters_case(*versus.EQUAL_WORK[0]),
        ),
    }
    shares = {}
    for key, (name, case) in cases.items():
        r = in_fresh_process("benchmarks.bench", "--share", json.dumps(case), kernels="numba")
        shares[key] = r
        print(
            f"kernels: in {name}, the compiled calls take {r['kernels_ms']} of {r['week_ms']} ms a "
            f"week ({100 * r['kernels_ms'] / r['week_ms']:.0f} %; the rest is Python and numpy)"
        )
    r = in_fresh_process("benchmarks.bench", "--region-cost", kernels="numba")
    fixed, per_member = fixed_and_per_member(r["points"])
    whole = fixed + per_member * REGION_SIZES[-1] / 1e3
    print(
        f"kernels: a bni_world region's week (compiled, {REGION_SIZES[0]:,}-{REGION_SIZES[-1]:,}"
        f" members, {REGION_WEEKS} weeks, medians of {REGION_ROUNDS}) = {fixed:.2f} ms +"
        f" {per_member:.1f} µs x members:"
        f" the fixed part is {100 * fixed / whole:.0f} % of a {REGION_SIZES[-1]:,}-member region's"
        " week"
    )
    out = subprocess.run([sys.executable, "-c", NUMBA_START], capture_output=True, text=True)
    start = out.stdout.strip()
    print(f"kernels: numba's start-up in a fresh process (import + first call): {start} s")
    return shares


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


def goal_lines(
    world_run: dict | None,
    compared: list[dict],
    per_s: float,
    shares: dict,
    phased: list[dict],
    task: dict | None = None,
) -> list:
    """The scale goals against this run's figures: the world, each phase of a chapter week at
    its worst size against its limit (benchmarks/phases.py), the comparisons with Mesa
    (benchmarks/versus.py), the laptop, a laptop task's time outside the model
    (benchmarks/task_cost.py, when `task` is given); each but the last with its budget of core
    time and what the compiled calls alone (`shares`, kernel_share's figures) already take of
    it: a goal whose budget they exceed cannot be met by making the Python and numpy steps
    faster."""

    verdict = phases.goal_verdict  # of how far the figure is from the goal (>= 1: short)

    def alone(case: dict) -> float:  # the compiled calls' µs per member-week
        return 1e3 * case["kernels_ms"] / case["members"]

    lines = []
    if world_run and world_run["minutes"] is not None:
        minutes, budget = world_run["minutes"], 60e6 * GOAL_WORLD_MIN * GOAL_WORKERS
        lines.append(
            f"goals: the BNI world in {minutes:.1f} min, goal <= {GOAL_WORLD_MIN:.0f}:"
            f" {verdict(minutes / GOAL_WORLD_MIN)}; its budget ({GOAL_WORKERS} workers, nothing"
            f" serial) {budget / world_run['member_weeks']:.1f} µs of core time a member-week,"
            f" of which a region's compiled calls alone take {alone(shares['region']):.1f}"
        )
    if phased:
        chapter = max(phased, key=lambda r: r["chapter_us"])
        need = max(phased, key=lambda r: r["need_ns"])
        lines.append(
            f"goals: the chapter phase at most {chapter['chapter_us']:.2f} µs a member-week (at"
            f" {chapter['members']:,} members), limit {phases.LIMIT_CHAPTER_US}:"
            f" {verdict(chapter['chapter_us'] / phases.LIMIT_CHAPTER_US)}; the needs phase at"
            f" most {need['need_ns']:.0f} ns a need (at {need['members']:,} members), limit"
            f" {phases.LIMIT_NEED_NS:.0f}: {verdict(need['need_ns'] / phases.LIMIT_NEED_NS)}"
        )
    for case in compared:
        goal = versus.GOAL_EQUAL_RATIO if case["equal_work"] else versus.GOAL_BAR_RATIO
        what = "on equal work" if case["equal_work"] else "(the lighter chapter model)"
        lines.append(
            f"goals: {case['ratio']:.1f}x plain Mesa {what} at {case['members']:,} members x"
            f" {case['weeks']} weeks, goal >= {goal:.0f}x: {verdict(goal / case['ratio'])};"
            f" its budget {case['mesa_us'] / goal:.2f} µs a member-week"
        )
    laptop = shares["laptop"]
    budget_ms = 1e3 * GOAL_WORKERS / GOAL_LAPTOP_PER_S / laptop["weeks"]
    lines.append(
        f"goals: {per_s:.1f} laptop replications a second, goal >= {GOAL_LAPTOP_PER_S:.0f}:"
        f" {verdict(GOAL_LAPTOP_PER_S / per_s)}; its budget {budget_ms:.2f} ms of core time a"
        f" week, of which the compiled calls alone take {laptop['kernels_ms']:.2f}"
    )
    if task:
        lines.append(task_cost.goal_line(task, verdict))
    return lines


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
        print(json.dumps(lockstep(args.lockstep)))
        return
    if args.share:
        print(json.dumps(kernel_share(*json.loads(args.share))))
        return
    if args.region_cost:
        print(json.dumps(region_cost()))
        return
    if args.kernels:
        kernel_cases()
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
    shares = kernel_cases()
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
