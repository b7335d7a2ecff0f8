//! The propagators, one family per file. Each file's doc says what
//! consistency it reaches and at what cost.
//!
//! - [`binary`]: `x != y + c` and `x == y + c` (domain consistent).
//! - [`linear`]: `Σ a·x <= c`, `== c` (bounds consistent) and `!= c`
//!   (forward checking), and their reified forms `b <-> (Σ a·x op c)`.
//! - [`alldiff`]: all-different by forward checking, and Régin's
//!   matching-based filtering (domain consistent).
//! - [`table`]: allowed tuples by simple tabular reduction (STR2 style,
//!   domain consistent).
//! - [`element`]: `array[index] == value` for an array of ints or of
//!   variables (domain consistent on index and value).

pub mod alldiff;
pub mod binary;
pub mod element;
pub mod linear;
pub mod table;
