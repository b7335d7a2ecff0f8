"""Differential tests: fastback against PySAT's CaDiCaL 1.9.5 on generated formulas.

Every answer is also checked on its own terms, by code that is not the
solver's: a SAT answer by evaluating every clause under the model, an UNSAT
answer by the DRAT proof fastback wrote (check_drat), an UNSAT answer under
assumptions by solving again under the core alone, and for a share of UNSAT
formulas by extracting a clause core through selector literals and
confirming with CaDiCaL that the core alone is unsatisfiable.

Sizes sit around the satisfiability threshold so both answers are common.
Several thousand formulas in all; the file runs in well under a minute.
"""

from __future__ import annotations

import random
from typing import List, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback.sat import Solver, check_drat, solver_options
from sat_helpers import graph_colouring, php, random_kcnf, satisfies, xor_chain

pysat_solvers = pytest.importorskip("pysat.solvers")
Cadical195 = pysat_solvers.Cadical195

Clause = List[int]

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference(clauses: Sequence[Sequence[int]], assumptions: Sequence[int] = ()) -> bool:
    with Cadical195(bootstrap_with=clauses) as c:
        return bool(c.solve(assumptions=list(assumptions)))


def check_answer(clauses: List[Clause], *, seed: int = 0, core_check: bool = False, **options: int) -> bool:
    """Solves with fastback (proof on), compares with CaDiCaL, checks the
    answer independently; returns it."""
    expected = reference(clauses)
    with Solver(bootstrap_with=clauses, with_proof=True, seed=seed, **options) as s:
        got = s.solve()
        assert got is expected, f"fastback says {got}, CaDiCaL says {expected}"
        if got:
            assert satisfies(clauses, s.get_model())
            assert len(s.get_model()) == s.nof_vars()
        else:
            proof = s.get_proof_bytes()
            assert proof is not None
            report = check_drat(clauses, proof)
            assert report.verified, f"proof rejected: {report.message}"
    if not got and core_check:
        check_clause_core(clauses)
    return got


def check_clause_core(clauses: List[Clause]) -> None:
    """UNSAT cross-check through cores: guard clause i by selector s_i, solve
    under all selectors, and confirm with CaDiCaL that the clauses of the
    core alone are unsatisfiable."""
    nv = max((abs(lit) for c in clauses for lit in c), default=0)
    selectors = [nv + 1 + i for i in range(len(clauses))]
    guarded = [c + [-sel] for c, sel in zip(clauses, selectors)]
    with Solver(bootstrap_with=guarded) as s:
        assert s.solve(assumptions=selectors) is False
        core = s.get_core()
    assert core is not None and set(core) <= set(selectors)
    kept = [clauses[sel - nv - 1] for sel in core]
    assert reference(kept) is False, "the clauses of the core are satisfiable"


# -- random k-CNF ------------------------------------------------------------------------


@st.composite
def kcnf(draw, max_vars: int = 25):
    n = draw(st.integers(1, max_vars))
    k = draw(st.integers(1, 4))
    ratio = {1: 0.7, 2: 1.0, 3: 4.26, 4: 9.9}[k]
    m = draw(st.integers(0, int(ratio * n * 1.3) + 2))
    lit = st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v]))
    clauses = draw(st.lists(st.lists(lit, min_size=1, max_size=k), min_size=m, max_size=m))
    return clauses


@settings(max_examples=250, **SETTINGS)
@given(kcnf(), st.integers(0, 3), st.booleans())
def test_random_kcnf(clauses, seed, core_check):
    # Hypothesis builds (and shrinks) the clauses themselves: slow to draw,
    # but a failure comes back as a minimal formula.
    check_answer(clauses, seed=seed, core_check=core_check)


@settings(max_examples=1500, **SETTINGS)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(1, 4))
def test_random_kcnf_seeded(seed, n, k):
    # The bulk of the random cases: a seeded generator draws the clauses
    # (cheap), with mixed clause lengths up to k around the threshold.
    rng = random.Random(seed)
    ratio = {1: 0.7, 2: 1.0, 3: 4.26, 4: 9.9}[k]
    m = rng.randint(0, int(ratio * n * 1.3) + 2)
    clauses = [[v if rng.random() < 0.5 else -v
                for v in rng.sample(range(1, n + 1), rng.randint(1, min(k, n)))]
               for _ in range(m)]
    check_answer(clauses, seed=seed % 4, core_check=seed % 6 == 0)


