"""Minimal generating sets of the invariants of ``G × S_n``: identical particles.

The invariants of ``G × S_n`` are the ``S_n``-invariants of the ``G``-invariant ring ``R``, and
the Reynolds operator ``ρ(f) = (1/|S_n|) Σ_σ σ·f`` maps ``R`` onto them. ``R`` is spanned by the
monomials in the generators of :func:`invariants.generators` (inner products, brackets,
scalars), so the ``G × S_n`` invariants of a multidegree are spanned by the *orbit sums*
``Σ_{m' ∈ S_n m} ±m'`` of those monomials (``ρ(m)`` up to a non-zero factor; an orbit whose
signs cancel gives 0 and is dropped). Those are the candidates; the selection is that of
:func:`invariants.minimal.select`, block by block over the multidegrees of the *grading*: the
degree in each field of a class of particles (summed over its particles) and in each
distinguishable input:

* the exact dimension of a block is a coefficient of the multigraded Hilbert series of
  ``G × S_n`` (:func:`invariants.hilbert_series`, Molien–Weyl averaged over the cycle types);
* a candidate is kept iff it raises the rank mod ``p`` (a lower bound on the rank over ``Q``) of
  the values at random points of the products of the kept ones.

Where the rank reaches the dimension the kept elements provably generate the block, and by the
graded Nakayama lemma their number per multidegree is that of any minimal homogeneous generating
set (the multisymmetric functions of the Gram entries, for vectors).

>>> r = symmetric_minimal_generators("O(3)", "3*p:vector", degree=6)
>>> [g.name for g in r.generators][:5], r.complete_to_degree
(['Σ_i (p_i·p_i)', 'Σ_{i<j} (p_i·p_j)', 'Σ_i (p_i·p_i)^2', 'Σ_{i<j} (p_i·p_j)^2', \
'Σ_{i≠j} (p_i·p_i) (p_i·p_j)'], 6)
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy

from .errors import InvariantsError, check_integer
from .groups import parse_group
from .minimal import (
    MARGIN,
    MinimalGenerator,
    MinimalGenerators,
    _compositions,
    _exponents,
    select,
)
from .modular import PRIME
from .particles import parse_spec
from .problem import check_degree, make_problem
from .spaces import field_type
from .spanning import candidate_monomials, generator_values, sample_points

__all__ = ["symmetric_minimal_generators", "symmetric_relations"]


def symmetric_minimal_generators(
    group, inputs: str, degree: int, *, seed: int = 0
) -> MinimalGenerators:
    """A minimal generating set up to ``degree`` of the invariants of ``group × Π S_n`` for a
    specification with identical particles (``"5*p:vector"``, ``"4*(m:scalar; x:vector)"``),
    each generator an orbit sum named as :mod:`invariants.orbit_names` names them
    (``Σ_{i<j} (p_i·p_j)^2``); multidegrees are
    over the grading variables (a class's field — ``p`` for ``p1…pN`` — or a distinguishable
    input), in the order the inputs were written (module docstring)."""
    from .hilbert import hilbert_series

    G = parse_group(group)
    degree = check_degree(check_integer(degree, "degree"))
    spec = parse_spec(inputs)
    if any(field_type(i.type).translates for i in spec.inputs) and G.translations:
        raise InvariantsError(
            f"minimal generators for identical particles under {G.name}: positions are not "
            "supported yet (their differences are not permuted monomially); use vectors"
        )
    problem = make_problem(G, spec.inputs, "scalar")
    grading, of_input = _grading(spec)
    series = hilbert_series(G, inputs, multigraded=True)
    order = _hilbert_order(spec, of_input)
    blocks = [b for total in range(1, degree + 1) for b in _compositions(total, len(grading))]
    dims = {b: series.coefficient(tuple(b[k] for k in order)) for b in blocks}
    rng = np.random.default_rng(seed)
    count = 2 * max(dims.values(), default=0) + MARGIN
    points = sample_points(problem, count, rng)
    values = generator_values(problem, points, PRIME, degree)
    candidates = []
    for beta in blocks:
        if dims[beta]:
            candidates += _orbit_sums(problem, spec, beta, of_input, values)
    kept, spans, complete_to, products = select(candidates, blocks, dims, degree)
    # in symbols named after the generators (p1·p2, [p1,p2,p3]): expanding an orbit sum in the
    # components is large and slow (degree 8 in five 4-vectors: minutes) and says less
    exprs = [sympy.Symbol(g.name) for g in problem.generators]
    found = tuple(
        MinimalGenerator(name, beta, _orbit_expression(images, exprs), factors)
        for name, beta, images, factors in kept
    )
    return MinimalGenerators(
        G.name,
        tuple((name, t) for name, t in grading),
        degree,
        found,
        complete_to,
        tuple(spans),
        "scalar",
        tuple(products),
    )


def _orbit_expression(images, exprs) -> sympy.Expr:
    """``Σ ± m'`` over the images ``m'`` of the orbit, in the generator symbols ``exprs``."""
    total = sympy.Integer(0)
    for image, sign in images:
        total += sign * sympy.Mul(*(exprs[g] ** e for g, e in image))
    return total


def _grading(spec) -> tuple[list[tuple[str, str]], list[int]]:
    """Grading variables ``(name, type)`` by first appearance, and each input's variable."""
    where = {}
    for c, cls in enumerate(spec.identical):
        for particle in cls:
            for f, i in enumerate(particle):
                where[i] = (c, f)
    keys: list = []
    grading = []
    of_input = []
    for i, inp in enumerate(spec.inputs):
        key = where.get(i, ("input", i))
        if key not in keys:
            keys.append(key)
            name = inp.name.rstrip("0123456789") if i in where else inp.name
            grading.append((name, inp.type))
        of_input.append(keys.index(key))
    return grading, of_input


