"""``verify`` and certificates (format version 2) for tensor inputs and outputs.

The engine is that of :mod:`invariants.minimal`: in every multidegree ``β`` the products of the
kept contractions are evaluated mod ``p`` at random points and their rank is compared with the
dimension from characters. This module draws its own points in the coordinates a certificate
records, so that the independent checker (:mod:`invariants.checker`) can rebuild them:

* a vector has its ``d`` components;
* a tensor of an index symmetry ``G`` has one component per surviving ``G``-orbit of index
  tuples, the orbits listed by their least tuple in lexicographic order
  (:meth:`invariants.spaces.IndexSymmetry.orbits`); the full array is ``T[g·i] = sign(g)·c_i``
  and ``0`` on the orbits that vanish;
* a traceless tensor (``dev``) leaves out the orbit ``(d-1, d-1)``, and ``T^{d-1,d-1}`` is fixed
  by ``η_{μν} T^{μν} = 0`` (the trace for the metric, which is the invariant one).

Generators are recorded as contraction graphs (``docs/certificate-format.md``, version 2): the
factors in the order of the contraction's word, each with its index slots, the contracted pairs of
slots (through ``η``), and for the "S" groups at most one Levi-Civita factor ``ε`` listed last.
An output of tensor type ``W`` is a dummy variable of type ``W`` of degree 1 (``f`` is equivariant
iff ``⟨f, D⟩`` is invariant).

>>> r = verify_tensors("O(3)", "A:sym", degree=4)
>>> [(row.degree, row.dimension, row.span) for row in r.degrees]
[(0, 1, 1), (1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4)]
>>> from invariants.checker import check_certificate
>>> check_certificate(r.certificate()).ok
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .checker import det_mod
from .contractions import EpsilonContraction, connected_contractions
from .counting import character_dimension
from .errors import InvariantsError
from .groups import parse_group
from .inputs import parse_inputs
from .matchings import EPSILON, TensorContraction, tensor_contractions
from .matchings import MAX_EPSILON_DIMENSION as MAX_DENSE_EPSILON
from .minimal import (
    _TENSOR_PATH_OUTPUTS,
    MARGIN,
    MAX_EPSILON_DIMENSION,
    _compositions,
    _exponents,
    _mod_p_ops,
    _needs_matchings,
    _output_type,
    _product,
    _slot_type,
    _type,
    even_part,
    multidegree_of,
    product_name,
    select,
)
from .modular import PRIME, rank_and_pivots
from .particles import refuse_identical
from .problem import check_degree
from .spaces import is_pseudo
from .verify import BlockResult, DegreeResult

__all__ = ["TensorVerificationReport", "verify_tensors"]

VERSION = 2


@dataclass(frozen=True)
class TensorBlock:
    """One multidegree over the variables (inputs, then the dummy), with certificate data."""

    multidegree: tuple[int, ...]
    dimension: int
    candidates: tuple[tuple[int, ...], ...] = field(repr=False)
    span: int
    basis: tuple[int, ...]
    rows: tuple[int, ...]
    det: int


@dataclass(frozen=True)
class TensorVerificationReport:
    """Result of :func:`verify_tensors`, with the interface of
    :class:`~invariants.verify.VerificationReport` where it applies: ``blocks`` (per multidegree
    of the inputs), ``degrees``, ``complete``, ``table()``, ``as_dict()``, ``certificate()``."""

    group_name: str
    inputs: tuple[tuple[str, str], ...]
    output: str
    degree: int
    variables: tuple[tuple[str, object, str], ...]  # (name, type, role)
    metric: tuple[int, ...]
    generators: tuple = field(repr=False)  # the kept contractions
    canonical: tuple[TensorBlock, ...] = field(repr=False)
    points: tuple = field(repr=False)  # per point, its coordinates (list of ints)
    prime: int = PRIME

    @property
    def blocks(self) -> tuple[BlockResult, ...]:
        k = sum(role == "input" for _, _, role in self.variables)
        return tuple(
            BlockResult(
                b.multidegree[:k],
                b.dimension,
                b.span,
                len(b.candidates),
                len(b.candidates) - b.span,
            )
            for b in self.canonical
        )

    @property
    def degrees(self) -> tuple[DegreeResult, ...]:
        rows = []
        for t in range(self.degree + 1):
            picked = [b for b in self.blocks if sum(b.multidegree) == t]
            rows.append(
                DegreeResult(
                    t,
                    sum(b.dimension for b in picked),
                    sum(b.span for b in picked),
                    sum(b.candidates for b in picked),
                    sum(b.relations for b in picked),
                )
            )
        return tuple(rows)

    @property
    def complete(self) -> bool:
        """True iff the products of the generators span every block (a proof)."""
        return all(b.span == b.dimension for b in self.canonical)

    @property
    def group(self):
        """The :class:`~invariants.groups.Group`."""
        return parse_group(self.group_name)

    @property
    def complete_to_degree(self) -> int:
        """The largest degree up to which every block is spanned."""
        short = [sum(b.multidegree) for b in self.blocks if b.span < b.dimension]
        return min(short, default=self.degree + 1) - 1

    @property
    def kept(self) -> tuple:
        """The generators that are invariants: contractions, and products ``(a, b)`` of two
        odd ones for ``O`` groups with pseudo-quantities (their factors, recorded in
        :attr:`generators` for the certificate, are left out)."""
        factors = {x for c in self.generators if isinstance(c, tuple) for x in c}
        return tuple(c for c in self.generators if c not in factors)

    def generator_names(self) -> list[str]:
        """The generators (connected contractions, the dummy ``D`` included) by name."""
        return [product_name(*c) if isinstance(c, tuple) else c.name for c in self.kept]

    def module_names(self) -> list[str]:
        """For an equivariant output, the generators linear in the dummy, named as the tensors
        they pair with it (``S``, ``SR − RS``, ``I``); for a scalar output the invariants."""
        if self.output == "scalar":
            return self.generator_names()
        from .minimal import _tensor_name

        names = tuple(n for n, _, _ in self.variables)
        types = {n: t for n, t, _ in self.variables}
        dummy = names[-1]
        from .minimal import _free_index_name

        out = []
        for c in self.kept:
            if multidegree_of(c, names)[-1] != 1:
                continue
            if isinstance(c, tuple):  # an odd scalar contraction times an odd module generator
                (m,) = [x for x in c if dummy in x.factors]
                (r,) = [x for x in c if x is not m]
                out.append(f"{r.name} {_free_index_name(m, dummy)}")
            elif isinstance(c, TensorContraction):
                out.append(_free_index_name(c, dummy))
            else:
                out.append(_tensor_name(c, dummy, self.output, types, self.metric))
        return out

    def as_dict(self) -> dict:
        """The JSON object printed by ``invariants verify --json``."""
        k = sum(role == "input" for _, _, role in self.variables)
        return {
            "group": self.group_name,
            "inputs": [{"name": n, "type": t} for n, t in self.inputs],
            "output": self.output,
            "degree": self.degree,
            "complete": self.complete,
            "complete_to_degree": self.complete_to_degree,
            "generators": [
                {"name": name, "multidegree": list(m[:k]), "degree": sum(m)}
                for c, name in zip(self.kept, self.generator_names())
                for m in [multidegree_of(c, tuple(n for n, _, _ in self.variables))]
            ],
            "degrees": [d.as_dict() for d in self.degrees],
            "multidegrees": [b.as_dict() for b in self.blocks],
        }

    def table(self) -> str:
        """A plain-text table per total degree."""
        head = f"{'degree':>6} {'dimension':>10} {'span':>10} {'candidates':>11} {'relations':>10}"
        lines = [head, "-" * len(head)]
        for r in self.degrees:
            flag = "" if r.complete else "   INCOMPLETE"
            lines.append(
                f"{r.degree:>6} {r.dimension:>10} {r.span:>10} {r.candidates:>11} "
                f"{r.relations:>10}{flag}"
            )
        return "\n".join(lines)

    def certificate(self) -> dict:
        """A version-2 certificate that :func:`invariants.check` re-checks independently."""
        names = [n for n, _, _ in self.variables]
        slot_types = {n: t for n, t, _ in self.variables}
        used = max((max(b.rows) for b in self.canonical if b.rows), default=-1) + 1
        return {
            "format": "invariants-certificate",
            "version": VERSION,
            "group": self.group_name,
            "d": len(self.metric),
            "metric": list(self.metric),
            "inputs": [{"name": n, "type": t} for n, t in self.inputs],
            "output": self.output,
            "degree": self.degree,
            "variables": [
                {
                    "name": n,
                    "type": _type_name(t),
                    "role": role,
                    "degree": 1 if role == "dummy" else None,
                }
                for n, t, role in self.variables
            ],
            "antisymmetric": None,
            "symmetries": [],
            "prime": self.prime,
            "points": [list(p) for p in self.points[:used]],
            "generators": [
                {
                    "name": product_name(*c),
                    "kind": "product",
                    "args": [self.generators.index(x) for x in c],
                }
                if isinstance(c, tuple)
                else graph_record(c, names, slot_types)
                for c in self.generators
            ],
            "blocks": [
                {
                    "multidegree": list(b.multidegree),
                    "dimension": b.dimension,
                    "candidates": len(b.candidates),
                    "span": b.span,
                    "relations": len(b.candidates) - b.span,
                    "basis": [list(b.candidates[i]) for i in b.basis],
                    "rows": list(b.rows),
                    "det": b.det,
                }
                for b in self.canonical
            ],
            "complete": self.complete,
        }


def _type_name(t) -> str:
    return t if isinstance(t, str) else t.name


# --------------------------------------------------------------------------- contraction graphs


def graph_record(c, names: list[str], types: dict) -> dict:
    """A contraction as a certificate generator: ``args`` are the factors' variable indices, in
    the order of the word; each factor of rank ``r`` owns the next ``r`` slots (a ``d × d``
    tensor ``X^{μν}``: slot ``μ`` then ``ν``); ``edges`` pair the slots (contracted through η);
    ``epsilon`` appends a Levi-Civita factor ``ε_{μ…}`` whose slots come last (its edges carry no
    η). Cycles ``tr(X₁η⋯X_nη)``, chains ``u·X₁⋯X_n·v`` and ε-contractions all become graphs.

    >>> from invariants.contractions import Contraction
    >>> from invariants.spaces import parse_tensor_type as T
    >>> types = {"A": T("sym"), "B": T("matrix")}
    >>> g = graph_record(Contraction((("A", False), ("B", True))), ["A", "B"], types)
    >>> g["name"], g["args"], g["edges"], g["epsilon"]
    ('tr(ABᵀ)', [0, 1], [[1, 3], [2, 0]], False)
    """
    if isinstance(c, TensorContraction):  # slots already numbered factor by factor, ε last
        return {
            "name": c.name,
            "kind": "contraction",
            "args": [names.index(f) for f in c.factors if f != EPSILON],
            "edges": [[s, t] for s, t in enumerate(c.matching) if s < t],
            "epsilon": EPSILON in c.factors,
        }
    args: list[int] = []
    edges: list[list[int]] = []
    slots = [0]

    def factor(name: str) -> tuple[int, ...]:
        args.append(names.index(name))
        rank = 1 if types[name] == "vector" else 2
        own = tuple(range(slots[0], slots[0] + rank))
        slots[0] += rank
        return own

    def word_slots(word) -> list[tuple[int, int]]:
        out = []
        for name, transposed in word:
            a, b = factor(name)
            out.append((b, a) if transposed else (a, b))
        return out

    def chain(ws) -> None:
        for (_, out), (inn, _) in zip(ws, ws[1:]):
            edges.append([out, inn])

    free: list[int] = []  # slots that go to ε, in ε's slot order
    if isinstance(c, EpsilonContraction):
        for word, v in c.legs:
            ws = word_slots(word)
            chain(ws)
            (end,) = factor(v)
            if ws:
                edges.append([ws[-1][1], end])
                free.append(ws[0][0])
            else:
                free.append(end)
        for word in c.pairs:
            ws = word_slots(word)
            chain(ws)
            free += [ws[0][0], ws[-1][1]]
        for k, s in enumerate(free):
            edges.append([s, slots[0] + k])
    elif c.ends is None:
        ws = word_slots(c.word)
        chain(ws)
        edges.append([ws[-1][1], ws[0][0]])
    else:
        (u,) = factor(c.ends[0])
        ws = word_slots(c.word)
        (v,) = factor(c.ends[1])
        if ws:
            chain(ws)
            edges += [[u, ws[0][0]], [ws[-1][1], v]]
        else:
            edges.append([u, v])
    return {
        "name": c.name,
        "kind": "contraction",
        "args": args,
        "edges": edges,
        "epsilon": isinstance(c, EpsilonContraction),
    }


# --------------------------------------------------------------------------- points


def _components(t, d: int) -> list[tuple[int, ...]]:
    """The index tuples of a variable's coordinates (module docstring)."""
    if isinstance(t, str):  # vector, pseudovector
        return [(i,) for i in range(d)]
    orbits = t.symmetry.orbits(d)
    if t.traceless:
        orbits.remove((d - 1, d - 1))
    return orbits


