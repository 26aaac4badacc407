"""Least-squares fits on an invariant or equivariant basis, printed back as a formula.

:func:`fit` solves for the coefficients of a :class:`~invariants.Basis` on data. The features come
from the basis kernel (``B.lambdify()``); equivariant outputs stack every tensor component as an
equation, so the fitted map is a linear combination of equivariant basis elements and therefore
exactly equivariant. :func:`fit_cv` chooses the degree and the ridge by k-fold cross-validation.

>>> import numpy as np, invariants as inv
>>> B = inv.basis("O(3)", "p,q:vector", output="scalar", degree=4)
>>> rng = np.random.default_rng(0)
>>> p, q = rng.normal(size=(2, 200, 3))
>>> y = 3 * np.einsum("ni,ni->n", p, q) ** 2 - 0.5 * np.einsum("ni,ni->n", p, p)
>>> model = fit(B, {"p": p, "q": q}, y)
>>> print(model)
-(p·p)/2 + 3*(p·q)**2

Numerics. The least-squares problem ``min ‖A c − b‖`` is reduced chunk by chunk to the triangular
factor of a QR decomposition of ``[A b]`` (Householder, so no squared condition number and bounded
memory); the columns are then scaled to unit RMS over the data, solved by SVD (``lstsq``), and the
scaling is undone. ``ridge`` adds ``ridge·‖D c‖²`` to the mean squared error, where ``D c`` are the
coefficients of the unit-RMS columns, so one ridge value means the same thing for any number of
samples. ``sparse=True`` runs sequentially thresholded least squares (STLSQ): coefficients whose
scaled value (RMS contribution to the output, in the units of ``y``) is below ``threshold`` are
set to zero and the rest are refitted, until the support stops changing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .basis import Basis
from .errors import InvariantsError, check_integer
from .names import term_name, text
from .spaces import output_type

__all__ = ["CVResult", "CVScore", "FittedModel", "fit", "fit_cv"]

#: Samples per kernel call (bounds the memory of the feature arrays).
CHUNK = 2048

#: Relative size of a CV score (against mean(y²)) below which two scores are both round-off.
ROUNDOFF = 1e-12


# --------------------------------------------------------------------------------------------
# The fitted model


@dataclass(frozen=True, eq=False)
class FittedModel:
    """A fitted linear combination ``Σ_j c_j b_j`` of the basis elements ``b_j`` of ``basis``.

    ``coefficients[j]`` multiplies ``basis.terms[j]``. ``scales[j]`` is the RMS of basis element
    ``j`` over the training data (``coefficients * scales`` is the RMS contribution of each term,
    the "scaled units" of ``ridge`` and ``threshold``; ``threshold`` is the one used by a sparse
    fit, else ``None``). ``rank`` is the numerical rank of the training features: the number of
    singular values of the scaled feature matrix above ``noise_floor`` (see :func:`fit`); below
    ``len(basis)`` the coefficients are not unique and are the minimum-norm solution.
    ``nonzero`` is the number of terms that :meth:`formula` keeps (:meth:`support`).
    """

    basis: Basis
    coefficients: np.ndarray
    scales: np.ndarray
    ridge: float = 0.0
    threshold: float | None = None
    n_samples: int = 0
    rank: int = 0
    noise_floor: float = 0.0
    _kernel: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        rank = f", rank={self.rank}" if self.rank < len(self.basis) else ""
        return (
            f"FittedModel({self.basis.group.name}, output={self.basis.output!r}, "
            f"degree={self.basis.degree}, terms={len(self.basis)}, nonzero={self.nonzero}, "
            f"ridge={self.ridge}, n_samples={self.n_samples}{rank})"
        )

    def support(self, tol: float = 1e-6) -> np.ndarray:
        """Which terms :meth:`formula` keeps at this ``tol``: a boolean mask over ``basis.terms``.

        A term is kept when its coefficient is not zero and its RMS contribution to the output
        over the training data (``|coefficient| × scale``) exceeds ``tol`` times the largest
        one. Coefficients below that are round-off (or negligible), whatever their exact value.

        >>> import numpy as np, invariants as inv
        >>> B = inv.basis("O(3)", "p:vector", degree=4)
        >>> p = np.random.default_rng(0).normal(size=(50, 3))
        >>> model = inv.fit(B, {"p": p}, 2 * np.einsum("ni,ni->n", p, p))
        >>> [t.name for t, kept in zip(B.terms, model.support()) if kept]
        ['(p·p)']
        >>> model.nonzero
        1
        """
        _check_tol(tol)
        contributions = np.abs(self.coefficients) * self.scales
        top = float(contributions.max()) if contributions.size else 0.0
        return (self.coefficients != 0) & (contributions > tol * top)

    @property
    def nonzero(self) -> int:
        """Number of terms in :meth:`formula` (at its default ``tol``): ``support().sum()``."""
        return int(self.support().sum())

    def __str__(self) -> str:
        """The formula with compound symbols in parentheses: ``-(p·p)/2 + 3*(p·q)**2``."""
        return text(self.formula())

    @property
    def output(self) -> str:
        return self.basis.output

    def predict(self, inputs: Mapping[str, Any]) -> np.ndarray:
        """The model's output on ``inputs`` (same names and shapes as for :func:`fit`).

        Shape ``batch`` for scalar and pseudoscalar outputs, ``batch + (d,)`` for vectors,
        ``batch + (d, d)`` for rank-2 outputs, where ``batch`` is the shape of a scalar input
        (``(N,)`` for ``N`` samples; ``()`` for a single sample).
        """
        data, batch = _check_inputs(self.basis, inputs)
        kernel = self._kernel or _kernel(self.basis)
        object.__setattr__(self, "_kernel", kernel)
        n = math.prod(batch)
        flat = {k: v.reshape((n,) + v.shape[len(batch) :]) for k, v in data.items()}
        out = np.empty((n,) + _out_shape(self.basis))
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            F = _features(kernel, self.basis, flat, start, stop)
            out[start:stop] = np.einsum("j,nj...->n...", self.coefficients, F)
        return out.reshape(batch + _out_shape(self.basis))

    def score(self, inputs: Mapping[str, Any], y) -> float:
        """Mean squared error over all samples and all tensor components."""
        data, batch = _check_inputs(self.basis, inputs)
        Y = _check_y(self.basis, y, batch)
        return float(np.mean((self.predict(data) - Y) ** 2))

    def formula(self, tol: float = 1e-6, digits: int = 6) -> sympy.Expr:
        """The model as a SymPy expression in the scalar generators (and seeds).

        Each term is ``coefficient × scalar part × seed``. The scalar part is a product of symbols
        named exactly as the generators (``p·q``, ``[p,q,r]``, ``m``; ``str(model)`` prints them
        in parentheses, :func:`invariants.names.text`); the seed is a symbol for the
        equivariant factor: an input vector ``p``, a cross product ``[p,·]``, the metric ``η``, or
        ``a⊗b`` for rank-2 outputs (first factor from the row index; for ``sym`` outputs it means
        the symmetrized product, for ``skew`` the antisymmetrized one); scalar outputs have no
        seed. A coefficient within relative ``tol`` of a fraction with denominator ≤ 100 is
        printed as that fraction, others with ``digits`` significant digits; terms whose RMS
        contribution is below ``tol`` times the largest are dropped.

        >>> import numpy as np, invariants as inv
        >>> B = inv.basis("O(3)", "p,q:vector", output="vector", degree=3)
        >>> rng = np.random.default_rng(1)
        >>> p, q = rng.normal(size=(2, 50, 3))
        >>> y = np.einsum("ni,ni->n", p, q)[:, None] * p - 2 * q
        >>> f = fit(B, {"p": p, "q": q}, y).formula()
        >>> f.subs(sympy.Symbol("p·q"), 5)
        5*p - 2*q
        >>> from invariants.names import text
        >>> text(f)
        'p*(p·q) - 2*q'

        """
        keep = self.support(tol)
        check_integer(digits, "digits", minimum=1)
        parts = term_parts(self.basis)
        expr = sympy.Integer(0)
        for c, kept, (scalar, seed) in zip(self.coefficients, keep, parts):
            if kept:
                expr += _number(float(c), tol, digits) * scalar * seed
        return expr


def _check_tol(tol) -> None:
    if isinstance(tol, bool) or not (isinstance(tol, (int, float)) and 0 <= tol < 1):
        raise InvariantsError(f"tol must be a number in [0, 1), got {tol!r}")


def _number(c: float, tol: float, digits: int) -> sympy.Expr:
    r = Fraction(c).limit_denominator(100)
    if r != 0 and abs(c - float(r)) <= tol * abs(c):
        return sympy.Rational(r.numerator, r.denominator)
    return sympy.Float(c, digits)


# --------------------------------------------------------------------------------------------
# Symbolic terms: scalar part × seed


def term_parts(B: Basis) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """For every basis term, ``(scalar part, seed)`` as SymPy expressions in symbols named after
    the generators and seeds (:func:`invariants.names.term_name`; see
    :meth:`FittedModel.formula`).

    >>> import invariants as inv
    >>> B = inv.basis("O(3)", "p,q:vector", output="matrix", degree=2)
    >>> from invariants.names import text
    >>> [text(s * t) for s, t in term_parts(B)][3:6]
    ['(p·q)*η', 'p⊗q', 'q⊗p']
    """
    # orbit sums over identical particles; products of contractions for tensor inputs
    parts = getattr(B, "orbit_parts", None) or getattr(B, "term_parts", None)
    if parts is not None:
        return parts()
    out = []
    for term in B.terms:
        name = term_name(B.problem, term.factors or term.monomial)
        scalar = sympy.Mul(*(sympy.Symbol(n) ** e for n, e in name.scalars))
        seed = sympy.Symbol(name.seed) if name.seed else sympy.Integer(1)
        out.append((scalar, seed))
    return out


# --------------------------------------------------------------------------------------------
# Checking the data


def _kernel(B: Basis):
    return B.lambdify(backend="numpy", dtype=np.float64)


def _data_inputs(B: Basis):
    """The inputs the data dict must contain (derived feature inputs are computed)."""
    data = getattr(B, "data_inputs", None)
    return tuple(data) if data is not None else B.problem.inputs


def _out_shape(B: Basis) -> tuple[int, ...]:
    """The per-sample shape of the output: ``(d,) * rank`` of its type."""
    return (B.group.d,) * output_type(B.output).rank


def _array(x, what: str) -> np.ndarray:
    """``x`` as a NumPy array; tensors (PyTorch) are detached and copied to the CPU first: a
    fit is a least-squares solve in NumPy, not differentiable."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):
        x = x.detach().cpu().numpy()
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise InvariantsError(f"{what} could not be converted to an array: {exc}") from exc


