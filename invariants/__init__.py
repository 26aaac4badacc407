"""invariants: exact, checkable invariant and equivariant polynomial bases.

Enumerate the scalar generators of a group and typed inputs, verify that their products span every
invariant or equivariant polynomial up to a degree (with relations and a re-checkable certificate).

>>> import invariants as inv
>>> inv.verify("O(3)", "p,q:vector", degree=4).complete
True

The names below are imported on first use (PEP 562), so that ``import invariants.checker`` and
``invariants --help`` load neither SymPy nor FLINT.
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "Basis": "basis",
    "BasisTerm": "basis",
    "basis": "basis",
    "TensorBasis": "tensor_basis",
    "character_dimension": "counting",
    "InvariantsError": "errors",
    "FittedModel": "fitting",
    "fit": "fitting",
    "fit_cv": "fitting",
    "ScalarGenerator": "generators",
    "generators": "generators",
    "Group": "groups",
    "parse_group": "groups",
    "Input": "inputs",
    "parse_inputs": "inputs",
    "compile_kernel": "kernels",
    "export_module": "kernels",
    "Relation": "relations",
    "VerificationReport": "verify",
    "verify": "verify",
    "hilbert_series": "hilbert",
    "MinimalGenerators": "minimal",
    "minimal_generators": "minimal",
    "relations": "syzygies",
}
_SUBMODULES = ("datasets",)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Importing the submodule ``invariants.verify`` (or ``basis``, ``generators``) must not
    replace the function of the same name on the package, as an eager import never did."""

    def __setattr__(self, name: str, value) -> None:
        # also invariants.relations (a module) vs invariants.relations (the function, syzygies)
        if isinstance(value, types.ModuleType) and name in _EXPORTS:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def check(certificate):
    """Re-check a certificate (a dict, JSON text or a path) independently of this package.

    Returns an :class:`invariants.checker.CheckResult`; raises
    :class:`invariants.checker.CertificateError` if the input is not a certificate. Same as
    :func:`invariants.checker.check_certificate` (imported lazily: the checker is self-contained).

    >>> from invariants import verify
    >>> cert = verify("SO(2)", "p,q:vector", degree=3).certificate()
    >>> check(cert).ok
    True
    >>> cert["blocks"][-1]["dimension"] += 1
    >>> check(cert).ok
    False
    """
    from .checker import check_certificate

    return check_certificate(certificate)


def clear_caches() -> None:
    """Forget every memoized value of the package (counts, candidate lists, parsed problems).

    The caches are bounded (``functools.lru_cache`` with a ``maxsize``); this frees them, e.g.
    between two large runs or before timing one.

    >>> import invariants
    >>> invariants.verify("SO(3)", "p,q:vector", degree=6).complete
    True
    >>> invariants.clear_caches()
    >>> from invariants.counting import _prefix_product
    >>> _prefix_product.cache_info().currsize
    0
    """
    for name, module in list(sys.modules.items()):
        if module is None or not (name == __name__ or name.startswith(__name__ + ".")):
            continue
        for obj in list(vars(module).values()):
            if (
                callable(getattr(obj, "cache_clear", None))
                and getattr(obj, "__module__", "") == name
            ):
                obj.cache_clear()


__all__ = [
    "datasets",
    "Basis",
    "FittedModel",
    "fit",
    "fit_cv",
    "BasisTerm",
    "basis",
    "TensorBasis",
    "Group",
    "Input",
    "InvariantsError",
    "Relation",
    "relations",
    "ScalarGenerator",
    "VerificationReport",
    "character_dimension",
    "check",
    "clear_caches",
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
