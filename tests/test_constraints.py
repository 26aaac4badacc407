"""Tests of the constraint method of counting invariants (invariants.constraints).

The reference used for cross-checking is a brute-force solver written here from scratch in
real orthonormal coordinates (form ``sum v_a^2``): all monomials of the multidegree as
unknowns, the whole Lie algebra ``so(d)`` (basis ``E_ab - E_ba``) as equations, the
reflection ``diag(-1, 1, ..., 1)`` for ``O(d)``, and an exact rank over ``Z``.  It shares
nothing with the module under test except the problem statement.
"""

from __future__ import annotations

import itertools

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants.constraints import (
    _coordinate_weights,
    _simple_root_vectors,
    _split_gram,
    _weight_zero_monomials,
    constraint_dimension,
)

VECTOR_LIKE = ("vector", "pseudovector")
TYPES = ("scalar", "pseudoscalar", "vector", "pseudovector")


# ---------------------------------------------------------------------------------------
# Brute-force reference
# ---------------------------------------------------------------------------------------


def _compositions(n: int, degree: int) -> list[tuple[int, ...]]:
    return [e for e in itertools.product(range(degree + 1), repeat=n) if sum(e) == degree]


def brute_force_dimension(family, d, types, multidegree, antisymmetric=None) -> int:
    """Exact dimension of the invariants, in orthonormal coordinates, over Q."""
    sizes = [d if t in VECTOR_LIKE else 1 for t in types]
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]
    per_var = [_compositions(s, k) for s, k in zip(sizes, multidegree, strict=True)]
    monomials = [sum(parts, ()) for parts in itertools.product(*per_var)]
    index = {m: k for k, m in enumerate(monomials)}
    rows: list[dict[int, int]] = []

    # Lie algebra: D_L p = sum_vars sum_{a,b} L_ab v_b dp/dv_a, for L = E_ab - E_ba.
    vector_offsets = [o for o, t in zip(offsets, types, strict=True) if t in VECTOR_LIKE]
    for a, b in itertools.combinations(range(d), 2):
        L = np.zeros((d, d), dtype=int)
        L[a, b], L[b, a] = 1, -1
        image: dict[tuple, dict[int, int]] = {}
        for col, m in enumerate(monomials):
            for o in vector_offsets:
                for i, j in itertools.product(range(d), repeat=2):
                    if L[i, j] and m[o + i]:
                        n = list(m)
                        n[o + i] -= 1
                        n[o + j] += 1
                        row = image.setdefault(tuple(n), {})
                        row[col] = row.get(col, 0) + int(L[i, j]) * m[o + i]
        rows.extend(image.values())

    if family == "O":
        # S = diag(-1, 1, ..., 1), det S = -1: vectors get S, pseudovectors -S,
        # pseudoscalars -1.  Each monomial is an eigenvector: (sign - 1) c_m = 0.
        for col, m in enumerate(monomials):
            sign = 1
            for o, t, k in zip(offsets, types, multidegree, strict=True):
                if t == "vector":
                    sign *= (-1) ** m[o]
                elif t == "pseudovector":
                    sign *= (-1) ** (k - m[o])
                elif t == "pseudoscalar":
                    sign *= (-1) ** k
            if sign == -1:
                rows.append({col: 1})

    if antisymmetric is not None:
        i, j = antisymmetric
        for col, m in enumerate(monomials):
            n = list(m)
            n[offsets[i] : offsets[i] + sizes[i]] = m[offsets[j] : offsets[j] + sizes[j]]
            n[offsets[j] : offsets[j] + sizes[j]] = m[offsets[i] : offsets[i] + sizes[i]]
            row = {col: 1}
            other = index[tuple(n)]
            row[other] = row.get(other, 0) + 1
            rows.append(row)

    rows = [r for r in rows if any(r.values())]
    if not rows:
        return len(monomials)
    entries = [0] * (len(rows) * len(monomials))
    for r, row in enumerate(rows):
        for c, v in row.items():
            entries[r * len(monomials) + c] = v
    return len(monomials) - flint.fmpz_mat(len(rows), len(monomials), entries).rank()


