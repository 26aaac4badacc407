"""Exact dimensions of spaces of invariant polynomials, by Weyl's character formula.

For the connected complex group ``SO(d, C)`` of rank ``r = ⌊d/2⌋`` with maximal torus
``z = (z_1, …, z_r)``, the dimension of the invariants in a representation with character ``χ`` is
the constant term ``CT[χ(z) · Π_{α>0} (1 − z^α)]`` (Weyl's character formula: the product is the
Weyl denominator, which makes the constant term pick out the multiplicity of the trivial
representation). Positive roots: ``e_i ± e_j`` (``i < j``), plus ``e_i`` for odd ``d``.

For ``O(d, C)`` we average over its two components, ``dim_O = (dim_SO + T)/2``: for odd ``d`` the
other component is ``−I · SO(d)``; for even ``d = 2r`` its elements are conjugate to ``R · t`` with
eigenvalues ``z_1^{±1}, …, z_{r-1}^{±1}, 1, −1``, and the Haar measure there is that of the
compact symplectic group of rank ``r − 1`` (roots ``e_i ± e_j``, ``2 e_i``).

A block of multidegree ``(k_1, …, k_n)`` is ``⊗_i Sym^{k_i}(V_i)``; the character of ``Sym^k V``
is the complete homogeneous symmetric polynomial ``h_k`` of the eigenvalues of ``V``.

Laurent polynomials in ``r`` variables are stored as dense integer arrays after the Kronecker
substitution ``z_j ↦ Z^{B^j}``, which is injective on exponents with ``|e_j| < B/2``.

>>> character_dimension("SO", 3, ["vector"] * 4, [1, 1, 1, 1])
3
>>> character_dimension("O", 4, ["vector"] * 4, [1, 1, 1, 1])
3
>>> character_dimension("SO", 4, ["vector"] * 4, [1, 1, 1, 1])
4

When fewer than ``d`` vector variables have positive degree, no integral is needed: the inner
products of ``n ≤ d`` vectors are algebraically independent and generate the invariants of
``O(d)`` (first and second fundamental theorems, Weyl, *The Classical Groups*, II.9 and II.17),
and with ``n < d`` vectors there is no bracket, so ``SO(d)`` has the same polynomials; for
``O(d)`` a monomial is invariant iff its degree in the pseudo variables is even. The dimension is
then the number of monomials in the inner products (and scalars) of the block, which
``method="gram"`` counts directly (any ``d``), ``method="weyl"`` by the integral (``d ≤ 12``);
``method="auto"`` (the default) takes the first where it applies. The tests compare the two.

>>> character_dimension("O", 50, ["vector", "vector"], [2, 2])
2
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence
from functools import lru_cache
from math import comb

import numpy as np

from .errors import InvariantsError
from .spaces import TensorType, field_type, is_pseudo

_TYPES = ("scalar", "pseudoscalar", "vector", "pseudovector")


#: The largest total degree counted (the Weyl integral and the Gram count grow with it).
MAX_TOTAL_DEGREE = 10_000


def character_dimension(
    family: str,
    d: int,
    types: Sequence[str],
    multidegree: Sequence[int],
    antisymmetric: tuple[int, int] | None = None,
    bound: int | None = None,
    *,
    method: str = "auto",
) -> int:
    """Dimension of the invariant polynomials of ``multidegree`` in variables of ``types``.

    ``family`` is ``"SO"`` or ``"O"`` (the complex groups ``SO(d, C)``, ``O(d, C)``).
    ``antisymmetric = (i, j)``: only polynomials that change sign when the two (vector, degree 1)
    variables ``i`` and ``j`` are exchanged, i.e. ``Λ²V`` in place of ``V ⊗ V``.
    ``bound`` is a total degree at least ``sum(multidegree)``; calls that share it share caches.
    ``method``: ``"auto"``, ``"weyl"`` or ``"gram"`` (module docstring).

    >>> character_dimension("O", 3, ["vector", "vector", "pseudovector"], [1, 1, 1])
    1
    >>> character_dimension("SO", 3, ["vector"] * 3, [1, 1, 1], antisymmetric=(1, 2))
    1
    """
    if family not in ("SO", "O"):
        raise InvariantsError(f"family must be 'SO' or 'O', got {family!r}")
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise InvariantsError(f"d must be a positive integer, got {d!r}")
    if method not in _METHODS:
        raise InvariantsError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
    d = int(d)
    try:
        types = tuple(types)
        multidegree = tuple(multidegree)
    except TypeError as exc:
        raise InvariantsError(
            f"types must be a list of type names and multidegree a list of integers ({exc})"
        ) from None
    if any(isinstance(k, bool) or not isinstance(k, numbers.Integral) for k in multidegree):
        raise InvariantsError(f"multidegree entries must be integers, got {multidegree!r}")
    multidegree = tuple(int(k) for k in multidegree)
    total = sum(multidegree)
    if total > MAX_TOTAL_DEGREE:
        raise InvariantsError(f"total degree {total} is too large; at most {MAX_TOTAL_DEGREE}")
    if len(types) != len(multidegree):
        raise InvariantsError("types and multidegree must have the same length")
    for t in types:
        if t not in _TYPES and not isinstance(t, TensorType):
            raise InvariantsError(
                f"unknown variable type {t!r}; accepted: {', '.join(_TYPES)} or a "
                "invariants.spaces.TensorType"
            )
    if any(k < 0 for k in multidegree):
        raise InvariantsError(f"multidegree entries must be non-negative: {multidegree}")
    bound = total if bound is None else max(bound, total)
    if antisymmetric is not None:
        pair = tuple(antisymmetric) if isinstance(antisymmetric, (tuple, list)) else ()
        if not (
            len(pair) == 2
            and all(isinstance(k, numbers.Integral) and 0 <= k < len(types) for k in pair)
            and pair[0] != pair[1]
        ):
            raise InvariantsError(
                f"antisymmetric must be None or two distinct variable indices, got "
                f"{antisymmetric!r}"
            )
        i, j = (int(k) for k in pair)
        if types[i] != types[j] or multidegree[i] != 1 or multidegree[j] != 1:
            raise InvariantsError("antisymmetric variables must have one type and degree 1")
        # Λ²V = V⊗V − Sym²V (as characters)
        sym_types = tuple(t for k, t in enumerate(types) if k != j)
        sym_deg = tuple(2 if k == i else m for k, m in enumerate(multidegree) if k != j)
        return character_dimension(
            family, d, types, multidegree, None, bound, method=method
        ) - character_dimension(family, d, sym_types, sym_deg, None, bound, method=method)
    free = _free(d, types, multidegree)
    if method == "gram" or (method == "auto" and free):
        if not free:
            raise InvariantsError(
                f"method='gram' needs fewer than d={d} vector variables of positive degree, "
                f"got multidegree {multidegree} in {types}"
            )
        return _gram_dimension(family, types, multidegree)
    if d > MAX_WEYL_DIMENSION:
        raise InvariantsError(
            f"d={d}: with {d} or more vector variables of positive degree the count needs the "
            f"Weyl integral, supported for d ≤ {MAX_WEYL_DIMENSION}"
        )
    # Sort variables so that caches of partial products are shared between blocks; variables of
    # degree 0 contribute the factor 1 and are left out (there are few of the others).
    order = sorted(
        (k for k in range(len(types)) if multidegree[k]),
        key=lambda k: (_type_key(types[k]), -multidegree[k]),
    )
    types = tuple(types[k] for k in order)
    multidegree = tuple(multidegree[k] for k in order)
    if _monomial_count(d, types, multidegree) >= 2**60:
        raise InvariantsError(f"block {multidegree} is too large to count in 64-bit integers")
    identity = _component_dimension(d, "identity", types, multidegree, bound)
    if family == "SO":
        return identity
    twisted = _component_dimension(d, "twisted", types, multidegree, bound)
    assert (identity + twisted) % 2 == 0, "character average is not an integer"
    return (identity + twisted) // 2


_METHODS = ("auto", "weyl", "gram")

#: Largest ``d`` for the Weyl integral (the groups' own limit, :data:`invariants.groups`).
MAX_WEYL_DIMENSION = 12


def _type_key(t) -> tuple:
    return (0, t, "") if isinstance(t, str) else (1, t.name, t.symmetry.formula)


def _free(d: int, types: tuple, multidegree: tuple[int, ...]) -> bool:
    """Only scalars, and fewer than ``d`` vector variables of positive degree: the free Gram
    ring applies."""
    if any(isinstance(t, TensorType) for t, k in zip(types, multidegree) if k):
        return False
    return sum(1 for t, k in zip(types, multidegree) if k and t.endswith("vector")) < d


def _gram_dimension(family: str, types: tuple[str, ...], multidegree: tuple[int, ...]) -> int:
    """Number of monomials of this multidegree in the inner products ``v_i·v_j`` (``i ≤ j``;
    ``v_i·v_i`` has degree 2 in ``v_i``) and the scalars; for ``O`` zero unless the degree in
    the pseudo variables is even."""
    if family == "O":
        odd = sum(k for t, k in zip(types, multidegree) if k and is_pseudo(t))
        if odd % 2:
            return 0
    degrees = [k for t, k in zip(types, multidegree) if k and t.endswith("vector")]
    n = len(degrees)
    # Choose the exponent of each inner product in turn; states are the degrees still to fill.
    states = {tuple(degrees): 1}
    for i in range(n):
        for j in range(i, n):
            step = 2 if i == j else 1
            nxt: dict[tuple[int, ...], int] = {}
            for rest, count in states.items():
                top = rest[i] // 2 if i == j else min(rest[i], rest[j])
                for e in range(top + 1):
                    new = list(rest)
                    new[i] -= step * e if i == j else e
                    if i != j:
                        new[j] -= e
                    key = tuple(new)
                    nxt[key] = nxt.get(key, 0) + count
            # vector i is complete once every pair (i, j) has been chosen
            states = {r: c for r, c in nxt.items() if j < n - 1 or r[i] == 0}
    return states.get((0,) * n, 0)


def _monomial_count(d: int, types: tuple[str, ...], multidegree: tuple[int, ...]) -> int:
    count = 1
    for t, k in zip(types, multidegree):
        n = t.dimension(d) if isinstance(t, TensorType) else d if t.endswith("vector") else 1
        count *= comb(k + n - 1, n - 1) if n else (1 if k == 0 else 0)
    return count


# --- the torus of each component ---------------------------------------------------------------


def _rank(d: int, component: str) -> int:
    r = d // 2
    return r - 1 if component == "twisted" and d % 2 == 0 else r


def _eigenvalues(d: int, component: str, type_) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Eigenvalues ``sign · z^weight`` of a torus element of the component on the type (a name
    or a :class:`~invariants.spaces.TensorType`): those of the defining representation on
    vectors, and for every other type the products that :meth:`TensorType.eigenvalues` makes of
    them (scalars: the empty product; pseudo types: times ``det``)."""
    det = -1 if component == "twisted" else 1
    if type_ != "vector":
        return field_type(type_).eigenvalues(_eigenvalues(d, component, "vector"), det)
    q = _rank(d, component)
    zero = (0,) * q
    units = [tuple(1 if i == j else 0 for i in range(q)) for j in range(q)]
    eig = [(1, e) for e in units] + [(1, tuple(-x for x in e)) for e in units]
    if component == "identity":
        if d % 2:
            eig.append((1, zero))
    elif d % 2:  # −I · t
        eig = [(-s, w) for s, w in eig] + [(-1, zero)]
    else:  # R · t: eigenvalues z^{±e_j} (j < r), +1, −1
        eig += [(1, zero), (-1, zero)]
    return tuple(eig)


