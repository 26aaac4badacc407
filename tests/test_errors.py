"""Every bad argument of the public API raises InvariantsError with a message naming it."""

from __future__ import annotations

import numpy as np
import pytest

import invariants as inv
from invariants import InvariantsError


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
