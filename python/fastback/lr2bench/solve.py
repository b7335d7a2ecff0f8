"""Running the LR²Bench solvers over the benchmark, one record per puzzle.

:func:`solve_level` turns each puzzle of a level into the record a model's
output would be, ``{"task", "level", "tag", "output"}``, where ``output``
is text holding the answer block (:mod:`fastback.lr2bench.render`), so the
scorer grades solvers and models alike. The solvers:

- **sudoku**: :func:`fastback.sudoku.solve_many` (the Sudoku engine), every
  solution checked here against the clues and the rules before it is used;
- **cryptogram**: :func:`fastback.lr2bench.cryptogram.solve_cryptogram`
  (the puzzle's hints are used unless ``hints=False``);
- **drop**: :func:`fastback.lr2bench.dropquote.solve_drop_quote`;
- **crossword**, **acrostic**: :mod:`fastback.lr2bench.fill` from
  candidate answers that the caller supplies (``candidates``: puzzle ->
  clue id -> words; :func:`read_candidates` reads them from JSON);
- **logic**: ``fastback.lr2bench.logic.solve_logic`` when that module is
  installed, imported only when a logic puzzle is solved.

No solver reads the gold answers, nor the fields of a record that hold the
solution (``mapping`` of cryptograms, ``answer`` of drop quotes).

A solver that is not available raises :class:`SolverUnavailable` with the
reason, before any puzzle is solved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence

from fastback.lr2bench.data import LR2BenchError, PathLike, check_task_level
from fastback.lr2bench.puzzles import Acrostic, Crossword, Cryptogram, DropQuote, LogicGrid, Puzzle, Sudoku, load
from fastback.lr2bench.render import (render_acrostic, render_crossword, render_cryptogram, render_grid,
                                      render_logic)

__all__ = ["SolverUnavailable", "solve_level", "solve_sudokus", "read_candidates", "Candidates",
           "check_sudoku"]

#: level/tag (or tag) -> clue id -> candidate answers, best first.
Candidates = Mapping[str, Mapping[str, Sequence[str]]]


class SolverUnavailable(RuntimeError):
    """The solver for a task cannot run here (a missing module or input)."""


# --------------------------------------------------------------------------
# sudoku
# --------------------------------------------------------------------------


def check_sudoku(puzzle: Sudoku, grid: Sequence[Sequence[int]]) -> bool:
    """Whether ``grid`` keeps the puzzle's clues and has every value once in
    each row, column and box (an independent check of a solution)."""
    n = puzzle.size
    br, bc = puzzle.box
    full = list(range(1, n + 1))
    if len(grid) != n or any(len(row) != n for row in grid):
        return False
    if any(puzzle.grid[i][j] not in (0, grid[i][j]) for i in range(n) for j in range(n)):
        return False
    rows = all(sorted(row) == full for row in grid)
    cols = all(sorted(grid[i][j] for i in range(n)) == full for j in range(n))
    boxes = all(sorted(grid[r + i][c + j] for i in range(br) for j in range(bc)) == full
                for r in range(0, n, br) for c in range(0, n, bc))
    return rows and cols and boxes


def solve_sudokus(puzzles: Sequence[Sudoku]) -> List[Optional[List[List[int]]]]:
    """Solutions of ``puzzles`` (None where there is none) through
    :func:`fastback.sudoku.solve_many`, one batch call; each checked with
    :func:`check_sudoku`. Sizes up to 9x9 (one digit per cell).

    Raises :class:`SolverUnavailable` when :mod:`fastback.sudoku` is not
    there, ``ValueError`` when it returns a grid that breaks the puzzle.
    """
    try:
        from fastback.sudoku import solve_many
    except ImportError as e:
        raise SolverUnavailable(f"the Sudoku engine (fastback.sudoku.solve_many) is not available: {e}") from None
    for p in puzzles:
        if p.size > 9:
            raise ValueError(f"sudoku {p.tag}: {p.size}x{p.size} is beyond one digit per cell")
    answers = solve_many([p.puzzle_string() for p in puzzles])
    if len(answers) != len(puzzles):
        raise ValueError(f"solve_many returned {len(answers)} results for {len(puzzles)} puzzles")
    out: List[Optional[List[List[int]]]] = []
    for p, answer in zip(puzzles, answers):
        if answer is None:
            out.append(None)
            continue
        n = p.size
        text = str(answer)
        if len(text) != n * n or not text.isdigit():
            raise ValueError(f"sudoku {p.tag}: solve_many returned {text!r}, not {n * n} digits")
        grid = [[int(text[i * n + j]) for j in range(n)] for i in range(n)]
        if not check_sudoku(p, grid):
            raise ValueError(f"sudoku {p.tag}: solve_many returned a grid that breaks the puzzle")
        out.append(grid)
    return out


# --------------------------------------------------------------------------
# candidates for crosswords and acrostics
# --------------------------------------------------------------------------


def read_candidates(path: PathLike) -> Dict[str, Dict[str, List[str]]]:
    """Reads a candidates file: a JSON object keyed by puzzle (``"<tag>"``
    or ``"<level>/<tag>"``), each value an object mapping a clue id
    (``"1-Across"``, ``"17-DOWN"``, ``"1A"`` for crosswords; ``"A"``,
    ``"B"``... for acrostics) to a list of candidate answers, best first.
    Raises :class:`~fastback.lr2bench.data.LR2BenchError` naming the file."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise LR2BenchError(source, 0, e.strerror or str(e)) from None
    except json.JSONDecodeError as e:
        raise LR2BenchError(source, e.lineno, f"not JSON: {e.msg}") from None
    if not isinstance(data, dict):
        raise LR2BenchError(source, 0, "expected an object keyed by puzzle tag")
    out: Dict[str, Dict[str, List[str]]] = {}
    for puzzle, clues in data.items():
        if not isinstance(clues, dict):
            raise LR2BenchError(source, 0, f"{puzzle}: expected an object keyed by clue id")
        entry: Dict[str, List[str]] = {}
        for clue, words in clues.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise LR2BenchError(source, 0, f"{puzzle} {clue}: expected a list of strings")
            entry[str(clue)] = list(words)
        out[str(puzzle)] = entry
    return out


