import pytest

from invariants import InvariantsError, parse_inputs
from invariants.inputs import parse_output


def test_parse_spec():
    got = parse_inputs(" p , q : vector ;m:scalar; x1:position; s:pseudoscalar; w:pseudovector ")
    assert [(i.name, i.type) for i in got] == [
        ("p", "vector"),
        ("q", "vector"),
        ("m", "scalar"),
        ("x1", "position"),
        ("s", "pseudoscalar"),
        ("w", "pseudovector"),
    ]


def test_pairs_and_inputs_round_trip():
    a = parse_inputs([("p", "vector"), ("m", "scalar")])
    assert parse_inputs(a) == a


@pytest.mark.parametrize(
    "spec,message",
    [
        ("", "no inputs"),
        ("p", "malformed"),
        ("p:vector:x", "malformed"),
        ("p:tensor", "unknown type 'tensor'"),
        ("p:vector; p:scalar", "duplicate input name 'p'"),
        ("1p:vector", "bad input name '1p'"),
        ("p q:vector", "bad input name 'p q'"),
        ("lambda:vector", "bad input name 'lambda'"),
        (",:vector", "bad input name ''"),
    ],
)
def test_bad_specs(spec, message):
    with pytest.raises(InvariantsError, match=message):
        parse_inputs(spec)


def test_bad_output():
    with pytest.raises(InvariantsError, match="accepted: scalar"):
        parse_output("tensor3")
