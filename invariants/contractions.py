"""Complete contractions of vectors and rank-2 tensors: traces of words and chains between vectors.

A complete contraction of vectors and rank-2 tensors is a graph in which every tensor node has
degree 2 and every vector node degree 1, so each connected one is either a **cycle**
``tr(X₁ η X₂ η ⋯ X_n η)`` or a **chain** ``u·X₁⋯X_n·v = uᵀ η X₁ η ⋯ X_n η v`` between two vectors
(indices are lowered with the metric ``η``; a tensor input ``X`` is ``X^{μν}`` and transforms as
``g X gᵀ``). Two words give the same invariant when they differ by a rotation (cycles) or by a
reversal, which transposes every factor: ``Aᵀ = A`` for ``sym`` and ``dev``, ``Wᵀ = −W`` for
``skew``, ``Mᵀ`` is a letter of its own for ``matrix``. A word equal to minus itself vanishes
(``tr W``, ``u·W·u``, ``tr(A W)``), and so do traces of single traceless factors (``tr D``).

>>> from invariants.spaces import parse_tensor_type as T
>>> [c.name for c in connected_contractions({"A": T("sym")}, 4)]
['tr(A)', 'tr(A²)', 'tr(A³)', 'tr(A⁴)']
>>> [c.name for c in connected_contractions({"W": T("skew"), "v": "vector"}, 4)]
['tr(W²)', 'v·v', 'tr(W⁴)', 'v·W²·v']
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx
import sympy

from .errors import InvariantsError
from .spaces import TensorType

__all__ = ["Contraction", "EpsilonContraction", "Ops", "SYMPY", "connected_contractions"]

Letter = tuple[str, bool]  # (input name, transposed)
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Contraction:
    """A connected complete contraction: a cycle ``tr(word)`` or a chain ``ends[0]·word·ends[1]``.

    ``word`` is a tuple of ``(input, transposed)`` letters; ``ends`` is ``None`` for a cycle.
    """

    word: tuple[Letter, ...]
    ends: tuple[str, str] | None = None

    @property
    def degree(self) -> int:
        return len(self.word) + (2 if self.ends else 0)

    def multidegree(self, names: tuple[str, ...]) -> tuple[int, ...]:
        """Degree in each input of ``names``."""
        count = [0] * len(names)
        for name, _ in self.word:
            count[names.index(name)] += 1
        for name in self.ends or ():
            count[names.index(name)] += 1
        return tuple(count)

    @property
    def name(self) -> str:
        body = _word_text(self.word)
        if self.ends is None:
            return f"tr({body})"
        u, v = self.ends
        return f"{u}·{body}·{v}" if body else f"{u}·{v}"

    def expression(self, coordinates: dict[str, sympy.Matrix], metric) -> sympy.Expr:
        """The contraction in the components: ``coordinates`` maps tensor inputs to ``d × d``
        matrices and vectors to ``d × 1`` columns; ``metric`` is the diagonal of ``η``."""
        return sympy.expand(self.evaluate(coordinates, SYMPY.bind(metric)))

    def graph(self) -> nx.MultiGraph:
        """The contraction as a labelled multigraph: a node per factor (``label``: the input,
        ``transposed`` for ``Mᵀ``), an edge per contracted index pair."""
        G = nx.MultiGraph()
        nodes = [(n, t) for n, t in self.word]
        if self.ends is not None:
            nodes = [(self.ends[0], False)] + nodes + [(self.ends[1], False)]
        for k, (name, transposed) in enumerate(nodes):
            G.add_node(k, label=name, transposed=transposed)
        for k in range(len(nodes) - 1):
            G.add_edge(k, k + 1)
        if self.ends is None and nodes:
            G.add_edge(len(nodes) - 1, 0)
        return G

    def evaluate(self, values: dict, ops: Ops):
        """The value with the arithmetic ``ops`` (:class:`Ops`): ``tr(X₁ η ⋯ X_n η)`` for a
        cycle, ``uᵀ η X₁ η ⋯ X_n η v`` for a chain."""
        eta = ops.eta
        M = ops.eye if self.ends is None else eta
        for name, transposed in self.word:
            X = ops.transpose(values[name]) if transposed else values[name]
            M = ops.mul(ops.mul(M, X), eta)
        if self.ends is None:
            return ops.trace(M)
        u, v = (values[e] for e in self.ends)
        return ops.entry(ops.mul(ops.mul(ops.transpose(u), M), v), 0, 0)


@dataclass(frozen=True)
class EpsilonContraction:
    """A contraction with one Levi-Civita tensor ``ε`` (the "S" groups): ``legs`` are
    ``(word, vector)`` (the vector ``X₁ η ⋯ X_n η v``, one slot of ``ε``) and ``pairs`` are words
    (the matrix ``X₁ η ⋯ η X_n``, two slots). With legs only it is the bracket of the leg
    vectors; ``[v, ⟨W⟩]`` is ``ε_{ijk} v^i W^{jk}``, ``[⟨F⟩, ⟨F⟩]`` is ``ε_{μνρσ} F^{μν} F^{ρσ}``.
    """

    legs: tuple[tuple[tuple[Letter, ...], str], ...]
    pairs: tuple[tuple[Letter, ...], ...]

    ends = None  # neither a cycle nor a chain: see _order

    @property
    def word(self) -> tuple[Letter, ...]:
        return tuple(x for w, _ in self.legs for x in w) + tuple(x for w in self.pairs for x in w)

    @property
    def degree(self) -> int:
        return sum(len(w) + 1 for w, _ in self.legs) + sum(len(w) for w in self.pairs)

    def multidegree(self, names: tuple[str, ...]) -> tuple[int, ...]:
        count = [0] * len(names)
        for name, _ in self.word:
            count[names.index(name)] += 1
        for _, v in self.legs:
            count[names.index(v)] += 1
        return tuple(count)

    @property
    def name(self) -> str:
        legs = [_word_text(w) + v for w, v in self.legs]
        pairs = [f"⟨{_word_text(w)}⟩" for w in self.pairs]
        return "[" + ", ".join(legs + pairs) + "]"

    def expression(self, coordinates: dict[str, sympy.Matrix], metric) -> sympy.Expr:
        return sympy.expand(self.evaluate(coordinates, SYMPY.bind(metric)))

    def graph(self) -> nx.MultiGraph:
        """The labelled multigraph, with one node ``ε`` (see :meth:`Contraction.graph`)."""
        G = nx.MultiGraph()
        G.add_node(0, label="ε", transposed=False)

        def path(start, word, end=None):
            prev = start
            for name, transposed in word:
                k = G.number_of_nodes()
                G.add_node(k, label=name, transposed=transposed)
                G.add_edge(prev, k)
                prev = k
            if end is None:
                return prev
            k = G.number_of_nodes()
            G.add_node(k, label=end, transposed=False)
            G.add_edge(prev, k)
            return k

        for word, v in self.legs:
            path(0, word, v)
        for word in self.pairs:
            G.add_edge(path(0, word), 0)
        return G

    def evaluate(self, values: dict, ops: Ops):
        """``Σ_σ sign(σ) Π_legs x_k^{σ(k)} Π_pairs M^{σ(a) σ(b)}`` over the permutations of
        the ``d`` slots (legs first, then the two slots of each pair)."""
        eta = ops.eta
        vectors, matrices = [], []
        for word, v in self.legs:  # the upper-index vector X₁ η ⋯ X_n η v
            M = ops.eye
            for name, transposed in word:
                X = ops.transpose(values[name]) if transposed else values[name]
                M = ops.mul(ops.mul(M, X), eta)
            vectors.append(ops.mul(M, values[v]) if word else values[v])
        for word in self.pairs:
            M = None
            for name, transposed in word:
                X = ops.transpose(values[name]) if transposed else values[name]
                M = X if M is None else ops.mul(ops.mul(M, eta), X)
            matrices.append(M)
        d = len(vectors) + 2 * len(matrices)
        total = None
        for perm in itertools.permutations(range(d)):
            factors = [ops.entry(x, perm[k], 0) for k, x in enumerate(vectors)]
            base = len(vectors)
            for j, M in enumerate(matrices):
                factors.append(ops.entry(M, perm[base + 2 * j], perm[base + 2 * j + 1]))
            term = ops.product(factors, _sign(perm))
            total = term if total is None else ops.add(total, term)
        return total


def _sign(perm) -> int:
    sign, seen = 1, set()
    for a in range(len(perm)):
        if a in seen:
            continue
        length = 0
        while a not in seen:
            seen.add(a)
            a = perm[a]
            length += 1
        sign *= -1 if length % 2 == 0 else 1
    return sign


class Ops:
    """Arithmetic for :meth:`Contraction.evaluate`: SymPy matrices (:data:`SYMPY`), or any
    array library through the functions given; ``bind(metric)`` fixes ``η``."""

    def __init__(
        self,
        mul,
        transpose,
        trace,
        entry,
        product,
        add,
        diag,
        eye,
        metric=None,
        *,
        batched=False,
        reduce=None,
    ):
        self.mul, self.transpose, self.trace, self.entry = mul, transpose, trace, entry
        self.product, self.add, self._diag, self._eye = product, add, diag, eye
        #: For contractions of any rank (:mod:`invariants.matchings`): whether values carry a
        #: leading batch axis, and the reduction applied after every pairwise step (mod p).
        self.batched, self.reduce, self.metric = batched, reduce, metric
        if metric is not None:
            self.eta, self.eye = diag(metric), eye(len(metric))

    def bind(self, metric) -> Ops:
        return Ops(
            self.mul,
            self.transpose,
            self.trace,
            self.entry,
            self.product,
            self.add,
            self._diag,
            self._eye,
            tuple(metric),
            batched=self.batched,
            reduce=self.reduce,
        )


SYMPY = Ops(
    mul=lambda A, B: A * B,
    transpose=lambda A: A.T,
    trace=lambda A: A.trace(),
    entry=lambda A, i, j: A[i, j],
    product=lambda factors, sign: sign * sympy.Mul(*factors),
    add=lambda a, b: a + b,
    diag=lambda metric: sympy.diag(*metric),
    eye=sympy.eye,
)


def _word_text(word: tuple[Letter, ...]) -> str:
    out, k = [], 0
    while k < len(word):
        j = k
        while j < len(word) and word[j] == word[k]:
            j += 1
        name, transposed = word[k]
        power = str(j - k).translate(_SUPERSCRIPTS) if j - k > 1 else ""
        letter = name + ("ᵀ" if transposed else "")
        out.append(f"({letter}){power}" if transposed and power else letter + power)
        k = j
    return "".join(out)


def _reverse(word, types) -> tuple[tuple[Letter, ...], int]:
    """The reversed word with every factor transposed, and the sign it picks up."""
    sign, out = 1, []
    for name, transposed in reversed(word):
        kind = _kind(types[name])
        if kind == "matrix":
            out.append((name, not transposed))
        else:
            out.append((name, False))
            sign *= -1 if kind == "skew" else 1
    return tuple(out), sign


def _kind(t: TensorType) -> str:
    """``sym`` (``Xᵀ = X``), ``skew`` (``Xᵀ = −X``) or ``matrix`` (no symmetry)."""
    signs = {s for p, s in t.symmetry.elements if p == (1, 0)}
    return "matrix" if not signs else "sym" if signs == {1} else "skew"


def _canonical_cycle(word, types):
    """The least rotation of the word or of its reversal, its sign, or ``None`` if it vanishes."""
    images = []
    for w, s in ((tuple(word), 1), _reverse(word, types)):
        for k in range(len(w)):
            images.append((w[k:] + w[:k], s))
    return _least(images)


def _canonical_chain(u, word, v, types):
    w2, s = _reverse(word, types)
    return _least([((u, tuple(word), v), 1), ((v, w2, u), s)])


def _least(images):
    best = min(x for x, _ in images)
    signs = {s for x, s in images if x == best}
    return None if len(signs) > 1 else (best, signs.pop())


def connected_contractions(inputs: dict, degree: int, epsilon: int | None = None) -> list:
    """Every connected complete contraction of total degree ``1..degree``, one per class, in
    the order of :func:`_order`. ``inputs`` maps names to ``"vector"`` or a rank-2 (or rank-0:
    a scalar, which is its own contraction) :class:`~invariants.spaces.TensorType`; the sign of
    each representative is ``+1``.
    ``epsilon=d`` adds the contractions with one Levi-Civita tensor of ``d`` slots
    (:class:`EpsilonContraction`; the "S" groups).
    """
    from .matchings import TensorContraction

    types, scalars = {}, []
    for name, t in inputs.items():
        if t == "vector" or (isinstance(t, TensorType) and t.rank == 2):
            types[name] = t
        elif isinstance(t, TensorType) and t.rank == 0 and not t.pseudo:
            scalars.append(TensorContraction((name,), (0,), ()))  # a scalar is its own value
        else:
            raise InvariantsError(
                f"contractions of {name!r} ({t!r}): only scalars, vectors and rank-2 tensors so far"
            )
    tensors = [n for n, t in types.items() if t != "vector"]
    vectors = [n for n, t in types.items() if t == "vector"]
    letters = [(n, False) for n in tensors] + [
        (n, True) for n in tensors if _kind(types[n]) == "matrix"
    ]
    letters.sort()
    found: dict[tuple, Contraction] = {}
    for length in range(1, degree + 1):
        for word in itertools.product(letters, repeat=length):
            canon = _canonical_cycle(word, types)
            if canon is None:
                continue
            w, _ = canon
            if len(w) == 1 and types[w[0][0]].traceless:
                continue  # tr D = 0
            found.setdefault(("cycle", w), Contraction(w))
    for length in range(0, degree - 1):
        for u, v in itertools.combinations_with_replacement(vectors, 2):
            for word in itertools.product(letters, repeat=length):
                canon = _canonical_chain(u, word, v, types)
                if canon is None:
                    continue
                (a, w, b), _ = canon
                found.setdefault(("chain", a, w, b), Contraction(w, (a, b)))
    out = list(found.values()) + scalars
    if epsilon is not None:
        out += _epsilon_contractions(types, letters, vectors, degree, epsilon)
    return sorted(out, key=_order)


def _epsilon_contractions(types, letters, vectors, degree: int, d: int) -> list:
    """Connected contractions with one ``ε`` of ``d`` slots: legs are distinct (a repeated leg
    makes the contraction antisymmetric in itself), pairs are words up to reversal, and a pair
    whose word equals its own transpose vanishes (``ε`` is antisymmetric, the word symmetric)."""
    legs = [
        (w, v) for n in range(degree) for w in itertools.product(letters, repeat=n) for v in vectors
    ]
    pairs = set()
    for n in range(1, degree + 1):
        for w in itertools.product(letters, repeat=n):
            back, sign = _reverse(w, types)
            if back == w and sign == 1:
                continue
            pairs.add(min(w, back))
    pairs = sorted(pairs)
    out = []
    for m in range(d // 2 + 1):
        k = d - 2 * m
        for chosen_pairs in itertools.combinations_with_replacement(pairs, m):
            rest = degree - sum(len(w) for w in chosen_pairs)
            for chosen_legs in itertools.combinations(legs, k):
                c = EpsilonContraction(tuple(chosen_legs), tuple(chosen_pairs))
                if sum(len(w) + 1 for w, _ in chosen_legs) <= rest:
                    out.append(c)
    return out


def _order(c) -> tuple:
    """Degree, cycles before chains before ``ε`` contractions, fewer runs of letters first
    (``tr(A²B²)`` before ``tr(ABAB)``, as integrity bases are usually written), then the name."""
    runs = sum(1 for k, x in enumerate(c.word) if k == 0 or x != c.word[k - 1])
    kind = 2 if isinstance(c, EpsilonContraction) else int(c.ends is not None)
    return (c.degree, kind, runs, c.name)
