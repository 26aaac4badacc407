"""verify for identical particles (G x S_n): orbit sums against two independent counts."""

from __future__ import annotations

import itertools
import json
import math
import re

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import invariants as inv
from invariants import symmetric_verify as sv
from invariants.errors import CountMismatchError, InvariantsError
from invariants.modular import PRIME
from invariants.particles import parse_spec
from invariants.problem import make_problem
from invariants.spanning import candidate_matrix, candidate_monomials, sample_points
from invariants.symmetric_verify import SymmetricReport, verify_symmetric
from invariants.verify import VerificationReport
from tests.conftest import act, evaluator, run

# --- the cases of the brief: complete, and the counts agree --------------------------------------

REQUIRED = [
    ("O(3)", "4*p:vector", "scalar", 12),
    ("E(3)", "4*x:position", "scalar", 12),
    ("O(3)", "5*(m:scalar; x:vector)", "sym", 3),
    ("SO(3)", "4*p:vector", "scalar", 10),
    ("O(1,3)", "4*p:vector", "scalar", 10),
    ("O(3)", "3*p:vector; q:vector", "scalar", 8),
    ("SO(3)", "3*p:vector; q:vector", "vector", 6),
]


@pytest.mark.parametrize("group,spec,output,degree", REQUIRED)
def test_the_orbit_sums_span_every_degree(group, spec, output, degree):
    r = verify_symmetric(group, spec, output, degree)
    hilbert = inv.hilbert_series(group, spec, output).coefficients(degree + 1)
    assert [d.dimension for d in r.degrees] == hilbert
    assert [d.independent for d in r.degrees] == hilbert
    assert r.complete and all(d.span == d.dimension for d in r.degrees)
    assert all(d.relations == d.candidates - d.span >= 0 for d in r.degrees)
    assert sum(s.independent for s in r.sectors) == sum(hilbert)
    assert any(d.dimension > 0 for d in r.degrees[1:])


def test_the_symmetric_dimensions_are_smaller_than_the_plain_ones():
    r = verify_symmetric("O(3)", "4*p:vector", degree=8)
    plain = inv.verify("O(3)", "p1,p2,p3,p4:vector", degree=8)
    for s, q in zip(r.degrees, plain.degrees):
        # S_4 acts on the plain space: at least 1/24 of it is fixed only on average, and the
        # fixed part is a subspace
        assert s.dimension <= q.dimension
    assert r.degrees[8].dimension < plain.degrees[8].dimension


GROUPS = ["O(2)", "SO(2)", "O(3)", "SO(3)", "O(1,3)"]
SPECS = [
    "3*p:vector",
    "3*(m:scalar; x:vector)",
    "3*(s:pseudoscalar; x:vector)",
    "2*p:vector; q:vector",
    "2*p:vector; 2*q:pseudovector",
]


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("output", ["scalar", "vector"])
def test_hilbert_series_and_burnside_count_agree(group, spec, output):
    degree = 4 if "2*q" in spec or "(" in spec else 5
    r = verify_symmetric(group, spec, output, degree)
    assert [d.dimension for d in r.degrees] == [d.independent for d in r.degrees]
    assert r.complete


@pytest.mark.parametrize(
    "spec,output",
    [
        ("3*x:position", "scalar"),
        ("3*x:position", "vector"),
        ("3*(m:scalar; x:position)", "scalar"),
        ("3*(s:pseudoscalar; x:position)", "scalar"),
        ("y:position; 3*x:position", "scalar"),  # the origin is not a particle
        ("2*x:position; v:vector", "sym"),
    ],
)
def test_positions_under_translations(spec, output):
    r = verify_symmetric("E(3)", spec, output, 4)
    assert [d.dimension for d in r.degrees] == [d.independent for d in r.degrees]
    assert r.complete


