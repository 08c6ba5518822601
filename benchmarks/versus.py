"""`make bench`'s comparisons with plain per-agent Mesa models (benchmarks/mesa_baseline.py).

- **Equal work** (goal: at least 20x): the project's chapters of 30 against the Mesa model whose
  members face the same needs per member-week as the bni scene (about 6) and pass referrals
  along chains of up to three degrees (`--equal-work`), at 1,000 and 10,000 members, 52 weeks.
- **The bar** (at least 8x): chapters of 30, 3,000 members x 104 weeks, against the lighter Mesa
  chapter model (presentations, rounds, one-to-ones and one-hop referrals from 0.13 needs per
  member-week).

Runs alternate between the two sides, each in a fresh process (the project: compiled, its
kernels loaded before the clock starts, the model's build inside it as the Mesa model's); the
figure is each side's fastest run in µs per member-week, with the range of the ratios of the
rounds' runs (each side's run of the same round) beside it: how far the machine moves the ratio.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

from benchmarks.phases import goal_verdict

EQUAL_WORK = ((1_000, 52), (10_000, 52))  # members, weeks
BAR = (3_000, 104)
GOAL_EQUAL_RATIO, GOAL_BAR_RATIO = 20.0, 8.0
ROUNDS = 3  # runs a side, alternating


def project_us(members: int, weeks: int) -> float:
    """The project's chapters of 30 in a fresh process, compiled: µs per member-week."""
    from benchmarks.bench import chapters

    return 1e6 * chapters(members, weeks, "numba")["wall_s"] / members / weeks


def mesa_us(members: int, weeks: int, equal_work: bool) -> tuple[float, dict]:
    """The plain Mesa model in a fresh process: µs per member-week and its output."""
    from benchmarks.bench import in_fresh_process

    args = ["benchmarks.mesa_baseline", str(members), str(weeks)]
    out = in_fresh_process(*args, *(["--equal-work"] if equal_work else []))
    return 1e6 * out["wall_s"] / members / weeks, out


def compare(members: int, weeks: int, equal_work: bool, rounds: int = ROUNDS) -> dict:
    """Both sides `rounds` times, alternating which goes first; the fastest of each."""
    project, mesa, out = [], [], {}
    for r in range(rounds):
        sides = ("project", "mesa") if r % 2 == 0 else ("mesa", "project")
        for side in sides:
            if side == "project":
                project.append(project_us(members, weeks))
            else:
                us, out = mesa_us(members, weeks, equal_work)
                mesa.append(us)
    rounds_ratios = [m / p for m, p in zip(mesa, project, strict=True)]
    return {
        "members": members,
        "weeks": weeks,
        "equal_work": equal_work,
        "project_us": min(project),
        "mesa_us": min(mesa),
        "ratio": min(mesa) / min(project),
        "round_ratios": (min(rounds_ratios), max(rounds_ratios)),
        "mesa_needs_per_member_week": out.get("needs_per_member_week"),
    }


def line(case: dict) -> str:
    """make bench's line for one comparison, against its goal."""
    goal = GOAL_EQUAL_RATIO if case["equal_work"] else GOAL_BAR_RATIO
    what = "equal work" if case["equal_work"] else "the lighter chapter model (the bar)"
    verdict = goal_verdict(goal / case["ratio"])
    needs = case["mesa_needs_per_member_week"]
    faced = f", Mesa facing {needs:.1f} needs a member-week" if needs else ""
    low, high = case["round_ratios"]
    return (
        f"versus Mesa, {what}: {case['members']:,} members x {case['weeks']} weeks: project "
        f"{case['project_us']:.1f} µs, plain Mesa {case['mesa_us']:.1f} µs per member-week"
        f"{faced}: {case['ratio']:.1f}x (round by round {low:.1f}-{high:.1f}x), goal >="
        f" {goal:.0f}x: {verdict}"
    )


def main() -> list[dict]:
    """Every comparison, printed as it finishes; returns their figures."""
    cases = []
    for members, weeks in EQUAL_WORK:
        cases.append(compare(members, weeks, equal_work=True))
        print(line(cases[-1]), flush=True)
    cases.append(compare(*BAR, equal_work=False))
    print(line(cases[-1]), flush=True)
    return cases


if __name__ == "__main__":
    main()
