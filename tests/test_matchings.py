"""Contractions of tensors of any rank (perfect matchings): canonical forms, signs, vanishing
classes, agreement with the rank-2 word enumeration, invariance on random group elements, and
minimal generating sets whose spans reach the character dimensions."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants.contractions import connected_contractions
from invariants.counting import character_dimension
from invariants.groups import parse_group
from invariants.matchings import (
    EPSILON,
    _matchings,
    canonical,
    evaluate_network,
    levi_civita,
    tensor_contractions,
)
from invariants.minimal import (
    PRIME,
    _mod_p_ops,
    _tensor_points,
    minimal_generators,
    tensor_coordinates,
)
from invariants.spaces import TensorType
from invariants.spaces import parse_tensor_type as T


def _types(inputs: dict) -> dict:
    return {n: t if t in ("vector", "pseudovector") else T(t) for n, t in inputs.items()}


def _float_value(c, values: dict, metric) -> float:
    arrays = {n: np.asarray(v, dtype=float)[None] for n, v in values.items()}
    return float(evaluate_network(c, arrays, metric, lambda x: x)[0])


def _random_tensor(t, d: int, rng) -> np.ndarray:
    if not isinstance(t, TensorType):
        return rng.normal(size=d)
    X = rng.normal(size=(d,) * t.rank)
    Y = sum(s * np.transpose(X, p) for p, s in t.symmetry.elements)
    if t.traceless:
        Y = Y - np.trace(Y) / d * np.eye(d)
    return Y


def _act(g: np.ndarray, t, X: np.ndarray) -> np.ndarray:
    """``g`` on every index (upper indices), times ``det g`` for pseudo quantities."""
    for axis in range(X.ndim):
        X = np.moveaxis(np.tensordot(g, X, axes=([1], [axis])), 0, axis)
    pseudo = t == "pseudovector" or (isinstance(t, TensorType) and t.pseudo)
    return X * np.linalg.det(g) if pseudo else X


# --- canonical forms --------------------------------------------------------------------------


def test_isomorphic_matchings_give_one_class_with_the_sign():
    """Every matching of two skew-in-ij tensors maps to a representative whose value times the
    sign is the matching's own value (checked numerically), or to nothing if it vanishes."""
    t = T("tensor(ijk=-jik)")
    inputs = {"C": t}
    rng = np.random.default_rng(0)
    values = {"C": _random_tensor(t, 3, rng)}
    reps = Counter()
    for m in _matchings(6):
        found = canonical(inputs, ("C", "C"), m)
        from invariants.matchings import TensorContraction

        value = _float_value(TensorContraction(("C", "C"), (3, 3), m), values, (1, 1, 1))
        if found is None:
            assert abs(value) < 1e-9
            continue
        rep, sign = found
        assert value == pytest.approx(sign * _float_value(rep, values, (1, 1, 1)), rel=1e-9)
        reps[rep] += 1
    # C_{ijk}C_{ijk}, C_{ijk}C_{ikj}, C_{iji}C_{jkk}: distinct classes, each reached repeatedly
    assert len(reps) == 3 and all(n > 1 for n in reps.values())


def test_vanishing_classes_are_dropped():
    assert canonical({"W": T("skew")}, ("W",), (1, 0)) is None  # tr W
    assert canonical({"D": T("dev")}, ("D",), (1, 0)) is None  # tr D
    C = T("tensor(ijk=-jik)")
    assert canonical({"C": C, "v": "vector"}, ("C", "v"), (1, 0, 3, 2)) is None  # C_{iij}v_j
    A = {"A": T("sym")}
    assert canonical(A, ("A", EPSILON), (3, 4, 2, 0, 1), epsilon=3) is None  # ε_{ijk}A_{ij}…
    names = [c.name for c in tensor_contractions({"W": T("skew")}, 3)]
    assert names == ["W_{ij}W_{ij}"]  # tr W, tr W³ vanish


@pytest.mark.parametrize(
    "inputs, degree",
    [
        ({"A": "sym", "W": "skew", "v": "vector"}, 4),
        ({"M": "matrix", "u": "vector"}, 4),
        ({"D": "dev", "A": "sym"}, 4),
    ],
)
def test_matchings_agree_with_the_word_enumeration(inputs, degree):
    """For rank ≤ 2 the cycles and chains of :mod:`invariants.contractions` are an independent
    enumeration: the same number of classes in every multidegree."""
    types = {n: t if t == "vector" else T(t) for n, t in inputs.items()}
    names = tuple(types)
    words = Counter(c.multidegree(names) for c in connected_contractions(types, degree))
    graphs = Counter(c.multidegree(names) for c in tensor_contractions(types, degree))
    assert words == graphs


