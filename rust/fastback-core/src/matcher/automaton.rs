//! The Aho-Corasick automaton: a trie of the (folded) phrases, failure links,
//! and the dense DFA that the scanners step through.
//!
//! Layout: one `u32` arena holding every state as a header followed by its
//! transitions. States near the root are *dense*: a full row over the byte
//! classes, complete like a DFA row (failure transitions folded in), so the
//! step is one load (`next = arena[state + HEADER + class[byte]]`). Deeper
//! states are *sparse*: their trie children as (class, target) pairs and a
//! failure link, followed until a child or a dense state answers. Bytes that
//! no phrase uses share class 0, and in case-insensitive mode the ASCII
//! upper-case bytes share their lower-case byte's class, so ASCII text needs
//! no folding pass at all.
//!
//! Why not a dense row for every state: a DFA scan is bound by the latency of
//! its table loads, and dense rows cost `classes × 4` bytes per state. For
//! the 517- and 2,500-phrase lists all rows take 0.6 and 5.2 MB, so every
//! state is dense; the 50,046-phrase list would need 57 MB (146,033 states ×
//! 98 classes) and miss the cache on most steps, so only states up to
//! [`DENSE_DEPTH`] bytes deep are dense there, and the rest, reached rarely
//! and mostly with one child, take a few words each (6.8 MB in all). (Measured on
//! sherlock.txt: all-dense 2,500 phrases 417 MB/s against 262 MB/s hybrid;
//! 50,046 phrases hybrid 120 -> 61 ms, depth 2/3/4 within noise.)
//!
//! Why our own automaton rather than the `aho-corasick` crate's: the
//! streaming matcher needs each state's reach (how much of the tail could
//! still become a match: the sampler's hold-back) and every pattern ending at
//! each state (overlapping matches filtered by word boundaries, then resolved
//! leftmost-first or leftmost-longest); the crate exposes neither, and it
//! folds ASCII case only.
//!
//! Invariants (established by [`Automaton::build`], relied on by the scanners):
//! - a state id is the state's offset in the arena; a dense state's failure
//!   state is dense too (it is shallower), so following failure links always
//!   ends at a dense state, at the latest the root;
//! - states with at least one pattern ending in them come first, so
//!   "is this a match state" is `id < match_limit`;
//! - the root (start state) is not a match state (empty phrases are refused);
//! - a match state is only ever reached right after a complete code point
//!   (phrases are valid UTF-8, so a phrase cannot end mid-character), and all
//!   its patterns end with the same code point (they are suffixes of the
//!   state's string);
//! - a state's string is the longest suffix of the text read so far that is
//!   a prefix of some phrase; its `reach` is the length in code points of the
//!   longest suffix of that string that some phrase *extends* (the string
//!   itself unless the state is a trie leaf, whose string can only end a
//!   phrase). No future match can start earlier than `position - reach`.

use super::fold::{fold_char, is_word_char};

/// A DFA state, premultiplied by the number of byte classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StateId(pub(crate) u32);

/// The index of a pattern in the list the automaton was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatternId(pub u32);