@pytest.mark.parametrize(
    "group,spec,output",
    [
        ("SO(2)", "3*p:vector", "skew"),
        ("O(3)", "3*x:vector", "skew"),
        ("O(2)", "2*(m:scalar; x:vector)", "matrix"),
        ("SO(3)", "3*p:pseudovector", "pseudoscalar"),
        ("SO(3)", "4*p:vector", "sym"),
    ],
)
def test_other_outputs(group, spec, output):
    r = verify_symmetric(group, spec, output, 5)
    assert [d.dimension for d in r.degrees] == [d.independent for d in r.degrees]
    assert r.complete


def test_an_alternating_bracket_is_no_candidate():
    # [p1,p2,p3] changes sign under a transposition: its orbit sum is zero
    r = verify_symmetric("SO(3)", "3*p:vector", degree=3)
    assert (r.degrees[3].dimension, r.degrees[3].candidates) == (0, 0)
    plain = inv.verify("SO(3)", "p1,p2,p3:vector", degree=3)
    assert plain.degrees[3].dimension == 1


def test_another_seed_gives_the_same_numbers():
    a = verify_symmetric("E(3)", "3*(m:scalar; x:position)", degree=4, seed=0)
    b = verify_symmetric("E(3)", "3*(m:scalar; x:position)", degree=4, seed=7)
    assert a.degrees == b.degrees and not np.array_equal(a.points, b.points)


# --- the two halves checked against other ways of computing them ------------------------------


def test_merging_candidates_by_orbits_keeps_the_span(monkeypatch):
    cases = [("O(3)", "4*p:vector", 6), ("E(3)", "3*x:position", 6), ("SO(2)", "3*p:vector", 4)]
    merged = [verify_symmetric(group, spec, degree=k) for group, spec, k in cases]
    monkeypatch.setattr(sv, "_orbit_representatives", lambda pr, a, cands, perms: range(len(cands)))
    for before, (group, spec, k) in zip(merged, cases):
        after = verify_symmetric(group, spec, degree=k)
        assert [d.span for d in after.degrees] == [d.span for d in before.degrees]
        assert all(x.candidates >= y.candidates for x, y in zip(after.degrees, before.degrees))
        assert sum(d.candidates for d in after.degrees) > sum(d.candidates for d in before.degrees)


def test_burnside_by_classes_equals_the_sum_over_every_element(monkeypatch):
    before = verify_symmetric("O(3)", "4*p:vector", degree=8)
    pos = verify_symmetric("E(3)", "4*x:position", degree=6)
    monkeypatch.setattr(sv, "_classes", lambda groups: [(e, 1) for e in sv._elements(groups)])
    assert verify_symmetric("O(3)", "4*p:vector", degree=8).sectors == before.sectors
    assert verify_symmetric("E(3)", "4*x:position", degree=6).sectors == pos.sectors


@pytest.mark.parametrize("n", range(1, 7))
def test_conjugacy_classes(n):
    groups = [list(range(n))]
    classes = sv._classes(groups)
    assert len(classes) == len(sv._cycle_types(n))
    assert sum(size for _, size in classes) == len(sv._elements(groups)) == math.factorial(n)
    for perm, _ in classes:  # a permutation of the group, fixed points first
        assert sorted(perm) == sorted(perm.values()) == list(range(n))


def test_plain_monomials_in_place_of_orbit_sums_are_detected(monkeypatch):
    real = sv._reynolds_rank
    monkeypatch.setattr(
        sv, "_reynolds_rank", lambda pr, a, cands, perms, *rest: real(pr, a, cands, [{}], *rest)
    )
    with pytest.raises(CountMismatchError, match="not all invariant"):
        verify_symmetric("E(3)", "3*x:position", degree=2)  # (x2−x1)² alone is not symmetric
    monkeypatch.setattr(sv, "_orbit_representatives", lambda pr, a, cands, perms: range(len(cands)))
    with pytest.raises(CountMismatchError, match=r"multidegree \[1, 1, 1, 1\].*not all invariant"):
        # (p1·p2)(p3·p4), (p1·p3)(p2·p4), (p1·p4)(p2·p3): 3 > 1 dimensions
        verify_symmetric("O(3)", "4*p:vector", degree=4)


