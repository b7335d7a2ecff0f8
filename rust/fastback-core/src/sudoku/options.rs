//! Every option of the Sudoku engine, declared once.
//!
//! As for the SAT solver (`sat/options.rs`, after Kissat's `options.h`),
//! each option is one line: name, default, minimum, maximum, description.
//! The table generates [`Options`], its defaults, the range-checked setter by
//! name, and the listing that the Python keyword arguments and the
//! `fastback sudoku` help are generated from.

pub use crate::options::OptionInfo;

use crate::options::declare_options;

declare_options! {
    "Sudoku engine";
    threads: 0, 0, 1024, "worker threads for batch calls (0 = one per core); results do not depend on it";
    limit: 2, 1, i64::MAX, "count_solutions stops at this many solutions (2 decides uniqueness)";
    seed: 0, 0, i64::MAX, "generator: random seed (the same seed gives the same puzzle)";
    symmetric: 0, 0, 1, "generator: 1 keeps the givens symmetric under a half turn";
    min_clues: 0, 0, 625, "generator: stop removing givens at this many (0 = remove until minimal)";
    level: 0, 0, 4, "generator: required difficulty level (0 = any, 1 easy, 2 medium, 3 hard, 4 expert)";
    attempts: 200, 1, 1_000_000, "generator: grids tried before giving up on the required level";
    guess_budget: 2000, 1, i64::MAX, "generator: guesses per uniqueness check on 16x16 and 25x25 (a check that runs out keeps the given)";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_defaults_and_ranges() {
        let mut o = Options::default();
        for info in Options::table() {
            assert_eq!(o.get(info.name), Some(info.default));
            assert!(info.min <= info.default && info.default <= info.max, "{}", info.name);
        }
        assert!(o.set("level", 5).unwrap_err().contains("[0, 4]"));
        assert!(o.set("nope", 1).is_err());
        o.set("seed", 42).unwrap();
        assert_eq!(o.seed, 42);
    }
}
