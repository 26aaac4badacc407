"""Bases, kernels and fits for tensor inputs (invariants.tensor_basis): sizes against the
character dimensions, equivariance on random group elements, kernels against SymPy and against
the mod-p evaluation of the proofs, exact recovery of planted laws, and bad input."""

import itertools
import json
import warnings
from functools import cache

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants as inv
from invariants.counting import character_dimension
from invariants.errors import InvariantsError
from invariants.groups import parse_group
from invariants.minimal import (
    _mod_p_ops,
    _points,
    coordinates,
    dummy_name,
    tensor_coordinates,
)
from invariants.modular import PRIME
from invariants.spaces import parse_tensor_type
from invariants.tensor_basis import TensorBasis, _source_values, _types, uses_matchings
from tests.conftest import run


def checker_ok(cert) -> bool:
    from invariants.checker import check_certificate

    return check_certificate(json.loads(json.dumps(cert))).ok


#: (group, inputs, output, degree): rank-2 inputs with vectors, every output type.
CASES = [
    ("O(3)", "A:sym; v:vector", "scalar", 4),
    ("O(3)", "A:sym; v:vector", "vector", 4),
    ("O(3)", "A:sym; v:vector", "sym", 3),
    ("O(3)", "W:skew; v:vector", "skew", 3),
    ("O(3)", "S:dev; v:vector", "dev", 3),
    ("O(3)", "M:matrix", "matrix", 2),
    ("SO(3)", "A:sym; v:vector", "vector", 3),
    ("SO(3)", "W:skew; v:vector", "sym", 3),
    ("O(2)", "A:sym; v:vector", "vector", 4),
    ("O(2)", "A:sym; W:skew", "sym", 3),
    ("SO(2)", "A:sym; v:vector", "vector", 3),
    ("O(1,3)", "A:sym; v:vector", "vector", 3),
    ("O(1,3)", "F:skew; p:vector", "sym", 3),
    ("O(1,3)", "F:skew; p:vector", "skew", 3),
    ("O(1,3)", "A:sym", "dev", 3),
    ("SO(1,3)", "F:skew", "skew", 2),
]

#: Invariants of tensors of rank 3 (perfect-matching contractions) and pseudovectors.
SCALAR_CASES = [
    ("O(3)", "T:tensor(ijk=jik)", "scalar", 2),
    ("O(3)", "A:sym; w:pseudovector", "scalar", 3),
    ("SO(3)", "E:tensor(ijk=jik); v:vector", "scalar", 2),
]


@cache
def cached(group, inputs, output, degree):
    return inv.basis(group, inputs, output, degree)


def _input_types(B):
    return {i.name: i.type for i in B.data_inputs}


def random_inputs(B, rng, n):
    """Random float inputs of every type: symmetrized over the index symmetry; ``dev``
    traceless for η (the invariant trace)."""
    d, eta = B.group.d, np.array(B.group.metric, dtype=float)
    out = {}
    for name, type_ in _input_types(B).items():
        if type_ in ("vector", "pseudovector"):
            out[name] = rng.normal(size=(n, d))
            continue
        if type_ in ("scalar", "pseudoscalar"):
            out[name] = rng.normal(size=n)
            continue
        t = parse_tensor_type(type_)
        X = rng.normal(size=(n,) + (d,) * t.rank)
        Y = sum(s * np.transpose(X, (0,) + tuple(1 + a for a in p)) for p, s in t.symmetry.elements)
        if t.traceless:
            tr = np.einsum("nii,i->n", Y, eta)
            Y = Y - tr[:, None, None] / d * np.diag(1 / eta)
        out[name] = Y
    return out


def act(B, g, values):
    """``g`` on every input: ``g v``, ``g^{⊗r} X`` (``det g`` on pseudo-quantities)."""
    det = np.linalg.det(g)
    out = {}
    for name, type_ in _input_types(B).items():
        x = values[name]
        r = x.ndim - 1
        for axis in range(1, r + 1):  # contract g with index ``axis``
            x = np.moveaxis(np.tensordot(x, g, axes=([axis], [1])), -1, axis)
        out[name] = x * (det if type_.startswith("pseudo") else 1)
    return out


def act_output(output, g, f):
    """ρ(g) on output values of shape ``(n, terms, *tensor)``: ``g`` on each of the output's
    indices (times ``det g`` for a pseudo-quantity)."""
    t = parse_tensor_type(output) if output not in ("scalar", "vector") else None
    rank = 0 if output == "scalar" else 1 if t is None else t.rank
    for axis in range(f.ndim - rank, f.ndim):
        f = np.moveaxis(np.tensordot(f, g, axes=([axis], [1])), -1, axis)
    return f * (np.linalg.det(g) if t is not None and t.pseudo else 1)


