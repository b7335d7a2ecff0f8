//! The clause arena: every clause of length >= 2 lives in one `Vec<u32>`.
//!
//! A clause is a two-word header followed by its literals:
//!
//! ```text
//! word 0: size (number of literals)
//! word 1: bit 0 learned | bit 1 garbage | bits 2-3 used | bit 4 new (not yet
//!         tried as a subsumer) | bits 8-31 glue (LBD)
//! word 2: where propagation last found a replacement watch (Gent's saved
//!         position: resuming the scan there makes long clauses cheap)
//! ```
//!
//! A [`ClauseRef`] is the offset of the header. Clauses are never moved
//! while the solver is above decision level 0; garbage collection
//! ([`ClauseDb::collect`]) compacts the arena and returns the map from old to
//! new references, and is only run at level 0 where reasons no longer matter,
//! so no reference held elsewhere (reasons, watches) outlives it unrebuilt.
//! Shrinking a clause in place lowers its size; the freed words count as waste
//! until the next collection.

use super::types::Lit;

/// Offset of a clause header in the arena.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub struct ClauseRef(pub u32);

const HEADER: usize = 3;
const LEARNED: u32 = 1;
const GARBAGE: u32 = 2;
const USED_SHIFT: u32 = 2;
const USED_MASK: u32 = 3 << USED_SHIFT;
const NEW: u32 = 1 << 4;
const GLUE_SHIFT: u32 = 8;
const MAX_GLUE: u32 = (1 << 24) - 1;

#[derive(Default)]
pub struct ClauseDb {
    data: Vec<u32>,
    pub wasted: usize,
    pub num_irredundant: usize,
    pub num_learned: usize,
}

impl ClauseDb {
    pub fn alloc(&mut self, lits: &[Lit], learned: bool, glue: u32) -> ClauseRef {
        debug_assert!(lits.len() >= 2);
        let cref = ClauseRef(self.data.len() as u32);
        assert!(self.data.len() + lits.len() + HEADER < (1usize << 31), "clause arena exceeds 8 GiB");
        self.data.push(lits.len() as u32);
        let new = if learned { 0 } else { NEW };
        let flags = (learned as u32) | new | (glue.min(MAX_GLUE) << GLUE_SHIFT);
        self.data.push(flags);
        self.data.push(2);
        // Safety-free conversion: Lit is repr(transparent) over u32.
        self.data.extend(lits.iter().map(|l| l.0));
        if learned {
            self.num_learned += 1;
        } else {
            self.num_irredundant += 1;
        }
        cref
    }

    #[inline(always)]
    pub fn len(&self, c: ClauseRef) -> usize {
        self.data[c.0 as usize] as usize
    }

    #[inline(always)]
    pub fn lits(&self, c: ClauseRef) -> &[Lit] {
        let start = c.0 as usize + HEADER;
        let n = self.data[c.0 as usize] as usize;
        let words = &self.data[start..start + n];
        // SAFETY: Lit is #[repr(transparent)] over u32, so the layouts agree.
        unsafe { std::slice::from_raw_parts(words.as_ptr() as *const Lit, n) }
    }

