//! CountDown traces as text, rendered from the recorded events.
//!
//! # `dfs`: Stream of Search's DFS trace, as "To Backtrack or Not to Backtrack" uses it
//!
//! Line for line the strings of Stream of Search's `countdown_dfs.py`
//! (Gandhi et al., 2024), with Python's list printing:
//!
//! ```text
//! Current State: 24:[8, 2, 3, 2], Operations: []
//! Exploring Operation: 8+2=10, Resulting Numbers: [3, 2, 10]
//! Generated Node #0,0: 24:[3, 2, 10] Operation: 8+2=10
//! Moving to Node #0,0
//! Current State: 24:[3, 2, 10], Operations: ['8+2=10']
//! Exploring Operation: 3+2=5, Resulting Numbers: [10, 5]
//! ...
//! Exploring Operation: 10+5=15, Resulting Numbers: [15]
//! 15,24 unequal: No Solution
//! Moving to Node #0,0
//! Current State: 24:[3, 2, 10], Operations: ['8+2=10']
//! ...
//! 24,24 equal: Goal Reached
//! ```
//!
//! Backtracks are the "Moving to Node" lines that go back (to the current
//! node or an ancestor) rather than to a just generated child. Qin et al.
//! describe their CountDown traces as Stream of Search's DFS; their own
//! released code could not be reached to confirm the exact strings, so
//! these follow Stream of Search's released `countdown_dfs.py`.
//!
//! # `nl`: the natural-language format of "How Much Backtracking is Enough?" (Cai et al., 2025)
//!
//! As the authors' `create_backtrack_datasets.py` writes it: "Let's think
//! step by step. " then "Step i: a op b = c. " per step; a wrong path ends
//! with "Wait, this doesn't lead to the correct solution. c is not the
//! correct answer. Let me go back to step n and keep thinking from
//! there.\n" (or "Wait, this doesn't lead to the correct solution. Let me
//! restart.\n" back at the start); the end is "This matches the problem
//! statement. This is the solution.\n</think>\n\n<answer>EXPR</answer>". The
//! paper chains steps on one running value; here a step combines any two
//! numbers, as the search does.

use super::expr::{Expr, ExprId, Exprs};
use super::search::{CountdownEvent, CountdownTrace, NodeId};

fn list(nums: &[u64]) -> String {
    format!("{nums:?}")
}

fn ops_list(trace: &CountdownTrace, id: NodeId) -> String {
    let ops: Vec<String> = trace.steps_to(id).iter().map(|s| format!("'{}'", s.compact())).collect();
    format!("[{}]", ops.join(", "))
}

fn current_state(trace: &CountdownTrace, id: NodeId) -> String {
    format!(
        "Current State: {}:{}, Operations: {}",
        trace.instance.target,
        list(&trace.node(id).nums),
        ops_list(trace, id)
    )
}

/// The `dfs` format (see the module doc).
pub fn render_dfs(trace: &CountdownTrace) -> String {
    let target = trace.instance.target;
    let mut lines: Vec<String> = Vec::new();
    for &e in &trace.events {
        match e {
            CountdownEvent::Enter(n) => lines.push(current_state(trace, n)),
            CountdownEvent::Explore(c) => {
                let node = trace.node(c);
                let step = node.step.expect("explored nodes have a step");
                lines.push(format!("Exploring Operation: {}, Resulting Numbers: {}", step.compact(), list(&node.nums)));
            }
            CountdownEvent::Goal(c) => {
                let step = trace.node(c).step.expect("goal has a step");
                lines.push(format!("{},{} equal: Goal Reached", step.result, target));
            }
            CountdownEvent::Leaf(c) => lines.push(format!("{},{} unequal: No Solution", trace.node(c).nums[0], target)),
            CountdownEvent::Generated(c) => {
                let node = trace.node(c);
                lines.push(format!(
                    "Generated Node #{}: {}:{} Operation: {}",
                    trace.id_string(c),
                    target,
                    list(&node.nums),
                    node.step.expect("generated nodes have a step").compact()
                ));
            }
            CountdownEvent::MoveDown(c) | CountdownEvent::Resume(c) => {
                lines.push(format!("Moving to Node #{}", trace.id_string(c)));
                if matches!(e, CountdownEvent::Resume(_)) {
                    lines.push(current_state(trace, c));
                }
            }
        }
    }
    lines.join("\n")
}

/// The solution as one expression, written as its steps built it.
pub fn solution_expression(trace: &CountdownTrace) -> String {
    let mut exprs = Exprs::default();
    let mut items: Vec<ExprId> = trace.instance.numbers.iter().map(|&v| exprs.push(Expr::Num(v))).collect();
    let mut last = None;
    for step in &trace.solution {
        let (a, b) = (items[step.i], items[step.j]);
        let (left, right) = if exprs.value(a) == step.left && exprs.value(b) == step.right { (a, b) } else { (b, a) };
        let e = exprs.push(Expr::Bin { op: step.op, left, right, value: step.result });
        items = items.iter().enumerate().filter(|&(k, _)| k != step.i && k != step.j).map(|(_, &x)| x).collect();
        items.push(e);
        last = Some(e);
    }
    exprs.infix(last.expect("a traced solution has at least one step"))
}

/// The `nl` format (see the module doc).
pub fn render_nl(trace: &CountdownTrace) -> String {
    let mut text = String::from("Let's think step by step. ");
    // The result of the last explored step, for "c is not the correct answer".
    let mut last_result = 0u64;
    for &e in &trace.events {
        match e {
            CountdownEvent::Explore(c) => {
                let node = trace.node(c);
                let step = node.step.expect("explored nodes have a step");
                text.push_str(&format!("Step {}: {}. ", node.depth, step.spaced()));
                last_result = step.result;
            }
            CountdownEvent::Resume(n) => {
                let depth = trace.node(n).depth;
                if depth == 0 {
                    text.push_str("Wait, this doesn't lead to the correct solution. Let me restart.\n");
                } else {
                    text.push_str(&format!(
                        "Wait, this doesn't lead to the correct solution. {last_result} is not the correct answer. \
                         Let me go back to step {depth} and keep thinking from there.\n"
                    ));
                }
            }
            CountdownEvent::Goal(_) => {
                text.push_str("This matches the problem statement. This is the solution.\n</think>\n\n<answer>");
                text.push_str(&solution_expression(trace));
                text.push_str("</answer>");
            }
            CountdownEvent::Enter(_) | CountdownEvent::Leaf(_) | CountdownEvent::Generated(_) | CountdownEvent::MoveDown(_) => {}
        }
    }
    text
}
