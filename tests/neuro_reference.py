"""Plain-Python references for the neural-prior tests: the NeuroBack graph
encoding written straight from its specification (no shared code with the
Rust builder), used to check ``fastback.neuro.build_graph``."""

from __future__ import annotations

import math
from typing import Dict, List, Sequence, Tuple

import numpy as np


def reference_graph(num_vars: int, clauses: Sequence[Sequence[int]]):
    """(x [N,6], edge_src, edge_dst, edge_type, num_meta) per the spec."""
    m = len(clauses)
    # Components by union-find over the variables of each clause.
    parent = list(range(num_vars + 1))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for cl in clauses:
        vs = [abs(l) for l in cl]
        for v in vs[1:]:
            ra, rb = find(vs[0]), find(v)
            if ra != rb:
                parent[ra] = rb
    # Meta ids in order of each component's first clause; an empty clause
    # is a component of its own.
    meta_of_root: Dict[int, int] = {}
    clause_meta: List[int] = []
    num_meta = 0
    for cl in clauses:
        if not cl:
            clause_meta.append(num_meta)
            num_meta += 1
            continue
        r = find(abs(cl[0]))
        if r not in meta_of_root:
            meta_of_root[r] = num_meta
            num_meta += 1
        clause_meta.append(meta_of_root[r])
    n_nodes = num_vars + m + num_meta
    src: List[int] = []
    dst: List[int] = []
    typ: List[int] = []
    pos = [0] * (num_vars + 1)
    neg = [0] * (num_vars + 1)
    lens = []
    for i, cl in enumerate(clauses):
        c = num_vars + i
        seen = []
        for l in cl:
            if l not in seen:
                seen.append(l)
        lens.append(len(seen))
        for l in seen:
            v = abs(l) - 1
            t = 0 if l > 0 else 1
            src += [v, c]
            dst += [c, v]
            typ += [t, t]
            if l > 0:
                pos[abs(l)] += 1
            else:
                neg[abs(l)] += 1
        mnode = num_vars + m + clause_meta[i]
        src += [c, mnode]
        dst += [mnode, c]
        typ += [2, 2]
    deg = [0] * n_nodes
    for d in dst:
        deg[d] += 1
    x = np.zeros((n_nodes, 6), dtype=np.float32)
    for v in range(num_vars):
        x[v, 0] = 1
        tot = pos[v + 1] + neg[v + 1]
        x[v, 4] = (pos[v + 1] - neg[v + 1]) / tot if tot else 0.0
    for i in range(m):
        x[num_vars + i, 1] = 1
        x[num_vars + i, 5] = 1.0 / lens[i] if lens[i] else 0.0
    for k in range(num_meta):
        x[num_vars + m + k, 2] = 1
    for n in range(n_nodes):
        x[n, 3] = math.log1p(deg[n])
    return x, np.array(src, np.int64), np.array(dst, np.int64), np.array(typ, np.int64), num_meta


def to_flat(clauses: Sequence[Sequence[int]]) -> Tuple[np.ndarray, np.ndarray]:
    lits = np.array([l for cl in clauses for l in cl], dtype=np.int32)
    offsets = np.zeros(len(clauses) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(cl) for cl in clauses])
    return lits, offsets
