//! Tests of the graph builder: hand-written expected graphs for small
//! formulas, every input error, and properties checked against a
//! straightforward reference builder (hash-set deduplication, components by
//! breadth-first search) that shares no code with the builder.

use std::collections::{HashSet, VecDeque};

use proptest::prelude::*;

use super::*;
use crate::graph::NUM_EDGE_TYPES;

/// Expected feature row, written by hand: the degree and the one
/// kind-specific value; the test turns them into the six columns.
#[derive(Clone, Copy, Debug)]
enum Row {
    /// A variable: degree, (pos − neg) / (pos + neg).
    V(usize, f32),
    /// A clause: degree, 1 / len.
    C(usize, f32),
    /// A meta node: degree.
    M(usize),
}

fn feature_row(row: Row) -> [f32; 6] {
    let ln = |d: usize| (d as f64).ln_1p() as f32;
    match row {
        Row::V(d, polarity) => [1.0, 0.0, 0.0, ln(d), polarity, 0.0],
        Row::C(d, inv_len) => [0.0, 1.0, 0.0, ln(d), 0.0, inv_len],
        Row::M(d) => [0.0, 0.0, 1.0, ln(d), 0.0, 0.0],
    }
}

fn flatten(clauses: &[Vec<i32>]) -> (Vec<i32>, Vec<usize>) {
    let mut lits = Vec::new();
    let mut offsets = vec![0];
    for c in clauses {
        lits.extend_from_slice(c);
        offsets.push(lits.len());
    }
    (lits, offsets)
}

fn build(num_vars: u32, clauses: &[Vec<i32>]) -> Result<Graph, GraphError> {
    let (lits, offsets) = flatten(clauses);
    Graph::build(num_vars, &lits, &offsets)
}

fn edges(g: &Graph) -> Vec<(i64, i64, i64)> {
    let a = g.edge_arrays();
    assert_eq!(
        (a.src.len(), a.dst.len(), a.kind.len()),
        (g.num_edges(), g.num_edges(), g.num_edges())
    );
    (0..g.num_edges())
        .map(|e| (a.src[e], a.dst[e], a.kind[e]))
        .collect()
}

/// The incoming rows, rebuilt from the edge list by a quadratic scan.
fn check_incoming_against_edges(g: &Graph) {
    let inc = g.incoming();
    assert_eq!(inc.start.len(), g.num_nodes() + 1);
    for node in 0..g.num_nodes() {
        let expected: Vec<(u32, u8)> = edges(g)
            .into_iter()
            .filter(|&(_, d, _)| d == node as i64)
            .map(|(s, _, t)| (s as u32, t as u8))
            .collect();
        let got: Vec<(u32, u8)> = inc
            .row(node)
            .iter()
            .map(|&e| (e >> 2, (e & 3) as u8))
            .collect();
        assert_eq!(got, expected, "incoming edges of node {node}");
    }
}

