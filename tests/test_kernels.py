"""Kernels (``B.lambdify()``): exact values, equivariance, shapes, dtypes, the standalone export,
bad input, derived features, back ends and the ``basis``/``export`` commands."""

from __future__ import annotations

import importlib.util
import sys
import warnings
from functools import cache
from types import SimpleNamespace

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants as inv
from invariants.errors import InvariantsError
from invariants.features import extend_inputs, feature_expressions, parse_features
from invariants.kernels import build_plan, compile_kernel, export_module
from tests.conftest import GROUPS, OUTPUTS, act, run, transform_output

VECTOR_LIKE = ("vector", "pseudovector", "position")

# (group, inputs, degree for vector-valued outputs, degree for matrix-valued outputs)
EXACT_CASES = [
    ("O(3)", "p,q:vector; m:scalar", 3, 2),
    ("SO(3)", "p,q,r:vector", 3, 3),
    ("O(1,3)", "p,q:vector", 3, 2),
    ("SO(1,3)", "p,q,r:vector", 3, 2),
    ("SO(2)", "p,q:vector", 3, 3),
    ("E(3)", "x1,x2,x3:position; v:vector", 3, 2),
    ("O(3)", "p:vector; w:pseudovector; s:pseudoscalar", 3, 3),
    ("SO(4)", "p,q,r:vector", 3, 2),
]


@cache
def cached_basis(group, inputs, output, degree, features=()):
    return inv.basis(group, inputs, output=output, degree=degree, features=features)


@cache
def cached_expressions(group, inputs, output, degree, features=()):
    return tuple(cached_basis(group, inputs, output, degree, features).expressions())


def tensor_shape(output: str, d: int) -> tuple[int, ...]:
    if output in ("scalar", "pseudoscalar"):
        return ()
    return (d,) if output in ("vector", "pseudovector") else (d, d)


def random_inputs(B, rng, batch=(), scale=1.0):
    d = B.group.d
    return {
        i.name: scale * rng.normal(size=batch + ((d,) if i.vector_like else ()))
        for i in B.data_inputs
    }


def feature_values(B, values):
    """Independent float64 values of the derived features at one point."""
    eta = np.array(B.group.metric, dtype=float)
    problem = B.problem
    coords = {}
    for v in problem.variables:
        if v.role != "input" or not v.vector_like:
            continue
        x = np.asarray(values[problem.inputs[v.source].name], dtype=float)
        if v.origin is not None:
            x = x - np.asarray(values[problem.inputs[v.origin].name], dtype=float)
        coords[v.name] = x
    exprs = feature_expressions(problem, B.features)
    out = {}
    for sym in exprs:
        name = sym.name
        f = next(f for f in build_plan(B).variables if f.label == name)
        plan_vars = build_plan(B).variables
        if f.op == "norm":
            (a,) = (plan_vars[i].label for i in f.args)
            out[name] = np.sqrt(abs(coords[a] @ (eta * coords[a])))
        else:
            a, b = (plan_vars[i].label for i in f.args)
            na = np.sqrt(abs(coords[a] @ (eta * coords[a])))
            nb = np.sqrt(abs(coords[b] @ (eta * coords[b])))
            out[name] = 0.0 if na * nb == 0 else coords[a] @ (eta * coords[b]) / (na * nb)
    return out


def exact(B, key, values) -> np.ndarray:
    """Every term at one point, by exact rational substitution into ``B.expressions()``."""
    problem = B.problem
    syms = problem.symbols()
    values = dict(values)
    values.update(feature_values(B, values) if B.features else {})
    sub = {}
    for inp in problem.inputs:
        for s, x in zip(syms[inp.name], np.atleast_1d(values[inp.name])):
            sub[s] = sympy.Rational(float(x))
    shape = tensor_shape(B.output, B.group.d)
    out = []
    for e in cached_expressions(*key):
        if isinstance(e, sympy.MatrixBase):
            out.append(np.array(e.xreplace(sub).tolist(), dtype=float).reshape(shape))
        else:
            out.append(float(sympy.sympify(e).xreplace(sub)))
    return np.array(out, dtype=float).reshape((len(B),) + shape)


