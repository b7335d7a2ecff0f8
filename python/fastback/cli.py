"""The ``fastback`` command line.

One subcommand per engine (``fastback sat ...``); each registers itself in
:data:`COMMANDS` with a function that adds its arguments and one that runs
it, so later engines (``fastback sudoku``, ...) slot in without touching the
others. Results go to stdout in the engine's machine-readable convention;
diagnostics go to stderr.

``fastback sat`` follows the SAT competition conventions: ``c`` comment
lines, exactly one ``s`` line (``SATISFIABLE``, ``UNSATISFIABLE`` or
``UNKNOWN``), the model in ``v`` lines ending with ``0``, and exit status 10
(SAT), 20 (UNSAT) or 0 (unknown: budget, time limit, Ctrl-C or SIGTERM).
Unreadable or malformed input is reported on stderr as
``c error: file:line: message`` with exit status 1 and no ``s`` line.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from fastback import __version__, _core
from fastback._errors import DimacsError
from fastback._argtypes import int_range, non_negative
from fastback.lr2bench import cli as _lr2bench_cli
from fastback.neuro import cli as _neuro_cli
from fastback.traces import cli as _traces_cli
from fastback import _sudoku_cli
from fastback.slop import cli as _slop_cli
from fastback.batch import cli as _batch_cli

#: name -> (help, add_arguments(parser), run(args) -> exit status)
COMMANDS: Dict[str, Tuple[str, Callable[[argparse.ArgumentParser], None],
                          Callable[[argparse.Namespace], int]]] = {}

SAT, UNSAT, UNKNOWN, ERROR = 10, 20, 0, 1

#: Width the ``v`` lines are wrapped at (the competition asks for short lines).
MODEL_LINE_WIDTH = 78

#: Solver options that have a dedicated flag of their own.
_DEDICATED = {"seed"}


class _Terminated(BaseException):
    """Raised by the SIGTERM handler; a BaseException so that nothing
    between the handler and the command swallows it."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated()


# --------------------------------------------------------------------------
# fastback sat
# --------------------------------------------------------------------------


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0.5 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is outside (0.5, 1]")
    return value


def _neural_priors(cnf: "_core.Cnf", model_arg: str, threshold: float,
                   comment: Callable[[str], None]) -> bytes:
    """P(true) per variable from the phase model, as native float32 bytes
    for ``Solver.set_phase_priors``. Inference is native (no torch)."""
    import numpy as np

    from fastback.neuro.priors import predict_phases

    path = None if model_arg == "default" else model_arg
    t0 = time.perf_counter()
    probs = predict_phases(cnf, path)
    confident = int(np.sum((probs >= threshold) | (probs <= 1 - threshold)))
    comment(f"neural priors from {path or 'the shipped model'}: "
            f"{confident} of {cnf.num_vars} variables at threshold {threshold:g} "
            f"({confident - int(np.sum(probs >= threshold))} false), "
            f"inference {time.perf_counter() - t0:.3f} s")
    return probs.astype(np.float32).tobytes()


def _add_sat_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE",
                   help="DIMACS CNF file (plain, .gz or .xz); '-' reads stdin")
    p.add_argument("--proof", metavar="FILE", help="write a DRAT proof to FILE")
    p.add_argument("--binary-proof", action="store_true", help="binary DRAT (default: text)")
    p.add_argument("--time", type=non_negative(float), metavar="S",
                   help="wall-clock limit in seconds (s UNKNOWN when reached)")
    p.add_argument("--conflicts", type=non_negative(int), metavar="N",
                   help="conflict limit (s UNKNOWN when reached)")
    p.add_argument("--seed", type=int_range("seed", 0, 2**31 - 1, base=0), default=0, metavar="N",
                   help="random seed (default 0)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no 'c' comment lines (only the s and v lines, and --stats)")
    p.add_argument("--stats", action="store_true", help="print statistics as 'c name: value' lines")
    p.add_argument("--no-model", action="store_true", help="do not print the v lines")
    p.add_argument("--neural", nargs="?", const="default", default=None, metavar="MODEL",
                   help="start from neural phase priors: the shipped model, or MODEL "
                        "(a .safetensors file from `fastback neuro train`); off by default")
    p.add_argument("--prior-threshold", type=_threshold, default=0.9, metavar="P",
                   help="a prior sets a variable's phase when P(true) >= P or <= 1 - P "
                        "(default 0.9, range (0.5, 1])")
    group = p.add_argument_group(
        "solver options", "every solver option as --NAME=VALUE (ints; booleans are 0/1)")
    for name, default, lo, hi, description in _core.solver_options():
        if name in _DEDICATED:
            continue
        group.add_argument(f"--{name}", type=int_range(name, lo, hi, base=0), default=None,
                           metavar="N", dest=f"opt_{name}",
                           help=f"{description} (default {default}, range [{lo}, {hi}])")


def _model_lines(model: Sequence[int], width: int = MODEL_LINE_WIDTH) -> List[str]:
    """``v`` lines of at most ``width`` characters, the last ending with 0."""
    lines: List[str] = []
    line = "v"
    for token in [str(lit) for lit in model] + ["0"]:
        if len(line) + 1 + len(token) > width and line != "v":
            lines.append(line)
            line = "v"
        line += " " + token
    lines.append(line)
    return lines


