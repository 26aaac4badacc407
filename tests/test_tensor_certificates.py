"""Certificates (version 2) for tensor inputs and outputs, re-checked by the independent checker."""

import copy
import json

import numpy as np
import pytest

import invariants as inv
from invariants import checker
from invariants.checker import check_certificate
from invariants.cli import main
from invariants.contractions import Contraction, EpsilonContraction
from invariants.counting import character_dimension
from invariants.errors import InvariantsError
from invariants.minimal import minimal_generators
from invariants.spaces import parse_tensor_type
from invariants.tensor_verify import _components, graph_record, verify_tensors

CASES = [
    ("O(3)", "A,B:sym", "scalar", 5),
    ("SO(3)", "A:sym; v:vector", "scalar", 5),
    ("O(3)", "S:dev; R:skew", "dev", 5),
    ("O(1,3)", "F:skew; p:vector", "scalar", 6),
    ("SO(1,3)", "F:skew; p:vector", "scalar", 4),
    ("O(3)", "M:matrix", "scalar", 4),
    ("O(3)", "A:sym; v:vector", "sym", 4),
    ("SO(3)", "W:skew; v:vector", "skew", 4),
    ("O(2)", "A:sym; v:vector", "matrix", 4),
    ("O(1,3)", "S:dev", "dev", 4),
    ("O(4)", "A:sym; v:vector", "vector", 4),
]


@pytest.fixture(scope="module")
def certs() -> dict:
    return {
        case: verify_tensors(case[0], case[1], output=case[2], degree=case[3]).certificate()
        for case in CASES
    }


