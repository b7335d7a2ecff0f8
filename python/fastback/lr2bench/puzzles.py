"""Typed LR²Bench puzzles, parsed from the raw ``data.jsonl`` records.

One dataclass per task. Each keeps the record it came from in ``.raw`` and
adds the structure a solver or a scorer needs:

- :class:`Crossword`: the grid and one :class:`Slot` per clue, keyed
  ``"1-ACROSS"`` / ``"1-DOWN"`` as in ``answer.json``, with the clue text,
  the length and the cells, read from the numbered grid (a slot starts at a
  numbered cell and runs to a ``#`` or the edge) and checked against the
  clue list.
- :class:`Acrostic`: the quotation as grid numbers, split into words, and
  one :class:`AcrosticClue` per letter label (A, B, ...) with the grid
  numbers its answer's letters go to; the three answers the puzzle gives
  away (``hint``) as ``label -> answer``.
- :class:`LogicGrid`: categories with their values, the clues, and the key
  category (the first, whose values fix the rows of the answer template).
- :class:`Cryptogram`: the ciphertext, the author and the hints as
  ``cipher letter -> plain letter``.
- :class:`Sudoku`: the grid (0 = empty), its size and box shape.
- :class:`DropQuote`: the grid (numbers mark letter cells, ``#`` blanks,
  punctuation stays) and the letters that drop into each column.

Two records carry their own solution: cryptograms (``mapping``) and drop
quotes (``answer``, the plain quotation). Those fields stay in ``.raw`` only
and no solver in this package reads them.

Malformed records raise :class:`~fastback.lr2bench.data.LR2BenchError` with
the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from fastback.lr2bench.data import LR2BenchError, PathLike, check_task_level, read_records, task_dir

__all__ = ["Cell", "Slot", "Crossword", "AcrosticClue", "Acrostic", "LogicGrid",
           "Cryptogram", "Sudoku", "DropQuote", "Puzzle", "load", "parse_record",
           "quote_words"]

#: (row, column), 0-based.
Cell = Tuple[int, int]


@dataclass(frozen=True)
class Slot:
    """One crossword entry: ``id`` is ``"<number>-ACROSS"`` or ``"<number>-DOWN"``."""

    id: str
    number: int
    direction: str  # "ACROSS" or "DOWN"
    clue: str
    cells: Tuple[Cell, ...]

    @property
    def length(self) -> int:
        return len(self.cells)


@dataclass(frozen=True)
class Crossword:
    tag: str
    level: str
    grid: List[List[str]]
    slots: Dict[str, Slot]
    raw: Dict[str, Any] = field(repr=False, compare=False)
    task = "crossword"

    @property
    def across(self) -> List[Slot]:
        return [s for s in self.slots.values() if s.direction == "ACROSS"]

    @property
    def down(self) -> List[Slot]:
        return [s for s in self.slots.values() if s.direction == "DOWN"]


@dataclass(frozen=True)
class AcrosticClue:
    """``numbers[i]`` is the grid number that the answer's i-th letter fills."""

    label: str
    numbers: Tuple[int, ...]
    clue: str
    words: int
    letters: int


@dataclass(frozen=True)
class Acrostic:
    tag: str
    level: str
    tokens: List[str]  # the puzzle line split on spaces: numbers, '#', punctuation
    clues: Dict[str, AcrosticClue]
    hints: Dict[str, str]  # clue label -> the answer the puzzle gives
    raw: Dict[str, Any] = field(repr=False, compare=False)
    task = "acrostic"

    @property
    def numbers(self) -> List[int]:
        """Every grid number, in quotation order."""
        return [int(t) for t in self.tokens if t.isdigit()]

    @property
    def words(self) -> List[List[Union[int, str]]]:
        """The quotation's words as grid numbers (and apostrophes)."""
        return quote_words(self.tokens)


@dataclass(frozen=True)
class LogicGrid:
    tag: str
    level: str
    categories: Dict[str, List[str]]
    clues: Dict[str, str]
    raw: Dict[str, Any] = field(repr=False, compare=False)
    task = "logic"

    @property
    def key_category(self) -> str:
        """The first category; the answer template fixes its value per row."""
        return next(iter(self.categories))


@dataclass(frozen=True)
class Cryptogram:
    tag: str
    level: str
    text: str
    author: str
    hints: Dict[str, str]  # cipher letter -> plain letter
    raw: Dict[str, Any] = field(repr=False, compare=False)
    task = "cryptogram"

    @property
    def letters(self) -> List[str]:
        """The distinct cipher letters, in order of first appearance."""
        return list(dict.fromkeys(c for c in self.text.upper() if "A" <= c <= "Z"))


