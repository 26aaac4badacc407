"""How generators, basis terms, formulas and relations are written: one naming for all of them.

* A **generator** keeps the name it is given in :mod:`invariants.problem` (``p·q``, ``[p,q,r]``,
  ``m``, ``(x2-x1)·(x3-x1)``); these names are also the SymPy symbols of
  :meth:`~invariants.FittedModel.formula` and :meth:`~invariants.relations.Relation.expression`,
  so ``expr.subs(Symbol("p·q"), 2)`` works on both.
* A **factor** of a product is that name, in parentheses when it is not atomic
  (``(p·q)*[p,q,r]``); products of odd generators (``s*[p,q,r]`` for groups with reflections)
  are written as the product of their factors, so ``s*s`` squared is ``s^4``, never ``(s*s)^2``.
* An **operand** of a seed (``a⊗b``, ``a∧b``, a vector seed) is a variable name, in parentheses
  when it is a difference of positions: ``(x2-x1)``.

:func:`text` prints a SymPy expression in these symbols with the factors parenthesized, as
``str(model)`` and ``str(relation)`` do.

>>> factor("p·q"), factor("[x2-x1,x3-x1,·]"), factor("m"), operand("x2-x1")
('(p·q)', '[x2-x1,x3-x1,·]', 'm', '(x2-x1)')
>>> import sympy
>>> e = 3 * sympy.Symbol("p·q") ** 2 - sympy.Symbol("p·p") / 2
>>> text(e)
'-(p·p)/2 + 3*(p·q)**2'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import sympy
from sympy.printing.str import StrPrinter

__all__ = ["TermName", "factor", "monomial", "operand", "term_name", "text"]


def operand(name: str) -> str:
    """A variable as the operand of a seed or an outer product: ``(x2-x1)`` for differences."""
    return f"({name})" if "-" in name else name


#: A factor in index notation followed by the next one: ``v_iv_i``, ``C_{ijk}C_{ijk}``.
_INDEXED = re.compile(r"_(?:\{[^}]*\}|[a-z])[^\W\d_]")


def _atomic(name: str) -> bool:
    """No ``·``, ``*``, ``-`` or ``+`` outside parentheses and brackets, and at most one factor
    in index notation (``C_{iij}C_{jkk}`` is a product)."""
    if "(" not in name and _INDEXED.search(name):
        return False
    depth = 0
    for ch in name:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in "·*-+ ":
            return False
    return True


def factor(name: str) -> str:
    """A generator (or seed) name as a factor of a product: bare if atomic, else ``(name)``."""
    return name if _atomic(name) else f"({name})"


def monomial(parts: Iterable[tuple[str, int]]) -> str:
    """``name^e`` factors joined by ``*`` (``"1"`` for none).

    >>> monomial([("p·q", 2), ("m", 1)])
    '(p·q)^2*m'
    """
    words = [factor(n) + (f"^{e}" if e > 1 else "") for n, e in parts if e]
    return "*".join(words) if words else "1"


@dataclass(frozen=True)
class TermName:
    """A basis term as ``scalar part × seed``: ``scalars`` are ``(generator name, exponent)``
    (basic generators, in generator order) and ``seed`` the equivariant factor (``""`` when
    there is none: invariants, pseudoscalar outputs)."""

    scalars: tuple[tuple[str, int], ...]
    seed: str

    def __str__(self) -> str:
        parts = [factor(n) + (f"^{e}" if e > 1 else "") for n, e in self.scalars]
        return "*".join(parts + [self.seed] if self.seed else parts) or "1"

    def expression(self) -> sympy.Expr:
        """The term as a product of symbols named after its generators and its seed."""
        out = sympy.Mul(*(sympy.Symbol(n) ** e for n, e in self.scalars))
        return out * sympy.Symbol(self.seed) if self.seed else out


def term_name(problem, monomial) -> TermName:
    """The :class:`TermName` of a monomial in ``problem.generators``: dense exponents, or
    sparse ``(generator, exponent)`` pairs.

    A dummy-carrying factor becomes a seed: ``a·u`` the vector ``a``, ``[a,b,u]`` the cross
    product ``[a,b,·]``, ``u·u`` or ``u·w`` the metric ``η``; two linear factors give ``a⊗b``
    (symmetrized for ``sym``) or ``a∧b`` for ``skew``, the ``u`` factor first.

    >>> from invariants.problem import make_problem
    >>> pr = make_problem("E(3)", "x1,x2,x3:position; s:pseudoscalar", "vector")
    >>> [g.name for g in pr.generators][-1]
    's*[x2-x1,x3-x1,u]'
    >>> str(term_name(pr, [0] * (len(pr.generators) - 1) + [1]))
    's*[x2-x1,x3-x1,·]'
    """
    gens = problem.generators
    variables = problem.variables
    dummies = [i for i, v in enumerate(variables) if v.role == "dummy"]
    basic: Counter = Counter()
    items = list(monomial)
    # dense exponents, or sparse (generator, exponent) pairs (many generators, few factors)
    pairs = items if items and isinstance(items[0], tuple) else enumerate(items)
    for g, e in pairs:
        if e:
            stack = [g]
            while stack:  # a product generator is the product of its two factors
                k = stack.pop()
                if gens[k].kind == "product":
                    stack.extend(gens[k].args)
                else:
                    basic[k] += e
    scalars, seeds = [], []
    for k in sorted(basic):
        g, e = gens[k], basic[k]
        used = [dummies.index(a) for a in g.args if a in dummies]
        if not used:
            scalars.append((g.name, e))
            continue
        if g.kind == "scalar":  # a pseudoscalar output: the dummy is the number 1
            continue
        if g.kind == "dot":
            rest = [operand(variables[a].name) for a in g.args if a not in dummies]
            word = rest[0] if rest else "η"
        else:
            word = "[" + ",".join("·" if a in dummies else variables[a].name for a in g.args) + "]"
        seeds.extend([(min(used), word)] * e)
    seeds.sort(key=lambda s: s[0])
    words = [w for _, w in seeds]
    join = "∧" if problem.output == "skew" else "⊗"
    return TermName(tuple(scalars), join.join(words))


class _Printer(StrPrinter):
    def _print_Symbol(self, expr) -> str:
        return factor(expr.name)


def text(expr: sympy.Expr) -> str:
    """``expr`` printed with compound symbol names in parentheses (``(p·q)**2``)."""
    return _Printer().doprint(expr)