@settings(max_examples=300, **SETTINGS)
@given(st.integers(0, 2**32 - 1), st.integers(30, 70))
def test_random_3sat_threshold(seed, n):
    rng = random.Random(seed)
    clauses = random_kcnf(rng, n, int(4.26 * n), 3)
    check_answer(clauses, seed=seed % 7, core_check=seed % 5 == 0)


@settings(max_examples=150, **SETTINGS)
@given(st.integers(0, 2**32 - 1), st.integers(40, 90))
def test_random_3sat_without_inprocessing_and_restarts(seed, n):
    # The same checks with the search's optional machinery switched off, so
    # that the plain CDCL loop is compared on its own.
    rng = random.Random(seed)
    clauses = random_kcnf(rng, n, int(4.26 * n), 3)
    known = {row[0] for row in solver_options()}
    off = {name: 0 for name in ("simplify", "stable", "rephase", "target") if name in known}
    check_answer(clauses, **off)


# -- structured formulas ----------------------------------------------------------------------


@pytest.mark.parametrize("pigeons,holes", [(p, h) for p in range(1, 8) for h in range(1, 8) if abs(p - h) <= 2])
def test_pigeonhole(pigeons, holes):
    assert check_answer(php(pigeons, holes), core_check=pigeons <= 5) is (pigeons <= holes)


@settings(max_examples=200, **SETTINGS)
@given(st.integers(0, 2**32 - 1), st.integers(4, 16), st.floats(0.1, 0.7), st.integers(2, 4))
def test_graph_colouring(seed, nodes, prob, colours):
    check_answer(graph_colouring(random.Random(seed), nodes, prob, colours),
                 core_check=seed % 4 == 0)


@settings(max_examples=100, **SETTINGS)
@given(st.integers(2, 30), st.booleans(), st.booleans())
def test_xor_chains(n, parity, contradict):
    assert check_answer(xor_chain(n, parity, contradict)) is (not contradict)


# -- assumptions and incremental sequences --------------------------------------------------------


@settings(max_examples=250, **SETTINGS)
@given(kcnf(max_vars=20), st.data())
def test_assumptions(clauses, data):
    n = max((abs(lit) for c in clauses for lit in c), default=1)
    assumptions = data.draw(st.lists(
        st.integers(1, n + 2).flatmap(lambda v: st.sampled_from([v, -v])), max_size=8))
    expected = reference(clauses, assumptions)
    with Solver(bootstrap_with=clauses) as s:
        got = s.solve(assumptions=assumptions)
        assert got is expected
        if got:
            model = s.get_model()
            assert satisfies(clauses, model)
            assert set(assumptions) <= set(model)
        else:
            core = s.get_core()
            assert core is not None and set(core) <= set(assumptions)
            assert s.solve(assumptions=core) is False
            assert reference(clauses, core) is False


@st.composite
def incremental_script(draw):
    n = draw(st.integers(3, 15))
    lit = st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v]))
    steps = []
    for _ in range(draw(st.integers(1, 8))):
        added = draw(st.lists(st.lists(lit, min_size=1, max_size=3), max_size=int(1.5 * n)))
        assumptions = draw(st.lists(lit, max_size=4))
        steps.append((added, assumptions))
    return steps


@settings(max_examples=300, **SETTINGS)
@given(incremental_script(), st.integers(0, 3))
def test_incremental_sequences(steps, seed):
    clauses: List[Clause] = []
    with Solver(seed=seed) as s, Cadical195() as ref:
        for added, assumptions in steps:
            s.append_formula(added)
            ref.append_formula(added)
            clauses.extend(added)
            expected = bool(ref.solve(assumptions=assumptions))
            got = s.solve(assumptions=assumptions)
            assert got is expected
            if got:
                model = s.get_model()
                assert satisfies(clauses, model)
                assert set(assumptions) <= set(model)
            else:
                core = s.get_core()
                assert set(core) <= set(assumptions)
                assert bool(ref.solve(assumptions=core)) is False


@settings(max_examples=100, **SETTINGS)
@given(incremental_script())
def test_incremental_proof_of_final_unsat(steps):
    # A proof logged across several incremental calls must still check once
    # the formula itself (no assumptions) becomes unsatisfiable.
    clauses: List[Clause] = []
    with Solver(with_proof=True) as s:
        for added, assumptions in steps:
            s.append_formula(added)
            clauses.extend(added)
            s.solve(assumptions=assumptions)
        final = s.solve()
        assert final is reference(clauses)
        if final is False:
            report = check_drat(clauses, s.get_proof_bytes())
            assert report.verified, report.message
