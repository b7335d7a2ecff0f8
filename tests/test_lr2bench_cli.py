"""``fastback lr2bench score`` and ``fastback lr2bench solve``, in process,
on the real answers and on small data folders built in tmp_path from the
benchmark's records."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from fastback.cli import main
from fastback.lr2bench import LEVELS, load_answers
from fastback.lr2bench.data import read_records
from fastback.lr2bench.render import render_answer

from lr2bench_helpers import data_root, need_wordfreq, write_mini_data


@pytest.fixture(scope="module")
def answers():
    data_root()
    return load_answers()


def write_jsonl(path: Path, rows: List[Dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def mini(tmp_path: Path, answers, picks: Dict[tuple, List[int]]) -> Path:
    """A data folder holding the picked records (by index) of some levels,
    and their gold answers."""
    records: Dict[tuple, List[dict]] = {}
    gold: Dict[str, list] = {}
    for (task, level), indices in picks.items():
        rows = [r for _, r in read_records(task, level)]
        records[(task, level)] = [rows[i] for i in indices]
        for i in indices:
            tag = str(rows[i]["tag"])
            gold.setdefault(task, []).append({"tag": tag, "level": level,
                                              "answer": json.dumps(answers[task, level, tag])})
    return write_mini_data(tmp_path / "data", records, gold)


def test_score_prints_the_table(tmp_path: Path, answers, capsys: pytest.CaptureFixture) -> None:
    rows = [{"task": "sudoku", "level": "9_9_easy", "tag": t,
             "output": render_answer("sudoku", answers["sudoku", "9_9_easy", t])}
            for t in answers.tags("sudoku", "9_9_easy")]
    rows[0]["output"] = "I give up."
    path = write_jsonl(tmp_path / "pred.jsonl", rows)
    assert main(["lr2bench", "score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "sudoku      9_9_easy    50   98.0   98.0   98.0    98.0" in out
    assert main(["lr2bench", "score", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tasks"]["sudoku"]["em"] == pytest.approx(0.98)
    assert report["levels"][0]["missing"] == 0


def test_score_errors(tmp_path: Path, answers, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task": "sudoku", "level": "9_9_easy", "tag": "x", "output": ""}\n')
    assert main(["lr2bench", "score", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fastback lr2bench score: error: ") and f"{bad}:1: no gold answer" in err
    assert main(["lr2bench", "score", str(tmp_path / "missing.jsonl")]) == 1
    assert "missing.jsonl" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert main(["lr2bench", "score", str(empty)]) == 1
    assert "no predictions" in capsys.readouterr().err
    assert main(["lr2bench", "score", str(empty), "--data", str(tmp_path / "nowhere")]) == 1
    assert "not an LR²Bench data folder" in capsys.readouterr().err


def test_solve_drop_then_score(tmp_path: Path, answers, capsys: pytest.CaptureFixture) -> None:
    need_wordfreq()
    root = mini(tmp_path, answers, {("drop", "easy"): [1, 5]})
    out = tmp_path / "drop.jsonl"
    assert main(["lr2bench", "solve", "--task", "drop", "--level", "easy", "--data", str(root),
                 "--out", str(out)]) == 0
    assert "wrote 2 records" in capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["task"], r["level"]) for r in records] == [("drop", "easy")] * 2
    assert main(["lr2bench", "score", str(out), "--data", str(root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tasks"]["drop"]["em"] == 1.0


def test_solve_crossword_from_a_candidates_file(tmp_path: Path, answers, capsys: pytest.CaptureFixture) -> None:
    root = mini(tmp_path, answers, {("crossword", "10_10"): [0, 1]})
    rng = random.Random(5)
    candidates: Dict[str, Dict[str, List[str]]] = {}
    for tag in answers.tags("crossword", "10_10")[:2]:
        gold = answers["crossword", "10_10", tag]
        entry = {}
        for slot, word in gold.items():
            wrong = ["".join(rng.choice("AEIOURST") for _ in word) for _ in range(4)]
            number, direction = slot.split("-")
            entry[f"{number}-{direction.capitalize()}"] = wrong + [word.lower()]
        candidates[f"10_10/{tag}" if len(candidates) else tag] = entry
    cand_file = tmp_path / "cands.json"
    cand_file.write_text(json.dumps(candidates))
    out = tmp_path / "cw.jsonl"
    assert main(["lr2bench", "solve", "--task", "crossword", "--level", "10_10", "--data", str(root),
                 "--candidates", str(cand_file), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["lr2bench", "score", str(out), "--data", str(root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["levels"][0]["em"] == 1.0


def test_solve_reports_what_cannot_run(tmp_path: Path, answers, capsys: pytest.CaptureFixture,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import fastback.lr2bench as package

    monkeypatch.setitem(sys.modules, "fastback.lr2bench.logic", None)
    monkeypatch.delattr(package, "logic", raising=False)
    root = mini(tmp_path, answers, {("logic", "4_4"): [0]})
    out = tmp_path / "o.jsonl"
    assert main(["lr2bench", "solve", "--task", "logic", "--data", str(root), "--out", str(out)]) == 1
    assert "logic-grid solver" in capsys.readouterr().err
    assert main(["lr2bench", "solve", "--task", "crossword", "--data", str(root), "--out", str(out)]) == 1
    assert "--candidates" in capsys.readouterr().err
    assert main(["lr2bench", "solve", "--task", "sudoku", "--level", "9_9", "--out", str(out)]) == 1
    assert "unknown level" in capsys.readouterr().err
    assert main(["lr2bench", "solve", "--task", "drop", "--data", str(root), "--candidates",
                 str(tmp_path / "none.json"), "--out", str(out)]) == 1
    assert "none.json" in capsys.readouterr().err


def test_solve_all_skips_with_notes(tmp_path: Path, answers, capsys: pytest.CaptureFixture,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import fastback.lr2bench as package

    monkeypatch.setitem(sys.modules, "fastback.lr2bench.logic", None)
    monkeypatch.delattr(package, "logic", raising=False)
    monkeypatch.setitem(sys.modules, "fastback.sudoku", None)
    root = mini(tmp_path, answers, {("logic", "4_4"): [0], ("sudoku", "4_4_easy"): [0]})
    out = tmp_path / "all.jsonl"
    assert main(["lr2bench", "solve", "--task", "all", "--data", str(root), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    for task in ("crossword", "acrostic", "logic", "sudoku"):
        assert f"skipped {task}:" in err
    assert "wrote 0 records" in err


def test_every_task_has_a_solve_choice() -> None:
    from fastback.lr2bench.cli import _TASKS

    assert set(_TASKS) == set(LEVELS)
