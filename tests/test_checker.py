"""Tests of the self-contained certificate checker.

The certificates here are built by brute force in this file (enumerate the candidate monomials,
evaluate them at random points mod p, keep a maximal independent subset), independently of the
code in ``invariants.checker`` that re-checks them.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import random
import re
import shutil
import subprocess
import sys
import time
from math import prod
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import checker
from invariants.checker import (
    CertificateError,
    CheckResult,
    batched_det_mod,
    check_certificate,
    det_mod,
    invariant_dimension,
    is_prime,
    parse_group,
)
from invariants.tensor_verify import verify_tensors

P = 2147483647  # 2**31 - 1
DUMMY_TABLE = {
    "scalar": [],
    "pseudoscalar": [("u", "pseudoscalar", 1)],
    "vector": [("u", "vector", 1)],
    "pseudovector": [("u", "pseudovector", 1)],
    "sym": [("u", "vector", 2)],
    "matrix": [("u", "vector", 1), ("w", "vector", 1)],
    "skew": [("u", "vector", 1), ("w", "vector", 1)],
}


# --------------------------------------------------------------------------- brute-force builder


def _group_d(group: str) -> tuple[int, list[int]]:
    inside = group[group.index("(") + 1 : -1]
    if "," in inside:
        d = 1 + int(inside.split(",")[1])
        return d, [1] + [-1] * (d - 1)
    return int(inside), [1] * int(inside)


def _det_leibniz(cols: list[list[int]]) -> int:
    """Exact integer determinant of the matrix with the given columns."""
    n = len(cols)
    total = 0
    for perm in itertools.permutations(range(n)):
        inversions = sum(perm[i] > perm[j] for i in range(n) for j in range(i + 1, n))
        total += (-1) ** inversions * prod(cols[j][perm[j]] for j in range(n))
    return total


def _det_python(rows: list[list[int]], p: int) -> int:
    """Determinant mod p by plain Gaussian elimination on Python ints."""
    m = [[x % p for x in row] for row in rows]
    n, det = len(m), 1
    for k in range(n):
        piv = next((i for i in range(k, n) if m[i][k]), None)
        if piv is None:
            return 0
        if piv != k:
            m[k], m[piv] = m[piv], m[k]
            det = -det
        det = det * m[k][k] % p
        inv = pow(m[k][k], -1, p)
        for i in range(k + 1, n):
            f = m[i][k] * inv % p
            if f:
                m[i] = [(a - f * b) % p for a, b in zip(m[i], m[k])]
    return det % p


class _Echelon:
    """Incremental linear independence test mod P."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, list[int]]] = []

    def add(self, vec: list[int]) -> bool:
        v = [x % P for x in vec]
        for pivot, row in self.rows:
            if v[pivot]:
                f = v[pivot]
                v = [(a - f * b) % P for a, b in zip(v, row)]
        pivot = next((i for i, x in enumerate(v) if x), None)
        if pivot is None:
            return False
        inv = pow(v[pivot], -1, P)
        self.rows.append((pivot, [x * inv % P for x in v]))
        return True


def _monomials(degrees: list[tuple[int, ...]], beta: tuple[int, ...]) -> list[tuple[int, ...]]:
    """All exponent vectors e with sum e_i * degrees[i] == beta (brute force)."""
    if not degrees:
        return [()] if not any(beta) else []
    result = []
    first, rest = degrees[0], degrees[1:]
    e = 0
    while all(e * a <= b for a, b in zip(first, beta)):
        remaining = tuple(b - e * a for a, b in zip(first, beta))
        result += [(e, *tail) for tail in _monomials(rest, remaining)]
        e += 1
    return result


def certificate(
    group: str,
    inputs: list[tuple[str, str]],
    variables: list[tuple[str, str]],
    output: str,
    degree: int,
    generators: list[tuple],
    symmetries: list[list[str]] = (),
    dims: dict[tuple[int, ...], int] | None = None,
    seed: int = 1,
) -> dict:
    """Build a certificate by brute force.

    ``variables`` are the input variables (name, type); the dummies of ``output`` are appended.
    ``generators`` are tuples ``(kind, *args)`` with variable names (or generator indices for
    ``product``).  For groups with reflections, candidates are monomials in the generators of
    even parity.  ``dimension`` is taken to be the span unless ``dims`` overrides it.
    """
    d, metric = _group_d(group)
    rng = random.Random(seed)
    var_list = [{"name": n, "type": t, "role": "input", "degree": None} for n, t in variables]
    var_list += [
        {"name": n, "type": t, "role": "dummy", "degree": k} for n, t, k in DUMMY_TABLE[output]
    ]
    index = {v["name"]: i for i, v in enumerate(var_list)}
    nvars = len(var_list)
    reflections = group.startswith(("O(", "E(", "Poincare("))
    gens, gen_degrees, parities = [], [], []
    for kind, *args in generators:
        if kind == "product":
            ids = list(args)
            deg = tuple(a + b for a, b in zip(gen_degrees[ids[0]], gen_degrees[ids[1]]))
            parities.append(parities[ids[0]] ^ parities[ids[1]])
        else:
            ids = [index[a] for a in args]
            deg = tuple(ids.count(i) for i in range(nvars))
            odd = sum(var_list[i]["type"].startswith("pseudo") for i in ids) + (kind == "bracket")
            parities.append(odd % 2)
        name = f"{kind}({','.join(map(str, args))})"
        gens.append({"name": name, "kind": kind, "args": ids})
        gen_degrees.append(deg)
    sizes = [d if v["type"].endswith("vector") else 1 for v in var_list]
    dummies = [i for i, v in enumerate(var_list) if v["role"] == "dummy"]
    skew = output == "skew"

    def values(point: list[int]) -> list[int]:
        coords, pos = [], 0
        for s in sizes:
            coords.append(point[pos : pos + s])
            pos += s
        out: list[int] = []
        for g in gens:
            a = g["args"]
            if g["kind"] == "scalar":
                out.append(coords[a[0]][0])
            elif g["kind"] == "dot":
                out.append(sum(m * x * y for m, x, y in zip(metric, coords[a[0]], coords[a[1]])))
            elif g["kind"] == "bracket":
                out.append(_det_leibniz([coords[i] for i in a]))
            else:
                out.append(out[a[0]] * out[a[1]])
        return [x % P for x in out]

    def swapped(point: list[int]) -> list[int]:
        starts = [sum(sizes[:i]) for i in range(nvars)]
        a, b = dummies
        q = list(point)
        q[starts[a] : starts[a] + d], q[starts[b] : starts[b] + d] = (
            point[starts[b] : starts[b] + d],
            point[starts[a] : starts[a] + d],
        )
        return q

    def mono(vals: list[int], e: tuple[int, ...]) -> int:
        return prod(pow(v, k, P) for v, k in zip(vals, e)) % P

    inputs_idx = [i for i, v in enumerate(var_list) if v["role"] == "input"]
    sym_idx = [[index[n] for n in cls] for cls in symmetries]
    betas = []
    for part in itertools.product(range(degree + 1), repeat=len(inputs_idx)):
        if sum(part) > degree:
            continue
        beta = [v["degree"] or 0 for v in var_list]
        for i, e in zip(inputs_idx, part):
            beta[i] = e
        if all(beta[c[k]] >= beta[c[k + 1]] for c in sym_idx for k in range(len(c) - 1)):
            betas.append(tuple(beta))
    usable = [i for i in range(len(gens)) if not (reflections and parities[i])]

    def monomials(beta: tuple[int, ...]) -> list[tuple[int, ...]]:
        result = []
        for exps in _monomials([gen_degrees[i] for i in usable], beta):
            e = [0] * len(gens)
            for i, k in zip(usable, exps):
                e[i] = k
            result.append(tuple(e))
        return result

    monos = {beta: monomials(beta) for beta in betas}
    npoints = max(len(m) for m in monos.values()) + 2
    width = sum(sizes)
    points = [[rng.randrange(P) for _ in range(width)] for _ in range(npoints)]
    vals = [values(pt) for pt in points]
    vals_sw = [values(swapped(pt)) for pt in points] if skew else None

    blocks = []
    for beta in betas:
        columns = {}
        for e in monos[beta]:
            col = [mono(v, e) for v in vals]
            if skew:
                col = [(a - mono(v, e)) % P for a, v in zip(col, vals_sw)]
                if not any(col):
                    continue
                key = min(tuple(col), tuple((-x) % P for x in col))
                if key in {min(tuple(c), tuple((-x) % P for x in c)) for c in columns.values()}:
                    continue  # the other member of the class {m, swap(m)}
            columns[e] = col
        echelon, basis = _Echelon(), []
        for e, col in columns.items():
            if echelon.add(col):
                basis.append(e)
        row_echelon, rows = _Echelon(), []
        for r in range(npoints):
            if len(rows) == len(basis):
                break
            if row_echelon.add([columns[e][r] for e in basis]):
                rows.append(r)
        det = _det_python([[columns[e][r] for e in basis] for r in rows], P)
        span = len(basis)
        dim = (dims or {}).get(beta, span)
        blocks.append(
            {
                "multidegree": list(beta),
                "dimension": dim,
                "candidates": len(columns),
                "span": span,
                "relations": len(columns) - span,
                "basis": [list(e) for e in basis],
                "rows": rows,
                "det": det,
            }
        )
    return {
        "format": "invariants-certificate",
        "version": 1,
        "group": group,
        "d": d,
        "metric": metric,
        "inputs": [{"name": n, "type": t} for n, t in inputs],
        "output": output,
        "degree": degree,
        "variables": var_list,
        "antisymmetric": dummies if skew else None,
        "symmetries": sym_idx,
        "prime": P,
        "points": points,
        "generators": gens,
        "blocks": blocks,
        "complete": all(b["span"] == b["dimension"] for b in blocks),
    }


