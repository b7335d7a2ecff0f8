//! Tests of the forward pass against a naive reference written the way the
//! PyTorch Geometric layers compute (per-edge messages over the edge list,
//! scatter sums and scatter maxima, dense layers as plain loops), plus
//! properties the network must have whatever its weights.

use proptest::prelude::*;

use super::*;
use crate::graph::model::ModelConfig;
use crate::sat::dimacs::Cnf;

fn naive_linear(x: &[f32], rows: usize, l: &Linear) -> Vec<f32> {
    let mut y = vec![0f32; rows * l.outputs];
    for r in 0..rows {
        for o in 0..l.outputs {
            let mut acc = 0f32;
            for i in 0..l.inputs {
                acc += x[r * l.inputs + i] * l.weight[o * l.inputs + i];
            }
            y[r * l.outputs + o] = acc + l.bias[o];
        }
    }
    y
}

fn naive_residual_norm(
    h: &[f32],
    update: &[f32],
    norm: &LayerNorm,
    eps: f32,
    width: usize,
) -> Vec<f32> {
    let mut out = Vec::with_capacity(h.len());
    for (hr, ur) in h.chunks(width).zip(update.chunks(width)) {
        let v: Vec<f32> = hr.iter().zip(ur).map(|(a, b)| a + b.max(0.0)).collect();
        let mean = v.iter().sum::<f32>() / width as f32;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / width as f32;
        for ((x, w), b) in v.iter().zip(&norm.weight).zip(&norm.bias) {
            out.push((x - mean) / (var + eps).sqrt() * w + b);
        }
    }
    out
}

/// The forward pass written as PyG does it, over the edge list.
fn naive_logits(model: &Model, g: &Graph) -> Vec<f32> {
    let cfg = &model.config;
    let (hd, td, heads, cd) = (cfg.hidden, cfg.edge_types, cfg.heads, cfg.head_dim());
    let n = g.num_nodes();
    let a = g.edge_arrays();
    let edges: Vec<(usize, usize, usize)> = (0..g.num_edges())
        .map(|e| (a.src[e] as usize, a.dst[e] as usize, a.kind[e] as usize))
        .collect();
    let mut h = naive_linear(g.features(), n, &model.input);
    for layer in &model.gin {
        let mut m = vec![0f32; n * hd];
        for &(j, i, t) in &edges {
            for c in 0..hd {
                let e = layer.edge_weight[c * td + t] + layer.edge_bias[c];
                m[i * hd + c] += (h[j * hd + c] + e).max(0.0);
            }
        }
        let z: Vec<f32> = (0..n * hd)
            .map(|x| m[x] + (1.0 + layer.eps) * h[x])
            .collect();
        let mut z1 = naive_linear(&z, n, &layer.mlp1);
        z1.iter_mut().for_each(|v| *v = v.max(0.0));
        let z2 = naive_linear(&z1, n, &layer.mlp2);
        h = naive_residual_norm(&h, &z2, &layer.norm, cfg.ln_eps, hd);
    }
    for layer in &model.gat {
        let xs = naive_linear(&h, n, &layer.lin_src);
        let xd = naive_linear(&h, n, &layer.lin_dst);
        let mut score = vec![0f32; edges.len() * heads];
        for (e, &(j, i, t)) in edges.iter().enumerate() {
            for k in 0..heads {
                for c in k * cd..(k + 1) * cd {
                    let v = xs[j * hd + c] + xd[i * hd + c] + layer.edge_weight[c * td + t];
                    let v = if v > 0.0 { v } else { cfg.negative_slope * v };
                    score[e * heads + k] += v * layer.att[c];
                }
            }
        }
        let mut max = vec![f32::NEG_INFINITY; n * heads];
        for (e, &(_, i, _)) in edges.iter().enumerate() {
            for k in 0..heads {
                max[i * heads + k] = max[i * heads + k].max(score[e * heads + k]);
            }
        }
        let mut sum = vec![0f32; n * heads];
        for (e, &(_, i, _)) in edges.iter().enumerate() {
            for k in 0..heads {
                score[e * heads + k] = (score[e * heads + k] - max[i * heads + k]).exp();
                sum[i * heads + k] += score[e * heads + k];
            }
        }
        let mut out = vec![0f32; n * hd];
        for (e, &(j, i, _)) in edges.iter().enumerate() {
            for c in 0..hd {
                let k = c / cd;
                out[i * hd + c] += score[e * heads + k] / sum[i * heads + k] * xs[j * hd + c];
            }
        }
        for i in 0..n {
            for c in 0..hd {
                out[i * hd + c] += layer.bias[c];
            }
        }
        h = naive_residual_norm(&h, &out, &layer.norm, cfg.ln_eps, hd);
    }
    let v = g.num_vars();
    let mut z = naive_linear(&h[..v * hd], v, &model.head0);
    z.iter_mut().for_each(|x| *x = x.max(0.0));
    naive_linear(&z, v, &model.head1)
}

