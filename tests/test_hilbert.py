"""Closed-form Hilbert series against per-degree character counts, closed forms derived here,
and brute-force orbit counts for identical particles."""

import itertools
import json
from collections import Counter
from functools import cache

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import InvariantsError, character_dimension
from invariants.hilbert import HilbertSeries, hilbert_series, molien_series
from invariants.inputs import OUTPUT_TYPES
from invariants.problem import _dummies

TYPES = ["scalar", "pseudoscalar", "vector", "pseudovector"]
t = sympy.Symbol("t")


def compositions(total, parts):
    if parts == 0:
        if total == 0:
            yield ()
        return
    for k in range(total + 1):
        for rest in compositions(total - k, parts - 1):
            yield (k,) + rest


def character_counts(family, d, types, output, degree):
    """Per-degree counts by summing ``character_dimension`` over all input multidegrees."""
    dummies = _dummies(output)
    all_types = list(types) + [ty for ty, _ in dummies]
    fixed = tuple(k for _, k in dummies)
    n = len(types)
    anti = (n, n + 1) if output == "skew" else None
    out = []
    for k in range(degree + 1):
        out.append(
            sum(
                character_dimension(family, d, all_types, beta + fixed, anti, degree + 2)
                for beta in compositions(k, n)
            )
        )
    return out


# --- (a) the expansion is the per-degree count -------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["SO", "O"]),
    st.integers(1, 5),
    st.lists(st.sampled_from(TYPES), min_size=1, max_size=3),
    st.sampled_from(OUTPUT_TYPES),
)
def test_expansion_matches_character_counts(family, d, types, output):
    degree = 10 if len(types) < 3 else 7
    series = molien_series(f"{family}({d})", types, output=output)
    assert series.coefficients(degree + 1) == character_counts(family, d, types, output, degree)


@pytest.mark.parametrize(
    "family, d, n, degree",
    [("SO", 3, 4, 8), ("O", 3, 4, 8), ("SO", 4, 4, 6), ("O", 4, 5, 5), ("SO", 5, 5, 5)],
)
def test_many_vectors_match_character_counts(family, d, n, degree):
    series = molien_series(f"{family}({d})", ["vector"] * n)
    assert series.coefficients(degree + 1) == character_counts(
        family, d, ["vector"] * n, "scalar", degree
    )


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["SO", "O"]),
    st.integers(1, 4),
    st.lists(st.sampled_from(TYPES), min_size=1, max_size=3),
    st.sampled_from(["scalar", "vector", "skew"]),
)
def test_multigraded_coefficients_match_character_counts(family, d, types, output):
    series = molien_series(f"{family}({d})", types, output=output, multigraded=True)
    dummies = _dummies(output)
    all_types = list(types) + [ty for ty, _ in dummies]
    fixed = tuple(k for _, k in dummies)
    n = len(types)
    anti = (n, n + 1) if output == "skew" else None
    for beta in itertools.product(range(4), repeat=n):
        expected = character_dimension(family, d, all_types, beta + fixed, anti, 12)
        assert series.coefficient(beta) == expected, beta
    assert series.standard() == molien_series(f"{family}({d})", types, output=output)


def test_lorentz_and_euclidean_groups_use_their_complex_group():
    assert hilbert_series("O(1,3)", "p,q:vector") == molien_series("O(4)", ["vector"] * 2)
    assert hilbert_series("SO+(1,3)", "p,q,r,s:vector") == molien_series("SO(4)", ["vector"] * 4)
    assert hilbert_series("SO(1,3)", "p,q,r,s:vector") == molien_series("SO(4)", ["vector"] * 4)
    # n positions under translations: the n − 1 differences
    assert hilbert_series("E(3)", "x1,x2,x3,x4:position") == molien_series("O(3)", ["vector"] * 3)
    assert hilbert_series("SE(3)", "x1,x2:position; v:vector") == molien_series(
        "SO(3)", ["vector"] * 2
    )
    # without translations a position is a vector
    assert hilbert_series("O(3)", "x1,x2:position") == molien_series("O(3)", ["vector"] * 2)


