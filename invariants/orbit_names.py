"""Names of orbit sums over identical particles, written as physics writes them.

An orbit sum (:mod:`invariants.symmetric_kernels`) is the sum of the distinct images of a
representative term under the permutations of the particles. Its name is the representative
with particle ``k`` of a class renamed by an index letter (``m1, x1`` → ``m_i, x_i``), under one
``Σ`` per class of identical particles, products written by juxtaposition:

* the indices under one ``Σ`` are **pairwise distinct** particles of that class: ``Σ_{i≠j}``;
* ``i<j`` marks indices the summand is symmetric in (the stabilizer of the term permutes them
  freely), so each distinct image is counted once: ``Σ_{i<j} m_i m_j (x_i·x_j)`` is the sum
  over pairs. With both, ``Σ_{i≠j<k}`` means ``i, j, k`` distinct and ``j<k``;
* when the stabilizer is not a product of symmetric groups on sets of indices (such as that
  of ``(p_i·p_j) (p_k·p_l)``: swaps within the pairs and of the pairs, order 8), the name is the
  sum over all distinct indices divided by the stabilizer order ``c``:
  ``(1/8) Σ_{i≠j≠k≠l} (p_i·p_j) (p_k·p_l)``.

So the name's value is exactly the orbit sum the kernel computes (the orbit–stabilizer theorem:
each distinct image arises from ``c`` assignments of the indices).

>>> from invariants.symmetric_kernels import symmetric_basis
>>> B = symmetric_basis("O(3)", "5*(m:scalar; x:vector)", output="sym", degree=3)
>>> [t.name for t in B.terms][10:13]
['Σ_{i<j<k} m_i m_j m_k η', 'Σ_i m_i (x_i·x_i) η', 'Σ_i m_i x_i⊗x_i']
>>> B.terms[-1].name
'Σ_{i≠j<k} m_i x_j⊗x_k'
"""

from __future__ import annotations

import itertools
import math
import re

from .names import factor, term_name

__all__ = ["centred", "orbit_name"]

#: Index letters, in order of use (then i13, i14, … for terms on more particles).
INDEX_LETTERS = "ijklabcdefgh"
_TOKEN = re.compile(r"[^\W\d]\w*")


def orbit_name(problem, spec, factors, centre=()) -> str:
    """The name of the orbit sum of the monomial ``factors`` (``(generator, exponent)`` pairs of
    ``problem``, the expanded problem of the :class:`~invariants.particles.Spec` ``spec``).

    >>> from invariants.particles import parse_spec
    >>> from invariants.problem import make_problem
    >>> s = parse_spec("3*p:vector; q:vector")
    >>> P = make_problem("O(3)", s.inputs, "scalar")
    >>> g = {x.name: k for k, x in enumerate(P.generators)}
    >>> orbit_name(P, s, ((g["p1·p2"], 1), (g["p1·q"], 1)))
    'Σ_{i≠j} (p_i·p_j) (p_i·q)'
    >>> orbit_name(P, s, ((g["p1·q"], 1), (g["p2·q"], 1)))
    'Σ_{i<j} (p_i·q) (p_j·q)'
    """
    from .symmetric_kernels import _particle_of, _used_particles

    particle_of = _particle_of(problem, spec.identical)
    used = _used_particles(problem, factors, particle_of)
    name = term_name(problem, factors)
    positions, bar = set(), ""
    if centre:  # positions relative to the centroid x̄ of a class (symmetric_positions)
        positions, bar = set(centre[1]), centre[0][0][:-1] + "\u0304"
    rename = {n: f"({n}−{bar})" for n in positions}
    if not used:
        return _product(name, rename)
    stabilizer = _stabilizer(problem, spec.identical, particle_of, factors, used)
    blocks = _blocks(used, stabilizer)
    prefix = ""
    if len(stabilizer) != math.prod(math.factorial(len(b)) for b in blocks):
        prefix = f"(1/{len(stabilizer)}) "  # not a Young subgroup: no ordering says it
        blocks = [[p] for p in used]
    letters, sums = {}, []
    for c in sorted({c for c, _ in used}):
        chains = []
        for block in sorted((b for b in blocks if b[0][0] == c), key=min):
            chain = []
            for p in sorted(block):
                n = len(letters)
                letters[p] = INDEX_LETTERS[n] if n < len(INDEX_LETTERS) else f"i{n + 1}"
                chain.append(letters[p])
            chains.append("<".join(chain))
        sub = "≠".join(chains)
        sums.append(f"Σ_{sub}" if len(sub) == 1 else f"Σ_{{{sub}}}")
    for (c, k), letter in letters.items():
        for inp in spec.identical[c][k]:
            full = spec.inputs[inp].name
            short = f"{full[: -len(str(k + 1))]}_{letter}"
            rename[full] = f"({short}−{bar})" if full in positions else short
    return prefix + " ".join(sums) + " " + _product(name, rename)


def centred(text: str, centre=()) -> str:
    """``text`` (a generator or seed name) with each position written relative to the centroid
    (``centre`` as :attr:`SymmetricBasis.centre`): ``x1·x2`` → ``(x1−x̄)·(x2−x̄)``.

    >>> centred("x1·z", (("x1", "x2"), ("x1", "x2", "z")))
    '(x1−x̄)·(z−x̄)'
    """
    if not centre:
        return text
    positions, bar = set(centre[1]), centre[0][0][:-1] + "\u0304"
    return _TOKEN.sub(lambda m: f"({m[0]}−{bar})" if m[0] in positions else m[0], text)


def _product(name, rename: dict) -> str:
    """The term ``scalar part × seed`` by juxtaposition, particle inputs renamed."""

    def sub(text: str) -> str:
        return _TOKEN.sub(lambda m: rename.get(m.group(0), m.group(0)), text)

    words = [factor(sub(n)) + (f"^{e}" if e > 1 else "") for n, e in name.scalars]
    if name.seed:
        words.append(sub(name.seed))
    return " ".join(words) or "1"


def _stabilizer(problem, identical, particle_of, factors, used) -> list[dict]:
    """The permutations of the used particles (within each class) that fix the term, each as
    ``{particle: image}``. (A permutation mapping it to minus itself makes the orbit sum vanish;
    such terms are not in a basis.)"""
    variable_of = {key: i for i, key in particle_of.items()}
    by_class: dict[int, list] = {}
    for p in used:
        by_class.setdefault(p[0], []).append(p)
    target = tuple(sorted(factors))
    out = []
    for choice in itertools.product(*(itertools.permutations(ps) for ps in by_class.values())):
        sigma = {p: q for ps, qs in zip(by_class.values(), choice) for p, q in zip(ps, qs)}
        perm = {}
        for (c, k), (_, t) in sigma.items():
            for f in range(len(identical[c][k])):
                perm[variable_of[(c, k, f)]] = variable_of[(c, t, f)]
        image: dict[int, int] = {}
        for g, e in factors:
            g2, _ = problem.permute_generator(g, perm)
            image[g2] = image.get(g2, 0) + e
        if tuple(sorted(image.items())) == target:
            out.append(sigma)
    return out


def _blocks(used, stabilizer) -> list[list]:
    """Classes of the used particles joined by the transpositions in the stabilizer."""
    parent = {p: p for p in used}

    def root(p):
        while parent[p] != p:
            p = parent[p]
        return p

    for sigma in stabilizer:
        moved = [p for p, q in sigma.items() if p != q]
        if len(moved) == 2:
            a, b = (root(p) for p in moved)
            parent[max(a, b)] = min(a, b)
    blocks: dict = {}
    for p in used:
        blocks.setdefault(root(p), []).append(p)
    return list(blocks.values())
