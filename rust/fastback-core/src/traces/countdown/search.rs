//! The CountDown search that traces record: Stream of Search's depth-first
//! search (Gandhi et al., 2024, `countdown_dfs.py`), which "To Backtrack or
//! Not to Backtrack" trains its CountDown backtracking models on.
//!
//! At a node, every step (pairs `i < j`, then `+ * - /`, see `expr`) makes a
//! child; children are sorted by a heuristic of their numbers (stable, so
//! ties keep generation order) and, with `prune`, those whose heuristic
//! exceeds the target are dropped. The search explores the children in
//! order: a child that reaches the target ends the search; a child with one
//! number left is a leaf; any other child is generated, moved to and
//! searched recursively. After a failed child that is not the node's last,
//! the search moves back to the node ("Moving to Node #id"): that move is a
//! backtrack. Heuristics, as in Stream of Search: `sum` is the mean of
//! `|x - target|` over the numbers (`|x - target|` for a single number);
//! `mult` is the sum over the numbers of the distance to the nearest factor
//! of the target in `2..=target` (0 when the target is 1).
//!
//! Differences from Stream of Search, both from the rules in `expr`: a step
//! never makes 0 (Stream of Search allows `a - a`), and without `use_all`
//! a child whose newest number is the target is a goal even when other
//! numbers remain.
//!
//! [`guided_search`] builds the trace with exactly k backtracks the way
//! `sudoku::guided` does: the solution path of this search, plus k wrong
//! children of path nodes (refuted by the complete solver) each explored by
//! following the first child until a leaf, then a move back.

use super::expr::{apply, combine, Step};
use super::solve::{has_solution, Instance};
use crate::traces::error::{Budget, StopFn, TraceError};
use crate::traces::options::{Heuristic, TraceOptions};
use crate::traces::rng::SplitMix64;

/// A node index in a [`CountdownTrace`]'s arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeId(pub u32);

/// A search node.
#[derive(Clone, Debug)]
pub struct Node {
    pub parent: Option<NodeId>,
    /// The index among the parent's children, as the trace numbers them.
    pub rank: u32,
    pub nums: Vec<u64>,
    /// The step from the parent (None at the root).
    pub step: Option<Step>,
    /// Steps from the root.
    pub depth: u32,
}

/// One step of the search, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountdownEvent {
    /// The search is at this node ("Current State").
    Enter(NodeId),
    /// The search applies this child's step ("Exploring Operation").
    Explore(NodeId),
    /// The child reached the target.
    Goal(NodeId),
    /// The child has one number left, not the target.
    Leaf(NodeId),
    /// The child is kept for searching ("Generated Node").
    Generated(NodeId),
    /// The search moves to the child ("Moving to Node").
    MoveDown(NodeId),
    /// The search moves back to this node after a failure: a backtrack.
    Resume(NodeId),
}

/// A recorded search.
#[derive(Clone, Debug)]
pub struct CountdownTrace {
    pub instance: Instance,
    pub nodes: Vec<Node>,
    pub events: Vec<CountdownEvent>,
    /// The steps from the root to the goal.
    pub solution: Vec<Step>,
    /// `Resume` events.
    pub backtracks: usize,
    /// Node expansions of the traced searches (the refutations of wrong
    /// children by the complete solver are not counted).
    pub expansions: u64,
}

impl CountdownTrace {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// Stream of Search's id: `0`, `0,2`, `0,2,0`.
    pub fn id_string(&self, id: NodeId) -> String {
        let node = self.node(id);
        match node.parent {
            None => "0".to_string(),
            Some(p) => format!("{},{}", self.id_string(p), node.rank),
        }
    }

    /// The steps from the root to `id`.
    pub fn steps_to(&self, id: NodeId) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let node = self.node(c);
            steps.extend(node.step);
            cur = node.parent;
        }
        steps.reverse();
        steps
    }
}

/// The heuristic of a child's numbers (smaller is explored first).
pub fn heuristic(kind: Heuristic, nums: &[u64], target: u64, factors: &[u64]) -> f64 {
    let dist = |x: u64, t: u64| x.abs_diff(t);
    match kind {
        Heuristic::None => 0.0,
        Heuristic::Sum => {
            if nums.len() == 1 {
                dist(nums[0], target) as f64
            } else {
                nums.iter().map(|&x| dist(x, target) as u128).sum::<u128>() as f64 / nums.len() as f64
            }
        }
        Heuristic::Mult => {
            if factors.is_empty() {
                return 0.0;
            }
            nums.iter()
                .map(|&x| factors.iter().map(|&f| dist(x, f)).min().unwrap_or(0) as u128)
                .sum::<u128>() as f64
        }
    }
}

/// The factors of `target` in `2..=target` (Stream of Search's `mult_heuristic`).
pub fn factors_of(target: u64) -> Vec<u64> {
    let mut small = Vec::new();
    let mut large = Vec::new();
    let mut d = 1u64;
    while d * d <= target {
        if target % d == 0 {
            small.push(d);
            if d != target / d {
                large.push(target / d);
            }
        }
        d += 1;
    }
    small.extend(large.into_iter().rev());
    small.retain(|&f| f >= 2);
    small
}

