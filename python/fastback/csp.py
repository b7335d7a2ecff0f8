"""Finite-domain constraint programming: model in Python, solve in Rust.

::

    from fastback.csp import Model

    m = Model()
    x = m.int_var(1, 9, "x")            # inclusive bounds, optional name
    y = m.int_var_from([1, 3, 5], "y")  # explicit domain
    b = m.bool_var("b")                 # 0/1 variable, usable as a constraint too
    m.add(x + 2 * y <= 10)              # linear: == != <= >= < >
    m.add(x != y)
    m.add((x == 1) | (y == 3))          # boolean combinations: | & ~
    m.add(m.implies(b, x >= 5))         # implies/iff build constraints; add() posts them
    m.all_different([x, y])
    m.table([x, y], [(1, 3), (2, 5)])   # allowed tuples
    sol = m.solve()                     # a Solution, or None when there is none
    sol[x], sol.values()                # 1, {'x': 1, 'y': 3, 'b': 0}

Contracts that hold throughout:

- **Expressions.** Integer variables combine with ints through ``+ - *``
  (multiplication by an int only) into linear expressions; comparing two
  expressions (``== != <= >= < >``) gives a constraint. Nothing is posted
  until :meth:`Model.add` (or a method such as :meth:`Model.all_different`)
  is called. Python's precedence puts ``|`` and ``&`` above comparisons:
  write ``(x == 1) | (y == 2)``, with the parentheses.
- **Booleans.** A :class:`BoolVar` used where a constraint is expected means
  ``b == 1``; ``~b`` means ``b == 0``. ``|``, ``&`` and ``~`` combine
  constraints built from linear relations and boolean variables (not global
  constraints such as ``all_different``). They compile to clauses over
  reified relations; auxiliary variables added for them are functions of
  the user's variables, so solution counts are counts over the user's
  variables.
- **Errors.** Bad input raises ``ValueError`` (or ``TypeError`` for a wrong
  type) at the call that posts it, naming the constraint and the variable or
  tuple at fault; nothing is added then.
- **Results.** :meth:`Model.solve` returns a :class:`Solution` or ``None``
  when the model has no solution. When a limit (time, nodes, failures) or an
  interrupt stops the search first, it raises :class:`LimitReached` instead,
  so "no solution" and "gave up" are never confused. The same holds for
  :meth:`Model.solutions` and :meth:`Model.count_solutions` (the exception
  carries the count reached).
- **Threads and signals.** The search runs in Rust with the GIL released;
  Ctrl-C stops it within about 100 ms and raises ``KeyboardInterrupt``;
  :meth:`Model.interrupt` (from another thread) or a ``should_stop``
  callback stop it with :class:`LimitReached`.
- **Limits of the engine.** Values must lie within ±2^60 and a domain may
  span at most 2^24 values; linear sums must stay within ±2^62
  (``Σ |coef|·max|value| + |constant| <= 2^62``).

Search: binary branching with propagation (linear relations to bounds
consistency, all-different by Régin's matching, table by simple tabular
reduction, element to domain consistency), variable order ``"dom/wdeg"``
(default), ``"mrv"``, ``"dom/deg"`` or ``"input"``, value order ``"min"``,
``"max"``, ``"median"``, ``"random"`` or ``"split"``, Luby or geometric
restarts with nogoods until the first solution. ``trace=True`` records the
search (decisions, prunings with their constraint, conflicts, backtracks) as
:class:`TraceEvent` objects in :attr:`Model.trace`.
"""

from __future__ import annotations

import numbers
import re
import threading
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from fastback import _core

__all__ = [
    "Model",
    "IntVar",
    "BoolVar",
    "LinExpr",
    "Constraint",
    "Solution",
    "TraceEvent",
    "LimitReached",
    "csp_options",
    "HEURISTICS",
    "VALUE_ORDERS",
]

#: Values accepted for ``heuristic=`` (variable order) and the option value each sets.
HEURISTICS = {"input": 0, "mrv": 1, "dom": 1, "dom/wdeg": 2, "dom/deg": 3}
#: Values accepted for ``value_order=``.
VALUE_ORDERS = {"min": 0, "max": 1, "median": 2, "random": 3, "split": 4}
_RESTARTS = {False: 0, None: 0, "none": 0, True: 1, "luby": 1, "geometric": 2}

_MAX_ABS = 1 << 60
_OPS = ("==", "!=", "<=", "<", ">=", ">")
_NEGATED_OP = {"==": "!=", "!=": "==", "<=": ">", "<": ">=", ">=": "<", ">": "<="}
_NEGATED_LIT = {"==": "!=", "!=": "==", "<=": ">", ">": "<="}

_Lit = Tuple[int, str, int]
ExprLike = Union["LinExpr", int]
ConstraintLike = Union["Constraint", "BoolVar", bool]


def csp_options() -> List[Tuple[str, int, int, int, str]]:
    """Every search option as ``(name, default, min, max, description)``.
    Any of them can be passed to :meth:`Model.solve` as a keyword."""
    return list(_core.csp_options())


class LimitReached(TimeoutError):
    """A search stopped by a limit or an interrupt before it could answer.

    Attributes: ``reason`` (``"time limit"``, ``"node limit"``,
    ``"failure limit"`` or ``"interrupted"``), ``count`` (solutions found
    before it stopped) and ``stats`` (the search statistics)."""

    def __init__(self, reason: str, count: int = 0, stats: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(f"search stopped ({reason}) after {count} solution(s)")
        self.reason = reason
        self.count = count
        self.stats = stats or {}

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.reason, self.count, self.stats))


