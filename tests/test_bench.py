"""The benchmark harness still runs (its figures are machine-dependent and never asserted)."""

from benchmarks.bench import CASES, one, seating_round_ms


def test_a_small_bench_case_reports_its_measures_and_estimate():
    scenario, _ = next(iter(CASES.values()))
    result = one(scenario, {"scene.members": 40, "run.weeks": 8})
    assert result["members"] == 40 and result["conversations"] > 0
    assert result["estimate_mib"] > 0 and result["estimate_s"] > 0
    assert seating_round_ms(rounds=2) > 0


def test_the_plain_mesa_baseline_runs_and_passes_referrals():
    """The comparison model works: a chapter that meets for a year passes some referrals."""
    from benchmarks.mesa_baseline import ChapterModel

    model = ChapterModel(60)
    for _ in range(52):
        model.step()
    assert sum(m.referrals for m in model.agents) > 0
    assert all(len(m.memory) == 29 for m in model.agents)  # everyone heard their chapter


def test_the_world_case_measures_a_small_world_and_its_processes_memory():
    import os

    from benchmarks.bench import tree_rss, world

    assert tree_rss(os.getpid()) > 10 * 2**20  # this process alone holds numpy and polars
    run = world(1, ("scene.members=241", "scene.regions=2", "run.weeks=4"))
    assert run["minutes"] is not None, run["line"]  # the run did not fail
    assert (run["members"], run["regions"], run["weeks"]) == (241, 2, 4)
    assert run["member_weeks"] == 241 * 4 and run["minutes"] >= run["simulating_minutes"] > 0
    assert run["peak_gib"] > 0 and run["folder_mb"] > 0
    assert run["us_per_member_week"] > 0


def test_the_estimate_fit_is_the_least_upper_envelope_of_its_cases():
    """The refit of the time estimate (make bench ARGS="--fit"): no case underestimated, the
    envelope touching at least one, and a lower cost underestimates some case."""
    import numpy as np

    from benchmarks.estimate_fit import envelope

    rng = np.random.default_rng(4)
    terms = rng.uniform(1, 100, (9, 4))
    seconds = terms @ np.array([0.02, 0.0, 0.5, 0.1]) * rng.uniform(0.7, 1.0, 9)
    costs = envelope(terms, seconds)
    assert np.all(costs >= 0) and np.all(terms @ costs >= seconds * (1 - 1e-9))
    assert np.isclose(terms @ costs, seconds, rtol=1e-6).any()
    for k in np.flatnonzero(costs > 1e-9):
        lower = costs.copy()
        lower[k] *= 0.99
        assert np.any(terms @ lower < seconds * (1 - 1e-12))


def test_the_kernels_share_of_a_week_is_timed_and_the_kernels_put_back():
    """make bench's share of a compiled week spent in the compiled calls: some, not all, of
    it; afterwards the kernels are the compiled functions again and the numpy code is back on."""
    from benchmarks.kernel_cases import kernel_share
    from sim.model import kernels, referral_kernels

    kernels.use(True)
    kernels.use(False)
    before = {name: getattr(referral_kernels, name) for name in referral_kernels.COMPILED}
    result = kernel_share("laptop", {"scene.members": 30, "run.weeks": 6})
    assert 0 < result["kernels_ms"] < result["week_ms"]
    assert (result["members"], result["weeks"]) == (30, 6)
    assert all(getattr(referral_kernels, name) is f for name, f in before.items())
    assert not kernels.ENABLED


def test_the_paired_comparison_steps_two_versions_in_turn_and_compares_their_results():
    """benchmarks.paired: two serving processes step their models week by week in turn and report
    each replication's time and run hash (here both serve this checkout: the same results)."""
    from benchmarks import paired

    case = {"scene.members": 40, "run.weeks": 5}
    sides = []
    try:
        for label in ("first", "second"):
            sides.append(paired.Side(label, paired.ROOT, "laptop", case, "numpy"))
        paired.compare(sides, 2)
        text = paired.summary(sides)
    finally:
        for side in sides:
            side.close()
    assert all(len(side.seconds) == 2 and min(side.seconds) > 0 for side in sides)
    assert sides[0].hashes == sides[1].hashes and "results the same" in text
    assert "95 % CI" in text