def _as_real(x, what: str) -> np.ndarray:
    a = _array(x, what)
    kind = a.dtype.kind
    if kind == "c":
        raise InvariantsError(
            f"{what} is complex ({a.dtype}); only real data is supported "
            "(pass .real if the imaginary part is zero)"
        )
    if kind not in "biuf":
        raise InvariantsError(
            f"{what} must be a real numeric array, got dtype {a.dtype} "
            "(accepted: float, integer or bool arrays, or nested lists of numbers)"
        )
    return a.astype(np.float64, copy=False)


def _check_finite(a: np.ndarray, what: str, batch_ndim: int) -> None:
    bad = ~np.isfinite(a)
    count = int(bad.sum())
    if not count:
        return
    per_sample = bad.reshape(a.shape[:batch_ndim] + (-1,)).any(axis=-1) if batch_ndim else bad
    where = np.argwhere(per_sample)
    shown = [int(w[0]) if len(w) == 1 else tuple(int(i) for i in w) for w in where[:5]]
    more = "" if len(where) <= 5 else f" (and {len(where) - 5} more)"
    samples = "sample" if len(where) == 1 else "samples"
    raise InvariantsError(
        f"{what} contains {count} non-finite value{'s' if count > 1 else ''} (NaN or inf) "
        f"in {len(where)} {samples}, at sample index {shown}{more}; "
        "remove or impute those samples"
    )