def test_a_wrong_dimension_is_detected(monkeypatch):
    from invariants import hilbert

    real = hilbert.hilbert_coefficients

    def off(*args, **kwargs):
        out = real(*args, **kwargs)
        out[2] += 1
        return out

    monkeypatch.setattr("invariants.hilbert.hilbert_coefficients", off)
    with pytest.raises(CountMismatchError, match="degree 2: the Hilbert series gives 3"):
        verify_symmetric("O(3)", "3*p:vector", degree=2)


def test_a_plain_block_that_is_not_spanned_is_detected(monkeypatch):
    # the traces need a basis of the plain space: fewer candidates must be refused
    real = sv.candidate_monomials
    monkeypatch.setattr(sv, "candidate_monomials", lambda pr, beta: real(pr, beta)[:1])
    with pytest.raises(CountMismatchError, match="plain block"):
        verify_symmetric("O(3)", "3*p:vector", degree=4)


# --- the permutation action on points, against substitution in the symbolic orbit sum ---------


def _symbolic_orbit_sum(problem, spec, exponents):
    """R(f) up to the factor 1/|S|: Σ_σ f(σx) by substituting the input symbols."""
    gens = problem.generator_expressions()
    f = sympy.Mul(*(gens[g] ** int(e) for g, e in enumerate(exponents) if e))
    syms = problem.symbols()
    total = sympy.Integer(0)
    perms = [itertools.permutations(range(len(c))) for c in spec.identical]
    for choice in itertools.product(*perms):
        sub = {}
        for cls, sigma in zip(spec.identical, choice):
            for k, t in enumerate(sigma):  # (σx)_k = x_σ(k)
                for a, b in zip(cls[k], cls[t]):
                    for x, y in zip(syms[problem.inputs[a].name], syms[problem.inputs[b].name]):
                        sub[x] = y
        total += f.xreplace(sub)
    return sympy.expand(total)


def _input_values(problem, point):
    """Input coordinates of a point given in variable coordinates (the origin at 0)."""
    from invariants.spanning import variable_slices

    slices = variable_slices(problem)
    values = {}
    for inp in problem.inputs:
        values[inp.name] = [0] * (problem.group.d if inp.vector_like else 1)
    for i, v in enumerate(problem.variables):
        if v.role == "input":
            values[problem.inputs[v.source].name] = [int(x) for x in point[slices[i]]]
    return values


