"""Contractions as ``einsum`` expressions, and the standalone export of tensor bases.

A complete contraction is a tensor network: one operand per factor, one index letter per
contracted pair of slots, each pair summed with the metric ``η`` (diagonal, entries ``±1``)
except the pairs at a Levi-Civita tensor ``ε``, whose indices are lower
(:mod:`invariants.contractions`, :mod:`invariants.matchings`). :func:`network` writes any
contraction — a cycle ``tr(X₁ η ⋯ X_n η)``, a chain ``u·X₁⋯X_n·v``, an ``ε`` contraction of
rank-2 words, a perfect matching of slots of any rank — as ``(factors, weighted)``: the operands
with their letters, and the letters that carry ``η``. :func:`einsum_plan` turns it into an
``einsum`` over named operands; for a seed (a contraction linear in an output dummy ``D``) the
dummy's slots become the free indices of ``f = η ∂c/∂D η``: a free letter keeps ``η`` iff its pair
had none (``η² = 1``), and a pair of two dummy slots is a Kronecker ``δ`` (times ``η`` if the
pair was weighted).

:func:`export_tensor` writes a module that needs only NumPy: the plans as data, a small
evaluator, the input checks (shape, finiteness, index symmetry within a tolerance, then an exact
projection) — the same arithmetic as :class:`invariants.tensor_basis.TensorKernel` done another
way, which the tests compare.

>>> import invariants as inv
>>> from invariants.contractions import Contraction
>>> einsum_plan(Contraction((("A", False), ("B", True))))
('...ab,...ab,a,b->...', ('A', 'B', 'η', 'η'))
>>> B = inv.basis("O(3)", "A:sym; v:vector", output="vector", degree=2)
>>> namespace = {}
>>> exec(export_tensor(B), namespace)
>>> import numpy as np
>>> namespace["evaluate"](A=np.diag([1.0, 2.0, 3.0]), v=[1.0, 0.0, 0.0]).tolist()[:3]
[[1.0, 0.0, 0.0], [6.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
"""

from __future__ import annotations

import inspect
import json
import string

import numpy as np

from .contractions import Contraction, EpsilonContraction
from .errors import InvariantsError
from .matchings import EPSILON, TensorContraction, _slots, levi_civita

__all__ = ["einsum_plan", "evaluate_plans", "export_tensor", "network"]

_LETTERS = string.ascii_letters


def network(c) -> tuple[list[tuple[str, str]], set[str]]:
    """``([(operand, letters), …], letters weighted by η)`` of a contraction (module doc)."""
    letters = iter(_LETTERS)
    factors: list[tuple[str, str]] = []
    weighted: set[str] = set()

    def word_path(word, first: str) -> str:
        """Factors of ``X₁ η X₂ η ⋯ X_n`` from the letter ``first``: the last free letter."""
        current = first
        for k, (name, transposed) in enumerate(word):
            nxt = next(letters)
            factors.append((name, nxt + current if transposed else current + nxt))
            if k < len(word) - 1:
                weighted.add(nxt)
            current = nxt
        return current

    if isinstance(c, TensorContraction):
        label = {}
        for s, t in enumerate(c.matching):
            if s < t:
                label[s] = label[t] = next(letters)
        for f, slots in zip(c.factors, _slots(c.ranks)):
            factors.append((f, "".join(label[s] for s in slots)))
            if f != EPSILON:
                weighted.update(label[s] for s in slots)
        eps = {
            label[s] for f, slots in zip(c.factors, _slots(c.ranks)) if f == EPSILON for s in slots
        }
        weighted -= eps
        return factors, weighted
    if isinstance(c, EpsilonContraction):
        slots = []
        for word, v in c.legs:  # ε slot, then X₁ η ⋯ X_n η v
            s = next(letters)
            slots.append(s)
            last = word_path(word, s)
            if word:
                weighted.add(last)
            factors.append((v, last))
        for word in c.pairs:  # two ε slots joined by X₁ η ⋯ η X_n
            s = next(letters)
            last = word_path(word, s)
            slots += [s, last]
        factors.append((EPSILON, "".join(slots)))
        return factors, weighted
    if isinstance(c, Contraction):
        if c.ends is None:  # tr(X₁ η ⋯ X_n η): the path closed on its first letter
            first = next(letters)
            last = word_path(c.word, first)
            name, code = factors[-1]
            factors[-1] = (name, code.replace(last, first))
            weighted.add(first)
            return factors, weighted
        u, v = c.ends  # u η X₁ η ⋯ X_n η v
        first = next(letters)
        factors.append((u, first))
        weighted.add(first)
        last = word_path(c.word, first)
        if c.word:
            weighted.add(last)
        factors.append((v, last))
        return factors, weighted
    raise InvariantsError(f"not a contraction: {c!r}")


