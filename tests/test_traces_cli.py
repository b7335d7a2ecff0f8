"""``fastback traces``: JSONL round trips (every record replayed again here),
puzzle sources, and errors that name file:line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from fastback.cli import main
from fastback.traces import replay

EASY9 = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
HARD9 = ".................1.....2.3......3.2...1.4......5....6..3......4.7..8...962...7..."
#: LR2Bench's 9_9_hard puzzle 216279.
MID9 = ".41.2..9..93.58......1.....7.6.8.....24.6.71.....7.8.3.....9......81.52..6..3.97."
LR2 = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "lr2bench" / "4-sudoku"


def run(argv: List[str], capsys: pytest.CaptureFixture) -> Tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def records(path: Path) -> List[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def check_sudoku_record(r: dict) -> None:
    fn = replay.replay_sudoku_dfs if r["format"] == "dfs" else replay.replay_sudoku_nl
    got = fn(r["puzzle"], r["trace"])
    assert got.solution == r["solution"] and got.backtracks == r["backtracks"]
    if r["requested_backtracks"] is not None:
        assert r["backtracks"] == r["requested_backtracks"]


def check_countdown_record(r: dict) -> None:
    nums, target = r["puzzle"]["numbers"], r["puzzle"]["target"]
    use_all = bool(r["options"]["use_all"])
    if r["format"] == "dfs":
        got = replay.replay_countdown_dfs(nums, target, r["trace"], use_all=use_all, expected_solution=r["solution"])
    else:
        got = replay.replay_countdown_nl(nums, target, r["trace"], use_all=use_all)
        assert got.solution == r["solution"]
    assert list(got.steps) == r["steps"] and got.backtracks == r["backtracks"]


@pytest.mark.parametrize("fmt", ["dfs", "nl"])
def test_sudoku_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture, fmt: str) -> None:
    src = tmp_path / "puzzles.txt"
    grid = [[int(c) if c != "." else 0 for c in MID9[r * 9:(r + 1) * 9]] for r in range(9)]
    src.write_text(f"# a comment\n{MID9}\n\n{EASY9.replace('.', '0')},solution-ignored\n"
                   + json.dumps({"tag": "g1", "grid": grid}) + "\n")
    out = tmp_path / "t.jsonl"
    status, stdout, err = run(["traces", "sudoku", str(src), "--format", fmt, "--backtracks", "2",
                               "--propagation", "none", "--cell-order", "first", "--seed", "4",
                               "--out", str(out)], capsys)
    assert status == 0, err
    summary = json.loads(stdout)
    assert summary["written"] == 3 and summary["skipped"] == 0 and summary["backtracks"] == 6
    recs = records(out)
    assert [r["id"] for r in recs] == ["puzzles.txt:2", "puzzles.txt:4", "g1"]
    for r in recs:
        assert (r["task"], r["format"], r["backtracks"]) == ("sudoku", fmt, 2)
        assert r["options"]["propagation"] == "none"
        check_sudoku_record(r)
    assert recs[0]["trace"] != recs[2]["trace"]  # same puzzle, different item seeds
    assert recs[0]["solution"] == recs[2]["solution"]


def test_full_search_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "p.txt"
    src.write_text(HARD9 + "\n")
    status, stdout, err = run(["traces", "sudoku", str(src)], capsys)
    assert status == 0, err
    (r,) = [json.loads(line) for line in stdout.splitlines()]
    assert r["requested_backtracks"] is None and r["backtracks"] > 100
    check_sudoku_record(r)
    assert "wrote 1 traces to stdout" in err


def test_countdown_generate_and_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cd.jsonl"
    status, stdout, err = run(["traces", "countdown", "--generate", "25", "--seed", "3", "--format", "nl",
                               "--backtracks", "1", "--out", str(out)], capsys)
    assert status == 0, err
    recs = records(out)
    assert len(recs) == 25 and all(r["backtracks"] == 1 for r in recs)
    for r in recs:
        check_countdown_record(r)
    again = tmp_path / "again.jsonl"
    assert main(["traces", "countdown", "--generate", "25", "--seed", "3", "--format", "nl",
                 "--backtracks", "1", "--out", str(again)]) == 0
    assert again.read_text() == out.read_text()

    src = tmp_path / "cd.txt"
    src.write_text('{"numbers": [4, 3, 5, 6], "target": 13, "id": "a"}\n8 2 3 2 -> 24\n')
    out2 = tmp_path / "cd2.jsonl"
    capsys.readouterr()
    status, _, err = run(["traces", "countdown", str(src), "--use-all", "--heuristic", "mult",
                          "--out", str(out2)], capsys)
    assert status == 0, err
    recs = records(out2)
    assert [r["id"] for r in recs] == ["a", "cd.txt:2"]
    assert recs[1]["trace"].startswith("Current State: 24:[8, 2, 3, 2], Operations: []\n"
                                       "Exploring Operation: 8-2=6, Resulting Numbers: [3, 2, 6]")
    for r in recs:
        check_countdown_record(r)
    # Stream of Search's pruning (threshold = target) can cut every solution: a clear error.
    status, _, err = run(["traces", "countdown", str(src), "--use-all", "--heuristic", "mult", "--prune", "target",
                          "--out", str(out2)], capsys)
    assert status == 1 and f"{src}:1: the search found no solution" in err


def test_errors_name_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "bad.txt"
    src.write_text(f"{EASY9}\n123\n")
    status, _, err = run(["traces", "sudoku", str(src), "--out", str(tmp_path / "o.jsonl")], capsys)
    assert status == 1
    assert f"error: {src}:2: a puzzle line has 16, 81, 256 or 625 characters, got 3" in err

    src.write_text(f"{EASY9}\n1..2x.1..3..4...\n")
    status, _, err = run(["traces", "sudoku", str(src), "--out", str(tmp_path / "o.jsonl")], capsys)
    assert status == 1 and f"{src}:2: character 5 ('x')" in err

    src.write_text(".23.....1...4...\n" + HARD9 + "\n")
    status, _, err = run(["traces", "sudoku", str(src), "--out", str(tmp_path / "o.jsonl")], capsys)
    assert status == 1 and f"{src}:1: the search found no solution" in err
    status, stdout, err = run(["traces", "sudoku", str(src), "--skip", "--out", str(tmp_path / "o.jsonl")], capsys)
    assert status == 0 and f"skipped {src}:1" in err
    assert json.loads(stdout)["skipped"] == 1 and json.loads(stdout)["written"] == 1

    src.write_text(EASY9 + "\n")
    status, _, err = run(["traces", "sudoku", str(src), "--backtracks", "1", "--propagation", "hidden",
                          "--out", str(tmp_path / "o.jsonl")], capsys)
    assert status == 1 and "cannot supply 1 backtracks: the search refutes only 0 wrong guesses" in err

    cd = tmp_path / "cd.jsonl"
    cd.write_text('{"numbers": [1, 2], "target": 3}\n{"numbers": [1, "x"], "target": 3}\n')
    status, _, err = run(["traces", "countdown", str(cd)], capsys)
    assert status == 1 and f"{cd}:2: numbers[1] = 'x' is not a positive integer" in err
    cd.write_text("not json\n")
    status, _, err = run(["traces", "countdown", str(cd)], capsys)
    assert status == 1 and f"{cd}:1: expected 'a b c ... -> target'" in err

    status, _, err = run(["traces", "countdown", str(cd), "--generate", "3"], capsys)
    assert status == 1 and "not both" in err
    status, _, err = run(["traces", "sudoku", str(tmp_path / "missing.txt")], capsys)
    assert status == 1 and "missing.txt" in err and "No such file" in err
    with pytest.raises(SystemExit):
        main(["traces", "sudoku", str(src), "--propagation", "full"])


@pytest.mark.skipif(not LR2.is_dir(), reason="shared LR2Bench data not present")
def test_lr2bench_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "lr2.jsonl"
    status, stdout, err = run(["traces", "sudoku", str(LR2 / "4_4_hard" / "data.jsonl"), "--format", "nl",
                               "--backtracks", "1", "--propagation", "none", "--cell-order", "first",
                               "--skip", "--out", str(out)], capsys)
    assert status == 0, err
    summary = json.loads(stdout)
    assert summary["written"] + summary["skipped"] == 50 and summary["written"] >= 40
    for r in records(out):
        check_sudoku_record(r)


def test_the_installed_command(tmp_path: Path) -> None:
    src = tmp_path / "p.txt"
    src.write_text(EASY9 + "\n")
    p = subprocess.run([sys.executable, "-m", "fastback", "traces", "sudoku", str(src), "--format", "nl",
                        "--backtracks", "2", "--propagation", "none", "--cell-order", "first"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    (r,) = [json.loads(line) for line in p.stdout.splitlines()]
    check_sudoku_record(r)
    assert "\r" not in p.stderr  # no progress bar when stderr is not a terminal
