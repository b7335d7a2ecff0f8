//! Constant tables of the band representation, computed at compile time.
//!
//! Layout (see `fast9/mod.rs`): a band is rows `3b..3b+3`; cell `(r, c)` is
//! bit `9·(r mod 3) + c` of its band's 27-bit word, so cell index `i` is bit
//! `i mod 27` of band `i / 27`. A *triad* is the three cells where a row of
//! the band meets a box of the band; the nine triads of a band are numbered
//! `3·row + box` (a 9-bit triad mask).
//!
//! The one piece of reasoning the tables encode is [`TRIAD_CLOSURE`]: within a
//! band, a digit sits in exactly one triad per row and exactly one per box, so
//! its three triads form a permutation of the 3×3 triad matrix. Of the six
//! permutations, those inside the current triad mask are the digit's possible
//! band configurations; their union is what survives. That is locked
//! candidates in both directions (pointing and claiming) for the digit in the
//! band, and a row or box without candidates shows up as the empty union.
//! The same table serves columns: a stack's vertical triads form the same
//! 3×3 structure (columns × boxes).

/// The 27 bits of a band word.
pub const BAND: u32 = (1 << 27) - 1;

/// Bits of column `c` (0..9) in a band word: `COLUMN << c`.
pub const COLUMN: u32 = 1 | 1 << 9 | 1 << 18;

/// A 9-bit row pattern -> which of its boxes hold a bit (3 bits, box k = bit k).
pub static BOXES_OF_ROW: [u16; 512] = boxes_of_row();

/// A triad mask -> the union of the permutation matrices it contains (0 when
/// it contains none: a row or box of the band has no place for the digit).
pub static TRIAD_CLOSURE: [u16; 512] = triad_closure();

/// A triad mask -> what the stall needs in one lookup: bits 0..9 its
/// closure (as `TRIAD_CLOSURE`), bits 9..12 how many configurations
/// (permutations) it holds, bits 12..16 the guess rank: that count when it is
/// at least two (a digit worth branching on), 15 otherwise; bits 16..25 the
/// triads common to all its configurations (where the digit must be).
pub static CLOSURE_INFO: [u32; 512] = closure_info();

/// Bits of [`CLOSURE_INFO`].
pub const INFO_TRIADS: u32 = 0x1ff;
pub const INFO_CONFIGS_SHIFT: u32 = 9;
pub const INFO_RANK_SHIFT: u32 = 12;
pub const INFO_FORCED_SHIFT: u32 = 16;
/// The rank of a digit with fewer than two configurations.
pub const RANK_NONE: u32 = 15;

/// A triad mask -> the band cells of those triads.
pub static TRIAD_CELLS: [u32; 512] = triad_cells();

/// A stack's vertical triad mask (bit 3·band + column) -> its forced triads
/// (as in [`CLOSURE_INFO`]) spread to the column presence layout (bit
/// 9·band + column), so the stall needs one lookup instead of a shuffle.
pub static FORCED_SPREAD: [u32; 512] = forced_spread();

/// Triad `t` (0..9, bit 3·row + box) -> the other triads of its row and its
/// box: where a digit cannot be once it is known to be in `t`.
pub static TRIAD_RIVALS: [u16; 9] = triad_rivals();

/// Band bit `j` -> the other cells of its row, box and column within the band.
pub static BAND_PEERS: [u32; 27] = band_peers();

/// A triad mask -> the band cells of its closure (0 when the closure is
/// empty): `TRIAD_CELLS[TRIAD_CLOSURE[m]]` in one lookup.
pub static CLOSED_CELLS: [u32; 512] = closed_cells();

/// A 9-bit row pattern -> the pattern itself when it has exactly one bit
/// (the row's only cell for the digit), else 0.
pub static LONE_CELL: [u16; 512] = lone_cell();

/// The columns a digit can use within one band (9 bits) -> the cells it
/// keeps in the two other bands. A box of this band where the digit is down
/// to one column claims that column: the other bands lose it (vertical
/// pointing; a placed digit is the one-cell case).
pub static OTHER_BANDS_KEEP: [u32; 512] = other_bands_keep();

const fn boxes_of_row() -> [u16; 512] {
    let mut t = [0u16; 512];
    let mut p = 0;
    while p < 512 {
        let mut k = 0;
        while k < 3 {
            if p >> (3 * k) & 7 != 0 {
                t[p] |= 1 << k;
            }
            k += 1;
        }
        p += 1;
    }
    t
}

/// The six 3×3 permutation matrices as triad masks (bit 3·row + column).
pub const PERMUTATIONS: [u16; 6] = {
    let perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut out = [0u16; 6];
    let mut i = 0;
    while i < 6 {
        let mut row = 0;
        while row < 3 {
            out[i] |= 1 << (3 * row + perms[i][row]);
            row += 1;
        }
        i += 1;
    }
    out
};

const fn triad_closure() -> [u16; 512] {
    let mut t = [0u16; 512];
    let mut m = 0;
    while m < 512 {
        let mut i = 0;
        while i < 6 {
            if PERMUTATIONS[i] & !(m as u16) == 0 {
                t[m] |= PERMUTATIONS[i];
            }
            i += 1;
        }
        m += 1;
    }
    t
}

