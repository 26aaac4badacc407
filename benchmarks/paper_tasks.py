"""The three regression tasks of the EMLP paper (Finzi, Welling & Wilson, 2021), fitted by least
squares on a verified invariant/equivariant polynomial basis (:func:`invariants.fit_cv`).

Tasks (data as in EMLP's ``datasets.py``):

* **O5Synthetic** — ``x1, x2 ∈ R⁵`` iid ``N(0, 1)``; ``y = sin‖x1‖ − ½‖x2‖³ + ⟨x1,x2⟩/(‖x1‖‖x2‖)``;
  O(5), scalar output. Not a polynomial: two models, the polynomial basis in the inner products,
  and the same basis with the derived invariant inputs ``features=("norms", "cosines")``.
* **Inertia** — ``m_i = softplus(z_i)``, ``z_i ~ N(0, 1)``, ``x_i ~ N(0, I₃)``, ``i = 1..5``;
  ``I = Σ m_i (‖x_i‖² δ − x_i x_iᵀ)``; O(3), sym output, degree 3. A polynomial in the basis.
  Fitted twice: the bodies as distinct inputs (236 terms), and as 5 identical bodies
  ``5*(m:scalar; x:vector)`` (19 orbit sums under S_5).
* **ParticleInteraction** — ``p1..p4 ∈ R⁴``, entries ``N(0, 1)/4``, Minkowski metric; the
  electron–muon matrix element ``y = 4 Σ_{μν} L_e^{μν} L_μ^{μν}``; O(1,3), scalar output,
  degree 4. A polynomial in the basis.

For each training size ``N`` and seed, the degree (O5Synthetic) and the ridge are chosen by 5-fold
cross-validation on the training set only (``rule="min"``), the model is refitted on the whole
training set and scored on 5000 fresh test points (MSE over all samples and tensor entries, as
in EMLP). Prints a table (mean ± std over seeds) with EMLP's published test MSE, the recovered
formulas, and writes ``benchmarks/results/paper_tasks.json`` and ``docs/benchmark_mse.svg``.

Usage: ``python benchmarks/paper_tasks.py [--quick] [--no-plot] [--only TASK:METHOD]``.
``--only`` reruns one method (e.g. ``--only "Inertia:poly, 5 identical bodies"``) at the full sizes
and seeds and merges it into the existing results file; the plot is redrawn from the merged
results, so the other rows are kept as they were measured.
"""

from __future__ import annotations

import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np
import sympy

import invariants
from invariants.datasets import inertia, o5_synthetic, particle_interaction
from invariants.fitting import fit_cv
from invariants.symmetric_kernels import symmetric_basis

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "paper_tasks.json"
PLOT = ROOT / "docs" / "benchmark_mse.svg"

FULL_SIZES = (30, 100, 300, 1000, 3000, 10000, 30000)
QUICK_SIZES = (30, 300, 3000)
N_TEST = 5000
RIDGES = (0.0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0)

#: EMLP test MSE (mean of 3 runs) at N = 30, 300, 3000, 30000, as published.
EMLP = {
    "O5Synthetic": ("EMLP-O(5)", {30: 0.152, 300: 0.0344, 3000: 0.0310, 30000: 0.0273}),
    "Inertia": ("EMLP-O(3)", {30: 4.11, 300: 0.304, 3000: 0.0282, 30000: 0.0141}),
    "ParticleInteraction": (
        "EMLP-O(1,3)",
        {30: 0.540, 300: 0.00195, 3000: 0.000266, 30000: 0.000158},
    ),
}


# ---------------------------------------------------------------------------------------------
# Tasks (data generators in invariants.datasets)


#: Marks a specification of a symmetric basis (identical particles, G × S_n): built once with
#: :func:`invariants.symmetric_kernels.symmetric_basis` and passed to fit_cv as a Basis.
SYMMETRIC = "symmetric"
_SYMMETRIC_BASES: dict = {}


def resolve(spec):
    """A fit_cv specification; symmetric bases are built (once) here."""
    if isinstance(spec, tuple) and spec[0] == SYMMETRIC:
        if spec not in _SYMMETRIC_BASES:
            _SYMMETRIC_BASES[spec] = symmetric_basis(*spec[1:])
        return _SYMMETRIC_BASES[spec]
    return spec


