#!/usr/bin/env python3
"""Compare fastback's SAT solver with MiniSat, CaDiCaL and PySAT, side by side.

Why this exists: every speed claim about fastback's SAT engine (README,
docstrings) must come from a run anyone can repeat (STYLE.md #10). Absolute
times on our 2-core machines are noisy, so this script runs fastback and the
anchors on the same instances, one after the other, in one run, and reports
ratios measured in that run.

What it measures, for every (instance, solver) pair:

- wall time of the whole process, from spawn to exit, so it includes process
  start-up, CNF parsing and (for the Python-based solvers) interpreter start-up
  and imports: the time a user waits for an answer;
- peak resident memory of that process (``ru_maxrss`` from ``os.wait4`` on the
  child, so it is per run, not the maximum over all children so far);
- the answer, checked against the manifest's known status (a wrong answer is
  reported as WRONG, counts as unsolved and makes the script exit 1);
- fastback's own statistics, from the ``c <name>: <value>`` lines its CLI
  prints with ``--stats`` (conflicts, decisions, propagations,
  propagations-per-second, restarts, seconds).

Every solver gets the same wall-clock limit; on expiry the whole process group
is killed. Runs are sequential by default (``--jobs 1``): on a 2-core machine
two solvers running at once slow each other down.

Usage (from the repository root, after ``make build bench-deps``)::

    .venv/bin/python benches/sat.py --set quick
    .venv/bin/python benches/sat.py --set all --timeout 60 --json bench-results/sat.json
    .venv/bin/python benches/sat.py --solvers minisat,cadical --filter 'php|op-' --markdown

Python 3.9+, standard library only; python-sat is needed only for the
``pysat-*`` solvers, and only inside the subprocess that runs them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench" / "sat"
DEFAULT_SOLVERS = "fastback,minisat,cadical,pysat-cadical195"
SETS = ("quick", "medium", "hard")

# SAT competition exit codes, used by every solver run here.
EXIT_SAT = 10
EXIT_UNSAT = 20

# `c <name>: <value>` statistics lines (fastback --stats, and our PySAT runner).
STAT_LINE = re.compile(r"^c\s+([A-Za-z][\w-]*)\s*:\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")
STATUS_LINE = re.compile(r"^s\s+(SATISFIABLE|UNSATISFIABLE|UNKNOWN)\s*$", re.MULTILINE)

# Runs PySAT in a child process, so that it gets the same timeout, kill and
# per-process memory accounting as the command-line solvers. It reports its
# import, parse and solve times as `c` lines; the comparison still uses the
# child's wall time, like every other solver.
PYSAT_RUNNER = r"""
import os, sys, time
t0 = time.perf_counter()
from pysat.formula import CNF
from pysat.solvers import Solver
t1 = time.perf_counter()
cnf = CNF(from_file=sys.argv[2])
t2 = time.perf_counter()
solver = Solver(name=sys.argv[1], bootstrap_with=cnf.clauses)
t3 = time.perf_counter()
sat = solver.solve()
t4 = time.perf_counter()
print("s SATISFIABLE" if sat else "s UNSATISFIABLE")
print("c import-seconds: %.6f" % (t1 - t0))
print("c parse-seconds: %.6f" % (t2 - t1))
print("c load-seconds: %.6f" % (t3 - t2))
print("c solve-seconds: %.6f" % (t4 - t3))
sys.stdout.flush()
os._exit(10 if sat else 20)  # skip teardown, as the C++ solvers effectively do
"""


# ---------------------------------------------------------------------------
# Instances


@dataclass
class Instance:
    file: str
    path: Path
    status: str  # "sat" or "unsat"
    set: str
    family: str
    variables: int = 0
    clauses: int = 0
    literals: int = 0


def load_manifest(data: Path, which: str, pattern: Optional[str]) -> List[Instance]:
    """Instances of `data/manifest.csv` in set `which` whose file or family matches `pattern`."""
    manifest = data / "manifest.csv"
    if not manifest.is_file():
        sys.exit(f"sat.py: {manifest} not found; pass --data DIR (the folder holding manifest.csv)")
    rx = re.compile(pattern) if pattern else None
    out = []
    with manifest.open(newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            if row["status"] not in ("sat", "unsat"):
                sys.exit(f"sat.py: {manifest}:{line}: status {row['status']!r} is neither sat nor unsat")
            if which != "all" and row["set"] != which:
                continue
            if rx and not (rx.search(row["file"]) or rx.search(row["family"])):
                continue
            path = data / row["file"]
            if not path.is_file():
                sys.exit(f"sat.py: {manifest}:{line}: instance {path} not found")
            out.append(Instance(row["file"], path, row["status"], row["set"], row["family"]))
    return out


def read_dimacs(path: Path, keep_clauses: bool = False) -> Tuple[int, int, int, List[List[int]]]:
    """(variables, clauses, literals, clause list if asked) of a plain DIMACS file.

    Literal count is the number of non-zero literal occurrences, the size
    measure the memory column divides by.
    """
    variables = declared = literals = 0
    clauses: List[List[int]] = []
    current: List[int] = []
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line[:1] in (b"c", b"%"):
                continue
            if line[:1] == b"p":
                parts = line.split()
                variables, declared = int(parts[2]), int(parts[3])
                continue
            tokens = line.split()
            if not keep_clauses:
                literals += len(tokens) - tokens.count(b"0")
                continue
            for tok in tokens:
                lit = int(tok)
                if lit == 0:
                    clauses.append(current)
                    current = []
                else:
                    literals += 1
                    current.append(lit)
    if current:
        clauses.append(current)
    return variables, declared, literals, clauses


# ---------------------------------------------------------------------------
# Running one process


@dataclass
class Process:
    returncode: Optional[int]  # None when killed at the timeout
    seconds: float
    max_rss_mb: Optional[float]
    timed_out: bool
    stdout: str
    stderr: str


def _find_gnu_time() -> Optional[str]:
    for candidate in ("/usr/bin/time", shutil.which("gtime"), shutil.which("time")):
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        try:
            done = subprocess.run([candidate, "--version"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if "GNU" in done.stdout + done.stderr:
            return candidate
    return None


# Peak memory. Linux carries the parent's RSS high-water mark into a child
# across fork/vfork and exec (exec_mmap keeps the old mm's hiwater in
# signal->maxrss), so ru_maxrss of a child spawned straight from this Python
# process is at least this process's own peak (~20 MB, far more after
# --verify-models has read a large CNF). GNU time is a small C program: the
# solver it forks starts from its few-MiB footprint, and it reports that
# child's ru_maxrss (%M, KiB), also when the child is killed at the timeout.
# Without it, we fall back to os.wait4 on our direct child and say so.

GNU_TIME = _find_gnu_time()
RSS_LINE = re.compile(r"^bench-maxrss-kib: (\d+)$", re.MULTILINE)
RSS_SOURCE = ("GNU time %M: the solver's own peak RSS" if GNU_TIME else
              "os.wait4 ru_maxrss: includes this script's footprint at spawn (install GNU time for exact figures)")


def run_process(argv: Sequence[str], timeout: float) -> Process:
    """Run `argv` in its own process group with a wall-clock limit.

    The child is reaped with os.wait4 in a helper thread, which gives its exit
    time and status precisely. On timeout the solver is killed (SIGKILL), and
    then anything left in its process group.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        full = list(argv)
        if GNU_TIME:
            full = [GNU_TIME, "-q", "-f", "bench-maxrss-kib: %M", "-o", rss.name, "--"] + full
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        reaped: Dict[str, object] = {}

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            reaped["end"] = time.perf_counter()
            reaped["status"] = status
            reaped["usage"] = usage

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        try:
            waiter.join(max(0.0, timeout - (time.perf_counter() - start)))
            timed_out = waiter.is_alive()
            if timed_out:
                # Kill the solver under GNU time first, so that time still
                # reports its peak memory; then the whole group.
                solvers = _children(proc.pid) if GNU_TIME else []
                for pid in solvers:
                    _kill(pid)
                waiter.join(5.0 if solvers else 0.0)
                if waiter.is_alive():
                    _kill_group(proc.pid)
                    waiter.join()
        finally:
            # Anything the solver left in its group; also on Ctrl-C, which the
            # solver (in its own session) does not receive.
            _kill_group(proc.pid)
        status = int(reaped["status"])  # type: ignore[call-overload]
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not reap again
        end = float(reaped["end"])  # type: ignore[arg-type]
        max_rss_mb: Optional[float] = None
        if GNU_TIME:
            m = RSS_LINE.findall(rss.read())
            if m:
                max_rss_mb = int(m[-1]) / 1024.0
        else:
            max_rss_mb = reaped["usage"].ru_maxrss / 1024.0  # type: ignore[attr-defined]  # KiB on Linux
        out.seek(0)
        err.seek(0)
        return Process(
            returncode=None if timed_out else proc.returncode,
            seconds=timeout if timed_out else end - start,
            max_rss_mb=max_rss_mb,
            timed_out=timed_out,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _children(pid: int) -> List[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(tok) for tok in fh.read().split()]
    except (OSError, ValueError):
        return []


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# ---------------------------------------------------------------------------
# Solvers


class Solver:
    """One way of solving a CNF file in a child process."""

    name = ""
    label = ""

    def __init__(self) -> None:
        self.unavailable: Optional[str] = None  # why it cannot run, if it cannot
        self.version = ""

    def probe(self) -> None:
        """Set `unavailable` (and `version`) by checking the solver is installed."""

    def command(self, path: Path, timeout: float, want_model: bool) -> List[str]:
        raise NotImplementedError


class Fastback(Solver):
    name = "fastback"
    label = "fastback (CLI: python -m fastback sat)"

    def __init__(self) -> None:
        super().__init__()
        self.prefix: List[str] = [sys.executable, "-m", "fastback"]

    def probe(self) -> None:
        # `python -m fastback` needs fastback/__main__.py; fall back to the
        # console-script entry point fastback.cli:main if only that exists.
        candidates = [
            [sys.executable, "-m", "fastback"],
            [sys.executable, "-c", "import sys; from fastback.cli import main; sys.exit(main())"],
        ]
        reasons = []
        for prefix in candidates:
            probe = run_process(prefix + ["sat", "--help"], 60)
            if probe.returncode == 0:
                self.prefix = prefix
                version = run_process([sys.executable, "-c", "import fastback; print(getattr(fastback, '__version__', ''))"], 60)
                self.version = version.stdout.strip() if version.returncode == 0 else ""
                return
            tail = (probe.stderr.strip() or probe.stdout.strip()).splitlines()
            reasons.append(tail[-1] if tail else f"exit code {probe.returncode}")
        self.unavailable = (f"fastback not available with {sys.executable} ({'; '.join(reasons)}); "
                            "run `make build` and use .venv/bin/python")

    def command(self, path: Path, timeout: float, want_model: bool) -> List[str]:
        argv = self.prefix + ["sat", str(path), "--stats", "--time", _number(timeout)]
        if not want_model:
            argv.append("--no-model")
        return argv


class MiniSat(Solver):
    name = "minisat"
    label = "MiniSat (minisat -verb=0)"

    def probe(self) -> None:
        if shutil.which("minisat") is None:
            self.unavailable = "minisat not on PATH (make bench-deps)"
        self.version = _debian_version("minisat")

    def command(self, path: Path, timeout: float, want_model: bool) -> List[str]:
        return ["minisat", "-verb=0", str(path)]


class Cadical(Solver):
    name = "cadical"
    label = "CaDiCaL (cadical -q -n)"

    def probe(self) -> None:
        if shutil.which("cadical") is None:
            self.unavailable = "cadical not on PATH (make bench-deps)"
        self.version = _debian_version("cadical")

    def command(self, path: Path, timeout: float, want_model: bool) -> List[str]:
        # -n: no model on stdout, like minisat without an output file and fastback --no-model.
        return ["cadical", "-q", "-n", str(path)]


class PySat(Solver):
    def __init__(self, backend: str) -> None:
        super().__init__()
        self.backend = backend
        self.name = f"pysat-{backend}"
        self.label = f"PySAT {backend} (pysat.solvers.Solver(name={backend!r}))"

    def probe(self) -> None:
        check = run_process([sys.executable, "-c",
                             "import pysat; from pysat.solvers import Solver; "
                             f"Solver(name={self.backend!r}).delete(); print(pysat.__version__)"], 60)
        if check.returncode != 0:
            tail = check.stderr.strip().splitlines()
            self.unavailable = (f"python-sat solver {self.backend!r} not usable with {sys.executable}: "
                                f"{tail[-1] if tail else check.returncode} (make bench-deps)")
        else:
            self.version = "python-sat " + check.stdout.strip()

    def command(self, path: Path, timeout: float, want_model: bool) -> List[str]:
        return [sys.executable, "-c", PYSAT_RUNNER, self.backend, str(path)]


def make_solver(name: str) -> Solver:
    if name == "fastback":
        return Fastback()
    if name == "minisat":
        return MiniSat()
    if name == "cadical":
        return Cadical()
    if name.startswith("pysat-") and len(name) > len("pysat-"):
        return PySat(name[len("pysat-"):])
    sys.exit(f"sat.py: unknown solver {name!r}; known: fastback, minisat, cadical, pysat-<name> "
             "(a python-sat solver name such as cadical195, glucose4, minisat22)")


def _debian_version(package: str) -> str:
    if shutil.which("dpkg-query") is None:
        return ""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return f"Debian {done.stdout.strip()}" if done.returncode == 0 and done.stdout.strip() else ""


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# ---------------------------------------------------------------------------
# One run and its verdict


@dataclass
class Run:
    solver: str
    instance: str
    expected: str
    result: str  # "sat", "unsat", "TO", "UNK", "WRONG", "ERR", "n/a"
    seconds: Optional[float]
    max_rss_mb: Optional[float]
    returncode: Optional[int]
    stats: Dict[str, float] = field(default_factory=dict)
    note: str = ""

    @property
    def solved(self) -> bool:
        return self.result in ("sat", "unsat")


def parse_stats(text: str) -> Dict[str, float]:
    stats: Dict[str, float] = {}
    for line in text.splitlines():
        m = STAT_LINE.match(line)
        if m:
            value = float(m.group(2))
            stats[m.group(1)] = int(value) if value.is_integer() and "." not in m.group(2) else value
    return stats


def parse_model(text: str) -> List[int]:
    model: List[int] = []
    for line in text.splitlines():
        if line.startswith("v"):
            model.extend(int(tok) for tok in line[1:].split())
    return model


def check_model(model: List[int], clauses: List[List[int]]) -> str:
    """Empty if `model` satisfies every clause; otherwise what is wrong."""
    if not model or model[-1] != 0:
        return "model missing or not terminated by 0"
    true = set(model[:-1])
    if any(-lit in true for lit in true):
        return "model assigns a variable both ways"
    for index, clause in enumerate(clauses):
        if not any(lit in true for lit in clause):
            return f"model falsifies clause {index + 1} ({' '.join(map(str, clause))} 0)"
    return ""


def run_one(solver: Solver, inst: Instance, timeout: float, verify_models: bool) -> Run:
    if solver.unavailable:
        return Run(solver.name, inst.file, inst.status, "n/a", None, None, None, note=solver.unavailable)
    want_model = verify_models and isinstance(solver, Fastback)
    proc = run_process(solver.command(inst.path, timeout, want_model), timeout)
    stats = parse_stats(proc.stdout + "\n" + proc.stderr)
    run = Run(solver.name, inst.file, inst.status, "", proc.seconds, proc.max_rss_mb, proc.returncode, stats)
    if proc.timed_out or proc.seconds >= timeout:
        run.result = "TO"
        return run
    claimed = {EXIT_SAT: "sat", EXIT_UNSAT: "unsat"}.get(proc.returncode or 0)
    status_line = STATUS_LINE.search(proc.stdout)
    if claimed is None:
        if proc.returncode == 0 or (status_line and status_line.group(1) == "UNKNOWN"):
            run.result, run.note = "UNK", "stopped without an answer before the timeout"
        else:
            run.result, run.note = "ERR", _error_note(proc)
        return run
    if status_line and status_line.group(1) != {"sat": "SATISFIABLE", "unsat": "UNSATISFIABLE"}[claimed]:
        run.result = "ERR"
        run.note = f"exit code {proc.returncode} but 's {status_line.group(1)}'"
        return run
    if claimed != inst.status:
        run.result, run.note = "WRONG", f"answered {claimed}, expected {inst.status}"
        return run
    if want_model and claimed == "sat":
        problem = check_model(parse_model(proc.stdout), read_dimacs(inst.path, keep_clauses=True)[3])
        if problem:
            run.result, run.note = "WRONG", f"invalid model: {problem}"
            return run
        run.note = "model verified"
    run.result = claimed
    return run


def _error_note(proc: Process) -> str:
    tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
    last = tail[-1][:200] if tail else ""
    return f"exit code {proc.returncode}" + (f": {last}" if last else "")


# ---------------------------------------------------------------------------
# Summaries


def par2(runs: List[Run], timeout: float) -> float:
    """PAR-2: time when solved (correctly, within the limit), else twice the limit."""
    return sum(r.seconds if r.solved and r.seconds is not None else 2 * timeout for r in runs)


@dataclass
class SolverSummary:
    solver: str
    label: str
    version: str
    available: bool
    note: str
    instances: int
    solved: int
    solved_sat: int
    solved_unsat: int
    timeouts: int
    unknown: int
    wrong: int
    errors: int
    par2: Optional[float]
    fastback_ratio: Optional[float]  # fastback PAR-2 / this solver's PAR-2
    median_rss_mb: Optional[float]
    mb_per_mlit_large: Optional[float]  # median over the large instances
    startup_seconds: Optional[float]
    startup_rss_mb: Optional[float]
    covers_minisat: Optional[bool]
    missing_vs_minisat: List[str]
    timing_breakdown: Dict[str, float]


def summarise(solvers: List[Solver], instances: List[Instance], runs: Dict[Tuple[str, str], Run],
              baselines: Dict[str, Optional[Process]], timeout: float, large: int) -> List[SolverSummary]:
    big = [i for i in instances if i.literals >= large]
    minisat_solved = None
    if any(s.name == "minisat" and not s.unavailable for s in solvers):
        minisat_solved = [i.file for i in instances if runs[("minisat", i.file)].solved]
    fastback_par2 = None
    fb = next((s for s in solvers if s.name == "fastback"), None)
    if fb is not None and not fb.unavailable:
        fastback_par2 = par2([runs[("fastback", i.file)] for i in instances], timeout)
    out = []
    for s in solvers:
        mine = [runs[(s.name, i.file)] for i in instances]
        ran = [r for r in mine if r.result != "n/a"]
        available = not s.unavailable
        p2 = par2(mine, timeout) if available else None
        rss = [r.max_rss_mb for r in ran if r.max_rss_mb is not None and r.result != "ERR"]
        per_mlit = [runs[(s.name, i.file)].max_rss_mb / (i.literals / 1e6)  # type: ignore[operator]
                    for i in big
                    if runs[(s.name, i.file)].max_rss_mb is not None and runs[(s.name, i.file)].result != "ERR"]
        covers = None
        missing: List[str] = []
        if available and minisat_solved is not None and s.name != "minisat":
            missing = [f for f in minisat_solved if not runs[(s.name, f)].solved]
            covers = not missing
        breakdown: Dict[str, float] = {}
        for r in ran:
            if r.solved:
                for key in ("import-seconds", "parse-seconds", "load-seconds", "solve-seconds", "seconds"):
                    if key in r.stats:
                        breakdown[key] = breakdown.get(key, 0.0) + float(r.stats[key])
        if breakdown:
            breakdown["wall-seconds"] = sum(r.seconds or 0.0 for r in ran if r.solved)
        base = baselines.get(s.name)
        out.append(SolverSummary(
            solver=s.name, label=s.label, version=s.version, available=available, note=s.unavailable or "",
            instances=len(instances),
            solved=sum(r.solved for r in mine),
            solved_sat=sum(r.result == "sat" for r in mine),
            solved_unsat=sum(r.result == "unsat" for r in mine),
            timeouts=sum(r.result == "TO" for r in mine),
            unknown=sum(r.result == "UNK" for r in mine),
            wrong=sum(r.result == "WRONG" for r in mine),
            errors=sum(r.result == "ERR" for r in mine),
            par2=p2,
            fastback_ratio=(fastback_par2 / p2) if fastback_par2 is not None and p2 and s.name != "fastback" else None,
            median_rss_mb=statistics.median(rss) if rss else None,
            mb_per_mlit_large=statistics.median(per_mlit) if per_mlit else None,
            startup_seconds=base.seconds if base else None,
            startup_rss_mb=base.max_rss_mb if base else None,
            covers_minisat=covers,
            missing_vs_minisat=missing,
            timing_breakdown=breakdown,
        ))
    return out


def fmt(x: Optional[float], spec: str = ".2f", none: str = "n/a") -> str:
    return none if x is None else format(x, spec)


def human_count(n: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n:.0f}"


def cell(run: Run) -> str:
    if run.solved:
        return f"{run.seconds:.2f}"
    return run.result


def print_table(headers: List[str], rows: List[List[str]], right: Sequence[bool]) -> None:
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h) for k, h in enumerate(headers)]

    def line(values: List[str]) -> str:
        return "  ".join(v.rjust(w) if right[k] else v.ljust(w) for k, (v, w) in enumerate(zip(values, widths)))

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def report(args: argparse.Namespace, solvers: List[Solver], instances: List[Instance],
           runs: Dict[Tuple[str, str], Run], summaries: List[SolverSummary], meta: Dict[str, object]) -> None:
    timeout = args.timeout
    print()
    print(f"SAT benchmark: set {args.set}, {len(instances)} instances, timeout {_number(timeout)} s "
          f"per run, jobs {args.jobs}, {meta['machine']}")
    print("Times are wall-clock seconds of the whole solver process, including start-up and CNF parsing, "
          "for every solver.")
    print(f"Memory: {RSS_SOURCE}.")
    for s in solvers:
        print(f"  {s.name:<18} {s.label}" + (f", {s.version}" if s.version else "")
              + (f"  [{s.unavailable}]" if s.unavailable else ""))
    print()

    headers = ["instance", "family", "expected", "literals"] + [s.name for s in solvers]
    rows = [[i.file, i.family, i.status, human_count(i.literals)] + [cell(runs[(s.name, i.file)]) for s in solvers]
            for i in instances]
    print_table(headers, rows, [False, False, False, True] + [True] * len(solvers))
    print("  cells: seconds when solved; TO timed out; UNK stopped without an answer; "
          "WRONG answer disagrees with the manifest; ERR crashed or bad output; n/a solver not available")

    print()
    print(f"Summary (PAR-2 = sum over instances of the time if solved, else 2 x {_number(timeout)} s; "
          "ratio = fastback PAR-2 / solver PAR-2, < 1 means fastback is faster):")
    headers = ["solver", "solved", "sat", "unsat", "TO", "UNK", "WRONG", "ERR", "PAR-2 s", "fastback/this",
               "startup s", "startup MB", "median MB", f"MB/Mlit (>= {human_count(args.large)} lits)"]
    rows = []
    for m in summaries:
        if not m.available:
            rows.append([m.solver, "n/a"] + [""] * (len(headers) - 2))
            continue
        rows.append([m.solver, f"{m.solved}/{m.instances}", str(m.solved_sat), str(m.solved_unsat),
                     str(m.timeouts), str(m.unknown), str(m.wrong), str(m.errors), fmt(m.par2, ".1f"),
                     fmt(m.fastback_ratio, ".2f", "-" if m.solver == "fastback" else "n/a"),
                     fmt(m.startup_seconds, ".3f"), fmt(m.startup_rss_mb, ".1f"),
                     fmt(m.median_rss_mb, ".1f"), fmt(m.mb_per_mlit_large, ".0f")])
    print_table(headers, rows, [False] + [True] * (len(headers) - 1))
    print("  startup: the solver on a one-clause CNF (process start, imports); MB: peak RSS; "
          "MB/Mlit: peak RSS / (input literals / 1e6), median over the larger instances")

    for m in summaries:
        if not m.available:
            print(f"  {m.solver}: {m.note}")
    for m in summaries:
        if m.covers_minisat is not None:
            print(f"  {m.solver} solves every instance MiniSat solves: "
                  + ("yes" if m.covers_minisat else f"no (missing: {', '.join(m.missing_vs_minisat)})"))
    for m in summaries:
        if m.timing_breakdown:
            b = m.timing_breakdown
            parts = ", ".join(f"{k[:-len('-seconds')] if k.endswith('-seconds') else 'total'} {v:.2f}"
                              for k, v in b.items() if k != "wall-seconds")
            print(f"  {m.solver}: on its solved instances, wall {b['wall-seconds']:.2f} s in all; "
                  f"self-reported: {parts} s")

    fb = next((s for s in solvers if s.name == "fastback"), None)
    if fb is not None and not fb.unavailable:
        big = [i for i in instances if i.literals >= args.large]
        print()
        print(f"fastback search statistics on the larger instances (>= {human_count(args.large)} literals):")
        rows = []
        rates = []
        for i in big:
            r = runs[("fastback", i.file)]
            rate = r.stats.get("propagations-per-second")
            if rate is not None:
                rates.append(float(rate))
            rows.append([i.file, human_count(i.literals), cell(r), fmt(rate, ",.0f"),
                         fmt(r.stats.get("conflicts"), ",.0f"), fmt(r.stats.get("decisions"), ",.0f"),
                         fmt(r.max_rss_mb, ".1f")])
        if rows:
            print_table(["instance", "literals", "time", "props/s", "conflicts", "decisions", "peak MB"], rows,
                        [False] + [True] * 6)
            print(f"  median propagations per second: {fmt(statistics.median(rates) if rates else None, ',.0f')}"
                  + ("" if rates else " (the CLI printed no 'c propagations-per-second:' line)"))
        else:
            print("  (no instance of this selection is that large)")

    notes = [(s, i, runs[(s.name, i.file)]) for i in instances for s in solvers
             if runs[(s.name, i.file)].result in ("WRONG", "ERR")]
    if notes:
        print()
        for s, i, r in notes:
            print(f"{r.result}: {s.name} on {i.file}: {r.note}")

    if args.markdown:
        print()
        print(markdown(args, instances, summaries, runs, meta))


