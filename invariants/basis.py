"""Invariant and equivariant polynomial bases up to a degree, as named SymPy terms.

A basis term is a product of generators of the extended variables (see :mod:`invariants.problem`).
For an equivariant output it is ``scalar part × seed``, where the seed carries the dummy: an input
vector ``a`` (from ``a·u``), a generalized cross product ``[a, b, ·]`` (from ``[a, b, u]``), the
metric ``η`` (from ``u·u`` or ``u·w``) or an outer product ``a⊗b`` (from ``(a·u)(b·w)``). The
tensor is recovered from the invariant ``φ(x, u)`` by differentiating in the dummy: a vector is
``η ∂φ/∂u``, a symmetric tensor ``½ η (∂²φ/∂u²) η``, a matrix ``η (∂²φ/∂u∂w) η``.

>>> B = basis("O(3)", "u,v:vector", output="vector", degree=3)
>>> [t.name for t in B.terms]
['u', 'v', '(u·u)*u', '(u·u)*v', '(u·v)*u', '(u·v)*v', '(v·v)*u', '(v·v)*v']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy

from .blocks import multidegree_table, permutation_to
from .groups import Group
from .inputs import OUTPUT_TYPES
from .names import term_name
from .problem import Problem
from .verify import VerificationReport, _tensor_inputs, verify


@dataclass(frozen=True)
class BasisTerm:
    """One basis element: a monomial in the problem's generators."""

    monomial: tuple[int, ...]  # exponents over ``problem.generators``
    multidegree: tuple[int, ...]  # over the inputs, as written
    name: str
    #: The non-zero ``(generator, exponent)`` pairs of ``monomial``, by generator (set by
    #: :func:`basis`; with many inputs ``monomial`` is long and mostly zero).
    nonzero: tuple[tuple[int, int], ...] | None = field(default=None, compare=False, repr=False)

    @property
    def factors(self) -> tuple[tuple[int, int], ...]:
        """The non-zero ``(generator, exponent)`` pairs of ``monomial``, by generator."""
        if self.nonzero is not None:
            return self.nonzero
        return tuple((g, e) for g, e in enumerate(self.monomial) if e)


@dataclass(frozen=True, eq=False)
class Basis:
    """A linearly independent set spanning all invariants (equivariants) up to ``degree``.

    >>> B = basis("O(3)", "p:vector", output="sym", degree=2)
    >>> len(B), [t.name for t in B]
    (3, ['η', '(p·p)*η', 'p⊗p'])
    """

    report: VerificationReport = field(repr=False)
    terms: tuple[BasisTerm, ...]
    #: Derived scalar inputs (``"norms"``, ``"cosines"``; see :mod:`invariants.features`).
    features: tuple[str, ...] = ()

    @property
    def problem(self) -> Problem:
        return self.report.problem

    @property
    def group(self) -> Group:
        return self.problem.group

    @property
    def output(self) -> str:
        return self.problem.output

    @property
    def degree(self) -> int:
        return self.report.degree

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms)

    def verify(self) -> VerificationReport:
        """The verification that proves this basis spans (``.complete``)."""
        return self.report

    @cached_property
    def invariants(self) -> tuple[sympy.Expr, ...]:
        """Each term as an invariant polynomial ``φ`` in input and dummy coordinates."""
        gens = self.problem.generator_expressions()
        out = []
        for t in self.terms:
            expr = sympy.Integer(1)
            for g, e in t.factors:
                expr *= gens[g] ** e
            out.append(sympy.expand(expr))
        return tuple(out)

    def expressions(self) -> list:
        """Each term as a SymPy scalar or ``Matrix`` in the input coordinates."""
        return [to_tensor(self.problem, phi) for phi in self.invariants]

    # --- kernels and features (see invariants.kernels, invariants.features) -------------------

    @property
    def data_inputs(self):
        """The inputs a kernel takes: the problem's inputs without the derived feature inputs."""
        from .features import data_inputs

        return data_inputs(self.problem, self.features)

    def lambdify(self, backend: str = "numpy", dtype=np.float64):
        """A compiled batched evaluator of every term (:func:`invariants.kernels.compile_kernel`).

        >>> import numpy as np
        >>> K = basis("O(3)", "p:vector", output="vector", degree=3).lambdify()
        >>> K(p=np.ones((10, 3))).shape
        (10, 2, 3)
        """
        from .kernels import compile_kernel

        return compile_kernel(self, backend, dtype)


