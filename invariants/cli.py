"""The ``invariants`` command.

Sub-commands: ``generators``, ``verify``, ``check``, ``basis``, ``export``. Bad input (including a
file that cannot be written, or a certificate beyond the checker's limits) prints one line on
stderr and exits with status 2; a certificate that does not check exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time

from .errors import CountMismatchError, InvariantsError
from .files import check_writable, write_text_atomic

#: ``--max-block-memory``'s default, in GiB (``schedule.DEFAULT_MAX_BLOCK_BYTES``; not imported
#: here, which would load NumPy and SymPy for ``--help``).
DEFAULT_MAX_BLOCK_GIB = 8.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invariants",
        description="Exact invariant and equivariant polynomial bases, verified with certificates.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"invariants {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generators", help="list the scalar generators")
    gen.add_argument("group", help="e.g. 'SO(3)', 'O(1,3)', 'E(3)'")
    gen.add_argument("inputs", help="e.g. 'p,q:vector; m:scalar'")
    gen.add_argument("--expand", action="store_true", help="print coordinate expressions")
    gen.add_argument("--json", action="store_true", help="print JSON")
    gen.add_argument(
        "--minimal",
        action="store_true",
        help="a minimal generating set up to --degree, proven complete block by block "
        "(also for rank-2 tensor inputs: sym, skew, dev, matrix)",
    )
    gen.add_argument("--degree", type=int, help="degree bound for --minimal")
    gen.add_argument(
        "--output",
        default="scalar",
        help="with --minimal: generators of the module of equivariants of this type "
        "(vector, sym, skew, dev, matrix, …) over the invariants",
    )

    ver = sub.add_parser("verify", help="verify that the generators span, degree by degree")
    ver.add_argument("group", help="e.g. 'SO(3)', 'O(1,3)', 'E(3)'")
    ver.add_argument("inputs", help="e.g. 'p,q:vector; m:scalar'")
    ver.add_argument(
        "--output",
        default="scalar",
        help="scalar (invariants, the default) or the type of an equivariant output: vector, "
        "pseudovector, sym, skew, matrix, …; with tensor inputs also dev, tensor(FORMULA)",
    )
    ver.add_argument("--degree", type=int, default=4, help="maximal total degree (default 4)")
    ver.add_argument("--json", action="store_true", help="print the report as JSON")
    ver.add_argument("--multidegrees", action="store_true", help="also print every multidegree")
    ver.add_argument(
        "--relations",
        type=int,
        default=3,
        metavar="N",
        help="print up to N exact relations (default 3; 0 for none)",
    )
    ver.add_argument("--certificate", metavar="FILE", help="write a certificate to FILE")
    ver.add_argument("--seed", type=int, default=0, help="seed for the random points")
    ver.add_argument(
        "--cross-check",
        action="store_true",
        help="also count every block by linear constraints mod p and compare",
    )
    ver.add_argument("--no-progress", action="store_true", help="no progress bar")
    ver.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: all cores; 1: in this process; small runs always are)",
    )
    ver.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the blocks on a Dask cluster, e.g. tcp://host:8786 (needs invariants[dask])",
    )
    ver.add_argument(
        "--resume",
        metavar="FILE",
        help="continue an interrupted run from its partial certificate (written by "
        "--certificate); the certificate is completed in FILE unless --certificate says where",
    )
    ver.add_argument(
        "--max-block-memory",
        type=float,
        default=DEFAULT_MAX_BLOCK_GIB,
        metavar="GIB",
        help="refuse to start if a block would need more memory than this (default 8 GiB)",
    )

    rel = sub.add_parser("relations", help="exact relations among the minimal generators")
    rel.add_argument("group", help="e.g. 'O(3)'")
    rel.add_argument("inputs", help="e.g. 'A:sym' or 'p,q,r,s:vector'")
    rel.add_argument("--degree", type=int, required=True, help="degree bound")
    rel.add_argument("--limit", type=int, default=10, help="at most this many (default 10)")
    rel.add_argument("--json", action="store_true", help="print JSON")

    hil = sub.add_parser("hilbert", help="the Hilbert series in closed form (exact)")
    hil.add_argument("group", help="e.g. 'SO(3)'")
    hil.add_argument("inputs", help="e.g. 'p,q,r,s:vector'")
    hil.add_argument(
        "--output",
        default="scalar",
        help="scalar (the default), vector, sym, skew, dev, matrix, tensor(FORMULA), …",
    )
    hil.add_argument(
        "--identical",
        action="append",
        default=[],
        metavar="NAMES",
        help="interchangeable inputs, e.g. 'p,q,r,s' (G × S_4); particles with several fields "
        "as 'x1,m1;x2,m2'; repeat for several classes",
    )
    hil.add_argument("--multigraded", action="store_true", help="one variable per input")
    hil.add_argument("--terms", type=int, default=12, help="series coefficients shown (12)")
    hil.add_argument("--json", action="store_true", help="print JSON")

    chk = sub.add_parser("check", help="re-check a certificate independently")
    chk.add_argument("certificate", help="a certificate file written by 'verify --certificate'")
    chk.add_argument("--json", action="store_true", help="print the result as a JSON object")
    chk.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="refuse files larger than N bytes (default 268435456, i.e. 256 MiB)",
    )

    # --- kernels: `basis` lists the terms, `export` writes a standalone NumPy module ----------
    bas = sub.add_parser("basis", help="list the terms of a verified basis")
    exp = sub.add_parser("export", help="write a standalone NumPy module evaluating a basis")
    for p in (bas, exp):
        p.add_argument("group")
        p.add_argument("inputs")
        p.add_argument(
            "--output",
            default="scalar",
            help="scalar (the default), vector, pseudovector, sym, skew, matrix, …; with "
            "tensor inputs also dev, tensor(FORMULA) (invariants.tensor_basis)",
        )
        p.add_argument("--degree", type=int, default=4, help="maximal total degree (default 4)")
        p.add_argument(
            "--features",
            default="",
            metavar="LIST",
            help="derived scalar inputs, comma-separated: norms, cosines",
        )
    bas.add_argument("--json", action="store_true", help="print the terms as JSON")
    exp.add_argument("-o", "--out", required=True, metavar="FILE.py", help="file to write")
    exp.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``invariants`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "generators":
            return _generators(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "basis":
            return _basis(args)
        if args.command == "relations":
            return _relations(args)
        if args.command == "hilbert":
            return _hilbert(args)
        if args.command == "export":
            return _export(args)
        return _check(args)
    except InvariantsError as exc:
        print(f"invariants: error: {exc}", file=sys.stderr)
        return 2
    except CountMismatchError as exc:
        print(f"invariants: error: the two dimension counts disagree: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("\ninvariants: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `invariants verify ... | head`
        sys.stderr.close()
        return 0


def _generators(args) -> int:
    from .generators import generators, listed_generators
    from .problem import make_problem

    if args.minimal or args.degree is not None or args.output != "scalar":
        return _minimal(args)
    if args.json or args.expand:
        gens = generators(args.group, args.inputs)
        rows = [(g.name, g.kind, g.multidegree, g.expr) for g in gens]
    else:  # names and degrees only: no SymPy expressions (SO(3), 100 vectors: 166750 of them)
        listed = listed_generators(make_problem(args.group, args.inputs))
        rows = [(name, kind, multidegree, None) for _, name, kind, multidegree in listed]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": name,
                        "kind": kind,
                        "multidegree": list(multidegree),
                        "expression": str(expr),
                    }
                    for name, kind, multidegree, expr in rows
                ],
                indent=1,
                ensure_ascii=False,
            )
        )
        return 0
    width = max([len(row[0]) for row in rows] + [len("generator")])
    print(f"{'generator':<{width}}  degree  kind")
    for name, kind, multidegree, expr in rows:
        line = f"{name:<{width}}  {sum(multidegree):>6}  {kind}"
        if expr is not None:
            line += f"  = {expr}"
        print(line)
    return 0


def _minimal(args) -> int:
    from .minimal import minimal_generators

    if not args.minimal or args.degree is None:
        raise InvariantsError("--minimal and --degree K go together, e.g. --minimal --degree 6")
    result = minimal_generators(args.group, args.inputs, args.degree, output=args.output)
    if args.json:
        print(json.dumps(result.as_dict(), indent=1, ensure_ascii=False))
        return 0 if result.complete else 1
    if result.complete and not result.generators:
        what = "invariants" if result.output == "scalar" else f"{result.output}-valued equivariants"
        print(
            f"the space is zero: no non-constant {what} of {result.group} in these inputs up to "
            f"degree {result.degree} (exact counts)"
        )
        return 0
    names = [n for n, _ in result.inputs]
    width = max([len(g.name) for g in result.generators] + [len("generator")])
    print(f"{'generator':<{width}}  degree  multidegree ({', '.join(names)})")
    for g in result.generators:
        line = f"{g.name:<{width}}  {g.degree:>6}  {list(g.multidegree)}"
        if args.expand:
            line += f"  = {g.expression}"
        print(line)
    if result.complete:
        what = (
            "every invariant"
            if result.output == "scalar"
            else f"every {result.output}-valued equivariant (over the invariants)"
        )
        print(
            f"\nCOMPLETE: these {len(result.generators)} generate {what} of degree "
            f"<= {result.degree} (each block spanned, exact counts)"
        )
        return 0
    gaps = [list(b) for b, dim, span in result.blocks if span < dim]
    print(
        f"\nINCOMPLETE: proven complete up to degree {result.complete_to_degree}; not spanned "
        f"at multidegree {gaps[0]}" + (f" and {len(gaps) - 1} more" if len(gaps) > 1 else "")
    )
    vectorial = ("scalar", "pseudoscalar", "vector", "pseudovector", "position")
    if result.group.startswith("SO") and any(t not in vectorial for _, t in result.inputs):
        print(
            "(with tensor inputs, contractions with the Levi-Civita tensor are enumerated for "
            "d <= 5 only)"
        )
    return 1


def _hilbert(args) -> int:
    from .hilbert import hilbert_series

    identical = [c.split(";") if ";" in c else c for c in args.identical]
    series = hilbert_series(
        args.group, args.inputs, args.output, identical=identical, multigraded=args.multigraded
    )
    if args.json:
        print(json.dumps(series.as_dict(), ensure_ascii=False))
        return 0
    print(series)
    if not args.multigraded:
        coeffs = series.coefficients(args.terms)
        print(f"= {' + '.join(f'{c} t^{k}' for k, c in enumerate(coeffs) if c)} + …")
    return 0


def _relations(args) -> int:
    from .syzygies import relations

    found = relations(args.group, args.inputs, args.degree, limit=args.limit)
    if args.json:
        rows = [
            {
                "multidegree": list(r.multidegree),
                "relation": str(r),
                "confirmed": r.confirmed,
            }
            for r in found
        ]
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0 if all(r.confirmed for r in found) else 1
    if not found:
        print(f"no relations up to degree {args.degree}")
        return 0
    print(
        f"{len(found)} exact relation{'s' * (len(found) != 1)}, lowest degree first (all "
        "confirmed by expansion: "
        f"{'yes' if all(r.confirmed for r in found) else 'NO'}):"
    )
    for r in found:
        print(f"  {list(r.multidegree)}: {r}")
    return 0 if all(r.confirmed for r in found) else 1


class _ProgressBar:
    """Progress on stderr (tqdm): a bar for counting, then one for spanning whose ETA is
    weighted by each block's estimated work (large blocks go first)."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, phase: str, work: float, blocks: int, done: int) -> None:
        from tqdm import tqdm

        class Bar(tqdm):
            monitor_interval = 0  # no monitor thread: worker processes can be forked safely
            blocks = ""

            @property
            def format_dict(self):
                return {**super().format_dict, "blocks": self.blocks}

        self.close()
        self.done, self.total = done, blocks
        self.bar = Bar(
            total=max(work, 1e-9),
            desc=f"{phase:>8}",
            file=sys.stderr,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {blocks} blocks [{elapsed}<{remaining}]",
            dynamic_ncols=True,
        )
        self.bar.blocks = f"{done}/{blocks}"

    def advance(self, work: float, blocks: int) -> None:
        self.done += blocks
        self.bar.blocks = f"{self.done}/{self.total}"
        self.bar.update(work)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def _verify_tensors(args) -> int:
    """``verify`` for tensor inputs: the contraction engine (:mod:`invariants.tensor_verify`)."""
    from .tensor_verify import verify_tensors

    _in_process_only(args, "for tensor inputs", cross_check=True)
    if args.certificate:  # before the work: an unwritable path must not cost a verification
        check_writable(args.certificate, "certificate")
    report = verify_tensors(args.group, args.inputs, args.output, args.degree, seed=args.seed)
    if args.json:
        print(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
        _final_certificate(report, args.certificate)
        return 0 if report.complete else 1
    inputs = "; ".join(f"{n}:{t}" for n, t in report.inputs)
    print(f"group {report.group_name}, inputs {inputs}, output {report.output}, ", end="")
    print(f"degree <= {args.degree}")
    print(report.table())
    names = report.module_names()
    print(f"\ngenerators ({len(names)}): {', '.join(names)}")
    verdict = (
        "COMPLETE: the products of the generators span every block"
        if report.complete
        else f"INCOMPLETE: proven up to degree {report.complete_to_degree}"
    )
    print(f"\n{verdict}")
    if _final_certificate(report, args.certificate):
        print(f"certificate written to {args.certificate}")
    return 0 if report.complete else 1


def _check_scale_flags(args) -> int:
    """``--jobs``, ``--max-block-memory``, ``--relations`` and the file options checked (one
    line each); the memory limit in bytes."""
    for flag, value in (("--certificate", args.certificate), ("--resume", args.resume)):
        if value is not None and not value.strip():
            raise InvariantsError(f"{flag} needs a file name, got an empty one")
    if args.relations < 0:
        raise InvariantsError(f"--relations must be 0 or more, got {args.relations}")
    if args.jobs is not None and args.jobs < 1:
        raise InvariantsError(f"--jobs must be a positive integer, got {args.jobs}")
    gib = args.max_block_memory
    if not (math.isfinite(gib) and gib * 2**30 >= 1):
        raise InvariantsError(
            f"--max-block-memory must be a positive, finite number of GiB (at least one byte), "
            f"got {gib}"
        )
    if args.scheduler is not None:
        from .executors import check_scheduler

        check_scheduler(args.scheduler)
    return int(gib * 2**30)


def _in_process_only(args, where: str, cross_check: bool) -> None:
    """For the engines that verify in this process only: the scale-out flags checked, then the
    ones given refused by name (a flag silently ignored would be a wrong answer about what ran)."""
    _check_scale_flags(args)
    refused = [
        ("--resume", args.resume),
        ("--scheduler", args.scheduler),
        ("--jobs N>1", args.jobs not in (None, 1)),
        ("--max-block-memory", args.max_block_memory != DEFAULT_MAX_BLOCK_GIB),
        ("--cross-check", cross_check and args.cross_check),
    ]
    for flag, given in refused:
        if given:
            raise InvariantsError(
                f"{flag} is not available {where} yet; drop it (the run is in this process; "
                "--certificate FILE is written at the end)"
            )


def _verify_identical(args) -> int:
    """``verify`` for identical particles (``N*…``): :mod:`invariants.symmetric_verify`."""
    from .symmetric_verify import verify_symmetric

    _in_process_only(args, "with identical particles (N*…)", cross_check=False)
    if args.certificate:  # before the work: an unwritable path must not cost a verification
        check_writable(args.certificate, "certificate")
    show = not args.no_progress and sys.stderr.isatty()
    report = verify_symmetric(
        args.group,
        args.inputs,
        args.output,
        args.degree,
        seed=args.seed,
        progress=_ProgressBar() if show else None,
    )
    if args.json:
        print(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
        _final_certificate(report, args.certificate)
        return 0 if report.complete else 1
    symmetric = " x ".join(f"S_{len(cls)}" for cls in report.identical)
    print(
        f"group {report.group.name} x {symmetric}, inputs {report.spec.strip()}, output "
        f"{report.output}, degree <= {report.degree}"
    )
    print(report.table())
    if args.multidegrees:
        print()
        print(
            f"{'multidegree':>24} {'independent':>11} {'span':>8} {'candidates':>11} "
            f"{'relations':>10}"
        )
        for s in report.sectors:
            where = f"degree {s.degree}" if s.multidegree is None else str(list(s.multidegree))
            print(
                f"{where:>24} {s.independent:>11} {s.span:>8} {s.candidates:>11} "
                f"{s.candidates - s.span:>10}"
            )
    verdict = (
        "COMPLETE: the orbit sums of the products of the generators span every degree"
        if report.complete
        else "INCOMPLETE: some degrees are not spanned"
    )
    print(f"\n{verdict}")
    print(
        f"(dimension: Hilbert series of {report.group.name} x {symmetric}; independent: "
        "Burnside's count on the plain basis; span: rank mod p of the orbit sums)"
    )
    if _final_certificate(report, args.certificate):
        print(f"certificate written to {args.certificate}")
    return 0 if report.complete else 1


def _verify(args) -> int:
    from .particles import parse_spec
    from .verify import _tensor_inputs, verify

    if parse_spec(args.inputs).identical:
        return _verify_identical(args)
    if _tensor_inputs(args.inputs, args.output):
        return _verify_tensors(args)
    max_block_bytes = _check_scale_flags(args)
    certificate = args.certificate or args.resume
    if certificate:  # before the work: an unwritable path must not cost a verification
        check_writable(certificate, "certificate")
    show = not args.no_progress and sys.stderr.isatty()
    started = time.time()
    stop = signal.signal(signal.SIGTERM, _terminate)  # a batch system's kill: as Ctrl-C
    try:
        report = verify(
            args.group,
            args.inputs,
            output=args.output,
            degree=args.degree,
            seed=args.seed,
            progress=_ProgressBar() if show else None,
            cross_check=args.cross_check,
            executor="serial" if args.jobs == 1 and not args.scheduler else "auto",
            jobs=args.jobs,
            scheduler=args.scheduler,
            checkpoint=certificate,
            checkpoint_final=False,  # written below, after the report: a full disk loses nothing
            resume=args.resume,
            max_block_bytes=max_block_bytes,
        )
    except KeyboardInterrupt:
        if certificate and os.path.exists(certificate) and os.path.getmtime(certificate) >= started:
            print(
                f"\ninvariants: interrupted; the finished blocks are in {certificate}: continue "
                f"with --resume {certificate}",
                file=sys.stderr,
            )
            return 130
        raise
    finally:
        signal.signal(signal.SIGTERM, stop)
    if args.json:
        print(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
        _final_certificate(report, certificate)
        return 0 if report.complete else 1
    inputs = "; ".join(f"{i.name}:{i.type}" for i in report.inputs)
    print(
        f"group {report.group.name}, inputs {inputs}, output {report.output}, "
        f"degree <= {report.degree}"
    )
    print(report.table())
    if args.multidegrees:
        print()
        print(
            f"{'multidegree':>20} {'dimension':>10} {'span':>8} {'candidates':>11} "
            f"{'relations':>10}"
        )
        for b in report.blocks:
            print(
                f"{str(list(b.multidegree)):>20} {b.dimension:>10} {b.span:>8} "
                f"{b.candidates:>11} {b.relations:>10}"
            )
    if args.relations > 0:
        rels = report.relations(limit=args.relations)
        if rels:
            print(
                f"\nminimal relations, lowest degree first ({len(rels)} shown, exact, "
                f"{'all' if all(r.confirmed for r in rels) else 'NOT all'} confirmed "
                "by expansion):"
            )
            for r in rels:
                print(f"  {list(r.multidegree)}: {r}")
        large = [
            b for b in report.canonical if len(b.candidates) > b.span and len(b.candidates) > 600
        ]
        if len(rels) < args.relations and large:
            print(
                "  (the search stops at blocks with more than 600 candidates; use "
                "report.relations(max_candidates=...) in Python to go further)"
            )
    verdict = (
        "COMPLETE: the products of the generators span every block"
        if report.complete
        else "INCOMPLETE: some blocks are not spanned"
    )
    print(f"\n{verdict}")
    if _final_certificate(report, certificate):
        print(f"certificate written to {certificate}")
    return 0 if report.complete else 1


def _final_certificate(report, path: str | None) -> bool:
    """Replace the partial certificate at ``path`` by the final one (atomically)."""
    if not path:
        return False
    from .certificate import write_certificate

    sys.stdout.flush()
    write_certificate(report.certificate(), path)
    return True


#: Mismatches ``invariants check`` prints before it summarizes (a hostile file can have millions).
SHOWN_MISMATCHES = 100


def _check(args) -> int:
    from .checker import MAX_BYTES, check_certificate

    max_bytes = MAX_BYTES if args.max_bytes is None else args.max_bytes
    if max_bytes < 0:
        raise InvariantsError(f"--max-bytes must be non-negative, got {max_bytes}")
    result = check_certificate(args.certificate, max_bytes=max_bytes)  # CertificateError: exit 2
    if args.json:
        print(json.dumps(result.as_dict(), indent=1, ensure_ascii=False))
    else:
        for problem in result.problems[:SHOWN_MISMATCHES]:
            print(f"MISMATCH: {problem}")
        if len(result.problems) > SHOWN_MISMATCHES:
            more = len(result.problems) - SHOWN_MISMATCHES
            print(f"MISMATCH: … and {more} more (--json lists every one)")
        print(result.summary())
    return 0 if result.ok else 1


def _make_basis(args):
    from .basis import basis

    features = tuple(f.strip() for f in args.features.split(",") if f.strip())
    return basis(args.group, args.inputs, output=args.output, degree=args.degree, features=features)


def _basis(args) -> int:
    B = _make_basis(args)
    source = getattr(B, "source", "")  # identical particles: the specification as written
    if args.json:
        print(
            json.dumps(
                {
                    "group": B.group.name,
                    "inputs": [{"name": i.name, "type": i.type} for i in B.data_inputs],
                    "features": list(B.features),
                    **({"identical": B.spec.classes(), "spec": source} if source else {}),
                    "output": B.output,
                    "degree": B.degree,
                    "multidegree_order": [i.name for i in B.problem.inputs],
                    "terms": [
                        {
                            "index": k,
                            "degree": sum(t.multidegree),
                            "multidegree": list(t.multidegree),
                            "name": t.name,
                        }
                        for k, t in enumerate(B.terms)
                    ],
                },
                indent=1,
                ensure_ascii=False,
            )
        )
        return 0
    inputs = source or "; ".join(f"{i.name}:{i.type}" for i in B.data_inputs)
    features = f" (features: {', '.join(B.features)})" if B.features else ""
    print(
        f"group {B.group.name}, inputs {inputs}{features}, output {B.output}, "
        f"degree <= {B.degree}: {len(B)} term{'s' * (len(B) != 1)}"
    )
    print(f"{'index':>5}  {'degree':>6}  term")
    for k, t in enumerate(B.terms):
        print(f"{k:>5}  {sum(t.multidegree):>6}  {t.name}")
    return 0


def _export(args) -> int:
    from .kernels import export_module

    check_writable(args.out, "module")  # before the work
    B = _make_basis(args)
    write_text_atomic(args.out, export_module(B, dtype=args.dtype), "module")
    names = ", ".join(i.name for i in B.data_inputs)
    if getattr(B, "source", ""):  # identical particles: fields stacked, or one by one
        names = ", ".join(f[0] for f in B.lambdify().fields) + " stacked, or " + names
    print(f"wrote {args.out}: evaluate({names}) gives {len(B)} {B.output} terms")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
