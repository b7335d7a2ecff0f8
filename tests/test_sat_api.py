"""The PySAT-style API of fastback.sat.Solver, call by call.

Results are checked independently: models by evaluating every clause
(sat_helpers.satisfies), cores by solving again under the core alone,
proofs with check_drat. Timing bounds are generous hang guards, not
performance claims.
"""

from __future__ import annotations

import gc
import random
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from fastback import _core
from fastback.sat import CNF, Solver, check_drat, solver_options
from sat_helpers import php, random_kcnf, satisfies, signal_when_ready

HARD = php(12, 11)  # minutes for any CDCL solver without symmetry handling


# -- basics -------------------------------------------------------------------


def test_sat_model_and_status():
    clauses = [[-1, 2], [-2, 3], [1, 3]]
    with Solver(bootstrap_with=clauses) as s:
        assert s.get_status() is None
        assert s.get_model() is None
        assert s.solve() is True
        assert s.get_status() is True
        model = s.get_model()
        assert satisfies(clauses, model)
        assert [abs(lit) for lit in model] == [1, 2, 3]
        assert s.get_core() is None


def test_unsat_status_model_none():
    with Solver(bootstrap_with=[[1], [-1, 2], [-2]]) as s:
        assert s.solve() is False
        assert s.get_status() is False
        assert s.get_model() is None
        assert s.get_core() == []


def test_add_clause_return_values():
    s = Solver()
    assert s.add_clause([1, 2]) is None
    assert s.add_clause([-1], no_return=False) is True
    assert s.add_clause([], no_return=False) is False
    assert s.solve() is False
    assert s.append_formula([[3]], no_return=False) is False


def test_duplicates_and_tautologies():
    with Solver(bootstrap_with=[[1, 1, -2], [2, -2], [-1, -1]]) as s:
        assert s.solve() is True
        assert satisfies([[1, 1, -2], [-1, -1]], s.get_model())


def test_empty_formula_and_reserved_vars():
    with Solver() as s:
        assert s.solve() is True
        assert s.get_model() == []
        assert s.nof_vars() == 0


def test_nof_vars_and_clauses():
    with Solver(bootstrap_with=[[1, -5], [2]]) as s:
        assert s.nof_vars() == 5
        assert s.nof_clauses() == 2
        s.add_clause([7])
        assert s.nof_vars() == 7
        assert s.nof_clauses() == 3


# -- incremental solving ------------------------------------------------------------


def test_incremental_add_between_solves():
    s = Solver(bootstrap_with=[[1, 2], [-1, 2]])
    assert s.solve() is True
    assert 2 in s.get_model()
    s.add_clause([-2, 3])
    assert s.solve() is True
    assert {2, 3} <= set(s.get_model())
    s.add_clause([-3])
    assert s.solve() is False
    s.delete()


def test_assumptions_are_per_call():
    with Solver(bootstrap_with=[[1, 2]]) as s:
        assert s.solve(assumptions=[-1, -2]) is False
        assert s.solve() is True
        assert s.solve(assumptions=[-1]) is True
        assert 2 in s.get_model()


def test_learned_clauses_are_kept():
    # php(8, 7) guarded by selector 100: UNSAT under the assumption 100. The
    # second identical call must profit from what the first one learned.
    guarded = [c + [-100] for c in php(8, 7)]
    with Solver(bootstrap_with=guarded) as s:
        assert s.solve(assumptions=[100]) is False
        first = s.accum_stats()["conflicts"]
        assert first > 100
        assert s.solve(assumptions=[100]) is False
        second = s.accum_stats()["conflicts"] - first
        assert second < first
        assert s.solve(assumptions=[-100]) is True


@pytest.mark.parametrize("seed", range(20))
def test_core_is_subset_and_unsat(seed):
    rng = random.Random(seed)
    clauses = random_kcnf(rng, 30, 100, 3)
    assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, 31), 12)]
    with Solver(bootstrap_with=clauses) as s:
        res = s.solve(assumptions=assumptions)
        if res:
            model = set(s.get_model())
            assert satisfies(clauses, s.get_model())
            assert set(assumptions) <= model
            return
        core = s.get_core()
        assert core is not None
        assert set(core) <= set(assumptions)
        assert s.solve(assumptions=core) is False
    # and independently of the solver that found it
    from pysat.solvers import Cadical195

    with Cadical195(bootstrap_with=clauses) as c:
        assert c.solve(assumptions=core) is False


def test_core_with_contradictory_assumptions():
    with Solver(bootstrap_with=[[1, 2]]) as s:
        assert s.solve(assumptions=[3, -3]) is False
        assert set(s.get_core()) <= {3, -3}
        assert s.solve(assumptions=s.get_core()) is False