def _positive_roots(d: int, component: str) -> list[tuple[int, ...]]:
    q = _rank(d, component)
    roots = []
    for i, j in itertools.combinations(range(q), 2):
        for s in (1, -1):
            roots.append(tuple(1 if k == i else s if k == j else 0 for k in range(q)))
    if d % 2:  # B_r, for SO(d) and for −I · SO(d) alike
        roots += [tuple(1 if k == i else 0 for k in range(q)) for i in range(q)]
    if component == "twisted" and d % 2 == 0:
        roots += [tuple(2 if k == i else 0 for k in range(q)) for i in range(q)]
    return roots


@lru_cache(maxsize=64)
def _weyl_denominator(d: int, component: str) -> dict[tuple[int, ...], int]:
    """Expansion of ``Π_{α>0} (1 − z^α)``."""
    q = _rank(d, component)
    poly = {(0,) * q: 1}
    for alpha in _positive_roots(d, component):
        new = dict(poly)
        for e, c in poly.items():
            key = tuple(x + a for x, a in zip(e, alpha))
            new[key] = new.get(key, 0) - c
        poly = {e: c for e, c in new.items() if c}
    return poly


# --- dense Kronecker-encoded Laurent polynomials ------------------------------------------------


def _layout(d: int, component: str, bound: int) -> tuple[int, int, int]:
    """``(base, half_length, rank)``: exponents up to ``bound + 2r`` per coordinate fit."""
    q = _rank(d, component)
    reach = bound + 2 * max(q, 1)
    base = 2 * reach + 1
    half = sum(reach * base**j for j in range(q))
    return base, half, q


