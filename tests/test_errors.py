"""Every bad argument of the public API raises InvariantsError with a message naming it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import invariants as inv
from invariants import InvariantsError
from tests.conftest import run


@pytest.fixture(scope="module")
def vector_basis():
    return inv.basis("O(3)", "p:vector", degree=2)


@pytest.fixture(scope="module")
def model(vector_basis):
    p = np.random.default_rng(0).normal(size=(20, 3))
    return inv.fit(vector_basis, {"p": p}, np.ones(20))


@pytest.fixture(scope="module")
def report():
    return inv.verify("O(2)", "a,b,c:vector", degree=6)


CALLS = {
    "verify progress not callable": (
        lambda: inv.verify("O(3)", "p:vector", progress=3),
        "progress must be None, a function",
    ),
    "verify cross_check not bool": (
        lambda: inv.verify("O(3)", "p:vector", cross_check="yes"),
        "cross_check must be True or False",
    ),
    "verify degree float": (lambda: inv.verify("O(3)", "p:vector", degree=4.0), "degree"),
    "compile_kernel of a non-basis": (lambda: inv.compile_kernel(5), "expected a Basis"),
    "export_module of a non-basis": (lambda: inv.export_module("x"), "expected a Basis"),
    "character_dimension huge d": (
        lambda: inv.character_dimension("SO", 30, ["vector"] * 30, (1,) * 30),
        "supported for d ≤ 12",
    ),
    "character_dimension d not int": (
        lambda: inv.character_dimension("SO", "3", ["vector"], (2,)),
        "d must be a positive integer",
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_bad_call_raises_invariants_error(name):
    call, message = CALLS[name]
    with pytest.raises(InvariantsError, match=message):
        call()


@pytest.mark.parametrize("dtype", [5, "int8", object, "float16"])
def test_bad_kernel_dtype(vector_basis, dtype):
    with pytest.raises(InvariantsError, match="dtype must be float64 or float32"):
        vector_basis.lambdify(dtype=dtype)


@pytest.mark.parametrize("limit", [-1, "3", 2.0, True])
def test_bad_relation_limits(report, limit):
    with pytest.raises(InvariantsError, match="limit must be an integer ≥ 0"):
        report.relations(limit=limit)
    with pytest.raises(InvariantsError, match="max_candidates must be an integer ≥ 0"):
        report.relations(max_candidates=limit)


def test_zero_relations_asked_gives_none(report):
    assert report.relations(limit=0) == []
    assert len(report.relations(limit=1)) == 1


@pytest.mark.parametrize("digits", [0, "a", 2.5])
def test_bad_formula_digits(model, digits):
    with pytest.raises(InvariantsError, match="digits must be an integer ≥ 1"):
        model.formula(digits=digits)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"degrees": 3}, "degrees must be a list of integers"),
        ({"ridges": "abc"}, "ridges must be a list of numbers"),
        ({"seed": "x"}, "seed must be an integer ≥ 0"),
    ],
)
def test_bad_fit_cv_options(kwargs, message):
    p = np.random.default_rng(1).normal(size=(20, 3))
    with pytest.raises(InvariantsError, match=message):
        inv.fit_cv(("O(3)", "p:vector"), {"p": p}, np.ones(20), **kwargs)


# --- a second round of a new user's inputs (issue 10) ----------------------------------------


@pytest.mark.parametrize(
    "spec, message",
    [
        ("p,q:vector; p·q:scalar", "'·' \\(U\\+00B7\\) is a valid identifier"),
        ("A,B,AB:sym", "'AB' is 'A' followed by 'B'"),
        ("A:sym; Av:vector; v:vector", "'Av' is 'A' followed by 'v'"),
        ("3*(m:scalar; x:vector); m_i:scalar", "'m_i' beside identical particles"),
        ("3*p:vector; p_j:scalar", "'p_j' beside identical particles"),
        ("3*x:position; x\u0304:scalar", "U\\+0304"),
    ],
)
def test_names_that_read_as_the_librarys_notation_are_refused(spec, message):
    from invariants.particles import parse_spec

    with pytest.raises(InvariantsError, match=message):
        parse_spec(spec)


def test_names_that_are_not_concatenations_stay_accepted():
    from invariants.particles import parse_spec

    assert [i.name for i in parse_spec("p,q,pq:vector").inputs] == ["p", "q", "pq"]  # p·q
    assert len(parse_spec("3*p:vector; q_1:scalar").inputs) == 4
    assert len(parse_spec("3*p:vector; g:vector").inputs) == 4  # a letter alone is no index


def test_huge_degrees_and_term_counts_are_refused_at_once():
    with pytest.raises(InvariantsError, match="too large; the supported maximum is 40"):
        inv.minimal_generators("O(3)", "p,q:vector", 10**20)
    with pytest.raises(InvariantsError, match="too large"):
        inv.relations("O(3)", "A:sym", 1000)
    with pytest.raises(InvariantsError, match="at most 100000"):
        inv.hilbert_series("O(3)", "p:vector").coefficients(10**20)
    with pytest.raises(InvariantsError, match="total degree 1000000000 is too large"):
        inv.character_dimension("SO", 3, ["vector"], [10**9])
    with pytest.raises(InvariantsError, match="multidegree entries must be integers"):
        inv.character_dimension("SO", 3, ["vector"], [1.5])
    with pytest.raises(InvariantsError, match="antisymmetric must be None or two distinct"):
        inv.character_dimension("SO", 4, ["vector"] * 4, [1, 1, 1, 1], "bad")
    assert inv.verify("O(3)", "p:vector", degree=np.int64(2)).complete


def test_resume_reads_files_as_the_checker_does(tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(InvariantsError, match="cannot resume from .*nested too deeply"):
        inv.verify("O(3)", "p,q:vector", degree=3, resume=nested)
    if Path("/dev/zero").exists():
        link = tmp_path / "zero.json"
        link.symlink_to("/dev/zero")
        with pytest.raises(InvariantsError, match="cannot resume from .*larger than the limit"):
            inv.verify("O(3)", "p,q:vector", degree=3, resume=link)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"checkpoint": 3}, "checkpoint must be a path"),
        ({"resume": 3}, "resume must be a path"),
        ({"scheduler": 3}, "scheduler must be a Dask scheduler address"),
        ({"checkpoint": "c.json", "checkpoint_every": -1}, "checkpoint_every must be"),
    ],
)
def test_verify_arguments_of_the_wrong_kind_are_invariants_errors(kwargs, message, tmp_path):
    if "checkpoint" in kwargs and isinstance(kwargs["checkpoint"], str):
        kwargs = dict(kwargs, checkpoint=str(tmp_path / kwargs["checkpoint"]))
    with pytest.raises(InvariantsError, match=message):
        inv.verify("O(3)", "p:vector", degree=2, **kwargs)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["verify", "O(3)", "p:vector", "--certificate", ""], "--certificate needs a file name"),
        (["verify", "O(3)", "p:vector", "--relations", "-1"], "--relations must be 0 or more"),
        (["verify", "SO(\u0661)", "p:vector"], "unknown group"),
    ],
)
def test_cli_options_with_values_that_mean_nothing_are_refused(argv, message, capsys):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err
