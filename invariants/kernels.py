"""Compiled, batched numeric evaluation of a basis; standalone NumPy export; array back ends.

A kernel evaluates every term of a :class:`~invariants.Basis` at a batch of inputs, in stages,
never through expanded coordinate polynomials:

1. **variables** — the inputs, differences of positions ``x_i − x_1`` for groups with
   translations, and derived feature scalars (:mod:`invariants.features`);
2. **generators** — all inner products at once, as the η-weighted Gram matrix of the stacked
   vectors (one ``einsum``), brackets as determinants (explicit formulas up to 3×3, ``linalg.det``
   beyond), scalar inputs;
3. **a product tree** — every distinct scalar monomial that a term needs (the part of the term
   without the output dummies) is one multiply of a previously computed monomial by one generator,
   planned once at compile time (by degree; each monomial = parent monomial × one generator).
   Product generators (pairs of odd factors such as ``s*[p,q,r]`` for groups with reflections)
   are split into their two factors, so the tree shares them;
4. **seeds** — the factors that carry the dummies become tensors analytically: ``⟨a, u⟩`` gives
   ``a``; a bracket ``[a_1, …, u, …]`` gives ``η`` times its cofactor vector (the generalized cross
   product); ``u·u`` and ``u·w`` give ``η``; a bracket with both dummies gives the ε-contraction
   ``η E η``; two linear factors give an outer product (symmetrized for ``sym``,
   antisymmetrized for ``skew``). This is exactly :func:`invariants.basis.to_tensor` (``η ∂φ/∂u``
   and so on) done in closed form;
5. **terms** — scalar monomial × seed, stacked as ``(..., len(B))``, ``(..., len(B), d)`` or
   ``(..., len(B), d, d)``.

The plan is a frozen :class:`Plan`. It is turned into Python source (:func:`kernel_source`) that is
executed in process against an array namespace ``xp`` (NumPy, PyTorch or JAX) and written as a
standalone module by :func:`export_module`; both run the same source, so the exported module gives
bit-identical results to the in-process NumPy kernel.

Internally vectors are stored coordinate-first, ``(d, *batch)``, so that each coordinate and each
generator is a contiguous array; the result is a (possibly non-contiguous) view with the batch
axes first.

Numerics: kernels are pure arithmetic. NaN and inf in the inputs propagate to the outputs (no check,
no warning; :func:`invariants.fit` refuses them). Derived features are singular at zero (or null)
vectors: the norm is 0 there and the cosines are defined as 0 (see :mod:`invariants.features`).

>>> import numpy as np, invariants as inv
>>> B = inv.basis("O(3)", "p,q:vector", output="vector", degree=3)
>>> K = B.lambdify()
>>> p, q = np.array([1.0, 0, 0]), np.array([0, 2.0, 0])
>>> K(p=p, q=q).shape
(8, 3)
>>> K(p=p, q=q)[B.terms.index(next(t for t in B if t.name == "(q·q)*p"))].tolist()
[4.0, 0.0, 0.0]
>>> K(p=np.ones((5, 1, 3)), q=np.ones((2, 3))).shape
(5, 2, 8, 3)
"""

from __future__ import annotations

import inspect
import linecache
import textwrap
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np

from .errors import InvariantsError
from .evaluation import evaluate_generators

BACKENDS = ("numpy", "torch", "jax")


# ---------------------------------------------------------------------------------------------
# The plan


@dataclass(frozen=True)
class Step:
    """One line of a plan: ``op`` applied to ``args`` (indices into earlier stages), ``label``
    the human-readable name (generator, monomial or term name)."""

    op: str
    args: tuple
    label: str


@dataclass(frozen=True)
class Plan:
    """The compile-time evaluation plan of a basis.

    Stages (each a tuple of :class:`Step`):

    * ``variables``: ``input(name)``, ``difference(name, origin)`` (vectors or scalars),
      ``norm(v)``, ``cos(a, b)`` (derived features; ``v, a, b`` index ``variables``);
    * ``gram``: indices of the vector variables stacked for the Gram matrix;
    * ``generators``: ``dot(a, b)`` (read from the Gram matrix), ``bracket(a_1, …, a_d)``,
      ``scalar(v)``;
    * ``monomials``: ``gen(g)`` (degree one) or ``mul(parent, g)``;
    * ``linears``: a factor linear in one dummy as the vector ``η ∂/∂u``: ``dot(v)`` (the vector
      ``v``) or ``bracket(c_1, …)`` with ``-1`` where the dummy sits;
    * ``seeds``: ``vector(l)``, ``eta()``, ``outer(l_u, l_w)``, ``sym(l_1, l_2)``,
      ``skew(l_u, l_w)``, ``eps(c_1, …)`` (``-1``/``-2`` mark ``u``/``w``);
    * ``terms``: ``term(monomial, seed)`` (``-1`` for none).
    """

    group: str
    d: int
    metric: tuple[int, ...]
    inputs: tuple[tuple[str, str], ...]  # (name, type) of the inputs the kernel takes
    output: str
    degree: int
    variables: tuple[Step, ...]
    gram: tuple[int, ...]
    generators: tuple[Step, ...]
    monomials: tuple[Step, ...]
    linears: tuple[Step, ...]
    seeds: tuple[Step, ...]
    terms: tuple[Step, ...]

    @property
    def tensor_shape(self) -> tuple[int, ...]:
        """Shape of one term's value: ``()``, ``(d,)`` or ``(d, d)``."""
        return _tensor_shape(self.output, self.d)

    @property
    def multiplies(self) -> int:
        """Number of batch-sized multiplies in the product tree."""
        return sum(1 for m in self.monomials if m.op == "mul")


