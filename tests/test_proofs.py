"""The standard suite in proofs/certificates is complete and re-checks independently."""

import json
from pathlib import Path

import pytest

from invariants import check

CERTS = sorted((Path(__file__).resolve().parent.parent / "proofs" / "certificates").glob("*.json"))


def test_the_suite_is_there():
    # O(d), SO(d) for d = 2..5 and O(1,3), SO+(1,3); 1..5 vectors (1..4 for d = 5); 2 outputs;
    # and 3 with tensor inputs (format version 2).
    assert len(CERTS) == 99
    assert sum(json.loads(p.read_text())["version"] == 2 for p in CERTS) == 3


@pytest.mark.parametrize("path", CERTS, ids=[p.stem for p in CERTS])
def test_certificate_checks(path):
    cert = json.loads(path.read_text())
    assert cert["complete"] is True and cert["degree"] >= 8
    result = check(cert)
    assert result.ok, result.problems


def test_one_changed_number_fails():
    cert = json.loads(CERTS[-1].read_text())
    block = max(cert["blocks"], key=lambda b: b["dimension"])
    block["rows"][0], block["rows"][-1] = block["rows"][-1], block["rows"][0]  # det changes sign
    assert not check(cert).ok
    cert = json.loads(CERTS[-1].read_text())
    cert["points"][0][0] = (cert["points"][0][0] + 1) % cert["prime"]
    assert not check(cert).ok
