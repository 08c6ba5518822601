"""The benchmark harness still runs (its figures are machine-dependent and never asserted)."""

from benchmarks.bench import CASES, one, seating_round_ms


def test_a_small_bench_case_reports_its_measures_and_estimate():
    scenario, _ = next(iter(CASES.values()))
    result = one(scenario, {"scene.members": 40, "run.weeks": 8})
    assert result["members"] == 40 and result["conversations"] > 0
    assert result["estimate_mib"] > 0 and result["estimate_s"] > 0
    assert seating_round_ms(rounds=2) > 0
