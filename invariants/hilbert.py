"""Hilbert series in closed form: the Molien–Weyl integral, computed exactly.

For the complex group ``G = SO(d, C)`` or ``O(d, C)`` (the group every supported group has the
invariants of, :attr:`invariants.groups.Group.family`) acting on polynomial variables ``V``, the
Hilbert series of the invariants (or of the equivariants with values in ``W``) is

    H(t) = Σ_k dim (Sym^k V* ⊗ W)^G t^k
         = avg_components CT_z[ Π_{α>0} (1 − z^α) · χ_W(z) · Π_{eigenvalues λ of V} 1/(1 − λ t) ].

This is the Weyl character formula of :mod:`invariants.counting` applied to every degree at once:
expanding ``1/(1 − λ t)`` in powers of ``t`` turns the product into ``Σ_k t^k h_k(λ)``, the
character of ``Sym^k V``, so the coefficient of ``t^k`` *is* the per-degree count of
``counting.character_dimension`` (proof of the positive-roots form in ``proofs/spanning.md``,
Lemma 7; the integral form is the Molien–Weyl formula, Derksen–Kemper, *Computational Invariant
Theory*, §4.6). For ``O(d)`` it is the average of the identity and the twisted component, exactly
as in :mod:`invariants.counting`. An equivariant output ``W`` enters as its character ``χ_W``
(the output dummy of :mod:`invariants.problem` at its fixed degree: ``V``, ``Sym²V``, ``V⊗V``,
``Λ²V``); ``t`` counts the degree in the inputs only.

**Identical particles** (``G × S_n``). The Haar measure of ``G × S_n`` is the product of those of
``G`` and of ``S_n``, so ``H`` is also averaged over ``σ ∈ S_n``, i.e. over cycle types ``λ ⊢ n``
with weight ``1/z_λ``. On ``n`` copies of a field, ``(g, σ)`` has the eigenvalues ``λ ζ`` with
``λ`` an eigenvalue of ``g`` and ``ζ`` running over the ``ℓ``-th roots of unity of each cycle of
length ``ℓ``, so a cycle contributes ``Π_λ 1/(1 − λ^ℓ t^ℓ)``. Translations (``E(d)``, ``SE(d)``,
Poincaré) act on positions: the invariants are the polynomials on ``V^N / V`` (differences), so
one copy of ``V`` is removed, i.e. the integrand is multiplied by ``Π_λ (1 − λ t)``; without
permuted positions this is the same as taking the ``N − 1`` differences ``x_i − x_1``.

**Why the result is exact in all degrees.** Every torus weight of a vector is ``±e_j`` (one
coordinate) or ``0``, so the integrand is ``Z_0(t) · P(z) · Π_j g(z_j)`` with a Laurent polynomial
``P`` (Weyl density × ``χ_W`` × translation factor), a factor ``Z_0`` free of ``z`` and the same
one-variable function for every coordinate,

    g(z) = Π_k 1 / ((1 − a_k z^{ℓ_k}) (1 − a_k z^{−ℓ_k})),   a_k = ± t_k^{ℓ_k},

one factor per cycle (length ``ℓ_k``) of a vector field (grading variable ``t_k``). On a torus
of rank one (``d ≤ 3``) the same holds for tensors: their eigenvalues are pairs ``s·z^{±m}`` and
``s``, so a cycle of length ``c`` on the pair gives a factor with ``a_k = (s t_k)^c``,
``ℓ_k = m c``; on a larger torus a tensor's weights (``e_1 + e_2``) couple the coordinates, and
the integral is taken by iterated constant terms instead (:mod:`invariants.residues`: partial
fractions over ``Q(t, z_1, …)``, exact as well; distinguishable inputs). As
``g(z) = g(1/z)``, ``CT[P · Π_j g(z_j)] = Σ_μ P_μ Π_j c_{|μ_j|}`` with ``c_m = CT_z[z^m g(z)] =
Σ_i γ_{i+m} γ_i``, where ``1/D(z) = Σ_i γ_i z^i``, ``D(z) = Π_k (1 − a_k z^{ℓ_k})`` (the constant
term in the ring of power series in ``t``, which is what the per-degree formula means). By
partial fractions (Stanley, *Enumerative Combinatorics 1*, Thm 4.1.1) ``γ_i = Σ_ρ p_ρ(i) ρ^i``
for all ``i ≥ 0`` (``ρ`` the inverse roots of ``D``, ``deg p_ρ < μ_ρ``, the multiplicity), so
``β_i = γ_{i+m} γ_i = Σ_v q_v(i) v^i`` over products ``v = ρρ'`` with
``deg q_v ≤ μ_ρ + μ_{ρ'} − 2``, and the same theorem gives ``Σ_i β_i y^i = N_m(y) / R(y)`` with a
polynomial ``N_m`` of degree ``< deg R`` for

    R(y) = Π_{i ≤ j} (1 − ρ_i ρ_j y)                      (pairs of inverse roots, with repetition)
         = Π_{k<k'} (1 − a_k^{ℓ'/g} a_{k'}^{ℓ/g} y^{lcm(ℓ,ℓ')})^{gcd(ℓ,ℓ')} · Π_k W_k(y),

``W_k = (1 − a_k² y^ℓ)^{(ℓ+1)/2}`` for odd ``ℓ`` and ``(1 − a_k² y^ℓ)^{ℓ/2} (1 − a_k y^{ℓ/2})``
for even ``ℓ`` (the exponent of each ``1 − v y`` in ``R`` is at least ``μ_ρ + μ_{ρ'} − 1``,
since ``μμ' ≥ μ + μ' − 1`` and ``μ(μ+1)/2 ≥ 2μ − 1``). So ``N_m`` is the product of the first
``deg R`` terms of the series with ``R``, truncated: finitely many exact integer coefficients
determine ``c_m = N_m(1) / R(1)`` in all degrees — no truncation error, no guessed bound. (The
coefficient of ``y^i`` has ``t``-degree ``≥ 2i + m``, so ``y = 1`` is a substitution of power
series in ``t``. The zeros of ``R(1)`` are those of the resultant ``Res_z(D(z), z^L D(1/z)) =
±Π_{i,j} (1 − ρ_i ρ_j)``, where a pole of the integrand inside the unit circle, ``z^{ℓ_k} = a_k``,
meets one outside: the poles of the Molien–Weyl residues.) The sum over components and
permutations is exact arithmetic on integer polynomials (python-flint) over a common
denominator, and the result is brought to lowest terms by dividing out cyclotomic factors.

**The reduced form.** ``H = A/B`` in lowest terms, ``B(0) = 1``, is a product of cyclotomic
polynomials ``Φ_n^{e_n}`` (with ``1 − t`` for ``Φ_1``); ``K = max e_n`` (``= e_1``, the order of
the pole at ``t = 1``, i.e. the Krull dimension, for a series with non-negative coefficients).
The series is written ``P(t) / Π_{i=1}^K (1 − t^{d_i})`` with exactly ``K`` factors whose product
``B`` divides, the ``d_i`` taken from the lcm-closure of the orders ``n``: the least
``(Σ d_i, sorted tuple)`` for which ``P`` has non-negative coefficients (the form that the
degrees of a homogeneous system of parameters give a Cohen–Macaulay ring), as found by a branch
and bound of at most :data:`SEARCH_LIMIT` nodes (the optimum when it completes); if it finds none
(e.g. a module of covariants that is not Cohen–Macaulay), Normaliz's layered denominator
``d_i = lcm{n : e_n ≥ i}``. ``P = A · Π (1 − t^{d_i}) / B`` is then determined. Multigraded
series are reduced the same way in each primitive monomial direction ``t^β`` (factors
``Φ_n(t^β)``), with the layered denominator.

>>> print(hilbert_series("SO(3)", "p,q,r:vector"))
(1 + t^3)/(1 - t^2)^6
>>> print(hilbert_series("O(3)", "p,q,r,s:vector"))
(1 + t^2 + t^4 + t^6)/(1 - t^2)^9
>>> hilbert_series("O(3)", "p,q:vector", "vector").as_dict()
{'numerator': [0, 2], 'denominator': [2, 2, 2]}
>>> print(hilbert_series("O(3)", "p,q,r:vector", identical=["p,q,r"]))
(1 + t^4 + 2 t^6 + t^8 + t^12)/((1 - t^2)^2 (1 - t^4)^2 (1 - t^6)^2)
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal, overload

import flint
import sympy

from .counting import _eigenvalues, _rank, _weyl_denominator
from .errors import InvariantsError, check_integer
from .groups import Group, parse_group
from .inputs import Input, parse_inputs
from .particles import parse_spec
from .spaces import BASIC_TYPES, field_type, output_type

__all__ = [
    "HilbertSeries",
    "MultigradedHilbertSeries",
    "hilbert_series",
    "molien_series",
]

FIELD_TYPES = tuple(BASIC_TYPES)


# --- results -----------------------------------------------------------------------------------


#: The most coefficients :meth:`HilbertSeries.coefficients` computes.
MAX_TERMS = 100_000


def _check_terms(n) -> int:
    n = check_integer(n, "number of coefficients")
    if n > MAX_TERMS:
        raise InvariantsError(
            f"{n} coefficients asked for; at most {MAX_TERMS} (the series is exact in every "
            "degree: .expression() gives it in closed form)"
        )
    return n


@dataclass(frozen=True)
class HilbertSeries:
    """``(Σ_k numerator[k] t^k) / Π_i (1 − t^{denominator[i]})``, reduced (module docstring).

    >>> h = HilbertSeries((1, 0, 0, 1), (2, 2, 2, 2, 2, 2))
    >>> h.coefficients(6)
    [1, 0, 6, 1, 21, 6]
    >>> h.expression()
    (t**3 + 1)/(1 - t**2)**6
    """

    numerator: tuple[int, ...]
    denominator: tuple[int, ...]

    def expression(self, t: sympy.Symbol | None = None) -> sympy.Expr:
        """The series as a SymPy rational function of ``t`` (denominator kept factored)."""
        t = sympy.Symbol("t") if t is None else t
        num = sum((c * t**k for k, c in enumerate(self.numerator)), sympy.Integer(0))
        den = sympy.Mul(*[(1 - t**d) ** m for d, m in sorted(Counter(self.denominator).items())])
        return num / den

    def coefficients(self, n: int) -> list[int]:
        """The first ``n`` coefficients of the power series (exact integers), ``n`` at most
        :data:`MAX_TERMS`."""
        n = _check_terms(n)
        out = list(self.numerator[:n]) + [0] * max(0, n - len(self.numerator))
        for d in self.denominator:  # multiply by 1/(1 − t^d)
            for k in range(d, n):
                out[k] += out[k - d]
        return out

    def as_dict(self) -> dict:
        """``{"numerator": [c_0, c_1, …], "denominator": [d_1, d_2, …]}`` (JSON-ready)."""
        return {"numerator": list(self.numerator), "denominator": list(self.denominator)}

    def __str__(self) -> str:
        terms = {(k,): c for k, c in enumerate(self.numerator)}
        return _format_fraction(terms, [(d,) for d in self.denominator], ("t",))


@dataclass(frozen=True)
class MultigradedHilbertSeries:
    """``(Σ c_β t^β) / Π_i (1 − t^{α_i})`` in the variables ``t_1, …, t_k`` (one per input).

    ``numerator`` holds the terms ``(β, c_β)`` sorted by ``β``; ``denominator`` the exponent
    vectors ``α_i``, sorted.

    >>> h = hilbert_series("SO(3)", "p,q:vector", multigraded=True)
    >>> h.variables
    ('t_p', 't_q')
    >>> print(h)
    1/((1 - t_p^2) (1 - t_p t_q) (1 - t_q^2))
    >>> h.coefficient((2, 2))
    2
    """

    variables: tuple[str, ...]
    numerator: tuple[tuple[tuple[int, ...], int], ...]
    denominator: tuple[tuple[int, ...], ...]

    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(sympy.Symbol(v) for v in self.variables)

    def expression(self) -> sympy.Expr:
        """The series as a SymPy rational function of :meth:`symbols`."""
        ts = self.symbols()

        def mono(e: tuple[int, ...]) -> sympy.Expr:
            return sympy.Mul(*[x**k for x, k in zip(ts, e)])

        num = sum((c * mono(e) for e, c in self.numerator), sympy.Integer(0))
        den = sympy.Mul(*[(1 - mono(a)) ** m for a, m in sorted(Counter(self.denominator).items())])
        return num / den

    def coefficient(self, multidegree: Sequence[int]) -> int:
        """The coefficient of ``t^multidegree`` in the power series (exact)."""
        beta = tuple(int(b) for b in multidegree)
        if len(beta) != len(self.variables) or min(beta, default=0) < 0:
            raise InvariantsError(
                f"multidegree must be {len(self.variables)} non-negative integers, got {beta}"
            )
        table = {e: c for e, c in self.numerator if all(x <= b for x, b in zip(e, beta))}
        for a in self.denominator:  # multiply by 1/(1 − t^a), keeping exponents ≤ β
            for e, c in sorted(table.items()):
                step = tuple(x + y for x, y in zip(e, a))
                while all(x <= b for x, b in zip(step, beta)):
                    table[step] = table.get(step, 0) + c
                    step = tuple(x + y for x, y in zip(step, a))
        return table.get(beta, 0)

    def standard(self) -> HilbertSeries:
        """The series in the total degree (every ``t_i = t``), reduced again."""
        num: dict[int, int] = {}
        for e, c in self.numerator:
            num[sum(e)] = num.get(sum(e), 0) + c
        numer = _ring(1).from_dict({(k,): c for k, c in num.items() if c})
        den: Counter = Counter()
        for a in self.denominator:
            for key in _phi_keys(1, (sum(a),)):
                den[key] += 1
        return _univariate_result(*_lowest_terms(numer, den, 1))

    def as_dict(self) -> dict:
        """``{"variables": […], "numerator": [[β, c], …], "denominator": [α, …]}``."""
        return {
            "variables": list(self.variables),
            "numerator": [[list(e), c] for e, c in self.numerator],
            "denominator": [list(a) for a in self.denominator],
        }

    def __str__(self) -> str:
        return _format_fraction(dict(self.numerator), list(self.denominator), self.variables)


# --- public functions --------------------------------------------------------------------------


@overload
def molien_series(
    group: str | Group,
    fields: Iterable[str] = (),
    particles: Iterable[tuple[int, str | Sequence[str]]] = (),
    output: str = "scalar",
    *,
    multigraded: Literal[False] = False,
) -> HilbertSeries: ...
@overload
def molien_series(
    group: str | Group,
    fields: Iterable[str] = (),
    particles: Iterable[tuple[int, str | Sequence[str]]] = (),
    output: str = "scalar",
    *,
    multigraded: Literal[True],
) -> MultigradedHilbertSeries: ...
def molien_series(
    group, fields=(), particles=(), output="scalar", *, multigraded=False
) -> HilbertSeries | MultigradedHilbertSeries:
    """Hilbert series of the invariants (or ``output``-equivariants) of ``group × Π S_n``.

    ``fields``: types (``scalar``, ``pseudoscalar``, ``vector``, ``pseudovector``, ``position``)
    of distinguishable variables. ``particles``: pairs ``(n, types)``, ``n`` identical particles
    each carrying fields of ``types`` (a type name or a sequence of them), permuted together by
    ``S_n``. Positions move under the translations of ``E(d)``, ``SE(d)``, Poincaré. With
    ``multigraded=True`` each field, and each field of a kind of particle, has its own grading
    variable ``t_1, t_2, …`` (fields first).

    >>> print(molien_series("O(3)", ["vector", "vector"]))
    1/(1 - t^2)^3
    >>> print(molien_series("SO(2)", particles=[(3, "scalar")]))
    1/((1 - t) (1 - t^2) (1 - t^3))
    >>> print(molien_series("E(3)", particles=[(3, "position")]))
    1/((1 - t^2) (1 - t^4) (1 - t^6))
    """
    g = parse_group(group)
    blocks = [(1, (_check_type(f),)) for f in _as_list(fields, "fields")]
    for item in _as_list(particles, "particles"):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InvariantsError(f"particles must be (n, types) pairs, got {item!r}")
        n = check_integer(item[0], "number of identical particles", 1)
        types = (item[1],) if isinstance(item[1], str) else tuple(item[1])
        if not types:
            raise InvariantsError(f"a particle needs at least one field type, got {item!r}")
        blocks.append((n, tuple(_check_type(t) for t in types)))
    output_type(output)
    names = [f"t_{i + 1}" for i in range(sum(len(f) for _, f in blocks))]
    positions = [(b, i) for b, (_, f) in enumerate(blocks) for i, t in enumerate(f)]
    positions = [(b, i) for b, i in positions if field_type(blocks[b][1][i]).translates]
    spec_blocks, removal, names = _translate(g, blocks, positions, names, multigraded)
    return _result(g, spec_blocks, removal, output, names, multigraded)


@overload
def hilbert_series(
    group: str | Group,
    inputs,
    output: str = "scalar",
    *,
    identical: Iterable = (),
    multigraded: Literal[False] = False,
) -> HilbertSeries: ...
@overload
def hilbert_series(
    group: str | Group,
    inputs,
    output: str = "scalar",
    *,
    identical: Iterable = (),
    multigraded: Literal[True],
) -> MultigradedHilbertSeries: ...
def hilbert_series(
    group, inputs, output="scalar", *, identical=(), multigraded=False
) -> HilbertSeries | MultigradedHilbertSeries:
    """Hilbert series for the library's specifications, e.g. ``("SO(3)", "p,q:vector")``.

    ``identical``: classes of interchangeable particles; each class is a string ``"p,q,r"`` or a
    sequence of particles, a particle being an input name or a tuple of input names (its fields,
    in the same order and of the same types for every particle of the class). The series is then
    that of ``group × Π S_n`` (the invariants symmetric under exchanging the particles). The
    grading counts the degree in the inputs (positions: in their differences); with
    ``multigraded=True`` there is one variable ``t_name`` per input (per difference
    ``t_(x2-x1)`` of positions, per field ``t_p,q,r`` of a class).

    >>> print(hilbert_series("SO(3)", "p,q,r,s:vector"))
    (1 + t^2 + 4 t^3 + t^4 + t^6)/(1 - t^2)^9
    >>> h = hilbert_series("E(3)", "x1,x2:position; m1,m2:scalar", identical=[["x1,m1", "x2,m2"]])
    >>> print(h)
    1/((1 - t) (1 - t^2)^2)
    """
    return _result(*_prepare(group, inputs, output, identical, multigraded), multigraded)


def hilbert_coefficients(group, inputs, output="scalar", n: int = 10, *, identical=()) -> list:
    """The first ``n`` coefficients of :func:`hilbert_series`, from the Molien–Weyl series as it
    is summed, without its reduced form (whose denominator search is the slow part for many
    identical particles: ``O(3)``, ``11*p:vector``, 12 s against 1.3 s).

    >>> hilbert_coefficients("SO(3)", "p,q,r,s:vector", n=5)
    [1, 0, 10, 4, 55]
    """
    n = _check_terms(n)
    g, blocks, removal, out, names = _prepare(group, inputs, output, identical, False)
    if not _needs_residues(g.d, blocks):
        return _truncated_average(g.family, g.d, blocks, removal, out, n)
    numer, den = _series(g.family, g.d, max(len(names), 1), blocks, removal, out)
    if numer.is_zero():
        return [0] * n
    coeffs = {int(e[0]): int(c) for e, c in numer.to_dict().items()}
    D = flint.fmpz_poly([1])
    for (_, m), e in den.items():
        D = D * _cyclotomic(m) ** e
    d = [int(c) for c in D.coeffs()]
    # numer = D · H: H_k = (numer_k − Σ_{j ≥ 1} D_j H_{k−j}) / D_0, with D_0 = ±1
    out_coeffs: list[int] = []
    for k in range(n):
        top = min(k, len(d) - 1)
        total = coeffs.get(k, 0) - sum(d[j] * out_coeffs[k - j] for j in range(1, top + 1))
        out_coeffs.append(_exact_division(total, d[0]))
    return out_coeffs


def _average_terms(family: str, d: int, k: int, blocks, removal, output):
    """The order of the finite part of the group and, lazily, one ``(weight, numerator,
    binomials)`` per component and class of permutations of the particles (:func:`_term`):
    the Molien–Weyl average is ``Σ weight · numerator / binomials`` over that order."""
    scale = len(_components(family))
    for size, _ in blocks:
        scale *= math.factorial(size)

    def terms():
        for component in _components(family):
            for cycles in itertools.product(*[list(_partitions(m)) for m, _ in blocks]):
                weight = math.prod(_class_size(lam) for lam in cycles)
                yield (weight, *_term(d, k, component, blocks, cycles, removal, output))

    return scale, terms()


def _truncated_average(family: str, d: int, blocks, removal, output, n: int) -> list[int]:
    """The first ``n`` coefficients of the Molien–Weyl average of :func:`_series`, summed term
    by term as truncated power series (each term's denominator is a product of binomials
    ``1 − s·t^e``: a geometric series each), with no common denominator."""
    total = [0] * n
    scale, terms = _average_terms(family, d, 1, blocks, removal, output)
    for weight, numer, binomials in terms:
        c = [0] * n
        for exps, coef in numer.to_dict().items():
            if exps[0] < n:
                c[exps[0]] += int(coef)
        for (sign, exps), mult in binomials.items():
            e = exps[0]
            assert e >= 1, "a binomial 1 − s·t^e of the Molien–Weyl integrand has e ≥ 1"
            for _ in range(mult):  # times 1/(1 − sign·t^e)
                for k in range(e, n):
                    c[k] += sign * c[k - e]
        total = [a + weight * b for a, b in zip(total, c)]
    return [_exact_division(x, scale) for x in total]


def _exact_division(a: int, b: int) -> int:
    q, r = divmod(a, b)
    if r:
        raise AssertionError("the Hilbert series has integer coefficients")
    return q


def _prepare(group, inputs, output, identical, multigraded):
    """The group, the blocks of variables, the translation removal, the output and the names of
    the grading variables of a specification (:func:`hilbert_series`)."""
    g = parse_group(group)
    ins = parse_inputs(inputs)
    output_type(output)
    if isinstance(inputs, str):  # N*p:vector, N*(m:scalar; x:vector)
        identical = [*_as_list(identical, "identical"), *parse_spec(inputs).classes()]
    classes = _parse_identical(identical, ins)
    in_class = {i for cls in classes for particle in cls for i in particle}
    blocks: list[tuple[int, tuple[str, ...]]] = []
    names: list[str] = []
    positions: list[tuple[int, int]] = []
    for i, inp in enumerate(ins):
        if i not in in_class:
            if field_type(inp.type).translates:
                positions.append((len(blocks), 0))
            blocks.append((1, (inp.type,)))
            names.append(f"t_{inp.name}")
    for cls in classes:
        fields = tuple(ins[i].type for i in cls[0])
        for f, t in enumerate(fields):
            if field_type(t).translates:
                positions.append((len(blocks), f))
            names.append("t_" + ",".join(ins[p[f]].name for p in cls))
        blocks.append((len(cls), fields))
    spec_blocks, removal, names = _translate(g, blocks, positions, names, multigraded, ins)
    return g, spec_blocks, removal, output, names


# --- turning inputs into blocks ----------------------------------------------------------------


def _as_list(items, what: str) -> list:
    if isinstance(items, str):
        raise InvariantsError(f"{what} must be a list, got the string {items!r}")
    try:
        return list(items)
    except TypeError:
        raise InvariantsError(f"{what} must be a list, got {items!r}") from None


def _check_type(t) -> str:
    try:
        field_type(t)
    except InvariantsError:
        raise InvariantsError(
            f"unknown field type {t!r}; accepted: {', '.join(FIELD_TYPES)}, or a tensor type "
            "(sym, skew, dev, matrix, tensor(FORMULA), pseudo…)"
        ) from None
    return t


def _parse_identical(identical, ins: tuple[Input, ...]) -> list[list[tuple[int, ...]]]:
    index = {inp.name: i for i, inp in enumerate(ins)}
    used: set[int] = set()
    classes = []
    for cls in _as_list(identical, "identical"):
        members = cls.split(",") if isinstance(cls, str) else _as_list(cls, "a class of particles")
        particles = []
        for p in members:
            names = p.split(",") if isinstance(p, str) else _as_list(p, "a particle")
            particle = []
            for name in names:
                name = name.strip() if isinstance(name, str) else name
                if name not in index:
                    raise InvariantsError(
                        f"identical: {name!r} is not an input; inputs: {', '.join(index)}"
                    )
                if index[name] in used:
                    raise InvariantsError(f"identical: input {name!r} is listed twice")
                used.add(index[name])
                particle.append(index[name])
            particles.append(tuple(particle))
        if not particles:
            raise InvariantsError("identical: a class of particles must not be empty")
        types = [tuple(ins[i].type for i in p) for p in particles]
        if any(t != types[0] for t in types):
            raise InvariantsError(
                f"identical: the particles {_particle_names(particles, ins)} do not have the same "
                "field types in the same order"
            )
        classes.append(particles)
    return classes


def _particle_names(particles, ins) -> str:
    return "; ".join(",".join(ins[i].name for i in p) for p in particles)


def _translate(g: Group, blocks, positions, names, multigraded, ins=None):
    """Blocks ``(n, ((type, variable), …))``, the translation factor and the variable names.

    Without permuted positions the first position is the origin and the others become the
    differences ``x_i − x_1`` (as in :mod:`invariants.problem`); otherwise all positions are kept
    and one copy of ``V`` is removed (module docstring), which needs one grading variable.
    """
    var = {}
    out_names: list[str] = []
    remove = False
    flat = [(b, i) for b, (_, f) in enumerate(blocks) for i in range(len(f))]
    skip = set()
    if g.translations and positions:
        if all(blocks[b][0] == 1 for b, _ in positions):
            origin = positions[0]
            skip.add(origin)
            if ins is not None:  # rename the differences as problem.py does
                origin_name = names[flat.index(origin)][2:]
                for p in positions[1:]:
                    k = flat.index(p)
                    names[k] = f"t_({names[k][2:]}-{origin_name})"
        elif multigraded and len(positions) > 1:
            raise InvariantsError(
                "a multigraded series with identical positions under translations needs all "
                "positions in one class of particles (the differences mix their degrees); "
                "use the standard grading"
            )
        else:
            remove = True
    for k, (b, i) in enumerate(flat):
        if (b, i) in skip:
            continue
        var[(b, i)] = len(out_names) if multigraded else 0
        out_names.append(names[k])
    if not multigraded:
        out_names = ["t"]
    spec_blocks = []
    for b, (n, fields) in enumerate(blocks):
        fs = tuple(
            ("vector" if field_type(t).translates else t, var[(b, i)])
            for i, t in enumerate(fields)
            if (b, i) not in skip
        )
        if fs:
            spec_blocks.append((n, fs))
    removal = (var[positions[0]],) if remove else ()
    return tuple(spec_blocks), removal, tuple(out_names)


# --- the integral ------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _ring(k: int) -> flint.fmpz_mpoly_ctx:
    return flint.fmpz_mpoly_ctx.get(tuple(f"t{i}" for i in range(k)), "degrevlex")


def _monomial(ring, sign: int, exps: tuple[int, ...]):
    return ring.from_dict({exps: sign})


def _components(family: str) -> tuple[str, ...]:
    return ("identity",) if family == "SO" else ("identity", "twisted")


def _torus(
    d: int, component: str, type_: str
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """``(factors (s, m) of g: eigenvalue pairs s·z^{±m}, signs of the weight-zero eigenvalues)``.

    A vector has the pairs ``s·z_j^{±1}``, one per coordinate, all with one sign: one factor of
    the ``g`` shared by every coordinate. On a torus of rank one a tensor has pairs ``s·z^{±m}``
    with ``m`` up to its rank, each pair with one sign (the representation is real), so
    ``g(z) = g(1/z)`` still holds (module docstring). On a torus of rank ``≥ 2`` a tensor has
    weights such as ``e_1 + e_2``, which couple the coordinates: the factorization into one ``g``
    per coordinate fails and such inputs are refused.
    """
    resolved = field_type(type_)
    q = _rank(d, component)
    factors = []
    zero = []
    for s, w in _eigenvalues(d, component, resolved):
        if not any(w):
            zero.append(s)
        elif q > 1 and sum(map(abs, w)) != 1:
            raise InvariantsError(
                f"the closed-form Hilbert series of {type_!r} inputs is implemented for groups "
                f"whose maximal torus has rank ≤ 1 (d ≤ 3), not d = {d}; per-degree counts: "
                "invariants.counting.character_dimension"
            )
        elif sum(w) > 0:
            factors.append((s, sum(w)))
    if q > 1 and factors:  # a vector: the same factor for every coordinate
        assert len(set(factors)) == 1, factors
        factors = factors[:1]
    return tuple(sorted(factors)), tuple(zero)


def _partitions(n: int, largest: int | None = None):
    largest = n if largest is None else largest
    if n == 0:
        yield ()
        return
    for k in range(min(n, largest), 0, -1):
        for rest in _partitions(n - k, k):
            yield (k,) + rest


def _class_size(lam: tuple[int, ...]) -> int:
    """Number of permutations of cycle type ``lam``: ``n!/z_λ``."""
    z = 1
    for k, m in Counter(lam).items():
        z *= k**m * math.factorial(m)
    return math.factorial(sum(lam)) // z


def _output_character(d: int, component: str, output: str) -> dict[tuple[int, ...], int]:
    """``χ_W`` on the torus of the component, as a Laurent polynomial ``{exponent: coeff}``: the
    sum of the output type's eigenvalues (:func:`invariants.spaces.field_type`; ``sym`` is
    ``h_2``, ``skew`` is ``e_2``, ``matrix`` is ``e_1²``, ``dev`` drops the trace)."""
    chi: dict[tuple[int, ...], int] = {}
    for s, w in _eigenvalues(d, component, field_type(output)):
        chi[w] = chi.get(w, 0) + s
    return {w: c for w, c in chi.items() if c}


def _laurent_multiply(a: dict, b: dict) -> dict:
    out: dict = {}
    for e1, c1 in a.items():
        for e2, c2 in b.items():
            key = tuple(x + y for x, y in zip(e1, e2))
            out[key] = out.get(key, 0) + c1 * c2
    return {e: c for e, c in out.items() if c}


@lru_cache(maxsize=1024)
def _c_values(factors: tuple[tuple[int, tuple[int, ...], int], ...], top: int, k: int):
    """``N_0..N_top`` and the binomials of ``R`` for ``g(z)`` with the ``(sign, exps, ℓ)``
    factors ``a = sign · t^exps`` (module docstring): ``c_m = N_m / Π (1 − s t^α)^mult``."""
    ring = _ring(k)
    one, zero = ring.from_dict({(0,) * k: 1}), ring.from_dict({})
    L = sum(ell for *_, ell in factors)
    if L == 0:
        return (one,) + (zero,) * top, ()
    D = [one]
    for s, e, ell in factors:  # D(z) = Π (1 − a z^ℓ)
        a = _monomial(ring, s, e)
        new = D + [zero] * ell
        for i, c in enumerate(D):
            new[i + ell] = new[i + ell] - a * c
        D = new
    T = L * (L + 1) // 2  # deg R
    gamma = [one]
    for i in range(1, T + top):
        acc = zero
        for j in range(1, min(i, L) + 1):
            if not D[j].is_zero():
                acc = acc - D[j] * gamma[i - j]
        gamma.append(acc)
    binomials: Counter = Counter()  # (sign, exps, y-degree) ↦ multiplicity
    for (s, e, ell), (s2, e2, ell2) in itertools.combinations(factors, 2):
        g = math.gcd(ell, ell2)
        sign = s ** (ell2 // g) * s2 ** (ell // g)
        exps = tuple(x * (ell2 // g) + y * (ell // g) for x, y in zip(e, e2))
        binomials[(sign, exps, ell * ell2 // g)] += g
    for s, e, ell in factors:
        double = tuple(2 * x for x in e)
        if ell % 2:
            binomials[(1, double, ell)] += (ell + 1) // 2
        else:
            binomials[(1, double, ell)] += ell // 2
            binomials[(s, e, ell // 2)] += 1
    R = [one]  # R(y), degree T
    for (s, e, ydeg), mult in binomials.items():
        a = _monomial(ring, s, e)
        for _ in range(mult):
            new = R + [zero] * ydeg
            for i, c in enumerate(R):
                new[i + ydeg] = new[i + ydeg] - a * c
            R = new
    assert len(R) == T + 1
    prefix = [zero] * T  # prefix[j] = Σ_{e ≤ T−1−j} R_e
    acc = zero
    for e in range(T):
        acc = acc + R[e]
        prefix[T - 1 - e] = acc
    N = []
    for m in range(top + 1):
        total = zero
        for j in range(T):
            total = total + gamma[j + m] * gamma[j] * prefix[j]
        N.append(total)
    den = Counter()
    for (s, e, _), mult in binomials.items():
        den[(s, e)] += mult
    return tuple(N), tuple(sorted(den.items()))


def _term(d: int, k: int, component: str, blocks, cycles, removal, output):
    """``(numerator, {(sign, exps): multiplicity})`` of one component and one permutation
    class: the integral ``CT[Z_0 · P(z) · Π_j g(z_j)]`` (module docstring)."""
    ring = _ring(k)
    one = ring.from_dict({(0,) * k: 1})
    q = _rank(d, component)
    factors = []
    den: Counter = Counter()
    for (_, fields), lam in zip(blocks, cycles):
        for ell in lam:
            for type_, var in fields:
                pairs, zero_signs = _torus(d, component, type_)
                e = tuple(ell if i == var else 0 for i in range(k))
                for s, m in pairs:  # (s z^m t)^ℓ: a = s^ℓ t^ℓ, z-exponent m ℓ
                    factors.append((s**ell, e, m * ell))
                for s in zero_signs:
                    den[(s**ell, e)] += 1
    P = {w: one * c for w, c in _weyl_denominator(d, component).items()}
    P = _laurent_multiply(P, _output_character(d, component, output))
    z0 = one
    for var in removal:  # Π (1 − λ t) over the eigenvalues λ of one vector
        e = tuple(1 if i == var else 0 for i in range(k))
        for s, w in _eigenvalues(d, component, "vector"):
            factor = one - _monomial(ring, s, e)
            if any(w):
                P = _laurent_multiply(P, {(0,) * q: one, w: -_monomial(ring, s, e)})
            else:
                z0 = z0 * factor
    if q == 0:
        return z0 * P.get((), ring.from_dict({})), den
    grouped: dict[tuple[int, ...], object] = {}
    for w, c in P.items():
        key = tuple(sorted(abs(x) for x in w))  # c_{−m} = c_m; order of coordinates irrelevant
        grouped[key] = grouped[key] + c if key in grouped else c
    if not grouped:
        return ring.from_dict({}), den
    top = max(max(key) for key in grouped)
    N, rden = _c_values(tuple(sorted(factors)), top, k)
    products = {(): ring.from_dict({(0,) * k: 1})}  # Π_j N_{key_j}, built from prefixes

    def product(key: tuple[int, ...]):
        if key not in products:
            products[key] = product(key[:-1]) * N[key[-1]]
        return products[key]

    total = ring.from_dict({})
    for key, c in sorted(grouped.items()):
        total = total + c * product(key)
    for b, mult in rden:
        den[b] += q * mult
    return z0 * total, den


def _phi_keys(k: int, exps: tuple[int, ...], sign: int = 1) -> list[tuple[tuple[int, ...], int]]:
    """Cyclotomic factors ``Φ_n(t^β)`` (``β`` primitive) of ``1 − sign · t^exps``."""
    g = math.gcd(*exps)
    beta = tuple(x // g for x in exps)
    if sign == 1:
        return [(beta, n) for n in _divisors(g)]
    return [(beta, n) for n in _divisors(2 * g) if g % n]


def _divisors(n: int) -> list[int]:
    return [m for m in range(1, n + 1) if n % m == 0]


@lru_cache(maxsize=4096)
def _phi(k: int, beta: tuple[int, ...], n: int):
    """``Φ_n(t^β)``, normalized to constant term 1 (``1 − t^β`` for ``n = 1``)."""
    coeffs = [1, -1] if n == 1 else [int(c) for c in flint.fmpz_poly.cyclotomic(n).coeffs()]
    return _ring(k).from_dict({tuple(i * b for b in beta): c for i, c in enumerate(coeffs) if c})


def _lowest_terms(numer, den: Counter, k: int):
    """Cancel every cyclotomic factor of ``den`` that divides ``numer``."""
    den = Counter(den)
    if numer.is_zero():
        return numer, Counter()
    for key in sorted(den):
        while den[key]:
            quo, rem = divmod(numer, _phi(k, *key))
            if not rem.is_zero():
                break
            numer = quo
            den[key] -= 1
    return numer, +den


def _needs_residues(d: int, blocks) -> bool:
    """Whether a field has torus weights other than ``±e_j`` and ``0`` on a torus of rank ≥ 2
    (a tensor for ``d ≥ 4``): the factored form does not apply (:mod:`invariants.residues`)."""
    return _rank(d, "identity") >= 2 and any(
        field_type(t).rank >= 2 for _, fields in blocks for t, _ in fields
    )


def _residue_series(family: str, d: int, k: int, blocks, removal, output):
    """The average over the components by iterated constant terms (:mod:`invariants.residues`),
    for distinguishable inputs, in ``k`` grading variables."""
    from .residues import molien_weyl

    if removal or any(n != 1 for n, _ in blocks):
        raise InvariantsError(
            f"the Hilbert series of tensor inputs in d = {d} (a torus of rank ≥ 2) is computed "
            "for distinguishable inputs: identical particles with tensors are not supported"
        )
    ts = sympy.symbols(f"t0:{k}")
    total = sympy.Integer(0)
    for component in _components(family):
        P = _laurent_multiply(
            dict(_weyl_denominator(d, component)), _output_character(d, component, output)
        )
        eigenvalues = [
            (s, w, var)
            for _, fields in blocks
            for t, var in fields
            for s, w in _eigenvalues(d, component, t)
        ]
        total += molien_weyl(P, eigenvalues, ts) if P else 0
    H = sympy.cancel(total / len(_components(family)))
    return _as_numerator_and_cyclotomics(H, ts)


def _as_numerator_and_cyclotomics(H: sympy.Expr, ts: tuple[sympy.Symbol, ...]):
    """``H = A / Π Φ_n(t^β)^{e}`` as ``(A in _ring(k), {(β, n): e})``: the denominator of the
    Molien–Weyl average is a product of factors ``1 − ±t^α`` (its terms have such denominators),
    hence of cyclotomic polynomials in primitive monomials ``t^β``."""
    k = len(ts)
    numer, denom = sympy.fraction(sympy.cancel(H))
    den: Counter = Counter()
    content, factors = sympy.factor_list(denom, *ts)
    scale = 1 / sympy.Rational(content)
    for f, e in factors:
        poly = sympy.Poly(f, *ts)
        monoms = poly.monoms()
        top = max(monoms, key=sum)
        g = math.gcd(*top)
        beta = tuple(x // g for x in top)
        coeffs: dict[int, int] = {}
        for m, c in zip(monoms, poly.coeffs()):
            j = sum(m) // sum(beta)
            if tuple(j * b for b in beta) != tuple(m):
                raise InvariantsError(
                    "internal error: a Hilbert series denominator is not cyclotomic"
                )
            coeffs[j] = int(c)
        for n in range(1, 4 * g * g + 4):
            phi = _cyclotomic(n)
            if phi.degree() != g:
                continue
            ours = {i: int(c) for i, c in enumerate(phi.coeffs()) if c}
            if coeffs == ours or coeffs == {i: -c for i, c in ours.items()}:
                den[(beta, n)] += e
                scale *= (1 if coeffs == ours else -1) ** e
                break
        else:
            raise InvariantsError("internal error: a Hilbert series denominator is not cyclotomic")
    # H = numer / (scale · Π Φ^e): the numerator over our normalized cyclotomic factors
    A = sympy.Poly(sympy.expand(numer * scale), *ts)
    if any(not c.is_integer for c in A.coeffs()):
        raise InvariantsError("internal error: a Hilbert series numerator is not integral")
    numer_poly = _ring(k).from_dict({tuple(m): int(c) for m, c in zip(A.monoms(), A.coeffs())})
    return _lowest_terms(numer_poly, den, k)


@lru_cache(maxsize=256)
def _series(family: str, d: int, k: int, blocks, removal, output):
    """The whole average, in lowest terms: ``(numerator, {(β, n): e})``."""
    if _needs_residues(d, blocks):
        return _residue_series(family, d, k, blocks, removal, output)
    ring = _ring(k)
    terms = []
    scale, raw = _average_terms(family, d, k, blocks, removal, output)
    for weight, numer, binomials in raw:
        den: Counter = Counter()
        for (s, e), mult in binomials.items():
            for key in _phi_keys(k, e, s):
                den[key] += mult
        terms.append((weight, numer, den))
    common: Counter = Counter()
    for _, _, den in terms:
        for key, e in den.items():
            common[key] = max(common[key], e)
    total = ring.from_dict({})
    for weight, numer, den in terms:
        cofactor = numer * weight
        for key, e in common.items():
            for _ in range(e - den[key]):
                cofactor = cofactor * _phi(k, *key)
        total = total + cofactor
    # the average has integer coefficients: its numerator over a denominator with B(0) = 1 does
    quo, rem = divmod(total, ring.from_dict({(0,) * k: scale}))
    assert rem.is_zero(), "the Molien–Weyl average is not integral"
    return _lowest_terms(quo, common, k)


def _result(g: Group, blocks, removal, output, names, multigraded):
    if not names:  # no variables left (one position under translations): constants or nothing
        h = _univariate_result(*_series(g.family, g.d, 1, blocks, removal, output))
        if not multigraded:
            return h
        return MultigradedHilbertSeries((), (((), h.numerator[0]),) if h.numerator else (), ())
    numer, den = _series(g.family, g.d, len(names), blocks, removal, output)
    if not multigraded:
        return _univariate_result(numer, den)
    return _multigraded_result(numer, den, names, len(names))


# --- the reduced form --------------------------------------------------------------------------


def _univariate_result(numer, den: Counter) -> HilbertSeries:
    if numer.is_zero():
        return HilbertSeries((), ())
    coeffs = {int(e[0]): int(c) for e, c in numer.to_dict().items()}
    A = flint.fmpz_poly([coeffs.get(i, 0) for i in range(max(coeffs) + 1)])
    req = {n: e for (_, n), e in den.items()}
    cover = _nonnegative_cover(A, req) or _layered_cover(req)
    P = A
    for n, extra in _surplus(cover, req).items():
        P = P * _cyclotomic(n) ** extra
    return HilbertSeries(tuple(int(c) for c in P.coeffs()), cover)


def _cyclotomic(n: int) -> flint.fmpz_poly:
    return flint.fmpz_poly([1, -1]) if n == 1 else flint.fmpz_poly.cyclotomic(n)


def _surplus(cover: tuple[int, ...], req: dict[int, int]) -> dict[int, int]:
    """Exponents of ``Φ_n`` in ``Π (1 − t^{d_i})`` beyond those of the reduced denominator."""
    orders = set().union(*[_divisors(d) for d in cover]) if cover else set()
    out = {n: sum(1 for d in cover if d % n == 0) - req.get(n, 0) for n in orders}
    assert all(v >= 0 for v in out.values()) and all(n in orders for n in req if req[n])
    return {n: v for n, v in out.items() if v}


def _layered_cover(req: dict[int, int]) -> tuple[int, ...]:
    """``d_i = lcm{n : e_n ≥ i}`` for ``i = 1..K``: the fallback denominator."""
    K = max(req.values(), default=0)
    return tuple(
        sorted(math.lcm(1, *[n for n, e in req.items() if e >= i]) for i in range(1, K + 1))
    )


#: Nodes visited at most in the search for a denominator with a non-negative numerator.
SEARCH_LIMIT = 100_000


def _nonnegative_cover(A: flint.fmpz_poly, req: dict[int, int]) -> tuple[int, ...] | None:
    """A multiset of ``K = max e_n`` degrees from the lcm-closure of the pole orders that
    covers ``req`` and leaves a non-negative numerator, with the least ``(Σ d_i, sorted
    tuple)`` found by a branch and bound of at most :data:`SEARCH_LIMIT` nodes (the optimum
    when the search completes); ``None`` if it finds none. A first pass only uses degrees up to
    twice the largest order, which finds a good bound quickly; the second pass allows them all.

    Degrees are chosen in increasing order. Factors ``1 − t^d`` chosen later have ``d ≥ D``, so
    the numerator's coefficients below the next degree ``D`` are final: a negative one prunes
    the branch, and ``m`` factors of degree ``D`` lower the coefficient of ``t^D`` by ``m`` times
    the constant term, so at most their quotient many can be taken. The orders ``n`` still to be
    covered ``r_n`` times bound the remaining degrees from below.
    """
    K = max(req.values(), default=0)
    if K == 0:
        return () if all(c >= 0 for c in A.coeffs()) else None
    orders = sorted(n for n, e in req.items() if e > 0)
    cands = {1}
    for n in orders:
        cands |= {math.lcm(c, n) for c in cands}
    # an order needed by all K factors divides every degree
    step = math.lcm(*[n for n in orders if req[n] == K])
    cands = sorted(c for c in cands if c % step == 0)
    B = flint.fmpz_poly([1])
    for n, e in req.items():
        B = B * _cyclotomic(n) ** e
    best: list = [None]
    visited = [0]

    @cache
    def separated(i: int, support: frozenset) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Orders ``costly`` with ``c ≥ D + Σ_{n costly, n|c} (n' − D)`` for every remaining
        degree ``c`` (``n'`` the least multiple of ``n`` that is ``≥ D``), and orders
        ``apart`` no two of which divide a common remaining degree; greedily, largest first."""
        D = cands[i]
        rest = cands[i:]
        lift = {n: -(-D // n) * n - D for n in support}
        costly: list[int] = []
        for n in sorted(support, key=lambda n: (-lift[n], n)):
            if lift[n] and all(
                D + sum(lift[m] for m in costly + [n] if c % m == 0) <= c for c in rest
            ):
                costly.append(n)
        apart: list[int] = []
        for n in sorted(support, reverse=True):
            if all(all(c % n or c % m for c in rest) for m in apart):
                apart.append(n)
        return tuple(costly), tuple(apart)

    def feasible(i: int, slots: int, need: dict[int, int]) -> bool:
        _, apart = separated(i, frozenset(n for n, r in need.items() if r > 0))
        return sum(need[n] for n in apart) <= slots

    def lower_bound(i: int, slots: int, need: dict[int, int]) -> int:
        """Σ over the remaining slots: each costs ``D``, plus ``n' − D`` per costly order."""
        D = cands[i]
        costly, _ = separated(i, frozenset(n for n, r in need.items() if r > 0))
        return slots * D + sum(need[n] * (-(-D // n) * n - D) for n in costly)

    def search(i: int, slots: int, S: list[int], chosen: tuple[int, ...], need, total) -> None:
        visited[0] += 1
        if visited[0] > SEARCH_LIMIT:
            raise _SearchExhausted
        if slots == 0:
            if any(r > 0 for r in need.values()):
                return
            P = A
            for n, extra in _surplus(chosen, req).items():
                P = P * _cyclotomic(n) ** extra
            key = (total, chosen)
            if all(c >= 0 for c in P.coeffs()) and (best[0] is None or key < best[0]):
                best[0] = key
            return
        if i == len(cands) or not feasible(i, slots, need):
            return
        D = cands[i]
        if any(c < 0 for c in S[cands[i - 1] if i else 0 : D]):  # final coefficients below D
            return
        f = total + lower_bound(i, slots, need)
        if best[0] is not None and f > best[0][0]:
            return
        top = len(S)
        # m factors of degree D lower the coefficient of t^D by m·S[0] (a module's series may
        # start at t^1: S[0] = 0, and then it is no bound)
        most = min(slots, S[D] // S[0]) if top > D and S[0] > 0 else slots
        if best[0] is not None:  # coefficients above the best total are never looked at
            S = S[: best[0][0] + 1]
        states = [S]
        for _ in range(most):  # multiply by 1 − t^D
            prev = states[-1]
            states.append(prev[:D] + [a - b for a, b in zip(prev[D:], prev)])
        for m in range(most + 1):  # few small degrees first: coverage is found sooner
            covered = {n: r - (m if D % n == 0 else 0) for n, r in need.items()}
            search(i + 1, slots - m, states[m], chosen + (D,) * m, covered, total + m * D)

    everything = cands
    H = _series_quotient(A, B, everything[-1] + 1)
    with contextlib.suppress(_SearchExhausted):
        for cap in (2 * orders[-1], everything[-1]):
            cands = [c for c in everything if c <= cap]
            if best[0] is not None:  # K − 1 other degrees of at least the smallest one
                cands = [c for c in cands if c <= best[0][0] - (K - 1) * everything[0]]
            separated.cache_clear()
            search(0, K, H[: cands[-1] + 1], (), dict(req), 0)
    return None if best[0] is None else best[0][1]


class _SearchExhausted(Exception):
    pass


def _series_quotient(A: flint.fmpz_poly, B: flint.fmpz_poly, n: int) -> list[int]:
    """First ``n`` coefficients of ``A/B`` (``B(0) = 1``)."""
    a = [int(c) for c in A.coeffs()] + [0] * n
    b = [int(c) for c in B.coeffs()]
    out = []
    for k in range(n):
        c = a[k] - sum(b[j] * out[k - j] for j in range(1, min(k, len(b) - 1) + 1))
        out.append(c)
    return out


def _multigraded_result(numer, den: Counter, names, k) -> MultigradedHilbertSeries:
    if numer.is_zero():
        return MultigradedHilbertSeries(tuple(names), (), ())
    directions: dict[tuple[int, ...], dict[int, int]] = {}
    for (beta, n), e in den.items():
        directions.setdefault(beta, {})[n] = e
    factors = []
    for beta in sorted(directions):
        req = directions[beta]
        cover = _layered_cover(req)
        for n, extra in _surplus(cover, req).items():
            for _ in range(extra):
                numer = numer * _phi(k, beta, n)
        factors += [tuple(d * b for b in beta) for d in cover]
    terms = tuple(sorted((tuple(map(int, e)), int(c)) for e, c in numer.to_dict().items()))
    return MultigradedHilbertSeries(tuple(names), terms, tuple(sorted(factors)))


# --- printing ----------------------------------------------------------------------------------


def _format_monomial(e: tuple[int, ...], names) -> str:
    parts = [n if x == 1 else f"{n}^{x}" for n, x in zip(names, e) if x]
    return " ".join(parts)


def _format_polynomial(terms: dict, names) -> str:
    items = sorted((e, c) for e, c in terms.items() if c)
    items.sort(key=lambda ec: (sum(ec[0]), tuple(-x for x in ec[0])))
    if not items:
        return "0"
    out = ""
    for i, (e, c) in enumerate(items):
        mono = _format_monomial(e, names)
        body = str(abs(c)) if not mono else (mono if abs(c) == 1 else f"{abs(c)} {mono}")
        if i == 0:
            out = ("-" if c < 0 else "") + body
        else:
            out += (" - " if c < 0 else " + ") + body
    return out


def _format_fraction(terms: dict, factors: list, names) -> str:
    num = _format_polynomial(terms, names)
    den = _format_denominator(factors, names)
    if sum(1 for c in terms.values() if c) > 1:
        num = f"({num})"
    return num if not den else f"{num}/{den}"


def _format_denominator(factors, names) -> str:
    counts = Counter(factors)
    parts = []
    for a in sorted(counts, key=lambda a: (sum(a), tuple(-x for x in a))):
        base = f"(1 - {_format_monomial(a, names)})"
        parts.append(base if counts[a] == 1 else f"{base}^{counts[a]}")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " ".join(parts) + ")"
