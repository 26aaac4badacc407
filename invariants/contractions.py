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

import sympy

from .errors import InvariantsError
from .spaces import TensorType

__all__ = ["Contraction", "connected_contractions"]

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
        eta = sympy.diag(*metric)
        M = sympy.eye(len(metric)) if self.ends is None else eta  # cycle: X₁η⋯X_nη; chain: ηX₁η⋯
        for name, transposed in self.word:
            X = coordinates[name].T if transposed else coordinates[name]
            M = M * X * eta
        if self.ends is None:
            return sympy.expand(M.trace())
        u, v = (coordinates[e] for e in self.ends)
        return sympy.expand((u.T * M * v)[0, 0])


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


def connected_contractions(inputs: dict, degree: int) -> list[Contraction]:
    """Every connected complete contraction of total degree ``1..degree``, one per class, in
    the order of :func:`_order`. ``inputs`` maps names to ``"vector"`` or a rank-2
    :class:`~invariants.spaces.TensorType`; the sign of each representative is ``+1``.
    """
    types = {}
    for name, t in inputs.items():
        if t == "vector" or (isinstance(t, TensorType) and t.rank == 2):
            types[name] = t
        else:
            raise InvariantsError(
                f"contractions of {name!r} ({t!r}): only vectors and rank-2 tensors so far"
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
    return sorted(found.values(), key=_order)


def _order(c: Contraction) -> tuple:
    """Degree, cycles before chains, fewer runs of letters first (``tr(A²B²)`` before
    ``tr(ABAB)``, as integrity bases are usually written), then the name."""
    runs = sum(1 for k, x in enumerate(c.word) if k == 0 or x != c.word[k - 1])
    return (c.degree, c.ends is not None, runs, c.name)
