"""LR²Bench logic-grid puzzles: clues to constraints, solved with fastback.csp.

A puzzle (one line of ``2-logic/*/data.jsonl``) lists categories with their
values, the first category ordered (dates, prices, places ...), and numbered
clues. :func:`solve_logic` parses every clue with the templates of
:mod:`fastback.lr2bench.logic_clues`, builds a CSP and returns the grid in the
benchmark's answer format. Clues that fit no template are reported in
``unparsed`` and left out, never guessed; ``solutions`` says whether what was
parsed pins the grid down.

The model (:func:`add_to_model`): one variable per value of every category,
its domain the rows, each row being one value of the first category (so a
first-category value is a constant, its position). The values of a category
sit in different rows (``all_different``). Clues then read directly:
same/different rows are ``==``/``!=``, "before" is ``<`` on rows (the first
category is listed in ascending order), an exact difference is a table of
the row pairs whose quantities differ by it, and "either"/"one ... the
other" are boolean combinations of row equalities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from fastback.lr2bench.logic_clues import (
    AllDifferent,
    ClueError,
    Constraint,
    Differ,
    EitherOr,
    Less,
    OneEach,
    Puzzle,
    Ref,
    Same,
    holds,
    parse_clue,
)

__all__ = [
    "LogicSolution",
    "solve_logic",
    "parse_record",
    "add_to_model",
    "parse_clue",
    "Puzzle",
    "ClueError",
]


@dataclass
class LogicSolution:
    """What :func:`solve_logic` found for one puzzle.

    ``rows``: the grid in the benchmark's answer format, one dict per row
    keyed by category name, rows in the first category's listed order; one
    solution of the parsed clues (the only one when ``solutions == 1``), None
    when they have none. ``unparsed``: (clue id, text) of the clues no
    template fits, left out of the model. ``solutions``: how many grids the
    parsed clues allow, counted up to 2. ``constraints``: (clue id,
    constraint) for every parsed clue, for inspection and checking.
    """

    rows: Optional[List[Dict[str, str]]]
    unparsed: List[Tuple[str, str]] = field(default_factory=list)
    solutions: int = 0
    constraints: List[Tuple[str, Constraint]] = field(default_factory=list)


def _check_record(record: Any) -> Tuple[str, Dict[str, List[str]], Dict[str, str]]:
    """The tag, value lists and clues of a data.jsonl record; ValueError
    naming what is missing or malformed."""
    if not isinstance(record, Mapping):
        raise ValueError(f"logic record: expected a dict, got {type(record).__name__}")
    tag = str(record.get("tag", "?"))
    where = f"logic record {tag!r}"
    for key in ("value", "clue"):
        if key not in record:
            raise ValueError(f"{where}: missing {key!r}")
    values, clues = record["value"], record["clue"]
    if not isinstance(values, Mapping) or not values:
        raise ValueError(f"{where}: 'value' must be a non-empty dict of category -> values")
    for category, vs in values.items():
        if not isinstance(vs, (list, tuple)) or not all(isinstance(v, str) for v in vs):
            raise ValueError(f"{where}: 'value'[{category!r}] must be a list of strings")
    if not isinstance(clues, Mapping):
        raise ValueError(f"{where}: 'clue' must be a dict of clue id -> text")
    for cid, text in clues.items():
        if not isinstance(text, str):
            raise ValueError(f"{where}: clue {cid!r} is not text")
    values_out = {str(c): list(vs) for c, vs in values.items()}
    return tag, values_out, {str(k): v for k, v in clues.items()}


def parse_record(
    record: Mapping[str, Any],
) -> Tuple[Puzzle, List[Tuple[str, Constraint]], List[Tuple[str, str]]]:
    """Parse a data.jsonl record: the puzzle, the (clue id, constraint) pairs
    of the parsed clues, and the (clue id, text) of the unparsed ones.
    Raises ValueError for a malformed record."""
    tag, values, clues = _check_record(record)
    try:
        puzzle = Puzzle(values)
    except ValueError as err:
        raise ValueError(f"logic record {tag!r}: {err}") from None
    parsed: List[Tuple[str, Constraint]] = []
    unparsed: List[Tuple[str, str]] = []
    for cid, text in clues.items():
        try:
            parsed.extend((cid, c) for c in parse_clue(text, puzzle))
        except ClueError:
            unparsed.append((cid, text))
    return puzzle, parsed, unparsed


def add_to_model(
    model: Any, puzzle: Puzzle, constraints: Sequence[Constraint]
) -> Optional[Dict[Ref, Any]]:
    """Post ``puzzle`` and ``constraints`` on ``model`` (a
    :class:`fastback.csp.Model`, or anything with its API) and return the
    variable of every entity, or None when a constraint can be seen to be
    unsatisfiable without search (an exact difference no two rows have)."""
    n = puzzle.size
    var: Dict[Ref, Any] = {}
    for row, value in enumerate(puzzle.values[puzzle.first]):
        var[Ref(puzzle.first, value)] = model.int_var(row, row, f"{puzzle.first}={value}")
    for category in puzzle.categories[1:]:
        column = [model.int_var(0, n - 1, f"{category}={v}") for v in puzzle.values[category]]
        var.update(zip((Ref(category, v) for v in puzzle.values[category]), column))
        model.all_different(column)
    for c in constraints:
        if isinstance(c, Same):
            model.add(var[c.a] == var[c.b])
        elif isinstance(c, Differ):
            model.add(var[c.a] != var[c.b])
        elif isinstance(c, Less) and c.gap is None:
            model.add(var[c.a] < var[c.b])
        elif isinstance(c, Less):
            measure = puzzle.measure(c.unit)
            pairs = [(i, j) for i in range(n) for j in range(n) if measure[j] - measure[i] == c.gap]
            if not pairs:
                return None
            model.table([var[c.a], var[c.b]], pairs)
        elif isinstance(c, EitherOr):
            s, f, g = var[c.subject], var[c.first], var[c.second]
            model.add(((s == f) & (s != g)) | ((s != f) & (s == g)))
        elif isinstance(c, OneEach):
            a, b, p, q = var[c.a], var[c.b], var[c.p], var[c.q]
            model.add(a != b)
            model.add(((a == p) & (b == q)) | ((a == q) & (b == p)))
        elif isinstance(c, AllDifferent):
            model.all_different([var[r] for r in c.refs])
        else:
            raise TypeError(f"not a constraint: {c!r}")
    return var


def solve_logic(record: Mapping[str, Any]) -> LogicSolution:
    """Solve one LR²Bench logic puzzle (a parsed line of data.jsonl: keys
    ``tag``, ``value`` {category: [values]}, ``clue`` {id: text}).

    Returns a :class:`LogicSolution`; raises ValueError when the record is
    malformed (the message names what is missing). Cost: parsing is linear in
    the clue text; the search runs in fastback.csp's engine, milliseconds for
    the benchmark's 4x7 grids.
    """
    puzzle, parsed, unparsed = parse_record(record)
    from fastback.csp import Model  # imported here so that parsing never needs the engine

    model = Model()
    var = add_to_model(model, puzzle, [c for _, c in parsed])
    if var is None:
        return LogicSolution(None, unparsed, 0, parsed)
    found = list(model.solutions(limit=2))
    if not found:
        return LogicSolution(None, unparsed, 0, parsed)
    first = found[0]
    rows_of = {ref: int(first[v]) for ref, v in var.items()}
    for cid, c in parsed:  # the engine's answer, checked against the clues as read
        if not holds(c, rows_of, puzzle):
            raise RuntimeError(f"csp solution breaks clue {cid} ({c}); model and IR disagree")
    grid: List[Dict[str, str]] = [{} for _ in range(puzzle.size)]
    for category in puzzle.categories:
        for value in puzzle.values[category]:
            grid[rows_of[Ref(category, value)]][category] = value
    return LogicSolution(grid, unparsed, len(found), parsed)
