//! The CountDown solver: the first solution, or every solution up to the
//! canonical form of [`expr`](super::expr).
//!
//! Exhaustive depth-first search over steps (see the rules in `expr`): at
//! each node combine every pair of the current numbers with every legal
//! operation; a node whose newest number equals the target is a solution
//! (with `use_all`, only when it is the last number). A given number equal to
//! the target is a solution on its own. The search is complete: `First`
//! returns nothing only when no expression reaches the target.

use std::collections::HashSet;

use super::expr::{combine, Canon, Expr, ExprId, Exprs, Op};
use crate::traces::error::{Budget, StopFn, TraceError};

/// Most numbers an instance may have (8 numbers: about 10^10 step sequences
/// for all solutions; the classic game has 6).
pub const MAX_NUMBERS: usize = 8;

/// Largest number or target accepted.
pub const MAX_VALUE: u64 = 1_000_000_000;

/// A CountDown instance: the numbers (order kept) and the target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub numbers: Vec<u64>,
    pub target: u64,
}

impl Instance {
    /// Errors: no numbers or more than [`MAX_NUMBERS`]; a number or target
    /// outside `1..=MAX_VALUE` (the message names which, by 0-based index).
    pub fn new(numbers: Vec<u64>, target: u64) -> Result<Instance, TraceError> {
        if numbers.is_empty() || numbers.len() > MAX_NUMBERS {
            return Err(TraceError::InvalidInput(format!(
                "an instance has 1 to {MAX_NUMBERS} numbers, got {}",
                numbers.len()
            )));
        }
        if let Some(i) = numbers.iter().position(|&v| v == 0 || v > MAX_VALUE) {
            return Err(TraceError::InvalidInput(format!(
                "numbers[{i}] = {} is not in 1..={MAX_VALUE}",
                numbers[i]
            )));
        }
        if target == 0 || target > MAX_VALUE {
            return Err(TraceError::InvalidInput(format!("target {target} is not in 1..={MAX_VALUE}")));
        }
        Ok(Instance { numbers, target })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    First,
    All,
}

struct Solver<'a, 'b> {
    target: u64,
    use_all: bool,
    mode: Mode,
    exprs: Exprs,
    seen: HashSet<Canon>,
    found: Vec<(usize, String)>,
    budget: &'a mut Budget<'b>,
}

impl Solver<'_, '_> {
    fn record(&mut self, id: ExprId, steps: usize) {
        let canon = self.exprs.canonical(id);
        if self.mode == Mode::First {
            self.found.push((steps, self.exprs.infix(id)));
        } else if self.seen.insert(canon.clone()) {
            self.found.push((steps, canon.to_infix()));
        }
    }

    /// Searches below `items` (the current numbers and their expressions).
    /// Ok(true) when `First` found its solution. The child lists are made in
    /// place (the result at `i`, the last item moved to `j`) and `items` is
    /// as on entry when this returns Ok(false).
    fn search(&mut self, items: &mut [(u64, ExprId)], steps: usize) -> Result<bool, TraceError> {
        let n = items.len();
        for i in 0..n {
            for j in i + 1..n {
                let (a, ea) = items[i];
                let (b, eb) = items[j];
                for step in combine(i, j, a, b) {
                    let (left, right) = if step.left == a && step.right == b { (ea, eb) } else { (eb, ea) };
                    // x / y with equal values is 1 either way round, but the
                    // two expressions differ: both are solutions' parts.
                    let orientations: &[(ExprId, ExprId)] =
                        if step.op == Op::Div && a == b { &[(left, right), (right, left)] } else { &[(left, right)] };
                    for &(left, right) in orientations {
                        self.budget.tick()?;
                        let mark = self.exprs.nodes.len();
                        let e = self.exprs.push(Expr::Bin { op: step.op, left, right, value: step.result });
                        if step.result == self.target && (!self.use_all || n == 2) {
                            self.record(e, steps + 1);
                            if self.mode == Mode::First {
                                return Ok(true);
                            }
                        }
                        if n > 2 {
                            let last = items[n - 1];
                            items[i] = (step.result, e);
                            items[j] = last;
                            if self.search(&mut items[..n - 1], steps + 1)? {
                                return Ok(true);
                            }
                            items[n - 1] = last;
                            items[j] = (b, eb);
                            items[i] = (a, ea);
                        }
                        self.exprs.nodes.truncate(mark);
                    }
                }
            }
        }
        Ok(false)
    }
}

/// Solves `inst`: `First` gives at most one expression (the first the
/// search meets, written as its steps built it); `All` gives one expression
/// per canonical form, in canonical print, sorted by the number of steps
/// and then as strings.
///
/// Errors: `Budget` after `max_nodes` steps (`None`: unlimited);
/// `Interrupted` when `stop` returns true (polled every 1024 steps).
/// Cost: up to `prod_{m=2..n} 4 * m(m-1)/2` steps for n numbers (about
/// 3·10^6 for 6 numbers), far less for `First` when a solution exists.
pub fn solve(
    inst: &Instance,
    use_all: bool,
    mode: Mode,
    max_nodes: Option<u64>,
    stop: StopFn<'_>,
) -> Result<Vec<String>, TraceError> {
    let mut budget = Budget::new(max_nodes.unwrap_or(u64::MAX), stop);
    let mut solver = Solver {
        target: inst.target,
        use_all,
        mode,
        exprs: Exprs::default(),
        seen: HashSet::new(),
        found: Vec::new(),
        budget: &mut budget,
    };
    let mut items: Vec<(u64, ExprId)> = inst.numbers.iter().map(|&v| (v, solver.exprs.push(Expr::Num(v)))).collect();
    if let Some(&(_, e)) = items.iter().find(|&&(v, _)| v == inst.target) {
        if !use_all || items.len() == 1 {
            solver.record(e, 0);
            if mode == Mode::First {
                return Ok(solver.found.into_iter().map(|(_, s)| s).collect());
            }
        }
    }
    solver.search(&mut items, 0)?;
    let mut found = solver.found;
    if mode == Mode::All {
        found.sort();
    }
    Ok(found.into_iter().map(|(_, s)| s).collect())
}

/// Whether any expression over `numbers` reaches `target` (the same rules).
pub fn has_solution(numbers: &[u64], target: u64, use_all: bool, max_nodes: Option<u64>, stop: StopFn<'_>) -> Result<bool, TraceError> {
    let inst = Instance { numbers: numbers.to_vec(), target };
    Ok(!solve(&inst, use_all, Mode::First, max_nodes, stop)?.is_empty())
}
