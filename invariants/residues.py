"""The Molien–Weyl integral on a torus of any rank, by iterated constant terms (partial fractions).

:mod:`invariants.hilbert` computes the integral in closed form when every torus weight of the
variables is ``±e_j`` or ``0`` (vectors, and tensors on a torus of rank one), where it factors
over the coordinates. A tensor on a torus of rank ``≥ 2`` has weights such as ``e_1 + e_2`` that
couple the coordinates; this module takes the constant terms one coordinate at a time instead:

    CT_{z_1} ⋯ CT_{z_q} [ P(z) / Π_w (1 − s_w t z^w) ]

in the ring of Laurent series in ``t`` whose coefficients are Laurent polynomials in ``z`` (the
meaning of the per-degree integral). For one variable ``z``, with the others and ``t`` in the
coefficient field ``K = Q(t, z_1, …)``, write ``F = L(z) + Σ A_i(z)/D_i(z)`` by partial fractions
over ``K`` (``L`` a Laurent polynomial, ``A_i/D_i`` proper, ``D_i`` a power of an irreducible
factor). Every irreducible factor of the denominator divides a product of binomials
``1 − c z^k`` (``c`` a monomial of positive ``t``-degree), so its roots all have the magnitude
``|c|^{−1/k}``: large (``t → 0``) if its constant coefficient has a lower ``t``-order than its
leading one, small otherwise. A proper fraction with large poles is a power series in ``z`` —
its constant term is its value at ``z = 0`` — and one with small poles a series in ``1/z``
without constant term (``lim_{z→∞} = 0``, also for the poles at ``z = 0``); ``L`` contributes
its coefficient of ``z⁰``. This is the partial-fraction form of MacMahon's Omega calculus
(G. Xin, *A fast algorithm for MacMahon's partition analysis*, Electron. J. Combin. 11 (2004),
R58). All arithmetic is exact (SymPy over ``Q``), so the result is the series in all degrees.

It is slower than the factored form — seconds for one tensor in four dimensions, about a minute
for a tensor and a vector — and is used only where that form does not apply.

>>> import sympy
>>> t = sympy.Symbol("t")
>>> z = sympy.Symbol("z")
>>> constant_term(1 / ((1 - t * z) * (1 - t / z)), z)  # Σ t^{2n}
-1/(t**2 - 1)
"""

from __future__ import annotations

import sympy

from .errors import InvariantsError

__all__ = ["constant_term", "molien_weyl"]

T = sympy.Symbol("t")


def _t_order(expr: sympy.Expr) -> int:
    """The least power of ``t`` in a polynomial in ``t`` (other symbols are coefficients)."""
    numer = sympy.numer(sympy.together(expr))
    return min(m[0] for m in sympy.Poly(numer, T).monoms())


def constant_term(F: sympy.Expr, z: sympy.Symbol) -> sympy.Expr:
    """The coefficient of ``z⁰`` of ``F`` as a Laurent series in ``t`` (module docstring)."""
    total = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.apart(sympy.cancel(F), z, full=False)):
        numer, denom = sympy.fraction(sympy.together(term))
        if not denom.has(z):
            total += sympy.expand(numer).coeff(z, 0) / denom
            continue
        poly = sympy.Poly(denom, z)
        if poly.eval(0) == 0:  # poles at z = 0 (with others): small, no constant term
            continue
        low, high = _t_order(poly.eval(0)), _t_order(poly.LC())
        if low == high:
            raise InvariantsError(
                "internal error: a pole of the Molien–Weyl integrand on the unit circle"
            )
        if low < high:  # large poles: a power series in z
            total += (numer / denom).subs(z, 0)
    return sympy.cancel(total)


def molien_weyl(
    density: dict[tuple[int, ...], int],
    eigenvalues: list[tuple[int, tuple[int, ...], int]],
    gradings: tuple[sympy.Symbol, ...] = (T,),
) -> sympy.Expr:
    """``CT_z [P(z) / Π (1 − s t_v z^w)]`` over the torus coordinates, ``P`` given as
    ``{exponent: coefficient}`` and the eigenvalues as ``(s, w, v)``: sign, weight and the index
    of the grading variable in ``gradings``; a rational function of the ``gradings``. Each
    ``t_v`` is ``T·y_v`` during the computation, so that poles are sized by the total degree."""
    q = len(next(iter(density))) if density else 0
    zs = sympy.symbols(f"z1:{q + 1}")
    # one grading: t itself; several: t_v = T·y_v
    ys = (sympy.Integer(1),) if len(gradings) == 1 else sympy.symbols(f"y1:{len(gradings) + 1}")

    def monomial(w) -> sympy.Expr:
        return sympy.Mul(*(z**e for z, e in zip(zs, w)))

    numer = sum((c * monomial(w) for w, c in density.items()), sympy.Integer(0))
    denom = sympy.Mul(*(1 - s * T * ys[v] * monomial(w) for s, w, v in eigenvalues))
    F = numer / denom
    for z in reversed(zs):
        F = constant_term(F, z)
    if len(gradings) == 1:
        return sympy.cancel(F).xreplace({T: gradings[0]})
    back = {y: g / T for y, g in zip(ys, gradings)}
    return sympy.cancel(sympy.cancel(F).xreplace(back))