def _stat_lines(stats: Dict[str, float], parse_seconds: float, total_seconds: float) -> List[str]:
    solve_seconds = float(stats.get("time_secs", 0.0))
    rows: List[Tuple[str, str]] = []
    for key in ("conflicts", "decisions", "propagations"):
        rows.append((key, str(int(stats.get(key, 0)))))
    pps = stats.get("propagations", 0) / solve_seconds if solve_seconds > 0 else 0.0
    rows.append(("propagations-per-second", f"{pps:.0f}"))
    rows.append(("restarts", str(int(stats.get("restarts", 0)))))
    rows.append(("seconds", f"{total_seconds:.3f}"))
    rows.append(("parse-seconds", f"{parse_seconds:.3f}"))
    rows.append(("solve-seconds", f"{solve_seconds:.3f}"))
    shown = {"conflicts", "decisions", "propagations", "restarts", "time_secs"}
    for key, value in stats.items():
        if key not in shown:
            rows.append((key.replace("_", "-"), str(value)))
    width = max(len(k) for k, _ in rows)
    return [f"c {k + ':':<{width + 1}} {v}" for k, v in rows]


def _run_sat(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    out: TextIO = sys.stdout

    def comment(text: str) -> None:
        if not args.quiet:
            out.write(f"c {text}\n")

    def error(text: str) -> int:
        out.flush()
        sys.stderr.write(f"c error: {text}\n")
        return ERROR

    previous_term = signal.signal(signal.SIGTERM, _raise_terminated)
    solver: Optional[_core.Solver] = None
    try:
        comment(f"fastback {__version__} (CDCL SAT solver)")
        source = "<stdin>" if args.file == "-" else args.file
        comment(f"reading {source}")
        out.flush()
        try:
            if args.file == "-":
                cnf = _core.read_dimacs(data=sys.stdin.buffer.read(), name="<stdin>")
            else:
                cnf = _core.read_dimacs(path=args.file)
        except DimacsError as e:
            return error(str(e))
        except OSError as e:
            return error(f"{source}: {e.strerror or e}")
        parse_seconds = time.perf_counter() - start
        for warning in cnf.warnings:
            comment(f"warning: {warning}")
        comment(f"parsed {cnf.num_vars} variables, {cnf.num_clauses} clauses "
                f"in {parse_seconds:.3f} s")

        options = {"seed": args.seed}
        for name, default, _lo, _hi, _desc in _core.solver_options():
            value = getattr(args, f"opt_{name}", None)
            if value is not None:
                options[name] = value
        changed = [f"{k}={v}" for k, v in options.items() if k != "seed" or v != 0]
        if changed:
            comment("options: " + " ".join(changed))
        solver = _core.Solver(options)
        if args.proof is not None:
            try:
                solver.set_proof(args.proof, args.binary_proof)
            except OSError as e:
                return error(f"{args.proof}: {e.strerror or e}")
            comment(f"writing {'binary' if args.binary_proof else 'text'} DRAT proof to {args.proof}")
        if args.neural is not None:
            try:
                priors = _neural_priors(cnf, args.neural, args.prior_threshold, comment)
            except (OSError, ValueError) as e:
                return error(f"--neural: {e}")
            solver.set_phase_priors(priors, args.prior_threshold)
        solver.append_cnf(cnf)
        del cnf
        if args.conflicts is not None:
            solver.set_conflict_budget(args.conflicts)
        if args.time is not None:
            solver.set_time_limit(args.time)
        out.flush()

        try:
            result = solver.solve()
        except (KeyboardInterrupt, _Terminated) as e:
            result = None
            comment("interrupted (SIGTERM)" if isinstance(e, _Terminated) else "interrupted (SIGINT)")

        if args.proof is not None:
            try:
                solver.flush_proof()
            except OSError as e:
                sys.stderr.write(f"c error: proof: {e}\n")
        if result is True:
            out.write("s SATISFIABLE\n")
            model = solver.model()
            if not args.no_model and model is not None:
                out.write("\n".join(_model_lines(model)) + "\n")
            status = SAT
        elif result is False:
            out.write("s UNSATISFIABLE\n")
            status = UNSAT
        else:
            out.write("s UNKNOWN\n")
            status = UNKNOWN
        if args.stats:
            lines = _stat_lines(solver.stats(), parse_seconds, time.perf_counter() - start)
            out.write("\n".join(lines) + "\n")
        comment(f"exit {status}")
        out.flush()
        return status
    except (KeyboardInterrupt, _Terminated):
        # Interrupted before the search started (while reading or loading).
        out.write("c interrupted\ns UNKNOWN\n")
        out.flush()
        return UNKNOWN
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if solver is not None:
            try:
                solver.delete()
            except OSError:
                pass


COMMANDS["sat"] = ("solve a DIMACS CNF formula (SAT competition output)", _add_sat_arguments, _run_sat)
COMMANDS["neuro"] = (_neuro_cli.HELP, _neuro_cli.add_arguments, _neuro_cli.run)
COMMANDS["lr2bench"] = (_lr2bench_cli.HELP, _lr2bench_cli.add_arguments, _lr2bench_cli.run)
COMMANDS["traces"] = (_traces_cli.HELP, _traces_cli.add_arguments, _traces_cli.run)
COMMANDS["sudoku"] = (_sudoku_cli.HELP, _sudoku_cli.add_arguments, _sudoku_cli.run)
COMMANDS["slop"] = (_slop_cli.HELP, _slop_cli.add_arguments, _slop_cli.run)
COMMANDS["batch"] = (_batch_cli.HELP, _batch_cli.add_arguments, _batch_cli.run)


# --------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``fastback`` argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="fastback", description="Rust-accelerated backtracking search.")
    parser.add_argument("--version", action="version", version=f"fastback {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, add_arguments, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(p)
        p.set_defaults(run=run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs ``fastback`` with ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BrokenPipeError:
        # Output piped into something that stopped reading (e.g. `| head`):
        # point stdout at /dev/null so that the flush at exit stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ERROR


if __name__ == "__main__":
    sys.exit(main())