def test_sizes_are_the_character_dimensions_and_the_verified_dimensions():
    for group, spec, output, degree in CASES + SCALAR_CASES:
        B = cached(group, spec, output, degree)
        G = parse_group(group)
        types = [i.tensor or i.type for i in B.data_inputs]
        if output != "scalar":
            types.append("vector" if output == "vector" else parse_tensor_type(output))
        k = len(B.data_inputs)
        expected = 0
        for beta in itertools.product(range(degree + 1), repeat=k):
            if sum(beta) <= degree:
                block = beta + ((1,) if output != "scalar" else ())
                expected += character_dimension(G.family, G.d, types, block)
        assert len(B) == expected, (group, spec, output)
        assert isinstance(B, TensorBasis) and B.degree == degree and B.output == output
        if (group, spec, output, degree) in SCALAR_CASES:
            continue  # invariants.verify takes rank-2 tensors only so far
        per_degree = [sum(1 for t in B.terms if sum(t.multidegree) == k) for k in range(degree + 1)]
        report = B.verify()
        assert report.complete
        dims = [r.dimension for r in report.degrees]
        if output == "scalar" and dims[0] == 0:
            dims[0] = 1  # the constant 1: a basis term, not a verified block
        assert per_degree == dims, (group, spec, output)


def test_order_and_physics_names():
    B = cached("O(3)", "A:sym; v:vector", "vector", 4)
    names = [t.name for t in B]
    assert names[:7] == ["v", "tr(A)*v", "Av", "tr(A)^2*v", "tr(A²)*v", "tr(A)*Av", "A²v"]
    assert "(v·A·v)*v" in names and "(v·v)*Av" in names
    degrees = [sum(t.multidegree) for t in B]
    assert degrees == sorted(degrees)
    assert len(set(names)) == len(names)
    scalar = cached("O(3)", "A:sym; v:vector", "scalar", 4)
    assert [t.name for t in scalar][:4] == ["1", "tr(A)", "tr(A)^2", "tr(A²)"]


#: Traceless inputs of a Lorentz group (traceless for η) and a general matrix under SO(1,3).
MORE_CASES = [
    ("O(1,3)", "S:dev; v:vector", "vector", 3),
    ("SO(1,3)", "M:matrix", "matrix", 2),
    # vector inputs only, with outputs the engine of vector inputs does not build
    ("O(3)", "p,q:vector", "dev", 3),
    ("O(1,3)", "p,q:vector", "dev", 3),
    ("O(3)", "p:vector", "tensor(ijk=jik)", 3),
    ("SO(3)", "p,q:vector", "tensor(ijk=jik)", 3),
    ("O(3)", "p:vector; w:pseudovector", "pseudosym", 3),
    # scalars and pseudoscalars beside tensors
    ("O(3)", "A:sym; T:scalar", "sym", 3),
    ("O(3)", "A:sym; m:pseudoscalar", "scalar", 4),
    ("O(1,3)", "F:skew; m:scalar; p:vector", "vector", 3),
]


@pytest.mark.parametrize(
    "case", CASES + SCALAR_CASES + MORE_CASES, ids=lambda c: f"{c[0]} {c[1]} {c[2]}"
)
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_kernel_is_equivariant(case, seed):
    group, spec, output, degree = case
    B = cached(*case)
    K = B.lambdify()
    rng = np.random.default_rng(seed)
    x = random_inputs(B, rng, 5)
    g = B.group.random_element(rng, scale=0.5)
    got = K(act(B, g, x))
    want = act_output(output, g, K(x))
    scale = np.maximum(np.abs(got), np.abs(want))
    scale = scale.reshape(scale.shape[:2] + (-1,)).max(axis=(0, 2))
    err = np.abs(got - want).reshape(got.shape[:2] + (-1,)).max(axis=(0, 2))
    assert (err <= 1e-9 * np.maximum(scale, 1.0)).all(), [
        t.name for t, bad in zip(B, err > 1e-9 * np.maximum(scale, 1.0)) if bad
    ]


def _symbols(B, values, k):
    """The SymPy component symbols of :meth:`TensorBasis.expressions` at sample ``k``."""
    matchings = uses_matchings(B.group, B.data_inputs)
    types = _types(B.group, B.data_inputs, matchings)
    d = B.group.d
    coords = (tensor_coordinates if matchings else coordinates)(d, types)
    subs = {}
    for name, X in coords.items():
        value = values[name][k]
        for idx in itertools.product(range(d), repeat=value.ndim):
            entry = X[idx] if value.ndim > 1 else X[idx[0]]
            if isinstance(entry, sympy.Symbol):
                subs[entry] = value[idx]
    return subs


