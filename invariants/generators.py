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
    if minimal or degree is not None:
        from .errors import InvariantsError
        from .minimal import minimal_generators

        if not minimal or degree is None:
            raise InvariantsError("minimal=True and degree=K go together")
        return minimal_generators(group, inputs, degree)
    problem = make_problem(group, inputs, "scalar")
    exprs = problem.generator_expressions()
    return tuple(
        ScalarGenerator(name, kind, multidegree, exprs[k])
        for k, name, kind, multidegree in listed_generators(problem)
    )


def listed_generators(problem) -> list[tuple[int, str, str, tuple[int, ...]]]:
    """``(index, name, kind, multidegree over the inputs)`` of the generators
    :func:`generators` lists (no SymPy expressions: with 100 vectors SO(3) has 161700 brackets).

    >>> [row[1] for row in listed_generators(make_problem("O(3)", "p:vector; s:pseudoscalar"))]
    ['p·p', 's*s']
    """
    from .blocks import input_multidegree

    return [
        (k, g.name, g.kind, input_multidegree(problem, g.multidegree))
        for k, g in enumerate(problem.generators)
        if not (problem.group.family == "O" and g.parity)
    ]
