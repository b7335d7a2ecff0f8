"""fastback.sat.backbone and Solver.backbone, checked independently.

Backbones are compared with two references that share no code with
fastback: the intersection of all models found by brute force (small
formulas), and the intersection of all models PySAT's CaDiCaL enumerates
(blocking clauses). Limits must give an IncompleteBackboneError whose
partial answer brackets the true backbone, never a partial list.
"""

from __future__ import annotations

import itertools
import pickle
import random
import sys
import textwrap
from pathlib import Path
from typing import List, Optional, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback import _core
from fastback.sat import CNF, IncompleteBackboneError, Solver, backbone
from sat_helpers import php, random_kcnf, satisfies, signal_when_ready, write_cnf

pysat_solvers = pytest.importorskip("pysat.solvers")

Clause = List[int]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_force_backbone(nv: int, clauses: Sequence[Sequence[int]]) -> Optional[List[int]]:
    """Intersection of all models over variables 1..nv, or None if there is none."""
    common: Optional[set] = None
    for bits in itertools.product((False, True), repeat=nv):
        model = {v + 1 if b else -(v + 1) for v, b in enumerate(bits)}
        if all(any(lit in model for lit in c) for c in clauses):
            common = model if common is None else common & model
    return None if common is None else sorted(common, key=abs)


def pysat_backbone(clauses: Sequence[Sequence[int]]) -> Optional[List[int]]:
    """Intersection of all models PySAT's CaDiCaL enumerates (blocking each
    one on the variables the clauses use; the others are free)."""
    used = sorted({abs(lit) for c in clauses for lit in c})
    common: Optional[set] = None
    with pysat_solvers.Cadical195(bootstrap_with=[list(c) for c in clauses]) as s:
        while s.solve():
            values = set(s.get_model() or [])
            model = {v if v in values else -v for v in used}
            common = model if common is None else common & model
            if not model:
                break
            s.add_clause([-lit for lit in model])
    return None if common is None else sorted(common, key=abs)


@st.composite
def formulas(draw, max_vars: int = 10):
    """Random clauses plus units and equivalences (so backbones are not all empty)."""
    nv = draw(st.integers(1, max_vars))
    lit = st.integers(1, nv).flatmap(lambda v: st.sampled_from([v, -v]))
    clauses = draw(st.lists(st.lists(lit, min_size=1, max_size=4), max_size=40))
    clauses += [[u] for u in draw(st.lists(lit, max_size=2))]
    for a, b in draw(st.lists(st.tuples(lit, lit), max_size=3)):
        clauses += [[-a, b], [a, -b]]
    return nv, clauses


# -- against references ---------------------------------------------------------------------


@settings(max_examples=400, **SETTINGS)
@given(formulas(), st.integers(0, 3))
def test_backbone_matches_brute_force(f, seed):
    nv, clauses = f
    cnf = CNF(from_clauses=clauses)
    cnf.nv = nv
    assert backbone(cnf, seed=seed) == brute_force_backbone(nv, clauses)


@settings(max_examples=150, **SETTINGS)
@given(formulas(max_vars=8))
def test_backbone_matches_pysat_enumeration(f):
    nv, clauses = f
    expected = pysat_backbone(clauses)
    got = backbone(clauses)
    assert got == expected


@pytest.mark.parametrize("seed", range(6))
def test_random_3sat_near_threshold_matches_pysat(seed):
    rng = random.Random(seed)
    clauses = random_kcnf(rng, 40, 168, 3)
    expected = pysat_backbone(clauses)
    assert backbone(clauses, seed=seed) == expected


def test_every_formula_form(tmp_path: Path):
    clauses = [[1], [-1, 2], [3, 4], [-3, -4], [5, -6]]
    expected = [1, 2]
    path = write_cnf(tmp_path / "f.cnf", clauses)
    assert backbone(clauses) == expected
    assert backbone(CNF(from_clauses=clauses)) == expected
    assert backbone(CNF(from_file=path)) == expected
    assert backbone(_core.read_dimacs(path=str(path))) == expected
    assert backbone([]) == []
    assert backbone([[1], [-1]]) is None
    assert backbone([[]]) is None


# -- Solver.backbone ------------------------------------------------------------------------


def test_solver_backbone_leaves_the_formula_usable():
    clauses = [[1, 2], [-1, 2], [2, 3], [-3, 4]]
    with Solver(bootstrap_with=clauses, with_proof=True) as s:
        assert s.backbone() == [2]
        stats = s.backbone_stats()
        assert stats is not None and stats["solves"] >= 1 and stats["candidates"] == 4
        assert s.get_status() is None
        assert s.nof_vars() == 4 and s.nof_clauses() == 4
        assert s.solve(assumptions=[-4]) is True
        assert satisfies(clauses, s.get_model())
        assert s.solve(assumptions=[-2]) is False
        # More clauses, new backbone; the proof stays valid once it is UNSAT.
        s.add_clause([-4])
        assert s.backbone() == [2, -3, -4]
        s.add_clause([-2])
        assert s.solve() is False
        from fastback.sat import check_drat

        assert check_drat(clauses + [[-4], [-2]], s.get_proof_bytes()).verified


