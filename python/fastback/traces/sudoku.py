"""Sudoku puzzles for traces: normalising the ways a puzzle is given (a line
of n² symbols, a grid of ints, a numpy array) to the one-line form the Rust
search reads, and the prompts of the two trace formats.

One-line form: n² symbols in row-major order, ``.`` for an empty cell
(``0`` and ``_`` are read as empty too); ``1``-``9`` for 4×4 and 9×9;
``A``, ``B``, ... for 1, 2, ... in 16×16 and 25×25.
"""

from __future__ import annotations

from typing import Any, List, Sequence, Union

__all__ = ["sudoku_line", "sudoku_prompt", "board_text"]

Puzzle = Union[str, Sequence[Sequence[int]], Any]

_SIZES = {16: 4, 81: 9, 256: 16, 625: 25}


def _symbol(v: int, n: int) -> str:
    if v == 0:
        return "."
    return str(v) if n <= 9 else chr(ord("A") + v - 1)


def sudoku_line(puzzle: Puzzle) -> str:
    """The one-line form of ``puzzle``: a string (returned stripped, with
    ``0`` and ``_`` as ``.``), or a square grid of ints (lists, tuples or a
    2-D numpy array; 0 for empty). Raises ``ValueError`` saying what is
    wrong (the Rust parser then checks symbols and conflicting givens)."""
    if isinstance(puzzle, str):
        line = puzzle.strip()
        if len(line) not in _SIZES:
            raise ValueError(f"a puzzle line has 16, 81, 256 or 625 characters, got {len(line)}")
        return line.replace("0", ".").replace("_", ".")
    rows: List[List[int]] = [[int(v) for v in row] for row in puzzle]
    n = len(rows)
    if n * n not in _SIZES or any(len(r) != n for r in rows):
        raise ValueError(f"a grid is 4x4, 9x9, 16x16 or 25x25, got {n} rows of lengths {sorted({len(r) for r in rows})}")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if not 0 <= v <= n:
                raise ValueError(f"grid[{r}][{c}] = {v} is not in 0..{n}")
    return "".join(_symbol(v, n) for row in rows for v in row)


def _values(line: str) -> List[int]:
    n = _SIZES[len(line)]
    return [0 if ch in "._0" else (int(ch) if n <= 9 else ord(ch) - ord("A") + 1) for ch in line]


def board_text(line: str) -> str:
    """The board as "How Much Backtracking is Enough?" prints it: rows of
    space-separated numbers, ``_`` for empty."""
    n = _SIZES[len(line)]
    vals = _values(line)
    return "\n".join(" ".join(str(v) if v else "_" for v in vals[r * n:(r + 1) * n]) for r in range(n))


def sudoku_prompt(line: str, fmt: str) -> str:
    """The prompt a trace answers: for ``nl`` the question of the paper's
    generator (the board, then the answer-format instruction); for ``dfs``
    the puzzle line itself, the input of a linearised-search model."""
    if fmt == "nl":
        n = _SIZES[len(line)]
        return (f"Solve this Sudoku puzzle:\n{board_text(line)}\n"
                f"Respond with only your answer, formatted as the puzzle, a {n}x{n} grid with numbers "
                "separated by spaces, and rows separated by newlines.")
    return line
