"""Symmetric kernels (orbit sums over identical particles): agreement with the term-by-term
expansion and with SymPy, exact permutation invariance, equivariance, fits, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants as inv
from invariants import InvariantsError, datasets
from invariants.basis import to_tensor
from invariants.particles import parse_spec
from invariants.problem import make_problem
from invariants.symmetric_kernels import SymmetricBasis, orbit, stack_inputs, symmetric_basis
from tests.conftest import act, sample, transform_output
from tests.conftest import permuted as _permuted

CASES = [
    ("O(3)", "3*(m:scalar; x:vector)", "scalar", 3),
    ("O(3)", "4*(m:scalar; x:vector)", "sym", 3),
    ("SO(3)", "3*p:vector; g:vector", "vector", 3),
    ("SO(3)", "4*p:vector", "matrix", 3),
    ("O(3)", "3*p:vector; q:vector", "skew", 3),
    ("O(1,3)", "3*p:vector", "sym", 3),
    ("O(1,3)", "3*p:vector; q:vector", "vector", 3),
    ("SO(3)", "3*p:vector", "pseudoscalar", 3),
    ("O(2)", "3*p:vector; s:scalar", "scalar", 4),
    ("O(3)", "2*p:vector; 2*q:vector", "vector", 3),  # two classes
]

_BASES: dict = {}


def sbasis(group, spec, output, degree):
    key = (group, spec, output, degree)
    if key not in _BASES:
        _BASES[key] = symmetric_basis(group, spec, output, degree)
    return _BASES[key]


def rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize("mode", ["inclusion-exclusion", "gather", "auto"])
@pytest.mark.parametrize("group,spec,output,degree", CASES)
def test_kernel_equals_term_by_term_expansion(group, spec, output, degree, mode):
    B = sbasis(group, spec, output, degree)
    assert len(B) > 0
    data = sample(B, np.random.default_rng(3), 9)
    fast, slow = B.lambdify(mode=mode)(**data), B.expanded_kernel()(**data)
    assert fast.shape == slow.shape == (9, len(B)) + fast.shape[2:]
    # per term: an orbit sum that is not identically zero must agree to round-off
    for j in range(len(B)):
        assert np.max(np.abs(fast[:, j] - slow[:, j])) <= 1e-9 * max(np.max(np.abs(slow)), 1.0)


@pytest.mark.parametrize(
    "group,spec,output,degree",
    [("SO(3)", "3*p:vector; g:vector", "vector", 3), ("O(3)", "3*(m:scalar; x:vector)", "sym", 2)],
)
def test_kernel_equals_sympy_expansion(group, spec, output, degree):
    B = sbasis(group, spec, output, degree)
    problem = B.problem
    syms = problem.symbols()
    flat = [s for i in problem.inputs for s in syms[i.name]]
    rng = np.random.default_rng(5)
    data = sample(B, rng, 1)
    args = [float(x) for i in problem.inputs for x in np.atleast_1d(data[i.name][0])]
    values = B.lambdify()(**data)[0]
    for j, phi in enumerate(B.invariants):  # the orbit sum expanded symbolically
        expected = np.array(sympy.lambdify(flat, to_tensor(problem, phi))(*args), dtype=float)
        assert rel(values[j], expected.reshape(values[j].shape)) <= 1e-9


@settings(max_examples=15)
@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**32 - 1))
def test_permutation_invariance_and_equivariance(case, seed):
    B = sbasis(*case)
    K = B.lambdify()
    rng = np.random.default_rng(seed)
    data = sample(B, rng, 4)
    base = K(**data)
    perms = [rng.permutation(len(cls)) for cls in B.spec.identical]
    scale = max(np.max(np.abs(base)), 1e-300)
    assert np.max(np.abs(K(**_permuted(B, data, perms)) - base)) <= 1e-12 * scale
    g = B.group.random_element(rng, scale=0.5)
    moved = act(B.problem, g, None, {k: v.T for k, v in data.items()})
    moved = {k: np.asarray(v).T for k, v in moved.items()}
    expected = transform_output(B.output, g, base)
    assert np.max(np.abs(K(**moved) - expected)) <= 1e-9 * max(np.max(np.abs(expected)), 1.0)


def test_orbit_multiplicity_and_vanishing():
    s = parse_spec("3*p:vector")
    P = make_problem("SO(3)", s.inputs, "scalar")
    index = {g.name: k for k, g in enumerate(P.generators)}
    o = orbit(P, s.identical, ((index["p1·p2"], 1),))
    assert (len(o.images), o.multiplicity, o.vanishes) == (3, 2, False)  # 3 pairs, 3!/3 maps each
    o = orbit(P, s.identical, ((index["p1·p1"], 1),))
    assert (len(o.images), o.multiplicity) == (3, 1)
    bracket = next(k for k, g in enumerate(P.generators) if g.kind == "bracket")
    assert orbit(P, s.identical, ((bracket, 1),)).vanishes  # alternating under S_3
    assert orbit(P, s.identical, ((bracket, 2),)).vanishes is False  # its square is symmetric


def test_inertia_exact_recovery_at_13_samples():
    B = sbasis("O(3)", "5*(m:scalar; x:vector)", "sym", 3)
    assert len(B) == 19  # against 236 terms without the permutations
    rng = np.random.default_rng(0)
    X, y = datasets.inertia(13, rng)
    Xt, yt = datasets.inertia(200, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # full numerical rank: the coefficients are unique
        model = inv.fit(B, X, y)
    assert np.mean((model.predict(Xt) - yt) ** 2) / np.mean(yt**2) < 1e-24
    names = [t.name for t in B.terms]
    c = dict(zip(names, model.coefficients))
    assert abs(c["Σ_i m_i (x_i·x_i) η"] - 1) < 1e-9 and abs(c["Σ_i m_i x_i⊗x_i"] + 1) < 1e-9
    S = sympy.Symbol
    law = sum(
        S(f"m{i}") * S(f"x{i}·x{i}") * S("η") - S(f"m{i}") * S(f"x{i}⊗x{i}") for i in range(1, 6)
    )
    assert sympy.expand(model.formula() - law) == 0  # written out over the five bodies
    # the same fit from fields stacked over the particles
    m = np.stack([X[f"m{i}"] for i in range(1, 6)], axis=1)
    x = np.stack([X[f"x{i}"] for i in range(1, 6)], axis=1)
    stacked = inv.fit(B, {"m": m, "x": x}, y)
    assert np.allclose(stacked.coefficients, model.coefficients, rtol=0, atol=1e-12)
    assert np.allclose(stacked.predict({"m": m, "x": x}), y, rtol=0, atol=1e-10)


def test_fewer_samples_are_rank_deficient():
    B = sbasis("O(3)", "5*(m:scalar; x:vector)", "sym", 3)
    X, y = datasets.inertia(11, np.random.default_rng(0))
    with pytest.warns(RuntimeWarning, match="numerical rank"):
        inv.fit(B, X, y)


FITTED = [
    ("O(3)", "4*(m:scalar; x:vector)", "sym", 3),
    ("SO(3)", "3*p:vector; g:vector", "vector", 3),
    ("O(1,3)", "3*(m:scalar; x:vector)", "sym", 3),
    ("O(1,3)", "4*p:vector", "scalar", 4),
]


@settings(max_examples=20)
@given(case=st.sampled_from(FITTED), seed=st.integers(0, 2**32 - 1))
def test_fitted_model_is_permutation_invariant_and_equivariant(case, seed):
    B = sbasis(*case)
    output, d = B.output, B.group.d
    rng = np.random.default_rng(seed)
    train = sample(B, rng, 30)
    shape = {"scalar": (), "vector": (d,), "sym": (d, d)}[output]
    model = inv.fit(B, train, rng.normal(size=(30,) + shape), ridge=1e-3)
    data = sample(B, rng, 3)
    base = model.predict(data)
    scale = max(np.max(np.abs(base)), 1.0)
    perms = [rng.permutation(len(cls)) for cls in B.spec.identical]
    assert np.max(np.abs(model.predict(_permuted(B, data, perms)) - base)) <= 1e-12 * scale
    g = B.group.random_element(rng, scale=0.5)
    moved = {k: (v @ g.T if v.ndim == 2 else v) for k, v in data.items()}
    expected = transform_output(output, g, base)
    scale = max(np.max(np.abs(expected)), scale)
    assert np.max(np.abs(model.predict(moved) - expected)) <= 1e-9 * scale


def test_basis_routes_identical_particles_to_orbit_sums():
    B = inv.basis("O(3)", "5*(m:scalar; x:vector)", output="sym", degree=3)
    ref = sbasis("O(3)", "5*(m:scalar; x:vector)", "sym", 3)
    assert isinstance(B, SymmetricBasis) and B.source == "5*(m:scalar; x:vector)"
    assert [t.name for t in B.terms] == [t.name for t in ref.terms]
    assert len(inv.basis("O(3)", "x1,x2,x3,x4,x5:vector; m1,m2,m3,m4,m5:scalar", "sym", 3)) == 236
    with pytest.raises(InvariantsError, match="not supported with identical particles"):
        inv.basis("O(3)", "3*p:vector", features=("norms",))
    assert B.at_degree(2).degree == 2 and isinstance(B.at_degree(2), SymmetricBasis)


def test_fit_cv_over_degrees_keeps_the_orbit_sums():
    # fit_cv(degrees=…) used to rebuild a plain basis of the expanded inputs (236 terms)
    B = sbasis("O(3)", "5*(m:scalar; x:vector)", "sym", 3)
    rng = np.random.default_rng(1)
    X, y = datasets.inertia(60, rng)
    Xt, yt = datasets.inertia(100, rng)
    for spec in (B, ("O(3)", "5*(m:scalar; x:vector)", "sym")):
        model, table = inv.fit_cv(spec, X, y, degrees=(2, 3), ridges=(0.0,), rule="min")
        assert isinstance(model.basis, SymmetricBasis) and model.basis.degree == 3
        sizes = {r.degree: r.terms for r in table}
        assert sizes == {2: len(sbasis("O(3)", "5*(m:scalar; x:vector)", "sym", 2)), 3: 19}
        assert np.mean((model.predict(Xt) - yt) ** 2) / np.mean(yt**2) < 1e-20


def test_bad_input():
    B = sbasis("O(3)", "3*(m:scalar; x:vector)", "scalar", 3)
    K = B.lambdify()
    m, x = np.ones((2, 3)), np.ones((2, 3, 3))
    with pytest.raises(InvariantsError, match=r"stacked field 'm'.*\(N, 3\)"):
        K(m=np.ones((2, 4)), x=x)
    with pytest.raises(InvariantsError, match=r"stacked field 'x'.*\(N, 3, 3\)"):
        K(m=m, x=np.ones((2, 3, 2)))
    with pytest.raises(InvariantsError, match="both stacked and per particle"):
        K(m=m, m1=m[:, 0], x=x)
    with pytest.raises(InvariantsError, match="missing input"):
        K(m=m)
    with pytest.raises(InvariantsError, match=r"stacked field 'x'"):
        inv.fit(B, {"m": m, "x": np.ones((2, 2, 3))}, np.ones(2))
    with pytest.raises(InvariantsError, match="unknown mode"):
        B.lambdify(mode="fast")
    with pytest.raises(InvariantsError, match="no identical particles"):
        symmetric_basis("O(3)", "p,q:vector", "scalar", 2)
    with pytest.raises(InvariantsError, match="must have a position field"):
        symmetric_basis("E(3)", "3*x:vector; z:position", "scalar", 2)
    assert stack_inputs(B.spec, 3, {"m1": 1.0})["m1"] == 1.0  # per-input data passes through


@pytest.mark.parametrize(
    "group, spec, output, degree",
    [
        ("O(3)", "5*(m:scalar; x:vector)", "sym", 3),
        ("O(3)", "4*p:vector", "scalar", 4),
        ("O(3)", "3*(m:scalar; x:vector)", "scalar", 3),
        ("SO(3)", "3*p:vector", "vector", 3),
        # the plain generators have relations here (Gram determinants): distinct orbit sums of a
        # plain basis are then dependent, and only an independent subset is a basis
        ("O(2)", "3*p:vector", "scalar", 8),
        ("O(3)", "4*p:vector", "scalar", 8),
    ],
)
def test_orbit_sums_are_as_many_as_the_molien_weyl_count_of_g_times_sn(group, spec, output, degree):
    # Two independent counts: distinct orbit sums of the plain basis against the Hilbert series
    # of G × S_n (Molien–Weyl averaged over cycle types, invariants.hilbert).
    from invariants import hilbert_series
    from invariants.symmetric_kernels import symmetric_basis

    series = hilbert_series(group, spec, output=output).coefficients(degree + 1)
    assert len(symmetric_basis(group, spec, output, degree)) == sum(series)
