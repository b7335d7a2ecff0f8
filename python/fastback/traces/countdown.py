"""CountDown: solving instances, generating them, and their prompts.

Rules (the usual ones): combine the given numbers with ``+ - * /``; each
number is used at most once (``use_all=True``: exactly once); every
intermediate result is a positive integer (no zero, no negative numbers,
division only when exact). A given number equal to the target is a solution
by itself (without ``use_all``).

All solutions are deduplicated by a canonical form: sums are flattened into
added and subtracted terms and products into multiplied and divided factors
(commutativity and associativity, ``a - (b - c)`` = ``a + c - b``,
``a / (b / c)`` = ``a * c / b``), and equal given numbers are
interchangeable; distributivity is not applied, so ``a * (b + c)`` and
``a * b + a * c`` are two solutions. Each solution is printed in canonical
form, terms and factors by decreasing value: ``(25 + 3) * 7 - 6``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence

from fastback import _core

__all__ = ["Instance", "solve_countdown", "countdown_instances", "countdown_prompt"]


@dataclass(frozen=True)
class Instance:
    """A CountDown instance: the numbers (order kept) and the target."""

    numbers: tuple
    target: int

    def to_json(self) -> dict:
        return {"numbers": list(self.numbers), "target": self.target}


def solve_countdown(numbers: Sequence[int], target: int, *, all: bool = False, use_all: bool = False,
                    max_nodes: Optional[int] = None) -> List[str]:
    """Solves a CountDown instance in Rust, GIL released, Ctrl-C stops it.

    ``all=False``: a list with the first solution the search finds, or
    empty. ``all=True``: every solution, one per canonical form (see the
    module doc), sorted by number of steps then as text.

    Preconditions: 1 to 8 numbers, each and the target in 1..10⁹ (else
    ``ValueError`` naming the number). ``max_nodes`` bounds the steps tried
    (``BudgetExceededError``); None: no bound. Cost: all solutions of 6
    numbers try about 3·10⁶ steps.
    """
    return _core.countdown_solve(list(numbers), target, all=all, use_all=use_all, max_nodes=max_nodes)


def countdown_instances(count: int, *, seed: int = 0, numbers: int = 4, min_number: int = 1,
                        max_number: int = 99, min_target: int = 10, max_target: int = 100,
                        use_all: bool = False) -> Iterator[Instance]:
    """``count`` solvable instances, reproducible from ``seed``.

    As Stream of Search generates them: draw a target in
    ``[min_target, max_target]`` and ``numbers`` numbers in
    ``[min_number, max_number]``; keep the draw when the solver finds a
    solution (under ``use_all``) and the target is not one of the numbers.
    Raises ``ValueError`` for empty ranges, or when 10,000 draws in a row
    fail (a range with no solvable instances).
    """
    if numbers < 2 or min_number < 1 or max_number < min_number or min_target < 1 or max_target < min_target:
        raise ValueError("need numbers >= 2, 1 <= min_number <= max_number and 1 <= min_target <= max_target")
    rng = random.Random(seed)
    for _ in range(count):
        for _attempt in range(10_000):
            target = rng.randint(min_target, max_target)
            nums = tuple(rng.randint(min_number, max_number) for _ in range(numbers))
            if target not in nums and solve_countdown(nums, target, use_all=use_all):
                yield Instance(nums, target)
                break
        else:
            raise ValueError("10,000 draws without a solvable instance: widen the ranges")


def countdown_prompt(numbers: Sequence[int], target: int, fmt: str, use_all: bool = False) -> str:
    """The prompt a trace answers. ``nl``: the question and answer-format
    instructions of the paper's (reasoning-gym) generator. ``dfs``: Stream of
    Search's first trace line, which its models are conditioned on."""
    if fmt == "nl":
        once = "You must use each number exactly once." if use_all else "You can only use each number once."
        return (f"Using the numbers {', '.join(map(str, numbers))}, create an expression that equals {target}.\n"
                f"{once}\n"
                "Final answer format instructions:\n"
                "1. Provide your solution as a arithmetic expression (no '=' sign).\n"
                "2. Do not include the target number in the expression.\n"
                "3. Use '*' for multiplication.\n"
                "4. Use '/' for division.\n"
                "5. Do not include any other text or formatting.\n")
    return f"Current State: {target}:{list(numbers)}, Operations: []"
