//! Builds the NeuroBack graph of a CNF formula (the encoding is specified in
//! the [parent module](super)) in time and memory linear in the formula.
//!
//! Why a dedicated builder: the graph is built for every formula whose phases
//! are to be predicted, so it must cost about as much as reading the formula
//! (`examples/graph_timing.rs` times it on 10^6 clauses). It makes four passes,
//! none with a per-clause allocation:
//! 1. validate the literals, drop repeated literals of a clause (a
//!    per-literal stamp holding the last clause that used it), count each
//!    literal's occurrences, and union the variables of each clause
//!    (union-find with path halving, union by size);
//! 2. number the components in order of their first clause (the meta nodes);
//! 3. write the incoming edges of every node grouped by destination
//!    (`Incoming`, what the forward pass reads), row offsets from the
//!    degrees known after pass 1;
//! 4. write the features.
//!
//! The graph keeps only the incoming rows, not PyTorch Geometric's edge
//! list: that list (24 bytes per directed edge, four times the rows) is made
//! on request by [`Graph::edge_arrays`], from the clause rows, which hold each
//! clause's distinct literals in order followed by its meta node, i.e. the
//! specification's edge order.
//!
//! Invariants of a built [`Graph`] (the tests check them against an
//! independent reference builder): row `i` of `Incoming` lists the source
//! and type of every edge into node `i`, in the specification's edge order,
//! so its length is node `i`'s degree; every edge `(a, b, t)` has its reverse
//! `(b, a, t)`; a clause row ends with the clause's only meta edge; node ids
//! are below [`MAX_NODES`] and the number of directed edges fits in `u32`.

use std::fmt;

use crate::sat::dimacs::Cnf;
use crate::sat::Var;

use super::NUM_FEATURES;

/// A node of a [`Graph`]: variables first, then clauses, then meta nodes.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct NodeId(pub u32);

impl NodeId {
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a node stands for, with its index among the nodes of its kind.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum NodeKind {
    Var(Var),
    /// The 0-based clause index in input order.
    Clause(usize),
    /// The 0-based component (meta node) index.
    Meta(usize),
}

/// The type of a directed edge, as in [`EdgeArrays::kind`].
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum EdgeType {
    /// Between a variable and a clause containing its positive literal.
    Positive = 0,
    /// Between a variable and a clause containing its negative literal.
    Negative = 1,
    /// Between a clause and the meta node of its component.
    Meta = 2,
}

/// Why a graph could not be built. The message says what and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphError {
    /// `offsets` is empty; it needs `num_clauses + 1` entries.
    OffsetsEmpty,
    /// `offsets[0]` is not 0.
    OffsetsStart { first: usize },
    /// `offsets[index] < offsets[index - 1]`.
    OffsetsDecrease {
        index: usize,
        before: usize,
        after: usize,
    },
    /// The last offset is not `lits.len()`.
    OffsetsEnd { last: usize, num_lits: usize },
    /// A literal 0 inside a clause (0 only terminates clauses in DIMACS).
    ZeroLiteral { clause: usize, position: usize },
    /// A literal whose variable exceeds `num_vars`.
    LiteralOutOfRange {
        clause: usize,
        literal: i32,
        num_vars: u32,
    },
    /// More nodes than [`MAX_NODES`], or more directed edges than `u32::MAX`.
    TooLarge {
        what: &'static str,
        count: u64,
        limit: u64,
    },
    /// An array of the graph could not be allocated.
    OutOfMemory { what: &'static str, bytes: u64 },
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::OffsetsEmpty => write!(
                f,
                "offsets is empty: it needs num_clauses + 1 entries, starting at 0"
            ),
            GraphError::OffsetsStart { first } => {
                write!(f, "offsets must start at 0, not {first}")
            }
            GraphError::OffsetsDecrease {
                index,
                before,
                after,
            } => write!(
                f,
                "offsets not increasing at index {index}: {after} after {before}"
            ),
            GraphError::OffsetsEnd { last, num_lits } => write!(
                f,
                "the last offset {last} is not the number of literals {num_lits}"
            ),
            GraphError::ZeroLiteral { clause, position } => write!(
                f,
                "clause {clause}: literal {position} is 0 (0 only terminates clauses in DIMACS)"
            ),
            GraphError::LiteralOutOfRange {
                clause,
                literal,
                num_vars,
            } => write!(
                f,
                "clause {clause}: literal {literal} exceeds num_vars {num_vars}"
            ),
            GraphError::TooLarge { what, count, limit } => write!(
                f,
                "the graph would have {count} {what}; at most {limit} are supported"
            ),
            GraphError::OutOfMemory { what, bytes } => {
                write!(f, "cannot allocate {bytes} bytes for the {what}")
            }
        }
    }
}

