"""Shared helpers for the tests: random group actions on inputs, numeric evaluation."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import HealthCheck, settings

from invariants.cli import main
from invariants.inputs import OUTPUT_TYPES
from invariants.problem import Problem

OUTPUTS = list(OUTPUT_TYPES)

# Timing is not a property of the code: no deadlines, and no health check that fails because a
# shared machine was slow to generate examples (speed is measured in benchmarks/).
settings.register_profile("invariants", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("invariants")

GROUPS = [
    "O(1)",
    "SO(1)",
    "O(2)",
    "SO(2)",
    "O(3)",
    "SO(3)",
    "O(4)",
    "SO(4)",
    "O(5)",
    "SO(5)",
    "O(1,1)",
    "SO(1,1)",
    "SO+(1,1)",
    "O(1,2)",
    "SO+(1,2)",
    "O(1,3)",
    "SO(1,3)",
    "SO+(1,3)",
    "E(2)",
    "SE(2)",
    "E(3)",
    "SE(3)",
    "Poincare(1,3)",
]


def act(problem: Problem, g: np.ndarray, t: np.ndarray, values: dict) -> dict:
    """Apply ``x ↦ g x + t`` (positions), ``g x`` (vectors), ``det g`` to pseudo-quantities."""
    det = np.linalg.det(g)
    out = {}
    for inp in problem.inputs:
        x = values[inp.name]
        if inp.type == "scalar":
            out[inp.name] = x
        elif inp.type == "pseudoscalar":
            out[inp.name] = det * x
        elif inp.type == "vector":
            out[inp.name] = g @ x
        elif inp.type == "pseudovector":
            out[inp.name] = det * (g @ x)
        else:
            out[inp.name] = g @ x + t
    return out


def random_values(problem: Problem, rng: np.random.Generator) -> dict:
    d = problem.group.d
    return {i.name: rng.normal(size=d) if i.vector_like else rng.normal() for i in problem.inputs}


def evaluator(problem: Problem, expr):
    """A float function of an input dict, plus one for the 'cancellation scale' of ``expr``
    (the same polynomial with absolute coefficients at absolute values)."""
    syms = problem.symbols()
    flat = [s for inp in problem.inputs for s in syms[inp.name]]
    exprs = expr if isinstance(expr, sympy.MatrixBase) else sympy.Matrix([expr])
    absolute = exprs.applyfunc(lambda e: _absolute(sympy.expand(e), flat))
    f = sympy.lambdify(flat, exprs, "numpy")
    fa = sympy.lambdify(flat, absolute, "numpy")

    def args(values):
        return [float(x) for inp in problem.inputs for x in np.atleast_1d(values[inp.name])]

    def value(values):
        return np.array(f(*args(values)), dtype=float)

    def scale(values):
        return np.array(fa(*[abs(a) for a in args(values)]), dtype=float)

    return value, scale


def _absolute(expr, syms):
    if expr == 0:
        return sympy.Integer(0)
    poly = sympy.Poly(expr, *syms)
    return sum(abs(c) * sympy.Mul(*(s**e for s, e in zip(syms, m))) for m, c in poly.terms())


def transform_output(output: str, g: np.ndarray, value: np.ndarray) -> np.ndarray:
    """ρ(g) on output values with any leading batch axes: ``(..., *tensor)``."""
    det = np.linalg.det(g)
    if output == "scalar":
        return value
    if output == "pseudoscalar":
        return det * value
    if output == "vector":
        return value @ g.T
    if output == "pseudovector":
        return det * (value @ g.T)
    return g @ value @ g.T


def run(capsys, *argv):
    """Run the ``invariants`` command in process: ``(exit code, stdout, stderr)``."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sample(B, rng, n):
    """Random float inputs of a symmetric basis's expanded problem: ``(n, d)`` per vector,
    ``(n,)`` per scalar."""
    d = B.group.d
    return {
        i.name: rng.normal(size=(n, d)) if i.vector_like else rng.normal(size=n)
        for i in B.problem.inputs
    }


def permuted(B, data, perms):
    """The data with the particles of class c permuted by perms[c]: particle k gets the values
    of particle perms[c][k]."""
    names = [i.name for i in B.problem.inputs]
    out = dict(data)
    for cls, perm in zip(B.spec.identical, perms):
        for k, particle in enumerate(cls):
            for f, inp in enumerate(particle):
                out[names[inp]] = data[names[cls[perm[k]][f]]]
    return out
