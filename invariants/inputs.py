"""Typed inputs and the parser for specifications such as ``"p,q,r:vector; m:scalar"``.

>>> parse_inputs("p,q:vector; m:scalar")
(Input(name='p', type='vector'), Input(name='q', type='vector'), Input(name='m', type='scalar'))
>>> parse_inputs("p:spinor")
Traceback (most recent call last):
...
invariants.errors.InvariantsError: unknown type 'spinor' for 'p'; accepted types: scalar, ...
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvariantsError

INPUT_TYPES = ("scalar", "pseudoscalar", "vector", "pseudovector", "position")
OUTPUT_TYPES = ("scalar", "pseudoscalar", "vector", "pseudovector", "sym", "skew", "matrix")
#: Names the package gives a meaning of its own: ``η`` is the metric in formulas and seeds.
RESERVED_NAMES = ("η",)
_COORDINATE = re.compile(r"^(.+)_([0-9]+)$")


@dataclass(frozen=True)
class Input:
    """A named input of one of :data:`INPUT_TYPES`."""

    name: str
    type: str

    @property
    def vector_like(self) -> bool:
        return self.type in ("vector", "pseudovector", "position")

    @property
    def pseudo(self) -> bool:
        """True for quantities that also change sign with ``det g``."""
        from .spaces import is_pseudo

        return is_pseudo(self.type)

    @property
    def tensor(self):
        """The :class:`~invariants.spaces.TensorType` of a tensor input, else ``None``."""
        if self.type in INPUT_TYPES:
            return None
        from .spaces import parse_tensor_type

        return parse_tensor_type(self.type)


def parse_inputs(spec: str | Iterable[Input] | Iterable[tuple[str, str]]) -> tuple[Input, ...]:
    """Parse ``"name,name:type; name:type"`` (or pass ``Input`` objects / ``(name, type)`` pairs).

    ``N*p:vector`` and ``N*(m:scalar; x:vector)`` give ``N`` copies named ``p1…pN`` (and
    ``m1…mN, x1…xN``); :func:`invariants.particles.parse_spec` also returns which copies are
    identical particles.

    Names must be distinct Python identifiers (Unicode letters such as ``π`` included) in NFKC
    normal form, other than the keywords and :data:`RESERVED_NAMES`. The coordinates of a vector
    ``p`` are the symbols ``p_0, p_1, …``, so a name ``p_0`` beside a vector ``p`` is refused.

    >>> [i.name for i in parse_inputs("x1,x2:position;v:vector")]
    ['x1', 'x2', 'v']
    """
    if isinstance(spec, str):
        from .particles import parse_spec

        return parse_spec(spec).inputs  # which parses the parts and calls us with the pairs
    else:
        try:
            items = [(i.name, i.type) if isinstance(i, Input) else tuple(i) for i in spec]
        except TypeError as exc:
            raise InvariantsError(
                "inputs must be a string like 'p,q:vector; m:scalar' or a list of (name, type)"
            ) from exc
    if not items:
        raise InvariantsError("no inputs given; write e.g. 'p,q:vector; m:scalar'")
    seen: set[str] = set()
    result = []
    for item in items:
        if len(item) != 2:
            raise InvariantsError(f"input {item!r} is not a (name, type) pair")
        name, type_ = item
        _check_name(name)
        if not isinstance(type_, str) or type_ not in INPUT_TYPES and not _tensor(type_):
            raise InvariantsError(
                f"unknown type {type_!r} for {name!r}; accepted types: {', '.join(INPUT_TYPES)}, "
                "and the tensors sym, skew, dev, matrix, tensor(FORMULA) such as "
                "tensor(ijk=jik) (each optionally pseudo…)"
            )
        if name in seen:
            raise InvariantsError(f"duplicate input name {name!r}")
        seen.add(name)
        result.append(Input(name, type_))
    _check_coordinates(result)
    _check_concatenations(result)
    return tuple(result)


def _tensor(type_: str) -> bool:
    """True for a tensor type name; a malformed formula raises its own message."""
    from .spaces import TENSOR_TYPES, parse_tensor_type

    base = type_.removeprefix("pseudo")
    if base in TENSOR_TYPES or base.startswith("tensor("):
        parse_tensor_type(type_)
        return True
    return False


def _check_name(name) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise InvariantsError(
            f"bad input name {name!r}: names must be Python identifiers (letters, digits and _, "
            "not starting with a digit, not a keyword), such as 'p', 'x1' or 'π'"
        )
    normal = unicodedata.normalize("NFKC", name)
    if normal != name:
        raise InvariantsError(
            f"bad input name {name!r}: Python reads it as {normal!r} (NFKC normal form); "
            f"write {normal!r}"
        )
    if name in RESERVED_NAMES:
        raise InvariantsError(
            f"input name {name!r} is reserved (the metric in formulas); choose another name"
        )
    used = [c for c in NAMING_CHARACTERS if c in name]
    if used:
        raise InvariantsError(
            f"bad input name {name!r}: {used[0]!r} (U+{ord(used[0]):04X}) is a valid identifier "
            "character, but the "
            f"library writes it in generator names ({NAMING_CHARACTERS[used[0]]}), so the name "
            "would read as one; choose another name"
        )


#: Identifier characters that generator and term names use as notation.
NAMING_CHARACTERS = {
    "·": "p·q is an inner product",
    "ᵀ": "tr(AᵀB) is a transpose",
    "\u0304": "x̄ is the centroid of identical positions",
}


def _check_concatenations(inputs: list[Input]) -> None:
    """With tensor inputs, contractions are named by writing names one after another
    (``tr(AB)``, ``Av``): no name may be two or more other names written together."""
    if not any(i.tensor is not None for i in inputs):
        return
    names = {i.name for i in inputs}
    for inp in inputs:
        parts = _split(inp.name, names - {inp.name})
        if parts:
            raise InvariantsError(
                f"input name {inp.name!r} is {' followed by '.join(map(repr, parts))}: with "
                "tensor inputs, contractions are named by writing names together (tr(AB), Av), "
                "so it would be ambiguous; rename it"
            )


def _split(word: str, names: set[str]) -> list[str] | None:
    """``word`` as two or more of ``names`` written together, or ``None``."""
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(word) + 1):
        for start in range(end):
            if start in best and word[start:end] in names and end not in best:
                best[end] = best[start] + [word[start:end]]
    found = best.get(len(word))
    return found if found and len(found) >= 2 else None


def _check_coordinates(inputs: list[Input]) -> None:
    """No name may be a coordinate symbol ``v_k`` of a vector-like input ``v``."""
    vectors = {i.name for i in inputs if i.vector_like}
    for inp in inputs:
        match = _COORDINATE.match(inp.name)
        if match and match.group(1) in vectors:
            raise InvariantsError(
                f"input name {inp.name!r} is the name of coordinate {match.group(2)} of the "
                f"{match.group(1)!r} input ({match.group(1)}_0, {match.group(1)}_1, …); "
                "rename one of them"
            )


def parse_output(output: str) -> str:
    """Check an output type name.

    >>> parse_output("vector")
    'vector'
    """
    if output not in OUTPUT_TYPES:
        from .spaces import output_type

        output_type(output)  # an unknown type: the message lists every accepted one
        raise InvariantsError(
            f"output {output!r} is built from vector and tensor inputs only; with scalar or "
            f"position inputs the outputs are {', '.join(OUTPUT_TYPES)}"
        )
    return output
