//! The forward pass of the NeuroBack network over a [`Graph`], natively.
//!
//! Why native: the prediction is wanted once per formula, before solving, on
//! formulas with millions of edges; shipping PyTorch for it is heavy and its
//! start-up alone costs seconds. The arithmetic is exactly the one written in
//! [`model`](super::model) (the PyTorch implementation's), in `f32`.
//!
//! How: each layer reads the hidden vectors `h` of all nodes and writes the
//! next ones into a second buffer (`h` is never updated in place, since a
//! node's update reads its neighbours' old vectors). Nodes are processed in
//! chunks of [`CHUNK`] consecutive rows: for a chunk, the edge aggregation
//! walks each node's incoming edges (one contiguous row of the graph's
//! incoming-edge table), the dense layers run as one matrix product per chunk
//! (`matrixmultiply::sgemm`) on scratch that stays in cache, and the
//! residual LayerNorm writes the chunk's rows of the next buffer. No
//! allocation happens per node or per edge, only per layer and per worker.
//!
//! Determinism: a chunk's result depends only on its rows and the previous
//! layer, never on which worker thread computed it or how many there are, so
//! the output is bit-for-bit the same for any `threads`.
//!
//! Interruption: the caller's `interrupt` is polled before each stage (the
//! input layer, each GINE and GATv2 layer, the head), on the calling thread;
//! when it returns true the pass stops with [`ForwardError::Interrupted`].

use std::fmt;
use std::sync::Mutex;

use super::build::{unpack, Graph, Incoming};
use super::model::{LayerNorm, Linear, Model};
use super::NUM_FEATURES;

/// Rows per unit of work: the scratch of a chunk (a few `CHUNK × H` blocks)
/// stays in a core's L2 cache for H = 64.
const CHUNK: usize = 256;

/// Why a forward pass stopped without a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardError {
    /// The `interrupt` callback asked to stop.
    Interrupted,
    /// The hidden-state buffers (`floats` values each) could not be allocated.
    OutOfMemory { floats: u64 },
}

impl fmt::Display for ForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForwardError::Interrupted => write!(f, "the forward pass was interrupted"),
            ForwardError::OutOfMemory { floats } => write!(
                f,
                "cannot allocate {} bytes for the hidden states of the forward pass",
                floats.saturating_mul(4)
            ),
        }
    }
}

impl std::error::Error for ForwardError {}