# --- (b) closed forms derived independently ----------------------------------------------------


def same_function(series: HilbertSeries, expected) -> bool:
    return sympy.cancel(series.expression(t) - expected) == 0


@pytest.mark.parametrize("d", range(1, 7))
def test_free_gram_ring(d):
    """n ≤ d vectors: the n(n+1)/2 inner products are free generators of degree 2 (O(d));
    for n < d the same for SO(d)."""
    for n in range(1, d + 1):
        expected = HilbertSeries((1,), (2,) * (n * (n + 1) // 2))
        assert molien_series(f"O({d})", ["vector"] * n) == expected
        if n < d:
            assert molien_series(f"SO({d})", ["vector"] * n) == expected


def test_known_closed_forms():
    # SO(3), three vectors: Gram entries and the bracket, [p,q,r]² = det(Gram)
    h = hilbert_series("SO(3)", "p,q,r:vector")
    assert (h.numerator, h.denominator) == ((1, 0, 0, 1), (2,) * 6)
    # O(3), four vectors: the Gram ring with one relation, det(Gram) = 0 in degree 8
    h = hilbert_series("O(3)", "p,q,r,s:vector")
    assert same_function(h, (1 - t**8) / (1 - t**2) ** 10)
    assert (h.numerator, h.denominator) == ((1, 0, 1, 0, 1, 0, 1), (2,) * 9)
    # SO(2): one vector; two vectors with [p,q]² = det(Gram)
    assert hilbert_series("SO(2)", "p:vector") == HilbertSeries((1,), (2,))
    assert same_function(hilbert_series("SO(2)", "p,q:vector"), (1 + t**2) / (1 - t**2) ** 3)
    # equivariant outputs, free modules over the Gram ring
    assert same_function(hilbert_series("O(3)", "p:vector", "vector"), t / (1 - t**2))
    assert same_function(
        hilbert_series("SO(3)", "p,q:vector", "vector"), (2 * t + t**2) / (1 - t**2) ** 3
    )
    assert same_function(
        hilbert_series("O(3)", "p,q:vector", "pseudovector"), t**2 / (1 - t**2) ** 3
    )
    # a pseudoscalar input under O(d): only its even powers
    assert hilbert_series("O(2)", "s:pseudoscalar") == HilbertSeries((1,), (2,))
    assert hilbert_series("O(2)", "s:pseudoscalar", "pseudoscalar") == HilbertSeries((0, 1), (2,))


def test_zero_series():
    h = hilbert_series("O(3)", "p:vector", "pseudoscalar")
    assert h == HilbertSeries((), ()) and h.coefficients(4) == [0] * 4
    assert h.expression() == 0 and str(h) == "0"


@pytest.mark.parametrize("n", range(1, 7))
def test_identical_scalars_give_symmetric_functions(n):
    expected = HilbertSeries((1,), tuple(range(1, n + 1)))
    assert molien_series("SO(3)", particles=[(n, "scalar")]) == expected
    assert molien_series("O(1)", particles=[(n, "scalar")]) == expected


@pytest.mark.parametrize("n", range(1, 6))
def test_identical_pseudoscalars_under_reflections(n):
    """O(d) × S_n on n pseudoscalars: the symmetric polynomials of even degree."""
    sym = sympy.Mul(*[1 / (1 - t**k) for k in range(1, n + 1)])
    expected = (sym + sym.subs(t, -t)) / 2
    assert same_function(molien_series("O(3)", particles=[(n, "pseudoscalar")]), expected)


def test_three_identical_atoms():
    """E(3) × S_3 on three positions: the symmetric functions of the three squared distances."""
    h = hilbert_series("E(3)", "x,y,z:position", identical=["x,y,z"])
    assert h == HilbertSeries((1,), (2, 4, 6))


# --- (c) identical particles against brute-force orbit counts ----------------------------------


def orbit_counts(variables, perms, weight, degree):
    """Orbits of monomials in ``variables`` under ``perms`` (maps variable → variable), by
    weighted degree ``Σ weight(v)·e_v`` up to ``degree``."""
    counts = [0] * (degree + 1)
    for k in range(degree + 1):
        seen = set()
        for mono in monomials(variables, weight, k):
            if mono in seen:
                continue
            counts[k] += 1
            for p in perms:
                seen.add(tuple(sorted(Counter({p[v]: e for v, e in mono}).items())))
    return counts


def monomials(variables, weight, k):
    def rec(i, rest):
        if i == len(variables):
            if rest == 0:
                yield ()
            return
        w = weight(variables[i])
        for e in range(rest // w + 1):
            for tail in rec(i + 1, rest - e * w):
                yield ((variables[i], e),) + tail if e else tail

    for mono in rec(0, k):
        yield tuple(sorted(mono))


@cache
def gram_orbits(n, degree):
    """S_n acting on the Gram entries g_ij (i ≤ j) of n vectors by permuting indices."""
    pairs = [tuple(p) for p in itertools.combinations_with_replacement(range(n), 2)]
    perms = [
        {(i, j): tuple(sorted((s[i], s[j]))) for i, j in pairs}
        for s in itertools.permutations(range(n))
    ]
    return orbit_counts(pairs, perms, lambda v: 2, degree)


@pytest.mark.parametrize("d, n", [(2, 2), (3, 2), (3, 3), (4, 3), (4, 4)])
def test_identical_vectors_count_gram_orbits(d, n):
    """For n ≤ d identical vectors the O(d) invariants are polynomials in the free Gram
    entries, and S_n permutes their indices: invariants = orbit sums of Gram monomials."""
    degree = 12 if n < 4 else 10
    names = ",".join(f"v{i}" for i in range(n))
    h = hilbert_series(f"O({d})", f"{names}:vector", identical=[names])
    assert h.coefficients(degree + 1) == gram_orbits(n, degree)
    assert molien_series(f"O({d})", particles=[(n, "vector")]) == h


def test_four_identical_atoms_count_edge_orbits():
    """E(3) × S_4: polynomials in the six squared distances, S_4 acting on the edges of K_4."""
    edges = list(itertools.combinations(range(4), 2))
    perms = [
        {e: tuple(sorted((s[e[0]], s[e[1]]))) for e in edges}
        for s in itertools.permutations(range(4))
    ]
    degree = 12
    h = hilbert_series("E(3)", "a,b,c,e:position", identical=["a,b,c,e"])
    assert h.coefficients(degree + 1) == orbit_counts(edges, perms, lambda v: 2, degree)


def test_particles_with_two_fields_count_orbits():
    """O(3) × S_3 on three (vector, scalar) particles: Gram entries and scalars, permuted
    together; also bigraded by (vector degree, scalar degree)."""
    n, degree = 3, 8
    pairs = [("g",) + p for p in itertools.combinations_with_replacement(range(n), 2)]
    scalars = [("s", i) for i in range(n)]

    def image(s, v):
        return ("g",) + tuple(sorted((s[v[1]], s[v[2]]))) if v[0] == "g" else ("s", s[v[1]])

    perms = [{v: image(s, v) for v in pairs + scalars} for s in itertools.permutations(range(n))]
    weight = {v: (2 if v[0] == "g" else 1) for v in pairs + scalars}
    expected = orbit_counts(pairs + scalars, perms, weight.get, degree)
    spec = "p1,p2,p3:vector; m1,m2,m3:scalar"
    classes = [[("p1", "m1"), ("p2", "m2"), ("p3", "m3")]]
    h = hilbert_series("O(3)", spec, identical=classes)
    assert h.coefficients(degree + 1) == expected
    assert molien_series("O(3)", particles=[(3, ("vector", "scalar"))]) == h
    multi = hilbert_series("O(3)", spec, identical=classes, multigraded=True)
    assert multi.variables == ("t_p1,p2,p3", "t_m1,m2,m3")
    assert multi.standard() == h
    for a, b in itertools.product(range(0, 7, 2), range(5)):
        reps = _orbit_representatives(pairs + scalars, perms, weight.get, a, b)
        assert multi.coefficient((a, b)) == sum(1 for _ in reps), (a, b)


def _orbit_representatives(variables, perms, weight, a, b):
    seen = set()
    for mono in monomials(variables, weight, a + b):
        if sum(e for v, e in mono if v[0] == "s") != b or mono in seen:
            continue
        yield mono
        for p in perms:
            seen.add(tuple(sorted(Counter({p[v]: e for v, e in mono}).items())))


def test_identical_pairs_of_scalars_count_orbits():
    """S_n on n pairs (x_i, y_i): the multisymmetric functions (monomial orbits)."""
    n, degree = 3, 8
    variables = [(c, i) for c in "xy" for i in range(n)]
    perms = [{(c, i): (c, s[i]) for c, i in variables} for s in itertools.permutations(range(n))]
    h = molien_series("O(2)", particles=[(n, ("scalar", "scalar"))])
    assert h.coefficients(degree + 1) == orbit_counts(variables, perms, lambda v: 1, degree)


def test_permutations_mixed_with_distinguishable_inputs():
    """Two identical vectors and one other: S_2 swaps p, q only (O(3), free Gram ring)."""
    pairs = [tuple(p) for p in itertools.combinations_with_replacement(range(3), 2)]
    swap = {0: 1, 1: 0, 2: 2}
    perms = [{v: v for v in pairs}, {v: tuple(sorted((swap[v[0]], swap[v[1]]))) for v in pairs}]
    h = hilbert_series("O(3)", "p,q,r:vector", identical=["p,q"])
    assert h.coefficients(11) == orbit_counts(pairs, perms, lambda v: 2, 10)
    assert h == molien_series("O(3)", ["vector"], particles=[(2, "vector")])


# --- the reduced form --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group, inputs, identical",
    [
        ("SO(3)", "p,q,r,s:vector", []),
        ("O(3)", "p,q,r,s,u:vector", []),
        ("SO(4)", "p,q,r,s:vector", []),
        ("O(3)", "p,q,r,s:vector", ["p,q,r,s"]),
        ("SO(2)", "p,q,r:vector; m:pseudoscalar", []),
    ],
)
def test_reduced_form(group, inputs, identical):
    """As many factors 1 − t^d as the pole order at t = 1, a non-negative numerator."""
    h = hilbert_series(group, inputs, identical=identical)
    num, den = sympy.fraction(sympy.cancel(h.expression(t)))
    pole_order = sympy.roots(sympy.Poly(den, t)).get(sympy.Integer(1), 0)
    assert len(h.denominator) == pole_order
    assert min(h.numerator) >= 0 and h.numerator[0] == 1
    assert h.numerator[-1] != 0


def test_results_are_json_and_printable():
    h = hilbert_series("SO(3)", "p,q,r:vector")
    assert json.loads(json.dumps(h.as_dict())) == {
        "numerator": [1, 0, 0, 1],
        "denominator": [2] * 6,
    }
    assert str(h) == "(1 + t^3)/(1 - t^2)^6"
    multi = hilbert_series("SO(3)", "p,q,r:vector", multigraded=True)
    p, q, r = multi.symbols()
    expected = (1 + p * q * r) / sympy.Mul(
        *[1 - a * b for a, b in itertools.combinations_with_replacement((p, q, r), 2)]
    )
    assert sympy.cancel(multi.expression() - expected) == 0
    assert json.loads(json.dumps(multi.as_dict()))["variables"] == ["t_p", "t_q", "t_r"]


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: molien_series("SO(3)", ["tensor"]),
        lambda: molien_series("SO(3)", "vector"),
        lambda: molien_series("SO(3)", particles=[(0, "vector")]),
        lambda: molien_series("SO(3)", particles=[(2, ())]),
        lambda: molien_series("SO(3)", ["vector"], output="spinor"),
        lambda: hilbert_series("SO(3)", "p,q:vector", identical=["p,x"]),
        lambda: hilbert_series("SO(3)", "p,q:vector", identical=["p,q", "q"]),
        lambda: hilbert_series("SO(3)", "p:vector; m:scalar", identical=["p,m"]),
        lambda: hilbert_series("E(3)", "a,b,c,x,y:position", identical=["a,b,c"], multigraded=True),
        lambda: HilbertSeries((1,), (2,)).coefficients(-1),
    ],
)
def test_bad_input_raises(call):
    with pytest.raises(InvariantsError):
        call()