# ---------------------------------------------------------------------------------------------
# Exact values


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("case", EXACT_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_kernel_matches_exact_expressions(case, output):
    group, inputs, deg_vec, deg_mat = case
    degree = deg_mat if output in ("sym", "skew", "matrix") else deg_vec
    key = (group, inputs, output, degree)
    B = cached_basis(*key)
    K = B.lambdify()
    rng = np.random.default_rng(abs(hash(key)) % 2**32)
    X = random_inputs(B, rng, batch=(3,))
    got = K(**X)
    d = B.group.d
    assert got.shape == (3, len(B)) + tensor_shape(output, d)
    assert got.dtype == np.float64
    for n in range(3):
        ref = exact(B, key, {k: v[n] for k, v in X.items()})
        scale = max(1.0, float(np.abs(ref).max(initial=0)))
        assert np.abs(got[n] - ref).max(initial=0) <= 1e-12 * scale, (key, n)


@pytest.mark.parametrize(
    "group, inputs, output, degree",
    [
        ("SO(5)", "p,q,r,s:vector", "vector", 4),  # 4×4 cofactors (linalg.det)
        ("SO(5)", "p,q,r:vector", "skew", 3),  # 3×3 ε-contractions
        ("SO(1)", "p:vector", "vector", 2),  # d = 1: the bracket [u] is a constant seed
        ("SO(2)", "p:vector", "skew", 2),  # d = 2: [u, w] is a constant seed
        ("O(2)", "p:vector; s:pseudoscalar", "pseudoscalar", 3),
        ("SE(3)", "x1,x2:position; m:scalar", "sym", 2),
    ],
)
def test_kernel_matches_exact_corner_cases(group, inputs, output, degree):
    key = (group, inputs, output, degree)
    B = cached_basis(*key)
    rng = np.random.default_rng(7)
    X = random_inputs(B, rng)
    ref = exact(B, key, X)
    got = B.lambdify()(**X)
    assert np.abs(got - ref).max(initial=0) <= 1e-12 * max(1.0, np.abs(ref).max(initial=0))


def test_empty_basis_and_constant_term():
    B = cached_basis("O(3)", "p:vector", "pseudoscalar", 2)
    assert len(B) == 0
    assert B.lambdify()(p=np.ones((4, 3))).shape == (4, 0)
    B = cached_basis("O(3)", "p:vector", "scalar", 2)
    out = B.lambdify()(p=np.ones((4, 3)))
    assert [t.name for t in B] == ["1", "(p·p)"]
    assert out.shape == (4, 2) and np.array_equal(out[:, 0], np.ones(4))


def test_plan_is_a_product_tree():
    B = cached_basis("O(1,3)", "p1,p2,p3,p4:vector", "scalar", 6)
    plan = build_plan(B)
    hash(plan)  # frozen, hashable
    degree = []
    for m in plan.monomials:
        if m.op == "gen":
            degree.append(1)
        else:
            parent, g = m.args
            assert m.op == "mul" and 0 <= parent < len(degree)
            assert plan.generators[g].op in ("dot", "bracket", "scalar")
            degree.append(degree[parent] + 1)
    assert degree == sorted(degree)
    # one multiply per distinct monomial of degree ≥ 2: fewer than the terms
    assert plan.multiplies == sum(d >= 2 for d in degree) < len(B)
    source = compile_kernel(B).source
    body = source[source.index("def _kernel") :].splitlines()
    assert "einsum" in source and sum(line.startswith("    m") for line in body) == plan.multiplies


# ---------------------------------------------------------------------------------------------
# Equivariance on random group elements

EQUIVARIANCE_CASES = [
    ("O(3)", "p,q:vector; m:scalar", ()),
    ("SO(3)", "p,q:vector", ()),
    ("O(1,3)", "p,q:vector", ()),
    ("SO+(1,3)", "p,q:vector", ()),
    ("SO(2)", "p,q:vector", ()),
    ("E(3)", "x1,x2,x3:position; v:vector", ()),
    ("O(3)", "p:vector; w:pseudovector; s:pseudoscalar", ()),
    ("O(3)", "p,q:vector", ("norms", "cosines")),
    ("O(1,3)", "p,q:vector", ("norms", "cosines")),
    ("SE(3)", "x1,x2,x3:position", ("norms", "cosines")),
    ("O(3)", "p:vector; w:pseudovector", ("cosines",)),
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(EQUIVARIANCE_CASES),
    st.sampled_from(OUTPUTS),
    st.integers(0, 2**32 - 1),
)
def test_kernel_outputs_are_equivariant(case, output, seed):
    group, inputs, features = case
    B = cached_basis(
        group, inputs, output, 2 if output in ("sym", "skew", "matrix") else 3, features
    )
    K = B.lambdify()
    problem = B.problem
    rng = np.random.default_rng(seed)
    X = random_inputs(B, rng, batch=(4,))
    g = problem.group.random_element(rng, scale=0.5)
    t = problem.group.random_translation(rng)
    data_problem = SimpleNamespace(inputs=B.data_inputs)  # act() on the inputs the kernel takes
    points = [act(data_problem, g, t, {k: v[n] for k, v in X.items()}) for n in range(4)]
    moved = {name: np.stack([x[name] for x in points]) for name in X}
    before, after = K(**X), K(**moved)
    expected = transform_output(output, g, before)
    scale = max(1.0, np.abs(before).max(initial=0), np.abs(after).max(initial=0))
    tol = 1e-9 * scale * (1 + np.abs(g).max()) ** 2
    assert np.abs(after - expected).max(initial=0) <= tol


@pytest.mark.parametrize("group", GROUPS)
@settings(max_examples=3, deadline=None)
@given(output=st.sampled_from(OUTPUTS), seed=st.integers(0, 2**32 - 1))
def test_kernels_of_every_group_are_equivariant(group, output, seed):
    test_kernel_outputs_are_equivariant.hypothesis.inner_test(
        (group, "x1,x2:position; p:vector; w:pseudovector; m:pseudoscalar", ()), output, seed
    )


def test_equivariance_check_detects_a_wrong_kernel():
    B = cached_basis("SO(3)", "p,q:vector", "vector", 2)
    rng = np.random.default_rng(0)
    X = random_inputs(B, rng, batch=(4,))
    g = B.group.random_element(rng)
    bad = B.lambdify()(**X)[..., ::-1]  # coordinates reversed: not equivariant
    moved = {k: v @ g.T for k, v in X.items()}
    assert (
        np.abs(B.lambdify()(**moved)[..., ::-1] - transform_output("vector", g, bad)).max() > 1e-3
    )


# ---------------------------------------------------------------------------------------------
# Batch shapes, broadcasting, dtypes


@pytest.mark.parametrize("batch", [(), (5,), (2, 3)])
@pytest.mark.parametrize("output", ["scalar", "vector", "sym"])
def test_batch_shapes(batch, output):
    B = cached_basis("O(3)", "p,q:vector; m:scalar", output, 3 if output != "sym" else 2)
    K = B.lambdify()
    rng = np.random.default_rng(1)
    X = random_inputs(B, rng, batch=batch)
    out = K(**X)
    assert out.shape == batch + (len(B),) + tensor_shape(output, 3)
    flat = {k: v.reshape((-1,) + v.shape[len(batch) :]) for k, v in X.items()}
    rows = [K(**{k: v[n] for k, v in flat.items()}) for n in range(int(np.prod(batch)))]
    # equal up to rounding: einsum may sum in a different order for a different batch shape
    assert np.allclose(out.reshape((-1,) + out.shape[len(batch) :]), rows, rtol=1e-14, atol=1e-14)


def test_broadcasting_between_inputs():
    B = cached_basis("O(3)", "p,q:vector; m:scalar", "vector", 3)
    K = B.lambdify()
    rng = np.random.default_rng(2)
    p, q, m = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=(2, 1))
    out = K(p=p, q=q, m=m)
    assert out.shape == (2, 3, len(B), 3)
    for i in range(2):
        for j in range(3):
            assert np.allclose(out[i, j], K(p=p[j], q=q, m=m[i, 0]), rtol=1e-14, atol=1e-14)


