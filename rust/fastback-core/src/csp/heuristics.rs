//! Branching heuristics: which variable to branch on, and which value first.
//!
//! Variable orders (fail first: pick the variable most likely to fail soon,
//! so refutations stay shallow):
//! - input: the first unfixed variable in declaration order;
//! - MRV: the smallest domain;
//! - dom/deg: the smallest domain / number of constraints on it;
//! - dom/wdeg (Boussemart, Hemery, Lecoutre, Sais 2004): the smallest
//!   domain / weighted degree, where a constraint's weight counts its
//!   failures; the search learns where the conflicts are. See
//!   `engine.rs` for how weights are kept.
//!
//! Only the user's variables are considered while any is unfixed; auxiliary
//! booleans (reification) come after, and are normally fixed by then.
//! Ties go to the earlier variable, or at random with a non-zero seed.
//!
//! Value orders decide the first branch: `x == min`, `x == max`,
//! `x == median`, `x == random value`, or a domain split `x <= middle`.
//! Every decision is a literal whose negation is the other branch (binary
//! branching), which is what the restart nogoods are made of.

use super::engine::Engine;
use super::options::{VAL_MAX, VAL_MEDIAN, VAL_RANDOM, VAL_SPLIT, VAR_DOM_DEG, VAR_DOM_WDEG, VAR_INPUT, VAR_MRV};
use super::types::{Lit, LitKind, VarId};

/// A small, fast, seedable generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

/// The variable to branch on, or None when every variable is fixed.
pub fn select_var(e: &Engine, user: &[VarId], aux: &[VarId], order: i64, rng: Option<&mut Rng>) -> Option<VarId> {
    let mut rng = rng;
    select_among(e, user, order, rng.as_deref_mut()).or_else(|| select_among(e, aux, order, rng))
}

fn select_among(e: &Engine, vars: &[VarId], order: i64, mut rng: Option<&mut Rng>) -> Option<VarId> {
    let s = &e.store;
    if order == VAR_INPUT {
        return vars.iter().copied().find(|&x| !s.is_fixed(x));
    }
    let mut best: Option<VarId> = None;
    let mut best_score = f64::INFINITY;
    let mut ties = 0u64;
    for &x in vars {
        let size = s.size(x);
        if size == 1 {
            continue;
        }
        let score = match order {
            VAR_MRV => size as f64,
            VAR_DOM_DEG => size as f64 / (e.var_degree[x.index()].max(1) as f64),
            VAR_DOM_WDEG => size as f64 / e.var_wdeg[x.index()].max(0.5),
            _ => size as f64,
        };
        if score < best_score {
            best = Some(x);
            best_score = score;
            ties = 1;
        } else if score == best_score {
            if let Some(r) = rng.as_deref_mut() {
                ties += 1;
                if r.below(ties) == 0 {
                    best = Some(x);
                }
            }
        }
    }
    best
}

/// The first branch for `x` (unfixed) under value order `order`.
pub fn select_value(e: &Engine, x: VarId, order: i64, rng: &mut Rng) -> Lit {
    let s = &e.store;
    match order {
        VAL_MAX => Lit::new(x, LitKind::Eq, s.max(x)),
        VAL_MEDIAN => {
            let k = (s.size(x) as usize - 1) / 2;
            Lit::new(x, LitKind::Eq, s.values(x).nth(k).expect("k < size"))
        }
        VAL_RANDOM => {
            let k = rng.below(s.size(x) as u64) as usize;
            Lit::new(x, LitKind::Eq, s.values(x).nth(k).expect("k < size"))
        }
        VAL_SPLIT => {
            let (lo, hi) = (s.min(x), s.max(x));
            Lit::new(x, LitKind::Le, lo + (hi - lo) / 2)
        }
        _ => Lit::new(x, LitKind::Eq, s.min(x)),
    }
}
