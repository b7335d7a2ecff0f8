"""The CountDown solver against a plain-Python brute force, and its errors.

The reference enumerates every expression tree over every ordered subset of
the numbers (a different algorithm from the solver's pairwise search),
keeps the trees whose every node is a positive integer, and compares the
canonical forms of those that reach the target with the canonical forms of
the solver's answers, parsed back from their text. The canonical form is
computed here in Python, separately from the Rust one.
"""

from __future__ import annotations

import itertools
import re
import sys
from fractions import Fraction
from typing import Any, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback.traces import BudgetExceededError, countdown_instances, solve_countdown
from fastback.traces.replay import evaluate_countdown_expression

# A tree: an int, or (op, left, right).
Tree = Any


def _shapes(leaves: Sequence[int]) -> Iterator[Tree]:
    """Every binary tree with these leaves in this order, every operator."""
    if len(leaves) == 1:
        yield leaves[0]
        return
    for cut in range(1, len(leaves)):
        for left in _shapes(leaves[:cut]):
            for right in _shapes(leaves[cut:]):
                for op in "+-*/":
                    yield (op, left, right)


def _value(tree: Tree) -> Optional[int]:
    """The tree's value when every node is a positive integer, else None."""
    if isinstance(tree, int):
        return tree
    op, l, r = tree
    a, b = _value(l), _value(r)
    if a is None or b is None:
        return None
    if op == "+":
        return a + b
    if op == "*":
        return a * b
    if op == "-":
        return a - b if a > b else None
    return a // b if a % b == 0 else None


def canon(tree: Tree) -> Any:
    """Flattened sums (added, subtracted) and products (multiplied, divided)."""
    if isinstance(tree, int):
        return ("n", tree)
    op = tree[0]
    if op in "+-":
        pos: List[Any] = []
        neg: List[Any] = []

        def terms(t: Tree, negated: bool) -> None:
            if not isinstance(t, int) and t[0] in "+-":
                terms(t[1], negated)
                terms(t[2], negated != (t[0] == "-"))
            else:
                (neg if negated else pos).append(canon(t))

        terms(tree, False)
        return ("s", tuple(sorted(pos, key=repr)), tuple(sorted(neg, key=repr)))
    num: List[Any] = []
    den: List[Any] = []

    def factors(t: Tree, inverted: bool) -> None:
        if not isinstance(t, int) and t[0] in "*/":
            factors(t[1], inverted)
            factors(t[2], inverted != (t[0] == "/"))
        else:
            (den if inverted else num).append(canon(t))

    factors(tree, False)
    return ("p", tuple(sorted(num, key=repr)), tuple(sorted(den, key=repr)))


def brute_force(numbers: Sequence[int], target: int, use_all: bool) -> Set[Any]:
    found: Set[Any] = set()
    sizes = [len(numbers)] if use_all else range(1, len(numbers) + 1)
    for size in sizes:
        for idx in itertools.permutations(range(len(numbers)), size):
            for tree in _shapes([numbers[i] for i in idx]):
                if _value(tree) == target:
                    found.add(canon(tree))
    return found


def parse(text: str) -> Tree:
    """A solver answer back into a tree (usual precedence, left to right)."""
    tokens = re.findall(r"\d+|[-+*/()]", text)
    pos = 0

    def atom() -> Tree:
        nonlocal pos
        t = tokens[pos]
        pos += 1
        if t == "(":
            e = expr()
            assert tokens[pos] == ")"
            pos += 1
            return e
        return int(t)

    def term() -> Tree:
        nonlocal pos
        e = atom()
        while pos < len(tokens) and tokens[pos] in "*/":
            op = tokens[pos]
            pos += 1
            e = (op, e, atom())
        return e

    def expr() -> Tree:
        nonlocal pos
        e = term()
        while pos < len(tokens) and tokens[pos] in "+-":
            op = tokens[pos]
            pos += 1
            e = (op, e, term())
        return e

    tree = expr()
    assert pos == len(tokens), text
    return tree


def _leaves(tree: Tree) -> List[int]:
    return [tree] if isinstance(tree, int) else _leaves(tree[1]) + _leaves(tree[2])


def _check_answer(text: str, numbers: Sequence[int], target: int, use_all: bool) -> None:
    value, used = evaluate_countdown_expression(text)
    assert value == target, text
    rest = list(numbers)
    for x in used:
        rest.remove(x)  # ValueError: a number used too often
    assert not (use_all and rest), text