def test_float32():
    B = cached_basis("O(1,3)", "p,q:vector", "sym", 2)
    rng = np.random.default_rng(3)
    X = random_inputs(B, rng, batch=(10,))
    out64 = B.lambdify()(**X)
    K32 = B.lambdify(dtype=np.float32)
    out32 = K32(**X)
    assert out32.dtype == np.float32 and K32.dtype == np.float32
    assert np.allclose(out32, out64, rtol=1e-5, atol=1e-5 * np.abs(out64).max())
    out = compile_kernel(B, dtype="float32")(**{k: v.astype(np.float32) for k, v in X.items()})
    assert out.dtype == np.float32


def test_integer_and_list_inputs_are_converted():
    B = cached_basis("SO(3)", "p,q:vector; m:scalar", "vector", 2)
    K = B.lambdify()
    a = K(p=[1, 2, 3], q=np.array([0, 1, 0]), m=2)
    b = K(p=np.array([1.0, 2, 3]), q=np.array([0.0, 1, 0]), m=2.0)
    assert a.dtype == np.float64 and np.array_equal(a, b)


def test_nan_and_inf_propagate():
    B = cached_basis("O(3)", "p,q:vector", "scalar", 2)
    out = B.lambdify()(p=[np.nan, 0, 0], q=[np.inf, 1, 0])
    names = [t.name for t in B]
    assert np.isnan(out[names.index("(p·p)")]) and np.isinf(out[names.index("(q·q)")])
    assert out[names.index("1")] == 1


