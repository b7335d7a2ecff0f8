"""Making traces: one puzzle (:func:`sudoku_trace`, :func:`countdown_trace`)
or many (:func:`generate_sudoku`, :func:`generate_countdown`), each verified
by the independent replay of :mod:`fastback.traces.replay` unless
``verify=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from fastback import _core
from fastback.traces import replay as _replay
from fastback.traces._errors import NotEnoughBacktracksError
from fastback.traces.countdown import Instance, countdown_prompt
from fastback.traces.sudoku import Puzzle, sudoku_line, sudoku_prompt

__all__ = [
    "FORMATS",
    "Trace",
    "options",
    "sudoku_trace",
    "countdown_trace",
    "verify",
    "generate_sudoku",
    "generate_countdown",
    "item_seed",
]

#: The trace formats: ``dfs`` (linearised DFS, "To Backtrack or Not to
#: Backtrack") and ``nl`` (natural language, "How Much Backtracking is Enough?").
FORMATS = ("dfs", "nl")


@dataclass(frozen=True)
class Trace:
    """A trace and what it was made from.

    ``puzzle``: the Sudoku line, or ``{"numbers": [...], "target": t}``.
    ``solution``: the solved Sudoku line, or the CountDown answer expression
    (``steps``: its steps, ``"8+2=10"``). ``backtracks``: reverts in the
    text; ``requested_backtracks``: the k asked for (None: the full search).
    ``guesses``: Sudoku guesses / CountDown explored operations in the text;
    ``nodes``: the search effort behind it. ``options``: every option's
    value, for reproducing the trace.
    """

    task: str
    format: str
    puzzle: Union[str, Dict[str, Any]]
    prompt: str
    text: str
    solution: str
    backtracks: int
    requested_backtracks: Optional[int]
    guesses: int
    nodes: int
    options: Dict[str, Any]
    steps: Tuple[str, ...] = ()
    id: Optional[str] = field(default=None, compare=False)

    def to_record(self) -> Dict[str, Any]:
        """The JSONL record for training (see ``fastback traces --help``)."""
        record: Dict[str, Any] = {
            "id": self.id,
            "task": self.task,
            "format": self.format,
            "prompt": self.prompt,
            "puzzle": self.puzzle,
            "trace": self.text,
            "solution": self.solution,
            "backtracks": self.backtracks,
            "requested_backtracks": self.requested_backtracks,
            "options": self.options,
        }
        if self.task == "countdown":
            record["steps"] = list(self.steps)
        return record


def options(task: Optional[str] = None) -> List[Tuple[str, str, str, Any, Any, str]]:
    """The option table (from Rust, where it is declared once): ``(name,
    task, kind, default, domain, description)``; with ``task`` ("sudoku" or
    "countdown") only the options that apply to it."""
    table = _core.traces_options()
    return [o for o in table if task is None or o[1] in (task, "both")]


def _effective(task: str, given: Dict[str, Any]) -> Dict[str, Any]:
    out = {name: default for name, _t, _k, default, _d, _desc in options(task)}
    unknown = set(given) - set(out)
    if unknown:
        raise ValueError(f"unknown {task} trace option(s) {sorted(unknown)}; options: {sorted(out)}")
    out.update(given)
    return out


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown trace format {fmt!r} (formats: {', '.join(FORMATS)})")


def sudoku_trace(puzzle: Puzzle, *, format: str = "dfs", backtracks: Optional[int] = None, seed: int = 0,
                 verify: bool = True, **opts: Any) -> Trace:
    """A trace of fastback's DFS on one Sudoku.

    ``backtracks=None``: the whole search up to the first solution, with as
    many backtracks as it made. ``backtracks=k``: the search's solution
    path with exactly k wrong guesses, each explored until a contradiction
    and undone; chosen by ``seed`` among the wrong guesses the search
    refutes. ``opts``: the Sudoku options of :func:`options`
    (``propagation``, ``cell_order``, ``value_order``, ``max_nodes``).

    Errors: ``ValueError`` for a malformed puzzle (what and where);
    :class:`NoSolutionError`; :class:`NotEnoughBacktracksError` (with
    ``available``) when the puzzle cannot supply k; :class:`BudgetExceededError`;
    :class:`TraceVerificationError` if the replay fails (a bug).
    Cost: a solve, plus with k one search per wrong guess tested.
    """
    _check_format(format)
    line = sudoku_line(puzzle)
    eff = _effective("sudoku", dict(opts, seed=seed))
    out = _core.sudoku_trace(line, format, backtracks, eff)
    trace = Trace(task="sudoku", format=format, puzzle=line, prompt=sudoku_prompt(line, format), text=out["trace"],
                  solution=out["solution"], backtracks=out["backtracks"], requested_backtracks=backtracks,
                  guesses=out["guesses"], nodes=out["nodes"], options=eff)
    if verify:
        globals()["verify"](trace)
    return trace


def countdown_trace(numbers: Sequence[int], target: int, *, format: str = "dfs", backtracks: Optional[int] = None,
                    seed: int = 0, verify: bool = True, **opts: Any) -> Trace:
    """A trace of Stream of Search's DFS on one CountDown instance (see
    :func:`sudoku_trace` for ``backtracks``, ``seed``, ``verify`` and the
    errors). ``opts``: ``heuristic`` ("sum", "mult", "none"), ``prune``
    ("none", "target"), ``use_all``, ``max_nodes``.
    """
    _check_format(format)
    eff = _effective("countdown", dict(opts, seed=seed))
    out = _core.countdown_trace(list(numbers), target, format, backtracks, eff)
    trace = Trace(task="countdown", format=format, puzzle={"numbers": list(numbers), "target": target},
                  prompt=countdown_prompt(numbers, target, format, bool(eff["use_all"])), text=out["trace"],
                  solution=out["solution"], backtracks=out["backtracks"], requested_backtracks=backtracks,
                  guesses=out["guesses"], nodes=out["nodes"], options=eff, steps=tuple(out["steps"]))
    if verify:
        globals()["verify"](trace)
    return trace


def verify(trace: Trace) -> _replay.Replay:
    """Replays ``trace``'s text on its puzzle (:mod:`fastback.traces.replay`)
    and checks it reaches the recorded solution with the recorded number of
    backtracks (and the requested one, if any). Raises
    :class:`TraceVerificationError` otherwise."""
    from fastback.traces._errors import TraceVerificationError

    if trace.requested_backtracks is not None and trace.backtracks != trace.requested_backtracks:
        raise TraceVerificationError(0, f"{trace.backtracks} backtracks recorded, {trace.requested_backtracks} requested")
    if trace.task == "sudoku":
        assert isinstance(trace.puzzle, str)
        fn = _replay.replay_sudoku_dfs if trace.format == "dfs" else _replay.replay_sudoku_nl
        return fn(trace.puzzle, trace.text, expected_solution=trace.solution, expected_backtracks=trace.backtracks)
    assert isinstance(trace.puzzle, dict)
    nums, target = trace.puzzle["numbers"], trace.puzzle["target"]
    use_all = bool(trace.options.get("use_all", 0))
    if trace.format == "dfs":
        return _replay.replay_countdown_dfs(nums, target, trace.text, use_all=use_all, expected_solution=trace.solution,
                                            expected_steps=trace.steps, expected_backtracks=trace.backtracks)
    return _replay.replay_countdown_nl(nums, target, trace.text, use_all=use_all, expected_solution=trace.solution,
                                       expected_steps=trace.steps, expected_backtracks=trace.backtracks)


def item_seed(seed: int, index: int) -> int:
    """The seed of the ``index``-th puzzle of a dataset made with ``seed``,
    so that puzzles do not share one sequence of choices."""
    return (seed * 1_000_003 + index) % (2 ** 63)


def _many(items: Iterable[Any], make: Any, seed: int, skip_short: bool) -> Iterator[Trace]:
    for index, item in enumerate(items):
        try:
            yield make(item, item_seed(seed, index))
        except NotEnoughBacktracksError:
            if not skip_short:
                raise


def generate_sudoku(puzzles: Iterable[Puzzle], *, format: str = "dfs", backtracks: Optional[int] = None,
                    seed: int = 0, verify: bool = True, skip_short: bool = False, **opts: Any) -> Iterator[Trace]:
    """One verified trace per puzzle (lazily), puzzle ``i`` with seed
    :func:`item_seed(seed, i) <item_seed>`. ``skip_short=True`` drops the
    puzzles that cannot supply ``backtracks`` (instead of raising
    :class:`NotEnoughBacktracksError`); every trace yielded has exactly k."""
    return _many(puzzles, lambda p, s: sudoku_trace(p, format=format, backtracks=backtracks, seed=s, verify=verify,
                                                    **opts), seed, skip_short)


def generate_countdown(instances: Iterable[Union[Instance, Tuple[Sequence[int], int]]], *, format: str = "dfs",
                       backtracks: Optional[int] = None, seed: int = 0, verify: bool = True,
                       skip_short: bool = False, **opts: Any) -> Iterator[Trace]:
    """One verified trace per CountDown instance (an :class:`Instance` or a
    ``(numbers, target)`` pair); as :func:`generate_sudoku`."""

    def make(item: Any, s: int) -> Trace:
        nums, target = (item.numbers, item.target) if isinstance(item, Instance) else item
        return countdown_trace(nums, target, format=format, backtracks=backtracks, seed=s, verify=verify, **opts)

    return _many(instances, make, seed, skip_short)

