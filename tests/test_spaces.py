"""Tensor spaces: index-symmetry formulas, dimensions, and invariant counts of tensor inputs by
characters, cross-checked against an independent brute-force count (the null space of the Lie
algebra and the reflections acting on polynomials in the tensor components)."""

from __future__ import annotations

import itertools

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import InvariantsError, parse_group
from invariants.counting import character_dimension
from invariants.spaces import parse_symmetry, parse_tensor_type

P = 2**31 - 1


# --- formulas and dimensions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, d, dim",
    [
        ("ij=ji", 3, 6),
        ("ij=-ji", 3, 3),
        ("ij", 4, 16),
        ("ijk=jik", 3, 18),
        ("ijk=jki=kij=jik", 3, 10),  # fully symmetric: C(5, 3)
        ("ijk=-jik=-ikj", 4, 4),  # fully antisymmetric: C(4, 3)
        ("ijkl=jikl=klij", 3, 21),  # elasticity
        ("ijkl=jikl=ijlk", 3, 36),  # minor symmetries only
        ("ijkl=-jikl=-ijlk=klij", 3, 6),  # Riemann-like pairs without Bianchi: Sym²(Λ²)
    ],
)
def test_dimensions(formula, d, dim):
    assert parse_symmetry(formula).dimension(d) == dim


def test_dimension_is_the_trace_of_the_projector():
    """Independent formula: dim = (1/|G|) Σ_g sign(g) d^{cycles(g)}."""
    for formula in ("ij=ji", "ijk=jik", "ijk=-jik=-ikj", "ijkl=jikl=klij", "ijkl=-jikl=klij"):
        s = parse_symmetry(formula)
        for d in (2, 3, 4):
            total = sum(sign * d ** _cycles(perm) for perm, sign in s.elements)
            assert total % len(s.elements) == 0
            assert s.dimension(d) == total // len(s.elements)


def _cycles(perm) -> int:
    seen, count = set(), 0
    for a in range(len(perm)):
        if a not in seen:
            count += 1
            while a not in seen:
                seen.add(a)
                a = perm[a]
    return count


@pytest.mark.parametrize(
    "formula, message",
    [
        ("ij=ji=-ji", "force the tensor to vanish"),
        ("ijk=-jik=ikj=-kji", "force the tensor to vanish"),
        ("ij=jk", "is not a permutation of 'ij'"),
        ("ii=ii", "repeats an index"),
        ("ij=j", "is not a permutation"),
        ("-ij=ji", "the first word has no sign"),
        ("ij=j1", "is not a word of index letters"),
        ("", "formula such as"),
        ("ijklmno", "at most 6"),
    ],
)
def test_bad_formulas(formula, message):
    with pytest.raises(InvariantsError, match=message):
        parse_symmetry(formula)


def test_bad_type_names():
    with pytest.raises(InvariantsError, match="accepted: sym, skew, dev, matrix, tensor"):
        parse_tensor_type("symmetric")
    assert parse_tensor_type("tensor(ij=-ji)").dimension(3) == 3
    assert parse_tensor_type("pseudosym").pseudo


# --- counts: characters against brute force ----------------------------------------------------


def _components(t, d):
    """Symbols for the independent components and the full tensor as a dict index -> expr."""
    reps = t.symmetry.orbits(d)
    if t.traceless:  # the last diagonal entry of a symmetric matrix is minus the others
        reps = [r for r in reps if r != (d - 1,) * 2]
    syms = sympy.symbols(f"c0:{len(reps)}")
    full = {}
    for rep, c in zip(reps, syms):
        for perm, sign in t.symmetry.elements:
            full[tuple(rep[perm[a]] for a in range(t.rank))] = sign * c
    if t.traceless:
        full[(d - 1,) * 2] = -sum(full[(i, i)] for i in range(d - 1))
    return syms, full, reps


def _act(t, d, g, full):
    """Components of g·T: Σ g_{i a} g_{j b} … T_{a b …} (times det g for pseudo-tensors)."""
    det = sympy.Matrix(g).det()
    out = {}
    for idx in itertools.product(range(d), repeat=t.rank):
        out[idx] = sympy.expand(
            sum(
                sympy.Mul(*(int(g[i, a]) for i, a in zip(idx, src))) * full.get(src, 0)
                for src in itertools.product(range(d), repeat=t.rank)
                if all(g[i, a] for i, a in zip(idx, src))
            )
            * (det if t.pseudo else 1)
        )
    return out


