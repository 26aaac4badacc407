"""The character count against independent counts."""

import itertools
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import InvariantsError, character_dimension


@cache
def gram_count(beta: tuple[int, ...]) -> int:
    """Monomials in the Gram entries <v_i, v_j> (i <= j) of multidegree beta.

    For n <= d vectors the Gram entries are algebraically independent (first fundamental
    theorem, no relations below n = d + 1), so this is the dimension of O(d)-invariants.
    """
    n = len(beta)
    pairs = list(itertools.combinations_with_replacement(range(n), 2))

    def count(rem, k):
        if k == len(pairs):
            return int(not any(rem))
        i, j = pairs[k]
        total, e = 0, 0
        while True:
            r = list(rem)
            r[i] -= e
            r[j] -= e
            if min(r) < 0:
                return total
            total += count(tuple(r), k + 1)
            e += 1

    return count(tuple(beta), 0)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 7), st.data())
def test_characters_match_free_gram_ring(d, data):
    n = data.draw(st.integers(1, d))
    beta = tuple(data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    assert character_dimension("O", d, ["vector"] * n, beta, method="weyl") == gram_count(beta)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["O", "SO"]), st.integers(2, 6), st.data())
def test_gram_shortcut_agrees_with_the_weyl_integral(family, d, data):
    types = data.draw(
        st.lists(st.sampled_from(["vector", "pseudovector", "scalar", "pseudoscalar"]), max_size=4)
    )
    beta = tuple(data.draw(st.lists(st.integers(0, 4), min_size=len(types), max_size=len(types))))
    vectors = sum(1 for t, k in zip(types, beta) if k and t.endswith("vector"))
    weyl = character_dimension(family, d, types, beta, method="weyl")
    if vectors < d:
        assert character_dimension(family, d, types, beta, method="gram") == weyl
        assert character_dimension(family, d, types, beta) == weyl
    else:
        with pytest.raises(InvariantsError, match="method='gram' needs fewer than"):
            character_dimension(family, d, types, beta, method="gram")


def test_large_d_answers_or_refuses_at_once():
    # 3 vectors in 40 dimensions: the free Gram ring (15 monomials of multidegree (4, 4, 4))
    assert character_dimension("SO", 40, ["vector"] * 3, (4, 4, 4)) == gram_count((4, 4, 4))
    with pytest.raises(InvariantsError, match="Weyl integral, supported for d ≤ 12"):
        character_dimension("SO", 20, ["vector"] * 20, (1,) * 20)
    for bad in (0, -3, 2.5, "3", True):
        with pytest.raises(InvariantsError, match="d must be a positive integer"):
            character_dimension("SO", bad, ["vector"], (2,))


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6), st.data())
def test_so_splits_into_even_and_odd_o_invariants(d, data):
    # SO(d)-invariants = O(d)-invariants ⊕ (O(d)-invariants times a pseudoscalar), because the
    # character det of O(d) is trivial on SO(d).
    types = data.draw(
        st.lists(
            st.sampled_from(["vector", "pseudovector", "scalar", "pseudoscalar"]),
            min_size=1,
            max_size=4,
        )
    )
    beta = tuple(data.draw(st.lists(st.integers(0, 3), min_size=len(types), max_size=len(types))))
    so = character_dimension("SO", d, types, beta)
    even = character_dimension("O", d, types, beta)
    odd = character_dimension("O", d, types + ["pseudoscalar"], beta + (1,))
    assert so == even + odd


@pytest.mark.parametrize(
    "family,d,types,beta,expected",
    [
        ("SO", 3, ["vector"] * 2, (1, 1), 1),
        ("SO", 3, ["vector"] * 3, (1, 1, 1), 1),
        ("SO", 3, ["vector"] * 4, (1, 1, 1, 1), 3),
        ("SO", 3, ["vector"] * 5, (1, 1, 1, 1, 1), 6),  # Motzkin-like sequence 1, 1, 3, 6
        ("O", 4, ["vector"] * 4, (1, 1, 1, 1), 3),
        ("SO", 4, ["vector"] * 4, (1, 1, 1, 1), 4),
        ("O", 3, ["vector", "vector", "pseudovector"], (1, 1, 1), 1),
        ("O", 3, ["vector"] * 3, (1, 1, 1), 0),
        ("O", 3, ["pseudoscalar"], (2,), 1),
        ("O", 3, ["pseudoscalar"], (1,), 0),
        ("O", 2, ["vector"] * 2, (1, 1), 1),
        ("SO", 2, ["vector"] * 2, (1, 1), 2),
        ("SO", 1, ["vector"] * 3, (2, 1, 1), 1),
        ("O", 1, ["vector"] * 3, (2, 1, 1), 1),
        ("O", 1, ["vector"] * 3, (1, 1, 1), 0),
        ("O", 3, ["vector"] * 4, (2, 2, 2, 2), 17 - 1),  # 17 Gram monomials, 1 relation (det)
    ],
)
def test_known_values(family, d, types, beta, expected):
    assert character_dimension(family, d, types, beta) == expected


def test_gram_count_itself():
    assert gram_count((2, 2, 2, 2)) == 17
    assert gram_count((1, 1)) == 1 and gram_count((2,)) == 1 and gram_count((1,)) == 0


def test_skew_is_matrix_minus_sym():
    for d in (2, 3, 4):
        for family in ("O", "SO"):
            types = ["vector", "vector", "vector"]
            matrix = character_dimension(family, d, types, (2, 1, 1))
            sym = character_dimension(family, d, types[:2], (2, 2))
            skew = character_dimension(family, d, types, (2, 1, 1), antisymmetric=(1, 2))
            assert skew == matrix - sym >= 0


@pytest.mark.parametrize(
    "args,message",
    [
        (("U", 3, ["vector"], (1,)), "family"),
        (("SO", 3, ["spinor"], (1,)), "unknown variable type"),
        (("SO", 3, ["vector"], (-1,)), "non-negative"),
        (("SO", 3, ["vector"], (1, 1)), "same length"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(InvariantsError, match=message):
        character_dimension(*args)


@pytest.mark.parametrize("d", [8, 9, 12])
def test_large_rank_uses_sparse_characters_and_matches_gram(d):
    beta = (3, 2, 2)
    assert character_dimension("O", d, ["vector"] * 3, beta, method="weyl") == gram_count(beta)
    # SO(d) with n < d vectors has no brackets: the same count.
    assert character_dimension("SO", d, ["vector"] * 3, beta, method="weyl") == gram_count(beta)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["O", "SO"]), st.integers(2, 7), st.data())
def test_sparse_and_dense_characters_agree(family, d, data):
    from invariants import counting

    types = data.draw(
        st.lists(
            st.sampled_from(["vector", "pseudovector", "pseudoscalar"]), min_size=1, max_size=3
        )
    )
    beta = tuple(data.draw(st.lists(st.integers(0, 3), min_size=len(types), max_size=len(types))))
    dense = character_dimension(family, d, types, beta, method="weyl")
    saved = counting._DENSE_LIMIT
    counting._DENSE_LIMIT = 0
    try:
        sparse = character_dimension(family, d, types, beta, bound=sum(beta) + 7, method="weyl")
    finally:
        counting._DENSE_LIMIT = saved
    assert dense == sparse