#[test]
fn small_formulas_match_hand_written_graphs() {
    use Row::*;
    type Case = (
        &'static str,
        u32,
        Vec<Vec<i32>>,
        (usize, usize, usize),
        Vec<(i64, i64, i64)>,
        Vec<Row>,
    );
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("empty formula", 0, vec![], (0, 0, 0), vec![], vec![]),
        ("only variables", 2, vec![], (2, 0, 0), vec![], vec![V(0, 0.0), V(0, 0.0)]),
        ("one binary clause", 2, vec![vec![1, -2]], (2, 1, 1),
            vec![(0, 2, 0), (2, 0, 0), (1, 2, 1), (2, 1, 1), (2, 3, 2), (3, 2, 2)],
            vec![V(1, 1.0), V(1, -1.0), C(3, 0.5), M(1)]),
        ("duplicate literal", 2, vec![vec![1, 1, 2]], (2, 1, 1),
            vec![(0, 2, 0), (2, 0, 0), (1, 2, 0), (2, 1, 0), (2, 3, 2), (3, 2, 2)],
            vec![V(1, 1.0), V(1, 1.0), C(3, 0.5), M(1)]),
        ("duplicate keeps first occurrence order", 3, vec![vec![-3, 1, -3, 2, 1]], (3, 1, 1),
            vec![(2, 3, 1), (3, 2, 1), (0, 3, 0), (3, 0, 0), (1, 3, 0), (3, 1, 0), (3, 4, 2), (4, 3, 2)],
            vec![V(1, 1.0), V(1, 1.0), V(1, -1.0), C(4, 1.0 / 3.0), M(1)]),
        ("tautology keeps both literals", 1, vec![vec![1, -1]], (1, 1, 1),
            vec![(0, 1, 0), (1, 0, 0), (0, 1, 1), (1, 0, 1), (1, 2, 2), (2, 1, 2)],
            vec![V(2, 0.0), C(3, 0.5), M(1)]),
        ("empty clauses are their own components", 1, vec![vec![], vec![1], vec![]], (1, 3, 3),
            vec![(1, 4, 2), (4, 1, 2), (0, 2, 0), (2, 0, 0), (2, 5, 2), (5, 2, 2), (3, 6, 2), (6, 3, 2)],
            vec![V(1, 1.0), C(1, 0.0), C(2, 1.0), C(1, 0.0), M(1), M(1), M(1)]),
        ("unused variables", 4, vec![vec![-3]], (4, 1, 1),
            vec![(2, 4, 1), (4, 2, 1), (4, 5, 2), (5, 4, 2)],
            vec![V(0, 0.0), V(0, 0.0), V(1, -1.0), V(0, 0.0), C(2, 1.0), M(1)]),
        ("two components, numbered by first clause", 4, vec![vec![3, 4], vec![1, -2], vec![-4]], (4, 3, 2),
            vec![(2, 4, 0), (4, 2, 0), (3, 4, 0), (4, 3, 0), (4, 7, 2), (7, 4, 2),
                 (0, 5, 0), (5, 0, 0), (1, 5, 1), (5, 1, 1), (5, 8, 2), (8, 5, 2),
                 (3, 6, 1), (6, 3, 1), (6, 7, 2), (7, 6, 2)],
            vec![V(1, 1.0), V(1, -1.0), V(1, 1.0), V(2, 0.0), C(3, 0.5), C(3, 0.5), C(2, 1.0), M(2), M(1)]),
        ("a later clause merges earlier components", 3, vec![vec![1], vec![2], vec![3], vec![-1, 2]], (3, 4, 2),
            vec![(0, 3, 0), (3, 0, 0), (3, 7, 2), (7, 3, 2),
                 (1, 4, 0), (4, 1, 0), (4, 7, 2), (7, 4, 2),
                 (2, 5, 0), (5, 2, 0), (5, 8, 2), (8, 5, 2),
                 (0, 6, 1), (6, 0, 1), (1, 6, 0), (6, 1, 0), (6, 7, 2), (7, 6, 2)],
            vec![V(2, 0.0), V(2, 1.0), V(1, 1.0), C(2, 1.0), C(2, 1.0), C(2, 1.0), C(3, 0.5), M(3), M(1)]),
        ("polarity ratio", 1, vec![vec![1], vec![1], vec![-1]], (1, 3, 1),
            vec![(0, 1, 0), (1, 0, 0), (1, 4, 2), (4, 1, 2),
                 (0, 2, 0), (2, 0, 0), (2, 4, 2), (4, 2, 2),
                 (0, 3, 1), (3, 0, 1), (3, 4, 2), (4, 3, 2)],
            vec![V(3, 1.0 / 3.0), C(2, 1.0), C(2, 1.0), C(2, 1.0), M(3)]),
    ];
    for (name, num_vars, clauses, counts, expected_edges, rows) in cases {
        let g = build(num_vars, &clauses).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (g.num_vars(), g.num_clauses(), g.num_meta()),
            counts,
            "{name}"
        );
        assert_eq!(g.num_nodes(), counts.0 + counts.1 + counts.2, "{name}");
        assert_eq!(edges(&g), expected_edges, "{name}");
        assert_eq!(
            rows.len(),
            g.num_nodes(),
            "{name}: the case lists every node"
        );
        let expected_features: Vec<f32> = rows.iter().flat_map(|&r| feature_row(r)).collect();
        assert_eq!(g.features(), &expected_features[..], "{name}");
        check_incoming_against_edges(&g);
        let arrays = g.clone().into_arrays();
        let a = g.edge_arrays();
        assert_eq!(
            (arrays.edge_src, arrays.edge_dst, arrays.edge_type),
            (a.src, a.dst, a.kind),
            "{name}"
        );
        assert_eq!(arrays.features, g.features(), "{name}");
        assert_eq!(
            (arrays.num_vars, arrays.num_clauses, arrays.num_meta),
            counts,
            "{name}"
        );
    }
}

