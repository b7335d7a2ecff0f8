"""argparse value types shared by the ``fastback`` subcommands.

Each parses one kind of number and, on bad input, raises
``argparse.ArgumentTypeError`` with a message that says what was expected
and what was given, so every subcommand reports bad numbers the same way.
"""

from __future__ import annotations

import argparse
from typing import Callable, TypeVar

N = TypeVar("N", int, float)


def int_range(name: str, lo: int, hi: int, *, base: int = 10) -> Callable[[str], int]:
    """An int in ``[lo, hi]`` (``base=0`` also reads ``0x..`` literals)."""

    def parse(text: str) -> int:
        try:
            value = int(text, base)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be in [{lo}, {hi}], got {value}")
        return value

    parse.__name__ = name  # argparse names the type in some messages
    return parse


def _bounded(kind: Callable[[str], N], ok: Callable[[N], bool], what: str) -> Callable[[str], N]:
    def parse(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            expected = "an int" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text}")
        return value

    return parse


def non_negative(kind: Callable[[str], N]) -> Callable[[str], N]:
    """A number (``int`` or ``float``) that is at least 0 (NaN is refused)."""
    return _bounded(kind, lambda v: v >= 0, "non-negative")


def positive(kind: Callable[[str], N]) -> Callable[[str], N]:
    """A number (``int`` or ``float``) greater than 0 (NaN is refused)."""
    return _bounded(kind, lambda v: v > 0, "positive")
