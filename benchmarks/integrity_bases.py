"""How long do minimal generating sets (integrity bases) of tensor inputs take?

Prints, in one run:

1. ``minimal_generators`` on the classical cases (seconds, number of generators, proof status);
2. the same selection done the straightforward way, measured in the same run on shared cases: every
   product of generators expanded as a SymPy polynomial in the tensor components and the rank
   taken over Q from its coefficients (the textbook procedure), against ours (values mod p at
   points, character counts): the ratio.

Usage: ``python benchmarks/integrity_bases.py [--quick]``.
"""

from __future__ import annotations

import sys
import time

import flint
import sympy

import invariants as inv
from invariants.contractions import connected_contractions
from invariants.counting import character_dimension
from invariants.minimal import _compositions, _exponents, coordinates
from invariants.spaces import parse_tensor_type

CASES = [
    ("O(3)", "A:sym", "scalar", 8),
    ("O(3)", "A,B:sym", "scalar", 8),
    ("O(3)", "A:sym; W:skew", "scalar", 8),
    ("O(3)", "M:matrix", "scalar", 8),
    ("O(3)", "S:dev; R:skew", "dev", 8),
    ("SO(3)", "A:sym; v:vector", "scalar", 8),
    ("O(1,3)", "F:skew; p:vector", "scalar", 8),
    ("O(3)", "A,B,C:sym", "scalar", 6),
]

SHARED = [("O(3)", {"A": "sym", "B": "sym"}, 4), ("O(3)", {"A": "sym", "B": "sym"}, 6)]


def timed(f, *args, **kwargs):
    start = time.perf_counter()
    out = f(*args, **kwargs)
    return time.perf_counter() - start, out


def symbolic_selection(group: str, inputs: dict, degree: int) -> int:
    """The textbook procedure: expand every product, rank of coefficient vectors over Q."""
    G = inv.parse_group(group)
    types = {n: parse_tensor_type(t) if t != "vector" else t for n, t in inputs.items()}
    names = tuple(types)
    coords = coordinates(G.d, types)
    contractions = connected_contractions(types, degree)
    kept, polys = [], {}
    for total in range(1, degree + 1):
        for beta in _compositions(total, len(names)):
            dim = character_dimension(G.family, G.d, [types[n] for n in names], beta)
            degs = [c.multidegree(names) for c in kept]
            rows = [
                sympy.expand(sympy.Mul(*(polys[c] ** e for c, e in zip(kept, m))))
                for m in _exponents(degs, beta)
            ]
            for c in contractions:
                if c.multidegree(names) != beta or _rank(rows) >= dim:
                    continue
                p = c.expression(coords, G.metric)
                if _rank(rows + [p]) > _rank(rows):
                    kept.append(c)
                    polys[c] = p
                    rows.append(p)
    return len(kept)


def _rank(polys) -> int:
    if not polys:
        return 0
    gens = sorted(set().union(*(p.free_symbols for p in polys)), key=str)
    dicts = [sympy.Poly(p, *gens).as_dict() for p in polys]
    keys = sorted({k for d in dicts for k in d})
    M = flint.fmpq_mat(len(dicts), len(keys), [int(d.get(k, 0)) for d in dicts for k in keys])
    return M.rank()


def main() -> None:
    quick = "--quick" in sys.argv
    print("1. minimal generating sets")
    print(f"{'group':>8} {'inputs':>18} {'output':>7} {'deg':>4} {'time s':>8} {'gens':>5}  status")
    for group, inputs, output, degree in CASES[: 4 if quick else None]:
        t, r = timed(inv.minimal_generators, group, inputs, degree, output=output)
        status = "complete" if r.complete else f"complete to {r.complete_to_degree}"
        print(
            f"{group:>8} {inputs:>18} {output:>7} {degree:>4} {t:>8.2f} {len(r.generators):>5}  "
            f"{status}"
        )
    print("\n2. against the textbook procedure (symbolic expansion, rank over Q), same run")
    print(f"{'case':>26} {'ours s':>8} {'symbolic s':>11} {'ratio':>7}")
    for group, inputs, degree in SHARED[: 1 if quick else None]:
        spec = "; ".join(f"{n}:{t}" for n, t in inputs.items())
        t_ours, r = timed(inv.minimal_generators, group, spec, degree)
        t_sym, count = timed(symbolic_selection, group, inputs, degree)
        assert count == len(r.generators), (count, len(r.generators))
        label = f"{group} {spec} deg {degree}"
        print(f"{label:>26} {t_ours:>8.3f} {t_sym:>11.3f} {t_sym / t_ours:>6.0f}×")


if __name__ == "__main__":
    main()
