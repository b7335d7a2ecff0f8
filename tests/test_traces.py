"""Traces: every generated trace replays to a valid solution with exactly the
requested number of backtracks (or the puzzle says how many it can supply);
the replayer rejects tampered traces; bad input is a clear error.

The replay (``fastback.traces.replay``) is Python written apart from the Rust
renderers; on top of it these tests count the backtrack markers and check
the solution against the Sudoku rules / CountDown arithmetic themselves.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import sys
from pathlib import Path
from typing import List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback import traces
from fastback.traces import (
    BudgetExceededError,
    NoSolutionError,
    NotEnoughBacktracksError,
    TraceVerificationError,
    countdown_trace,
    sudoku_trace,
)
from fastback.traces import replay

EASY9 = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
HARD9 = ".................1.....2.3......3.2...1.4......5....6..3......4.7..8...962...7..."
NAIVE = {"propagation": "none", "cell_order": "first"}
LR2 = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "lr2bench" / "4-sudoku"


def sudoku_ok(puzzle: str, solution: str) -> bool:
    """The Sudoku rules, checked directly on the lines."""
    n = int(round(len(solution) ** 0.5))
    b = int(round(n ** 0.5))
    sym = [c for c in solution]
    if any(p not in "." and p != s for p, s in zip(puzzle, solution)) or "." in sym:
        return False
    rows = [sym[r * n:(r + 1) * n] for r in range(n)]
    cols = [[rows[r][c] for r in range(n)] for c in range(n)]
    boxes = [[rows[br * b + i // b][bc * b + i % b] for i in range(n)] for br in range(b) for bc in range(b)]
    return all(len(set(u)) == n for u in rows + cols + boxes)


def backtrack_markers(t: traces.Trace) -> int:
    if t.task == "sudoku":
        return t.text.count("\nrevert ") if t.format == "dfs" else t.text.count("; erase ")
    if t.format == "dfs":
        lines = t.text.split("\n")
        return sum(1 for i, l in enumerate(lines) if l.startswith("Moving to Node")
                   and not lines[i - 1].startswith("Generated Node"))
    return t.text.count("Wait, this doesn't lead to the correct solution.")


def random_puzzle(rng: random.Random, b: int, holes: int) -> str:
    """A puzzle from a relabelled, shuffled pattern solution with holes."""
    n = b * b
    base = [[(b * (r % b) + r // b + c) % n + 1 for c in range(n)] for r in range(n)]
    digits = list(range(1, n + 1))
    rng.shuffle(digits)
    bands = [g * b + i for g in rng.sample(range(b), b) for i in rng.sample(range(b), b)]
    stacks = [g * b + i for g in rng.sample(range(b), b) for i in rng.sample(range(b), b)]
    grid = [[digits[base[r][c] - 1] for c in stacks] for r in bands]
    cells = [str(v) if n <= 9 else chr(ord("A") + v - 1) for row in grid for v in row]
    for i in rng.sample(range(n * n), holes):
        cells[i] = "."
    return "".join(cells)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10 ** 6), b=st.sampled_from([2, 2, 3]), k=st.integers(0, 5),
       fmt=st.sampled_from(["dfs", "nl"]), propagation=st.sampled_from(["none", "naked", "hidden"]),
       order=st.sampled_from(["mrv", "first"]))
def test_sudoku_traces_replay_with_exactly_k(seed: int, b: int, k: int, fmt: str, propagation: str,
                                             order: str) -> None:
    rng = random.Random(seed)
    puzzle = random_puzzle(rng, b, rng.randint(4, 12) if b == 2 else rng.randint(35, 52))
    opts = {"propagation": propagation, "cell_order": order}
    try:
        t = sudoku_trace(puzzle, format=fmt, backtracks=k, seed=seed, **opts)
    except NotEnoughBacktracksError as e:
        assert e.requested == k and e.available < k
        t = sudoku_trace(puzzle, format=fmt, backtracks=e.available, seed=seed, **opts)
        k = e.available
    assert t.backtracks == k == backtrack_markers(t)
    assert sudoku_ok(puzzle, t.solution)
    r = traces.verify(t)
    assert (r.solution, r.backtracks) == (t.solution, k)
    full = sudoku_trace(puzzle, format=fmt, seed=seed, **opts)
    assert full.requested_backtracks is None and full.backtracks == backtrack_markers(full)
    assert sudoku_ok(puzzle, full.solution)


@pytest.mark.parametrize("fmt", ["dfs", "nl"])
@pytest.mark.parametrize("puzzle,opts,k", [
    (HARD9, {}, 7),
    (HARD9, {"propagation": "hidden"}, 4),
    (EASY9, NAIVE, 10),
    (HARD9, {"value_order": "random"}, 2),
])
def test_nine_by_nine_traces(fmt: str, puzzle: str, opts: dict, k: int) -> None:
    t = sudoku_trace(puzzle, format=fmt, backtracks=k, seed=3, **opts)
    assert t.backtracks == k == backtrack_markers(t)
    assert sudoku_ok(puzzle, t.solution)
    full = sudoku_trace(puzzle, format=fmt, seed=3, **opts)
    assert full.backtracks == backtrack_markers(full) and sudoku_ok(puzzle, full.solution)


def test_sixteen_by_sixteen() -> None:
    puzzle = random_puzzle(random.Random(4), 4, 120)
    for fmt in ("dfs", "nl"):
        t = sudoku_trace(puzzle, format=fmt, backtracks=2, seed=1)
        assert t.backtracks == 2 == backtrack_markers(t)
        assert len(t.solution) == 256 and sudoku_ok(puzzle, t.solution)


@settings(max_examples=60, deadline=None)
@given(case=st.tuples(st.lists(st.integers(1, 30), min_size=2, max_size=4), st.integers(1, 100)),
       k=st.integers(0, 4), fmt=st.sampled_from(["dfs", "nl"]), use_all=st.booleans(),
       heuristic=st.sampled_from(["sum", "mult", "none"]), seed=st.integers(0, 1000))
def test_countdown_traces_replay_with_exactly_k(case, k: int, fmt: str, use_all: bool, heuristic: str,
                                                seed: int) -> None:
    numbers, target = case
    if not use_all and target in numbers:
        with pytest.raises(ValueError, match="one of the numbers"):
            countdown_trace(numbers, target, format=fmt, use_all=use_all)
        return
    solvable = bool(traces.solve_countdown(numbers, target, use_all=use_all))
    opts = {"use_all": use_all, "heuristic": heuristic}
    if not solvable:
        with pytest.raises(NoSolutionError):
            countdown_trace(numbers, target, format=fmt, backtracks=k, **opts)
        return
    try:
        t = countdown_trace(numbers, target, format=fmt, backtracks=k, seed=seed, **opts)
    except NotEnoughBacktracksError as e:
        assert e.available < k
        k = e.available
        t = countdown_trace(numbers, target, format=fmt, backtracks=k, seed=seed, **opts)
    assert t.backtracks == k == backtrack_markers(t)
    value, used = replay.evaluate_countdown_expression(t.solution)
    assert value == target
    rest = list(numbers)
    for x in used:
        rest.remove(x)
    assert not (use_all and rest)
    full = countdown_trace(numbers, target, format=fmt, seed=seed, **opts)
    assert full.backtracks == backtrack_markers(full)


def test_countdown_dfs_is_stream_of_search_text() -> None:
    t = countdown_trace([4, 3, 5, 6], 13, format="dfs", use_all=True)
    assert t.text.split("\n")[:5] == [
        "Current State: 13:[4, 3, 5, 6], Operations: []",
        "Exploring Operation: 4*3=12, Resulting Numbers: [5, 6, 12]",
        "Generated Node #0,0: 13:[5, 6, 12] Operation: 4*3=12",
        "Moving to Node #0,0",
        "Current State: 13:[5, 6, 12], Operations: ['4*3=12']",
    ]
    assert t.text.endswith("Exploring Operation: 12+1=13, Resulting Numbers: [13]\n13,13 equal: Goal Reached")
    assert t.steps == ("4*3=12", "6-5=1", "12+1=13") and t.solution == "4 * 3 + 6 - 5"
    assert t.prompt == "Current State: 13:[4, 3, 5, 6], Operations: []"


def test_nl_formats_end_with_the_answer_block() -> None:
    t = sudoku_trace(EASY9, format="nl", backtracks=2, seed=5, **NAIVE)
    assert t.text.count("Let's try to fill cell") > 40
    assert t.text.endswith("</answer>") and "\n</think>\n\n<answer>\n5 3 4 6 7 8 9 1 2\n" in t.text
    assert t.prompt.startswith("Solve this Sudoku puzzle:\n5 3 _ _ 7 _ _ _ _\n")
    c = countdown_trace([4, 3, 5, 6], 13, format="nl", backtracks=1, seed=2)
    assert c.text.startswith("Let's think step by step. Step 1: ")
    assert c.text.endswith(f"<answer>{c.solution}</answer>")
    assert c.prompt.startswith("Using the numbers 4, 3, 5, 6, create an expression that equals 13.")


# --------------------------------------------------------------------------
# the replayer fails on tampered traces
# --------------------------------------------------------------------------


def _expect_rejected(t: traces.Trace, text: str, match: Optional[str] = None) -> None:
    bad = traces.Trace(**{**t.__dict__, "text": text})
    with pytest.raises(TraceVerificationError, match=match):
        traces.verify(bad)


def test_replay_rejects_tampered_sudoku_dfs() -> None:
    t = sudoku_trace(HARD9, format="dfs", backtracks=3, seed=1)
    lines = t.text.split("\n")
    rev = next(i for i, l in enumerate(lines) if l.startswith("revert"))
    guess = next(i for i, l in enumerate(lines) if l.startswith("guess"))
    fill = next(i for i, l in enumerate(lines) if l.startswith("fill"))
    # A revert dropped: a different number of backtracks (and a wrong state).
    _expect_rejected(t, "\n".join(lines[:rev] + lines[rev + 1:]))
    # A revert of a guess that was never made.
    _expect_rejected(t, "\n".join(lines[:rev] + ["revert r9c9=9"] + lines[rev + 1:]), "not open")
    # A guess of a value that is not a candidate.
    m = re.fullmatch(r"guess (r\d+c\d+)=(\d+)", lines[guess])
    assert m
    _expect_rejected(t, "\n".join(lines[:guess] + [f"guess {m.group(1)}=0"] + lines[guess + 1:]))
    # A fill that is not forced.
    lines2 = list(lines)
    lines2[fill] = "guess" + lines2[fill][4:]
    _expect_rejected(t, "\n".join(lines2[:fill] + ["fill r1c1=1"] + lines2[fill:]))
    # A wrong final line, a missing 'solved', garbage.
    _expect_rejected(t, "\n".join(lines[:-1] + ["solution " + "1" * 81]), "solution line")
    _expect_rejected(t, "\n".join(lines[:-2]), "without 'solved'")
    _expect_rejected(t, t.text.replace("dead", "deed", 1), "unreadable")
    # A dead end claimed where the cell still has candidates.
    dead = next(i for i, l in enumerate(lines) if l.startswith("dead r"))
    _expect_rejected(t, "\n".join(lines[:dead] + ["dead r1c1"] + lines[dead + 1:]))
    # The expected number of backtracks is part of the check.
    with pytest.raises(TraceVerificationError, match="backtracks"):
        replay.replay_sudoku_dfs(t.puzzle, t.text, expected_backtracks=2)  # type: ignore[arg-type]


def test_replay_rejects_tampered_sudoku_nl() -> None:
    t = sudoku_trace(EASY9, format="nl", backtracks=2, seed=5, **NAIVE)
    lines = t.text.split("\n")
    back = next(i for i, l in enumerate(lines) if l.startswith("Back at"))
    # The board printed after an erase is not the state before the guess.
    bad = list(lines)
    bad[back + 3] = "9 " + bad[back + 3][2:] if bad[back + 3][0] != "9" else "8 " + bad[back + 3][2:]
    _expect_rejected(t, "\n".join(bad), "board")
    # A wrong candidate list.
    _expect_rejected(t, t.text.replace("are [1, 2, 4]. Let's try", "are [1, 2]. Let's try", 1), "possible values")
    # A 'missing' list that is wrong.
    _expect_rejected(t, t.text.replace("row 1 is missing [1, 2, 4, 6, 8, 9]", "row 1 is missing [1, 2]", 1),
                     "missing")
    # "I tried [...]" that does not list what was undone.
    out = next(i for i, l in enumerate(lines) if l.startswith("Out of all"))
    bad = list(lines)
    bad[out] = re.sub(r"I tried \[[^\]]*\]", "I tried [7]", bad[out])
    _expect_rejected(t, "\n".join(bad), "tried")
    # A wrong answer block.
    _expect_rejected(t, t.text.replace("<answer>\n5 3 4", "<answer>\n5 4 3"), "answer")


def test_replay_rejects_tampered_countdown() -> None:
    t = countdown_trace([4, 3, 5, 6], 13, format="dfs", backtracks=2, seed=0)
    _expect_rejected(t, t.text.replace("4*3=12", "4*3=13", 1))
    _expect_rejected(t, t.text.replace("Resulting Numbers: [5, 6, 12]", "Resulting Numbers: [5, 7, 12]", 1))
    lines = t.text.split("\n")
    back = next(i for i, l in enumerate(lines) if l.startswith("Moving to Node")
                and not lines[i - 1].startswith("Generated"))
    _expect_rejected(t, "\n".join(lines[:back] + lines[back + 2:]))
    _expect_rejected(t, "\n".join(lines[:-1]), "without reaching the goal")
    n = countdown_trace([4, 3, 5, 6], 13, format="nl", backtracks=2, seed=0)
    _expect_rejected(n, n.text.replace("Let me go back to step 1", "Let me go back to step 2", 1))
    _expect_rejected(n, n.text.replace("is not the correct answer", "is not the right answer", 1), "unreadable")
    _expect_rejected(n, re.sub(r"<answer>.*</answer>", "<answer>4 * 3 + 1</answer>", n.text))
    _expect_rejected(n, re.sub(r"<answer>.*</answer>", "<answer>__import__('os')</answer>", n.text))


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


def test_bad_sudoku_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="16, 81, 256 or 625"):
        sudoku_trace("123")
    with pytest.raises(ValueError, match=r"character 5 \('x'\)"):
        sudoku_trace("1..2x.1..3..4...")
    with pytest.raises(ValueError, match="r1c1 and r1c4 both hold 1"):
        sudoku_trace("1..1............")
    with pytest.raises(ValueError, match=r"grid\[0\]\[1\] = 7"):
        sudoku_trace([[1, 7, 0, 0], [0] * 4, [0] * 4, [0] * 4])
    with pytest.raises(NoSolutionError):
        sudoku_trace(".23.....1...4...")
    with pytest.raises(ValueError, match="unknown sudoku trace option"):
        sudoku_trace(EASY9, heuristic="sum")
    with pytest.raises(ValueError, match="none, naked, hidden"):
        sudoku_trace(EASY9, propagation="full")
    with pytest.raises(ValueError, match="unknown trace format"):
        sudoku_trace(EASY9, format="xml")
    with pytest.raises(ValueError, match="backtracks must be >= 0"):
        sudoku_trace(EASY9, backtracks=-1)
    with pytest.raises(BudgetExceededError):
        sudoku_trace(HARD9, max_nodes=5, **NAIVE)
    with pytest.raises(NotEnoughBacktracksError) as e:
        sudoku_trace(EASY9, backtracks=1, propagation="hidden")
    assert (e.value.requested, e.value.available) == (1, 0)
    assert "cannot supply 1 backtracks" in str(e.value)
    again = pickle.loads(pickle.dumps(e.value))
    assert (type(again), again.requested, again.available, str(again)) == (
        NotEnoughBacktracksError, 1, 0, str(e.value))


def test_grids_and_lines_give_the_same_trace() -> None:
    grid = [[int(c) if c != "." else 0 for c in EASY9[r * 9:(r + 1) * 9]] for r in range(9)]
    assert sudoku_trace(grid, backtracks=1, seed=2, **NAIVE) == sudoku_trace(EASY9, backtracks=1, seed=2, **NAIVE)
    a = sudoku_trace(HARD9, backtracks=3, seed=8)
    assert a == sudoku_trace(HARD9, backtracks=3, seed=8)
    assert any(sudoku_trace(HARD9, backtracks=3, seed=s).text != a.text for s in range(9, 15))


def test_generate_functions_verify_and_skip_short() -> None:
    puzzles = [EASY9, HARD9, "1..2..1..3..4..."]
    with pytest.raises(NotEnoughBacktracksError):
        list(traces.generate_sudoku(puzzles, backtracks=2))
    got = list(traces.generate_sudoku(puzzles, backtracks=2, skip_short=True, format="nl"))
    assert [t.puzzle for t in got] == [HARD9] and got[0].backtracks == 2
    assert got[0].options["seed"] == traces.item_seed(0, 1)
    cd = list(traces.generate_countdown(traces.countdown_instances(5, seed=3), backtracks=1, format="nl"))
    assert len(cd) == 5 and all(t.backtracks == 1 for t in cd)
    rec = cd[0].to_record()
    assert set(rec) >= {"task", "format", "prompt", "puzzle", "trace", "solution", "backtracks", "steps"}
    json.dumps(rec)


def test_options_table_comes_from_rust() -> None:
    names = {o[0] for o in traces.options()}
    assert names == {"seed", "max_nodes", "propagation", "cell_order", "value_order", "heuristic", "prune", "use_all"}
    assert {o[0] for o in traces.options("sudoku")} == {"seed", "max_nodes", "propagation", "cell_order", "value_order"}
    prop = next(o for o in traces.options() if o[0] == "propagation")
    assert prop[2:5] == ("choice", "naked", ["none", "naked", "hidden"])


@pytest.mark.skipif(not LR2.is_dir(), reason="shared LR2Bench data not present")
def test_lr2bench_sudoku_grids() -> None:
    from fastback.traces.io import read_sudoku

    for level in ("4_4_hard", "9_9_hard"):
        items = list(read_sudoku(str(LR2 / level / "data.jsonl")))[:10]
        assert len(items) == 10
        for item in items:
            t = sudoku_trace(item.puzzle, format="nl", backtracks=1, **NAIVE) if level.startswith("9") else \
                sudoku_trace(item.puzzle, format="dfs")
            assert sudoku_ok(item.puzzle, t.solution)


def test_ctrl_c_stops_a_long_trace_search() -> None:
    from sat_helpers import signal_when_ready

    script = ("from fastback.traces import sudoku_trace\n"
              "print('ready', flush=True)\n"
              "try:\n"
              f"    sudoku_trace({HARD9!r}, propagation='none', cell_order='first', max_nodes=10**12)\n"
              "    print('finished')\n"
              "except KeyboardInterrupt:\n"
              "    print('interrupted')\n")
    rc, out, err, _ = signal_when_ready([sys.executable, "-c", script], "ready")
    assert "interrupted" in out, (out, err)
    assert rc == 0
