"""Group-wise choice helpers agree with a brute-force loop."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import kernels
from sim.model.grouping import min_per_group, top_k_per_group

groups = st.lists(st.tuples(st.integers(0, 9), st.floats(0, 100)), min_size=0, max_size=60)
# exact ties and unreachable entries (an infinite key: a weight of 0 in a race)
tied = st.lists(st.tuples(st.integers(0, 9), st.sampled_from([0.0, 1.0, 2.0, np.inf])), max_size=60)


@pytest.mark.parametrize("compiled", [False, True])
@settings(max_examples=100, deadline=None)
@given(st.one_of(groups, tied))
def test_min_per_group_matches_brute_force(compiled, rows):
    kernels.use(compiled)  # numpy, or the compiled twin (kernels.smallest_per_group)
    group = np.array([g for g, _ in rows], dtype=np.int64)
    key = np.array([k for _, k in rows], dtype=float)
    chosen = min_per_group(group, key)
    # in the order of the groups, the first entry holding each group's smallest key
    expected = [
        min(i for i in range(group.size) if group[i] == g and key[i] == key[group == g].min())
        for g in sorted(set(group.tolist()))
    ]
    kernels.use(False)
    assert chosen.tolist() == expected


@settings(max_examples=100, deadline=None)
@given(groups, st.integers(0, 4))
def test_top_k_per_group_matches_brute_force(rows, k):
    """Groups come sorted (the sources of a pair store's slots); each group's k smallest keys,
    its own k per group, and every index at most once."""
    rows = sorted(rows, key=lambda r: r[0])
    group = np.array([g for g, _ in rows], dtype=np.int64)
    key = np.array([x for _, x in rows], dtype=float)
    per_group = (np.arange(10) + k) % 5
    chosen = top_k_per_group(group, key, per_group)
    assert np.unique(chosen).size == chosen.size
    for g in set(group.tolist()):
        mine = sorted(key[chosen[group[chosen] == g]].tolist())
        assert mine == sorted(key[group == g].tolist())[: per_group[g]]