def test_mod_p_values_match_the_sympy_expressions():
    G = parse_group("O(1,3)")
    types = _types({"C": "tensor(ijk=jik)", "F": "skew", "p": "vector"})
    points = _tensor_points(G, types, 2, seed=3)
    ops = _mod_p_ops(2).bind(G.metric)
    coords = tensor_coordinates(G.d, types)
    for c in tensor_contractions(types, 3):
        expr = c.expression(coords, G.metric)
        mod_p = np.asarray(c.evaluate(points, ops)) % PRIME
        for k in range(2):
            subs = {}
            for name, X in coords.items():
                arr = np.array(sympy.Array(X).tolist(), dtype=object).reshape(points[name][k].shape)
                for idx, s in np.ndenumerate(arr):
                    if isinstance(s, sympy.Symbol):
                        subs[s] = int(points[name][k][idx])
            assert int(expr.xreplace(subs)) % PRIME == int(mod_p[k]), c.name


def test_levi_civita_is_antisymmetric():
    eps = levi_civita(4)
    assert eps[0, 1, 2, 3] == 1 and eps[1, 0, 2, 3] == -1 and np.abs(eps).sum() == 24


# --- invariance -------------------------------------------------------------------------------

INVARIANCE = [
    ("O(3)", {"C": "tensor(ijk=jik=ikj)", "v": "vector"}, 3),
    ("SO(3)", {"C": "tensor(ijk=ikj)", "v": "vector"}, 3),
    ("O(3)", {"E": "tensor(ijkl=jikl=klij)"}, 2),
    ("O(3)", {"A": "pseudosym", "w": "pseudovector"}, 3),
    ("O(1,3)", {"C": "tensor(ijk=-ikj)", "p": "vector"}, 2),
    ("O(1,3)", {"T": "pseudotensor(ijk=jik)", "p": "vector"}, 3),
    ("SO(1,3)", {"F": "skew", "p": "vector"}, 3),
]


@settings(max_examples=10)
@given(st.sampled_from(INVARIANCE), st.integers(0, 2**32 - 1))
def test_contractions_are_invariant(case, seed):
    group, inputs, degree = case
    G = parse_group(group)
    types = _types(inputs)
    pseudo = any(
        t == "pseudovector" or (isinstance(t, TensorType) and t.pseudo) for t in types.values()
    )
    epsilon = G.d if G.family == "SO" or pseudo else None
    rng = np.random.default_rng(seed)
    values = {n: _random_tensor(t, G.d, rng) for n, t in types.items()}
    g = G.random_element(rng, scale=0.5)
    moved = {n: _act(g, types[n], v) for n, v in values.items()}
    found = tensor_contractions(types, degree, epsilon, parity_even=G.family == "O")
    assert found
    for c in found:
        a, b = _float_value(c, values, G.metric), _float_value(c, moved, G.metric)
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (c.name, a, b)


# --- minimal generating sets ------------------------------------------------------------------

MINIMAL = [
    ("O(3)", "C:tensor(ijk=jik=ikj)", 4),
    pytest.param("O(3)", "C:tensor(ijk=ikj)", 4, marks=pytest.mark.slow),  # about 7 s
    ("O(3)", "E:tensor(ijkl=jikl=klij)", 3),
    ("O(3)", "C:tensor(ijk=jik=ikj); v:vector", 3),
    ("SO(3)", "C:tensor(ijk=jik=ikj)", 3),
    ("O(3)", "A:pseudosym; v:vector", 4),
    ("O(3)", "w:pseudovector; W:skew", 4),
    ("O(3)", "A:pseudosym", 4),
    ("O(3)", "C:pseudotensor(ijk=jik=ikj); v:vector", 4),
    ("O(2)", "C:tensor(ijk=jik=ikj)", 4),
    ("SO(6)", "W:skew; v:vector", 4),
]


@pytest.mark.parametrize("group, inputs, degree", MINIMAL)
def test_spans_reach_the_character_dimension(group, inputs, degree):
    """The products of the kept generators span every block: the rank mod p (a lower bound)
    equals the dimension counted independently by characters, in every multidegree."""
    r = minimal_generators(group, inputs, degree)
    assert r.complete_to_degree == degree
    G = parse_group(group)
    types = [t for _, t in r.inputs]
    tt = [t if t in ("vector", "pseudovector") else T(t) for t in types]
    for beta, dim, span in r.blocks:
        assert dim == character_dimension(G.family, G.d, tt, beta) == span


@pytest.mark.parametrize(
    "group, inputs",
    [
        ("O(3)", "C:tensor(ijk=jik=ikj)"),
        ("O(3)", "E:tensor(ijkl=jikl=klij)"),
        ("O(3)", "P:tensor(ijk=ikj)"),
        ("O(4)", "E:tensor(ijkl=jikl=klij)"),
    ],
)
def test_low_degree_counts_follow_from_the_dimensions(group, inputs):
    """Independent count: the degree-1 generators are a basis of R₁ (n = D₁ of them), and
    their n(n+1)/2 products are independent (a polynomial ring in n linear forms), so the
    degree-2 generators number D₂ − n(n+1)/2."""
    G = parse_group(group)
    r = minimal_generators(group, inputs, 2)
    t = [T(r.inputs[0][1])]
    d1, d2 = (character_dimension(G.family, G.d, t, [k]) for k in (1, 2))
    per_degree = Counter(g.degree for g in r.generators)
    assert per_degree[1] == d1 and per_degree[2] == d2 - math.comb(d1 + 1, 2)