def test_enum_models():
    with Solver(bootstrap_with=[[1, 2, 3]]) as s:
        models = list(s.enum_models())
    assert len(models) == 7
    assert len({tuple(m) for m in models}) == 7
    assert all(satisfies([[1, 2, 3]], m) for m in models)


# -- budgets, interrupts, Ctrl-C ------------------------------------------------------------


def test_conflict_budget_returns_none_and_solve_ignores_it():
    with Solver(bootstrap_with=php(7, 6)) as s:
        s.conf_budget(10)
        assert s.solve_limited() is None
        assert s.get_status() is None
        assert s.get_model() is None
        assert s.solve() is False  # PySAT: solve() ignores budgets
        s.conf_budget(-1)
        assert s.solve_limited() is False


def test_budget_counts_per_call():
    with Solver(bootstrap_with=php(8, 7)) as s:
        s.conf_budget(50)
        for _ in range(3):
            before = s.accum_stats()["conflicts"]
            assert s.solve_limited() is None
            spent = s.accum_stats()["conflicts"] - before
            assert 1 <= spent <= 60


def test_propagation_budget():
    with Solver(bootstrap_with=php(8, 7)) as s:
        s.prop_budget(1000)
        assert s.solve_limited() is None


def test_time_budget_stops():
    with Solver(bootstrap_with=HARD) as s:
        s.time_budget(0.3)
        start = time.monotonic()
        assert s.solve_limited() is None
        assert time.monotonic() - start < 10
        with pytest.raises(ValueError):
            s.time_budget(-1)


def test_interrupt_from_another_thread():
    with Solver(bootstrap_with=HARD) as s:
        timer = threading.Timer(0.3, s.interrupt)
        start = time.monotonic()
        timer.start()
        assert s.solve_limited(expect_interrupt=True) is None
        elapsed = time.monotonic() - start
        timer.join()
        assert elapsed < 10
        # The request is sticky until cleared, as in PySAT.
        assert s.solve_limited() is None
        s.clear_interrupt()
        s.conf_budget(5)
        assert s.solve_limited() is None
        assert s.accum_stats()["conflicts"] > 0