#[test]
fn node_ids_name_their_kind() {
    let g = build(3, &[vec![1, 2], vec![-3], vec![]]).unwrap();
    assert_eq!((g.num_vars(), g.num_clauses(), g.num_meta()), (3, 3, 3));
    assert_eq!(g.var_node(Var(2)), NodeId(2));
    assert_eq!(g.clause_node(0), Some(NodeId(3)));
    assert_eq!(g.clause_node(3), None);
    assert_eq!(g.meta_node(2), Some(NodeId(8)));
    assert_eq!(g.meta_node(3), None);
    assert_eq!(g.node_kind(NodeId(1)), Some(NodeKind::Var(Var(1))));
    assert_eq!(g.node_kind(NodeId(5)), Some(NodeKind::Clause(2)));
    assert_eq!(g.node_kind(NodeId(6)), Some(NodeKind::Meta(0)));
    assert_eq!(g.node_kind(NodeId(9)), None);
}

#[test]
fn from_cnf_equals_build() {
    let mut cnf = Cnf::new(5);
    cnf.add_clause(&[1, -5, 1]).unwrap();
    cnf.add_clause(&[]).unwrap();
    cnf.add_clause(&[2, -3]).unwrap();
    let g = Graph::from_cnf(&cnf).unwrap();
    assert_eq!(g, Graph::build(5, &cnf.lits, &cnf.offsets).unwrap());
    assert_eq!(g.num_meta(), 3);
}

#[test]
fn bad_input_is_an_error_that_says_where() {
    let mut seventeen: Vec<Vec<i32>> = (0..17).map(|i| vec![i % 8 + 1]).collect();
    seventeen.push(vec![2, 9]);
    let (lits17, offsets17) = flatten(&seventeen);
    type Case<'a> = (&'a str, u32, Vec<i32>, Vec<usize>, GraphError, &'a str);
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("literal beyond num_vars", 8, lits17, offsets17,
            GraphError::LiteralOutOfRange { clause: 17, literal: 9, num_vars: 8 },
            "clause 17: literal 9 exceeds num_vars 8"),
        ("negative literal beyond", 2, vec![1, -3], vec![0, 1, 2],
            GraphError::LiteralOutOfRange { clause: 1, literal: -3, num_vars: 2 },
            "clause 1: literal -3 exceeds num_vars 2"),
        ("i32::MIN", 2, vec![i32::MIN], vec![0, 1],
            GraphError::LiteralOutOfRange { clause: 0, literal: i32::MIN, num_vars: 2 },
            "clause 0: literal -2147483648 exceeds num_vars 2"),
        ("any literal with no variables", 0, vec![1], vec![0, 1],
            GraphError::LiteralOutOfRange { clause: 0, literal: 1, num_vars: 0 },
            "clause 0: literal 1 exceeds num_vars 0"),
        ("zero literal", 3, vec![1, 2, 0, 3], vec![0, 2, 4],
            GraphError::ZeroLiteral { clause: 1, position: 0 },
            "clause 1: literal 0 is 0"),
        ("empty offsets", 3, vec![], vec![],
            GraphError::OffsetsEmpty, "offsets is empty"),
        ("offsets not from 0", 3, vec![1, 2], vec![1, 2],
            GraphError::OffsetsStart { first: 1 }, "offsets must start at 0, not 1"),
        ("offsets decrease", 3, vec![1, 2, 3], vec![0, 2, 1, 3],
            GraphError::OffsetsDecrease { index: 2, before: 2, after: 1 },
            "offsets not increasing at index 2: 1 after 2"),
        ("offsets end short", 3, vec![1, 2, 3], vec![0, 2],
            GraphError::OffsetsEnd { last: 2, num_lits: 3 },
            "the last offset 2 is not the number of literals 3"),
        ("offsets end beyond", 3, vec![1], vec![0, 4],
            GraphError::OffsetsEnd { last: 4, num_lits: 1 },
            "the last offset 4 is not the number of literals 1"),
        ("too many nodes", (1 << 30) - 1, vec![], vec![0, 0],
            GraphError::TooLarge { what: "nodes", count: 1 << 30, limit: (1 << 30) - 1 },
            "the graph would have 1073741824 nodes; at most 1073741823 are supported"),
        ("too many variables", u32::MAX, vec![], vec![0],
            GraphError::TooLarge { what: "nodes", count: u32::MAX as u64, limit: (1 << 30) - 1 },
            "the graph would have 4294967295 nodes"),
    ];
    for (name, num_vars, lits, offsets, error, message) in cases {
        let err = Graph::build(num_vars, &lits, &offsets).unwrap_err();
        assert_eq!(err, error, "{name}");
        assert!(err.to_string().starts_with(message), "{name}: {err}");
    }
}