def _check_int(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{what} must be an int, got {type(v).__name__} {v!r}")
    v = int(v)
    if not -_MAX_ABS <= v <= _MAX_ABS:
        raise ValueError(f"{what} {v} is outside the supported range [-2^60, 2^60]")
    return v


# ---------------------------------------------------------------- expressions


class LinExpr:
    """``Σ coef·var + const`` over the variables of one model. Immutable.

    Supports ``+ - *`` with ints and other expressions (``*`` by an int
    only) and the comparisons ``== != <= >= < >``, which give a
    :class:`Constraint`."""

    __slots__ = ("_model", "_terms", "_const")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, model: Optional["Model"], terms: Dict[int, int], const: int) -> None:
        self._model = model
        self._terms = terms
        self._const = const

    # -- arithmetic
    def _parts(self) -> Tuple[Optional["Model"], Dict[int, int], int]:
        return self._model, self._terms, self._const

    @staticmethod
    def _coerce(other: Any) -> Optional["LinExpr"]:
        if isinstance(other, LinExpr):
            return other
        if isinstance(other, numbers.Integral) and not isinstance(other, bool):
            return LinExpr(None, {}, int(other))
        return None

    def _combine(self, other: "LinExpr", sign: int) -> "LinExpr":
        m1, t1, c1 = self._parts()
        m2, t2, c2 = other._parts()
        if m1 is not None and m2 is not None and m1 is not m2:
            raise ValueError("cannot combine variables of two different models (each belongs to another model)")
        terms = dict(t1)
        for v, a in t2.items():
            terms[v] = terms.get(v, 0) + sign * a
        return LinExpr(m1 if m1 is not None else m2, {v: a for v, a in terms.items() if a != 0}, c1 + sign * c2)

    def __add__(self, other: Any) -> "LinExpr":
        o = self._coerce(other)
        return NotImplemented if o is None else self._combine(o, 1)

    def __radd__(self, other: Any) -> "LinExpr":
        return self.__add__(other)

    def __sub__(self, other: Any) -> "LinExpr":
        o = self._coerce(other)
        return NotImplemented if o is None else self._combine(o, -1)

    def __rsub__(self, other: Any) -> "LinExpr":
        o = self._coerce(other)
        return NotImplemented if o is None else o._combine(self, -1)

    def __mul__(self, other: Any) -> "LinExpr":
        if isinstance(other, bool) or not isinstance(other, numbers.Integral):
            if isinstance(other, LinExpr):
                raise TypeError("only linear expressions are supported: multiply by an int, not by a variable")
            return NotImplemented
        k = int(other)
        m, t, c = self._parts()
        return LinExpr(m, {v: a * k for v, a in t.items() if a * k != 0}, c * k)

    def __rmul__(self, other: Any) -> "LinExpr":
        return self.__mul__(other)

    def __neg__(self) -> "LinExpr":
        return self.__mul__(-1)

    def __pos__(self) -> "LinExpr":
        return self

    # -- comparisons
    def _relation(self, other: Any, op: str) -> "Relation":
        o = self._coerce(other)
        if o is None:
            raise TypeError(f"cannot compare a linear expression with {type(other).__name__} {other!r}")
        diff = self._combine(o, -1)
        m, t, c = diff._parts()
        return Relation(m, t, op, -c, self, o)

    def __eq__(self, other: Any) -> "Relation":  # type: ignore[override]
        return self._relation(other, "==")

    def __ne__(self, other: Any) -> "Relation":  # type: ignore[override]
        return self._relation(other, "!=")

    def __le__(self, other: Any) -> "Relation":
        return self._relation(other, "<=")

    def __lt__(self, other: Any) -> "Relation":
        return self._relation(other, "<")

    def __ge__(self, other: Any) -> "Relation":
        return self._relation(other, ">=")

    def __gt__(self, other: Any) -> "Relation":
        return self._relation(other, ">")

    def __bool__(self) -> bool:
        raise TypeError("a linear expression has no truth value")

    def __abs__(self) -> "LinExpr":
        raise TypeError("abs() of an expression is not linear: use Model.abs(expr), a variable equal to it")

    def __repr__(self) -> str:
        return _format_linear(self._model, self._terms, self._const)


def _format_linear(model: Optional["Model"], terms: Dict[int, int], const: int) -> str:
    parts: List[str] = []
    for v, a in terms.items():
        name = model._vars[v].name if model is not None else f"_v{v}"
        mag = abs(a)
        term = name if mag == 1 else f"{mag}*{name}"
        parts.append(("- " if a < 0 else "+ ") + term if parts else ("-" if a < 0 else "") + term)
    if const or not parts:
        if parts:
            parts.append(("- " if const < 0 else "+ ") + str(abs(const)))
        else:
            parts.append(str(const))
    return " ".join(parts)


