//! Seeded puzzles with a unique solution.
//!
//! How: (1) a random full grid, by the general solver's search from the
//! empty grid with the digits of each guess in random order (restarted on a
//! fresh stretch of the stream if it runs past a guess budget, which keeps
//! rare heavy-tailed runs short); (2) the givens are visited in random order
//! (in half-turn pairs when `symmetric`) and each is removed when the puzzle
//! keeps exactly one solution, until no given can go or `min_clues` is
//! reached; (3) the puzzle is rated, and when a level is required, attempts
//! continue with the next grid until one has it.
//!
//! Determinism: everything random comes from one [`Rng`] seeded with
//! `seed`, and every step is deterministic given the stream, so the same
//! options give the same puzzle on every platform and thread count.
//!
//! Uniqueness on 16×16 and 25×25 is decided by the general solver under a
//! guess budget; a check that runs out counts as "not unique", so the given
//! stays. The result is always unique; with a small budget it may just keep
//! more givens than needed.

use std::fmt;

use super::general::{self, Limits};
use super::grid::{BoxSize, Grid};
use super::options::Options;
use super::rate::{rate, Level, Rating};
use super::rng::Rng;

/// A generated puzzle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub puzzle: Grid,
    pub solution: Grid,
    pub rating: Rating,
    /// Grids tried (more than 1 only when a level was required).
    pub attempts: u32,
}

/// Why generation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenerateError {
    /// No attempt reached the required level.
    LevelNotReached { level: Level, attempts: u32 },
    /// The stop callback returned true.
    Interrupted,
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::LevelNotReached { level, attempts } => write!(
                f,
                "no puzzle of level {} ({}) in {attempts} attempts; raise 'attempts' or change the seed",
                *level as u8,
                level.name()
            ),
            GenerateError::Interrupted => write!(f, "interrupted"),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Generates a puzzle of `size` as `options` say (`seed`, `symmetric`,
/// `min_clues`, `level`, `attempts`, `guess_budget`; the others are
/// ignored). `stop` is polled between uniqueness checks.
///
/// Cost: about a hundred uniqueness checks per 9×9 attempt (milliseconds);
/// under a second for 16×16, tens of seconds for a minimal 25×25. Errors: the level was not reached in
/// `attempts` grids, or `stop` returned true.
pub fn generate(size: BoxSize, options: &Options, stop: &mut dyn FnMut() -> bool) -> Result<Generated, GenerateError> {
    let mut rng = Rng::new(options.seed as u64);
    let wanted = Level::from_index(options.level).filter(|&l| l != Level::Given);
    let attempts = options.attempts.max(1) as u32;
    for attempt in 1..=attempts {
        let solution = random_grid(size, &mut rng, stop)?;
        let puzzle = dig(&solution, options, &mut rng, stop)?;
        let rating = rate(&puzzle);
        debug_assert_eq!(rating.solutions, 1);
        if wanted.map_or(true, |l| rating.level == l) {
            return Ok(Generated { puzzle, solution, rating, attempts: attempt });
        }
    }
    Err(GenerateError::LevelNotReached { level: wanted.unwrap_or(Level::Easy), attempts })
}

/// A uniformly seeded (not uniformly distributed) random full grid.
fn random_grid(size: BoxSize, rng: &mut Rng, stop: &mut dyn FnMut() -> bool) -> Result<Grid, GenerateError> {
    let empty = vec![0u8; size.cells()];
    // Heavy-tailed runs are cut at this many guesses and restarted with the
    // stream where it is; a fresh run almost always finishes at once.
    let budget = 20 * size.cells() as u64;
    loop {
        let mut limits = Limits { solutions: 1, guesses: budget, stop: &mut *stop, rng: Some(&mut *rng) };
        let out = general::count(size, &empty, &mut limits);
        if out.interrupted {
            return Err(GenerateError::Interrupted);
        }
        if let Some(s) = out.solution {
            return Ok(Grid::from_values(&s).expect("a solution has the grid's size"));
        }
    }
}

/// True when `values` has exactly one solution (false when the check ran
/// out of budget).
fn unique(size: BoxSize, values: &[u8], budget: u64, stop: &mut dyn FnMut() -> bool) -> Result<bool, GenerateError> {
    let (count, interrupted, exhausted) = if size == BoxSize::THREE {
        let out = super::fast9::count(values, 2, stop);
        (out.count, out.interrupted, false)
    } else {
        let mut limits = Limits { solutions: 2, guesses: budget, stop, rng: None };
        let out = general::count(size, values, &mut limits);
        (out.count, out.interrupted, out.exhausted)
    };
    if interrupted {
        return Err(GenerateError::Interrupted);
    }
    Ok(count == 1 && !exhausted)
}

/// Removes givens from the full grid `solution` while the solution stays unique.
fn dig(solution: &Grid, options: &Options, rng: &mut Rng, stop: &mut dyn FnMut() -> bool) -> Result<Grid, GenerateError> {
    let size = solution.size();
    let cells = size.cells();
    let mut values = solution.values().to_vec();
    let mut order: Vec<usize> = (0..cells).collect();
    rng.shuffle(&mut order);
    let min_clues = options.min_clues.max(0) as usize;
    let budget = options.guess_budget.max(1) as u64;
    let mut givens = cells;
    let mut visited = vec![false; cells];
    for &i in &order {
        let j = if options.symmetric != 0 { cells - 1 - i } else { i };
        if visited[i] || visited[j] {
            continue;
        }
        visited[i] = true;
        visited[j] = true;
        let removing = if i == j { 1 } else { 2 };
        if givens < min_clues + removing {
            continue;
        }
        let (vi, vj) = (values[i], values[j]);
        values[i] = 0;
        values[j] = 0;
        if unique(size, &values, budget, stop)? {
            givens -= removing;
        } else {
            values[i] = vi;
            values[j] = vj;
        }
    }
    Ok(Grid::from_values(&values).expect("same size as the solution"))
}