impl std::error::Error for GraphError {}

/// The incoming edges of every node, grouped by destination (compressed
/// sparse rows): the edges into node `i` are `entries[start[i]..start[i + 1]]`,
/// in edge order, each packed as `source << 2 | type`. This is what the
/// forward pass aggregates over, one contiguous row per node, and what
/// [`Graph::edge_arrays`] unpacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Incoming {
    pub(crate) start: Vec<u32>,
    pub(crate) entries: Vec<u32>,
}

impl Incoming {
    /// The packed edges into node `i`.
    #[inline(always)]
    pub(crate) fn row(&self, i: usize) -> &[u32] {
        &self.entries[self.range(i)]
    }

    /// The positions in `entries` of the edges into node `i`.
    #[inline(always)]
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i] as usize..self.start[i + 1] as usize
    }
}

/// Unpacks an entry of [`Incoming`]: `(source node, edge type)`.
#[inline(always)]
pub(crate) fn unpack(entry: u32) -> (usize, usize) {
    ((entry >> 2) as usize, (entry & 3) as usize)
}

/// The NeuroBack graph of a formula: node counts, node features, and the
/// incoming edges by destination, from which [`Graph::edge_arrays`] makes
/// PyTorch Geometric's edge list. See the [module](super) for the encoding
/// and [`build`](self) for the invariants.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    num_vars: usize,
    num_clauses: usize,
    num_meta: usize,
    features: Vec<f32>,
    incoming: Incoming,
}

/// The directed edges in PyTorch Geometric's layout: `edge_index =
/// [src, dst]` (`[2, E]`) and `edge_type = kind` (`[E]`, values `0..3`, see
/// [`EdgeType`]), in the order of the specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeArrays {
    pub src: Vec<i64>,
    pub dst: Vec<i64>,
    pub kind: Vec<i64>,
}

/// Everything PyTorch needs of a [`Graph`], as owned arrays (for a zero-copy
/// hand-over to numpy).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphArrays {
    pub num_vars: usize,
    pub num_clauses: usize,
    pub num_meta: usize,
    pub edge_src: Vec<i64>,
    pub edge_dst: Vec<i64>,
    pub edge_type: Vec<i64>,
    /// Row-major `[num_nodes, NUM_FEATURES]`.
    pub features: Vec<f32>,
}

/// The most nodes a graph may have: node ids fit in 30 bits, so that an
/// incoming edge packs its source and type into one `u32`.
pub const MAX_NODES: usize = (1 << 30) - 1;

const NONE: u32 = u32::MAX;

/// A zero-filled vector, or an error instead of an abort when the allocation
/// fails (a header may declare billions of variables; see `sat::dimacs`).
fn zeroed<T: Clone + Default>(len: usize, what: &'static str) -> Result<Vec<T>, GraphError> {
    filled(len, T::default(), what)
}

fn filled<T: Clone>(len: usize, value: T, what: &'static str) -> Result<Vec<T>, GraphError> {
    let mut v = Vec::new();
    let oom = || GraphError::OutOfMemory {
        what,
        bytes: (len as u64).saturating_mul(std::mem::size_of::<T>() as u64),
    };
    v.try_reserve_exact(len).map_err(|_| oom())?;
    v.resize(len, value);
    Ok(v)
}