def test_three_identical_atoms_and_one_more():
    """E(3) with identical a, b, c and a fourth atom x: S_3 permutes the six squared distances
    (free: three difference vectors in R³) by its action on the points."""
    points = ["a", "b", "c", "x"]
    edges = list(itertools.combinations(points, 2))
    perms = []
    for s in itertools.permutations("abc"):
        image = dict(zip("abc", s), x="x")
        perms.append({e: tuple(sorted((image[e[0]], image[e[1]]))) for e in edges})
    h = hilbert_series("E(3)", "a,b,c,x:position", identical=["a,b,c"])
    assert h.coefficients(13) == orbit_counts(edges, perms, lambda v: 2, 12)


def multisets(candidates, k, budget, largest=None):
    """Non-increasing ``k``-tuples from ``candidates`` with sum ``≤ budget``."""
    if k == 0:
        yield ()
        return
    for c in candidates:
        if (largest is None or c <= largest) and c * k <= budget:
            for rest in multisets(candidates, k - 1, budget - c, c):
                yield (c,) + rest


@pytest.mark.parametrize("n", [3, 4])
def test_denominator_search_finds_the_least_degrees(n):
    """No multiset of K degrees (from the lcm-closure of the pole orders) with a smaller
    (Σ d_i, sorted tuple) gives a non-negative numerator over a multiple of the lowest-terms
    denominator: brute force."""
    names = ",".join(f"v{i}" for i in range(n))
    h = hilbert_series("O(3)", f"{names}:vector", identical=[names])
    num, den = sympy.fraction(sympy.cancel(h.expression(t)))
    den = sympy.Poly(den, t)
    K, total = len(h.denominator), sum(h.denominator)
    orders = [
        m for m in range(1, total + 1) if den.rem(sympy.Poly(sympy.cyclotomic_poly(m, t))).is_zero
    ]
    closure = {1}
    for m in orders:
        closure |= {sympy.ilcm(c, m) for c in closure}
    candidates = sorted(c for c in closure if c <= total)
    for cover in multisets(candidates, K, total):
        cover = tuple(sorted(cover))
        if (sum(cover), cover) >= (total, h.denominator):
            continue
        quotient, remainder = sympy.Poly(sympy.Mul(*[1 - t**d for d in cover]), t).div(den)
        if remainder.is_zero:
            assert min((sympy.Poly(num, t) * quotient).all_coeffs()) < 0, cover


