//! The model: variables and constraints as the user states them, checked
//! when they are added, and compiled into an engine for each search.
//!
//! Every `add`-style method validates its arguments and returns a
//! [`ModelError`] that names the constraint (its index and kind), the
//! variable or tuple at fault and why; nothing is added then. A model is
//! plain data (`Clone`), so one model can be searched many times and grown
//! between searches.
//!
//! Normalisation (so that propagators see one shape):
//! - linear terms: duplicate variables are merged, zero coefficients
//!   dropped, and `>=`, `<`, `>` rewritten to `<=` (negating both sides);
//!   a sum with no variable left is decided at once; a single-variable
//!   relation becomes a unit clause (`x <= 3`, `x != 2`: one domain change);
//!   `x - y == c` and `x - y != c` get the binary propagators;
//! - overflow: `Σ |aᵢ|·max(|lo|, |hi|) + |c|` must be at most 2^62, so sums
//!   never overflow `i64` (checked with `i128`);
//! - reification ([`Model::reify_linear`]) of a one-variable relation is a
//!   literal on that variable, with no new variable; otherwise a new 0/1
//!   variable `b` with `b <-> relation`, which the search never branches on
//!   before the user's own variables (it is fixed by them).

use super::engine::Engine;
use super::props::alldiff::{AllDiffForward, AllDiffMatching};
use super::props::binary::{EqualOffset, NotEqualOffset};
use super::props::element::{ElementConst, ElementVar};
use super::props::linear::{LinearEq, LinearLe, LinearNe, ReifLinear, Rel, Terms};
use super::props::table::Table;
use super::store::{Store, MAX_ABS_VALUE, MAX_DOMAIN_WIDTH};
use super::types::{Cause, ConstraintId, Lit, LitKind, VarId};
use std::fmt;

/// A rejected model change: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// The index the constraint would have had, when the error is in one.
    pub constraint: Option<u32>,
    /// The variable at fault, if one is.
    pub var: Option<VarId>,
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ModelError {}

/// All-different filtering strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllDiffLevel {
    /// Forward checking only.
    Forward,
    /// Forward checking plus Régin's matching filter (domain consistency).
    Domain,
}

/// A constraint as stored in the model (normalised).
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    True,
    False,
    Clause(Vec<Lit>),
    Linear { terms: Terms, rel: Rel, c: i64 },
    ReifLinear { b: VarId, terms: Terms, rel: Rel, c: i64 },
    AllDifferent { terms: Vec<(VarId, i64)>, level: AllDiffLevel },
    Table { vars: Vec<VarId>, tuples: Vec<i64> },
    ElementConst { array: Vec<i64>, index: VarId, value: VarId },
    ElementVar { array: Vec<VarId>, index: VarId, value: VarId },
}

impl Spec {
    /// The kind, as error messages and traces name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Spec::True | Spec::False => "constant",
            Spec::Clause(_) => "clause",
            Spec::Linear { .. } => "linear",
            Spec::ReifLinear { .. } => "reified linear",
            Spec::AllDifferent { .. } => "all_different",
            Spec::Table { .. } => "table",
            Spec::ElementConst { .. } | Spec::ElementVar { .. } => "element",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct VarDecl {
    /// Sorted distinct values, or `None` for the full range `lo..=hi`.
    values: Option<Vec<i64>>,
    lo: i64,
    hi: i64,
    /// Whether the search branches on it with the user's variables.
    branch: bool,
}

/// A literal, or a relation already known true or false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reified {
    Const(bool),
    Lit(Lit),
}

/// Variables and constraints (see the module doc).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    vars: Vec<VarDecl>,
    constraints: Vec<Spec>,
}

fn check_value(v: i64, what: &str) -> Result<(), String> {
    if !(-MAX_ABS_VALUE..=MAX_ABS_VALUE).contains(&v) {
        return Err(format!("{what} {v} is outside the supported range [-2^60, 2^60]"));
    }
    Ok(())
}

/// Floor division (Rust's `/` truncates toward zero).
fn floor_div(a: i64, b: i64) -> i64 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

impl Model {
    pub fn new() -> Model {
        Model::default()
    }

    pub fn num_vars(&self) -> usize {
        self.vars.len()
    }

    pub fn num_constraints(&self) -> usize {
        self.constraints.len()
    }

    pub fn constraint(&self, c: ConstraintId) -> &Spec {
        &self.constraints[c.index()]
    }