@pytest.mark.parametrize("case", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_tensor_certificates_check(case, certs) -> None:
    cert = certs[case]
    assert cert["version"] == 2 and cert["complete"] is True
    assert any(g["kind"] == "contraction" for g in cert["generators"])
    result = check_certificate(json.loads(json.dumps(cert)))
    assert result.ok, result.problems
    assert result.blocks_checked == len(cert["blocks"])


@pytest.mark.parametrize("case", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_verify_counts_agree_with_minimal_generators(case) -> None:
    """Two runs of the engine at different points: the same dimensions and spans per degree."""
    group, spec, output, degree = case
    report = verify_tensors(group, spec, output=output, degree=degree, seed=3)
    mg = minimal_generators(group, spec, degree, output=output)
    ours = [(r.degree, r.dimension, r.span) for r in report.degrees]
    theirs = [(r["degree"], r["dimension"], r["span"]) for r in mg.degrees()]
    assert ours == theirs


def _changed(cert: dict, edit) -> dict:
    out = copy.deepcopy(cert)
    edit(out)
    return out


def _largest(cert: dict) -> dict:
    return max(cert["blocks"], key=lambda b: b["dimension"])


def test_tampering_is_detected(certs) -> None:
    cert = certs[("O(3)", "S:dev; R:skew", "dev", 5)]
    p = cert["prime"]
    block = cert["blocks"].index(_largest(cert))
    row = cert["blocks"][block]["rows"][0]

    def point(c):
        c["points"][row][0] = (c["points"][row][0] + 1) % p

    def generator(c):  # one generator replaced by (a copy of the graph of) another
        first, second = [g for g in c["generators"] if len(g["args"]) >= 3][:2]
        second.update(args=list(first["args"]), edges=copy.deepcopy(first["edges"]))

    def dimension(c):
        c["blocks"][block]["dimension"] += 1

    def factor(c):  # a generator of S alone made one of R: another polynomial
        g = next(g for g in c["generators"] if len(set(g["args"])) >= 2)
        g["args"] = [g["args"][0]] * len(g["args"])

    for edit in (point, generator, dimension, factor):
        result = check_certificate(_changed(cert, edit))
        assert not result.ok, edit.__name__


def test_tampered_points_of_a_lorentz_certificate(certs) -> None:
    cert = certs[("O(1,3)", "F:skew; p:vector", "scalar", 6)]
    b = _largest(cert)

    def edit(c):
        r = b["rows"][-1]
        c["points"][r][-1] = (c["points"][r][-1] + 5) % c["prime"]

    assert not check_certificate(_changed(cert, edit)).ok


def test_a_claimed_dimension_is_not_trusted(certs) -> None:
    """Dimension and span both raised, basis padded with a product: the checker recounts."""
    cert = certs[("O(3)", "A,B:sym", "scalar", 5)]

    def edit(c):
        for blk in c["blocks"]:
            blk["dimension"] += 1

    result = check_certificate(_changed(cert, edit))
    assert not result.ok
    assert any("recomputed" in p for p in result.problems)


def test_malformed_contraction_graphs() -> None:
    cert = verify_tensors("O(3)", "A:sym", degree=3).certificate()
    for edit, message in [
        (lambda g: g["edges"].pop(), "edges must pair"),
        (lambda g: g["edges"][0].append(0), "edges must pair"),
        (lambda g: g.__setitem__("args", [7]), "out of range"),
    ]:
        c = copy.deepcopy(cert)
        edit(c["generators"][-1])
        result = check_certificate(c)
        assert not result.ok and any(message in p for p in result.problems), result.problems


def test_version_1_refuses_tensor_variables() -> None:
    cert = verify_tensors("O(3)", "A:sym", degree=2).certificate()
    cert["version"] = 1
    with pytest.raises(checker.CertificateError, match="inputs|variables"):
        check_certificate(cert)


def test_the_checkers_tensor_counts_agree_with_counting() -> None:
    """The checker's own tensor characters against counting.character_dimension."""
    types = ["sym", "skew", "dev", "matrix", "tensor(ijk=jik)", "tensor(ijk=-jik=-ikj)"]
    types += ["pseudotensor(ijk=-jik=-ikj)", "pseudosym"]
    for family, d in [("O", 2), ("O", 3), ("SO", 3), ("O", 4), ("SO", 4)]:
        group = f"{family}({d})"
        for t in types:
            for k in range(1, 4):
                if t.startswith("tensor(ijk") and k > 2:
                    continue
                ours = checker.invariant_dimension(group, [(t, k)])
                theirs = character_dimension(family, d, [parse_tensor_type(t)], (k,))
                assert ours == theirs, (group, t, k)
        mixed = [("sym", 2), ("skew", 2), ("vector", 1)]
        theirs = character_dimension(
            family, d, [parse_tensor_type("sym"), parse_tensor_type("skew"), "vector"], (2, 2, 1)
        )
        assert checker.invariant_dimension(group, mixed) == theirs


def test_the_checker_rebuilds_tensors_with_their_symmetry() -> None:
    p = 101
    rng = np.random.default_rng(1)
    for t, d in [("sym", 3), ("skew", 4), ("dev", 4), ("tensor(ijk=jik)", 3)]:
        m = len(checker.tensor_components(t, d))
        assert m == parse_tensor_type(t).dimension(d)
        comps = rng.integers(0, p, size=(2, m))
        metric = (1, -1, -1, -1)[:d] if d == 4 else (1,) * d
        X = checker.full_tensor(t, comps, metric, p)
        if t in ("sym", "dev"):
            assert (X.transpose(0, 2, 1) == X).all()
        if t == "skew":
            assert ((X + X.transpose(0, 2, 1)) % p == 0).all()
        if t == "dev":
            trace = sum(metric[i] * X[:, i, i] for i in range(d)) % p
            assert (trace == 0).all()
        if t.startswith("tensor"):
            assert (X.transpose(0, 2, 1, 3) == X).all()
    assert tuple(_components(parse_tensor_type("dev"), 3)) == checker.tensor_components("dev", 3)


def test_graph_records_evaluate_like_the_contractions() -> None:
    """The checker's graph evaluation against Contraction.evaluate (the package's evaluator)."""
    from invariants.minimal import _mod_p_ops

    p = 2147483647
    group = checker.parse_group("SO(1,3)")
    d = 4
    rng = np.random.default_rng(5)
    types = {"F": parse_tensor_type("skew"), "M": parse_tensor_type("matrix"), "v": "vector"}
    arrays = {
        "F": (lambda X: (X - X.transpose(0, 2, 1)) % p)(rng.integers(0, p, (3, d, d))),
        "M": rng.integers(0, p, (3, d, d)),
        "v": rng.integers(0, p, (3, d, 1)),
    }
    names = ["F", "M", "v"]
    contractions = [
        Contraction((("F", False), ("M", True), ("M", False))),
        Contraction((("M", False), ("F", False)), ("v", "v")),
        EpsilonContraction(legs=(((("M", False),), "v"), ((), "v")), pairs=((("F", False),),)),
        EpsilonContraction((), ((("F", False),), (("F", False), ("M", False)))),
    ]
    ops = _mod_p_ops(3).bind(group.metric)
    for c in contractions:
        record = graph_record(c, names, types)
        shapes = {"v": (3, d)}
        factors = [
            arrays[names[a]].reshape(shapes.get(names[a], (3, d, d))) for a in record["args"]
        ]
        ours = checker.contraction_value(record, factors, group, p)
        theirs = np.asarray(c.evaluate(arrays, ops)) % p
        assert (ours == theirs).all(), c.name


def test_python_verify_routes_tensors() -> None:
    report = inv.verify("O(3)", "A:sym", output="sym", degree=3)
    assert report.complete and report.certificate()["version"] == 2
    assert [d.dimension for d in report.degrees] == [1, 2, 4, 6]
    assert report.as_dict()["degrees"][3]["span"] == 6
    with pytest.raises(InvariantsError, match="tensor inputs"):
        inv.verify("O(3)", "A:sym", degree=2, cross_check=True)


def test_cli_writes_and_checks_tensor_certificates(tmp_path, capsys) -> None:
    path = tmp_path / "pope.json"
    code = main(["verify", "O(3)", "S:dev; R:skew", "--output", "dev", "--degree", "4",
                 "--certificate", str(path)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "certificate written" in out and "RS − SR" in out
    assert main(["check", str(path)]) == 0
    assert "OK:" in capsys.readouterr().out


SLOT_CASES = [
    ("O(3)", "C:tensor(ijk=jik)", "scalar", 4),
    ("O(3)", "C:tensor(ijk=jik=ikj)", "vector", 3),
    ("SO(3)", "A:sym; v:vector", "pseudovector", 4),
    ("O(3)", "v:vector; A:sym", "tensor(ijk=jik)", 3),
    ("SO(3)", "C:tensor(ijk=jik=ikj); v:vector", "scalar", 3),
    ("O(1,3)", "C:tensor(ijk=-ikj); p:vector", "vector", 2),
]


@pytest.mark.parametrize("group, inputs, output, degree", SLOT_CASES)
def test_contractions_of_any_rank_are_verified_and_certified(group, inputs, output, degree):
    # generators as graphs of index slots (edges between slots, ε last); the independent
    # checker rebuilds the tensors, evaluates the graphs mod p and recounts the dimensions
    report = inv.verify(group, inputs, output=output, degree=degree)
    assert report.complete
    cert = report.certificate()
    assert cert["version"] == 2 and checker.check_certificate(cert).ok
    minimal = inv.minimal_generators(group, inputs, degree, output=output)
    assert [d.dimension for d in report.degrees][1:] == [r["dimension"] for r in minimal.degrees()][
        1:
    ]
    if output == "vector":  # named as the minimal generators: the output's index free
        assert report.module_names() == [g.name for g in minimal.generators]
    tampered = json.loads(json.dumps(cert))
    block = next(b for b in tampered["blocks"] if b["dimension"] > 0)
    block["dimension"] += 1
    assert not checker.check_certificate(tampered).ok


#: Pseudo-quantities under O groups: the invariants are the even part, generated by the even
#: contractions and products of two odd ones (``(A_{ii})²`` for a pseudosym ``A``).
PSEUDO_CASES = [
    ("O(3)", "A:pseudosym", "scalar", 4),
    ("O(3)", "M:pseudomatrix", "scalar", 4),
    ("O(2)", "A:pseudosym; v:vector", "scalar", 4),
    ("O(3)", "A:sym; v:vector", "pseudovector", 3),
    ("O(3)", "A:pseudosym; v:vector", "vector", 3),
    ("O(1,3)", "F:pseudoskew; p:vector", "scalar", 4),
]


@pytest.mark.parametrize("group, inputs, output, degree", PSEUDO_CASES)
def test_pseudo_tensors_under_reflections_are_verified_and_certified(group, inputs, output, degree):
    report = inv.verify(group, inputs, output=output, degree=degree)
    assert report.complete
    minimal = inv.minimal_generators(group, inputs, degree, output=output)
    assert [d.dimension for d in report.degrees] == [r["dimension"] for r in minimal.degrees()]
    cert = json.loads(json.dumps(report.certificate()))
    result = checker.check_certificate(cert)
    assert result.ok, result.problems
    products = [g for g in cert["generators"] if g["kind"] == "product"]
    if "pseudosym" in inputs or "pseudomatrix" in inputs:
        assert products  # (A_{ii})² needs the odd trace twice
    if products:
        # a product of an odd contraction with an even one is not an invariant
        tampered = copy.deepcopy(cert)
        odd = set(products[0]["args"])
        even = next(
            i
            for i, g in enumerate(cert["generators"])
            if g["kind"] == "contraction" and i not in odd
        )
        tampered["generators"][cert["generators"].index(products[0])]["args"][1] = even
        assert not checker.check_certificate(tampered).ok
        # a basis monomial that uses an odd factor alone
        tampered = copy.deepcopy(cert)
        block = next(b for b in tampered["blocks"] if b["basis"] and sum(b["multidegree"]) > 1)
        factor = products[0]["args"][0]
        block["basis"][0] = [int(i == factor) for i in range(len(cert["generators"]))]
        assert not checker.check_certificate(tampered).ok


#: Scalars (a contraction of one factor and no slot) and pseudoscalars beside tensors.
SCALAR_INPUT_CASES = [
    ("O(3)", "A:sym; T:scalar", "scalar", 4),
    ("O(3)", "A:sym; T:scalar", "sym", 3),
    ("O(3)", "A:sym; m:pseudoscalar", "scalar", 4),
    ("SO(3)", "A:sym; v:vector; T:scalar", "vector", 3),
    ("O(1,3)", "F:skew; m:scalar; p:vector", "vector", 3),
    ("O(3)", "C:tensor(ijk=jik); T:scalar", "scalar", 3),
]


@pytest.mark.parametrize("group, inputs, output, degree", SCALAR_INPUT_CASES)
def test_scalar_inputs_beside_tensors(group, inputs, output, degree):
    minimal = inv.minimal_generators(group, inputs, degree, output=output)
    scalar = (
        next(p.split(":")[0] for p in inputs.split("; ") if p.endswith(":scalar"))
        if (":scalar" in inputs)
        else None
    )
    if output == "scalar" and scalar is not None:
        assert scalar in [g.name for g in minimal.generators]  # a generator of degree 1
    report = inv.verify(group, inputs, output=output, degree=degree)
    assert report.complete
    assert [d.dimension for d in report.degrees] == [r["dimension"] for r in minimal.degrees()]
    cert = json.loads(json.dumps(report.certificate()))
    assert checker.check_certificate(cert).ok
    tampered = copy.deepcopy(cert)
    block = next(b for b in tampered["blocks"] if b["dimension"] > 0)
    block["det"] = (block["det"] + 1) % cert["prime"] or 1
    assert not checker.check_certificate(tampered).ok


def test_a_scalar_beside_a_tensor_multiplies_the_hilbert_series():
    # R[A, T] = R[A] ⊗ k[T] for a scalar T: the series of A times 1/(1 − t), so each
    # coefficient is a partial sum of A's; verify's dimensions (characters) agree
    alone = inv.hilbert_series("O(3)", "A:sym").coefficients(7)
    both = inv.hilbert_series("O(3)", "A:sym; T:scalar").coefficients(7)
    assert both == [sum(alone[: k + 1]) for k in range(7)]
    report = inv.verify("O(3)", "A:sym; T:scalar", degree=6)
    assert [d.dimension for d in report.degrees] == both