#: task -> (data generator, {method: fit_cv specification and degrees})
TASKS = {
    "O5Synthetic": (
        o5_synthetic,
        {
            "poly": (("O(5)", "x1,x2:vector", "scalar"), (2, 4, 6, 8, 10, 12, 14, 16)),
            "poly+norms,cosines": (
                {
                    "group": "O(5)",
                    "inputs": "x1,x2:vector",
                    "output": "scalar",
                    "features": ("norms", "cosines"),
                },
                (1, 2, 3, 4, 5, 6),
            ),
        },
    ),
    "Inertia": (
        inertia,
        {
            "poly": (("O(3)", "x1,x2,x3,x4,x5:vector; m1,m2,m3,m4,m5:scalar", "sym"), (3,)),
            # the bodies are identical: orbit sums under S_5 (invariants.symmetric_kernels)
            "poly, 5 identical bodies": (
                (SYMMETRIC, "O(3)", "5*(m:scalar; x:vector)", "sym", 3),
                None,
            ),
        },
    ),
    "ParticleInteraction": (
        particle_interaction,
        {"poly": (("O(1,3)", "p1,p2,p3,p4:vector", "scalar"), (4,))},
    ),
}


def true_laws() -> dict[str, sympy.Expr]:
    """The laws of the polynomial tasks, in the symbols of :meth:`FittedModel.formula`."""
    S = sympy.Symbol
    inertia_law = sum(
        S(f"m{i}") * S(f"x{i}·x{i}") * S("η") - S(f"m{i}") * S(f"x{i}⊗x{i}") for i in range(1, 6)
    )
    d = {(i, j): S(f"p{i}·p{j}") for i in range(1, 5) for j in range(i, 5)}
    # 4 Σ L_e L_μ = 4[(p1·p2)(p3·p4) − (p2·p4 − p2·p2)(p1·p3) − (p1·p3 − p1·p1)(p2·p4)
    #               + 4 (p1·p3 − p1·p1)(p2·p4 − p2·p2)]   (Σ_{μν} η^{μν} η^{μν} = 4)
    particle_law = 4 * (
        d[1, 2] * d[3, 4]
        - (d[2, 4] - d[2, 2]) * d[1, 3]
        - (d[1, 3] - d[1, 1]) * d[2, 4]
        + 4 * (d[1, 3] - d[1, 1]) * (d[2, 4] - d[2, 2])
    )
    return {"Inertia": inertia_law, "ParticleInteraction": sympy.expand(particle_law)}


def train_seed(task: str, seed: int, n: int) -> list[int]:
    return [sum(map(ord, task)), seed, n]


def test_seed(task: str, seed: int) -> list[int]:
    return [sum(map(ord, task)), seed, 10**9]


# ---------------------------------------------------------------------------------------------
# Runs


def run(sizes, seeds, log=print) -> dict:
    results: dict = {}
    formulas: dict = {}
    laws = true_laws()
    for task, (make, methods) in TASKS.items():
        results[task] = {}
        for seed in seeds:
            test_x, test_y = make(N_TEST, np.random.default_rng(test_seed(task, seed)))
            mean_sq = float(np.mean(test_y**2))
            for n in sizes:
                train_x, train_y = make(n, np.random.default_rng(train_seed(task, seed, n)))
                for method, (spec, degrees) in methods.items():
                    start = time.perf_counter()
                    model, _ = fit_cv(
                        resolve(spec),
                        train_x,
                        train_y,
                        degrees=degrees,
                        ridges=RIDGES,
                        folds=5,
                        seed=seed,
                        rule="min",
                    )
                    mse = model.score(test_x, test_y)
                    seconds = time.perf_counter() - start
                    row = results[task].setdefault(method, {}).setdefault(str(n), [])
                    record = {
                        "seed": seed,
                        "mse": mse,
                        "relative_mse": mse / mean_sq,
                        "degree": model.basis.degree,
                        "terms": len(model.basis),
                        "ridge": model.ridge,
                        "seconds": seconds,
                    }
                    if task in laws:
                        record["formula_exact"] = bool(
                            sympy.expand(model.formula() - laws[task]) == 0
                        )
                    row.append(record)
                    log(
                        f"  {task:<20} {method:<19} N={n:<6} seed={seed} "
                        f"degree={model.basis.degree} ridge={model.ridge:<6g} "
                        f"test MSE={mse:.3e} ({seconds:.1f} s)"
                    )
                    if task != "O5Synthetic" and seed == seeds[0] and n == max(sizes):
                        formulas[task] = str(model.formula())
    return {"results": results, "formulas": formulas}


