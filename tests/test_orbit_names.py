"""Names of orbit sums (invariants.orbit_names): the convention on examples, uniqueness within a
basis, and the value a name states (an independent evaluator of the name string) equal to the
kernel's orbit sum."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from invariants.symmetric_kernels import symmetric_basis

_BASES: dict = {}


def sbasis(group, spec, output, degree):
    key = (group, spec, output, degree)
    if key not in _BASES:
        _BASES[key] = symmetric_basis(group, spec, output, degree)
    return _BASES[key]


def names(*case):
    return [t.name for t in sbasis(*case).terms]


def test_inertia_names_as_physics_writes_them():
    got = names("O(3)", "5*(m:scalar; x:vector)", "sym", 3)
    for expected in [
        "η",
        "Σ_i m_i η",
        "Σ_{i<j} m_i m_j η",  # symmetric summand: each pair once
        "Σ_{i<j<k} m_i m_j m_k η",
        "Σ_{i≠j} m_i^2 m_j η",  # not symmetric: ordered pairs of distinct bodies
        "Σ_i m_i (x_i·x_i) η",
        "Σ_i m_i x_i⊗x_i",
        "Σ_{i≠j} m_i x_i⊗x_j",
        "Σ_{i≠j<k} m_i x_j⊗x_k",  # i, j, k distinct; symmetric in j, k
    ]:
        assert expected in got


def test_names_with_ordinary_inputs_two_classes_and_non_young_stabilizers():
    vec = names("SO(3)", "3*p:vector; g:vector", "vector", 3)
    assert {
        "g",
        "(g·g) g",
        "Σ_i [p_i,g,·]",
        "Σ_{i<j} (p_i·p_j) g",
        "Σ_{i<j≠k} (p_i·p_j) p_k",
    } <= set(vec)
    two = names("O(3)", "2*p:vector; 2*q:vector", "vector", 3)
    assert {
        "Σ_i Σ_j (p_i·q_j) p_i",
        "Σ_{i<j} Σ_k (p_i·p_j) q_k",
        "Σ_i Σ_{j≠k} (p_i·q_j) q_k",
    } <= set(two)
    # (p_i·p_j)(p_k·p_l): swaps within and of the pairs, order 8 (not a product of symmetric
    # groups on index sets): the sum over distinct indices divided by 8
    assert "(1/8) Σ_{i≠j≠k≠l} (p_i·p_j) (p_k·p_l)" in names("O(3)", "4*p:vector", "scalar", 4)


CASES = [
    ("O(3)", "5*(m:scalar; x:vector)", "sym", 3),
    ("SO(3)", "3*p:vector; g:vector", "vector", 3),
    ("O(3)", "2*p:vector; 2*q:vector", "vector", 3),
    ("O(3)", "4*p:vector", "scalar", 6),
    ("SO(3)", "4*p:vector", "scalar", 4),
    ("SO(3)", "4*p:vector", "matrix", 3),
    ("O(3)", "3*p:vector; q:vector", "skew", 3),
    ("O(2)", "3*p:vector; s:scalar", "scalar", 4),
]


@pytest.mark.parametrize("case", CASES)
def test_names_are_unique_within_a_basis_and_deterministic(case):
    got = names(*case)
    assert len(set(got)) == len(got)
    assert got == [t.name for t in symmetric_basis(*case).terms]  # rebuilt: the same names


# --- an evaluator of the name string, independent of the kernel and of the orbits ------------

_SUM = re.compile(r"Σ_(\{[^}]*\}|\w)")


def _parse(name):
    """(prefactor, [index chains per Σ], summand words)."""
    prefactor = 1.0
    m = re.match(r"^\(1/(\d+)\) ", name)
    if m:
        prefactor = 1 / int(m.group(1))
        name = name[m.end() :]
    sums = []
    while name.startswith("Σ_"):
        m = _SUM.match(name)
        sub = m.group(1).strip("{}")
        sums.append([chain.split("<") for chain in sub.split("≠")])
        name = name[m.end() :].lstrip()
    return prefactor, sums, name.split(" ")


def _word(word, env, d, output):
    m = re.match(r"^(.*)\^(\d+)$", word)
    if m:
        return _word(m.group(1), env, d, output) ** int(m.group(2))
    if word == "1":
        return 1.0
    if word == "η":
        return np.eye(d)
    if word.startswith("(") and "·" in word:
        a, b = word[1:-1].split("·")
        return float(env[a] @ env[b])
    for join in ("⊗", "∧"):
        if join in word:
            a, b = (_word(x, env, d, output) for x in word.split(join))
            outer = np.outer(a, b)
            if output == "sym":
                return (outer + outer.T) / 2
            if output == "skew":
                return (outer - outer.T) / 2
            return outer
    if word.startswith("["):
        args = word[1:-1].split(",")
        slots = [k for k, a in enumerate(args) if a == "·"]
        if slots:  # seeds [a,b,·], [a,·,·]: ∂/∂u (∂/∂w) of the determinant, unit columns
            out = np.zeros((d,) * len(slots))
            for e in itertools.product(range(d), repeat=len(slots)):
                cols = [env[a] if a != "·" else None for a in args]
                for k, ek in zip(slots, e):
                    cols[k] = np.eye(d)[ek]
                out[e] = np.linalg.det(np.column_stack(cols))
            return out
        return float(np.linalg.det(np.column_stack([env[a] for a in args])))
    return env[word]


def _value(name, data, spec_fields, d, output, centre=()):
    """The value the name states: its Σ's enumerated over distinct particles (with the < order),
    the summand multiplied out word by word."""
    prefactor, sums, words = _parse(name)
    field_of = {f[0]: len(f[2]) for f in spec_fields}  # field name -> particles in its class
    total = 0.0
    ranges = []
    for chains in sums:
        letters = [x for chain in chains for x in chain]
        field = re.search(r"(\w+)_" + letters[0] + r"\b", " ".join(words)).group(1)
        n = field_of[field]
        ranges.append((letters, chains, n))
    choices = []
    for letters, chains, n in ranges:
        ok = []
        for f in itertools.permutations(range(n), len(letters)):
            a = dict(zip(letters, f))
            if all(a[c[k]] < a[c[k + 1]] for c in chains for k in range(len(c) - 1)):
                ok.append(a)
        choices.append(ok)
    for assignment in itertools.product(*choices):
        index = {k: v for a in assignment for k, v in a.items()}
        env = dict(data)
        if centre:  # positions: (x_i−x̄), (z−x̄) with x̄ the centroid of the origin field
            origin, positions = centre
            bar = origin[0][:-1] + "\u0304"
            mean = sum(data[n] for n in origin) / len(origin)
            env.update({f"({n}−{bar})": data[n] - mean for n in positions})
        for field, _, particles in spec_fields:
            for letter, k in index.items():
                if k >= len(particles):  # a letter of another class
                    continue
                env[f"{field}_{letter}"] = data[particles[k]]
                if centre and particles[k] in positions:
                    env[f"({field}_{letter}−{bar})"] = data[particles[k]] - mean
        term = 1.0
        for w in words:
            v = _word(w, env, d, output)
            term = term * v
        total = total + term
    return prefactor * total


POSITIONS = [
    ("E(3)", "3*(m:scalar; x:position)", "sym", 3),
    ("SE(3)", "3*x:position; v:vector", "vector", 3),
    ("E(3)", "3*x:position; 2*z:position", "scalar", 4),
]


@pytest.mark.parametrize("case", CASES + POSITIONS)
def test_the_value_a_name_states_is_the_orbit_sum_the_kernel_computes(case):
    B = sbasis(*case)
    K = B.lambdify()
    d = B.group.d
    rng = np.random.default_rng(11)
    data = {
        i.name: rng.normal(size=d) if i.vector_like else float(rng.normal())
        for i in B.problem.inputs
    }
    values = K(**data)
    for j, t in enumerate(B.terms):
        stated = np.asarray(_value(t.name, data, K.fields, d, B.output, B.centre), dtype=float)
        stated = np.broadcast_to(stated, values[j].shape)
        scale = max(float(np.max(np.abs(values[j]))), 1.0)
        assert np.max(np.abs(stated - values[j])) <= 1e-9 * scale, t.name