@pytest.mark.parametrize(
    "group, inputs",
    [("E(3)", "x1,x2,x3:position; v:vector; m:pseudoscalar"), ("SO(2)", "p:vector; x:position")],
)
def test_multigraded_variables_are_the_problems_variables(group, inputs):
    """One grading variable per variable of ``make_problem`` (differences of positions)."""
    from invariants.problem import make_problem

    multi = hilbert_series(group, inputs, multigraded=True)
    names = [v.name for v in make_problem(group, inputs).variables]
    assert multi.variables == tuple(f"t_({n})" if "-" in n else f"t_{n}" for n in names)
    types = [v.type for v in make_problem(group, inputs).variables]
    family, d = make_problem(group, inputs).group.family, make_problem(group, inputs).group.d
    for beta in itertools.product(range(3), repeat=len(types)):
        assert multi.coefficient(beta) == character_dimension(family, d, types, beta)


def test_cli_hilbert(capsys):
    import json

    from invariants.verify import verify
    from tests.conftest import run

    code, out, _ = run(capsys, "hilbert", "SO(3)", "p,q,r:vector", "--json")
    data = json.loads(out)
    assert code == 0 and data == {"numerator": [1, 0, 0, 1], "denominator": [2] * 6}
    code, out, _ = run(capsys, "hilbert", "SO(3)", "p,q,r,s:vector", "--terms", "9")
    report = verify("SO(3)", "p,q,r,s:vector", degree=8)  # the other count: characters + span
    expected = [d.dimension for d in report.degrees]
    shown = out.splitlines()[1].removeprefix("= ").removesuffix(" + …").split(" + ")
    got = {int(term.split(" t^")[1]): int(term.split(" t^")[0]) for term in shown}
    assert [got.get(k, 0) for k in range(9)] == expected
    code, out, _ = run(capsys, "hilbert", "O(3)", "p,q,r,s:vector", "--identical", "p,q,r,s")
    assert code == 0 and out.startswith("(1 + t^4 + 5 t^6")
    code, _, err = run(capsys, "hilbert", "O(3)", "p:vector", "--identical", "p,q")
    assert code == 2 and "'q' is not an input" in err