def _tensor_shape(output: str, d: int) -> tuple[int, ...]:
    if output in ("scalar", "pseudoscalar"):
        return ()
    if output in ("vector", "pseudovector"):
        return (d,)
    return (d, d)


def build_plan(B) -> Plan:
    """The :class:`Plan` of a :class:`~invariants.Basis`."""
    from .features import data_inputs, derived_features

    problem = B.problem
    group = problem.group
    variables = problem.variables
    gens = problem.generators
    features = {f.name: f for f in derived_features(problem, getattr(B, "features", ()))}
    inputs = tuple((i.name, i.type) for i in data_inputs(problem, getattr(B, "features", ())))

    # Stage 1: variables (problem variable index -> plan variable index).
    var_steps: list[Step] = []
    var_index: dict[int, int] = {}
    by_name = {v.name: i for i, v in enumerate(variables)}
    feature_vars = []
    for i, v in enumerate(variables):
        if v.role == "dummy":
            continue
        inp = problem.inputs[v.source]
        if inp.name in features:
            feature_vars.append(i)
            continue
        if v.origin is not None:
            step = Step("difference", (inp.name, problem.inputs[v.origin].name), v.name)
        else:
            step = Step("input", (inp.name,), v.name)
        var_index[i] = len(var_steps)
        var_steps.append(step)
    for i in feature_vars:
        f = features[problem.inputs[variables[i].source].name]
        args = tuple(var_index[by_name[n]] for n in f.variables)
        var_index[i] = len(var_steps)
        var_steps.append(Step(f.kind, args, f.name))
    dummies = {i for i, v in enumerate(variables) if v.role == "dummy"}
    dummy_order = sorted(dummies)  # u, then w

    # Split every term into basic scalar factors and dummy factors.
    def flatten(g: int, e: int, acc: Counter) -> None:
        for a in gens[g].args if gens[g].kind == "product" else (g,):  # products of basic ones
            acc[a] += e

    gen_steps: list[Step] = []
    gen_index: dict[int, int] = {}

    def generator(g: int) -> int:
        if g not in gen_index:
            gen = gens[g]
            args = tuple(var_index[a] for a in gen.args)
            gen_index[g] = len(gen_steps)
            gen_steps.append(Step(gen.kind, args, gen.name))
        return gen_index[g]

    lin_steps: list[Step] = []
    seed_steps: list[Step] = []

    interned: dict[int, dict[tuple, int]] = {}  # per list of steps: (op, args) -> index

    def intern(steps: list[Step], step: Step) -> int:
        index = interned.setdefault(id(steps), {})
        key = (step.op, step.args)
        if key not in index:
            index[key] = len(steps)
            steps.append(step)
        return index[key]

    def label(gen) -> str:
        return "[" + ",".join("·" if a in dummies else variables[a].name for a in gen.args) + "]"

    def linear(g: int) -> tuple[int, int]:
        """(linear step, dummy) of a generator linear in one dummy."""
        gen = gens[g]
        (dummy,) = [a for a in gen.args if a in dummies]
        if gen.kind == "dot":
            (other,) = [a for a in gen.args if a != dummy]
            step = Step("dot", (var_index[other],), variables[other].name)
        else:
            args = tuple(-1 if a == dummy else var_index[a] for a in gen.args)
            step = Step("bracket", args, label(gen))
        return intern(lin_steps, step), dummy

    output = problem.output

    def seed(factors: list[int]) -> int:
        """The seed step of a term's dummy factors (``-1`` when the seed is the number 1)."""
        if output == "scalar" and not factors:
            return -1
        if output == "pseudoscalar" and len(factors) == 1 and gens[factors[0]].kind == "scalar":
            return -1
        if output in ("vector", "pseudovector") and len(factors) == 1:
            lin, _ = linear(factors[0])
            return intern(seed_steps, Step("vector", (lin,), lin_steps[lin].label))
        if output in ("sym", "matrix", "skew") and len(factors) == 1:
            gen = gens[factors[0]]
            if gen.kind == "dot" and output != "skew":  # u·u (sym) or u·w (matrix)
                return intern(seed_steps, Step("eta", (), "η"))
            if gen.kind == "bracket" and output != "sym":  # [..., u, ..., w, ...]
                u, w = dummy_order
                cols = tuple(-1 if a == u else -2 if a == w else var_index[a] for a in gen.args)
                return intern(seed_steps, Step("eps", cols, label(gen)))
        if output in ("sym", "matrix", "skew") and len(factors) == 2:
            (l1, d1), (l2, d2) = (linear(g) for g in factors)
            if output == "sym":
                l1, l2 = sorted((l1, l2))
                name = f"{lin_steps[l1].label}⊗{lin_steps[l2].label}"
                return intern(seed_steps, Step("sym", (l1, l2), name))
            if d1 != dummy_order[0]:  # the u factor first
                l1, l2 = l2, l1
            name = f"{lin_steps[l1].label}⊗{lin_steps[l2].label}"
            op = "outer" if output == "matrix" else "skew"
            return intern(seed_steps, Step(op, (l1, l2), name))
        names = [gens[g].name for g in factors]
        raise AssertionError(f"unexpected dummy factors {names} for a {output} output")

    term_steps_raw = []
    for term in B.terms:
        acc: Counter = Counter()
        for g, e in term.factors:
            flatten(g, e, acc)
        scalar_part: dict[int, int] = {}
        dummy_factors: list[int] = []
        for g, e in sorted(acc.items()):
            if dummies.intersection(gens[g].args):
                dummy_factors.extend([g] * e)
            else:
                scalar_part[generator(g)] = e
        term_steps_raw.append((scalar_part, seed(dummy_factors), term.name))

    # Stage 3: the product tree over the needed scalar monomials, each a sorted tuple of
    # (generator step, exponent) pairs (dense exponent vectors would cost #terms × #generators).
    mono_steps: list[Step] = []
    mono_index: dict[tuple[tuple[int, int], ...], int] = {}
    labels = [s.label for s in gen_steps]

    def key(part: dict[int, int]) -> tuple[tuple[int, int], ...]:
        return tuple(sorted((g, e) for g, e in part.items() if e))

    def parent(m: tuple[tuple[int, int], ...], k: int) -> tuple[tuple[int, int], ...]:
        """``m`` divided by its ``k``-th generator."""
        g, e = m[k]
        return m[:k] + (((g, e - 1),) if e > 1 else ()) + m[k + 1 :]

    def ensure(m: tuple[tuple[int, int], ...]) -> int:
        # Walk down to a known monomial (or a generator), then add the steps back up: the
        # order of a depth-first recursion, without recursing once per degree.
        chain: list[tuple[tuple, Step | int]] = []
        while m not in mono_index:
            if sum(e for _, e in m) == 1:
                chain.append((m, Step("gen", (m[0][0],), _monomial_label(m, labels))))
                break
            parents = [(parent(m, k), g) for k, (g, _) in enumerate(m)]
            known = [(p, g) for p, g in parents if p in mono_index]
            # Prefer a known parent; otherwise peel off the most repeated generator.
            exps = dict(m)
            p, g = known[0] if known else max(parents, key=lambda pg: (exps[pg[1]], -pg[1]))
            chain.append((m, g))
            m = p
        for mono, how in reversed(chain):
            if isinstance(how, Step):
                step = how
            else:
                step = Step("mul", (mono_index[m], how), _monomial_label(mono, labels))
            mono_index[mono] = len(mono_steps)
            mono_steps.append(step)
            m = mono
        return mono_index[m]

    def dense_order(m: tuple[tuple[int, int], ...]) -> tuple:
        """Sort key: ascending lex order of the dense exponent vectors."""
        return tuple((-g, e) for g, e in m)

    needed = sorted(
        {key(p) for p, _, _ in term_steps_raw if p},
        key=lambda m: (sum(e for _, e in m), dense_order(m)),
    )
    for m in needed:
        ensure(m)
    term_steps = tuple(
        Step("term", (mono_index[key(p)] if p else -1, s), name) for p, s, name in term_steps_raw
    )

    # The Gram matrix: every vector variable in a dot generator or a feature.
    gram = set()
    for s in gen_steps:
        if s.op == "dot":
            gram.update(s.args)
    for s in var_steps:
        if s.op in ("norm", "cos"):
            gram.update(s.args)
    return Plan(
        group=group.name,
        d=group.d,
        metric=tuple(group.metric),
        inputs=inputs,
        output=output,
        degree=B.degree,
        variables=tuple(var_steps),
        gram=tuple(sorted(gram)),
        generators=tuple(gen_steps),
        monomials=tuple(mono_steps),
        linears=tuple(lin_steps),
        seeds=tuple(seed_steps),
        terms=term_steps,
    )


