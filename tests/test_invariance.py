"""Property tests: generators are invariant and basis elements equivariant under random group
elements, for every group (float64, relative error ≤ 1e-9)."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import basis
from invariants.problem import make_problem
from tests.conftest import GROUPS, OUTPUTS, act, evaluator, random_values, transform_output

SPECS = [
    "p,q,r:vector",
    "p,q:vector; m:scalar",
    "p:vector; w:pseudovector; s:pseudoscalar",
    "x1,x2,x3:position; v:vector",
    "a,b:pseudovector",
]


@pytest.mark.parametrize("group", GROUPS)
@settings(max_examples=4, deadline=None)
@given(spec=st.sampled_from(SPECS), seed=st.integers(0, 2**32 - 1))
def test_generators_are_invariant(group, spec, seed):
    problem = make_problem(group, spec, "scalar")
    rng = np.random.default_rng(seed)
    values = random_values(problem, rng)
    g = problem.group.random_element(rng, scale=0.5)
    moved = act(problem, g, problem.group.random_translation(rng), values)
    for gen, expr in zip(problem.generators, problem.generator_expressions()):
        if problem.group.family == "O" and gen.parity:
            continue  # odd factors are not invariants on their own
        f, scale = evaluator(problem, expr)
        err = np.abs(f(moved) - f(values)).max()
        assert err <= 1e-9 * max(1.0, scale(values).max(), scale(moved).max()), gen.name


@pytest.mark.parametrize("group", GROUPS)
@settings(max_examples=3, deadline=None)
@given(
    spec=st.sampled_from(SPECS[:4]),
    output=st.sampled_from(OUTPUTS),
    seed=st.integers(0, 2**32 - 1),
)
def test_basis_elements_are_equivariant(group, spec, output, seed):
    B = basis(group, spec, output=output, degree=2)
    problem = B.problem
    rng = np.random.default_rng(seed)
    values = random_values(problem, rng)
    g = problem.group.random_element(rng, scale=0.5)
    moved = act(problem, g, problem.group.random_translation(rng), values)
    for term, tensor in zip(B.terms, B.expressions()):
        f, scale = evaluator(problem, tensor)
        shape = (problem.group.d,) * (
            0 if output.endswith("scalar") else 1 if output.endswith("vector") else 2
        )
        before = f(values).reshape(shape)
        after = f(moved).reshape(shape)
        expected = transform_output(output, g, before)
        tol = 1e-9 * max(1.0, scale(values).max(), scale(moved).max()) * (1 + np.abs(g).max()) ** 2
        assert np.abs(after - expected).max() <= tol, term.name


def test_equivariance_test_can_fail():
    # A non-equivariant map (first coordinate of p, as a "scalar") must be caught.
    problem = make_problem("SO(3)", "p:vector", "scalar")
    rng = np.random.default_rng(0)
    values = random_values(problem, rng)
    g = problem.group.random_element(rng)
    f, _ = evaluator(problem, problem.symbols()["p"][0])
    assert abs(f(act(problem, g, np.zeros(3), values)) - f(values)).max() > 1e-3


def test_basis_terms_are_nonzero_tensors():
    B = basis("SO(3)", "p,q:vector", output="skew", degree=2)
    assert all(sympy.Matrix(t) != sympy.zeros(3, 3) for t in B.expressions())
    assert len(B) == B.verify().degrees[0].dimension + sum(
        r.dimension for r in B.verify().degrees[1:]
    )
