"""`make bench`: conversations per second and peak memory: laptop, 10,000 members, formats.

Each case runs in a fresh process so its peak resident memory is its own. Not a test: figures
depend on the machine; record them in notes, never assert on them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

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

    from sim.config import load_scenario
    from sim.model import NetworkingModel

    params = load_scenario(scenario, overrides).params
    start = time.perf_counter()
    model = NetworkingModel(params, rng=np.random.SeedSequence(1))
    built = time.perf_counter()
    model.run()
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(one(*json.loads(args.case))))
        return
    for name, case in CASES.items():
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench", "--case", json.dumps(case)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        print(
            f"{name}: {r['wall_s']} s for {r['conversations']:,} conversations "
            f"({r['conversations_per_s']:,}/s), {r['needs']:,} needs, {r['pairs']:,} pairs, "
            f"{r['persons']:,} persons, peak {r['peak_rss_mib']} MiB"
        )


if __name__ == "__main__":
    main()
