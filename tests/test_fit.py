"""Fits on invariant/equivariant bases: exact recovery of polynomial laws and their formulas,
exact equivariance of fitted models, ridge, sparse (STLSQ), cross-validation, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants.fitting as fitmod
from invariants import InvariantsError, basis, datasets, parse_group
from invariants.fitting import FittedModel, fit, fit_cv
from tests.conftest import GROUPS, OUTPUTS, act, transform_output

S = sympy.Symbol
HALF = sympy.Rational(1, 2)


def dot(a, b):
    return np.einsum("...i,...i->...", a, b)


def rel_err(pred, true):
    return float(np.linalg.norm(pred - true) / np.linalg.norm(true))


# --------------------------------------------------------------------------------------------
# Data for the laws


def pq(n, seed):
    p, q = np.random.default_rng(seed).normal(size=(2, n, 3))
    return {"p": p, "q": q}


def scalar_law(d):
    return 3 * dot(d["p"], d["q"]) ** 2 - 0.5 * dot(d["p"], d["p"])


def vector_law(d):
    return dot(d["p"], d["q"])[:, None] * d["p"] - 2 * d["q"]


INERTIA_SPEC = "x1,x2,x3,x4,x5:vector; m1,m2,m3,m4,m5:scalar"


def inertia(n, seed):
    return datasets.inertia(n, np.random.default_rng(seed))


def particle(n, seed):
    return datasets.particle_interaction(n, np.random.default_rng(seed))


# --------------------------------------------------------------------------------------------
# Exact recovery


def test_scalar_law_exact():
    B = basis("O(3)", "p,q:vector", output="scalar", degree=4)
    train, test = pq(60, 0), pq(500, 1)
    model = fit(B, train, scalar_law(train))
    assert isinstance(model, FittedModel) and model.rank == len(B)
    assert rel_err(model.predict(test), scalar_law(test)) <= 1e-9
    assert model.formula() == 3 * S("p·q") ** 2 - HALF * S("p·p")
    assert str(model) == "-(p·p)/2 + 3*(p·q)**2"
    assert model.score(test, scalar_law(test)) <= 1e-18 * np.mean(scalar_law(test) ** 2)


def test_vector_law_exact():
    B = basis("O(3)", "p,q:vector", output="vector", degree=3)
    train, test = pq(40, 2), pq(500, 3)
    model = fit(B, train, vector_law(train))
    pred = model.predict(test)
    assert pred.shape == (500, 3)
    assert rel_err(pred, vector_law(test)) <= 1e-9
    assert model.formula() == S("p·q") * S("p") - 2 * S("q")


def test_inertia_law_exact():
    B = basis("O(3)", INERTIA_SPEC, output="sym", degree=3)
    train, y = inertia(300, 4)
    test, yt = inertia(1000, 5)
    model = fit(B, train, y)
    assert model.rank == len(B) == 236
    pred = model.predict(test)
    assert pred.shape == (1000, 3, 3)
    assert rel_err(pred, yt) <= 1e-9
    expected = sum(
        S(f"m{i}") * S(f"x{i}·x{i}") * S("η") - S(f"m{i}") * S(f"x{i}⊗x{i}") for i in range(1, 6)
    )
    assert model.formula() == expected


def test_particle_interaction_exact():
    B = basis("O(1,3)", "p1,p2,p3,p4:vector", output="scalar", degree=4)
    train, y = particle(200, 6)
    test, yt = particle(1000, 7)
    model = fit(B, train, y)
    assert rel_err(model.predict(test), yt) <= 1e-9
    d = {(i, j): S(f"p{i}·p{j}") for i in range(1, 5) for j in range(i, 5)}
    expected = (
        16 * d[1, 1] * d[2, 2]
        - 12 * d[1, 1] * d[2, 4]
        + 4 * d[1, 2] * d[3, 4]
        - 12 * d[1, 3] * d[2, 2]
        + 8 * d[1, 3] * d[2, 4]
    )
    assert model.formula() == expected


def test_so3_cross_product_and_pseudoscalar():
    B = basis("SO(3)", "p,q:vector", output="vector", degree=2)
    train = pq(20, 8)
    model = fit(B, train, np.cross(train["p"], train["q"]) + train["p"])
    assert model.formula() == S("p") + S("[p,q,·]")
    B = basis("O(3)", "p,q,r:vector", output="pseudoscalar", degree=5)
    rng = np.random.default_rng(9)
    data = {k: rng.normal(size=(80, 3)) for k in "pqr"}
    det = np.linalg.det(np.stack([data["p"], data["q"], data["r"]], axis=-1))
    model = fit(B, data, det * (2 * dot(data["p"], data["q"]) - 1))
    assert model.formula() == sympy.expand((2 * S("p·q") - 1) * S("[p,q,r]"))


def test_matrix_seeds_are_ordered():
    # p⊗q and q⊗p are different basis elements of a matrix output; the formula tells them apart.
    B = basis("O(3)", "p,q:vector", output="matrix", degree=2)
    train = pq(30, 10)
    p, q = train["p"], train["q"]
    y = p[:, :, None] * q[:, None, :] - 3 * q[:, :, None] * p[:, None, :]
    model = fit(B, train, y)
    assert model.formula() == S("p⊗q") - 3 * S("q⊗p")
    test = pq(100, 11)
    tp, tq = test["p"], test["q"]
    yt = tp[:, :, None] * tq[:, None, :] - 3 * tq[:, :, None] * tp[:, None, :]
    assert rel_err(model.predict(test), yt) <= 1e-9


def test_positions_and_translations():
    B = basis("E(3)", "x1,x2:position; v:vector", output="vector", degree=2)
    rng = np.random.default_rng(12)
    data = {k: rng.normal(size=(40, 3)) for k in ("x1", "x2", "v")}
    y = (data["x2"] - data["x1"]) - data["v"] / 4
    model = fit(B, data, y)
    assert model.formula() == S("(x2-x1)") - S("v") / 4


def test_formula_rationals_and_tolerance():
    B = basis("O(3)", "p,q:vector", output="scalar", degree=2)
    train = pq(50, 13)
    y = 0.7 * dot(train["p"], train["q"]) + np.pi * dot(train["q"], train["q"])
    model = fit(B, train, y)
    f = model.formula()
    assert f.coeff(S("p·q")) == sympy.Rational(7, 10)
    pi_coeff = f.coeff(S("q·q"))
    assert isinstance(pi_coeff, sympy.Float) and abs(float(pi_coeff) - np.pi) < 1e-5
    # The closest fraction with denominator ≤ 100 is 311/99, 5.8e-5 (relative) from π.
    assert isinstance(model.formula(tol=1e-5).coeff(S("q·q")), sympy.Float)
    assert model.formula(tol=1e-4).coeff(S("q·q")) == sympy.Rational(311, 99)
    # Tiny coefficients (the constant term here) are dropped.
    assert f.coeff(S("p·p")) == 0 and f.as_coefficients_dict().get(sympy.Integer(1)) is None


def test_predict_shapes_single_sample_and_lists():
    B = basis("O(3)", "p,q:vector; m:scalar", output="sym", degree=2)
    rng = np.random.default_rng(14)
    data = {"p": rng.normal(size=(30, 3)), "q": rng.normal(size=(30, 3)), "m": rng.normal(size=30)}
    y = data["m"][:, None, None] * np.eye(3) + data["p"][:, :, None] * data["p"][:, None, :]
    model = fit(B, data, y)
    one = model.predict({"p": [1, 2, 3], "q": [0, 1, 0], "m": 2})  # lists and ints converted
    assert one.shape == (3, 3)
    assert np.allclose(one, 2 * np.eye(3) + np.outer([1, 2, 3], [1, 2, 3]), rtol=1e-10)
    grid = {k: v.reshape((5, 6) + v.shape[1:]) for k, v in data.items()}
    assert model.predict(grid).shape == (5, 6, 3, 3)
    ints = {k: np.round(v * 10).astype(int) for k, v in data.items()}
    yi = ints["m"][:, None, None] * np.eye(3) + ints["p"][:, :, None] * ints["p"][:, None, :]
    assert fit(B, ints, yi.tolist()).score(ints, yi) <= 1e-20 * np.mean(yi**2)


def test_sym_output_fits_the_symmetric_part():
    B = basis("O(3)", "p,q:vector", output="sym", degree=2)
    train = pq(40, 15)
    p, q = train["p"], train["q"]
    sym = p[:, :, None] * q[:, None, :] + q[:, :, None] * p[:, None, :]
    anti = p[:, :, None] * q[:, None, :] - q[:, :, None] * p[:, None, :]
    a = fit(B, train, sym)
    b = fit(B, train, sym + anti)
    assert np.allclose(a.coefficients, b.coefficients, atol=1e-10)
    assert np.isclose(b.score(train, sym + anti), np.mean(anti**2), rtol=1e-9)


def test_chunked_factorization_matches(monkeypatch):
    B = basis("O(3)", "p,q:vector", output="vector", degree=3)
    train = pq(500, 16)
    y = vector_law(train) + 0.1 * np.random.default_rng(17).normal(size=(500, 3))
    whole = fit(B, train, y)
    monkeypatch.setattr(fitmod, "CHUNK", 7)
    chunked = fit(B, train, y)
    assert np.allclose(whole.coefficients, chunked.coefficients, rtol=1e-10, atol=1e-12)
    lstsq = np.linalg.lstsq(
        np.asarray(B.lambdify()(**train)).transpose(0, 2, 1).reshape(-1, len(B)),
        y.reshape(-1),
        rcond=None,
    )[0]
    assert np.allclose(whole.coefficients, lstsq, rtol=1e-9, atol=1e-12)


def test_features_take_only_the_original_inputs():
    # y = ‖p‖ + 2 cos∠(p, q) - ½ (p·q) is a polynomial in the derived inputs.
    B = basis("O(3)", "p,q:vector", output="scalar", degree=2, features=("norms", "cosines"))
    train, test = pq(200, 24), pq(500, 25)

    def law(d):
        n_p, n_q = np.linalg.norm(d["p"], axis=-1), np.linalg.norm(d["q"], axis=-1)
        return n_p + 2 * dot(d["p"], d["q"]) / (n_p * n_q) - 0.5 * dot(d["p"], d["q"])

    model = fit(B, train, law(train))  # no rank warning although norm_p² = p·p on the data
    assert rel_err(model.predict(test), law(test)) <= 1e-9
    assert model.formula() == S("norm_p") + 2 * S("cos_p_q") - HALF * S("p·q")
    with pytest.raises(InvariantsError, match="'norm_p' \\(a derived feature"):
        fit(B, train | {"norm_p": np.linalg.norm(train["p"], axis=-1)}, law(train))
    result = fit_cv(B, train, law(train), degrees=(1, 2), ridges=(0.0,))
    assert result.degree == 2 and result.model.basis.features == ("norms", "cosines")


# --------------------------------------------------------------------------------------------
# Exact equivariance of fitted models on random group elements

SPECS = [
    "p,q:vector; m:scalar",
    "p:vector; w:pseudovector; s:pseudoscalar",
    "x1,x2:position; v:vector",
]


@pytest.mark.parametrize("group", GROUPS)
@settings(max_examples=3, deadline=None)
@given(
    spec=st.sampled_from(SPECS),
    output=st.sampled_from(OUTPUTS),
    seed=st.integers(0, 2**32 - 1),
)
def test_fitted_model_is_equivariant(group, spec, output, seed):
    B = basis(group, spec, output=output, degree=2)
    if not len(B):
        return
    problem = B.problem
    d = B.group.d
    rng = np.random.default_rng(seed)
    n = 20

    def sample(m):
        return {
            i.name: rng.normal(size=(m, d)) if i.vector_like else rng.normal(size=m)
            for i in problem.inputs
        }

    shape = fitmod._out_shape(B)
    model = fit(B, sample(n), rng.normal(size=(n,) + shape), ridge=1e-3)
    for _ in range(3):
        values = {k: v[0] for k, v in sample(1).items()}
        g = B.group.random_element(rng, scale=0.5)
        moved = act(problem, g, B.group.random_translation(rng), values)
        before, after = model.predict(values), model.predict(moved)
        expected = transform_output(output, g, before)
        F = np.abs(np.asarray(B.lambdify()(**{k: np.asarray(v)[None] for k, v in values.items()})))
        Fm = np.abs(np.asarray(B.lambdify()(**{k: np.asarray(v)[None] for k, v in moved.items()})))
        size = np.einsum("j,nj...->n...", np.abs(model.coefficients), F).max()
        size = max(size, np.einsum("j,nj...->n...", np.abs(model.coefficients), Fm).max(), 1e-300)
        tol = 1e-9 * size * (1 + np.abs(g).max()) ** 2
        assert np.abs(after - expected).max() <= tol, (group, spec, output)


# --------------------------------------------------------------------------------------------
# Ridge, sparse, cross-validation


def test_ridge_shrinks_and_allows_underdetermined_fits():
    B = basis("O(3)", "p,q:vector", output="scalar", degree=6)
    train = pq(100, 18)
    y = scalar_law(train) + 0.5 * np.random.default_rng(19).normal(size=100)
    norms = []
    for ridge in (0.0, 1e-4, 1e-2, 1.0, 100.0):
        model = fit(B, train, y, ridge=ridge)
        assert model.ridge == ridge
        norms.append(np.linalg.norm(model.coefficients * model.scales))
    assert all(a > b for a, b in zip(norms, norms[1:]))
    assert norms[-1] < 0.1 * norms[0]
    small = {k: v[:5] for k, v in train.items()}
    with pytest.raises(InvariantsError, match="20 unknowns.*only 5 equations.*ridge="):
        fit(B, small, y[:5])
    model = fit(B, small, y[:5], ridge=1e-6)
    assert np.all(np.isfinite(model.coefficients))


def test_sparse_recovers_the_support():
    B = basis("O(3)", "p,q:vector", output="scalar", degree=4)
    train = pq(400, 20)
    y = scalar_law(train) + 0.05 * np.random.default_rng(21).normal(size=400)
    dense = fit(B, train, y)
    assert dense.nonzero == len(B)  # noise spreads over every term
    model = fit(B, train, y, sparse=True)
    assert model.threshold == pytest.approx(1e-2 * np.sqrt(np.mean(y**2)))
    support = {t.name for t, c in zip(B.terms, model.coefficients) if c}
    assert support == {"(p·q)^2", "(p·p)"}
    assert model.formula(tol=1e-2) == 3 * S("p·q") ** 2 - HALF * S("p·p")
    # A threshold above every contribution removes everything.
    assert not np.any(fit(B, train, y, sparse=True, threshold=1e6).coefficients)


def test_fit_cv_picks_the_true_degree():
    rng = np.random.default_rng(22)
    n = 300
    data = {"p": rng.normal(size=(n, 3)), "q": rng.normal(size=(n, 3)), "m": rng.normal(size=n)}
    y = 2 * dot(data["p"], data["q"]) - data["m"] ** 2 + 0.5 * data["m"]
    noisy = y + 0.05 * rng.normal(size=n)
    model, table = fit_cv(("O(3)", "p,q:vector; m:scalar"), data, noisy, degrees=(1, 2, 3, 4))
    assert model.basis.degree == 2
    assert [r.chosen for r in table].count(True) == 1
    by_degree = {r.degree: r.mse for r in table if r.ridge == 0}
    assert by_degree[1] > 10 * by_degree[2]
    # Without noise the CV score is at round-off and the formula is exact.
    result = fit_cv(("O(3)", "p,q:vector; m:scalar", "scalar"), data, y, degrees=(1, 2, 3))
    assert result.degree == 2 and result.ridge == 0
    assert result.model.formula() == 2 * S("p·q") - S("m") ** 2 + HALF * S("m")
    assert "←" in str(result)


def test_fit_cv_with_a_basis_and_underdetermined_rows():
    B = basis("O(3)", "p,q:vector", output="vector", degree=3)
    train = pq(12, 23)
    y = vector_law(train)
    result = fit_cv(B, train, y, ridges=(0.0, 1e-8), folds=3)
    assert result.degree == 3
    result = fit_cv(B, train, y, degrees=(1, 3, 7), ridges=(0.0, 1e-8), folds=3)
    statuses = {(r.degree, r.ridge): r.status for r in result.table}
    assert statuses[7, 0.0].startswith("underdetermined") and statuses[7, 1e-8] == "ok"
    assert result.degree == 3


# --------------------------------------------------------------------------------------------
# Bad input


@pytest.fixture(scope="module")
def vec_basis():
    return basis("O(3)", "p,q:vector; m:scalar", output="vector", degree=2)


def good(n=10, seed=0):
    rng = np.random.default_rng(seed)
    return {"p": rng.normal(size=(n, 3)), "q": rng.normal(size=(n, 3)), "m": rng.normal(size=n)}


@pytest.mark.parametrize(
    ("change", "y_shape", "message"),
    [
        (lambda d: d.pop("q"), (10, 3), r"missing inputs: q \(vector, shape \(N, 3\)\)"),
        (lambda d: d.update(r=d["p"]), (10, 3), r"unexpected inputs: 'r'"),
        (
            lambda d: d.update(p=np.zeros((10, 4))),
            (10, 3),
            r"'p'.*expected shape \(N, 3\).*\(10, 4\)",
        ),
        (lambda d: d.update(p=np.zeros(10)), (10, 3), r"'p'.*expected shape \(N, 3\)"),
        (
            lambda d: d.update(m=np.zeros((10, 1))),
            (10, 3),
            r"different numbers of samples.*m: \(10, 1\)",
        ),
        (lambda d: d.update(q=np.zeros((9, 3))), (10, 3), r"different numbers of samples"),
        (lambda d: None, (9, 3), r"y has \(9,\) samples but the inputs have \(10,\)"),
        (lambda d: None, (10,), r"y has shape \(10,\).*vector output.*needs shape \(10, 3\)"),
        (lambda d: None, (10, 3, 1), r"y has shape \(10, 3, 1\).*y.reshape\(10, 3\)"),
        (lambda d: d.update(p=d["p"] + 1j), (10, 3), r"input 'p' is complex"),
        (lambda d: d.update(m=np.array(["a"] * 10)), (10, 3), r"'m' must be a real numeric array"),
        (lambda d: d.update(m=np.array([object()] * 10)), (10, 3), r"dtype object"),
        (lambda d: d.update(m=[[1, 2], [3]]), (10, 3), r"'m' could not be converted"),
        (
            lambda d: d["p"].__setitem__((3, 1), np.nan),
            (10, 3),
            r"'p' contains 1 non-finite value.*\[3\]",
        ),
        (
            lambda d: d["m"].__setitem__(slice(2, 9), np.inf),
            (10, 3),
            r"'m' contains 7 non-finite.*\[2, 3, 4, 5, 6\] \(and 2 more\)",
        ),
    ],
)
def test_bad_input(vec_basis, change, y_shape, message):
    data = good()
    change(data)
    with pytest.raises(InvariantsError, match=message):
        fit(vec_basis, data, np.zeros(y_shape))


def test_bad_targets_and_options(vec_basis):
    data = good()
    y = np.zeros((10, 3))
    y[4, 2] = np.nan
    with pytest.raises(InvariantsError, match=r"y contains 1 non-finite value.*\[4\]"):
        fit(vec_basis, data, y)
    with pytest.raises(InvariantsError, match="y is complex"):
        fit(vec_basis, data, np.zeros((10, 3), complex))
    with pytest.raises(InvariantsError, match="inputs must be a dict"):
        fit(vec_basis, [data["p"], data["q"]], np.zeros((10, 3)))
    with pytest.raises(InvariantsError, match="expected a Basis"):
        fit("O(3)", data, np.zeros((10, 3)))
    with pytest.raises(InvariantsError, match="ridge must be a finite number"):
        fit(vec_basis, data, np.zeros((10, 3)), ridge=-1)
    with pytest.raises(InvariantsError, match="only used with sparse=True"):
        fit(vec_basis, data, np.zeros((10, 3)), threshold=0.1)
    with pytest.raises(InvariantsError, match="no samples"):
        fit(vec_basis, {k: v[:0] for k, v in data.items()}, np.zeros((0, 3)))
    few = {k: v[:2] for k, v in data.items()}
    with pytest.raises(InvariantsError, match=r"unknowns.*only 6 equations \(2 samples × 3"):
        fit(basis("O(3)", "p,q:vector; m:scalar", output="vector", degree=3), few, y[:2])
    model = fit(vec_basis, data, np.ones((10, 3)))
    with pytest.raises(InvariantsError, match="missing inputs"):
        model.predict({"p": data["p"]})
    with pytest.raises(InvariantsError, match="tol must be"):
        model.formula(tol=2)
    with pytest.raises(InvariantsError, match="fit_cv takes a Basis"):
        fit_cv(42, data, y)
    with pytest.raises(InvariantsError, match="folds must be"):
        fit_cv(vec_basis, data, np.ones((10, 3)), folds=1)
    with pytest.raises(InvariantsError, match="more than the number of samples"):
        fit_cv(vec_basis, data, np.ones((10, 3)), folds=11)
    with pytest.raises(InvariantsError, match="rule must be"):
        fit_cv(vec_basis, data, np.ones((10, 3)), rule="best")


def test_rank_deficient_data_warns(vec_basis):
    data = good(20)
    data["q"] = 2 * data["p"]  # q ∥ p: p and q columns coincide
    with pytest.warns(RuntimeWarning, match="rank"):
        fit(vec_basis, data, np.ones((20, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(vec_basis, data, np.ones((20, 3)), ridge=1e-8)


# --- what a user reads as "how many terms", and the numerical rank ----------------------------


def test_nonzero_counts_the_terms_that_formula_keeps():
    B = basis("O(3)", "p,q:vector", output="scalar", degree=4)
    train = pq(200, 30)
    model = fit(B, train, scalar_law(train))
    assert model.nonzero == len(sympy.Add.make_args(model.formula())) == 2
    assert "nonzero=2," in repr(model)
    # the same tolerance everywhere: at any tol the support is what the formula prints
    noisy = fit(B, train, scalar_law(train) + 1e-3 * np.random.default_rng(31).normal(size=200))
    for tol in (0.0, 1e-9, 1e-4, 1e-2, 0.5):
        assert noisy.support(tol).sum() == len(sympy.Add.make_args(noisy.formula(tol=tol)))
    with pytest.raises(InvariantsError, match="tol must be a number in"):
        model.support(tol=2)


def _on_shell(rng, mass, n, spread):
    p = spread * rng.normal(size=(n, 3))
    return np.column_stack([np.sqrt(mass**2 + (p**2).sum(axis=1)), p])


@pytest.mark.parametrize("spread, degree, rank", [(30.0, 4, 3), (100.0, 6, 4)])
def test_rank_deficient_lorentz_data_gives_bounded_invariant_fit(spread, degree, rank):
    """Two particles of fixed masses: p1·p1 = 1 and p2·p2 = 4 on the data, so the features are
    polynomials in p1·p2 alone (degree//2 + 1 of them). Round-off of the cancellation
    E² − |p|² must not be counted as rank."""
    rng = np.random.default_rng(5)
    p1, p2 = _on_shell(rng, 1.0, 300, spread), _on_shell(rng, 2.0, 300, spread)

    def mdot(a, b):
        return a[..., 0] * b[..., 0] - np.einsum("...i,...i->...", a[..., 1:], b[..., 1:])

    y = mdot(p1 + p2, p1 + p2)  # = 5 + 2 p1·p2
    B = basis("O(1,3)", "p1,p2:vector", output="scalar", degree=degree)
    with pytest.warns(RuntimeWarning, match=f"numerical rank {rank} "):
        model = fit(B, {"p1": p1, "p2": p2}, y)
    assert model.rank == rank and 0 < model.noise_floor < 1e-8
    assert f"rank={rank})" in repr(model)
    assert np.abs(model.coefficients).max() < 10  # minimum norm: no cancelling huge terms
    pred = model.predict({"p1": p1, "p2": p2})
    assert np.max(np.abs(pred - y)) <= 1e-9 * np.max(np.abs(y))
    group = parse_group("O(1,3)")
    for _ in range(3):
        g = group.random_element(rng, scale=0.5)
        moved = model.predict({"p1": p1 @ g.T, "p2": p2 @ g.T})
        assert np.max(np.abs(moved - pred)) <= 1e-9 * np.max(np.abs(pred))


@pytest.mark.parametrize("options", [{}, {"sparse": True}])
def test_a_light_fast_particle_does_not_take_the_weight_of_the_constant(options):
    # an electron of momentum 1e3: p2·p2 = m² ≈ 2.6e-7 is computed as E² − |p|² with relative
    # error ~1e-3, a noisy near-constant column; the minimum-norm solution in plain column
    # scaling split the constant between 1 and p2·p2 (coefficients ~1e16, invariance 1e-2)
    rng = np.random.default_rng(0)
    p1, p2 = _on_shell(rng, 0.105, 400, 1e3), _on_shell(rng, 0.000511, 400, 1e3)
    mdot = lambda a, b: a[:, 0] * b[:, 0] - np.einsum("ni,ni->n", a[:, 1:], b[:, 1:])  # noqa: E731
    y = mdot(p1 + p2, p1 + p2)
    B = basis("O(1,3)", "p1,p2:vector", output="scalar", degree=4)
    with pytest.warns(RuntimeWarning, match="numerical rank"):
        model = fit(B, {"p1": p1, "p2": p2}, y, **options)
    assert np.abs(model.coefficients).max() < 10
    pred = model.predict({"p1": p1, "p2": p2})
    assert np.max(np.abs(pred - y)) <= 1e-8 * np.max(np.abs(y))
    g = parse_group("O(1,3)").random_element(rng, scale=0.5)
    moved = model.predict({"p1": p1 @ g.T, "p2": p2 @ g.T})
    assert np.max(np.abs(moved - pred)) <= 1e-9 * np.max(np.abs(pred))
    assert str(model) == "2*(p1·p2)"


@pytest.mark.parametrize("scale, word", [(1e40, "overflow"), (1e-60, "underflow")])
def test_magnitudes_whose_squares_do_not_fit_a_float_are_refused(scale, word):
    B = basis("O(3)", "p,q:vector", output="scalar", degree=4)
    p, q = np.random.default_rng(0).normal(size=(2, 50, 3)) * scale
    y = np.einsum("ni,ni->n", p, q) ** 2
    with pytest.raises(InvariantsError, match=f"float64 squares {word}.*rescale the inputs"):
        fit(B, {"p": p, "q": q}, y)
    small = fit(B, {"p": p / scale, "q": q / scale}, y / scale**4)
    assert str(small) == "(p·q)**2"


def test_float32_data_has_a_coarser_noise_floor():
    B = basis("O(3)", "p,q:vector", output="scalar", degree=4)
    train = pq(200, 32)
    y = scalar_law(train)
    as32 = {k: v.astype(np.float32) for k, v in train.items()}
    floor64 = fit(B, train, y).noise_floor
    floor32 = fit(B, as32, y).noise_floor
    assert floor32 > 1e5 * floor64