class IntVar(LinExpr):
    """An integer variable of a :class:`Model` (create it with
    :meth:`Model.int_var` or :meth:`Model.int_var_from`). Hashable by
    identity; ``name``, ``index``, ``lo`` and ``hi`` describe it."""

    __slots__ = ("index", "name", "lo", "hi", "is_aux")

    def __init__(self, model: "Model", index: int, name: str, lo: int, hi: int, is_aux: bool = False) -> None:
        super().__init__(model, {index: 1}, 0)
        self.index = index
        self.name = name
        self.lo = lo
        self.hi = hi
        self.is_aux = is_aux

    __hash__ = object.__hash__  # type: ignore[assignment]

    def domain(self) -> List[int]:
        """The declared domain, ascending."""
        assert self._model is not None
        return list(self._model._core.domain(self.index))

    def __repr__(self) -> str:
        return self.name


class Constraint:
    """A constraint not yet posted: pass it to :meth:`Model.add`. Linear
    relations and their boolean combinations support ``|`` (or), ``&``
    (and), ``~`` (not) and :meth:`implies`."""

    __slots__ = ()

    def negated(self) -> "Constraint":
        raise TypeError(f"{self!r} cannot be negated")

    def __invert__(self) -> "Constraint":
        return self.negated()

    def __or__(self, other: Any) -> "Constraint":
        return _Or([self, _as_constraint(other)])

    def __ror__(self, other: Any) -> "Constraint":
        return _Or([_as_constraint(other), self])

    def __and__(self, other: Any) -> "Constraint":
        return _And([self, _as_constraint(other)])

    def __rand__(self, other: Any) -> "Constraint":
        return _And([_as_constraint(other), self])

    def implies(self, other: ConstraintLike) -> "Constraint":
        """``self -> other``, i.e. ``~self | other``."""
        return _Or([self.negated(), _as_constraint(other)])


class Relation(Constraint):
    """``Σ coef·var  op  rhs`` with ``op`` in ``== != <= < >= >``."""

    __slots__ = ("_model", "terms", "op", "rhs", "_lhs", "_rhs_expr")

    def __init__(self, model: Optional["Model"], terms: Dict[int, int], op: str, rhs: int,
                 lhs_expr: Optional[LinExpr] = None, rhs_expr: Optional[LinExpr] = None) -> None:
        self._model = model
        self.terms = terms
        self.op = op
        self.rhs = rhs
        self._lhs = lhs_expr
        self._rhs_expr = rhs_expr

    def negated(self) -> "Relation":
        return Relation(self._model, self.terms, _NEGATED_OP[self.op], self.rhs, self._lhs, self._rhs_expr)

    def __bool__(self) -> bool:
        # `x == y` between two variables answers identity, so that `x in [a, b]`
        # and dict lookups behave; any other use as a bool is a mistake.
        lhs, rhs = self._lhs, self._rhs_expr
        if self.op in ("==", "!=") and isinstance(lhs, IntVar) and isinstance(rhs, IntVar):
            same = lhs is rhs
            return same if self.op == "==" else not same
        raise TypeError(
            f"the constraint '{self!r}' has no truth value: pass it to Model.add (and parenthesise "
            "comparisons inside | and &)"
        )

    def __repr__(self) -> str:
        if self._lhs is not None and self._rhs_expr is not None:
            return f"{self._lhs!r} {self.op} {self._rhs_expr!r}"
        return f"{_format_linear(self._model, self.terms, 0)} {self.op} {self.rhs}"


class _Const(Constraint):
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def negated(self) -> "_Const":
        return _Const(not self.value)

    def __repr__(self) -> str:
        return repr(self.value)


class _Or(Constraint):
    __slots__ = ("parts",)

    def __init__(self, parts: List[Constraint]) -> None:
        flat: List[Constraint] = []
        for p in parts:
            flat.extend(p.parts if isinstance(p, _Or) else [p])
        self.parts: List[Constraint] = flat

    def negated(self) -> Constraint:
        return _And([p.negated() for p in self.parts])

    def __repr__(self) -> str:
        return " | ".join(f"({p!r})" for p in self.parts)


class _And(Constraint):
    __slots__ = ("parts",)

    def __init__(self, parts: List[Constraint]) -> None:
        flat: List[Constraint] = []
        for p in parts:
            flat.extend(p.parts if isinstance(p, _And) else [p])
        self.parts: List[Constraint] = flat

    def negated(self) -> Constraint:
        return _Or([p.negated() for p in self.parts])

    def __repr__(self) -> str:
        return " & ".join(f"({p!r})" for p in self.parts)


class BoolVar(IntVar):
    """A 0/1 variable. Where a constraint is expected it means ``b == 1``;
    ``~b`` is ``b == 0``; ``b1 | b2``, ``b & (x > 3)`` combine as constraints."""

    __slots__ = ()

    def _as_relation(self) -> Relation:
        return Relation(self._model, {self.index: 1}, "==", 1, self, LinExpr(None, {}, 1))

    def negated(self) -> Relation:
        return self._as_relation().negated()

    def __invert__(self) -> Relation:
        return self.negated()

    def __or__(self, other: Any) -> Constraint:
        return _Or([self._as_relation(), _as_constraint(other)])

    def __ror__(self, other: Any) -> Constraint:
        return _Or([_as_constraint(other), self._as_relation()])

    def __and__(self, other: Any) -> Constraint:
        return _And([self._as_relation(), _as_constraint(other)])

    def __rand__(self, other: Any) -> Constraint:
        return _And([_as_constraint(other), self._as_relation()])

    def implies(self, other: ConstraintLike) -> Constraint:
        """``self -> other``."""
        return _Or([self.negated(), _as_constraint(other)])