def _trailing(inp, d: int) -> tuple[int, ...]:
    """The per-sample shape of an input: ``()``, ``(d,)`` or ``(d,) * rank`` for tensors."""
    from .kernels import _input_rank

    return (d,) * _input_rank(inp.type)


def _describe(inp, d: int) -> str:
    return f"{inp.name} ({inp.type}, shape (N{''.join(f', {k}' for k in _trailing(inp, d))}))"


def _expanded(B: Basis, inputs):
    """Data per input name; a basis over identical particles also takes fields stacked over
    the particles (:func:`invariants.symmetric_kernels.stack_inputs`)."""
    expand = getattr(B, "expand_data", None)
    return expand(inputs) if expand is not None else inputs


def _check_inputs(B: Basis, inputs) -> tuple[dict[str, np.ndarray], tuple[int, ...]]:
    """Validate the data dict; return float64 arrays and the common batch shape."""
    inputs = _expanded(B, inputs)
    expected = _data_inputs(B)
    d = B.group.d
    if not isinstance(inputs, Mapping):
        raise InvariantsError(
            f"inputs must be a dict mapping input names to arrays, got {type(inputs).__name__}; "
            "expected keys: " + ", ".join(_describe(i, d) for i in expected)
        )
    names = [i.name for i in expected]
    missing = [n for n in names if n not in inputs]
    extra = [k for k in inputs if k not in names]
    if missing or extra:
        parts = []
        if missing:
            parts.append(
                "missing inputs: "
                + ", ".join(_describe(i, d) for i in expected if i.name in missing)
            )
        if extra:
            derived = {i.name for i in B.problem.inputs} - set(names)
            parts.append(
                "unexpected inputs: "
                + ", ".join(
                    f"{k!r} (a derived feature, computed from the vectors)"
                    if k in derived
                    else repr(k)
                    for k in extra
                )
            )
        raise InvariantsError(
            "; ".join(parts) + "; the basis takes " + ", ".join(_describe(i, d) for i in expected)
        )
    arrays: dict[str, np.ndarray] = {}
    batches: dict[str, tuple[int, ...]] = {}
    for inp in expected:
        a = _as_real(inputs[inp.name], f"input {inp.name!r}")
        tail = _trailing(inp, d)
        if a.ndim < len(tail) or a.shape[a.ndim - len(tail) :] != tail:
            dims = "".join(f", {k}" for k in tail)
            raise InvariantsError(
                f"input {inp.name!r} is a {inp.type} of {B.group.name}: expected shape "
                f"(N{dims}) (or (...{dims})), got {a.shape}"
            )
        batches[inp.name] = a.shape[: a.ndim - len(tail)]
        arrays[inp.name] = a
    if len(set(batches.values())) > 1:
        shapes = ", ".join(f"{k}: {arrays[k].shape}" for k in names)
        raise InvariantsError(
            "the inputs have different numbers of samples (or batch shapes): "
            f"{shapes}; scalars take shape (N,), vectors (N, {d})"
        )
    batch = batches[names[0]]
    for inp in expected:
        _check_finite(arrays[inp.name], f"input {inp.name!r}", len(batch))
    return arrays, batch


