//! Variables and literals as newtypes.
//!
//! A `Var` is a 0-based index (DIMACS variable `v` is `Var(v - 1)`). A `Lit`
//! packs a variable and a sign as `2 * var + negated`, so `lit ^ 1` is the
//! complement and a literal indexes per-literal arrays (watch lists, values)
//! directly. The largest variable is `Var::MAX_INDEX`, chosen so that every
//! literal code fits in a `u32` with room for sentinels, and so that a DIMACS
//! literal fits in an `i32`.

use std::fmt;

/// A propositional variable, 0-based.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Var(pub u32);

impl Var {
    /// The largest variable index supported (DIMACS variable `i32::MAX - 1`... kept below 2^31 - 2).
    pub const MAX_INDEX: u32 = (i32::MAX as u32) - 2;

    #[inline(always)]
    pub fn new(index: u32) -> Var {
        debug_assert!(index <= Var::MAX_INDEX);
        Var(index)
    }
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
    /// The positive literal of this variable.
    #[inline(always)]
    pub fn pos(self) -> Lit {
        Lit(self.0 << 1)
    }
    /// The negative literal of this variable.
    #[inline(always)]
    #[allow(clippy::should_implement_trait)] // a Var is not negated; it has a negative literal
    pub fn neg(self) -> Lit {
        Lit((self.0 << 1) | 1)
    }
    /// The literal of this variable with the given polarity (`true` = positive).
    #[inline(always)]
    pub fn lit(self, positive: bool) -> Lit {
        Lit((self.0 << 1) | (!positive as u32))
    }
    /// DIMACS number of this variable (1-based).
    #[inline]
    pub fn to_dimacs(self) -> i32 {
        self.0 as i32 + 1
    }
}

/// A literal: a variable with a sign, encoded as `2 * var + negated`.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Lit(pub u32);

impl Lit {
    #[inline(always)]
    pub fn new(var: Var, positive: bool) -> Lit {
        var.lit(positive)
    }
    /// Builds a literal from a non-zero DIMACS integer. Returns `None` for 0 or
    /// a variable beyond `Var::MAX_INDEX`.
    #[inline]
    pub fn from_dimacs(d: i32) -> Option<Lit> {
        if d == 0 || d == i32::MIN {
            return None;
        }
        let v = d.unsigned_abs() - 1;
        if v > Var::MAX_INDEX {
            return None;
        }
        Some(Var(v).lit(d > 0))
    }
    #[inline]
    pub fn to_dimacs(self) -> i32 {
        let v = self.var().to_dimacs();
        if self.is_negative() {
            -v
        } else {
            v
        }
    }
    #[inline(always)]
    pub fn var(self) -> Var {
        Var(self.0 >> 1)
    }
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
    #[inline(always)]
    pub fn is_negative(self) -> bool {
        self.0 & 1 == 1
    }
    #[inline(always)]
    pub fn is_positive(self) -> bool {
        self.0 & 1 == 0
    }
    #[inline(always)]
    pub fn code(self) -> u32 {
        self.0
    }
    #[inline(always)]
    pub fn from_code(code: u32) -> Lit {
        Lit(code)
    }
}

impl std::ops::Not for Lit {
    type Output = Lit;
    #[inline(always)]
    fn not(self) -> Lit {
        Lit(self.0 ^ 1)
    }
}

impl fmt::Debug for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_dimacs())
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_dimacs())
    }
}

/// Three-valued truth: stored as i8 so that negation is arithmetic negation.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[repr(i8)]
pub enum LBool {
    False = -1,
    Undef = 0,
    True = 1,
}

impl LBool {
    #[inline(always)]
    pub fn from_bool(b: bool) -> LBool {
        if b {
            LBool::True
        } else {
            LBool::False
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimacs_roundtrip() {
        for d in [1, -1, 2, -2, 1000, -1000, i32::MAX - 1, -(i32::MAX - 1)] {
            assert_eq!(Lit::from_dimacs(d).unwrap().to_dimacs(), d);
        }
        assert!(Lit::from_dimacs(0).is_none());
        assert!(Lit::from_dimacs(i32::MIN).is_none());
        assert!(Lit::from_dimacs(i32::MAX).is_none());
    }

    #[test]
    fn complement() {
        let l = Var(7).pos();
        assert_eq!(!l, Var(7).neg());
        assert_eq!(!!l, l);
        assert_eq!(l.var(), (!l).var());
    }
}
