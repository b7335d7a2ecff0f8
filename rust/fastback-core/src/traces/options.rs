//! Every trace option, declared once.
//!
//! One line of [`TABLE`] per option: name, the task it applies to, its kind
//! (an int range, a choice among names, or a flag), its default and a
//! one-line description. [`TraceOptions::set`] checks values against the
//! table, and the Python keyword arguments and the `fastback traces` flags
//! (with their help text) are generated from it through
//! `fastback._core.traces_options()`. Add an option here and it exists
//! everywhere.

/// Which task an option applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Sudoku,
    Countdown,
    Both,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Sudoku => "sudoku",
            Task::Countdown => "countdown",
            Task::Both => "both",
        }
    }
}

/// The shape of an option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An integer in `[min, max]`.
    Int { min: i64, max: i64 },
    /// One of the listed names; stored as its index.
    Choice(&'static [&'static str]),
    /// 0 or 1.
    Flag,
}

/// One option's declaration.
#[derive(Clone, Copy, Debug)]
pub struct OptionInfo {
    pub name: &'static str,
    pub task: Task,
    pub kind: Kind,
    /// The default, as an int (a choice's index; a flag's 0/1).
    pub default: i64,
    pub description: &'static str,
}

pub const PROPAGATION: &[&str] = &["none", "naked", "hidden"];
pub const CELL_ORDER: &[&str] = &["mrv", "first"];
pub const VALUE_ORDER: &[&str] = &["ascending", "random"];
pub const HEURISTIC: &[&str] = &["sum", "mult", "none"];
pub const PRUNE: &[&str] = &["none", "target"];

/// The table. Order is the order of `--help`.
pub const TABLE: &[OptionInfo] = &[
    OptionInfo { name: "seed", task: Task::Both, kind: Kind::Int { min: 0, max: i64::MAX }, default: 0,
        description: "seed of the random choices: which wrong guesses become detours, the random value order" },
    OptionInfo { name: "max_nodes", task: Task::Both, kind: Kind::Int { min: 1, max: 1 << 40 }, default: 1_000_000,
        description: "nodes one search may use (guesses for Sudoku, expansions for CountDown) before it gives up" },
    OptionInfo { name: "propagation", task: Task::Sudoku, kind: Kind::Choice(PROPAGATION), default: 1,
        description: "after each placement fill: nothing (none), cells with one candidate (naked), and also values with one place in a row, column or box (hidden)" },
    OptionInfo { name: "cell_order", task: Task::Sudoku, kind: Kind::Choice(CELL_ORDER), default: 0,
        description: "cell to guess: fewest candidates, first in row-major order on ties (mrv), or the first empty cell (first)" },
    OptionInfo { name: "value_order", task: Task::Sudoku, kind: Kind::Choice(VALUE_ORDER), default: 0,
        description: "order the candidates of a guessed cell are tried in: ascending, or shuffled by the seed (random)" },
    OptionInfo { name: "heuristic", task: Task::Countdown, kind: Kind::Choice(HEURISTIC), default: 0,
        description: "Stream-of-Search child order: mean distance to the target (sum), distance to factors of the target (mult), or generation order (none)" },
    OptionInfo { name: "prune", task: Task::Countdown, kind: Kind::Choice(PRUNE), default: 0,
        description: "drop children whose heuristic exceeds the target, as Stream of Search does (target), or keep all (none; the search is then complete)" },
    OptionInfo { name: "use_all", task: Task::Countdown, kind: Kind::Flag, default: 0,
        description: "a solution must use every number (Stream of Search's rule); by default each number is used at most once" },
];

/// Sudoku propagation strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    None,
    Naked,
    Hidden,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellOrder {
    Mrv,
    First,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueOrder {
    Ascending,
    Random,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heuristic {
    Sum,
    Mult,
    None,
}

/// The options of a trace search; see [`TABLE`] for ranges and meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceOptions {
    pub seed: u64,
    pub max_nodes: u64,
    pub propagation: Propagation,
    pub cell_order: CellOrder,
    pub value_order: ValueOrder,
    pub heuristic: Heuristic,
    pub prune_above_target: bool,
    pub use_all: bool,
}

impl Default for TraceOptions {
    fn default() -> Self {
        let mut o = TraceOptions {
            seed: 0,
            max_nodes: 0,
            propagation: Propagation::None,
            cell_order: CellOrder::Mrv,
            value_order: ValueOrder::Ascending,
            heuristic: Heuristic::Sum,
            prune_above_target: false,
            use_all: false,
        };
        for info in TABLE {
            o.store(info.name, info.default);
        }
        o
    }
}

/// A value given for an option: an int (ints, flags, a choice's index) or a
/// name (a choice; for flags also "0"/"1"/"true"/"false").
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    Int(i64),
    Name(String),
}

