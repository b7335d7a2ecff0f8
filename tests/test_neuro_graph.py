"""The NeuroBack graph built in Rust, against a plain-Python reference
written from the specification (tests/neuro_reference.py), and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastback.neuro.graph import build_graph
from fastback.sat import CNF, read_dimacs

from neuro_reference import reference_graph, to_flat


def check_against_reference(num_vars, clauses):
    g = build_graph(num_vars, *to_flat(clauses))
    x, src, dst, typ, num_meta = reference_graph(num_vars, clauses)
    assert (g.num_vars, g.num_clauses, g.num_meta) == (num_vars, len(clauses), num_meta)
    assert g.x.dtype == np.float32 and g.x.shape == (g.num_nodes, 6)
    assert g.edge_index.dtype == np.int64 and g.edge_type.dtype == np.int64
    np.testing.assert_array_equal(g.edge_index[0], src)
    np.testing.assert_array_equal(g.edge_index[1], dst)
    np.testing.assert_array_equal(g.edge_type, typ)
    np.testing.assert_allclose(g.x, x, rtol=1e-6, atol=1e-6)


CASES = {
    "empty formula": (3, []),
    "one clause": (2, [[1, -2]]),
    "duplicate literal": (2, [[1, 1, -2]]),
    "tautology": (1, [[1, -1]]),
    "empty clause": (2, [[1], [], [-2]]),
    "two components": (4, [[1, 2], [3, -4], [-1, -2]]),
    "unused variables": (6, [[2, -5]]),
    "components merge late": (4, [[1], [3], [1, 3], [2, 4]]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_table(name):
    check_against_reference(*CASES[name])


clauses_st = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.lists(st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v])), max_size=5), max_size=20)))


@settings(max_examples=300, deadline=None)
@given(clauses_st)
def test_random_against_reference(case):
    check_against_reference(*case)


def test_formula_forms_agree(tmp_path):
    clauses = [[1, -3], [2], [-1, -2, 3]]
    path = tmp_path / "f.cnf"
    path.write_text("p cnf 3 3\n1 -3 0\n2 0\n-1 -2 3 0\n")
    a = build_graph(read_dimacs(str(path)))
    b = build_graph(CNF(from_clauses=clauses))
    c = build_graph(clauses)
    for g in (b, c):
        np.testing.assert_array_equal(a.x, g.x)
        np.testing.assert_array_equal(a.edge_index, g.edge_index)


@pytest.mark.parametrize("num_vars, lits, offsets, message", [
    (2, [1, 3], [0, 2], "clause 0"),
    (2, [1, 0, 2], [0, 3], "clause 0"),
    (2, [1, 2], [0, 3], "last offset"),
    (2, [1, 2], [1, 2], "start at 0"),
    (2, [1, 2], [0, 2, 1], "offsets"),
    (2, [1, 2], [], "offsets is empty"),
    (-1, [], [0], "num_vars"),
])
def test_bad_input(num_vars, lits, offsets, message):
    with pytest.raises(ValueError, match=message):
        build_graph(num_vars, np.array(lits, np.int32), np.array(offsets, np.int64))
