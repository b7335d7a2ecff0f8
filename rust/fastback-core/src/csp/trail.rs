//! The trail: what backtracking restores.
//!
//! Search opens a level per positive decision. Before the first change to a
//! domain's bounds/size, to a bitset word, or to a reversible integer at a
//! level, the old value is pushed here; backtracking to level `L` pops and
//! restores everything pushed above `L`, newest first.
//!
//! Invariant: an item is saved at most once per level, which the stamps
//! ensure. Each level gets a fresh stamp (never reused, u64 so it cannot
//! wrap); an item whose stamp equals the current level's stamp was already
//! saved at this level. After a backtrack an item may carry the stamp of a
//! popped level and be saved a second time at the current level: restoring
//! both, newest first, still ends at the oldest value, so duplicates are
//! harmless. Level 0 (the root) is never saved: nothing undoes it.

/// One saved item.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Entry {
    /// A bitset word and its old contents.
    Word { idx: u32, old: u64 },
    /// A domain's bounds and size (raw offsets).
    Dom { var: u32, min: u32, max: u32, size: u32 },
    /// A reversible integer.
    Rev { slot: u32, old: i64 },
}

/// The trail proper; [`crate::csp::store::Store`] owns it and applies the undo.
#[derive(Clone, Debug, Default)]
pub(crate) struct Trail {
    pub entries: Vec<Entry>,
    /// `level_start[L - 1]`: the trail length when level `L` was opened.
    level_start: Vec<usize>,
    /// The stamp of each open level (index 0: the root, stamp 0).
    level_stamp: Vec<u64>,
    pub stamp: u64,
    next_stamp: u64,
    pub dom_stamp: Vec<u64>,
    pub word_stamp: Vec<u64>,
    pub rev_stamp: Vec<u64>,
}

impl Trail {
    pub fn new() -> Trail {
        Trail { level_stamp: vec![0], next_stamp: 1, ..Default::default() }
    }

    /// The current level (0 at the root).
    #[inline]
    pub fn level(&self) -> u32 {
        self.level_start.len() as u32
    }

    pub fn push_level(&mut self) {
        self.level_start.push(self.entries.len());
        self.stamp = self.next_stamp;
        self.next_stamp += 1;
        self.level_stamp.push(self.stamp);
    }

    /// Drops the levels above `level` and returns the trail length to undo
    /// down to (the caller pops and restores the entries above it).
    pub fn pop_to(&mut self, level: u32) -> usize {
        debug_assert!(level <= self.level());
        let keep = if level == self.level() { self.entries.len() } else { self.level_start[level as usize] };
        self.level_start.truncate(level as usize);
        self.level_stamp.truncate(level as usize + 1);
        self.stamp = self.level_stamp[level as usize];
        keep
    }

    /// Whether the domain meta of `var` must be saved before changing it.
    #[inline]
    pub fn must_save_dom(&mut self, var: usize) -> bool {
        if self.stamp == 0 || self.dom_stamp[var] == self.stamp {
            return false;
        }
        self.dom_stamp[var] = self.stamp;
        true
    }

    #[inline]
    pub fn must_save_word(&mut self, idx: usize) -> bool {
        if self.stamp == 0 || self.word_stamp[idx] == self.stamp {
            return false;
        }
        self.word_stamp[idx] = self.stamp;
        true
    }

    #[inline]
    pub fn must_save_rev(&mut self, slot: usize) -> bool {
        if self.stamp == 0 || self.rev_stamp[slot] == self.stamp {
            return false;
        }
        self.rev_stamp[slot] = self.stamp;
        true
    }
}
