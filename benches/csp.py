#!/usr/bin/env python3
"""The CSP engine measured against OR-Tools CP-SAT and python-constraint, side
by side in one run, on the same models.

Problems (each stated the same way to every solver):

- ``queens-all N``: every solution of N-queens (one variable per row; three
  all-different constraints: columns and both diagonals, or pairwise
  ``|qi - qj| != j - i`` for python-constraint, which has no offset terms);
- ``queens-one N``: one solution of N-queens;
- ``sudoku FILE``: the first ``--sudoku`` puzzles of a ``../shared/bench/sudoku``
  file, one after the other (27 all-different constraints, clues as equalities);
- ``send-more-money``: every solution of SEND + MORE = MONEY;
- ``magic-square-4``: every 4×4 magic square (7040, rotations and reflections
  included);
- ``golomb K L``: a Golomb ruler with K marks and length at most L (all
  differences distinct, first difference below the last); ``L`` one below
  the optimum asks for a proof that none exists.

Each (problem, solver) runs in a fresh child process (``--child``), which
times model building plus solving (not the interpreter start or imports)
and prints its answer; the parent checks every answer with plain Python
(known counts; every solution against the constraints) and stops a child
after ``--timeout`` seconds. CP-SAT runs twice: ``cpsat`` with one worker
(``num_workers=1``: enumeration requires it, and it is the per-core
comparison, fastback being sequential) and ``cpsat-par`` with its default
parallel portfolio (one-solution problems only); python-constraint with its
default backtracking solver.

    .venv/bin/python benches/csp.py                  # everything, writes benches/results/csp.txt
    .venv/bin/python benches/csp.py --only queens-all --timeout 20
    .venv/bin/python benches/csp.py --solvers fastback,cpsat --out -

Needs ``ortools`` and ``python-constraint2`` (``make bench-deps``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SUDOKU_DIR = os.path.join(ROOT, "..", "shared", "bench", "sudoku")

QUEENS = {1: 1, 2: 0, 3: 0, 4: 2, 5: 10, 6: 4, 7: 40, 8: 92, 9: 352, 10: 724, 11: 2680, 12: 14200,
          13: 73712, 14: 365596}

# --------------------------------------------------------------- problems


def sudoku_puzzles(name: str, count: int) -> List[str]:
    with open(os.path.join(SUDOKU_DIR, name)) as f:
        return [line.strip() for line, _ in zip(f, range(count))]


SUDOKU_UNITS = ([[r * 9 + c for c in range(9)] for r in range(9)]
                + [[r * 9 + c for r in range(9)] for c in range(9)]
                + [[(3 * br + i) * 9 + 3 * bc + j for i in range(3) for j in range(3)]
                   for br in range(3) for bc in range(3)])

# ------------------------------------------------------------------ fastback


def fb_queens(n: int, all_solutions: bool, consistency: str = "domain") -> Any:
    from fastback.csp import Model

    m = Model()
    q = [m.int_var(0, n - 1, f"q{i}") for i in range(n)]
    m.all_different(q, consistency)
    m.all_different([q[i] + i for i in range(n)], consistency)
    m.all_different([q[i] - i for i in range(n)], consistency)
    if all_solutions:
        return m.count_solutions()
    sol = m.solve()
    return None if sol is None else [sol[v] for v in q]


def fb_sudoku(puzzles: Sequence[str]) -> List[Optional[str]]:
    from fastback.csp import Model

    out: List[Optional[str]] = []
    for p in puzzles:
        m = Model()
        cells = [m.int_var(1, 9) for _ in range(81)]
        for unit in SUDOKU_UNITS:
            m.all_different([cells[k] for k in unit])
        for k, ch in enumerate(p):
            if ch not in ".0":
                m.add(cells[k] == int(ch))
        sol = m.solve()
        out.append(None if sol is None else "".join(str(sol[c]) for c in cells))
    return out


def fb_send_more_money() -> List[List[int]]:
    from fastback.csp import Model

    m = Model()
    S, E, N, D, M, O, R, Y = vs = [m.int_var(0, 9, c) for c in "SENDMORY"]
    m.all_different(vs)
    m.add(S >= 1)
    m.add(M >= 1)
    m.add(1000 * S + 100 * E + 10 * N + D + 1000 * M + 100 * O + 10 * R + E
          == 10000 * M + 1000 * O + 100 * N + 10 * E + Y)
    return [[s[v] for v in vs] for s in m.solutions()]


def fb_magic_square(n: int) -> int:
    from fastback.csp import Model

    m = Model()
    total = n * (n * n + 1) // 2
    x = [[m.int_var(1, n * n) for _ in range(n)] for _ in range(n)]
    m.all_different([v for row in x for v in row])
    for i in range(n):
        m.add(sum(x[i]) == total)
        m.add(sum(x[j][i] for j in range(n)) == total)
    m.add(sum(x[i][i] for i in range(n)) == total)
    m.add(sum(x[i][n - 1 - i] for i in range(n)) == total)
    return m.count_solutions()


def fb_golomb(k: int, length: int) -> Optional[List[int]]:
    from fastback.csp import Model

    m = Model()
    x = [m.int_var(0, length) for _ in range(k)]
    m.add(x[0] == 0)
    for i in range(k - 1):
        m.add(x[i] < x[i + 1])
    m.all_different([x[j] - x[i] for i in range(k) for j in range(i + 1, k)])
    m.add(x[1] - x[0] < x[k - 1] - x[k - 2])
    sol = m.solve()
    return None if sol is None else [sol[v] for v in x]


# -------------------------------------------------------------- OR-Tools

#: 1 for "cpsat"; 0 (CP-SAT's default portfolio, one worker per core and more) for "cpsat-par".
CPSAT_WORKERS = 1


def _cpsat(model: Any, all_solutions: bool = False, on_solution: Optional[Callable[[Any], None]] = None) -> Any:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = CPSAT_WORKERS
    if all_solutions:
        solver.parameters.enumerate_all_solutions = True

        class Collect(cp_model.CpSolverSolutionCallback):
            def __init__(self) -> None:
                super().__init__()
                self.count = 0

            def on_solution_callback(self) -> None:
                self.count += 1
                if on_solution is not None:
                    on_solution(self)

        cb = Collect()
        solver.solve(model, cb)
        return solver, cb.count
    status = solver.solve(model)
    return solver, status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def cp_queens(n: int, all_solutions: bool) -> Any:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    q = [model.new_int_var(0, n - 1, f"q{i}") for i in range(n)]
    model.add_all_different(q)
    model.add_all_different([q[i] + i for i in range(n)])
    model.add_all_different([q[i] - i for i in range(n)])
    if all_solutions:
        return _cpsat(model, True)[1]
    solver, ok = _cpsat(model)
    return [solver.value(v) for v in q] if ok else None


def cp_sudoku(puzzles: Sequence[str]) -> List[Optional[str]]:
    from ortools.sat.python import cp_model

    out: List[Optional[str]] = []
    for p in puzzles:
        model = cp_model.CpModel()
        cells = [model.new_int_var(1, 9, "") for _ in range(81)]
        for unit in SUDOKU_UNITS:
            model.add_all_different([cells[k] for k in unit])
        for k, ch in enumerate(p):
            if ch not in ".0":
                model.add(cells[k] == int(ch))
        solver, ok = _cpsat(model)
        out.append("".join(str(solver.value(c)) for c in cells) if ok else None)
    return out


def cp_send_more_money() -> List[List[int]]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    S, E, N, D, M, O, R, Y = vs = [model.new_int_var(0, 9, c) for c in "SENDMORY"]
    model.add_all_different(vs)
    model.add(S >= 1)
    model.add(M >= 1)
    model.add(1000 * S + 100 * E + 10 * N + D + 1000 * M + 100 * O + 10 * R + E
              == 10000 * M + 1000 * O + 100 * N + 10 * E + Y)
    found: List[List[int]] = []
    _cpsat(model, True, lambda cb: found.append([cb.value(v) for v in vs]))
    return found


def cp_magic_square(n: int) -> int:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    total = n * (n * n + 1) // 2
    x = [[model.new_int_var(1, n * n, "") for _ in range(n)] for _ in range(n)]
    model.add_all_different([v for row in x for v in row])
    for i in range(n):
        model.add(sum(x[i]) == total)
        model.add(sum(x[j][i] for j in range(n)) == total)
    model.add(sum(x[i][i] for i in range(n)) == total)
    model.add(sum(x[i][n - 1 - i] for i in range(n)) == total)
    return _cpsat(model, True)[1]


def cp_golomb(k: int, length: int) -> Optional[List[int]]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_int_var(0, length, "") for _ in range(k)]
    model.add(x[0] == 0)
    for i in range(k - 1):
        model.add(x[i] < x[i + 1])
    diffs = []
    for i in range(k):
        for j in range(i + 1, k):
            d = model.new_int_var(1, length, "")
            model.add(d == x[j] - x[i])
            diffs.append(d)
    model.add_all_different(diffs)
    model.add(x[1] - x[0] < x[k - 1] - x[k - 2])
    solver, ok = _cpsat(model)
    return [solver.value(v) for v in x] if ok else None


# -------------------------------------------------------- python-constraint


def pc_queens(n: int, all_solutions: bool) -> Any:
    from constraint import AllDifferentConstraint, Problem

    p = Problem()
    p.addVariables(range(n), range(n))
    p.addConstraint(AllDifferentConstraint())
    for i in range(n):
        for j in range(i + 1, n):
            p.addConstraint(lambda a, b, d=j - i: abs(a - b) != d, (i, j))
    if all_solutions:
        return len(p.getSolutions())
    sol = p.getSolution()
    return None if sol is None else [sol[i] for i in range(n)]


def pc_sudoku(puzzles: Sequence[str]) -> List[Optional[str]]:
    from constraint import AllDifferentConstraint, Problem

    out: List[Optional[str]] = []
    for pz in puzzles:
        p = Problem()
        for k, ch in enumerate(pz):
            p.addVariable(k, [int(ch)] if ch not in ".0" else list(range(1, 10)))
        for unit in SUDOKU_UNITS:
            p.addConstraint(AllDifferentConstraint(), unit)
        sol = p.getSolution()
        out.append(None if sol is None else "".join(str(sol[k]) for k in range(81)))
    return out


def pc_send_more_money() -> List[List[int]]:
    from constraint import AllDifferentConstraint, Problem

    p = Problem()
    p.addVariables("SM", range(1, 10))
    p.addVariables("ENDORY", range(10))
    p.addConstraint(AllDifferentConstraint())
    p.addConstraint(lambda s, e, n, d, m, o, r, y: 1000 * s + 100 * e + 10 * n + d + 1000 * m + 100 * o
                    + 10 * r + e == 10000 * m + 1000 * o + 100 * n + 10 * e + y, "SENDMORY")
    return [[s[c] for c in "SENDMORY"] for s in p.getSolutions()]


def pc_magic_square(n: int) -> int:
    from constraint import AllDifferentConstraint, ExactSumConstraint, Problem

    p = Problem()
    cells = list(range(n * n))
    total = n * (n * n + 1) // 2
    p.addVariables(cells, range(1, n * n + 1))
    p.addConstraint(AllDifferentConstraint(), cells)
    for i in range(n):
        p.addConstraint(ExactSumConstraint(total), [i * n + j for j in range(n)])
        p.addConstraint(ExactSumConstraint(total), [j * n + i for j in range(n)])
    p.addConstraint(ExactSumConstraint(total), [i * n + i for i in range(n)])
    p.addConstraint(ExactSumConstraint(total), [i * n + n - 1 - i for i in range(n)])
    return len(p.getSolutions())


def pc_golomb(k: int, length: int) -> Optional[List[int]]:
    from constraint import AllDifferentConstraint, Problem

    p = Problem()
    marks = [f"m{i}" for i in range(k)]
    p.addVariable("m0", [0])
    p.addVariables(marks[1:], range(1, length + 1))
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    for i, j in pairs:
        p.addVariable(f"d{i}_{j}", range(1, length + 1))
        p.addConstraint(lambda a, b, d: b - a == d, (marks[i], marks[j], f"d{i}_{j}"))
    for i in range(k - 1):
        p.addConstraint(lambda a, b: a < b, (marks[i], marks[i + 1]))
    p.addConstraint(AllDifferentConstraint(), [f"d{i}_{j}" for i, j in pairs])
    p.addConstraint(lambda a, b, c, d: b - a < d - c, (marks[0], marks[1], marks[k - 2], marks[k - 1]))
    sol = p.getSolution()
    return None if sol is None else [sol[mk] for mk in marks]


SOLVERS: Dict[str, Dict[str, Callable[..., Any]]] = {
    "fastback": {"queens": fb_queens, "sudoku": fb_sudoku, "smm": fb_send_more_money,
                 "magic": fb_magic_square, "golomb": fb_golomb},
    "cpsat": {"queens": cp_queens, "sudoku": cp_sudoku, "smm": cp_send_more_money,
              "magic": cp_magic_square, "golomb": cp_golomb},
    "cpsat-par": {"queens": cp_queens, "sudoku": cp_sudoku, "golomb": cp_golomb},
    "python-constraint": {"queens": pc_queens, "sudoku": pc_sudoku, "smm": pc_send_more_money,
                          "magic": pc_magic_square, "golomb": pc_golomb},
}

# ----------------------------------------------------------------- checks


def is_queens(cols: Any, n: int) -> bool:
    return (isinstance(cols, list) and len(cols) == n and all(0 <= c < n for c in cols)
            and all(cols[i] != cols[j] and abs(cols[i] - cols[j]) != j - i
                    for i in range(n) for j in range(i + 1, n)))


def is_sudoku_solution(puzzle: str, sol: Optional[str]) -> bool:
    if sol is None or len(sol) != 81:
        return False
    if any(p not in ".0" and p != s for p, s in zip(puzzle, sol)):
        return False
    return all(sorted(sol[k] for k in unit) == list("123456789") for unit in SUDOKU_UNITS)


def is_golomb(marks: Any, k: int, length: int) -> bool:
    if not isinstance(marks, list) or len(marks) != k or marks[0] != 0 or marks[-1] > length:
        return False
    diffs = [marks[j] - marks[i] for i in range(k) for j in range(i + 1, k)]
    return all(d > 0 for d in diffs) and len(set(diffs)) == len(diffs)


OPTIMAL_GOLOMB = {4: 6, 5: 11, 6: 17, 7: 25, 8: 34, 9: 44, 10: 55, 11: 72}


class Task:
    """One problem instance: how to call each solver and how to check it."""

    def __init__(self, group: str, name: str, kind: str, args: List[Any],
                 check: Callable[[Any], bool], size: str = "", enumerate: bool = False) -> None:
        self.group, self.name, self.kind, self.args, self.check, self.size = group, name, kind, args, check, size
        #: Enumerates solutions: CP-SAT does that with one worker only, so "cpsat-par" skips it.
        self.enumerate = enumerate


def tasks(sudoku_count: int) -> List[Task]:
    out: List[Task] = []
    for n in (8, 9, 10, 11, 12):
        out.append(Task("queens-all", f"queens-all {n}", "queens", [n, True], lambda r, n=n: r == QUEENS[n],
                        f"{QUEENS[n]} solutions", enumerate=True))
    for n in (50, 100, 200):
        out.append(Task("queens-one", f"queens-one {n}", "queens", [n, False], lambda r, n=n: is_queens(r, n)))
    for fname in ("puzzles5_forum_hardest_1905_11+", "puzzles2_17_clue"):
        if os.path.exists(os.path.join(SUDOKU_DIR, fname)):
            puzzles = sudoku_puzzles(fname, sudoku_count)
            out.append(Task("sudoku", f"sudoku {fname[:20]}", "sudoku", [puzzles],
                            lambda r, ps=puzzles: isinstance(r, list) and len(r) == len(ps)
                            and all(is_sudoku_solution(p, s) for p, s in zip(ps, r)), f"{len(puzzles)} puzzles"))

    def smm_ok(r: Any) -> bool:
        if not isinstance(r, list) or len(r) != 1:
            return False
        s, e, n, d, m, o, rr, y = r[0]
        return (len(set(r[0])) == 8 and s > 0 and m > 0
                and 1000 * s + 100 * e + 10 * n + d + 1000 * m + 100 * o + 10 * rr + e
                == 10000 * m + 1000 * o + 100 * n + 10 * e + y)

    out.append(Task("puzzles", "send-more-money (all)", "smm", [], smm_ok, "1 solution", enumerate=True))
    out.append(Task("puzzles", "magic-square-4 (all)", "magic", [4], lambda r: r == 7040, "7040 solutions",
                    enumerate=True))
    for k in (8, 9):
        opt = OPTIMAL_GOLOMB[k]
        out.append(Task("puzzles", f"golomb {k} marks <= {opt}", "golomb", [k, opt],
                        lambda r, k=k, opt=opt: is_golomb(r, k, opt), "a ruler"))
        out.append(Task("puzzles", f"golomb {k} marks <= {opt - 1}", "golomb", [k, opt - 1],
                        lambda r: r is None, "proof: none"))
    return out


# ----------------------------------------------------------------- running


def child(solver: str, kind: str, args_json: str) -> None:
    args = json.loads(args_json)
    fn = SOLVERS[solver][kind]
    # Imports are not timed: each solver's module is loaded before the clock starts.
    global CPSAT_WORKERS
    CPSAT_WORKERS = 0 if solver == "cpsat-par" else 1
    __import__({"fastback": "fastback.csp", "cpsat": "ortools.sat.python.cp_model",
                "cpsat-par": "ortools.sat.python.cp_model", "python-constraint": "constraint"}[solver])
    t0 = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "result": result}))


def run_one(solver: str, task: Task, timeout: float) -> Tuple[Optional[float], str]:
    if task.kind not in SOLVERS[solver] or (solver == "cpsat-par" and task.enumerate):
        return None, "n/a"
    cmd = [sys.executable, os.path.abspath(__file__), "--child", solver, task.kind, json.dumps(task.args)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if p.returncode != 0:
        return None, "error: " + (p.stderr.strip().splitlines() or ["?"])[-1][:100]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    if not task.check(out["result"]):
        return None, "WRONG ANSWER"
    return float(out["seconds"]), "ok"


def fmt_time(t: Optional[float], status: str, timeout: float) -> str:
    if t is not None:
        return f"{t:.4f}" if t < 0.01 else f"{t:.3f}" if t < 10 else f"{t:.1f}"
    if status == "n/a":
        return "—"
    return f"> {timeout:g}" if status == "timeout" else status


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", nargs=3, metavar=("SOLVER", "KIND", "ARGS"), help=argparse.SUPPRESS)
    ap.add_argument("--solvers", default="fastback,cpsat,cpsat-par,python-constraint",
                    help="comma-separated: fastback, cpsat (1 worker), cpsat-par (default portfolio), python-constraint")
    ap.add_argument("--only", default=None, help="run only tasks whose name contains this")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per (task, solver); default 60")
    ap.add_argument("--sudoku", type=int, default=20, help="puzzles per Sudoku file; default 20")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "csp.txt"), help="results file, '-' for none")
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    solvers = a.solvers.split(",")
    for s in solvers:
        if s not in SOLVERS:
            ap.error(f"unknown solver {s!r}; expected some of {', '.join(SOLVERS)}")
    import fastback

    versions = [f"fastback {fastback.__version__}"]
    try:
        import ortools

        versions.append(f"ortools {ortools.__version__}")
    except ImportError:
        pass
    try:
        from importlib.metadata import version

        versions.append(f"python-constraint2 {version('python-constraint2')}")
    except Exception:
        pass
    header = [
        "# CSP: fastback vs OR-Tools CP-SAT vs python-constraint",
        "",
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        + ", ".join(versions),
        f"command: {' '.join(['python'] + sys.argv)}",
        f"seconds for model building + solving (imports excluded), in a fresh process each; limit {a.timeout:g} s; every answer checked",
        "cpsat: one worker (num_workers=1); cpsat-par: CP-SAT's default parallel portfolio (not for enumeration, which CP-SAT runs on one worker)",
        "",
    ]
    print("\n".join(header), flush=True)
    rows: List[Tuple[Task, Dict[str, Tuple[Optional[float], str]]]] = []
    for task in tasks(a.sudoku):
        if a.only and a.only not in task.name:
            continue
        res: Dict[str, Tuple[Optional[float], str]] = {}
        for s in solvers:
            res[s] = run_one(s, task, a.timeout)
            t, st = res[s]
            print(f"  {task.name:34} {s:18} {fmt_time(t, st, a.timeout):>10}  {st}", flush=True)
        rows.append((task, res))
    table = ["| problem | size | " + " | ".join(f"{s} (s)" for s in solvers)
             + "".join(f" | {s} / fastback" for s in solvers if s != "fastback") + " |",
             "|---|---|" + "---:|" * (len(solvers) + sum(1 for s in solvers if s != "fastback"))]
    for task, res in rows:
        cells = [fmt_time(*res[s], a.timeout) for s in solvers]
        ratios = []
        fb = res.get("fastback", (None, ""))[0]
        for s in solvers:
            if s == "fastback":
                continue
            t = res[s][0]
            if fb and t:
                ratios.append(f"{t / fb:.1f}×")
            elif fb and res[s][1] == "timeout":
                ratios.append(f"> {a.timeout / fb:.0f}×")
            else:
                ratios.append("—")
        table.append(f"| {task.name} | {task.size} | " + " | ".join(cells) + "".join(f" | {r}" for r in ratios) + " |")
    text = "\n".join(header + table) + "\n"
    print("\n" + "\n".join(table))
    if a.out != "-":
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        with open(a.out, "w") as f:
            f.write(text)
        print(f"\nwritten to {a.out}")


if __name__ == "__main__":
    main()
