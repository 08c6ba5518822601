"""`make bench`'s phases of a chapter week against their limits: the chapter phase (presentations,
networking rounds, conversations, inserts, one-to-ones and the glue between them) in µs per
member-week and the needs phase (the due-week scan, referral chains, the ask graph, best
providers, the ledger) in ns per need, at 1,000, 10,000 and 100,000 members in chapters of 30.

Each size runs compiled in a fresh process: numba's kernels loaded on a small model first (outside
the clock), the model built, WARM_UP weeks run so that every chapter pair exists, then MEASURED
weeks timed in CPU time, the needs phase around `answer_needs` (and the market's new week) and
the chapter phase as the rest of the week. Not a test: figures depend on the machine; record them
in notes, never assert on them. `python -m benchmarks.phases MEMBERS` prints one size as JSON.
"""

from __future__ import annotations

import json
import sys
import time

SIZES = (1_000, 10_000, 100_000)
WARM_UP, MEASURED = 20, 40
LIMIT_CHAPTER_US, LIMIT_NEED_NS = 1.2, 300.0  # per member-week, per need


def timed(function, total: list[float], clock=time.process_time):
    """`function`, adding its time by `clock` (default: CPU time) to total[0]."""

    def call(*args, **kwargs):
        tick = clock()
        try:
            return function(*args, **kwargs)
        finally:
            total[0] += clock() - tick

    return call


def measure(members: int, warm_up: int = WARM_UP, weeks: int = MEASURED) -> dict:
    """One size's phases (this process: call it in a fresh one for a clean peak)."""
    import numpy as np

    from sim.model import NetworkingModel, kernels
    from sim.scenario import load_scenario

    def params(n: int, w: int):
        case = {"scene.members": n, "scene.sectors": 30, "run.weeks": w}
        return load_scenario("bni", case).params

    was = kernels.ENABLED
    kernels.use(True)
    try:
        NetworkingModel(params(60, 3), rng=np.random.SeedSequence(0)).run()  # loads the kernels
        model = NetworkingModel(params(members, warm_up + weeks), rng=np.random.SeedSequence(1))
        for _ in range(warm_up):
            model.step()
        needs_s = [0.0]
        model.answer_needs = timed(model.answer_needs, needs_s)
        model.market.new_week = timed(model.market.new_week, needs_s)
        needs_before = model.market.needs_arisen
        tick = time.process_time()
        for _ in range(weeks):
            model.step()
        week_s = time.process_time() - tick
    finally:
        kernels.use(was)
    needs = model.market.needs_arisen - needs_before
    return {
        "members": model.n_members,
        "weeks": weeks,
        "needs": int(needs),
        "needs_per_member_week": needs / model.n_members / weeks,
        "week_ms": 1e3 * week_s / weeks,
        "chapter_us": 1e6 * (week_s - needs_s[0]) / model.n_members / weeks,
        "need_ns": 1e9 * needs_s[0] / max(needs, 1),
    }


def times(ratio: float) -> str:
    """A ratio as make bench prints it: 2.9x, but 1.04x within a tenth of 1 (not 1.0x)."""
    return f"{ratio:.2f}x" if ratio < 1.1 else f"{ratio:.1f}x"


def goal_verdict(ratio: float) -> str:
    """A goal's verdict from how far the figure is from it (`ratio` >= 1: short of it); a
    figure short by under 1 % says by how much (1.00x would read as met)."""
    if ratio <= 1:
        return "met"
    if ratio < 1.01:
        return f"not met, {100 * (ratio - 1):.1f} % short"
    return f"not met, {times(ratio)} away"


def verdict(figure: float, limit: float) -> str:
    """'within' or how far a figure is above its limit."""
    return "within" if figure <= limit else f"{times(figure / limit)} above"


def lines(results: list[dict]) -> list[str]:
    """make bench's lines: each size's phases against their limits."""
    out = []
    for r in results:
        out.append(
            f"phases: {r['members']:,} members in chapters of 30 (compiled, CPU time over "
            f"{r['weeks']} weeks): week {r['week_ms']:.1f} ms; chapter phase "
            f"{r['chapter_us']:.2f} µs a member-week (limit {LIMIT_CHAPTER_US}: "
            f"{verdict(r['chapter_us'], LIMIT_CHAPTER_US)}); needs phase {r['need_ns']:.0f} ns a "
            f"need (limit {LIMIT_NEED_NS:.0f}: {verdict(r['need_ns'], LIMIT_NEED_NS)}), "
            f"{r['needs_per_member_week']:.1f} needs a member-week"
        )
    return out


def main(sizes=SIZES) -> list[dict]:
    """Each size in a fresh process; prints and returns the figures."""
    import subprocess

    results = []
    for members in sizes:
        cmd = [sys.executable, "-m", "benchmarks.phases", str(members)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            print(f"phases: {members:,} members failed\n{out.stderr[-2000:]}")
            continue
        results.append(json.loads(out.stdout))
        print(lines(results[-1:])[0], flush=True)
    return results


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
