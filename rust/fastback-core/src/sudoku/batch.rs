//! Many puzzles at once, on several threads.
//!
//! Why here and not in the bindings: the thread pool, the interrupt protocol
//! and the ordering guarantee are the same for every caller (Python, the
//! CLI through Python, Rust users), so they live once, in Rust.
//!
//! Contract:
//! - results come back in input order, and each puzzle's result depends
//!   only on that puzzle: the same for any thread count;
//! - work is handed out in chunks of consecutive puzzles from a shared
//!   counter, so slow puzzles do not idle the other threads;
//! - the calling thread does not solve: it waits for the chunks and calls
//!   `interrupt` every [`POLL`]; once that returns true the workers stop
//!   after their current puzzle (searches also poll a stop flag every 1024
//!   guesses, so a single long puzzle stops too) and the call returns
//!   `Err(Interrupted)`. With one thread and a batch of at most one chunk
//!   the work runs on the calling thread, which then polls `interrupt`
//!   itself between puzzles and inside the search: a single `solve` pays no
//!   thread start.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::grid::BoxSize;
use super::{fast9, general};

/// How often the calling thread polls `interrupt` while workers run.
pub const POLL: Duration = Duration::from_millis(20);

/// Puzzles per chunk handed to a worker (fewer when the batch is small).
const CHUNK: usize = 64;

/// The batch was interrupted; no results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupted;

/// Puzzles as one flat buffer of cell values (0 empty), puzzle `k` being
/// `values[offsets[k]..offsets[k + 1]]`; each puzzle's size follows from
/// its length, so sizes may be mixed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PuzzleSet {
    pub values: Vec<u8>,
    pub offsets: Vec<usize>,
}

impl PuzzleSet {
    pub fn new() -> PuzzleSet {
        PuzzleSet { values: Vec::new(), offsets: vec![0] }
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puzzle `k`'s values.
    pub fn get(&self, k: usize) -> &[u8] {
        &self.values[self.offsets[k]..self.offsets[k + 1]]
    }

    /// Appends a puzzle (checked by the caller: a supported length, values ≤ n).
    pub fn push(&mut self, values: &[u8]) {
        self.values.extend_from_slice(values);
        self.offsets.push(self.values.len());
    }
}

/// Results of [`solve_batch`], in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchResult {
    /// Solutions found per puzzle, up to the limit.
    pub counts: Vec<u64>,
    /// Guesses per puzzle.
    pub guesses: Vec<u64>,
    /// The first solution of each puzzle, laid out like the input values;
    /// all zeros for a puzzle without one.
    pub solutions: Vec<u8>,
}

/// Solves (`limit` = 1) or counts solutions up to `limit` for every puzzle
/// of `set`, on `threads` threads (0: one per core).
///
/// Preconditions: each puzzle has 16, 81, 256 or 625 values, each ≤ n
/// (`PuzzleSet` users check this when parsing; violations panic).
/// Cost: the sum of the puzzles' solve times divided by the threads, plus
/// a thread start per thread (tens of microseconds).
pub fn solve_batch(
    set: &PuzzleSet,
    limit: u64,
    threads: usize,
    interrupt: &mut dyn FnMut() -> bool,
) -> Result<BatchResult, Interrupted> {
    let parts = par_chunks(set.len(), threads, interrupt, |range, stop| {
        let mut part = BatchResult {
            counts: Vec::with_capacity(range.len()),
            guesses: Vec::with_capacity(range.len()),
            solutions: Vec::with_capacity(set.offsets[range.end] - set.offsets[range.start]),
        };
        for k in range {
            let values = set.get(k);
            let size = BoxSize::from_cells(values.len()).expect("a supported puzzle length");
            let (count, guesses, interrupted) = if size == BoxSize::THREE {
                let out = fast9::count(values, limit, &mut *stop);
                match &out.solution {
                    Some(s) => part.solutions.extend_from_slice(s),
                    None => part.solutions.extend_from_slice(&[0; 81]),
                }
                (out.count, out.guesses, out.interrupted)
            } else {
                let mut limits = general::Limits { solutions: limit.max(1), guesses: u64::MAX, stop: &mut *stop, rng: None };
                let out = general::count(size, values, &mut limits);
                match &out.solution {
                    Some(s) => part.solutions.extend_from_slice(s),
                    None => part.solutions.resize(part.solutions.len() + values.len(), 0),
                }
                (out.count, out.guesses, out.interrupted)
            };
            if interrupted {
                return None;
            }
            part.counts.push(count);
            part.guesses.push(guesses);
        }
        Some(part)
    })?;
    let mut all = BatchResult {
        counts: Vec::with_capacity(set.len()),
        guesses: Vec::with_capacity(set.len()),
        solutions: Vec::with_capacity(set.values.len()),
    };
    for part in parts {
        all.counts.extend_from_slice(&part.counts);
        all.guesses.extend_from_slice(&part.guesses);
        all.solutions.extend_from_slice(&part.solutions);
    }
    Ok(all)
}

/// Runs `work` on consecutive chunks of `0..n` and returns the chunks'
/// results in order. `work` gets a stop callback for its inner loops and
/// returns `None` when that callback stopped it.
pub fn par_chunks<T: Send>(
    n: usize,
    threads: usize,
    interrupt: &mut dyn FnMut() -> bool,
    work: impl Fn(std::ops::Range<usize>, &mut dyn FnMut() -> bool) -> Option<T> + Sync,
) -> Result<Vec<T>, Interrupted> {
    let wanted = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    // Small batches get smaller chunks so that every thread has work.
    let chunk = (n / (wanted * 4)).clamp(1, CHUNK);
    let chunks = n.div_ceil(chunk);
    let threads = wanted.clamp(1, chunks.max(1));
    let range = |c: usize| c * chunk..((c + 1) * chunk).min(n);

    if threads == 1 {
        let mut out = Vec::with_capacity(chunks);
        for c in 0..chunks {
            if interrupt() {
                return Err(Interrupted);
            }
            match work(range(c), &mut *interrupt) {
                Some(t) => out.push(t),
                None => return Err(Interrupted),
            }
        }
        return Ok(out);
    }

    let next = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    let mut slots: Vec<Option<T>> = (0..chunks).map(|_| None).collect();
    let (tx, rx) = mpsc::channel::<(usize, Option<T>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stopped, work) = (&next, &stopped, &work);
            scope.spawn(move || loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= chunks || stopped.load(Ordering::Relaxed) {
                    return;
                }
                let result = work(range(c), &mut || stopped.load(Ordering::Relaxed));
                if tx.send((c, result)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut received = 0;
        while received < chunks {
            match rx.recv_timeout(POLL) {
                Ok((c, result)) => {
                    received += 1;
                    match result {
                        Some(t) => slots[c] = Some(t),
                        None => stopped.store(true, Ordering::Relaxed),
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // Every worker has returned (after a stop).
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if !stopped.load(Ordering::Relaxed) && interrupt() {
                stopped.store(true, Ordering::Relaxed);
            }
        }
    });
    if stopped.load(Ordering::Relaxed) {
        return Err(Interrupted);
    }
    Ok(slots.into_iter().map(|s| s.expect("every chunk was received")).collect())
}
