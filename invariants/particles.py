"""Identical particles in input specifications: ``N*name:type`` and ``N*(a:type; b:type)``.

Grammar (whitespace is free; ``;`` separates parts outside parentheses)::

    spec      := part (";" part)*
    part      := names ":" type                    distinct inputs, as before
               | N "*" name ":" type               N identical inputs name1 … nameN
               | N "*" "(" fields ")"              N identical particles, fields permuted together
    fields    := names ":" type (";" names ":" type)*
    names     := name ("," name)*

``N*p:vector`` is the same inputs as ``p1,…,pN:vector``, and the particles may be permuted:
the symmetry group becomes ``G × S_N``. ``N*(m:scalar; x:vector)`` gives ``m1…mN`` and
``x1…xN`` (field by field, in the order written); a permutation moves ``m_i`` and ``x_i``
together. A name in an ``N*`` form must not end in a digit (``3*x1`` would make ``x11``, which
reads as ``x`` and 11).

>>> s = parse_spec("5*(m:scalar; x:vector); g:vector")
>>> [i.name for i in s.inputs]
['m1', 'm2', 'm3', 'm4', 'm5', 'x1', 'x2', 'x3', 'x4', 'x5', 'g']
>>> s.identical[0][:2]  # particles 1 and 2: (index of m_i, index of x_i)
((0, 5), (1, 6))
>>> s.classes()
[['m1,x1', 'm2,x2', 'm3,x3', 'm4,x4', 'm5,x5']]
>>> parse_spec("0*p:vector")
Traceback (most recent call last):
...
invariants.errors.InvariantsError: in '0*p:vector': the count must be 1 to 1000, got 0
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvariantsError

__all__ = ["Spec", "declares_identical", "parse_spec", "split_parts"]

#: An identical-particle part: the count, then a field or a parenthesized list of fields.
_REPEAT = re.compile(r"^\s*([0-9]+)\s*\*\s*(.*)$", re.S)
#: Most copies of one particle (names and generators grow with it; this is far past use).
MAX_PARTICLES = 1000


@dataclass(frozen=True)
class Spec:
    """Parsed inputs and their classes of identical particles.

    ``identical[c][k]`` is particle ``k`` of class ``c``: the indices into ``inputs`` of its
    fields, in the order the fields were written. Every particle of a class has the same field
    types in the same order.
    """

    inputs: tuple  # tuple[Input, ...]
    identical: tuple[tuple[tuple[int, ...], ...], ...] = ()

    def classes(self) -> list[list[str]]:
        """The classes as ``hilbert_series(identical=…)`` takes them: particles ``"m1,x1"``."""
        return [
            [",".join(self.inputs[i].name for i in particle) for particle in cls]
            for cls in self.identical
        ]


def split_parts(spec: str) -> list[str]:
    """Split at ``;`` outside parentheses.

    >>> split_parts("4*(m:scalar; x:vector); A:tensor(ij=ji)")
    ['4*(m:scalar; x:vector)', ' A:tensor(ij=ji)']
    """
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(spec):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise InvariantsError(f"unbalanced ')' in input specification {spec!r}")
        elif ch == ";" and depth == 0:
            parts.append(spec[start:k])
            start = k + 1
    if depth:
        raise InvariantsError(f"unbalanced '(' in input specification {spec!r}")
    parts.append(spec[start:])
    return parts


def parse_spec(spec: str) -> Spec:
    """Parse a specification string into inputs and classes of identical particles.

    >>> parse_spec("3*p:vector").classes()
    [['p1', 'p2', 'p3']]
    """
    from .inputs import parse_inputs

    items: list[tuple[str, str]] = []
    pending: list[tuple[int, list[list[int]]]] = []  # (count, field item positions per copy)
    field_names: set[str] = set()  # the fields of the classes of identical particles
    for part in split_parts(spec):
        if not part.strip():
            continue
        match = _REPEAT.match(part)
        if match is None:
            items.extend(_simple(part))
            continue
        count, body = int(match.group(1)), match.group(2).strip()
        if not 1 <= count <= MAX_PARTICLES:
            raise InvariantsError(
                f"in {part.strip()!r}: the count must be 1 to {MAX_PARTICLES}, got {count}"
            )
        fields = _fields(body, part.strip())
        copies: list[list[int]] = [[] for _ in range(count)]
        for name, type_ in fields:
            field_names.add(name)
            for k in range(count):
                copies[k].append(len(items))
                items.append((f"{name}{k + 1}", type_))
        pending.append((count, copies))
    inputs = parse_inputs(items)  # names checked, duplicates (p1 beside 3*p) refused here
    identical = tuple(tuple(tuple(c) for c in copies) for _, copies in pending)
    _check_index_names(items, pending, field_names)
    return Spec(inputs, identical)


def _check_index_names(items, pending, fields: set[str]) -> None:
    """Orbit sums are written ``Σ_i m_i (x_i·x_i)``: beside identical particles, a name such as
    ``m_i`` (a field of a class and an index letter) would read as part of that notation."""
    from .orbit_names import INDEX_LETTERS

    if not pending:
        return
    particle = {pos for _, copies in pending for copy in copies for pos in copy}
    for pos, (name, _) in enumerate(items):
        if pos in particle:
            continue
        head, _, index = name.rpartition("_")
        if head in fields and len(index) == 1 and index in INDEX_LETTERS:
            raise InvariantsError(
                f"input name {name!r} beside identical particles reads as the index notation of "
                f"their orbit sums (Σ_i m_i, with indices {', '.join(INDEX_LETTERS[:4])}, …); "
                "rename it"
            )


def _simple(part: str) -> list[tuple[str, str]]:
    if part.count(":") != 1:
        raise InvariantsError(
            f"malformed input specification {part.strip()!r}: expected 'names:type', "
            "'N*name:type' or 'N*(a:type; b:type)', e.g. 'p,q:vector; m:scalar'"
        )
    names, type_ = (s.strip() for s in part.split(":", 1))
    return [(name.strip(), type_) for name in names.split(",")]


def _fields(body: str, part: str) -> list[tuple[str, str]]:
    """The fields of one particle: ``name:type`` or ``(a:type; b,c:type)``."""
    if body.startswith("("):
        if not body.endswith(")"):
            raise InvariantsError(
                f"malformed input specification {part!r}: expected 'N*(a:type; b:type)'"
            )
        inner = split_parts(body[1:-1])
        if any(_REPEAT.match(p) for p in inner if p.strip()):
            raise InvariantsError(f"in {part!r}: N*(…) forms do not nest")
        fields = [f for p in inner if p.strip() for f in _simple(p)]
    else:
        fields = _simple(body)
        if len(fields) != 1:
            raise InvariantsError(
                f"in {part!r}: one name after 'N*'; write 'N*(a:type; b:type)' for particles "
                "with several fields"
            )
    if not fields:
        raise InvariantsError(f"in {part!r}: a particle needs at least one field")
    for name, _ in fields:
        if name[-1:].isdigit():
            raise InvariantsError(
                f"in {part!r}: the name {name!r} ends in a digit; the copies are named "
                f"{name}1, {name}2, …, so choose a name without a final digit"
            )
    return fields


def declares_identical(spec) -> bool:
    """True if the specification string has an ``N*`` part (identical particles).

    >>> declares_identical("4*p:vector; q:vector"), declares_identical("p,q:vector")
    (True, False)
    """
    if not isinstance(spec, str):
        return False
    try:
        return any(_REPEAT.match(p) for p in split_parts(spec))
    except InvariantsError:  # unbalanced parentheses: the input parser says what is wrong
        return False


def refuse_identical(spec, what: str) -> None:
    """Raise if ``spec`` declares identical particles and ``what`` does not handle them yet
    (treating them as distinct would answer another question than the one asked)."""
    if isinstance(spec, str) and parse_spec(spec).identical:
        raise InvariantsError(
            f"{what} does not take identical particles (N*…) yet; write the copies as distinct "
            "inputs (e.g. 'p1,p2,p3:vector') to treat them as distinguishable"
        )