# --- tensor inputs (torus of rank ≤ 1) ---------------------------------------------------------

TENSORS = ["sym", "skew", "dev", "matrix", "pseudosym", "tensor(ijk=jik)", "tensor(ijk=-jik=-ikj)"]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["SO", "O"]),
    st.integers(1, 3),
    st.lists(st.sampled_from(TENSORS), min_size=1, max_size=2),
    st.lists(st.sampled_from(TYPES), max_size=1),
    st.sampled_from(["scalar", "vector", "pseudovector", "sym", "skew"]),
)
def test_tensor_inputs_match_character_counts(family, d, tensors, others, output):
    from invariants.spaces import parse_tensor_type

    types = tensors + others
    spec = "; ".join(f"x{i}:{ty}" for i, ty in enumerate(types))
    resolved = [ty if ty in TYPES else parse_tensor_type(ty) for ty in types]
    degree = 6 if any("ijk" in ty for ty in tensors) else 8
    series = hilbert_series(f"{family}({d})", spec, output=output)
    assert series.coefficients(degree + 1) == character_counts(family, d, resolved, output, degree)


def test_one_symmetric_tensor_has_the_three_principal_invariants():
    # tr A, tr A², tr A³ are algebraically independent generators (Cayley–Hamilton)
    assert str(hilbert_series("O(3)", "A:sym")) == "1/((1 - t) (1 - t^2) (1 - t^3))"
    assert str(hilbert_series("SO(3)", "A:sym")) == "1/((1 - t) (1 - t^2) (1 - t^3))"