def test_unsat_backbone_keeps_unsat_status():
    with Solver(bootstrap_with=[[1, 2], [-1], [-2]]) as s:
        assert s.backbone() is None
        assert s.get_status() is False


# -- limits ---------------------------------------------------------------------------------


def guarded_php(pigeons: int, holes: int) -> List[Clause]:
    """Pigeonhole clauses each weakened by a selector s: satisfiable (s true),
    and s is the only backbone literal, proved only by refuting the pigeonhole."""
    clauses = php(pigeons, holes)
    s = pigeons * holes + 1
    return [c + [s] for c in clauses]


def test_conflict_limit_raises_with_an_exact_partial_answer():
    clauses = guarded_php(7, 6)
    s = 7 * 6 + 1
    with pytest.raises(IncompleteBackboneError) as info:
        backbone(clauses, conflict_limit=50)
    e = info.value
    assert isinstance(e, TimeoutError)
    assert e.reason == "conflict_limit"
    assert e.undecided is not None and s in e.undecided
    assert set(e.confirmed) <= {s}
    assert e.stats["conflicts"] <= 51
    assert "conflict limit" in str(e)
    assert backbone(clauses) == [s]


def test_time_limits_raise():
    with pytest.raises(IncompleteBackboneError, match="time limit") as info:
        backbone([[1, 2]], time_limit=0)
    assert info.value.undecided is None and info.value.confirmed == []
    with pytest.raises(IncompleteBackboneError) as info:
        backbone(guarded_php(9, 8), time_limit=0.05)
    assert info.value.reason == "time_limit"


@settings(max_examples=100, **SETTINGS)
@given(formulas(), st.integers(0, 5))
def test_limited_answers_bracket_the_backbone(f, limit):
    nv, clauses = f
    expected = brute_force_backbone(nv, clauses)
    cnf = CNF(from_clauses=clauses)
    cnf.nv = nv
    try:
        got = backbone(cnf, conflict_limit=limit)
    except IncompleteBackboneError as e:
        if e.undecided is None:
            assert e.confirmed == []
        else:
            assert expected is not None
            assert set(e.confirmed) <= set(expected) <= set(e.confirmed) | set(e.undecided)
    else:
        assert got == expected


def test_interrupt_request_raises_and_limits_are_per_call():
    clauses = [[1, 2], [-1, 2]]
    with Solver(bootstrap_with=clauses) as s:
        s.interrupt()
        with pytest.raises(IncompleteBackboneError) as info:
            s.backbone()
        assert info.value.reason == "interrupted"
        s.clear_interrupt()
        assert s.backbone() == [2]


def test_backbone_limits_do_not_leak_into_solve_calls():
    with Solver(bootstrap_with=php(7, 6)) as s:
        s.conf_budget(10)
        with pytest.raises(IncompleteBackboneError):
            s.backbone(conflict_limit=20)
        assert s.solve_limited() is None  # its own budget of 10, not backbone's
        assert s.backbone() is None  # no limit
        assert s.solve() is False


def test_bad_limits():
    with pytest.raises(ValueError, match="conflict_limit"):
        backbone([[1]], conflict_limit=-1)
    with pytest.raises(TypeError):
        backbone([[1]], conflict_limit=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time_limit"):
        backbone([[1]], time_limit=-1.0)
    with pytest.raises(ValueError, match="time_limit"):
        backbone([[1]], time_limit=float("nan"))


def test_error_pickles():
    e = IncompleteBackboneError("time_limit", [1], [2, -3], {"solves": 2})
    f = pickle.loads(pickle.dumps(e))
    assert (f.reason, f.confirmed, f.undecided, f.stats, str(f)) == (
        e.reason, e.confirmed, e.undecided, e.stats, str(e))


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from fastback.sat import backbone
    from sat_helpers import php
    clauses = [c + [12 * 11 + 1] for c in php(12, 11)]
    print("computing", flush=True)
    try:
        backbone(clauses)
    except KeyboardInterrupt:
        print("KeyboardInterrupt", flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_backbone():
    script = CTRL_C_SCRIPT.format(tests=str(Path(__file__).parent))
    code, out, err, waited = signal_when_ready([sys.executable, "-c", script], "computing")
    assert code == 3, (out, err)
    assert "KeyboardInterrupt" in out
    assert waited < 5