def _monomial_label(m: tuple[tuple[int, int], ...], labels: list[str]) -> str:
    parts = []
    for g, e in m:
        text = labels[g] if "·" not in labels[g] and "*" not in labels[g] else f"({labels[g]})"
        parts.append(text + (f"^{e}" if e > 1 else ""))
    return "*".join(parts)


# ---------------------------------------------------------------------------------------------
# Source code: the plan as straight-line Python over an array namespace ``xp``

#: Helpers shared by every generated kernel (in process and exported). They use the globals ``xp``
#: (an array namespace with NumPy's names), ``DT`` (its float dtype), ``METRIC``, ``ONE``, ``ZERO``.
_HELPERS = '''
def _coords(x, batch):
    """(..., d) -> (d, ...): the coordinate axis first (each coordinate a contiguous array),
    with the batch axes padded to the rank of ``batch`` so that broadcasting still aligns."""
    x = x.reshape((1,) * (len(batch) + 1 - x.ndim) + tuple(x.shape))
    return xp.stack([x[..., i] for i in range(x.shape[-1])])


def _stack(arrays, shape):
    """Stack arrays broadcast to ``shape`` along a new first axis."""
    return xp.stack([xp.broadcast_to(a, shape) for a in arrays])


def _det(cols, rows, batch):
    """Determinant of the matrix with entries ``cols[c][rows[r]]`` (explicit up to 3×3)."""
    k = len(cols)
    if k == 0:
        return ONE
    if k == 1:
        return cols[0][rows[0]]
    if k == 2:
        (a, b), (i, j) = cols, rows
        return a[i] * b[j] - a[j] * b[i]
    if k == 3:
        (a, b, c), (i, j, l) = cols, rows
        return (
            a[i] * (b[j] * c[l] - b[l] * c[j])
            - a[j] * (b[i] * c[l] - b[l] * c[i])
            + a[l] * (b[i] * c[j] - b[j] * c[i])
        )
    M = xp.stack([_stack([c[r] for c in cols], batch) for r in rows])
    return xp.linalg.det(xp.moveaxis(M, (0, 1), (-2, -1)))


def _cofactor(cols, k, batch):
    """η ∂/∂u of the bracket with columns ``cols`` and ``u`` inserted at position ``k``."""
    d = len(cols) + 1
    out = []
    for j in range(d):
        minor = _det(cols, [r for r in range(d) if r != j], batch)
        out.append(minor if METRIC[j] * (-1) ** (j + k) > 0 else -minor)
    return _stack(out, batch)


def _eps(cols, ku, kw, batch):
    """η (∂²/∂u∂w) η of the bracket with ``u``, ``w`` at positions ``ku``, ``kw`` among ``cols``."""
    d = len(cols) + 2
    order = [ku, kw] + [p for p in range(d) if p not in (ku, kw)]
    sign = (-1) ** sum(a > b for i, a in enumerate(order) for b in order[i + 1 :])
    E = [[ZERO] * d for _ in range(d)]
    for i in range(d):
        for j in range(i + 1, d):
            minor = _det(cols, [r for r in range(d) if r not in (i, j)], batch)
            s = sign * (-1) ** (i + j - 1) * METRIC[i] * METRIC[j]
            E[i][j], E[j][i] = (minor, -minor) if s > 0 else (-minor, minor)
    return xp.stack([_stack(row, batch) for row in E])


def _outer(a, b):
    """The outer product a bᵀ of two vectors (coordinates first)."""
    return a[:, None] * b[None, :]


def _sym(a, b):
    """(a bᵀ + b aᵀ) / 2."""
    return (a[:, None] * b[None, :] + b[:, None] * a[None, :]) / 2


def _skew(a, b):
    """(a bᵀ − b aᵀ) / 2."""
    return (a[:, None] * b[None, :] - b[:, None] * a[None, :]) / 2


def _cos(c, na, nb):
    """c / (na nb), defined as 0 where na nb = 0 (zero or null vectors)."""
    den = na * nb
    zero = den == 0
    return xp.where(zero, ZERO, c / xp.where(zero, ONE, den))


def _finish(terms, tensor_shape, batch):
    """Stack the terms as (*batch, len(terms), *tensor_shape) (a view of a terms-first array)."""
    if not terms:
        return xp.zeros(batch + (0,) + tensor_shape, dtype=DT)
    return _batch_first(_stack(terms, tensor_shape + batch), len(tensor_shape))


def _batch_first(out, r):
    """(terms, *tensor, *batch) -> (*batch, terms, *tensor), a view."""
    return xp.moveaxis(out, tuple(range(r + 1)), tuple(range(-r - 1, 0)))
'''


