"""Random CSP models as plain data, and an independent brute-force solver.

A model here is a list of variable domains and a list of constraint specs
(tuples). :func:`build` posts them on a ``fastback.csp.Model``;
:func:`holds` says what each spec means, evaluated on a full assignment in
plain Python, and :func:`brute_force` enumerates every assignment. Nothing
here calls the engine to decide anything, so a bug in a propagator cannot
hide behind a matching bug in the check.
"""

from __future__ import annotations

import functools
import itertools
import operator
from typing import Any, Dict, List, Sequence, Set, Tuple

from hypothesis import strategies as st

Spec = Tuple[Any, ...]
Assignment = Tuple[int, ...]

OPS = {"==": operator.eq, "!=": operator.ne, "<=": operator.le, "<": operator.lt, ">=": operator.ge,
       ">": operator.gt}


def linear_value(terms: Sequence[Tuple[int, int]], a: Assignment) -> int:
    return sum(c * a[i] for c, i in terms)


def tree_holds(t: Spec, a: Assignment) -> bool:
    kind = t[0]
    if kind == "rel":
        _, terms, op, c = t
        return OPS[op](linear_value(terms, a), c)
    if kind == "bvar":
        return a[t[1]] == 1
    if kind == "not":
        return not tree_holds(t[1], a)
    if kind == "or":
        return any(tree_holds(p, a) for p in t[1])
    if kind == "and":
        return all(tree_holds(p, a) for p in t[1])
    if kind == "implies":
        return (not tree_holds(t[1], a)) or tree_holds(t[2], a)
    if kind == "iff":
        return tree_holds(t[1], a) == tree_holds(t[2], a)
    raise ValueError(kind)


def holds(spec: Spec, a: Assignment) -> bool:
    """What ``spec`` means, on the full assignment ``a`` (one value per variable)."""
    kind = spec[0]
    if kind == "linear":
        _, terms, op, c = spec
        return OPS[op](linear_value(terms, a), c)
    if kind == "alldiff":
        vals = [a[i] + off for i, off in spec[1]]
        return len(set(vals)) == len(vals)
    if kind == "table":
        _, vs, tuples = spec
        return tuple(a[i] for i in vs) in {tuple(t) for t in tuples}
    if kind == "element":
        _, array, idx, val = spec
        i = a[idx]
        if not 0 <= i < len(array):
            return False
        entry = array[i]
        entry_value = entry if isinstance(entry, int) else a[entry[1]]
        return entry_value == a[val]
    if kind == "bool":
        return tree_holds(spec[1], a)
    raise ValueError(kind)


def brute_force(domains: Sequence[Sequence[int]], specs: Sequence[Spec]) -> Set[Assignment]:
    return {a for a in itertools.product(*domains) if all(holds(s, a) for s in specs)}


# ------------------------------------------------------------------ building


def build_tree(m: Any, xs: List[Any], t: Spec) -> Any:
    kind = t[0]
    if kind == "rel":
        _, terms, op, c = t
        expr = sum((coef * xs[i] for coef, i in terms), 0)
        return OPS[op](expr, c) if not isinstance(expr, int) else OPS[op](xs[0] * 0 + expr, c)
    if kind == "bvar":
        return xs[t[1]]
    if kind == "not":
        return ~build_tree(m, xs, t[1])
    if kind == "or":
        return functools.reduce(operator.or_, [build_tree(m, xs, p) for p in t[1]])
    if kind == "and":
        return functools.reduce(operator.and_, [build_tree(m, xs, p) for p in t[1]])
    if kind == "implies":
        return m.implies(build_tree(m, xs, t[1]), build_tree(m, xs, t[2]))
    if kind == "iff":
        return m.iff(build_tree(m, xs, t[1]), build_tree(m, xs, t[2]))
    raise ValueError(kind)


