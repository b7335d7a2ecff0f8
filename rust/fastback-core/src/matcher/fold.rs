//! Case folding and word characters, one code point at a time.
//!
//! Why simple (1:1) folding: a Python caller wants offsets into *its* string.
//! Full case folding changes lengths (`ß` → `ss`, `İ` → `i̇`), so a match in
//! folded text would no longer map back to a span of the original. Simple
//! folding maps every code point to exactly one code point, so a pattern of
//! `n` code points always spans exactly `n` code points of the text, and the
//! automaton's positions are the caller's positions.
//!
//! The fold is `lower(upper(c))`, each step taken only when it yields a single
//! code point. Going through upper case first makes the variants that
//! lower-casing alone leaves apart meet: `ς`/`σ`/`Σ`, `ſ`/`s`/`S`,
//! `K` (Kelvin)/`k`/`K`, `ǅ`/`ǆ`/`Ǆ`. Code points whose mapping is not 1:1
//! (`ß`, `İ`) fold to themselves (upper- or lower-cased as far as 1:1 goes).
//!
//! A word character is alphanumeric (Unicode `Alphabetic` or `Numeric`) or
//! `_`, as for `\w` without marks; Python's `str.isalnum() or c == "_"` agrees
//! on the scripts the tests draw from.

/// The simple case fold of `c` (see the module doc). ASCII takes a fast path.
#[inline]
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let upper = single(c.to_uppercase()).unwrap_or(c);
    single(upper.to_lowercase()).unwrap_or(upper)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// True for word characters: alphanumeric or `_`.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_WORD[c as usize];
    }
    c.is_alphanumeric()
}

/// Word-ness of each ASCII byte (`[0-9A-Za-z_]`).
pub const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_variants_together() {
        for group in [&['a', 'A'][..], &['σ', 'Σ', 'ς'], &['s', 'S', 'ſ'], &['k', 'K', '\u{212A}'], &['ǆ', 'ǅ', 'Ǆ'], &['é', 'É']] {
            let f = fold_char(group[0]);
            for &c in group {
                assert_eq!(fold_char(c), f, "{c:?}");
            }
        }
    }

    #[test]
    fn keeps_one_code_point_when_the_mapping_is_not_one_to_one() {
        assert_eq!(fold_char('ß'), 'ß');
        assert_eq!(fold_char('İ'), 'İ');
        assert_eq!(fold_char('中'), '中');
        assert_eq!(fold_char('-'), '-');
    }

    #[test]
    fn word_characters() {
        for c in ['a', 'Z', '0', '_', 'é', 'ß', 'Σ', '中', 'ж'] {
            assert!(is_word_char(c), "{c:?}");
        }
        for c in [' ', '-', '\'', '.', '\u{301}', '😀', '\u{2019}'] {
            assert!(!is_word_char(c), "{c:?}");
        }
    }
}
