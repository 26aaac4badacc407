"""Derived scalar inputs ("features"): norms and cosines of the vector-like inputs.

``basis(..., features=("norms", "cosines"))`` builds the basis of an *extended* problem: the inputs
plus one scalar input per feature, so its terms are polynomials in the vectors **and** in these
scalars, verified like any other input. The kernel (:mod:`invariants.kernels`) takes only the
original inputs and computes the feature values from the vectors:

* ``"norms"``: ``norm_<v> = √|⟨v, v⟩_η|`` for every vector-like variable ``v`` (the absolute
  value matters for Lorentz groups, where ``⟨v, v⟩`` may be negative);
* ``"cosines"``: ``cos_<a>_<b> = ⟨a, b⟩_η / (norm_a · norm_b)`` for every pair ``a`` before ``b``.

The vector-like variables are those of the problem: for a group with translations a position
``x_i`` enters as the difference ``x_i − x_1`` (written ``x_i_x_1`` in feature names), so its norm
is the distance ``|x_i − x_1|``. A cosine of a vector and a pseudovector is a pseudoscalar.

The terms are linearly independent as polynomials in the extended inputs, not as functions of the
vectors: ``norm_p² = |p·p|`` and ``(p·q) = cos_p_q·norm_p·norm_q`` give dependent columns, so fits
on a feature basis need a ridge or sparsity (or tolerate rank deficiency).

Singular points. A zero vector (or, for Lorentz groups, a null vector) has norm 0; every cosine
involving it is *defined as 0* there, without a warning. These features are invariant but neither
polynomial nor smooth at such points; NaN/inf inputs propagate.

>>> inputs, derived = extend_inputs("O(3)", "p,q:vector; m:scalar", ("norms", "cosines"))
>>> [(i.name, i.type) for i in inputs[3:]]
[('norm_p', 'scalar'), ('norm_q', 'scalar'), ('cos_p_q', 'scalar')]
>>> derived[2]
Feature(name='cos_p_q', kind='cos', variables=('p', 'q'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sympy

from .errors import InvariantsError
from .inputs import Input, parse_inputs
from .particles import refuse_identical

FEATURES = ("norms", "cosines")


@dataclass(frozen=True)
class Feature:
    """A derived scalar input: ``kind`` ``"norm"`` (of one variable) or ``"cos"`` (of two).

    ``variables`` are names of vector-like variables of the problem (``"p"``, ``"x2-x1"``).
    """

    name: str
    kind: str
    variables: tuple[str, ...]


def parse_features(features) -> tuple[str, ...]:
    """Normalize the ``features`` argument: a name, or an iterable of names from :data:`FEATURES`.

    >>> parse_features("norms"), parse_features(["cosines", "norms"]), parse_features(None)
    (('norms',), ('norms', 'cosines'), ())
    """
    if features is None:
        return ()
    if isinstance(features, str):
        features = (features,)
    if not isinstance(features, Iterable):
        raise InvariantsError(
            f"features must be a tuple of names from {', '.join(FEATURES)}, "
            f"got {type(features).__name__}"
        )
    names = list(features)
    for f in names:
        if f not in FEATURES:
            raise InvariantsError(f"unknown feature {f!r}; accepted: {', '.join(FEATURES)}")
    return tuple(f for f in FEATURES if f in names)


def extend_inputs(group, inputs, features) -> tuple[tuple[Input, ...], tuple[Feature, ...]]:
    """The inputs followed by one scalar (or pseudoscalar) input per feature, and the features.

    Raises :class:`~invariants.InvariantsError` if a feature name collides with an input name.
    """
    from .problem import make_problem

    names = parse_features(features)
    refuse_identical(inputs, "features")
    inputs = parse_inputs(inputs)
    if not names:
        return inputs, ()
    problem = make_problem(group, inputs, "scalar")
    vectors = [v for v in problem.variables if v.role == "input" and v.vector_like]
    derived: list[tuple[Feature, str]] = []
    if "norms" in names:
        for v in vectors:
            derived.append((Feature(f"norm_{_ident(v.name)}", "norm", (v.name,)), "scalar"))
    if "cosines" in names:
        for i, a in enumerate(vectors):
            for b in vectors[i + 1 :]:
                name = f"cos_{_ident(a.name)}_{_ident(b.name)}"
                type_ = "pseudoscalar" if (a.parity + b.parity) % 2 else "scalar"
                derived.append((Feature(name, "cos", (a.name, b.name)), type_))
    taken = {i.name for i in inputs}
    for f, _ in derived:
        if f.name in taken:
            raise InvariantsError(
                f"feature input {f.name!r} collides with an input of the same name; rename that "
                "input (feature names are norm_<v> and cos_<a>_<b>)"
            )
        taken.add(f.name)
    extended = inputs + tuple(Input(f.name, t) for f, t in derived)
    return extended, tuple(f for f, _ in derived)


def derived_features(problem, features) -> tuple[Feature, ...]:
    """The :class:`Feature` objects of a problem built with :func:`extend_inputs`."""
    names = parse_features(features)
    if not names:
        return ()
    count = len(problem.inputs)
    # The derived inputs come last; rebuild them from the leading (data) inputs.
    for k in range(count, -1, -1):
        try:
            extended, derived = extend_inputs(problem.group, problem.inputs[:k], names)
        except InvariantsError:
            continue
        if extended == problem.inputs:
            return derived
    raise InvariantsError("this problem was not built with these features")


def data_inputs(problem, features) -> tuple[Input, ...]:
    """The inputs a kernel of this problem takes: all but the derived feature inputs."""
    derived = {f.name for f in derived_features(problem, features)}
    return tuple(i for i in problem.inputs if i.name not in derived)


def feature_expressions(problem, features) -> dict[sympy.Symbol, sympy.Expr]:
    """Each feature symbol (as in ``Basis.expressions()``) as a SymPy expression in coordinates."""
    coords = dict(zip((v.name for v in problem.variables), problem.variable_expressions()))
    eta = problem.group.metric

    def dot(a, b):
        return sympy.expand(sum(e * x * y for e, x, y in zip(eta, coords[a], coords[b])))

    def norm(a):
        return sympy.sqrt(sympy.Abs(dot(a, a)))

    out = {}
    for f in derived_features(problem, features):
        if f.kind == "norm":
            out[sympy.Symbol(f.name)] = norm(f.variables[0])
        else:
            a, b = f.variables
            out[sympy.Symbol(f.name)] = dot(a, b) / (norm(a) * norm(b))
    return out


def _ident(name: str) -> str:
    return name.replace("-", "_")
