"""Sudoku: solve, count, generate and rate n×n puzzles (n = 4, 9, 16, 25).

The solvers are in Rust (``rust/fastback-core/src/sudoku``): a band
bitboard solver for 9×9 in the JCZSolve / tdoku family, and a cell-mask
solver for every size. Batch calls release the GIL, run on several threads
(results do not depend on how many) and stop on Ctrl-C with
``KeyboardInterrupt``.

Puzzle text
-----------
One string per puzzle, row by row, its length giving the size:

====  ======  ==========================  ===========
n     length  digits                      empty cell
====  ======  ==========================  ===========
4     16      ``1``-``4``                 ``.`` or ``0``
9     81      ``1``-``9``                 ``.`` or ``0``
16    256     ``A``-``P`` (A = 1)         ``.`` or ``0``
25    625     ``A``-``Y`` (A = 1)         ``.`` or ``0``
====  ======  ==========================  ===========

Letters may be lower case; solutions are written in upper case. 16×16 uses
the letters only (as the shared benchmark file does), so ``A`` always means 1.
Puzzles may also be integer numpy arrays of shape ``(N, n*n)`` or
``(N, n, n)`` (``0`` = empty); solutions still come back as strings.

A puzzle whose givens conflict is not an error: it has no solution
(``None``, a count of 0). Malformed input is a ``ValueError`` naming the
puzzle index and the character position (or cell).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from fastback import _core

__all__ = [
    "solve",
    "solve_many",
    "count_solutions",
    "count_many",
    "generate",
    "rate",
    "options",
    "Rating",
    "Generated",
    "LEVELS",
]

#: Difficulty levels of :class:`Rating`, by number.
LEVELS: Tuple[str, ...] = ("given", "easy", "medium", "hard", "expert")

#: ``name -> (default, min, max, description)``, from the Rust option table.
_OPTIONS: Dict[str, Tuple[int, int, int, str]] = {
    name: (default, lo, hi, desc) for name, default, lo, hi, desc in _core.sudoku_options()
}

Puzzles = Union[Sequence[str], Any]  # a sequence of str, or a numpy integer array


def options() -> List[Tuple[str, int, int, int, str]]:
    """Every engine option as ``(name, default, min, max, description)``:
    the one table that the keyword arguments below and ``fastback sudoku
    --help`` are checked against."""
    return list(_core.sudoku_options())


@dataclass(frozen=True)
class Rating:
    """What :func:`rate` measured.

    - ``level``: the hardest technique family the puzzle needs (0 given,
      1 easy: naked and hidden singles, 2 medium: locked candidates,
      3 hard: naked or hidden pairs and triples, 4 expert: not finished by
      those, needs search); ``level_name`` is its name from :data:`LEVELS`.
    - ``steps``: deductions per family (cells placed by singles,
      candidates removed by the others) in the logical solve.
    - ``guesses``: guesses the solver makes to find the solution and prove
      it unique: the search effort, apart from human techniques.
    - ``solutions``: solutions counted up to 2; the level is meaningful
      only when this is 1.
    - ``givens``: filled cells of the puzzle.
    """

    level: int
    level_name: str
    steps: Dict[str, int]
    guesses: int
    solutions: int
    givens: int


@dataclass(frozen=True)
class Generated:
    """A puzzle from :func:`generate`, its unique solution, its rating and
    how many grids were tried to meet the requested level."""

    puzzle: str
    solution: str
    rating: Rating
    attempts: int


def _rating(t: Tuple[int, str, List[int], int, int, int]) -> Rating:
    level, name, steps, guesses, solutions, givens = t
    return Rating(level, name, dict(zip(_core.sudoku_techniques(), steps)), guesses, solutions, givens)


def _threads(threads: Optional[int]) -> int:
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, int):
        raise TypeError(f"threads must be an int or None, got {type(threads).__name__}")
    lo, hi = _OPTIONS["threads"][1:3]
    if not lo <= threads <= hi:
        raise ValueError(f"threads must be in [{lo}, {hi}] (0 or None: one per core), got {threads}")
    return threads


def _is_array(x: Any) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and isinstance(x, np.ndarray)


def _batch(puzzles: Puzzles, limit: int, threads: Optional[int], solutions: bool = True
           ) -> Tuple[Optional[List[Optional[str]]], List[int], List[int]]:
    """Runs the Rust batch on strings or an array; see the module doc."""
    nthreads = _threads(threads)
    if _is_array(puzzles):
        return _core.sudoku_solve_values(_as_values(puzzles), limit=limit, threads=nthreads, solutions=solutions)
    if isinstance(puzzles, (str, bytes)):
        raise TypeError("puzzles must be a sequence of puzzle strings (one puzzle: use solve())")
    puzzles = list(puzzles)
    try:
        joined = "".join(puzzles)
    except TypeError:
        k, p = next((k, p) for k, p in enumerate(puzzles) if not isinstance(p, str))
        raise TypeError(f"puzzle {k}: expected a str, got {type(p).__name__}") from None
    try:
        data = joined.encode("ascii")
    except UnicodeEncodeError:
        # Locate the puzzle; the Rust parser then names the character position.
        for k, p in enumerate(puzzles):
            if not p.isascii():
                try:
                    _core.sudoku_rate(p)
                except ValueError as e:
                    raise ValueError(f"puzzle {k}: {e}") from None
        raise  # unreachable: some puzzle was not ASCII
    return _core.sudoku_solve_text(data, [len(p) for p in puzzles], limit=limit, threads=nthreads,
                                   solutions=solutions)


def _as_values(a: Any) -> Any:
    """A C-contiguous uint8 ``(N, n*n)`` view of an integer array, range-checked."""
    import numpy as np

    if a.dtype.kind not in "iu":
        raise TypeError(f"puzzle arrays must have an integer dtype, got {a.dtype}")
    if a.ndim == 3 and a.shape[1] == a.shape[2]:
        a = a.reshape(a.shape[0], a.shape[1] * a.shape[2])
    if a.ndim != 2:
        raise ValueError(f"puzzle arrays must have shape (N, n*n) or (N, n, n), got {a.shape}")
    cells = a.shape[1]
    n = {16: 4, 81: 9, 256: 16, 625: 25}.get(cells)
    if n is None:
        raise ValueError(f"rows of {cells} cells are not 4x4, 9x9, 16x16 or 25x25 grids")
    bad = np.flatnonzero((a < 0) | (a > n))
    if bad.size:
        k, i = divmod(int(bad[0]), cells)
        raise ValueError(f"puzzle {k}: cell {i}: value {int(a[k, i])} is outside 0..={n} (0 = empty)")
    return np.ascontiguousarray(a, dtype=np.uint8)


def _single(puzzle: Any) -> Puzzles:
    """One puzzle (a string, or an array of shape (n*n,) or (n, n)) as a batch of one."""
    if _is_array(puzzle):
        return puzzle.reshape(1, -1)
    if not isinstance(puzzle, str):
        raise TypeError(f"a puzzle is a str or a numpy integer array, got {type(puzzle).__name__}")
    return [puzzle]


def _limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an int, got {type(limit).__name__}")
    lo, hi = _OPTIONS["limit"][1:3]
    if not lo <= limit <= hi:
        raise ValueError(f"limit must be in [{lo}, {hi}], got {limit}")
    return limit


def solve(puzzle: Union[str, Any]) -> Optional[str]:
    """The solution of ``puzzle`` as a string, or ``None`` when it has none.

    ``puzzle``: a puzzle string (module doc) or an integer array of shape
    ``(n*n,)`` or ``(n, n)``. With several solutions, returns the first the
    solver finds (use :func:`count_solutions` to check uniqueness).
    Errors: ``ValueError`` naming the position of a bad character or the
    length; ``TypeError`` for other types. Cost: microseconds for 9×9;
    runs on the calling thread with the GIL released.
    """
    solutions = _batch(_single(puzzle), 1, 1)[0]
    assert solutions is not None
    return solutions[0]


def solve_many(puzzles: Puzzles, *, threads: Optional[int] = None) -> List[Optional[str]]:
    """Solutions of many puzzles, in order (``None`` where a puzzle has none).

    ``puzzles``: a list of puzzle strings (sizes may be mixed) or an integer
    numpy array of shape ``(N, n*n)`` or ``(N, n, n)``. ``threads``: worker
    threads, ``None`` or 0 for one per core; the results are the same for
    any value. Errors: ``ValueError("puzzle K: position P: ...")`` for a bad
    character, ``("puzzle K: length L ...")`` for a bad length, ``("puzzle K:
    cell I: ...")`` for an array value outside ``0..n``; nothing is solved
    then. Cost, 1 thread (``benches/results/sudoku.txt``): about 2.3 µs per
    17-clue puzzle and 25 µs per forum_hardest_1905_11+ puzzle (47 µs
    with the uniqueness proof of :func:`count_many`). Releases the GIL;
    Ctrl-C raises ``KeyboardInterrupt``.
    """
    solutions = _batch(puzzles, 1, threads)[0]
    assert solutions is not None
    return solutions


def count_solutions(puzzle: Union[str, Any], limit: int = 2) -> int:
    """The number of solutions of ``puzzle``, counting stops at ``limit``.

    With the default ``limit=2``: 0 (none, conflicting givens included), 1
    (unique) or 2 (several). Errors as :func:`solve`, and ``ValueError`` for
    ``limit < 1``. Cost: like :func:`solve` for puzzles with few solutions;
    with a large limit, up to ``limit`` solutions are enumerated (Ctrl-C
    interrupts).
    """
    return _batch(_single(puzzle), _limit(limit), 1, solutions=False)[1][0]


def count_many(puzzles: Puzzles, *, limit: int = 2, threads: Optional[int] = None) -> List[int]:
    """:func:`count_solutions` for many puzzles, as :func:`solve_many` takes them."""
    return _batch(puzzles, _limit(limit), threads, solutions=False)[1]


def rate(puzzle: str) -> Rating:
    """The difficulty :class:`Rating` of a puzzle string: the hardest human
    technique family it needs and the solver's guesses (see
    :class:`Rating`). Errors: ``ValueError`` naming the bad position or
    length. Cost: one uniqueness check plus a logical solve (tens of
    microseconds for 9×9, milliseconds for 25×25)."""
    if not isinstance(puzzle, str):
        raise TypeError(f"rate takes a puzzle string, got {type(puzzle).__name__}")
    return _rating(_core.sudoku_rate(puzzle))


def generate(
    n: int = 9,
    *,
    seed: int = 0,
    symmetric: bool = False,
    min_clues: int = 0,
    level: Union[None, int, str] = None,
    attempts: int = _OPTIONS["attempts"][0],
    guess_budget: int = _OPTIONS["guess_budget"][0],
) -> Generated:
    """A puzzle with a unique solution, its solution and its rating.

    A random full grid (from ``seed``: the same arguments give the same
    puzzle on every platform) has givens removed in random order while the
    solution stays unique, until none can go (a minimal puzzle) or
    ``min_clues`` remain; ``symmetric`` removes them in half-turn pairs.
    ``level`` (``None`` for any; 1-4 or ``"easy"``, ``"medium"``,
    ``"hard"``, ``"expert"``) retries with further grids until the rating
    has that level, at most ``attempts`` grids. ``guess_budget`` bounds each
    uniqueness check on 16×16 and 25×25 (a check that runs out keeps the
    given, so the result is still unique).

    Errors: ``ValueError`` for ``n`` not in {4, 9, 16, 25}, an option out of
    range, or a level not reached in ``attempts`` grids. Cost: milliseconds
    for 9×9 (times the attempts a level needs), under a second for 16×16,
    tens of seconds for a minimal 25×25 (``min_clues`` cuts it short). Releases
    the GIL; Ctrl-C raises ``KeyboardInterrupt``.
    """
    if isinstance(level, str):
        if level not in LEVELS[1:]:
            raise ValueError(f"level must be one of {', '.join(LEVELS[1:])}, got {level!r}")
        level = LEVELS.index(level)
    values = {
        "seed": seed,
        "symmetric": int(bool(symmetric)),
        "min_clues": min_clues,
        "level": 0 if level is None else level,
        "attempts": attempts,
        "guess_budget": guess_budget,
    }
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not isinstance(n, int) or n not in (4, 9, 16, 25):
        raise ValueError(f"n must be 4, 9, 16 or 25, got {n!r}")
    puzzle, solution, rating, tries = _core.sudoku_generate(n, values)
    return Generated(puzzle, solution, _rating(rating), tries)
