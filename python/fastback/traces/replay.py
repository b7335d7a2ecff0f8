"""Independent verification of traces: parse the text back and replay it.

Written apart from the Rust renderers on purpose (its own puzzle parser,
candidate computation, arithmetic and expression parser), so that a bug in
the search or the rendering shows up as a failed replay rather than as a
trace that agrees with itself. Every check raises
:class:`~fastback.traces.TraceVerificationError` with the trace line.

What a replay checks, for every format:

- each step is legal on the current state (a Sudoku value is a candidate of
  an empty cell and a fill is forced; a CountDown step combines two
  available numbers under the rules and its arithmetic is right);
- every statement about the state is true (candidate lists, "stuck" cells,
  printed boards, resulting numbers);
- each revert names an open guess, comes right after a dead end or another
  revert, and restores exactly the state before that guess (it undoes
  everything after the guess and nothing else);
- the end state is a solution that satisfies every constraint, equals the
  answer the trace prints and the recorded solution;
- the number of backtracks equals the one recorded (and requested).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Set, Tuple

from fastback.traces._errors import TraceVerificationError

__all__ = [
    "Replay",
    "replay_sudoku_dfs",
    "replay_sudoku_nl",
    "replay_countdown_dfs",
    "replay_countdown_nl",
    "evaluate_countdown_expression",
]


@dataclass(frozen=True)
class Replay:
    """What a replay established: the solution reached (a Sudoku line, or
    the CountDown answer expression), its CountDown steps, and the number of
    backtracks in the text."""

    solution: str
    backtracks: int
    steps: Tuple[str, ...] = ()


def _fail(line: int, message: str) -> TraceVerificationError:
    return TraceVerificationError(line, message)


# --------------------------------------------------------------------------
# Sudoku
# --------------------------------------------------------------------------


class _Sudoku:
    """A grid with the rules, written for the replay only. The values
    present in each row, column and box are kept as sets, updated on every
    placement and rebuilt on a revert."""

    def __init__(self, line: str) -> None:
        line = line.strip()
        b = next((b for b in (2, 3, 4, 5) if b ** 4 == len(line)), None)
        if b is None:
            raise _fail(0, f"puzzle of {len(line)} characters is not a supported Sudoku")
        self.b, self.n = b, b * b
        self.letters = self.n > 9
        self.all = set(range(1, self.n + 1))
        self.values: List[int] = [self._value(ch) for ch in line]
        self.givens = list(self.values)
        self.restore(self.values)

    def _value(self, ch: str) -> int:
        if ch in "._0":
            return 0
        v = ord(ch) - ord("A") + 1 if self.letters else int(ch)
        if not 1 <= v <= self.n:
            raise _fail(0, f"puzzle symbol {ch!r} out of range")
        return v

    def _box(self, cell: int) -> int:
        r, c = divmod(cell, self.n)
        return (r // self.b) * self.b + c // self.b

    def restore(self, values: List[int]) -> None:
        """Sets every cell to ``values`` (a revert, or the start) and the
        unit sets with them."""
        if not hasattr(self, "sets"):
            self.sets: Dict[str, List[Set[int]]] = {k: [set() for _ in range(self.n)]
                                                    for k in ("row", "column", "box")}
            changed = [(cell, 0, v) for cell, v in enumerate(values) if v]
        else:
            changed = [(cell, old, new) for cell, (old, new) in enumerate(zip(self.values, values)) if old != new]
        for cell, old, new in changed:
            for kind, index in self.units_of(cell):
                if old:
                    self.sets[kind][index].discard(old)
                if new:
                    self.sets[kind][index].add(new)
        self.values = list(values)

    def place(self, cell: int, v: int) -> None:
        self.values[cell] = v
        for kind, index in self.units_of(cell):
            self.sets[kind][index].add(v)

    def symbol(self, v: int) -> str:
        if v == 0:
            return "."
        return chr(ord("A") + v - 1) if self.letters else str(v)

    def line(self) -> str:
        return "".join(self.symbol(v) for v in self.values)

    def unit(self, kind: str, index: int) -> List[int]:
        n, b = self.n, self.b
        if kind == "row":
            return [index * n + c for c in range(n)]
        if kind == "column":
            return [r * n + index for r in range(n)]
        r0, c0 = (index // b) * b, (index % b) * b
        return [(r0 + k // b) * n + c0 + k % b for k in range(n)]

    def units_of(self, cell: int) -> List[Tuple[str, int]]:
        r, c = divmod(cell, self.n)
        return [("row", r), ("column", c), ("box", self._box(cell))]

    def missing(self, kind: str, index: int) -> List[int]:
        return sorted(self.all - self.sets[kind][index])

    def candidates(self, cell: int) -> List[int]:
        if self.values[cell]:
            return []
        r, c = divmod(cell, self.n)
        return sorted(self.all - self.sets["row"][r] - self.sets["column"][c] - self.sets["box"][self._box(cell)])

    def places(self, kind: str, index: int, v: int) -> List[int]:
        if v in self.sets[kind][index]:
            return []
        return [i for i in self.unit(kind, index) if v in self.candidates(i)]

    def cell(self, lineno: int, r: str, c: str) -> int:
        ri, ci = int(r) - 1, int(c) - 1
        if not (0 <= ri < self.n and 0 <= ci < self.n):
            raise _fail(lineno, f"cell ({r},{c}) is outside the {self.n}x{self.n} grid")
        return ri * self.n + ci

    def solved(self) -> bool:
        """Checked from the values alone (not the sets)."""
        if 0 in self.values:
            return False
        full = list(range(1, self.n + 1))
        for kind in ("row", "column", "box"):
            for i in range(self.n):
                if sorted(self.values[k] for k in self.unit(kind, i)) != full:
                    return False
        return all(g == 0 or g == v for g, v in zip(self.givens, self.values))

    def board_lines(self) -> List[str]:
        n = self.n
        return [" ".join(str(v) if v else "_" for v in self.values[r * n:(r + 1) * n]) for r in range(n)]


class _GuessStack:
    """Open guesses with the state before each, for reverts."""

    def __init__(self) -> None:
        self.frames: List[Tuple[int, int, List[int]]] = []

    def push(self, cell: int, value: int, before: List[int]) -> None:
        self.frames.append((cell, value, before))

    def revert(self, lineno: int, cell: int, value: int, what: str) -> Tuple[int, List[int]]:
        """Pops the open guess ``cell = value`` and everything above it;
        returns its depth and the state before it."""
        for depth in range(len(self.frames) - 1, -1, -1):
            if self.frames[depth][:2] == (cell, value):
                before = self.frames[depth][2]
                del self.frames[depth:]
                return depth, before
        raise _fail(lineno, f"{what} reverts a guess that is not open")


def _check_end(grid: _Sudoku, lineno: int, expected_solution: Optional[str],
               expected_backtracks: Optional[int], backtracks: int) -> None:
    if not grid.solved():
        raise _fail(lineno, "the replay does not end at a solved grid that keeps the givens")
    if expected_solution is not None and grid.line() != expected_solution:
        raise _fail(lineno, f"the replay reaches {grid.line()}, not the recorded solution {expected_solution}")
    if expected_backtracks is not None and backtracks != expected_backtracks:
        raise _fail(0, f"the trace has {backtracks} backtracks, expected {expected_backtracks}")


_CELL_EVENT = re.compile(r"(fill|guess|revert) r(\d+)c(\d+)=(\d+)")
_DEAD_CELL = re.compile(r"dead r(\d+)c(\d+)")
_DEAD_UNIT = re.compile(r"dead (row|column|box) (\d+) value (\d+)")


def replay_sudoku_dfs(puzzle: str, text: str, *, expected_solution: Optional[str] = None,
                      expected_backtracks: Optional[int] = None) -> Replay:
    """Replays a ``dfs`` Sudoku trace (format in ``fastback.traces``) on ``puzzle``."""
    grid = _Sudoku(puzzle)
    stack = _GuessStack()
    backtracks = 0
    previous = ""
    lines = text.split("\n")
    solved_at = None
    for lineno, line in enumerate(lines, 1):
        kind = line.split(" ", 1)[0]
        if solved_at is not None:
            if lineno != solved_at + 1 or not line.startswith("solution "):
                raise _fail(lineno, "after 'solved' only one 'solution' line may follow")
            if line[len("solution "):] != grid.line():
                raise _fail(lineno, "the solution line is not the replayed grid")
            _check_end(grid, lineno, expected_solution, expected_backtracks, backtracks)
            return Replay(grid.line(), backtracks)
        m = _CELL_EVENT.fullmatch(line)
        if m:
            cell, v = grid.cell(lineno, m.group(2), m.group(3)), int(m.group(4))
            if kind == "revert":
                if previous not in ("dead", "revert"):
                    raise _fail(lineno, "a revert must follow a dead end or another revert")
                _, before = stack.revert(lineno, cell, v, line)
                grid.restore(before)
                backtracks += 1
            else:
                cands = grid.candidates(cell)
                if v not in cands:
                    raise _fail(lineno, f"{line}: {v} is not a candidate of an empty cell (candidates {cands})")
                if kind == "fill" and len(cands) != 1 and not any(
                        len(grid.places(k, i, v)) == 1 for k, i in grid.units_of(cell)):
                    raise _fail(lineno, f"{line} is not forced: neither a naked nor a hidden single")
                if kind == "guess":
                    stack.push(cell, v, list(grid.values))
                grid.place(cell, v)
        elif _DEAD_CELL.fullmatch(line):
            m = _DEAD_CELL.fullmatch(line)
            assert m is not None
            cell = grid.cell(lineno, m.group(1), m.group(2))
            if grid.values[cell] or grid.candidates(cell):
                raise _fail(lineno, f"{line}: the cell is filled or has candidates {grid.candidates(cell)}")
        elif _DEAD_UNIT.fullmatch(line):
            m = _DEAD_UNIT.fullmatch(line)
            assert m is not None
            unit, index, v = m.group(1), int(m.group(2)) - 1, int(m.group(3))
            if not 0 <= index < grid.n:
                raise _fail(lineno, f"{line}: no such {unit}")
            if v in grid.sets[unit][index] or grid.places(unit, index, v):
                raise _fail(lineno, f"{line}: {v} is placed in or still fits the {unit}")
        elif line == "solved":
            solved_at = lineno
        else:
            raise _fail(lineno, f"unreadable line {line!r}")
        previous = kind
    raise _fail(len(lines), "the trace ends without 'solved' and its 'solution' line")


_NUMS = r"\[((?:\d+(?:, \d+)*)?)\]"
_LOOK_CELL = re.compile(
    r"Looking at the cell at \((\d+),(\d+)\)\. Based on the current board, row (\d+) is missing " + _NUMS +
    r", column (\d+) is missing " + _NUMS + r", and the (\d+)x(\d+) box is " + _NUMS +
    r"\. Taking the intersection of these sets, the possible values for cell \((\d+),(\d+)\) are " + _NUMS +
    r"\. (.*)")
_TRY = re.compile(r"Let's try to fill cell \((\d+),(\d+)\) with (\d+)\.( The current board is:)?")
_ONLY = re.compile(r"Only (\d+) fits, so cell \((\d+),(\d+)\) must be (\d+)\.( The current board is:)?")
_STUCK = re.compile(r"Wait, we are stuck at cell \((\d+),(\d+)\)\. There are no possible values for this cell\. "
                    r"I need to go back to one of previous cells\.")
_HIDDEN = re.compile(r"Looking at (row|column|box) (\d+): (\d+) can only go in cell \((\d+),(\d+)\), "
                     r"so cell \((\d+),(\d+)\) must be (\d+)\.( The current board is:)?")
_NO_PLACE = re.compile(r"Looking at (row|column|box) (\d+): (\d+) cannot go in any empty cell\. "
                       r"Wait, we are stuck\. I need to go back to one of previous cells\.")
_BACK = re.compile(r"Back at \((\d+),(\d+)\); erase (\d+)\. The current board is:")
_OUT_OF = re.compile(r"Out of all the possible values " + _NUMS + r" for cell \((\d+),(\d+)\), I tried " + _NUMS +
                     r"\. Let me try to fill the cell with (\d+)\.")


def _ints(group: str) -> List[int]:
    return [int(x) for x in group.split(", ")] if group else []


def replay_sudoku_nl(puzzle: str, text: str, *, expected_solution: Optional[str] = None,
                     expected_backtracks: Optional[int] = None) -> Replay:
    """Replays an ``nl`` Sudoku trace (the sentences of "How Much
    Backtracking is Enough?", see ``fastback.traces``) on ``puzzle``."""
    grid = _Sudoku(puzzle)
    stack = _GuessStack()
    lines = text.split("\n")
    backtracks = 0
    previous = ""
    # The node being retried: (depth, cell, values tried and undone there).
    retry: Optional[Tuple[int, int, List[int]]] = None
    i = 0

    def board_follows(at: int) -> int:
        block = lines[at + 1:at + 1 + grid.n]
        if block != grid.board_lines():
            raise _fail(at + 2, "the printed board is not the replayed board")
        return at + grid.n

    def place(lineno: int, cell: int, v: int, guess: bool) -> None:
        nonlocal retry
        cands = grid.candidates(cell)
        if v not in cands:
            raise _fail(lineno, f"{v} is not a candidate of cell ({cell // grid.n + 1},{cell % grid.n + 1})")
        if guess:
            depth = len(stack.frames)
            if retry is None or retry[:2] != (depth, cell):
                retry = None
            stack.push(cell, v, list(grid.values))
        grid.place(cell, v)

    while i < len(lines):
        line, lineno = lines[i], i + 1
        if line == "</think>":
            expect = ["</think>", "", "<answer>"] + grid.board_lines() + ["</answer>"]
            if lines[i:] != expect:
                raise _fail(lineno, "the answer block is not '</think>', '', '<answer>', the solved board, '</answer>'")
            _check_end(grid, lineno, expected_solution, expected_backtracks, backtracks)
            return Replay(grid.line(), backtracks)
        m = _LOOK_CELL.fullmatch(line)
        kind = ""
        if m:
            (r, c, row, rmiss, col, cmiss, b1, b2, bmiss, r2, c2, cands, rest) = m.groups()
            cell = grid.cell(lineno, r, c)
            if (row, col, r2, c2) != (r, c, r, c) or int(b1) != grid.b or int(b2) != grid.b:
                raise _fail(lineno, "the sentence names different cells, or a wrong box size")
            units = grid.units_of(cell)
            if (_ints(rmiss), _ints(cmiss), _ints(bmiss)) != tuple(grid.missing(k, x) for k, x in units):
                raise _fail(lineno, "a 'missing' list is not what the board is missing")
            if _ints(cands) != grid.candidates(cell) or grid.values[cell]:
                raise _fail(lineno, f"the possible values are {grid.candidates(cell)}, not [{cands}]")
            t = _TRY.fullmatch(rest)
            o = _ONLY.fullmatch(rest)
            s = _STUCK.fullmatch(rest)
            if t and (t.group(1), t.group(2)) == (r, c):
                place(lineno, cell, int(t.group(3)), guess=True)
                kind = "guess"
                if t.group(4):
                    i = board_follows(i)
            elif o and (o.group(2), o.group(3)) == (r, c) and o.group(1) == o.group(4):
                if _ints(cands) != [int(o.group(1))]:
                    raise _fail(lineno, "'Only v fits' but the cell has other candidates")
                place(lineno, cell, int(o.group(1)), guess=False)
                if o.group(5):
                    i = board_follows(i)
            elif s and (s.group(1), s.group(2)) == (r, c):
                if cands:
                    raise _fail(lineno, "stuck at a cell that has candidates")
                kind = "dead"
            else:
                raise _fail(lineno, f"unreadable ending {rest!r}")
        elif _HIDDEN.fullmatch(line):
            h = _HIDDEN.fullmatch(line)
            assert h is not None
            unit, index, v = h.group(1), int(h.group(2)) - 1, int(h.group(3))
            cell = grid.cell(lineno, h.group(4), h.group(5))
            if (h.group(6), h.group(7)) != (h.group(4), h.group(5)) or h.group(8) != h.group(3):
                raise _fail(lineno, "the sentence names different cells or values")
            if (unit, index) not in grid.units_of(cell) or grid.places(unit, index, v) != [cell]:
                raise _fail(lineno, f"{v} does not have cell {cell} as its only place in that {unit}")
            place(lineno, cell, v, guess=False)
            if h.group(9):
                i = board_follows(i)
        elif _NO_PLACE.fullmatch(line):
            n = _NO_PLACE.fullmatch(line)
            assert n is not None
            unit, index, v = n.group(1), int(n.group(2)) - 1, int(n.group(3))
            if not 0 <= index < grid.n or v in grid.sets[unit][index] or grid.places(unit, index, v):
                raise _fail(lineno, f"{v} is placed in or still fits {unit} {index + 1}")
            kind = "dead"
        elif _BACK.fullmatch(line):
            k = _BACK.fullmatch(line)
            assert k is not None
            if previous not in ("dead", "revert"):
                raise _fail(lineno, "a revert must follow a dead end or another revert")
            cell, v = grid.cell(lineno, k.group(1), k.group(2)), int(k.group(3))
            depth, before = stack.revert(lineno, cell, v, line)
            grid.restore(before)
            i = board_follows(i)
            backtracks += 1
            if retry is not None and retry[:2] == (depth, cell):
                retry = (depth, cell, retry[2] + [v])
            else:
                retry = (depth, cell, [v])
            kind = "revert"
        elif _OUT_OF.fullmatch(line):
            u = _OUT_OF.fullmatch(line)
            assert u is not None
            cell, v = grid.cell(lineno, u.group(2), u.group(3)), int(u.group(5))
            if _ints(u.group(1)) != grid.candidates(cell):
                raise _fail(lineno, f"the possible values are {grid.candidates(cell)}, not [{u.group(1)}]")
            if retry is None or retry[:2] != (len(stack.frames), cell) or retry[2] != _ints(u.group(4)):
                raise _fail(lineno, "'I tried [...]' is not the list of values just undone at this cell")
            if v in retry[2]:
                raise _fail(lineno, f"{v} was already tried here")
            place(lineno, cell, v, guess=True)
            kind = "guess"
        else:
            raise _fail(lineno, f"unreadable line {line[:80]!r}")
        previous = kind
        i += 1
    raise _fail(len(lines), "the trace ends without its answer block")


# --------------------------------------------------------------------------
# CountDown
# --------------------------------------------------------------------------


def _step(lineno: int, a: int, op: str, b: int, r: int) -> None:
    """Checks one step's rules and arithmetic (a, b as written)."""
    if op == "+":
        ok = a + b == r
    elif op == "*":
        ok = a * b == r
    elif op == "-":
        ok = a > b and a - b == r
    elif op == "/":
        ok = b > 0 and a % b == 0 and a // b == r
    else:
        ok = False
    if not ok or r <= 0:
        raise _fail(lineno, f"{a}{op}{b}={r} is wrong or breaks the rules (positive integers, exact division)")


def _take(lineno: int, pool: List[int], a: int, b: int) -> List[int]:
    rest = list(pool)
    for x in (a, b):
        if x not in rest:
            raise _fail(lineno, f"{x} is not available in {pool}")
        rest.remove(x)
    return rest


def _py_list(group: str) -> List[int]:
    return [int(x) for x in group.split(", ")] if group else []


_STATE = re.compile(r"Current State: (\d+):\[((?:\d+(?:, \d+)*)?)\], Operations: \[((?:'[^']*'(?:, '[^']*')*)?)\]")
_EXPLORE = re.compile(r"Exploring Operation: (\d+)([-+*/])(\d+)=(\d+), Resulting Numbers: \[((?:\d+(?:, \d+)*)?)\]")
_GENERATED = re.compile(r"Generated Node #([\d,]+): (\d+):\[((?:\d+(?:, \d+)*)?)\] Operation: (\d+[-+*/]\d+=\d+)")
_MOVING = re.compile(r"Moving to Node #([\d,]+)")
_OUTCOME = re.compile(r"(\d+),(\d+) (equal: Goal Reached|unequal: No Solution)")


def replay_countdown_dfs(numbers: Sequence[int], target: int, text: str, *, use_all: bool = False,
                         expected_solution: Optional[str] = None, expected_steps: Optional[Sequence[str]] = None,
                         expected_backtracks: Optional[int] = None) -> Replay:
    """Replays a ``dfs`` CountDown trace (Stream of Search's lines)."""
    lines = text.split("\n")
    # node id -> (numbers, operations)
    nodes: Dict[str, Tuple[List[int], List[str]]] = {"0": (list(numbers), [])}
    explored: Dict[str, int] = {}
    current = "0"
    pending: Optional[Tuple[List[int], List[str]]] = None
    generated: Optional[str] = None
    expect_state = True
    backtracks = 0
    previous = ""
    for lineno, line in enumerate(lines, 1):
        m = _STATE.fullmatch(line)
        if expect_state:
            ops = [o.strip("'") for o in m.group(3).split(", ")] if m and m.group(3) else []
            if not m or int(m.group(1)) != target or (_py_list(m.group(2)), ops) != nodes[current]:
                raise _fail(lineno, f"expected the state of node #{current}: {target}:{nodes[current][0]}, "
                                    f"operations {nodes[current][1]}")
            expect_state = False
            previous = "state"
            continue
        e = _EXPLORE.fullmatch(line)
        g = _GENERATED.fullmatch(line)
        mv = _MOVING.fullmatch(line)
        out = _OUTCOME.fullmatch(line)
        if e:
            a, op, b, r = int(e.group(1)), e.group(2), int(e.group(3)), int(e.group(4))
            _step(lineno, a, op, b, r)
            nums, ops = nodes[current]
            rest = _take(lineno, nums, a, b)
            result = _py_list(e.group(5))
            if not result or result[-1] != r or sorted(result[:-1]) != sorted(rest):
                raise _fail(lineno, f"resulting numbers {result} are not {rest} with {r} appended")
            pending = (result, ops + [f"{a}{op}{b}={r}"])
            explored[current] = explored.get(current, 0) + 1
            generated = None
            previous = "explore"
        elif out:
            x, t = int(out.group(1)), int(out.group(2))
            if pending is None or previous != "explore" or t != target:
                raise _fail(lineno, "an outcome line must follow an explored operation")
            result, ops = pending
            if out.group(3).startswith("equal"):
                if x != target or int(ops[-1].split("=")[1]) != target or (use_all and len(result) != 1):
                    raise _fail(lineno, "the goal is not reached")
                if lineno != len(lines):
                    raise _fail(lineno, "lines follow the goal")
                steps = tuple(ops)
                if expected_steps is not None and steps != tuple(expected_steps):
                    raise _fail(lineno, f"the trace reaches the target by {list(steps)}, not the recorded "
                                        f"{list(expected_steps)}")
                if expected_backtracks is not None and backtracks != expected_backtracks:
                    raise _fail(0, f"the trace has {backtracks} backtracks, expected {expected_backtracks}")
                built = _steps_expressions(numbers, steps)
                if expected_solution is not None and expected_solution not in built:
                    raise _fail(lineno, f"the recorded solution {expected_solution} is not what the steps build")
                return Replay(expected_solution if expected_solution is not None else min(built), backtracks, steps)
            if len(result) != 1 or x != result[0] or x == target:
                raise _fail(lineno, "'No Solution' for a child that is not a single wrong number")
            previous = "leaf"
        elif g:
            node_id = g.group(1)
            if pending is None or previous != "explore" or int(g.group(2)) != target:
                raise _fail(lineno, "a generated node must follow its explored operation")
            if node_id != f"{current},{explored[current] - 1}":
                raise _fail(lineno, f"node #{node_id} should be #{current},{explored[current] - 1}")
            if (_py_list(g.group(3)), g.group(4)) != (pending[0], pending[1][-1]) or len(pending[0]) < 2:
                raise _fail(lineno, "the generated node is not the explored operation's result")
            nodes[node_id] = pending
            generated = node_id
            previous = "generated"
        elif mv:
            node_id = mv.group(1)
            if previous == "generated" and node_id == generated:
                current = node_id
            else:
                if node_id not in nodes or not (current == node_id or current.startswith(node_id + ",")):
                    raise _fail(lineno, f"moving back to #{node_id}, which is not the current node or an ancestor")
                if previous not in ("leaf", "state"):
                    raise _fail(lineno, "moving back must follow a failed child or a node without children")
                backtracks += 1
                current = node_id
            expect_state = True
            generated = None
            previous = "move"
        else:
            raise _fail(lineno, f"unreadable line {line[:80]!r}")
    raise _fail(len(lines), "the trace ends without reaching the goal")


_NL_PREFIX = "Let's think step by step. "
_NL_STEP = re.compile(r"Step (\d+): (\d+) ([-+*/]) (\d+) = (\d+)\. ")
_NL_BACK = re.compile(r"Wait, this doesn't lead to the correct solution\. (\d+) is not the correct answer\. "
                      r"Let me go back to step (\d+) and keep thinking from there\.\n")
_NL_RESTART = "Wait, this doesn't lead to the correct solution. Let me restart.\n"
_NL_END = re.compile(r"This matches the problem statement\. This is the solution\.\n</think>\n\n<answer>(.*)</answer>")


def replay_countdown_nl(numbers: Sequence[int], target: int, text: str, *, use_all: bool = False,
                        expected_solution: Optional[str] = None, expected_steps: Optional[Sequence[str]] = None,
                        expected_backtracks: Optional[int] = None) -> Replay:
    """Replays an ``nl`` CountDown trace (the sentences of "How Much
    Backtracking is Enough?"). Lines in errors count the ``Wait``
    sentences' line breaks."""
    if not text.startswith(_NL_PREFIX):
        raise _fail(1, f"the trace does not start with {_NL_PREFIX!r}")
    pos = len(_NL_PREFIX)
    pools: List[List[int]] = [list(numbers)]
    steps: List[str] = []
    backtracks = 0
    while True:
        lineno = text.count("\n", 0, pos) + 1
        m = _NL_STEP.match(text, pos)
        if m:
            k, a, op, b, r = int(m.group(1)), int(m.group(2)), m.group(3), int(m.group(4)), int(m.group(5))
            if k != len(steps) + 1:
                raise _fail(lineno, f"step {k} where step {len(steps) + 1} comes next")
            _step(lineno, a, op, b, r)
            pools.append(_take(lineno, pools[-1], a, b) + [r])
            steps.append(f"{a}{op}{b}={r}")
            pos = m.end()
            continue
        back = _NL_BACK.match(text, pos)
        if back or text.startswith(_NL_RESTART, pos):
            to = int(back.group(2)) if back else 0
            if not steps or to >= len(steps):
                raise _fail(lineno, "going back must undo at least one step")
            last = int(steps[-1].split("=")[1])
            if back and int(back.group(1)) != last:
                raise _fail(lineno, f"{back.group(1)} is not the last result {last}")
            if last == target and (not use_all or len(pools[-1]) == 1):
                raise _fail(lineno, "going back from a solution")
            del steps[to:]
            del pools[to + 1:]
            backtracks += 1
            pos = back.end() if back else pos + len(_NL_RESTART)
            continue
        end = _NL_END.fullmatch(text, pos)
        if end is None:
            raise _fail(lineno, f"unreadable text at {text[pos:pos + 60]!r}")
        if not steps or int(steps[-1].split("=")[1]) != target or (use_all and len(pools[-1]) != 1):
            raise _fail(lineno, "'This matches' but the last step does not reach the target")
        answer = end.group(1)
        try:
            value, used = evaluate_countdown_expression(answer)
        except ValueError as e:
            raise _fail(lineno, f"the answer {answer[:60]!r} is not a valid CountDown expression: {e}") from None
        rest = list(numbers)
        for x in used:
            if x not in rest:
                raise _fail(lineno, f"the answer uses {x} more often than the numbers allow")
            rest.remove(x)
        if value != target or (use_all and rest):
            raise _fail(lineno, f"the answer {answer} is {value}, not {target}, or leaves numbers unused")
        if answer not in _steps_expressions(numbers, steps):
            raise _fail(lineno, f"the answer {answer} is not the expression the steps build")
        if expected_solution is not None and answer != expected_solution:
            raise _fail(lineno, f"the answer {answer} is not the recorded solution {expected_solution}")
        if expected_steps is not None and tuple(steps) != tuple(expected_steps):
            raise _fail(lineno, "the steps are not the recorded solution's")
        if expected_backtracks is not None and backtracks != expected_backtracks:
            raise _fail(0, f"the trace has {backtracks} backtracks, expected {expected_backtracks}")
        return Replay(answer, backtracks, tuple(steps))


# --------------------------------------------------------------------------
# CountDown expressions
# --------------------------------------------------------------------------


_TOKEN = re.compile(r"\s*(\d+|[-+*/()])")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: List[str] = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"unexpected character at {pos}: {text[pos:pos + 10]!r}")
            self.tokens.append(m.group(1))
            pos = m.end()
        self.i = 0
        self.used: List[int] = []

    def peek(self) -> Optional[str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        t = self.peek()
        if t is None:
            raise ValueError("unexpected end of expression")
        self.i += 1
        return t

    def expr(self) -> Fraction:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term()
            value = self.check(value + right if op == "+" else value - right)
        return value

    def term(self) -> Fraction:
        value = self.atom()
        while self.peek() in ("*", "/"):
            op = self.take()
            right = self.atom()
            value = self.check(value * right if op == "*" else value / right)
        return value

    def atom(self) -> Fraction:
        t = self.take()
        if t == "(":
            value = self.expr()
            if self.take() != ")":
                raise ValueError("missing ')'")
            return value
        if not t.isdigit():
            raise ValueError(f"unexpected {t!r}")
        self.used.append(int(t))
        return Fraction(int(t))

    @staticmethod
    def check(value: Fraction) -> Fraction:
        if value.denominator != 1 or value <= 0:
            raise ValueError(f"an intermediate result {value} is not a positive integer")
        return value


def evaluate_countdown_expression(text: str) -> Tuple[int, List[int]]:
    """Evaluates a CountDown answer without ``eval``: integers, ``+ - * /``
    and parentheses, usual precedence, left to right. Every intermediate
    result must be a positive integer. Returns the value and the numbers
    used. Raises ``ValueError`` on anything else."""
    p = _Parser(text)
    value = p.expr()
    if p.peek() is not None:
        raise ValueError(f"unexpected {p.peek()!r} after the expression")
    return int(value), p.used


def _steps_expressions(numbers: Sequence[int], steps: Sequence[str]) -> Set[str]:
    """Every expression the steps can build, written with the parentheses it
    needs (the renderer's convention, derived here independently). Several
    when equal numbers make a step's operands ambiguous."""
    Item = Tuple[int, str, int]  # (value, text, precedence of the top operator; 3 for a number)
    states: Set[Tuple[Item, ...]] = {tuple((n, str(n), 3) for n in numbers)}
    last: Set[str] = set()
    for s in steps:
        m = re.fullmatch(r"(\d+)([-+*/])(\d+)=(\d+)", s)
        if m is None:
            raise _fail(0, f"unreadable step {s!r}")
        a, op, b, r = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        prec = 1 if op in "+-" else 2
        next_states: Set[Tuple[Item, ...]] = set()
        last = set()
        for items in states:
            for ia, left in enumerate(items):
                for ib, right in enumerate(items):
                    if ia == ib or left[0] != a or right[0] != b:
                        continue
                    lt = f"({left[1]})" if left[2] < prec else left[1]
                    rt = f"({right[1]})" if right[2] < prec or (right[2] == prec and op in "-/") else right[1]
                    made = (r, f"{lt} {op} {rt}", prec)
                    rest = tuple(sorted(it for k, it in enumerate(items) if k not in (ia, ib)))
                    next_states.add(rest + (made,))
                    last.add(made[1])
        states = next_states
    return last
