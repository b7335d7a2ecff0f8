//! CountDown arithmetic: the rules of one step, expressions, and the
//! canonical form that decides when two solutions are the same.
//!
//! # Rules
//!
//! A step takes two of the current numbers `a`, `b` and replaces them by
//! `a + b`, `a * b`, `max - min` (only when `a != b`: results are positive)
//! or `max / min` (only when `min` divides `max`). Every number, given or
//! intermediate, is a positive integer; each given number is used at most
//! once (with `use_all`, exactly once). Results are `u64`; a step whose
//! result would overflow is not taken (unreachable for the instance sizes
//! the generator makes). Steps are listed in Stream of Search's order:
//! `+`, `*`, `-`, `/` for each pair `(i, j)`, `i < j`, and printed as it
//! prints them: `a+b` and `a*b` in position order, `-` and `/` larger first.
//!
//! # Same solution
//!
//! Two expressions are one solution when they have the same canonical form:
//! sums are flattened into a multiset of added and a multiset of subtracted
//! terms, products into a multiset of multiplied and a multiset of divided
//! factors, recursively; leaves are values, so equal given numbers are
//! interchangeable. So `(a + b) + c` and `b + (c + a)` are one solution, as
//! are `a - (b - c)` and `a + c - b`, or `a / (b / c)` and `a * c / b`
//! (commutativity and associativity, with `-` and `/` as adding and
//! multiplying inverses); `a * (b + c)` and
//! `a * b + a * c` are not (distributivity is not applied), and neither are
//! `a * 1` and `a / 1`. The printed form sorts terms and factors by
//! decreasing value, so it reads left to right with positive integer
//! intermediate results, e.g. `(25 + 3) * 7 - 6`.

use std::cmp::Reverse;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    Add,
    Mul,
    Sub,
    Div,
}

impl Op {
    pub fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Mul => '*',
            Op::Sub => '-',
            Op::Div => '/',
        }
    }

    fn precedence(self) -> u8 {
        match self {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div => 2,
        }
    }
}

/// One step: `left op right = result`, with `left`, `right` as printed
/// (position order for `+` `*`, larger first for `-` `/`), combining the
/// numbers at positions `i < j` of the current list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    pub i: usize,
    pub j: usize,
    pub op: Op,
    pub left: u64,
    pub right: u64,
    pub result: u64,
}

impl Step {
    /// `8+2=10`, Stream of Search's spelling.
    pub fn compact(&self) -> String {
        format!("{}{}{}={}", self.left, self.op.symbol(), self.right, self.result)
    }

    /// `8 + 2 = 10`, the spelling of "How Much Backtracking is Enough?".
    pub fn spaced(&self) -> String {
        format!("{} {} {} = {}", self.left, self.op.symbol(), self.right, self.result)
    }
}

/// The steps combining `a` (at `i`) and `b` (at `j`), in the rule order.
pub fn combine(i: usize, j: usize, a: u64, b: u64) -> impl Iterator<Item = Step> {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    let add = a.checked_add(b).map(|r| Step { i, j, op: Op::Add, left: a, right: b, result: r });
    let mul = a.checked_mul(b).map(|r| Step { i, j, op: Op::Mul, left: a, right: b, result: r });
    let sub = (hi != lo).then(|| Step { i, j, op: Op::Sub, left: hi, right: lo, result: hi - lo });
    let div = (lo != 0 && hi % lo == 0).then(|| Step { i, j, op: Op::Div, left: hi, right: lo, result: hi / lo });
    [add, mul, sub, div].into_iter().flatten()
}

/// The list after a step: the other numbers in order, then the result.
pub fn apply(nums: &[u64], step: &Step) -> Vec<u64> {
    let mut out: Vec<u64> = nums
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != step.i && k != step.j)
        .map(|(_, &v)| v)
        .collect();
    out.push(step.result);
    out
}

/// An expression index in an [`Exprs`] arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExprId(pub u32);

#[derive(Clone, Copy, Debug)]
pub enum Expr {
    Num(u64),
    /// `op(left, right)`, `left`/`right` as the step prints them.
    Bin { op: Op, left: ExprId, right: ExprId, value: u64 },
}

/// An arena of expressions; the search pushes and truncates it like a stack.
#[derive(Default, Clone, Debug)]
pub struct Exprs {
    pub nodes: Vec<Expr>,
}

impl Exprs {
    pub fn push(&mut self, e: Expr) -> ExprId {
        self.nodes.push(e);
        ExprId(self.nodes.len() as u32 - 1)
    }

    pub fn get(&self, id: ExprId) -> Expr {
        self.nodes[id.0 as usize]
    }