def summarize(results: dict) -> dict:
    """Mean and standard deviation over seeds."""
    out = {}
    for task, methods in results.items():
        out[task] = {}
        for method, by_n in methods.items():
            out[task][method] = {}
            for n, runs in by_n.items():
                mses = np.array([r["mse"] for r in runs])
                rel = np.array([r["relative_mse"] for r in runs])
                out[task][method][n] = {
                    "mse_mean": float(mses.mean()),
                    "mse_std": float(mses.std()),
                    "relative_mse_mean": float(rel.mean()),
                    "degrees": sorted({r["degree"] for r in runs}),
                    "seconds_mean": float(np.mean([r["seconds"] for r in runs])),
                }
                if "formula_exact" in runs[0]:
                    out[task][method][n]["formula_exact"] = all(r["formula_exact"] for r in runs)
    return out


def table(summary: dict, sizes) -> str:
    """A Markdown table: ours (mean ± std) next to EMLP's published numbers."""
    lines = [
        "| task | model | " + " | ".join(f"N={n}" for n in sizes) + " |",
        "| --- | --- | " + " | ".join("---" for _ in sizes) + " |",
    ]
    for task, methods in summary.items():
        for method, by_n in methods.items():
            cells = []
            for n in sizes:
                s = by_n[str(n)]
                cells.append(f"{s['mse_mean']:.3g} ± {s['mse_std']:.2g}")
            lines.append(f"| {task} | ours: {method} | " + " | ".join(cells) + " |")
        name, published = EMLP[task]
        cells = [f"{published[n]:.3g}" if n in published else "" for n in sizes]
        lines.append(f"| {task} | {name} (published) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# A small SVG plot (no matplotlib): log-log test MSE against N, one panel per task


COLORS = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd")


def svg_plot(summary: dict, sizes) -> str:
    panel_w, panel_h, margin = 300, 260, 60
    tasks = list(summary)
    width = margin + len(tasks) * (panel_w + margin)
    height = panel_h + 2 * margin + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    xlo, xhi = math.log10(min(sizes)) - 0.1, math.log10(max(sizes)) + 0.1
    for k, task in enumerate(tasks):
        x0, y0 = margin + k * (panel_w + margin), margin
        series = []
        for i, (method, by_n) in enumerate(summary[task].items()):
            pts = [(n, by_n[str(n)]["mse_mean"]) for n in sizes]
            series.append((f"ours: {method}", COLORS[i], pts, True))
        name, published = EMLP[task]
        series.append((f"{name} (published)", "#ff7f0e", sorted(published.items()), False))
        values = [v for _, _, pts, _ in series for _, v in pts if v > 0]
        ylo = math.floor(math.log10(min(values)))
        yhi = math.ceil(math.log10(max(values)))
        if yhi == ylo:
            yhi += 1

        def px(n, x0=x0):
            return x0 + (math.log10(n) - xlo) / (xhi - xlo) * panel_w

        def py(v, y0=y0, ylo=ylo, yhi=yhi):
            return y0 + panel_h - (math.log10(max(v, 10.0**ylo)) - ylo) / (yhi - ylo) * panel_h

        parts.append(
            f'<rect x="{x0}" y="{y0}" width="{panel_w}" height="{panel_h}" fill="none" '
            'stroke="black"/>'
        )
        parts.append(
            f'<text x="{x0 + panel_w / 2}" y="{y0 - 10}" text-anchor="middle" '
            f'font-size="13" font-weight="bold">{task}</text>'
        )
        step = max(1, (yhi - ylo) // 8)
        for e in range(ylo, yhi + 1, step):
            y = py(10.0**e)
            parts.append(
                f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + panel_w}" y2="{y:.1f}" stroke="#ddd"/>'
            )
            parts.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">1e{e}</text>')
        for n in sizes:
            x = px(n)
            parts.append(
                f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + panel_h}" stroke="#eee"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{y0 + panel_h + 14}" text-anchor="middle">{n}</text>'
            )
        parts.append(
            f'<text x="{x0 + panel_w / 2}" y="{y0 + panel_h + 30}" text-anchor="middle">'
            "training samples N</text>"
        )
        if k == 0:
            parts.append(
                f'<text x="14" y="{y0 + panel_h / 2}" text-anchor="middle" '
                f'transform="rotate(-90 14 {y0 + panel_h / 2})">test MSE</text>'
            )
        for j, (label, color, pts, line) in enumerate(series):
            coords = [(px(n), py(v)) for n, v in pts]
            if line:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
                )
            for x, y in coords:
                shape = (
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>'
                    if line
                    else f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
                    f'fill="none" stroke="{color}" stroke-width="2"/>'
                )
                parts.append(shape)
            ly = y0 + panel_h + 46 + 14 * j
            parts.append(
                f'<line x1="{x0}" y1="{ly - 4}" x2="{x0 + 18}" y2="{ly - 4}" stroke="{color}" '
                'stroke-width="2"/>'
                if line
                else f'<rect x="{x0 + 5}" y="{ly - 8}" width="8" height="8" fill="none" '
                f'stroke="{color}" stroke-width="2"/>'
            )
            parts.append(f'<text x="{x0 + 24}" y="{ly}">{label}</text>')
    parts.append("</svg>")
    # Legends can run below the panels: grow the canvas to fit them.
    rows = max(len(summary[t]) + 1 for t in tasks)
    needed = margin + panel_h + 46 + 14 * rows
    svg = "\n".join(parts)
    return svg.replace(f'height="{height}"', f'height="{max(height, needed)}"', 1).replace(
        f"0 0 {width} {height}", f"0 0 {width} {max(height, needed)}", 1
    )


