"""Standalone export of symmetric kernels: the exported module, run in a fresh interpreter where
``invariants`` cannot be imported, gives the in-process kernel's values and is invariant under
permutations of the particles; the CLI writes it."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import invariants as inv
from invariants.kernels import compile_kernel, export_module
from invariants.symmetric_kernels import SymmetricBasis, SymmetricKernel
from tests.conftest import permuted as _permuted
from tests.conftest import run

CASES = [
    ("O(3)", "5*(m:scalar; x:vector)", "sym", 3),
    ("SO(3)", "3*p:vector; g:vector", "vector", 3),
    ("O(3)", "2*p:vector; 2*q:vector", "vector", 3),
    ("SO(3)", "4*p:vector", "matrix", 3),
    ("O(3)", "3*p:vector; q:vector", "skew", 3),
    ("O(1,3)", "3*p:vector", "sym", 3),
    ("SO(3)", "3*p:vector", "pseudoscalar", 3),
    ("O(3)", "4*p:vector", "scalar", 4),
    ("E(3)", "3*(m:scalar; x:position)", "vector", 3),  # positions relative to their centroid
]

#: Runs in a fresh interpreter: ``invariants`` is made unimportable before the module is run.
_RUNNER = """
import json, sys
sys.modules["invariants"] = None  # any 'import invariants' now raises ImportError
import numpy as np, runpy
module, data_file, out_file = sys.argv[1:]
ns = runpy.run_path(module)
data = np.load(data_file)
cases = json.loads(str(data["cases"]))
out = {}
for key, names in cases.items():
    out[key] = ns["evaluate"](**{n: data[key + "/" + n] for n in names})
try:
    ns["evaluate"](**{n: data["plain/" + n] for n in cases["plain"][:-1]})
    out["error"] = np.array("none")
except ValueError as exc:  # its InputError
    out["error"] = np.array(type(exc).__name__ + ": " + str(exc))
