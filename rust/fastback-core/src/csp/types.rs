//! Index newtypes, domain events and the literals of the CSP engine.
//!
//! Indices never cross a module boundary as bare integers: a variable is a
//! [`VarId`], a propagator a [`PropId`], a constraint of the user's model a
//! [`ConstraintId`]. A [`Lit`] is an elementary condition on one variable
//! (`x == v`, `x != v`, `x <= v`, `x > v`); decisions, clauses over reified
//! booleans, and the nogoods recorded at restarts are all made of them.

use std::fmt;

/// A variable of the engine (an index into the store's domains).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

impl VarId {
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for VarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variable {}", self.0)
    }
}

/// A propagator registered with the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PropId(pub u32);

impl PropId {
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A constraint as the user posted it (its position in the model). One
/// constraint may compile into several propagators, or into clauses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstraintId(pub u32);

impl ConstraintId {
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What happened to a domain, as a bit set: subscriptions name the events
/// that should wake a propagator. A fix is also a bounds change and a
/// domain change; a bounds change is also a domain change.
pub type Events = u8;
/// Some value was removed.
pub const EV_DOM: Events = 1;
/// The minimum or the maximum changed.
pub const EV_BOUNDS: Events = 2;
/// The domain became a single value.
pub const EV_FIX: Events = 4;

/// A propagation failure: some domain would become empty, or a constraint
/// is violated. Carries no data; the engine knows who failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict;

/// What a propagator or a domain operation returns.
pub type PropResult = Result<(), Conflict>;

/// The four elementary conditions on one variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LitKind {
    /// `x == v`
    Eq,
    /// `x != v`
    Ne,
    /// `x <= v`
    Le,
    /// `x > v`
    Gt,
}

impl LitKind {
    /// The condition that holds exactly when this one does not.
    pub fn negate(self) -> LitKind {
        match self {
            LitKind::Eq => LitKind::Ne,
            LitKind::Ne => LitKind::Eq,
            LitKind::Le => LitKind::Gt,
            LitKind::Gt => LitKind::Le,
        }
    }

    /// The operator as written in Python (`==`, `!=`, `<=`, `>`).
    pub fn symbol(self) -> &'static str {
        match self {
            LitKind::Eq => "==",
            LitKind::Ne => "!=",
            LitKind::Le => "<=",
            LitKind::Gt => ">",
        }
    }

    /// Parses [`LitKind::symbol`]'s output.
    pub fn from_symbol(s: &str) -> Option<LitKind> {
        match s {
            "==" => Some(LitKind::Eq),
            "!=" => Some(LitKind::Ne),
            "<=" => Some(LitKind::Le),
            ">" => Some(LitKind::Gt),
            _ => None,
        }
    }
}

/// An elementary condition `var kind value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lit {
    pub var: VarId,
    pub kind: LitKind,
    pub value: i64,
}

impl Lit {
    pub fn new(var: VarId, kind: LitKind, value: i64) -> Lit {
        Lit { var, kind, value }
    }

    pub fn negate(self) -> Lit {
        Lit { var: self.var, kind: self.kind.negate(), value: self.value }
    }

    /// Whether the literal holds for the value `x` of its variable.
    pub fn holds_for(self, x: i64) -> bool {
        match self.kind {
            LitKind::Eq => x == self.value,
            LitKind::Ne => x != self.value,
            LitKind::Le => x <= self.value,
            LitKind::Gt => x > self.value,
        }
    }
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x{} {} {}", self.var.0, self.kind.symbol(), self.value)
    }
}

/// Who removed values or failed: a constraint of the model (through one of
/// its propagators or clauses), or a nogood recorded by the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    Constraint(ConstraintId),
    Nogood,
}