impl TraceOptions {
    /// The declaration of `name`.
    pub fn info(name: &str) -> Option<&'static OptionInfo> {
        TABLE.iter().find(|o| o.name == name)
    }

    /// Sets an option by name, checking it against the table.
    ///
    /// Errors: an unknown name, an int out of range, a name that is not one
    /// of the choices; the message names the option and what it accepts.
    pub fn set(&mut self, name: &str, value: &OptionValue) -> Result<(), String> {
        let info = Self::info(name).ok_or_else(|| {
            let names: Vec<&str> = TABLE.iter().map(|o| o.name).collect();
            format!("unknown trace option '{name}' (options: {})", names.join(", "))
        })?;
        let raw = match (info.kind, value) {
            (Kind::Int { min, max }, OptionValue::Int(v)) => {
                if !(min..=max).contains(v) {
                    return Err(format!("option '{name}' must be in [{min}, {max}], got {v}"));
                }
                *v
            }
            (Kind::Int { .. }, OptionValue::Name(s)) => {
                return Err(format!("option '{name}' must be an int, got '{s}'"))
            }
            (Kind::Choice(names), OptionValue::Name(s)) => names
                .iter()
                .position(|n| n == s)
                .ok_or_else(|| format!("option '{name}' must be one of {}, got '{s}'", names.join(", ")))?
                as i64,
            (Kind::Choice(names), OptionValue::Int(v)) => {
                return Err(format!("option '{name}' must be one of {}, got {v}", names.join(", ")))
            }
            (Kind::Flag, OptionValue::Int(v)) if *v == 0 || *v == 1 => *v,
            (Kind::Flag, OptionValue::Name(s)) if s == "true" || s == "1" => 1,
            (Kind::Flag, OptionValue::Name(s)) if s == "false" || s == "0" => 0,
            (Kind::Flag, v) => return Err(format!("option '{name}' is a flag (0 or 1), got {v:?}")),
        };
        self.store(name, raw);
        Ok(())
    }

    fn store(&mut self, name: &str, raw: i64) {
        match name {
            "seed" => self.seed = raw as u64,
            "max_nodes" => self.max_nodes = raw as u64,
            "propagation" => {
                self.propagation = [Propagation::None, Propagation::Naked, Propagation::Hidden][raw as usize]
            }
            "cell_order" => self.cell_order = [CellOrder::Mrv, CellOrder::First][raw as usize],
            "value_order" => self.value_order = [ValueOrder::Ascending, ValueOrder::Random][raw as usize],
            "heuristic" => self.heuristic = [Heuristic::Sum, Heuristic::Mult, Heuristic::None][raw as usize],
            "prune" => self.prune_above_target = raw == 1,
            "use_all" => self.use_all = raw == 1,
            _ => unreachable!("option '{name}' is in TABLE but not stored"),
        }
    }

    /// The current value of every option, as (name, display value).
    pub fn values(&self) -> Vec<(&'static str, String)> {
        TABLE
            .iter()
            .map(|info| {
                let raw: i64 = match info.name {
                    "seed" => self.seed as i64,
                    "max_nodes" => self.max_nodes as i64,
                    "propagation" => self.propagation as i64,
                    "cell_order" => self.cell_order as i64,
                    "value_order" => self.value_order as i64,
                    "heuristic" => self.heuristic as i64,
                    "prune" => self.prune_above_target as i64,
                    "use_all" => self.use_all as i64,
                    _ => unreachable!(),
                };
                let shown = match info.kind {
                    Kind::Choice(names) => names[raw as usize].to_string(),
                    _ => raw.to_string(),
                };
                (info.name, shown)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_table_and_set_checks_ranges() {
        let o = TraceOptions::default();
        assert_eq!(o.max_nodes, 1_000_000);
        assert_eq!(o.propagation, Propagation::Naked);
        assert!(!o.use_all && !o.prune_above_target);
        let mut o = TraceOptions::default();
        o.set("propagation", &OptionValue::Name("hidden".into())).unwrap();
        assert_eq!(o.propagation, Propagation::Hidden);
        assert!(o.set("propagation", &OptionValue::Name("full".into())).unwrap_err().contains("none, naked, hidden"));
        assert!(o.set("max_nodes", &OptionValue::Int(0)).unwrap_err().contains("[1, "));
        assert!(o.set("nope", &OptionValue::Int(0)).unwrap_err().contains("unknown trace option"));
        o.set("use_all", &OptionValue::Name("true".into())).unwrap();
        assert!(o.use_all);
        // Every table entry round-trips through values().
        for (name, shown) in TraceOptions::default().values() {
            let info = TraceOptions::info(name).unwrap();
            let v = match info.kind {
                Kind::Choice(_) => OptionValue::Name(shown),
                _ => OptionValue::Int(shown.parse().unwrap()),
            };
            let mut o = TraceOptions::default();
            o.set(name, &v).unwrap();
            assert_eq!(o, TraceOptions::default());
        }
    }
}
