//! (in progress: DIMACS reader)