@pytest.mark.parametrize("case", CASES[:12] + SCALAR_CASES[:2], ids=lambda c: f"{c[0]} {c[2]}")
def test_kernel_agrees_with_the_sympy_expressions(case):
    B = cached(*case)
    x = random_inputs(B, np.random.default_rng(7), 2)
    got = B.lambdify()(x)
    exprs = B.expressions()
    assert len(exprs) == len(B)
    for k in range(2):
        subs = _symbols(B, x, k)
        for j, e in enumerate(exprs):
            value = e.xreplace(subs)
            want = np.array(value.tolist() if hasattr(value, "tolist") else value, dtype=float)
            want = want.reshape(got[k, j].shape)
            scale = max(1.0, float(np.abs(want).max()))
            assert np.abs(got[k, j] - want).max() <= 1e-9 * scale, B.terms[j].name


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c[2] in ("vector", "matrix") and c[0].startswith("O")],
    ids=lambda c: f"{c[0]} {c[1]} {c[2]}",
)
def test_kernel_pairs_with_the_dummy_as_the_mod_p_evaluation(case):
    """On integer points the kernel is exact; ``⟨f, D⟩`` (``f η D`` summed) must equal the
    product of the mod-p values of the generators the selection used."""
    B = cached(*case)
    G = B.group
    types = _types(G, B.data_inputs, False)
    dummy = dummy_name(types)
    types[dummy] = "vector" if B.output == "vector" else parse_tensor_type(B.output)
    pts = _points(G, types, 6, seed=3)
    small = {k: (v + 20) % 41 - 20 for k, v in pts.items()}  # small integers, exact in float64
    ops = _mod_p_ops(6).bind(G.metric)
    ring = [
        _source_values(g.source, {k: v % PRIME for k, v in small.items()}, ops)
        for g in B.ring.generators
    ]
    seeds = [
        _source_values(g.source, {k: v % PRIME for k, v in small.items()}, ops)
        for g in B.module.generators
    ]
    x = {k: (v[..., 0] if v.shape[-1] == 1 else v).astype(float) for k, v in small.items()}
    D = x.pop(dummy)
    F = B.lambdify()(x)
    eta = np.array(G.metric)
    if B.output == "vector":
        pairing = np.einsum("ntj,j,nj->nt", F, eta, D)
    else:
        pairing = np.einsum("ntij,i,j,nij->nt", F, eta, eta, D)
    assert np.array_equal(pairing, np.round(pairing))
    for j, t in enumerate(B.terms):
        want = seeds[t.seed].copy()
        for k, e in t.factors:
            for _ in range(e):
                want = want * ring[k] % PRIME
        assert np.array_equal(pairing[:, j].astype(np.int64) % PRIME, want % PRIME), t.name


def _planted(A, v, metric=(1, 1, 1)):
    """``2 tr(A) A·v − A²·v`` with the indices lowered by η: ``A η v``, ``tr(A η)``."""
    eta = np.array(metric, dtype=float)
    Av = np.einsum("nij,j,nj->ni", A, eta, v)
    A2v = np.einsum("nij,j,nj->ni", A, eta, Av)
    trA = np.einsum("nii,i->n", A, eta)
    return 2 * trA[:, None] * Av - A2v


@pytest.mark.parametrize("group", ["O(3)", "O(1,3)"])
def test_fit_recovers_a_planted_vector_law(group):
    B = cached(group, "A:sym; v:vector", "vector", 4)
    rng = np.random.default_rng(11)
    train, test = random_inputs(B, rng, 300), random_inputs(B, rng, 100)
    metric = B.group.metric
    model = inv.fit(B, train, _planted(train["A"], train["v"], metric))
    y = _planted(test["A"], test["v"], metric)
    rel = np.linalg.norm(model.predict(test) - y) / np.linalg.norm(y)
    assert rel < 1e-9
    kept = {
        t.name: round(float(c), 9) for t, c, k in zip(B, model.coefficients, model.support()) if k
    }
    assert kept == {"tr(A)*Av": 2.0, "A²v": -1.0}
    assert str(model) in ("2*Av*tr(A) - A²v", "-A²v + 2*Av*tr(A)")


