"""The one exception type of the package.

Every error that bad input can cause is an :class:`InvariantsError`, a :class:`ValueError`
whose message names the bad value and says what is accepted.  That includes
:class:`invariants.checker.CertificateError` (a file that is not a certificate, or is beyond the
checker's limits) and a file the CLI cannot write.  This module imports nothing, so that the
self-contained checker can use it.
"""

import numbers


class InvariantsError(ValueError):
    """Bad input to an ``invariants`` function: the message says what was wrong."""


def check_integer(value, what: str, minimum: int = 0) -> int:
    """``value`` as an ``int`` if it is an integer (not a bool) ``≥ minimum``, else an error.

    >>> check_integer(3, "limit")
    3
    >>> check_integer(-1, "limit")
    Traceback (most recent call last):
    ...
    invariants.errors.InvariantsError: limit must be an integer ≥ 0, got -1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InvariantsError(f"{what} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


class CountMismatchError(RuntimeError):
    """Two independent dimension counts disagree (``verify(..., cross_check=True)``).

    This is never expected; it would mean a bug in one of the two counting methods.
    """
