"""``fastback batch ...``: batch runs from the command line.

``fastback batch sat DIR|MANIFEST`` solves every CNF file of a folder or a
manifest with one or more configurations (:mod:`fastback.batch.configs`
documents ``--config NAME[:FLAGS]``), on a thread pool or, with
``--scheduler tcp://HOST:PORT``, on a Dask cluster (the ``dist`` extra).
Each finished task is one JSON line (``batch-contract.md``), appended to
``--out`` and flushed as it finishes, or written to stdout without
``--out``; rerunning with the same ``--out`` resumes. On stderr: a progress
bar when stderr is a terminal, a ``WRONG ANSWER`` line for each answer that
fails its check, and a summary line per configuration (``-q``: only the
wrong answers and errors).

Exit status: 0 every task has a record and none is wrong or an error;
1 bad input (a missing folder, a bad manifest, a damaged results file, a
scheduler that cannot be reached) or at least one task ended in an error
record; 2 usage (including a bad ``--config``); 3 at least one WRONG
answer; 130 interrupted (Ctrl-C or SIGTERM; finished tasks are in the
results file, rerun to resume).

Subcommands register in :data:`SUBCOMMANDS` as the top-level commands do
in :mod:`fastback.cli`: ``name -> (help, add_arguments, run)``.

Nothing heavy is imported at module import time (no numpy, no dask):
every ``fastback`` command builds its parser through this module.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from fastback._argtypes import non_negative, positive
from fastback.batch import report as _report

HELP = "batch runs: solve a folder or manifest of CNF files (sat, with progress and resumable results) and report on them (report)"

#: name -> (help, add_arguments(parser), run(args) -> exit status)
SUBCOMMANDS: Dict[str, Tuple[str, Callable[[argparse.ArgumentParser], None],
                             Callable[[argparse.Namespace], int]]] = {}

OK, ERROR, USAGE, WRONG, INTERRUPTED = 0, 1, 2, 3, 130

_CONFIG_HELP = """\
a solver configuration NAME[:FLAGS], repeatable (default: one named
'default'). FLAGS are `fastback sat` flags separated by spaces or commas:
--seed=N, --neural[=MODEL], --prior-threshold=P, --time=S, --conflicts=N
(these two override the batch's limits) and any solver option
--NAME=VALUE. Examples: --config default --config neural:--neural
--config seed2:--seed=2 --config 'tuned:--seed=1,--restartint=50'.
Task ids are NAME/INSTANCE."""


class _AppendConfig(argparse.Action):
    """``--config``: parsed and checked for a repeated name as it is read,
    so a bad one is a usage error naming it."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: Optional[str] = None) -> None:
        from fastback.batch.configs import ConfigError, parse_config

        try:
            config = parse_config(values)
        except ConfigError as e:
            raise argparse.ArgumentError(self, str(e)) from None
        configs = list(getattr(namespace, self.dest, None) or [])
        if any(c.name == config.name for c in configs):
            raise argparse.ArgumentError(self, f"config {config.name!r} is given twice")
        configs.append(config)
        setattr(namespace, self.dest, configs)


def _error(message: str, status: int = ERROR) -> int:
    sys.stdout.flush()
    sys.stderr.write(f"fastback batch sat: error: {message}\n")
    return status


# --------------------------------------------------------------------------
# fastback batch sat
# --------------------------------------------------------------------------


def _add_sat_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="DIR|MANIFEST",
                   help="a folder (scanned recursively for *.cnf, *.cnf.gz, *.cnf.xz; its manifest.csv, "
                        "if any, gives family, expected status and set) or a manifest .csv "
                        "(columns file,status,set,family; paths relative to it)")
    p.add_argument("--out", metavar="FILE", default=None,
                   help="append one JSON line per finished task to FILE, flushed as it finishes; "
                        "tasks already in FILE are not rerun (resume). Default: JSON lines on stdout")
    p.add_argument("--workers", type=positive(int), metavar="N", default=None,
                   help="threads on this machine (default: one per core)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run on a Dask cluster (tcp://HOST:PORT); needs the dist extra: "
                        "pip install 'fastback[dist]'")
    p.add_argument("--time", type=non_negative(float), metavar="S", default=None,
                   help="time limit per task in seconds (reading + priors + search)")
    p.add_argument("--conflicts", type=non_negative(int), metavar="N", default=None,
                   help="conflict limit per task")
    p.add_argument("--config", action=_AppendConfig, dest="configs", metavar="NAME[:FLAGS]",
                   default=None, help=_CONFIG_HELP)
    p.add_argument("--set", action="append", dest="sets", metavar="SET", default=None,
                   help="only instances of this manifest set (quick, medium, hard; repeatable or "
                        "comma-separated)")
    p.add_argument("--family", action="append", dest="families", metavar="F", default=None,
                   help="only instances of this family (repeatable or comma-separated)")
    p.add_argument("--check-proof", action="store_true",
                   help="verify each UNSAT answer with a DRAT proof (kept in memory) and fastback's "
                        "independent checker")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar, no start and summary lines (wrong answers and errors still "
                        "go to stderr)")


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("--scheduler needs dask.distributed, which is not installed: "
                           "pip install 'fastback[dist]'") from None
    # How long to try is Dask's own setting (distributed.comm.timeouts.connect,
    # 30 s by default; DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s shortens it).
    try:
        return Client(address)  # type: ignore[no-untyped-call]
    except Exception as e:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address, ...
        raise RuntimeError(f"--scheduler {address}: cannot connect: {type(e).__name__}: {e}") from None


