"""fastback.csp: the modelling API, known puzzle answers, limits, interrupts,
bad input and the search trace. Every solution is checked by plain Python."""

from __future__ import annotations

import itertools
import sys
import textwrap
import threading
from pathlib import Path
from typing import List

import pytest

from fastback.csp import BoolVar, IntVar, LimitReached, Model, Solution, TraceEvent, csp_options
from sat_helpers import signal_when_ready

QUEENS = [1, 0, 0, 2, 10, 4, 40, 92, 352, 724]


def queens(n: int, consistency: str = "domain") -> "tuple[Model, List[IntVar]]":
    m = Model()
    q = [m.int_var(0, n - 1, f"q{i}") for i in range(n)]
    m.all_different(q, consistency)
    m.all_different([q[i] + i for i in range(n)], consistency)
    m.all_different([q[i] - i for i in range(n)], consistency)
    return m, q


def is_queens_solution(cols: List[int]) -> bool:
    n = len(cols)
    return all(cols[i] != cols[j] and abs(cols[i] - cols[j]) != j - i for i in range(n) for j in range(i + 1, n))


def test_contract_example() -> None:
    m = Model()
    x = m.int_var(1, 9, "x")
    y = m.int_var_from([1, 3, 5], "y")
    b = m.bool_var("b")
    idx = m.int_var(0, 2, "idx")
    m.add(x + 2 * y <= 10)
    m.add(x != y)
    m.add((x == 1) | (y == 3))
    m.add(m.implies(b, x >= 5))
    m.all_different([x, y])
    m.table([x, y], [(1, 3), (2, 5), (4, 3)])
    m.element([3, 5, x], idx, y)
    sol = m.solve(time_limit=None, heuristic="dom/wdeg", restarts=True, seed=0)
    assert isinstance(sol, Solution)
    assert isinstance(sol[x], int)
    expected = set()
    for xv, yv, bv, iv in itertools.product(range(1, 10), [1, 3, 5], [0, 1], range(3)):
        ok = (xv + 2 * yv <= 10 and xv != yv and (xv == 1 or yv == 3) and (not bv or xv >= 5)
              and (xv, yv) in {(1, 3), (2, 5), (4, 3)} and [3, 5, xv][iv] == yv)
        if ok:
            expected.add((xv, yv, bv, iv))
    got = {(s[x], s[y], s[b], s[idx]) for s in m.solutions(limit=None)}
    assert got == expected and len(expected) == 2
    assert m.count_solutions(limit=None) == 2
    assert set(sol.values()) == {"x", "y", "b", "idx"}
    assert sol["x"] == sol[x] and sol[x + 2 * y] == sol[x] + 2 * sol[y]
    assert sol[(x == 1) | (y == 3)] is True
    for key in ("nodes", "failures", "propagations", "restarts", "time"):
        assert key in m.stats


@pytest.mark.parametrize("consistency", ["domain", "forward"])
def test_queens_counts(consistency: str) -> None:
    for n, want in enumerate(QUEENS, start=1):
        m, q = queens(n, consistency)
        assert m.count_solutions() == want, n
    m, q = queens(6, consistency)
    sols = [[s[v] for v in q] for s in m.solutions()]
    assert len(sols) == 4 and all(is_queens_solution(c) for c in sols)
    assert len({tuple(c) for c in sols}) == 4


@pytest.mark.parametrize("heuristic", ["dom/wdeg", "mrv", "dom/deg", "input"])
@pytest.mark.parametrize("value_order", ["min", "max", "median", "random", "split"])
def test_queens_8_under_every_heuristic(heuristic: str, value_order: str) -> None:
    m, q = queens(8)
    assert m.count_solutions(heuristic=heuristic, value_order=value_order, seed=1) == 92
    sol = m.solve(heuristic=heuristic, value_order=value_order, restarts="geometric", seed=2)
    assert sol is not None and is_queens_solution([sol[v] for v in q])


def test_large_queens_one_solution() -> None:
    m, q = queens(100)
    sol = m.solve()
    assert sol is not None and is_queens_solution([sol[v] for v in q])


def test_send_more_money() -> None:
    m = Model()
    letters = {c: m.int_var(0, 9, c) for c in "SENDMORY"}
    S, E, N, D, M, O, R, Y = (letters[c] for c in "SENDMORY")
    m.all_different(letters.values())
    m.add(S >= 1)
    m.add(M >= 1)
    m.add(1000 * S + 100 * E + 10 * N + D + 1000 * M + 100 * O + 10 * R + E
          == 10000 * M + 1000 * O + 100 * N + 10 * E + Y)
    sols = list(m.solutions())
    assert len(sols) == 1
    v = sols[0].values()
    assert (v["S"], v["E"], v["N"], v["D"], v["M"], v["O"], v["R"], v["Y"]) == (9, 5, 6, 7, 1, 0, 8, 2)