def _clue_candidates(candidates: Candidates, puzzle: Puzzle) -> Callable[[Any], List[str]]:
    from fastback.lr2bench.scoring import _crossword_key

    entry = candidates.get(f"{puzzle.level}/{puzzle.tag}", candidates.get(puzzle.tag, {}))
    by_id: Dict[str, List[str]] = {}
    for clue, words in entry.items():
        key = _crossword_key(clue) if isinstance(puzzle, Crossword) else clue.strip().upper()
        if key is not None:
            by_id.setdefault(key, []).extend(words)
    return lambda clue: by_id.get(clue.id, [])


# --------------------------------------------------------------------------
# solving a level
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    task: str
    level: str
    tag: str
    output: str

    def as_json(self) -> Dict[str, str]:
        return {"task": self.task, "level": self.level, "tag": self.tag, "output": self.output}


def _logic_solver() -> Callable[[Dict[str, Any]], Any]:
    try:
        from fastback.lr2bench import logic  # type: ignore[attr-defined]
    except ImportError as e:
        raise SolverUnavailable(f"the logic-grid solver (fastback.lr2bench.logic) is not available: {e}") from None
    solver = getattr(logic, "solve_logic", None)
    if solver is None:
        raise SolverUnavailable("fastback.lr2bench.logic has no solve_logic")
    return solver  # type: ignore[no-any-return]


def solve_level(task: str, level: str, root: Optional[PathLike] = None, *,
                candidates: Optional[Candidates] = None, hints: bool = True, seed: int = 0,
                progress: Optional[Callable[[int, int], None]] = None) -> Iterator[Dict[str, str]]:
    """Yields ``{"task", "level", "tag", "output"}`` for every puzzle of one
    level, in the data file's order.

    ``candidates`` is required for crosswords and acrostics; ``hints``
    controls whether cryptogram hints (and acrostic answers the puzzle gives
    away) are used. ``progress(done, total)`` is called after each puzzle.
    Raises :class:`SolverUnavailable` before the first record when the
    task's solver cannot run.
    """
    check_task_level(task, level)
    if task in ("crossword", "acrostic") and candidates is None:
        raise SolverUnavailable(f"{task} needs candidate answers per clue (--candidates FILE)")
    logic = _logic_solver() if task == "logic" else None
    if task in ("cryptogram", "drop", "acrostic"):
        from fastback.lr2bench.words import word_model

        word_model()  # fails early (MissingWordList) without wordfreq
    puzzles = load(task, level, root)
    total = len(puzzles)
    if task == "sudoku":
        grids = solve_sudokus([p for p in puzzles if isinstance(p, Sudoku)])
        for done, (p, grid) in enumerate(zip(puzzles, grids), 1):
            output = render_grid(grid) if grid is not None else "The puzzle has no solution."
            if progress:
                progress(done, total)
            yield _Record(task, level, p.tag, output).as_json()
        return
    for done, p in enumerate(puzzles, 1):
        yield _Record(task, level, p.tag, _solve_one(p, candidates, hints, seed, logic)).as_json()
        if progress:
            progress(done, total)


def _solve_one(p: Puzzle, candidates: Optional[Candidates], hints: bool, seed: int,
               logic: Optional[Callable[[Dict[str, Any]], Any]]) -> str:
    if isinstance(p, Cryptogram):
        from fastback.lr2bench.cryptogram import solve_cryptogram

        c = solve_cryptogram(p.text, p.hints if hints else None, seed=seed)
        return render_cryptogram(c.mapping, c.plaintext, p.author)
    if isinstance(p, DropQuote):
        from fastback.lr2bench.dropquote import solve_drop_quote

        return render_grid(solve_drop_quote(p, seed=seed).grid)
    if isinstance(p, Crossword):
        from fastback.lr2bench.fill import fill_crossword

        assert candidates is not None
        f = fill_crossword(p, _clue_candidates(candidates, p))
        return render_crossword(f.entries)
    if isinstance(p, Acrostic):
        from fastback.lr2bench.fill import acrostic_letters, fill_acrostic

        assert candidates is not None
        f = fill_acrostic(p, _clue_candidates(candidates, p), use_hints=hints)
        return render_acrostic(acrostic_letters(p, f.entries))
    if isinstance(p, LogicGrid):
        assert logic is not None
        solution = logic(p.raw)
        rows = getattr(solution, "rows", None)
        unparsed = list(getattr(solution, "unparsed", []) or [])
        count = getattr(solution, "solutions", 1)
        # An answer only when the clues were all read and pin down one grid:
        # with an unparsed clue, any grid the rest allows would be a guess.
        if rows is None or unparsed or count != 1:
            why = []
            if unparsed:
                why.append("unparsed clues: " + "; ".join(f"{cid}: {text}" for cid, text in unparsed))
            why.append("no grid satisfies the clues" if rows is None else
                       "the parsed clues allow more than one grid")
            return "No answer: " + "; ".join(why) + "."
        return render_logic(rows)
    raise ValueError(f"no solver for {type(p).__name__}")