def _hilbert_order(spec, of_input: list[int]) -> list[int]:
    """Positions in our grading of the variables of the multigraded Hilbert series
    (distinguishable inputs first, then each class's fields)."""
    in_class = {i for cls in spec.identical for p in cls for i in p}
    order = [of_input[i] for i in range(len(spec.inputs)) if i not in in_class]
    for cls in spec.identical:
        order += [of_input[i] for i in cls[0]]
    return order


def _orbit_sums(problem, spec, beta, of_input, values):
    """Candidates ``(item, beta, values mod p)``: one orbit sum per orbit of the monomials
    whose grading multidegree is ``beta``, over one multidegree per ``S_n``-orbit of input
    multidegrees (particles sorted by their field degrees)."""
    from .orbit_names import orbit_name
    from .symmetric_kernels import _particle_of, _used_particles, orbit, orbit_sum

    particle_of = _particle_of(problem, spec.identical)

    out = []
    seen: set = set()
    for gamma in _input_multidegrees(problem, spec, beta, of_input):
        for row in candidate_monomials(problem, gamma):
            factors = tuple((int(g), int(e)) for g, e in enumerate(row) if e)
            o = orbit(problem, spec.identical, factors)
            key = tuple(f for f, _ in o.images)
            if key in seen or o.vanishes:
                seen.add(key)
                continue
            seen.add(key)
            total = orbit_sum(o.images, values, PRIME)
            name = orbit_name(problem, spec, factors)  # as the orbit-sum bases name them
            used = len(_used_particles(problem, factors, particle_of))
            out.append(
                ((used, len(o.images), name), ((name, beta, o.images, factors), beta, total))
            )
    # sums over few particles first (Σ_i (p_i·p_i)^2 before Σ (p_i·p_i) (p_j·p_k)): the
    # selection keeps the first candidates that raise the rank
    return [c for _, c in sorted(out, key=lambda x: x[0])]


def _input_multidegrees(problem, spec, beta, of_input):
    """Multidegrees over the problem's variables (one per input) that collapse to ``beta``,
    one per orbit of the particle permutations: the particles of a class in non-increasing
    order of their field degrees."""
    n_inputs = len(spec.inputs)
    fixed = {}
    for i in range(n_inputs):
        if not any(i in p for cls in spec.identical for p in cls):
            fixed[i] = beta[of_input[i]]
    per_class = []
    for cls in spec.identical:
        fields = len(cls[0])
        totals = [beta[of_input[cls[0][f]]] for f in range(fields)]
        per_class.append(list(_particle_degrees(len(cls), totals)))
    for choice in itertools.product(*per_class):
        gamma = [0] * n_inputs
        for i, k in fixed.items():
            gamma[i] = k
        for cls, degrees in zip(spec.identical, choice):
            for particle, ds in zip(cls, degrees):
                for i, k in zip(particle, ds):
                    gamma[i] = k
        yield tuple(gamma) + (0,) * (len(problem.variables) - n_inputs)


