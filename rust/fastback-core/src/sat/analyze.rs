//! Conflict analysis: first-UIP learning, recursive minimisation, LBD, bumping.
//!
//! Marks in `seen` (per variable), all listed in `analyzed` so they can be
//! cleared in one pass:
//! - 1: the literal is in the learned clause (or is being resolved away);
//!   during minimisation also "shown implied by the clause" (MiniSat's scheme).
//!
//! Minimisation (MiniSat's `litRedundant`, Van Gelder's recursive variant)
//! removes a literal whose reason's literals are, recursively, all in the
//! clause or at level 0. "Abstract levels" (a 32-bit signature of the levels
//! in the clause) prune the recursion early: a literal at a level that does
//! not occur in the clause cannot be implied by it.
//!
//! The learned clause is RUP with respect to the clauses it was derived from
//! (it is a resolvent chain), so it is logged to the proof as is.

use super::solver::{Conflict, Reason, Solver};
use super::types::{Lit, Var};

impl Solver {
    /// Analyses a conflict at decision level > 0, learns a clause, backjumps
    /// and asserts the learned clause's first literal.
    pub(super) fn analyze_and_learn(&mut self, conflict: Conflict) {
        let current = self.decision_level();
        self.learnt.clear();
        self.learnt.push(Lit(0));
        let mut path = 0u32;
        let mut idx = self.trail.len();
        let mut reason_lits: Vec<Lit> = self.conflict_lits(conflict);
        if let Conflict::Long(c) = conflict {
            self.bump_clause(c);
        }
        let uip;
        loop {
            for &q in &reason_lits {
                let v = q.var().index();
                if self.seen[v] == 0 && self.level[v] > 0 {
                    self.seen[v] = 1;
                    self.analyzed.push(q.var());
                    if self.level[v] >= current {
                        path += 1;
                    } else {
                        self.learnt.push(q);
                    }
                }
            }
            // The most recent marked literal of the current level.
            loop {
                idx -= 1;
                if self.seen[self.trail[idx].var().index()] != 0 {
                    break;
                }
            }
            let p = self.trail[idx];
            self.seen[p.var().index()] = 0;
            path -= 1;
            if path == 0 {
                uip = p;
                break;
            }
            reason_lits.clear();
            match self.reason[p.var().index()] {
                Reason::Binary(o) => reason_lits.push(o),
                Reason::Long(c) => {
                    reason_lits.extend_from_slice(&self.db.lits(c)[1..]);
                    self.bump_clause(c);
                }
                Reason::None => unreachable!("a non-decision literal of the conflict level must have a reason"),
            }
        }
        self.learnt[0] = !uip;
        // Variables of the learned clause keep mark 1 (the UIP's was cleared).
        self.seen[uip.var().index()] = 1;

        // Bumped: the variables met in the resolution (before minimisation adds
        // the ones it visits) and the reason-side ones added after it.
        let conflict_side = self.analyzed.len();
        if self.opts.minimize != 0 {
            self.minimize_learned();
        }
        let after_minimize = self.analyzed.len();
        if self.opts.bumpreasons != 0 {
            self.add_reason_side_literals();
        }
        self.bump_analyzed(conflict_side, after_minimize);
        for &v in &self.analyzed {
            self.seen[v.index()] = 0;
        }
        self.analyzed.clear();

        // Backjump level: the highest level among the other literals, moved to position 1.
        let mut bt = 0;
        if self.learnt.len() > 1 {
            let mut max_i = 1;
            for i in 2..self.learnt.len() {
                if self.level[self.learnt[i].var().index()] > self.level[self.learnt[max_i].var().index()] {
                    max_i = i;
                }
            }
            self.learnt.swap(1, max_i);
            bt = self.level[self.learnt[1].var().index()];
        }
        let glue = self.compute_glue_of_learnt();
        self.stats.learned += 1;
        self.stats.learned_literals += self.learnt.len() as u64;
        self.ema_fast.update(glue as f64);
        self.ema_slow.update(glue as f64);
        if self.reluctant_countdown > 0 {
            self.reluctant_countdown -= 1;
        }

        let learnt = std::mem::take(&mut self.learnt);
        self.proof_add(&learnt);
        self.backtrack(bt);
        match learnt.len() {
            1 => {
                self.assign(learnt[0], Reason::None);
            }
            2 => {
                let c = self.db.alloc(&learnt, true, glue);
                self.attach(c);
                self.learned_refs.push(c);
                self.assign(learnt[0], Reason::Binary(learnt[1]));
            }
            _ => {
                let c = self.db.alloc(&learnt, true, glue);
                self.db.set_used(c, self.initial_used(glue));
                self.attach(c);
                self.learned_refs.push(c);
                self.assign(learnt[0], Reason::Long(c));
            }
        }
        self.learnt = learnt;
    }

    /// How many reductions a clause survives unused: tier 1 three, tier 2 two, tier 3 one.
    fn initial_used(&self, glue: u32) -> u32 {
        if glue <= self.opts.tier1 as u32 {
            3
        } else if glue <= self.opts.tier2 as u32 {
            2
        } else {
            1
        }
    }

    fn compute_glue_of_learnt(&mut self) -> u32 {
        self.stamp_clock += 1;
        let mut glue = 0;
        for i in 0..self.learnt.len() {
            let lvl = self.level[self.learnt[i].var().index()] as usize;
            if self.level_stamp[lvl] != self.stamp_clock {
                self.level_stamp[lvl] = self.stamp_clock;
                glue += 1;
            }
        }
        glue
    }