    /// The declared bounds of `x`.
    pub fn bounds(&self, x: VarId) -> (i64, i64) {
        let d = &self.vars[x.index()];
        (d.lo, d.hi)
    }

    /// The declared domain of `x`, ascending.
    pub fn domain(&self, x: VarId) -> Vec<i64> {
        let d = &self.vars[x.index()];
        match &d.values {
            Some(v) => v.clone(),
            None => (d.lo..=d.hi).collect(),
        }
    }

    pub fn is_branching(&self, x: VarId) -> bool {
        self.vars[x.index()].branch
    }

    /// A variable over `lo..=hi`. Errors: empty range, a bound outside
    /// ±2^60, or more than 2^24 values.
    pub fn new_int_var(&mut self, lo: i64, hi: i64) -> Result<VarId, ModelError> {
        let err = |message: String| ModelError { constraint: None, var: None, message };
        check_value(lo, "lower bound").map_err(err)?;
        check_value(hi, "upper bound").map_err(err)?;
        if lo > hi {
            return Err(err(format!("empty domain: lower bound {lo} > upper bound {hi}")));
        }
        if hi - lo >= MAX_DOMAIN_WIDTH {
            return Err(err(format!(
                "domain [{lo}, {hi}] has {} values; at most 2^24 = {MAX_DOMAIN_WIDTH} are supported",
                hi - lo + 1
            )));
        }
        Ok(self.push_var(VarDecl { values: None, lo, hi, branch: true }))
    }

    /// A variable over exactly `values` (any order, duplicates ignored).
    /// Errors: no values, a value outside ±2^60, or a hull wider than 2^24.
    pub fn new_var_from_values(&mut self, values: &[i64]) -> Result<VarId, ModelError> {
        let err = |message: String| ModelError { constraint: None, var: None, message };
        let mut v = values.to_vec();
        v.sort_unstable();
        v.dedup();
        if v.is_empty() {
            return Err(err("empty domain: no values given".to_string()));
        }
        for &x in &v {
            check_value(x, "value").map_err(err)?;
        }
        let (lo, hi) = (v[0], v[v.len() - 1]);
        if hi - lo >= MAX_DOMAIN_WIDTH {
            return Err(err(format!(
                "the values span [{lo}, {hi}]; at most 2^24 = {MAX_DOMAIN_WIDTH} apart are supported"
            )));
        }
        let values = if v.len() as i64 == hi - lo + 1 { None } else { Some(v) };
        Ok(self.push_var(VarDecl { values, lo, hi, branch: true }))
    }

    /// A 0/1 variable that the search branches on only after the user's
    /// variables (for auxiliary booleans that those fix).
    pub fn new_aux_bool(&mut self) -> VarId {
        self.push_var(VarDecl { values: None, lo: 0, hi: 1, branch: false })
    }

    /// Whether the search branches on `x` with the user's variables.
    pub fn set_branching(&mut self, x: VarId, branch: bool) -> Result<(), ModelError> {
        self.check_var(x, None, "variable")?;
        self.vars[x.index()].branch = branch;
        Ok(())
    }

    fn push_var(&mut self, d: VarDecl) -> VarId {
        self.vars.push(d);
        VarId(self.vars.len() as u32 - 1)
    }

    fn next_id(&self) -> u32 {
        self.constraints.len() as u32
    }

    fn push(&mut self, s: Spec) -> ConstraintId {
        self.constraints.push(s);
        ConstraintId(self.constraints.len() as u32 - 1)
    }

    fn error(&self, kind: &str, var: Option<VarId>, what: String) -> ModelError {
        let c = self.next_id();
        ModelError { constraint: Some(c), var, message: format!("constraint {c} ({kind}): {what}") }
    }

    fn check_var(&self, x: VarId, kind: Option<&str>, what: &str) -> Result<(), ModelError> {
        if x.index() < self.vars.len() {
            return Ok(());
        }
        let msg = format!("{what} refers to variable {} but the model has {} variables", x.0, self.vars.len());
        Err(match kind {
            Some(k) => self.error(k, Some(x), msg),
            None => ModelError { constraint: None, var: Some(x), message: msg },
        })
    }

