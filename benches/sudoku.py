#!/usr/bin/env python3
"""Sudoku puzzles per second: fastback against OR-Tools CP-SAT and a
Norvig-style solver, in the same run, with tdoku's published figures beside.

Why: every speed claim about ``fastback.sudoku`` (README, docstrings) must
come from a run anyone can repeat (STYLE.md #10). Absolute rates on our
shared 2-core machines are noisy, so the anchors run in the same process,
one after the other, and the report gives ratios measured in this run.

What is measured, per data set (``../shared/bench/sudoku``: Gordon Royle's
49,158 17-clue puzzles, and 48,766 puzzles of forum_hardest_1905 with
Sudoku Explainer rating 11+, the sets of tdoku's benchmarks):

- fastback through its Python batch API, the way a user calls it, all
  conversion included: ``solve_many`` (first solution) and ``count_many``
  with ``limit=2`` (solution plus proof of uniqueness: what tdoku's figures
  measure), on 1 thread and on all threads; best of ``--repeat`` runs;
- a Norvig-style solver (written below in the style of Peter Norvig's
  "Solving Every Sudoku Puzzle": dict of candidate strings, constraint
  propagation by assign/eliminate, depth-first search on the square with
  the fewest candidates), first solution, on a sample;
- OR-Tools CP-SAT (AllDifferent model, one worker, first solution) on a
  sample, model building included;
- tdoku's published single-thread figures, quoted (we cannot run tdoku
  here): 364,354 puzzles/s (17-clue) and 24,002 puzzles/s
  (forum_hardest_1905_11+), unique-solution counting, Ice Lake laptop;
- optionally (``--rust-sudoku``, needs cargo and crates.io) the ``sudoku``
  crate 0.8 (rust_sudoku, a port of JCZSolve, one of the solvers in tdoku's
  own benchmark tables), built in a cache directory and run on the full
  sets, unique-solution check, 1 thread, from Rust (no Python): the one
  fastest-class solver we can run side by side here.

Every solution from every solver is checked (rows, columns, boxes, givens)
by ``check`` below, which shares nothing with the solvers.

Usage (from the repository root, after ``make build`` and ``make bench-deps``)::

    .venv/bin/python benches/sudoku.py                      # prints the report
    .venv/bin/python benches/sudoku.py --out benches/results/sudoku.txt
    .venv/bin/python benches/sudoku.py --sample 200 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "sudoku"
SETS = {
    "puzzles2_17_clue": 364_354,
    "puzzles5_forum_hardest_1905_11+": 24_002,
}


def check(puzzle: str, solution: Optional[str]) -> bool:
    """True when ``solution`` is a filled 9x9 grid that keeps ``puzzle``'s givens."""
    if solution is None or len(solution) != 81:
        return False
    digits = set("123456789")
    for i in range(9):
        if {solution[9 * i + c] for c in range(9)} != digits:
            return False
        if {solution[9 * r + i] for r in range(9)} != digits:
            return False
        r0, c0 = 3 * (i // 3), 3 * (i % 3)
        if {solution[9 * (r0 + k // 3) + c0 + k % 3] for k in range(9)} != digits:
            return False
    return all(p in ".0" or p == s for p, s in zip(puzzle, solution))


# --------------------------------------------------------------------------
# A Norvig-style solver (after Peter Norvig, "Solving Every Sudoku Puzzle")
# --------------------------------------------------------------------------


def cross(a: str, b: str) -> List[str]:
    return [x + y for x in a for y in b]


DIGITS = "123456789"
ROWS = "ABCDEFGHI"
COLS = DIGITS
SQUARES = cross(ROWS, COLS)
UNITLIST = ([cross(ROWS, c) for c in COLS] + [cross(r, COLS) for r in ROWS]
            + [cross(rs, cs) for rs in ("ABC", "DEF", "GHI") for cs in ("123", "456", "789")])
UNITS = {s: [u for u in UNITLIST if s in u] for s in SQUARES}
PEERS = {s: set(sum(UNITS[s], [])) - {s} for s in SQUARES}


def parse_grid(grid: str):
    """Candidate dict of the grid, or False on a contradiction."""
    values = {s: DIGITS for s in SQUARES}
    for s, d in zip(SQUARES, grid):
        if d in DIGITS and not assign(values, s, d):
            return False
    return values


def assign(values, s: str, d: str):
    """Eliminate every other value from square s, propagating."""
    other = values[s].replace(d, "")
    if all(eliminate(values, s, d2) for d2 in other):
        return values
    return False


def eliminate(values, s: str, d: str):
    """Eliminate d from values[s]; propagate when values or places drop to one."""
    if d not in values[s]:
        return values
    values[s] = values[s].replace(d, "")
    if len(values[s]) == 0:
        return False
    if len(values[s]) == 1:
        d2 = values[s]
        if not all(eliminate(values, s2, d2) for s2 in PEERS[s]):
            return False
    for u in UNITS[s]:
        places = [s2 for s2 in u if d in values[s2]]
        if len(places) == 0:
            return False
        if len(places) == 1 and not assign(values, places[0], d):
            return False
    return values


def search(values):
    """Depth-first search on the square with the fewest candidates."""
    if values is False:
        return False
    if all(len(values[s]) == 1 for s in SQUARES):
        return values
    _, s = min((len(values[s]), s) for s in SQUARES if len(values[s]) > 1)
    for d in values[s]:
        result = search(assign(values.copy(), s, d))
        if result:
            return result
    return False


def norvig_solve(grid: str) -> Optional[str]:
    values = search(parse_grid(grid))
    return "".join(values[s] for s in SQUARES) if values else None


# --------------------------------------------------------------------------
# OR-Tools CP-SAT
# --------------------------------------------------------------------------


def cpsat_solve(grid: str) -> Optional[str]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [[model.NewIntVar(1, 9, f"x{r}{c}") for c in range(9)] for r in range(9)]
    for i in range(9):
        model.AddAllDifferent(x[i])
        model.AddAllDifferent([x[r][i] for r in range(9)])
        r0, c0 = 3 * (i // 3), 3 * (i % 3)
        model.AddAllDifferent([x[r0 + k // 3][c0 + k % 3] for k in range(9)])
    for k, ch in enumerate(grid):
        if ch in DIGITS:
            model.Add(x[k // 9][k % 9] == int(ch))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return "".join(str(solver.Value(x[r][c])) for r in range(9) for c in range(9))


# --------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------


RUST_SUDOKU_MAIN = r"""
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).unwrap();
    let repeat: usize = args[2].parse().unwrap();
    let puzzles: Vec<sudoku::Sudoku> = text.lines().map(str::trim).filter(|l| !l.is_empty())
        .map(|l| sudoku::Sudoku::from_str_line(l).unwrap()).collect();
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let t = Instant::now();
        let unique = puzzles.iter().filter(|p| p.is_uniquely_solvable()).count();
        best = best.min(t.elapsed().as_secs_f64());
        assert_eq!(unique, puzzles.len());
    }
    println!("{} {}", puzzles.len(), best);
}
"""


def build_rust_sudoku() -> Optional[Path]:
    """Builds the rust_sudoku runner (once, in a cache directory); None when cargo fails."""
    import shutil
    import subprocess

    cargo = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fastback-bench" / "rust_sudoku"
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "Cargo.toml").write_text(
        '[package]\nname = "rust_sudoku_bench"\nversion = "0.1.0"\nedition = "2021"\n\n'
        '[dependencies]\nsudoku = "=0.8.0"\n\n[profile.release]\nlto = "fat"\ncodegen-units = 1\n')
    (root / "src" / "main.rs").write_text(RUST_SUDOKU_MAIN)
    r = subprocess.run([cargo, "build", "--release", "-q"], cwd=root, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"rust_sudoku: cargo build failed:\n{r.stderr}", file=sys.stderr)
        return None
    return root / "target" / "release" / "rust_sudoku_bench"


def timed(fn: Callable[[], object], repeat: int) -> tuple:
    """(best seconds, last result) over ``repeat`` runs."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def per_puzzle(solve: Callable[[str], Optional[str]], puzzles: Sequence[str]) -> Callable[[], List]:
    return lambda: [solve(p) for p in puzzles]


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, default=300,
                    help="puzzles per set for the Norvig-style solver and CP-SAT (default 300)")
    ap.add_argument("--repeat", type=int, default=3, help="fastback runs per measurement, best taken (default 3)")
    ap.add_argument("--out", metavar="FILE", help="also write the report to FILE")
    ap.add_argument("--rust-sudoku", action="store_true",
                    help="also build and run the sudoku crate (JCZSolve port) side by side")
    args = ap.parse_args(argv)
    rust_sudoku = build_rust_sudoku() if args.rust_sudoku else None

    from fastback import __version__, sudoku

    try:
        import ortools
        have_ortools = True
        ortools_version = ortools.__version__
    except ImportError:
        have_ortools, ortools_version = False, "not installed (make bench-deps)"

    lines: List[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    cores = os.cpu_count() or 1
    say(f"fastback {__version__} sudoku benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    say(f"machine: {platform.machine()}, {cores} cores, {platform.processor() or platform.platform()}; "
        f"Python {platform.python_version()}; OR-Tools {ortools_version}")
    say(f"fastback: best of {args.repeat}; anchors: one run on the first {args.sample} puzzles of each set")
    failures = 0
    for name, tdoku in SETS.items():
        path = DATA / name
        if not path.exists():
            say(f"\n{name}: missing ({path})")
            continue
        puzzles = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        sample = puzzles[: args.sample]
        say(f"\n== {name}: {len(puzzles):,} puzzles ==")
        rows: Dict[str, float] = {}

        def record(label: str, n: int, seconds: float, ok: bool) -> None:
            nonlocal failures
            rate = n / seconds
            rows[label] = rate
            failures += not ok
            say(f"  {label:<42} {rate:>12,.0f} puzzles/s  ({seconds:8.3f} s for {n:,}){'' if ok else '  WRONG'}")

        for threads in (1, 0):
            t_label = "1 thread" if threads == 1 else f"all {cores} threads"
            secs, sols = timed(lambda: sudoku.solve_many(puzzles, threads=threads), args.repeat)
            record(f"fastback solve_many, {t_label}", len(puzzles), secs,
                   all(check(p, s) for p, s in zip(puzzles, sols)))
            secs, counts = timed(lambda: sudoku.count_many(puzzles, limit=2, threads=threads), args.repeat)
            record(f"fastback count_many(limit=2), {t_label}", len(puzzles), secs, counts == [1] * len(puzzles))
        secs, sols = timed(per_puzzle(norvig_solve, sample), 1)
        record("Norvig-style (Python), 1 thread", len(sample), secs, all(check(p, s) for p, s in zip(sample, sols)))
        if have_ortools:
            secs, sols = timed(per_puzzle(cpsat_solve, sample), 1)
            record("OR-Tools CP-SAT, 1 worker", len(sample), secs, all(check(p, s) for p, s in zip(sample, sols)))
        if rust_sudoku is not None:
            import subprocess

            out = subprocess.run([str(rust_sudoku), str(path), str(args.repeat)],
                                 capture_output=True, text=True)
            if out.returncode == 0:
                n, secs = out.stdout.split()
                record("rust_sudoku 0.8 (JCZSolve), unique, 1 thread", int(n), float(secs), True)
            else:
                record("rust_sudoku 0.8 (JCZSolve), unique, 1 thread", 1, float("inf"), False)
        one = rows["fastback solve_many, 1 thread"]
        say("  ratios (fastback solve_many, 1 thread, over the anchor, same run):")
        say(f"    Norvig-style: {one / rows['Norvig-style (Python), 1 thread']:,.0f}x")
        if have_ortools:
            say(f"    OR-Tools CP-SAT: {one / rows['OR-Tools CP-SAT, 1 worker']:,.0f}x")
        unique = rows["fastback count_many(limit=2), 1 thread"]
        if "rust_sudoku 0.8 (JCZSolve), unique, 1 thread" in rows:
            jcz = rows["rust_sudoku 0.8 (JCZSolve), unique, 1 thread"]
            say(f"    rust_sudoku (JCZSolve), unique, 1 thread, from Rust: fastback count_many "
                f"(through Python) is {unique / jcz:.2f}x")
        say(f"  tdoku, published (unique count, 1 thread, Ice Lake laptop; not run here): {tdoku:,} puzzles/s;")
        say(f"    fastback count_many(limit=2), 1 thread, here: {unique:,.0f} puzzles/s "
            f"({unique / tdoku:.2f}x the published figure, different machines)")
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")
    if failures:
        print(f"{failures} measurement(s) had wrong answers", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