def test_parity_even_for_o_groups():
    """O(3): every generator has an even number of pseudo factors, ε counting as one; with a
    pseudosym A, tr(A) is a pseudoscalar and its square is the generator of degree 2."""
    r = minimal_generators("O(3)", "w:pseudovector; W:skew", 4)
    assert "W_{ij}w_kε_{ijk}" in [g.name for g in r.generators]
    for g in r.generators:
        parts = g.source if isinstance(g.source, tuple) else (g.source,)
        odd = sum(c.factors.count("w") + (EPSILON in c.factors) for c in parts)
        assert odd % 2 == 0, g.name
    names = [g.name for g in minimal_generators("O(3)", "A:pseudosym", 2).generators]
    assert names == ["A_{ij}A_{ij}", "(A_{ii})²"]


def test_pfaffian_in_six_dimensions():
    names = [g.name for g in minimal_generators("SO(6)", "W:skew", 3).generators]
    assert names == ["W_{ij}W_{ij}", "W_{ij}W_{kl}W_{mn}ε_{ijklmn}"]


# --- equivariant outputs through the matchings -------------------------------------------------

MODULES = [
    ("O(3)", {"C": "tensor(ijk=jik)"}, "vector", 3),
    ("O(3)", {"C": "tensor(ijk=jik=ikj)"}, "sym", 2),
    ("O(3)", {"A": "sym", "v": "vector"}, "pseudovector", 4),
    ("SO(3)", {"A": "sym", "v": "vector"}, "pseudovector", 3),
    ("O(3)", {"v": "vector"}, "tensor(ijk=jik)", 3),
    ("O(3)", {"v": "vector", "W": "skew"}, "pseudoskew", 3),
    ("O(3)", {"A": "pseudosym", "v": "vector"}, "dev", 3),
    ("O(2)", {"C": "tensor(ijk=jik=ikj)"}, "vector", 3),
    ("O(1,3)", {"C": "tensor(ijk=-ikj)", "p": "vector"}, "vector", 2),
]


def _numeric(expression, coords: dict, values: dict) -> np.ndarray:
    subs = {}
    for name, X in coords.items():
        for idx, s in np.ndenumerate(np.array(sympy.Array(X).tolist(), dtype=object)):
            if isinstance(s, sympy.Symbol):
                subs[s] = values[name].reshape(np.shape(np.array(sympy.Array(X).tolist())))[idx]
    arr = np.array(sympy.Array(expression).tolist(), dtype=object)
    return np.vectorize(lambda e: float(sympy.sympify(e).xreplace(subs)))(arr)


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(MODULES), st.integers(0, 2**32 - 1))
def test_module_generators_of_any_rank_are_equivariant(case, seed):
    # f(g·x) = g·f(x) on random group elements, the output moved as a tensor of its type
    group, inputs, output, degree = case
    G = parse_group(group)
    types = _types(inputs)
    out_type = output if output in ("vector", "pseudovector") else T(output)
    result = minimal_generators(group, inputs, degree, output=output)
    assert result.generators and result.complete
    rng = np.random.default_rng(seed)
    values = {n: _random_tensor(t, G.d, rng) for n, t in types.items()}
    g = G.random_element(rng, scale=0.5)
    moved = {n: _act(g, types[n], v) for n, v in values.items()}
    coords = tensor_coordinates(G.d, types, G.metric)
    for gen in result.generators:
        a = _numeric(gen.expression, coords, values).reshape((G.d,) * max(1, _rank(out_type)))
        b = _numeric(gen.expression, coords, moved).reshape(a.shape)
        expected = _act(g, out_type, a)
        assert np.abs(b - expected).max() <= 1e-9 * max(1.0, np.abs(expected).max()), gen.name
        if isinstance(out_type, TensorType):  # the value has the output's index symmetry
            for perm, sign in out_type.symmetry.elements:
                assert np.allclose(np.transpose(a, perm) * sign, a, atol=1e-9), gen.name


def _rank(t) -> int:
    return t.rank if isinstance(t, TensorType) else 1


def test_module_of_vector_valued_functions_of_a_vector_and_tensor_outputs():
    # f(v) with values in tensor(ijk=jik): δ_{ij} v_k, δ_{ik} v_j + δ_{jk} v_i, v⊗v⊗v
    r = minimal_generators("O(3)", "v:vector", 3, output="tensor(ijk=jik)")
    assert [g.name for g in r.generators] == ["δ_{ij}v_k", "proj(δ_{ik}v_j)", "v_iv_jv_k"]
    # pseudovectors of (A, v) under O(3): as many as v × Av, v × A²v, Av × A²v, by degree
    r = minimal_generators("O(3)", "A:sym; v:vector", 5, output="pseudovector")
    assert [g.degree for g in r.generators] == [3, 4, 5]