def _check_y(B: Basis, y, batch: tuple[int, ...]) -> np.ndarray:
    Y = _as_real(y, "y")
    out = _out_shape(B)
    expected = batch + out
    if Y.shape != expected:
        kind = f"a {B.output} output of {B.group.name}"
        if Y.ndim == len(expected) and Y.shape[len(batch) :] == out:
            raise InvariantsError(
                f"y has {Y.shape[: len(batch)]} samples but the inputs have {batch} "
                f"(y has shape {Y.shape}, the inputs need {expected})"
            )
        raise InvariantsError(
            f"y has shape {Y.shape}, but {kind} with {batch} samples needs shape {expected}"
            + (f" (y.reshape{expected})" if Y.size == math.prod(expected) else "")
        )
    _check_finite(Y, "y", len(batch))
    _check_magnitude(Y.reshape(1, -1), "y")
    return Y


# --------------------------------------------------------------------------------------------
# Equations and their triangular factors


def _components(B: Basis):
    """For an output with index symmetries (``sym``, ``skew``, ``tensor(ijk=jik)``, …, not
    traceless): one component per orbit of index tuples as equations, weighted by the square
    root of the orbit's size (the least-squares objective of all entries of the symmetric part),
    and the symmetry's elements, to project ``Y`` on the symmetric part. ``None`` otherwise."""
    t = output_type(B.output)
    if t.rank < 2 or t.traceless or len(t.symmetry.elements) == 1:
        return None
    reps = t.symmetry.orbits(B.group.d)
    sizes = [
        len({tuple(idx[perm[a]] for a in range(t.rank)) for perm, _ in t.symmetry.elements})
        for idx in reps
    ]
    index = tuple(np.array([idx[a] for idx in reps], dtype=int) for a in range(t.rank))
    return index, np.sqrt(np.array(sizes, dtype=float)), t.symmetry.elements


def _independent(B: Basis) -> int:
    """Independent equations per sample."""
    return output_type(B.output).dimension(B.group.d)


def _entries(B: Basis) -> int:
    return math.prod(_out_shape(B))


def _features(kernel, B: Basis, data: dict, start: int, stop: int) -> np.ndarray:
    F = np.asarray(kernel(**{k: v[start:stop] for k, v in data.items()}), dtype=np.float64)
    expected = (stop - start, len(B)) + _out_shape(B)
    if F.shape != expected:  # a kernel bug, not bad input
        raise RuntimeError(f"the basis kernel returned shape {F.shape}, expected {expected}")
    if not np.isfinite(F).all():
        bad = np.flatnonzero(~np.isfinite(F.reshape(len(F), -1)).all(axis=1)) + start
        raise InvariantsError(
            f"the basis features overflow (are not finite) for {len(bad)} samples, first at "
            f"index {bad[:5].tolist()}: rescale the inputs or lower the degree"
        )
    _check_magnitude(F.reshape(len(F), F.shape[1], -1).transpose(1, 0, 2), "the basis features")
    return F


#: Largest and smallest magnitudes the least-squares solve takes: it squares them (column
#: norms, the QR factor), and float64 squares overflow above 1.3e154 and lose all precision
#: below 1.5e-154 (subnormal).
MAGNITUDES = (1e-150, 1e150)


def _check_magnitude(columns: np.ndarray, what: str) -> None:
    """Refuse values whose squares over- or underflow: ``columns`` has one row per column of
    the solve (a feature, or the target)."""
    size = np.abs(columns.reshape(len(columns), -1)).max(axis=1) if columns.size else []
    size = [float(x) for x in size if x > 0]
    low, high = MAGNITUDES
    if size and (max(size) > high or min(size) < low):
        extreme = max(size) if max(size) > high else min(size)
        raise InvariantsError(
            f"{what} reach {extreme:.3g}: the least-squares solve squares them, and float64 "
            f"squares {'overflow' if extreme > high else 'underflow'} beyond {low:g}..{high:g}; "
            "rescale the inputs (and y) to moderate sizes, e.g. divide them by a typical value"
        )


