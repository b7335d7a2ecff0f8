//! Phrase matching: an Aho-Corasick automaton over thousands of phrases, with
//! case folding, Unicode word boundaries, four match kinds, batch scans and a
//! streaming matcher with O(1) snapshots and rollback.
//!
//! Why it exists: the antislop sampler checks, after every generated token,
//! whether a banned phrase has just appeared. Its original implementation
//! re-scans the decoded tail with Python loops; here the check is one DFA
//! step per byte of new text ([`Stream::feed`]), and the sampler's rewinds are
//! [`Stream::rollback`]s.
//!
//! Layout: [`fold`] (case folding, word characters), [`automaton`] (trie,
//! failure links, dense DFA), [`resolve`] (match kinds), [`search`] (batch
//! scans, many texts on threads), [`stream`] (incremental matching).
//!
//! Positions are code-point offsets (Python string indices), never bytes.

pub mod automaton;
pub mod fold;
mod options;
mod resolve;
mod search;
mod stream;

pub use automaton::{Automaton, BuildError, PatternId, StateId};
pub use options::Options;
pub use resolve::Match;
pub use search::Interrupted;
pub use stream::{Snapshot, Stream, StreamError};

/// Which of the overlapping occurrences are reported (see [`resolve`] for
/// the exact rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// Non-overlapping, the earliest-ending match first (classic Aho-Corasick).
    Standard,
    /// Non-overlapping, the leftmost start; at one start the pattern listed first.
    LeftmostFirst,
    /// Non-overlapping, the leftmost start; at one start the longest pattern.
    LeftmostLongest,
    /// Every occurrence.
    Overlapping,
}

impl MatchKind {
    /// The kinds by their option value (the `match_kind` option's 0..=3).
    pub const ALL: [MatchKind; 4] =
        [MatchKind::Standard, MatchKind::LeftmostFirst, MatchKind::LeftmostLongest, MatchKind::Overlapping];

    /// The name used by the Python API and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            MatchKind::Standard => "standard",
            MatchKind::LeftmostFirst => "leftmost-first",
            MatchKind::LeftmostLongest => "leftmost-longest",
            MatchKind::Overlapping => "overlapping",
        }
    }

    /// The kind called `name`, if any.
    pub fn from_name(name: &str) -> Option<MatchKind> {
        MatchKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Why a matcher could not be built.
#[derive(Clone, Debug, PartialEq)]
pub enum MatcherError {
    Build(BuildError),
    /// `weights` does not have one entry per pattern.
    WeightCount { patterns: usize, weights: usize },
    /// Weight `index` is NaN or infinite.
    BadWeight { index: usize, weight: f64 },
}

impl std::fmt::Display for MatcherError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatcherError::Build(e) => e.fmt(f),
            MatcherError::WeightCount { patterns, weights } => {
                write!(f, "{weights} weights for {patterns} patterns (one weight per pattern)")
            }
            MatcherError::BadWeight { index, weight } => write!(f, "pattern {index}: weight {weight} is not finite"),
        }
    }
}

impl std::error::Error for MatcherError {}

/// A compiled phrase set with its options. Immutable once built; share it
/// between threads and streams (`Arc<Matcher>`).
#[derive(Clone, Debug)]
pub struct Matcher {
    pub(crate) automaton: Automaton,
    pub(crate) kind: MatchKind,
    pub(crate) whole_words: bool,
    patterns: Vec<String>,
    weights: Vec<f64>,
}

impl Matcher {
    /// Compiles `patterns` (with one finite weight each) under `options`.
    ///
    /// Errors: an empty pattern, a weight count that differs from the
    /// pattern count, a non-finite weight, an automaton too large to address.
    /// Cost: see [`Automaton::build`].
    pub fn new(patterns: Vec<String>, weights: Vec<f64>, options: &Options) -> Result<Matcher, MatcherError> {
        if weights.len() != patterns.len() {
            return Err(MatcherError::WeightCount { patterns: patterns.len(), weights: weights.len() });
        }
        if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
            return Err(MatcherError::BadWeight { index, weight: weights[index] });
        }
        let automaton = Automaton::build(&patterns, options.case_insensitive != 0).map_err(MatcherError::Build)?;
        Ok(Matcher {
            automaton,
            kind: MatchKind::ALL[options.match_kind as usize],
            whole_words: options.whole_words != 0,
            patterns,
            weights,
        })
    }

    /// Compiles `patterns` with weight 1 each.
    pub fn from_phrases<S: AsRef<str>>(patterns: &[S], options: &Options) -> Result<Matcher, MatcherError> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.as_ref().to_string()).collect();
        let weights = vec![1.0; patterns.len()];
        Matcher::new(patterns, weights, options)
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn kind(&self) -> MatchKind {
        self.kind
    }

    pub fn whole_words(&self) -> bool {
        self.whole_words
    }

    pub fn case_insensitive(&self) -> bool {
        self.automaton.case_insensitive()
    }

    pub fn automaton(&self) -> &Automaton {
        &self.automaton
    }

    /// The longest pattern, in code points (0 when there are none).
    pub fn max_pattern_chars(&self) -> usize {
        self.automaton.patterns.iter().map(|p| p.chars as usize).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