def _as_constraint(c: Any) -> Constraint:
    if isinstance(c, BoolVar):
        return c._as_relation()
    if isinstance(c, Constraint):
        return c
    if isinstance(c, bool):
        return _Const(c)
    if isinstance(c, LinExpr):
        raise TypeError(f"'{c!r}' is an integer expression, not a constraint (only 0/1 variables are both)")
    raise TypeError(f"expected a constraint, got {type(c).__name__} {c!r}")


# ---------------------------------------------------------------- results


class Solution:
    """One solution: ``sol[x]`` for a variable or expression (an int),
    ``sol[c]`` for a constraint (a bool), ``sol["name"]`` by name,
    :meth:`values` for every named (non-auxiliary) variable."""

    __slots__ = ("_model", "_values")

    def __init__(self, model: "Model", values: Sequence[int]) -> None:
        self._model = model
        self._values = list(values)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._model.var(key).index]
        if isinstance(key, IntVar):
            self._model._check_own(key)
            return self._values[key.index]
        if isinstance(key, LinExpr):
            return self._eval(key._terms, key._const)
        if isinstance(key, (Constraint, bool)):
            return self._holds(_as_constraint(key))
        raise TypeError(f"cannot look up {type(key).__name__} {key!r} in a solution")

    def _eval(self, terms: Dict[int, int], const: int) -> int:
        return sum(a * self._values[v] for v, a in terms.items()) + const

    def _holds(self, c: Constraint) -> bool:
        if isinstance(c, Relation):
            lhs = self._eval(c.terms, 0)
            return {"==": lhs == c.rhs, "!=": lhs != c.rhs, "<=": lhs <= c.rhs, "<": lhs < c.rhs,
                    ">=": lhs >= c.rhs, ">": lhs > c.rhs}[c.op]
        if isinstance(c, _Or):
            return any(self._holds(p) for p in c.parts)
        if isinstance(c, _And):
            return all(self._holds(p) for p in c.parts)
        if isinstance(c, _Const):
            return c.value
        raise TypeError(f"cannot evaluate {c!r}")

    def values(self) -> Dict[str, int]:
        """``{name: value}`` for every variable the user created."""
        return {v.name: self._values[v.index] for v in self._model._vars if not v.is_aux}

    def all_values(self) -> List[int]:
        """The value of every variable, auxiliary ones included, by index."""
        return list(self._values)

    def __repr__(self) -> str:
        return f"Solution({self.values()})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Solution) and other._model is self._model and other._values == self._values

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class TraceEvent:
    """One step of a recorded search (``Model.solve(trace=True)``).

    ``kind`` is one of:

    - ``"assign"``: the decision ``var op value`` (``op`` is ``"=="``, or
      ``"<="`` with ``value_order="split"``) opening ``level``;
    - ``"refute"``: after the subtree under a decision failed, its negation
      (``"!="`` or ``">"``) applied at ``level``;
    - ``"prune"``: ``constraint`` (the index :meth:`Model.add` and friends
      returned; ``None`` for a nogood recorded at a restart) removed the
      values ``removed`` from ``var``; ``value`` is set when one value is left;
    - ``"conflict"``: ``constraint`` (``None``: a nogood) found a wipe-out or
      a violation;
    - ``"backtrack"``: back to ``level`` from level ``value``;
    - ``"solution"``: every variable is fixed (at ``level``);
    - ``"restart"``: back to the root; ``value`` nogoods were recorded.
    """

    kind: str
    level: int
    var: Optional[IntVar] = None
    op: Optional[str] = None
    value: Optional[int] = None
    constraint: Optional[int] = None
    removed: Tuple[int, ...] = ()


# ---------------------------------------------------------------- the model


