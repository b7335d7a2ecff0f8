"""The jobs a batch runs: SAT, Sudoku, LR²Bench and any other call.

Why a task is a small picklable object rather than a closure: the same batch
runs on a thread pool in this process or on Dask worker processes on other
machines, so a task must carry only what it needs to do its work *there*
(a file path, a configuration), read its input in the worker and hand back
one JSON-ready record. Every task type is a module-level class whose fields
are plain data, so ``pickle`` (and Dask's cloudpickle) ship it unchanged.

A task has an ``id`` (unique within a batch: the resume key), a ``kind``
and a ``run(ctx)`` method returning the kind-specific fields of its record;
:func:`execute` (what the executor actually calls) wraps it, catches any
exception into a ``status: "error"`` record, and fills the fields every
record has (``worker``, ``finished_at``, ``time`` when the task gave none,
``fastback``), so the record layout of ``batch-contract.md`` is produced in
one place.

Results are checked by something other than the engine that produced them:
a SAT model is evaluated against every clause here (numpy, over the clause
arrays of the DIMACS reader; the solver is not involved), an UNSAT answer
is compared with the expected status and, with ``check_proof=True``,
verified by fastback's independent DRAT checker; a Sudoku solution is
checked against its givens and the row, column and box rules; an LR²Bench
level is scored against the gold answers by :func:`fastback.lr2bench.score`.

Stopping: each task registers how to interrupt its engine (the SAT solver's
``interrupt()``) with :class:`Context` while it runs, so a batch stopped
by Ctrl-C stops its running tasks within the engines' ~100 ms polling
interval, in this process (:func:`interrupt_batch`, called by the runner)
or on a Dask worker (the runner sends the same call to every worker). A
task that noticed the stop returns a record marked ``_stopped``, which the
runner discards: an interrupted answer is not a result, and the task is
redone on resume.
"""

from __future__ import annotations

import json
import math
import os
import socket
import threading
import time as _time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import (Any, Callable, ClassVar, Dict, Iterator, List, Mapping, Optional, Sequence, Set,
                    Tuple, Union)

__all__ = ["Task", "SatTask", "SudokuTask", "LR2BenchTask", "CallTask", "Context", "execute",
           "interrupt_batch", "check_model", "check_sudoku_solution", "RECORD_KEYS"]

#: The keys of every record, in the order of the results-file contract.
RECORD_KEYS: Tuple[str, ...] = ("id", "kind", "instance", "family", "expected", "config", "status", "ok",
                                "time", "limit", "conflicts", "error", "worker", "finished_at", "fastback")

#: Marker key of a record whose task noticed the batch was stopped (never written).
STOPPED = "_stopped"


# --------------------------------------------------------------------------
# stopping running tasks
# --------------------------------------------------------------------------

# batch id -> interrupt callbacks of the tasks of that batch running in this
# process; batch ids in _STOPPED_BATCHES have been told to stop. One lock
# guards both: a task registering its callback after the stop must still be
# interrupted. Re-entrant because the runner's signal handler calls
# interrupt_batch on the main thread, which may hold the lock at that moment.
_LOCK = threading.RLock()
_RUNNING: Dict[str, Dict[int, Callable[[], None]]] = {}
_STOPPED_BATCHES: Set[str] = set()
_NEXT_TOKEN = [0]


def interrupt_batch(batch: str) -> int:
    """Tells every task of batch ``batch`` running in this process to stop,
    and those that start later to stop at once. Returns how many running
    tasks were interrupted. Safe from any thread and from a signal handler;
    cost O(running tasks). The runner calls it locally and, on a Dask
    cluster, on every worker through ``Client.run``."""
    with _LOCK:
        _STOPPED_BATCHES.add(batch)
        callbacks = list(_RUNNING.get(batch, {}).values())
    for interrupt in callbacks:
        try:
            interrupt()
        except Exception:  # a solver already deleted: nothing left to stop
            pass
    return len(callbacks)


def forget_batch(batch: str) -> None:
    """Drops the stop flag of a finished batch (the runner calls it)."""
    with _LOCK:
        _STOPPED_BATCHES.discard(batch)
        _RUNNING.pop(batch, None)


