"""Puzzle sources for ``fastback traces``: files of Sudoku puzzles or
CountDown instances, read lazily, with every problem reported as
``file:line: what``.

Sudoku files, one puzzle per line (blank lines and ``#`` comments skipped):
a line of n² symbols (``53..7....``; ``0`` or ``.`` empty; a trailing
``,solution`` field or anything after whitespace is ignored, as in the
Kaggle CSVs), or a JSON object with ``grid`` (rows of ints, 0 empty: the
LR²Bench ``data.jsonl``) or ``puzzle`` (a line or a grid), and optionally
``tag`` or ``id``.

CountDown files, one instance per line: a JSON object with ``numbers`` (or
``nums``) and ``target`` (and optionally ``id``), or ``a b c d -> target``.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Iterator, List, TextIO, Tuple

from fastback._errors import LocatedError
from fastback.traces.sudoku import sudoku_line

__all__ = ["InputError", "Item", "read_sudoku", "read_countdown"]


class InputError(LocatedError):
    """A line of a puzzle file that cannot be read; ``str()`` is
    ``file:line: what``."""


@dataclass(frozen=True)
class Item:
    """One puzzle of a source: its id, where it is (``file:line``) and the
    puzzle (a Sudoku line, or ``(numbers, target)``)."""

    id: str
    location: str
    puzzle: Any


def _lines(path: str) -> Iterator[Tuple[str, int, str]]:
    name = "<stdin>" if path == "-" else path
    stream: TextIO = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for lineno, raw in enumerate(stream, 1):
            line = raw.strip()
            if line and not line.startswith("#"):
                yield name, lineno, line
    finally:
        if stream is not sys.stdin:
            stream.close()


def _json(name: str, lineno: int, line: str) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(name, lineno, f"invalid JSON: {e.msg} at column {e.colno}") from None
    if not isinstance(obj, dict):
        raise InputError(name, lineno, "a JSON line must be an object")
    return obj


def _id(obj: dict, name: str, lineno: int) -> str:
    for key in ("id", "tag"):
        if key in obj:
            return str(obj[key])
    return f"{os.path.basename(name)}:{lineno}"


def read_sudoku(path: str) -> Iterator[Item]:
    """The puzzles of a Sudoku file (``-``: stdin), lazily. Raises
    :class:`InputError` on a line that is not a puzzle, ``OSError`` when the
    file cannot be read."""
    for name, lineno, line in _lines(path):
        if line.startswith("{"):
            obj = _json(name, lineno, line)
            raw = obj.get("grid", obj.get("puzzle"))
            if raw is None:
                raise InputError(name, lineno, "the JSON object has neither 'grid' nor 'puzzle'")
            ident = _id(obj, name, lineno)
        else:
            raw = line.replace(",", " ").split()[0]
            ident = f"{os.path.basename(name)}:{lineno}"
        try:
            puzzle = sudoku_line(raw)
        except (ValueError, TypeError) as e:
            raise InputError(name, lineno, str(e)) from None
        yield Item(ident, f"{name}:{lineno}", puzzle)


def _positive_ints(values: Any, what: str, name: str, lineno: int) -> List[int]:
    if not isinstance(values, list) or not values:
        raise InputError(name, lineno, f"{what} must be a non-empty list of integers")
    out = []
    for i, v in enumerate(values):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise InputError(name, lineno, f"{what}[{i}] = {v!r} is not a positive integer")
        out.append(v)
    return out


def read_countdown(path: str) -> Iterator[Item]:
    """The instances of a CountDown file (``-``: stdin), lazily, as
    ``(numbers, target)``. Raises :class:`InputError` or ``OSError``."""
    for name, lineno, line in _lines(path):
        if line.startswith("{"):
            obj = _json(name, lineno, line)
            nums = obj.get("numbers", obj.get("nums"))
            if nums is None or "target" not in obj:
                raise InputError(name, lineno, "the JSON object needs 'numbers' and 'target'")
            numbers = _positive_ints(nums, "numbers", name, lineno)
            target = _positive_ints([obj["target"]], "target", name, lineno)[0]
            ident = _id(obj, name, lineno)
        else:
            left, sep, right = line.partition("->")
            try:
                if not sep:
                    raise ValueError
                numbers = [int(x) for x in left.replace(",", " ").split()]
                target = int(right)
            except ValueError:
                raise InputError(name, lineno, "expected 'a b c ... -> target' or a JSON object") from None
            numbers = _positive_ints(numbers, "numbers", name, lineno)
            target = _positive_ints([target], "target", name, lineno)[0]
            ident = f"{os.path.basename(name)}:{lineno}"
        yield Item(ident, f"{name}:{lineno}", (numbers, target))