fn assert_close(got: &[f32], expected: &[f32], tolerance: f32, what: &str) {
    assert_eq!(got.len(), expected.len(), "{what}");
    for (v, (a, b)) in got.iter().zip(expected).enumerate() {
        assert!(
            (a - b).abs() <= tolerance * b.abs().max(1.0),
            "{what}: variable {v}: {a} vs {b}"
        );
    }
}

fn graph_of(num_vars: u32, clauses: &[Vec<i32>]) -> Graph {
    let mut cnf = Cnf::new(num_vars);
    for c in clauses {
        cnf.add_clause(c).unwrap();
    }
    Graph::from_cnf(&cnf).unwrap()
}

/// A random k-SAT-like formula from a seed, for tests that need more than a
/// proptest-sized one.
fn random_formula(num_vars: u32, num_clauses: usize, seed: u64) -> Vec<Vec<i32>> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    (0..num_clauses)
        .map(|_| {
            let len = 1 + next() % 4;
            (0..len)
                .map(|_| {
                    let v = (next() % num_vars + 1) as i32;
                    if next() % 2 == 0 {
                        v
                    } else {
                        -v
                    }
                })
                .collect()
        })
        .collect()
}

fn no_interrupt() -> impl FnMut() -> bool {
    || false
}

fn small_config() -> impl Strategy<Value = ModelConfig> {
    (1usize..4, 1usize..4, 0usize..3, 0usize..3).prop_map(|(heads, per_head, gin, gat)| {
        ModelConfig {
            negative_slope: 0.2,
            ln_eps: 1e-5,
            ..ModelConfig::new(heads * per_head, gin, gat, heads)
        }
    })
}