fn with_capacity<T>(len: usize, what: &'static str) -> Result<Vec<T>, GraphError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| GraphError::OutOfMemory {
            what,
            bytes: (len as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        })?;
    Ok(v)
}

/// Union-find over variables: path halving, union by size, so that the
/// whole pass is near-linear.
struct Components {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Components {
    fn new(n: usize) -> Result<Components, GraphError> {
        let mut parent = with_capacity(n, "union-find parents")?;
        parent.extend(0..n as u32);
        Ok(Components {
            parent,
            size: filled(n, 1, "union-find sizes")?,
        })
    }

    #[inline]
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    #[inline]
    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return ra;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        big
    }
}

impl Graph {
    /// Builds the graph of `num_vars` variables and the clauses
    /// `lits[offsets[i]..offsets[i + 1]]` (DIMACS literals, no 0 terminators),
    /// the layout of [`Cnf`].
    ///
    /// Requires: `offsets` non-empty, starting at 0, non-decreasing, ending at
    /// `lits.len()`; every literal non-zero with `|l| <= num_vars`; at most
    /// [`MAX_NODES`] nodes and `u32::MAX` directed edges. Each violation is a
    /// [`GraphError`] that names the clause or offset; nothing panics.
    ///
    /// Cost: O(num_vars + lits.len() + num_clauses) time. The graph keeps
    /// about 28 bytes per node and 8 per literal occurrence (features and
    /// incoming rows); the build needs about twice that at its peak. The PyG
    /// edge arrays, 48 bytes per literal occurrence, are made only by
    /// [`Graph::edge_arrays`].
    pub fn build(num_vars: u32, lits: &[i32], offsets: &[usize]) -> Result<Graph, GraphError> {
        check_offsets(lits.len(), offsets)?;
        let num_clauses = offsets.len() - 1;
        let nv = num_vars as usize;
        // Meta nodes are at most one per clause, and each literal adds at
        // most one undirected edge: check the bounds before any allocation,
        // the exact counts once they are known.
        too_large("nodes", nv as u64 + num_clauses as u64, MAX_NODES as u64)?;
        too_large(
            "directed edges",
            2 * (lits.len() as u64 + num_clauses as u64),
            u64::from(u32::MAX),
        )?;
        let first_pass = distinct_literals(num_vars, lits, offsets)?;
        let DistinctLiterals {
            codes,
            ends,
            pos,
            neg,
            mut components,
        } = first_pass;
        let (clause_meta, meta_degree) = number_components(&codes, &ends, &mut components, nv)?;
        drop(components);
        let num_meta = meta_degree.len();
        too_large(
            "nodes",
            (nv + num_clauses + num_meta) as u64,
            MAX_NODES as u64,
        )?;
        let incoming = incoming_edges(&codes, &ends, &pos, &neg, &clause_meta, &meta_degree)?;
        drop(codes);
        drop(clause_meta);
        let features = node_features(&ends, &pos, &neg, &meta_degree)?;
        Ok(Graph {
            num_vars: nv,
            num_clauses,
            num_meta,
            features,
            incoming,
        })
    }

    /// [`Graph::build`] of a parsed formula. Errors as there (a [`Cnf`] that
    /// keeps its invariant only fails for size).
    pub fn from_cnf(cnf: &Cnf) -> Result<Graph, GraphError> {
        Graph::build(cnf.num_vars, &cnf.lits, &cnf.offsets)
    }

    /// The number of variable nodes (`num_vars` of the input).
    #[inline]
    pub fn num_vars(&self) -> usize {
        self.num_vars
    }

    /// The number of clause nodes.
    #[inline]
    pub fn num_clauses(&self) -> usize {
        self.num_clauses
    }

    /// The number of meta nodes (components with at least one clause).
    #[inline]
    pub fn num_meta(&self) -> usize {
        self.num_meta
    }

    /// `num_vars + num_clauses + num_meta`.
    #[inline]
    pub fn num_nodes(&self) -> usize {
        self.num_vars + self.num_clauses + self.num_meta
    }

    /// The number of directed edges (twice the undirected ones).
    #[inline]
    pub fn num_edges(&self) -> usize {
        self.incoming.entries.len()
    }