def test_fit_recovers_planted_scalar_and_dev_laws():
    B = cached("O(3)", "A:sym; v:vector", "scalar", 4)
    rng = np.random.default_rng(5)
    x = random_inputs(B, rng, 400)
    A, v = x["A"], x["v"]
    y = np.trace(A, axis1=1, axis2=2) ** 3 - 3 * np.einsum("ni,nij,nj->n", v, A, v)
    model = inv.fit(B, x, y)
    assert np.abs(model.predict(x) - y).max() <= 1e-9 * np.abs(y).max()
    assert model.formula() == sympy.Symbol("tr(A)") ** 3 - 3 * sympy.Symbol("v·A·v")
    D = cached("O(3)", "S:dev; v:vector", "dev", 3)
    x = random_inputs(D, rng, 300)
    S, v = x["S"], x["v"]
    S2 = S @ S
    target = S2 - np.trace(S2, axis1=1, axis2=2)[:, None, None] / 3 * np.eye(3)
    target = target + 0.5 * np.einsum("ni,ni->n", v, v)[:, None, None] * S
    model = inv.fit(D, x, target)
    assert np.abs(model.predict(x) - target).max() <= 1e-9 * np.abs(target).max()
    assert model.nonzero == 2


def _planted_rank3(v, metric):
    """``δ_{ij} v_k + v_i v_j v_k / 2`` (δ with raised indices: η⁻¹), symmetric in ``ij``."""
    eta = np.diag(1.0 / np.array(metric, dtype=float))
    return np.einsum("ij,nk->nijk", eta, v) + 0.5 * np.einsum("ni,nj,nk->nijk", v, v, v)


@pytest.mark.parametrize("group", ["O(3)", "O(1,3)"])
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_fit_of_a_rank_3_output_recovers_the_law_and_is_equivariant(group, seed):
    # The output has shape (d, d, d) and the symmetry ijk=jik: fit takes targets of that shape
    # (it wanted (d, d)) and fits the orbit components of the symmetric part.
    B = cached(group, "A:sym; v:vector", "tensor(ijk=jik)", 3)
    rng = np.random.default_rng(seed)
    x = random_inputs(B, rng, 120)
    model = inv.fit(B, x, _planted_rank3(x["v"], B.group.metric))
    kept = {
        t.name: round(float(c), 8) for t, c, k in zip(B, model.coefficients, model.support()) if k
    }
    assert kept == {"δ_{ij}v_k": 1.0, "v_iv_jv_k": 0.5}, kept
    g = B.group.random_element(rng, scale=0.5)
    got = model.predict(act(B, g, x))
    want = np.einsum("ai,bj,ck,nijk->nabc", g, g, g, model.predict(x))
    assert np.abs(got - want).max() <= 1e-9 * max(np.abs(want).max(), 1.0)


