//! Inprocessing (in progress).

use super::solver::Solver;
use super::types::Var;

impl Solver {
    pub(super) fn simplify_due(&self) -> bool {
        false
    }
    pub(super) fn simplify(&mut self) -> bool {
        true
    }
    pub(super) fn restore_eliminated(&mut self, _v: Var) {}
}