# ---------------------------------------------------------------------------------------------
# Standalone export


def load_module(path):
    name = f"exported_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "group, inputs, output, degree, features",
    [
        ("O(3)", "p,q:vector; m:scalar", "vector", 3, ()),
        ("SO(3)", "p,q:vector", "skew", 2, ()),
        ("O(1,3)", "p1,p2,p3,p4:vector", "scalar", 4, ()),
        ("SO(4)", "p,q,r:vector", "vector", 3, ()),
        ("E(3)", "x1,x2,x3:position", "sym", 2, ("norms", "cosines")),
        ("O(3)", "p:vector; s:pseudoscalar", "pseudoscalar", 3, ()),
    ],
)
def test_export_is_identical_to_kernel(tmp_path, group, inputs, output, degree, features):
    B = cached_basis(group, inputs, output, degree, features)
    text = export_module(B)
    assert "sympy" not in text.replace("sympy.lambdify", "") and "import invariants" not in text
    path = tmp_path / f"basis_{abs(hash((group, inputs, output, degree, features)))}.py"
    path.write_text(text)
    module = load_module(path)
    assert [t.name for t in B] == module.TERMS
    for word in (group, output, f"degree:  {degree}"):
        assert word in module.__doc__
    assert all(i.name in module.__doc__ for i in B.data_inputs)
    K = B.lambdify()
    rng = np.random.default_rng(4)
    for batch in [(), (7,), (2, 3)]:
        X = random_inputs(B, rng, batch=batch)
        assert np.array_equal(module.evaluate(**X), K(**X))
    with pytest.raises(ValueError, match="missing input"):
        module.evaluate()


def test_export_float32(tmp_path):
    B = cached_basis("SO(3)", "p,q:vector", "vector", 3)
    path = tmp_path / "basis32.py"
    path.write_text(export_module(B, dtype=np.float32))
    module = load_module(path)
    X = random_inputs(B, np.random.default_rng(5), batch=(6,))
    out = module.evaluate(**X)
    assert out.dtype == np.float32
    assert np.array_equal(out, B.lambdify(dtype=np.float32)(**X))


def test_exported_module_needs_only_numpy(tmp_path, monkeypatch):
    B = cached_basis("SO(3)", "p,q:vector", "sym", 2)
    path = tmp_path / "standalone.py"
    path.write_text(export_module(B))
    for name in ("sympy", "invariants"):
        monkeypatch.setitem(sys.modules, name, None)  # importing them would fail
    module = load_module(path)
    assert module.evaluate(p=np.ones(3), q=np.arange(3.0)).shape == (len(B), 3, 3)


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.fixture(scope="module")
def kernel():
    return cached_basis("O(3)", "p,q:vector; m:scalar", "vector", 2).lambdify()