class _Basic(NamedTuple):
    """A generator step of a plan as :func:`~invariants.evaluation.evaluate_generators` reads
    it (plans hold basic generators only; products are the monomial tree)."""

    kind: str
    args: tuple[int, ...]


class _SourceOps:
    """Generators as kernel source: ``G[a, b]`` (the Gram matrix of the stacked vectors),
    ``_det([...])`` and the variables' names."""

    def __init__(self, names: dict, gram_pos: dict[int, int], d: int):
        self.names, self.gram_pos, self.d = names, gram_pos, d

    def scalar(self, var: int) -> str:
        return self.names["v", var]

    def dots(self, pairs):
        return ["G[{}, {}]".format(*sorted((self.gram_pos[a], self.gram_pos[b]))) for a, b in pairs]

    def brackets(self, columns):
        return [
            f"_det([{', '.join(self.names['v', v] for v in args)}], {tuple(range(self.d))}, batch)"
            for args in columns
        ]

    def mul(self, x, y):
        raise AssertionError("a plan's generators are basic; products are its monomial tree")


def kernel_source(plan: Plan, inplace: bool = True) -> str:
    """Python source of the plan: constants, helpers and ``_kernel(X, batch)``.

    ``inplace`` writes every term into one preallocated output array (NumPy); otherwise the terms
    are stacked at the end (PyTorch, JAX: no in-place writes, differentiable).

    ``X`` maps input names to arrays (batch axes first, already converted to ``DT``) and ``batch``
    is their broadcast batch shape. The source needs the globals ``xp`` and ``DT``.
    """
    d = plan.d
    euclidean = all(e == 1 for e in plan.metric)
    lines: list[str] = []
    emit = lines.append
    names: dict[tuple[str, int], str] = {}
    input_types = dict(plan.inputs)

    # Which steps are used (walk back from the terms).
    used_monos, used_gens, used_vars, used_lins, used_seeds = set(), set(), set(), set(), set()
    for t in plan.terms:
        m, s = t.args
        if m >= 0:
            used_monos.add(m)
        if s >= 0:
            used_seeds.add(s)
    for k in range(len(plan.monomials) - 1, -1, -1):  # parents come first: one backward pass
        if k in used_monos and plan.monomials[k].op == "mul":
            used_monos.add(plan.monomials[k].args[0])
    for k in used_monos:
        used_gens.add(plan.monomials[k].args[-1])
    for k in used_seeds:
        step = plan.seeds[k]
        if step.op == "eps":
            used_vars.update(a for a in step.args if a >= 0)
        elif step.op != "eta":
            used_lins.update(step.args)
    for k in used_lins:
        used_vars.update(a for a in plan.linears[k].args if a >= 0)
    gram_needed = False
    for k in used_gens:
        step = plan.generators[k]
        used_vars.update(step.args)
        gram_needed |= step.op == "dot"
    for k in range(len(plan.variables) - 1, -1, -1):
        step = plan.variables[k]
        if k in used_vars and step.op in ("norm", "cos"):
            used_vars.update(step.args)
            gram_needed = True
    gram = [v for v in plan.gram if v in used_vars] if gram_needed else []
    gram_pos = {v: i for i, v in enumerate(gram)}

    emit("def _kernel(X, batch):")
    emit(
        f'    """{plan.group}: {len(plan.terms)} terms of a {plan.output} basis, degree '
        f'<= {plan.degree}."""'
    )
    emit("    # 1. variables (vectors coordinates first: (d, *batch))")
    late = []
    for k, step in enumerate(plan.variables):
        if k not in used_vars:
            continue
        name = f"v{k}"
        names["v", k] = name
        if step.op == "input":
            (inp,) = step.args
            vector = _input_rank(input_types[inp]) == 1
            expr = f'_coords(X["{inp}"], batch)' if vector else f'X["{inp}"]'
        elif step.op == "difference":
            a, b = step.args
            vector = _input_rank(input_types[a]) == 1
            expr = f'X["{a}"] - X["{b}"]'
            expr = f"_coords({expr}, batch)" if vector else expr
        else:
            late.append(k)
            continue
        emit(f"    {name} = {expr}  # {step.label}")
    if gram:
        emit("    # 2. generators: the η-weighted Gram matrix of the stacked vectors, brackets")
        stacked = ", ".join(names["v", v] for v in gram)
        emit(
            f"    V = _stack([{stacked}], ({d},) + batch)  # "
            + ", ".join(plan.variables[v].label for v in gram)
        )
        weighted = "V" if euclidean else f"V * ETA.reshape(({d},) + (1,) * len(batch))"
        emit(f'    G = xp.einsum("ai...,bi...->ab...", {weighted}, V)')
    else:
        emit("    # 2. generators")
    norms: dict[int, str] = {}

    def norm(v: int) -> str:
        if v not in norms:
            i = gram_pos[v]
            norms[v] = f"n{v}"
            emit(f"    n{v} = xp.sqrt(xp.abs(G[{i}, {i}]))  # |{plan.variables[v].label}|")
        return norms[v]

    for k in late:  # derived features, from the Gram matrix: norms first
        step = plan.variables[k]
        if step.op == "norm":
            (v,) = step.args
            i = gram_pos[v]
            names["v", k] = norms[v] = f"v{k}"
            emit(f"    v{k} = xp.sqrt(xp.abs(G[{i}, {i}]))  # {step.label}")
    for k in late:
        step = plan.variables[k]
        if step.op == "cos":
            names["v", k] = f"v{k}"
            a, b = step.args
            na, nb = norm(a), norm(b)
            emit(f"    v{k} = _cos(G[{gram_pos[a]}, {gram_pos[b]}], {na}, {nb})  # {step.label}")
    steps = [_Basic(step.op, step.args) for step in plan.generators]
    exprs = evaluate_generators(steps, _SourceOps(names, gram_pos, d), used_gens)
    for k in sorted(exprs):
        emit(f"    g{k} = {exprs[k]}  # {plan.generators[k].label}")
    if any(plan.monomials[k].op == "mul" for k in used_monos):
        emit("    # 3. product tree: each monomial is a parent monomial times one generator")
    direct: dict[int, int] = {}  # monomial -> the term it is (written in place into the output)
    if inplace and plan.terms:
        for i, t in enumerate(plan.terms):
            m, s = t.args
            if s < 0 and m >= 0 and plan.monomials[m].op == "mul":
                direct.setdefault(m, i)
        shape = (len(plan.terms),) + plan.tensor_shape
        emit(f"    out = xp.empty({shape} + batch, dtype=DT)  # the terms, terms axis first")
    for k, step in enumerate(plan.monomials):
        if k not in used_monos:
            continue
        if step.op == "gen":
            names["m", k] = f"g{step.args[0]}"
            continue
        parent, g = step.args
        names["m", k] = f"m{k}"
        if k in direct:
            emit(
                f"    m{k} = xp.multiply({names['m', parent]}, g{g}, out=out[{direct[k]}, ...])"
                f"  # {step.label}"
            )
        else:
            emit(f"    m{k} = {names['m', parent]} * g{g}  # {step.label}")
    if used_seeds:
        emit("    # 4. seeds: the factors with dummies, as tensors")
    for k, step in enumerate(plan.linears):
        if k not in used_lins:
            continue
        if step.op == "dot":
            names["t", k] = names["v", step.args[0]]
            continue
        cols = ", ".join(names["v", v] for v in step.args if v >= 0)
        pos = step.args.index(-1)
        names["t", k] = f"t{k}"
        emit(f"    t{k} = _cofactor([{cols}], {pos}, batch)  # {step.label}")
    for k, step in enumerate(plan.seeds):
        if k not in used_seeds:
            continue
        if step.op == "vector":
            names["s", k] = names["t", step.args[0]]
            continue
        names["s", k] = f"s{k}"
        if step.op == "eta":
            expr = f"ETA2.reshape(({d}, {d}) + (1,) * len(batch))"
        elif step.op == "eps":
            cols = ", ".join(names["v", v] for v in step.args if v >= 0)
            ku, kw = step.args.index(-1), step.args.index(-2)
            expr = f"_eps([{cols}], {ku}, {kw}, batch)"
        else:
            a, b = (names["t", x] for x in step.args)
            op = "outer" if step.op == "sym" and a == b else step.op  # (a aᵀ + a aᵀ)/2 = a aᵀ
            expr = f"_{op}({a}, {b})"
        emit(f"    s{k} = {expr}  # {step.label}")
    emit("    # 5. terms: scalar monomial × seed")
    if not plan.terms:
        emit(f"    return _finish([], {plan.tensor_shape}, batch)")
    elif inplace:
        done = set(direct.values())
        for i, t in enumerate(plan.terms):
            m, s = t.args
            if i in done:
                emit(f"    # out[{i}] = {names['m', m]}  (above): {t.label}")
                continue
            if m >= 0 and s >= 0:
                product = f"xp.multiply({names['m', m]}, {names['s', s]}, out=out[{i}, ...])"
                emit(f"    {product}  # {t.label}")
            else:
                value = names["m", m] if m >= 0 else names["s", s] if s >= 0 else "ONE"
                emit(f"    out[{i}] = {value}  # {t.label}")
        emit(f"    return _batch_first(out, {len(plan.tensor_shape)})")
    else:
        emit("    terms = [")
        for i, t in enumerate(plan.terms):
            m, s = t.args
            parts = ([names["m", m]] if m >= 0 else []) + ([names["s", s]] if s >= 0 else [])
            expr = " * ".join(parts) if parts else "ONE"
            emit(f"        {expr},  # {i}: {t.label}")
        emit("    ]")
        emit(f"    return _finish(terms, {plan.tensor_shape}, batch)")
    body = "\n".join(lines)

    const = [
        f"D = {d}",
        f"METRIC = {plan.metric}",
        "ONE = xp.asarray(1.0, dtype=DT)",
        "ZERO = xp.asarray(0.0, dtype=DT)",
    ]
    if not euclidean:
        const.append(f"ETA = xp.asarray({[float(e) for e in plan.metric]}, dtype=DT)")
    if "ETA2" in body:
        rows = [[float(plan.metric[i]) if i == j else 0.0 for j in range(d)] for i in range(d)]
        const.append(f"ETA2 = xp.asarray({rows}, dtype=DT)")
    return "\n".join(const) + "\n\n" + _used_helpers(body) + "\n\n\n" + body + "\n"