/// The logistic function `1 / (1 + e^−x)`, saturating to 0 and 1 without NaN.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// The logit of `P(v = true)` for every variable of `graph`, in variable
    /// order (length `graph.num_vars()`).
    ///
    /// `threads`: worker threads, 0 for all available cores; the result does
    /// not depend on it. `interrupt` is polled before each layer (see the
    /// module); pass `&mut || false` for none.
    ///
    /// Errors: [`ForwardError::Interrupted`], or [`ForwardError::OutOfMemory`]
    /// for the hidden states (nothing else can fail: the model was validated
    /// on loading, and every [`Graph`] has the encoding's features and edge
    /// types).
    ///
    /// Cost: O((G + A)·(N·H² + E·H)) time for N nodes and E directed edges;
    /// memory 2·N·H floats (3·N·H with GATv2 layers) beyond the graph.
    pub fn logits(
        &self,
        graph: &Graph,
        threads: usize,
        interrupt: &mut dyn FnMut() -> bool,
    ) -> Result<Vec<f32>, ForwardError> {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        let h_dim = self.config.hidden;
        let n = graph.num_nodes();
        let mut check = || {
            if interrupt() {
                Err(ForwardError::Interrupted)
            } else {
                Ok(())
            }
        };

        check()?;
        let mut h = zeroed(n, h_dim)?;
        let features = graph.features();
        par_chunks(
            &mut h,
            h_dim,
            threads,
            || (),
            |row0, out, ()| {
                let rows = out.len() / h_dim;
                let x = &features[row0 * NUM_FEATURES..(row0 + rows) * NUM_FEATURES];
                linear(x, rows, &self.input, out);
            },
        );

        let mut next = zeroed(n, h_dim)?;
        for layer in &self.gin {
            check()?;
            self.gin_layer(layer, graph, &h, &mut next, threads);
            std::mem::swap(&mut h, &mut next);
        }
        let mut xs = if self.gat.is_empty() {
            Vec::new()
        } else {
            zeroed(n, h_dim)?
        };
        for layer in &self.gat {
            check()?;
            self.gat_layer(layer, graph, &h, &mut xs, &mut next, threads);
            std::mem::swap(&mut h, &mut next);
        }
        drop(next);
        drop(xs);

        check()?;
        let mut logits = vec![0f32; graph.num_vars()];
        let h = &h;
        par_chunks(
            &mut logits,
            1,
            threads,
            || vec![0f32; CHUNK * h_dim],
            |row0, out, z| {
                let rows = out.len();
                let z = &mut z[..rows * h_dim];
                linear(
                    &h[row0 * h_dim..(row0 + rows) * h_dim],
                    rows,
                    &self.head0,
                    z,
                );
                relu(z);
                let (w, b) = (&self.head1.weight, self.head1.bias[0]);
                for (logit, zr) in out.iter_mut().zip(z.chunks_exact(h_dim)) {
                    *logit = dot(zr, w) + b;
                }
            },
        );
        Ok(logits)
    }

    /// `sigmoid` of [`Model::logits`]: `P(v = true)` for every variable.
    /// Same arguments, errors and cost.
    pub fn predict(
        &self,
        graph: &Graph,
        threads: usize,
        interrupt: &mut dyn FnMut() -> bool,
    ) -> Result<Vec<f32>, ForwardError> {
        let mut p = self.logits(graph, threads, interrupt)?;
        for x in &mut p {
            *x = sigmoid(*x);
        }
        Ok(p)
    }

    /// One GINE layer: `next = LayerNorm(h + ReLU(mlp2(ReLU(mlp1((1 + eps)·h + m)))))`.
    fn gin_layer(
        &self,
        layer: &super::model::GinLayer,
        graph: &Graph,
        h: &[f32],
        next: &mut [f32],
        threads: usize,
    ) {
        let (hd, t_dim) = (self.config.hidden, self.config.edge_types);
        // e(t) = edge.weight[:, t] + edge.bias, one row per type.
        let mut edge = vec![0f32; t_dim * hd];
        for t in 0..t_dim {
            for c in 0..hd {
                edge[t * hd + c] = layer.edge_weight[c * t_dim + t] + layer.edge_bias[c];
            }
        }
        let incoming = graph.incoming();
        let self_weight = 1.0 + layer.eps;
        let ln_eps = self.config.ln_eps;
        par_chunks(
            next,
            hd,
            threads,
            || (vec![0f32; CHUNK * hd], vec![0f32; CHUNK * hd]),
            |row0, out, (z, z1)| {
                let rows = out.len() / hd;
                let (z, z1) = (&mut z[..rows * hd], &mut z1[..rows * hd]);
                for (r, zr) in z.chunks_exact_mut(hd).enumerate() {
                    let i = row0 + r;
                    zr.fill(0.0);
                    for at in incoming.range(i) {
                        prefetch_source(incoming, at + PREFETCH_AHEAD, h, hd);
                        let (j, t) = unpack(incoming.entries[at]);
                        let hj = &h[j * hd..(j + 1) * hd];
                        let et = &edge[t * hd..(t + 1) * hd];
                        for ((acc, &a), &b) in zr.iter_mut().zip(hj).zip(et) {
                            *acc += (a + b).max(0.0);
                        }
                    }
                    let hi = &h[i * hd..(i + 1) * hd];
                    for (acc, &x) in zr.iter_mut().zip(hi) {
                        *acc += self_weight * x;
                    }
                }
                linear(z, rows, &layer.mlp1, z1);
                relu(z1);
                linear(z1, rows, &layer.mlp2, z);
                let h_rows = &h[row0 * hd..(row0 + rows) * hd];
                for ((o, hr), zr) in out
                    .chunks_exact_mut(hd)
                    .zip(h_rows.chunks_exact(hd))
                    .zip(z.chunks_exact(hd))
                {
                    residual_layer_norm(hr, zr, &layer.norm, ln_eps, o);
                }
            },
        );
    }

    /// One GATv2 layer; `xs` is scratch of N·H floats for `lin_src(h)`.
    fn gat_layer(
        &self,
        layer: &super::model::GatLayer,
        graph: &Graph,
        h: &[f32],
        xs: &mut [f32],
        next: &mut [f32],
        threads: usize,
    ) {
        let (hd, t_dim) = (self.config.hidden, self.config.edge_types);
        let (heads, c_dim) = (self.config.heads, self.config.head_dim());
        let slope = self.config.negative_slope;
        let ln_eps = self.config.ln_eps;
        par_chunks(
            xs,
            hd,
            threads,
            || (),
            |row0, out, ()| {
                let rows = out.len() / hd;
                linear(&h[row0 * hd..(row0 + rows) * hd], rows, &layer.lin_src, out);
            },
        );
        let xs: &[f32] = xs;
        // edge.weight[:, t], one row per type.
        let mut edge = vec![0f32; t_dim * hd];
        for t in 0..t_dim {
            for c in 0..hd {
                edge[t * hd + c] = layer.edge_weight[c * t_dim + t];
            }
        }
        let incoming = graph.incoming();
        struct Scratch {
            xd: Vec<f32>,
            /// `xd_i + edge.weight[:, t]` for each type t.
            base: Vec<f32>,
            /// `score[e * K + k]` for the edges of the current node.
            scores: Vec<f32>,
            max: Vec<f32>,
            sum: Vec<f32>,
            acc: Vec<f32>,
        }
        par_chunks(
            next,
            hd,
            threads,
            || Scratch {
                xd: vec![0f32; CHUNK * hd],
                base: vec![0f32; t_dim * hd],
                scores: Vec::new(),
                max: vec![0f32; heads],
                sum: vec![0f32; heads],
                acc: vec![0f32; hd],
            },
            |row0, out, s| {
                let rows = out.len() / hd;
                let xd = &mut s.xd[..rows * hd];
                let h_rows = &h[row0 * hd..(row0 + rows) * hd];
                linear(h_rows, rows, &layer.lin_dst, xd);
                for r in 0..rows {
                    let i = row0 + r;
                    let xdi = &xd[r * hd..(r + 1) * hd];
                    for (base_t, edge_t) in s.base.chunks_exact_mut(hd).zip(edge.chunks_exact(hd)) {
                        for ((b, &x), &e) in base_t.iter_mut().zip(xdi).zip(edge_t) {
                            *b = x + e;
                        }
                    }
                    let range = incoming.range(i);
                    let row = &incoming.entries[range.clone()];
                    s.scores.clear();
                    s.scores.resize(row.len() * heads, 0.0);
                    for (at, score) in range.zip(s.scores.chunks_exact_mut(heads)) {
                        prefetch_source(incoming, at + PREFETCH_AHEAD, xs, hd);
                        let (j, t) = unpack(incoming.entries[at]);
                        let xj = &xs[j * hd..(j + 1) * hd];
                        let base = &s.base[t * hd..(t + 1) * hd];
                        for (k, sc) in score.iter_mut().enumerate() {
                            let cols = k * c_dim..(k + 1) * c_dim;
                            *sc = attention_score(
                                &base[cols.clone()],
                                &xj[cols.clone()],
                                &layer.att[cols],
                                slope,
                            );
                        }
                    }
                    s.max.fill(f32::NEG_INFINITY);
                    for score in s.scores.chunks_exact(heads) {
                        for (m, &sc) in s.max.iter_mut().zip(score) {
                            *m = m.max(sc);
                        }
                    }
                    s.sum.fill(0.0);
                    for score in s.scores.chunks_exact_mut(heads) {
                        for ((sc, &m), total) in score.iter_mut().zip(&s.max).zip(s.sum.iter_mut())
                        {
                            *sc = (*sc - m).exp();
                            *total += *sc;
                        }
                    }
                    s.acc.fill(0.0);
                    for (&entry, score) in row.iter().zip(s.scores.chunks_exact(heads)) {
                        let (j, _) = unpack(entry);
                        let xj = &xs[j * hd..(j + 1) * hd];
                        for (k, (&weight, &total)) in score.iter().zip(&s.sum).enumerate() {
                            let alpha = weight / total;
                            let cols = k * c_dim..(k + 1) * c_dim;
                            for (a, &x) in s.acc[cols.clone()].iter_mut().zip(&xj[cols]) {
                                *a += alpha * x;
                            }
                        }
                    }
                    for (a, &b) in s.acc.iter_mut().zip(&layer.bias) {
                        *a += b;
                    }
                    residual_layer_norm(
                        &h_rows[r * hd..(r + 1) * hd],
                        &s.acc,
                        &layer.norm,
                        ln_eps,
                        &mut out[r * hd..(r + 1) * hd],
                    );
                }
            },
        );
    }
}