def test_the_paired_comparisons_run_hash_tells_runs_apart(tmp_path):
    """The hash equal for the same run and not for another seed; a commit's sim/ and scenarios/
    exported for the other side; a wrong commit or scenario answered in one line (exit 2)."""
    import numpy as np

    from benchmarks import paired
    from sim.model import NetworkingModel
    from sim.scenario import load_scenario

    params = load_scenario("laptop", {"scene.members": 40, "run.weeks": 4}).params
    hashes = []
    for seed in (1, 1, 2):
        model = NetworkingModel(params, rng=np.random.SeedSequence(seed))
        model.run()
        hashes.append(paired.run_hash(model))
    assert hashes[0] == hashes[1] != hashes[2]
    paired.export("HEAD", tmp_path)
    assert (tmp_path / "sim" / "model" / "model.py").is_file()
    assert (tmp_path / "scenarios" / "laptop.toml").is_file()
    assert paired.main(["--", "--output=x"]) == 2 and paired.main(["no-such-commit"]) == 2
    assert paired.main(["HEAD", "--scenario", "nope"]) == 2
    assert paired.main(["HEAD", "--scenario", "bni_world", "--replications", "341"]) == 2


def test_the_paired_summary_says_when_results_differ():
    from types import SimpleNamespace

    from benchmarks.paired import summary

    head = SimpleNamespace(label="this checkout", seconds=[1.0, 1.0], hashes=["a", "b"])
    ref = SimpleNamespace(label="HEAD~1", seconds=[1.2, 1.1], hashes=["a", "c"])
    text = summary([head, ref])
    assert text.startswith("HEAD~1 / this checkout: 1.150x") and "results DIFFER" in text


def test_a_regions_week_splits_into_a_fixed_and_a_per_member_part():
    """make bench's line through (members, ms a week): the fixed part and the slope, in µs a
    member, each where it belongs (catches the two swapped, or the slope left in ms)."""
    from benchmarks.kernel_cases import fixed_and_per_member

    points = [(m, 0.85 + 0.007 * m + (0.01 if m == 500 else 0.0)) for m in (125, 250, 500, 1000)]
    fixed, per_member = fixed_and_per_member(points)
    assert abs(fixed - 0.85) < 0.01
    assert abs(per_member - 7.0) < 0.05


def test_a_regions_week_is_timed_at_each_size_and_the_kernels_put_back():
    """make bench's region sizes: a week's time at each size, in the sizes' order; the numpy
    code back on afterwards."""
    from benchmarks.kernel_cases import region_cost
    from sim.model import kernels

    kernels.use(False)
    points = region_cost(sizes=(30, 90), weeks=3, rounds=2)["points"]
    assert [members for members, _ in points] == [30, 90]
    assert all(ms > 0 for _, ms in points)
    assert not kernels.ENABLED


def test_the_goals_are_checked_against_their_budgets_of_core_time():
    """make bench's closing lines: each goal met or how far away, its budget of core time, and
    what the compiled calls alone take of it, per member-week or per week (catches a budget
    computed from the wrong figure, a ratio turned over, or a goal called met when it is not)."""
    from benchmarks.goals import goal_lines

    shares = {
        "region": {"kernels_ms": 5.0, "week_ms": 10.0, "members": 1_000, "weeks": 260},
        "mesa": {"kernels_ms": 3.0, "week_ms": 6.0, "members": 1_000, "weeks": 52},
        "laptop": {"kernels_ms": 0.6, "week_ms": 1.4, "members": 200, "weeks": 260},
    }
    compared = [
        {"members": 1_000, "weeks": 52, "equal_work": True, "mesa_us": 40.0, "ratio": 8.0},
        {"members": 3_000, "weeks": 104, "equal_work": False, "mesa_us": 30.0, "ratio": 10.0},
    ]
    phased = [
        {"members": 1_000, "chapter_us": 3.0, "need_ns": 250.0},
        {"members": 10_000, "chapter_us": 2.4, "need_ns": 330.0},
    ]
    world_run = {"minutes": 10.0, "member_weeks": 1_000_000_000}
    world, phases, mesa, bar, laptop = goal_lines(world_run, compared, 4.0, shares, phased)
    assert "10.0 min, goal <= 5: not met, 2.0x away" in world
    assert "budget (2 workers, nothing serial) 0.6 µs" in world  # 600 s x 2 / 1e9
    assert world.endswith("alone take 5.0")
    assert "3.00 µs a member-week (at 1,000 members), limit 1.2: not met, 2.5x away" in phases
    assert "330 ns a need (at 10,000 members), limit 300: not met, 1.1x away" in phases
    assert "8.0x plain Mesa on equal work at 1,000 members x 52 weeks, goal >= 20x" in mesa
    assert "not met, 2.5x away; its budget 2.00 µs a member-week" in mesa
    assert "10.0x plain Mesa (the lighter chapter model) at 3,000 members x 104" in bar
    assert "goal >= 8x: met; its budget 3.75 µs" in bar
    assert "4.0 laptop replications a second, goal >= 10: not met, 2.5x away" in laptop
    assert (
        "budget 0.77 ms of core time a week, of which the compiled calls alone take 0.60" in laptop
    )
    fast_phases = [{"members": 1_000, "chapter_us": 1.0, "need_ns": 200.0}]
    fast = goal_lines(
        {"minutes": 4.0, "member_weeks": 1},
        [{**compared[0], "ratio": 25.0}],
        20.0,
        shares,
        fast_phases,
    )
    verdicts = [line.split(": ")[2].split(";")[0] for line in fast]
    assert verdicts == ["met"] * 4 and fast[1].endswith("limit 300: met")
    assert len(goal_lines(None, compared, 4.0, shares, [])) == 3  # no world, no phases
    edge = goal_lines(None, [{**compared[1], "ratio": 7.98}], 4.0, shares, [])[0]
    assert "goal >= 8x: not met, 0.3 % short" in edge
    task = {"outside_ms": 24.0}
    assert goal_lines(None, compared, 4.0, shares, [], task)[-1].endswith("goal <= 30: met")