@pytest.mark.parametrize(
    "inputs, pattern",
    [
        (
            {"p": np.ones(3), "q": np.ones(3)},
            r"missing input 'm'.*expected p: vector \(\.\.\., 3\)",
        ),
        (
            {"p": np.ones(3), "q": np.ones(3), "m": 1.0, "r": 1.0},
            r"unexpected input 'r'.*expected p: vector",
        ),
        ({"p": np.ones((5, 2)), "q": np.ones(3), "m": 1.0}, r"'p'.*\(\.\.\., 3\).*got \(5, 2\)"),
        ({"p": 1.0, "q": np.ones(3), "m": 1.0}, r"'p'.*expected shape \(\.\.\., 3\).*got \(\)"),
        (
            {"p": np.ones((5, 3)), "q": np.ones((4, 3)), "m": 1.0},
            r"batch shapes.*do not broadcast: p \(5,\), q \(4,\)",
        ),
        ({"p": np.ones(3) * 1j, "q": np.ones(3), "m": 1.0}, r"'p' is complex"),
        ({"p": np.ones(3), "q": np.ones(3), "m": np.array([object()])}, r"'m' has dtype object"),
        ({"p": np.ones(3, dtype=bool), "q": np.ones(3), "m": 1.0}, r"'p' is boolean"),
        ({"p": np.ones(3), "q": np.ones(3), "m": True}, r"'m' is boolean"),
        ({"p": ["a", "b", "c"], "q": np.ones(3), "m": 1.0}, r"'p' has dtype <U1"),
        ({"p": [[1, 2, 3], [1, 2]], "q": np.ones(3), "m": 1.0}, r"'p' is not a numeric array"),
    ],
)
def test_bad_inputs(kernel, inputs, pattern):
    with pytest.raises(InvariantsError, match=pattern):
        kernel(**inputs)


def test_positional_inputs_are_refused(kernel):
    with pytest.raises(InvariantsError, match=r"by name: K\(p=\.\.\., q=\.\.\., m=\.\.\.\)"):
        kernel(np.ones(3), np.ones(3), 1.0)


def test_bad_inputs_in_exported_module(tmp_path):
    B = cached_basis("O(3)", "p,q:vector; m:scalar", "vector", 2)
    path = tmp_path / "bad_inputs.py"
    path.write_text(export_module(B))
    module = load_module(path)
    with pytest.raises(module.InputError, match="expected shape"):
        module.evaluate(p=np.ones(2), q=np.ones(3), m=1.0)
    with pytest.raises(ValueError, match="complex"):
        module.evaluate(p=np.ones(3) * 1j, q=np.ones(3), m=1.0)


def test_bad_backend_and_dtype():
    B = cached_basis("O(3)", "p:vector", "scalar", 2)
    with pytest.raises(InvariantsError, match="unknown backend 'cupy'; accepted: numpy, torch"):
        B.lambdify(backend="cupy")
    with pytest.raises(InvariantsError, match="float64 or float32"):
        B.lambdify(dtype=np.int64)
    with pytest.raises(InvariantsError, match="float64 or float32"):
        export_module(B, dtype="float16")


@pytest.mark.parametrize("backend, package", [("torch", "torch"), ("jax", "jax")])
def test_missing_backend_says_how_to_install(monkeypatch, backend, package):
    monkeypatch.setitem(sys.modules, package, None)
    if package == "jax":
        monkeypatch.setitem(sys.modules, "jax.numpy", None)
    B = cached_basis("O(3)", "p:vector", "scalar", 2)
    with pytest.raises(InvariantsError, match=f"pip install {package}"):
        B.lambdify(backend=backend)


# ---------------------------------------------------------------------------------------------
# Derived features


def test_feature_inputs_and_types():
    inputs, derived = extend_inputs("O(3)", "p:vector; w:pseudovector", ("norms", "cosines"))
    assert [(i.name, i.type) for i in inputs] == [
        ("p", "vector"),
        ("w", "pseudovector"),
        ("norm_p", "scalar"),
        ("norm_w", "scalar"),
        ("cos_p_w", "pseudoscalar"),
    ]
    inputs, derived = extend_inputs("E(3)", "x1,x2,x3:position", "norms")
    assert [i.name for i in inputs[3:]] == ["norm_x2_x1", "norm_x3_x1"]
    assert derived[0].variables == ("x2-x1",)
    assert parse_features(["cosines", "norms"]) == ("norms", "cosines")