def _equations(B: Basis, F: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Rows ``A, b`` for samples (features ``F``, targets ``Y``) and the squared norm of the part
    of ``Y`` no basis element can fit (the part outside the output's index symmetry: the
    antisymmetric part for sym, the symmetric part for skew)."""
    n = F.shape[1]
    comp = _components(B)
    if comp is None:
        if F.ndim == 2:
            return F, Y, 0.0
        k = math.prod(F.shape[2:])
        A = F.reshape(len(F), n, k).transpose(0, 2, 1).reshape(-1, n)
        return A, Y.reshape(-1), 0.0
    from .tensor_export import project_onto

    index, w, elements = comp
    proj = project_onto(Y, elements, False, None)
    rest = float(np.sum((Y - proj) ** 2))
    A = (F[(slice(None), slice(None)) + index] * w).transpose(0, 2, 1).reshape(-1, n)
    b = (proj[(slice(None),) + index] * w).reshape(-1)
    return A, b, rest


@dataclass
class _Factor:
    """Triangular factor ``T`` of ``[A b]`` (``[A b] = Q T``), accumulated over chunks.

    ``samples``: samples seen; ``entries``: tensor entries seen (for means); ``rest``: squared
    norm of the unfittable part of ``y``; ``ysq``: squared norm of ``y``; ``noise``: squared
    column norms of the change of ``A`` when the inputs move by their precision (:func:`_jitter`).
    """

    n: int
    T: np.ndarray = None
    samples: int = 0
    entries: int = 0
    rest: float = 0.0
    ysq: float = 0.0
    noise: np.ndarray = None
    precision: float = float(np.finfo(np.float64).eps)  # relative precision of the data

    def __post_init__(self):
        if self.T is None:
            self.T = np.zeros((0, self.n + 1))
        if self.noise is None:
            self.noise = np.zeros(self.n)

    def add(self, A: np.ndarray, b: np.ndarray, samples: int, entries: int, rest: float, ysq):
        M = np.vstack([self.T, np.column_stack([A, b])])
        self.T = np.linalg.qr(M, mode="r")
        self.samples += samples
        self.entries += entries
        self.rest += rest
        self.ysq += ysq

    @staticmethod
    def merge(factors: Sequence[_Factor]) -> _Factor:
        out = _Factor(factors[0].n, precision=factors[0].precision)
        out.T = np.linalg.qr(np.vstack([f.T for f in factors]), mode="r")
        out.samples = sum(f.samples for f in factors)
        out.entries = sum(f.entries for f in factors)
        out.rest = sum(f.rest for f in factors)
        out.ysq = sum(f.ysq for f in factors)
        out.noise = sum(f.noise for f in factors)
        return out

    def sse(self, c: np.ndarray) -> float:
        """Sum of squared residuals of the coefficients ``c`` on these samples."""
        r = self.T @ np.append(c, -1.0)
        return float(r @ r) + self.rest


def _factorize(
    kernel, B: Basis, data: dict, Y: np.ndarray, index: np.ndarray, precision: float
) -> _Factor:
    """Accumulate the factor of the samples ``index`` (in chunks), and the noise of ``A``."""
    factor = _Factor(len(B), precision=precision)
    entries = _entries(B)
    rng = np.random.default_rng(0)
    for start in range(0, len(index), CHUNK):
        idx = index[start : start + CHUNK]
        sub = {k: v[idx] for k, v in data.items()}
        F = _features(kernel, B, sub, 0, len(idx))
        A, b, rest = _equations(B, F, Y[idx])
        factor.add(A, b, len(idx), len(idx) * entries, rest, float(np.sum(Y[idx] ** 2)))
        moved = _features(kernel, B, _jitter(sub, precision, rng), 0, len(idx))
        E, _, _ = _equations(B, moved - F, Y[idx])
        factor.noise += np.einsum("ij,ij->j", E, E)
    return factor


def _jitter(data: dict, precision: float, rng: np.random.Generator) -> dict:
    """The inputs moved by a random relative amount of at most ``precision`` (one unit in the
    last place of the data): a sample of how uncertain the features are."""
    return {k: v * (1 + precision * rng.uniform(-1, 1, size=v.shape)) for k, v in data.items()}


def _precision(B: Basis, inputs: Mapping[str, Any]) -> float:
    """Relative precision of the data: machine epsilon of the coarsest floating input dtype
    (float64's for integer and bool data, which are exact but are computed with in float64)."""
    eps = float(np.finfo(np.float64).eps)
    for inp in _data_inputs(B):
        dtype = _array(inputs[inp.name], f"input {inp.name!r}").dtype
        if dtype.kind == "f":
            eps = max(eps, float(np.finfo(dtype).eps))
    return eps


#: A column counts as noisy when its change under a move of the data by their precision exceeds
#: this many times that precision, for a unit-RMS column (ordinary features change by a few).
NOISY_COLUMN = 64


class _Scaled:
    """The least-squares problem of a factor, columns scaled to unit RMS, with one thin SVD.

    ``‖A c − b‖² = ‖R c − z‖² + ρ²`` for the factor ``[R z; 0 ρ]`` of ``[A b]``, and the column
    norms of ``R`` are those of ``A``, so the scaled problem is solved on ``R`` alone; the SVD is
    shared by every ridge value.
    """

    def __init__(self, factor: _Factor):
        n = factor.n
        T = factor.T[: n + 1]
        R, self.z = T[:, :n], T[:, n]
        self.m = max(factor.entries, 1)
        self.rms_y = math.sqrt(factor.ysq / self.m)
        scales = np.linalg.norm(R, axis=0) / math.sqrt(self.m)
        scales[scales == 0] = 1.0
        # A column much noisier than round-off (p·p = m² computed as E² − |p|² for a light,
        # fast particle) is weighted by its noise: the minimum-norm solution is then the one
        # least moved by the data's precision, and does not spread weight onto such a column
        # when an exact one (the constant) fits as well.
        noise = np.sqrt(factor.noise) / scales
        weight = np.maximum(1.0, noise / (NOISY_COLUMN * factor.precision * math.sqrt(self.m)))
        self.scales = scales * weight
        self.Rs = R / self.scales
        self.noise = noise / weight
        self.svd = _svd(self.Rs, self.z, self.noise)
        self.rank, self.floor = self.svd[3], self.svd[4]
        self.default_threshold = 1e-2 * self.rms_y

    def coefficients(self, ridge: float, sparse: bool, threshold: float | None) -> np.ndarray:
        """Unscaled coefficients (STLSQ if ``sparse``)."""
        c = _svd_apply(self.svd, ridge, self.m)
        if sparse:
            if threshold is None:
                threshold = self.default_threshold
            n = len(c)
            support = np.ones(n, dtype=bool)
            for _ in range(max(n, 1)):
                new = support & (np.abs(c) >= threshold)
                if (new == support).all():
                    break
                support = new
                c = np.zeros(n)
                if support.any():
                    sub = _svd(self.Rs[:, support], self.z, self.noise[support])
                    c[support] = _svd_apply(sub, ridge, self.m)
        return c / self.scales


def _svd(M: np.ndarray, z: np.ndarray, noise: np.ndarray):
    """``(Vt, s, Uᵀz, rank, floor)`` of ``M``, whose columns are uncertain by ``noise`` (norms).

    The numerical rank counts the singular values above the noise floor
    ``max(‖E‖_F, ε·max(shape)·σ_1)``, where ``‖E‖_F`` is the Frobenius norm of the change of
    ``M`` when the data move by their precision. By Weyl's inequality
    ``|σ_i(M + E) − σ_i(M)| ≤ ‖E‖_2 ≤ ‖E‖_F``, so a singular value below it is not determined
    by the data (it may be zero). ``floor`` is returned relative to ``σ_1``.
    """
    if M.shape[0] == 0 or M.shape[1] == 0:
        return np.zeros((0, M.shape[1])), np.zeros(0), np.zeros(0), 0, 0.0
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    floor = max(float(np.linalg.norm(noise)), np.finfo(float).eps * max(M.shape) * s[0])
    relative = floor / s[0] if s[0] > 0 else 0.0
    return Vt, s, U.T @ z, int((s > floor).sum()), relative


def _svd_apply(svd, ridge: float, m: int) -> np.ndarray:
    """Minimum-norm (``ridge = 0``: the singular values below the noise floor are dropped) or
    ridge solution of ``min ‖M y − z‖² + ridge·m·‖y‖²``."""
    Vt, s, Uz, rank, _ = svd
    if ridge:
        filt = s / (s**2 + ridge * m)
    else:
        filt = np.zeros_like(s)
        filt[:rank] = 1 / s[:rank]
    return Vt.T @ (filt * Uz)


# --------------------------------------------------------------------------------------------
# Public API


def _check_options(ridge, sparse, threshold) -> tuple[float, bool, float | None]:
    if (
        isinstance(ridge, bool)
        or not isinstance(ridge, (int, float))
        or not (math.isfinite(ridge) and ridge >= 0)
    ):
        raise InvariantsError(f"ridge must be a finite number ≥ 0, got {ridge!r}")
    if not isinstance(sparse, bool):
        raise InvariantsError(f"sparse must be True or False, got {sparse!r}")
    if threshold is not None:
        if not sparse:
            raise InvariantsError(
                f"threshold={threshold!r} is only used with sparse=True (STLSQ); pass sparse=True"
            )
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, (int, float))
            or not (math.isfinite(threshold) and threshold >= 0)
        ):
            raise InvariantsError(f"threshold must be a finite number ≥ 0, got {threshold!r}")
        threshold = float(threshold)
    return float(ridge), sparse, threshold