def gram_count(beta: tuple[int, ...]) -> int:
    """Number of symmetric n x n matrices M >= 0 with 2 M_ii + sum_{j != i} M_ij = beta_i.

    The monomials in the Gram entries v_i . v_j of that multidegree; for O(d) with n <= d
    vectors they are a basis of the invariants (first fundamental theorem, and no relations).
    """
    n = len(beta)
    pairs = [(i, j) for i in range(n) for j in range(i, n)]

    def count(k: int, rest: tuple[int, ...]) -> int:
        if k == len(pairs):
            return int(not any(rest))
        i, j = pairs[k]
        total, e = 0, 0
        while True:
            left = list(rest)
            left[i] -= e  # the exponent e of v_i.v_j adds e to both degrees (2e if i == j)
            left[j] -= e
            if min(left) < 0:
                return total
            total += count(k + 1, tuple(left))
            e += 1

    return count(0, tuple(beta))


# ---------------------------------------------------------------------------------------
# The split form and its root vectors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", range(1, 11))
def test_split_gram_is_the_split_form(d):
    J = _split_gram(d)
    r = d // 2
    rng = np.random.default_rng(d)
    v = rng.integers(-5, 6, size=d)
    form = sum(v[j] * v[r + j] for j in range(r)) + (v[2 * r] ** 2 if d % 2 else 0)
    assert v @ J @ v == 2 * form
    assert round(abs(np.linalg.det(J))) != 0


@pytest.mark.parametrize("d", range(1, 11))
def test_simple_root_vectors(d):
    J = _split_gram(d)
    weights = [np.array(w, dtype=int) for w in _coordinate_weights(d)]
    roots = _simple_root_vectors(d)
    r = d // 2
    assert len(roots) == (r if d >= 3 else 0)
    unit = np.eye(r, dtype=int)
    expected = [tuple(unit[i] - unit[i + 1]) for i in range(r - 1)]
    if d >= 3:
        expected.append(tuple(unit[r - 2] + unit[r - 1]) if d % 2 == 0 else tuple(unit[r - 1]))
    assert [alpha for alpha, _ in roots] == expected
    for alpha, X in roots:
        assert X.dtype.kind == "i" and X.any()
        # X is in so(J): it preserves the split form.
        assert not (X.T @ J + J @ X).any()
        # X has weight alpha: it maps coordinate b to coordinate a with w(a) - w(b) = alpha.
        for a, b in zip(*np.nonzero(X), strict=True):
            assert tuple(weights[a] - weights[b]) == alpha
        # Equivalently [H, X] = alpha(H) X for the torus element H = diag(weights . h).
        h = np.arange(1, r + 1) * 7 + 3
        H = np.diag([int(w @ h) for w in weights])
        assert not (H @ X - X @ H - int(np.array(alpha) @ h) * X).any()


@pytest.mark.parametrize(
    "d, types, degrees",
    [
        (3, ["vector", "vector"], [2, 2]),
        (4, ["vector", "pseudoscalar", "vector"], [3, 1, 1]),
        (5, ["pseudovector", "vector"], [2, 3]),
        (6, ["vector", "vector", "scalar"], [2, 2, 2]),
        (2, ["vector"] * 3, [1, 2, 1]),
        (1, ["vector", "scalar"], [2, 1]),
    ],
)
def test_weight_zero_monomials_are_exactly_the_weight_zero_ones(d, types, degrees):
    weights = _coordinate_weights(d)
    r = d // 2
    coord_weights = [weights if t in VECTOR_LIKE else [(0,) * r] for t in types]
    got = _weight_zero_monomials(coord_weights, degrees)
    allm = itertools.product(
        *[_compositions(len(w), k) for w, k in zip(coord_weights, degrees, strict=True)]
    )
    want = []
    for parts in allm:
        flat = sum(parts, ())
        ws = [w for cw in coord_weights for w in cw]
        if all(sum(e * w[j] for e, w in zip(flat, ws, strict=True)) == 0 for j in range(r)):
            want.append(flat)
    assert len(got) == len(set(got))
    assert sorted(got) == sorted(want)


# ---------------------------------------------------------------------------------------
# Cross-check against the brute-force reference
# ---------------------------------------------------------------------------------------


@st.composite
def small_cases(draw):
    family = draw(st.sampled_from(["SO", "O"]))
    d = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    types = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    total = draw(st.integers(0, 4))
    degrees = [0] * n
    for _ in range(total):
        degrees[draw(st.integers(0, n - 1))] += 1
    antisymmetric = None
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(n), 2)
        if types[i] == types[j] and degrees[i] == degrees[j]
    ]
    if pairs and draw(st.booleans()):
        antisymmetric = draw(st.sampled_from(pairs))
    return family, d, types, degrees, antisymmetric