instances = st.tuples(st.lists(st.integers(1, 12), min_size=1, max_size=4), st.integers(1, 60), st.booleans())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances)
def test_all_solutions_match_the_brute_force(case: Tuple[List[int], int, bool]) -> None:
    numbers, target, use_all = case
    reference = brute_force(numbers, target, use_all)
    answers = solve_countdown(numbers, target, all=True, use_all=use_all)
    forms = [canon(parse(a)) for a in answers]
    assert len(set(forms)) == len(forms), f"duplicates in {answers}"
    assert set(forms) == reference
    for a in answers:
        _check_answer(a, numbers, target, use_all)
    first = solve_countdown(numbers, target, use_all=use_all)
    assert len(first) == (1 if reference else 0)
    if first:
        _check_answer(first[0], numbers, target, use_all)
        assert canon(parse(first[0])) in reference


@pytest.mark.parametrize("numbers,target,use_all,expected", [
    ([2, 2], 4, False, ["2 * 2", "2 + 2"]),
    ([5, 3], 5, False, ["5"]),
    ([5, 3], 5, True, []),
    ([2, 3], 7, False, []),
    ([1, 2, 3], 6, True, ["3 * 2 * 1", "3 * 2 / 1", "3 + 2 + 1"]),
    ([10, 4, 3], 9, True, ["10 + 3 - 4"]),
])
def test_known_solution_sets(numbers: List[int], target: int, use_all: bool, expected: List[str]) -> None:
    assert solve_countdown(numbers, target, all=True, use_all=use_all) == expected


def test_the_classic_six_number_game() -> None:
    numbers, target = [100, 75, 50, 25, 6, 3], 952
    (first,) = solve_countdown(numbers, target)
    _check_answer(first, numbers, target, False)
    every = solve_countdown(numbers, target, all=True)
    assert canon(parse(first)) in {canon(parse(a)) for a in every}
    for a in every:
        _check_answer(a, numbers, target, False)


def test_bad_instances_say_what() -> None:
    with pytest.raises(ValueError, match=r"numbers\[1\] = 0"):
        solve_countdown([3, 0], 5)
    with pytest.raises(ValueError, match="1 to 8 numbers"):
        solve_countdown(list(range(1, 10)), 5)
    with pytest.raises(ValueError, match="1 to 8 numbers"):
        solve_countdown([], 5)
    with pytest.raises(ValueError, match="target 0"):
        solve_countdown([1, 2], 0)
    with pytest.raises(ValueError, match="numbers\\[0\\] = -4"):
        solve_countdown([-4, 2], 2)
    with pytest.raises(BudgetExceededError) as e:
        solve_countdown([100, 75, 50, 25, 6, 3], 952, all=True, max_nodes=10)
    assert e.value.max_nodes == 10


def test_generated_instances_are_solvable_and_reproducible() -> None:
    a = list(countdown_instances(20, seed=7))
    assert a == list(countdown_instances(20, seed=7))
    assert a != list(countdown_instances(20, seed=8))
    for inst in a:
        assert len(inst.numbers) == 4 and 10 <= inst.target <= 100 and inst.target not in inst.numbers
        assert all(1 <= x <= 99 for x in inst.numbers)
        (answer,) = solve_countdown(inst.numbers, inst.target)
        _check_answer(answer, inst.numbers, inst.target, False)
    for inst in countdown_instances(5, seed=1, numbers=3, use_all=True):
        assert solve_countdown(inst.numbers, inst.target, use_all=True)
    with pytest.raises(ValueError):
        list(countdown_instances(1, min_target=5, max_target=4))


def test_ctrl_c_stops_a_long_solve() -> None:
    from sat_helpers import signal_when_ready

    script = ("from fastback.traces import solve_countdown\n"
              "print('ready', flush=True)\n"
              "try:\n"
              "    solve_countdown([101, 103, 107, 109, 113, 127, 131, 137], 999_983, all=True)\n"
              "    print('finished')\n"
              "except KeyboardInterrupt:\n"
              "    print('interrupted')\n")
    rc, out, err, _seconds = signal_when_ready([sys.executable, "-c", script], "ready")
    assert "interrupted" in out, (out, err)
    assert rc == 0
