"""Two independent counts of the same dimension: Weyl characters and linear constraints mod p."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants.constraints import constraint_dimension
from invariants.counting import character_dimension

TYPES = ["vector", "pseudovector", "scalar", "pseudoscalar"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["O", "SO"]), st.integers(1, 5), st.data())
def test_characters_equal_constraints(family, d, data):
    types = data.draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3))
    beta = data.draw(st.lists(st.integers(0, 3), min_size=len(types), max_size=len(types)))
    assert character_dimension(family, d, types, beta) == constraint_dimension(
        family, d, types, beta
    )


@pytest.mark.parametrize(
    "family,d,types,beta",
    [
        ("SO", 3, ["vector"] * 4, (3, 3, 2, 2)),
        ("O", 4, ["vector"] * 4, (2, 2, 2, 2)),
        ("SO", 4, ["vector"] * 4, (2, 2, 2, 2)),
        ("O", 5, ["vector"] * 3, (3, 3, 2)),
        ("SO", 6, ["vector"] * 6, (1, 1, 1, 1, 1, 1)),
        ("O", 3, ["vector", "pseudovector", "pseudoscalar"], (2, 2, 1)),
        ("SO", 2, ["vector"] * 3, (3, 2, 1)),
        ("O", 2, ["vector", "pseudovector"], (2, 2)),
    ],
)
def test_larger_blocks(family, d, types, beta):
    assert character_dimension(family, d, types, beta) == constraint_dimension(
        family, d, types, beta
    )


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["O", "SO"]), st.integers(2, 4), st.data())
def test_antisymmetric_blocks(family, d, data):
    n = data.draw(st.integers(0, 2))
    beta = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)) + [1, 1]
    types = ["vector"] * (n + 2)
    pair = (n, n + 1)
    assert character_dimension(family, d, types, beta, antisymmetric=pair) == (
        constraint_dimension(family, d, types, beta, antisymmetric=pair)
    )


@pytest.mark.parametrize("output", ["scalar", "vector", "sym", "skew", "matrix", "pseudoscalar"])
@pytest.mark.parametrize("group", ["O(3)", "SO(3)", "O(1,3)", "SO(2)", "E(2)"])
def test_verify_cross_check(group, output):
    from invariants import verify

    r = verify(group, "p,q:vector; s:pseudoscalar", output=output, degree=3, cross_check=True)
    assert r.complete


def test_cross_check_detects_a_disagreement(monkeypatch):
    import invariants.constraints as constraints
    from invariants import verify

    real = constraints.constraint_dimension
    monkeypatch.setattr(
        constraints, "constraint_dimension", lambda *a, **k: real(*a, **k) + (sum(a[3]) == 4)
    )
    with pytest.raises(RuntimeError, match=r"multidegree \[.*characters give"):
        verify("O(3)", "p,q:vector", degree=4, cross_check=True)
    verify("O(3)", "p,q:vector", degree=3, cross_check=True)  # below the faked block: fine
    from invariants.cli import main

    assert main(["verify", "O(3)", "p,q:vector", "--degree", "4", "--cross-check"]) == 3
