"""Shared by the LR²Bench tests: where the data is, whether wordfreq is
there, and independent counts of right subtasks.

The counting functions here re-implement the benchmark's subtask rules in
the plainest way (no key normalisation beyond what the gold answers need)
so that the scorer is checked against something other than itself.

Data and wordfreq are optional when a developer runs pytest by hand (the
tests that need them skip); ``make test`` sets FASTBACK_REQUIRE_LR2BENCH=1,
which turns a missing data folder or a missing wordfreq into a failure.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

REQUIRED = bool(os.environ.get("FASTBACK_REQUIRE_LR2BENCH"))


def data_root() -> Path:
    """The data folder, or skip (fail under FASTBACK_REQUIRE_LR2BENCH)."""
    from fastback.lr2bench.data import DataNotFoundError, data_root as find

    try:
        return find()
    except DataNotFoundError as e:
        if REQUIRED:
            pytest.fail(f"FASTBACK_REQUIRE_LR2BENCH is set but {e}")
        pytest.skip(str(e))
        raise


def need_wordfreq() -> None:
    if importlib.util.find_spec("wordfreq") is None:
        if REQUIRED:
            pytest.fail("FASTBACK_REQUIRE_LR2BENCH is set but wordfreq is not installed")
        pytest.skip("wordfreq is not installed (pip install 'fastback[lr2bench]')")


def norm(value: Any) -> str:
    return "".join(str(value).split()).upper()


def count_right(task: str, gold: Any, predicted: Any) -> Tuple[int, int]:
    """(right, total) for a prediction in the gold answer's own shape (same
    keys, same nesting): the plain reading of the benchmark's definition."""
    if task in ("crossword", "acrostic", "cryptogram"):
        return sum(norm(predicted.get(k, "")) == norm(v) for k, v in gold.items()), len(gold)
    if task == "logic":
        key = list(gold[0])[0]
        right = total = 0
        for g in gold:
            match = [p for p in predicted if norm(p.get(key)) == norm(g[key])]
            for c in list(g)[1:]:
                total += 1
                right += bool(match) and norm(match[0].get(c)) == norm(g[c])
        return right, total
    if task == "sudoku":
        cells = [(i, j) for i, row in enumerate(gold["grid"]) for j, v in enumerate(row) if v == 0]
        return sum(str(predicted[i][j]) == str(gold["answer"][i][j]) for i, j in cells), len(cells)
    if task == "drop":
        cells = [(i, j) for i, row in enumerate(gold) for j, v in enumerate(row) if v.isalpha()]
        return sum(predicted[i][j] == gold[i][j] for i, j in cells), len(cells)
    raise ValueError(task)


def subtask_slots(task: str, gold: Any) -> List[Tuple]:
    """Addresses of the subtasks in a gold answer (for perturbing them)."""
    if task in ("crossword", "acrostic", "cryptogram"):
        return [(k,) for k in gold]
    if task == "logic":
        return [(r, c) for r, row in enumerate(gold) for c in list(row)[1:]]
    if task == "sudoku":
        return [(i, j) for i, row in enumerate(gold["grid"]) for j, v in enumerate(row) if v == 0]
    if task == "drop":
        return [(i, j) for i, row in enumerate(gold) for j, v in enumerate(row) if v.isalpha()]
    raise ValueError(task)


def write_mini_data(root: Path, records: Dict[Tuple[str, str], List[dict]], answers: Dict[str, list]) -> Path:
    """A small LR²Bench-shaped folder under ``root`` (for CLI tests)."""
    import json

    from fastback.lr2bench.data import TASKS

    for (task, level), rows in records.items():
        folder = root / TASKS[task][0] / level
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (root / "answer.json").write_text(json.dumps(answers), encoding="utf-8")
    return root