    /// Merges, drops zeros, and checks variables and overflow.
    fn normalise_terms(&self, kind: &str, terms: &[(i64, VarId)], c: i64) -> Result<Terms, ModelError> {
        let mut out: Terms = Vec::with_capacity(terms.len());
        for (i, &(a, x)) in terms.iter().enumerate() {
            self.check_var(x, Some(kind), &format!("term {i}"))?;
            match out.iter_mut().find(|(_, y)| *y == x) {
                Some(t) => {
                    t.0 = t.0.checked_add(a).ok_or_else(|| {
                        self.error(kind, Some(x), format!("coefficients of variable {} overflow", x.0))
                    })?
                }
                None => out.push((a, x)),
            }
        }
        out.retain(|&(a, _)| a != 0);
        let mut total: i128 = (c as i128).abs();
        for &(a, x) in &out {
            let (lo, hi) = self.bounds(x);
            total += (a as i128).abs() * (lo as i128).abs().max((hi as i128).abs());
        }
        if total > 1i128 << 62 {
            return Err(self.error(
                kind,
                None,
                "the sum may overflow: Σ|coefficient|·max|value| + |constant| must be at most 2^62".to_string(),
            ));
        }
        Ok(out)
    }

    /// Rewrites `Σ terms op c` (op one of `<= >= < > == !=`) as `<=`, `==`
    /// or `!=`. Errors: an unknown operator.
    fn normalise_rel(&self, kind: &str, terms: &mut Terms, op: &str, c: i64) -> Result<(Rel, i64), ModelError> {
        let negate = |t: &mut Terms| t.iter_mut().for_each(|(a, _)| *a = -*a);
        Ok(match op {
            "<=" => (Rel::Le, c),
            "<" => (Rel::Le, c - 1),
            ">=" => {
                negate(terms);
                (Rel::Le, -c)
            }
            ">" => {
                negate(terms);
                (Rel::Le, -c - 1)
            }
            "==" => (Rel::Eq, c),
            "!=" => (Rel::Ne, c),
            _ => {
                return Err(self.error(
                    kind,
                    None,
                    format!("unknown relation '{op}'; expected one of <=, <, >=, >, ==, !="),
                ))
            }
        })
    }

    fn prepare_linear(&self, terms: &[(i64, VarId)], op: &str, c: i64) -> Result<(Terms, Rel, i64), ModelError> {
        check_value(c, "constant").map_err(|m| self.error("linear", None, m))?;
        let mut t = self.normalise_terms("linear", terms, c)?;
        let (rel, c) = self.normalise_rel("linear", &mut t, op, c)?;
        Ok((t, rel, c))
    }

    /// The literal equivalent to a one-variable relation `a·x rel c`.
    fn unary_literal(a: i64, x: VarId, rel: Rel, c: i64) -> Reified {
        match rel {
            Rel::Le if a > 0 => Reified::Lit(Lit::new(x, LitKind::Le, floor_div(c, a))),
            // a·x <= c with a < 0: x >= ceil(c / a), i.e. x > ceil(c / a) - 1
            Rel::Le => Reified::Lit(Lit::new(x, LitKind::Gt, -floor_div(c, -a) - 1)),
            Rel::Eq if c % a != 0 => Reified::Const(false),
            Rel::Eq => Reified::Lit(Lit::new(x, LitKind::Eq, c / a)),
            Rel::Ne if c % a != 0 => Reified::Const(true),
            Rel::Ne => Reified::Lit(Lit::new(x, LitKind::Ne, c / a)),
        }
    }

    fn constant_holds(rel: Rel, c: i64) -> bool {
        match rel {
            Rel::Le => 0 <= c,
            Rel::Eq => 0 == c,
            Rel::Ne => 0 != c,
        }
    }

    /// Posts `Σ aᵢ·xᵢ op c`, `op` one of `<= < >= > == !=`. Errors: an
    /// unknown variable or operator, or a sum that may overflow.
    pub fn linear(&mut self, terms: &[(i64, VarId)], op: &str, c: i64) -> Result<ConstraintId, ModelError> {
        let (terms, rel, c) = self.prepare_linear(terms, op, c)?;
        Ok(match terms.len() {
            0 => self.push(if Self::constant_holds(rel, c) { Spec::True } else { Spec::False }),
            1 => match Self::unary_literal(terms[0].0, terms[0].1, rel, c) {
                Reified::Const(b) => self.push(if b { Spec::True } else { Spec::False }),
                Reified::Lit(l) => self.push(Spec::Clause(vec![l])),
            },
            _ => self.push(Spec::Linear { terms, rel, c }),
        })
    }

