"""Formula generators and independent checkers shared by the SAT tests.

Nothing here uses fastback: models are checked by evaluating every clause
here, so a bug in the solver cannot hide behind a matching bug in the check.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

Clause = List[int]


def php(pigeons: int, holes: int) -> List[Clause]:
    """Pigeonhole: ``pigeons`` pigeons in ``holes`` holes, at most one per hole.
    Unsatisfiable iff pigeons > holes, and exponentially hard for resolution."""

    def var(p: int, h: int) -> int:
        return p * holes + h + 1

    clauses = [[var(p, h) for h in range(holes)] for p in range(pigeons)]
    for h in range(holes):
        for a in range(pigeons):
            for b in range(a + 1, pigeons):
                clauses.append([-var(a, h), -var(b, h)])
    return clauses


def random_kcnf(rng: random.Random, num_vars: int, num_clauses: int, k: int) -> List[Clause]:
    """Uniform random k-CNF (distinct variables within a clause)."""
    k = min(k, num_vars)
    return [[v if rng.random() < 0.5 else -v for v in rng.sample(range(1, num_vars + 1), k)]
            for _ in range(num_clauses)]


def graph_colouring(rng: random.Random, nodes: int, edge_prob: float, colours: int) -> List[Clause]:
    """Colour a G(n, p) random graph with ``colours`` colours: each node gets
    at least one and at most one colour, adjacent nodes differ."""

    def var(n: int, c: int) -> int:
        return n * colours + c + 1

    clauses = [[var(n, c) for c in range(colours)] for n in range(nodes)]
    for n in range(nodes):
        for a in range(colours):
            for b in range(a + 1, colours):
                clauses.append([-var(n, a), -var(n, b)])
    for u in range(nodes):
        for v in range(u + 1, nodes):
            if rng.random() < edge_prob:
                for c in range(colours):
                    clauses.append([-var(u, c), -var(v, c)])
    return clauses


def xor_clauses(xs: Sequence[int], parity: bool) -> List[Clause]:
    """CNF of ``xor(xs) == parity`` (2^(len-1) clauses; keep xs short)."""
    out = []
    n = len(xs)
    for mask in range(1 << n):
        # Forbid each assignment with the wrong parity.
        ones = bin(mask).count("1")
        if (ones % 2 == 1) != parity:
            out.append([-x if mask >> i & 1 else x for i, x in enumerate(xs)])
    return out


def xor_chain(num_vars: int, parity: bool, contradict: bool) -> List[Clause]:
    """``x1 ^ ... ^ xn == parity`` chained through Tseitin variables, and, when
    ``contradict``, the same chain over the same inputs asserting the opposite
    parity (unsatisfiable, hard for plain resolution on long chains)."""
    clauses: List[Clause] = []
    nxt = num_vars + 1

    def chain(par: bool) -> None:
        nonlocal nxt
        acc = 1
        for x in range(2, num_vars + 1):
            t = nxt
            nxt += 1
            clauses.extend(xor_clauses([acc, x, t], False))  # t == acc ^ x
            acc = t
        clauses.append([acc] if par else [-acc])

    chain(parity)
    if contradict:
        chain(not parity)
    return clauses


def satisfies(clauses: Iterable[Sequence[int]], model: Optional[Sequence[int]]) -> bool:
    """Whether ``model`` (a list of literals) makes every clause true. A model
    must assign every variable the clauses use, each exactly once."""
    if model is None:
        return False
    true = set(model)
    if any(-lit in true for lit in true):
        return False
    for clause in clauses:
        if not any(lit in true for lit in clause):
            return False
    return True


def assigns_all(clauses: Iterable[Sequence[int]], model: Sequence[int]) -> bool:
    vars_in_model = {abs(lit) for lit in model}
    return all(abs(lit) in vars_in_model for c in clauses for lit in c)


def write_cnf(path: Path, clauses: Sequence[Sequence[int]], num_vars: Optional[int] = None) -> Path:
    """Writes plain DIMACS (by hand: the writer under test is not used here)."""
    nv = num_vars if num_vars is not None else max((abs(lit) for c in clauses for lit in c), default=0)
    lines = [f"p cnf {nv} {len(clauses)}"] + [" ".join(map(str, c)) + " 0" for c in clauses]
    path.write_text("\n".join(lines) + "\n")
    return path


def _default_signal_handling() -> None:
    """In the child before exec: SIGINT and SIGTERM back to their defaults.
    A test run started in the background by a non-interactive shell
    inherits SIGINT *ignored*, and Python then installs no KeyboardInterrupt
    handler, so the child would never see the Ctrl-C the test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def signal_when_ready(argv: Sequence[str], ready: str, sig: int = signal.SIGINT,
                      startup: float = 30.0) -> Tuple[int, str, str, float]:
    """Runs ``argv``, reads its stdout until a line contains ``ready`` (the
    long call is about to start), waits 0.5 s so that it is under way, sends
    ``sig``, and returns ``(returncode, stdout, stderr, seconds from the
    signal to the exit)``; stdout includes the lines read before the signal.
    The process is killed if it has not exited 10 s after the signal."""
    p = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=_default_signal_handling)
    try:
        assert p.stdout is not None
        deadline = time.monotonic() + startup
        seen = ""
        while ready not in seen and time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            seen += line
        assert ready in seen, f"never printed {ready!r}: {seen!r}"
        time.sleep(0.5)
        sent = time.monotonic()
        p.send_signal(sig)
        out, err = p.communicate(timeout=10)
        waited = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, seen + out, err, waited
