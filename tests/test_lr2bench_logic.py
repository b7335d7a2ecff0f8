"""The LR²Bench logic-grid solver: clue templates, the benchmark's 200
puzzles, and the CSP model, each checked by something other than itself.

- A table of invented clues, one or more per template, with the IR each must
  give (templates are the generator's; the values are made up here).
- On the 200 benchmark puzzles (``../shared/bench/lr2bench``, skipped when
  absent): every clue parses except the four the data truncates; the gold
  answer satisfies every parsed constraint (``holds`` reads the IR directly);
  fastback.csp finds exactly the gold grid, and only it.
- Brute force over all (4!)^3 grids of sampled 4x4 puzzles counts the
  solutions of the parsed clues without any model.
- ``add_to_model`` on a tiny reference engine (plain backtracking, below),
  so that the encoding is checked even where fastback.csp is not built.
"""

from __future__ import annotations

import itertools
import json
import operator
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Sequence

import pytest

from fastback.lr2bench.logic import add_to_model, parse_record, solve_logic
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

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "lr2bench"
LEVELS = ["4_4", "4_5", "4_6", "4_7"]

# Clues that the benchmark's data cuts off mid-sentence; no template can read
# them, and without them three puzzles have more than one solution.
TRUNCATED = {("T280NW", "3"), ("T280NW", "10"), ("A391FO", "1"), ("W461EL", "7")}
AMBIGUOUS = {"T280NW", "A391FO", "W461EL"}


# -- templates ------------------------------------------------------------------

COMMUTERS = Puzzle(
    {
        "anniversaries": ["January 28", "March 6", "April 2", "November 23"],
        "first names": ["Asher", "Bradley", "Kayla", "Malia"],
        "conveyances": ["10-speed bike", "mountain bike", "segway", "skateboard"],
        "actors": ["Liam Neeson", "Morgan Freeman", "Robert Duvall", "Tom Cruise"],
    }
)
SHOP = Puzzle(
    {
        "prices": ["$4.40", "$4.50", "$4.60", "$4.70"],
        "customers": ["Bryan", "Darrell", "Ira", "Eduardo"],
        "orders": ["cappuccino", "espresso", "mocha", "iced americano"],
        "colors": ["black - white", "brown - pink", "pink - white", "white - yellow"],
    }
)
FLIGHTS = Puzzle(
    {
        "times": ["9:00am", "10:00am", "11:30am", "12 noon"],
        "names": ["Alan", "Dave", "Ian", "Paul"],
        "orders": ["1st", "2nd", "4th", "5th"],
        "pages": ["200 pages", "225 pages", "250 pages", "275 pages"],
    }
)
SKATERS = Puzzle(
    {
        "points": ["26.3", "26.6", "26.9", "27.2"],
        "days": ["Monday", "Tuesday", "Friday", "Sunday"],
        "places": ["first", "third", "fourth", "ninth"],
        "sizes": ["2", "4", "6", "8"],
    }
)


def R(puzzle: Puzzle, value: str) -> Ref:
    (category,) = [c for c in puzzle.categories if value in puzzle.values[c]]
    return Ref(category, value)


def C(value: str) -> Ref:
    return R(COMMUTERS, value)


def S(value: str) -> Ref:
    return R(SHOP, value)


def F(value: str) -> Ref:
    return R(FLIGHTS, value)


def K(value: str) -> Ref:
    return R(SKATERS, value)