def basis(
    group, inputs, output: str = "scalar", degree: int = 4, *, seed: int = 0, features=()
) -> Basis:
    """A basis of the invariant (``output="scalar"``) or equivariant polynomials of degree at
    most ``degree``, ordered by degree, then multidegree, then generator order.

    ``features`` (``"norms"``, ``"cosines"``) adds derived scalar inputs ``norm_<v>`` and
    ``cos_<a>_<b>``: the basis is that of the extended inputs, and its kernel computes them from
    the vectors (:mod:`invariants.features`).

    Raises :class:`~invariants.InvariantsError` if the generators do not span (never expected
    for the groups and inputs supported; the verification decides).

    >>> B = basis("SO(3)", "p,q:vector", output="vector", degree=2)
    >>> [t.name for t in B.terms], B.verify().complete
    (['p', 'q', '[p,q,·]'], True)
    >>> B.expressions()[2].T
    Matrix([[p_1*q_2 - p_2*q_1, -p_0*q_2 + p_2*q_0, p_0*q_1 - p_1*q_0]])
    """
    from .errors import InvariantsError
    from .features import extend_inputs, parse_features
    from .particles import declares_identical

    if declares_identical(inputs):  # "5*(m:scalar; x:vector)": orbit sums under G × S_n
        from .symmetric_kernels import symmetric_basis

        return symmetric_basis(group, inputs, output, degree, seed=seed, features=features)
    features = parse_features(features)
    if _tensor_inputs(inputs, output):  # products of contractions: invariants.tensor_basis
        from .tensor_basis import tensor_basis

        if features:
            raise InvariantsError(
                f"features {', '.join(features)} are not available for tensor inputs yet; "
                "pass features=() (the contractions include the norms as v·v)"
            )
        return tensor_basis(group, inputs, output, degree, seed=seed)
    if isinstance(output, str) and output not in OUTPUT_TYPES:
        _refuse_tensor_output(output)
    if features:
        inputs, _ = extend_inputs(group, inputs, features)
    report = verify(group, inputs, output, degree, seed=seed)
    if not report.complete:
        raise InvariantsError("the generators do not span every block; see verify()")
    problem = report.problem
    # Monomials as sorted (generator, exponent) pairs: with many inputs there are many
    # generators, and the exponent vectors are long and mostly zero.
    chosen = {b.multidegree: [_factors(b.candidates[i]) for i in b.basis] for b in report.canonical}
    terms = []
    for beta, rep, over_inputs in multidegree_table(problem, degree):
        monomials = chosen[rep]
        if rep != beta:
            perm = permutation_to(problem, beta)
            monomials = [_permuted(problem, m, perm) for m in monomials]
        for m in sorted(monomials, key=_descending):
            dense = [0] * len(problem.generators)
            for g, e in m:
                dense[g] = e
            name = str(term_name(problem, m))
            terms.append(BasisTerm(tuple(dense), over_inputs, name, m))
    return Basis(report, tuple(terms), features)


def _refuse_tensor_output(output: str) -> None:
    """A tensor output of inputs with scalars or positions: not built as a basis yet."""
    from .errors import InvariantsError
    from .spaces import output_type

    output_type(output)  # an unknown type says so itself
    raise InvariantsError(
        f"a basis with output {output!r} takes vector and tensor inputs only (the engine of "
        "scalar and position inputs builds the outputs scalar, pseudoscalar, vector, "
        "pseudovector, sym, skew, matrix)"
    )


def _factors(exponents: np.ndarray) -> tuple[tuple[int, int], ...]:
    """``(generator, exponent)`` pairs of the non-zero entries, by generator."""
    nonzero = np.flatnonzero(exponents)
    return tuple(zip(nonzero.tolist(), exponents[nonzero].tolist()))


def _permuted(problem: Problem, factors, perm: dict[int, int]) -> tuple[tuple[int, int], ...]:
    """Image of a monomial under a permutation of variables (signs dropped, as for a basis)."""
    image: dict[int, int] = {}
    for g, e in factors:
        target, _ = problem.permute_generator(g, perm)
        image[target] = image.get(target, 0) + e
    return tuple(sorted(image.items()))


def _descending(factors) -> tuple:
    """Sort key of a monomial's factors: descending lex order of the exponent vectors.

    At the first generator where two monomials differ, the one with the larger exponent, or
    with a factor where the other has none, comes first; a final sentinel puts ``m·g`` before
    ``m``.
    """
    return tuple((g, -e) for g, e in factors) + ((float("inf"), 0),)


def to_tensor(problem: Problem, phi: sympy.Expr):
    """Recover the output tensor from the invariant ``φ`` (see the module docstring)."""
    coords = problem.variable_expressions()
    dummies = [i for i, v in enumerate(problem.variables) if v.role == "dummy"]
    eta = sympy.diag(*problem.group.metric)
    out = problem.output
    if out == "scalar":
        return phi
    if out == "pseudoscalar":
        return sympy.diff(phi, coords[dummies[0]][0])
    u = coords[dummies[0]]
    if out in ("vector", "pseudovector"):
        return eta * sympy.Matrix([sympy.diff(phi, x) for x in u])
    if out == "sym":
        H = sympy.hessian(phi, u)
        return (eta * H * eta / 2).applyfunc(sympy.expand)
    w = coords[dummies[1]]
    if out == "skew":
        swap = {**{a: b for a, b in zip(u, w)}, **{b: a for a, b in zip(u, w)}}
        phi = sympy.expand((phi - phi.xreplace(swap)) / 2)
    M = sympy.Matrix(len(u), len(w), lambda i, j: sympy.diff(phi, u[i], w[j]))
    return (eta * M * eta).applyfunc(sympy.expand)