def _exit_status(records: Sequence[Dict[str, Any]]) -> int:
    if any(r.get("ok") is False for r in records):
        return WRONG
    if any(r.get("status") == "error" for r in records):
        return ERROR
    return OK


def _summary(records: Sequence[Dict[str, Any]]) -> None:
    from fastback.batch.progress import Tally

    tally = Tally(total=len(records))
    for r in records:
        tally.add(r)
    for line in tally.summary_lines():
        sys.stderr.write(f"fastback batch sat: {line}\n")
    if tally.wrong_ids:
        sys.stderr.write(f"fastback batch sat: {len(tally.wrong_ids)} WRONG ANSWER"
                         f"{'S' if len(tally.wrong_ids) != 1 else ''}: {', '.join(tally.wrong_ids[:20])}"
                         f"{' ...' if len(tally.wrong_ids) > 20 else ''}\n")


def _run_sat(args: argparse.Namespace) -> int:
    from fastback.batch.core import BatchInterrupted, run
    from fastback.batch.instances import InstanceError, find_sat_instances, sat_tasks
    from fastback.batch.store import ResultsFileError, read_results

    if args.scheduler is not None and args.workers is not None:
        return _error("--workers sizes the local thread pool; with --scheduler the cluster's workers "
                      "run the tasks", USAGE)
    try:
        instances = find_sat_instances(args.source, sets=args.sets, families=args.families)
    except InstanceError as e:
        return _error(str(e))
    configs = args.configs or []
    tasks = sat_tasks(instances, configs, time=args.time, conflicts=args.conflicts,
                      check_proof=args.check_proof)
    client = None
    if args.scheduler is not None:
        try:
            client = _connect(args.scheduler)
        except RuntimeError as e:
            return _error(str(e))
    if not args.quiet:
        where = (f"the Dask cluster at {args.scheduler}" if client is not None else
                 f"{args.workers or _default_workers()} threads")
        resumed = ""
        if args.out:
            try:
                done = {r["id"] for r in read_results(args.out)}
            except FileNotFoundError:
                done = set()
            except (ResultsFileError, OSError) as e:
                return _error(str(e))
            already = sum(1 for t in tasks if t.id in done)
            if already:
                resumed = f" (resuming: {already} of {len(tasks)} tasks already there)"
        sys.stderr.write(f"fastback batch sat: {len(instances)} instances x {max(1, len(configs))} "
                         f"config{'s' if len(configs) > 1 else ''} on {where}"
                         f"{' -> ' + args.out if args.out else ''}{resumed}\n")
    try:
        records: List[Dict[str, Any]] = run(
            tasks, client, out=args.out, workers=args.workers if client is None else None,
            progress=False if args.quiet else None, stream=None if args.out else sys.stdout,
            label="batch sat")
        status = _exit_status(records)
    except ResultsFileError as e:
        return _error(str(e))
    except BatchInterrupted as e:
        records = e.results
        status = INTERRUPTED
        sys.stderr.write(f"fastback batch sat: interrupted: {len(records)} of {len(tasks)} tasks have records"
                         f"{'; rerun with the same --out to resume' if args.out else ''}\n")
    except KeyboardInterrupt:  # a second Ctrl-C: no waiting for the running tasks
        sys.stderr.write("fastback batch sat: interrupted"
                         f"{'; rerun with the same --out to resume' if args.out else ''}\n")
        return INTERRUPTED
    finally:
        if client is not None:
            client.close()
    if not args.quiet:
        _summary(records)
    return status


def _default_workers() -> int:
    from fastback.batch.core import default_workers

    return default_workers()


SUBCOMMANDS["sat"] = ("solve every CNF file of a folder or manifest, with one or more configurations",
                      _add_sat_arguments, _run_sat)
SUBCOMMANDS["report"] = (_report.HELP, _report.add_arguments, _report.run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="batch_command", metavar="SUBCOMMAND", required=True)
    for name, (help_text, add, run) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
        add(sp)
        sp.set_defaults(batch_run=run)


def run(args: argparse.Namespace) -> int:
    return int(args.batch_run(args))
