"""Regenerate the certificates of the standard suite in ``proofs/certificates/``.

Usage (from the repository root)::

    python proofs/make_certificates.py

Suite: O(d) and SO(d) for d = 2..5, O(1,3) and SO+(1,3); n = 1..4 vectors (and 5 for d <= 4);
outputs scalar and vector; degree 8. Tensor inputs (certificate format version 2): two symmetric
tensors under O(3), Pope's basis (dev-valued functions of S:dev, R:skew), electromagnetism
(F:skew, p:vector under O(1,3)); degree 8. ``tests/test_proofs.py`` re-checks every file with
the independent checker.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from invariants.certificate import make_certificate, write_certificate
from invariants.tensor_verify import verify_tensors
from invariants.verify import verify

DEGREE = 8
HERE = Path(__file__).resolve().parent / "certificates"


def suite():
    groups = [(f"{f}({d})", d) for d in range(2, 6) for f in ("O", "SO")]
    groups += [("O(1,3)", 4), ("SO+(1,3)", 4)]
    for group, d in groups:
        for n in range(1, 6 if d <= 4 else 5):
            for output in ("scalar", "vector"):
                yield group, n, output


def file_name(group: str, n: int, output: str) -> str:
    safe = group.replace("(", "").replace(")", "").replace(",", "_").replace("+", "plus")
    return f"{safe}-{n}vectors-{output}-deg{DEGREE}.json"


#: (group, inputs, output, file stem): tensor inputs, certified by version-2 certificates.
TENSOR_SUITE = [
    ("O(3)", "A,B:sym", "scalar", "O3-AB_sym"),
    ("O(3)", "S:dev; R:skew", "dev", "O3-S_dev-R_skew"),
    ("O(1,3)", "F:skew; p:vector", "scalar", "O1_3-F_skew-p_vector"),
]


def main() -> int:
    HERE.mkdir(parents=True, exist_ok=True)
    for group, spec, output, stem in TENSOR_SUITE:
        start = time.perf_counter()
        report = verify_tensors(group, spec, output=output, degree=DEGREE)
        path = HERE / f"{stem}-{output}-deg{DEGREE}.json"
        write_certificate(report.certificate(), path)
        status = "complete" if report.complete else "INCOMPLETE"
        print(f"{path.name:45s} {status} {time.perf_counter() - start:6.2f}s")
        if not report.complete:
            return 1
    for group, n, output in suite():
        start = time.perf_counter()
        spec = ",".join(f"v{i}" for i in range(1, n + 1)) + ":vector"
        report = verify(group, spec, output=output, degree=DEGREE)
        path = HERE / file_name(group, n, output)
        write_certificate(make_certificate(report), path)
        status = "complete" if report.complete else "INCOMPLETE"
        print(f"{path.name:45s} {status} {time.perf_counter() - start:6.2f}s")
        if not report.complete:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
