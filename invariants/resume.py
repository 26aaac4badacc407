"""Partial certificates: the blocks a run has finished, on disk, so that it can be resumed.

While ``verify(..., checkpoint=FILE)`` runs, ``FILE`` is rewritten atomically (a temporary file,
then a rename: a killed run leaves the previous version whole) with a *partial certificate*:
the format of ``docs/certificate-format.md`` with the blocks finished so far, every point drawn,
``"complete": false``, ``"partial": true`` and the ``"seed"``. The checker rejects it: it is not
a proof until every block is there. At the end of the run ``FILE`` is replaced by the final
certificate. ``verify(..., resume=FILE)`` takes the finished blocks from ``FILE`` (partial or
final) after checking that it belongs to the same problem, degree, prime, seed and points, and
computes only the others; the final certificate is the same, byte for byte, as that of an
uninterrupted run.

A resumed block is checked for consistency (its dimension, candidate count and basis monomials
are recomputed) but its determinant is taken from the file; ``invariants check`` re-checks it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .errors import InvariantsError
from .files import check_writable
from .problem import Problem
from .spanning import candidate_monomials

#: Default seconds between two flushes of a partial certificate.
CHECKPOINT_SECONDS = 10.0

# The keys that must agree between a file and the run that resumes it (everything but blocks,
# points, complete and the partial markers).
_HEADER = (
    "format",
    "version",
    "group",
    "d",
    "metric",
    "inputs",
    "output",
    "degree",
    "variables",
    "antisymmetric",
    "symmetries",
    "prime",
    "generators",
)


def _certificate(problem: Problem, degree: int, blocks: Sequence, points: np.ndarray, prime: int):
    from .certificate import make_certificate
    from .verify import VerificationReport

    return make_certificate(
        VerificationReport(problem, degree, (), (), tuple(blocks), points, prime)
    )


def partial_certificate(
    problem: Problem, degree: int, blocks: Sequence, points: np.ndarray, prime: int, seed: int
) -> dict:
    """A partial certificate with the finished ``blocks`` (canonical blocks, in block order)."""
    cert = _certificate(problem, degree, blocks, points, prime)
    cert["points"] = points.tolist()
    cert["complete"] = False
    cert["partial"] = True
    cert["seed"] = int(seed)
    return cert


def write_atomically(cert: dict, path: str | os.PathLike) -> None:
    """Write ``cert`` whole or not at all (:func:`invariants.certificate.write_certificate`
    renames a temporary file over ``path``: a reader, or a killed writer, never sees half a
    file)."""
    from .certificate import write_certificate

    write_certificate(cert, path)


class Checkpoint:
    """Flushes a partial certificate to ``path`` as blocks finish.

    A flush happens at most every ``interval`` seconds, and never more often than every 20 times
    the last write took, so that rewriting a large file costs under 5 % of the run.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        problem: Problem,
        degree: int,
        order: Sequence[tuple[int, ...]],
        points: np.ndarray,
        prime: int,
        seed: int,
        interval: float = CHECKPOINT_SECONDS,
    ):
        check_writable(path, "certificate")
        self.path = path
        self._args = (problem, degree)
        self._order = order
        self._points, self._prime, self._seed = points, prime, seed
        self.interval = interval
        self._last = time.monotonic()
        self._cost = 0.0
        self.flushed = 0  # number of blocks in the file

    def update(self, finished: Mapping[tuple[int, ...], object]) -> None:
        """Flush if it is time to."""
        now = time.monotonic()
        if now - self._last >= max(self.interval, 20 * self._cost):
            self.flush(finished)

    def flush(self, finished: Mapping[tuple[int, ...], object]) -> None:
        start = time.monotonic()
        blocks = [finished[b] for b in self._order if b in finished]
        cert = partial_certificate(*self._args, blocks, self._points, self._prime, self._seed)
        write_atomically(cert, self.path)
        self.flushed = len(blocks)
        self._last = time.monotonic()
        self._cost = self._last - start

    def finish(self, report) -> None:
        """Replace the partial certificate by the final one."""
        write_atomically(report.certificate(), self.path)