def _code(exponent: tuple[int, ...], base: int) -> int:
    return sum(e * base**j for j, e in enumerate(exponent))


def _shift(a: np.ndarray, s: int) -> np.ndarray:
    out = np.zeros_like(a)
    if s >= 0:
        out[s:] = a[: len(a) - s]
    else:
        out[:s] = a[-s:]
    return out


@lru_cache(maxsize=64)
def _symmetric_powers(
    d: int, component: str, type_: str, kmax: int, bound: int
) -> tuple[np.ndarray, ...]:
    """Characters of ``Sym^k`` for ``k = 0..kmax`` (dense arrays)."""
    base, half, _ = _layout(d, component, bound)
    length = 2 * half + 1
    one = np.zeros(length, dtype=np.int64)
    one[half] = 1
    H = [one] + [np.zeros(length, dtype=np.int64) for _ in range(kmax)]
    for sign, weight in _eigenvalues(d, component, type_):
        s = _code(weight, base)
        for k in range(1, kmax + 1):
            H[k] = H[k] + sign * _shift(H[k - 1], s)
    for h in H:
        h.setflags(write=False)
    return tuple(H)


def _power(d: int, component: str, type_: str, k: int, bound: int) -> np.ndarray:
    return _symmetric_powers(d, component, type_, bound, bound)[k]


