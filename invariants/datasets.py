"""The synthetic regression tasks of the EMLP paper (Finzi, Welling & Wilson, ICML 2021), as data
generators: ``(inputs, y)`` with ``inputs`` a dict of arrays keyed by input name.

>>> import numpy as np
>>> data, y = particle_interaction(4, np.random.default_rng(0))
>>> sorted(data), y.shape
(['p1', 'p2', 'p3', 'p4'], (4,))
"""

from __future__ import annotations

import numpy as np

__all__ = ["inertia", "o5_synthetic", "particle_interaction"]


def o5_synthetic(n: int, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``x1, x2 ∈ R⁵`` iid ``N(0, 1)``; ``y = sin‖x1‖ − ½‖x2‖³ + ⟨x1,x2⟩/(‖x1‖‖x2‖)`` (O(5))."""
    x = rng.normal(size=(n, 2, 5))
    x1, x2 = x[:, 0], x[:, 1]
    r1, r2 = np.linalg.norm(x1, axis=-1), np.linalg.norm(x2, axis=-1)
    y = np.sin(r1) - 0.5 * r2**3 + (x1 * x2).sum(-1) / (r1 * r2)
    return {"x1": x1, "x2": x2}, y


def inertia(
    n: int, rng: np.random.Generator, k: int = 5
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Masses ``m_i = softplus(z_i)``, ``z_i ~ N(0,1)``, positions ``x_i ~ N(0, I₃)``;
    ``y = Σ_i m_i (‖x_i‖² δ − x_i x_iᵀ)``, the inertia tensor (O(3), output ``sym``)."""
    m = np.logaddexp(0.0, rng.normal(size=(n, k)))  # softplus
    x = rng.normal(size=(n, k, 3))
    r2 = (x**2).sum(-1)[..., None, None]
    y = (m[..., None, None] * (r2 * np.eye(3) - x[..., :, None] * x[..., None, :])).sum(1)
    data = {f"x{i + 1}": x[:, i] for i in range(k)}
    data.update({f"m{i + 1}": m[:, i] for i in range(k)})
    return data, y


def particle_interaction(
    n: int, rng: np.random.Generator
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Electron–muon scattering: ``p1..p4 ∈ R⁴`` with entries ``N(0,1)/4``,
    ``η = diag(1,−1,−1,−1)``, ``L_e = p1 p3ᵀ − (p1·p3 − p1·p1) η``,
    ``L_μ = (ηp2)(ηp4)ᵀ − (p2·p4 − p2·p2) η``,
    ``y = 4 Σ_{μν} L_e^{μν} L_μ^{μν}`` (O(1,3), scalar output)."""
    eta = np.diag([1.0, -1.0, -1.0, -1.0])
    P = rng.normal(size=(n, 4, 4)) / 4
    p1, p2, p3, p4 = P.transpose(1, 0, 2)

    def dot(a, b):
        return ((a @ eta) * b).sum(-1)

    Le = p1[:, :, None] * p3[:, None, :] - (dot(p1, p3) - dot(p1, p1))[:, None, None] * eta
    Lmu = (p2 @ eta)[:, :, None] * (p4 @ eta)[:, None, :]
    Lmu = Lmu - (dot(p2, p4) - dot(p2, p2))[:, None, None] * eta
    y = 4 * (Le * Lmu).sum((-1, -2))
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4}, y