def _used_helpers(body: str) -> str:
    """The helper functions that ``body`` calls, directly or through other helpers."""
    blocks = [b.strip() for b in ("\n" + _HELPERS.strip()).split("\ndef ") if b.strip()]
    blocks = ["def " + b for b in blocks]
    source = {b[4 : b.index("(")]: b for b in blocks}
    needed: set[str] = set()
    todo = [body]
    while todo:
        text = todo.pop()
        for name, block in source.items():
            if name not in needed and f"{name}(" in text:
                needed.add(name)
                todo.append(block)
    return "\n\n\n".join(b for name, b in source.items() if name in needed)


# ---------------------------------------------------------------------------------------------
# Input checking (also copied verbatim into exported modules)


def _input_rank(type_: str) -> int:
    """Number of trailing axes of length ``d`` of an input: 0 for scalars, 1 for vectors, the
    tensor rank for ``sym``, ``skew``, ``dev``, ``matrix`` and ``tensor(FORMULA)``."""
    if type_ in ("scalar", "pseudoscalar"):
        return 0
    if type_ in ("vector", "pseudovector", "position"):
        return 1
    base = type_.removeprefix("pseudo")
    if base.startswith("tensor("):
        return len(base[len("tensor(") :].split("=")[0].strip())
    return 2


