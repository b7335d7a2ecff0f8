"""The NeuroBack graph of a CNF formula, built in Rust, as numpy arrays.

One node per variable (node ``v - 1`` for variable ``v``), per clause (node
``num_vars + i`` for clause ``i``) and per connected component of the
variable–clause graph (the meta nodes, after the clauses). Edges are stored in
both directions: variable–clause edges typed 0 (positive literal) or 1
(negative), clause–meta edges typed 2. The six node features are the node kind
(one-hot: variable, clause, meta), ``ln(1 + degree)``, a variable's polarity
balance ``(pos - neg) / (pos + neg)`` and a clause's ``1 / length``. The exact
specification is the module doc of ``rust/fastback-core/src/graph``.

Building is linear in the formula size (about a second for a million clauses,
see ``benches/neuro.py``); no torch is needed unless :meth:`Graph.to_pyg` is
called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, Union

import numpy as np

from fastback import _core

Formula = Union["_core.Cnf", Any]


@dataclass(frozen=True)
class Graph:
    """Node features ``x`` (float32 ``[N, 6]``), ``edge_index`` (int64 ``[2, E]``,
    source row then destination row) and ``edge_type`` (int64 ``[E]``)."""

    x: np.ndarray
    edge_index: np.ndarray
    edge_type: np.ndarray
    num_vars: int
    num_clauses: int
    num_meta: int

    @property
    def num_nodes(self) -> int:
        return self.num_vars + self.num_clauses + self.num_meta

    @property
    def num_edges(self) -> int:
        return int(self.edge_type.shape[0])

    def to_pyg(self) -> Any:
        """A ``torch_geometric.data.Data`` with ``x``, ``edge_index``,
        ``edge_type``, ``edge_attr`` (one-hot edge type) and ``var_mask``.
        Needs the ``gnn`` extra."""
        import warnings

        import torch
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # torch.jit use inside torch-geometric
            from torch_geometric.data import Data

        var_mask = torch.zeros(self.num_nodes, dtype=torch.bool)
        var_mask[: self.num_vars] = True
        edge_type = torch.from_numpy(self.edge_type)
        return Data(x=torch.from_numpy(self.x), edge_index=torch.from_numpy(self.edge_index),
                    edge_type=edge_type,
                    edge_attr=torch.nn.functional.one_hot(edge_type, 3).float(),
                    var_mask=var_mask, num_nodes=self.num_nodes)


def flatten(formula: Any) -> tuple:
    """(num_vars, lits int32, offsets int64) of a formula given as a parsed
    ``Cnf`` handle, a :class:`fastback.sat.CNF`, anything with flat
    ``num_vars``, ``lits`` and ``offsets`` (a generated family formula, a
    dataset example), or a list of clauses."""
    if isinstance(formula, _core.Cnf):
        lits = np.frombuffer(formula.lits_bytes(), dtype=np.int32)
        offsets = np.frombuffer(formula.offsets_bytes(), dtype=np.int64)
        return formula.num_vars, lits, offsets
    native = getattr(formula, "native", None)
    if isinstance(native, _core.Cnf):
        return flatten(native)
    if all(hasattr(formula, a) for a in ("num_vars", "lits", "offsets")):
        return int(formula.num_vars), formula.lits, formula.offsets
    clauses = getattr(formula, "clauses", formula)
    num_vars = int(getattr(formula, "nv", 0) or 0)
    sizes = [len(c) for c in clauses]
    lits = np.fromiter((l for c in clauses for l in c), dtype=np.int32, count=sum(sizes))
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    if lits.size:
        num_vars = max(num_vars, int(np.abs(lits).max()))
    return num_vars, lits, offsets


def build_graph(num_vars_or_formula: Any, lits: Sequence[int] = None, offsets: Sequence[int] = None) -> Graph:
    """The graph of a formula: ``build_graph(formula)`` or
    ``build_graph(num_vars, lits, offsets)`` with flattened DIMACS literals and
    clause offsets (clause ``i`` is ``lits[offsets[i]:offsets[i+1]]``).

    Raises ``ValueError`` naming the clause on a literal out of range or
    offsets that do not describe the literal array. Releases the GIL.
    """
    if lits is None:
        num_vars, lits, offsets = flatten(num_vars_or_formula)
    else:
        num_vars = int(num_vars_or_formula)
    x, edge_index, edge_type, nv, nc, nm = _core.neuro_graph(
        num_vars, np.ascontiguousarray(lits, dtype=np.int32), np.ascontiguousarray(offsets, dtype=np.int64))
    return Graph(x=x, edge_index=edge_index, edge_type=edge_type, num_vars=nv, num_clauses=nc, num_meta=nm)