    /// A literal equivalent to `Σ aᵢ·xᵢ op c` (see the module doc), adding
    /// a 0/1 variable and its defining constraint when more than one
    /// variable is involved. Errors as [`Model::linear`].
    pub fn reify_linear(&mut self, terms: &[(i64, VarId)], op: &str, c: i64) -> Result<Reified, ModelError> {
        let (terms, rel, c) = self.prepare_linear(terms, op, c)?;
        Ok(match terms.len() {
            0 => Reified::Const(Self::constant_holds(rel, c)),
            1 => Self::unary_literal(terms[0].0, terms[0].1, rel, c),
            _ => {
                let b = self.new_aux_bool();
                self.push(Spec::ReifLinear { b, terms, rel, c });
                Reified::Lit(Lit::new(b, LitKind::Eq, 1))
            }
        })
    }

    /// Posts the clause `l1 ∨ ... ∨ lk` (empty: false). Errors: an unknown
    /// variable or a value outside ±2^60.
    pub fn clause(&mut self, lits: &[Lit]) -> Result<ConstraintId, ModelError> {
        for (i, l) in lits.iter().enumerate() {
            self.check_var(l.var, Some("clause"), &format!("literal {i}"))?;
            check_value(l.value, &format!("literal {i}: value")).map_err(|m| self.error("clause", Some(l.var), m))?;
        }
        Ok(self.push(if lits.is_empty() { Spec::False } else { Spec::Clause(lits.to_vec()) }))
    }

    /// Posts all-different over terms `xᵢ + cᵢ`. Errors: an unknown
    /// variable, an offset outside ±2^60. The same variable twice with the
    /// same offset is allowed and simply unsatisfiable.
    pub fn all_different(&mut self, terms: &[(VarId, i64)], level: AllDiffLevel) -> Result<ConstraintId, ModelError> {
        for (i, &(x, c)) in terms.iter().enumerate() {
            self.check_var(x, Some("all_different"), &format!("term {i}"))?;
            check_value(c, &format!("term {i}: offset")).map_err(|m| self.error("all_different", Some(x), m))?;
        }
        for i in 0..terms.len() {
            if terms[..i].contains(&terms[i]) {
                return Ok(self.push(Spec::False));
            }
        }
        Ok(self.push(if terms.len() <= 1 {
            Spec::True
        } else {
            Spec::AllDifferent { terms: terms.to_vec(), level }
        }))
    }

    /// Posts a table: `vars` must take one of the `tuples` (given flat,
    /// `vars.len()` values each). Errors: an unknown variable, a flat length
    /// not a multiple of the arity, a value outside ±2^60.
    pub fn table(&mut self, vars: &[VarId], tuples: &[i64]) -> Result<ConstraintId, ModelError> {
        for (i, &x) in vars.iter().enumerate() {
            self.check_var(x, Some("table"), &format!("variable {i}"))?;
        }
        let arity = vars.len();
        if arity == 0 {
            return Ok(self.push(if tuples.is_empty() { Spec::False } else { Spec::True }));
        }
        if tuples.len() % arity != 0 {
            return Err(self.error(
                "table",
                None,
                format!("{} values do not make tuples of {arity} (the number of variables)", tuples.len()),
            ));
        }
        for (k, &v) in tuples.iter().enumerate() {
            check_value(v, &format!("tuple {}: value", k / arity)).map_err(|m| self.error("table", None, m))?;
        }
        // A variable listed twice keeps only the tuples that agree on it.
        let mut kept = Vec::with_capacity(tuples.len());
        for t in tuples.chunks_exact(arity) {
            let consistent = (0..arity).all(|i| (0..i).all(|j| vars[i] != vars[j] || t[i] == t[j]));
            if consistent {
                kept.extend_from_slice(t);
            }
        }
        Ok(self.push(Spec::Table { vars: vars.to_vec(), tuples: kept }))
    }

    /// Posts `array[index] == value` over constant entries (0-based).
    /// Errors: an empty array, an unknown variable, an entry outside ±2^60.
    pub fn element_const(&mut self, array: &[i64], index: VarId, value: VarId) -> Result<ConstraintId, ModelError> {
        self.check_var(index, Some("element"), "the index")?;
        self.check_var(value, Some("element"), "the value")?;
        if array.is_empty() {
            return Err(self.error("element", None, "the array is empty".to_string()));
        }
        for (i, &v) in array.iter().enumerate() {
            check_value(v, &format!("array entry {i}")).map_err(|m| self.error("element", None, m))?;
        }
        Ok(self.push(Spec::ElementConst { array: array.to_vec(), index, value }))
    }

