"""End-to-end verification: completeness, known numbers, relations, error handling."""

import numpy as np
import pytest
import sympy

from invariants import InvariantsError, verify
from invariants.problem import Problem, make_problem
from invariants.relations import _exact_kernel
from invariants.verify import verify_problem
from tests.conftest import GROUPS, OUTPUTS


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_complete_for_every_group_and_output(group, output):
    r = verify(group, "p,q:vector; w:pseudovector; m:scalar", output=output, degree=3)
    assert r.complete
    assert all(b.span == b.dimension for b in r.blocks)
    assert all(b.relations == b.candidates - b.span >= 0 for b in r.blocks)


def test_known_table_o3_four_vectors():
    r = verify("O(3)", "p,q,r,s:vector", degree=8)
    dims = [row.dimension for row in r.degrees]
    # Gram entries are free below degree 8: C(10 + k - 1, k) monomials of k inner products.
    assert dims == [1, 0, 10, 0, 55, 0, 220, 0, 714]
    assert [row.relations for row in r.degrees] == [0] * 8 + [1]
    (block,) = [b for b in r.blocks if b.relations]
    assert block.multidegree == (2, 2, 2, 2)


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_gram_minor_is_the_first_relation_for_o_d(d):
    names = [f"v{i}" for i in range(d + 1)]
    r = verify(f"O({d})", ",".join(names) + ":vector", degree=2 * (d + 1))
    assert r.complete
    first = min(row.degree for row in r.degrees if row.relations)
    assert first == 2 * (d + 1)
    (rel,) = r.relations(limit=1)
    assert rel.confirmed and rel.multidegree == (2,) * (d + 1)
    dot = {(a, b): sympy.Symbol(f"{a}·{b}") for a in names for b in names if a <= b}
    gram = sympy.Matrix(d + 1, d + 1, lambda i, j: dot[tuple(sorted((names[i], names[j])))])
    ratio = sympy.simplify(rel.expression() / gram.det())
    assert ratio in (1, -1)


def test_gram_minor_is_a_relation_for_so_3():
    r = verify("SO(3)", "a,b,c,e:vector", degree=8)
    problem = r.problem
    block = next(b for b in r.canonical if b.multidegree == (2, 2, 2, 2))
    count = len(block.candidates) - block.span
    kernel = _exact_kernel(problem, block.candidates, block.span, count, np.random.default_rng(1))
    names = ["a", "b", "c", "e"]
    index = {g.name: k for k, g in enumerate(problem.generators)}
    syms = {g.name: sympy.Symbol(f"g{k}") for k, g in enumerate(problem.generators)}
    gram = sympy.Matrix(4, 4, lambda i, j: syms["·".join(sorted((names[i], names[j])))])
    poly = sympy.Poly(gram.det(), *[syms[g.name] for g in problem.generators])
    column = {tuple(int(e) for e in row): j for j, row in enumerate(block.candidates)}
    vec = [0] * len(block.candidates)
    for monomial, coeff in poly.terms():
        vec[column[tuple(monomial)]] = int(coeff)
    assert index  # generators are named
    import flint

    assert flint.fmpz_mat(kernel + [vec]).rank() == flint.fmpz_mat(kernel).rank() == count


@pytest.mark.parametrize(
    "lorentz,euclid",
    [
        ("O(1,3)", "O(4)"),
        ("SO(1,3)", "SO(4)"),
        ("SO+(1,3)", "SO(4)"),
        ("O(1,2)", "O(3)"),
        ("SO+(1,1)", "SO(2)"),
        ("Poincare(1,3)", "E(4)"),
    ],
)
@pytest.mark.parametrize("output", ["scalar", "vector", "sym"])
def test_lorentz_and_euclidean_dimensions_agree(lorentz, euclid, output):
    spec = "p1,p2:vector; x1,x2:position"
    a = verify(lorentz, spec, output=output, degree=4)
    b = verify(euclid, spec, output=output, degree=4)
    assert a.complete and b.complete
    assert [x.dimension for x in a.blocks] == [x.dimension for x in b.blocks]


def test_so_and_o_differ_by_brackets():
    so = verify("SO(3)", "p,q,r:vector", degree=3)
    o = verify("O(3)", "p,q,r:vector", degree=3)
    assert so.degrees[3].dimension == 1 and o.degrees[3].dimension == 0
    pseudo = verify("O(3)", "p,q,r:vector", output="pseudoscalar", degree=3)
    assert pseudo.degrees[3].dimension == 1 and pseudo.complete


def test_translations_reduce_to_differences():
    e = verify("E(3)", "x1,x2,x3:position", output="vector", degree=5)
    o = verify("O(3)", "a,b:vector", output="vector", degree=5)
    assert [x.dimension for x in e.degrees] == [x.dimension for x in o.degrees]
    assert all(b.multidegree[0] == 0 for b in e.blocks)  # x1 is the origin


def test_multidegrees_cover_every_composition_in_input_order():
    r = verify("SO(3)", "p,q:vector; m:scalar", degree=3)
    seen = [b.multidegree for b in r.blocks]
    assert len(seen) == len(set(seen)) == 20  # C(3 + 3, 3) compositions of 0..3 into 3 parts
    assert sum(b.dimension for b in r.blocks if sum(b.multidegree) == 2) == r.degrees[2].dimension
    # interchangeable inputs give equal numbers
    by = {b.multidegree: b for b in r.blocks}
    assert by[(2, 0, 1)].dimension == by[(0, 2, 1)].dimension


def test_json_schema():
    d = verify("O(1,3)", "p1,p2,p3:vector", output="vector", degree=3).as_dict()
    assert set(d) == {"group", "inputs", "output", "degree", "complete", "degrees", "multidegrees"}
    assert [row["degree"] for row in d["degrees"]] == [0, 1, 2, 3]
    for row in d["degrees"] + d["multidegrees"]:
        assert {"dimension", "span", "candidates", "relations"} <= set(row)
    assert all(len(m["multidegree"]) == 3 for m in d["multidegrees"])


def test_missing_generators_are_detected():
    # Without brackets the products cannot span SO(3)-invariants of degree 3.
    full = make_problem("SO(3)", "p,q,r:vector")
    crippled = Problem(full.group, full.inputs, full.output)
    crippled.__dict__["generators"] = tuple(g for g in full.generators if g.kind != "bracket")
    r = verify_problem(crippled, 4)
    assert not r.complete
    assert r.degrees[3].dimension == 1 and r.degrees[3].span == 0
    assert r.degrees[2].complete


def test_relations_are_exact_and_confirmed():
    rels = verify("SO(3)", "p,q,r,s:vector", degree=6).relations(limit=5)
    assert rels and all(r.confirmed for r in rels)
    assert all(isinstance(c, int) for r in rels for c, _ in r.terms)
    assert min(sum(r.multidegree) for r in rels) == 5


def test_seed_changes_points_not_results():
    a = verify("SO(4)", "p,q,r,s:vector", degree=6, seed=1)
    b = verify("SO(4)", "p,q,r,s:vector", degree=6, seed=2)
    assert a.as_dict() == b.as_dict()
    assert not np.array_equal(a.points, b.points)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"degree": -1}, "non-negative"),
        ({"degree": 10**6}, "too large"),
        ({"degree": 2.5}, "integer"),
        ({"degree": True}, "integer"),
        ({"output": "tensor"}, "unknown output"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(InvariantsError, match=message):
        verify("SO(3)", "p:vector", **kwargs)
