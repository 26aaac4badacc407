"""Contractions of vectors and rank-2 tensors, and minimal generating sets (integrity bases)
compared with published ones; every contraction is checked on random group elements, and its
mod-p evaluation against its SymPy expression."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from invariants import InvariantsError, parse_group
from invariants.contractions import connected_contractions
from invariants.minimal import _points, _value, coordinates, minimal_generators
from invariants.modular import PRIME
from invariants.spaces import parse_tensor_type
from tests.conftest import run

T = parse_tensor_type


# --- published integrity bases (counts per degree are canonical: graded Nakayama) -------------

# (group, inputs, degree, generator degrees). Sources: Rivlin & Ericksen (1955), Spencer & Rivlin
# (1959), Smith (1965), Zheng (1994, Appl. Mech. Rev. 47) for O(3); Pope (1975) for S, R.
PUBLISHED = [
    ("O(3)", "A:sym", 8, [1, 2, 3]),
    ("O(3)", "A:sym; v:vector", 8, [1, 2, 2, 3, 3, 4]),
    ("O(3)", "A,B:sym", 8, [1, 1, 2, 2, 2, 3, 3, 3, 3, 4]),
    ("O(3)", "W:skew", 8, [2]),
    # tr A, tr A², tr A³, tr W², tr AW², tr A²W², tr A²W²AW (Spencer 1971)
    ("O(3)", "A:sym; W:skew", 8, [1, 2, 2, 3, 3, 4, 6]),
    ("O(3)", "S:dev; R:skew", 8, [2, 2, 3, 3, 4, 6]),
    ("O(3)", "M:matrix", 8, [1, 2, 2, 3, 3, 4, 6]),
    ("O(2)", "A:sym", 6, [1, 2]),
    ("O(1,3)", "F:skew; p:vector", 8, [2, 2, 4, 4]),
]


@pytest.mark.parametrize("group, inputs, degree, degrees", PUBLISHED)
def test_minimal_generating_sets_match_published(group, inputs, degree, degrees):
    result = minimal_generators(group, inputs, degree)
    assert result.complete and result.complete_to_degree == degree
    assert sorted(g.degree for g in result.generators) == degrees
    assert all(span == dim for _, dim, span in result.blocks)


def test_two_symmetric_tensors_one_per_multidegree():
    result = minimal_generators("O(3)", "A,B:sym", 8)
    got = sorted(tuple(g.multidegree) for g in result.generators)
    expected = [(1, 0), (0, 1), (2, 0), (1, 1), (0, 2), (3, 0), (2, 1), (1, 2), (0, 3), (2, 2)]
    assert got == sorted(expected)
    assert "tr(A²B²)" in [g.name for g in result.generators]


def test_vector_inputs_give_dot_products_and_brackets():
    names = [g.name for g in minimal_generators("SO(3)", "p,q,r:vector", 6).generators]
    assert names == ["p·p", "p·q", "p·r", "q·q", "q·r", "r·r", "[p,q,r]"]
    assert len(minimal_generators("O(3)", "p,q,r:vector", 6).generators) == 6


def test_incomplete_sets_say_where():
    """The Pfaffian of an 8×8 skew tensor (ε W W W W, degree 4) needs a Levi-Civita tensor of
    eight slots, which is not enumerated."""
    result = minimal_generators("SO(8)", "W:skew", 4)
    assert not result.complete and result.complete_to_degree == 3
    assert [(b, dim, span) for b, dim, span in result.blocks if span < dim][0] == ((4,), 3, 2)


# Hemitropic (SO(3)) and proper Lorentz: one Levi-Civita contraction more (Smith 1965, Zheng 1994).
HEMITROPIC = [
    ("SO(3)", "A:sym; v:vector", 8, "scalar", 7, "[v, Av, A²v]"),
    ("SO(3)", "W:skew; v:vector", 6, "scalar", 3, "[v, ⟨W⟩]"),
    ("SO(1,3)", "F:skew", 8, "scalar", 2, "[⟨F⟩, ⟨F⟩]"),
    ("SO(4)", "W:skew", 6, "scalar", 2, "[⟨W⟩, ⟨W⟩]"),
    ("SO(2)", "A:sym; v:vector", 6, "scalar", 5, "[v, Av]"),
    ("SO(3)", "A:sym; v:vector", 5, "vector", 6, None),  # v, Av, A²v and three cross products
    ("SO(3)", "A,B:sym", 8, "scalar", 10, None),  # −I acts trivially: the isotropic ten
]


@pytest.mark.parametrize("group, inputs, degree, output, count, last", HEMITROPIC)
def test_hemitropic_sets(group, inputs, degree, output, count, last):
    result = minimal_generators(group, inputs, degree, output=output)
    assert result.complete and len(result.generators) == count
    if last:
        assert last in [g.name for g in result.generators]


# --- contractions -----------------------------------------------------------------------------


def test_vanishing_contractions_are_dropped():
    names = [c.name for c in connected_contractions({"W": T("skew"), "A": T("sym")}, 3)]
    assert "tr(W)" not in names and "tr(AW)" not in names and "tr(W²)" in names
    names = [c.name for c in connected_contractions({"W": T("skew"), "v": "vector"}, 4)]
    assert "v·W·v" not in names and "v·W²·v" in names
    names = [c.name for c in connected_contractions({"D": T("dev")}, 3)]
    assert names == ["tr(D²)", "tr(D³)"]


def test_matrix_words_up_to_rotation_and_reversal():
    names = [c.name for c in connected_contractions({"M": T("matrix")}, 3)]
    assert names == ["tr(M)", "tr(M²)", "tr(MMᵀ)", "tr(M³)", "tr(M²Mᵀ)"]


CASES = [
    ("SO(3)", {"A": "sym", "v": "vector"}, 6),
    ("SO(1,3)", {"F": "skew", "p": "vector"}, 4),
    ("SO(2)", {"M": "matrix", "v": "vector"}, 3),
    ("O(3)", {"A": "sym", "B": "sym"}, 4),
    ("O(3)", {"W": "skew", "v": "vector", "u": "vector"}, 4),
    ("O(1,3)", {"F": "skew", "p": "vector"}, 4),
    ("O(2)", {"M": "matrix", "D": "dev"}, 4),
    ("SO(4)", {"A": "sym", "W": "skew"}, 3),
    ("SO+(1,3)", {"F": "skew", "G": "sym"}, 3),
]


@pytest.mark.parametrize("group, inputs, degree", CASES)
def test_mod_p_values_match_the_sympy_expressions(group, inputs, degree):
    G = parse_group(group)
    types = {n: (t if t == "vector" else T(t)) for n, t in inputs.items()}
    points = _points(G, types, 3, seed=1)
    coords = coordinates(G.d, inputs)
    for c in connected_contractions(types, degree, _epsilon(G)):
        expr = c.expression(coords, G.metric)
        for k in range(3):
            subs = {}
            for name, X in coords.items():
                value = points[name][k]
                for (i, j), s in np.ndenumerate(np.array(X.tolist(), dtype=object)):
                    if isinstance(s, sympy.Symbol):
                        subs[s] = int(value[i, j])
            assert int(expr.xreplace(subs)) % PRIME == int(_value(c, points, G.metric)[k])


def _epsilon(G):
    return G.d if G.family == "SO" else None


def _transform(G, inputs, g, values):
    return {n: g @ v if t == "vector" else g @ v @ g.T for (n, t), v in zip(inputs.items(), values)}


def _random_case(G, inputs: dict, rng):
    """Component symbols, an evaluator's argument builder, random inputs of the right
    symmetry, a random group element ``g`` and the inputs moved by it."""
    coords = coordinates(G.d, inputs)
    flat = list(dict.fromkeys(s for X in coords.values() for s in X if isinstance(s, sympy.Symbol)))
    values = {}
    for name, t in inputs.items():
        if t == "vector":
            values[name] = rng.normal(size=G.d)
            continue
        X = rng.normal(size=(G.d, G.d))
        X = {"sym": X + X.T, "skew": X - X.T, "matrix": X, "dev": X + X.T}[t]
        if t == "dev":
            X -= np.trace(X) / G.d * np.eye(G.d)
        values[name] = X
    g = G.random_element(rng, scale=0.5)
    moved = _transform(G, inputs, g, list(values.values()))

    def assign(vals):
        out = {}
        for name, X in coords.items():
            arr = vals[name][:, None] if inputs[name] == "vector" else vals[name]
            for (i, j), s in np.ndenumerate(np.array(X.tolist(), dtype=object)):
                if isinstance(s, sympy.Symbol):
                    out[s] = arr[i, j]
        return [out[s] for s in flat]

    return coords, flat, assign, values, g, moved


@settings(max_examples=10)
@given(st.sampled_from(CASES), st.integers(0, 2**32 - 1))
def test_contractions_are_invariant(case, seed):
    group, inputs, degree = case
    G = parse_group(group)
    rng = np.random.default_rng(seed)
    coords, flat, assign, values, g, moved = _random_case(G, inputs, rng)
    types = {n: (t if t == "vector" else T(t)) for n, t in inputs.items()}
    for c in connected_contractions(types, degree, _epsilon(G)):
        f = sympy.lambdify(flat, c.expression(coords, G.metric), "numpy")
        a, b = f(*assign(values)), f(*assign(moved))
        scale = max(1.0, abs(a))
        assert abs(a - b) <= 1e-9 * scale, (c.name, a, b)


# --- command line and errors ------------------------------------------------------------------


def test_cli_minimal_json(capsys):
    import json

    code, out, _ = run(
        capsys, "generators", "O(3)", "A,B:sym", "--minimal", "--degree", "4", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["complete_to_degree"] == 4 and len(data["generators"]) == 10
    first = data["generators"][0]
    assert set(first) == {"name", "expression", "multidegree", "degree"}
    assert first["name"] == "tr(A)" and first["multidegree"] == [1, 0]
    assert sympy.sympify(first["expression"]) == sympy.sympify("A_00 + A_11 + A_22")


def test_cli_incomplete_exits_1(capsys):
    code, out, _ = run(capsys, "generators", "SO(8)", "W:skew", "--minimal", "--degree", "4")
    assert code == 1 and "INCOMPLETE: proven complete up to degree 3" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generators", "O(3)", "A:sym", "--degree", "3"], "--minimal and --degree K go together"),
        (["basis", "E(3)", "A:sym; x:position"], "'x'"),  # tensor bases: no positions
        (["generators", "O(3)", "A:tensor(ij=ji=-ji)", "--minimal", "--degree", "2"], "vanish"),
        (
            [
                "generators",
                "O(3)",
                "A:tensor(ijk=jik)",
                "--minimal",
                "--degree",
                "2",
                "--output",
                "tensr(ij=ji)",
            ],
            "unknown output type 'tensr(ij=ji)'",
        ),
        (
            [
                "generators",
                "O(3)",
                "A:sym",
                "--minimal",
                "--degree",
                "2",
                "--output",
                "pseudoscalar",
            ],
            "tensor outputs so far",
        ),
        (["generators", "E(3)", "A:sym; x:position", "--minimal", "--degree", "2"], "'x'"),
    ],
)
def test_cli_bad_tensor_input(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1


def test_negative_degree():
    with pytest.raises(InvariantsError, match="degree must be an integer ≥ 0"):
        minimal_generators("O(3)", "A:sym", -1)


# --- equivariant outputs: generators of the module over the invariants -------------------------

# Rivlin & Ericksen (1955), Spencer (1971), Pope (1975).
MODULES = [
    ("O(3)", "A:sym", "sym", 6, ["I", "A", "A²"]),
    ("O(3)", "A:sym; v:vector", "vector", 6, ["v", "Av", "A²v"]),
    ("O(3)", "A:sym", "skew", 6, []),
    (
        "O(3)",
        "A,B:sym",
        "sym",
        7,
        ["I", "A", "B", "A²", "AB + BA", "B²", "A²B + BA²", "AB² + B²A", "A²B² + B²A²"],
    ),
    ("O(1,3)", "F:skew; p:vector", "vector", 6, ["p", "Fp", "F²p", "F³p"]),
    ("SO(3)", "p,q:vector", "vector", 3, ["p", "q", "[p,q,·]"]),
]


@pytest.mark.parametrize("group, inputs, output, degree, names", MODULES)
def test_module_generators_match_published(group, inputs, output, degree, names):
    result = minimal_generators(group, inputs, degree, output=output)
    assert result.complete and [g.name for g in result.generators] == names


def test_popes_tensor_basis():
    """Pope (1975): ten tensors T¹…T¹⁰ of degrees 1, 2, 2, 2, 3, 3, 4, 4, 4, 5 in (S, R)."""
    result = minimal_generators("O(3)", "S:dev; R:skew", 8, output="dev")
    assert result.complete
    assert sorted(g.degree for g in result.generators) == [1, 2, 2, 2, 3, 3, 4, 4, 4, 5]
    for g in result.generators:  # dev-valued: symmetric and traceless
        assert g.expression == g.expression.T
        assert sympy.expand(g.expression.trace()) == 0


EQUIVARIANT = [
    ("O(3)", {"S": "dev", "R": "skew"}, "dev", 5),
    ("O(3)", {"A": "sym", "B": "sym"}, "skew", 4),
    ("O(3)", {"A": "sym", "v": "vector"}, "vector", 4),
    ("O(1,3)", {"F": "skew", "p": "vector"}, "vector", 4),
    ("O(1,3)", {"F": "skew", "p": "vector"}, "sym", 4),
    ("O(2)", {"M": "matrix"}, "matrix", 3),
]


@settings(max_examples=6)
@given(st.sampled_from(EQUIVARIANT), st.integers(0, 2**32 - 1))
def test_module_generators_are_equivariant(case, seed):
    group, inputs, output, degree = case
    G = parse_group(group)
    rng = np.random.default_rng(seed)
    result = minimal_generators(group, inputs, degree, output=output)
    assert result.generators
    coords, flat, assign, values, g, moved = _random_case(G, inputs, rng)
    for gen in result.generators:
        f = sympy.lambdify(flat, gen.expression, "numpy")
        a = np.array(f(*assign(values)), dtype=float)
        b = np.array(f(*assign(moved)), dtype=float)
        expected = g @ a if output == "vector" else g @ a @ g.T
        assert np.abs(b - expected).max() <= 1e-9 * max(1.0, np.abs(expected).max()), gen.name


def test_cli_module_json(capsys):
    import json

    argv = ["generators", "O(3)", "A:sym", "--output", "sym", "--minimal", "--degree", "6"]
    code, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == 0 and data["output"] == "sym"
    assert [g["name"] for g in data["generators"]] == ["I", "A", "A²"]
    assert [g["multidegree"] for g in data["generators"]] == [[0], [1], [2]]
    code, _, err = run(capsys, *argv[:4], "pseudoscalar", *argv[5:])
    assert code == 2 and "output 'pseudoscalar' with tensor inputs" in err
    code, out, _ = run(capsys, *argv[:4], "pseudovector", *argv[5:], "--json")
    assert code == 0 and json.loads(out)["generators"] == []  # no axial vector from A alone


def _matchings(slots):
    if not slots:
        yield []
        return
    first, rest = slots[0], slots[1:]
    for k in range(len(rest)):
        for m in _matchings(rest[:k] + rest[k + 1 :]):
            yield [(first, rest[k])] + m


def _brute_force_classes(factors):
    """Connected complete contractions of a multiset of factors (symmetric tensors: 2 slots,
    vectors: 1), by perfect matchings of the slots, up to labelled graph isomorphism."""
    import networkx as nx

    slots = [(k, s) for k, (_, rank) in enumerate(factors) for s in range(rank)]
    graphs = []
    for m in _matchings(slots):
        G = nx.MultiGraph()
        for k, (name, _) in enumerate(factors):
            G.add_node(k, label=name)
        G.add_edges_from((a[0], b[0]) for a, b in m)
        if nx.is_connected(G) and not any(
            nx.is_isomorphic(G, H, node_match=lambda x, y: x["label"] == y["label"]) for H in graphs
        ):
            graphs.append(G)
    return graphs


def test_word_enumeration_agrees_with_graphs_by_matchings():
    """For symmetric tensors and vectors (no signs, no orientation) the contractions are the
    connected labelled multigraphs; enumerate those independently and compare per multiset."""
    import itertools

    import networkx as nx

    types = {"A": T("sym"), "B": T("sym"), "v": "vector", "w": "vector"}
    ranks = {"A": 2, "B": 2, "v": 1, "w": 1}
    ours = connected_contractions(types, 4)
    for size in range(1, 5):
        for combo in itertools.combinations_with_replacement("ABvw", size):
            factors = [(n, ranks[n]) for n in combo]
            if sum(r for _, r in factors) % 2:
                continue
            brute = _brute_force_classes(factors)
            mine = [
                c
                for c in ours
                if sorted(n for n, _ in c.word) + sorted(c.ends or ()) == sorted(combo)
            ]
            assert len(mine) == len(brute), combo
            for c in mine:  # each of ours is one of the graphs
                assert any(
                    nx.is_isomorphic(c.graph(), H, node_match=lambda x, y: x["label"] == y["label"])
                    for H in brute
                )


def test_cli_verify_for_tensor_inputs(capsys):
    import json

    code, out, _ = run(
        capsys, "verify", "O(3)", "S:dev; R:skew", "--output", "dev", "--degree", "5"
    )
    assert code == 0 and "COMPLETE" in out and "generators (10)" in out  # Pope: degrees ≤ 5
    code, out, _ = run(capsys, "verify", "O(1,3)", "F:skew; p:vector", "--degree", "6", "--json")
    data = json.loads(out)
    assert code == 0 and data["complete"]
    # dimensions per degree: an independent count by characters, summed over multidegrees
    from invariants.counting import character_dimension

    skew = T("skew")
    for row in data["degrees"]:
        t = row["degree"]
        expected = sum(
            character_dimension("O", 4, [skew, "vector"], [a, t - a]) for a in range(t + 1)
        )
        assert row["dimension"] == expected == row["span"]
    code, _, err = run(capsys, "verify", "O(3)", "A:sym", "--resume", "x.json")
    assert code == 2 and "--resume is not available for tensor inputs yet" in err


def test_cli_a_zero_space_is_an_answer(capsys):
    code, out, _ = run(
        capsys, "generators", "O(3)", "A:sym", "--output", "skew", "--minimal", "--degree", "6"
    )
    assert code == 0 and out.startswith("the space is zero: no non-constant skew-valued")


@pytest.mark.parametrize("group", ["O(1,3)", "SO(1,2)", "O(3)"])
def test_traceless_inputs_are_traceless_for_the_metric(group):
    # dev is η-traceless (η_{μν} D^{μν} = 0), the condition the Lorentz group preserves;
    # a plain trace would put the points on a hyperplane the group does not preserve.
    import numpy as np
    import sympy

    from invariants.groups import parse_group
    from invariants.minimal import _points, _tensor_points, coordinates, tensor_coordinates
    from invariants.modular import PRIME
    from invariants.spaces import parse_tensor_type

    G = parse_group(group)
    eta = np.array(G.metric)
    dev = parse_tensor_type("dev")
    for X in (_points(G, {"D": dev}, 5, 1)["D"], _tensor_points(G, {"D": dev}, 5, 1)["D"]):
        assert np.all(np.einsum("nii,i->n", X, eta) % PRIME == 0)
    for X in (
        coordinates(G.d, {"D": dev}, G.metric)["D"],
        tensor_coordinates(G.d, {"D": dev}, G.metric)["D"],
    ):
        M = sympy.Matrix(X)
        assert sympy.expand(sum(G.metric[i] * M[i, i] for i in range(G.d))) == 0
        assert M.free_symbols  # not identically zero