# --------------------------------------------------------------------------- example certificates


def _vectors(*names: str) -> list[tuple[str, str]]:
    return [(n, "vector") for n in names]


def _dots(*names: str) -> list[tuple]:
    return [("dot", a, b) for i, a in enumerate(names) for b in names[i:]]


def o2_one_vector() -> dict:
    return certificate("O(2)", _vectors("v"), _vectors("v"), "scalar", 4, _dots("v"))


def so2_two_vectors() -> dict:
    gens = [*_dots("v1", "v2"), ("bracket", "v1", "v2")]
    v = _vectors("v1", "v2")
    return certificate("SO(2)", v, v, "scalar", 4, gens, [["v1", "v2"]])


def o3_three_vectors() -> dict:
    v = _vectors("a", "b", "c")
    return certificate("O(3)", v, v, "scalar", 3, _dots("a", "b", "c"), [["a", "b", "c"]])


def so3_three_vectors() -> dict:
    v = _vectors("a", "b", "c")
    gens = [*_dots("a", "b", "c"), ("bracket", "a", "b", "c")]
    return certificate("SO(3)", v, v, "scalar", 3, gens, [["a", "b", "c"]])


def o3_pseudovector() -> dict:
    v = [*_vectors("v1", "v2"), ("w", "pseudovector")]
    gens = [*_dots("v1", "v2"), ("dot", "w", "w"), ("bracket", "v1", "v2", "w")]
    return certificate("O(3)", v, v, "scalar", 3, gens, [["v1", "v2"]])


def so3_pseudoscalar_output() -> dict:
    v = [("s", "pseudoscalar"), ("x", "vector")]
    gens = [("scalar", "s"), ("dot", "x", "x"), ("scalar", "u")]
    return certificate("SO(3)", v, v, "pseudoscalar", 4, gens)


def o3_vector_output() -> dict:
    gens = [("dot", "x", "x"), ("dot", "x", "u")]
    return certificate("O(3)", _vectors("x"), _vectors("x"), "vector", 5, gens)


def so3_skew_output() -> dict:
    gens = [*_dots("x", "u", "w"), ("bracket", "x", "u", "w")]
    return certificate("SO(3)", _vectors("x"), _vectors("x"), "skew", 3, gens)


def o3_skew_output() -> dict:
    gens = _dots("x", "y", "u", "w")
    return certificate("O(3)", _vectors("x", "y"), _vectors("x", "y"), "skew", 2, gens)


def e3_positions() -> dict:
    inputs = [("x1", "position"), ("x2", "position"), ("x3", "position")]
    v = _vectors("x2-x1", "x3-x1")
    return certificate(
        "E(3)", inputs, v, "scalar", 3, _dots("x2-x1", "x3-x1"), [["x2-x1", "x3-x1"]]
    )


def lorentz_two_momenta() -> dict:
    v = _vectors("p1", "p2")
    return certificate("SO+(1,3)", v, v, "scalar", 3, _dots("p1", "p2"), [["p1", "p2"]])


def o3_pseudoscalar_input() -> dict:
    # s is odd: it occurs only inside the product generator s*s (as `invariants verify` writes it)
    v = [("s", "pseudoscalar"), ("x", "vector")]
    gens = [("dot", "x", "x"), ("scalar", "s"), ("product", 1, 1)]
    return certificate("O(3)", v, v, "scalar", 4, gens)


def o3_pseudoscalar_output() -> dict:
    v = [("v", "vector"), ("w", "pseudovector")]
    gens = [*_dots("v", "w"), ("scalar", "u"), ("product", 3, 1)]  # u * v.w is even
    return certificate("O(3)", v, v, "pseudoscalar", 3, gens)


def o2_product_generator() -> dict:
    # a redundant product generator: (v.v)*(v.v) duplicates the monomial (v.v)^2 -> a relation
    gens = [("dot", "v", "v"), ("product", 0, 0)]
    return certificate("O(2)", _vectors("v"), _vectors("v"), "scalar", 4, gens)


VALID = {
    f.__name__: f
    for f in [
        o2_one_vector,
        so2_two_vectors,
        o3_three_vectors,
        so3_three_vectors,
        o3_pseudovector,
        so3_pseudoscalar_output,
        o3_pseudoscalar_input,
        o3_pseudoscalar_output,
        o3_vector_output,
        so3_skew_output,
        o3_skew_output,
        e3_positions,
        lorentz_two_momenta,
        o2_product_generator,
    ]
}


@pytest.fixture(scope="module")
def so2() -> dict:
    return so2_two_vectors()


