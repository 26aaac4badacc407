"""Arithmetic modulo a prime ``p < 2**31`` on int64 NumPy arrays, and ranks with FLINT.

Products of two residues are below ``2**62``, so ``(a * b) % p`` is exact in int64.

>>> int(det_mod(np.array([[[2, 1], [1, 1]]]), 7)[0])
1
"""

from __future__ import annotations

import itertools

import flint
import numpy as np

PRIME = 2_147_483_647  # 2**31 - 1, a Mersenne prime


def pow_mod(a: np.ndarray, e: int, p: int) -> np.ndarray:
    """Elementwise ``a**e mod p``."""
    result = np.ones_like(a)
    base = a % p
    while e:
        if e & 1:
            result = result * base % p
        base = base * base % p
        e >>= 1
    return result


def det_mod(mats: np.ndarray, p: int) -> np.ndarray:
    """Determinants mod ``p`` of a stack of integer matrices ``(..., n, n)``, vectorized.

    Gaussian elimination with a per-matrix choice of a non-zero pivot; for ``n <= 3`` the
    Leibniz formula (a few multiplies instead of a modular inverse per column).
    """
    A = np.array(mats, dtype=np.int64) % p
    shape = A.shape[:-2]
    n = A.shape[-1]
    if n <= 3:
        return _leibniz_mod(A, p)
    A = A.reshape(-1, n, n)
    m = len(A)
    det = np.ones(m, dtype=np.int64)
    rows = np.arange(m)
    for c in range(n):
        nonzero = A[:, c:, c] != 0
        has = nonzero.any(axis=1)
        det[~has] = 0
        piv = c + np.argmax(nonzero, axis=1)
        swap = has & (piv != c)
        if swap.any():
            top = A[rows, c].copy()
            A[rows, c] = A[rows, piv]
            A[rows, piv] = top
            det[swap] = (p - det[swap]) % p
        pivot = A[:, c, c]
        det = det * pivot % p
        inv = pow_mod(np.where(has, pivot, 1), p - 2, p)
        factors = A[:, c + 1 :, c] * inv[:, None] % p  # (m, n-c-1)
        A[:, c + 1 :, :] = (A[:, c + 1 :, :] - factors[:, :, None] * A[:, c, None, :] % p) % p
    return det.reshape(shape)


def _leibniz_mod(A: np.ndarray, p: int) -> np.ndarray:
    """``Σ_σ sign(σ) Π_i A[i, σ(i)] mod p`` over a stack of residue matrices (small ``n``)."""
    n = A.shape[-1]
    total = np.zeros(A.shape[:-2], dtype=np.int64)
    for sigma in itertools.permutations(range(n)):
        term = np.ones(A.shape[:-2], dtype=np.int64)
        for i, j in enumerate(sigma):
            term = term * A[..., i, j] % p
        inversions = sum(a > b for a, b in itertools.combinations(sigma, 2))
        total = (total + (p - term if inversions % 2 else term)) % p
    return total


def rank_and_pivots(matrix: np.ndarray, p: int) -> tuple[int, list[int]]:
    """Rank mod ``p`` of a 2-D residue array and its pivot columns (earliest independent ones)."""
    rows, cols = matrix.shape
    if rows == 0 or cols == 0:
        return 0, []
    M = flint.nmod_mat(rows, cols, [int(x) for x in matrix.ravel()], p)
    R, rank = M.rref()
    pivots: list[int] = []
    entries = R.entries()
    for i in range(rank):
        for j in range(pivots[-1] + 1 if pivots else 0, cols):
            if int(entries[i * cols + j]) != 0:
                pivots.append(j)
                break
    return rank, pivots


def det_mod_flint(matrix: np.ndarray, p: int) -> int:
    """Determinant mod ``p`` of one square residue matrix."""
    n = matrix.shape[0]
    if n == 0:
        return 1
    return int(flint.nmod_mat(n, n, [int(x) for x in matrix.ravel()], p).det())
