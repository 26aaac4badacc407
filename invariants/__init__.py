"""invariants: exact, checkable invariant and equivariant polynomial bases.

Enumerate the scalar generators of a group and typed inputs, verify that their products span every
invariant or equivariant polynomial up to a degree (with relations and a re-checkable certificate).

>>> import invariants as inv
>>> inv.verify("O(3)", "p,q:vector", degree=4).complete
True
"""

from . import datasets
from .basis import Basis, BasisTerm, basis
from .counting import character_dimension
from .errors import InvariantsError
from .fitting import FittedModel, fit, fit_cv
from .generators import ScalarGenerator, generators
from .groups import Group, parse_group
from .hilbert import hilbert_series
from .inputs import Input, parse_inputs
from .kernels import compile_kernel, export_module
from .minimal import MinimalGenerators, minimal_generators
from .relations import Relation
from .syzygies import relations
from .verify import VerificationReport, verify

__version__ = "0.1.0"


def check(certificate):
    """Re-check a certificate (a dict, JSON text or a path) independently of this package.

    Returns an :class:`invariants.checker.CheckResult`; raises
    :class:`invariants.checker.CertificateError` if the input is not a certificate. Same as
    :func:`invariants.checker.check_certificate` (imported lazily: the checker is self-contained).

    >>> cert = verify("SO(2)", "p,q:vector", degree=3).certificate()
    >>> check(cert).ok
    True
    >>> cert["blocks"][-1]["dimension"] += 1
    >>> check(cert).ok
    False
    """
    from .checker import check_certificate

    return check_certificate(certificate)


__all__ = [
    "datasets",
    "Basis",
    "FittedModel",
    "fit",
    "fit_cv",
    "BasisTerm",
    "basis",
    "Group",
    "Input",
    "InvariantsError",
    "Relation",
    "relations",
    "ScalarGenerator",
    "VerificationReport",
    "character_dimension",
    "check",
    "compile_kernel",
    "export_module",
    "MinimalGenerators",
    "minimal_generators",
    "generators",
    "hilbert_series",
    "parse_group",
    "parse_inputs",
    "verify",
]
