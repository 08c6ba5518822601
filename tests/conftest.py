"""Shared fixtures: small parameter sets that run in well under a second."""

from sim.config import Params, apply_overrides


def small_params(**overrides) -> Params:
    base = {
        "scene.members": 40,
        "scene.sectors": 5,
        "scene.outer_per_member": 10,
        "scene.member_outer_ties": 20,
        "run.weeks": 52,
    }
    base.update(overrides)
    return apply_overrides(Params(), base, "test")
