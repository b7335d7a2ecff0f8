"""Exceptions of :mod:`fastback.traces`. The Rust core raises the first four
by importing this module, so they are ordinary, picklable Python classes."""

from __future__ import annotations

__all__ = [
    "TraceError",
    "NoSolutionError",
    "NotEnoughBacktracksError",
    "BudgetExceededError",
    "TraceVerificationError",
]


class TraceError(ValueError):
    """A trace could not be made for this puzzle (see the subclasses)."""


class NoSolutionError(TraceError):
    """The search ended without a solution: a contradictory Sudoku, or a
    CountDown target that no expression reaches under the rules and options
    (with ``prune="target"`` also when pruning cut every solution)."""

    def __reduce__(self):  # type: ignore[override]
        return (type(self), self.args)


class NotEnoughBacktracksError(TraceError):
    """``backtracks=k`` was asked for but the search refutes only
    ``available`` wrong guesses on its solution path (``undecided`` more ran
    out of the node budget). fastback never returns a trace with a different
    number of backtracks; ask for at most ``available``, or change the
    search (for Sudoku ``propagation="none", cell_order="first"`` supplies
    the most)."""

    def __init__(self, message: str, requested: int, available: int, undecided: int = 0) -> None:
        super().__init__(message)
        self.requested = requested
        self.available = available
        self.undecided = undecided

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.args[0], self.requested, self.available, self.undecided))


class BudgetExceededError(TraceError):
    """A search used more than ``max_nodes`` nodes."""

    def __init__(self, message: str, max_nodes: int) -> None:
        super().__init__(message)
        self.max_nodes = max_nodes

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.args[0], self.max_nodes))


class TraceVerificationError(AssertionError):
    """A trace failed its independent replay: ``line`` (1-based, 0 when the
    problem is not tied to a line) and ``message`` say where and what. This
    means a bug in fastback, not in the input."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.line, self.message))
