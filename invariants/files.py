"""Writing output files safely: check the target first, then replace it atomically.

The CLI calls :func:`check_writable` before the (possibly long) work that produces a file, so a
path it cannot write is reported at once, and :func:`write_text_atomic` at the end.  A regular
file is written to a temporary file in the same folder and moved over the target with
:func:`os.replace`, so a failure midway (full disk, interruption) leaves the old file or no file,
never half a file.  Devices and pipes (``/dev/stdout``, ``/dev/full``) are written in place.
Every failure is an :class:`~invariants.errors.InvariantsError` with one line:
``cannot write <what> to '<path>': <reason>``.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "out.txt")
>>> check_writable(path, "notes")
>>> write_text_atomic(path, "hello\\n", "notes")
>>> open(path).read()
'hello\\n'
>>> check_writable(os.path.join(folder, "missing", "out.txt"), "notes")
Traceback (most recent call last):
...
invariants.errors.InvariantsError: cannot write notes to '.../missing/out.txt': No such file ...
"""

from __future__ import annotations

import contextlib
import os
import stat

from .errors import InvariantsError

__all__ = ["check_writable", "write_text_atomic"]


def _error(path: str | os.PathLike, what: str, reason: OSError | str) -> InvariantsError:
    if isinstance(reason, OSError):
        reason = reason.strerror or str(reason)
    return InvariantsError(f"cannot write {what} to {os.fspath(path)!r}: {reason}")


def _stat(target: str) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None


def _create_temp(target: str, mode: int) -> tuple[int, str]:
    """Create a new, empty temporary file next to ``target``; return (descriptor, path)."""
    folder, name = os.path.split(target)
    for _ in range(100):
        temp = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {target!r}")


def _in_place(st: os.stat_result | None) -> bool:
    """Whether the target is written in place: it exists and is not a regular file."""
    return st is not None and not stat.S_ISREG(st.st_mode)


def _existing(path: str | os.PathLike, target: str, what: str) -> os.stat_result | None:
    """The target's status (None if it does not exist); refuse directories and read-only files."""
    st = _stat(target)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _error(path, what, "Is a directory")
    if st is not None and not os.access(target, os.W_OK):
        raise _error(path, what, "Permission denied")
    return st


def check_writable(path: str | os.PathLike, what: str = "file") -> None:
    """Raise InvariantsError unless ``path`` can be written by :func:`write_text_atomic`.

    Checks that the target is not a directory, that an existing file is writable, and creates
    (then removes) a temporary file in the target's folder, which is what the final write does.
    A full device is only detected by the final write.
    """
    target = os.path.realpath(path)
    try:
        st = _existing(path, target, what)
        if _in_place(st):
            return
        fd, temp = _create_temp(target, 0o600)
        os.close(fd)
        os.unlink(temp)
    except OSError as exc:
        raise _error(path, what, exc) from None


def write_text_atomic(path: str | os.PathLike, text: str, what: str = "file") -> None:
    """Write ``text`` (UTF-8) to ``path``: all of it, or (on error) nothing.

    A symbolic link is followed (its target is replaced); an existing file keeps its permission
    bits, a new one gets the usual ``0o666`` less the umask.
    """
    target = os.path.realpath(path)
    temp = None
    try:
        st = _existing(path, target, what)
        if _in_place(st):
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
            return
        fd, temp = _create_temp(target, stat.S_IMODE(st.st_mode) if st else 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(temp, stat.S_IMODE(st.st_mode))  # the umask applied at creation
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise _error(path, what, exc) from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
