"""The ``invariants`` command.

Sub-commands: ``generators``, ``verify``, ``check``, ``basis``, ``export``. Bad input prints one
line on stderr and exits with status 2; a certificate that does not check exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

from .errors import CountMismatchError, InvariantsError
from .inputs import OUTPUT_TYPES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invariants",
        description="Exact invariant and equivariant polynomial bases, verified with certificates.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generators", help="list the scalar generators")
    gen.add_argument("group", help="e.g. 'SO(3)', 'O(1,3)', 'E(3)'")
    gen.add_argument("inputs", help="e.g. 'p,q:vector; m:scalar'")
    gen.add_argument("--expand", action="store_true", help="print coordinate expressions")
    gen.add_argument("--json", action="store_true", help="print JSON")

    ver = sub.add_parser("verify", help="verify that the generators span, degree by degree")
    ver.add_argument("group", help="e.g. 'SO(3)', 'O(1,3)', 'E(3)'")
    ver.add_argument("inputs", help="e.g. 'p,q:vector; m:scalar'")
    ver.add_argument(
        "--output",
        default="scalar",
        choices=OUTPUT_TYPES,
        help="scalar (invariants, the default) or the type of an equivariant output",
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
        default=8.0,
        metavar="GIB",
        help="refuse to start if a block would need more memory than this (default 8 GiB)",
    )

    chk = sub.add_parser("check", help="re-check a certificate independently")
    chk.add_argument("certificate", help="a certificate file written by 'verify --certificate'")

    # --- kernels: `basis` lists the terms, `export` writes a standalone NumPy module ----------
    bas = sub.add_parser("basis", help="list the terms of a verified basis")
    exp = sub.add_parser("export", help="write a standalone NumPy module evaluating a basis")
    for p in (bas, exp):
        p.add_argument("group")
        p.add_argument("inputs")
        p.add_argument("--output", default="scalar", choices=OUTPUT_TYPES)
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
    from .generators import generators

    gens = generators(args.group, args.inputs)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": g.name,
                        "kind": g.kind,
                        "multidegree": list(g.multidegree),
                        "expression": str(g.expr),
                    }
                    for g in gens
                ],
                indent=1,
                ensure_ascii=False,
            )
        )
        return 0
    width = max([len(g.name) for g in gens] + [len("generator")])
    print(f"{'generator':<{width}}  degree  kind")
    for g in gens:
        line = f"{g.name:<{width}}  {g.degree:>6}  {g.kind}"
        if args.expand:
            line += f"  = {g.expr}"
        print(line)
    return 0


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


def _verify(args) -> int:
    from .verify import verify

    if args.jobs is not None and args.jobs < 1:
        raise InvariantsError(f"--jobs must be a positive integer, got {args.jobs}")
    if not args.max_block_memory > 0:
        raise InvariantsError(f"--max-block-memory must be positive, got {args.max_block_memory}")
    certificate = args.certificate or args.resume
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
            resume=args.resume,
            max_block_bytes=int(args.max_block_memory * 2**30),
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
    if certificate:
        print(f"certificate written to {certificate}")
    return 0 if report.complete else 1


def _check(args) -> int:
    from .checker import CertificateError, check_certificate

    try:
        result = check_certificate(args.certificate)
    except CertificateError as exc:
        print(f"invariants: error: {exc}", file=sys.stderr)
        return 2
    if result.ok:
        print(f"OK: {result.blocks_checked} blocks re-checked")
        return 0
    for problem in result.problems:
        print(f"MISMATCH: {problem}")
    print(f"FAILED: {len(result.problems)} problem(s)")
    return 1


def _make_basis(args):
    from .basis import basis

    features = tuple(f.strip() for f in args.features.split(",") if f.strip())
    return basis(args.group, args.inputs, output=args.output, degree=args.degree, features=features)


def _basis(args) -> int:
    B = _make_basis(args)
    if args.json:
        print(
            json.dumps(
                {
                    "group": B.group.name,
                    "inputs": [{"name": i.name, "type": i.type} for i in B.data_inputs],
                    "features": list(B.features),
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
    inputs = "; ".join(f"{i.name}:{i.type}" for i in B.data_inputs)
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

    B = _make_basis(args)
    text = export_module(B, dtype=args.dtype)  # before opening the file: nothing written on error
    try:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise InvariantsError(f"cannot write {args.out!r}: {exc.strerror or exc}") from None
    names = ", ".join(i.name for i in B.data_inputs)
    print(f"wrote {args.out}: evaluate({names}) gives {len(B)} {B.output} terms")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
