//! Incremental matching: feed text as it is generated, learn of each match as
//! soon as it is final, and return to any earlier point in O(1).
//!
//! A [`Stream`] holds the text fed so far, the automaton state, the match
//! kind's undecided candidates and at most one *deferred* match state. It
//! reports exactly what [`Matcher::find_all`] reports on the whole text, each
//! match at the earliest moment it is final:
//!
//! - a phrase ending in a word character, in whole-word mode, needs the next
//!   code point (or [`Stream::finish`]) before its end boundary is known, so
//!   its state is deferred until then. All phrases ending in one state end in
//!   the same code point, so one deferred state is enough;
//! - leftmost kinds report a candidate once nothing can displace it (see
//!   `resolve`).
//!
//! [`Stream::safe_end`] is the hold-back a sampler needs: every code point
//! before it is final (no match reported later starts before it). It is the
//! smallest of `position - reach(state)` (the longest tail that could still
//! grow into a phrase, which covers the deferred state too) and the earliest
//! undecided candidate.
//!
//! Snapshots and rollback. A [`Snapshot`] records the scalar state (position,
//! byte length, automaton state, deferred state, finished flag) and the
//! undecided candidates (none for the overlapping and standard kinds, a few
//! at most otherwise). Rolling back truncates the text and restores those
//! fields: O(1) in the text length. A snapshot stays valid as long as the text
//! before its position is unchanged. The stream records each rollback as a
//! *rewrite* at the position it returned to, with an increasing generation;
//! a snapshot taken at generation `g` and position `p` is stale when a rewrite
//! at a position below `p` has a generation above `g`. The rewrite list stays
//! sorted by position and generation (a rollback to `p` drops the entries at
//! or after `p`: any snapshot they could invalidate is invalidated by the new
//! entry too), so the check is one binary search.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::automaton::StateId;
use super::resolve::{Match, Resolver};
use super::Matcher;

/// Why a stream operation was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamError {
    /// `feed` after `finish` (roll back to a snapshot taken before it first).
    Finished,
    /// The snapshot belongs to another stream.
    ForeignSnapshot,
    /// The text before the snapshot's position has been rolled back over and
    /// rewritten since it was taken, or it lies beyond the current position.
    StaleSnapshot { snapshot: usize, position: usize },
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Finished => write!(f, "the stream is finished; roll back to a snapshot taken before finish() to feed more"),
            StreamError::ForeignSnapshot => write!(f, "the snapshot was taken from another stream"),
            StreamError::StaleSnapshot { snapshot, position } => write!(
                f,
                "the snapshot at position {snapshot} is stale: the stream (now at {position}) has been rolled back before it and fed other text since"
            ),
        }
    }
}

impl std::error::Error for StreamError {}

static NEXT_STREAM_ID: AtomicU64 = AtomicU64::new(1);

/// The state a rollback restores.
#[derive(Clone, Debug)]
pub struct Snapshot {
    stream: u64,
    generation: u64,
    position: usize,
    bytes: usize,
    state: StateId,
    deferred: bool,
    finished: bool,
    resolver: Resolver,
}

impl Snapshot {
    /// The stream position (code points) the snapshot was taken at.
    pub fn position(&self) -> usize {
        self.position
    }
}

/// A streaming matcher over a shared [`Matcher`].
#[derive(Clone, Debug)]
pub struct Stream {
    matcher: Arc<Matcher>,
    id: u64,
    text: String,
    position: usize,
    state: StateId,
    /// Whether `state`'s matches wait for the next code point (whole-word
    /// mode, phrases ending in a word character).
    deferred: bool,
    finished: bool,
    resolver: Resolver,
    generation: u64,
    /// (position, generation) of each rollback still relevant, both increasing.
    rewrites: Vec<(usize, u64)>,
}

impl Stream {
    /// An empty stream.
    pub fn new(matcher: Arc<Matcher>) -> Stream {
        let state = matcher.automaton.start();
        let resolver = Resolver::new(matcher.kind);
        Stream {
            matcher,
            id: NEXT_STREAM_ID.fetch_add(1, Ordering::Relaxed),
            text: String::new(),
            position: 0,
            state,
            deferred: false,
            finished: false,
            resolver,
            generation: 0,
            rewrites: Vec::new(),
        }
    }

    pub fn matcher(&self) -> &Arc<Matcher> {
        &self.matcher
    }

