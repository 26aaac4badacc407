"""Exact relations among tensor invariants: Cayley–Hamilton from Newton's identities, syzygies
confirmed by expansion, and the command."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from invariants import InvariantsError, relations
from invariants.syzygies import _relation
from tests.conftest import run


def newton_p4_in_3d():
    """p₄ in terms of p₁, p₂, p₃ for 3×3 matrices: e₄ = 0 in Newton's identities
    (24 e₄ = p₁⁴ − 6 p₁² p₂ + 3 p₂² + 8 p₁ p₃ − 6 p₄)."""
    p1, p2, p3 = sympy.symbols("p1 p2 p3")
    return sympy.expand((p1**4 - 6 * p1**2 * p2 + 3 * p2**2 + 8 * p1 * p3) / 6), (p1, p2, p3)


def test_cayley_hamilton_for_one_symmetric_tensor():
    (first, *_) = relations("O(3)", "A:sym", 4)
    assert first.lhs == "tr(A⁴)" and first.confirmed
    expected, (p1, p2, p3) = newton_p4_in_3d()
    symbols = {"tr(A)": p1, "tr(A²)": p2, "tr(A³)": p3}
    got = sum(
        sympy.Rational(c.numerator, c.denominator)
        * sympy.Mul(*(symbols[n] ** e for n, e in zip(first.generator_names, exps)))
        for c, exps in first.terms
    )
    assert sympy.expand(got - expected) == 0


def test_syzygies_of_a_symmetric_tensor_and_two_vectors_in_the_plane():
    found = [r for r in relations("O(2)", "A:sym; u,v:vector", 6, limit=20) if r.lhs is None]
    assert found and all(r.confirmed for r in found)
    assert [r.multidegree for r in found] == [(1, 2, 2), (2, 2, 2)]


def test_a_wrong_relation_is_not_confirmed():
    x = sympy.Symbol("x")
    rel = _relation((1,), [(1,), (2,)], [Fraction(1), Fraction(-1)], ("g",), None, [x], None)
    assert not rel.confirmed


def test_vector_inputs_use_the_verification_relations():
    (rel,) = relations("O(3)", "p,q,r,s:vector", 8, limit=1)
    assert rel.confirmed and rel.multidegree == (2, 2, 2, 2)  # the 4×4 Gram determinant


def test_limits():
    assert relations("O(3)", "A:sym", 6, limit=0) == []
    assert len(relations("O(3)", "A:sym", 6, limit=2)) == 2
    with pytest.raises(InvariantsError, match="limit must be an integer"):
        relations("O(3)", "A:sym", 6, limit=-1)


def test_cli(capsys):
    code, out, _ = run(capsys, "relations", "O(3)", "A:sym", "--degree", "5")
    assert code == 0 and "2 exact relations" in out and "tr(A⁵) = " in out
    code, out, _ = run(capsys, "relations", "O(3)", "A:sym", "--degree", "3")
    assert code == 0 and "no relations up to degree 3" in out


@pytest.mark.parametrize("group", ["O(1,3)", "O(4)"])
def test_cayley_hamilton_for_a_traceless_tensor_under_any_metric(group):
    # Newton's identities with p_1 = 0 in d = 4: p_5 = (5/6) p_2 p_3, for η-traceless D
    # (with a plain trace on Lorentz points no relation was found at all).
    (rel,) = relations(group, "D:dev", degree=5)
    assert rel.lhs == "tr(D⁵)" and rel.confirmed
    assert rel.terms == ((Fraction(5, 6), (1, 1, 0)),)


@pytest.mark.parametrize(
    "group, inputs, degree",
    [("O(3)", "M:pseudomatrix", 6), ("O(3)", "C:tensor(ijk=jik=ikj)", 4)],
)
def test_relations_for_inputs_of_any_rank_are_confirmed(group, inputs, degree):
    # index-notation contractions that were not kept, written in the generators; each relation
    # is confirmed by expanding it in the components
    rels = relations(group, inputs, degree, limit=5)
    assert rels and all(r.confirmed for r in rels)
    assert all(r.lhs and "_" in r.lhs for r in rels)
    assert "(M_{ij}M_{ij})^2" in str(rels[0]) or group != "O(3)" or "C_" in str(rels[0])
