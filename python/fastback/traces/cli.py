"""``fastback traces sudoku|countdown``: search traces as JSONL for training.

One JSON record per puzzle, one per line, on ``--out`` (default stdout)::

    {"id": ..., "task": "sudoku", "format": "nl", "prompt": ..., "puzzle": ...,
     "trace": ..., "solution": ..., "backtracks": 3, "requested_backtracks": 3,
     "options": {...}}

(CountDown records also have ``steps``.) Every trace is replayed by the
independent verifier before it is written (``--no-verify`` skips that).
When the JSONL goes to a file, stdout gets one JSON summary line
(``written``, ``skipped``, ``backtracks``, ``seconds``, ``traces_per_second``,
``out``). Progress (a bar) and diagnostics go to stderr, the bar only when
stderr is a terminal. A puzzle that fails (no solution, fewer than K wrong
guesses, over the node budget, malformed) stops the run with
``fastback traces <task>: error: file:line: what`` and exit status 1, or
with ``--skip`` is reported on stderr and left out. Ctrl-C stops the run
with status 130, keeping the records written so far.

The search options (``--propagation``, ``--heuristic``, ...) are generated
from the option table the Rust core declares (``fastback.traces.options()``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Callable, Dict, Iterator, TextIO, Tuple

from fastback._argtypes import int_range, non_negative

OK, ERROR, INTERRUPTED = 0, 1, 130

HELP = "search traces for LLM training as JSONL (sudoku, countdown)"


def _add_common(p: argparse.ArgumentParser, task: str) -> None:
    from fastback.traces import options

    p.add_argument("--format", choices=("dfs", "nl"), default="dfs",
                   help="dfs: linearised DFS (To Backtrack or Not to Backtrack); "
                        "nl: natural language (How Much Backtracking is Enough?); default dfs")
    p.add_argument("--backtracks", type=non_negative(int), default=None, metavar="K",
                   help="exactly K wrong guesses, each explored until a contradiction and undone, on the "
                        "search's solution path (default: the whole search as it ran)")
    p.add_argument("--out", default="-", metavar="F", help="JSONL output file (default: stdout)")
    p.add_argument("--limit", type=non_negative(int), default=None, metavar="N", help="stop after N puzzles")
    p.add_argument("--skip", action="store_true",
                   help="leave out puzzles that fail (reported on stderr) instead of stopping")
    p.add_argument("--no-verify", action="store_true", help="do not replay each trace before writing it")
    group = p.add_argument_group("search options", "declared once in the Rust core; puzzle i uses seed "
                                                   "item_seed(seed, i)")
    for name, _task, kind, default, domain, description in options(task):
        flag = "--" + name.replace("_", "-")
        if kind == "flag":
            group.add_argument(flag, action="store_true", dest=f"opt_{name}", help=description)
        elif kind == "choice":
            group.add_argument(flag, choices=domain, default=default, dest=f"opt_{name}",
                               help=f"{description} (default {default})")
        else:
            lo, hi = domain
            group.add_argument(flag, type=int_range(name, lo, hi), default=default, metavar="N", dest=f"opt_{name}",
                               help=f"{description} (default {default})")


def _options(args: argparse.Namespace, task: str) -> Dict[str, Any]:
    from fastback.traces import options

    out: Dict[str, Any] = {}
    for name, _task, kind, _default, _domain, _desc in options(task):
        value = getattr(args, f"opt_{name}")
        out[name] = int(value) if kind == "flag" else value
    return out


def _add_sudoku_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="puzzle files ('-': stdin): one puzzle per line, as a line of n*n symbols "
                        "(e.g. ../shared/bench/sudoku/puzzles2_17_clue) or a JSON object with 'grid' "
                        "(e.g. LR2Bench's 4-sudoku/*/data.jsonl)")
    _add_common(p, "sudoku")


def _add_countdown_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="instance files ('-': stdin): JSON lines with 'numbers' and 'target', or 'a b c d -> t'")
    p.add_argument("--generate", type=non_negative(int), default=None, metavar="N",
                   help="generate N solvable instances from --seed instead of reading files")
    p.add_argument("--numbers", type=int_range("numbers", 2, 8), default=4, metavar="M",
                   help="numbers per generated instance (default 4)")
    p.add_argument("--min-number", type=int_range("min_number", 1, 10 ** 9), default=1, metavar="A")
    p.add_argument("--max-number", type=int_range("max_number", 1, 10 ** 9), default=99, metavar="B",
                   help="generated numbers are in [A, B] (default [1, 99])")
    p.add_argument("--min-target", type=int_range("min_target", 1, 10 ** 9), default=10, metavar="T0")
    p.add_argument("--max-target", type=int_range("max_target", 1, 10 ** 9), default=100, metavar="T1",
                   help="generated targets are in [T0, T1] (default [10, 100])")
    _add_common(p, "countdown")


def _sources(args: argparse.Namespace, task: str) -> Iterator[Tuple[str, str, Any]]:
    """(id, location, puzzle) for every puzzle of the run."""
    from fastback.traces import countdown_instances
    from fastback.traces.io import read_countdown, read_sudoku

    if task == "countdown" and args.generate is not None:
        if args.files:
            raise _UsageError("give FILEs or --generate N, not both")
        gen = countdown_instances(args.generate, seed=args.opt_seed, numbers=args.numbers,
                                  min_number=args.min_number, max_number=args.max_number,
                                  min_target=args.min_target, max_target=args.max_target,
                                  use_all=bool(args.opt_use_all))
        for i, inst in enumerate(gen):
            yield f"countdown-{args.opt_seed}-{i}", f"generated:{i}", (list(inst.numbers), inst.target)
        return
    if not args.files:
        raise _UsageError("give FILEs or --generate N")
    reader = read_sudoku if task == "sudoku" else read_countdown
    for path in args.files:
        for item in reader(path):
            yield item.id, item.location, item.puzzle


class _UsageError(Exception):
    pass


def _run(args: argparse.Namespace, task: str) -> int:
    from fastback.traces import TraceError, countdown_trace, item_seed, sudoku_trace
    from fastback.traces.io import InputError

    prog = f"fastback traces {task}"

    def error(message: str) -> int:
        sys.stdout.flush()
        sys.stderr.write(f"{prog}: error: {message}\n")
        return ERROR

    opts = _options(args, task)
    base_seed = opts.pop("seed")
    out: TextIO = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    written = skipped = total_backtracks = 0
    start = time.perf_counter()
    bar = None
    status = OK
    try:
        from tqdm import tqdm

        total = args.limit if args.limit is not None else getattr(args, "generate", None)
        bar = tqdm(total=total, unit="trace", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)
        for index, (ident, location, puzzle) in enumerate(_sources(args, task)):
            if args.limit is not None and index >= args.limit:
                break
            seed = item_seed(base_seed, index)
            try:
                if task == "sudoku":
                    trace = sudoku_trace(puzzle, format=args.format, backtracks=args.backtracks, seed=seed,
                                         verify=not args.no_verify, **opts)
                else:
                    numbers, target = puzzle
                    trace = countdown_trace(numbers, target, format=args.format, backtracks=args.backtracks,
                                            seed=seed, verify=not args.no_verify, **opts)
            except (TraceError, ValueError) as e:
                if not args.skip:
                    return error(f"{location}: {e}")
                sys.stderr.write(f"{prog}: skipped {location}: {e}\n")
                skipped += 1
                bar.update(1)
                continue
            record = trace.to_record()
            record["id"] = ident
            record["seed"] = seed
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
            total_backtracks += trace.backtracks
            bar.update(1)
    except InputError as e:
        status = error(str(e))
    except (_UsageError, ValueError) as e:
        status = error(str(e))
    except OSError as e:
        status = error(f"{getattr(e, 'filename', None) or args.out}: {e.strerror or e}")
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted after {written} traces\n")
        status = INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    seconds = time.perf_counter() - start
    summary = {"written": written, "skipped": skipped, "backtracks": total_backtracks,
               "seconds": round(seconds, 3), "traces_per_second": round(written / seconds, 1) if seconds else None,
               "out": args.out}
    sys.stderr.write(f"{prog}: wrote {written} traces to {'stdout' if args.out == '-' else args.out}"
                     f" ({skipped} skipped) in {seconds:.2f} s\n")
    if status == OK and args.out != "-":
        print(json.dumps(summary))
    return status


#: name -> (help, add_arguments(parser), run(args) -> exit status)
SUBCOMMANDS: Dict[str, Tuple[str, Callable[[argparse.ArgumentParser], None],
                             Callable[[argparse.Namespace], int]]] = {
    "sudoku": ("traces of fastback's Sudoku DFS (4x4 to 25x25)", _add_sudoku_arguments,
               lambda a: _run(a, "sudoku")),
    "countdown": ("traces of Stream of Search's CountDown DFS", _add_countdown_arguments,
                  lambda a: _run(a, "countdown")),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds the ``sudoku`` and ``countdown`` subcommands."""
    sub = parser.add_subparsers(dest="traces_command", metavar="{" + ",".join(SUBCOMMANDS) + "}", required=True)
    for name, (help_text, add, run_sub) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add(p)
        p.set_defaults(traces_run=run_sub)


def run(args: argparse.Namespace) -> int:
    """Runs the chosen subcommand; returns its exit status."""
    return int(args.traces_run(args))

