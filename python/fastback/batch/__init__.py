"""Batch runs: many SAT, Sudoku, LR²Bench or other tasks at once, with
progress, a resumable results file and, optionally, a Dask cluster.

Why: nobody solves one formula. Sweeping a benchmark folder, comparing
configurations, labelling training data or grading thousands of answers
all need the same loop: run in parallel, show progress, keep every
finished result through a crash, stop cleanly on Ctrl-C, and check the
answers. :func:`run` is that loop::

    from fastback.batch import run, SatTask

    tasks = [SatTask(path, time=30, expected="unsat") for path in paths]
    records = run(tasks, out="results.jsonl")          # threads, one per core
    # rerun: finished tasks are read back, the rest run

    from dask.distributed import Client               # the `dist` extra
    records = run(tasks, Client("tcp://scheduler:8786"), out="results.jsonl")

Each record is one line of the results file (``batch-contract.md``: id,
kind, instance, family, expected, config, status, ok, time, limit,
conflicts, error, worker, finished_at, fastback, plus extras).

- :mod:`.core`: :func:`run`, :class:`BatchInterrupted`;
- :mod:`.tasks`: :class:`SatTask`, :class:`SudokuTask`,
  :class:`LR2BenchTask`, :class:`CallTask` and the independent checks;
- :mod:`.store`: the results file (:func:`read_results`);
- :mod:`.instances`, :mod:`.configs`: the folders, manifests and
  ``--config`` specs of ``fastback batch sat`` (:mod:`.cli`).

Names are imported on first use, so ``fastback`` commands that never run a
batch do not pay for this package.
"""

from __future__ import annotations

from typing import Dict

from fastback._lazy import lazy_names

_LAZY: Dict[str, str] = {
    "run": "fastback.batch.core",
    "BatchInterrupted": "fastback.batch.core",
    "DuplicateTaskError": "fastback.batch.core",
    "default_workers": "fastback.batch.core",
    "SatTask": "fastback.batch.tasks",
    "SudokuTask": "fastback.batch.tasks",
    "LR2BenchTask": "fastback.batch.tasks",
    "CallTask": "fastback.batch.tasks",
    "Task": "fastback.batch.tasks",
    "Context": "fastback.batch.tasks",
    "execute": "fastback.batch.tasks",
    "interrupt_batch": "fastback.batch.tasks",
    "check_model": "fastback.batch.tasks",
    "check_sudoku_solution": "fastback.batch.tasks",
    "RECORD_KEYS": "fastback.batch.tasks",
    "ResultsFile": "fastback.batch.store",
    "ResultsFileError": "fastback.batch.store",
    "read_results": "fastback.batch.store",
    "Tally": "fastback.batch.progress",
    "SatInstance": "fastback.batch.instances",
    "InstanceError": "fastback.batch.instances",
    "find_sat_instances": "fastback.batch.instances",
    "sat_tasks": "fastback.batch.instances",
    "SolverConfig": "fastback.batch.configs",
    "ConfigError": "fastback.batch.configs",
    "parse_config": "fastback.batch.configs",
}

__all__ = list(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