class Model:
    """Variables and constraints, and the searches over them.

    A model can be solved many times and extended between solves; each
    search works on a snapshot taken when it starts. Every posting method
    returns the constraint's index (the one :class:`TraceEvent` refers to,
    and :meth:`describe` explains).

    Attributes set by the last search: ``stats`` (a dict: ``nodes``,
    ``failures``, ``propagations``, ``restarts``, ``solutions``,
    ``nogoods``, ``max_depth``, ``time`` in seconds) and ``trace`` (a list
    of :class:`TraceEvent` when ``trace=True`` was asked, else ``None``;
    ``trace_truncated`` says whether the event limit cut it short).
    """

    def __init__(self) -> None:
        self._core = _core.CspModel()
        self._vars: List[IntVar] = []
        self._names: Dict[str, IntVar] = {}
        self._descriptions: List[str] = []
        #: Rust constraint index -> index of the posting call that made it.
        self._origin: List[int] = []
        self._running: List[_core.CspSearch] = []
        self._lock = threading.Lock()
        self.stats: Dict[str, Any] = {}
        self.trace: Optional[List[TraceEvent]] = None
        self.trace_truncated = False

    # -- variables
    def _new_name(self, name: Optional[str], index: int, prefix: str = "_v") -> str:
        if name is None:
            name = f"{prefix}{index}"
        if not isinstance(name, str):
            raise TypeError(f"a variable name must be a str, got {type(name).__name__}")
        if name in self._names:
            raise ValueError(f"a variable named {name!r} already exists in this model")
        return name

    def _register(self, index: int, name: Optional[str], lo: int, hi: int, cls: type = IntVar,
                  is_aux: bool = False, prefix: str = "_v") -> IntVar:
        var = cls(self, index, self._new_name(name, index, prefix), lo, hi, is_aux)
        self._vars.append(var)
        self._names[var.name] = var
        return var

    def int_var(self, lo: int, hi: int, name: Optional[str] = None) -> IntVar:
        """A variable over ``lo..hi`` (inclusive). ``ValueError`` for an
        empty range, a duplicate name, bounds beyond ±2^60 or more than 2^24
        values."""
        lo = _check_int(lo, f"int_var({name!r}): lower bound")
        hi = _check_int(hi, f"int_var({name!r}): upper bound")
        self._new_name(name, len(self._vars))
        try:
            index = self._core.new_int_var(lo, hi)
        except ValueError as e:
            raise ValueError(f"int_var({name!r}): {e}") from None
        return self._register(index, name, lo, hi)

    def int_var_from(self, values: Iterable[int], name: Optional[str] = None) -> IntVar:
        """A variable over exactly ``values`` (any order; duplicates ignored)."""
        vals = [_check_int(v, f"int_var_from({name!r}): value") for v in values]
        self._new_name(name, len(self._vars))
        try:
            index = self._core.new_var_from_values(vals)
        except ValueError as e:
            raise ValueError(f"int_var_from({name!r}): {e}") from None
        return self._register(index, name, min(vals), max(vals))

    def bool_var(self, name: Optional[str] = None) -> BoolVar:
        """A 0/1 variable, also usable as a constraint (``b`` means ``b == 1``)."""
        self._new_name(name, len(self._vars))
        index = self._core.new_int_var(0, 1)
        var = self._register(index, name, 0, 1, BoolVar)
        assert isinstance(var, BoolVar)
        return var

    def int_vars(self, names: Union[int, Iterable[str]], lo: int, hi: int, prefix: str = "x") -> List[IntVar]:
        """Several variables over ``lo..hi``: ``names`` is a count (named
        ``prefix0``, ``prefix1``, ...) or an iterable of names."""
        if isinstance(names, numbers.Integral):
            return [self.int_var(lo, hi, f"{prefix}{i}") for i in range(int(names))]
        assert not isinstance(names, int)
        return [self.int_var(lo, hi, n) for n in names]

    def var(self, name: str) -> IntVar:
        """The variable called ``name`` (``KeyError`` if none)."""
        return self._names[name]

    @property
    def variables(self) -> List[IntVar]:
        """The user's variables, in creation order (auxiliary ones excluded)."""
        return [v for v in self._vars if not v.is_aux]

    def _check_own(self, v: IntVar) -> None:
        if v._model is not self:
            raise ValueError(f"variable {v.name!r} belongs to another model")

    def _aux_var(self, expr: LinExpr) -> IntVar:
        """A variable equal to ``expr`` (not branched on)."""
        lo = hi = expr._const
        for v, a in expr._terms.items():
            x = self._vars[v]
            lo += min(a * x.lo, a * x.hi)
            hi += max(a * x.lo, a * x.hi)
        index = self._core.new_int_var(lo, hi)
        self._core.set_branching(index, False)
        var = self._register(index, None, lo, hi, is_aux=True, prefix="_e")
        self._post_linear(expr - var, "==", 0)
        return var

    def _const_var(self, value: int) -> IntVar:
        index = self._core.new_int_var(value, value)
        self._core.set_branching(index, False)
        return self._register(index, None, value, value, is_aux=True, prefix="_c")

    def _as_var(self, e: Any, what: str) -> IntVar:
        if isinstance(e, IntVar):
            self._check_own(e)
            return e
        if isinstance(e, LinExpr):
            if e._model is not None and e._model is not self:
                raise ValueError(f"{what} uses variables of another model")
            return self._aux_var(e)
        if isinstance(e, numbers.Integral) and not isinstance(e, bool):
            return self._const_var(_check_int(e, what))
        raise TypeError(f"{what} must be a variable, an int or a linear expression, got {type(e).__name__} {e!r}")

    # -- posting
    def _posting(self, description: str) -> "_Posting":
        return _Posting(self, description)

    def describe(self, constraint: int) -> str:
        """A readable form of constraint ``constraint`` (an index returned
        by a posting method)."""
        return self._descriptions[constraint]

    @property
    def num_constraints(self) -> int:
        """The number of posting calls made (indices run from 0)."""
        return len(self._descriptions)

    def _post_linear(self, expr: LinExpr, op: str, rhs: int) -> None:
        terms = expr._terms
        self._core.linear(list(terms.values()), list(terms.keys()), op, rhs - expr._const)

    def _reify(self, c: Constraint) -> Union[bool, _Lit]:
        """A literal equivalent to ``c`` (auxiliary variables as needed)."""
        if isinstance(c, BoolVar):
            c = c._as_relation()
        if isinstance(c, _Const):
            return c.value
        if isinstance(c, Relation):
            self._check_relation(c)
            lit = self._core.reify_linear(list(c.terms.values()), list(c.terms.keys()), c.op, c.rhs)
            return lit if isinstance(lit, bool) else (int(lit[0]), str(lit[1]), int(lit[2]))
        if isinstance(c, (_And, _Or)):
            is_and = isinstance(c, _And)
            lits: List[_Lit] = []
            for p in c.parts:
                lit = self._reify(p)
                if isinstance(lit, bool):
                    if lit != is_and:  # a false conjunct or a true disjunct decides it
                        return lit
                    continue
                lits.append(lit)
            if not lits:
                return is_and
            if len(lits) == 1:
                return lits[0]
            a = self._core.new_aux_bool()
            self._register(a, None, 0, 1, BoolVar, is_aux=True, prefix="_b")
            a_true: _Lit = (a, "==", 1)
            a_false: _Lit = (a, "!=", 1)
            if is_and:  # a <-> l1 & ... & lk
                for lit in lits:
                    self._core.clause([a_false, lit])
                self._core.clause([a_true] + [_negate_lit(lit) for lit in lits])
            else:  # a <-> l1 | ... | lk
                self._core.clause([a_false] + lits)
                for lit in lits:
                    self._core.clause([a_true, _negate_lit(lit)])
            return a_true
        raise TypeError(f"{c!r} cannot be used inside | or & (only linear relations and 0/1 variables can)")

    def _check_relation(self, c: Relation) -> None:
        if c._model is not None and c._model is not self:
            raise ValueError(f"'{c!r}' uses variables of another model")
        _check_int(c.rhs, f"the constant of '{c!r}'")

    def add(self, constraint: ConstraintLike) -> int:
        """Posts a constraint: a linear relation (``x + 2*y <= 10``), a 0/1
        variable, or a boolean combination with ``| & ~`` (or built by
        :meth:`implies` / :meth:`iff`); ``True`` is a no-op and ``False``
        makes the model infeasible. Returns the constraint's index.
        Errors: ``TypeError`` for something that is not a constraint (the
        result of ``x == y`` used as a bool, an expression, ...),
        ``ValueError`` for variables of another model or values out of range."""
        c = _as_constraint(constraint)
        with self._posting(repr(c)) as index:
            self._add(c)
        return index

    def _add(self, c: Constraint) -> None:
        if isinstance(c, _Const):
            if not c.value:
                self._core.clause([])
        elif isinstance(c, Relation):
            self._check_relation(c)
            self._core.linear(list(c.terms.values()), list(c.terms.keys()), c.op, c.rhs)
        elif isinstance(c, _And):
            for p in c.parts:
                self._add(p)
        elif isinstance(c, _Or):
            lits: List[_Lit] = []
            for p in c.parts:
                lit = self._reify(p)
                if lit is True:
                    return
                if lit is not False:
                    assert not isinstance(lit, bool)
                    lits.append(lit)
            self._core.clause(lits)
        else:
            raise TypeError(f"cannot post {c!r}")

    def implies(self, premise: ConstraintLike, conclusion: ConstraintLike) -> Constraint:
        """The constraint ``premise -> conclusion`` (``~premise |
        conclusion``). It is *built*, not posted: ``m.add(m.implies(a, b))``,
        or combine it further."""
        return _Or([_as_constraint(premise).negated(), _as_constraint(conclusion)])

    def iff(self, a: ConstraintLike, b: ConstraintLike) -> Constraint:
        """The constraint ``a <-> b`` (built, not posted)."""
        ca, cb = _as_constraint(a), _as_constraint(b)
        return _Or([_And([ca, cb]), _And([ca.negated(), cb.negated()])])

    def abs(self, expr: ExprLike) -> IntVar:
        """A new variable equal to ``|expr|`` (``expr`` linear), e.g.
        ``m.add(m.abs(x - y) == 1)`` for "next to". It is a function of the
        variables in ``expr`` (never branched on; counts are unchanged)."""
        e = LinExpr._coerce(expr)
        if e is None:
            raise TypeError(f"abs: expected a linear expression or an int, got {type(expr).__name__} {expr!r}")
        if e._model is not None and e._model is not self:
            raise ValueError("abs: the expression uses variables of another model")
        lo = hi = e._const
        for v, a in e._terms.items():
            x = self._vars[v]
            lo += min(a * x.lo, a * x.hi)
            hi += max(a * x.lo, a * x.hi)
        top = max(abs(lo), abs(hi))
        bottom = 0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
        with self._posting(f"abs({e!r})"):
            index = self._core.new_int_var(bottom, top)
            self._core.set_branching(index, False)
            y = self._register(index, None, bottom, top, is_aux=True, prefix="_a")
            self._add(y >= e)
            self._add(y >= -e)
            self._add((y == e) | (y == -e))
        return y

    def all_different(self, exprs: Iterable[ExprLike], consistency: str = "domain") -> int:
        """All of ``exprs`` take different values. Each is a variable, a
        variable plus an int (``q[i] + i``: no auxiliary variable), an int,
        or any linear expression (an auxiliary variable). ``consistency`` is
        ``"domain"`` (Régin's matching filter, the default) or ``"forward"``
        (remove fixed values only; cheaper per node, weaker)."""
        items = list(exprs)
        with self._posting(f"all_different({items!r})") as index:
            vars_: List[int] = []
            offsets: List[int] = []
            for i, e in enumerate(items):
                if isinstance(e, LinExpr) and not isinstance(e, IntVar) and len(e._terms) == 1 \
                        and next(iter(e._terms.values())) == 1 and (e._model is None or e._model is self):
                    vars_.append(next(iter(e._terms)))
                    offsets.append(_check_int(e._const, f"all_different: offset of item {i}"))
                else:
                    vars_.append(self._as_var(e, f"all_different: item {i}").index)
                    offsets.append(0)
            self._core.all_different(vars_, offsets, consistency)
        return index

    def table(self, vars: Sequence[ExprLike], tuples: Iterable[Sequence[int]]) -> int:
        """``vars`` take the values of one of ``tuples`` (allowed
        combinations). Domain consistent (simple tabular reduction).
        ``ValueError`` names a tuple of the wrong length or a bad value."""
        vs = list(vars)
        flat: List[int] = []
        for k, t in enumerate(tuples):
            row = list(t)
            if len(row) != len(vs):
                raise ValueError(f"table: tuple {k} has {len(row)} values, expected {len(vs)}")
            flat.extend(_check_int(v, f"table: tuple {k} value") for v in row)
        with self._posting(f"table({vs!r}, ...)") as index:
            indices = [self._as_var(v, f"table: variable {i}").index for i, v in enumerate(vs)]
            self._core.table(indices, flat)
        return index

    def element(self, array: Sequence[ExprLike], index: ExprLike, value: ExprLike) -> int:
        """``array[index] == value``, ``index`` counted from 0 (values of
        ``index`` outside the array are removed). ``array`` holds ints or
        variables (or expressions); ``value`` is a variable, an expression or
        an int. Domain consistent on ``index`` and ``value``."""
        arr = list(array)
        if not arr:
            raise ValueError("element: the array is empty")
        all_ints = all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in arr)
        consts = [_check_int(a, f"element: array entry {i}") for i, a in enumerate(arr)] if all_ints else []
        with self._posting(f"element({arr!r}, {index!r}, {value!r})") as cid:
            idx = self._as_var(index, "element: the index")
            val = self._as_var(value, "element: the value")
            if all_ints:
                self._core.element_const(consts, idx.index, val.index)
            else:
                vs = [self._as_var(a, f"element: array entry {i}").index for i, a in enumerate(arr)]
                self._core.element_var(vs, idx.index, val.index)
        return cid

    # -- solving
    def _options(self, heuristic: str, restarts: Any, seed: int, value_order: str,
                 extra: Dict[str, int]) -> Dict[str, int]:
        if heuristic not in HEURISTICS:
            raise ValueError(f"unknown heuristic {heuristic!r}; expected one of {sorted(HEURISTICS)}")
        if value_order not in VALUE_ORDERS:
            raise ValueError(f"unknown value_order {value_order!r}; expected one of {sorted(VALUE_ORDERS)}")
        if restarts not in _RESTARTS:
            raise ValueError(f"restarts must be True, False, 'luby' or 'geometric', got {restarts!r}")
        opts = {"var_order": HEURISTICS[heuristic], "value_order": VALUE_ORDERS[value_order],
                "restarts": _RESTARTS[restarts], "seed": _check_int(seed, "seed")}
        known = {o[0] for o in _core.csp_options()}
        for k, v in extra.items():
            if k not in known:
                raise TypeError(f"unknown keyword argument {k!r} (search options: {sorted(known)})")
            opts[k] = v
        return opts

    def _search(self, time_limit: Optional[float], node_limit: Optional[int], fail_limit: Optional[int],
                trace: bool, options: Dict[str, int]) -> "_core.CspSearch":
        return _core.CspSearch(self._core, options, time_limit, node_limit, fail_limit, trace)

    def _finish(self, search: "_core.CspSearch") -> None:
        self.stats = dict(search.stats())
        recorded = search.trace()
        if recorded is None:
            self.trace, self.trace_truncated = None, False
        else:
            events, truncated = recorded
            self.trace = [self._trace_event(e) for e in events]
            self.trace_truncated = truncated

    def _trace_event(self, e: Tuple[Any, ...]) -> TraceEvent:
        kind, level, var, op, value, cause, removed = e
        constraint = None if cause is None or cause < 0 else self._origin[cause]
        return TraceEvent(kind, level, None if var is None else self._vars[var], op, value, constraint,
                          tuple(removed) if removed is not None else ())

    def _run(self, search: "_core.CspSearch", step: Callable[[], Any],
             should_stop: Optional[Callable[[], bool]]) -> Any:
        with self._lock:
            self._running.append(search)
        try:
            if should_stop is None:
                return step()
            return _with_stop_callback(search, step, should_stop)
        finally:
            with self._lock:
                self._running.remove(search)

    def solve(self, time_limit: Optional[float] = None, heuristic: str = "dom/wdeg",
              restarts: Union[bool, str] = True, seed: int = 0, *, value_order: str = "min",
              node_limit: Optional[int] = None, fail_limit: Optional[int] = None, trace: bool = False,
              should_stop: Optional[Callable[[], bool]] = None, **options: int) -> Optional[Solution]:
        """One solution, or ``None`` if there is none.

        ``time_limit`` (seconds), ``node_limit`` (decisions) and
        ``fail_limit`` (conflicts) bound the search; when one is reached, or
        :meth:`interrupt` is called, or ``should_stop()`` (polled about every
        50 ms) returns true, :class:`LimitReached` is raised. ``heuristic``:
        ``"dom/wdeg"``, ``"mrv"``, ``"dom/deg"``, ``"input"``;
        ``value_order``: ``"min"``, ``"max"``, ``"median"``, ``"random"``,
        ``"split"``; ``restarts``: ``True`` (Luby), ``"geometric"`` or
        ``False``; ``seed`` randomises ties (0: deterministic). Other search
        options (see :func:`csp_options`) are accepted as keywords.
        ``trace=True`` records :attr:`trace`. Releases the GIL."""
        opts = self._options(heuristic, restarts, seed, value_order, options)
        search = self._search(time_limit, node_limit, fail_limit, trace, opts)
        try:
            status, values = self._run(search, search.next, should_stop)
        finally:
            self._finish(search)
        if status == "solution":
            return Solution(self, values)
        if status == "exhausted":
            return None
        raise LimitReached(status, 0, self.stats)

    def solutions(self, limit: Optional[int] = None, time_limit: Optional[float] = None,
                  heuristic: str = "dom/wdeg", seed: int = 0, *, value_order: str = "min",
                  node_limit: Optional[int] = None, fail_limit: Optional[int] = None, trace: bool = False,
                  should_stop: Optional[Callable[[], bool]] = None, **options: int) -> Iterator[Solution]:
        """Every solution (at most ``limit``), each exactly once, as a
        generator. Limits count over the whole enumeration; reaching one
        raises :class:`LimitReached` (with ``count`` = solutions yielded)
        from the generator. Restarts are used until the first solution only,
        so the enumeration is complete. :attr:`stats` (and :attr:`trace`) are
        updated after every solution."""
        if limit is not None:
            limit = _check_int(limit, "limit")
        opts = self._options(heuristic, options.pop("restarts", True), seed, value_order, options)
        search = self._search(time_limit, node_limit, fail_limit, trace, opts)
        count = 0
        while limit is None or count < limit:
            try:
                status, values = self._run(search, search.next, should_stop)
            finally:
                self._finish(search)
            if status == "solution":
                count += 1
                yield Solution(self, values)
            elif status == "exhausted":
                return
            else:
                raise LimitReached(status, count, self.stats)

    def count_solutions(self, limit: Optional[int] = None, time_limit: Optional[float] = None,
                        heuristic: str = "dom/wdeg", seed: int = 0, *, value_order: str = "min",
                        node_limit: Optional[int] = None, fail_limit: Optional[int] = None,
                        should_stop: Optional[Callable[[], bool]] = None, **options: int) -> int:
        """The number of solutions, counting at most ``limit`` (the count
        stops there). Runs entirely in Rust (no Python object per solution).
        A time/node/failure limit or an interrupt raises
        :class:`LimitReached` (with ``count`` = solutions found so far)."""
        if limit is not None:
            limit = _check_int(limit, "limit")
            if limit < 0:
                raise ValueError(f"limit must be >= 0, got {limit}")
        opts = self._options(heuristic, options.pop("restarts", True), seed, value_order, options)
        search = self._search(time_limit, node_limit, fail_limit, False, opts)
        try:
            n, status = self._run(search, lambda: search.count(limit), should_stop)
        finally:
            self._finish(search)
        if status in ("exhausted", "limit"):
            return int(n)
        raise LimitReached(status, int(n), self.stats)

    def interrupt(self) -> None:
        """Stops the searches running on this model (from another thread, a
        signal handler, ...): they raise :class:`LimitReached` with reason
        ``"interrupted"``. No effect when none is running."""
        with self._lock:
            for s in self._running:
                s.interrupt()

    def __repr__(self) -> str:
        return f"Model({len(self.variables)} variables, {self.num_constraints} constraints)"