fn small_formula() -> impl Strategy<Value = (u32, Vec<Vec<i32>>)> {
    (1u32..15).prop_flat_map(|vars| {
        let lit = (1..=vars as i32, any::<bool>()).prop_map(|(v, neg)| if neg { -v } else { v });
        (
            Just(vars),
            prop::collection::vec(prop::collection::vec(lit, 0..5), 0..25),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn optimised_pass_matches_the_naive_reference(
        config in small_config(),
        seed in any::<u64>(),
        (num_vars, clauses) in small_formula(),
    ) {
        let model = Model::random(&config, seed).unwrap();
        let g = graph_of(num_vars, &clauses);
        let got = model.logits(&g, 1, &mut no_interrupt()).unwrap();
        assert_close(&got, &naive_logits(&model, &g), 1e-5, "logits");
    }

    #[test]
    fn relabelling_variables_permutes_the_output(
        seed in any::<u64>(),
        (num_vars, clauses) in small_formula(),
        shuffle_seed in any::<u64>(),
    ) {
        let model = Model::random(&ModelConfig::new(16, 2, 2, 4), seed).unwrap();
        // A permutation of the variables, of the clause order, and of the
        // literals inside each clause; none may change a variable's output.
        let mut rng = shuffle_seed | 1;
        let mut next = move |bound: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % bound as u64) as usize
        };
        let mut perm: Vec<i32> = (1..=num_vars as i32).collect();
        for i in (1..perm.len()).rev() {
            perm.swap(i, next(i + 1));
        }
        let mut relabelled: Vec<Vec<i32>> = clauses
            .iter()
            .map(|c| {
                let mut c: Vec<i32> = c.iter().map(|&l| l.signum() * perm[l.unsigned_abs() as usize - 1]).collect();
                for i in (1..c.len()).rev() {
                    c.swap(i, next(i + 1));
                }
                c
            })
            .collect();
        for i in (1..relabelled.len()).rev() {
            relabelled.swap(i, next(i + 1));
        }
        let a = model.logits(&graph_of(num_vars, &clauses), 1, &mut no_interrupt()).unwrap();
        let b = model.logits(&graph_of(num_vars, &relabelled), 1, &mut no_interrupt()).unwrap();
        let b_by_original: Vec<f32> = (0..num_vars as usize).map(|v| b[perm[v] as usize - 1]).collect();
        assert_close(&b_by_original, &a, 1e-4, "relabelled");
    }
}

#[test]
fn a_larger_graph_matches_the_reference_in_several_chunks() {
    let config = ModelConfig::new(12, 2, 2, 3);
    let model = Model::random(&config, 11).unwrap();
    let g = graph_of(300, &random_formula(300, 700, 3));
    assert!(g.num_nodes() > 3 * CHUNK);
    let got = model.logits(&g, 1, &mut no_interrupt()).unwrap();
    assert_close(&got, &naive_logits(&model, &g), 1e-5, "logits");
}

#[test]
fn the_result_does_not_depend_on_the_thread_count() {
    let model = Model::random(&ModelConfig::new(16, 2, 2, 4), 5).unwrap();
    let g = graph_of(400, &random_formula(400, 1200, 9));
    let one = model.logits(&g, 1, &mut no_interrupt()).unwrap();
    for threads in [0, 2, 3, 8] {
        let many = model.logits(&g, threads, &mut no_interrupt()).unwrap();
        assert!(
            one.iter()
                .zip(&many)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{threads} threads"
        );
    }
}

#[test]
fn predict_is_the_sigmoid_of_the_logits() {
    let model = Model::random(&ModelConfig::new(8, 1, 1, 2), 3).unwrap();
    let g = graph_of(20, &random_formula(20, 50, 1));
    let logits = model.logits(&g, 1, &mut no_interrupt()).unwrap();
    let p = model.predict(&g, 1, &mut no_interrupt()).unwrap();
    assert_eq!(p.len(), 20);
    for (p, l) in p.iter().zip(&logits) {
        assert_eq!(*p, sigmoid(*l));
        assert!((0.0..=1.0).contains(p));
    }
    assert_eq!(sigmoid(0.0), 0.5);
    assert_eq!(sigmoid(-200.0), 0.0);
    assert_eq!(sigmoid(200.0), 1.0);
}

#[test]
fn degenerate_graphs() {
    let model = Model::random(&ModelConfig::new(8, 2, 2, 2), 4).unwrap();
    let empty = graph_of(0, &[]);
    assert_eq!(
        model.logits(&empty, 1, &mut no_interrupt()).unwrap(),
        Vec::<f32>::new()
    );
    // Variables without clauses have no edges and equal features: equal outputs,
    // and (no incoming edges) the GATv2 output is its bias, as in the reference.
    let isolated = graph_of(5, &[]);
    let logits = model.logits(&isolated, 1, &mut no_interrupt()).unwrap();
    assert!(logits.iter().all(|&l| l == logits[0] && l.is_finite()));
    assert_close(&logits, &naive_logits(&model, &isolated), 1e-5, "isolated");
    let only_empty_clauses = graph_of(2, &[vec![], vec![]]);
    let logits = model
        .logits(&only_empty_clauses, 1, &mut no_interrupt())
        .unwrap();
    assert_close(
        &logits,
        &naive_logits(&model, &only_empty_clauses),
        1e-5,
        "empty clauses",
    );
}

#[test]
fn interrupt_is_polled_before_each_stage_and_stops_the_pass() {
    let config = ModelConfig::new(8, 3, 2, 2);
    let model = Model::random(&config, 4).unwrap();
    let g = graph_of(10, &random_formula(10, 30, 2));
    let mut polls = 0;
    model
        .logits(&g, 1, &mut || {
            polls += 1;
            false
        })
        .unwrap();
    let stages = 2 + config.gin_layers + config.gat_layers;
    assert_eq!(polls, stages);
    for stop_at in 1..=stages {
        let mut polls = 0;
        let result = model.logits(&g, 2, &mut || {
            polls += 1;
            polls == stop_at
        });
        assert_eq!(
            result,
            Err(ForwardError::Interrupted),
            "stop at poll {stop_at}"
        );
        assert_eq!(polls, stop_at);
    }
    assert_eq!(
        ForwardError::Interrupted.to_string(),
        "the forward pass was interrupted"
    );
}

#[test]
fn every_kernel_variant_matches_the_reference() {
    // `logits` runs the detected variant; the portable one (sgemm) must
    // agree too, on shapes with and without whole register blocks.
    let g = graph_of(300, &random_formula(300, 700, 5));
    for (hidden, heads) in [(12, 3), (16, 4), (40, 4), (64, 4)] {
        let model = Model::random(&ModelConfig::new(hidden, 2, 2, heads), 7).unwrap();
        let expected = naive_logits(&model, &g);
        for kernels in [Kernels::Portable, Kernels::detect()] {
            let got = model
                .logits_with(&g, 1, &mut no_interrupt(), kernels)
                .unwrap();
            assert_close(&got, &expected, 1e-5, &format!("H={hidden} {kernels:?}"));
        }
    }
}