struct Ctx<'o> {
    target: u64,
    opts: &'o TraceOptions,
    factors: Vec<u64>,
}

impl Ctx<'_> {
    /// The children of a node, in search order (see the module doc).
    fn children(&self, nums: &[u64]) -> Vec<(Step, Vec<u64>)> {
        let mut kids: Vec<(f64, Step, Vec<u64>)> = Vec::new();
        for i in 0..nums.len() {
            for j in i + 1..nums.len() {
                for step in combine(i, j, nums[i], nums[j]) {
                    let next = apply(nums, &step);
                    let h = heuristic(self.opts.heuristic, &next, self.target, &self.factors);
                    if self.opts.prune_above_target && h > self.target as f64 {
                        continue;
                    }
                    kids.push((h, step, next));
                }
            }
        }
        kids.sort_by(|a, b| a.0.partial_cmp(&b.0).expect("heuristics are finite"));
        kids.into_iter().map(|(_, s, n)| (s, n)).collect()
    }

    fn is_goal(&self, step: &Step, nums: &[u64]) -> bool {
        step.result == self.target && (!self.opts.use_all || nums.len() == 1)
    }
}

struct Recorder {
    nodes: Vec<Node>,
    events: Vec<CountdownEvent>,
}

impl Recorder {
    fn add(&mut self, parent: Option<NodeId>, rank: u32, nums: Vec<u64>, step: Option<Step>) -> NodeId {
        let depth = parent.map_or(0, |p| self.nodes[p.0 as usize].depth + 1);
        self.nodes.push(Node { parent, rank, nums, step, depth });
        NodeId(self.nodes.len() as u32 - 1)
    }
}

fn check_searchable(inst: &Instance, use_all: bool) -> Result<(), TraceError> {
    if inst.numbers.len() < 2 {
        return Err(TraceError::InvalidInput("a traced instance needs at least 2 numbers".into()));
    }
    if !use_all && inst.numbers.contains(&inst.target) {
        return Err(TraceError::InvalidInput(format!(
            "the target {} is one of the numbers: there is nothing to search",
            inst.target
        )));
    }
    Ok(())
}

fn sos_dfs(ctx: &Ctx<'_>, rec: &mut Recorder, node: NodeId, budget: &mut Budget<'_>) -> Result<Option<NodeId>, TraceError> {
    rec.events.push(CountdownEvent::Enter(node));
    budget.tick()?;
    let nums = rec.nodes[node.0 as usize].nums.clone();
    let kids = ctx.children(&nums);
    let last = kids.len().saturating_sub(1);
    for (g, (step, next)) in kids.into_iter().enumerate() {
        let goal = ctx.is_goal(&step, &next);
        let leaf = next.len() == 1;
        let child = rec.add(Some(node), g as u32, next, Some(step));
        rec.events.push(CountdownEvent::Explore(child));
        if goal {
            rec.events.push(CountdownEvent::Goal(child));
            return Ok(Some(child));
        } else if leaf {
            rec.events.push(CountdownEvent::Leaf(child));
        } else {
            rec.events.push(CountdownEvent::Generated(child));
            rec.events.push(CountdownEvent::MoveDown(child));
            if let Some(goal) = sos_dfs(ctx, rec, child, budget)? {
                return Ok(Some(goal));
            }
        }
        if g < last {
            rec.events.push(CountdownEvent::Resume(node));
        }
    }
    Ok(None)
}

fn finish(inst: &Instance, rec: Recorder, goal: NodeId, expansions: u64) -> CountdownTrace {
    let backtracks = rec.events.iter().filter(|e| matches!(e, CountdownEvent::Resume(_))).count();
    let mut t = CountdownTrace {
        instance: inst.clone(),
        nodes: rec.nodes,
        events: rec.events,
        solution: Vec::new(),
        backtracks,
        expansions,
    };
    t.solution = t.steps_to(goal);
    t
}

/// The whole Stream-of-Search DFS, every explored child and move back,
/// until the first goal.
///
/// Errors: `InvalidInput` (fewer than 2 numbers; the target is a given
/// number without `use_all`); `NoSolution` when the search ends without the
/// target (with `prune`, also when pruning cut every solution);
/// `Budget` after `opts.max_nodes` expansions; `Interrupted`.
pub fn full_search(inst: &Instance, opts: &TraceOptions, stop: StopFn<'_>) -> Result<CountdownTrace, TraceError> {
    check_searchable(inst, opts.use_all)?;
    let ctx = Ctx { target: inst.target, opts, factors: factors_of(inst.target) };
    let mut budget = Budget::new(opts.max_nodes, stop);
    let mut rec = Recorder { nodes: Vec::new(), events: Vec::new() };
    let root = rec.add(None, 0, inst.numbers.clone(), None);
    let goal = sos_dfs(&ctx, &mut rec, root, &mut budget)?.ok_or(TraceError::NoSolution)?;
    Ok(finish(inst, rec, goal, budget.nodes))
}

