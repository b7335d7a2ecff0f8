"""fastback.neuro.families: every family is satisfiable, deterministic and
encodes what it says.

Checked independently of the generators: models and planted assignments by
evaluating every clause (sat_helpers.satisfies), satisfiability of uniform
3-SAT by PySAT, and the encodings by decoding a solver's model back into the
problem (the factors multiply to the product, the square is Latin, the plan
runs) or by brute force over small inputs (the cardinality counter).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pysat.solvers import Solver as PySatSolver

from fastback.neuro import families as F
from fastback.sat import Solver
from sat_helpers import satisfies

SEEDS = (0, 1, 2, 3)
CASES = [(family, seed) for family in F.FAMILIES for seed in SEEDS]


def solve(formula: F.Formula):
    with Solver(seed=5) as s:
        s.add_clauses_flat(formula.lits, formula.offsets)
        s.time_budget(20.0)
        result = s.solve_limited()
        return result, s.get_model()


def well_formed(f: F.Formula) -> None:
    assert f.lits.dtype == np.int32 and f.offsets.dtype == np.int64
    assert f.offsets[0] == 0 and f.offsets[-1] == len(f.lits)
    assert (np.diff(f.offsets) > 0).all(), "no empty clauses"
    assert (f.lits != 0).all() and np.abs(f.lits).max() <= f.num_vars
    assert f.num_clauses == len(f.clauses())


@pytest.mark.parametrize("family,seed", CASES)
def test_small_formulas_are_sat_and_models_check(family, seed):
    f = F.generate(family, "small", seed)
    well_formed(f)
    assert f.family == family
    assert 50 <= f.num_vars <= 450
    clauses = f.clauses()
    if f.planted is not None:
        assert satisfies(clauses, f.planted_model()), "the planted assignment falsifies a clause"
    result, model = solve(f)
    if f.planted is None:
        # Uniform random 3-SAT may be UNSAT: PySAT must agree either way.
        with PySatSolver(name="cadical153", bootstrap_with=clauses) as ps:
            assert result is ps.solve()
    else:
        assert result is True
    if result:
        assert satisfies(clauses, model)


@pytest.mark.parametrize("family", list(F.FAMILIES))
def test_same_seed_same_formula(family):
    a = F.generate(family, "small", 11)
    b = F.generate(family, "small", 11)
    c = F.generate(family, "small", 12)
    assert a.same_as(b) and a.params == b.params
    assert not a.same_as(c)


@pytest.mark.parametrize("family", list(F.FAMILIES))
def test_medium_sizes_and_planted(family):
    f = F.generate(family, "medium", 0)
    well_formed(f)
    assert 300 <= f.num_vars <= 3500
    if f.planted is not None:
        assert satisfies(f.clauses(), f.planted_model())


def test_unknown_family_and_scale():
    with pytest.raises(KeyError, match="unknown family 'nope'; known: ksat"):
        F.generate("nope", "small", 0)
    with pytest.raises(ValueError, match="scale must be one of small, medium; got 'large'"):
        F.generate("ksat", "large", 0)


def test_planted_ksat_hides_its_assignment_from_polarity_counts():
    rng = np.random.default_rng(0)
    for q, lo, hi in ((None, 0.49, 0.51), (1.0, 0.55, 0.60)):
        f = F.planted_ksat(rng, 3000, 30000, q=q)
        sigma = f.planted
        agrees = (f.lits > 0) == sigma[np.abs(f.lits) - 1]
        # q-hidden: a literal agrees with the hidden assignment half the
        # time; naive planting (q = 1) gives it away (4/7 in expectation).
        assert lo < agrees.mean() < hi, (q, agrees.mean())
    assert abs(F.balanced_q(3) - (5**0.5 - 1) / 2) < 1e-9


def test_clique_counter_means_at_least_k():
    """Brute force: with y fixed, the counter formula is SAT iff at least k
    of the y are true (no edges removed: a complete graph)."""
    n, k = 6, 3
    f = F.planted_clique(np.random.default_rng(1), n, k, edge_prob=1.0)
    with PySatSolver(name="cadical153", bootstrap_with=f.clauses()) as ps:
        for bits in itertools.product((False, True), repeat=n):
            assumptions = [v + 1 if bit else -(v + 1) for v, bit in enumerate(bits)]
            assert ps.solve(assumptions=assumptions) is (sum(bits) >= k), bits


def test_factoring_models_are_factorisations():
    for seed in range(4):
        rng = np.random.default_rng(seed)
        bits_a, bits_b = 6, 7
        f = F.factoring(rng, bits_a, bits_b)
        result, model = solve(f)
        assert result is True
        value = [lit > 0 for lit in model]
        a = sum(value[i] << i for i in range(bits_a))
        b = sum(value[bits_a + i] << i for i in range(bits_b))
        assert a * b == f.params["product"]


def test_latin_models_are_latin_squares_with_the_clues():
    f = F.latin_completion(np.random.default_rng(3), 7, 0.6)
    n = 7
    result, model = solve(f)
    assert result is True
    x = (np.array(model[: n**3]) > 0).reshape(n, n, n)
    assert (x.sum(axis=2) == 1).all()
    square = x.argmax(axis=2)
    for i in range(n):
        assert sorted(square[i]) == list(range(n)) and sorted(square[:, i]) == list(range(n))
    clues = [c[0] for c in f.clauses() if len(c) == 1]
    assert len(clues) == n * n - f.params["holes"]
    assert all(model[lit - 1] == lit for lit in clues)


def test_blocksworld_models_are_plans():
    """Decode the actions of a model and run them from the start state: each
    precondition must hold when its action runs, and the goal at the end."""
    blocks, length = 4, 6
    f = F.blocksworld(np.random.default_rng(7), blocks, length, slack=1)
    result, model = solve(f)
    assert result is True
    fluents, actions = F._blocks_world_domain(blocks)
    nf, horizon = len(fluents), length + 1
    value = np.array(model) > 0
    states = value[: (horizon + 1) * nf].reshape(horizon + 1, nf)
    chosen = value[(horizon + 1) * nf:(horizon + 1) * nf + horizon * len(actions)].reshape(horizon, -1)
    state = set(np.flatnonzero(states[0]).tolist())
    for t in range(horizon):
        step = [actions[i] for i in np.flatnonzero(chosen[t])]
        assert all(set(a.pre) <= state for a in step), f"precondition fails at step {t}"
        for a in step:
            state -= set(a.delete)
        for a in step:
            state |= set(a.add)
    goal = {c[0] - 1 - horizon * nf for c in f.clauses() if len(c) == 1 and c[0] > horizon * nf}
    assert goal and goal <= state


def test_colouring_breaks_colour_symmetry():
    """One node of each colour is precoloured, so no colour permutation of
    the planted colouring is a model."""
    f = F.planted_colouring(np.random.default_rng(2), 30, 4, 6.0)
    k = 4
    colour = f.planted.reshape(30, k).argmax(axis=1)
    clauses = f.clauses()
    for perm in itertools.permutations(range(k)):
        if perm == tuple(range(k)):
            continue
        permuted = np.zeros((30, k), dtype=bool)
        permuted[np.arange(30), np.array(perm)[colour]] = True
        v = np.arange(1, 30 * k + 1)
        assert not satisfies(clauses, np.where(permuted.reshape(-1), v, -v).tolist())