@dataclass(frozen=True)
class Sudoku:
    tag: str
    level: str
    grid: List[List[int]]
    raw: Dict[str, Any] = field(repr=False, compare=False)
    task = "sudoku"

    @property
    def size(self) -> int:
        return len(self.grid)

    @property
    def box(self) -> Tuple[int, int]:
        """(rows, columns) of a box: 2x2 for 4x4, 3x3 for 9x9."""
        n = self.size
        r = int(round(n ** 0.5))
        while n % r:
            r -= 1
        return r, n // r

    def puzzle_string(self) -> str:
        """Row-major digits, ``.`` for an empty cell (sizes up to 9)."""
        return "".join(str(v) if v else "." for row in self.grid for v in row)


@dataclass(frozen=True)
class DropQuote:
    tag: str
    level: str
    grid: List[List[str]]
    columns: List[List[str]]  # letters that drop into each column, alphabetical
    author: str
    raw: Dict[str, Any] = field(repr=False, compare=False)
    task = "drop"

    @property
    def cells(self) -> List[Cell]:
        """The letter cells (those holding a column number), row-major."""
        return [(r, c) for r, row in enumerate(self.grid) for c, v in enumerate(row) if v.isdigit()]


Puzzle = Union[Crossword, Acrostic, LogicGrid, Cryptogram, Sudoku, DropQuote]

# Separators inside a quotation: '#' and the punctuation that ends a word.
# An apostrophe stays inside its word (IT'S); a hyphen splits (READY-MADE is
# READY and MADE for a word list).
_WORD_BREAKS = set("#.,;:?!-\"()")


def quote_words(tokens: List[str]) -> List[List[Union[int, str]]]:
    """Words of a quotation written as tokens (numbers or letters, ``#``,
    punctuation): each word is its cells in order, with ``"'"`` kept where
    an apostrophe sits inside it."""
    words: List[List[Union[int, str]]] = []
    current: List[Union[int, str]] = []
    for token in tokens:
        if token in _WORD_BREAKS:
            if any(t != "'" for t in current):
                words.append(_strip_apostrophes(current))
            current = []
        elif token == "'":
            current.append("'")
        elif token.isdigit():
            current.append(int(token))
        else:
            current.append(token)
    if any(t != "'" for t in current):
        words.append(_strip_apostrophes(current))
    return words


def _strip_apostrophes(word: List[Union[int, str]]) -> List[Union[int, str]]:
    while word and word[0] == "'":
        word = word[1:]
    while word and word[-1] == "'":
        word = word[:-1]
    return word


class _Bad(Exception):
    pass


def _need(record: Dict[str, Any], key: str, kind: type) -> Any:
    if key not in record:
        raise _Bad(f"missing field {key!r}")
    value = record[key]
    if not isinstance(value, kind):
        raise _Bad(f"field {key!r} should be a {kind.__name__}")
    return value


def _grid_of_str(value: Any, what: str) -> List[List[str]]:
    if not isinstance(value, list) or not value or \
            not all(isinstance(row, list) and row and all(isinstance(c, str) for c in row) for row in value):
        raise _Bad(f"{what} should be a non-empty list of rows of strings")
    width = len(value[0])
    if any(len(row) != width for row in value):
        raise _Bad(f"{what} rows differ in length")
    return [list(row) for row in value]