def _shape_text(type_: str, d: int) -> str:
    return "(..." + f", {d}" * _input_rank(type_) + ")"


def _prepare(spec, d, inputs, convert, error):
    """Check ``inputs`` (a dict) against ``spec`` ((name, type) pairs), convert each with
    ``convert(name, value)`` and return ``(arrays, batch)``, the broadcast batch shape."""
    names = [name for name, _ in spec]
    missing = [n for n in names if n not in inputs]
    extra = [k for k in inputs if k not in names]
    if missing or extra:
        problems = []
        if missing:
            problems.append(
                "missing input"
                + "s" * (len(missing) > 1)
                + " "
                + ", ".join(repr(n) for n in missing)
            )
        if extra:
            problems.append(
                "unexpected input"
                + "s" * (len(extra) > 1)
                + " "
                + ", ".join(repr(k) for k in extra)
            )
        expected = ", ".join(f"{n}: {t} {_shape_text(t, d)}" for n, t in spec)
        raise error("; ".join(problems) + f"; expected {expected}")
    arrays, batches = {}, {}
    for name, type_ in spec:
        a = convert(name, inputs[name])
        shape = tuple(a.shape)
        rank = _input_rank(type_)
        if rank:
            if len(shape) < rank or shape[len(shape) - rank :] != (d,) * rank:
                raise error(
                    f"input {name!r} is a {type_}: expected shape {_shape_text(type_, d)} "
                    f"(d = {d}), got {shape}"
                )
            shape = shape[: len(shape) - rank]
        arrays[name] = a
        batches[name] = shape
    try:
        batch = tuple(np.broadcast_shapes(*batches.values()))
    except ValueError:
        shapes = ", ".join(f"{n} {s}" for n, s in batches.items())
        raise error(f"the batch shapes of the inputs do not broadcast: {shapes}") from None
    return arrays, batch


def _to_numpy(name, x, dtype, error):
    """``x`` as a NumPy array of ``dtype``; refuses bool, complex, object and string data."""
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise error(f"input {name!r} is not a numeric array: {exc}") from None
    kind = a.dtype.kind
    if kind == "b":
        raise error(f"input {name!r} is boolean; pass numbers (e.g. x.astype(float))")
    if kind == "c":
        raise error(
            f"input {name!r} is complex ({a.dtype}); the kernels are real: pass real arrays"
        )
    if kind not in "iuf":
        raise error(f"input {name!r} has dtype {a.dtype}; expected real numbers (integer or float)")
    return a.astype(dtype, copy=False)


# ---------------------------------------------------------------------------------------------
# Back ends


def _numpy_dtype(dtype):
    if type(dtype).__module__ == "torch":  # torch.float32 -> "float32"
        dtype = str(dtype).removeprefix("torch.")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise InvariantsError(f"dtype must be float64 or float32, got {dtype!r}")
    return dt