def _crop(a: np.ndarray, half: int) -> np.ndarray:
    mid = (len(a) - 1) // 2
    return a[mid - half : mid + half + 1]


def _product(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...], bound: int
) -> np.ndarray:
    """The character of ``⊗ Sym^{k_i}``: the cached products of the prefixes, shortest first,
    so that each recurses one level only."""
    for k in range(len(types)):
        _prefix_product(d, component, types[:k], degrees[:k], bound)
    return _prefix_product(d, component, types, degrees, bound)


@lru_cache(maxsize=4096)
def _prefix_product(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...], bound: int
) -> np.ndarray:
    _, half, _ = _layout(d, component, bound)
    if not types:
        out = np.zeros(2 * half + 1, dtype=np.int64)
        out[half] = 1
        return out
    rest = _prefix_product(d, component, types[:-1], degrees[:-1], bound)
    last = _power(d, component, types[-1], degrees[-1], bound)
    if degrees[-1] == 0:
        return rest
    return _multiply(rest, last, half)


def _multiply(a: np.ndarray, b: np.ndarray, half: int) -> np.ndarray:
    """Product of two Laurent polynomials, cropped to the layout (exact, int64)."""
    nz_a, nz_b = np.flatnonzero(a), np.flatnonzero(b)
    if min(len(nz_a), len(nz_b)) * len(a) < len(a) * len(b) // 4:
        if len(nz_a) < len(nz_b):
            a, nz_a, b = b, nz_b, a
            nz_b = np.flatnonzero(b)
        out = np.zeros_like(a)
        for j in nz_b:
            out += b[j] * _shift(a, int(j) - half)
        return out
    return _crop(np.convolve(a, b), half)