def test_tensor_inputs_on_a_torus_of_rank_two_by_residues():
    # the Lorentz group on the field strength and a momentum: free on tr F², p·p, tr F⁴, p·F²·p
    assert str(hilbert_series("O(1,3)", "F:skew; p:vector")) == "1/((1 - t^2)^2 (1 - t^4)^2)"
    # F·F and F·F̃ for the proper group
    assert str(hilbert_series("SO(1,3)", "F:skew")) == "1/(1 - t^2)^2"
    # multigraded: tr W² and the Pfaffian for SO(4), the scalar free
    h = hilbert_series("SO(4)", "W:skew; m:scalar", multigraded=True)
    assert str(h) == "1/((1 - t_m) (1 - t_W^2)^2)"
    with pytest.raises(InvariantsError, match="identical particles with tensors"):
        hilbert_series("O(4)", "2*W:skew")
    # vectors alone still take the factored form in any dimension
    assert hilbert_series("O(1,3)", "p,q:vector").coefficients(3) == [1, 0, 3]


@pytest.mark.parametrize(
    "family, d, types, output",
    [
        ("SO", 4, ["sym"], "scalar"),
        ("O", 4, ["skew", "vector"], "scalar"),
        ("SO", 5, ["skew"], "scalar"),
        ("O", 4, ["skew"], "vector"),
        pytest.param("SO", 4, ["sym", "vector"], "scalar", marks=pytest.mark.slow),  # ~50 s
    ],
)
def test_residues_match_character_counts(family, d, types, output):
    from invariants.spaces import parse_tensor_type

    spec = "; ".join(f"x{i}:{ty}" for i, ty in enumerate(types))
    resolved = [ty if ty in TYPES else parse_tensor_type(ty) for ty in types]
    series = hilbert_series(f"{family}({d})", spec, output=output)
    assert series.coefficients(9) == character_counts(family, d, resolved, output, 8)


