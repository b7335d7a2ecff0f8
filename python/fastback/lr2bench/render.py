"""Writing an answer the way the LR²Bench prompts ask a model to.

The solvers' outputs go through the same scorer as model outputs, so they
are rendered as a model would write them: a short line of text, then the
block the prompt asks for. The formats follow the prompts in
``prompt.json``:

- crossword: ``<Answer>`` holding a JSON object ``{"1-Across": "WORD", ...,
  "1-Down": ...}``;
- acrostic: ``<Answer>`` holding a Python dict ``{'1': 'L', '2': 'E', ...}``
  in grid order;
- logic grid: ``<Answer>`` holding a JSON list of row objects;
- cryptogram: ``<Mapping>`` with the substitution as a JSON object, then
  ``<Answer>`` with the decoded quote and its author;
- Sudoku and drop quote: ``<Answer>`` holding the grid in the input's
  format (a list of rows, one row per line).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence

__all__ = ["render_crossword", "render_acrostic", "render_logic", "render_cryptogram",
           "render_grid", "render_answer"]


def _block(tag: str, body: str) -> str:
    return f"<{tag}>\n{body}\n</{tag}>"


def _rows(grid: Sequence[Sequence[Any]]) -> str:
    return "[" + ",\n ".join(json.dumps(list(row)) for row in grid) + "]"


def render_crossword(entries: Mapping[str, str]) -> str:
    """``entries`` keyed ``"1-ACROSS"``/``"1-Down"``...; rendered as the prompt's
    ``"1-Across"`` keys, across entries first, each in number order."""
    def key(slot: str) -> tuple:
        number, _, direction = slot.partition("-")
        return (direction.upper() != "ACROSS", int(number) if number.isdigit() else 0, slot)

    shown: Dict[str, str] = {}
    for slot in sorted(entries, key=key):
        number, _, direction = slot.partition("-")
        shown[f"{number}-{direction.capitalize()}"] = entries[slot]
    return "Final answers for every clue:\n" + _block("Answer", json.dumps(shown))


def render_acrostic(letters: Mapping[int, str]) -> str:
    body = "{" + ", ".join(f"{str(n)!r}: {letters[n]!r}" for n in sorted(letters)) + "}"
    return "Gathered mapping:\n" + _block("Answer", body)


def render_logic(rows: List[Dict[str, str]]) -> str:
    return "Final solution:\n" + _block("Answer", json.dumps(rows, indent=4))


def render_cryptogram(mapping: Mapping[str, str], plaintext: Optional[str] = None,
                      author: str = "") -> str:
    text = "Mapping:\n" + _block("Mapping", json.dumps(dict(mapping)))
    if plaintext is not None:
        quote = plaintext + (f"\n\u2014 {author}" if author else "")
        text += "\n\nAnswer:\n" + _block("Answer", quote)
    return text


def render_grid(grid: Sequence[Sequence[Any]]) -> str:
    return "Here is the final answer:\n" + _block("Answer", _rows(grid))


def render_answer(task: str, answer: Any) -> str:
    """The output text for ``task`` and an answer in ``answer.json``'s form
    (the cryptogram mapping, the Sudoku ``{"grid", "answer"}`` or its
    solution grid, ...)."""
    if task == "crossword":
        return render_crossword(answer)
    if task == "acrostic":
        return render_acrostic({int(k): v for k, v in answer.items()})
    if task == "logic":
        return render_logic(answer)
    if task == "cryptogram":
        return render_cryptogram(answer)
    if task == "sudoku":
        return render_grid(answer["answer"] if isinstance(answer, dict) else answer)
    if task == "drop":
        return render_grid(answer)
    raise ValueError(f"unknown task {task!r}")
