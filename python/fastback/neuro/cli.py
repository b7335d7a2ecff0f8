"""``fastback neuro ...``: the phase-prior subcommands.

Each subcommand registers itself in :data:`SUBCOMMANDS` (help, a function
that adds its arguments, a function that runs it and returns the exit
status), exactly as the top-level commands do in :mod:`fastback.cli`, so
``train`` and later ones slot in without touching these. Results and
summaries go to stdout, progress and errors to stderr; a usage problem the
parser cannot see (an unknown family, an unwritable directory) is reported
as ``fastback neuro <sub>: error: ...`` with exit status 1.

Nothing here imports numpy or torch at module import time: ``fastback sat``
imports this module to build its parser and should not pay for them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Dict, Tuple

from fastback._argtypes import non_negative, positive
from fastback.neuro import DEFAULT_SAMPLES, DEFAULT_SHARD_SIZE, DEFAULT_TIME_LIMIT

HELP = "neural phase priors: training data (make-data, list-families)"

#: name -> (help, add_arguments(parser), run(args) -> exit status)
SUBCOMMANDS: Dict[str, Tuple[str, Callable[[argparse.ArgumentParser], None],
                             Callable[[argparse.Namespace], int]]] = {}

OK, ERROR = 0, 1


def _error(subcommand: str, message: str) -> int:
    sys.stdout.flush()
    sys.stderr.write(f"fastback neuro {subcommand}: error: {message}\n")
    return ERROR


# --------------------------------------------------------------------------
# fastback neuro make-data
# --------------------------------------------------------------------------


def _add_make_data_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out_dir", metavar="OUT_DIR", help="directory to write the shards to (created; must not hold a dataset)")
    p.add_argument("--families", metavar="A,B,...", default=None,
                   help="comma-separated families (default: all; see list-families)")
    p.add_argument("--count", type=positive(int), default=100, metavar="N",
                   help="formulas generated per family (default 100)")
    p.add_argument("--scale", choices=("small", "medium"), default="small",
                   help="small (~50-450 vars, training) or medium (~300-3200 vars, evaluation); default small")
    p.add_argument("--seed", type=non_negative(int), default=0, metavar="S", help="base seed (default 0)")
    p.add_argument("--workers", type=positive(int), default=None, metavar="W",
                   help="labelling threads (default: the number of CPUs)")
    p.add_argument("--time-limit", type=positive(float), default=DEFAULT_TIME_LIMIT, metavar="S",
                   help="seconds per solve and per backbone computation; formulas over it are "
                        f"discarded (default {DEFAULT_TIME_LIMIT:g})")
    p.add_argument("--samples", type=positive(int), default=DEFAULT_SAMPLES, metavar="N",
                   help=f"models sampled per formula for the majority labels (default {DEFAULT_SAMPLES})")
    p.add_argument("--shard-size", type=positive(int), default=DEFAULT_SHARD_SIZE, metavar="N",
                   help=f"formulas per shard file (default {DEFAULT_SHARD_SIZE})")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _run_make_data(args: argparse.Namespace) -> int:
    from fastback.neuro import data, families

    names = list(families.FAMILIES) if args.families is None else \
        [name.strip() for name in args.families.split(",") if name.strip()]
    try:
        summary = data.make_dataset(args.out_dir, names, args.count, args.scale, seed=args.seed,
                                    workers=args.workers, progress=not args.no_progress,
                                    samples=args.samples, time_limit=args.time_limit,
                                    shard_size=args.shard_size)
    except (ValueError, FileExistsError, RuntimeError) as e:
        return _error("make-data", str(e))
    except OSError as e:
        where = e.filename if e.filename is not None else args.out_dir
        return _error("make-data", f"{where}: {e.strerror or e}")
    except KeyboardInterrupt:
        sys.stderr.write("fastback neuro make-data: interrupted; shards written so far are kept\n")
        return ERROR
    print(summary.table())
    print(f"{summary.kept} formulas in {len(summary.shards)} shard(s) in {args.out_dir}, "
          f"{summary.seconds:.1f} s")
    return OK


SUBCOMMANDS["make-data"] = ("generate and label satisfiable formulas into .npz shards",
                            _add_make_data_arguments, _run_make_data)


# --------------------------------------------------------------------------
# fastback neuro list-families
# --------------------------------------------------------------------------


def _run_list_families(args: argparse.Namespace) -> int:
    from fastback.neuro import families

    width = max(len(name) for name in families.FAMILIES)
    for name, make in families.FAMILIES.items():
        summary = (make.__doc__ or "").strip().splitlines()[0] if make.__doc__ else ""
        print(f"{name:<{width}}  {summary}")
    return OK


SUBCOMMANDS["list-families"] = ("list the formula families make-data can generate",
                                lambda p: None, _run_list_families)


# --------------------------------------------------------------------------
# fastback neuro train / predict
# --------------------------------------------------------------------------


def _add_train_arguments(p: argparse.ArgumentParser) -> None:
    from fastback.neuro import train

    train.add_arguments(p)


def _run_train(args: argparse.Namespace) -> int:
    from fastback.neuro import train

    try:
        return train.run(args)
    except (ValueError, FileNotFoundError) as e:
        return _error("train", str(e))


SUBCOMMANDS["train"] = ("train the phase model on make-data output and export it (needs the gnn extra)",
                        _add_train_arguments, _run_train)


def _add_predict_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="DIMACS CNF file (plain, .gz or .xz)")
    p.add_argument("--model", default=None, help="model file (default: the shipped model)")
    p.add_argument("--device", default=None,
                   help="run through torch on this device (gnn extra); default: native Rust")


def _run_predict(args: argparse.Namespace) -> int:
    from fastback import _core
    from fastback._errors import DimacsError
    from fastback.neuro.priors import predict_phases

    try:
        cnf = _core.read_dimacs(path=args.file)
        probs = predict_phases(cnf, args.model, device=args.device)
    except DimacsError as e:
        return _error("predict", str(e))
    except (OSError, ValueError) as e:
        return _error("predict", str(e))
    out = sys.stdout
    out.write("c variable P(true)\n")
    for v, p in enumerate(probs.tolist(), start=1):
        out.write(f"{v} {p:.4f}\n")
    return OK


SUBCOMMANDS["predict"] = ("print P(true) per variable of a CNF from the phase model",
                          _add_predict_arguments, _run_predict)


# --------------------------------------------------------------------------
# the ``neuro`` command itself
# --------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds every registered subcommand to the ``fastback neuro`` parser."""
    sub = parser.add_subparsers(dest="neuro_command", metavar="{" + ",".join(SUBCOMMANDS) + "}",
                                required=True)
    for name, (help_text, add, run_sub) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add(p)
        p.set_defaults(neuro_run=run_sub)


def run(args: argparse.Namespace) -> int:
    """Runs the subcommand the parser chose; returns its exit status."""
    return int(args.neuro_run(args))