def _check_basis(B) -> Basis:
    if not isinstance(B, Basis):
        raise InvariantsError(
            f"expected a Basis (from invariants.basis(group, inputs, output, degree)), "
            f"got {type(B).__name__}"
        )
    if not len(B):
        raise InvariantsError(
            f"the basis is empty: no {B.output} of {B.group.name} up to degree {B.degree} in "
            "these inputs; raise the degree"
        )
    return B


def _flatten(data: dict, batch: tuple[int, ...], Y: np.ndarray):
    n = math.prod(batch)
    if n == 0:
        raise InvariantsError("no samples: the inputs have batch shape " + str(batch))
    flat = {k: v.reshape((n,) + v.shape[len(batch) :]) for k, v in data.items()}
    return flat, Y.reshape((n,) + Y.shape[len(batch) :]), n


def _underdetermined(B: Basis, samples: int) -> str | None:
    equations = samples * _independent(B)
    if equations >= len(B):
        return None
    per = _independent(B)
    what = f"{samples} samples" + (
        f" × {per} independent components of a {B.output} output" if per != 1 else ""
    )
    return (
        f"the fit has {len(B)} unknowns (basis terms) but only {equations} equations ({what}); "
        "add data, lower the degree, or pass ridge=… (e.g. ridge=1e-6)"
    )


