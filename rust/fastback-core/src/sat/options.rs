//! Every solver option, declared once.
//!
//! As in Kissat's `options.h`, each option is one line of the
//! [`declare_options!`](crate::options) table: name, default, minimum,
//! maximum and a one-line description.
//! The table generates the `Options` struct, its `Default`, range-checked
//! setters by name (used by the Python keyword arguments and the CLI), and
//! the listing the CLI help is generated from. Add an option here and it
//! exists everywhere.

pub use crate::options::OptionInfo;
use crate::options::declare_options;

declare_options! {
    "solver";
    seed: 0, 0, i32::MAX as i64, "random seed: 0 keeps the input variable order, others shuffle the initial decision order";
    phase: 1, 0, 1, "initial decision phase (1 = true, 0 = false) for variables without a prior";
    stable: 1, 0, 1, "alternate focused (VMTF, fast restarts) and stable (EVSIDS, reluctant doubling) modes";
    modeinit: 1000, 10, 1_000_000_000, "conflicts of the first focused mode before switching to stable";
    restartint: 2, 1, 10_000, "minimum conflicts between restarts in focused mode";
    restartmargin: 110, 100, 200, "focused restart when fast LBD EMA exceeds slow EMA by this percentage";
    reluctant: 1024, 0, 1_000_000, "reluctant doubling base period in conflicts for stable mode (0 = no restarts)";
    reluctantmax: 1_048_576, 1, 1_000_000_000, "reluctant doubling maximal period";
    tier1: 2, 1, 100, "learned clauses with LBD up to this are kept forever";
    tier2: 6, 1, 1000, "learned clauses with LBD up to this are kept while used recently";
    reduceint: 300, 10, 1_000_000, "base conflict interval between learned clause reductions";
    reducefraction: 75, 10, 100, "percentage of unused tier-3 learned clauses deleted by a reduction";
    bumpreasons: 1, 0, 1, "also bump the variables in the reasons of the learned clause's literals";
    minimize: 1, 0, 1, "recursive minimisation of learned clauses";
    target: 1, 0, 2, "target phases (0 = off, 1 = stable mode only, 2 = always)";
    rephase: 1, 0, 1, "periodically reset saved phases (original, walk, best, inverted)";
    walk: 1, 0, 1, "rephase with ProbSAT local search phases (walk) in the rephase cycle";
    rephaseint: 1000, 10, 1_000_000, "base conflict interval between rephasing";
    simplify: 1, 0, 1, "inprocessing: subsumption and bounded variable elimination";
    probe: 0, 0, 1, "failed-literal probing during inprocessing (off: wins on assoc_mult_err_3, ~1.45x conflicts on factoring; see simplify/probe.rs)";
    vivify: 1, 0, 1, "vivify tier-2 learned clauses during inprocessing";
    eliminit: 0, 0, 1_000_000, "conflicts before the first inprocessing round (0 = before the first decision)";
    elimint: 2000, 10, 1_000_000, "base conflict interval between inprocessing rounds";
    elimbound: 16, 0, 1024, "maximum clause growth allowed when eliminating a variable";
    elimclslim: 100, 5, 10_000, "do not eliminate variables with resolvents longer than this";
    elimocclim: 1000, 10, 1_000_000, "do not eliminate variables occurring more often than this";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_in_range() {
        let o = Options::default();
        for info in Options::table() {
            let v = o.get(info.name).unwrap();
            assert_eq!(v, info.default);
            assert!(info.min <= v && v <= info.max, "{}", info.name);
        }
    }

    #[test]
    fn set_checks_range_and_name() {
        let mut o = Options::default();
        assert!(o.set("seed", 42).is_ok());
        assert_eq!(o.seed, 42);
        assert!(o.set("seed", -1).unwrap_err().contains("seed"));
        assert!(o.set("nope", 1).unwrap_err().contains("unknown"));
    }
}
