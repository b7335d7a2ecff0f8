"""``fastback sudoku``: run as a subprocess, as a user would; every output
line checked by the independent helpers in sudoku_helpers.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sudoku_helpers import check_solution, shared_lines

CLI = [sys.executable, "-m", "fastback", "sudoku"]

EASY = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
HARD = "8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4.."
CONFLICT = "5.......5" + "." * 72


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), input=input, capture_output=True, text=True, timeout=120)


def test_solves_a_file_one_line_per_puzzle(tmp_path: Path):
    f = tmp_path / "p.txt"
    # CRLF endings, a blank line and a comment, as in the shared files.
    f.write_bytes(f"# two puzzles\r\n{EASY}\r\n\r\n{HARD}\r\n".encode())
    r = run(str(f))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert check_solution(EASY, lines[0]) and check_solution(HARD, lines[1])


def test_stdin_and_no_solution_marker():
    r = run("-", input=f"{EASY}\n{CONFLICT}\n{HARD}\n")
    assert r.returncode == 3
    lines = r.stdout.splitlines()
    assert lines[1] == "none"
    assert check_solution(EASY, lines[0]) and check_solution(HARD, lines[2])


def test_count_and_rate():
    r = run("--count", "-", input=f"{EASY}\n{CONFLICT}\n{'.' * 81}\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["1", "0", "2+"]
    r = run("--count", "--limit", "5", "-", input=f"{'.' * 16}\n")
    assert r.stdout.splitlines() == ["5+"]
    r = run("--rate", "-", input=f"{EASY}\n{HARD}\n")
    assert r.returncode == 0, r.stderr
    first, second = (line.split() for line in r.stdout.splitlines())
    assert first[0] == "easy" and second[0] == "expert" and int(second[1]) > 0


def test_malformed_lines_named_by_file_and_line(tmp_path: Path):
    f = tmp_path / "bad.txt"
    f.write_text(f"{EASY}\n# comment\n{EASY[:40]}x{EASY[41:]}\n{EASY[:80]}\n")
    r = run(str(f))
    assert r.returncode == 1
    assert r.stdout == ""
    err = r.stderr.splitlines()
    assert err[0] == f"fastback sudoku: {f}:3: position 40: 'x' is not a digit 1-9, '.' or '0'"
    assert err[1].startswith(f"fastback sudoku: {f}:4: length 80")


def test_missing_file_and_usage():
    r = run("/nonexistent/puzzles.txt")
    assert r.returncode == 1 and "No such file" in r.stderr
    r = run("--threads", "-3", "-")
    assert r.returncode == 2
    r = run("--count", "--rate", "-")
    assert r.returncode == 2


def test_threads_do_not_change_the_output():
    puzzles = shared_lines("puzzles5_forum_hardest_1905_11+", step=499) or [EASY, HARD] * 20
    text = "\n".join(puzzles) + "\n"
    one = run("--threads", "1", "-", input=text)
    two = run("--threads", "2", "-", input=text)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert all(check_solution(p, s) for p, s in zip(puzzles, one.stdout.splitlines()))


def test_16x16_file():
    puzzles = shared_lines("puzzles_16x16.txt")
    if not puzzles:
        pytest.skip("../shared/bench/sudoku not present")
    r = run(str(Path(__file__).resolve().parent.parent.parent / "shared/bench/sudoku/puzzles_16x16.txt"))
    assert r.returncode == 0, r.stderr
    assert all(check_solution(p, s) for p, s in zip(puzzles, r.stdout.splitlines()))