def build(domains: Sequence[Sequence[int]], specs: Sequence[Spec], bools: Sequence[int] = ()) -> Tuple[Any, List[Any]]:
    """A ``fastback.csp.Model`` with one variable per domain (``bool_var``
    for the indices in ``bools``) and every spec posted."""
    from fastback.csp import Model

    m = Model()
    xs: List[Any] = []
    for i, d in enumerate(domains):
        if i in bools:
            xs.append(m.bool_var(f"b{i}"))
        elif list(d) == list(range(min(d), max(d) + 1)):
            xs.append(m.int_var(min(d), max(d), f"x{i}"))
        else:
            xs.append(m.int_var_from(d, f"x{i}"))
    for s in specs:
        kind = s[0]
        if kind == "linear":
            _, terms, op, c = s
            expr = sum((coef * xs[i] for coef, i in terms), 0)
            m.add(OPS[op](expr, c) if not isinstance(expr, int) else OPS[op](xs[0] * 0 + expr, c))
        elif kind == "alldiff":
            m.all_different([xs[i] + off if off else xs[i] for i, off in s[1]], consistency=s[2])
        elif kind == "table":
            m.table([xs[i] for i in s[1]], s[2])
        elif kind == "element":
            _, array, idx, val = s
            m.element([e if isinstance(e, int) else xs[e[1]] for e in array], xs[idx], xs[val])
        elif kind == "bool":
            m.add(build_tree(m, xs, s[1]))
        else:
            raise ValueError(kind)
    return m, xs


# ---------------------------------------------------------------- strategies


def small_domain() -> st.SearchStrategy[List[int]]:
    return st.one_of(
        st.tuples(st.integers(-2, 2), st.integers(0, 3)).map(lambda t: list(range(t[0], t[0] + t[1] + 1))),
        st.sets(st.integers(-3, 5), min_size=1, max_size=4).map(sorted),
    )


def terms(nv: int) -> st.SearchStrategy[List[Tuple[int, int]]]:
    return st.lists(st.tuples(st.integers(-3, 3), st.integers(0, nv - 1)), min_size=1, max_size=3)


def linear_spec(nv: int) -> st.SearchStrategy[Spec]:
    return st.tuples(st.just("linear"), terms(nv), st.sampled_from(sorted(OPS)), st.integers(-5, 7))


def alldiff_spec(nv: int) -> st.SearchStrategy[Spec]:
    return st.tuples(
        st.just("alldiff"),
        st.lists(st.tuples(st.integers(0, nv - 1), st.integers(-1, 1)), min_size=2, max_size=4),
        st.sampled_from(["domain", "forward"]),
    )


def table_spec(nv: int) -> st.SearchStrategy[Spec]:
    return st.integers(1, min(3, nv)).flatmap(
        lambda k: st.tuples(
            st.just("table"),
            st.lists(st.integers(0, nv - 1), min_size=k, max_size=k),
            st.lists(st.lists(st.integers(-2, 4), min_size=k, max_size=k), max_size=8),
        )
    )


def element_spec(nv: int) -> st.SearchStrategy[Spec]:
    entry = st.one_of(st.integers(-2, 4), st.tuples(st.just("var"), st.integers(0, nv - 1)))
    return st.tuples(st.just("element"), st.lists(entry, min_size=1, max_size=4),
                     st.integers(0, nv - 1), st.integers(0, nv - 1))


def tree(nv: int, bools: Sequence[int]) -> st.SearchStrategy[Spec]:
    leaves = [st.tuples(st.just("rel"), terms(nv), st.sampled_from(sorted(OPS)), st.integers(-3, 5))]
    if bools:
        leaves.append(st.tuples(st.just("bvar"), st.sampled_from(list(bools))))
    base = st.one_of(*leaves)
    return st.recursive(
        base,
        lambda sub: st.one_of(
            st.tuples(st.just("not"), sub),
            st.tuples(st.just("or"), st.lists(sub, min_size=2, max_size=3)),
            st.tuples(st.just("and"), st.lists(sub, min_size=2, max_size=3)),
            st.tuples(st.just("implies"), sub, sub),
            st.tuples(st.just("iff"), sub, sub),
        ),
        max_leaves=5,
    )


def bool_spec(nv: int, bools: Sequence[int]) -> st.SearchStrategy[Spec]:
    return st.tuples(st.just("bool"), tree(nv, bools))


SEARCH_OPTIONS = st.fixed_dictionaries({
    "heuristic": st.sampled_from(["dom/wdeg", "mrv", "dom/deg", "input"]),
    "value_order": st.sampled_from(["min", "max", "median", "random", "split"]),
    "restarts": st.sampled_from([True, False, "geometric"]),
    "seed": st.integers(0, 3),
    "restart_base": st.sampled_from([1, 2, 100]),
})


def solutions_of(m: Any, xs: Sequence[Any], options: Dict[str, Any]) -> List[Assignment]:
    return [tuple(s[x] for x in xs) for s in m.solutions(**options)]
