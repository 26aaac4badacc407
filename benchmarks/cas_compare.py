"""Minimal integrity bases against Macaulay2, on shared cases in the same run.

For every case both sides compute, per multidegree up to a degree, the dimension of the invariants
and the number of minimal generators (``dim R_β − dim (R₊²)_β``, canonical by graded Nakayama):

- **ours**: ``inv.minimal_generators`` (public API), dimensions by ``inv.character_dimension``;
- **Macaulay2**, two standard methods, run as a subprocess on a generated script, wall clock, with
  a timeout per case:

  * ``lie``: an additive basis of the invariants of each multidegree as the common kernel, over Q,
    of the Lie-algebra derivations (``so(d)`` or ``so(1,3)``), intersected with the fixed space of
    one element per further component of the group (a reflection; for O(1,3) P and T) — the
    invariants of a group are those of its identity component fixed by the component group;
  * ``derksen``: the package InvariantRing (``linearlyReductiveAction`` with the ideal of the group,
    ``invariants(V, β)``: Derksen–Kemper, Computational Invariant Theory, Algorithm 4.5.1).

  Minimal generators are then counted in Macaulay2 by the textbook rank of all products
  ``R_γ · R_{β−γ}`` over Q.

It prints a table (case, our seconds, theirs, ratio theirs/ours, agreement of the counts, and of
the coefficients of our closed-form ``inv.hilbert_series`` with the CAS's dimensions) and,
when a CAS run times out, the degree it had finished. The library does not depend on Macaulay2;
this script says how to install it when it is absent (``apt-get install macaulay2``).

Usage: ``python benchmarks/cas_compare.py [--timeout SECONDS] [--quick]
[--method lie|derksen|both]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter

import invariants as inv
from invariants.spaces import parse_tensor_type

# (group, inputs, degree)
CASES = [
    ("O(3)", "A:sym", 6),
    ("O(3)", "A,B:sym", 6),
    ("O(3)", "A,B:sym", 8),
    ("SO(3)", "A:sym; v:vector", 6),
    ("O(3)", "p,q,r:vector", 6),
    ("O(3)", "p,q,r,s:vector", 4),
    ("O(1,3)", "F:skew; p:vector", 6),
]
QUICK = [("O(3)", "A:sym", 6), ("O(3)", "A,B:sym", 6), ("O(3)", "p,q,r:vector", 4)]


def parse_case(group: str, spec: str) -> tuple[int, list[float], bool, list[tuple[str, str]]]:
    """(d, metric diagonal, has reflections, [(name, type)]) of a case."""
    m = re.fullmatch(r"(S?O)\((\d+)(?:,(\d+))?\)", group)
    if not m:
        raise ValueError(f"unsupported group {group!r}")
    special = m.group(1) == "SO"
    if m.group(3):
        p, q = int(m.group(2)), int(m.group(3))
        d, eta = p + q, [1] * p + [-1] * q
    else:
        d, eta = int(m.group(2)), [1] * int(m.group(2))
    inputs = [(i.name, i.type) for i in inv.parse_inputs(spec)]
    return d, eta, not special, inputs


def variables(name: str, kind: str, d: int) -> list[tuple[str, tuple[int, ...]]]:
    """Coordinate names of an input and the index tuple each stands for."""
    if kind == "vector":
        return [(f"{name}{i}", (i,)) for i in range(d)]
    if kind == "sym":
        return [(f"{name}{i}{j}", (i, j)) for i in range(d) for j in range(i, d)]
    if kind == "skew":
        return [(f"{name}{i}{j}", (i, j)) for i in range(d) for j in range(i + 1, d)]
    raise ValueError(f"type {kind!r} is not in this benchmark")


def m2_matrix_of(name: str, kind: str, d: int, ring: str) -> str:
    """Macaulay2 expression of the input as a column (vector) or a d×d matrix over ``ring``."""
    if kind == "vector":
        return "sub(matrix{" + ",".join(f"{{{name}{i}}}" for i in range(d)) + "}," + ring + ")"
    rows = []
    for i in range(d):
        row = []
        for j in range(d):
            if i == j:
                row.append(f"{name}{i}{i}" if kind == "sym" else "0")
            elif i < j:
                row.append(f"{name}{i}{j}")
            else:
                row.append(f"{name}{j}{i}" if kind == "sym" else f"-{name}{j}{i}")
        rows.append("{" + ",".join(row) + "}")
    return "sub(matrix{" + ",".join(rows) + "}," + ring + ")"


def m2_images(inputs, d: int, g: str, ring: str) -> list[str]:
    """Macaulay2 lines appending to ``imgs`` the images of the coordinates under the group element
    ``g`` (vector ↦ g v, tensor ↦ g T gᵀ), in the order of ``variables``."""
    out = []
    for name, kind in inputs:
        out.append(f"img = {g}*{m2_matrix_of(name, kind, d, ring)}")
        if kind != "vector":
            out[-1] += f"*transpose({g})"
        for _, idx in variables(name, kind, d):
            out.append(f"imgs = append(imgs, img_({idx[0]},{idx[1] if len(idx) > 1 else 0}))")
    return out


def m2_script(group: str, spec: str, degree: int, method: str) -> str:
    d, eta, reflections, inputs = parse_case(group, spec)
    names = [v for n, k in inputs for v, _ in variables(n, k, d)]
    degs = []
    for i, (n, k) in enumerate(inputs):
        unit = "{" + ",".join("1" if j == i else "0" for j in range(len(inputs))) + "}"
        degs += [unit] * len(variables(n, k, d))
    etam = "diagonalMatrix(QQ,{" + ",".join(map(str, eta)) + "})"
    lines = [
        'needsPackage "InvariantRing"',
        f"R = QQ[{','.join(names)}, Degrees=>{{{','.join(degs)}}}]",
        f"eta = {etam}",
        "n = numgens R",
    ]
    # group elements of the other components: reflections of one space coordinate, and for an
    # indefinite metric also of the time coordinate (P and T generate O(1,3)/SO+(1,3)).
    comps = []
    if reflections:
        comps.append([(-1 if i == d - 1 else 1) for i in range(d)])
        if -1 in eta:
            comps.append([(-1 if i == 0 else 1) for i in range(d)])
    if method == "lie":
        lines.append("X = {}")
        for i, j in itertools.combinations(range(d), 2):
            s = eta[i] * eta[j]
            lines.append(
                f"X = append(X, map(QQ^{d},QQ^{d},(a,b)->if a=={i} and b=={j} then 1 "
                f"else if a=={j} and b=={i} then {-s} else 0))"
            )
        lines.append("derivs = apply(X, x -> (imgs = {};")
        # derivative of g T gᵀ at g = 1 along x: x T + T xᵀ
        for name, kind in inputs:
            mat = m2_matrix_of(name, kind, d, "R")
            expr = f"sub(x,R)*{mat}" + ("" if kind == "vector" else f" + {mat}*transpose sub(x,R)")
            lines.append(f"  img = {expr};")
            for _, idx in variables(name, kind, d):
                lines.append(
                    f"  imgs = append(imgs, img_({idx[0]},{idx[1] if len(idx) > 1 else 0}));"
                )
        lines.append("  imgs))")
        lines.append("comps = {}")
        for c in comps:
            lines.append(
                f"comps = append(comps, (x = diagonalMatrix(QQ,{{{','.join(map(str, c))}}});"
                " imgs = {};"
            )
            for name, kind in inputs:
                mat = m2_matrix_of(name, kind, d, "R")
                expr = f"sub(x,R)*{mat}" + ("" if kind == "vector" else "*transpose sub(x,R)")
                lines.append(f"  img = {expr};")
                for _, idx in variables(name, kind, d):
                    lines.append(
                        f"  imgs = append(imgs, img_({idx[0]},{idx[1] if len(idx) > 1 else 0}));"
                    )
            lines.append("  map(R,R,imgs)))")
        lines += [
            "invs = beta -> (",
            "  B := basis(beta, R);",
            "  if numColumns B == 0 then return {};",
            # one block of rows per derivation: D(B) = sum_j (d x_j) * dB/dx_j
            "  Ds := select(apply(derivs, L -> sum(n, j -> diff(R_j, B) * L#j)), D -> D != 0);",
            "  F := B;",
            "  if #Ds > 0 then (",
            "    C := fold((a, b) -> a || b, apply(Ds, D -> lift(last coefficients D, QQ)));",
            "    F = B * sub(gens ker C, R));",
            "  for phi in comps do (",
            "    if numColumns F > 0 then (",
            "      D := phi(F) - F;",
            "      if D != 0 then F = F * sub(gens ker lift(last coefficients D, QQ), R)));",
            "  flatten entries F)",
        ]
    else:
        lines += [
            f"S = QQ[z_1..z_{d * d}]",
            f"G = genericMatrix(S,{d},{d})",
            "I = ideal(flatten entries (transpose G * sub(eta,S) * G - sub(eta,S)))",
        ]
        if not reflections:
            lines.append("I = I + ideal(det G - 1)")
        lines += [
            f"T = S[{','.join(names)}]",
            "GT = sub(G,T)",
            "imgs = {}",
            *[
                line.replace(" R)", " T)").replace(",R)", ",T)")
                for line in m2_images(inputs, d, "GT", "T")
            ],
            "M = sub(transpose (last coefficients(matrix{imgs}, Monomials=>vars T)), S)",
            "V = linearlyReductiveAction(I, M, R)",
            "invs = beta -> invariants(V, beta)",
        ]
    k = len(inputs)
    lines += [
        "done = new MutableHashTable",
        f"for total from 1 to {degree} do (",
        f"  for beta in compositions({k}, total) do (",
        "    L := invs beta; done#beta = L;",
        "    P := flatten flatten for gamma in keys done list (",
        "      delta := beta - gamma;",
        "      if all(gamma, a -> a >= 0) and all(delta, a -> a >= 0) and gamma != beta and "
        "done#?delta and gamma <= delta then",
        "        flatten table(done#gamma, done#delta, (f, h) -> f*h) else {});",
        "    r := if #P == 0 then 0 else rank lift(last coefficients matrix{P}, QQ);",
        '    stdio << "RESULT " << toString beta << " " << #L << " " << (#L - r)',
        "      << endl << flush);",
        '  stdio << "DEGREE " << total << endl << flush)',
    ]
    return "\n".join(lines) + "\n"


def run_m2(script: str, timeout: float) -> tuple[float, dict, int, bool]:
    """(seconds, {multidegree: (dim, minimal generators)}, last finished degree, timed out)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "case.m2")
        with open(path, "w") as f:
            f.write(script)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                ["M2", "--script", path],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=tmp,
            )
            out, timed_out = proc.stdout, False
            if proc.returncode != 0:
                raise RuntimeError(f"Macaulay2 failed:\n{proc.stderr[-2000:]}")
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            timed_out = True
        elapsed = time.perf_counter() - start
    results, reached = {}, 0
    for line in out.splitlines():
        if line.startswith("RESULT "):
            m = re.fullmatch(r"RESULT \{([\d, ]*)\} (\d+) (\d+)", line.strip())
            beta = tuple(int(x) for x in m.group(1).split(","))
            results[beta] = (int(m.group(2)), int(m.group(3)))
        elif line.startswith("DEGREE "):
            reached = int(line.split()[1])
    return elapsed, results, reached, timed_out