def test_feature_errors():
    with pytest.raises(InvariantsError, match="unknown feature 'angles'; accepted: norms, cosines"):
        inv.basis("O(3)", "p:vector", features=("angles",))
    with pytest.raises(InvariantsError, match="'norm_p' collides"):
        inv.basis("O(3)", "p:vector; norm_p:scalar", features="norms")
    with pytest.raises(InvariantsError, match="features must be"):
        parse_features(3)


def test_feature_values():
    B = cached_basis("O(3)", "p,q:vector", "scalar", 1, ("norms", "cosines"))
    assert [t.name for t in B] == ["1", "norm_p", "norm_q", "cos_p_q"]
    assert [i.name for i in B.data_inputs] == ["p", "q"]
    K = B.lambdify()
    assert [n for n, _ in K.inputs] == ["p", "q"]
    p, q = np.array([3.0, 4.0, 0.0]), np.array([0.0, 2.0, 0.0])
    assert np.allclose(K(p=p, q=q), [1, 5, 2, 0.8])
    # Lorentz: the norm is √|⟨v,v⟩|
    B = cached_basis("O(1,3)", "p,q:vector", "scalar", 1, ("norms", "cosines"))
    p, q = np.array([1.0, 2.0, 0, 0]), np.array([2.0, 1.0, 0, 0])
    assert np.allclose(B.lambdify()(p=p, q=q), [1, np.sqrt(3), np.sqrt(3), 0])