    /// Node features, row-major `[num_nodes, NUM_FEATURES]`.
    pub fn features(&self) -> &[f32] {
        &self.features
    }

    /// The directed edges in the order of the specification, as PyTorch
    /// Geometric's `edge_index` rows and `edge_type` (see [`EdgeArrays`]).
    /// Cost: one pass over the clause rows, 24 bytes per directed edge.
    pub fn edge_arrays(&self) -> EdgeArrays {
        let e = self.num_edges();
        let mut out = EdgeArrays {
            src: Vec::with_capacity(e),
            dst: Vec::with_capacity(e),
            kind: Vec::with_capacity(e),
        };
        // Clause i's incoming row is its distinct literals in order, then its
        // meta node: exactly the spec's order of clause i's edge pairs.
        for clause in 0..self.num_clauses {
            let c = (self.num_vars + clause) as i64;
            for &entry in self.incoming.row(self.num_vars + clause) {
                let (other, t) = (i64::from(entry >> 2), i64::from(entry & 3));
                let (first, second) = if t == EdgeType::Meta as i64 {
                    ((c, other), (other, c))
                } else {
                    ((other, c), (c, other))
                };
                out.src.push(first.0);
                out.dst.push(first.1);
                out.src.push(second.0);
                out.dst.push(second.1);
                out.kind.push(t);
                out.kind.push(t);
            }
        }
        out
    }

    /// The node of a variable. Requires `var.index() < num_vars()`.
    #[inline]
    pub fn var_node(&self, var: Var) -> NodeId {
        debug_assert!(var.index() < self.num_vars);
        NodeId(var.0)
    }

    /// The node of clause `i`, `None` if there is no such clause.
    pub fn clause_node(&self, i: usize) -> Option<NodeId> {
        (i < self.num_clauses).then(|| NodeId((self.num_vars + i) as u32))
    }

    /// The meta node `k`, `None` if there is no such component.
    pub fn meta_node(&self, k: usize) -> Option<NodeId> {
        (k < self.num_meta).then(|| NodeId((self.num_vars + self.num_clauses + k) as u32))
    }

    /// What `node` stands for, `None` if it is not a node of this graph.
    pub fn node_kind(&self, node: NodeId) -> Option<NodeKind> {
        let i = node.index();
        if i < self.num_vars {
            Some(NodeKind::Var(Var(node.0)))
        } else if i < self.num_vars + self.num_clauses {
            Some(NodeKind::Clause(i - self.num_vars))
        } else if i < self.num_nodes() {
            Some(NodeKind::Meta(i - self.num_vars - self.num_clauses))
        } else {
            None
        }
    }

    /// The edge arrays and the features, the latter moved out (no copy).
    pub fn into_arrays(self) -> GraphArrays {
        let EdgeArrays { src, dst, kind } = self.edge_arrays();
        GraphArrays {
            num_vars: self.num_vars,
            num_clauses: self.num_clauses,
            num_meta: self.num_meta,
            edge_src: src,
            edge_dst: dst,
            edge_type: kind,
            features: self.features,
        }
    }

    pub(crate) fn incoming(&self) -> &Incoming {
        &self.incoming
    }
}

fn too_large(what: &'static str, count: u64, limit: u64) -> Result<(), GraphError> {
    if count > limit {
        Err(GraphError::TooLarge { what, count, limit })
    } else {
        Ok(())
    }
}

/// The result of pass 1.
struct DistinctLiterals {
    /// The distinct literals of every clause, as codes `2 * var + negative`.
    codes: Vec<u32>,
    /// Clause `i`'s codes are `codes[ends[i - 1]..ends[i]]` (from 0 for `i = 0`).
    ends: Vec<u32>,
    /// Clauses containing each variable's positive / negative literal.
    pos: Vec<u32>,
    neg: Vec<u32>,
    /// The variables of each clause united.
    components: Components,
}