/// The reference graph: hash-set deduplication, components by BFS over the
/// variable–clause incidence of the formula itself.
struct Reference {
    num_meta: usize,
    edges: Vec<(i64, i64, i64)>,
    features: Vec<[f32; 6]>,
}

fn reference(num_vars: usize, clauses: &[Vec<i32>]) -> Reference {
    let distinct: Vec<Vec<i32>> = clauses
        .iter()
        .map(|c| {
            let mut seen = HashSet::new();
            c.iter().copied().filter(|l| seen.insert(*l)).collect()
        })
        .collect();
    // BFS from each clause not yet reached, in clause order: component k is
    // the k-th such clause's.
    let mut var_clauses: Vec<Vec<usize>> = vec![Vec::new(); num_vars];
    for (i, c) in distinct.iter().enumerate() {
        for l in c {
            var_clauses[l.unsigned_abs() as usize - 1].push(i);
        }
    }
    let mut meta_of: Vec<Option<usize>> = vec![None; clauses.len()];
    let mut num_meta = 0;
    for first in 0..clauses.len() {
        if meta_of[first].is_some() {
            continue;
        }
        let mut queue = VecDeque::from([first]);
        meta_of[first] = Some(num_meta);
        while let Some(c) = queue.pop_front() {
            for l in &distinct[c] {
                for &d in &var_clauses[l.unsigned_abs() as usize - 1] {
                    if meta_of[d].is_none() {
                        meta_of[d] = Some(num_meta);
                        queue.push_back(d);
                    }
                }
            }
        }
        num_meta += 1;
    }
    let (nv, nc) = (num_vars as i64, clauses.len() as i64);
    let mut edges = Vec::new();
    for (i, c) in distinct.iter().enumerate() {
        let cn = nv + i as i64;
        for &l in c {
            let v = l.unsigned_abs() as i64 - 1;
            let t = i64::from(l < 0);
            edges.push((v, cn, t));
            edges.push((cn, v, t));
        }
        let m = nv + nc + meta_of[i].unwrap() as i64;
        edges.push((cn, m, 2));
        edges.push((m, cn, 2));
    }
    let n = num_vars + clauses.len() + num_meta;
    let mut degree = vec![0usize; n];
    for &(_, d, _) in &edges {
        degree[d as usize] += 1;
    }
    let mut features = Vec::new();
    for (v, &d) in degree.iter().enumerate().take(num_vars) {
        let occurrences = |negative: bool| {
            distinct
                .iter()
                .filter(|c| {
                    c.contains(&if negative {
                        -(v as i32 + 1)
                    } else {
                        v as i32 + 1
                    })
                })
                .count() as f64
        };
        let (p, q) = (occurrences(false), occurrences(true));
        let polarity = if p + q > 0.0 {
            ((p - q) / (p + q)) as f32
        } else {
            0.0
        };
        features.push(feature_row(Row::V(d, polarity)));
    }
    for (i, c) in distinct.iter().enumerate() {
        let inv = if c.is_empty() {
            0.0
        } else {
            (1.0 / c.len() as f64) as f32
        };
        features.push(feature_row(Row::C(degree[num_vars + i], inv)));
    }
    for k in 0..num_meta {
        features.push(feature_row(Row::M(degree[num_vars + clauses.len() + k])));
    }
    Reference {
        num_meta,
        edges,
        features,
    }
}

