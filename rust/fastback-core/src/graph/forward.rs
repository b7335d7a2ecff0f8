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
//! on scratch that stays in cache (a register-blocked kernel compiled for
//! AVX2 + FMA where the CPU has them, see `Kernels`, else
//! `matrixmultiply::sgemm`), and the residual LayerNorm writes the chunk's
//! rows of the next buffer. No allocation happens per node or per edge, only
//! per layer and per worker.
//!
//! Measured (`examples/graph_timing.rs`, random 3-SAT, one thread): the
//! aggregation is bound by the latency of random row reads; the dense layers
//! and the LayerNorm reductions (vectorised in eight lanes) were the part
//! that compute could shrink. Tried and dropped: backing the hidden states
//! with transparent huge pages (layers ~10-20% faster on 10^6 clauses, but
//! the kernel's page compaction on allocation cost more than that).
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
use super::model::{GatLayer, GinLayer, LayerNorm, Linear, Model};
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
        self.logits_with(graph, threads, interrupt, Kernels::detect())
    }

    /// [`Model::logits`] with the given kernels (the tests run both).
    pub(crate) fn logits_with(
        &self,
        graph: &Graph,
        threads: usize,
        interrupt: &mut dyn FnMut() -> bool,
        kernels: Kernels,
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
                kernels.linear(x, rows, &self.input, out);
            },
        );

        let mut next = zeroed(n, h_dim)?;
        for layer in &self.gin {
            check()?;
            self.gin_layer(layer, graph, &h, &mut next, threads, kernels);
            std::mem::swap(&mut h, &mut next);
        }
        let mut xs = zeroed(if self.gat.is_empty() { 0 } else { n }, h_dim)?;
        for layer in &self.gat {
            check()?;
            self.gat_layer(layer, graph, &h, &mut xs, &mut next, threads, kernels);
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
                kernels.linear(
                    &h[row0 * h_dim..(row0 + rows) * h_dim],
                    rows,
                    &self.head0,
                    z,
                );
                relu(z);
                let (w, b) = (&self.head1.weight, self.head1.bias[0]);
                for (logit, zr) in out.iter_mut().zip(z.chunks_exact(h_dim)) {
                    *logit = lane_sum(zr, w, |x, y| x * y) + b;
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
        layer: &GinLayer,
        graph: &Graph,
        h: &[f32],
        next: &mut [f32],
        threads: usize,
        kernels: Kernels,
    ) {
        let (hd, t_dim) = (self.config.hidden, self.config.edge_types);
        // e(t) = edge.weight[:, t] + edge.bias, one row per type.
        let mut edge = vec![0f32; t_dim * hd];
        for t in 0..t_dim {
            for c in 0..hd {
                edge[t * hd + c] = layer.edge_weight[c * t_dim + t] + layer.edge_bias[c];
            }
        }
        let pass = GinPass {
            layer,
            edge: &edge,
            incoming: graph.incoming(),
            h,
            hd,
            ln_eps: self.config.ln_eps,
        };
        par_chunks(
            next,
            hd,
            threads,
            || (vec![0f32; CHUNK * hd], vec![0f32; CHUNK * hd]),
            |row0, out, (z, z1)| kernels.gin_chunk(&pass, row0, out, z, z1),
        );
    }

    /// One GATv2 layer; `xs` is scratch of N·H floats for `lin_src(h)`.
    #[allow(clippy::too_many_arguments)]
    fn gat_layer(
        &self,
        layer: &GatLayer,
        graph: &Graph,
        h: &[f32],
        xs: &mut [f32],
        next: &mut [f32],
        threads: usize,
        kernels: Kernels,
    ) {
        let (hd, t_dim) = (self.config.hidden, self.config.edge_types);
        let heads = self.config.heads;
        par_chunks(
            xs,
            hd,
            threads,
            || (),
            |row0, out, ()| {
                let rows = out.len() / hd;
                kernels.linear(&h[row0 * hd..(row0 + rows) * hd], rows, &layer.lin_src, out);
            },
        );
        // edge.weight[:, t], one row per type.
        let mut edge = vec![0f32; t_dim * hd];
        for t in 0..t_dim {
            for c in 0..hd {
                edge[t * hd + c] = layer.edge_weight[c * t_dim + t];
            }
        }
        let pass = GatPass {
            layer,
            edge: &edge,
            incoming: graph.incoming(),
            h,
            xs,
            hd,
            heads,
            c_dim: self.config.head_dim(),
            slope: self.config.negative_slope,
            ln_eps: self.config.ln_eps,
        };
        par_chunks(
            next,
            hd,
            threads,
            || GatScratch {
                xd: vec![0f32; CHUNK * hd],
                base: vec![0f32; t_dim * hd],
                scores: Vec::new(),
                max: vec![0f32; heads],
                sum: vec![0f32; heads],
                acc: vec![0f32; hd],
            },
            |row0, out, s| kernels.gat_chunk(&pass, row0, out, s),
        );
    }
}