    #[inline(always)]
    pub fn lits_mut(&mut self, c: ClauseRef) -> &mut [Lit] {
        let start = c.0 as usize + HEADER;
        let n = self.data[c.0 as usize] as usize;
        let words = &mut self.data[start..start + n];
        // SAFETY: as in `lits`.
        unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr() as *mut Lit, n) }
    }

    /// Raw pointer to the clause's literals and its size, for the propagation loop.
    ///
    /// # Safety
    /// `c` must be a live clause reference; the pointer is valid until the arena
    /// is next modified by `alloc` or `collect`.
    #[inline(always)]
    pub unsafe fn raw(&mut self, c: ClauseRef) -> (*mut u32, usize, *mut Lit) {
        let base = self.data.as_mut_ptr().add(c.0 as usize);
        let n = *base as usize;
        (base.add(2), n, base.add(HEADER) as *mut Lit)
    }

    #[inline(always)]
    fn flags(&self, c: ClauseRef) -> u32 {
        self.data[c.0 as usize + 1]
    }
    #[inline(always)]
    fn flags_mut(&mut self, c: ClauseRef) -> &mut u32 {
        &mut self.data[c.0 as usize + 1]
    }
    #[inline(always)]
    pub fn learned(&self, c: ClauseRef) -> bool {
        self.flags(c) & LEARNED != 0
    }
    #[inline(always)]
    pub fn garbage(&self, c: ClauseRef) -> bool {
        self.flags(c) & GARBAGE != 0
    }
    #[inline(always)]
    pub fn glue(&self, c: ClauseRef) -> u32 {
        self.flags(c) >> GLUE_SHIFT
    }
    pub fn set_glue(&mut self, c: ClauseRef, glue: u32) {
        let f = self.flags_mut(c);
        *f = (*f & ((1 << GLUE_SHIFT) - 1)) | (glue.min(MAX_GLUE) << GLUE_SHIFT);
    }
    #[inline(always)]
    pub fn used(&self, c: ClauseRef) -> u32 {
        (self.flags(c) & USED_MASK) >> USED_SHIFT
    }
    pub fn set_used(&mut self, c: ClauseRef, used: u32) {
        let f = self.flags_mut(c);
        *f = (*f & !USED_MASK) | ((used.min(3)) << USED_SHIFT);
    }
    /// Whether an irredundant clause was added or changed since it was last
    /// tried as a subsumer (subsumption only needs to try those).
    #[inline]
    pub fn is_new(&self, c: ClauseRef) -> bool {
        self.flags(c) & NEW != 0
    }
    pub fn set_new(&mut self, c: ClauseRef, new: bool) {
        let f = self.flags_mut(c);
        if new {
            *f |= NEW;
        } else {
            *f &= !NEW;
        }
    }

    /// Marks a clause deleted; its words are reclaimed by the next `collect`.
    pub fn mark_garbage(&mut self, c: ClauseRef) {
        if self.garbage(c) {
            return;
        }
        if self.learned(c) {
            self.num_learned -= 1;
        } else {
            self.num_irredundant -= 1;
        }
        self.wasted += HEADER + self.len(c);
        *self.flags_mut(c) |= GARBAGE;
    }

    /// Shrinks a clause to its first `new_len` literals (new_len >= 2).
    pub fn shrink(&mut self, c: ClauseRef, new_len: usize) {
        let old = self.len(c);
        debug_assert!(new_len >= 2 && new_len <= old);
        self.data[c.0 as usize] = new_len as u32;
        self.wasted += old - new_len;
        // Keep the arena walkable: the freed tail becomes a garbage pseudo-clause of
        // size (old - new_len - HEADER) when it is large enough; otherwise we remember
        // the hole through `holes` by padding with a marker that `iter` skips.
        let start = c.0 as usize + HEADER + new_len;
        for w in &mut self.data[start..start + (old - new_len)] {
            *w = PAD;
        }
    }

    /// All clause references in arena order (including garbage ones).
    pub fn refs(&self) -> Vec<ClauseRef> {
        let mut out = Vec::with_capacity(self.num_irredundant + self.num_learned);
        let mut i = 0;
        while i < self.data.len() {
            if self.data[i] == PAD {
                i += 1;
                continue;
            }
            out.push(ClauseRef(i as u32));
            i += HEADER + self.data[i] as usize;
        }
        out
    }

    /// Compacts the arena, dropping garbage clauses. Returns the map `old -> new`
    /// as a sorted list of pairs; callers rebuild watches and drop stale reasons.
    pub fn collect(&mut self) -> Vec<(ClauseRef, ClauseRef)> {
        let mut moved = Vec::new();
        let mut src = 0usize;
        let mut dst = 0usize;
        let n = self.data.len();
        while src < n {
            if self.data[src] == PAD {
                src += 1;
                continue;
            }
            let len = self.data[src] as usize;
            let total = HEADER + len;
            let garbage = self.data[src + 1] & GARBAGE != 0;
            if !garbage {
                if src != dst {
                    self.data.copy_within(src..src + total, dst);
                }
                moved.push((ClauseRef(src as u32), ClauseRef(dst as u32)));
                dst += total;
            }
            src += total;
        }
        self.data.truncate(dst);
        self.data.shrink_to(dst + dst / 2 + 1024);
        self.wasted = 0;
        moved
    }

    /// Words in the arena, live and wasted.
    pub fn words(&self) -> usize {
        self.data.len()
    }

    pub fn memory_bytes(&self) -> usize {
        self.data.capacity() * 4
    }
}

/// Filler word for the tails of shrunk clauses: larger than any clause size.
const PAD: u32 = u32::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    fn l(d: i32) -> Lit {
        Lit::from_dimacs(d).unwrap()
    }

    #[test]
    fn alloc_shrink_collect() {
        let mut db = ClauseDb::default();
        let a = db.alloc(&[l(1), l(2), l(3)], false, 0);
        let b = db.alloc(&[l(-1), l(4)], true, 2);
        let c = db.alloc(&[l(5), l(6), l(7), l(8)], true, 3);
        assert_eq!(db.lits(a), &[l(1), l(2), l(3)]);
        assert!(db.learned(b) && !db.learned(a));
        assert_eq!(db.glue(c), 3);
        db.shrink(c, 2);
        assert_eq!(db.refs(), vec![a, b, c]);
        db.mark_garbage(b);
        let moved = db.collect();
        assert_eq!(moved.len(), 2);
        let c2 = moved[1].1;
        assert_eq!(db.lits(c2), &[l(5), l(6)]);
        assert_eq!(db.glue(c2), 3);
        assert_eq!(db.num_learned, 1);
        assert_eq!(db.num_irredundant, 1);
    }
}
