"""Differential tests of fastback.csp against brute-force enumeration.

Random small models, one constraint family at a time and mixed, solved under
random search options: the solutions the engine enumerates must be exactly
those a plain Python enumeration of every assignment finds (tests/csp_helpers
evaluates each constraint from its definition), each once, and
count_solutions must agree.
"""

from __future__ import annotations

from typing import Any, Dict, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_helpers import (
    SEARCH_OPTIONS,
    alldiff_spec,
    bool_spec,
    brute_force,
    build,
    element_spec,
    holds,
    linear_spec,
    small_domain,
    solutions_of,
    table_spec,
)

SETTINGS = dict(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])


def check(domains: List[List[int]], specs: List[Any], options: Dict[str, Any], bools: List[int] = []) -> None:
    doms = [[0, 1] if i in bools else d for i, d in enumerate(domains)]
    expected = brute_force(doms, specs)
    m, xs = build(doms, specs, bools)
    got = solutions_of(m, xs, options)
    for a in got:
        assert all(holds(s, a) for s in specs), (a, specs)
    assert len(set(got)) == len(got), f"a solution repeats: {got}"
    assert set(got) == expected, (specs, options)
    count_opts = {k: v for k, v in options.items()}
    assert m.count_solutions(**count_opts) == len(expected)
    sol = m.solve(**options)
    assert (sol is None) == (not expected)
    if sol is not None:
        assert tuple(sol[x] for x in xs) in expected


def models(spec_strategy: Any, max_specs: int = 3) -> Any:
    return st.integers(2, 4).flatmap(
        lambda nv: st.tuples(
            st.lists(small_domain(), min_size=nv, max_size=nv),
            st.lists(spec_strategy(nv), min_size=1, max_size=max_specs),
        )
    )


@settings(**SETTINGS)
@given(models(linear_spec), SEARCH_OPTIONS)
def test_linear(model: Any, options: Dict[str, Any]) -> None:
    check(*model, options)


@settings(**SETTINGS)
@given(models(alldiff_spec, 2), SEARCH_OPTIONS)
def test_all_different(model: Any, options: Dict[str, Any]) -> None:
    check(*model, options)


@settings(**SETTINGS)
@given(models(table_spec, 2), SEARCH_OPTIONS)
def test_table(model: Any, options: Dict[str, Any]) -> None:
    check(*model, options)


@settings(**SETTINGS)
@given(models(element_spec, 2), SEARCH_OPTIONS)
def test_element(model: Any, options: Dict[str, Any]) -> None:
    check(*model, options)


@settings(**SETTINGS)
@given(st.integers(2, 4).flatmap(
    lambda nv: st.tuples(
        st.lists(small_domain(), min_size=nv, max_size=nv),
        st.lists(st.integers(0, nv - 1), max_size=2).map(lambda b: sorted(set(b))),
    ).flatmap(lambda db: st.tuples(
        st.just(db[0]), st.lists(bool_spec(len(db[0]), db[1]), min_size=1, max_size=2), st.just(db[1])))
), SEARCH_OPTIONS)
def test_boolean_combinations(model: Any, options: Dict[str, Any]) -> None:
    domains, specs, bools = model
    check(domains, specs, options, bools)


def mixed_spec(nv: int) -> Any:
    return st.one_of(linear_spec(nv), alldiff_spec(nv), table_spec(nv), element_spec(nv), bool_spec(nv, []))


@settings(**SETTINGS)
@given(models(mixed_spec, 4), SEARCH_OPTIONS)
def test_mixed(model: Any, options: Dict[str, Any]) -> None:
    check(*model, options)