def _crossword(tag: str, level: str, record: Dict[str, Any]) -> Crossword:
    grid = _grid_of_str(record.get("grid"), "grid")
    clue_text = _need(record, "clue", str)
    height, width = len(grid), len(grid[0])

    def open_cell(r: int, c: int) -> bool:
        return 0 <= r < height and 0 <= c < width and grid[r][c] != "#"

    starts: Dict[int, Cell] = {}
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v.isdigit():
                if int(v) in starts:
                    raise _Bad(f"grid number {v} appears twice")
                starts[int(v)] = (r, c)
            elif v not in ("?", "#"):
                raise _Bad(f"grid cell {v!r} at row {r + 1}, column {c + 1} is not a number, '?' or '#'")

    lines = clue_text.split("\n")
    direction: Optional[str] = None
    slots: Dict[str, Slot] = {}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.upper() in ("ACROSS", "DOWN"):
            direction = line.upper()
            i += 1
            continue
        if not line:
            i += 1
            continue
        if direction is None or not line.isdigit() or i + 1 >= len(lines):
            raise _Bad(f"clue list line {i + 1}: expected ACROSS/DOWN or a clue number, got {line!r}")
        number, clue = int(line), lines[i + 1].strip()
        i += 2
        if number not in starts:
            raise _Bad(f"clue {number}-{direction} has no numbered cell in the grid")
        r, c = starts[number]
        dr, dc = (0, 1) if direction == "ACROSS" else (1, 0)
        if open_cell(r - dr, c - dc):
            raise _Bad(f"clue {number}-{direction} does not start a word in the grid")
        cells: List[Cell] = []
        while open_cell(r, c):
            cells.append((r, c))
            r, c = r + dr, c + dc
        slot_id = f"{number}-{direction}"
        if slot_id in slots:
            raise _Bad(f"clue {slot_id} is listed twice")
        slots[slot_id] = Slot(slot_id, number, direction, clue, tuple(cells))
    if not slots:
        raise _Bad("no clues")
    return Crossword(tag, level, grid, slots, record)


# "(2 words, 11 letters)": the last one in the clue line counts (one record
# reads "... Harry" (1921 words, 10 letters) (2)").
_ACROSTIC_COUNT = re.compile(r"\((\d+)\s+words?,\s*(\d+)\s+letters?\)")


def _acrostic(tag: str, level: str, record: Dict[str, Any]) -> Acrostic:
    tokens = _need(record, "puzzle", str).split()
    numbers = [int(t) for t in tokens if t.isdigit()]
    if len(set(numbers)) != len(numbers):
        raise _Bad("a grid number appears twice in the puzzle")
    lines = [ln.strip() for ln in _need(record, "clue", str).split("\n") if ln.strip()]
    if len(lines) % 3:
        raise _Bad("the clue list is not label / numbers / clue triples")
    clues: Dict[str, AcrosticClue] = {}
    used: Dict[int, str] = {}
    for k in range(0, len(lines), 3):
        label, nums, text = lines[k], lines[k + 1], lines[k + 2]
        if not nums.replace(" ", "").isdigit():
            raise _Bad(f"clue {label}: expected grid numbers, got {nums!r}")
        cells = tuple(int(x) for x in nums.split())
        found = list(_ACROSTIC_COUNT.finditer(text))
        if not found:
            raise _Bad(f"clue {label}: no '(n words, m letters)' in {text!r}")
        m = found[-1]
        words, letters = int(m.group(1)), int(m.group(2))
        if letters != len(cells):
            raise _Bad(f"clue {label}: {letters} letters but {len(cells)} grid numbers")
        for n in cells:
            if n in used:
                raise _Bad(f"grid number {n} is in clues {used[n]} and {label}")
            used[n] = label
        clues[label] = AcrosticClue(label, cells, text[:m.start()].strip(), words, letters)
    missing = set(numbers) - set(used)
    if missing:
        raise _Bad(f"grid numbers in no clue: {sorted(missing)[:10]}")
    hints: Dict[str, str] = {}
    by_text: Dict[str, List[str]] = {}
    for label, clue in clues.items():
        by_text.setdefault(clue.clue, []).append(label)
    for line in str(record.get("hint") or "").split("\n"):
        if not line.strip():
            continue
        text, sep, answer = line.rpartition("\u2014")
        text = text.strip()
        answer = "".join(answer.split()).upper()
        labels = [lb for lb in by_text.get(text, []) if clues[lb].letters == len(answer)]
        if not labels:
            # Two records have a clue text garbled by the letter count ("2
            # words, 11 letters004 Spielberg film" for "2004 Spielberg film"):
            # fall back to the clue of the right length that shares the
            # longest beginning or ending with the hint's text.
            scored = sorted(((_common_affix(text, c.clue), lb) for lb, c in clues.items()
                             if c.letters == len(answer)), reverse=True)
            if scored and scored[0][0] >= max(4, len(text) // 2) and \
                    (len(scored) == 1 or scored[1][0] < scored[0][0]):
                labels = [scored[0][1]]
        if not sep or len(labels) != 1:
            raise _Bad(f"hint {line!r} matches no single clue")
        hints[labels[0]] = answer
    return Acrostic(tag, level, tokens, clues, hints, record)


def _common_affix(a: str, b: str) -> int:
    """The longer of the common prefix and the common suffix of a and b."""
    n = min(len(a), len(b))
    prefix = next((i for i in range(n) if a[i] != b[i]), n)
    suffix = next((i for i in range(n) if a[-1 - i] != b[-1 - i]), n)
    return max(prefix, suffix)


def _logic(tag: str, level: str, record: Dict[str, Any]) -> LogicGrid:
    value = _need(record, "value", dict)
    categories: Dict[str, List[str]] = {}
    for name, items in value.items():
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise _Bad(f"category {name!r} should be a non-empty list of strings")
        categories[str(name)] = list(items)
    sizes = {len(v) for v in categories.values()}
    if len(sizes) != 1:
        raise _Bad("categories have different numbers of values")
    clues = {str(k): str(v) for k, v in _need(record, "clue", dict).items()}
    return LogicGrid(tag, level, categories, clues, record)


_HINT = re.compile(r"^\s*([A-Za-z])\s+decodes\s+to\s+([A-Za-z])\.?\s*$")


def _cryptogram(tag: str, level: str, record: Dict[str, Any]) -> Cryptogram:
    text = _need(record, "text", str)
    hints: Dict[str, str] = {}
    for h in record.get("hints") or []:
        m = _HINT.match(str(h))
        if m is None:
            raise _Bad(f"hint {h!r} is not 'X decodes to Y.'")
        hints[m.group(1).upper()] = m.group(2).upper()
    return Cryptogram(tag, level, text, str(record.get("author", "")), hints, record)


def _sudoku(tag: str, level: str, record: Dict[str, Any]) -> Sudoku:
    grid = record.get("grid")
    if not isinstance(grid, list) or not grid or \
            not all(isinstance(row, list) and len(row) == len(grid) for row in grid):
        raise _Bad("grid should be a square list of rows")
    n = len(grid)
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= n for row in grid for v in row):
        raise _Bad(f"grid values should be integers 0..{n}")
    return Sudoku(tag, level, [list(row) for row in grid], record)


