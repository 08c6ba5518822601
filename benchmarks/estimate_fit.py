"""`make bench ARGS="--fit"`: measure the cases the time estimate is fitted on and fit it again.

Each case runs in a fresh process (benchmarks/bench.py `--case`: the model built and stepped),
with the numpy code and with the compiled kernels. The costs per unit of
`resources.time_terms` are the least upper envelope of the numpy times - the smallest
non-negative costs under which no case is underestimated, a linear program minimising the sum
of estimate / measured - then x MARGIN for a busy machine. The compiled times are printed as a
share of that estimate (a compiled run is estimated as a numpy one: no one share bounds all the
cases). Paste the costs into `SECONDS_PER` in sim/experiments/resources.py and the table into
docs/performance.md. About 3 minutes on 2 cores.
"""

from __future__ import annotations

import json

import numpy as np

from benchmarks.bench import in_fresh_process

MARGIN = 1.25  # this machine's times vary by about +-20 % from run to run
CASES = (  # (scenario, overrides): the scene sizes and formats the estimate must cover
    ("laptop", {}),
    ("laptop", {"scene.members": 2000}),
    ("laptop", {"scene.members": 10000, "run.weeks": 104}),
    ("laptop", {"scene.members": 30000, "run.weeks": 26}),
    ("laptop", {"scene.members": 2000, "scene.sectors": 100, "run.weeks": 104}),
    ("bni", {}),
    ("bni", {"scene.members": 3000, "run.weeks": 104}),
    ("bni", {"scene.members": 10000, "scene.sectors": 30}),
    ("open_coffee", {}),
    ("m4m", {}),
    ("bni_world", {"scene.members": 1000, "scene.regions": 1}),
)


def envelope(terms: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """The smallest costs >= 0 with terms @ costs >= seconds for every case (rows)."""
    from scipy.optimize import linprog

    weight = (terms / seconds[:, None]).sum(axis=0)  # minimise the summed relative estimate
    found = linprog(weight, A_ub=-terms, b_ub=-seconds, bounds=[(0, None)] * terms.shape[1])
    if not found.success:
        raise RuntimeError(f"the fit failed: {found.message}")
    return found.x


def main() -> None:
    from sim.experiments import resources
    from sim.scenario import load_scenario

    names = list(resources.SECONDS_PER)
    rows = []
    for case in CASES:
        numpy_run = in_fresh_process("benchmarks.bench", "--case", json.dumps(case))
        compiled = in_fresh_process("benchmarks.bench", "--case", json.dumps(case), kernels="numba")
        terms = resources.time_terms(load_scenario(*case).params)
        rows.append((case, [terms[n] for n in names], numpy_run, compiled))
        print(f"measured {case}: {numpy_run['wall_s']} s numpy, {compiled['wall_s']} s compiled")
    terms = np.array([row[1] for row in rows], dtype=float)
    seconds = np.array([row[2]["wall_s"] for row in rows])
    costs = envelope(terms, seconds) * MARGIN
    print("SECONDS_PER = {")
    for name, cost in zip(names, costs, strict=True):
        print(f'    "{name}": {cost:.3g},')
    print("}")
    print("| case | peak numpy / compiled | time numpy / compiled | estimate | compiled share |")
    for (case, _, numpy_run, compiled), guess in zip(rows, terms @ costs, strict=True):
        print(
            f"| {case} | {numpy_run['peak_rss_mib']} / {compiled['peak_rss_mib']} MiB | "
            f"{numpy_run['wall_s']} / {compiled['wall_s']} s | {guess:.1f} s "
            f"(+ {resources.SECONDS_PER_RUN} s tables) | {compiled['wall_s'] / guess:.0%} |"
        )