TEMPLATES: List[Any] = [
    # same / different, with the category phrasing around the values
    (COMMUTERS, "Liam Neeson's cousin is Malia.", [Same(C("Liam Neeson"), C("Malia"))]),
    (COMMUTERS, "Liam Neeson's cousin uses a mountain bike to get to work.",
     [Same(C("Liam Neeson"), C("mountain bike"))]),
    (COMMUTERS, "The commuter who rides a 10-speed bike is not Bradley.",
     [Differ(C("10-speed bike"), C("Bradley"))]),
    (COMMUTERS, "Kayla isn't related to Robert Duvall and doesn't ride a segway.",
     [Differ(C("Kayla"), C("Robert Duvall")), Differ(C("Kayla"), C("segway"))]),
    (COMMUTERS, "Morgan Freeman's cousin is Asher and rides a skateboard.",
     [Same(C("Morgan Freeman"), C("Asher")), Same(C("Morgan Freeman"), C("skateboard"))]),
    (COMMUTERS, "Tom Cruise's cousin is not Asher and rides a segway.",
     [Differ(C("Tom Cruise"), C("Asher")), Same(C("Tom Cruise"), C("segway"))]),
    (COMMUTERS, "Asher didn't ride a segway or skateboard.",
     [Differ(C("Asher"), C("segway")), Differ(C("Asher"), C("skateboard"))]),
    (COMMUTERS, "Malia didnt ride the segway.", [Differ(C("Malia"), C("segway"))]),
    (COMMUTERS, "Malia has nothing to do with Tom Cruise.", [Differ(C("Malia"), C("Tom Cruise"))]),
    (COMMUTERS, "The person whose anniversary is on March 6 can't stand the segway..",
     [Differ(C("March 6"), C("segway"))]),
    # comparisons on the first category, with and without a gap
    (COMMUTERS, "Robert Duvall's cousin has an anniversary after the commuter who rides a segway.",
     [Less(C("segway"), C("Robert Duvall"))]),
    (COMMUTERS, "Asher has an anniversary sometime before Kayla.", [Less(C("Asher"), C("Kayla"))]),
    (COMMUTERS, "Kayla's anniversary is 2 months before Asher's.",
     [Less(C("Kayla"), C("Asher"), Fraction(2), "month")]),
    (COMMUTERS, "Kayla has an anniversary the day after Malia.",
     [Less(C("Malia"), C("Kayla"), Fraction(1), "day")]),
    (SHOP, "The cappuccino cost 20 cents less than the iced americano.",
     [Less(S("cappuccino"), S("iced americano"), Fraction(20), "cent")]),
    (SHOP, "Darrell paid $0.10 more than Ira.", [Less(S("Ira"), S("Darrell"), Fraction("0.10"), "")]),
    (SHOP, "The beverage ordered by Darrell cost somewhat more than the mocha.",
     [Less(S("mocha"), S("Darrell"))]),
    (SHOP, "Bryan's drink costs  less than the pink and white one.", [Less(S("Bryan"), S("pink - white"))]),
    (FLIGHTS, "Ian has an appointment 1 hour after the person with 225 pages.",
     [Less(F("225 pages"), F("Ian"), Fraction(1), "hour")]),
    (FLIGHTS, "Paul came in a half-hour after Dave.", [Less(F("Dave"), F("Paul"), Fraction(1, 2), "hour")]),
    (FLIGHTS, "The 250 page book was finished earlier than the one that performed fifth.",
     [Less(F("250 pages"), F("5th"))]),
    (SKATERS, "The team that skated fourth scored 3 tenths of a point lower than the size 8 team.",
     [Less(K("fourth"), K("8"), Fraction(3), "tenth")]),
    (SKATERS, "The size 2 team scored 6 tenths of a point higher than the Monday team.",
     [Less(K("Monday"), K("2"), Fraction(6), "tenth")]),
    # a gap's number is never taken for a value ("2" is also a size here)
    (SKATERS, "The Friday team scored 2 points more than the first team.",
     [Less(K("first"), K("Friday"), Fraction(2), "point")]),
    # either / neither
    (COMMUTERS, "Either the person whose anniversary is on March 6 or the person whose anniversary "
     "is on April 2 is Morgan Freeman's cousin.",
     [EitherOr(C("Morgan Freeman"), C("March 6"), C("April 2"))]),
    (SHOP, "The drink that cost $4.50 was either the coffee Ira ordered or the brown and pink one..",
     [EitherOr(S("$4.50"), S("Ira"), S("brown - pink"))]),
    (SHOP, "Neither the espresso nor the drink Ira ordered was the $4.70 one.",
     [Differ(S("espresso"), S("Ira")), Differ(S("espresso"), S("$4.70")),
      Differ(S("Ira"), S("$4.70"))]),
    # one ... the other
    (COMMUTERS, "Of Malia and the commuter who rides a 10-speed bike, one has an anniversary on "
     "January 28 and the other has an anniversary on November 23.",
     [OneEach(C("Malia"), C("10-speed bike"), C("January 28"), C("November 23"))]),
    (SHOP, "Between Ira and the mocha, one is black and white and the other cost $4.40.",
     [OneEach(S("Ira"), S("mocha"), S("black - white"), S("$4.40"))]),
    # all different
    (COMMUTERS, "The 4 people were  Asher, the commuter who rides a segway, the person whose "
     "anniversary is on March 6,  and Tom Cruise's cousin.",
     [AllDifferent((C("Asher"), C("segway"), C("March 6"), C("Tom Cruise")))]),
    (SHOP, "The four customers were the espresso drinker, Bryan, the $4.70 order and the white and yellow one.",
     [AllDifferent((S("espresso"), S("Bryan"), S("$4.70"), S("white - yellow")))]),
    (SHOP, "Bryan, the espresso and the $4.50 drink are all different orders.",
     [AllDifferent((S("Bryan"), S("espresso"), S("$4.50")))]),
    (SHOP, "The beverage Eduardo ordered and the beverage that cost $4.40 were different orders.",
     [AllDifferent((S("Eduardo"), S("$4.40")))]),
]  # fmt: skip


