"""Exceptions raised by the Rust core, defined in Python so that they are
ordinary, picklable, typed classes. ``fastback._core`` imports this module
when it raises one; users see them as :mod:`fastback.sat` attributes."""

from __future__ import annotations

__all__ = ["LocatedError", "DimacsError", "ProofError"]


class LocatedError(ValueError):
    """Bad input at a place: ``str(err)`` is ``"source:line: message"``
    (``"source: message"`` when ``line`` is 0, no line applies). ``source``,
    ``line`` and ``message`` are attributes; the error pickles. The base of
    every error fastback raises for a file it reads (DIMACS, LR²Bench data
    and predictions, trace puzzle files).
    """

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")
        self.source = source
        self.line = line
        self.message = message

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.source, self.line, self.message))


class DimacsError(LocatedError):
    """Malformed DIMACS CNF input.

    ``str(err)`` is ``"source:line: message"``; the parts are also attributes:
    ``source`` (the file name, ``"<stdin>"`` or the name given for bytes),
    ``line`` (1-based; 0 when the error is not tied to a line, such as a
    truncated compressed stream) and ``message``.
    """


class ProofError(ValueError):
    """A DRAT proof that cannot be read (malformed text or binary encoding).

    A proof that reads fine but does not verify is not an error: the check
    returns a report with ``verified == False``. ``line`` is the 1-based line
    (text proofs) or the 0-based byte offset (binary proofs) where reading
    failed, 0 when the problem is not in the proof; the message says which
    (``proof line 3: ...``, ``proof byte 17: ...``).
    """

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.line, self.message))
