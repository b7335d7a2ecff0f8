"""``fastback lr2bench ...``: scoring outputs and running the solvers.

``fastback lr2bench score PRED.jsonl`` prints CR, S-Acc, EM and PM-0.5 per
task and level, and per-task averages (``--json`` for a machine-readable
report). ``fastback lr2bench solve --task T [--level L] --out F`` writes
the solvers' outputs as JSONL records ``{"task", "level", "tag",
"output"}`` that ``score`` grades like a model's. Subcommands register in
:data:`SUBCOMMANDS` as the top-level commands do in :mod:`fastback.cli`.
Tables and reports go to stdout; progress (a bar, only on a terminal) and
errors to stderr, as ``fastback lr2bench <sub>: error: ...`` with exit
status 1.

Nothing heavy is imported at module import time: ``fastback sat`` builds
its parser through this module.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Callable, Dict, List, Optional, Tuple

HELP = "LR²Bench: score model outputs (score) and run the solvers (solve)"

#: name -> (help, add_arguments(parser), run(args) -> exit status)
SUBCOMMANDS: Dict[str, Tuple[str, Callable[[argparse.ArgumentParser], None],
                             Callable[[argparse.Namespace], int]]] = {}

OK, ERROR = 0, 1

_TASKS = ("crossword", "acrostic", "logic", "cryptogram", "sudoku", "drop")


def _error(subcommand: str, message: str) -> int:
    sys.stdout.flush()
    sys.stderr.write(f"fastback lr2bench {subcommand}: error: {message}\n")
    return ERROR


def _add_data_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", default=None,
                   help="the LR²Bench data folder (default: $FASTBACK_LR2BENCH, else "
                        "../shared/bench/lr2bench)")


# --------------------------------------------------------------------------
# fastback lr2bench score
# --------------------------------------------------------------------------


def _add_score_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("predictions", metavar="PRED.jsonl",
                   help='JSONL records {"task", "level", "tag", "output"} ("response" also accepted)')
    p.add_argument("--answers", metavar="PATH", default=None,
                   help="gold answers (default: answer.json in the data folder)")
    _add_data_argument(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--partial", action="store_true",
                   help="score only the items present (default: a level's missing items count as unanswered)")


def _run_score(args: argparse.Namespace) -> int:
    from fastback.lr2bench.data import DataNotFoundError, LR2BenchError, load_answers
    from fastback.lr2bench.scoring import read_predictions, score

    try:
        answers = load_answers(args.answers, args.data)
        predictions = read_predictions(args.predictions)
        report = score(predictions, answers, partial=args.partial)
    except (LR2BenchError, DataNotFoundError) as e:
        return _error("score", str(e))
    if not report.levels:
        return _error("score", f"{args.predictions}: no predictions")
    if args.json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(report.table() + "\n")
    return OK


# --------------------------------------------------------------------------
# fastback lr2bench solve
# --------------------------------------------------------------------------


def _add_solve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--task", required=True, choices=_TASKS + ("all",),
                   help="the task to solve, or all (tasks whose solver cannot run and levels without "
                        "data are then skipped, with a note on stderr)")
    p.add_argument("--level", default=None, metavar="L", help="one level (default: every level of the task)")
    p.add_argument("--out", required=True, metavar="FILE", help="JSONL output ('-' for stdout)")
    _add_data_argument(p)
    p.add_argument("--candidates", metavar="FILE", default=None,
                   help='crossword/acrostic candidate answers: JSON {"<tag>" or "<level>/<tag>": '
                        '{"<clue id>": ["WORD", ...]}}, clue ids "1-Across" / "A"')
    p.add_argument("--no-hints", action="store_true",
                   help="do not use the cryptogram hints and the acrostic answers the puzzles give away "
                        "(the benchmark's prompts do not show the cryptogram hints)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed of the searches (default 0)")


def _run_solve(args: argparse.Namespace) -> int:
    from fastback.lr2bench.data import LEVELS, DataNotFoundError, LR2BenchError, check_task_level
    from fastback.lr2bench.solve import SolverUnavailable, read_candidates, solve_level
    from fastback.lr2bench.words import MissingWordList

    tasks = list(_TASKS) if args.task == "all" else [args.task]
    if args.level is not None:
        if args.task == "all":
            return _error("solve", "--level needs a single --task")
        try:
            check_task_level(args.task, args.level)
        except ValueError as e:
            return _error("solve", str(e))
    candidates = None
    if args.candidates is not None:
        try:
            candidates = read_candidates(args.candidates)
        except LR2BenchError as e:
            return _error("solve", str(e))
    out = sys.stdout if args.out == "-" else None
    written, skipped = 0, []
    start = time.perf_counter()
    try:
        handle = out or open(args.out, "w", encoding="utf-8")
    except OSError as e:
        return _error("solve", f"{args.out}: {e.strerror or e}")
    try:
        for task in tasks:
            levels: List[str] = [args.level] if args.level else list(LEVELS[task])
            for level in levels:
                bar = _progress_bar(f"{task} {level}")
                try:
                    for record in solve_level(task, level, args.data, candidates=candidates,
                                              hints=not args.no_hints, seed=args.seed,
                                              progress=bar.update if bar else None):
                        handle.write(json.dumps(record) + "\n")
                        written += 1
                    handle.flush()
                except (SolverUnavailable, MissingWordList) as e:
                    if args.task != "all":
                        return _error("solve", str(e))
                    skipped.append(f"{task}: {e}")
                    break
                except DataNotFoundError as e:
                    if args.task != "all":
                        return _error("solve", str(e))
                    skipped.append(f"{task} {level}: {e}")
                finally:
                    if bar:
                        bar.close()
    except (LR2BenchError, DataNotFoundError) as e:
        return _error("solve", str(e))
    finally:
        if out is None:
            handle.close()
    for note in skipped:
        sys.stderr.write(f"fastback lr2bench solve: skipped {note}\n")
    sys.stderr.write(f"fastback lr2bench solve: wrote {written} records to {args.out} "
                     f"in {time.perf_counter() - start:.1f} s\n")
    return OK


class _Bar:
    def __init__(self, label: str) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm(desc=label, unit="puzzle", file=sys.stderr, leave=False)

    def update(self, done: int, total: int) -> None:
        self._tqdm.total = total
        self._tqdm.n = done
        self._tqdm.refresh()

    def close(self) -> None:
        self._tqdm.close()


def _progress_bar(label: str) -> Optional[_Bar]:
    if not sys.stderr.isatty() or os.environ.get("FASTBACK_NO_PROGRESS"):
        return None
    return _Bar(label)


SUBCOMMANDS["score"] = ("score model or solver outputs (CR, S-Acc, EM, PM-0.5)", _add_score_arguments, _run_score)
SUBCOMMANDS["solve"] = ("run the solvers and write their outputs as JSONL", _add_solve_arguments, _run_solve)


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="lr2bench_command", metavar="SUBCOMMAND", required=True)
    for name, (help_text, add, run) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        add(sp)
        sp.set_defaults(lr2bench_run=run)


def run(args: argparse.Namespace) -> int:
    return int(args.lr2bench_run(args))