@pytest.mark.parametrize("puzzle, text, expected", TEMPLATES, ids=[t[1][:50] for t in TEMPLATES])
def test_template(puzzle: Puzzle, text: str, expected: List[Any]) -> None:
    assert parse_clue(text, puzzle) == expected


UNPARSEABLE = [
    (COMMUTERS, "Of Malia and the commuter who rides a segway, one has an anniversary on January 28 and the other is"),
    (COMMUTERS, "Either the commuter who rides a segway or the commuter who rides a skateboard named"),
    (COMMUTERS, "The 4 people were Asher, the commuter who rides a segway, the person whose anniversary is on"),
    (COMMUTERS, "Asher is Tom Cruise's cousin or rides a segway."),  # a positive 'or' is no template
    (COMMUTERS, "Asher did not arrive before Kayla."),  # negated comparison
    (COMMUTERS, "Asher is Kayla."),  # two first names cannot be the same person
    (COMMUTERS, "Asher likes tea."),  # one value only
    (SHOP, "Bryan paid 3 euros more than Ira."),  # a unit outside the closed list
    (FLIGHTS, "Ian came 1 hour after Dave and 2 hours before Paul."),
    (COMMUTERS, "Asher has an anniversary 2 hours after Kayla."),  # hours on dates
]  # fmt: skip


@pytest.mark.parametrize("puzzle, text", UNPARSEABLE, ids=[t[1][:50] for t in UNPARSEABLE])
def test_unparseable_clue_is_reported(puzzle: Puzzle, text: str) -> None:
    with pytest.raises(ClueError):
        parse_clue(text, puzzle)


def test_quantities_of_ordered_categories() -> None:
    # exact differences count in the clue's unit on the first category's scale
    assert FLIGHTS.measure("") == [540, 600, 690, 720]  # minutes
    assert FLIGHTS.measure("hour") == [9, 10, Fraction(23, 2), 12]
    assert COMMUTERS.measure("month") == [1, 3, 4, 11]
    assert COMMUTERS.measure("day") == [28, 65, 92, 327]  # day of the year
    assert SHOP.measure("cent") == [440, 450, 460, 470]
    assert SKATERS.measure("tenth") == [263, 266, 269, 272]
    assert Puzzle({"mixed": ["first", "May"], "x": ["a", "b"]}).scale_kind is None
    assert Puzzle({"colors": ["red", "blue"], "x": ["a", "b"]}).scale_kind is None
    assert Puzzle({"dates": ["February 30", "May 1"], "x": ["a", "b"]}).scale_kind is None


