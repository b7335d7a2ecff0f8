"""Where the LR²Bench data lives, and reading it.

The benchmark (Chen et al., 2025; the ZNLP/LR2Bench ``data/`` folder) is six
tasks with 50 puzzles per level: ``<root>/<i>-<task>/<level>/data.jsonl``
holds the puzzles and ``<root>/answer.json`` the gold answers of every task,
as ``{task: [{"tag", "level", "answer"}, ...]}`` where ``answer`` is a JSON
string. This module finds the root, names the tasks and levels
(:data:`TASKS`), reads the raw records with errors that name the file and
line, and reads the gold answers (:func:`load_answers`). The typed puzzle
records are built in :mod:`fastback.lr2bench.puzzles`.

The root is, in order: the ``root`` argument (``--data DIR`` on the command
line), the ``FASTBACK_LR2BENCH`` environment variable, then
``../shared/bench/lr2bench`` relative to the current directory and to the
source checkout this package sits in, the first that exists.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from fastback._errors import LocatedError
from fastback.lr2bench.literal import LiteralError, parse_literal

__all__ = ["TASKS", "LEVELS", "ENV_VAR", "LR2BenchError", "DataNotFoundError",
           "data_root", "task_dir", "read_records", "GoldAnswers", "load_answers",
           "check_task_level"]

#: task -> (folder, levels), in the benchmark's order.
TASKS: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "crossword": ("0-crossword", ("5_5", "10_10", "15_15")),
    "acrostic": ("1-acrostic", ("easy", "hard")),
    "logic": ("2-logic", ("4_4", "4_5", "4_6", "4_7")),
    "cryptogram": ("3-cryptogram", ("easy", "hard")),
    "sudoku": ("4-sudoku", ("4_4_easy", "4_4_hard", "9_9_easy", "9_9_hard")),
    "drop": ("5-drop", ("easy", "hard")),
}

#: task -> levels.
LEVELS: Dict[str, Tuple[str, ...]] = {task: levels for task, (_, levels) in TASKS.items()}

ENV_VAR = "FASTBACK_LR2BENCH"

PathLike = Union[str, "os.PathLike[str]"]


class LR2BenchError(LocatedError):
    """Bad LR²Bench input: a data file, an answer file or a predictions file
    (``source:line: message``; see :class:`~fastback._errors.LocatedError`)."""


class DataNotFoundError(FileNotFoundError):
    """The LR²Bench data folder is not where it was looked for."""


def _default_candidates() -> List[Path]:
    here = Path(__file__).resolve()
    # python/fastback/lr2bench/data.py -> the checkout root is parents[3].
    checkout = here.parents[3] if len(here.parents) > 3 else here.parent
    out = [Path.cwd() / ".." / "shared" / "bench" / "lr2bench",
           checkout / ".." / "shared" / "bench" / "lr2bench"]
    return out


def data_root(root: Optional[PathLike] = None) -> Path:
    """The LR²Bench data folder (the one holding ``answer.json``).

    ``root`` wins, then ``$FASTBACK_LR2BENCH``, then the default locations.
    Raises :class:`DataNotFoundError` naming every place it looked.
    """
    if root is not None:
        path = Path(root)
        if not (path / "answer.json").is_file() and not any((path / f).is_dir() for f, _ in TASKS.values()):
            raise DataNotFoundError(f"{path}: not an LR²Bench data folder (no answer.json, no task folders)")
        return path
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env)
        if not path.is_dir():
            raise DataNotFoundError(f"${ENV_VAR}={env}: no such directory")
        return path
    tried = _default_candidates()
    for path in tried:
        if path.is_dir():
            return path.resolve()
    raise DataNotFoundError(
        "LR²Bench data not found: pass root= (--data DIR on the command line) or set "
        f"${ENV_VAR}; looked in " + ", ".join(str(p.resolve()) for p in tried))


def check_task_level(task: str, level: Optional[str] = None) -> None:
    """Raises ``ValueError`` for an unknown task or level, listing the known ones."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    if level is not None and level not in LEVELS[task]:
        raise ValueError(f"unknown level {level!r} for {task}; levels: {', '.join(LEVELS[task])}")


