"""LR²Bench scoring: gold answers written as a model would score 100%,
perturbed answers score exactly what an independent count says, the
documented extraction and matching rules hold, and hostile or garbage
outputs score 0 without raising."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastback.lr2bench import LEVELS, LR2BenchError, load_answers
from fastback.lr2bench.data import GoldAnswers
from fastback.lr2bench.render import render_answer, render_cryptogram, render_grid
from fastback.lr2bench.scoring import (Prediction, count_subtasks, extract_answer, extract_block, parse_answer,
                                       read_predictions, score, score_item)

from lr2bench_helpers import count_right, data_root, subtask_slots

LEVEL_LIST = [(t, lv) for t, levels in LEVELS.items() for lv in levels]


@pytest.fixture(scope="module")
def answers() -> GoldAnswers:
    data_root()
    return load_answers()


def predictions_for(answers: GoldAnswers, task: str, level: str, make) -> List[Prediction]:
    return [Prediction(task, level, tag, make(answers[task, level, tag])) for tag in answers.tags(task, level)]


@pytest.mark.parametrize("task,level", LEVEL_LIST)
def test_gold_answers_score_100(task: str, level: str, answers: GoldAnswers) -> None:
    report = score(predictions_for(answers, task, level, lambda g: render_answer(task, g)), answers)
    lv = report.level(task, level)
    assert (lv.n, lv.cr, lv.s_acc, lv.em, lv.pm05, lv.missing) == (50, 1.0, 1.0, 1.0, 1.0, 0)
    assert lv.right == lv.total > 0


def perturb(task: str, gold: Any, rng: random.Random) -> Any:
    """A copy of ``gold`` with a random share of its subtasks made wrong."""
    wrong = copy.deepcopy(gold)
    slots = subtask_slots(task, gold)
    share = rng.choice([0.0, 0.1, 0.5, 0.49, 0.51, 1.0, rng.random()])
    for slot in rng.sample(slots, int(round(share * len(slots)))):
        if task in ("crossword", "acrostic", "cryptogram"):
            (k,) = slot
            wrong[k] = "Q" if gold[k] != "Q" else "Z"
            if task == "crossword":
                wrong[k] = gold[k][:-1] + ("Q" if gold[k][-1] != "Q" else "Z")
        elif task == "logic":
            r, c = slot
            wrong[r][c] = wrong[r][c] + " not"
        elif task == "sudoku":
            i, j = slot
            wrong["answer"][i][j] = gold["answer"][i][j] % 9 + 1 if len(gold["grid"]) == 9 else \
                gold["answer"][i][j] % 4 + 1
        elif task == "drop":
            i, j = slot
            wrong[i][j] = "Q" if gold[i][j] != "Q" else "Z"
    return wrong


@pytest.mark.parametrize("task,level", LEVEL_LIST)
def test_perturbed_answers_score_the_independent_count(task: str, level: str, answers: GoldAnswers) -> None:
    rng = random.Random(f"{task}/{level}")
    preds, expected = [], []
    for tag in answers.tags(task, level):
        gold = answers[task, level, tag]
        wrong = perturb(task, gold, rng)
        right, total = count_right(task, gold, wrong["answer"] if task == "sudoku" else wrong)
        expected.append((right, total))
        preds.append(Prediction(task, level, tag, render_answer(task, wrong)))
    lv = score(preds, answers).level(task, level)
    assert lv.right == sum(r for r, _ in expected) and lv.total == sum(t for _, t in expected)
    assert lv.s_acc == pytest.approx(lv.right / lv.total)
    assert lv.em == sum(r == t for r, t in expected) / 50
    assert lv.pm05 == sum(2 * r >= t for r, t in expected) / 50
    assert lv.cr == 1.0


# -- extraction --------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("<Answer>a</Answer> then <Answer>b</Answer>", "b"),
    ("<Answer>a</Answer> and later <Answer>unclosed", "a"),
    ("<answer>x</ANSWER>", "x"),
    ("use <Answer> and </Answer> tags: <Answer>\n[1]\n</Answer> done", "\n[1]\n"),
    ("no tags", None), ("</Answer><Answer>", None), ("", None),
])
def test_extract_block(text: str, expected: Any) -> None:
    assert extract_block(text) == expected


def test_blank_block_is_no_answer() -> None:
    assert extract_answer("crossword", "<Answer>  \n </Answer>") is None
    assert extract_answer("crossword", "<Answer> {} </Answer>") == "{}"


@pytest.mark.parametrize("text,expected", [
    ('```json\n{"a": 1}\n```', {"a": 1}),
    ("The grid is:\n[[1, 2], [3, 4]]\nas required.", [[1, 2], [3, 4]]),
    ("{'1': 'A',}", {"1": "A"}),
    ("Well done is better than well said.", None),
    ("{not: a literal} [1, 2]", [1, 2]),
])
def test_parse_answer(text: str, expected: Any) -> None:
    assert parse_answer(text) == expected


def test_cryptogram_scores_the_mapping_block_only() -> None:
    gold = {"A": "T", "B": "H"}
    both = render_cryptogram({"A": "T", "B": "H"}, "TH")
    assert score_item("cryptogram", gold, both).exact
    answer_only = "<Answer>\nTH\n</Answer>"
    item = score_item("cryptogram", gold, answer_only)
    assert not item.answered and item.right == 0
    lower = "<Mapping>{'a': 't', ' b ': 'h'}</Mapping>"
    assert score_item("cryptogram", gold, lower).exact


# -- matching rules ------------------------------------------------------------


def test_crossword_keys() -> None:
    gold = {"1-ACROSS": "AVA", "4-ACROSS": "STORM", "1-DOWN": "ATONE", "2-DOWN": "VODKA"}
    pred = {"1-Across": "ava", "4A": "S T O R M", "Down 1": "ATONE", "2 down": "VODKAS", "junk": "X"}
    assert count_subtasks("crossword", gold, pred) == (3, 4)
    nested = {"Across": {"1": "AVA", "4": "STORM"}, "Down": {"1": "ATONE", "2": "VODKA"}}
    assert count_subtasks("crossword", gold, nested) == (4, 4)
    assert count_subtasks("crossword", gold, ["AVA"]) == (0, 4)


def test_acrostic_keys() -> None:
    gold = {"1": "F", "2": "O", "3": "R"}
    assert count_subtasks("acrostic", gold, {1: "f", " 2 ": "O", "3": "X", "x": "R"}) == (2, 3)


def test_logic_rows_match_on_the_key_category() -> None:
    gold = [{"years": "2006", "owners": "Barbara", "dogs": "Max"},
            {"years": "2007", "owners": "Elsie", "dogs": "Riley"}]
    reordered = [{"Years": "2007", "owners": "elsie", "dogs": "Riley"},
                 {"years": "2006", "OWNERS": "Barbara", "dogs": "Rex"}]
    assert count_subtasks("logic", gold, reordered) == (3, 4)
    key_changed = [{"years": "2008", "owners": "Barbara", "dogs": "Max"}, gold[1]]
    assert count_subtasks("logic", gold, key_changed) == (2, 4)
    assert count_subtasks("logic", gold, {"years": "2006"}) == (0, 4)


def test_sudoku_counts_only_empty_cells() -> None:
    gold = {"grid": [[1, 0], [0, 0]], "answer": [[1, 2], [2, 1]]}
    assert count_subtasks("sudoku", gold, [[9, "2"], [2.0, 1]]) == (3, 3)
    assert count_subtasks("sudoku", gold, [[1, 2]]) == (1, 3)
    assert count_subtasks("sudoku", gold, [[1, 2], [True, 1]]) == (2, 3)


def test_drop_counts_letter_cells() -> None:
    gold = [["I", "#", "A", "M"], ["O", "K", ".", "#"]]
    assert count_subtasks("drop", gold, [["i", "?", "a", "N"], ["O", "K"]]) == (4, 5)


# -- hostile and garbage outputs ------------------------------------------------

HOSTILE = [
    "<Answer>" + "[" * 200_000 + "</Answer>",
    "<Answer>__import__('os').system('echo pwned')</Answer>",
    "<Answer>" * 100_000,
    "<Answer>{'1-Across': " + "9" * 100_000 + "}</Answer>",
    "<Answer>" + "'" + "\\" * 50_001 + "</Answer>",
    "<Answer>\x00\udcff\U0010ffff</Answer>",
    "<Answer>[" + "1," * 200_000 + "]</Answer>",
    "<Mapping>" + "{'A': " * 10_000 + "</Mapping>",
]


@pytest.mark.parametrize("task,level", [(t, levels[0]) for t, levels in LEVELS.items()])
def test_hostile_outputs_score_zero(task: str, level: str, answers: GoldAnswers) -> None:
    tag = answers.tags(task, level)[0]
    gold = answers[task, level, tag]
    for text in HOSTILE:
        item = score_item(task, gold, text)
        assert item.right == 0 and not item.exact


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.sampled_from(sorted(LEVELS)))
def test_garbage_never_raises(text: str, task: str) -> None:
    gold = {"crossword": {"1-ACROSS": "AB"}, "acrostic": {"1": "A"}, "cryptogram": {"A": "B"},
            "logic": [{"k": "1", "v": "x"}], "sudoku": {"grid": [[0]], "answer": [[1]]}, "drop": [["A"]]}[task]
    wrapped = f"<{'Mapping' if task == 'cryptogram' else 'Answer'}>{text}</{'Mapping' if task == 'cryptogram' else 'Answer'}>"
    for output in (text, wrapped):
        item = score_item(task, gold, output)
        assert 0 <= item.right <= item.total


# -- reports, files and errors ---------------------------------------------------


def test_missing_items_count_as_unanswered(answers: GoldAnswers) -> None:
    tags = answers.tags("drop", "easy")
    preds = [Prediction("drop", "easy", t, render_answer("drop", answers["drop", "easy", t])) for t in tags[:10]]
    full = score(preds, answers).level("drop", "easy")
    assert (full.n, full.missing, full.em, full.cr) == (50, 40, 0.2, 0.2)
    partial = score(preds, answers, partial=True).level("drop", "easy")
    assert (partial.n, partial.missing, partial.em) == (10, 0, 1.0)


def test_report_averages_and_table(answers: GoldAnswers) -> None:
    preds = predictions_for(answers, "sudoku", "4_4_easy", lambda g: render_grid(g["answer"]))
    preds += predictions_for(answers, "sudoku", "9_9_hard", lambda g: "no idea")
    report = score(preds, answers)
    assert report.task_averages()["sudoku"] == {"cr": 0.5, "s_acc": 0.5, "em": 0.5, "pm05": 0.5}
    table = report.table()
    assert "sudoku      4_4_easy    50  100.0  100.0  100.0   100.0" in table
    assert "sudoku      average          50.0   50.0   50.0    50.0" in table
    assert json.loads(json.dumps(report.to_json()))["tasks"]["sudoku"]["em"] == 0.5


def write_jsonl(path: Path, rows: List[Dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_read_predictions_accepts_response(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [{"task": "drop", "level": "easy", "tag": 0, "response": "x"}])
    (p,) = read_predictions(path)
    assert (p.task, p.level, p.tag, p.output, p.line) == ("drop", "easy", "0", "x", 1)


@pytest.mark.parametrize("lines,message", [
    (['{"task": "drop"'], "p.jsonl:1: not JSON"),
    (["[1]"], "p.jsonl:1: expected a JSON object"),
    (['{"task": "drop", "level": "easy", "tag": 0}'], "p.jsonl:1: missing field 'output'"),
    (["", '{"level": "easy", "tag": 0, "output": ""}'], "p.jsonl:2: missing field 'task'"),
    (['{"task": "drop", "level": "easy", "tag": 0, "output": 5}'], "should be a string"),
])
def test_read_predictions_errors(tmp_path: Path, lines: List[str], message: str) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LR2BenchError, match=message):
        read_predictions(path)


@pytest.mark.parametrize("record,message", [
    ({"task": "chess", "level": "easy", "tag": "0", "output": ""}, "p.jsonl:2: unknown task 'chess'"),
    ({"task": "drop", "level": "medium", "tag": "0", "output": ""}, "p.jsonl:2: unknown level 'medium'"),
    ({"task": "drop", "level": "easy", "tag": "999", "output": ""}, "p.jsonl:2: no gold answer"),
    ({"task": "drop", "level": "easy", "tag": "0", "output": ""}, "p.jsonl:2: second prediction .*line 1"),
])
def test_score_errors_name_the_line(tmp_path: Path, answers: GoldAnswers, record: Dict[str, str],
                                    message: str) -> None:
    first = {"task": "drop", "level": "easy", "tag": "0", "output": ""}
    path = write_jsonl(tmp_path / "p.jsonl", [first, record])
    with pytest.raises(LR2BenchError, match=message):
        score(read_predictions(path), answers)


def test_unreadable_predictions(tmp_path: Path) -> None:
    with pytest.raises(LR2BenchError, match="nope.jsonl"):
        read_predictions(tmp_path / "nope.jsonl")
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(b'{"task": "\xff"}\n')
    with pytest.raises(LR2BenchError, match="not UTF-8"):
        read_predictions(bad)