def test_puzzle_rejects_inconsistent_values() -> None:
    with pytest.raises(ValueError, match="has 3 values"):
        Puzzle({"a": ["1", "2"], "b": ["x", "y", "z"]})
    with pytest.raises(ValueError, match="listed in"):
        Puzzle({"a": ["1", "2"], "b": ["x", "1"]})
    with pytest.raises(ValueError, match="no categories"):
        Puzzle({})


# -- the benchmark ------------------------------------------------------------------


def _records() -> List[Dict[str, Any]]:
    if not (DATA / "answer.json").exists():
        pytest.skip(f"LR²Bench data not found at {DATA}")
    out: List[Dict[str, Any]] = []
    for level in LEVELS:
        with open(DATA / "2-logic" / level / "data.jsonl", encoding="utf-8") as f:
            out.extend(dict(json.loads(line), level=level) for line in f if line.strip())
    return out


def _gold() -> Dict[str, List[Dict[str, str]]]:
    with open(DATA / "answer.json", encoding="utf-8") as f:
        return {e["tag"]: json.loads(e["answer"]) for e in json.load(f)["logic"]}


def _norm(text: str) -> str:
    # the benchmark compares case-insensitively, ignoring spaces
    return text.lower().replace(" ", "")


def _gold_assignment(puzzle: Puzzle, rows: List[Dict[str, str]]) -> Dict[Ref, int]:
    assert [_norm(r[puzzle.first]) for r in rows] == [_norm(v) for v in puzzle.values[puzzle.first]]
    out = {}
    for i, row in enumerate(rows):
        for category in puzzle.categories[1:]:
            (value,) = [v for v in puzzle.values[category] if _norm(v) == _norm(row[category])]
            out[Ref(category, value)] = i
    return out


@pytest.fixture(scope="module")
def benchmark() -> List[Any]:
    records, gold = _records(), _gold()
    return [(r, parse_record(r), gold[r["tag"]]) for r in records]


def test_benchmark_clues_all_parse_but_the_truncated(benchmark: List[Any]) -> None:
    assert len(benchmark) == 200
    unparsed = {(r["tag"], cid) for r, (_, _, bad), _ in benchmark for cid, _ in bad}
    assert unparsed == TRUNCATED
    for r, _, _ in benchmark:
        for cid, text in r["clue"].items():
            if (r["tag"], cid) in TRUNCATED:
                assert not text.rstrip().endswith(".")


def test_gold_answers_satisfy_every_parsed_clue(benchmark: List[Any]) -> None:
    for r, (puzzle, parsed, _), gold in benchmark:
        rows = _gold_assignment(puzzle, gold)
        broken = [(cid, c) for cid, c in parsed if not holds(c, rows, puzzle)]
        assert not broken, (r["tag"], broken)


def _brute_force(
    puzzle: Puzzle, constraints: Sequence[Any], limit: int = 10
) -> List[Dict[Ref, int]]:
    """Every grid of a 4x4 puzzle ((4!)^3 of them) that satisfies the
    constraints, checked with ``holds`` alone; stops after ``limit``."""
    refs = [[Ref(c, v) for v in puzzle.values[c]] for c in puzzle.categories[1:]]
    perms = list(itertools.permutations(range(puzzle.size)))
    found = []
    for choice in itertools.product(perms, repeat=len(refs)):
        rows = {ref: row for column, perm in zip(refs, choice) for ref, row in zip(column, perm)}
        if all(holds(c, rows, puzzle) for c in constraints):
            found.append(rows)
            if len(found) >= limit:
                break
    return found


def test_brute_force_confirms_unique_solutions_on_4x4(benchmark: List[Any]) -> None:
    sample = [b for b in benchmark if b[0]["level"] == "4_4"][::7] + [
        b for b in benchmark if b[0]["tag"] == "T280NW"
    ]
    assert len(sample) == 9
    for r, (puzzle, parsed, _), gold in sample:
        found = _brute_force(puzzle, [c for _, c in parsed])
        if r["tag"] in AMBIGUOUS:
            assert len(found) > 1
        else:
            assert found == [_gold_assignment(puzzle, gold)], r["tag"]