@pytest.mark.parametrize(
    "group,spec",
    [("E(3)", "3*x:position"), ("O(3)", "3*(m:scalar; x:vector)"), ("SO(3)", "3*p:vector")],
)
def test_reynolds_values_are_the_symbolic_orbit_sums_mod_p(group, spec):
    parsed = parse_spec(spec)
    problem = make_problem(group, parsed.inputs, "scalar", max_degree=4)
    action = sv._Action(problem, parsed.identical, PRIME)
    points = sample_points(problem, 3, np.random.default_rng(1))
    elements = sv._elements(action.classes)
    syms = problem.symbols()
    for beta in [b for k in (2, 4) for b in sv._blocks_of_degree(problem, k)][:12]:
        for row in candidate_monomials(problem, beta)[:3]:
            ours = np.zeros(len(points), dtype=np.int64)
            for perm in elements:
                vals, _ = action.values(points, perm)
                ours = (ours + candidate_matrix(problem, row[None, :], vals, None)[:, 0]) % PRIME
            expr = _symbolic_orbit_sum(problem, parsed, row)
            for point, value in zip(points, ours):
                x = _input_values(problem, point)
                sub = {s: x[name][j] for name, ss in syms.items() for j, s in enumerate(ss)}
                assert int(expr.xreplace(sub)) % PRIME == value


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), group=st.sampled_from(["O(3)", "SO(3)", "O(1,3)", "E(3)"]))
def test_orbit_sums_are_invariant_under_the_group_and_the_permutations(seed, group):
    spec = "3*x:position" if group == "E(3)" else "3*(m:scalar; x:vector)"
    parsed = parse_spec(spec)
    problem = make_problem(group, parsed.inputs, "scalar", max_degree=4)
    rng = np.random.default_rng(seed)
    blocks = list(sv._blocks_of_degree(problem, 3 if group == "SO(3)" else 4))
    beta = blocks[rng.integers(len(blocks))]
    cands = candidate_monomials(problem, beta)
    if len(cands) == 0:
        return
    expr = _symbolic_orbit_sum(problem, parsed, cands[rng.integers(len(cands))])
    value, scale = evaluator(problem, expr)
    d = problem.group.d
    x = {i.name: rng.normal(size=d) if i.vector_like else rng.normal() for i in problem.inputs}
    g, t = problem.group.random_element(rng), problem.group.random_translation(rng)
    tol = 1e-9 * (scale(x) + 1e-300)
    assert np.all(np.abs(value(act(problem, g, t, x)) - value(x)) <= tol)
    sigma = rng.permutation(len(parsed.identical[0]))
    permuted = dict(x)
    for k, t_ in enumerate(sigma):
        for a, b in zip(parsed.identical[0][k], parsed.identical[0][t_]):
            permuted[problem.inputs[a].name] = x[problem.inputs[b].name]
    assert np.all(np.abs(value(permuted) - value(x)) <= tol)


# --- the API: routing, progress, bad input --------------------------------------------------


def test_verify_routes_identical_particles():
    r = inv.verify("O(3)", "4*p:vector", degree=4)
    assert isinstance(r, SymmetricReport)
    assert r.degrees == verify_symmetric("O(3)", "4*p:vector", degree=4).degrees
    assert isinstance(inv.verify("O(3)", "p1,p2:vector", degree=2), VerificationReport)
    d = r.as_dict()
    assert d["complete"] is True and d["identical"] == [[[0], [1], [2], [3]]]
    assert [x["dimension"] for x in d["degrees"]] == [x["independent"] for x in d["degrees"]]
    json.dumps(d)


def test_progress():
    calls = []
    r = verify_symmetric("O(3)", "3*p:vector", degree=4, progress=lambda a, b: calls.append((a, b)))
    n = len(r.sectors)
    assert calls == [(k, n) for k in range(1, n + 1)]


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"checkpoint": "x.json"}, "checkpoint"),
        ({"resume": "x.json"}, "resume"),
        ({"jobs": 2}, "jobs"),
        ({"scheduler": "tcp://h:1"}, "scheduler"),
        ({"executor": "dask"}, "executor"),
        ({"cross_check": "yes"}, "cross_check"),
    ],
)
def test_verify_refuses_what_identical_particles_do_not_have(kwargs, match):
    with pytest.raises(InvariantsError, match=match):
        inv.verify("O(3)", "3*p:vector", degree=2, **kwargs)


@pytest.mark.parametrize(
    "args,kwargs,match",
    [
        (("O(3)", "p,q:vector"), {}, "no identical particles"),
        (("O(3)", ["p1", "p2"]), {}, "specification string"),
        (("O(3)", "3*A:sym"), {}, "tensor inputs"),
        (("O(3)", "3*p:vector"), {"degree": -1}, "non-negative"),
        (("O(3)", "3*p:vector"), {"seed": -1}, "seed"),
        (("O(3)", "3*p:vector"), {"progress": 5}, "progress"),
        (("O(3)", "3*p:vector", "tensor"), {}, "output"),
        (("Q(3)", "3*p:vector"), {}, "group"),
        (("E(3)", "9*x:position"), {"degree": 2}, "362880 permutations"),
    ],
)
def test_bad_input(args, kwargs, match):
    with pytest.raises(InvariantsError, match=match):
        verify_symmetric(*args, **kwargs)


