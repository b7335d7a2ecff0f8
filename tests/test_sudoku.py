"""fastback.sudoku: every answer checked by the independent helpers in
sudoku_helpers.py (plain checker, brute force on 4x4, PySAT counting)."""

from __future__ import annotations

import random
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastback import sudoku
from sat_helpers import signal_when_ready
from sudoku_helpers import brute_force_count, check_solution, sat_count, shared_lines, values

EASY = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
HARD = "8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4.."
# Two 5s in row 0.
CONFLICT = "5.......5" + "." * 72


# -- solving -------------------------------------------------------------------------------------


@pytest.mark.parametrize("puzzle", [EASY, HARD])
def test_solve_known_puzzles(puzzle):
    s = sudoku.solve(puzzle)
    assert check_solution(puzzle, s)
    assert sudoku.count_solutions(puzzle) == 1


def test_no_solution_is_none_not_an_error():
    assert sudoku.solve(CONFLICT) is None
    assert sudoku.count_solutions(CONFLICT) == 0
    # Givens that do not repeat but leave a cell without a digit.
    blocked = ".12345678" + "." * 18 + "9........" + "." * 45
    assert sudoku.solve_many([EASY, blocked, CONFLICT]) == [sudoku.solve(EASY), None, None]


def test_zero_and_dot_are_both_empty():
    assert sudoku.solve(EASY.replace(".", "0")) == sudoku.solve(EASY)


@pytest.mark.parametrize("name", ["puzzles2_17_clue", "puzzles5_forum_hardest_1905_11+"])
def test_shared_sample(name):
    puzzles = shared_lines(name, step=97)
    if not puzzles:
        pytest.skip("../shared/bench/sudoku not present")
    solutions = sudoku.solve_many(puzzles)
    assert all(check_solution(p, s) for p, s in zip(puzzles, solutions))
    assert sudoku.count_many(puzzles) == [1] * len(puzzles)
    # The same answers with any thread count.
    assert sudoku.solve_many(puzzles, threads=1) == solutions
    assert sudoku.solve_many(puzzles, threads=3) == solutions


def test_shared_16x16():
    puzzles = shared_lines("puzzles_16x16.txt")
    if not puzzles:
        pytest.skip("../shared/bench/sudoku not present")
    assert len(puzzles) == 2
    for p, s in zip(puzzles, sudoku.solve_many(puzzles)):
        assert check_solution(p, s)
        # Both have several solutions. Independent evidence: a second
        # solution that differs from the first in some cell, passing the
        # checker (PySAT takes minutes on these sparse 16x16 grids).
        assert sudoku.count_solutions(p) == 2
        other = next(t for i, c in enumerate(p) if c == "."
                     for v in "ABCDEFGHIJKLMNOP" if v != s[i]
                     for t in [sudoku.solve(p[:i] + v + p[i + 1:])] if t is not None)
        assert other != s and check_solution(p, other)


def test_25x25_from_a_thinned_grid():
    full = sudoku.solve("." * 625)
    assert check_solution("." * 625, full)
    rng = random.Random(5)
    puzzle = "".join(c if rng.random() < 0.55 else "." for c in full)
    s = sudoku.solve(puzzle)
    assert check_solution(puzzle, s)
    assert all(c in "ABCDEFGHIJKLMNOPQRSTUVWXY" for c in s)
    # Lower-case letters are accepted.
    assert sudoku.solve(puzzle.lower()) == s


def test_mixed_sizes_in_one_batch():
    four = "1..." "..2." ".3.." "...4"
    clash = "1..1" + "." * 12
    big = sudoku.solve("." * 256)
    out = sudoku.solve_many([EASY, four, clash, "." * 256])
    assert check_solution(EASY, out[0]) and check_solution(four, out[1])
    assert out[2] is None and brute_force_count(clash) == 0
    assert out[3] == big and check_solution("." * 256, big)


# -- counting against brute force ----------------------------------------------------------------


cells4 = st.lists(st.sampled_from(".1234"), min_size=16, max_size=16)


@settings(max_examples=300, deadline=None)
@given(cells4)
def test_count_4x4_matches_brute_force(cells):
    puzzle = "".join(cells)
    expected = brute_force_count(puzzle)
    assert sudoku.count_solutions(puzzle, limit=1000) == expected
    s = sudoku.solve(puzzle)
    assert (s is None) == (expected == 0)
    if s is not None:
        assert check_solution(puzzle, s)


@settings(max_examples=100, deadline=None)
@given(cells4, st.integers(1, 5))
def test_count_limit_caps(cells, limit):
    puzzle = "".join(cells)
    assert sudoku.count_solutions(puzzle, limit=limit) == min(brute_force_count(puzzle), limit)


def test_count_empty_grids():
    assert sudoku.count_solutions("." * 16, limit=1000) == 288  # all 4x4 grids
    assert sudoku.count_solutions("." * 81, limit=500) == 500


# -- numpy input ---------------------------------------------------------------------------------


def test_numpy_input_shapes_and_dtypes():
    rows = np.array([values(EASY), values(HARD)])
    expected = sudoku.solve_many([EASY, HARD])
    for dtype in (np.int64, np.uint8, np.int16):
        assert sudoku.solve_many(rows.astype(dtype)) == expected
        assert sudoku.solve_many(rows.astype(dtype).reshape(2, 9, 9)) == expected
    # Non-contiguous views work too.
    assert sudoku.solve_many(np.asfortranarray(rows)) == expected
    assert sudoku.solve(rows[0].reshape(9, 9)) == expected[0]
    assert sudoku.count_many(rows) == [1, 1]


