"""Independent checker of ``invariants`` verification certificates.

A certificate (``docs/certificate-format.md``) claims that, for a group ``G`` and every canonical
multidegree ``β`` up to a degree bound, the monomials in a list of generators span the space of
``G``-invariant polynomials of multidegree ``β``.  This module re-checks such a claim from the
certificate alone.  It imports only the standard library and NumPy, and nothing from the rest of
``invariants``: its point is that it does not trust the code that produced the certificate.

What is checked (the numbers refer to "What the checker verifies" in the format document):

1. the file is a well-formed certificate, the group name parses, ``d`` and ``metric`` agree;
2. every generator is a dot product, a bracket (determinant), a scalar variable, a complete
   contraction of tensors (version 2: a graph of factors and index pairs, contracted with the
   metric and at most one Levi-Civita tensor, evaluated here on tensors rebuilt from their
   independent components) or a product of earlier generators, hence invariant under the
   identity component; for groups with reflections
   candidates are monomials in the generators of parity 0, which are invariant under the whole
   group (a generator of parity 1 may only occur as a factor of a product generator);
3. the generators are closed under the permutations inside each class of ``symmetries``;
4. the blocks are exactly the canonical multidegrees;
5. in each block the basis monomials have multidegree ``β`` and their evaluation matrix at the
   listed points has the recorded non-zero determinant mod ``p``;
6. ``dimension`` agrees with the Weyl character formula, recomputed here with exact integers
   (tensor types: eigenvalues from the index-symmetry formula, parsed here);
7. ``candidates`` agrees with a recount of the monomials, ``relations == candidates - span``;
8. ``complete`` agrees with ``span == dimension`` in every block.

Version 3 (identical particles, key ``identical``) replaces 4-8 by sectors: the orbit sums of
listed monomials under the permutations of the particles are independent, and their number is
the dimension of the symmetric invariants, recomputed by Burnside's lemma from traces mod ``p``
on a basis of the plain space (section "identical particles" at the end of this module).

Before any of this the checker bounds its own work ("Limits" in the format document): it refuses
(:class:`CertificateError`) a file of more than ``max_bytes`` bytes, and claims beyond its
limits (``d``, the degree, the number of variables, the prime, generator degrees, the size of a
block); a certificate whose block list is too short for its degree is a mismatch, found at once.

Why this proves spanning: the basis polynomials have integer coefficients, so a non-zero
determinant mod ``p`` of their values at integer points means the integer determinant is
non-zero, hence the basis polynomials are linearly independent over ``Q`` (and ``C``).  They are
invariants of multidegree ``β``, so ``span = len(basis)`` is at most the dimension of that
space, which the character formula computes independently.  When ``span == dimension`` the
basis, and hence the candidates, span every invariant of multidegree ``β``.  Blocks that are not
canonical are images of canonical ones under the listed permutations of interchangeable
variables, which map the generator set to itself, so they are spanned as well.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

try:  # inside the package: one error type for everything (errors.py imports nothing)
    from .errors import InvariantsError as _BaseError
except ImportError:  # this file copied elsewhere and imported on its own

    class _BaseError(ValueError):
        """Bad input (stands in for ``invariants.errors.InvariantsError``)."""


__all__ = [
    "MAX_BYTES",
    "CertificateError",
    "CheckResult",
    "check_certificate",
    "invariant_dimension",
]

FORMAT = "invariants-certificate"
VERSION = 3  # the newest version read; versions 1 and 2 still check
VERSIONS = (1, 2, 3)  # 3: identical particles (key "identical")
SCALAR_LIKE = frozenset({"scalar", "pseudoscalar"})
VECTOR_LIKE = frozenset({"vector", "pseudovector"})
VARIABLE_TYPES = SCALAR_LIKE | VECTOR_LIKE
INPUT_TYPES = VARIABLE_TYPES | {"position"}
ROLES = frozenset({"input", "dummy"})
GENERATOR_KINDS = frozenset({"scalar", "dot", "bracket", "product"})
#: The dummy variables (type, fixed degree) that encode each kind of output.
DUMMIES: dict[str, tuple[tuple[str, int], ...]] = {
    "scalar": (),
    "pseudoscalar": (("pseudoscalar", 1),),
    "vector": (("vector", 1),),
    "pseudovector": (("pseudovector", 1),),
    "sym": (("vector", 2),),
    "matrix": (("vector", 1), ("vector", 1)),
    "skew": (("vector", 1), ("vector", 1)),
}
GROUP_FORMS = "O(d), SO(d), E(d), SE(d), O(1,d-1), SO(1,d-1), SO+(1,d-1), Poincare(1,d-1)"
_INT64_PRIME_LIMIT = 2**31  # below this, products of two residues fit in int64
_PANEL = 32  # column block size of det_mod's LU; _matmul_mod is exact for _PANEL <= 32
_INT64_COEFFICIENT_LIMIT = 2**62  # character coefficients bounded by this are computed in int64
_BRACKETS_AT_ONCE = 1024  # brackets whose determinants are computed in one stack

# Limits: beyond them the checker refuses to work (CertificateError) instead of running out of
# time or memory.  Each is far above what `invariants verify` produces (d <= 12, degree <= 40,
# p = 2**31 - 1); the format document lists them.
MAX_BYTES = 256 * 2**20  # size of a certificate file (or JSON text); check_certificate(max_bytes=)
MAX_D = 12  # the root factor of SO(d) has |Weyl group| terms: 23040 for d = 12
MAX_DEGREE = 1000  # the certificate's degree and every generator's total degree
MAX_VARIABLES = 1000
MAX_PRIME = 2**64  # is_prime is a proof (deterministic Miller-Rabin) far beyond this
MAX_MONOMIALS = 10**7  # per block: monomials of multidegree beta in the coordinates
MAX_CHARACTER_TERMS = 10**6  # per block and variable: multisets enumerated for Sym^k
MAX_CELLS = 10**6  # per block: prod(beta_i + 1), the table that recounts the candidates
_ENUMERATION_LIMIT = 10**5  # missing blocks are named when there are at most this many tuples


class CertificateError(_BaseError):
    """Not a well-formed certificate, or one beyond the checker's limits (CLI exit status 2).

    An :class:`invariants.errors.InvariantsError` (hence a ``ValueError``); when this file is
    used on its own, outside the package, a ``ValueError``.
    """


_PLAIN_NAME = re.compile(r"[\w.'+-]{1,32}")  # no spaces, separators or line breaks


def _show(x: Any, width: int = 60) -> str:
    """A one-line, bounded rendering of a (validated) value of a certificate, for messages."""
    if _is_int(x):
        return str(x) if abs(x) < 10**30 else f"<an integer of {x.bit_length()} bits>"
    if isinstance(x, str):
        text = repr(x)
        return text if len(text) <= width else repr(x[:width]) + "..."
    if isinstance(x, (list, tuple)):
        if len(x) > 20:
            return f"<a list of {len(x)} entries>"
        inner = ", ".join(_show(v, width) for v in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    return repr(x) if x is None or isinstance(x, bool) else f"<{type(x).__name__}>"


def _label(name: str) -> str:
    """An input name as printed in a summary: plain names as they are, others quoted."""
    return name if _PLAIN_NAME.fullmatch(name) else _show(name, 32)


@dataclass(frozen=True)
class CheckResult:
    """Outcome of :func:`check_certificate`: ``ok`` iff ``problems`` is empty.

    ``group``, ``inputs`` (``(name, type)`` pairs), ``output`` and ``degree`` say what the
    certificate is about; ``complete`` is its claim that the generators span every block (when
    ``ok``, that claim was re-checked); ``generators`` is the number of generators the candidates
    are products of.  :meth:`summary` says in one line what was proved.
    """

    ok: bool
    problems: tuple[str, ...]
    blocks_checked: int
    group: str
    inputs: tuple[tuple[str, str], ...]
    output: str
    degree: int
    complete: bool
    generators: int
    identical: tuple[int, ...] = ()  # sizes of the classes of identical particles (version 3)

    def _header(self) -> str:
        groups: list[tuple[str, list[str]]] = []
        for name, vtype in self.inputs:
            if groups and groups[-1][0] == vtype:
                groups[-1][1].append(_label(name))
            else:
                groups.append((vtype, [_label(name)]))
        inputs = "; ".join(f"{','.join(names)}:{vtype}" for vtype, names in groups)
        group = self.group + "".join(f" x S_{n}" for n in self.identical)
        return (
            f"{group}, inputs {inputs or 'none'}, output {self.output}, "
            f"degree <= {_show(self.degree)}"
        )

    def _what(self) -> str:
        if self.identical and self.output == "scalar":
            return (
                f"every invariant polynomial of degree <= {self.degree} symmetric in the particles"
            )
        if self.identical:
            return (
                f"every equivariant polynomial of degree <= {self.degree} with {self.output} "
                "values symmetric in the particles (paired with the dummy variables)"
            )
        if self.output == "scalar":
            return f"every invariant polynomial of degree <= {self.degree}"
        return (
            f"every equivariant polynomial of degree <= {self.degree} with {self.output} values "
            "(paired with the dummy variables)"
        )

    def summary(self) -> str:
        """One line: what the check proved (``OK``), only confirmed (``OK (numbers only)``), or
        that it failed (``FAILED``), naming the group, inputs, output and degree."""
        blocks = f"{self.blocks_checked} block{'s' * (self.blocks_checked != 1)} re-checked"
        gens = f"{self.generators} generator{'s' * (self.generators != 1)}"
        if not self.ok:
            return f"FAILED: {self._header()}: {len(self.problems)} problem(s)"
        if self.complete and self.identical:
            sectors = f"{self.blocks_checked} sector{'s' * (self.blocks_checked != 1)} re-checked"
            return (
                f"OK: {self._header()}: {self._what()} is a linear combination of orbit sums of "
                f"products of the {gens} ({sectors})"
            )
        if self.complete:
            return f"OK: {self._header()}: {self._what()} is a polynomial in the {gens} ({blocks})"
        return (
            f"OK (numbers only): {self._header()}: the recorded numbers check, and the "
            f"certificate says complete=false: the {gens} do NOT span {self._what()} ({blocks})"
        )

    def as_dict(self) -> dict:
        """The result as a JSON-ready dict (``invariants check --json``)."""
        return {
            "ok": self.ok,
            "complete": self.complete,
            "group": self.group,
            "inputs": [{"name": n, "type": t} for n, t in self.inputs],
            "output": self.output,
            "degree": self.degree,
            "generators": self.generators,
            "blocks_checked": self.blocks_checked,
            "problems": list(self.problems),
            "summary": self.summary(),
            **({"identical": list(self.identical)} if self.identical else {}),
        }


# --------------------------------------------------------------------------- group names


@dataclass(frozen=True)
class Group:
    """A parsed group name: dimension, signature and whether it contains reflections."""

    name: str
    d: int
    lorentzian: bool
    reflections: bool
    translations: bool

    @property
    def metric(self) -> tuple[int, ...]:
        """Diagonal of the metric: all 1, or (1, -1, ..., -1) for Lorentzian groups."""
        if self.lorentzian:
            return (1,) + (-1,) * (self.d - 1)
        return (1,) * self.d


_EUCLIDEAN = {"O": (True, False), "SO": (False, False), "E": (True, True), "SE": (False, True)}
_LORENTZIAN = {"O": (True, False), "SO": (False, False), "SO+": (False, False)}
_LORENTZIAN["Poincare"] = (True, True)


def _bounded_d(name: str, d: int) -> int:
    if d > MAX_D:
        raise CertificateError(f"group {name}: d = {d} exceeds the checker's limit of {MAX_D}")
    return d


def parse_group(name: str) -> Group:
    """Parse a canonical group name such as ``"SO+(1,3)"``; raise CertificateError if unknown.

    Groups with ``d > MAX_D`` are refused (the checker's character formula would not finish).
    """
    m = re.fullmatch(r"(O|SO|E|SE)\((\d{1,9})\)", name)
    if m and int(m[2]) >= 1:
        reflections, translations = _EUCLIDEAN[m[1]]
        return Group(name, _bounded_d(name, int(m[2])), False, reflections, translations)
    m = re.fullmatch(r"(O|SO|SO\+|Poincare)\(1, ?(\d{1,9})\)", name)
    if m:
        reflections, translations = _LORENTZIAN[m[1]]
        return Group(name, _bounded_d(name, 1 + int(m[2])), True, reflections, translations)
    raise CertificateError(f"unknown group name {_show(name)}; accepted forms: {GROUP_FORMS}")


# --------------------------------------------------------------------------- loading / structure


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_int_list(x: Any) -> bool:
    return isinstance(x, list) and all(_is_int(v) for v in x)


_TYPE_TESTS = {
    "an int": _is_int,
    "a string": lambda x: isinstance(x, str),
    "a boolean": lambda x: isinstance(x, bool),
    "a list": lambda x: isinstance(x, list),
    "a list of ints": _is_int_list,
    "a list of lists of ints": lambda x: isinstance(x, list) and all(map(_is_int_list, x)),
    "null or an int": lambda x: x is None or _is_int(x),
    "null or a list of two ints": lambda x: x is None or (_is_int_list(x) and len(x) == 2),
}
_TOP_SCHEMA = {
    "format": "a string",
    "version": "an int",
    "group": "a string",
    "d": "an int",
    "metric": "a list of ints",
    "inputs": "a list",
    "output": "a string",
    "degree": "an int",
    "variables": "a list",
    "antisymmetric": "null or a list of two ints",
    "symmetries": "a list of lists of ints",
    "prime": "an int",
    "points": "a list of lists of ints",
    "generators": "a list",
    "blocks": "a list",
    "complete": "a boolean",
}
_INPUT_SCHEMA = {"name": "a string", "type": "a string"}
_VARIABLE_SCHEMA = {"name": "a string", "type": "a string", "role": "a string"}
_VARIABLE_SCHEMA["degree"] = "null or an int"
_GENERATOR_SCHEMA = {"name": "a string", "kind": "a string", "args": "a list of ints"}
_CONTRACTION_SCHEMA = {"edges": "a list of lists of ints", "epsilon": "a boolean"}
_BLOCK_SCHEMA = {
    "multidegree": "a list of ints",
    "dimension": "an int",
    "candidates": "an int",
    "span": "an int",
    "relations": "an int",
    "basis": "a list of lists of ints",
    "rows": "a list of ints",
    "det": "an int",
}


def _read(path: str | os.PathLike, max_bytes: int) -> str:
    """The text of a file of at most ``max_bytes`` bytes (endless devices are cut off)."""
    shown = repr(os.fspath(path))
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raw = None
            else:  # a pipe or device may not know its size: read one byte more than allowed
                raw = fh.read(max_bytes + 1)
        if raw is None or len(raw) > max_bytes:
            raise CertificateError(
                f"certificate file {shown} is larger than the limit of {max_bytes} bytes"
            )
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CertificateError(f"cannot read certificate file {shown}: {exc}") from None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:  # the parser stops at the interpreter's recursion limit
        message = "invalid JSON: nested too deeply for the parser (a certificate nests 5 levels)"
        raise CertificateError(message) from None
    except json.JSONDecodeError as exc:
        raise CertificateError(f"invalid JSON: {exc}") from None
    except ValueError:  # Python refuses to convert integers of more than 4300 digits
        raise CertificateError("invalid JSON: an integer with too many digits") from None


def load_certificate(cert: dict | str | os.PathLike, max_bytes: int = MAX_BYTES) -> dict:
    """Return the certificate as a dict: ``cert`` itself, parsed JSON text, or a file's JSON.

    Files (and JSON text) longer than ``max_bytes`` are refused before they are parsed.
    """
    if isinstance(cert, dict):
        return cert
    if isinstance(cert, str) and cert.lstrip()[:1] in ("{", "["):
        if len(cert) > max_bytes:
            raise CertificateError(f"JSON text longer than the limit of {max_bytes} bytes")
        text = cert
    elif isinstance(cert, (str, os.PathLike)):
        text = _read(cert, max_bytes)
    else:
        raise CertificateError(f"expected a dict, JSON text or a path, not {type(cert).__name__}")
    data = _parse_json(text)
    if not isinstance(data, dict):
        raise CertificateError("invalid certificate: the top level must be a JSON object")
    return data


def _require(obj: Any, schema: dict[str, str], where: str) -> None:
    """Raise CertificateError unless ``obj`` is a dict with the keys and value types of schema."""
    if not isinstance(obj, dict):
        raise CertificateError(f"wrong type of key '{where.rstrip('.')}': expected an object")
    for key, expected in schema.items():
        if key not in obj:
            raise CertificateError(f"missing key '{where}{key}'")
        if not _TYPE_TESTS[expected](obj[key]):
            raise CertificateError(f"wrong type of key '{where}{key}': expected {expected}")


def _require_choice(value: str, allowed: Sequence[str] | frozenset, where: str) -> None:
    if value not in allowed:
        choices = ", ".join(sorted(allowed))
        raise CertificateError(
            f"invalid value {_show(value)} of key '{where}'; expected one of {choices}"
        )


def validate_structure(data: dict) -> Group:
    """Check the shape and value types of a certificate; return its parsed group."""
    _require(data, _TOP_SCHEMA, "")
    if data["format"] != FORMAT:
        raise CertificateError(f"invalid value of key 'format': expected {FORMAT!r}")
    if data["version"] not in VERSIONS:
        version = _show(data["version"])
        raise CertificateError(f"unsupported version {version} (this checker reads 1, 2 and 3)")
    if "identical" in data and data["version"] < 3:
        raise CertificateError("key 'identical' needs version 3")
    tensors = data["version"] >= 2  # version 2: tensor types and contraction generators
    if not (tensors and _tensor_type(data["output"])):
        _require_choice(data["output"], tuple(DUMMIES), "output")
    for i, item in enumerate(data["inputs"]):
        _require(item, _INPUT_SCHEMA, f"inputs[{i}].")
        if not (tensors and _tensor_type(item["type"])):
            _require_choice(item["type"], INPUT_TYPES, f"inputs[{i}].type")
    for i, var in enumerate(data["variables"]):
        _require(var, _VARIABLE_SCHEMA, f"variables[{i}].")
        if not (tensors and _tensor_type(var["type"])):
            _require_choice(var["type"], VARIABLE_TYPES, f"variables[{i}].type")
        _require_choice(var["role"], ROLES, f"variables[{i}].role")
    for i, gen in enumerate(data["generators"]):
        _require(gen, _GENERATOR_SCHEMA, f"generators[{i}].")
        if tensors and gen["kind"] == "contraction":
            _require(gen, _CONTRACTION_SCHEMA, f"generators[{i}].")
            continue
        _require_choice(gen["kind"], GENERATOR_KINDS, f"generators[{i}].kind")
    for i, block in enumerate(data["blocks"]):
        _require(block, _BLOCK_SCHEMA, f"blocks[{i}].")
    if data["degree"] < 0:
        raise CertificateError(f"invalid value {_show(data['degree'])} of key 'degree': negative")
    return parse_group(data["group"])


def check_limits(data: dict) -> None:
    """Refuse (CertificateError) claims beyond the checker's limits, before any work."""
    nvars, p = len(data["variables"]), data["prime"]
    if data["degree"] > MAX_DEGREE:
        raise CertificateError(
            f"the claimed degree {_show(data['degree'])} exceeds the checker's limit of "
            f"{MAX_DEGREE}"
        )
    if nvars > MAX_VARIABLES:
        raise CertificateError(f"{nvars} variables exceed the checker's limit of {MAX_VARIABLES}")
    if p >= MAX_PRIME:
        raise CertificateError(
            f"prime {_show(p)} exceeds the checker's limit of 2**64 (the range where its "
            "primality test is a proof)"
        )


# --------------------------------------------------------------------------- header checks


def _dummy_indices(variables: list[dict]) -> list[int]:
    return [i for i, v in enumerate(variables) if v["role"] == "dummy"]


def _expected_input_types(inputs: list[dict], group: Group) -> Counter:
    """Types of the input variables implied by the inputs (positions: difference vectors)."""
    types = Counter(item["type"] for item in inputs if item["type"] != "position")
    positions = sum(item["type"] == "position" for item in inputs)
    types["vector"] += max(positions - 1, 0) if group.translations else positions
    return +types


def _variable_problems(data: dict, group: Group) -> list[str]:
    """Check the variables against the inputs and the dummies of the output."""
    variables, problems = data["variables"], []
    inputs = [v for v in variables if v["role"] == "input"]
    if Counter(v["type"] for v in inputs) != _expected_input_types(data["inputs"], group):
        problems.append("the input variables do not match the types of the inputs")
    names = {(v["name"], v["type"]) for v in inputs}
    for item in data["inputs"]:
        if item["type"] != "position" and (item["name"], item["type"]) not in names:
            problems.append(f"input {_show(item['name'])} has no variable of type {item['type']}")
    problems += [
        f"input variable {_show(v['name'])} has a degree" for v in inputs if v["degree"] is not None
    ]
    dummies = tuple(
        (variables[i]["type"], variables[i]["degree"]) for i in _dummy_indices(variables)
    )
    if dummies != DUMMIES.get(data["output"]) and dummies != _tensor_dummies(data):
        problems.append(
            f"dummy variables {_show(list(dummies))} do not encode output {data['output']!r}"
        )
    return problems


def _antisymmetric_problem(data: dict) -> str | None:
    """``antisymmetric`` lists the two dummies for skew output and is null otherwise."""
    dummies = _dummy_indices(data["variables"])
    expected = dummies if data["output"] == "skew" and len(dummies) == 2 else None
    kinds = tuple((data["variables"][i]["type"], data["variables"][i]["degree"]) for i in dummies)
    expected = None if kinds == _tensor_dummies(data) else expected
    got = data["antisymmetric"]
    if (sorted(got) if got is not None else None) != expected:
        return f"antisymmetric is {_show(got)}, expected {expected}"
    return None


def _symmetry_problems(data: dict) -> list[str]:
    """Each symmetry class lists distinct input variables of one type (indices in range)."""
    variables, problems, seen = data["variables"], [], set()
    for cls in data["symmetries"]:
        shown = _show(cls)
        if seen & set(cls) or len(set(cls)) != len(cls):
            problems.append(f"symmetry class {shown}: a variable occurs in more than one place")
        seen |= set(cls)
        if any(variables[i]["role"] != "input" for i in cls):
            problems.append(f"symmetry class {shown}: contains a dummy variable")
        if len({variables[i]["type"] for i in cls}) > 1:
            problems.append(f"symmetry class {shown}: variables of different types")
    return problems


def is_prime(n: int) -> bool:
    """Miller-Rabin with the first 12 prime bases: deterministic for n < 3.18e23.

    (318665857834031151167461 is the least composite that passes; certificates are limited to
    primes below ``MAX_PRIME = 2**64``.)
    """
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    if n < 2:
        return False
    for q in bases:
        if n % q == 0:
            return n == q
    odd, s = n - 1, 0
    while odd % 2 == 0:
        odd, s = odd // 2, s + 1
    for a in bases:
        x = pow(a, odd, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _coordinate_offsets(variables: list[dict], d: int) -> list[int]:
    """Offset of each variable's first coordinate in a point (vector-like: d, scalar-like: 1)."""
    sizes = [_size(v["type"], d) for v in variables]
    return [0, *itertools.accumulate(sizes)]


def _point_shape_problems(data: dict, d: int) -> list[str]:
    """Each point has one coordinate per scalar-like and d per vector-like variable."""
    width = _coordinate_offsets(data["variables"], d)[-1]
    return [
        f"point {i}: {len(point)} coordinates, expected {width}"
        for i, point in enumerate(data["points"])
        if len(point) != width
    ]


def _point_range_problems(data: dict) -> list[str]:
    """Every coordinate is a residue in [0, p)."""
    p = data["prime"]
    return [
        f"point {i}: coordinate outside [0, p)"
        for i, point in enumerate(data["points"])
        if not all(0 <= c < p for c in point)
    ]


# --------------------------------------------------------------------------- generators


@dataclass(frozen=True)
class Generator:
    """A well-formed generator: its multidegree, parity and canonical form (sorted atoms)."""

    degree: tuple[int, ...]
    parity: int
    atoms: tuple[tuple, ...]


def _generator_error(gen: dict, index: int, variables: list[dict], d: int) -> str | None:
    """Why ``gen`` is not well formed (None if it is); products refer to earlier generators."""
    kind, args, n = gen["kind"], gen["args"], len(variables)
    if kind == "contraction":
        return _contraction_error(gen, variables, d)
    arity = {"scalar": 1, "dot": 2, "bracket": d, "product": 2}[kind]
    if len(args) != arity:
        return f"{kind} takes {arity} arguments, got {len(args)}"
    if kind == "product":
        return None if all(0 <= a < index for a in args) else "product of non-earlier generators"
    if not all(0 <= a < n for a in args):
        return "variable index out of range"
    wanted = SCALAR_LIKE if kind == "scalar" else VECTOR_LIKE
    if any(variables[a]["type"] not in wanted for a in args):
        return f"{kind} of a variable of the wrong type"
    if kind == "dot" and args[0] > args[1]:
        return "dot arguments not in order a <= b"
    if kind == "bracket" and any(a >= b for a, b in itertools.pairwise(args)):
        return "bracket arguments not distinct and increasing"
    return None


def _atom(kind: str, args: list[int]) -> tuple:
    return (kind, tuple(args))


def _build_generator(gen: dict, earlier: list[Generator], variables: list[dict]) -> Generator:
    """Multidegree, parity and canonical form of a well-formed generator."""
    kind, args = gen["kind"], gen["args"]
    if kind == "product":
        g, h = earlier[args[0]], earlier[args[1]]
        degree = tuple(a + b for a, b in zip(g.degree, h.degree))
        return Generator(degree, (g.parity + h.parity) % 2, tuple(sorted(g.atoms + h.atoms)))
    counts = [0] * len(variables)
    for a in args:
        counts[a] += 1
    degree = tuple(counts)
    if kind == "contraction":
        parity = sum(variables[a]["type"].startswith("pseudo") for a in args) + gen["epsilon"]
        atom = (kind, tuple(args), tuple(map(tuple, gen["edges"])), gen["epsilon"])
        return Generator(degree, parity % 2, (atom,))
    parity = sum(variables[a]["type"].startswith("pseudo") for a in args) + (kind == "bracket")
    return Generator(degree, parity % 2, (_atom(kind, args),))


def analyse_generators(data: dict, group: Group) -> tuple[list[Generator] | None, list[str]]:
    """Check point 2; return the analysed generators (None if any is malformed) and problems."""
    variables, problems, gens = data["variables"], [], []
    for i, gen in enumerate(data["generators"]):
        error = _generator_error(gen, i, variables, group.d)
        if error is None and gen["kind"] == "product" and None in (gens[a] for a in gen["args"]):
            error = "product of a malformed generator"
        if error is not None:
            problems.append(f"generator {i} {_show(gen['name'])}: {error}")
            gens.append(None)
            continue
        gens.append(_build_generator(gen, gens, variables))
        if sum(gens[-1].degree) > MAX_DEGREE:  # products of products double the degree
            raise CertificateError(
                f"generator {i} {_show(gen['name'])} has total degree {sum(gens[-1].degree)}, "
                f"more than the checker's limit of {MAX_DEGREE}"
            )
    factors = {a for gen in data["generators"] if gen["kind"] == "product" for a in gen["args"]}
    for i, g in enumerate(gens):
        if g is not None and group.reflections and g.parity and i not in factors:
            problems.append(
                f"generator {i} {_show(data['generators'][i]['name'])}: parity 1 under "
                f"{group.name} and not a factor of a product: not an invariant"
            )
    seen: dict[tuple, int] = {}
    for i, g in enumerate(gens):
        if g is not None and seen.setdefault(g.atoms, i) != i:
            problems.append(f"generators {seen[g.atoms]} and {i} are the same polynomial")
    return (None if None in gens else gens), problems


def _permuted_atom(atom: tuple, perm: dict[int, int]) -> tuple[tuple, int]:
    """Image of an atom under a permutation of variables, with the sign it picks up."""
    kind, args = atom[:2]
    image = [perm.get(a, a) for a in args]
    if kind == "contraction":  # the same graph on the permuted variables, listed as such
        return (kind, tuple(image)) + atom[2:], 1
    if kind == "dot":
        return (kind, tuple(sorted(image))), 1
    inversions = sum(a > b for a, b in itertools.combinations(image, 2))
    return (kind, tuple(sorted(image))), (-1) ** inversions


def generator_permutation(
    gens: list[Generator], perm: dict[int, int]
) -> list[tuple[int | None, int]]:
    """For each generator, (index of its image under ``perm`` or None, sign of the image)."""
    index = {g.atoms: i for i, g in enumerate(gens)}
    return [_image(g, perm, index) for g in gens]


def _image(g: Generator, perm: dict[int, int], index: dict[tuple, int]) -> tuple[int | None, int]:
    images = [_permuted_atom(atom, perm) for atom in g.atoms]
    sign = math.prod(s for _, s in images)
    return index.get(tuple(sorted(a for a, _ in images))), sign


def closure_problems(data: dict, gens: list[Generator]) -> list[str]:
    """Point 3: the generators are closed under every permutation inside a symmetry class.

    It suffices to check the transpositions of neighbours in the class, ``(c_0 c_1)``,
    ``(c_1 c_2)``, ...: they generate its symmetric group, and a permutation of the variables
    that maps the finite set of generators (as polynomials up to sign) into itself maps it onto
    itself, so a product of such permutations does too.  A transposition ``(a b)`` fixes every
    generator that involves neither ``a`` nor ``b``, so only the others are looked at.
    """
    names, problems = [_label(v["name"]) for v in data["variables"]], []
    index = {g.atoms: i for i, g in enumerate(gens)}
    involving: dict[int, set[int]] = {}
    for i, g in enumerate(gens):
        for atom in g.atoms:
            for a in atom[1]:
                involving.setdefault(a, set()).add(i)
    for cls in data["symmetries"]:
        for a, b in itertools.pairwise(cls):
            perm = {a: b, b: a}
            for i in sorted(involving.get(a, set()) | involving.get(b, set())):
                if _image(gens[i], perm, index)[0] is None:
                    gen_name = _show(data["generators"][i]["name"])
                    problems.append(
                        f"generator {i} {gen_name}: its image under swapping "
                        f"{names[a]} and {names[b]} is not a generator"
                    )
    return problems


# --------------------------------------------------------------------------- blocks and counts


def _compositions(n: int, total: int) -> Iterator[tuple[int, ...]]:
    """All n-tuples of non-negative ints with sum <= total, in ascending lex order.

    The successor of a tuple: add 1 to the last entry if the sum allows it; otherwise move the
    last non-zero entry's place one to the left (zero it, add 1 before it).
    """
    if n == 0:
        yield ()
        return
    current, used = [0] * n, 0
    while True:
        yield tuple(current)
        if used < total:
            current[-1] += 1
            used += 1
            continue
        last = n - 1
        while last > 0 and not current[last]:
            last -= 1
        if last == 0:
            return
        used -= current[last] - 1
        current[last] = 0
        current[last - 1] += 1


def _input_indices(data: dict) -> list[int]:
    return [i for i, v in enumerate(data["variables"]) if v["role"] == "input"]


def canonical_multidegrees(data: dict) -> list[tuple[int, ...]]:
    """Point 4: the multidegrees that must have a block, in enumeration order."""
    variables = data["variables"]
    inputs = _input_indices(data)
    result = []
    for part in _compositions(len(inputs), data["degree"]):
        beta = [v["degree"] or 0 for v in variables]
        for i, e in zip(inputs, part):
            beta[i] = e
        if all(
            beta[a] >= beta[b] for cls in data["symmetries"] for a, b in itertools.pairwise(cls)
        ):
            result.append(tuple(beta))
    return result


def is_canonical(data: dict, beta: tuple) -> bool:
    """Whether ``beta`` is one of :func:`canonical_multidegrees` (without listing them)."""
    variables = data["variables"]
    if len(beta) != len(variables):
        return False
    for v, b in zip(variables, beta):
        if (v["role"] == "dummy" and b != v["degree"]) or b < 0:
            return False
    if sum(beta[i] for i in _input_indices(data)) > data["degree"]:
        return False
    return all(beta[a] >= beta[b] for cls in data["symmetries"] for a, b in itertools.pairwise(cls))


def count_canonical(data: dict) -> int:
    """Number of canonical multidegrees, by their generating function.

    A class of ``s`` interchangeable inputs contributes the non-increasing ``s``-tuples, counted
    by prod_{j <= s} 1/(1 - t^j) (partitions into at most s parts); each other input 1/(1 - t);
    one more 1/(1 - t) turns "total degree == k" into "<= k".  Classes are disjoint sets of inputs
    (checked before).
    """
    degree, inputs = data["degree"], len(_input_indices(data))
    parts = [1] * (inputs - sum(len(cls) for cls in data["symmetries"]) + 1)
    for cls in data["symmetries"]:
        parts += range(1, min(len(cls), degree) + 1)
    coefficients = [1] + [0] * degree
    for j in parts:
        for k in range(j, degree + 1):
            coefficients[k] += coefficients[k - j]
    return coefficients[degree]


def too_few_blocks(data: dict) -> str | None:
    """A degree no block list of this length can cover (found before any other work).

    With an input variable ``x`` that comes first in its symmetry class (or has none), the
    multidegrees ``t * x`` for ``t = 0..degree`` are all canonical: ``degree + 1`` blocks at least.
    """
    if not _input_indices(data) or len(data["blocks"]) > data["degree"]:
        return None
    degree = data["degree"]
    return (
        f"the claimed degree {_show(degree)} needs at least {_show(degree + 1)} blocks (one per "
        f"total degree 0..{_show(degree)}), but the certificate lists {len(data['blocks'])}"
    )


def block_set_problems(data: dict) -> tuple[list[str], set[tuple[int, ...]]]:
    """Missing, unexpected and duplicate blocks; returns them and the canonical blocks listed.

    The listed blocks are the canonical multidegrees iff every one is canonical, none is listed
    twice, and there are as many as :func:`count_canonical` says.
    """
    recorded = Counter(tuple(b["multidegree"]) for b in data["blocks"])
    canonical = {beta for beta in recorded if is_canonical(data, beta)}
    problems = []
    expected = count_canonical(data)
    if len(canonical) < expected:
        tuples = math.comb(data["degree"] + len(_input_indices(data)), data["degree"])
        if tuples <= _ENUMERATION_LIMIT:
            problems += [
                f"missing block {list(beta)}"
                for beta in canonical_multidegrees(data)
                if beta not in recorded
            ]
        else:
            problems.append(
                f"missing blocks: {expected} canonical multidegrees, {len(canonical)} listed"
            )
    for beta, count in recorded.items():
        if beta not in canonical:
            problems.append(f"unexpected block {_show(list(beta))}: not a canonical multidegree")
        elif count > 1:
            problems.append(f"duplicate block {list(beta)} ({count} entries)")
    return problems, canonical


def count_by_sign(items: Sequence[tuple[Sequence[int], int]], beta: Sequence[int]) -> list[int]:
    """Number of multisets of ``items`` of total degree ``beta``, by the product of their signs.

    Each item is ``(degree vector, sign bit)``; an item may be used any number of times.
    Returns ``[count with sign +1, count with sign -1]`` (exact integers).
    """
    # An item of non-zero degree outside the support of beta never fits: drop those coordinates
    # (so the array has one axis per variable of beta, not one per variable).
    support = [k for k, b in enumerate(beta) if b]
    fitting = [
        ([deg[k] for k in support], bit)
        for deg, bit in items
        if any(deg) and all(x <= b for x, b in zip(deg, beta))
    ]
    beta = [beta[k] for k in support]
    counts = np.zeros(tuple(b + 1 for b in beta) + (2,), dtype=object)
    counts[(0,) * len(beta) + (0,)] = 1
    for deg, bit in fitting:
        new, t = counts.copy(), 1
        while all(t * x <= b for x, b in zip(deg, beta)):
            src = tuple(slice(0, b + 1 - t * x) for x, b in zip(deg, beta))
            dst = tuple(slice(t * x, b + 1) for x, b in zip(deg, beta))
            new[dst] += counts[src][..., [1, 0]] if bit and t % 2 else counts[src]
            t += 1
        counts = new
    return [int(c) for c in counts[tuple(beta)]]


def usable_generators(gens: list[Generator], group: Group) -> list[int]:
    """Indices of the generators candidates are built from: for groups with reflections only
    those of parity 0 (odd ones may only occur as factors of product generators)."""
    return [i for i, g in enumerate(gens) if not (group.reflections and g.parity)]


def count_candidates(
    gens: list[Generator],
    beta: Sequence[int],
    usable: Sequence[int],
    swap: list[tuple[int | None, int]] | None = None,
) -> int:
    """Point 7: number of candidates of multidegree ``beta``: monomials in ``gens[usable]``.

    With ``swap`` (the action of exchanging the two dummies on the generators) count the classes
    ``{m, swap(m)}`` with ``m - swap(m) != 0``.
    """
    n_total = sum(count_by_sign([(gens[i].degree, 0) for i in usable], beta))
    if swap is None:
        return n_total
    orbits = []  # monomials fixed by the swap: equal exponents on each orbit of generators
    for i in usable:
        j, sign = swap[i]
        if j == i:
            orbits.append((gens[i].degree, int(sign < 0)))
        elif j > i:
            orbits.append((tuple(a + b for a, b in zip(gens[i].degree, gens[j].degree)), 0))
    plus, minus = count_by_sign(orbits, beta)
    return (n_total - plus - minus) // 2 + minus


# --------------------------------------------------------------------------- tensors (version 2)

#: Rank-2 tensor types by name: (formula, traceless).
_NAMED_TENSORS = {"sym": ("ij=ji", False), "skew": ("ij=-ji", False), "dev": ("ij=ji", True)}
_NAMED_TENSORS["matrix"] = ("ij", False)
MAX_CONTRACTION_CELLS = 10**6  # entries d**(open slots) of a partial contraction, per point


@dataclass(frozen=True)
class TensorSpace:
    """A tensor type as this checker reads it: every element ``(perm, sign)`` of the signed
    permutation group of its index symmetry (``T[i_perm[0], …] = sign·T[i_0, …]``), whether it
    is traceless (rank 2 only: ``η_{μν} T^{μν} = 0``) and whether it is pseudo."""

    rank: int
    elements: tuple[tuple[tuple[int, ...], int], ...]
    traceless: bool
    pseudo: bool


def _parse_formula(formula: str) -> tuple[int, tuple] | None:
    """Rank and group elements of ``"ijk=jik=-kji"``; None if malformed or forcing zero."""
    words = formula.split("=")
    first = words[0]
    if not re.fullmatch(r"[a-z]{1,6}", first) or len(set(first)) != len(first):
        return None
    gens = []
    for word in words[1:]:
        sign = -1 if word.startswith("-") else 1
        word = word.removeprefix("-")
        if sorted(word) != sorted(first):
            return None
        gens.append((tuple(first.index(c) for c in word), sign))
    rank = len(first)
    group = {tuple(range(rank)): 1}
    frontier = list(group)
    while frontier:  # the closure: images of new elements under every generator
        new = []
        for perm in frontier:
            for gen, sign in gens:
                image = tuple(perm[gen[a]] for a in range(rank))
                s = group[perm] * sign
                if image in group:
                    if group[image] != s:
                        return None  # an element equal to both +1 and -1: T = 0
                    continue
                group[image] = s
                new.append(image)
        frontier = new
    return rank, tuple(group.items())


@lru_cache(maxsize=256)
def _tensor_type(vtype: str) -> TensorSpace | None:
    """The tensor space of a type name (``sym``, ``skew``, ``dev``, ``matrix``,
    ``tensor(FORMULA)``, each optionally ``pseudo…``), or None if it is not one."""
    if not isinstance(vtype, str) or len(vtype) > 200:
        return None
    pseudo = vtype.startswith("pseudo")
    base = vtype.removeprefix("pseudo")
    formula, traceless = _NAMED_TENSORS.get(base, (None, False))
    m = re.fullmatch(r"tensor\(([a-z=-]{1,120})\)", base)
    formula = m[1] if m else formula
    parsed = _parse_formula(formula) if formula else None
    if parsed is None:
        return None
    return TensorSpace(parsed[0], parsed[1], traceless, pseudo)


@lru_cache(maxsize=256)
def tensor_components(vtype: str, d: int) -> tuple[tuple[int, ...], ...]:
    """The index tuples of a tensor variable's coordinates: the least tuple of each orbit of the
    index symmetry that does not vanish (a tuple fixed by an element of sign -1), in
    lexicographic order; a traceless type leaves out ``(d-1, d-1)``."""
    out = list(_orbit_tuples(vtype, d))
    if _tensor_type(vtype).traceless:
        out.remove((d - 1, d - 1))
    return tuple(out)


@lru_cache(maxsize=256)
def _orbit_tuples(vtype: str, d: int) -> tuple[tuple[int, ...], ...]:
    """The least tuple of each orbit that does not vanish, in lexicographic order."""
    space = _tensor_type(vtype)
    out, seen = [], set()
    for idx in itertools.product(range(d), repeat=space.rank):
        if idx in seen:
            continue
        signs: dict[tuple[int, ...], int] = {}
        for perm, sign in space.elements:
            image = tuple(idx[perm[a]] for a in range(space.rank))
            if signs.setdefault(image, sign) != sign:
                signs[idx] = 0  # vanishes
        seen.update(signs)
        if signs[idx] != 0:
            out.append(idx)
    return tuple(out)


def _size(vtype: str, d: int) -> int:
    """Number of coordinates of a variable: 1 (scalar-like), d (vector-like) or its components."""
    if vtype in SCALAR_LIKE:
        return 1
    if vtype in VECTOR_LIKE:
        return d
    return len(tensor_components(vtype, d))


def _tensor_dummies(data: dict) -> tuple[tuple[str, int], ...] | None:
    """Version 2: an output of tensor type is one dummy of that type, of degree 1."""
    if data["version"] < 2 or not _tensor_type(data["output"]):
        return None
    return ((data["output"], 1),)


def tensor_eigenvalues(kind: str, vtype: str, d: int) -> list[tuple[int, tuple[int, ...]]]:
    """Eigenvalues of a tensor type on a component (see :func:`eigenvalues`): in the eigenbasis
    of the vector representation the element acts on ``e_{i_1} ⊗ ⋯ ⊗ e_{i_r}`` by the product
    of the vector eigenvalues and commutes with the symmetrizer of the index symmetry, so its
    eigenvalues on the tensor space are those products over the orbits that do not vanish
    (times ``det`` for pseudo types); a traceless type loses the eigenvalue of the trace, 1 (or
    ``det``).  The orbits of index tuples do not depend on the basis."""
    space = _tensor_type(vtype)
    vector = eigenvalues(kind, "vector", d)
    flip = -1 if space.pseudo and kind != "torus" else 1
    r = _rank(kind, d)
    out = []
    for idx in _orbit_tuples(vtype, d):
        sign, weight = flip, [0] * r
        for i in idx:
            sign *= vector[i][0]
            weight = [a + b for a, b in zip(weight, vector[i][1])]
        out.append((sign, tuple(weight)))
    if space.traceless:
        out.remove((flip, (0,) * r))
    return out


def full_tensor(vtype: str, comps: np.ndarray, metric: Sequence[int], p: int) -> np.ndarray:
    """The full array ``(points, d, …, d)`` of a variable from its coordinates ``(points, m)``:
    vectors as they are, tensors by ``T[i∘perm] = sign·c_i`` on each orbit (0 on the others) and,
    if traceless, ``T^{d-1,d-1} = -η_{d-1} Σ_{μ<d-1} η_μ T^{μμ}``."""
    d, n = len(metric), comps.shape[0]
    if vtype in SCALAR_LIKE:
        return comps[:, 0]
    if vtype in VECTOR_LIKE:
        return comps
    space = _tensor_type(vtype)
    out = np.zeros((n,) + (d,) * space.rank, dtype=comps.dtype)
    for k, idx in enumerate(tensor_components(vtype, d)):
        for perm, sign in space.elements:
            image = tuple(idx[perm[a]] for a in range(space.rank))
            out[(slice(None),) + image] = comps[:, k] if sign > 0 else (p - comps[:, k]) % p
    if space.traceless:
        rest = sum(int(metric[i]) % p * out[:, i, i] % p for i in range(d - 1)) % p
        out[:, d - 1, d - 1] = (p - rest) % p if metric[d - 1] > 0 else rest
    return out


def _slots(rank_of: Sequence[int], gen: dict, d: int) -> int:
    return sum(rank_of) + (d if gen["epsilon"] else 0)


def _contraction_error(gen: dict, variables: list[dict], d: int) -> str | None:
    """Why a contraction generator is not a complete contraction (None if it is): every slot of
    every factor (and of ε) in exactly one edge, no edge inside ε, and a bounded evaluation."""
    args, n = gen["args"], len(variables)
    if not args or not all(0 <= a < n for a in args):
        return "contraction of no factors or of a variable index out of range"
    ranks = [_variable_rank(variables[a]["type"]) for a in args]
    total = _slots(ranks, gen, d)
    edges = gen["edges"]
    ends = [s for e in edges for s in e]
    if any(len(e) != 2 for e in edges) or sorted(ends) != list(range(total)):
        return f"edges must pair the {total} slots, each slot in exactly one edge"
    first_eps = sum(ranks)
    if gen["epsilon"] and any(min(e) >= first_eps for e in edges):
        return "an edge joins two slots of ε (that contraction is zero)"
    if d ** _max_open(ranks, edges, first_eps) > MAX_CONTRACTION_CELLS:
        raise CertificateError(
            f"contraction {_show(gen['name'])}: more than the checker's limit of "
            f"{MAX_CONTRACTION_CELLS} entries in a partial contraction (list its factors along "
            "its edges)"
        )
    return None


def _variable_rank(vtype: str) -> int:
    if vtype in SCALAR_LIKE:
        return 0
    if vtype in VECTOR_LIKE:
        return 1
    return _tensor_type(vtype).rank


def _max_open(ranks: Sequence[int], edges: list[list[int]], first_eps: int) -> int:
    """Most open slots while the factors are multiplied in, in order (edges close when both of
    their slots are open; ε comes last and closes everything)."""
    partner = {a: b for a, b in edges} | {b: a for a, b in edges}
    open_slots: set[int] = set()
    start, most = 0, 0
    for r in ranks:
        open_slots |= set(range(start, start + r))
        start += r
        most = max(most, len(open_slots))
        open_slots = {s for s in open_slots if partner[s] not in open_slots}
    return most


def contraction_value(gen: dict, factors: list[np.ndarray], group: Group, p: int) -> np.ndarray:
    """Value mod p at every point of a complete contraction: factors (full arrays, ``(points,
    d, …)``) multiplied in order; two open slots joined by an edge are contracted with the metric
    (``Σ_μ η_μμ T^{…μ…μ…}``) as soon as both are open, reducing mod p after every step; a final
    ε (``ε_{01…} = 1``) contracts the remaining slots by ``Σ_σ sign(σ) T^{σ(0) σ(1) …}``."""
    d, n = group.d, factors[0].shape[0]
    metric = np.array([m % p for m in group.metric], dtype=factors[0].dtype)
    edges = gen["edges"]
    partner = {a: b for a, b in edges} | {b: a for a, b in edges}
    value = np.ones((n,), dtype=factors[0].dtype)
    axes: list[int] = []  # the slot of each axis of value after the first
    start = 0
    for x in factors:
        r = x.ndim - 1
        value = (
            value.reshape(value.shape + (1,) * r)
            * x.reshape((n,) + (1,) * len(axes) + x.shape[1:])
            % p
        )
        axes += list(range(start, start + r))
        start += r
        for s in list(axes):
            if s in axes and partner[s] in axes:
                i, j = axes.index(s), axes.index(partner[s])
                diag = np.diagonal(value, axis1=1 + i, axis2=1 + j)  # last axis: μ
                value = (diag * metric % p).sum(axis=-1) % p
                axes = [a for a in axes if a not in (s, partner[s])]
    if not gen["epsilon"]:
        return value.reshape(n)
    order = [axes.index(partner[start + k]) for k in range(d)]  # axis of each ε slot
    total = np.zeros(n, dtype=value.dtype)
    for sigma in itertools.permutations(range(d)):
        index = [0] * d
        for k in range(d):
            index[order[k]] = sigma[k]
        term = value[(slice(None),) + tuple(index)]
        inversions = sum(a > b for a, b in itertools.combinations(sigma, 2))
        total = (total + (p - term if inversions % 2 else term)) % p
    return total


# --------------------------------------------------------------------------- the character formula


def _rank(kind: str, d: int) -> int:
    """Rank of the torus used for a component: r = d // 2, or r - 1 for reflections R·t."""
    return d // 2 - (kind == "reflection")


def _unit(r: int, j: int, sign: int = 1) -> tuple[int, ...]:
    return tuple(sign if i == j else 0 for i in range(r))


def eigenvalues(kind: str, vtype: str, d: int) -> list[tuple[int, tuple[int, ...]]]:
    """Eigenvalues ``sign * z**exponent`` of a variable's representation on a component.

    ``kind`` is ``"torus"`` (identity component), ``"minus"`` (-I·t, odd d) or ``"reflection"``
    (R·t with R = diag(1, .., 1, -1), even d).  Pseudo types pick up det = -1 off the torus.
    """
    r = _rank(kind, d)
    flip = -1 if vtype.startswith("pseudo") and kind != "torus" else 1
    if _tensor_type(vtype):
        return tensor_eigenvalues(kind, vtype, d)
    if vtype in SCALAR_LIKE:
        return [(flip, (0,) * r)]
    sign = -1 if kind == "minus" else 1
    values = [(sign, _unit(r, j, s)) for j in range(r) for s in (1, -1)]
    zero = (0,) * r
    if kind == "reflection":
        values += [(1, zero), (-1, zero)]
    elif d % 2:
        values.append((sign, zero))
    return [(flip * s, e) for s, e in values]


def positive_roots(kind: str, d: int) -> list[tuple[int, ...]]:
    """Positive roots: D_r (torus, even d), B_r (odd d) or C_{r-1} (reflection component)."""
    r = _rank(kind, d)
    roots = [
        tuple(a - b for a, b in zip(_unit(r, i), _unit(r, j, s)))
        for i, j in itertools.combinations(range(r), 2)
        for s in (1, -1)
    ]
    if kind == "reflection":
        roots += [_unit(r, i, 2) for i in range(r)]
    elif d % 2:
        roots += [_unit(r, i) for i in range(r)]
    return roots


@lru_cache(maxsize=64)
def root_factor(kind: str, d: int) -> tuple[tuple[tuple[int, ...], int], ...]:
    """The expanded product over positive roots of (1 - z^alpha), as (exponent, coefficient)."""
    poly: dict[tuple[int, ...], int] = {(0,) * _rank(kind, d): 1}
    for alpha in positive_roots(kind, d):
        new = dict(poly)
        for e, c in poly.items():
            key = tuple(a + b for a, b in zip(e, alpha))
            new[key] = new.get(key, 0) - c
        poly = {e: c for e, c in new.items() if c}
    return tuple(poly.items())


# A Laurent polynomial in r variables is a pair of arrays (keys, coefficients), sorted by key,
# where exponent e is encoded as key(e) = sum(e_i * base**i) with base > 2 max|e_i|:
# the balanced base-``base`` expansion is unique, and key(e + f) = key(e) + key(f).


def _key(e: Sequence[int], base: int) -> int:
    return sum(x * base**i for i, x in enumerate(e))


def _key_dtype(base: int, r: int) -> type:
    """int64 while every key (|key| < base**r) fits, else exact Python ints."""
    return np.int64 if base**r < 2**62 else object


def _combine(keys: np.ndarray, coeffs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by key and add up the coefficients of equal keys, dropping zeros."""
    order = np.argsort(keys, kind="stable")
    keys, coeffs = keys[order], coeffs[order]
    if not keys.size:
        return keys, coeffs
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sums = np.add.reduceat(coeffs, starts)
    keep = sums != 0
    return keys[starts][keep], sums[keep]


def _multiply(a: tuple, b: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Product of two sparse Laurent polynomials."""
    keys = (a[0][:, None] + b[0][None, :]).ravel()
    return _combine(keys, (a[1][:, None] * b[1][None, :]).ravel())


@lru_cache(maxsize=1024)
def sym_character(kind: str, vtype: str, d: int, k: int, base: int, dtype: str) -> tuple:
    """h_k of the eigenvalues (the character of Sym^k): the sum over multisets of k of them."""
    values = eigenvalues(kind, vtype, d)
    keys, coeffs = [], []
    for multiset in itertools.combinations_with_replacement(values, k):
        keys.append(sum(_key(e, base) for _, e in multiset))
        coeffs.append(math.prod(s for s, _ in multiset))
    keys_array = np.array(keys, dtype=_key_dtype(base, _rank(kind, d)))
    return _combine(keys_array, np.array(coeffs, dtype=dtype))


def _component_integral(kind: str, d: int, factors: tuple[tuple[str, int], ...]) -> int:
    """Average over one component: constant term of chi * prod_{alpha > 0} (1 - z^alpha)."""
    roots = root_factor(kind, d)
    # keys must be unique for the exponents of chi and of the root factor alike (an eigenvalue
    # of a tensor of rank r has exponents up to r in absolute value)
    top = sum(k * max(1, _variable_rank(t)) for t, k in factors)
    base = 2 * max([top] + [abs(x) for e, _ in roots for x in e]) + 1
    bound = 1
    for vtype, k in factors:  # l1 norm bound of chi: the number of monomials
        n = _size(vtype, d)
        bound *= math.comb(k + n - 1, k)
    dtype = "int64" if bound < _INT64_COEFFICIENT_LIMIT else "object"
    chi = (np.zeros(1, dtype=_key_dtype(base, _rank(kind, d))), np.ones(1, dtype=dtype))
    for vtype, k in factors:
        chi = _multiply(chi, sym_character(kind, vtype, d, k, base, dtype))
    result = 0
    for e, c in roots:  # the coefficient of chi at -e
        i = int(np.searchsorted(chi[0], -_key(e, base)))
        if i < chi[0].size and chi[0][i] == -_key(e, base):
            result += c * int(chi[1][i])
    return result


def invariant_dimension(group: str | Group, factors: Sequence[tuple[str, int]]) -> int:
    """Dimension of the invariants in the tensor product of Sym^k(V_type) over ``factors``.

    ``factors`` lists ``(type, k)`` pairs; computed from the Weyl character formula of the
    complexified group (exact integers), averaging over both components for groups with
    reflections.

    >>> invariant_dimension("O(3)", [("vector", 1)] * 4)
    3
    >>> invariant_dimension("SO(3)", [("vector", 1)] * 3)
    1
    """
    g = parse_group(group) if isinstance(group, str) else group
    key = tuple(sorted((t, k) for t, k in factors if k))
    if g.reflections:
        return _dimension_o(g.d, key)
    return _component_integral("torus", g.d, key)


@lru_cache(maxsize=4096)
def _dimension_o(d: int, factors: tuple[tuple[str, int], ...]) -> int:
    identity = _component_integral("torus", d, factors)
    other = _component_integral("minus" if d % 2 else "reflection", d, factors)
    if (identity + other) % 2:
        raise ArithmeticError(f"internal error: odd sum {identity} + {other} for O({d})")
    return (identity + other) // 2


def block_dimension(data: dict, group: Group, beta: Sequence[int]) -> int:
    """Point 6: the dimension of the invariants of multidegree beta (skew: antisymmetric part)."""
    variables = data["variables"]
    factors = [(v["type"], b) for v, b in zip(variables, beta)]
    if data["antisymmetric"] is None:
        return invariant_dimension(group, factors)
    rest = [f for v, f in zip(variables, factors) if v["role"] == "input"]
    return invariant_dimension(group, factors) - invariant_dimension(group, rest + [("vector", 2)])


# --------------------------------------------------------------------------- arithmetic mod p


def _pow_mod(x: np.ndarray, e: int, p: int) -> np.ndarray:
    """Elementwise x**e mod p for residues x (int64 with p < 2**31, or object)."""
    result, base = np.ones_like(x), x % p
    while e:
        if e & 1:
            result = result * base % p
        base, e = base * base % p, e >> 1
    return result


def batched_det_mod(a: np.ndarray, p: int) -> np.ndarray:
    """Determinants mod p of a stack (n, d, d) of square matrices, by Gaussian elimination."""
    a = a.copy()
    n, d, _ = a.shape
    det, idx = np.ones(n, dtype=a.dtype), np.arange(n)
    for k in range(d):
        nonzero = a[:, k:, k] != 0
        has = nonzero.any(axis=1)
        piv = k + nonzero.argmax(axis=1)
        row = a[idx, k].copy()
        a[idx, k] = a[idx, piv]
        a[idx, piv] = row
        det = np.where(has, np.where(piv != k, (p - det) % p, det), 0)
        pivot = np.where(has, a[:, k, k], 1)
        det = det * pivot % p
        factor = a[:, k + 1 :, k] * _pow_mod(pivot, p - 2, p)[:, None] % p
        a[:, k + 1 :, k:] = (a[:, k + 1 :, k:] - factor[:, :, None] * a[:, None, k, k:] % p) % p
    return det


def _matmul_mod(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """(a @ b) mod p; for int64 residues (p < 2**31) via exact float64 products with b's halves."""
    if a.dtype == object:
        return (a @ b) % p
    af = a.astype(np.float64)
    # each sum has inner <= _PANEL = 32 terms below 2**31 * 2**16: integers below 2**52, exact
    high = (af @ (b >> 16).astype(np.float64)).astype(np.int64) % p
    low = (af @ (b & 0xFFFF).astype(np.float64)).astype(np.int64)
    return ((high << 16) + low) % p  # below 2**47 + 2**52


def det_mod(m: np.ndarray, p: int) -> int:
    """Determinant mod prime p of a square matrix of residues (blocked LU with row pivoting)."""
    m, n, det = m.copy(), m.shape[0], 1
    for k0 in range(0, n, _PANEL):
        k1 = min(k0 + _PANEL, n)
        for c in range(k0, k1):  # factor the panel m[k0:, k0:k1]; trailing columns wait
            nonzero = np.flatnonzero(m[c:, c])
            if not nonzero.size:
                return 0
            piv = c + int(nonzero[0])
            if piv != c:
                m[[c, piv], k0:] = m[[piv, c], k0:]
                det = -det
            pivot = int(m[c, c])
            det = det * pivot % p
            m[c + 1 :, c] = m[c + 1 :, c] * pow(pivot, -1, p) % p
            update = m[c + 1 :, c, None] * m[None, c, c + 1 : k1] % p
            m[c + 1 :, c + 1 : k1] = (m[c + 1 :, c + 1 : k1] - update) % p
        top = m[k0:k1, k1:]  # forward substitution: top = L11^-1 top
        for i in range(k1 - k0 - 1):
            top[i + 1 :] = (top[i + 1 :] - m[k0 + i + 1 : k1, k0 + i, None] * top[i] % p) % p
        m[k1:, k1:] = (m[k1:, k1:] - _matmul_mod(m[k1:, k0:k1], top, p)) % p
    return det % p


def generator_values(
    data: dict, gens_raw: list[dict], group: Group, points: np.ndarray
) -> np.ndarray:
    """Values mod p of every generator at every point: an array of shape (points, generators)."""
    p, d, variables = data["prime"], group.d, data["variables"]
    offsets = _coordinate_offsets(variables, d)
    metric = np.array([c % p for c in group.metric], dtype=points.dtype)
    values = np.zeros((points.shape[0], len(gens_raw)), dtype=points.dtype)

    def coords(v: int) -> np.ndarray:
        return points[:, offsets[v] : offsets[v + 1]]

    brackets = [i for i, gen in enumerate(gens_raw) if gen["kind"] == "bracket"]
    for start in range(0, len(brackets), _BRACKETS_AT_ONCE):  # one stack of determinants
        chunk = brackets[start : start + _BRACKETS_AT_ONCE]
        # matrices (bracket, point) whose columns are the bracket's vectors
        mats = np.stack([np.stack([coords(a) for a in gens_raw[i]["args"]], axis=2) for i in chunk])
        dets = batched_det_mod(mats.reshape(-1, d, d), p).reshape(len(chunk), len(points))
        values[:, chunk] = dets.T
    tensors: dict[int, np.ndarray] = {}  # full arrays of the variables, built when needed
    for i, gen in enumerate(gens_raw):
        args = gen["args"]
        if gen["kind"] == "contraction":
            for a in args:
                if a not in tensors:
                    tensors[a] = full_tensor(variables[a]["type"], coords(a), group.metric, p)
            values[:, i] = contraction_value(gen, [tensors[a] for a in args], group, p)
        elif gen["kind"] == "scalar":
            values[:, i] = points[:, offsets[args[0]]]
        elif gen["kind"] == "dot":
            products = coords(args[0]) * coords(args[1]) % p * metric % p
            values[:, i] = products.sum(axis=1) % p
        elif gen["kind"] == "product":  # of earlier generators, evaluated by now
            values[:, i] = values[:, args[0]] * values[:, args[1]] % p
    return values


def evaluation_matrix(exponents: np.ndarray, values: np.ndarray, p: int) -> np.ndarray:
    """M[r][c] = monomial exponents[c] evaluated at the point with generator values values[r]."""
    s = values.shape[0]
    m = np.ones((s, exponents.shape[0]), dtype=values.dtype)
    for i in range(exponents.shape[1]):
        cols = np.flatnonzero(exponents[:, i])
        if cols.size:
            powers = [np.ones(s, dtype=values.dtype)]
            for _ in range(int(exponents[cols, i].max())):
                powers.append(powers[-1] * values[:, i] % p)
            m[:, cols] = m[:, cols] * np.stack(powers)[exponents[cols, i]].T % p
    return m


# --------------------------------------------------------------------------- per block


@dataclass(frozen=True)
class _Context:
    """What the per-block checks need, computed once per certificate."""

    data: dict
    group: Group
    gens: list[Generator] | None
    swap: list[tuple[int | None, int]] | None
    values: np.ndarray | None  # generator values at the points that some block uses, in order
    swapped_values: np.ndarray | None
    rows: dict[int, int]  # point index -> row of ``values``


def _row_problem(block: dict, ngen: int, npoints: int) -> str | None:
    """Why the basis and rows of a block cannot be evaluated (None if they can)."""
    basis, rows = block["basis"], block["rows"]
    if any(len(e) != ngen for e in basis):
        return f"exponent vectors must have {ngen} entries"
    if len(rows) != len(basis):
        return f"{len(rows)} rows for {len(basis)} basis monomials"
    if len(set(rows)) != len(rows) or not all(0 <= r < npoints for r in rows):
        return "rows must be distinct point indices"
    return None


def used_points(data: dict, canonical: set[tuple[int, ...]]) -> list[int]:
    """The points the canonical blocks evaluate at: only these are evaluated (their number times
    the number of generators is at most the size of the bases in the file)."""
    ngen, npoints, used = len(data["generators"]), len(data["points"]), set()
    for block in data["blocks"]:
        if tuple(block["multidegree"]) in canonical and _row_problem(block, ngen, npoints) is None:
            used.update(block["rows"])
    return sorted(used)


def block_limits(data: dict, group: Group, beta: Sequence[int]) -> None:
    """Refuse (CertificateError) a block too large for this checker's algorithms."""
    terms, cells = [], 1
    for v, k in zip(data["variables"], beta):
        n = _size(v["type"], group.d)
        terms.append(math.comb(k + n - 1, k))
        cells *= k + 1
    where = f"block {_show(list(beta))}"
    if max(terms, default=1) > MAX_CHARACTER_TERMS:
        raise CertificateError(
            f"{where}: the character of one variable has {max(terms)} terms, more than the "
            f"checker's limit of {MAX_CHARACTER_TERMS}"
        )
    if math.prod(terms) > MAX_MONOMIALS:
        raise CertificateError(
            f"{where}: {math.prod(terms)} monomials in the coordinates, more than the checker's "
            f"limit of {MAX_MONOMIALS}"
        )
    if cells > MAX_CELLS:
        raise CertificateError(
            f"{where}: recounting the candidates needs {cells} cells, more than the checker's "
            f"limit of {MAX_CELLS}"
        )


def _basis_problems(ctx: _Context, block: dict, beta: tuple[int, ...]) -> list[str]:
    """Point 5: the basis monomials, rows and determinant of one block."""
    basis, p = block["basis"], ctx.data["prime"]
    ngen, npoints = len(ctx.data["generators"]), len(ctx.data["points"])
    problem = _row_problem(block, ngen, npoints)
    if problem is not None:
        return [problem]
    rows = [ctx.rows[r] for r in block["rows"]]
    exps = np.array(basis, dtype=object).reshape(len(basis), ngen)
    if (exps < 0).any() or (exps > sum(beta)).any():
        return ["basis exponent out of range"]
    exps = exps.astype(np.int64)
    problems = []
    nvars = len(ctx.data["variables"])
    degrees = exps @ np.array([g.degree for g in ctx.gens], dtype=np.int64).reshape(ngen, nvars)
    for c in np.flatnonzero((degrees != np.array(beta)).any(axis=1)):
        problems.append(f"basis monomial {int(c)} has multidegree {degrees[c].tolist()}")
    unusable = sorted(set(range(ngen)) - set(usable_generators(ctx.gens, ctx.group)))
    for c, i in zip(*np.nonzero(exps[:, unusable])):
        gen = unusable[i]
        name = ctx.data["generators"][gen]["name"]
        problems.append(f"basis monomial {int(c)} uses generator {gen} {_show(name)} of parity 1")
    m = evaluation_matrix(exps, ctx.values[rows], p)
    if ctx.swapped_values is not None:
        m = (m - evaluation_matrix(exps, ctx.swapped_values[rows], p)) % p
    det = det_mod(m, p)
    if det != block["det"]:
        problems.append(f"det {_show(block['det'])} recorded, {det} recomputed")
    if det == 0:
        problems.append("the evaluation matrix is singular mod p: basis not shown independent")
    return problems


def block_problems(ctx: _Context, block: dict) -> tuple[list[str], int]:
    """All checks of one canonical block; returns (problems, recomputed dimension)."""
    beta = tuple(block["multidegree"])
    dim = block_dimension(ctx.data, ctx.group, beta)
    dimension, span = _show(block["dimension"]), _show(block["span"])
    candidates, relations = _show(block["candidates"]), _show(block["relations"])
    problems = []
    if block["dimension"] != dim:
        problems.append(f"dimension {dimension} recorded, {dim} recomputed")
    if block["span"] != len(block["basis"]):
        problems.append(f"span {span} but {len(block['basis'])} basis monomials")
    if block["span"] > dim:
        problems.append(f"span {span} exceeds the dimension {dim}")
    if block["relations"] != block["candidates"] - block["span"]:
        problems.append(f"relations {relations} != candidates {candidates} - span {span}")
    if ctx.gens is not None and (ctx.data["antisymmetric"] is None or ctx.swap is not None):
        usable = usable_generators(ctx.gens, ctx.group)
        count = count_candidates(ctx.gens, beta, usable, ctx.swap)
        if count != block["candidates"]:
            problems.append(f"candidates {candidates} recorded, {count} recounted")
    # more basis monomials than the dimension cannot be independent: no determinant to compute
    if ctx.gens is not None and ctx.values is not None and len(block["basis"]) <= dim:
        problems += _basis_problems(ctx, block, beta)
    return [f"block {list(beta)}: {text}" for text in problems], dim


# --------------------------------------------------------------------------- the whole certificate


def _header_problems(data: dict, group: Group) -> tuple[list[str], bool]:
    """Point 1 and the consistency of variables, symmetries, prime and points.

    Returns the problems and whether they are fatal (nothing else can be checked).
    """
    if data["d"] != group.d:
        return [f"d is {_show(data['d'])} but group {group.name} has d = {group.d}"], True
    n = len(data["variables"])
    if not all(0 <= i < n for cls in data["symmetries"] for i in cls):
        return ["symmetries: variable index out of range"], True
    antisymmetric = _antisymmetric_problem(data)
    if antisymmetric is not None:
        return [antisymmetric], True
    problems = []
    if tuple(data["metric"]) != group.metric:
        problems.append(f"metric {_show(data['metric'])} does not match {group.name}")
    # the variables fix the shape of every multidegree: if they are wrong, stop here
    structural = _variable_problems(data, group) + _symmetry_problems(data)
    return problems + structural, bool(structural)


def _skew_swap(data: dict, gens: list[Generator]) -> tuple[list | None, list[str]]:
    """The permutation of the generators induced by exchanging the two dummies (skew only)."""
    if data["antisymmetric"] is None:
        return None, []
    a, b = data["antisymmetric"]
    swap = generator_permutation(gens, {a: b, b: a})
    missing = [i for i, (j, _) in enumerate(swap) if j is None]
    if missing:
        return None, [f"generators {missing}: images under exchanging the dummies are missing"]
    return swap, []


def _evaluate(
    data: dict, group: Group, problems: list[str], gens_ok: bool, used: list[int]
) -> tuple:
    """Generator values at the points ``used`` (and at the dummy-swapped points), or None if
    impossible.  Appends the problems with the prime and the points to ``problems``.
    """
    p = data["prime"]
    shape_problems = _point_shape_problems(data, group.d)
    problems += shape_problems or _point_range_problems(data)
    if not is_prime(p):
        problems.append(f"prime {_show(p)} is not prime")
        return None, None
    if not gens_ok or shape_problems:
        return None, None
    dtype = np.int64 if p < _INT64_PRIME_LIMIT else object
    raw = [[c % p for c in data["points"][i]] for i in used]
    width = _coordinate_offsets(data["variables"], group.d)[-1]
    points = np.array(raw, dtype=dtype).reshape(len(raw), width)
    return _values_and_swapped(data, group, points)


def _values_and_swapped(data: dict, group: Group, points: np.ndarray) -> tuple:
    """Generator values at ``points`` and, for a skew output, at the points with the two
    dummies swapped (``None`` otherwise)."""
    values = generator_values(data, data["generators"], group, points)
    if data["antisymmetric"] is None:
        return values, None
    offsets = _coordinate_offsets(data["variables"], group.d)
    a, b = data["antisymmetric"]
    swapped = points.copy()
    swapped[:, offsets[a] : offsets[a + 1]] = points[:, offsets[b] : offsets[b + 1]]
    swapped[:, offsets[b] : offsets[b + 1]] = points[:, offsets[a] : offsets[a + 1]]
    return values, generator_values(data, data["generators"], group, swapped)


def _result(data: dict, group: Group, problems: list[str], checked: int, gens: int) -> CheckResult:
    inputs = tuple((item["name"], item["type"]) for item in data["inputs"])
    return CheckResult(
        ok=not problems,
        problems=tuple(problems),
        blocks_checked=checked,
        group=group.name,
        inputs=inputs,
        output=data["output"],
        degree=data["degree"],
        complete=data["complete"],
        generators=gens,
    )


def _partial_problem(data: dict) -> str:
    """A file an interrupted ``verify --certificate`` left: not a proof (yet)."""
    if data["partial"] is not True:
        raise CertificateError("wrong type of key 'partial': expected true (or no key)")
    total = count_canonical(data)
    return (
        f"partial certificate: {len(data['blocks'])} of {total} blocks, written by an "
        "interrupted run; finish it with `invariants verify ... --resume FILE`"
    )


def check_certificate(cert: dict | str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> CheckResult:
    """Re-check a certificate (a dict, JSON text, or a path to a JSON file).

    Raises CertificateError if ``cert`` is not structurally a certificate, or is beyond the
    checker's limits (a file or text of more than ``max_bytes`` bytes; the others are the
    ``MAX_*`` constants of this module); otherwise returns a CheckResult listing every mismatch.
    A one-variable example, O(1) acting on ``v`` by ``±1``:

    >>> block = lambda beta, dim, basis, det: {"multidegree": [beta], "dimension": dim,
    ...     "candidates": dim, "span": dim, "relations": 0, "basis": basis,
    ...     "rows": [0] * dim, "det": det}
    >>> cert = {"format": "invariants-certificate", "version": 1, "group": "O(1)", "d": 1,
    ...     "metric": [1], "inputs": [{"name": "v", "type": "vector"}], "output": "scalar",
    ...     "degree": 2, "variables": [{"name": "v", "type": "vector", "role": "input",
    ...     "degree": None}], "antisymmetric": None, "symmetries": [], "prime": 101,
    ...     "points": [[3]], "generators": [{"name": "v.v", "kind": "dot", "args": [0, 0]}],
    ...     "blocks": [block(0, 1, [[0]], 1), block(1, 0, [], 1), block(2, 1, [[1]], 9)],
    ...     "complete": True}
    >>> result = check_certificate(cert)
    >>> result.ok, result.blocks_checked
    (True, 3)
    >>> print(result.summary())
    OK: O(1), inputs v:vector, output scalar, degree <= 2: every invariant polynomial of
    degree <= 2 is a polynomial in the 1 generator (3 blocks re-checked)
    >>> cert["blocks"][2]["det"] = 10
    >>> check_certificate(cert).problems
    ('block [2]: det 10 recorded, 9 recomputed',)
    """
    data = load_certificate(cert, max_bytes)
    group = validate_structure(data)
    if data.get("partial", False) is not False:
        return _result(data, group, [_partial_problem(data)], 0, len(data["generators"]))
    problems, fatal = _header_problems(data, group)
    if "identical" in data:
        return check_identical(data, group, problems, fatal)
    short = None if fatal else too_few_blocks(data)
    if fatal or short:
        return _result(data, group, problems + [short] * bool(short), 0, len(data["generators"]))
    check_limits(data)
    set_problems, canonical = block_set_problems(data)
    for beta in dict.fromkeys(tuple(b["multidegree"]) for b in data["blocks"]):  # in order
        if beta in canonical:
            block_limits(data, group, beta)
    gens, gen_problems = analyse_generators(data, group)
    problems += gen_problems
    swap = None
    if gens is not None:
        problems += closure_problems(data, gens)
        swap, swap_problems = _skew_swap(data, gens)
        problems += swap_problems
    used = used_points(data, canonical)
    values, swapped = _evaluate(data, group, problems, gens is not None, used)
    problems += set_problems
    ctx = _Context(data, group, gens, swap, values, swapped, {r: i for i, r in enumerate(used)})
    complete, checked, seen = True, 0, set()
    for block in data["blocks"]:
        beta = tuple(block["multidegree"])
        if beta not in canonical or beta in seen:
            continue
        seen.add(beta)
        block_issues, dim = block_problems(ctx, block)
        problems += block_issues
        complete &= block["span"] == dim
        checked += 1
    if data["complete"] != complete:
        problems.append(f"complete is {data['complete']}, but the blocks say {complete}")
    ngens = len(usable_generators(gens, group)) if gens is not None else len(data["generators"])
    return _result(data, group, problems, checked, ngens)


# --------------------------------------------------------------------------- identical particles
#
# Version 3 (``docs/certificate-format.md``, "Identical particles"): the symmetry is G × Π S_n,
# the particles' inputs permuted together. For each sector (an orbit of multidegrees, or a whole
# degree when positions of a translation group are among the particles) the certificate lists a
# basis of the plain space V (its blocks' dimensions are recomputed here by the character
# formula, its independence by a determinant), and monomials whose Reynolds images under K (the
# stabilizer of the sector's multidegree, or all of Π S_n) are independent (a determinant). The
# dimension of V^K is recomputed by Burnside's lemma, (1/|K|) Σ_σ tr(σ | V), each trace exactly
# mod p from the basis of V at the listed points and at the permuted points (an integer of
# absolute value at most dim V < p/2). The images are K-invariant invariants of G, so span <=
# dim V^K, and span == dim V^K proves they span it.

MAX_PERMUTATIONS = 40320  # elements of K summed over for the Reynolds images (8!)
MAX_TRACE_DIMENSION = 4000  # dim V: the traces invert a matrix of this size mod p
_SECTOR_SCHEMA = {
    "degree": "an int",
    "dimension": "an int",
    "span": "an int",
    "candidates": "an int",
    "relations": "an int",
    "plain_basis": "a list of lists of ints",
    "plain_rows": "a list of ints",
    "plain_det": "an int",
    "basis": "a list of lists of ints",
    "rows": "a list of ints",
    "det": "an int",
}


@dataclass(frozen=True)
class _Particles:
    """The classes as variable indices (None: the origin of the differences), the variables
    that are differences from the origin, and the origin's particle and field."""

    classes: list[list[list[int | None]]]
    differences: list[int]
    origin: tuple[int, int] | None  # (flat particle index, field)

    @property
    def flat(self) -> list[list[int | None]]:
        return [particle for cls in self.classes for particle in cls]

    def class_groups(self) -> list[list[int]]:
        out, start = [], 0
        for cls in self.classes:
            out.append(list(range(start, start + len(cls))))
            start += len(cls)
        return out


def _particles(data: dict, group: Group) -> tuple[_Particles | None, list[str]]:
    """The classes of input indices, read and mapped to variables by the naming rule of the
    variables (an input's variable has its name; under translations a position other than the
    first is the difference ``x-x1`` from the first, which has no variable)."""
    classes = data["identical"].get("classes")
    valid = isinstance(classes, list) and all(
        isinstance(cls, list) and cls and all(_is_int_list(p) and p for p in cls) for cls in classes
    )
    if not valid:
        raise CertificateError(
            "wrong type of key 'identical.classes': expected a list of non-empty lists of "
            "particles (non-empty lists of input indices)"
        )
    inputs, variables = data["inputs"], data["variables"]
    positions = [i for i, item in enumerate(inputs) if item["type"] == "position"]
    origin_input = positions[0] if positions and group.translations else None
    by_name = {(v["name"], v["role"]): k for k, v in enumerate(variables)}

    def variable(i: int) -> int | None:
        if i == origin_input:
            return None
        name = inputs[i]["name"]
        if origin_input is not None and inputs[i]["type"] == "position":
            name = f"{name}-{inputs[origin_input]['name']}"
        return by_name.get((name, "input"), -1)

    problems, seen = [], set()
    for c, cls in enumerate(classes):
        if any(len(p) != len(cls[0]) for p in cls):
            problems.append(f"identical class {c}: particles with different numbers of fields")
            continue
        for p in cls:
            for i in p:
                if not 0 <= i < len(inputs) or i in seen:
                    problems.append(f"identical class {c}: input {i} out of range or repeated")
                seen.add(i)
        if problems:
            continue
        for f in range(len(cls[0])):
            if len({inputs[p[f]]["type"] for p in cls}) != 1:
                problems.append(f"identical class {c}: field {f} has different types")
    if problems:
        return None, problems
    mapped = [[[variable(i) for i in p] for p in cls] for cls in classes]
    if any(v == -1 for cls in mapped for p in cls for v in p):
        return None, ["identical: an input of a particle has no variable"]
    flat = [p for cls in mapped for p in cls]
    origin = next(((k, f) for k, p in enumerate(flat) for f, v in enumerate(p) if v is None), None)
    differences = []
    if origin_input is not None:
        differences = [variable(i) for i in positions if i != origin_input]
    return _Particles(mapped, differences, origin), []


def _expected_sectors(data: dict, parts: _Particles) -> list[tuple]:
    """(degree, multidegree or None, blocks, groups of particles generating K), in order."""
    variables = data["variables"]
    inputs = _input_indices(data)
    by_degree: dict[int, list[tuple[int, ...]]] = {}
    for part in _compositions(len(inputs), data["degree"]):
        beta = [v["degree"] or 0 for v in variables]
        for i, e in zip(inputs, part):
            beta[i] = e
        by_degree.setdefault(sum(part), []).append(tuple(beta))
    out = []
    for k in range(data["degree"] + 1):
        if parts.origin is not None:
            groups = [g for g in parts.class_groups() if len(g) > 1]
            out.append((k, None, by_degree[k], groups))
            continue
        flat = parts.flat
        for beta in by_degree[k]:
            groups, canonical = [], True
            for cls in parts.class_groups():
                tuples = [tuple(beta[v] for v in flat[q]) for q in cls]
                if any(a < b for a, b in itertools.pairwise(tuples)):
                    canonical = False
                    break
                by: dict[tuple, list[int]] = {}
                for q, t in zip(cls, tuples):
                    by.setdefault(t, []).append(q)
                groups += [g for t, g in by.items() if len(g) > 1 and any(t)]
            if canonical:
                out.append((k, beta, [beta], groups))
    return out


def _group_elements(groups: list[list[int]]) -> list[dict[int, int]]:
    per = [[dict(zip(g, q)) for q in itertools.permutations(g)] for g in groups]
    return [{k: v for part in combo for k, v in part.items()} for combo in itertools.product(*per)]


def _conjugacy_classes(groups: list[list[int]]) -> list[tuple[dict[int, int], int]]:
    """A representative and the size of every conjugacy class of Π_g Sym(g) (cycle types)."""

    def partitions(n: int, top: int) -> Iterator[tuple[int, ...]]:
        if n == 0:
            yield ()
        for k in range(min(n, top), 0, -1):
            for rest in partitions(n - k, k):
                yield (k,) + rest

    per = []
    for g in groups:
        reps = []
        for parts in partitions(len(g), len(g)):
            perm, start = {}, 0
            for k in parts:
                cycle = g[start : start + k]
                perm.update(zip(cycle, cycle[1:] + cycle[:1]))
                start += k
            z = math.prod(i ** parts.count(i) * math.factorial(parts.count(i)) for i in set(parts))
            reps.append((perm, math.factorial(len(g)) // z))
        per.append(reps)
    out = []
    for combo in itertools.product(*per):
        perm = {k: v for part, _ in combo for k, v in part.items()}
        out.append((perm, math.prod(size for _, size in combo)))
    return out


def _permute_points(
    data: dict, group: Group, parts: _Particles, points: np.ndarray, perm: dict[int, int]
) -> np.ndarray:
    """σx: field f of particle k takes the values of field f of particle σ(k); a difference
    x - x1 becomes σ(x) - σ(x1) (the origin x1 at 0), rebuilt from the differences."""
    offsets = _coordinate_offsets(data["variables"], group.d)
    p, flat = data["prime"], parts.flat

    def coords(v: int | None) -> np.ndarray | int:
        return 0 if v is None else points[:, offsets[v] : offsets[v + 1]]

    out = points.copy()
    source = {}
    for k, t in perm.items():
        for v, w in zip(flat[k], flat[t]):
            if v is not None:
                source[v] = w
    origin = None
    if parts.origin is not None:
        k, f = parts.origin
        origin = flat[perm.get(k, k)][f]
    for v in range(len(data["variables"])):
        new = coords(source.get(v, v))
        if v in parts.differences and origin is not None:
            new = new - coords(origin)
        if isinstance(new, np.ndarray):
            out[:, offsets[v] : offsets[v + 1]] = new % p
        else:  # the image of the origin's own slot cannot occur: it has no variable
            out[:, offsets[v] : offsets[v + 1]] = new
    return out


def _matmul_mod_any(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """(a @ b) mod p for residues a, b (p < 2**31) and inner size below 2**20: both split into
    16-bit halves, every float64 product is below 2**31 and every sum below 2**51, exact."""
    if a.dtype == object or a.shape[1] >= 2**20:
        return (a.astype(object) @ b.astype(object)) % p
    ah, al = (a >> 16).astype(np.float64), (a & 0xFFFF).astype(np.float64)
    bh, bl = (b >> 16).astype(np.float64), (b & 0xFFFF).astype(np.float64)
    high = (ah @ bh).astype(np.int64) % p
    middle = ((ah @ bl).astype(np.int64) + (al @ bh).astype(np.int64)) % p
    low = (al @ bl).astype(np.int64) % p
    return (high * pow(2, 32, p) % p + middle * 2**16 % p + low) % p


def inverse_mod(m: np.ndarray, p: int) -> np.ndarray | None:
    """The inverse mod prime p of a square residue matrix, None if it is singular.

    By blocks (Schur complement, products by :func:`_matmul_mod_any`) while the leading blocks
    are invertible, else by Gauss–Jordan elimination; the result is checked (``m · m⁻¹ = I``)
    and recomputed by Gauss–Jordan if the check fails, so it never rests on the fast path.

    >>> inverse_mod(np.array([[2, 1], [1, 1]]), 7).tolist()
    [[1, 6], [6, 2]]
    """
    inverse = _block_inverse(m % p, p)
    n = m.shape[0]
    if inverse is not None and np.array_equal(
        _matmul_mod_any(m % p, inverse, p), np.eye(n, dtype=m.dtype)
    ):
        return inverse
    return _inverse_mod(m, p)


def _block_inverse(m: np.ndarray, p: int) -> np.ndarray | None:
    n = m.shape[0]
    if n <= 64 or m.dtype == object:
        return _inverse_mod(m, p)
    h = n // 2
    a, b, c, d = m[:h, :h], m[:h, h:], m[h:, :h], m[h:, h:]
    ai = _block_inverse(a, p)
    if ai is None:
        return None
    cai = _matmul_mod_any(c, ai, p)
    si = _block_inverse((d - _matmul_mod_any(cai, b, p)) % p, p)
    if si is None:
        return None
    top_right = (-_matmul_mod_any(_matmul_mod_any(ai, b, p), si, p)) % p
    top_left = (ai - _matmul_mod_any(top_right, cai, p)) % p
    bottom_left = (-_matmul_mod_any(si, cai, p)) % p
    return np.block([[top_left, top_right], [bottom_left, si]])


def _inverse_mod(m: np.ndarray, p: int) -> np.ndarray | None:
    """The inverse mod prime p of a square residue matrix (Gauss–Jordan), None if singular."""
    n = m.shape[0]
    a = np.concatenate([m % p, np.eye(n, dtype=m.dtype)], axis=1)
    for c in range(n):
        nonzero = np.flatnonzero(a[c:, c])
        if not nonzero.size:
            return None
        piv = c + int(nonzero[0])
        if piv != c:
            a[[c, piv]] = a[[piv, c]]
        a[c] = a[c] * pow(int(a[c, c]), -1, p) % p
        factors = a[:, c].copy()
        factors[c] = 0
        a = (a - factors[:, None] * a[c][None, :] % p) % p
    return a[:, n:]


def _symmetric(x: int, p: int) -> int:
    x %= p
    return x - p if x > p // 2 else x


class _Evaluator:
    """Generator values at (permuted) points, with the dummy-swapped values for skew."""

    def __init__(self, data: dict, group: Group, parts: _Particles):
        self.data, self.group, self.parts = data, group, parts
        p = data["prime"]
        dtype = np.int64 if p < _INT64_PRIME_LIMIT else object
        width = _coordinate_offsets(data["variables"], group.d)[-1]
        raw = [[c % p for c in point] for point in data["points"]]
        self.points = np.array(raw, dtype=dtype).reshape(len(raw), width)

    def _values(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        return _values_and_swapped(self.data, self.group, points)

    def matrix(self, exps: np.ndarray, rows: list[int], perm: dict[int, int]) -> np.ndarray:
        """Values of the monomials (antisymmetrized for skew) at σ(points[rows])."""
        p = self.data["prime"]
        pts = self.points[rows]
        if perm:
            pts = _permute_points(self.data, self.group, self.parts, pts, perm)
        values, swapped = self._values(pts)
        m = evaluation_matrix(exps, values, p)
        if swapped is not None:
            m = (m - evaluation_matrix(exps, swapped, p)) % p
        return m


def _monomials(
    raw: list, gens: list[Generator], group: Group, blocks: list, where: str
) -> tuple[np.ndarray | None, list[str], Counter]:
    """Exponent vectors that must lie in the blocks and use usable generators."""
    ngen = len(gens)
    if any(len(e) != ngen for e in raw):
        return None, [f"{where}: exponent vectors must have {ngen} entries"], Counter()
    top = max((sum(b) for b in blocks), default=0)
    exps = np.array(raw, dtype=object).reshape(len(raw), ngen)
    if (exps < 0).any() or (exps > top).any():
        return None, [f"{where}: exponent out of range"], Counter()
    exps = exps.astype(np.int64)
    nvars = len(gens[0].degree) if gens else 0
    degrees = exps @ np.array([g.degree for g in gens], dtype=np.int64).reshape(ngen, nvars)
    allowed, problems, counts = set(blocks), [], Counter()
    for c, row in enumerate(map(tuple, degrees.tolist())):
        if row not in allowed:
            problems.append(f"{where}: monomial {c} has multidegree {list(row)}, not in the sector")
        counts[row] += 1
    unusable = sorted(set(range(ngen)) - set(usable_generators(gens, group)))
    if exps[:, unusable].any():
        problems.append(f"{where}: a monomial uses a generator of parity 1")
    return exps, problems, counts


def _rows_problem(rows: list[int], n: int, npoints: int) -> str | None:
    if len(rows) != n:
        return f"{len(rows)} rows for {n} monomials"
    if len(set(rows)) != len(rows) or not all(0 <= r < npoints for r in rows):
        return "rows must be distinct point indices"
    return None


def _sector_problems(ctx: _Evaluator, gens, sector: dict, expected: tuple) -> list[str]:
    """All checks of one sector (see the comment at the head of this section)."""
    data, group, p = ctx.data, ctx.group, ctx.data["prime"]
    k, beta, blocks, groups = expected
    dims = {b: block_dimension(data, group, b) for b in blocks}
    D = sum(dims.values())
    problems = []
    if D > MAX_TRACE_DIMENSION:
        raise CertificateError(
            f"sector of degree {k}: dimension {D} of the plain space exceeds the checker's "
            f"limit of {MAX_TRACE_DIMENSION}"
        )
    if D == 0:  # no plain invariants: K acts on the zero space, nothing to permute
        groups = []
    elements = math.prod(math.factorial(len(g)) for g in groups)
    if elements > MAX_PERMUTATIONS:
        raise CertificateError(
            f"sector of degree {k}: {elements} permutations exceed the checker's limit of "
            f"{MAX_PERMUTATIONS}"
        )
    npoints = len(data["points"])
    # the plain space: a basis, shown independent, of the dimension of every block
    plain, found, counts = _monomials(sector["plain_basis"], gens, group, blocks, "plain basis")
    problems += found
    if plain is None:
        return problems
    wrong = [b for b in blocks if counts[b] != dims[b]]
    if wrong:
        b = wrong[0]
        problems.append(
            f"plain basis: {counts[b]} monomials in block {list(b)}, whose dimension is {dims[b]}"
        )
        return problems
    issue = _rows_problem(sector["plain_rows"], D, npoints)
    if issue is not None:
        return problems + [f"plain basis: {issue}"]
    A = ctx.matrix(plain, sector["plain_rows"], {})
    det = det_mod(A, p) if D else 1
    if det != sector["plain_det"]:
        problems.append(f"plain_det {_show(sector['plain_det'])} recorded, {det} recomputed")
    if det == 0:
        return problems + ["the plain basis is singular at its rows: not a basis"]
    # Burnside: dim V^K = (1/|K|) Σ_classes size · tr(σ | V)
    total, inverse = 0, None
    for perm, size in _conjugacy_classes(groups):
        if all(a == b for a, b in perm.items()):
            total += size * D
            continue
        if inverse is None:
            inverse = inverse_mod(A, p)
        As = ctx.matrix(plain, sector["plain_rows"], perm)
        trace = sum(int(x) for x in (inverse * As.T % p).sum(axis=1) % p) % p
        total += size * _symmetric(trace, p)
    dim = total // elements
    if total % elements or not 0 <= dim <= D:
        return problems + [f"Burnside's count {total}/{elements} is not a dimension"]
    if sector["dimension"] != dim:
        problems.append(f"dimension {_show(sector['dimension'])} recorded, {dim} recomputed")
    # the orbit sums: independent Reynolds images
    span = sector["span"]
    if span != len(sector["basis"]):
        problems.append(f"span {_show(span)} but {len(sector['basis'])} basis monomials")
    if span > dim:
        problems.append(f"span {_show(span)} exceeds the dimension {dim}")
    if sector["relations"] != sector["candidates"] - span:
        problems.append("relations != candidates - span")
    exps, found, _ = _monomials(sector["basis"], gens, group, blocks, "basis")
    problems += found
    issue = _rows_problem(sector["rows"], len(sector["basis"]), npoints)
    if exps is None or issue is not None or found or len(sector["basis"]) > dim:
        return problems + ([f"basis: {issue}"] if issue else [])
    R = np.zeros((len(sector["rows"]), len(exps)), dtype=A.dtype)
    for perm in _group_elements(groups):
        R = (R + ctx.matrix(exps, sector["rows"], perm)) % p
    det = det_mod(R, p) if len(exps) else 1
    if det != sector["det"]:
        problems.append(f"det {_show(sector['det'])} recorded, {det} recomputed")
    if det == 0:
        problems.append("the orbit sums are singular at their rows: not shown independent")
    return problems


def check_identical(data: dict, group: Group, problems: list[str], fatal: bool) -> CheckResult:
    """Check a version-3 certificate of identical particles (``G × Π S_n``)."""
    section = data["identical"]
    if not isinstance(section, dict) or not isinstance(section.get("sectors"), list):
        raise CertificateError("wrong type of key 'identical': expected classes and sectors")
    for i, sector in enumerate(section["sectors"]):
        _require(sector, _SECTOR_SCHEMA, f"identical.sectors[{i}].")
        md = sector.get("multidegree", 0)
        if not (md is None or _is_int_list(md)):
            raise CertificateError(
                f"wrong type of key 'identical.sectors[{i}].multidegree': expected null or a "
                "list of ints"
            )

    def result(problems: list[str], checked: int, gens: int) -> CheckResult:
        out = _result(data, group, problems, checked, gens)
        sizes = tuple(len(c) for c in section.get("classes", []) if isinstance(c, list))
        return CheckResult(**{**out.__dict__, "identical": sizes})

    ngen = len(data["generators"])
    if fatal:
        return result(problems, 0, ngen)
    check_limits(data)
    parts, part_problems = _particles(data, group)
    problems += part_problems
    gens, gen_problems = analyse_generators(data, group)
    problems += gen_problems
    if gens is not None:
        problems += closure_problems(data, gens)
        _, swap_problems = _skew_swap(data, gens)
        problems += swap_problems
    problems += _point_shape_problems(data, group.d) or _point_range_problems(data)
    if not is_prime(data["prime"]):
        problems.append(f"prime {_show(data['prime'])} is not prime")
    if parts is None or gens is None or problems:
        return result(problems, 0, ngen)
    expected = _expected_sectors(data, parts)
    key_of = {(k, None if b is None else tuple(b)): (k, b, bl, g) for k, b, bl, g in expected}
    recorded = [
        (s["degree"], None if s.get("multidegree") is None else tuple(s["multidegree"]))
        for s in section["sectors"]
    ]
    if len(set(recorded)) != len(recorded) or set(recorded) != set(key_of):
        missing = [list(key) for key in key_of if key not in recorded]
        extra = [list(key) for key in recorded if key not in key_of]
        text = (
            f"sectors: {len(recorded)} recorded, {len(key_of)} expected (missing "
            f"{_show(missing[:3])}, unexpected or repeated {_show(extra[:3])})"
        )
        return result(problems + [text], 0, ngen)
    expected = [key_of[key] for key in recorded]  # in the certificate's order
    for _, _, blocks, _ in expected:
        for beta in blocks:
            block_limits(data, group, beta)
    ctx = _Evaluator(data, group, parts)
    complete = True
    for sector, exp in zip(section["sectors"], expected):
        where = f"sector degree {exp[0]}" + ("" if exp[1] is None else f" {list(exp[1])}")
        issues = _sector_problems(ctx, gens, sector, exp)
        problems += [f"{where}: {text}" for text in issues]
        complete &= sector["span"] == sector["dimension"] and not issues
    if data["complete"] != complete:
        problems.append(f"complete is {data['complete']}, but the sectors say {complete}")
    return result(problems, len(expected), len(usable_generators(gens, group)))