# --- the command --------------------------------------------------------------------------------


def test_cli_table(capsys):
    code, out, _ = run(capsys, "verify", "O(3)", "4*p:vector", "--degree", "12")
    assert code == 0
    assert out.startswith("group O(3) x S_4, inputs 4*p:vector, output scalar, degree <= 12")
    assert "COMPLETE" in out and "INCOMPLETE" not in out
    row = next(line.split() for line in out.splitlines() if line.strip().startswith("12 "))
    dim = inv.hilbert_series("O(3)", "4*p:vector").coefficients(13)[12]
    assert row[:4] == ["12", str(dim), str(dim), str(dim)]


def test_cli_json_and_multidegrees(capsys):
    code, out, _ = run(
        capsys, "verify", "O(3)", "5*(m:scalar; x:vector)", "--output", "sym", "--degree", "3",
        "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["complete"] and data["output"] == "sym"
    assert [d["dimension"] for d in data["degrees"]] == [d["span"] for d in data["degrees"]]
    code, out, _ = run(capsys, "verify", "E(3)", "3*x:position", "--degree", "4", "--multidegrees")
    assert code == 0 and "degree 4" in out and "group E(3) x S_3" in out


@pytest.mark.parametrize(
    "flags,match",
    [
        (["--resume", "c.json"], "--resume"),
        (["--jobs", "2"], "--jobs"),
        (["--scheduler", "tcp://h:1"], "--scheduler"),
    ],
)
def test_cli_refuses_resume_and_workers(capsys, tmp_path, flags, match):
    code, out, err = run(capsys, "verify", "O(3)", "3*p:vector", "--degree", "2", *flags)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and match in err and "identical particles" in err
    assert not (tmp_path / "c.json").exists()


def test_cli_bad_spec(capsys):
    code, _, err = run(capsys, "verify", "O(3)", "3*A:sym", "--degree", "2")
    assert code == 2 and "tensor inputs" in err


# --- larger ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "group,spec,output,degree",
    [
        ("O(3)", "6*p:vector", "scalar", 10),
        ("E(3)", "5*x:position", "scalar", 10),
        ("O(3)", "5*(m:scalar; x:vector)", "sym", 5),
        ("SO(3)", "5*p:vector", "vector", 8),
        ("O(3)", "8*p:vector", "scalar", 8),
    ],
)
def test_larger(group, spec, output, degree):
    r = verify_symmetric(group, spec, output, degree)
    assert r.complete
    assert inv.check(r.certificate()).ok