def task_dir(task: str, level: str, root: Optional[PathLike] = None) -> Path:
    """``<root>/<i>-<task>/<level>``."""
    check_task_level(task, level)
    return data_root(root) / TASKS[task][0] / level


def read_records(task: str, level: str, root: Optional[PathLike] = None) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """(line number, record) for each puzzle of one level, as stored.

    Raises :class:`LR2BenchError` (file and line) for a line that is not a
    JSON object, :class:`DataNotFoundError` when the file is missing.
    """
    path = task_dir(task, level, root) / "data.jsonl"
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise DataNotFoundError(f"{path}: no such file") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise LR2BenchError(str(path), number, f"not JSON: {e.msg} (column {e.colno})") from None
            if not isinstance(record, dict):
                raise LR2BenchError(str(path), number, "expected a JSON object")
            yield number, record


@dataclass(frozen=True)
class GoldAnswers:
    """The gold answers: ``answers[task, level, tag]`` is the parsed answer
    (a dict or list as in ``answer.json``; tags are strings)."""

    source: str
    by_key: Mapping[Tuple[str, str, str], Any]

    def __getitem__(self, key: Tuple[str, str, str]) -> Any:
        return self.by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self.by_key

    def __len__(self) -> int:
        return len(self.by_key)

    def tags(self, task: str, level: str) -> List[str]:
        """The tags of one level in the file's order."""
        return [t for (k, lv, t) in self.by_key if k == task and lv == level]

    def levels(self, task: str) -> List[str]:
        seen: Dict[str, None] = {}
        for k, lv, _ in self.by_key:
            if k == task:
                seen.setdefault(lv, None)
        return list(seen)


def load_answers(path: Optional[PathLike] = None, root: Optional[PathLike] = None) -> GoldAnswers:
    """Reads ``answer.json`` (``path``, else ``<root>/answer.json``).

    Each ``answer`` string is parsed with the safe literal parser. Raises
    :class:`LR2BenchError` naming the file and the task/level/tag of a bad
    entry, :class:`DataNotFoundError` when the file is missing.
    """
    file = Path(path) if path is not None else data_root(root) / "answer.json"
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataNotFoundError(f"{file}: no such file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LR2BenchError(str(file), e.lineno, f"not JSON: {e.msg}") from None
    if not isinstance(data, dict):
        raise LR2BenchError(str(file), 0, "expected an object keyed by task")
    by_key: Dict[Tuple[str, str, str], Any] = {}
    for task, entries in data.items():
        if task not in TASKS:
            raise LR2BenchError(str(file), 0, f"unknown task {task!r}")
        if not isinstance(entries, list):
            raise LR2BenchError(str(file), 0, f"{task}: expected a list of answers")
        for i, entry in enumerate(entries):
            where = f"{task}[{i}]"
            if not isinstance(entry, dict) or not {"tag", "level", "answer"} <= set(entry):
                raise LR2BenchError(str(file), 0, f"{where}: expected tag, level and answer")
            level, tag = str(entry["level"]), str(entry["tag"])
            if level not in LEVELS[task]:
                raise LR2BenchError(str(file), 0, f"{where}: unknown level {level!r}")
            answer = entry["answer"]
            if isinstance(answer, str):
                try:
                    answer = parse_literal(answer)
                except LiteralError as e:
                    raise LR2BenchError(str(file), 0, f"{task}/{level}/{tag}: answer: {e}") from None
            key = (task, level, tag)
            if key in by_key:
                raise LR2BenchError(str(file), 0, f"{task}/{level}/{tag}: answer given twice")
            by_key[key] = answer
    return GoldAnswers(str(file), by_key)
