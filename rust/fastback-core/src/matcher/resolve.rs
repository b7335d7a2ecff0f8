//! From candidate occurrences to reported matches, per match kind.
//!
//! The scanners offer every occurrence that passes the word-boundary test, in
//! order of end position (and, at one end, longest first, then by pattern
//! index: the order of a state's outputs). This module decides which of them
//! are reported:
//!
//! - overlapping: all of them, as offered;
//! - standard: the first offered that starts at or after the end of the last
//!   reported match (the earliest end; at that end the longest);
//! - leftmost-first / leftmost-longest: the candidate with the smallest start
//!   among those at or after the last reported end; at equal starts the lowest
//!   pattern index (first) or the longest, then the lowest index (longest).
//!
//! The leftmost kinds cannot decide when a candidate is offered: a candidate
//! ending later may start earlier. They keep the undecided candidates in
//! `pending` and [`Resolver::settle`] reports the best one once the scanner
//! says no future candidate can start at or before it (the *frontier*:
//! `position - reach(state)`, see the automaton's invariants). `pending`
//! only ever holds candidates overlapping the automaton's current window, so
//! it stays as small as the number of phrases that can overlap one spot.

use super::MatchKind;

/// A reported match: code-point offsets `start..end` and the pattern's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub pattern: u32,
}

/// The match-kind decision state; part of a stream's snapshot.
#[derive(Clone, Debug)]
pub(crate) struct Resolver {
    kind: MatchKind,
    last_end: usize,
    pending: Vec<Match>,
}

impl Resolver {
    pub fn new(kind: MatchKind) -> Resolver {
        Resolver { kind, last_end: 0, pending: Vec::new() }
    }

    /// Whether the kind keeps undecided candidates (and so needs `settle`).
    #[inline]
    pub fn defers(&self) -> bool {
        matches!(self.kind, MatchKind::LeftmostFirst | MatchKind::LeftmostLongest)
    }

    /// Offers a candidate; reports it at once when the kind can decide.
    #[inline]
    pub fn offer(&mut self, m: Match, out: &mut Vec<Match>) {
        match self.kind {
            MatchKind::Overlapping => out.push(m),
            MatchKind::Standard => {
                if m.start >= self.last_end {
                    self.last_end = m.end;
                    out.push(m);
                }
            }
            MatchKind::LeftmostFirst | MatchKind::LeftmostLongest => {
                if m.start >= self.last_end {
                    self.pending.push(m);
                }
            }
        }
    }

    /// Reports, in order, every pending candidate that no future candidate
    /// can displace, given that none will start before `frontier`
    /// (`usize::MAX` at the end of the text reports them all).
    pub fn settle(&mut self, frontier: usize, out: &mut Vec<Match>) {
        while let Some(best) = self.best() {
            let m = self.pending[best];
            if m.start >= frontier {
                break;
            }
            out.push(m);
            self.last_end = m.end;
            self.pending.retain(|c| c.start >= m.end);
        }
    }

    fn best(&self) -> Option<usize> {
        let longest = self.kind == MatchKind::LeftmostLongest;
        let key = |m: &Match| (m.start, if longest { usize::MAX - m.end } else { 0 }, m.pattern);
        (0..self.pending.len()).min_by_key(|&k| key(&self.pending[k]))
    }

    /// The smallest start among undecided candidates.
    pub fn earliest_pending(&self) -> Option<usize> {
        self.pending.iter().map(|m| m.start).min()
    }
}