def _negate_lit(lit: _Lit) -> _Lit:
    return (lit[0], _NEGATED_LIT[lit[1]], lit[2])


class _Posting:
    """Brackets one posting call: records its description and which engine
    constraints it created (for traces), and leaves the index for the caller."""

    def __init__(self, model: Model, description: str) -> None:
        self.model = model
        self.description = description

    def __enter__(self) -> int:
        return len(self.model._descriptions)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        m = self.model
        index = len(m._descriptions)
        made = m._core.num_constraints() - len(m._origin)
        if exc_type is None or made:
            # Engine constraints made before an error stay (auxiliary
            # definitions: functions of other variables, harmless alone).
            m._descriptions.append(self.description)
            m._origin.extend([index] * made)
        if exc_type is ValueError:
            # Name the constraint as the user knows it (the engine numbers its own).
            msg = _ENGINE_PREFIX.sub("", str(exc))
            what = self.description if len(self.description) <= 80 else self.description[:77] + "..."
            raise ValueError(f"constraint {index} ({what}): {msg}") from None


_ENGINE_PREFIX = re.compile(r"^constraint \d+ \([^)]*\): ")


def _with_stop_callback(search: "_core.CspSearch", step: Callable[[], Any],
                        should_stop: Callable[[], bool]) -> Any:
    """Runs ``step`` while a thread polls ``should_stop`` and interrupts the
    search when it returns true."""
    done = threading.Event()
    error: List[BaseException] = []

    def poll() -> None:
        while not done.wait(0.05):
            try:
                if should_stop():
                    search.interrupt()
                    return
            except BaseException as e:  # re-raised in the caller
                error.append(e)
                search.interrupt()
                return

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    try:
        result = step()
    finally:
        done.set()
        t.join()
    if error:
        raise error[0]
    return result