def test_solve_logic_matches_gold_on_all_200(benchmark: List[Any]) -> None:
    pytest.importorskip("fastback.csp")
    exact = {level: 0 for level in LEVELS}
    for r, _, gold in benchmark:
        sol = solve_logic(r)
        assert {(r["tag"], cid) for cid, _ in sol.unparsed} <= TRUNCATED
        assert sol.rows is not None
        if r["tag"] in AMBIGUOUS:
            assert sol.solutions == 2
            continue
        assert sol.solutions == 1, r["tag"]
        assert [list(row) for row in sol.rows] == [list(row) for row in gold]
        assert [[_norm(v) for v in row.values()] for row in sol.rows] == [
            [_norm(v) for v in row.values()] for row in gold
        ], r["tag"]
        exact[r["level"]] += 1
    assert exact == {"4_4": 49, "4_5": 48, "4_6": 50, "4_7": 50}


# -- the model, on a reference engine ---------------------------------------------


class _Pred:
    """A boolean combination of comparisons, evaluated on a full or partial
    assignment (None until all its variables are set)."""

    def __init__(self, variables: frozenset, test: Callable[[Dict[int, int]], bool]) -> None:
        self.variables, self.test = variables, test

    def __and__(self, other: "_Pred") -> "_Pred":
        return _Pred(self.variables | other.variables, lambda a: self.test(a) and other.test(a))

    def __or__(self, other: "_Pred") -> "_Pred":
        return _Pred(self.variables | other.variables, lambda a: self.test(a) or other.test(a))

    def __invert__(self) -> "_Pred":
        return _Pred(self.variables, lambda a: not self.test(a))


class _Var:
    def __init__(self, index: int, domain: Sequence[int]) -> None:
        self.index, self.domain = index, list(domain)

    def _compare(self, other: Any, op: Callable[[int, int], bool]) -> _Pred:
        if isinstance(other, _Var):
            pair = frozenset({self.index, other.index})
            return _Pred(pair, lambda a: op(a[self.index], a[other.index]))
        return _Pred(frozenset({self.index}), lambda a: op(a[self.index], other))

    def __eq__(self, other: Any) -> _Pred:  # type: ignore[override]
        return self._compare(other, operator.eq)

    def __ne__(self, other: Any) -> _Pred:  # type: ignore[override]
        return self._compare(other, operator.ne)

    def __lt__(self, other: Any) -> _Pred:
        return self._compare(other, operator.lt)

    __hash__ = object.__hash__


class ReferenceModel:
    """The part of fastback.csp.Model's API that add_to_model uses, solved by
    plain backtracking: a second engine for the same model."""

    def __init__(self) -> None:
        self.vars: List[_Var] = []
        self.preds: List[_Pred] = []

    def int_var(self, lo: int, hi: int, name: str = "") -> _Var:
        self.vars.append(_Var(len(self.vars), range(lo, hi + 1)))
        return self.vars[-1]

    def add(self, pred: _Pred) -> None:
        self.preds.append(pred)

    def all_different(self, xs: Sequence[_Var]) -> None:
        idx = [x.index for x in xs]
        self.add(_Pred(frozenset(idx), lambda a: len({a[i] for i in idx}) == len(idx)))

    def table(self, xs: Sequence[_Var], tuples: Sequence[Sequence[int]]) -> None:
        idx, allowed = [x.index for x in xs], {tuple(t) for t in tuples}
        self.add(_Pred(frozenset(idx), lambda a: tuple(a[i] for i in idx) in allowed))

    def solutions(self, limit: int) -> Iterator[Dict[_Var, int]]:
        due: Dict[int, List[_Pred]] = {}
        for p in self.preds:
            due.setdefault(max(p.variables), []).append(p)
        found: List[Dict[_Var, int]] = []
        assignment: Dict[int, int] = {}

        def search(i: int) -> None:
            if len(found) >= limit:
                return
            if i == len(self.vars):
                found.append({v: assignment[v.index] for v in self.vars})
                return
            for value in self.vars[i].domain:
                assignment[i] = value
                if all(p.test(assignment) for p in due.get(i, [])):
                    search(i + 1)
            assignment.pop(i, None)

        search(0)
        return iter(found)


