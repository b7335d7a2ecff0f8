"""Satisfiable formula families for training and evaluating phase priors.

A phase predictor that only ever sees random 3-SAT learns to count literal
polarities. These generators give it structure to learn instead: cardinality
counters, one-hot encodings with symmetry breaking, planning frame axioms,
Tseitin-encoded circuits and arithmetic. Every family except uniform random
3-SAT is satisfiable by construction and returns the satisfying assignment it
was built around (``Formula.planted``), so a generator bug that makes a
formula UNSAT shows up as a planted assignment that falsifies a clause.

Determinism: a generator draws every random choice from the
``numpy.random.Generator`` it is given, in a fixed order, and nothing else
(no global state, no set or dict iteration over unordered keys), so
:func:`generate` with the same family, scale and seed returns the same
formula on every platform numpy supports.

Representation: a :class:`Formula` stores its clauses flat, as the solver
and the ``.npz`` shards take them: ``lits`` (int32 DIMACS literals) and
``offsets`` (int64, ``num_clauses + 1`` entries; clause ``i`` is
``lits[offsets[i]:offsets[i+1]]``). Variables are ``1 .. num_vars``; a
variable may occur in no clause (it is then free in every model).

Scales: ``"small"`` formulas have 50–450 variables (training; a solver
needs milliseconds, labelling ~0.02–2 s), ``"medium"`` 300–3,200
(held-out evaluation; a solver needs ~0.01–10 s, heavy-tailed). Random
3-SAT stays below 700 variables at "medium": there the backbone
computation, not the solve, is what runs out of time (see
``_make_ksat``). :data:`FAMILIES` maps each family name
to ``make(rng, scale) -> Formula``, which draws the size parameters for the
scale and calls the family's generator; the generators themselves
(:func:`random_ksat`, :func:`planted_ksat`, ...) take explicit sizes.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "Formula",
    "FAMILIES",
    "SCALES",
    "generate",
    "random_ksat",
    "planted_ksat",
    "planted_colouring",
    "planted_clique",
    "blocksworld",
    "random_circuit",
    "factoring",
    "latin_completion",
]

#: Size regimes understood by every family.
SCALES = ("small", "medium")

Params = Dict[str, Any]


@dataclass(frozen=True, eq=False)
class Formula:
    """A CNF formula in flat form, with where it came from.

    ``lits`` (int32) and ``offsets`` (int64, starting at 0, non-decreasing,
    ending at ``len(lits)``) hold the clauses; every literal is non-zero with
    ``|lit| <= num_vars``. ``planted`` is a satisfying assignment known by
    construction (bool per variable, index ``v - 1``), or ``None`` where the
    family has none (uniform random 3-SAT, which may be UNSAT). ``params``
    records the size parameters drawn, for summaries and reproduction.
    """

    num_vars: int
    lits: np.ndarray
    offsets: np.ndarray
    family: str
    params: Params = field(default_factory=dict)
    planted: Optional[np.ndarray] = None

    @property
    def num_clauses(self) -> int:
        return len(self.offsets) - 1

    def clauses(self) -> List[List[int]]:
        """The clauses as lists of ints. Cost: O(size), one list per clause."""
        flat = self.lits.tolist()
        bounds = self.offsets.tolist()
        return [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def planted_model(self) -> Optional[List[int]]:
        """The planted assignment as DIMACS literals ``[±1, ±2, ...]``, or None."""
        if self.planted is None:
            return None
        v = np.arange(1, self.num_vars + 1)
        return np.where(self.planted, v, -v).tolist()

    def same_as(self, other: "Formula") -> bool:
        """Whether both formulas have identical clauses, sizes and planted
        assignments (what determinism promises for equal seeds)."""
        if self.planted is None or other.planted is None:
            same_planted = self.planted is None and other.planted is None
        else:
            same_planted = np.array_equal(self.planted, other.planted)
        return (self.num_vars == other.num_vars and self.family == other.family
                and np.array_equal(self.lits, other.lits)
                and np.array_equal(self.offsets, other.offsets) and same_planted)


class _Builder:
    """Allocates variables and collects clauses in insertion order.

    Clauses arrive either one at a time (:meth:`add`, a Python list) or as a
    block of equal-length clauses (:meth:`add_rows`, a 2-D int array);
    :meth:`build` concatenates them in the order they were given.
    """

    def __init__(self) -> None:
        self.num_vars = 0
        self._flat: List[np.ndarray] = []
        self._lens: List[np.ndarray] = []
        self._pending: List[List[int]] = []

    def new_vars(self, *shape: int) -> np.ndarray:
        """Fresh variables ``num_vars + 1 ...`` in an int64 array of ``shape``."""
        count = int(np.prod(shape)) if shape else 1
        ids = np.arange(self.num_vars + 1, self.num_vars + 1 + count, dtype=np.int64)
        self.num_vars += count
        return ids.reshape(shape) if shape else ids

    def add(self, clause: Sequence[int]) -> None:
        self._pending.append([int(lit) for lit in clause])

    def add_rows(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        self._flush()
        self._flat.append(rows.reshape(-1))
        self._lens.append(np.full(rows.shape[0], rows.shape[1], dtype=np.int64))

    def _flush(self) -> None:
        if self._pending:
            self._flat.append(np.fromiter(itertools.chain.from_iterable(self._pending), dtype=np.int64))
            self._lens.append(np.fromiter((len(c) for c in self._pending), dtype=np.int64,
                                          count=len(self._pending)))
            self._pending = []

    def build(self, family: str, params: Params, planted: Optional[np.ndarray]) -> Formula:
        self._flush()
        lits = np.concatenate(self._flat) if self._flat else np.zeros(0, dtype=np.int64)
        lens = np.concatenate(self._lens) if self._lens else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        assert lits.size == 0 or (np.abs(lits).max() <= self.num_vars and lits.min() != 0 and lits.all())
        if planted is not None:
            planted = np.asarray(planted, dtype=bool)
            assert planted.shape == (self.num_vars,)
        return Formula(self.num_vars, lits.astype(np.int32), offsets, family, params, planted)


def _exactly_one(b: _Builder, groups: np.ndarray) -> None:
    """Each row of ``groups`` (variables) has exactly one true: one
    at-least-one clause per row and pairwise at-most-one clauses."""
    b.add_rows(groups)
    width = groups.shape[1]
    for i in range(width):
        for j in range(i + 1, width):
            b.add_rows(np.stack([-groups[:, i], -groups[:, j]], axis=1))


def _pairs(n: int) -> Tuple[np.ndarray, np.ndarray]:
    """All node pairs ``u < v`` of an n-node graph, in row-major order."""
    return np.triu_indices(n, 1)


# --------------------------------------------------------------------------
# random 3-SAT, uniform and planted
# --------------------------------------------------------------------------


def _distinct_vars(rng: np.random.Generator, num_vars: int, num_clauses: int, k: int) -> np.ndarray:
    """``num_clauses`` rows of ``k`` distinct variables drawn uniformly."""
    rows = rng.integers(1, num_vars + 1, size=(num_clauses, k))
    while True:
        s = np.sort(rows, axis=1)
        bad = np.flatnonzero((s[:, 1:] == s[:, :-1]).any(axis=1))
        if bad.size == 0:
            return rows
        rows[bad] = rng.integers(1, num_vars + 1, size=(bad.size, k))


def random_ksat(rng: np.random.Generator, num_vars: int, num_clauses: int, k: int = 3) -> Formula:
    """Uniform random k-SAT: each clause has k distinct variables, each
    negated with probability 1/2. No planted assignment: below the
    threshold (clause/variable ratio ~4.27 for k = 3) it is satisfiable with
    high probability, but not always; the labeller discards UNSAT ones.
    Requires ``num_vars >= k``."""
    b = _Builder()
    b.new_vars(num_vars)
    rows = _distinct_vars(rng, num_vars, num_clauses, k)
    signs = np.where(rng.random((num_clauses, k)) < 0.5, -1, 1)
    b.add_rows(rows * signs)
    return b.build("ksat", {"num_vars": num_vars, "num_clauses": num_clauses, "k": k}, None)


def balanced_q(k: int) -> float:
    """The q of q-hidden planting (Jia, Moore and Strain, "Generating hard
    satisfiable formulas by hiding solutions deceptively", AAAI 2005) at
    which every variable occurs as often agreeing with the hidden assignment
    as disagreeing, in expectation: the root in (0, 1) of
    ``sum_{t>=1} C(k,t) q^t (2t - k)``. For k = 3 it is (sqrt(5) - 1) / 2."""
    def excess(q: float) -> float:
        return sum(math.comb(k, t) * q**t * (2 * t - k) for t in range(1, k + 1))

    lo, hi = 1e-9, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if excess(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def planted_ksat(rng: np.random.Generator, num_vars: int, num_clauses: int, k: int = 3,
                 q: Optional[float] = None) -> Formula:
    """Random k-SAT with a hidden satisfying assignment, q-hidden style.

    Each clause is drawn among those the hidden assignment satisfies, with
    probability proportional to ``q**t`` where ``t`` is the number of its
    literals the assignment makes true. With the default ``q =
    balanced_q(k)`` every literal occurs as often positively as negatively
    in expectation, so the polarity counts do not give the hidden assignment
    away (naive planting, q = 1, does). Above the threshold the models
    cluster around the hidden one and the backbone is large."""
    if q is None:
        q = balanced_q(k)
    sigma = rng.random(num_vars) < 0.5
    weights = np.array([math.comb(k, t) * q**t for t in range(1, k + 1)])
    true_count = rng.choice(np.arange(1, k + 1), size=num_clauses, p=weights / weights.sum())
    ranks = np.argsort(rng.random((num_clauses, k)), axis=1)
    agrees = ranks < true_count[:, None]  # a random t-subset of positions is true
    rows = _distinct_vars(rng, num_vars, num_clauses, k)
    positive_when_true = np.where(sigma[rows - 1], 1, -1)
    b = _Builder()
    b.new_vars(num_vars)
    b.add_rows(rows * np.where(agrees, positive_when_true, -positive_when_true))
    params = {"num_vars": num_vars, "num_clauses": num_clauses, "k": k, "q": round(q, 4)}
    return b.build("ksat-planted", params, sigma)


# --------------------------------------------------------------------------
# graph colouring
# --------------------------------------------------------------------------

#: Average degree at which a random graph stops being k-colourable (k = 3,
#: 4, 5; Achlioptas and Moore; Krzakala and Zdeborova). Planted instances are
#: hardest around it and frozen (large backbones) above it.
_COLOURING_THRESHOLD = {3: 4.69, 4: 8.90, 5: 13.69}


def planted_colouring(rng: np.random.Generator, num_nodes: int, colours: int, avg_degree: float,
                      geometric: bool = False, extra_precoloured: float = 0.0) -> Formula:
    """Graph k-colouring with a planted colouring.

    Nodes get random colours; edges are drawn only between differently
    coloured nodes, uniformly (G(n, p)) or, with ``geometric``, between
    nodes closer than a radius in the unit square, with the expected
    degree ``avg_degree``. Encoding: variable ``x[v, c]`` says node v has
    colour c; exactly one colour per node (at-least-one plus pairwise
    at-most-one), and adjacent nodes differ in every colour. Colour
    permutations would make every model one of k! equivalent ones and leave
    no backbone, so one node of each colour is precoloured (a unit clause),
    plus a further ``extra_precoloured`` fraction of the nodes."""
    k = colours
    colour = rng.integers(0, k, size=num_nodes)
    u, v = _pairs(num_nodes)
    bichromatic = colour[u] != colour[v]
    pair_fraction = 1.0 - 1.0 / k
    if geometric:
        points = rng.random((num_nodes, 2))
        radius = math.sqrt(avg_degree / (math.pi * max(num_nodes - 1, 1) * pair_fraction))
        dist2 = ((points[u] - points[v]) ** 2).sum(axis=1)
        keep = bichromatic & (dist2 < radius * radius)
    else:
        p = min(1.0, avg_degree / (max(num_nodes - 1, 1) * pair_fraction))
        keep = bichromatic & (rng.random(u.size) < p)
    eu, ev = u[keep], v[keep]

    b = _Builder()
    x = b.new_vars(num_nodes, k)
    _exactly_one(b, x)
    for c in range(k):
        b.add_rows(np.stack([-x[eu, c], -x[ev, c]], axis=1))
    precoloured = set()
    for c in range(k):
        members = np.flatnonzero(colour == c)
        if members.size:
            precoloured.add(int(members[rng.integers(members.size)]))
    extra = rng.random(num_nodes) < extra_precoloured
    precoloured.update(np.flatnonzero(extra).tolist())
    nodes = np.array(sorted(precoloured), dtype=np.int64)
    b.add_rows(x[nodes, colour[nodes]][:, None])

    planted = (colour[:, None] == np.arange(k)[None, :]).reshape(-1)
    params = {"num_nodes": num_nodes, "colours": k, "edges": int(eu.size),
              "graph": "geometric" if geometric else "gnp", "precoloured": len(nodes)}
    return b.build("colouring", params, planted)


# --------------------------------------------------------------------------
# clique
# --------------------------------------------------------------------------


def _at_least_counter(b: _Builder, xs: Sequence[int], k: int,
                      values: Sequence[bool]) -> Tuple[int, Dict[int, bool]]:
    """Sequential counter with full definitions: ``s[i][j]`` is true iff at
    least j of the first i inputs are true (Sinz's counter, with both
    directions so that every counter variable is a function of the inputs;
    the one-way version leaves counter variables free and their labels
    noise). ``s[i][0]`` is the constant true and ``s[i][j > i]`` false, so
    only ``1 <= j <= min(i, k)`` get variables.

    Returns the variable of ``s[n][k]`` (the caller asserts it) and every
    counter variable's value when the inputs take ``values``.
    """
    prev: Dict[int, int] = {}  # j -> s[i-1][j]
    count = 0
    planted: Dict[int, bool] = {}
    for i, (x, value) in enumerate(zip(xs, values), start=1):
        count += bool(value)
        row: Dict[int, int] = {}
        for j in range(1, min(i, k) + 1):
            s = int(b.new_vars(1)[0])
            a = prev.get(j)  # s[i-1][j]; None: constant false (j > i-1)
            c = prev.get(j - 1)  # s[i-1][j-1]; None: constant true (j = 1)
            # s <-> a | (c & x)
            if a is not None:
                b.add([-a, s])
            b.add([-x, s] if c is None else [-c, -x, s])
            if c is not None:
                b.add([-s, c] if a is None else [-s, a, c])
            b.add([-s, x] if a is None else [-s, a, x])
            row[j] = s
            planted[s] = count >= j
        prev = row
    return prev[k], planted


def planted_clique(rng: np.random.Generator, num_nodes: int, clique_size: int,
                   edge_prob: float) -> Formula:
    """Find a clique of at least ``clique_size`` nodes in a G(n, p) graph with
    one planted.

    Encoding: ``y[v]`` says node v is in the clique; non-adjacent nodes are
    not both in it (a binary clause per non-edge); a sequential counter with
    full definitions asserts that at least ``clique_size`` of the ``y`` are
    true. Where the planted clique is the graph's only one of that size,
    the whole formula is backbone; where ``edge_prob`` is high enough for
    natural cliques of that size, the backbone shrinks. Requires
    ``num_nodes >= clique_size >= 2``."""
    members = np.sort(rng.choice(num_nodes, size=clique_size, replace=False))
    in_clique = np.zeros(num_nodes, dtype=bool)
    in_clique[members] = True
    u, v = _pairs(num_nodes)
    edge = (rng.random(u.size) < edge_prob) | (in_clique[u] & in_clique[v])

    b = _Builder()
    y = b.new_vars(num_nodes)
    b.add_rows(np.stack([-y[u[~edge]], -y[v[~edge]]], axis=1))
    final, counter_values = _at_least_counter(b, y.tolist(), clique_size, in_clique.tolist())
    b.add([final])
    planted = np.zeros(b.num_vars, dtype=bool)
    planted[: num_nodes] = in_clique
    for var, value in counter_values.items():
        planted[var - 1] = value
    params = {"num_nodes": num_nodes, "clique_size": clique_size, "edge_prob": round(edge_prob, 4),
              "edges": int(edge.sum())}
    return b.build("clique", params, planted)


def _clique_edge_prob(num_nodes: int, clique_size: int, expected_natural: float) -> float:
    """The edge probability at which G(n, p) has ``expected_natural``
    cliques of ``clique_size`` nodes in expectation: C(n,k) p^C(k,2) = E."""
    log_p = (math.log(expected_natural) - math.log(math.comb(num_nodes, clique_size))) / math.comb(clique_size, 2)
    return min(0.95, math.exp(log_p))


# --------------------------------------------------------------------------
# planning: blocks world as STRIPS, linear-time encoding
# --------------------------------------------------------------------------


@dataclass
class _Action:
    name: str
    pre: Tuple[int, ...]
    add: Tuple[int, ...]
    delete: Tuple[int, ...]


def _blocks_world_domain(blocks: int) -> Tuple[List[str], List[_Action]]:
    """Fluents and the four classic operators (pickup, putdown, stack,
    unstack) of blocks world with one hand, as STRIPS with indices."""
    fluents: List[str] = []
    index: Dict[str, int] = {}

    def fluent(name: str) -> int:
        index[name] = len(fluents)
        fluents.append(name)
        return index[name]

    for x in range(blocks):
        for y in range(blocks):
            if x != y:
                fluent(f"on({x},{y})")
    for x in range(blocks):
        fluent(f"ontable({x})")
        fluent(f"clear({x})")
        fluent(f"holding({x})")
    fluent("handempty")
    f = index.__getitem__
    actions: List[_Action] = []
    for x in range(blocks):
        actions.append(_Action(f"pickup({x})", (f(f"clear({x})"), f(f"ontable({x})"), f("handempty")),
                               (f(f"holding({x})"),),
                               (f(f"clear({x})"), f(f"ontable({x})"), f("handempty"))))
        actions.append(_Action(f"putdown({x})", (f(f"holding({x})"),),
                               (f(f"clear({x})"), f(f"ontable({x})"), f("handempty")),
                               (f(f"holding({x})"),)))
        for y in range(blocks):
            if x == y:
                continue
            actions.append(_Action(f"stack({x},{y})", (f(f"holding({x})"), f(f"clear({y})")),
                                   (f(f"on({x},{y})"), f(f"clear({x})"), f("handempty")),
                                   (f(f"holding({x})"), f(f"clear({y})"))))
            actions.append(_Action(f"unstack({x},{y})", (f(f"on({x},{y})"), f(f"clear({x})"), f("handempty")),
                                   (f(f"holding({x})"), f(f"clear({y})")),
                                   (f(f"on({x},{y})"), f(f"clear({x})"), f("handempty"))))
    return fluents, actions


def _random_towers(rng: np.random.Generator, blocks: int, fluents: List[str]) -> np.ndarray:
    """A random blocks-world state with the hand empty: blocks in random
    order, cut into towers at random points."""
    index = {name: i for i, name in enumerate(fluents)}
    state = np.zeros(len(fluents), dtype=bool)
    order = rng.permutation(blocks)
    cuts = rng.random(blocks) < 0.4
    for pos, x in enumerate(order):
        if pos == 0 or cuts[pos]:
            state[index[f"ontable({x})"]] = True
        else:
            state[index[f"on({x},{order[pos - 1]})"]] = True
        if pos == blocks - 1 or cuts[pos + 1]:
            state[index[f"clear({x})"]] = True
    state[index["handempty"]] = True
    return state


def blocksworld(rng: np.random.Generator, blocks: int, plan_length: int, slack: int = 0) -> Formula:
    """Blocks-world planning as SAT, with a plan known to exist.

    A random start state, a random walk of ``plan_length`` actions (which
    must be even: with one hand, every pick-up is followed by a put-down),
    and as goal the towers where the walk ends (the ``on``/``ontable``
    fluents true there). The horizon is ``plan_length + slack`` steps; a
    shorter plan usually exists too, so the backbone is partial.

    Encoding (Kautz and Selman's linear encoding, parallel steps): a
    variable per fluent per time 0..T and per action per step 0..T-1; the
    start state in full and the goal as unit clauses; an action implies its
    preconditions at its step and its effects at the next; explanatory frame
    axioms (a fluent changes only if an action at that step changes it);
    interfering actions (one deletes another's precondition or add effect)
    are mutually exclusive. Steps may be empty."""
    if plan_length % 2:
        raise ValueError(f"plan_length must be even (one hand), got {plan_length}")
    fluents, actions = _blocks_world_domain(blocks)
    state = _random_towers(rng, blocks, fluents)
    states = [state]
    chosen: List[int] = []
    pre = [np.array(a.pre) for a in actions]
    for step in range(plan_length):
        applicable = [i for i, a in enumerate(actions) if state[pre[i]].all()]
        if chosen and len(applicable) > 1:
            # Do not undo the previous action at once: a walk that only
            # ever flips one block back and forth plans nothing.
            last = actions[chosen[-1]]
            applicable = [i for i in applicable
                          if set(actions[i].add) != set(last.delete) or set(actions[i].delete) != set(last.add)]
        pick = applicable[int(rng.integers(len(applicable)))]
        state = state.copy()
        state[list(actions[pick].delete)] = False
        state[list(actions[pick].add)] = True
        chosen.append(pick)
        states.append(state)
    horizon = plan_length + slack
    while len(states) < horizon + 1:
        states.append(states[-1])
    goal = [i for i, name in enumerate(fluents)
            if (name.startswith("on(") or name.startswith("ontable(")) and state[i]]

    num_f, num_a = len(fluents), len(actions)
    b = _Builder()
    F = b.new_vars(horizon + 1, num_f)
    A = b.new_vars(horizon, num_a)
    b.add_rows(np.where(states[0], F[0], -F[0])[:, None])
    b.add_rows(F[horizon, goal][:, None])
    adders: List[List[int]] = [[] for _ in range(num_f)]
    deleters: List[List[int]] = [[] for _ in range(num_f)]
    for i, a in enumerate(actions):
        for p in a.add:
            adders[p].append(i)
        for p in a.delete:
            deleters[p].append(i)
    mutex = [(i, j) for i in range(num_a) for j in range(i + 1, num_a)
             if set(actions[i].delete) & set(actions[j].pre + actions[j].add)
             or set(actions[j].delete) & set(actions[i].pre + actions[i].add)]
    mi = np.array([m[0] for m in mutex], dtype=np.int64)
    mj = np.array([m[1] for m in mutex], dtype=np.int64)
    for t in range(horizon):
        for i, a in enumerate(actions):
            act = int(A[t, i])
            for p in a.pre:
                b.add([-act, int(F[t, p])])
            for p in a.add:
                b.add([-act, int(F[t + 1, p])])
            for p in a.delete:
                b.add([-act, -int(F[t + 1, p])])
        for p in range(num_f):
            now, nxt = int(F[t, p]), int(F[t + 1, p])
            b.add([now, -nxt] + [int(A[t, i]) for i in adders[p]])
            b.add([-now, nxt] + [int(A[t, i]) for i in deleters[p]])
        b.add_rows(np.stack([-A[t, mi], -A[t, mj]], axis=1))

    planted = np.zeros(b.num_vars, dtype=bool)
    for t, s in enumerate(states):
        planted[F[t] - 1] = s
    for t, action in enumerate(chosen):
        planted[A[t, action] - 1] = True
    params = {"blocks": blocks, "plan_length": plan_length, "horizon": horizon}
    return b.build("blocksworld", params, planted)


# --------------------------------------------------------------------------
# circuits: Tseitin encodings with values from a hidden input
# --------------------------------------------------------------------------


class _Circuit:
    """Tseitin-encodes gates into a :class:`_Builder` and evaluates them on
    the hidden input at the same time, so that every wire has a planted
    value. Wires are DIMACS literals (a negative literal is an inverted
    wire)."""

    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.value: Dict[int, bool] = {}

    def val(self, lit: int) -> bool:
        return self.value[abs(lit)] != (lit < 0)

    def inputs(self, values: Sequence[bool]) -> List[int]:
        wires = self.b.new_vars(len(values)).tolist()
        for w, v in zip(wires, values):
            self.value[w] = bool(v)
        return wires

    def _gate(self, value: bool, clauses: Callable[[int], List[List[int]]]) -> int:
        z = int(self.b.new_vars(1)[0])
        self.value[z] = value
        for c in clauses(z):
            self.b.add(c)
        return z

    def and_(self, a: int, c: int) -> int:
        return self._gate(self.val(a) and self.val(c),
                          lambda z: [[-z, a], [-z, c], [z, -a, -c]])

    def or_(self, a: int, c: int) -> int:
        return self._gate(self.val(a) or self.val(c),
                          lambda z: [[z, -a], [z, -c], [-z, a, c]])

    def xor(self, a: int, c: int) -> int:
        return self._gate(self.val(a) != self.val(c),
                          lambda z: [[-z, a, c], [-z, -a, -c], [z, -a, c], [z, a, -c]])

    def majority(self, a: int, c: int, d: int) -> int:
        return self._gate(self.val(a) + self.val(c) + self.val(d) >= 2,
                          lambda z: [[-z, a, c], [-z, a, d], [-z, c, d],
                                     [z, -a, -c], [z, -a, -d], [z, -c, -d]])

    def fix(self, wire: int) -> None:
        """Asserts ``wire`` at its planted value (a unit clause)."""
        self.b.add([wire if self.val(wire) else -wire])

    def planted(self) -> np.ndarray:
        out = np.zeros(self.b.num_vars, dtype=bool)
        for var, value in self.value.items():
            out[var - 1] = value
        return out


def random_circuit(rng: np.random.Generator, num_inputs: int, num_gates: int, num_outputs: int,
                   xor_fraction: float = 0.2, locality: int = 16) -> Formula:
    """Inverting a random circuit: find an input that gives its outputs.

    Gates are AND, OR (inputs inverted at random) and XOR (with probability
    ``xor_fraction``), each reading two earlier wires, one of them from the
    last ``locality`` wires so that the circuit is deep rather than a wide
    layer. The outputs are gates that feed nothing (and, to make up
    ``num_outputs``, random others), fixed by unit clauses to their values
    under a hidden random input. With fewer outputs than inputs many inputs
    fit and the backbone is partial; with more it tends to be total."""
    b = _Builder()
    circuit = _Circuit(b)
    wires = circuit.inputs((rng.random(num_inputs) < 0.5).tolist())
    fanout = {w: 0 for w in wires}
    for _ in range(num_gates):
        near = wires[-min(locality, len(wires)):]
        a = near[int(rng.integers(len(near)))]
        c = wires[int(rng.integers(len(wires)))]
        while c == a:
            c = wires[int(rng.integers(len(wires)))]
        kind = rng.random()
        inv_a, inv_c = rng.random(2) < 0.5
        a_lit, c_lit = (-a if inv_a else a), (-c if inv_c else c)
        if kind < xor_fraction:
            z = circuit.xor(a, c)
        elif kind < xor_fraction + (1 - xor_fraction) / 2:
            z = circuit.and_(a_lit, c_lit)
        else:
            z = circuit.or_(a_lit, c_lit)
        fanout[a] += 1
        fanout[c] += 1
        fanout[z] = 0
        wires.append(z)
    gates = wires[num_inputs:]
    sinks = [w for w in gates if fanout[w] == 0]
    others = [w for w in gates if fanout[w] > 0]
    outputs = sinks[-num_outputs:] if len(sinks) >= num_outputs else sinks
    if len(outputs) < num_outputs and others:
        extra = rng.choice(len(others), size=min(num_outputs - len(outputs), len(others)), replace=False)
        outputs = outputs + [others[int(i)] for i in sorted(extra)]
    for w in outputs:
        circuit.fix(w)
    params = {"num_inputs": num_inputs, "num_gates": num_gates, "num_outputs": len(outputs),
              "xor_fraction": round(xor_fraction, 3)}
    return b.build("circuit", params, circuit.planted())


def factoring(rng: np.random.Generator, bits_a: int, bits_b: int) -> Formula:
    """Factoring: find a (``bits_a`` bits) and b (``bits_b`` bits) whose
    product is N = a*b for random a, b with their top bit set.

    Encoding: an array multiplier (AND gates for the partial products,
    ripple-carry rows of full adders built from XOR and majority gates),
    Tseitin-encoded, with the product bits fixed to N's. Other factor pairs
    of N that fit the widths are models too (1 * N does not fit)."""
    a_val = int(rng.integers(1 << (bits_a - 1), 1 << bits_a))
    b_val = int(rng.integers(1 << (bits_b - 1), 1 << bits_b))
    product = a_val * b_val
    b = _Builder()
    circuit = _Circuit(b)
    a_bits = circuit.inputs([(a_val >> i) & 1 == 1 for i in range(bits_a)])
    b_bits = circuit.inputs([(b_val >> i) & 1 == 1 for i in range(bits_b)])
    acc: List[Optional[int]] = [circuit.and_(a, b_bits[0]) for a in a_bits]
    for j in range(1, bits_b):
        row: List[Optional[int]] = [None] * j + [circuit.and_(a, b_bits[j]) for a in a_bits]
        acc = _ripple_add(circuit, acc, row)
    width = bits_a + bits_b
    for i in range(width):
        wire = acc[i] if i < len(acc) else None
        if wire is None:
            continue  # a constant 0 wire: product bit i is 0 by construction
        circuit.fix(wire)
    assert sum(circuit.val(w) << i for i, w in enumerate(acc) if w is not None) == product
    params = {"bits_a": bits_a, "bits_b": bits_b, "product": product}
    return b.build("factoring", params, circuit.planted())


def _ripple_add(circuit: _Circuit, xs: List[Optional[int]], ys: List[Optional[int]]) -> List[Optional[int]]:
    """Bits (LSB first, None for a constant 0) of xs + ys, one longer."""
    width = max(len(xs), len(ys))
    out: List[Optional[int]] = []
    carry: Optional[int] = None
    for i in range(width):
        terms = [w for w in (xs[i] if i < len(xs) else None, ys[i] if i < len(ys) else None, carry)
                 if w is not None]
        if not terms:
            out.append(None)
            carry = None
        elif len(terms) == 1:
            out.append(terms[0])
            carry = None
        elif len(terms) == 2:
            out.append(circuit.xor(terms[0], terms[1]))
            carry = circuit.and_(terms[0], terms[1])
        else:
            out.append(circuit.xor(circuit.xor(terms[0], terms[1]), terms[2]))
            carry = circuit.majority(terms[0], terms[1], terms[2])
    out.append(carry)
    return out


# --------------------------------------------------------------------------
# Latin square completion
# --------------------------------------------------------------------------


def latin_completion(rng: np.random.Generator, order: int, hole_fraction: float) -> Formula:
    """Complete a partial Latin square (quasigroup with holes).

    The hidden square is the cyclic one ``(r + c) mod n`` with rows, columns
    and symbols permuted at random (so all squares drawn are isotopic to a
    cyclic group table: uniform Latin squares need Jacobson-Matthews
    walks). A ``hole_fraction`` of the cells is erased; the rest are unit
    clauses. Encoding: ``x[r, c, s]``; every cell, every row-symbol and
    every column-symbol pair exactly once."""
    n = order
    rows, cols, syms = rng.permutation(n), rng.permutation(n), rng.permutation(n)
    square = syms[(rows[:, None] + cols[None, :]) % n]
    b = _Builder()
    x = b.new_vars(n, n, n)
    _exactly_one(b, x.reshape(n * n, n))  # each cell one symbol
    _exactly_one(b, x.transpose(0, 2, 1).reshape(n * n, n))  # each row has each symbol once
    _exactly_one(b, x.transpose(1, 2, 0).reshape(n * n, n))  # each column too
    given = rng.random((n, n)) >= hole_fraction
    r, c = np.nonzero(given)
    b.add_rows(x[r, c, square[r, c]][:, None])
    planted = (square[:, :, None] == np.arange(n)[None, None, :]).reshape(-1)
    params = {"order": n, "holes": int((~given).sum())}
    return b.build("latin", params, planted)


# --------------------------------------------------------------------------
# the registry: size parameters per scale
# --------------------------------------------------------------------------


def _check_scale(scale: str) -> bool:
    """True for "small", False for "medium"; ValueError for anything else."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    return scale == "small"


def _uniform_int(rng: np.random.Generator, lo: int, hi: int) -> int:
    """An int drawn uniformly from ``[lo, hi]`` (both included)."""
    return int(rng.integers(lo, hi + 1))


def _make_ksat(rng: np.random.Generator, scale: str) -> Formula:
    """uniform random 3-SAT, ratio 3.6-4.2 (small) / 3.5-3.8 (medium); may be UNSAT"""
    small = _check_scale(scale)
    # Labelling, not solving, bounds the sizes: near the threshold a model
    # takes the solver ~0.05 s at n = 500, but the backbone computation
    # (one hard solve per candidate) runs past 20 s from n ~ 300 at ratio
    # 4.05 and n ~ 500 at 3.9 (measured with fastback.sat.backbone).
    n = _uniform_int(rng, 100, 250) if small else _uniform_int(rng, 400, 700)
    ratio = rng.uniform(3.6, 4.2) if small else rng.uniform(3.5, 3.8)
    return random_ksat(rng, n, int(round(ratio * n)))


def _make_ksat_planted(rng: np.random.Generator, scale: str) -> Formula:
    """planted 3-SAT, polarity-balanced (q-hidden), ratio 4.2-6 (small) / 6.5-8.5 (medium)"""
    small = _check_scale(scale)
    # q-hidden formulas are deceptive: solve times are heavy-tailed at any
    # ratio, and their backbones (nearly every variable) need an UNSAT
    # proof per variable: past n ~ 500 that takes over 20 s even at ratio 8.
    n = _uniform_int(rng, 100, 250) if small else _uniform_int(rng, 300, 500)
    ratio = rng.uniform(4.2, 6.0) if small else rng.uniform(6.5, 8.5)
    return planted_ksat(rng, n, int(round(ratio * n)))


def _make_colouring(rng: np.random.Generator, scale: str) -> Formula:
    """planted 3-5 colouring of G(n,p) or geometric graphs, precoloured nodes"""
    small = _check_scale(scale)
    k = _uniform_int(rng, 3, 5)
    nodes = _uniform_int(rng, 60 // k, 300 // k) if small else _uniform_int(rng, 500 // k, 3000 // k)
    # Medium stays near the threshold, where G(n, p) instances take the
    # solver 0.1-10 s; geometric graphs are easy at any degree.
    degree = _COLOURING_THRESHOLD[k] * (rng.uniform(0.7, 1.5) if small else rng.uniform(0.85, 1.3))
    geometric = bool(rng.random() < (0.5 if small else 0.3))
    return planted_colouring(rng, nodes, k, degree, geometric, extra_precoloured=rng.uniform(0.0, 0.1))


def _make_clique(rng: np.random.Generator, scale: str) -> Formula:
    """planted k-clique in G(n,p), vertex variables plus a sequential counter"""
    small = _check_scale(scale)
    n = _uniform_int(rng, 20, 40) if small else _uniform_int(rng, 80, 200)
    k = _uniform_int(rng, 4, 7) if small else _uniform_int(rng, 6, 12)
    expected_natural = math.exp(rng.uniform(math.log(0.03), math.log(3.0)))
    return planted_clique(rng, n, k, _clique_edge_prob(n, k, expected_natural))


def _make_blocksworld(rng: np.random.Generator, scale: str) -> Formula:
    """blocks-world planning, horizon from a random walk (frame axioms, mutexes)"""
    small = _check_scale(scale)
    blocks = _uniform_int(rng, 3, 4) if small else _uniform_int(rng, 6, 8)
    steps = _uniform_int(rng, 2, 4 if blocks == 3 else 3) if small else _uniform_int(rng, 4, 7)
    return blocksworld(rng, blocks, 2 * steps, slack=_uniform_int(rng, 0, 1))


def _make_circuit(rng: np.random.Generator, scale: str) -> Formula:
    """inverting a random AND/OR/XOR circuit, outputs fixed from a hidden input"""
    small = _check_scale(scale)
    inputs = _uniform_int(rng, 10, 30) if small else _uniform_int(rng, 40, 120)
    gates = _uniform_int(rng, 40, 250) if small else _uniform_int(rng, 500, 2800)
    outputs = max(1, int(round(inputs * rng.uniform(0.3, 1.5))))
    # XOR-rich circuits are the hard ones to invert (AND/OR outputs
    # propagate back to the inputs at once).
    xor_fraction = rng.uniform(0.05, 0.3) if small else rng.uniform(0.3, 0.5)
    return random_circuit(rng, inputs, gates, outputs, xor_fraction=xor_fraction)


def _make_factoring(rng: np.random.Generator, scale: str) -> Formula:
    """factoring a product of two random numbers through an array multiplier"""
    small = _check_scale(scale)
    lo, hi = (4, 8) if small else (14, 19)
    return factoring(rng, _uniform_int(rng, lo, hi), _uniform_int(rng, lo, hi))


def _make_latin(rng: np.random.Generator, scale: str) -> Formula:
    """Latin-square completion (quasigroup with holes), 40-85% holes"""
    small = _check_scale(scale)
    order = _uniform_int(rng, 4, 6) if small else _uniform_int(rng, 9, 14)
    return latin_completion(rng, order, rng.uniform(0.4, 0.75 if small else 0.85))


#: Family name -> ``make(rng, scale) -> Formula``. Each ``make`` checks the
#: scale (ValueError), draws the sizes for it from ``rng`` and generates;
#: its docstring is the one-line description ``fastback neuro
#: list-families`` prints.
FAMILIES: Dict[str, Callable[[np.random.Generator, str], Formula]] = {
    "ksat": _make_ksat,
    "ksat-planted": _make_ksat_planted,
    "colouring": _make_colouring,
    "clique": _make_clique,
    "blocksworld": _make_blocksworld,
    "circuit": _make_circuit,
    "factoring": _make_factoring,
    "latin": _make_latin,
}


def generate(family: str, scale: str, seed: int) -> Formula:
    """The formula of ``family`` at ``scale`` for ``seed`` (an int >= 0):
    the same arguments give the same formula. Errors: ``KeyError`` naming
    the known families for an unknown one, ``ValueError`` for a bad scale.
    Cost: milliseconds at "small", up to ~1 s at "medium"."""
    try:
        make = FAMILIES[family]
    except KeyError:
        raise KeyError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}") from None
    return make(np.random.default_rng(seed), scale)
