//! The NeuroBack graph of a CNF formula, and a native forward pass of the
//! graph neural network that predicts each variable's phase from it.
//!
//! Why: NeuroBack (Wang et al., ICLR 2024) initialises a CDCL solver's saved
//! phases with a GNN's prediction of each variable's value in a satisfying
//! assignment (or its backbone). Building the graph in Python costs more than
//! solving many formulas, and a PyTorch dependency is heavy for users who only
//! want the prediction; so the graph is built here in linear time, and the
//! trained network, exported as safetensors, runs here too. The PyTorch
//! implementation that trains the network uses the same graph and the same
//! arithmetic, and the Python tests check that the two agree to 1e-4.
//!
//! Layout:
//! - [`build`]: the graph encoding ([`Graph`]) built from flattened DIMACS clauses.
//! - [`model`]: the network's configuration and weights ([`Model`]) read from
//!   (and written to) a safetensors file.
//! - `forward`: the forward pass over a [`Graph`] ([`Model::logits`],
//!   [`Model::predict`]).
//!
//! # The encoding (shared with the PyTorch implementation; change both or neither)
//!
//! Nodes, in this order (`V` variables, `C` clauses, `M` meta nodes):
//! - variable nodes: DIMACS variable `v` is node `v - 1`. All `V = num_vars`
//!   variables are nodes, used or not;
//! - clause nodes: clause `i` (0-based, input order) is node `V + i`;
//! - meta nodes: one per connected component of the variable–clause graph that
//!   contains at least one clause, numbered in the order of each component's
//!   first clause; meta node `k` is node `V + C + k`. An empty clause is a
//!   component of its own and gets its own meta node; a variable in no clause
//!   gets none.
//!
//! Edges are directed and stored in both directions, in this order: for each
//! clause `i` in order, for each *distinct* literal of the clause in order of
//! first occurrence (a repeated identical literal is dropped; a tautology
//! `x ∨ ¬x` keeps both, they are different literals), the edge variable → clause
//! then clause → variable, of type 0 if the literal is positive and 1 if it is
//! negative; then, after the clause's literals, clause → meta and meta → clause,
//! of type 2. The arrays are PyTorch Geometric's: `edge_index = [edge_src,
//! edge_dst]` and `edge_type`, all `i64` ([`Graph::edge_arrays`]).
//!
//! Node features, `f32`, row-major `[V + C + M, 6]`:
//! - columns 0, 1, 2: one-hot is-variable, is-clause, is-meta;
//! - column 3: `ln(1 + degree)`, the degree being the number of undirected
//!   edges at the node (= its incoming directed edges);
//! - column 4, variables only: `(pos − neg) / (pos + neg)` where `pos` / `neg`
//!   count the clauses that contain the positive / negative literal (after the
//!   per-clause deduplication), 0 for an unused variable; 0 for other nodes;
//! - column 5, clauses only: `1 / len` with `len` the number of distinct
//!   literals, 0 for the empty clause; 0 for other nodes.
//!
//! # The network
//!
//! `h = input(x)`; then `gin_layers` GINE layers and `gat_layers` GATv2 layers,
//! each followed by `h ← LayerNorm(h + ReLU(layer(h)))`; then a two-layer head
//! on the variable nodes gives one logit per variable, `P(true) = sigmoid`.
//! The exact arithmetic and the tensor names are in [`model`]'s documentation.

pub mod build;
mod forward;
pub mod model;

pub use build::{
    EdgeArrays, EdgeType, Graph, GraphArrays, GraphError, NodeId, NodeKind, MAX_NODES,
};
pub use forward::{sigmoid, ForwardError};
pub use model::{Model, ModelConfig, ModelError};

/// The number of node features (columns of [`Graph::features`]).
pub const NUM_FEATURES: usize = 6;

/// The number of edge types ([`EdgeType`]).
pub const NUM_EDGE_TYPES: usize = 3;