fn formula() -> impl Strategy<Value = (u32, Vec<Vec<i32>>)> {
    (1u32..30).prop_flat_map(|vars| {
        let lit = (1..=vars as i32, any::<bool>()).prop_map(|(v, neg)| if neg { -v } else { v });
        (
            Just(vars),
            prop::collection::vec(prop::collection::vec(lit, 0..6), 0..25),
        )
    })
}

proptest! {
    #[test]
    fn graphs_match_the_reference_and_keep_their_invariants((num_vars, clauses) in formula()) {
        let g = build(num_vars, &clauses).unwrap();
        let r = reference(num_vars as usize, &clauses);
        prop_assert_eq!(g.num_vars(), num_vars as usize);
        prop_assert_eq!(g.num_clauses(), clauses.len());
        prop_assert_eq!(g.num_meta(), r.num_meta);
        prop_assert_eq!(edges(&g), r.edges.clone());
        let expected: Vec<f32> = r.features.iter().flatten().copied().collect();
        prop_assert_eq!(g.features(), &expected[..]);

        // Invariants, from the graph alone.
        let n = g.num_nodes();
        let e = edges(&g);
        prop_assert_eq!(e.len() % 2, 0);
        for pair in e.chunks(2) {
            prop_assert_eq!((pair[0].0, pair[0].1, pair[0].2), (pair[1].1, pair[1].0, pair[1].2));
        }
        let mut in_degree = vec![0usize; n];
        for &(s, d, t) in &e {
            prop_assert!((0..n as i64).contains(&s) && (0..n as i64).contains(&d));
            prop_assert!((0..NUM_EDGE_TYPES as i64).contains(&t));
            in_degree[d as usize] += 1;
        }
        let degree_sum: f64 = g.features().chunks(6).map(|row| f64::from(row[3]).exp_m1()).sum();
        prop_assert!((degree_sum - e.len() as f64).abs() < 1e-3 * (1.0 + e.len() as f64));
        for (node, row) in g.features().chunks(6).enumerate() {
            prop_assert_eq!(row[3], (in_degree[node] as f64).ln_1p() as f32);
            prop_assert_eq!(row[0] + row[1] + row[2], 1.0);
        }
        let incoming = g.incoming();
        for (node, &d) in in_degree.iter().enumerate() {
            prop_assert_eq!(incoming.row(node).len(), d);
        }
        // Every clause has exactly one meta edge out, to a meta node, and
        // every meta node has a clause.
        let (clauses_start, meta_start) = (g.num_vars() as i64, (g.num_vars() + g.num_clauses()) as i64);
        for c in 0..g.num_clauses() as i64 {
            let metas: Vec<i64> = e.iter().filter(|&&(s, _, t)| s == clauses_start + c && t == 2).map(|x| x.1).collect();
            prop_assert_eq!(metas.len(), 1);
            prop_assert!(metas[0] >= meta_start);
        }
        for m in meta_start..n as i64 {
            prop_assert!(in_degree[m as usize] > 0);
        }
    }

    #[test]
    fn incoming_rows_list_the_edges_in_order((num_vars, clauses) in formula()) {
        check_incoming_against_edges(&build(num_vars, &clauses).unwrap());
    }

    #[test]
    fn arbitrary_input_never_panics(
        num_vars in 0u32..6,
        lits in prop::collection::vec(-8i32..8, 0..12),
        offsets in prop::collection::vec(0usize..14, 0..6),
    ) {
        if let Ok(g) = Graph::build(num_vars, &lits, &offsets) {
            prop_assert_eq!(g.num_clauses() + 1, offsets.len());
        }
    }
}