def _drop(tag: str, level: str, record: Dict[str, Any]) -> DropQuote:
    grid = _grid_of_str(record.get("grid"), "grid")
    width = len(grid[0])
    candidate = _need(record, "candidate", list)
    if len(candidate) != width:
        raise _Bad(f"{len(candidate)} columns of letters for a grid {width} wide")
    columns = [sorted(str(s).replace(" ", "").upper()) for s in candidate]
    for c in range(width):
        cells = [r for r in range(len(grid)) if grid[r][c].isdigit()]
        if any(grid[r][c] != str(c + 1) for r in cells):
            raise _Bad(f"column {c + 1} holds a cell numbered for another column")
        if len(cells) != len(columns[c]):
            raise _Bad(f"column {c + 1}: {len(cells)} letter cells but {len(columns[c])} letters")
    return DropQuote(tag, level, grid, columns, str(record.get("author", "")), record)


_PARSERS: Dict[str, Callable[[str, str, Dict[str, Any]], Puzzle]] = {
    "crossword": _crossword, "acrostic": _acrostic, "logic": _logic,
    "cryptogram": _cryptogram, "sudoku": _sudoku, "drop": _drop,
}


def parse_record(task: str, level: str, record: Dict[str, Any], source: str = "<record>",
                 line: int = 0) -> Puzzle:
    """The typed puzzle for one raw record. Raises
    :class:`~fastback.lr2bench.data.LR2BenchError` citing ``source:line``."""
    check_task_level(task, level)
    tag = record.get("tag")
    if tag is None:
        raise LR2BenchError(source, line, "missing field 'tag'")
    try:
        return _PARSERS[task](str(tag), level, record)
    except _Bad as e:
        raise LR2BenchError(source, line, f"{task} {level} {tag}: {e}") from None


def load(task: str, level: Optional[str] = None, root: Optional[PathLike] = None) -> List[Puzzle]:
    """Every puzzle of ``task`` (one ``level``, or all levels in order).

    Errors: ``ValueError`` for an unknown task or level,
    :class:`~fastback.lr2bench.data.DataNotFoundError` for missing data,
    :class:`~fastback.lr2bench.data.LR2BenchError` for a malformed record.
    """
    from fastback.lr2bench.data import LEVELS

    check_task_level(task, level)
    levels = [level] if level is not None else list(LEVELS[task])
    out: List[Puzzle] = []
    for lv in levels:
        source = str(task_dir(task, lv, root) / "data.jsonl")
        for number, record in read_records(task, lv, root):
            out.append(parse_record(task, lv, record, source, number))
    return out
