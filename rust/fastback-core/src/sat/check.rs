//! (in progress: DRAT checker)