def test_numpy_bad_input():
    rows = np.array([values(EASY), values(HARD)])
    bad = rows.copy()
    bad[1, 40] = 10
    with pytest.raises(ValueError, match=r"puzzle 1: cell 40: value 10 is outside 0..=9"):
        sudoku.solve_many(bad)
    bad[1, 40] = -1
    with pytest.raises(ValueError, match=r"puzzle 1: cell 40: value -1"):
        sudoku.solve_many(bad)
    with pytest.raises(TypeError, match="integer dtype"):
        sudoku.solve_many(rows.astype(float))
    with pytest.raises(ValueError, match="80 cells"):
        sudoku.solve_many(rows[:, :80])
    with pytest.raises(ValueError, match="shape"):
        sudoku.solve_many(rows.reshape(2, 3, 27))


# -- bad input -----------------------------------------------------------------------------------


def test_parse_errors_name_puzzle_and_position():
    with pytest.raises(ValueError, match=r"puzzle 1: position 40: 'x' is not a digit 1-9"):
        sudoku.solve_many([EASY, EASY[:40] + "x" + EASY[41:]])
    with pytest.raises(ValueError, match=r"puzzle 2: length 80"):
        sudoku.solve_many([EASY, EASY, EASY[:80]])
    with pytest.raises(ValueError, match=r"puzzle 0: position 3: 'é'"):
        sudoku.solve_many(["..." + "é" + "." * 77])
    with pytest.raises(ValueError, match=r"position 0: 'A' is not a digit 1-9"):
        sudoku.solve("A" + "." * 80)
    with pytest.raises(ValueError, match=r"position 1: '5' is not a letter A-P"):
        sudoku.solve("A5" + "." * 254)
    with pytest.raises(ValueError, match=r"position 0: 'Z' is not a letter A-Y"):
        sudoku.solve("Z" + "." * 624)


def test_type_errors():
    with pytest.raises(TypeError, match="puzzle 1: expected a str"):
        sudoku.solve_many([EASY, 5])
    with pytest.raises(TypeError, match="sequence of puzzle strings"):
        sudoku.solve_many(EASY)
    with pytest.raises(TypeError):
        sudoku.solve(123)
    with pytest.raises(ValueError, match="limit"):
        sudoku.count_solutions(EASY, limit=0)
    with pytest.raises(ValueError, match="threads"):
        sudoku.solve_many([EASY], threads=-1)


def test_empty_batch():
    assert sudoku.solve_many([]) == []
    assert sudoku.solve_many(np.zeros((0, 81), dtype=np.uint8)) == []


# -- generator and rating ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_9x9_unique_by_sat_and_minimal(seed):
    g = sudoku.generate(9, seed=seed)
    assert g == sudoku.generate(9, seed=seed), "same seed, same puzzle"
    assert check_solution(g.puzzle, g.solution)
    assert sat_count(g.puzzle) == 1
    # Minimal: without any one given there are several solutions.
    for i in [i for i, c in enumerate(g.puzzle) if c != "."][:12]:
        assert sat_count(g.puzzle[:i] + "." + g.puzzle[i + 1:]) == 2
    assert g.rating == sudoku.rate(g.puzzle)
    assert g.rating.solutions == 1 and g.rating.givens == sum(c != "." for c in g.puzzle)


def test_generated_options():
    g = sudoku.generate(9, seed=4, symmetric=True, min_clues=30)
    assert sat_count(g.puzzle) == 1
    assert all((g.puzzle[i] == ".") == (g.puzzle[80 - i] == ".") for i in range(81))
    assert g.rating.givens >= 30
    for level in ("easy", "medium", "expert"):
        g = sudoku.generate(9, seed=1, level=level)
        assert g.rating.level_name == level and sudoku.rate(g.puzzle).level_name == level
    with pytest.raises(ValueError, match="level"):
        sudoku.generate(9, level="impossible")
    with pytest.raises(ValueError, match="n must be"):
        sudoku.generate(10)
    with pytest.raises(ValueError, match="seed"):
        sudoku.generate(9, seed=-1)


def test_generated_4x4_and_16x16_unique():
    for seed in range(20):
        g = sudoku.generate(4, seed=seed)
        assert brute_force_count(g.puzzle) == 1
        assert check_solution(g.puzzle, g.solution)
    g = sudoku.generate(16, seed=3, min_clues=150)
    assert check_solution(g.puzzle, g.solution)
    assert sat_count(g.puzzle) == 1


def test_rate_known_puzzles():
    easy = sudoku.rate(EASY)
    assert (easy.level, easy.level_name, easy.solutions, easy.givens) == (1, "easy", 1, 30)
    assert easy.steps["naked_single"] + easy.steps["hidden_single"] == 51
    hard = sudoku.rate(HARD)
    assert hard.level_name == "expert" and hard.guesses > 0
    assert sudoku.rate(sudoku.solve(EASY)).level_name == "given"
    assert sudoku.rate(CONFLICT).solutions == 0


def test_options_table():
    names = [o[0] for o in sudoku.options()]
    assert {"threads", "limit", "seed", "level"} <= set(names)


# -- Ctrl-C --------------------------------------------------------------------------------------


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import sys
    from fastback import sudoku
    print("counting", flush=True)
    try:
        sudoku.count_many(["." * 81] * 4, limit=10**15, threads={threads})
    except KeyboardInterrupt:
        print("KeyboardInterrupt", flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_batch(threads):
    code, out, err, waited = signal_when_ready(
        [sys.executable, "-c", CTRL_C_SCRIPT.format(threads=threads)], "counting")
    assert code == 3, (out, err)
    assert "KeyboardInterrupt" in out
    assert waited < 5