def test_the_example_in_the_docs_is_what_the_command_prints(capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text("utf-8")
    command = '$ invariants verify "O(3)" "4*p:vector" --degree 8\n'
    block = text[text.index(command) + len(command) :]
    expected = block[: block.index("```")]
    code, out, _ = run(capsys, "verify", "O(3)", "4*p:vector", "--degree", "8")
    assert code == 0 and out == expected


@pytest.mark.parametrize(
    "group,spec,output",
    [
        ("SO(3)", "4*p:vector", "skew"),
        ("O(3)", "3*(s:pseudoscalar; x:vector); q:pseudovector", "vector"),
        ("O(1,3)", "4*p:vector", "scalar"),
        ("SO(2)", "3*(m:scalar; x:vector)", "matrix"),
    ],
)
def test_vectorized_generator_permutations_match_the_problem(group, spec, output):
    parsed = parse_spec(spec)
    problem = make_problem(group, parsed.inputs, output, max_degree=4)
    action = sv._Action(problem, parsed.identical, PRIME)
    rng = np.random.default_rng(3)
    for _ in range(10):
        perm = dict(enumerate(rng.permutation(len(action.particles)).tolist()))
        vmap = action.variable_map(perm)
        expected = [problem.permute_generator(g, vmap) for g in range(len(problem.generators))]
        target, sign = action.generator_map(perm)
        assert list(zip(target.tolist(), sign.tolist())) == expected


# --- certificates (version 3) ------------------------------------------------------------------

CERTIFIED = [
    ("O(3)", "4*p:vector", "scalar", 8),
    ("E(3)", "4*x:position", "scalar", 6),
    ("O(3)", "3*(m:scalar; x:vector)", "sym", 3),
    ("SO(2)", "3*p:vector", "skew", 4),
    ("SO(3)", "2*p:vector; q:vector", "vector", 5),
    ("E(3)", "y:position; 2*(m:scalar; x:position)", "vector", 3),
    ("O(1,3)", "3*(s:pseudoscalar; x:vector)", "scalar", 4),
]


@pytest.mark.parametrize("group,spec,output,degree", CERTIFIED)
def test_certificates_check(group, spec, output, degree):
    cert = verify_symmetric(group, spec, output, degree).certificate()
    result = inv.check(json.loads(json.dumps(cert)))
    assert result.ok, result.problems
    assert result.complete and result.identical
    assert "orbit sums" in result.summary() and result.summary().startswith("OK")


def _tampered(cert, edit):
    cert = json.loads(json.dumps(cert))
    edit(cert)
    return inv.check(cert)


@pytest.fixture(scope="module")
def certificates():
    return {
        "plain": verify_symmetric("O(3)", "4*p:vector", degree=6).certificate(),
        "positions": verify_symmetric("E(3)", "3*x:position", degree=4).certificate(),
    }


def _sector(cert, dimension_at_least=1):
    return next(s for s in cert["identical"]["sectors"] if s["dimension"] >= dimension_at_least)


@pytest.mark.parametrize("kind", ["plain", "positions"])
@pytest.mark.parametrize(
    "edit,match",
    [
        (lambda c: _sector(c, 2).update(dimension=_sector(c, 2)["dimension"] + 1), "dimension"),
        (lambda c: _sector(c).update(det=(_sector(c)["det"] + 1) % c["prime"]), "det"),
        (lambda c: _sector(c).update(plain_det=_sector(c)["plain_det"] ^ 1), "plain_det"),
        (lambda c: c["identical"]["sectors"].pop(), "sectors"),
        (lambda c: c["identical"]["sectors"].append(c["identical"]["sectors"][-1]), "sectors"),
        (lambda c: c["identical"]["classes"][0].pop(), "sectors|class"),
        (lambda c: c.update(complete=False), "complete"),
        (lambda c: c["points"][0].__setitem__(0, (c["points"][0][0] + 1) % c["prime"]), "det"),
    ],
)
def test_tampered_certificates_fail(certificates, kind, edit, match):
    result = _tampered(certificates[kind], edit)
    assert not result.ok
    assert any(re.search(match, text) for text in result.problems), result.problems


def test_a_dropped_orbit_sum_is_incomplete_not_wrong(certificates):
    def drop(c):
        s = _sector(c, 2)
        s["basis"].pop()
        s["rows"].pop()
        s["span"] -= 1
        s["relations"] += 1
        c["complete"] = False

    result = _tampered(certificates["plain"], drop)
    assert not result.ok  # the determinant of the smaller minor is not the recorded one
    assert any("det" in text for text in result.problems)


def test_plain_monomials_in_place_of_orbit_sums_fail_the_check(certificates):
    # the non-symmetric (p1·p2)(p3·p4) and its images: 3 independent monomials, 1 orbit sum
    def plain(c):
        s = next(s for s in c["identical"]["sectors"] if s["multidegree"][:4] == [1, 1, 1, 1])
        s["basis"], s["rows"] = s["plain_basis"], s["plain_rows"]
        s["span"], s["det"] = len(s["basis"]), s["plain_det"]

    result = _tampered(certificates["plain"], plain)
    assert any("exceeds the dimension" in text for text in result.problems)


def test_identical_needs_version_3(certificates):
    from invariants.checker import CertificateError

    cert = json.loads(json.dumps(certificates["plain"]))
    cert["version"] = 2
    with pytest.raises(CertificateError, match="version 3"):
        inv.check(cert)
    cert["version"] = 3
    cert["identical"]["sectors"][0]["det"] = "1"
    with pytest.raises(CertificateError, match="det"):
        inv.check(cert)


def test_cli_certificate_round_trip(capsys, tmp_path):
    path = tmp_path / "c.json"
    code, out, _ = run(
        capsys, "verify", "E(3)", "3*x:position", "--degree", "4", "--certificate", str(path)
    )
    assert code == 0 and f"certificate written to {path}" in out
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and out.startswith("OK: E(3) x S_3")
    bad = tmp_path / "missing" / "c.json"
    code, out, err = run(capsys, "verify", "O(3)", "3*p:vector", "--certificate", str(bad))
    assert code == 2 and out == "" and "cannot write certificate" in err


@pytest.mark.parametrize(
    "group,spec,output,degree",
    [
        ("O(2)", "3*p:vector", "scalar", 4),
        ("E(2)", "3*x:position", "scalar", 4),
        ("SO(2)", "2*(m:scalar; x:vector)", "vector", 3),
    ],
)
def test_dimensions_by_exact_rank_over_q_of_symbolic_orbit_sums(group, spec, output, degree):
    """A third count: the rank over Q of the symbolic Reynolds images of every candidate."""
    parsed = parse_spec(spec)
    problem = make_problem(group, parsed.inputs, output, max_degree=degree)
    syms = problem.symbols()
    dummies = [s for v in problem.variables if v.role == "dummy" for s in sympy.symbols(
        f"{v.name}_0:{problem.group.d}")]  # fmt: skip
    flat = [s for inp in problem.inputs for s in syms[inp.name]] + dummies
    r = verify_symmetric(group, spec, output, degree)
    for k in range(degree + 1):
        images = []
        for beta in sv._blocks_of_degree(problem, k):
            for row in candidate_monomials(problem, beta):
                images.append(sympy.Poly(_symbolic_orbit_sum(problem, parsed, row), *flat))
        monomials = sorted({m for poly in images for m in poly.as_dict()})
        matrix = sympy.Matrix(
            [[poly.as_dict().get(m, 0) for m in monomials] for poly in images]
        ) if images and monomials else sympy.zeros(0, 0)  # fmt: skip
        assert matrix.rank() == r.degrees[k].dimension == r.degrees[k].span


@pytest.mark.parametrize("n", [1, 5, 64, 65, 130])
def test_the_checker_inverts_matrices_mod_p(n):
    from invariants.checker import _inverse_mod, inverse_mod

    rng = np.random.default_rng(n)
    m = rng.integers(0, PRIME, size=(n, n))
    fast, slow = inverse_mod(m, PRIME), _inverse_mod(m, PRIME)
    assert np.array_equal(fast, slow)
    product = (m.astype(object) @ fast.astype(object)) % PRIME
    assert np.array_equal(product.astype(np.int64), np.eye(n, dtype=np.int64))
    m[:, -1] = 0  # singular
    assert inverse_mod(m, PRIME) is None
    m = np.eye(n, dtype=np.int64)[::-1].copy()  # leading blocks singular: the fallback
    assert np.array_equal(inverse_mod(m, PRIME), m)


def test_progress_reporter_and_accepted_options(capsys):
    events = []

    class Reporter:
        def start(self, phase, work, blocks, done):
            events.append(("start", phase, blocks, done))

        def advance(self, work, blocks):
            events.append(("advance", blocks))

        def close(self):
            events.append(("close",))

    r = inv.verify("O(3)", "3*p:vector", degree=3, progress=Reporter(), jobs=1, executor="serial")
    n = len(r.sectors)
    assert events == [("start", "spanning", n, 0)] + [("advance", 1)] * n + [("close",)]
    code, out, _ = run(capsys, "verify", "O(3)", "3*p:vector", "--degree", "2", "--jobs", "1")
    assert code == 0 and "COMPLETE" in out