    pub fn value(&self, id: ExprId) -> u64 {
        match self.get(id) {
            Expr::Num(v) => v,
            Expr::Bin { value, .. } => value,
        }
    }

    /// Infix with the parentheses the tree needs (not canonical): the
    /// answer of a trace, written the way its steps built it.
    pub fn infix(&self, id: ExprId) -> String {
        match self.get(id) {
            Expr::Num(v) => v.to_string(),
            Expr::Bin { op, left, right, .. } => {
                let wrap = |e: ExprId, right_side: bool| {
                    let s = self.infix(e);
                    match self.get(e) {
                        Expr::Bin { op: inner, .. }
                            if inner.precedence() < op.precedence()
                                || (right_side
                                    && inner.precedence() == op.precedence()
                                    && matches!(op, Op::Sub | Op::Div)) =>
                        {
                            format!("({s})")
                        }
                        _ => s,
                    }
                };
                format!("{} {} {}", wrap(left, false), op.symbol(), wrap(right, true))
            }
        }
    }

    /// The canonical form of `id` (see the module doc).
    pub fn canonical(&self, id: ExprId) -> Canon {
        match self.get(id) {
            Expr::Num(v) => Canon::Num(v),
            Expr::Bin { op: Op::Add | Op::Sub, .. } => {
                let (mut pos, mut neg) = (Vec::new(), Vec::new());
                self.terms(id, false, &mut pos, &mut neg);
                pos.sort_by(Canon::display_order);
                neg.sort_by(Canon::display_order);
                Canon::Sum(pos, neg)
            }
            Expr::Bin { .. } => {
                let (mut num, mut den) = (Vec::new(), Vec::new());
                self.factors(id, false, &mut num, &mut den);
                num.sort_by(Canon::display_order);
                den.sort_by(Canon::display_order);
                Canon::Prod(num, den)
            }
        }
    }

    fn terms(&self, id: ExprId, negated: bool, pos: &mut Vec<(u64, Canon)>, neg: &mut Vec<(u64, Canon)>) {
        match self.get(id) {
            Expr::Bin { op: Op::Add, left, right, .. } => {
                self.terms(left, negated, pos, neg);
                self.terms(right, negated, pos, neg);
            }
            Expr::Bin { op: Op::Sub, left, right, .. } => {
                self.terms(left, negated, pos, neg);
                self.terms(right, !negated, pos, neg);
            }
            _ => {
                let c = (self.value(id), self.canonical(id));
                if negated { neg.push(c) } else { pos.push(c) }
            }
        }
    }

    fn factors(&self, id: ExprId, inverted: bool, num: &mut Vec<(u64, Canon)>, den: &mut Vec<(u64, Canon)>) {
        match self.get(id) {
            Expr::Bin { op: Op::Mul, left, right, .. } => {
                self.factors(left, inverted, num, den);
                self.factors(right, inverted, num, den);
            }
            Expr::Bin { op: Op::Div, left, right, .. } => {
                self.factors(left, inverted, num, den);
                self.factors(right, !inverted, num, den);
            }
            _ => {
                let c = (self.value(id), self.canonical(id));
                if inverted { den.push(c) } else { num.push(c) }
            }
        }
    }
}

/// A canonical expression: children carry their values, sorted by
/// decreasing value (then structure), so equal forms are equal values of
/// this type and print identically.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Canon {
    Num(u64),
    /// Added terms, subtracted terms.
    Sum(Vec<(u64, Canon)>, Vec<(u64, Canon)>),
    /// Multiplied factors, divided factors.
    Prod(Vec<(u64, Canon)>, Vec<(u64, Canon)>),
}

impl Canon {
    fn display_order(a: &(u64, Canon), b: &(u64, Canon)) -> std::cmp::Ordering {
        (Reverse(a.0), &a.1).cmp(&(Reverse(b.0), &b.1))
    }

    /// `(25 + 3) * 7 - 6`.
    pub fn to_infix(&self) -> String {
        match self {
            Canon::Num(v) => v.to_string(),
            Canon::Sum(pos, neg) => {
                let mut s = pos.iter().map(|(_, c)| c.to_infix()).collect::<Vec<_>>().join(" + ");
                for (_, c) in neg {
                    s.push_str(" - ");
                    s.push_str(&c.to_infix());
                }
                s
            }
            Canon::Prod(num, den) => {
                let factor = |c: &Canon| match c {
                    Canon::Sum(..) => format!("({})", c.to_infix()),
                    _ => c.to_infix(),
                };
                let mut s = num.iter().map(|(_, c)| factor(c)).collect::<Vec<_>>().join(" * ");
                for (_, c) in den {
                    s.push_str(" / ");
                    s.push_str(&factor(c));
                }
                s
            }
        }
    }
}
