#!/usr/bin/env python3
"""Search traces and the CountDown solver, measured.

Part 1 (``--part solve``): the CountDown solver against a plain-Python
solver written the way one usually is (recursive search over pairs of
numbers and the four operations, the same rules; all solutions deduplicated
by a Python canonical form), on the same instances, in the same run, with
the answers checked against each other:

- the classic game: 6 numbers (two of 25, 50, 75, 100 and four of 1..10,
  each at most twice), target in 101..999: first solution with both, all
  solutions with fastback (the Python solver needs ~10⁶ Python steps per
  instance for all solutions; ``--python-all`` runs it on that many);
- 5 random numbers in 1..30, target in 10..300: all solutions with both.

Part 2 (``--part traces``): traces per second, with the independent
replay (``verify=True``, the default of the API and the CLI) and without,
and the mean length of a trace, for

- Sudoku: the first ``--sudoku N`` puzzles of the 17-clue set
  (``../shared/bench/sudoku/puzzles2_17_clue``): the full search in ``dfs``
  (the full search in ``nl`` prints a board per revert, megabytes per
  puzzle, and is left out), and ``dfs`` and ``nl`` with 3 backtracks
  (default options: naked singles, fewest candidates first); the 50 LR²Bench
  9×9 hard puzzles in ``nl`` with
  1 backtrack under the paper's own search (no propagation, first empty
  cell), skipping those that cannot supply it;
- CountDown: ``--countdown N`` generated instances (4 numbers in 1..99,
  target 10..100): the full DFS in ``dfs``, and ``nl`` with 2 backtracks.

    .venv/bin/python benches/traces.py                     # both parts
    .venv/bin/python benches/traces.py --part solve --classic 50 --python-all 2
    .venv/bin/python benches/traces.py --part traces --sudoku 200 --countdown 1000

Times are wall clock on one thread; absolute numbers are noisy on shared
machines, the ratios measured side by side are what to quote.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "bench")
sys.path.insert(0, os.path.join(ROOT, "tests"))  # the Python canonical form of the tests

from fastback import traces  # noqa: E402
from test_traces_countdown import canon, parse  # noqa: E402


# --------------------------------------------------------------------------
# the plain-Python CountDown solver
# --------------------------------------------------------------------------


def python_solve(numbers: Sequence[int], target: int, all_solutions: bool) -> List[Any]:
    """Recursive pairwise search; items are (value, tree). Returns trees
    (first mode: at most one; all: one per canonical form)."""
    found: List[Any] = []
    seen: Set[Any] = set()

    def record(tree: Any) -> bool:
        if all_solutions:
            c = canon(tree)
            if c not in seen:
                seen.add(c)
                found.append(tree)
            return False
        found.append(tree)
        return True

    def search(items: List[Tuple[int, Any]]) -> bool:
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                (a, ta), (b, tb) = items[i], items[j]
                hi, lo, th, tl = (a, b, ta, tb) if a >= b else (b, a, tb, ta)
                results = [(a + b, ("+", ta, tb)), (a * b, ("*", ta, tb))]
                if hi != lo:
                    results.append((hi - lo, ("-", th, tl)))
                if hi % lo == 0:
                    results.append((hi // lo, ("/", th, tl)))
                    if hi == lo:
                        results.append((1, ("/", tl, th)))
                rest = [x for k, x in enumerate(items) if k != i and k != j]
                for value, tree in results:
                    if value == target and record(tree):
                        return True
                    if rest and search(rest + [(value, tree)]):
                        return True
        return False

    for n in numbers:
        if n == target and record(n):
            return found
    search([(n, n) for n in numbers])
    return found


def classic_instances(count: int, seed: int) -> List[Tuple[List[int], int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        large = rng.sample([25, 50, 75, 100], 2)
        small = rng.sample([x for x in range(1, 11) for _ in range(2)], 4)
        out.append((large + small, rng.randint(101, 999)))
    return out


def five_instances(count: int, seed: int) -> List[Tuple[List[int], int]]:
    rng = random.Random(seed)
    return [([rng.randint(1, 30) for _ in range(5)], rng.randint(10, 300)) for _ in range(count)]


def timed(f: Callable[[], Any]) -> Tuple[Any, float]:
    t0 = time.perf_counter()
    r = f()
    return r, time.perf_counter() - t0


def part_solve(args: argparse.Namespace) -> None:
    print("== CountDown solver: fastback vs a plain-Python solver, same instances, one thread")
    rows = []
    classic = classic_instances(args.classic, args.seed)
    fb_first, fb_all, py_first, n_sol = [], [], [], []
    for nums, target in classic:
        a, t = timed(lambda: traces.solve_countdown(nums, target))
        fb_first.append(t)
        b, t = timed(lambda: python_solve(nums, target, False))
        py_first.append(t)
        assert bool(a) == bool(b), (nums, target)
        every, t = timed(lambda: traces.solve_countdown(nums, target, all=True))
        fb_all.append(t)
        n_sol.append(len(every))
    solvable = sum(1 for n in n_sol if n)
    rows.append(("classic 6 numbers, first solution", len(classic), fb_first, py_first))
    py_all_times = []
    for nums, target in classic[:args.python_all]:
        trees, t = timed(lambda: python_solve(nums, target, True))
        py_all_times.append(t)
        assert {canon(x) for x in trees} == {canon(parse(s)) for s in traces.solve_countdown(nums, target, all=True)}
    rows.append(("classic 6 numbers, all solutions", len(classic), fb_all, py_all_times))
    rows.append((f"  the same, first {len(py_all_times)} instances", len(py_all_times), fb_all[:len(py_all_times)],
                 py_all_times))
    five = five_instances(args.five, args.seed + 1)
    f5, p5 = [], []
    for nums, target in five:
        a, t = timed(lambda: traces.solve_countdown(nums, target, all=True))
        f5.append(t)
        b, t = timed(lambda: python_solve(nums, target, True))
        p5.append(t)
        assert {canon(parse(s)) for s in a} == {canon(x) for x in b}, (nums, target)
    rows.append(("5 numbers in 1..30, all solutions", len(five), f5, p5))

    def ms(xs: List[float]) -> str:
        return f"{1000 * statistics.mean(xs):9.2f}" if xs else "      n/a"

    print(f"{'instances':36} {'n':>4} {'fastback ms':>12} {'python ms':>10} {'ratio':>7}   (mean per instance)")
    for name, n, fb, py in rows:
        both = py and len(py) == n
        ratio = f"{statistics.mean(py) / statistics.mean(fb):7.0f}x" if both else "    n/a"
        pn = f" (python on {len(py)}: see the next row)" if py and not both else ""
        print(f"{name:36} {n:4d} {ms(fb):>12} {ms(py if both else []):>10} {ratio}{pn}")
    print(f"classic: {solvable}/{len(classic)} solvable, median {statistics.median(n_sol):.0f} distinct "
          f"solutions, max {max(n_sol)}; answers agree with the Python solver on every instance compared")


# --------------------------------------------------------------------------
# traces per second
# --------------------------------------------------------------------------


def rate(make: Callable[[Any, bool], Optional[traces.Trace]], items: Sequence[Any]) -> Tuple[float, float, float, int]:
    """(traces/s without verify, traces/s with verify, mean chars, traces)."""
    out = []
    for verify in (False, True):
        made: List[traces.Trace] = []
        t0 = time.perf_counter()
        for item in items:
            t = make(item, verify)
            if t is not None:
                made.append(t)
        out.append(len(made) / (time.perf_counter() - t0))
    return out[0], out[1], statistics.mean(len(t.text) for t in made) if made else 0.0, len(made)


def part_traces(args: argparse.Namespace) -> None:
    print("== traces per second (one thread; 'verified' includes the independent Python replay)")
    seventeen = os.path.join(SHARED, "sudoku", "puzzles2_17_clue")
    rows = []
    if os.path.exists(seventeen):
        with open(seventeen) as f:
            puzzles = [line.strip() for _, line in zip(range(args.sudoku), f)]
        for fmt, k in (("dfs", None), ("dfs", 3), ("nl", 3)):
            def make(p: str, v: bool, fmt: str = fmt, k: Optional[int] = k) -> Optional[traces.Trace]:
                try:
                    return traces.sudoku_trace(p, format=fmt, backtracks=k, verify=v)
                except traces.NotEnoughBacktracksError:
                    return None
            rows.append((f"sudoku 17-clue {fmt} k={k if k is not None else 'full'}", len(puzzles), *rate(make, puzzles)))
    lr2 = os.path.join(SHARED, "lr2bench", "4-sudoku", "9_9_hard", "data.jsonl")
    if os.path.exists(lr2):
        from fastback.traces.io import read_sudoku

        items = [it.puzzle for it in read_sudoku(lr2)]

        def make_lr2(p: str, v: bool) -> Optional[traces.Trace]:
            try:
                return traces.sudoku_trace(p, format="nl", backtracks=1, verify=v, propagation="none",
                                           cell_order="first")
            except traces.NotEnoughBacktracksError:
                return None
        rows.append(("sudoku LR2Bench 9x9 hard nl k=1 naive", len(items), *rate(make_lr2, items)))
    instances = list(traces.countdown_instances(args.countdown, seed=args.seed))
    for fmt, k in (("dfs", None), ("nl", 2)):
        def make_cd(inst: traces.Instance, v: bool, fmt: str = fmt, k: Optional[int] = k) -> Optional[traces.Trace]:
            try:
                return traces.countdown_trace(inst.numbers, inst.target, format=fmt, backtracks=k, verify=v)
            except traces.NotEnoughBacktracksError:
                return None
        rows.append((f"countdown 4 numbers {fmt} k={k if k is not None else 'full'}", len(instances),
                     *rate(make_cd, instances)))
    print(f"{'traces':40} {'puzzles':>7} {'made':>5} {'traces/s':>9} {'verified/s':>10} {'mean chars':>10}")
    for name, n, fast, verified, chars, made in rows:
        print(f"{name:40} {n:7d} {made:5d} {fast:9.0f} {verified:10.0f} {chars:10.0f}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--part", choices=("solve", "traces", "all"), default="all")
    p.add_argument("--classic", type=int, default=30, help="classic 6-number instances (default 30)")
    p.add_argument("--python-all", type=int, default=2,
                   help="classic instances the Python solver finds all solutions of (default 2)")
    p.add_argument("--five", type=int, default=20, help="5-number instances, all solutions (default 20)")
    p.add_argument("--sudoku", type=int, default=100, help="17-clue puzzles (default 100)")
    p.add_argument("--countdown", type=int, default=500, help="generated CountDown instances (default 500)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if args.part in ("solve", "all"):
        part_solve(args)
    if args.part in ("traces", "all"):
        part_traces(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
