"""The one exception type of the package.

Every error that bad input can cause is an :class:`InvariantsError`, a :class:`ValueError`
whose message names the bad value and says what is accepted.  That includes
:class:`invariants.checker.CertificateError` (a file that is not a certificate, or is beyond the
checker's limits) and a file the CLI cannot write.  This module imports nothing, so that the
self-contained checker can use it.
"""


class InvariantsError(ValueError):
    """Bad input to an ``invariants`` function: the message says what was wrong."""


class CountMismatchError(RuntimeError):
    """Two independent dimension counts disagree (``verify(..., cross_check=True)``).

    This is never expected; it would mean a bug in one of the two counting methods.
    """
