"""Read reasoning-gym puzzles into fastback models and write the answers back.

reasoning-gym (PyPI) generates puzzles as prompt text with its own scorer.
These adapters are the external check of fastback's engines: each parses the
*question text* (never the generator's metadata, which holds the solution),
solves it with a fastback engine, and renders the answer in the format the
question asks for, so reasoning-gym's own ``score_answer`` can grade it.

- Sudoku and mini Sudoku: :func:`fastback.sudoku.solve_many`.
- N-queens (some queens already placed), Futoshiki and zebra puzzles:
  :mod:`fastback.csp`.
- CountDown ("calculate T using all of these numbers"): the CountDown solver
  of :mod:`fastback.traces`.

Each parser raises ``ValueError`` naming what it could not read, so a change
in reasoning-gym's text shows up as a clear failure, not as a wrong answer.
"""

from __future__ import annotations

import re
from typing import Dict, List, Sequence, Tuple

# ---------------------------------------------------------------------------
# Sudoku and mini Sudoku: rows of digits and '_' separated by spaces
# ---------------------------------------------------------------------------


def _grid_lines(question: str, size: int) -> List[List[str]]:
    """The first ``size`` consecutive lines of ``size`` tokens (digits or '_')."""
    token_line = re.compile(r"^(?:[1-9_] ){%d}[1-9_]$" % (size - 1))
    lines = [ln.strip() for ln in question.splitlines()]
    for start in range(len(lines) - size + 1):
        block = lines[start:start + size]
        if all(token_line.match(ln) for ln in block):
            return [ln.split(" ") for ln in block]
    raise ValueError(f"no {size}x{size} grid of digits and '_' in the question")


def sudoku_puzzle(question: str, size: int) -> str:
    """The puzzle as one string of ``size*size`` characters, '.' for empty."""
    rows = _grid_lines(question, size)
    return "".join("." if tok == "_" else tok for row in rows for tok in row)


def render_sudoku(solution: str, size: int) -> str:
    return "\n".join(" ".join(solution[r * size:(r + 1) * size]) for r in range(size))


# ---------------------------------------------------------------------------
# N-queens: complete a board on which some queens are already placed
# ---------------------------------------------------------------------------


def parse_queens(question: str) -> Tuple[int, List[Tuple[int, int]], int]:
    """(n, placed queens as (row, col), how many queens the board must hold)."""
    m = re.search(r"board of size (\d+) x \1 your job is to place (\d+) queen", question)
    if not m:
        raise ValueError("n-queens question: no 'board of size N x N ... place K queen(s)'")
    n, to_place = int(m.group(1)), int(m.group(2))
    row_re = re.compile(r"^(?:[_Q] ){%d}[_Q]$" % (n - 1))
    rows = [ln.strip() for ln in question.splitlines() if row_re.match(ln.strip())]
    if len(rows) != n:
        raise ValueError(f"n-queens question: found {len(rows)} board rows, expected {n}")
    placed = [(r, c) for r, ln in enumerate(rows) for c, tok in enumerate(ln.split(" ")) if tok == "Q"]
    return n, placed, len(placed) + to_place


def solve_queens(question: str) -> str:
    from fastback.csp import Model

    n, placed, total = parse_queens(question)
    if total != n:
        raise ValueError(f"n-queens question asks for {total} queens on an {n}x{n} board")
    m = Model()
    col = [m.int_var(0, n - 1, f"q{r}") for r in range(n)]
    diag_up = [m.int_var(0, 2 * n - 2, f"u{r}") for r in range(n)]
    diag_down = [m.int_var(-(n - 1), n - 1, f"d{r}") for r in range(n)]
    for r in range(n):
        m.add(diag_up[r] == col[r] + r)
        m.add(diag_down[r] == col[r] - r)
    m.all_different(col)
    m.all_different(diag_up)
    m.all_different(diag_down)
    for r, c in placed:
        m.add(col[r] == c)
    sol = m.solve()
    if sol is None:
        raise ValueError("n-queens question has no completion")
    return "\n".join(" ".join("Q" if sol[col[r]] == c else "_" for c in range(n)) for r in range(n))


# ---------------------------------------------------------------------------
# Futoshiki: cells on even lines every 4 characters, '<'/'>' between them,
# '∧'/'∨' on the odd lines under a cell (upper < lower / upper > lower)
# ---------------------------------------------------------------------------


