"""``fastback sudoku FILE``: solve, count or rate a file of puzzles.

Input: one puzzle per line (the text form of :mod:`fastback.sudoku`: 81
characters for 9×9, ``.`` or ``0`` empty; 16×16 and 25×25 use letters).
Surrounding whitespace and ``\\r`` are ignored; blank lines and lines
starting with ``#`` are skipped. ``-`` reads standard input.

Output, one line per puzzle line, in order:

- default: the solution, or ``none`` when the puzzle has no solution
  (conflicting givens included); with several solutions, the first found;
- ``--count``: the number of solutions, counting stops at ``--limit``
  (default 2) and is then written ``LIMIT+`` (``2+``: not unique);
- ``--rate``: ``LEVEL GUESSES`` (level name and the solver's guesses; see
  :class:`fastback.sudoku.Rating`).

Every line is checked before anything is solved: a malformed line is
reported on stderr as ``fastback sudoku: FILE:LINE: message`` (every such
line, up to 20), and nothing is written to stdout.

Exit status: 0 success; 1 unreadable file or malformed input; 2 usage
error; 3 (default mode) at least one puzzle has no solution; 130
interrupted (Ctrl-C). A progress bar is shown on stderr for long runs when
stderr is a terminal.

Nothing here imports numpy: ``fastback sat`` builds this parser too.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import List, Tuple

from fastback._argtypes import int_range

HELP = "solve, count or rate Sudoku puzzles, one per line (4x4 to 25x25)"

OK, ERROR, NO_SOLUTION, INTERRUPTED = 0, 1, 3, 130

#: Puzzles per batch call, so that the progress bar moves and Ctrl-C lands
#: between calls as well as within them.
CHUNK = 20_000

#: Malformed lines reported before giving up.
MAX_ERRORS = 20


def _option(name: str) -> Tuple[int, int, int, str]:
    from fastback import _core

    for n, default, lo, hi, desc in _core.sudoku_options():
        if n == name:
            return default, lo, hi, desc
    raise KeyError(name)


def _ranged_int(name: str):
    _, lo, hi, _ = _option(name)
    return int_range(name, lo, hi)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = ("output: one line per puzzle, the solution or 'none'; exit status 0 ok, "
                "1 bad input, 2 usage, 3 some puzzle has no solution, 130 interrupted")
    p.add_argument("file", metavar="FILE", help="puzzles, one per line; '-' reads stdin")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--count", action="store_true",
                      help="print the number of solutions (LIMIT+ when counting stopped)")
    mode.add_argument("--rate", action="store_true",
                      help="print the difficulty level and the solver's guesses")
    default, _, _, desc = _option("limit")
    p.add_argument("--limit", type=_ranged_int("limit"), default=default, metavar="N",
                   help=f"{desc} (default {default})")
    default, _, _, desc = _option("threads")
    p.add_argument("--threads", type=_ranged_int("threads"), default=default, metavar="N",
                   help=f"{desc} (default {default})")
    p.add_argument("--stats", action="store_true",
                   help="print puzzles, time and puzzles per second on stderr")


def _read(path: str) -> Tuple[List[str], List[int]]:
    """The puzzle lines and their 1-based line numbers."""
    if path == "-":
        text = sys.stdin.read()
    else:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    puzzles, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            puzzles.append(line)
            lines.append(number)
    return puzzles, lines


def _validate(puzzles: List[str], lines: List[int], name: str) -> List[str]:
    """``FILE:LINE: message`` for each malformed line (at most MAX_ERRORS),
    without solving anything."""
    from fastback import _core

    errors: List[Tuple[int, str]] = []
    ascii_index = []
    for k, p in enumerate(puzzles):
        if p.isascii():
            ascii_index.append(k)
        else:
            try:
                _core.sudoku_rate(p)  # never valid: raises with the character position
            except ValueError as e:
                errors.append((k, str(e)))
    data = "".join(puzzles[k] for k in ascii_index).encode("ascii")
    for j, message in _core.sudoku_check_text(data, [len(puzzles[k]) for k in ascii_index]):
        errors.append((ascii_index[j], message))
    errors.sort()
    return [f"{name}:{lines[k]}: {message}" for k, message in errors[:MAX_ERRORS]]


def run(args: argparse.Namespace) -> int:
    from fastback import sudoku

    name = "<stdin>" if args.file == "-" else args.file
    try:
        puzzles, lines = _read(args.file)
    except OSError as e:
        sys.stderr.write(f"fastback sudoku: {name}: {e.strerror or e}\n")
        return ERROR
    errors = _validate(puzzles, lines, name)
    if errors:
        for e in errors:
            sys.stderr.write(f"fastback sudoku: {e}\n")
        return ERROR

    bar = None
    if sys.stderr.isatty() and len(puzzles) > CHUNK:
        from tqdm import tqdm

        bar = tqdm(total=len(puzzles), unit="puzzle", file=sys.stderr, leave=False)
    out = sys.stdout
    status = OK
    t0 = time.perf_counter()
    try:
        for start in range(0, len(puzzles), CHUNK):
            chunk = puzzles[start:start + CHUNK]
            if args.rate:
                for p in chunk:
                    r = sudoku.rate(p)
                    out.write(f"{r.level_name} {r.guesses}\n")
            elif args.count:
                for c in sudoku.count_many(chunk, limit=args.limit, threads=args.threads):
                    out.write(f"{c}+\n" if c >= args.limit else f"{c}\n")
            else:
                for s in sudoku.solve_many(chunk, threads=args.threads):
                    if s is None:
                        status = NO_SOLUTION
                    out.write(f"{s}\n" if s is not None else "none\n")
            if bar is not None:
                bar.update(len(chunk))
    except KeyboardInterrupt:
        out.flush()
        sys.stderr.write("fastback sudoku: interrupted\n")
        return INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    out.flush()
    if args.stats:
        dt = time.perf_counter() - t0
        rate = len(puzzles) / dt if dt > 0 else float("inf")
        sys.stderr.write(f"fastback sudoku: {len(puzzles)} puzzles in {dt:.3f} s ({rate:,.0f} puzzles/s)\n")
    return status