    /// Marks a learned clause used by analysis and lowers its glue when it
    /// now spans fewer levels (promoting it to a more protected tier).
    fn bump_clause(&mut self, c: super::clause::ClauseRef) {
        if !self.db.learned(c) {
            return;
        }
        let old = self.db.glue(c);
        if old > self.opts.tier1 as u32 {
            self.stamp_clock += 1;
            let mut glue = 0u32;
            for &l in self.db.lits(c) {
                let lvl = self.level[l.var().index()] as usize;
                if self.level_stamp[lvl] != self.stamp_clock {
                    self.level_stamp[lvl] = self.stamp_clock;
                    glue += 1;
                }
            }
            if glue < old {
                self.db.set_glue(c, glue);
            }
        }
        let used = self.initial_used(self.db.glue(c));
        self.db.set_used(c, used);
    }

    /// Adds the variables of the reasons of the learned clause's literals to
    /// the bumped set (Kissat's `bumpreasons`): they took part in the conflict
    /// one step removed, and bumping them focuses the search on the
    /// conflict's neighbourhood. Bounded to avoid flooding on long clauses.
    /// Marks them 1 in `seen` and lists them in `analyzed` (cleared by the caller).
    fn add_reason_side_literals(&mut self) {
        let limit = 10 * self.learnt.len();
        let start = self.analyzed.len();
        for i in 1..self.learnt.len() {
            let v = self.learnt[i].var();
            let reason_lits: &[Lit] = match self.reason[v.index()] {
                Reason::None => continue,
                Reason::Binary(o) => {
                    self.tmp_one[0] = o;
                    &self.tmp_one[..]
                }
                Reason::Long(c) => &self.db.lits(c)[1..],
            };
            for &q in reason_lits {
                let u = q.var().index();
                if self.seen[u] == 0 && self.level[u] > 0 {
                    self.seen[u] = 1;
                    self.analyzed.push(q.var());
                }
            }
            if self.analyzed.len() - start > limit {
                // Too many: undo (the clause is long and the reasons are wide).
                for k in start..self.analyzed.len() {
                    let u = self.analyzed[k];
                    self.seen[u.index()] = 0;
                }
                self.analyzed.truncate(start);
                return;
            }
        }
    }

    /// Bumps every variable seen in this analysis: VMTF in focused mode
    /// (in old stamp order, so their relative order survives), EVSIDS in stable mode.
    fn bump_analyzed(&mut self, conflict_side: usize, after_minimize: usize) {
        let mut vars = std::mem::take(&mut self.tmp_vars);
        vars.clear();
        vars.extend_from_slice(&self.analyzed[..conflict_side]);
        vars.extend_from_slice(&self.analyzed[after_minimize..]);
        if self.stable {
            for &v in &vars {
                self.heap.bump(v);
            }
            self.heap.decay(0.95);
            self.tmp_vars = vars;
        } else {
            vars.sort_unstable_by_key(|v| self.vmtf.stamp[v.index()]);
            for &v in &vars {
                let unassigned = self.vals[v.pos().index()] == super::types::LBool::Undef;
                self.vmtf.bump(v, unassigned);
            }
            self.tmp_vars = vars;
        }
    }

    fn minimize_learned(&mut self) {
        let mut abstract_levels = 0u32;
        for &l in &self.learnt[1..] {
            abstract_levels |= self.abstract_level(l.var());
        }
        let before = self.learnt.len();
        let mut j = 1;
        for i in 1..self.learnt.len() {
            let l = self.learnt[i];
            let keep = match self.reason[l.var().index()] {
                Reason::None => true,
                _ => !self.lit_redundant(l, abstract_levels),
            };
            if keep {
                self.learnt[j] = l;
                j += 1;
            }
        }
        self.learnt.truncate(j);
        self.stats.minimized_literals += (before - j) as u64;
    }

    #[inline]
    fn abstract_level(&self, v: Var) -> u32 {
        1 << (self.level[v.index()] & 31)
    }

    /// Whether `p` (in the learned clause, with a reason) is implied by the
    /// other literals of the clause. Marks shown-implied variables with 1
    /// (recorded in `analyzed` for cleanup); undoes its marks on failure.
    fn lit_redundant(&mut self, p: Lit, abstract_levels: u32) -> bool {
        let mut stack = std::mem::take(&mut self.minimize_stack);
        stack.clear();
        stack.push(p);
        let top = self.analyzed.len();
        let mut ok = true;
        'outer: while let Some(q) = stack.pop() {
            let reason_start;
            let lits: &[Lit] = match self.reason[q.var().index()] {
                Reason::Binary(o) => {
                    reason_start = 0;
                    self.tmp_one[0] = o;
                    &self.tmp_one[..]
                }
                Reason::Long(c) => {
                    reason_start = 1;
                    self.db.lits(c)
                }
                Reason::None => unreachable!(),
            };
            for &l in &lits[reason_start..] {
                let v = l.var().index();
                if self.seen[v] != 0 || self.level[v] == 0 {
                    continue;
                }
                if self.reason[v] != Reason::None && (self.abstract_level(l.var()) & abstract_levels) != 0 {
                    self.seen[v] = 1;
                    stack.push(l);
                    self.analyzed.push(l.var());
                } else {
                    ok = false;
                    break 'outer;
                }
            }
        }
        if !ok {
            for i in top..self.analyzed.len() {
                let v = self.analyzed[i];
                self.seen[v.index()] = 0;
            }
            self.analyzed.truncate(top);
        }
        self.minimize_stack = stack;
        ok
    }
}