np.savez(out_file, **out)
"""


def _run_exported(tmp_path, text, datasets):
    module = tmp_path / "exported.py"
    module.write_text(text)
    arrays = {f"{key}/{n}": v for key, data in datasets.items() for n, v in data.items()}
    cases = {key: list(data) for key, data in datasets.items()}
    np.savez(tmp_path / "data.npz", cases=np.array(json.dumps(cases)), **arrays)
    subprocess.run(
        [
            sys.executable,
            "-c",
            _RUNNER,
            str(module),
            str(tmp_path / "data.npz"),
            str(tmp_path / "out.npz"),
        ],
        check=True,
        cwd=tmp_path,
    )
    with np.load(tmp_path / "out.npz") as out:
        return {k: out[k] for k in out.files}


@pytest.mark.parametrize("case", CASES)
def test_exported_module_runs_without_invariants_and_matches_the_kernel(case, tmp_path):
    B = inv.basis(*case)
    assert isinstance(B, SymmetricBasis)
    K = B.lambdify()
    rng = np.random.default_rng(7)
    d = B.group.d
    data = {
        i.name: rng.normal(size=(6, d)) if i.vector_like else rng.normal(size=6)
        for i in B.problem.inputs
    }
    perms = [rng.permutation(len(cls)) for cls in B.spec.identical]
    permuted = _permuted(B, data, perms)
    stacked = {k: v for k, v in data.items() if not any(k in f[2] for f in K.fields)}
    for field, _, names in K.fields:
        stacked[field] = np.stack([data[n] for n in names], axis=1)
    out = _run_exported(
        tmp_path,
        export_module(B),
        {"plain": data, "permuted": permuted, "stacked": stacked},
    )
    expected = K(**data)
    scale = max(float(np.max(np.abs(expected))), 1e-300)
    assert out["plain"].shape == expected.shape
    assert np.max(np.abs(out["plain"] - expected)) <= 1e-12 * scale
    assert np.max(np.abs(out["permuted"] - expected)) <= 1e-12 * scale  # permutation invariant
    assert np.max(np.abs(out["stacked"] - expected)) <= 1e-12 * scale
    assert str(out["error"]).startswith("InputError: missing input")


def test_module_constants_and_bad_input_in_process():
    B = inv.basis("O(3)", "3*(m:scalar; x:vector)", output="scalar", degree=3)
    ns: dict = {}
    exec(export_module(B, dtype=np.float32), ns)
    assert ns["TERMS"] == [t.name for t in B.terms]
    assert (ns["GROUP"], ns["OUTPUT"], ns["DEGREE"]) == ("O(3)", "scalar", 3)
    assert ns["DT"] is np.float32
    m, x = np.ones((2, 3)), np.ones((2, 3, 3))
    assert ns["evaluate"](m=m, x=x).dtype == np.float32
    with pytest.raises(ValueError, match=r"stacked field 'x'.*\(N, 3, 3\)"):
        ns["evaluate"](m=m, x=np.ones((2, 3, 2)))
    with pytest.raises(ValueError, match="both stacked and per particle"):
        ns["evaluate"](m=m, m1=m[:, 0], x=x)
    assert isinstance(compile_kernel(B), SymmetricKernel)  # not a plain kernel of the terms


def test_cli_export_and_basis(capsys, tmp_path):
    out = tmp_path / "inertia.py"
    code, text, _ = run(
        capsys,
        "export",
        "O(3)",
        "5*(m:scalar; x:vector)",
        "--output",
        "sym",
        "--degree",
        "3",
        "-o",
        str(out),
    )
    assert code == 0 and "m, x stacked" in text and "19 sym terms" in text
    ns: dict = {}
    exec(out.read_text(), ns)
    rng = np.random.default_rng(0)
    m, x = rng.random((4, 5)), rng.normal(size=(4, 5, 3))
    inertia = np.einsum("nb,nb,ij->nij", m, (x * x).sum(-1), np.eye(3)) - np.einsum(
        "nb,nbi,nbj->nij", m, x, x
    )
    values = ns["evaluate"](m=m, x=x)
    j, k = ns["TERMS"].index("Σ_i m_i (x_i·x_i) η"), ns["TERMS"].index("Σ_i m_i x_i⊗x_i")
    assert np.allclose(values[:, j] - values[:, k], inertia, rtol=1e-12, atol=1e-12)
    code, text, _ = run(
        capsys, "basis", "O(3)", "5*(m:scalar; x:vector)", "--output", "sym", "--degree", "3"
    )
    assert code == 0
    assert "inputs 5*(m:scalar; x:vector), output sym, degree <= 3: 19 terms" in text
    assert "Σ_{i≠j<k} m_i x_j⊗x_k" in text
    code, text, _ = run(capsys, "basis", "O(3)", "3*p:vector", "--degree", "2", "--json")
    record = json.loads(text)
    assert record["identical"] == [["p1", "p2", "p3"]] and record["spec"] == "3*p:vector"
    assert [t["name"] for t in record["terms"]] == ["1", "Σ_i (p_i·p_i)", "Σ_{i<j} (p_i·p_j)"]
    code, _, err = run(capsys, "basis", "O(3)", "3*p:vector", "--features", "norms")
    assert code == 2 and "not supported with identical particles" in err
    code, _, err = run(capsys, "basis", "E(3)", "3*x:vector; z:position", "--degree", "2")
    assert code == 2 and "must have a position field" in err
    code, text, _ = run(capsys, "basis", "E(3)", "4*x:position", "--degree", "4")
    assert code == 0 and "group E(3), inputs 4*x:position" in text
    assert "Σ_{i<j} ((x_i−x̄)·(x_j−x̄))^2" in text
    code, text, _ = run(capsys, "basis", "E(3)", "2*x:position", "--degree", "2", "--json")
    assert {i["type"] for i in json.loads(text)["inputs"]} == {"position"}
    code, _, err = run(capsys, "basis", "O(3)", "3*A:sym", "--degree", "2")
    assert code == 2 and "tensor inputs (A1:sym, …) are not supported with identical" in err
