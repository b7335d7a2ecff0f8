"""Solver.set_phase_priors and Solver(phase_priors=...).

Priors steer where the search starts, never what it answers: every model
found with priors is checked clause by clause (sat_helpers.satisfies) and
answers are compared with PySAT's CaDiCaL. The steering itself is checked
through conflict counts, which are deterministic: with priors equal to a
model the search walks straight into a model (no conflict at all).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback.sat import CNF, Solver
from sat_helpers import random_kcnf, satisfies

pysat_solvers = pytest.importorskip("pysat.solvers")

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def model_probs(model, num_vars):
    """A model as probabilities: 1.0 for true, 0.0 for false, indexed by variable - 1."""
    p = np.full(num_vars, np.nan)
    for lit in model:
        p[abs(lit) - 1] = 1.0 if lit > 0 else 0.0
    return p


def reserve(s, num_vars):
    """Makes variables 1..num_vars exist (a clause-free CNF with that header)."""
    empty = CNF()
    empty.nv = num_vars
    s.append_formula(empty)


def satisfiable_3sat(seed, n=200, ratio=4.0):
    rng = random.Random(seed)
    while True:
        clauses = random_kcnf(rng, n, int(n * ratio), 3)
        with Solver(bootstrap_with=clauses) as s:
            if s.solve():
                return clauses, s.get_model()


@pytest.mark.parametrize("seed", range(5))
def test_priors_from_a_model_need_no_conflict(seed):
    clauses, model = satisfiable_3sat(seed)
    with Solver(bootstrap_with=clauses, seed=seed) as plain:
        assert plain.solve()
        baseline = plain.accum_stats()["conflicts"]
    probs = model_probs(model, 200)
    as_dict = {abs(lit): float(lit > 0) for lit in model}
    before = Solver(phase_priors=probs, seed=seed)  # priors before the variables exist
    before.append_formula(clauses)
    after = Solver(bootstrap_with=clauses, seed=seed)
    after.set_phase_priors(as_dict)
    for s in (before, after):
        with s:
            assert s.solve() is True
            assert satisfies(clauses, s.get_model())
            conflicts = s.accum_stats()["conflicts"]
            assert conflicts == 0 and conflicts <= baseline, (conflicts, baseline)


def test_priors_set_after_clauses_and_calls_add_up():
    clauses, model = satisfiable_3sat(7)
    probs = model_probs(model, 200)
    with Solver(bootstrap_with=clauses) as s:
        half = probs.copy()
        half[100:] = np.nan
        assert s.set_phase_priors(half) == 100
        rest = {i + 1: float(probs[i]) for i in range(100, 200)}
        assert s.set_phase_priors(rest, threshold=0.99) == 100
        assert s.solve() is True
        assert s.accum_stats()["conflicts"] == 0
        assert satisfies(clauses, s.get_model())


def test_threshold_decides_which_priors_count():
    # No clauses: every variable is decided, at its initial phase.
    with Solver(phase=0) as s:
        reserve(s, 6)
        n = s.set_phase_priors(np.array([0.99, 0.01, 0.85, 0.15, np.nan, 0.5]), threshold=0.9)
        assert n == 2
        assert s.solve() and s.get_model() == [1, -2, -3, -4, -5, -6]
        assert s.set_phase_priors([0.99, 0.01, 0.85, 0.15], threshold=0.8) == 4
        assert s.solve() and s.get_model() == [1, -2, 3, -4, -5, -6]


def test_explicit_phases_and_the_phase_option_interact_as_documented():
    with Solver(phase_priors={1: 0.0, 2: 0.0}, phases=[2]) as s:
        reserve(s, 3)
        # phases= comes after phase_priors=: it wins for variable 2.
        assert s.solve() and s.get_model() == [-1, 2, 3]
        s.set_phase_priors({2: 0.05})  # later call wins again
        assert s.solve() and s.get_model() == [-1, -2, 3]
        s._s.set_option("phase", 0)  # only variables without a prior follow
        assert s.solve() and s.get_model() == [-1, -2, -3]
        s._s.set_option("phase", 1)
        s.set_phases([-3, 1])
        assert s.solve() and s.get_model() == [1, -2, -3]


@settings(max_examples=200, **SETTINGS)
@given(
    st.integers(1, 12).flatmap(lambda n: st.tuples(
        st.just(n),
        st.lists(st.lists(st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v])),
                          min_size=1, max_size=4), max_size=50),
        st.lists(st.one_of(st.floats(0, 1), st.just(math.nan)), min_size=0, max_size=n + 3),
        st.floats(0.51, 1.0),
    )),
    st.sampled_from([{}, {"simplify": 0}, {"eliminit": 0, "elimint": 10, "rephaseint": 10}]),
)
def test_priors_never_change_answers(case, options):
    n, clauses, probs, threshold = case
    with pysat_solvers.Cadical195(bootstrap_with=clauses) as ref:
        expected = ref.solve()
    with Solver(phase_priors=np.array(probs, dtype=float), prior_threshold=threshold, **options) as s:
        s.append_formula(clauses)
        assert s.solve() is expected
        if expected:
            assert satisfies(clauses, s.get_model())


@pytest.mark.parametrize(
    "probs, threshold, error, match",
    [
        (np.array([1.0, 1.5]), 0.9, ValueError, r"variable 2 is 1\.5"),
        (np.array([-0.1]), 0.9, ValueError, "must be in \\[0, 1\\]"),
        ([1.0, float("inf")], 0.9, ValueError, "variable 2"),
        ({1: 1.0, 3: 2.0}, 0.9, ValueError, "variable 3"),
        ({0: 0.5}, 0.9, ValueError, "key 0 is not a variable"),
        ({-2: 0.5}, 0.9, ValueError, "not a variable"),
        ({"x": 0.5}, 0.9, TypeError, "keys must be variables"),
        ({1: "high"}, 0.9, TypeError, "must be a number"),
        (["high"], 0.9, TypeError, "index 0 must be a number"),
        (np.zeros((2, 2)), 0.9, ValueError, "1-D"),
        (np.array(["a"]), 0.9, TypeError, "dtype"),
        (np.array([0.5]), 0.5, ValueError, r"threshold must be in \(0\.5, 1\]"),
        (np.array([0.5]), 1.01, ValueError, "threshold"),
        (np.array([0.5]), float("nan"), ValueError, "threshold"),
    ],
)
def test_invalid_priors_are_rejected_and_change_nothing(probs, threshold, error, match):
    with Solver(phase=0) as s:
        reserve(s, 3)
        with pytest.raises(error, match=match):
            s.set_phase_priors(probs, threshold)
        assert s.solve() and s.get_model() == [-1, -2, -3]
    with pytest.raises(error, match=match):
        Solver(phase_priors=probs, prior_threshold=threshold)


def test_bad_threshold_is_rejected_without_priors():
    with pytest.raises(ValueError, match="threshold"):
        Solver(prior_threshold=0.3)