class Context:
    """What a running task can ask of the batch: whether it was stopped,
    and a way to register its engine's interrupt while it runs."""

    def __init__(self, batch: str) -> None:
        self.batch = batch

    @property
    def stopped(self) -> bool:
        """Whether the batch has been told to stop."""
        with _LOCK:
            return self.batch in _STOPPED_BATCHES

    @contextmanager
    def interruptible(self, interrupt: Callable[[], None]) -> Iterator[None]:
        """Within the block, a stop of the batch calls ``interrupt()`` (from
        another thread). If the batch is already stopped it is called at
        once, so an engine started after the stop stops immediately."""
        with _LOCK:
            token = _NEXT_TOKEN[0]
            _NEXT_TOKEN[0] += 1
            _RUNNING.setdefault(self.batch, {})[token] = interrupt
            already = self.batch in _STOPPED_BATCHES
        if already:
            interrupt()
        try:
            yield
        finally:
            with _LOCK:
                running = _RUNNING.get(self.batch)
                if running is not None:
                    running.pop(token, None)
                    if not running:
                        del _RUNNING[self.batch]


class _Stopped(Exception):
    """Raised inside a task that noticed the batch was stopped."""


# --------------------------------------------------------------------------
# the wrapper every executor runs
# --------------------------------------------------------------------------


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(task: Any) -> Dict[str, Any]:
    """The identifying fields of a task's record, read from the task."""
    return {
        "id": task.id,
        "kind": getattr(task, "kind", "call"),
        "instance": getattr(task, "instance", None) or task.id,
        "family": getattr(task, "family", None) or "",
        "expected": getattr(task, "expected", None),
        "config": getattr(task, "config", None) or "default",
        "limit": getattr(task, "limit", None),
    }


def _version() -> str:
    from fastback import __version__

    return __version__


def execute(task: Any, batch: str = "") -> Dict[str, Any]:
    """Runs one task and returns its record (a dict in the contract's key
    order, then the task's extra keys). Never raises ``Exception``: an
    exception in the task becomes ``status: "error"`` with ``"Type: message"``
    in ``error``; ``KeyboardInterrupt`` and other ``BaseException`` pass
    through. A record that cannot be written as JSON (a ``CallTask``
    returning a set, a NaN) is an error record too. ``batch`` names the
    batch for :func:`interrupt_batch`. Cost: the task's, plus one
    ``json.dumps`` of the record."""
    ctx = Context(batch)
    start = _time.perf_counter()
    base = _describe(task)
    try:
        if ctx.stopped:
            raise _Stopped()
        fields = task.run(ctx)
    except _Stopped:
        return {**base, "status": "unknown", STOPPED: True}
    except Exception as e:  # noqa: BLE001 - the contract: an error line, not a crashed batch
        fields = {"status": "error", "ok": None, "error": _error_text(e)}
    elapsed = _time.perf_counter() - start
    if fields.pop(STOPPED, False):
        return {**base, "status": "unknown", STOPPED: True}
    record = _assemble(base, fields, elapsed)
    problem = _contract_problem(record)
    if problem is None:
        try:
            json.dumps(record, allow_nan=False)
        except (TypeError, ValueError) as e:
            problem = f"the task's result is not JSON: {e}"
    if problem is not None:
        record = _assemble(base, {"status": "error", "ok": None, "error": problem}, elapsed)
    return record


#: The statuses the results-file contract allows, by kind.
STATUSES = {"sat": ("sat", "unsat", "unknown", "error")}
OTHER_STATUSES = ("solved", "unsolved", "unknown", "error")


def _contract_problem(record: Dict[str, Any]) -> Optional[str]:
    """What makes a record break the contract (a CallTask may return anything)."""
    allowed = STATUSES.get(record["kind"], OTHER_STATUSES)
    if record["status"] not in allowed:
        return f"the task's status {record['status']!r} is not one of {', '.join(allowed)}"
    if record["ok"] not in (True, False, None):
        return f"the task's ok {record['ok']!r} is not true, false or null"
    if record["status"] == "error" and not record["error"]:
        return "the task's status is error without a message"
    return None


def _error_text(e: BaseException) -> str:
    text = str(e)
    # Errors that already say where (file:line: ...) read best without a class name.
    from fastback._errors import LocatedError

    if isinstance(e, LocatedError) or (isinstance(e, OSError) and getattr(e, "filename", None)):
        if isinstance(e, OSError) and not isinstance(e, LocatedError):
            return f"{e.filename}: {e.strerror or e}"
        return text
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _assemble(base: Dict[str, Any], fields: Dict[str, Any], elapsed: float) -> Dict[str, Any]:
    record: Dict[str, Any] = {}
    merged = {**base, **fields}
    merged.setdefault("ok", None)
    merged.setdefault("conflicts", None)
    merged.setdefault("error", None)
    merged.setdefault("time", round(elapsed, 6))
    merged["worker"] = _worker_name()
    merged["finished_at"] = _now()
    merged["fastback"] = _version()
    for key in RECORD_KEYS:
        record[key] = merged.pop(key, None)
    record.update(merged)
    return record