def test_sudoku_as_csp() -> None:
    puzzle = ("53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79")
    m = Model()
    cell = [[m.int_var(1, 9, f"r{r}c{c}") for c in range(9)] for r in range(9)]
    for r in range(9):
        m.all_different(cell[r])
    for c in range(9):
        m.all_different([cell[r][c] for r in range(9)])
    for br, bc in itertools.product(range(3), range(3)):
        m.all_different([cell[3 * br + i][3 * bc + j] for i in range(3) for j in range(3)])
    for k, ch in enumerate(puzzle):
        if ch != ".":
            m.add(cell[k // 9][k % 9] == int(ch))
    assert m.count_solutions() == 1
    sol = m.solve()
    assert sol is not None
    grid = [[sol[cell[r][c]] for c in range(9)] for r in range(9)]
    for k, ch in enumerate(puzzle):
        assert ch == "." or grid[k // 9][k % 9] == int(ch)
    units = [grid[r] for r in range(9)] + [[grid[r][c] for r in range(9)] for c in range(9)]
    units += [[grid[3 * br + i][3 * bc + j] for i in range(3) for j in range(3)]
              for br in range(3) for bc in range(3)]
    assert all(sorted(u) == list(range(1, 10)) for u in units)


def test_unsatisfiable_returns_none_and_counts_zero() -> None:
    m = Model()
    p = [m.int_var(0, 4, f"p{i}") for i in range(6)]
    m.all_different(p, "forward")
    assert m.solve() is None
    assert m.count_solutions() == 0
    assert list(m.solutions()) == []
    m2 = Model()
    x = m2.int_var(0, 3)
    m2.add(x > 5)
    assert m2.solve() is None
    m3 = Model()
    m3.int_var(0, 3)
    m3.add(False)
    assert m3.solve() is None


def test_solution_limits_are_not_errors() -> None:
    m, q = queens(8)
    assert m.count_solutions(limit=5) == 5
    assert len(list(m.solutions(limit=3))) == 3
    assert m.count_solutions(limit=0) == 0


def test_limits_raise_limit_reached_distinct_from_no_solution() -> None:
    m, q = queens(12)
    with pytest.raises(LimitReached) as e:
        m.solve(node_limit=0)
    assert e.value.reason == "node limit"
    with pytest.raises(LimitReached) as e:
        m.solve(time_limit=0)
    assert e.value.reason == "time limit"
    with pytest.raises(LimitReached) as e:
        m.count_solutions(node_limit=200)
    assert e.value.reason == "node limit" and 0 <= e.value.count < 14200
    assert e.value.stats["nodes"] == 200
    gen = m.solutions(fail_limit=5)
    with pytest.raises(LimitReached) as e:
        list(gen)
    assert e.value.reason == "failure limit"
    # Unsatisfiable with few failures allowed: a limit, not "no solution".
    m2 = Model()
    p = [m2.int_var(0, 7, f"p{i}") for i in range(9)]
    for i, j in itertools.combinations(range(9), 2):
        m2.add(p[i] != p[j])
    with pytest.raises(LimitReached):
        m2.solve(fail_limit=10, restarts=False)
    assert isinstance(LimitReached("time limit"), TimeoutError)


def test_should_stop_callback_and_interrupt_from_another_thread() -> None:
    m, q = queens(28)
    calls = []

    def stop() -> bool:
        calls.append(1)
        return True

    with pytest.raises(LimitReached) as e:
        m.count_solutions(should_stop=stop)
    assert e.value.reason == "interrupted" and calls
    timer = threading.Timer(0.3, m.interrupt)
    timer.start()
    try:
        with pytest.raises(LimitReached) as e:
            m.count_solutions()
    finally:
        timer.cancel()
    assert e.value.reason == "interrupted"
    # Nothing is running now: interrupt() is a no-op and the next search is unaffected.
    m.interrupt()
    m8, _ = queens(8)
    m8.interrupt()
    assert m8.count_solutions() == 92

    def boom() -> bool:
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        m.count_solutions(should_stop=boom)


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import sys
    from fastback.csp import Model
    n = 30
    m = Model()
    q = [m.int_var(0, n - 1) for i in range(n)]
    m.all_different(q)
    m.all_different([q[i] + i for i in range(n)])
    m.all_different([q[i] - i for i in range(n)])
    print("counting", flush=True)
    try:
        m.count_solutions()
    except KeyboardInterrupt:
        print("KeyboardInterrupt", flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_the_search() -> None:
    code, out, err, waited = signal_when_ready([sys.executable, "-c", CTRL_C_SCRIPT], "counting")
    assert code == 3, (out, err)
    assert "KeyboardInterrupt" in out
    assert waited < 5


def test_bad_input_says_what_and_where() -> None:
    m = Model()
    x = m.int_var(0, 3, "x")
    y = m.int_var(0, 3, "y")
    with pytest.raises(ValueError, match="empty domain"):
        m.int_var(3, 2, "z")
    with pytest.raises(ValueError, match="already exists"):
        m.int_var(0, 1, "x")
    with pytest.raises(ValueError, match="2\\^24"):
        m.int_var(0, 1 << 25, "wide")
    with pytest.raises(ValueError, match="outside the supported range"):
        m.int_var(0, 1 << 70, "huge")
    with pytest.raises(ValueError, match="no values"):
        m.int_var_from([], "empty")
    with pytest.raises(TypeError, match="int"):
        m.int_var(0.5, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tuple 1 has 1 values, expected 2"):
        m.table([x, y], [(1, 2), (3,)])
    with pytest.raises(ValueError, match="element: the array is empty"):
        m.element([], x, y)
    with pytest.raises(ValueError, match="consistency"):
        m.all_different([x, y], consistency="magic")
    with pytest.raises(TypeError, match="no truth value"):
        if x + 1 == y:
            pass
    with pytest.raises(TypeError, match="multiply by an int"):
        x * y  # type: ignore[operator]
    with pytest.raises(TypeError, match="not a constraint"):
        m.add(x + y)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a constraint, got str"):
        m.add((x == 1) | "nope")  # type: ignore[operator]
    other = Model()
    z = other.int_var(0, 3, "z")
    with pytest.raises(ValueError, match="another model"):
        m.add(x + z <= 3)
    with pytest.raises(ValueError, match="another model"):
        m.all_different([x, z])
    with pytest.raises(ValueError, match="overflow"):
        m.add((1 << 60) * x + (1 << 60) * y <= 0)
    with pytest.raises(ValueError, match="unknown heuristic"):
        m.solve(heuristic="fastest")
    with pytest.raises(ValueError, match="value_order"):
        m.solve(value_order="best")
    with pytest.raises(TypeError, match="unknown keyword argument"):
        m.solve(restart_bas=3)
    with pytest.raises(ValueError, match="restart_base"):
        m.solve(restart_base=0)
    with pytest.raises(ValueError, match="node_limit"):
        m.solve(node_limit=-1)
    # Nothing half-posted: the model still solves, with both solutions of x + y == 6 ... none here.
    m.add(x + y == 6)
    sol = m.solve()
    assert sol is not None and (sol[x], sol[y]) == (3, 3)


def test_variables_compare_by_identity_in_containers() -> None:
    m = Model()
    x, y = m.int_var(0, 1, "x"), m.int_var(0, 1, "y")
    assert x in [y, x] and x not in [y]
    assert {x: 1}[x] == 1
    assert len({x, y}) == 2


def test_boolean_vars_as_constraints_and_iff() -> None:
    m = Model()
    a, b = m.bool_var("a"), m.bool_var("b")
    x = m.int_var(0, 5, "x")
    m.add(m.iff(a, x >= 3))
    m.add(b.implies(x == 1) & (a | b))
    got = {(s[a], s[b], s[x]) for s in m.solutions()}
    want = {(av, bv, xv) for av in (0, 1) for bv in (0, 1) for xv in range(6)
            if av == (xv >= 3) and (not bv or xv == 1) and (av or bv)}
    assert got == want
    assert isinstance(a, BoolVar) and isinstance(~a, object)
    m2 = Model()
    c = m2.bool_var("c")
    m2.add(~c)
    assert m2.count_solutions() == 1 and m2.solve()[c] == 0  # type: ignore[index]


def test_aux_variables_do_not_change_counts_or_values() -> None:
    m = Model()
    x = m.int_var(0, 4, "x")
    y = m.int_var(0, 4, "y")
    m.all_different([x, 2 * y, 7])  # 2*y and 7 need auxiliary variables
    m.add((x + y == 3) | (x - y == 2))
    sols = list(m.solutions())
    assert all(set(s.values()) == {"x", "y"} for s in sols)
    want = {(xv, yv) for xv in range(5) for yv in range(5)
            if len({xv, 2 * yv, 7}) == 3 and (xv + yv == 3 or xv - yv == 2)}
    assert {(s[x], s[y]) for s in sols} == want
    assert m.count_solutions() == len(want)
    assert [v.name for v in m.variables] == ["x", "y"]


def replay(m: Model, events: List[TraceEvent]) -> dict:
    """Re-applies decisions, refutations and prunings to plain Python sets,
    undoing on backtrack; returns the domains at the end."""
    ops = {"==": lambda v, k: v == k, "!=": lambda v, k: v != k, "<=": lambda v, k: v <= k,
           ">": lambda v, k: v > k}
    doms = {v.index: set(v.domain()) for v in m._vars}
    stack: List[dict] = []
    for e in events:
        if e.kind == "assign":
            stack.append({k: set(s) for k, s in doms.items()})
            assert e.var is not None and e.op is not None
            doms[e.var.index] = {v for v in doms[e.var.index] if ops[e.op](v, e.value)}
        elif e.kind == "refute":
            assert e.var is not None and e.op is not None
            doms[e.var.index] = {v for v in doms[e.var.index] if ops[e.op](v, e.value)}
        elif e.kind == "prune":
            assert e.var is not None
            assert set(e.removed) <= doms[e.var.index], e
            doms[e.var.index] -= set(e.removed)
            if e.value is not None:
                assert doms[e.var.index] == {e.value}
        elif e.kind == "backtrack":
            assert e.value is not None
            for _ in range(e.value - e.level):
                doms = stack.pop()
        elif e.kind == "restart":
            pass
    return doms


def test_trace_replays_to_the_solution() -> None:
    m, q = queens(6)
    sol = m.solve(heuristic="input", restarts=False, trace=True)
    assert sol is not None and m.trace is not None and not m.trace_truncated
    kinds = {e.kind for e in m.trace}
    assert {"assign", "refute", "prune", "conflict", "backtrack", "solution"} <= kinds
    doms = replay(m, m.trace)
    assert all(doms[v.index] == {sol[v]} for v in q)
    for e in m.trace:
        if e.kind in ("prune", "conflict") and e.constraint is not None:
            assert m.describe(e.constraint).startswith("all_different")
    m.solve()
    assert m.trace is None


def test_trace_with_restarts_nogoods_and_limit() -> None:
    m = Model()
    p = [m.int_var(0, 5, f"p{i}") for i in range(7)]
    for i, j in itertools.combinations(range(7), 2):
        m.add(p[i] != p[j])
    assert m.solve(trace=True, restart_base=2) is None
    assert m.trace is not None
    assert any(e.kind == "restart" for e in m.trace)
    assert m.stats["restarts"] > 0 and m.stats["nogoods"] > 0
    assert m.solve(trace=True, trace_limit=10) is None
    assert m.trace is not None and len(m.trace) == 10 and m.trace_truncated


def test_options_table() -> None:
    names = {o[0] for o in csp_options()}
    assert {"var_order", "value_order", "restarts", "restart_base", "nogoods", "seed"} <= names
    for name, default, lo, hi, desc in csp_options():
        assert lo <= default <= hi and desc


def test_model_grows_between_solves_and_searches_use_snapshots() -> None:
    m = Model()
    x = m.int_var(0, 9, "x")
    gen = m.solutions()
    first = next(gen)
    m.add(x >= 5)  # does not affect the running enumeration
    rest = list(gen)
    assert len(rest) + 1 == 10 and first[x] == 0
    assert m.count_solutions() == 5
    assert repr(m).startswith("Model(1 variables")


def test_abs_for_next_to_clues() -> None:
    m = Model()
    a, b = m.int_var(1, 5, "a"), m.int_var(-2, 3, "b")
    d = m.abs(a - 2 * b)
    m.add(d <= 3)
    m.add(m.abs(a - b) == 1)
    got = {(s[a], s[b], s[d]) for s in m.solutions()}
    want = {(av, bv, abs(av - 2 * bv)) for av in range(1, 6) for bv in range(-2, 4)
            if abs(av - 2 * bv) <= 3 and abs(av - bv) == 1}
    assert got == want and m.count_solutions() == len(want)
    with pytest.raises(TypeError, match="Model.abs"):
        abs(a - b)  # type: ignore[arg-type]


def test_searches_in_threads_run_concurrently_and_agree() -> None:
    # Each search releases the GIL; several at once (one model each, and two
    # on one model) must neither deadlock nor disturb each other.
    results: dict = {}
    shared, _ = queens(9)

    def work(key: str, n: int, model: "Model | None" = None) -> None:
        m = model if model is not None else queens(n)[0]
        results[key] = m.count_solutions()

    threads = [threading.Thread(target=work, args=(f"q{n}", n)) for n in (8, 9, 10)]
    threads += [threading.Thread(target=work, args=(f"shared{i}", 9, shared)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"q8": 92, "q9": 352, "q10": 724, "shared0": 352, "shared1": 352}