def restrict(only: str) -> None:
    """Keep only the method ``TASK:METHOD`` in :data:`TASKS`."""
    task, _, method = only.partition(":")
    if task not in TASKS or method not in TASKS[task][1]:
        choices = ", ".join(f"{t}:{m}" for t, (_, ms) in TASKS.items() for m in ms)
        raise SystemExit(f"--only {only!r}: expected one of {choices}")
    make, methods = TASKS[task]
    TASKS.clear()
    TASKS[task] = (make, {method: methods[method]})


def merged(out: dict) -> dict:
    """The existing results with the runs (and formulas) of ``out`` put in."""
    old = json.loads(RESULTS.read_text())
    for task, methods in out["results"].items():
        old["runs"].setdefault(task, {}).update(methods)
    old["formulas"].update(out["formulas"])
    return {"results": old["runs"], "formulas": old["formulas"], "seconds": old["seconds"]}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    if only is not None:
        if quick:
            raise SystemExit("--only merges into the full results: not with --quick")
        restrict(only)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    seeds = (0,) if quick else (0, 1, 2)
    print(f"paper tasks: N in {sizes}, seeds {seeds}, {N_TEST} test points")
    start = time.perf_counter()
    out = run(sizes, seeds)
    total = time.perf_counter() - start
    if only is not None:
        print(f"{only}: {total:.0f} s; merged into {RESULTS.relative_to(ROOT)}")
        out = merged(out)
        total = out["seconds"]
    summary = summarize(out["results"])
    print()
    print(table(summary, sizes))
    print()
    print("Relative test MSE (MSE / mean(y²)) of the polynomial tasks:")
    for task in ("Inertia", "ParticleInteraction"):
        if "poly" not in summary.get(task, {}):
            continue
        rel = [summary[task]["poly"][str(n)]["relative_mse_mean"] for n in sizes]
        print(f"  {task:<20} " + "  ".join(f"N={n}: {r:.1e}" for n, r in zip(sizes, rel)))
    print()
    print(f"Recovered formulas (N={max(sizes)}, seed {seeds[0]}):")
    for task, formula in out["formulas"].items():
        print(f"  {task}: {formula}")
        for method, by_n in summary[task].items():
            exact = [str(n) for n in sizes if by_n[str(n)].get("formula_exact")]
            at = ", ".join(exact) or "none"
            print(f"    {method}: the exact law, for every seed, at N = {at}")
    print(f"\ntotal time {total:.0f} s")
    record = {
        "quick": quick,
        "sizes": list(sizes),
        "seeds": list(seeds),
        "n_test": N_TEST,
        "ridges": list(RIDGES),
        "emlp_published": {t: {"model": m, "mse": v} for t, (m, v) in EMLP.items()},
        "summary": summary,
        "runs": out["results"],
        "formulas": out["formulas"],
        "seconds": total,
        "versions": {
            "invariants": invariants.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }
    if not quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(record, indent=1) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
        if "--no-plot" not in argv:
            PLOT.write_text(svg_plot(summary, sizes) + "\n")
            print(f"wrote {PLOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
