"""LR²Bench loaders: every level parses, the typed structure agrees with the
gold answers (checked independently: crossword entries cross consistently,
acrostic numbers cover the quotation, drop-quote columns hold the gold
letters), and bad data is reported with file and line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fastback.lr2bench import (LEVELS, TASKS, Acrostic, Crossword, Cryptogram, DataNotFoundError, DropQuote,
                               LogicGrid, LR2BenchError, Sudoku, data_root, load, load_answers)
from fastback.lr2bench.puzzles import parse_record, quote_words

from lr2bench_helpers import data_root as need_data, write_mini_data

LEVEL_LIST = [(t, lv) for t, levels in LEVELS.items() for lv in levels]


@pytest.fixture(scope="module")
def answers():
    need_data()
    return load_answers()


def test_levels_match_the_benchmark() -> None:
    assert list(TASKS) == ["crossword", "acrostic", "logic", "cryptogram", "sudoku", "drop"]
    assert sum(len(v) for v in LEVELS.values()) == 17


@pytest.mark.parametrize("task,level", LEVEL_LIST)
def test_every_level_loads_and_matches_the_gold_answers(task: str, level: str, answers) -> None:
    puzzles = load(task, level)
    assert len(puzzles) == 50
    assert len({p.tag for p in puzzles}) == 50
    for p in puzzles:
        assert p.level == level and p.raw["tag"] is not None
        gold = answers[task, level, p.tag]
        if isinstance(p, Crossword):
            assert set(gold) == set(p.slots)
            letters = {}
            for sid, slot in p.slots.items():
                assert slot.length == len(gold[sid]) >= 2
                assert f"{slot.clue} ({slot.length})" in p.raw["example_text"]
                for cell, ch in zip(slot.cells, gold[sid]):
                    assert letters.setdefault(cell, ch) == ch  # crossings agree
            open_cells = {(r, c) for r, row in enumerate(p.grid) for c, v in enumerate(row) if v != "#"}
            assert set(letters) == open_cells
        elif isinstance(p, Acrostic):
            assert sorted(int(k) for k in gold) == sorted(p.numbers)
            assert sum(c.letters for c in p.clues.values()) == len(p.numbers)
            assert len(p.hints) == 3
            for label, answer in p.hints.items():
                assert "".join(gold[str(n)] for n in p.clues[label].numbers) == answer
        elif isinstance(p, LogicGrid):
            key = p.key_category
            assert [r[key].lower() for r in gold] == [v.lower() for v in p.categories[key]]
            assert all(list(r) == list(p.categories) for r in gold)
            assert len(p.categories) == int(level.split("_")[0])
            assert len(p.categories[key]) == int(level.split("_")[1])
        elif isinstance(p, Cryptogram):
            assert set(gold) == set(p.letters)
            assert len(p.hints) == 3 and "mapping" in p.raw
        elif isinstance(p, Sudoku):
            assert gold["grid"] == p.grid and p.size == int(level[0])
            assert p.box == ((2, 2) if p.size == 4 else (3, 3))
            assert p.puzzle_string().count(".") == sum(v == 0 for row in p.grid for v in row)
        elif isinstance(p, DropQuote):
            assert len(gold) == len(p.grid)
            for c, letters in enumerate(p.columns):
                column = [gold[r][c] for r in range(len(gold)) if p.grid[r][c].isdigit()]
                assert Counter(column) == Counter(letters)
            assert {cell for cell in p.cells} == {(r, c) for r, row in enumerate(gold)
                                                   for c, v in enumerate(row) if v.isalpha()}
        else:  # pragma: no cover
            pytest.fail(type(p).__name__)


def test_load_without_level_reads_every_level() -> None:
    need_data()
    puzzles = load("acrostic")
    assert [p.level for p in puzzles] == ["easy"] * 50 + ["hard"] * 50


def test_answers_cover_every_puzzle(answers) -> None:
    assert len(answers) == 850
    for task, levels in LEVELS.items():
        assert answers.levels(task) and set(answers.levels(task)) == set(levels)
        for level in levels:
            assert len(answers.tags(task, level)) == 50


def test_quote_words() -> None:
    tokens = "1 2 # 3 ' 4 # 5 - 6 . 7 , # 8".split()
    assert quote_words(tokens) == [[1, 2], [3, "'", 4], [5], [6], [7], [8]]
    assert quote_words(["'", "1", "'"]) == [[1]]


def test_unknown_task_and_level() -> None:
    with pytest.raises(ValueError, match="unknown task"):
        load("chess")
    with pytest.raises(ValueError, match="levels: 5_5, 10_10, 15_15"):
        load("crossword", "3_3")


def test_data_root_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "answer.json").write_text("{}")
    assert data_root(tmp_path) == tmp_path
    monkeypatch.setenv("FASTBACK_LR2BENCH", str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.setenv("FASTBACK_LR2BENCH", str(tmp_path / "nowhere"))
    with pytest.raises(DataNotFoundError, match="FASTBACK_LR2BENCH"):
        data_root()
    with pytest.raises(DataNotFoundError, match="not an LR²Bench data folder"):
        data_root(tmp_path / "nowhere")


def test_data_root_not_found_names_the_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fastback.lr2bench.data as data

    monkeypatch.delenv("FASTBACK_LR2BENCH", raising=False)
    monkeypatch.setattr(data, "_default_candidates", lambda: [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(DataNotFoundError) as info:
        data_root()
    assert "--data DIR" in str(info.value) and str(tmp_path / "b") in str(info.value)


def test_bad_records_name_file_and_line(tmp_path: Path) -> None:
    sudoku = {"tag": "S1", "grid": [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]}
    root = write_mini_data(tmp_path, {("sudoku", "4_4_easy"): [sudoku, {"tag": "S2", "grid": [[1, 2]]}]}, {})
    with pytest.raises(LR2BenchError) as info:
        load("sudoku", "4_4_easy", root)
    err = info.value
    assert err.line == 2 and err.source.endswith("data.jsonl") and "square" in str(err)
    (root / "4-sudoku" / "4_4_easy" / "data.jsonl").write_text(json.dumps(sudoku) + "\n{oops\n")
    with pytest.raises(LR2BenchError, match=r"data.jsonl:2: not JSON"):
        load("sudoku", "4_4_easy", root)


@pytest.mark.parametrize("task,record,message", [
    ("crossword", {"tag": 1, "grid": [["1", "?"], ["?", "#"]], "clue": "ACROSS\n2\nx"}, "no numbered cell"),
    ("crossword", {"tag": 1, "grid": [["1", "?"], ["?", "#"]], "clue": "ACROSS\nnope"}, "expected ACROSS/DOWN"),
    ("crossword", {"tag": 1, "grid": [["1", "X"]], "clue": "ACROSS\n1\nx"}, "not a number"),
    ("acrostic", {"tag": 1, "puzzle": "1 2", "clue": "A\n1 2\nx (1 word, 3 letters)"}, "3 letters but 2"),
    ("acrostic", {"tag": 1, "puzzle": "1 2", "clue": "A\n1\nx (1 word, 1 letter)"}, "in no clue"),
    ("logic", {"tag": 1, "value": {"a": ["x"], "b": ["y", "z"]}, "clue": {}}, "different numbers"),
    ("cryptogram", {"tag": 1, "text": "AB", "hints": ["A is B"]}, "decodes to"),
    ("drop", {"tag": 1, "grid": [["1", "2"]], "candidate": ["A"]}, "1 columns"),
    ("drop", {"tag": 1, "grid": [["1", "2"]], "candidate": ["A", "BC"]}, "2 letters"),
    ("sudoku", {"grid": [[0]]}, "missing field 'tag'"),
])
def test_malformed_records(task: str, record: dict, message: str) -> None:
    level = LEVELS[task][0]
    with pytest.raises(LR2BenchError, match=message) as info:
        parse_record(task, level, record, "x.jsonl", 7)
    assert str(info.value).startswith("x.jsonl:7: ")


def test_small_records_parse() -> None:
    cw = parse_record("crossword", "5_5", {"tag": 9, "grid": [["1", "2"], ["3", "?"]],
                                            "clue": "ACROSS\n1\nFirst\n3\nSecond\nDOWN\n1\nThird\n2\nFourth"})
    assert isinstance(cw, Crossword) and cw.tag == "9"
    assert cw.slots["1-ACROSS"].cells == ((0, 0), (0, 1)) and cw.slots["2-DOWN"].cells == ((0, 1), (1, 1))
    assert [s.id for s in cw.across] == ["1-ACROSS", "3-ACROSS"] and cw.slots["3-ACROSS"].clue == "Second"
    crypto = parse_record("cryptogram", "easy", {"tag": "T", "text": "AB'C BA", "hints": ["a decodes to e."]})
    assert isinstance(crypto, Cryptogram) and crypto.hints == {"A": "E"} and crypto.letters == ["A", "B", "C"]
