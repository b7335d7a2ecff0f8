//! Difficulty rating: which human techniques a puzzle needs, and how much
//! search a solver does on it.
//!
//! What the rating measures, precisely:
//!
//! 1. A logical solver applies, always starting again from the simplest,
//!    the first technique family that makes progress: naked singles, hidden
//!    singles, locked candidates (pointing and claiming), naked subsets
//!    (pairs and triples), hidden subsets (pairs and triples). It counts the
//!    deductions of each family (cells placed for singles, candidates
//!    removed for the others).
//! 2. The [`Level`] is the hardest family it needed; when these techniques
//!    alone do not finish the grid, the level is [`Level::Expert`]
//!    ("needs search or techniques beyond subsets").
//! 3. `guesses` is the number of guesses the solver (`count_solutions`,
//!    limit 2) makes to find the solution and prove it unique — the search
//!    effort, independent of the human techniques. `solutions` is that
//!    count; the levels only mean something when it is 1.
//!
//! The logical solver is written for clarity (a fresh candidate grid,
//! plain loops over units), not speed: rating one 9×9 puzzle takes tens of
//! microseconds, a 25×25 one milliseconds.

use super::general::Topology;
use super::grid::Grid;

/// The hardest technique family a puzzle needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Nothing to do: every cell is given.
    Given = 0,
    /// Naked and hidden singles.
    Easy = 1,
    /// Also locked candidates.
    Medium = 2,
    /// Also naked or hidden pairs and triples.
    Hard = 3,
    /// Not finished by the above: needs search (or stronger techniques).
    Expert = 4,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Given => "given",
            Level::Easy => "easy",
            Level::Medium => "medium",
            Level::Hard => "hard",
            Level::Expert => "expert",
        }
    }

    pub fn from_index(i: i64) -> Option<Level> {
        [Level::Given, Level::Easy, Level::Medium, Level::Hard, Level::Expert].get(usize::try_from(i).ok()?).copied()
    }
}

/// The technique families, in the order they are tried.
pub const TECHNIQUES: [&str; 5] =
    ["naked_single", "hidden_single", "locked_candidates", "naked_subset", "hidden_subset"];

/// A puzzle's rating (see the module doc for what each field measures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    pub level: Level,
    /// Deductions per technique family, indexed like [`TECHNIQUES`].
    pub steps: [u32; 5],
    /// Guesses of the solver to find the solution and prove it unique.
    pub guesses: u64,
    /// Solutions, counted up to 2.
    pub solutions: u64,
    /// Number of givens.
    pub givens: usize,
}

/// Rates `puzzle`. Cost: one solver call (limit 2) plus the logical solver
/// (polynomial: O(n⁵) per round for the subset searches, rounds ≤ n³).
pub fn rate(puzzle: &Grid) -> Rating {
    let counted = super::count_solutions(puzzle, 2, &mut || false);
    let mut logic = Logic::new(puzzle);
    let mut steps = [0u32; 5];
    let mut hardest = if puzzle.givens() == puzzle.values().len() { Level::Given } else { Level::Easy };
    let finished = loop {
        if logic.contradiction {
            break false;
        }
        if logic.solved() {
            break true;
        }
        let progress = [
            Logic::naked_singles as fn(&mut Logic) -> u32,
            Logic::hidden_singles,
            Logic::locked_candidates,
            |l: &mut Logic| l.naked_subsets(),
            |l: &mut Logic| l.hidden_subsets(),
        ]
        .iter()
        .enumerate()
        .find_map(|(k, technique)| {
            let n = technique(&mut logic);
            (n > 0).then_some((k, n))
        });
        match progress {
            Some((k, n)) => {
                steps[k] += n;
                let level = match k {
                    0 | 1 => Level::Easy,
                    2 => Level::Medium,
                    _ => Level::Hard,
                };
                hardest = hardest.max(level);
            }
            None => break false,
        }
    };
    Rating {
        level: if finished { hardest } else { Level::Expert },
        steps,
        guesses: counted.guesses,
        solutions: counted.count,
        givens: puzzle.givens(),
    }
}

/// The logical solver's state: candidate masks, and which cells have had
/// their digit removed from their peers.
struct Logic {
    topo: &'static Topology,
    cand: Vec<u32>,
    placed: Vec<bool>,
    contradiction: bool,
}

impl Logic {
    /// Candidates after removing each given's digit from its peers (the
    /// bookkeeping every technique assumes, not a technique itself).
    fn new(puzzle: &Grid) -> Logic {
        let topo = Topology::of(puzzle.size());
        let all = (1u32 << topo.side()) - 1;
        let mut l = Logic {
            topo,
            cand: puzzle.values().iter().map(|&v| if v == 0 { all } else { 1 << (v - 1) }).collect(),
            placed: vec![false; puzzle.values().len()],
            contradiction: false,
        };
        for (i, &v) in puzzle.values().iter().enumerate() {
            if v != 0 {
                l.place(i);
            }
        }
        l
    }

    fn solved(&self) -> bool {
        self.placed.iter().all(|&p| p)
    }