def test_fit_cv_takes_a_tensor_basis():
    B = cached("O(3)", "A:sym; v:vector", "vector", 4)
    rng = np.random.default_rng(2)
    x = random_inputs(B, rng, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = inv.fit_cv(B, x, _planted(x["A"], x["v"]), degrees=(2, 3), ridges=(0.0,))
    assert result.degree == 3 and result.model.nonzero == 2


def test_batch_shapes_and_dict_or_keywords():
    B = cached("O(3)", "A:sym; v:vector", "vector", 3)
    K = B.lambdify()
    rng = np.random.default_rng(0)
    x = random_inputs(B, rng, 6)
    full = K(x)
    assert full.shape == (6, len(B), 3)
    assert np.array_equal(K(**x), full)
    single = K(A=x["A"][0], v=x["v"][0])
    assert single.shape == (len(B), 3) and np.allclose(single, full[0], rtol=1e-12)
    grid = K(A=x["A"].reshape(2, 3, 3, 3), v=x["v"][:3])  # (2, 3) broadcast against (3,)
    assert grid.shape == (2, 3, len(B), 3)
    assert np.allclose(grid[0], full[:3], rtol=1e-12)
    assert K.terms == tuple(t.name for t in B) and len(K) == len(B)
    assert "TensorKernel O(3)" in repr(K)


def test_bad_inputs_are_refused():
    B = cached("O(3)", "A:sym; v:vector", "vector", 3)
    K = B.lambdify()
    rng = np.random.default_rng(0)
    x = random_inputs(B, rng, 4)
    cases = [
        ({"A": x["A"][:, :2], "v": x["v"]}, "expected shape"),
        ({"A": x["A"], "v": x["v"][:, :2]}, "expected shape"),
        ({"A": x["A"] + np.triu(np.ones((3, 3)), 1), "v": x["v"]}, "violates its symmetry"),
        ({"A": np.where(x["A"] > 0, np.nan, x["A"]), "v": x["v"]}, "non-finite"),
        ({"A": x["A"], "v": np.full((4, 3), np.inf)}, "non-finite"),
        ({"A": x["A"]}, "missing input"),
        ({"A": x["A"], "v": x["v"], "w": x["v"]}, "unexpected input"),
        ({"A": x["A"].astype(complex), "v": x["v"]}, "complex"),
        ({"A": x["A"][:3], "v": x["v"]}, "do not broadcast"),
    ]
    for data, message in cases:
        with pytest.raises(InvariantsError, match=message):
            K(data)
    with pytest.raises(InvariantsError, match="by name"):
        K(x["A"], x["v"])
    D = cached("O(3)", "S:dev; v:vector", "dev", 3).lambdify()
    with pytest.raises(InvariantsError, match="trace"):
        D(S=np.eye(3), v=np.ones(3))
    with pytest.raises(InvariantsError, match="symmetry"):
        cached("O(3)", "W:skew; v:vector", "skew", 3).lambdify()(W=np.eye(3), v=np.ones(3))
    y = _planted(x["A"], x["v"])
    with pytest.raises(InvariantsError, match="expected shape"):
        inv.fit(B, {"A": x["A"][:, 0], "v": x["v"]}, y)
    with pytest.raises(InvariantsError, match="symmetry"):
        inv.fit(B, {"A": x["A"] + np.triu(np.ones((3, 3)), 1), "v": x["v"]}, y)
    with pytest.raises(InvariantsError, match="only 'numpy'"):
        B.lambdify(backend="torch")
    with pytest.raises(InvariantsError, match="features"):
        inv.basis("O(3)", "A:sym; v:vector", "vector", 2, features=("norms",))
    with pytest.raises(InvariantsError, match="vector and tensor inputs only"):
        inv.basis("O(3)", "v:vector; m:scalar", "tensor(ijk=jik)", 2)


def test_vector_inputs_with_tensor_outputs_are_bases_of_the_verified_dimension():
    # dev, tensor(FORMULA) and pseudo-tensor outputs of vectors go through the contractions
    for group, spec, output, degree in MORE_CASES[2:7]:
        B = cached(group, spec, output, degree)
        report = inv.verify(group, spec, output=output, degree=degree)
        assert report.complete and len(B) == sum(r.dimension for r in report.degrees)
        assert checker_ok(report.certificate())
    names = [t.name for t in cached("O(3)", "p,q:vector", "dev", 3)]
    assert names == ["dev(p_ip_j)", "dev(p_iq_j)", "dev(q_iq_j)"]


def test_round_off_asymmetry_is_projected_away():
    B = cached("O(3)", "A:sym; v:vector", "vector", 3)
    rng = np.random.default_rng(4)
    x = random_inputs(B, rng, 8)
    noisy = dict(x, A=x["A"] * (1 + 1e-13 * rng.uniform(-1, 1, size=x["A"].shape)))
    assert not np.array_equal(noisy["A"], np.swapaxes(noisy["A"], 1, 2))
    K = B.lambdify()
    assert np.allclose(K(noisy), K(x), rtol=1e-10, atol=1e-10)


def test_cli_basis_prints_the_tensor_basis(capsys, tmp_path):
    code, out, _ = run(
        capsys, "basis", "O(3)", "A:sym; v:vector", "--output", "vector", "--degree", "3"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "group O(3), inputs A:sym; v:vector, output vector, degree <= 3: 8 terms"
    assert lines[3].split() == ["1", "2", "tr(A)*v"]
    code, out, _ = run(
        capsys, "basis", "O(3)", "A:sym; v:vector", "--output", "vector", "--degree", "2", "--json"
    )
    data = json.loads(out)
    assert [t["name"] for t in data["terms"]] == ["v", "tr(A)*v", "Av"]
    assert data["inputs"] == [{"name": "A", "type": "sym"}, {"name": "v", "type": "vector"}]
    code, out, _ = run(capsys, "basis", "O(3)", "S:dev", "--output", "dev", "--degree", "2")
    assert code == 0 and out.splitlines()[-1].split() == ["1", "2", "dev(S²)"]
    code, _, err = run(capsys, "export", "O(3)", "A:sym", "-o", str(tmp_path / "k.py"))
    assert code == 0 and "def evaluate" in (tmp_path / "k.py").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "basis", "O(3)", "T:tensor(ijk=jik)", "--output", "vector")
    assert code == 0 and "T_{jji}" in out or "T_{" in out