def fit(
    B: Basis,
    inputs: Mapping[str, Any],
    y,
    *,
    ridge: float = 0.0,
    sparse: bool = False,
    threshold: float | None = None,
) -> FittedModel:
    """Fit ``y ≈ Σ_j c_j b_j(inputs)`` by least squares on the basis ``B``.

    ``inputs`` maps each input name of the basis to an array: ``(N,)`` for scalars, ``(N, d)``
    for vectors (lists and integer arrays are converted to float64). ``y`` has shape ``(N,)``
    for scalar outputs, ``(N, d)`` for vectors and ``(N, d, d)`` for rank-2 outputs. See the
    module docstring for ``ridge``, ``sparse`` and ``threshold`` (default for sparse fits:
    1% of the RMS of ``y``).

    >>> import numpy as np, invariants as inv
    >>> B = inv.basis("SO(3)", "p,q:vector", output="vector", degree=2)
    >>> rng = np.random.default_rng(2)
    >>> p, q = rng.normal(size=(2, 20, 3))
    >>> print(fit(B, {"p": p, "q": q}, np.cross(p, q) + p))
    [p,q,·] + p
    """
    B = _check_basis(B)
    ridge, sparse, threshold = _check_options(ridge, sparse, threshold)
    inputs = _expanded(B, inputs)
    data, batch = _check_inputs(B, inputs)
    Y = _check_y(B, y, batch)
    data, Y, n = _flatten(data, batch, Y)
    if ridge == 0 and (problem := _underdetermined(B, n)):
        raise InvariantsError(problem)
    kernel = _kernel(B)
    factor = _factorize(kernel, B, data, Y, np.arange(n), _precision(B, inputs))
    solved = _Scaled(factor)
    c = solved.coefficients(ridge, sparse, threshold)
    if sparse and threshold is None:
        threshold = solved.default_threshold
    if solved.rank < len(B) and ridge == 0 and not getattr(B, "features", None):
        warnings.warn(
            f"the {len(B)} basis features have numerical rank {solved.rank} on this data "
            f"(singular values below {solved.floor:.1e} of the largest are round-off): the "
            "coefficients are not unique (minimum-norm solution); add more varied data or pass "
            "ridge=…",
            RuntimeWarning,
            stacklevel=2,
        )
    return _model(B, c, solved, ridge, threshold if sparse else None, n, kernel)


def _model(B, c, solved: _Scaled, ridge, threshold, n, kernel) -> FittedModel:
    c = np.array(c, dtype=np.float64)
    scales = np.array(solved.scales, dtype=np.float64)
    c.setflags(write=False)
    scales.setflags(write=False)
    return FittedModel(B, c, scales, ridge, threshold, n, solved.rank, solved.floor, kernel)


@dataclass(frozen=True)
class CVScore:
    """One row of the cross-validation table: mean and standard error of the held-out MSE."""

    degree: int
    ridge: float
    terms: int
    mse: float  # mean over folds (inf if not fitted)
    se: float  # standard error of the mean over folds
    status: str  # "ok" or why it was skipped
    chosen: bool = False


@dataclass(frozen=True, eq=False)
class CVResult:
    """The refitted best model and the table of cross-validation scores.

    Unpacks as ``model, table = fit_cv(...)``.
    """

    model: FittedModel
    table: tuple[CVScore, ...]

    def __iter__(self) -> Iterator:
        return iter((self.model, self.table))

    @property
    def degree(self) -> int:
        return self.model.basis.degree

    @property
    def ridge(self) -> float:
        return self.model.ridge

    def __str__(self) -> str:
        lines = [f"{'degree':>6} {'ridge':>8} {'terms':>5} {'CV MSE':>11} {'± se':>10}"]
        for r in self.table:
            mark = "  ←" if r.chosen else ""
            if r.status == "ok":
                lines.append(
                    f"{r.degree:>6} {r.ridge:>8.0e} {r.terms:>5} {r.mse:>11.4e} {r.se:>10.2e}"
                    + mark
                )
            else:
                lines.append(f"{r.degree:>6} {r.ridge:>8.0e} {r.terms:>5}  ({r.status})")
        return "\n".join(lines)


def _bases(spec, degrees) -> list[Basis]:
    from .basis import basis as make_basis

    if isinstance(spec, Basis):
        if degrees is None:
            return [spec]
        at_degree = getattr(spec, "at_degree", None)  # identical particles: orbit sums again
        if at_degree is not None:
            return [at_degree(d) for d in degrees]
        kwargs = {}
        features = getattr(spec, "features", None)
        if features:
            kwargs["features"] = features
        inputs = _data_inputs(spec)
        return [
            spec if d == spec.degree else make_basis(spec.group, inputs, spec.output, d, **kwargs)
            for d in degrees
        ]
    if isinstance(spec, Mapping):
        args = dict(spec)
    elif isinstance(spec, (tuple, list)) and 2 <= len(spec) <= 3:
        args = dict(zip(("group", "inputs", "output"), spec))
    else:
        raise InvariantsError(
            "fit_cv takes a Basis, a (group, inputs[, output]) tuple or a dict with keys group, "
            f"inputs, output (and optionally features), got {type(spec).__name__}"
        )
    unknown = set(args) - {"group", "inputs", "output", "features"}
    if unknown or not {"group", "inputs"} <= set(args):
        raise InvariantsError(
            f"bad fit_cv specification {spec!r}: need keys group and inputs, optionally output "
            "and features"
        )
    degrees = (1, 2, 3, 4) if degrees is None else degrees
    extra = {"features": args["features"]} if args.get("features") else {}
    return [
        make_basis(args["group"], args["inputs"], args.get("output", "scalar"), d, **extra)
        for d in degrees
    ]