def ours(group: str, spec: str, degree: int) -> tuple[float, dict, dict]:
    """(seconds, {multidegree: minimal generators}, {multidegree: dim}) from the public API."""
    inv.clear_caches()
    start = time.perf_counter()
    r = inv.minimal_generators(group, spec, degree)
    elapsed = time.perf_counter() - start
    g = inv.parse_group(group)
    types = [
        parse_tensor_type(i.type) if i.type != "vector" else "vector"
        for i in inv.parse_inputs(spec)
    ]
    dims = {}
    for total in range(1, degree + 1):
        for beta in compositions(len(types), total):
            dims[beta] = inv.character_dimension(g.family, g.d, types, beta)
    return elapsed, Counter(tuple(x.multidegree) for x in r.generators), dims


def compositions(k: int, total: int):
    if k == 1:
        yield (total,)
        return
    for first in range(total, -1, -1):
        for rest in compositions(k - 1, total - first):
            yield (first,) + rest


def agreement(results: dict, mine: Counter, dims: dict, reached: int) -> str:
    bad = [
        beta
        for beta, (dim, gens) in results.items()
        if sum(beta) <= reached and (dim != dims[beta] or gens != mine.get(beta, 0))
    ]
    if bad:
        return "DISAGREE at " + ", ".join(
            f"{b}: ours dim {dims[b]} gens {mine.get(b, 0)}, "
            f"M2 dim {results[b][0]} gens {results[b][1]}"
            for b in bad
        )
    n = sum(g for b, (_, g) in results.items() if sum(b) <= reached)
    return f"agree ({n} generators, {sum(1 for b in results if sum(b) <= reached)} multidegrees)"