def _block(cert: dict, beta: list[int]) -> dict:
    return next(b for b in cert["blocks"] if b["multidegree"] == beta)


# --------------------------------------------------------------------------- valid certificates


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_certificate_passes(name: str) -> None:
    cert = VALID[name]()
    result = check_certificate(cert)
    # in particular the brute-force span equals the character-formula dimension in every block
    assert (result.ok, result.problems, result.blocks_checked) == (True, (), len(cert["blocks"]))
    assert (result.group, result.output, result.degree) == (
        cert["group"],
        cert["output"],
        cert["degree"],
    )


def test_builder_sees_expected_numbers(so2: dict) -> None:
    # SO(2), two vectors: [v1,v2]^2 = |v1|^2 |v2|^2 - (v1.v2)^2 is a relation in block (2, 2)
    block = _block(so2, [2, 2])
    assert (block["candidates"], block["span"], block["relations"]) == (4, 3, 1)
    assert _block(so2, [1, 1])["dimension"] == 2
    assert {tuple(b["multidegree"]) for b in so2["blocks"]} == {
        (a, b) for a in range(5) for b in range(a + 1) if a + b <= 4
    }


def test_skew_counts_classes() -> None:
    cert = so3_skew_output()
    # [x, u, w] is fixed by u <-> w with sign -1: one class; x.u, x.w form one pair class
    block = _block(cert, [1, 1, 1])
    assert block["candidates"] == 1 and block["span"] == 1
    # u.w and (x.u)(x.w) are fixed with sign +1: their antisymmetrizations vanish
    assert _block(cert, [0, 1, 1])["candidates"] == 0
    assert _block(cert, [2, 1, 1])["candidates"] == 0
    assert _block(cert, [2, 1, 1])["dimension"] == 0
    o3 = _block(o3_skew_output(), [1, 1, 1, 1])
    assert (o3["candidates"], o3["span"]) == (1, 1)  # (x.u)(y.w) - (x.w)(y.u)


def test_incomplete_generators_are_reported_as_incomplete_not_wrong() -> None:
    v = _vectors("a", "b", "c")
    cert = certificate(
        "SO(3)", v, v, "scalar", 3, _dots("a", "b", "c"), [["a", "b", "c"]], dims={(1, 1, 1): 1}
    )
    assert cert["complete"] is False
    assert check_certificate(cert).ok


def test_accepts_json_text_and_path(tmp_path, so2: dict) -> None:
    text = json.dumps(so2)
    assert check_certificate(text).ok
    path = tmp_path / "cert.json"
    path.write_text(text)
    assert check_certificate(path).ok
    assert check_certificate(str(path)).ok


def test_large_prime_uses_python_integers() -> None:
    cert = so2_two_vectors()
    cert["prime"] = 2**61 - 1  # a Mersenne prime >= 2**31: object arithmetic
    for block in cert["blocks"]:
        rows = [[_value(cert, e, r) for e in block["basis"]] for r in block["rows"]]
        block["det"] = _det_python(rows, cert["prime"])
    assert check_certificate(cert).ok


def _value(cert: dict, e: list[int], r: int) -> int:
    """Value of a monomial of so2_two_vectors at point r, mod the certificate's prime."""
    p = cert["prime"]
    x1, y1, x2, y2 = cert["points"][r]
    g = [x1 * x1 + y1 * y1, x1 * x2 + y1 * y2, x2 * x2 + y2 * y2, x1 * y2 - y1 * x2]
    return prod(pow(v, k, p) for v, k in zip(g, e)) % p


# --------------------------------------------------------------------------- tampering


def _problems(cert: dict) -> tuple[str, ...]:
    result = check_certificate(cert)
    assert result.ok is (not result.problems)
    return result.problems