def load_finished(
    path: str | os.PathLike,
    problem: Problem,
    degree: int,
    dims: Mapping[tuple[int, ...], int],
    points: np.ndarray,
    prime: int,
    seed: int,
) -> dict:
    """The finished blocks of the certificate at ``path`` as ``{multidegree: CanonicalBlock}``.

    Raises :class:`InvariantsError` if the file cannot be read or belongs to another run.
    """
    from .checker import load_certificate

    if not isinstance(path, (str, os.PathLike)):
        raise InvariantsError(f"resume must be a path to a partial certificate, got {path!r}")
    name = os.fspath(path)
    try:  # the checker's reader: bounded size (endless devices cut off) and JSON nesting
        data = load_certificate(path if not isinstance(path, str) else Path(path))
    except InvariantsError as exc:
        raise InvariantsError(f"cannot resume from {name!r}: {exc}") from None
    expected = _certificate(problem, degree, (), points, prime)
    if not isinstance(data, dict):
        raise InvariantsError(f"cannot resume from {name!r}: not a certificate")
    for key in _HEADER:
        if data.get(key) != expected[key]:
            raise InvariantsError(
                f"cannot resume from {name!r}: its {key} is {data.get(key)!r}, this run's is "
                f"{expected[key]!r}"
            )
    if "seed" in data and data["seed"] != seed:
        raise InvariantsError(
            f"cannot resume from {name!r}: it was made with seed {data['seed']!r}, not {seed}"
        )
    recorded = data.get("points")
    if not isinstance(recorded, list) or recorded != points[: len(recorded)].tolist():
        raise InvariantsError(
            f"cannot resume from {name!r}: its points are not this run's (another seed?)"
        )
    blocks = data.get("blocks")
    if not isinstance(blocks, list):
        raise InvariantsError(f"cannot resume from {name!r}: no list of blocks")
    out: dict = {}
    for entry in blocks:
        block = _block(entry, problem, dims, len(recorded), prime, name)
        if block.multidegree in out:
            raise InvariantsError(
                f"cannot resume from {name!r}: block {entry['multidegree']} twice"
            )
        out[block.multidegree] = block
    return out


def _block(entry, problem: Problem, dims, n_points: int, prime: int, name: str):
    from .verify import CanonicalBlock

    def fail(why: str):
        where = entry.get("multidegree") if isinstance(entry, dict) else entry
        raise InvariantsError(f"cannot resume from {name!r}: block {where}: {why}")

    keys = ("multidegree", "dimension", "candidates", "span", "relations", "basis", "rows", "det")
    if not isinstance(entry, dict) or any(k not in entry for k in keys):
        fail(f"expected an object with the keys {', '.join(keys)}")
    beta = tuple(entry["multidegree"]) if isinstance(entry["multidegree"], list) else None
    if beta not in dims:
        fail("not a canonical multidegree of this run")
    if entry["dimension"] != dims[beta]:
        fail(f"dimension {entry['dimension']!r} recorded, {dims[beta]} counted")
    cands = candidate_monomials(problem, beta)
    if entry["candidates"] != len(cands):
        fail(f"{entry['candidates']!r} candidates recorded, {len(cands)} counted")
    index = {tuple(int(e) for e in row): i for i, row in enumerate(cands)}
    basis = entry["basis"]
    rows = entry["rows"]
    span = entry["span"]
    if not (isinstance(basis, list) and isinstance(rows, list)) or not (
        span == len(basis) == len(rows) and entry["relations"] == len(cands) - span
    ):
        fail("span, basis, rows and relations do not agree")
    try:
        columns = tuple(index[tuple(m)] for m in basis)
    except (KeyError, TypeError):
        fail("a basis monomial is not a candidate")
    if not all(isinstance(r, int) and 0 <= r < n_points for r in rows):
        fail("a row is not the index of a point")
    det = entry["det"]
    if not isinstance(det, int) or not (0 < det < prime or (span == 0 and det == 1)):
        fail(f"det {det!r} is not a non-zero residue mod {prime}")
    return CanonicalBlock(beta, dims[beta], cands, span, columns, tuple(rows), det)