class Task:
    """The interface of a batch task (a base class for documentation; any
    object with these attributes works): ``id`` (str, unique in a batch),
    ``kind`` (``"sat"``, ``"sudoku"``, ``"lr2bench"``, ``"call"``), optional
    ``instance``, ``family``, ``expected``, ``config``, ``limit`` and
    ``run(ctx) -> dict`` returning at least ``status``. It must pickle to
    run on Dask worker processes."""

    id: str
    kind: str

    def run(self, ctx: Context) -> Dict[str, Any]:  # pragma: no cover - interface
        raise NotImplementedError


# --------------------------------------------------------------------------
# SAT
# --------------------------------------------------------------------------


def check_model(lits: Any, offsets: Any, model: Sequence[int]) -> Optional[int]:
    """The index of the first clause that ``model`` falsifies, or ``None``
    when it satisfies every clause. ``lits``/``offsets`` are the flat
    clause arrays (clause ``i`` is ``lits[offsets[i]:offsets[i+1]]``),
    ``model`` DIMACS literals; a variable the model does not mention counts
    as false for both polarities, so a model must assign every variable it
    needs. Independent of the solver: plain numpy over the clause arrays.
    Cost: O(literals)."""
    import numpy as np

    lits = np.asarray(lits, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=np.int64)
    num_clauses = len(offsets) - 1
    if num_clauses <= 0:
        return None
    model_arr = np.asarray(model, dtype=np.int64)
    top = int(max(np.abs(lits).max(initial=0), np.abs(model_arr).max(initial=0)))
    true_lit = np.zeros((top + 1, 2), dtype=bool)  # [var, 0]: v true, [var, 1]: -v true
    if model_arr.size:
        true_lit[np.abs(model_arr), (model_arr < 0).astype(np.int64)] = True
    if lits.size == 0:
        return 0  # only empty clauses
    satisfied_lit = true_lit[np.abs(lits), (lits < 0).astype(np.int64)]
    sizes = np.diff(offsets)
    nonempty = sizes > 0
    satisfied = np.zeros(num_clauses, dtype=bool)
    if nonempty.any():
        # reduceat over the start of each non-empty clause: an empty clause
        # would make reduceat return the next literal's value, so skip them.
        satisfied[nonempty] = np.logical_or.reduceat(satisfied_lit, offsets[:-1][nonempty])
    bad = np.flatnonzero(~satisfied)
    return int(bad[0]) if bad.size else None


@lru_cache(maxsize=1)
def _solver_option_table() -> Dict[str, Tuple[int, int, int, str]]:
    from fastback import _core

    return {name: (default, lo, hi, desc) for name, default, lo, hi, desc in _core.solver_options()}