    /// Marks cell `i` (one candidate left) placed and clears its peers.
    fn place(&mut self, i: usize) {
        self.placed[i] = true;
        let v = self.cand[i];
        for &p in &self.topo.peers[i] {
            let p = p as usize;
            if self.cand[p] & v != 0 {
                self.cand[p] &= !v;
                if self.cand[p] == 0 {
                    self.contradiction = true;
                }
            }
        }
    }

    fn naked_singles(&mut self) -> u32 {
        let mut n = 0;
        for i in 0..self.cand.len() {
            if !self.placed[i] && self.cand[i].is_power_of_two() {
                self.place(i);
                n += 1;
            }
        }
        n
    }

    fn hidden_singles(&mut self) -> u32 {
        let mut n = 0;
        for u in 0..self.topo.units.len() {
            for d in 0..self.topo.side() {
                let bit = 1u32 << d;
                let mut places = self.topo.units[u].iter().map(|&c| c as usize).filter(|&c| self.cand[c] & bit != 0);
                let (first, second) = (places.next(), places.next());
                match (first, second) {
                    (None, _) => self.contradiction = true,
                    (Some(c), None) if !self.placed[c] => {
                        self.cand[c] = bit;
                        self.place(c);
                        n += 1;
                    }
                    _ => {}
                }
            }
        }
        n
    }

    fn remove(&mut self, cells: &[u16], mask: u32) -> u32 {
        let mut n = 0;
        for &c in cells {
            let c = c as usize;
            let hit = self.cand[c] & mask;
            if hit != 0 {
                n += hit.count_ones();
                self.cand[c] &= !mask;
                if self.cand[c] == 0 {
                    self.contradiction = true;
                }
            }
        }
        n
    }

    fn locked_candidates(&mut self) -> u32 {
        let mut n = 0;
        for k in 0..self.topo.crossings.len() {
            let (cross, rest_box, rest_line) = &self.topo.crossings[k];
            let or = |cells: &[u16]| cells.iter().fold(0u32, |m, &c| m | self.cand[c as usize]);
            let (in_cross, in_box, in_line) = (or(cross), or(rest_box), or(rest_line));
            n += self.remove(rest_line, in_cross & !in_box);
            n += self.remove(rest_box, in_cross & !in_line);
        }
        n
    }

    /// Naked pairs and triples: k unplaced cells of a unit whose candidates
    /// together are k digits; those digits leave the unit's other cells.
    fn naked_subsets(&mut self) -> u32 {
        let mut n = 0;
        for k in 2..=3 {
            for u in 0..self.topo.units.len() {
                let open: Vec<u16> =
                    self.topo.units[u].iter().copied().filter(|&c| !self.placed[c as usize]).collect();
                let masks: Vec<u32> = open.iter().map(|&c| self.cand[c as usize]).collect();
                for chosen in subsets(masks.len(), k) {
                    let union = chosen.iter().fold(0, |m, &i| m | masks[i]);
                    if union.count_ones() as usize == k {
                        let others: Vec<u16> =
                            (0..open.len()).filter(|i| !chosen.contains(i)).map(|i| open[i]).collect();
                        n += self.remove(&others, union);
                    }
                }
                if n > 0 {
                    return n;
                }
            }
        }
        n
    }

    /// Hidden pairs and triples: k digits of a unit that together have k
    /// places; those cells lose every other digit.
    fn hidden_subsets(&mut self) -> u32 {
        let mut n = 0;
        for k in 2..=3 {
            for u in 0..self.topo.units.len() {
                let cells = &self.topo.units[u];
                // Digits not yet placed in the unit, with their places.
                let mut digits = Vec::new();
                for d in 0..self.topo.side() {
                    let bit = 1u32 << d;
                    let places = cells
                        .iter()
                        .enumerate()
                        .filter(|&(_, &c)| self.cand[c as usize] & bit != 0)
                        .fold(0u32, |m, (i, _)| m | 1 << i);
                    let placed_here = cells.iter().any(|&c| self.placed[c as usize] && self.cand[c as usize] == bit);
                    if !placed_here {
                        digits.push((bit, places));
                    }
                }
                for chosen in subsets(digits.len(), k) {
                    let places = chosen.iter().fold(0, |m, &i| m | digits[i].1);
                    if places.count_ones() as usize == k {
                        let keep = chosen.iter().fold(0, |m, &i| m | digits[i].0);
                        let target: Vec<u16> =
                            (0..cells.len()).filter(|i| places >> i & 1 != 0).map(|i| cells[i]).collect();
                        n += self.remove(&target, !keep);
                    }
                }
                if n > 0 {
                    return n;
                }
            }
        }
        n
    }
}

/// All k-element subsets of 0..len, as index lists (k ≤ 3 here).
fn subsets(len: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut current = Vec::with_capacity(k);
    fn rec(start: usize, len: usize, k: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in start..len {
            current.push(i);
            rec(i + 1, len, k, current, out);
            current.pop();
        }
    }
    rec(0, len, k, &mut current, &mut out);
    out
}