def wait_until_busy(s: Solver, limit: float = 10.0) -> str:
    """Polls a cheap call until it reports the solver busy (a solve has
    started in another thread); returns the error message."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            s.nof_vars()
        except RuntimeError as e:
            return str(e)
        time.sleep(0.01)
    raise AssertionError("the solve never started")


def test_busy_solver_rejects_other_calls():
    with Solver(bootstrap_with=HARD) as s:
        messages = []

        def poke():
            messages.append(wait_until_busy(s))
            s.interrupt()

        t = threading.Thread(target=poke)
        t.start()
        assert s.solve() is None
        t.join()
        assert "busy" in messages[0]


def test_solve_releases_the_gil():
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.01)

    with Solver(bootstrap_with=HARD) as s:
        s.time_budget(0.5)
        t = threading.Thread(target=ticker)
        t.start()
        s.solve_limited()
        stop.set()
        t.join()
    assert len(ticks) > 10


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from sat_helpers import php
    from fastback.sat import Solver
    s = Solver(bootstrap_with=php(12, 11))
    print("solving", flush=True)
    try:
        s.solve()
    except KeyboardInterrupt:
        print("KeyboardInterrupt", flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_solve():
    script = CTRL_C_SCRIPT.format(tests=str(Path(__file__).parent))
    code, out, err, waited = signal_when_ready([sys.executable, "-c", script], "solving")
    assert code == 3, (out, err)
    assert "KeyboardInterrupt" in out
    assert waited < 5


# -- lifetime ------------------------------------------------------------------------------------


def test_context_manager_deletes():
    with Solver(bootstrap_with=[[1]]) as s:
        assert s.solve()
    with pytest.raises(RuntimeError, match="deleted"):
        s.solve()
    with pytest.raises(RuntimeError, match="deleted"):
        s.add_clause([1])
    with pytest.raises(RuntimeError, match="deleted"):
        s.get_model()
    s.delete()  # idempotent


def test_delete_then_use_and_gc():
    s = Solver(bootstrap_with=[[1, 2]])
    s.delete()
    s.delete()
    for call in (s.nof_vars, s.accum_stats, s.interrupt, lambda: s.conf_budget(1)):
        with pytest.raises(RuntimeError):
            call()
    t = Solver(bootstrap_with=[[1]])
    del t
    gc.collect()


def test_del_after_failed_init_is_quiet(monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(ValueError):
        Solver(no_such_option=1)
    gc.collect()
    assert unraisable == []


# -- literals and errors ------------------------------------------------------------------------


BAD_LITERALS = [
    ([1, 0], ValueError, r"invalid literal 0 at index 1 of the clause"),
    ([2**31], ValueError, r"invalid literal 2147483648 at index 0"),
    ([-(2**31) + 1], ValueError, r"invalid literal -2147483647 at index 0"),
    ([1, 2**70], ValueError, r"at index 1"),
    ([1, "a"], TypeError, r"literal at index 1 of the clause must be an int, got str"),
    ([1.5], TypeError, r"index 0 .* got float"),
    ([None], TypeError, r"got NoneType"),
    ("12", TypeError, r"iterable of int literals"),
    (5, TypeError, r"iterable of int literals"),
]


@pytest.mark.parametrize("clause,exc,message", BAD_LITERALS)
def test_bad_literal_in_clause(clause, exc, message):
    with Solver(bootstrap_with=[[1, 2]]) as s:
        with pytest.raises(exc, match=message):
            s.add_clause(clause)
        assert s.nof_clauses() == 1


def test_bad_literal_in_formula_names_clause_and_adds_nothing():
    with Solver() as s:
        with pytest.raises(ValueError, match=r"invalid literal 0 at index 2 of clause 1"):
            s.append_formula([[1, 2], [3, 4, 0]])
        assert s.nof_clauses() == 0


def test_bad_literals_elsewhere():
    with Solver(bootstrap_with=[[1]]) as s:
        with pytest.raises(ValueError, match="assumptions"):
            s.solve(assumptions=[1, 0])
        with pytest.raises(ValueError, match="assumptions"):
            s.solve_limited(assumptions=[2**40])
        with pytest.raises(ValueError, match="phases"):
            s.set_phases([0])


def test_flat_and_numpy_formulas():
    np = pytest.importorskip("numpy")
    clauses = [[1, 2], [-1, 3], [-3, -2]]
    flat = np.array([1, 2, 0, -1, 3, 0, -3, -2, 0], dtype=np.int64)
    padded = np.array([[1, 2], [-1, 3], [-3, -2]], dtype=np.int32)
    for formula in (flat, padded, flat.astype(np.int32)):
        with Solver(bootstrap_with=formula) as s:
            assert s.nof_clauses() == 3
            assert s.solve() and satisfies(clauses, s.get_model())
    with Solver() as s:
        s.add_clauses_flat([1, 2, -1, 3, -3, -2], offsets=np.array([0, 2, 4, 6]))
        assert s.nof_clauses() == 3
        with pytest.raises(ValueError, match="must end with 0"):
            s.add_clauses_flat(np.array([1, 2]))
        with pytest.raises(ValueError, match="invalid literal 0 at index 1 of clause 0"):
            s.add_clauses_flat([1, 0], offsets=[0, 2])
        with pytest.raises(ValueError, match="last offset"):
            s.add_clauses_flat([1, 2], offsets=[0, 1])
        with pytest.raises(ValueError, match="invalid literal"):
            s.append_formula(np.array([2**40, 0]))
        with pytest.raises(TypeError, match="integer dtype"):
            s.append_formula(np.array([1.0, 0.0]))
        assert s.nof_clauses() == 3


def test_pysat_cnf_and_fastback_cnf_accepted(tmp_path):
    from pysat.formula import CNF as PysatCNF

    clauses = [[1, -2], [2, 3]]
    for formula in (PysatCNF(from_clauses=clauses), CNF(from_clauses=clauses),
                    CNF(from_string="p cnf 3 2\n1 -2 0\n2 3 0\n")):
        with Solver(bootstrap_with=formula) as s:
            assert s.solve() and satisfies(clauses, s.get_model())


def test_cnf_from_file_uses_header_vars(tmp_path):
    path = tmp_path / "f.cnf"
    path.write_text("p cnf 10 1\n1 2 0\n")
    with Solver(bootstrap_with=CNF(from_file=path)) as s:
        assert s.nof_vars() == 10
        assert s.solve()
        assert len(s.get_model()) == 10


# -- options, phases, stats ---------------------------------------------------------------------


def test_options_table_and_keywords():
    table = solver_options()
    names = [row[0] for row in table]
    assert "seed" in names
    for name, default, lo, hi, desc in table:
        assert lo <= default <= hi and desc
    name, default, lo, hi, _ = next(row for row in table if row[0] != "seed")
    with Solver(**{name: hi}) as s:
        assert s._s.get_option(name) == hi
    with pytest.raises(ValueError, match=name):
        Solver(**{name: hi + 1})
    with pytest.raises(ValueError, match="unknown solver option 'bogus'"):
        Solver(bogus=1)
    with pytest.raises(ValueError, match="seed"):
        Solver(seed=-1)
    Solver(incr=True).delete()  # PySAT keyword, meaningless here


def test_same_seed_same_run():
    clauses = random_kcnf(random.Random(7), 120, 500, 3)
    runs = []
    for _ in range(2):
        with Solver(bootstrap_with=clauses, seed=11) as s:
            res = s.solve()
            st = s.accum_stats()
            runs.append((res, s.get_model(), st["conflicts"], st["decisions"]))
    assert runs[0] == runs[1]


def test_set_phases_followed_without_conflicts():
    # (x_i or x_{i+10}) for i in 1..10: any phases for 1..10 extend to a model.
    clauses = [[i, i + 10] for i in range(1, 11)]
    for sign in (1, -1):
        with Solver(bootstrap_with=clauses, phases=[sign * i for i in range(1, 11)]) as s:
            assert s.solve()
            model = s.get_model()
            assert satisfies(clauses, model)
            assert all(sign * i in model for i in range(1, 11))


def test_accum_stats_and_timer():
    with Solver(bootstrap_with=php(6, 5), use_timer=True) as s:
        s.solve()
        st = s.accum_stats()
        for key in ("conflicts", "decisions", "propagations", "restarts"):
            assert isinstance(st[key], int) and st[key] >= 0
        assert st["conflicts"] > 0
        assert s.time() > 0
        s.solve()
        assert s.time_accum() >= s.time()
    with Solver(bootstrap_with=[[1]]) as s:
        s.solve()
        assert s.time() == 0.0


# -- proofs ------------------------------------------------------------------------------------


def test_proof_in_memory_checks():
    clauses = php(6, 5)
    with Solver(bootstrap_with=clauses, with_proof=True) as s:
        assert s.solve() is False
        proof = s.get_proof()
        assert proof and all(isinstance(line, str) for line in proof)
        report = check_drat(clauses, ("\n".join(proof) + "\n").encode())
        assert report.verified, report.message
        assert check_drat(clauses, s.get_proof_bytes())


@pytest.mark.parametrize("binary", [False, True])
def test_proof_file_checks(tmp_path, binary):
    clauses = php(7, 6)
    path = tmp_path / "proof.drat"
    with Solver(bootstrap_with=clauses, proof=path, binary_proof=binary) as s:
        assert s.solve() is False
    report = check_drat(CNF(from_clauses=clauses), path, format="binary" if binary else "text")
    assert report.verified, report.message
    assert report.lemmas > 0
    assert check_drat(clauses, path.read_bytes()).verified


def test_binary_proof_get_proof_refuses():
    with Solver(bootstrap_with=[[1], [-1]], with_proof=True, binary_proof=True) as s:
        s.solve()
        with pytest.raises(ValueError, match="get_proof_bytes"):
            s.get_proof()
        assert isinstance(s.get_proof_bytes(), bytes)


def test_no_proof_is_none():
    with Solver(bootstrap_with=[[1]]) as s:
        assert s.get_proof() is None
        assert s.get_proof_bytes() is None


def test_proof_file_unwritable(tmp_path):
    with pytest.raises(OSError):
        Solver(proof=tmp_path / "missing-dir" / "p.drat")


def test_wrong_proof_is_not_verified():
    clauses = php(5, 4)
    report = check_drat(clauses, b"1 0\n")
    assert not report.verified
    assert not report
    assert "not verified" in report.message or report.message


def test_proof_set_after_clauses_is_rejected():
    s = _core.Solver()
    s.add_clause([1])
    with pytest.raises(ValueError):
        s.set_proof(None, False)
    s.delete()


# -- loading large formulas --------------------------------------------------------------------


def test_append_cnf_large(tmp_path):
    rng = random.Random(3)
    n, m = 20000, 80000
    path = tmp_path / "big.cnf"
    lines = [f"p cnf {n} {m}"]
    for _ in range(m):
        a, b, c = rng.sample(range(1, n + 1), 3)
        lines.append(f"{a} {-b} {c} 0")
    path.write_text("\n".join(lines) + "\n")
    cnf = CNF(from_file=path)
    with Solver(bootstrap_with=cnf) as s:
        assert s.nof_clauses() == m
        assert s.nof_vars() == n
    assert cnf.native is not None  # never converted to Python lists


def test_delete_while_solving_in_another_thread():
    s = Solver(bootstrap_with=HARD)
    result = []
    t = threading.Thread(target=lambda: result.append(s.solve()))
    t.start()
    wait_until_busy(s)
    with pytest.raises(RuntimeError, match="busy"):
        s.delete()
    s.interrupt()
    t.join(timeout=10)
    assert result == [None]
    assert s.nof_clauses() == len(HARD)  # still usable
    s.delete()
