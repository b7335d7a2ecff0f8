"""LR²Bench metrics: CR, S-Acc, EM and PM-0.5, without evaluating model text.

What the benchmark defines (its data README): the answer is the last
``<Answer>...</Answer>`` block of the output (``<Mapping>`` for
cryptograms); CR is the share of items with a non-empty extracted answer;
S-Acc the share of subtasks that are right, pooled over a level; EM the
share of items with every subtask right; PM-0.5 the share with at least half
of them right; entries are compared case-insensitively, ignoring spaces. The
benchmark reads the block with ``eval``; here it goes through
:func:`fastback.lr2bench.literal.parse_literal`, which executes nothing and
has depth and size limits.

Where the README leaves a detail open, this module decides as follows (each
choice follows what the prompts in ``prompt.json`` ask the model for):

- **Blocks.** The last *complete* block counts: the text between the last
  closing tag and the last opening tag before it. Tag names match
  case-insensitively (``<answer>`` too). A block that is only whitespace is
  no answer (it does not count for CR). Inside the block, a Markdown code
  fence (```json ... ```) is removed; if the block is not a literal as a
  whole, the first ``{``/``[`` value in it is tried (prose around the
  JSON). An answer that is extracted but does not parse counts for CR and
  gets no subtask right.
- **Cryptograms.** The prompt asks for the substitution in ``<Mapping>``
  and the decoded quote in ``<Answer>``; the gold answer is the mapping, and
  the benchmark's submissions carry the ``<Mapping>`` block, so only that
  block is scored. The ``<Answer>`` quote is ignored (a correct quote with
  no mapping scores nothing, as in the benchmark). A subtask is one cipher
  letter of the gold mapping; keys are compared in upper case.
- **Crosswords.** A subtask is one entry of the gold answer. The prompt
  writes keys as ``"1-Across"``; ``answer.json`` as ``"1-ACROSS"``. Keys
  match case-insensitively and also as ``"1 Across"``, ``"1A"``,
  ``"Across 1"``; a model's nesting ``{"Across": {"1": ...}, "Down": ...}``
  is flattened. Other keys are ignored.
- **Acrostics.** A subtask is one grid number of the gold mapping; keys
  match as integers (``'7'``, ``7`` and ``' 7 '`` are one key).
- **Logic grids.** The prompt hands the model a template whose rows already
  hold the values of the first category (the key category), sorted, and
  asks it to fill the rest. A subtask is one filled attribute: (rows) x
  (categories - 1). Each gold row is matched to the predicted row whose key
  category has the same value (compared like entries; the first such row);
  category names match case-insensitively ignoring spaces. A row the model
  omitted, or whose key value it changed, gets its attributes wrong.
- **Sudoku.** A subtask is one cell that was empty in the puzzle; the
  prediction must be a list of rows. Cells compare as text, so ``5``,
  ``"5"`` and ``5.0`` are the same.
- **Drop quotes.** A subtask is one letter cell: a cell of the gold grid
  holding a letter (exactly the cells the puzzle numbers). ``#`` and the
  punctuation the puzzle already shows are not subtasks.
- **Entries** compare after removing all whitespace and case-folding;
  ``None``, booleans and containers never equal a gold entry.
- **Items per level.** A level that appears in the predictions is scored
  over all its gold items; an item with no prediction counts as no answer
  (``missing`` says how many). ``partial=True`` (``--partial``) scores only
  the items present. Task averages are the unweighted means of the level
  figures (all levels hold 50 items).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from fastback.lr2bench.data import LEVELS, TASKS, GoldAnswers, LR2BenchError, PathLike
from fastback.lr2bench.literal import LiteralError, parse_literal, parse_literal_prefix

__all__ = ["BLOCK_TAGS", "Prediction", "ItemScore", "LevelScore", "Report",
           "extract_block", "extract_answer", "parse_answer", "count_subtasks",
           "score_item", "score", "read_predictions", "normalize_entry"]

#: The block each task's answer is read from.
BLOCK_TAGS: Dict[str, str] = {task: "Answer" for task in TASKS}
BLOCK_TAGS["cryptogram"] = "Mapping"


@dataclass(frozen=True)
class Prediction:
    """One model (or solver) output for one puzzle."""

    task: str
    level: str
    tag: str
    output: str
    source: str = "<predictions>"
    line: int = 0


# --------------------------------------------------------------------------
# extraction
# --------------------------------------------------------------------------

_TAG_CACHE: Dict[str, "re.Pattern[str]"] = {}


def _tag_pattern(tag: str) -> "re.Pattern[str]":
    pattern = _TAG_CACHE.get(tag)
    if pattern is None:
        pattern = re.compile(r"<(/?)" + re.escape(tag) + r">", re.IGNORECASE)
        _TAG_CACHE[tag] = pattern
    return pattern


def extract_block(text: str, tag: str = "Answer") -> Optional[str]:
    """The content of the last complete ``<tag>...</tag>`` block, or None.

    "Last complete": the last closing tag, and the last opening tag before
    it. Linear in ``len(text)`` whatever the text (no backtracking regex).
    """
    if not isinstance(text, str):
        return None
    last_open = -1
    block: Optional[Tuple[int, int]] = None
    for m in _tag_pattern(tag).finditer(text):
        if m.group(1):
            if last_open >= 0:
                block = (last_open, m.start())
        else:
            last_open = m.end()
    if block is None:
        return None
    return text[block[0]:block[1]]


def extract_answer(task: str, output: str) -> Optional[str]:
    """The stripped answer text of ``output`` for ``task``; None when there
    is no block or it holds only whitespace."""
    block = extract_block(output, BLOCK_TAGS[task])
    if block is None:
        return None
    block = block.strip()
    return block or None


_FENCE = re.compile(r"^```[A-Za-z0-9_+-]*[ \t]*\r?\n?(.*?)\r?\n?```$", re.DOTALL)


def parse_answer(answer: str) -> Any:
    """The literal in an extracted answer, or None when there is none.

    Removes one Markdown code fence, tries the whole text, then the value
    starting at the first ``{`` and at the first ``[``. Never raises for
    any text.
    """
    text = answer.strip()
    m = _FENCE.match(text)
    if m is not None:
        text = m.group(1).strip()
    try:
        return parse_literal(text)
    except LiteralError:
        pass
    starts = sorted(i for i in (text.find("{"), text.find("[")) if i >= 0)
    for start in starts:
        try:
            value, _ = parse_literal_prefix(text, start)
            return value
        except LiteralError:
            continue
    return None


# --------------------------------------------------------------------------
# comparing entries
# --------------------------------------------------------------------------


def normalize_entry(value: Any) -> Optional[str]:
    """The comparable form of one entry: text without whitespace, case-folded;
    integral numbers as integers. None for values that never match."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer():
            value = int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return "".join(value.split()).casefold()
    return None


def _same(predicted: Any, gold: Any) -> bool:
    p = normalize_entry(predicted)
    return p is not None and p == normalize_entry(gold)


_KEY_NUMBER_FIRST = re.compile(r"^\s*(\d+)\s*[-_.:\s]?\s*(across|down|a|d)\s*$", re.IGNORECASE)
_KEY_DIRECTION_FIRST = re.compile(r"^\s*(across|down)\s*[-_.:\s]?\s*(\d+)\s*$", re.IGNORECASE)


def _crossword_key(key: Any) -> Optional[str]:
    if not isinstance(key, str):
        return None
    m = _KEY_NUMBER_FIRST.match(key)
    if m is not None:
        number, direction = m.group(1), m.group(2)
    else:
        m = _KEY_DIRECTION_FIRST.match(key)
        if m is None:
            return None
        direction, number = m.group(1), m.group(2)
    direction = "ACROSS" if direction.upper().startswith("A") else "DOWN"
    return f"{int(number)}-{direction}"


def _crossword_entries(predicted: Any) -> Dict[str, Any]:
    entries: Dict[str, Any] = {}
    if not isinstance(predicted, dict):
        return entries
    for key, value in predicted.items():
        if isinstance(key, str) and key.strip().upper() in ("ACROSS", "DOWN") and isinstance(value, dict):
            direction = key.strip().upper()
            for number, word in value.items():
                n = str(number).strip()
                if n.isdigit():
                    entries[f"{int(n)}-{direction}"] = word
            continue
        norm = _crossword_key(key)
        if norm is not None:
            entries[norm] = value
    return entries


def _int_key(key: Any) -> Optional[int]:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.strip().isdigit():
        return int(key.strip())
    return None


def _category(name: Any) -> Optional[str]:
    return "".join(name.split()).casefold() if isinstance(name, str) else None


def count_subtasks(task: str, gold: Any, predicted: Any) -> Tuple[int, int]:
    """(right, total) subtasks of one item; ``predicted`` is the parsed
    answer (any value, None when nothing parsed). ``total`` depends on the
    gold answer only."""
    if task == "crossword":
        entries = _crossword_entries(predicted)
        right = sum(_same(entries.get(_crossword_key(k) or k), v) for k, v in gold.items())
        return right, len(gold)
    if task == "acrostic":
        letters: Dict[int, Any] = {}
        if isinstance(predicted, dict):
            for k, v in predicted.items():
                n = _int_key(k)
                if n is not None:
                    letters[n] = v
        right = sum(_same(letters.get(int(k)), v) for k, v in gold.items())
        return right, len(gold)
    if task == "cryptogram":
        mapping: Dict[str, Any] = {}
        if isinstance(predicted, dict):
            for k, v in predicted.items():
                if isinstance(k, str) and k.strip():
                    mapping["".join(k.split()).upper()] = v
        right = sum(_same(mapping.get(k.upper()), v) for k, v in gold.items())
        return right, len(gold)
    if task == "logic":
        return _logic_subtasks(gold, predicted)
    if task == "sudoku":
        grid, solution = gold["grid"], gold["answer"]
        empty = [(i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v == 0]
        right = sum(_same(_cell(predicted, i, j), solution[i][j]) for i, j in empty)
        return right, len(empty)
    if task == "drop":
        cells = [(i, j) for i, row in enumerate(gold) for j, v in enumerate(row)
                 if isinstance(v, str) and v.isalpha()]
        right = sum(_same(_cell(predicted, i, j), gold[i][j]) for i, j in cells)
        return right, len(cells)
    raise ValueError(f"unknown task {task!r}")


def _cell(grid: Any, i: int, j: int) -> Any:
    if not isinstance(grid, (list, tuple)) or i >= len(grid):
        return None
    row = grid[i]
    if not isinstance(row, (list, tuple)) or j >= len(row):
        return None
    return row[j]


def _logic_subtasks(gold: List[Dict[str, Any]], predicted: Any) -> Tuple[int, int]:
    categories = list(gold[0])
    key = categories[0]
    others = categories[1:]
    total = len(gold) * len(others)
    if not isinstance(predicted, (list, tuple)):
        return 0, total
    rows: Dict[str, Dict[Optional[str], Any]] = {}
    for row in predicted:
        if not isinstance(row, dict):
            continue
        normalized = {_category(k): v for k, v in row.items()}
        value = normalize_entry(normalized.get(_category(key)))
        if value is not None and value not in rows:
            rows[value] = normalized
    right = 0
    for gold_row in gold:
        match = rows.get(normalize_entry(gold_row[key]) or "")
        if match is None:
            continue
        right += sum(_same(match.get(_category(c)), gold_row[c]) for c in others)
    return right, total


# --------------------------------------------------------------------------
# scores
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    task: str
    level: str
    tag: str
    answered: bool  # a non-empty answer was extracted (CR)
    right: int
    total: int
    missing: bool = False  # no prediction for this item

    @property
    def exact(self) -> bool:
        return self.total > 0 and self.right == self.total

    @property
    def half(self) -> bool:
        return self.total > 0 and 2 * self.right >= self.total


def score_item(task: str, gold: Any, output: Optional[str], level: str = "", tag: str = "") -> ItemScore:
    """The score of one output (None: no prediction) against its gold answer."""
    answer = extract_answer(task, output) if output is not None else None
    parsed = parse_answer(answer) if answer is not None else None
    right, total = count_subtasks(task, gold, parsed)
    return ItemScore(task, level, tag, answer is not None, right, total, output is None)


@dataclass(frozen=True)
class LevelScore:
    """Metrics of one level, as fractions in [0, 1]."""

    task: str
    level: str
    n: int
    cr: float
    s_acc: float
    em: float
    pm05: float
    right: int
    total: int
    missing: int


def _level_score(task: str, level: str, items: Sequence[ItemScore]) -> LevelScore:
    n = len(items)
    right = sum(i.right for i in items)
    total = sum(i.total for i in items)

    def share(count: int) -> float:
        return count / n if n else 0.0

    return LevelScore(task, level, n,
                      share(sum(i.answered for i in items)),
                      right / total if total else 0.0,
                      share(sum(i.exact for i in items)),
                      share(sum(i.half for i in items)),
                      right, total, sum(i.missing for i in items))


@dataclass
class Report:
    levels: List[LevelScore]
    items: List[ItemScore] = field(repr=False)

    def task_averages(self) -> Dict[str, Dict[str, float]]:
        """task -> unweighted mean over its scored levels of cr, s_acc, em, pm05."""
        out: Dict[str, Dict[str, float]] = {}
        for task in TASKS:
            rows = [lv for lv in self.levels if lv.task == task]
            if rows:
                out[task] = {m: sum(getattr(r, m) for r in rows) / len(rows)
                             for m in ("cr", "s_acc", "em", "pm05")}
        return out

    def level(self, task: str, level: str) -> LevelScore:
        for lv in self.levels:
            if lv.task == task and lv.level == level:
                return lv
        raise KeyError((task, level))

    def to_json(self) -> Dict[str, Any]:
        averages = self.task_averages()
        result: Dict[str, Any] = {"levels": [asdict(lv) for lv in self.levels], "tasks": averages}
        if len(averages) > 1:
            result["average"] = {m: sum(a[m] for a in averages.values()) / len(averages)
                                 for m in ("cr", "s_acc", "em", "pm05")}
        return result

    def table(self) -> str:
        """A text table: one row per level, one average row per task (in %)."""
        head = f"{'task':<11} {'level':<9} {'n':>4} {'CR':>6} {'S-Acc':>6} {'EM':>6} {'PM-0.5':>7}"
        lines = [head, "-" * len(head)]
        averages = self.task_averages()
        for task in TASKS:
            rows = [lv for lv in self.levels if lv.task == task]
            for r in rows:
                note = f"  ({r.missing} missing)" if r.missing else ""
                lines.append(f"{task:<11} {r.level:<9} {r.n:>4} {100 * r.cr:>6.1f} {100 * r.s_acc:>6.1f} "
                             f"{100 * r.em:>6.1f} {100 * r.pm05:>7.1f}{note}")
            if rows:
                a = averages[task]
                lines.append(f"{task:<11} {'average':<9} {'':>4} {100 * a['cr']:>6.1f} "
                             f"{100 * a['s_acc']:>6.1f} {100 * a['em']:>6.1f} {100 * a['pm05']:>7.1f}")
        if len(averages) > 1:
            m = self.to_json()["average"]
            lines.append("-" * len(head))
            lines.append(f"{'all tasks':<11} {'average':<9} {'':>4} {100 * m['cr']:>6.1f} "
                         f"{100 * m['s_acc']:>6.1f} {100 * m['em']:>6.1f} {100 * m['pm05']:>7.1f}")
        return "\n".join(lines)


def score(predictions: Iterable[Prediction], answers: GoldAnswers, partial: bool = False) -> Report:
    """Scores ``predictions`` against ``answers``.

    Every level that has a prediction is scored over all its gold items
    (missing items count as no answer) unless ``partial``. Raises
    :class:`~fastback.lr2bench.data.LR2BenchError` (source and line of the
    record) for an unknown task, level or tag and for a second prediction of
    the same item.
    """
    outputs: Dict[Tuple[str, str, str], str] = {}
    seen_at: Dict[Tuple[str, str, str], Tuple[str, int]] = {}
    order: List[Tuple[str, str]] = []
    for p in predictions:
        if p.task not in TASKS:
            raise LR2BenchError(p.source, p.line, f"unknown task {p.task!r}; tasks: {', '.join(TASKS)}")
        if p.level not in LEVELS[p.task]:
            raise LR2BenchError(p.source, p.line, f"unknown level {p.level!r} for {p.task}; "
                                                  f"levels: {', '.join(LEVELS[p.task])}")
        key = (p.task, p.level, p.tag)
        if key not in answers:
            raise LR2BenchError(p.source, p.line, f"no gold answer for {p.task} {p.level} tag {p.tag!r}")
        if key in seen_at:
            src, line = seen_at[key]
            raise LR2BenchError(p.source, p.line, f"second prediction for {p.task} {p.level} tag {p.tag!r} "
                                                  f"(first at line {line})")
        seen_at[key] = (p.source, p.line)
        outputs[key] = p.output
        if (p.task, p.level) not in order:
            order.append((p.task, p.level))
    levels: List[LevelScore] = []
    items: List[ItemScore] = []
    for task in TASKS:
        for level in LEVELS[task]:
            if (task, level) not in order:
                continue
            level_items = []
            for tag in answers.tags(task, level):
                key = (task, level, tag)
                if partial and key not in outputs:
                    continue
                level_items.append(score_item(task, answers[key], outputs.get(key), level, tag))
            items.extend(level_items)
            levels.append(_level_score(task, level, level_items))
    return Report(levels, items)


def read_predictions(path: PathLike) -> List[Prediction]:
    """Reads a JSONL file of ``{"task", "level", "tag", "output"}`` records
    (``response`` is accepted for ``output``, as the benchmark names it).
    Blank lines are skipped. Raises
    :class:`~fastback.lr2bench.data.LR2BenchError` with the file and line.
    """
    source = str(path)
    out: List[Prediction] = []
    try:
        handle = open(Path(path), encoding="utf-8")
    except OSError as e:
        raise LR2BenchError(source, 0, e.strerror or str(e)) from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    out.append(_prediction(line, source, number))
        except UnicodeDecodeError as e:
            raise LR2BenchError(source, 0, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    return out


def _prediction(line: str, source: str, number: int) -> Prediction:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as e:
        message = f"not JSON: {e.msg} (column {e.colno})" if isinstance(e, json.JSONDecodeError) \
            else "not JSON: nested too deeply"
        raise LR2BenchError(source, number, message) from None
    if not isinstance(record, dict):
        raise LR2BenchError(source, number, "expected a JSON object")
    for name in ("task", "level", "tag"):
        if name not in record:
            raise LR2BenchError(source, number, f"missing field {name!r}")
    output: Union[str, None] = record.get("output", record.get("response"))
    if output is None:
        raise LR2BenchError(source, number, "missing field 'output' (or 'response')")
    if not isinstance(output, str):
        raise LR2BenchError(source, number, "field 'output' should be a string")
    return Prediction(str(record["task"]), str(record["level"]), str(record["tag"]), output, source, number)
