"""Certificates: the JSON record of a verification (format in ``docs/certificate-format.md``).

>>> from invariants.verify import verify
>>> cert = make_certificate(verify("SO(2)", "p,q:vector", degree=2))
>>> cert["format"], cert["complete"], len(cert["blocks"])
('invariants-certificate', True, 4)
"""

from __future__ import annotations

import json
import os

from .files import write_text_atomic

FORMAT = "invariants-certificate"
VERSION = 1


def make_certificate(report) -> dict:
    """Everything needed to re-check ``report`` without trusting this package."""
    problem = report.problem
    used = max((max(b.rows) for b in report.canonical if b.rows), default=-1) + 1
    generators = []
    for g in problem.generators:
        generators.append({"name": g.name, "kind": g.kind, "args": list(g.args)})
    blocks = []
    for b in report.canonical:
        blocks.append(
            {
                "multidegree": list(b.multidegree),
                "dimension": b.dimension,
                "candidates": len(b.candidates),
                "span": b.span,
                "relations": len(b.candidates) - b.span,
                "basis": [b.candidates[i].tolist() for i in b.basis],
                "rows": list(b.rows),
                "det": b.det,
            }
        )
    return {
        **problem_record(problem, report.degree, VERSION),
        "prime": report.prime,
        "points": report.points[:used].tolist(),
        "generators": generators,
        "blocks": blocks,
        "complete": report.complete,
    }


def problem_record(problem, degree: int, version: int) -> dict:
    """The fields of a certificate that describe the problem (group, inputs, variables)."""
    group = problem.group
    return {
        "format": FORMAT,
        "version": version,
        "group": group.name,
        "d": group.d,
        "metric": list(group.metric),
        "inputs": [{"name": i.name, "type": i.type} for i in problem.inputs],
        "output": problem.output,
        "degree": degree,
        "variables": [
            {"name": v.name, "type": v.type, "role": v.role, "degree": v.degree}
            for v in problem.variables
        ],
        "antisymmetric": list(problem.antisymmetric) if problem.antisymmetric else None,
        "symmetries": [list(c) for c in problem.symmetries],
    }


def write_certificate(cert: dict, path: str | os.PathLike) -> None:
    """Write a certificate as compact JSON, atomically: the whole file or (on error) none.

    Raises :class:`~invariants.errors.InvariantsError` (``cannot write certificate to 'PATH':
    reason``) if the file cannot be written, leaving any previous file at ``path`` unchanged.

    >>> write_certificate({"format": FORMAT}, "/no/such/dir/c.json")
    Traceback (most recent call last):
    ...
    invariants.errors.InvariantsError: cannot write certificate to '/no/such/dir/c.json': No...
    """
    text = json.dumps(cert, separators=(",", ":")) + "\n"
    write_text_atomic(path, text, "certificate")