def markdown(args: argparse.Namespace, instances: List[Instance], summaries: List[SolverSummary],
             runs: Dict[Tuple[str, str], Run], meta: Dict[str, object]) -> str:
    lines = [
        f"SAT, `{args.set}` set ({len(instances)} instances), {_number(args.timeout)} s limit per run, "
        f"one run on {meta['machine']}, {meta['date']}. Wall time of the whole process, parsing included, "
        "for every solver. PAR-2: time if solved, else twice the limit. "
        "Ratio: fastback's PAR-2 divided by the solver's (< 1: fastback is faster).",
        "",
        "| solver | solved (sat/unsat) | PAR-2 (s) | fastback / solver | peak MB per M literals | startup (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in summaries:
        name = f"{m.solver} ({m.version})" if m.version else m.solver
        if not m.available:
            lines.append(f"| {name} | not available | | | | |")
            continue
        lines.append(f"| {name} | {m.solved}/{m.instances} ({m.solved_sat}/{m.solved_unsat}) | {fmt(m.par2, '.1f')} "
                     f"| {fmt(m.fastback_ratio, '.2f', '')} | {fmt(m.mb_per_mlit_large, '.0f')} "
                     f"| {fmt(m.startup_seconds, '.2f')} |")
    lines.append("")
    lines.append(f"Peak MB per M literals: median over the instances with at least {human_count(args.large)} "
                 "literals; it includes each process's fixed start-up memory.")
    for m in summaries:
        if m.covers_minisat is not None and m.solver == "fastback":
            lines.append("fastback solves every instance MiniSat solves: "
                         + ("yes." if m.covers_minisat else f"no (missing: {', '.join(m.missing_vs_minisat)})."))
    rates = [float(runs[("fastback", i.file)].stats["propagations-per-second"]) for i in instances
             if i.literals >= args.large and ("fastback", i.file) in runs
             and "propagations-per-second" in runs[("fastback", i.file)].stats]
    if rates:
        lines.append(f"fastback propagations per second (median, instances with at least "
                     f"{human_count(args.large)} literals): {statistics.median(rates):,.0f}.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}"


def baseline_runs(solvers: List[Solver], timeout: float) -> Dict[str, Optional[Process]]:
    """Each solver on a one-clause CNF: its fixed start-up time and memory."""
    out: Dict[str, Optional[Process]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one-clause.cnf"
        path.write_text("p cnf 1 1\n1 0\n")
        for s in solvers:
            if s.unavailable:
                out[s.name] = None
                continue
            proc = run_process(s.command(path, timeout, False), timeout)
            out[s.name] = proc if proc.returncode == EXIT_SAT else None
    return out


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Compare fastback with MiniSat, CaDiCaL and PySAT on the instances of a manifest, "
                    "side by side in one run.")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help="folder holding manifest.csv and the instances (default: %(default)s)")
    p.add_argument("--set", choices=SETS + ("all",), default="quick", help="manifest set to run (default: quick)")
    p.add_argument("--timeout", type=float, default=30.0, help="wall-clock seconds per run (default: 30)")
    p.add_argument("--solvers", default=DEFAULT_SOLVERS,
                   help="comma-separated: fastback, minisat, cadical, pysat-<python-sat name> "
                        "(default: %(default)s)")
    p.add_argument("--filter", metavar="REGEX", help="keep instances whose file or family matches")
    p.add_argument("--jobs", type=int, default=1,
                   help="runs at a time (default 1; more makes timings unfair on a small machine)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write every run and the summary as JSON")
    p.add_argument("--markdown", action="store_true", help="also print the summary as a markdown table")
    p.add_argument("--verify-models", action="store_true",
                   help="run fastback with model output and check each SAT model against every clause")
    p.add_argument("--large", type=int, default=100_000, metavar="LITERALS",
                   help="instances with at least this many literals count as larger, for the memory and "
                        "propagation-rate figures (default: %(default)s)")
    args = p.parse_args(argv)
    if args.timeout <= 0:
        p.error("--timeout must be positive")
    if args.jobs < 1:
        p.error("--jobs must be at least 1")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.solvers.split(",") if n.strip()]
    if len(set(names)) != len(names):
        sys.exit("sat.py: a solver is named twice in --solvers")
    solvers = [make_solver(n) for n in names]
    instances = load_manifest(args.data, args.set, args.filter)
    if not instances:
        sys.exit(f"sat.py: no instance in set {args.set!r} matches --filter {args.filter!r}")

    for s in solvers:
        s.probe()
        if s.unavailable:
            print(f"sat.py: {s.name}: {s.unavailable}; its cells will read n/a", file=sys.stderr)
    if args.jobs > 1:
        print(f"sat.py: --jobs {args.jobs}: runs share the CPU, so times are not comparable with --jobs 1",
              file=sys.stderr)
    for inst in instances:
        inst.variables, inst.clauses, inst.literals, _ = read_dimacs(inst.path)

    meta: Dict[str, object] = {
        "machine": machine_description(),
        "date": time.strftime("%Y-%m-%d"),
        "set": args.set, "timeout": args.timeout, "jobs": args.jobs, "data": str(args.data),
        "verify_models": args.verify_models, "large_literals": args.large,
        "timing": "wall-clock seconds of the whole solver process, start-up and parsing included",
        "memory": RSS_SOURCE,
    }
    baselines = baseline_runs(solvers, args.timeout)

    # Interleave solvers instance by instance, so slow drift in machine load
    # touches every solver alike.
    tasks = [(s, i) for i in instances for s in solvers]
    runs: Dict[Tuple[str, str], Run] = {}
    done = 0
    lock = threading.Lock()

    def execute(task: Tuple[Solver, Instance]) -> None:
        nonlocal done
        s, i = task
        r = run_one(s, i, args.timeout, args.verify_models)
        with lock:
            runs[(s.name, i.file)] = r
            done += 1
            if r.result != "n/a":
                rss = fmt(r.max_rss_mb, ".0f")
                print(f"[{done:>{len(str(len(tasks)))}}/{len(tasks)}] {s.name:<16} {i.file:<40} "
                      f"{r.result:>5} {fmt(r.seconds, '.2f'):>6} s {rss:>5} MB"
                      + (f"  {r.note}" if r.result in ("WRONG", "ERR") else ""), file=sys.stderr, flush=True)

    if args.jobs == 1:
        for t in tasks:
            execute(t)
    else:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(execute, tasks))

    summaries = summarise(solvers, instances, runs, baselines, args.timeout, args.large)
    report(args, solvers, instances, runs, summaries, meta)

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "meta": meta,
            "solvers": [{"name": s.name, "label": s.label, "version": s.version, "unavailable": s.unavailable}
                        for s in solvers],
            "instances": [dict(asdict(i), path=str(i.path)) for i in instances],
            "runs": [asdict(runs[(s.name, i.file)]) for i in instances for s in solvers],
            "summary": [asdict(m) for m in summaries],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {args.json}", file=sys.stderr)

    wrong = [r for r in runs.values() if r.result == "WRONG"]
    if wrong:
        print(f"\nsat.py: {len(wrong)} WRONG answer(s): "
              + "; ".join(f"{r.solver} on {r.instance} ({r.note})" for r in wrong), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("sat.py: interrupted", file=sys.stderr)
        sys.exit(130)
