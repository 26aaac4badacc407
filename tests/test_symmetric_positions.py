"""Identical particles with positions under translation groups (invariants.symmetric_positions):
sizes equal to the Molien–Weyl dimension and independent as functions (a second, float count),
kernel equal to the term-by-term orbit sums, invariance under random group elements, random
translations and random permutations of the particles, a planted law recovered, the export."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants as inv
from invariants import InvariantsError
from invariants.kernels import export_module
from tests.conftest import permuted as _permuted
from tests.conftest import sample, transform_output

CASES = [
    ("E(3)", "4*x:position", "scalar", 6),
    ("E(3)", "4*x:position", "vector", 5),
    ("E(3)", "3*(m:scalar; x:position)", "sym", 3),
    ("SE(3)", "3*x:position; v:vector", "vector", 3),
    ("E(3)", "3*x:position; 2*z:position", "scalar", 4),  # the second class relative to x̄
    ("Poincare(1,3)", "3*x:position", "scalar", 4),
    ("E(2)", "5*x:position", "scalar", 4),
]

_BASES: dict = {}


def sbasis(*case):
    if case not in _BASES:
        _BASES[case] = inv.basis(*case)
    return _BASES[case]


@pytest.mark.parametrize("case", CASES)
def test_size_is_the_dimension_and_the_terms_are_independent_functions(case):
    B = sbasis(*case)
    series = inv.hilbert_series(case[0], case[1], output=case[2]).coefficients(case[3] + 1)
    assert len(B) == sum(series) and B.group.name == inv.groups.parse_group(case[0]).name
    # a second count, in floats: the values at random positions have full column rank
    K = B.lambdify()
    rng = np.random.default_rng(2)
    values = K(**sample(B, rng, 3 * len(B) + 5))
    matrix = values.reshape(values.shape[0], len(B), -1).transpose(0, 2, 1).reshape(-1, len(B))
    s = np.linalg.svd(matrix / np.linalg.norm(matrix, axis=0), compute_uv=False)
    assert s[-1] > 1e-8 * s[0]


@pytest.mark.parametrize("case", CASES)
def test_kernel_equals_term_by_term_orbit_sums(case):
    B = sbasis(*case)
    data = sample(B, np.random.default_rng(4), 7)
    fast, slow = B.lambdify()(**data), B.expanded_kernel()(**data)
    assert np.max(np.abs(fast - slow)) <= 1e-9 * max(np.max(np.abs(slow)), 1.0)


@settings(max_examples=20)
@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**32 - 1))
def test_invariant_under_group_translations_and_permutations(case, seed):
    B = sbasis(*case)
    K = B.lambdify()
    rng = np.random.default_rng(seed)
    data = sample(B, rng, 4)
    base = K(**data)
    scale = max(np.max(np.abs(base)), 1.0)
    perms = [rng.permutation(len(cls)) for cls in B.spec.identical]
    assert np.max(np.abs(K(**_permuted(B, data, perms)) - base)) <= 1e-9 * scale
    g = B.group.random_element(rng, scale=0.5)
    t = rng.normal(size=B.group.d) * 3
    kinds = {i.name: i.type for i in inv.particles.parse_spec(case[1]).inputs}
    moved = {}
    for k, v in data.items():
        if kinds[k] == "position":
            moved[k] = v @ g.T + t
        elif kinds[k] == "vector":
            moved[k] = v @ g.T
        else:
            moved[k] = v
    expected = transform_output(B.output, g, base)
    scale = max(np.max(np.abs(expected)), scale)
    assert np.max(np.abs(K(**moved) - expected)) <= 1e-9 * scale


def test_planted_law_recovered_and_exported():
    # the moment of inertia about the centre of mass of four unit masses, and a quartic term
    B = sbasis("E(3)", "4*x:position", "scalar", 4)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4, 3))
    y_ = x - x.mean(axis=1, keepdims=True)
    r2 = (y_**2).sum(-1)
    y = r2.sum(1) - 0.5 * (r2**2).sum(1)
    model = inv.fit(B, {"x": x}, y)
    xt = rng.normal(size=(50, 4, 3)) + 10.0  # far from the origin: translation invariance
    yt_ = xt - xt.mean(axis=1, keepdims=True)
    r2t = (yt_**2).sum(-1)
    yt = r2t.sum(1) - 0.5 * (r2t**2).sum(1)
    assert np.max(np.abs(model.predict({"x": xt}) - yt)) <= 1e-9 * np.max(np.abs(yt))
    c = dict(zip([t.name for t in B.terms], model.coefficients))
    assert abs(c["Σ_i ((x_i−x̄)·(x_i−x̄))"] - 1) < 1e-9
    assert abs(c["Σ_i ((x_i−x̄)·(x_i−x̄))^2"] + 0.5) < 1e-9
    import sympy

    r = [sympy.Symbol(f"(x{k}−x̄)·(x{k}−x̄)") for k in range(1, 5)]
    assert sympy.expand(model.formula() - sum(r) + sum(q**2 for q in r) / 2) == 0
    ns: dict = {}
    exec(export_module(B), ns)
    assert np.allclose(ns["evaluate"](x=xt), B.lambdify()(x=xt), rtol=1e-12, atol=0)


def test_positions_need_a_class_with_a_position_field():
    with pytest.raises(InvariantsError, match="must have a position field"):
        inv.basis("E(3)", "3*p:vector; z:position", "scalar", 2)
    # without translations a position is a vector: the plain orbit sums
    assert len(inv.basis("O(3)", "3*x:position", "scalar", 2)) == 3
