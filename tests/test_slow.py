"""Larger verifications, run with ``pytest -m slow`` (not part of the default run)."""

import pytest

from invariants import check, verify


@pytest.mark.slow
@pytest.mark.parametrize(
    "group,spec,output,degree",
    [
        ("SO(3)", "a,b,c,e:vector", "scalar", 14),
        ("O(1,3)", "p1,p2,p3,p4,p5:vector", "vector", 10),
        ("SO(4)", "a,b,c,e,f:vector", "sym", 6),
        ("E(3)", "x1,x2,x3,x4:position; v:vector", "skew", 6),
    ],
)
def test_large_cases_cross_checked_and_certified(group, spec, output, degree):
    report = verify(group, spec, output=output, degree=degree, cross_check=True)
    assert report.complete
    result = check(report.certificate())
    assert result.ok, result.problems