def einsum_plan(c, dummy: str | None = None) -> tuple[str, tuple[str, ...]]:
    """``(subscripts, operands)`` of ``np.einsum`` for ``c`` (a seed ``f`` if ``dummy`` is
    given, module docstring). Operands are input names (a leading batch ``...``), ``"η"`` (the
    metric's diagonal), ``"δ"`` (the identity) and ``"ε"`` (Levi-Civita)."""
    factors, weighted = network(c)
    subs, ops, free = [], [], []
    if dummy is not None:
        (code,) = [code for name, code in factors if name == dummy]
        factors = [(name, code) for name, code in factors if name != dummy]
        used = {x for _, code in factors for x in code}
        spare = iter(x for x in _LETTERS if x not in used and x not in code)
        for k, x in enumerate(code):
            if x in code[:k]:  # the second slot of a self-pair: δ, times η if weighted
                y = next(spare)
                free.append(y)
                subs.append(x + y)
                ops.append("δ")
                continue
            free.append(x)
            if code.count(x) == 2:  # a self-pair keeps its weight: f^{ab} = η_a δ_{ab}
                continue
            if x not in weighted:  # an ε pair: f = η ∂c/∂D puts one η on it
                subs.append(x)
                ops.append("η")
            weighted.discard(x)  # a weighted pair: η · η = 1
    for name, code in factors:
        subs.append(code if name == EPSILON else "..." + code)
        ops.append(name)
    for x in sorted(weighted):
        subs.append(x)
        ops.append("η")
    return ",".join(subs) + "->..." + "".join(free), tuple(ops)


def _plan_of(source, dummy=None) -> list:
    """A ring generator or seed: one plan, or the plans of a product of two."""
    parts = source if isinstance(source, tuple) else (source,)
    out = []
    for x in parts:
        has = dummy is not None and dummy in _names(x)
        subs, ops = einsum_plan(x, dummy if has else None)
        out.append([subs, list(ops)])
    return out


def plan_constants(metric, plans=()) -> dict:
    """The constant operands of the plans: ``η`` (the metric's diagonal), ``δ``, and ``ε`` if
    one of ``plans`` (lists of plans) uses it (it is dense: ``d^d`` entries)."""
    d = len(metric)
    out = {"η": np.array(metric, dtype=float), "δ": np.eye(d)}
    if _uses_epsilon(plans):
        out["ε"] = levi_civita(d)
    return out


def _uses_epsilon(plans) -> bool:
    return any(EPSILON in ops for generator in plans for _, ops in generator)


def evaluate_plans(plans, arrays, constants):
    """The value of :func:`_plan_of`'s plans on batched float arrays (vectors ``(..., d)``):
    ``np.einsum`` of each, multiplied. Each value has batch axes (none for a plan of constants
    only, such as ``δ``), then its free axes; the product aligns the batch axes and takes the
    outer product of the free ones (a scalar factor is broadcast over a seed's)."""
    out, out_free = None, 0
    for subs, ops in plans:
        operands = [arrays[o] if o in arrays else constants[o] for o in ops]
        v = np.einsum(subs, *operands, optimize=len(ops) > 2)
        free = len(subs.split("->")[1].replace("...", ""))
        if out is None:
            out, out_free = v, free
            continue
        bo, bv = np.ndim(out) - out_free, np.ndim(v) - free
        nb = max(bo, bv)
        so, sv = np.shape(out), np.shape(v)
        left = np.reshape(out, (1,) * (nb - bo) + so + (1,) * free)
        right = np.reshape(v, (1,) * (nb - bv) + sv[:bv] + (1,) * out_free + sv[bv:])
        out, out_free = left * right, out_free + free
    return out


