"""The N*name:type and N*(a:type; b:type) forms of input specifications."""

from __future__ import annotations

import re

import pytest

import invariants as inv
from invariants import InvariantsError
from invariants.inputs import parse_inputs
from invariants.particles import parse_spec


def test_copies_are_the_distinct_inputs_with_a_permutation_symmetry():
    s = parse_spec("3*p:vector; m:scalar")
    assert s.inputs == parse_inputs("p1,p2,p3:vector; m:scalar")
    assert s.identical == (((0,), (1,), (2,)),)


def test_particles_move_their_fields_together_field_by_field_order():
    s = parse_spec("g:vector; 3*(m:scalar; x,v:vector)")
    names = [i.name for i in s.inputs]
    assert names == ["g", "m1", "m2", "m3", "x1", "x2", "x3", "v1", "v2", "v3"]
    assert s.identical == (((1, 4, 7), (2, 5, 8), (3, 6, 9)),)
    for particle in s.identical[0]:
        assert [s.inputs[i].type for i in particle] == ["scalar", "vector", "vector"]


def test_two_classes_and_tensor_types_inside():
    s = parse_spec("2*A:tensor(ij=ji); 2*(p:vector; W:skew)")
    assert [i.type for i in s.inputs] == ["tensor(ij=ji)"] * 2 + ["vector"] * 2 + ["skew"] * 2
    assert s.identical == (((0,), (1,)), ((2, 4), (3, 5)))


@pytest.mark.parametrize(
    "spec, message",
    [
        ("0*p:vector", "the count must be 1 to 1000, got 0"),
        ("1001*p:vector", "the count must be 1 to 1000"),
        ("3*x1:vector", "ends in a digit"),
        ("3*p:vector; p2:vector", "duplicate input name 'p2'"),
        ("2*(3*p:vector)", "do not nest"),
        ("2*p,q:vector", "one name after 'N*'"),
        ("2*(m:scalar; x:vector", "unbalanced '('"),
        ("p:vector)", "unbalanced ')'"),
        ("2*()", "at least one field"),
        ("2*p", "expected 'names:type'"),
        ("2*p:spinor", "unknown type 'spinor'"),
    ],
)
def test_bad_forms_get_one_line_errors(spec, message):
    with pytest.raises(InvariantsError, match=re.escape(message)):
        parse_spec(spec)


def test_the_hilbert_series_of_copies_is_that_of_the_declared_class():
    ours = inv.hilbert_series("O(3)", "4*p:vector")
    theirs = inv.hilbert_series("O(3)", "p1,p2,p3,p4:vector", identical=["p1,p2,p3,p4"])
    assert ours == theirs
    assert ours != inv.hilbert_series("O(3)", "p1,p2,p3,p4:vector")
    with pytest.raises(InvariantsError, match="listed twice"):
        inv.hilbert_series("O(3)", "4*p:vector", identical=["p1,p2"])


def test_computations_that_do_not_permute_particles_refuse_them():
    # treating identical particles as distinct would answer another question than the one asked
    with pytest.raises(InvariantsError, match="identical particles"):
        inv.minimal_generators("O(3)", "3*p:vector", degree=2, output="vector")