/// The solution path of the DFS with exactly `k` detours (module doc).
///
/// Errors: those of [`full_search`], and `NotEnoughWrongGuesses` when the
/// path nodes have fewer than `k` children from which the complete solver
/// cannot reach the target. Cost: one search, one complete solve per wrong
/// child tested, one descent per detour.
pub fn guided_search(inst: &Instance, opts: &TraceOptions, k: usize, stop: StopFn<'_>) -> Result<CountdownTrace, TraceError> {
    check_searchable(inst, opts.use_all)?;
    let ctx = Ctx { target: inst.target, opts, factors: factors_of(inst.target) };
    let mut budget = Budget::new(opts.max_nodes, stop);

    // 1. The path: the DFS's solution, as steps.
    let path_steps = {
        let mut rec = Recorder { nodes: Vec::new(), events: Vec::new() };
        let root = rec.add(None, 0, inst.numbers.clone(), None);
        let goal = sos_dfs(&ctx, &mut rec, root, &mut budget)?.ok_or(TraceError::NoSolution)?;
        finish(inst, rec, goal, 0).solution
    };
    let mut expansions = budget.nodes;

    // 2. Path nodes, their children, and which child the path takes.
    struct PathNode {
        nums: Vec<u64>,
        kids: Vec<(Step, Vec<u64>)>,
        correct: usize,
    }
    let mut path = Vec::new();
    let mut nums = inst.numbers.clone();
    for step in &path_steps {
        let kids = ctx.children(&nums);
        let correct = kids.iter().position(|(s, _)| s == step).expect("the path's step is a child of its node");
        let next = kids[correct].1.clone();
        path.push(PathNode { nums: std::mem::replace(&mut nums, next), kids, correct });
    }

    // 3. Wrong children in seeded order, refuted by the complete solver.
    let mut wrong: Vec<(usize, usize)> = path
        .iter()
        .enumerate()
        .flat_map(|(i, p)| (0..p.kids.len()).filter(move |&c| c != p.correct).map(move |c| (i, c)))
        .collect();
    SplitMix64::new(opts.seed).shuffle(&mut wrong);
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut undecided = 0;
    for &(i, c) in &wrong {
        if chosen.len() == k {
            break;
        }
        let (step, next) = &path[i].kids[c];
        if ctx.is_goal(step, next) {
            continue;
        }
        let solvable = has_solution(next, inst.target, opts.use_all, Some(opts.max_nodes), &mut || budget.poll_stop());
        match solvable {
            Ok(false) => chosen.push((i, c)),
            Ok(true) => {}
            Err(TraceError::Budget { .. }) => undecided += 1,
            Err(e) => return Err(e),
        }
    }
    if chosen.len() < k {
        return Err(TraceError::NotEnoughWrongGuesses { requested: k, available: chosen.len(), undecided });
    }
    chosen.sort();

    // 4. The trace: at each path node its detours (in child order) and then
    //    the correct child; children are numbered in the order explored.
    budget.reset();
    let mut rec = Recorder { nodes: Vec::new(), events: Vec::new() };
    let mut node = rec.add(None, 0, inst.numbers.clone(), None);
    rec.events.push(CountdownEvent::Enter(node));
    let mut detours = chosen.into_iter().peekable();
    let mut goal = None;
    for (i, p) in path.iter().enumerate() {
        debug_assert_eq!(rec.nodes[node.0 as usize].nums, p.nums);
        let mut rank = 0u32;
        while let Some((_, c)) = detours.next_if(|&(j, _)| j == i) {
            let (step, next) = p.kids[c].clone();
            let mut cur = rec.add(Some(node), rank, next, Some(step));
            rank += 1;
            // First descent: first child until a leaf or a node without children.
            loop {
                rec.events.push(CountdownEvent::Explore(cur));
                let here = rec.nodes[cur.0 as usize].nums.clone();
                if here.len() == 1 {
                    rec.events.push(CountdownEvent::Leaf(cur));
                    break;
                }
                rec.events.push(CountdownEvent::Generated(cur));
                rec.events.push(CountdownEvent::MoveDown(cur));
                rec.events.push(CountdownEvent::Enter(cur));
                budget.tick()?;
                match ctx.children(&here).into_iter().next() {
                    None => break,
                    Some((s, n)) => {
                        debug_assert!(!ctx.is_goal(&s, &n), "a refuted child reached the target");
                        cur = rec.add(Some(cur), 0, n, Some(s));
                    }
                }
            }
            rec.events.push(CountdownEvent::Resume(node));
        }
        let (step, next) = p.kids[p.correct].clone();
        let is_goal = ctx.is_goal(&step, &next);
        let child = rec.add(Some(node), rank, next, Some(step));
        rec.events.push(CountdownEvent::Explore(child));
        if is_goal {
            rec.events.push(CountdownEvent::Goal(child));
            goal = Some(child);
            break;
        }
        rec.events.push(CountdownEvent::Generated(child));
        rec.events.push(CountdownEvent::MoveDown(child));
        rec.events.push(CountdownEvent::Enter(child));
        node = child;
    }
    expansions += budget.nodes;
    let goal = goal.expect("the path ends at the goal");
    let t = finish(inst, rec, goal, expansions);
    debug_assert_eq!(t.backtracks, k);
    Ok(t)
}