const fn closure_info() -> [u32; 512] {
    let closure = triad_closure();
    let mut t = [0u32; 512];
    let mut m = 0;
    while m < 512 {
        let mut configs = 0u32;
        let mut i = 0;
        while i < 6 {
            if PERMUTATIONS[i] & !(m as u16) == 0 {
                configs += 1;
            }
            i += 1;
        }
        let rank = if configs >= 2 { configs } else { RANK_NONE };
        let mut forced = if configs > 0 { 0x1ff } else { 0 };
        let mut i = 0;
        while i < 6 {
            if PERMUTATIONS[i] & !(m as u16) == 0 {
                forced &= PERMUTATIONS[i] as u32;
            }
            i += 1;
        }
        t[m] = closure[m] as u32
            | configs << INFO_CONFIGS_SHIFT
            | rank << INFO_RANK_SHIFT
            | forced << INFO_FORCED_SHIFT;
        m += 1;
    }
    t
}

const fn triad_cells() -> [u32; 512] {
    let mut t = [0u32; 512];
    let mut m = 0;
    while m < 512 {
        let mut triad = 0;
        while triad < 9 {
            if m >> triad & 1 != 0 {
                let (row, bx) = (triad / 3, triad % 3);
                t[m] |= 7 << (9 * row + 3 * bx);
            }
            triad += 1;
        }
        m += 1;
    }
    t
}

const fn closed_cells() -> [u32; 512] {
    let closure = triad_closure();
    let cells = triad_cells();
    let mut t = [0u32; 512];
    let mut m = 0;
    while m < 512 {
        t[m] = cells[closure[m] as usize];
        m += 1;
    }
    t
}

const fn lone_cell() -> [u16; 512] {
    let mut t = [0u16; 512];
    let mut p = 0;
    while p < 512 {
        if p != 0 && p & (p - 1) == 0 {
            t[p] = p as u16;
        }
        p += 1;
    }
    t
}

const fn other_bands_keep() -> [u32; 512] {
    let mut t = [0u32; 512];
    let mut cols = 0;
    while cols < 512 {
        let mut keep = BAND;
        let mut bx = 0;
        while bx < 3 {
            let in_box = cols >> (3 * bx) & 7;
            if in_box != 0 && in_box & (in_box - 1) == 0 {
                keep &= !(COLUMN << (3 * bx + (in_box as u32).trailing_zeros() as usize));
            }
            bx += 1;
        }
        t[cols] = keep;
        cols += 1;
    }
    t
}

const fn forced_spread() -> [u32; 512] {
    let info = closure_info();
    let mut t = [0u32; 512];
    let mut m = 0;
    while m < 512 {
        let w = info[m] >> INFO_FORCED_SHIFT & 0x1ff;
        t[m] = (w & 7) | (w & 0o70) << 6 | (w & 0o700) << 12;
        m += 1;
    }
    t
}

const fn triad_rivals() -> [u16; 9] {
    let mut t = [0u16; 9];
    let mut i = 0;
    while i < 9 {
        let (row, bx) = (i / 3, i % 3);
        t[i] = ((7 << (3 * row)) | (0o111 << bx)) & !(1 << i);
        i += 1;
    }
    t
}

const fn band_peers() -> [u32; 27] {
    let mut t = [0u32; 27];
    let mut j = 0;
    while j < 27 {
        let (row, col) = (j / 9, j % 9);
        let bx = col / 3;
        let row_bits = 0x1ff << (9 * row);
        let box_bits = (7 << (3 * bx)) * COLUMN;
        let col_bits = COLUMN << col;
        t[j] = (row_bits | box_bits | col_bits) & !(1 << j);
        j += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Locked candidates to a fixpoint, written the textbook way: the closure
    /// table must agree with it on every mask (on a 3×3 matrix, keeping the
    /// triads that lie on some permutation is exactly that fixpoint).
    fn locked_fixpoint(mut m: u16) -> u16 {
        loop {
            let before = m;
            for line in 0..3 {
                let row = m >> (3 * line) & 7;
                let col = (0..3).fold(0, |acc, r| acc | (m >> (3 * r + line) & 1) << r);
                if row == 0 || col == 0 {
                    return 0;
                }
                if row.count_ones() == 1 {
                    let k = row.trailing_zeros();
                    for r in 0..3 {
                        if r != line {
                            m &= !(1 << (3 * r + k as u16));
                        }
                    }
                }
                if col.count_ones() == 1 {
                    let r = col.trailing_zeros() as u16;
                    for k in 0..3 {
                        if k != line {
                            m &= !(1 << (3 * r + k));
                        }
                    }
                }
            }
            if m == before {
                return m;
            }
        }
    }

    #[test]
    fn closure_is_the_locked_candidates_fixpoint() {
        for m in 0..512u16 {
            assert_eq!(TRIAD_CLOSURE[m as usize], locked_fixpoint(m), "mask {m:09b}");
        }
    }

    #[test]
    fn peers_have_twenty_cells_minus_other_bands() {
        for j in 0..27 {
            // 8 in the row, 4 more in the box, 2 more in the column (in band).
            assert_eq!(BAND_PEERS[j].count_ones(), 14);
        }
    }
}