@dataclass(frozen=True)
class SatTask:
    """Solve one DIMACS CNF file (plain, ``.gz`` or ``.xz``) and check the answer.

    Fields: ``path`` (read in the worker, so it must be reachable there; made
    absolute here), ``config`` (the configuration's name), ``time`` (seconds
    for the whole task: reading, priors and search; ``None`` no limit),
    ``conflicts`` (conflict limit), ``options`` (solver options by name, as
    ``fastback sat --NAME=VALUE``), ``neural`` (``True``: the shipped phase
    model; a path: that model; ``False``: none), ``threshold`` (prior
    confidence, in (0.5, 1]), ``seed``, ``expected`` (``"sat"``,
    ``"unsat"`` or ``None``), ``family``, ``instance`` (the name in the
    record; default the file name), ``id`` (default
    ``"<config>/<instance>"``), ``check_proof`` (log a DRAT proof in
    memory and verify an UNSAT answer with the independent checker; costs
    memory proportional to the proof) and ``keep_model`` (put the model in
    the record as ``model``, a list of DIMACS literals, e.g. to label
    training data; one number per variable per line of the results file).

    The record: ``status`` ``"sat"``/``"unsat"``/``"unknown"`` (limit
    reached, with ``reason`` ``"time_limit"`` or ``"conflict_limit"``);
    ``ok`` True when a model satisfies every clause or an UNSAT answer
    agrees with ``expected`` (and its proof checks), False for a wrong
    answer (with ``note`` saying why), None when there is nothing to check;
    ``time`` is reading + priors + search, ``conflicts``, and extras
    ``vars``, ``clauses``, ``parse_time``, ``solve_time``, ``check_time``
    and the solver's ``stats``.

    Errors at construction: ``ValueError`` for an unknown solver option or
    one out of range, a negative limit, a bad threshold or ``expected``
    (checked here, so a bad configuration fails before the batch starts).
    """

    path: str
    config: str = "default"
    time: Optional[float] = None
    conflicts: Optional[int] = None
    options: Mapping[str, int] = field(default_factory=dict)
    neural: Union[bool, str] = False
    threshold: float = 0.9
    seed: int = 0
    expected: Optional[str] = None
    family: Optional[str] = None
    instance: Optional[str] = None
    id: Optional[str] = None
    check_proof: bool = False
    keep_model: bool = False
    kind: ClassVar[str] = "sat"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "path", os.path.abspath(os.fspath(self.path)))
        if self.instance is None:
            set_(self, "instance", os.path.basename(self.path))
        if self.id is None:
            set_(self, "id", f"{self.config}/{self.instance}")
        if self.family is None:
            set_(self, "family", "")
        if self.expected not in (None, "sat", "unsat"):
            raise ValueError(f"{self.id}: expected must be 'sat', 'unsat' or None, got {self.expected!r}")
        if self.time is not None and not (isinstance(self.time, (int, float)) and self.time >= 0):
            raise ValueError(f"{self.id}: time must be a non-negative number of seconds, got {self.time!r}")
        if self.conflicts is not None and not (isinstance(self.conflicts, int) and self.conflicts >= 0):
            raise ValueError(f"{self.id}: conflicts must be a non-negative int, got {self.conflicts!r}")
        if not 0.5 < self.threshold <= 1.0:
            raise ValueError(f"{self.id}: threshold must be in (0.5, 1], got {self.threshold}")
        table = _solver_option_table()
        for name, value in self.options.items():
            if name not in table or name == "seed":
                known = ", ".join(n for n in table if n != "seed")
                raise ValueError(f"{self.id}: unknown solver option {name!r} (seed has its own field); "
                                 f"options: {known}")
            lo, hi = table[name][1:3]
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise ValueError(f"{self.id}: solver option {name} must be an int in [{lo}, {hi}], got {value!r}")
        set_(self, "options", dict(self.options))

    @property
    def limit(self) -> Optional[float]:
        """The time limit in seconds (the record's ``limit``)."""
        return None if self.time is None else float(self.time)

    def run(self, ctx: Context) -> Dict[str, Any]:
        import numpy as np

        from fastback import _core

        start = _time.perf_counter()
        cnf = _core.read_dimacs(path=self.path)
        parse_time = _time.perf_counter() - start
        solver = _core.Solver({"seed": self.seed, **self.options})
        try:
            if self.check_proof:
                solver.set_proof(None, True)
            if self.neural:
                from fastback.neuro.priors import predict_phases

                model_path = None if self.neural is True else str(self.neural)
                probs = predict_phases(cnf, model_path)
                solver.set_phase_priors(np.asarray(probs, dtype=np.float32).tobytes(), float(self.threshold))
            solver.append_cnf(cnf)
            if self.conflicts is not None:
                solver.set_conflict_budget(self.conflicts)
            if self.time is not None:
                # The limit covers the whole task: what reading and priors took comes off it.
                solver.set_time_limit(max(0.0, float(self.time) - (_time.perf_counter() - start)))
            solve_start = _time.perf_counter()
            with ctx.interruptible(solver.interrupt):
                answer = solver.solve()
            solve_time = _time.perf_counter() - solve_start
            total = _time.perf_counter() - start
            if answer is None and ctx.stopped:
                return {STOPPED: True}
            stats = dict(solver.stats())
            conflicts = int(stats.get("conflicts", 0))
            fields: Dict[str, Any] = {"time": round(total, 6), "conflicts": conflicts}
            check_start = _time.perf_counter()
            if answer is True:
                model = solver.model()
                fields.update(self._check_sat(cnf, model))
                if self.keep_model:
                    fields["model"] = model
            elif answer is False:
                fields.update(self._check_unsat(cnf, solver))
            else:
                fields["status"] = "unknown"
                fields["ok"] = None
                fields["reason"] = ("conflict_limit" if self.conflicts is not None and conflicts >= self.conflicts
                                    else "time_limit")
            fields.update({"vars": cnf.num_vars, "clauses": cnf.num_clauses,
                           "parse_time": round(parse_time, 6), "solve_time": round(solve_time, 6),
                           "check_time": round(_time.perf_counter() - check_start, 6),
                           "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float))
                                     and math.isfinite(v)}})
            return fields
        finally:
            solver.delete()

    def _check_sat(self, cnf: Any, model: Optional[List[int]]) -> Dict[str, Any]:
        import numpy as np

        out: Dict[str, Any] = {"status": "sat"}
        if model is None:
            out.update(ok=False, note="the solver answered SAT without a model")
            return out
        lits = np.frombuffer(cnf.lits_bytes(), dtype=np.int32)
        offsets = np.frombuffer(cnf.offsets_bytes(), dtype=np.int64)
        bad = check_model(lits, offsets, model)
        if bad is not None:
            clause = lits[offsets[bad]:offsets[bad + 1]].tolist()
            out.update(ok=False, note=f"WRONG ANSWER: the model falsifies clause {bad + 1} {clause}")
        else:
            out["ok"] = True
            if self.expected == "unsat":
                out["note"] = "the model satisfies every clause although the expected status is unsat"
        return out

    def _check_unsat(self, cnf: Any, solver: Any) -> Dict[str, Any]:
        out: Dict[str, Any] = {"status": "unsat", "ok": None}
        if self.expected == "sat":
            out.update(ok=False, note="WRONG ANSWER: unsat, but the expected status is sat")
            return out
        if self.expected == "unsat":
            out["ok"] = True
        if self.check_proof:
            from fastback import _core

            report = _core.check_drat(cnf.num_vars, cnf, solver.proof_bytes(), "binary")
            out["proof_verified"] = bool(report.verified)
            if report.verified:
                out["ok"] = True
            else:
                out.update(ok=False, note=f"WRONG ANSWER: the DRAT proof does not check: {report.message}")
        return out