def test_a_tasks_time_outside_the_model_is_its_wall_time_less_the_models():
    """benchmarks/task_cost.py: laptop tasks through the run machinery, the model's time taken
    out, the tables and files timed among the rest; every hook put back afterwards."""
    import pytest

    from benchmarks import task_cost
    from sim import storage
    from sim.experiments import tables
    from sim.model import NetworkingModel, kernels

    kernels.use(False)
    before = (NetworkingModel.__init__, NetworkingModel.run, tables.model_tables)
    r = task_cost.measure(2, compiled=False, overrides={"run.weeks": 4}, warm=0)
    assert (NetworkingModel.__init__, NetworkingModel.run, tables.model_tables) == before
    assert storage.write_atomic.__name__ == "write_atomic" and not kernels.ENABLED
    assert r["tasks"] == 2 and r["model_ms"] > 0 and r["tables_ms"] > 0 and r["files_ms"] > 0
    assert r["outside_ms"] == pytest.approx(r["task_ms"] - r["model_ms"])
    parts = r["tables_ms"] + r["files_ms"] + r["rest_ms"]
    assert parts == pytest.approx(r["outside_ms"])
    assert "outside it" in task_cost.line(r) and "numpy" in task_cost.line(r)
    goal = task_cost.goal_line({"outside_ms": 45.0}, lambda ratio: f"{ratio:.1f}")
    assert goal.endswith("45.0 ms outside the model, goal <= 30: 1.5")


def test_a_comparison_with_mesa_says_its_fastest_ratio_and_the_rounds_range():
    """benchmarks/versus.py's line: the ratio of each side's fastest run, and beside it how far
    the rounds' own ratios spread (catches a range taken from one side only)."""
    from benchmarks.versus import line

    case = {
        "members": 3_000,
        "weeks": 104,
        "equal_work": False,
        "project_us": 4.8,
        "mesa_us": 36.6,
        "ratio": 36.6 / 4.8,
        "round_ratios": (7.21, 8.14),
        "mesa_needs_per_member_week": None,
    }
    text = line(case)
    assert "7.6x (round by round 7.2-8.1x), goal >= 8x: not met, 1.05x away" in text


def test_the_phases_are_timed_as_figures():
    """benchmarks/phases.py on a small chapter scene: the week split into the chapter phase
    and the needs phase, each a positive figure, the needs about six a member-week (bni)."""
    from benchmarks.phases import measure
    from sim.model import kernels

    r = measure(120, warm_up=2, weeks=3)
    assert not kernels.ENABLED  # the numpy code back on
    assert (r["members"], r["weeks"]) == (120, 3)
    assert 4 <= r["needs_per_member_week"] <= 8
    assert r["chapter_us"] > 0 and r["need_ns"] > 0
    chapter_ms = r["chapter_us"] * 120 / 1e3
    needs_ms = r["need_ns"] * r["needs"] / 1e6 / 3
    assert abs(chapter_ms + needs_ms - r["week_ms"]) < 1e-6 * r["week_ms"] + 1e-9


def test_the_equal_work_mesa_baseline_faces_the_bni_needs_and_passes_referrals_along_chains():
    """The equal-work comparison model: about six needs per member-week, as the bni scene, and
    referrals that reach the provider through a middle person (degree 2 or 3)."""
    from benchmarks.mesa_baseline import run

    result = run(60, 26, equal_work=True)
    assert 4 <= result["needs_per_member_week"] <= 8
    assert result["referrals_by_degree"][2] + result["referrals_by_degree"][3] > 0
    assert result["persons"] == 60 * 21
