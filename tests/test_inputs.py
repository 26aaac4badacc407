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


@pytest.mark.parametrize("name", ["π", "η2", "θ_1", "Ω"])
def test_unicode_identifiers_are_names(name):
    (inp,) = parse_inputs(f"{name}:vector")
    assert inp.name == name


@pytest.mark.parametrize(
    "spec,message",
    [
        ("η:scalar", "'η' is reserved"),
        ("ﬁ:scalar", "Python reads it as 'fi'"),
        ("p:vector; p_0:scalar", "'p_0' is the name of coordinate 0 of the 'p' input"),
        ("p_12:scalar; p:position", "coordinate 12 of the 'p' input"),
    ],
)
def test_names_that_would_collide_are_refused(spec, message):
    with pytest.raises(InvariantsError, match=message):
        parse_inputs(spec)


def test_a_scalar_named_like_a_coordinate_of_a_scalar_is_fine():
    assert [i.name for i in parse_inputs("p, p_0: scalar")] == ["p", "p_0"]


def test_output_dummies_avoid_input_coordinates():
    """A scalar ``u_0`` must not become coordinate 0 of the output dummy ``u``."""
    from invariants.problem import make_problem

    problem = make_problem("O(3)", "u_0:scalar; v:vector", "vector")
    symbols = [str(s) for coords in problem.variable_expressions() for s in coords]
    assert len(symbols) == len(set(symbols))
    from invariants import verify

    report = verify("O(3)", "u_0:scalar; v:vector", output="vector", degree=3)
    # v and u_0*v, u_0²*v, (v·v)*v: the scalar is an independent variable
    assert report.complete and report.degrees[3].dimension == 2