def test_features_at_singular_points_are_zero_without_warnings():
    B = cached_basis("O(1,3)", "p,q:vector", "scalar", 1, ("norms", "cosines"))
    K = B.lambdify()
    zero, null, q = np.zeros(4), np.array([1.0, 1.0, 0, 0]), np.array([2.0, 0.5, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = K(p=zero, q=q)
        b = K(p=null, q=q)
        c = B.lambdify(dtype=np.float32)(p=np.stack([zero, null]), q=np.stack([q, q]))
    for out in (a, b):
        assert out[1] == 0 and out[3] == 0 and np.isfinite(out).all()
    assert np.array_equal(c[:, 3], [0, 0])


@pytest.mark.parametrize(
    "group, inputs, output, degree",
    [
        ("O(3)", "p,q:vector", "vector", 2),
        ("O(1,3)", "p,q:vector", "sym", 2),
        ("E(3)", "x1,x2,x3:position", "scalar", 2),
        ("O(3)", "p:vector; w:pseudovector", "pseudoscalar", 2),
    ],
)
def test_feature_kernels_match_expressions(group, inputs, output, degree):
    features = ("norms", "cosines")
    key = (group, inputs, output, degree, features)
    B = cached_basis(*key)
    rng = np.random.default_rng(8)
    X = random_inputs(B, rng)
    ref = exact(B, key, X)
    got = B.lambdify()(**X)
    assert np.abs(got - ref).max() <= 1e-12 * max(1.0, np.abs(ref).max())


def test_feature_expressions_are_exact():
    B = cached_basis("O(3)", "p,q:vector", "scalar", 1, ("cosines",))
    (cos,) = feature_expressions(B.problem, B.features).values()
    p0, p1, p2, q0, q1, q2 = sympy.symbols("p_0:3 q_0:3")
    value = cos.subs({p0: 1, p1: 0, p2: 0, q0: 1, q1: 1, q2: 0})
    assert sympy.simplify(value - 1 / sympy.sqrt(2)) == 0


# ---------------------------------------------------------------------------------------------
# Back ends (optional)


def test_torch_backend():
    torch = pytest.importorskip("torch")
    B = cached_basis("SO(3)", "p,q:vector; m:scalar", "skew", 2, ("norms",))
    rng = np.random.default_rng(9)
    X = random_inputs(B, rng, batch=(5,))
    ref = B.lambdify()(**X)
    Kt = B.lambdify(backend="torch")
    T = {k: torch.tensor(v, requires_grad=True) for k, v in X.items()}
    out = Kt(**T)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64
    assert np.allclose(out.detach().numpy(), ref, rtol=1e-12, atol=1e-12)
    out.sum().backward()
    assert all(t.grad is not None and t.grad.shape == t.shape for t in T.values())
    assert B.lambdify(backend="torch", dtype=np.float32)(**X).dtype == torch.float32
    with pytest.raises(InvariantsError, match="complex"):
        Kt(**{**T, "m": torch.ones(5, dtype=torch.complex64)})


def test_torch_dtypes_and_tensors_in_fits():
    torch = pytest.importorskip("torch")
    B = cached_basis("O(3)", "p,q:vector", "vector", 3, ())
    for dtype in (torch.float32, torch.float64):
        out = B.lambdify(backend="torch", dtype=dtype)(p=torch.ones(3), q=torch.ones(3))
        assert out.dtype == dtype
    with pytest.raises(InvariantsError, match="dtype must be float64 or float32"):
        B.lambdify(backend="torch", dtype=torch.int32)
    gen = torch.Generator().manual_seed(0)
    p = torch.randn(40, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    q = torch.randn(40, 3, generator=gen, dtype=torch.float64)
    y = (p * q).sum(-1, keepdim=True) * p - 2 * q
    model = inv.fit(B, {"p": p, "q": q}, y)  # detached: the fit itself is not differentiable
    assert str(model) == "p*(p·q) - 2*q"
    assert np.allclose(model.predict({"p": p, "q": q}), y.detach().numpy(), atol=1e-12)


def test_jax_backend():
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    B = cached_basis("O(1,3)", "p,q:vector", "vector", 3, ("cosines",))
    X = random_inputs(B, np.random.default_rng(10), batch=(5,))
    ref = B.lambdify()(**X)
    K32 = B.lambdify(backend="jax", dtype=np.float32)
    out = K32(**X)
    assert out.dtype == jnp.float32
    assert np.allclose(np.asarray(out), ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
    grad = jax.grad(lambda p: K32(**{**X, "p": p}).sum())(jnp.asarray(X["p"], jnp.float32))
    assert grad.shape == X["p"].shape
    if not jax.config.read("jax_enable_x64"):
        with pytest.raises(InvariantsError, match="jax_enable_x64"):
            B.lambdify(backend="jax")


# ---------------------------------------------------------------------------------------------
# Command line


def test_cli_basis(capsys):
    code, out, _ = run(
        capsys, "basis", "SO(3)", "p,q:vector", "--output", "vector", "--degree", "3"
    )
    assert code == 0
    lines = out.splitlines()
    assert "9 terms" in lines[0] and lines[1].split() == ["index", "degree", "term"]
    assert lines[4].split() == ["2", "2", "[p,q,·]"]
    code, out, _ = run(
        capsys, "basis", "O(3)", "p:vector", "--degree", "2", "--json", "--features", "norms"
    )
    import json

    data = json.loads(out)
    assert data["features"] == ["norms"] and [i["name"] for i in data["inputs"]] == ["p"]
    assert [t["name"] for t in data["terms"]][:2] == ["1", "norm_p"]
    assert data["terms"][1] == {"index": 1, "degree": 1, "multidegree": [0, 1], "name": "norm_p"}


def test_cli_export(capsys, tmp_path):
    path = tmp_path / "kernel_cli.py"
    code, out, err = run(
        capsys,
        "export",
        "O(1,3)",
        "p,q:vector",
        "--output",
        "sym",
        "--degree",
        "2",
        "-o",
        str(path),
    )
    assert code == 0 and str(path) in out and not err
    module = load_module(path)
    B = cached_basis("O(1,3)", "p,q:vector", "sym", 2)
    X = random_inputs(B, np.random.default_rng(11), batch=(3,))
    assert np.array_equal(module.evaluate(**X), B.lambdify()(**X))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["SO(3)", "p:spinor"], "unknown type 'spinor'"),
        (["SO(0)", "p:vector"], "dimension must be at least 1"),
        (["SO(3)", "p:vector", "--degree", "-1"], "degree must be non-negative"),
        (["SO(3)", "p:vector", "--features", "angles"], "unknown feature 'angles'"),
    ],
)
def test_cli_export_bad_input_writes_nothing(capsys, tmp_path, argv, message):
    path = tmp_path / "never.py"
    code, out, err = run(capsys, "export", *argv, "-o", str(path))
    assert code == 2 and not out and not path.exists()
    assert len(err.strip().splitlines()) == 1 and message in err


def test_cli_export_unwritable_path(capsys, tmp_path):
    path = tmp_path / "missing-dir" / "k.py"
    code, out, err = run(capsys, "export", "SO(3)", "p:vector", "-o", str(path))
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1