@settings(max_examples=40, deadline=None)
@given(small_cases())
def test_agrees_with_brute_force(case):
    family, d, types, degrees, antisymmetric = case
    expected = brute_force_dimension(family, d, types, degrees, antisymmetric)
    assert constraint_dimension(family, d, types, degrees, antisymmetric) == expected


@pytest.mark.parametrize(
    "family, d, types, degrees, antisymmetric",
    [
        ("SO", 4, ["vector"] * 4, [1, 1, 1, 1], None),
        ("O", 4, ["vector"] * 4, [1, 1, 1, 1], None),
        ("O", 4, ["vector", "pseudovector"], [2, 2], None),
        ("SO", 4, ["vector", "vector"], [2, 2], (0, 1)),
        ("O", 4, ["pseudovector"] * 3 + ["vector"], [1, 1, 1, 1], (0, 2)),
        ("SO", 3, ["vector", "pseudovector", "pseudovector"], [2, 1, 1], (1, 2)),
        ("O", 3, ["vector", "pseudoscalar", "vector"], [2, 1, 1], None),
        ("O", 2, ["vector", "vector", "pseudoscalar"], [2, 1, 1], None),
        ("SO", 2, ["pseudovector", "vector"], [2, 2], None),
        ("O", 1, ["vector", "pseudoscalar", "pseudovector"], [1, 2, 1], None),
        ("O", 4, ["vector"], [4], None),
        ("SO", 4, ["vector", "vector", "scalar"], [2, 1, 1], None),
        # beyond d = 4: types B_2 and D_3
        ("SO", 5, ["vector"] * 4, [1, 1, 1, 1], None),
        ("O", 5, ["pseudovector", "pseudoscalar"], [2, 2], None),
        ("O", 6, ["vector", "vector"], [2, 2], None),
    ],
)
def test_agrees_with_brute_force_selected(family, d, types, degrees, antisymmetric):
    expected = brute_force_dimension(family, d, types, degrees, antisymmetric)
    assert constraint_dimension(family, d, types, degrees, antisymmetric) == expected


# ---------------------------------------------------------------------------------------
# Known values
# ---------------------------------------------------------------------------------------


def test_gram_count_itself():
    assert gram_count((2,)) == 1  # |v|^2
    assert gram_count((1, 1)) == 1  # u.v
    assert gram_count((2, 2)) == 2  # |u|^2 |v|^2, (u.v)^2
    assert gram_count((1, 1, 1, 1)) == 3  # three pairings
    assert gram_count((1, 2)) == 0


@pytest.mark.parametrize(
    "d, beta",
    [
        (1, (4,)),
        (2, (2, 2)),
        (2, (3, 1)),
        (3, (2, 2)),
        (3, (2, 2, 2)),
        (3, (3, 1, 2)),
        (3, (4, 2, 2)),
        (4, (2, 2, 2, 2)),
        (4, (3, 3, 2)),
        (5, (2, 2, 2, 2)),
        (5, (3, 3, 2)),
        (6, (2, 2, 2)),
        (7, (2, 2, 2)),
    ],
)
def test_free_gram_ring(d, beta):
    """O(d) with n <= d vectors: the invariants are the free polynomial ring in the v_i.v_j."""
    n = len(beta)
    assert constraint_dimension("O", d, ["vector"] * n, beta) == gram_count(beta)
    if n < d:  # no determinant: SO(d) has the same invariants
        assert constraint_dimension("SO", d, ["vector"] * n, beta) == gram_count(beta)


@pytest.mark.parametrize("n, expected", [(2, 1), (3, 1), (4, 3), (5, 6)])
def test_so3_multilinear(n, expected):
    assert constraint_dimension("SO", 3, ["vector"] * n, [1] * n) == expected


@pytest.mark.parametrize(
    "family, d, types, degrees, expected",
    [
        ("SO", 2, ["vector", "vector"], [1, 1], 2),  # u.v and u x v
        ("O", 2, ["vector", "vector"], [1, 1], 1),
        ("O", 4, ["vector"] * 4, [1, 1, 1, 1], 3),
        ("SO", 4, ["vector"] * 4, [1, 1, 1, 1], 4),  # + det
        ("O", 3, ["vector", "vector", "pseudovector"], [1, 1, 1], 1),  # det(v1, v2, w)
        ("O", 3, ["vector"] * 3, [1, 1, 1], 0),
        ("SO", 3, ["vector"] * 3, [1, 1, 1], 1),
        ("O", 3, ["pseudoscalar"], [1], 0),
        ("O", 3, ["pseudoscalar"], [2], 1),
        ("SO", 3, ["pseudoscalar"], [1], 1),
        ("O", 3, ["scalar", "vector"], [3, 2], 1),
        ("SO", 3, [], [], 1),  # the constant
        ("O", 5, ["vector"], [0], 1),
        ("O", 3, ["vector"], [3], 0),
    ],
)
def test_known_values(family, d, types, degrees, expected):
    assert constraint_dimension(family, d, types, degrees) == expected