class _Backend:
    """An array namespace ``xp`` with NumPy's function names, its dtype and a converter."""

    name = "numpy"

    def __init__(self, dtype):
        self.np_dtype = _numpy_dtype(dtype)
        self.dtype = self.np_dtype.type

    def namespace(self, arrays):
        """``(key, xp)`` for a call: the key selects a cached compiled function (device)."""
        return None, np

    def convert(self, name, x):
        return _to_numpy(name, x, self.np_dtype, InvariantsError)


class _TorchBackend(_Backend):
    name = "torch"

    def __init__(self, dtype):
        super().__init__(dtype)
        try:
            import torch
        except ImportError:
            raise InvariantsError(
                "the 'torch' back end needs PyTorch, which is not installed: pip install torch"
            ) from None
        self.torch = torch
        self.dtype = torch.float64 if self.np_dtype == np.float64 else torch.float32

    def namespace(self, arrays):
        torch = self.torch
        device = next((a.device for a in arrays.values()), torch.device("cpu"))
        xp = _Namespace(
            stack=torch.stack,
            broadcast_to=torch.broadcast_to,
            moveaxis=torch.moveaxis,
            einsum=torch.einsum,
            linalg=torch.linalg,
            sqrt=torch.sqrt,
            abs=torch.abs,
            where=torch.where,
            asarray=partial(torch.asarray, device=device),
            zeros=partial(torch.zeros, device=device),
        )
        return str(device), xp

    def convert(self, name, x):
        torch = self.torch
        if torch.is_tensor(x):
            if x.dtype == torch.bool:
                raise InvariantsError(f"input {name!r} is boolean; pass numbers")
            if x.is_complex():
                raise InvariantsError(f"input {name!r} is complex ({x.dtype}); pass real tensors")
            return x.to(dtype=self.dtype)
        return torch.as_tensor(_to_numpy(name, x, self.np_dtype, InvariantsError))

    def prepare_device(self, arrays):
        devices = {a.device for a in arrays.values()}
        if len(devices) > 1:
            first = next(iter(arrays.values())).device
            return {k: a.to(first) for k, a in arrays.items()}
        return arrays


class _JaxBackend(_Backend):
    name = "jax"

    def __init__(self, dtype):
        super().__init__(dtype)
        try:
            import jax
            import jax.numpy as jnp
        except ImportError:
            raise InvariantsError(
                "the 'jax' back end needs JAX, which is not installed: pip install jax"
            ) from None
        if self.np_dtype == np.float64 and not jax.config.read("jax_enable_x64"):
            raise InvariantsError(
                "float64 with the 'jax' back end needs jax.config.update('jax_enable_x64', True) "
                "before use; or pass dtype=np.float32"
            )
        self.jax, self.jnp = jax, jnp
        self.dtype = jnp.float64 if self.np_dtype == np.float64 else jnp.float32

    def namespace(self, arrays):
        return None, self.jnp

    def convert(self, name, x):
        if isinstance(x, self.jax.Array):
            kind = np.dtype(x.dtype).kind
            if kind not in "iuf":
                what = {"b": "boolean", "c": "complex"}.get(kind, str(x.dtype))
                raise InvariantsError(f"input {name!r} is {what}; pass real numbers")
            return x.astype(self.dtype)
        return self.jnp.asarray(_to_numpy(name, x, self.np_dtype, InvariantsError))


class _Namespace:
    def __init__(self, **functions):
        self.__dict__.update(functions)


def _backend(backend: str, dtype) -> _Backend:
    classes = {"numpy": _Backend, "torch": _TorchBackend, "jax": _JaxBackend}
    if backend not in classes:
        raise InvariantsError(f"unknown backend {backend!r}; accepted: {', '.join(BACKENDS)}")
    return classes[backend](dtype)


# ---------------------------------------------------------------------------------------------
# Kernels


class Kernel:
    """A compiled basis: ``K(**inputs)`` evaluates every term on a batch.

    Inputs are keyword arrays, one per input name: scalars of shape ``(...)``, vectors and
    positions ``(..., d)``; the batch shapes broadcast. The result has shape ``(..., len(B))``
    (scalar and pseudoscalar outputs), ``(..., len(B), d)`` (vectors) or ``(..., len(B), d, d)``.
    Integer arrays and lists are converted to the kernel's dtype; bool, complex and object arrays
    are refused. NaN and inf propagate.
    """

    def __init__(self, plan: Plan, backend: str = "numpy", dtype=np.float64):
        self.plan = plan
        self._backend = _backend(backend, dtype)
        self.source = kernel_source(plan, inplace=backend == "numpy")
        self._compiled: dict = {}

    @property
    def backend(self) -> str:
        return self._backend.name

    @property
    def dtype(self):
        return self._backend.dtype

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        """``(name, type)`` of each keyword argument."""
        return self.plan.inputs

    @property
    def terms(self) -> tuple[str, ...]:
        """The names of the terms, in output order."""
        return tuple(t.label for t in self.plan.terms)

    def __len__(self) -> int:
        return len(self.plan.terms)

    def __repr__(self) -> str:
        args = ", ".join(f"{n}: {t}" for n, t in self.plan.inputs)
        return (
            f"<Kernel {self.plan.group} ({args}) -> {len(self)} {self.plan.output} terms, "
            f"degree <= {self.plan.degree}, {self.backend} {np.dtype(self._backend.np_dtype)}>"
        )

    def __call__(self, *args, **inputs):
        backend = self._backend
        if args:
            names = ", ".join(f"{n}=..." for n, _ in self.plan.inputs)
            raise InvariantsError(f"pass the inputs by name: K({names})")
        arrays, batch = _prepare(
            self.plan.inputs, self.plan.d, inputs, backend.convert, InvariantsError
        )
        if hasattr(backend, "prepare_device"):
            arrays = backend.prepare_device(arrays)
        key, xp = backend.namespace(arrays)
        fn = self._compiled.get(key)
        if fn is None:
            fn = self._compiled[key] = _compile(self.source, xp, backend.dtype)
        return fn(arrays, batch)