/// Pass 1: validates the literals, drops the repeated ones of each clause (a
/// per-literal stamp: the last clause that used it), counts, unites.
fn distinct_literals(
    num_vars: u32,
    lits: &[i32],
    offsets: &[usize],
) -> Result<DistinctLiterals, GraphError> {
    let nv = num_vars as usize;
    let num_clauses = offsets.len() - 1;
    let mut stamp: Vec<u32> = filled(2 * nv, NONE, "per-literal stamps")?;
    let mut pos: Vec<u32> = zeroed(nv, "positive occurrence counts")?;
    let mut neg: Vec<u32> = zeroed(nv, "negative occurrence counts")?;
    let mut codes: Vec<u32> = with_capacity(lits.len(), "distinct literals")?;
    let mut ends: Vec<u32> = with_capacity(num_clauses, "clause ends")?;
    let mut components = Components::new(nv)?;
    for clause in 0..num_clauses {
        let body = &lits[offsets[clause]..offsets[clause + 1]];
        let mut root = NONE;
        for (position, &lit) in body.iter().enumerate() {
            if lit == 0 {
                return Err(GraphError::ZeroLiteral { clause, position });
            }
            let var = lit.unsigned_abs();
            if var > num_vars {
                return Err(GraphError::LiteralOutOfRange {
                    clause,
                    literal: lit,
                    num_vars,
                });
            }
            let var = var - 1;
            let code = 2 * var as usize + usize::from(lit < 0);
            // Clause indices stay below MAX_NODES < NONE, so NONE never
            // equals a real clause.
            if stamp[code] == clause as u32 {
                continue;
            }
            stamp[code] = clause as u32;
            codes.push(code as u32);
            if lit < 0 {
                neg[var as usize] += 1;
            } else {
                pos[var as usize] += 1;
            }
            root = if root == NONE {
                var
            } else {
                components.union(root, var)
            };
        }
        ends.push(codes.len() as u32);
    }
    Ok(DistinctLiterals {
        codes,
        ends,
        pos,
        neg,
        components,
    })
}

/// Pass 2: the meta node of each clause, numbered in order of each
/// component's first clause, and each meta node's degree (its clauses).
fn number_components(
    codes: &[u32],
    ends: &[u32],
    components: &mut Components,
    num_vars: usize,
) -> Result<(Vec<u32>, Vec<u32>), GraphError> {
    let mut clause_meta: Vec<u32> = with_capacity(ends.len(), "clause components")?;
    let mut root_meta: Vec<u32> = filled(num_vars, NONE, "component numbers")?;
    let mut meta_degree: Vec<u32> = Vec::new();
    let mut begin = 0usize;
    for &end in ends {
        let end = end as usize;
        let meta = if begin == end {
            meta_degree.push(0);
            meta_degree.len() as u32 - 1
        } else {
            let root = components.find(codes[begin] >> 1) as usize;
            if root_meta[root] == NONE {
                root_meta[root] = meta_degree.len() as u32;
                meta_degree.push(0);
            }
            root_meta[root]
        };
        meta_degree[meta as usize] += 1;
        clause_meta.push(meta);
        begin = end;
    }
    Ok((clause_meta, meta_degree))
}