def test_four_identical_atoms_give_the_permutationally_invariant_polynomial_series():
    # Four points in 3D: the six squared distances are algebraically independent, so the
    # E(3) × S_4 invariants are the S_4-invariant polynomials in them. The molecular PIP
    # literature (Braams & Bowman 2009, the A4 molecule) gives, in the distance degree x = t²,
    # primaries of degrees 1, 2, 2, 3, 3, 4 and secondaries 1 + x³ + x⁴ + x⁵ + x⁶ + x⁹.
    x = sympy.Symbol("x")
    published = (1 + x**3 + x**4 + x**5 + x**6 + x**9) / (
        (1 - x) * (1 - x**2) ** 2 * (1 - x**3) ** 2 * (1 - x**4)
    )
    ours = hilbert_series("E(3)", "4*x:position").expression(t).subs(t, sympy.sqrt(x))
    assert sympy.cancel(ours - published) == 0


@pytest.mark.parametrize(
    "group, inputs, output",
    [
        ("O(3)", "A:sym", "dev"),
        ("O(3)", "v:vector", "tensor(ijk=jik)"),
        ("SO(3)", "A:sym; v:vector", "pseudovector"),
        ("O(3)", "v:vector; W:skew", "pseudoskew"),
    ],
)
def test_tensor_outputs_match_the_dimensions_of_the_minimal_sets(group, inputs, output):
    # the closed form against the per-block character counts the selection proved its spans to
    from invariants import minimal_generators

    r = minimal_generators(group, inputs, 5, output=output)
    per_degree = [row["dimension"] for row in r.degrees()]
    assert hilbert_series(group, inputs, output=output).coefficients(6) == per_degree


def test_module_series_starting_at_t_get_the_least_denominator():
    # dev-valued functions of a symmetric A: the free module on dev(A), dev(A²) over
    # R = C[tr A, tr A², tr A³]: (t + t²)/((1-t)(1-t²)(1-t³)) = t/((1-t)²(1-t³)) reduced
    h = hilbert_series("O(3)", "A:sym", output="dev")
    assert str(h) == "t/((1 - t)^2 (1 - t^3))"
    assert h.coefficients(6) == [0, 1, 2, 3, 5, 7]


@pytest.mark.slow  # about 20 s
def test_multigraded_residues_match_character_counts():
    from invariants.spaces import parse_tensor_type

    h = hilbert_series("SO(1,3)", "F:skew; p:vector", multigraded=True)
    types = [parse_tensor_type("skew"), "vector"]
    for beta in [(2, 0), (2, 2), (4, 2), (3, 3), (4, 4)]:
        assert h.coefficient(beta) == character_dimension("SO", 4, types, beta)


@pytest.mark.parametrize(
    "group, spec, output",
    [
        ("SO(3)", "p,q,r,s:vector", "scalar"),
        ("O(3)", "5*p:vector", "scalar"),
        ("E(3)", "4*x:position", "scalar"),
        ("O(3)", "3*(m:scalar; x:vector)", "sym"),
        ("O(1,3)", "F:skew; p:vector", "scalar"),  # d = 4: the residue path
        ("O(3)", "A:sym", "dev"),
        ("SO(2)", "3*p:vector; q:pseudovector", "vector"),
        ("O(3)", "p,q:vector", "skew"),
        ("E(3)", "x:position", "scalar"),
    ],
)
def test_truncated_coefficients_equal_the_closed_form(group, spec, output):
    # two ways to the same numbers: the reduced closed form expanded, and the Molien–Weyl
    # average summed term by term as truncated power series
    from invariants.hilbert import hilbert_coefficients

    closed = hilbert_series(group, spec, output).coefficients(14)
    assert hilbert_coefficients(group, spec, output, 14) == closed


def test_truncated_coefficients_bound_their_count():
    from invariants.hilbert import hilbert_coefficients

    with pytest.raises(InvariantsError, match="at most 100000"):
        hilbert_coefficients("O(3)", "p:vector", n=10**6)
    assert hilbert_coefficients("O(3)", "p:vector", n=0) == []
