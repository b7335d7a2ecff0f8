//! Shared by the integration tests.

use fastback_core::sat::Options;

/// Options that make inprocessing (every `elimint` conflicts, starting at
/// once, probing included), reduction, rephasing and mode switches happen within a few
/// conflicts, so that small formulas exercise all of them.
pub fn aggressive(elimint: i64) -> Options {
    let mut o = Options::default();
    o.set("reduceint", 10).unwrap();
    o.set("eliminit", 0).unwrap();
    o.set("elimint", elimint).unwrap();
    o.set("rephaseint", 10).unwrap();
    o.set("modeinit", 10).unwrap();
    o.set("probe", 1).unwrap();
    o
}
