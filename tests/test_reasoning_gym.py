"""External check: fastback solves reasoning-gym's puzzles, and reasoning-gym's
own ``score_answer`` grades the answers.

Each dataset is generated from a fixed seed; the adapters read only the
question text (see ``reasoning_gym_adapters``), solve with a fastback engine,
and render the answer in the requested format. Every answer must score 1.0.
"""

from __future__ import annotations

import pytest

import reasoning_gym

import reasoning_gym_adapters as adapters

#: Puzzles per dataset (six datasets: 300 puzzles in all).
PER_DATASET = 50


def _dataset(name: str, **config):
    return reasoning_gym.create_dataset(name, size=PER_DATASET, seed=2026, **config)


def _answer_sudoku(entries, size):
    from fastback.sudoku import solve_many

    puzzles = [adapters.sudoku_puzzle(e["question"], size) for e in entries]
    solutions = solve_many(puzzles)
    return [adapters.render_sudoku(s, size) if s is not None else None for s in solutions]


def _answer_countdown(entries):
    from fastback.traces.countdown import solve_countdown

    answers = []
    for e in entries:
        numbers, target = adapters.parse_countdown(e["question"])
        found = solve_countdown(numbers, target, use_all=True)
        answers.append(found[0] if found else None)
    return answers


def _answer_each(solve, entries):
    return [solve(e["question"]) for e in entries]


CASES = {
    "sudoku": (dict(), lambda es: _answer_sudoku(es, 9)),
    "mini_sudoku": (dict(), lambda es: _answer_sudoku(es, 4)),
    "n_queens": (dict(n=8, min_remove=1, max_remove=8), lambda es: _answer_each(adapters.solve_queens, es)),
    "futoshiki": (dict(min_board_size=4, max_board_size=7), lambda es: _answer_each(adapters.solve_futoshiki, es)),
    "zebra_puzzles": (dict(), lambda es: _answer_each(adapters.solve_zebra, es)),
    "countdown": (dict(), _answer_countdown),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_answer_scores_one(name):
    config, answer = CASES[name]
    ds = _dataset(name, **config)
    entries = [ds[i] for i in range(len(ds))]
    answers = answer(entries)
    assert len(answers) == len(entries)
    failures = []
    for i, (entry, ans) in enumerate(zip(entries, answers)):
        score = ds.score_answer(ans, entry)
        if score != 1.0:
            failures.append(f"#{i}: score {score} for {ans!r}; question: {entry['question'][:300]!r}")
    assert not failures, f"{len(failures)} of {len(entries)} {name} answers below 1.0:\n" + "\n".join(failures[:5])


def test_adapters_reject_unknown_text():
    # A change in reasoning-gym's wording must fail loudly, not solve garbage.
    for parse in (lambda q: adapters.sudoku_puzzle(q, 9), adapters.parse_queens,
                  adapters.parse_futoshiki, adapters.Zebra, adapters.parse_countdown):
        with pytest.raises(ValueError):
            parse("What is the capital of France?")
