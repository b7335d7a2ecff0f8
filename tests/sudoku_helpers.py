"""Independent checks for the Sudoku tests: a parser, a solution checker, a
brute-force counter and a SAT-based counter (PySAT), none of which shares
code with fastback's solvers or its parser."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "sudoku"


def values(text: str) -> List[int]:
    """Cell values of a puzzle string (0 empty): digits for n <= 9, letters A.. for larger."""
    n = round(len(text) ** 0.5)
    out = []
    for ch in text:
        if ch in ".0":
            out.append(0)
        elif n <= 9:
            out.append(int(ch))
        else:
            out.append(ord(ch.upper()) - ord("A") + 1)
    return out


def check_solution(puzzle: str, solution: Optional[str]) -> bool:
    """True when ``solution`` fills ``puzzle``: every row, column and box
    holds 1..n once, and every given is kept."""
    if solution is None or len(solution) != len(puzzle):
        return False
    p, s = values(puzzle), values(solution)
    n = round(len(s) ** 0.5)
    b = round(n ** 0.5)
    full = set(range(1, n + 1))
    for i in range(n):
        row = {s[i * n + c] for c in range(n)}
        col = {s[r * n + i] for r in range(n)}
        box = {s[(i // b * b + k // b) * n + i % b * b + k % b] for k in range(n)}
        if row != full or col != full or box != full:
            return False
    return all(g == 0 or g == v for g, v in zip(p, s))


def brute_force_count(puzzle: str, limit: int = 10**9) -> int:
    """Solutions by plain backtracking on the first empty cell (for 4x4)."""
    v = values(puzzle)
    n = round(len(v) ** 0.5)
    b = round(n ** 0.5)

    def ok(i: int, d: int) -> bool:
        r, c = divmod(i, n)
        for k in range(n):
            if v[r * n + k] == d or v[k * n + c] == d:
                return False
            if v[(r // b * b + k // b) * n + c // b * b + k % b] == d:
                return False
        return True

    # Conflicting givens have no solution.
    for i, d in enumerate(v):
        if d:
            v[i] = 0
            clash = not ok(i, d)
            v[i] = d
            if clash:
                return 0

    def count() -> int:
        try:
            i = v.index(0)
        except ValueError:
            return 1
        total = 0
        for d in range(1, n + 1):
            if ok(i, d):
                v[i] = d
                total += count()
                v[i] = 0
                if total >= limit:
                    break
        return total

    return min(count(), limit)


def sat_count(puzzle: str, limit: int = 2) -> int:
    """Solutions counted up to ``limit`` with PySAT (CaDiCaL) and blocking
    clauses, from a direct encoding written here."""
    from pysat.solvers import Cadical153

    v = values(puzzle)
    n = round(len(v) ** 0.5)
    b = round(n ** 0.5)

    def var(i: int, d: int) -> int:
        return i * n + d + 1

    with Cadical153() as s:
        for i in range(n * n):
            s.add_clause([var(i, d) for d in range(n)])
            for d in range(n):
                for e in range(d + 1, n):
                    s.add_clause([-var(i, d), -var(i, e)])
        units = []
        for i in range(n):
            units.append([i * n + c for c in range(n)])
            units.append([r * n + i for r in range(n)])
            units.append([(i // b * b + k // b) * n + i % b * b + k % b for k in range(n)])
        for u in units:
            for d in range(n):
                s.add_clause([var(i, d) for i in u])
        for i, d in enumerate(v):
            if d:
                s.add_clause([var(i, d - 1)])
        found = 0
        while found < limit and s.solve():
            found += 1
            s.add_clause([-lit for lit in s.get_model() if lit > 0])
        return found


def shared_lines(name: str, step: int = 1) -> List[str]:
    """Every ``step``-th puzzle of a shared benchmark file (empty if absent)."""
    path = SHARED / name
    if not path.exists():
        return []
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return lines[::step]