# --------------------------------------------------------------------------
# Sudoku
# --------------------------------------------------------------------------

_SUDOKU_SIZES = {16: 4, 81: 9, 256: 16, 625: 25}


def _sudoku_value(ch: str, n: int) -> int:
    if ch in ".0":
        return 0
    if n <= 9:
        return int(ch) if ch.isdigit() else -1
    return ord(ch.upper()) - ord("A") + 1 if ch.isalpha() else -1


def check_sudoku_solution(puzzle: str, solution: str) -> Optional[str]:
    """Why ``solution`` does not solve ``puzzle`` (``None`` when it does):
    same size, every given kept, each value once per row, column and box.
    Written here from the rules, independently of the Sudoku engine.
    Cost: O(cells)."""
    cells = len(puzzle)
    n = _SUDOKU_SIZES.get(cells)
    if n is None:
        return f"a puzzle of {cells} characters is not 4x4, 9x9, 16x16 or 25x25"
    if len(solution) != cells:
        return f"the solution has {len(solution)} cells, the puzzle {cells}"
    values = [_sudoku_value(ch, n) for ch in solution]
    for i, (given, value) in enumerate(zip(puzzle, values)):
        if not 1 <= value <= n:
            return f"cell {i}: {solution[i]!r} is not a value of a {n}x{n} grid"
        g = _sudoku_value(given, n)
        if g and g != value:
            return f"cell {i}: the given {given!r} was changed"
    box = math.isqrt(n)
    full = set(range(1, n + 1))
    for k in range(n):
        row = {values[k * n + j] for j in range(n)}
        col = {values[j * n + k] for j in range(n)}
        r0, c0 = (k // box) * box, (k % box) * box
        blk = {values[(r0 + a) * n + c0 + b] for a in range(box) for b in range(box)}
        for name, group in (("row", row), ("column", col), ("box", blk)):
            if group != full:
                return f"{name} {k + 1} does not hold every value once"
    return None


def _read_puzzle_lines(path: str) -> List[str]:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [s for s in (line.strip() for line in f) if s and not s.startswith("#")]


@dataclass(frozen=True)
class SudokuTask:
    """Solve a chunk of Sudoku puzzles and check every solution by the rules.

    ``puzzles``: a list of puzzle strings (the text form of
    :mod:`fastback.sudoku`), or the path of a file with one per line
    (blank and ``#`` lines skipped) read in the worker; ``start``/``stop``
    take a slice of it (puzzle indices, not line numbers), so one file can
    be split into many tasks. ``id`` is required for a list; for a file it
    defaults to ``"<config>/<file name>[start:stop]"``.

    The record: ``status`` ``"solved"`` when every puzzle has a solution,
    ``"unsolved"`` when some has none (conflicting givens); ``ok`` False
    when a solution breaks a rule or changes a given (``note`` says which
    puzzle and why), else True; extras ``puzzles``, ``solved`` (count),
    ``no_solution`` (indices within the chunk, at most 20). Puzzles are
    solved in slices of 1,000 so a stopped batch stops the task between
    slices. Errors: a malformed puzzle is an error record naming its index.
    """

    puzzles: Union[str, Sequence[str]]
    id: Optional[str] = None
    start: int = 0
    stop: Optional[int] = None
    config: str = "default"
    family: str = ""
    instance: Optional[str] = None
    kind: ClassVar[str] = "sudoku"
    limit: ClassVar[Optional[float]] = None
    expected: ClassVar[Optional[str]] = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if isinstance(self.puzzles, (str, os.PathLike)):
            path = os.path.abspath(os.fspath(self.puzzles))
            set_(self, "puzzles", path)
            span = f"[{self.start}:{'' if self.stop is None else self.stop}]" if self.start or self.stop else ""
            if self.instance is None:
                set_(self, "instance", os.path.basename(path) + span)
        else:
            set_(self, "puzzles", list(self.puzzles))
            if self.id is None:
                raise ValueError("a SudokuTask over a list of puzzles needs an id")
        if self.id is None:
            set_(self, "id", f"{self.config}/{self.instance}")
        if self.instance is None:
            set_(self, "instance", self.id)

    def run(self, ctx: Context) -> Dict[str, Any]:
        from fastback import sudoku

        puzzles = (_read_puzzle_lines(self.puzzles) if isinstance(self.puzzles, str)
                   else list(self.puzzles))[self.start:self.stop]
        solved, missing, note = 0, [], None
        for offset in range(0, len(puzzles), 1000):
            if ctx.stopped:
                raise _Stopped()
            chunk = puzzles[offset:offset + 1000]
            try:
                solutions = sudoku.solve_many(chunk, threads=1)
            except ValueError as e:
                raise ValueError(f"puzzle {self.start + offset}+: {e}") from None
            for k, (p, s) in enumerate(zip(chunk, solutions)):
                if s is None:
                    missing.append(offset + k)
                    continue
                why = check_sudoku_solution(p, s)
                if why is not None and note is None:
                    note = f"WRONG ANSWER: puzzle {self.start + offset + k}: {why}"
                solved += why is None
        return {"status": "unsolved" if missing else "solved", "ok": note is None,
                **({"note": note} if note else {}),
                "puzzles": len(puzzles), "solved": solved, "no_solution": missing[:20]}


# --------------------------------------------------------------------------
# LR²Bench
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LR2BenchTask:
    """Run fastback's solver on one LR²Bench task and level, and score its
    outputs against the gold answers with :func:`fastback.lr2bench.score`.

    ``root`` is the data folder (``None``: found in the worker as
    :func:`fastback.lr2bench.data_root` does; pass it for remote workers),
    ``candidates`` the crossword/acrostic candidate answers (as
    :func:`fastback.lr2bench.solve.solve_level` takes them), ``hints`` and
    ``seed`` as there. ``keep_outputs`` puts the solver's output records
    (``{"task", "level", "tag", "output"}``, what ``fastback lr2bench score``
    reads) in the record under ``outputs``.

    The record: ``status`` ``"solved"`` when every puzzle's answer is
    exactly right (EM = 1), else ``"unsolved"``; ``ok`` True when solved,
    else None: a puzzle answered wrongly lowers the level's scores (it is
    what the benchmark measures), it is not a checking failure. Extras:
    ``scores`` (``n``, ``cr``, ``s_acc``, ``em``, ``pm05``, ``right``,
    ``total``). The task checks the stop flag after each puzzle. Errors:
    unknown task or level at construction (``ValueError``); a solver that
    cannot run here (no wordfreq, no candidates) is an error record.
    """

    task: str
    level: str
    root: Optional[str] = None
    candidates: Optional[Mapping[str, Mapping[str, Sequence[str]]]] = None
    hints: bool = True
    seed: int = 0
    config: str = "default"
    id: Optional[str] = None
    keep_outputs: bool = False
    kind: ClassVar[str] = "lr2bench"
    limit: ClassVar[Optional[float]] = None
    expected: ClassVar[Optional[str]] = None

    def __post_init__(self) -> None:
        from fastback.lr2bench.data import check_task_level

        check_task_level(self.task, self.level)
        if self.root is not None:
            object.__setattr__(self, "root", os.path.abspath(os.fspath(self.root)))
        if self.id is None:
            object.__setattr__(self, "id", f"{self.config}/{self.instance}")

    @property
    def instance(self) -> str:
        return f"{self.task}/{self.level}"

    @property
    def family(self) -> str:
        return self.task

    def run(self, ctx: Context) -> Dict[str, Any]:
        from fastback.lr2bench.data import load_answers
        from fastback.lr2bench.scoring import Prediction, score
        from fastback.lr2bench.solve import solve_level

        def progress(done: int, total: int) -> None:
            if ctx.stopped:
                raise _Stopped()

        records = list(solve_level(self.task, self.level, self.root, candidates=self.candidates,
                                   hints=self.hints, seed=self.seed, progress=progress))
        answers = load_answers(None, self.root)
        predictions = [Prediction(task=r["task"], level=r["level"], tag=r["tag"], output=r["output"],
                                  source="<fastback batch>", line=i)
                       for i, r in enumerate(records, 1)]
        level = score(predictions, answers).level(self.task, self.level)
        fields: Dict[str, Any] = {
            "status": "solved" if level.em == 1.0 else "unsolved",
            "ok": True if level.em == 1.0 else None,
            "scores": {"n": level.n, "cr": level.cr, "s_acc": level.s_acc, "em": level.em,
                       "pm05": level.pm05, "right": level.right, "total": level.total},
        }
        if self.keep_outputs:
            fields["outputs"] = records
        return fields


# --------------------------------------------------------------------------
# any other job
# --------------------------------------------------------------------------


class CallTask:
    """Any other job: ``fn(*args, **kwargs)`` run in the worker.

    ``fn`` must pickle for process and Dask executors (a module-level
    function, not a lambda, unless the executor uses cloudpickle as Dask
    does). What it returns becomes the record: a dict is merged into it
    (it may set ``status``, ``ok``, ``time`` and any extra keys;
    ``status`` defaults to ``"solved"``), anything else is stored under
    ``value`` with ``status: "solved"``; it must be JSON-serialisable or the
    record is an error record. An exception is an error record. A CallTask
    cannot be interrupted: a stopped batch waits for (thread pool) or
    abandons (Dask) a call that is running.

    Keyword-only: ``id`` (required), ``kwargs``, and the record fields
    ``instance``, ``family``, ``config``, ``expected``, ``limit``. Without
    ``config`` and ``instance``, an id ``"CONFIG/INSTANCE"`` gives both, as
    the results-file contract writes ids (``"grade/item-17"``); an id
    without ``/`` is config ``default``, instance ``id``.
    """

    kind = "call"

    def __init__(self, fn: Callable[..., Any], *args: Any, id: str, kwargs: Optional[Mapping[str, Any]] = None,
                 instance: Optional[str] = None, family: str = "", config: Optional[str] = None,
                 expected: Optional[str] = None, limit: Optional[float] = None) -> None:
        if not callable(fn):
            raise TypeError(f"CallTask {id!r}: fn must be callable, got {type(fn).__name__}")
        if not isinstance(id, str) or not id:
            raise ValueError(f"CallTask: id must be a non-empty str, got {id!r}")
        self.fn = fn
        self.args = args
        self.kwargs = dict(kwargs or {})
        self.id = id
        head, slash, tail = id.partition("/")
        if config is None and instance is None and slash and head and tail:
            config, instance = head, tail
        self.instance = instance or id
        self.family = family
        self.config = config or "default"
        self.expected = expected
        self.limit = limit

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"CallTask({name}, id={self.id!r})"

    def run(self, ctx: Context) -> Dict[str, Any]:
        value = self.fn(*self.args, **self.kwargs)
        if isinstance(value, dict):
            fields = dict(value)
            fields.setdefault("status", "solved")
            return fields
        return {"status": "solved", "value": value}