_COUNTER = [0]


def _compile(source: str, xp, dtype):
    """Execute the kernel source with the globals ``xp`` and ``DT``; return ``_kernel``."""
    _COUNTER[0] += 1
    filename = f"<invariants-kernel-{_COUNTER[0]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"xp": xp, "DT": dtype, "__name__": "invariants_kernel"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace["_kernel"]


def compile_kernel(B, backend: str = "numpy", dtype=np.float64) -> Kernel:
    """Compile a :class:`~invariants.Basis` into a batched :class:`Kernel` (same as
    ``B.lambdify(backend, dtype)``).

    ``backend`` is ``"numpy"`` (default), ``"torch"`` or ``"jax"`` (the same plan with that
    library's arrays, differentiable); ``dtype`` is ``np.float64`` or ``np.float32`` (inputs are
    cast to it).

    >>> import invariants as inv
    >>> K = compile_kernel(inv.basis("SO(3)", "p,q:vector", output="vector", degree=2))
    >>> K.terms
    ('p', 'q', '[p,q,·]')
    >>> K(p=[1, 2, 3], q=[4, 5, 6])[2].tolist()  # the cross product p × q
    [-3.0, 6.0, -3.0]
    """
    from .symmetric_kernels import SymmetricBasis

    if isinstance(B, SymmetricBasis):  # orbit sums over identical particles
        return B.lambdify(backend, dtype)
    return Kernel(build_plan(_check_basis(B)), backend, dtype)


def _check_basis(B):
    from .basis import Basis

    if not isinstance(B, Basis):
        raise InvariantsError(
            "expected a Basis (from invariants.basis(group, inputs, output, degree)), "
            f"got {type(B).__name__}"
        )
    return B


# ---------------------------------------------------------------------------------------------
# Standalone export


def export_module(B, dtype=np.float64) -> str:
    """A standalone, readable Python module (NumPy only) evaluating the basis ``B``.

    The module defines ``evaluate(**inputs)`` (same arguments and shapes as ``B.lambdify()``),
    ``TERMS`` (term names), ``INPUTS``, ``GROUP``, ``OUTPUT``, ``DEGREE``; bad input raises its
    ``InputError`` (a ``ValueError``). It runs the same source as the in-process NumPy kernel, so
    the results are identical.

    >>> import invariants as inv
    >>> text = export_module(inv.basis("O(3)", "p:vector", output="vector", degree=3))
    >>> namespace = {}
    >>> exec(text, namespace)
    >>> namespace["TERMS"], namespace["evaluate"](p=[0.0, 0.0, 2.0]).tolist()
    (['p', '(p·p)*p'], [[0.0, 0.0, 2.0], [0.0, 0.0, 8.0]])
    """
    from . import __version__
    from .symmetric_kernels import SymmetricBasis

    if isinstance(B, SymmetricBasis):  # orbit sums over identical particles
        from .symmetric_export import export_symmetric

        return export_symmetric(B, dtype)
    _check_basis(B)
    if getattr(B, "tensor_inputs", False):  # contractions as einsum plans
        from .tensor_export import export_tensor

        return export_tensor(B, dtype)
    dt = _numpy_dtype(dtype)
    plan = build_plan(B)
    d = plan.d
    inputs = "; ".join(f"{n}:{t}" for n, t in plan.inputs)
    features = getattr(B, "features", ())
    shape = "(..., len(TERMS)" + "".join(f", {k}" for k in plan.tensor_shape) + ")"
    args = ", ".join(f"{n}=..." for n, _ in plan.inputs)
    shapes = "\n".join(f"    {n}: {t}, shape {_shape_text(t, d)}" for n, t in plan.inputs)
    doc = f'''"""Standalone evaluation of an invariant/equivariant polynomial basis.

Generated by invariants {__version__}; needs only NumPy.

group:   {plan.group}
inputs:  {inputs}
output:  {plan.output}
degree:  {plan.degree} ({len(plan.terms)} terms, see TERMS)
{"features: " + ", ".join(features) + chr(10) if features else ""}
Usage::

    import numpy as np
    values = evaluate({args})  # shape {shape}

Inputs (keyword arrays, any leading batch shape; the batch shapes broadcast):
{shapes}

Evaluation is staged: differences of positions, the η-weighted Gram matrix (metric
{plan.metric}), brackets (determinants), a product tree of scalar monomials, and seed tensors
(see ``_kernel``). The result is a view with the batch axes first. NaN/inf inputs propagate.
"""'''
    terms = "\n".join(f"    {t.label!r}," for t in plan.terms)
    spec = "\n".join(f"    ({n!r}, {t!r})," for n, t in plan.inputs)
    helpers = "\n\n".join(
        textwrap.dedent(inspect.getsource(f))
        for f in (_input_rank, _shape_text, _prepare, _to_numpy)
    )
    return f'''{doc}

import numpy as np

xp = np
DT = np.{dt.name}
GROUP = {plan.group!r}
OUTPUT = {plan.output!r}
DEGREE = {plan.degree}
INPUTS = [
{spec}
]
TERMS = [
{terms}
]


class InputError(ValueError):
    """Bad input to :func:`evaluate`."""


def evaluate(**inputs):
    """Every term at a batch of inputs: shape {shape}."""
    arrays, batch = _prepare(
        INPUTS, D, inputs, lambda name, x: _to_numpy(name, x, DT, InputError), InputError
    )
    return _kernel(arrays, batch)


{helpers}

{kernel_source(plan)}'''