@lru_cache(maxsize=1024)
def _product_times_denominator(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...], bound: int
) -> np.ndarray:
    base, half, _ = _layout(d, component, bound)
    chi = _product(d, component, types, degrees, bound)
    out = np.zeros_like(chi)
    for mu, c in _weyl_denominator(d, component).items():
        out += c * _shift(chi, _code(mu, base))
    return out


def _component_dimension(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...], bound: int
) -> int:
    """``CT[χ · Π(1 − z^α)]`` for one component, split as a dot product of two halves."""
    _, half, q = _layout(d, component, bound)
    if q and 2 * half + 1 > _DENSE_LIMIT:
        return _sparse_component_dimension(d, component, types, degrees)
    if q == 0:
        # No torus: evaluate the character at the single element (all weights are zero).
        total = 1
        for t, k in zip(types, degrees):
            total *= int(_power(d, component, t, k, bound).sum())
        return total
    m = len(types) // 2
    left = _product(d, component, types[:m], degrees[:m], bound)
    right = _product_times_denominator(d, component, types[m:], degrees[m:], bound)
    return int(np.dot(left, right[::-1]))


# --- sparse Laurent polynomials, for large rank ------------------------------------------------
# Dense arrays have (2·reach + 1)^r entries, too many from r = 4 or 5 on; there the characters
# are kept as dicts {exponent: coefficient} and only the |W| coefficients χ_{−μ} that the Weyl
# denominator needs are read: CT[χ · Π(1 − z^α)] = Σ_μ Δ_μ χ_{−μ}.

_DENSE_LIMIT = 400_000


@lru_cache(maxsize=64)
def _sparse_powers(d: int, component: str, type_: str, kmax: int) -> tuple[dict, ...]:
    q = _rank(d, component)
    H: list[dict] = [{(0,) * q: 1}] + [{} for _ in range(kmax)]
    for sign, weight in _eigenvalues(d, component, type_):
        for k in range(1, kmax + 1):  # H_k += sign · z^w · H_{k-1} (already updated)
            new = dict(H[k])
            for e, c in H[k - 1].items():
                key = tuple(a + b for a, b in zip(e, weight))
                new[key] = new.get(key, 0) + sign * c
            H[k] = {e: c for e, c in new.items() if c}
    return tuple(H)


def _sparse_product(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...]
) -> dict:
    """As :func:`_product`, sparse."""
    for k in range(len(types)):
        _sparse_prefix_product(d, component, types[:k], degrees[:k])
    return _sparse_prefix_product(d, component, types, degrees)


@lru_cache(maxsize=4096)
def _sparse_prefix_product(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...]
) -> dict:
    q = _rank(d, component)
    if not types:
        return {(0,) * q: 1}
    rest = _sparse_prefix_product(d, component, types[:-1], degrees[:-1])
    if degrees[-1] == 0:
        return rest
    last = _sparse_powers(d, component, types[-1], max(degrees[-1], 8))[degrees[-1]]
    out: dict = {}
    for e1, c1 in rest.items():
        for e2, c2 in last.items():
            key = tuple(a + b for a, b in zip(e1, e2))
            out[key] = out.get(key, 0) + c1 * c2
    return {e: c for e, c in out.items() if c}


def _sparse_component_dimension(
    d: int, component: str, types: tuple[str, ...], degrees: tuple[int, ...]
) -> int:
    chi = _sparse_product(d, component, types, degrees)
    total = 0
    for mu, c in _weyl_denominator(d, component).items():
        total += c * chi.get(tuple(-x for x in mu), 0)
    return total