def fit_cv(
    spec,
    inputs: Mapping[str, Any],
    y,
    degrees: Sequence[int] | None = None,
    ridges: Sequence[float] = (0.0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2),
    folds: int = 5,
    seed: int = 0,
    *,
    sparse: bool = False,
    threshold: float | None = None,
    rule: str = "1se",
) -> CVResult:
    """Choose the degree and the ridge by k-fold cross-validation, then refit on all the data.

    ``spec`` is a :class:`~invariants.Basis` (its degree only, unless ``degrees`` is given), a
    tuple ``(group, inputs, output)`` or a dict with keys ``group``, ``inputs``, ``output`` and
    optionally ``features`` (default ``degrees``: 1 to 4). Folds are a random partition of the
    samples (``numpy.random.default_rng(seed)``); only the data passed in is used.

    Selection: for each degree the ridge with the lowest mean held-out MSE (ties within
    round-off go to the smaller ridge); then with ``rule="1se"`` the smallest degree whose score
    is within one standard error of the best (or within round-off, ``1e-12·mean(y²)``), with
    ``rule="min"`` the best (the smallest degree among scores equal up to round-off).
    Combinations with more unknowns than equations on a training fold are skipped unless their
    ridge is positive. ``sparse`` and ``threshold`` apply to every fit, as in :func:`fit`.

    >>> import numpy as np, invariants as inv
    >>> rng = np.random.default_rng(3)
    >>> p, q = rng.normal(size=(2, 300, 3))
    >>> y = np.einsum("ni,ni->n", p, q) ** 2 + 0.01 * rng.normal(size=300)
    >>> model, table = fit_cv(("O(3)", "p,q:vector"), {"p": p, "q": q}, y, degrees=(2, 4, 6))
    >>> model.basis.degree
    4
    """
    if rule not in ("1se", "min"):
        raise InvariantsError(f"rule must be '1se' or 'min', got {rule!r}")
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise InvariantsError(f"folds must be an integer ≥ 2, got {folds!r}")
    check_integer(seed, "seed")
    if degrees is not None:
        if isinstance(degrees, (str, bytes)) or not hasattr(degrees, "__iter__"):
            raise InvariantsError(
                f"degrees must be a list of integers, e.g. (2, 4), got {degrees!r}"
            )
        degrees = tuple(degrees)
        if not degrees or any(isinstance(d, bool) or not isinstance(d, int) for d in degrees):
            raise InvariantsError(f"degrees must be a non-empty list of integers, got {degrees!r}")
    if isinstance(ridges, (str, bytes)) or not hasattr(ridges, "__iter__"):
        raise InvariantsError(f"ridges must be a list of numbers ≥ 0, got {ridges!r}")
    ridges = tuple(ridges)
    if not ridges:
        raise InvariantsError("ridges must contain at least one value, e.g. (0.0, 1e-6)")
    for r in ridges:
        _check_options(r, sparse, threshold)
    bases = [b for b in _bases(spec, degrees) if len(b)]
    if not bases:
        raise InvariantsError("every basis is empty at these degrees; use higher degrees")
    B0 = bases[0]
    data, batch = _check_inputs(B0, inputs)
    Y = _check_y(B0, y, batch)
    data, Y, n = _flatten(data, batch, Y)
    if folds > n:
        raise InvariantsError(f"folds={folds} is more than the number of samples ({n})")
    order = np.random.default_rng(seed).permutation(n)
    parts = np.array_split(order, folds)
    floor = ROUNDOFF * float(np.mean(Y**2))
    precision = _precision(B0, inputs)

    rows: list[CVScore] = []
    best_by_degree: list[tuple[CVScore, Basis, _Factor, Any]] = []
    for B in bases:
        kernel = _kernel(B)
        factors = [_factorize(kernel, B, data, Y, np.sort(idx), precision) for idx in parts]
        trains = [_Factor.merge([f for j, f in enumerate(factors) if j != k]) for k in range(folds)]
        solvers = [_Scaled(t) for t in trains]
        scores = []
        for ridge in ridges:
            if ridge == 0 and any(_underdetermined(B, t.samples) for t in trains):
                scores.append(
                    CVScore(
                        B.degree, ridge, len(B), math.inf, math.inf, "underdetermined without ridge"
                    )
                )
                continue
            errs = []
            for k in range(folds):
                c = solvers[k].coefficients(ridge, sparse, threshold)
                errs.append(factors[k].sse(c) / factors[k].entries)
            errs = np.array(errs)
            se = float(errs.std(ddof=1) / math.sqrt(folds))
            scores.append(CVScore(B.degree, ridge, len(B), float(errs.mean()), se, "ok"))
        rows.extend(scores)
        ok = [s for s in scores if s.status == "ok"]
        if ok:
            low = min(s.mse for s in ok)
            best = min((s for s in ok if s.mse <= low + floor), key=lambda s: s.ridge)
            best_by_degree.append((best, B, _Factor.merge(factors), kernel))
    if not best_by_degree:
        raise InvariantsError(
            "every degree has more unknowns than equations on the training folds; "
            "add data, use lower degrees, or include a positive ridge in ridges=…"
        )
    top = min(best_by_degree, key=lambda t: t[0].mse)[0]
    bound = top.mse + (max(top.se, floor) if rule == "1se" else floor)
    chosen = min((t for t in best_by_degree if t[0].mse <= bound), key=lambda t: t[0].degree)
    score, B, factor, kernel = chosen
    solved = _Scaled(factor)
    c = solved.coefficients(score.ridge, sparse, threshold)
    if sparse and threshold is None:
        threshold = solved.default_threshold
    model = _model(B, c, solved, score.ridge, threshold if sparse else None, n, kernel)
    table = tuple(
        CVScore(r.degree, r.ridge, r.terms, r.mse, r.se, r.status, r is score) for r in rows
    )
    return CVResult(model, table)