def tensor_from_components(t, comps: np.ndarray, metric, p: int) -> np.ndarray:
    """The full arrays ``(n, d, d)`` (vectors: ``(n, d, 1)``) from components ``(n, m)`` mod p."""
    d, n = len(metric), comps.shape[0]
    if isinstance(t, str):  # vector, pseudovector
        return comps.reshape(n, d, 1) % p
    X = np.zeros((n,) + (d,) * t.rank, dtype=np.int64)
    for k, idx in enumerate(_components(t, d)):
        for perm, sign in t.symmetry.elements:
            X[(slice(None),) + tuple(idx[perm[a]] for a in range(t.rank))] = sign * comps[:, k] % p
    if t.traceless:  # η_{μμ} X^{μμ} summed is 0, and η_{μμ} = ±1 is its own inverse
        rest = sum(metric[i] * X[:, i, i] for i in range(d - 1))
        X[:, d - 1, d - 1] = -metric[d - 1] * rest % p
    return X % p


# --------------------------------------------------------------------------- the engine


def verify_tensors(
    group, inputs, output: str = "scalar", degree: int = 4, *, seed: int = 0
) -> TensorVerificationReport:
    """Verify, block by block, that products of connected contractions kept by the selection of
    :mod:`invariants.minimal` span every invariant (``output="scalar"``) or every equivariant of
    a tensor or vector type (module docstring); the report writes a version-2 certificate.

    >>> r = verify_tensors("O(3)", "A:sym", output="sym", degree=3)
    >>> [g for g in r.generator_names() if "D" in g]
    ['tr(D)', 'tr(AD)', 'tr(A²D)']
    >>> r.complete
    True
    """
    G = parse_group(group)
    degree = check_degree(degree)
    refuse_identical(inputs, "verify")
    parsed = parse_inputs(list(inputs.items()) if isinstance(inputs, dict) else inputs)
    output_type = _output_type(output)
    if output == "pseudoscalar":
        raise InvariantsError(
            "output 'pseudoscalar' with tensor inputs: verify takes scalar, vector, "
            "pseudovector and tensor outputs so far"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvariantsError(f"seed must be a non-negative integer, got {seed!r}")
    slots = _needs_matchings(G, parsed) or output not in _TENSOR_PATH_OUTPUTS
    if slots:  # contractions of index slots (invariants.matchings), any rank
        types = {i.name: _slot_type(i) for i in parsed}
    else:
        types = {i.name: _type(i.name, i.tensor or i.type) for i in parsed}
    roles = ["input"] * len(types)
    dummy = None
    if output != "scalar":
        dummy = next(n for n in ("D", "D_", "D__", "Φ") if n not in types)
        types[dummy] = output_type
        roles.append("dummy")
    names = tuple(types)
    k = len(names) - (dummy is not None)
    if slots:
        pseudo = any(is_pseudo(t) for t in types.values())
        epsilon = G.d if G.family == "SO" or pseudo else None
        if epsilon is not None and epsilon > MAX_DENSE_EPSILON:
            raise InvariantsError(
                f"verify for {G.name} with these inputs needs ε with {G.d} slots; at most "
                f"{MAX_DENSE_EPSILON}"
            )
        contractions = tensor_contractions(types, degree + (dummy is not None), epsilon)
        if dummy is not None:
            contractions = [c for c in contractions if c.factors.count(dummy) <= 1]
    else:
        epsilon = G.d if G.family == "SO" and G.d <= MAX_EPSILON_DIMENSION else None
        contractions = connected_contractions(types, degree + (dummy is not None), epsilon)
    # the selection needs the ring's blocks too (e = 0); the certificate lists those with the
    # dummy at its degree 1 (every block for a scalar output, the constants included)
    blocks = [
        b + ((e,) if dummy else ())
        for total in range(0, degree + 1)
        for e in ((0, 1) if dummy else (0,))
        for b in _compositions(total, k)
    ]
    dims = {
        beta: character_dimension(G.family, G.d, [types[n] for n in names], beta) for beta in blocks
    }
    n_points = 2 * max(dims.values(), default=0) + MARGIN
    rng = np.random.default_rng(seed)
    sizes = [len(_components(types[n], G.d)) for n in names]
    coords = rng.integers(0, PRIME, size=(n_points, sum(sizes)), dtype=np.int64)
    offsets = np.cumsum([0] + sizes)
    values = {
        n: tensor_from_components(types[n], coords[:, offsets[j] : offsets[j + 1]], G.metric, PRIME)
        for j, n in enumerate(names)
    }
    ops = _mod_p_ops(n_points).bind(G.metric)
    cands = [
        (c, c.multidegree(names), np.asarray(c.evaluate(values, ops)) % PRIME) for c in contractions
    ]
    value_of = {c: v for c, _, v in cands}
    if G.family == "O" and slots:
        cands = even_part(cands, types, degree, k, dummy is not None)
    ring_blocks = [b for b in blocks if any(b)]
    kept, _, _, _ = select(cands, ring_blocks, dims, degree)
    # The certificate's generators: the kept contractions, then the odd factors of the kept
    # products of two odd contractions (not invariants themselves), then those products.
    singles = [c for c in kept if not isinstance(c, tuple)]
    pairs = [c for c in kept if isinstance(c, tuple)]
    records = singles + list(dict.fromkeys(x for pair in pairs for x in pair)) + pairs
    position = {c: i for i, c in enumerate(records)}
    record_values = [
        value_of[c] if not isinstance(c, tuple) else value_of[c[0]] * value_of[c[1]] % PRIME
        for c in records
    ]
    kept_degrees = [multidegree_of(c, names) for c in kept]
    canonical = []
    for beta in blocks:
        if dummy is not None and beta[-1] != 1:
            continue
        exps = [_spread(e, kept, position) for e in _exponents(kept_degrees, beta)]
        canonical.append(_block(beta, dims[beta], exps, record_values))
    return TensorVerificationReport(
        G.name,
        tuple((i.name, i.type) for i in parsed),
        output,
        degree,
        tuple(zip(names, (types[n] for n in names), roles)),
        tuple(G.metric),
        tuple(records),
        tuple(canonical),
        tuple(tuple(int(x) for x in row) for row in coords),
    )


def _spread(exps: tuple[int, ...], kept: list, position: dict) -> tuple[int, ...]:
    """An exponent vector over ``kept`` as one over the certificate's generators."""
    out = [0] * len(position)
    for c, e in zip(kept, exps):
        out[position[c]] = e
    return tuple(out)


def _block(beta, dim: int, exps: list, values: list[np.ndarray]) -> TensorBlock:
    """Rank of the candidates' values, an independent subset and rows with a non-zero det."""
    exps = sorted(exps)
    if not exps:
        return TensorBlock(beta, dim, (), 0, (), (), 1)
    n = values[0].shape[0] if values else 1
    M = np.stack([_product(e, values) if values else np.ones(n, np.int64) for e in exps], axis=1)
    rank, cols = rank_and_pivots(M, PRIME)
    if rank > dim:  # rank mod p is a lower bound on the dimension: never
        raise RuntimeError(f"block {beta}: rank {rank} exceeds the dimension {dim}")
    _, rows = rank_and_pivots(np.ascontiguousarray(M[:, cols].T), PRIME)
    det = int(det_mod(M[np.ix_(rows, cols)], PRIME)) if rank else 1
    return TensorBlock(beta, dim, tuple(exps), rank, tuple(cols), tuple(rows), det)