def series_check(group: str, spec: str, results: dict, reached: int) -> str:
    """Our closed-form Hilbert series (``inv.hilbert_series``) against the CAS's dimensions."""
    coefficients = inv.hilbert_series(group, spec).coefficients(reached + 1)
    cas = [1] + [
        sum(dim for b, (dim, _) in results.items() if sum(b) == k) for k in range(1, reached + 1)
    ]
    if coefficients == cas:
        return f"series agree to degree {reached}"
    return f"SERIES DISAGREE: ours {coefficients}, M2 {cas}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--method", choices=["lie", "derksen", "both"], default="both")
    args = ap.parse_args()
    if shutil.which("M2") is None:
        print("Macaulay2 is not installed: `apt-get install macaulay2` (Debian), then run again.")
        return
    version = subprocess.run(["M2", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"Macaulay2 {version}; timeout {args.timeout:.0f} s per case and method; wall clock")
    inv.minimal_generators("O(3)", "A:sym; v:vector", 2)  # imports and first-call set-up, untimed
    t0 = time.perf_counter()
    subprocess.run(
        ["M2", "--script", "/dev/stdin"], input='needsPackage "InvariantRing"\n', text=True
    )
    print(f"Macaulay2 start-up with InvariantRing: {time.perf_counter() - t0:.2f} s (in its times)")
    methods = ["lie", "derksen"] if args.method == "both" else [args.method]
    head = f"{'case':>30} {'deg':>3} {'ours s':>7} {'method':>8} {'M2 s':>8} {'M2/ours':>8}  counts"
    print(head)
    for group, spec, degree in QUICK if args.quick else CASES:
        t_ours, mine, dims = ours(group, spec, degree)
        for method in methods:
            t, results, reached, timed_out = run_m2(
                m2_script(group, spec, degree, method), args.timeout
            )
            if timed_out:
                theirs = f"{'timeout':>8} {'—':>8}  M2 finished degree {reached} of {degree}; "
            else:
                theirs = f"{t:>8.2f} {t / t_ours:>7.0f}×  "
            print(
                f"{group + ' ' + spec:>30} {degree:>3} {t_ours:>7.2f} {method:>8} {theirs}"
                f"{agreement(results, mine, dims, reached)}; "
                f"{series_check(group, spec, results, reached)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
