import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import InvariantsError, parse_group
from tests.conftest import GROUPS


@pytest.mark.parametrize("name", GROUPS)
def test_lie_algebra_and_discrete_generators_preserve_the_metric(name):
    g = parse_group(name)
    eta = np.diag(g.metric)
    assert len(g.lie_algebra()) == g.d * (g.d - 1) // 2
    for X in g.lie_algebra():
        assert X.dtype.kind == "i"
        assert np.array_equal(X.T @ eta + eta @ X, np.zeros_like(eta))
    for R in g.discrete_generators():
        assert np.array_equal(R.T @ eta @ R, eta)
    dets = {round(np.linalg.det(R)) for R in g.discrete_generators()}
    assert (-1 in dets) == g.has_reflections


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(GROUPS), st.integers(0, 2**32 - 1))
def test_random_elements_belong_to_the_group(name, seed):
    g = parse_group(name)
    R = g.random_element(np.random.default_rng(seed), scale=0.7)
    eta = np.diag(g.metric).astype(float)
    assert np.allclose(R.T @ eta @ R, eta, atol=1e-9)
    det = np.linalg.det(R)
    assert abs(abs(det) - 1) < 1e-9
    if not g.has_reflections:
        assert det > 0
    if g.kind == "SO+(1,d-1)":
        assert R[0, 0] >= 1 - 1e-9  # orthochronous


def test_random_elements_reach_every_component():
    g = parse_group("O(1,3)")
    rng = np.random.default_rng(1)
    seen = set()
    for _ in range(60):
        R = g.random_element(rng)
        seen.add((round(np.linalg.det(R)), bool(R[0, 0] > 0)))
    assert len(seen) == 4


@pytest.mark.parametrize(
    "text,name,d,family",
    [
        ("O(3)", "O(3)", 3, "O"),
        ("SO(2)", "SO(2)", 2, "SO"),
        ("O(1,3)", "O(1,3)", 4, "O"),
        ("SO(1,3)", "SO(1,3)", 4, "SO"),
        ("SO+(1,1)", "SO+(1,1)", 2, "SO"),
        ("E(3)", "E(3)", 3, "O"),
        ("SE(2)", "SE(2)", 2, "SO"),
        ("Poincare(1,3)", "Poincare(1,3)", 4, "O"),
        (" SO( 3 ) ", "SO(3)", 3, "SO"),
    ],
)
def test_parse(text, name, d, family):
    g = parse_group(text)
    assert (g.name, g.d, g.family) == (name, d, family)


@pytest.mark.parametrize(
    "bad", ["Q(3)", "SO(0)", "O(1,0)", "SO(-1)", "O()", "SO(3", "U(2)", "SO(99)"]
)
def test_bad_group_names(bad):
    with pytest.raises(InvariantsError) as exc:
        parse_group(bad)
    assert repr(bad) in str(exc.value)


def test_non_string_group():
    with pytest.raises(InvariantsError, match="string"):
        parse_group(3)