def _particle_degrees(n: int, totals: list[int]):
    """Tuples of ``n`` per-particle field-degree vectors summing to ``totals``, non-increasing."""

    def rec(k, remaining, bound):
        if k == n:
            if not any(remaining):
                yield ()
            return
        for ds in itertools.product(*(range(r + 1) for r in remaining)):
            if bound is not None and ds > bound:
                continue
            rest = [r - x for r, x in zip(remaining, ds)]
            for tail in rec(k + 1, rest, ds):
                yield (ds,) + tail

    yield from rec(0, list(totals), None)


def symmetric_relations(group, inputs: str, degree: int, limit: int = 10, *, seed: int = 0):
    """Up to ``limit`` minimal relations among the generators of
    :func:`symmetric_minimal_generators`, lowest degree first, exact and confirmed.

    As in :mod:`invariants.syzygies`: per block the products of the generators are evaluated
    exactly at integer points, the rational null space holds every relation, those that are not
    lower relations times generators are kept, and each is confirmed by expansion — in the
    symbols of the plain generators (valid since zero there is zero everywhere), else in the
    input components.

    >>> rels = symmetric_relations("O(1)", "2*(m:scalar; x:vector)", 8)
    >>> [(r.multidegree, r.confirmed) for r in rels]
    [((2, 4), True)]
    """
    from .symmetric_kernels import orbit, orbit_sum
    from .syzygies import TensorRelation, _kernel, _new

    G = parse_group(group)
    limit = check_integer(limit, "limit")
    result = symmetric_minimal_generators(G, inputs, degree, seed=seed)
    spec = parse_spec(inputs)
    problem = make_problem(G, spec.inputs, "scalar")
    gens = result.generators
    orbits = [orbit(problem, spec.identical, g.source).images for g in gens]  # once, not per point
    names = tuple(g.name for g in gens)
    degrees = [g.multidegree for g in gens]
    symbols = [sympy.Symbol(g.name) for g in problem.generators]
    coords = problem.variable_expressions()
    flat = [x for i in range(len(spec.inputs)) for x in coords[i]]
    exact = sympy.lambdify(flat, problem.generator_expressions(), "math")
    rng = np.random.default_rng(4321 + seed)
    out: list = []
    lower: dict[tuple[int, ...], list[dict]] = {}
    for beta, _dim, _span in result.blocks:
        monos = sorted(_exponents(degrees, beta), reverse=True)
        if len(monos) <= _dim:
            lower[beta] = []
            continue
        rows = []
        for _ in range(len(monos) + 6):
            point = [int(x) for x in rng.integers(-6, 7, size=len(flat))]
            plain = exact(*point)
            values = [orbit_sum(images, plain) for images in orbits]
            rows.append([math.prod(v**e for v, e in zip(values, m)) for m in monos])
        syzygies = _kernel(rows, len(monos))
        lower[beta] = [dict(zip(monos, v)) for v in syzygies]
        old = []
        for k, deg in enumerate(degrees):
            gamma = tuple(b - e for b, e in zip(beta, deg))
            for rel in lower.get(gamma, []) if min(gamma) >= 0 else []:
                old.append(
                    {tuple(e + (i == k) for i, e in enumerate(m)): c for m, c in rel.items()}
                )
        for vec in _new(old, syzygies, monos):
            terms = tuple((c, m) for m, c in zip(monos, vec) if c)
            total = sum(
                (
                    sympy.Rational(c.numerator, c.denominator)
                    * sympy.Mul(*(g.expression**e for g, e in zip(gens, m)))
                    for c, m in terms
                ),
                sympy.Integer(0),
            )
            confirmed = sympy.expand(total) == 0 or (
                sympy.expand(total.xreplace(dict(zip(symbols, problem.generator_expressions()))))
                == 0
            )
            out.append(TensorRelation(beta, terms, names, None, confirmed))
            if len(out) >= limit:
                return out
    return out
