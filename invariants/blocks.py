"""Multidegree bookkeeping: which blocks exist, their canonical representatives, and how the
permutations of interchangeable inputs move blocks and monomials in the generators.

Permuting inputs of the same type is a ring automorphism that commutes with the group and maps
generators to generators (brackets up to sign), so blocks in one orbit have the same numbers and
their bases and relations are images of each other.

>>> from invariants.problem import make_problem
>>> p = make_problem("O(3)", "p,q:vector", "vector")
>>> canonical_multidegrees(p, 2)
[(0, 0, 1), (1, 0, 1), (2, 0, 1), (1, 1, 1)]
>>> canonical(p, (0, 2, 1))
(2, 0, 1)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .problem import Problem


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """All tuples of ``parts`` non-negative integers summing to ``total`` (descending lex).

    A composition is the multiset of the ``total`` positions it counts, and descending lex order
    of compositions is ascending lex order of those multisets as sorted tuples, which is the
    order of ``itertools.combinations_with_replacement`` (no recursion over ``parts``).

    >>> list(compositions(2, 2))
    [(2, 0), (1, 1), (0, 2)]
    """
    if parts == 0:
        if total == 0:
            yield ()
        return
    zero = [0] * parts
    for positions in itertools.combinations_with_replacement(range(parts), total):
        counts = zero.copy()
        for k in positions:
            counts[k] += 1
        yield tuple(counts)


def all_multidegrees(problem: Problem, degree: int) -> Iterator[tuple[int, ...]]:
    """Every multidegree over the variables with input degrees summing to at most ``degree``,
    by total degree, with dummies at their fixed degree."""
    inputs = problem.input_variables
    for total in range(degree + 1):
        for combo in compositions(total, len(inputs)):
            beta = [v.degree or 0 for v in problem.variables]
            for i, k in zip(inputs, combo):
                beta[i] = k
            yield tuple(beta)


def canonical(problem: Problem, beta: tuple[int, ...]) -> tuple[int, ...]:
    """The representative of ``beta``: non-increasing within each symmetry class."""
    out = list(beta)
    for cls in problem.symmetries:
        for i, k in zip(cls, sorted((beta[i] for i in cls), reverse=True)):
            out[i] = k
    return tuple(out)


def canonical_multidegrees(problem: Problem, degree: int) -> list[tuple[int, ...]]:
    """One multidegree per orbit of the interchangeable-input symmetry, by total degree.

    The canonical members of :func:`all_multidegrees`, in its order, built without visiting the
    others: as for :func:`compositions`, a multidegree of total ``t`` is the sorted tuple of the
    ``t`` input positions it counts, and these tuples are extended one position at a time in lex
    order, keeping only those whose counts do not increase along each symmetry class (which every
    prefix of a canonical tuple satisfies).
    """
    inputs = problem.input_variables
    where = {v: k for k, v in enumerate(inputs)}
    before = {where[b]: where[a] for cls in problem.symmetries for a, b in itertools.pairwise(cls)}
    base = [v.degree or 0 for v in problem.variables]
    out = []
    for total in range(degree + 1):
        level: list[tuple[tuple[int, ...], dict[int, int]]] = [((), {})]
        for _ in range(total):
            level = [
                (positions + (k,), {**counts, k: counts.get(k, 0) + 1})
                for positions, counts in level
                for k in range(positions[-1] if positions else 0, len(inputs))
                if k not in before or counts.get(before[k], 0) > counts.get(k, 0)
            ]
        for _, counts in level:
            beta = base.copy()
            for k, count in counts.items():
                beta[inputs[k]] = count
            out.append(tuple(beta))
    return out


def multidegree_table(
    problem: Problem, degree: int
) -> Iterator[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """``(β, canonical(β), input_multidegree(β))`` for every ``β`` of :func:`all_multidegrees`,
    in the same order, computed from the few non-zero entries of ``β`` (with 100 inputs there
    are 176851 multidegrees up to degree 3, each with at most 3 non-zero entries).

    >>> from invariants.problem import make_problem
    >>> p = make_problem("E(3)", "x,y,z:position")
    >>> [row for row in multidegree_table(p, 1)]
    [((0, 0), (0, 0), (0, 0, 0)), ((1, 0), (1, 0), (0, 1, 0)), ((0, 1), (1, 0), (0, 0, 1))]
    """
    inputs = problem.input_variables
    base = [v.degree or 0 for v in problem.variables]
    source = [problem.variables[i].source for i in inputs]
    member = {i: c for c, cls in enumerate(problem.symmetries) for i in cls}
    for total in range(degree + 1):
        # descending lex order of compositions (see compositions)
        for positions in itertools.combinations_with_replacement(range(len(inputs)), total):
            beta, rep, over_inputs = base.copy(), base.copy(), [0] * len(problem.inputs)
            by_class: dict[int, list[int]] = {}
            counts: dict[int, int] = {}
            for k in positions:
                counts[k] = counts.get(k, 0) + 1
            for k, count in counts.items():
                var = inputs[k]
                beta[var] = count
                over_inputs[source[k]] = count
                if var in member:
                    by_class.setdefault(member[var], []).append(count)
                else:
                    rep[var] = count
            for c, counts in by_class.items():
                counts.sort(reverse=True)
                for var, count in zip(problem.symmetries[c], counts):
                    rep[var] = count
            yield tuple(beta), tuple(rep), tuple(over_inputs)


def input_multidegree(problem: Problem, beta: tuple[int, ...]) -> tuple[int, ...]:
    """A multidegree over variables, expressed over the inputs as written (the origin of a
    translation group gets 0: degrees of positions are degrees in ``x_i − x_1``)."""
    out = [0] * len(problem.inputs)
    for i, v in enumerate(problem.variables):
        if v.role == "input":
            out[v.source] = beta[i]
    return tuple(out)


def permutation_to(problem: Problem, beta: tuple[int, ...]) -> dict[int, int]:
    """A permutation of variables (within symmetry classes) mapping ``canonical(beta)`` to
    ``beta``: variable ``i`` of the canonical block plays the role of variable ``perm[i]``."""
    perm = {}
    for cls in problem.symmetries:
        order = sorted(cls, key=lambda i: (-beta[i], i))
        perm.update(dict(zip(cls, order)))
    return perm


def permute_monomial(
    problem: Problem, monomial: tuple[int, ...], perm: dict[int, int]
) -> tuple[tuple[int, ...], int]:
    """Image of a monomial in the generators under a permutation of variables, and its sign."""
    image = [0] * len(monomial)
    sign = 1
    for g, e in enumerate(monomial):
        if e:
            target, s = problem.permute_generator(g, perm)
            image[target] += e
            sign *= s**e
    return tuple(image), sign