    /// Appends `text`, pushing onto `out` the matches that became final, with
    /// offsets from the start of the stream. Errors: the stream is finished.
    /// Cost: linear in `text` plus the occurrences.
    pub fn feed(&mut self, text: &str, out: &mut Vec<Match>) -> Result<(), StreamError> {
        if self.finished {
            return Err(StreamError::Finished);
        }
        let m = Arc::clone(&self.matcher);
        let a = &m.automaton;
        for c in text.chars() {
            self.text.push(c);
            if self.deferred {
                self.deferred = false;
                let end_byte = self.text.len() - c.len_utf8();
                m.offer_matches(self.state, self.position, end_byte, self.text.as_bytes(), true, &mut self.resolver, out);
            }
            self.state = a.next_char(self.state, c);
            self.position += 1;
            if a.is_match(self.state) {
                if m.whole_words && self.ends_in_word_char() {
                    self.deferred = true;
                } else {
                    let end_byte = self.text.len();
                    m.offer_matches(self.state, self.position, end_byte, self.text.as_bytes(), false, &mut self.resolver, out);
                }
            }
            if self.resolver.defers() {
                let frontier = self.frontier();
                self.resolver.settle(frontier, out);
            }
        }
        Ok(())
    }

    /// Ends the input: reports what was waiting for a following code point or
    /// for the end. Feeding again needs a rollback to before the finish.
    /// Finishing twice is harmless.
    pub fn finish(&mut self, out: &mut Vec<Match>) {
        if self.finished {
            return;
        }
        if self.deferred {
            self.deferred = false;
            let m = Arc::clone(&self.matcher);
            m.offer_matches(self.state, self.position, self.text.len(), self.text.as_bytes(), true, &mut self.resolver, out);
        }
        self.resolver.settle(usize::MAX, out);
        self.finished = true;
    }

    fn ends_in_word_char(&self) -> bool {
        let a = &self.matcher.automaton;
        a.outputs(self.state).first().is_some_and(|p| a.patterns[p.0 as usize].last_word)
    }

    /// Code points fed so far.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Every code point before this is final: no match reported from now on
    /// starts before it. Equals `position()` once finished.
    pub fn safe_end(&self) -> usize {
        if self.finished {
            return self.position;
        }
        let frontier = self.frontier();
        self.resolver.earliest_pending().map_or(frontier, |p| p.min(frontier))
    }

    /// No candidate offered from now on starts before this: the automaton's
    /// reach, and the longest phrase of a deferred state (a leaf's reach does
    /// not cover its own phrases).
    fn frontier(&self) -> usize {
        let a = &self.matcher.automaton;
        let mut frontier = self.position - a.reach(self.state);
        if self.deferred {
            if let Some(p) = a.outputs(self.state).first() {
                frontier = frontier.min(self.position - a.patterns[p.0 as usize].chars as usize);
            }
        }
        frontier
    }

    /// The text fed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The current state, to return to with [`rollback`](Self::rollback).
    /// Cost: O(1) plus the undecided candidates of the leftmost kinds.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            stream: self.id,
            generation: self.generation,
            position: self.position,
            bytes: self.text.len(),
            state: self.state,
            deferred: self.deferred,
            finished: self.finished,
            resolver: self.resolver.clone(),
        }
    }

    /// Returns to `snapshot` exactly (text truncated, finish undone). Matches
    /// already reported are not taken back: the caller forgets every match
    /// reported since the snapshot was taken. (Not only those ending after
    /// its position: a match ending exactly there may have been waiting for
    /// the next code point, or for a longer rival, and become void once other
    /// text follows.)
    ///
    /// Errors: the snapshot is from another stream, lies beyond the current
    /// position, or the text before it has been rolled back over and rewritten
    /// since it was taken (see the module doc). Cost: O(log rollbacks).
    pub fn rollback(&mut self, snapshot: &Snapshot) -> Result<(), StreamError> {
        if snapshot.stream != self.id {
            return Err(StreamError::ForeignSnapshot);
        }
        let stale = StreamError::StaleSnapshot { snapshot: snapshot.position, position: self.position };
        if snapshot.position > self.position {
            return Err(stale);
        }
        let before = self.rewrites.partition_point(|&(p, _)| p < snapshot.position);
        if before > 0 && self.rewrites[before - 1].1 > snapshot.generation {
            return Err(stale);
        }
        self.text.truncate(snapshot.bytes);
        self.position = snapshot.position;
        self.state = snapshot.state;
        self.deferred = snapshot.deferred;
        self.finished = snapshot.finished;
        self.resolver = snapshot.resolver.clone();
        self.generation += 1;
        self.rewrites.truncate(before);
        self.rewrites.push((snapshot.position, self.generation));
        Ok(())
    }

    /// Back to the empty stream (earlier snapshots become stale).
    pub fn reset(&mut self) {
        self.text.clear();
        self.position = 0;
        self.state = self.matcher.automaton.start();
        self.deferred = false;
        self.finished = false;
        self.resolver = Resolver::new(self.matcher.kind);
        self.generation += 1;
        self.rewrites.clear();
        self.rewrites.push((0, self.generation));
    }
}