def project_onto(f, symmetry, traceless, eta):
    """``f`` (leading batch axes, then ``r`` index axes) projected onto the index symmetry
    (``(perm, sign)`` pairs of the group) and, if ``traceless``, made ``η``-traceless."""
    axes = tuple(range(f.ndim - len(symmetry[0][0])))
    f = sum(s * np.transpose(f, axes + tuple(len(axes) + a for a in p)) for p, s in symmetry)
    f = f / len(symmetry)
    if traceless:
        f = f - np.einsum("...ii,i->...", f, eta)[..., None, None] * np.diag(1 / eta) / len(eta)
    return f


def _names(c) -> set[str]:
    factors, _ = network(c)
    return {name for name, _ in factors}


def export_tensor(B, dtype=np.float64) -> str:
    """The source of a standalone NumPy module evaluating the tensor basis ``B``
    (:func:`invariants.tensor_basis.tensor_basis`): ``evaluate(**inputs)`` with the shapes of
    ``B.lambdify()``, ``TERMS``, ``INPUTS``, ``GROUP``, ``OUTPUT``, ``DEGREE``; bad input
    raises its ``InputError`` (a ``ValueError``)."""
    from . import __version__
    from .kernels import _numpy_dtype
    from .minimal import dummy_name
    from .spaces import field_type
    from .tensor_basis import SYMMETRY_TOLERANCE

    dt = _numpy_dtype(dtype)
    G = B.group
    inputs = [(i.name, i.type) for i in B.data_inputs]
    dummy = dummy_name(dict(inputs)) if B.module is not None else None
    ring = [_plan_of(g.source) for g in B.ring.generators]
    seeds = [] if B.module is None else [_plan_of(g.source, dummy) for g in B.module.generators]
    kinds = {}
    for name, t in inputs:
        kind = field_type(t)
        kinds[name] = {
            "rank": kind.rank,
            "symmetry": [[list(p), s] for p, s in kind.symmetry.elements],
            "traceless": kind.traceless,
        }
    out = B.output
    out_kind = None if out in ("scalar", "pseudoscalar") else field_type(out)
    data = {
        "group": G.name,
        "d": G.d,
        "metric": list(G.metric),
        "inputs": inputs,
        "kinds": kinds,
        "ring": ring,
        "seeds": seeds,
        "terms": [[[list(f) for f in t.factors], t.seed] for t in B.terms],
        "output": out,
        "output_rank": 0 if out_kind is None else out_kind.rank,
        "output_symmetry": []
        if out_kind is None
        else [[list(p), s] for p, s in out_kind.symmetry.elements],
        "output_traceless": bool(out_kind is not None and out_kind.traceless),
        "tolerance": SYMMETRY_TOLERANCE,
        "epsilon": _uses_epsilon(ring + seeds),
    }
    names = json.dumps([t.name for t in B.terms], ensure_ascii=False)
    # the evaluator and the projection are the library's own functions, copied verbatim
    shared = "\n\n".join(inspect.getsource(f) for f in (evaluate_plans, project_onto))
    spec = "; ".join(f"{n}:{t}" for n, t in inputs)
    return f'''"""Standalone evaluation of a polynomial basis with tensor inputs.

Generated by invariants {__version__}; needs only NumPy.

group:   {G.name}
inputs:  {spec}
output:  {out}
degree:  <= {B.degree}

evaluate(**inputs) -> array (..., len(TERMS), *output shape); tensors (..., d, ..., d)
"""

import json

import numpy as np

DATA = json.loads({json.dumps(json.dumps(data, ensure_ascii=False), ensure_ascii=False)})
TERMS = json.loads({json.dumps(names, ensure_ascii=False)})
INPUTS = [tuple(x) for x in DATA["inputs"]]
GROUP, OUTPUT, DEGREE = DATA["group"], DATA["output"], {B.degree}
DTYPE = np.{np.dtype(dt).name}


class InputError(ValueError):
    """Bad input: a missing or unknown name, a wrong shape, NaN/inf, a broken symmetry."""


def _levi_civita(d):
    eps = np.zeros((d,) * d)
    for idx in np.ndindex(*eps.shape):
        if len(set(idx)) == d:
            perm, sign = list(idx), 1
            for a in range(d):
                while perm[a] != a:
                    b = perm[a]
                    perm[a], perm[b] = perm[b], perm[a]
                    sign = -sign
            eps[idx] = sign
    return eps


_D = DATA["d"]
_CONSTANTS = {{"η": np.array(DATA["metric"], dtype=float), "δ": np.eye(_D)}}
if DATA["epsilon"]:
    _CONSTANTS["ε"] = _levi_civita(_D)


{shared}

def _check(name, x):
    kind = DATA["kinds"][name]
    r = kind["rank"]
    if x.ndim < r or x.shape[x.ndim - r :] != (_D,) * r:
        want = ", ".join([str(_D)] * r)
        raise InputError(f"input {{name!r}}: expected shape (..., {{want}}), got {{x.shape}}")
    if not np.all(np.isfinite(x)):
        raise InputError(f"input {{name!r}} contains NaN or inf")
    if r >= 2:
        y = project_onto(x, kind["symmetry"], False, _CONSTANTS["η"])
        scale = max(float(np.abs(x).max(initial=0.0)), 1e-300)
        if np.abs(x - y).max(initial=0.0) > DATA["tolerance"] * scale:
            raise InputError(f"input {{name!r}} does not have its index symmetry")
        if kind["traceless"]:
            eta = _CONSTANTS["η"]
            trace = np.einsum("...ii,i->...", y, eta)
            if np.abs(trace).max(initial=0.0) > DATA["tolerance"] * scale:
                raise InputError(f"input {{name!r}} is not traceless for the metric")
            y = y - trace[..., None, None] * np.diag(1 / eta) / _D
        x = y
    return x


def evaluate(**inputs):
    names = [n for n, _ in INPUTS]
    missing = [n for n in names if n not in inputs]
    unknown = [n for n in inputs if n not in names]
    if missing or unknown:
        raise InputError(
            f"inputs {{', '.join(names)}} are needed; missing {{missing}}, unknown {{unknown}}"
        )
    arrays = {{}}
    for name in names:
        try:
            x = np.asarray(inputs[name], dtype=float)
        except (TypeError, ValueError):
            raise InputError(f"input {{name!r}} is not an array of real numbers") from None
        arrays[name] = _check(name, x)
    batch = np.broadcast_shapes(
        *[a.shape[: a.ndim - DATA["kinds"][n]["rank"]] for n, a in arrays.items()]
    )
    ring = [np.broadcast_to(evaluate_plans(p, arrays, _CONSTANTS), batch) for p in DATA["ring"]]
    seeds = []
    for p in DATA["seeds"]:
        f = evaluate_plans(p, arrays, _CONSTANTS)
        if DATA["output_rank"] >= 2:
            f = project_onto(f, DATA["output_symmetry"], DATA["output_traceless"], _CONSTANTS["η"])
        seeds.append(np.broadcast_to(f, batch + (_D,) * DATA["output_rank"]))
    out = np.empty(batch + (len(TERMS),) + (_D,) * DATA["output_rank"])
    for j, (factors, seed) in enumerate(DATA["terms"]):
        m = np.ones(batch)
        for k, e in factors:
            m = m * ring[k] ** e
        at = (slice(None),) * len(batch) + (j,)
        if seed is None:
            out[at] = m
        else:
            out[at] = m.reshape(batch + (1,) * DATA["output_rank"]) * seeds[seed]
    return out.astype(DTYPE)
'''
