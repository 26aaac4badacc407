"""Verify spanning for identical particles: the invariants of ``G × S_n`` (``"4*p:vector"``).

For every total degree ``k`` up to the bound, three numbers are compared:

* ``dimension``: the degree-``k`` coefficient of the Hilbert series of ``G × Π S_n``
  (:func:`invariants.hilbert.hilbert_coefficients`, the Molien–Weyl series, truncated);
* ``independent``: the same dimension by a second method that uses no Molien–Weyl integral,
  Burnside's lemma on the plain (distinguishable) space ``V`` of ``G``-invariants,
  ``dim V^K = (1/|K|) Σ_{σ∈K} tr(σ | V)``, with each trace computed exactly mod ``p`` from a
  verified basis of ``V`` (below); :class:`~invariants.errors.CountMismatchError` if the two
  differ;
* ``span``: the rank mod ``p`` of the Reynolds images ``R(f)(x) = (1/|K|) Σ_{σ∈K} f(σx)`` of the
  candidate monomials ``f`` (products of the plain generators), evaluated at random points.

**Exactness.** Every ``R(f)`` is ``G``- and ``S_n``-invariant, so ``span ≤ dimension`` always; a
rank mod ``p`` is a lower bound on the rank over ``Q`` (a non-zero minor mod ``p`` is non-zero),
so ``span == dimension`` proves that the Reynolds images (orbit sums) of the candidates span the
degree-``k`` ``G × S_n`` invariants (equivariants). A ``span`` above ``independent`` is
impossible and raises (it would mean the images were not invariant).

**The traces.** The plain candidates of a block are evaluated at the points; their rank mod
``p`` must equal the block's dimension by Weyl's character formula
(:func:`invariants.counting.character_dimension`, checked, else an error), which gives a basis
``B`` of ``V`` and ``D = dim V`` points ``R`` where ``B(R)`` is invertible mod ``p``. For a
permutation ``σ``, ``f ∘ σ`` lies in ``V``, so ``B(σR) = B(R) Mᵀ`` for the rational matrix ``M``
of ``σ`` on ``V``; its denominators divide ``det B(R) ≢ 0 (mod p)``, so ``M mod p`` is the
solution of that system mod ``p``, and ``tr M`` is an integer (a character value of a rational
representation of a finite group) of absolute value ``≤ D < p/2``, read off exactly from its
residue. The traces are a class function: one representative per cycle type, times the class
size.

**Sectors.** Without translations acting on the particles, ``σ`` permutes the variables and
maps the block of multidegree ``β`` onto the block ``σβ``. The invariants then split by orbits
of multidegrees, and restricting an invariant ``F`` to the block of a representative ``β`` is
injective (``F_{σβ} = σ F_β``), with image the invariants of the stabilizer ``K = Stab(β)`` in
the block ``V_β``. So each orbit is verified in one block: candidates of ``β``, Reynolds
operator and traces over ``Stab(β)`` only (a Young subgroup), which is much smaller than
``S_n`` for most blocks. With positions of a translation group among the particles (``E(3)``,
``"4*x:position"``), the variables are differences ``x_i − x_1`` and a permutation moving
particle 1 acts on them linearly but not by permuting them (``x_2 − x_1 ↦ x_2 − x_3 =
(x_2 − x_1) − (x_3 − x_1)``); then each total degree is one sector: ``V`` is the whole
degree-``k`` space, ``K`` all of ``Π S_n``, and ``σ`` acts on the points (positions rebuilt
with ``x_1 = 0``, permuted, differenced again).

**Candidates** are counted after merging the monomials whose orbit sums agree up to sign under
the permutations that permute the variables (the stabilizer, or those fixing particle 1), and
dropping those whose orbit sum vanishes (``[p1,p2,p3]`` under ``S_3``).

**Cost.** The traces need one permutation per cycle type (conjugacy class) of ``K``; the Reynolds
images sum over every element of ``K``: ``Stab(β)`` is all of ``S_n`` only for blocks where the
particles have equal degrees, and particles absent from a block are left out of it; a
permutation of the variables acts on the generators' values at the points by a permutation with
signs (no re-evaluation). With translated positions every element of ``Π S_n`` is applied to the
points, so ``n ≤ 6`` is the practical range there.

**Certificates** (:meth:`SymmetricReport.certificate`, format version 3) record per sector the
plain basis, the independent orbit representatives and the points of their minors; the checker
(:mod:`invariants.checker`) recomputes everything else.

>>> r = verify_symmetric("O(3)", "3*p:vector", degree=4)
>>> [(d.degree, d.dimension, d.independent, d.span) for d in r.degrees]
[(0, 1, 1, 1), (1, 0, 0, 0), (2, 2, 2, 2), (3, 0, 0, 0), (4, 6, 6, 6)]
>>> r.complete
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import flint
import numpy as np

from .errors import CountMismatchError, InvariantsError
from .groups import Group
from .modular import PRIME, rank_and_pivots
from .problem import Problem, check_degree, make_problem
from .schedule import MARGIN
from .spanning import (
    candidate_matrix,
    candidate_monomials,
    generator_values,
    sample_points,
    swapped_points,
    variable_slices,
)
from .verify import ProblemView

__all__ = ["SymmetricDegree", "SymmetricReport", "SymmetricSector", "verify_symmetric"]

Progress = Callable[[int, int], None]
#: Most elements of ``K`` a Reynolds operator sums over (8!), as the checker's limit.
MAX_PERMUTATIONS = 40320
#: Most point sets permuted by a non-variable permutation kept in memory at once.
_VALUES_CACHE = 2048


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SymmetricSector:
    """One sector: an orbit of multidegrees (``multidegree``: its representative over the
    inputs, in their order) or, with translated particle positions, a whole total degree
    (``multidegree`` ``None``). ``independent`` is its dimension by the traces."""

    degree: int
    multidegree: tuple[int, ...] | None
    independent: int
    span: int
    candidates: int
    # for certificates: the representative over the variables, a basis of the plain space and
    # points where it is invertible, the independent orbit representatives and their points
    block: tuple[int, ...] | None = field(default=None, repr=False, compare=False)
    plain_basis: np.ndarray | None = field(default=None, repr=False, compare=False)
    plain_rows: tuple[int, ...] = field(default=(), repr=False, compare=False)
    basis: np.ndarray | None = field(default=None, repr=False, compare=False)
    rows: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def complete(self) -> bool:
        return self.span == self.independent

    def as_dict(self) -> dict:
        md = None if self.multidegree is None else list(self.multidegree)
        return {
            "degree": self.degree,
            "multidegree": md,
            "independent": self.independent,
            "span": self.span,
            "candidates": self.candidates,
            "relations": self.candidates - self.span,
        }


@dataclass(frozen=True)
class SymmetricDegree:
    """Numbers for one total degree (module docstring): ``relations = candidates − span``."""

    degree: int
    dimension: int
    independent: int
    span: int
    candidates: int
    relations: int

    @property
    def complete(self) -> bool:
        return self.span == self.dimension

    def as_dict(self) -> dict:
        return {
            "degree": self.degree,
            "dimension": self.dimension,
            "independent": self.independent,
            "span": self.span,
            "candidates": self.candidates,
            "relations": self.relations,
        }


@dataclass(frozen=True)
class SymmetricReport(ProblemView):
    """Result of :func:`verify_symmetric`: one row per total degree, and the sectors.

    >>> r = verify_symmetric("SO(2)", "2*p:vector", degree=2)
    >>> print(r.table())
    degree  dimension independent       span  candidates  relations
    ---------------------------------------------------------------
         0          1           1          1           1          0
         1          0           0          0           0          0
         2          2           2          2           2          0
    """

    problem: Problem
    spec: str
    identical: tuple
    degree: int
    degrees: tuple[SymmetricDegree, ...]
    sectors: tuple[SymmetricSector, ...]
    seed: int
    points: np.ndarray = field(repr=False)
    prime: int = PRIME

    @property
    def complete(self) -> bool:
        """True iff the orbit sums span every degree (a proof: module docstring)."""
        return all(d.complete for d in self.degrees)

    def as_dict(self) -> dict:
        """The JSON object printed by ``invariants verify --json`` for an ``N*`` spec."""
        return {
            "group": self.group.name,
            "inputs": [{"name": i.name, "type": i.type} for i in self.inputs],
            "identical": [[list(p) for p in cls] for cls in self.identical],
            "output": self.output,
            "degree": self.degree,
            "complete": self.complete,
            "degrees": [d.as_dict() for d in self.degrees],
            "sectors": [s.as_dict() for s in self.sectors],
        }

    def certificate(self) -> dict:
        """A certificate that :func:`invariants.check` re-checks without this package (format
        version 3, key ``"identical"``: ``docs/certificate-format.md``).

        >>> cert = verify_symmetric("O(3)", "3*p:vector", degree=2).certificate()
        >>> cert["version"], [s["dimension"] for s in cert["identical"]["sectors"]]
        (3, [1, 0, 1, 1])
        """
        return _certificate(self)

    def table(self) -> str:
        """A plain-text table per total degree."""
        head = (
            f"{'degree':>6} {'dimension':>10} {'independent':>11} {'span':>10} "
            f"{'candidates':>11} {'relations':>10}"
        )
        lines = [head, "-" * len(head)]
        for r in self.degrees:
            flag = "" if r.complete else "   INCOMPLETE"
            lines.append(
                f"{r.degree:>6} {r.dimension:>10} {r.independent:>11} {r.span:>10} "
                f"{r.candidates:>11} {r.relations:>10}{flag}"
            )
        return "\n".join(lines)


def _certificate(report: SymmetricReport) -> dict:
    """The plain header (problem, generators, points) and one record per sector."""
    from .certificate import problem_record
    from .modular import det_mod_flint

    problem, p = report.problem, report.prime
    action = _Action(problem, report.identical, p)
    points = report.points
    base, base_swapped = action.values(points, {})
    records = []
    for s in report.sectors:
        elements = _elements(_sector_groups(action, s.block)) if len(s.basis) else []
        plain_rows = list(s.plain_rows)
        A = candidate_matrix(
            problem,
            s.plain_basis,
            base[:, plain_rows],
            None if base_swapped is None else base_swapped[:, plain_rows],
            p,
        )
        R = np.zeros((len(s.rows), len(s.basis)), dtype=np.int64)
        for perm in elements:
            vals, sw = action.values(points, perm)
            rows = list(s.rows)
            R = (R + candidate_matrix(problem, s.basis, vals[:, rows],
                                      None if sw is None else sw[:, rows], p)) % p  # fmt: skip
        records.append(
            {
                "degree": s.degree,
                "multidegree": None if s.block is None else list(s.block),
                "dimension": s.independent,
                "span": s.span,
                "candidates": s.candidates,
                "relations": s.candidates - s.span,
                "plain_basis": s.plain_basis.tolist(),
                "plain_rows": plain_rows,
                "plain_det": det_mod_flint(A, p),
                "basis": s.basis.tolist(),
                "rows": list(s.rows),
                "det": det_mod_flint(R, p),
            }
        )
    used = max([max(r["plain_rows"] + r["rows"], default=-1) for r in records], default=-1) + 1
    return {
        **problem_record(problem, report.degree, 3),
        "prime": p,
        "points": points[:used].tolist(),
        "generators": [
            {"name": g.name, "kind": g.kind, "args": list(g.args)} for g in problem.generators
        ],
        "blocks": [],
        "identical": {
            "classes": [[list(particle) for particle in cls] for cls in report.identical],
            "sectors": records,
        },
        "complete": report.complete,
    }


def _sector_groups(action: _Action, block) -> list[list[int]]:
    """The groups of particles whose symmetric groups make ``K`` for a sector: the stabilizer
    of the representative ``block`` (its particles of equal, non-zero degrees), or (``None``,
    translated positions) every class."""
    if block is None:
        return [cls for cls in action.classes if len(cls) > 1]
    particle_vars = [[action.var_of_input[i] for i in p] for p in action.particles]
    groups = []
    for cls in action.classes:
        by: dict[tuple, list[int]] = {}
        for q in cls:
            by.setdefault(tuple(block[v] for v in particle_vars[q]), []).append(q)
        # particles absent from the block (degree 0) act trivially on it: left out of K
        groups.extend(g for t, g in by.items() if len(g) > 1 and any(t))
    return groups


# --- the permutations --------------------------------------------------------------------------


def _cycle_types(m: int) -> list[tuple[int, ...]]:
    """Partitions of ``m`` (cycle types of ``S_m``), largest parts first."""
    out: list[tuple[int, ...]] = []

    def rec(rest: int, top: int, parts: tuple[int, ...]) -> None:
        if rest == 0:
            out.append(parts)
            return
        for k in range(min(rest, top), 0, -1):
            rec(rest - k, k, parts + (k,))

    rec(m, m, ())
    return out


def _class_size(m: int, parts: tuple[int, ...]) -> int:
    """``m! / z_λ``, ``z_λ = Π_i i^{a_i} a_i!`` (the size of a conjugacy class of ``S_m``)."""
    z = 1
    for i in set(parts):
        a = parts.count(i)
        z *= i**a * math.factorial(a)
    return math.factorial(m) // z


def _classes(groups: list[list[int]]) -> list[tuple[dict[int, int], int]]:
    """Conjugacy class representatives of ``Π_g Sym(group g)`` (a map particle -> particle,
    particles being ``(class, index)`` pairs flattened to ints by the caller) and class sizes."""
    per_group = []
    for g in groups:
        reps = []
        for parts in _cycle_types(len(g)):
            perm, start = {}, 0
            for k in sorted(parts):  # fixed points first: particle g[0] is fixed if any is
                cycle = g[start : start + k]
                for a, b in zip(cycle, cycle[1:] + cycle[:1]):
                    perm[a] = b
                start += k
            reps.append((perm, _class_size(len(g), parts)))
        per_group.append(reps)
    out = []
    for combo in itertools.product(*per_group):
        perm: dict[int, int] = {}
        size = 1
        for p, s in combo:
            perm.update(p)
            size *= s
        out.append((perm, size))
    return out


def _elements(groups: list[list[int]]) -> list[dict[int, int]]:
    """Every element of ``Π_g Sym(group g)``."""
    per_group = [[dict(zip(g, q)) for q in itertools.permutations(g)] for g in groups]
    out = []
    for combo in itertools.product(*per_group):
        perm: dict[int, int] = {}
        for p in combo:
            perm.update(p)
        out.append(perm)
    return out


class _Action:
    """How particle permutations act on a problem: on inputs, variables, generators, points."""

    def __init__(self, problem: Problem, identical, prime: int):
        self.problem, self.prime = problem, prime
        self.identical = identical
        # particles numbered 0…: particle -> its fields' input indices
        self.particles: list[tuple[int, ...]] = [p for cls in identical for p in cls]
        self.classes: list[list[int]] = []
        start = 0
        for cls in identical:
            self.classes.append(list(range(start, start + len(cls))))
            start += len(cls)
        self.var_of_input = {
            v.source: i for i, v in enumerate(problem.variables) if v.role == "input"
        }
        origins = {v.origin for v in problem.variables if v.origin is not None}
        origin = next(iter(origins)) if origins else None
        self.origin_particle = next((k for k, p in enumerate(self.particles) if origin in p), None)
        self.slices = variable_slices(problem)
        self._permuter = _GeneratorPermutations(problem)
        self._values: dict = {}

    @property
    def permutes_variables(self) -> bool:
        """False iff positions of a translation group are among the particles (with particle
        1's position as the origin of the differences)."""
        return self.origin_particle is None

    def input_map(self, perm: dict[int, int]) -> dict[int, int]:
        """Particle permutation -> input permutation: field ``f`` of particle ``k`` goes to
        field ``f`` of particle ``perm[k]``."""
        out = {}
        for k, t in perm.items():
            for a, b in zip(self.particles[k], self.particles[t]):
                out[a] = b
        return out

    def variable_map(self, perm: dict[int, int]) -> dict[int, int]:
        """The permutation of the variables (only if ``perm`` fixes the origin's particle)."""
        out = {}
        for a, b in self.input_map(perm).items():
            if a in self.var_of_input:
                out[self.var_of_input[a]] = self.var_of_input[b]
        return out

    def generator_map(self, perm: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Image index and sign of every generator under a variable-permuting ``perm``:
        ``g(σx) = sign[g] · generator[target[g]](x)``."""
        vm = np.arange(len(self.problem.variables))
        for a, b in self.variable_map(perm).items():
            vm[a] = b
        return self._permuter(vm)

    def fixes_origin(self, perm: dict[int, int]) -> bool:
        """Whether ``perm`` permutes the variables (it fixes the origin's particle)."""
        o = self.origin_particle
        return o is None or perm.get(o, o) == o

    def permute_points(self, points: np.ndarray, perm: dict[int, int]) -> np.ndarray:
        """The points ``σx`` (``(σx)_i = x_{σ(i)}`` on inputs), in variable coordinates; with
        translations the origin's position is taken as 0 and the differences are rebuilt."""
        imap = self.input_map(perm)
        p, problem = self.prime, self.problem
        sl = self.slices
        out = points.copy()

        def position(i: int) -> np.ndarray | int:  # an input's coordinates (origin: 0)
            return points[:, sl[self.var_of_input[i]]] if i in self.var_of_input else 0

        for i, v in enumerate(problem.variables):
            if v.role != "input":
                continue
            new = position(imap.get(v.source, v.source))
            if v.origin is not None:
                new = new - position(imap.get(v.origin, v.origin))
            out[:, sl[i]] = np.asarray(new) % p
        return out

    def values(self, points: np.ndarray, perm: dict[int, int]):
        """Generator values (and those at the skew-swapped points) at ``σx`` (the generators up
        to the problem's ``max_degree``). A variable-permuting ``σ`` permutes the values at
        ``x`` (with the signs of brackets); another one is applied to the points (cached)."""
        key = tuple(sorted((k, t) for k, t in perm.items() if k != t))
        pr, p = self.problem, self.prime
        if key and self.fixes_origin(perm):
            base, base_swapped = self.values(points, {})
            target, sign = self.generator_map(perm)
            vals = base[target] * sign[:, None] % p
            swapped = None if base_swapped is None else base_swapped[target] * sign[:, None] % p
            return vals, swapped
        if key not in self._values:
            pts = self.permute_points(points, perm) if key else points
            degree = pr.max_degree
            swapped = None
            if pr.antisymmetric is not None:
                swapped = generator_values(pr, swapped_points(pr, pts), p, degree)
            values = (generator_values(pr, pts, p, degree), swapped)
            if len(self._values) >= _VALUES_CACHE:
                return values
            self._values[key] = values
        return self._values[key]


class _GeneratorPermutations:
    """The image and sign of every generator under a permutation of the variables, vectorized
    (the same map as :meth:`invariants.problem.Problem.permute_generator`, for all at once).

    A basic generator is keyed by its kind and sorted arguments, a product by its two factors;
    the image of a bracket has the sign of the permutation sorting its arguments.
    """

    _CODES = {"scalar": 0, "dot": 1, "bracket": 2}

    def __init__(self, problem: Problem):
        gens = problem.generators
        self.n = len(gens)
        self.base = len(problem.variables) + 1
        keys = np.zeros(self.n, dtype=np.int64)
        by: dict[tuple[str, int], list[int]] = {}
        for k, g in enumerate(gens):
            if g.kind != "product":
                by.setdefault((g.kind, len(g.args)), []).append(k)
        self.kinds = []
        for (kind, _), idx in by.items():
            rows = np.array(idx, dtype=np.int64)
            args = np.array([gens[k].args for k in idx], dtype=np.int64)
            self.kinds.append((rows, args, self._CODES[kind]))
            keys[rows] = self._encode(self._CODES[kind], np.sort(args, axis=1))
        basic = np.concatenate([rows for rows, _, _ in self.kinds]) if self.kinds else keys[:0]
        self.basic_order = basic[np.argsort(keys[basic], kind="stable")]
        self.basic_keys = keys[self.basic_order]
        prods = [k for k, g in enumerate(gens) if g.kind == "product"]
        self.prods = np.array(prods, dtype=np.int64)
        self.factors = np.array([gens[k].args for k in prods], dtype=np.int64).reshape(-1, 2)
        pair = self._pair(self.factors)
        self.prod_order = self.prods[np.argsort(pair, kind="stable")]
        self.prod_keys = np.sort(pair)

    def _encode(self, code: int, sorted_args: np.ndarray) -> np.ndarray:
        key = np.full(len(sorted_args), code, dtype=np.int64)
        for col in sorted_args.T:
            key = key * self.base + col
        return key

    def _pair(self, factors: np.ndarray) -> np.ndarray:
        return factors.min(axis=1) * self.n + factors.max(axis=1)

    @staticmethod
    def _find(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
        pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        if len(keys) and not np.array_equal(table[pos], keys):
            raise RuntimeError("a permuted generator is not among the generators")
        return pos

    def __call__(self, vm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        target = np.arange(self.n, dtype=np.int64)
        sign = np.ones(self.n, dtype=np.int64)
        for rows, args, code in self.kinds:
            new = vm[args]
            target[rows] = self.basic_order[
                self._find(self.basic_keys, self._encode(code, np.sort(new, axis=1)))
            ]
            if code == self._CODES["bracket"]:
                k = new.shape[1]
                inversions = sum(new[:, i] > new[:, j] for i in range(k) for j in range(i + 1, k))
                sign[rows] = 1 - 2 * (np.asarray(inversions) % 2)
        if len(self.prods):
            images = target[self.factors]
            target[self.prods] = self.prod_order[self._find(self.prod_keys, self._pair(images))]
            sign[self.prods] = sign[self.factors[:, 0]] * sign[self.factors[:, 1]]
        return target, sign


# --- one sector --------------------------------------------------------------------------------


def _orbit_representatives(problem: Problem, action: _Action, cands: np.ndarray, perms):
    """Indices of one candidate per orbit under ``perms`` (a group that permutes the
    variables), leaving out the orbits whose sum vanishes: those where a permutation maps the
    monomial to minus itself (for ``skew``: its class ``m − s·swap(m)``).

    Monomials are compared by two random linear hashes of their exponents (fixed weights). A
    collision (probability below ``2^-60``) could only merge two orbits or drop one, which can
    lower ``span`` but never raise it: it cannot make an incomplete result look complete.
    """
    if len(cands) == 0:
        return []
    weights = np.random.default_rng(0x5EED).integers(1, 2**31, size=(2, cands.shape[1]))
    skew = problem.antisymmetric is not None
    own = cands @ weights.T
    if skew:  # A(m) = m − s2·m' (m' = swap(m)); A(m') = −s2·A(m)
        swap_target, swap_signs = problem.dummy_swap
        s2 = 1 - 2 * ((cands @ (swap_signs < 0)) % 2)
        own_swapped = cands @ weights[:, swap_target].T
    best = np.full((len(cands), 2), np.iinfo(np.int64).max)
    vanish = np.zeros(len(cands), dtype=bool)
    for perm in perms:
        target, signs = action.generator_map(perm)
        sign = 1 - 2 * ((cands @ (signs < 0)) % 2)
        hashes = [cands @ weights[:, target].T]  # of the image monomial, Σ_g e_g w[target g]
        vanish |= (hashes[0] == own).all(axis=1) & (sign == -1)
        if skew:
            vanish |= (hashes[0] == own_swapped).all(axis=1) & (sign == s2)
            hashes.append(cands @ weights[:, swap_target[target]].T)
        for h in hashes:
            less = (h[:, 0] < best[:, 0]) | ((h[:, 0] == best[:, 0]) & (h[:, 1] < best[:, 1]))
            best[less] = h[less]
    out, taken = [], set()
    for r, key in enumerate(map(tuple, best.tolist())):
        if key in taken:
            continue
        taken.add(key)
        if not vanish[r]:
            out.append(r)
    return out


def _symmetric_residue(x: int, p: int) -> int:
    x %= p
    return x - p if x > p // 2 else x


def _trace_count(problem, action, blocks, dims, classes, order, points, degree):
    """``(1/|K|) Σ_classes size · tr(σ | V)``, ``V`` the sum of the plain ``blocks`` (module
    docstring: a verified basis, traces exact mod p); with the basis of ``V`` and the points
    where it is invertible."""
    p = action.prime
    identity = action.values(points, {})
    basis = []
    for beta, dim in zip(blocks, dims):
        if dim == 0:
            continue
        cands = candidate_monomials(problem, beta)
        rank, pivots = 0, []
        for n in (min(dim + MARGIN, len(points)), len(points)):
            vals, sw = identity
            m = candidate_matrix(problem, cands, vals[:, :n], None if sw is None else sw[:, :n], p)
            rank, pivots = rank_and_pivots(m, p)
            if rank >= dim:
                break
        if rank != dim:
            raise CountMismatchError(
                f"plain block {list(beta)}: the candidates have rank {rank} mod p at the points, "
                f"the character formula gives {dim} (try another seed)"
            )
        basis.append(cands[pivots])
    D = sum(dims)
    if D == 0:
        return 0, np.zeros((0, len(problem.generators)), dtype=np.int64), ()
    B = np.concatenate(basis)
    vals, sw = identity
    A = candidate_matrix(problem, B, vals, sw, p)
    _, rows = rank_and_pivots(np.ascontiguousarray(A.T), p)
    inverse = None
    total = 0
    for perm, size in classes:
        if all(k == t for k, t in perm.items()):
            total += size * D
            continue
        if inverse is None:
            AR = flint.nmod_mat(D, D, [int(x) for x in A[rows].ravel()], p)
            inverse = np.array([int(x) for x in AR.inv().entries()], dtype=np.int64)
            inverse = inverse.reshape(D, D)
        vals_s, sw_s = action.values(points, perm)
        As = candidate_matrix(problem, B, vals_s, sw_s, p)[rows]
        # Mᵀ = B(R)⁻¹ B(σR); tr M = Σ_ij inv_ij (As)_ji (products below 2^62, sums by rows)
        trace = int(((inverse * As.T % p).sum(axis=1) % p).sum() % p)
        total += size * _symmetric_residue(trace, p)
    if total % order or not 0 <= total // order <= D:
        raise CountMismatchError(
            f"Burnside's count (1/{order}) Σ tr = {total}/{order} is not a dimension in [0, {D}]"
        )
    return total // order, B, tuple(rows)


def _reynolds_rank(problem, action, cands, perms, points, degree, dim):
    """Rank mod p of ``Σ_{σ∈perms} f(σx)`` for the candidate rows ``f`` at the points (the first
    ``dim + MARGIN`` points, all of them if that falls short), with the independent candidates
    and the points of a non-singular minor. Also for ``dim == 0``: the images must then vanish
    at the points, which checks that they are invariant."""
    if len(cands) == 0:
        return 0, (), ()
    p = action.prime
    total = np.zeros((len(points), len(cands)), dtype=np.int64)
    for perm in perms:
        vals, sw = action.values(points, perm)
        total = (total + candidate_matrix(problem, cands, vals, sw, p)) % p
    rank, pivots = 0, []
    for n in (min(dim + MARGIN, len(points)), len(points)):
        rank, pivots = rank_and_pivots(np.ascontiguousarray(total[:n]), p)
        if rank >= dim:
            break
    if rank == 0:
        return 0, (), ()
    _, rows = rank_and_pivots(np.ascontiguousarray(total[:, pivots].T), p)
    return rank, tuple(pivots), tuple(rows)


# --- sectors -----------------------------------------------------------------------------------


def _blocks_of_degree(problem: Problem, k: int):
    """Every multidegree over the variables of input degree ``k`` (dummies at their degree)."""
    from .blocks import compositions

    inputs = problem.input_variables
    for combo in compositions(k, len(inputs)):
        beta = [v.degree or 0 for v in problem.variables]
        for i, x in zip(inputs, combo):
            beta[i] = x
        yield tuple(beta)


def _canonical_blocks(problem: Problem, action: _Action, k: int):
    """One multidegree per orbit of the particle permutations (particles' field degrees
    non-increasing within each class), input degree ``k``; and its stabilizer's groups."""
    particle_vars = [[action.var_of_input[i] for i in p] for p in action.particles]
    for beta in _blocks_of_degree(problem, k):
        ok = True
        for cls in action.classes:
            tuples = [tuple(beta[v] for v in particle_vars[q]) for q in cls]
            if any(a < b for a, b in zip(tuples, tuples[1:])):
                ok = False
                break
        if ok:
            yield beta, _sector_groups(action, beta)


def _over_inputs(problem: Problem, beta: tuple[int, ...]) -> tuple[int, ...]:
    out = [0] * len(problem.inputs)
    for i, v in enumerate(problem.variables):
        if v.role == "input":
            out[v.source] = beta[i]
    return tuple(out)


def _dimension(problem: Problem, beta, bound: int) -> int:
    from .counting import character_dimension

    types = [v.type for v in problem.variables]
    return character_dimension(
        problem.group.family, problem.group.d, types, beta, problem.antisymmetric, bound
    )


# --- the entry point ---------------------------------------------------------------------------


def verify_symmetric(
    group: str | Group,
    spec: str,
    output: str = "scalar",
    degree: int = 4,
    *,
    seed: int = 0,
    progress=None,
) -> SymmetricReport:
    """Verify, degree by degree, that orbit sums of the candidate monomials span the
    ``G × Π S_n`` invariants (``output="scalar"``) or equivariants of a spec with identical
    particles (``"4*p:vector"``, ``"5*(m:scalar; x:vector)"``, ``"3*p:vector; q:vector"``).

    ``progress``: a function ``progress(done, total)`` called after every sector, or a
    :class:`~invariants.verify.ProgressReporter`. Raises
    :class:`~invariants.errors.CountMismatchError` if the Hilbert series and the trace count
    disagree (never expected).

    >>> r = verify_symmetric("E(3)", "3*x:position", degree=4)
    >>> [d.dimension for d in r.degrees], r.complete
    ([1, 0, 1, 0, 2], True)
    >>> verify_symmetric("O(3)", "p:vector")
    Traceback (most recent call last):
    ...
    invariants.errors.InvariantsError: no identical particles in 'p:vector': use invariants.verify
    """
    from .hilbert import hilbert_coefficients
    from .particles import parse_spec
    from .verify import _reporter

    if not isinstance(spec, str):
        raise InvariantsError(
            f"the inputs must be a specification string such as '4*p:vector', got {spec!r}"
        )
    parsed = parse_spec(spec)
    if not parsed.identical:
        raise InvariantsError(f"no identical particles in {spec!r}: use invariants.verify")
    tensors = [f"{i.name}:{i.type}" for i in parsed.inputs if i.tensor is not None]
    if tensors:
        raise InvariantsError(
            f"tensor inputs ({', '.join(tensors)}) are not supported with identical particles "
            "yet; verify takes vectors, positions and scalars there"
        )
    degree = check_degree(degree)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvariantsError(f"seed must be a non-negative integer, got {seed!r}")
    if not (progress is None or callable(progress) or hasattr(progress, "advance")):
        raise InvariantsError(
            f"progress must be None, a function progress(done, total) or a ProgressReporter, "
            f"got {progress!r}"
        )
    problem = make_problem(group, parsed.inputs, output, max_degree=degree)
    action = _Action(problem, parsed.identical, PRIME)
    bound = degree + sum(v.degree or 0 for v in problem.variables)

    # Sectors: (degree, representative or None, blocks of V, their dims, groups of particles
    # whose symmetric groups make K); the elements of K are listed when the sector is done.
    plans = []
    if action.permutes_variables:
        for k in range(degree + 1):
            for beta, groups in _canonical_blocks(problem, action, k):
                plans.append((k, beta, [beta], [_dimension(problem, beta, bound)], groups))
    else:
        groups = [cls for cls in action.classes if len(cls) > 1]
        for k in range(degree + 1):
            blocks = list(_blocks_of_degree(problem, k))
            dims = [_dimension(problem, b, bound) for b in blocks]
            plans.append((k, None, blocks, dims, groups))
    for k, beta, _, dims, groups in plans:
        order = math.prod(math.factorial(len(g)) for g in groups)
        if order > MAX_PERMUTATIONS and sum(dims):  # a zero space needs no permutation
            where = "" if beta is None else f" at multidegree {list(_over_inputs(problem, beta))}"
            raise InvariantsError(
                f"degree {k}{where}: the Reynolds operator would sum over {order} permutations "
                f"of the particles, more than {MAX_PERMUTATIONS}; lower the degree or the number "
                "of identical particles"
            )
    dimensions = hilbert_coefficients(problem.group, spec, problem.output, degree + 1)
    need = max((sum(dims) for _, _, _, dims, *_ in plans), default=0)
    rng = np.random.default_rng(int(seed))
    points = sample_points(problem, need + 2 * MARGIN, rng)

    reporter = _reporter(progress)
    sectors = []
    try:
        reporter.start("spanning", len(plans), len(plans), 0)
        origin = action.origin_particle
        for k, beta, blocks, dims, groups in plans:
            if not sum(dims):  # no plain invariants: no candidates either (they are non-zero)
                groups = []
            elements, classes = _elements(groups), _classes(groups)
            order = len(elements)
            orbit_perms = [e for e in elements if e.get(origin, origin) == origin]
            independent, plain, plain_rows = _trace_count(
                problem, action, blocks, dims, classes, order, points, k
            )
            cands = np.concatenate([candidate_monomials(problem, b) for b in blocks])
            reps = cands[_orbit_representatives(problem, action, cands, orbit_perms)]
            span, pivots, rows = _reynolds_rank(
                problem, action, reps, elements, points, k, independent
            )
            where = None if beta is None else _over_inputs(problem, beta)
            if span > independent:
                raise CountMismatchError(
                    f"degree {k}{'' if where is None else f', multidegree {list(where)}'}: the "
                    f"images span {span} > {independent} dimensions; they are not all invariant"
                )
            sectors.append(
                SymmetricSector(
                    k, where, independent, span, len(reps), beta, plain, plain_rows,
                    reps[list(pivots)], rows,
                )
            )  # fmt: skip
            reporter.advance(1, 1)
    finally:
        reporter.close()

    rows = []
    for k in range(degree + 1):
        mine = [s for s in sectors if s.degree == k]
        independent = sum(s.independent for s in mine)
        if independent != dimensions[k]:
            raise CountMismatchError(
                f"degree {k}: the Hilbert series gives {dimensions[k]}, Burnside's count of the "
                f"plain basis gives {independent}"
            )
        span, cands = sum(s.span for s in mine), sum(s.candidates for s in mine)
        rows.append(SymmetricDegree(k, dimensions[k], independent, span, cands, cands - span))
    return SymmetricReport(
        problem, spec, parsed.identical, degree, tuple(rows), tuple(sectors), int(seed), points
    )