def test_model_encoding_on_reference_engine(benchmark: List[Any]) -> None:
    sample = [b for b in benchmark if b[0]["level"] == "4_4"][::10]
    for r, (puzzle, parsed, _), gold in sample:
        model = ReferenceModel()
        var = add_to_model(model, puzzle, [c for _, c in parsed])
        assert var is not None
        found = list(model.solutions(limit=2))
        rows = [
            {ref: s[v] for ref, v in var.items() if ref.category != puzzle.first} for s in found
        ]
        if r["tag"] in AMBIGUOUS:
            assert len(rows) == 2
        else:
            assert rows == [_gold_assignment(puzzle, gold)], r["tag"]


def test_model_encoding_per_constraint_kind() -> None:
    # every IR kind, alone on an otherwise free 4x4 grid: the model's
    # solutions are exactly the grids where holds() is true
    kinds: List[Constraint] = [
        Same(C("Asher"), C("segway")),
        Differ(C("Asher"), C("March 6")),
        Less(C("Kayla"), C("Tom Cruise")),
        Less(C("Kayla"), C("Malia"), Fraction(2), "month"),
        EitherOr(C("Asher"), C("segway"), C("January 28")),
        OneEach(C("Asher"), C("Kayla"), C("segway"), C("November 23")),
        AllDifferent((C("Asher"), C("segway"), C("Tom Cruise"))),
    ]
    for c in kinds:
        model = ReferenceModel()
        var = add_to_model(model, COMMUTERS, [c])
        assert var is not None
        got = {
            frozenset((ref, s[v]) for ref, v in var.items() if ref.category != COMMUTERS.first)
            for s in model.solutions(limit=10**6)
        }
        want = {frozenset(g.items()) for g in _brute_force(COMMUTERS, [c], 10**6)}
        assert got == want and got, c


def test_impossible_gap_gives_no_model() -> None:
    no_such_gap = Less(C("Asher"), C("Kayla"), Fraction(5), "month")  # months 1, 3, 4, 11
    assert add_to_model(ReferenceModel(), COMMUTERS, [no_such_gap]) is None


# -- junk records -------------------------------------------------------------------

GOOD = {
    "tag": "T1",
    "value": {"n": ["1", "2"], "names": ["Al", "Bo"]},
    "clue": {"1": "Al is 1 more than Bo.", "2": "Al is not 1."},
}


@pytest.mark.parametrize(
    "record, message",
    [
        ([], "expected a dict"),
        ({k: v for k, v in GOOD.items() if k != "value"}, "missing 'value'"),
        ({k: v for k, v in GOOD.items() if k != "clue"}, "missing 'clue'"),
        (dict(GOOD, value={}), "'value' must be a non-empty dict"),
        (dict(GOOD, value={"n": "12"}), r"'value'\['n'\] must be a list"),
        (dict(GOOD, value={"n": ["1", "2"], "names": ["Al"]}), "has 1 values"),
        (dict(GOOD, clue=["Al is 1."]), "'clue' must be a dict"),
        (dict(GOOD, clue={"1": None}), "clue '1' is not text"),
    ],
)
def test_junk_records_raise_value_error(record: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_record(record)
    with pytest.raises(ValueError, match=message):
        solve_logic(record)


def test_small_record_parses() -> None:
    puzzle, parsed, unparsed = parse_record(GOOD)
    assert puzzle.categories == ["n", "names"] and unparsed == []
    assert parsed == [
        ("1", Less(Ref("names", "Bo"), Ref("names", "Al"), Fraction(1), "")),
        ("2", Differ(Ref("names", "Al"), Ref("n", "1"))),
    ]