/// Which compiled variant of the kernels a pass runs: the same Rust code,
/// compiled once for the baseline target and once with AVX2 and FMA enabled
/// (chosen at run time, since the crate is built for baseline x86-64). The
/// element-wise and per-row arithmetic is the same in both; the dense
/// layers differ in rounding only (the AVX2 kernel fuses multiply and add,
/// the portable one is `matrixmultiply::sgemm`, which picks its own kernel),
/// so results agree to rounding across machines and are bit-identical for
/// any thread count on one machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernels {
    Portable,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx2Fma,
}

impl Kernels {
    /// The fastest variant this CPU runs.
    pub(crate) fn detect() -> Kernels {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Kernels::Avx2Fma;
        }
        Kernels::Portable
    }

    /// `out[rows × outputs] = x[rows × inputs] · Wᵀ + b`.
    fn linear(self, x: &[f32], rows: usize, layer: &Linear, out: &mut [f32]) {
        match self {
            Kernels::Portable => linear_sgemm(x, rows, layer, out),
            // SAFETY: `detect` chose this variant only on a CPU with AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2Fma => unsafe { linear_avx2(x, rows, layer, out) },
            #[cfg(not(target_arch = "x86_64"))]
            Kernels::Avx2Fma => linear_sgemm(x, rows, layer, out),
        }
    }

    fn gin_chunk(self, p: &GinPass, row0: usize, out: &mut [f32], z: &mut [f32], z1: &mut [f32]) {
        match self {
            Kernels::Portable => p.chunk::<false>(row0, out, z, z1),
            // SAFETY: as in `linear`.
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2Fma => unsafe { gin_chunk_avx2(p, row0, out, z, z1) },
            #[cfg(not(target_arch = "x86_64"))]
            Kernels::Avx2Fma => p.chunk::<false>(row0, out, z, z1),
        }
    }

    fn gat_chunk(self, p: &GatPass, row0: usize, out: &mut [f32], s: &mut GatScratch) {
        match self {
            Kernels::Portable => p.chunk::<false>(row0, out, s),
            // SAFETY: as in `linear`.
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2Fma => unsafe { gat_chunk_avx2(p, row0, out, s) },
            #[cfg(not(target_arch = "x86_64"))]
            Kernels::Avx2Fma => p.chunk::<false>(row0, out, s),
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn linear_avx2(x: &[f32], rows: usize, layer: &Linear, out: &mut [f32]) {
    linear_blocked(x, rows, layer, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gin_chunk_avx2(p: &GinPass, row0: usize, out: &mut [f32], z: &mut [f32], z1: &mut [f32]) {
    p.chunk::<true>(row0, out, z, z1)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gat_chunk_avx2(p: &GatPass, row0: usize, out: &mut [f32], s: &mut GatScratch) {
    p.chunk::<true>(row0, out, s)
}

/// `linear_blocked` when `FAST` (inlined into an AVX2 + FMA caller), else sgemm.
#[inline(always)]
fn dense<const FAST: bool>(x: &[f32], rows: usize, layer: &Linear, out: &mut [f32]) {
    if FAST {
        linear_blocked(x, rows, layer, out)
    } else {
        linear_sgemm(x, rows, layer, out)
    }
}

/// What a GINE layer's chunks share.
struct GinPass<'a> {
    layer: &'a GinLayer,
    /// `e(t)`, one row of H per type.
    edge: &'a [f32],
    incoming: &'a Incoming,
    h: &'a [f32],
    hd: usize,
    ln_eps: f32,
}

impl GinPass<'_> {
    /// Rows `row0..` of the next hidden states into `out`; `z`, `z1` are
    /// scratch of at least `out.len()` floats.
    #[inline(always)]
    fn chunk<const FAST: bool>(&self, row0: usize, out: &mut [f32], z: &mut [f32], z1: &mut [f32]) {
        let (hd, h, incoming, edge) = (self.hd, self.h, self.incoming, self.edge);
        let self_weight = 1.0 + self.layer.eps;
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
        dense::<FAST>(z, rows, &self.layer.mlp1, z1);
        relu(z1);
        dense::<FAST>(z1, rows, &self.layer.mlp2, z);
        let h_rows = &h[row0 * hd..(row0 + rows) * hd];
        for ((o, hr), zr) in out
            .chunks_exact_mut(hd)
            .zip(h_rows.chunks_exact(hd))
            .zip(z.chunks_exact(hd))
        {
            residual_layer_norm(hr, zr, &self.layer.norm, self.ln_eps, o);
        }
    }
}

/// What a GATv2 layer's chunks share.
struct GatPass<'a> {
    layer: &'a GatLayer,
    /// `edge.weight[:, t]`, one row of H per type.
    edge: &'a [f32],
    incoming: &'a Incoming,
    h: &'a [f32],
    /// `lin_src(h)` of every node.
    xs: &'a [f32],
    hd: usize,
    heads: usize,
    c_dim: usize,
    slope: f32,
    ln_eps: f32,
}

/// A GATv2 worker's scratch.
struct GatScratch {
    xd: Vec<f32>,
    /// `xd_i + edge.weight[:, t]` for each type t.
    base: Vec<f32>,
    /// `score[e * K + k]` for the edges of the current node.
    scores: Vec<f32>,
    max: Vec<f32>,
    sum: Vec<f32>,
    acc: Vec<f32>,
}

impl GatPass<'_> {
    /// Rows `row0..` of the next hidden states into `out`.
    #[inline(always)]
    fn chunk<const FAST: bool>(&self, row0: usize, out: &mut [f32], s: &mut GatScratch) {
        let (hd, heads, c_dim) = (self.hd, self.heads, self.c_dim);
        let (h, xs, incoming, layer) = (self.h, self.xs, self.incoming, self.layer);
        let rows = out.len() / hd;
        let xd = &mut s.xd[..rows * hd];
        let h_rows = &h[row0 * hd..(row0 + rows) * hd];
        dense::<FAST>(h_rows, rows, &layer.lin_dst, xd);
        for r in 0..rows {
            let i = row0 + r;
            let xdi = &xd[r * hd..(r + 1) * hd];
            for (base_t, edge_t) in s.base.chunks_exact_mut(hd).zip(self.edge.chunks_exact(hd)) {
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
                        self.slope,
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
                for ((sc, &m), total) in score.iter_mut().zip(&s.max).zip(s.sum.iter_mut()) {
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
                self.ln_eps,
                &mut out[r * hd..(r + 1) * hd],
            );
        }
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
fn linear_sgemm(x: &[f32], rows: usize, layer: &Linear, out: &mut [f32]) {
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

/// Rows of a register block of [`linear_blocked`].
const BLOCK_ROWS: usize = 4;
/// Columns of a register block of [`linear_blocked`] (two AVX2 vectors).
const BLOCK_COLS: usize = 16;

/// `out[rows × outputs] = x[rows × inputs] · Wᵀ + b`, register-blocked:
/// `BLOCK_ROWS × BLOCK_COLS` accumulators stay in registers while the inner
/// loop walks the inputs, reading `Wᵀ` (16 KiB for 64 × 64, in L1) row by
/// row and `x` by broadcast. At these shapes (a few hundred rows, 64
/// columns) this beats `sgemm`, whose packing of both operands costs about
/// as much as the product. Each output is `b + Σ_i x_i·w_i` in input order,
/// with `f32::mul_add` (one rounding per term); called from an FMA-enabled
/// function, that is one instruction.
#[inline(always)]
fn linear_blocked(x: &[f32], rows: usize, layer: &Linear, out: &mut [f32]) {
    let (k, n) = (layer.inputs, layer.outputs);
    assert!(x.len() == rows * k && out.len() == rows * n && layer.weight_t.len() == k * n);
    let (wt, bias) = (&layer.weight_t[..], &layer.bias[..]);
    let whole_cols = n / BLOCK_COLS * BLOCK_COLS;
    let mut r = 0;
    while r + BLOCK_ROWS <= rows {
        let xb = &x[r * k..(r + BLOCK_ROWS) * k];
        for c0 in (0..whole_cols).step_by(BLOCK_COLS) {
            let mut acc = [[0f32; BLOCK_COLS]; BLOCK_ROWS];
            for row in &mut acc {
                row.copy_from_slice(&bias[c0..c0 + BLOCK_COLS]);
            }
            for i in 0..k {
                let w: &[f32; BLOCK_COLS] =
                    wt[i * n + c0..i * n + c0 + BLOCK_COLS].try_into().unwrap();
                for (rr, row) in acc.iter_mut().enumerate() {
                    let xv = xb[rr * k + i];
                    for (a, &wv) in row.iter_mut().zip(w) {
                        *a = xv.mul_add(wv, *a);
                    }
                }
            }
            for (rr, row) in acc.iter().enumerate() {
                out[(r + rr) * n + c0..(r + rr) * n + c0 + BLOCK_COLS].copy_from_slice(row);
            }
        }
        for rr in r..r + BLOCK_ROWS {
            linear_row_tail(
                &x[rr * k..(rr + 1) * k],
                layer,
                whole_cols,
                &mut out[rr * n..(rr + 1) * n],
            );
        }
        r += BLOCK_ROWS;
    }
    for rr in r..rows {
        let xr = &x[rr * k..(rr + 1) * k];
        let or = &mut out[rr * n..(rr + 1) * n];
        for c0 in (0..whole_cols).step_by(BLOCK_COLS) {
            let mut acc = [0f32; BLOCK_COLS];
            acc.copy_from_slice(&bias[c0..c0 + BLOCK_COLS]);
            for (i, &xv) in xr.iter().enumerate() {
                let w = &wt[i * n + c0..i * n + c0 + BLOCK_COLS];
                for (a, &wv) in acc.iter_mut().zip(w) {
                    *a = xv.mul_add(wv, *a);
                }
            }
            or[c0..c0 + BLOCK_COLS].copy_from_slice(&acc);
        }
        linear_row_tail(xr, layer, whole_cols, or);
    }
}

/// Columns `from..` of one output row of [`linear_blocked`], one at a time.
#[inline(always)]
fn linear_row_tail(x: &[f32], layer: &Linear, from: usize, out: &mut [f32]) {
    let n = layer.outputs;
    for (c, o) in out.iter_mut().enumerate().skip(from) {
        let mut a = layer.bias[c];
        for (i, &xv) in x.iter().enumerate() {
            a = xv.mul_add(layer.weight_t[i * n + c], a);
        }
        *o = a;
    }
}

#[inline]
fn relu(x: &mut [f32]) {
    for v in x {
        *v = v.max(0.0);
    }
}

/// `Σ_c f(a[c], b[c])` in eight interleaved lanes, combined pairwise, so
/// that it vectorises (a single running sum may not be reordered by the
/// compiler, and its 64 dependent additions per row would cost more than
/// the rest of the row's work). Requires `a.len() == b.len()`.
#[inline(always)]
fn lane_sum(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> f32) -> f32 {
    const LANES: usize = 8;
    let mut lanes = [0f32; LANES];
    let (a8, b8) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (a_rest, b_rest) = (a8.remainder(), b8.remainder());
    for (x, y) in a8.zip(b8) {
        for l in 0..LANES {
            lanes[l] += f(x[l], y[l]);
        }
    }
    for (l, (&x, &y)) in a_rest.iter().zip(b_rest).enumerate() {
        lanes[l] += f(x, y);
    }
    ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5]))
        + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]))
}

/// `out = LayerNorm(h + ReLU(update))` over one node's H values, population
/// variance, as torch's `LayerNorm` (sums in [`lane_sum`]'s order).
#[inline(always)]
fn residual_layer_norm(h: &[f32], update: &[f32], norm: &LayerNorm, eps: f32, out: &mut [f32]) {
    for ((o, &x), &u) in out.iter_mut().zip(h).zip(update) {
        *o = x + u.max(0.0);
    }
    let width = out.len() as f32;
    let mean = lane_sum(out, out, |v, _| v) / width;
    let var = lane_sum(out, out, |v, _| (v - mean) * (v - mean)) / width;
    let inv = 1.0 / (var + eps).sqrt();
    for ((o, &w), &b) in out.iter_mut().zip(&norm.weight).zip(&norm.bias) {
        *o = (*o - mean) * inv * w + b;
    }
}

#[cfg(test)]
#[path = "forward_tests.rs"]
mod tests;
