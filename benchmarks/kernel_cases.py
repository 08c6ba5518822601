"""`make bench`'s compiled kernels' cases (`make bench ARGS=--kernels`): the compiled kernels
against the numpy code in alternating weeks of one process (`lockstep`), how much of a compiled
week the compiled calls take (`kernel_share`), a bni_world region's week at a few sizes as a
fixed part plus a cost per member (`region_cost`), and numba's start-up in a fresh process.
Each runs in a fresh process through benchmarks/bench.py (`--lockstep`, `--share`,
`--region-cost`). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import contextlib
import gc
import json
import subprocess
import sys
import time

from benchmarks import versus
from benchmarks.phases import timed


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

    def warm_up() -> None:  # built and run with the kernels on: loads every one
        NetworkingModel(params, rng=np.random.SeedSequence(2)).run()

    with compiled_and_frozen(warm_up):
        compiled = {
            (module, name): getattr(module, name)
            for module in kernels.modules()
            for name in module.COMPILED
        }
        for (module, name), kernel in compiled.items():
            setattr(module, name, timed(kernel, inside, time.perf_counter))
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


def main() -> dict:
    """The compiled kernels against the numpy code (sim/model/kernels.py), a region's week as
    fixed + per-member cost, and numba's start-up. Returns the compiled calls' shares (region,
    laptop, mesa: kernel_share's figures)."""
    from benchmarks.bench import chapters_case, in_fresh_process

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