/// Why an automaton could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// Pattern `index` is the empty string (it would match everywhere).
    EmptyPattern { index: usize },
    /// The DFA would need more than 2^32 table entries.
    TooLarge { states: usize, classes: usize },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::EmptyPattern { index } => write!(f, "pattern {index} is empty"),
            BuildError::TooLarge { states, classes } => write!(
                f,
                "the phrases need {states} automaton states × {classes} byte classes, more than the 2^32 table entries supported"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// What the scanners need to know about one pattern.
#[derive(Clone, Debug)]
pub(crate) struct PatternInfo {
    /// Length in code points (the same folded or not: folding is 1:1).
    pub chars: u32,
    /// Whether the first / last code point is a word character (only those
    /// ends need a word boundary in whole-word mode).
    pub first_word: bool,
    pub last_word: bool,
}

/// The compiled automaton. Cheap to share (read-only once built).
#[derive(Clone, Debug)]
pub struct Automaton {
    /// Every state: a header of [`HEADER`] words (`[KIND]`: `DENSE` or the
    /// number of sparse transitions; `[FAIL]`: the failure state; `[REACH]`;
    /// `[OUT_START]`, `[OUT_LEN]`: the state's patterns in `outputs`), then a
    /// dense row of `classes` targets or `2 × n` words of (class, target).
    arena: Vec<u32>,
    classes: [u8; 256],
    class_count: u32,
    states: u32,
    start: u32,
    /// Ids below this are match states.
    match_limit: u32,
    /// Whether every state is dense.
    all_dense: bool,
    /// Every state's patterns, longest first, then by index.
    outputs: Vec<PatternId>,
    pub(crate) patterns: Vec<PatternInfo>,
    case_insensitive: bool,
}

/// Header words of a state in the arena (see [`Automaton`]).
const HEADER: usize = 5;
const KIND: usize = 0;
const FAIL: usize = 1;
const REACH: usize = 2;
const OUT_START: usize = 3;
const OUT_LEN: usize = 4;
/// `arena[state + KIND]` of a dense state.
const DENSE: u32 = u32::MAX;

/// When all dense rows would exceed this many bytes, only states up to
/// [`DENSE_DEPTH`] bytes deep get one.
#[cfg(not(test))]
const ALL_DENSE_BUDGET: usize = 8 << 20;
/// (Tiny in tests, so that the property tests cover sparse states too.)
#[cfg(test)]
const ALL_DENSE_BUDGET: usize = 100;

/// Depth (bytes) up to which states are dense in a large automaton.
pub const DENSE_DEPTH: u32 = 3;

/// A trie node during construction (sparse children, sorted by byte).
struct Node {
    children: Vec<(u8, u32)>,
    own: Vec<PatternId>,
    depth: u32,
}

impl Node {
    fn child(&self, byte: u8) -> Option<u32> {
        self.children.binary_search_by_key(&byte, |&(b, _)| b).ok().map(|k| self.children[k].1)
    }
}

impl Automaton {
    /// Builds the automaton of `patterns`, folded with [`fold_char`] when
    /// `case_insensitive`.
    ///
    /// Errors: an empty pattern ([`BuildError::EmptyPattern`] with its
    /// index), or a DFA too large to address. An empty list is fine (the
    /// automaton never matches). Cost: linear in the total pattern length
    /// for the trie, plus `states × classes` for the table.
    pub fn build<S: AsRef<str>>(patterns: &[S], case_insensitive: bool) -> Result<Automaton, BuildError> {
        let mut trie = vec![Node { children: Vec::new(), own: Vec::new(), depth: 0 }];
        let mut used = [false; 256];
        let mut infos = Vec::with_capacity(patterns.len());
        let mut buf = [0u8; 4];
        for (index, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            let (Some(first), Some(last)) = (pattern.chars().next(), pattern.chars().next_back()) else {
                return Err(BuildError::EmptyPattern { index });
            };
            let mut node = 0u32;
            let mut chars = 0u32;
            for c in pattern.chars() {
                let c = if case_insensitive { fold_char(c) } else { c };
                chars += 1;
                for &byte in c.encode_utf8(&mut buf).as_bytes() {
                    used[byte as usize] = true;
                    node = match trie[node as usize].child(byte) {
                        Some(next) => next,
                        None => {
                            let next = trie.len() as u32;
                            trie.push(Node { children: Vec::new(), own: Vec::new(), depth: chars });
                            let children = &mut trie[node as usize].children;
                            let at = children.partition_point(|&(b, _)| b < byte);
                            children.insert(at, (byte, next));
                            next
                        }
                    };
                }
            }
            trie[node as usize].own.push(PatternId(index as u32));
            infos.push(PatternInfo { chars, first_word: is_word_char(first), last_word: is_word_char(last) });
        }

        // Byte classes: 0 for bytes no phrase uses, one class per used byte.
        let mut classes = [0u8; 256];
        let mut count = 1usize;
        for byte in 0..256 {
            if used[byte] {
                classes[byte] = count as u8;
                count += 1;
            }
        }
        if case_insensitive {
            for upper in b'A'..=b'Z' {
                classes[upper as usize] = classes[upper.to_ascii_lowercase() as usize];
            }
        }
        let stride = count;
        if trie.len().saturating_mul(stride) >= u32::MAX as usize {
            return Err(BuildError::TooLarge { states: trie.len(), classes: stride });
        }

        // Breadth-first order, failure links (classic goto/fail walk on the
        // sparse trie) and output lists (own patterns, then the fail state's).
        let mut order = Vec::with_capacity(trie.len());
        let mut fail = vec![0u32; trie.len()];
        let mut out: Vec<Vec<PatternId>> = vec![Vec::new(); trie.len()];
        order.push(0u32);
        let mut head = 0;
        while head < order.len() {
            let u = order[head];
            head += 1;
            let mut own = std::mem::take(&mut trie[u as usize].own);
            own.sort_unstable();
            let inherited = if u == 0 { Vec::new() } else { out[fail[u as usize] as usize].clone() };
            own.extend(inherited);
            out[u as usize] = own;
            for k in 0..trie[u as usize].children.len() {
                let (byte, v) = trie[u as usize].children[k];
                fail[v as usize] = if u == 0 {
                    0
                } else {
                    let mut f = fail[u as usize];
                    loop {
                        if let Some(next) = trie[f as usize].child(byte) {
                            break next;
                        }
                        if f == 0 {
                            break 0;
                        }
                        f = fail[f as usize];
                    }
                };
                order.push(v);
            }
        }

        // Byte depth of each node (breadth-first order is by depth).
        let n = trie.len();
        let mut level = vec![0u32; n];
        for &u in &order {
            for &(_, v) in &trie[u as usize].children {
                level[v as usize] = level[u as usize] + 1;
            }
        }
        let all_dense = n.saturating_mul(stride + HEADER).saturating_mul(4) <= ALL_DENSE_BUDGET;
        let dense = |u: u32| all_dense || level[u as usize] <= DENSE_DEPTH;

        // Reach, in breadth-first order (a leaf takes its fail state's reach).
        let mut reach_of = vec![0u32; n];
        for &u in order.iter().skip(1) {
            let node = &trie[u as usize];
            reach_of[u as usize] = if node.children.is_empty() { reach_of[fail[u as usize] as usize] } else { node.depth };
        }

        // Arena offsets: match states first, each group in breadth-first order.
        let mut offset = vec![0u32; n];
        let mut size = 0usize;
        let mut match_limit = 0usize;
        for want_match in [true, false] {
            for &u in order.iter().filter(|&&u| out[u as usize].is_empty() != want_match) {
                offset[u as usize] = size as u32;
                size += HEADER + if dense(u) { stride } else { 2 * trie[u as usize].children.len() };
                if size >= u32::MAX as usize {
                    return Err(BuildError::TooLarge { states: n, classes: stride });
                }
            }
            if want_match {
                match_limit = size;
            }
        }

        let mut arena = vec![0u32; size];
        let mut outputs = Vec::new();
        for &u in &order {
            let at = offset[u as usize] as usize;
            let node = &trie[u as usize];
            arena[at + FAIL] = offset[fail[u as usize] as usize];
            arena[at + REACH] = reach_of[u as usize];
            arena[at + OUT_START] = outputs.len() as u32;
            arena[at + OUT_LEN] = out[u as usize].len() as u32;
            outputs.extend_from_slice(&out[u as usize]);
            if dense(u) {
                // A dense row is its fail state's row (dense and complete:
                // shallower, so already written) with its children over it.
                arena[at + KIND] = DENSE;
                let row = at + HEADER;
                if u == 0 {
                    arena[row..row + stride].fill(offset[0]);
                } else {
                    let fail_row = offset[fail[u as usize] as usize] as usize + HEADER;
                    arena.copy_within(fail_row..fail_row + stride, row);
                }
                for &(byte, v) in &node.children {
                    arena[row + classes[byte as usize] as usize] = offset[v as usize];
                }
            } else {
                arena[at + KIND] = node.children.len() as u32;
                for (k, &(byte, v)) in node.children.iter().enumerate() {
                    arena[at + HEADER + 2 * k] = classes[byte as usize] as u32;
                    arena[at + HEADER + 2 * k + 1] = offset[v as usize];
                }
            }
        }

        Ok(Automaton {
            arena,
            classes,
            class_count: stride as u32,
            states: n as u32,
            start: offset[0],
            match_limit: match_limit as u32,
            all_dense,
            outputs,
            patterns: infos,
            case_insensitive,
        })
    }

    /// The start state (nothing read, or nothing that begins a phrase).
    #[inline]
    pub fn start(&self) -> StateId {
        StateId(self.start)
    }

    /// The state after reading `byte` in `state`.
    #[inline(always)]
    pub fn next(&self, state: StateId, byte: u8) -> StateId {
        let class = self.classes[byte as usize] as u32;
        let mut at = state.0 as usize;
        loop {
            let kind = self.arena[at + KIND];
            if kind == DENSE {
                return StateId(self.arena[at + HEADER + class as usize]);
            }
            let pairs = &self.arena[at + HEADER..at + HEADER + 2 * kind as usize];
            for pair in pairs.chunks_exact(2) {
                if pair[0] == class {
                    return StateId(pair[1]);
                }
            }
            at = self.arena[at + FAIL] as usize;
        }
    }

    /// The state after reading the code point `c` (folded first when the
    /// automaton is case-insensitive).
    #[inline]
    pub fn next_char(&self, mut state: StateId, c: char) -> StateId {
        if c.is_ascii() {
            return self.next(state, c as u8);
        }
        let c = if self.case_insensitive { fold_char(c) } else { c };
        let mut buf = [0u8; 4];
        for &byte in c.encode_utf8(&mut buf).as_bytes() {
            state = self.next(state, byte);
        }
        state
    }

    /// Whether some pattern ends in `state`.
    #[inline(always)]
    pub fn is_match(&self, state: StateId) -> bool {
        state.0 < self.match_limit
    }

    /// The patterns ending in a match state, longest first, then by index
    /// (empty for other states).
    #[inline]
    pub fn outputs(&self, state: StateId) -> &[PatternId] {
        let at = state.0 as usize;
        let start = self.arena[at + OUT_START] as usize;
        &self.outputs[start..start + self.arena[at + OUT_LEN] as usize]
    }

    /// The state's reach in code points: the tail of the text read so far
    /// that could still grow into a match (see the module doc).
    #[inline]
    pub fn reach(&self, state: StateId) -> usize {
        self.arena[state.0 as usize + REACH] as usize
    }

    /// Number of states and byte classes.
    pub fn shape(&self) -> (usize, usize) {
        (self.states as usize, self.class_count as usize)
    }

    /// Heap bytes held by the automaton (the table dominates).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() * 4
            + self.outputs.capacity() * 4
            + self.patterns.capacity() * std::mem::size_of::<PatternInfo>()
    }

    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Whether every state has a dense row (small automata).
    pub fn all_dense(&self) -> bool {
        self.all_dense
    }
}