    /// Posts `array[index] == value` over variable entries (0-based).
    /// Errors: an empty array or an unknown variable.
    pub fn element_var(&mut self, array: &[VarId], index: VarId, value: VarId) -> Result<ConstraintId, ModelError> {
        self.check_var(index, Some("element"), "the index")?;
        self.check_var(value, Some("element"), "the value")?;
        if array.is_empty() {
            return Err(self.error("element", None, "the array is empty".to_string()));
        }
        for (i, &x) in array.iter().enumerate() {
            self.check_var(x, Some("element"), &format!("array entry {i}"))?;
        }
        Ok(self.push(Spec::ElementVar { array: array.to_vec(), index, value }))
    }

    /// Builds a fresh engine: the store with the declared domains, one or
    /// more propagators per constraint, the clauses. The second part names
    /// a constraint found infeasible already (a false constant, or a clause
    /// whose literals are all false at the root); the search then reports
    /// no solution without running.
    pub fn compile(&self) -> (Engine, Option<Cause>) {
        let mut store = Store::new();
        for d in &self.vars {
            match &d.values {
                None => store.new_var(d.lo, d.hi),
                Some(v) => store.new_var_values(v),
            };
        }
        let mut e = Engine::new(store);
        let mut failed = None;
        for (i, spec) in self.constraints.iter().enumerate() {
            let id = ConstraintId(i as u32);
            let cause = Cause::Constraint(id);
            match spec {
                Spec::True => {}
                Spec::False => {
                    failed.get_or_insert(cause);
                }
                Spec::Clause(lits) => {
                    if failed.is_none() {
                        if let Err(c) = e.add_clause(lits, cause) {
                            failed = Some(c);
                        }
                    }
                }
                Spec::Linear { terms, rel, c } => {
                    let p: Box<dyn super::propagator::Propagator> = match (rel, binary_pair(terms)) {
                        (Rel::Eq, Some((x, y, a))) if c % a == 0 => Box::new(EqualOffset { x, y, c: c / a }),
                        (Rel::Ne, Some((x, y, a))) if c % a == 0 => Box::new(NotEqualOffset { x, y, c: c / a }),
                        (Rel::Ne, Some(_)) => continue,
                        (Rel::Le, _) => Box::new(LinearLe { terms: terms.clone(), c: *c }),
                        (Rel::Eq, _) => Box::new(LinearEq { terms: terms.clone(), c: *c }),
                        (Rel::Ne, _) => Box::new(LinearNe { terms: terms.clone(), c: *c }),
                    };
                    e.add_propagator(p, id);
                }
                Spec::ReifLinear { b, terms, rel, c } => {
                    e.add_propagator(Box::new(ReifLinear { b: *b, terms: terms.clone(), rel: *rel, c: *c }), id);
                }
                Spec::AllDifferent { terms, level } => {
                    e.add_propagator(Box::new(AllDiffForward::new(terms.clone())), id);
                    if *level == AllDiffLevel::Domain {
                        e.add_propagator(Box::new(AllDiffMatching::new(terms.clone(), &e.store)), id);
                    }
                }
                Spec::Table { vars, tuples } => {
                    let t = Table::new(vars.clone(), tuples, &mut e.store);
                    e.add_propagator(Box::new(t), id);
                }
                Spec::ElementConst { array, index, value } => {
                    e.add_propagator(Box::new(ElementConst::new(array.clone(), *index, *value)), id);
                }
                Spec::ElementVar { array, index, value } => {
                    e.add_propagator(Box::new(ElementVar { array: array.clone(), index: *index, value: *value }), id);
                }
            }
        }
        (e, failed)
    }
}

/// For terms `a·x - a·y` (a > 0 after ordering): `Some((x, y, a))`.
fn binary_pair(terms: &[(i64, VarId)]) -> Option<(VarId, VarId, i64)> {
    if terms.len() != 2 || terms[0].0 != -terms[1].0 {
        return None;
    }
    Some((terms[0].1, terms[1].1, terms[0].0))
}