def brute_force_dimension(group: str, t, k: int) -> int:
    """Invariant polynomials of degree k in one tensor input: the common null space (mod P) of
    the Lie algebra derivations and of p∘R − p for the discrete generators."""
    G = parse_group(group)
    d = G.d
    syms, full, reps = _components(t, d)
    monos = [sympy.Mul(*m) for m in itertools.combinations_with_replacement(syms, k)] or [
        sympy.Integer(1)
    ]
    rows = []

    def coefficient_rows(images):
        polys = [sympy.Poly(e, *syms) if syms else None for e in images]
        keys = sorted({m for p in polys if p is not None for m in p.as_dict()})
        for key in keys:
            rows.append([int(p.as_dict().get(key, 0)) % P if p is not None else 0 for p in polys])

    for X in G.lie_algebra():  # derivation: D_X T = X·T (one X on each index)
        moved = {}
        for idx in itertools.product(range(d), repeat=t.rank):
            moved[idx] = sum(
                int(X[idx[a], j]) * full.get(idx[:a] + (j,) + idx[a + 1 :], 0)
                for a in range(t.rank)
                for j in range(d)
            )
        sub = {s: moved[rep] for s, rep in zip(syms, reps)}
        coefficient_rows(
            [sympy.expand(sum(sympy.diff(m, s) * v for s, v in sub.items())) for m in monos]
        )
    for R in G.discrete_generators():
        image = _act(t, d, np.asarray(R), full)
        sub = {s: image[rep] for s, rep in zip(syms, reps)}
        coefficient_rows([sympy.expand(m.xreplace(sub) - m) for m in monos])
    if not rows:
        return len(monos)
    rank = flint.nmod_mat(rows, P).rank()
    return len(monos) - rank


CASES = [
    ("O(3)", "sym", 4),
    ("SO(3)", "skew", 4),
    ("O(3)", "dev", 4),
    ("O(3)", "pseudosym", 3),
    ("O(2)", "matrix", 4),
    ("SO(2)", "tensor(ijk=jik)", 2),
    ("O(3)", "tensor(ijk=-jik=-ikj)", 4),
    ("SO(4)", "skew", 3),
    ("O(4)", "skew", 3),
    ("O(1,3)", "skew", 2),  # the electromagnetic field: F_{μν}F^{μν} (degree 4 is slow here)
    ("O(2)", "tensor(ijkl=jikl=klij)", 2),
]


@pytest.mark.parametrize("group, type_, kmax", CASES)
def test_character_counts_match_brute_force(group, type_, kmax):
    G = parse_group(group)
    t = parse_tensor_type(type_)
    for k in range(kmax + 1):
        assert character_dimension(G.family, G.d, [t], [k]) == brute_force_dimension(group, t, k)


def test_one_symmetric_tensor_has_three_free_invariants():
    """tr A, tr A², tr A³ are algebraically independent generators (Rivlin): the counts are
    the numbers of partitions into parts 1, 2 and 3."""
    sym = parse_tensor_type("sym")
    expected = [
        sum(
            1
            for a in range(k + 1)
            for b in range(k + 1)
            if a + 2 * b <= k and (k - a - 2 * b) % 3 == 0
        )
        for k in range(13)
    ]
    assert [character_dimension("O", 3, [sym], [k]) for k in range(13)] == expected


@settings(max_examples=25)
@given(st.sampled_from(["O", "SO"]), st.integers(2, 5), st.integers(0, 4))
def test_a_matrix_is_a_symmetric_and_a_skew_tensor(family, d, k):
    """V⊗V = Sym²V ⊕ Λ²V: invariants of one matrix of degree k are those of a pair (A, W),
    A symmetric and W skew, of total degree k."""
    matrix, sym, skew = (parse_tensor_type(n) for n in ("matrix", "sym", "skew"))
    pair = sum(character_dimension(family, d, [sym, skew], [a, k - a]) for a in range(k + 1))
    assert character_dimension(family, d, [matrix], [k]) == pair


def test_skew_tensor_in_three_dimensions_is_a_pseudovector():
    skew = parse_tensor_type("skew")
    for family in ("O", "SO"):
        for k in range(7):
            for b in range(4):
                assert character_dimension(family, 3, [skew, "vector"], [k, b]) == (
                    character_dimension(family, 3, ["pseudovector", "vector"], [k, b])
                )


def test_every_type_is_one_object():
    from invariants.spaces import BASIC_TYPES, field_type, is_pseudo

    assert [field_type(t).rank for t in BASIC_TYPES] == [0, 0, 1, 1, 1]
    assert [t for t in BASIC_TYPES if is_pseudo(t)] == ["pseudoscalar", "pseudovector"]
    assert [t for t in BASIC_TYPES if field_type(t).translates] == ["position"]
    assert field_type("pseudodev").pseudo and field_type("pseudodev").traceless
    assert field_type(field_type("sym")) == field_type("sym")
    with pytest.raises(InvariantsError, match="unknown tensor type 'vectr'"):
        field_type("vectr")
    with pytest.raises(InvariantsError, match="type name"):
        field_type(3)
