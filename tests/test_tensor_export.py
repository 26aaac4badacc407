"""Contractions as einsum plans, and the standalone export of tensor bases: the exported module
against the in-process kernel (two evaluators), without invariants installed, equivariant on
random group elements, and refusing bad input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants as inv
from invariants.groups import parse_group
from invariants.spaces import field_type
from invariants.tensor_export import einsum_plan, export_tensor

CASES = [
    ("O(3)", "A:sym; v:vector", "vector", 4),
    ("O(3)", "A,B:sym", "sym", 3),
    ("SO(3)", "A:sym; v:vector", "vector", 4),
    ("O(1,3)", "F:skew; p:vector", "sym", 3),
    ("O(1,3)", "F:skew; p:vector", "matrix", 2),
    ("O(3)", "S:dev; R:skew", "dev", 3),
    ("O(3)", "C:tensor(ijk=jik=ikj); v:vector", "scalar", 3),
    ("O(3)", "M:pseudomatrix", "scalar", 4),
    ("O(2)", "M:matrix", "matrix", 3),
    ("SO(3)", "W:skew; v:vector", "vector", 3),
    ("SO(1,3)", "F:skew", "scalar", 4),
    ("O(1,3)", "D:dev; p:vector", "vector", 3),
    # seeds through the contractions of index slots: outputs and inputs the words do not reach
    ("O(3)", "A:sym; v:vector", "pseudovector", 5),
    ("SO(3)", "A:sym; v:vector", "pseudovector", 3),
    ("O(3)", "C:tensor(ijk=jik=ikj)", "vector", 3),
    ("O(3)", "C:tensor(ijk=jik=ikj); v:vector", "sym", 2),
    ("O(3)", "A:sym; v:vector", "tensor(ijk=jik)", 3),
    ("O(3)", "A:pseudosym; v:vector", "dev", 3),
    ("O(1,3)", "C:tensor(ijk=-ikj); p:vector", "vector", 2),
]

_CACHE: dict = {}


def _module(case):
    if case not in _CACHE:
        B = inv.basis(*case)
        namespace: dict = {}
        exec(export_tensor(B), namespace)
        _CACHE[case] = B, namespace
    return _CACHE[case]


def _random(B, rng, n=4):
    G = B.group
    eta = np.array(G.metric, dtype=float)
    out = {}
    for i in B.data_inputs:
        t = field_type(i.type)
        X = rng.normal(size=(n,) + (G.d,) * t.rank)
        if t.rank >= 2:
            X = sum(
                s * np.transpose(X, (0,) + tuple(1 + a for a in p)) for p, s in t.symmetry.elements
            )
            if t.traceless:
                X = X - np.einsum("nii,i->n", X, eta)[:, None, None] * np.diag(1 / eta) / G.d
        out[i.name] = X
    return out


def _act(g, t, X):
    for axis in range(1, X.ndim):
        X = np.moveaxis(np.tensordot(g, X, axes=([1], [axis])), 0, axis)
    return X * np.linalg.det(g) if field_type(t).pseudo else X


def test_einsum_plans_of_the_three_kinds_of_contraction():
    from invariants.contractions import Contraction, EpsilonContraction

    # tr(A η B η), u η A η v, ε_{ijk} u^i (A η v)^j v^k
    assert einsum_plan(Contraction((("A", False), ("B", False)))) == (
        "...ab,...ba,a,b->...",
        ("A", "B", "η", "η"),
    )
    assert einsum_plan(Contraction((("A", False),), ("u", "v")))[0] == "...a,...ab,...b,a,b->..."
    eps = EpsilonContraction(((((), "u")), (((("A", False),), "v")), ((), "w")), ())
    subs, ops = einsum_plan(eps)
    assert ops[-1] == "η" and "ε" in ops and subs.count(",") == len(ops) - 1


@pytest.mark.parametrize("case", CASES)
def test_exported_module_matches_the_kernel(case):
    B, namespace = _module(case)
    x = _random(B, np.random.default_rng(1))
    a, b = B.lambdify()(x), namespace["evaluate"](**x)
    assert a.shape == b.shape and namespace["TERMS"] == [t.name for t in B.terms]
    assert np.abs(a - b).max() <= 1e-12 * max(1.0, np.abs(a).max())


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(CASES), st.integers(0, 2**32 - 1))
def test_exported_module_is_equivariant(case, seed):
    B, namespace = _module(case)
    G = parse_group(case[0])
    rng = np.random.default_rng(seed)
    x = _random(B, rng, 3)
    g = G.random_element(rng, scale=0.5)
    moved = {i.name: _act(g, i.type, x[i.name]) for i in B.data_inputs}
    a, b = namespace["evaluate"](**x), namespace["evaluate"](**moved)
    out = case[2]
    expected = (
        a if out == "scalar" else _act(g, out, a.reshape((-1,) + a.shape[2:])).reshape(a.shape)
    )
    assert np.abs(b - expected).max() <= 1e-9 * max(1.0, np.abs(expected).max())


def test_exported_module_runs_without_invariants(tmp_path):
    B = inv.basis("O(1,3)", "F:skew; p:vector", "vector", 3)
    (tmp_path / "k.py").write_text(inv.export_module(B), encoding="utf-8")
    x = _random(B, np.random.default_rng(2))
    np.savez(tmp_path / "x.npz", **x)
    code = (
        "import sys; sys.modules['invariants'] = None\n"
        "import numpy as np, runpy\n"
        "ns = runpy.run_path('k.py')\n"
        "x = dict(np.load('x.npz'))\n"
        "np.save('y.npy', ns['evaluate'](**x))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    assert np.allclose(np.load(tmp_path / "y.npy"), B.lambdify()(x), rtol=1e-12, atol=1e-12)


def test_exported_module_refuses_bad_input():
    B, namespace = _module(CASES[0])
    ev, error = namespace["evaluate"], namespace["InputError"]
    A, v = np.diag([1.0, 2.0, 3.0]), np.ones(3)
    with pytest.raises(error, match="expected shape"):
        ev(A=A[:2], v=v)
    with pytest.raises(error, match="NaN"):
        ev(A=A * np.nan, v=v)
    with pytest.raises(error, match="symmetry"):
        ev(A=A + np.triu(np.ones((3, 3)), 1), v=v)
    with pytest.raises(error, match="missing"):
        ev(A=A)
    assert issubclass(error, ValueError)


def test_fit_recovers_a_planted_axial_vector_law():
    # y = 2 v × Av − A²(Av × v)-like terms: two of the basis's seeds, recovered exactly
    B, _ = _module(("O(3)", "A:sym; v:vector", "pseudovector", 5))
    rng = np.random.default_rng(7)
    train, test = _random(B, rng, 80), _random(B, rng, 20)
    K = B.lambdify()

    def law(x):
        values = K(x)
        return 2 * values[:, 0] - values[:, 2]

    model = inv.fit(B, train, law(train))
    truth = law(test)
    error = np.abs(model.predict(test) - truth).max() / np.abs(truth).max()
    assert error < 1e-9


def test_no_levi_civita_array_where_no_plan_uses_it():
    # ε is dense (d^d entries, refused beyond d = 6): O(7) bases must not build it
    B = inv.basis("O(7)", "A:sym; v:vector", "vector", 2)
    namespace: dict = {}
    exec(export_tensor(B), namespace)
    x = _random(B, np.random.default_rng(3))
    assert "ε" not in B.lambdify()._constants
    assert np.abs(namespace["evaluate"](**x) - B.lambdify()(x)).max() < 1e-12
