//! Every search option, declared once.
//!
//! As for the SAT solver (`sat/options.rs`, after Kissat's `options.h`), each
//! option is one line: name, default, minimum, maximum and a one-line
//! description. The table generates [`Options`], its `Default`, range-checked
//! setters by name (used by the Python keyword arguments) and the listing
//! that documentation and help are generated from.

pub use crate::options::OptionInfo;

use crate::options::declare_options;

declare_options! {
    "CSP search";
    var_order: 2, 0, 3, "variable order: 0 = input order, 1 = smallest domain (MRV), 2 = dom/wdeg, 3 = dom/deg";
    value_order: 0, 0, 4, "value order: 0 = smallest, 1 = largest, 2 = median, 3 = random, 4 = split (x <= middle, then x > middle)";
    restarts: 1, 0, 2, "restarts until the first solution: 0 = none, 1 = Luby, 2 = geometric";
    restart_base: 100, 1, 1_000_000_000, "failures before the first restart (Luby unit, or geometric start)";
    restart_growth: 150, 101, 1000, "geometric restarts: each limit is this percentage of the previous one";
    nogoods: 1, 0, 1, "record the branch's nld-nogoods at each restart (Lecoutre et al. 2007)";
    seed: 0, 0, i32::MAX as i64, "random seed: 0 breaks ties by variable order; others break them at random (and seed value_order = random)";
    trace_limit: 1_000_000, 0, 1_000_000_000, "most events kept when a search trace is recorded";
}

/// Variable orders (`var_order`).
pub const VAR_INPUT: i64 = 0;
pub const VAR_MRV: i64 = 1;
pub const VAR_DOM_WDEG: i64 = 2;
pub const VAR_DOM_DEG: i64 = 3;

/// Value orders (`value_order`).
pub const VAL_MIN: i64 = 0;
pub const VAL_MAX: i64 = 1;
pub const VAL_MEDIAN: i64 = 2;
pub const VAL_RANDOM: i64 = 3;
pub const VAL_SPLIT: i64 = 4;

/// Restart policies (`restarts`).
pub const RESTART_NONE: i64 = 0;
pub const RESTART_LUBY: i64 = 1;
pub const RESTART_GEOMETRIC: i64 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_in_range_and_names_checked() {
        let o = Options::default();
        for info in Options::table() {
            let v = o.get(info.name).unwrap();
            assert!(info.min <= v && v <= info.max, "{}", info.name);
        }
        let mut o = Options::default();
        assert!(o.set("var_order", 9).unwrap_err().contains("var_order"));
        assert!(o.set("nope", 1).unwrap_err().contains("unknown"));
    }
}