def test_changed_dimension(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    _block(cert, [1, 1])["dimension"] = 3
    assert _problems(cert) == ("block [1, 1]: dimension 3 recorded, 2 recomputed",)


def test_changed_dimension_and_complete_flag(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    _block(cert, [1, 1])["dimension"] = 3
    cert["complete"] = False  # consistent with the recorded numbers, but the dimension is wrong
    assert _problems(cert) == (
        "block [1, 1]: dimension 3 recorded, 2 recomputed",
        "complete is False, but the blocks say True",
    )


def test_changed_candidates(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [2, 2])
    block["candidates"] += 1
    block["relations"] += 1
    assert _problems(cert) == ("block [2, 2]: candidates 5 recorded, 4 recounted",)


def test_changed_relations(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    _block(cert, [2, 2])["relations"] = 0
    assert _problems(cert) == ("block [2, 2]: relations 0 != candidates 4 - span 3",)


def test_changed_det(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [2, 1])
    good = block["det"]
    block["det"] = (good + 1) % P
    assert _problems(cert) == (f"block [2, 1]: det {(good + 1) % P} recorded, {good} recomputed",)


def test_changed_point_coordinate(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    row = _block(cert, [3, 1])["rows"][0]
    cert["points"][row][2] = (cert["points"][row][2] + 1) % P
    problems = _problems(cert)
    assert "block [3, 1]" in " ".join(problems)
    assert problems and all(": det " in text and "recomputed" in text for text in problems)


def test_changed_prime(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["prime"] = 2147483659  # the next prime: every non-trivial det changes
    problems = _problems(cert)
    assert problems and all(": det " in text for text in problems)
    cert["prime"] = 2147483649  # 3 * 715827883
    assert "prime 2147483649 is not prime" in _problems(cert)


def test_changed_basis_exponent(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [2, 0])
    assert block["basis"] == [[1, 0, 0, 0]]
    block["basis"] = [[0, 0, 1, 0]]  # |v2|^2 has multidegree [0, 2]
    problems = _problems(cert)
    assert problems[0] == "block [2, 0]: basis monomial 0 has multidegree [0, 2]"
    assert problems[1].startswith("block [2, 0]: det ")


def test_changed_span_without_basis(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [2, 2])
    block["span"] = 4
    block["relations"] = 0
    assert _problems(cert) == (
        "block [2, 2]: span 4 but 3 basis monomials",
        "block [2, 2]: span 4 exceeds the dimension 3",
        "complete is True, but the blocks say False",
    )


def test_flipped_complete_flag(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["complete"] = False
    assert _problems(cert) == ("complete is False, but the blocks say True",)


def test_removed_block(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["blocks"] = [b for b in cert["blocks"] if b["multidegree"] != [3, 0]]
    result = check_certificate(cert)
    assert result.problems == ("missing block [3, 0]",)
    assert result.blocks_checked == len(so2["blocks"]) - 1


def test_extra_and_duplicate_blocks(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    extra = copy.deepcopy(_block(cert, [2, 1]))
    extra["multidegree"] = [1, 2]  # not canonical under v1 <-> v2
    cert["blocks"] += [extra, copy.deepcopy(_block(cert, [1, 0]))]
    assert set(_problems(cert)) == {
        "unexpected block [1, 2]: not a canonical multidegree",
        "duplicate block [1, 0] (2 entries)",
    }


def test_singular_basis(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [1, 1])
    block["basis"][1] = list(block["basis"][0])
    block["det"] = 0
    assert _problems(cert) == (
        "block [1, 1]: the evaluation matrix is singular mod p: basis not shown independent",
    )


def test_generator_with_parity_one_under_reflections() -> None:
    v = _vectors("a", "b", "c")
    gens = [*_dots("a", "b", "c"), ("bracket", "a", "b", "c")]  # [a,b,c] is not O(3)-invariant
    cert = certificate("O(3)", v, v, "scalar", 3, gens, [["a", "b", "c"]])
    problems = _problems(cert)
    assert problems[0] == (
        "generator 6 'bracket(a,b,c)': parity 1 under O(3) and not a factor of a product: "
        "not an invariant"
    )
    assert problems[1:] == ()  # otherwise consistent: the odd bracket is not a candidate
    # the same generators are fine for SO(3), and for O(3) if the third vector is a pseudovector
    assert check_certificate(so3_three_vectors()).ok
    assert check_certificate(o3_pseudovector()).ok


def test_basis_must_not_use_odd_generators_under_reflections() -> None:
    cert = o3_pseudoscalar_input()  # generators x.x, s (odd), s*s
    block = _block(cert, [2, 0])
    assert block["basis"] == [[0, 0, 1]]
    block["basis"] = [[0, 2, 0]]  # s^2: the same polynomial, but s is not a candidate factor
    assert _problems(cert) == (
        "block [2, 0]: basis monomial 0 uses generator 1 'scalar(s)' of parity 1",
    )
    block["basis"] = [[0, 0, 1]]
    block["candidates"], block["relations"] = 2, 1  # counting s^2 and s*s
    assert _problems(cert) == ("block [2, 0]: candidates 2 recorded, 1 recounted",)


def test_generators_not_closed_under_symmetries() -> None:
    v = _vectors("v1", "v2")
    gens = [("dot", "v1", "v1"), ("dot", "v1", "v2"), ("bracket", "v1", "v2")]  # no |v2|^2
    cert = certificate("SO(2)", v, v, "scalar", 2, gens, [["v1", "v2"]])
    problems = _problems(cert)
    assert problems[0] == (
        "generator 0 'dot(v1,v1)': its image under swapping v1 and v2 is not a generator"
    )


def test_closure_is_checked_in_classes_of_more_than_two() -> None:
    # Neighbour transpositions generate every permutation of a class: the checker looks at
    # (v1 v2) and (v2 v3), which suffices, and catches a set closed under the first only.
    v = _vectors("v1", "v2", "v3")
    gens = [("dot", "v1", "v1"), ("dot", "v1", "v2"), ("dot", "v2", "v2")]  # nothing with v3
    cert = certificate("O(2)", v, v, "scalar", 2, gens, [["v1", "v2", "v3"]])
    assert _problems(cert)[:2] == (
        "generator 1 'dot(v1,v2)': its image under swapping v2 and v3 is not a generator",
        "generator 2 'dot(v2,v2)': its image under swapping v2 and v3 is not a generator",
    )
    closed = certificate("O(2)", v, v, "scalar", 2, _dots("v1", "v2", "v3"), [["v1", "v2", "v3"]])
    assert check_certificate(closed).ok


def test_malformed_generators() -> None:
    cert = copy.deepcopy(so3_three_vectors())
    gens = cert["generators"]
    gens.append({"name": "bad dot", "kind": "dot", "args": [2, 1]})
    gens.append({"name": "bad bracket", "kind": "bracket", "args": [0, 1]})
    gens.append({"name": "bad product", "kind": "product", "args": [0, 99]})
    gens.append({"name": "bad scalar", "kind": "scalar", "args": [0]})
    gens.append({"name": "bad index", "kind": "dot", "args": [0, 7]})
    problems = _problems(cert)
    assert problems[:5] == (
        "generator 7 'bad dot': dot arguments not in order a <= b",
        "generator 8 'bad bracket': bracket takes 3 arguments, got 2",
        "generator 9 'bad product': product of non-earlier generators",
        "generator 10 'bad scalar': scalar of a variable of the wrong type",
        "generator 11 'bad index': variable index out of range",
    )


def test_duplicate_generator() -> None:
    cert = o2_one_vector()
    cert["generators"].append(dict(cert["generators"][0]))
    assert "generators 0 and 1 are the same polynomial" in _problems(cert)


def test_skew_tampering() -> None:
    cert = so3_skew_output()
    block = _block(cert, [1, 1, 1])
    block["candidates"], block["relations"] = 2, 1  # counting m and swap(m) separately
    assert _problems(cert) == ("block [1, 1, 1]: candidates 2 recorded, 1 recounted",)


def test_header_mismatches() -> None:
    cert = lorentz_two_momenta()
    cert["metric"] = [1, 1, 1, 1]
    assert _problems(cert) == ("metric [1, 1, 1, 1] does not match SO+(1,3)",)
    cert["d"] = 3
    assert _problems(cert) == ("d is 3 but group SO+(1,3) has d = 4",)


def test_dummies_must_match_output() -> None:
    cert = o3_vector_output()
    cert["output"] = "pseudovector"
    assert _problems(cert) == (
        "dummy variables [('vector', 1)] do not encode output 'pseudovector'",
    )


def test_points_must_have_the_right_shape() -> None:
    cert = o2_one_vector()
    cert["points"][0] = cert["points"][0] + [5]
    assert "point 0: 3 coordinates, expected 2" in _problems(cert)
    cert = o2_one_vector()
    cert["points"][1][0] = P
    assert "point 1: coordinate outside [0, p)" in _problems(cert)


def test_skew_generators_must_be_closed_under_exchanging_the_dummies() -> None:
    gens = [("dot", "x", "x"), ("dot", "x", "u"), ("bracket", "x", "u", "w")]  # no x.w
    cert = certificate("SO(3)", _vectors("x"), _vectors("x"), "skew", 2, gens)
    assert _problems(cert) == ("generators [1]: images under exchanging the dummies are missing",)


def test_antisymmetric_must_name_the_dummies() -> None:
    cert = so3_skew_output()
    cert["antisymmetric"] = [0, 1]
    result = check_certificate(cert)
    assert (result.ok, result.problems, result.blocks_checked) == (
        False,
        ("antisymmetric is [0, 1], expected [1, 2]",),
        0,
    )
    cert = o3_vector_output()
    cert["antisymmetric"] = [0, 1]
    assert _problems(cert) == ("antisymmetric is [0, 1], expected None",)


def test_symmetry_classes_must_be_interchangeable() -> None:
    cert = o3_pseudovector()  # variables v1, v2 (vectors), w (pseudovector)
    cert["symmetries"] = [[1, 2]]
    problems = _problems(cert)
    assert problems[0] == "symmetry class [1, 2]: variables of different types"
    cert = o3_vector_output()
    cert["symmetries"] = [[0, 1]]
    assert "symmetry class [0, 1]: contains a dummy variable" in _problems(cert)
    cert["symmetries"] = [[0, 5]]
    assert _problems(cert) == ("symmetries: variable index out of range",)


def test_variables_must_match_inputs() -> None:
    cert = e3_positions()
    cert["inputs"] = cert["inputs"][:2]  # two positions give one difference vector, not two
    assert _problems(cert) == ("the input variables do not match the types of the inputs",)
    cert = so2_two_vectors()
    cert["inputs"][0]["name"] = "q"
    assert _problems(cert) == ("input 'q' has no variable of type vector",)


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.pop("prime"), "missing key 'prime'"),
        (lambda c: c["blocks"][0].pop("det"), "missing key 'blocks[0].det'"),
        (lambda c: c.update(degree="4"), "wrong type of key 'degree': expected an int"),
        (lambda c: c.update(complete=1), "wrong type of key 'complete': expected a boolean"),
        (lambda c: c["points"][0].__setitem__(0, 1.5), "wrong type of key 'points'"),
        (lambda c: c["generators"][0].update(args="01"), "key 'generators[0].args'"),
        (lambda c: c["variables"].__setitem__(0, "v"), "wrong type of key 'variables[0]'"),
        (lambda c: c.update(group="Q(3)"), "unknown group name 'Q(3)'; accepted forms: O(d)"),
        (lambda c: c.update(output="tensor"), "invalid value 'tensor' of key 'output'"),
        (lambda c: c.update(format="other"), "invalid value of key 'format'"),
        (lambda c: c.update(version=4), "unsupported version 4"),
        (lambda c: c["generators"][0].update(kind="cross"), "of key 'generators[0].kind'"),
        (lambda c: c.update(degree=-1), "invalid value -1 of key 'degree'"),
        (lambda c: c.update(antisymmetric=[0]), "wrong type of key 'antisymmetric'"),
    ],
)
def test_malformed_certificates_raise(mutate, message: str, so2: dict) -> None:
    cert = copy.deepcopy(so2)
    mutate(cert)
    with pytest.raises(CertificateError, match=re.escape(message)):
        check_certificate(cert)


def test_invalid_json_raises(tmp_path) -> None:
    with pytest.raises(CertificateError, match="invalid JSON"):
        check_certificate('{"format": ')
    path = tmp_path / "bad.json"
    path.write_text("not json at all")
    with pytest.raises(CertificateError, match="invalid JSON"):
        check_certificate(path)
    with pytest.raises(CertificateError, match="top level must be a JSON object"):
        check_certificate("[1, 2]")
    with pytest.raises(CertificateError, match="cannot read certificate file"):
        check_certificate(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("name", "d", "reflections", "metric_sign"),
    [
        ("O(3)", 3, True, 1),
        ("SO(2)", 2, False, 1),
        ("E(3)", 3, True, 1),
        ("SE(2)", 2, False, 1),
        ("O(1,3)", 4, True, -1),
        ("SO(1,3)", 4, False, -1),
        ("SO+(1,2)", 3, False, -1),
        ("Poincare(1,3)", 4, True, -1),
    ],
)
def test_parse_group(name: str, d: int, reflections: bool, metric_sign: int) -> None:
    g = parse_group(name)
    assert (g.d, g.reflections) == (d, reflections)
    assert g.metric == (1,) + (metric_sign,) * (d - 1)


@pytest.mark.parametrize("name", ["Q(3)", "O(2,2)", "O(0)", "SO+(3)", "E(1,3)", "O(3", "o(3)"])
def test_parse_group_rejects(name: str) -> None:
    with pytest.raises(CertificateError, match="accepted forms"):
        parse_group(name)


# --------------------------------------------------------------------------- character formula

V1 = ("vector", 1)


@pytest.mark.parametrize(
    ("group", "factors", "expected"),
    [
        *[("O(2)", [("vector", k)], x) for k, x in enumerate([1, 0, 1, 0, 1])],
        *[("SO(2)", [("vector", k)], x) for k, x in enumerate([1, 0, 1, 0, 1])],
        ("SO(2)", [V1, V1], 2),
        ("O(2)", [V1, V1], 1),
        ("O(4)", [V1] * 4, 3),
        ("SO(4)", [V1] * 4, 4),
        ("SO(3)", [V1] * 2, 1),
        ("SO(3)", [V1] * 3, 1),
        ("SO(3)", [V1] * 4, 3),
        ("SO(3)", [V1] * 5, 6),
        ("O(3)", [("pseudovector", 1), V1, V1], 1),
        ("O(3)", [V1] * 3, 0),
        ("O(3)", [V1] * 6, 15),
        ("SO(6)", [V1] * 6, 16),
        ("O(1,3)", [V1] * 4, 3),
        ("SO+(1,3)", [V1] * 4, 4),
        ("O(1)", [("vector", 3)], 0),
        ("SO(1)", [("vector", 3), ("pseudoscalar", 2)], 1),
        ("O(3)", [("pseudoscalar", 3)], 0),
        ("O(3)", [("pseudoscalar", 2), ("pseudovector", 2)], 1),
        ("SO(3)", [("pseudoscalar", 3)], 1),
        ("O(2)", [("pseudovector", 1), V1], 1),  # [v, w] is even, v.w is odd
        ("O(2)", [("pseudovector", 1), ("pseudoscalar", 1), V1], 1),  # now s v.w is even
        ("O(2)", [("pseudoscalar", 1), V1, V1], 1),  # s [v1, v2]
    ],
)
def test_dimension_table(group: str, factors: list, expected: int) -> None:
    assert invariant_dimension(group, factors) == expected


def _gram_monomials(n: int, beta: tuple[int, ...]) -> int:
    """Symmetric n x n matrices of non-negative ints, row sums (diagonal twice) equal to beta."""
    pairs = [(i, j) for i in range(n) for j in range(i, n)]

    def count(k: int, remaining: list[int]) -> int:
        if k == len(pairs):
            return int(not any(remaining))
        i, j = pairs[k]
        total, a = 0, 0
        while True:
            need = [0] * n
            need[i] += a
            need[j] += a
            if any(x > r for x, r in zip(need, remaining)):
                return total
            total += count(k + 1, [r - x for r, x in zip(remaining, need)])
            a += 1

    return count(0, list(beta))


@pytest.mark.parametrize(("d", "n"), [(2, 1), (2, 2), (3, 2), (3, 3), (4, 3), (5, 2), (4, 4)])
def test_dimension_free_gram_algebra(d: int, n: int) -> None:
    # First fundamental theorem + no relations for n <= d vectors: O(d) invariants are the free
    # polynomial ring in the n(n+1)/2 Gram entries.
    for beta in itertools.product(range(4), repeat=n):
        if sum(beta) <= 6:
            expected = _gram_monomials(n, beta)
            assert invariant_dimension(f"O({d})", [("vector", b) for b in beta]) == expected
            assert invariant_dimension(f"O(1,{d - 1})", [("vector", b) for b in beta]) == expected
            if n < d:  # no brackets: SO(d) has the same invariants
                assert invariant_dimension(f"SO({d})", [("vector", b) for b in beta]) == expected


def _riordan(n: int) -> list[int]:
    r = [1, 0]
    for k in range(2, n + 1):
        r.append((k - 1) * (2 * r[k - 1] + 3 * r[k - 2]) // (k + 1))
    return r


def test_riordan_numbers_and_exact_big_coefficients(monkeypatch) -> None:
    # SO(3) invariants of n vectors, multilinear, are counted by the Riordan numbers
    riordan = _riordan(40)
    assert riordan[:9] == [1, 0, 1, 1, 3, 6, 15, 36, 91]
    assert [invariant_dimension("SO(3)", [V1] * n) for n in range(13)] == riordan[:13]
    # 3**40 > 2**62 bounds the character's coefficients: computed with Python ints
    assert invariant_dimension("SO(3)", [V1] * 40) == riordan[40]
    monkeypatch.setattr(checker, "_INT64_COEFFICIENT_LIMIT", 0)  # everything exact ...
    monkeypatch.setattr(checker, "_key_dtype", lambda base, r: object)  # ... keys too
    checker.sym_character.cache_clear()
    checker._dimension_o.cache_clear()
    assert [invariant_dimension("SO(3)", [V1] * n) for n in range(13)] == riordan[:13]
    assert invariant_dimension("O(4)", [V1] * 4) == 3
    checker.sym_character.cache_clear()


# --------------------------------------------------------------------------- arithmetic


def test_is_prime() -> None:
    primes = [n for n in range(200) if is_prime(n)]
    assert primes == [n for n in range(2, 200) if all(n % q for q in range(2, n))]
    assert is_prime(P) and is_prime(2**61 - 1) and is_prime(2147483659)
    assert not is_prime(2147483649) and not is_prime(3215031751)  # a strong pseudoprime to 2,3,5,7


@pytest.mark.parametrize("n", [0, 1, 2, 5, 31, 32, 33, 70, 150])
def test_det_mod_matches_python_elimination(n: int) -> None:
    rng = np.random.default_rng(n)
    m = rng.integers(0, P, size=(n, n), dtype=np.int64)
    assert det_mod(m, P) == _det_python(m.tolist(), P)
    if n >= 4:  # forces row exchanges, then a singular matrix
        m[:, 0] = 0
        m[n - 1, 0] = 3
        assert det_mod(m, P) == _det_python(m.tolist(), P) != 0
        m[:, 2] = (m[:, 1] * 5 + m[:, 3]) % P
        assert det_mod(m, P) == 0
    small = rng.integers(0, 5, size=(n, n), dtype=np.int64)
    assert det_mod(small, 5) == _det_python(small.tolist(), 5)
    q = 2**61 - 1
    big = np.array(
        [[random.Random(i * n + j).randrange(q) for j in range(n)] for i in range(n)], dtype=object
    ).reshape(n, n)
    if n <= 70:
        assert det_mod(big, q) == _det_python(big.tolist(), q)


def test_batched_det_mod() -> None:
    rng = np.random.default_rng(7)
    a = rng.integers(0, P, size=(40, 4, 4), dtype=np.int64)
    a[:5, :, 0] = 0  # singular
    a[5:10, 0, :] = 0  # singular
    a[10:15, 0, 0] = 0  # needs a row exchange
    a[15:20, 2] = a[15:20, 3]  # singular
    expected = [_det_python(x.tolist(), P) for x in a]
    assert batched_det_mod(a, P).tolist() == expected
    assert [int(x) for x in batched_det_mod(a.astype(object), P)] == expected


@pytest.mark.slow
def test_det_of_size_1000_agrees_with_flint() -> None:
    """The checker's own elimination on a large matrix, against FLINT (its speed is measured in
    benchmarks/verify_scaling.py, not here)."""
    flint = pytest.importorskip("flint")
    m = np.random.default_rng(0).integers(0, P, size=(1000, 1000), dtype=np.int64)
    expected = int(flint.nmod_mat(m.tolist(), P).det())
    assert det_mod(m, P) == expected


# --------------------------------------------------------------------------- hostile input, limits


def test_degree_beyond_the_block_list_is_a_quick_mismatch(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    for degree in (10**6, 10**400):
        cert["degree"] = degree
        start = time.perf_counter()
        result = check_certificate(cert)
        assert time.perf_counter() - start < 30  # a hang guard (the old code ran for minutes)
        assert not result.ok and result.blocks_checked == 0
        (problem,) = result.problems
        assert problem.startswith(f"the claimed degree {checker._show(degree)} needs at least")
        assert problem.endswith(f"but the certificate lists {len(so2['blocks'])}")


def test_degree_beyond_the_limit_is_refused(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["degree"] = checker.MAX_DEGREE + 1
    cert["blocks"] = cert["blocks"] * 200  # enough entries not to be refuted at once
    with pytest.raises(CertificateError, match="degree 1001 exceeds the checker's limit of 1000"):
        check_certificate(cert)


def test_missing_blocks_are_counted_without_listing_all_multidegrees(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["degree"] = 1000
    cert["blocks"] = cert["blocks"] * 200
    problems = _problems(cert)
    # (a, b) with a >= b and a + b <= 1000: 251001 canonical multidegrees; 9 distinct listed
    assert "missing blocks: 251001 canonical multidegrees, 9 listed" in problems
    assert checker.count_canonical(so2) == len(checker.canonical_multidegrees(so2)) == 9


@pytest.mark.parametrize("degree", [0, 1, 2, 5])
def test_count_canonical_matches_the_enumeration(degree: int) -> None:
    variables = [{"name": "x", "type": "vector", "role": "input", "degree": None}] * 6
    variables.append({"name": "u", "type": "vector", "role": "dummy", "degree": 1})
    for symmetries in ([], [[0, 1, 2]], [[2, 0], [3, 4, 5]], [[5, 4, 3, 2, 1, 0]]):
        data = {"variables": variables, "symmetries": symmetries, "degree": degree}
        listed = checker.canonical_multidegrees(data)
        assert checker.count_canonical(data) == len(listed)
        assert all(checker.is_canonical(data, beta) for beta in listed)


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ("SO(13)", "group SO(13): d = 13 exceeds the checker's limit of 12"),
        ("O(1,12)", "group O(1,12): d = 13 exceeds the checker's limit of 12"),
        ("O(" + "9" * 5000 + ")", "unknown group name 'O(999999"),
    ],
)
def test_group_dimension_beyond_the_limit_is_refused(group: str, message: str, so2) -> None:
    with pytest.raises(CertificateError, match=re.escape(message)):
        check_certificate(dict(so2, group=group))


def test_checker_limits_cover_what_verify_produces() -> None:
    from invariants.groups import MAX_DIMENSION
    from invariants.modular import PRIME
    from invariants.problem import check_degree

    assert checker.MAX_D >= MAX_DIMENSION and PRIME < checker.MAX_PRIME
    with pytest.raises(ValueError, match="supported maximum is 40"):
        check_degree(41)
    assert checker.MAX_DEGREE >= 40


def test_primes_beyond_the_proven_range_are_refused(so2: dict) -> None:
    # the least composite that passes Miller-Rabin with the checker's 12 bases
    pseudoprime = 318665857834031151167461
    assert is_prime(pseudoprime) and pseudoprime % 399165290221 == 0
    with pytest.raises(CertificateError, match=re.escape("exceeds the checker's limit of 2**64")):
        check_certificate(dict(so2, prime=pseudoprime))


def test_product_chains_beyond_the_degree_limit_are_refused() -> None:
    cert = o2_one_vector()  # generator 0 is v.v
    cert["generators"] += [{"name": f"g{i}", "kind": "product", "args": [i, i]} for i in range(60)]
    with pytest.raises(CertificateError, match="generator 9 'g8' has total degree 1024, more than"):
        check_certificate(cert)


def test_too_many_variables_are_refused(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    extra = [{"name": f"x{i}", "type": "vector"} for i in range(checker.MAX_VARIABLES)]
    cert["inputs"] += extra
    cert["variables"] += [dict(item, role="input", degree=None) for item in extra]
    with pytest.raises(CertificateError, match="1002 variables exceed the checker's limit of 1000"):
        check_certificate(cert)


def test_blocks_beyond_the_checkers_algorithms_are_refused() -> None:
    cert = certificate("SO(12)", _vectors("v"), _vectors("v"), "scalar", 2, _dots("v"))
    cert["degree"] = 13  # Sym^12 of a 12-dimensional space has C(23, 11) = 1352078 monomials
    cert["blocks"] = [dict(cert["blocks"][0], multidegree=[k]) for k in range(14)]
    with pytest.raises(CertificateError, match="block \\[12\\]: the character of one variable"):
        check_certificate(cert)


def _many_scalars(n: int) -> dict:
    """SO(2) with n scalar inputs, degree 1, written by hand: every block has dimension 1."""
    names = [f"s{i}" for i in range(n)]
    point = [random.Random(n).randrange(1, P) for _ in range(n)]
    unit = [[int(i == j) for j in range(n)] for i in range(n)]
    blocks = [
        {"multidegree": beta, "dimension": 1, "candidates": 1, "span": 1, "relations": 0}
        | {"basis": [beta], "rows": [0], "det": det}
        for beta, det in [([0] * n, 1)] + list(zip(unit[::-1], point[::-1]))
    ]
    return {
        "format": "invariants-certificate",
        "version": 1,
        "group": "SO(2)",
        "d": 2,
        "metric": [1, 1],
        "inputs": [{"name": s, "type": "scalar"} for s in names],
        "output": "scalar",
        "degree": 1,
        "variables": [
            {"name": s, "type": "scalar", "role": "input", "degree": None} for s in names
        ],
        "antisymmetric": None,
        "symmetries": [],
        "prime": P,
        "points": [point],
        "generators": [{"name": s, "kind": "scalar", "args": [i]} for i, s in enumerate(names)],
        "blocks": blocks,
        "complete": True,
    }


def test_more_variables_than_numpy_has_axes() -> None:
    assert check_certificate(_many_scalars(3)).ok
    assert check_certificate(_many_scalars(70)).ok  # 71 variables: NumPy arrays have <= 64 axes


def test_a_basis_larger_than_the_dimension_is_not_evaluated(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [2, 2])
    many = 3000  # more basis monomials than the dimension: no determinant is computed
    block["basis"] = block["basis"][:1] * many
    block["rows"] = list(range(many))
    cert["points"] += [[1, 2, 3, 4]] * many
    block["span"], block["relations"] = many, block["candidates"] - many
    start = time.perf_counter()
    problems = _problems(cert)
    assert time.perf_counter() - start < 30  # a hang guard (the old code ran for minutes)
    assert "block [2, 2]: span 3000 exceeds the dimension 3" in problems
    assert not any("det" in p or "singular" in p for p in problems)


def test_unused_points_are_not_evaluated(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["points"] += [[1, 2, 3, 4]] * 200_000
    cert["generators"] = cert["generators"]
    assert check_certificate(cert).ok
    used = checker.used_points(cert, {tuple(b["multidegree"]) for b in cert["blocks"]})
    assert used == sorted({r for b in cert["blocks"] for r in b["rows"]}) and len(used) < 10


def test_file_size_limit(tmp_path, so2: dict) -> None:
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(so2))
    size = path.stat().st_size
    assert check_certificate(path, max_bytes=size).ok
    with pytest.raises(CertificateError, match=f"larger than the limit of {size - 1} bytes"):
        check_certificate(path, max_bytes=size - 1)
    with pytest.raises(CertificateError, match="JSON text longer than the limit of 10 bytes"):
        check_certificate(json.dumps(so2), max_bytes=10)
    assert checker.MAX_BYTES == 256 * 2**20


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_cut_off(tmp_path, device: str) -> None:
    link = tmp_path / "cert.json"
    link.symlink_to(device)
    with pytest.raises(CertificateError, match="larger than the limit of 4096 bytes"):
        check_certificate(link, max_bytes=4096)


@pytest.mark.parametrize("opening", ["[", '{"a":', '{"format": ['])
def test_deep_nesting_is_refused_in_one_line(tmp_path, opening: str) -> None:
    closing = {"[": "]", '{"a":': "}", '{"format": [': "]"}[opening]
    text = opening * 100_000 + "1" + closing * 100_000
    with pytest.raises(CertificateError, match="nested too deeply") as info:
        check_certificate(text)
    assert "\n" not in str(info.value)
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(CertificateError, match="nested too deeply"):
        check_certificate(path)


def test_integers_with_too_many_digits_are_refused() -> None:
    with pytest.raises(CertificateError, match="an integer with too many digits"):
        check_certificate('{"format": ' + "9" * 5000 + "}")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.update(version=10**5000), "unsupported version <an integer of 16610 bits>"),
        (lambda c: c.update(group="x" * 10**6), "unknown group name 'xxxxxxxx"),
        (lambda c: c.update(output="\n" * 5), "invalid value '\\n\\n\\n\\n\\n' of key 'output'"),
        (lambda c: c.update(degree=-(10**5000)), "invalid value <an integer of 16610 bits>"),
    ],
)
def test_messages_about_hostile_values_are_one_short_line(mutate, message, so2) -> None:
    cert = copy.deepcopy(so2)
    mutate(cert)
    with pytest.raises(CertificateError) as info:
        check_certificate(cert)
    assert message in str(info.value)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_huge_numbers_in_blocks_are_mismatches(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    block = _block(cert, [1, 1])
    block["dimension"] = block["det"] = 10**5000
    block["multidegree"] = [10**5000, 1]
    problems = _problems(cert)
    assert "missing block [1, 1]" in problems
    assert "unexpected block [<an integer of 16610 bits>, 1]: not a canonical multidegree" in (
        problems
    )
    cert = copy.deepcopy(so2)
    _block(cert, [1, 1])["det"] = 10**5000
    assert _problems(cert) == (
        "block [1, 1]: det <an integer of 16610 bits> recorded, "
        f"{_block(so2, [1, 1])['det']} recomputed",
    )


# --------------------------------------------------------------------------- fuzzing


_POOL = [
    None, True, False, 0, 1, 2, -1, 7, 2**31 - 1, 2**63, -(2**64), 10**30, 10**400, 10**5000,
    1.5, float("nan"), "", "x", "3", "O(3)", "SO(12)", "vector", "product", "a\nb", [], [0],
    [0, 1], [[0]], [[0, 1]], {}, {"a": 1}, [[[[[[[[0]]]]]]]],
]  # fmt: skip
_SMALL = {
    "so2": so2_two_vectors(),
    "skew": so3_skew_output(),
    "e3": e3_positions(),
    "product": o2_product_generator(),
    "vector": o3_vector_output(),
    # version 2: tensor variables and contraction graphs (an ε one among them), a tensor dummy
    "tensor": verify_tensors("SO(3)", "A:sym; v:vector", degree=3).certificate(),
    "tensor_output": verify_tensors("O(3)", "S:dev; R:skew", output="dev", degree=2).certificate(),
}


_HUGE = [10**5000, -(10**5000), 2**64, 10**6, -1, 0]
_HOW = ["replace", "delete", "wrap", "duplicate", "huge", "shift"]


def _draw_path(data, cert: dict) -> tuple:
    """A place in the certificate: a top-level key, then deeper with probability 1/2 a step."""
    path, node = (), cert
    while isinstance(node, (dict, list)) and node and (not path or data.draw(st.booleans())):
        key = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        path, node = (*path, key), node[key]
    return path


def _mutate(cert: dict, path: tuple, how: str, value: Any) -> None:
    parent = cert
    for step in path[:-1]:
        parent = parent[step]
    key, old = path[-1], parent[path[-1]]
    if how == "delete":
        del parent[key]
    elif how == "wrap":
        parent[key] = [old]
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(old))
    elif how == "huge" and checker._is_int(old):
        parent[key] = value
    elif how == "shift" and checker._is_int(old):
        parent[key] = old + 1
    elif how == "shift" and isinstance(old, list) and old:
        parent[key] = old[1:]  # one entry fewer
    else:
        parent[key] = value


@settings(max_examples=500, deadline=None, database=None)
@given(st.data())
def test_fuzzed_certificates_give_a_result_or_a_certificate_error(data) -> None:
    cert = copy.deepcopy(_SMALL[data.draw(st.sampled_from(sorted(_SMALL)))])
    for _ in range(data.draw(st.integers(1, 3))):
        path = _draw_path(data, cert)
        if not path:
            break
        how = data.draw(st.sampled_from(_HOW))
        value = data.draw(st.sampled_from(_HUGE if how == "huge" else _POOL))
        _mutate(cert, path, how, copy.deepcopy(value))
    if data.draw(st.booleans()):  # as JSON text (unless an int has too many digits for it)
        with contextlib.suppress(ValueError):
            cert = json.dumps(cert)
    try:
        result = check_certificate(cert)
    except CertificateError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 1000
        return
    assert isinstance(result, CheckResult) and result.ok is (not result.problems)
    assert all("\n" not in p and len(p) < 1000 for p in result.problems)
    assert "\n" not in result.summary()


# --------------------------------------------------------------------------- what a check proved


def test_summary_names_what_was_proved() -> None:
    result = check_certificate(so3_three_vectors())
    assert result.inputs == (("a", "vector"), ("b", "vector"), ("c", "vector"))
    assert (result.group, result.output, result.degree) == ("SO(3)", "scalar", 3)
    assert result.complete and result.generators == 7
    assert result.summary() == (
        "OK: SO(3), inputs a,b,c:vector, output scalar, degree <= 3: every invariant polynomial "
        f"of degree <= 3 is a polynomial in the 7 generators ({result.blocks_checked} blocks "
        "re-checked)"
    )
    assert (
        check_certificate(e3_positions())
        .summary()
        .startswith(
            "OK: E(3), inputs x1,x2,x3:position, output scalar, degree <= 3: every invariant"
        )
    )
    vector = check_certificate(o3_vector_output()).summary()
    assert vector.startswith("OK: O(3), inputs x:vector, output vector, degree <= 5: ")
    assert "every equivariant polynomial of degree <= 5 with vector values" in vector


def test_summary_of_an_incomplete_certificate_says_only_the_numbers_were_checked() -> None:
    v = _vectors("a", "b", "c")
    cert = certificate(
        "SO(3)", v, v, "scalar", 3, _dots("a", "b", "c"), [["a", "b", "c"]], dims={(1, 1, 1): 1}
    )
    summary = check_certificate(cert).summary()
    assert summary.startswith("OK (numbers only): SO(3), inputs a,b,c:vector, output scalar,")
    assert "complete=false" in summary and "do NOT span" in summary


def test_summary_of_a_failed_check_and_a_renamed_certificate(so2: dict) -> None:
    cert = copy.deepcopy(so2)
    cert["inputs"][0]["name"] = "p\nOK: forged"
    cert["variables"][0]["name"] = "p\nOK: forged"
    result = check_certificate(cert)
    assert result.ok  # names are not checked against anything: but they are shown as they are
    assert "\n" not in result.summary() and "'p\\nOK: forged'" in result.summary()
    _block(cert, [1, 1])["dimension"] += 1
    summary = check_certificate(cert).summary()
    assert summary.startswith("FAILED: SO(2), inputs 'p\\nOK: forged',v2:vector, output scalar")
    assert summary.endswith("degree <= 4: 1 problem(s)")


def test_as_dict_is_json(so2: dict) -> None:
    data = json.loads(json.dumps(check_certificate(so2).as_dict()))
    assert data["ok"] is True and data["group"] == "SO(2)" and data["degree"] == 4
    assert data["inputs"] == [{"name": "v1", "type": "vector"}, {"name": "v2", "type": "vector"}]
    assert data["summary"].startswith("OK: SO(2)")


# --------------------------------------------------------------------------- one error type


def test_certificate_error_is_an_invariants_error() -> None:
    from invariants.errors import InvariantsError

    assert issubclass(CertificateError, InvariantsError)
    with pytest.raises(InvariantsError):
        check_certificate("[1]")


_NO_SYMPY = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("sympy", "flint", "networkx"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
"""


def _run(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _NO_SYMPY + code], capture_output=True, text=True, cwd=cwd
    )


def test_checker_copied_elsewhere_works_alone(tmp_path, so2: dict) -> None:
    shutil.copy(checker.__file__, tmp_path / "checker.py")
    (tmp_path / "cert.json").write_text(json.dumps(so2))
    code = """
import checker
assert checker.CertificateError.__mro__[1:3] == (checker._BaseError, ValueError)
print(checker.check_certificate("cert.json").summary())
try:
    checker.check_certificate("[1]")
except ValueError as exc:
    print(type(exc).__name__, exc)
"""
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: SO(2), inputs v1,v2:vector")
    assert "CertificateError invalid certificate: the top level must be" in proc.stdout


def test_checker_needs_nothing_of_the_package_but_errors(tmp_path) -> None:
    # a package object without running invariants/__init__ (which imports everything)
    package = Path(checker.__file__).parent
    code = f"""
import importlib.machinery, importlib.util, sys, types
package = types.ModuleType("invariants")
package.__path__ = [{str(package)!r}]
sys.modules["invariants"] = package
import invariants.checker as c
from invariants.errors import InvariantsError
assert issubclass(c.CertificateError, InvariantsError)
print(sorted(m for m in sys.modules if m.startswith("invariants")))
"""
    proc = _run(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['invariants', 'invariants.checker', 'invariants.errors']"


def test_import_invariants_checker_without_sympy(tmp_path) -> None:
    eager = _run("import invariants", tmp_path).returncode != 0
    if eager:
        pytest.xfail("invariants/__init__.py still imports SymPy eagerly (being made lazy)")
    proc = _run("import invariants.checker", tmp_path)
    assert proc.returncode == 0, proc.stderr