@pytest.mark.parametrize("family, expected", [("O", 0), ("SO", 1)])
def test_skew_output(family, expected):
    """eps_ijk v_k: a skew-symmetric matrix-valued function of one vector v.

    Written as a scalar p(v, u, w) linear in the dummies u, w and antisymmetric in them; the
    only candidate is det(v, u, w), a pseudo-invariant.
    """
    types = ["vector"] * 3
    assert constraint_dimension(family, 3, types, [1, 1, 1], antisymmetric=(1, 2)) == expected


def test_antisymmetry_kills_symmetric_polynomials():
    # u.v is symmetric in u, v: nothing antisymmetric of degree (1, 1) for O(d).
    for d in range(1, 6):
        assert constraint_dimension("O", d, ["vector"] * 2, [1, 1], antisymmetric=(0, 1)) == 0
    # SO(2): u x v is antisymmetric.
    assert constraint_dimension("SO", 2, ["vector"] * 2, [1, 1], antisymmetric=(1, 0)) == 1


# ---------------------------------------------------------------------------------------
# The prime
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("prime", [2, 3, 5, 7])
@pytest.mark.parametrize(
    "family, d, types, degrees, antisymmetric",
    [
        ("SO", 3, ["vector"] * 4, [2, 2, 1, 1], None),
        ("O", 4, ["vector", "pseudovector", "vector"], [2, 2, 2], None),
        ("SO", 5, ["vector"] * 3, [2, 2, 2], (0, 2)),
        ("O", 2, ["vector", "vector", "pseudoscalar"], [3, 3, 2], (0, 1)),
        ("O", 3, ["vector", "vector"], [5, 3], None),
    ],
)
def test_small_prime_gives_upper_bound(prime, family, d, types, degrees, antisymmetric):
    exact = constraint_dimension(family, d, types, degrees, antisymmetric)
    small = constraint_dimension(family, d, types, degrees, antisymmetric, prime=prime)
    assert small >= exact


def test_prime_two_can_overcount():
    # SO(3), one vector, degree 2: unknowns xy and z^2; the B_1 root vector 2 z d/dx - y d/dz
    # gives D(xy) = 2yz and D(z^2) = -2yz, which vanish mod 2.
    assert constraint_dimension("SO", 3, ["vector"], [2]) == 1
    assert constraint_dimension("SO", 3, ["vector"], [2], prime=2) == 2


@settings(max_examples=15, deadline=None)
@given(small_cases(), st.sampled_from([2, 3, 5]))
def test_small_prime_upper_bound_random(case, prime):
    family, d, types, degrees, antisymmetric = case
    exact = constraint_dimension(family, d, types, degrees, antisymmetric)
    assert constraint_dimension(family, d, types, degrees, antisymmetric, prime=prime) >= exact


# ---------------------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (("U", 3, ["vector"], [2]), {}),
        (("SO", 0, ["vector"], [2]), {}),
        (("SO", 3, ["tensor"], [2]), {}),
        (("SO", 3, ["vector"], [2, 1]), {}),
        (("SO", 3, ["vector"], [-1]), {}),
        (("SO", 3, ["vector", "vector"], [1, 1]), {"antisymmetric": (0, 0)}),
        (("SO", 3, ["vector", "vector"], [1, 1]), {"antisymmetric": (0, 2)}),
        (("SO", 3, ["vector", "vector"], [1, 2]), {"antisymmetric": (0, 1)}),
        (("SO", 3, ["vector", "pseudovector"], [1, 1]), {"antisymmetric": (0, 1)}),
        (("SO", 3, ["vector"], [2]), {"prime": 15}),
        (("SO", 3, ["vector"], [2]), {"prime": 1}),
    ],
)
def test_bad_input(args, kwargs):
    with pytest.raises(ValueError):
        constraint_dimension(*args, **kwargs)