/// How many edges ahead the aggregation loops prefetch a source's vector:
/// the loops are bound by the latency of these random reads (the hidden
/// vectors of a large graph are far beyond the caches), and a few rows in
/// flight hide most of it.
const PREFETCH_AHEAD: usize = 8;

/// Hints the cache to load `rows`' row of the source of incoming edge `at`
/// (any edge of the graph, not only the current node's; nothing past the end).
#[inline(always)]
fn prefetch_source(incoming: &Incoming, at: usize, rows: &[f32], width: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(&entry) = incoming.entries.get(at) {
        let (j, _) = unpack(entry);
        if let Some(row) = rows.get(j * width..(j + 1) * width) {
            for line in row.chunks(16) {
                // SAFETY: a prefetch is a hint that cannot fault, and the
                // address is inside `rows` anyway. SSE is part of x86_64.
                unsafe {
                    std::arch::x86_64::_mm_prefetch(
                        line.as_ptr() as *const i8,
                        std::arch::x86_64::_MM_HINT_T0,
                    )
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (incoming, at, rows, width);
}

/// `Σ_c LeakyReLU(base[c] + x[c])·att[c]` over one head's columns, summed in
/// eight interleaved lanes so that it vectorises (a single running sum may
/// not be reordered by the compiler).
#[inline(always)]
fn attention_score(base: &[f32], x: &[f32], att: &[f32], slope: f32) -> f32 {
    const LANES: usize = 8;
    let mut lanes = [0f32; LANES];
    let whole = base.len() / LANES * LANES;
    for ((b, x), a) in base[..whole]
        .chunks_exact(LANES)
        .zip(x[..whole].chunks_exact(LANES))
        .zip(att[..whole].chunks_exact(LANES))
    {
        for l in 0..LANES {
            let v = b[l] + x[l];
            let v = if v > 0.0 { v } else { v * slope };
            lanes[l] += v * a[l];
        }
    }
    let mut total = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5]))
        + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for ((&b, &x), &a) in base[whole..].iter().zip(&x[whole..]).zip(&att[whole..]) {
        let v = b + x;
        total += if v > 0.0 { v } else { v * slope } * a;
    }
    total
}

/// `rows × width` zeros, or an error instead of an abort when they cannot
/// be allocated.
fn zeroed(rows: usize, width: usize) -> Result<Vec<f32>, ForwardError> {
    let oom = || ForwardError::OutOfMemory {
        floats: (rows as u64).saturating_mul(width as u64),
    };
    let len = rows.checked_mul(width).ok_or_else(oom)?;
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| oom())?;
    v.resize(len, 0.0);
    Ok(v)
}

