"""`make bench`'s last lines: the scale goals (docs/measurements.md, "The scale goals") against
the run's own figures, each met or how far away, with its budget of core time."""

from __future__ import annotations

from benchmarks import phases, task_cost, versus

GOAL_WORLD_MIN, GOAL_LAPTOP_PER_S, GOAL_WORKERS = 5.0, 10.0, 2


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