def parse_futoshiki(question: str):
    m = re.search(r"Solve the following (\d+)x\1 Futoshiki puzzle:\n\n", question)
    if not m:
        raise ValueError("futoshiki question: no 'Solve the following NxN Futoshiki puzzle:'")
    n = int(m.group(1))
    lines = question[m.end():].split("\n")[: 2 * n - 1]
    if len(lines) != 2 * n - 1:
        raise ValueError("futoshiki question: grid is cut short")
    givens: Dict[Tuple[int, int], int] = {}
    less: List[Tuple[Tuple[int, int], Tuple[int, int]]] = []  # (a, b): value(a) < value(b)
    for r in range(n):
        line = lines[2 * r].ljust(4 * n - 3)
        for c in range(n):
            tok = line[4 * c]
            if tok.isdigit():
                givens[(r, c)] = int(tok)
            elif tok != "_":
                raise ValueError(f"futoshiki row {r + 1}: cell {c + 1} is {tok!r}")
            if c + 1 < n:
                sep = line[4 * c + 1:4 * c + 4].strip()
                if sep == "<":
                    less.append(((r, c), (r, c + 1)))
                elif sep == ">":
                    less.append(((r, c + 1), (r, c)))
                elif sep:
                    raise ValueError(f"futoshiki row {r + 1}: {sep!r} between cells {c + 1} and {c + 2}")
        if r + 1 < n:
            between = lines[2 * r + 1]
            for pos, ch in enumerate(between):
                if ch == " ":
                    continue
                if pos % 4 or ch not in "∧∨":
                    raise ValueError(f"futoshiki: {ch!r} at column {pos} under row {r + 1}")
                upper, lower = (r, pos // 4), (r + 1, pos // 4)
                less.append((upper, lower) if ch == "∧" else (lower, upper))
    return n, givens, less, lines


def solve_futoshiki(question: str) -> str:
    from fastback.csp import Model

    n, givens, less, lines = parse_futoshiki(question)
    m = Model()
    cell = {(r, c): m.int_var(1, n, f"c{r}_{c}") for r in range(n) for c in range(n)}
    for r in range(n):
        m.all_different([cell[(r, c)] for c in range(n)])
    for c in range(n):
        m.all_different([cell[(r, c)] for r in range(n)])
    for rc, v in givens.items():
        m.add(cell[rc] == v)
    for a, b in less:
        m.add(cell[a] < cell[b])
    sol = m.solve()
    if sol is None:
        raise ValueError("futoshiki puzzle has no solution")
    out = []
    for r, line in enumerate(lines):
        if r % 2:
            out.append(line)
        else:
            chars = list(line)
            for c in range(n):
                chars[4 * c] = str(sol[cell[(r // 2, c)]])
            out.append("".join(chars))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Zebra puzzles: attribute lines " - <text>: v1, v2, ...", numbered clues, and
# "What is Name of the person who lives in House K?"
# ---------------------------------------------------------------------------

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}

_CLUE_FORMS = [
    (re.compile(r"^(?P<a>.+) is not in the (?P<k>\w+) house\.$"), "not_at"),
    (re.compile(r"^(?P<a>.+) is in the (?P<k>\w+) house\.$"), "at"),
    (re.compile(r"^(?P<a>.+) is directly left of (?P<b>.+)\.$"), "directly_left"),
    (re.compile(r"^(?P<a>.+) is somewhere to the left of (?P<b>.+)\.$"), "left"),
    (re.compile(r"^(?P<a>.+) is somewhere to the right of (?P<b>.+)\.$"), "right"),
    (re.compile(r"^(?P<a>.+) and (?P<b>.+) are next to each other\.$"), "beside"),
    (re.compile(r"^There is one house between (?P<a>.+) and (?P<b>.+)\.$"), "one_between"),
    (re.compile(r"^There are two houses between (?P<a>.+) and (?P<b>.+)\.$"), "two_between"),
    (re.compile(r"^(?P<a>.+) is (?P<b>.+)\.$"), "same"),
]


class Zebra:
    """A parsed zebra puzzle: houses, attributes with their values, clues."""

    def __init__(self, question: str):
        m = re.search(r"There are (\d+) houses", question)
        if not m:
            raise ValueError("zebra question: no 'There are N houses'")
        self.houses = int(m.group(1))
        self.attributes: List[Tuple[str, List[str]]] = []
        self.clues: List[Tuple[str, str, str, int]] = []  # (kind, a, b, house)
        for line in question.splitlines():
            head = re.match(r"^ - (.+?): (.+)$", line)
            if head:
                values = [v.strip() for v in head.group(2).split(",")]
                if len(values) != self.houses:
                    raise ValueError(f"zebra attribute line has {len(values)} values: {line!r}")
                self.attributes.append((head.group(1), values))
                continue
            clue = re.match(r"^(\d+)\. (.+)$", line)
            if clue:
                self.clues.append(self._parse_clue(clue.group(1), clue.group(2)))
        q = re.search(r"What is Name of the person who lives in House (\d+)\?", question)
        if not q or not self.attributes:
            raise ValueError("zebra question: no attribute lines or no 'What is Name ... House K?'")
        if not self.attributes[0][0].startswith("Each person has a unique name"):
            raise ValueError("zebra question: the first attribute is not the names")
        self.asked_house = int(q.group(1))

    def entity(self, text: str) -> Tuple[int, int]:
        """(attribute index, value index) that a description such as "the
        Desert smoothie lover" or "the person's child is named Alice" names.

        A bare value is a name (names are given bare); otherwise the one value
        of another attribute whose words occur in the description.
        """
        bare = text.strip().lower()
        names = [v.lower() for v in self.attributes[0][1]]
        if bare in names:
            return 0, names.index(bare)
        found = []
        for a, (_, values) in enumerate(self.attributes[1:], start=1):
            for v, value in enumerate(values):
                # Values start a word of the description but may be cut short
                # ("brit" in "the British person").
                if re.search(r"(?<![\w])" + re.escape(value.lower()), bare):
                    found.append((a, v, len(value)))
        if not found:
            raise ValueError(f"zebra: no attribute value in {text!r}")
        longest = max(f[2] for f in found)
        best = [(a, v) for a, v, length in found if length == longest]
        if len(best) > 1:
            raise ValueError(f"zebra: {text!r} names several values: {best}")
        return best[0]

    def _parse_clue(self, number: str, text: str) -> Tuple[str, str, str, int]:
        for pattern, kind in _CLUE_FORMS:
            m = pattern.match(text)
            if not m:
                continue
            groups = m.groupdict()
            if kind == "same":
                return ("same",) + self._split_same(number, text[:-1]) + (0,)
            house = 0
            if "k" in groups:
                if groups["k"] not in _ORDINALS:
                    raise ValueError(f"zebra clue {number}: unknown house {groups['k']!r}")
                house = _ORDINALS[groups["k"]]
            return kind, groups["a"], groups.get("b") or "", house
        raise ValueError(f"zebra clue {number}: no known form: {text!r}")

    def _split_same(self, number: str, text: str) -> Tuple[str, str]:
        """"A is B", where A and B may themselves contain " is " ("the
        person who is the mother of Billy is Carol")."""
        for m in re.finditer(" is ", text):
            a, b = text[:m.start()], text[m.end():]
            try:
                self.entity(a)
                self.entity(b)
            except ValueError:
                continue
            # The first split at which both sides name a value: a description
            # never has a proper prefix ending before " is " that names a
            # value ("the person who" / "the person's child" name none).
            return a, b
        raise ValueError(f"zebra clue {number}: no reading of {text!r} as 'A is B'")


def solve_zebra(question: str) -> str:
    from fastback.csp import Model

    z = Zebra(question)
    m = Model()
    n = z.houses
    house = [[m.int_var(1, n, f"a{a}v{v}") for v in range(n)] for a in range(len(z.attributes))]
    for per_attr in house:
        m.all_different(per_attr)

    def var(text: str):
        a, v = z.entity(text)
        return house[a][v]

    for kind, a_text, b_text, k in z.clues:
        x = var(a_text)
        if kind == "at":
            m.add(x == k)
        elif kind == "not_at":
            m.add(x != k)
        else:
            y = var(b_text)
            if kind == "same":
                m.add(x == y)
            elif kind == "directly_left":
                m.add(x + 1 == y)
            elif kind == "left":
                m.add(x < y)
            elif kind == "right":
                m.add(x > y)
            elif kind == "beside":
                m.add((x - y == 1) | (y - x == 1))
            elif kind == "one_between":
                m.add((x - y == 2) | (y - x == 2))
            elif kind == "two_between":
                m.add((x - y == 3) | (y - x == 3))
    sol = m.solve()
    if sol is None:
        raise ValueError("zebra puzzle has no solution")
    names = z.attributes[0][1]
    for v, name in enumerate(names):
        if sol[house[0][v]] == z.asked_house:
            return name
    raise AssertionError("every house holds one name")


# ---------------------------------------------------------------------------
# CountDown: "Calculate T using all of these numbers: a, b, c."
# ---------------------------------------------------------------------------


_COUNTDOWN_FORMS = [
    re.compile(r"(?:Calculate|Find a way to make) (?P<t>\d+) using all of these numbers: (?P<n>[\d, ]+)\."),
    re.compile(r"Using all the numbers (?P<n>[\d, ]+), create an expression that equals (?P<t>\d+)\."),
]


def parse_countdown(question: str) -> Tuple[List[int], int]:
    """(numbers, target); every number must be used exactly once."""
    for form in _COUNTDOWN_FORMS:
        m = form.search(question)
        if m:
            return [int(x) for x in m.group("n").split(",")], int(m.group("t"))
    raise ValueError("countdown question: no known 'make T using all of these numbers' form")


def check_sequence(numbers: Sequence[int], expected: Sequence[int]) -> bool:
    return sorted(numbers) == sorted(expected)