/// Runs `work(first_row, rows, scratch)` on consecutive chunks of [`CHUNK`]
/// rows of `out` (rows of `row_len` values), on up to `threads` scoped
/// threads, each with its own `scratch()`. Chunks are handed out from a shared
/// queue; which thread takes a chunk does not change its result.
fn par_chunks<S, W>(
    out: &mut [f32],
    row_len: usize,
    threads: usize,
    scratch: impl Fn() -> S + Sync,
    work: W,
) where
    W: Fn(usize, &mut [f32], &mut S) + Sync,
{
    let chunk_len = CHUNK * row_len;
    if chunk_len == 0 || out.is_empty() {
        return;
    }
    let chunks = out.len().div_ceil(chunk_len);
    let threads = threads.clamp(1, chunks);
    if threads == 1 {
        let mut s = scratch();
        for (c, rows) in out.chunks_mut(chunk_len).enumerate() {
            work(c * CHUNK, rows, &mut s);
        }
        return;
    }
    let queue = Mutex::new(out.chunks_mut(chunk_len).enumerate());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut s = scratch();
                loop {
                    // A poisoned lock means another worker panicked (a bug);
                    // the scope re-raises that panic, so just go on here.
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    match next {
                        Some((c, rows)) => work(c * CHUNK, rows, &mut s),
                        None => break,
                    }
                }
            });
        }
    });
}

/// `out[rows × outputs] = x[rows × inputs] · Wᵀ + b` by `sgemm`.
fn linear(x: &[f32], rows: usize, layer: &Linear, out: &mut [f32]) {
    let (k, n) = (layer.inputs, layer.outputs);
    assert!(x.len() == rows * k && out.len() == rows * n && layer.weight_t.len() == k * n);
    for row in out.chunks_exact_mut(n) {
        row.copy_from_slice(&layer.bias);
    }
    if rows == 0 || k == 0 {
        return;
    }
    // SAFETY: the assertion above bounds every access: A is rows × k with
    // row stride k, B = Wᵀ is k × n with row stride n, C is rows × n with
    // row stride n; the three slices do not overlap (`out` is borrowed
    // mutably).
    unsafe {
        matrixmultiply::sgemm(
            rows,
            k,
            n,
            1.0,
            x.as_ptr(),
            k as isize,
            1,
            layer.weight_t.as_ptr(),
            n as isize,
            1,
            1.0,
            out.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

#[inline]
fn relu(x: &mut [f32]) {
    for v in x {
        *v = v.max(0.0);
    }
}

#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `out = LayerNorm(h + ReLU(update))` over one node's H values, population
/// variance, as torch's `LayerNorm`.
#[inline]
fn residual_layer_norm(h: &[f32], update: &[f32], norm: &LayerNorm, eps: f32, out: &mut [f32]) {
    for ((o, &x), &u) in out.iter_mut().zip(h).zip(update) {
        *o = x + u.max(0.0);
    }
    let width = out.len() as f32;
    let mean = out.iter().sum::<f32>() / width;
    let var = out.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>() / width;
    let inv = 1.0 / (var + eps).sqrt();
    for ((o, &w), &b) in out.iter_mut().zip(&norm.weight).zip(&norm.bias) {
        *o = (*o - mean) * inv * w + b;
    }
}

#[cfg(test)]
#[path = "forward_tests.rs"]
mod tests;
