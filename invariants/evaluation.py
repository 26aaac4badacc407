"""One evaluator of the scalar generators of vector inputs, for every arithmetic.

A generator of the vector path (:class:`invariants.problem.Generator`) is a ``kind`` and its
``args``: ``"scalar"`` (one variable, its value), ``"dot"`` (two variables,
``⟨a, b⟩_η = Σ_i η_i a_i b_i``), ``"bracket"`` (``d`` variables, the determinant of the matrix
whose columns they are) or ``"product"`` (two earlier generators). :func:`evaluate_generators`
is the one place that switches on the kind; the arithmetic comes from a :class:`GeneratorOps`:
SymPy expressions (:class:`SympyOps`), exact integers (:class:`IntegerOps`), integer
polynomials in the coordinates (:class:`PolynomialOps`, python-flint), residues mod ``p`` at
many points at once (:class:`invariants.spanning.ModularOps`) and lines of kernel source
(:mod:`invariants.kernels`).

>>> from invariants.problem import make_problem
>>> pr = make_problem("SO(3)", "p,q,r:vector")
>>> e1, e2, e3 = (1, 0, 0), (0, 1, 0), (0, 0, 1)
>>> values = evaluate_generators(pr.generators, IntegerOps([e1, e2, (1, 1, 1)], pr.group.metric))
>>> {g.name: values[k] for k, g in enumerate(pr.generators)}["[p,q,r]"]
1
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sympy

__all__ = [
    "GeneratorOps",
    "IntegerOps",
    "PolynomialOps",
    "SympyOps",
    "evaluate_generators",
    "leibniz",
]


class GeneratorOps(Protocol):
    """The arithmetic of one evaluation. ``dots`` and ``brackets`` take every generator of
    their kind at once (a batched arithmetic evaluates them together)."""

    def scalar(self, var: int) -> Any: ...

    def dots(self, pairs: list[tuple[int, int]]) -> Sequence[Any]: ...

    def brackets(self, columns: list[tuple[int, ...]]) -> Sequence[Any]: ...

    def mul(self, x: Any, y: Any) -> Any: ...


def evaluate_generators(
    generators: Sequence,
    ops: GeneratorOps,
    wanted: Iterable[int] | None = None,
    values: dict[int, Any] | None = None,
) -> dict[int, Any]:
    """Values of the generators ``wanted`` (default: all) and of the factors of the products
    among them, keyed by generator index, in the arithmetic ``ops``. ``values``: the values
    known already (a cache), which are not recomputed; it is filled in and returned."""
    indices = range(len(generators)) if wanted is None else wanted
    wanted = set(indices)
    for k in list(wanted):
        if generators[k].kind == "product":
            wanted.update(generators[k].args)
    values = {} if values is None else values
    by_kind: dict[str, list[int]] = {}
    for k in sorted(wanted.difference(values)):
        by_kind.setdefault(generators[k].kind, []).append(k)
    for k in by_kind.get("scalar", []):
        values[k] = ops.scalar(generators[k].args[0])
    for kind, evaluate in (("dot", ops.dots), ("bracket", ops.brackets)):
        ks = by_kind.get(kind, [])
        if ks:
            values.update(zip(ks, evaluate([generators[k].args for k in ks])))
    for k in by_kind.get("product", []):  # of two basic generators, evaluated above
        a, b = generators[k].args
        values[k] = ops.mul(values[a], values[b])
    return values


def leibniz(d: int) -> list[tuple[tuple[int, ...], int]]:
    """The permutations of ``range(d)`` with their signs: ``det M = Σ_σ sign(σ) Π_j M[σ(j), j]``."""
    return [
        (sigma, -1 if sum(a > b for a, b in itertools.combinations(sigma, 2)) % 2 else 1)
        for sigma in itertools.permutations(range(d))
    ]


class SympyOps:
    """SymPy expressions, expanded, from the coordinates of each variable (tuples of
    expressions). Coordinates that are plain symbols give expanded sums directly (distinct
    monomials; SymPy's ``expand`` is the slow part)."""

    def __init__(self, coords: Sequence[Sequence[sympy.Expr]], metric: Sequence[int]):
        import sympy

        self.sympy = sympy
        self.coords, self.metric = coords, metric
        self.plain = [all(isinstance(x, sympy.Symbol) for x in c) for c in coords]
        self.perms = leibniz(len(metric))

    def scalar(self, var: int) -> sympy.Expr:
        return self.coords[var][0]

    def _sum(self, terms: list, args: Sequence[int]) -> sympy.Expr:
        expr = self.sympy.Add(*terms)
        return expr if all(self.plain[i] for i in args) else self.sympy.expand(expr)

    def dots(self, pairs):
        c, Mul = self.coords, self.sympy.Mul
        return [
            self._sum([Mul(e, x, y) for e, x, y in zip(self.metric, c[a], c[b])], (a, b))
            for a, b in pairs
        ]

    def brackets(self, columns):
        out, Mul = [], self.sympy.Mul
        for args in columns:
            cols = [self.coords[i] for i in args]
            terms = [
                Mul(sign, *(cols[j][sigma[j]] for j in range(len(cols))))
                for sigma, sign in self.perms
            ]
            out.append(self._sum(terms, args))
        return out

    def mul(self, x, y):
        return self.sympy.expand(x * y)


class IntegerOps:
    """Exact integers at one point: ``point[i]`` are the coordinates of variable ``i``."""

    def __init__(self, point: Sequence[Sequence[int]], metric: Sequence[int]):
        self.point, self.metric = point, metric

    def scalar(self, var: int) -> int:
        return self.point[var][0]

    def dots(self, pairs):
        pt = self.point
        return [sum(e * x * y for e, x, y in zip(self.metric, pt[a], pt[b])) for a, b in pairs]

    def brackets(self, columns):
        import flint

        d = len(self.metric)
        return [
            int(flint.fmpz_mat([[self.point[i][r] for i in args] for r in range(d)]).det())
            for args in columns
        ]

    def mul(self, x, y):
        return x * y


class PolynomialOps:
    """Integer polynomials (python-flint ``fmpz_mpoly``) in the coordinates: ``coords[i]`` are
    the polynomials of variable ``i``'s coordinates in the context ``ctx``."""

    def __init__(self, coords, metric: Sequence[int], ctx):
        self.coords, self.metric, self.ctx = coords, metric, ctx
        self.perms = leibniz(len(metric))

    def scalar(self, var: int):
        return self.coords[var][0]

    def dots(self, pairs):
        c, zero, eta = self.coords, self.ctx.from_dict({}), self.metric
        return [sum((e * x * y for e, x, y in zip(eta, c[a], c[b])), zero) for a, b in pairs]

    def brackets(self, columns):
        one = self.ctx.from_dict({(0,) * self.ctx.nvars(): 1})
        out = []
        for args in columns:
            cols = [self.coords[i] for i in args]
            total = self.ctx.from_dict({})
            for sigma, sign in self.perms:
                term = one
                for j, c in enumerate(cols):
                    term = term * c[sigma[j]]
                total = total + term if sign > 0 else total - term
            out.append(total)
        return out

    def mul(self, x, y):
        return x * y
