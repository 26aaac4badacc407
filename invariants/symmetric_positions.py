"""Identical particles with positions under a group with translations (``"4*x:position"``).

The plain problem writes positions as differences from the first one, ``x_k − x_1``;
permuting the particles does not permute those differences, so the orbits of
:mod:`invariants.symmetric_kernels` do not apply to them. Differences from the **centroid**
``x̄ = (1/n) Σ_k x_k`` of a class do: ``y_k = x_k − x̄`` is moved like ``x_k`` by the
permutations, is invariant under translations and is a vector under the linear part ``G₀``
(``O(3)`` for ``E(3)``). The map ``x ↦ y`` is linear and equivariant; its kernel is the
diagonal translations and its image the subspace ``W = {Σ_k y_k = 0}``. So the
translation-invariant ``G × S_n`` invariants (equivariants) of the positions are the
``G₀ × S_n`` invariants of vectors restricted to ``W``, and every invariant on ``W`` is the
restriction of one on the whole space (restriction is onto and commutes with the Reynolds
operator of the reductive group ``G₀ × S_n``). The orbit sums of the vector problem therefore
span after restriction, with linear dependencies (``Σ_k y_k·g = 0``).

Selection: the orbit sums are evaluated **mod p** at integer points of ``W`` (``y_k = n x_k − Σ_j
x_j``: integers, a multiple of ``x_k − x̄``; a degree-``k`` orbit sum scales by ``n^k``, which
does not change ranks of homogeneous columns), and the earliest columns independent mod ``p`` are
kept — independent mod ``p`` implies independent over ``Q``. Their number must equal the exact
dimension from the Molien–Weyl series of the position problem (:func:`invariants.hilbert_series`);
if it is smaller (unlucky points), other points are tried, then an error is raised.

Other positions (ordinary inputs, other classes) are taken relative to the same centroid ``x̄`` of
the first class with a position field; names write them as ``(x_i−x̄)``, ``(z−x̄)``.

>>> import invariants as inv
>>> B = inv.basis("E(3)", "4*x:position", output="scalar", degree=4)
>>> len(B), B.group.name, B.terms[4].name  # 1 + 1 + 3 (Molien–Weyl: 1 + t² + 3t⁴ + …)
(5, 'E(3)', 'Σ_{i<j} ((x_i−x̄)·(x_j−x̄))^2')
>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(2, 4, 3))
>>> K = B.lambdify()
>>> bool(np.allclose(K(x=x), K(x=x + [1.0, 2.0, 3.0])))  # translation invariant
True
"""

from __future__ import annotations

import numpy as np

from .errors import InvariantsError

__all__ = ["centred_basis", "independent_orbit_sums"]


def centred_basis(group, spec, text: str, output: str, degree: int, seed: int = 0):
    """The orbit-sum basis of ``spec`` (a :class:`~invariants.particles.Spec` with positions)
    under the translation group ``group``: a :class:`SymmetricBasis` of the vector problem under
    the linear part, restricted to centred positions, with ``centre`` set."""
    from .groups import parse_group
    from .inputs import Input
    from .particles import Spec
    from .symmetric_kernels import SymmetricBasis, _representatives
    from .verify import verify

    G = parse_group(group)
    origin = next(
        (
            (c, f)
            for c, cls in enumerate(spec.identical)
            for f in range(len(cls[0]))
            if spec.inputs[cls[0][f]].type == "position"
        ),
        None,
    )
    if origin is None:
        raise InvariantsError(
            f"positions under {G.name} with identical particles: a class of identical particles "
            "must have a position field (its centroid is the origin); write the other positions "
            "as a class (e.g. '2*z:position') or as differences (vectors)"
        )
    c, f = origin
    positions = tuple(i.name for i in spec.inputs if i.type == "position")
    vectors = Spec(
        tuple(Input(i.name, "vector" if i.type == "position" else i.type) for i in spec.inputs),
        spec.identical,
    )
    report = verify(G.linear_part, vectors.inputs, output, degree, seed=seed)
    centre = (tuple(spec.inputs[p[f]].name for p in spec.identical[c]), positions)
    terms, orbits = _representatives(report, vectors, centre)
    B = SymmetricBasis(report, tuple(terms), (), vectors, tuple(orbits), text, G, centre)
    return independent_orbit_sums(B, G, text, output, degree, seed)


def independent_orbit_sums(B, G, text: str, output: str, degree: int, seed: int = 0):
    """``B`` with only its earliest orbit sums that are independent mod ``p`` at random
    (centred, for positions) integer points — distinct orbit sums of a basis of the
    distinguishable problem span the symmetric part but need not be independent (relations of
    the plain generators, e.g. a Gram determinant) — checked against the exact dimension."""
    from .symmetric_kernels import SymmetricBasis

    want = _dimension(G, text, output, degree)
    for attempt in range(3):
        keep = _independent(B, np.random.default_rng([seed, attempt]))
        if len(keep) == want:
            break
    else:
        raise InvariantsError(
            f"the orbit sums have rank {len(keep)} mod p, not the dimension {want} of the "
            "invariants (not expected; try another seed)"
        )
    return SymmetricBasis(
        B.report,
        tuple(B.terms[j] for j in keep),
        (),
        B.spec,
        tuple(B.orbits[j] for j in keep),
        text,
        B.translation_group,
        B.centre,
    )


def _dimension(G, text: str, output: str, degree: int) -> int:
    """The exact dimension up to ``degree`` (the Molien–Weyl series, truncated)."""
    from .hilbert import hilbert_coefficients

    return sum(hilbert_coefficients(G, text, output, degree + 1))


def _independent(B, rng, p: int = 2**31 - 1) -> list[int]:
    """Indices of the earliest orbit sums independent mod ``p`` at centred integer points."""
    from .modular import rank_and_pivots
    from .spanning import sample_points, swapped_points, variable_slices

    problem = B.problem
    names = [i.name for i in problem.inputs]
    count = len(B.terms) + 8
    points = sample_points(problem, count, rng, p)
    slices = variable_slices(problem)
    if B.centre:  # positions relative to the centroid of their class (times n, mod p)
        origin, positions = B.centre
        by_name = {
            names[v.source]: slices[k]
            for k, v in enumerate(problem.variables)
            if v.role == "input" and v.vector_like
        }
        n = len(origin)
        total = sum(points[:, by_name[name]] for name in origin) % p
        centred = {name: (n * points[:, by_name[name]] - total) % p for name in positions}
        for name, value in centred.items():
            points[:, by_name[name]] = value
    columns = _orbit_values(B, points, p)
    if problem.output == "skew":  # the output is the antisymmetric part φ(u,w) − φ(w,u)
        columns = (columns - _orbit_values(B, swapped_points(problem, points), p)) % p
    _, pivots = rank_and_pivots(columns, p)
    return pivots


def _orbit_values(B, points, p: int) -> np.ndarray:
    """``(points, orbit sums)``: every orbit sum mod ``p`` from its images' generator values."""
    from .spanning import generator_values
    from .symmetric_kernels import orbit_sum

    values = generator_values(B.problem, points, p, degree=B.degree)
    columns = np.zeros((len(points), len(B.terms)), dtype=np.int64)
    for j, o in enumerate(B.orbits):
        columns[:, j] = orbit_sum(o.images, values, p)
    return columns