/// Pass 3: the incoming rows. A node's degree is its number of incoming
/// edges, so the row offsets are the prefix sums of the degrees; clause rows
/// are then written in one sequential sweep, variable and meta rows by a
/// scatter through a cursor per node (a counting sort by destination, which
/// keeps each row in edge order).
fn incoming_edges(
    codes: &[u32],
    ends: &[u32],
    pos: &[u32],
    neg: &[u32],
    clause_meta: &[u32],
    meta_degree: &[u32],
) -> Result<Incoming, GraphError> {
    let (nv, nc, nm) = (pos.len(), ends.len(), meta_degree.len());
    let clause_base = nv;
    let meta_base = nv + nc;
    let mut start: Vec<u32> = with_capacity(nv + nc + nm + 1, "incoming row offsets")?;
    // Every sum below is at most the number of directed edges, checked to
    // fit in u32 before pass 1.
    let mut total = 0u32;
    start.push(0);
    for (&p, &n) in pos.iter().zip(neg) {
        total += p + n;
        start.push(total);
    }
    let mut begin = 0u32;
    for &end in ends {
        total += end - begin + 1;
        start.push(total);
        begin = end;
    }
    for &d in meta_degree {
        total += d;
        start.push(total);
    }
    let mut entries: Vec<u32> = zeroed(total as usize, "incoming edges")?;
    let meta = EdgeType::Meta as u32;

    // Clause rows: the clause's distinct literals, then its meta node.
    let clause_rows = &mut entries[start[clause_base] as usize..start[meta_base] as usize];
    let mut at = 0usize;
    let mut begin = 0usize;
    for (&end, &m) in ends.iter().zip(clause_meta) {
        for &code in &codes[begin..end as usize] {
            clause_rows[at] = ((code >> 1) << 2) | (code & 1);
            at += 1;
        }
        clause_rows[at] = ((meta_base as u32 + m) << 2) | meta;
        at += 1;
        begin = end as usize;
    }

    // Variable rows: the clauses of each variable, in clause order.
    let mut cursor: Vec<u32> = with_capacity(nv, "incoming cursors")?;
    cursor.extend_from_slice(&start[..nv]);
    let mut begin = 0usize;
    for (clause, &end) in ends.iter().enumerate() {
        let from = ((clause_base + clause) as u32) << 2;
        for &code in &codes[begin..end as usize] {
            let slot = &mut cursor[(code >> 1) as usize];
            entries[*slot as usize] = from | (code & 1);
            *slot += 1;
        }
        begin = end as usize;
    }

    // Meta rows: the clauses of each component, in clause order.
    cursor.clear();
    cursor.extend_from_slice(&start[meta_base..meta_base + nm]);
    for (clause, &m) in clause_meta.iter().enumerate() {
        let slot = &mut cursor[m as usize];
        entries[*slot as usize] = (((clause_base + clause) as u32) << 2) | meta;
        *slot += 1;
    }
    Ok(Incoming { start, entries })
}

/// Pass 4: the feature rows, variables, clauses, meta nodes.
fn node_features(
    ends: &[u32],
    pos: &[u32],
    neg: &[u32],
    meta_degree: &[u32],
) -> Result<Vec<f32>, GraphError> {
    let num_nodes = pos.len() + ends.len() + meta_degree.len();
    let mut features: Vec<f32> = zeroed(num_nodes * NUM_FEATURES, "node features")?;
    let ln_1p = |degree: u32| f64::from(degree).ln_1p() as f32;
    let mut rows = features.chunks_exact_mut(NUM_FEATURES);
    for ((&p, &n), row) in pos.iter().zip(neg).zip(rows.by_ref()) {
        row[0] = 1.0;
        row[3] = ln_1p(p + n);
        if p + n > 0 {
            let (p, n) = (f64::from(p), f64::from(n));
            row[4] = ((p - n) / (p + n)) as f32;
        }
    }
    let mut begin = 0u32;
    for (&end, row) in ends.iter().zip(rows.by_ref()) {
        let len = end - begin;
        row[1] = 1.0;
        row[3] = ln_1p(len + 1);
        if len > 0 {
            row[5] = (1.0 / f64::from(len)) as f32;
        }
        begin = end;
    }
    for (&d, row) in meta_degree.iter().zip(rows) {
        row[2] = 1.0;
        row[3] = ln_1p(d);
    }
    Ok(features)
}

fn check_offsets(num_lits: usize, offsets: &[usize]) -> Result<(), GraphError> {
    match offsets.first() {
        None => return Err(GraphError::OffsetsEmpty),
        Some(&first) if first != 0 => return Err(GraphError::OffsetsStart { first }),
        _ => {}
    }
    if let Some(i) = offsets.windows(2).position(|w| w[0] > w[1]) {
        return Err(GraphError::OffsetsDecrease {
            index: i + 1,
            before: offsets[i],
            after: offsets[i + 1],
        });
    }
    let last = offsets[offsets.len() - 1];
    if last != num_lits {
        return Err(GraphError::OffsetsEnd { last, num_lits });
    }
    Ok(())
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
