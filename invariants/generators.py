"""The scalar generators of a group and typed inputs, as named SymPy expressions.

>>> gens = generators("SO(3)", "p,q,r:vector; m:scalar")
>>> [g.name for g in gens]
['m', 'p·p', 'p·q', 'p·r', 'q·q', 'q·r', 'r·r', '[p,q,r]']
>>> gens[-1].multidegree
(1, 1, 1, 0)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from .groups import Group
from .problem import make_problem


@dataclass(frozen=True)
class ScalarGenerator:
    """A named invariant: ``expr`` in the input coordinates (``p_0, p_1, …``)."""

    name: str
    kind: str  # "scalar", "dot", "bracket" or "product"
    multidegree: tuple[int, ...]  # over the inputs, as written
    expr: sympy.Expr

    @property
    def degree(self) -> int:
        return sum(self.multidegree)


def generators(group: str | Group, inputs, *, minimal: bool = False, degree: int | None = None):
    """Scalar generators of the invariant ring: every invariant polynomial is a polynomial in
    them (verified degree by degree by :func:`invariants.verify`).

    ``minimal=True`` (with ``degree``) returns instead a minimal generating set up to ``degree``,
    proven complete block by block, for vector and rank-2 tensor inputs alike
    (:func:`invariants.minimal.minimal_generators`, a ``MinimalGenerators``).

    For groups with reflections only products of even parity are invariant; odd scalars (brackets,
    pseudoscalars) appear in pairs.

    >>> [g.name for g in generators("O(3)", "p:vector; s:pseudoscalar")]
    ['p·p', 's*s']
    >>> generators("O(1,3)", "p:vector")[0].expr
    p_0**2 - p_1**2 - p_2**2 - p_3**2
    >>> [g.name for g in generators("O(3)", "A:sym", minimal=True, degree=6).generators]
    ['tr(A)', 'tr(A²)', 'tr(A³)']
    """
    from .blocks import input_multidegree

    if minimal or degree is not None:
        from .errors import InvariantsError
        from .minimal import minimal_generators

        if not minimal or degree is None:
            raise InvariantsError("minimal=True and degree=K go together")
        return minimal_generators(group, inputs, degree)
    problem = make_problem(group, inputs, "scalar")
    exprs = problem.generator_expressions()
    out = []
    for g, e in zip(problem.generators, exprs):
        if problem.group.family == "O" and g.parity:
            continue
        out.append(ScalarGenerator(g.name, g.kind, input_multidegree(problem, g.multidegree), e))
    return tuple(out)
