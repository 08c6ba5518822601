"""Paired comparison of this checkout's model with an earlier commit's, week by week.

On this kind of shared 2-core machine one process's speed moves by 10-40 % from hour to hour, so
two runs timed one after the other cannot show a change of a few per cent. Here two processes,
one importing this checkout's `sim` and one a commit's (exported with `git archive` to a temporary
folder), each build the same scenario with the same seeds and step their model one week at a time
in turn (which one goes first alternates), so both see the machine as it is that minute. Each
process times its own weeks (CPU time); the report gives milliseconds a week per version, their
ratio per replication with a 95 % interval, and whether the two runs gave the same results (the
run's tables and conversations, hashed) - a change meant to be faster only should say "same".

    python -m benchmarks.paired HEAD~1 --scenario bni_world --replications 3
    make paired ARGS="HEAD~1 --scenario laptop --set scene.members=300"

A scenario of several regions runs its regions 0, 1, ... as the replications (each alone, as a
world's task does). docs/performance.md ("Measuring a change") says when to use it.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_WEEKS = 10  # weeks of a model stepped before the clock runs (numba loads its kernels here)


# --- the two processes: each serves one version of the model ------------------------------------
def serve(root: str, scenario: str, overrides: str, kernels: str) -> None:
    """One version's side (run in its own process, `root` first on the path): answers `model R`
    (build replication R), `step` (one week: its CPU seconds) and `done` (the run's hash)."""
    sys.path.insert(0, root)
    import numpy as np

    from sim.model import NetworkingModel
    from sim.model import kernels as compiled
    from sim.scenario import load_scenario

    params = load_scenario(scenario, json.loads(overrides)).params
    compiled.use(kernels == "numba")
    regions = params.scene.regions > 1

    def build(r: int):
        return NetworkingModel(
            params.for_region(r) if regions else params, rng=np.random.SeedSequence(r)
        )

    warm = build(0)
    for _ in range(min(WARM_WEEKS, params.run.weeks)):
        warm.step()
    del warm
    answer({"weeks": params.run.weeks, "source": sys.modules["sim"].__file__})
    model = None
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "model":
            model = build(int(arg))
            answer({})
        elif command == "step":
            tick = time.process_time()
            model.step()
            answer({"s": time.process_time() - tick})
        elif command == "done":
            answer({"hash": run_hash(model)})
        else:
            return


def answer(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def run_hash(model) -> str:
    """The run's tables (every row) and each member's conversations, hashed: equal for two
    versions whose results are the same bit for bit."""
    import hashlib

    from sim.experiments.tables import model_tables

    digest = hashlib.sha256(model.conversations.tobytes())
    for name, frame in sorted(model_tables(model, 0, "base", 0).items()):
        digest.update(name.encode())
        digest.update(frame.hash_rows().to_numpy().tobytes())
    return digest.hexdigest()[:16]


class Side:
    """A serving process and what it has measured."""

    def __init__(self, label: str, root: Path, scenario: str, overrides: dict, kernels: str):
        self.label = label
        command = [sys.executable, "-m", "benchmarks.paired", "--serve", str(root)]
        command += ["--scenario", scenario, "--overrides", json.dumps(overrides)]
        command += ["--kernels", kernels]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.hello = self.ask(None)
        self.seconds: list[float] = []  # per replication
        self.hashes: list[str] = []

    def ask(self, command: str | None) -> dict:
        if command is not None:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} process stopped (its error is above)")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


# --- the comparison ----------------------------------------------------------------------------
def export(ref: str, into: Path) -> Path:
    """The commit `ref`'s sim/ and scenarios/ in `into` (git archive)."""
    from sim.terminal import shown

    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run(
        [*git, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if commit.returncode or ref.startswith("-"):
        raise ValueError(f"'{shown(ref)}' is not a commit of this repository")
    out = subprocess.run(
        [*git, "archive", "--format=tar", commit.stdout.strip(), "sim", "scenarios"],
        capture_output=True,
        check=True,
    )
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into


def compare(sides: list[Side], replications: int) -> None:
    weeks = sides[0].hello["weeks"]
    for r in range(replications):
        for side in sides:
            side.ask(f"model {r}")
        spent = [0.0, 0.0]
        for week in range(weeks):
            turn = (0, 1) if week % 2 == 0 else (1, 0)
            for i in turn:
                spent[i] += sides[i].ask("step")["s"]
        for side, seconds in zip(sides, spent, strict=True):
            side.seconds.append(seconds)
            side.hashes.append(side.ask("done")["hash"])
        head, ref = (1e3 * s / weeks for s in spent)
        print(
            f"replication {r}: this checkout {head:.3f} ms a week, {sides[1].label} {ref:.3f} "
            f"({ref / head:.3f}x)",
            flush=True,
        )


def summary(sides: list[Side]) -> str:
    """The ratio (the commit's time / this checkout's) overall and its 95 % interval across the
    replications (metrics.across_replications, as a run's outcomes), and whether the results
    were the same."""
    import polars as pl

    from sim.experiments.metrics import across_replications

    head, ref = sides
    ratios = [b / a for a, b in zip(head.seconds, ref.seconds, strict=True)]
    text = f"{ref.label} / this checkout: {sum(ref.seconds) / sum(head.seconds):.3f}x"
    if len(ratios) > 1:
        per_rep = pl.DataFrame({"case": "paired", "ratio": ratios})
        row = across_replications(per_rep, ["case"], "ratio").row(0, named=True)
        half = (row["ci_high"] - row["ci_low"]) / 2
        text += f" (per replication {row['mean']:.3f} +- {half:.3f}, 95 % CI)"
    same = head.hashes == ref.hashes
    return text + ("; results the same" if same else "; results DIFFER")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", nargs="?", help="the commit to compare with (e.g. HEAD~1)")
    parser.add_argument("--scenario", default="bni_world", help="default: bni_world")
    parser.add_argument("--set", action="append", default=[], help="key=value, as in `sim run`")
    parser.add_argument("--replications", type=int, default=3, help="default: 3")
    parser.add_argument("--kernels", choices=("numba", "numpy"), default="numba")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--overrides", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.scenario, args.overrides, args.kernels)
        return 0
    return run(args)


def run(args) -> int:
    from sim.errors import ConfigError
    from sim.scenario import load_scenario, parse_set_options

    if not args.ref or args.replications < 1:
        print("error: give a commit (e.g. HEAD~1) and --replications of 1 or more", file=sys.stderr)
        return 2
    try:
        overrides = parse_set_options(args.set)
        regions = load_scenario(args.scenario, overrides).params.scene.regions
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if 1 < regions < args.replications:
        print(f"error: --replications: at most {regions} (the scenario's regions)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="netsim-paired-") as tmp:
        try:
            ref_root = export(args.ref, Path(tmp))
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        sides: list[Side] = []
        try:
            for label, root in (("this checkout", ROOT), (args.ref, ref_root)):
                sides.append(Side(label, root, args.scenario, overrides, args.kernels))
            for side in sides:
                print(f"{side.label}: {side.hello['source']}", flush=True)
            compare(sides, args.replications)
            print(summary(sides))
        finally:
            for side in sides:
                side.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
