"""Groups as data: metric, Lie algebra basis, discrete generators and random elements.

A :class:`Group` is a frozen dataclass. Its linear part is the orthogonal group of a diagonal
integer metric ``η`` (Euclidean ``I`` or Lorentzian ``diag(1, -1, …, -1)``), possibly restricted to
``det = 1`` (the "S" groups) and to the orthochronous part (``SO+``); translations act on position
inputs only.

>>> g = parse_group("SO+(1,3)")
>>> g.d, g.metric, g.has_reflections, g.translations
(4, (1, -1, -1, -1), False, False)
>>> parse_group("E(3)").name
'E(3)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .errors import InvariantsError

ACCEPTED_GROUPS = (
    "O(d)",
    "SO(d)",
    "O(1,d-1)",
    "SO(1,d-1)",
    "SO+(1,d-1)",
    "E(d)",
    "SE(d)",
    "Poincare(1,d-1)",
)

MAX_DIMENSION = 12


@dataclass(frozen=True)
class Group:
    """A group of linear isometries of ``η`` (optionally with translations).

    ``kind`` is one of ``"O"``, ``"SO"``, ``"O(1,d-1)"``, ``"SO(1,d-1)"``, ``"SO+(1,d-1)"``,
    ``"E"``, ``"SE"``, ``"Poincare"``.
    """

    kind: str
    d: int

    @property
    def name(self) -> str:
        """Canonical name, e.g. ``"SO+(1,3)"``."""
        if self.lorentzian:
            return f"{self.kind.split('(')[0]}(1,{self.d - 1})"
        return f"{self.kind}({self.d})"

    @property
    def lorentzian(self) -> bool:
        return self.kind in ("O(1,d-1)", "SO(1,d-1)", "SO+(1,d-1)", "Poincare")

    @property
    def metric(self) -> tuple[int, ...]:
        """Diagonal of ``η``."""
        if self.lorentzian:
            return (1,) + (-1,) * (self.d - 1)
        return (1,) * self.d

    @property
    def has_reflections(self) -> bool:
        """True if the group contains elements of determinant ``-1``."""
        return self.kind in ("O", "O(1,d-1)", "E", "Poincare")

    @property
    def family(self) -> str:
        """``"O"`` or ``"SO"``: the complex group whose invariants equal this group's.

        The identity component of every group here is Zariski dense in ``SO(d, C)`` (for the
        metric ``η``), so polynomial invariants only see whether reflections are present.
        """
        return "O" if self.has_reflections else "SO"

    @property
    def translations(self) -> bool:
        return self.kind in ("E", "SE", "Poincare")

    @property
    def linear_part(self) -> str:
        """Name of the group of linear parts, e.g. ``"O(3)"`` for ``E(3)``."""
        base = {"E": "O", "SE": "SO", "Poincare": "O(1,d-1)"}.get(self.kind, self.kind)
        return Group(base, self.d).name

    def lie_algebra(self) -> tuple[np.ndarray, ...]:
        """Integer basis ``X_ab = η_aa E_ab − η_bb E_ba`` (``a < b``) with ``Xᵀη + ηX = 0``."""
        return _lie_algebra(self.metric)

    def discrete_generators(self) -> tuple[np.ndarray, ...]:
        """Integer diagonal matrices that, with the identity component, generate the group."""
        d = self.d
        if self.kind in ("O", "E"):
            return (np.diag([-1] + [1] * (d - 1)),)
        if self.kind in ("O(1,d-1)", "Poincare"):
            space = (np.diag([1, -1] + [1] * (d - 2)),) if d >= 2 else ()
            return (np.diag([-1] + [1] * (d - 1)),) + space
        if self.kind == "SO(1,d-1)":
            return (np.diag([-1, -1] + [1] * (d - 2)),)
        return ()

    def random_element(self, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
        """A random element (float64 ``d×d``) of the linear part: ``exp`` of a random Lie
        algebra element times a random product of the discrete generators.

        >>> g = parse_group("O(1,3)")
        >>> R = g.random_element(np.random.default_rng(0))
        >>> eta = np.diag(g.metric)
        >>> bool(np.allclose(R.T @ eta @ R, eta))
        True
        """
        X = sum(
            (rng.normal(scale=scale) * B for B in self.lie_algebra()),
            np.zeros((self.d, self.d)),
        )
        R = _expm(X)
        for D in self.discrete_generators():
            if rng.random() < 0.5:
                R = R @ D
        return R

    def random_translation(self, rng: np.random.Generator) -> np.ndarray:
        """A random translation vector (zero for groups without translations)."""
        if not self.translations:
            return np.zeros(self.d)
        return rng.normal(size=self.d)


@lru_cache(maxsize=64)
def _lie_algebra(metric: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    d = len(metric)
    basis = []
    for a in range(d):
        for b in range(a + 1, d):
            X = np.zeros((d, d), dtype=np.int64)
            X[a, b] = metric[a]
            X[b, a] = -metric[b]
            basis.append(X)
    return tuple(basis)


def _expm(X: np.ndarray) -> np.ndarray:
    """Matrix exponential by scaling and squaring with a Taylor series (float64)."""
    norm = float(np.abs(X).sum(axis=1).max()) if X.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    A = X / (2**s)
    result = np.eye(len(X))
    term = np.eye(len(X))
    for k in range(1, 20):
        term = term @ A / k
        result = result + term
    for _ in range(s):
        result = result @ result
    return result


_PATTERNS = (
    (re.compile(r"^O\(([0-9]+)\)$"), "O", 0),
    (re.compile(r"^SO\(([0-9]+)\)$"), "SO", 0),
    (re.compile(r"^E\(([0-9]+)\)$"), "E", 0),
    (re.compile(r"^SE\(([0-9]+)\)$"), "SE", 0),
    (re.compile(r"^O\(1,([0-9]+)\)$"), "O(1,d-1)", 1),
    (re.compile(r"^SO\(1,([0-9]+)\)$"), "SO(1,d-1)", 1),
    (re.compile(r"^SO\+\(1,([0-9]+)\)$"), "SO+(1,d-1)", 1),
    (re.compile(r"^(?:Poincare|Poincaré|P)\(1,([0-9]+)\)$"), "Poincare", 1),
    (re.compile(r"^ISO\(1,([0-9]+)\)$"), "Poincare", 1),
)


def parse_group(group: str | Group) -> Group:
    """Parse a group name such as ``"SO(3)"``, ``"O(1,3)"``, ``"SO+(1,3)"``, ``"E(3)"``.

    >>> parse_group("Poincare(1,3)").linear_part
    'O(1,3)'
    >>> parse_group("SO(0)")
    Traceback (most recent call last):
    ...
    invariants.errors.InvariantsError: group 'SO(0)': the dimension must be at least 1 ...
    """
    if isinstance(group, Group):
        return group
    if not isinstance(group, str):
        raise InvariantsError(f"group must be a string such as 'SO(3)', got {type(group).__name__}")
    text = group.replace(" ", "")
    for pattern, kind, lorentz in _PATTERNS:
        m = pattern.match(text)
        if m:
            d = int(m.group(1)) + lorentz
            low = 2 if lorentz else 1
            if d < low or int(m.group(1)) < (1 if lorentz else 0):
                what = (
                    "the space dimension must be at least 1"
                    if lorentz
                    else ("the dimension must be at least 1")
                )
                raise InvariantsError(
                    f"group {group!r}: {what} (accepted: {', '.join(ACCEPTED_GROUPS)})"
                )
            if d > MAX_DIMENSION:
                raise InvariantsError(
                    f"group {group!r}: dimension {d} is larger than the supported "
                    f"maximum {MAX_DIMENSION}"
                )
            return Group(kind, d)
    raise InvariantsError(
        f"unknown group {group!r}; accepted: {', '.join(ACCEPTED_GROUPS)} "
        "with d a positive integer, e.g. 'SO(3)', 'O(1,3)', 'E(3)'"
    )
