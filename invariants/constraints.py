"""Count invariant polynomials of SO(d) and O(d) by solving the invariance constraints.

This is one of two independent ways the package counts invariants; the other integrates
Weyl characters.  Nothing here uses characters, and this module imports no other module of
the package, so that agreement between the two methods is a real check.

The mathematics
---------------
Work over ``Q`` with the *split* quadratic form.  For ``d = 2r`` a vector has coordinates
``(x_1..x_r, y_1..y_r)`` and form ``sum_j x_j y_j``; for ``d = 2r + 1`` there is one more
coordinate ``z`` and the form is ``sum_j x_j y_j + z^2``.  Over ``C`` every non-degenerate
form is equivalent to this one, so ``SO(d, C)`` and ``O(d, C)`` are the groups preserving it.

1. *Torus.*  The diagonal matrices ``diag(t_1..t_r, 1/t_1..1/t_r [, 1])`` preserve the split
   form; they are a maximal torus.  A monomial is an eigenvector of the torus, with weight
   ``sum_j (deg_{x_j} - deg_{y_j}) e_j`` (``x_j`` has weight ``e_j``, ``y_j`` weight ``-e_j``,
   ``z`` and scalars weight 0).  An invariant is fixed by the torus, hence a combination of
   weight-zero monomials only: these are the unknowns.  This is the main saving.
2. *Lie algebra.*  ``SO(d, C)`` is connected, so ``p`` is invariant iff ``D_X p = 0`` for all
   ``X`` in ``so(d)``, where ``D_X p = sum_vars sum_{a,b} X_ab v_b dp/dv_a`` is the derivative
   of ``t -> p(exp(tX) v)``.  For a weight-zero ``p`` it suffices to take for ``X`` the root
   vectors ``E_alpha`` of the *simple* roots: all positive root vectors are brackets of
   simple ones, so such a ``p`` is killed by every positive root vector, i.e. it is an
   extremal-weight vector of weight 0 and generates an irreducible module of extremal weight
   0, which is the trivial one.  (With the weight convention above, ``D_X`` sends weight
   ``mu`` to ``mu - alpha``: the coordinate functions carry the dual representation.  The
   argument is the same with "lowest" in place of "highest".)
3. *Reflection.*  ``O(d) = SO(d) x| {1, R}`` for one reflection ``R`` (any element of
   determinant -1).  For odd ``d`` take ``R = -I``, which multiplies every monomial of a
   given multidegree by the same sign: either no condition, or no invariants at all.  For
   even ``d`` take ``R``: ``x_r <-> y_r``; it permutes the weight-zero monomials, with one
   sign for the whole multidegree, and adds the rows ``p(R v) - p(v) = 0``.  (``R`` does not
   commute with the root vectors of roots involving ``e_r``; as rows, it leaves their block
   structure, used below, intact.)
4. *Antisymmetry* ``p(swap) = -p`` in two variables of the same type and degree commutes
   with everything above, so it is imposed on the unknowns: they become ``m - swap(m)``
   (monomials with ``swap(m) = m`` drop out).

The answer is the nullity mod a prime ``p`` of the resulting integer matrix (columns: the
unknowns; rows: ``D_alpha`` for each simple root ``alpha``, and the ``R`` rows).  The
unknowns are linearly independent mod every prime and rank mod ``p`` <= rank over ``Q``, so
that nullity is an upper bound on the true dimension, equal to it for all but finitely
many ``p``.

Linear algebra
--------------
``ker [A_1; ...; A_k] = ker A_1 n ... n ker A_k``.  Each group of rows alone is block
diagonal with small blocks: ``E_alpha`` only moves exponents between the few coordinates it
involves, and ``R`` pairs monomials.  The group with the smallest kernel is solved block by
block (dense FLINT nullspaces), the other groups are restricted to that kernel, and the
rank of that much narrower, still sparse matrix is found by Gaussian elimination with
Markowitz pivoting, handed to FLINT's dense rank once what is left fills in.  Everything is
exact arithmetic mod ``p``: the result is exactly the nullity mod ``p`` of the system.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Sequence

import flint
import numpy as np

__all__ = ["constraint_dimension"]

_SCALAR_TYPES = ("scalar", "pseudoscalar")
_VECTOR_TYPES = ("vector", "pseudovector")

Weight = tuple[int, ...]
Monomial = tuple[int, ...]  # flat exponent vector: the coordinates of all variables in order
SparseColumn = dict[Monomial, int]


# --------------------------------------------------------------------------------------
# The split form, its torus weights and the simple root vectors.
# Coordinate order of a vector: x_1..x_r (indices 0..r-1), y_1..y_r (r..2r-1), z (2r).
# --------------------------------------------------------------------------------------


def _split_gram(d: int) -> np.ndarray:
    """Gram matrix ``J`` of the split form: ``v^T J v = 2 (sum_j x_j y_j [+ z^2])``."""
    r = d // 2
    gram = np.zeros((d, d), dtype=np.int64)
    for j in range(r):
        gram[j, r + j] = gram[r + j, j] = 1
    if d % 2:
        gram[2 * r, 2 * r] = 2
    return gram


def _coordinate_weights(d: int) -> list[Weight]:
    """Torus weight of each coordinate: ``x_j -> e_j``, ``y_j -> -e_j``, ``z -> 0``."""
    r = d // 2
    weights = []
    for a in range(d):
        w = [0] * r
        if a < r:
            w[a] = 1
        elif a < 2 * r:
            w[a - r] = -1
        weights.append(tuple(w))
    return weights


def _simple_root_vectors(d: int) -> list[tuple[Weight, np.ndarray]]:
    """Simple roots ``alpha`` of ``so(d)`` and integer root vectors ``X`` for them.

    ``X`` preserves the split form (``X^T J + J X = 0``) and has weight ``alpha``: every
    non-zero entry ``X_ab`` has ``weight(a) - weight(b) = alpha``.

    * ``d = 2r``, ``r >= 2`` (type ``D_r``): ``e_i - e_{i+1}`` and ``e_{r-1} + e_r``.
    * ``d = 2r + 1``, ``r >= 1`` (type ``B_r``): ``e_i - e_{i+1}`` and ``e_r``.
    * ``d = 1, 2``: none (``SO(1)`` is trivial, ``SO(2)`` is its own torus).
    """
    r = d // 2

    def root(*signed: tuple[int, int]) -> Weight:
        w = [0] * r
        for i, sign in signed:
            w[i] += sign
        return tuple(w)

    roots: list[tuple[Weight, np.ndarray]] = []
    if d <= 2:
        return roots
    # Indices of the basis vectors; X[a, b] != 0 sends basis vector b to basis vector a.
    x, y, z = (lambda i: i), (lambda i: r + i), 2 * r
    for i in range(r - 1):
        # e_i - e_{i+1}: x_{i+1} -> x_i and y_i -> -y_{i+1}.  (With X = [[A, B], [C, D]] in
        # the (x, y) blocks, X^T J + J X = 0 means D = -A^T, B = -B^T, C = -C^T.)
        X = np.zeros((d, d), dtype=np.int64)
        X[x(i), x(i + 1)] = 1
        X[y(i + 1), y(i)] = -1
        roots.append((root((i, 1), (i + 1, -1)), X))
    if d % 2 == 0:
        # e_{r-1} + e_r: y_r -> x_{r-1} and y_{r-1} -> -x_r  (block B antisymmetric).
        X = np.zeros((d, d), dtype=np.int64)
        X[x(r - 2), y(r - 1)] = 1
        X[x(r - 1), y(r - 2)] = -1
        roots.append((root((r - 2, 1), (r - 1, 1)), X))
    else:
        # e_r: z -> 2 x_r and y_r -> -z.  X^T J + J X = 0 asks X[x_r, z] J[y_r, x_r] +
        # J[z, z] X[z, y_r] = 0, i.e. X[x_r, z] = -2 X[z, y_r] (z^2 has coefficient 1, the
        # pair x_r y_r only 1/2 of the symmetric bilinear form): the integral choice.
        X = np.zeros((d, d), dtype=np.int64)
        X[x(r - 1), z] = 2
        X[z, y(r - 1)] = -1
        roots.append((root((r - 1, 1)), X))
    return roots


# --------------------------------------------------------------------------------------
# Monomials
# --------------------------------------------------------------------------------------


def _exponent_vectors(n: int, degree: int) -> Iterator[tuple[int, ...]]:
    """All ``n``-tuples of non-negative integers with sum ``degree`` (stars and bars)."""
    for bars in itertools.combinations(range(degree + n - 1), n - 1):
        prev = -1
        out = []
        for b in bars:
            out.append(b - prev - 1)
            prev = b
        out.append(degree + n - 2 - prev)
        yield tuple(out)


def _weight_zero_monomials(
    coord_weights: list[list[Weight]], degrees: Sequence[int]
) -> list[Monomial]:
    """The monomials of the multidegree whose total torus weight is zero.

    Per variable, the exponent vectors of its degree are grouped by weight.  The variables
    are then combined as a convolution over weights, keeping a partial product only when
    the remaining variables can still bring its weight back to zero, so no monomial of
    non-zero weight is ever built.
    """
    n = len(degrees)
    # Encode a weight (w_1..w_r) as the integer sum_j w_j B^j.  Every partial sum of weights
    # has |w_j| <= total degree < B/2, so the encoding is injective and additive.
    base = 2 * sum(degrees) + 1

    def encode(w: Weight) -> int:
        return sum(wj * base**j for j, wj in enumerate(w))

    groups: list[dict[int, list[tuple[int, ...]]]] = []
    for weights, degree in zip(coord_weights, degrees, strict=True):
        coded = [encode(w) for w in weights]
        by_weight: dict[int, list[tuple[int, ...]]] = {}
        for e in _exponent_vectors(len(weights), degree):
            by_weight.setdefault(sum(k * w for k, w in zip(e, coded, strict=True)), []).append(e)
        groups.append(by_weight)
    # reach[i]: the weights that variables i..n-1 together can have.
    reach: list[set[int]] = [set() for _ in range(n + 1)]
    reach[n] = {0}
    for i in range(n - 1, -1, -1):
        reach[i] = {u + w for u in groups[i] for w in reach[i + 1]}

    if n == 0:
        return [()]
    if 0 not in reach[0]:
        return []
    # Extend the partial products one variable at a time, in order (the lex order of the
    # choices, as a depth-first search would give, without recursion over the variables).
    level: list[tuple[int, tuple[int, ...]]] = [(0, ())]
    for i in range(n - 1):
        after = reach[i + 1]
        level = [
            (weight + u, prefix + e)
            for weight, prefix in level
            for u, exps in groups[i].items()
            if -(weight + u) in after
            for e in exps
        ]
    # the last variable must bring the weight back to exactly zero
    return [prefix + e for weight, prefix in level for e in groups[n - 1].get(-weight, ())]


def _antisymmetrised_basis(
    monomials: list[Monomial], swap: Callable[[Monomial], Monomial]
) -> list[SparseColumn]:
    """Basis of ``{c : c_{swap(m)} = -c_m}``: one ``m - swap(m)`` per pair ``{m, swap(m)}``.

    A monomial with ``swap(m) = m`` has ``c_m = -c_m`` and contributes nothing.
    """
    seen: set[Monomial] = set()
    basis = []
    for m in monomials:
        if m in seen:
            continue
        n = swap(m)
        seen.update((m, n))
        if n != m:
            basis.append({m: 1, n: -1})
    return basis


def _symmetry_rows(
    basis: list[SparseColumn], sigma: Callable[[Monomial], Monomial], sign: int
) -> list[SparseColumn]:
    """Columns of the equations ``p(sigma v) - p(v) = 0``, where ``m(sigma v) = sign sigma(m)``."""
    columns = []
    for b in basis:
        col: SparseColumn = {}
        for m, cm in b.items():
            n = sigma(m)
            col[n] = col.get(n, 0) + sign * cm
            col[m] = col.get(m, 0) - cm
        columns.append({k: v for k, v in col.items() if v})
    return columns


def _apply_derivation(
    column: SparseColumn, entries: list[tuple[int, int, int]], offsets: list[int]
) -> SparseColumn:
    """``D_X`` of a polynomial: ``sum_vars sum_{a,b} X_ab v_b dp/dv_a``.

    ``entries`` lists the non-zero ``(a, b, X_ab)``; ``offsets`` are the positions of the
    vector-like variables in the flat exponent vector (scalars are fixed by ``so(d)``, and
    so are pseudoscalars, as ``d/dt det(exp tX) = tr X = 0``; likewise pseudovectors move
    exactly like vectors).  All root vectors have ``a != b``.
    """
    out: SparseColumn = {}
    for m, cm in column.items():
        ml = list(m)
        for o in offsets:
            for a, b, xab in entries:
                e = m[o + a]
                if e:
                    # v_b d/dv_a v_a^e = e v_a^(e-1) v_b
                    ml[o + a] -= 1
                    ml[o + b] += 1
                    key = tuple(ml)
                    out[key] = out.get(key, 0) + cm * xab * e
                    ml[o + a] += 1
                    ml[o + b] -= 1
    return {k: v for k, v in out.items() if v}


# --------------------------------------------------------------------------------------
# Sparse nullity mod p
# --------------------------------------------------------------------------------------


def _components(columns: list[SparseColumn]) -> list[list[int]]:
    """Connected components (lists of column indices) of a sparse matrix."""
    parent = list(range(len(columns)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict = {}
    for c, col in enumerate(columns):
        for row in col:
            o = owner.setdefault(row, c)
            if o != c:
                a, b = find(o), find(c)
                if a != b:
                    parent[a] = b
    comps: dict[int, list[int]] = {}
    for c in range(len(columns)):
        comps.setdefault(find(c), []).append(c)
    return list(comps.values())


def _dense(rows: list[dict], ncols: int, p: int) -> flint.nmod_mat:
    """An ``nmod_mat`` from sparse rows (dicts column index -> value)."""
    entries = [0] * (len(rows) * ncols)
    for i, row in enumerate(rows):
        base = i * ncols
        for j, v in row.items():
            entries[base + j] = v % p
    return flint.nmod_mat(len(rows), ncols, entries, p)


def _sparse_rank(columns: list[SparseColumn], p: int, dense_fraction: float = 0.1) -> int:
    """Rank mod ``p`` of a sparse matrix given by its columns (dicts row key -> value).

    Gaussian elimination with Markowitz-style pivoting (a column with fewest entries, then
    its shortest row), which keeps fill-in low; once the remaining matrix is denser than
    ``dense_fraction`` it is handed to FLINT's dense rank.
    """
    row_id: dict = {}
    rows: list[dict[int, int]] = []
    for j, col in enumerate(columns):
        for key, v in col.items():
            v %= p
            if v:
                i = row_id.setdefault(key, len(rows))
                if i == len(rows):
                    rows.append({})
                rows[i][j] = v
    col_rows: dict[int, set[int]] = {}
    for i, row in enumerate(rows):
        for j in row:
            col_rows.setdefault(j, set()).add(i)
    nnz = sum(len(row) for row in rows)
    live_rows = len(rows)
    heap = [(len(rs), j) for j, rs in col_rows.items()]
    heapq.heapify(heap)
    rank = 0
    while col_rows:
        if nnz > dense_fraction * live_rows * len(col_rows) and len(col_rows) > 64:
            cols = {j: k for k, j in enumerate(col_rows)}
            live = {i for rs in col_rows.values() for i in rs}
            rest = [{cols[j]: v for j, v in rows[i].items()} for i in live]
            return rank + _dense(rest, len(cols), p).rank()
        count, c = heapq.heappop(heap)
        if c not in col_rows or len(col_rows[c]) != count:
            continue  # stale heap entry
        pivot_rows = col_rows.pop(c)
        if not pivot_rows:
            continue
        piv = min(pivot_rows, key=lambda i: len(rows[i]))
        prow = rows[piv]
        inv = pow(prow[c], -1, p)
        touched = set()
        for i in pivot_rows:
            if i == piv:
                continue
            row = rows[i]
            f = row.pop(c) * inv % p
            nnz -= 1
            for j, v in prow.items():
                if j == c:
                    continue
                old = row.get(j)
                new = ((old or 0) - f * v) % p
                if new:
                    row[j] = new
                    if old is None:
                        col_rows[j].add(i)
                        nnz += 1
                        touched.add(j)
                elif old is not None:
                    del row[j]
                    col_rows[j].discard(i)
                    nnz -= 1
                    touched.add(j)
        for j in prow:
            if j != c:
                col_rows[j].discard(piv)
                touched.add(j)
        nnz -= len(prow)
        rows[piv] = {}
        live_rows -= 1
        rank += 1
        for j in touched:
            heapq.heappush(heap, (len(col_rows[j]), j))
    return rank


def _block_rows(columns: list[SparseColumn], cols: list[int]) -> list[dict[int, int]]:
    """The rows of the submatrix on the columns ``cols`` (renumbered 0..len(cols)-1)."""
    row_id: dict = {}
    rows: list[dict[int, int]] = []
    for k, c in enumerate(cols):
        for key, v in columns[c].items():
            i = row_id.setdefault(key, len(rows))
            if i == len(rows):
                rows.append({})
            rows[i][k] = v
    return rows


def _block_kernel_dimension(columns: list[SparseColumn], p: int) -> int:
    total = 0
    for cols in _components(columns):
        rows = _block_rows(columns, cols)
        total += len(cols) - (_dense(rows, len(cols), p).rank() if rows else 0)
    return total


def _block_kernel(columns: list[SparseColumn], p: int) -> list[dict[int, int]]:
    """A basis (sparse vectors: column index -> value mod p) of the kernel, block by block."""
    basis = []
    for cols in _components(columns):
        rows = _block_rows(columns, cols)
        if not rows:
            basis.extend({c: 1} for c in cols)
            continue
        null, nullity = _dense(rows, len(cols), p).nullspace()
        entries = null.tolist()
        for k in range(nullity):
            vec = {cols[i]: int(entries[i][k]) for i in range(len(cols))}
            basis.append({c: v for c, v in vec.items() if v})
    return basis


def _stacked_nullity(ncols: int, groups: list[list[SparseColumn]], p: int) -> int:
    """Nullity mod ``p`` of the matrix whose rows are those of all ``groups``.

    Each group is a list (one per column) of sparse columns; different groups have
    independent row sets.  ``ker [A_1; A_2; ...] = ker A_1 n ker [A_2; ...]``: each group
    alone is block diagonal with small blocks (a root vector only mixes a few coordinates),
    so its kernel is cheap to find block by block.  The group with the smallest kernel is
    solved that way and the other groups are restricted to its kernel, which leaves a much
    smaller sparse matrix.
    """
    if ncols == 0:
        return 0
    if not groups:
        return ncols
    if len(groups) == 1:
        return ncols - _sparse_rank(groups[0], p)
    dims = [_block_kernel_dimension(group, p) for group in groups]
    best = min(range(len(groups)), key=dims.__getitem__)
    if dims[best] == 0:
        return 0
    kernel = _block_kernel(groups[best], p)
    images = []
    for vec in kernel:
        image: dict = {}
        for g, group in enumerate(groups):
            if g != best:
                for c, coeff in vec.items():
                    for row, v in group[c].items():
                        key = (g, row)
                        image[key] = image.get(key, 0) + coeff * v
        images.append(image)
    return len(kernel) - _sparse_rank(images, p)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def constraint_dimension(
    family: str,
    d: int,
    types: Sequence[str],
    multidegree: Sequence[int],
    antisymmetric: tuple[int, int] | None = None,
    prime: int = 2**61 - 1,
) -> int:
    """Dimension of the invariant polynomials of a multidegree, by solving constraints.

    Parameters
    ----------
    family:
        ``"SO"`` or ``"O"``: the complex group ``SO(d, C)`` or ``O(d, C)``.
    d:
        The dimension, ``d >= 1``.
    types:
        One entry per variable: ``"scalar"`` or ``"pseudoscalar"`` (one coordinate, on
        which ``g`` acts by ``1`` resp. ``det g``), ``"vector"`` or ``"pseudovector"``
        (``d`` coordinates, on which ``g`` acts by ``g`` resp. ``det(g) g``).
    multidegree:
        The degree in each variable.
    antisymmetric:
        ``(i, j)``: count only polynomials with ``p(swap) = -p``, where ``swap`` exchanges
        variables ``i`` and ``j`` (which must have the same type and degree), as needed
        for skew-symmetric tensor outputs.
    prime:
        The prime modulus of the linear algebra.

    Returns
    -------
    int
        The nullity mod ``prime`` of the integer linear system satisfied by the coefficients
        of an invariant polynomial of this multidegree (unknowns: weight-zero monomials,
        antisymmetrised if asked; equations: the root vectors of the simple roots of
        ``so(d)`` and, for ``O(d)``, one reflection).  Since rank mod ``p`` <= rank over
        ``Q``, this is an **upper bound** on the true dimension, equal to it for all but
        finitely many primes (in practice for the default ``2**61 - 1``).

    Examples
    --------
    Invariants of ``SO(3)`` of bidegree ``(2, 2)`` in two vectors are spanned by
    ``|u|^2 |v|^2`` and ``(u.v)^2``:

    >>> constraint_dimension("SO", 3, ["vector", "vector"], [2, 2])
    2

    The determinant of three vectors is ``SO(3)``- but not ``O(3)``-invariant:

    >>> constraint_dimension("SO", 3, ["vector"] * 3, [1, 1, 1])
    1
    >>> constraint_dimension("O", 3, ["vector"] * 3, [1, 1, 1])
    0
    """
    if family not in ("SO", "O"):
        raise ValueError(f"family must be 'SO' or 'O', not {family!r}")
    if not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"d must be an integer >= 1, not {d!r}")
    d = int(d)
    types = list(types)
    degrees = [int(k) for k in multidegree]
    if len(types) != len(degrees):
        raise ValueError("types and multidegree must have the same length")
    for t in types:
        if t not in _SCALAR_TYPES + _VECTOR_TYPES:
            raise ValueError(f"unknown variable type {t!r}")
    if any(k < 0 for k in degrees):
        raise ValueError("degrees must be non-negative")
    if antisymmetric is not None:
        i, j = antisymmetric
        if not (0 <= i < len(types) and 0 <= j < len(types)) or i == j:
            raise ValueError(f"antisymmetric must be two distinct variable indices, not {(i, j)}")
        if types[i] != types[j] or degrees[i] != degrees[j]:
            raise ValueError("antisymmetric variables must have the same type and degree")
    prime = int(prime)
    if prime < 2 or prime >= 2**64 or not flint.fmpz(prime).is_prime():
        raise ValueError(f"prime must be a prime below 2**64, not {prime}")

    r = d // 2
    weights = _coordinate_weights(d)
    scalar_weight = [(0,) * r]
    coord_weights = [weights if t in _VECTOR_TYPES else scalar_weight for t in types]
    offsets = list(itertools.accumulate((len(w) for w in coord_weights), initial=0))
    vector_offsets = [offsets[i] for i, t in enumerate(types) if t in _VECTOR_TYPES]
    # Sign by which det = -1 acts on every monomial through the pseudo-variables.
    pseudo_sign = (-1) ** sum(
        k for t, k in zip(types, degrees, strict=True) if t in ("pseudoscalar", "pseudovector")
    )

    if family == "O" and d % 2:
        # R = -I: vectors flip, pseudovectors do not (det(-I)(-I) = I), pseudoscalars flip;
        # every monomial of the multidegree gets the same sign, so either this imposes
        # nothing or there are no invariants at all.
        vector_degree = sum(k for t, k in zip(types, degrees, strict=True) if t == "vector")
        pseudoscalar_degree = sum(
            k for t, k in zip(types, degrees, strict=True) if t == "pseudoscalar"
        )
        if (vector_degree + pseudoscalar_degree) % 2:
            return 0

    monomials = _weight_zero_monomials(coord_weights, degrees)

    if antisymmetric is not None:
        # p(swap v) = -p(v) means c_{swap(m)} = -c_m.  The swap commutes with so(d) (which
        # acts on all variables alike), so it is imposed on the unknowns: they become the
        # antisymmetrised monomials m - swap(m).
        i, j = sorted(antisymmetric)
        (a0, a1), (b0, b1) = offsets[i : i + 2], offsets[j : j + 2]

        def exchange(m: Monomial) -> Monomial:
            return m[:a0] + m[b0:b1] + m[a1:b0] + m[a0:a1] + m[b1:]

        basis = _antisymmetrised_basis(monomials, exchange)
    else:
        basis = [{m: 1} for m in monomials]

    # One group of rows per simple root: D_X p = 0 for the root vector X.
    groups = []
    if vector_offsets:
        for _alpha, X in _simple_root_vectors(d):
            entries = [(int(a), int(b), int(X[a, b])) for a, b in zip(*np.nonzero(X), strict=True)]
            groups.append([_apply_derivation(col, entries, vector_offsets) for col in basis])

    if family == "O" and d % 2 == 0:
        # R: x_r <-> y_r in every vector-like variable (det R = -1), so also -1 on each
        # pseudo-variable: m(R v) = pseudo_sign * R(m)(v).  R does not commute with the
        # root vectors involving e_r, so it is imposed by rows p(R v) - p(v) = 0 (as
        # unknowns, R-orbit sums would glue the root-vector blocks together).
        swaps = [(o + r - 1, o + 2 * r - 1) for o in vector_offsets]

        def reflect(m: Monomial) -> Monomial:
            ml = list(m)
            for a, b in swaps:
                ml[a], ml[b] = ml[b], ml[a]
            return tuple(ml)

        groups.append(_symmetry_rows(basis, reflect, pseudo_sign))
    return _stacked_nullity(len(basis), groups, prime)
